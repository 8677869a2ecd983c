#!/usr/bin/env bash
# End-to-end tests of the record book (R7, R8; issue 5): each range of a
# count records who, start, end, expected and seen; discrepancies get a
# manager's resolution with a reason; a recount is done by another person;
# closing needs every discrepancy resolved and a manager's witness; and
# `report record-book` lists a month's counts as text, CSV (UTF-8 with BOM
# or CP932, RFC 4180) and JSON.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo
FEB=1769907600 # 2026-02-01T10:00:00+09:00
MAR=1772413200 # 2026-03-02T10:00:00+09:00
export CARDTALLY_NOW=$FEB

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
# Staff with Japanese names, as an office has them; S06's first character
# (U+20BB7, 𠮷) is not in CP932.
add_staff() { # CODE NAME PIN
	ct staff add "$1" --name "$2" --role staff --as M01 --pin-fd 3 \
		--new-pin-fd 4 3<<<1111 4<<<"$3"
}
add_staff S05 "佐藤 花子" 5555
is "$RC" 0 "staff S05 with a Japanese name added"
add_staff S06 "𠮷田 一郎" 6666
is "$RC" 0 "staff S06 with a name outside CP932 added"

cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received
A101,04A101,SAFE1/T01,2026-01-05
A102,04A102,SAFE1/T01,2026-01-05
A103,04A103,SAFE1/T01,2026-01-05
A104,04A104,SAFE1/T01,2026-01-05
A201,04A201,SAFE1/T02,2026-01-05
A202,04A202,SAFE1/T02,2026-01-05
A203,04A203,SAFE1/T02,2026-01-05
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"

# scan_at TIME CODE PIN SESSION RANGE CARD...: scans the cards at TIME.  The
# other commands run at the month's time; reads are less than a minute after
# it, since audit verify reports an entry dated more than that (the slack of
# concurrent writers) before the entry before it.
scan_at() {
	local t=$1 code=$2 pin=$3 sid=$4 range=$5
	shift 5
	printf 'card %s\n' "$@" >"$WORK/s.sim"
	CARDTALLY_NOW=$t as "$code" "$pin" scan --session "$sid" \
		--range "$range" --reader "sim:$WORK/s.sim" --json
}

# ---- February: count 1, complete --------------------------------------------
as M01 1111 count start --kind partial --ranges SAFE1/T01,SAFE1/T02 \
	--assign SAFE1/T01=S03,SAFE1/T02=S05
is "$OUT" 1 "count 1 opened"
scan_at $FEB S03 3333 1 SAFE1/T01 04A101 04A102 04A103 04A104
scan_at $((FEB + 60)) S05 5555 1 SAFE1/T02 04A201 04A202 04A203
as S03 3333 count close 1
is "$RC" 0 "count 1 with nothing wrong closes without a witness"
is "$(sqlq "select l.path, r.started_at - $FEB, r.ended_at - $FEB, r.expected,
	r.seen, r.in_place from session_range r join location l on
	l.id = r.location_id where r.session_id = 1 order by l.path")" \
	"SAFE1/T01|0|0|4|4|4
SAFE1/T02|60|60|3|3|3" "count 1: each range records start, end, expected, seen, in place"

# ---- March: count 2 finds trouble -------------------------------------------
export CARDTALLY_NOW=$MAR
as M01 1111 count start --kind full --assign SAFE1/T01=S02,SAFE1/T02=S05
is "$OUT" 2 "count 2 opened"
# T01: A103 and A104 are not there; A201 of T02 lies in T01.
scan_at $((MAR + 10)) S02 2222 2 SAFE1/T01 04A101 04A102 04A201
# T02: an unknown card.
scan_at $((MAR + 50)) S05 5555 2 SAFE1/T02 04A202 04A203 04FFFF
is "$(sqlq "select r.started_at - $MAR, r.ended_at - $MAR from session_range
	r where r.session_id = 2 order by r.location_id")" "10|10
50|50" "count 2: ranges begun and ended at their scans"
is "$(sqlq "select count(*) from session_range where session_id = 2 and
	expected is not null")" 0 "count 2 open: no results stored yet"

ct count discrepancies 2 --json
is "$RC" 1 "discrepancies while some are open: exit 1"
is "$(pyjson '" ".join(x["kind"]+":"+(x["mgmt_id"] or x["serial"]) for x in d["discrepancies"])' <<<"$OUT")" \
	"missing:A103 missing:A104 misplaced:A201 extra:04FFFF" \
	"discrepancies: missing, misplaced and extra listed"
is "$(pyjson 'd["unresolved"]' <<<"$OUT")" 4 "discrepancies: four open"

# Closing: refused without a witness, and with one while any is unresolved.
as S02 2222 count close 2
is "$RC" 77 "close without witness or resolutions: exit 77"
like "$ERR" "witness.*resolution" "close refused: names both rules"
ct count close 2 --as S02 --pin-fd 3 --witness M01 --witness-pin-fd 4 \
	3<<<2222 4<<<1111
is "$RC" 77 "close witnessed but unresolved: exit 77"
like "$ERR" "4 discrepancies without a resolution" "close refused: says how many are open"
is "$(sqlq 'select closed_at is null from session where id = 2')" 1 \
	"close refused: count still open"

# ---- resolutions --------------------------------------------------------------
as S02 2222 count resolve 2 --card A104 --reason lost
is "$RC" 77 "staff resolves: exit 77"
like "$ERR" "only a manager may resolve" "staff resolves: names the rule"
as M01 1111 count resolve 2 --card A201 --reason lost
is "$RC" 65 "misplaced card resolved lost: exit 65"
like "$ERR" "misplaced card was read" "misplaced lost: names the rule"
as M01 1111 count resolve 2 --card 04FFFF --reason recounted
is "$RC" 65 "extra card resolved recounted: exit 65"
as M01 1111 count resolve 2 --card A103 --reason recounted
is "$RC" 65 "recounted without a recount: exit 65"
like "$ERR" "recount of the range" "recounted without a recount: says what is needed"
as M01 1111 count resolve 2 --card A999 --reason lost
is "$RC" 65 "a card that is no discrepancy: exit 65"
as M01 1111 count resolve 2 --card A104 --reason misplaced
is "$RC" 2 "unknown reason: exit 2"
as M01 1111 count resolve 2 --card A104,A201 --reason lost
is "$RC" 65 "one bad card of two: exit 65"
is "$(sqlq 'select count(*) from resolution')" 0 "one bad card of two: nothing recorded"

# ---- recount --------------------------------------------------------------
as S02 2222 count recount 2 --range SAFE1/T01 --assign S03
is "$RC" 77 "staff orders a recount: exit 77"
as M01 1111 count recount 2 --range SAFE1/T01 --assign S02
is "$RC" 77 "recount by the first counter: exit 77"
like "$ERR" "different person than the first count" "recount by the first counter: names the rule"
as M01 1111 count recount 2 --range SAFE1/T09 --assign S03
is "$RC" 65 "recount of a range not in the count: exit 65"
as M01 1111 count recount 2 --range SAFE1/T01 --assign S03
is "$RC" 0 "recount of T01 by S03 opened"
RID=$OUT
is "$RID" 3 "the recount is session 3"
is "$(sqlq 'select of_session_id from recount where session_id = 3')" 2 \
	"recount linked to count 2"
scan_at $((MAR + 55)) S02 2222 3 SAFE1/T01 04A101
is "$RC" 77 "first counter scans the recount: exit 77"
like "$ERR" "different person than the first count" "first counter scans the recount: names the rule"
# A103 was there after all, under another card; A104 is not.
scan_at $((MAR + 55)) S03 3333 3 SAFE1/T01 04A101 04A102 04A103
is "$RC" 0 "S03 scans the recount"
as M01 1111 count recount 3 --range SAFE1/T01 --assign S02
is "$RC" 77 "recount of the recount by the count's first counter: exit 77"

as M01 1111 count resolve 2 --card A103 --reason recounted \
	--note "under A102 in the tray"
is "$RC" 0 "A103 resolved recounted after the recount read it"
as M01 1111 count resolve 2 --card A104 --reason lost --note "police informed"
is "$RC" 0 "A104 resolved lost"
as M01 1111 count resolve 2 --card A104 --reason data_error
is "$RC" 65 "resolving twice: exit 65"
like "$ERR" "resolved already" "resolving twice: says so"
as M01 1111 count resolve 2 --card A201,04ffff --reason data_error --json
is "$RC" 0 "two resolved at once (serial in lower case)"
is "$(pyjson 'd["unresolved"]' <<<"$OUT")" 0 "nothing left open"
is "$(sqlq "select count(*) from audit where action = 'count.resolve'")" 4 \
	"every resolution is audited"

ct reconcile 2 --json
is "$(pyjson '[x["resolution"]["reason"] for x in d["missing"]]' <<<"$OUT")" \
	'["recounted","lost"]' "reconcile --json: missing cards carry their resolution"
ct reconcile 2
like "$OUT" "resolved lost by M01 at 2026-03-02 10:00" "reconcile text: shows the resolution"
like "$OUT" "note: police informed" "reconcile text: shows the note"

as S02 2222 count close 2
is "$RC" 77 "all resolved, no witness: exit 77"
ct count close 2 --as S02 --pin-fd 3 --witness M01 --witness-pin-fd 4 \
	3<<<2222 4<<<1111
is "$RC" 0 "all resolved and witnessed: closed"
is "$(sqlq "select l.path, r.expected, r.seen, r.in_place from session_range
	r join location l on l.id = r.location_id where r.session_id = 2
	order by l.path")" "SAFE1/T01|4|3|2
SAFE1/T02|3|3|2" "count 2: expected, seen and in place stored at close"
as M01 1111 count resolve 2 --card A101 --reason lost
is "$RC" 65 "resolving in a closed count: exit 65"
ct count discrepancies 2
is "$RC" 0 "closed count, all resolved: exit 0"
# The recount no longer expects A104: count 2 declared it lost, so it left
# the expected stock, and the recount closes without discrepancies.
ct reconcile 3 --json
is "$(pyjson '(d["expected"],d["missing"])' <<<"$OUT")" '[3,[]]' \
	"recount after A104 was declared lost: 3 expected, none missing"
as S03 3333 count close 3
is "$RC" 0 "recount closed without a witness: nothing missing"

# Count 4: T02 counted by S06, whose name CP932 cannot hold.
as M01 1111 count start --kind partial --ranges SAFE1/T02 --assign SAFE1/T02=S06
scan_at $((MAR + 58)) S06 6666 4 SAFE1/T02 04A201 04A202 04A203
as S06 6666 count close 4
is "$RC" 0 "count 4 closed"

# ---- the record book ---------------------------------------------------------
ct report record-book --month 2026-03 --json
is "$RC" 0 "record book json: exit 0"
is "$(pyjson '[c["session"] for c in d["counts"]]' <<<"$OUT")" "[2,3,4]" \
	"record book: March's counts only, in order"
is "$(pyjson 'd["counts"][0]["plan"]' <<<"$OUT")" "null" "record book: plan is null until plans exist"
is "$(pyjson '[c["recount_of"] for c in d["counts"]]' <<<"$OUT")" "[null,2,null]" \
	"record book: the recount names its count"
is "$(pyjson '[(r["range"],r["counted_by"],r["counted_by_names"],r["expected"],r["seen"],r["in_place"]) for r in d["counts"][0]["ranges"]]' <<<"$OUT")" \
	'[["SAFE1/T01",["S02"],["Person S02"],4,3,2],["SAFE1/T02",["S05"],["佐藤 花子"],3,3,2]]' \
	"record book: who counted which range, expected, seen, in place"
is "$(pyjson '[(r["started_at"],r["ended_at"]) for r in d["counts"][0]["ranges"]]' <<<"$OUT")" \
	'[["2026-03-02T10:00:10+09:00","2026-03-02T10:00:10+09:00"],["2026-03-02T10:00:50+09:00","2026-03-02T10:00:50+09:00"]]' \
	"record book: when each range was counted"
is "$(pyjson '[(x["kind"],x["mgmt_id"] or x["serial"],x["resolution"]["reason"],x["resolution"]["by"]) for x in d["counts"][0]["discrepancies"]]' <<<"$OUT")" \
	'[["missing","A103","recounted","M01"],["missing","A104","lost","M01"],["misplaced","A201","data_error","M01"],["extra","04FFFF","data_error","M01"]]' \
	"record book: discrepancies and their resolutions"
is "$(pyjson '(d["counts"][0]["closed_by"],d["counts"][0]["witness"])' <<<"$OUT")" \
	'["S02","M01"]' "record book: closer and witness"
BOOK=$OUT
# The record book lists each count's discrepancies as count discrepancies
# does (one list in the workflow): the same items, resolutions and order.
for n in 2 3 4; do
	ct count discrepancies "$n" --json
	is "$(pyjson "[c for c in d['counts'] if c['session'] == $n][0]['discrepancies']" <<<"$BOOK")" \
		"$(pyjson 'd["discrepancies"]' <<<"$OUT")" \
		"record book, count $n: the discrepancies count discrepancies lists"
done
ct report record-book --month 2026-02 --format json
is "$(pyjson '[c["session"] for c in d["counts"]]' <<<"$OUT")" "[1]" \
	"record book of February: count 1"

# CSV, UTF-8 with a BOM by default.
ct report record-book --month 2026-03 --format csv
is "$RC" 0 "record book csv: exit 0"
"$CT" report record-book --month 2026-03 --format csv >"$WORK/book.csv" 2>/dev/null
is "$(head -c 3 "$WORK/book.csv" | od -An -tx1 | tr -d ' ')" "efbbbf" \
	"csv: starts with the UTF-8 BOM"
CSV_CHECK='
import csv, io, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode(sys.argv[2])
rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
'
python3 -c "$CSV_CHECK"'
sys.exit(0 if text.endswith("\r\n") and "\n" not in text.replace("\r\n", "") else 1)' \
	"$WORK/book.csv" utf-8
ok $? "csv: every record ends in CRLF"
is "$(python3 -c "$CSV_CHECK"'
print(",".join(csv.reader([text.lstrip("\ufeff").splitlines()[0]]).__next__()))' \
	"$WORK/book.csv" utf-8)" \
	"record,count,kind,recount_of,plan,count_started,count_closed,closed_by,witness,range,staff,staff_name,range_started,range_ended,expected,seen,in_place,discrepancy,mgmt_id,serial,location,found_location,resolution,resolved_by,resolved_at,note" \
	"csv: the header row"
is "$(python3 -c "$CSV_CHECK"'
for r in rows:
    if r["count"] == "2":
        print(r["record"], r["range"] or r["mgmt_id"] or r["serial"],
              r["staff_name"], r["expected"], r["seen"], r["resolution"],
              r["note"], sep="|")' "$WORK/book.csv" utf-8)" \
	"range|SAFE1/T01|Person S02|4|3||
range|SAFE1/T02|佐藤 花子|3|3||
discrepancy|A103||||recounted|under A102 in the tray
discrepancy|A104||||lost|police informed
discrepancy|A201||||data_error|
discrepancy|04FFFF||||data_error|" "csv: count 2's ranges and discrepancies, by column"
is "$(python3 -c "$CSV_CHECK"'
print(rows[0]["count_started"], rows[0]["count_closed"], sep="|")' "$WORK/book.csv" utf-8)" \
	"2026-03-02 10:00:00|2026-03-02 10:00:00" "csv: local times Excel reads"

# CP932: refused while S06's name is in the month, before anything is written.
ct report record-book --month 2026-03 --format csv --encoding cp932
is "$RC" 65 "cp932 with a character outside CP932: exit 65"
like "$ERR" "U\\+20BB7 cannot be written in CP932" "cp932: names the character"
is "$OUT" "" "cp932 refused: nothing written"
# February holds only names CP932 can encode.
"$CT" report record-book --month 2026-02 --format csv --encoding cp932 \
	>"$WORK/feb.csv" 2>/dev/null
is "$?" 0 "cp932 csv of February: exit 0"
is "$(head -c 3 "$WORK/feb.csv" | od -An -tx1 | tr -d ' ')" \
	"$(printf 'rec' | od -An -tx1 | tr -d ' ')" "cp932 csv: no BOM"
python3 -c '
import sys
raw = open(sys.argv[1], "rb").read()
sys.exit(0 if "佐藤 花子".encode("cp932") in raw else 1)' "$WORK/feb.csv"
ok $? "cp932 csv: the Japanese name in CP932 bytes"
is "$(python3 -c "$CSV_CHECK"'
print([r["staff_name"] for r in rows])' "$WORK/feb.csv" cp932)" \
	"['Person S03', '佐藤 花子']" "cp932 csv: decodes to the names"
# A note with a comma, a quote and a line break stays one field (RFC 4180).
as M01 1111 count start --kind partial --ranges SAFE1/T01 --assign SAFE1/T01=S03
scan_at $((MAR + 59)) S03 3333 5 SAFE1/T01 04A101 04A102
as M01 1111 count resolve 5 --card A103 --reason lost --note 'said "gone", see
report 7'
"$CT" report record-book --month 2026-03 --format csv >"$WORK/book.csv" 2>/dev/null
is "$(python3 -c "$CSV_CHECK"'
print([r["note"] for r in rows if r["count"] == "5"])' "$WORK/book.csv" utf-8)" \
	"['', 'said \"gone\", see\\nreport 7']" "csv: quotes, commas and line breaks quoted per RFC 4180"
grep -c '"said ""gone"", see' "$WORK/book.csv" >/dev/null
ok $? "csv: the quote doubled inside a quoted field"

ct report record-book --month 2026-03
is "$RC" 0 "record book text: exit 0"
like "$OUT" "SAFE1/T02  counted by S05 \\(佐藤 花子\\)" "text: who counted the range"
like "$OUT" "expected 4  seen 3  in place 2" "text: range results"
like "$OUT" "Count 3 \\(partial, recount of count 2\\)" "text: the recount"
like "$OUT" "still open" "text: count 5 still open"
long=$(printf '%s\n' "$OUT" | awk '{ if (length($0) > 80) n++ } END { print n + 0 }')
is "$long" 0 "text: no line longer than 80 columns"

# Usage.
ct report record-book
is "$RC" 2 "record book without --month: exit 2"
like "$ERR" "--month YYYY-MM is required" "without --month: says so"
ct report record-book --month 2026-13
is "$RC" 2 "record book of month 13: exit 2"
like "$ERR" "--month takes YYYY-MM, not '2026-13'" "month 13: names the value"
ct report record-book --month 2026-03 --json --format pdf --output "$WORK/b.pdf"
is "$RC" 2 "--json with --format pdf: exit 2"
like "$ERR" "--json or --format pdf, not both" "--json with pdf: says so"
ok "$([ ! -e "$WORK/b.pdf" ]; echo $?)" "--json with pdf: no file written"
ct report record-book --month 2026-03 --format xml
is "$RC" 2 "unknown format: exit 2"
ct report record-book --month 2026-03 --format json --encoding cp932
is "$RC" 2 "json in cp932: exit 2"
ct report record-book --month 2026-03 --encoding latin1
is "$RC" 2 "unknown encoding: exit 2"

ct audit verify
is "$RC" 0 "audit chain intact after all of it"

done_testing
