#!/usr/bin/env bash
# The number of SQL statements a back-office command runs does not grow
# with the number of ranges (issue 12): status and plan cycle once asked
# the ledger for each range's history one range at a time (3,000 queries
# for 1,000 trays), and count start read it, range by range, inside its
# write transaction, holding the lock a window checkout waits for.  The
# same commands run on two ledgers, of 4 and of 24 trays with a count's
# history, and CARDTALLY_SQL_LOG (data/ledger.c) counts their statements.
. "$(dirname "$0")/lib.sh"

export CARDTALLY_NOW=1772413200

# ledger_of T: a new ledger with T trays of 2 cards, a cycle plan over
# them and a full count started, every range assigned by the planner (the
# count's history), and that count's history of who counted what.
ledger_of() {
	new_ledger || return 1
	{
		echo mgmt_id,serial,location,received
		for ((t = 1; t <= $1; t++)); do
			printf 'C%02d1,04C%02d1,SAFE1/T%02d,2025-06-01\n' \
				"$t" "$t" "$t"
			printf 'C%02d2,04C%02d2,SAFE1/T%02d,2025-06-01\n' \
				"$t" "$t" "$t"
		done
	} >"$WORK/stock.csv"
	as S02 2222 import "$WORK/stock.csv"
	[ "$RC" = 0 ] || return 1
	as M01 1111 plan cycle --months 3 --apply
	[ "$RC" = 0 ] || return 1
}

# statements ARGS...: how many statements `cardtally ARGS...` ran.
statements() {
	rm -f "$WORK/sql.log"
	CARDTALLY_SQL_LOG=$WORK/sql.log ct "$@"
	[ "$RC" = 0 ] || echo "exit $RC: $ERR" >&2
	wc -l <"$WORK/sql.log"
}

# in_count_tx: the statements of the last write transaction in sql.log
# that read the planner's input: a range's earlier counts and who made
# them, the cards it holds (the log keeps a statement's first 200
# characters, so these are known by how they begin: data/plan.c).
in_count_tx() {
	awk '/ BEGIN IMMEDIATE$/ { n = 0; on = 1; next }
	     / (COMMIT|ROLLBACK)$/ { on = 0; last = n; next }
	     on && /ms=[0-9.]+ (WITH RECURSIVE up\(p\)|WITH pair\(|SELECT s\.id, s\.kind, s\.started_at, r\.location_id|SELECT p\.code FROM staff p WHERE p\.id IN|SELECT j\.key|SELECT count\(\*\) FROM card c JOIN location x)/ { n++ }
	     END { print last + 0 }' "$WORK/sql.log"
}

declare -A N
for T in 4 24; do
	ledger_of "$T" || { echo "Bail out! cannot make a ledger of $T trays"; exit 1; }
	rm -f "$WORK/sql.log"
	CARDTALLY_SQL_LOG=$WORK/sql.log as M01 1111 count start --kind full
	is "$RC" 0 "$T trays: count start over every range"
	is "$(sqlq "SELECT count(*) FROM session_range WHERE assignee_id IS NOT NULL")" \
		"$T" "$T trays: every range assigned"
	is "$(in_count_tx)" 0 \
		"$T trays: count start reads no history inside its write transaction"
	N[status$T]=$(statements status)
	N[json$T]=$(statements status --json)
	N[cycle$T]=$(statements plan cycle --months 12)
	N[assign$T]=$(statements plan assign --count 1)
done
for k in status json cycle assign; do
	is "${N[${k}24]}" "${N[${k}4]}" \
		"$k: as many statements for 24 trays as for 4 (${N[${k}4]})"
done
# The history is read: status names who counted the range.
ct status --json
like "$OUT" '"last_count":\{"session":1,"kind":"full"' \
	"status --json: a range's last count is the full count"

done_testing
