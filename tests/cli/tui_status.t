#!/usr/bin/env bash
# The status overview on the screen shows what `cardtally status` shows
# (issue 18: "the status screen leaves out lost cards, today's safe
# openings and flags"): who holds the safe's key now, after a handover;
# today's openings of the safe with their flags, and not yesterday's; what
# was handled while the safe was recorded closed; the counting plan; the
# cards declared lost.  And the count-start proposal gives the planner's
# reason for a range nobody may count in the screen's language.  Driven
# for real in tmux at 80x24, in English and in Japanese.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

# 2026-03-02 10:00 in Tokyo; office hours from 08:30, openings of up to
# 30 minutes (the defaults).
export TZ=Asia/Tokyo CARDTALLY_CONF="$WORK/none.conf"
T0=1772413200
MIN=60
export CARDTALLY_NOW=$T0

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,status
A101,04A101,SAFE1/T01,2026-01-05,stored
A102,04A102,SAFE1/T01,2026-01-05,stored
A201,04A201,SAFE1/T02,2026-01-05,stored
L300,04B300,SAFE1/T03,2026-01-05,lost
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported, L300 lost"

# open_as OPENER PIN APPROVER APPROVER-PIN ARGS...: key open with both PINs.
open_as() {
	local who=$1 pin=$2 appr=$3 apin=$4
	shift 4
	ct key open --as "$who" --pin-fd 3 --witness "$appr" \
		--witness-pin-fd 4 "$@" 3<<<"$pin" 4<<<"$apin"
}
as M01 1111 key holder add S02 --order 1
is "$RC" 0 "S02 holds the key"
# Opening 1, yesterday; opening 2, today before office hours (flagged);
# opening 3, today from 10:00, handed from S03 to S02 at 10:05 and open
# for 50 minutes when the screen looks (flagged: too long).
CARDTALLY_NOW=$((T0 - 24 * 60 * MIN)) open_as S03 3333 S02 2222 \
	--purpose "yesterday's pickups"
is "$RC" 0 "opening 1, yesterday"
CARDTALLY_NOW=$((T0 - 24 * 60 * MIN + 10 * MIN)) as S03 3333 key close
is "$RC" 0 "opening 1 closed"
CARDTALLY_NOW=$((T0 - 180 * MIN)) open_as S03 3333 S02 2222 \
	--purpose "early delivery"
is "$RC" 0 "opening 2, 07:00"
CARDTALLY_NOW=$((T0 - 170 * MIN)) as S02 2222 key close
is "$RC" 0 "opening 2 closed by S02 at 07:10"
# A checkout at 08:00, between openings 2 and 3: taken, and flagged as
# handled while the safe was recorded closed (R14).
CARDTALLY_NOW=$((T0 - 120 * MIN)) as S02 2222 checkout A102
is "$RC" 0 "A102 checked out at 08:00, the safe recorded closed"
open_as S03 3333 S02 2222 --purpose "the day's pickups"
is "$RC" 0 "opening 3, 10:00"
CARDTALLY_NOW=$((T0 + 5 * MIN)) ct key handover --as S03 --pin-fd 3 \
	--witness S02 --witness-pin-fd 4 3<<<3333 4<<<2222
is "$RC" 0 "the key handed from S03 to S02"
# A counting plan of one month, March (R5): both ranges due (the count
# start below finds both selected, as with no plan).
as M01 1111 plan cycle --months 1 --apply
is "$RC" 0 "a one-month counting plan"
export CARDTALLY_NOW=$((T0 + 50 * MIN))
as M01 1111 status
is "$(printf '%s\n' "$OUT" | grep -A1 '^handled today while the safe')" \
	"handled today while the safe was recorded closed:
  2026-03-02 08:00  checkout A102 by S02" "status lists the checkout"
is "$(printf '%s\n' "$OUT" | grep -A3 '^plan: ')" \
	"plan: cycle 2026-03..2026-03 (1 month)
  due this month: SAFE1/T01, SAFE1/T02 (0 done)
  overdue: none
  ranges: 2, never counted in full: 2" "status gives the plan"

. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/ja_words.sh"

menu_key() {
	wait_for "$1" "  $2" >/dev/null
	screen "$1" | sed -n "s/^ *\([0-9a-z]\)  $2.*/\1/p" | head -1
}

# ---- the status overview, in English -----------------------------------------

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en M01 1111
K=$(menu_key en "Status overview")
ok $((!${#K})) "the menu offers the status overview ($K)"
keys en "$K"
see en "Safe: OPEN since 2026-03-02 10:00" "the safe is open since 10:00"
see en "    Key now held by S02" "S02 holds the key after the handover"
see en "  Today's openings of the safe" "today's openings"
see en "       2  2026-03-02 07:00 - 2026-03-02 07:10  10 min" \
	"opening 2, 07:00-07:10"
see en "          by S03  approved by S02" "opened by S03, approved by S02"
see en "          closed by S02" "closed by S02"
see en "          ! flagged: outside office hours" \
	"opening 2 flagged outside office hours"
see en "       3  2026-03-02 10:00 - not closed yet  50 min" \
	"opening 3, open 50 min"
see en "          ! flagged: open too long" "opening 3 flagged too long"
gone en "       1  2026-03-01" "not yesterday's opening"
see en "  Handled today while the safe was recorded closed" \
	"what was handled while the safe was recorded closed"
see en "    ! 2026-03-02 08:00  checkout A102 by S02" \
	"the 08:00 checkout, as status words it"
narrow en "the status overview"
keys en PgDn
see en "  Counting plan" "the counting plan"
see en "    plan: cycle 2026-03..2026-03 (1 month)" "its cycle"
see en "      due this month: SAFE1/T01, SAFE1/T02 (0 done)" \
	"what is due this month"
see en "      ranges: 2, never counted in full: 2" "the ranges"
see en "  Lost cards" "the lost cards"
see en "    ! L300         SAFE1/T03, lost since -" "L300, lost"
# Scrolling stops at the end: the last line stays on the last row, with
# the page above it, however often Down and PgDn are pressed.
keys en PgDn PgDn PgDn Down Down
see en "  Due for disposal: 0" "PgDn past the end: the last line shows"
see en "  Lost cards" "and the page above it, not an empty screen"
keys en Home
see en "Safe: OPEN since 2026-03-02 10:00" "Home goes back to the top"
keys en End
see en "  Due for disposal: 0" "End goes to the end"
see en "  Lost cards" "with the page above it"
# The plan wraps to the screen's width, also after a resize: at 50 columns
# what is due goes on under itself instead of being cut.
tm resize-window -t en -x 50 -y 24
see en "      due this month: SAFE1/T01, SAFE1/T02 (0" \
	"at 50 columns: what is due, its first line"
see en "        done)" "and the rest under it, not cut"
screen en | grep 'due this month' | grep -q '~$'
ok $((!$?)) "at 50 columns: its line is not cut"
tm resize-window -t en -x 80 -y 24
see en "      due this month: SAFE1/T01, SAFE1/T02 (0 done)" \
	"back at 80 columns: on one line again"
keys en q
see en "Main menu" "q goes back to the menu"

# ---- in Japanese ---------------------------------------------------------------

tui ja LANG=C.UTF-8 -- --lang ja
wait_for ja "F2" >/dev/null
login ja M01 1111
K=$(menu_key ja "状況一覧")
ok $((!${#K})) "the Japanese menu offers the status overview ($K)"
keys ja "$K"
see ja "    いま鍵を持っている人: S02" "who holds the key, in Japanese"
see ja "  本日の金庫の開錠" "today's openings, in Japanese"
no_english ja "no English on the status overview (top)" Manager
narrow ja "the Japanese status overview"
keys ja PgDn
see ja "  紛失したカード" "the lost cards, in Japanese"
no_english ja "no English on the status overview (below)" Manager
keys ja q F10

# ---- the count-start proposal: why nobody may count a range -------------------

# M01 counted SAFE1/T02 in its last two counts (R6); only M01 has the
# training work with cards needs (R20): nobody may count T02 now.
for i in 1 2; do
	as M01 1111 count start --kind partial --ranges SAFE1/T02 \
		--assign SAFE1/T02=M01
	is "$OUT" "$i" "count $i of SAFE1/T02, by M01"
done
as M01 1111 training course add K1 --name "カード取扱" --required-for cards
is "$RC" 0 "course K1 required for work with cards"
as M01 1111 training record K1 --staff M01 --date 2026-03-01
is "$RC" 0 "M01 attended K1"

tui cs LANG=C.UTF-8 --
see cs "Staff code" "login screen"
login cs M01 1111
K=$(menu_key cs "Start a count")
ok $((!${#K})) "the menu offers starting a count ($K)"
keys cs "$K"
keys cs 2
see cs "[x] SAFE1/T02" "both ranges selected"
keys cs Enter
see cs "SAFE1/T01                M01      (planner)" "T01 to M01"
see cs "SAFE1/T02                ! nobody: M01 counted it in each of its last" \
	"T02 to nobody: the planner's reason, in English"
# In Japanese (F2): the reason is worded when the screen is drawn, so it
# changes language at once, with the rest of the screen.
keys cs F2
see cs "SAFE1/T02                ! 担当者なし: M01 が直近2回の棚卸し（1 と 2）" \
	"T02 to nobody: the reason in Japanese as soon as F2 is pressed"
no_english cs "no English on the proposal after F2" Manager
# Proposed again: the same.
keys cs Escape
see cs "[x] SAFE1/T02" "back at the ranges, in Japanese"
keys cs Enter
see cs "SAFE1/T02                ! 担当者なし: M01 が直近2回の棚卸し（1 と 2）" \
	"T02 to nobody: the planner's reason, in Japanese"
no_english cs "no English on the Japanese proposal" Manager
narrow cs "the Japanese proposal"
keys cs Escape Escape

done_testing
