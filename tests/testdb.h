/*
 * A fresh, real ledger file for the unit tests of data/: a directory made
 * under $TMPDIR (else /tmp) holding one ledger, removed with its WAL files
 * at the end of each test.  Beside the ledger's own connection the helpers
 * open a second one on the file, as another process would, to look at the
 * tables directly (what is really stored, not what data/ says it stored)
 * and to put rows there that no public function writes (cards in a given
 * state, for instance).
 *
 * Use: cmocka_unit_test_setup_teardown(t, testdb_setup, testdb_teardown);
 * the test gets a struct testdb * as *state.  Include after <cmocka.h>.
 */
#ifndef CT_TESTDB_H
#define CT_TESTDB_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../data/ledger.h"
#include "tmpdir.h"

struct testdb {
	char dir[512];
	char path[600];
	struct ledger *l;
};

static inline int testdb_setup(void **state)
{
	struct testdb *t = calloc(1, sizeof(*t));
	char err[256];

	if (!t)
		return -1;
	if (test_mkdtemp(t->dir, sizeof(t->dir), "ct-data") < 0) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s/ledger.db", t->dir);
	if (ledger_create(t->path, &t->l, err, sizeof(err)) != 0) {
		fprintf(stderr, "# %s\n", err);
		rmdir(t->dir);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static inline int testdb_teardown(void **state)
{
	struct testdb *t = *state;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[640];

	ledger_close(t->l);
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", t->path, suffix[i]);
		unlink(p);
	}
	/* A test that leaves another file behind fails here. */
	assert_int_equal(rmdir(t->dir), 0);
	free(t);
	return 0;
}

/* Runs SQL through a second connection; returns SQLite's result code. */
static inline int testdb_exec(const struct testdb *t, const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	rc = sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* printf-style testdb_exec that must succeed. */
static inline void testdb_sqlf(const struct testdb *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void testdb_sqlf(const struct testdb *t, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(testdb_exec(t, sql), SQLITE_OK);
}

/* The first column of the first row of a query (printf-style) as an
 * integer; -1 when there is no row. */
static inline int64_t testdb_int(const struct testdb *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int64_t testdb_int(const struct testdb *t, const char *fmt, ...)
{
	char sql[2048];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Likewise as text into buf ("" for no row or NULL); returns buf. */
static inline const char *testdb_text(const struct testdb *t, char *buf,
				      size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline const char *testdb_text(const struct testdb *t, char *buf,
				      size_t cap, const char *fmt, ...)
{
	char sql[2048];
	sqlite3 *db;
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, cap, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf;
}

/* Audit rows with this action (and subject, unless NULL). */
static inline int64_t testdb_audits(const struct testdb *t, const char *action,
				    const char *subject)
{
	if (subject)
		return testdb_int(t,
				  "SELECT count(*) FROM audit WHERE action = "
				  "'%s' AND subject = '%s'",
				  action, subject);
	return testdb_int(t, "SELECT count(*) FROM audit WHERE action = '%s'",
			  action);
}

/* The detail of the newest audit row with this action, into buf. */
static inline const char *testdb_audit_detail(const struct testdb *t,
					      const char *action, char *buf,
					      size_t cap)
{
	return testdb_text(t, buf, cap,
			   "SELECT detail FROM audit WHERE action = '%s' "
			   "ORDER BY id DESC LIMIT 1",
			   action);
}

/* Adds a staff member through data/ and returns the id. */
static inline int64_t testdb_staff(const struct testdb *t, const char *code,
				   enum staff_role role)
{
	struct staff_rec s;
	char name[64];

	snprintf(name, sizeof(name), "Person %s", code);
	assert_int_equal(ledger_staff_add(t->l, code, name, role, "hash", 0, 1),
			 0);
	assert_int_equal(ledger_staff_get(t->l, code, &s), 0);
	return s.id;
}

/* A location through data/; returns its id. */
static inline int64_t testdb_location(const struct testdb *t, const char *path)
{
	int64_t id;

	assert_int_equal(ledger_location_ensure(t->l, path, &id), 0);
	return id;
}

/*
 * Puts a card straight into the card table (no public function adds one
 * card: import does it from a file), at location loc (created), in status
 * `status`, received on `received` (YYYY-MM-DD).  Returns its id.
 */
static inline int64_t testdb_card_on(const struct testdb *t, const char *mgmt,
				     const char *serial, const char *loc,
				     const char *status, const char *received)
{
	int64_t at = testdb_location(t, loc);

	testdb_sqlf(t,
		    "INSERT INTO card(mgmt_id, serial, location_id, status, "
		    "received, updated_at) VALUES ('%s', '%s', %lld, '%s', "
		    "'%s', 0)",
		    mgmt, serial, (long long)at, status, received);
	return testdb_int(t, "SELECT id FROM card WHERE mgmt_id = '%s'", mgmt);
}

static inline int64_t testdb_card(const struct testdb *t, const char *mgmt,
				  const char *serial, const char *loc,
				  const char *status)
{
	return testdb_card_on(t, mgmt, serial, loc, status, "2026-01-05");
}

/* The status of card mgmt as stored. */
static inline const char *testdb_status(const struct testdb *t,
					const char *mgmt, char *buf, size_t cap)
{
	return testdb_text(
	    t, buf, cap, "SELECT status FROM card WHERE mgmt_id = '%s'", mgmt);
}

/* Opens a session of `kind` over one range (NULL: every range) started by
 * actor at `now`; returns its id. */
static inline int64_t testdb_session(const struct testdb *t,
				     enum session_kind kind, const char *range,
				     int64_t actor, int64_t now)
{
	const char *r[1] = {range};
	int64_t id;

	assert_int_equal(ledger_session_start(t->l, kind, range ? r : NULL,
					      range ? 1 : 0, actor, now, &id),
			 0);
	return id;
}

/*
 * Records one read the way the scan loop does (look up, decide accepted or
 * repeat, record, in one transaction), of `serial` by staff in range
 * `range` (NULL: none, as in a tally) of session at time `at`, flagged as
 * made while the safe was closed when safe_closed.  Returns the scan's id.
 */
static inline int64_t testdb_read_flag(const struct testdb *t, int64_t session,
				       const char *range, const char *serial,
				       int64_t staff, int64_t at,
				       int safe_closed)
{
	struct ledger_scanner *sc;
	struct scan_lookup lk;
	int64_t range_id = 0;

	if (range)
		assert_int_equal(ledger_location_find(t->l, range, &range_id),
				 0);
	assert_int_equal(ledger_scanner_open(t->l, session, &sc), 0);
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_scanner_lookup(sc, serial, &lk), 0);
	assert_int_equal(ledger_scanner_record(
			     sc, range_id, serial, lk.known ? lk.card.id : 0,
			     staff, at, lk.seen_before ? "repeat" : "accepted",
			     NULL, safe_closed, NULL, 0),
			 0);
	assert_int_equal(ledger_commit(t->l), 0);
	ledger_scanner_close(sc);
	return testdb_int(t, "SELECT max(id) FROM scan");
}

static inline int64_t testdb_read(const struct testdb *t, int64_t session,
				  const char *range, const char *serial,
				  int64_t staff, int64_t at)
{
	return testdb_read_flag(t, session, range, serial, staff, at, 0);
}

/* The error message must mention `part`. */
#define assert_errmsg(l, part)                                                 \
	do {                                                                   \
		if (!strstr(ledger_errmsg(l), (part)))                         \
			fail_msg("error message '%s' lacks '%s'",              \
				 ledger_errmsg(l), (part));                    \
	} while (0)

#endif
