#!/usr/bin/env bash
# Text from files, cards or people never reaches a terminal as control
# sequences (issue 13).  Text is checked where it enters (text_check), but a
# ledger edited behind the program's back, or restored from elsewhere, may
# hold any bytes: here a staff name, a near-miss, a resolution's note, the
# safe's purpose and a location are given ESC [2J (clear the screen) and
# U+009B (the one-byte CSI of C1), and every text report must show them
# escaped (common/text.c text_escape) on stdout and stderr alike; the
# TUI's screens are checked in tui_escape.t.
. "$(dirname "$0")/lib.sh"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
{
	echo mgmt_id,serial,location,received
	echo A101,04A101,SAFE1/T01,2025-06-01
	echo A102,04A102,SAFE1/T01,2025-06-01
	echo A103,04A103,SAFE1/T01,2025-06-01
	echo A201,04A201,SAFE1/T02,2025-06-01
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"
as S02 2222 note add --text "left on the desk" --card A101
is "$RC" 0 "prepared: a near-miss"
with_witness S02 2222 M01 1111 key open --purpose "count"
is "$RC" 0 "prepared: the safe is open"
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$OUT" 1 "prepared: count 1 over SAFE1/T01"
printf 'card 04A101\nremove\n' >"$WORK/t01.sim"
as S02 2222 scan --session 1 --range SAFE1/T01 --reader "sim:$WORK/t01.sim"
is "$RC" 0 "prepared: A101 read, A102 and A103 missing"
as M01 1111 count resolve 1 --reason lost --card A102 --note "not there"
is "$RC" 0 "prepared: A102 resolved lost with a note"
as S02 2222 checkout A201
is "$RC" 0 "prepared: A201 checked out"

# ESC [2J and U+009B (C2 9B in UTF-8) into the ledger's text.
bad="char(27) || '[2J' || char(155)"
sqlq "UPDATE staff SET name = 'Suzuki' || $bad WHERE code = 'S02';
	UPDATE near_miss SET text = 'desk' || $bad;
	UPDATE resolution SET note = 'gone' || $bad;
	UPDATE key_opening SET purpose = 'count' || $bad;
	UPDATE location SET path = 'SAFE1/T01' || $bad WHERE path = 'SAFE1/T01'"
is "$(sqlq "SELECT count(*) FROM staff WHERE instr(name, char(27)) > 0")" 1 \
	"prepared: the name holds ESC"

month=$(date +%Y-%m)
# raw OUTPUT: 0 when OUTPUT holds ESC or a C1 control (U+0080-U+009F).
raw() {
	printf '%s' "$1" | LC_ALL=C grep -q "$(printf '\033')\|$(printf '\302')[$(printf '\200')-$(printf '\237')]"
}
for cmd in "status" "staff list" "note list" "key log" "key holder list" \
	"count discrepancies 1" "reconcile 1" "report daily" \
	"report record-book --month $month" "report incident --count 1" \
	"tally list" "dispose due" "dispose list" "training list" \
	"audit show"; do
	# shellcheck disable=SC2086 # each command is several words
	ct $cmd
	ok "$([ "$RC" -lt 64 ]; echo $?)" "$cmd: runs (exit $RC)"
	raw "$OUT$ERR"
	ok "$([ $? -ne 0 ]; echo $?)" "$cmd: no ESC or C1 control on stdout or stderr"
	printf '%s\n%s\n' "$OUT" "$ERR" >"$WORK/$(echo "$cmd" | tr ' /' '__').txt"
done
# Shown, escaped: the reader can still see what is there.
shown() { cat "$WORK/$1.txt"; }
like "$(shown status)" 'count\\x1B\[2J\\u\{009B\}' "status: the purpose shown escaped"
like "$(shown staff_list)" 'Suzuki\\x1B\[2J\\u\{009B\}' \
	"staff list: the name shown escaped"
like "$(shown note_list)" 'desk\\x1B\[2J\\u\{009B\}' \
	"note list: the near-miss shown escaped"
like "$(shown count_discrepancies_1)" 'gone\\x1B\[2J\\u\{009B\}' \
	"count discrepancies: the note shown escaped"
like "$(shown count_discrepancies_1)" 'SAFE1/T01\\x1B\[2J\\u\{009B\}' \
	"count discrepancies: the location shown escaped"
like "$(shown report_incident_--count_1)" 'gone\\x1B\[2J\\u\{009B\}' \
	"report incident: the note shown escaped"

done_testing
