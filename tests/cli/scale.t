#!/usr/bin/env bash
# The number of SQL statements a back-office command runs does not grow
# with the number of ranges, cards, disposals or staff (issue 12): status
# and plan cycle once asked the ledger for each range's history one range
# at a time (3,000 queries for 1,000 trays), status asked for each staff
# member's training and read every card in storage, audit verify looked
# up each disposal row and each disposal entry one by one, and count
# start read the history, range by range, inside its write transaction,
# holding the lock a window checkout waits for.  The same commands run on
# two ledgers, of 4 and of 24 trays with a count's history, a disposal of
# a card of each tray and a staff member per 4 trays, and
# CARDTALLY_SQL_LOG (data/ledger.c) counts their statements.
. "$(dirname "$0")/lib.sh"

export CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"
PIN_M01=$(pin_file M01 1111)
PIN_S03=$(pin_file S03 3333)

# ledger_of T: a new ledger with T trays of 2 cards, a cycle plan over
# them; the first card of each tray moved away and disposed of in one
# disposal; T/4 more staff members, every other one trained in a required
# course (status lists the others).
ledger_of() {
	new_ledger || return 1
	{
		echo mgmt_id,serial,location,received,status
		for ((t = 1; t <= $1; t++)); do
			printf 'C%02d1,04C%02d1,SAFE1/T%02d,2025-06-01,moved\n' \
				"$t" "$t" "$t"
			printf 'C%02d2,04C%02d2,SAFE1/T%02d,2025-06-01,\n' \
				"$t" "$t" "$t"
		done
	} >"$WORK/stock.csv"
	as S02 2222 import "$WORK/stock.csv"
	[ "$RC" = 0 ] || return 1
	as M01 1111 plan cycle --months 3 --apply
	[ "$RC" = 0 ] || return 1
	as S02 2222 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
	[ "$RC" = 0 ] || return 1
	for ((t = 1; t <= $1; t++)); do
		printf 'card 04C%02d1\n' "$t"
	done >"$WORK/dispose.sim"
	as S02 2222 scan --session D1 --reader "sim:$WORK/dispose.sim"
	[ "$RC" = 0 ] || return 1
	as S02 2222 dispose close D1 --method contractor --certificate C-1 \
		--witness M01 --witness-pin-fd 4 4<"$PIN_M01"
	[ "$RC" = 0 ] || return 1
	as M01 1111 training course add BASIC --name "Card handling" \
		--required-for cards
	[ "$RC" = 0 ] || return 1
	for ((k = 1; k <= $1 / 4; k++)); do
		"$CT" staff add "$(printf 'X%02d' "$k")" --name "Extra $k" \
			--role staff --as M01 --pin-fd 3 --new-pin-fd 4 \
			3<"$PIN_M01" 4<"$(pin_file X 5555)" >/dev/null 2>&1 ||
			return 1
		if ((k % 2)); then
			as M01 1111 training record BASIC \
				--staff "$(printf 'X%02d' "$k")" --date 2026-03-01
			[ "$RC" = 0 ] || return 1
		fi
	done
	for s in M01 S02 S03 P04; do
		as M01 1111 training record BASIC --staff $s --date 2026-03-01
		[ "$RC" = 0 ] || return 1
	done
}

# statements ARGS...: how many statements `cardtally ARGS...` ran.
statements() {
	rm -f "$WORK/sql.log"
	CARDTALLY_SQL_LOG=$WORK/sql.log ct "$@"
	[ "$RC" = 0 ] || echo "exit $RC: $ERR" >&2
	wc -l <"$WORK/sql.log"
}

# whole_log_reads: the statements in sql.log that read the audit table
# whole (audit verify once read it again for each table its entries
# repeat: 8 passes over a million entries); the disposal entries are
# fetched by id.
whole_log_reads() {
	grep -E 'FROM audit( |$)' "$WORK/sql.log" |
		grep -vc 'FROM audit WHERE id IN'
}

# in_count_tx: the statements of the last write transaction in sql.log
# that read the planner's input: a range's earlier counts and who made
# them, the cards it holds (the log keeps a statement's first 200
# characters, so these are known by how they begin: data/plan.c).
in_count_tx() {
	awk '/ BEGIN IMMEDIATE$/ { n = 0; on = 1; next }
	     / (COMMIT|ROLLBACK)$/ { on = 0; last = n; next }
	     on && /ms=[0-9.]+ (WITH RECURSIVE up\(p\)|WITH pair\(|WITH RECURSIVE pair\(|SELECT s\.id, s\.kind, s\.started_at, r\.location_id|SELECT p\.code FROM staff p WHERE p\.id IN|SELECT j\.key|SELECT count\(\*\) FROM card c JOIN location x)/ { n++ }
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
	N[audit$T]=$(statements audit verify)
	is "$(whole_log_reads)" 1 \
		"$T trays: audit verify reads the whole audit log once"
	N[daily$T]=$(statements report daily)
	is "$(sqlq "SELECT count(*) FROM disposal")" "$T" \
		"$T trays: $T cards disposed of"
	ct status --json
	is "$(printf '%s' "$OUT" | pyjson 'len(d["training_gaps"])')" \
		"$((T / 4 / 2))" "$T trays: the untrained extra staff are gaps"
	is "$(printf '%s' "$OUT" | pyjson 'd["disposal_due"]')" 0 \
		"$T trays: no card left due (the moved ones disposed of)"
done
for k in status json cycle assign audit daily; do
	is "${N[${k}24]}" "${N[${k}4]}" \
		"$k: as many statements for 24 trays as for 4 (${N[${k}4]})"
done
# The history is read: status names who counted the range.
ct status --json
like "$OUT" '"last_count":\{"session":1,"kind":"full"' \
	"status --json: a range's last count is the full count"

# Schema 18's indexes answer what status, count start, plan cycle and
# tally start ask (data/ledger.c): SQLite's plan names them.  A plan that
# reads the whole card table or every read of a range grows with the
# ledger while the statement count stays the same.
eqp() { sqlq "EXPLAIN QUERY PLAN $1" | tr '\n' ' '; }
like "$(eqp "SELECT id FROM card WHERE status = 'checked_out'")" \
	'SEARCH card USING (COVERING )?INDEX card_away' \
	"schema 18: the checked-out cards by index (status, tally start)"
like "$(eqp "SELECT id FROM card WHERE status = 'lost'")" \
	'SEARCH card USING (COVERING )?INDEX card_away' \
	"schema 18: the lost cards by index (status)"
like "$(eqp "SELECT count(*) FROM card c WHERE c.location_id = 1 AND (c.status = 'checked_out' OR c.status = 'lost' OR c.status = 'issued' OR c.status = 'disposed')")" \
	'SEARCH c USING COVERING INDEX card_away' \
	"schema 18: a location's cards not in the safe from the index alone"
like "$(eqp "SELECT count(*) FROM card c WHERE c.location_id = 1")" \
	'SEARCH c USING COVERING INDEX card_location' \
	"schema 18: a location's cards from the index alone"
like "$(eqp "SELECT min(staff_id) FROM scan WHERE session_id = 1 AND range_id = 2 AND staff_id > 3")" \
	'SEARCH scan USING COVERING INDEX scan_range_staff' \
	"schema 18: the next reader of a range from the index alone"

# ---- a long back-office command and the window at once ------------------
# count start over 300 ranges while the window checks cards out, each
# checkout a process of its own: every checkout succeeds, none is told the
# ledger is locked, and none waits anywhere near the 10 s busy timeout
# (count start holds its write lock only for its writes).
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
{
	echo mgmt_id,serial,location,received
	for ((t = 1; t <= 300; t++)); do
		printf 'W%03d,04D%03d,SAFE%d/T%03d,2025-06-01\n' \
			"$t" "$t" $((t % 3 + 1)) "$t"
	done
} >"$WORK/stock.csv"
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "window: 300 trays imported"
(
	"$CT" count start --kind full --as M01 --pin-fd 3 3<<<1111 \
		>"$WORK/start.out" 2>"$WORK/start.err"
	echo $? >"$WORK/start.rc"
) &
start_pid=$!
co_rc=0 overlap=0 slowest=0 n_co=0
for ((i = 1; i <= 20; i++)); do
	n_co=$i
	kill -0 "$start_pid" 2>/dev/null && overlap=$((overlap + 1))
	t0=$(date +%s%N)
	"$CT" checkout "$(printf 'W%03d' "$i")" --as S03 --pin-fd 3 3<<<3333 \
		>>"$WORK/co.out" 2>>"$WORK/co.err" || co_rc=$((co_rc + 1))
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -le "$slowest" ] || slowest=$ms
	[ -e "$WORK/start.rc" ] && [ "$i" -ge 5 ] && break
done
wait "$start_pid"
is "$(cat "$WORK/start.rc")" 0 "window: count start over 300 ranges exits 0"
is "$(sqlq "SELECT count(*) FROM session_range WHERE assignee_id IS NOT NULL")" \
	300 "window: every range assigned"
is "$co_rc" 0 "window: every checkout exits 0"
[ "$overlap" -gt 0 ]
ok $? "window: checkouts ran while count start did ($overlap of $n_co)"
[ "$slowest" -lt 5000 ]
ok $? "window: the slowest checkout took ${slowest} ms (under 5 s)"
is "$(cat "$WORK/co.err" "$WORK/start.err" | grep -ciE 'locked|busy')" 0 \
	"window: nobody is told the ledger is locked"
is "$(sqlq "SELECT count(*) FROM card WHERE status = 'checked_out'")" \
	"$n_co" "window: each checkout recorded"

# ---- the reports read what they report -------------------------------------
# The incident report and the record book of a partial count, and the daily
# report, on two ledgers that differ only in what those reports do not
# report: a second safe of 4 trays holding 2 or 12 cards each, which an
# earlier count (a month before) read card by card, and 1 or 3 disposal
# batches started that day.  The incident report once walked every read of
# the ledger to find who read a missing card's range (per card), and loaded
# the whole card table to reconcile a count of one safe; the record book
# loaded the whole card table too; the daily report read every disposal
# batch ever made, two statements each.  CARDTALLY_SQL_STEPS gives each
# statement's virtual machine steps, about the rows it walked: equal on
# both ledgers for the first two, and the daily report's statements equal.
# reports_ledger N B: SAFE1's 4 trays of 2 cards in a partial count begun
# at the clock, S02 reading all but C111 and C211; SAFE2's 4 trays of N
# cards each read a month before by S03 in a count of SAFE2; B disposal
# batches started.
reports_ledger() {
	local n=$1 b=$2 t k
	new_ledger || return 1
	{
		echo mgmt_id,serial,location,received
		for ((t = 1; t <= 4; t++)); do
			for ((k = 1; k <= 2; k++)); do
				printf 'C%d1%d,04F%d1%d,SAFE1/T%02d,2025-06-01\n' \
					"$t" "$k" "$t" "$k" "$t"
			done
			for ((k = 1; k <= n; k++)); do
				printf 'D%d%02d,04D%d%02d,SAFE2/T%02d,2025-06-01\n' \
					"$t" "$k" "$t" "$k" "$t"
			done
		done
	} >"$WORK/stock.csv"
	as S02 2222 import "$WORK/stock.csv"
	[ "$RC" = 0 ] || return 1
	CARDTALLY_NOW=$((CARDTALLY_NOW - 30 * 86400)) \
		as M01 1111 count start --kind partial --ranges SAFE2 \
		--assign SAFE2=S03
	[ "$RC" = 0 ] || return 1
	sqlq "SELECT 'card ' || serial FROM card WHERE mgmt_id GLOB 'D*'
		ORDER BY id" >"$WORK/safe2.sim"
	CARDTALLY_NOW=$((CARDTALLY_NOW - 30 * 86400 + 600)) \
		as S03 3333 scan --session 1 --range SAFE2 \
		--reader "sim:$WORK/safe2.sim"
	[ "$RC" = 0 ] || return 1
	as M01 1111 count start --kind partial --ranges SAFE1 \
		--assign SAFE1=S02
	[ "$RC" = 0 ] || return 1
	sqlq "SELECT 'card ' || serial FROM card WHERE mgmt_id GLOB 'C*'
		AND mgmt_id NOT IN ('C111', 'C211') ORDER BY id" >"$WORK/safe1.sim"
	CARDTALLY_NOW=$((CARDTALLY_NOW + 600)) as S02 2222 scan --session 2 \
		--range SAFE1 --reader "sim:$WORK/safe1.sim"
	[ "$RC" = 0 ] || return 1
	for ((k = 1; k <= b; k++)); do
		as S02 2222 dispose start --witness M01 --witness-pin-fd 4 \
			4<"$PIN_M01"
		[ "$RC" = 0 ] || return 1
	done
}

# steps ARGS...: the virtual machine steps of `cardtally ARGS...`, all
# statements together.
steps() {
	rm -f "$WORK/sql.log"
	CARDTALLY_SQL_STEPS=1 CARDTALLY_SQL_LOG=$WORK/sql.log ct "$@"
	[ "$RC" = 0 ] || [ "$RC" = 1 ] || echo "exit $RC: $ERR" >&2
	awk '{ sub(/^steps=/, "", $3); n += $3 } END { print n + 0 }' \
		"$WORK/sql.log"
}

# On a ledger of their own: the window's ledger goes on below.
window_db=$CARDTALLY_DB
export CARDTALLY_DB=$WORK/reports.db
month=$(TZ=Asia/Tokyo date -d "@$CARDTALLY_NOW" +%Y-%m)
for rn in 2 12; do
	rb=$((rn == 2 ? 1 : 3))
	reports_ledger "$rn" "$rb" ||
		{ echo "Bail out! cannot make the reports' ledger of $rn"; exit 1; }
	ct report incident --count 2
	like "$OUT" '2 cards missing' "reports $rn: the incident report lists C111 and C211"
	like "$OUT" 'S02' "reports $rn: the incident report names who read the range"
	ct report record-book --month "$month"
	like "$OUT" 'counted by S02' "reports $rn: the record book names who counted SAFE1"
	ct report daily
	is "$(printf '%s\n' "$OUT" | grep -c 'still open: ')" "$rb" \
		"reports $rn: the daily report lists each disposal batch of the day ($rb)"
	N[incident$rn]=$(steps report incident --count 2)
	N[book$rn]=$(steps report record-book --month "$month")
	N[daily$rn]=$(statements report daily 2>/dev/null)
	# Each read checks that its session's reads come from one identity
	# profile: it once walked every earlier read of the session (a sweep
	# of 100 trays of 1,000 cards slowed to 10 s a tray by its end).  A
	# scan reads four cards into count 1 (4 x 2 or 4 x 12 reads already),
	# fed one at a time, and before its second and third another process
	# records a read into the count: those reads check again (the file
	# changed), looking only at what was recorded since the last check;
	# the first looks at the session, once; the fourth, nobody having
	# written since the third, checks nothing (what the third found
	# holds).
	rm -f "$WORK/sql.log" "$WORK/in"
	mkfifo "$WORK/in"
	exec 5<>"$WORK/in"
	: >"$WORK/again.out"
	CARDTALLY_SQL_STEPS=1 CARDTALLY_SQL_LOG=$WORK/sql.log \
		"$CT" scan --session 1 --range SAFE2 --reader sim:- --json \
		--as S03 --pin-fd 3 3<"$PIN_S03" <"$WORK/in" 5>&- \
		>"$WORK/again.out" 2>"$WORK/again.err" &
	scan=$!
	k=0
	for c in 04D101 04D201 04D301 04D401; do
		k=$((k + 1))
		if [ "$k" = 2 ] || [ "$k" = 3 ]; then
			printf 'card 04D%d02\n' "$k" >"$WORK/other.sim"
			as S03 3333 scan --session 1 --range SAFE2 \
				--reader "sim:$WORK/other.sim" 5>&-
		fi
		printf 'card %s\nremove\n' "$c" >&5
		wait_lines_of "$WORK/again.out" "$k" ||
			diag "read $k of the scan fed live: not reported"
	done
	exec 5>&-
	wait "$scan"
	is "$?" 0 "reports $rn: the scan fed live ends at its input's end"
	is "$(grep -c 'profile_version FROM scan_live' "$WORK/sql.log")" 3 \
		"reports $rn: a scan checks the profile at its first read and after each other writer, not at its fourth"
	N[profile$rn]=$(grep 'profile_version FROM scan_live' "$WORK/sql.log" |
		tail -n +2 |
		awk '{ sub(/^steps=/, "", $3); n += $3 } END { print n + 0 }')
done
[ "${N[profile2]}" -gt 0 ]
ok $? "profile check: its steps are logged (${N[profile2]})"
is "${N[profile12]}" "${N[profile2]}" \
	"profile check: a read's check walks as much after 48 reads of the session as after 8 (${N[profile2]})"
for k in incident book; do
	[ "${N[${k}2]}" -gt 0 ]
	ok $? "$k: its steps are logged (${N[${k}2]})"
	is "${N[${k}12]}" "${N[${k}2]}" \
		"$k: as many steps with 12 uncounted cards a tray as with 2 (${N[${k}2]})"
done
is "${N[daily12]}" "${N[daily2]}" \
	"daily: as many statements for 3 disposal batches as for 1 (${N[daily2]})"
export CARDTALLY_DB=$window_db

# ---- a big import and the window at once ------------------------------------
# A stock list of 30,000 new cards imported while the window checks cards
# out, each checkout a process of its own: as with count start, every
# checkout succeeds within the busy timeout and nobody is told the ledger
# is locked.  The import's longest write transaction (CARDTALLY_TX_LOG) is
# reported; the sanitizers make everything many times longer: there the
# list has 3,000 cards, and a checkout's own time (its PIN's hash above
# all) is only reported.  A checkout that exits 0 without being told the
# ledger is locked waited less than its busy timeout (SQLite gives up after
# it).  The import writes in chunks of at most 20,000 rows, each its own
# write transaction (data/import.h): 30,000 rows take more write
# transactions than a list of one row does (a count, not a time).
NBIG=${CARDTALLY_SANITIZED:+3000}
NBIG=${NBIG:-30000}
{
	echo mgmt_id,serial,location,received
	for ((t = 1; t <= NBIG; t++)); do
		printf 'N%05d,04E%05d,SAFE9/T%03d,2025-07-01\n' \
			"$t" "$t" $((t % 300))
	done
} >"$WORK/big.csv"
printf '%s\n' mgmt_id,serial,location,received \
	"Q00000,04C00000,SAFE9/T000,2025-07-01" >"$WORK/one.csv"
rm -f "$WORK/tx1.log"
CARDTALLY_TX_LOG=$WORK/tx1.log "$CT" import "$WORK/one.csv" --as S02 \
	--pin-fd 3 3<<<2222 >/dev/null 2>&1
tx_one=$(grep -c . "$WORK/tx1.log")
rm -f "$WORK/start.rc" "$WORK/tx.log"
(
	CARDTALLY_TX_LOG=$WORK/tx.log "$CT" import "$WORK/big.csv" --as S02 \
		--pin-fd 3 3<<<2222 >"$WORK/import.out" 2>"$WORK/import.err"
	echo $? >"$WORK/import.rc"
) &
import_pid=$!
co_rc=0 overlap=0 slowest=0 n_co2=0
for ((i = 21; i <= 60; i++)); do
	n_co2=$((n_co2 + 1))
	kill -0 "$import_pid" 2>/dev/null && overlap=$((overlap + 1))
	t0=$(date +%s%N)
	"$CT" checkout "$(printf 'W%03d' "$i")" --as S03 --pin-fd 3 3<<<3333 \
		>>"$WORK/co2.out" 2>>"$WORK/co2.err" || co_rc=$((co_rc + 1))
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -le "$slowest" ] || slowest=$ms
	[ -e "$WORK/import.rc" ] && [ "$n_co2" -ge 5 ] && break
done
wait "$import_pid"
is "$(cat "$WORK/import.rc")" 0 "import: $NBIG cards imported while checkouts ran"
is "$(sqlq "SELECT count(*) FROM card WHERE mgmt_id GLOB 'N*'")" "$NBIG" \
	"import: every card of the list in the ledger"
is "$co_rc" 0 "import: every checkout exits 0"
[ "$overlap" -gt 0 ]
ok $? "import: checkouts ran while the import did ($overlap of $n_co2)"
if [ -n "${CARDTALLY_SANITIZED:-}" ]; then
	diag "import: the slowest checkout took ${slowest} ms"
else
	[ "$slowest" -lt 10000 ]
	ok $? "import: the slowest checkout took ${slowest} ms (within the 10 s busy timeout)"
fi
is "$(cat "$WORK/co2.err" "$WORK/import.err" | grep -ciE 'locked|busy')" 0 \
	"import: nobody is told the ledger is locked"
is "$(sqlq "SELECT count(*) FROM card WHERE status = 'checked_out'")" \
	"$((n_co + n_co2))" "import: each checkout recorded"
diag "import's write transactions: $(tr '\n' ' ' <"$WORK/tx.log")"
tx_big=$(grep -c . "$WORK/tx.log")
if [ "$NBIG" -gt 20000 ]; then
	[ "$tx_big" -gt "$tx_one" ]
	ok $? "import: $NBIG rows in more write transactions ($tx_big) than one row ($tx_one)"
fi

done_testing
