#!/usr/bin/env bash
# End-to-end tests of the pcsc reader backend against a real pcscd, with
# vsmartcard's virtual reader (vpcd) and virtual cards of our own
# (tests/tools/vcard.py): present, hold, remove and present again, a random
# UID refused, pcscd stopping and starting mid-session, the second virtual
# slot, idle CPU, and the My Number card profiles (apdu:seizo,
# apdu:jpki-auth and its old name apdu:mynumber), a type B frame waiting
# time of 2.4 s, and a card pulled away mid-read.
#
# The test starts its own pcscd (`pcscd -f` on a socket of ours, in a mount
# namespace with its own /run/pcscd where one is allowed: tests/cli/pcscd.sh
# says why) and stops it by PID, so it runs beside a system pcscd too; the
# end tries the way without a namespace.  pcscd polls its readers every 400 ms:
# every step waits for what it expects, never for a fixed time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcscd.sh"
# These scenarios read cards by their UID: the installation's profile is
# uid (the default, apdu:seizo, is for My Number cards); the My Number
# scenarios name their profile with --profile.
printf 'profile = uid\n' >"$WORK/uid.conf"
export CARDTALLY_CONF="$WORK/uid.conf"

VCARD="$TESTS/tools/vcard.py"
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
pcscd_prepare || skip_all "$PCSCD_SKIP"
diag "our pcscd runs with: $PCSCD_HOW"
# The virtual readers: "Virtual PCD 00 00" / "00 01" on PORT / PORT+1.
PORT=$(free_port_pair)
pcscd_conf "$PCSCD_CONF" "Virtual PCD" "$PORT"
# A reader named like an ACS one, so that the backend sends it the ACS
# LED/buzzer commands; being vpcd, it takes none of them (its own copy of
# the driver: entries sharing one file share slots).
ACS_PORT=$(free_port_pair)
cp "$VPCD_SO" "$WORK/libifdvpcd-acs.so"
pcscd_conf "$PCSCD_CONF" "ACS ACR122U PICC Interface" "$ACS_PORT" \
	"$WORK/libifdvpcd-acs.so"

SCAN= CARDS=
cleanup() {
	# Ours only, by PID; the card programs end when their FIFO closes.
	[ -n "$SCAN" ] && kill "$SCAN" 2>/dev/null && wait "$SCAN" 2>/dev/null
	for p in $CARDS; do kill "$p" 2>/dev/null; done
	stop_pcscd
	rm -rf "$WORK"
}
trap cleanup EXIT
# Killed or cut off (a closed pipe): still clean up through the EXIT trap.
trap 'exit 1' HUP INT TERM PIPE

# waitfor SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds;
# fails after SECONDS.
waitfor() {
	local tries=$(($1 * 20))
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.05
	done
}
lines_at_least() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }

# card_start N PORT [ARGS]: virtual card N on vpcd's PORT, commands through
# the FIFO on descriptor 6+N, acknowledgements in $WORK/cardN.out.
card_start() {
	local n=$1 port=$2
	shift 2
	mkfifo "$WORK/card$n.in"
	eval "exec $((6 + n))<>\"\$WORK/card$n.in\""
	# The card must not hold the FIFOs open itself (6-9>&-): when this
	# shell ends, however, the cards see end of file and end too.
	python3 "$VCARD" --port "$port" --log "$WORK/apdu$n.log" "$@" \
		<"$WORK/card$n.in" >"$WORK/card$n.out" 2>&1 6>&- 7>&- 8>&- 9>&- &
	CARDS="$CARDS $!"
}
# card N COMMAND...: sends a command to card N and waits for its answer.
card() {
	local n=$1
	shift
	local acks
	acks=$(cat "$WORK/card$n.out" 2>/dev/null | wc -l)
	echo "$*" >&$((6 + n))
	waitfor 15 lines_at_least "$WORK/card$n.out" $((acks + 1))
}
# slot_empty NAME: pcscd sees no card on the reader NAME (so that the next
# card laid there is a new one, not a missed removal).
slot_empty() {
	"$CT" readers --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(r["name"] == sys.argv[1] and r["card"] is False
                  for r in d["attached"]) else 1)' "$1"
}
# take_away N SLOT: card N leaves the reader, and pcscd has seen it go.
take_away() {
	card "$1" remove && waitfor 10 slot_empty "$2"
}

# start_scan SPEC [ARGS...]: scan --json of SAFE1/T01 with reader SPEC, in
# the background ($SCAN), events to $WORK/scan.out.  The file is emptied
# here, not by the job's redirection, which the caller's polling would race.
start_scan() {
	local spec=$1
	shift
	: >"$WORK/scan.out"
	"$CT" scan --session "${SESSION:-1}" --range SAFE1/T01 \
		--reader "$spec" --json \
		--as "${WHO:-S02}" --pin-fd 3 "$@" 3<"${WHO_PIN:-$PIN_S02}" \
		>"$WORK/scan.out" \
		2>"$WORK/scan.err" &
	SCAN=$!
}
# stop_scan: SIGTERM, and the scan's exit status in $RC.
stop_scan() {
	kill -TERM "$SCAN"
	wait "$SCAN"
	RC=$?
	SCAN=
}
# scan_events: the scan's events so far, "event mgmt_id" a line.
scan_events() { events event mgmt_id <"$WORK/scan.out"; }
# expect_events N NAME: waits for the scan's N-th event line.
expect_events() {
	waitfor 10 lines_at_least "$WORK/scan.out" "$1"
	ok $? "$2: event $1 arrived"
}
# cpu_ticks PID: user + system clock ticks the process has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# wakeups PID: context switches of all its threads so far.
wakeups() { cat /proc/"$1"/task/*/status |
	awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }
now_ms() { date +%s%3N; }

# ---- fixtures -----------------------------------------------------------------

if ! start_pcscd; then
	echo "Bail out! pcscd does not start: $(tail -n 3 "$WORK/pcscd.log")"
	exit 1
fi
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
PIN_S02=$(pin_file S02 2222)
printf '%s\n' mgmt_id,serial,location,received \
	A101,04A101,SAFE1/T01,2025-06-01 A102,04A102,SAFE1/T01,2025-06-01 \
	A103,04A103,SAFE1/T01,2025-06-01 A104,04A104,SAFE1/T01,2025-06-01 \
	A105,04A105,SAFE1/T01,2025-06-01 \
	>"$WORK/stock.csv"
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
# The count is done with the safe open, as the daily procedure has it;
# reads with the safe recorded closed would be flagged (and warned about).
with_witness S02 2222 M01 1111 key open --purpose "monthly count"
is "$RC" 0 "safe opened for the count"
as S02 2222 count start --kind full
is "$OUT" 1 "count started: session 1"

card_start 0 "$PORT"
card_start 1 $((PORT + 1))

# No reader by that name: the scan says which readers there are.
as S02 2222 scan --session 1 --range SAFE1/T01 --reader pcsc:NoSuchReader \
	--json
is "$RC" 69 "unknown reader name: reader unavailable (69)"
like "$ERR" "Virtual PCD 00 00" "unknown reader name: the readers are listed"

ct readers
like "$OUT" '^  pcsc +Virtual PCD 00 00$' "readers: lists the virtual reader"
like "$OUT" 'ifdDriverOptions' "readers: the ACR122U escape hint"

# ---- one session on "Virtual PCD 00 00" -------------------------------------

start_scan pcsc:Virtual

card 0 insert 04A101
expect_events 1 "present"
is "$(scan_events)" "accepted A101" "present: accepted"

# Held in the field: the scan sits idle (no busy polling) and does not read
# the card again.  Two seconds of wall clock are the measuring window.
t0=$(now_ms) c0=$(cpu_ticks "$SCAN") w0=$(wakeups "$SCAN")
sleep 2 # the measuring window, not a synchronisation
t1=$(now_ms) c1=$(cpu_ticks "$SCAN") w1=$(wakeups "$SCAN")
hz=$(getconf CLK_TCK)
pct=$(((c1 - c0) * 1000 * 100 / hz / (t1 - t0)))
ok $((pct >= 5)) "idle with a card held: scan used ${pct}% CPU (< 5%)"
# It waits on pcscd with no timeout (a stop signal wakes it): waking every
# 250 ms to look for one was some 40 wake-ups in these 2 s.
ok $(((w1 - w0) > 4)) "idle with a card held: $((w1 - w0)) wake-ups in 2 s (no periodic wait)"
is "$(scan_events)" "accepted A101" "hold: still one read"

take_away 0 "Virtual PCD 00 00"
ok $? "remove: pcscd sees the slot empty"
card 0 insert 04A101
expect_events 2 "present again"
is "$(scan_events | tail -n 1)" "repeat A101" "present again: a repeat"

take_away 0 "Virtual PCD 00 00"
card 0 insert 08A1B2C3
expect_events 3 "random UID"
is "$(events event <"$WORK/scan.out" | tail -n 1)" "unreadable" \
	"random UID: unreadable"
like "$(tail -n 1 "$WORK/scan.out")" 'random UID.*apdu:seizo' \
	"random UID: the message names an APDU profile"

# Answers no one should trust: a UID longer than any card's (40 bytes), and
# a card that refuses the get-UID command.  Neither is counted.
take_away 0 "Virtual PCD 00 00"
card 0 insert "$(printf '04%.0s' $(seq 40))"
expect_events 4 "oversized UID"
like "$(tail -n 1 "$WORK/scan.out")" '"unreadable".*no usable UID' \
	"oversized UID: unreadable, no usable UID"
take_away 0 "Virtual PCD 00 00"
card 0 insert none
expect_events 5 "no UID"
like "$(tail -n 1 "$WORK/scan.out")" '"unreadable".*no usable UID' \
	"card refusing GET DATA: unreadable"

take_away 0 "Virtual PCD 00 00"
card 0 insert 04A103
expect_events 6 "before the restart"
is "$(scan_events | tail -n 1)" "accepted A103" "before the restart: accepted"

# pcscd stops with A103 lying on the reader: the reader is lost.  A pcscd
# without the virtual reader is not the reader back.  When pcscd is back
# with it, so is the reader, and A103 is read again (a repeat).
stop_pcscd
expect_events 7 "pcscd stopped"
is "$(scan_events | tail -n 1)" "reader_lost -" "pcscd stopped: reader_lost"
mkdir "$WORK/no-readers"
start_pcscd -c "$WORK/no-readers"
ok $? "pcscd without the reader: started"
waitfor 10 eval '"$CT" readers --json | grep -q "\"attached\":\[\]"'
ok $? "pcscd without the reader: answers, lists no reader"
t0=$(now_ms) c0=$(cpu_ticks "$SCAN")
sleep 1 # absence takes time: the scan retries every 250 ms, 4 rounds
t1=$(now_ms) c1=$(cpu_ticks "$SCAN")
is "$(wc -l <"$WORK/scan.out")" 7 "pcscd without the reader: no reader_back"
pct=$(((c1 - c0) * 1000 * 100 / hz / (t1 - t0)))
ok $((pct >= 5)) "waiting for the reader to arrive: ${pct}% CPU (< 5%)"
stop_pcscd
start_pcscd
ok $? "pcscd started again, with the reader"
expect_events 9 "pcscd started"
is "$(scan_events | tail -n 2 | tr '\n' ',')" "reader_back -,repeat A103," \
	"pcscd started: reader_back, the card lying there read again"

take_away 0 "Virtual PCD 00 00"
card 0 insert 04A104
expect_events 10 "after the restart"
is "$(scan_events | tail -n 1)" "accepted A104" \
	"after the restart: scanning goes on"

t0=$(now_ms)
stop_scan
t1=$(now_ms)
is "$RC" 143 "SIGTERM: the scan stops and exits 143 (128+15)"
ok $(((t1 - t0) >= 2000)) "SIGTERM: seen at once while waiting ($((t1 - t0)) ms)"
stop_summary "$WORK/scan.err" SIGTERM "stderr: the summary alone"
is "$(sqlq "select group_concat(serial || ':' || outcome, ' ') from
	(select * from scan where session_id = 1 order by id)")" \
	"04A101:accepted 04A101:repeat 04A103:accepted 04A103:repeat 04A104:accepted" \
	"every read recorded, the random UID not at all"
is "$(sort -u "$WORK/apdu0.log" | tr '\n' ' ')" "FFCA000000 " \
	"uid profile: GET DATA for the UID is all the card was sent"

# ---- the second slot ----------------------------------------------------------

# A104 still lies on slot 00; a scan of slot 01 sees only the card there.
# (With the profile named on the command line, as an operator may.)
card 1 insert 04A102
start_scan "pcsc:Virtual PCD 00 01" --profile uid
expect_events 1 "second slot"
stop_scan
is "$(scan_events)" "accepted A102" "second slot: its own card only"

# The card's technology comes from the ATR: an ISO 14443 type B card
# (ATR with 8 historical bytes from its ATQB).  Its PUPI is not a stable
# identifier (a My Number card's is drawn anew), so the uid profile refuses
# it, whatever its first byte, saying why and which profile to use.
take_away 1 "Virtual PCD 00 01"
card_start 3 $((PORT + 1)) --atr 3B88800100000000778181007E
card 3 insert 11223344
start_scan "pcsc:Virtual PCD 00 01"
expect_events 1 "type B card"
stop_scan
is "$(events event serial <"$WORK/scan.out")" "unreadable -" \
	"type B card under uid: unreadable, not counted"
like "$(tail -n 1 "$WORK/scan.out")" 'type B.*not a stable identifier.*apdu:seizo' \
	"type B card under uid: the message says why and names apdu:seizo"

# ---- feedback on a reader that takes no LED/buzzer commands ----------------

# The backend sends an ACS reader the LED/buzzer pseudo-APDU of each
# outcome (drivers/acs.c); this "ACS" reader is vpcd, which passes it to
# the card (logged, answered 6D 00) and refuses the CCID escape after it.
# Feedback then degrades silently: the three outcomes still differ on the
# wire, the scan goes on, and nothing is printed on stderr.
card_start 4 "$ACS_PORT"
start_scan pcsc:ACS
card 4 insert 04A105
expect_events 1 "ACS-named reader, accepted"
take_away 4 "ACS ACR122U PICC Interface 00 00"
card 4 insert 04A105
expect_events 2 "ACS-named reader, repeat"
take_away 4 "ACS ACR122U PICC Interface 00 00"
card 4 insert 04EEEE
expect_events 3 "ACS-named reader, alert"
take_away 4 "ACS ACR122U PICC Interface 00 00"
card 4 insert 04A101
expect_events 4 "ACS-named reader, after three refused feedbacks"
stop_scan
is "$RC" 143 "feedback refused: the scan stops as usual (143)"
is "$(events event mgmt_id <"$WORK/scan.out" | tr '\n' ' ')" \
	"accepted A105 repeat A105 alert null repeat A101 " \
	"feedback refused: every read told and recorded all the same"
stop_summary "$WORK/scan.err" SIGTERM \
	"feedback refused: stderr: the summary alone"
is "$(grep '^FF0040' "$WORK/apdu4.log" | head -n 3 | tr '\n' ' ')" \
	"FF00400E0401010101 FF0040AE0401010201 FF00405D0403010301 " \
	"accepted, repeat and alert: three different LED/buzzer commands"

# ---- the My Number card profiles ------------------------------------------------

# Virtual My Number cards on slot 00, each with a random type B PUPI, the
# manufacturing number's application, and a user-authentication
# certificate from one of two CA generations (same issuer name, same
# serial 1234ABCD: tests/data/der/jpki-ca*.der).  Every APDU is logged.
DER="$TESTS/data/der"
# jpki_id GEN: the identity apdu:jpki-auth reads: the first 12 bytes of
# the AKI, then the serial.
jpki_id() {
	printf '%s%s' "$(cut -c1-24 "$DER/jpki-ca$1.aki")" \
		"$(sed 's/^serial=//' "$DER/jpki-ca$1.serial")"
}
TYPEB_ATR=3B88800100000000778181007E
take_away 0 "Virtual PCD 00 00"
# mn_card N GEN SEIZO [ARGS]: a card N on slot 00, laid on the reader.
mn_card() {
	local n=$1 gen=$2 seizo=$3
	shift 3
	: >"$WORK/apdu$n.log"
	card_start "$n" "$PORT" --atr "$TYPEB_ATR" --seizo "$seizo" \
		${gen:+--cert "$DER/jpki-ca$gen.der"} "$@"
	card "$n" insert "$(printf '%08X' $((RANDOM * 32768 + RANDOM)))"
}
# mn_scan PROFILE N: one scan with PROFILE of the card N lying there.
mn_scan() {
	start_scan pcsc:Virtual --profile "$1"
	expect_events 1 "$1, card $2"
	stop_scan
	take_away "$2" "Virtual PCD 00 00"
}
# only_reads N: the commands the card got, other than GET DATA, all
# SELECT, READ BINARY or READ RECORD; never VERIFY.
only_reads() {
	is "$(grep -v '^FFCA' "$WORK/apdu$1.log" | cut -c1-4 |
		grep -cv '^00\(A4\|B0\|B2\)$')" 0 "$2: only SELECT and READs sent"
	is "$(cut -c3-4 "$WORK/apdu$1.log" | grep -c '^20$')" 0 \
		"$2: no VERIFY ever"
}

# A count takes the reads of one profile (issue 11): count 1 holds uid
# reads, so a card read into it by apdu:seizo is refused, naming both
# profiles, and not recorded; the scan ends with the refusal.
mn_card 20 2015 0123456789ABC
start_scan pcsc:Virtual --profile apdu:seizo
expect_events 1 "a seizo read into a count of uid reads"
wait "$SCAN"
RC=$?
SCAN=
is "$RC" 65 "a seizo read into a count of uid reads: exit 65"
is "$(events event <"$WORK/scan.out")" "refused" \
	"a seizo read into a count of uid reads: refused"
like "$(tail -n 1 "$WORK/scan.out")" \
	'NOT counted: session 1 holds reads of identity profile uid v1.*apdu:seizo v1' \
	"the refusal names both profiles"
is "$(sqlq "select count(*) from scan where serial = '0123456789ABC'")" 0 \
	"the refused read is not recorded"
take_away 20 "Virtual PCD 00 00"

# The My Number reads go into counts of their own, one per profile: S02
# counts the first, S03 the second (the rotation rule, R6, wants a third
# count of the range by someone else).
as S02 2222 count start --kind full --assign SAFE1/T01=S02
SEIZO_COUNT=$OUT
as S02 2222 count start --kind full --assign SAFE1/T01=S03
JPKI_COUNT=$OUT
PIN_S03=$(pin_file S03 3333)
SESSION=$SEIZO_COUNT
mn_card 2 2015 0123456789ABC
mn_scan apdu:seizo 2
is "$(sqlq "select profile || ' ' || profile_version from scan where
	serial = '0123456789ABC'")" "apdu:seizo 1" \
	"the read is recorded with its profile and version"
is "$(events event serial <"$WORK/scan.out")" "alert 0123456789ABC" \
	"apdu:seizo: the manufacturing number is the card's identity"
is "$(grep -v '^FFCA' "$WORK/apdu2.log" | tr '\n' ' ')" \
	"00A4040C0AD3921000310001010100 00B2010C00 " \
	"apdu:seizo: one SELECT and one READ RECORD, exactly"
only_reads 2 "apdu:seizo"

# apdu:jpki-auth: two cards of the two CA generations, one serial: two
# identities.
SESSION=$JPKI_COUNT WHO=S03 WHO_PIN=$PIN_S03
mn_card 11 2015 0123456789ABD
mn_scan apdu:jpki-auth 11
is "$(events event serial <"$WORK/scan.out")" "alert $(jpki_id 2015)" \
	"apdu:jpki-auth: the 2015 CA's card: AKI + serial"
only_reads 11 "apdu:jpki-auth"
mn_card 12 2023 0123456789ABE
mn_scan apdu:jpki-auth 12
is "$(events event serial <"$WORK/scan.out")" "alert $(jpki_id 2023)" \
	"apdu:jpki-auth: the 2023 CA's card, same serial: another identity"
ok "$([ "$(jpki_id 2015)" != "$(jpki_id 2023)" ]; echo $?)" \
	"the two CA generations' cards are told apart"

# The old name still works, as apdu:jpki-auth: the same card read again
# in the same session is the same identity, a repeat.
mn_card 13 2023 0123456789ABE
mn_scan apdu:mynumber 13
is "$(events event serial <"$WORK/scan.out")" "repeat $(jpki_id 2023)" \
	"apdu:mynumber: read as apdu:jpki-auth (the same identity: a repeat)"

# A card issued without certificates: its own outcome under jpki-auth,
# read all the same by apdu:seizo.
mn_card 14 "" 0123456789ABF
mn_scan apdu:jpki-auth 14
is "$(events event <"$WORK/scan.out")" "no_certificate" \
	"no certificate: an event of its own under apdu:jpki-auth, not unreadable"
is "$(tail -n 1 "$WORK/scan.out" | pyjson 'd["message"]')" \
	"no certificate on this card: use apdu:seizo" \
	"no certificate: said so, naming apdu:seizo"
is "$(sqlq "select count(*) from scan where serial like '0123456789ABF%'")" 0 \
	"no certificate: nothing recorded"
SESSION=$SEIZO_COUNT WHO= WHO_PIN=
mn_card 15 "" 0123456789ABF
mn_scan apdu:seizo 15
is "$(events event serial <"$WORK/scan.out")" "alert 0123456789ABF" \
	"no certificate: apdu:seizo reads it"

# Type B timing: every READ answered after 2.4 s (the frame waiting time a
# My Number card may take): still read.
mn_card 16 2015 0123456789AC0 --delay 2.4
start_scan pcsc:Virtual --profile apdu:seizo
waitfor 20 lines_at_least "$WORK/scan.out" 1
ok $? "a READ answered after 2.4 s: event arrived"
stop_scan
take_away 16 "Virtual PCD 00 00"
is "$(events event serial <"$WORK/scan.out")" "alert 0123456789AC0" \
	"a READ answered after 2.4 s: read all the same"

# Pulled away mid-read (at the fourth APDU: GET DATA, two SELECTs, the
# first READ BINARY): unreadable, never a serial made of what came.
SESSION=$JPKI_COUNT WHO=S03 WHO_PIN=$PIN_S03
mn_card 17 2015 0123456789AC1 --pull 4
start_scan pcsc:Virtual --profile apdu:jpki-auth
expect_events 1 "card pulled away mid-read"
stop_scan
is "$(events event serial <"$WORK/scan.out" | head -n 1)" "unreadable -" \
	"card pulled away mid-read: unreadable, no serial"

# ---- where no mount namespace is allowed ---------------------------------

# A chroot whose / is not a mount point, and many containers, refuse
# `unshare -m`: there our pcscd runs without a namespace (pcscd.sh), with
# its socket all the same and its pid file in /run/pcscd.  Where the test
# above ran in a namespace, that way is tried here too.
if [ "$PCSCD_HOW" = "no namespace" ]; then
	diag "the test above ran without a mount namespace"
else
	stop_pcscd
	run_before=$(ls -A /run/pcscd 2>&1)
	if ! PCSCD_NAMESPACE=none pcscd_prepare; then
		skip "no namespace: $PCSCD_SKIP"
	else
		start_pcscd
		ok $? "no namespace: pcscd starts with our socket"
		ct readers --json
		is "$(printf '%s' "$OUT" | pyjson '[r["name"] for r in d["attached"]][:2]')" \
			'["Virtual PCD 00 00","Virtual PCD 00 01"]' \
			"no namespace: cardtally reaches it, the virtual reader listed"
		is "$(tr -d '\0\n' </run/pcscd/pcscd.pid 2>&1)" "$PCSCD" \
			"no namespace: its pid file is /run/pcscd/pcscd.pid"
		stop_pcscd
		is "$(ls -A /run/pcscd 2>&1)" "$run_before" \
			"no namespace: /run/pcscd left as it was"
	fi
fi

done_testing
