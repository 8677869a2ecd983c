#!/usr/bin/env bash
# The operator terminal UI (`cardtally tui`) driven for real in tmux, on a
# private socket, at 80x24: login (a wrong PIN, the lockout after five),
# the menu, a tray count with the sim reader (counters, every kind of
# alert, reader lost and back, a typed number, undo, leaving with a card
# unread), the idle logout and its warning (never while the reader is
# unplugged), the language switch, and the same in Japanese.  Every step waits for the
# screen it expects (wait_for polls capture-pane up to a timeout); nothing
# sleeps a fixed time.  What the screen shows as accepted is checked in the
# ledger.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
PIN_M01=$(pin_file M01 1111)

cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A102,04A102,SAFE1/T01,2025-06-01,,
A103,04A103,SAFE1/T01,2025-06-01,,
A104,04A104,SAFE1/T01,2025-06-01,,
A105,04A105,SAFE1/T01,2025-06-01,,issued
A201,04A201,SAFE1/T02,2025-06-02,,
A301,04A301,SAFE1/T03,2025-06-02,,
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
# Every range has its one person (the planner would pick them otherwise).
as M01 1111 count start --kind full --ranges SAFE1/T01,SAFE1/T02 \
	--assign SAFE1/T01=M01,SAFE1/T02=S02
COUNT=$OUT
is "$COUNT" 1 "count 1 opened"
# S02's own range, in a second count, for the Japanese run.
as M01 1111 count start --kind partial --ranges SAFE1/T03 \
	--assign SAFE1/T03=S02
is "$OUT" 2 "count 2 opened, SAFE1/T03 assigned to S02"

. "$(dirname "$0")/tmux.sh"

# ---- refusals before the screen opens ----------------------------------------

ct tui --lang fr
is "$RC" 2 "--lang is ja or en"
like "$ERR" "--lang is ja or en, not 'fr'" "and says so"
ct tui </dev/null
is "$RC" 2 "no terminal, no TUI"
like "$ERR" "tui needs a terminal" "and says so"
printf 'idle_logout_seconds = 0\n' >"$WORK/bad.conf"
tui bad LANG=C.UTF-8 CARDTALLY_CONF="$WORK/bad.conf" --
see bad "idle_logout_seconds: 1-86400" \
	"a bad idle time is refused, naming the key"
see bad "tui exited: 65" "with exit 65"
tm kill-session -t bad

# ---- English: PINs, menu, a tray count ----------------------------------------

cat >"$WORK/t01.sim" <<'EOF'
wait 800
card 04A101
remove
card 04A201
remove
card 04FFFF
remove
card 04A105
remove
card 04A101
remove
wait 1500
unplug
wait 2500
replug
wait 2500
card 04A102
remove
wait 600000
EOF

tui en LANG=C.UTF-8 -- --reader "sim:$WORK/t01.sim"
see en "Staff code" "login screen at start"
see en "not logged in" "the header says nobody is logged in"

login en S02 9999
see en "Unknown staff code or wrong PIN for S02" "a wrong PIN is refused"
is "$(sqlq "select count(*) from audit where action = 'staff.pin_failed'")" 1 \
	"the wrong PIN is audited"
# The PIN field is masked: the digits never show.
keys en S02 Enter 2222
see en "****" "the PIN shows as stars"
screen en | grep -q 2222
ok $((!$?)) "the PIN's digits are not on the screen"
keys en BSpace BSpace BSpace BSpace BSpace Escape

for i in 1 2 3 4; do
	login en P04 000$i
	wait_for en "Unknown staff code or wrong PIN for P04" >/dev/null
done
login en P04 0005
see en "Wrong PIN for P04: the account is now locked" "the fifth wrong PIN locks"
is "$(sqlq "select locked from staff where code = 'P04'")" 1 "P04 is locked"
login en P04 4444
see en "Account P04 is locked after 5 wrong PINs" \
	"the right PIN does not open a locked account"
is "$(sqlq "select count(*) from audit where action = 'staff.pin_ok' and
	subject = 'P04'")" 0 "no successful login of P04 recorded"

login en M01 1111
see en "Main menu" "the right PIN opens the menu"
see en "M01 Manager (manager)" "the header names the person and the role"
see en "1  Tray count" "a manager may count"
see en "2  Status overview" "and see the status"

# A smaller terminal: the frame is laid out again for it.
tm resize-window -t en -x 60 -y 16
# tmux keeps the bottom rows of the old screen: wait for the repaint.
row_is en 1 "cardtally | Main menu"
row_is en 16 "F2 日本語/English"
ok $? "after a resize the key help is on the new last row"
like "$(screen en | sed -n 1p)" "M01 Manager \(manager\) *$" \
	"and the header still names the person"
# A manager's sixteen screens do not fit 16 rows: the menu scrolls, says
# where it is, and keeps its hint; the last item is reached with Down.
see en "1-" "60x16: the menu says which of its items show"
see en "q logs out." "60x16: the menu's hint is not pushed off the screen"
keys en Down Down Down Down Down Down Down Down Down Down Down Down Down \
	Down Down
see en "g  Count resolutions" "60x16: Down scrolls to the last item"
see en "/ 16" "and the position follows"
keys en Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up
see en "1  Tray count" "60x16: Up scrolls back to the first"
tm resize-window -t en -x 80 -y 24
row_is en 24 "F2 日本語/English"
ok $? "and back at 80x24"

keys en 2
see en "Open counts" "status overview"
see en "Locked accounts" "status lists locked accounts"
see en "! P04" "P04 among them"
keys en q
see en "Main menu" "q goes back to the menu"

keys en 1
see en "1  Count 1  SAFE1/T01  (assigned to you)" "the ranges of the open counts"
screen en | grep -q "SAFE1/T03"
ok $((!$?)) "S02's range is not offered to M01"
keys en Enter
see en "Expected: 4" "the tray's cards are expected"
see en "Count 1  Range SAFE1/T01" "range and count shown"
see en "[?] -            04FFFF  unknown card" "unknown card alert"
see en "[>] A201         04A201  misplaced, belongs to SAFE1/T02" \
	"misplaced alert"
see en "[X] A105         04A105  should not be here, ledger says issued" \
	"not-in-stock alert"
see en "[=] A101         04A101  read again, not counted twice" "repeat"
see en "Seen: 1" "one card of the tray seen"
see en "READER LOST" "the reader lost fills the screen"
see en "Nothing read so far is lost: 1 of 4 seen in SAFE1/T01." \
	"and says nothing is lost"
see en "Reader is back: scanning resumes" "the reader is back"
see en "Last card: [OK] A102 04A102" "the next card after the reader is back"
see en "Seen: 2" "two seen"
see en "Remaining: 2" "two remaining"
see en "2/4" "progress"
# Alerts newest first.
order=$(screen en | grep -oE '\[[?>X=]\] ' | tr -d ' []\n')
# Read: A101, A201 (misplaced), 04FFFF (unknown), A105 (not in stock), A101
# again (repeat).
is "$order" "=X?>" "alerts are listed newest first"

# A barcode scanner types the number and Enter.
keys en 04A103 Enter
see en "Last card: [OK] A103 04A103" "a typed number is a read"
see en "Seen: 3" "and counts"
is "$(sqlq "select group_concat(serial, ',') from (select serial from scan
	where session_id = $COUNT and outcome = 'accepted' order by id)")" \
	"04A101,04A102,04A103" "every read shown as accepted is in the ledger"

# Undo the last read, with a reason.
keys en u
see en "Why undo the last read? Reason:" "undo asks for a reason"
keys en -l "wrong tray"
keys en Enter
see en "Undone: A103 04A103, it no longer counts" "the read is undone"
see en "Seen: 2" "and no longer counts"
is "$(sqlq "select s.serial || ' ' || u.reason || ' ' || p.code from scan_undo u
	join scan s on s.id = u.scan_id join staff p on p.id = u.staff_id")" \
	"04A103 wrong tray M01" "the undo is recorded with who and why"
is "$(sqlq "select count(*) from audit where action = 'scan.undo'")" 1 \
	"and audited"
as M01 1111 audit verify
is "$RC" 0 "the audit chain is intact after an undo"

# At 60 columns the three counters fit the row: none is cut at the edge.
tm resize-window -t en -x 60 -y 16
row_is en 16 "F2 日本語/English"
see en "Remaining: 2" "60x16: the counters are laid out again"
cut=$(screen en | sed -n '/Expected:/,/\[#/p' | grep -c '~ *$')
is "$cut" 0 "60x16: no row of the counters is cut at the edge (~)"
[ "$cut" = 0 ] || screen en | sed 's/^/#   | /'
tm resize-window -t en -x 80 -y 24
row_is en 24 "F2 日本語/English"

# The language switch, anywhere.
keys en F2
see en "予定: 4" "F2 switches to Japanese"
see en "M01 Manager (管理者)" "the role in Japanese"
keys en F2
see en "Expected: 4" "and back to English"

# Leaving a tray with cards not read names them first (issue 18).
keys en q
see en "Not read yet: 2 of 4 cards" "q on a tray with cards unread asks first"
see en "A103         04A103" "and names the cards not read: the one undone"
see en "A104         04A104" "and the one never read"
keys en Escape
see en "Seen: 2" "Esc goes on counting"
keys en q
see en "Not read yet: 2 of 4 cards" "asked again"
keys en Enter
see en "Main menu" "Enter ends the tray"
keys en q
see en "Logged out" "q in the menu logs out"
see en "Staff code" "back at the login screen"
is "$(sqlq "select count(*) from audit where action = 'tui.logout' and
	subject = 'M01'")" 1 "the logout is audited"
keys en F10
see en "tui exited: 0" "F10 at the login screen quits"

# ---- the idle logout ----------------------------------------------------------

printf 'idle_logout_seconds = 6\n' >"$WORK/idle.conf"
tui idle LANG=C.UTF-8 CARDTALLY_CONF="$WORK/idle.conf" --
see idle "Staff code" "login screen (idle logout after 6 s)"
login idle M01 1111
see idle "Main menu" "logged in"
keys idle 1 Enter
see idle "Expected: 4" "a tray open, no reader"
see idle "No reader: type or scan the card number" "typed numbers only"
before=$(sqlq "select count(*) from scan")
see idle "Logging out in 2 s without activity" \
	"the idle logout is said before it comes, where the reader's line was"
see idle "Logged out after 6 seconds without activity" "idle logout"
see idle "not logged in" "nobody is shown logged in"
# A number wedged in now is no read: the scan screen is closed.
keys idle 04A104 Enter
wait_for idle "04A104" >/dev/null
screen idle | grep "Staff code" | grep -q 04A104
ok $? "what is typed goes to the login form"
is "$(sqlq "select count(*) from scan")" "$before" \
	"no read after the logout"
is "$(sqlq "select detail from audit where action = 'tui.logout'
	order by id desc limit 1")" "idle" "the idle logout is audited as such"
tm kill-session -t idle

# While the screen asks for the reader back, nobody is idle (issue 18): a
# reader unplugged for twice the idle time, then plugged in again, finds
# the tray still open; the idle clock starts when it is back.
cat >"$WORK/idle.sim" <<'EOF'
wait 800
unplug
wait 7000
replug
wait 600000
EOF
printf 'idle_logout_seconds = 3\n' >"$WORK/idle3.conf"
tui idlelost LANG=C.UTF-8 CARDTALLY_CONF="$WORK/idle3.conf" -- \
	--reader "sim:$WORK/idle.sim"
see idlelost "Staff code" "login screen (idle logout after 3 s, a reader)"
login idlelost M01 1111
see idlelost "Main menu" "logged in"
keys idlelost 1 Enter
see idlelost "READER LOST" "the reader unplugged fills the screen"
idle_before=$(sqlq "select count(*) from audit where action = 'tui.logout'")
see idlelost "Reader is back: scanning resumes" \
	"7 s unplugged with a 3 s idle logout: the tray is still open"
is "$(sqlq "select count(*) from audit where action = 'tui.logout'")" \
	"$idle_before" "no logout while the reader was unplugged"
see idlelost "Logging out in 1 s without activity" "then the warning"
see idlelost "Logged out after 3 seconds without activity" \
	"and the idle logout, once the reader is back"
tm kill-session -t idlelost

# ---- Japanese -----------------------------------------------------------------

cat >"$WORK/t03.sim" <<'EOF'
wait 500
card 04A301
remove
card 04EEEE
remove
wait 600000
EOF
tui ja LANG=ja_JP.UTF-8 -- --reader "sim:$WORK/t03.sim"
see ja "職員コード" "LANG=ja_JP.UTF-8 gives Japanese"
see ja "暗証番号" "PIN label in Japanese"
login ja S02 1234
# S02's second wrong PIN in a row (the first was in English, above).
see ja "職員コードが登録されていないか、S02 の暗証番号が違います" \
	"a wrong PIN, in Japanese"
login ja S02 2222
see ja "メインメニュー" "menu in Japanese"
see ja "S02 Person S02 (職員)" "the header in Japanese"
see ja "1  トレイ棚卸し" "tray count in the menu"
keys ja 1
see ja "2  棚卸し 2  SAFE1/T03  （あなたの担当）" "S02's assigned range"
keys ja 2
see ja "予定: 1" "counters in Japanese"
see ja "[?] -            04EEEE  台帳にない不明なカード" "an alert in Japanese"
see ja "最後のカード: [?] - 04EEEE" "the last card"
see ja "読取り: 1" "seen"
see ja "残り: 0" "remaining"
is "$(sqlq "select serial from scan where session_id = 2 and
	outcome = 'accepted'")" "04A301" "the accepted read is in the ledger"
# Columns: no row is wider than the terminal.
wide=$(screen ja | python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(max(w(l.rstrip("\n")) for l in sys.stdin))')
ok $((wide > 80)) "no row is wider than 80 columns (widest: $wide)"
keys ja F2
see ja "Expected: 1" "F2 switches a Japanese session to English"
keys ja F10
see ja "Logged out" "F10 logs out (message in the language shown)"
tm kill-session -t ja

# ---- a read after someone else closed the count -------------------------------

# The tray screen reads through the same scan session as `scan`: once the
# count is closed elsewhere, a read is refused and the screen says so.
as S02 2222 count start --kind partial --ranges SAFE1/T03 \
	--assign SAFE1/T03=S02
LATE=$OUT
tui late LANG=ja_JP.UTF-8 --
login late S02 2222
see late "メインメニュー" "S02 logs in"
keys late 1
see late "3  棚卸し $LATE  SAFE1/T03  （あなたの担当）" "the new count's range"
keys late 3
see late "予定: 1" "its tray is open, no reader"
keys late 04A301 Enter
see late "最後のカード: [OK] A301 04A301" "a typed read is taken"
as S02 2222 count close "$LATE"
is "$RC" 0 "the count is closed from the command line meanwhile"
keys late 04EEEE Enter
see late "カード 04EEEE は数えていません: 棚卸し $LATE は締められました" \
	"the next read is refused, in Japanese"
is "$(sqlq "select group_concat(serial) from scan where session_id = $LATE")" \
	04A301 "nothing recorded after the close"
tm kill-session -t late

# ---- the training gate --------------------------------------------------------

as M01 1111 training course add SEC1 --name "Security" --required-for cards
is "$RC" 0 "a required course"
tui gate LANG=C.UTF-8 --
login gate S03 3333
see gate "Main menu" "S03 logs in"
see gate "Required training missing or expired" "the menu says why"
see gate "Security (SEC1): missing" "and which course, by its name and code"
# The menu keeps everyone's numbers (issue 18: the gate renumbered it, and
# the usual 1 opened another screen): the tray count is shown, closed.
see gate "1  Tray count  - training needed" \
	"the tray count keeps its number, marked as needing training"
see gate "  Status overview" "status stays open"
gone gate "Status overview  - training" "and is not marked closed"
tm send-keys -t gate 1
see gate "Not offered: required training is missing" \
	"its number says why it does not open"
see gate "Main menu" "and the menu stays"
tm kill-session -t gate

done_testing
