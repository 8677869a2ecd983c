#!/usr/bin/env bash
# End-to-end test of the end-of-day window tally (R12) with the Tsurumi
# numbers of seed 001: 78 cards and a terminal go to the window; 5 are
# issued, 60 come back and are scanned into the tally; the other 13 cards
# and the terminal are listed by management ID / asset code with who
# checked them out.  Closing that imbalanced tally needs a manager's
# witness (not the closer) and a note; the close turns the reads into
# returns; audit verify stays intact.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_NOW=1772442000 # 2026-03-02 18:00 JST

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
{
	echo mgmt_id,serial,location,received
	for i in $(seq -w 1 80); do
		echo "W0$i,0478A0$i,SAFE1/T01,2025-06-01"
	done
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: 80 cards imported"
as M01 1111 asset add TERM1 --name "Window terminal" --tag 04FFEE01 \
	--location SAFE1/SHELF
is "$RC" 0 "prepared: terminal TERM1 registered"

# Morning: S02 takes 78 cards and the terminal to the window (two
# commands: a command line takes at most 64 IDs).
as S02 2222 checkout $(seq -f 'W0%02g' 1 40) --for 2026-03-02
is "$RC" 0 "40 cards checked out"
as S02 2222 checkout $(seq -f 'W0%02g' 41 78) TERM1 --for 2026-03-02
is "$RC" 0 "38 more cards and 1 terminal checked out"
as S02 2222 issue W001 W002 W003 W004 W005
is "$RC" 0 "5 cards issued at the window"

# 17:00: the tally.
as P04 4444 tally start
is "$RC" 77 "a part-timer may not open a tally"
as S03 3333 tally start
is "$RC" 0 "tally start: exit 0"
tid=$OUT
like "$ERR" "74 cards and terminals expected back" \
	"tally start: 78 out, minus 5 issued, plus the terminal"
is "$(sqlq "select count(*) from tally_expected where session_id = $tid")" \
	74 "expected back: 73 cards still out and the terminal"

# 60 cards come back (W006..W065), one read twice, plus a card that never
# went out (W080) and a stranger.
{
	for i in $(seq 6 65); do
		printf 'card 0478A0%02d\nremove\n' "$i"
	done
	printf 'card 0478A006\nremove\ncard 0478A080\nremove\ncard 04DEAD01\nremove\n'
} >"$WORK/back.sim"
as P04 4444 scan --session "$tid" --reader "sim:$WORK/back.sim" --json
is "$RC" 0 "a part-timer scans the returns: exit 0"
is "$(events event <<<"$OUT" | sort | uniq -c | tr -s ' ' | sed 's/^ //')" \
	"60 accepted
2 alert
1 repeat" "60 accepted, 1 repeat, 2 alerts"
is "$(events event why mgmt_id <<<"$OUT" | grep alert)" \
	"alert not_in_stock W080
alert unknown null" "alerts: a card that was not out, an unknown serial"
as S02 2222 scan --session "$tid" --range SAFE1/T01 --reader "sim:$WORK/back.sim"
is "$RC" 2 "a tally is scanned without --range"
like "$ERR" "is a tally: scan it without --range" "a tally with --range: says so"

ct reconcile "$tid" --json
is "$RC" 1 "reconcile of an imbalanced tally: exit 1"
is "$(pyjson '[len(d["missing"]), d["expected"], d["returned"], d["issued"],
	d["balanced"]]' <<<"$OUT")" '[14,74,60,0,false]' \
	"14 missing of 74 expected, 60 returned"
is "$(pyjson '",".join(m.get("mgmt_id") or "asset:" + m["asset"]
	for m in d["missing"])' <<<"$OUT")" \
	"$(seq -f 'W0%02g' 66 78 | paste -sd,),asset:TERM1" \
	"missing: W066..W078 by management ID, the terminal by asset code"
is "$(pyjson '[d["missing"][0]["checked_out_by"], d["missing"][0]["for"],
	d["missing"][-1]["checked_out_by"]]' <<<"$OUT")" \
	'["S02","2026-03-02","S02"]' "each with who checked it out, and for when"
ct reconcile "$tid"
like "$OUT" "terminal TERM1 +out by S02" "text report names the terminal"
like "$OUT" "missing 14" "text report: the count"

# Closing: refusals first, each changing nothing.
cards=$(sqlq 'select * from card order by id' | md5sum)
as S03 3333 count close "$tid"
is "$RC" 65 "count close of a tally: exit 65 (no way around the witness)"
like "$ERR" "is a tally: use tally close" "count close: says what to use"
as P04 4444 tally close "$tid" --note x
is "$RC" 77 "a part-timer may not close a tally"
as S03 3333 tally close "$tid" --note "left at the window"
is "$RC" 77 "imbalanced, no witness: exit 77"
like "$ERR" "not balanced \(14 missing\).*--witness" "no witness: says why"
ct tally close "$tid" --note x --as S03 --pin-fd 3 --witness S03 \
	--witness-pin-fd 4 3<<<3333 4<<<3333
is "$RC" 77 "the closer as their own witness: exit 77"
ct tally close "$tid" --note x --as S03 --pin-fd 3 --witness S02 \
	--witness-pin-fd 4 3<<<3333 4<<<2222
is "$RC" 77 "a witness who is not a manager: exit 77"
ct tally close "$tid" --note x --as S03 --pin-fd 3 --witness M01 \
	--witness-pin-fd 4 3<<<3333 4<<<9999
is "$RC" 77 "the witness's wrong PIN: exit 77"
ct tally close "$tid" --as S03 --pin-fd 3 --witness M01 \
	--witness-pin-fd 4 3<<<3333 4<<<1111
is "$RC" 2 "witness but no note: exit 2"
is "$(sqlq 'select * from card order by id' | md5sum)" "$cards" \
	"refused closes change no card"
is "$(sqlq "select closed_at is null from session where id = $tid")" 1 \
	"the tally is still open"

ct tally close "$tid" --note "13 cards and TERM1 left at the window" \
	--as S03 --pin-fd 3 --witness M01 --witness-pin-fd 4 3<<<3333 4<<<1111
is "$RC" 0 "with a manager's witness and a note: exit 0"
like "$ERR" "74 expected, 60 returned, 0 issued, 14 still out \(witnessed\)" \
	"close: the balance"
is "$(sqlq "select w.code || '|' || s.note from session s
	join staff w on w.id = s.witness_id where s.id = $tid")" \
	"M01|13 cards and TERM1 left at the window" "close: witness and note kept"
is "$(sqlq "select status, count(*) from card group by status order by 1" |
	tr '\n' ' ')" "checked_out|13 issued|5 stored|62 " \
	"the 60 read back are returned; 13 still out"
is "$(sqlq "select count(*) from custody_event where kind = 'return'")" 60 \
	"one return custody event per card read back"
as S03 3333 tally close "$tid" --note again
is "$RC" 65 "closing twice: exit 65"

ct tally list
is "$RC" 1 "tally list: exit 1 while a tally misses something"
like "$OUT" "closed +expected 74 +missing 14 +note: 13 cards and TERM1 left" \
	"tally list: the imbalanced tally, its count and note"

# The next morning the terminal turns up: the tally shows it resolved.
as S02 2222 return TERM1
is "$RC" 0 "TERM1 returned"
ct reconcile "$tid" --json
is "$(pyjson '[len(d["missing"]), d["resolved"]]' <<<"$OUT")" '[13,1]' \
	"the tally now misses 13 cards; the terminal is resolved"

# A balanced tally closes without a witness.
as S02 2222 return $(seq -f 'W0%02g' 66 78)
is "$RC" 0 "the 13 cards turn up and are returned"
as S02 2222 checkout W079
as S03 3333 tally start
tid2=$OUT
printf 'card 0478A079\nremove\n' >"$WORK/one.sim"
as S02 2222 scan --session "$tid2" --reader "sim:$WORK/one.sim"
as S03 3333 tally close "$tid2"
is "$RC" 0 "balanced tally: closes without a witness"
is "$(sqlq "select status from card where mgmt_id = 'W079'")" stored \
	"balanced tally: the card read back is returned"

ct tally list --json
is "$RC" 0 "tally list: exit 0 once everything is accounted for"
is "$(pyjson '[[t["session"], t["missing"], t["witness"]] for t in d["tallies"]]' <<<"$OUT")" \
	"[[$tid,0,\"M01\"],[$tid2,0,null]]" "tally list --json: both tallies resolved"

ct audit verify
is "$RC" 0 "audit verify: intact after the tally"

# The scan loop tells the kinds apart: a count still needs its --range.
as S02 2222 count start --kind full
cid=$OUT
as S02 2222 scan --session "$cid" --reader "sim:$WORK/one.sim"
is "$RC" 2 "a count scanned without --range: usage error"
like "$ERR" "is a count: --range is required" "a count without --range: says so"

# A read in a tally is a sighting at the window, in no range: a count that
# misses the card says in which tally it was last seen.
CARDTALLY_NOW=$((1772442000 + 7200)) as S03 3333 tally start
tid3=$OUT
CARDTALLY_NOW=$((1772442000 + 7260)) as S02 2222 scan --session "$tid3" --reader "sim:$WORK/one.sim"
ct reconcile "$cid"
like "$(printf '%s\n' "$OUT" | grep -A1 '^  W079 ' | tail -n 1)" \
	"last seen [0-9-]+ [0-9:]+ in tally $tid3 by S02\$" \
	"a count's missing card last seen in a tally: names the tally"

done_testing
