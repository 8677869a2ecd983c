#!/usr/bin/env bash
# The range list of the tray count with 42 ranges at 80x24, driven for
# real in tmux (issue 18): it says which of its ranges show ("1-15 / 42"),
# Up/Down keep the highlight on screen, PgUp/PgDn/Home/End move by a page
# and to the ends, a number beyond 9 is typed and Enter opens it, and a
# range whose cards are all read in the count is marked done.  Every step
# waits for the screen it expects; nothing sleeps a fixed time.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }

# 42 trays of one card each; T05's card is read before the TUI starts.
{
	echo "mgmt_id,serial,location,received,reminder_sent,status"
	for i in $(seq -w 1 42); do
		echo "A1$i,04A1$i,SAFE1/T$i,2025-06-01,,"
	done
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "42 trays imported"
assign=$(for i in $(seq -w 1 42); do printf 'SAFE1/T%s=S02,' "$i"; done)
as M01 1111 count start --kind full --assign "${assign%,}"
is "$RC" 0 "a full count of the 42 trays, all given to S02"
printf 'card 04A105\nremove\n' >"$WORK/t05.sim"
as S02 2222 scan --session 1 --range SAFE1/T05 --reader "sim:$WORK/t05.sim"
is "$RC" 0 "SAFE1/T05's one card read from the command line"

. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/ja_words.sh"

# selected SESSION TEXT NAME: the row showing TEXT is the highlighted one
# (reverse video, the list's cursor).
selected() {
	local i=0
	while [ "$i" -lt 200 ]; do
		tm capture-pane -p -e -t "$1" | grep -F -- "$2" |
			grep -q $'\e\\[[0-9;]*7[;m]' && { ok 0 "$3"; return; }
		sleep 0.05
		i=$((i + 1))
	done
	diag "no highlighted row shows '$2'; the screen:"
	screen "$1" | sed 's/^/#   | /'
	ok 1 "$3"
}

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en S02 2222
see en "1  Tray count" "S02's menu"
keys en 1
see en "Choose the range to count" "the range list"
see en "1-15 / 42" "it shows ranges 1 to 15 of 42"
see en "SAFE1/T15" "the 15th range shows"
gone en "SAFE1/T16" "the 16th does not yet"
selected en "SAFE1/T01" "the first range is highlighted"
see en "[done] 1/1" "a range with every card read is marked done"
screen en | grep -F "SAFE1/T05" | grep -qF "[done] 1/1"
ok $? "and that range is SAFE1/T05"
screen en | grep -F "SAFE1/T06" | grep -qF "0/1"
ok $? "a range not counted yet shows 0/1"
narrow en "the range list fits 80 columns"

keys en Down Down Down Down Down Down Down Down Down Down Down Down Down \
	Down Down
see en "2-16 / 42" "Down past the last row scrolls by one"
selected en "SAFE1/T16" "and the highlight stays on screen, on SAFE1/T16"
gone en "SAFE1/T01" "the first range scrolled off"
keys en End
see en "28-42 / 42" "End shows the last page"
selected en "SAFE1/T42" "with the last range highlighted"
keys en Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up
see en "27-41 / 42" "Up past the first row scrolls back by one"
selected en "SAFE1/T27" "the highlight on SAFE1/T27"
keys en Home
see en "1-15 / 42" "Home goes back to the top"
selected en "SAFE1/T01" "SAFE1/T01 highlighted"
keys en PPage
keys en NPage
see en "1-15 / 42" "PgDn moves the highlight to the last row shown"
selected en "SAFE1/T15" "SAFE1/T15 highlighted"
keys en NPage
see en "15-29 / 42" "PgDn again shows the next page"
selected en "SAFE1/T29" "SAFE1/T29 highlighted"
keys en PPage
selected en "SAFE1/T15" "PgUp goes back a page"

# A number beyond 9: the highlight follows the digits, Enter opens it.
keys en 3
see en "Number: 3" "a digit starts a number (more than nine ranges)"
selected en "SAFE1/T03" "the highlight goes to range 3"
keys en 7
see en "Number: 37" "a second digit makes 37"
see en "23-37 / 42" "the list scrolls to it"
selected en "SAFE1/T37" "range 37 highlighted"
keys en Enter
see en "Range SAFE1/T37" "Enter opens range 37"
see en "Expected: 1" "its one card expected"
typed en 04A137
see en "Seen: 1" "A137 read"
keys en q
see en "Main menu" "q leaves the finished tray at once"
keys en 1
see en "1-15 / 42" "the list again, from the top"
keys en End
screen en | grep -F "SAFE1/T37" | grep -qF "[done] 1/1"
ok $? "SAFE1/T37 is now marked done"
# Backspace and Esc on a number; Esc then leaves.
keys en 4 2 BSpace
see en "Number: 4" "Backspace takes a digit back"
keys en Escape
goes en "Number:" "Esc drops the number"
see en "Choose the range to count" "and stays on the list"
keys en Escape
see en "Main menu" "a second Esc goes back to the menu"
keys en F10
see en "Logged out" "S02 logs out"

# The same list in Japanese: no English on it, the position shown.
tui ja LANG=C.UTF-8 -- --lang ja
wait_for ja "F2" >/dev/null
login ja S02 2222
see ja "メインメニュー" "the Japanese menu"
keys ja 1
see ja "1-15 / 42" "the Japanese list shows its position"
screen ja | grep -F "SAFE1/T05" | grep -qF "1/1"
ok $? "SAFE1/T05 done in Japanese too"
no_english ja "no English on the Japanese range list" Person
narrow ja "the Japanese range list fits 80 columns"
keys ja 1 2
see ja ": 12" "a typed number on the Japanese list"
no_english ja "nor with a number typed" Person
keys ja F10

done_testing
