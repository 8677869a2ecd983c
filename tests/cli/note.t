#!/usr/bin/env bash
# End-to-end tests of near-misses (R22): `note add` by any role, with or
# without a card, audited and chained; `note list` in text and JSON; the
# refusals (no text, unknown card, bad text, wrong PIN).
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf 'mgmt_id,serial,location,received\nA101,04A101,SAFE1/T01,2025-06-01\n' \
	>"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"

ct note list
is "$RC" 0 "list, none yet: exit 0"
like "$ERR" "no near-misses recorded" "list, none yet: says so"

# A part-timer may record one.
as P04 4444 note add --text "tray T01 left on the desk for 2 minutes"
is "$RC" 0 "add by a part-timer: exit 0"
is "$OUT" 1 "add: prints the note's id"
like "$ERR" "near-miss 1 recorded by P04" "add: says who recorded it"
as S02 2222 note add --text "A101 nearly handed to the wrong applicant" \
	--card A101 --json
is "$RC" 0 "add with a card: exit 0"
is "$(pyjson 'd["note"]' <<<"$OUT")" 2 "add --json: the id"

ct note list
is "$RC" 0 "list: exit 0"
is_text "$OUT" "   1  2026-03-02T10:00:00+09:00  P04      -            tray T01 left on the desk for 2 minutes
   2  2026-03-02T10:00:00+09:00  S02      A101         A101 nearly handed to the wrong applicant" \
	"list: id, time, who, card, text"
ct note list --json
is "$(pyjson '[[n["id"], n["by"], n["mgmt_id"], n["text"][:4]]
	for n in d["notes"]]' <<<"$OUT")" \
	'[[1,"P04",null,"tray"],[2,"S02","A101","A101"]]' "list --json"

is "$(sqlq "select action || '|' || subject || '|' || detail from audit
	where action = 'note.add' order by id")" \
	"note.add|note 1|note=1 card=- text=tray T01 left on the desk for 2 minutes
note.add|note 2|note=2 card=A101 text=A101 nearly handed to the wrong applicant" \
	"each note is an audit entry with its whole text"
ct audit verify
is "$RC" 0 "notes keep the chain intact"
like "$OUT" "; 2 scan, near-miss, custody and disposal rows match" "verify checks the notes"

# Refusals change nothing.
before=$(sqlq 'select count(*) from near_miss')
as S02 2222 note add
is "$RC" 2 "add without --text: exit 2"
as S02 2222 note add --text "x" --card NOPE
is "$RC" 65 "add about an unknown card: exit 65"
like "$ERR" "no card with management ID NOPE" "unknown card: named"
as S02 2222 note add --text "$(printf 'a\001b')"
is "$RC" 65 "add with a control character: exit 65"
as S02 9999 note add --text "x"
is "$RC" 77 "add with a wrong PIN: exit 77"
ct note add --text "x"
is "$RC" 2 "add without --as: exit 2"
is "$(sqlq 'select count(*) from near_miss')" "$before" "refusals add no note"

# A note edited behind cardtally's back is found.
sqlite3 "$CARDTALLY_DB" "UPDATE near_miss SET text = 'nothing' WHERE id = 2"
ct audit verify --json
is "$RC" 1 "a changed note: verify exits 1"
is "$(pyjson '[d["broken"]["table"], d["broken"]["id"],
	d["broken"]["problem"]]' <<<"$OUT")" '["near_miss",2,"record_changed"]' \
	"a changed note: named"

done_testing
