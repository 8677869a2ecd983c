#!/usr/bin/env bash
# The TUI's custody screens driven in tmux, on a private socket, at 80x24:
# the safe opened with an approver who logs in on the same screen (the
# same person, a wrong PIN and a staff member refused) and closed; cards
# checked out, issued and returned by wedge (a barcode scanner types the
# ID and Enter), a refused checkout of an issued card, the flag when the
# safe is recorded closed; the end-of-day tally with a card missing: the
# close refused without a witness, then refused for the same person, a
# wrong PIN and a non-manager, then witnessed with a note; a card's
# history in the lookup, in English and in Japanese; a part-timer's
# refusals; a tally read by typing an ID with letters and a terminal's code.  Every step waits for the screen it expects (wait_for polls
# capture-pane); what the screen shows as recorded is checked in the
# ledger.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }

cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A102,04A102,SAFE1/T01,2025-06-01,,
A103,04A103,SAFE1/T01,2025-06-01,,
A105,04A105,SAFE1/T01,2025-06-01,,issued
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"

. "$(dirname "$0")/tmux.sh"

status_of() { sqlq "select status from card where mgmt_id = '$1'"; }

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en S02 2222
see en "Main menu" "S02 logs in"
see en "3  Card lookup" "the lookup is in the menu"
see en "4  Check out / return / issue" "custody is in the menu"
see en "5  End-of-day tally" "the tally is in the menu"
see en "6  Safe key" "the safe's key is in the menu"

# ---- the safe's key: open with an approver -----------------------------------

keys en 6
see en "Safe: closed" "the safe is recorded closed"
see en "o open the safe" "and may be opened"
keys en o
see en "Approver: code" "opening asks for the approver"
# The same person cannot approve their own opening.
keys en S02 Enter 2222 Enter
keys en -l "morning checkout"
keys en Enter
see en "another person than S02" "the opener cannot approve"
screen en | grep -q 2222
ok $((!$?)) "the approver's PIN never shows"
# A wrong PIN.
keys en M01 Enter 9999 Enter Enter
see en "Unknown staff code or wrong PIN for M01" "a wrong approver PIN is refused"
# A staff member who is no key holder.
keys en S03 Enter 3333 Enter Enter
see en "Only a named key holder or a manager may approve opening the safe (S03" \
	"a staff member who holds no key may not approve"
is "$(sqlq "select count(*) from key_opening")" 0 "nothing opened so far"
keys en M01 Enter 1111 Enter Enter
see en "Safe opened by S02, approved by M01" "the manager approves"
see en "Safe: OPEN since" "the safe is shown open"
see en "Purpose: morning checkout" "with its purpose"
is "$(sqlq "select o.code || ' ' || a.code || ' ' || k.purpose from key_opening k
	join staff o on o.id = k.opened_by join staff a on a.id = k.approved_by
	where k.closed_at is null")" "S02 M01 morning checkout" \
	"the opening is in the key log"
narrow en "the key screen"
keys en q
see en "Main menu" "back to the menu"

# ---- check out, issue, by wedge ----------------------------------------------

keys en 4
see en "What do you record?" "custody asks what to record"
keys en 1
see en "For the day" "a checkout is for a day"
today=$(date +%Y-%m-%d)
see en "$today" "today by default"
# A barcode scanner types each ID and Enter.
keys en A101 Enter A102 Enter A103 Enter
see en "[OK] A103  in storage -> checked out" "the third card is recorded"
see en "[OK] A101  in storage -> checked out" "the first card is recorded"
see en "Recorded: 3" "three recorded"
for c in A101 A102 A103; do
	is "$(status_of $c)" checked_out "$c is checked out in the ledger"
done
is "$(sqlq "select group_concat(p.code || ' ' || e.for_date, ',') from
	custody_event e join staff p on p.id = e.staff_id
	where e.kind = 'checkout'")" "S02 $today,S02 $today,S02 $today" \
	"each checkout is S02's, for today"
keys en A105 Enter
see en "[!!] Refused: Card A105 (issued) cannot be checked out: only a card in" \
	"an issued card is refused, with the rule"
see en "Refused: 1" "counted as refused"
is "$(status_of A105)" issued "A105 is still issued"
is "$(sqlq "select count(*) from custody_event e join card c on
	c.id = e.card_id where c.mgmt_id = 'A105'")" 0 "and nothing was recorded for it"
keys en NOPE9 Enter
see en "No card or terminal NOPE9 in the ledger" "an unknown ID is refused"
narrow en "the custody screen"
keys en Escape
see en "What do you record?" "Esc: another movement"
keys en 3
see en "Issue" "issue"
keys en 04A103 Enter
see en "[OK] A103  checked out -> issued" "a card's number works as well as its ID"
is "$(status_of A103)" issued "A103 is issued in the ledger"
keys en Escape q
see en "Main menu" "back to the menu"

# ---- the end-of-day tally: a card missing, a witness -----------------------------

keys en 5
see en "No tally is open" "no tally yet"
keys en s
see en "Start today's tally now?" "s asks before starting the tally"
is "$(sqlq "select count(*) from session where kind = 'tally'")" 0 \
	"nothing started while it asks"
keys en y
see en "Tally 1 started: 2 expected back" "S02 starts today's tally"
see en "card A101  out by S02" "what is out is listed with who took it"
see en "card A102  out by S02" "both cards"
keys en 04A101 Enter
see en "Last card: [OK] A101 04A101  back" "a returned card read by wedge"
see en "Still out (1)" "one still out"
wait_for en "card A101  out by" 1 >/dev/null
ok $((!$?)) "A101 is no longer listed"
keys en 04FFFF Enter
see en "[?] - 04FFFF  unknown card" "an unknown card is an alert"
is "$(sqlq "select outcome from scan where session_id = 1 and
	serial = '04A101'")" accepted "the read is in the ledger"
narrow en "the tally screen"

keys en x
see en "Tally 1 is not balanced (1 missing): a manager must witness the close" \
	"closing without a witness is refused"
see en "Witness: code" "the witness form"
is "$(sqlq "select closed_at is null from session where id = 1")" 1 \
	"the tally is still open"
# The note, and no witness: refused again.
keys en Tab Tab
keys en -l "A102 not back, window 2 asked"
keys en Enter
see en "Tally 1 is not balanced" "no witness, no close"
# The same person.
keys en S02 Tab 2222 Tab Enter
see en "another person than S02" "S02 cannot witness their own tally"
keys en M01 Tab 0000 Tab Enter
see en "Unknown staff code or wrong PIN for M01" "a wrong witness PIN is refused"
is "$(sqlq "select failed_pins from staff where code = 'M01'")" 1 \
	"and recorded against M01"
keys en S03 Tab 3333 Tab Enter
see en "must be a manager (S03 is staff)" "a staff member may not witness"
is "$(sqlq "select closed_at is null from session where id = 1")" 1 \
	"the tally is still open after the refusals"
keys en M01 Tab 1111 Tab Enter
see en "Tally 1 closed: 1 back, 0 issued, 1 missing (witnessed)" \
	"the witnessed close"
see en "No tally is open" "no tally open any more"
is "$(sqlq "select w.code || ' ' || s.note from session s join staff w on
	w.id = s.witness_id where s.id = 1")" "M01 A102 not back, window 2 asked" \
	"the witness and the note are recorded"
is "$(status_of A101)" stored "the read became a return"
is "$(status_of A102)" checked_out "A102 is still out"
keys en q
see en "Main menu" "back to the menu"

# ---- close the safe; a return while it is closed is flagged ----------------------

keys en 6
see en "c close the safe" "the safe may be closed"
keys en c
see en "Safe closed by S02" "closed"
see en "Safe: closed" "shown closed"
is "$(sqlq "select p.code from key_opening k join staff p on
	p.id = k.closed_by")" S02 "the close is in the key log"
keys en q 4 2
see en "Return" "return"
keys en A102 Enter
see en "[OK] A102  checked out -> in storage  ! flagged" \
	"a return while the safe is closed is flagged"
see en "Safe recorded closed: flagged in the key log (1)" "and warned"
is "$(sqlq "select e.safe_closed from custody_event e join card c on
	c.id = e.card_id where c.mgmt_id = 'A102' and e.kind = 'return'")" 1 \
	"the flag is in the ledger"
keys en A102 Enter
see en "Card A102 (in storage) cannot be returned: only a checked-out" \
	"a second return is refused"
keys en Escape q

# ---- the lookup: record and history -----------------------------------------------

keys en 3
see en "Card or management ID" "the lookup asks for a card"
keys en A101 Enter
see en "A101  04A101  in storage" "the card's record"
see en "Home: SAFE1/T01" "its home"
see en "Received 2025-06-01" "its dates"
see en "Last seen:" "its last sighting"
see en "Returned  by S02  SAFE1/T01" "history: the return at the tally's close"
see en "Read in tally 1  by S02: accepted" "history: the read in the tally"
see en "Checked out  by S02  SAFE1/T01  (for $today)" "history: the checkout"
order=$(screen en | grep -oE 'Returned|Read in tally|Checked out  by' | tr '\n' ,)
is "$order" "Returned,Read in tally,Checked out  by," "newest first"
keys en 04FFFF Enter
see en "No card with this number or management ID: 04FFFF" "an unknown card"
narrow en "the lookup screen"
keys en q
see en "Main menu" "back to the menu"
keys en F10
see en "Staff code" "logged out"

# ---- a part-timer ---------------------------------------------------------------

login en P04 4444
see en "Main menu" "P04 logs in"
screen en | grep -q "Check out / return / issue"
ok $((!$?)) "a part-timer is not offered check-out"
see en "Card lookup" "but may look a card up"
keys en 4
see en "No tally is open" "and may open the tally screen (to scan returns)"
keys en s
see en "Part-time staff may not open a tally (P04 is parttime)" "but not start a tally"
is "$(sqlq "select count(*) from session where kind = 'tally'")" 1 \
	"no tally was started"
keys en q 5
see en "Safe: closed" "the key screen"
keys en o
see en "Part-time staff may not open the safe (P04 is parttime)" \
	"a part-timer may not open the safe"
keys en q F10
see en "Staff code" "logged out"
tm kill-session -t en

# ---- Japanese -------------------------------------------------------------------

tui ja LANG=C.UTF-8 -- --lang ja
see ja "職員コード" "--lang ja gives Japanese"
login ja M01 1111
see ja "3  カード照会" "the lookup in Japanese"
keys ja 3
see ja "カード番号・管理番号" "the lookup's field in Japanese"
keys ja 04A102 Enter
see ja "A102  04A102  保管中" "the record in Japanese"
see ja "履歴（新しい順）" "the history's title"
see ja "返却  担当 S02" "a return in the history"
keys ja q 4 1
see ja "対象日" "the checkout's date field in Japanese"
keys ja A105 Enter
see ja "拒否: カード A105（交付済）は持ち出せません: 保管中のカードだけが" \
	"a refusal with its rule in Japanese"
narrow ja "the Japanese custody screen"
keys ja Escape q 6
see ja "金庫: 施錠" "the safe's state in Japanese"
keys ja F10
see ja "職員コード" "logged out"
tm kill-session -t ja

# ---- the tally takes what is typed as it is listed (issue 18) -------------------

# A management ID with letters beyond hex, and a terminal by its code: typed
# as the tally lists them, each is the item listed, not an unknown card.
cat >"$WORK/more.csv" <<'EOF'
mgmt_id,serial,location,received,reminder_sent,status
M000402,04B402,SAFE1/T02,2025-06-01,,
EOF
as M01 1111 import "$WORK/more.csv"
is "$RC" 0 "a card whose ID has letters imported"
as M01 1111 asset add TERM1 --name "Issuing terminal 1" --tag 04FFEE01 \
	--location SAFE1/SHELF
is "$RC" 0 "a terminal with a tag registered"
as S02 2222 checkout M000402 TERM1
is "$RC" 0 "both checked out"
tui tt LANG=C.UTF-8 --
see tt "Staff code" "login screen"
login tt M01 1111
see tt "Main menu" "M01 logs in"
keys tt 5 s
see tt "Start today's tally now?" "s asks first"
keys tt Enter
see tt "Tally 2 started: 2 expected back" "a tally of M000402 and TERM1"
see tt "card M000402  out by S02" "the card listed by its ID"
see tt "terminal TERM1  out by S02" "the terminal listed by its code"
typed tt M000402
see tt "Last card: [OK] M000402 04B402  back" \
	"M000402 typed as listed is the card listed"
typed tt TERM1
see tt "Last card: [OK] TERM1 04FFEE01  back" \
	"a terminal typed by its code is the terminal"
is "$(sqlq "select group_concat(serial || ' ' || outcome, ',') from (select
	serial, outcome from scan where session_id = 2 order by id)")" \
	"04B402 accepted,04FFEE01 accepted" "both reads are returns, no alert"
see tt "none: the tally is balanced" "nothing is still out"
keys tt x
see tt "Tally 2 closed: 2 back, 0 issued, 0 missing" "and it closes"
keys tt F10
see tt "Staff code" "logged out"
tm kill-session -t tt

as M01 1111 audit verify
is "$RC" 0 "the audit chain is intact after all of it"

done_testing
