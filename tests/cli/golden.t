#!/usr/bin/env bash
# Golden files for the reports of one fixed count: the `scan --json` event
# stream (tests/data/golden/events.jsonl), `reconcile ID` (report.txt) and
# `reconcile ID --json` (report.json), compared byte for byte.  The clock is
# fixed with CARDTALLY_NOW and TZ=Asia/Tokyo, so every timestamp is stable.
#
# UPDATE_GOLDEN=1 rewrites the files from the program's output; read the
# diff against the scenario below before committing them.
#
# The scenario.  Stock: three trays SAFE1/S1/T01..T03 of five cards each,
# C101..C105, C201..C205, C301..C305 (serial 0C + the number):
#   C105 issued; C203 checked out (no custody event: checked_out_by null);
#   C204 moved (due for disposal whatever its dates);
#   C302 reminder 2025-12-03 (89 days before the count: not due),
#   C303 reminder 2025-11-02 (120 days: due since 2026-01-31),
#   C304 reminder 2025-12-02 (90 days: due since 2026-03-02, the count day).
# Session 1, 2026-01-31 10:00 (30 days before), partial over T02 by S03:
#   reads C201 C202 C204 C205 -> nothing missing (C203 is checked out), so it
#   closes without a witness.
# Session 2, 2026-03-02, full count, T01 and T02 assigned to S02, T03 to S03:
#   T01 by S02 at 10:00: C101, C101 again (repeat), C103, C104, C105
#     (alert not_in_stock, issued), C205 (alert misplaced, home T02).
#   T02 by S02 at 10:10: C201, C204 (alert disposal_due).
#   T03 by S03 at 10:20: C301, C302, reader unplugged and back, C303 and
#     C304 (alert disposal_due), C305, 04FFEEDDCCBBAA (alert unknown).
# So the report of session 2 must say:
#   expected 13 (T01: C101-C104, C105 is issued; T02: C201 C202 C204 C205,
#     C203 is checked out; T03: all 5), seen 13 (every read but the repeat,
#     the unknown serial and C105 included), ok 10 (T01 3, T02 2, T03 5),
#     repeats 1;
#   missing C102 (last_seen null: never read) and C202 (last seen
#     2026-01-31T10:00:00+09:00 at SAFE1/S1/T02 by S03, in session 1);
#   misplaced C205 (home T02, found T01 at 10:00); extra 04FFEEDDCCBBAA
#     (T03, 10:20); not_in_stock C105 (issued, in T01 at 10:00);
#   disposal_due C204 moved (no date), C303 reminder since 2026-01-31,
#     C304 reminder since 2026-03-02; checked_out C203 by null;
#   by range: T01 3 of 4 (S02), T02 2 of 4 (S02), T03 5 of 5 (S03);
#   5 discrepancies (2 missing + 1 misplaced + 1 extra + 1 not in stock),
#     so reconcile exits 1.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo
export CARDTALLY_NOW=1772413200 # 2026-03-02T10:00:00+09:00
DAY0=$CARDTALLY_NOW
GOLDEN="$TESTS/data/golden"

# golden NAME FILE: FILE is byte for byte tests/data/golden/NAME (or
# becomes it with UPDATE_GOLDEN=1).
golden() {
	local want="$GOLDEN/$1"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$GOLDEN" && cp "$2" "$want"
		ok $? "$1: golden file rewritten"
		return
	fi
	if cmp -s "$want" "$2"; then
		ok 0 "$1: matches the golden file"
	else
		ok 1 "$1: matches the golden file"
		diff -u "$want" "$2" 2>&1 | head -n 60 | sed 's/^/#   /'
	fi
}

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }

# scan_at TIME CODE PIN RANGE LINES...: scans session 2's RANGE at unix
# TIME with a sim script of LINES, JSON events appended to events.jsonl.
scan_at() {
	local at=$1 code=$2 pin=$3 range=$4
	shift 4
	printf '%s\n' "$@" >"$WORK/scan.sim"
	CARDTALLY_NOW=$at "$CT" scan --session "$SID" --range "$range" \
		--reader "sim:$WORK/scan.sim" --json --as "$code" --pin-fd 3 \
		3<"$(pin_file "$code" "$pin")" >>"$WORK/events.jsonl" \
		2>>"$WORK/scan.err" # the summaries and the safe's warnings
	ok $? "session $SID: $range scanned by $code"
}

cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,reminder_sent,status
C101,0C0101,SAFE1/S1/T01,2025-06-01,,
C102,0C0102,SAFE1/S1/T01,2025-06-01,,
C103,0C0103,SAFE1/S1/T01,2025-06-01,,
C104,0C0104,SAFE1/S1/T01,2025-06-01,,
C105,0C0105,SAFE1/S1/T01,2025-06-01,,issued
C201,0C0201,SAFE1/S1/T02,2025-06-02,,
C202,0C0202,SAFE1/S1/T02,2025-06-02,,
C203,0C0203,SAFE1/S1/T02,2025-06-02,,checked_out
C204,0C0204,SAFE1/S1/T02,2025-06-02,,moved
C205,0C0205,SAFE1/S1/T02,2025-06-02,,
C301,0C0301,SAFE1/S1/T03,2025-06-03,,
C302,0C0302,SAFE1/S1/T03,2025-06-03,2025-12-03,
C303,0C0303,SAFE1/S1/T03,2025-06-03,2025-11-02,
C304,0C0304,SAFE1/S1/T03,2025-06-03,2025-12-02,
C305,0C0305,SAFE1/S1/T03,2025-06-03,,
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"

# Session 1, thirty days earlier: the last sighting of C202.
CARDTALLY_NOW=$((DAY0 - 30 * 86400)) as S03 3333 count start \
	--kind partial --ranges SAFE1/S1/T02
SID=$OUT
is "$SID" 1 "session 1 started"
scan_at $((DAY0 - 30 * 86400)) S03 3333 SAFE1/S1/T02 \
	'card 0C0201' 'card 0C0202' 'card 0C0204' 'card 0C0205'
CARDTALLY_NOW=$((DAY0 - 30 * 86400)) as S03 3333 count close 1
is "$RC" 0 "session 1 closed without a witness"
: >"$WORK/events.jsonl" # only session 2's events are golden

# Session 2, the monthly full count.
as M01 1111 count start --kind full \
	--assign SAFE1/S1/T01=S02,SAFE1/S1/T02=S02,SAFE1/S1/T03=S03
SID=$OUT
is "$SID" 2 "session 2 started"
scan_at "$DAY0" S02 2222 SAFE1/S1/T01 \
	'card 0C0101' 'remove' \
	'# the same card again' 'card 0C0101' 'remove' \
	'card 0C0103' 'remove' 'card 0C0104' 'remove' \
	'# issued last year, yet here' 'card 0C0105' 'remove' \
	'# belongs to T02' 'card 0C0205' 'remove'
scan_at $((DAY0 + 600)) S02 2222 SAFE1/S1/T02 \
	'card 0C0201' 'remove' 'card 0C0204' 'remove'
scan_at $((DAY0 + 1200)) S03 3333 SAFE1/S1/T03 \
	'card 0C0301' 'remove' 'card 0C0302' 'remove' \
	'unplug' 'wait 10' 'replug' \
	'card 0C0303' 'remove' 'card 0C0304' 'remove' 'card 0C0305' 'remove' \
	'card 04FFEEDDCCBBAA' 'remove'

# The report is read an hour after the count started.
export CARDTALLY_NOW=$((DAY0 + 3600))
"$CT" reconcile 2 >"$WORK/report.txt"
is "$?" 1 "reconcile 2: exit 1"
"$CT" reconcile 2 --json >"$WORK/report.json"
is "$?" 1 "reconcile 2 --json: exit 1"

golden events.jsonl "$WORK/events.jsonl"
golden report.txt "$WORK/report.txt"
golden report.json "$WORK/report.json"

# The numbers that matter, checked apart from the golden files, so that a
# rewritten golden file cannot quietly carry a wrong report.
j() { pyjson "$1" <"$WORK/report.json"; }
is "$(j '[d["expected"], d["seen"], d["ok"], d["repeats"]]')" '[13,13,10,1]' \
	"report: expected 13, seen 13, ok 10, repeats 1"
is "$(j '[[e["mgmt_id"], e["last_seen"]] for e in d["missing"]]')" \
	'[["C102",null],["C202",{"at":"2026-01-31T10:00:00+09:00","location":"SAFE1/S1/T02","by":"S03"}]]' \
	"report: C102 never seen, C202 last seen in session 1"
is "$(j '[[e["mgmt_id"] for e in d[k]] for k in ["misplaced", "not_in_stock",
	"disposal_due", "checked_out"]]')" \
	'[["C205"],["C105"],["C204","C303","C304"],["C203"]]' \
	"report: misplaced, not in stock, disposal due, checked out"
is "$(j '[e["due_since"] for e in d["disposal_due"]]')" \
	'[null,"2026-01-31","2026-03-02"]' "report: due since 90 days after the reminder"
is "$(j '[[e["serial"], e["found_location"], e["at"]] for e in d["extra"]]')" \
	'[["04FFEEDDCCBBAA","SAFE1/S1/T03","2026-03-02T10:20:00+09:00"]]' \
	"report: the unknown serial, where and when"
is "$(events event why mgmt_id <"$WORK/events.jsonl" | tr '\n' ',')" \
	"accepted - C101,repeat - C101,accepted - C103,accepted - C104,alert not_in_stock C105,alert misplaced C205,accepted - C201,alert disposal_due C204,accepted - C301,accepted - C302,reader_lost - -,reader_back - -,alert disposal_due C303,alert disposal_due C304,accepted - C305,alert unknown null," \
	"events: one line per read and reader event, in order"
like "$(cat "$WORK/report.txt")" '^RESULT: 5 discrepancies to resolve$' \
	"report: 5 discrepancies"

done_testing
