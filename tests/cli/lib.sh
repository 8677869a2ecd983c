# Shared helpers for the end-to-end CLI tests (tests/cli/*.t).  Each test is
# a shell script printing TAP; prove runs it.  Source this file first:
#   . "$(dirname "$0")/lib.sh"
# It gives: a private work directory ($WORK, removed at exit), $CT (the
# binary under test), TAP helpers, and ledger fixtures.

set -u
CT=${CARDTALLY:?run through make test}
TESTS=${CARDTALLY_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cardtally-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export CARDTALLY_DB="$WORK/ledger.db"
export TZ=${TZ:-Asia/Tokyo}

_n=0
_failed=0
plan() { echo "1..$1"; }
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }
ok() { # ok CONDITION-EXIT-CODE NAME
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}
is() { # is GOT EXPECTED NAME
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"
		_failed=$((_failed + 1))
	fi
}
like() { # like GOT GREP-ERE NAME
	_n=$((_n + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"
		printf '#   got: %s\n#   expected to match: %s\n' "$1" "$2" |
			head -n 20
		_failed=$((_failed + 1))
	fi
}
diag() { printf '# %s\n' "$*"; }

# ct ARGS...: runs cardtally; stdout in $OUT, stderr in $ERR, exit in $RC.
ct() {
	"$CT" "$@" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
	return 0
}

# as CODE PIN ARGS...: runs cardtally acting as CODE, PIN on fd 3.
as() {
	_code=$1 _pin=$2
	shift 2
	ct "$@" --as "$_code" --pin-fd 3 3<<EOF_PIN
$_pin
EOF_PIN
}

# new_ledger: a ledger with manager M01 (PIN 1111), staff S02 (2222),
# staff S03 (3333) and part-timer P04 (4444).
new_ledger() {
	rm -f "$CARDTALLY_DB" "$CARDTALLY_DB-wal" "$CARDTALLY_DB-shm"
	"$CT" init --manager M01 --name Manager --pin-fd 3 3<<EOF_PIN >/dev/null 2>&1 || return 1
1111
EOF_PIN
	for s in "S02 staff 2222" "S03 staff 3333" "P04 parttime 4444"; do
		set -- $s
		"$CT" staff add "$1" --name "Person $1" --role "$2" \
			--as M01 --pin-fd 3 --new-pin-fd 4 3<<EOF_A 4<<EOF_B >/dev/null 2>&1 || return 1
1111
EOF_A
$3
EOF_B
	done
}

# sqlq SQL: runs a query on the ledger with the sqlite3 CLI.
sqlq() { sqlite3 -batch -noheader "$CARDTALLY_DB" "$1"; }
