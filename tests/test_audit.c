/*
 * Unit tests of the audit log's hash chain (data/audit_hash.c, data/audit.c): the canonical
 * encoding (length-prefixed, NULL apart from "", every field covered),
 * hashes checked against vectors computed independently with Python's
 * hashlib.blake2b, hex helpers, chained appends through the ledger, and
 * verification finding rows changed, deleted, moved or cut off behind the
 * program's back (through a raw SQLite connection, as an intruder with the
 * file would).  The CLI tests (tests/cli/audit.t) do the same end to end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "../data/import.h"
#include "../data/ledger.h"
#include "../reconcile/rules.h"
#include "schema_undo.h"
#include "tmpdir.h"

static const uint8_t zero[AUDIT_HASH_BYTES];

static struct audit_entry entry(int64_t id, int64_t at, int64_t staff,
				const char *action, const char *subject,
				const char *detail)
{
	struct audit_entry e = {.id = id, .at = at, .staff_id = staff};

	e.action = action;
	e.action_len = action ? strlen(action) : 0;
	e.subject = subject;
	e.subject_len = subject ? strlen(subject) : 0;
	e.detail = detail;
	e.detail_len = detail ? strlen(detail) : 0;
	return e;
}

static void hex_of(const uint8_t *prev, const struct audit_entry *e,
		   char out[AUDIT_HEX_BUF])
{
	uint8_t h[AUDIT_HASH_BYTES];

	audit_hash(prev, e, h);
	audit_hex(h, out);
}

/* ---- encoding and hash ---- */

static void encoding_layout(void **state)
{
	struct audit_entry e = entry(1, 2, 0, "a", NULL, "");
	uint8_t buf[256];
	size_t n;

	(void)state;
	n = audit_encode(zero, &e, NULL, 0);
	assert_int_equal(audit_encode(zero, &e, buf, sizeof(buf)), n);
	/* domain: tag 2, length 18, "cardtally audit v1" */
	assert_int_equal(buf[0], 2);
	assert_int_equal(buf[8], 18);
	assert_memory_equal(buf + 9, "cardtally audit v1", 18);
	/* prev: tag 3, length 32, 32 bytes; id and at: tag 1 + 8 bytes;
	 * staff NULL: tag 0; action: tag 2 + 8 + 1; subject NULL: tag 0;
	 * detail "": tag 2 + 8 */
	assert_int_equal(n, 27 + 41 + 9 + 9 + 1 + 10 + 1 + 9);
	assert_int_equal(buf[27], 3);
	assert_int_equal(buf[27 + 41], 1);
	assert_int_equal(buf[27 + 41 + 8], 1); /* id 1, big-endian */
	/* A buffer too small is not overrun, and the length still told. */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(audit_encode(zero, &e, buf, 10), n);
	assert_int_equal(buf[10], 0xee);
}

static void encoding_is_unambiguous(void **state)
{
	char a[AUDIT_HEX_BUF], b[AUDIT_HEX_BUF];
	struct audit_entry x, y;

	(void)state;
	/* Moving bytes from one field to the next changes the hash. */
	x = entry(1, 1, 0, "ab", "c", NULL);
	y = entry(1, 1, 0, "a", "bc", NULL);
	hex_of(zero, &x, a);
	hex_of(zero, &y, b);
	assert_string_not_equal(a, b);
	/* NULL and "" differ. */
	x = entry(1, 1, 0, "a", NULL, NULL);
	y = entry(1, 1, 0, "a", "", NULL);
	hex_of(zero, &x, a);
	hex_of(zero, &y, b);
	assert_string_not_equal(a, b);
	/* Subject and detail are not interchangeable. */
	x = entry(1, 1, 0, "a", "s", NULL);
	y = entry(1, 1, 0, "a", NULL, "s");
	hex_of(zero, &x, a);
	hex_of(zero, &y, b);
	assert_string_not_equal(a, b);
	/* A NUL byte inside a text is hashed, not a terminator. */
	x = entry(1, 1, 0, "a", "s", NULL);
	y = x;
	y.subject = "s\0t";
	y.subject_len = 3;
	hex_of(zero, &x, a);
	hex_of(zero, &y, b);
	assert_string_not_equal(a, b);
}

static void hash_covers_every_field(void **state)
{
	struct audit_entry base = entry(5, 100, 3, "act", "sub", "det");
	struct audit_entry v[7];
	uint8_t prev2[AUDIT_HASH_BYTES] = {1};
	char h0[AUDIT_HEX_BUF], h[AUDIT_HEX_BUF];

	(void)state;
	hex_of(zero, &base, h0);
	for (int i = 0; i < 7; i++)
		v[i] = base;
	v[0].id = 6;
	v[1].at = 101;
	v[2].staff_id = 0;
	v[3].action = "acu";
	v[4].subject = "suc";
	v[5].detail = "deu";
	v[6].detail_len = 2;
	for (int i = 0; i < 7; i++) {
		hex_of(zero, &v[i], h);
		assert_string_not_equal(h, h0);
	}
	hex_of(prev2, &base, h);
	assert_string_not_equal(h, h0);
}

/* Vectors from Python: hashlib.blake2b(encoding, digest_size=32). */
static void hash_known_vectors(void **state)
{
	struct audit_entry e1 = entry(1, 1700000000, 0, "ledger.init",
				      "/var/lib/cardtally/ledger.db", NULL);
	struct audit_entry e2 =
	    entry(2, 1700000001, 7, "staff.add", "S02", "staff");
	uint8_t h1[AUDIT_HASH_BYTES];
	char hex[AUDIT_HEX_BUF];

	(void)state;
	assert_int_equal(audit_encode(zero, &e1, NULL, 0), 145);
	audit_hash(zero, &e1, h1);
	audit_hex(h1, hex);
	assert_string_equal(hex, "beb62892786610fa727964f15aade489"
				 "59c819bd2a3972996bc0cbd9c2ac42b7");
	assert_int_equal(audit_encode(h1, &e2, NULL, 0), 139);
	hex_of(h1, &e2, hex);
	assert_string_equal(hex, "6766a657dcda74aa5c265993499cc8dd"
				 "6f10b5758b6e067a19d4d3050e420ebd");
}

/* An entry too long for audit_hash's buffer is hashed as it is encoded
 * (data/audit_hash.c, encode): the same bytes as audit_encode writes. */
static void long_entry_hashes_as_encoded(void **state)
{
	static char detail[3001];
	static uint8_t buf[4096];
	uint8_t h[AUDIT_HASH_BYTES], want[AUDIT_HASH_BYTES],
	    got[AUDIT_HASH_BYTES];
	struct audit_entry e;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(detail) - 1; i++)
		detail[i] = (char)('a' + i % 26);
	e = entry(42, 1700000002, 3, "import.cards", "SAFE1/T01", detail);
	memset(h, 0x5a, sizeof(h));
	n = audit_encode(h, &e, NULL, 0);
	assert_true(n > 1024 && n <= sizeof(buf));
	assert_int_equal(audit_encode(h, &e, buf, sizeof(buf)), n);
	crypto_generichash(want, sizeof(want), buf, n, NULL, 0);
	audit_hash(h, &e, got);
	assert_memory_equal(got, want, AUDIT_HASH_BYTES);
}

static void hex_round_trip(void **state)
{
	uint8_t h[AUDIT_HASH_BYTES], back[AUDIT_HASH_BYTES];
	char hex[AUDIT_HEX_BUF], upper[AUDIT_HEX_BUF],
	    longer[AUDIT_HEX_BUF + 1];

	(void)state;
	for (int i = 0; i < AUDIT_HASH_BYTES; i++)
		h[i] = (uint8_t)(i * 37 + 5);
	audit_hex(h, hex);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(audit_hex_parse(hex, back), 0);
	assert_memory_equal(h, back, AUDIT_HASH_BYTES);
	for (int i = 0; i < AUDIT_HEX_BUF; i++)
		upper[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
	assert_int_equal(audit_hex_parse(upper, back), 0);
	assert_memory_equal(h, back, AUDIT_HASH_BYTES);
	assert_int_equal(audit_hex_parse("abc", back), -1);
	hex[5] = 'g';
	assert_int_equal(audit_hex_parse(hex, back), -1);
	snprintf(longer, sizeof(longer), "%s0", upper);
	assert_int_equal(audit_hex_parse(longer, back), -1);
}

/* ---- the chain in a ledger ---- */

struct fixture {
	char dir[256];
	char path[300];
	struct ledger *l;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (!f)
		return -1;
	if (test_mkdtemp(f->dir, sizeof(f->dir), "ct-audit") < 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/l.db", f->dir);
	if (ledger_create(f->path, &f->l, err, sizeof(err)) != 0)
		return -1;
	for (int i = 1; i <= 6; i++) {
		char detail[32];

		snprintf(detail, sizeof(detail), "step %d", i);
		if (ledger_audit(f->l, 0, 1000 + i, "test", "x", detail) != 0)
			return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[320];

	ledger_close(f->l);
	for (const char *const *s =
		 (const char *const[]){"", "-wal", "-shm", NULL};
	     *s; s++) {
		snprintf(p, sizeof(p), "%s%s", f->path, *s);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs SQL on the file through its own connection, with the append-only
 * triggers dropped first, as an intruder would. */
static void tamper(const struct fixture *f, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TRIGGER IF EXISTS audit_no_update;"
				      "DROP TRIGGER IF EXISTS audit_no_delete;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* One integer from SQL run on the file through its own connection. */
static int64_t raw_int(const struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void verify(struct fixture *f, const uint8_t *anchor, int64_t at,
		   struct audit_verify *v)
{
	assert_int_equal(ledger_audit_verify(f->l, anchor, at, v), 0);
}

static void chain_appends_and_verifies(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;
	uint8_t prev[AUDIT_HASH_BYTES] = {0}, h[AUDIT_HASH_BYTES];

	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.entries, 6);
	assert_int_equal(v.last_id, 6);
	/* The anchor is the last row's hash, recomputable from outside. */
	for (int i = 1; i <= 6; i++) {
		char detail[32];
		struct audit_entry e;

		snprintf(detail, sizeof(detail), "step %d", i);
		e = entry(i, 1000 + i, 0, "test", "x", detail);
		audit_hash(prev, &e, h);
		memcpy(prev, h, sizeof(h));
	}
	assert_memory_equal(v.anchor, h, AUDIT_HASH_BYTES);
	/* With the anchor, anywhere or at its entry. */
	verify(f, h, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	verify(f, h, 6, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	/* An anchor of an earlier state holds as the log grows. */
	assert_int_equal(ledger_audit(f->l, 0, 2000, "more", NULL, NULL), 0);
	verify(f, h, 6, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.entries, 7);
	assert_memory_not_equal(v.anchor, h, AUDIT_HASH_BYTES);
}

static void changed_field_is_found(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;

	tamper(f, "UPDATE audit SET detail = 'step x' WHERE id = 3");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_CONTENT);
	assert_int_equal(v.bad_id, 3);
	assert_string_equal(v.table, "audit");
	assert_int_equal(v.entries, 2);
}

static void wrong_type_is_found(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;

	/* 1004.0 would read back as 1004: the type itself is checked. */
	tamper(f, "UPDATE audit SET at = 1004.25 WHERE id = 4");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_MALFORMED);
	assert_int_equal(v.bad_id, 4);
}

static void deleted_row_is_found(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;

	tamper(f, "DELETE FROM audit WHERE id = 4");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_GAP);
	assert_int_equal(v.bad_id, 4);
	tamper(f, "DELETE FROM audit WHERE id = 1");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_GAP);
	assert_int_equal(v.bad_id, 1);
}

static void swapped_rows_are_found(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;

	/* Whole rows moved (hashes with them): out of order at the first. */
	tamper(f, "UPDATE audit SET id = -2 WHERE id = 2;"
		  "UPDATE audit SET id = 2 WHERE id = 5;"
		  "UPDATE audit SET id = 5 WHERE id = -2;");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_ORDER);
	assert_int_equal(v.bad_id, 2);
}

static void swapped_contents_are_found(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;

	/* Contents exchanged, hashes left in place. */
	tamper(f, "UPDATE audit SET detail = CASE id WHEN 2 THEN 'step 5' "
		  "ELSE 'step 2' END, at = CASE id WHEN 2 THEN 1005 ELSE 1002 "
		  "END WHERE id IN (2, 5)");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_CONTENT);
	assert_int_equal(v.bad_id, 2);
}

/*
 * A log of many batches of the second thread's hashing (ledger_int.h,
 * chain_hasher), one entry larger than a batch among them: intact, and a
 * changed entry is reported as the checks in order find it -- the first
 * problem alone, not the later entry whose time goes back, which a pass
 * that took every hash as good would also have listed.
 */
static void long_log_is_checked_in_order(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;
	size_t big = 300 * 1024;
	char *detail = malloc(big + 1);

	assert_non_null(detail);
	memset(detail, 'd', 900);
	detail[900] = '\0';
	for (int i = 7; i <= 1200; i++) {
		if (i == 600) {
			memset(detail, 'b', big);
			detail[big] = '\0';
		}
		assert_int_equal(
		    ledger_audit(f->l, 0, 2000 + i, "test", "x", detail), 0);
		detail[900] = '\0';
	}
	free(detail);
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.entries, 1200);
	assert_int_equal(v.nfindings, 0);

	tamper(f, "UPDATE audit SET at = 2000 WHERE id = 1150");
	tamper(f, "UPDATE audit SET detail = 'forged' WHERE id = 1100");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_CONTENT);
	assert_int_equal(v.bad_id, 1100);
	assert_int_equal(v.entries, 1099);
	assert_int_equal(v.nfindings, 1);

	tamper(f, "UPDATE audit SET detail = 'forged' WHERE id = 600");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_CONTENT);
	assert_int_equal(v.bad_id, 600);
	assert_int_equal(v.nfindings, 1);
}

static void truncation_needs_the_anchor(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;
	uint8_t anchor[AUDIT_HASH_BYTES];

	verify(f, NULL, 0, &v);
	memcpy(anchor, v.anchor, sizeof(anchor));
	tamper(f, "DELETE FROM audit WHERE id >= 5");
	/* Without the anchor a shorter log is a valid log. */
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.entries, 4);
	verify(f, anchor, 6, &v);
	assert_int_equal(v.problem, AUDIT_TRUNCATED);
	assert_int_equal(v.bad_id, 5);
	verify(f, anchor, 0, &v);
	assert_int_equal(v.problem, AUDIT_ANCHOR_MISSING);
	/* Appending after the cut does not hide it. */
	assert_int_equal(ledger_audit(f->l, 0, 3000, "after", NULL, NULL), 0);
	assert_int_equal(ledger_audit(f->l, 0, 3001, "after", NULL, NULL), 0);
	verify(f, anchor, 6, &v);
	assert_int_equal(v.problem, AUDIT_ANCHOR_MISMATCH);
	assert_int_equal(v.bad_id, 6);
}

static void recomputed_chain_needs_the_anchor(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;
	uint8_t anchor[AUDIT_HASH_BYTES], prev[AUDIT_HASH_BYTES] = {0};
	char sql[512], hx[AUDIT_HEX_BUF], hp[AUDIT_HEX_BUF];

	verify(f, NULL, 0, &v);
	memcpy(anchor, v.anchor, sizeof(anchor));
	/* The intruder changes entry 3 and recomputes every hash after it
	 * with the published algorithm. */
	tamper(f, "UPDATE audit SET detail = 'forged' WHERE id = 3");
	for (int i = 1; i <= 6; i++) {
		char detail[32];
		uint8_t h[AUDIT_HASH_BYTES];
		struct audit_entry e;

		snprintf(detail, sizeof(detail), "step %d", i);
		e = entry(i, 1000 + i, 0, "test", "x",
			  i == 3 ? "forged" : detail);
		audit_hash(prev, &e, h);
		audit_hex(prev, hp);
		audit_hex(h, hx);
		snprintf(sql, sizeof(sql),
			 "UPDATE audit SET prev_hash = x'%s', hash = x'%s' "
			 "WHERE id = %d",
			 hp, hx, i);
		tamper(f, sql);
		memcpy(prev, h, sizeof(h));
	}
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	verify(f, anchor, 6, &v);
	assert_int_equal(v.problem, AUDIT_ANCHOR_MISMATCH);
	assert_int_equal(v.bad_id, 6);
}

static void broken_link_is_found(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;

	tamper(f, "UPDATE audit SET prev_hash = zeroblob(32) WHERE id = 4");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_LINK);
	assert_int_equal(v.bad_id, 4);
}

/* A file written before the chain (schema 1: no hashes, reads without
 * entries) is chained when it is opened, and then verifies. */
static void version_1_file_is_chained(void **state)
{
	struct fixture *f = *state;
	struct ledger_scanner *sc;
	struct audit_verify v;
	struct staff_rec s;
	int64_t sid, loc;
	char err[256];

	/* Times after the fixture's entries (1001-1006): the clock only
	 * goes forward. */
	assert_int_equal(
	    ledger_staff_add(f->l, "S1", "N", ROLE_STAFF, "h", 0, 2001), 0);
	assert_int_equal(ledger_staff_get(f->l, "S1", &s), 0);
	assert_int_equal(ledger_location_ensure(f->l, "A/T1", &loc), 0);
	tamper(f, "INSERT INTO card(mgmt_id, serial, location_id, status, "
		  "received, updated_at) VALUES ('C1', '04C1', 2, 'stored', "
		  "'2026-01-01', 0)");
	assert_int_equal(ledger_session_start(f->l, SESSION_PARTIAL,
					      (const char *const[]){"A/T1"}, 1,
					      s.id, 2005, &sid),
			 0);
	assert_int_equal(ledger_scanner_open(f->l, sid, &sc), 0);
	assert_int_equal(ledger_scanner_record(sc, loc, "04C1", 1, s.id, 2006,
					       "accepted", NULL, 0, "uid", 1),
			 0);
	assert_int_equal(ledger_scanner_record(sc, loc, "04C9", 0, s.id, 2007,
					       "alert", "unknown", 0, "uid", 1),
			 0);
	ledger_scanner_close(sc);
	ledger_close(f->l);
	f->l = NULL;
	/* Back to what version 1 wrote. */
	tamper(f, "DELETE FROM audit WHERE action = 'scan';"
		  "UPDATE audit SET prev_hash = NULL, hash = NULL;"
		  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
		  " SELECT RAISE(ABORT, 'audit log is append-only'); END;"
		  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
		  " SELECT RAISE(ABORT, 'audit log is append-only'); END;"
		  "DROP TABLE near_miss;"
		  /* later versions' tables, created again by migration */
		  "DROP TABLE disposal; DROP TABLE disposal_batch;"
		  /* and without the tables of later versions */
		  "DROP TABLE attendance; DROP TABLE course;"
		  "DROP TABLE key_handover;"
		  "DROP TABLE key_opening; DROP TABLE key_holder;"
		  /* Version 5's custody columns and terminals. */
		  "DROP TABLE tally_expected;"
		  "DROP TABLE custody_event;"
		  "CREATE TABLE custody_event (id INTEGER PRIMARY KEY,"
		  " card_id INTEGER REFERENCES card(id), kind TEXT NOT NULL,"
		  " at INTEGER NOT NULL, staff_id INTEGER REFERENCES staff(id),"
		  " location_id INTEGER REFERENCES location(id), note TEXT);"
		  "CREATE INDEX custody_card ON custody_event(card_id, at);"
		  "DROP TABLE asset;"
		  /* Version 14: receipts (the disposal went above), the
		   * card's serial NOT NULL again (restored below). */
		  "DROP TABLE receipt;"
		  /* Version 13: the profile of each read. */
		  "ALTER TABLE scan DROP COLUMN profile_version;"
		  "ALTER TABLE scan DROP COLUMN profile;"
		  /* Version 9: undoing reads. */
		  "DROP VIEW scan_live; DROP TABLE scan_undo;"
		  /* Version 6: cycle plans and count-only totals. */
		  "DROP TABLE cycle_plan_range; DROP TABLE cycle_plan;"
		  "DROP TABLE count_total;"
		  "DROP INDEX session_range_location;"
		  /* Version 7's record book. */
		  "DROP TABLE resolution; DROP TABLE recount;"
		  "ALTER TABLE session_range DROP COLUMN expected;"
		  "ALTER TABLE session_range DROP COLUMN seen;"
		  "ALTER TABLE session_range DROP COLUMN in_place;"
		  /* Version 8's flag on reads. */
		  "DROP INDEX scan_safe_closed;"
		  "ALTER TABLE scan DROP COLUMN safe_closed;"
		  /* Version 9's card status lost: the CHECK as version 1
		   * wrote it (no other connection is open to be told). */
		  "PRAGMA writable_schema = ON;" V21_UNDO V20_UNDO
		  "UPDATE sqlite_schema SET sql = replace(sql, "
		  "'''deceased'',''lost''))', '''deceased''))') "
		  "WHERE name = 'card';"
		  "UPDATE sqlite_schema SET sql = replace(sql, ' serial TEXT,', "
		  "' serial TEXT NOT NULL,') WHERE name = 'card';"
		  "PRAGMA writable_schema = OFF;"
		  "PRAGMA user_version = 1;");
	assert_int_equal(ledger_open(f->path, &f->l, err, sizeof(err)), 0);
	assert_int_equal(ledger_schema_version(f->l), LEDGER_SCHEMA_VERSION);
	assert_int_equal(ledger_audit_verify(f->l, NULL, 0, &v), 0);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.records, 2);
	/* 6 + staff + session = 8 old rows, 2 reads, 3 migration entries
	 * (version 2's chain, version 10's card status, version 14's
	 * optional serial), and version 12's state of the card (added behind
	 * the log's back in version 1) and of the staff member, with its
	 * migration entry. */
	assert_int_equal(v.entries, 16);
	assert_int_equal(v.replayed, 2);
	assert_int_equal(v.unreplayed, 0);
	/* The trigger is back. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(
	    sqlite3_exec(db, "UPDATE audit SET at = 0", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

static void notes_are_chained(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;
	struct staff_rec s;
	int64_t id;

	assert_int_equal(
	    ledger_staff_add(f->l, "P1", "N", ROLE_PARTTIME, "h", 0, 2001), 0);
	assert_int_equal(ledger_staff_get(f->l, "P1", &s), 0);
	assert_int_equal(ledger_note_add(f->l, s.id, 2009, "", NULL, &id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_note_add(f->l, s.id, 2009, "a\x01b", NULL, &id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_note_add(f->l, s.id, 2009, "x", "NOCARD", &id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(
	    ledger_note_add(f->l, s.id, 2009, "left open", NULL, &id), 0);
	assert_int_equal(ledger_audit_verify(f->l, NULL, 0, &v), 0);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.records, 1);
	tamper(f, "UPDATE near_miss SET text = 'nothing happened'");
	assert_int_equal(ledger_audit_verify(f->l, NULL, 0, &v), 0);
	assert_int_equal(v.problem, AUDIT_RECORD_CHANGED);
	assert_string_equal(v.table, "near_miss");
	assert_int_equal(v.bad_id, id);
	tamper(f, "DELETE FROM near_miss");
	assert_int_equal(ledger_audit_verify(f->l, NULL, 0, &v), 0);
	assert_int_equal(v.problem, AUDIT_RECORD_MISSING);
	assert_int_equal(v.bad_id, id);
}

/* ---- replaying the log ---- */

/* The facts of an entry as one line: "TABLE KEY found:F=V,... left:F=V,...
 * forget:F,..." per fact, "; " between facts, KEY "*" for every row. */
struct facts_text {
	char buf[1024];
};

static void put_fields(struct facts_text *t, const char *label, unsigned set,
		       const struct audit_text *v)
{
	size_t n = strlen(t->buf);
	int first = 1;

	if (!set)
		return;
	snprintf(t->buf + n, sizeof(t->buf) - n, " %s:", label);
	for (int f = 0; f < AUDIT_F_COUNT; f++) {
		if (!(set & (1u << f)))
			continue;
		n = strlen(t->buf);
		if (v)
			snprintf(t->buf + n, sizeof(t->buf) - n, "%s%s=%.*s",
				 first ? "" : ",",
				 audit_field_name((enum audit_field)f),
				 (int)v[f].len, v[f].p);
		else
			snprintf(t->buf + n, sizeof(t->buf) - n, "%s%s",
				 first ? "" : ",",
				 audit_field_name((enum audit_field)f));
		first = 0;
	}
}

static int put_fact(void *ctx, const struct audit_fact *f)
{
	struct facts_text *t = ctx;
	size_t n = strlen(t->buf);

	snprintf(t->buf + n, sizeof(t->buf) - n, "%s%s %.*s", n ? "; " : "",
		 audit_row_table(f->kind), f->key.p ? (int)f->key.len : 1,
		 f->key.p ? f->key.p : "*");
	put_fields(t, "found", f->found, f->before);
	put_fields(t, "left", f->left, f->after);
	put_fields(t, "forget", f->forget, NULL);
	return 0;
}

/* What each kind of entry says about the tables: the pure reading that
 * audit verify replays. */
static void entry_facts_table(void **state)
{
	static const struct {
		const char *action, *subject, *detail, *want;
	} cases[] = {
	    {"custody.checkout", "card A101",
	     "event=3 status=stored->checked_out from=SAFE1/T01 to=SAFE1/T01 "
	     "for=2026-03-02",
	     "card A101 found:status=stored,location=SAFE1/T01 "
	     "left:status=checked_out,location=SAFE1/T01"},
	    /* Paths with blanks, and the flag at the end. */
	    {"custody.move", "card A102",
	     "event=4 status=stored->stored from=Safe 1/Tray 2 to=Safe 1/Tray "
	     "3 "
	     "for=- safe=closed",
	     "card A102 found:status=stored,location=Safe 1/Tray 2 "
	     "left:status=stored,location=Safe 1/Tray 3"},
	    {"custody.return", "asset TERM1",
	     "event=5 status=checked_out->in_storage from=WINDOW "
	     "to=SAFE1/SHELF "
	     "for=-",
	     "asset TERM1 found:status=checked_out,location=WINDOW "
	     "left:status=in_storage,location=SAFE1/SHELF"},
	    {"custody.lost", "card L104",
	     "event=9 status=stored->lost from=SAFE1/T01 to=SAFE1/T01 for=-",
	     "card L104 found:status=stored,location=SAFE1/T01 "
	     "left:status=lost,location=SAFE1/T01"},
	    /* Not the shape a custody entry has: nothing is read into it. */
	    {"custody.move", "card A103", "event=6 status=stored", ""},
	    {"custody.move", "someone", "event=6 status=a->b from=x to=y for=-",
	     ""},
	    {"dispose.card", "D301",
	     "disposal=1 why=moved method=shred certificate= witness=1",
	     "card D301 left:status=disposed"},
	    /* The location is the last field, after a free-text name. */
	    {"asset.add", "TERM1",
	     "name=Term location=FAKE tag=- location=SAFE1/SHELF",
	     "asset TERM1 left:status=in_storage,location=SAFE1/SHELF"},
	    {"staff.add", "S02", "role=staff active=1 locked=0 pin=0123abcd",
	     "staff S02 left:role=staff,active=1,locked=0,pin=0123abcd"},
	    /* Written before the digest: the role alone, on a new row. */
	    {"staff.add", "S02", "staff",
	     "staff S02 left:role=staff,active=1,locked=0 forget:pin"},
	    {"staff.lock", "P04", "too many wrong PINs",
	     "staff P04 left:locked=1"},
	    {"staff.unlock", "P04", NULL, "staff P04 left:locked=0"},
	    {"staff.pin_failed", "P04", NULL, ""},
	    {"staff.pin_ok", "P04", "failed PIN count reset", ""},
	    {"staff.pin_refused", "P04", "account locked", ""},
	    {"staff.witness", "M05", "staff add by M01 role=manager", ""},
	    {"staff.role", "S02", "from=staff to=manager witness=M05",
	     "staff S02 found:role=staff left:role=manager"},
	    {"staff.deactivate", "S03", "witness=M05",
	     "staff S03 left:active=0"},
	    {"staff.reactivate", "S03", NULL, "staff S03 left:active=1"},
	    {"staff.pin_change", "S03", "pin=abcdef",
	     "staff S03 left:pin=abcdef"},
	    {"staff.pin_reset", "S03", "unlocked witness=M05 pin=abcdef",
	     "staff S03 left:locked=0,pin=abcdef"},
	    /* Written before the digest: the PIN unknown from there on. */
	    {"staff.pin_reset", "S03", "unlocked",
	     "staff S03 left:locked=0 forget:pin"},
	    {"staff.pin_change", "S03", NULL, "staff S03 forget:pin"},
	    /* An action this version does not know: what it says, the rest
	     * unknown. */
	    {"staff.rename", "S02", "role=staff->manager",
	     "staff S02 left:role=manager forget:active,locked,pin"},
	    {"staff.rename", "S02", NULL,
	     "staff S02 forget:role,active,locked,pin"},
	    {"import.status", "G003", "status=stored->moved",
	     "card G003 found:status=stored left:status=moved"},
	    {"state.staff", "M01", "role=manager active=0 locked=1 pin=ff",
	     "staff M01 found:role=manager,active=0,locked=1,pin=ff "
	     "left:role=manager,active=0,locked=1,pin=ff"},
	    {"import.cards", "SAFE1/T01",
	     "status=stored status_from=ledger cards=A101 A102",
	     "card A101 found:status=stored "
	     "left:status=stored,location=SAFE1/T01; card A102 "
	     "found:status=stored left:status=stored,location=SAFE1/T01"},
	    {"import.cards", "SAFE1/T03",
	     "status=moved status_from=file cards=D3",
	     "card D3 left:status=moved,location=SAFE1/T03"},
	    {"state.card", "SAFE1/T01", "status=lost cards=L1",
	     "card L1 found:status=lost,location=SAFE1/T01 "
	     "left:status=lost,location=SAFE1/T01"},
	    {"state.asset", "TERM1", "status=checked_out location=WINDOW",
	     "asset TERM1 found:status=checked_out,location=WINDOW "
	     "left:status=checked_out,location=WINDOW"},
	    /* An import before import.cards: which cards it changed is not
	     * said. */
	    {"import", NULL,
	     "rows=3 added=1 updated=2 unchanged=0 encoding=utf-8",
	     "card * forget:status,location"},
	    {"import", NULL,
	     "rows=3 added=3 updated=0 unchanged=0 encoding=utf-8", ""},
	    {"note.add", "card A101", "note=1 card=A101 text=x", ""},
	    {"scan", "session 1", "scan=1 session=1 range=2 serial=04A101", ""},
	    {"count.resolve", "session 2", "serial=04 kind=missing", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct audit_entry e = entry(1, 1, 0, cases[i].action,
					     cases[i].subject, cases[i].detail);
		struct facts_text t = {{0}};

		assert_int_equal(audit_entry_facts(&e, put_fact, &t), 0);
		if (strcmp(t.buf, cases[i].want) != 0)
			fail_msg("%s %s: got '%s', want '%s'", cases[i].action,
				 cases[i].detail ? cases[i].detail : "(null)",
				 t.buf, cases[i].want);
	}
}

static int stop_at_first(void *ctx, const struct audit_fact *f)
{
	(void)f;
	++*(int *)ctx;
	return 7;
}

static void entry_facts_stop(void **state)
{
	struct audit_entry e = entry(1, 1, 0, "import.cards", "A/T1",
				     "status=stored cards=C1 C2 C3");
	int n = 0;

	(void)state;
	assert_int_equal(audit_entry_facts(&e, stop_at_first, &n), 7);
	assert_int_equal(n, 1);
}

static void pin_digest_hides_the_hash(void **state)
{
	char a[AUDIT_PIN_DIGEST_BUF], b[AUDIT_PIN_DIGEST_BUF], d[128];
	int n;

	(void)state;
	audit_pin_digest("$argon2id$v=19$x", 16, a);
	audit_pin_digest("$argon2id$v=19$y", 16, b);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "abcdefghijklmnop"), 32);
	assert_string_not_equal(a, b);
	n = audit_staff_detail(d, sizeof(d), "staff", 1, 0, "$argon2id$v=19$x");
	assert_int_equal(n, (int)strlen(d));
	assert_null(strstr(d, "argon2"));
	assert_non_null(strstr(d, a));
	assert_int_equal(
	    audit_staff_detail(d, 20, "staff", 1, 0, "$argon2id$v=19$x"), -1);
}

static void find_problem(const struct audit_verify *v, enum audit_problem p,
			 const char *table, const char *key, const char *field)
{
	for (int64_t i = 0; i < v->nfindings && i < AUDIT_FINDINGS_MAX; i++) {
		const struct audit_finding *f = &v->findings[i];

		if (f->problem == p && strcmp(f->table, table) == 0 &&
		    strcmp(f->key, key) == 0 &&
		    (!field || (f->field && strcmp(f->field, field) == 0)))
			return;
	}
	fail_msg("no %s of %s %s %s among %lld problems", audit_problem_name(p),
		 table, key, field ? field : "", (long long)v->nfindings);
}

/* A file from before the state was recorded (version 12, the last
 * migration): its entries hold less.  Opening it records
 * every row's state; a row changed behind the log before that is named
 * where the recorded state contradicts an older entry. */
static void older_file_gets_its_state(void **state)
{
	struct fixture *f = *state;
	struct custody_item it;
	struct audit_verify v;
	struct staff_rec s;
	int64_t loc, checkout, n;
	char err[256], sql[1024];

	assert_int_equal(
	    ledger_staff_add(f->l, "S1", "N", ROLE_STAFF, "h", 0, 2001), 0);
	assert_int_equal(ledger_staff_get(f->l, "S1", &s), 0);
	assert_int_equal(ledger_location_ensure(f->l, "A/T1", &loc), 0);
	/* Cards as a version 10 import wrote them: one entry, no cards. */
	tamper(f, "INSERT INTO card(mgmt_id, serial, location_id, status, "
		  "received, updated_at) VALUES "
		  "('C1', '04C1', 2, 'stored', '2026-01-01', 2002),"
		  "('C2', '04C2', 2, 'stored', '2026-01-01', 2002)");
	assert_int_equal(ledger_audit(f->l, s.id, 2002, "import", NULL,
				      "rows=2 added=2 updated=0 unchanged=0 "
				      "encoding=utf-8"),
			 0);
	assert_int_equal(ledger_custody_get(f->l, 0, "C1", &it), 0);
	assert_int_equal(ledger_custody_record(f->l, &it, "checkout",
					       CARD_CHECKED_OUT, NULL,
					       DATE_NONE, s.id, 2003, 0),
			 0);
	checkout = raw_int(f, "SELECT max(id) FROM audit WHERE action = "
			      "'custody.checkout'");
	/* The checkout put back by hand, and the file made what it was
	 * before version 12's migration (which records the state): version
	 * 13's and 14's go too. */
	snprintf(sql, sizeof(sql),
		 "UPDATE card SET status = 'stored' WHERE mgmt_id = 'C1';"
		 "ALTER TABLE scan DROP COLUMN profile_version;"
		 "ALTER TABLE scan DROP COLUMN profile;"
		 "DROP TABLE receipt;"
		 "ALTER TABLE disposal DROP COLUMN profile_version;"
		 "ALTER TABLE disposal DROP COLUMN profile;"
		 "PRAGMA writable_schema = ON;"
		 "UPDATE sqlite_schema SET sql = replace(sql, ' serial TEXT,', "
		 "' serial TEXT NOT NULL,') WHERE name = 'card';"
		 "PRAGMA writable_schema = OFF;"
		 "PRAGMA user_version = %d;",
		 11);
	tamper(f, sql);
	ledger_close(f->l);
	assert_int_equal(ledger_open(f->path, &f->l, err, sizeof(err)), 0);
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_STATE_CHANGED);
	assert_int_equal(v.nfindings, 1);
	assert_string_equal(v.findings[0].table, "card");
	assert_string_equal(v.findings[0].key, "C1");
	assert_string_equal(v.findings[0].field, "status");
	assert_string_equal(v.findings[0].logged, "checked_out");
	assert_string_equal(v.findings[0].held, "stored");
	assert_int_equal(v.findings[0].entry, checkout);
	assert_int_equal(v.bad_id, 1);
	assert_non_null(strstr(v.what, "changed outside the log in between"));
	/* Every row recorded once, and the migration says so. */
	assert_int_equal(v.replayed, 3);
	assert_int_equal(v.unreplayed, 0);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE action = 'ledger.migrate' "
		 "AND detail = 'version=%d state recorded: cards=2 assets=0 "
		 "staff=1'",
		 12);
	n = raw_int(f, sql);
	assert_int_equal(n, 1);
	/* From here on C2 is known too. */
	tamper(f, "UPDATE card SET location_id = 1 WHERE mgmt_id = 'C2'");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.nfindings, 2);
	find_problem(&v, AUDIT_STATE_CHANGED, "card", "C2", "location");
}

/* Entries of an older version hold less: what they hold is compared, the
 * rest is counted as not compared. */
static void old_entries_are_judged_by_what_they_hold(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;

	/* A person added before staff.add held the PIN's digest. */
	tamper(f, "INSERT INTO staff(code, name, role, pin_hash, created_at) "
		  "VALUES ('S9', 'N', 'parttime', 'h', 2001)");
	assert_int_equal(
	    ledger_audit(f->l, 0, 2001, "staff.add", "S9", "parttime"), 0);
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.replayed, 1);
	assert_int_equal(v.unreplayed, 1);
	tamper(f, "UPDATE staff SET pin_hash = 'other' WHERE code = 'S9'");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	tamper(f, "UPDATE staff SET role = 'manager' WHERE code = 'S9'");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_STATE_CHANGED);
	assert_string_equal(v.findings[0].field, "role");
	assert_string_equal(v.findings[0].logged, "parttime");
	assert_string_equal(v.findings[0].held, "manager");
	tamper(f, "UPDATE staff SET role = 'parttime' WHERE code = 'S9'");
	/* A card whose place the log knew, then an import of that time that
	 * does not say which cards it changed: the card is unknown again. */
	tamper(f, "INSERT INTO location(path, depth) VALUES ('A', 1);"
		  "INSERT INTO card(mgmt_id, serial, location_id, status, "
		  "received, updated_at) VALUES ('C5', '04C5', 1, 'stored', "
		  "'2026-01-01', 2002)");
	assert_int_equal(ledger_audit(f->l, 0, 2002, "state.card", "A",
				      "status=stored cards=C5"),
			 0);
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.replayed, 2);
	assert_int_equal(v.unreplayed, 1);
	assert_int_equal(ledger_audit(f->l, 0, 2003, "import", NULL,
				      "rows=1 added=0 updated=1 unchanged=0 "
				      "encoding=utf-8"),
			 0);
	tamper(f, "UPDATE card SET status = 'issued'");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.unreplayed, 3);
}

/* An import records where each card it wrote is, a tray's worth of cards
 * per entry, just before its own entry (which then takes nothing away). */
static void import_records_its_cards(void **state)
{
	struct fixture *f = *state;
	struct import_opts o = {.encoding = IMPORT_ENC_UTF8,
				.now = 2001,
				.status_rule = recon_import_status_rule};
	struct import_result res;
	struct audit_verify v;
	size_t cap = 600 * 48 + 64, len;
	char *csv = malloc(cap);
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t per[4] = {0};
	int n = 0;

	assert_non_null(csv);
	len = (size_t)snprintf(csv, cap, "mgmt_id,serial,location,received\n");
	for (int i = 0; i < 600; i++)
		len += (size_t)snprintf(csv + len, cap - len,
					"M%04d,04%06d,S/T%d,2026-01-01\n", i, i,
					i < 590 ? 1 : 2);
	/* In one transaction of the test's, so in one chunk: on its own the
	 * import splits its writes by time too (data/import.h), which a slow
	 * build reaches with fewer rows. */
	assert_int_equal(ledger_begin(f->l), 0);
	assert_int_equal(import_run(f->l, csv, len, &o, &res), IMPORT_OK);
	assert_int_equal(ledger_commit(f->l), 0);
	import_result_free(&res);
	free(csv);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
			       "SELECT length(detail) - length(replace(detail, "
			       "' ', '')) - 1 FROM audit WHERE action = "
			       "'import.cards' ORDER BY id",
			       -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && n < 4)
		per[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* 590 in S/T1 (256 + 256 + 78), 10 in S/T2. */
	assert_int_equal(n, 4);
	assert_int_equal(per[0], 256);
	assert_int_equal(per[1], 256);
	assert_int_equal(per[2], 78);
	assert_int_equal(per[3], 10);
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.replayed, 600);
	assert_int_equal(v.unreplayed, 0);
	tamper(f, "UPDATE card SET status = 'issued' WHERE mgmt_id = 'M0595'");
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_STATE_CHANGED);
	assert_string_equal(v.findings[0].key, "M0595");
	assert_string_equal(v.findings[0].logged, "stored");
	assert_string_equal(v.findings[0].held, "issued");
}

/*
 * The replayed state of many cards (data/audit_replay.c keeps it in
 * blocks of rows, an index it doubles, and length-prefixed keys): 40,000
 * cards fill three blocks and double the index nine times; Q1149599 and
 * Q1312382 have the same 32-bit FNV-1a hash, so one is found past the
 * other; a key of 200 bytes (a subject, not an imported ID) takes two
 * bytes of length.  Every row is compared, and each change names its own
 * key.
 */
static void replay_holds_many_cards(void **state)
{
	struct fixture *f = *state;
	struct import_opts o = {.encoding = IMPORT_ENC_UTF8,
				.now = 2001,
				.status_rule = recon_import_status_rule};
	struct import_result res;
	struct audit_verify v;
	enum { N = 40000 };
	size_t cap = (N + 2) * 48 + 64, len;
	char *csv = malloc(cap), long_key[201];

	assert_non_null(csv);
	len = (size_t)snprintf(csv, cap, "mgmt_id,serial,location,received\n");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(csv + len, cap - len,
					"R%05d,05%06d,S/T%d,2026-01-01\n", i, i,
					i / 1000);
	len += (size_t)snprintf(csv + len, cap - len,
				"Q1149599,06000001,S/T7,2026-01-01\n"
				"Q1312382,06000002,S/T8,2026-01-01\n");
	assert_int_equal(import_run(f->l, csv, len, &o, &res), IMPORT_OK);
	import_result_free(&res);
	free(csv);
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.nfindings, 0);
	assert_int_equal(v.replayed, N + 2);
	assert_int_equal(v.unreplayed, 0);

	memset(long_key, 'K', 200);
	long_key[200] = '\0';
	assert_int_equal(
	    ledger_audit(f->l, 0, 3000, "dispose.card", long_key, NULL), 0);
	tamper(f, "UPDATE card SET status = 'issued' "
		  "WHERE mgmt_id = 'Q1312382';"
		  "UPDATE card SET location_id = (SELECT location_id FROM card "
		  "WHERE mgmt_id = 'R00000') WHERE mgmt_id = 'Q1149599';"
		  "UPDATE card SET mgmt_id = 'Q1149600' "
		  "WHERE mgmt_id = 'R39999';");
	verify(f, NULL, 0, &v);
	/* The card table in id order: the renamed row comes first. */
	assert_int_equal(v.problem, AUDIT_STATE_UNLOGGED);
	assert_int_equal(v.nfindings, 5);
	find_problem(&v, AUDIT_STATE_CHANGED, "card", "Q1312382", "status");
	find_problem(&v, AUDIT_STATE_CHANGED, "card", "Q1149599",
		     "location");
	find_problem(&v, AUDIT_STATE_UNLOGGED, "card", "Q1149600", NULL);
	find_problem(&v, AUDIT_STATE_MISSING, "card", "R39999", NULL);
	long_key[MGMT_ID_MAX] = '\0';
	find_problem(&v, AUDIT_STATE_MISSING, "card", long_key, NULL);
	assert_int_equal(v.replayed, N + 2 - 1);
}

/* An entry dated more than AUDIT_CLOCK_SLACK before the one before it is
 * named; within the slack it is not; later entries do not hide it. */
static void time_going_back_is_found(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;

	/* The fixture's entries are at 1001..1006. */
	assert_int_equal(
	    ledger_audit(f->l, 0, 1006 - AUDIT_CLOCK_SLACK, "t", NULL, NULL),
	    0);
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(ledger_audit(f->l, 0, 5000, "t", NULL, NULL), 0);
	assert_int_equal(ledger_audit(f->l, 0, 5000 - AUDIT_CLOCK_SLACK - 1,
				      "t", NULL, NULL),
			 0);
	assert_int_equal(ledger_audit(f->l, 0, 5100, "t", NULL, NULL), 0);
	verify(f, NULL, 0, &v);
	assert_int_equal(v.problem, AUDIT_TIME_BACKWARDS);
	assert_string_equal(v.table, "audit");
	assert_int_equal(v.bad_id, 9);
	assert_int_equal(v.nfindings, 1);
	assert_int_equal(v.entries, 10);
	assert_non_null(strstr(v.what, "61 s before entry 8"));
}

/* The day's anchor is the chain as it stood when the day ended: an entry
 * written after the end but dated before it (within the slack) does not
 * move it. */
static void day_head_is_a_prefix(void **state)
{
	struct fixture *f = *state;
	uint8_t h[AUDIT_HASH_BYTES];
	struct audit_verify v;
	int64_t id;

	verify(f, NULL, 0, &v);
	assert_int_equal(ledger_audit(f->l, 0, 2000, "t", NULL, NULL), 0);
	assert_int_equal(ledger_audit(f->l, 0, 1990, "t", NULL, NULL), 0);
	assert_int_equal(ledger_audit_head_before(f->l, 1995, &id, h), 0);
	assert_int_equal(id, 6);
	assert_memory_equal(h, v.anchor, AUDIT_HASH_BYTES);
	assert_int_equal(ledger_audit_head_before(f->l, 2001, &id, h), 0);
	assert_int_equal(id, 8);
	assert_int_equal(ledger_audit_head_before(f->l, 1000, &id, h), 0);
	assert_int_equal(id, 0);
}

static void problem_names(void **state)
{
	(void)state;
	assert_string_equal(audit_problem_name(AUDIT_INTACT), "intact");
	assert_string_equal(audit_problem_name(AUDIT_CONTENT),
			    "content_changed");
	assert_string_equal(audit_problem_name((enum audit_problem)99),
			    "unknown");
	assert_string_equal(audit_problem_name(AUDIT_STATE_CHANGED),
			    "state_changed");
	assert_string_equal(audit_problem_name(AUDIT_STATE_UNLOGGED),
			    "state_not_logged");
	assert_string_equal(audit_problem_name(AUDIT_STATE_MISSING),
			    "state_missing");
	assert_string_equal(audit_problem_name(AUDIT_TIME_BACKWARDS),
			    "time_backwards");
	/* Which problems leave the chain (and an anchor) good. */
	static const struct {
		enum audit_problem p;
		int breaks;
	} chain[] = {
	    {AUDIT_INTACT, 0},
	    {AUDIT_GAP, 1},
	    {AUDIT_LINK, 1},
	    {AUDIT_ORDER, 1},
	    {AUDIT_CONTENT, 1},
	    {AUDIT_MALFORMED, 1},
	    {AUDIT_ANCHOR_MISSING, 1},
	    {AUDIT_ANCHOR_MISMATCH, 1},
	    {AUDIT_TRUNCATED, 1},
	    {AUDIT_RECORD_CHANGED, 0},
	    {AUDIT_RECORD_UNLOGGED, 0},
	    {AUDIT_RECORD_MISSING, 0},
	    {AUDIT_STATE_CHANGED, 0},
	    {AUDIT_STATE_UNLOGGED, 0},
	    {AUDIT_STATE_MISSING, 0},
	    {AUDIT_TIME_BACKWARDS, 0},
	};
	for (size_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++)
		assert_int_equal(audit_problem_breaks_chain(chain[i].p),
				 chain[i].breaks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(encoding_layout),
	    cmocka_unit_test(encoding_is_unambiguous),
	    cmocka_unit_test(hash_covers_every_field),
	    cmocka_unit_test(hash_known_vectors),
	    cmocka_unit_test(long_entry_hashes_as_encoded),
	    cmocka_unit_test(hex_round_trip),
	    cmocka_unit_test(problem_names),
	    cmocka_unit_test_setup_teardown(chain_appends_and_verifies, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(changed_field_is_found, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(wrong_type_is_found, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(deleted_row_is_found, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(swapped_rows_are_found, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(swapped_contents_are_found, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(long_log_is_checked_in_order, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(truncation_needs_the_anchor, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(recomputed_chain_needs_the_anchor,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(broken_link_is_found, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(version_1_file_is_chained, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(notes_are_chained, setup, teardown),
	    cmocka_unit_test(entry_facts_table),
	    cmocka_unit_test(entry_facts_stop),
	    cmocka_unit_test(pin_digest_hides_the_hash),
	    cmocka_unit_test_setup_teardown(older_file_gets_its_state, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		old_entries_are_judged_by_what_they_hold, setup, teardown),
	    cmocka_unit_test_setup_teardown(import_records_its_cards, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(replay_holds_many_cards, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(time_going_back_is_found, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(day_head_is_a_prefix, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
