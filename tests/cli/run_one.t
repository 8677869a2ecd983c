#!/usr/bin/env bash
# tests/run-one, which runs every test of tests/run, and tests/skips, its
# allowlist: a skip without a reason fails; under CI=true a skip that the
# allowlist does not name fails the test and so the run (prove's verdict),
# elsewhere it stays a skip with a note; a skip-all plan is judged alike; a
# test that leaves its work directory or a file in its TMPDIR fails, and
# what it left is removed; tests/run catches what appears after a test has
# ended.  Then the real allowlist: every entry well formed and naming a
# test that exists, and an unexpected skip of the real conformance suite
# failing under CI=true.
. "$(dirname "$0")/lib.sh"

RUNONE="$TESTS/run-one"
# run-one makes its own run directory here, not in the one of the tests/run
# running this test.
unset CARDTALLY_RUNDIR
mkdir "$WORK/t" "$WORK/tmp1"
export TMPDIR="$WORK/tmp1"
# fake NAME TAP-LINES...: a test printing those lines (exit 0); its path.
fake() {
	local f="$WORK/t/$1"
	shift
	{
		echo '#!/bin/sh'
		echo "cat <<'EOF_TAP'"
		printf '%s\n' "$@"
		echo EOF_TAP
	} >"$f"
	chmod +x "$f"
	printf '%s\n' "$f"
}
printf '%s\n' '# a comment, then entries' \
	'a.t  listed: *  --  allowed for this test of run-one' \
	'a.t  no reason given *' \
	'b.t  nothing to see  --  another test' >"$WORK/skips"
export CARDTALLY_SKIPS="$WORK/skips"
# one [VAR=VALUE...] TEST [ARGS]: run-one TEST in that environment; its
# TAP in $OUT, stderr in $ERR, exit in $RC.
one() {
	local envs=()
	while [[ $1 == *=* ]]; do
		envs+=("$1")
		shift
	done
	env "${envs[@]}" "$RUNONE" "$@" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}
# verdict [VAR=VALUE...] TEST: prove's verdict on TEST through run-one.
verdict() {
	local envs=()
	while [[ $1 == *=* ]]; do
		envs+=("$1")
		shift
	done
	env "${envs[@]}" prove --exec "$RUNONE" "$1" >/dev/null 2>&1 &&
		echo PASS || echo FAIL
}

A=$(fake a.t 1..3 'ok 1 - works' 'ok 2 # SKIP listed: because' \
	'ok 3 - fine # SKIP not listed at all')
one CI=true "$A"
is "$(sed -n 3p <<<"$OUT")" "ok 2 # SKIP listed: because" \
	"CI=true: a listed skip passes through"
is "$(sed -n 4p <<<"$OUT")" \
	"not ok 3 - skipped, and CI=true allows only the skips of tests/skips: not listed at all" \
	"CI=true: an unlisted skip becomes a failure, with its reason"
is "$(verdict CI=true "$A")" FAIL "CI=true: an unexpected skip fails the run"
one CI= "$A"
is "$(sed -n 4,5p <<<"$OUT")" "ok 3 - fine # SKIP not listed at all
# not in tests/skips: this skip fails under CI=true" \
	"outside CI: an unlisted skip stays a skip, with a note"
is "$(verdict CI= "$A")" PASS "outside CI: the run passes"
is "$(verdict CI=true "$(fake a.t 1..1 'ok 1 # skip listed: x')")" PASS \
	"CI=true: a run whose only skip is listed passes"

# An entry without " -- WHY" allows nothing.
is "$(verdict CI=true "$(fake a.t 1..1 'ok 1 # SKIP no reason given here')")" \
	FAIL "CI=true: an allowlist entry without its reason allows nothing"
# Another test's entry allows nothing here.
is "$(verdict CI=true "$(fake a.t 1..1 'ok 1 # SKIP nothing to see')")" \
	FAIL "CI=true: an entry allows its own test's skip only"

E=$(fake a.t 1..2 'ok 1 # SKIP' 'ok 2 # SKIP   ')
one CI= "$E"
is "$OUT" "1..2
not ok 1 - skipped without a reason
not ok 2 - skipped without a reason" "a skip without a reason fails everywhere"
is "$(verdict CI= "$E")" FAIL "a skip without a reason fails the run"

S=$(fake a.t '1..0 # SKIP no pcscd here')
one CI=true "$S"
is "$OUT" "1..1
not ok 1 - skipped, and CI=true allows only the skips of tests/skips: no pcscd here" \
	"CI=true: an unlisted skip-all plan becomes one failure"
is "$(verdict CI=true "$S")" FAIL "CI=true: an unexpected skip-all fails the run"
is "$(verdict CI= "$S")" PASS "outside CI: the skip-all stands"
is "$(verdict CI=true "$(fake a.t '1..0 # Skipped: listed: all of it')")" \
	PASS "CI=true: a listed skip-all passes"
one CI= "$(fake a.t '1..0 # SKIP')"
is "$OUT" "1..1
not ok 1 - skipped without a reason" "a skip-all without a reason fails"

# cmocka's form of a skip: "not ok N # SKIP".
one CI=true "$(fake test_x 1..1 'not ok 1 # SKIP some_test')"
is "$OUT" "1..1
not ok 1 - skipped, and CI=true allows only the skips of tests/skips: some_test" \
	"CI=true: cmocka's skip is judged too"

# The test's exit status is kept.
printf '#!/bin/sh\necho 1..1; echo "not ok 1"; exit 3\n' >"$WORK/t/x.t"
chmod +x "$WORK/t/x.t"
one CI= "$WORK/t/x.t"
is "$RC" 3 "the test's exit status is run-one's"

# A test that hangs is stopped after CARDTALLY_TEST_TIMEOUT seconds, with
# what it started (here a sleep that writes a file if it ever wakes), and
# fails with a line naming it; twice the time under the sanitizers.
printf '%s\n' '#!/bin/sh' 'echo 1..2; echo ok 1' \
	"(sleep 5; : >'$WORK/woke') &" 'sleep 60; echo ok 2' >"$WORK/t/h.t"
chmod +x "$WORK/t/h.t"
SECONDS=0
one CI= CARDTALLY_TEST_TIMEOUT=1 CARDTALLY_SANITIZED= "$WORK/t/h.t"
took=$SECONDS
is "$OUT" "1..2
ok 1
not ok - h.t was still running after 1 s and was stopped (tests/run-one; CARDTALLY_TEST_TIMEOUT)" \
	"a hanging test: its TAP so far, then a failure naming it"
ok "$([ "$RC" -ne 0 ]; echo $?)" "... its exit is a failure ($RC)"
like "$ERR" "h.t stopped after 1 s" "... and stderr says so"
ok "$([ "$took" -lt 30 ]; echo $?)" "... stopped long before its sleep ended (${took} s)"
sleep 5
ok "$([ ! -e "$WORK/woke" ]; echo $?)" "... and what it started was stopped with it"
one CI= CARDTALLY_TEST_TIMEOUT=1 CARDTALLY_SANITIZED=1 "$WORK/t/h.t"
like "$OUT" "still running after 2 s" "under the sanitizers the limit is doubled"

# Leftovers: a work directory logged and left; a file left in the TMPDIR
# that a unit test binary is given.
mkdir "$WORK/left"
printf '#!/bin/sh\necho "$1" >>"$CARDTALLY_WORKLOG"; echo 1..1; echo ok 1\n' \
	>"$WORK/t/l.t"
chmod +x "$WORK/t/l.t"
one CI= "$WORK/t/l.t" "$WORK/left"
is "$RC/$OUT" "1/1..1
ok 1" "a test leaving its work directory: exit 1, its TAP unchanged"
like "$ERR" "l.t left behind: $WORK/left\$" "... stderr names what it left"
ok "$([ ! -e "$WORK/left" ]; echo $?)" "... and it is removed"
printf '#!/bin/sh\necho 1..1; echo ok 1; : >"$TMPDIR/junk"\n' >"$WORK/t/test_l"
chmod +x "$WORK/t/test_l"
one CI= "$WORK/t/test_l"
is "$RC" 1 "a unit test leaving a file in its TMPDIR: exit 1"
like "$ERR" 'test_l left behind: .*/test_l\.tmp/junk$' "... stderr names it"
printf '#!/bin/sh\necho 1..1; echo ok 1; mkdir "$TMPDIR/d"; rmdir "$TMPDIR/d"\n' \
	>"$WORK/t/test_c"
chmod +x "$WORK/t/test_c"
one CI= "$WORK/t/test_c"
is "$RC/$ERR" "0/" "a unit test that cleans up: exit 0, nothing said"
is "$(ls -A "$WORK/tmp1")" "" \
	"run-one leaves nothing of its own (its run directory, the logs)"

# tests/run: a work directory that comes back after its test has ended
# (a process outliving the test) fails the run, and is removed.
printf '%s\n' '#!/bin/sh' 'w=$(mktemp -d "$TMPDIR/cardtally-test.XXXXXX")' \
	'echo "$w" >>"$CARDTALLY_WORKLOG"; rmdir "$w"' \
	'(sleep 0.5; mkdir "$w") >/dev/null 2>&1 &' 'echo 1..1; echo ok 1' \
	>"$WORK/t/late.t"
printf '#!/bin/sh\nsleep 2; echo 1..1; echo ok 1\n' >"$WORK/t/slow.t"
chmod +x "$WORK/t/late.t" "$WORK/t/slow.t"
mkdir "$WORK/tmp"
TMPDIR="$WORK/tmp" CI= "$TESTS/run" "$WORK/t/late.t" "$WORK/t/slow.t" \
	>"$WORK/run.out" 2>"$WORK/run.err"
is "$?" 1 "tests/run: a directory left after its test ended fails the run"
like "$(cat "$WORK/run.err")" \
	"^tests/run: left behind after the run: $WORK/tmp/cardtally-test\\.[^/]+\$" \
	"tests/run: names it"
is "$(ls -A "$WORK/tmp")" "" "tests/run: removes it, and its own directory"
like "$(tail -n 1 "$WORK/run.out")" '^Result: PASS$' \
	"tests/run: prove's verdict on the tests themselves is still PASS"

# ---- the real allowlist ------------------------------------------------------

unset CARDTALLY_SKIPS
bad=$(grep -nv '^#' "$TESTS/skips" | grep -v '^[0-9]*:$' |
	while IFS= read -r l; do
		n=${l%%:*} e=${l#*:}
		read -r t rest <<<"$e"
		glob=${rest%% -- *} why=${rest#* -- }
		if [ "$glob" = "$rest" ] || [ -z "${why// /}" ]; then
			echo "line $n: no \"  --  WHY\""
		elif [ -z "${glob// /}" ]; then
			echo "line $n: no reason pattern"
		elif [ ! -e "$TESTS/cli/$t" ] && [ ! -e "$TESTS/$t.c" ]; then
			echo "line $n: no test $t"
		fi
	done)
is "$bad" "" "tests/skips: every entry names a test, a reason and why"
ok "$([ "$(grep -cv '^\(#\|$\)' "$TESTS/skips")" -le 15 ]; echo $?)" \
	"tests/skips: a short list"
C=$(fake conformance.t 1..3 \
	'ok 1 # SKIP kbd: hold: kbd: a typed number is one read; no card lies in a field' \
	'ok 2 # SKIP pcsc: pair: pcsc: a PC/SC slot holds one card (vpcd)' \
	'ok 3 # SKIP nfc: present: the nfc backend is not in this build (no libnfc)')
one CI=true "$C"
is "$(sed -n 2,3p <<<"$OUT")" \
	"ok 1 # SKIP kbd: hold: kbd: a typed number is one read; no card lies in a field
ok 2 # SKIP pcsc: pair: pcsc: a PC/SC slot holds one card (vpcd)" \
	"conformance.t, CI=true: the scenarios that do not apply are allowed"
like "$(sed -n 4p <<<"$OUT")" '^not ok 3 - skipped, and CI=true' \
	"conformance.t, CI=true: a backend that cannot run fails"
P=$(fake pcsc.t '1..0 # SKIP pcscd is not installed (Debian: pcscd)')
is "$(verdict CI=true "$P")" FAIL \
	"pcsc.t, CI=true: skipped for want of pcscd, the run fails"

done_testing
