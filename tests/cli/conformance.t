#!/usr/bin/env bash
# One conformance suite for every reader backend (ISSUE "Tests": the same
# scenarios against each): a table of scenarios, run in order in one scan
# session per backend, each driving the backend's harness through an
# adapter.  Adding a backend means adding an adapter: ADAPTER_setup,
# _start [ARGS] (a scan in the background, JSON events to $WORK/scan.out),
# _stop, _teardown, one function per step (_present SERIAL, _pair A B,
# _remove, _hold, _unplug, _replug, _random, _mynumber) and _cannot
# SCENARIO, which prints why a scenario does not apply to that backend (it
# is then a TAP skip with that reason, never a silent pass).  A backend whose
# daemon or device cannot start is skipped with the reason, in TAP.
#
#   sim   the scripted reader, fed live on stdin
#   kbd   a barcode scanner typing printed numbers (stdin)
#   pcsc  a private pcscd (tests/cli/pcscd.sh) with vsmartcard's vpcd and a
#         virtual card of ours (tests/tools/vcard.py)
#   nfc   Debian's libnfc, pn532_uart driver, to a PN532 emulated on a pty
#         (tests/tools/pn532emu.py)
#
# Scenarios: present (accepted), hold (one read however long the card
# lies there), remove and present again (a repeat), two cards in the field
# (two events), reader lost mid-session and back (reader_lost, reader_back,
# the card lying there read again as a repeat: no read lost, none counted
# twice), random UID refused with a message naming an APDU profile, and an
# APDU profile read (apdu:mynumber: the JPKI certificate's serial).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcscd.sh"

LIMIT=${CARDTALLY_SANITIZED:+600}
LIMIT=${LIMIT:-200} # times 0.05 s

# Card serials: 7-byte type A UIDs made of decimal digits only, so that the
# barcode scanner can type them as well.
C1=04110000000001 C2=04120000000002 C3=04130000000003 C4=04140000000004
RANDOM_UID=08123456
MN_SERIAL=1234ABCD # the test certificate's serial number

BACKENDS="sim kbd pcsc nfc"
SCAN= CHILDREN=
cleanup() {
	[ -n "$SCAN" ] && kill "$SCAN" 2>/dev/null
	for p in $CHILDREN; do kill "$p" 2>/dev/null; done
	stop_pcscd
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE

# ---- helpers ------------------------------------------------------------------

# wait_for CMD: polls until CMD (evaluated each time) succeeds.
wait_for() {
	local i
	for ((i = 0; i < LIMIT; i++)); do
		eval "$1" && return 0
		sleep 0.05
	done
	return 1
}
lines() { wc -l <"$WORK/scan.out"; }
wait_lines() { wait_for "[ \"\$(lines)\" -ge $1 ]"; }
skip() { # skip REASON: one TAP skip
	_n=$((_n + 1))
	echo "ok $_n # SKIP $*"
}
# take_events: the events printed since the last call into $EV, "event
# mgmt_id" a line, sorted (two cards may come in either order).
SEEN=0
take_events() {
	EV=$(tail -n +$((SEEN + 1)) "$WORK/scan.out" | events event mgmt_id |
		sort)
	SEEN=$(lines)
}
# start_scan SPEC [ARGS]: the scan of the backend's session, in the
# background, reading stdin from $WORK/in (a FIFO the adapter writes).
start_scan() {
	local spec=$1
	shift
	: >"$WORK/scan.out"
	SEEN=0
	"$CT" scan --session "$SID" --range SAFE1/T01 --reader "$spec" --json \
		--as S02 --pin-fd 3 "$@" 3<"$PIN" <"$WORK/in" \
		>"$WORK/scan.out" 2>"$WORK/scan.err" 5>&- 6>&- 7>&- &
	SCAN=$!
}
stop_scan() {
	[ -n "$SCAN" ] || return 0
	kill -TERM "$SCAN" 2>/dev/null
	wait "$SCAN"
	RC=$?
	SCAN=
}
# A FIFO as the scan's stdin, held open on fd 5 so that it never sees end
# of file before we say so.
open_input() {
	rm -f "$WORK/in"
	mkfifo "$WORK/in"
	exec 5<>"$WORK/in"
}
close_input() { exec 5>&-; }

# ---- sim ------------------------------------------------------------------------

sim_setup() { return 0; }
sim_start() { open_input && start_scan sim:- "$@"; }
sim_stop() {
	close_input # end of the script: the scan ends by itself
	wait "$SCAN"
	RC=$?
	SCAN=
}
sim_teardown() { :; }
sim_present() { echo "card $1" >&5; }
sim_pair() { echo "two $1 $2" >&5; }
sim_remove() { echo remove >&5; }
sim_hold() { echo "wait 300" >&5; }
sim_unplug() { echo unplug >&5; }
sim_replug() { echo replug >&5; }
sim_cannot() {
	case $1 in
	random | mynumber)
		echo "sim reports the serial its script names: no UID, no card to run a profile on" ;;
	*) return 1 ;;
	esac
}

# ---- kbd ------------------------------------------------------------------------

kbd_setup() { return 0; }
kbd_start() { open_input && start_scan kbd: "$@"; }
kbd_stop() {
	close_input
	wait "$SCAN"
	RC=$?
	SCAN=
}
kbd_teardown() { :; }
kbd_present() { echo "$1" >&5; }
kbd_remove() { :; } # a typed number leaves nothing in a field
kbd_cannot() {
	case $1 in
	hold) echo "kbd: a typed number is one read; no card lies in a field" ;;
	pair) echo "kbd: a barcode scanner types one number at a time" ;;
	lost) echo "kbd: stdin cannot be unplugged (an input device can, but there is none here)" ;;
	random) echo "kbd: printed numbers are not random UIDs" ;;
	mynumber) echo "kbd: printed numbers are read as typed; profiles are for chip readers" ;;
	*) return 1 ;;
	esac
}

# ---- pcsc -----------------------------------------------------------------------

READER="Virtual PCD 00 00"
pcsc_setup() {
	pcscd_prepare || { SKIP_WHY=$PCSCD_SKIP; return 1; }
	if ! command -v openssl >/dev/null; then
		SKIP_WHY="openssl is needed to make the test certificate"
		return 1
	fi
	PORT=$(free_port_pair)
	pcscd_conf "$PCSCD_CONF" "Virtual PCD" "$PORT"
	if ! start_pcscd; then
		SKIP_WHY="pcscd does not start: $(tail -n 1 "$WORK/pcscd.log")"
		return 1
	fi
	rm -f "$WORK/card.in"
	mkfifo "$WORK/card.in"
	exec 6<>"$WORK/card.in"
	python3 "$TESTS/tools/vcard.py" --port "$PORT" --cert "$CERT" \
		<"$WORK/card.in" >"$WORK/card.out" 2>&1 5>&- 6>&- &
	CHILDREN="$CHILDREN $!"
}
pcsc_start() { open_input && start_scan pcsc:Virtual "$@"; }
pcsc_stop() { stop_scan; }
pcsc_teardown() {
	echo quit >&6
	exec 6>&-
	stop_pcscd
}
# card COMMAND: to the virtual card, waiting for its acknowledgement.
card() {
	local acks
	acks=$(wc -l <"$WORK/card.out")
	echo "$*" >&6
	wait_for "[ \$(wc -l <\"\$WORK/card.out\") -gt $acks ]"
}
slot_empty() {
	"$CT" readers --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(r["name"] == sys.argv[1] and r["card"] is False
                  for r in d["attached"]) else 1)' "$READER"
}
pcsc_present() { card insert "$1"; }
pcsc_remove() { card remove && wait_for slot_empty; }
pcsc_hold() { sleep 1.2; } # three of pcscd's 400 ms polls
# The reader itself goes: pcscd stops (vpcd's reader goes with it; pcscd
# only adds readers on a rescan, never removes them).  Back: pcscd again.
pcsc_unplug() { stop_pcscd; }
pcsc_replug() { start_pcscd; }
pcsc_random() { card insert "$RANDOM_UID"; }
pcsc_mynumber() { card insert 08C0FFEE; }
pcsc_cannot() {
	case $1 in
	pair) echo "pcsc: a PC/SC slot holds one card (vpcd, like CCID contactless readers, reports one card per slot)" ;;
	*) return 1 ;;
	esac
}

# ---- nfc ------------------------------------------------------------------------

nfc_setup() {
	if ! "$CT" readers --json | grep -q '"name":"nfc"'; then
		SKIP_WHY="the nfc backend is not in this build (no libnfc)"
		return 1
	fi
	LINK="$WORK/pn532"
	export LIBNFC_DEVICE="pn532_uart:$LINK" LIBNFC_AUTO_SCAN=false
	unset LIBNFC_LOG_LEVEL
	rm -f "$WORK/emu.ctl"
	mkfifo "$WORK/emu.ctl"
	exec 7<>"$WORK/emu.ctl"
	python3 "$TESTS/tools/pn532emu.py" "$LINK" <"$WORK/emu.ctl" \
		>"$WORK/emu.out" 2>"$WORK/emu.err" 5>&- 6>&- 7>&- &
	CHILDREN="$CHILDREN $!"
	if ! wait_for 'grep -q "^ok ready" "$WORK/emu.out"'; then
		SKIP_WHY="the PN532 emulator does not start: $(cat "$WORK/emu.err")"
		return 1
	fi
	emu "cert $CERT"
}
acks() { grep -c '^ok ' "$WORK/emu.out"; }
emu() {
	local before
	before=$(acks)
	printf '%s\n' "$1" >&7
	wait_for "[ \"\$(acks)\" -gt $before ]"
}
frames() {
	local before
	before=$(grep -c '^frames ' "$WORK/emu.out")
	printf 'stats\n' >&7
	wait_for "[ \"\$(grep -c '^frames ' \"\$WORK/emu.out\")\" -gt $before ]"
	grep '^frames ' "$WORK/emu.out" | tail -n 1 | cut -d' ' -f2
}
exchanges() { # exchanges N: the backend sent N more frames to the chip
	local start
	start=$(frames)
	wait_for "[ \"\$(frames)\" -ge $((start + $1)) ]"
}
nfc_start() { open_input && start_scan nfc: "$@"; }
nfc_stop() { stop_scan; }
nfc_teardown() {
	printf 'quit\n' >&7
	exec 7>&-
}
nfc_present() { emu "insert A $1"; }
nfc_pair() { emu "pair $1 $2"; }
nfc_remove() { emu remove && exchanges 6; }
nfc_hold() { exchanges 12; }
nfc_unplug() { emu vanish; }
nfc_replug() { emu appear; }
nfc_random() { emu "insert A $RANDOM_UID"; }
nfc_mynumber() { emu "insert A 08C0FFEE"; }
nfc_cannot() { return 1; }

# ---- the scenarios ----------------------------------------------------------------

# Each scenario: its name, then what it does and checks through $B's
# adapter.  Run in this order, in one session; each leaves the field empty.
SCENARIOS="present hold represent pair lost random mynumber"

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
		'random UID.*APDU profile.*apdu:mynumber' \
		"$B: random UID: the message points to an APDU profile"
	${B}_remove
}
# mynumber: with --profile apdu:mynumber (a scan of its own), a card with
# a random UID is identified by its certificate's serial.
sc_mynumber() {
	${B}_stop
	is "$RC" 0 "$B: the uid-profile scan ends cleanly (exit 0)"
	is "$(cat "$WORK/scan.err")" "" "$B: nothing on stderr"
	${B}_start --profile apdu:mynumber
	${B}_mynumber
	wait_lines 1
	take_events
	is "$EV" "accepted MN1" \
		"$B: apdu:mynumber: the certificate's serial identifies the card"
	${B}_remove
}

# ---- fixtures ---------------------------------------------------------------------

CERT="$WORK/cert.der"
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=cardtally-test \
		-set_serial 0x$MN_SERIAL -days 1 -keyout "$WORK/key.pem" \
		-outform DER -out "$CERT" 2>/dev/null
fi

# expected_rows: the scan rows a backend that ran SCENARIOS must have left.
expected_rows() {
	local rows="$C1:accepted $C1:repeat"
	${B}_cannot pair >/dev/null || rows="$rows $C2:accepted $C3:accepted"
	${B}_cannot lost >/dev/null || rows="$rows $C4:accepted $C4:repeat"
	${B}_cannot mynumber >/dev/null || rows="$rows $MN_SERIAL:accepted"
	echo "$rows"
}

for B in $BACKENDS; do
	SKIP_WHY=
	if ! ${B}_setup; then
		for s in $SCENARIOS; do skip "$B: $s: $SKIP_WHY"; done
		continue
	fi
	new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
	PIN=$(pin_file S02 2222)
	printf '%s\n' mgmt_id,serial,location,received \
		"K1,$C1,SAFE1/T01,2025-06-01" "K2,$C2,SAFE1/T01,2025-06-01" \
		"K3,$C3,SAFE1/T01,2025-06-01" "K4,$C4,SAFE1/T01,2025-06-01" \
		"MN1,$MN_SERIAL,SAFE1/T01,2025-06-01" >"$WORK/stock.csv"
	as S02 2222 import "$WORK/stock.csv"
	as S02 2222 count start --kind full
	SID=$OUT
	${B}_start
	for s in $SCENARIOS; do
		if why=$(${B}_cannot "$s"); then
			skip "$B: $s: $why"
			continue
		fi
		sc_$s
	done
	${B}_stop
	is "$RC" 0 "$B: the scan ends cleanly (exit 0)"
	is "$(cat "$WORK/scan.err")" "" "$B: nothing on stderr"
	# From the ledger: every read recorded once, in order; the random
	# UID not at all.
	is "$(sqlq "select group_concat(serial || ':' || outcome, ' ') from
		(select * from scan where session_id = $SID order by id)")" \
		"$(expected_rows)" "$B: the ledger holds every read, none twice"
	${B}_teardown
done

done_testing
