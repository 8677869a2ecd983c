#!/usr/bin/env bash
# Text from files, cards or people never reaches the terminal as control
# sequences on the TUI either (issue 13; escape.t checks the text reports).
# A staff name, a location and the safe's purpose are given ESC [2J (clear
# the screen), U+009B (the one-byte CSI of C1) and U+202E (right-to-left
# override) behind the program's back, and the screens that show them are
# opened in tmux: each shows the escaped form (\x1B[2J\u{009B}\u{202E}, as
# the reports do), the screen is not cleared (its header and key help still
# there), no row is wider than the terminal, the pane holds neither an
# escape sequence from the data nor the C1 or bidi character itself, and
# neither does anything the program wrote to the terminal (tmux pipe-pane):
# the curses library may hide what it gets (ncursesw showed ESC as ^[ and
# blanked U+009B and U+202E), the program does not count on it.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
{
	echo mgmt_id,serial,location,received
	echo A101,04A101,SAFE1/T01,2025-06-01
	echo A102,04A102,SAFE1/T01,2025-06-01
	echo A201,04A201,SAFE1/T02,2025-06-01
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"
with_witness S02 2222 M01 1111 key open --purpose "count"
is "$RC" 0 "prepared: the safe is open"
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$OUT" 1 "prepared: count 1 over SAFE1/T01"
as S02 2222 checkout A201
is "$RC" 0 "prepared: A201 checked out"
as S02 2222 note add --text "left on the desk" --card A101
is "$RC" 0 "prepared: a near-miss"

# ESC [2J, U+009B (C2 9B) and U+202E (E2 80 AE) into the ledger's text.
bad="char(27) || '[2J' || char(155) || char(8238)"
sqlq "UPDATE staff SET name = 'Suzuki' || $bad WHERE code = 'S02';
	UPDATE near_miss SET text = 'desk' || $bad;
	UPDATE key_opening SET purpose = 'count' || $bad;
	UPDATE location SET path = 'SAFE1/T01' || $bad WHERE path = 'SAFE1/T01';
	UPDATE location SET path = 'SAFE1/T02' || $bad WHERE path = 'SAFE1/T02'"
is "$(sqlq "SELECT hex(name) FROM staff WHERE code = 'S02'")" \
	"$(printf 'Suzuki\033[2J\302\233\342\200\256' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" \
	"prepared: the name holds ESC [2J, U+009B and U+202E"

. "$(dirname "$0")/tmux.sh"

esc='\x1B[2J\u{009B}\u{202E}'
# pane_clean SESSION WHAT: the screen was not cleared or moved (its header
# on the first row, the key help on the last), no row is wider than the
# terminal, and nothing from the data reached the pane raw: with its
# attributes (capture-pane -e) the pane holds no escape sequence but the
# colours and attributes tmux itself writes (ESC [ ... m), and no U+009B
# or U+202E; nor did the program write them to the terminal.
pane_clean() {
	local s=$1 what=$2 rest
	row_is "$s" 1 "cardtally | "
	ok $? "$what: the header still on the first row"
	row_is "$s" 24 "F2 "
	ok $? "$what: the key help still on the last row"
	narrow "$s" "$what"
	rest=$(tm capture-pane -e -p -t "$s" |
		LC_ALL=C sed "s/$(printf '\033')\[[0-9;]*m//g")
	printf '%s' "$rest" | LC_ALL=C grep -q "$(printf '\033')"
	ok $((!$?)) "$what: no escape sequence from the data in the pane"
	printf '%s' "$rest" |
		LC_ALL=C grep -q "$(printf '\302\233')\|$(printf '\342\200\256')"
	ok $((!$?)) "$what: neither U+009B nor U+202E itself in the pane"
	grep -qF '\x1B[2J' "$WORK/$s.out"
	ok $? "$what: the escaped form is what the terminal was sent"
	# The data's ESC [2J comes after a letter or digit of the name, the
	# location, the purpose or the note; curses's own after its codes.
	LC_ALL=C grep -q "$(printf '\302\233')\|$(printf '\342\200\256')\|[a-z0-9]$(
		printf '\033')\[2J" "$WORK/$s.out"
	ok $((!$?)) "$what: none of it written to the terminal raw"
}

# started SESSION: what the program in SESSION writes to its terminal,
# from now on, also goes to $WORK/SESSION.out.
started() {
	: >"$WORK/$1.out"
	tm pipe-pane -O -t "$1" "cat >>'$WORK/$1.out'"
}

tui en LANG=C.UTF-8 --
started en
see en "Staff code" "login screen"
login en S02 2222
see en "S02 Suzuki$esc (staff)" "the header: the name escaped, whole"
see en "Logged in: Suzuki$esc" "the message: the name escaped"
pane_clean en "the menu"
keys en 2
see en "card A201         S02 SAFE1/T02$esc" \
	"status: the checked-out card's location escaped"
pane_clean en "status"
keys en q 3
see en "Card or management ID" "lookup"
typed en A101
see en "Home: SAFE1/T01$esc" "lookup: the card's home escaped"
pane_clean en "lookup"
keys en q 1
see en "Count 1  SAFE1/T01$esc" "tray count: the range escaped"
pane_clean en "the tray count's ranges"
keys en q 6
see en "Purpose: count$esc" "safe key: the purpose escaped"
pane_clean en "the safe key"
keys en k
see en "Key log: every opening" "the key log"
see en "Purpose: count$esc" "key log: the purpose escaped"
pane_clean en "the key log"
keys en q q a 1
see en "cardtally daily report" "the daily report"
see en "      count$esc" "daily report: the safe's purpose escaped"
keys en End
see en "desk$esc" "daily report: the near-miss escaped"
pane_clean en "the daily report"
keys en q q q

# Counted by the manager: the overview's columns stay where they belong,
# a location too wide for its column cut with ~ after whole escapes.
tui m LANG=C.UTF-8 --
started m
see m "Staff code" "login screen for M01"
login m M01 1111
see m "Main menu" "M01's menu"
keys m 8
see m "Choose an open count" "count overview"
keys m Enter
see m "Range                      Assignee  Expected   Seen" \
	"count overview: the ranges' header"
see m "  SAFE1/T01\\x1B[2J\\u{009B}~  S02              2      0" \
	"count overview: the range cut after a whole escape, the columns in place"
see m "[missing  ] A101         SAFE1/T01\\x1B[2J~  ! OPEN" \
	"count overview: the missing card's location likewise"
pane_clean m "the count overview"

done_testing
