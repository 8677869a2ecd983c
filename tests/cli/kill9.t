#!/usr/bin/env bash
# Durability of the scan loop under kill -9: a read the operator was told
# about (its event line was written) is in the ledger, the ledger survives
# intact, and the count can simply be continued.
#
# Once: a ledger of 3,000 cards in three trays with an open partial count
# over SAFE1 (the three trays), and a sim script reading every card.  Each
# trial copies that ledger, starts `scan --json` in the background, kills the
# cardtally process with SIGKILL at a random point, and checks:
#   - every complete output line is a JSON "accepted" event (a torn last line
#     is ignored), and every serial so reported is in the scan table;
#   - at most one read more is on disk than was reported (the one being
#     reported when the kill came), and no serial is recorded twice;
#   - PRAGMA integrity_check says ok;
#   - the same script run again to the end exits 0, and reconcile then finds
#     nothing missing, every card counted once (seen = ok = 3,000) and as
#     many repeats as there were reads on disk before the rerun.
# KILL_TRIALS sets the number of trials (default 50; `make check`, under the
# sanitizers: 10; `make stress`: 1000).
#
# Where the files live: kill -9 ends the process, not the machine, so what
# the program wrote survives in the page cache whether or not it was
# fsync'ed; a RAM file system tests exactly the same thing as a disk.  It is
# also ten times faster (one fsync per read dominates a scan on a disk) and
# immune to other disk load, which here made a whole scan take anywhere from
# 0.6 to 6.6 s.  So unless TMPDIR is set, the work directory goes to
# /dev/shm.  Set TMPDIR to run the trials on a particular disk.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export TMPDIR=/dev/shm
fi
. "$(dirname "$0")/lib.sh"

TRIALS=${KILL_TRIALS:-50}
NCARDS=3000
SID=1

# A scan still running when the test stops is stopped too.
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT

# ---- the prepared ledger --------------------------------------------------------

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
python3 - "$WORK" "$NCARDS" <<'EOF'
import sys
work, n = sys.argv[1], int(sys.argv[2])
with open(work + "/stock.csv", "w") as stock, \
     open(work + "/all.sim", "w") as sim:
    stock.write("mgmt_id,serial,location,received\n")
    for i in range(n):
        serial = "04%012X" % (0x5EED0000 + i * 7919)
        stock.write("K%05d,%s,SAFE1/T%02d,2025-04-01\n"
                    % (i, serial, 1 + i * 3 // n))
        sim.write("card %s\n" % serial)
EOF
as M01 1111 import "$WORK/stock.csv"
is "$OUT" "$WORK/stock.csv (utf-8): $NCARDS rows: $NCARDS added, 0 updated, 0 unchanged" \
	"prepared: $NCARDS cards imported"
as M01 1111 count start --kind partial --ranges SAFE1 --assign SAFE1=S02
is "$OUT" "$SID" "prepared: count $SID over SAFE1 opened"
sqlq 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$CARDTALLY_DB" "$WORK/base.db"
[ -e "$CARDTALLY_DB-wal" ] && cp "$CARDTALLY_DB-wal" "$WORK/base.db-wal"
PIN=$(pin_file S02 2222)

# split.py OUT FILE: a scan's output in numbers: complete lines, those not
# JSON, those not "accepted", accepted ones; the accepted serials go sorted
# to FILE.
cat >"$WORK/split.py" <<'EOF'
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
lines.pop()  # empty after a final newline, else a torn line: ignored
bad = other = 0
serials = []
for line in lines:
    try:
        e = json.loads(line)
    except ValueError:
        bad += 1
        continue
    if isinstance(e, dict) and e.get("event") == "accepted":
        serials.append(e["serial"])
    else:
        other += 1
with open(sys.argv[2], "w") as f:
    f.writelines(s + "\n" for s in sorted(serials))
print(len(lines), bad, other, len(serials))
EOF

# fresh_copy: $CARDTALLY_DB becomes a copy of the prepared ledger.
fresh_copy() {
	rm -f "$CARDTALLY_DB" "$CARDTALLY_DB-wal" "$CARDTALLY_DB-shm"
	cp "$WORK/base.db" "$CARDTALLY_DB"
	[ -e "$WORK/base.db-wal" ] && cp "$WORK/base.db-wal" "$CARDTALLY_DB-wal"
	return 0
}

# scan_bg OUT ERR: starts the scan of every card in the background, its
# JSON events to OUT, stderr to ERR; sets pid to the cardtally process
# itself (not a subshell), so that kill -9 hits the program.
scan_bg() {
	# Created here, not by the background job's redirection: the
	# caller counts its lines at once and must not race the job.
	: >"$1"
	"$CT" scan --session "$SID" --range SAFE1 --reader "sim:$WORK/all.sim" \
		--json --as S02 --pin-fd 3 3<"$PIN" >"$1" 2>"$2" &
	pid=$!
}

# A whole scan, uninterrupted, as a reference.
fresh_copy
start=$(date +%s%N)
scan_bg "$WORK/whole.out" "$WORK/whole.err"
wait "$pid"
is "$?" 0 "a whole scan exits 0"
pid=
diag "a whole scan of $NCARDS cards takes $((($(date +%s%N) - start) / 1000000)) ms in $WORK"
is "$(python3 "$WORK/split.py" "$WORK/whole.out" "$WORK/whole.serials")" \
	"$NCARDS 0 0 $NCARDS" "a whole scan reports $NCARDS accepted reads"

# ---- the trials -----------------------------------------------------------------

# trial N: one trial on $WORK/tN/, in a subshell.  Prints its verdict: the
# number of failed checks, 1 if the kill cut the scan short (else 0), the
# description, then one line per failed check.
#
# Where the kill lands: a random delay over a fixed window would miss the
# scan whenever the machine is slower or faster than the window assumes, so
# the point is chosen by progress.  One trial in eight kills within 50 ms of
# the start (exec, PIN check, opening the ledger, the first reads); the
# others wait until the output holds a random number of lines, 1 to 2,999,
# polling, and kill then, somewhere in the middle of the next reads.
trial() {
	local d="$WORK/t$1" target rc rc2 nlines nbad nother nreported lost
	local ondisk distinct accepted integrity repeats got want counted how
	local deadline
	local cut=0 fails=()
	trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null' EXIT
	mkdir -p "$d"
	export CARDTALLY_DB="$d/ledger.db"
	fresh_copy

	scan_bg "$d/kill.out" "$d/scan.err"
	if [ $((RANDOM % 8)) = 0 ]; then
		target=$((RANDOM % 50))
		how="${target} ms after the start"
		sleep "0.$(printf '%03d' "$target")"
	else
		target=$((1 + (RANDOM * 32768 + RANDOM) % (NCARDS - 1)))
		how="after ${target}+ lines"
		deadline=$((SECONDS + 60)) # a hung scan is killed all the same
		while kill -0 "$pid" 2>/dev/null &&
			[ "$(wc -l <"$d/kill.out")" -lt "$target" ] &&
			[ "$SECONDS" -lt "$deadline" ]; do
			: # poll: each round forks wc, about a millisecond
		done
	fi
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	pid=
	# 137: killed; 0: the scan had finished before the kill.
	[ "$rc" = 137 ] || [ "$rc" = 0 ] ||
		fails+=("killed scan exit $rc: $(head -c 200 "$d/scan.err")")

	# What the operator was told, and what is on disk.
	read -r nlines nbad nother nreported < <(python3 "$WORK/split.py" \
		"$d/kill.out" "$d/reported")
	[ "$nbad" = 0 ] || fails+=("$nbad of $nlines output lines are not JSON")
	[ "$nother" = 0 ] || fails+=("$nother events other than accepted")
	sqlq "select serial from scan where session_id = $SID order by serial" \
		>"$d/on-disk"
	lost=$(comm -23 "$d/reported" "$d/on-disk" | wc -l)
	[ "$lost" = 0 ] ||
		fails+=("$lost reported reads are not in the ledger, e.g. $(comm -23 "$d/reported" "$d/on-disk" | head -n 1)")
	read -r ondisk distinct accepted < <(sqlq "select count(*),
		count(distinct serial), ifnull(sum(outcome = 'accepted'), 0)
		from scan where session_id = $SID" | tr '|' ' ')
	[ "$ondisk" = "$distinct" ] && [ "$ondisk" = "$accepted" ] ||
		fails+=("$ondisk reads on disk, $distinct distinct, $accepted accepted")
	[ "$ondisk" -ge "$nreported" ] && [ "$ondisk" -le $((nreported + 1)) ] ||
		fails+=("$ondisk reads on disk but $nreported reported")
	integrity=$(sqlq 'PRAGMA integrity_check')
	[ "$integrity" = ok ] || fails+=("integrity_check: $integrity")
	# A read and its audit entry commit together: the chain holds.
	"$CT" audit verify >"$d/verify.out" 2>&1 ||
		fails+=("audit verify: $(head -c 200 "$d/verify.out")")
	if [ "$rc" = 137 ] && [ "$ondisk" -lt "$NCARDS" ]; then
		cut=1
	fi

	# The count goes on: the same script again, to the end.
	scan_bg "$d/rerun.out" "$d/scan.err"
	wait "$pid"
	rc2=$?
	pid=
	[ "$rc2" = 0 ] || fails+=("rerun exit $rc2: $(head -c 200 "$d/scan.err")")
	repeats=$(grep -c '"event":"repeat"' "$d/rerun.out")
	[ "$repeats" = "$ondisk" ] ||
		fails+=("rerun reported $repeats repeats, $ondisk reads were on disk")
	"$CT" reconcile "$SID" --json >"$d/report.json" 2>"$d/report.err"
	rc2=$?
	[ "$rc2" = 0 ] || fails+=("reconcile exit $rc2")
	got=$(pyjson '[d["expected"], d["seen"], d["ok"], len(d["missing"]),
		d["repeats"]]' <"$d/report.json")
	want="[$NCARDS,$NCARDS,$NCARDS,0,$ondisk]"
	[ "$got" = "$want" ] ||
		fails+=("reconcile [expected,seen,ok,missing,repeats] $got, want $want")
	counted=$(sqlq "select count(*) || '/' || count(distinct serial) from scan
		where session_id = $SID and outcome <> 'repeat'")
	[ "$counted" = "$NCARDS/$NCARDS" ] ||
		fails+=("counted reads/distinct serials $counted")

	echo "${#fails[@]} $cut killed $how (exit $rc): $nreported reads reported, $ondisk on disk; durable, intact, chained, resumable"
	for f in "${fails[@]}"; do echo "$f"; done
}

interrupted=0
for i in $(seq "$TRIALS"); do
	(trial "$i") >"$WORK/verdict" 2>&1
	{
		read -r nfail cut desc
		ok "${nfail:-1}" "trial $i: ${desc:-no verdict}"
		while IFS= read -r f; do diag "  $f"; done
	} <"$WORK/verdict"
	interrupted=$((interrupted + ${cut:-0}))
	rm -rf "$WORK/t$i"
done

# A trial whose scan ended before the kill tests nothing: most must cut a
# scan short.
ok "$([ "$interrupted" -ge $((TRIALS / 2)) ]; echo $?)" \
	"$interrupted of $TRIALS trials killed the scan mid-way"

done_testing
