#!/usr/bin/env bash
# The ledger under faults (issue 13), with real processes and a real file
# system: a disk that fills up during an import, a file system that turns
# read-only, the -wal and -shm files removed after the commands ended, a
# damaged page.  Every command fails with a clear message and a non-zero
# exit (74 when the file system refuses: cardtally(1) "EXIT STATUS"),
# nothing acknowledged is lost, and PRAGMA integrity_check and `audit
# verify` hold afterwards.  The small file system is a tmpfs with size=,
# mounted by the test; where mounting is refused (or FAULTS_NO_MOUNT is
# set) the disk fills up by the file size limit instead, and the
# read-only file system is not tried (a diagnostic says so).
. "$(dirname "$0")/lib.sh"

# stock FILE FIRST COUNT PREFIX: a stock list of COUNT cards.
stock() {
	{
		printf 'mgmt_id,serial,location,received\n'
		seq "$2" $(($2 + $3 - 1)) | awk -v p="$4" '{ printf \
			"%s%05d,04%s%05d,SAFE1/T%02d,2026-01-01\n", p, $1, \
			p == "A" ? "A" : "B", $1, $1 % 40 }'
	} >"$1"
}
# holds NAME: integrity_check, audit verify and the card count afterwards.
holds() {
	is "$(sqlq 'PRAGMA integrity_check')" ok "$1: integrity_check ok"
	ct audit verify
	is "$RC" 0 "$1: audit verify holds"
}
no_signal() { ok "$([ "$RC" -lt 128 ]; echo $?)" "$1: no crash (exit $RC)"; }

stock "$WORK/five.csv" 1 5 A
stock "$WORK/big.csv" 1 20000 B
stock "$WORK/more.csv" 6 5 A

MNT=$WORK/mnt
mkdir "$MNT"
if [ -n "${FAULTS_NO_MOUNT:-}" ] || [ "$(id -u)" -ne 0 ] ||
	! mount -t tmpfs -o size=8m,mode=0700 tmpfs "$MNT" 2>"$WORK/mount.err"; then
	why=$(head -1 "$WORK/mount.err" 2>/dev/null)
	diag "cannot mount a small tmpfs here (${why:-not root}): the disk fills up by the file size limit instead"
	MNT=
else
	trap 'umount "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT
fi

if [ -z "$MNT" ]; then
	# ---- disk full, without a file system of our own ------------------
	# The file size limit (ulimit -f, SIGXFSZ ignored) makes a write past
	# it fail as a full disk does: SQLite answers "database or disk is
	# full" for a short write.
	export CARDTALLY_DB=$WORK/full.db
	new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
	as M01 1111 import "$WORK/five.csv"
	is "$RC" 0 "disk full: 5 cards imported first (acknowledged)"
	size=$(($(stat -c %s "$CARDTALLY_DB") / 1024 + 64))
	(
		trap '' XFSZ
		ulimit -f "$size"
		as M01 1111 import "$WORK/big.csv"
		echo "$RC" >"$WORK/full.rc"
		printf '%s' "$ERR" >"$WORK/full.err"
	)
	is "$(cat "$WORK/full.rc")" 74 "disk full: the import fails with 74"
	like "$(cat "$WORK/full.err")" "^cardtally: the ledger cannot be written: " \
		"disk full: says the ledger cannot be written"
	is "$(sqlq 'SELECT count(*) FROM card')" 5 \
		"disk full: the 5 acknowledged cards are there, none of the failed import"
	holds "disk full"
	as M01 1111 import "$WORK/big.csv"
	is "$RC" 0 "disk full: with room again, the import succeeds"
	export CARDTALLY_DB=$WORK/ledger.db
fi

if [ -n "$MNT" ]; then
	export CARDTALLY_DB=$MNT/ledger.db
	new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
	as M01 1111 import "$WORK/five.csv"
	is "$RC" 0 "disk full: 5 cards imported first (acknowledged)"

	# ---- disk full during an import -----------------------------------
	# Room left for the -wal and -shm of a reader, not for 20,000 cards.
	avail=$(df -k --output=avail "$MNT" | tail -1)
	dd if=/dev/zero of="$MNT/filler" bs=1k count=$((avail - 96)) \
		2>/dev/null
	as M01 1111 import "$WORK/big.csv"
	is "$RC" 74 "disk full: the import fails with 74"
	like "$ERR" "^cardtally: the ledger cannot be written: .*no space left" \
		"disk full: says the file system is full"
	no_signal "disk full: import"
	is "$(sqlq 'SELECT count(*) FROM card')" 5 \
		"disk full: the 5 acknowledged cards are there, none of the failed import"
	ct status
	is "$RC" 0 "disk full: status still reads the ledger"
	holds "disk full"
	rm -f "$MNT/filler"
	as M01 1111 import "$WORK/big.csv"
	is "$RC" 0 "disk full: with room again, the import succeeds"
	is "$(sqlq 'SELECT count(*) FROM card')" 20005 \
		"disk full: then 20005 cards"

	# ---- the file system turns read-only ------------------------------
	if mount -o remount,ro "$MNT" 2>/dev/null; then
		as M01 1111 import "$WORK/more.csv"
		is "$RC" 74 "read-only: the import fails with 74"
		like "$ERR" "cannot write in $MNT \(Read-only file system\)" \
			"read-only: says the file system is read-only"
		ct status
		is "$RC" 74 "read-only: status fails with 74 (a reader needs its -shm)"
		no_signal "read-only: status"
		mount -o remount,rw "$MNT"
		is "$(sqlq 'SELECT count(*) FROM card')" 20005 \
			"read-only: nothing lost"
		holds "read-only"
	else
		skip "read-only: cannot remount the tmpfs read-only"
	fi
	export CARDTALLY_DB=$WORK/ledger.db
fi

# ---- the -wal and -shm removed ----------------------------------------------
# Every command leaves what it acknowledged in the ledger file itself: the
# -wal and -shm may go (copied, backed up or lost alone) without a card.
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
as M01 1111 import "$WORK/five.csv"
is "$RC" 0 "-wal removed: 5 cards imported"
rm -f "$CARDTALLY_DB-wal" "$CARDTALLY_DB-shm"
is "$(sqlq 'SELECT count(*) FROM card')" 5 "-wal removed: the 5 cards are there"
holds "-wal removed"
as M01 1111 import "$WORK/more.csv"
is "$RC" 0 "-wal removed: the next import works"

# ---- a damaged page ----------------------------------------------------------
cp "$CARDTALLY_DB" "$WORK/damaged.db"
# The pages of the card table and the audit log overwritten (the file's
# header left alone: it is still a SQLite file, and a cardtally one).
psize=$(sqlite3 "$WORK/damaged.db" 'PRAGMA page_size')
for p in $(sqlite3 "$WORK/damaged.db" "SELECT pageno FROM dbstat WHERE name
	IN ('card', 'audit') AND pageno > 1"); do
	head -c "$psize" /dev/urandom | dd of="$WORK/damaged.db" bs="$psize" \
		seek=$((p - 1)) conv=notrunc 2>/dev/null
done
for cmd in status "audit verify" "import"; do
	# shellcheck disable=SC2086 # "audit verify" is two words
	if [ "$cmd" = import ]; then
		as M01 1111 import "$WORK/more.csv" --db "$WORK/damaged.db"
	else
		ct $cmd --db "$WORK/damaged.db"
	fi
	ok "$([ "$RC" -ne 0 ]; echo $?)" "damaged page: $cmd fails (exit $RC)"
	no_signal "damaged page: $cmd"
	like "$ERR" "^cardtally: .*(damaged|malformed|integrity)" \
		"damaged page: $cmd says the ledger is damaged"
	# The file is what a person fixes, not the program's inner step.
	ok "$(printf '%s' "$ERR" | grep -qE 'prepare|step'; [ $? -ne 0 ]; echo $?)" \
		"damaged page: $cmd names no inner step"
	diag "$cmd: $ERR"
done
is "$(sqlq 'SELECT count(*) FROM card')" 10 \
	"damaged page: the ledger it was copied from is whole"

# ---- text in the ledger never reaches a terminal as control sequences ------
# Text is checked where it enters (text_check), but a ledger edited behind
# the program's back, or restored from elsewhere, may hold any bytes: the
# text output shows them escaped.
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' 'mgmt_id,serial,location,received,status' \
	'A1,04A1,SAFE1/T1,2026-01-01,lost' >"$WORK/lost.csv"
as M01 1111 import "$WORK/lost.csv"
is "$RC" 0 "escaped: a lost card imported"
with_witness S02 2222 M01 1111 key open --purpose "count"
is "$RC" 0 "escaped: the safe is open"
sqlq "UPDATE location SET path = 'SAFE1/' || char(27) || '[2JT1'
	WHERE path = 'SAFE1/T1';
	UPDATE key_opening SET purpose = 'count' || char(27) || ']0;x' || char(7) ||
	char(155) || '2J'"
ct status
is "$RC" 0 "escaped: status runs"
is "$(printf '%s' "$OUT" | tr -d '\n' | LC_ALL=C grep -c "$(printf '[\001-\037\177]')")" \
	0 "escaped: status prints no control character"
is "$(printf '%s' "$OUT" | grep -c "$(printf '\302\233')")" 0 \
	"escaped: status prints no C1 control (CSI)"
like "$OUT" 'SAFE1/\\x1B\[2JT1, lost since' "escaped: the location shown escaped"
like "$OUT" 'count\\x1B\]0;x\\x07\\u\{009B\}2J' \
	"escaped: the safe's purpose shown escaped"
ct status --json
like "$OUT" 'SAFE1/\\u001b\[2JT1' "escaped: JSON keeps the text (as JSON escapes)"

done_testing
