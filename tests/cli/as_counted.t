#!/usr/bin/env bash
# A count judges each card as it stood when the count read it, or, a card
# it did not read, when the count closed (R9, R10): the window goes on
# working beside a day-long sweep, and what it does to a card after the
# count has read it, or after the count has closed, is no discrepancy of
# that count.  A card that was out of stock when it was read still is one.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo
T0=1772413200 # 2026-03-02 10:00 JST
# at SECONDS ARGS...: `as`, the clock at T0 + SECONDS.
at() {
	local t=$1
	shift
	CARDTALLY_NOW=$((T0 + t)) as "$@"
}

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
{
	echo mgmt_id,serial,location,received
	for i in 1 2 3 4 5; do
		echo "A10$i,04A10$i,SAFE1/T01,2025-06-01"
	done
	echo "B201,04B201,SAFE1/T02,2025-06-01"
} >"$WORK/stock.csv"
at 0 M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"

at 10 M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$RC" 0 "prepared: count 1 of SAFE1/T01 open"
# A105 goes to the window before its tray is read, and is read all the
# same: it was not in stock when read.
at 20 S02 2222 checkout A105 --for 2026-03-02
is "$RC" 0 "prepared: A105 checked out before the tray is read"
printf '%s\n' "card 04A101" remove "card 04A102" remove "card 04A103" \
	remove "card 04A105" remove >"$WORK/t01.sim"
at 60 S02 2222 scan --session 1 --range SAFE1/T01 --reader "sim:$WORK/t01.sim"
is "$RC" 0 "prepared: SAFE1/T01 read (A101-A103 and A105; A104 not)"

# summary SECONDS: count 1's missing, not-in-stock and checked-out cards
# as reconcile --json gives them at T0 + SECONDS.
summary() {
	CARDTALLY_NOW=$((T0 + $1)) ct reconcile 1 --json
	printf '%s' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
def ids(k):
    return ",".join(sorted(x.get("mgmt_id") or x.get("serial") for x in r.get(k, [])))
print("missing=%s not_in_stock=%s checked_out=%s" % (
    ids("missing"), ids("not_in_stock"), ids("checked_out")))'
}
is "$(summary 70)" "missing=A104 not_in_stock=A105 checked_out=" \
	"as read: A104 missing, A105 out of stock when read"

# The window, after the reads: A101 checked out and issued, A104 (never
# read) checked out.
at 100 S02 2222 checkout A101 A104 --for 2026-03-02
is "$RC" 0 "A101 (read) and A104 (not read) checked out"
at 110 S02 2222 issue A101
is "$RC" 0 "A101 issued"
is "$(summary 120)" "missing= not_in_stock=A105 checked_out=A104" \
	"A101, read in its tray before it left, is no discrepancy; A104 at the window is accounted for"

# A105 is settled, and the count closed with its witness.
at 130 M01 1111 count resolve 1 --card A105 --reason data_error \
	--note "checked out by mistake, never left the tray"
is "$RC" 0 "A105 resolved"
CARDTALLY_NOW=$((T0 + 140)) with_witness S02 2222 M01 1111 count close 1
is "$RC" 0 "count 1 closed, witnessed"
CARDTALLY_NOW=$((T0 + 150)) ct reconcile 1 --json
closed=$OUT
closed_rc=$RC
# The day's report: a closed count's discrepancies were each resolved.
CARDTALLY_NOW=$((T0 + 160)) ct report daily
like "$OUT" ": discrepancies, each resolved at the close\$" \
	"report daily: the closed count's discrepancies, resolved"
CARDTALLY_NOW=$((T0 + 160)) ct report daily --json
is "$(pyjson '[[c["discrepancies"], c["open_discrepancies"]] for c in d["counts"]]' <<<"$OUT")" \
	"[[true,false]]" "report daily --json: discrepancies, none open"

# After the close: A104 comes back, A102 leaves and is issued, A103 is
# moved to the next tray.
at 200 S02 2222 return A104
is "$RC" 0 "after the close: A104 returned"
at 210 S02 2222 checkout A102 --for 2026-03-02
at 220 S02 2222 issue A102
is "$RC" 0 "after the close: A102 checked out and issued"
at 230 S02 2222 move --to SAFE1/T02 A103
is "$RC" 0 "after the close: A103 moved to SAFE1/T02"
is "$(summary 300)" "missing= not_in_stock=A105 checked_out=A104" \
	"the closed count still sees A104 at the window and nothing missing"
CARDTALLY_NOW=$((T0 + 300)) ct reconcile 1 --json
is "$RC" "$closed_rc" "reconcile of the closed count: the same exit status"
is_text "$OUT" "$closed" "reconcile of the closed count: the same report, word for word"

# A later count sees the cards as they are now.
at 400 M01 1111 count start --kind partial --ranges SAFE1/T01,SAFE1/T02
is "$RC" 0 "count 2 of SAFE1/T01 and SAFE1/T02 open"
CARDTALLY_NOW=$((T0 + 410)) ct reconcile 2 --json
is "$(printf '%s' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(",".join(sorted(x["mgmt_id"] for x in r["missing"])))')" \
	"A103,A104,B201" "count 2 expects A103 in SAFE1/T02 and A104 back in SAFE1/T01, not A101/A102"

done_testing
