#!/usr/bin/env bash
# Who counts which range this month, on the screen (issue 18: "'who counts
# which range this month' has no screen: no plan or rotation view; the
# proposal can name a locked account"): the cycle plan's ranges of the
# month, the open count's ranges with their assignee or the planner's
# proposal, who counted each the last two times, and for a range nobody
# may count each person's reason; a range kept for someone locked out
# since is proposed to someone else, on the screen and on the command
# line; staff may look but not apply; a manager applies the proposal
# after a question, checked in the ledger.  Driven for real in tmux at
# 80x24, in English and in Japanese.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A201,04A201,SAFE1/T02,2025-06-01,,
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
# S03 counted SAFE1/T01 in its last two counts (R6).
for i in 1 2; do
	as M01 1111 count start --kind partial --ranges SAFE1/T01 \
		--assign SAFE1/T01=S03
	is "$OUT" "$i" "earlier count $i of SAFE1/T01, by S03"
done
as M01 1111 plan cycle --months 2 --apply
is "$RC" 0 "a cycle plan of two months"
# Count 3: both ranges given to S02 by hand.
as M01 1111 count start --kind partial --ranges SAFE1/T01,SAFE1/T02 \
	--assign SAFE1/T01=S02,SAFE1/T02=S02
is "$OUT" 3 "count 3, both ranges S02's"
# From now on only S03 has the training cards need; then S02 locks the
# account with five wrong PINs.
as M01 1111 training course add K1 --name "カード取扱" --required-for cards
is "$RC" 0 "course K1 required for work with cards"
as M01 1111 training record K1 --staff S03 --date 2026-03-01
is "$RC" 0 "S03 attended K1"
for i in 1 2 3 4 5; do as S02 9999 key close; done
is "$(sqlq "select locked from staff where code = 'S02'")" 1 "S02 is locked"

# The command line's proposal: S02, locked, is named for neither range.
ct plan assign --count 3 --json
is "$RC" 0 "plan assign --count 3"
is "$(printf '%s' "$OUT" | pyjson 'sorted((a["range"], a["staff"]) for a in d["assignments"])')" \
	'[["SAFE1/T02","S03"]]' "the proposal gives T02 to S03, not to locked S02"
is "$(printf '%s' "$OUT" | pyjson '[u["range"] for u in d["unassigned"]]')" \
	'["SAFE1/T01"]' "and T01 to nobody"

. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/ja_words.sh"

menu_key() {
	wait_for "$1" "  $2" >/dev/null
	screen "$1" | sed -n "s/^ *\([0-9a-z]\)  $2.*/\1/p" | head -1
}

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en S03 3333
K=$(menu_key en "Who counts which range")
ok $((!${#K})) "S03's menu offers who counts which range ($K)"
keys en "$K"
see en "Who counts which range this month" "the plan screen"
see en "This month's full counts (cycle plan):" "the cycle plan's month"
see en "SAFE1/T01  due this month" "T01 is due this month"
see en "Count 3 (partial count) of 2026-03-02" "the open count"
see en "SAFE1/T01  ! nobody may count it:" "T01: nobody"
see en "last counted by: S03 2026-03-02, S03 2026-03-02" \
	"who counted T01 the last two times"
see en "S02: Cannot give SAFE1/T01 to S02: account S02 is locked" \
	"S02's reason: locked"
see en "S03: " "S03's reason"
narrow en "the plan screen"
see en "(lines 1-" "the list says there is more below"
keys en End
see en "SAFE1/T02  S03 (proposed)" "End: T02 proposed to S03"
gone en "SAFE1/T02  S02" "not to S02, who is locked"
keys en Home
keys en a
see en "Only a manager may" "staff may not apply the proposal"
keys en q F10
see en "Staff code" "S03 logged out"

login en M01 1111
K=$(menu_key en "Who counts which range")
keys en "$K"
wait_for en "Count 3" >/dev/null
keys en End
see en "SAFE1/T02  S03 (proposed)" "the manager sees the proposal"
keys en a
see en "Give count 3's unassigned ranges to the people proposed?" \
	"it asks first"
is "$(sqlq "select s.code from session_range r join location l
	on l.id = r.location_id join staff s on s.id = r.assignee_id
	where r.session_id = 3 and l.path = 'SAFE1/T02'")" S02 \
	"nothing changed while it asks"
keys en y
see en "1 ranges of count 3 assigned" "applied"
keys en End
see en "SAFE1/T02  S03 (assigned)" "T02 is S03's now"
is "$(sqlq "select s.code from session_range r join location l
	on l.id = r.location_id join staff s on s.id = r.assignee_id
	where r.session_id = 3 and l.path = 'SAFE1/T02'")" S03 \
	"the ledger: T02 assigned to S03"
keys en q F10

tui ja LANG=C.UTF-8 -- --lang ja
wait_for ja "F2" >/dev/null
login ja S03 3333
K=$(menu_key ja "範囲ごとの担当者")
ok $((!${#K})) "the Japanese menu offers it ($K)"
keys ja "$K"
see ja "SAFE1/T01" "the plan screen in Japanese"
no_english ja "no English on the Japanese plan screen" Person
keys ja End
no_english ja "no English in the Japanese reasons" Person
narrow ja "the Japanese plan screen"
keys ja a
no_english ja "the refusal in Japanese" Person
keys ja q F10

done_testing
