/*
 * Unit tests of the scan session workflow (scanner/workflow/wf_scan.c)
 * against a real ledger file in $TMPDIR and the sim reader: every refusal
 * of opening a session, every refusal of a read (the count, tally or
 * disposal closed meanwhile, the range given to someone else, the person
 * locked), reads typed and from a reader, the loop and its stop flag, a
 * reader outside a session, taking a read back, the ranges one may scan,
 * and the ledger's own side of it (data/session.c: the read's target, the
 * guard on a closed session, the session's mark; data/undo.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "../data/import.h"
#include "../reconcile/rules.h"
#include "../data/ledger.h"
#include "../drivers/profile.h"
#include "../scanner/workflow/wf_scan.h"
#include "testwf.h"

/* ---- the rule ---- */

static void only_the_assignee_scans_a_range(void **state)
{
	static const struct {
		int64_t assignee, actor;
		int open;
	} t[] = {
	    {0, 7, 1}, /* assigned to nobody: anyone who may scan */
	    {7, 7, 1}, /* the assignee */
	    {7, 8, 0}, /* someone else */
	    {8, 7, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(
		    wf_scan_range_open_to(t[i].assignee, t[i].actor),
		    t[i].open);
}

/* ---- the fixture ---- */

/* The workflow fixture (tests/testwf.h) with stock in SAFE1/T01-T03 and a
 * file for sim reader scripts. */
struct fixture {
	struct testwf *w;
	struct ledger *l; /* w->l */
	struct staff_rec m01, s02, s03;
	char sim[300];
	int64_t t01, t02;
};

static int64_t fake_now = 1772442000; /* 2026-03-02 18:00 JST */

static int64_t fake_clock(void)
{
	return fake_now;
}

static const char stock[] = "mgmt_id,serial,location,received,status\n"
			    "A101,04A101,SAFE1/T01,2025-06-01,stored\n"
			    "A102,04A102,SAFE1/T01,2025-06-01,stored\n"
			    "A201,04A201,SAFE1/T02,2025-06-01,stored\n"
			    "A202,04A202,SAFE1/T02,2025-06-01,stored\n"
			    "M301,04B301,SAFE1/T03,2025-06-01,moved\n";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct import_opts o = {.now = 1000,
				.status_rule = recon_import_status_rule};
	struct import_result res;
	void *w;

	if (!f)
		return -1;
	if (testwf_setup(&w) != 0) {
		free(f);
		return -1;
	}
	f->w = w;
	f->l = f->w->l;
	f->m01 = f->w->m01;
	f->s02 = f->w->s02;
	f->s03 = f->w->s03;
	testwf_file(f->w, "r.sim", f->sim, sizeof(f->sim));
	o.actor_id = f->m01.id;
	if (import_run(f->l, stock, strlen(stock), &o, &res) != 0)
		return -1;
	import_result_free(&res);
	if (ledger_location_find(f->l, "SAFE1/T01", &f->t01) != 0 ||
	    ledger_location_find(f->l, "SAFE1/T02", &f->t02) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	void *w = f->w;

	unlink(f->sim);
	testwf_teardown(&w);
	free(f);
	return 0;
}

/* A count over T01 and T02; T01 assigned to `who` unless NULL. */
static int64_t count(struct fixture *f, const char *who)
{
	const char *r[] = {"SAFE1/T01", "SAFE1/T02"};
	int64_t id;

	assert_int_equal(ledger_session_start(f->l, SESSION_PARTIAL, r, 2,
					      f->m01.id, fake_now, &id),
			 0);
	if (who)
		assert_int_equal(ledger_session_assign(f->l, id, "SAFE1/T01",
						       who, f->m01.id,
						       fake_now),
				 0);
	return id;
}

static struct wf_scan_args args(const struct staff_rec *who, int64_t id,
				const char *range)
{
	struct wf_scan_args a = {0};

	a.session_id = id;
	a.range = range;
	a.actor = who;
	a.clock = fake_clock;
	return a;
}

static int64_t reads(struct fixture *f, int64_t id)
{
	return ledger_session_scan_count(f->l, id);
}

static void lock(struct fixture *f, const struct staff_rec *who)
{
	int locked = 0;

	for (int i = 0; i < 5; i++)
		assert_int_equal(ledger_staff_pin_result(f->l, who->id, 0, 5,
							 fake_now, &locked),
				 0);
	assert_int_equal(locked, 1);
}

static void write_sim(struct fixture *f, const char *script)
{
	FILE *fp = fopen(f->sim, "w");

	assert_non_null(fp);
	fputs(script, fp);
	assert_int_equal(fclose(fp), 0);
}

/* ---- opening a session ---- */

static void expect_open(struct fixture *f, const struct wf_scan_args *a, int ex,
			enum wf_code code)
{
	struct wf_scan *s = (struct wf_scan *)1;
	struct wf_err e;

	assert_int_equal(wf_scan_open(f->l, a, &s, &e), ex);
	assert_null(s);
	assert_int_equal(e.code, code);
}

static void opening_refuses_what_may_not_be_scanned(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S03"), tally, n, only, d;
	const char *r[] = {"SAFE1/T01"};
	struct wf_scan_args a;
	struct wf_scan *s;
	struct wf_err e;
	char msg[512], spec[320];

	a = args(&f->s02, 99, "SAFE1/T01");
	expect_open(f, &a, 65, WF_E_SCAN_NO_SESSION);
	a = args(&f->s02, id, NULL);
	expect_open(f, &a, 2, WF_E_SCAN_RANGE_NEEDED);
	a = args(&f->s02, id, "SAFE1/T09");
	expect_open(f, &a, 65, WF_E_SCAN_NOT_A_RANGE);
	/* R7: T01 is S03's. */
	a = args(&f->s02, id, "SAFE1/T01");
	expect_open(f, &a, 77, WF_E_SCAN_ASSIGNED);
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 77);
	wf_render(wf_message(e.code), &e, NULL, msg, sizeof(msg));
	assert_string_equal(msg, "range SAFE1/T01 of session 1 is assigned to "
				 "S03 alone: S02 may not scan it");
	/* A reader that does not open: nothing begun. */
	a = args(&f->s02, id, "SAFE1/T02");
	a.reader = "nosuch:x";
	expect_open(f, &a, 2, WF_E_READER_SPEC);
	a.reader = "sim:/nonexistent/r.sim";
	expect_open(f, &a, 69, WF_E_READER_OPEN);
	write_sim(f, "frobnicate\n");
	snprintf(spec, sizeof(spec), "sim:%s", f->sim);
	a.reader = spec;
	expect_open(f, &a, 65, WF_E_READER_SCRIPT);
	a.reader = "sim:/dev/null"; /* empty: fine */
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_close(s, &e), 0);
	/* A tally takes no range. */
	assert_int_equal(
	    ledger_tally_start(f->l, f->m01.id, fake_now, &tally, &n), 0);
	a = args(&f->s02, tally, "SAFE1/T01");
	expect_open(f, &a, 2, WF_E_SCAN_TALLY_RANGE);
	/* A count-only check is counted, not scanned. */
	assert_int_equal(ledger_session_start(f->l, SESSION_COUNTONLY, r, 1,
					      f->m01.id, fake_now, &only),
			 0);
	a = args(&f->s02, only, "SAFE1/T01");
	expect_open(f, &a, 65, WF_E_SCAN_COUNTONLY);
	/* Closed. */
	assert_int_equal(ledger_session_close(f->l, id, f->m01.id, 0, fake_now),
			 0);
	a = args(&f->s03, id, "SAFE1/T01");
	expect_open(f, &a, 65, WF_E_SCAN_CLOSED);
	/* Disposal batches: missing, closed. */
	a = args(&f->s02, 0, NULL);
	a.disposal_id = 42;
	expect_open(f, &a, 65, WF_E_SCAN_NO_DISPOSAL);
	assert_int_equal(
	    ledger_disposal_start(f->l, f->s02.id, f->m01.id, fake_now, &d), 0);
	assert_int_equal(ledger_disposal_close(f->l, d, "shred", NULL,
					       f->s02.id, f->m01.id, fake_now,
					       &n),
			 0);
	a.disposal_id = d;
	expect_open(f, &a, 65, WF_E_SCAN_DISPOSAL_CLOSED);
	/* The person is read again: a locked account scans nothing. */
	lock(f, &f->s02);
	a = args(&f->s02, tally, NULL);
	expect_open(f, &a, 77, WF_E_LOCKED);
}

static void a_recount_is_someone_elses(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S02"), re;
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;

	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 0);
	assert_int_equal(wf_scan_close(s, &e), 0);
	/* Opened (wrongly) for S02, who counted it first. */
	assert_int_equal(ledger_recount_start(f->l, id, "SAFE1/T01", f->s02.id,
					      f->m01.id, fake_now, &re),
			 0);
	a = args(&f->s02, re, "SAFE1/T01");
	expect_open(f, &a, 77, WF_E_SCAN_RECOUNT);
	a = args(&f->s03, re, "SAFE1/T01");
	/* S03 is no first counter, but the recount is S02's alone. */
	expect_open(f, &a, 77, WF_E_SCAN_ASSIGNED);
}

/* ---- reads ---- */

static void typed_reads_are_decided_and_recorded(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S02");
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;

	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04a101", &res, &e), 0);
	assert_int_equal(res.outcome, RECON_ACCEPTED);
	assert_string_equal(res.lk.card.mgmt_id, "A101");
	assert_int_equal(res.at, fake_now);
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 0);
	assert_int_equal(res.outcome, RECON_REPEAT);
	assert_int_equal(wf_scan_serial(s, "04A201", &res, &e), 0);
	assert_int_equal(res.outcome, RECON_ALERT);
	assert_int_equal(res.why, WHY_MISPLACED);
	assert_int_equal(wf_scan_serial(s, "04DEAD", &res, &e), 0);
	assert_int_equal(res.why, WHY_UNKNOWN);
	assert_int_equal(wf_scan_serial(s, "xyz", &res, &e), 65);
	assert_int_equal(e.code, WF_E_SCAN_NOT_A_CARD);
	assert_int_equal(wf_scan_totals(s)->accepted, 1);
	assert_int_equal(wf_scan_totals(s)->repeats, 1);
	assert_int_equal(wf_scan_totals(s)->alerts, 2);
	assert_int_equal(wf_scan_totals(s)->refused, 0);
	/* The safe is recorded closed: taken, flagged. */
	assert_int_equal(wf_scan_totals(s)->safe_closed, 4);
	assert_int_equal(wf_scan_close(s, &e), 0);
	assert_int_equal(reads(f, id), 3); /* repeats do not count */
}

/*
 * Typed at a count's screen, a number nobody knows is refused and not
 * recorded (a typing error must not become a discrepancy to resolve); a
 * known one, in place or not, is a read like any; a name is taken as a
 * name only where the screen asks for one.
 */
static void a_typed_number_nobody_knows_is_not_a_read(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S02");
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;

	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_typed(s, "1", WF_TYPED_KNOWN_ONLY, &res, &e),
			 65);
	assert_int_equal(e.code, WF_E_SCAN_TYPED_UNKNOWN);
	assert_string_equal(e.arg[0], "1");
	assert_int_equal(wf_scan_typed(s, "04dead", WF_TYPED_KNOWN_ONLY, &res,
				       &e),
			 65);
	assert_string_equal(e.arg[0], "04DEAD");
	assert_int_equal(reads(f, id), 0);
	assert_int_equal(wf_scan_totals(s)->refused, 2);
	assert_int_equal(wf_scan_totals(s)->alerts, 0);
	/* Not a number at all: said as before, not counted. */
	assert_int_equal(wf_scan_typed(s, "xyz", WF_TYPED_KNOWN_ONLY, &res,
				       &e),
			 65);
	assert_int_equal(e.code, WF_E_SCAN_NOT_A_CARD);
	assert_int_equal(wf_scan_typed(s, "04a101", WF_TYPED_KNOWN_ONLY, &res,
				       &e),
			 0);
	assert_int_equal(res.outcome, RECON_ACCEPTED);
	assert_int_equal(wf_scan_typed(s, "04A201", WF_TYPED_KNOWN_ONLY, &res,
				       &e),
			 0);
	assert_int_equal(res.why, WHY_MISPLACED);
	/* A management ID is a number here (A102 is hex): nobody's. */
	assert_int_equal(wf_scan_typed(s, "A102", WF_TYPED_KNOWN_ONLY, &res,
				       &e),
			 65);
	assert_int_equal(e.code, WF_E_SCAN_TYPED_UNKNOWN);
	/* ... and the card's own where names are asked for. */
	assert_int_equal(wf_scan_typed(s, "A102",
				       WF_TYPED_BY_NAME | WF_TYPED_KNOWN_ONLY,
				       &res, &e),
			 0);
	assert_string_equal(res.lk.card.mgmt_id, "A102");
	/* Without KNOWN_ONLY an unknown number is read, as before. */
	assert_int_equal(wf_scan_typed(s, "04BEEF", WF_TYPED_BY_NAME, &res, &e),
			 0);
	assert_int_equal(res.why, WHY_UNKNOWN);
	assert_int_equal(reads(f, id), 4);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

static void a_read_after_the_close_is_refused(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, NULL);
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;
	char msg[512];

	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 0);
	/* Another process closes the count while the scan runs. */
	assert_int_equal(ledger_session_close(f->l, id, f->m01.id, 0, fake_now),
			 0);
	assert_int_equal(wf_scan_serial(s, "04A102", &res, &e), 65);
	assert_int_equal(e.code, WF_E_SCAN_READ_COUNT_CLOSED);
	wf_render(wf_message(e.code), &e, NULL, msg, sizeof(msg));
	assert_string_equal(msg, "card 04A102 NOT counted: count 1 was closed");
	assert_int_equal(reads(f, id), 1);
	assert_int_equal(wf_scan_totals(s)->accepted, 1);
	assert_int_equal(wf_scan_totals(s)->refused, 1);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

static void a_read_in_a_range_given_away_is_refused(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, NULL);
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;

	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(ledger_session_assign(f->l, id, "SAFE1/T01", "S03",
					       f->m01.id, fake_now),
			 0);
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 77);
	assert_int_equal(e.code, WF_E_SCAN_READ_ASSIGNED);
	assert_int_equal(reads(f, id), 0);
	/* Given back to S02: reads go in again. */
	assert_int_equal(ledger_session_assign(f->l, id, "SAFE1/T01", "S02",
					       f->m01.id, fake_now),
			 0);
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 0);
	/* Locked meanwhile (wrong PINs elsewhere): refused. */
	lock(f, &f->s02);
	assert_int_equal(wf_scan_serial(s, "04A102", &res, &e), 77);
	assert_int_equal(e.code, WF_E_LOCKED);
	assert_int_equal(reads(f, id), 1);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

static void a_tally_read_after_its_close_is_refused(void **state)
{
	struct fixture *f = *state;
	struct custody_item it;
	struct wf_scan_args a;
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;
	int64_t tally, n;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(
		    ledger_custody_get(f->l, 0, i ? "A202" : "A201", &it), 0);
		assert_int_equal(ledger_custody_record(
				     f->l, &it, "checkout", CARD_CHECKED_OUT,
				     NULL, DATE_NONE, f->s02.id, fake_now, 0),
				 0);
	}
	assert_int_equal(
	    ledger_tally_start(f->l, f->s02.id, fake_now, &tally, &n), 0);
	assert_int_equal(n, 2);
	a = args(&f->s03, tally, NULL);
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04A201", &res, &e), 0);
	assert_int_equal(res.outcome, RECON_ACCEPTED);
	assert_int_equal(
	    ledger_session_close(f->l, tally, f->m01.id, 0, fake_now), 0);
	assert_int_equal(wf_scan_serial(s, "04A202", &res, &e), 65);
	assert_int_equal(e.code, WF_E_SCAN_READ_TALLY_CLOSED);
	assert_int_equal(reads(f, tally), 1);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

/*
 * Between two reads nobody else writing, a scan does not read the person,
 * the count and the safe again (wf_begin_memo); what another process
 * writes meanwhile, and midnight, are seen at the very next read.
 */
static void another_process_is_seen_at_the_next_read(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, NULL), opening;
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct wf_scan_read res;
	struct ledger *other;
	struct wf_scan *s;
	struct wf_err e;
	char err[256];

	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 0);
	assert_int_equal(res.safe_closed, 1);
	assert_int_equal(ledger_open(f->w->path, &other, err, sizeof(err)), 0);
	/* The safe's opening recorded elsewhere: the next read is not
	 * flagged. */
	assert_int_equal(ledger_key_open(other, f->m01.id, f->s03.id, "count",
					 fake_now, &opening),
			 0);
	assert_int_equal(wf_scan_serial(s, "04A102", &res, &e), 0);
	assert_int_equal(res.safe_closed, 0);
	assert_int_equal(res.outcome, RECON_ACCEPTED);
	/* The count closed elsewhere: refused, nothing written. */
	assert_int_equal(ledger_session_close(other, id, f->m01.id, 0, fake_now),
			 0);
	assert_int_equal(wf_scan_serial(s, "04A201", &res, &e), 65);
	assert_int_equal(e.code, WF_E_SCAN_READ_COUNT_CLOSED);
	assert_int_equal(reads(f, id), 2);
	ledger_close(other);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

static void training_that_runs_out_at_midnight_stops_the_next_read(void **state)
{
	struct fixture *f = *state;
	struct course_rec c = {.code = "SEC", .name = "Security",
			       .required = 1, .valid_days = 1};
	const int64_t was = fake_now;
	int64_t id;
	struct wf_scan_args a;
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;

	/* Attended on 2026-03-02, valid that day only. */
	fake_now = 1772463599; /* 2026-03-02 23:59:59 JST */
	assert_int_equal(ledger_course_add(f->l, &c, f->m01.id, fake_now), 0);
	assert_int_equal(ledger_training_record(f->l, "SEC", f->s02.id,
						wf_today(fake_now), f->m01.id,
						fake_now),
			 0);
	id = count(f, NULL);
	a = args(&f->s02, id, "SAFE1/T01");
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 0);
	/* A second later, nothing written in between. */
	fake_now++;
	assert_int_equal(wf_scan_serial(s, "04A102", &res, &e), 77);
	assert_int_equal(e.code, WF_E_TRAINING_EXPIRED);
	assert_int_equal(reads(f, id), 1);
	assert_int_equal(wf_scan_close(s, &e), 0);
	fake_now = was;
}

static void a_disposal_read_after_its_close_is_refused(void **state)
{
	struct fixture *f = *state;
	struct wf_scan_args a = args(&f->s02, 0, NULL);
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;
	int64_t d, n;

	assert_int_equal(
	    ledger_disposal_start(f->l, f->s02.id, f->m01.id, fake_now, &d), 0);
	a.disposal_id = d;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04B301", &res, &e), 0);
	assert_int_equal(res.outcome, RECON_ACCEPTED); /* moved: due */
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 0);
	assert_int_equal(res.outcome, RECON_ALERT); /* not due */
	assert_int_equal(ledger_disposal_close(f->l, d, "shred", NULL,
					       f->s02.id, f->m01.id, fake_now,
					       &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(wf_scan_serial(s, "04B301", &res, &e), 65);
	assert_int_equal(e.code, WF_E_SCAN_READ_DISPOSAL_CLOSED);
	assert_int_equal(wf_scan_totals(s)->accepted, 1);
	assert_int_equal(wf_scan_totals(s)->refused, 1);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

/* ---- the reader and the loop ---- */

struct seen {
	struct fixture *f;
	int64_t close_after; /* close the session after this many reads */
	int64_t session;
	int nread, nrefused, nother;
	enum wf_code refused;
};

static int report(void *ctx, const struct wf_scan_event *ev,
		  const struct wf_err *e)
{
	struct seen *s = ctx;

	if (ev->kind == WF_SCAN_READ)
		s->nread++;
	else if (ev->kind == WF_SCAN_REFUSED)
		s->refused = e->code, s->nrefused++;
	else
		s->nother++;
	if (ev->kind == WF_SCAN_READ && s->nread == s->close_after)
		assert_int_equal(ledger_session_close(s->f->l, s->session,
						      s->f->m01.id, 0,
						      fake_now),
				 0);
	return 0;
}

static void the_loop_ends_at_a_refused_read(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S02");
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct seen seen = {.f = f, .close_after = 1, .session = id};
	static volatile sig_atomic_t no_stop;
	char spec[320];
	struct wf_scan *s;
	struct wf_err e;

	write_sim(f, "card 04A101\nremove\ncard 04A102\nremove\n"
		     "card 04A101\nremove\n");
	snprintf(spec, sizeof(spec), "sim:%s", f->sim);
	a.reader = spec;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	/* The report closes the count after the first read, as another
	 * process would: the second read is refused and ends the loop. */
	assert_int_equal(wf_scan_run(s, &no_stop, report, &seen, &e), 65);
	assert_int_equal(e.code, WF_E_SCAN_READ_COUNT_CLOSED);
	assert_int_equal(seen.nread, 1);
	assert_int_equal(seen.nrefused, 1);
	assert_int_equal(seen.refused, WF_E_SCAN_READ_COUNT_CLOSED);
	assert_int_equal(reads(f, id), 1);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

static void the_loop_reads_to_the_end_and_honours_stop(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S02");
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct seen seen = {.f = f};
	static volatile sig_atomic_t stop;
	char spec[320];
	struct wf_scan *s;
	struct wf_err e;

	write_sim(f, "card 04A101\nremove\nunplug\nreplug\ncard 04A102\n"
		     "remove\ncard 04A101\nremove\n");
	snprintf(spec, sizeof(spec), "sim:%s", f->sim);
	a.reader = spec;
	/* Stopped before the first wait: nothing is read. */
	stop = 1;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_run(s, &stop, report, &seen, &e), 0);
	assert_int_equal(seen.nread, 0);
	assert_int_equal(wf_scan_close(s, &e), 0);
	stop = 0;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_run(s, &stop, report, &seen, &e), 0);
	assert_int_equal(seen.nread, 3);
	assert_int_equal(seen.nother, 2); /* reader lost, back */
	assert_int_equal(wf_scan_totals(s)->repeats, 1);
	assert_int_equal(wf_scan_close(s, &e), 0);
	assert_int_equal(reads(f, id), 2);
}

/*
 * A session takes the reads of one identity profile (issue 11): each read
 * is recorded with its profile's name and version, a chip read under
 * another profile (or another version of the same) is refused naming
 * both, nothing recorded, and a typed number, which no profile read, is
 * taken either way.
 */
static void one_session_reads_with_one_profile(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S02");
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct seen seen = {.f = f};
	static volatile sig_atomic_t no_stop;
	char spec[320], other[72];
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;
	unsigned ov = 9;

	write_sim(f, "card 04A101\nremove\n");
	snprintf(spec, sizeof(spec), "sim:%s", f->sim);
	a.reader = spec;
	a.profile = rdr_profile_find("uid");
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_run(s, &no_stop, report, &seen, &e), 0);
	assert_int_equal(wf_scan_close(s, &e), 0);
	assert_int_equal(reads(f, id), 1);
	/* Recorded as uid v1: the same profile finds nothing else, another
	 * version of it or another profile finds that read. */
	assert_int_equal(ledger_session_other_profile(f->l, id, "uid", 1, NULL,
						      other, sizeof(other),
						      &ov),
			 0);
	assert_string_equal(other, "");
	assert_int_equal(ov, 0);
	assert_int_equal(ledger_session_other_profile(f->l, id, "uid", 2, NULL,
						      other, sizeof(other),
						      &ov),
			 1);
	assert_string_equal(other, "uid");
	assert_int_equal(ov, 1);
	assert_int_equal(ledger_session_other_profile(f->l, id, "apdu:seizo", 1,
						      NULL, other,
						      sizeof(other), &ov),
			 1);
	assert_string_equal(other, "uid");

	/* The same count read with apdu:seizo: refused, naming both. */
	write_sim(f, "card 04A102\nremove\n");
	a.profile = rdr_profile_find("apdu:seizo");
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_run(s, &no_stop, report, &seen, &e), 65);
	assert_int_equal(e.code, WF_E_SCAN_READ_PROFILE);
	assert_int_equal(e.nargs, 4);
	assert_string_equal(e.arg[0], "04A102");
	assert_string_equal(e.arg[2], "uid v1");
	assert_string_equal(e.arg[3], "apdu:seizo v1");
	assert_int_equal(seen.refused, WF_E_SCAN_READ_PROFILE);
	assert_int_equal(reads(f, id), 1);
	/* A typed number carries no profile: taken. */
	assert_int_equal(wf_scan_serial(s, "04A102", &res, &e), 0);
	assert_int_equal(res.outcome, RECON_ACCEPTED);
	assert_int_equal(wf_scan_close(s, &e), 0);
	assert_int_equal(reads(f, id), 2);
	assert_int_equal(ledger_session_other_profile(f->l, id, "uid", 1, NULL,
						      other, sizeof(other),
						      &ov),
			 0);
}

/*
 * The check digit of an individual number, written from the ordinance's
 * wording (not from the driver's table): digits P_n, n = 1..11 from the
 * right; Q_n = n + 1 for n <= 6, n - 5 for n >= 7; r = sum mod 11; the
 * check digit is 0 when r <= 1, else 11 - r.
 */
static int mn_check(const char *d11)
{
	int sum = 0, r;

	for (int n = 1; n <= 11; n++)
		sum += (d11[11 - n] - '0') * (n <= 6 ? n + 1 : n - 5);
	r = sum % 11;
	return r <= 1 ? 0 : 11 - r;
}

/* Twelve generated digits whose last is the check digit (valid) or not;
 * never a real person's number on purpose, and none written down. */
static void mn_make(uint32_t *seed, int valid, char out[13])
{
	int check;

	for (int i = 0; i < 11; i++) {
		*seed = *seed * 1103515245u + 12345u;
		out[i] = (char)('0' + (*seed >> 16) % 10);
	}
	check = mn_check(out);
	out[11] = (char)('0' + (valid ? check : (check + 1) % 10));
	out[12] = '\0';
}

/*
 * Every number a person types passes the workflow's check (issue 11): a
 * valid individual number typed into a session, or given as an ID to a
 * checkout, is refused with a message that does not carry it, and
 * nothing is recorded; twelve digits with a wrong check digit are an
 * ordinary number.
 */
static void typed_my_numbers_are_refused_unseen(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S02");
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct wf_scan_read res;
	struct wf_moved moved;
	struct wf_scan *s;
	struct wf_err e;
	uint32_t seed = 20261203u;
	char n[13], grouped[16];

	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	for (int i = 0; i < 40; i++) {
		const char *ident[1];

		mn_make(&seed, 1, n);
		memset(&e, 0, sizeof(e));
		assert_int_equal(wf_scan_serial(s, n, &res, &e), 65);
		assert_int_equal(e.code, WF_E_TYPED_MYNUMBER);
		assert_int_equal(e.nargs, 0);
		assert_string_equal(res.serial, "");
		/* As printed on a slip: in groups of four. */
		snprintf(grouped, sizeof(grouped), "%.4s %.4s %.4s", n, n + 4,
			 n + 8);
		assert_int_equal(wf_scan_serial(s, grouped, &res, &e), 65);
		assert_int_equal(e.code, WF_E_TYPED_MYNUMBER);
		ident[0] = n;
		assert_int_equal(
		    wf_custody_move(f->l, &f->s02, CUSTODY_CHECKOUT, ident, 1,
				    CUSTODY_BY_EITHER, NULL, DATE_NONE,
				    fake_now, &moved, &e),
		    65);
		assert_int_equal(e.code, WF_E_TYPED_MYNUMBER);
		assert_int_equal(e.nargs, 0);
	}
	assert_int_equal(reads(f, id), 0);
	assert_int_equal(wf_scan_totals(s)->refused, 80);
	/* A wrong check digit: an ordinary (unknown) number, read and
	 * recorded, and an unknown ID to a checkout. */
	mn_make(&seed, 0, n);
	assert_int_equal(wf_scan_serial(s, n, &res, &e), 0);
	assert_string_equal(res.serial, n);
	assert_int_equal(reads(f, id), 1);
	{
		const char *ident[1] = {n};

		assert_int_equal(
		    wf_custody_move(f->l, &f->s02, CUSTODY_CHECKOUT, ident, 1,
				    CUSTODY_BY_EITHER, NULL, DATE_NONE,
				    fake_now, &moved, &e),
		    65);
		assert_int_equal(e.code, WF_E_CUSTODY_UNKNOWN);
	}
	assert_int_equal(wf_scan_close(s, &e), 0);
}

static void unreadable(void *ctx, const char *why)
{
	(void)why;
	(*(int *)ctx)++;
}

static void a_reader_outside_a_session_collects(void **state)
{
	struct fixture *f = *state;
	static volatile sig_atomic_t stop;
	char(*serials)[SERIAL_BUF] = NULL;
	char spec[320];
	struct wf_err e;
	size_t n = 0;
	int bad = 0;

	write_sim(f, "card 04A101\nremove\ncard 04A102\nremove\n"
		     "card 04A101\nremove\n");
	snprintf(spec, sizeof(spec), "sim:%s", f->sim);
	assert_int_equal(wf_reader_collect(spec, NULL, &stop, unreadable, &bad,
					   &serials, &n, &e),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(serials[0], "04A101");
	assert_string_equal(serials[1], "04A102");
	assert_int_equal(bad, 0);
	free(serials);
	stop = 1;
	assert_int_equal(wf_reader_collect(spec, NULL, &stop, unreadable, &bad,
					   &serials, &n, &e),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(wf_reader_collect("sim:/nonexistent", NULL, &stop,
					   NULL, NULL, &serials, &n, &e),
			 69);
	assert_int_equal(e.code, WF_E_READER_OPEN);
	assert_null(serials);
	/* Nothing of it is in the ledger. */
	assert_int_equal(ledger_session_scan_count(f->l, 1), 0);
}

/* ---- undo ---- */

static void undo_takes_back_ones_own_last_read(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, NULL);
	struct wf_scan_args a = args(&f->s02, id, "SAFE1/T01");
	struct wf_scan_args b = args(&f->s03, id, "SAFE1/T02");
	struct wf_scan_read res;
	struct scan_undone u;
	struct wf_scan *s, *s3;
	struct wf_err e;
	int64_t before, after;

	assert_int_equal(wf_scan_undo(f->l, &f->s02, id, "", fake_now, &u, &e),
			 65);
	assert_int_equal(e.code, WF_E_UNDO_REASON);
	assert_int_equal(
	    wf_scan_undo(f->l, &f->s02, 77, "wrong", fake_now, &u, &e), 65);
	assert_int_equal(e.code, WF_E_SCAN_NO_SESSION);
	assert_int_equal(
	    wf_scan_undo(f->l, &f->s02, id, "wrong", fake_now, &u, &e), 65);
	assert_int_equal(e.code, WF_E_UNDO_NONE);
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	assert_int_equal(wf_scan_open(f->l, &b, &s3, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04A101", &res, &e), 0);
	assert_int_equal(wf_scan_serial(s, "04A102", &res, &e), 0);
	/* S03 reads A102 again after S02's read of it. */
	assert_int_equal(wf_scan_serial(s3, "04A102", &res, &e), 0);
	assert_int_equal(ledger_session_mark(f->l, id, &before), 0);
	assert_int_equal(
	    wf_scan_undo(f->l, &f->s02, id, "wrong card", fake_now, &u, &e),
	    65);
	assert_int_equal(e.code, WF_E_UNDO_READ_AGAIN);
	/* S03 takes theirs back, then S02 may. */
	assert_int_equal(
	    wf_scan_undo(f->l, &f->s03, id, "wrong card", fake_now, &u, &e), 0);
	assert_string_equal(u.serial, "04A102");
	assert_int_equal(
	    wf_scan_undo(f->l, &f->s02, id, "wrong card", fake_now, &u, &e), 0);
	assert_string_equal(u.mgmt_id, "A102");
	assert_string_equal(u.range, "SAFE1/T01");
	assert_int_equal(reads(f, id), 1);
	/* Every undo moves the mark a close compares. */
	assert_int_equal(ledger_session_mark(f->l, id, &after), 0);
	assert_int_equal(after, before + 2);
	/* A closed session's reads stand. */
	assert_int_equal(ledger_session_close(f->l, id, f->m01.id, 0, fake_now),
			 0);
	assert_int_equal(
	    wf_scan_undo(f->l, &f->s02, id, "late", fake_now, &u, &e), 65);
	assert_int_equal(e.code, WF_E_UNDO_CLOSED);
	lock(f, &f->s03);
	assert_int_equal(
	    wf_scan_undo(f->l, &f->s03, id, "late", fake_now, &u, &e), 77);
	assert_int_equal(e.code, WF_E_LOCKED);
	assert_int_equal(wf_scan_close(s, &e), 0);
	assert_int_equal(wf_scan_close(s3, &e), 0);
}

/* ---- what one may scan ---- */

static void picks_are_the_ranges_open_to_the_person(void **state)
{
	struct fixture *f = *state;
	const char *r[] = {"SAFE1/T03"};
	struct wf_scan_pick *p = NULL;
	struct wf_err e;
	int64_t id = count(f, "S03"), tally, n, only;
	int64_t range_id;
	size_t np = 0;

	assert_int_equal(
	    ledger_tally_start(f->l, f->m01.id, fake_now, &tally, &n), 0);
	assert_int_equal(ledger_session_start(f->l, SESSION_COUNTONLY, r, 1,
					      f->m01.id, fake_now, &only),
			 0);
	assert_int_equal(wf_scan_picks(f->l, &f->s02, &p, &np, &e), 0);
	assert_int_equal(np, 1); /* T01 is S03's */
	assert_string_equal(p[0].range, "SAFE1/T02");
	assert_int_equal(p[0].mine, 0);
	assert_int_equal(p[0].session_id, id);
	free(p);
	assert_int_equal(wf_scan_picks(f->l, &f->s03, &p, &np, &e), 0);
	assert_int_equal(np, 2);
	assert_string_equal(p[0].range, "SAFE1/T01");
	assert_int_equal(p[0].mine, 1);
	assert_int_equal(p[0].range_id, f->t01);
	free(p);
	/* The same rule for count total: */
	assert_int_equal(
	    wf_scan_range(f->l, id, "SAFE1/T01", &f->s02, &range_id, &e), 77);
	assert_int_equal(e.code, WF_E_SCAN_ASSIGNED);
	assert_int_equal(
	    wf_scan_range(f->l, id, "SAFE1/T02", &f->s02, &range_id, &e), 0);
	assert_int_equal(range_id, f->t02);
}

/* ---- the ledger's side ---- */

static void the_ledger_guards_a_closed_session(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, "S03"), mark0, mark1;
	struct ledger_scanner *sc;
	struct scan_target t;

	assert_int_equal(ledger_scanner_open(f->l, id, &sc), 0);
	assert_int_equal(ledger_scanner_target(sc, f->t01, &t), 0);
	assert_int_equal(t.found, 1);
	assert_int_equal(t.in_session, 1);
	assert_int_equal(t.closed_at, 0);
	assert_int_equal(t.assignee_id, f->s03.id);
	assert_string_equal(t.assignee, "S03");
	assert_int_equal(ledger_scanner_target(sc, f->t02, &t), 0);
	assert_int_equal(t.assignee_id, 0);
	assert_int_equal(ledger_scanner_target(sc, 999, &t), 0);
	assert_int_equal(t.in_session, 0);
	assert_int_equal(ledger_session_mark(f->l, id, &mark0), 0);
	assert_int_equal(ledger_scanner_last_id(sc), 0);
	assert_int_equal(ledger_scanner_record(sc, f->t01, "04A101", 0,
					       f->s03.id, fake_now, "accepted",
					       NULL, 0, NULL, 0),
			 0);
	/* The ledger's first read. */
	assert_int_equal(ledger_scanner_last_id(sc), 1);
	assert_int_equal(ledger_session_mark(f->l, id, &mark1), 0);
	assert_int_equal(mark1, mark0 + 1);
	assert_int_equal(ledger_session_close(f->l, id, f->m01.id, 0, fake_now),
			 0);
	assert_int_equal(ledger_scanner_target(sc, f->t01, &t), 0);
	assert_int_equal(t.closed_at, fake_now);
	/* Whoever forgets to ask: the ledger itself refuses. */
	assert_int_equal(ledger_scanner_record(sc, f->t01, "04A102", 0,
					       f->s03.id, fake_now, "accepted",
					       NULL, 0, NULL, 0),
			 LEDGER_ERR_STATE);
	assert_int_equal(ledger_session_mark(f->l, id, &mark0), 0);
	assert_int_equal(mark0, mark1);
	ledger_scanner_close(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(only_the_assignee_scans_a_range),
	    cmocka_unit_test_setup_teardown(
		opening_refuses_what_may_not_be_scanned, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_recount_is_someone_elses, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		typed_reads_are_decided_and_recorded, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		a_typed_number_nobody_knows_is_not_a_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_read_after_the_close_is_refused,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		a_read_in_a_range_given_away_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		a_tally_read_after_its_close_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		another_process_is_seen_at_the_next_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		training_that_runs_out_at_midnight_stops_the_next_read, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(
		a_disposal_read_after_its_close_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(the_loop_ends_at_a_refused_read,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		the_loop_reads_to_the_end_and_honours_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(one_session_reads_with_one_profile,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(typed_my_numbers_are_refused_unseen,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(a_reader_outside_a_session_collects,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(undo_takes_back_ones_own_last_read,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		picks_are_the_ranges_open_to_the_person, setup, teardown),
	    cmocka_unit_test_setup_teardown(the_ledger_guards_a_closed_session,
					    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
