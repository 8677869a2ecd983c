#!/usr/bin/env bash
# End-to-end tests of receiving (受領・検品, R1, issue 11): a stock list
# without serials imported as cards awaiting enrolment; `receive --tray`
# binding chips in list order through the simulated reader, with a repeat,
# the tray count checked at the end; `receive --card` from the delivery
# slip; each live refusal (card bound, chip bound to another card, a chip
# more than the list, a typed number, a typed My Number, a part-timer);
# --json; the receipts in the audit chain, and `audit verify` finding a
# receipt, a read's profile and a disposal's profile changed behind
# cardtally's back.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
# The simulated reader stands for a chip reader read by this profile.
printf 'profile = apdu:seizo\n' >"$WORK/cardtally.conf"
export CARDTALLY_CONF="$WORK/cardtally.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' 'mgmt_id,location,received' 'A1,SAFE1/T01,2026-02-01' \
	'A2,SAFE1/T01,2026-02-01' 'A3,SAFE1/T01,2026-02-01' \
	'B1,SAFE1/T02,2026-02-01' 'B2,SAFE1/T02,2026-02-01' \
	>"$WORK/stock.csv"
printf '%s\n' 'mgmt_id,serial,location,received,status' \
	'K1,04CC01,SAFE1/T03,2026-02-01,stored' \
	'D1,04DD01,SAFE1/T03,2026-02-01,moved' >"$WORK/known.csv"
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "a list without a serial column imports"
as S02 2222 import "$WORK/known.csv"
is "$RC" 0 "a list with serials imports beside it"
is "$(sqlq "select group_concat(mgmt_id, ' ') from card where serial is null
	order by id")" "A1 A2 A3 B1 B2" "the cards without serials await enrolment"

# ---- by tray, in list order -------------------------------------------------

printf '%s\n' 'card 04A001' remove 'card 04A002' remove 'card 04A002' \
	remove end >"$WORK/t01a.sim"
as S02 2222 receive --tray SAFE1/T01 --reader "sim:$WORK/t01a.sim"
is "$RC" 65 "a tray left short: exit 65"
is_text "$OUT" "bound A1 04A001 (1/3)
bound A2 04A002 (2/3)
repeat A2 04A002 (bound already)" "each binding in list order, the repeat said"
like "$ERR" "SAFE1/T01: the list has 3 cards awaiting enrolment and 2 were bound: A3 and the cards after it were not received" \
	"the tray count against the list, naming the first card not received"
is "$(sqlq "select mgmt_id || '=' || coalesce(serial, '') from card where mgmt_id in
	('A1','A2','A3') order by id")" "A1=04A001
A2=04A002
A3=" "the bindings made stay; A3 still awaits" # serial NULL

printf '%s\n' 'card 04a003' remove 'card 04A0FF' end >"$WORK/t01b.sim"
as S02 2222 receive --tray SAFE1/T01 --reader "sim:$WORK/t01b.sim" --json
is "$RC" 65 "a card more than the list: exit 65"
is "$(pyjson '[d["event"], d["mgmt_id"], d["serial"], d["listed"],
	d["bound"]]' <<<"$(sed -n 1p <<<"$OUT")")" \
	'["bound","A3","04A003",1,1]' "--json: the binding, normalised"
is "$(pyjson '[d["event"], d["serial"], d["message"]]' \
	<<<"$(sed -n 2p <<<"$OUT")")" \
	'["refused","04A0FF","chip 04A0FF is one card more than the list has for SAFE1/T01: set the card aside (nothing bound)"]' \
	"--json: the extra card refused, nothing bound"
is "$(pyjson 'd["event"]' <<<"$(sed -n 3p <<<"$OUT")")" end "--json: the end"
is "$(sqlq "select count(*) from card where serial = '04A0FF'")" 0 \
	"the extra chip is bound to nothing"

as S02 2222 receive --tray SAFE1/T01 --reader "sim:$WORK/t01b.sim"
is "$RC" 65 "a tray with nothing left: exit 65"
like "$ERR" "no card in SAFE1/T01 awaits enrolment" "says so"
as S02 2222 receive --tray SAFE9 --reader "sim:$WORK/t01b.sim"
is "$RC" 65 "an unknown tray: exit 65"
like "$ERR" "SAFE9 is not a known location" "named"

# ---- live refusals -----------------------------------------------------------

printf '%s\n' 'card 04A001' end >"$WORK/taken.sim"
as S02 2222 receive --tray SAFE1/T02 --reader "sim:$WORK/taken.sim"
is "$RC" 65 "a chip bound to another card: exit 65"
like "$ERR" "chip 04A001 is bound to card A1 already: not bound to B1" \
	"names the chip, its card and the card it was not bound to"
as S02 2222 receive --card K1 --reader "sim:$WORK/taken.sim"
is "$RC" 65 "a card bound already: exit 65"
like "$ERR" "card K1 is bound to chip 04CC01 already" "names card and chip"
printf '%s\n' 'card 04B1FF' end >"$WORK/fresh.sim"
as S02 2222 receive --card B1 --tray SAFE1/T01 --reader "sim:$WORK/fresh.sim"
is "$RC" 65 "a card outside the tray given: exit 65"
like "$ERR" "card B1 belongs in SAFE1/T02, not in SAFE1/T01" "names both"
as S02 2222 receive --card 123456789018 --reader "sim:$WORK/taken.sim"
is "$RC" 65 "a typed My Number: exit 65"
like "$ERR" "individual number \\(My Number\\), which is never taken" \
	"refused as a My Number"
ok "$(grep -q 123456789018 <<<"$OUT$ERR"; [ $? -ne 0 ]; echo $?)" \
	"the My Number is not repeated"
printf '04B101\n' >"$WORK/typed.txt"
as S02 2222 receive --card B1 --reader kbd:"$WORK/typed.txt"
is "$RC" 65 "a number typed by a barcode scanner: exit 65"
like "$ERR" "a typed or printed number is no chip identity" "refused as such"
as P04 4444 receive --card B1 --reader "sim:$WORK/taken.sim"
is "$RC" 77 "a part-timer may not receive: exit 77"
like "$ERR" "part-time staff may not receive cards" "names the rule"
is "$(sqlq "select count(*) from card where mgmt_id in ('B1','B2') and
	serial is not null")" 0 "no refusal bound anything"

# ---- by the delivery slip ----------------------------------------------------

printf '%s\n' 'card 04B102' end >"$WORK/b2.sim"
as M01 1111 receive --card B2 --reader "sim:$WORK/b2.sim"
is "$RC" 0 "by card: exit 0"
is "$OUT" "bound B2 04B102 (1/1)" "by card: the binding"
is "$(sqlq "select r.serial || '|' || r.profile || '|' || r.profile_version
	|| '|' || coalesce(t.path, '-') || '|' || s.code
	from receipt r join card c on c.id = r.card_id
	join staff s on s.id = r.staff_id
	left join location t on t.id = r.tray_id where c.mgmt_id = 'B2'")" \
	"04B102|apdu:seizo|1|-|M01" "the receipt: serial, profile, no tray, who"
is "$(sqlq "select subject || '|' || detail from audit where action = 'receive'
	order by id")" "card A1|receipt=1 serial=04A001 profile=apdu:seizo/1 tray=SAFE1/T01
card A2|receipt=2 serial=04A002 profile=apdu:seizo/1 tray=SAFE1/T01
card A3|receipt=3 serial=04A003 profile=apdu:seizo/1 tray=SAFE1/T01
card B2|receipt=4 serial=04B102 profile=apdu:seizo/1 tray=-" \
	"each binding is an audit entry repeating its receipt"

# ---- the chain vouches for receipts and profiles -----------------------------

# A count read of A1 (its profile recorded) and a disposal read of D1.
as S02 2222 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
sid=$OUT
printf '%s\n' 'card 04A001' end >"$WORK/count.sim"
as S02 2222 scan --session "$sid" --range SAFE1/T01 \
	--reader "sim:$WORK/count.sim"
is "$RC" 0 "prepared: a read in a count"
with_witness S02 2222 M01 1111 dispose start
did=$OUT
printf '%s\n' 'card 04DD01' end >"$WORK/dispose.sim"
as S02 2222 scan --session "$did" --reader "sim:$WORK/dispose.sim"
is "$RC" 0 "prepared: a read into a disposal"
is "$(sqlq "select profile || '/' || profile_version from disposal")" \
	"apdu:seizo/1" "the disposal records the profile of the card read"
ct audit verify
is "$RC" 0 "receipts, reads and disposals keep the chain intact"
cp "$CARDTALLY_DB" "$WORK/base.db"
sqlite3 "$WORK/base.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null 2>&1
fresh() {
	rm -f "$CARDTALLY_DB" "$CARDTALLY_DB-wal" "$CARDTALLY_DB-shm"
	sqlite3 "$WORK/base.db" ".backup '$CARDTALLY_DB'"
}
broken() { # broken NAME TABLE PROBLEM SQL
	fresh
	sqlite3 "$CARDTALLY_DB" "$4"
	ct audit verify --json
	is "$RC" 1 "$1: verify exits 1"
	is "$(pyjson '[d["broken"]["table"], d["broken"]["problem"]]' \
		<<<"$OUT")" "[\"$2\",\"$3\"]" "$1: names $2 ($3)"
}
broken "a receipt's serial changed" receipt record_changed \
	"UPDATE receipt SET serial = '04FFFF' WHERE id = 2"
broken "a receipt's profile changed" receipt record_changed \
	"UPDATE receipt SET profile = 'uid' WHERE id = 1"
broken "a receipt deleted" receipt record_missing \
	"DELETE FROM receipt WHERE id = 3"
broken "a receipt added" receipt record_not_logged \
	"INSERT INTO receipt (card_id, serial, at, staff_id)
	 SELECT id, '04B101', 0, 1 FROM card WHERE mgmt_id = 'B1'"
broken "a read's profile changed" scan record_changed \
	"UPDATE scan SET profile = 'apdu:jpki-auth'"
broken "a read's profile version changed" scan record_changed \
	"UPDATE scan SET profile_version = 2"
broken "a read's profile taken away" scan record_changed \
	"UPDATE scan SET profile = NULL, profile_version = NULL"
broken "a disposal read's profile changed" disposal record_changed \
	"UPDATE disposal SET profile = 'uid'"
rm -f "$WORK/base.db"
done_testing
