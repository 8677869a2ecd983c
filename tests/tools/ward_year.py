#!/usr/bin/env python3
"""A year of a generated ward, replayed through cardtally, checked against
what the generator knows to be true (issue: the counting programme).

The generator owns the truth: which cards physically lie in which tray on
any day, who took what out, which cards were stolen and when, who was
assigned which range in which count.  It drives the real program through
its command line only (import, key open/close, checkout/issue, disposal,
plan cycle, count start with the planner's assignments, scan with the sim
reader, count total, reconcile, resolve, close, the record book and the
incident report), month after month, and then checks the program's reports
against that truth:

- the rotation rule (R6): nobody counts one range three times in a row;
- cycle coverage (R5): every range is counted card by card at least once in
  every cycle of K months;
- the record book (R8): per count and range who counted, expected, seen;
- loss windows (R10, R23): every stolen card is reported missing by the
  first full count of its range after the theft, and its loss window runs
  from the true last sighting to that count, with the key openings inside
  the window and none outside.

Prints TAP.  Environment: CARDTALLY (the binary), WORK (a scratch
directory, else a temporary one), WARD_SEED (the generator's seed).
"""
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile

CT = os.environ["CARDTALLY"]
SEED = int(os.environ.get("WARD_SEED", "20261123"))
JST = dt.timezone(dt.timedelta(hours=9))

MONTHS = 12
CYCLE = 3  # months per cycle of the rotating full counts
TRAYS = 24
CARDS_PER_TRAY = 60
PEOPLE = [  # code, role, PIN
    ("M01", "manager", "1111"),
    ("M07", "manager", "7777"),
    ("S02", "staff", "2222"),
    ("S03", "staff", "3333"),
    ("S05", "staff", "5555"),
    ("P04", "parttime", "4444"),
]
PIN = {code: pin for code, _, pin in PEOPLE}

_n = 0
_failed = 0


def tap(ok, name, diag=None):
    global _n, _failed
    _n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (_n, name))
    if not ok:
        _failed += 1
        for line in str(diag or "").splitlines()[:30]:
            print("#   " + line)
    sys.stdout.flush()
    return ok


def bail(msg):
    print("Bail out! " + msg)
    sys.exit(1)


class Program:
    """Runs cardtally on one ledger with the generator's clock."""

    def __init__(self, work):
        self.work = work
        self.db = os.path.join(work, "ledger.db")
        self.now = 0

    def run(self, args, who=None, witness=None, new_pin=None, ok=(0,)):
        env = dict(os.environ, CARDTALLY_DB=self.db,
                   CARDTALLY_NOW=str(self.now), TZ="Asia/Tokyo")
        fds, cmd = [], [CT] + args
        if who:
            cmd += ["--as", who, "--pin-fd", "3"]
            fds.append((3, PIN[who]))
        if witness:
            cmd += ["--witness", witness, "--witness-pin-fd", "4"]
            fds.append((4, PIN[witness]))
        if new_pin:
            cmd += ["--new-pin-fd", "5"]
            fds.append((5, new_pin))
        pass_fds, closers = [], []
        for fd, text in fds:
            r, w = os.pipe()
            os.write(w, (text + "\n").encode())
            os.close(w)
            if r != fd:
                os.dup2(r, fd)
                os.close(r)
            pass_fds.append(fd)
            closers.append(fd)
        try:
            p = subprocess.run(cmd, env=env, pass_fds=pass_fds,
                               capture_output=True, text=True)
        finally:
            for fd in closers:
                os.close(fd)
        if p.returncode not in ok:
            bail("%s: exit %d\n%s" % (" ".join(args), p.returncode,
                                       p.stderr.strip()))
        return p

    def json(self, args, **kw):
        return json.loads(self.run(args + ["--json"], **kw).stdout)


def at(year, month, day, hour, minute=0):
    return int(dt.datetime(year, month, day, hour, minute,
                           tzinfo=JST).timestamp())


class Ward:
    """The truth: cards, where they physically are, and what happened."""

    def __init__(self, rng):
        self.rng = rng
        self.trays = ["SAFE1/S%d/T%02d" % (1 + i // 12, 1 + i % 12)
                      for i in range(TRAYS)]
        self.cards = {}  # mgmt_id -> dict(serial, tray, state)
        self.next_id = 1
        self.last_seen = {}  # mgmt_id -> epoch of last scan/custody event
        self.stolen = {}  # mgmt_id -> epoch of the theft
        self.openings = []  # (opened, closed) of the safe

    def new_card(self, tray, received):
        mid = "W%06d" % self.next_id
        serial = "04%012X" % (0x1000000 + self.next_id * 7919)
        self.next_id += 1
        self.cards[mid] = {"serial": serial, "tray": tray,
                           "state": "stored", "received": received}
        return mid

    def in_tray(self, tray):
        """Cards physically in the tray (stored and not stolen)."""
        return [m for m, c in self.cards.items()
                if c["tray"] == tray and c["state"] == "stored"]

    def ledger_expects(self, tray):
        """Cards the ledger believes are in the tray."""
        return [m for m, c in self.cards.items()
                if c["tray"] == tray and c["state"] in ("stored", "stolen")]


def stock_csv(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("mgmt_id,serial,location,received\n")
        for mid, c in rows:
            f.write("%s,%s,%s,%s\n" % (mid, c["serial"], c["tray"],
                                       c["received"]))


def sim_file(path, ward, tray):
    with open(path, "w") as f:
        for mid in sorted(ward.in_tray(tray)):
            f.write("card %s\nremove\n" % ward.cards[mid]["serial"])


def main():
    rng = random.Random(SEED)
    work = os.environ.get("WORK") or tempfile.mkdtemp(prefix="ward-year.")
    prog = Program(work)
    ward = Ward(rng)
    print("# seed %d (WARD_SEED=%d reproduces this ward)" % (SEED, SEED))

    # ---- the ward's first day ----
    prog.now = at(2026, 1, 5, 9)
    init = subprocess.run(
        [CT, "init", "--db", prog.db, "--manager", "M01", "--name", "Sato",
         "--pin-fd", "0"], input="1111\n", capture_output=True, text=True,
        env=dict(os.environ, CARDTALLY_NOW=str(prog.now)))
    if init.returncode != 0:
        bail("init: " + init.stderr)
    for code, role, pin in PEOPLE[1:]:
        prog.run(["staff", "add", code, "--name", "Person " + code,
                  "--role", role], who="M01", new_pin=pin)
    for tray in ward.trays:
        for _ in range(CARDS_PER_TRAY):
            ward.new_card(tray, "2025-12-01")
    stock_csv(os.path.join(work, "stock0.csv"), sorted(ward.cards.items()))
    prog.run(["import", os.path.join(work, "stock0.csv")], who="S02")

    counts = []  # per month: dict(month, full=id, ranges, assign, time)
    for m in range(MONTHS):
        month_counts = replay_month(prog, ward, rng, m, work)
        counts.append(month_counts)

    check_year(prog, ward, counts)
    print("1..%d" % _n)
    sys.exit(1 if _failed else 0)


def replay_month(prog, ward, rng, m, work):
    """Receives, issues and loses cards, then runs the month's counts."""
    year, month = 2026 + m // 12, 1 + m % 12
    # Cards received on the 3rd, into random trays.
    prog.now = at(year, month, 3, 10)
    new = [ward.new_card(rng.choice(ward.trays),
                         "%04d-%02d-03" % (year, month))
           for _ in range(rng.randint(20, 40))]
    path = os.path.join(work, "stock%d.csv" % (m + 1))
    stock_csv(path, [(mid, ward.cards[mid]) for mid in new])
    prog.run(["import", path], who="S03")

    # The window: cards pulled for pickups and handed over, on three days.
    for day in (8, 14, 20):
        prog.now = at(year, month, day, 9)
        open_safe(prog, ward, "window pickups", at(year, month, day, 9, 20))
        stored = [mid for mid, c in ward.cards.items()
                  if c["state"] == "stored"]
        pulled = sorted(rng.sample(stored, rng.randint(3, 8)))
        prog.now = at(year, month, day, 9, 5)
        prog.run(["checkout"] + pulled, who="S02")
        for mid in pulled:
            ward.cards[mid]["state"] = "checked_out"
            ward.last_seen[mid] = prog.now
        prog.now = at(year, month, day, 14)
        prog.run(["issue"] + pulled, who="S03")
        for mid in pulled:
            ward.cards[mid]["state"] = "issued"
            ward.last_seen[mid] = prog.now

    # Thefts: a card or two taken from a tray some day before the count;
    # the ledger learns nothing.
    for _ in range(rng.randint(1, 2)):
        stored = [mid for mid, c in ward.cards.items()
                  if c["state"] == "stored"]
        mid = rng.choice(stored)
        ward.cards[mid]["state"] = "stolen"
        ward.stolen[mid] = at(year, month, rng.randint(4, 23), 12)

    return run_counts(prog, ward, m, year, month, work)


def open_safe(prog, ward, purpose, close_at):
    opened = prog.now
    prog.run(["key", "open", "--purpose", purpose], who="S02",
             witness="M01")
    saved, prog.now = prog.now, close_at
    prog.run(["key", "close"], who="S02")
    prog.now = saved
    ward.openings.append((opened, close_at))


def run_counts(prog, ward, m, year, month, work):
    """The month's cycle counts: full for the planned share, count-only for
    the rest; missing cards resolved as lost by a manager."""
    prog.now = at(year, month, 25, 9)
    if m % CYCLE == 0:
        prog.run(["plan", "cycle", "--months", str(CYCLE), "--start",
                  "%04d-%02d" % (year, month), "--apply"], who="M01")
    due = sorted(prog.json(["status"])["plan"]["due"])
    open_safe(prog, ward, "monthly count", at(year, month, 25, 17))
    prog.now = at(year, month, 25, 9, 30)
    start = prog.json(["count", "start", "--kind", "partial", "--ranges",
                       ",".join(due)], who="M01")
    sid = start["session"]
    who = {a["range"]: a["staff"] for a in start["assignments"]}
    tap(not start["unassigned"] and set(who) == set(due),
        "%04d-%02d: the planner gives every due range a counter"
        % (year, month), json.dumps(start))
    expected, seen, range_at = {}, {}, {}
    for i, tray in enumerate(sorted(due)):
        prog.now = range_at[tray] = at(year, month, 25, 10, i)
        sim = os.path.join(work, "sim")
        sim_file(sim, ward, tray)
        expected[tray] = len(ward.ledger_expects(tray))
        seen[tray] = len(ward.in_tray(tray))
        prog.run(["scan", "--session", str(sid), "--range", tray,
                  "--reader", "sim:" + sim], who=who[tray])
        for mid in ward.in_tray(tray):
            ward.last_seen[mid] = prog.now
    prog.now = at(year, month, 25, 15)
    rec = prog.json(["reconcile", str(sid)], ok=(0, 1))
    found = sorted(e["mgmt_id"] for e in rec["missing"])
    truth = sorted(mid for tray in due for mid in ward.ledger_expects(tray)
                   if ward.cards[mid]["state"] == "stolen")
    tap(found == truth, "%04d-%02d: the count finds exactly the stolen cards "
        "of its ranges" % (year, month), "found %s\ntruth %s" % (found, truth))
    for mid in found:
        prog.run(["count", "resolve", str(sid), "--card", mid, "--reason",
                  "lost", "--note", "not found in the safe"], who="M07")
        ward.cards[mid]["state"] = "lost"
    prog.now = at(year, month, 25, 16)
    prog.run(["count", "close", str(sid)], who="M01", witness="M07")

    # Count-only check of the other ranges: the total per tray, typed.
    rest = [t for t in ward.trays if t not in due]
    prog.now = at(year, month, 25, 16, 10)
    co = prog.json(["count", "start", "--kind", "countonly", "--ranges",
                    ",".join(rest)], who="M01")
    co_who = {a["range"]: a["staff"] for a in co["assignments"]}
    for a in co["assignments"]:
        prog.run(["count", "total", "--session", str(co["session"]),
                  "--range", a["range"], "--cards",
                  str(len(ward.in_tray(a["range"])))], who=a["staff"])
    co = co["session"]
    rec = prog.json(["reconcile", str(co)], ok=(0, 1))
    short = sorted(t for t in rest
                   if len(ward.in_tray(t)) != len(ward.ledger_expects(t)))
    tap(sorted(countonly_short(rec)) == short,
        "%04d-%02d: the count-only check flags exactly the trays with a "
        "card gone" % (year, month), json.dumps(rec)[:2000])
    prog.run(["count", "close", str(co)], who="M01",
             witness="M07" if short else None)
    return {"month": "%04d-%02d" % (year, month), "full": sid,
            "co_assign": co_who,
            "countonly": co, "ranges": sorted(due), "assign": who,
            "expected": expected, "seen": seen, "lost": found,
            "range_at": range_at}


def countonly_short(rec):
    return [r["range"] for r in rec["ranges"] if r["state"] != "ok"]


def check_year(prog, ward, counts):
    # Rotation (R6): who counted each range, count after count (full and
    # count-only alike: both are checks of the range), and the planner's
    # load guarantee in each count: for a range given to P, everyone else
    # the rule allowed to count it holds at most one range fewer than P.
    history = {t: [] for t in ward.trays}
    unbalanced = []
    for c in counts:
        for assign in (c["assign"], c["co_assign"]):
            load = {code: 0 for code, _, _ in PEOPLE}
            for person in assign.values():
                load[person] += 1
            for tray, p in sorted(assign.items()):
                h = history[tray]
                for q in load:
                    barred = len(h) >= 2 and h[-1] == h[-2] == q
                    if q != p and not barred and load[q] < load[p] - 1:
                        unbalanced.append((c["month"], tray, p, q, load))
            for tray, p in assign.items():
                history[tray].append(p)
    thrice = [(t, h) for t, h in history.items()
              if any(h[i] == h[i + 1] == h[i + 2] for i in range(len(h) - 2))]
    tap(not thrice, "rotation: nobody counts a range three times in a row",
        thrice)
    tap(not unbalanced, "rotation: the work is spread as the planner "
        "promises", unbalanced[:5])

    # Cycle coverage (R5).
    gaps = []
    for start in range(0, MONTHS - CYCLE + 1):
        window = counts[start:start + CYCLE]
        covered = set(t for c in window for t in c["ranges"])
        if start % CYCLE == 0 and covered != set(ward.trays):
            gaps.append((window[0]["month"], sorted(set(ward.trays) -
                                                    covered)))
    tap(not gaps, "cycle: every range is counted card by card in every "
        "cycle of %d months" % CYCLE, gaps)

    # The record book (R8).
    for c in counts:
        book = prog.json(["report", "record-book", "--month", c["month"],
                          "--format", "json"])
        rows = {}
        for count in book["counts"]:
            if count["session"] != c["full"]:
                continue
            for r in count["ranges"]:
                rows[r["range"]] = (r["assignee"], r["counted_by"],
                                    r["expected"], r["seen"])
        want = {t: (c["assign"][t], [c["assign"][t]], c["expected"][t],
                    c["seen"][t]) for t in c["ranges"]}
        tap(rows == want, "record book %s: who counted which range, "
            "expected and seen" % c["month"],
            "book %s\nwant %s" % (rows, want))

    # Loss windows (R10, R23).
    for c in counts:
        if not c["lost"]:
            continue
        rep = prog.json(["report", "incident", "--count", str(c["full"])])
        by_id = {e["mgmt_id"]: e for e in rep["cards"]}
        for mid in c["lost"]:
            e = by_id.get(mid)
            if not tap(e is not None, "incident %s: %s listed" %
                       (c["month"], mid), json.dumps(rep)[:1500]):
                continue
            lo, hi = e["window"]["from"], e["window"]["to"]
            want_lo = ward.last_seen.get(mid)
            if want_lo is None:  # never seen: the window opens on receipt
                want_lo = iso_epoch(ward.cards[mid]["received"] +
                                    "T00:00:00+09:00")
            tap(iso_epoch(lo) == want_lo and
                want_lo < ward.stolen[mid] < iso_epoch(hi) and
                iso_epoch(hi) == c["range_at"][ward.cards[mid]["tray"]],
                "incident %s: %s's window runs from its true last sighting "
                "to its range's count, and holds the theft" % (c["month"],
                                                                mid),
                "window %s..%s, last seen %s, stolen %s" %
                (lo, hi, want_lo, ward.stolen[mid]))
            inside = sorted(o for o, cl in ward.openings
                            if o <= iso_epoch(hi) and cl >= want_lo)
            got = sorted(iso_epoch(k["opened_at"])
                         for k in e["key_openings"])
            tap(got == inside, "incident %s: %s's key openings are those "
                "overlapping its window" % (c["month"], mid),
                "got %s\nwant %s" % (got, inside))


def iso_epoch(s):
    return int(dt.datetime.fromisoformat(s).timestamp())


if __name__ == "__main__":
    main()
