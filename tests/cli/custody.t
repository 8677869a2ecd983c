#!/usr/bin/env bash
# End-to-end tests of custody (R11-R13): `asset add`, and `checkout`,
# `return`, `issue`, `move` of cards and terminals by management ID or asset
# code; each movement a custody event and an audit entry; the refusals
# (wrong role 77, wrong PIN 77, illegal transition 65, unknown ID 65) change
# nothing, not even the cards named before the refused one.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200 # 2026-03-02 10:00 JST

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
{
	echo mgmt_id,serial,location,received
	for i in 1 2 3 4; do
		echo "A10$i,04A10$i,SAFE1/T01,2025-06-01"
	done
	echo "B201,04B201,SAFE1/T02,2025-06-01"
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"

# ---- asset add ----
as M01 1111 asset add TERM1 --name "Issuing terminal 1" --tag 04FFEE01 \
	--location SAFE1/SHELF
is "$RC" 0 "asset add: exit 0"
is "$OUT" "TERM1" "asset add: prints the code"
is "$ERR" "terminal TERM1 registered at SAFE1/SHELF (a new location) by M01" \
	"asset add: a location made for it is said (a typing error shows)"
is "$(sqlq "select a.code, a.name, a.tag, l.path, a.status from asset a
	join location l on l.id = a.location_id")" \
	"TERM1|Issuing terminal 1|04FFEE01|SAFE1/SHELF|in_storage" \
	"asset add: the row, in storage at its home"
as M01 1111 asset add TERM2 --name "Issuing terminal 2" --location SAFE1/SHELF
is "$RC" 0 "asset add without a tag: exit 0"
is "$ERR" "terminal TERM2 registered at SAFE1/SHELF by M01" \
	"asset add: a location that was there is not new"
is "$(sqlq "select count(*) from audit where action = 'asset.add'")" 2 \
	"asset add: audited"
before=$(sqlq 'select count(*) from asset')
as M01 1111 asset add TERM1 --name again --location SAFE1/SHELF
is "$RC" 65 "asset add, code taken: exit 65"
is "$ERR" "cardtally: terminal TERM1 is registered already" \
	"asset add, code taken: says so"
as M01 1111 asset add TERM3 --name x --tag 04FFEE01 --location SAFE1/SHELF
is "$RC" 65 "asset add, tag taken: exit 65"
is "$ERR" "cardtally: tag 04FFEE01 is the tag of terminal TERM1 already" \
	"asset add, tag taken: names the terminal"
as M01 1111 asset add TERM3 --name x --tag 04A101 --location SAFE1/SHELF
is "$RC" 65 "asset add, tag is a card's serial: exit 65"
like "$ERR" "serial of card A101" "tag clash names the card"
as M01 1111 asset add 'bad code' --name x --location SAFE1/SHELF
is "$RC" 65 "asset add, bad code: exit 65"
as M01 1111 asset add TERM5 --name x --location 'SAFE1//SHELF'
is "$RC" 65 "asset add, not a location path: exit 65"
like "$ERR" "'SAFE1//SHELF' is not a location path" \
	"asset add, not a location path: says so"
# A tag is kept as a reader reads it, or no read would find it; a tag that
# is no chip serial, and a code that is a card's management ID, are refused.
as M01 1111 asset add TERM4 --name x --tag XYZ --location SAFE1/SHELF
is "$RC" 65 "asset add, a tag that is not hex: exit 65"
like "$ERR" "tag 'XYZ' is not a chip serial" "asset add, not hex: says so"
as M01 1111 asset add A101 --name x --location SAFE1/SHELF
is "$RC" 65 "asset add, a card's management ID as its code: exit 65"
like "$ERR" "A101 is the management ID of a card" \
	"asset add, a card's ID: says so"
as M01 1111 asset add TERM4 --name x --tag beef01 --location SAFE1/SHELF
is "$RC" 0 "asset add, a tag in lower case: exit 0"
is "$(sqlq "select tag from asset where code = 'TERM4'")" BEEF01 \
	"asset add: the tag kept in upper case, as reads are"
as S02 2222 asset add TERM3 --name x --location SAFE1/SHELF
is "$RC" 77 "asset add by staff: exit 77"
like "$ERR" "only a manager may register an issuing terminal" \
	"asset add by staff: names the rule"
as M01 1111 asset add TERM3 --location SAFE1/SHELF
is "$RC" 2 "asset add without --name: exit 2"
is "$(sqlq 'select count(*) from asset')" "$((before + 1))" \
	"refusals add no asset (TERM4 was accepted)"

# ---- checkout ----
as S02 2222 checkout A101 A102 A103 TERM1 --for 2026-03-02
is "$RC" 0 "checkout of 3 cards and a terminal: exit 0"
like "$ERR" "4 checked out by S02" "checkout: summary"
is "$(sqlq "select mgmt_id || ':' || status from card order by mgmt_id")" \
	"A101:checked_out
A102:checked_out
A103:checked_out
A104:stored
B201:stored" "checkout: the cards' status"
is "$(sqlq "select status from asset where code = 'TERM1'")" checked_out \
	"checkout: the terminal's status"
is "$(sqlq "select e.kind, coalesce(c.mgmt_id, a.code), p.code, e.at,
	f.path, t.path, e.for_date from custody_event e
	left join card c on c.id = e.card_id
	left join asset a on a.id = e.asset_id
	join staff p on p.id = e.staff_id
	join location f on f.id = e.from_location_id
	join location t on t.id = e.location_id order by e.id" | tr '|' ' ')" \
	"checkout A101 S02 1772413200 SAFE1/T01 SAFE1/T01 2026-03-02
checkout A102 S02 1772413200 SAFE1/T01 SAFE1/T01 2026-03-02
checkout A103 S02 1772413200 SAFE1/T01 SAFE1/T01 2026-03-02
checkout TERM1 S02 1772413200 SAFE1/SHELF SAFE1/SHELF 2026-03-02" \
	"checkout: one custody event each: who, when, from, to, for"
is "$(sqlq "select subject || '|' || detail from audit
	where action = 'custody.checkout' order by id limit 1")" \
	"card A101|event=1 status=stored->checked_out from=SAFE1/T01 to=SAFE1/T01 for=2026-03-02 safe=closed" \
	"checkout: audited with the event (flagged: the safe is recorded closed)"
as S03 3333 checkout A104 --json
is "$RC" 0 "checkout without --for: exit 0"
is "$(pyjson '[d["mgmt_id"], d["status"]]' <<<"$OUT")" \
	'["A104","checked_out"]' "checkout --json: one object per item"
is "$(sqlq "select for_date from custody_event order by id desc limit 1")" \
	2026-03-02 "checkout without --for: for today"

# ---- refusals change nothing ----
cards=$(sqlq 'select * from card order by id' | md5sum)
assets=$(sqlq 'select * from asset order by id' | md5sum)
events_before=$(sqlq 'select count(*) from custody_event')
as S02 2222 checkout B201 A101
is "$RC" 65 "checkout of a checked-out card: exit 65"
like "$ERR" "card A101 \(checked out\) cannot be checked out: it is checked out already; nothing changed" \
	"illegal checkout: names the card and the rule"
as S02 2222 return B201
is "$RC" 65 "return of a card never checked out: exit 65"
like "$ERR" "card B201 \(in storage\) cannot be returned: only a checked-out card can be returned" \
	"illegal return: names the card and the rule"
as S02 2222 issue B201
is "$RC" 65 "issue straight from storage: exit 65"
like "$ERR" "only a checked-out card can be issued" "issue from storage: rule"
as S02 2222 issue TERM1
is "$RC" 65 "issue of a terminal: exit 65"
like "$ERR" "terminal TERM1 .*a terminal is not issued" "terminal issue: rule"
as S02 2222 move --to SAFE1/T02 A104
is "$RC" 65 "move of a checked-out card: exit 65"
as S02 2222 move --to SAFE9/NOWHERE B201
is "$RC" 65 "move to an unknown location: exit 65"
like "$ERR" "no location SAFE9/NOWHERE" "unknown location: named"
as S02 2222 return A101 NOPE
is "$RC" 65 "return with an unknown ID: exit 65"
like "$ERR" "no card or terminal NOPE" "unknown ID: named"
# A card or terminal named twice in one command is refused by one check,
# worded alike for the four movements and before any item's state is
# looked at (a move used to record two moves; checkout, return and issue
# blamed the card's state, e.g. "checked out already" of a card in
# storage).
custody_audit=$(sqlq "select count(*) from audit where action like 'custody.%'")
as S02 2222 return A101 A101
is "$RC" 65 "the same card twice in one command: exit 65"
like "$ERR" "card A101 is named twice: name each card or terminal once; nothing changed" \
	"return: a card named twice is said so"
as S02 2222 checkout B201 B201
is "$RC" 65 "checkout of a stored card named twice: exit 65"
is "$ERR" "cardtally: card B201 is named twice: name each card or terminal once; nothing changed" \
	"checkout: said to be named twice, not to be checked out already"
as S02 2222 issue A101 A101
is "$RC" 65 "issue of a card named twice: exit 65"
like "$ERR" "card A101 is named twice" "issue: said to be named twice"
as S02 2222 move --to SAFE1/T01 B201 B201
is "$RC" 65 "move of a card named twice: exit 65"
like "$ERR" "card B201 is named twice" "move: said to be named twice"
as S02 2222 return TERM1 04FFEE01
is "$RC" 65 "a terminal named by its code and by its tag: exit 65"
like "$ERR" "terminal TERM1 is named twice" "the terminal, named twice"
as S02 2222 move --to SAFE1/T02 B201
is "$RC" 65 "a move to the tray the card is in: exit 65"
like "$ERR" "card B201 is already in SAFE1/T02: a move takes it to another location; nothing changed" \
	"a move to where it is: names the place"
as S02 2222 move --to SAFE1/SHELF B201 TERM2
is "$RC" 65 "a move of a card and of a terminal already there: exit 65"
like "$ERR" "terminal TERM2 is already in SAFE1/SHELF" \
	"the terminal already there is named"
is "$(sqlq "select count(*) from audit where action like 'custody.%'")" \
	"$custody_audit" "named twice, or moved to where it is: nothing audited"
as P04 4444 checkout B201
is "$RC" 77 "checkout by a part-timer: exit 77"
like "$ERR" "part-time staff may not check cards out" "part-timer: the rule"
as P04 4444 issue A101
is "$RC" 77 "issue by a part-timer: exit 77"
as S02 9999 return A101
is "$RC" 77 "wrong PIN: exit 77"
as S02 2222 checkout --for 2026-02-30 B201
is "$RC" 2 "checkout --for a date that does not exist: exit 2"
as S02 2222 return
is "$RC" 2 "return of nothing: exit 2"
ct return A101
is "$RC" 2 "return without --as: exit 2"
is "$(sqlq 'select count(*) from custody_event')" "$events_before" \
	"refusals record no custody event"
# The wrong PIN is audited (the staff row changed): compare cards, assets.
is "$(sqlq 'select * from card order by id' | md5sum)" "$cards" \
	"refusals leave the cards as they were"
is "$(sqlq 'select * from asset order by id' | md5sum)" "$assets" \
	"refusals leave the terminals as they were"
is "$(sqlq "select mgmt_id || ':' || status from card where mgmt_id in ('A101','B201') order by 1")" \
	"A101:checked_out
B201:stored" "A101 still out, B201 still stored (nothing half-done)"

# ---- issue, return, move ----
as S02 2222 issue A101
is "$RC" 0 "issue of a checked-out card: exit 0"
is "$(sqlq "select status from card where mgmt_id = 'A101'")" issued \
	"issue: the card is issued"
as S02 2222 return A102 TERM1
is "$RC" 0 "return of a card and a terminal: exit 0"
is "$(sqlq "select status from card where mgmt_id = 'A102'") $(sqlq "select status from asset where code = 'TERM1'")" \
	"stored in_storage" "return: back in storage"
as S02 2222 checkout A101
is "$RC" 65 "an issued card cannot be checked out again: exit 65"
as S02 2222 move --to SAFE1/T02 A102 TERM2
is "$RC" 0 "move of a stored card and terminal: exit 0"
is "$OUT" "A102	SAFE1/T02
TERM2	SAFE1/T02" "move: prints each item and where it is now"
is "$(sqlq "select l.path from card c join location l on l.id = c.location_id
	where c.mgmt_id = 'A102'")" SAFE1/T02 "move: the card's new location"
is "$(sqlq "select f.path || '>' || t.path from custody_event e
	join location f on f.id = e.from_location_id
	join location t on t.id = e.location_id
	where e.kind = 'move' order by e.id limit 1")" "SAFE1/T01>SAFE1/T02" \
	"move: the event records from and to"
as M01 1111 move --to SAFE1/T01 A101
is "$RC" 65 "move of an issued card: exit 65"

# ---- naming cards by scanning (--reader) ----
printf 'card 04B201\nremove\ncard 04FFEE01\nremove\ncard 04B201\nremove\n' \
	>"$WORK/out.sim"
as S02 2222 checkout --reader "sim:$WORK/out.sim" --for 2026-03-03
is "$RC" 0 "checkout --reader: exit 0"
is "$OUT" "B201	SAFE1/T02
TERM1	SAFE1/SHELF" "checkout --reader: a card and a terminal (by its tag), read twice counted once"
is "$(sqlq "select status from card where mgmt_id = 'B201'") $(sqlq "select status from asset where code = 'TERM1'")" \
	"checked_out checked_out" "checkout --reader: both checked out"
printf 'card 04A103\nremove\ncard 04DEAD99\nremove\n' >"$WORK/bad.sim"
as S02 2222 return --reader "sim:$WORK/bad.sim"
is "$RC" 65 "return --reader with an unknown serial: exit 65"
like "$ERR" "serial 04DEAD99 is no card or terminal" "the unknown serial is named"
is "$(sqlq "select status from card where mgmt_id = 'A103'")" checked_out \
	"the card read before it was not returned"
as S02 2222 return A103 --reader "sim:$WORK/bad.sim"
is "$RC" 2 "IDs and --reader together: exit 2"
as P04 4444 return --reader "sim:$WORK/bad.sim"
is "$RC" 77 "return --reader by a part-timer: exit 77"
printf 'card 04A103\nremove\ncard 04B201\nremove\ncard 04FFEE01\nremove\n' \
	>"$WORK/back.sim"
as S02 2222 return --reader "sim:$WORK/back.sim"
is "$RC" 0 "return --reader: exit 0"
like "$ERR" "3 returned by S02" "return --reader: 3 items"
printf 'card 04B201\nremove\n' >"$WORK/mv.sim"
as S02 2222 move --to SAFE1/T01 --reader "sim:$WORK/mv.sim"
is "$RC" 0 "move --reader: exit 0"
is "$(sqlq "select l.path from card c join location l on l.id = c.location_id
	where c.mgmt_id = 'B201'")" SAFE1/T01 "move --reader: B201 now in T01"

is "$(sqlq "select count(*) from audit where action like 'custody.%'")" \
	"$(sqlq 'select count(*) from custody_event')" \
	"every custody event has its audit entry"
ct audit verify
is "$RC" 0 "audit verify: the chain is intact after all of it"

done_testing
