#!/usr/bin/env bash
# End-to-end tests of counting (cardtally(1) "READERS", "count start"):
# import -> count start -> scan with the sim reader -> reconcile -> count
# close, with every kind of read the scan loop distinguishes, the JSON event
# lines, the reconcile report, and the rules around sessions (ranges,
# assignments, the two-person rule for closing).
. "$(dirname "$0")/lib.sh"

# A fixed clock: 2026-03-02 10:00 in Tokyo.  The earlier count happened 30
# days before.
export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
NOW_ISO=2026-03-02T10:00:00+09:00
EARLIER=$((CARDTALLY_NOW - 30 * 86400))
EARLIER_ISO=2026-01-31T10:00:00+09:00

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
PIN_M01=$(pin_file M01 1111)
PIN_S02=$(pin_file S02 2222)
PIN_S03=$(pin_file S03 3333)

# scan_as CODE PIN SESSION RANGE SCRIPT-FILE [ARGS...]: scans with the sim
# reader, --json.
scan_as() {
	local code=$1 pin=$2 sid=$3 range=$4 script=$5
	shift 5
	as "$code" "$pin" scan --session "$sid" --range "$range" \
		--reader "sim:$script" --json "$@"
}

# script NAME LINES...: writes a sim script $WORK/NAME.sim, one line per
# argument, and prints its path.
script() {
	local f="$WORK/$1.sim"
	shift
	printf '%s\n' "$@" >"$f"
	printf '%s\n' "$f"
}

# Event fields compared line by line below.
EVF=(event why serial mgmt_id range expected_location status first_range at)

# ---- the stock ----------------------------------------------------------------

# Three trays of five cards.  A105 was issued (it should not be in the
# safe), A204's holder moved away (due for disposal whatever the dates),
# A303's reminder went out 121 days ago (due since 2026-01-30, 90 days
# after it), A302's 89 days ago (not due yet).  A103's serial is written in
# lower case.
cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A102,04A102,SAFE1/T01,2025-06-01,,
A103,04a103,SAFE1/T01,2025-06-01,,
A104,04A104,SAFE1/T01,2025-06-01,,
A105,04A105,SAFE1/T01,2025-06-01,,issued
A201,04A201,SAFE1/T02,2025-06-02,,
A202,04A202,SAFE1/T02,2025-06-02,,
A203,04A203,SAFE1/T02,2025-06-02,,
A204,04A204,SAFE1/T02,2025-06-02,,moved
A205,04A205,SAFE1/T02,2025-06-02,,
A301,04A301,SAFE1/T03,2025-06-03,,
A302,04A302,SAFE1/T03,2025-06-03,2025-12-03,
A303,04A303,SAFE1/T03,2025-06-03,2025-11-01,
A304,04A304,SAFE1/T03,2025-06-03,,
A305,04A305,SAFE1/T03,2025-06-03,,
EOF
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"

# ---- an earlier count, so that a missing card has a last sighting ---------

CARDTALLY_NOW=$EARLIER as S03 3333 count start --kind partial \
	--ranges SAFE1/T02
is "$RC" 0 "earlier count: started"
is "$OUT" 1 "earlier count: session 1"
CARDTALLY_NOW=$EARLIER scan_as S03 3333 1 SAFE1/T02 \
	"$(script earlier 'card 04A202')"
is "$RC" 0 "earlier count: A202 read in SAFE1/T02 by S03"

# ---- the monthly count ------------------------------------------------------

# The safe is open for the count (the earlier count's reads, with the safe
# recorded closed, are flagged: see key.t).
ct key open --purpose "monthly count" --as S02 --pin-fd 3 --witness M01 \
	--witness-pin-fd 4 3<<<2222 4<<<1111
is "$RC" 0 "the safe is opened for the count"

# count start prints the session id; a full count covers every tray holding
# cards.
as M01 1111 count start --kind full \
	--assign SAFE1/T01=S02,SAFE1/T02=S02,SAFE1/T03=S03
is "$RC" 0 "full count: started"
is "$OUT" 2 "full count: prints session id 2"
is "$(sqlq "select group_concat(path, ' ') from (select l.path from
	session_range r join location l on l.id = r.location_id
	where r.session_id = 2 order by l.path)")" \
	"SAFE1/T01 SAFE1/T02 SAFE1/T03" "full count: the three trays are its ranges"

# Tray 1: a card held in the field across two waits is one read; the same
# card presented again is a repeat; a lower-case serial in the stock list
# matches the reader's upper case; a card of tray 2 is misplaced; `two`
# reads both cards, the second an issued card (not in stock); an unknown
# serial is an alert with mgmt_id null.
T01=$(script t01 \
	'# tray 1' \
	'card 04A101' 'wait 30' 'wait 30' 'remove' \
	'card 04A101' 'remove' \
	'card 04A103' \
	'card 04A201' 'remove' \
	'two 04A104 04A105' 'remove' \
	'card 04FFFF' 'remove')
scan_as S02 2222 2 SAFE1/T01 "$T01"
is "$RC" 0 "tray 1: scan exits 0 despite alerts"
is "$ERR" "" "tray 1: nothing on stderr"
is_text "$(printf '%s\n' "$OUT" | events "${EVF[@]}")" \
	"accepted - 04A101 A101 SAFE1/T01 - - - $NOW_ISO
repeat - 04A101 A101 SAFE1/T01 - - SAFE1/T01 $NOW_ISO
accepted - 04A103 A103 SAFE1/T01 - - - $NOW_ISO
alert misplaced 04A201 A201 SAFE1/T01 SAFE1/T02 - - $NOW_ISO
accepted - 04A104 A104 SAFE1/T01 - - - $NOW_ISO
alert not_in_stock 04A105 A105 SAFE1/T01 SAFE1/T01 issued - $NOW_ISO
alert unknown 04FFFF null SAFE1/T01 - - - $NOW_ISO" \
	"tray 1: one JSON event per read, as expected"
is "$(sqlq "select group_concat(serial || ':' || outcome || ':' ||
	ifnull(why, ''), ' ') from (select * from scan where session_id = 2
	order by id)")" \
	"04A101:accepted: 04A101:repeat: 04A103:accepted: 04A201:alert:misplaced 04A104:accepted: 04A105:alert:not_in_stock 04FFFF:alert:unknown" \
	"tray 1: every read recorded, with its outcome"

# Tray 2: the reader is unplugged and plugged back between two cards; both
# events are reported and the reads on either side are kept.  A204 (moved)
# is in place but due for disposal.  (A203 is taken off before the unplug:
# a card left on the reader would be read again when it returns, see below.)
T02=$(script t02 'card 04A203' 'remove' 'unplug' 'replug' 'card 04A204' \
	'remove' 'card 04A205')
scan_as S02 2222 2 SAFE1/T02 "$T02"
is "$RC" 0 "tray 2: exit 0"
is_text "$(printf '%s\n' "$OUT" | events "${EVF[@]}")" \
	"accepted - 04A203 A203 SAFE1/T02 - - - $NOW_ISO
reader_lost - - - SAFE1/T02 - - - $NOW_ISO
reader_back - - - SAFE1/T02 - - - $NOW_ISO
alert disposal_due 04A204 A204 SAFE1/T02 - - - $NOW_ISO
accepted - 04A205 A205 SAFE1/T02 - - - $NOW_ISO" \
	"tray 2: reader_lost/reader_back between the reads"
is "$(sqlq "select group_concat(serial, ' ') from (select serial from scan
	where session_id = 2 and range_id = (select id from location
	where path = 'SAFE1/T02') order by id)")" "04A203 04A204 04A205" \
	"tray 2: the reads before and after the unplug are kept"

# Tray 3, counted by S03: every card; only A303 is due (A302 is a day
# short of 90 days after its reminder).
T03=$(script t03 'card 04A301' 'remove' 'card 04A302' 'remove' \
	'card 04A303' 'remove' 'card 04A304' 'remove' 'card 04A305' 'remove')
scan_as S03 3333 2 SAFE1/T03 "$T03"
is "$RC" 0 "tray 3: exit 0"
is_text "$(printf '%s\n' "$OUT" | events event why mgmt_id)" \
	"accepted - A301
accepted - A302
alert disposal_due A303
accepted - A304
accepted - A305" "tray 3: only A303 is due for disposal"

# The report: A102 was never read (never seen before either), A202 was not
# read this time but was in the earlier count; A201 is misplaced, not
# missing; 04FFFF extra; A105 not in stock; A204 and A303 due.  14 expected
# (A105 is issued, so not expected), 14 distinct reads, 11 in place.
as_json() { printf '%s' "$OUT" | pyjson "$1"; }
ct reconcile 2 --json
is "$RC" 1 "reconcile --json: exit 1 with discrepancies"
is "$(as_json '[k for k in ["session", "kind", "ranges", "expected", "seen",
	"ok", "missing", "misplaced", "extra", "not_in_stock", "disposal_due",
	"checked_out", "repeats"] if k not in d]')" "[]" \
	"reconcile --json: every key of the contract is there"
is "$(as_json '[d["session"], d["kind"], d["ranges"], d["expected"],
	d["seen"], d["ok"], d["repeats"]]')" \
	'[2,"full",["SAFE1/T01","SAFE1/T02","SAFE1/T03"],14,14,11,1]' \
	"reconcile --json: session, kind, ranges and numbers"
is "$(as_json 'd["missing"]')" \
	'[{"mgmt_id":"A102","serial":"04A102","expected_location":"SAFE1/T01","last_seen":null,"resolution":null},{"mgmt_id":"A202","serial":"04A202","expected_location":"SAFE1/T02","last_seen":{"at":"'"$EARLIER_ISO"'","location":"SAFE1/T02","by":"S03"},"resolution":null}]' \
	"reconcile --json: missing, last_seen null or from the earlier count"
is "$(as_json '[[e["mgmt_id"], e["serial"], e["expected_location"],
	e["found_location"]] for e in d["misplaced"]]')" \
	'[["A201","04A201","SAFE1/T02","SAFE1/T01"]]' \
	"reconcile --json: A201 misplaced in SAFE1/T01"
is "$(as_json '[[e["serial"], e["found_location"]] for e in d["extra"]]')" \
	'[["04FFFF","SAFE1/T01"]]' "reconcile --json: the unknown serial is extra"
is "$(as_json '[[e["mgmt_id"], e["status"], e["found_location"]]
	for e in d["not_in_stock"]]')" '[["A105","issued","SAFE1/T01"]]' \
	"reconcile --json: the issued card is not in stock"
is "$(as_json '[[e["mgmt_id"], e["why"], e["due_since"]]
	for e in d["disposal_due"]]')" \
	'[["A204","moved",null],["A303","reminder","2026-01-30"]]' \
	"reconcile --json: disposal due, with reason and date"
is "$(as_json 'd["checked_out"]')" '[]' "reconcile --json: nothing checked out"

# The text report says the same.
ct reconcile 2
is "$RC" 1 "reconcile text: exit 1"
like "$OUT" '^  expected 14   seen 14   ok 11   repeats 1$' "reconcile text: numbers"
like "$OUT" '^  A102 .* never seen since import$' "reconcile text: A102 never seen"
# The sighting goes on a line of its own, to the minute in the office's
# time, so that the report fits an 80-column console.
like "$(printf '%s\n' "$OUT" | grep -A1 '^  A202 ' | tail -n 1)" \
	"^               last seen ${EARLIER_ISO:0:10} ${EARLIER_ISO:11:5} at SAFE1/T02 by S03\$" \
	"reconcile text: A202 last seen in the earlier count"
is "$(printf '%s\n' "$OUT" | awk 'length > 80' | head -n 3)" "" \
	"reconcile text: within 80 columns"
like "$OUT" '^RESULT: 5 discrepancies to resolve$' "reconcile text: 5 discrepancies"

# ---- a partial count over two ranges --------------------------------------

# A card of range A found in range B of the same count is misplaced, not
# missing; the cards of the third tray are not expected.
as S02 2222 count start --kind partial --ranges SAFE1/T01,SAFE1/T02 \
	--assign SAFE1/T01=S02,SAFE1/T02=S02
is "$OUT" 3 "partial count: session 3"
scan_as S02 2222 3 SAFE1/T01 "$(script p1 'card 04A101' 'card 04A102' \
	'card 04A103' 'card 04A104' 'card 04A201')"
is "$RC" 0 "partial count: tray 1 scanned, with A201"
scan_as S02 2222 3 SAFE1/T02 "$(script p2 'card 04A202' 'card 04A203' \
	'card 04A204' 'card 04A205')"
is "$RC" 0 "partial count: tray 2 scanned, without A201"
ct reconcile 3 --json
is "$RC" 1 "partial count: exit 1 (a misplaced card)"
is "$(as_json '[d["kind"], d["ranges"], d["expected"], d["seen"], d["ok"],
	[e["mgmt_id"] for e in d["missing"]],
	[e["mgmt_id"] for e in d["misplaced"]]]')" \
	'["partial",["SAFE1/T01","SAFE1/T02"],9,9,8,[],["A201"]]' \
	"partial count: A201 misplaced, not missing; 9 expected"

# A range outside the session cannot be scanned into it.
before=$(sqlq 'select count(*) from scan')
scan_as S02 2222 3 SAFE1/T03 "$T03"
is "$RC" 65 "range not in the session: exit 65"
like "$ERR" "SAFE1/T03 is not a range of session 3" "range not in the session: says so"
is "$(sqlq 'select count(*) from scan')" "$before" "range not in the session: nothing recorded"

scan_as S02 2222 99 SAFE1/T03 "$T03"
is "$RC" 65 "no such session: exit 65"

scan_as S02 2222 3 SAFE1/T01 "$WORK/no-such-script.sim"
is "$RC" 69 "sim script that cannot be opened: reader unavailable (69)"

# ---- a count without discrepancies ------------------------------------------

# Everything in place: reconcile exits 0 (being due for disposal is not a
# discrepancy), and the count closes without a witness.
as S02 2222 count start --kind partial --ranges SAFE1/T03
is "$OUT" 4 "clean count: session 4"
scan_as S02 2222 4 SAFE1/T03 "$T03"
is "$RC" 0 "clean count: tray 3 scanned"
ct reconcile 4 --json
is "$RC" 0 "clean count: reconcile exits 0"
is "$(as_json '[d["expected"], d["ok"], d["missing"], d["misplaced"],
	d["extra"], d["not_in_stock"], [e["mgmt_id"] for e in d["disposal_due"]],
	d["repeats"]]')" '[5,5,[],[],[],[],["A303"],0]' \
	"clean count: nothing missing, A303 still listed as due"
ct reconcile 4
is "$RC" 0 "clean count: text reconcile exits 0"
like "$OUT" '^RESULT: every expected card is in its place$' "clean count: text says so"
as S02 2222 count close 4
is "$RC" 0 "clean count: closes without a witness"
is "$(sqlq 'select closed_at is not null, witness_id is null from session
	where id = 4')" "1|1" "clean count: closed, no witness recorded"

# "Due" is decided on the local (Tokyo) date, not the UTC one: A303's
# reminder was 2025-11-01, so it is due from 2026-01-30 00:00 in Tokyo
# (2026-01-29 15:00 UTC).  Reconciling with the clock just after and just
# before that midnight.
due_at() {
	CARDTALLY_NOW=$1 ct reconcile 4 --json
	as_json '[e["mgmt_id"] for e in d["disposal_due"]]'
}
is "$(due_at 1769700600)" '["A303"]' "due at 2026-01-30 00:30 Tokyo time"
is "$(due_at 1769697000)" '[]' "not due at 2026-01-29 23:30 Tokyo time"

# ---- assignments ------------------------------------------------------------

# A range assigned to S03 can be scanned by S03 alone.
as M01 1111 count start --kind partial --ranges SAFE1/T03 \
	--assign SAFE1/T03=S03
is "$OUT" 5 "assigned count: session 5"
scan_as S02 2222 5 SAFE1/T03 "$T03"
is "$RC" 77 "assigned to S03, scanned by S02: exit 77"
like "$ERR" "assigned to S03" "assigned to S03, scanned by S02: says who may"
is "$(sqlq 'select count(*) from scan where session_id = 5')" 0 \
	"assigned to S03, scanned by S02: nothing recorded"
scan_as S03 3333 5 SAFE1/T03 "$T03"
is "$RC" 0 "assigned to S03, scanned by S03: exit 0"
is "$(sqlq 'select count(*) from scan where session_id = 5')" 5 \
	"assigned to S03, scanned by S03: 5 reads"

as M01 1111 count start --kind partial --ranges SAFE1/T03 \
	--assign SAFE1/T01=S02
is "$RC" 65 "assigning a range outside the count: exit 65"
# No session was opened: the refusal names none (it used to name the
# session the count would have had).
is "$ERR" "cardtally: SAFE1/T01 is not one of the count's ranges" \
	"assigning a range outside the count: said without a session"

# One person counts a range (R7): a range assigned twice in one command is
# refused, whoever the two are, and nothing is recorded (it used to keep
# the last one and audit both).
sessions=$(sqlq 'select count(*) from session')
assigns=$(sqlq "select count(*) from audit where action like 'count.%'")
as M01 1111 count start --kind partial --ranges SAFE1/T03 \
	--assign SAFE1/T03=S02,SAFE1/T03=S03
is "$RC" 65 "a range assigned twice: exit 65"
is "$ERR" "cardtally: range SAFE1/T03 is assigned twice (to S02 and to S03): one person counts a range (R7)" \
	"a range assigned twice: names the range and both people"
as M01 1111 count start --kind partial --ranges SAFE1/T03 \
	--assign SAFE1/T03=S03,SAFE1/T03=S03
is "$RC" 65 "a range assigned twice to the same person: exit 65"
is "$(sqlq 'select count(*) from session')" "$sessions" \
	"a range assigned twice: no count opened"
is "$(sqlq "select count(*) from audit where action like 'count.%'")" \
	"$assigns" "a range assigned twice: nothing audited"

# ---- bad sim scripts ----------------------------------------------------------

as S02 2222 count start --kind partial --ranges SAFE1/T03
is "$OUT" 6 "session 6 for the reader tests"

# A script file is checked before anything is read: an unknown line fails
# with its line number and nothing is recorded.
scan_as S02 2222 6 SAFE1/T03 "$(script bad 'card 04A301' '# fine' \
	'frobnicate 04A302')"
is "$RC" 65 "unknown sim line: exit 65"
like "$ERR" "line 3" "unknown sim line: stderr names line 3"
like "$ERR" "frobnicate" "unknown sim line: stderr names the command"
is "$(sqlq 'select count(*) from scan where session_id = 6')" 0 \
	"unknown sim line in a file: nothing recorded"

# From stdin the line fails when it arrives: what came before is kept.
printf 'card 04A301\nremove\nfrobnicate\ncard 04A302\n' >"$WORK/stdin.sim"
as S02 2222 scan --session 6 --range SAFE1/T03 --reader sim:- --json \
	<"$WORK/stdin.sim"
is "$RC" 65 "unknown sim line on stdin: exit 65"
like "$ERR" "line 3" "unknown sim line on stdin: names line 3"
is "$(sqlq 'select group_concat(serial) from scan where session_id = 6')" \
	04A301 "unknown sim line on stdin: the read before it is kept"

# SIGTERM stops a scan between reads; everything read so far is kept, the
# summary says it was stopped, and the scan exits 128+15 (stopped, not
# done).  The script comes through a FIFO held open by this shell.
mkfifo "$WORK/fifo"
exec 5<>"$WORK/fifo"
"$CT" scan --session 6 --range SAFE1/T03 --reader sim:- --json --as S02 \
	--pin-fd 3 3<"$PIN_S02" <"$WORK/fifo" >"$WORK/term.out" 2>"$WORK/term.err" &
pid=$!
printf 'card 04A302\nremove\ncard 04A303\nremove\n' >&5
for _ in $(seq 200); do # poll for both events, up to 10 s
	[ "$(wc -l <"$WORK/term.out")" -ge 2 ] && break
	sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
is "$?" 143 "SIGTERM: scan exits 143 (128+15)"
stop_summary "$WORK/term.err" SIGTERM "SIGTERM: the summary alone on stderr"
exec 5>&-
is "$(events mgmt_id <"$WORK/term.out" | tr '\n' ' ')" "A302 A303 " \
	"SIGTERM: both reads reported"
is "$(sqlq 'select group_concat(serial) from scan where session_id = 6')" \
	04A301,04A302,04A303 "SIGTERM: both reads kept"

# A reader that comes back reports the cards lying on it again
# (drivers/reader.h: "Cards in the field when the reader is lost are
# forgotten: after RDR_EV_BACK a card still lying there is reported again"):
# A304 stays on the reader across the unplug, so it is read again, a repeat;
# A305 is put down while the reader is away and left there, so it is read
# when the reader is back.
scan_as S02 2222 6 SAFE1/T03 "$(script replug 'card 04A304' 'unplug' \
	'replug' 'remove' 'unplug' 'card 04A305' 'replug' 'remove')"
is "$RC" 0 "card on the reader across an unplug: exit 0"
is_text "$(printf '%s\n' "$OUT" | events event mgmt_id)" \
	"accepted A304
reader_lost -
reader_back -
repeat A304
reader_lost -
reader_back -
accepted A305" "card on the reader across an unplug: reported again when it is back"

# ---- closing: the two-person rule -------------------------------------------

# close_s02 ARGS...: count close as S02, the witness's PIN on fd 4 (M01's
# unless WPIN is set).
close_s02() {
	ct count close "$@" --as S02 --pin-fd 3 3<"$PIN_S02" \
		4<"${WPIN:-$PIN_M01}"
}
open2() { sqlq 'select closed_at is null from session where id = 2'; }

close_s02 2
is "$RC" 77 "close with discrepancies, no witness: exit 77"
like "$ERR" "witness" "close with discrepancies, no witness: asks for one"
is "$(open2)" 1 "close with discrepancies, no witness: still open"

WPIN=$PIN_S03 close_s02 2 --witness S03 --witness-pin-fd 4
is "$RC" 77 "witness S03 is not a manager: exit 77"
like "$ERR" "must be a manager" "witness S03 is not a manager: says so"
is "$(open2)" 1 "witness S03 is not a manager: still open"

ct count close 2 --as M01 --pin-fd 3 --witness M01 --witness-pin-fd 4 \
	3<"$PIN_M01" 4<"$PIN_M01"
is "$RC" 77 "witness is the closer himself: exit 77"
like "$ERR" "another person" "witness is the closer himself: says so"
is "$(open2)" 1 "witness is the closer himself: still open"

WPIN=$PIN_S02 close_s02 2 --witness M01 --witness-pin-fd 4
is "$RC" 77 "witness with a wrong PIN: exit 77"
is "$(open2)" 1 "witness with a wrong PIN: still open"

# Every discrepancy needs a manager's resolution before the close
# (tests/cli/recordbook.t tests the rules; here all are data errors).
close_s02 2 --witness M01 --witness-pin-fd 4
is "$RC" 77 "close witnessed, discrepancies unresolved: exit 77"
ct count discrepancies 2 --json
as M01 1111 count resolve 2 --reason data_error --card \
	"$(pyjson '",".join(x["mgmt_id"] or x["serial"] for x in d["discrepancies"])' <<<"$OUT")"
is "$RC" 0 "a manager resolves the discrepancies"
close_s02 2 --witness M01 --witness-pin-fd 4
is "$RC" 0 "close witnessed by manager M01: exit 0"
is "$(sqlq 'select c.code, w.code from session s join staff c on
	c.id = s.closed_by join staff w on w.id = s.witness_id where s.id = 2')" \
	"S02|M01" "close witnessed: closer and witness recorded"

# A closed count takes no more reads and cannot be closed again; its report
# can still be read.
before=$(sqlq 'select count(*) from scan')
scan_as S02 2222 2 SAFE1/T01 "$T01"
is "$RC" 65 "scan into a closed count: exit 65"
is "$(sqlq 'select count(*) from scan')" "$before" "scan into a closed count: nothing recorded"
close_s02 2 --witness M01 --witness-pin-fd 4
is "$RC" 65 "close twice: exit 65"
like "$ERR" "closed already" "close twice: says so"
ct reconcile 2
is "$RC" 1 "closed count: reconcile still works"

# ---- who may count ----------------------------------------------------------

as P04 4444 count start --kind full
is "$RC" 77 "part-timer opens a count: exit 77"
as M01 1111 count start --kind partial --ranges SAFE9/T01
is "$RC" 65 "count of an unknown location: exit 65"
as M01 1111 count start --kind partial --ranges SAFE1/T01,SAFE1/T01
is "$RC" 65 "a range given twice: exit 65"

# ---- usage errors: exit 2 ---------------------------------------------------

usage() { # usage NAME ARGS...: cardtally ARGS exits 2 (acting as M01)
	local name=$1
	shift
	as M01 1111 "$@"
	is "$RC" 2 "usage: $name"
}
usage "count start without --kind" count start
usage "--kind partial without --ranges" count start --kind partial
usage "unknown kind" count start --kind weekly
usage "--assign without =" count start --kind partial --ranges SAFE1/T01 \
	--assign S02
usage "count start with an argument" count start --kind full extra
usage "scan without --reader" scan --session 2 --range SAFE1/T01
usage "scan with a bad session id" scan --session abc --range SAFE1/T01 \
	--reader "sim:$T01"
# (as S02, to whom session 6's only range went)
as S02 2222 scan --session 6 --range SAFE1/T03 --reader nosuch:x
is "$RC" 2 "usage: scan with an unknown reader"
usage "scan with an unknown option" scan --session 6 --range SAFE1/T03 \
	--reader "sim:$T03" --speed 3
usage "count close without an id" count close
usage "count close of id 0" count close 0
ct reconcile
is "$RC" 2 "usage: reconcile without an id"
ct reconcile two
is "$RC" 2 "usage: reconcile with a bad id"
ct reconcile 99
is "$RC" 65 "reconcile of a session that does not exist: exit 65"

# ---- nested locations ---------------------------------------------------------

# A card may be stored at a shelf (SAFE9) that also holds a tray
# (SAFE9/T01) with cards.  A full count then has both as ranges.  Whatever
# the program decides about such a card, the scan and the report must say
# the same: a card the scan accepted in place is not misplaced in the
# report, and a card the report calls misplaced was flagged at the scan.
export CARDTALLY_DB="$WORK/nested.db"
new_ledger || { echo "Bail out! cannot create the nested ledger"; exit 1; }
printf '%s\n' mgmt_id,serial,location,received \
	N001,04B001,SAFE9,2025-01-01 N002,04B002,SAFE9/T01,2025-01-01 \
	>"$WORK/nested.csv"
as M01 1111 import "$WORK/nested.csv"
as M01 1111 count start --kind full
is "$OUT" 1 "nested: full count started"
scan_as M01 1111 1 SAFE9 "$(script nested 'card 04B001' 'card 04B002')"
is "$RC" 0 "nested: both cards scanned in SAFE9"
flagged=$(printf '%s\n' "$OUT" | events why mgmt_id | grep '^misplaced' |
	cut -d' ' -f2 | tr '\n' ' ')
ct reconcile 1 --json
reported=$(as_json '" ".join(e["mgmt_id"] for e in d["misplaced"])')
is "$reported" "${flagged% }" \
	"nested: the report's misplaced cards are those the scan flagged"

# ---- a recount of a range nobody counted ------------------------------------

# A range is counted when someone read a card in it, as
# cardtally(1) "count recount" says: one that was only assigned has nothing
# to recount (65), and no recount is opened (one used to be).
export CARDTALLY_DB="$WORK/recount.db"
new_ledger || { echo "Bail out! cannot create the recount ledger"; exit 1; }
printf '%s\n' mgmt_id,serial,location,received \
	R101,04C101,SAFE1/T01,2025-01-01 R102,04C102,SAFE1/T01,2025-01-01 \
	R201,04C201,SAFE1/T02,2025-01-01 >"$WORK/recount.csv"
as M01 1111 import "$WORK/recount.csv"
as M01 1111 count start --kind partial --ranges SAFE1/T01,SAFE1/T02 \
	--assign SAFE1/T01=S02,SAFE1/T02=S02
is "$OUT" 1 "recount: count 1 opened, both ranges given to S02"
scan_as S02 2222 1 SAFE1/T02 "$(script r2 'card 04C201')"
is "$RC" 0 "recount: S02 read T02, not T01"
as M01 1111 count recount 1 --range SAFE1/T01 --assign S03
is "$RC" 65 "recount of an assigned range nobody read: exit 65"
is "$ERR" "cardtally: range SAFE1/T01 of count 1 has not been counted yet: nothing to recount" \
	"recount of a range nobody read: says so"
is "$(sqlq 'select count(*) from session') $(sqlq 'select count(*) from recount')" \
	"1 0" "recount of a range nobody read: no recount opened"
as M01 1111 count recount 1 --range SAFE1/T02 --assign S03
is "$RC" 0 "recount of the range S02 read: opened"
is "$OUT" 2 "recount of the range S02 read: session 2"

done_testing
