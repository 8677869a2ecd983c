#!/usr/bin/env bash
# The keyboard-wedge reader end to end: a barcode scanner types the number
# printed on a card, one line a card, into `scan --reader kbd:` (here on
# standard input).  Printed numbers are decimal, may have an odd number of
# digits, and match the ledger's serial as text.
. "$(dirname "$0")/lib.sh"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' 'mgmt_id,serial,location,received' \
	'P1,123456789012,SAFE1/T01,2026-01-01' \
	'P2,98765,SAFE1/T01,2026-01-01' \
	'P3,555,SAFE1/T02,2026-01-01' >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "import of printed numbers"
as M01 1111 count start --kind full --assign SAFE1/T01=S02
sid=$OUT

# Typed: P1, a stray line, P1 again, P3 (from the other tray), blank lines.
printf '123456789012\nabc-1\n\n123456789012\n555\n' |
	"$CT" scan --session "$sid" --range SAFE1/T01 --reader kbd: --json \
		--as S02 --pin-fd 3 3<<<2222 >"$WORK/out" 2>"$WORK/err"
is "$?" 0 "scan from the keyboard: exit 0"
events=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["event"], e.get("why") or "-", e.get("mgmt_id") or "-")
' "$WORK/out")
is "$events" "accepted - P1
unreadable - -
repeat - P1
alert misplaced P3" "one line a read; junk refused; a second typing is a repeat"
like "$(grep unreadable "$WORK/out")" "not a card number: 'abc-1'" \
	"the refused line is named"
ct reconcile "$sid" --json
is "$(printf '%s' "$OUT" | pyjson '[d["ok"], [m["mgmt_id"] for m in
	d["missing"]], d["repeats"]]')" '[1,["P2"],1]' \
	"reconcile: P1 in place, P2 missing, one repeat"

done_testing
