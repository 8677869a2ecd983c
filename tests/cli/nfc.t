#!/usr/bin/env bash
# End-to-end tests of the `nfc` reader backend (drivers/rdr_nfc.c) through
# Debian's own libnfc: a PN532 emulated on a pseudo-terminal
# (tests/tools/pn532emu.py), reached through libnfc's pn532_uart driver.
# The scan runs in the background; the test moves cards in and out of the
# emulated field and waits for the JSON events (polling, never sleeping a
# fixed time for an event).  Scenarios: a card presented is read once
# however long it stays; removed and presented again it is a repeat; type B
# and FeliCa cards are read by PUPI / IDm; a random UID is unreadable and
# not counted; a device that vanishes mid-session is reported lost and back,
# and nothing read is lost; idle CPU with a card held stays near zero.
. "$(dirname "$0")/lib.sh"
# These scenarios read cards by their UID: the installation's profile is
# uid (the default, apdu:seizo, is for My Number cards); the My Number
# scenarios name their profile with --profile.
printf 'profile = uid\n' >"$WORK/uid.conf"
export CARDTALLY_CONF="$WORK/uid.conf"

if ! "$CT" readers --json | grep -q '"name":"nfc"'; then
	echo "1..0 # SKIP the nfc backend is not in this build (no libnfc)"
	exit 0
fi

EMU="$TESTS/tools/pn532emu.py"
LINK="$WORK/pn532" # libnfc connstrings cannot hold a ':' in the path
export LIBNFC_DEVICE="pn532_uart:$LINK" LIBNFC_AUTO_SCAN=false
unset LIBNFC_LOG_LEVEL
# Under valgrind or the sanitizers everything is slower: wait longer.
LIMIT=${CARDTALLY_SANITIZED:+600}
LIMIT=${LIMIT:-200} # times 0.05 s

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
PIN_S02=$(pin_file S02 2222)
cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received
N001,04A10102030405,SAFE1/T01,2025-06-01
N002,11223344,SAFE1/T01,2025-06-01
N003,0102030405060708,SAFE1/T01,2025-06-01
N004,04A20102030405,SAFE1/T01,2025-06-01
N005,04A30102030405,SAFE1/T01,2025-06-01
N006,04A40102030405,SAFE1/T01,2025-06-01
EOF
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
# The count is done with the safe open, as the daily procedure has it;
# reads with the safe recorded closed would be flagged (and warned about).
with_witness S02 2222 M01 1111 key open --purpose "monthly count"
is "$RC" 0 "safe opened for the count"
as S02 2222 count start --kind partial --ranges SAFE1/T01
is "$OUT" 1 "count started: session 1"

# ---- the emulator -------------------------------------------------------------

# It reads control lines from a FIFO this shell holds open, and acknowledges
# each with a line "ok CMD" in emu.out.
mkfifo "$WORK/emu.ctl"
exec 5<>"$WORK/emu.ctl"
python3 "$EMU" "$LINK" <"$WORK/emu.ctl" >"$WORK/emu.out" 2>"$WORK/emu.err" &
EMU_PID=$!
SCAN_PID=
cleanup() {
	[ -n "$SCAN_PID" ] && kill "$SCAN_PID" 2>/dev/null
	kill "$EMU_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# wait_for CMD: polls until CMD succeeds, up to $LIMIT times 0.05 s.  CMD
# is evaluated each time: expand arguments into it before the call.
wait_for() {
	local i
	for ((i = 0; i < LIMIT; i++)); do
		eval "$1" && return 0
		sleep 0.05
	done
	return 1
}
acks() { grep -c '^ok ' "$WORK/emu.out"; }
# emu LINE: sends a control line and waits for its acknowledgement.
emu() {
	local before
	before=$(acks)
	printf '%s\n' "$1" >&5
	wait_for '[ "$(acks)" -gt "$before" ]'
}
# frames: how many command frames the emulated chip has answered.
frames() {
	local before
	before=$(grep -c '^frames ' "$WORK/emu.out")
	printf 'stats\n' >&5
	wait_for '[ "$(grep -c "^frames " "$WORK/emu.out")" -gt "$before" ]'
	grep '^frames ' "$WORK/emu.out" | tail -n 1 | cut -d' ' -f2
}
# exchanges N: waits until the backend has sent N more frames to the chip,
# i.e. has looked at the field again since the last control line.
exchanges() {
	local start
	start=$(frames)
	wait_for "[ \"\$(frames)\" -ge $((start + $1)) ]"
}
lines() { wc -l <"$WORK/scan.out"; }
# wait_lines N: waits until the scan has printed N event lines.
wait_lines() { wait_for "[ \"\$(lines)\" -ge $1 ]"; }
last_event() { tail -n 1 "$WORK/scan.out" | events "$@"; }

wait_for 'grep -q "^ok ready" "$WORK/emu.out"'
ok $? "emulator: ready, $LINK points at its pty"

# ---- readers ------------------------------------------------------------------

ct readers
like "$OUT" '^  nfc +nfc:CONNSTRING or nfc:' "readers: lists nfc and its spec"
like "$OUT" '^  hint: nfc: .*pn533, pn533_usb and nfc modules are blacklisted' \
	"readers: the kernel modules to blacklist"
like "$OUT" '^  hint: nfc: pcscd and libnfc cannot share one USB reader' \
	"readers: pcscd and libnfc do not share a reader"
ct readers --json
is "$(printf '%s' "$OUT" | pyjson 'len([h for h in d["hints"]
	if h.startswith("nfc: ")])')" 2 "readers --json: the nfc hints"

# ---- the spec -------------------------------------------------------------------

scan1() { # scan1 SPEC: a scan that must fail at open
	as S02 2222 scan --session 1 --range SAFE1/T01 --reader "$1" --json
}
scan1 "nfc:pn532_uart:$WORK/no-such-port"
is "$RC" 69 "nfc:CONNSTRING of a missing port: reader unavailable (69)"
like "$ERR" "cannot open libnfc device 'pn532_uart:$WORK/no-such-port'" \
	"nfc:CONNSTRING of a missing port: names it"
LIBNFC_DEVICE="pn532_uart:$WORK/no-such-port" scan1 nfc:
is "$RC" 69 "nfc: without a device: reader unavailable (69)"
like "$ERR" "no libnfc device found" "nfc: without a device: says so"
is "$(printf '%s\n' "$ERR" | grep -c 'libnfc\.\|error\s*libnfc')" 0 \
	"libnfc's own log stays off stderr"

# ---- a session ------------------------------------------------------------------

: >"$WORK/scan.out" # exists before the first poll reads it
"$CT" scan --session 1 --range SAFE1/T01 --reader nfc: --json --as S02 \
	--pin-fd 3 3<"$PIN_S02" >"$WORK/scan.out" 2>"$WORK/scan.err" &
SCAN_PID=$!
exchanges 3
ok $? "scan: polls the emulated PN532"
is "$(lines)" 0 "scan: nothing read from an empty field"

emu "insert A 04A10102030405"
wait_lines 1
is "$(last_event event serial mgmt_id)" "accepted 04A10102030405 N001" \
	"type A card presented: accepted"

# Held in the field across many presence checks: still one read.
exchanges 10
is "$(lines)" 1 "card held across 10 exchanges: one read"

# Idle CPU of the scan with a card held: user + system ticks over 2 s.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SCAN_PID/stat"; }
t0=$(cpu_ticks)
sleep 2 # a measurement window, not a wait for an event
t1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
pct=$(((t1 - t0) * 100 / (2 * hz)))
diag "scan process CPU with a card held: $((t1 - t0)) ticks in 2 s ($pct%)"
if [ -n "${CARDTALLY_SANITIZED:-}" ]; then
	skip "idle CPU with a card held: not measured under the sanitizers"
else
	ok "$([ "$pct" -lt 5 ]; echo $?)" "idle CPU with a card held < 5% ($pct%)"
fi
is "$(lines)" 1 "still one read after 2 s"

# Removed, then presented again: a repeat, not counted twice.
emu remove
exchanges 4
emu "insert A 04A10102030405"
wait_lines 2
is "$(last_event event serial)" "repeat 04A10102030405" \
	"removed and presented again: repeat"
emu remove
exchanges 4

emu "insert B 11223344"
wait_lines 3
is "$(last_event event serial mgmt_id)" "unreadable - -" \
	"type B card under uid: refused (its PUPI is not a stable identifier)"
emu remove
exchanges 4

emu "insert F 0102030405060708"
wait_lines 4
is "$(last_event event serial mgmt_id)" "accepted 0102030405060708 N003" \
	"FeliCa card: read by its IDm"
exchanges 10
is "$(lines)" 4 "FeliCa card held: one read"
emu remove
exchanges 4

# A type A card without ISO 14443-4 (SAK 00), which libnfc cannot ping:
# its presence is checked by selecting it again.  Held: one read; removed
# and presented again: a repeat.
emu "insert A 04A40102030405 00"
wait_lines 5
is "$(last_event event mgmt_id)" "accepted N006" "SAK 00 card: accepted"
exchanges 10
is "$(lines)" 5 "SAK 00 card held: one read"
emu remove
exchanges 6
emu "insert A 04A40102030405 00"
wait_lines 6
is "$(last_event event mgmt_id)" "repeat N006" \
	"SAK 00 card removed and presented again: repeat"
emu remove
exchanges 6

# A random UID (single size, starting 08) is told, never counted.
emu "insert A 08123456"
wait_lines 7
is "$(last_event event)" "unreadable" "random UID: unreadable event"
like "$(tail -n 1 "$WORK/scan.out" | pyjson 'd["message"]')" "random UID" \
	"random UID: the message says why"
exchanges 10
is "$(lines)" 7 "random UID held: told once"
emu remove
exchanges 4

# The device vanishes mid-session with a card on it; a new card is put down
# while it is away; it comes back: lost, back, and both cards are read.
emu "insert A 04A20102030405"
wait_lines 8
is "$(last_event event mgmt_id)" "accepted N004" "card before the loss: accepted"
emu vanish
wait_lines 9
is "$(last_event event)" "reader_lost" "device vanished: reader_lost"
emu "insert A 04A30102030405"
emu appear
wait_lines 11
is_text "$(tail -n 2 "$WORK/scan.out" | events event mgmt_id)" \
	"reader_back -
accepted N005" "device back: reader_back, then the card lying there"

# Several more loss / return cycles in one session (a leak per reopen would
# show under `make check`).
for cycle in 1 2 3; do
	n=$(lines)
	emu vanish
	wait_lines $((n + 1))
	emu appear
	wait_lines $((n + 3))
done
is "$(tail -n 6 "$WORK/scan.out" | events event mgmt_id | tr '\n' ' ')" \
	"reader_lost - reader_back - repeat N005 reader_lost - reader_back - repeat N005 " \
	"three more loss cycles: lost, back, the card lying there read again"

# A chip that stops answering mid-command (libnfc issue #527: a select can
# block when a card leaves mid-select) never freezes the session: every
# libnfc call times out, the device is given up as lost, and it is back
# once it answers again.
n=$(lines)
emu mute
wait_lines $((n + 1))
is "$(last_event event)" "reader_lost" "chip stops answering: reader_lost"
emu unmute
wait_lines $((n + 3))
is "$(tail -n 2 "$WORK/scan.out" | events event mgmt_id | tr '\n' ' ')" \
	"reader_back - repeat N005 " "chip answers again: reader_back"

# SIGTERM stops the scan even when it lands while libnfc waits on the chip
# (libnfc restarts its select() on EINTR): the signal is held during the
# call and taken right after it.  A slow chip and a card held in the field:
# no event will ever come to end rdr_next otherwise.
emu "slow 250"
exchanges 1
kill -TERM "$SCAN_PID"
gone() {
	! kill -0 "$SCAN_PID" 2>/dev/null ||
		[ "$(awk '{ print $3 }' "/proc/$SCAN_PID/stat" 2>/dev/null)" = Z ]
}
wait_for gone
ok $? "SIGTERM during a libnfc call: the scan stops"
gone || kill -KILL "$SCAN_PID"
wait "$SCAN_PID"
is "$?" 143 "SIGTERM: the scan exits 143 (128+15)"
SCAN_PID=
emu "slow 0"
stop_summary "$WORK/scan.err" SIGTERM "scan: stderr: the summary alone"
is "$(sqlq "select group_concat(serial || ':' || outcome, ' ') from
	(select * from scan where session_id = 1 order by id)")" \
	"04A10102030405:accepted 04A10102030405:repeat 0102030405060708:accepted 04A40102030405:accepted 04A40102030405:repeat 04A20102030405:accepted 04A30102030405:accepted 04A30102030405:repeat 04A30102030405:repeat 04A30102030405:repeat 04A30102030405:repeat" \
	"every read is on disk, the random UID is not"

# The explicit connstring works as well as libnfc's first device.
: >"$WORK/scan.out"
"$CT" scan --session 1 --range SAFE1/T01 --reader "nfc:pn532_uart:$LINK" \
	--json --as S02 --pin-fd 3 3<"$PIN_S02" >"$WORK/scan.out" \
	2>"$WORK/scan.err" &
SCAN_PID=$!
wait_lines 1
is "$(last_event event mgmt_id)" "repeat N005" \
	"nfc:pn532_uart:PATH: reads the card in the field"
kill -TERM "$SCAN_PID"
wait "$SCAN_PID"
is "$?" 143 "nfc:pn532_uart:PATH: SIGTERM, exit 143"
SCAN_PID=

# rdr_next's timeout is honoured: with a card held, and with a chip that
# stops answering, each call returns within its timeout plus at most one
# bounded libnfc exchange (open and close of a wedged device included).
PROBE="$BUILD/tests/tools/rdr_probe"
: >"$WORK/probe.out" # exists before the first poll reads it
"$PROBE" "nfc:pn532_uart:$LINK" 100 100000 >"$WORK/probe.out" \
	2>"$WORK/probe.err" &
SCAN_PID=$!
probe_has() { grep -c "^$1 " "$WORK/probe.out"; }
wait_for '[ "$(probe_has card)" -ge 1 ] && [ "$(probe_has timeout)" -ge 5 ]'
ok $? "rdr_next(100 ms) with a card held: the card, then timeouts"
emu mute
wait_for '[ "$(probe_has lost)" -ge 1 ]'
ok $? "rdr_next(100 ms), chip mute: lost"
emu unmute
wait_for '[ "$(probe_has back)" -ge 1 ]'
ok $? "rdr_next(100 ms), chip answering again: back"
kill -TERM "$SCAN_PID"
wait "$SCAN_PID" 2>/dev/null
SCAN_PID=
slowest=$(awk '$1 == "timeout" && $2 > m { m = $2 } END { print m + 0 }' \
	"$WORK/probe.out")
diag "slowest rdr_next(100 ms) that timed out: $slowest ms"
ok "$([ "$slowest" -ge 100 ] && [ "$slowest" -lt 3000 ]; echo $?)" \
	"rdr_next(100 ms) never blocks: slowest timeout $slowest ms"

# The APDU path, end to end: a profile's SELECT goes through libnfc's
# InDataExchange to an ISO-DEP card and its answer comes back whole; a
# FeliCa card takes no APDUs and is unreadable, not a failure.
emu remove
emu "insert A 04A10102030405"
"$PROBE" "nfc:pn532_uart:$LINK" 2000 1 apdu >"$WORK/probe.out" 2>&1
is "$(cut -d' ' -f1,3 "$WORK/probe.out")" "card 9000" \
	"apdu profile, type A ISO-DEP card: SELECT answered 90 00"
emu remove
emu "insert B 11223344"
"$PROBE" "nfc:pn532_uart:$LINK" 2000 1 apdu >"$WORK/probe.out" 2>&1
is "$(cut -d' ' -f1,3 "$WORK/probe.out")" "card 9000" \
	"apdu profile, type B card: SELECT answered 90 00"
emu remove
emu "insert F 0102030405060708"
"$PROBE" "nfc:pn532_uart:$LINK" 2000 1 apdu >"$WORK/probe.out" 2>&1
like "$(cat "$WORK/probe.out")" "^unreadable " \
	"apdu profile, FeliCa card: unreadable (no APDUs)"

emu quit
done_testing
