#!/usr/bin/env bash
# Two writers at once (issue 13), with real processes on one ledger: a
# count's scan while the window checks cards out, two scans of one count
# (two ranges, and one range from two processes at once), and an import
# while a scan reads.  Every read is counted once and none is lost, every
# command succeeds, and none says "database is locked" (or busy): a writer
# waits for the other within the busy timeout (data/ledger.c: BEGIN
# IMMEDIATE, sqlite3_busy_timeout).  The sim reader waits between cards so
# that the processes really overlap; each scenario checks that they did.
. "$(dirname "$0")/lib.sh"

pids=
trap 'for p in $pids; do kill -9 "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT

# cards PREFIX TRAY N: N stock rows PREFIX00001.. in SAFE1/TRAY.
cards() {
	seq 1 "$3" | awk -v p="$1" -v t="$2" '{ printf \
		"%s%05d,04%s%07d,SAFE1/%s,2025-06-01\n", p, $1, p, $1, t }'
}
# sim FILE PREFIX N WAIT: a reader script of the N cards PREFIX..., WAIT ms
# apart.
sim() {
	seq 1 "$3" | awk -v p="$2" -v w="$4" '{ printf \
		"card 04%s%07d\nremove\nwait %d\n", p, $1, w }' >"$1"
}
# scan_bg NAME CODE SESSION RANGE SCRIPT: a scan --json in the background,
# its output in $WORK/NAME.out and .err, its exit in $WORK/NAME.rc.
scan_bg() {
	local name=$1 code=$2 sid=$3 range=$4 script=$5
	(
		"$CT" scan --session "$sid" --range "$range" \
			--reader "sim:$script" --json --as "$code" \
			--pin-fd 3 3<"$(pin_file "$code" "${code#?}${code#?}")" \
			>"$WORK/$name.out" 2>"$WORK/$name.err"
		echo $? >"$WORK/$name.rc"
	) &
	pids="$pids $!"
}
# accepted NAME: the serials NAME's scan reported accepted, sorted.
accepted() {
	events event serial <"$WORK/$1.out" | awk '$1 == "accepted" { print $2 }' |
		sort
}
# no_lock NAME FILE...: none of the files says the ledger is locked/busy.
no_lock() {
	local n=$1
	shift
	is "$(cat "$@" | grep -ciE 'locked|busy')" 0 \
		"$n: nobody is told the ledger is locked"
	cat "$@" | grep -iE 'locked|busy' | head -3 | sed 's/^/# /'
}
holds() {
	is "$(sqlq 'PRAGMA integrity_check')" ok "$1: integrity_check ok"
	ct audit verify
	is "$RC" 0 "$1: audit verify holds"
}
# span SESSION RANGE: the times of the first and last read of RANGE in
# SESSION, as first|last.
span() {
	sqlq "SELECT min(s.at), max(s.at) FROM scan s JOIN location l
		ON l.id = s.range_id WHERE s.session_id = $1 AND l.path = '$2'"
}

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
# Two people whose PIN is their number twice (scan_bg derives it so).
for s in "S05 staff 0505" "S06 staff 0606"; do
	set -- $s
	"$CT" staff add "$1" --name "Person $1" --role "$2" --as M01 \
		--pin-fd 3 --new-pin-fd 4 3<<<1111 4<<<"$3" >/dev/null 2>&1
done
is "$(sqlq "SELECT count(*) FROM staff WHERE code IN ('S05', 'S06')")" 2 \
	"prepared: S05 and S06 added"
{
	echo mgmt_id,serial,location,received
	cards A T01 120
	cards B T02 60
	cards C T03 120
	cards D T04 120
	cards E T05 120
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: 540 cards imported"

# ---- a count's scan while the window checks cards out ------------------
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S05
is "$OUT" 1 "scan + checkout: count 1 over SAFE1/T01"
sim "$WORK/t01.sim" A 120 100
scan_bg t01 S05 1 SAFE1/T01 "$WORK/t01.sim"
# Wait for the first read, then check cards of T02 out one by one, each a
# process of its own, while the scan goes on (a card every 100 ms: 12 s).
for _ in $(seq 100); do
	[ "$(sqlq 'SELECT count(*) FROM scan WHERE session_id = 1')" -gt 0 ] &&
		break
	sleep 0.05
done
co_rc=0
during=
for i in $(seq 1 30); do
	id=$(printf 'B%05d' "$i")
	"$CT" checkout "$id" --as S06 --pin-fd 3 3<<<0606 \
		>>"$WORK/co.out" 2>>"$WORK/co.err" || co_rc=$((co_rc + 1))
	# How far the scan was when the first checkout was on disk.
	[ -n "$during" ] ||
		during=$(sqlq 'SELECT count(*) FROM scan WHERE session_id = 1')
done
wait
pids=
is "$(cat "$WORK/t01.rc")" 0 "scan + checkout: the scan exits 0"
is "$co_rc" 0 "scan + checkout: all 30 checkouts exit 0"
ok "$([ "$during" -gt 0 ] && [ "$during" -lt 120 ]; echo $?)" \
	"scan + checkout: the checkouts ran while the scan read ($during of 120 read at the first)"
is "$(accepted t01 | wc -l)" 120 "scan + checkout: 120 reads accepted"
is "$(sqlq "SELECT count(*), count(DISTINCT serial) FROM scan_live
	WHERE session_id = 1 AND outcome <> 'repeat'")" "120|120" \
	"scan + checkout: 120 reads recorded, each card once"
is "$(sqlq "SELECT count(*) FROM card WHERE mgmt_id LIKE 'B%'
	AND status = 'checked_out'")" 30 "scan + checkout: 30 cards checked out"
is "$(sqlq "SELECT count(*) FROM custody_event WHERE kind = 'checkout'")" 30 \
	"scan + checkout: 30 custody events"
no_lock "scan + checkout" "$WORK/t01.err" "$WORK/co.err"
holds "scan + checkout"

# ---- two scans of one count, two ranges and one range twice ------------
as M01 1111 count start --kind partial --ranges SAFE1/T03,SAFE1/T04 \
	--assign SAFE1/T03=S05,SAFE1/T04=S06
is "$OUT" 2 "two scans: count 2 over SAFE1/T03 and SAFE1/T04"
sim "$WORK/t03.sim" C 120 5
sim "$WORK/t04.sim" D 120 5
# The same range read by its assignee from two processes (two readers at
# one tray): every card is one read, the other process's a repeat.
scan_bg t03 S05 2 SAFE1/T03 "$WORK/t03.sim"
scan_bg t03b S05 2 SAFE1/T03 "$WORK/t03.sim"
scan_bg t04 S06 2 SAFE1/T04 "$WORK/t04.sim"
wait
pids=
for n in t03 t03b t04; do
	is "$(cat "$WORK/$n.rc")" 0 "two scans: scan $n exits 0"
done
read -r a0 a1 <<<"$(span 2 SAFE1/T03 | tr '|' ' ')"
read -r b0 b1 <<<"$(span 2 SAFE1/T04 | tr '|' ' ')"
ok "$([ "$a0" -le "$b1" ] && [ "$b0" -le "$a1" ]; echo $?)" \
	"two scans: the ranges were read at the same time"
is "$(sort -u <(accepted t03) <(accepted t03b) | wc -l)" 120 \
	"two scans: SAFE1/T03's 120 cards accepted between its two processes"
is "$(sort <(accepted t03) <(accepted t03b) | uniq -d | wc -l)" 0 \
	"two scans: no card of SAFE1/T03 accepted by both processes"
is "$(accepted t04 | wc -l)" 120 "two scans: SAFE1/T04's 120 cards accepted"
is "$(sqlq "SELECT count(*), count(DISTINCT serial) FROM scan_live
	WHERE session_id = 2 AND outcome <> 'repeat'")" "240|240" \
	"two scans: 240 reads counted, each card once"
is "$(sqlq "SELECT count(*) FROM scan_live WHERE session_id = 2
	AND outcome = 'repeat'")" 120 \
	"two scans: the second process's 120 reads of SAFE1/T03 are repeats"
ct reconcile 2 --json
is "$RC" 0 "two scans: reconcile finds nothing missing (exit 0)"
no_lock "two scans" "$WORK/t03.err" "$WORK/t03b.err" "$WORK/t04.err"
holds "two scans"

# ---- an import while a scan reads --------------------------------------
as M01 1111 count start --kind partial --ranges SAFE1/T05 \
	--assign SAFE1/T05=S05
is "$OUT" 3 "import + scan: count 3 over SAFE1/T05"
{
	echo mgmt_id,serial,location,received
	cards F T06 20000
} >"$WORK/big.csv"
sim "$WORK/t05.sim" E 120 30
scan_bg t05 S05 3 SAFE1/T05 "$WORK/t05.sim"
for _ in $(seq 100); do
	[ "$(sqlq 'SELECT count(*) FROM scan WHERE session_id = 3')" -gt 0 ] &&
		break
	sleep 0.05
done
as M01 1111 import "$WORK/big.csv"
is "$RC" 0 "import + scan: the import of 20000 cards exits 0"
printf '%s\n' "$ERR" >"$WORK/import.err"
during=$(sqlq 'SELECT count(*) FROM scan WHERE session_id = 3')
wait
pids=
is "$(cat "$WORK/t05.rc")" 0 "import + scan: the scan exits 0"
ok "$([ "$during" -gt 0 ] && [ "$during" -lt 120 ]; echo $?)" \
	"import + scan: the import ran while the scan read ($during of 120 read when it ended)"
is "$(accepted t05 | wc -l)" 120 "import + scan: 120 reads accepted"
is "$(sqlq "SELECT count(*), count(DISTINCT serial) FROM scan_live
	WHERE session_id = 3 AND outcome <> 'repeat'")" "120|120" \
	"import + scan: 120 reads recorded, each card once"
is "$(sqlq "SELECT count(*) FROM card")" 20540 \
	"import + scan: 20540 cards in the ledger"
no_lock "import + scan" "$WORK/t05.err" "$WORK/import.err"
holds "import + scan"

done_testing
