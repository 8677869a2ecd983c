#!/usr/bin/env bash
# End-to-end tests of disposal (R16-R18, doc/operations.md "Disposal",
# cardtally(1) "dispose due" to "dispose list"): the due list with each reason and the configured reminder
# days, the two-person start and its refusals, scanning into a disposal
# (a card that is not due is refused), closing (the disposal ledger, cards
# set disposed), the disposal ledger listed, a card in two open disposals,
# a locked witness, a disposed card read in a count alerting as
# not_in_stock, and the audit chain intact at the end.
. "$(dirname "$0")/lib.sh"

# A fixed clock: 2026-03-02 10:00 in Tokyo.
export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
PIN_M01=$(pin_file M01 1111)
PIN_S03=$(pin_file S03 3333)
BAD_PIN=$(pin_file BAD 9999)
# A second manager, added while the office is set up (no stock yet): from
# the first card on, a new manager needs a second manager as witness.
"$CT" staff add M05 --name "Manager 5" --role manager --as M01 --pin-fd 3 \
	--new-pin-fd 4 3<"$PIN_M01" 4<"$(pin_file M05 5555)" >/dev/null 2>&1
is "$?" 0 "a second manager, M05, added before the stock"

# D101's reminder went out 90 days ago (due from today), D102's 89 days ago
# (due tomorrow), D108's 152 days ago (due since 2025-12-30); D103-D105 are
# due by status; D106 has no reminder; D107 was issued.
cat >"$WORK/stock.csv" <<'CSV'
mgmt_id,serial,location,received,reminder_sent,status
D101,04D101,SAFE1/T01,2025-06-01,2025-12-02,
D102,04D102,SAFE1/T01,2025-06-01,2025-12-03,
D103,04D103,SAFE1/T01,2025-06-01,,moved
D104,04D104,SAFE1/T01,2025-06-01,,deceased
D105,04D105,SAFE1/T02,2025-06-01,,cancelled
D106,04D106,SAFE1/T02,2025-06-01,,
D107,04D107,SAFE1/T02,2025-06-01,2025-07-01,issued
D108,04D108,SAFE1/T02,2025-06-01,2025-10-01,
CSV
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"

# script NAME LINES...: a sim reader script; prints its path.
script() {
	local f="$WORK/$1.sim"
	shift
	printf '%s\n' "$@" >"$f"
	printf '%s\n' "$f"
}

# ---- dispose due ----------------------------------------------------------

ct dispose due --json
is "$RC" 0 "due: exit 0"
is "$(printf '%s' "$OUT" | pyjson '" ".join(e["mgmt_id"]+":"+e["why"]+":"+str(e["due_since"]) for e in d)')" \
	"D103:moved:None D104:deceased:None D105:cancelled:None D108:reminder:2025-12-30 D101:reminder:2026-03-02" \
	"due: every reason, unknown since first, then by since and id"
ct dispose due
like "$OUT" "^D101 +reminder +since 2026-03-02" "due: text lists D101 with its day"
like "$OUT" "D103 +moved +since -" "due: text shows an unknown since as -"
# The morning status counts the same five, by the same rules.
ct status --json
is "$(printf '%s' "$OUT" | pyjson 'd["disposal_due"]')" 5 \
	"status: five cards due for disposal"

CARDTALLY_NOW=$((CARDTALLY_NOW - 86400)) ct dispose due --json
is "$(printf '%s' "$OUT" | pyjson '",".join(e["mgmt_id"] for e in d)')" \
	"D103,D104,D105,D108" "due: the day before, D101 is not due yet"

printf 'disposal_reminder_days = 89\n' >"$WORK/89.conf"
CARDTALLY_CONF="$WORK/89.conf" ct dispose due --json
is "$(printf '%s' "$OUT" | pyjson '",".join(e["mgmt_id"]+":"+str(e["due_since"]) for e in d if e["why"]=="reminder")')" \
	"D108:2025-12-29,D101:2026-03-01,D102:2026-03-02" \
	"due: disposal_reminder_days = 89 from the configuration"
printf 'disposal_reminder_days = 0\n' >"$WORK/bad.conf"
CARDTALLY_CONF="$WORK/bad.conf" ct dispose due
is "$RC" 65 "config: 0 days refused"
like "$ERR" "bad.conf:1: disposal_reminder_days" "config: names file and line"

# ---- dispose start: two people --------------------------------------------

before=$(ledger_state)
as S02 2222 dispose start
is "$RC" 77 "start: without a witness refused"
like "$ERR" "second person" "start: says a second person is needed"
as S02 2222 dispose start --witness S02 --witness-pin-fd 4 4<"$(pin_file S02 2222)"
is "$RC" 77 "start: the same person twice refused"
like "$ERR" "another person" "start: names the two-person rule"
as S02 2222 dispose start --witness S03 --witness-pin-fd 4 4<"$PIN_S03"
is "$RC" 77 "start: a staff witness refused"
like "$ERR" "must be a manager" "start: the witness must be a manager"
as S02 2222 dispose start --witness M01 --witness-pin-fd 4 4<"$BAD_PIN"
is "$RC" 77 "start: the witness's wrong PIN refused"
as S02 9999 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 77 "start: the actor's wrong PIN refused"
as P04 4444 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 77 "start: a part-timer refused"
like "$ERR" "part-time staff may not dispose" "start: names the rule"
is "$(sqlq 'select count(*) from disposal_batch')" 0 "start: refusals opened nothing"

as S02 2222 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 0 "start: staff with a manager witness"
is "$OUT" D1 "start: prints the disposal id"

# ---- scanning into the disposal --------------------------------------------

as P04 4444 scan --session D1 --reader "sim:$(script s1 'card 04D101' \
	'card 04D102' 'card 04D103' 'card 04D101' 'card 04FFFF' \
	'card 04D107')" --json
is "$RC" 0 "scan: exit 0"
is_text "$(printf '%s\n' "$OUT" | events event why mgmt_id due due_since)" \
"accepted - D101 reminder 2026-03-02
alert not_due D102 - -
accepted - D103 moved null
repeat - D101 - -
alert unknown null - -
alert not_due D107 - -" "scan: due cards added, others refused, a repeat is a repeat"
is "$(sqlq "select group_concat(c.mgmt_id) from disposal d join card c on c.id = d.card_id")" \
	"D101,D103" "scan: only the due cards are in the batch"
is "$(sqlq "select status from card where mgmt_id = 'D102'")" stored \
	"scan: the refused card is untouched"
as S02 2222 scan --session D1 --range SAFE1 --reader "sim:$WORK/s1.sim"
is "$RC" 2 "scan: a disposal has no --range"

# ---- dispose close ----------------------------------------------------------

as S02 2222 dispose close D1 --method contractor --witness M01 \
	--witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 2 "close: a contractor needs a certificate"
as S02 2222 dispose close D1 --method contractor --certificate C-1
is "$RC" 77 "close: without a witness refused"
as P04 4444 dispose close D1 --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 77 "close: a part-timer refused"
is "$(sqlq "select count(*) from card where status = 'disposed'")" 0 \
	"close: refusals disposed nothing"
as S02 2222 dispose close D1 --method contractor --certificate C-2026-17 \
	--witness M01 --witness-pin-fd 4 4<"$PIN_M01" --json
is "$RC" 0 "close: with a witness"
is "$OUT" '{"disposal":"D1","closed":true,"cards":2}' "close: two cards disposed"
is "$(sqlq "select group_concat(mgmt_id) from card where status = 'disposed' order by mgmt_id")" \
	"D101,D103" "close: the scanned cards are disposed"
is "$(sqlq "select count(*) from audit where action = 'dispose.card'")" 2 \
	"close: one audit entry per card"
as S02 2222 dispose close D1 --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 65 "close: twice refused"
ct dispose due --json
is "$(printf '%s' "$OUT" | pyjson '",".join(e["mgmt_id"] for e in d)')" \
	"D104,D105,D108" "due: cards not scanned stay due"
as S02 2222 scan --session D1 --reader "sim:$WORK/s1.sim"
is "$RC" 65 "scan: a closed disposal refused"

# ---- dispose list -----------------------------------------------------------

ct dispose list --json
is "$RC" 0 "list: exit 0"
is "$(printf '%s' "$OUT" | pyjson '[[b["disposal"],b["started_by"],b["witness"],b["closed_by"],b["close_witness"],b["method"],b["certificate"],[c["mgmt_id"]+":"+c["why"]+":"+c["scanned_by"] for c in b["cards"]]] for b in d]')" \
	'[["D1","S02","M01","S02","M01","contractor","C-2026-17",["D101:reminder:P04","D103:moved:P04"]]]' \
	"list: batch, who, witness, method, certificate, cards"
ct dispose list
like "$OUT" "^D1 .* by S02, witness M01  contractor certificate C-2026-17  2 cards" \
	"list: text line"

# A shredded batch with no certificate, closed by its bare number.
as S03 3333 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$OUT" D2 "second disposal: D2"
as S03 3333 scan --session D2 --reader "sim:$(script s2 'card 04D104')"
as S03 3333 dispose close 2 --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 0 "second disposal: closed by number, shredded"
is "$(sqlq "select method || ':' || ifnull(certificate, 'null') from disposal_batch order by id")" \
	"$(printf 'contractor:C-2026-17\nshred:null')" "close: method and certificate recorded"

ct dispose list --json
is "$(printf '%s' "$OUT" | pyjson '[b["method"]+":"+str(b["certificate"]) for b in d]')" \
	'["contractor:C-2026-17","shred:None"]' "list: both batches"

# ---- one card, two open disposals -----------------------------------------

as S03 3333 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$OUT" D3 "third disposal: D3"
as S03 3333 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$OUT" D4 "fourth disposal: D4"
as S03 3333 scan --session D3 --json --reader "sim:$(script s3 'card 04D105')"
as S03 3333 scan --session D4 --json --reader "sim:$WORK/s3.sim"
is "$(printf '%s\n' "$OUT" | events event why mgmt_id other_disposal)" \
	"alert in_disposal D105 D3" "scan: a card in another open disposal refused"
is "$(sqlq "select count(*) from disposal where batch_id = 4")" 0 \
	"scan: D4 did not get it"

# ---- a locked account may not witness ---------------------------------------

for i in 1 2 3 4 5; do
	as S02 2222 dispose start --witness M05 --witness-pin-fd 4 4<"$BAD_PIN"
done
as S02 2222 dispose start --witness M05 --witness-pin-fd 4 4<"$WORK/pin.M05"
is "$RC" 77 "start: a locked witness refused, even with the right PIN"
like "$ERR" "locked" "start: says the account is locked"

# ---- a disposed card read in a count -----------------------------------------

as S02 2222 count start --kind partial --ranges SAFE1/T01
is "$RC" 0 "count: started"
SID=$OUT
as S02 2222 scan --session "$SID" --range SAFE1/T01 --json \
	--reader "sim:$(script c1 'card 04D101')"
is "$(printf '%s\n' "$OUT" | events event why mgmt_id status)" \
	"alert not_in_stock D101 disposed" "count: a disposed card is not_in_stock"

# The configured days hold in a count as well: with 89 days D102 is due,
# at the read and in the report; with the default it is not.
CARDTALLY_CONF="$WORK/89.conf" as S02 2222 scan --session "$SID" \
	--range SAFE1/T01 --json --reader "sim:$(script c2 'card 04D102')"
is "$(printf '%s\n' "$OUT" | events event why mgmt_id)" \
	"alert disposal_due D102" "count: configured days used by the scan"
CARDTALLY_CONF="$WORK/89.conf" ct reconcile "$SID" --json
is "$(printf '%s' "$OUT" | pyjson '",".join(c["mgmt_id"] for c in d["disposal_due"])')" \
	D102 "reconcile: configured days used by the report"
ct reconcile "$SID" --json
is "$(printf '%s' "$OUT" | pyjson '",".join(c["mgmt_id"] for c in d["disposal_due"])')" \
	"" "reconcile: by default D102 is not due yet"

# ---- the object form (issue 18) ----------------------------------------------
# --json keeps the bare arrays of the interface; --format json gives the
# same entries inside an object, as every other command's JSON.

ct dispose due --json
due_array=$OUT
ct dispose due --format json
is "$RC" 0 "due --format json: exit 0"
is "$(printf '%s' "$OUT" | pyjson 'json.dumps(d["due"], sort_keys=True)')" \
	"$(printf '%s' "$due_array" | pyjson 'json.dumps(d, sort_keys=True)')" \
	"due --format json: the --json array as its member due"
is "$(printf '%s' "$OUT" | pyjson '",".join(sorted(d))')" due \
	"due --format json: an object with due alone"
ct dispose list --json
list_array=$OUT
ct dispose list --format json
is "$RC" 0 "list --format json: exit 0"
is "$(printf '%s' "$OUT" | pyjson 'json.dumps(d["batches"], sort_keys=True)')" \
	"$(printf '%s' "$list_array" | pyjson 'json.dumps(d, sort_keys=True)')" \
	"list --format json: the --json array as its member batches"
ct dispose list --format json --json
is "$RC" 2 "list: --format json and --json exclude each other"
ct dispose due --format csv
is "$RC" 2 "due: --format csv refused"

# ---- the audit chain ---------------------------------------------------------

ct audit verify
is "$RC" 0 "audit verify: intact after disposals"


done_testing
