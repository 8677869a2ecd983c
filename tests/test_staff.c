/*
 * Unit tests of the parts of data/ledger.c that tests/test_ledger.c leaves
 * out, against a real ledger file: staff codes, looking staff up by id,
 * unlocking, the staff walk, the caller's transactions (commit, rollback,
 * what another connection sees meanwhile) and the serials a range expects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

static void staff_codes(void **state)
{
	char longest[STAFF_CODE_MAX + 2];

	(void)state;
	assert_true(staff_code_valid("M01"));
	assert_true(staff_code_valid("a-b_C9"));
	assert_false(staff_code_valid(""));
	assert_false(staff_code_valid("M 01"));
	assert_false(staff_code_valid("M01/"));
	assert_false(staff_code_valid("職員"));
	memset(longest, 'x', sizeof(longest));
	longest[STAFF_CODE_MAX] = '\0';
	assert_true(staff_code_valid(longest));
	longest[STAFF_CODE_MAX] = 'x';
	longest[STAFF_CODE_MAX + 1] = '\0';
	assert_false(staff_code_valid(longest));
}

static void staff_by_id_and_unlock(void **state)
{
	struct testdb *t = *state;
	struct staff_rec s;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t p = testdb_staff(t, "P04", ROLE_PARTTIME);
	int locked;

	assert_int_equal(ledger_staff_get_id(t->l, p, &s), 0);
	assert_int_equal(s.id, p);
	assert_string_equal(s.code, "P04");
	assert_string_equal(s.name, "Person P04");
	assert_int_equal(s.role, ROLE_PARTTIME);
	assert_int_equal(s.active, 1);
	assert_int_equal(ledger_staff_get_id(t->l, p + 10, &s),
			 LEDGER_ERR_NOTFOUND);

	/* Not locked: nothing to unlock, nothing written. */
	assert_int_equal(ledger_staff_unlock(t->l, p, m, 50), LEDGER_ERR_STATE);
	assert_errmsg(t->l, "not locked");
	assert_int_equal(ledger_staff_unlock(t->l, p + 10, m, 50),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_audits(t, "staff.unlock", NULL), 0);

	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    ledger_staff_pin_result(t->l, p, 0, 3, 60, &locked), 0);
	assert_int_equal(locked, 1);
	assert_int_equal(ledger_staff_unlock(t->l, p, m, 70), 0);
	assert_int_equal(ledger_staff_get_id(t->l, p, &s), 0);
	assert_int_equal(s.locked, 0);
	assert_int_equal(s.failed_pins, 0);
	assert_int_equal(testdb_audits(t, "staff.unlock", "P04"), 1);
	assert_int_equal(testdb_int(t, "SELECT staff_id FROM audit WHERE "
				       "action = 'staff.unlock'"),
			 m);
	/* A wrong PIN after the unlock counts from zero again. */
	assert_int_equal(ledger_staff_pin_result(t->l, p, 0, 3, 80, &locked),
			 0);
	assert_int_equal(locked, 0);
}

struct walk {
	int n, stop_at, word;
	char codes[8][STAFF_CODE_MAX + 1];
};

static int staff_fn(const struct staff_rec *s, void *ctx)
{
	struct walk *w = ctx;

	snprintf(w->codes[w->n++], sizeof(w->codes[0]), "%s", s->code);
	return w->n == w->stop_at ? w->word : 0;
}

static void staff_walk(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};

	assert_int_equal(ledger_staff_each(t->l, staff_fn, &w), 0);
	assert_int_equal(w.n, 0);
	testdb_staff(t, "S03", ROLE_STAFF);
	testdb_staff(t, "M01", ROLE_MANAGER);
	testdb_staff(t, "S02", ROLE_STAFF);
	assert_int_equal(ledger_staff_each(t->l, staff_fn, &w), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.codes[0], "M01");
	assert_string_equal(w.codes[1], "S02");
	assert_string_equal(w.codes[2], "S03");
	/*
	 * Stopped, the walk returns the callback's value, whatever it is:
	 * 1 (which is SQLITE_ERROR's number) and 101 (SQLITE_DONE's) once
	 * came back as an SQL error and as 0.
	 */
	static const int words[] = {1, 5, 101, -3};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		memset(&w, 0, sizeof(w));
		w.stop_at = 2;
		w.word = words[i];
		assert_int_equal(ledger_staff_each(t->l, staff_fn, &w),
				 words[i]);
		assert_int_equal(w.n, 2);
	}
}

static void transactions(void **state)
{
	struct testdb *t = *state;
	struct staff_rec s;

	/* Committed: there for everyone. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(
	    ledger_staff_add(t->l, "A1", "A", ROLE_STAFF, "h", 0, 10), 0);
	assert_int_equal(
	    ledger_staff_add(t->l, "A2", "A", ROLE_STAFF, "h", 0, 10), 0);
	/* Another connection sees nothing before the commit ... */
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM staff"), 0);
	assert_int_equal(ledger_commit(t->l), 0);
	/* ... and both after it, each with its audit entry. */
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM staff"), 2);
	assert_int_equal(testdb_audits(t, "staff.add", NULL), 2);

	/* Rolled back: gone, audit entries too. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(
	    ledger_staff_add(t->l, "B1", "B", ROLE_STAFF, "h", 0, 11), 0);
	assert_int_equal(ledger_staff_get(t->l, "B1", &s), 0);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(ledger_staff_get(t->l, "B1", &s), LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM staff"), 2);
	assert_int_equal(testdb_audits(t, "staff.add", NULL), 2);

	/* A failed step inside leaves the transaction to its owner: the
	 * good step before it is still pending, not committed. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(
	    ledger_staff_add(t->l, "C1", "C", ROLE_STAFF, "h", 0, 12), 0);
	assert_int_equal(
	    ledger_staff_add(t->l, "A1", "dup", ROLE_STAFF, "h", 0, 12),
	    LEDGER_ERR_EXISTS);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM staff"), 2);
	assert_int_equal(ledger_commit(t->l), 0);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM staff WHERE code "
				       "= 'C1'"),
			 1);

	/* Rollback without a transaction is harmless; commit is not. */
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(ledger_commit(t->l), LEDGER_ERR_SQL);
	/* Nested begin is refused. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_not_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_rollback(t->l), 0);
}

static void range_serials(void **state)
{
	struct testdb *t = *state;
	char(*v)[SERIAL_BUF];
	size_t n;

	assert_int_equal(ledger_range_serials(t->l, "S/T1", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	testdb_card(t, "C3", "03", "S/T1", "stored");
	testdb_card(t, "C1", "01", "S/T1/B", "moved");
	testdb_card(t, "C2", "02", "S/T1", "deceased");
	testdb_card(t, "C4", "04", "S/T1", "cancelled");
	testdb_card(t, "C5", "05", "S/T1", "checked_out");
	testdb_card(t, "C6", "06", "S/T1", "lost");
	testdb_card(t, "C7", "07", "S/T10", "stored");
	assert_int_equal(ledger_range_serials(t->l, "S/T1", &v, &n), 0);
	assert_int_equal(n, 4);
	/* By management ID. */
	assert_string_equal(v[0], "01");
	assert_string_equal(v[1], "02");
	assert_string_equal(v[2], "03");
	assert_string_equal(v[3], "04");
	free(v);
	assert_int_equal(ledger_range_serials(t->l, "S/T1/B", &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(ledger_range_serials(t->l, "S", &v, &n), 0);
	assert_int_equal(n, 5);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(staff_codes),  T(staff_by_id_and_unlock), T(staff_walk),
	    T(transactions), T(range_serials),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
