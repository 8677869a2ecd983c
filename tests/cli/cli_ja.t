#!/usr/bin/env bash
# The command line in the clerk's language (issue 18): under a Japanese
# locale (LANG, LC_ALL or LC_MESSAGES) the text reports and the refusals
# are Japanese, with no English word left (the rule of tui_ja.t,
# ja_words.sh), while --json, CSV and exit codes are byte for byte those
# of the C locale: other programs parse them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ja_words.sh"

export TZ=Asia/Tokyo CARDTALLY_CONF="$WORK/none.conf"
T0=1772413200 # 2026-03-02 10:00 in Tokyo
export CARDTALLY_NOW=$((T0 - 18 * 3600))

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' mgmt_id,serial,location,received \
	"A101,04A101,SAFE1/T01,2025-06-01" "A102,04A102,SAFE1/T01,2025-06-01" \
	>"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "setup: the stock list imported"
as M01 1111 key holder add S02 --order 1
export CARDTALLY_NOW=$T0
# Something in every section of status: the safe open, a count open, a
# card checked out, a locked account.
as S02 2222 key open --purpose "monthly count"
as M01 1111 count start --kind full
as S02 2222 checkout A102
is "$RC" 0 "setup: A102 checked out"
for i in 1 2 3 4 5; do as S03 9999 key close >/dev/null; done

# ja LOCALE-VAR ARGS...: cardtally under that Japanese locale variable
# alone (the others cleared, so that the one given decides); en ARGS...:
# under LC_ALL=C.  Like ct: $OUT, $ERR, $RC.
ja() {
	local var=$1
	shift
	env -u LC_ALL -u LC_MESSAGES -u LANG -u LANGUAGE "$var=ja_JP.UTF-8" \
		"$CT" "$@" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}
en() {
	env -u LC_MESSAGES -u LANG -u LANGUAGE LC_ALL=C \
		"$CT" "$@" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}

# words NAME TEXT [TODO]: TEXT holds no English word (staff names, card
# IDs and locations of the ledger are data, not messages; nor are the
# program's name and the command lines a report tells to run: the
# interface's names).
words() {
	local w
	w=$(printf '%s\n' "$2" | sed -e "s#$WORK##g" -e 's/Person//g' \
		-e 's/Manager//g' -e 's/monthly count//g' -e 's/SAFE/X1/g' \
		-e "s/'cardtally [a-z ]*'//g" -e 's/cardtally//g' \
		-e 's/audit verify//g' -e 's/plan cycle//g' \
		-e 's/--[a-z-]*\( [A-Z]\b\)\?//g' |
		english_words)
	if [ -z "$w" ]; then
		ok 0 "$1"
	elif [ -n "${3:-}" ]; then
		_n=$((_n + 1))
		echo "not ok $_n - $1 # TODO $3"
		diag "English words: $w"
	else
		ok 1 "$1"
		diag "English words: $w"
		printf '%s\n' "$2" | sed 's/^/#   | /'
	fi
}

# The text report, under each of the three variables.
for var in LANG LC_ALL LC_MESSAGES; do
	ja "$var" status
	is "$RC" 0 "status under $var=ja_JP.UTF-8: exit 0"
	words "status under $var: Japanese" "$OUT"
done
like "$OUT" '^状況 2026-03-02T10:00:00\+09:00$' "status: its first line"
like "$OUT" '^持出し中:$' "status: a heading"
like "$OUT" '^  カード   A102 ' \
	"status: a translated label padded to its column by display columns"
words "status: the plan section" \
	"$(printf '%s\n' "$OUT" | grep '^計画:\|^  範囲:\|^  最も古い')"
like "$OUT" '^計画: 周期計画なし（plan cycle --months K --apply）$' \
	"status: the plan section's first line"

# English as before.
en status
like "$OUT" '^status 2026-03-02T10:00:00\+09:00$' "status under C: English"
like "$OUT" '^  card     A102 ' "status under C: as before"

# Refusals: the command line's own, and a workflow's (cli_fail).
while IFS='|' read -r name args; do
	# shellcheck disable=SC2086
	ja LANG $args 3<<<"1111"
	enrc=$RC
	en $args 3<<<"1111"
	is "$enrc" "$RC" "$name: the exit code of the C locale ($RC)"
	ja LANG $args 3<<<"1111"
	like "$ERR" '^cardtally: ' "$name: a message"
	todo=
	[ "$name" != "no ledger" ] ||
		todo="the ledger's own messages (data/ledger.c) are English"
	words "$name: Japanese" "$(printf '%s\n' "$ERR" | grep '^cardtally: ' |
		sed 's/^cardtally: //')" "$todo"
done <<'EOF_R'
an unknown command|frobnicate2
an unknown option|status --frob2
a missing argument|staff unlock --as M01 --pin-fd 3
an unexpected argument|status extra3
no ledger|status --db /nonexistent/ledger9.db
a wrong PIN|staff unlock S03 --as S02 --pin-fd 3
a locked account|key close --as S03 --pin-fd 3
a role refused|staff unlock S03 --as P04 --pin-fd 3
a bad option value|count start --kind sometimes4 --as M01 --pin-fd 3
EOF_R

# Every text report with something in each of its sections: a partial
# count of two trays with a card missing, one misplaced, an unknown one and
# one checked out, a resolution with a note, a near-miss, a count-only
# check.
export CARDTALLY_NOW=$((T0 + 3600))
printf '%s\n' mgmt_id,serial,location,received \
	"A103,04A103,SAFE1/T01,2025-06-01" "A201,04A201,SAFE1/T02,2025-06-01" \
	"A202,04A202,SAFE1/T02,2025-06-01" >"$WORK/stock2.csv"
as M01 1111 import "$WORK/stock2.csv"
is "$RC" 0 "setup: more cards imported"
as M01 1111 count start --kind partial --ranges SAFE1/T01,SAFE1/T02 \
	--assign SAFE1/T01=S02,SAFE1/T02=S02
is "$RC" 0 "setup: a partial count started"
C=$OUT
printf 'card %s\n' 04A101 04A201 04F999 >"$WORK/t01.sim"
as S02 2222 scan --session "$C" --range SAFE1/T01 --reader "sim:$WORK/t01.sim"
printf 'card %s\n' 04A202 >"$WORK/t02.sim"
as S02 2222 scan --session "$C" --range SAFE1/T02 --reader "sim:$WORK/t02.sim"
as M01 1111 count resolve "$C" --card A201 --reason found_elsewhere \
	--note "棚を戻し忘れ"
is "$RC" 0 "setup: the misplaced card resolved"
as S02 2222 note add --card A101 --text "読取機が一度反応せず"
is "$RC" 0 "setup: a near-miss"
as M01 1111 count start --kind countonly --ranges SAFE1/T02 \
	--assign SAFE1/T02=S02
CO=$OUT
as S02 2222 count total --session "$CO" --range SAFE1/T02 --cards 1
is "$RC" 0 "setup: a count-only total"

# report NAME ARGS...: the text report under LANG=ja_JP.UTF-8 holds no
# English word, with the exit code of the C locale.
report() {
	local name=$1
	shift
	en "$@"
	local enrc=$RC
	ja LANG "$@"
	is "$RC" "$enrc" "$name: the exit code of the C locale ($enrc)"
	words "$name: Japanese" "$OUT"
}
report "reconcile" reconcile "$C"
like "$OUT" "^棚卸し $C（一部）、範囲 2$" "reconcile: its first line"
like "$OUT" '^  A102 +04A102 +SAFE1/T01 +担当 S02$' \
	"reconcile: a checked-out card, its location padded by display columns"
like "$OUT" '^結果: 差異 3 件、処理済み 1 件、未処理 2 件$' "reconcile: the result"
report "count discrepancies" count discrepancies "$C"
like "$OUT" '^  保管場所違い A201 ' "count discrepancies: a code as a word, padded"
report "reconcile of a count-only check" reconcile "$CO"
like "$OUT" '確認 1（S02）: 不足$' "count-only check: the state as a word"
report "report incident" report incident --count "$C"
report "report record-book" report record-book --month 2026-03
report "report daily" report daily --date 2026-03-02
like "$OUT" '^監査ログ$' "report daily: a heading"
report "audit verify" audit verify
report "plan assign" plan assign --count "$C"
report "plan cycle" plan cycle --months 2
as M01 1111 plan cycle --months 2 --apply
is "$RC" 0 "setup: a cycle plan"
report "status with a cycle plan" status
like "$OUT" '^計画: 周期 2026-03..2026-04（2 か月）$' \
	"status: the plan section with a cycle"

# What programs read is the same in both languages.
while IFS='|' read -r name args; do
	# shellcheck disable=SC2086
	en $args
	e_out=$OUT e_rc=$RC
	ja LANG $args
	is "$OUT" "$e_out" "$name: byte-identical under Japanese"
	is "$RC" "$e_rc" "$name: the same exit code"
	[ -n "$e_out" ] || { ok 1 "$name: printed something"; continue; }
done <<EOF_J
status --json|status --json
staff list --json|staff list --json
key log --json|key log --json
daily report --json|report daily --json
record book CSV|report record-book --month 2026-03 --format csv
record book JSON|report record-book --month 2026-03 --format json
reconcile --json|reconcile $C --json
count discrepancies --json|count discrepancies $C --json
count-only check --json|reconcile $CO --json
report incident --json|report incident --count $C --json
audit verify --json|audit verify --json
plan assign --json|plan assign --count $C --json
plan cycle --json|plan cycle --months 2 --json
EOF_J

done_testing
