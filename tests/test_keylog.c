/*
 * Unit tests of data/keylog.c against a real ledger file: the key holders
 * in order of responsibility, openings of the safe with their approver and
 * purpose, one opening at a time, closing, the rules and flags recorded
 * with an opening, and the openings of a period.
 * Every change must leave its audit entry; a refused one leaves nothing.
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
	char codes[8][STAFF_CODE_MAX + 1];
	int orders[8];
	int64_t ids[8];
};

static int holder_fn(const struct key_holder_rec *h, void *ctx)
{
	struct walk *w = ctx;

	snprintf(w->codes[w->n], sizeof(w->codes[0]), "%s", h->code);
	w->orders[w->n] = h->order;
	w->n++;
	return w->n == w->stop_at ? 42 : 0;
}

static void holders_in_order(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	char buf[128];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t s3 = testdb_staff(t, "S03", ROLE_STAFF);
	int order;

	/* None yet. */
	assert_int_equal(ledger_key_holder_each(t->l, holder_fn, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(ledger_key_holder_order(t->l, m, &order),
			 LEDGER_ERR_NOTFOUND);

	/* Added out of order, listed by order. */
	assert_int_equal(ledger_key_holder_add(t->l, s, 2, m, 10), 0);
	assert_int_equal(ledger_key_holder_add(t->l, m, 1, m, 11), 0);
	assert_int_equal(ledger_key_holder_each(t->l, holder_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.codes[0], "M01");
	assert_int_equal(w.orders[0], 1);
	assert_string_equal(w.codes[1], "S02");
	assert_int_equal(w.orders[1], 2);
	assert_int_equal(ledger_key_holder_order(t->l, s, &order), 0);
	assert_int_equal(order, 2);
	assert_int_equal(ledger_key_holder_order(t->l, s3, &order),
			 LEDGER_ERR_NOTFOUND);

	assert_int_equal(testdb_audits(t, "key.holder", "safe"), 2);
	assert_string_equal(
	    testdb_audit_detail(t, "key.holder", buf, sizeof(buf)),
	    "staff=M01 order=1");

	/* A walk stops at the callback's word and returns it. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_key_holder_each(t->l, holder_fn, &w), 42);
	assert_int_equal(w.n, 1);
}

static void holder_refusals(void **state)
{
	struct testdb *t = *state;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t s3 = testdb_staff(t, "S03", ROLE_STAFF);

	assert_int_equal(ledger_key_holder_add(t->l, m, 1, m, 10), 0);
	/* Somebody twice, an order twice. */
	assert_int_equal(ledger_key_holder_add(t->l, m, 2, m, 11),
			 LEDGER_ERR_EXISTS);
	assert_errmsg(t->l, "M01");
	assert_int_equal(ledger_key_holder_add(t->l, s, 1, m, 11),
			 LEDGER_ERR_EXISTS);
	/* Orders 1..KEY_HOLDER_ORDER_MAX only. */
	assert_int_equal(ledger_key_holder_add(t->l, s, 0, m, 11),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_key_holder_add(t->l, s, -1, m, 11),
			 LEDGER_ERR_INVALID);
	assert_int_equal(
	    ledger_key_holder_add(t->l, s, KEY_HOLDER_ORDER_MAX + 1, m, 11),
	    LEDGER_ERR_INVALID);
	/* Nobody of that id. */
	assert_int_equal(ledger_key_holder_add(t->l, s3 + 100, 3, m, 11),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM key_holder"), 1);
	assert_int_equal(testdb_audits(t, "key.holder", NULL), 1);
	assert_int_equal(
	    ledger_key_holder_add(t->l, s, KEY_HOLDER_ORDER_MAX, m, 12), 0);
}

static void open_and_close(void **state)
{
	struct testdb *t = *state;
	struct key_opening_rec o;
	char buf[256];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id, id2;
	int open = -1;

	assert_int_equal(ledger_safe_open(t->l, &open), 0);
	assert_int_equal(open, 0);
	assert_int_equal(ledger_key_current(t->l, &o), LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_key_close(t->l, s, 900, &o), LEDGER_ERR_STATE);
	assert_errmsg(t->l, "not recorded open");
	assert_int_equal(testdb_audits(t, "key.close", NULL), 0);

	assert_int_equal(
	    ledger_key_open(t->l, s, m, "cards for the window", 1000, &id), 0);
	assert_int_equal(ledger_safe_open(t->l, &open), 0);
	assert_int_equal(open, 1);
	assert_int_equal(ledger_key_current(t->l, &o), 0);
	assert_int_equal(o.id, id);
	assert_int_equal(o.opened_at, 1000);
	assert_string_equal(o.opened_by, "S02");
	assert_string_equal(o.approved_by, "M01");
	assert_string_equal(o.purpose, "cards for the window");
	assert_int_equal(o.closed_at, 0);
	assert_string_equal(o.closed_by, "");
	snprintf(buf, sizeof(buf), "key %lld", (long long)id);
	assert_int_equal(testdb_audits(t, "key.open", buf), 1);
	assert_string_equal(
	    testdb_audit_detail(t, "key.open", buf, sizeof(buf)),
	    "opened_by=S02 approved_by=M01 purpose=cards for the window");

	/* A second opening while it is open is refused. */
	assert_int_equal(ledger_key_open(t->l, m, s, "again", 1100, &id2),
			 LEDGER_ERR_STATE);
	assert_errmsg(t->l, "open already");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM key_opening"), 1);
	/* So is one written behind data/'s back: the schema allows one. */
	assert_int_not_equal(
	    testdb_exec(t, "INSERT INTO key_opening(opened_at, opened_by, "
			   "approved_by, purpose) VALUES (1, 1, 2, 'x')"),
	    0);

	assert_int_equal(ledger_key_close(t->l, m, 1600, &o), 0);
	assert_int_equal(o.id, id);
	assert_int_equal(o.closed_at, 1600);
	assert_string_equal(o.closed_by, "M01");
	assert_string_equal(o.opened_by, "S02");
	assert_int_equal(ledger_safe_open(t->l, &open), 0);
	assert_int_equal(open, 0);
	assert_int_equal(
	    testdb_int(t, "SELECT closed_at FROM key_opening WHERE id = %lld",
		       (long long)id),
	    1600);
	assert_string_equal(
	    testdb_audit_detail(t, "key.close", buf, sizeof(buf)),
	    "closed_by=M01 open_s=600");
	assert_int_equal(ledger_key_close(t->l, m, 1700, &o), LEDGER_ERR_STATE);
	assert_int_equal(testdb_audits(t, "key.close", NULL), 1);

	/* The next opening is a new row. */
	assert_int_equal(ledger_key_open(t->l, m, s, "again", 1800, &id2), 0);
	assert_true(id2 > id);
}

static void open_refusals(void **state)
{
	struct testdb *t = *state;
	char purpose[KEY_PURPOSE_MAX + 2];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id = 0;

	/* Nobody approves their own opening. */
	assert_int_equal(ledger_key_open(t->l, m, m, "alone", 10, &id),
			 LEDGER_ERR_INVALID);
	assert_errmsg(t->l, "own");
	/* A purpose is 1-KEY_PURPOSE_MAX bytes without control characters. */
	assert_int_equal(ledger_key_open(t->l, s, m, "", 10, &id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_key_open(t->l, s, m, "a\tb", 10, &id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_key_open(t->l, s, m, "a\x7f", 10, &id),
			 LEDGER_ERR_INVALID);
	memset(purpose, 'p', sizeof(purpose));
	purpose[KEY_PURPOSE_MAX + 1] = '\0';
	assert_int_equal(ledger_key_open(t->l, s, m, purpose, 10, &id),
			 LEDGER_ERR_INVALID);
	/* An approver who does not exist. */
	assert_int_equal(ledger_key_open(t->l, s, s + 50, "x", 10, &id),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM key_opening"), 0);
	assert_int_equal(testdb_audits(t, "key.open", NULL), 0);
	/* The longest purpose, and UTF-8 text, are purposes. */
	purpose[KEY_PURPOSE_MAX] = '\0';
	assert_int_equal(ledger_key_open(t->l, s, m, purpose, 10, &id), 0);
	struct key_opening_rec o;
	assert_int_equal(ledger_key_close(t->l, s, 20, &o), 0);
	assert_string_equal(o.purpose, purpose);
	assert_int_equal(ledger_key_open(t->l, s, m, "窓口へ", 30, &id), 0);
}

/* A clock set back gives no negative length: the close is at the open. */
static void close_before_open_time(void **state)
{
	struct testdb *t = *state;
	struct key_opening_rec o;
	char buf[128];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id;

	assert_int_equal(ledger_key_open(t->l, s, m, "x", 5000, &id), 0);
	assert_int_equal(ledger_key_close(t->l, s, 4000, &o), 0);
	assert_int_equal(o.closed_at, 5000);
	assert_int_equal(testdb_int(t, "SELECT closed_at FROM key_opening"),
			 5000);
	assert_string_equal(
	    testdb_audit_detail(t, "key.close", buf, sizeof(buf)),
	    "closed_by=S02 open_s=0");
}

static int opening_fn(const struct key_opening_rec *o, void *ctx)
{
	struct walk *w = ctx;

	w->ids[w->n++] = o->opened_at;
	return w->n == w->stop_at ? 7 : 0;
}

static struct walk since(struct testdb *t, int64_t from)
{
	struct walk w = {0};

	assert_int_equal(ledger_key_each_since(t->l, from, opening_fn, &w), 0);
	return w;
}

static void openings_of_a_period(void **state)
{
	struct testdb *t = *state;
	struct key_opening_rec o;
	struct walk w;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id;

	/* [100, 200], [300, 400], [500, open). */
	assert_int_equal(ledger_key_open(t->l, s, m, "a", 100, &id), 0);
	assert_int_equal(ledger_key_close(t->l, s, 200, &o), 0);
	assert_int_equal(ledger_key_open(t->l, s, m, "b", 300, &id), 0);
	assert_int_equal(ledger_key_close(t->l, s, 400, &o), 0);
	assert_int_equal(ledger_key_open(t->l, s, m, "c", 500, &id), 0);

	w = since(t, 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.ids[0], 100);
	assert_int_equal(w.ids[2], 500);
	/* Closed at 200: open at some time at or after 200. */
	w = since(t, 200);
	assert_int_equal(w.n, 3);
	w = since(t, 201);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.ids[0], 300);
	/* The one still open is open now. */
	w = since(t, 10000);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.ids[0], 500);

	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(ledger_key_each_since(t->l, 0, opening_fn, &w), 7);
	assert_int_equal(w.n, 2);
}

/* Inside a caller's transaction an opening goes with it. */
static void open_rolled_back(void **state)
{
	struct testdb *t = *state;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id;
	int open;

	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_key_open(t->l, s, m, "x", 10, &id), 0);
	assert_int_equal(ledger_safe_open(t->l, &open), 0);
	assert_int_equal(open, 1); /* the transaction sees its own write */
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(ledger_safe_open(t->l, &open), 0);
	assert_int_equal(open, 0);
	assert_int_equal(testdb_audits(t, "key.open", NULL), 0);
}

/* The rules and flags recorded with an opening: at its open (flags left
 * unrecorded), replaced at its close with the flags decided then. */
static void record_rules_and_flags(void **state)
{
	struct testdb *t = *state;
	struct key_opening_rec o;
	char buf[128], subject[32];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id;

	assert_int_equal(ledger_key_open(t->l, s, m, "window", 1000, &id), 0);
	snprintf(subject, sizeof(subject), "key %lld", (long long)id);
	/* Nothing recorded yet. */
	assert_int_equal(ledger_key_current(t->l, &o), 0);
	assert_int_equal(o.has_rules, 0);
	assert_int_equal(o.has_flags, 0);

	assert_int_equal(
	    ledger_key_record(t->l, id, 30, 510, 1050, -1, s, 1000), 0);
	assert_int_equal(ledger_key_current(t->l, &o), 0);
	assert_int_equal(o.has_rules, 1);
	assert_int_equal(o.limit_min, 30);
	assert_int_equal(o.office_start_min, 510);
	assert_int_equal(o.office_end_min, 1050);
	assert_int_equal(o.has_flags, 0);
	assert_int_equal(
	    testdb_int(t,
		       "SELECT flags IS NULL FROM key_opening WHERE id = %lld",
		       (long long)id),
	    1);
	assert_int_equal(testdb_audits(t, "key.flags", subject), 1);
	assert_string_equal(
	    testdb_audit_detail(t, "key.flags", buf, sizeof(buf)),
	    "limit_min=30 office=510-1050 flags=open");
	assert_int_equal(testdb_int(t, "SELECT staff_id FROM audit WHERE "
				       "action = 'key.flags'"),
			 s);

	/* At the close, in the caller's transaction with it: the rules then
	 * in force replace those of the open; flags 3 is long and off
	 * hours both. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_key_close(t->l, m, 5000, &o), 0);
	assert_int_equal(ledger_key_record(t->l, id, 45, 480, 1080, 3, m, 5000),
			 0);
	assert_int_equal(ledger_commit(t->l), 0);
	assert_int_equal(testdb_int(t,
				    "SELECT rule_limit_min = 45 AND "
				    "rule_office_start_min = 480 AND "
				    "rule_office_end_min = 1080 FROM "
				    "key_opening WHERE id = %lld",
				    (long long)id),
			 1);
	assert_int_equal(
	    testdb_int(t, "SELECT flags FROM key_opening WHERE id = %lld",
		       (long long)id),
	    3);
	assert_int_equal(testdb_audits(t, "key.flags", subject), 2);
	assert_string_equal(
	    testdb_audit_detail(t, "key.flags", buf, sizeof(buf)),
	    "limit_min=45 office=480-1080 flags=3");
	/* Flags 0 (nothing to say) is recorded, not left open. */
	assert_int_equal(ledger_key_record(t->l, id, 45, 480, 1080, 0, m, 5001),
			 0);
	assert_int_equal(
	    testdb_int(t, "SELECT flags FROM key_opening WHERE id = %lld",
		       (long long)id),
	    0);
	/* Office hours may span the whole day. */
	assert_int_equal(ledger_key_record(t->l, id, 0, 0, 24 * 60, 1, m, 5002),
			 0);
}

static void record_refusals(void **state)
{
	struct testdb *t = *state;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t id;

	assert_int_equal(ledger_key_open(t->l, s, m, "window", 1000, &id), 0);
	/* Rules out of range: a negative limit, hours before midnight or
	 * after the next, a start after the end; flags beyond the known. */
	assert_int_equal(ledger_key_record(t->l, id, -1, 510, 1050, -1, s, 1),
			 LEDGER_ERR_INVALID);
	assert_errmsg(t->l, "out of range");
	assert_int_equal(ledger_key_record(t->l, id, 30, -1, 1050, -1, s, 1),
			 LEDGER_ERR_INVALID);
	assert_int_equal(
	    ledger_key_record(t->l, id, 30, 510, 24 * 60 + 1, -1, s, 1),
	    LEDGER_ERR_INVALID);
	assert_int_equal(ledger_key_record(t->l, id, 30, 1051, 1050, -1, s, 1),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_key_record(t->l, id, 30, 510, 1050, -2, s, 1),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_key_record(t->l, id, 30, 510, 1050, 4, s, 1),
			 LEDGER_ERR_INVALID);
	/* No such opening. */
	assert_int_equal(
	    ledger_key_record(t->l, id + 1, 30, 510, 1050, -1, s, 1),
	    LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "no opening");
	/* Nothing written. */
	assert_int_equal(testdb_audits(t, "key.flags", NULL), 0);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM key_opening "
				       "WHERE rule_limit_min IS NOT NULL OR "
				       "flags IS NOT NULL"),
			 0);
	/* Rolled back with the caller's transaction. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_key_record(t->l, id, 30, 510, 1050, -1, s, 1),
			 0);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(testdb_audits(t, "key.flags", NULL), 0);
	assert_int_equal(
	    testdb_int(t, "SELECT rule_limit_min IS NULL FROM key_opening"), 1);
}

static int handover_fn(const struct key_handover_rec *h, void *ctx)
{
	struct key_handover_rec *v = ctx;

	for (int i = 0; i < 4; i++)
		if (v[i].id == 0) {
			v[i] = *h;
			return 0;
		}
	return 1;
}

static void holder_removed(void **state)
{
	struct testdb *t = *state;
	char buf[128];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t s3 = testdb_staff(t, "S03", ROLE_STAFF);
	int order = 0;

	assert_int_equal(ledger_key_holder_add(t->l, s, 1, m, 10), 0);
	assert_int_equal(ledger_key_holder_add(t->l, s3, 2, m, 11), 0);
	assert_int_equal(ledger_key_holder_remove(t->l, m, m, 12, &order),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_audits(t, "key.holder_remove", NULL), 0);
	assert_int_equal(ledger_key_holder_remove(t->l, s, m, 12, &order), 0);
	assert_int_equal(order, 1);
	assert_int_equal(ledger_key_holder_order(t->l, s, &order),
			 LEDGER_ERR_NOTFOUND);
	/* The deputy keeps 2. */
	assert_int_equal(ledger_key_holder_order(t->l, s3, &order), 0);
	assert_int_equal(order, 2);
	assert_string_equal(
	    testdb_audit_detail(t, "key.holder_remove", buf, sizeof(buf)),
	    "staff=S02 order=1");
}

static void handovers(void **state)
{
	struct testdb *t = *state;
	struct key_handover_rec v[4];
	struct key_opening_rec o;
	char buf[128];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t s3 = testdb_staff(t, "S03", ROLE_STAFF);
	int64_t id, h, keeper = 0;

	assert_int_equal(ledger_key_keeper(t->l, 99, &keeper),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_key_open(t->l, s, m, "window", 1000, &id), 0);
	assert_int_equal(ledger_key_keeper(t->l, id, &keeper), 0);
	assert_int_equal(keeper, s);
	/* Only from the keeper, never to oneself; nothing recorded. */
	assert_int_equal(ledger_key_handover(t->l, id, m, s3, 1010, &h),
			 LEDGER_ERR_STATE);
	assert_int_equal(ledger_key_handover(t->l, id, s, s, 1010, &h),
			 LEDGER_ERR_INVALID);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM key_handover"),
			 0);
	assert_int_equal(ledger_key_handover(t->l, id, s, s3, 1010, &h), 0);
	assert_int_equal(ledger_key_keeper(t->l, id, &keeper), 0);
	assert_int_equal(keeper, s3);
	assert_int_equal(ledger_key_handover(t->l, id, s3, m, 1020, &h), 0);
	assert_int_equal(ledger_key_current(t->l, &o), 0);
	assert_string_equal(o.held_by, "M01");
	assert_string_equal(o.opened_by, "S02");
	snprintf(buf, sizeof(buf), "key %lld", (long long)id);
	assert_int_equal(testdb_audits(t, "key.handover", buf), 2);
	assert_string_equal(
	    testdb_audit_detail(t, "key.handover", buf, sizeof(buf)),
	    "from=S03 to=M01");
	memset(v, 0, sizeof(v));
	assert_int_equal(ledger_key_handover_each(t->l, id, handover_fn, v), 0);
	assert_string_equal(v[0].from, "S02");
	assert_string_equal(v[0].to, "S03");
	assert_int_equal(v[0].at, 1010);
	assert_int_equal(v[0].opening, id);
	assert_string_equal(v[1].from, "S03");
	assert_string_equal(v[1].to, "M01");
	assert_int_equal(v[2].id, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(holders_in_order),       T(holder_refusals),
	    T(open_and_close),	       T(open_refusals),
	    T(close_before_open_time), T(openings_of_a_period),
	    T(open_rolled_back),       T(record_rules_and_flags),
	    T(record_refusals),	       T(holder_removed),
	    T(handovers),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
