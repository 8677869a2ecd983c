#!/usr/bin/env bash
# End-to-end tests of the audit log (cardtally(1) "audit verify"): every
# change of the ledger appends a chained entry; `audit verify` finds a
# ledger file tampered with directly (through the sqlite3 CLI and Python's
# sqlite3, triggers dropped, as someone holding the file would) and names
# the first broken row; an anchor taken earlier shows a truncated or
# recomputed log; `audit show` lists the entries.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
PIN_M01=$(pin_file M01 1111)

cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received
A101,04A101,SAFE1/T01,2025-06-01
A102,04A102,SAFE1/T01,2025-06-01
A103,04A103,SAFE1/T01,2025-06-01
EOF
printf '%s\n' 'card 04A101' remove 'card 04A102' remove 'card 04A101' \
	remove 'card 0BADBAD1' remove >"$WORK/reads.sim"

as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"
audit0=$(sqlq 'select count(*) from audit')
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
SID=$OUT
is "$RC" 0 "prepared: count opened"
as S02 2222 scan --session "$SID" --range SAFE1/T01 \
	--reader "sim:$WORK/reads.sim" --json
is "$RC" 0 "prepared: four reads"

for c in "audit verify" "audit show" "note add" "note list"; do
	# shellcheck disable=SC2086 # two words
	ct $c --help
	is "$RC" 0 "$c --help: exit 0"
	like "$OUT" "^usage: cardtally $c" "$c --help: prints its usage"
done
ct --help
like "$OUT" "^  audit verify " "--help: lists audit verify"

# ---- every change is in the chain ---------------------------------------------

is "$(sqlq "select group_concat(action, ' ') from audit where id > $audit0")" \
	"count.start count.assign count.range_start scan scan scan scan count.range_end" \
	"the count, its assignment and each read are audit entries"
is "$(sqlq "select count(*) from audit where action = 'scan'")" \
	"$(sqlq 'select count(*) from scan')" "one entry per read"
like "$(sqlq "select detail from audit where action = 'scan' limit 1")" \
	'^scan=1 session=1 range=[0-9]+ serial=04A101 card=[0-9]+ outcome=accepted safe=closed$' \
	"a read's entry repeats the scan row (and its flag: no opening of the safe is recorded)"
is "$(sqlq 'select count(*) from audit where length(hash) = 32 and
	length(prev_hash) = 32')" "$(sqlq 'select count(*) from audit')" \
	"every entry has its hash and the previous one"
# A wrong PIN changes the ledger (the failure count): audited too.
ct count start --kind partial --ranges SAFE1/T01 --as S03 --pin-fd 3 3<<<9999
is "$(sqlq 'select action from audit order by id desc limit 1')" \
	staff.pin_failed "a wrong PIN is an audit entry"
ct count start --kind partial --ranges SAFE1/T01 --as S03 --pin-fd 3 3<<<3333
is "$(sqlq "select action || ' ' || detail from audit
	where action like 'staff.%' order by id desc limit 1")" \
	"staff.pin_ok failed PIN count reset" \
	"resetting the failure count is an audit entry"

# Locking (five wrong PINs) and a manager's unlock are audit entries.
for i in 1 2 3 4 5; do
	ct count start --kind partial --ranges SAFE1/T01 --as P04 --pin-fd 3 \
		3<<<9999
done
is "$(sqlq "select action from audit where action like 'staff.%'
	order by id desc limit 1")" staff.lock "locking an account is an audit entry"
as M01 1111 staff unlock P04
is "$RC" 0 "prepared: P04 unlocked"
is "$(sqlq 'select action || " " || subject from audit
	order by id desc limit 1')" "staff.unlock P04" \
	"unlocking is an audit entry"

# ---- an intact log ------------------------------------------------------------

before=$(ledger_state)
ct audit verify
is "$RC" 0 "verify, intact: exit 0"
N=$(sqlq 'select count(*) from audit')
like "$OUT" "^audit log intact: $N entries; 4 scan, near-miss, custody and disposal rows" \
	"verify, intact: counts entries and reads"
ANCHOR=$(sqlq 'select lower(hex(hash)) from audit order by id desc limit 1')
like "$OUT" "anchor: --expect-rows $N --anchor $ANCHOR\$" \
	"verify, intact: prints the anchor (last entry and its hash)"
ct audit verify --json
is "$RC" 0 "verify --json, intact: exit 0"
is "$(pyjson '[d["intact"], d["entries"], d["records"], d["anchor"],
	d["anchor_entry"]]' <<<"$OUT")" "[true,$N,4,\"$ANCHOR\",$N]" \
	"verify --json: intact, entries, records, anchor"
ct audit verify --anchor "$ANCHOR" --expect-rows "$N"
is "$RC" 0 "verify with the current anchor: exit 0"
ct audit verify --anchor "$(tr a-f A-F <<<"$ANCHOR")"
is "$RC" 0 "verify with the anchor in upper case, anywhere: exit 0"
is "$(ledger_state)" "$before" "verify changes nothing"

# The log grows; an anchor taken earlier still holds.
as M01 1111 count close "$SID" --witness M01 --witness-pin-fd 3
ct audit verify --anchor "$ANCHOR" --expect-rows "$N"
is "$RC" 0 "an earlier anchor holds while the log grows"
ct audit verify --anchor 1234
is "$RC" 2 "verify --anchor not 64 hex digits: exit 2"
ct audit verify --expect-rows 3
is "$RC" 2 "verify --expect-rows without --anchor: exit 2"
ct audit verify --anchor "$ANCHOR" --expect-rows 0
is "$RC" 2 "verify --expect-rows 0: exit 2"

# ---- tampering ----------------------------------------------------------------

sqlite3 "$CARDTALLY_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sqlite3 "$CARDTALLY_DB" ".backup '$WORK/base.db'"
N=$(sqlq 'select count(*) from audit')
ANCHOR=$(sqlq 'select lower(hex(hash)) from audit order by id desc limit 1')

# fresh: the untouched ledger again.
fresh() {
	rm -f "$CARDTALLY_DB" "$CARDTALLY_DB-wal" "$CARDTALLY_DB-shm"
	sqlite3 "$WORK/base.db" ".backup '$CARDTALLY_DB'"
}
# tamper SQL: as an intruder with the file: triggers first.
tamper() {
	sqlite3 "$CARDTALLY_DB" "DROP TRIGGER IF EXISTS audit_no_update;
		DROP TRIGGER IF EXISTS audit_no_delete; $1"
}
# broken NAME TABLE ID PROBLEM [VERIFY-ARGS...]: verify --json exits 1 and
# names TABLE row ID with PROBLEM; the text form names the same row.
broken() {
	local name=$1 table=$2 id=$3 problem=$4
	shift 4
	ct audit verify --json "$@"
	is "$RC" 1 "$name: verify exits 1"
	is "$(pyjson '[d["intact"], d["broken"]["table"], d["broken"]["id"],
		d["broken"]["problem"]]' <<<"$OUT")" \
		"[false,\"$table\",$id,\"$problem\"]" \
		"$name: names $table row $id ($problem)"
	ct audit verify "$@"
	is "$RC" 1 "$name: text form exits 1"
	if [ "$id" = null ]; then
		like "$OUT" "^BROKEN \\($problem\\)" "$name: text names the problem"
	else
		like "$OUT" "^BROKEN at $table row $id \\($problem\\)" \
			"$name: text names the row"
	fi
}

# The triggers stop accidents (not intruders).
fresh
sqlite3 "$CARDTALLY_DB" "UPDATE audit SET detail = 'x' WHERE id = 3" 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "the append-only trigger refuses an UPDATE"

fresh
tamper "UPDATE audit SET detail = 'rows=1' WHERE id = 6"
broken "a changed field" audit 6 content_changed

fresh
tamper "UPDATE audit SET staff_id = 1 WHERE id = 9"
broken "a changed person" audit 9 content_changed

fresh
tamper "DELETE FROM audit WHERE id = 5"
broken "a row deleted in the middle" audit 5 entry_missing

fresh
tamper "DELETE FROM audit WHERE id = 1"
broken "the first row deleted" audit 1 entry_missing

# Two rows' contents exchanged, each keeping its place and hashes.
fresh
tamper "UPDATE audit SET (at, staff_id, action, subject, detail) =
	(SELECT o.at, o.staff_id, o.action, o.subject, o.detail FROM audit o
	 WHERE o.id = CASE audit.id WHEN 4 THEN 8 ELSE 4 END)
	WHERE id IN (4, 8)"
broken "two rows' contents swapped" audit 4 content_changed

# Two whole rows exchanged, hashes and all.
fresh
tamper "UPDATE audit SET id = -1 WHERE id = 4;
	UPDATE audit SET id = 4 WHERE id = 8;
	UPDATE audit SET id = 8 WHERE id = -1"
broken "two whole rows swapped" audit 4 out_of_order

fresh
tamper "UPDATE audit SET prev_hash = zeroblob(32) WHERE id = 7"
broken "a previous hash changed" audit 7 previous_hash_mismatch

fresh
tamper "UPDATE audit SET hash = zeroblob(31) WHERE id = 7"
broken "a hash cut short" audit 7 malformed

# The tail cut off: a shorter log is a valid log, so only the anchor shows
# it, at the first missing entry.
fresh
tamper "DELETE FROM audit WHERE id > $((N - 2))"
ct audit verify
is "$RC" 0 "truncated, no anchor: the chain alone cannot tell"
broken "truncated, anchor with its entry" audit $((N - 1)) truncated \
	--anchor "$ANCHOR" --expect-rows "$N"
broken "truncated, anchor alone" audit null anchor_missing --anchor "$ANCHOR"
# New entries after the cut do not hide it.
as M01 1111 count start --kind partial --ranges SAFE1/T01
as M01 1111 count start --kind partial --ranges SAFE1/T01
broken "truncated and appended to" audit "$N" anchor_mismatch \
	--anchor "$ANCHOR" --expect-rows "$N"

# The recompute-forward attack: entry 6 changed and every later hash
# recomputed with the published encoding (here in Python, independently of
# the C code).  The chain is consistent again; only the anchor shows it.
fresh
sqlite3 "$CARDTALLY_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
python3 - "$CARDTALLY_DB" <<'EOF'
import hashlib, sqlite3, struct, sys
def text(s):
    if s is None:
        return b"\0"
    b = s if isinstance(s, bytes) else s.encode()
    return b"\2" + struct.pack(">Q", len(b)) + b
def num(v):
    return b"\1" + struct.pack(">q", v)
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
                 "UPDATE audit SET detail = 'rows=0 added=0' WHERE id = 6")
prev = bytes(32)
rows = db.execute("SELECT id, at, staff_id, action, subject, detail "
                  "FROM audit ORDER BY id").fetchall()
for (i, at, staff, action, subject, detail) in rows:
    enc = (text("cardtally audit v1") + b"\3" + struct.pack(">Q", 32) + prev
           + num(i) + num(at) + (num(staff) if staff else b"\0")
           + text(action) + text(subject) + text(detail))
    h = hashlib.blake2b(enc, digest_size=32).digest()
    db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
               (prev, h, i))
    prev = h
db.commit()
EOF
ct audit verify
is "$RC" 0 "recomputed chain, no anchor: consistent again (the documented limit)"
broken "recomputed chain, with the anchor" audit "$N" anchor_mismatch \
	--anchor "$ANCHOR" --expect-rows "$N"
broken "recomputed chain, anchor alone" audit null anchor_missing \
	--anchor "$ANCHOR"

# ---- the scan table against the chain --------------------------------------

fresh
tamper "UPDATE scan SET outcome = 'accepted', why = NULL WHERE id = 4"
broken "a read's outcome changed" scan 4 record_changed

fresh
tamper "UPDATE scan SET at = at - 3600 WHERE id = 2"
broken "a read's time changed" scan 2 record_changed

fresh
tamper "DELETE FROM scan WHERE id = 2"
broken "a read deleted" scan 2 record_missing

fresh
tamper "INSERT INTO scan(session_id, range_id, serial, card_id, staff_id,
	at, outcome) SELECT session_id, range_id, '04A103', card_id + 2,
	staff_id, at, 'accepted' FROM scan WHERE id = 1"
broken "a read added" scan 5 record_not_logged

# ---- audit show ---------------------------------------------------------------

fresh
ct audit show
is "$RC" 0 "show: exit 0, no person needed"
is "$(printf '%s\n' "$OUT" | wc -l)" "$N" "show: one line per entry"
like "$(printf '%s\n' "$OUT" | head -n 1)" \
	'^ +1  2026-03-02T10:00:00\+09:00  - +staff.add +M01  manager$' \
	"show: id, time, person, action, subject, detail"
ct audit show --last 2 --json
is "$RC" 0 "show --last 2 --json: exit 0"
is "$(pyjson '[e["id"] for e in d["entries"]]' <<<"$OUT")" \
	"[$((N - 1)),$N]" "show --last 2: the last two, oldest first"
is "$(pyjson 'd["entries"][-1]["hash"]' <<<"$OUT")" "$ANCHOR" \
	"show --json: the hash of each entry"
ct audit show --last x
is "$RC" 2 "show --last x: exit 2"

done_testing
