#!/usr/bin/env bash
# Stopping a scan (issue 19): SIGTERM, SIGINT and SIGHUP end it between two
# reads with its summary and exit 128 + the signal's number, everything
# read kept and the range's end recorded; SIGPIPE (`scan --json | head -1`)
# ends it the same way instead of killing it unseen; a keyboard-wedge scan
# stops while a stuck barcode scanner keeps typing (card numbers, blank
# lines, one endless line).  Real processes, signals sent with kill.
. "$(dirname "$0")/lib.sh"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' 'mgmt_id,serial,location,received' \
	'A101,04A101,SAFE1/T01,2026-01-01' \
	'A102,04A102,SAFE1/T01,2026-01-01' \
	'A103,04A103,SAFE1/T01,2026-01-01' \
	'P1,123456789012,SAFE1/T01,2026-01-01' >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: 4 cards imported"
with_witness S02 2222 M01 1111 key open --purpose "count"
as S02 2222 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
cid=$OUT
PIN_S02=$(pin_file S02 2222)

# ends PID: 0 when process PID ends within 5 s (it is killed otherwise).
ends() {
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	return 1
}
range_ends() { sqlq "select count(*) from audit where action = 'count.range_end'"; }

# ---- SIGTERM, SIGINT, SIGHUP with a sim reader ----------------------------

n=0
for sig in TERM INT HUP; do
	n=$((n + 1))
	rm -f "$WORK/in"
	mkfifo "$WORK/in"
	exec 5<>"$WORK/in"
	ends_before=$(range_ends)
	"$CT" scan --session "$cid" --range SAFE1/T01 --reader sim:- \
		--as S02 --pin-fd 3 3<"$PIN_S02" <"$WORK/in" \
		>"$WORK/$sig.out" 2>"$WORK/$sig.err" &
	pid=$!
	printf 'card 04A10%d\nremove\n' "$n" >&5
	wait_lines_of "$WORK/$sig.out" 1
	kill -"$sig" "$pid"
	ends "$pid"
	ok $? "SIG$sig: the scan ends"
	wait "$pid"
	is "$?" "$((128 + $(kill -l "$sig")))" \
		"SIG$sig: exit 128+$(kill -l "$sig")"
	exec 5>&-
	stop_summary "$WORK/$sig.err" "SIG$sig" "SIG$sig: the summary on stderr"
	like "$(cat "$WORK/$sig.err")" "^SAFE1/T01: 1 accepted" \
		"SIG$sig: it counts the read"
	is "$(range_ends)" "$((ends_before + 1))" \
		"SIG$sig: the range's end is recorded"
done
is "$(sqlq "select group_concat(serial) from scan where session_id = $cid")" \
	04A101,04A102,04A103 "every read before a stop is kept"

# ---- SIGPIPE: the reader of --json went away -------------------------------

rm -f "$WORK/in" "$WORK/pipe"
mkfifo "$WORK/in" "$WORK/pipe"
exec 5<>"$WORK/in"
ends_before=$(range_ends)
# `scan --json | head -n 1`, the pipe a FIFO so that each end is a
# process of its own to wait for.
"$CT" scan --session "$cid" --range SAFE1/T01 --reader sim:- --json \
	--as S02 --pin-fd 3 3<"$PIN_S02" <"$WORK/in" >"$WORK/pipe" \
	2>"$WORK/pipe.err" &
pid=$!
head -n 1 <"$WORK/pipe" >"$WORK/pipe.out" &
headpid=$!
printf 'card 04A101\nremove\n' >&5
wait "$headpid" # head has its line and is gone
is "$(events event mgmt_id <"$WORK/pipe.out")" "repeat A101" \
	"SIGPIPE: head took the first event"
printf 'card 04A102\nremove\ncard 04A103\nremove\n' >&5
ends "$pid"
ok $? "SIGPIPE: the scan ends"
wait "$pid"
is "$?" 141 "SIGPIPE: the scan ends with 128+13, not killed unseen"
exec 5>&-
stop_summary "$WORK/pipe.err" SIGPIPE "SIGPIPE: the summary on stderr"
is "$(range_ends)" "$((ends_before + 1))" "SIGPIPE: the range's end is recorded"

# ---- a barcode scanner that keeps typing (kbd) ------------------------------

# kbd_stop NAME SIG INPUT-COMMAND: the command's output typed into a kbd
# scan without end; SIG must stop it within 5 s, with its summary.
kbd_stop() {
	local name=$1 sig=$2
	shift 2
	"$@" 2>/dev/null | "$CT" scan --session "$cid" --range SAFE1/T01 \
		--reader kbd: --json --as S02 --pin-fd 3 3<"$PIN_S02" \
		>"$WORK/kbd.out" 2>"$WORK/kbd.err" &
	pid=$!
	sleep 0.5
	kill -"$sig" "$pid"
	ends "$pid"
	ok $? "kbd, $name: SIG$sig stops the scan while input keeps coming"
	wait "$pid"
	is "$?" "$((128 + $(kill -l "$sig")))" \
		"kbd, $name: exit 128+$(kill -l "$sig")"
	stop_summary "$WORK/kbd.err" "SIG$sig" "kbd, $name: the summary on stderr"
}
kbd_stop "the same card over and over" TERM yes 123456789012
like "$(head -n 1 "$WORK/kbd.out")" '"event":"accepted"' \
	"kbd, the same card: read once..."
like "$(sed -n 2p "$WORK/kbd.out")" '"event":"repeat"' "...then repeats"
kbd_stop "the same card over and over" INT yes 123456789012
kbd_stop "blank lines (a stuck Enter)" TERM yes ''
kbd_stop "blank lines (a stuck Enter)" INT yes ''
kbd_stop "one endless line" TERM sh -c 'yes 1 | tr -d "\n"'
is "$(cat "$WORK/kbd.out")" "" "kbd, one endless line: nothing read"
kbd_stop "one endless line" HUP sh -c 'yes 1 | tr -d "\n"'

ct audit verify
is "$RC" 0 "audit verify: intact after every stop"

done_testing
