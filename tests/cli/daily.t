#!/usr/bin/env bash
# End-to-end tests of one office day and the evening's `report daily`: the
# safe opened with approval for the morning's checkout, a checkout and a
# count made while the safe is recorded closed (flagged, never refused, a
# warning on stderr; issuing at the window and the tally's reads are not
# flagged), the 17:00 tally with two cards still out, a disposal, a
# near-miss and a locked account; then the report in text (80 columns) and
# JSON, `key log` and `status` showing the same flags, and the day's audit
# anchor checked by `audit verify --anchor --expect-rows` before and after
# the file is rewritten.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_CONF="$WORK/none.conf"
# 2026-03-02 00:00 in Tokyo; at HH MM: that day's time.
DAY0=1772377200
at() { echo $((DAY0 + 10#$1 * 3600 + 10#$2 * 60)); }
export CARDTALLY_NOW=$(at 08 00)

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }

sim() { # sim NAME SERIAL...: a reader script, its path printed
	local f="$WORK/$1.sim"
	shift
	printf 'card %s\nremove\n' "$@" >"$f"
	echo "$f"
}

cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,status
A101,04A101,SAFE1/T01,2025-06-01,
A102,04A102,SAFE1/T01,2025-06-01,
A103,04A103,SAFE1/T01,2025-06-01,
A104,04A104,SAFE1/T01,2025-06-01,
B201,04B201,SAFE1/T02,2025-06-01,
B202,04B202,SAFE1/T02,2025-06-01,
D301,04D301,SAFE1/T03,2025-06-01,moved
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"
as M01 1111 asset add TERM1 --name "Window terminal" --tag 0A7E01 \
	--location SAFE1/SHELF
as M01 1111 key holder add S02 --order 1
is "$RC" 0 "prepared: a terminal and a key holder"

# ---- the day -------------------------------------------------------------------

# 09:00 the safe is opened with the key holder's approval for the
# morning's checkout: nothing is flagged.
CARDTALLY_NOW=$(at 09 00) with_witness S03 3333 S02 2222 key open \
	--purpose "pull today's reserved cards"
is "$RC" 0 "09:00 safe opened by S03, approved by S02"
CARDTALLY_NOW=$(at 09 05) as S03 3333 checkout A101 A102 A103 TERM1 --json
is "$RC" 0 "09:05 checkout with the safe open: exit 0"
is "$ERR" "4 checked out by S03" "checkout with the safe open: no warning"
is "$(pyjson '[o["safe_closed"] for o in d]' <<<"[${OUT//$'\n'/,}]")" \
	"[false,false,false,false]" "checkout --json: not flagged"
CARDTALLY_NOW=$(at 09 10) as S03 3333 key close
is "$RC" 0 "09:10 safe closed"

# 09:30 one more card, with the safe recorded closed: taken, flagged.
CARDTALLY_NOW=$(at 09 30) as S02 2222 checkout A104 --json
is "$RC" 0 "09:30 checkout with the safe closed: not refused (exit 0)"
like "$ERR" "^warning: the safe is recorded closed: 1 checked out" \
	"checkout with the safe closed: a warning on stderr"
is "$(pyjson 'd["safe_closed"]' <<<"$OUT")" true \
	"checkout --json: flagged"
is "$(sqlq "select safe_closed from custody_event order by id desc limit 1")" \
	1 "the flag is on the custody event"

# 10:00 at the window, with the safe closed: issuing is not flagged.
CARDTALLY_NOW=$(at 10 00) as S02 2222 issue A101
is "$RC" 0 "10:00 issue at the window"
is "$ERR" "1 issued by S02" "issue with the safe closed: no warning"

# 11:00 a count with the safe open, then 12:00 one with it closed.
CARDTALLY_NOW=$(at 11 00) with_witness S02 2222 M01 1111 key open \
	--purpose "count of T02"
CARDTALLY_NOW=$(at 11 00) as S02 2222 count start --kind partial \
	--ranges SAFE1/T02
C1=$OUT
CARDTALLY_NOW=$(at 11 05) as S02 2222 scan --session "$C1" \
	--range SAFE1/T02 --reader "sim:$(sim t02 04B201 04B202)"
is "$RC" 0 "11:05 count with the safe open: exit 0"
unlike_warning=$(grep -c '^warning' <<<"$ERR")
is "$unlike_warning" 0 "count with the safe open: no warning"
CARDTALLY_NOW=$(at 11 10) as S02 2222 count close "$C1"
is "$RC" 0 "11:10 count closed"
CARDTALLY_NOW=$(at 11 20) as S02 2222 key close
CARDTALLY_NOW=$(at 12 00) as S03 3333 count start --kind partial \
	--ranges SAFE1/T02
C2=$OUT
CARDTALLY_NOW=$(at 12 05) as S03 3333 scan --session "$C2" \
	--range SAFE1/T02 --reader "sim:$(sim t02b 04B201)"
is "$RC" 0 "12:05 count with the safe closed: the read is taken (exit 0)"
like "$ERR" "^warning: the safe is recorded closed: reads are taken but flagged" \
	"count with the safe closed: warned at the first read"
like "$ERR" "warning: 1 read while the safe was recorded closed" \
	"count with the safe closed: counted at the end"
is "$(sqlq "select group_concat(safe_closed, ',') from scan order by id")" \
	"0,0,1" "the flag is on each read"

# 13:00 a near-miss; P04 locks their account with wrong PINs.
CARDTALLY_NOW=$(at 13 00) as P04 4444 note add --card A102 \
	--text "A102 was left on the counter for a minute while the terminal restarted"
for i in 1 2 3 4 5; do CARDTALLY_NOW=$(at 13 30) as P04 0000 note add --text x; done
is "$RC" 77 "13:30 P04 locked by five wrong PINs"

# 15:00 a disposal with the safe closed: the due card is flagged.
CARDTALLY_NOW=$(at 15 00) with_witness S02 2222 M01 1111 dispose start
is "$RC" 0 "15:00 disposal D1 started"
CARDTALLY_NOW=$(at 15 05) as S02 2222 scan --session D1 \
	--reader "sim:$(sim d1 04D301 04A102)"
is "$RC" 0 "15:05 disposal scan: exit 0"
like "$ERR" "warning: the safe is recorded closed" \
	"disposal scan with the safe closed: warned"
like "$ERR" "warning: 1 read while the safe was recorded closed" \
	"disposal scan: only the card taken in is flagged, not the refused one"
CARDTALLY_NOW=$(at 15 30) with_witness S02 2222 M01 1111 dispose close D1 \
	--method shred
is "$RC" 0 "15:30 disposal D1 closed"

# 17:00 the tally: A102 and the terminal come back at the window (not
# flagged: the window is not the safe); A103 and A104 do not.
CARDTALLY_NOW=$(at 17 00) as S03 3333 tally start
TALLY=$OUT
CARDTALLY_NOW=$(at 17 05) as P04 4444 scan --session "$TALLY" \
	--reader "sim:$(sim back 04A102 0A7E01)"
is "$RC" 77 "a locked part-timer cannot scan the tally"
CARDTALLY_NOW=$(at 17 05) as S03 3333 scan --session "$TALLY" \
	--reader "sim:$(sim back 04A102 0A7E01)"
is "$RC" 0 "17:05 tally reads: exit 0"
is "$(grep -c '^warning' <<<"$ERR")" 0 "tally reads with the safe closed: no warning"
CARDTALLY_NOW=$(at 17 10) with_witness S03 3333 S02 2222 key open \
	--purpose "put back what came back"
CARDTALLY_NOW=$(at 17 15) with_witness S03 3333 M01 1111 tally close \
	"$TALLY" --note "A103 and A104 went home with the proxy by mistake"
is "$RC" 0 "17:15 imbalanced tally closed with a witness and a note"
is "$(grep -c '^warning' <<<"$ERR")" 0 "the returns with the safe open: no warning"
CARDTALLY_NOW=$(at 17 50) as S03 3333 key close
like "$ERR" "flagged: open too long" "17:10-17:50: open too long (and late)"

# ---- key log and status show the flags ---------------------------------------

CARDTALLY_NOW=$(at 18 00) ct key log --json
is "$(pyjson '[[r["what"], r["item"], r.get("session"), r.get("disposal"),
	r["by"], r["n"]] for r in d["safe_closed"]]' <<<"$OUT")" \
	'[["checkout","A104",null,null,"S02",1],["count",null,'"$C2"',null,"S03",1],["disposal",null,null,"D1","S02",1]]' \
	"key log --json: every handling while the safe was recorded closed"
CARDTALLY_NOW=$(at 18 00) ct key log
like "$OUT" "^  2026-03-02 09:30  checkout A104 by S02$" \
	"key log: the flagged checkout"
like "$OUT" "^  2026-03-02 12:05  count $C2: 1 read by S03$" \
	"key log: the flagged count reads, per session and person"
CARDTALLY_NOW=$(at 18 00) ct status --json
is "$(pyjson 'len(d["safe_closed_today"])' <<<"$OUT")" 3 \
	"status --json: today's flagged handlings"
CARDTALLY_NOW=$((DAY0 + 86400 + 9 * 3600)) ct status --json
is "$(pyjson 'd["safe_closed_today"]' <<<"$OUT")" "[]" \
	"status the next day: yesterday's flags are the daily report's"

# ---- the report ---------------------------------------------------------------

CARDTALLY_NOW=$(at 18 30) ct report daily --json
is "$RC" 0 "report daily --json: exit 0"
J=$OUT
is "$(pyjson '[d["date"], d["from"], d["to"]]' <<<"$J")" \
	'["2026-03-02","2026-03-02T00:00:00+09:00","2026-03-03T00:00:00+09:00"]' \
	"the day, local midnight to midnight"
is "$(pyjson '[[c["session"], c["started_by"], c["expected"], c["ok"],
	c["missing"], c["discrepancies"]] for c in d["counts"]]' <<<"$J")" \
	"[[$C1,\"S02\",2,2,0,false],[$C2,\"S03\",2,1,1,true]]" \
	"counts: each with its results"
is "$(pyjson '[c["open_discrepancies"] for c in d["counts"]]' <<<"$J")" \
	"[false,true]" "counts: the open one's discrepancies are open"
is "$(pyjson '[[t["session"], t["expected"], t["returned"], t["issued"],
	t["missing"], t["balanced"], t["witness"], t["note"]]
	for t in d["tallies"]]' <<<"$J")" \
	"[[$TALLY,4,2,0,2,false,\"M01\",\"A103 and A104 went home with the proxy by mistake\"]]" \
	"tallies: not balanced, witnessed, with the note"
is "$(pyjson '[[o.get("mgmt_id"), o["checked_out_by"], o["for"]]
	for o in d["tallies"][0]["still_out"]]' <<<"$J")" \
	'[["A103","S03","2026-03-02"],["A104","S02","2026-03-02"]]' \
	"tallies: what is still out, and who took it"
is "$(pyjson '[[o["id"], o["opened_by"], o["approved_by"], o["flags"]]
	for o in d["key_openings"]]' <<<"$J")" \
	'[[1,"S03","S02",[]],[2,"S02","M01",[]],[3,"S03","S02",["long","off_hours"]]]' \
	"key openings with their flags"
is "$(pyjson '[d["key_flags"], len(d["safe_closed"])]' <<<"$J")" "[1,3]" \
	"flag counts: one opening, three handlings while closed"
is "$(pyjson '[[c["kind"], c["by"], c["n"]] for c in d["custody"]]' <<<"$J")" \
	'[["checkout","S02",1],["checkout","S03",4],["issue","S02",1],["return","S03",2]]' \
	"custody movements by kind and person"
is "$(pyjson '[[b["disposal"], b["method"], b["cards"], b["close_witness"]]
	for b in d["disposals"]]' <<<"$J")" '[["D1","shred",1,"M01"]]' \
	"disposals"
is "$(pyjson '[[n["by"], n["mgmt_id"]] for n in d["near_misses"]]' <<<"$J")" \
	'[["P04","A102"]]' "near-misses of the day"
is "$(pyjson 'd["locked_accounts"]' <<<"$J")" '["P04"]' "locked accounts"
N=$(sqlq "select max(id) from audit")
HEAD=$(sqlq "select lower(hex(hash)) from audit where id = $N")
is "$(pyjson '[d["audit"]["intact"], d["audit"]["anchor_entry"],
	d["audit"]["anchor"]]' <<<"$J")" "[true,$N,\"$HEAD\"]" \
	"audit: intact, and the anchor is the head of the day"

CARDTALLY_NOW=$(at 18 30) ct report daily
is "$RC" 0 "report daily (text): exit 0"
TEXT=$OUT
is "$(python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(max(w(l) for l in sys.stdin.read().splitlines()))' <<<"$TEXT" |
	awk '{print ($1 <= 80) ? "fits" : "too wide: " $1}')" fits \
	"text: every line fits in 80 columns"
for h in COUNTS "WINDOW TALLIES" "SAFE OPENINGS" \
	"HANDLED WHILE THE SAFE WAS RECORDED CLOSED" "CUSTODY MOVEMENTS" \
	DISPOSALS NEAR-MISSES "LOCKED ACCOUNTS" "AUDIT LOG"; do
	like "$TEXT" "^$h" "text: section $h"
done
like "$TEXT" "still out: card A103, checked out by S03 for 2026-03-02" \
	"text: what the tally is still missing"
like "$TEXT" "NOT BALANCED" "text: the tally is not balanced"
like "$TEXT" "in place 1: DISCREPANCIES$" "text: the open count's discrepancies"
like "$TEXT" "^  2026-03-02 09:30  checkout A104 by S02$" "text: the flagged checkout"
like "$TEXT" "^     A102 was left on the counter" "text: the near-miss's text"
like "$TEXT" "^    --expect-rows $N$" "text: the anchor's entry"
like "$TEXT" "^    --anchor $HEAD$" "text: the anchor's hash"
like "$TEXT" "^checked and signed \(manager\)" "text: a line to sign"

# The anchor as written down that evening holds while the log grows, and
# shows a rewrite of the day.
CARDTALLY_NOW=$((DAY0 + 86400 + 9 * 3600)) as M01 1111 note add --text "next day"
ct audit verify --anchor "$HEAD" --expect-rows "$N"
is "$RC" 0 "the next day: the evening's anchor still holds"
CARDTALLY_NOW=$((DAY0 + 86400 + 9 * 3600)) ct report daily --date 2026-03-02 --json
is "$(pyjson '[d["audit"]["anchor_entry"], d["audit"]["anchor"]]' <<<"$OUT")" \
	"[$N,\"$HEAD\"]" "printed again the next day: the same anchor"
CARDTALLY_NOW=$((DAY0 + 86400 + 9 * 3600)) ct report daily --json
is "$(pyjson '[d["date"], len(d["counts"]), len(d["tallies"]),
	len(d["key_openings"]), len(d["custody"]), len(d["near_misses"]),
	d["audit"]["anchor_entry"]]' <<<"$OUT")" "[\"2026-03-03\",0,0,0,0,1,$((N + 1))]" \
	"the next day: its own picture and the anchor at its end"
ct report daily --date 2026-03-01 --json
is "$(pyjson '[len(d["near_misses"]), d["audit"]["anchor_entry"]]' <<<"$OUT")" \
	"[0,null]" "a day before the ledger: nothing, and no anchor"

# ---- refusals and a broken chain -----------------------------------------------

before=$(ledger_state)
ct report daily --date 2026-02-30
is "$RC" 2 "--date not a real day: usage error"
like "$ERR" "--date takes YYYY-MM-DD" "bad --date: says what it takes"
CARDTALLY_NOW=$((DAY0 + 86400 + 9 * 3600)) ct report daily --date 2026-03-04
is "$RC" 65 "--date of a day to come: refused"
is "$ERR" "cardtally: the daily report of 2026-03-04 is made on that day or later, not on 2026-03-03" \
	"a day to come: says which days"
ct report daily tomorrow
is "$RC" 2 "an argument: usage error"
ct report daily --db "$WORK/none.db"
is "$RC" 66 "no ledger: exit 66 (no such ledger), naming init"
is "$(ledger_state)" "$before" "the report changes nothing"

sqlite3 "$CARDTALLY_DB" "DROP TRIGGER audit_no_update;
	UPDATE audit SET detail = 'x' WHERE id = 5"
CARDTALLY_NOW=$(at 18 30) ct report daily --json
is "$RC" 1 "a broken chain: the report exits 1"
is "$(pyjson '[d["audit"]["intact"], d["audit"]["problem"], d["audit"]["id"],
	d["audit"]["anchor"]]' <<<"$OUT")" '[false,"content_changed",5,null]' \
	"a broken chain: named, and no anchor is given"
CARDTALLY_NOW=$(at 18 30) ct report daily
like "$OUT" "^  BROKEN \(content_changed\):" "text: BROKEN, and why"

done_testing
