/*
 * The hub's side (hub.h): connecting through libpq, the hub's versioned
 * schema and its migrations, enrolling a ward, taking a ward's batches
 * and the report of every ward.  The checks that make a batch acceptable
 * run here, in the submitting transaction, for a clear verdict, and the
 * database checks all of them again by itself, whoever connects
 * (triggers of hub_schema_v1 and v2): the Ed25519 signature (with the
 * hub's own server functions, hub/pg/), a batch follows the ward's last
 * accepted one, each entry chains to the one before and hashes (BLAKE2b)
 * to its hash, the batch's entries are all there and end at its head, and
 * nothing stored is ever changed or deleted.  Each ward submits as a role
 * of its own that can insert only its own ward's rows; see doc/design.md
 * "The hub".
 */
#include "hub.h"
#include "hub_int.h"
#include "hub_module.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hub {
	PGconn *conn;
	char errmsg[512];
};

/* ---- the schema ---- */

/*
 * Version 1.  Times are Unix seconds from the clocks of whoever writes
 * them (a ward's sync, the enrolling office); entry rows are the ward's
 * audit entries as they were stored, so that anyone can recompute the
 * chain.  The ward row holds where its chain stands: the last accepted
 * batch, entry and head.
 */
static const char hub_schema_v1[] =
    "CREATE TABLE ward ("
    " code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),"
    " name text NOT NULL DEFAULT '' CHECK (length(name) <= 128),"
    " public_key bytea NOT NULL UNIQUE"
    "  CHECK (octet_length(public_key) = 32),"
    " enrolled_at bigint NOT NULL,"
    " last_seq bigint NOT NULL DEFAULT 0,"
    " last_entry bigint NOT NULL DEFAULT 0,"
    " head bytea NOT NULL DEFAULT decode(repeat('00', 32), 'hex'),"
    " last_batch_at bigint,"
    " last_seen bigint);"
    "CREATE TABLE batch ("
    " ward text NOT NULL REFERENCES ward(code),"
    " seq bigint NOT NULL CHECK (seq > 0),"
    " first_entry bigint NOT NULL CHECK (first_entry > 0),"
    " last_entry bigint NOT NULL CHECK (last_entry >= first_entry),"
    " prev_head bytea NOT NULL CHECK (octet_length(prev_head) = 32),"
    " head bytea NOT NULL CHECK (octet_length(head) = 32),"
    " signature bytea NOT NULL CHECK (octet_length(signature) = 64),"
    " made_at bigint NOT NULL,"
    " received_at bigint NOT NULL,"
    " PRIMARY KEY (ward, seq));"
    "CREATE TABLE entry ("
    " ward text NOT NULL,"
    " id bigint NOT NULL CHECK (id > 0),"
    " seq bigint NOT NULL,"
    " at bigint NOT NULL,"
    " staff_id bigint,"
    " action text,"
    " subject text,"
    " detail text,"
    " prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),"
    " hash bytea NOT NULL CHECK (octet_length(hash) = 32),"
    " PRIMARY KEY (ward, id),"
    " FOREIGN KEY (ward, seq) REFERENCES batch(ward, seq));"
    /* A batch follows the ward's last accepted one, and moves the
     * ward's chain on. */
    "CREATE FUNCTION batch_follows() RETURNS trigger LANGUAGE plpgsql AS $$"
    " DECLARE w ward%ROWTYPE;"
    " BEGIN"
    "  SELECT * INTO w FROM ward WHERE code = NEW.ward FOR UPDATE;"
    "  IF NEW.seq <> w.last_seq + 1 OR"
    "     NEW.first_entry <> w.last_entry + 1 OR"
    "     NEW.prev_head <> w.head THEN"
    "   RAISE EXCEPTION 'batch % of ward % does not follow its last"
    " accepted batch %', NEW.seq, NEW.ward, w.last_seq;"
    "  END IF;"
    "  UPDATE ward SET last_seq = NEW.seq, last_entry = NEW.last_entry,"
    "   head = NEW.head, last_batch_at = NEW.received_at"
    "   WHERE code = NEW.ward;"
    "  RETURN NEW;"
    " END $$;"
    "CREATE TRIGGER batch_follows BEFORE INSERT ON batch"
    " FOR EACH ROW EXECUTE FUNCTION batch_follows();"
    /* Each entry lies in its batch and chains to the entry before. */
    "CREATE FUNCTION entry_chains() RETURNS trigger LANGUAGE plpgsql AS $$"
    " DECLARE b batch%ROWTYPE; prev bytea;"
    " BEGIN"
    "  SELECT * INTO b FROM batch WHERE ward = NEW.ward AND seq = NEW.seq;"
    "  IF NEW.id < b.first_entry OR NEW.id > b.last_entry THEN"
    "   RAISE EXCEPTION 'entry % lies outside batch %', NEW.id, NEW.seq;"
    "  END IF;"
    "  IF NEW.id = b.first_entry THEN prev := b.prev_head;"
    "  ELSE SELECT hash INTO prev FROM entry"
    "   WHERE ward = NEW.ward AND id = NEW.id - 1;"
    "  END IF;"
    "  IF prev IS NULL OR prev <> NEW.prev_hash THEN"
    "   RAISE EXCEPTION 'entry % of ward % does not chain to the entry"
    " before it', NEW.id, NEW.ward;"
    "  END IF;"
    "  RETURN NEW;"
    " END $$;"
    "CREATE TRIGGER entry_chains BEFORE INSERT ON entry"
    " FOR EACH ROW EXECUTE FUNCTION entry_chains();"
    /* At commit: every entry of the batch is there, the last at its
     * head. */
    "CREATE FUNCTION batch_whole() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF (SELECT count(*) FROM entry WHERE ward = NEW.ward"
    "      AND seq = NEW.seq) <> NEW.last_entry - NEW.first_entry + 1 OR"
    "     (SELECT hash FROM entry WHERE ward = NEW.ward"
    "      AND id = NEW.last_entry) IS DISTINCT FROM NEW.head THEN"
    "   RAISE EXCEPTION 'batch % of ward % is not whole', NEW.seq,"
    " NEW.ward;"
    "  END IF;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE CONSTRAINT TRIGGER batch_whole AFTER INSERT ON batch"
    " DEFERRABLE INITIALLY DEFERRED"
    " FOR EACH ROW EXECUTE FUNCTION batch_whole();"
    /* What the hub holds is never changed or deleted. */
    "CREATE FUNCTION hub_append_only() RETURNS trigger LANGUAGE plpgsql"
    " AS $$ BEGIN"
    "  RAISE EXCEPTION 'the hub''s records are append-only';"
    " END $$;"
    "CREATE TRIGGER batch_append_only BEFORE UPDATE OR DELETE ON batch"
    " FOR EACH ROW EXECUTE FUNCTION hub_append_only();"
    "CREATE TRIGGER entry_append_only BEFORE UPDATE OR DELETE ON entry"
    " FOR EACH ROW EXECUTE FUNCTION hub_append_only();";

/*
 * Version 2: the hub checks by itself what only the submitting program
 * checked in version 1, whoever connects, and each ward has a role of its
 * own.  The library of cardtally_blake2b and cardtally_ed25519_verify
 * (hub/pg/) is named by the setting cardtally.pg_lib, which hub_migrate
 * sets.  The encodings are the appliance's (data/audit_hash.c, data/outbox.c):
 * a tagged field is its tag byte, a length as 8 bytes big-endian for
 * texts and bytes, then the bytes; an integer is tag 1 and 8 bytes.
 *  - the trigger functions read the hub's tables with the path of the
 *    migration, the schema's and pg_temp last (hub_migrate sets it), so
 *    that a session's temporary tables never stand in for them;
 *  - batch_follows (SECURITY DEFINER: it moves the ward's row on, which a
 *    ward's role may not) verifies the batch's signature against the
 *    ward's enrolled key and takes received_at from the hub's clock;
 *  - entry_chains recomputes each entry's BLAKE2b hash;
 *  - last_seen is the hub's clock too, whatever a writer sends;
 *  - each enrolled ward gets a login role cardtally_ward_CODE, member of
 *    cardtally_ward, which may read its own ward's rows, insert its own
 *    ward's batches and entries (row-level security), set its last_seen
 *    (to the hub's time) and nothing else.
 */
static const char hub_schema_v2[] =
    "DO $$ BEGIN"
    " EXECUTE format('CREATE FUNCTION cardtally_blake2b(bytea) RETURNS"
    " bytea AS %L, %L LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE',"
    "  current_setting('cardtally.pg_lib'), 'cardtally_blake2b');"
    " EXECUTE format('CREATE FUNCTION cardtally_ed25519_verify(bytea,"
    " bytea, bytea) RETURNS boolean AS %L, %L LANGUAGE C IMMUTABLE STRICT"
    " PARALLEL SAFE', current_setting('cardtally.pg_lib'),"
    "  'cardtally_ed25519_verify');"
    " END $$;"
    "CREATE FUNCTION hub_now() RETURNS bigint LANGUAGE sql STABLE AS"
    " $$ SELECT floor(extract(epoch FROM now()))::bigint $$;"
    "CREATE FUNCTION hub_enc_text(t text) RETURNS bytea LANGUAGE sql"
    " IMMUTABLE AS $$ SELECT CASE WHEN t IS NULL THEN '\\x00'::bytea"
    "  ELSE '\\x02'::bytea || int8send(octet_length(convert_to(t, 'UTF8'))"
    "  ::bigint) || convert_to(t, 'UTF8') END $$;"
    "CREATE FUNCTION hub_entry_hash(prev bytea, id bigint, at bigint,"
    " staff bigint, action text, subject text, detail text) RETURNS bytea"
    " LANGUAGE sql IMMUTABLE AS $$ SELECT cardtally_blake2b("
    "  hub_enc_text('cardtally audit v1') || '\\x03'::bytea ||"
    "  int8send(octet_length(prev)::bigint) || prev ||"
    "  '\\x01'::bytea || int8send(id) || '\\x01'::bytea || int8send(at) ||"
    "  CASE WHEN staff > 0 THEN '\\x01'::bytea || int8send(staff)"
    "  ELSE '\\x00'::bytea END ||"
    "  hub_enc_text(action) || hub_enc_text(subject) ||"
    "  hub_enc_text(detail)) $$;"
    "CREATE FUNCTION hub_batch_message(seq bigint, first bigint, last"
    " bigint, prev_head bytea, head bytea) RETURNS bytea LANGUAGE sql"
    " IMMUTABLE AS $$ SELECT convert_to('cardtally batch v1', 'UTF8') ||"
    "  int8send(seq) || int8send(first) || int8send(last) || prev_head ||"
    "  head $$;"
    "CREATE OR REPLACE FUNCTION batch_follows() RETURNS trigger"
    " LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$"
    " DECLARE w ward%ROWTYPE;"
    " BEGIN"
    "  SELECT * INTO w FROM ward WHERE code = NEW.ward FOR UPDATE;"
    "  IF NOT FOUND THEN"
    "   RAISE EXCEPTION 'ward % is not enrolled', NEW.ward;"
    "  END IF;"
    "  IF NOT cardtally_ed25519_verify(hub_batch_message(NEW.seq,"
    "      NEW.first_entry, NEW.last_entry, NEW.prev_head, NEW.head),"
    "      NEW.signature, w.public_key) THEN"
    "   RAISE EXCEPTION 'batch % of ward % is not signed by the ward''s"
    " enrolled key', NEW.seq, NEW.ward;"
    "  END IF;"
    "  IF NEW.seq <> w.last_seq + 1 OR"
    "     NEW.first_entry <> w.last_entry + 1 OR"
    "     NEW.prev_head <> w.head THEN"
    "   RAISE EXCEPTION 'batch % of ward % does not follow its last"
    " accepted batch %', NEW.seq, NEW.ward, w.last_seq;"
    "  END IF;"
    "  NEW.received_at := hub_now();"
    "  UPDATE ward SET last_seq = NEW.seq, last_entry = NEW.last_entry,"
    "   head = NEW.head, last_batch_at = NEW.received_at"
    "   WHERE code = NEW.ward;"
    "  RETURN NEW;"
    " END $$;"
    "CREATE OR REPLACE FUNCTION entry_chains() RETURNS trigger"
    " LANGUAGE plpgsql SET search_path FROM CURRENT AS $$"
    " DECLARE b batch%ROWTYPE; prev bytea;"
    " BEGIN"
    "  SELECT * INTO b FROM batch WHERE ward = NEW.ward AND seq = NEW.seq;"
    "  IF NOT FOUND OR NEW.id < b.first_entry OR NEW.id > b.last_entry"
    "  THEN"
    "   RAISE EXCEPTION 'entry % lies outside batch %', NEW.id, NEW.seq;"
    "  END IF;"
    "  IF NEW.id = b.first_entry THEN prev := b.prev_head;"
    "  ELSE SELECT hash INTO prev FROM entry"
    "   WHERE ward = NEW.ward AND id = NEW.id - 1;"
    "  END IF;"
    "  IF prev IS NULL OR prev <> NEW.prev_hash THEN"
    "   RAISE EXCEPTION 'entry % of ward % does not chain to the entry"
    " before it', NEW.id, NEW.ward;"
    "  END IF;"
    "  IF hub_entry_hash(NEW.prev_hash, NEW.id, NEW.at, NEW.staff_id,"
    "      NEW.action, NEW.subject, NEW.detail) <> NEW.hash THEN"
    "   RAISE EXCEPTION 'entry % of ward % does not hash to its hash',"
    " NEW.id, NEW.ward;"
    "  END IF;"
    "  RETURN NEW;"
    " END $$;"
    /* Version 1's, reading the hub's own tables whatever the session's
     * path (a ward's temporary table named entry is not read). */
    "CREATE OR REPLACE FUNCTION batch_whole() RETURNS trigger"
    " LANGUAGE plpgsql SET search_path FROM CURRENT AS $$"
    " BEGIN"
    "  IF (SELECT count(*) FROM entry WHERE ward = NEW.ward"
    "      AND seq = NEW.seq) <> NEW.last_entry - NEW.first_entry + 1 OR"
    "     (SELECT hash FROM entry WHERE ward = NEW.ward"
    "      AND id = NEW.last_entry) IS DISTINCT FROM NEW.head THEN"
    "   RAISE EXCEPTION 'batch % of ward % is not whole', NEW.seq,"
    " NEW.ward;"
    "  END IF;"
    "  RETURN NULL;"
    " END $$;"
    /* A ward's last sync is the hub's time, whoever writes it. */
    "CREATE FUNCTION ward_seen_now() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF NEW.last_seen IS DISTINCT FROM OLD.last_seen THEN"
    "   NEW.last_seen := greatest(OLD.last_seen, hub_now());"
    "  END IF;"
    "  RETURN NEW;"
    " END $$;"
    "CREATE TRIGGER ward_seen_now BEFORE UPDATE ON ward"
    " FOR EACH ROW EXECUTE FUNCTION ward_seen_now();"
    /* The wards' roles. */
    "DO $$ BEGIN"
    " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cardtally_ward')"
    " THEN CREATE ROLE cardtally_ward NOLOGIN; END IF;"
    " END $$;"
    "CREATE FUNCTION ward_role(code text) RETURNS name LANGUAGE sql"
    " IMMUTABLE AS $$ SELECT ('cardtally_ward_' || code)::name $$;"
    "CREATE FUNCTION ward_role_make(code text) RETURNS void"
    " LANGUAGE plpgsql AS $$ BEGIN"
    "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ward_role(code))"
    "  THEN EXECUTE format('CREATE ROLE %I LOGIN', ward_role(code));"
    "  END IF;"
    "  EXECUTE format('GRANT cardtally_ward TO %I', ward_role(code));"
    " END $$;"
    "CREATE FUNCTION ward_enrolled() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM ward_role_make(NEW.code); RETURN NULL; END $$;"
    "CREATE TRIGGER ward_enrolled AFTER INSERT ON ward"
    " FOR EACH ROW EXECUTE FUNCTION ward_enrolled();"
    "SELECT ward_role_make(code) FROM ward;"
    "REVOKE ALL ON hub_schema, ward, batch, entry FROM PUBLIC;"
    "GRANT SELECT ON hub_schema TO cardtally_ward;"
    "GRANT SELECT, UPDATE (last_seen) ON ward TO cardtally_ward;"
    "GRANT SELECT, INSERT ON batch, entry TO cardtally_ward;"
    "ALTER TABLE ward ENABLE ROW LEVEL SECURITY;"
    "ALTER TABLE batch ENABLE ROW LEVEL SECURITY;"
    "ALTER TABLE entry ENABLE ROW LEVEL SECURITY;"
    "CREATE POLICY ward_own ON ward TO cardtally_ward"
    " USING (current_user = ward_role(code));"
    "CREATE POLICY batch_own ON batch TO cardtally_ward"
    " USING (current_user = ward_role(ward))"
    " WITH CHECK (current_user = ward_role(ward));"
    "CREATE POLICY entry_own ON entry TO cardtally_ward"
    " USING (current_user = ward_role(ward))"
    " WITH CHECK (current_user = ward_role(ward));";

/* hub_migrations[i] takes the hub from version i to i + 1; append-only. */
static const char *const hub_migrations[] = {
    hub_schema_v1, /* to version 1 */
    hub_schema_v2, /* to version 2 */
};

_Static_assert(sizeof(hub_migrations) / sizeof(hub_migrations[0]) ==
		   HUB_SCHEMA_VERSION,
	       "one migration per hub schema version");

/* Serializes migrations of one hub (any constant of ours). */
#define HUB_MIGRATE_LOCK "1633771873"

/* ---- plumbing ---- */

static int hub_fail(struct hub *h, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int hub_fail(struct hub *h, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->errmsg, sizeof(h->errmsg), fmt, ap);
	va_end(ap);
	return code;
}

/* libpq's message, on one line (it ends its own with a newline). */
static void one_line(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

/* The error of `what`: lost connection or the hub's own message. */
static int pq_error(struct hub *h, const char *what, PGresult *res)
{
	const char *m = res ? PQresultErrorMessage(res) : "";
	const char *state =
	    res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int code = HUB_ERR_SQL;

	if (!m || !*m)
		m = PQerrorMessage(h->conn);
	/* undefined_file: the server cannot load the hub's functions. */
	if (state && strcmp(state, "58P01") == 0)
		code = HUB_ERR_PG_LIB;
	if (PQstatus(h->conn) != CONNECTION_OK)
		code = HUB_ERR_UNREACHABLE;
	hub_fail(h, code, "%s: %s%s", what,
		 code == HUB_ERR_UNREACHABLE ? "connection to the hub lost: "
					     : "",
		 m && *m ? m : "no answer");
	one_line(h->errmsg);
	PQclear(res);
	return code;
}

/* Runs sql with parameters: text ones (len -1) and bytea ones (len >= 0,
 * sent binary); *out the result when rows come back (caller clears). */
static int run(struct hub *h, const char *what, const char *sql, int n,
	       const char *const *vals, const int *lens, PGresult **out)
{
	int fmts[16];
	PGresult *res;
	ExecStatusType st;

	for (int i = 0; i < n && i < 16; i++)
		fmts[i] = lens && lens[i] >= 0 ? 1 : 0;
	res = PQexecParams(h->conn, sql, n, NULL, vals, lens, fmts, 0);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pq_error(h, what, res);
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

/* Runs sql, which may hold several statements (the simple protocol). */
static int exec(struct hub *h, const char *what, const char *sql)
{
	PGresult *res = PQexec(h->conn, sql);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pq_error(h, what, res);
	PQclear(res);
	return 0;
}

static void rollback(struct hub *h)
{
	PQclear(PQexec(h->conn, "ROLLBACK"));
}

/* A bytea column of a text result into out (n bytes); -1 when not. */
static int bytea_col(PGresult *res, int row, int col, uint8_t *out, size_t n)
{
	size_t len = 0;
	unsigned char *b;

	if (PQgetisnull(res, row, col))
		return -1;
	b = PQunescapeBytea((const unsigned char *)PQgetvalue(res, row, col),
			    &len);
	if (!b)
		return -1;
	if (len != n) {
		PQfreemem(b);
		return -1;
	}
	memcpy(out, b, n);
	PQfreemem(b);
	return 0;
}

static int64_t int_col(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col)
		   ? 0
		   : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* ---- connection and schema ---- */

int hub_open(const char *conninfo, struct hub **out, char *err, size_t errlen)
{
	struct hub *h;

	*out = NULL;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to start");
		return HUB_ERR_NOMEM;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return HUB_ERR_NOMEM;
	}
	h->conn = PQconnectdb(conninfo);
	if (!h->conn || PQstatus(h->conn) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot reach the hub: %s",
			 h->conn ? PQerrorMessage(h->conn) : "out of memory");
		one_line(err);
		hub_close(h);
		return HUB_ERR_UNREACHABLE;
	}
	/* Warnings of the server (NOTICE) are not the program's output. */
	PQclear(PQexec(h->conn, "SET client_min_messages = warning"));
	*out = h;
	return 0;
}

void hub_close(struct hub *h)
{
	if (!h)
		return;
	PQfinish(h->conn);
	free(h);
}

const char *hub_errmsg(const struct hub *h)
{
	return h ? h->errmsg : "out of memory";
}

/* The schema version in the open transaction; 0 for a new hub. */
static int read_version(struct hub *h, int *v)
{
	PGresult *res = NULL;
	int rc =
	    run(h, "hub schema", "SELECT version FROM hub_schema FOR UPDATE", 0,
		NULL, NULL, &res);

	if (rc < 0)
		return rc;
	*v = PQntuples(res) == 1 ? (int)int_col(res, 0, 0) : -1;
	PQclear(res);
	if (*v < 0)
		return hub_fail(h, HUB_ERR_VERSION,
				"the hub's schema table is damaged");
	return 0;
}

int hub_migrate(struct hub *h, const char *pg_lib, int *from, int *to)
{
	int v = 0, rc;
	char sql[96];
	const char *lib[1] = {pg_lib};

	*from = *to = 0;
	/* Where the server finds the hub's functions, and the path the
	 * trigger functions keep: the hub's schema, temporary tables last
	 * (hub_schema_v2). */
	rc = run(h, "hub schema",
		 "SELECT set_config('cardtally.pg_lib', $1, false), "
		 "set_config('search_path', quote_ident(current_schema()) || "
		 "', pg_temp', false)",
		 1, lib, NULL, NULL);
	if (rc < 0)
		return rc;
	rc = exec(h, "hub schema",
		  "BEGIN; SELECT pg_advisory_xact_lock(" HUB_MIGRATE_LOCK
		  "); CREATE TABLE IF NOT EXISTS hub_schema ("
		  " one boolean PRIMARY KEY DEFAULT true CHECK (one),"
		  " version integer NOT NULL);"
		  "INSERT INTO hub_schema(version) VALUES (0)"
		  " ON CONFLICT DO NOTHING; COMMIT");
	if (rc < 0) {
		rollback(h);
		return rc;
	}
	for (;;) {
		rc =
		    exec(h, "hub schema",
			 "BEGIN; SELECT pg_advisory_xact_lock(" HUB_MIGRATE_LOCK
			 ")");
		if (rc == 0)
			rc = read_version(h, &v);
		if (rc == 0 && v > HUB_SCHEMA_VERSION)
			rc = hub_fail(h, HUB_ERR_VERSION,
				      "the hub's schema version %d is newer "
				      "than this cardtally's (%d): upgrade "
				      "cardtally",
				      v, HUB_SCHEMA_VERSION);
		if (rc < 0 || v == HUB_SCHEMA_VERSION)
			break;
		if (*from == 0 && *to == 0)
			*from = v;
		rc = exec(h, "hub migration", hub_migrations[v]);
		snprintf(sql, sizeof(sql), "UPDATE hub_schema SET version = %d",
			 v + 1);
		if (rc == 0)
			rc = exec(h, "hub migration", sql);
		if (rc == 0)
			rc = exec(h, "hub migration", "COMMIT");
		if (rc < 0)
			break;
		*to = v + 1;
	}
	if (rc < 0) {
		rollback(h);
		return rc;
	}
	if (*to == 0)
		*from = *to = v;
	return exec(h, "hub schema", "COMMIT");
}

int hub_check_version(struct hub *h)
{
	PGresult *res = PQexec(h->conn, "SELECT version FROM hub_schema");
	const char *state;
	int v;

	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		/* No table at all: a database nobody made a hub of. */
		state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		if (state && strcmp(state, "42P01") == 0) {
			PQclear(res);
			return hub_fail(h, HUB_ERR_VERSION,
					"the database is not a cardtally hub: "
					"make it one with 'cardtally hub "
					"migrate'");
		}
		return pq_error(h, "hub schema", res);
	}
	v = PQntuples(res) == 1 ? (int)int_col(res, 0, 0) : 0;
	PQclear(res);
	if (v != HUB_SCHEMA_VERSION)
		return hub_fail(h, HUB_ERR_VERSION,
				"the hub's schema version is %d, this "
				"cardtally's %d: %s",
				v, HUB_SCHEMA_VERSION,
				v < HUB_SCHEMA_VERSION
				    ? "run 'cardtally hub migrate' on the hub"
				    : "upgrade cardtally");
	return 0;
}

/* ---- wards ---- */

int hub_enrol(struct hub *h, const char *code, const char *name,
	      const uint8_t pk[OUTBOX_PK_BYTES], int64_t now)
{
	char at[24];
	const char *vals[4] = {code, name, (const char *)pk, at};
	int lens[4] = {-1, -1, OUTBOX_PK_BYTES, -1};
	PGresult *res = NULL;
	int rc;

	if (!hub_ward_valid(code))
		return hub_fail(h, HUB_ERR_INVALID,
				"a ward code is 1-%d letters, digits, _ or -, "
				"not '%s'",
				HUB_WARD_MAX, code);
	if (strlen(name) > HUB_NAME_MAX)
		return hub_fail(h, HUB_ERR_INVALID,
				"a ward's name is at most %d bytes",
				HUB_NAME_MAX);
	snprintf(at, sizeof(at), "%lld", (long long)now);
	rc = run(h, "enrol",
		 "INSERT INTO ward(code, name, public_key, enrolled_at) "
		 "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING "
		 "code",
		 4, vals, lens, &res);
	if (rc < 0)
		return rc;
	rc = PQntuples(res) == 1 ? 0 : -1;
	PQclear(res);
	if (rc < 0)
		return hub_fail(h, HUB_ERR_EXISTS,
				"ward %s or its key is enrolled already", code);
	return 0;
}

int hub_seen(struct hub *h, const char *code)
{
	const char *vals[1] = {code};
	PGresult *res = NULL;
	int rc, n;

	/* The hub's clock, not the ward's (hub_schema_v2's trigger makes it
	 * so whatever a writer sends). */
	rc = run(h, "sync",
		 "UPDATE ward SET last_seen = hub_now() WHERE code = $1 "
		 "RETURNING code",
		 1, vals, NULL, &res);
	if (rc < 0)
		return rc;
	n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return hub_fail(h, HUB_ERR_INVALID,
				"ward %s is not enrolled at the hub: enrol it "
				"with 'cardtally hub enrol %s KEY' there",
				code, code);
	return 0;
}

/* ---- batches ---- */

/* The entries run from b->first to b->last, each chained to the one
 * before from prev_head, each hash their content's, the last at head. */
static int rows_check(const struct outbox_batch *b, const struct hub_row *rows,
		      size_t nrows, char *detail, size_t detaillen)
{
	uint8_t prev[AUDIT_HASH_BYTES], h[AUDIT_HASH_BYTES];

	if ((int64_t)nrows != b->last - b->first + 1) {
		snprintf(detail, detaillen,
			 "it holds %zu entries for entries %lld-%lld", nrows,
			 (long long)b->first, (long long)b->last);
		return -1;
	}
	memcpy(prev, b->prev_head, sizeof(prev));
	for (size_t i = 0; i < nrows; i++) {
		const struct hub_row *r = &rows[i];

		audit_hash(prev, &r->e, h);
		if (r->e.id != b->first + (int64_t)i ||
		    memcmp(r->prev_hash, prev, sizeof(prev)) != 0 ||
		    memcmp(r->hash, h, sizeof(h)) != 0) {
			snprintf(detail, detaillen,
				 "entry %lld does not hash to what follows it",
				 (long long)(b->first + (int64_t)i));
			return -1;
		}
		memcpy(prev, h, sizeof(prev));
	}
	if (memcmp(prev, b->head, sizeof(prev)) != 0) {
		snprintf(detail, detaillen,
			 "its entries do not end at its head");
		return -1;
	}
	return 0;
}

/* Room for one row's parameters (insert_rows). */
struct row_params {
	char id[24], seq[24], at[24], staff[24];
	char *action, *subject, *detail;
};

/* A batch's rows go in one INSERT of 10 parameters a row, and PostgreSQL
 * takes at most 65,535 parameters in a statement. */
_Static_assert(OUTBOX_BATCH_MAX * 10 <= 65535, "a batch in one INSERT");

/*
 * The batch's entries in one INSERT, inside the batch's transaction: the
 * same checks and row triggers as an INSERT per entry, without a round
 * trip to the server per entry (a sync of a year of history took 18 times
 * as long as copying its rows).  COPY would be quicker still, but
 * PostgreSQL refuses it on a table with row-level security, which keeps
 * each ward to its own rows.
 */
static int insert_rows(struct hub *h, const char *code, int64_t seq,
		       const struct hub_row *rows, size_t nrows)
{
	static const char head[] =
	    "INSERT INTO entry(ward, id, seq, at, staff_id, action, subject, "
	    "detail, prev_hash, hash) VALUES ";
	/* "($nnnn, ... ten of them)," at most 72 bytes a row. */
	char *sql = malloc(sizeof(head) + nrows * 80);
	struct row_params *rp = calloc(nrows ? nrows : 1, sizeof(*rp));
	const char **vals = calloc(nrows * 10 + 1, sizeof(*vals));
	int *lens = calloc(nrows * 10 + 1, sizeof(*lens));
	int *fmts = calloc(nrows * 10 + 1, sizeof(*fmts));
	size_t len = 0;
	int rc = 0;

	if (nrows == 0 || nrows > OUTBOX_BATCH_MAX)
		rc = hub_fail(h, HUB_ERR_INVALID,
			      "batch: %zu entries, not 1-%d", nrows,
			      OUTBOX_BATCH_MAX);
	else if (!sql || !rp || !vals || !lens || !fmts)
		rc = hub_fail(h, HUB_ERR_NOMEM, "out of memory");
	else
		len = (size_t)sprintf(sql, "%s", head);
	for (size_t i = 0; rc == 0 && i < nrows; i++) {
		const struct hub_row *r = &rows[i];
		struct row_params *p = &rp[i];
		const char **v = &vals[i * 10];

		snprintf(p->id, sizeof(p->id), "%lld", (long long)r->e.id);
		snprintf(p->seq, sizeof(p->seq), "%lld", (long long)seq);
		snprintf(p->at, sizeof(p->at), "%lld", (long long)r->e.at);
		snprintf(p->staff, sizeof(p->staff), "%lld",
			 (long long)r->e.staff_id);
		/* The texts as stored, NULL kept apart from "". */
		p->action =
		    r->e.action ? strndup(r->e.action, r->e.action_len) : NULL;
		p->subject = r->e.subject
				 ? strndup(r->e.subject, r->e.subject_len)
				 : NULL;
		p->detail =
		    r->e.detail ? strndup(r->e.detail, r->e.detail_len) : NULL;
		if ((r->e.action && !p->action) ||
		    (r->e.subject && !p->subject) ||
		    (r->e.detail && !p->detail))
			rc = hub_fail(h, HUB_ERR_NOMEM, "out of memory");
		v[0] = code;
		v[1] = p->id;
		v[2] = p->seq;
		v[3] = p->at;
		v[4] = r->e.staff_id > 0 ? p->staff : NULL;
		v[5] = p->action;
		v[6] = p->subject;
		v[7] = p->detail;
		v[8] = (const char *)r->prev_hash;
		v[9] = (const char *)r->hash;
		for (int j = 0; j < 10; j++) {
			/* The hashes binary, the rest text. */
			lens[i * 10 + (size_t)j] = j >= 8 ? AUDIT_HASH_BYTES : -1;
			fmts[i * 10 + (size_t)j] = j >= 8;
			len += (size_t)sprintf(sql + len, "%s$%zu%s",
					       j ? "," : i ? ",(" : "(",
					       i * 10 + (size_t)j + 1,
					       j == 9 ? ")" : "");
		}
	}
	if (rc == 0) {
		PGresult *res = PQexecParams(h->conn, sql, (int)nrows * 10,
					     NULL, vals, lens, fmts, 0);

		if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = pq_error(h, "batch", res);
		else
			PQclear(res);
	}
	for (size_t i = 0; rp && i < nrows; i++) {
		free(rp[i].action);
		free(rp[i].subject);
		free(rp[i].detail);
	}
	free(sql);
	free(rp);
	free(vals);
	free(lens);
	free(fmts);
	return rc;
}

/* The verdict on b against what the hub holds, in the open transaction;
 * *decided 0 when b may be stored. */
static int judge(struct hub *h, const char *code, const struct outbox_batch *b,
		 const struct hub_row *rows, size_t nrows, enum hub_verdict *v,
		 int *decided, char *detail, size_t detaillen)
{
	char seq[24];
	const char *vals[2] = {code, seq};
	PGresult *res = NULL;
	uint8_t pk[OUTBOX_PK_BYTES], head[AUDIT_HASH_BYTES];
	int64_t last_seq, last_entry;
	int rc;

	*decided = 1;
	snprintf(seq, sizeof(seq), "%lld", (long long)b->seq);
	rc = run(h, "batch",
		 "SELECT public_key, last_seq, last_entry, head FROM ward "
		 "WHERE code = $1 FOR UPDATE",
		 1, vals, NULL, &res);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		*v = HUB_UNKNOWN_WARD;
		snprintf(detail, detaillen, "ward %s is not enrolled", code);
		return 0;
	}
	last_seq = int_col(res, 0, 1);
	last_entry = int_col(res, 0, 2);
	if (bytea_col(res, 0, 0, pk, sizeof(pk)) < 0 ||
	    bytea_col(res, 0, 3, head, sizeof(head)) < 0) {
		PQclear(res);
		return hub_fail(h, HUB_ERR_SQL,
				"the hub's row of ward %s is "
				"damaged",
				code);
	}
	PQclear(res);

	rc = run(h, "batch",
		 "SELECT first_entry, last_entry, prev_head, head, signature "
		 "FROM batch WHERE ward = $1 AND seq = $2",
		 2, vals, NULL, &res);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 1) {
		struct outbox_batch s = {.seq = b->seq};

		s.first = int_col(res, 0, 0);
		s.last = int_col(res, 0, 1);
		if (bytea_col(res, 0, 2, s.prev_head, AUDIT_HASH_BYTES) < 0 ||
		    bytea_col(res, 0, 3, s.head, AUDIT_HASH_BYTES) < 0 ||
		    bytea_col(res, 0, 4, s.sig, OUTBOX_SIG_BYTES) < 0)
			memset(&s, 0, sizeof(s));
		PQclear(res);
		if (s.first == b->first && s.last == b->last &&
		    !memcmp(s.prev_head, b->prev_head, AUDIT_HASH_BYTES) &&
		    !memcmp(s.head, b->head, AUDIT_HASH_BYTES) &&
		    !memcmp(s.sig, b->sig, OUTBOX_SIG_BYTES)) {
			*v = HUB_DUPLICATE;
		} else {
			*v = HUB_CONFLICT;
			snprintf(detail, detaillen,
				 "the hub holds another batch %lld of ward "
				 "%s (entries %lld-%lld)",
				 (long long)b->seq, code, (long long)s.first,
				 (long long)s.last);
		}
		return 0;
	}
	PQclear(res);

	if (outbox_sig_check(b, pk) < 0) {
		*v = HUB_BAD_SIGNATURE;
		snprintf(detail, detaillen,
			 "its signature is not ward %s's enrolled key's", code);
		return 0;
	}
	if (rows_check(b, rows, nrows, detail, detaillen) < 0) {
		*v = HUB_BAD_ROWS;
		return 0;
	}
	if (b->seq != last_seq + 1) {
		*v = HUB_OUT_OF_ORDER;
		snprintf(detail, detaillen,
			 "the hub's last batch of ward %s is %lld", code,
			 (long long)last_seq);
		return 0;
	}
	if (b->first != last_entry + 1 ||
	    memcmp(b->prev_head, head, AUDIT_HASH_BYTES) != 0) {
		char hx[AUDIT_HEX_BUF];

		audit_hex(head, hx);
		*v = HUB_CHAIN;
		snprintf(detail, detaillen,
			 "the hub holds ward %s's entries up to %lld with "
			 "head %s; the batch starts at entry %lld on another "
			 "history",
			 code, (long long)last_entry, hx, (long long)b->first);
		return 0;
	}
	*decided = 0;
	return 0;
}

int hub_submit(struct hub *h, const char *code, const struct outbox_batch *b,
	       const struct hub_row *rows, size_t nrows, enum hub_verdict *v,
	       char *detail, size_t detaillen)
{
	char seq[24], first[24], last[24], made[24];
	const char *vals[8] = {code,
			       seq,
			       first,
			       last,
			       (const char *)b->prev_head,
			       (const char *)b->head,
			       (const char *)b->sig,
			       made};
	int lens[8] = {-1,
		       -1,
		       -1,
		       -1,
		       AUDIT_HASH_BYTES,
		       AUDIT_HASH_BYTES,
		       OUTBOX_SIG_BYTES,
		       -1};
	int decided = 0, rc;

	detail[0] = '\0';
	*v = HUB_ACCEPTED;
	rc = exec(h, "batch", "BEGIN");
	if (rc == 0)
		rc = judge(h, code, b, rows, nrows, v, &decided, detail,
			   detaillen);
	if (rc < 0 || decided) {
		rollback(h);
		return rc;
	}
	snprintf(seq, sizeof(seq), "%lld", (long long)b->seq);
	snprintf(first, sizeof(first), "%lld", (long long)b->first);
	snprintf(last, sizeof(last), "%lld", (long long)b->last);
	snprintf(made, sizeof(made), "%lld", (long long)b->made_at);
	rc = run(h, "batch",
		 "INSERT INTO batch(ward, seq, first_entry, last_entry, "
		 "prev_head, head, signature, made_at, received_at) VALUES "
		 "($1, $2, $3, $4, $5, $6, $7, $8, hub_now())",
		 8, vals, lens, NULL);
	if (rc == 0)
		rc = insert_rows(h, code, b->seq, rows, nrows);
	if (rc == 0)
		rc = exec(h, "batch", "COMMIT");
	if (rc < 0)
		rollback(h);
	return rc;
}

/* ---- the report ---- */

int hub_report(struct hub *h, int64_t now, int silent_days,
	       int (*fn)(void *ctx, const struct hub_ward_status *w), void *ctx)
{
	PGresult *res = NULL;
	int rc = run(h, "report",
		     "SELECT w.code, w.name, w.enrolled_at, (SELECT count(*) "
		     "FROM batch b WHERE b.ward = w.code), w.last_seq, "
		     "w.last_entry, w.head, w.last_batch_at, w.last_seen "
		     "FROM ward w ORDER BY w.code",
		     0, NULL, NULL, &res);
	int n, stop = 0;

	if (rc < 0)
		return rc;
	n = PQntuples(res);
	for (int i = 0; i < n && !stop; i++) {
		struct hub_ward_status w = {0};
		uint8_t head[AUDIT_HASH_BYTES];
		int64_t since;

		snprintf(w.code, sizeof(w.code), "%s", PQgetvalue(res, i, 0));
		snprintf(w.name, sizeof(w.name), "%s", PQgetvalue(res, i, 1));
		w.enrolled_at = int_col(res, i, 2);
		w.batches = int_col(res, i, 3);
		w.last_seq = int_col(res, i, 4);
		w.last_entry = int_col(res, i, 5);
		if (bytea_col(res, i, 6, head, sizeof(head)) < 0)
			memset(head, 0, sizeof(head));
		audit_hex(head, w.head);
		w.last_batch_at = int_col(res, i, 7);
		w.last_seen = int_col(res, i, 8);
		since = w.last_seen ? w.last_seen : w.enrolled_at;
		w.silent = now - since > (int64_t)silent_days * 86400;
		stop = fn(ctx, &w);
	}
	PQclear(res);
	return stop;
}

/* ---- for the other files of hub/ (hub_int.h) ---- */

PGconn *hub_pgconn(struct hub *h)
{
	return h->conn;
}

int hub_pq_fail(struct hub *h, const char *what, PGresult *res)
{
	return pq_error(h, what, res);
}

/* ---- the part's table (hub_module.h) ---- */

CT_MODULE_EXPORT const struct hub_module ct_hub_module = {
    .stamp = {HUB_MODULE_SYMBOL, CT_VERSION},
    .open = hub_open,
    .close = hub_close,
    .errmsg = hub_errmsg,
    .migrate = hub_migrate,
    .check_version = hub_check_version,
    .enrol = hub_enrol,
    .seen = hub_seen,
    .submit = hub_submit,
    .report = hub_report,
    .ward_entries = hub_ward_entries,
};
