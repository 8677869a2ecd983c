#!/usr/bin/env bash
# The counting programme in the operator terminal UI, driven for real in
# tmux on a private socket at 80x24: starting a count with the rotation
# planner's proposal (a manual change that breaks the rotation rule is
# refused, another is taken), scanning it, the discrepancy on the overview,
# a manager resolving it with a reason valid for its kind, a recount
# refused for the first counter, closing with the witness logging in on the
# same screen (same person, wrong PIN and a non-manager refused); a
# two-person disposal in English and in Japanese (a due card taken, a card
# not due refused, a repeat, the certificate, the witness again at the
# close), checked in the disposal ledger; and the daily report, the record
# book and the incident report on screen.  Every step waits for the screen
# it expects (polling capture-pane); nothing sleeps a fixed time.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

# A fixed clock: 2026-03-02 10:00 in Tokyo.
export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
as M01 1111 staff add M05 --name "Deputy" --role manager --new-pin-fd 4 \
	4<<<5555
is "$RC" 0 "a second manager, M05, to witness"

# SAFE1/T01 and T02 are counted; D101 (reminder 90 days ago) and D103
# (moved) are due for disposal, D106 is not.
cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A102,04A102,SAFE1/T01,2025-06-01,,
A103,04A103,SAFE1/T01,2025-06-01,,
A201,04A201,SAFE1/T02,2025-06-01,,
D101,04D101,SAFE2/T09,2025-06-01,2025-12-02,
D103,04D103,SAFE2/T09,2025-06-01,,moved
D106,04D106,SAFE2/T09,2025-06-01,,
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
# S03 counted SAFE1/T01 in its last two counts: the rotation rule (R6)
# bars S03 from it in the next one.
for i in 1 2; do
	as M01 1111 count start --kind partial --ranges SAFE1/T01 \
		--assign SAFE1/T01=S03
	is "$OUT" "$i" "earlier count $i of SAFE1/T01, by S03"
done
# The cycle plan: one range a month, SAFE1/T01 first (never counted in
# full, first by path).
as M01 1111 plan cycle --months 3 --apply
is "$RC" 0 "a cycle plan of three months"
ct status --json
DUE=$(printf '%s' "$OUT" | pyjson '",".join(d["plan"]["due"])')
is "$DUE" "SAFE1/T01" "the plan says SAFE1/T01 is due this month"

. "$(dirname "$0")/tmux.sh"

# ---- starting a count ------------------------------------------------------

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en M01 1111
see en "7  Start a count" "the menu offers starting a count"
see en "8  Count overview and close" "and the count overview"
see en "9  Disposal (two people)" "and disposal"
see en "a  Reports" "and reports"
keys en 7
see en "What kind of count?" "the kind is asked first"
keys en 2
see en "Selected to begin with: what the cycle plan says is due" \
	"ranges: the plan's selection"
see en "[x] SAFE1/T01" "the range due this month is selected"
see en "due this month" "and marked due"
see en "[ ] SAFE1/T02" "a range not due is not"
see en "Selected: 1 / 3" "one of three selected"
keys en Down Space
see en "[x] SAFE1/T02" "Space selects a second range"
keys en Enter
see en "Who counts which range" "the planner's proposal"
see en "(planner)" "assignments by the planner"
gone en "SAFE2/T09" "a range not chosen is not in the proposal"
gone en "SAFE1/T01                S03" "the planner did not give SAFE1/T01 to S03"
is "$(sqlq "select count(*) from session")" 2 "the proposal opened nothing"
# A manual change that breaks the rotation rule: refused with the rule.
keys en c
see en "New assignee of SAFE1/T01:" "c asks for the new assignee"
typed en S03
see en "Cannot give SAFE1/T01 to S03" "S03 for SAFE1/T01 is refused"
see en "rotation rule (R6): S03 counted SAFE1/T01" "naming the rule"
gone en "(changed by hand)" "the proposal is unchanged"
keys en c
typed en S02
see en "SAFE1/T01 goes to S02" "S02 for SAFE1/T01 is taken"
see en "SAFE1/T01                S02      (changed by hand)" \
	"shown as changed by hand"
keys en Down c
typed en S02
see en "SAFE1/T02 goes to S02" "S02 for SAFE1/T02 too"
narrow en "the proposal fits 80 columns"
keys en o
see en "Count 3 is open" "o opens the count"
is "$(sqlq "select l.path || '=' || s.code from session_range r
	join location l on l.id = r.location_id
	join staff s on s.id = r.assignee_id where r.session_id = 3
	order by l.path" | tr '\n' ' ')" "SAFE1/T01=S02 SAFE1/T02=S02 " \
	"the count's assignments are the ones shown"
is "$(sqlq "select kind from session where id = 3")" partial \
	"a partial count"
keys en F10
see en "Logged out" "M01 logs out"

# ---- S02 scans; the overview; staff may not resolve -------------------------

login en S02 2222
see en "1  Tray count" "S02's menu"
keys en 1
see en "1  Count 3  SAFE1/T01  (assigned to you)" "S02's ranges of count 3"
keys en 1
see en "Expected: 3" "three cards expected in SAFE1/T01"
typed en 04A101
see en "Seen: 1" "A101 read"
# A stray key is no card: a number nobody knows, typed, is refused and not
# recorded, so it leaves no discrepancy to resolve.
n=$(sqlq "select count(*) from scan where session_id = 3")
typed en 1
see en "No card 1 in the ledger: check the number" \
	"a typed number nobody knows: said"
is "$(sqlq "select count(*) from scan where session_id = 3")" "$n" \
	"a typed number nobody knows: not recorded"
typed en 04A102
see en "Seen: 2" "A102 read"
keys en q
see en "Not read yet: 1 of 3 cards" "leaving the tray names what is not read"
see en "A103         04A103" "A103"
keys en Enter
see en "Main menu" "back to the menu"
# SAFE1/T02 not read yet: its missing card is listed last, with a line
# that says why (issue 18: a tray not begun put every card of it at the top
# of the discrepancies).
keys en 8
see en "Choose an open count" "the overview, before SAFE1/T02 is read"
keys en 3
see en "SAFE1/T02                  S02              1      0" \
	"SAFE1/T02: nothing read yet"
see en "1 range with no card read yet: its 1 missing cards are listed last" \
	"said in one line"
see en "Discrepancies: 2, 2 without a resolution" \
	"both cards still count: an emptied tray reads nothing"
is "$(screen en | grep -o '\] A[0-9]*' | tr -d '] ' | tr '\n' ' ')" \
	"A103 A201 " "the started range's A103 first, the unread range's A201 last"
keys en q
see en "Choose an open count" "back to the open counts"
keys en q
see en "Main menu" "back to the menu"
keys en 1
see en "2  Count 3  SAFE1/T02" "and the other range"
keys en 2
typed en 04A201
see en "Seen: 1" "A201 read"
keys en q
keys en 8
see en "Choose an open count" "the overview lists open counts"
keys en 3
see en "Count 3 (partial)" "count 3"
see en "SAFE1/T01                  S02              3      2" \
	"SAFE1/T01: assignee, expected 3, seen 2"
see en "SAFE1/T02                  S02              1      1" \
	"SAFE1/T02: expected 1, seen 1"
see en "Discrepancies: 1, 1 without a resolution" "one discrepancy, open"
see en "[missing  ] A103" "A103 is missing"
see en "! OPEN" "not resolved"
keys en Tab r
see en "Only a manager may resolve a discrepancy (S02 is staff)" \
	"staff may not resolve (the rule named)"
keys en n
see en "Only a manager may order a recount (S02 is staff)" \
	"nor order a recount"
keys en F10
see en "Logged out" "S02 logs out"

# ---- the manager resolves, orders a recount, closes -------------------------

login en M01 1111
keys en 8
see en "Choose an open count" "the overview"
keys en 3
see en "[missing  ] A103" "A103 missing"
keys en c
see en "1 discrepancy without a resolution" \
	"closing with an open discrepancy is refused"
keys en n
see en "Who recounts it (staff code)" "n: who recounts the range"
typed en S02
see en "S02 counted SAFE1/T01 in count 3" \
	"the first counter may not recount it"
keys en n
typed en S03
see en "Recount 4 of SAFE1/T01 opened for S03" "S03 may"
is "$(sqlq "select of_session_id from recount where session_id = 4")" 3 \
	"the recount is linked to count 3"
keys en Tab r
see en "1  found elsewhere" "the reasons valid for a missing card"
see en "3  lost (an incident)" "lost among them"
gone en "recounted (a recount found it)" \
	"recounted is not offered: no recount read it"
keys en 3
see en "Note (Enter records the resolution)" "a note is asked"
typed en "not in the tray, police told"
see en "Declare A103 lost?" "declaring a card lost asks first"
is "$(sqlq "select count(*) from resolution where session_id = 3")" 0 \
	"nothing resolved while it asks"
keys en y
see en "A103 resolved: lost" "resolved"
see en "Discrepancies: 1, 0 without a resolution" "none open now"
see en "resolved lost M01" "the discrepancy shows its resolution"
is "$(sqlq "select reason || '|' || note from resolution where session_id = 3")" \
	"lost|not in the tray, police told" "the resolution is in the ledger"
# Closing: the witness logs in on this screen.
keys en c
see en "Close count 3?" "closing asks first"
keys en y
see en "a manager witnesses the close" "the witness form"
see en "Witness: code" "code"
keys en M01 Enter 1111
see en "****" "the witness's PIN is masked"
gone en "1111" "its digits never show"
keys en Enter
see en "another person than M01" \
	"the same person twice is refused"
keys en M05 Enter 9999 Enter
see en "Unknown staff code or wrong PIN for M05" "a wrong witness PIN is refused"
keys en S03 Enter 3333 Enter
see en "must be a manager (S03 is staff)" "a witness who is no manager is refused"
is "$(sqlq "select closed_at is null from session where id = 3")" 1 \
	"still open after the refusals"
keys en M05 Enter 5555 Enter
see en "Count 3 closed, witnessed by M05" "closed with the witness"
is "$(sqlq "select s.code || '/' || w.code from session x
	join staff s on s.id = x.closed_by join staff w on w.id = x.witness_id
	where x.id = 3")" "M01/M05" "closer and witness recorded"
is "$(sqlq "select count(*) from audit where action = 'staff.pin_failed'")" 1 \
	"the wrong witness PIN is audited"
keys en F10
see en "Logged out" "logged out"

# ---- a two-person disposal, in English --------------------------------------

login en S02 2222
keys en 9
see en "Cards due for disposal: 2" "two cards due"
see en "D101" "D101 listed"
see en "1  Start a new batch" "a new batch"
keys en Enter
see en "the witness logs in to start" "the witness form"
keys en S02 Enter 2222 Enter
see en "another person than S02" \
	"the same person twice is refused"
is "$(sqlq "select count(*) from disposal_batch")" 0 "no batch yet"
keys en M01 Enter 1111 Enter
see en "Disposal D1 started, witnessed by M01" "started with the witness"
typed en 04D101
see en "[+] D101" "a due card is taken"
see en "into the batch (reminder)" "saying why it is due"
see en "In the batch: 1" "one in the batch"
typed en 04D106
see en "[X] D106" "a card not due is refused"
see en "REFUSED: not due, put it back (in storage)" "saying so"
typed en 04D101
see en "[=] D101" "a repeat"
see en "already in this batch" "shown as a repeat"
see en "In the batch: 1" "still one"
narrow en "the disposal screen fits 80 columns"
keys en x
see en "How are they destroyed?" "x: the method"
keys en 2
see en "Certificate reference (required)" "a contractor needs a certificate"
keys en Enter
see en "needs the certificate's reference" "an empty one is refused"
typed en "CERT-42"
see en "The witness logs in again to close the batch" "the witness again"
keys en M01 Enter 0000 Enter
see en "Unknown staff code or wrong PIN for M01" "a wrong PIN is refused at the close"
is "$(sqlq "select closed_at is null from disposal_batch where id = 1")" 1 \
	"the batch is still open"
keys en M01 Enter 1111 Enter
see en "Disposal D1 closed: 1 cards disposed (contractor)" "closed"
is "$(sqlq "select m.code || '|' || w.code || '|' || b.method || '|' ||
	b.certificate from disposal_batch b join staff m on m.id = b.closed_by
	join staff w on w.id = b.close_witness_id where b.id = 1")" \
	"S02|M01|contractor|CERT-42" "the disposal ledger: who, witness, method"
is "$(sqlq "select c.mgmt_id from disposal d join card c on c.id = d.card_id
	where d.batch_id = 1")" D101 "only D101 is in the batch"
is "$(sqlq "select mgmt_id || '=' || status from card where mgmt_id in
	('D101', 'D106') order by mgmt_id" | tr '\n' ' ')" \
	"D101=disposed D106=stored " "D101 disposed, D106 still stored"
keys en q
keys en F10
see en "Logged out" "logged out"

# ---- reports ------------------------------------------------------------------

login en M01 1111
keys en a
see en "Choose a report" "the reports"
keys en 1
see en "cardtally daily report 2026-03-02" "the daily report"
see en "COUNTS" "its first section"
keys en End
see en "checked and signed (manager)" "End: its last line"
narrow en "the daily report fits 80 columns"
keys en q
keys en 2
see en "Month (YYYY-MM): 2026-03" "the record book asks the month"
keys en Enter
see en "Record book 2026-03: 4 counts begun this month" "the record book"
keys en End
see en "Count 4 (partial, recount of count 3)" "End: the recount, last"
see en "lost by M01 at" "count 3's resolution in it"
keys en q
keys en 3
typed en 3
see en "Incident report, count 3" "the incident report"
see en "A103  serial 04A103  home SAFE1/T01" "A103 in it"
keys en q
keys en 3
typed en 99
see en "No session 99" "an unknown count is refused"
keys en F10
see en "Logged out" "logged out"
tm kill-session -t en

# ---- a two-person disposal, in Japanese -------------------------------------

tui ja LANG=ja_JP.UTF-8 --
see ja "職員コード" "Japanese login"
login ja S03 3333
see ja "9  廃棄（二人）" "disposal in the Japanese menu"
keys ja 9
see ja "廃棄対象のカード: 1" "one card due"
keys ja Enter
see ja "立会人が開始のためにログイン" "the witness form in Japanese"
keys ja S03 Enter 3333 Enter
see ja "立会いは S03 以外の人でなければなりません" \
	"the same person, refused in Japanese"
keys ja M05 Enter 5555 Enter
see ja "廃棄 D2 を開始しました（立会人 M05）" "started"
typed ja 04D103
see ja "[+] D103" "a due card taken"
typed ja 04D106
see ja "[X] D106" "a card not due refused"
see ja "拒否: 対象外、元に戻す" "in Japanese"
narrow ja "the Japanese disposal screen fits 80 columns"
keys ja x
keys ja 1
see ja "証明書番号（任意）" "shred: the certificate is optional"
keys ja Enter
see ja "立会人が再度ログインして" "the witness again"
keys ja M05 Enter 5555 Enter
see ja "廃棄 D2 を完了: 1 枚 (裁断)" "closed, the method in words"
is "$(sqlq "select m.code || '|' || w.code || '|' || b.method from
	disposal_batch b join staff m on m.id = b.closed_by
	join staff w on w.id = b.close_witness_id where b.id = 2")" \
	"S03|M05|shred" "the disposal ledger"
is "$(sqlq "select status from card where mgmt_id = 'D103'")" disposed \
	"D103 disposed"

# The reports in Japanese: codes as words, no English headings.
keys ja q
keys ja a
keys ja 3
typed ja 3
see ja "事故報告、棚卸し 3（" "the incident report in Japanese"
see ja "保管場所 SAFE1/T01  台帳: 紛失" "its card: status lost as a word"
keys ja q
keys ja 1
see ja "cardtally 日報" "the daily report in Japanese"
keys ja End
see ja "確認・署名（管理者）" "its signature line"
see ja "--anchor" "the chain head to sign"
keys ja q
# ---- the count screen's refusals, in Japanese -------------------------------

as M01 1111 count start --kind partial --ranges SAFE1/T02 \
	--assign SAFE1/T02=S03
CNT=$OUT
is "$RC" 0 "count $CNT of SAFE1/T02 opened, nothing read: A201 missing"
# Where the overview lists it: open counts, oldest first.
NTH=$(sqlq "select count(*) from session where closed_at is null
	and kind <> 'tally' and id <= $CNT")
keys ja q
keys ja 8
see ja "実施中の棚卸しを選択" "the overview in Japanese"
keys ja "$NTH"
see ja "[不足     ] A201" "A201 is missing, as a word padded to 9 columns"
keys ja Tab r
see ja "差異を処理できるのは管理職だけです（S03 は職員）" \
	"staff may not resolve: the refusal in Japanese"
keys ja c
see ja "未解決の不一致が 1 件あります" \
	"closing with an open discrepancy: refused in Japanese"
gone ja "permission denied" "no English refusal"
gone ja "without a resolution" "no English refusal"
tm kill-session -t ja

ct audit verify
is "$RC" 0 "the audit chain is intact after all of it"

done_testing
