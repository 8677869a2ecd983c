#!/usr/bin/env bash
# End-to-end tests of the program as a whole (cardtally(1) "COMMON OPTIONS",
# "init", "staff add"): help and version, usage errors, creating a ledger and adding
# people, PIN rules and the lockout, `readers` and `demo`.
. "$(dirname "$0")/lib.sh"

# ---- help and version -------------------------------------------------------

# --help lists the commands on stdout and exits 0.
ct --help
is "$RC" 0 "--help: exit 0"
like "$OUT" '^usage: cardtally COMMAND' "--help: usage on stdout"
for c in init "staff add" import "count start" "count close" scan reconcile \
	demo readers; do
	like "$OUT" "^  $c " "--help: lists $c"
done

ct --version
is "$RC" 0 "--version: exit 0"
like "$OUT" '^cardtally [0-9]+\.[0-9]+\.[0-9]+$' "--version: cardtally X.Y.Z"

# COMMAND --help describes the command, needs no ledger, and exits 0.
for c in init "staff add" import "count start" "count close" scan reconcile \
	demo readers; do
	# shellcheck disable=SC2086 # "count start" is two words
	ct $c --help --db "$WORK/none.db"
	is "$RC" 0 "$c --help: exit 0"
	like "$OUT" "^usage: cardtally $c" "$c --help: prints its usage"
done
ok "$([ ! -e "$WORK/none.db" ]; echo $?)" "COMMAND --help: creates no ledger"

# ---- usage errors -------------------------------------------------------------

ct
is "$RC" 2 "no command: exit 2"
ct frobnicate
is "$RC" 2 "unknown command: exit 2"
like "$ERR" "unknown command 'frobnicate'" "unknown command: named"
ct readers --frobnicate
is "$RC" 2 "unknown option: exit 2"
like "$ERR" "unknown option --frobnicate" "unknown option: named"
ct reconcile 1 --json=yes
is "$RC" 2 "flag with a value: exit 2"
ct init --manager M01
is "$RC" 2 "init without --name: exit 2"

# ---- init ---------------------------------------------------------------------

# A PIN that is not 4-12 digits creates no ledger.
ct init --manager M01 --name Manager --pin-fd 3 3<<<"12a4"
is "$RC" 65 "init with a bad PIN: exit 65"
ok "$([ ! -e "$CARDTALLY_DB" ]; echo $?)" "init with a bad PIN: no ledger created"

# init creates the ledger with its manager.
ct init --manager M01 --name Manager --pin-fd 3 3<<<1111
is "$RC" 0 "init: exit 0"
is "$(sqlq 'select code, role from staff')" "M01|manager" "init: first manager"

# init never overwrites an existing ledger.
sum=$(md5sum <"$CARDTALLY_DB")
ct init --manager X01 --name Other --pin-fd 3 3<<<9999
is "$RC" 2 "init over an existing ledger: exit 2"
like "$ERR" "exists already" "init over an existing ledger: says so"
is "$(md5sum <"$CARDTALLY_DB")" "$sum" "init over an existing ledger: file untouched"

# The ledger holds PIN hashes and card serials: not world-readable.
is "$(stat -c %a "$CARDTALLY_DB")" 640 "init: the ledger is mode 640"
# init makes the ledger's directory (one level, as for the installed
# default /var/lib/cardtally), but not a whole missing tree.
ct init --db "$WORK/new/ledger.db" --manager M01 --name M --pin-fd 3 3<<<1111
is "$RC" 0 "init in a missing directory: exit 0"
is "$(stat -c %a "$WORK/new")" 750 "init: the directory it made is mode 750"
ct init --db "$WORK/no/such/ledger.db" --manager M01 --name M \
	--pin-fd 3 3<<<1111
is "$RC" 2 "init two levels down: exit 2"
like "$ERR" "cannot create $WORK/no/such" "init two levels down: says why"

# Without a terminal (setsid: no controlling tty), a PIN that has no
# descriptor is an error that names the option to use.
setsid "$CT" staff add X9 --name X --role staff --as M01 --pin-fd 3 \
	3<<<1111 </dev/null >"$WORK/.out" 2>"$WORK/.err"
is "$?" 2 "new PIN without a terminal: exit 2"
like "$(cat "$WORK/.err")" "use --new-pin-fd N" \
	"new PIN without a terminal: names --new-pin-fd"
setsid "$CT" import /dev/null --as M01 </dev/null >"$WORK/.out" 2>"$WORK/.err"
like "$(cat "$WORK/.err")" "use --pin-fd N" \
	"PIN without a terminal: names --pin-fd"

# ---- staff --------------------------------------------------------------------

rm -f "$CARDTALLY_DB"
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }

# add_staff ACTOR APIN CODE ROLE NEWPIN: staff add, the new PIN on fd 4.
add_staff() {
	ct staff add "$3" --name "Person $3" --role "$4" --as "$1" --pin-fd 3 \
		--new-pin-fd 4 3<<<"$2" 4<<<"$5"
}

# Only a manager adds people.
add_staff S02 2222 S09 staff 9999
is "$RC" 77 "staff add by staff: exit 77"
like "$ERR" "only a manager may add staff" "staff add by staff: says why"
is "$(sqlq "select count(*) from staff where code = 'S09'")" 0 \
	"staff add by staff: nobody added"

# PINs are 4 to 12 digits: the bounds are accepted, anything else is bad
# input (65) and adds nobody.
for pin in 123 1234567890123 12a4 "" "12 34"; do
	add_staff M01 1111 S09 staff "$pin"
	is "$RC" 65 "new PIN '$pin': exit 65"
done
is "$(sqlq "select count(*) from staff where code = 'S09'")" 0 \
	"bad new PINs: nobody added"
add_staff M01 1111 S10 staff 0000
is "$RC" 0 "new PIN of 4 digits: accepted"
add_staff M01 1111 S11 staff 123456789012
is "$RC" 0 "new PIN of 12 digits: accepted"
add_staff M01 1111 S11 staff 1234
is "$RC" 65 "adding a code twice: exit 65"
add_staff M01 1111 S12 chief 1234
is "$RC" 2 "unknown role: exit 2"

# The acting person's PIN follows the same rule (and a malformed one is not
# counted as a wrong PIN).
add_staff M01 11 S13 staff 1234
is "$RC" 65 "acting PIN of 2 digits: exit 65"

# ---- lockout: 5 wrong PINs in a row --------------------------------------------

# An import of a header-only file succeeds and changes nothing: a probe of
# whether a person is let in.
echo mgmt_id,serial,location,received >"$WORK/empty.csv"
probe() { as S03 "$1" import "$WORK/empty.csv"; }

probe 3333
is "$RC" 0 "probe with the right PIN: exit 0"

# A right PIN resets the count of wrong ones.
for i in 1 2 3 4; do probe 0000; done
is "$RC" 77 "4 wrong PINs: exit 77"
probe 3333
is "$RC" 0 "right PIN after 4 wrong: let in, the count starts over"

for i in 1 2 3 4; do
	probe 0000
	is "$RC" 77 "wrong PIN $i: exit 77"
	like "$ERR" "wrong PIN for S03$" "wrong PIN $i: not locked yet"
done
probe 0000
is "$RC" 77 "wrong PIN 5: exit 77"
like "$ERR" "now locked" "wrong PIN 5: the account is now locked"
probe 3333
is "$RC" 77 "right PIN after the lock: still 77"
like "$ERR" "locked" "right PIN after the lock: says locked"
is "$(sqlq "select locked from staff where code = 'S03'")" 1 \
	"lockout: recorded in the ledger"
is "$(sqlq "select count(*) from audit where action = 'staff.lock' and
	subject = 'S03'")" 1 "lockout: audited once"
probe 3333 >/dev/null
is "$(sqlq "select count(*) from audit where action = 'staff.lock'")" 1 \
	"lockout: attempts while locked do not lock again"
as S02 2222 import "$WORK/empty.csv"
is "$RC" 0 "another person is not affected"

# The locked account shows in the list; only a manager may reopen it, and
# that is audited; then the right PIN works again.
ct staff list
like "$OUT" "^S03 +staff +Person S03  \[LOCKED\]$" "staff list: S03 is locked"
ct staff list --json
is "$(printf '%s' "$OUT" | pyjson '[s["code"] for s in d["staff"]
	if s["locked"]]')" '["S03"]' "staff list --json: S03 is locked"
as S02 2222 staff unlock S03
is "$RC" 77 "unlock by staff: exit 77"
like "$ERR" "only a manager may unlock" "unlock by staff: names the rule"
as M01 1111 staff unlock S03
is "$RC" 0 "unlock by a manager: exit 0"
is "$(sqlq "select locked || failed_pins from staff where code = 'S03'")" \
	00 "unlock: the account is open, its count cleared"
is "$(sqlq "select count(*) from audit where action = 'staff.unlock' and
	subject = 'S03' and staff_id = (select id from staff where
	code = 'M01')")" 1 "unlock: audited with the manager"
probe 3333 >/dev/null
is "$RC" 0 "after the unlock: the right PIN works"
as M01 1111 staff unlock S03
is "$RC" 65 "unlocking an open account: exit 65"
like "$ERR" "not locked" "unlocking an open account: says so"

# ---- readers ------------------------------------------------------------------

ct readers
is "$RC" 0 "readers: exit 0"
like "$OUT" '^  sim +sim:FILE' "readers: lists sim"
ct readers --json
is "$(printf '%s' "$OUT" | pyjson '[b["name"] for b in d["backends"]]' |
	grep -c '"sim"')" 1 "readers --json: parses, lists sim"

# ---- configuration ---------------------------------------------------------------

# The installation's configuration ($CARDTALLY_CONF): a bad line is an error
# naming the file and line, before any card is read.
printf 'card ABCD\n' >"$WORK/one.sim"
printf '# site settings\n\nprofile = uid\nprofil = uid\n' >"$WORK/bad.conf"
CARDTALLY_CONF=$WORK/bad.conf as S02 2222 scan --session 1 --range X \
	--reader "sim:$WORK/one.sim"
is "$RC" 65 "config with an unknown key: exit 65"
like "$ERR" "bad.conf:4: profil: unknown setting" \
	"config with an unknown key: names file, line and key"
printf 'profile = apdu:nosuch\n' >"$WORK/bad.conf"
CARDTALLY_CONF=$WORK/bad.conf as S02 2222 scan --session 1 --range X \
	--reader "sim:$WORK/one.sim"
is "$RC" 65 "config with an unknown profile: exit 65"
like "$ERR" "bad.conf:1: profile: unknown identity profile 'apdu:nosuch'" \
	"config with an unknown profile: says which"
# A value quoted back is escaped: the file's control characters never reach
# the terminal.
printf 'profile = \033]0;owned\007\033[2J\n' >"$WORK/bad.conf"
CARDTALLY_CONF=$WORK/bad.conf as S02 2222 scan --session 1 --range X \
	--reader "sim:$WORK/one.sim"
is "$RC" 65 "config with control characters: exit 65"
is "$(printf '%s' "$ERR" | tr -d '\n' | LC_ALL=C grep -c "$(printf '[\001-\037]')")" \
	0 "config with control characters: none on stderr"
like "$ERR" "unknown identity profile '\\\\x1B\\]0;owned\\\\x07\\\\x1B\\[2J'" \
	"config with control characters: shown escaped"
# A comment longer than a line may be is refused, not read in two parts
# (the second once taken for a setting); so is a NUL byte.
{ printf '# '; head -c 1100 /dev/zero | tr '\0' x; printf ' profile = x\n'; } \
	>"$WORK/bad.conf"
CARDTALLY_CONF=$WORK/bad.conf as S02 2222 scan --session 1 --range X \
	--reader "sim:$WORK/one.sim"
is "$RC" 65 "config with a 1100-byte comment: exit 65"
like "$ERR" "bad.conf:1: line longer than 1023 bytes" \
	"config with a 1100-byte comment: says so, on its line"
printf 'profile = uid\0 junk\n' >"$WORK/bad.conf"
CARDTALLY_CONF=$WORK/bad.conf as S02 2222 scan --session 1 --range X \
	--reader "sim:$WORK/one.sim"
is "$RC" 65 "config with a NUL byte: exit 65"
like "$ERR" "bad.conf:1: a NUL byte: not a text file" \
	"config with a NUL byte: says so"
as S02 2222 scan --session 1 --range X --reader "sim:$WORK/one.sim" \
	--profile nosuch
is "$RC" 2 "scan --profile nosuch: exit 2"
ct readers
like "$OUT" "^  uid +the UID" "readers lists the uid profile"

# ---- demo ---------------------------------------------------------------------

# The demo builds its own ledger (not $CARDTALLY_DB) in $TMPDIR, counts
# 5,000 cards with the simulated reader and prints the report with its known
# faults.  (How fast is for `make bench`, not for a test.)
rm -f "$CARDTALLY_DB"
TMPDIR=$WORK ct demo
is "$RC" 0 "demo: exit 0"
is "$ERR" "" "demo: nothing on stderr"
like "$OUT" "^ledger: $WORK/cardtally-demo-[^/]*/ledger.db " \
	"demo: works in \$TMPDIR"
ok "$([ ! -e "$CARDTALLY_DB" ]; echo $?)" "demo: leaves \$CARDTALLY_DB alone"
# section NAME: the lines of the report section NAME (up to a blank line).
section() {
	printf '%s\n' "$OUT" | awk -v h="$1" 'index($0, h " (") == 1 { on = 1;
		next } on && /^$/ { exit } on'
}
is "$(section MISSING | grep '^  [^ ]' | awk '{ print $1 }' | tr '\n' ' ')" \
	"M001234 M002345 M004321 " "demo: MISSING M001234 M002345 M004321"
is "$(section MISPLACED | awk '{ print $1 }')" M000777 "demo: MISPLACED M000777"
is "$(section EXTRA | awk '{ print $2 }')" 04A1B2C3D4E5F6 \
	"demo: EXTRA 04A1B2C3D4E5F6"
is "$(section "NOT IN STOCK" | awk '{ print $1 }')" M005001 \
	"demo: NOT IN STOCK M005001"
like "$OUT" '^RESULT: 6 discrepancies to resolve$' "demo: 6 discrepancies"
# Made as an office would make it, through the same steps as the commands:
# the manager adds the others and imports; last month's count is closed by
# its counter with the manager as witness; the log holds together.
demo_db=$(printf '%s\n' "$OUT" | sed -n 's/^ledger: \([^ ]*\) .*/\1/p')
is "$(sqlite3 -batch "$demo_db" "SELECT group_concat(a.subject || ' by ' || s.code, ', ') FROM audit a JOIN staff s ON s.id = a.staff_id WHERE a.action = 'staff.add' AND a.subject <> s.code")" \
	"S02 by M01, S03 by M01, P04 by M01" "demo: the manager adds the others"
is "$(sqlite3 -batch "$demo_db" "SELECT c.code || ' witness ' || w.code FROM session x JOIN staff c ON c.id = x.closed_by JOIN staff w ON w.id = x.witness_id WHERE x.id = 1")" \
	"S02 witness M01" "demo: last month's count closed by its counter, witnessed"
CARDTALLY_DB=$demo_db ct audit verify
is "$RC" 0 "demo: its audit log verifies"

ct demo extra
is "$RC" 2 "demo with an argument: exit 2"

done_testing
