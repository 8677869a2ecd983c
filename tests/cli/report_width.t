#!/usr/bin/env bash
# The text report lines up its columns on screen also when location names
# are Japanese: a CJK character takes two cells, so padding by bytes (or by
# characters) would push the next column out of line.
. "$(dirname "$0")/lib.sh"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' 'mgmt_id,serial,location,received' \
	'J1,0A01,金庫1/棚1,2026-01-01' \
	'J2,0A02,SAFE2/S1,2026-01-01' \
	'J3,0A03,金庫1/トレイ12,2026-01-01' >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "import of Japanese location names"
as M01 1111 count start --kind full
sid=$OUT
ct reconcile "$sid"
is "$RC" 1 "nothing read: every card is missing"

# The column after the location ("never seen ...") starts at the same
# display column on every MISSING line.
cols=$(printf '%s\n' "$OUT" | python3 -c '
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
for line in sys.stdin:
    i = line.find("never seen")
    if i >= 0:
        print(width(line[:i]))
' | sort -u)
is "$(printf '%s\n' "$OUT" | grep -c 'never seen')" 3 \
	"MISSING: three lines"
# One distinct column for the three lines (and a number, not nothing).
like "$cols" '^[0-9]+$' \
	"MISSING: the column after the location is aligned ($(echo $cols))"
like "$OUT" '^  J1 +0A01 +金庫1/棚1 +never seen since import$' \
	"MISSING: the Japanese location is printed as imported"

done_testing
