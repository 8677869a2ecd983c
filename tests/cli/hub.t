#!/usr/bin/env bash
# The city-wide hub (issue 16) against a real PostgreSQL 15 that this test
# starts on a Unix socket in a temporary directory of its own (as root, the
# server runs as nobody) and stops at the end: the hub's schema made and
# migrated again; a ward's key (mode 0600, made once); enrolment; a sync
# whose batches hold every audit entry as the ledger stores it; a batch
# sent twice stored once; the hub down, the batches kept, and sent when it
# is back; a forged signature refused, naming the batch; a ward whose local
# chain was rewritten (hashes recomputed, so that the ledger alone cannot
# tell) refused by the hub; the report of silent wards.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/pg.sh"

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

ct hub migrate --hub "$HUB"
is "$RC:$OUT" "0:hub schema version 0 -> 1" "hub migrate makes the schema"
ct hub migrate --hub "$HUB"
is "$RC:$OUT" "0:hub schema version 1: up to date" "and again changes nothing"

ct sync --hub "$HUB" --ward W01 --batch 3
is "$RC" 65 "sync of a ward not enrolled: refused"
like "$ERR" "ward W01 is not enrolled at the hub" "it says so"
ct hub enrol W01 "$KEY" --name "Naka ward" --hub "$HUB"
is "$RC:$OUT" "0:enrolled ward W01" "hub enrol registers the ward's key"
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
ct sync --hub "$HUB" --ward W01 --batch 3
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
ct sync --hub "$HUB" --ward W01 --json
is "$RC" 0 "sync with nothing new"
is "$(printf '%s' "$OUT" | pyjson '[d["cut"], d["sent"], d["pending"]]')" \
	"[0,0,0]" "cuts and sends nothing"

# ---- a duplicate: the hub stored it, the acknowledgement was lost -------------

sqlq "UPDATE outbox_batch SET acked_at = NULL WHERE seq >= $((nb - 1))"
ct sync --hub "$HUB" --ward W01
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
ct sync --hub "$HUB" --ward W01
is "$RC" 69 "sync while the hub is down: exit 69"
like "$ERR" "the hub cannot be reached: .*the batches wait in the outbox" \
	"it says so"
is "$(sqlq "SELECT count(*) FROM outbox_batch WHERE acked_at IS NULL")" 1 \
	"the new entries wait in a batch"
pg_start || echo "Bail out! PostgreSQL did not start again"
ct sync --hub "$HUB" --ward W01
is "$RC" 0 "sync once the hub is back"
is "$(psqlq "SELECT max(id) FROM entry")" "$N2" "the hub has the new entries"
is "$(sqlq "SELECT count(*) FROM outbox_batch WHERE acked_at IS NULL")" 0 \
	"nothing is pending"

# ---- a forged signature ------------------------------------------------------

as M01 1111 staff deactivate S05
pg_stop
ct sync --hub "$HUB" --ward W01
pg_start || echo "Bail out! PostgreSQL did not start again"
seq=$(sqlq "SELECT max(seq) FROM outbox_batch")
sig=$(sqlq "SELECT hex(signature) FROM outbox_batch WHERE seq = $seq")
sqlq "UPDATE outbox_batch SET signature = randomblob(64) WHERE seq = $seq"
ct sync --hub "$HUB" --ward W01
is "$RC" 65 "a batch with a forged signature: sync fails"
like "$ERR" "batch $seq \\(audit entries [0-9]+-[0-9]+\\) refused by the hub: bad_signature" \
	"naming the batch and why"
is "$(psqlq "SELECT last_seq FROM ward WHERE code = 'W01'")" "$((seq - 1))" \
	"the hub did not take it"
sqlq "UPDATE outbox_batch SET signature = X'$sig' WHERE seq = $seq"
ct sync --hub "$HUB" --ward W01
is "$RC" 0 "the true signature back: taken"

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
ct sync --hub "$HUB" --ward W01
is "$RC" 65 "sync of the rewritten history: refused"
like "$ERR" "refused by the hub: chain_does_not_follow: the hub holds ward W01's entries up to" \
	"the hub says the chain does not follow, naming the batch"
like "$ERR" "^cardtally: batch [0-9]+ " "the message starts with the batch"
is "$(psqlq "SELECT subject FROM entry WHERE id = 2" | grep -c rewritten)" 0 \
	"the hub keeps the history it had"

# ---- the report ---------------------------------------------------------------

ct hub enrol W02 "$(printf '%064d' 7)" --hub "$HUB"
ct hub report --hub "$HUB" --silent-days 3
is "$RC" 0 "hub report: nobody silent yet"
like "$OUT" "^W01 \\(Naka ward\\): [0-9]+ batches, audit entries 1-$N3," \
	"W01: its batches and entries"
like "$OUT" "W02: 0 batches" "W02: none yet"
CARDTALLY_NOW=$(($(date +%s) + 4 * 86400)) ct hub report --hub "$HUB" \
	--silent-days 3 --json
is "$RC" 1 "four days later both are silent: exit 1"
is "$(printf '%s' "$OUT" | pyjson '[d["silent"], [w["ward"] for w in d["wards"] if w["silent"]]]')" \
	'[2,["W01","W02"]]' "both named"

# ---- what the hub keeps cannot be changed --------------------------------------

psqlq "UPDATE entry SET detail = 'x' WHERE id = 1" >/dev/null 2>&1
ok $((!$?)) "the hub refuses to change an entry"
psqlq "DELETE FROM batch" >/dev/null 2>&1
ok $((!$?)) "or to delete a batch"

done_testing
