#!/usr/bin/env bash
# 100 reader unplug/replug cycles in one session (ISSUE "Tests": no read
# lost, none counted twice), for every backend whose reader can go away:
# sim (unplug/replug in its script), pcsc (our pcscd stopped and started
# again: vpcd's reader goes and comes with it) and nfc (the emulated
# PN532's pty closed and opened again).  kbd is skipped: stdin cannot be
# unplugged.  The harnesses are conformance.t's adapters
# (tests/cli/adapters.sh).
#
# Cycle i: card i is laid on the reader (accepted), the reader is
# unplugged with the card on it (reader_lost), plugged in again
# (reader_back, and card i, still there, is read again: a repeat), and the
# card is taken away.  Afterwards the ledger must hold, for this session,
# exactly one accepted row per card and one repeat per cycle, and the scan
# must have printed as many reader_lost and reader_back as cycles.
# CARDTALLY_CYCLES sets another number of cycles (for a quick run).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcscd.sh"
. "$(dirname "$0")/adapters.sh"

CYCLES=${CARDTALLY_CYCLES:-100}
make_cert

serial() { printf '0420%010d' "$1"; } # 7 bytes, decimal digits only

for B in $BACKENDS; do
	if why=$(${B}_cannot lost); then
		skip "$B: $CYCLES unplug/replug cycles: $why"
		continue
	fi
	SKIP_WHY=
	if ! ${B}_setup; then
		skip "$B: $CYCLES unplug/replug cycles:" \
			"${SKIP_WHY:-${B}_setup failed without saying why}"
		continue
	fi
	new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
	PIN=$(pin_file S02 2222)
	{
		echo mgmt_id,serial,location,received
		for ((i = 1; i <= CYCLES; i++)); do
			echo "Y$i,$(serial $i),SAFE1/T01,2025-06-01"
		done
	} >"$WORK/stock.csv"
	as S02 2222 import "$WORK/stock.csv"
	# The count as the daily procedure has it: the safe open, the range
	# S02's alone (reads with the safe recorded closed would be warned
	# about on stderr).
	with_witness S02 2222 M01 1111 key open --purpose "monthly count"
	as S02 2222 count start --kind full --assign SAFE1/T01=S02
	SID=$OUT
	t0=$(date +%s)
	${B}_start
	bad= done_cycles=0
	for ((i = 1; i <= CYCLES; i++)); do
		${B}_present "$(serial $i)"
		wait_lines $((SEEN + 1))
		${B}_unplug
		wait_lines $((SEEN + 2))
		${B}_replug
		wait_lines $((SEEN + 4))
		take_events
		# Sorted: accepted, reader_back, reader_lost, repeat.
		if [ "$EV" != "accepted Y$i
reader_back -
reader_lost -
repeat Y$i" ]; then
			bad="cycle $i: $(echo $EV)"
			break
		fi
		${B}_remove
		done_cycles=$i
	done
	t1=$(date +%s)
	diag "$B: $done_cycles cycles in $((t1 - t0)) s"
	is "$bad" "" "$B: every cycle: accepted, reader_lost, reader_back, repeat"
	${B}_stop
	stopped_cleanly "the scan after $CYCLES cycles"
	is "$(grep -c '"reader_lost"' "$WORK/scan.out")/$(grep -c \
		'"reader_back"' "$WORK/scan.out")" "$CYCLES/$CYCLES" \
		"$B: $CYCLES reader_lost and $CYCLES reader_back"
	# From the ledger: no read lost (every card accepted), none counted
	# twice (one accepted row per card; the re-reads are repeats).
	is "$(sqlq "select count(distinct serial) || '/' ||
		sum(outcome = 'accepted') || '/' || sum(outcome = 'repeat')
		from scan where session_id = $SID")" \
		"$CYCLES/$CYCLES/$CYCLES" \
		"$B: ledger: $CYCLES cards, each accepted once, $CYCLES repeats"
	is "$(sqlq "select count(*) from (select serial from scan
		where session_id = $SID and outcome = 'accepted'
		group by serial having count(*) <> 1)")" 0 \
		"$B: ledger: no card accepted twice"
	${B}_teardown
done

done_testing
