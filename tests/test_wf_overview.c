/*
 * Unit tests of today's picture as a struct (scanner/workflow/wf_overview.c),
 * what `cardtally status` and the TUI's status screen render: what each
 * list holds and what the rules leave out (a tally among the counts, a
 * tally closed with nothing missing, an account locked but no longer
 * active, a person trained as required), the rows' text kept after the
 * ledger's statements are gone, and the safe's flags, against a real
 * ledger file in $TMPDIR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testwf.h"

#include "../data/import.h"
#include "../scanner/workflow/wf_overview.h"
#include "../scanner/workflow/wf_scan.h"

/* 2026-03-02 10:00 in Tokyo (tests/run sets TZ), a Monday. */
#define NOW 1772413200

static int64_t clock_now(void)
{
	return NOW + 150;
}

static const char stock[] = "mgmt_id,serial,location,received\n"
			    "A101,04A101,SAFE1/T01,2025-06-01\n"
			    "A102,04A102,SAFE1/T01,2025-06-01\n"
			    "A103,04A103,SAFE1/T02,2025-06-01\n";

static const struct recon_key_rules key_rules = {.open_limit_min = 30,
						 .office_start_min = 8 * 60,
						 .office_end_min = 18 * 60};

/* Moves the n cards named by S02 (kind k) at time at. */
static void move(struct testwf *f, enum custody_kind k,
		 const char *const *names, size_t n, int64_t at)
{
	testwf_move(f, k, names, n, NULL, at);
}

/* The office of NOW: three cards, A103 out with S02 since NOW + 60, a
 * full count begun, a tally expecting A103 back (its id in *tally), P04
 * locked by wrong PINs, and S03 locked and then made inactive. */
static void office(struct testwf *f, int64_t *tally)
{
	const char *a103[] = {"A103"};
	struct staff_rec who;
	struct wf_err e;
	int64_t n, count;

	testwf_stock(f, &f->m01, stock, NOW);
	move(f, CUSTODY_CHECKOUT, a103, 1, NOW + 60);
	assert_int_equal(ledger_session_start(f->l, SESSION_FULL, NULL, 0,
					      f->m01.id, NOW + 90, &count),
			 0);
	assert_int_equal(
	    wf_tally_start(f->l, &f->s02, NOW + 120, tally, &n, &e), 0);
	for (int i = 0; i < 5; i++) {
		wf_login(f->l, "P04", "0000", NOW + 150, &who, &e);
		wf_login(f->l, "S03", "0000", NOW + 150, &who, &e);
	}
	assert_int_equal(ledger_staff_set_active(f->l, f->s03.id, 0, f->m01.id,
						 NULL, NOW + 160),
			 0);
}

static void lists_what_the_rules_keep(void **state)
{
	struct testwf *f = *state;
	struct wf_overview ov;
	struct wf_err e;
	int64_t tally;

	office(f, &tally);
	assert_int_equal(
	    wf_overview(f->l, &key_rules, NULL, NOW + 200, &ov, &e), 0);
	assert_int_equal(ov.now, NOW + 200);
	assert_int_equal(ov.today, wf_today(NOW));
	assert_int_equal(ov.safe_open, 0);
	assert_int_equal(ov.import_stopped, 0);
	/* The count, not the tally, among the counts. */
	assert_int_equal(ov.ncounts, 1);
	assert_int_equal(ov.counts[0].kind, SESSION_FULL);
	/* The tally open, A103 still out. */
	assert_int_equal(ov.ntallies, 1);
	assert_int_equal(ov.tallies[0].session.id, tally);
	assert_int_equal(ov.tallies[0].session.closed_at, 0);
	assert_int_equal(ov.tallies[0].expected, 1);
	/* The row's text outlives the walk's statement. */
	assert_int_equal(ov.nout, 1);
	assert_string_equal(ov.out[0].name, "A103");
	assert_string_equal(ov.out[0].location, "SAFE1/T02");
	assert_string_equal(ov.out[0].checked_out_by, "S02");
	assert_int_equal(ov.out[0].checked_out_at, NOW + 60);
	/* P04 locked; S03 locked too, but no longer active. */
	assert_int_equal(ov.nlocked, 1);
	assert_string_equal(ov.locked[0].code, "P04");
	/* No course is required: nobody lacks one. */
	assert_int_equal(ov.ngaps, 0);
	assert_int_equal(ov.nlost, 0);
	assert_int_equal(ov.nopenings, 0);
	assert_int_equal(ov.nflagged, 0);
	assert_int_equal(ov.disposal_due, 0);
	wf_overview_free(&ov);
	assert_null(ov.out);
}

struct listed {
	char names[8][16];
	int n;
};

static int list_missing(void *ctx, const struct tally_row *r)
{
	struct listed *l = ctx;

	assert_true(l->n < 8);
	snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", r->name);
	return 0;
}

/* A tally's items each judged by the rule (recon_tally_item), counted,
 * and only the missing ones listed: what `reconcile` of a tally and the
 * TUI's tally screen show. */
static void a_tally_lists_only_what_is_missing(void **state)
{
	static const char four[] = "mgmt_id,serial,location,received\n"
				   "B101,04B101,SAFE1/T01,2025-06-01\n"
				   "B102,04B102,SAFE1/T01,2025-06-01\n"
				   "B103,04B103,SAFE1/T01,2025-06-01\n"
				   "B104,04B104,SAFE1/T01,2025-06-01\n";
	const char *all[] = {"B101", "B102", "B103", "B104"};
	const char *b102[] = {"B102"}, *b103[] = {"B103"};
	struct testwf *f = *state;
	struct wf_scan_args a = {0};
	struct wf_scan_read rd;
	struct wf_scan *s;
	struct recon_tally t;
	struct listed l = {0};
	struct wf_err e;
	int64_t tally, n;

	assert_int_equal(testwf_stock(f, &f->m01, four, NOW), 4);
	move(f, CUSTODY_CHECKOUT, all, 4, NOW + 60);
	assert_int_equal(
	    wf_tally_start(f->l, &f->s02, NOW + 120, &tally, &n, &e), 0);
	assert_int_equal(n, 4);
	/* B101 read back in the tally. */
	a.session_id = tally;
	a.actor = &f->s02;
	a.clock = clock_now;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04B101", &rd, &e), 0);
	assert_int_equal(wf_scan_close(s, &e), 0);
	/* B102 returned to storage at the counter, B103 issued. */
	move(f, CUSTODY_RETURN, b102, 1, NOW + 180);
	move(f, CUSTODY_ISSUE, b103, 1, NOW + 190);
	assert_int_equal(wf_tally_missing(f->l, tally, list_missing, &l, &t),
			 0);
	assert_int_equal(t.expected, 4);
	assert_int_equal(t.by_state[TALLY_RETURNED], 1);
	assert_int_equal(t.by_state[TALLY_RESOLVED], 1);
	assert_int_equal(t.by_state[TALLY_ISSUED], 1);
	assert_int_equal(t.by_state[TALLY_MISSING], 1);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.names[0], "B104");
	/* The totals alone are the same. */
	memset(&t, 0xff, sizeof(t));
	assert_int_equal(wf_tally_summary(f->l, tally, &t), 0);
	assert_int_equal(t.expected, 4);
	assert_int_equal(t.by_state[TALLY_MISSING], 1);
}

static void a_tally_closed_with_nothing_missing_is_left_out(void **state)
{
	struct testwf *f = *state;
	const char *a103[] = {"A103"};
	struct wf_tally_closed closed;
	struct wf_overview ov;
	struct wf_err e;
	int64_t tally;

	office(f, &tally);
	move(f, CUSTODY_RETURN, a103, 1, NOW + 170);
	assert_int_equal(wf_tally_close(f->l, &f->s02, tally, NULL, NULL, NULL,
					NOW + 180, &closed, &e),
			 0);
	assert_int_equal(closed.t.by_state[TALLY_MISSING], 0);
	assert_int_equal(
	    wf_overview(f->l, &key_rules, NULL, NOW + 200, &ov, &e), 0);
	assert_int_equal(ov.ntallies, 0);
	assert_int_equal(ov.nout, 0);
	assert_int_equal(ov.ncounts, 1);
	wf_overview_free(&ov);
}

/* A training gap of an active person is listed, the course and its state
 * named. */
static void a_required_course_not_taken_is_a_gap(void **state)
{
	struct testwf *f = *state;
	struct wf_overview ov;
	struct wf_err e;
	struct course_rec c = {
	    .code = "K1", .name = "Card handling", .required = 1};

	assert_int_equal(ledger_course_add(f->l, &c, f->m01.id, NOW), 0);
	assert_int_equal(
	    wf_overview(f->l, &key_rules, NULL, NOW + 200, &ov, &e), 0);
	/* M01, P04, S02, S03: everyone active, nobody trained. */
	assert_int_equal(ov.ngaps, 4);
	assert_string_equal(ov.gaps[0].who.code, "M01");
	assert_string_equal(ov.gaps[0].gap.course.code, "K1");
	assert_int_equal(ov.gaps[0].gap.gate, GATE_MISSING);
	wf_overview_free(&ov);
}

/* The safe open past its limit: the opening, today's list and the count
 * of flagged openings say so. */
static void the_safe_open_too_long_is_flagged(void **state)
{
	struct testwf *f = *state;
	struct wf_overview ov;
	struct wf_key_opened o;
	struct wf_err e;

	/* A manager approves (S03 is no key holder). */
	assert_int_equal(wf_key_open(f->l, &f->s02, "M01", "1111", "count", NOW,
				     &key_rules, &o, &e),
			 0);
	assert_int_equal(
	    wf_overview(f->l, &key_rules, NULL, NOW + 45 * 60, &ov, &e), 0);
	assert_int_equal(ov.safe_open, 1);
	assert_int_equal(ov.safe.o.id, o.id);
	assert_true(ov.safe.flags != 0);
	assert_int_equal(ov.nopenings, 1);
	assert_int_equal(ov.openings[0].flags, ov.safe.flags);
	assert_int_equal(ov.nflagged, 1);
	wf_overview_free(&ov);
	/* Within its limit: nothing flagged. */
	assert_int_equal(
	    wf_overview(f->l, &key_rules, NULL, NOW + 10 * 60, &ov, &e), 0);
	assert_int_equal(ov.safe.flags, 0);
	assert_int_equal(ov.nflagged, 0);
	wf_overview_free(&ov);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(lists_what_the_rules_keep,
					    testwf_setup, testwf_teardown),
	    cmocka_unit_test_setup_teardown(a_tally_lists_only_what_is_missing,
					    testwf_setup, testwf_teardown),
	    cmocka_unit_test_setup_teardown(
		a_tally_closed_with_nothing_missing_is_left_out, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(
		a_required_course_not_taken_is_a_gap, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(the_safe_open_too_long_is_flagged,
					    testwf_setup, testwf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
