#!/usr/bin/env bash
# Smaller things a clerk met on the TUI (issue 18), driven in tmux: IDs and
# terminal codes typed in lower case on the tally, the lookup and checkout;
# a long message wrapped whole onto a second row at 80x24 and at 60x16; the
# screen's title cut cleanly at 60x16; the reports screen listing the
# counts to pick from.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }

cat >"$WORK/stock.csv" <<'CSV'
mgmt_id,serial,location,received,reminder_sent,status
M000402,04B402,SAFE1/T01,2025-06-01,,
M000405,04B405,SAFE1/T01,2025-06-01,,
M000406,04B406,SAFE1/T01,2025-06-01,,
CSV
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"
as M01 1111 asset add TERM1 --name "Issuing terminal 1" --tag 04FFEE01 \
	--location SAFE1/SHELF
is "$RC" 0 "prepared: a terminal with a tag"
as S02 2222 checkout M000405 M000406 TERM1
is "$RC" 0 "prepared: two cards and the terminal checked out"
# Six counts to pick from in the reports, over trays of their own; the
# sixth closed.
for t in 1 2 3 4 5 6; do
	echo "C00$t,04C00$t,SAFE2/T0$t,2025-06-01"
done | sed '1i mgmt_id,serial,location,received' >"$WORK/trays.csv"
as M01 1111 import "$WORK/trays.csv"
is "$RC" 0 "prepared: a card in each of six trays"
with_witness S02 2222 M01 1111 key open --purpose "count"
is "$RC" 0 "prepared: the safe is open"
for t in 1 2 3 4 5; do
	as M01 1111 count start --kind partial --ranges SAFE2/T0$t
	is "$OUT" "$t" "prepared: count $t over SAFE2/T0$t"
done
as M01 1111 count start --kind full --ranges SAFE2/T06
is "$OUT" 6 "prepared: count 6, full, over SAFE2/T06"

. "$(dirname "$0")/tmux.sh"

# ---- IDs typed in lower case ------------------------------------------------

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en M01 1111
see en "Main menu" "M01 logs in"
keys en 5 s
see en "Start today's tally now?" "s asks first"
keys en Enter
see en "Tally 7 started: 3 expected back" "a tally of three items"
typed en m000405
see en "Last card: [OK] M000405 04B405  back" \
	"m000405 typed in lower case is M000405"
typed en term1
see en "Last card: [OK] TERM1 04FFEE01  back" \
	"term1 typed in lower case is the terminal TERM1"
is "$(sqlq "select group_concat(serial || ' ' || outcome, ',') from (select
	serial, outcome from scan where session_id = 7 order by id)")" \
	"04B405 accepted,04FFEE01 accepted" "both reads are returns, no alert"

# ---- a long message wraps ------------------------------------------------------

keys en x
see en "Witness: code" "closing with a card out asks for a witness"
# The message is longer than a row: it wraps onto the rows above the key
# help, whole, nothing cut with '~' (it was cut at 80 columns).
msg="Tally 7 is not balanced (1 missing): a manager must witness the close, with a note (--witness, --note; two-person rule)"
# msg_rows SESSION ROWS: the ROWS rows above the key help, joined by spaces.
msg_rows() { screen "$1" | tail -n $(($2 + 1)) | head -n "$2" |
	sed 's/ *$//' | tr '\n' ' ' | sed 's/^ *//; s/ *$//'; }
is "$(msg_rows en 2)" "$msg" "80x24: the whole message on the two rows above the key help"
screen en | tail -n 3 | grep -q '~ *$'
ok $((!$?)) "80x24: no message row cut with ~"
row_is en 24 "F2 "
ok $? "80x24: the key help still on the last row"
see en "Witness: code" "80x24: the witness form still shown"
narrow en "80x24 with the long message"

tm resize-window -t en -x 60 -y 16
row_is en 16 "F2 "
ok $? "60x16: the key help on the last row"
is "$(msg_rows en 3)" "$msg" "60x16: the whole message on three rows"
row_is en 1 "cardtally | End-of-day tally"
ok $? "60x16: the header whole"
keys en Escape
goes en "Witness: code" "Esc leaves the witness form"
keys en q
see en "Main menu" "back to the menu"

# ---- the title at 60x16 -----------------------------------------------------------

# "cardtally | Check out / return / issue" and "M01 Manager (manager)" do
# not both fit in 60 columns: the program's name goes, the title stays whole.
keys en 4
row_is en 1 "Check out / return / issue "
ok $? "60x16: the screen's title whole, without the program's name"
screen en | head -n 1 | grep -q "M01 Manager (manager) *$"
ok $? "60x16: and the person in full on the right"
# Checkout takes an ID typed in lower case too.
keys en 1
see en "Card or management ID" "checkout asks for the card"
typed en m000402
see en "Recorded: 1" "m000402 typed at checkout is recorded"
is "$(sqlq "select status from card where mgmt_id = 'M000402'")" checked_out \
	"M000402 is checked out"
# TERM1 is still out (the tally is not closed): found, and refused as such.
typed en term1
see en "Terminal TERM1 (checked out) cannot be" \
	"term1 typed at checkout is the terminal TERM1"
keys en Escape
see en "What do you record?" "Esc: another movement"
keys en q
see en "Main menu" "back to the menu"

# The lookup finds m000402.
keys en 3
typed en m000402
see en "M000402  04B402  checked out" "the lookup finds m000402 as M000402"
keys en q
see en "Main menu" "back to the menu"

# ---- the reports list the counts to pick from ----------------------------------

# At 60x16 the list has room for four counts: it scrolls.
keys en a
see en "Choose a report" "the reports"
keys en 3
see en "Count number:" "the incident report asks the count"
see en "> Count 6    full" "the newest count first, highlighted, its kind a word"
see en "Count 5    partial" "the next one"
see en "open" "its state"
see en "1-4 / 6" "four of the six counts shown"
gone en "Count 2 " "the older ones below"
keys en End
see en "Count number: 1" "End picks the oldest count"
see en "> Count 1    partial" "highlighted"
see en "3-6 / 6" "the list scrolled to it"
gone en "Count 6 " "the newest scrolled off"
keys en Up
see en "Count number: 2" "Up picks the next one"
keys en BSpace 5
see en "> Count 5 " "a number typed moves the highlight to that count"
keys en Enter
see en "Incident report, count 5" "Enter shows the report of the count picked"
keys en q
see en "Choose a report" "back to the list of reports"
keys en 4
see en "Reconciliation of a count" "the reconciliation asks the count too"
see en "> Count 6 " "with the counts listed, the newest highlighted"
keys en Enter
see en "Session 6 (full)" "Enter with nothing typed: the count highlighted"
keys en q
see en "Choose a report" "back to the list of reports"
keys en 3
typed en 2
see en "Incident report, count 2" "a number typed is the count shown"
keys en q
see en "Choose a report" "back to the list of reports"
keys en 3
see en "> Count 6 " "the counts listed again"
keys en Escape
see en "Choose a report" "Esc cancels"
# q, which the number field never takes, goes back too (it did nothing).
keys en 3
see en "> Count 6 " "the counts listed once more"
keys en q
see en "Choose a report" "q goes back from the count's number"
keys en 2
see en "Month (YYYY-MM)" "the month asked"
keys en q
see en "Choose a report" "q goes back from the month"
keys en q
see en "Main menu" "back to the menu"
keys en F10
see en "close it on the Safe key screen" "logging out with the safe open warns"
keys en F10
see en "Staff code" "logged out"
tm kill-session -t en

# ---- Japanese at 60x16: the title ---------------------------------------------------

tui ja LANG=ja_JP.UTF-8 -- --lang ja
tm resize-window -t ja -x 60 -y 16
see ja "職員コード" "Japanese login"
# The login's and the lookup's instructions are wrapped at 60 columns,
# not cut (Japanese has no spaces to break at: it breaks at the edge).
see ja "暗証番号を入力して" "ja 60x16: the login's instruction"
see ja "Enter を押してください" "ja 60x16: and its end, on the next row"
screen ja | grep -q '~ *$'
ok $((!$?)) "ja 60x16: no row of the login is cut (~)"
login ja M01 1111
row_is ja 16 "F2 "
ok $? "ja 60x16: the key help on the last row"
keys ja 3
see ja "読取り機なし" "ja 60x16: the lookup without a reader says so"
see ja "して Enter" "ja 60x16: and the end of what to do"
screen ja | grep -q '~ *$'
ok $((!$?)) "ja 60x16: no row of the lookup is cut (~)"
keys ja q
keys ja 4
title=$(LANGUAGE=ja LC_ALL=C.UTF-8 TEXTDOMAINDIR="$BUILD/locale" \
	gettext cardtally "Check out / return / issue")
row_is ja 1 "cardtally | $title"
ok $? "ja 60x16: the title whole ($title)"
screen ja | head -n 1 | grep -q '~'
ok $((!$?)) "ja 60x16: nothing cut in the header"
keys ja q F10
see ja "金庫は開錠中です" "the safe open: a warning"
keys ja F10
see ja "職員コード" "logged out"

done_testing
