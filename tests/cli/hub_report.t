#!/usr/bin/env bash
# The city-wide report (issue 16, `hub report`) against a real PostgreSQL
# (pg.sh): three wards with ledgers of their own count, lose, dispose of
# and fail to count cards, sync to one hub, and the report of March says
# per ward and for the city what the central office must see: W01 counted
# (a missing card declared lost), W02 late (its count still open with a
# misplaced card, a card disposed), W03 not counted (only February); the
# numbers in text, JSON, CSV and the PDF, --ward narrowing, silent wards,
# and the exit status.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"

export TZ=Asia/Tokyo
export CARDTALLY_CONF="$WORK/none.conf"
FEB=1769907600   # 2026-02-01T10:00:00+09:00
MAR=1772413200   # 2026-03-02T10:00:00+09:00
SYNC=1774918800  # 2026-03-31T10:00:00+09:00
APR=1775091600   # 2026-04-02T10:00:00+09:00
PIN_M01=$(pin_file M01 1111)

scan_at() { # TIME CODE PIN SESSION RANGE CARD...
	local t=$1 code=$2 pin=$3 sid=$4 range=$5
	shift 5
	printf 'card %s\n' "$@" >"$WORK/s.sim"
	CARDTALLY_NOW=$t as "$code" "$pin" scan --session "$sid" \
		--range "$range" --reader "sim:$WORK/s.sim" --json
}

# A ward's ledger: five cards in T01, one in T02; L105's applicant moved.
ward_ledger() { # WARD
	export CARDTALLY_DB="$WORK/$1.db"
	export CARDTALLY_NOW=$FEB
	new_ledger || { echo "Bail out! cannot create $1's ledger"; exit 1; }
	cat >"$WORK/stock.csv" <<'EOT'
mgmt_id,serial,location,received,status
L101,04B101,SAFE1/T01,2026-01-05,stored
L102,04B102,SAFE1/T01,2026-01-05,stored
L103,04B103,SAFE1/T01,2026-01-05,stored
L104,04B104,SAFE1/T01,2026-01-05,stored
L105,04B105,SAFE1/T01,2026-01-05,moved
L201,04B201,SAFE1/T02,2026-01-05,stored
EOT
	as M01 1111 import "$WORK/stock.csv"
	is "$RC" 0 "$1: the stock list imports"
	# February: count 1, everything there.
	as M01 1111 count start --kind partial --ranges SAFE1/T01 \
		--assign SAFE1/T01=S02
	scan_at $((FEB + 60)) S02 2222 1 SAFE1/T01 04B101 04B102 04B103 \
		04B104 04B105
	CARDTALLY_NOW=$((FEB + 120)) as S02 2222 count close 1
	is "$RC" 0 "$1: February's count closes"
}

ct hub migrate --hub "$HUB"
is "$RC" 0 "the hub is made"

enrol_sync() { # WARD
	ct sync key
	ct hub enrol "$1" "$OUT" --name "$1 ward" --hub "$HUB"
	is "$RC" 0 "$1 is enrolled"
	CARDTALLY_NOW=$SYNC ct sync --hub "$HUB" --ward "$1"
	is "$RC" 0 "$1 syncs"
}

# ---- W01: March's count misses L104, declared lost, closed ------------------

ward_ledger W01
export CARDTALLY_NOW=$MAR
as M01 1111 count start --kind partial --ranges SAFE1/T01 --assign SAFE1/T01=S03
scan_at $((MAR + 60)) S03 3333 2 SAFE1/T01 04B101 04B102 04B103 04B105
CARDTALLY_NOW=$((MAR + 600)) as M01 1111 count resolve 2 --card L104 \
	--reason lost --note "not in the tray"
is "$RC" 0 "W01: L104 declared lost"
CARDTALLY_NOW=$((MAR + 700)) ct count close 2 --as S03 --pin-fd 3 \
	--witness M01 --witness-pin-fd 4 3<<<3333 4<"$PIN_M01"
is "$RC" 0 "W01: March's count closes with a witness"
enrol_sync W01

# ---- W02: L105 disposed; March's count open with a misplaced card ---------

ward_ledger W02
export CARDTALLY_NOW=$((FEB + 7 * 86400))
as S02 2222 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$OUT" D1 "W02: a disposal starts"
printf 'card 04B105\n' >"$WORK/d.sim"
as P04 4444 scan --session D1 --reader "sim:$WORK/d.sim" --json
export CARDTALLY_NOW=$((FEB + 7 * 86400 + 600))
as S02 2222 dispose close D1 --method contractor --certificate C-1 \
	--witness M01 --witness-pin-fd 4 4<"$PIN_M01" --json
is "$OUT" '{"disposal":"D1","closed":true,"cards":1}' \
	"W02: L105 disposed (in February)"
export CARDTALLY_NOW=$((MAR + 3600))
as S02 2222 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 0 "W02: a second disposal starts"
export CARDTALLY_NOW=$MAR
as M01 1111 count start --kind partial --ranges SAFE1/T01 --assign SAFE1/T01=S03
scan_at $((MAR + 60)) S03 3333 2 SAFE1/T01 04B101 04B102 04B201
is "$(sqlq "SELECT count(*) FROM audit WHERE action = 'scan' AND
	detail LIKE '%why=misplaced%'")" 1 "W02: L201 read in T01: misplaced"
enrol_sync W02

# ---- W03: counted in February only ---------------------------------------------

ward_ledger W03
enrol_sync W03

# ---- the report of March, in April ----------------------------------------------

export CARDTALLY_NOW=$APR
ct hub report --hub "$HUB" --month 2026-03 --json
is "$RC" 1 "every ward needs attention: exit 1"
J=$OUT
is "$(pyjson '[[w["ward"], w["status"], w["counts"], w["closed"]] for w in d["wards"]]' <<<"$J")" \
	'[["W01","counted",1,1],["W02","late",1,0],["W03","not_counted",0,0]]' \
	"March: W01 counted, W02 late (its count open), W03 not counted"
is "$(pyjson '[[w["discrepancies_resolved"], w["open_counts"], w["open_discrepancies"], w["lost"], w["lost_this_month"], w["disposed"]] for w in d["wards"]]' <<<"$J")" \
	'[[1,0,0,1,1,0],[0,1,1,0,0,0],[0,0,0,0,0,0]]' \
	"per ward: resolved, open counts and discrepancies, lost, disposed"
is "$(pyjson '[w["finding"] for w in d["wards"]]' <<<"$J")" '[true,true,true]' \
	"each has a finding: a card lost, an open discrepancy, no count"
is "$(pyjson '[d["city"][k] for k in ("wards","counted","late","not_counted","counting","open_discrepancies","lost","lost_this_month","disposed","silent","findings")]' <<<"$J")" \
	'[3,1,1,1,0,1,1,1,0,0,3]' "the city's totals"
is "$(pyjson '[d["month"], d["silent"], d["wards"][0]["batches"] > 0]' <<<"$J")" \
	'["2026-03",0,true]' "the month, nobody silent, the batches still there"

ct hub report --hub "$HUB" --month 2026-02 --json
is "$(pyjson '[[w["ward"], w["status"], w["disposed"]] for w in d["wards"]]' <<<"$OUT")" \
	'[["W01","counted",0],["W02","counted",1],["W03","counted",0]]' \
	"February: all counted, W02's card disposed then"
is "$RC" 1 "February: W02's count still open with a discrepancy: exit 1"

ct hub report --hub "$HUB" --month 2026-03
is "$RC" 1 "text: exit 1"
like "$OUT" "^W01 \\(W01 ward\\): [0-9]+ batches, audit entries 1-[0-9]+," \
	"text: W01's batches"
like "$OUT" "record book: late; counts begun 1, closed 0" "text: W02 late"
like "$OUT" "open counts 1 with 1 open discrepancies; lost cards 0" \
	"text: W02's open discrepancy"
like "$OUT" "^City: 3 wards; counted 1, late 1, not counted 1, counting 0$" \
	"text: the city"
like "$OUT" "0 wards silent for more than 7 days; 3 wards need attention" \
	"text: who needs attention"

ct hub report --hub "$HUB" --month 2026-03 --ward W03 --json
is "$(pyjson '[[w["ward"] for w in d["wards"]], d["city"]["wards"], d["city"]["not_counted"]]' <<<"$OUT")" \
	'[["W03"],1,1]' "--ward W03: that ward alone"
ct hub report --hub "$HUB" --ward W09
is "$RC" 65 "--ward of a ward not enrolled: 65"
like "$ERR" "ward W09 is not enrolled at the hub" "it says so"
ct hub report --hub "$HUB" --month 2026-13
is "$RC" 65 "--month 2026-13: 65"
ct hub report --hub "$HUB" --format xml
is "$RC" 2 "--format xml: usage"

# Counting: March seen from March itself.
CARDTALLY_NOW=$((SYNC + 60)) ct hub report --hub "$HUB" --json
is "$(pyjson '[d["month"], [w["status"] for w in d["wards"]]]' <<<"$OUT")" \
	'["2026-03",["counted","counting","not_counted"]]' \
	"within March (the default month): W02 still counting"

# Silent: a ward's last sync is the hub's time of it (today's), whatever
# the ward's clock said (31 March); two days on, with --silent-days 1.
CARDTALLY_NOW=$(($(date +%s) + 2 * 86400)) ct hub report --hub "$HUB" \
	--month 2026-03 --silent-days 1 --json
is "$(pyjson '[d["silent"], d["city"]["silent"]]' <<<"$OUT")" '[3,3]' \
	"--silent-days 1 two days after the syncs: all three silent"

# ---- CSV ----------------------------------------------------------------------

ct hub report --hub "$HUB" --month 2026-03 --format csv
is "$RC" 1 "csv: exit 1"
CSV=$(printf '%s\n' "$OUT" | sed '1s/^\xef\xbb\xbf//' | tr -d '\r')
is "$(printf '%s\n' "$CSV" | head -1)" \
	"scope,month,ward,name,status,counts,closed,discrepancies_resolved,open_counts,open_discrepancies,lost,lost_this_month,disposed,last_sync,silent" \
	"csv: the stable header"
is "$(printf '%s\n' "$CSV" | sed -n '2,5p' | cut -d, -f1-13)" \
"ward,2026-03,W01,W01 ward,counted,1,1,1,0,0,1,1,0
ward,2026-03,W02,W02 ward,late,1,0,0,1,1,0,0,0
ward,2026-03,W03,W03 ward,not_counted,0,0,0,0,0,0,0,0
city,2026-03,,,,2,1,1,1,1,1,1,0" "csv: a row per ward and the city's"
is "$(printf '%s\n' "$CSV" | sed -n 2p | cut -d, -f14-)" \
	"$(TZ=Asia/Tokyo date -d "@$(psqlq "SELECT last_seen FROM ward
	WHERE code = 'W01'")" +%Y-%m-%dT%H:%M:%S+09:00),0" \
	"csv: the last sync (the hub's time) and silent"

# ---- PDF ----------------------------------------------------------------------

ct hub report --hub "$HUB" --month 2026-03 --format pdf --output "$WORK/city.pdf"
is "$RC" 1 "pdf: written, exit 1"
is "$(head -c 5 "$WORK/city.pdf")" "%PDF-" "pdf: a PDF"
TXT=$(pdftotext -layout "$WORK/city.pdf" - 2>/dev/null)
like "$TXT" "City-wide record books" "pdf: its title"
like "$TXT" "2026-03" "pdf: the month"
like "$TXT" "W01 ward +counted +1 +1 +0 +1 +1 +0" "pdf: W01's row"
like "$TXT" "W02 ward +late +1 +0 +1 +0 +0 +0" "pdf: W02's row"
like "$TXT" "W03 ward +not( counted)? +0 +0 +0 +0 +0 +0" "pdf: W03's row"
like "$TXT" "City +2 +1 +1 +1 +1 +0" "pdf: the city's totals"
like "$TXT" "counted 1, late 1, not counted 1, counting 0" "pdf: the summary"
ct hub report --hub "$HUB" --format pdf --json
is "$RC" 2 "pdf with --json: usage"
ct hub report --hub "$HUB" --output "$WORK/x.pdf"
is "$RC" 2 "--output without pdf: usage"

# ---- in Japanese -----------------------------------------------------------------

env -u LC_MESSAGES -u LANG -u LANGUAGE LC_ALL=ja_JP.UTF-8 "$CT" hub report \
	--hub "$HUB" --month 2026-03 >"$WORK/ja.out" 2>&1
like "$(cat "$WORK/ja.out")" "記録簿: 遅延" "text in Japanese: W02's record book late"

done_testing
