#!/usr/bin/env bash
# The TUI's receiving screen (受領・検品, R1, issue 11) driven in tmux at
# 80x24 with the simulated reader: a tray chosen from the list of trays
# awaiting enrolment (scrolled to its end), its cards bound in list order
# with n / N, a repeat said as such, a typed My Number refused and never
# shown, the tray check when the tray is done; a chip of another card
# refused with its rule and the tray left early, the check naming the first
# card not received, in English and in Japanese (no English word on the
# Japanese screen); a card received by its delivery slip; a part-timer
# not offered the screen, and refused in Japanese when made part-time while
# logged in.  What the screen shows as bound is checked in the ledger
# (card serials, receipts, audit entries).
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
printf 'あ\n' | LC_ALL=C.UTF-8 grep -qP '[\x{3040}-\x{30ff}]' 2>/dev/null ||
	{ echo "1..0 # SKIP grep -P (PCRE) with C.UTF-8 is needed to find kana"; exit 0; }

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
# The simulated reader stands for a chip reader read by this profile.
printf 'profile = apdu:seizo\n' >"$WORK/cardtally.conf"
export CARDTALLY_CONF="$WORK/cardtally.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
as M01 1111 staff add M05 --name "Deputy" --role manager --new-pin-fd 4 \
	4<<<5555
is "$RC" 0 "a second manager, M05 (a witness of a change of role)"
{
	echo 'mgmt_id,location,received'
	echo 'A1,SAFE1/T01,2026-02-01'
	echo 'A2,SAFE1/T01,2026-02-01'
	echo 'A3,SAFE1/T01,2026-02-01'
	echo 'B1,SAFE1/T02,2026-02-01'
	echo 'B2,SAFE1/T02,2026-02-01'
	# More trays than the screen has rows: the list scrolls.
	for i in $(seq -w 1 25); do echo "C$i,SAFE2/T$i,2026-02-01"; done
} >"$WORK/stock.csv"
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "a stock list without serials imported"

. "$(dirname "$0")/tmux.sh"

# menu_key SESSION: the menu key of "Receive cards" (or 受領), "" if absent.
menu_key() {
	screen "$1" | sed -n 's/^ *\([1-9a-z]\)  \(Receive cards\|カード受領\)$/\1/p' |
		head -n 1
}

# ja_words SESSION: the English words on the Japanese screen between the
# header and the key help (rows 2-23): a run of ASCII letters of two or
# more in a token without a digit, besides key names, ID/PIN, the symbol
# [OK] and the fixture's staff names ("Person S02": data, not a string of
# the program).  Card numbers, IDs, trays (tokens with a digit) are
# allowed.
ja_words() {
	local rest tok w words=""
	rest=$(screen "$1" | sed -n '2,23p' | tr '\n' ' ')
	while [[ $rest =~ [A-Za-z0-9_./-]+ ]]; do
		tok=${BASH_REMATCH[0]}
		rest=${rest#*"$tok"}
		[[ $tok == *[0-9]* ]] && continue
		for w in ${tok//[^A-Za-z]/ }; do
			[ "${#w}" -gt 1 ] || continue
			case " Enter Esc Tab PgUp PgDn Up Down ID PIN OK Person " in
			*" $w "*) continue ;;
			esac
			words="$words $w"
		done
	done
	printf '%s' "$words"
}
# no_english SESSION NAME: one test that ja_words finds nothing.
no_english() {
	local w
	w=$(ja_words "$1")
	is "$w" "" "$2"
	[ -z "$w" ] || screen "$1" | sed 's/^/#   | /'
}

# ---- English: a tray received completely -------------------------------------

cat >"$WORK/t01.sim" <<'EOF'
wait 800
card 04A001
remove
card 04A002
remove
card 04A002
remove
card 04A003
remove
wait 600000
EOF
tui en LANG=C.UTF-8 -- --reader "sim:$WORK/t01.sim"
see en "Staff code" "login screen"
login en S02 2222
see en "Main menu" "S02 logs in"
see en "Receive cards" "staff are offered receiving"
k=$(menu_key en)
keys en "$k"
see en "Trays with cards awaiting enrolment" "the trays awaiting enrolment"
see en "SAFE1/T01" "SAFE1/T01, first in list order"
like "$(screen en | grep -F 'SAFE1/T01')" 'SAFE1/T01 +3$' \
	"with its count of cards awaiting"
like "$(screen en | grep -F 'SAFE1/T02')" 'SAFE1/T02 +2$' "SAFE1/T02 with 2"
gone en "SAFE2/T25" "the last tray is beyond the screen"
keys en End
see en "SAFE2/T25" "End scrolls to the last tray"
gone en "SAFE1/T01" "and the first leaves the screen"
narrow en "the scrolled tray list"
keys en Home
see en ">  SAFE1/T01" "Home goes back to the first tray"
keys en Enter
see en "Receiving tray  SAFE1/T01" "the tray is received"
see en "[OK] A1  04A001  SAFE1/T01  1 / 3" "the first chip bound to A1, 1 / 3"
see en "[OK] A3  04A003  SAFE1/T01  3 / 3" "the third chip to A3, 3 / 3"
see en "[=] A2  04A002  read again: bound already, not a second card" \
	"the chip laid down again is a repeat"
see en "Bound: 3 / 3" "3 of 3 bound"
see en "Every card of the list is bound" "and the list is done"
is "$(sqlq "select group_concat(mgmt_id || '=' || serial, ' ') from card
	where mgmt_id in ('A1','A2','A3') order by id")" \
	"A1=04A001 A2=04A002 A3=04A003" "the ledger binds the chips in list order"
# A barcode scanner reading the QR code on the back of the card.
keys en -l 123456789018
gone en "123456789018" "what is typed is not shown"
keys en Enter
see en "[!!] Refused: That is an individual number (My Number), which is" \
	"a typed My Number is refused"
gone en "123456789018" "and never repeated"
narrow en "the receiving screen"
keys en q
see en "Tray check  SAFE1/T01" "q ends the tray with its check"
see en "[OK] 3 of 3 cards received: the count matches the list" \
	"the count matches"
is "$(sqlq "select group_concat(c.mgmt_id || ' ' || r.serial || ' ' ||
	r.profile || ' ' || t.path || ' ' || s.code, ',') from receipt r
	join card c on c.id = r.card_id join staff s on s.id = r.staff_id
	join location t on t.id = r.tray_id order by r.id")" \
	"A1 04A001 apdu:seizo SAFE1/T01 S02,A2 04A002 apdu:seizo SAFE1/T01 S02,A3 04A003 apdu:seizo SAFE1/T01 S02" \
	"a receipt per card: serial, profile, tray, who"
is "$(sqlq "select count(*) from audit where action = 'receive'")" 3 \
	"each receipt audited"

# ---- English: a refusal, the tray left early ---------------------------------

keys en Enter
see en "Trays with cards awaiting enrolment" "back to the trays"
wait_for en "SAFE1/T01" 1 >/dev/null
ok $((!$?)) "SAFE1/T01 is no longer offered"
see en ">  SAFE1/T02" "SAFE1/T02 is first now"
# The reader's script again: A1's chip laid on SAFE1/T02's first card.
keys en Enter
see en "Next card: B1" "B1 is next"
see en "[!!] Refused: Chip 04A001 is bound to card A1 already: not bound to B1" \
	"a chip of another card is refused, with both named"
see en "Refused: 4" "each chip of the script is refused"
is "$(sqlq "select count(*) from card where mgmt_id in ('B1','B2') and
	serial is not null")" 0 "nothing bound to B1 or B2"
keys en q
see en "[!!] SAFE1/T02: the list has 2 cards awaiting enrolment and 0 were" \
	"leaving early: the count does not match"
see en "were bound: B1" "naming the first card not received"
keys en Enter q
see en "Main menu" "back to the menu"
keys en F10
see en "Staff code" "logged out"

# ---- a part-timer ---------------------------------------------------------------

login en P04 4444
see en "Main menu" "P04 logs in"
is "$(menu_key en)" "" "a part-timer is not offered receiving"
keys en F10
see en "Staff code" "logged out"
tm kill-session -t en

# ---- by delivery slip --------------------------------------------------------------

printf '%s\n' 'wait 300' 'card 04C501' remove 'wait 600000' >"$WORK/slip.sim"
tui sl LANG=C.UTF-8 -- --reader "sim:$WORK/slip.sim"
see sl "Staff code" "login screen"
login sl M01 1111
see sl "Receive cards" "managers are offered receiving"
keys sl "$(menu_key sl)"
see sl "Trays with cards awaiting enrolment" "the trays"
keys sl c
see sl "Slip's management ID" "by slip: the slip's ID is asked"
typed sl 123456789018
see sl "That is an individual number (My Number), which is never taken" \
	"a My Number for the slip is refused"
gone sl "123456789018" "and not repeated, nor left in the field"
typed sl C05
see sl "[OK] C05  04C501  SAFE2/T05  bound" "the card on the slip is bound"
is "$(sqlq "select serial from card where mgmt_id = 'C05'")" 04C501 \
	"C05 has its chip in the ledger"
is "$(sqlq "select r.serial || ' ' || coalesce(r.tray_id, '-') || ' ' ||
	s.code from receipt r join card c on c.id = r.card_id join staff s on
	s.id = r.staff_id where c.mgmt_id = 'C05'")" "04C501 - M01" \
	"its receipt: no tray, M01"
see sl "Slip's management ID" "ready for the next slip"
keys sl F10
see sl "Staff code" "logged out"
tm kill-session -t sl

# ---- Japanese ------------------------------------------------------------------

cat >"$WORK/t02.sim" <<'EOF'
wait 800
card 04B001
remove
card 04A001
remove
wait 600000
EOF
tui ja LANG=C.UTF-8 -- --lang ja --reader "sim:$WORK/t02.sim"
see ja "職員コード" "--lang ja gives Japanese"
login ja S02 2222
see ja "カード受領" "receiving in the Japanese menu"
keys ja "$(menu_key ja)"
see ja "SAFE1/T02" "the trays in Japanese"
no_english ja "no English word on the Japanese tray list"
keys ja Enter
see ja "[OK] B1  04B001  SAFE1/T02  1 / 2" "B1 bound, 1 / 2"
see ja "チップ 04A001 はすでにカード A1 に登録されています" \
	"the refusal in Japanese"
no_english ja "no English word on the Japanese receiving screen"
narrow ja "the Japanese receiving screen"
keys ja q
see ja "登録は 1 枚です。B2" "the tray check names B2, in Japanese"
no_english ja "no English word on the Japanese tray check"
narrow ja "the Japanese tray check"
is "$(sqlq "select serial from card where mgmt_id = 'B1'")" 04B001 \
	"B1 bound in the ledger"
is "$(sqlq "select coalesce(serial, '-') from card where mgmt_id = 'B2'")" - \
	"B2 still awaits"
keys ja Enter q
see ja "メインメニュー" "back to the menu"
keys ja F10
see ja "職員コード" "logged out"

# S03 logs in as staff; a manager makes S03 part-time meanwhile: opening the
# screen reads the person again and refuses, in Japanese.
login ja S03 3333
see ja "カード受領" "S03 is offered receiving"
k=$(menu_key ja)
as M01 1111 staff role S03 --role parttime --witness M05 \
	--witness-pin-fd 5 5<<<5555
is "$RC" 0 "S03 made part-time"
keys ja "$k"
see ja "非常勤職員はカードを受領できません" \
	"the refusal of a part-timer, in Japanese"
no_english ja "no English word with the refusal"
keys ja F10
see ja "職員コード" "logged out"
tm kill-session -t ja

as M01 1111 audit verify
is "$RC" 0 "the audit chain is intact after all of it"

done_testing
