/*
 * Unit tests of data/undo.c against a real ledger file: taking a read back
 * (ledger_scan_undo, and the look-ups it is made of, ledger_scan_last_read
 * and ledger_scan_read_after) and the serials a session still counts
 * (ledger_session_serials).  An undo deletes nothing: the scan row and its
 * audit entry stay, a scan_undo row and a "scan.undo" entry are added, and
 * only the reads not taken back count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

struct people {
	int64_t m01, s02;
	int64_t count;
};

/* M01 (manager) and S02 (staff); cards C1-C3 in S/T1, C4 in S/T2; a
 * partial count over S/T1 and S/T2 started at 100. */
static void people_and_count(struct testdb *t, struct people *p)
{
	const char *ranges[] = {"S/T1", "S/T2"};

	p->m01 = testdb_staff(t, "M01", ROLE_MANAGER);
	p->s02 = testdb_staff(t, "S02", ROLE_STAFF);
	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T1", "stored");
	testdb_card(t, "C3", "03", "S/T1", "stored");
	testdb_card(t, "C4", "04", "S/T2", "stored");
	assert_int_equal(ledger_session_start(t->l, SESSION_PARTIAL, ranges, 2,
					      p->m01, 100, &p->count),
			 0);
}

static int has_serial(char (*v)[SERIAL_BUF], size_t n, const char *serial)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], serial) == 0)
			return 1;
	return 0;
}

static void undo_takes_back_the_latest_read(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u;
	struct people p;
	char(*v)[SERIAL_BUF];
	char buf[256];
	size_t n;
	int64_t first, second;

	people_and_count(t, &p);
	first = testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	second = testdb_read(t, p.count, "S/T1", "02", p.s02, 111);
	assert_int_equal(ledger_session_scan_count(t->l, p.count), 2);

	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "wrong tray", 120, &u), 0);
	assert_int_equal(u.scan_id, second);
	assert_string_equal(u.serial, "02");
	assert_string_equal(u.mgmt_id, "C2");
	assert_string_equal(u.outcome, "accepted");
	assert_string_equal(u.why, "");
	assert_string_equal(u.range, "S/T1");

	/* Nothing deleted: the read stays, the undo is a row of its own. */
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan"), 2);
	assert_int_equal(
	    testdb_int(t, "SELECT staff_id FROM scan_undo WHERE scan_id = %lld",
		       (long long)second),
	    p.s02);
	assert_int_equal(
	    testdb_int(t, "SELECT at FROM scan_undo WHERE scan_id = %lld",
		       (long long)second),
	    120);
	assert_string_equal(
	    testdb_text(t, buf, sizeof(buf), "SELECT reason FROM scan_undo"),
	    "wrong tray");
	assert_int_equal(testdb_audits(t, "scan.undo", "session 1"), 1);
	snprintf(buf, sizeof(buf),
		 "scan=%lld serial=02 outcome=accepted "
		 "reason=wrong tray",
		 (long long)second);
	char detail[256];
	assert_string_equal(
	    testdb_audit_detail(t, "scan.undo", detail, sizeof(detail)), buf);
	assert_int_equal(testdb_audits(t, "scan", NULL), 2);

	/* What still counts. */
	assert_int_equal(ledger_session_serials(t->l, p.count, 0, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "01");
	free(v);

	/* The next undo takes the read before; then nothing is left. */
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "again", 121, &u), 0);
	assert_int_equal(u.scan_id, first);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "again", 122, &u),
	    LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "no read left to undo");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_undo"), 2);
	assert_int_equal(testdb_audits(t, "scan.undo", NULL), 2);
}

struct unread {
	char mgmt[8][16];
	int n;
	int stop_at; /* return 7 at this card (1-based); 0: never */
};

static int on_unread(void *ctx, const char *mgmt_id, const char *serial)
{
	struct unread *u = ctx;

	(void)serial;
	if (u->n < 8)
		snprintf(u->mgmt[u->n], sizeof(u->mgmt[0]), "%s", mgmt_id);
	u->n++;
	return u->stop_at && u->n == u->stop_at ? 7 : 0;
}

/* The cards of a range not read yet: never read, or read and undone. */
static void unread_cards_of_a_range(void **state)
{
	struct testdb *t = *state;
	struct scan_undone undone;
	struct unread u = {0};
	struct people p;
	int64_t t1, t2;

	people_and_count(t, &p);
	assert_int_equal(ledger_location_find(t->l, "S/T1", &t1), 0);
	assert_int_equal(ledger_location_find(t->l, "S/T2", &t2), 0);
	testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	testdb_read(t, p.count, "S/T1", "02", p.s02, 111);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "wrong", 112, &undone), 0);
	assert_int_equal(ledger_range_unread_each(t->l, "S/T1", p.count, t1,
						  on_unread, &u),
			 0);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.mgmt[0], "C2");
	assert_string_equal(u.mgmt[1], "C3");
	memset(&u, 0, sizeof(u));
	assert_int_equal(ledger_range_unread_each(t->l, "S/T2", p.count, t2,
						  on_unread, &u),
			 0);
	assert_int_equal(u.n, 1);
	assert_string_equal(u.mgmt[0], "C4");
	/* A non-zero return stops the walk and is returned. */
	memset(&u, 0, sizeof(u));
	u.stop_at = 1;
	assert_int_equal(ledger_range_unread_each(t->l, "S/T1", p.count, t1,
						  on_unread, &u),
			 7);
	assert_int_equal(u.n, 1);
}

/* Each person undoes their own reads only. */
static void undo_is_per_person(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u;
	struct people p;
	int64_t mine;

	people_and_count(t, &p);
	mine = testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	testdb_read(t, p.count, "S/T2", "04", p.m01, 111);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "mine", 120, &u), 0);
	assert_int_equal(u.scan_id, mine);
	assert_string_equal(u.serial, "01");
	/* M01's later read is untouched. */
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_live"), 1);
	assert_int_equal(testdb_int(t, "SELECT staff_id FROM scan_live"),
			 p.m01);
}

/* A read of a serial unknown to the ledger undoes with no management ID;
 * an alert keeps its why. */
static void undo_unknown_serial_and_alert(void **state)
{
	struct testdb *t = *state;
	struct ledger_scanner *sc;
	struct scan_undone u;
	struct people p;
	int64_t t1;

	people_and_count(t, &p);
	assert_int_equal(ledger_location_find(t->l, "S/T1", &t1), 0);
	testdb_read(t, p.count, "S/T1", "FFEE", p.s02, 110);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "stray tag", 120, &u), 0);
	assert_string_equal(u.serial, "FFEE");
	assert_string_equal(u.mgmt_id, "");

	assert_int_equal(ledger_scanner_open(t->l, p.count, &sc), 0);
	assert_int_equal(ledger_scanner_record(sc, t1, "FFEE", 0, p.s02, 130,
					       "alert", "unknown", 0, NULL, 0),
			 0);
	ledger_scanner_close(sc);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "stray tag", 131, &u), 0);
	assert_string_equal(u.outcome, "alert");
	assert_string_equal(u.why, "unknown");
}

/* A read that a later read of the same card was decided against cannot be
 * taken back first. */
static void undo_refused_when_read_again(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u;
	struct people p;

	people_and_count(t, &p);
	testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	int64_t repeat = testdb_read(t, p.count, "S/T1", "01", p.m01, 111);
	assert_int_equal(testdb_int(t,
				    "SELECT outcome = 'repeat' FROM scan "
				    "WHERE id = %lld",
				    (long long)repeat),
			 1);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "double", 120, &u),
	    LEDGER_ERR_STATE);
	assert_errmsg(t->l, "read again");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_undo"), 0);
	assert_int_equal(testdb_audits(t, "scan.undo", NULL), 0);
	/* Undo the later read first, then the earlier one goes. */
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.m01, "double", 121, &u), 0);
	assert_int_equal(u.scan_id, repeat);
	assert_string_equal(u.outcome, "repeat");
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "double", 122, &u), 0);
	assert_string_equal(u.serial, "01");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_live"), 0);
}

static void undo_reason_validated(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u;
	struct people p;
	char longest[UNDO_REASON_MAX + 2];

	people_and_count(t, &p);
	testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	testdb_read(t, p.count, "S/T1", "02", p.s02, 111);
	assert_int_equal(ledger_scan_undo(t->l, p.count, p.s02, NULL, 120, &u),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_scan_undo(t->l, p.count, p.s02, "", 120, &u),
			 LEDGER_ERR_INVALID);
	assert_errmsg(t->l, "reason");
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "two\nlines", 120, &u),
	    LEDGER_ERR_INVALID);
	memset(longest, 'r', sizeof(longest));
	longest[UNDO_REASON_MAX + 1] = '\0'; /* one byte too long */
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, longest, 120, &u),
	    LEDGER_ERR_INVALID);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_undo"), 0);
	assert_int_equal(testdb_audits(t, "scan.undo", NULL), 0);
	/* Exactly UNDO_REASON_MAX bytes is a reason. */
	longest[UNDO_REASON_MAX] = '\0';
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, longest, 120, &u), 0);
	assert_int_equal(testdb_int(t, "SELECT length(reason) FROM scan_undo"),
			 UNDO_REASON_MAX);
}

static void undo_refused_in_closed_or_unknown_session(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u;
	struct people p;

	people_and_count(t, &p);
	testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count + 1, p.s02, "no such", 120, &u),
	    LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_session_close(t->l, p.count, p.m01, 0, 130), 0);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "too late", 140, &u),
	    LEDGER_ERR_STATE);
	assert_errmsg(t->l, "closed");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_undo"), 0);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_live"), 1);
}

/* Inside the caller's transaction the undo goes with it. */
static void undo_follows_the_callers_transaction(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u;
	struct people p;

	people_and_count(t, &p);
	testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "oops", 120, &u), 0);
	/* Not visible to another connection before the commit. */
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_undo"), 0);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_undo"), 0);
	assert_int_equal(testdb_audits(t, "scan.undo", NULL), 0);

	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.s02, "oops", 121, &u), 0);
	assert_int_equal(ledger_commit(t->l), 0);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_undo"), 1);
	assert_int_equal(testdb_audits(t, "scan.undo", NULL), 1);
}

static void session_serials_distinct_by_range(void **state)
{
	struct testdb *t = *state;
	struct people p;
	char(*v)[SERIAL_BUF];
	size_t n;
	int64_t t1, t2;

	people_and_count(t, &p);
	assert_int_equal(ledger_location_find(t->l, "S/T1", &t1), 0);
	assert_int_equal(ledger_location_find(t->l, "S/T2", &t2), 0);

	/* Nothing read yet: no array at all. */
	v = (void *)&n; /* must be replaced by NULL */
	assert_int_equal(ledger_session_serials(t->l, p.count, 0, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);

	testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	testdb_read(t, p.count, "S/T1", "01", p.s02, 111); /* repeat */
	testdb_read(t, p.count, "S/T1", "04", p.s02, 112); /* misplaced */
	testdb_read(t, p.count, "S/T2", "04", p.m01, 113);
	testdb_read(t, p.count, "S/T2", "EE", p.m01, 114); /* unknown */

	assert_int_equal(ledger_session_serials(t->l, p.count, 0, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_true(has_serial(v, n, "01"));
	assert_true(has_serial(v, n, "04"));
	assert_true(has_serial(v, n, "EE"));
	free(v);
	assert_int_equal(ledger_session_serials(t->l, p.count, t1, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_true(has_serial(v, n, "01"));
	assert_true(has_serial(v, n, "04"));
	free(v);
	assert_int_equal(ledger_session_serials(t->l, p.count, t2, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_false(has_serial(v, n, "01"));
	free(v);
	/* Another session's reads are not this one's. */
	assert_int_equal(ledger_session_serials(t->l, p.count + 1, 0, &v, &n),
			 0);
	assert_int_equal(n, 0);
	assert_null(v);
}

/* More serials than the first allocation holds all come back. */
static void session_serials_grow(void **state)
{
	struct testdb *t = *state;
	char(*v)[SERIAL_BUF];
	char serial[16];
	size_t n;
	int64_t m, id;

	m = testdb_staff(t, "M01", ROLE_MANAGER);
	testdb_card(t, "C1", "01", "S/T1", "stored");
	id = testdb_session(t, SESSION_PARTIAL, "S/T1", m, 100);
	for (int i = 0; i < 70; i++) {
		snprintf(serial, sizeof(serial), "A%03d", i);
		testdb_read(t, id, "S/T1", serial, m, 200 + i);
	}
	assert_int_equal(ledger_session_serials(t->l, id, 0, &v, &n), 0);
	assert_int_equal(n, 70);
	assert_true(has_serial(v, n, "A000"));
	assert_true(has_serial(v, n, "A069"));
	free(v);
}

/* The read an undo would take back, and whether its card was read again
 * after it: looked at, nothing written. */
static void last_read_and_read_after(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u, mu;
	struct people p;
	int again = -1;

	people_and_count(t, &p);
	assert_int_equal(ledger_scan_last_read(t->l, p.count, p.s02, &u),
			 LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "no read left to undo");

	testdb_read(t, p.count, "S/T1", "01", p.s02, 110);
	int64_t m04 = testdb_read(t, p.count, "S/T2", "04", p.m01, 111);
	int64_t s02 = testdb_read(t, p.count, "S/T1", "02", p.s02, 112);
	/* The person's own latest, whoever read after it. */
	testdb_read(t, p.count, "S/T1", "03", p.m01, 113);
	assert_int_equal(ledger_scan_last_read(t->l, p.count, p.s02, &u), 0);
	assert_int_equal(u.scan_id, s02);
	assert_string_equal(u.serial, "02");
	assert_string_equal(u.mgmt_id, "C2");
	assert_string_equal(u.outcome, "accepted");
	assert_string_equal(u.why, "");
	assert_string_equal(u.range, "S/T1");
	/* Another session has none of them. */
	assert_int_equal(ledger_scan_last_read(t->l, p.count + 1, p.s02, &u),
			 LEDGER_ERR_NOTFOUND);

	/* Another person's read of other cards is no read again. */
	assert_int_equal(ledger_scan_last_read(t->l, p.count, p.s02, &u), 0);
	assert_int_equal(ledger_scan_read_after(t->l, p.count, &u, &again), 0);
	assert_int_equal(again, 0);
	/* The same card read again, by anyone. */
	int64_t rep = testdb_read(t, p.count, "S/T1", "02", p.m01, 114);
	assert_int_equal(ledger_scan_read_after(t->l, p.count, &u, &again), 0);
	assert_int_equal(again, 1);
	/* The later read itself has none after it. */
	assert_int_equal(ledger_scan_last_read(t->l, p.count, p.m01, &mu), 0);
	assert_int_equal(mu.scan_id, rep);
	assert_string_equal(mu.outcome, "repeat");
	assert_int_equal(ledger_scan_read_after(t->l, p.count, &mu, &again), 0);
	assert_int_equal(again, 0);
	/* Only the session's reads count. */
	assert_int_equal(ledger_scan_read_after(t->l, p.count + 1, &u, &again),
			 0);
	assert_int_equal(again, 0);

	/* Looking wrote nothing. */
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM scan_undo"), 0);
	assert_int_equal(testdb_audits(t, "scan.undo", NULL), 0);

	/* An undone read counts no more: neither as the last read nor as
	 * a read again. */
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.m01, "double", 120, &mu), 0);
	assert_int_equal(ledger_scan_read_after(t->l, p.count, &u, &again), 0);
	assert_int_equal(again, 0);
	assert_int_equal(
	    ledger_scan_undo(t->l, p.count, p.m01, "wrong tray", 121, &mu), 0);
	assert_int_equal(ledger_scan_last_read(t->l, p.count, p.m01, &mu), 0);
	assert_int_equal(mu.scan_id, m04);
	assert_string_equal(mu.range, "S/T2");
	assert_string_equal(mu.mgmt_id, "C4");
}

/* In a tally (no range) and for a serial the ledger does not know. */
static void last_read_unknown_in_tally(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u;
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t tally, expected;
	int again = -1;

	assert_int_equal(ledger_tally_start(t->l, s, 100, &tally, &expected),
			 0);

	int64_t id = testdb_read(t, tally, NULL, "FF", s, 110);
	assert_int_equal(ledger_scan_last_read(t->l, tally, s, &u), 0);
	assert_int_equal(u.scan_id, id);
	assert_string_equal(u.serial, "FF");
	assert_string_equal(u.mgmt_id, "");
	assert_string_equal(u.range, "");
	assert_int_equal(ledger_scan_read_after(t->l, tally, &u, &again), 0);
	assert_int_equal(again, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(undo_takes_back_the_latest_read),
	    T(unread_cards_of_a_range),
	    T(undo_is_per_person),
	    T(undo_unknown_serial_and_alert),
	    T(undo_refused_when_read_again),
	    T(undo_reason_validated),
	    T(undo_refused_in_closed_or_unknown_session),
	    T(undo_follows_the_callers_transaction),
	    T(session_serials_distinct_by_range),
	    T(session_serials_grow),
	    T(last_read_and_read_after),
	    T(last_read_unknown_in_tally),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
