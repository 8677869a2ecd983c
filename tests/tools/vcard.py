#!/usr/bin/env python3
"""A virtual contactless card for vsmartcard's virtual reader (vpcd).

The pcsc backend's tests put it on pcscd's "Virtual PCD" reader: the card is
a TCP client of vpcd (insert = connect, remove = close).  Frames are a
2-byte big-endian length and a payload; a 1-byte payload is a control
(0x00 power off, 0x01 on, 0x02 reset, 0x04 send the ATR), anything longer a
command APDU to answer with a response APDU.

It answers the PC/SC GET DATA pseudo-APDU (FF CA 00 00 00) with its UID;
given --cert, the read-only path of the apdu:jpki-auth profile: SELECT the
JPKI application, SELECT EF 000A, READ BINARY of the certificate; given
--seizo, the apdu:seizo one: SELECT of the manufacturing number's
application and READ RECORD 1 of SFI 1 (with --seizo and no --cert: a
card issued without certificates, whose JPKI application has no EF 000A).  --delay makes every READ wait
that long before answering (a type B card's frame waiting time), --pull N
takes the card away on the Nth APDU of a presentation, before answering
it.  Every other command gets 6D 00.  Every APDU received is logged (hex, one a line)
so that a test can show what was, and was not, sent.

Commands, one a line on stdin (a FIFO the test keeps open):
  insert UID   lay the card on the reader (reconnects if pcscd restarts);
               any length, for tests of oversized answers; "none": the
               card refuses GET DATA
  remove       take it away
  cert PATH|-  the certificate (or none) of the cards inserted from now on
  seizo TEXT|- their manufacturing number (or none)
  atr HEX|-    their ATR (or the default, a type A card's)
  quit
Each command is acknowledged on stdout once done ("inserted", "removed",
"set cert" ...).
"""
import argparse
import os
import select
import socket
import sys
import time

JPKI_AID = bytes.fromhex("D392F000260100000001")
SEIZO_AID = bytes.fromhex("D3921000310001010100")
ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")


class Card:
    def __init__(self, args):
        self.port = args.port
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.cert = open(args.cert, "rb").read() if args.cert else None
        self.atr = bytes.fromhex(args.atr) if args.atr else ATR
        self.uid = b""
        self.inserted = False
        self.sock = None
        self.buf = b""
        self.app = None  # what SELECT chose: None, "jpki", "ef", "seizo"
        self.seizo = args.seizo.encode() if args.seizo else None
        self.delay = args.delay
        self.pull = args.pull
        self.napdu = 0

    def connect(self):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), 1)
        except OSError:
            return False
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        quickack(s)
        self.sock, self.buf, self.app = s, b"", None
        self.napdu = 0
        return True

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def answer(self, apdu):
        if self.log:
            self.log.write(apdu.hex().upper() + "\n")
        if len(apdu) < 4:
            return b"\x67\x00"
        self.napdu += 1
        if self.pull and self.napdu == self.pull:
            self.inserted = False
            self.close()
            return None
        if self.delay and apdu[1] in (0xB0, 0xB2):
            time.sleep(self.delay)
        cla, ins, p1, p2 = apdu[0], apdu[1], apdu[2], apdu[3]
        if cla == 0xFF and ins == 0xCA and p1 == 0 and p2 == 0:
            if self.uid is None:
                return b"\x6a\x81"
            return self.uid + b"\x90\x00"
        if cla == 0x00 and ins == 0xA4 and self.seizo is not None and \
                p1 == 0x04 and apdu[5:5 + apdu[4]] == SEIZO_AID:
            self.app = "seizo"
            return b"\x90\x00"
        if cla == 0x00 and ins == 0xB2 and self.app == "seizo" and \
                p1 == 0x01 and p2 == 0x0C:
            value = b"\x00\x01" + self.seizo + b"\x00"
            return bytes([0x30, len(value)]) + value + b"\x90\x00"
        if cla == 0x00 and ins == 0xA4 and self.cert is None and \
                self.seizo is not None:
            # A My Number card issued without certificates: the JPKI
            # application is there, its certificate EF is not.
            if p1 == 0x04 and apdu[5:5 + apdu[4]] == JPKI_AID:
                self.app = "jpki"
                return b"\x90\x00"
            return b"\x6a\x82"
        if cla == 0x00 and ins == 0xA4 and self.cert is not None:
            lc = apdu[4] if len(apdu) > 4 else 0
            data = apdu[5:5 + lc]
            if p1 == 0x04 and data == JPKI_AID:
                self.app = "jpki"
                return b"\x90\x00"
            if p1 == 0x02 and data == b"\x00\x0a" and self.app:
                self.app = "ef"
                return b"\x90\x00"
            return b"\x6a\x82"
        if cla == 0x00 and ins == 0xB0 and self.app == "ef":
            off = (p1 & 0x7F) << 8 | p2
            le = apdu[4] if len(apdu) > 4 else 0
            le = 256 if le == 0 else le
            if off > len(self.cert):
                return b"\x6b\x00"
            return self.cert[off:off + le] + b"\x90\x00"
        return b"\x6d\x00"

    def frame(self, payload):
        if len(payload) == 1:
            if payload[0] == 0x04:
                return self.atr
            return None  # power off/on, reset: no answer
        return self.answer(payload)

    def receive(self):
        try:
            data = self.sock.recv(4096)
        except OSError:
            data = b""
        if not data:
            self.close()  # vpcd went away: pcscd stopped
            return
        quickack(self.sock)
        self.buf += data
        while len(self.buf) >= 2:
            n = int.from_bytes(self.buf[:2], "big")
            if len(self.buf) < 2 + n:
                break
            payload, self.buf = self.buf[2:2 + n], self.buf[2 + n:]
            reply = self.frame(payload)
            if self.sock is None:
                return  # pulled away
            if reply is not None:
                self.sock.sendall(len(reply).to_bytes(2, "big") + reply)


def quickack(s):
    # Without it every exchange waits for the peer's delayed ACK (~40 ms).
    if hasattr(socket, "TCP_QUICKACK"):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def say(msg):
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=35963)
    ap.add_argument("--log", help="file to append every APDU to")
    ap.add_argument("--cert", help="DER certificate for the JPKI EF 000A")
    ap.add_argument("--atr", help="ATR in hex")
    ap.add_argument("--seizo", help="13-character manufacturing number")
    ap.add_argument("--delay", type=float, default=0,
                    help="seconds every READ waits before its answer")
    ap.add_argument("--pull", type=int, default=0,
                    help="take the card away on this APDU (1-based)")
    card = Card(ap.parse_args())
    pending = b""
    while True:
        fds = [sys.stdin.fileno()]
        if card.sock is not None:
            fds.append(card.sock)
        # Only a card lying on the reader while pcscd is away retries.
        wait = 0.1 if card.inserted and card.sock is None else None
        ready, _, _ = select.select(fds, [], [], wait)
        if card.inserted and card.sock is None:
            card.connect()
        if card.sock is not None and card.sock in ready:
            card.receive()
        if sys.stdin.fileno() not in ready:
            continue
        chunk = os.read(sys.stdin.fileno(), 4096)
        if not chunk:
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            words = line.decode().split()
            if not words:
                continue
            if words[0] == "quit":
                return
            if words[0] == "insert" and len(words) == 2:
                # "none": a card that refuses GET DATA (6A 81).
                card.uid = None if words[1] == "none" else \
                    bytes.fromhex(words[1])
                card.inserted = True
                card.close()
                deadline = time.monotonic() + 10
                while not card.connect() and time.monotonic() < deadline:
                    time.sleep(0.05)
                say("inserted" if card.sock else "insert failed")
            elif words[0] == "remove":
                card.inserted = False
                card.close()
                say("removed")
            elif words[0] in ("cert", "seizo", "atr") and len(words) == 2:
                # What the next card inserted is ("-": none, or the
                # default ATR), as pn532emu.py's control lines: cert
                # PATH|-, seizo TEXT(13)|-, atr HEX|-.
                v = None if words[1] == "-" else words[1]
                if words[0] == "cert":
                    card.cert = open(v, "rb").read() if v else None
                elif words[0] == "seizo":
                    card.seizo = v.encode() if v else None
                else:
                    card.atr = bytes.fromhex(v) if v else ATR
                say("set " + words[0])
            else:
                say("? " + line.decode())


if __name__ == "__main__":
    main()
