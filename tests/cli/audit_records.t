#!/usr/bin/env bash
# `audit verify` checks the custody and disposal tables against their audit
# entries, as it does the scan and near-miss tables: a custody event or a
# disposal row (card of a batch, or the batch itself) changed, deleted or
# added directly in the ledger file, by someone who drops the triggers and
# leaves the chain alone, is found and named.  The flag for handling cards
# while the safe was recorded closed is part of what is checked.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200 CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' mgmt_id,serial,location,received,status \
	A101,04A101,SAFE1/T01,2025-06-01, A102,04A102,SAFE1/T01,2025-06-01, \
	D301,04D301,SAFE1/T03,2025-06-01,moved \
	D302,04D302,SAFE1/T03,2025-06-01,deceased \
	D303,04D303,SAFE1/T03,2025-06-01,cancelled >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
as M01 1111 asset add TERM1 --name Terminal --location SAFE1/SHELF
# Event 1 flagged (the safe is recorded closed), 2 and 3 not: the safe is
# open for them.
as S02 2222 checkout A101 --for 2026-03-03
with_witness S02 2222 M01 1111 key open --purpose "window"
as S02 2222 checkout TERM1
as S02 2222 move --to SAFE1/T03 A102
is "$RC" 0 "prepared: three custody events"
# D1 closed (two cards, scanned with the safe open), D2 open.
with_witness S02 2222 M01 1111 dispose start
printf 'card 04D301\nremove\ncard 04D302\nremove\n' >"$WORK/d1.sim"
as S02 2222 scan --session D1 --reader "sim:$WORK/d1.sim"
with_witness S02 2222 M01 1111 dispose close D1 --method contractor \
	--certificate "CERT-2026-031"
# D2's card is scanned with the safe recorded closed: flagged.
as S02 2222 key close
with_witness S03 3333 M01 1111 dispose start
printf 'card 04D303\nremove\n' >"$WORK/d2.sim"
as S03 3333 scan --session D2 --reader "sim:$WORK/d2.sim"
is "$(sqlq "select group_concat(batch_id || ':' || safe_closed, ' ') from
	disposal")" "1:0 1:0 2:1" "prepared: two batches, three cards, one flagged"

ct audit verify --json
is "$RC" 0 "untouched: intact"
# 3 custody events, 3 disposal rows, 2 batch starts, 1 batch close.
is "$(pyjson 'd["records"]' <<<"$OUT")" 9 \
	"custody events, disposal cards and batches are checked"
is "$(sqlq "select detail from audit where action = 'dispose.close'")" \
	"cards=2 witness=1 method=contractor certificate=CERT-2026-031" \
	"a batch's close entry holds its method and certificate"

sqlite3 "$CARDTALLY_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sqlite3 "$CARDTALLY_DB" ".backup '$WORK/base.db'"
fresh() {
	rm -f "$CARDTALLY_DB" "$CARDTALLY_DB-wal" "$CARDTALLY_DB-shm"
	sqlite3 "$WORK/base.db" ".backup '$CARDTALLY_DB'"
}
tamper() { fresh; sqlite3 "$CARDTALLY_DB" "$1"; }
# broken NAME TABLE ID PROBLEM: verify --json exits 1 naming the row.
broken() {
	ct audit verify --json
	is "$RC" 1 "$1: verify exits 1"
	is "$(pyjson '[d["broken"]["table"], d["broken"]["id"],
		d["broken"]["problem"]]' <<<"$OUT")" "[\"$2\",$3,\"$4\"]" \
		"$1: names $2 row $3 ($4)"
}

# ---- custody events ---------------------------------------------------------

tamper "UPDATE custody_event SET kind = 'return' WHERE id = 1"
broken "a movement's kind changed" custody_event 1 record_changed
tamper "UPDATE custody_event SET staff_id = 3 WHERE id = 2"
broken "who moved it changed" custody_event 2 record_changed
tamper "UPDATE custody_event SET at = at + 60 WHERE id = 2"
broken "when changed" custody_event 2 record_changed
tamper "UPDATE custody_event SET location_id = from_location_id WHERE id = 3"
broken "where it went changed" custody_event 3 record_changed
tamper "UPDATE custody_event SET for_date = '2026-03-02' WHERE id = 1"
broken "the day it was for changed" custody_event 1 record_changed
tamper "UPDATE custody_event SET card_id = 2 WHERE id = 1"
broken "which card changed" custody_event 1 record_changed
tamper "UPDATE custody_event SET safe_closed = 0 WHERE id = 1"
broken "the safe-closed flag hidden" custody_event 1 record_changed
tamper "UPDATE custody_event SET safe_closed = 1 WHERE id = 2"
broken "a flag added" custody_event 2 record_changed
tamper "DELETE FROM custody_event WHERE id = 2"
broken "a movement deleted" custody_event 2 record_missing
tamper "INSERT INTO custody_event(card_id, kind, at, staff_id, location_id,
	from_location_id) SELECT card_id, 'return', at, staff_id, location_id,
	location_id FROM custody_event WHERE id = 1"
broken "a movement added" custody_event 4 record_not_logged

# ---- disposal cards -----------------------------------------------------------

tamper "UPDATE disposal SET why = 'reminder' WHERE card_id =
	(SELECT id FROM card WHERE mgmt_id = 'D301')"
broken "why a card was due changed" disposal 1 record_changed
tamper "UPDATE disposal SET scanned_by = 4 WHERE batch_id = 2"
broken "who scanned it changed" disposal 2 record_changed
tamper "UPDATE disposal SET safe_closed = 0 WHERE batch_id = 2"
broken "a disposal scan's flag hidden" disposal 2 record_changed
tamper "DELETE FROM disposal WHERE batch_id = 2"
broken "a card taken out of an open batch" disposal 2 record_missing
tamper "DELETE FROM disposal WHERE card_id =
	(SELECT id FROM card WHERE mgmt_id = 'D302')"
broken "a card taken out of a closed batch" disposal 1 record_missing
tamper "INSERT INTO disposal(batch_id, card_id, why, scanned_at, scanned_by,
	safe_closed) SELECT 2, id, 'moved', 1772413200, 2, 0 FROM card
	WHERE mgmt_id = 'A101'"
broken "a card slipped into a batch" disposal 2 record_not_logged

# ---- disposal batches ---------------------------------------------------------

tamper "UPDATE disposal_batch SET method = 'shred', certificate = NULL
	WHERE id = 1"
broken "the method changed" disposal_batch 1 record_changed
tamper "UPDATE disposal_batch SET certificate = 'CERT-OTHER' WHERE id = 1"
broken "the certificate changed" disposal_batch 1 record_changed
tamper "UPDATE disposal_batch SET close_witness_id = 2 WHERE id = 1"
broken "the closing witness changed" disposal_batch 1 record_changed
tamper "UPDATE disposal_batch SET witness_id = 2 WHERE id = 2"
broken "the starting witness changed" disposal_batch 2 record_changed
tamper "UPDATE disposal_batch SET closed_at = NULL, closed_by = NULL,
	close_witness_id = NULL, method = NULL, certificate = NULL WHERE id = 1"
broken "a closed batch reopened" disposal_batch 1 record_missing
tamper "DELETE FROM disposal WHERE batch_id = 2; DELETE FROM disposal_batch
	WHERE id = 2"
broken "an open batch deleted with its cards" disposal 2 record_missing
tamper "INSERT INTO disposal_batch(started_at, started_by, witness_id)
	VALUES (1772413200, 2, 1)"
broken "a batch added" disposal_batch 3 record_not_logged

ct audit verify
like "$OUT" "^BROKEN at disposal_batch row 3 \(record_not_logged\)" \
	"text: names the table and row"

done_testing
