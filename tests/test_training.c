/*
 * Unit tests of data/training.c against a real ledger file: courses (added,
 * made required, listed), attendance records and their listing by date,
 * course and person.  Refused input changes nothing and writes no audit
 * entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

static struct course_rec course(const char *code, const char *name,
				int required, int valid_days)
{
	struct course_rec c = {.required = required, .valid_days = valid_days};

	snprintf(c.code, sizeof(c.code), "%s", code);
	snprintf(c.name, sizeof(c.name), "%s", name);
	return c;
}

static int32_t day(const char *iso)
{
	int32_t d;

	assert_int_equal(date_parse(iso, strlen(iso), &d), 0);
	return d;
}

static void course_add_get(void **state)
{
	struct testdb *t = *state;
	struct course_rec c = course("SAFE-1", "Handling the safe", 1, 365);
	struct course_rec got;
	char buf[256];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);

	assert_int_equal(ledger_course_get(t->l, "SAFE-1", &got),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_course_add(t->l, &c, m, 50), 0);
	assert_int_equal(ledger_course_get(t->l, "SAFE-1", &got), 0);
	assert_true(got.id > 0);
	assert_string_equal(got.code, "SAFE-1");
	assert_string_equal(got.name, "Handling the safe");
	assert_int_equal(got.required, 1);
	assert_int_equal(got.valid_days, 365);
	assert_int_equal(testdb_audits(t, "training.course", "course SAFE-1"),
			 1);
	assert_string_equal(
	    testdb_audit_detail(t, "training.course", buf, sizeof(buf)),
	    "name=Handling the safe required_for=cards valid_days=365");

	/* Not required, valid forever: stored as NULLs, read back as 0. */
	c = course("INTRO", "研修 入門", 0, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 51), 0);
	assert_int_equal(ledger_course_get(t->l, "INTRO", &got), 0);
	assert_int_equal(got.required, 0);
	assert_int_equal(got.valid_days, 0);
	assert_string_equal(got.name, "研修 入門");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM course WHERE "
				       "code = 'INTRO' AND required_for IS "
				       "NULL AND valid_days IS NULL"),
			 1);
	/* Codes are case-sensitive names: "intro" is another course. */
	assert_int_equal(ledger_course_get(t->l, "intro", &got),
			 LEDGER_ERR_NOTFOUND);
}

static void course_refusals(void **state)
{
	struct testdb *t = *state;
	struct course_rec c;
	char name[NAME_MAX_BYTES + 2];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);

	c = course("A", "A course", 0, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 1), 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), LEDGER_ERR_EXISTS);
	assert_errmsg(t->l, "exists already");

	c = course("", "x", 0, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), LEDGER_ERR_INVALID);
	c = course("two words", "x", 0, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), LEDGER_ERR_INVALID);
	c = course("B", "", 0, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), LEDGER_ERR_INVALID);
	c = course("B", "line\nbreak", 0, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), LEDGER_ERR_INVALID);
	memset(name, 'n', sizeof(name));
	name[NAME_MAX_BYTES + 1] = '\0';
	c = course("B", "x", 0, 0);
	memcpy(c.name, name, NAME_MAX_BYTES);
	c.name[NAME_MAX_BYTES] = '\0'; /* the longest name fits */
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), 0);
	c = course("C", "x", 0, -1);
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), LEDGER_ERR_INVALID);
	c = course("C", "x", 0, COURSE_VALID_DAYS_MAX + 1);
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), LEDGER_ERR_INVALID);
	c = course("C", "x", 0, COURSE_VALID_DAYS_MAX);
	assert_int_equal(ledger_course_add(t->l, &c, m, 2), 0);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM course"), 3);
	assert_int_equal(testdb_audits(t, "training.course", NULL), 3);
}

static void course_require(void **state)
{
	struct testdb *t = *state;
	struct course_rec c = course("INTRO", "Intro", 0, 0);
	struct course_rec got;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);

	assert_int_equal(ledger_course_add(t->l, &c, m, 1), 0);
	assert_int_equal(ledger_course_require(t->l, "NONE", m, 2),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_course_require(t->l, "INTRO", m, 3), 0);
	assert_int_equal(ledger_course_get(t->l, "INTRO", &got), 0);
	assert_int_equal(got.required, 1);
	assert_int_equal(testdb_audits(t, "training.require", "course INTRO"),
			 1);
	assert_int_equal(ledger_course_require(t->l, "INTRO", m, 4),
			 LEDGER_ERR_STATE);
	assert_errmsg(t->l, "required already");
	assert_int_equal(testdb_audits(t, "training.require", NULL), 1);
}

struct walk {
	int n, stop_at;
	char line[8][160];
};

static int course_fn(const struct course_rec *c, void *ctx)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "%s %d %d", c->code,
		 c->required, c->valid_days);
	return w->n == w->stop_at ? 3 : 0;
}

static void courses_by_code(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	struct course_rec c;

	assert_int_equal(ledger_course_each(t->l, course_fn, &w), 0);
	assert_int_equal(w.n, 0);
	c = course("ZETA", "z", 1, 30);
	assert_int_equal(ledger_course_add(t->l, &c, m, 1), 0);
	c = course("ALPHA", "a", 0, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 1), 0);
	assert_int_equal(ledger_course_each(t->l, course_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.line[0], "ALPHA 0 0");
	assert_string_equal(w.line[1], "ZETA 1 30");
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_course_each(t->l, course_fn, &w), 3);
	assert_int_equal(w.n, 1);
}

static int attendance_fn(const struct attendance_row *r, void *ctx)
{
	struct walk *w = ctx;
	char d[11];

	date_format(r->date, d);
	snprintf(w->line[w->n++], sizeof(w->line[0]), "%s %s %s(%s) %s %s %lld",
		 d, r->course, r->staff, r->staff_name, r->course_name,
		 r->recorded_by, (long long)r->recorded_at);
	return w->n == w->stop_at ? 9 : 0;
}

static void attendance_recorded_and_listed(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	char buf[128];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s2 = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t s3 = testdb_staff(t, "S03", ROLE_STAFF);
	struct course_rec c;

	c = course("SAFE", "Safe", 1, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 1), 0);
	c = course("INTRO", "Intro", 0, 0);
	assert_int_equal(ledger_course_add(t->l, &c, m, 1), 0);

	assert_int_equal(ledger_attendance_each(t->l, NULL, attendance_fn, &w),
			 0);
	assert_int_equal(w.n, 0);

	/* One session of two people, in one transaction. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(
	    ledger_training_record(t->l, "SAFE", s3, day("2026-04-01"), m, 10),
	    0);
	assert_int_equal(
	    ledger_training_record(t->l, "SAFE", s2, day("2026-04-01"), m, 10),
	    0);
	assert_int_equal(ledger_commit(t->l), 0);
	assert_int_equal(
	    ledger_training_record(t->l, "INTRO", s2, day("2026-03-15"), m, 20),
	    0);
	assert_int_equal(
	    ledger_training_record(t->l, "INTRO", s2, day("2026-04-01"), m, 30),
	    0);
	assert_int_equal(testdb_audits(t, "training.record", "course SAFE"), 2);
	assert_string_equal(
	    testdb_audit_detail(t, "training.record", buf, sizeof(buf)),
	    "staff=S02 date=2026-04-01");

	/* By date, course, person. */
	assert_int_equal(ledger_attendance_each(t->l, NULL, attendance_fn, &w),
			 0);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.line[0],
			    "2026-03-15 INTRO S02(Person S02) Intro M01 20");
	assert_string_equal(w.line[1],
			    "2026-04-01 INTRO S02(Person S02) Intro M01 30");
	assert_string_equal(w.line[2],
			    "2026-04-01 SAFE S02(Person S02) Safe M01 10");
	assert_string_equal(w.line[3],
			    "2026-04-01 SAFE S03(Person S03) Safe M01 10");
	/* One person's only. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_attendance_each(t->l, "S03", attendance_fn, &w),
			 0);
	assert_int_equal(w.n, 1);
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_attendance_each(t->l, "M01", attendance_fn, &w),
			 0);
	assert_int_equal(w.n, 0);
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(ledger_attendance_each(t->l, NULL, attendance_fn, &w),
			 9);
	assert_int_equal(w.n, 2);
}

static void attendance_refusals(void **state)
{
	struct testdb *t = *state;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s2 = testdb_staff(t, "S02", ROLE_STAFF);
	struct course_rec c = course("SAFE", "Safe", 1, 0);

	assert_int_equal(ledger_course_add(t->l, &c, m, 1), 0);
	assert_int_equal(
	    ledger_training_record(t->l, "SAFE", s2, day("2026-04-01"), m, 10),
	    0);
	/* The same person, course and day twice. */
	assert_int_equal(
	    ledger_training_record(t->l, "SAFE", s2, day("2026-04-01"), m, 11),
	    LEDGER_ERR_EXISTS);
	assert_errmsg(t->l, "recorded already");
	/* No such course, nobody of that id, no date. */
	assert_int_equal(
	    ledger_training_record(t->l, "NONE", s2, day("2026-04-02"), m, 11),
	    LEDGER_ERR_INVALID);
	assert_int_equal(ledger_training_record(t->l, "SAFE", s2 + 40,
						day("2026-04-02"), m, 11),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(
	    ledger_training_record(t->l, "SAFE", s2, DATE_NONE, m, 11),
	    LEDGER_ERR_INVALID);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM attendance"), 1);
	assert_int_equal(testdb_audits(t, "training.record", NULL), 1);

	/* A refused record inside the caller's transaction: the caller
	 * rolls back, and the good record before it goes too. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(
	    ledger_training_record(t->l, "SAFE", m, day("2026-04-02"), m, 12),
	    0);
	assert_int_equal(
	    ledger_training_record(t->l, "NONE", s2, day("2026-04-02"), m, 12),
	    LEDGER_ERR_INVALID);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM attendance"), 1);
	assert_int_equal(testdb_audits(t, "training.record", NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(course_add_get),
	    T(course_refusals),
	    T(course_require),
	    T(courses_by_code),
	    T(attendance_recorded_and_listed),
	    T(attendance_refusals),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
