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
# A terminal, for the replay of the asset table.
as M01 1111 asset add TERM1 --name Terminal --location SAFE1/SHELF
is "$RC" 0 "prepared: a terminal"
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
	'^scan=1 session=1 range=[0-9]+ serial=04A101 card=[0-9]+ outcome=accepted safe=closed profile=[a-z:-]+/[0-9]+$' \
	"a read's entry repeats the scan row (and its flag: no opening of the safe is recorded; the profile that read it)"
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
ct audit verify
like "$OUT" "^replayed: 8 card, terminal and staff rows hold what the log says$" \
	"verify, intact: the card and staff tables hold what the log replays to"
like "$OUT" "^entries cut from the end of the log cannot be detected without an anchor" \
	"verify without an anchor: says a cut tail cannot be seen without one"
ct audit verify --json
is "$(pyjson '[d["replayed"], d["unreplayed_fields"], d["problems"],
	d["problems_total"], d["tail_checked"], "anchor" in d["tail"]]' <<<"$OUT")" \
	"[8,0,[],0,false,true]" \
	"verify --json: rows replayed, no problems, the tail unchecked and why"
# The daily report gives the same anchor: the day's last entry, the number
# of entries up to it and its hash.
ct report daily --json
is "$(pyjson '[d["audit"]["intact"], d["audit"]["anchor_entry"],
	d["audit"]["anchor_rows"], d["audit"]["anchor"]]' <<<"$OUT")" \
	"[true,$N,$N,\"$ANCHOR\"]" "report daily: the day's anchor and its row count"
ct report daily
like "$OUT" "^  anchor at the end of the day: the chain's $N entries up to\$" \
	"report daily text: the anchor's row count"
ct audit verify --anchor "$ANCHOR" --expect-rows "$N"
is "$RC" 0 "verify with the current anchor: exit 0"
like "$OUT" "^the anchor given holds" "verify with an anchor: says it holds"
ct audit verify --json --anchor "$ANCHOR" --expect-rows "$N"
is "$(pyjson '[d["tail_checked"], "tail" in d]' <<<"$OUT")" "[true,false]" \
	"verify --json with an anchor: the tail is checked"
ct audit verify --anchor "$(tr a-f A-F <<<"$ANCHOR")"
is "$RC" 0 "verify with the anchor in upper case, anywhere: exit 0"
is "$(ledger_state)" "$before" "verify changes nothing"

# The log grows; an anchor taken earlier still holds.  (A count start: its
# entries leave nothing in the card, asset and staff tables, so that cutting
# them off below is something only the anchor can show.)
as M01 1111 count start --kind partial --ranges SAFE1/T01
is "$RC" 0 "prepared: the log grows"
ok "$([ "$(sqlq 'select count(*) from audit')" -gt "$N" ]; echo $?)" \
	"prepared: entries after the anchor"
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

# The first entry written by someone else than M01 (staff id 1).
P=$(sqlq "select min(id) from audit where staff_id > 1")
fresh
tamper "UPDATE audit SET staff_id = 1 WHERE id = $P"
broken "a changed person" audit "$P" content_changed

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
# A cut that takes an entry whose change is still in the tables is found
# without the anchor: P04's unlock and all after it.
fresh
tamper "DELETE FROM audit WHERE id >=
	(SELECT id FROM audit WHERE action = 'staff.unlock')"
broken "truncated: the unlock's entry" staff 4 state_changed
fresh
tamper "DELETE FROM audit WHERE id > $((N - 2))"
# New entries after the cut do not hide it.
as M01 1111 count start --kind partial --ranges SAFE1/T01
as M01 1111 count start --kind partial --ranges SAFE1/T01
broken "truncated and appended to" audit "$N" anchor_mismatch \
	--anchor "$ANCHOR" --expect-rows "$N"

# The recompute-forward attack: the import's entry changed and every later
# hash recomputed with the published encoding (here in Python, independently
# of the C code).  The chain is consistent again; only the anchor shows it.
cat >"$WORK/recompute.py" <<'EOF'
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
                 + sys.argv[2])
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
fresh
sqlite3 "$CARDTALLY_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
python3 "$WORK/recompute.py" "$CARDTALLY_DB" \
	"UPDATE audit SET detail = 'rows=0 added=0' WHERE action = 'import'"
ct audit verify
is "$RC" 0 "recomputed chain, no anchor: consistent again (the documented limit)"
broken "recomputed chain, with the anchor" audit "$N" anchor_mismatch \
	--anchor "$ANCHOR" --expect-rows "$N"
broken "recomputed chain, anchor alone" audit null anchor_missing \
	--anchor "$ANCHOR"
# A recomputed chain whose entries no longer say what the tables hold is
# found without the anchor: the import's card list without A103.
fresh
sqlite3 "$CARDTALLY_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
python3 "$WORK/recompute.py" "$CARDTALLY_DB" \
	"UPDATE audit SET detail = replace(detail, ' A103', '')
	 WHERE action = 'import.cards'"
broken "recomputed chain that hides a card" card 3 state_not_logged

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

# ---- the tables replayed against the log ------------------------------------

# state NAME TABLE KEY FIELD LOGGED HELD: verify --json exits 1 and names
# one problem: row KEY of TABLE, its FIELD, LOGGED in the log and HELD in
# the table; the text form names the same row and says the same.
state() {
	local name=$1 table=$2 key=$3 field=$4 logged=$5 held=$6 col=code
	[ "$table" = card ] && col=mgmt_id
	local id
	id=$(sqlq "select id from $table where $col = '$key'")
	ct audit verify --json
	is "$RC" 1 "$name: verify exits 1"
	is "$(pyjson '[(p["problem"], p["table"], p["id"], p["key"], p["field"],
		p["logged"], p["held"]) for p in d["problems"]]' <<<"$OUT")" \
		"[[\"state_changed\",\"$table\",$id,\"$key\",\"$field\",\"$logged\",\"$held\"]]" \
		"$name: names $table $key's $field: $logged in the log, $held in the table"
	ct audit verify
	is "$RC" 1 "$name: text form exits 1"
	like "$OUT" "^BROKEN at $table row $id \\(state_changed\\): $table $key $field: the log says $logged \\(entry [0-9]+\\), the $table table holds $held: changed outside the log\$" \
		"$name: text names the row, the field and both values"
}

fresh
tamper "UPDATE card SET status = 'disposed' WHERE mgmt_id = 'A102'"
state "a card disposed by hand" card A102 status stored disposed
# The daily report says so too, and still gives the anchor: the chain
# itself is intact.
ct report daily --json
is "$RC" 1 "a card disposed by hand: the daily report exits 1"
is "$(pyjson '[d["audit"]["intact"], d["audit"]["problem"], d["audit"]["table"],
	d["audit"]["anchor_entry"], d["audit"]["anchor"]]' <<<"$OUT")" \
	"[false,\"state_changed\",\"card\",$N,\"$ANCHOR\"]" \
	"a card disposed by hand: the daily report names it, with the anchor"
ct report daily
like "$OUT" "^  the chain itself is intact$" \
	"daily report text: the chain is intact"
like "$OUT" "^    --anchor $ANCHOR$" "daily report text: the anchor"

fresh
tamper "UPDATE card SET location_id =
	(SELECT id FROM location WHERE path = 'SAFE1') WHERE mgmt_id = 'A101'"
state "a card moved by hand" card A101 location SAFE1/T01 SAFE1

fresh
tamper "UPDATE asset SET status = 'checked_out' WHERE code = 'TERM1'"
state "a terminal's status set by hand" asset TERM1 status in_storage \
	checked_out

fresh
tamper "UPDATE asset SET location_id =
	(SELECT id FROM location WHERE path = 'SAFE1/T01') WHERE code = 'TERM1'"
state "a terminal moved by hand" asset TERM1 location SAFE1/SHELF SAFE1/T01

fresh
tamper "UPDATE staff SET role = 'manager' WHERE code = 'S02'"
state "a role changed by hand" staff S02 role staff manager

fresh
tamper "UPDATE staff SET active = 0 WHERE code = 'S03'"
state "a person deactivated by hand" staff S03 active 1 0

# An account locked by wrong PINs (in the log) and unlocked by hand.
fresh
for i in 1 2 3 4 5; do
	ct note list --as P04 --pin-fd 3 3<<<9999
	ct note add --text x --as P04 --pin-fd 3 3<<<9999
done
is "$(sqlq "select locked from staff where code = 'P04'")" 1 \
	"prepared: P04 locked by wrong PINs"
tamper "UPDATE staff SET locked = 0, failed_pins = 0 WHERE code = 'P04'"
state "an account unlocked by hand" staff P04 locked 1 0

# Someone's PIN hash replaced by one whose PIN is known (M01's).
fresh
tamper "UPDATE staff SET pin_hash =
	(SELECT pin_hash FROM staff WHERE code = 'M01') WHERE code = 'S02'"
ct audit verify --json
is "$RC" 1 "a PIN hash replaced: verify exits 1"
is "$(pyjson '[(p["problem"], p["table"], p["key"], p["field"],
	len(p["logged"]), p["logged"] != p["held"]) for p in d["problems"]]' \
	<<<"$OUT")" '[["state_changed","staff","S02","pin",32,true]]' \
	"a PIN hash replaced: named (the log holds a digest, not the hash)"
is "$(sqlq "select count(*) from audit where detail like '%\$argon2%'")" 0 \
	"no PIN hash is written to the audit log"

fresh
tamper "DELETE FROM card WHERE mgmt_id = 'A103'"
broken "a card row deleted" card null state_missing
like "$OUT" "^BROKEN \(state_missing\): card A103 is gone from the card table: entry [0-9]+ left it stored at SAFE1/T01$" \
	"a card row deleted: says what the log says of it"

fresh
tamper "INSERT INTO card(mgmt_id, serial, location_id, status, received,
	updated_at) SELECT 'A199', '04A199', location_id, 'stored', received,
	updated_at FROM card WHERE mgmt_id = 'A101'"
broken "a card row added" card 4 state_not_logged

fresh
tamper "INSERT INTO staff(code, name, role, pin_hash, created_at)
	SELECT 'X99', 'Intruder', 'manager', pin_hash, created_at FROM staff
	WHERE code = 'M01'"
broken "a manager added by hand" staff 5 state_not_logged

# A row changed by hand and then put right by a command: the entry of the
# command says what it found, which is not what the log said before.
fresh
tamper "UPDATE card SET location_id =
	(SELECT id FROM location WHERE path = 'SAFE1') WHERE mgmt_id = 'A101'"
as S02 2222 move --to SAFE1/T01 A101
is "$RC" 0 "prepared: A101 moved back to where the log has it"
is "$(sqlq "select path from card c join location l on l.id = c.location_id
	where mgmt_id = 'A101'")" SAFE1/T01 "prepared: the table agrees again"
M=$(sqlq "select max(id) from audit where action = 'custody.move'")
ct audit verify --json
is "$RC" 1 "changed and put right: verify exits 1"
is "$(pyjson '[(p["problem"], p["table"], p["key"], p["field"], p["logged"],
	p["held"], p["entry"]) for p in d["problems"]]' <<<"$OUT")" \
	'[["state_changed","card","A101","location","SAFE1/T01","SAFE1",6]]' \
	"changed and put right: the move's entry found it elsewhere than entry 6 left it"
like "$(pyjson 'd["problems"][0]["message"]' <<<"$OUT")" \
	"entry $M found SAFE1: changed outside the log in between" \
	"changed and put right: names the entry that found it"

# Every difference is listed, not only the first.
fresh
tamper "UPDATE card SET status = 'issued' WHERE mgmt_id = 'A101';
	UPDATE staff SET role = 'manager' WHERE code = 'P04'"
ct audit verify --json
is "$(pyjson '[d["problems_total"], [(p["table"], p["key"], p["field"])
	for p in d["problems"]], d["broken"]["table"]]' <<<"$OUT")" \
	'[2,[["card","A101","status"],["staff","P04","role"]],"card"]' \
	"two rows changed: both named, the first also as broken"
ct audit verify
is "$(printf '%s\n' "$OUT" | grep -c '^BROKEN at')" 2 "text: one line each"

# ---- time ---------------------------------------------------------------------

# An entry dated an hour before the one before it: a clock set back.
fresh
B=$((N + 1))
CARDTALLY_NOW=$((CARDTALLY_NOW - 3600)) as M01 1111 note add --text "back-dated"
is "$(sqlq 'select max(id) from audit')" "$B" "prepared: a back-dated entry"
broken "an entry dated back" audit "$B" time_backwards
like "$OUT" "entry $B is dated 2026-03-02 09:00:00, 3600 s before entry $N \(2026-03-02 10:00:00\)" \
	"an entry dated back: says when, and how far back"
# Later entries on time again do not hide it.
as M01 1111 note add --text "on time again"
broken "dated back, then on time" audit "$B" time_backwards
ct audit verify --json
is "$(pyjson 'd["problems_total"]' <<<"$OUT")" 1 \
	"only the entry that goes back is named"

# Writers that take their time a little apart: within the slack.
fresh
CARDTALLY_NOW=$((CARDTALLY_NOW - 30)) as M01 1111 note add --text "a bit earlier"
ct audit verify
is "$RC" 0 "an entry 30 s before the one before it: not reported"

# ---- audit show ---------------------------------------------------------------

fresh
ct audit show
is "$RC" 0 "show: exit 0, no person needed"
is "$(printf '%s\n' "$OUT" | wc -l)" "$N" "show: one line per entry"
like "$(printf '%s\n' "$OUT" | head -n 1)" \
	'^ +1  2026-03-02T10:00:00\+09:00  - +staff.add +M01  role=manager active=1 locked=0 pin=[a-p]{32}$' \
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
