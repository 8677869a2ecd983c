/*
 * Unit tests of data/plan.c (the counting programme's records) against a
 * real ledger file: the counts of a range that the rotation planner looks
 * back on, the cards a range is expected to hold, cycle plans, and
 * count-only totals.  tests/test_plan.c tests the planner itself
 * (reconcile/plan.c) without a file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

static int32_t day(const char *iso)
{
	int32_t d;

	assert_int_equal(date_parse(iso, strlen(iso), &d), 0);
	return d;
}

/* ---- range_expected ---- */

static void expected_counts_cards_in_the_safe(void **state)
{
	struct testdb *t = *state;
	int64_t n = -1;

	assert_int_equal(ledger_range_expected(t->l, "S/T1", &n), 0);
	assert_int_equal(n, 0);
	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T1", "cancelled");
	testdb_card(t, "C3", "03", "S/T1/B", "moved");
	testdb_card(t, "C4", "04", "S/T1", "deceased");
	/* Not in the safe. */
	testdb_card(t, "C5", "05", "S/T1", "checked_out");
	testdb_card(t, "C6", "06", "S/T1", "issued");
	testdb_card(t, "C7", "07", "S/T1", "disposed");
	testdb_card(t, "C8", "08", "S/T1", "lost");
	/* S/T10 is not within S/T1. */
	testdb_card(t, "C9", "09", "S/T10", "stored");

	assert_int_equal(ledger_range_expected(t->l, "S/T1", &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ledger_range_expected(t->l, "S/T1/B", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ledger_range_expected(t->l, "S", &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(ledger_range_expected(t->l, "S/T", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ledger_range_expected(t->l, "NOWHERE", &n), 0);
	assert_int_equal(n, 0);

	/* All of them at once: the same answers, in the order asked. */
	static const char *const paths[] = {"S/T1", "S/T1/B", "S", "S/T",
					    "NOWHERE"};
	int64_t got[5] = {-1, -1, -1, -1, -1};

	assert_int_equal(ledger_ranges_expected(t->l, paths, 5, got), 0);
	assert_int_equal(got[0], 4);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[2], 5);
	assert_int_equal(got[3], 0);
	assert_int_equal(got[4], 0);
}

/* ---- data_version: what count start read before its transaction ---- */

static void data_version_moves_with_another_writer(void **state)
{
	struct testdb *t = *state;
	int64_t a = -1, b = -1, c = -1;

	assert_int_equal(ledger_data_version(t->l, &a), 0);
	assert_int_equal(ledger_data_version(t->l, &b), 0);
	assert_int_equal(a, b); /* nothing committed in between */
	testdb_card(t, "C1", "01", "S/T1", "stored"); /* another connection */
	assert_int_equal(ledger_data_version(t->l, &c), 0);
	assert_true(c != b);
}

/* The change mark: moved by a commit of this connection and, at its next
 * transaction, by another's; not by a write rolled back, nor by reading. */
static void change_mark_moves_with_every_commit(void **state)
{
	struct testdb *t = *state;
	uint32_t a, b;
	int open;

	assert_int_equal(ledger_change_mark(t->l, &a), 0);
	testdb_staff(t, "M01", ROLE_MANAGER); /* this connection commits */
	assert_int_equal(ledger_change_mark(t->l, &b), 0);
	assert_true(b != a);
	a = b;
	assert_int_equal(ledger_begin(t->l), 0);
	testdb_location(t, "S/T9");
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(ledger_safe_open(t->l, &open), 0);
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_change_mark(t->l, &b), 0);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_true(b == a);
	/* Another connection (process) commits. */
	testdb_sqlf(t, "INSERT INTO location(path, parent_id, depth) "
		       "VALUES ('ELSEWHERE', NULL, 1)");
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_change_mark(t->l, &b), 0);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_true(b != a);
}

/* ---- range_counts ---- */

static void range_counts_history(void **state)
{
	struct testdb *t = *state;
	struct range_count_rec rc[8];
	size_t n;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s2 = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t s3 = testdb_staff(t, "S03", ROLE_STAFF);
	int64_t full, idle, parent, only, open, other;

	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T2", "stored");

	/* 1: a full count, S/T1 given to S02, closed. */
	full = testdb_session(t, SESSION_FULL, NULL, m, 100);
	assert_int_equal(
	    ledger_session_assign(t->l, full, "S/T1", "S02", m, 101), 0);
	assert_int_equal(ledger_session_close(t->l, full, m, 0, 150), 0);
	/* 2: opened over S/T1 and never touched: no count of it. */
	idle = testdb_session(t, SESSION_PARTIAL, "S/T1", m, 200);
	assert_int_equal(ledger_session_close(t->l, idle, m, 0, 201), 0);
	/* 3: over S (holds S/T1), S03 read a card there, closed. */
	parent = testdb_session(t, SESSION_PARTIAL, "S", m, 300);
	testdb_read(t, parent, "S", "01", s3, 310);
	assert_int_equal(ledger_session_close(t->l, parent, m, 0, 350), 0);
	/* 4: count-only, M01 typed S/T1's total. */
	only = testdb_session(t, SESSION_COUNTONLY, "S/T1", m, 400);
	assert_int_equal(
	    ledger_count_total_add(t->l, only, "S/T1", 1, "typed", m, 410), 0);
	/* 5: partial, S02 reads, still open. */
	open = testdb_session(t, SESSION_PARTIAL, "S/T1", m, 500);
	testdb_read(t, open, "S/T1", "01", s2, 510);
	/* 6: a count of S/T2 only is no count of S/T1. */
	other = testdb_session(t, SESSION_PARTIAL, "S/T2", m, 600);
	testdb_read(t, other, "S/T2", "02", s2, 610);
	assert_int_equal(ledger_session_close(t->l, other, m, 0, 650), 0);

	/* Every count, newest first. */
	assert_int_equal(ledger_range_counts(t->l, "S/T1", 0, 0, rc, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(rc[0].session, open);
	assert_int_equal(rc[0].kind, SESSION_PARTIAL);
	assert_int_equal(rc[0].started_at, 500);
	assert_int_equal(rc[0].nwho, 1);
	assert_string_equal(rc[0].who[0], "S02");
	assert_int_equal(rc[1].session, only);
	assert_int_equal(rc[1].kind, SESSION_COUNTONLY);
	assert_string_equal(rc[1].who[0], "M01");
	assert_int_equal(rc[2].session, parent);
	assert_string_equal(rc[2].who[0], "S03");
	assert_int_equal(rc[3].session, full);
	assert_int_equal(rc[3].kind, SESSION_FULL);
	assert_int_equal(rc[3].nwho, 1);
	assert_string_equal(rc[3].who[0], "S02");

	/* Finished card-by-card counts only. */
	assert_int_equal(ledger_range_counts(t->l, "S/T1", 0, 1, rc, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rc[0].session, parent);
	assert_int_equal(rc[1].session, full);
	/* Before a session; at most max. */
	assert_int_equal(
	    ledger_range_counts(t->l, "S/T1", parent, 0, rc, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rc[0].session, full);
	assert_int_equal(ledger_range_counts(t->l, "S/T1", 0, 0, rc, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rc[1].session, only);
	assert_int_equal(ledger_range_counts(t->l, "S/T1", 0, 0, rc, 0, &n), 0);
	assert_int_equal(n, 0);
	/* S/T2: the full count covered it but nobody was given it or read
	 * in it; the partial one of S/T2 did, and the one of S, which holds
	 * it, too. */
	assert_int_equal(ledger_range_counts(t->l, "S/T2", 0, 0, rc, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rc[0].session, other);
	assert_int_equal(rc[1].session, parent);
	assert_int_equal(ledger_range_counts(t->l, "X/Y", 0, 0, rc, 8, &n), 0);
	assert_int_equal(n, 0);

	/* The three ranges at once: each its own history, as one by one. */
	static const char *const paths[] = {"S/T1", "S/T2", "X/Y"};
	struct range_count_rec all[3 * 8];
	size_t got[3] = {99, 99, 99};

	assert_int_equal(
	    ledger_ranges_counts(t->l, paths, 3, 0, 0, all, 8, got), 0);
	assert_int_equal(got[0], 4);
	assert_int_equal(all[0].session, open);
	assert_string_equal(all[0].who[0], "S02");
	assert_int_equal(all[1].session, only);
	assert_string_equal(all[1].who[0], "M01");
	assert_int_equal(all[2].session, parent);
	assert_string_equal(all[2].who[0], "S03");
	assert_int_equal(all[3].session, full);
	assert_int_equal(got[1], 2);
	assert_int_equal(all[8].session, other);
	assert_int_equal(all[9].session, parent);
	assert_int_equal(got[2], 0);
	/* When only: the same counts, nobody named. */
	memset(all, 0xff, sizeof(all));
	assert_int_equal(ledger_ranges_counts(t->l, paths, 3, 0,
					      LEDGER_COUNTS_WHEN_ONLY, all, 8,
					      got),
			 0);
	assert_int_equal(got[0], 4);
	assert_int_equal(all[0].session, open);
	assert_int_equal(all[1].session, only);
	assert_int_equal(all[2].session, parent);
	assert_int_equal(all[3].session, full);
	for (size_t k = 0; k < 4; k++)
		assert_int_equal(all[k].nwho, 0);
	assert_int_equal(got[1], 2);
	assert_int_equal(all[8].session, other);
	assert_int_equal(all[9].nwho, 0);
	/* Finished card-by-card counts only, before `parent`. */
	assert_int_equal(ledger_ranges_counts(t->l, paths, 3, parent,
					      LEDGER_COUNTS_FINISHED, all, 8,
					      got),
			 0);
	assert_int_equal(got[0], 1);
	assert_int_equal(all[0].session, full);
	assert_int_equal(got[1], 0);
	assert_int_equal(got[2], 0);
}

/* Who counted: assignee, readers and typists, by code, at most
 * RANGE_WHO_MAX of them; a read taken back is no count. */
static void range_counts_who(void **state)
{
	struct testdb *t = *state;
	struct range_count_rec rc[2];
	struct scan_undone u;
	char code[8];
	size_t n;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t id, undone, staff[RANGE_WHO_MAX + 2];

	testdb_card(t, "C1", "01", "S/T1", "stored");
	for (int i = 0; i < RANGE_WHO_MAX + 2; i++) {
		snprintf(code, sizeof(code), "P%02d", RANGE_WHO_MAX + 2 - i);
		staff[i] = testdb_staff(t, code, ROLE_STAFF);
	}
	/* One read, taken back: nobody counted it. */
	undone = testdb_session(t, SESSION_PARTIAL, "S/T1", m, 50);
	testdb_read(t, undone, "S/T1", "01", staff[0], 60);
	assert_int_equal(
	    ledger_scan_undo(t->l, undone, staff[0], "wrong", 61, &u), 0);
	assert_int_equal(ledger_range_counts(t->l, "S/T1", 0, 0, rc, 2, &n), 0);
	assert_int_equal(n, 0);

	id = testdb_session(t, SESSION_PARTIAL, "S/T1", m, 100);
	for (int i = 0; i < RANGE_WHO_MAX + 2; i++)
		testdb_read(t, id, "S/T1", "01", staff[i], 200 + i);
	assert_int_equal(ledger_range_counts(t->l, "S/T1", 0, 0, rc, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rc[0].nwho, RANGE_WHO_MAX);
	assert_string_equal(rc[0].who[0], "P01");
	assert_string_equal(rc[0].who[RANGE_WHO_MAX - 1], "P08");
}

/* The readers of a range are found by index, one staff id after the
 * other: a person between two others whose reads there were all taken
 * back is skipped, one with a read left is kept, whatever their order. */
static void range_counts_who_skips_undone_readers(void **state)
{
	struct testdb *t = *state;
	struct range_count_rec rc[1];
	struct scan_undone u;
	size_t n;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t a = testdb_staff(t, "A01", ROLE_STAFF);
	int64_t b = testdb_staff(t, "B01", ROLE_STAFF);
	int64_t c = testdb_staff(t, "C01", ROLE_STAFF);
	int64_t id;

	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T1", "stored");
	testdb_card(t, "C3", "03", "S/T1", "stored");
	id = testdb_session(t, SESSION_PARTIAL, "S/T1", m, 100);
	testdb_read(t, id, "S/T1", "01", c, 110);
	testdb_read(t, id, "S/T1", "02", b, 120);
	assert_int_equal(ledger_scan_undo(t->l, id, b, "wrong", 121, &u), 0);
	testdb_read(t, id, "S/T1", "02", a, 130);
	testdb_read(t, id, "S/T1", "03", a, 140);
	/* A's first read taken back, the second kept. */
	testdb_read(t, id, "S/T1", "01", a, 150);
	assert_int_equal(ledger_scan_undo(t->l, id, a, "again", 151, &u), 0);
	assert_int_equal(ledger_range_counts(t->l, "S/T1", 0, 0, rc, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rc[0].nwho, 2);
	assert_string_equal(rc[0].who[0], "A01");
	assert_string_equal(rc[0].who[1], "C01");
}

/* ---- cycle plans ---- */

struct walk {
	int n, stop_at;
	char line[8][LOCATION_MAX + 32];
};

static int cycle_fn(void *ctx, const char *path, int month)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "%d %s", month, path);
	return w->n == w->stop_at ? 5 : 0;
}

static void cycle_saved_and_read(void **state)
{
	struct testdb *t = *state;
	struct cycle_rec c;
	struct walk w = {0};
	char buf[128];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t first, second;
	const char *paths[] = {"S/T3", "S/T1", "S/T2"};
	const int32_t month[] = {1, 1, 0};

	testdb_location(t, "S/T1");
	testdb_location(t, "S/T2");
	testdb_location(t, "S/T3");
	assert_int_equal(ledger_cycle_current(t->l, &c), LEDGER_ERR_NOTFOUND);

	assert_int_equal(ledger_cycle_save(t->l, day("2026-04-01"), 3, paths,
					   month, 3, m, 1000, &first),
			 0);
	assert_int_equal(ledger_cycle_current(t->l, &c), 0);
	assert_int_equal(c.id, first);
	assert_int_equal(c.start_day, day("2026-04-01"));
	assert_int_equal(c.months, 3);
	assert_int_equal(c.created_at, 1000);
	assert_string_equal(c.created_by, "M01");
	snprintf(buf, sizeof(buf), "plan %lld", (long long)first);
	assert_int_equal(testdb_audits(t, "plan.cycle", buf), 1);
	assert_string_equal(
	    testdb_audit_detail(t, "plan.cycle", buf, sizeof(buf)),
	    "start=2026-04-01 months=3 ranges=3");

	/* By month, then path. */
	assert_int_equal(ledger_cycle_each(t->l, first, cycle_fn, &w), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.line[0], "0 S/T2");
	assert_string_equal(w.line[1], "1 S/T1");
	assert_string_equal(w.line[2], "1 S/T3");
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_cycle_each(t->l, first, cycle_fn, &w), 5);

	/* The newest plan is in force; the old one keeps its ranges. */
	assert_int_equal(ledger_cycle_save(t->l, day("2026-10-01"), 12, paths,
					   month, 1, m, 2000, &second),
			 0);
	assert_int_equal(ledger_cycle_current(t->l, &c), 0);
	assert_int_equal(c.id, second);
	assert_int_equal(c.months, 12);
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_cycle_each(t->l, second, cycle_fn, &w), 0);
	assert_int_equal(w.n, 1);
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_cycle_each(t->l, first, cycle_fn, &w), 0);
	assert_int_equal(w.n, 3);
	/* A plan that does not exist has no ranges. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_cycle_each(t->l, second + 1, cycle_fn, &w), 0);
	assert_int_equal(w.n, 0);
}

static void cycle_refusals(void **state)
{
	struct testdb *t = *state;
	struct cycle_rec c;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t id;
	const char *paths[] = {"S/T1", "S/NONE"};
	const char *twice[] = {"S/T1", "S/T1"};
	const int32_t month[] = {0, 1};
	const int32_t late[] = {0, 3};
	const int32_t negative[] = {-1};

	testdb_location(t, "S/T1");
	testdb_location(t, "S/T2");
	/* An unknown range: nothing of the plan is kept. */
	assert_int_equal(ledger_cycle_save(t->l, day("2026-04-01"), 3, paths,
					   month, 2, m, 1, &id),
			 LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "S/NONE");
	/* A range twice. */
	assert_int_equal(ledger_cycle_save(t->l, day("2026-04-01"), 3, twice,
					   month, 2, m, 1, &id),
			 LEDGER_ERR_EXISTS);
	/* 1-12 months, each range in a month of the cycle. */
	paths[1] = "S/T2";
	assert_int_equal(ledger_cycle_save(t->l, day("2026-04-01"), 0, paths,
					   month, 2, m, 1, &id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_cycle_save(t->l, day("2026-04-01"), 13, paths,
					   month, 2, m, 1, &id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_cycle_save(t->l, day("2026-04-01"), 3, paths,
					   late, 2, m, 1, &id),
			 LEDGER_ERR_INVALID);
	assert_errmsg(t->l, "S/T2");
	assert_int_equal(ledger_cycle_save(t->l, day("2026-04-01"), 3, paths,
					   negative, 1, m, 1, &id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_cycle_current(t->l, &c), LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM cycle_plan"), 0);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM cycle_plan_range"),
			 0);
	assert_int_equal(testdb_audits(t, "plan.cycle", NULL), 0);
	/* The last month of the cycle is one. */
	assert_int_equal(ledger_cycle_save(t->l, day("2026-04-01"), 4, paths,
					   late, 2, m, 1, &id),
			 0);
}

/* ---- count-only totals ---- */

struct totals {
	int n, stop_at;
	struct {
		char range[LOCATION_MAX + 1], by[STAFF_CODE_MAX + 1];
		char method[16];
		int64_t expected, counted, at;
	} r[4];
};

static int totals_fn(void *ctx, const struct count_total_row *r)
{
	struct totals *w = ctx;

	snprintf(w->r[w->n].range, sizeof(w->r[0].range), "%s", r->range);
	snprintf(w->r[w->n].by, sizeof(w->r[0].by), "%s", r->by);
	snprintf(w->r[w->n].method, sizeof(w->r[0].method), "%s", r->method);
	w->r[w->n].expected = r->expected;
	w->r[w->n].counted = r->counted;
	w->r[w->n].at = r->at;
	w->n++;
	return w->n == w->stop_at ? 4 : 0;
}

static void count_totals(void **state)
{
	struct testdb *t = *state;
	struct totals w = {0};
	char buf[128];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s2 = testdb_staff(t, "S02", ROLE_STAFF);
	const char *ranges[] = {"S/T2", "S/T1"};
	int64_t id;

	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T1", "moved");
	testdb_card(t, "C3", "03", "S/T1", "checked_out");
	testdb_card(t, "C4", "04", "S/T2", "stored");
	testdb_location(t, "S/T3");
	assert_int_equal(ledger_session_start(t->l, SESSION_COUNTONLY, ranges,
					      2, m, 100, &id),
			 0);

	/* Ranges by path, none counted yet. */
	assert_int_equal(ledger_count_totals(t->l, id, totals_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.r[0].range, "S/T1");
	assert_int_equal(w.r[0].expected, 2);
	assert_int_equal(w.r[0].counted, -1);
	assert_string_equal(w.r[0].by, "");
	assert_int_equal(w.r[0].at, 0);
	assert_int_equal(w.r[1].expected, 1);

	assert_int_equal(
	    ledger_count_total_add(t->l, id, "S/T1", 3, "typed", s2, 110), 0);
	assert_string_equal(
	    testdb_audit_detail(t, "count.total", buf, sizeof(buf)),
	    "range=S/T1 cards=3 method=typed");
	/* A second total of the range replaces the first; 0 is a total. */
	assert_int_equal(
	    ledger_count_total_add(t->l, id, "S/T1", 2, "reader", m, 120), 0);
	assert_int_equal(
	    ledger_count_total_add(t->l, id, "S/T2", 0, "typed", s2, 130), 0);
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_count_totals(t->l, id, totals_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.r[0].counted, 2);
	assert_string_equal(w.r[0].by, "M01");
	assert_string_equal(w.r[0].method, "reader");
	assert_int_equal(w.r[0].at, 120);
	assert_int_equal(w.r[1].counted, 0);
	assert_string_equal(w.r[1].by, "S02");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM count_total"), 3);
	assert_int_equal(testdb_audits(t, "count.total", "session 1"), 3);

	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_count_totals(t->l, id, totals_fn, &w), 4);
	/* A session that does not exist has no ranges. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_count_totals(t->l, id + 1, totals_fn, &w), 0);
	assert_int_equal(w.n, 0);
}

static void count_total_refusals(void **state)
{
	struct testdb *t = *state;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t id;

	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_location(t, "S/T3");
	id = testdb_session(t, SESSION_COUNTONLY, "S/T1", m, 100);
	assert_int_equal(
	    ledger_count_total_add(t->l, id, "S/T1", -1, "typed", m, 110),
	    LEDGER_ERR_INVALID);
	assert_int_equal(
	    ledger_count_total_add(t->l, id, "S/NONE", 1, "typed", m, 110),
	    LEDGER_ERR_INVALID);
	assert_errmsg(t->l, "S/NONE");
	/* A known location, not a range of the session. */
	assert_int_equal(
	    ledger_count_total_add(t->l, id, "S/T3", 1, "typed", m, 110),
	    LEDGER_ERR_INVALID);
	assert_errmsg(t->l, "not a range");
	assert_int_equal(
	    ledger_count_total_add(t->l, id + 1, "S/T1", 1, "typed", m, 110),
	    LEDGER_ERR_INVALID);
	/* Typed or read, nothing else. */
	assert_int_equal(
	    ledger_count_total_add(t->l, id, "S/T1", 1, "guessed", m, 110),
	    LEDGER_ERR_INVALID);
	assert_errmsg(t->l, "method");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM count_total"), 0);
	assert_int_equal(testdb_audits(t, "count.total", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(expected_counts_cards_in_the_safe),
	    T(data_version_moves_with_another_writer),
	    T(change_mark_moves_with_every_commit),
	    T(range_counts_history),
	    T(range_counts_who),
	    T(range_counts_who_skips_undone_readers),
	    T(cycle_saved_and_read),
	    T(cycle_refusals),
	    T(count_totals),
	    T(count_total_refusals),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
