#!/usr/bin/env bash
# `cardtally scan undo`: the acting person's last read in a count or tally
# stops counting, with a reason; the scan row and its audit entry stay and
# the chain still verifies.  Refusals: no reason, nothing to undo, a card
# read again after it, a closed session, the wrong PIN, a missing option.
. "$(dirname "$0")/lib.sh"

export CARDTALLY_NOW=1772413200
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
cat >"$WORK/stock.csv" <<'EOF_CSV'
mgmt_id,serial,location,received
A101,04A101,SAFE1/T01,2025-06-01
A102,04A102,SAFE1/T01,2025-06-01
A201,04A201,SAFE1/T02,2025-06-01
EOF_CSV
as M01 1111 import "$WORK/stock.csv"
as M01 1111 count start --kind full --assign SAFE1/T01=S02,SAFE1/T02=S03
SID=$OUT
printf 'card 04A101\nremove\ncard 04A102\nremove\ncard 04A102\nremove\n' \
	>"$WORK/a.sim"
as S02 2222 scan --session "$SID" --range SAFE1/T01 --reader "sim:$WORK/a.sim"
is "$RC" 0 "S02 read three times (the last a repeat)"

as S02 2222 scan undo --session "$SID"
is "$RC" 2 "a reason is required"
state=$(ledger_state)
as S02 2222 scan undo --session "$SID" --reason ""
is "$RC" 65 "an empty reason is bad input"
like "$ERR" "needs a reason" "and says so"
is "$(ledger_state)" "$state" "nothing changed"

as M01 1111 scan undo --session "$SID" --reason "test"
is "$RC" 65 "M01 has no read to undo in this session"
like "$ERR" "no read left to undo" "says why"

as S02 9999 scan undo --session "$SID" --reason "x"
is "$RC" 77 "a wrong PIN is refused"

as S02 2222 scan undo --session "$SID" --reason "presented twice" --json
is "$RC" 0 "the repeat is undone"
is "$(printf '%s' "$OUT" | pyjson 'd["serial"] + " " + d["outcome"]')" \
	"04A102 repeat" "the last read was the repeat"

# The first read of A102 is next; then A101's.
as S02 2222 scan undo --session "$SID" --reason "wrong tray"
is "$RC" 0 "the read of A102 is undone"
like "$OUT" "undone: A102 04A102 \(accepted\) in SAFE1/T01" "text output"
as M01 1111 reconcile "$SID" --json
is "$(printf '%s' "$OUT" | pyjson '[m["mgmt_id"] for m in d["missing"]
	if m["expected_location"] == "SAFE1/T01"]')" \
	'["A102"]' "an undone read does not count: A102 is missing"
is "$(printf '%s' "$OUT" | pyjson 'd["repeats"]')" 0 \
	"the undone repeat is not a repeat any more"

# Read A102 again: counted, and the earlier undo cannot be reached past it.
printf 'card 04A102\nremove\n' >"$WORK/b.sim"
as S02 2222 scan --session "$SID" --range SAFE1/T01 --reader "sim:$WORK/b.sim" \
	--json
is "$(printf '%s' "$OUT" | events event)" "accepted" \
	"A102 read again is accepted, not a repeat"
as S03 3333 scan --session "$SID" --range SAFE1/T02 --reader "sim:$WORK/b.sim" \
	--json
is "$(printf '%s' "$OUT" | events event)" "repeat" \
	"S03 reads it again (in the tray S03 counts)"
as S02 2222 scan undo --session "$SID" --reason "x"
is "$RC" 65 "S02's last read has a later read of the same card"
like "$ERR" "was read again after this read" "says why"

is "$(sqlq "select count(*) from scan_undo")" 2 "two undos recorded"
is "$(sqlq "select count(*) from audit where action = 'scan.undo'")" 2 \
	"each audited"
ct audit verify
is "$RC" 0 "the audit chain verifies"

# A201 was never read: a manager settles it before the witnessed close.
as M01 1111 count resolve "$SID" --card A201 --reason found_elsewhere
as S02 2222 count close "$SID" --witness M01 --witness-pin-fd 4 4<<<1111
is "$(sqlq "select closed_at is not null from session where id = $SID")" 1 \
	"the count is closed"
as S03 3333 scan undo --session "$SID" --reason "x"
is "$RC" 65 "no undo in a closed session"
like "$ERR" "closed" "says why"

done_testing
