/*
 * Unit tests of data/history.c (one card's history) and of the parts of
 * data/session.c and data/note.c that tests/test_ledger.c leaves out, against
 * a real ledger file: a session's record, the ranges of a count over
 * everything, and the near-miss list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

static void session_get(void **state)
{
	struct testdb *t = *state;
	struct session_rec s;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t w = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id;

	testdb_card(t, "C1", "01", "S/T1", "stored");
	assert_int_equal(ledger_session_get(t->l, 1, &s), LEDGER_ERR_NOTFOUND);
	id = testdb_session(t, SESSION_COUNTONLY, "S/T1", m, 100);
	assert_int_equal(ledger_session_get(t->l, id, &s), 0);
	assert_int_equal(s.id, id);
	assert_int_equal(s.kind, SESSION_COUNTONLY);
	assert_int_equal(s.started_at, 100);
	assert_string_equal(s.started_by, "M01");
	assert_int_equal(s.closed_at, 0);
	assert_string_equal(s.closed_by, "");
	assert_string_equal(s.witness, "");
	assert_int_equal(ledger_session_close(t->l, id, m, w, 200), 0);
	assert_int_equal(ledger_session_get(t->l, id, &s), 0);
	assert_int_equal(s.closed_at, 200);
	assert_string_equal(s.closed_by, "M01");
	assert_string_equal(s.witness, "S02");
}

static void all_ranges(void **state)
{
	struct testdb *t = *state;
	char(*v)[LOCATION_MAX + 1];
	size_t n;

	assert_int_equal(ledger_all_ranges(t->l, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	/* Where cards in storage or checked out are; a location within one
	 * kept already is covered by it; S/T10 is not within S/T1. */
	testdb_card(t, "C1", "01", "S/T2", "stored");
	testdb_card(t, "C2", "02", "S/T1", "checked_out");
	testdb_card(t, "C3", "03", "S/T1/B", "moved");
	testdb_card(t, "C4", "04", "S/T10", "deceased");
	testdb_card(t, "C5", "05", "S/T3", "issued");
	testdb_card(t, "C6", "06", "S/T4", "disposed");
	testdb_card(t, "C7", "07", "S/T5", "lost");
	/* A location with cards out of scope beside one in scope; one
	 * sorting between S/T1 and S/T1/B ('-' before '/') that is not
	 * within S/T1; one two levels within S/T1. */
	testdb_card(t, "C8", "08", "S/T6", "lost");
	testdb_card(t, "C9", "09", "S/T6", "disposed");
	testdb_card(t, "C10", "10", "S/T6", "stored");
	testdb_card(t, "C11", "11", "S/T1-A", "stored");
	testdb_card(t, "C12", "12", "S/T1/B/C", "stored");
	assert_int_equal(ledger_all_ranges(t->l, &v, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "S/T1");
	assert_string_equal(v[1], "S/T1-A");
	assert_string_equal(v[2], "S/T10");
	assert_string_equal(v[3], "S/T2");
	assert_string_equal(v[4], "S/T6");
	free(v);
}

struct walk {
	int n, stop_at;
	char line[12][300];
};

static int event_fn(void *ctx, const struct card_event *e)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]),
		 "%lld %d %s|%s|%lld|%s|%s|%s|%d", (long long)e->at, e->kind,
		 e->what, e->detail, (long long)e->session, e->session_kind,
		 e->where, e->by, e->undone);
	return w->n == w->stop_at ? 51 : 0;
}

static void card_history(void **state)
{
	struct testdb *t = *state;
	struct custody_item it;
	struct resolution_rec r = {0};
	struct scan_undone u;
	struct walk w = {0};
	char want[300];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t c1, count, batch;
	int32_t d;

	c1 = testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T1", "stored");
	testdb_location(t, "S/T2");
	assert_int_equal(ledger_card_history_each(t->l, c1, event_fn, &w), 0);
	assert_int_equal(w.n, 0);

	/* A read at 100, taken back; a read at 110; at 110 also a
	 * check-out (custody comes first at the same second). */
	count = testdb_session(t, SESSION_FULL, NULL, m, 90);
	testdb_read(t, count, "S/T1", "01", s, 100);
	assert_int_equal(ledger_scan_undo(t->l, count, s, "x", 101, &u), 0);
	testdb_read(t, count, "S/T1", "01", s, 110);
	assert_int_equal(date_parse("2026-04-10", 10, &d), 0);
	assert_int_equal(ledger_custody_get(t->l, 0, "C1", &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "checkout",
					       CARD_CHECKED_OUT, "S/T2", d, s,
					       110, 0),
			 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "return", CARD_MOVED,
					       "S/T1", DATE_NONE, s, 120, 0),
			 0);
	r.session_id = count;
	r.card_id = c1;
	snprintf(r.serial, sizeof(r.serial), "01");
	snprintf(r.kind, sizeof(r.kind), "misplaced");
	snprintf(r.location, sizeof(r.location), "S/T1");
	snprintf(r.found, sizeof(r.found), "S/T9");
	snprintf(r.reason, sizeof(r.reason), "found_elsewhere");
	assert_int_equal(ledger_resolution_add(t->l, &r, m, 130), 0);
	assert_int_equal(ledger_disposal_start(t->l, m, s, 135, &batch), 0);
	assert_int_equal(ledger_disposal_add(t->l, batch, c1, "C1", "moved",
					     DATE_NONE, s, 140, 0),
			 0);
	/* Another card's events are not this one's. */
	testdb_read(t, count, "S/T1", "02", s, 150);

	assert_int_equal(ledger_card_history_each(t->l, c1, event_fn, &w), 0);
	assert_int_equal(w.n, 6);
	snprintf(want, sizeof(want), "100 1 accepted||%lld|full|S/T1|S02|1",
		 (long long)count);
	assert_string_equal(w.line[0], want);
	assert_string_equal(w.line[1],
			    "110 0 checkout|2026-04-10|0||S/T2|S02|0");
	snprintf(want, sizeof(want), "110 1 accepted||%lld|full|S/T1|S02|0",
		 (long long)count);
	assert_string_equal(w.line[2], want);
	assert_string_equal(w.line[3], "120 0 return||0||S/T1|S02|0");
	snprintf(want, sizeof(want),
		 "130 2 found_elsewhere|misplaced|%lld||S/T9|M01|0",
		 (long long)count);
	assert_string_equal(w.line[4], want);
	snprintf(want, sizeof(want), "140 3 moved||%lld|||S02|0",
		 (long long)batch);
	assert_string_equal(w.line[5], want);
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(ledger_card_history_each(t->l, c1, event_fn, &w), 51);
	assert_int_equal(w.n, 2);
}

static int note_fn(void *ctx, const struct note_row *r)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "%lld %s %s %s",
		 (long long)r->at, r->staff, r->mgmt_id[0] ? r->mgmt_id : "-",
		 r->text);
	return w->n == w->stop_at ? 52 : 0;
}

static void near_miss_list(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id;

	testdb_card(t, "C1", "01", "S/T1", "stored");
	assert_int_equal(ledger_note_list(t->l, note_fn, &w), 0);
	assert_int_equal(w.n, 0);
	/* Listed by time, whatever order they were written in. */
	assert_int_equal(ledger_note_add(t->l, s, 300, "late one", NULL, &id),
			 0);
	assert_int_equal(
	    ledger_note_add(t->l, s, 100, "tray swapped", "C1", &id), 0);
	assert_int_equal(ledger_note_list(t->l, note_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.line[0], "100 S02 C1 tray swapped");
	assert_string_equal(w.line[1], "300 S02 - late one");
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_note_list(t->l, note_fn, &w), 52);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(session_get),
	    T(all_ranges),
	    T(card_history),
	    T(near_miss_list),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
