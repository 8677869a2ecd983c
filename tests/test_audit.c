/*
 * Unit tests of the audit log's hash chain (data/audit.c): the canonical
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
#include <sqlite3.h>

#include "../data/ledger.h"
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
	char dir[64];
	char path[128];
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
	char p[160];

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
					       "accepted", NULL, 0),
			 0);
	assert_int_equal(ledger_scanner_record(sc, loc, "04C9", 0, s.id, 2007,
					       "alert", "unknown", 0),
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
		  "PRAGMA writable_schema = ON;"
		  "UPDATE sqlite_schema SET sql = replace(sql, "
		  "'''deceased'',''lost''))', '''deceased''))') "
		  "WHERE name = 'card';"
		  "PRAGMA writable_schema = OFF;"
		  "PRAGMA user_version = 1;");
	assert_int_equal(ledger_open(f->path, &f->l, err, sizeof(err)), 0);
	assert_int_equal(ledger_schema_version(f->l), LEDGER_SCHEMA_VERSION);
	assert_int_equal(ledger_audit_verify(f->l, NULL, 0, &v), 0);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.records, 2);
	/* 6 + staff + session = 8 old rows, 2 reads, 2 migration entries
	 * (version 2's chain, version 10's card status), and version 11's
	 * state of the card (added behind the log's back in version 1) and of
	 * the staff member, with its migration entry. */
	assert_int_equal(v.entries, 15);
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

static void problem_names(void **state)
{
	(void)state;
	assert_string_equal(audit_problem_name(AUDIT_INTACT), "intact");
	assert_string_equal(audit_problem_name(AUDIT_CONTENT),
			    "content_changed");
	assert_string_equal(audit_problem_name((enum audit_problem)99),
			    "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(encoding_layout),
	    cmocka_unit_test(encoding_is_unambiguous),
	    cmocka_unit_test(hash_covers_every_field),
	    cmocka_unit_test(hash_known_vectors),
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
	    cmocka_unit_test_setup_teardown(truncation_needs_the_anchor, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(recomputed_chain_needs_the_anchor,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(broken_link_is_found, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(version_1_file_is_chained, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(notes_are_chained, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
