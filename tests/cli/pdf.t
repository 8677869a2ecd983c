#!/usr/bin/env bash
# The paper reports (issue 15): every report rendered with --format pdf from
# a scripted ledger, read back with poppler's tools -- the text with
# pdftotext (Japanese, the ward's name, totals, page numbers "n / N", the
# table heading repeated on the next page), the page count with pdfinfo,
# and a picture (pdftoppm) whose right margin must be white: nothing drawn
# or cut past it.  Golden data, not golden bytes.  Also the CSV export's
# formula escaping and the daily anchor's check code on paper, in the text
# report and in `audit verify`.
. "$(dirname "$0")/lib.sh"

for t in pdftotext pdfinfo pdftoppm python3; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "1..0 # SKIP $t is not installed (poppler-utils)"
		exit 0
	fi
done

export TZ=Asia/Tokyo
MAR=1772413200 # 2026-03-02T10:00:00+09:00
export CARDTALLY_NOW=$MAR
export CARDTALLY_CONF="$WORK/pdf.conf"
WARD="東京都千代田区役所 市民課"
printf 'ward_name = %s\nprinter = office-a4\n' "$WARD" >"$CARDTALLY_CONF"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
ct staff add S05 --name "佐藤 花子" --role staff --as M01 --pin-fd 3 \
	--new-pin-fd 4 3<<<1111 4<<<5555
is "$RC" 0 "staff with a Japanese name added"

# 90 cards in one tray with a long Japanese path (it must wrap in its
# column), two in another; D-cards due for disposal.
LONG="SAFE1/本庁舎地下一階保管庫第三キャビネット上段トレイ"
{
	echo "mgmt_id,serial,location,received,reminder_sent,status"
	for i in $(seq -w 1 90); do
		echo "A0$i,04A0$i,$LONG,2026-01-05,,"
	done
	echo "D101,04D101,SAFE1/T02,2025-06-01,2025-10-01,"
	echo "D102,04D102,SAFE1/T02,2025-06-01,,moved"
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"

# Count 1: S05 reads 10 cards of 90: 80 missing, a table over pages.
as M01 1111 count start --kind partial --ranges "$LONG" --assign "$LONG=S05"
is "$OUT" 1 "count 1 opened"
printf 'card 04A0%02d\n' $(seq 1 10) >"$WORK/s.sim"
CARDTALLY_NOW=$((MAR + 30)) as S05 5555 scan --session 1 --range "$LONG" \
	--reader "sim:$WORK/s.sim"
is "$RC" 0 "count 1 scanned"
# Resolutions whose notes start as a formula would (CSV escaping).
n=11
TAB=$(printf '\t')
for note in "=HYPERLINK(\"http://x\")" "+1+1" "-2+3" "@SUM(A1)"; do
	as M01 1111 count resolve 1 --card "A0$n" --reason lost --note "$note"
	is "$RC" 0 "resolution with the note '$note'"
	n=$((n + 1))
done

# A note starting with a TAB (notes may hold tabs); one starting with a CR
# never reaches the ledger, so never a CSV cell either.
as M01 1111 count resolve 1 --card A015 --reason lost --note "${TAB}=1+2"
is "$RC" 0 "resolution with a note starting with a TAB"
as M01 1111 count resolve 1 --card A016 --reason lost --note "$(printf '\r=1+2')"
is "$RC" 65 "a note starting with a CR is refused (exit 65)"
# The rest resolved lost, and the count closed: its results are stored.
rest=$(seq -f 'A0%02g' 16 90 | paste -sd,)
CARDTALLY_NOW=$((MAR + 60)) as M01 1111 count resolve 1 --card "$rest" \
	--reason lost
is "$RC" 0 "the other missing cards resolved lost"
CARDTALLY_NOW=$((MAR + 60)) with_witness S05 5555 M01 1111 count close 1
is "$RC" 0 "count 1 closed with a witness"

# The safe, a tally, a disposal batch: something in every report, each
# later than the one before (the audit chain's times run forward).
export CARDTALLY_NOW=$((MAR + 120))
ct key open --as S02 --pin-fd 3 --witness M01 --witness-pin-fd 4 \
	--purpose "朝の持出し" 3<<<2222 4<<<1111
is "$RC" 0 "safe opened"
export CARDTALLY_NOW=$((MAR + 600))
as S02 2222 key close
is "$RC" 0 "safe closed"
as S02 2222 tally start
is "$RC" 0 "tally started"
TID=$(sqlq "select max(id) from session")
as S02 2222 tally close "$TID"
is "$RC" 0 "tally closed (nothing out)"
with_witness S02 2222 M01 1111 dispose start
is "$RC" 0 "disposal batch opened"
printf 'card 04D101\ncard 04D102\n' >"$WORK/d.sim"
as S02 2222 scan --session D1 --reader "sim:$WORK/d.sim"
is "$RC" 0 "due cards scanned into D1"

# ---- the checks -----------------------------------------------------------

# pdf_text FILE [PAGE]: its text (of one page).
pdf_text() {
	if [ -n "${2:-}" ]; then
		pdftotext -f "$2" -l "$2" "$1" - 2>/dev/null
	else
		pdftotext "$1" - 2>/dev/null
	fi
}
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
# margin_ink FILE: the pages and columns with ink in the right margin,
# nothing when it is white (A4 at 72 dpi: 595 px wide, margin 42 px;
# the rule under the head and the tables end at 553).
margin_ink() {
	rm -f "$WORK"/m-*.pgm
	pdftoppm -r 72 -gray "$1" "$WORK/m" 2>/dev/null
	python3 - "$WORK"/m-*.pgm <<'PY'
import sys
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    # P5 header: magic, width, height, maxval, then the bytes.
    parts, pos = [], 0
    while len(parts) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        parts.append(data[start:pos])
    w, h = int(parts[1]), int(parts[2])
    px = data[pos + 1:]
    x0 = w * 558 // 595  # 5 pt right of the margin
    for y in range(h):
        row = px[y * w:(y + 1) * w]
        dark = [x for x in range(x0, w) if row[x] < 200]
        if dark:
            print("%s: row %d, columns %d-%d" % (path.rsplit('/', 1)[1],
                                                 y, dark[0], dark[-1]))
            break
PY
}

# render NAME ARGS...: `cardtally ARGS --format pdf --output WORK/NAME.pdf`
# in Japanese; checks the exit, that a PDF came out and its margin.
render() {
	local name=$1
	shift
	# Through env: bash would warn that it has no such locale itself;
	# the program takes the language from the variable all the same.
	env LC_ALL=ja_JP.UTF-8 "$CT" "$@" --format pdf \
		--output "$WORK/$name.pdf" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	is "$RC" 0 "$name: --format pdf exits 0"
	is "$(head -c 5 "$WORK/$name.pdf" 2>/dev/null)" "%PDF-" \
		"$name: a PDF was written"
	is "$(margin_ink "$WORK/$name.pdf")" "" \
		"$name: nothing drawn in the right margin"
	TEXT=$(pdf_text "$WORK/$name.pdf")
	like "$TEXT" "$WARD" "$name: the ward's name from ward_name"
	like "$TEXT" "担当" "$name: the stamp boxes (担当)"
	like "$TEXT" "確認" "$name: the stamp boxes (確認)"
	like "$TEXT" "責任職" "$name: the stamp boxes (責任職)"
	N=$(pages "$WORK/$name.pdf")
	# pdftotext writes "1 / 2", or "1/2" when it lays the text out.
	like "$TEXT" "(^|[^0-9])1 ?/ ?$N([^0-9]|\$)" \
		"$name: page numbers n / N ($N pages)"
}

render book report record-book --month 2026-03
like "$TEXT" "棚卸し記録簿" "book: the Japanese title"
ok "$([ "$N" -ge 2 ]; echo $?)" "book: 80 discrepancies run over pages ($N)"
like "$TEXT" "(^|[^0-9])$N ?/ ?$N([^0-9]|\$)" \
	"book: the last page numbered $N / $N"
like "$(pdf_text "$WORK/book.pdf" 2)" "管理番号" \
	"book: the table's heading row again on page 2"
like "$TEXT" "合計" "book: totals"
# The count's total: 90 expected, 10 read; the discrepancies' total 80.
like "$(pdftotext -layout "$WORK/book.pdf" - | grep 合計)" \
	"合計 +90 +10 +80" \
	"book: the counts' total row (expected 90, read 10, 80 discrepancies)"
like "$(printf '%s' "$TEXT" | tr -d ' \n')" "上段トレイ" \
	"book: the long range's path is there whole, wrapped, not cut"
like "$TEXT" "過去12か月の推移" "book: the 12-month trend"
like "$TEXT" "保管枚数" "book: the chart of cards held"
like "$TEXT" "棚卸し率" "book: the chart of the share counted"
like "$TEXT" "26-03" "book: the chart's month labels"
like "$TEXT" "佐藤 花子" "book: the counter's Japanese name"

render daily report daily --date 2026-03-02
like "$TEXT" "日報" "daily: the Japanese title"
like "$TEXT" "朝の持出し" "daily: the safe's opening with its purpose"
DAILY_PDF=$TEXT

render incident report incident --count 1
like "$TEXT" "事故報告書" "incident: the Japanese title"
like "$TEXT" "A015" "incident: a missing card"
ok "$([ "$N" -ge 2 ]; echo $?)" "incident: 80 cards over several pages ($N)"

render disposal dispose list --batch D1
like "$TEXT" "廃棄簿" "disposal: the Japanese title"
like "$TEXT" "D101" "disposal: the batch's card"
like "$TEXT" "1 単位、2 枚" "disposal: the totals (1 batch, 2 cards)"
render disposal_month dispose list --month 2026-03
like "$TEXT" "D1" "disposal by month: the month's batch"

render tally tally list
like "$TEXT" "窓口照合" "tally: the Japanese title"

render keylog key log
like "$TEXT" "金庫の鍵の記録" "key log: the Japanese title"
like "$TEXT" "朝の持出し" "key log: the opening's purpose"

# English when the language is English.
LC_ALL=C.UTF-8 ct report record-book --month 2026-03 --format pdf \
	--output "$WORK/book_en.pdf"
is "$RC" 0 "book in English: exit 0"
TEXT=$(pdf_text "$WORK/book_en.pdf")
like "$TEXT" "Record book of counts" "English: the title"
like "$TEXT" "prepared" "English: the stamp boxes' labels"
like "$TEXT" "佐藤 花子" "English: Japanese names still drawn"

# To stdout when it is not a terminal; refused on a terminal.
"$CT" tally list --format pdf >"$WORK/stdout.pdf" 2>/dev/null
is "$(head -c 5 "$WORK/stdout.pdf")" "%PDF-" "pdf to stdout (not a terminal)"
if command -v script >/dev/null 2>&1; then
	out=$(CARDTALLY_DB=$CARDTALLY_DB script -qec \
		"$CT tally list --format pdf" /dev/null 2>&1)
	like "$out" "not for the terminal" "pdf to a terminal: refused"
else
	skip "script(1) is not installed: no terminal to refuse"
fi
ct report daily --format pdf --json --output "$WORK/x.pdf"
is "$RC" 2 "--format pdf with --json: exit 2"
ct report daily --output "$WORK/x.pdf"
is "$RC" 2 "--output without --format pdf: exit 2"
ct report daily --format html
is "$RC" 2 "an unknown format: exit 2"
ok "$([ ! -e "$WORK/x.pdf" ]; echo $?)" "refusals write no file"

# A bad ward_name or printer is named with its line.
printf 'printer = two words\n' >"$WORK/bad.conf"
CARDTALLY_CONF="$WORK/bad.conf" ct report daily
is "$RC" 65 "printer with a blank: exit 65"
like "$ERR" "bad.conf:1: printer" "printer refused with file and line"

# ---- the anchor's check code: paper, text and audit verify agree -------------
ct report daily --date 2026-03-02
CODE=$(printf '%s\n' "$OUT" | sed -n 's/.*check code \([0-9a-f]\{4\}-[0-9a-f]\{4\}\).*/\1/p')
ANCHOR=$(printf '%s\n' "$OUT" | sed -n 's/.*--anchor \([0-9a-f]*\).*/\1/p')
ROWS=$(printf '%s\n' "$OUT" | sed -n 's/.*--expect-rows \([0-9]*\).*/\1/p')
like "$CODE" "^[0-9a-f]{4}-[0-9a-f]{4}$" "text daily report: a check code"
is "$CODE" "${ANCHOR:0:4}-${ANCHOR:4:4}" "check code: the anchor's first 8 hex digits, 4-4"
like "$DAILY_PDF" "$CODE" "the PDF daily report: the same check code"
like "$DAILY_PDF" "$ANCHOR" "the PDF daily report: the anchor itself"
ct audit verify --anchor "$ANCHOR" --expect-rows "$ROWS"
like "$OUT" "check code $CODE" "audit verify: the same check code for the anchor"

# ---- CSV: cells Excel would run as formulas get a quote ----------------------
ct report record-book --month 2026-03 --format csv
CSV=$OUT
like "$CSV" "\"'=HYPERLINK\(\"\"http://x\"\"\)\"" "csv: a cell starting with = is escaped"
like "$CSV" ",'\+1\+1" "csv: a cell starting with + is escaped"
like "$CSV" ",'-2\+3" "csv: a cell starting with - is escaped"
like "$CSV" ",'@SUM\(A1\)" "csv: a cell starting with @ is escaped"
like "$CSV" ",'${TAB}=1\+2" "csv: a cell starting with a TAB is escaped"
ok "$(printf '%s\n' "$CSV" | grep -Eq ",\"?(=|\+|-|@|$TAB)"; [ $? -ne 0 ]; echo $?)" \
	"csv: no cell starts with = + - @ or a TAB unescaped"
ct report record-book --month 2026-03 --format csv --encoding cp932
like "$(printf '%s' "$OUT" | iconv -f CP932 -t UTF-8)" ",'@SUM\(A1\)" \
	"csv in CP932: escaped as well"

done_testing
