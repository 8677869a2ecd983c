/*
 * Unit tests of data/status.c (the day's picture) and of the audit log's
 * listing (ledger_audit_list) against a real ledger file: open sessions and
 * those of a period, what was handled while the safe was recorded closed,
 * movements per kind and person, and the chain's head at a given time.
 * Periods are half-open [from, to): a thing at `to` belongs to the next.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

struct walk {
	int n, stop_at;
	char line[12][200];
};

static int session_fn(const struct session_rec *s, void *ctx)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "%lld %s %s %lld",
		 (long long)s->id, session_kind_name(s->kind), s->started_by,
		 (long long)s->closed_at);
	return w->n == w->stop_at ? 11 : 0;
}

static struct walk between(struct testdb *t, int64_t from, int64_t to)
{
	struct walk w = {0};

	assert_int_equal(
	    ledger_session_between_each(t->l, from, to, session_fn, &w), 0);
	return w;
}

static void sessions_open_and_between(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t a, b, c, n;

	testdb_card(t, "C1", "01", "S/T1", "stored");
	assert_int_equal(ledger_session_open_each(t->l, session_fn, &w), 0);
	assert_int_equal(w.n, 0);

	a = testdb_session(t, SESSION_PARTIAL, "S/T1", m, 100);
	assert_int_equal(ledger_session_close(t->l, a, m, 0, 200), 0);
	assert_int_equal(ledger_tally_start(t->l, m, 150, &c, &n), 0);
	b = testdb_session(t, SESSION_FULL, NULL, m, 300);

	/* Open ones, oldest first. */
	assert_int_equal(ledger_session_open_each(t->l, session_fn, &w), 0);
	assert_int_equal(w.n, 2);
	char want[64];
	snprintf(want, sizeof(want), "%lld tally M01 0", (long long)c);
	assert_string_equal(w.line[0], want);
	snprintf(want, sizeof(want), "%lld full M01 0", (long long)b);
	assert_string_equal(w.line[1], want);
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_session_open_each(t->l, session_fn, &w), 11);
	assert_int_equal(w.n, 1);

	/* Started or closed in [from, to). */
	assert_int_equal(between(t, 0, 100).n, 0);
	assert_int_equal(between(t, 100, 101).n, 1);
	w = between(t, 150, 250); /* a closed, the tally started */
	assert_int_equal(w.n, 2);
	snprintf(want, sizeof(want), "%lld partial M01 200", (long long)a);
	assert_string_equal(w.line[0], want);
	assert_int_equal(between(t, 201, 300).n, 0);
	assert_int_equal(between(t, 0, INT64_MAX).n, 3);
	assert_int_equal(between(t, 400, 300).n, 0);
}

static int closed_fn(void *ctx, const struct safe_closed_row *r)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]),
		 "%s|%s|%lld|%s|%lld|%lld|%lld", r->what, r->item,
		 (long long)r->session, r->staff, (long long)r->first,
		 (long long)r->last, (long long)r->n);
	return w->n == w->stop_at ? 12 : 0;
}

static struct walk closed(struct testdb *t, int64_t from, int64_t to)
{
	struct walk w = {0};

	assert_int_equal(ledger_safe_closed_each(t->l, from, to, closed_fn, &w),
			 0);
	return w;
}

/* A movement of item (card or terminal) `name` recorded by data/. */
static void move(struct testdb *t, const char *name, const char *kind,
		 enum card_status to, int64_t staff, int64_t at, int flagged)
{
	struct custody_item it;

	assert_int_equal(ledger_custody_find(t->l, name, &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, kind, to, NULL,
					       DATE_NONE, staff, at, flagged),
			 0);
}

static void handled_while_closed(void **state)
{
	struct testdb *t = *state;
	struct walk w;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t asset, count, batch, c4;
	char want[200];

	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T1", "stored");
	testdb_card(t, "C3", "03", "S/T1", "stored");
	c4 = testdb_card(t, "C4", "04", "S/T1", "moved");
	assert_int_equal(ledger_asset_add(t->l, "TERM1", "Terminal", NULL,
					  "S/SHELF", m, 10, &asset),
			 0);
	assert_int_equal(closed(t, INT64_MIN, INT64_MAX).n, 0);

	move(t, "C1", "checkout", CARD_CHECKED_OUT, s, 500, 1);
	move(t, "C2", "checkout", CARD_CHECKED_OUT, s, 505, 0); /* not */
	move(t, "TERM1", "checkout", CARD_CHECKED_OUT, m, 508, 1);
	count = testdb_session(t, SESSION_PARTIAL, "S/T1", m, 510);
	testdb_read_flag(t, count, "S/T1", "02", s, 520, 1);
	testdb_read_flag(t, count, "S/T1", "03", s, 530, 1);
	testdb_read_flag(t, count, "S/T1", "01", m, 525, 1);
	testdb_read_flag(t, count, "S/T1", "04", m, 526, 0); /* not */
	assert_int_equal(ledger_disposal_start(t->l, m, s, 535, &batch), 0);
	assert_int_equal(ledger_disposal_add(t->l, batch, c4, "C4", "moved",
					     DATE_NONE, s, 540, 1),
			 0);

	/* By time: movements one by one, reads and disposal scans per
	 * session and person. */
	w = closed(t, INT64_MIN, INT64_MAX);
	assert_int_equal(w.n, 5);
	assert_string_equal(w.line[0], "checkout|C1|0|S02|500|500|1");
	assert_string_equal(w.line[1], "checkout|TERM1|0|M01|508|508|1");
	snprintf(want, sizeof(want), "count||%lld|S02|520|530|2",
		 (long long)count);
	assert_string_equal(w.line[2], want);
	snprintf(want, sizeof(want), "count||%lld|M01|525|525|1",
		 (long long)count);
	assert_string_equal(w.line[3], want);
	snprintf(want, sizeof(want), "disposal||%lld|S02|540|540|1",
		 (long long)batch);
	assert_string_equal(w.line[4], want);

	/* [from, to): 500 is in, 540 is out. */
	w = closed(t, 500, 540);
	assert_int_equal(w.n, 4);
	w = closed(t, 501, 541);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.line[0], "checkout|TERM1|0|M01|508|508|1");
	/* Only the reads within the period are grouped. */
	w = closed(t, 521, 600);
	assert_int_equal(w.n, 3);
	snprintf(want, sizeof(want), "count||%lld|M01|525|525|1",
		 (long long)count);
	assert_string_equal(w.line[0], want);
	snprintf(want, sizeof(want), "count||%lld|S02|530|530|1",
		 (long long)count);
	assert_string_equal(w.line[1], want);

	w = (struct walk){.stop_at = 2};
	assert_int_equal(
	    ledger_safe_closed_each(t->l, INT64_MIN, INT64_MAX, closed_fn, &w),
	    12);
	assert_int_equal(w.n, 2);
}

static int summary_fn(void *ctx, const char *kind, const char *staff, int64_t n)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "%s %s %lld", kind, staff,
		 (long long)n);
	return w->n == w->stop_at ? 13 : 0;
}

static void custody_summary(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);

	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T1", "stored");
	testdb_card(t, "C3", "03", "S/T1", "stored");
	assert_int_equal(
	    ledger_custody_summary(t->l, 0, INT64_MAX, summary_fn, &w), 0);
	assert_int_equal(w.n, 0);

	move(t, "C1", "checkout", CARD_CHECKED_OUT, s, 100, 0);
	move(t, "C2", "checkout", CARD_CHECKED_OUT, s, 110, 0);
	move(t, "C3", "checkout", CARD_CHECKED_OUT, m, 120, 0);
	move(t, "C1", "return", CARD_STORED, s, 130, 0);
	move(t, "C2", "issue", CARD_ISSUED, m, 200, 0); /* the next day */

	assert_int_equal(ledger_custody_summary(t->l, 100, 200, summary_fn, &w),
			 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.line[0], "checkout M01 1");
	assert_string_equal(w.line[1], "checkout S02 2");
	assert_string_equal(w.line[2], "return S02 1");
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_custody_summary(t->l, 200, 300, summary_fn, &w),
			 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.line[0], "issue M01 1");
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(
	    ledger_custody_summary(t->l, 0, INT64_MAX, summary_fn, &w), 13);
}

struct audit_walk {
	int n, stop_at;
	struct {
		int64_t id, at;
		char staff[STAFF_CODE_MAX + 1], action[32], subject[32];
		char detail[64], hash[AUDIT_HEX_BUF];
	} r[64];
};

static int audit_fn(void *ctx, const struct audit_row *r)
{
	struct audit_walk *w = ctx;

	assert_true(w->n < 64);
	w->r[w->n].id = r->id;
	w->r[w->n].at = r->at;
	snprintf(w->r[w->n].staff, sizeof(w->r[0].staff), "%s", r->staff);
	snprintf(w->r[w->n].action, sizeof(w->r[0].action), "%s", r->action);
	snprintf(w->r[w->n].subject, sizeof(w->r[0].subject), "%s", r->subject);
	snprintf(w->r[w->n].detail, sizeof(w->r[0].detail), "%s", r->detail);
	snprintf(w->r[w->n].hash, sizeof(w->r[0].hash), "%s", r->hash);
	w->n++;
	return w->n == w->stop_at ? 14 : 0;
}

static void audit_list_and_head(void **state)
{
	struct testdb *t = *state;
	struct audit_walk *w = calloc(1, sizeof(*w));
	uint8_t hash[AUDIT_HASH_BYTES], zero[AUDIT_HASH_BYTES] = {0};
	char hex[AUDIT_HEX_BUF], buf[AUDIT_HEX_BUF];
	int64_t m, id, total;

	assert_non_null(w);
	/* An empty log: no head. */
	memset(hash, 0xff, sizeof(hash));
	assert_int_equal(ledger_audit_head_before(t->l, INT64_MAX, &id, hash),
			 0);
	assert_int_equal(id, 0);
	assert_memory_equal(hash, zero, sizeof(hash));
	assert_int_equal(ledger_audit_list(t->l, 0, audit_fn, w), 0);
	assert_int_equal(w->n, 0);

	m = testdb_staff(t, "M01", ROLE_MANAGER); /* an entry at 1 */
	assert_int_equal(ledger_audit(t->l, m, 10, "test.a", "s", "d"), 0);
	assert_int_equal(ledger_audit(t->l, 0, 20, "test.b", NULL, NULL), 0);
	assert_int_equal(ledger_audit(t->l, m, 30, "test.c", "x", NULL), 0);
	total = testdb_int(t, "SELECT count(*) FROM audit");

	/* Everything, in id order, with the stored hash in hex. */
	assert_int_equal(ledger_audit_list(t->l, 0, audit_fn, w), 0);
	assert_int_equal(w->n, total);
	for (int i = 1; i < w->n; i++)
		assert_true(w->r[i].id > w->r[i - 1].id);
	int b = w->n - 2;
	assert_string_equal(w->r[b].action, "test.b");
	assert_int_equal(w->r[b].at, 20);
	assert_string_equal(w->r[b].staff, ""); /* the system */
	assert_string_equal(w->r[b].subject, "");
	assert_string_equal(w->r[b].detail, "");
	assert_string_equal(w->r[b - 1].staff, "M01");
	assert_string_equal(w->r[b - 1].subject, "s");
	assert_string_equal(w->r[b - 1].detail, "d");
	assert_string_equal(
	    testdb_text(t, buf, sizeof(buf),
			"SELECT lower(hex(hash)) FROM audit WHERE id = %lld",
			(long long)w->r[b].id),
	    w->r[b].hash);
	assert_int_equal(strlen(w->r[b].hash), 2 * AUDIT_HASH_BYTES);

	/* The last two only. */
	memset(w, 0, sizeof(*w));
	assert_int_equal(ledger_audit_list(t->l, 2, audit_fn, w), 0);
	assert_int_equal(w->n, 2);
	assert_string_equal(w->r[0].action, "test.b");
	assert_string_equal(w->r[1].action, "test.c");
	memset(w, 0, sizeof(*w));
	w->stop_at = 1;
	assert_int_equal(ledger_audit_list(t->l, 0, audit_fn, w), 14);
	assert_int_equal(w->n, 1);

	/* The head before 25 is the entry at 20; before 1, none. */
	assert_int_equal(ledger_audit_head_before(t->l, 25, &id, hash), 0);
	assert_int_equal(id, testdb_int(t, "SELECT id FROM audit WHERE action "
					   "= 'test.b'"));
	audit_hex(hash, hex);
	assert_string_equal(
	    testdb_text(t, buf, sizeof(buf),
			"SELECT lower(hex(hash)) FROM audit WHERE id = %lld",
			(long long)id),
	    hex);
	assert_int_equal(ledger_audit_head_before(t->l, 1, &id, hash), 0);
	assert_int_equal(id, 0);
	assert_int_equal(ledger_audit_head_before(t->l, 31, &id, hash), 0);
	assert_int_equal(id, testdb_int(t, "SELECT max(id) FROM audit"));
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(sessions_open_and_between),
	    T(handled_while_closed),
	    T(custody_summary),
	    T(audit_list_and_head),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
