#!/usr/bin/env bash
# The binding steps of the screens ask first (issue 18: "a stray Enter on
# the tally screen starts today's tally with no confirmation; declaring a
# card lost commits with no confirmation"): starting today's tally,
# declaring a card lost and closing a count each show what will happen and
# wait for y or Enter; n or Esc takes nothing, and nothing is in the ledger
# while the screen asks.  Who may not take the step is told at once, not
# after a yes.  Leaving a tray with cards not read names them, in Japanese
# too.  Driven for real in tmux at 80x24, in English and in Japanese.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
as M01 1111 staff add M05 --name "Deputy" --role manager --new-pin-fd 4 \
	4<<<5555
is "$RC" 0 "a second manager, M05, to witness"
cat >"$WORK/stock.csv" <<'EOF_CSV'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A102,04A102,SAFE1/T01,2025-06-01,,
A201,04A201,SAFE1/T02,2025-06-01,,
A301,04A301,SAFE1/T03,2025-06-01,,
A302,04A302,SAFE1/T03,2025-06-01,,
A401,04A401,SAFE1/T04,2025-06-01,,
A501,04A501,SAFE1/T05,2025-06-01,,
EOF_CSV
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
n=0
for r in T01 T02 T03; do
	n=$((n + 1))
	as M01 1111 count start --kind partial --ranges SAFE1/$r \
		--assign SAFE1/$r=S02
	is "$OUT" "$n" "count $n over SAFE1/$r, S02's"
done
# Count 1: A101 never read (a discrepancy); count 2: all read.
printf 'card 04A102\nremove\n' >"$WORK/t01.sim"
as S02 2222 scan --session 1 --range SAFE1/T01 --reader "sim:$WORK/t01.sim"
is "$RC" 0 "A102 read in count 1"
printf 'card 04A201\nremove\n' >"$WORK/t02.sim"
as S02 2222 scan --session 2 --range SAFE1/T02 --reader "sim:$WORK/t02.sim"
is "$RC" 0 "A201 read in count 2"
# Count 4: SAFE1/T04's A402 read, nothing missing (closed in Japanese).
as M01 1111 count start --kind partial --ranges SAFE1/T05 \
	--assign SAFE1/T05=S02
is "$OUT" 4 "count 4 over SAFE1/T05, S02's"
printf 'card 04A501\nremove\n' >"$WORK/t05.sim"
as S02 2222 scan --session 4 --range SAFE1/T05 --reader "sim:$WORK/t05.sim"
is "$RC" 0 "A501 read in count 4"
as S02 2222 checkout A401
is "$RC" 0 "A401 checked out for today"

. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/ja_words.sh"

tallies() { sqlq "select count(*) from session where kind = 'tally'"; }

# ---- starting today's tally -----------------------------------------------

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en P04 4444
see en "Main menu" "P04 logs in"
keys en 4
see en "No tally is open" "P04 on the tally screen"
keys en s
see en "Part-time staff may not open a tally (P04 is parttime)" \
	"a part-timer is refused at once"
gone en "Start today's tally now?" "and is asked nothing"
keys en q F10
see en "Logged out" "P04 logs out"

login en S02 2222
see en "Main menu" "S02 logs in"
keys en 5
see en "No tally is open" "S02 on the tally screen"
keys en Enter
gone en "Start today's tally now?" "a stray Enter asks nothing"
is "$(tallies)" 0 "and starts nothing"
keys en s
see en "Start today's tally now? Everything checked out now is expected back" \
	"s asks first, saying what it does"
see en "y or Enter: yes, go ahead    n or Esc: no" "with the answer keys"
keys en 0 4 A
is "$(tallies)" 0 "keys that are no answer start nothing"
keys en n
see en "s  start today's tally" "n: not started, back to the offer"
is "$(tallies)" 0 "no tally after n"
keys en s
see en "Start today's tally now?" "asked again"
keys en Escape
see en "s  start today's tally" "Esc: not started"
is "$(tallies)" 0 "no tally after Esc"
keys en s y
see en "Tally 5 started: 1 expected back" "y starts it"
is "$(tallies)" 1 "one tally in the ledger"
narrow en "the tally screen"
keys en q F10
see en "Logged out" "S02 logs out"

# ---- declaring a card lost, closing a count ---------------------------------

login en M01 1111
see en "Main menu" "M01 logs in"
keys en 8
see en "Choose an open count" "the count overview"
keys en 1
see en "[missing  ] A101" "A101 missing in count 1"
keys en Tab r
see en "3  lost (an incident)" "lost is offered"
keys en 3
typed en "not found, police told"
see en "Declare A101 lost? An incident: the card is recorded lost" \
	"declaring lost asks first"
is "$(sqlq "select count(*) from resolution")" 0 "nothing resolved while asking"
narrow en "the question"
keys en n
see en "Note (Enter records the resolution)" "n: back to the note"
see en "not found, police told" "the note kept"
is "$(sqlq "select count(*) from resolution")" 0 "nothing resolved after n"
keys en Enter
see en "Declare A101 lost?" "Enter on the note asks again"
keys en y
see en "A101 resolved: lost" "y declares it lost"
is "$(sqlq "select reason from resolution where session_id = 1")" lost \
	"the resolution is in the ledger"
keys en c
see en "Close count 1? Its results are recorded and it takes no more reads" \
	"closing asks first"
keys en Escape
goes en "Close count 1?" "Esc: not closed"
is "$(sqlq "select closed_at is null from session where id = 1")" 1 \
	"count 1 still open"
keys en c y
see en "a manager witnesses the close" "y: on to the witness"
keys en M05 Enter 5555 Enter
see en "Count 1 closed, witnessed by M05" "closed with its witness"
keys en 1
see en "Count 2 (partial)" "count 2, nothing missing"
keys en c
see en "Close count 2?" "asked"
keys en Enter
see en "Count 2 closed" "Enter closes a count without discrepancies"
is "$(sqlq "select count(*) from session where id in (1, 2) and closed_at is not null")" \
	2 "counts 1 and 2 closed"
keys en q F10
see en "Logged out" "M01 logs out"

# ---- Japanese: the questions, and leaving a tray with cards not read ----------

as S02 2222 tally close 5 --note "A401 kept overnight" --witness M05 \
	--witness-pin-fd 4 4<<<5555
is "$RC" 0 "tally 5 closed from the command line, witnessed"
tui ja LANG=C.UTF-8 -- --lang ja
wait_for ja "F2" >/dev/null
login ja M01 1111
see ja "メインメニュー" "M01 in Japanese"
keys ja 5
see ja "実施中の照合はありません" "no tally open"
keys ja s
see ja "今日の終業時の照合を始めますか" "the tally question in Japanese"
no_english ja "no English in the tally question" Manager
keys ja n
is "$(tallies)" 1 "n in Japanese starts nothing"
keys ja q
see ja "メインメニュー" "back to the menu"
keys ja 8
see ja "3" "the count overview"
keys ja 2
see ja "SAFE1/T05" "count 4"
keys ja c
see ja "棚卸し 4 を締めますか" "closing count 4 asks in Japanese"
is "$(screen ja | awk '/^  \? /{print; getline; print}' | english_words)" "" \
	"no English in the close question"
keys ja n
goes ja "棚卸し 4 を締めますか" "n in Japanese: not closed"
is "$(sqlq "select closed_at is null from session where id = 4")" 1 \
	"count 4 still open"
keys ja q q F10
see ja "職員コード" "M01 logs out"
login ja S02 2222
see ja "メインメニュー" "S02 in Japanese"
keys ja 1 1
see ja "SAFE1/T03" "count 3's tray"
typed ja 04A301
see ja "04A301" "A301 read"
keys ja q
see ja "未読取り: 2 枚中 1 枚" "leaving the tray says how many are not read"
see ja "A302         04A302" "and names A302"
no_english ja "no English in the summary" Person
narrow ja "the summary fits 80 columns"
keys ja Escape
see ja "04A301" "Esc goes on counting"
keys ja q Enter
see ja "メインメニュー" "Enter leaves the tray"
is "$(sqlq "select closed_at is null from session where id = 3")" 1 \
	"count 3 stays open"
keys ja F10

done_testing
