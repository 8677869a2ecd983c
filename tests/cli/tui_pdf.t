#!/usr/bin/env bash
# The report screen's paper (issue 15) in the real TUI, driven in tmux on a
# private socket at 80x24: each report that has a paper form (the daily
# report, the record book, the incident report) saved as PDF with `s`, in
# English into the configured report_dir and in Japanese into the working
# directory, each file read back with pdftotext (its title, the ward and a
# number the screen showed); printing with `p` through a fake lp placed
# first in PATH (a script recording its arguments: the printer and the
# file), lp failing (its exit and its first error line said, its output
# kept off the screen), no lp at all (printing not installed, the file
# saved), and a report_dir that is no directory (said, nothing written).
# Every step waits for the screen it expects; nothing sleeps a fixed time.
. "$(dirname "$0")/lib.sh"

for t in tmux pdftotext; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "1..0 # SKIP $t is not installed"
		exit 0
	fi
done

# A fixed clock: 2026-03-02 10:00 in Tokyo; the reports at 10:05.
export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
WARD="千代田区役所 市民課"
export CARDTALLY_CONF="$WORK/tui.conf"
# A trailing slash: the screen names the directory without it.
printf 'ward_name = %s\nreport_dir = %s/reports/\nprinter = office-a4\n' \
	"$WARD" "$WORK" >"$CARDTALLY_CONF"
mkdir "$WORK/reports" "$WORK/cwd"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
cat >"$WORK/stock.csv" <<'CSV'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A102,04A102,SAFE1/T01,2025-06-01,,
A103,04A103,SAFE1/T01,2025-06-01,,
CSV
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$OUT" 1 "count 1 opened"
printf 'card 04A101\nremove\ncard 04A102\nremove\n' >"$WORK/s.sim"
CARDTALLY_NOW=$((CARDTALLY_NOW + 30)) as S02 2222 scan --session 1 \
	--range SAFE1/T01 --reader "sim:$WORK/s.sim"
is "$RC" 0 "count 1 scanned: A103 not read"
CARDTALLY_NOW=$((CARDTALLY_NOW + 60)) as M01 1111 count resolve 1 \
	--card A103 --reason lost
is "$RC" 0 "A103 resolved lost"
CARDTALLY_NOW=$((CARDTALLY_NOW + 60)) with_witness S02 2222 M01 1111 \
	count close 1
is "$RC" 0 "count 1 closed with a witness"
export CARDTALLY_NOW=$((CARDTALLY_NOW + 300))
STAMP=2026-03-02-1005

# A fake lp, first in PATH: it records its arguments; with lp.fail present
# it fails as CUPS's lp does for an unknown printer, saying something on
# its output too (which must not reach the screen).
mkdir "$WORK/bin"
cat >"$WORK/bin/lp" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$WORK/lp.args"
echo "request id is office-a4-1 (1 file(s))"
if [ -e "$WORK/lp.fail" ]; then
	echo "lp: The printer or class does not exist." >&2
	echo "lp: a second line" >&2
	exit 1
fi
exit 0
EOF
chmod +x "$WORK/bin/lp"

. "$(dirname "$0")/tmux.sh"

# pdf_has FILE TEXT NAME: the PDF's text (pdftotext, blanks squeezed)
# holds TEXT (an extended regular expression).
pdf_has() {
	local text
	text=$(pdftotext "$1" - 2>/dev/null | tr -s ' \n' '  ')
	printf '%s' "$text" | grep -qE -- "$2"
	ok $? "$3"
}

# saved SESSION FILE NAME: the screen says FILE was saved, and it is a PDF.
saved() {
	wait_for "$1" "$(basename "$2")"
	ok $? "$3: the screen names $(basename "$2")"
	[ -s "$2" ] && [ "$(head -c 5 "$2")" = "%PDF-" ]
	ok $? "$3: a whole PDF is there"
}

# ---- English, into report_dir --------------------------------------------------

tui en LANG=C.UTF-8 PATH="$WORK/bin:$PATH" --
see en "Staff code" "login screen"
login en M01 1111
keys en a
see en "Choose a report" "the reports"
keys en 1
see en "expected 3, read 2, in place 2" "the daily report's count on screen"
see en "PDF files go to" "the screen says where the PDFs go"
screen en | grep -qx -- "  $WORK/reports"
ok $? "the directory on a line of its own, without its trailing slash"
see en "s save as PDF   p print   q back" "and the keys"
narrow en "the daily report with its paper keys fits 80 columns"
keys en s
F="$WORK/reports/daily-report_$STAMP.pdf"
saved en "$F" "the daily report saved"
see en "Saved daily-report_$STAMP.pdf" "the message line says its name"
see en "  $F" "the line above the keys its full path"
pdf_has "$F" "^Daily report $WARD" "its title and the ward"
pdf_has "$F" " 3 2 2 1 0 0 " "the count's expected, read, in place, missing"
# The anchor the screen shows to sign, on paper as its entry and check code.
keys en End
see en "--anchor " "End: the day's anchor on screen"
ROWS=$(screen en | sed -n 's/^ *--expect-rows \([0-9]*\).*/\1/p')
HEX=$(screen en | sed -n 's/^ *--anchor \([0-9a-f]*\).*/\1/p')
CODE="${HEX:0:4}-${HEX:4:4}"
pdf_has "$F" "entry $ROWS, check code $CODE" \
	"the anchor's entry ($ROWS) and check code ($CODE) on paper"
ls -A "$WORK/reports" | grep -q '^\.'
ok $((!$?)) "no temporary file left in the directory"

keys en p
see en "Sent to the printer office-a4" "printed"
is "$(tr '\n' ' ' <"$WORK/lp.args" 2>/dev/null)" "-d office-a4 $F " \
	"lp -d office-a4 FILE, the file saved"
gone en "request id" "lp's output is not on the screen"

touch "$WORK/lp.fail"
keys en p
see en "Printing failed (lp exit 1): lp: The printer or class does not exist." \
	"lp failing: its exit and its first error line"
gone en "a second line" "only the first line"
rm -f "$WORK/lp.fail"
keys en q

keys en 2
see en "Month (YYYY-MM): 2026-03" "the record book asks the month"
keys en Enter
see en "Record book 2026-03: 1 count begun this month" "the record book"
keys en s
F="$WORK/reports/record-book_2026-03_$STAMP.pdf"
saved en "$F" "the record book saved"
pdf_has "$F" "^Record book of counts $WARD 2026-03 " "its title, ward and month"
pdf_has "$F" "1 missing A103 04A103 SAFE1/T01 lost M01" \
	"count 1's discrepancy and its resolution"
keys en q

keys en 3
typed en 1
see en "Incident report, count 1 (partial)" "the incident report"
see en "A103  serial 04A103" "A103 in it"
keys en s
F="$WORK/reports/incident_count-1_$STAMP.pdf"
saved en "$F" "the incident report saved"
pdf_has "$F" "^Incident report $WARD count 1 \(partial\)" \
	"its title, the ward, the count"
pdf_has "$F" "1 cards missing" "the number of cards missing"
pdf_has "$F" "A103 serial 04A103 home SAFE1/T01" "A103 with its serial"
keys en q

keys en 4
typed en 1
see en "Reconciliation of a count 1" "the reconciliation"
see en "No paper form of this report" "has no paper form, said"
gone en "s save as PDF" "and no paper keys"
keys en q
keys en F10
see en "Logged out" "logged out"
tm kill-session -t en

# ---- Japanese, into the working directory, lp's default printer -------------

printf 'ward_name = %s\n' "$WARD" >"$WORK/ja.conf"
(
	cd "$WORK/cwd" || exit 1
	tui ja LANG=ja_JP.UTF-8 PATH="$WORK/bin:$PATH" \
		CARDTALLY_CONF="$WORK/ja.conf" --
)
see ja "職員コード" "Japanese login"
login ja M01 1111
keys ja a
keys ja 1
see ja "cardtally 日報 2026-03-02" "the daily report in Japanese"
see ja "予定 3、読取り 2、所定の場所 2" "its count"
see ja "$WORK/cwd" "the working directory named"
narrow ja "the Japanese daily report with its paper keys fits 80 columns"
keys ja s
F="$WORK/cwd/daily-report_$STAMP.pdf"
saved ja "$F" "the Japanese daily report saved"
pdf_has "$F" "^日報 $WARD" "its Japanese title and the ward"
pdf_has "$F" "合計 3 2 2 1 0 0 " "the count's numbers"
keys ja p
see ja "既定のプリンターに送りました" "printed to lp's default, said in Japanese"
is "$(tr '\n' ' ' <"$WORK/lp.args" 2>/dev/null)" "$F " \
	"lp FILE: no -d without a printer configured"
keys ja q
keys ja 2
keys ja Enter
see ja "記録簿 2026-03: 今月開始の棚卸し 1 件" "the record book in Japanese"
keys ja s
F="$WORK/cwd/record-book_2026-03_$STAMP.pdf"
saved ja "$F" "the Japanese record book saved"
pdf_has "$F" "^棚卸し記録簿 $WARD 2026-03 " "its Japanese title and month"
pdf_has "$F" "A103 04A103 SAFE1/T01" "count 1's discrepancy"
keys ja q
keys ja 3
typed ja 1
see ja "事故報告、棚卸し 1（" "the incident report in Japanese"
keys ja s
F="$WORK/cwd/incident_count-1_$STAMP.pdf"
saved ja "$F" "the Japanese incident report saved"
pdf_has "$F" "^事故報告書 $WARD" "its Japanese title"
pdf_has "$F" "A103 .*04A103" "A103 with its serial"
keys ja F10
tm kill-session -t ja

# ---- no lp; a report_dir that is no directory ---------------------------------

# A PATH with what the pane's shell needs and no lp.
mkdir "$WORK/nolp"
for t in sh sleep; do ln -s "$(command -v "$t")" "$WORK/nolp/$t"; done
tui nolp LANG=C.UTF-8 PATH="$WORK/nolp" --
see nolp "Staff code" "login screen without lp in PATH"
login nolp M01 1111
keys nolp a
keys nolp 1
see nolp "cardtally daily report" "the daily report"
rm -f "$WORK/reports"/*
keys nolp p
see nolp "Printing is not installed (no lp)" "printing is not installed, said"
F="$WORK/reports/daily-report_$STAMP.pdf"
saved nolp "$F" "the file is saved all the same"
tm kill-session -t nolp

touch "$WORK/notadir"
printf 'report_dir = %s/notadir\n' "$WORK" >"$WORK/bad.conf"
tui bad LANG=C.UTF-8 CARDTALLY_CONF="$WORK/bad.conf" --
see bad "Staff code" "login screen"
login bad M01 1111
keys bad a
keys bad 1
see bad "cardtally daily report" "the daily report"
keys bad s
see bad "Cannot save the PDF: there is no directory $WORK/notadir" \
	"a report_dir that is a file: said"
is "$(ls -A "$WORK" | grep -c 'daily-report')" 0 "nothing written"
tm kill-session -t bad

# A program without its drawing part (cardtally-pdf.so, beside it or
# installed): the report is on the screen as ever; saving it says what is
# missing, and writes nothing.
mkdir "$WORK/bare"
cp "$CT" "$WORK/bare/cardtally"
rm -f "$WORK/reports"/*
CT=$WORK/bare/cardtally tui nopart LANG=C.UTF-8 --
see nopart "Staff code" "no drawing part: login screen"
login nopart M01 1111
keys nopart a
keys nopart 1
see nopart "expected 3, read 2, in place 2" "the daily report on screen"
keys nopart s
see nopart "Cannot save the PDF: cardtally-pdf.so is not installed (looked in" \
	"s: says the drawing part is missing"
is "$(ls -A "$WORK/reports")" "" "nothing written"
tm kill-session -t nopart

printf 'report_dir = reports\n' >"$WORK/rel.conf"
tui rel LANG=C.UTF-8 CARDTALLY_CONF="$WORK/rel.conf" --
see rel "report_dir: an absolute direct" "a relative report_dir is refused"
see rel "tui exited: 65" "with exit 65"
tm kill-session -t rel

done_testing
