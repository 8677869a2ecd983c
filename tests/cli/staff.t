#!/usr/bin/env bash
# End-to-end tests of the people on the ledger (issue 19): the PIN lockout
# under 100 parallel tries, PINs changed by their owner and reset by a
# manager, deactivation and reactivation, role changes, new managers and
# the second manager they need (one manager is never two people), and the
# same refusal for an unknown staff code and a wrong PIN on every path.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
BAD=$(pin_file BAD 9999)

# add_staff ACTOR APIN CODE ROLE NEWPIN [ARGS...]: staff add, new PIN on 4.
add_staff() {
	local a=$1 p=$2 code=$3 role=$4 new=$5
	shift 5
	ct staff add "$code" --name "Person $code" --role "$role" --as "$a" \
		--pin-fd 3 --new-pin-fd 4 "$@" 3<<<"$p" 4<<<"$new"
}
# witnessed ACTOR APIN WITNESS WPIN ARGS...: a command with a witness.
witnessed() {
	local a=$1 p=$2 w=$3 wp=$4
	shift 4
	ct "$@" --as "$a" --pin-fd 3 --witness "$w" --witness-pin-fd 4 \
		3<<<"$p" 4<<<"$wp"
}

# ---- new managers: a second manager, except while the office is set up ----

add_staff M01 1111 M05 manager 5555
is "$RC" 0 "setup (no stock): the first manager adds a second alone"
add_staff M01 1111 M06 manager 6666 --witness M05 --witness-pin-fd 5 5<<<5555
is "$RC" 0 "a third manager, witnessed"
is "$(sqlq "select count(*) from audit where action = 'staff.witness' and
	subject = 'M06' and staff_id = (select id from staff where
	code = 'M05')")" 1 "the witness of a new manager is audited"

printf 'mgmt_id,serial,location,received\nA101,04A101,SAFE1/T01,2025-06-01\n' \
	>"$WORK/stock.csv"
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "stock imported: the office is set up"

add_staff M01 1111 M07 manager 7777
is "$RC" 77 "a new manager without a witness: exit 77"
like "$ERR" "adding a manager needs a second manager as witness" \
	"a new manager without a witness: says why"
is "$(sqlq "select count(*) from staff where code = 'M07'")" 0 \
	"a new manager without a witness: nobody added"
add_staff M01 1111 M07 manager 7777 --witness M01 --witness-pin-fd 5 5<<<1111
is "$RC" 77 "a new manager witnessed by the actor: exit 77"
like "$ERR" "another person than M01" "the witness is another person"
add_staff M01 1111 M07 manager 7777 --witness S02 --witness-pin-fd 5 5<<<2222
is "$RC" 77 "a new manager witnessed by staff: exit 77"
like "$ERR" "must be a manager" "the witness is a manager"
add_staff M01 1111 S08 staff 8888
is "$RC" 0 "adding staff needs no witness"

# The issue's case: a ledger with stock and one manager.  That manager
# cannot make a second one, so cannot witness for himself.
ONE="$WORK/one.db"
ct init --db "$ONE" --manager M01 --name Manager --pin-fd 3 3<<<1111
ct import "$WORK/stock.csv" --db "$ONE" --as M01 --pin-fd 3 3<<<1111
is "$RC" 0 "single-manager ledger with stock"
ct staff add M02 --db "$ONE" --name Twin --role manager --as M01 \
	--pin-fd 3 --new-pin-fd 4 3<<<1111 4<<<2222
is "$RC" 77 "one manager alone cannot make a second manager"
ct staff add S02 --db "$ONE" --name Twin --role staff --as M01 \
	--pin-fd 3 --new-pin-fd 4 3<<<1111 4<<<2222
ct staff role S02 --db "$ONE" --role manager --as M01 --pin-fd 3 3<<<1111
is "$RC" 77 "nor promote someone alone"
like "$ERR" "changing a role needs a second manager as witness" \
	"promotion: says why"
is "$(sqlite3 "$ONE" "select count(*) from staff where role = 'manager'")" \
	1 "still one manager"

# ---- a PIN changed by its owner ---------------------------------------------

ct staff pin --as S03 --pin-fd 3 --new-pin-fd 4 3<<<3333 4<<<3456
is "$RC" 0 "staff pin: the owner changes it with the old one"
as S03 3333 note add --text "old PIN"
is "$RC" 77 "the old PIN no longer works"
as S03 3456 note add --text "new PIN"
is "$RC" 0 "the new PIN works"
ct staff pin --as S03 --pin-fd 3 --new-pin-fd 4 3<<<3456 4<<<3456
is "$RC" 65 "the same PIN again: exit 65"
like "$ERR" "the new PIN is the old one" "the same PIN again: says so"
ct staff pin --as S03 --pin-fd 3 --new-pin-fd 4 3<<<3456 4<<<12
is "$RC" 65 "a new PIN that is not 4-12 digits: exit 65"
ct staff pin --as S03 --pin-fd 3 --new-pin-fd 4 3<<<0000 4<<<4567
is "$RC" 77 "a wrong old PIN: exit 77"
like "$ERR" "unknown staff code or wrong PIN for S03$" \
	"a wrong old PIN: says so"
is "$(sqlq "select failed_pins from staff where code = 'S03'")" 1 \
	"a wrong old PIN counts as a wrong PIN"
is "$(sqlq "select count(*) from audit where action = 'staff.pin_change'
	and subject = 'S03'")" 1 "the change is audited once"
is "$(sqlq "select count(*) from audit where detail like '%3456%' or
	detail like '%3333%'")" 0 "no PIN in the audit log"

# ---- a PIN reset by a manager -----------------------------------------------

for i in 1 2 3 4 5; do as S03 0000 note add --text x; done
like "$ERR" "locked" "S03 locked after 5 wrong PINs"
ct staff reset-pin S03 --as S02 --pin-fd 3 --new-pin-fd 4 3<<<2222 4<<<3333
is "$RC" 77 "reset-pin by staff: exit 77"
like "$ERR" "only a manager may reset a PIN" "reset-pin by staff: the rule"
ct staff reset-pin S03 --as M01 --pin-fd 3 --new-pin-fd 4 3<<<1111 4<<<3333
is "$RC" 0 "reset-pin by a manager: exit 0"
is "$(sqlq "select locked || failed_pins from staff where code = 'S03'")" \
	00 "reset-pin reopens the account"
as S03 3333 note add --text "after the reset"
is "$RC" 0 "the reset PIN works"
is "$(sqlq "select count(*) from audit where action = 'staff.pin_reset' and
	subject = 'S03' and detail like 'unlocked pin=%' and staff_id = (select id
	from staff where code = 'M01')")" 1 "the reset is audited with the manager"
ct staff reset-pin M05 --as M01 --pin-fd 3 --new-pin-fd 4 3<<<1111 4<<<1234
is "$RC" 77 "resetting a manager's PIN alone: exit 77"
like "$ERR" "resetting a manager's PIN needs a second manager" \
	"resetting a manager's PIN alone: says why"
witnessed M01 1111 M06 6666 staff reset-pin M05 --new-pin-fd 5 5<<<5678
is "$RC" 0 "resetting a manager's PIN with a second manager"
ct staff reset-pin M01 --as M01 --pin-fd 3 --new-pin-fd 4 3<<<1111 4<<<1234
is "$RC" 65 "resetting one's own PIN: exit 65"
like "$ERR" "change it with the old one" "resetting one's own PIN: says how"

# ---- deactivation and reactivation ------------------------------------------

as M01 1111 staff deactivate S03
is "$RC" 77 "deactivate without a witness: exit 77"
like "$ERR" "needs a second manager as witness" "deactivate alone: says why"
witnessed M01 1111 M06 6666 staff deactivate S03
is "$RC" 0 "deactivate with a second manager: exit 0"
as S03 3333 note add --text "gone"
is "$RC" 77 "a deactivated person cannot log in"
like "$ERR" "S03 is not active" "a deactivated person: says so"
ct staff list
like "$OUT" "^S03 +staff +Person S03  \[inactive\]$" "staff list: S03 inactive"
is "$(sqlq "select count(*) from near_miss where staff_id = (select id from
	staff where code = 'S03')")" 2 "their history stays"
witnessed S02 2222 S03 3333 dispose start
like "$ERR" "not active" "a deactivated person cannot witness"
witnessed M01 1111 M06 6666 staff deactivate S03
is "$RC" 65 "deactivate twice: exit 65"
like "$ERR" "S03 is inactive already" "deactivate twice: says so"
witnessed M01 1111 M06 6666 staff reactivate S03
is "$RC" 0 "reactivate: exit 0"
as S03 3333 note add --text "back"
is "$RC" 0 "reactivated: may log in again"
is "$(sqlq "select group_concat(action, ' ') from audit where subject =
	'S03' and action in ('staff.deactivate', 'staff.reactivate')")" \
	"staff.deactivate staff.reactivate" "both audited"
as P04 4444 staff deactivate S03 --witness M01 --witness-pin-fd 4 4<<<1111
is "$RC" 77 "deactivate by a part-timer: exit 77"

# ---- roles ------------------------------------------------------------------

as M01 1111 staff role P04 --role staff
is "$RC" 77 "role change without a witness: exit 77"
witnessed M01 1111 M06 6666 staff role P04 --role staff
is "$RC" 0 "role change with a second manager: exit 0"
is "$(sqlq "select role from staff where code = 'P04'")" staff "P04 is staff"
is "$(sqlq "select detail from audit where action = 'staff.role' and
	subject = 'P04'")" "from=parttime to=staff witness=M06" \
	"the role change is audited with both roles and the witness"
witnessed M01 1111 M06 6666 staff role P04 --role staff
is "$RC" 65 "the same role again: exit 65"
witnessed M01 1111 M06 6666 staff role P04 --role chief
is "$RC" 2 "an unknown role: usage error"

# ---- unknown codes and wrong PINs read alike, on every path ------------------

same_refusal() { # same_refusal NAME CMD...: X99 and S02 refused alike
	local name=$1
	shift
	"$@" X99
	local a=$RC b=${ERR//X99/CODE}
	"$@" S02
	is "$RC $b" "$a ${ERR//S02/CODE}" "$name: unknown code and wrong PIN alike"
}
actor() { ct note add --text x --as "$1" --pin-fd 3 3<"$BAD"; }
witness() {
	ct dispose start --as M01 --pin-fd 3 --witness "$1" \
		--witness-pin-fd 4 3<<<1111 4<"$BAD"
}
approver() {
	ct key open --purpose x --as M01 --pin-fd 3 --witness "$1" \
		--witness-pin-fd 4 3<<<1111 4<"$BAD"
}
owner() {
	ct staff pin --as "$1" --pin-fd 3 --new-pin-fd 4 3<"$BAD" 4<<<4321
}
same_refusal "--as" actor
same_refusal "--witness" witness
same_refusal "key approver" approver
same_refusal "staff pin" owner
as S02 2222 note add --text "the right PIN clears the count"
is "$(sqlq "select failed_pins from staff where code = 'S02'")" 0 \
	"S02 starts the parallel tries with no wrong PIN counted"

# ---- 100 tries at once: at most 5 wrong PINs are ever checked ----------------

RIGHT=$(pin_file S02 2222)
mark=$(sqlq "select max(id) from audit")
for i in $(seq 1 100); do
	if [ "$i" -eq 50 ]; then
		"$CT" note add --text "right PIN" --as S02 --pin-fd 3 \
			3<"$RIGHT" >/dev/null 2>"$WORK/try.$i" &
	fi
	"$CT" note add --text "wrong PIN" --as S02 --pin-fd 3 3<"$BAD" \
		>/dev/null 2>"$WORK/try.w$i" &
done
wait
is "$(sqlq "select failed_pins || ' ' || locked from staff where
	code = 'S02'")" "5 1" "100 parallel wrong PINs: failed_pins ends at 5, locked"
is "$(cat "$WORK"/try.w* | grep -c 'database is locked')" 0 \
	"every try got an answer (none gave up on the lock)"
checked=$(sqlq "select count(*) from audit where subject = 'S02' and
	action in ('staff.pin_failed', 'staff.lock') and id > $mark")
ok "$([ "$checked" -ge 5 ] && [ "$checked" -le 9 ]; echo $?)" \
	"wrong PINs checked: 5 after the last right one, at most 9 in all ($checked)"
is "$(sqlq "select count(*) from audit where action = 'staff.lock' and
	subject = 'S02' and id > $mark")" 1 "locked once"
# The right PIN's note exists only when it came before the lock.
is "$(sqlq "select count(*) from audit a where action = 'note.add' and
	detail like '%right PIN%' and id > (select id from audit where
	action = 'staff.lock' and subject = 'S02' order by id desc limit 1)")" \
	0 "the right PIN's action is not written after the lock"
"$CT" note add --text "right PIN late" --as S02 --pin-fd 3 3<"$RIGHT" \
	>/dev/null 2>"$WORK/late.err"
is "$?" 77 "the right PIN after the lock: refused"
is "$(sqlq "select count(*) from near_miss where text = 'right PIN late'")" 0 \
	"the right PIN after the lock: its action is not written"

# The same with the right PIN sent once the account is locked, among 20
# more wrong ones: nothing is written, nothing more is checked.
before=$(sqlq "select count(*) from audit where action = 'staff.pin_failed'")
for i in $(seq 1 20); do
	"$CT" note add --text late --as S02 --pin-fd 3 3<"$BAD" \
		>/dev/null 2>&1 &
	"$CT" note add --text late --as S02 --pin-fd 3 3<"$RIGHT" \
		>/dev/null 2>&1 &
done
wait
is "$(sqlq "select count(*) from near_miss where text = 'late'")" 0 \
	"locked: 20 right PINs in parallel write nothing"
is "$(sqlq "select count(*) from audit where action = 'staff.pin_failed'")" \
	"$before" "locked: no wrong PIN is checked any more"

# ---- names ------------------------------------------------------------------

# The one check of free text refuses control characters and invalid UTF-8
# in a name, and says which.
ct staff add S20 --name "$(printf 'Bell\aName')" --role staff --as M01 \
	--pin-fd 3 --new-pin-fd 4 3<<<1111 4<<<2020
is "$RC $(sqlq "select count(*) from staff where code = 'S20'")" "65 0" \
	"a name with a control character is refused"
like "$ERR" "name has a control character \\(U\\+0007" "and says which"
ct staff add S21 --name "$(printf 'Bad\377UTF8')" --role staff --as M01 \
	--pin-fd 3 --new-pin-fd 4 3<<<1111 4<<<2121
is "$RC $(sqlq "select count(*) from staff where code = 'S21'")" "65 0" \
	"a name that is not UTF-8 is refused"
like "$ERR" "name is not valid UTF-8" "and says so"

ct audit verify
is "$RC" 0 "the audit chain is intact at the end"

# ---- JSON of what the ledger holds -------------------------------------------

# A name the checks above never saw (an older version's, or one written into
# the ledger file by hand) still gives valid JSON: a control character
# escaped, a byte that is not UTF-8 as U+FFFD.
sqlq "update staff set name = CAST(X'4261641B5BFF' AS TEXT) where code = 'S02'"
ct staff list --json
is "$RC" 0 "staff list --json with a name that is not UTF-8: exit 0"
like "$OUT" '"name":"Bad\\u001b\[�"' \
	"the escape character escaped, the byte replaced"
is "$(pyjson 'ascii([s["name"] for s in d["staff"] if s["code"] == "S02"])' \
	<<<"$OUT")" "['Bad\x1b[\ufffd']" "and the document is valid UTF-8 and JSON"

done_testing
