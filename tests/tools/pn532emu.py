#!/usr/bin/env python3
"""A PN532 on a pseudo-terminal, the test peer of the `nfc` reader backend.

libnfc's pn532_uart driver talks to it as to a PN532 on a serial port
(LIBNFC_DEVICE=pn532_uart:LINK), so the tests drive the real libnfc without
hardware.  The emulator opens a pty, points LINK (a path without colons) at
its slave side, keeps that slave open and raw, and answers the frames libnfc
sends: an ACK at once, then the response frame.  It knows the commands
libnfc uses to open a device, poll ISO 14443 A, ISO 14443 B and FeliCa,
check a card's presence and exchange APDUs; anything else gets the PN532's
error frame, so a new command shows up in a test instead of hanging it.

Several type A cards can lie in the field at once, as ISO 14443-3 allows:
InListPassiveTarget selects the first card that is not halted (or, given a
UID as initiator data, that card); InDeselect halts the selected card, so
that libnfc's nfc_initiator_list_passive_targets finds the next one; turning
the RF field off wakes every card again.  ISO-DEP cards answer the read-only
path of the My Number JPKI profile (SELECT the application, SELECT EF 000A,
READ BINARY) once given a certificate with `cert`.

Control lines on stdin (one per line):
  insert A UID [SAK]  a type A card with that UID (hex), alone in the field;
                    SAK 20 (ISO 14443-4) unless given: another SAK makes a
                    card that takes no APDUs and that libnfc cannot ping
  insert B PUPI     a type B card with that 4-byte PUPI
  insert F IDM      a FeliCa card with that 8-byte IDm
  add A UID [SAK]   one more card in the field (any type, as for insert)
  pair UID UID      two type A ISO-DEP cards laid in the field together
  remove            every card leaves the field
  cert PATH         the DER certificate ISO-DEP cards serve as EF 000A of
                    the JPKI application ("cert -": none, SELECT of the EF
                    then fails 6A 82)
  vanish            the device disappears (the pty is closed)
  appear            the device comes back (a new pty behind LINK)
  mute              the chip acknowledges commands but never answers them,
                    as a PN532 stuck in a select does (libnfc issue #527)
  unmute            it answers again
  slow MS           every answer comes MS milliseconds after its ACK (0: at
                    once), as with a card that takes its time
  quit              (or end of input) stop
Each control line is acknowledged on stdout ("ok CMD") once done, and
"frames N" is printed on `stats`, so a test can wait instead of sleeping.
"""

import os
import select
import sys
import termios
import time
import tty

ACK = bytes([0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00])
ERROR_FRAME = bytes([0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00])
SEIZO_AID = bytes.fromhex("D39210003100010101 00".replace(" ", ""))
JPKI_AID = bytes.fromhex("D392F000260100000001")


def frame(payload):
    """A normal information frame chip -> host around payload (D5 ...)."""
    n = len(payload)
    if n > 255:  # an extended frame: FF FF, LENM LENL, LCS
        head = bytes([0x00, 0x00, 0xFF, 0xFF, 0xFF, n >> 8, n & 0xFF,
                      (-((n >> 8) + (n & 0xFF))) & 0xFF])
    else:
        head = bytes([0x00, 0x00, 0xFF, n, (-n) & 0xFF])
    return head + payload + bytes([(-sum(payload)) & 0xFF, 0x00])


def decascade(data):
    """The UID in a type A InListPassiveTarget's initiator data, whose
    7- and 10-byte UIDs carry cascade tags (88) as libnfc sends them."""
    if len(data) == 8 and data[0] == 0x88:
        return data[1:]
    if len(data) == 12 and data[0] == 0x88 and data[4] == 0x88:
        return data[1:4] + data[5:]
    return data


class Card:
    def __init__(self, kind, ident, sak=0x20):
        self.kind = kind
        self.ident = ident
        self.sak = sak
        self.app = None  # what SELECT chose: None, "jpki", "ef"


class Chip:
    def __init__(self, link):
        self.link = link
        self.master = -1
        self.slave = -1
        self.buf = b""
        self.cards = []  # in the field
        self.card = None  # the selected one
        self.halted = set()  # identifiers of halted type A cards
        self.cert = None
        self.seizo = None
        self.regs = {}
        self.frames = 0
        self.mute = False
        self.delay = 0.0
        self.later = []  # (when, bytes): answers held back by `slow`
        self.appear()

    def appear(self):
        self.master, self.slave = os.openpty()
        # Raw, so that no byte is translated on the way to libnfc.
        tty.setraw(self.slave, termios.TCSANOW)
        tty.setraw(self.master, termios.TCSANOW)
        tmp = self.link + ".new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(os.ttyname(self.slave), tmp)
        os.replace(tmp, self.link)
        self.buf = b""

    def vanish(self):
        if self.master >= 0:
            os.close(self.master)
            os.close(self.slave)
        self.master = self.slave = -1
        self.later = []
        # A dangling link is what a reader unplugged from USB leaves.

    def send(self, data):
        os.write(self.master, data)

    def answer(self, cmd, data):
        """The response payload after D5 CMD+1, or None for an error frame."""
        c = self.card
        if cmd == 0x00:  # Diagnose: the communication test echoes its data
            return data
        if cmd == 0x02:  # GetFirmwareVersion: PN532 v1.6, A + B + DEP
            return bytes([0x32, 0x01, 0x06, 0x07])
        if cmd == 0x04:  # GetGeneralStatus
            return bytes([0x00, 0x00, 0x00, 0x00])
        if cmd == 0x06:  # ReadRegister: one byte per 16-bit address
            return bytes(self.regs.get(data[i:i + 2], 0)
                         for i in range(0, len(data) - 1, 2))
        if cmd == 0x08:  # WriteRegister: address, value triples
            for i in range(0, len(data) - 2, 3):
                self.regs[data[i:i + 2]] = data[i + 2]
            return b""
        if cmd == 0x32 and len(data) >= 2 and data[0] == 0x01 and \
                not data[1] & 0x01:
            # RFConfiguration, RF field off: every card powers down, so
            # none is halted or selected any more.
            self.halted.clear()
            self.card = None
            return b""
        if cmd in (0x12, 0x14, 0x32):  # SetParameters, SAMConfig, RFConfig
            return b""
        if cmd == 0x16:  # PowerDown
            return b"\x00"
        if cmd == 0x44:  # InDeselect: a type A card goes to HALT
            if c is not None and c.kind == "A":
                self.halted.add(c.ident)
            self.card = None
            return b"\x00"
        if cmd == 0x52:  # InRelease
            self.card = None
            return b"\x00"
        if cmd == 0x4A:  # InListPassiveTarget MaxTg BrTy [InitiatorData]
            if len(data) < 2:
                return None
            return self.list_target(data[1], data[2:])
        if cmd == 0x40:  # InDataExchange Tg DATA: chip-framed exchange
            return self.exchange(data[1:])
        if cmd == 0x42:  # InCommunicateThru DATA: raw frames
            # Presence pings of ISO-DEP cards (R(NAK) B2 / BA 01) get an
            # R(ACK); without a card every raw frame times out (status 01),
            # so probes for other card families find nothing.
            if c is not None and (c.kind == "B" or
                                  (c.kind == "A" and c.sak & 0x20)):
                return b"\x00\xA3"
            return b"\x01"
        return None

    def pick(self, brty, init):
        """The card an InListPassiveTarget of BrTy selects, or None."""
        kind = {0x00: "A", 0x01: "F", 0x02: "F", 0x03: "B"}.get(brty)
        for c in self.cards:
            if c.kind != kind:
                continue
            if kind == "A" and init:
                if c.ident == decascade(init):
                    self.halted.discard(c.ident)
                    return c
                continue
            if kind == "A" and c.ident in self.halted:
                continue
            return c
        return None

    def list_target(self, brty, init=b""):
        c = self.pick(brty, init)
        self.card = c
        if c is None:
            return b"\x00"
        c.app = None
        if brty == 0x00 and c.kind == "A":
            # SENS_RES 00 04, SEL_RES 20 (ISO 14443-4), UID, then the ATS
            # the chip's automatic RATS got.
            ats = bytes([0x05, 0x78, 0x80, 0x70, 0x02]) \
                if c.sak & 0x20 else b""
            return (bytes([0x01, 0x01, 0x00, 0x04, c.sak, len(c.ident)]) +
                    c.ident + ats)
        if brty == 0x03 and c.kind == "B":
            # ATQB: 50, PUPI, application data, protocol info; then the
            # ATTRIB answer (one byte).
            atqb = (b"\x50" + c.ident + bytes(4) +
                    bytes([0x00, 0x81, 0x71]))
            return b"\x01\x01" + atqb + b"\x01\x00"
        if brty in (0x01, 0x02) and c.kind == "F":
            # POL_RES: length 18, response code 01, IDm, PMm.
            return b"\x01\x01\x12\x01" + c.ident + bytes(8)
        return b"\x00"

    def exchange(self, data):
        c = self.card
        if c is None:
            return b"\x01"
        if c.kind == "A" and not c.sak & 0x20:
            return b"\x01"  # no ISO-DEP: nothing answers an APDU
        if c.kind == "F":
            # FeliCa Request Response (0A 04 IDm): libnfc's presence check.
            if len(data) >= 10 and data[1] == 0x04 and data[2:10] == c.ident:
                return b"\x00" + bytes([0x0B, 0x05]) + c.ident + b"\x00"
            return b"\x01"
        return b"\x00" + self.apdu(c, data)

    def apdu(self, c, a):
        """A response APDU: SELECT of the JPKI application is answered
        90 00; with a certificate, SELECT of EF 000A and READ BINARY of it
        too; anything else 6A 82 (file not found) or 6D 00."""
        if len(a) >= 5 and a[0] == 0x00 and a[1] == 0xA4:
            body = a[5:5 + a[4]]
            if a[2] == 0x04 and body == JPKI_AID:
                c.app = "jpki"
                return b"\x90\x00"
            if a[2] == 0x04 and body == SEIZO_AID and self.seizo:
                c.app = "seizo"
                return b"\x90\x00"
            if a[2] == 0x02 and body == b"\x00\x0a" and c.app and \
                    self.cert is not None:
                c.app = "ef"
                return b"\x90\x00"
            return b"\x6A\x82"
        if len(a) >= 4 and a[0] == 0x00 and a[1] == 0xB0 and c.app == "ef":
            off = (a[2] & 0x7F) << 8 | a[3]
            le = a[4] if len(a) > 4 and a[4] else 256
            if off > len(self.cert):
                return b"\x6B\x00"
            return self.cert[off:off + le] + b"\x90\x00"
        if a[:4] == b"\x00\xB2\x01\x0C" and c.app == "seizo":
            # The manufacturing number's record: tag 30, two leading
            # bytes, the 13 characters, one more.
            value = b"\x00\x01" + self.seizo + b"\x00"
            return bytes([0x30, len(value)]) + value + b"\x90\x00"
        return b"\x6D\x00"

    def feed(self, data):
        self.buf += data
        while True:
            start = self.buf.find(b"\x00\xFF")
            if start < 0:
                # Keep a trailing 00: it may begin the next start code.
                self.buf = self.buf[-1:] if self.buf.endswith(b"\x00") \
                    else b""
                return
            b = self.buf[start + 2:]
            if len(b) < 2:
                return
            n, lcs = b[0], b[1]
            if n == 0 and lcs == 0xFF:  # an ACK from the host: abort
                self.buf = b[2:]
                continue
            if (n + lcs) & 0xFF:
                self.buf = b[1:]  # not a frame start after all
                continue
            if len(b) < 2 + n + 2:
                return
            payload = b[2:2 + n]
            self.buf = b[2 + n + 2:]
            if (sum(payload) + b[2 + n]) & 0xFF:
                continue  # a damaged frame: the host will time out
            if n < 2 or payload[0] != 0xD4:
                self.send(ERROR_FRAME)
                continue
            self.frames += 1
            cmd = payload[1]
            resp = self.answer(cmd, payload[2:])
            self.send(ACK)
            if self.mute:
                continue
            out = ERROR_FRAME if resp is None else \
                frame(bytes([0xD5, cmd + 1]) + resp)
            if self.delay > 0:
                self.later.append((time.monotonic() + self.delay, out))
            else:
                self.send(out)

    def flush_later(self):
        """Sends the held-back answers that are due; seconds to the next."""
        now = time.monotonic()
        while self.later and self.later[0][0] <= now:
            self.send(self.later.pop(0)[1])
        return max(0.0, self.later[0][0] - now) if self.later else None


def parse_card(words):
    kinds = {"A": None, "B": 4, "F": 8}
    sak = 0x20
    if len(words) == 4 and words[1] == "A":
        sak = int(words[3], 16)
        words = words[:3]
    if len(words) != 3 or words[1] not in kinds:
        raise ValueError("expected: insert A|B|F HEX")
    ident = bytes.fromhex(words[2])
    want = kinds[words[1]]
    if (want is not None and len(ident) != want) or \
            (want is None and len(ident) not in (4, 7, 10)):
        raise ValueError("wrong identifier length for type " + words[1])
    return Card(words[1], ident, sak)


def control(chip, line):
    words = line.split()
    if not words:
        return True
    if words[0] == "insert":
        chip.cards = [parse_card(words)]
        chip.card = None
        chip.halted.clear()
    elif words[0] == "add":
        card = parse_card(words)
        if any(c.ident == card.ident for c in chip.cards):
            raise ValueError("that card is in the field already")
        chip.cards.append(card)
    elif words[0] == "pair":
        if len(words) != 3 or words[1] == words[2]:
            raise ValueError("expected: pair UID UID (two different)")
        chip.cards = [parse_card(["insert", "A", w]) for w in words[1:]]
        chip.card = None
        chip.halted.clear()
    elif words[0] == "remove":
        chip.cards = []
        chip.card = None
        chip.halted.clear()
    elif words[0] == "cert":
        if len(words) != 2:
            raise ValueError("expected: cert PATH|-")
        chip.cert = None if words[1] == "-" else \
            open(words[1], "rb").read()
    elif words[0] == "seizo":
        # seizo TEXT: ISO-DEP cards answer the manufacturing number's
        # application with these 13 characters ("seizo -": they do not).
        if len(words) != 2 or (words[1] != "-" and len(words[1]) != 13):
            raise ValueError("expected: seizo TEXT(13)|-")
        chip.seizo = None if words[1] == "-" else words[1].encode()
    elif words[0] == "vanish":
        chip.vanish()
    elif words[0] == "appear":
        if chip.master < 0:
            chip.appear()
    elif words[0] in ("mute", "unmute"):
        chip.mute = words[0] == "mute"
    elif words[0] == "slow":
        if len(words) != 2 or not words[1].isdigit():
            raise ValueError("expected: slow MS")
        chip.delay = int(words[1]) / 1000.0
    elif words[0] == "stats":
        print("frames %d" % chip.frames, flush=True)
    elif words[0] == "quit":
        return False
    else:
        raise ValueError("unknown command " + words[0])
    print("ok " + words[0], flush=True)
    return True


def main():
    if len(sys.argv) != 2 or ":" in sys.argv[1]:
        sys.exit("usage: pn532emu.py LINK (a path without ':')")
    chip = Chip(sys.argv[1])
    print("ok ready", flush=True)
    pending = b""
    try:
        while True:
            fds = [0] + ([chip.master] if chip.master >= 0 else [])
            wait = chip.flush_later() if chip.master >= 0 else None
            ready, _, _ = select.select(fds, [], [], wait)
            if chip.master in ready:
                try:
                    data = os.read(chip.master, 4096)
                except OSError:
                    data = b""  # the host closed the port: no matter
                if data:
                    chip.feed(data)
            if 0 in ready:
                data = os.read(0, 4096)
                if not data:
                    break
                pending += data
                go = True
                while b"\n" in pending and go:
                    line, pending = pending.split(b"\n", 1)
                    try:
                        go = control(chip, line.decode())
                    except ValueError as e:
                        print("error " + str(e), flush=True)
                if not go:
                    break
    finally:
        chip.vanish()
        if os.path.lexists(chip.link):
            os.unlink(chip.link)


if __name__ == "__main__":
    main()
