#!/usr/bin/env bash
# The safe's screen a clerk runs alone (issue 18: "no key log, key holders
# or handover in the TUI; it does not say who closed it; logging out with
# the safe open gives no warning"): who opened and closed it last and when,
# the key log (newest first, scrolling), the key holders in order, and a
# logout while the safe is recorded open warned once.  Driven for real in
# tmux at 80x24, in English and in Japanese.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
as M01 1111 key holder add S03 --order 1
is "$RC" 0 "S03 is the primary key holder"
as M01 1111 key holder add S02 --order 2
is "$RC" 0 "S02 the deputy"
# Twelve openings, 24 lines of log: more than a screen.
for i in $(seq 1 12); do
	ct key open --purpose "朝の貸出 $i" --as S02 --pin-fd 3 --witness M01 \
		--witness-pin-fd 4 3<<<2222 4<<<1111
	[ "$RC" = 0 ] || diag "open $i: $ERR"
	CARDTALLY_NOW=$((CARDTALLY_NOW + 600)) as M01 1111 key close
	[ "$RC" = 0 ] || diag "close $i: $ERR"
done
is "$(sqlq "select count(*) from key_opening where closed_at is not null")" 12 \
	"twelve openings, all closed"

. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/ja_words.sh"

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
# "Checking PIN..." while the PIN is checked (issue 18): another process
# holds the ledger's write lock for a while, so the check waits and the
# screen must say why it does not answer yet.
( echo "BEGIN IMMEDIATE;"; sleep 3; echo "COMMIT;" ) |
	sqlite3 "$CARDTALLY_DB" &
LOCKER=$!
sleep 0.5
login en S02 2222
see en "Checking PIN..." "the login says it is checking the PIN"
see en "6  Safe key" "S02's menu"
goes en "Checking PIN..." "and the message goes once it is done"
wait "$LOCKER"
keys en 6
see en "Safe: closed" "the safe is closed"
see en "Last closed 2026-03-02 10:10 by M01, open 10 min" \
	"who closed it last, when, and how long it was open"
see en "opened 2026-03-02 10:00 by S02, approved by M01: 朝の貸出 12" \
	"who opened it, who approved, why"
see en "k key log   h key holders" "the key log and the key holders offered"
narrow en "the safe screen"
# A purpose is free text: on a narrow screen it is wrapped, not cut.
tm resize-window -t en -x 44 -y 24
see en "朝の貸出 12" "at 44 columns: the purpose is on the screen whole"
screen en | grep -q "approved by M01.*~\$"
ok $((!$?)) "at 44 columns: its line is not cut"
tm resize-window -t en -x 80 -y 24
see en "opened 2026-03-02 10:00 by S02, approved by M01: 朝の貸出 12" \
	"back at 80 columns: on one line"
keys en k
see en "Key log: every opening, newest first" "k: the key log"
see en "by S02  approved by M01  closed by M01" "an opening, its people"
see en "Purpose: 朝の貸出 12" "the newest first"
gone en "Purpose: 朝の貸出 1$" "the oldest not on the first page"
see en "(lines 1-" "it says there is more below"
narrow en "the key log"
keys en End
see en "Purpose: 朝の貸出 1" "End: the oldest opening"
screen en | grep -qF "朝の貸出 12"
ok $((!$?)) "the newest scrolled off"
keys en Home
see en "朝の貸出 12" "Home: back to the newest"
keys en q
see en "Safe: closed" "q: back to the safe"
keys en h
see en "Key holders, in order" "h: the key holders"
see en "1  primary  S03  Person S03" "the primary"
see en "2  deputy  S02  Person S02" "the deputy"
keys en q
# Open it on the screen, then log out with it open.
keys en o M01 Enter 1111 Enter
keys en -l "午後の貸出"
keys en Enter
see en "Safe opened by S02, approved by M01" "S02 opens the safe"
see en "g hand the key over" "an open safe offers the handover"
# Handing the key over (issue 18): the receiver chosen from a list, their
# PIN confirms it.
keys en g
see en "Hand the key from S02 to:" "g: whom to hand the key to"
see en "M01" "a manager is offered"
see en "S03" "a colleague is offered"
screen en | grep -qE '^ +[0-9]+  (P04|S02) '
ok $((!$?)) "neither the part-timer nor the holder is offered"
narrow en "the handover list"
S03N=$(screen en | sed -n 's/^ *\([0-9]\)  S03 .*/\1/p' | head -1)
keys en "$S03N"
see en "S03, the receiver, types their PIN" "S03 is asked for their PIN"
keys en 9 9 9 9 Enter
see en "Unknown staff code or wrong PIN for S03" "a wrong PIN is refused"
is "$(sqlq "select count(*) from key_handover")" 0 "nothing recorded"
keys en 3 3 3 3 Enter
see en "The key passed from S02 to S03" "the key passed to S03"
see en "Key now held by S03" "the safe says who holds the key now"
is "$(sqlq "select count(*) from key_handover h join staff a on a.id = h.from_id
	join staff b on b.id = h.to_id where a.code = 'S02' and b.code = 'S03'")" 1 \
	"the ledger: one handover from S02 to S03"
keys en g
see en "Only S03, who holds the key, may hand it over" \
	"S02 no longer holds it: refused before the list"
keys en k
see en "key handed from S02 to S03" "the key log shows the handover"
narrow en "the key log with a handover"
keys en q
see en "Key now held by S03" "q: back to the safe"
keys en q
see en "Main menu" "back to the menu"
goes en "Only S03, who holds the key" \
	"a message belongs to the screen that showed it"
see en "Main menu" "back to the menu"
keys en F10
see en "The safe is recorded open (since 2026-03-02 10:00, by S02)" \
	"logging out with the safe open warns"
see en "S02 Person S02" "and S02 is still logged in"
keys en F10
see en "Logged out" "a second F10 logs out"
is "$(sqlq "select count(*) from key_opening where closed_at is null")" 1 \
	"the safe stays recorded open"
login en S03 3333
see en "Main menu" "S03 logs in"
keys en q
see en "The safe is recorded open" "q from the menu warns too"
keys en 6 c
see en "Safe closed by S03" "S03 closes the safe"
keys en q q
see en "Logged out" "with the safe closed, q logs out at once"
# A manager removes a key holder, asked first; the others keep their order.
login en M01 1111
see en "Main menu" "M01 logs in"
K=$(wait_for en "  Key holders" >/dev/null;
	screen en | sed -n 's/^ *\([0-9a-z]\)  Key holders.*/\1/p' | head -1)
keys en "$K"
see en "1  primary  S03" "the key holders"
see en "d remove the one highlighted" "removing is offered"
keys en d
see en "Remove S03 (primary) from the key holders? The others keep their order." \
	"it asks first"
narrow en "the question"
keys en n
goes en "Remove S03" "n: nothing removed"
is "$(sqlq "select count(*) from key_holder")" 2 "both still key holders"
keys en d y
see en "S03 is no longer key holder 1" "y: removed"
see en "2  deputy  S02" "the deputy keeps order 2"
is "$(sqlq "select s.code || ' ' || k.ord from key_holder k
	join staff s on s.id = k.staff_id")" "S02 2" "the ledger: S02 still 2"
keys en q F10
see en "Logged out" "M01 logs out"

tui ja LANG=C.UTF-8 -- --lang ja
wait_for ja "F2" >/dev/null
# A staff code typed in lower case finds its person (issue 18).
login ja s02 2222
see ja "メインメニュー" "S02 in Japanese, the code typed as s02"
see ja "S02 Person S02" "logged in as S02"
keys ja 6
see ja "S03" "the safe screen in Japanese"
no_english ja "no English on the Japanese safe screen" Person
narrow ja "the Japanese safe screen fits"
keys ja k
see ja "朝の貸出 12" "the Japanese key log"
no_english ja "no English in the Japanese key log" Person
narrow ja "the Japanese key log fits"
keys ja q h
see ja "Person S02" "the Japanese key holders"
no_english ja "no English in the Japanese key holders" Person
keys ja q o M01 Enter 1111 Enter
keys ja -l "夕方の貸出"
keys ja Enter
keys ja g
wait_for ja "M01" >/dev/null
no_english ja "no English in the Japanese handover list" "Person\\|Manager"
narrow ja "the Japanese handover list fits"
S03N=$(screen ja | sed -n 's/^ *\([0-9]\)  S03 .*/\1/p' | head -1)
keys ja "$S03N"
keys ja 3 3 3 3 Enter
see ja "鍵を S02 から S03 に引き継ぎました" "the Japanese handover"
is "$(sqlq "select count(*) from key_handover")" 2 "the second handover recorded"
no_english ja "no English after the Japanese handover" Person
narrow ja "the Japanese safe screen with a handover fits"
keys ja k
no_english ja "no English in the Japanese key log with handovers" Person
keys ja q c q F10

done_testing
