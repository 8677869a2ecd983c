/*
 * Unit tests of the counting programme's workflows
 * (scanner/workflow/wf_plan.c): plan assign (the proposal, its
 * application, each refusal), the check of a manual assignment (rotation
 * rule R6, a locked account, the training gate), the planner never
 * proposing a locked or inactive account, plan cycle, and the plan as
 * status shows it, against a real ledger file in $TMPDIR (tests/testwf.h:
 * M01, S02, S03 and P04).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../data/import.h"
#include "../data/ledger.h"
#include "../scanner/workflow/wf.h"
#include "testwf.h"

/* 2026-03-02 10:00 in Tokyo (tests/run sets TZ). */
#define NOW 1772413200
#define DAY 86400

static const char stock[] = "mgmt_id,serial,location,received\n"
			    "A101,04A101,SAFE1/T01,2025-06-01\n"
			    "A102,04A102,SAFE1/T01,2025-06-01\n"
			    "A201,04A201,SAFE1/T02,2025-06-01\n";

/* The office with its stock: three cards in two trays. */
static int setup(void **state)
{
	struct import_result res;
	struct testwf *f;
	struct wf_err e;

	if (testwf_setup(state))
		return -1;
	f = *state;
	if (wf_import(f->l, &f->m01, "stock.csv", stock, strlen(stock),
		      IMPORT_ENC_AUTO, 0, NOW - 30 * DAY, &res, &e) != 0)
		return -1;
	import_result_free(&res);
	return 0;
}

/* A count of kind over ranges opened by M01 at t, with range i given to
 * who[i] (NULL: nobody). */
static int64_t count_at(struct testwf *f, enum session_kind kind,
			const char *const *ranges, size_t n,
			const char *const *who, int64_t t)
{
	int64_t id;

	assert_int_equal(
	    ledger_session_start(f->l, kind, ranges, n, f->m01.id, t, &id), 0);
	for (size_t i = 0; who && i < n; i++)
		if (who[i])
			assert_int_equal(
			    ledger_session_assign(f->l, id, ranges[i], who[i],
						  f->m01.id, t),
			    0);
	return id;
}

static const char *const both[] = {"SAFE1/T01", "SAFE1/T02"};

/* A full count of the one range by who, closed at t: it counts for the
 * cycle. */
static void full_count_at(struct testwf *f, const char *range, const char *who,
			  int64_t t)
{
	int64_t id = count_at(f, SESSION_FULL, &range, 1, &who, t);

	assert_int_equal(ledger_session_close(f->l, id, f->m01.id, 0, t), 0);
}

static void lock(struct testwf *f, struct staff_rec *s)
{
	int now_locked = 0;

	assert_int_equal(
	    ledger_staff_pin_result(f->l, s->id, 0, 1, NOW, &now_locked), 0);
	assert_int_equal(now_locked, 1);
	assert_int_equal(ledger_staff_get(f->l, s->code, s), 0);
	assert_int_equal(s->locked, 1);
}

/* The refusal's English text, as the CLI prints it. */
static const char *text(const struct wf_err *e)
{
	static char out[1024];

	wf_render(wf_message(e->code), e, NULL, out, sizeof(out));
	return out;
}

static int64_t assigned(struct testwf *f, int64_t id)
{
	struct range_rec *rr;
	int64_t n = 0;
	size_t nr;

	assert_int_equal(ledger_session_ranges(f->l, id, &rr, &nr), 0);
	for (size_t i = 0; i < nr; i++)
		n += rr[i].assignee[0] != '\0';
	free(rr);
	return n;
}

/* ---- plan assign ---- */

static void assign_refusals(void **state)
{
	struct testwf *f = *state;
	struct plan_result res;
	struct wf_err e;
	int64_t id, tally, n;

	assert_int_equal(wf_plan_assign(f->l, NULL, 99, 0, NOW, &res, &e), 65);
	assert_int_equal(e.code, WF_E_PLAN_NO_COUNT);
	assert_string_equal(text(&e), "no count 99");
	assert_null(res.v);

	assert_int_equal(wf_tally_start(f->l, &f->m01, NOW, &tally, &n, &e), 0);
	assert_int_equal(wf_plan_assign(f->l, NULL, tally, 0, NOW, &res, &e),
			 65);
	assert_int_equal(e.code, WF_E_PLAN_TALLY);

	id = count_at(f, SESSION_FULL, both, 2, NULL, NOW);
	assert_int_equal(ledger_session_close(f->l, id, f->m01.id, 0, NOW), 0);
	assert_int_equal(wf_plan_assign(f->l, &f->m01, id, 1, NOW, &res, &e),
			 65);
	assert_int_equal(e.code, WF_E_PLAN_CLOSED);
	assert_int_equal(assigned(f, id), 0);

	/* Applying is a manager's step, checked inside the transaction. */
	id = count_at(f, SESSION_FULL, both, 2, NULL, NOW);
	assert_int_equal(wf_plan_assign(f->l, &f->s02, id, 1, NOW, &res, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_non_null(
	    strstr(text(&e), "only a manager may apply a counting plan"));
	assert_int_equal(assigned(f, id), 0);
	/* A manager locked since logging in is refused too. */
	lock(f, &f->m01);
	assert_int_equal(wf_plan_assign(f->l, &f->m01, id, 1, NOW, &res, &e),
			 77);
	assert_int_equal(e.code, WF_E_LOCKED);
	assert_int_equal(assigned(f, id), 0);
}

static void assign_proposes_then_applies(void **state)
{
	struct testwf *f = *state;
	struct plan_result res;
	struct wf_err e;
	const char *who[] = {"S03", NULL};
	int64_t id = count_at(f, SESSION_FULL, both, 2, who, NOW);

	/* The proposal: nobody needed, nothing written. */
	assert_int_equal(wf_plan_assign(f->l, NULL, id, 0, NOW, &res, &e), 0);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.nunassigned, 0);
	assert_string_equal(res.v[0].range, "SAFE1/T01");
	assert_string_equal(res.v[0].staff, "S03");
	assert_int_equal(res.v[0].kept, 1);
	assert_string_equal(res.v[1].range, "SAFE1/T02");
	assert_int_equal(res.v[1].kept, 0);
	/* S03 holds a range already: T02 goes to someone else. */
	assert_true(res.v[1].staff[0] != '\0');
	assert_string_not_equal(res.v[1].staff, "S03");
	assert_int_equal(assigned(f, id), 1);
	plan_result_free(&res);
	plan_result_free(&res); /* a cleared one: nothing */

	/* Applied by the manager, who comes first among equals. */
	assert_int_equal(wf_plan_assign(f->l, &f->m01, id, 1, NOW, &res, &e),
			 0);
	assert_string_equal(res.v[1].staff, "M01");
	assert_int_equal(assigned(f, id), 2);
	plan_result_free(&res);
}

/* ---- the rules of a manual assignment ---- */

static void check_rotation_lock_training(void **state)
{
	struct testwf *f = *state;
	const char *const t01[] = {"SAFE1/T01"};
	const char *const s02[] = {"S02"};
	struct course_rec c = {.required = 0, .valid_days = 0};
	const char *const trained[] = {"M01", "S02", "S03"};
	struct wf_err e;
	int64_t id;

	count_at(f, SESSION_PARTIAL, t01, 1, s02, NOW - 2 * DAY);
	count_at(f, SESSION_PARTIAL, t01, 1, s02, NOW - DAY);
	id = count_at(f, SESSION_PARTIAL, t01, 1, NULL, NOW);

	assert_int_equal(wf_plan_check(f->l, id, "SAFE1/T01", "S02", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PLAN_ROTATION);
	/* The words of before, naming both earlier counts. */
	assert_string_equal(
	    text(&e), "cannot give SAFE1/T01 to S02: rotation rule (R6): S02 "
		      "counted SAFE1/T01 in each of its last two counts "
		      "(session 1 on 2026-02-28 and session 2 on 2026-03-01); "
		      "the third time someone else must: permission denied");
	assert_int_equal(wf_plan_check(f->l, id, "SAFE1/T01", "S03", NOW, &e),
			 0);
	/* Unknown people and ranges, and inactive people, are the ledger's
	 * to refuse when it assigns. */
	assert_int_equal(wf_plan_check(f->l, id, "SAFE1/T01", "X99", NOW, &e),
			 0);
	assert_int_equal(wf_plan_check(f->l, id, "SAFE9/T01", "S03", NOW, &e),
			 0);

	lock(f, &f->s03);
	assert_int_equal(wf_plan_check(f->l, id, "SAFE1/T01", "S03", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PLAN_LOCKED);
	assert_string_equal(
	    text(&e), "cannot give SAFE1/T01 to S03: account S03 is "
		      "locked after wrong PINs: a manager must unlock it");

	/* A required course P04 never attended. */
	snprintf(c.code, sizeof(c.code), "BASIC");
	snprintf(c.name, sizeof(c.name), "Card handling");
	assert_int_equal(wf_training_course_add(f->l, &f->m01, &c, NOW, &e), 0);
	assert_int_equal(wf_training_record(f->l, &f->m01, "BASIC", trained, 3,
					    wf_today(NOW), NOW, &e),
			 0);
	assert_int_equal(
	    wf_training_course_require(f->l, &f->m01, "BASIC", NOW, &e), 0);
	assert_int_equal(wf_plan_check(f->l, id, "SAFE1/T01", "P04", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PLAN_UNTRAINED);
	assert_string_equal(text(&e),
			    "cannot give SAFE1/T01 to P04: training gate "
			    "(R20): P04 lacks the training required for work "
			    "with cards: permission denied");
	assert_int_equal(wf_plan_check(f->l, id, "SAFE1/T01", "M01", NOW, &e),
			 0);
}

/* The proposal never names a locked or an inactive account, even when
 * that leaves a range without anyone; the reason names them. */
static void never_proposes_locked_or_inactive(void **state)
{
	struct testwf *f = *state;
	struct plan_result res;
	struct wf_err e;
	int64_t id = count_at(f, SESSION_FULL, both, 2, NULL, NOW);

	lock(f, &f->s02);
	assert_int_equal(
	    ledger_staff_set_active(f->l, f->s03.id, 0, f->m01.id, "M01", NOW),
	    0);
	assert_int_equal(wf_plan_assign(f->l, NULL, id, 0, NOW, &res, &e), 0);
	for (size_t i = 0; i < res.n; i++) {
		assert_string_not_equal(res.v[i].staff, "S02");
		assert_string_not_equal(res.v[i].staff, "S03");
	}
	plan_result_free(&res);

	lock(f, &f->p04);
	lock(f, &f->m01);
	assert_int_equal(wf_plan_fill(f->l, id, NULL, 0, NOW, &res, &e), 0);
	assert_int_equal(res.nunassigned, 2);
	assert_string_equal(res.v[0].staff, "");
	assert_string_equal(res.v[0].why,
			    "nobody is active, trained and allowed to count "
			    "(M01 locked, P04 locked, S02 locked, S03 not "
			    "active)");
	plan_result_free(&res);
	assert_int_equal(assigned(f, id), 0);
}

/* ---- plan cycle ---- */

static void cycle_refusals(void **state)
{
	struct testwf *f = *state;
	struct wf_plan_cycle cy;
	struct wf_err e;

	assert_int_equal(wf_plan_cycle(f->l, NULL, -1, 0, 0, NOW, &cy, &e), 65);
	assert_int_equal(e.code, WF_E_PLAN_MONTHS);
	assert_int_equal(wf_plan_cycle(f->l, NULL, -1, 13, 0, NOW, &cy, &e),
			 65);
	assert_string_equal(text(&e), "a cycle takes a whole number of months "
				      "from 1 to 12, not 13");
	/* No cards, no ranges. */
	assert_int_equal(wf_plan_cycle(f->l, NULL, -1, 2, 0, NOW, &cy, &e), 65);
	assert_int_equal(e.code, WF_E_PLAN_NO_RANGES);
	assert_null(cy.v);
}

static void cycle_proposes_then_applies(void **state)
{
	struct testwf *f = *state;
	struct wf_plan_cycle cy;
	struct cycle_rec cur;
	struct wf_err e;
	int32_t march;

	/* T02 had a full count last month: T01, never counted, first. */
	full_count_at(f, "SAFE1/T02", "S02", NOW - 20 * DAY);
	/* Without WF_CYCLE_WHO the same proposal, nobody named. */
	assert_int_equal(wf_plan_cycle(f->l, NULL, -1, 2, 0, NOW, &cy, &e), 0);
	assert_int_equal(cy.n, 2);
	assert_string_equal(cy.v[1].path, "SAFE1/T02");
	assert_int_equal(cy.v[1].month, 1);
	assert_int_equal(cy.v[1].last_full, wf_today(NOW - 20 * DAY));
	assert_int_equal(cy.v[1].last.nwho, 0);
	wf_plan_cycle_free(&cy);
	assert_int_equal(
	    wf_plan_cycle(f->l, NULL, -1, 2, WF_CYCLE_WHO, NOW, &cy, &e), 0);
	assert_int_equal(plan_month_parse("2026-03", &march), 0);
	assert_int_equal(cy.start, march);
	assert_int_equal(cy.months, 2);
	assert_int_equal(cy.n, 2);
	assert_int_equal(cy.share, 1);
	assert_int_equal(cy.plan_id, 0);
	assert_string_equal(cy.v[0].path, "SAFE1/T01");
	assert_int_equal(cy.v[0].month, 0);
	assert_int_equal(cy.v[0].last_full, DATE_NONE);
	assert_string_equal(cy.v[1].path, "SAFE1/T02");
	assert_int_equal(cy.v[1].month, 1);
	assert_int_equal(cy.v[1].last_full, wf_today(NOW - 20 * DAY));
	assert_int_equal(cy.v[1].last.nwho, 1);
	assert_string_equal(cy.v[1].last.who[0], "S02");
	wf_plan_cycle_free(&cy);
	assert_int_equal(ledger_cycle_current(f->l, &cur), LEDGER_ERR_NOTFOUND);

	assert_int_equal(
	    wf_plan_cycle(f->l, &f->s02, march, 2, 1, NOW, &cy, &e), 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(ledger_cycle_current(f->l, &cur), LEDGER_ERR_NOTFOUND);

	assert_int_equal(
	    wf_plan_cycle(f->l, &f->m01, march, 2, 1, NOW, &cy, &e), 0);
	assert_true(cy.plan_id > 0);
	assert_int_equal(ledger_cycle_current(f->l, &cur), 0);
	assert_int_equal(cur.id, cy.plan_id);
	assert_int_equal(cur.months, 2);
	wf_plan_cycle_free(&cy);
}

/* ---- the plan in status ---- */

static void status_and_due_ranges(void **state)
{
	struct testwf *f = *state;
	char(*paths)[LOCATION_MAX + 1];
	struct wf_plan_status s;
	struct wf_plan_cycle cy;
	struct wf_err e;
	size_t n = 99;
	int *st;
	int32_t march;

	assert_int_equal(plan_due_ranges(f->l, NOW, &paths, &st, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(wf_plan_status(f->l, NOW, &s, &e), 0);
	assert_int_equal(s.has_cycle, 0);
	assert_int_equal(s.nranges, 2);
	assert_int_equal(s.nnever, 2);
	assert_int_equal(s.oldest, -1);
	wf_plan_status_free(&s);

	assert_int_equal(plan_month_parse("2026-03", &march), 0);
	assert_int_equal(
	    wf_plan_cycle(f->l, &f->m01, march, 2, 1, NOW, &cy, &e), 0);
	wf_plan_cycle_free(&cy);
	/* T02 (second month) counted in full now: done; T01 due. */
	full_count_at(f, "SAFE1/T02", "S02", NOW);
	assert_int_equal(plan_due_ranges(f->l, NOW, &paths, &st, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(paths[0], "SAFE1/T01");
	assert_int_equal(st[0], PLAN_DUE_NOW);
	assert_string_equal(paths[1], "SAFE1/T02");
	assert_int_equal(st[1], PLAN_DUE_DONE);
	free(paths);
	free(st);

	assert_int_equal(wf_plan_status(f->l, NOW, &s, &e), 0);
	assert_int_equal(s.has_cycle, 1);
	assert_int_equal(s.start, march);
	assert_int_equal(s.month, march);
	assert_int_equal(s.ended, 0);
	assert_int_equal(s.nplanned, 2);
	assert_int_equal(s.ndone, 0); /* T02's month is April */
	assert_int_equal(s.nnever, 1);
	assert_int_equal(s.oldest, 1);
	assert_int_equal(s.ranges[1].has_full, 1);
	assert_string_equal(s.ranges[1].full.who[0], "S02");
	assert_int_equal(s.ranges[0].has_any, 0);
	wf_plan_status_free(&s);

	/* In June the cycle has ended and T01 is overdue. */
	assert_int_equal(wf_plan_status(f->l, NOW + 100 * DAY, &s, &e), 0);
	assert_int_equal(s.ended, 1);
	assert_string_equal(s.planned[0].path, "SAFE1/T01");
	assert_int_equal(s.planned[0].state, PLAN_DUE_OVERDUE);
	wf_plan_status_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(assign_refusals, setup,
					    testwf_teardown),
	    cmocka_unit_test_setup_teardown(assign_proposes_then_applies, setup,
					    testwf_teardown),
	    cmocka_unit_test_setup_teardown(check_rotation_lock_training, setup,
					    testwf_teardown),
	    cmocka_unit_test_setup_teardown(never_proposes_locked_or_inactive,
					    setup, testwf_teardown),
	    cmocka_unit_test_setup_teardown(cycle_refusals, testwf_setup,
					    testwf_teardown),
	    cmocka_unit_test_setup_teardown(cycle_proposes_then_applies, setup,
					    testwf_teardown),
	    cmocka_unit_test_setup_teardown(status_and_due_ranges, setup,
					    testwf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
