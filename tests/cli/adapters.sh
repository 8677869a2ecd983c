# The reader backends' test harnesses behind one set of adapter functions,
# shared by conformance.t (the same scenarios against every backend) and
# cycles.t (100 unplug/replug cycles).  Source after lib.sh and pcscd.sh.
#
# An adapter for backend B: B_setup (starts its daemon or device; on
# failure SKIP_WHY says why), B_start [ARGS] (a scan of session $SID in the
# background, JSON events to $WORK/scan.out), B_stop (its exit status in
# $RC), B_teardown, one function per step (B_present SERIAL, B_pair A B,
# B_remove, B_hold, B_unplug, B_replug, B_random, B_mynumber, B_pupi: a
# type B card with a random PUPI, B_seizo: a My Number card answering
# the manufacturing number's application, B_nocert: one issued without
# certificates), and
# B_cannot SCENARIO, which prints why a scenario does not apply to B
# (returns 1 when it does apply).  Adding a backend means adding one.
#
#   sim   the scripted reader, fed live on stdin
#   kbd   a barcode scanner typing printed numbers (stdin)
#   pcsc  a private pcscd (tests/cli/pcscd.sh) with vsmartcard's vpcd and a
#         virtual card of ours (tests/tools/vcard.py)
#   nfc   Debian's libnfc, pn532_uart driver, to a PN532 emulated on a pty
#         (tests/tools/pn532emu.py)

LIMIT=${CARDTALLY_SANITIZED:+600}
LIMIT=${LIMIT:-200} # times 0.05 s

# Card serials are 7-byte type A UIDs made of decimal digits only, so that
# the barcode scanner can type them as well.
RANDOM_UID=08123456
# A My Number card: ISO 14443 type B (a PUPI drawn anew at each
# activation: every test a new one), its manufacturing number (13
# characters, here hex digits: the serial is that text).
TYPEB_ATR=3B88800100000000778181007E
SEIZO=0123456789ABC
new_pupi() { printf '%08X' $((RANDOM * 32768 + RANDOM)); }
# The test certificate (tests/data/der, from a CA of the 2015 generation's
# name) and the identity apdu:jpki-auth reads from it: the first 12 bytes
# of its authority key identifier, then its serial number.
CERT="$TESTS/data/der/jpki-ca2015.der"
MN_SERIAL=$(cut -c1-24 "$TESTS/data/der/jpki-ca2015.aki")$(sed \
	's/^serial=//' "$TESTS/data/der/jpki-ca2015.serial")

# These scenarios read cards by their UID: the installation's profile is
# uid (the default, apdu:seizo, is for My Number cards); the My Number
# scenarios name their profile with --profile.
printf 'profile = uid\n' >"$WORK/uid.conf"
export CARDTALLY_CONF="$WORK/uid.conf"

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
	"$CT" scan --session "$SID" --range "${RANGE:-SAFE1/T01}" \
		--reader "$spec" --json \
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
# stopped_cleanly WHAT: two tests that $B's scan (after ${B}_stop) ended
# cleanly: sim and kbd end with their input (exit 0, nothing on stderr);
# pcsc and nfc are stopped by SIGTERM (exit 128+15, and its summary alone
# on stderr).
stopped_cleanly() {
	case $B in
	sim | kbd)
		is "$RC" 0 "$B: $1 ends with its input (exit 0)"
		is "$(cat "$WORK/scan.err")" "" "$B: $1: nothing on stderr"
		;;
	*)
		is "$RC" 143 "$B: $1 stopped by SIGTERM (exit 143)"
		stop_summary "$WORK/scan.err" SIGTERM \
			"$B: $1: its summary alone on stderr"
		;;
	esac
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
	random | mynumber | pupi | seizo | nocert)
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
	mynumber | seizo | nocert) echo "kbd: printed numbers are read as typed; profiles are for chip readers" ;;
	pupi) echo "kbd: printed numbers have no PUPI" ;;
	*) return 1 ;;
	esac
}

# ---- pcsc -----------------------------------------------------------------------

READER="Virtual PCD 00 00"
pcsc_setup() {
	pcscd_prepare || { SKIP_WHY=$PCSCD_SKIP; return 1; }
	cert_ready || return 1
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
	"$CT" readers --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(r["name"] == sys.argv[1] and r["card"] is False
                  for r in d["attached"]) else 1)' "$READER" 2>/dev/null
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
# The My Number cards: type B, a new PUPI each time; the virtual card is
# told what the next card holds, and back to a type A card with the
# certificate afterwards (pcsc_remove's caller removes it first).
mn_insert() { # mn_insert CERT|- SEIZO|-
	card atr "$TYPEB_ATR" && card cert "$1" && card seizo "$2" &&
		card insert "$(new_pupi)"
}
pcsc_pupi() { mn_insert "$CERT" "$SEIZO"; }
pcsc_seizo() { mn_insert "$CERT" "$SEIZO"; }
pcsc_nocert() { mn_insert - "$SEIZO"; }
pcsc_typea() { card atr - && card cert "$CERT" && card seizo -; }
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
	cert_ready || return 1
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
	if ! emu "cert $CERT"; then
		SKIP_WHY="the PN532 emulator does not take the test certificate: $(tail -n 1 "$WORK/emu.err")"
		return 1
	fi
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
nfc_pupi() { emu "seizo $SEIZO" && emu "insert B $(new_pupi)"; }
nfc_seizo() { emu "seizo $SEIZO" && emu "insert B $(new_pupi)"; }
nfc_nocert() { emu "cert -" && emu "seizo $SEIZO" && emu "insert B $(new_pupi)"; }
nfc_typea() { emu "cert $CERT" && emu "seizo -"; }
nfc_cannot() { return 1; }

# make_cert, cert_ready: the test certificate is committed (no openssl
# needed); cert_ready says so in SKIP_WHY if it is missing.
make_cert() { :; }
cert_ready() {
	[ -s "$CERT" ] && return 0
	SKIP_WHY="the test certificate $CERT is missing"
	return 1
}
