#!/usr/bin/env bash
# Changing one range's assignee on the count-start screen changes that
# range alone (issue 18: "changing one range's assignee silently changes
# another's", seen in Japanese and in English).  The proposal was re-planned
# from scratch after every change: giving SAFE1/T01 to the person the
# planner had given SAFE1/T02 moved SAFE1/T02 to someone else to even the
# load, and nothing on screen said so.  Driven for real in tmux at 80x24 in
# both languages; what opens is checked in the ledger.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
cat >"$WORK/stock.csv" <<'EOF_CSV'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A201,04A201,SAFE1/T02,2025-06-01,,
A301,04A301,SAFE1/T03,2025-06-01,,
EOF_CSV
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "three trays imported"

. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/ja_words.sh"

# assignee SESSION RANGE: the staff code the proposal on screen gives RANGE.
assignee() {
	screen "$1" | awk -v r="$2" '/^  / && $1 == r { print $2 }'
}
# shows SESSION RANGE CODE NAME: a test that the proposal comes to give
# RANGE to CODE.
shows() {
	local i=0
	while [ "$(assignee "$1" "$2")" != "$3" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	is "$(assignee "$1" "$2")" "$3" "$4"
}

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en M01 1111
see en "Start a count" "the menu"
keys en 7
see en "What kind of count?" "the kind"
keys en 1
see en "No cycle plan: every range selected" "every range selected"
keys en Enter
see en "Who counts which range" "the proposal"
# The planner gives three ranges to three people (four may count).
read -r T1 T2 T3 <<<"$(assignee en SAFE1/T01) $(assignee en SAFE1/T02) $(assignee en SAFE1/T03)"
ok $([ -n "$T1" ] && [ -n "$T2" ] && [ -n "$T3" ] && [ "$T1" != "$T2" ]; echo $?) \
	"the planner gives each range someone, T01 and T02 different people ($T1 $T2 $T3)"
# SAFE1/T01 to the person who has SAFE1/T02: that person then has two, and
# a planner evening the load would move SAFE1/T02 to someone else.
keys en c
see en "New assignee of SAFE1/T01:" "c asks for SAFE1/T01's new assignee"
typed en "$T2"
see en "SAFE1/T01 goes to $T2" "SAFE1/T01 goes to $T2"
is "$(assignee en SAFE1/T01)" "$T2" "SAFE1/T01 shows $T2"
is "$(assignee en SAFE1/T02)" "$T2" "SAFE1/T02 still shows $T2"
is "$(assignee en SAFE1/T03)" "$T3" "SAFE1/T03 still shows $T3"
is "$(screen en | grep -c "(changed by hand)")" 1 "one range is marked changed by hand"
screen en | grep -F "SAFE1/T01" | grep -qF "(changed by hand)"
ok $? "and it is SAFE1/T01"
is "$(screen en | grep -c "(planner)")" 2 "the other two are still the planner's"
# A second change, of SAFE1/T03, leaves SAFE1/T01 and SAFE1/T02 alone.
keys en Down Down c
see en "New assignee of SAFE1/T03:" "SAFE1/T03's new assignee"
typed en "$T1"
see en "SAFE1/T03 goes to $T1" "SAFE1/T03 goes to $T1"
is "$(assignee en SAFE1/T01) $(assignee en SAFE1/T02) $(assignee en SAFE1/T03)" \
	"$T2 $T2 $T1" "each range shows what was given it, nothing else moved"
# A refused change leaves everything as it was.
keys en Up c
typed en NOBODY
see en "NOBODY" "an unknown code is refused"
is "$(assignee en SAFE1/T01) $(assignee en SAFE1/T02) $(assignee en SAFE1/T03)" \
	"$T2 $T2 $T1" "after a refusal the proposal is as it was"
keys en o
see en "Count 1 is open" "o opens the count"
is "$(sqlq "select group_concat(l.path || '=' || s.code, ' ') from
	(select * from session_range where session_id = 1 order by location_id) r
	join location l on l.id = r.location_id
	join staff s on s.id = r.assignee_id")" \
	"SAFE1/T01=$T2 SAFE1/T02=$T2 SAFE1/T03=$T1" \
	"the count opened with exactly what the screen showed"
keys en F10
see en "Logged out" "M01 logs out"

# ---- the same in Japanese --------------------------------------------------

tui ja LANG=C.UTF-8 -- --lang ja
wait_for ja "F2" >/dev/null
login ja M01 1111
see ja "メインメニュー" "the Japanese menu"
keys ja 7
wait_for ja "3  " >/dev/null
keys ja 1
keys ja Enter
see ja "SAFE1/T03" "the Japanese proposal"
read -r J1 J2 J3 <<<"$(assignee ja SAFE1/T01) $(assignee ja SAFE1/T02) $(assignee ja SAFE1/T03)"
ok $([ -n "$J1" ] && [ -n "$J2" ] && [ -n "$J3" ] && [ "$J2" != "$J3" ]; echo $?) \
	"a proposal in Japanese ($J1 $J2 $J3)"
keys ja Down Down c
typed ja "$J2"
shows ja SAFE1/T03 "$J2" "SAFE1/T03 shows $J2"
is "$(assignee ja SAFE1/T01) $(assignee ja SAFE1/T02)" "$J1 $J2" \
	"SAFE1/T01 and SAFE1/T02 still show $J1 and $J2"
no_english ja "no English on the Japanese proposal"
narrow ja "the Japanese proposal fits 80 columns"
keys ja F10

done_testing
