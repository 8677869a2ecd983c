#!/usr/bin/env bash
# One conformance suite for every reader backend (ISSUE "Tests": the same
# scenarios against each): a table of scenarios, run in order in one scan
# session per backend, each driving the backend's harness through its
# adapter (tests/cli/adapters.sh: adding a backend means adding an
# adapter there).  A scenario that does not apply to a backend is a TAP
# skip with the adapter's reason, and a backend whose daemon or device
# cannot start is skipped with the reason: never a silent pass.
#
# Scenarios: present (accepted), hold (one read however long the card
# lies there), remove and present again (a repeat), two cards in the field
# (two events), reader lost mid-session and back (reader_lost, reader_back,
# the card lying there read again as a repeat: no read lost, none counted
# twice), random UID refused with a message naming an APDU profile, a
# type B card with a random PUPI refused under uid naming apdu:seizo.
# Then the My Number profiles, each in a count of its own (a count takes
# the reads of one profile): apdu:seizo reading the manufacturing number
# (recorded with its profile; the same count read with apdu:jpki-auth
# refused naming both), apdu:mynumber (now apdu:jpki-auth: the JPKI
# certificate's authority key identifier and serial; the scan says so on
# stderr) and a card without certificates, its own no_certificate event.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcscd.sh"
. "$(dirname "$0")/adapters.sh"

# ---- the scenarios ----------------------------------------------------------------

# Each scenario: its name, then what it does and checks through $B's
# adapter.  Run in this order, in one session; each leaves the field empty.
SCENARIOS="present hold represent pair lost random pupi"
MN_SCENARIOS="seizo mynumber nocert"

# present: a card laid on the reader is accepted.
sc_present() {
	${B}_present "$C1"
	wait_lines 1
	take_events
	is "$EV" "accepted K1" "$B: present: accepted"
}
# hold: it lies there a while: still one read.
sc_hold() {
	${B}_hold
	is "$(lines)" 1 "$B: hold: one read only"
}
# represent: removed, then presented again: a repeat, not counted twice.
sc_represent() {
	${B}_remove
	${B}_present "$C1"
	wait_lines $((SEEN + 1))
	take_events
	is "$EV" "repeat K1" "$B: remove, present again: a repeat"
	${B}_remove
}
# pair: two cards in the field at once: two events.
sc_pair() {
	${B}_pair "$C2" "$C3"
	wait_lines $((SEEN + 2))
	take_events
	is_text "$EV" "accepted K2
accepted K3" "$B: two cards in the field: two events"
	${B}_hold
	is "$(lines)" "$SEEN" "$B: two cards held: nothing more"
	${B}_remove
}
# lost: the reader goes with a card on it and comes back: lost, back, and
# the card still lying there read again (a repeat).
sc_lost() {
	${B}_present "$C4"
	wait_lines $((SEEN + 1))
	take_events
	is "$EV" "accepted K4" "$B: card before the loss: accepted"
	${B}_unplug
	wait_lines $((SEEN + 1))
	take_events
	is "$EV" "reader_lost -" "$B: reader unplugged: reader_lost"
	${B}_replug
	wait_lines $((SEEN + 2))
	is "$(tail -n +$((SEEN + 1)) "$WORK/scan.out" | events event mgmt_id |
		tr '\n' ' ')" "reader_back - repeat K4 " \
		"$B: reader back: reader_back, then the card lying there"
	SEEN=$(lines)
	${B}_remove
}
# random: a random UID is refused, with a message that names a profile.
sc_random() {
	${B}_random
	wait_lines $((SEEN + 1))
	local last
	last=$(tail -n 1 "$WORK/scan.out")
	take_events
	is "$EV" "unreadable -" "$B: random UID: unreadable, not counted"
	like "$(printf '%s' "$last" | pyjson 'd["message"]')" \
		'random UID.*APDU profile.*apdu:seizo' \
		"$B: random UID: the message points to an APDU profile"
	${B}_remove
}
# pupi: a type B card (a My Number card) under uid: its PUPI is not a
# stable identifier, so it is refused naming apdu:seizo.
sc_pupi() {
	${B}_pupi
	wait_lines $((SEEN + 1))
	local last
	last=$(tail -n 1 "$WORK/scan.out")
	take_events
	is "$EV" "unreadable -" "$B: type B card under uid: unreadable, not counted"
	like "$(printf '%s' "$last" | pyjson 'd["message"]')" \
		'type B.*PUPI is not a stable identifier.*apdu:seizo' \
		"$B: type B card under uid: the message names apdu:seizo"
	${B}_remove
	${B}_typea
}

# The My Number scenarios: each profile in a count of its own, of a range
# of its own (RANGE), S02's.
mn_count() { # mn_count RANGE
	as S02 2222 count start --kind partial --ranges "$1" --assign "$1=S02"
	SID=$OUT RANGE=$1
}
# seizo: the manufacturing number identifies the card, and is recorded
# with its profile; the same count read with apdu:jpki-auth is refused.
sc_seizo() {
	mn_count SAFE1/T02
	${B}_start --profile apdu:seizo
	${B}_seizo
	wait_lines 1
	take_events
	is "$EV" "accepted MS1" \
		"$B: apdu:seizo: the manufacturing number identifies the card"
	${B}_remove
	${B}_stop
	stopped_cleanly "the apdu:seizo scan"
	is "$(sqlq "select profile || ' ' || profile_version from scan
		where session_id = $SID")" "apdu:seizo 1" \
		"$B: apdu:seizo: the read recorded with its profile and version"
	${B}_start --profile apdu:jpki-auth
	${B}_seizo
	wait_lines 1
	local last
	last=$(tail -n 1 "$WORK/scan.out")
	take_events
	is "$EV" "refused -" "$B: the apdu:seizo count read with apdu:jpki-auth: refused"
	like "$(printf '%s' "$last" | pyjson 'd["message"]')" \
		'holds reads of identity profile apdu:seizo v1, and this one was read with apdu:jpki-auth v1' \
		"$B: the refusal names both profiles"
	${B}_remove
	${B}_typea
	${B}_stop
	is "$RC" 65 "$B: the refused read ends the scan (exit 65)"
	is "$(sqlq "select count(*) from scan where session_id = $SID")" 1 \
		"$B: the refused read is not recorded"
}
# mynumber: with --profile apdu:mynumber (a count of its own), a card
# with a random UID is identified by its certificate; the operator is
# told what the old name stands for now.
sc_mynumber() {
	mn_count SAFE1/T03
	${B}_start --profile apdu:mynumber
	${B}_mynumber
	wait_lines 1
	take_events
	is "$EV" "accepted MN1" \
		"$B: apdu:mynumber: the certificate's AKI + serial identify the card"
	${B}_remove
}
# nocert: in the same scan, a card issued without certificates: an event
# of its own, not counted.
sc_nocert() {
	${B}_nocert
	wait_lines $((SEEN + 1))
	local last
	last=$(tail -n 1 "$WORK/scan.out")
	take_events
	is "$EV" "no_certificate -" \
		"$B: a card without certificates: no_certificate, not unreadable"
	is "$(printf '%s' "$last" | pyjson 'd["message"]')" \
		"no certificate on this card: use apdu:seizo" \
		"$B: a card without certificates: use apdu:seizo"
	${B}_remove
	${B}_typea
	${B}_stop
	is "$RC" 143 "$B: the apdu:mynumber scan stopped by SIGTERM (exit 143)"
	like "$(cat "$WORK/scan.err")" \
		"^note: profile apdu:mynumber is now called apdu:jpki-auth" \
		"$B: apdu:mynumber: the operator is told what it stands for now"
	is "$(sqlq "select group_concat(serial || ':' || profile, ' ') from
		scan where session_id = $SID")" "$MN_SERIAL:apdu:jpki-auth" \
		"$B: only the card with a certificate is recorded, as apdu:jpki-auth"
}

# ---- fixtures ---------------------------------------------------------------------

make_cert
C1=04110000000001 C2=04120000000002 C3=04130000000003 C4=04140000000004

# expected_rows: the scan rows a backend that ran SCENARIOS must have left.
expected_rows() {
	local rows="$C1:accepted $C1:repeat"
	${B}_cannot pair >/dev/null || rows="$rows $C2:accepted $C3:accepted"
	${B}_cannot lost >/dev/null || rows="$rows $C4:accepted $C4:repeat"
	echo "$rows"
}

for B in $BACKENDS; do
	SKIP_WHY=
	if ! ${B}_setup; then
		# Never an empty reason (run-one fails those).
		SKIP_WHY=${SKIP_WHY:-${B}_setup failed without saying why}
		for s in $SCENARIOS $MN_SCENARIOS; do skip "$B: $s: $SKIP_WHY"; done
		continue
	fi
	new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
	PIN=$(pin_file S02 2222)
	printf '%s\n' mgmt_id,serial,location,received \
		"K1,$C1,SAFE1/T01,2025-06-01" "K2,$C2,SAFE1/T01,2025-06-01" \
		"K3,$C3,SAFE1/T01,2025-06-01" "K4,$C4,SAFE1/T01,2025-06-01" \
		"MS1,$SEIZO,SAFE1/T02,2025-06-01" \
		"MN1,$MN_SERIAL,SAFE1/T03,2025-06-01" >"$WORK/stock.csv"
	as S02 2222 import "$WORK/stock.csv"
	# The count as the daily procedure has it: the safe open, the range
	# S02's alone (reads with the safe recorded closed would be warned
	# about on stderr).
	with_witness S02 2222 M01 1111 key open --purpose "monthly count"
	as S02 2222 count start --kind full --assign SAFE1/T01=S02
	SID=$OUT RANGE=
	${B}_start
	for s in $SCENARIOS; do
		if why=$(${B}_cannot "$s"); then
			skip "$B: $s: $why"
			continue
		fi
		sc_$s
	done
	${B}_stop
	stopped_cleanly "the scan"
	# From the ledger: every read recorded once, in order; the random
	# UID not at all.
	is "$(sqlq "select group_concat(serial || ':' || outcome, ' ') from
		(select * from scan where session_id = $SID order by id)")" \
		"$(expected_rows)" "$B: the ledger holds every read, none twice"
	for s in $MN_SCENARIOS; do
		if why=$(${B}_cannot "$s"); then
			skip "$B: $s: $why"
			continue
		fi
		sc_$s
	done
	RANGE=
	${B}_teardown
done

done_testing
