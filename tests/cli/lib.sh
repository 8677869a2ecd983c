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
# tests/run-one checks that the work directory is gone when the test ends.
[ -z "${CARDTALLY_WORKLOG:-}" ] || echo "$WORK" >>"$CARDTALLY_WORKLOG"
export CARDTALLY_DB="$WORK/ledger.db"
# The hub's PostgreSQL functions as make built them (`hub migrate`).
[ -n "${CARDTALLY_PG_LIB:-}" ] || [ -z "${BUILD:-}" ] ||
	export CARDTALLY_PG_LIB="$BUILD/cardtally_pg.so"
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
		printf 'got:      %s\nexpected: %s\n' "$1" "$2" | sed 's/^/#   /'
		_failed=$((_failed + 1))
	fi
}
like() { # like GOT GREP-ERE NAME
	_n=$((_n + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"
		printf 'got: %s\nexpected to match: %s\n' "$1" "$2" |
			head -n 20 | sed 's/^/#   /'
		_failed=$((_failed + 1))
	fi
}
diag() { printf '# %s\n' "$*"; }
# skip REASON: one check that cannot run here, as a TAP skip saying why
# (never an `ok` that looks like a pass).
skip() {
	_n=$((_n + 1))
	echo "ok $_n # SKIP $*"
}

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

# wait_lines_of FILE N: waits up to 20 s for FILE (a background command's
# output) to have N lines; 1 when it has not by then.
wait_lines_of() {
	for _ in $(seq 400); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# sqlq SQL: runs a query on the ledger with the sqlite3 CLI.
sqlq() { sqlite3 -batch -noheader -cmd ".timeout 10000" "$CARDTALLY_DB" "$1"; }

# ledger_back_to FILE VERSION: takes a ledger this build made back to an
# older schema version by undoing what each later version added, so that a
# test can watch the migrations carry it forward again.  A version that adds
# a table or a column adds its undo here.
ledger_back_to() {
	local v=$2 sql=""
	[ "$v" -lt 21 ] && sql+="PRAGMA writable_schema = ON;
		UPDATE sqlite_schema SET sql = replace(sql,
			'CHECK (outcome = ''accepted'' OR outcome = ''repeat'' OR outcome = ''alert'')',
			'CHECK (outcome IN (''accepted'',''repeat'',  ''alert''))')
			WHERE name = 'scan';
		PRAGMA writable_schema = OFF;"
	[ "$v" -lt 20 ] && sql+="PRAGMA writable_schema = ON;
		UPDATE sqlite_schema SET sql = replace(sql,
			'CHECK (status = ''stored'' OR status = ''checked_out'' OR status = ''issued'' OR status = ''disposed'' OR status = ''cancelled'' OR status = ''moved'' OR status = ''deceased'' OR status = ''lost'')',
			'CHECK (status IN (''stored'',''checked_out'',  ''issued'',''disposed'',''cancelled'',''moved'',''deceased'',''lost''))')
			WHERE name = 'card';
		PRAGMA writable_schema = OFF;"
	[ "$v" -lt 19 ] && sql+="DROP INDEX IF EXISTS audit_import;"
	[ "$v" -lt 18 ] && sql+="DROP INDEX IF EXISTS card_away;
		DROP INDEX IF EXISTS scan_range_staff;
		CREATE INDEX IF NOT EXISTS scan_session_range ON
			scan(session_id, range_id);"
	[ "$v" -lt 17 ] && sql+="DROP TABLE IF EXISTS key_handover;"
	[ "$v" -lt 16 ] && sql+="DROP TABLE IF EXISTS outbox_batch;"
	[ "$v" -lt 15 ] && sql+="DROP INDEX IF EXISTS scan_session_range;"
	[ "$v" -lt 14 ] && sql+="DROP TABLE receipt;
		ALTER TABLE disposal DROP COLUMN profile_version;
		ALTER TABLE disposal DROP COLUMN profile;
		PRAGMA writable_schema = ON;
		UPDATE sqlite_schema SET sql = replace(sql, ' serial TEXT,',
			' serial TEXT NOT NULL,') WHERE name = 'card';
		PRAGMA writable_schema = OFF;"
	[ "$v" -lt 13 ] && sql+="ALTER TABLE scan DROP COLUMN profile_version;
		ALTER TABLE scan DROP COLUMN profile;"
	[ "$v" -lt 11 ] && sql+="ALTER TABLE key_opening DROP COLUMN flags;
		ALTER TABLE key_opening DROP COLUMN rule_limit_min;
		ALTER TABLE key_opening DROP COLUMN rule_office_start_min;
		ALTER TABLE key_opening DROP COLUMN rule_office_end_min;"
	sqlite3 -batch "$1" "$sql PRAGMA user_version = $v"
}

# ---- helpers added for the end-to-end tests ----

# is_text: `is` for values of several lines; a failure shows a unified diff
# (expected -> got) as diagnostics.
is_text() { # is_text GOT EXPECTED NAME
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"
		diff -u --label expected --label got \
			<(printf '%s\n' "$2") <(printf '%s\n' "$1") |
			sed 's/^/#   /' | head -n 60
		_failed=$((_failed + 1))
	fi
}

# pin_file CODE PIN: writes PIN to $WORK/pin.CODE and prints the path, for
# commands started in the background or with several descriptors.
pin_file() {
	# Written aside and renamed over: two processes started at once for
	# one person (tests/cli/writers.t) each write the file, and a
	# truncation under the other's open file left it an empty PIN.
	printf '%s\n' "$2" >"$WORK/pin.$1.$BASHPID"
	mv -f "$WORK/pin.$1.$BASHPID" "$WORK/pin.$1"
	printf '%s\n' "$WORK/pin.$1"
}

# pyjson EXPR: reads one JSON document from stdin as `d` and prints the
# Python expression EXPR: strings bare, anything else as compact JSON.  Exits
# non-zero (and prints nothing) when stdin is not one JSON document.
pyjson() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else
      json.dumps(v, ensure_ascii=False, separators=(",", ":")))' "$1"
}

# events FIELD...: reads JSON lines (scan --json) from stdin and prints one
# line per event: the named fields separated by one space, "-" for a field
# the event lacks, "null" for null.  Exits non-zero when a line is not a JSON
# object.
events() {
	python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if not isinstance(e, dict):
        sys.exit("not a JSON object: " + line)
    print(" ".join("-" if f not in e else "null" if e[f] is None
                   else str(e[f]) for f in sys.argv[1:]))' "$@"
}

# ledger_state: one line summing up the ledger, to show that a command
# changed nothing: row counts and a digest of every card row.
ledger_state() {
	printf '%s cards#%s\n' \
		"$(sqlq "select 'cards=' || (select count(*) from card) ||
		  ' audit=' || (select count(*) from audit) ||
		  ' locations=' || (select count(*) from location) ||
		  ' sessions=' || (select count(*) from session) ||
		  ' scans=' || (select count(*) from scan) ||
		  ' staff=' || (select count(*) from staff)")" \
		"$(sqlq 'select * from card order by id' | md5sum | cut -c1-12)"
}

# stderr_problems: the `LINE: column: reason` lines of $ERR, without the
# final "cardtally: FILE: N problems" summary.
stderr_problems() { printf '%s\n' "$ERR" | grep -v '^cardtally: '; }

# with_witness CODE PIN WITNESS WPIN ARGS...: a two-person command, the
# acting person's PIN on fd 3 and the witness's on fd 4.
with_witness() {
	local who=$1 pin=$2 w=$3 wpin=$4
	shift 4
	ct "$@" --as "$who" --pin-fd 3 --witness "$w" --witness-pin-fd 4 \
		3<<<"$pin" 4<<<"$wpin"
}

# stop_summary FILE SIGNAME NAME: one test that FILE (a scan's stderr) is
# exactly one line, the summary of a scan stopped by SIGNAME ("SAFE1/T01:
# 3 accepted, 0 repeats, 0 alerts (stopped by SIGTERM; all reads kept)").
stop_summary() {
	local n
	n=$(wc -l <"$1")
	like "$n:$(cat "$1")" \
		"^1:[^ ]+: [0-9]+ (accepted|added), [0-9]+ repeats?, [0-9]+ (alerts?|refused)(, [0-9]+ NOT (counted|added))? \\(stopped by $2; all reads kept\\)\$" \
		"$3"
}
