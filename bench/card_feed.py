#!/usr/bin/env python3
"""The card feed of the scan path measurement (bench/run, measurement 7).

It presents cards one after another to a program that reads them and waits,
after each card, for the program's line saying the card was read, so that
the same feed drives cardtally and its baseline alike.  The first card is a
warm-up (the program starting, its first connection): it is read like the
others but not counted.

  card_feed.py sim SERIALS OUT -- COMMAND... -- BASELINE...
      COMMAND reads a sim script on its stdin (cardtally scan --reader
      sim:- --json): for each serial, "card SERIAL" is written to it and
      the time taken until its JSON line for that serial ("event":
      "accepted") arrives on its stdout is written to OUT, in
      microseconds, one a line; then "remove".  The clock is read just
      before the write and just after the line is in: the pipe's hand-over
      both ways is counted against the program.  BASELINE (raw_insert
      FILE N --paced, N the number of serials) is timed the same way, a
      line in, "row I" out, one turn after each card, into OUT.base: both
      wait the same way, in the same moments of the disk.  A pause of
      GAP_MS (environment, default 5) after each turn lets the programs
      wait for the next card as they would at a reader.

  card_feed.py pcsc SERIALS OUT VCARD PORT MARK -- COMMAND...
      The cards are virtual My Number cards (VCARD: tests/tools/vcard.py)
      on vpcd's PORT: for each serial (a 13-character manufacturing
      number) the card is inserted, the feed waits for COMMAND's line that
      holds MARK and the serial, removes the card and waits GAP_MS
      (default 500: pcscd polls its readers every 400 ms and must see the
      card gone before the next one comes).  A card the program reports
      unread (an exchange that failed) is removed and presented again, at
      most 3 times, its time counted.  OUT gets one line: "reads=N
      seconds=S reads_per_s=R retries=T", from the insertion of the first
      counted card to the line of the last.

Descriptor 3, when open, is passed on to COMMAND (cardtally's --pin-fd 3).
Anything else than the expected line (another serial, an alert, the
program ending) or no line within TIMEOUT_S (default 15) ends the feed
with a message and exit 1: a benchmark must not time a broken feed.
"""
import os
import select
import subprocess
import sys
import time


def die(msg):
    sys.stderr.write("card_feed: " + msg + "\n")
    sys.exit(1)


class Lines:
    """Lines of a pipe, read as they come, with a deadline."""

    def __init__(self, fd, name):
        self.fd, self.name, self.buf = fd, name, b""

    def next(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                die("no line from %s within %g s" % (self.name, timeout))
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.fd, 65536)
            if not chunk:
                die("%s ended (its output closed)" % self.name)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")


def serials_of(path):
    with open(path) as f:
        s = [w.strip() for w in f if w.strip()]
    if len(s) < 2:
        die("%s: a warm-up card and at least one more are needed" % path)
    return s


def kept_fds():
    """Descriptor 3 (cardtally's --pin-fd 3) goes to the program."""
    try:
        os.fstat(3)
        return (3,)
    except OSError:
        return ()


def turn(wfd, lines, text, timeout):
    """Writes text, returns (the line that answers it, microseconds)."""
    t0 = time.monotonic_ns()
    os.write(wfd, text.encode())
    line = lines.next(timeout)
    t1 = time.monotonic_ns()
    return line, (t1 - t0) / 1000.0


def run_sim(serials, out, cmd, base, gap, timeout):
    prog = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, pass_fds=kept_fds())
    lines = Lines(prog.stdout.fileno(), cmd[0])
    bprog = subprocess.Popen(base, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    blines = Lines(bprog.stdout.fileno(), base[0])
    lat, blat = [], []
    for k, s in enumerate(serials):
        line, us = turn(prog.stdin.fileno(), lines, "card %s\n" % s,
                        timeout)
        if '"event":"accepted"' not in line or \
                '"serial":"%s"' % s not in line:
            die("card %d (%s): expected its accepted read, got: %s"
                % (k, s, line))
        os.write(prog.stdin.fileno(), b"remove\n")
        time.sleep(gap)
        bline, bus = turn(bprog.stdin.fileno(), blines, "row\n", timeout)
        if bline != "row %d" % k:
            die("%s: expected row %d, got: %s" % (base[0], k, bline))
        time.sleep(gap)
        if k > 0:
            lat.append(us)
            blat.append(bus)
    for p, name, summary in ((prog, cmd[0], False), (bprog, base[0], True)):
        p.stdin.close()
        rest = p.stdout.read().decode("utf-8", "replace")
        rc = p.wait()
        if rc != 0:
            die("%s exited %d" % (name, rc))
        if summary != bool(rest.strip()) or \
                (summary and not rest.startswith("rows=")):
            die("%s: unexpected output at the end: %r" % (name, rest[:200]))
    for path, v in ((out, lat), (out + ".base", blat)):
        with open(path, "w") as f:
            f.writelines("%.1f\n" % x for x in v)


# A program's line for a card it could not read: pcsc_loop's, and
# cardtally's JSON event.  Such a card is presented again, at most RETRIES
# times.
UNREAD = ("unread ", '"event":"unreadable"')
RETRIES = 3


def run_pcsc(serials, out, vcard, port, mark, cmd, gap, timeout):
    card = subprocess.Popen([sys.executable, vcard, "--port", str(port)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    acks = Lines(card.stdout.fileno(), "the virtual card")

    def tell(command, ack):
        os.write(card.stdin.fileno(), (command + "\n").encode())
        got = acks.next(timeout)
        if got != ack:
            die("virtual card: %s: answered %r" % (command, got))

    prog = subprocess.Popen(cmd, stdout=subprocess.PIPE, pass_fds=kept_fds())
    lines = Lines(prog.stdout.fileno(), cmd[0])
    retries = 0
    try:
        t_first = None
        for k, s in enumerate(serials):
            if k == 1:
                t_first = time.monotonic()
            tell("seizo " + s, "set seizo")
            for attempt in range(RETRIES + 1):
                tell("insert %02X%06X" % (0x04, k + 1), "inserted")
                line = lines.next(timeout)
                if mark in line and s in line:
                    break
                if not any(u in line for u in UNREAD) or attempt == RETRIES:
                    die("card %d (%s): expected a line with %r, got: %s"
                        % (k, s, mark, line))
                # Not read (the exchange failed): presented again, as a
                # clerk holds the card again; the time counts.
                if k >= 1:
                    retries += 1
                sys.stderr.write("card_feed: card %d (%s) again after: %s\n"
                                 % (k, s, line))
                tell("remove", "removed")
                time.sleep(gap)
            t_last = time.monotonic()
            tell("remove", "removed")
            if k + 1 < len(serials):
                time.sleep(gap)
    finally:
        if prog.poll() is None:
            prog.terminate()
        prog.wait()
        card.stdin.close()
        card.wait()
    n = len(serials) - 1
    with open(out, "w") as f:
        f.write("reads=%d seconds=%.3f reads_per_s=%.3f retries=%d\n"
                % (n, t_last - t_first, n / (t_last - t_first), retries))


def main():
    argv = sys.argv[1:]
    if "--" not in argv or not argv:
        die("usage: see the top of bench/card_feed.py")
    cut = argv.index("--")
    args, cmd = argv[:cut], argv[cut + 1:]
    timeout = float(os.environ.get("TIMEOUT_S", "15"))
    if args[0] == "sim" and len(args) == 3 and "--" in cmd:
        gap = float(os.environ.get("GAP_MS", "5")) / 1000
        cut = cmd.index("--")
        cmd, base = cmd[:cut], cmd[cut + 1:]
        if not cmd or not base:
            die("usage: see the top of bench/card_feed.py")
        run_sim(serials_of(args[1]), args[2], cmd, base, gap, timeout)
    elif args[0] == "pcsc" and len(args) == 6 and cmd:
        gap = float(os.environ.get("GAP_MS", "500")) / 1000
        run_pcsc(serials_of(args[1]), args[2], args[3], int(args[4]),
                 args[5], cmd, gap, timeout)
    else:
        die("usage: see the top of bench/card_feed.py")


if __name__ == "__main__":
    main()
