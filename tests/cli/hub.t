#!/usr/bin/env bash
# The city-wide hub (issue 16) against a real PostgreSQL 15 that this test
# starts on a Unix socket in a temporary directory of its own (as root, the
# server runs as nobody) and stops at the end: the hub's schema made and
# migrated again; a ward's key (mode 0600, made once); enrolment; a sync
# whose batches hold every audit entry as the ledger stores it; a batch
# sent twice stored once; the hub down, the batches kept, and sent when it
# is back; a forged signature refused, naming the batch; a ward whose local
# chain was rewritten (hashes recomputed, so that the ledger alone cannot
# tell) refused by the hub; the report of silent wards.  The database
# refuses by itself, whoever connects: each ward syncs as a role of its own
# that can insert only its own ward's batches and change nothing, and a
# batch inserted by plain SQL with a forged signature, an entry whose hash
# is not its content's, or another ward's batch is refused by PostgreSQL
# (the hub's own functions, built from hub/pg/).  Two wards whose clocks
# are hours and days apart sync; the hub keeps its own receiving time.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/pg.sh"
PGLIB=$CARDTALLY_PG_LIB
# As ward W01's own role; the error on $PSQLERR.
PSQLERR=
psqlw() { PSQLERR=$("$PGBIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 \
	-h "$PGBASE" -U cardtally_ward_W01 -d postgres -c "$1" 2>&1 >/dev/null); }

export CARDTALLY_CONF="$WORK/none.conf"
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
entries() { sqlq "SELECT max(id) FROM audit"; }

# ---- the ward's key and enrolment --------------------------------------------

ct sync --hub "$HUB" --ward W01 --batch 3
is "$RC" 65 "sync without a key: refused"
like "$ERR" "sync key .*ledger.db.key does not exist" "it names the key file"
ct sync key
is "$RC" 0 "sync key makes the key"
KEY=$OUT
like "$KEY" '^[0-9a-f]{64}$' "and prints the public key alone"
like "$ERR" "made the sync key" "saying it made it"
is "$(stat -c %a "$CARDTALLY_DB.key")" 600 "the key file is mode 0600"
ct sync key
is "$RC:$OUT:$ERR" "0:$KEY:" "sync key again: the same key, nothing made"

ct sync --hub "$HUB" --ward W01 --batch 3
is "$RC" 65 "sync to a database that is no hub: refused"
like "$ERR" "not a cardtally hub" "it says so"

ct hub migrate --hub "$HUB" --pg-lib "$PGBASE/nothing.so"
is "$RC" 65 "hub migrate without the hub's PostgreSQL functions: refused"
like "$ERR" "nothing\.so" "naming the library the server could not load"
is "$(psqlq "SELECT version FROM hub_schema")" 1 \
	"the versions before stay made"
# A ward enrolled at version 1 gets its role from the migration.
psqlq "INSERT INTO ward(code, public_key, enrolled_at)
	VALUES ('W00', decode(repeat('0a', 32), 'hex'), 0)"
ct hub migrate --hub "$HUB" --pg-lib "$PGLIB"
is "$RC:$OUT" "0:hub schema version 1 -> 2" "with them: the schema made"
is "$(psqlq "SELECT pg_has_role('cardtally_ward_W00', 'cardtally_ward',
	'MEMBER')")" t "a ward enrolled before has its role"
psqlq "DELETE FROM ward WHERE code = 'W00'"
CARDTALLY_PG_LIB= ct hub migrate --hub "$HUB"
is "$RC:$OUT" "0:hub schema version 2: up to date" "and again changes nothing"
is "$(psqlq "SELECT encode(cardtally_blake2b('abc'), 'hex')")" \
	"$(python3 -c 'import hashlib; print(hashlib.blake2b(b"abc", digest_size=32).hexdigest())')" \
	"the hub's BLAKE2b is the appliance's"

ct sync --hub "$HUB" --ward W01 --batch 3
is "$RC" 65 "sync of a ward not enrolled: refused"
like "$ERR" "ward W01 is not enrolled at the hub" "it says so"
ct hub enrol W01 "$KEY" --name "Naka ward" --hub "$HUB"
is "$RC:$OUT" "0:enrolled ward W01" "hub enrol registers the ward's key"
is "$(psqlq "SELECT rolcanlogin, pg_has_role(oid, 'cardtally_ward', 'MEMBER')
	FROM pg_roles WHERE rolname = 'cardtally_ward_W01'")" "t|t" \
	"and makes the ward a login role of its own"
# From here the ward syncs as its own role.
HUBW="host=$PGBASE user=cardtally_ward_W01 dbname=postgres connect_timeout=5"
ct hub enrol W01 "$KEY" --hub "$HUB"
is "$RC" 65 "enrolling it again: refused"
ct hub enrol W02 "$KEY" --hub "$HUB"
is "$RC" 65 "the same key for another ward: refused"
ct hub enrol W02 abc --hub "$HUB"
is "$RC" 65 "a key that is no key: refused"
ct hub enrol "W 3" "$KEY" --hub "$HUB"
is "$RC" 65 "a ward code with a space: refused"

# ---- a sync -----------------------------------------------------------------

N=$(entries)
ct sync --hub "$HUBW" --ward W01 --batch 3
is "$RC" 0 "sync sends the outbox"
nb=$(((N + 2) / 3))
is "$(printf '%s\n' "$OUT" | grep -c ': sent$')" "$nb" \
	"in batches of 3: $nb for $N entries"
like "$OUT" "synced: the hub has audit entries 1-$N of $N; 0 batches pending" \
	"it says how far the hub is"
is "$(psqlq "SELECT count(*), max(id) FROM entry WHERE ward = 'W01'")" \
	"$N|$N" "the hub holds every entry"
is "$(psqlq "SELECT string_agg(id || ' ' || action || ' ' ||
	encode(hash, 'hex'), ',' ORDER BY id) FROM entry")" \
	"$(sqlq "SELECT group_concat(id || ' ' || action || ' ' || lower(hex(hash)),
	',') FROM (SELECT * FROM audit ORDER BY id)")" \
	"each as the ledger stores it, hash and all"
is "$(psqlq "SELECT last_seq, last_entry FROM ward WHERE code = 'W01'")" \
	"$nb|$N" "the ward's chain stands at the last batch"
ct sync --hub "$HUBW" --ward W01 --json
is "$RC" 0 "sync with nothing new"
is "$(printf '%s' "$OUT" | pyjson '[d["cut"], d["sent"], d["pending"]]')" \
	"[0,0,0]" "cuts and sends nothing"

# ---- a duplicate: the hub stored it, the acknowledgement was lost -------------

sqlq "UPDATE outbox_batch SET acked_at = NULL WHERE seq >= $((nb - 1))"
ct sync --hub "$HUBW" --ward W01
is "$RC" 0 "sending two batches again"
is "$(printf '%s\n' "$OUT" | grep -c 'the hub had it already')" 2 \
	"the hub says it had both"
is "$(psqlq "SELECT count(*) FROM batch")|$(psqlq "SELECT count(*) FROM entry")" \
	"$nb|$N" "and stored them once"

# ---- the hub down, and back -------------------------------------------------

as M01 1111 staff add S05 --name "Person S05" --role staff --new-pin-fd 4 \
	4<<<5555
pg_stop
N2=$(entries)
ct sync --hub "$HUBW" --ward W01
is "$RC" 69 "sync while the hub is down: exit 69"
like "$ERR" "the hub cannot be reached: .*the batches wait in the outbox" \
	"it says so"
is "$(sqlq "SELECT count(*) FROM outbox_batch WHERE acked_at IS NULL")" 1 \
	"the new entries wait in a batch"
pg_start || echo "Bail out! PostgreSQL did not start again"
ct sync --hub "$HUBW" --ward W01
is "$RC" 0 "sync once the hub is back"
is "$(psqlq "SELECT max(id) FROM entry")" "$N2" "the hub has the new entries"
is "$(sqlq "SELECT count(*) FROM outbox_batch WHERE acked_at IS NULL")" 0 \
	"nothing is pending"

# ---- a forged signature ------------------------------------------------------

as M01 1111 staff deactivate S05
pg_stop
ct sync --hub "$HUBW" --ward W01
pg_start || echo "Bail out! PostgreSQL did not start again"
seq=$(sqlq "SELECT max(seq) FROM outbox_batch")
sig=$(sqlq "SELECT hex(signature) FROM outbox_batch WHERE seq = $seq")
sqlq "UPDATE outbox_batch SET signature = randomblob(64) WHERE seq = $seq"
ct sync --hub "$HUBW" --ward W01
is "$RC" 65 "a batch with a forged signature: sync fails"
like "$ERR" "batch $seq \\(audit entries [0-9]+-[0-9]+\\) refused by the hub: bad_signature" \
	"naming the batch and why"
is "$(psqlq "SELECT last_seq FROM ward WHERE code = 'W01'")" "$((seq - 1))" \
	"the hub did not take it"
sqlq "UPDATE outbox_batch SET signature = X'$sig' WHERE seq = $seq"
ct sync --hub "$HUBW" --ward W01
is "$RC" 0 "the true signature back: taken"

# ---- the database refuses by itself, whoever connects ------------------------

# A second ward with a ledger and a key of its own.
W2DB="$WORK/w02.db"
CARDTALLY_DB=$W2DB new_ledger || echo "Bail out! cannot create W02's ledger"
CARDTALLY_DB=$W2DB ct sync key
KEY2=$OUT
ct hub enrol W02 "$KEY2" --hub "$HUB"
is "$RC" 0 "a second ward enrolled"
HUBW2="host=$PGBASE user=cardtally_ward_W02 dbname=postgres connect_timeout=5"

# A batch of W01 cut (a name in Japanese among its entries) while the hub is
# down, then offered by plain SQL through psql as W01's role, bypassing
# cardtally: the batch and entries as the outbox and the ledger hold them.
as M01 1111 staff add S06 --name "中区 太郎" --role staff --new-pin-fd 4 \
	4<<<6666
pg_stop
ct sync --hub "$HUBW" --ward W01
pg_start || echo "Bail out! PostgreSQL did not start again"
seq=$(sqlq "SELECT max(seq) FROM outbox_batch")
batch_sql() { # WARD SIGNATURE-HEX [SEQ]
	sqlq "SELECT printf('INSERT INTO batch VALUES (''$1'', %d, %d, %d,
		''\\x%s'', ''\\x%s'', ''\\x%s'', %d, 0);', seq, first_entry,
		last_entry, hex(prev_head), hex(head), '$2', made_at)
		FROM outbox_batch WHERE seq = ${3:-$seq}"
}
entry_sql() { # DETAIL-OF-THE-FIRST (SQLite; quote(detail): the true one)
	sqlq "SELECT group_concat(printf('INSERT INTO entry VALUES (''W01'',
		%d, $seq, %d, %s, %s, %s, %s, ''\\x%s'', ''\\x%s'');', id, at,
		quote(staff_id), quote(action), quote(subject),
		CASE WHEN id = b.first_entry THEN $1 ELSE quote(detail) END,
		hex(prev_hash), hex(hash)), ' ') FROM audit, outbox_batch b
		WHERE b.seq = $seq AND id BETWEEN b.first_entry AND b.last_entry"
}
sig=$(sqlq "SELECT hex(signature) FROM outbox_batch WHERE seq = $seq")
forged=$(python3 -c 'import os; print(os.urandom(64).hex())')
psqlw "$(batch_sql W01 "$forged") $(entry_sql "quote(detail)")"
is "$?" 1 "a batch with a forged signature by plain SQL: refused"
like "$PSQLERR" "batch $seq of ward W01 is not signed by the ward's enrolled key" \
	"by the database, saying why"
psqlw "$(batch_sql W01 "$sig") $(entry_sql "quote('forged')")"
is "$?" 1 "the true signature with an entry changed: refused"
like "$PSQLERR" "does not hash to its hash" "the entry's hash is recomputed"
# W02's first batch, cut and signed by W02 while the hub is out of its reach.
CARDTALLY_DB=$W2DB ct sync --hub "host=$WORK/nohub user=x" --ward W02
sig2=$(CARDTALLY_DB=$W2DB sqlq "SELECT hex(signature) FROM outbox_batch
	WHERE seq = 1")
psqlw "$(CARDTALLY_DB=$W2DB batch_sql W02 "$sig2" 1)"
is "$?" 1 "W01's role inserting W02's own signed batch: refused"
like "$PSQLERR" "row-level security" "by the row-level security"
is "$(psqlq "SELECT count(*) FROM batch WHERE seq >= $seq")" 0 \
	"none of them is stored"
psqlw "$(batch_sql W01 "$sig") $(entry_sql "quote(detail)")"
is "$?" 0 "the batch as the ward signed it, by plain SQL: taken"
ct sync --hub "$HUBW" --ward W01
is "$RC" 0 "sync after it"
like "$OUT" "batch $seq .*the hub had it already" \
	"a duplicate: the database's hashes are the appliance's"
# A ward's temporary table named entry, holding the batch's entries, does
# not stand in for the hub's: a batch with no entries at the hub is not
# whole.
as M01 1111 staff add S08 --name "Person S08" --role staff --new-pin-fd 4 \
	4<<<8888
pg_stop
ct sync --hub "$HUBW" --ward W01
pg_start || echo "Bail out! PostgreSQL did not start again"
seq=$(sqlq "SELECT max(seq) FROM outbox_batch")
sig=$(sqlq "SELECT hex(signature) FROM outbox_batch WHERE seq = $seq")
psqlw "CREATE TEMP TABLE entry AS SELECT * FROM public.entry WITH NO DATA;
	$(batch_sql W01 "$sig") $(entry_sql "quote(detail)")"
is "$?" 1 "entries in a temporary table of the ward's: refused"
like "$PSQLERR" "batch $seq of ward W01 is not whole" "the batch is not whole"
psqlw "UPDATE ward SET public_key = decode(repeat('00', 32), 'hex')"
is "$?" 1 "a ward's role cannot change its key"
psqlw "UPDATE entry SET detail = 'x' WHERE ward = 'W01'"
is "$?" 1 "nor an entry"
psqlw "DELETE FROM batch WHERE ward = 'W01'"
is "$?" 1 "nor delete a batch"
psqlw "INSERT INTO ward(code, public_key, enrolled_at)
	VALUES ('W99', decode(repeat('01', 32), 'hex'), 0)"
is "$?" 1 "nor enrol a ward"
psqlw "UPDATE ward SET last_seen = 0"
is "$(psqlq "SELECT last_seen >= $(date +%s) - 60 FROM ward WHERE code = 'W01'")" \
	t "the last sync it sets is the hub's time whatever it sends"
is "$(PGOPTIONS= "$PGBIN/psql" -X -A -t -q -h "$PGBASE" -U cardtally_ward_W01 \
	-d postgres -c "SELECT count(*) FROM ward")" 1 \
	"and it sees its own ward alone"

# ---- clock skew between wards ----------------------------------------------------

# W01's clock is 5 hours behind, W02's 7 hours ahead: both sync, the hub
# takes them in number order and receives them at its own time.
t0=$(date +%s)
CARDTALLY_NOW=$((t0 - 5 * 3600)) ct sync --hub "$HUBW" --ward W01
is "$RC" 0 "a ward whose clock is 5 hours behind: synced"
CARDTALLY_DB=$W2DB CARDTALLY_NOW=$((t0 + 7 * 3600)) \
	as M01 1111 staff add S07 --name "Person S07" --role staff \
	--new-pin-fd 4 4<<<7777
CARDTALLY_DB=$W2DB CARDTALLY_NOW=$((t0 + 7 * 3600)) \
	ct sync --hub "$HUBW2" --ward W02
is "$RC" 0 "a ward whose clock is 7 hours ahead: synced"
is "$(psqlq "SELECT bool_and(received_at BETWEEN $t0 - 60 AND $t0 + 60)
	FROM batch WHERE ward = 'W02'")" t \
	"its batches were received at the hub's time"
is "$(psqlq "SELECT made_at > $t0 + 6 * 3600 FROM batch
	WHERE ward = 'W02' ORDER BY seq DESC LIMIT 1")" t \
	"its newest made at the ward's own"
is "$(psqlq "SELECT string_agg(code || ' ' || (last_seen BETWEEN $t0 - 60
	AND $t0 + 60), ',' ORDER BY code) FROM ward")" "W01 true,W02 true" \
	"each ward's last sync is the hub's time"
# Days off: a ward 10 days behind is not silent; one 10 days ahead is
# silent once 4 days pass.
CARDTALLY_NOW=$((t0 - 10 * 86400)) ct sync --hub "$HUBW" --ward W01
CARDTALLY_DB=$W2DB CARDTALLY_NOW=$((t0 + 10 * 86400)) \
	ct sync --hub "$HUBW2" --ward W02
ct hub report --hub "$HUB" --silent-days 3 --json
is "$RC:$(printf '%s' "$OUT" | pyjson 'd["silent"]')" "0:0" \
	"a ward 10 days behind is not taken for silent"
CARDTALLY_NOW=$((t0 + 4 * 86400)) ct hub report --hub "$HUB" \
	--silent-days 3 --json
is "$(printf '%s' "$OUT" | pyjson '[w["ward"] for w in d["wards"] if w["silent"]]')" \
	'["W01","W02"]' "4 days later a ward 10 days ahead is silent too"

# ---- a ward whose local chain was rewritten ----------------------------------

# An insider changes entry 2 and recomputes every hash after it, so that
# the ledger's chain holds again; its new entries then follow the rewritten
# history, which the hub does not have.
sqlq "DROP TRIGGER audit_no_update"
python3 - "$CARDTALLY_DB" <<'EOF'
import hashlib, sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
def t(tag, b): return bytes([tag]) + struct.pack(">Q", len(b)) + b
def i(v): return bytes([1]) + struct.pack(">q", v)
def s(v): return bytes([0]) if v is None else t(2, v.encode())
prev = bytes(32)
db.execute("UPDATE audit SET subject = 'rewritten.db' WHERE id = 2")
for (id_, at, staff, action, subject, detail) in db.execute(
        "SELECT id, at, staff_id, action, subject, detail FROM audit "
        "ORDER BY id").fetchall():
    enc = (t(2, b"cardtally audit v1") + t(3, prev) + i(id_) + i(at) +
           (i(staff) if staff else bytes([0])) + s(action) + s(subject) +
           s(detail))
    h = hashlib.blake2b(enc, digest_size=32).digest()
    db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
               (prev, h, id_))
    prev = h
db.commit()
EOF
N3=$(entries)
as M01 1111 staff reactivate S05
ct audit verify
is "$RC" 0 "the rewritten ledger's own chain holds (audit verify)"
ct sync --hub "$HUBW" --ward W01
is "$RC" 65 "sync of the rewritten history: refused"
like "$ERR" "refused by the hub: chain_does_not_follow: the hub holds ward W01's entries up to" \
	"the hub says the chain does not follow, naming the batch"
like "$ERR" "^cardtally: batch [0-9]+ " "the message starts with the batch"
is "$(psqlq "SELECT subject FROM entry WHERE id = 2" | grep -c rewritten)" 0 \
	"the hub keeps the history it had"

# ---- the report ---------------------------------------------------------------

ct hub enrol W03 "$(printf '%064d' 7)" --hub "$HUB"
ct hub report --hub "$HUB" --silent-days 3
is "$RC" 0 "hub report: nobody silent yet"
like "$OUT" "^W01 \\(Naka ward\\): [0-9]+ batches, audit entries 1-$N3," \
	"W01: its batches and entries"
like "$OUT" "W03: 0 batches" "W03: none yet"
CARDTALLY_NOW=$(($(date +%s) + 4 * 86400)) ct hub report --hub "$HUB" \
	--silent-days 3 --json
is "$RC" 1 "four days later all are silent: exit 1"
is "$(printf '%s' "$OUT" | pyjson '[d["silent"], [w["ward"] for w in d["wards"] if w["silent"]]]')" \
	'[3,["W01","W02","W03"]]' "all named"

# ---- full batches -----------------------------------------------------------

# W02's ledger gains 1,200 reads, an audit entry each; the hub stores each
# full batch of 500 in one INSERT (5,000 parameters), checked row by row.
{
	echo mgmt_id,serial,location,received
	echo K1,04AA0001,SAFE9/T1,2025-06-01
} >"$WORK/w02.csv"
CARDTALLY_DB=$W2DB as S02 2222 import "$WORK/w02.csv"
CARDTALLY_DB=$W2DB as M01 1111 count start --kind partial --ranges SAFE9 \
	--assign SAFE9=S02
for ((k = 1; k <= 1200; k++)); do
	printf 'card 04BB%06d\n' "$k"
done >"$WORK/w02.sim"
CARDTALLY_DB=$W2DB as S02 2222 scan --session 1 --range SAFE9 \
	--reader "sim:$WORK/w02.sim"
is "$RC" 0 "W02: 1,200 reads"
N4=$(CARDTALLY_DB=$W2DB entries)
CARDTALLY_DB=$W2DB ct sync --hub "$HUBW2" --ward W02
is "$RC" 0 "W02: synced"
like "$OUT" "synced: the hub has audit entries 1-$N4 of $N4; 0 batches pending" \
	"W02: the hub has all $N4 entries"
is "$(psqlq "SELECT count(*) FROM batch WHERE ward = 'W02'
	AND last_entry - first_entry + 1 = 500")" 2 "W02: two full batches of 500"
# Every entry as the ledger stores it (compared by digest: 1,200 lines).
is "$(psqlq "SELECT string_agg(id || ' ' || coalesce(detail, '-') || ' ' ||
	encode(hash, 'hex'), ',' ORDER BY id) FROM entry WHERE ward = 'W02'" |
	md5sum)" \
	"$(CARDTALLY_DB=$W2DB sqlq "SELECT group_concat(id || ' ' ||
	coalesce(detail, '-') || ' ' || lower(hex(hash)), ',') FROM
	(SELECT * FROM audit ORDER BY id)" | md5sum)" \
	"W02: the hub holds every entry as the ledger stores it"

# ---- what the hub keeps cannot be changed --------------------------------------

psqlq "UPDATE entry SET detail = 'x' WHERE id = 1" >/dev/null 2>&1
ok $((!$?)) "the hub refuses to change an entry"
psqlq "DELETE FROM batch" >/dev/null 2>&1
ok $((!$?)) "or to delete a batch"

done_testing
