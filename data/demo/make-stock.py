#!/usr/bin/env python3
"""Writes data/demo/stock.csv: the demo ward's stock list.

A ward office like Kanagawa's (seed 000): about 5,000 stored cards, ~1,000
in paper cases in SAFE1 and ~4,000 in binders in SAFE2, 50 trays in all,
plus cards issued earlier that the issuing system still lists.  Written with
CRLF line ends, as Windows-based issuing systems export it.  Deterministic:
the same file every run.

Run: python3 data/demo/make-stock.py > data/demo/stock.csv
"""
import random
import sys

rng = random.Random(20261123)

trays = []
for shelf in (1, 2):                      # SAFE1: paper cases, 10 trays
    for t in range(1, 6):
        trays.append(f"SAFE1/S{shelf}/T{(shelf - 1) * 5 + t:02d}")
for shelf in (1, 2, 3, 4):                # SAFE2: binders, 40 trays
    for b in range(1, 11):
        trays.append(f"SAFE2/S{shelf}/B{(shelf - 1) * 10 + b:02d}")
assert len(trays) == 50

rows = []
serials = set()


def serial():
    while True:
        s = "%016X" % rng.getrandbits(64)
        if s not in serials:
            serials.add(s)
            return s


def day(month, d):
    return f"2026-{month:02d}-{d:02d}"


n = 0
for i, tray in enumerate(trays):
    for _ in range(100):
        n += 1
        month = rng.randint(5, 11)
        recv_d = rng.randint(1, 20)
        received = day(month, recv_d)
        notice = day(month, recv_d + 3) if month < 11 or recv_d < 10 else ""
        reminder, status = "", "stored"
        # Old uncollected cards got a reminder; 90 days later they are due.
        if month <= 6 and rng.random() < 0.004:
            reminder = day(7, rng.randint(1, 28))
        r = rng.random()
        if r < 0.0004:
            status = "moved"
        elif r < 0.0006:
            status = "deceased"
        elif r < 0.0008:
            status = "cancelled"
        rows.append((f"M{n:06d}", serial(), tray, received, notice,
                     reminder, status))

# Cards handed out earlier: still in the issuing system's list, not in a tray.
for _ in range(120):
    n += 1
    tray = rng.choice(trays)
    rows.append((f"M{n:06d}", serial(), tray, day(5, rng.randint(1, 28)),
                 day(6, rng.randint(1, 28)), "", "issued"))

out = sys.stdout.buffer
out.write("mgmt_id,serial,location,received,notice_sent,reminder_sent,"
          "status\r\n".encode("cp932"))
for r in rows:
    out.write((",".join(r) + "\r\n").encode("cp932"))
