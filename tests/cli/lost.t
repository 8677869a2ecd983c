#!/usr/bin/env bash
# End-to-end tests of lost cards (R10, R23; issue 5): a manager's resolution
# `lost` sets the card's status to lost in the same transaction, so it leaves
# the expected stock of every later count and count-only check and is listed
# by `status`; the count that declared it keeps its discrepancy; nothing may
# move a lost card; a lost card read again in a count, a tally or a disposal
# is a loud alert (not_in_stock, status lost, since when and by which count);
# a manager resolves that as found_elsewhere (back in storage where it was
# read, with the status it had) or data_error (it stays lost).
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo
T0=1769907600 # 2026-02-01T10:00:00+09:00: count 1, everything there
T1=1772413200 # 2026-03-02T10:00:00+09:00: count 2, two cards missing
T2=1775091600 # 2026-04-02T10:00:00+09:00: later counts
# The clock only goes forward (audit verify reports an entry dated back):
# a step later in the day stays in force for what follows.
export CARDTALLY_NOW=$T0
iso() { TZ=Asia/Tokyo date -d "@$1" +%Y-%m-%dT%H:%M:%S+09:00; }

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
# L105's applicant moved away: it waits in the safe for disposal.  L300 was
# lost before this ledger existed: the stock list says so.
cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,status
L101,04B101,SAFE1/T01,2026-01-05,stored
L102,04B102,SAFE1/T01,2026-01-05,stored
L103,04B103,SAFE1/T01,2026-01-05,stored
L104,04B104,SAFE1/T01,2026-01-05,stored
L105,04B105,SAFE1/T01,2026-01-05,moved
L201,04B201,SAFE1/T02,2026-01-05,stored
L300,04B300,SAFE1/T03,2026-01-05,lost
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "a stock list with a lost card imports"
is "$(sqlq "select status from card where mgmt_id = 'L300'")" lost \
	"import: the status lost is kept"
ct dispose due --json
is "$(pyjson '[c["mgmt_id"] for c in d]' <<<"$OUT")" '["L105"]' \
	"due for disposal: L105 (moved); not L300 (lost)"

scan_at() { # TIME CODE PIN SESSION RANGE CARD...
	local t=$1 code=$2 pin=$3 sid=$4 range=$5
	shift 5
	printf 'card %s\n' "$@" >"$WORK/s.sim"
	CARDTALLY_NOW=$t as "$code" "$pin" scan --session "$sid" \
		--range "$range" --reader "sim:$WORK/s.sim" --json
}
witnessed_close() { # SESSION CLOSER PIN
	ct count close "$1" --as "$2" --pin-fd 3 --witness M01 \
		--witness-pin-fd 4 3<<<"$3" 4<<<1111
}

# ---- count 1: everything in T01 is there ------------------------------------
as M01 1111 count start --kind partial --ranges SAFE1/T01 --assign SAFE1/T01=S02
scan_at $T0 S02 2222 1 SAFE1/T01 04B101 04B102 04B103 04B104 04B105
as S02 2222 count close 1
is "$RC" 0 "count 1: nothing missing"

# ---- count 2: L104 and L105 are missing -------------------------------------
export CARDTALLY_NOW=$T1
as M01 1111 count start --kind partial --ranges SAFE1/T01 --assign SAFE1/T01=S03
scan_at $((T1 + 60)) S03 3333 2 SAFE1/T01 04B101 04B102 04B103
ct reconcile 2 --json
is "$(pyjson '(d["expected"],[m["mgmt_id"] for m in d["missing"]])' <<<"$OUT")" \
	'[5,["L104","L105"]]' "count 2: 5 expected, L104 and L105 missing"

before=$(sqlq "select count(*) from audit")
as S02 2222 count resolve 2 --card L104 --reason lost
is "$RC" 77 "staff declares a card lost: 77"
like "$ERR" "only a manager may resolve" "staff declares lost: names the rule"
is "$(sqlq "select status from card where mgmt_id = 'L104'")" stored \
	"refused: the card is still stored"
is "$(sqlq "select count(*) from audit")" "$before" "refused: nothing audited"

export CARDTALLY_NOW=$((T1 + 600))
as M01 1111 count resolve 2 --card L104 \
	--reason lost --note "not in the tray"
is "$RC" 0 "a manager declares L104 lost"
like "$OUT" "L104 \\(missing\\): resolved lost; ledger status now lost" \
	"resolve lost: says the ledger status changed"
is "$(sqlq "select status from card where mgmt_id = 'L104'")" lost \
	"L104's status is lost"
is "$(sqlq "select e.kind, s.code, e.at - $T1 from custody_event e join card c
	on c.id = e.card_id join staff s on s.id = e.staff_id where
	c.mgmt_id = 'L104'")" "lost|M01|600" "a custody event 'lost', by M01"
is "$(sqlq "select action, subject from audit where action like 'custody.%'")" \
	"custody.lost|card L104" "the declaration is audited"

# The count that declared it keeps its discrepancy: L104 is still one of
# its missing cards, with its resolution, and its last sighting is count
# 1's read, not the declaration (which nobody saw).
ct reconcile 2 --json
is "$(pyjson '(d["expected"],[(m["mgmt_id"],(m["resolution"] or {}).get("reason")) for m in d["missing"]])' <<<"$OUT")" \
	'[5,[["L104","lost"],["L105",null]]]' \
	"count 2 still expects L104 and lists it missing, resolved lost"
is "$(pyjson '[(m["last_seen"]["at"],m["last_seen"]["by"]) for m in d["missing"]][0]' <<<"$OUT")" \
	'["'"$(iso $T0)"'","S02"]' "L104 last seen at count 1's read, not at its declaration"

as M01 1111 count resolve 2 --card L105 --reason lost --json
is "$(pyjson '(d["resolved"],d["status_changed"])' <<<"$OUT")" \
	'[["L105"],[{"mgmt_id":"L105","status":"lost","location":"SAFE1/T01"}]]' \
	"resolve --json: the card whose status changed"
# Everything resolved: the close still needs a manager's witness, because
# the discrepancies did not go away when the cards left the stock.
as S03 3333 count close 2
is "$RC" 77 "count 2, all resolved lost, no witness: 77"
witnessed_close 2 S03 3333
is "$RC" 0 "count 2 closed with a witness"
is "$(sqlq "select expected, seen, in_place from session_range where
	session_id = 2")" "5|3|3" "count 2's record: 5 expected, 3 seen"

ct report incident --count 2 --json
is "$(pyjson '[(c["mgmt_id"],c["status"],c["resolution"]["reason"]) for c in d["cards"]]' <<<"$OUT")" \
	'[["L104","lost","lost"],["L105","lost","lost"]]' \
	"incident of count 2: both cards, status lost"
is "$(pyjson '[e["kind"] for c in d["cards"] for e in c["custody_events"]]' <<<"$OUT")" \
	'[]' "incident: the declaration is not a custody event of the window"

# ---- the ledger says lost ---------------------------------------------------
ct status --json
is "$(pyjson '(d["lost"],[(c["mgmt_id"],c["count"]) for c in d["lost_cards"]])' <<<"$OUT")" \
	'[3,[["L104",2],["L105",2],["L300",null]]]' \
	"status --json: three lost cards, by which count"
ct status
like "$OUT" "L104 +SAFE1/T01, lost since 2026-03-02 \\(count 2\\)" \
	"status text: the lost card, since when and by which count"

before=$(sqlq "select count(*) from audit")
as S02 2222 checkout L104
is "$RC" 65 "checkout of a lost card: 65"
like "$ERR" "card L104 \\(lost\\) cannot be checked out: the ledger says it is lost" \
	"checkout of a lost card: names the state"
as S02 2222 move --to SAFE1/T02 L104
is "$RC" 65 "move of a lost card: 65"
as S02 2222 return L104
is "$RC" 65 "return of a lost card: 65"
is "$(sqlq "select status || ' ' || (select path from location where id =
	location_id) from card where mgmt_id = 'L104'")" "lost SAFE1/T01" \
	"refused movements: the card did not change"
is "$(sqlq "select count(*) from audit")" "$before" "refused movements: nothing audited"
ct dispose due --json
is "$(pyjson '[c["mgmt_id"] for c in d]' <<<"$OUT")" '[]' \
	"a lost card is not due for disposal (L105 was, as moved)"

# ---- later counts do not expect them ----------------------------------------
export CARDTALLY_NOW=$T2
as M01 1111 count start --kind partial --ranges SAFE1/T01 --assign SAFE1/T01=S02
is "$OUT" 3 "count 3 of T01 opened"
scan_at $((T2 + 60)) S02 2222 3 SAFE1/T01 04B101 04B102 04B103
ct reconcile 3 --json
is "$RC" 0 "count 3: no discrepancy"
is "$(pyjson '(d["expected"],d["missing"])' <<<"$OUT")" '[3,[]]' \
	"count 3: 3 expected (5 before, 2 lost), none missing"
as S02 2222 count close 3
is "$RC" 0 "count 3 closes without a witness"
ct report incident --count 3 --json
is "$(pyjson 'd["affected"]' <<<"$OUT")" 0 "incident of count 3: nobody again"

as M01 1111 count start --kind countonly --ranges SAFE1/T01 --assign SAFE1/T01=S03
CO=$OUT
as S03 3333 count total --session "$CO" --range SAFE1/T01 --cards 3 --json
is "$(pyjson '(d["cards"],d["expected"],d["state"])' <<<"$OUT")" '[3,3,"ok"]' \
	"count-only check: 3 counted, 3 expected, not short"

# ---- a lost card turns up ---------------------------------------------------
as M01 1111 count start --kind partial --ranges SAFE1/T02 --assign SAFE1/T02=S03
CNT=$OUT
scan_at $((T2 + 120)) S03 3333 "$CNT" SAFE1/T02 04B201 04B104 04B300
is "$RC" 0 "scan of T02: exit 0"
L=$(printf '%s\n' "$OUT" | grep '"L104"')
is "$(pyjson '(d["event"],d["why"],d["status"],d["lost"]["count"],d["lost"]["by"])' <<<"$L")" \
	'["alert","not_in_stock","lost",2,"M01"]' \
	"L104 read: alert not_in_stock, the ledger says lost since count 2"
L=$(printf '%s\n' "$OUT" | grep '"L300"')
is "$(pyjson '(d["why"],d["status"],d["lost"])' <<<"$L")" \
	'["not_in_stock","lost",null]' "L300 read: lost, no declaration on record"
printf 'card 04B105\n' >"$WORK/s.sim"
export CARDTALLY_NOW=$((T2 + 180))
as S03 3333 scan --session "$CNT" --range SAFE1/T02 \
	--reader "sim:$WORK/s.sim"
like "$OUT" "ALERT +L105 +04B105 in SAFE1/T02: LOST CARD READ: ledger: lost \\(count 2, 2026-03-02, by M01\\), found in SAFE1/T02" \
	"text: the alert says lost, since when, by which count, found where"
like "$OUT" "count resolve $CNT --card L105 --reason found_elsewhere" \
	"text: says how a manager resolves it"
ct reconcile "$CNT" --json
is "$RC" 1 "reconcile: exit 1"
is "$(pyjson '[(x["mgmt_id"],x["status"]) for x in d["not_in_stock"]]' <<<"$OUT")" \
	'[["L104","lost"],["L105","lost"],["L300","lost"]]' \
	"reconcile: the lost cards read, not in stock, status lost"

# The reasons that fit a lost card read again.
as S02 2222 count resolve "$CNT" --card L104 --reason found_elsewhere
is "$RC" 77 "staff resolves a found card: 77"
as M01 1111 count resolve "$CNT" --card L104 --reason lost
is "$RC" 65 "a lost card read again resolved lost: 65"
like "$ERR" "found_elsewhere" "resolved lost: names the reasons that fit"
as M01 1111 count resolve "$CNT" --card L104 --reason recounted
is "$RC" 65 "resolved recounted: 65"
is "$(sqlq "select status from card where mgmt_id = 'L104'")" lost \
	"refusals: L104 is still lost"

export CARDTALLY_NOW=$((T2 + 900))
as M01 1111 count resolve "$CNT" --card L104,L105 \
	--reason found_elsewhere --note "behind the tray"
is "$RC" 0 "L104 and L105 resolved found_elsewhere"
like "$OUT" "L104 \\(not_in_stock\\): resolved found_elsewhere; back in storage at SAFE1/T02 \\(stored\\)" \
	"found: says where it is back in storage"
is "$(sqlq "select mgmt_id, status, (select path from location where id =
	location_id) from card where mgmt_id in ('L104','L105') order by 1")" \
	"L104|stored|SAFE1/T02
L105|moved|SAFE1/T02" \
	"found: back in storage where they were read; L105 moved again, as before"
is "$(sqlq "select e.kind, (select path from location where id =
	e.from_location_id), (select path from location where id =
	e.location_id) from custody_event e join card c on c.id = e.card_id
	where c.mgmt_id = 'L104' order by e.id")" \
	"lost|SAFE1/T01|SAFE1/T01
found|SAFE1/T01|SAFE1/T02" "L104's custody: lost, then found from T01 to T02"
as M01 1111 count resolve "$CNT" --card L300 --reason data_error
is "$RC" 0 "L300 resolved data_error"
is "$(sqlq "select status from card where mgmt_id = 'L300'")" lost \
	"data_error: the ledger still says lost"
ct reconcile "$CNT" --json
is "$(pyjson '[(x["mgmt_id"],x["status"],x["resolution"]["reason"]) for x in d["not_in_stock"]]' <<<"$OUT")" \
	'[["L104","lost","found_elsewhere"],["L105","lost","found_elsewhere"],["L300","lost","data_error"]]' \
	"the count keeps what it found: three lost cards read, resolved"
as S03 3333 count close "$CNT"
is "$RC" 77 "its close needs a witness"
witnessed_close "$CNT" S03 3333
is "$RC" 0 "closed with a witness"
ct status --json
is "$(pyjson '(d["lost"],[c["mgmt_id"] for c in d["lost_cards"]])' <<<"$OUT")" \
	'[1,["L300"]]' "status: only L300 is still lost"

# Found, L104 is stock again: expected in T02, and it moves.
as M01 1111 count start --kind countonly --ranges SAFE1/T02 --assign SAFE1/T02=S02
as S02 2222 count total --session "$OUT" --range SAFE1/T02 --cards 3 --json
is "$(pyjson '(d["expected"],d["state"])' <<<"$OUT")" '[3,"ok"]' \
	"T02 now expects L201, L104 and L105"
as S02 2222 checkout L104
is "$RC" 0 "the found card can be checked out again"

# ---- a lost card at the window and in a disposal ----------------------------
as S03 3333 tally start
TID=$OUT
printf 'card 04B300\n' >"$WORK/t.sim"
as S03 3333 scan --session "$TID" --reader "sim:$WORK/t.sim" --json
is "$(pyjson '(d["event"],d["why"],d["status"],d["mgmt_id"])' <<<"$OUT")" \
	'["alert","not_in_stock","lost","L300"]' "tally: a lost card read is an alert, status lost"
as S02 2222 dispose start --witness M01 --witness-pin-fd 4 4<<<1111
DID=$OUT
as S02 2222 scan --session "$DID" --reader "sim:$WORK/t.sim" --json
is "$(pyjson '(d["event"],d["why"],d["status"])' <<<"$OUT")" \
	'["alert","not_in_stock","lost"]' "disposal: a lost card is refused, not in stock"
as S02 2222 scan --session "$DID" --reader "sim:$WORK/t.sim"
like "$OUT" "REFUSED L300 +04B300: LOST CARD READ: ledger: lost \\(no declaration on record\\)" \
	"disposal text: says the ledger says lost"
is "$(sqlq "select count(*) from disposal")" 0 "disposal: nothing added"

ct audit verify
is "$RC" 0 "audit chain and custody rows intact"

done_testing
