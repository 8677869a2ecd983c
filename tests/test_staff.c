/*
 * Unit tests of the parts of data/ledger.c and data/staff.c that
 * tests/test_ledger.c leaves out, against a real ledger file: staff codes,
 * looking staff up by id, unlocking, the PIN check's try and outcome and
 * the lock, setting a PIN and a role, counting managers, whether the
 * office holds any stock yet, the staff walk, the caller's transactions
 * (commit, rollback, what another connection sees meanwhile) and the
 * serials a range expects.
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

/* The failure count and lock as stored. */
static int64_t stored_failures(const struct testdb *t, int64_t id)
{
	return testdb_int(t, "SELECT failed_pins FROM staff WHERE id = %lld",
			  (long long)id);
}

static int64_t stored_locked(const struct testdb *t, int64_t id)
{
	return testdb_int(t, "SELECT locked FROM staff WHERE id = %lld",
			  (long long)id);
}

/* One whole check: the try (which must be let through), then its outcome. */
static int pin_check(const struct testdb *t, int64_t id, int ok, int max,
		     int64_t now)
{
	int may = -1, locked = -1, n = -1;

	assert_int_equal(ledger_staff_pin_try(t->l, id, max, &may, &n), 0);
	assert_int_equal(may, 1);
	assert_int_equal(
	    ledger_staff_pin_settle(t->l, id, ok, n, max, now, &locked), 0);
	return locked;
}

static void pin_try_and_settle(void **state)
{
	struct testdb *t = *state;
	char buf[128];
	int64_t p = testdb_staff(t, "P04", ROLE_PARTTIME);
	int may = -1, locked = -1, n = -1;

	/* The try is counted before the PIN is looked at. */
	assert_int_equal(ledger_staff_pin_try(t->l, p, 3, &may, &n), 0);
	assert_int_equal(may, 1);
	assert_int_equal(n, 1);
	assert_int_equal(stored_failures(t, p), 1);
	/* Right with no wrong PIN before: the count starts again, and the
	 * audit log is not filled with every login. */
	assert_int_equal(ledger_staff_pin_settle(t->l, p, 1, n, 3, 10, &locked),
			 0);
	assert_int_equal(locked, 0);
	assert_int_equal(stored_failures(t, p), 0);
	assert_int_equal(testdb_audits(t, "staff.pin_ok", NULL), 0);

	/* Wrong: stays counted, audited as the person's own. */
	assert_int_equal(pin_check(t, p, 0, 3, 20), 0);
	assert_int_equal(stored_failures(t, p), 1);
	assert_int_equal(stored_locked(t, p), 0);
	assert_int_equal(testdb_audits(t, "staff.pin_failed", "P04"), 1);
	assert_int_equal(testdb_int(t, "SELECT staff_id FROM audit WHERE "
				       "action = 'staff.pin_failed'"),
			 p);
	/* Right after a wrong one: reset and audited. */
	assert_int_equal(pin_check(t, p, 1, 3, 30), 0);
	assert_int_equal(stored_failures(t, p), 0);
	assert_int_equal(testdb_audits(t, "staff.pin_ok", "P04"), 1);
	assert_string_equal(
	    testdb_audit_detail(t, "staff.pin_ok", buf, sizeof(buf)),
	    "failed PIN count reset");

	/* Three wrong in a row: the third locks, audited once. */
	assert_int_equal(pin_check(t, p, 0, 3, 40), 0);
	assert_int_equal(pin_check(t, p, 0, 3, 41), 0);
	assert_int_equal(testdb_audits(t, "staff.lock", NULL), 0);
	assert_int_equal(pin_check(t, p, 0, 3, 42), 1);
	assert_int_equal(stored_locked(t, p), 1);
	assert_int_equal(stored_failures(t, p), 3);
	assert_int_equal(testdb_audits(t, "staff.lock", "P04"), 1);
	assert_string_equal(
	    testdb_audit_detail(t, "staff.lock", buf, sizeof(buf)),
	    "too many wrong PINs");
	assert_int_equal(testdb_audits(t, "staff.pin_failed", NULL), 3);

	/* Locked: no try, nothing counted, nothing audited; even with a
	 * higher limit, only an unlock lets the person in again. */
	assert_int_equal(ledger_staff_pin_try(t->l, p, 3, &may, &n), 0);
	assert_int_equal(may, 0);
	assert_int_equal(n, 0);
	assert_int_equal(ledger_staff_pin_try(t->l, p, 10, &may, &n), 0);
	assert_int_equal(may, 0);
	assert_int_equal(stored_failures(t, p), 3);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM audit WHERE "
				       "action LIKE 'staff.pin%%' OR "
				       "action = 'staff.lock'"),
			 5);

	/* Nobody of that id gets a try. */
	assert_int_equal(ledger_staff_pin_try(t->l, p + 10, 3, &may, &n), 0);
	assert_int_equal(may, 0);
	assert_int_equal(
	    ledger_staff_pin_settle(t->l, p + 10, 0, 1, 3, 50, &locked),
	    LEDGER_ERR_NOTFOUND);
	assert_int_equal(locked, 0);
}

/* Tries not yet settled count against the limit: however many checks run
 * at once, at most max_failures PINs are looked at before the lock. */
static void pin_tries_unsettled(void **state)
{
	struct testdb *t = *state;
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int may = -1, locked = -1, n = -1;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(ledger_staff_pin_try(t->l, s, 3, &may, &n), 0);
		assert_int_equal(may, 1);
		assert_int_equal(n, i + 1);
	}
	assert_int_equal(ledger_staff_pin_try(t->l, s, 3, &may, &n), 0);
	assert_int_equal(may, 0);
	assert_int_equal(stored_failures(t, s), 3);
	/* Not locked yet: a wrong outcome settles the lock... */
	assert_int_equal(stored_locked(t, s), 0);
	assert_int_equal(ledger_staff_pin_settle(t->l, s, 0, 1, 3, 10, &locked),
			 0);
	assert_int_equal(locked, 1);
	assert_int_equal(stored_locked(t, s), 1);
	/* ...and a later wrong outcome of the same burst does not lock it
	 * twice. */
	assert_int_equal(ledger_staff_pin_settle(t->l, s, 0, 2, 3, 11, &locked),
			 0);
	assert_int_equal(locked, 0);
	assert_int_equal(testdb_audits(t, "staff.lock", "S02"), 1);
	assert_int_equal(testdb_audits(t, "staff.pin_failed", "S02"), 1);

	/* Inside the caller's transaction the count goes with it. */
	int64_t q = testdb_staff(t, "S03", ROLE_STAFF);
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_staff_pin_try(t->l, q, 3, &may, &n), 0);
	assert_int_equal(may, 1);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(stored_failures(t, q), 0);
}

/*
 * A right PIN settled while wrong ones are in flight alongside: it clears
 * the attempts counted up to its own, not those counted after it; and an
 * account the wrong ones locked meanwhile stays locked, right PIN or not.
 */
static void pin_right_among_wrong(void **state)
{
	struct testdb *t = *state;
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int may = -1, locked = -1, right = -1, n = -1;

	/* One wrong settled (1), the right one tried (2), two wrong tried
	 * after it (3, 4); the right one settles first. */
	assert_int_equal(pin_check(t, s, 0, 5, 10), 0);
	assert_int_equal(ledger_staff_pin_try(t->l, s, 5, &may, &right), 0);
	assert_int_equal(right, 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(ledger_staff_pin_try(t->l, s, 5, &may, &n), 0);
	assert_int_equal(ledger_staff_pin_settle(t->l, s, 1, right, 5, 11,
						 &locked),
			 0);
	assert_int_equal(locked, 0);
	assert_int_equal(stored_failures(t, s), 2);
	/* Those two, then three more wrong: five since the right one. */
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    ledger_staff_pin_settle(t->l, s, 0, 3 + i, 5, 12, &locked),
		    0);
	assert_int_equal(pin_check(t, s, 0, 5, 13), 0);
	assert_int_equal(pin_check(t, s, 0, 5, 14), 0);
	assert_int_equal(pin_check(t, s, 0, 5, 15), 1);
	assert_int_equal(stored_locked(t, s), 1);

	/* The right one the fifth in flight: the wrong ones lock the
	 * account before it settles, and it does not open it again. */
	int64_t q = testdb_staff(t, "S03", ROLE_STAFF);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ledger_staff_pin_try(t->l, q, 5, &may, &n), 0);
	assert_int_equal(ledger_staff_pin_try(t->l, q, 5, &may, &right), 0);
	assert_int_equal(right, 5);
	assert_int_equal(ledger_staff_pin_settle(t->l, q, 0, 1, 5, 20, &locked),
			 0);
	assert_int_equal(locked, 1);
	assert_int_equal(ledger_staff_pin_settle(t->l, q, 1, right, 5, 21,
						 &locked),
			 0);
	assert_int_equal(locked, 2);
	assert_int_equal(stored_locked(t, q), 1);
	assert_int_equal(stored_failures(t, q), 5);
}

static void pin_set(void **state)
{
	struct testdb *t = *state;
	struct staff_rec s;
	char buf[256], want[128], digest[AUDIT_PIN_DIGEST_BUF];
	char longest[sizeof(s.pin_hash) + 1];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t p = testdb_staff(t, "P04", ROLE_PARTTIME);

	/* Refused: no hash, one too long to store, nobody of that id. */
	assert_int_equal(ledger_staff_pin_set(t->l, p, "", 0, p, NULL, 10),
			 LEDGER_ERR_INVALID);
	memset(longest, 'h', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_int_equal(ledger_staff_pin_set(t->l, p, longest, 0, p, NULL, 10),
			 LEDGER_ERR_INVALID);
	assert_int_equal(
	    ledger_staff_pin_set(t->l, p + 10, "new", 1, m, NULL, 10),
	    LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM audit WHERE "
				       "action LIKE 'staff.pin_%%'"),
			 0);
	assert_string_equal(testdb_text(t, buf, sizeof(buf),
					"SELECT pin_hash FROM staff WHERE "
					"id = %lld",
					(long long)p),
			    "hash");

	/* The owner changes it: the new hash, the count cleared, audited as
	 * the owner's with the digest of the hash, never the hash. */
	assert_int_equal(pin_check(t, p, 0, 3, 20), 0);
	assert_int_equal(
	    ledger_staff_pin_set(t->l, p, "owner-hash", 0, p, NULL, 30), 0);
	assert_int_equal(ledger_staff_get_id(t->l, p, &s), 0);
	assert_string_equal(s.pin_hash, "owner-hash");
	assert_int_equal(s.failed_pins, 0);
	assert_int_equal(testdb_audits(t, "staff.pin_change", "P04"), 1);
	assert_int_equal(testdb_int(t, "SELECT staff_id FROM audit WHERE "
				       "action = 'staff.pin_change'"),
			 p);
	audit_pin_digest("owner-hash", strlen("owner-hash"), digest);
	snprintf(want, sizeof(want), "pin=%s", digest);
	assert_string_equal(
	    testdb_audit_detail(t, "staff.pin_change", buf, sizeof(buf)), want);

	/* A manager resets a locked account before a witness: unlocked. */
	for (int i = 0; i < 3; i++)
		pin_check(t, p, 0, 3, 40 + i);
	assert_int_equal(stored_locked(t, p), 1);
	assert_int_equal(
	    ledger_staff_pin_set(t->l, p, "reset-hash", 1, m, "M02", 50), 0);
	assert_int_equal(ledger_staff_get_id(t->l, p, &s), 0);
	assert_string_equal(s.pin_hash, "reset-hash");
	assert_int_equal(s.locked, 0);
	assert_int_equal(s.failed_pins, 0);
	assert_int_equal(testdb_audits(t, "staff.pin_reset", "P04"), 1);
	assert_int_equal(testdb_int(t, "SELECT staff_id FROM audit WHERE "
				       "action = 'staff.pin_reset'"),
			 m);
	audit_pin_digest("reset-hash", strlen("reset-hash"), digest);
	snprintf(want, sizeof(want), "unlocked witness=M02 pin=%s", digest);
	assert_string_equal(
	    testdb_audit_detail(t, "staff.pin_reset", buf, sizeof(buf)), want);
	/* Not locked, no witness: only the digest. */
	assert_int_equal(
	    ledger_staff_pin_set(t->l, p, "again-hash", 1, m, NULL, 60), 0);
	audit_pin_digest("again-hash", strlen("again-hash"), digest);
	snprintf(want, sizeof(want), "pin=%s", digest);
	assert_string_equal(
	    testdb_audit_detail(t, "staff.pin_reset", buf, sizeof(buf)), want);
	assert_int_equal(pin_check(t, p, 1, 3, 70), 0);
}

static void set_role_and_managers(void **state)
{
	struct testdb *t = *state;
	struct staff_rec s;
	char buf[128];
	int64_t n = -1;

	assert_int_equal(ledger_staff_managers(t->l, 0, &n), 0);
	assert_int_equal(n, 0);
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t m2 = testdb_staff(t, "M02", ROLE_MANAGER);
	int64_t p = testdb_staff(t, "P04", ROLE_PARTTIME);
	assert_int_equal(ledger_staff_managers(t->l, 0, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ledger_staff_managers(t->l, m, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ledger_staff_managers(t->l, p, &n), 0);
	assert_int_equal(n, 2);

	/* Refused: the role it has, no such role, nobody of that id. */
	assert_int_equal(
	    ledger_staff_set_role(t->l, p, ROLE_PARTTIME, m, NULL, 10),
	    LEDGER_ERR_STATE);
	assert_errmsg(t->l, "P04 is parttime already");
	assert_int_equal(
	    ledger_staff_set_role(t->l, p, ROLE_COUNT, m, NULL, 10),
	    LEDGER_ERR_INVALID);
	assert_int_equal(
	    ledger_staff_set_role(t->l, p + 10, ROLE_STAFF, m, NULL, 10),
	    LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_audits(t, "staff.role", NULL), 0);

	assert_int_equal(
	    ledger_staff_set_role(t->l, p, ROLE_STAFF, m, NULL, 20), 0);
	assert_int_equal(ledger_staff_get_id(t->l, p, &s), 0);
	assert_int_equal(s.role, ROLE_STAFF);
	assert_string_equal(
	    testdb_audit_detail(t, "staff.role", buf, sizeof(buf)),
	    "from=parttime to=staff");
	assert_int_equal(testdb_int(t, "SELECT staff_id FROM audit WHERE "
				       "action = 'staff.role'"),
			 m);
	assert_int_equal(
	    ledger_staff_set_role(t->l, p, ROLE_MANAGER, m, "M02", 30), 0);
	assert_string_equal(
	    testdb_audit_detail(t, "staff.role", buf, sizeof(buf)),
	    "from=staff to=manager witness=M02");
	assert_int_equal(testdb_audits(t, "staff.role", "P04"), 2);
	assert_int_equal(ledger_staff_managers(t->l, 0, &n), 0);
	assert_int_equal(n, 3);

	/* An inactive manager is not counted; one stepping down neither. */
	assert_int_equal(ledger_staff_set_active(t->l, m2, 0, m, NULL, 40), 0);
	assert_int_equal(
	    ledger_staff_set_role(t->l, p, ROLE_STAFF, m, NULL, 50), 0);
	assert_int_equal(ledger_staff_managers(t->l, 0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ledger_staff_managers(t->l, m, &n), 0);
	assert_int_equal(n, 0);
}

static void stock_empty(void **state)
{
	struct testdb *t = *state;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t id;
	int empty = -1;

	/* People and locations are no stock. */
	testdb_location(t, "S/T1");
	assert_int_equal(ledger_stock_empty(t->l, &empty), 0);
	assert_int_equal(empty, 1);
	testdb_card(t, "C1", "01", "S/T1", "stored");
	assert_int_equal(ledger_stock_empty(t->l, &empty), 0);
	assert_int_equal(empty, 0);
	/* A card in any state is stock, even one handed back. */
	testdb_sqlf(t, "UPDATE card SET status = 'cancelled'");
	assert_int_equal(ledger_stock_empty(t->l, &empty), 0);
	assert_int_equal(empty, 0);
	testdb_sqlf(t, "DELETE FROM card");
	assert_int_equal(ledger_stock_empty(t->l, &empty), 0);
	assert_int_equal(empty, 1);
	/* So is a terminal alone. */
	assert_int_equal(ledger_asset_add(t->l, "TERM1", "Terminal 1", NULL,
					  "S/SHELF", m, 10, &id),
			 0);
	assert_int_equal(ledger_stock_empty(t->l, &empty), 0);
	assert_int_equal(empty, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(staff_codes),
	    T(staff_by_id_and_unlock),
	    T(staff_walk),
	    T(transactions),
	    T(range_serials),
	    T(pin_try_and_settle),
	    T(pin_right_among_wrong),
	    T(pin_tries_unsettled),
	    T(pin_set),
	    T(set_role_and_managers),
	    T(stock_empty),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
