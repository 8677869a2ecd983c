#!/usr/bin/env bash
# `cardtally scan` and USB hotplug: while a scan runs, umockdev unplugs and
# replugs a faked ACR122U (tests/tools/usb_hotplug ctl).  The session gets
# reader_lost and reader_back from hotplug alone; and when the backend also
# reports the loss itself (the sim's unplug/replug standing in for pcsc's
# PnP notifications), one unplug is still one reader_lost and one
# reader_back.  The sim backend drives no USB reader, so the watch is forced
# on with CARDTALLY_USB_WATCH=on.
. "$(dirname "$0")/lib.sh"
# Under make check the umockdev preload library is loaded before ASan's
# runtime; ASan works so, but refuses unless told.
if [ -n "${CARDTALLY_SANITIZED:-}" ]; then
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
fi

tool="$BUILD/tests/tools/usb_hotplug"
if [ ! -x "$tool" ]; then
	echo "1..0 # SKIP tests/tools/usb_hotplug is not built: it needs" \
		"libusb and libumockdev (Debian: libusb-1.0-0-dev, libumockdev-dev)"
	exit 0
elif ! command -v umockdev-wrapper >/dev/null; then
	echo "1..0 # SKIP umockdev-wrapper is not installed (Debian: umockdev)"
	exit 0
fi

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' 'mgmt_id,serial,location,received' \
	'A1,04A301,SAFE1/T01,2026-01-01' \
	'A2,04A302,SAFE1/T01,2026-01-01' \
	'A3,04A303,SAFE1/T01,2026-01-01' >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
# The count is done with the safe open, as the daily procedure has it;
# reads with the safe recorded closed would be flagged (and warned about).
with_witness S02 2222 M01 1111 key open --purpose "monthly count"
is "$RC" 0 "safe opened for the count"
as M01 1111 count start --kind full --assign SAFE1/T01=S02
sid=$OUT

# wait_events N: polls (up to 10 s) until the scan printed N events.
wait_events() {
	for _ in $(seq 200); do
		[ "$(wc -l <"$WORK/out")" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

mkfifo "$WORK/sim" "$WORK/ctl"
# The scan opens its output only once the FIFO has a writer: made here
# first, so that wait_events never reads a file not there yet.
: >"$WORK/out"
CARDTALLY_USB_WATCH=on umockdev-wrapper "$tool" ctl \
	"$TESTS/data/usb/acr122u.umockdev" "$WORK/ctl" \
	"$CT" scan --session "$sid" --range SAFE1/T01 --reader sim:- --json \
	--as S02 --pin-fd 3 3<"$(pin_file S02 2222)" <"$WORK/sim" \
	>"$WORK/out" 2>"$WORK/err" &
pid=$!
exec 5<>"$WORK/sim" 6<>"$WORK/ctl" # never blocks, even if they died

printf 'card 04A301\nremove\n' >&5
wait_events 1
echo remove >&6 # hotplug alone
wait_events 2
echo add >&6
wait_events 3
printf 'card 04A302\nremove\n' >&5
wait_events 4
# Both sources: while hotplug holds the reader lost, the backend's own
# loss and return (the sim's unplug/replug) add nothing; A3, read after the
# replug, shows the scan took them in.  Only the USB arrival brings it back.
echo remove >&6
wait_events 5
printf 'unplug\nreplug\ncard 04A303\nremove\n' >&5
wait_events 6
echo add >&6
wait_events 7
exec 5>&- # end of the sim script: the scan ends
exec 6>&-
wait "$pid"
is "$?" 0 "scan under umockdev: exit 0"
is "$(events event mgmt_id <"$WORK/out" | tr '\n' ' ')" \
	"accepted A1 reader_lost - reader_back - accepted A2 reader_lost - accepted A3 reader_back - " \
	"hotplug: lost and back; the backend's own events while lost: nothing more"
is "$(sqlq "select group_concat(serial) from scan where session_id = $sid")" \
	04A301,04A302,04A303 "every read kept across unplugs"
is "$(cat "$WORK/err")" "" "nothing on stderr"

# Without the watch (auto: sim drives no USB reader) hotplug changes nothing:
# A1 and A2 again are repeats, with no reader_lost between them.
: >"$WORK/out"
umockdev-wrapper "$tool" ctl "$TESTS/data/usb/acr122u.umockdev" "$WORK/ctl" \
	"$CT" scan --session "$sid" --range SAFE1/T01 --reader sim:- --json \
	--as S02 --pin-fd 3 3<"$(pin_file S02 2222)" <"$WORK/sim" \
	>"$WORK/out" 2>"$WORK/err" &
pid=$!
exec 5<>"$WORK/sim" 6<>"$WORK/ctl" # never blocks, even if they died
printf 'card 04A301\nremove\n' >&5
wait_events 1
echo remove >&6
echo add >&6
echo remove >&6
printf 'card 04A302\nremove\n' >&5
wait_events 2
exec 5>&- 6>&-
wait "$pid"
is "$(events event <"$WORK/out" | tr '\n' ' ')" "repeat repeat " \
	"auto mode with sim: no reader_lost from hotplug"
done_testing
