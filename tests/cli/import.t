#!/usr/bin/env bash
# End-to-end tests of `cardtally import` (cardtally(1) "STOCK LIST"):
# what a good file adds, that a second import changes nothing, dry runs,
# CP932 detection, and that every kind of bad file is refused as a whole with
# `LINE: column: reason` lines naming the right place.
. "$(dirname "$0")/lib.sh"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }

# import_as_s02 FILE ARGS...: imports FILE as staff member S02.
import_as_s02() { as S02 2222 import "$@"; }

# bad_import NAME FILE EXPECTED [ARGS...]: importing FILE exits 65, stderr
# holds exactly the problem lines EXPECTED (then the one-line summary), and
# the ledger is as it was.
bad_import() {
	local name=$1 file=$2 expected=$3 before
	shift 3
	before=$(ledger_state)
	import_as_s02 "$file" "$@"
	is "$RC" 65 "$name: exit 65"
	is_text "$(stderr_problems)" "$expected" \
		"$name: stderr lists LINE: column: reason"
	like "$ERR" '^cardtally: .*: [0-9]+ problems?, nothing imported$' \
		"$name: stderr ends with the summary"
	is "$OUT" "" "$name: nothing on stdout"
	is "$(ledger_state)" "$before" "$name: ledger unchanged"
}

HDR=mgmt_id,serial,location,received

# ---- a good file ----------------------------------------------------------

# Five cards in three trays; every optional column, a lower-case serial, an
# empty status (stored) and two other statuses.
cat >"$WORK/good.csv" <<'EOF'
mgmt_id,serial,location,received,notice_sent,reminder_sent,status
G001,04A0000001,SAFE1/S1/T01,2024-04-01,2024-04-05,,
G002,04a0000002,SAFE1/S1/T01,2024-04-01,,,stored
G003,04A0000003,SAFE1/S1/T02,2024-04-02,2024-04-05,2024-07-01,
G004,04A0000004,SAFE1/S1/T02,2024-04-02,,,issued
G005,04A0000005,SAFE2/S1/T01,2024-04-03,,,moved
EOF

# A good file adds every row, once, and leaves one audit entry.
audit0=$(sqlq 'select count(*) from audit')
import_as_s02 "$WORK/good.csv"
is "$RC" 0 "good file: exit 0"
is "$OUT" "$WORK/good.csv (utf-8): 5 rows: 5 added, 0 updated, 0 unchanged" \
	"good file: 5 added"
is "$(sqlq 'select count(*) from card')" 5 "good file: 5 cards in the ledger"
is "$(sqlq "select count(*) from audit where id > $audit0 and
	action <> 'import.cards'")" 1 "good file: one audit entry"
is "$(sqlq 'select action from audit order by id desc limit 1')" import \
	"good file: the audit entry is the import"
# Before it, where each card is and its status, for audit verify's replay.
is "$(sqlq "select subject || ': ' || detail from audit where id > $audit0
	and action = 'import.cards' order by id")" \
	"SAFE1/S1/T01: status=stored status_from=file cards=G001 G002
SAFE1/S1/T02: status=issued status_from=file cards=G004
SAFE1/S1/T02: status=stored status_from=file cards=G003
SAFE2/S1/T01: status=moved status_from=file cards=G005" \
	"good file: the cards' places and statuses are recorded"
# Serials are stored in one case so that reads (upper-case hex) find them.
is "$(sqlq "select serial from card where mgmt_id = 'G002'")" 04A0000002 \
	"good file: a lower-case serial is stored upper-case"
is "$(sqlq "select status || ' ' || ifnull(reminder_sent, '-') from card
	where mgmt_id = 'G003'")" "stored 2024-07-01" \
	"good file: empty status is stored, dates kept"
is "$(sqlq "select group_concat(mgmt_id || '=' || status, ' ') from
	(select * from card order by mgmt_id)")" \
	"G001=stored G002=stored G003=stored G004=issued G005=moved" \
	"good file: statuses as written"
is "$(sqlq "select group_concat(path, ' ') from
	(select path from location order by path)")" \
	"SAFE1 SAFE1/S1 SAFE1/S1/T01 SAFE1/S1/T02 SAFE2 SAFE2/S1 SAFE2/S1/T01" \
	"good file: locations created with their parents"

# Importing the same file again changes nothing, not even the audit log.
before=$(ledger_state)
updated_at=$(sqlq 'select group_concat(updated_at) from card')
import_as_s02 "$WORK/good.csv"
is "$RC" 0 "re-import: exit 0"
is "$OUT" "$WORK/good.csv (utf-8): 5 rows: 0 added, 0 updated, 5 unchanged" \
	"re-import: 0 added, 5 unchanged"
is "$(ledger_state)" "$before" "re-import: ledger and audit count unchanged"
is "$(sqlq 'select group_concat(updated_at) from card')" "$updated_at" \
	"re-import: no card touched"

# A changed row is an update of that card alone: here the issuing system
# says G003's applicant moved away, an event an import may record.
sed 's/^G003,\(.*\),$/G003,\1,moved/' "$WORK/good.csv" >"$WORK/good2.csv"
import_as_s02 "$WORK/good2.csv"
is "$RC" 0 "changed row: exit 0"
is "$OUT" "$WORK/good2.csv (utf-8): 5 rows: 0 added, 1 updated, 4 unchanged" \
	"changed row: 1 updated"
is "$(sqlq "select status from card where mgmt_id = 'G003'")" moved \
	"changed row: the new status is in the ledger"
is "$(sqlq "select count(*) from audit where id > $audit0 and
	action <> 'import.cards'")" 3 \
	"changed row: the import and the card's own status entry"
is "$(sqlq "select action || ' ' || ifnull(subject, '-') || ' ' || detail
	from audit where action <> 'import.cards' order by id desc limit 2" |
	sort)" \
	"import - rows=5 added=0 updated=1 unchanged=4 encoding=utf-8
import.status G003 status=stored->moved" \
	"changed row: the status change is audited per card"

# A dry run reports what it would do and changes nothing (no location, no
# audit entry).
printf '%s\n%s\n%s\n' "$HDR" N001,04B0000001,SAFE3/T01,2024-05-01 \
	N002,04B0000002,SAFE3/T01,2024-05-01 >"$WORK/new.csv"
before=$(ledger_state)
import_as_s02 "$WORK/new.csv" --dry-run
is "$RC" 0 "dry run: exit 0"
is "$OUT" "dry run, nothing changed: $WORK/new.csv (utf-8): 2 rows: 2 added, 0 updated, 0 unchanged" \
	"dry run: says what it would add"
is "$(ledger_state)" "$before" "dry run: ledger unchanged"
is "$(sqlq "select count(*) from location where path like 'SAFE3%'")" 0 \
	"dry run: no location created"

# --json: one JSON document with the counts.
import_as_s02 "$WORK/new.csv" --dry-run --json
is "$RC" 0 "dry run --json: exit 0"
is "$(printf '%s' "$OUT" | pyjson '[d["ok"], d["dry_run"], d["encoding"],
	d["rows"], d["added"], d["updated"], d["unchanged"], d["problems"]]')" \
	'[true,true,"utf-8",2,2,0,0,[]]' "dry run --json: parses, right counts"
is "$(ledger_state)" "$before" "dry run --json: ledger unchanged"

# A UTF-8 byte order mark is accepted and not part of the first column name.
printf '\xef\xbb\xbf%s\n%s\n' "$HDR" B001,04C0000001,SAFE1/S1/T01,2024-05-01 \
	>"$WORK/bom.csv"
import_as_s02 "$WORK/bom.csv"
is "$RC" 0 "BOM: exit 0"
like "$OUT" ': 1 rows?: 1 added' "BOM: the row is added"

# ---- CP932 ------------------------------------------------------------------

# 金庫 (safe) in CP932 is 8B E0 8C C9; columns in another order.
printf 'location,received,serial,mgmt_id\r\n' >"$WORK/cp932.csv"
printf '\x8b\xe0\x8c\xc9/T01,2024-06-01,04D0000001,J001\r\n' >>"$WORK/cp932.csv"
printf '\x8b\xe0\x8c\xc9/T02,2024-06-01,04D0000002,J002\r\n' >>"$WORK/cp932.csv"

# Forcing UTF-8 on a CP932 file fails on each line with a non-UTF-8 value.
bad_import "cp932 as --encoding utf-8" "$WORK/cp932.csv" \
	"2: location: invalid UTF-8 byte sequence
3: location: invalid UTF-8 byte sequence" --encoding utf-8

# Auto-detection recognises CP932 and stores the paths as UTF-8.
import_as_s02 "$WORK/cp932.csv"
is "$RC" 0 "cp932 auto: exit 0"
is "$OUT" "$WORK/cp932.csv (cp932): 2 rows: 2 added, 0 updated, 0 unchanged" \
	"cp932 auto: detected and imported"
is "$(sqlq "select l.path from card c join location l on l.id = c.location_id
	where c.mgmt_id = 'J001'")" "金庫/T01" "cp932 auto: path decoded to UTF-8"
is "$(sqlq "select count(*) from location where path = '金庫'")" 1 \
	"cp932 auto: the parent location is decoded too"

# The same file named explicitly as cp932 is the same stock: nothing changes.
import_as_s02 "$WORK/cp932.csv" --encoding cp932 --json
is "$RC" 0 "cp932 explicit: exit 0"
is "$(printf '%s' "$OUT" | pyjson '[d["encoding"], d["added"], d["unchanged"]]')" \
	'["cp932",0,2]' "cp932 explicit: JSON says cp932, 2 unchanged"

# ---- dates as a Japanese Excel writes them (issue 13) -------------------------

printf '%s,notice_sent\nD001,04D4000001,SAFE1/S1/T01,2024/4/1,2024/04/05\n' \
	"$HDR" >"$WORK/excel-dates.csv"
import_as_s02 "$WORK/excel-dates.csv"
is "$RC" 0 "excel dates: exit 0"
is "$(sqlq "select received || ' ' || notice_sent from card
	where mgmt_id = 'D001'")" "2024-04-01 2024-04-05" \
	"excel dates: 2024/4/1 and 2024/04/05 stored as YYYY-MM-DD"
printf '%s\nD002,04D4000002,SAFE1/S1/T01,24/4/1\n' "$HDR" \
	>"$WORK/two-digit-year.csv"
bad_import "a two-digit year" "$WORK/two-digit-year.csv" \
	"2: received: ambiguous date: a two-digit year (write YYYY/M/D): 24/4/1"

# ---- every row's encoding is proven (issue 13) ------------------------------

# Two exports pasted together: UTF-8 rows, then CP932 rows.  金庫 is
# E9 87 91 E5 BA AB in UTF-8, 8B E0 8C C9 in CP932.
{
	printf '%s\n' "$HDR"
	printf 'E001,04D1000001,\xe9\x87\x91\xe5\xba\xab/T01,2024-06-01\n'
	printf 'E002,04D1000002,\x8b\xe0\x8c\xc9/T01,2024-06-01\n'
	printf 'E003,04D1000003,\x8b\xe0\x8c\xc9/T02,2024-06-01\n'
} >"$WORK/mixed.csv"
bad_import "utf-8 rows, then cp932 rows" "$WORK/mixed.csv" \
	"3: location: CP932 text, but the file is UTF-8 (line 2): save the whole list in one encoding
4: location: CP932 text, but the file is UTF-8 (line 2): save the whole list in one encoding"

# A CP932 file whose only non-ASCII text is half-width katakana (ﾊｺ, ﾏｽ:
# CA BA, CF BD, which UTF-8 reads as U+02BA and U+03FD) is CP932.
printf '%s\nK001,04D2000001,\xca\xba/\xcf\xbd1,2024-06-01\n' "$HDR" \
	>"$WORK/hankaku.csv"
import_as_s02 "$WORK/hankaku.csv" --dry-run
is "$RC" 0 "half-width katakana: exit 0"
is "$OUT" "dry run, nothing changed: $WORK/hankaku.csv (cp932): 1 row: 1 added, 0 updated, 0 unchanged" \
	"half-width katakana: read as cp932"
bad_import "half-width katakana given as UTF-8" "$WORK/hankaku.csv" \
	"2: location: CP932 text, not UTF-8 as --encoding says: it would be stored garbled" \
	--encoding UTF-8

# --encoding in any case; a UTF-8 file given as CP932 is refused, not
# stored garbled.
printf '%s\nE004,04D1000004,\xe9\x87\x91\xe5\xba\xab/T03,2024-06-01\n' "$HDR" \
	>"$WORK/utf8-kinko.csv"
bad_import "utf-8 file given as CP932" "$WORK/utf8-kinko.csv" \
	"2: location: UTF-8 text, not CP932 as --encoding says: it would be stored garbled" \
	--encoding CP932
import_as_s02 "$WORK/utf8-kinko.csv" --dry-run --encoding Utf-8
is "$RC" 0 "--encoding Utf-8: exit 0"
like "$OUT" '\(utf-8\): 1 row: 1 added' "--encoding Utf-8: read as utf-8"

# ---- one list saved on Windows and on a Mac: one location (issue 13) -------

# Windows (CP932): 金庫～1/棚－1 and 金庫\2/棚<full-width space>2; a Mac
# (UTF-8, JIS's table): 金庫〜1/棚−1, and 金<zero-width space>庫¥2/棚 2.
printf '%s\r\nW001,04D3000001,\x8b\xe0\x8c\xc9\x81\x601/\x92\x49\x81\x7c1,2024-06-01\r\nW002,04D3000002,\x8b\xe0\x8c\xc9\\2/\x92\x49\x81\x402,2024-06-01\r\n' \
	"$HDR" >"$WORK/windows.csv"
printf '%s\nW001,04D3000001,金庫〜1/棚−1,2024-06-01\nW002,04D3000002,金\xe2\x80\x8b庫¥2/棚 2,2024-06-01\n' \
	"$HDR" >"$WORK/mac.csv"
import_as_s02 "$WORK/windows.csv"
is "$RC" 0 "windows list: exit 0"
is "$(sqlq "select group_concat(l.path, ' | ') from card c join location l
	on l.id = c.location_id where c.mgmt_id like 'W00%' order by c.mgmt_id")" \
	'金庫~1/棚-1 | 金庫\2/棚 2' "windows list: paths in normal form"
locations=$(sqlq 'select count(*) from location')
import_as_s02 "$WORK/mac.csv"
is "$RC" 0 "mac list: exit 0"
is "$OUT" "$WORK/mac.csv (utf-8): 2 rows: 0 added, 0 updated, 2 unchanged" \
	"mac list: the same cards in the same places"
is "$(sqlq 'select count(*) from location')" "$locations" \
	"mac list: no twin location"
printf '%s\nW003,04D3000003,金庫\xe2\x80\xae1,2024-06-01\n' "$HDR" \
	>"$WORK/bidi.csv"
bad_import "a character that reorders text" "$WORK/bidi.csv" \
	"2: location: character U+202E (invisible, or it reorders text on screen) in the path"

# ---- bad files: each exits 65, names line and column, changes nothing ------

printf 'mgmt_id,serial,location\nX001,04E0000001,SAFE1/S1/T01\n' \
	>"$WORK/missing-col.csv"
bad_import "missing column" "$WORK/missing-col.csv" \
	"1: received: missing required column"

printf '%s,colour\nX001,04E0000001,SAFE1/S1/T01,2024-01-01,red\n' "$HDR" \
	>"$WORK/unknown-col.csv"
bad_import "unknown column" "$WORK/unknown-col.csv" "1: colour: unknown column"

# A My Number is never kept (R3), as a management ID or in a location, and
# the refusal does not repeat it; twelve digits that do not end in their
# check digit are a management ID like any other.  A serial is the chip's
# hex, which may hold such a run by chance: it is not looked at.
cat >"$WORK/mynumber.csv" <<'EOF'
mgmt_id,serial,location,received
123456789018,04E0000001,SAFE1/S1/T01,2024-01-01
X002,04E0000002,SAFE1/1234-5678-9018,2024-01-01
123456789019,04E0000004,SAFE1/S1/T01,2024-01-01
X005,0A123456789018,SAFE1/S1/T01,2024-01-01
EOF
bad_import "a My Number" "$WORK/mynumber.csv" \
	"2: mgmt_id: holds a My Number (12 digits ending in their check digit), not shown: the ledger keeps none
3: location: holds a My Number (12 digits ending in their check digit), not shown: the ledger keeps none"
ok "$(printf '%s' "$ERR" | grep -q 9018; [ $? -ne 0 ]; echo $?)" \
	"a My Number: not repeated on stderr"

# A good row before the bad ones must not be imported either.
cat >"$WORK/bad-date.csv" <<'EOF'
mgmt_id,serial,location,received,notice_sent
X001,04E0000001,SAFE1/S1/T01,2024-01-01,
X002,04E0000002,SAFE1/S1/T01,2024-02-30,
X003,04E0000003,SAFE1/S1/T01,2024-01-01,01/05/2024
EOF
bad_import "bad date" "$WORK/bad-date.csv" \
	"3: received: not a date (YYYY-MM-DD or YYYY/M/D): 2024-02-30
4: notice_sent: ambiguous date: day and month in an unknown order (write YYYY/M/D): 01/05/2024"
is "$(sqlq "select count(*) from card where mgmt_id = 'X001'")" 0 \
	"bad date: the good row before it is not imported"

# Dates that cannot be, on the day of the import (R2, R17): a card received
# tomorrow, a notice sent before the card came, a reminder before the
# notice or, with none, before the card; the first date at fault is named.
TOMORROW=$(TZ=Asia/Tokyo date -d tomorrow +%Y-%m-%d)
TODAY=$(TZ=Asia/Tokyo date +%Y-%m-%d)
cat >"$WORK/bad-days.csv" <<EOF
mgmt_id,serial,location,received,notice_sent,reminder_sent
DT01,04F0000001,SAFE1/S1/T01,$TODAY,$TODAY,
DT02,04F0000002,SAFE1/S1/T01,$TOMORROW,,
DT03,04F0000003,SAFE1/S1/T01,2024-05-10,2024-05-09,
DT04,04F0000004,SAFE1/S1/T01,2024-05-10,2024-05-12,2024-05-11
DT05,04F0000005,SAFE1/S1/T01,2024-05-10,,2024/5/9
DT06,04F0000006,SAFE1/S1/T01,2024-05-10,2024-05-12,$TOMORROW
EOF
TZ=Asia/Tokyo bad_import "dates that cannot be" "$WORK/bad-days.csv" \
	"3: received: after today: $TOMORROW
4: notice_sent: before the card was received: 2024-05-09
5: reminder_sent: before the pickup notice was sent: 2024-05-11
6: reminder_sent: before the card was received: 2024-05-09
7: reminder_sent: after today: $TOMORROW"
is "$(sqlq "select count(*) from card where mgmt_id = 'DT01'")" 0 \
	"dates that cannot be: the good row of today is not imported"
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=ja_JP.UTF-8 TZ=Asia/Tokyo \
	"$CT" import "$WORK/bad-days.csv" --as S02 --pin-fd 3 3<<<2222 \
	2>"$WORK/ja.err"
is "$(sed -n '1p;2p' "$WORK/ja.err")" \
	"3: received: 今日より後の日付です: $TOMORROW
4: notice_sent: カードの受領より前です: 2024-05-09" \
	"dates that cannot be: said in Japanese"

printf '%s\nX001,04XY000001,SAFE1/S1/T01,2024-01-01\n' "$HDR" >"$WORK/bad-hex.csv"
bad_import "bad hex" "$WORK/bad-hex.csv" "2: serial: not hexadecimal: 04XY000001"

cat >"$WORK/dup-mgmt.csv" <<'EOF'
mgmt_id,serial,location,received
X001,04E0000001,SAFE1/S1/T01,2024-01-01
X002,04E0000002,SAFE1/S1/T01,2024-01-01
X001,04E0000003,SAFE1/S1/T01,2024-01-01
EOF
bad_import "duplicate mgmt_id" "$WORK/dup-mgmt.csv" \
	"4: mgmt_id: duplicate of line 2"

# The same serial in two cases is one serial.
cat >"$WORK/dup-serial.csv" <<'EOF'
mgmt_id,serial,location,received
X001,04e00000aa,SAFE1/S1/T01,2024-01-01
X002,04E00000AA,SAFE1/S1/T01,2024-01-01
EOF
bad_import "duplicate serial" "$WORK/dup-serial.csv" \
	"3: serial: duplicate of line 2"

# A serial or management ID of another card already in the ledger.
cat >"$WORK/ledger-conflict.csv" <<'EOF'
mgmt_id,serial,location,received
X001,04A0000001,SAFE1/S1/T01,2024-01-01
G002,04E0000009,SAFE1/S1/T01,2024-04-01
EOF
bad_import "conflict with the ledger" "$WORK/ledger-conflict.csv" \
	"2: serial: serial already belongs to G001 in the ledger
3: mgmt_id: already in the ledger with serial 04A0000002"

printf '%s\nX001,04E0000001,SAFE1/S1/T\0001,2024-01-01\n' "$HDR" >"$WORK/nul.csv"
is "$(tr -cd '\0' <"$WORK/nul.csv" | wc -c)" 1 "NUL file holds one NUL byte"
bad_import "embedded NUL" "$WORK/nul.csv" "2: location: NUL byte in the value"

# Not UTF-8, so CP932; 8C followed by FF is no CP932 character.
printf '%s\nX001,04E0000001,\x8b\xe0\x8c\xc9/T01,2024-01-01\nX002,04E0000002,\x8b\xe0\x8c\xff/T01,2024-01-01\n' \
	"$HDR" >"$WORK/bad-cp932.csv"
bad_import "invalid CP932" "$WORK/bad-cp932.csv" \
	"3: location: invalid CP932 byte sequence"

: >"$WORK/empty.csv"
bad_import "0-byte file" "$WORK/empty.csv" \
	"1: file: empty file, expected a header row"

printf '%s\nX001,04E0000001,SAFE1/S1/T01\n' "$HDR" >"$WORK/short-row.csv"
bad_import "short row" "$WORK/short-row.csv" "2: row: expected 4 fields, found 3"

# A blank line between rows is a missing record; blank lines at the end of
# the file are not.
printf '%s\nX001,04E0000001,SAFE1/S1/T01,2024-01-01\n\nX002,04E0000002,SAFE1/S1/T01,2024-01-01\n' \
	"$HDR" >"$WORK/blank-line.csv"
bad_import "blank line between rows" "$WORK/blank-line.csv" "3: row: blank line"
printf '%s\nX001,04E0000001,SAFE1/S1/T01,2024-01-01\n\n\r\n' "$HDR" \
	>"$WORK/blank-end.csv"
import_as_s02 "$WORK/blank-end.csv" --dry-run
is "$RC" 0 "blank lines at the end: accepted"
like "$OUT" ': 1 rows?: 1 added' "blank lines at the end: one row"

# A byte order mark and CRLF line ends do not shift line numbers.
printf '\xef\xbb\xbf%s\r\nX001,04E0000001,SAFE1/S1/T01,2024-01-01\r\nX002,04E000000X,SAFE1/S1/T01,2024-01-01\r\n' \
	"$HDR" >"$WORK/bom-crlf.csv"
bad_import "BOM and CRLF" "$WORK/bom-crlf.csv" \
	"3: serial: not hexadecimal: 04E000000X"

printf '%s,status\nX001,04E0000001,SAFE1/S1/T01,2024-01-01,gone\n' "$HDR" \
	>"$WORK/bad-status.csv"
import_as_s02 "$WORK/bad-status.csv"
is "$RC" 65 "unknown status: exit 65"
like "$(stderr_problems)" "^2: status: unknown status 'gone' \\(stored, .*, lost\\)" \
	"unknown status: line, column and the valid names"

# Quoted fields: a comma and a newline inside quotes belong to the field, so
# the record is still 4 fields and the next record's line number counts the
# physical lines.  No column allows a comma or newline, so those rows are bad
# too, each reported on the line where it starts.
{
	printf '%s\n' "$HDR"
	printf '"Q001","04F0000001","SAFE1/S1/T01","2024-01-01"\n' # 2: good
	printf '"Q,002",04F0000002,SAFE1/S1/T01,2024-01-01\n'      # 3
	printf '"Q003\nQ",04F0000003,SAFE1/S1/T01,2024-01-01\n'    # 4-5
	printf 'Q004,04F0000004,"SAFE1/S1/T01",2024-01-01\n'       # 6: good
	printf 'Q005,04F0000005,"SAFE1/S1/T01",2024-13-01\n'       # 7
} >"$WORK/quoted.csv"
bad_import "quoted fields" "$WORK/quoted.csv" \
	"3: mgmt_id: not a management ID (letters, digits, '-', '_'): Q,002
4: mgmt_id: not a management ID (letters, digits, '-', '_'): Q003\\x0AQ
7: received: not a date (YYYY-MM-DD or YYYY/M/D): 2024-13-01"

# The same problems in the JSON document.
import_as_s02 "$WORK/bad-date.csv" --json
is "$RC" 65 "bad file --json: exit 65"
is "$(printf '%s' "$OUT" | pyjson '[d["ok"], d["added"], [[p["line"],
	p["column"], p["reason"]] for p in d["problems"]]]')" \
	'[false,0,[[3,"received","not a date (YYYY-MM-DD or YYYY/M/D): 2024-02-30"],[4,"notice_sent","ambiguous date: day and month in an unknown order (write YYYY/M/D): 01/05/2024"]]]' \
	"bad file --json: parses, lists every problem"

# ---- files cut off, in old-Mac form, in UTF-16 or -32, or endless (issue 13)

printf '%s\nC001,04D5000001,SAFE1/S1/T01,2024-06-01\nC002,"04A1B2' "$HDR" \
	>"$WORK/cut-quoted.csv"
bad_import "cut off inside a quoted value" "$WORK/cut-quoted.csv" \
	"3: serial: unterminated quoted field starting on line 3: the file ends inside it (cut off?)"
printf '%s\nC001,04D5000001,SAFE1/S1/T01,2024-06-01\nC002,04A1B2' "$HDR" \
	>"$WORK/cut-row.csv"
bad_import "cut off: last row short" "$WORK/cut-row.csv" \
	"3: row: expected 4 fields, found 2: the file ends in this row (cut off?)"

# Old-Mac line ends (CR alone) are line ends.
printf '%s\rC003,04D5000003,SAFE1/S1/T01,2024-06-01\rC004,04D500000X,SAFE1/S1/T01,2024-06-01\r' \
	"$HDR" >"$WORK/mac-cr.csv"
bad_import "CR line ends: lines counted" "$WORK/mac-cr.csv" \
	"3: serial: not hexadecimal: 04D500000X"
printf '%s\rC003,04D5000003,SAFE1/S1/T01,2024-06-01\r' "$HDR" >"$WORK/mac-cr2.csv"
import_as_s02 "$WORK/mac-cr2.csv" --dry-run
is "$RC" 0 "CR line ends: exit 0"
like "$OUT" ': 1 row: 1 added' "CR line ends: the row is read"

# UTF-16 without a byte order mark and UTF-32 are named as such.
printf '%s\n' "$HDR" | python3 -c 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("utf-16-le"))' \
	>"$WORK/utf16le.csv"
bad_import "UTF-16 without a byte order mark" "$WORK/utf16le.csv" \
	"1: file: UTF-16 text (little-endian, no byte order mark): save it as CSV in UTF-8 or CP932"
printf '%s\n' "$HDR" | python3 -c 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("utf-32"))' \
	>"$WORK/utf32.csv"
bad_import "UTF-32" "$WORK/utf32.csv" \
	"1: file: UTF-32 text (byte order mark FF FE 00 00): save it as CSV in UTF-8 or CP932"

# An endless input is refused without reading it whole.
before=$(ledger_state)
import_as_s02 /dev/zero
is "$RC" 65 "/dev/zero: exit 65"
is "$ERR" "cardtally: cannot read /dev/zero: no line end in the first 64 KiB: not a stock list (CSV)" \
	"/dev/zero: says why"
is "$(ledger_state)" "$before" "/dev/zero: ledger unchanged"

# ---- who may import -------------------------------------------------------

# Part-time staff may not import; a wrong PIN is refused; neither changes
# anything.
before=$(ledger_state)
as P04 4444 import "$WORK/new.csv"
is "$RC" 77 "part-timer: exit 77"
like "$ERR" "permission denied" "part-timer: says permission denied"
is "$(ledger_state)" "$before" "part-timer: ledger unchanged"

# A wrong PIN is itself audited: compare the cards, not the audit log.
cards=$(sqlq 'select count(*) from card')
as S02 9999 import "$WORK/new.csv"
is "$RC" 77 "wrong PIN: exit 77"
like "$ERR" "wrong PIN for S02" "wrong PIN: says so"
is "$(sqlq 'select count(*) from card')" "$cards" "wrong PIN: no card imported"
is "$(sqlq 'select action, subject from audit order by id desc limit 1')" \
	"staff.pin_failed|S02" "wrong PIN: the failure is audited"

as Z99 1234 import "$WORK/new.csv"
is "$RC" 77 "unknown person: exit 77"

ct import "$WORK/new.csv"
is "$RC" 2 "no --as: usage error"

import_as_s02
is "$RC" 2 "no FILE: usage error"

import_as_s02 "$WORK/new.csv" --encoding latin1
is "$RC" 2 "unknown --encoding: usage error"

import_as_s02 "$WORK/does-not-exist.csv"
is "$RC" 65 "unreadable file: exit 65"
like "$ERR" "does-not-exist.csv" "unreadable file: names the file"

# ---- the state machine (issue 10) -------------------------------------------

# An import does not do the office's own steps.  G002 is at the window,
# G004 issued, G005 waits for disposal (moved), G001 and G003 in the safe.
as S02 2222 checkout G002 --for 2024-06-03
is "$RC" 0 "state machine: G002 checked out"
printf '%s\n' "mgmt_id,serial,location,received,status" \
	"G001,04A0000001,SAFE1/S1/T01,2024-04-01,disposed" \
	"G002,04A0000002,SAFE1/S1/T01,2024-04-01," \
	"G003,04A0000003,SAFE1/S1/T02,2024-04-02,lost" \
	"G004,04A0000004,SAFE1/S1/T02,2024-04-02,stored" \
	"G005,04A0000005,SAFE2/S1/T01,2024-04-03,deceased" \
	"G006,04A0000006,SAFE2/S1/T01,2024-04-03," >"$WORK/steps.csv"
# G002's empty status is the list's "stored": the municipality's system
# knows nothing of the window, and that is no change (see below).
bad_import "status: the office's steps" "$WORK/steps.csv" \
	"2: status: stored -> disposed: two people dispose of a card (use \`cardtally dispose\`)
4: status: moved -> lost: a manager declares a card lost, resolving a count (use \`cardtally count resolve\`)
5: status: issued -> stored: the card was issued to its applicant: it is no longer stock"
is "$(sqlq "select group_concat(mgmt_id || '=' || status, ' ') from
	(select * from card where mgmt_id like 'G%' order by mgmt_id)")" \
	"G001=stored G002=checked_out G003=moved G004=issued G005=moved" \
	"status: the office's steps: no status changed, G006 not added"

# --json lists the same problems.
import_as_s02 "$WORK/steps.csv" --json
is "$RC" 65 "status --json: exit 65"
is "$(printf '%s' "$OUT" | pyjson '[[p["line"], p["column"]] for p in
	d["problems"]]')" '[[2,"status"],[4,"status"],[5,"status"]]' \
	"status --json: one problem per refused row"

# The morning's list again, with a card still at the window: accepted, and
# it changes nothing -- G002 stays checked out until it is returned (R2).
printf '%s\n' "mgmt_id,serial,location,received,status" \
	"G002,04A0000002,SAFE1/S1/T01,2024-04-01,stored" >"$WORK/at-window.csv"
before=$(ledger_state)
import_as_s02 "$WORK/at-window.csv" --json
is "$RC" 0 "status: a list's stored for a card at the window: exit 0"
is "$(printf '%s' "$OUT" | pyjson '[d["added"], d["updated"], d["unchanged"]]')" \
	'[0,0,1]' "status: a list's stored for a card at the window: unchanged"
is "$(ledger_state)" "$before" \
	"status: a list's stored for a card at the window: ledger unchanged"

# An applicant event for a card at the window waits for its return.
printf '%s\n' "mgmt_id,serial,location,received,status" \
	"G002,04A0000002,SAFE1/S1/T01,2024-04-01,cancelled" >"$WORK/event-out.csv"
bad_import "status: an event for a checked-out card" "$WORK/event-out.csv" \
	"2: status: checked_out -> cancelled: the card is checked out: it comes back by a return first (use \`cardtally return\`)"

# The applicant events themselves go in, each audited on its own.
printf '%s\n' "mgmt_id,serial,location,received,status" \
	"G001,04A0000001,SAFE1/S1/T01,2024-04-01,cancelled" \
	"G005,04A0000005,SAFE2/S1/T01,2024-04-03,deceased" >"$WORK/events.csv"
audit1=$(sqlq 'select count(*) from audit')
import_as_s02 "$WORK/events.csv"
is "$RC" 0 "applicant events: exit 0"
is "$(sqlq "select subject || ' ' || detail from audit
	where action = 'import.status' and id > $audit1 order by subject")" \
	"G001 status=stored->cancelled
G005 status=moved->deceased" "applicant events: one audit entry per card"

# ---- serials and terminal tags: one namespace ---------------------------------

as M01 1111 asset add TERM9 --name Terminal --tag 04E0000099 \
	--location SAFE1/SHELF
is "$RC" 0 "tag: terminal TERM9 registered"
printf '%s\n' "$HDR" T001,04E0000098,SAFE1/S1/T01,2024-06-01 \
	T002,04e0000099,SAFE1/S1/T01,2024-06-01 >"$WORK/tag.csv"
bad_import "serial is a terminal's tag" "$WORK/tag.csv" \
	"3: serial: serial is the tag of terminal TERM9: a serial names one thing only"

# ---- a full list that leaves cards out (issue 13) -----------------------------

# --full: the list is the whole stock.  The ledger's cards in the office's
# keeping that it leaves out are counted and the first ten named, on
# stderr; nothing is changed for them.  Without --full a list of some
# cards is no news.
printf '%s\n' "mgmt_id,serial,location,received" \
	F001,04D6000001,SAFE1/S1/T03,2024-06-01 \
	F002,04D6000002,SAFE1/S1/T03,2024-06-01 \
	F003,04D6000003,SAFE1/S1/T03,2024-06-01 >"$WORK/more.csv"
import_as_s02 "$WORK/more.csv"
is "$RC" 0 "full list: three more cards imported first"
printf '%s\n' "mgmt_id,serial,location,received" \
	"G001,04A0000001,SAFE1/S1/T01,2024-04-01" >"$WORK/full.csv"
kept="status in ('stored','checked_out','cancelled','moved','deceased')"
n_missing=$(sqlq "select count(*) from card where $kept and mgmt_id <> 'G001'")
first=$(sqlq "select group_concat(mgmt_id, ' ') from (select mgmt_id from card
	where $kept and mgmt_id <> 'G001' order by mgmt_id limit 10)")
ok "$([ "$n_missing" -gt 10 ]; echo $?)" "full list: $n_missing cards to leave out"
before=$(ledger_state)
import_as_s02 "$WORK/full.csv"
is "$RC" 0 "partial list: exit 0"
is "$ERR" "" "partial list: no word of the others"
import_as_s02 "$WORK/full.csv" --full
is "$RC" 0 "full list: exit 0"
is "$OUT" "$WORK/full.csv (utf-8): 1 row: 0 added, 0 updated, 1 unchanged" \
	"full list: the counts as ever"
is "$ERR" "cardtally: $n_missing cards of the ledger are not in this full list: $first and $((n_missing - 10)) more; the import changed nothing for them: count their trays" \
	"full list: says how many are left out and names the first ten"
is "$(ledger_state)" "$before" "full list: nothing changed"
import_as_s02 "$WORK/full.csv" --full --dry-run --json
is "$(printf '%s' "$OUT" | pyjson '[d["missing"], " ".join(d["missing_cards"])]')" \
	"[$n_missing,\"$first\"]" "full list --json: missing and the first ten"

# ---- no ledger --------------------------------------------------------------

# A missing ledger is an error that says how to create one, and creates
# nothing.
as S02 2222 import "$WORK/good.csv" --db "$WORK/nowhere.db"
is "$RC" 66 "missing ledger: exit 66"
like "$ERR" "cardtally init" "missing ledger: says to run cardtally init"
ok "$([ ! -e "$WORK/nowhere.db" ]; echo $?)" "missing ledger: no file created"

# ---- a change between the check and the writes -----------------------------
# The import checks the whole file in a read transaction, then writes in
# chunks, each its own write transaction (data/import.h).  A checkout at the
# window between the two changes a card the file updates: the import stops
# at that row and says so, its chunk is rolled back whole, earlier chunks
# stay, and the same import run again finishes it.  The test build pauses
# the import before a chosen chunk (CARDTALLY_TEST_PAUSE, common/clock.h)
# while a real second process checks the card out.
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
export CARDTALLY_DB
printf '%s\n' "mgmt_id,serial,location,received,status" \
	"X001,04F0000001,SAFE1/T01,2025-01-10,stored" \
	"X002,04F0000002,SAFE1/T01,2025-01-10,stored" >"$WORK/x0.csv"
import_as_s02 "$WORK/x0.csv"
is "$RC" 0 "conflict: two cards imported"

# import_paused NAME FILE CHUNK CARD: imports FILE in the background, paused
# before its CHUNK-th chunk, checks CARD out meanwhile, then lets it go on.
import_paused() {
	local name=$1 file=$2 chunk=$3 card=$4 i
	rm -f "$WORK/go" "$WORK/go.waiting"
	(
		CARDTALLY_TEST_PAUSE="import.chunk:$chunk:$WORK/go" \
			"$CT" import "$file" --as S02 --pin-fd 3 3<<<2222 \
			>"$WORK/imp.out" 2>"$WORK/imp.err"
		echo $? >"$WORK/imp.rc"
	) &
	for ((i = 0; i < 600; i++)); do
		[ -e "$WORK/go.waiting" ] && break
		sleep 0.1
	done
	ok "$([ -e "$WORK/go.waiting" ]; echo $?)" "$name: the import paused"
	as S03 3333 checkout "$card"
	is "$RC" 0 "$name: $card checked out meanwhile"
	touch "$WORK/go"
	wait
	RC=$(cat "$WORK/imp.rc") ERR=$(cat "$WORK/imp.err")
}

# Within the first chunk: a new card before the changed one is not kept.
printf '%s\n' "mgmt_id,serial,location,received,status" \
	"X101,04F0000101,SAFE1/T02,2025-02-01,stored" \
	"X001,04F0000001,SAFE1/T02,2025-01-10,stored" \
	"X102,04F0000102,SAFE1/T02,2025-02-01,stored" >"$WORK/x1.csv"
import_paused "first chunk" "$WORK/x1.csv" 1 X001
is "$RC" 75 "first chunk: exit 75"
is "$ERR" "cardtally: $WORK/x1.csv line 3: card X001 changed in the ledger after the file was checked: the import stopped there, with 0 of 3 rows written; run the same import again to finish it (rows written already count as unchanged)" \
	"first chunk: says which line and card changed, and what to do"
is "$(sqlq "SELECT count(*) FROM card WHERE mgmt_id GLOB 'X10*'")" 0 \
	"first chunk: nothing of the chunk written (X101 came before X001)"
is "$(sqlq "SELECT status || ' ' || l.path FROM card c JOIN location l
	ON l.id = c.location_id WHERE mgmt_id = 'X001'")" \
	"checked_out SAFE1/T01" "first chunk: the checkout stands"
ct audit verify
is "$RC" 0 "first chunk: audit verify passes"
as S03 3333 return X001
is "$RC" 0 "first chunk: X001 returned"
import_as_s02 "$WORK/x1.csv"
is "$RC" 0 "first chunk: the same import again finishes it"
is "$OUT" "$WORK/x1.csv (utf-8): 3 rows: 2 added, 1 updated, 0 unchanged" \
	"first chunk: the second run writes every row"
ct audit verify
is "$RC" 0 "first chunk: audit verify passes after the second run"

# Past the first chunk: more rows than one chunk takes (20,000), the changed
# card last.  The chunks before the pause stay written.
{
	echo mgmt_id,serial,location,received,status
	for ((t = 1; t <= 20100; t++)); do
		printf 'Y%05d,04E%07d,SAFE2/T%02d,2025-03-01,stored\n' \
			"$t" "$t" $((t % 40))
	done
	echo "X002,04F0000002,SAFE1/T03,2025-01-10,stored"
} >"$WORK/y.csv"
import_paused "second chunk" "$WORK/y.csv" 2 X002
is "$RC" 75 "second chunk: exit 75"
written=$(sqlq "SELECT count(*) FROM card WHERE mgmt_id GLOB 'Y*'")
like "$ERR" "y\\.csv line 20102: card X002 changed in the ledger after the file was checked: the import stopped there, with $written of 20101 rows written;" \
	"second chunk: says how many rows the earlier chunks wrote"
ok "$([ "$written" -gt 0 ] && [ "$written" -lt 20101 ]; echo $?)" \
	"second chunk: the first chunk stays written ($written rows)"
like "$(sqlq "SELECT subject || ' ' || detail FROM audit
	WHERE action = 'import.begin'")" \
	"^$WORK/y\.csv rows=20101 write=20101 blake2b=[0-9a-f]{64}\$" \
	"second chunk: the first chunk named the file, its rows and digest"
is "$(sqlq "SELECT count(*) FROM audit WHERE action = 'import' AND
	id > (SELECT id FROM audit WHERE action = 'import.begin')")" 0 \
	"second chunk: no closing entry: the log shows an import stopped"
ct audit verify
is "$RC" 0 "second chunk: audit verify passes after the stop"
begin_entry=$(sqlq "SELECT id FROM audit WHERE action = 'import.begin'")
ct status
is "$RC" 0 "second chunk: status runs"
like "$OUT" "IMPORT STOPPED PART WAY: $WORK/y\.csv, begun [0-9T:+-]+ by S02 \(audit entry $begin_entry\): run the same import again to finish it" \
	"second chunk: status says the import stopped part way, and what to do"
ct status --json
is "$(pyjson '[d["import_stopped"][k] for k in ("source", "rows", "by", "entry")]' <<<"$OUT")" \
	"[\"$WORK/y.csv\",20101,\"S02\",$begin_entry]" \
	"second chunk: status --json names the file, its rows, who and the entry"
as S03 3333 return X002
import_as_s02 "$WORK/y.csv"
is "$RC" 0 "second chunk: the same import again finishes it"
is "$OUT" "$WORK/y.csv (utf-8): 20101 rows: $((20100 - written)) added, 1 updated, $written unchanged" \
	"second chunk: rows written before count as unchanged"
ct status
is "$(grep -c "STOPPED PART WAY" <<<"$OUT")" 0 \
	"second chunk: finished, status no longer says so"
ct status --json
is "$(pyjson 'd["import_stopped"]' <<<"$OUT")" "null" \
	"second chunk: finished, import_stopped is null"
is "$(sqlq "SELECT count(*), count(DISTINCT mgmt_id) FROM card WHERE mgmt_id GLOB 'Y*'")" \
	"20100|20100" "second chunk: every card there once"
ct audit verify
is "$RC" 0 "second chunk: audit verify passes after the second run"

# kill -9 between two chunks: what was committed stays, the same import
# finishes it, and the audit log still verifies.
{
	echo mgmt_id,serial,location,received
	for ((t = 1; t <= 20050; t++)); do
		printf 'Z%05d,04D%07d,SAFE3/T%02d,2025-04-01\n' "$t" "$t" \
			$((t % 40))
	done
} >"$WORK/z.csv"
rm -f "$WORK/go" "$WORK/go.waiting"
CARDTALLY_TEST_PAUSE="import.chunk:2:$WORK/go" \
	"$CT" import "$WORK/z.csv" --as S02 --pin-fd 3 3<<<2222 \
	>"$WORK/imp.out" 2>"$WORK/imp.err" &
pid=$!
for ((i = 0; i < 600; i++)); do
	[ -e "$WORK/go.waiting" ] && break
	sleep 0.1
done
kill -9 "$pid"
{ wait "$pid"; } 2>/dev/null
is "$?" 137 "kill -9: the import was killed between two chunks"
written=$(sqlq "SELECT count(*) FROM card WHERE mgmt_id GLOB 'Z*'")
ok "$([ "$written" -gt 0 ] && [ "$written" -lt 20050 ]; echo $?)" \
	"kill -9: the chunks before it stay ($written rows)"
ct audit verify
is "$RC" 0 "kill -9: audit verify passes"
import_as_s02 "$WORK/z.csv"
is "$RC" 0 "kill -9: the same import again finishes it"
is "$(sqlq "SELECT count(*), count(DISTINCT mgmt_id) FROM card WHERE mgmt_id GLOB 'Z*'")" \
	"20050|20050" "kill -9: every card there once"
ct audit verify
is "$RC" 0 "kill -9: audit verify passes after the second run"

done_testing
