/*
 * Unit tests of the count workflows (scanner/workflow/wf_count.c): each
 * refusal and each success of count start, count close, count resolve, count
 * recount, count total and the discrepancies and overview a count shows,
 * against a real ledger file in $TMPDIR.
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
#include "../data/ledger.h"
#include "../reconcile/plan.h"
#include "../scanner/workflow/wf.h"
#include "../scanner/workflow/wf_scan.h"

/* 2026-03-02 10:00 in Tokyo (tests/run sets TZ). */
#define NOW 1772413200

static int64_t clock_now(void)
{
	return NOW;
}

struct fixture {
	char dir[256];
	char path[300];
	struct ledger *l;
	struct staff_rec m01, m05, s02, s03;
	struct recon_rules rules;
};

static void add(struct fixture *f, const char *code, enum staff_role role,
		const char *pin, struct staff_rec *out)
{
	char hash[crypto_pwhash_STRBYTES];

	assert_int_equal(crypto_pwhash_str(hash, pin, strlen(pin), 1, 8u << 20),
			 0);
	assert_int_equal(ledger_staff_add(f->l, code, code, role, hash, 0, 1),
			 0);
	assert_int_equal(ledger_staff_get(f->l, code, out), 0);
}

static const char stock[] = "mgmt_id,serial,location,received\n"
			    "A101,04A101,SAFE1/T01,2025-06-01\n"
			    "A102,04A102,SAFE1/T01,2025-06-01\n"
			    "A103,04A103,SAFE1/T01,2025-06-01\n"
			    "A201,04A201,SAFE1/T02,2025-06-01\n";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct import_result res;
	struct wf_err e;
	char err[256];

	if (!f || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/ct-wfc-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/l.db", f->dir);
	if (ledger_create(f->path, &f->l, err, sizeof(err)) != 0)
		return -1;
	add(f, "M01", ROLE_MANAGER, "1111", &f->m01);
	add(f, "M05", ROLE_MANAGER, "5555", &f->m05);
	add(f, "S02", ROLE_STAFF, "2222", &f->s02);
	add(f, "S03", ROLE_STAFF, "3333", &f->s03);
	if (wf_import(f->l, &f->m01, "stock.csv", stock, strlen(stock),
		      IMPORT_ENC_AUTO, 0, NOW, &res, &e) != 0)
		return -1;
	import_result_free(&res);
	f->rules = recon_default_rules;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[320];

	ledger_close(f->l);
	for (const char *const *s =
		 (const char *const[]){"", "-wal", "-shm", NULL};
	     *s; s++) {
		snprintf(p, sizeof(p), "%s%s", f->path, *s);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A count of kind over range, given to `who` (NULL: nobody). */
static int64_t count(struct fixture *f, enum session_kind kind,
		     const char *range, const struct staff_rec *who)
{
	const char *ranges[1] = {range};
	int64_t id;

	assert_int_equal(
	    ledger_session_start(f->l, kind, ranges, 1, f->m01.id, NOW, &id),
	    0);
	if (who)
		assert_int_equal(ledger_session_assign(f->l, id, range,
						       who->code, f->m01.id,
						       NOW),
				 0);
	return id;
}

/* who reads the n serials into range of count id. */
static void scan(struct fixture *f, const struct staff_rec *who, int64_t id,
		 const char *range, const char *const *serials, size_t n)
{
	struct wf_scan_args a = {0};
	struct wf_scan_read res;
	struct wf_scan *s = NULL;
	struct wf_err e;

	a.session_id = id;
	a.range = range;
	a.actor = who;
	a.clock = clock_now;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(wf_scan_serial(s, serials[i], &res, &e), 0);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

/* A partial count of SAFE1/T01 by S02 who read A101 only: A102 and A103
 * missing. */
static int64_t count_with_two_missing(struct fixture *f)
{
	const char *read[] = {"04A101"};
	int64_t id = count(f, SESSION_PARTIAL, "SAFE1/T01", &f->s02);

	scan(f, &f->s02, id, "SAFE1/T01", read, 1);
	return id;
}

static int closed(struct fixture *f, int64_t id)
{
	struct session_rec s;

	assert_int_equal(ledger_session_get(f->l, id, &s), 0);
	return s.closed_at != 0;
}

static enum card_status status_of(struct fixture *f, const char *mgmt_id)
{
	struct custody_item it;

	assert_int_equal(ledger_custody_get(f->l, 0, mgmt_id, &it), 0);
	return it.status;
}

/* ---- discrepancies and the overview ---- */

static void discrepancies_and_view(void **state)
{
	struct fixture *f = *state;
	int64_t id = count_with_two_missing(f), tally, n;
	struct wf_count_view v;
	struct disc_list d;
	struct wf_err e;

	assert_int_equal(
	    wf_count_discrepancies(f->l, id, NOW, &f->rules, &d, &e), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.unresolved, 2);
	assert_int_equal(d.v[0].kind, DISC_MISSING);
	assert_non_null(disc_list_find(&d, "A102"));
	assert_non_null(disc_list_find(&d, "04a103"));
	assert_null(disc_list_find(&d, "A101"));
	disc_list_free(&d);

	assert_int_equal(wf_count_view(f->l, id, NOW, &f->rules, &v, &e), 0);
	assert_int_equal(v.nr, 1);
	assert_string_equal(v.r[0].path, "SAFE1/T01");
	assert_string_equal(v.r[0].assignee, "S02");
	assert_int_equal(v.r[0].expected, 3);
	assert_int_equal(v.r[0].seen, 1);
	assert_int_equal(v.disc.n, 2);
	wf_count_view_free(&v);

	assert_int_equal(
	    wf_count_discrepancies(f->l, 999, NOW, &f->rules, &d, &e), 65);
	assert_int_equal(e.code, WF_E_COUNT_NOT_FOUND);
	assert_int_equal(wf_tally_start(f->l, &f->s02, NOW, &tally, &n, &e), 0);
	assert_int_equal(
	    wf_count_discrepancies(f->l, tally, NOW, &f->rules, &d, &e), 65);
	assert_int_equal(e.code, WF_E_COUNT_TALLY_BOOK);
	assert_int_equal(wf_count_view(f->l, tally, NOW, &f->rules, &v, &e),
			 65);
	assert_int_equal(e.code, WF_E_COUNT_TALLY_BOOK);
}

/* ---- start ---- */

/* How many sessions the ledger holds: the next id less one. */
static int64_t sessions(struct fixture *f)
{
	struct session_rec s;
	int64_t n = 0;

	while (ledger_session_get(f->l, n + 1, &s) == 0)
		n++;
	return n;
}

/* count start over ranges (nr) with the manual assignments ar[i]=as[i]
 * (na), by who; returns the exit status, *e and *out as it left them. */
static int start(struct fixture *f, const struct staff_rec *who,
		 const char *const *ranges, size_t nr, const char *const *ar,
		 const char *const *as, size_t na, int dry,
		 struct wf_count_started *out, struct wf_err *e)
{
	struct wf_count_start_args a = {0};

	a.kind = SESSION_PARTIAL;
	a.ranges = ranges;
	a.nranges = nr;
	a.assign_range = ar;
	a.assign_staff = as;
	a.nassign = na;
	a.dry_run = dry;
	return wf_count_start(f->l, who, &a, NOW, out, e);
}

/* One refusal of count start: exit status, code, first argument, and
 * nothing recorded. */
static void start_refused(struct fixture *f, const char *const *ranges,
			  size_t nr, const char *range, const char *staff,
			  int want, enum wf_code code, const char *arg0)
{
	const char *ar[1] = {range}, *as[1] = {staff};
	int64_t before = sessions(f);
	struct wf_count_started out;
	struct wf_err e;

	assert_int_equal(
	    start(f, &f->m01, ranges, nr, ar, as, range ? 1 : 0, 0, &out, &e),
	    want);
	assert_int_equal(e.code, code);
	assert_string_equal(e.arg[0], arg0);
	assert_int_equal(out.id, 0);
	assert_int_equal(out.plan.n, 0);
	assert_int_equal(sessions(f), before);
}

static void start_refusals(void **state)
{
	struct fixture *f = *state;
	const char *t01[1] = {"SAFE1/T01"},
		   *twice[2] = {"SAFE1/T01", "SAFE1/T01"};
	const char *nested[2] = {"SAFE1/T01", "SAFE1"},
		   *nowhere[1] = {"SAFE9/T01"};
	struct wf_count_started out;
	struct wf_err e;

	start_refused(f, twice, 2, NULL, NULL, 65, WF_E_START_RANGE_TWICE,
		      "SAFE1/T01");
	start_refused(f, nested, 2, NULL, NULL, 65, WF_E_START_RANGE_WITHIN,
		      "SAFE1/T01");
	start_refused(f, nowhere, 1, NULL, NULL, 65, WF_E_START_RANGE_UNKNOWN,
		      "SAFE9/T01");
	/* Manual assignments: an unknown place, an unknown person, a range
	 * outside the count, an inactive person. */
	start_refused(f, t01, 1, "SAFE9/T01", "S02", 65,
		      WF_E_START_RANGE_UNKNOWN, "SAFE9/T01");
	start_refused(f, t01, 1, "SAFE1/T01", "X99", 65, WF_E_NO_STAFF, "X99");
	start_refused(f, t01, 1, "SAFE1/T02", "S02", 65, WF_E_START_NOT_A_RANGE,
		      "SAFE1/T02");
	/* It names no session: none was opened. */
	{
		const char *ar[1] = {"SAFE1/T02"}, *as[1] = {"S02"};

		assert_int_equal(
		    start(f, &f->m01, t01, 1, ar, as, 1, 0, &out, &e), 65);
		assert_int_equal(e.nargs, 1);
	}
	/* A range assigned twice (R7: one person counts it), to two people
	 * or to the same one: refused before the count is opened. */
	{
		const char *both[2] = {"SAFE1/T01", "SAFE1/T02"};
		const char *ar[3] = {"SAFE1/T01", "SAFE1/T02", "SAFE1/T01"};
		const char *as[3] = {"S02", "S03", "S03"};
		const char *t01t01[2] = {"SAFE1/T01", "SAFE1/T01"};
		const char *same[2] = {"S02", "S02"};
		int64_t before = sessions(f);

		assert_int_equal(
		    start(f, &f->m01, both, 2, ar, as, 3, 0, &out, &e), 65);
		assert_int_equal(e.code, WF_E_START_ASSIGN_TWICE);
		assert_string_equal(e.arg[0], "SAFE1/T01");
		assert_string_equal(e.arg[1], "S02");
		assert_string_equal(e.arg[2], "S03");
		assert_int_equal(out.id, 0);
		assert_int_equal(
		    start(f, &f->m01, t01, 1, t01t01, same, 2, 0, &out, &e),
		    65);
		assert_int_equal(e.code, WF_E_START_ASSIGN_TWICE);
		/* A dry run says so too. */
		assert_int_equal(
		    start(f, &f->m01, both, 2, ar, as, 3, 1, &out, &e), 65);
		assert_int_equal(e.code, WF_E_START_ASSIGN_TWICE);
		assert_int_equal(sessions(f), before);
	}
	assert_int_equal(
	    ledger_staff_set_active(f->l, f->s03.id, 0, f->m01.id, "M05", NOW),
	    0);
	start_refused(f, t01, 1, "SAFE1/T01", "S03", 65, WF_E_START_INACTIVE,
		      "S03");
	/* The rotation rule (R6): S02 counted SAFE1/T01 in its last two
	 * counts. */
	count(f, SESSION_PARTIAL, "SAFE1/T01", &f->s02);
	count(f, SESSION_PARTIAL, "SAFE1/T01", &f->s02);
	start_refused(f, t01, 1, "SAFE1/T01", "S02", 77, WF_E_PLAN_ROTATION,
		      "SAFE1/T01");
	/* The actor, read again inside the transaction: S03 is inactive. */
	assert_int_equal(start(f, &f->s03, t01, 1, NULL, NULL, 0, 0, &out, &e),
			 77);
	assert_int_equal(e.code, WF_E_INACTIVE);
}

static void start_success(void **state)
{
	struct fixture *f = *state;
	const char *both[2] = {"SAFE1/T01", "SAFE1/T02"};
	const char *ar[1] = {"SAFE1/T02"}, *as[1] = {"S03"};
	struct wf_count_started out;
	struct range_rec *rr;
	struct wf_err e;
	size_t n;
	int64_t before = sessions(f);

	/* A dry run: the plan, and nothing of it stays. */
	assert_int_equal(start(f, &f->m01, both, 2, ar, as, 1, 1, &out, &e), 0);
	assert_int_equal(out.id, before + 1);
	assert_int_equal(out.plan.n, 2);
	assert_int_equal(out.plan.nunassigned, 0);
	assert_string_equal(out.plan.v[0].range, "SAFE1/T01");
	assert_true(out.plan.v[0].staff[0] != '\0');
	assert_int_equal(out.plan.v[0].kept, 0);
	assert_string_equal(out.plan.v[1].range, "SAFE1/T02");
	assert_string_equal(out.plan.v[1].staff, "S03");
	assert_int_equal(out.plan.v[1].kept, 1);
	wf_count_started_free(&out);
	assert_int_equal(sessions(f), before);

	/* Opened: the manual assignment and the planner's pick recorded. */
	assert_int_equal(start(f, &f->m01, both, 2, ar, as, 1, 0, &out, &e), 0);
	assert_int_equal(out.id, before + 1);
	assert_int_equal(sessions(f), before + 1);
	assert_int_equal(ledger_session_ranges(f->l, out.id, &rr, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rr[0].assignee, out.plan.v[0].staff);
	assert_string_equal(rr[1].assignee, "S03");
	free(rr);
	wf_count_started_free(&out);
	assert_int_equal(out.plan.n, 0);
}

/* ---- resolve ---- */

static void resolve_refusals_and_success(void **state)
{
	struct fixture *f = *state;
	int64_t id = count_with_two_missing(f), tally, n;
	const char *a102[] = {"A102"}, *a101[] = {"A101"},
		   *twice[] = {"A102", "04A102"}, *both[] = {"A102", "A103"};
	enum recon_reason fits[REASON_COUNT];
	struct wf_resolved r;
	struct disc_list d;
	struct wf_err e;
	int nfits;

	/* Staff may not: the matrix's rule. */
	assert_int_equal(wf_count_resolve(f->l, &f->s02, id, a102, 1,
					  REASON_LOST, NULL, NOW, &f->rules, &r,
					  &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, a101, 1,
					  REASON_LOST, NULL, NOW, &f->rules, &r,
					  &e),
			 65);
	assert_int_equal(e.code, WF_E_RESOLVE_NOT_DISC);
	/* recounted needs a recount that read the card. */
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, a102, 1,
					  REASON_RECOUNTED, NULL, NOW,
					  &f->rules, &r, &e),
			 65);
	assert_int_equal(e.code, WF_E_RESOLVE_REASON);
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, twice, 2,
					  REASON_LOST, NULL, NOW, &f->rules, &r,
					  &e),
			 65);
	assert_int_equal(e.code, WF_E_RESOLVE_TWICE);
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, a102, 1,
					  REASON_LOST, "a\x01", NOW, &f->rules,
					  &r, &e),
			 65);
	assert_int_equal(e.code, WF_E_TEXT_CONTROL);
	/* Nothing of the refusals was written. */
	assert_int_equal(status_of(f, "A102"), CARD_STORED);
	assert_int_equal(
	    wf_count_discrepancies(f->l, id, NOW, &f->rules, &d, &e), 0);
	assert_int_equal(d.unresolved, 2);
	/* The reasons the TUI offers for a missing card: no recounted. */
	assert_int_equal(wf_count_reasons(f->l, id, &d.v[0], fits, &nfits, &e),
			 0);
	assert_int_equal(nfits, 3);
	for (int i = 0; i < nfits; i++)
		assert_int_not_equal(fits[i], REASON_RECOUNTED);
	disc_list_free(&d);

	/* Two at once, lost: both declared lost, in one transaction. */
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, both, 2,
					  REASON_LOST, "line one\nline two",
					  NOW, &f->rules, &r, &e),
			 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.unresolved, 0);
	assert_true(r.v[0].moves);
	assert_int_equal(r.v[0].kind, CUSTODY_LOST);
	assert_int_equal(r.v[0].to, CARD_LOST);
	wf_resolved_free(&r);
	assert_int_equal(status_of(f, "A102"), CARD_LOST);
	assert_int_equal(status_of(f, "A103"), CARD_LOST);
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, a102, 1,
					  REASON_DATA_ERROR, NULL, NOW,
					  &f->rules, &r, &e),
			 65);
	assert_int_equal(e.code, WF_E_RESOLVE_ALREADY);

	/* A closed count and a tally are refused. */
	assert_int_equal(wf_count_close(f->l, &f->s02, id, "M01", "1111", NOW,
					&f->rules, &(struct wf_count_closed){0},
					&e),
			 0);
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, a102, 1,
					  REASON_LOST, NULL, NOW, &f->rules, &r,
					  &e),
			 65);
	assert_int_equal(e.code, WF_E_COUNT_CLOSED_RESOLVE);
	assert_int_equal(wf_tally_start(f->l, &f->s02, NOW, &tally, &n, &e), 0);
	assert_int_equal(wf_count_resolve(f->l, &f->m01, tally, a102, 1,
					  REASON_LOST, NULL, NOW, &f->rules, &r,
					  &e),
			 65);
	assert_int_equal(e.code, WF_E_COUNT_TALLY_SETTLE);
}

/* ---- recount ---- */

static void recount_refusals_and_success(void **state)
{
	struct fixture *f = *state;
	int64_t id = count(f, SESSION_PARTIAL, "SAFE1/T01", &f->s02), rid;
	int64_t before = sessions(f);
	const char *read[] = {"04A101"};
	struct scan_undone undone;
	struct wf_err e;

	assert_int_equal(wf_count_recount(f->l, &f->s02, id, "SAFE1/T01", "S03",
					  NOW, &rid, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	/* Assigned to S02 but never scanned: nobody counted it, so there
	 * is nothing to recount (it used to open a recount), whoever is
	 * named. */
	assert_int_equal(wf_count_recount(f->l, &f->m01, id, "SAFE1/T01", "S03",
					  NOW, &rid, &e),
			 65);
	assert_int_equal(e.code, WF_E_RECOUNT_NOT_COUNTED);
	assert_string_equal(e.arg[0], "SAFE1/T01");
	assert_int_equal(rid, 0);
	assert_int_equal(wf_count_recount(f->l, &f->m01, id, "SAFE1/T01", "S02",
					  NOW, &rid, &e),
			 65);
	assert_int_equal(e.code, WF_E_RECOUNT_NOT_COUNTED);
	assert_int_equal(sessions(f), before);
	assert_int_equal(wf_count_recount(f->l, &f->m01, id, "SAFE1/T09", "S03",
					  NOW, &rid, &e),
			 65);
	assert_int_equal(e.code, WF_E_RECOUNT_NOT_RANGE);
	assert_int_equal(wf_count_recount(f->l, &f->m01, id, "SAFE1/T01", "X99",
					  NOW, &rid, &e),
			 65);
	assert_int_equal(e.code, WF_E_RECOUNT_NO_STAFF);
	/* A read taken back counts no more. */
	scan(f, &f->s02, id, "SAFE1/T01", read, 1);
	assert_int_equal(
	    wf_scan_undo(f->l, &f->s02, id, "wrong tray", NOW, &undone, &e), 0);
	assert_int_equal(wf_count_recount(f->l, &f->m01, id, "SAFE1/T01", "S03",
					  NOW, &rid, &e),
			 65);
	assert_int_equal(e.code, WF_E_RECOUNT_NOT_COUNTED);
	/* Read: now it was counted, by S02 (its assignee and reader), who
	 * does not recount it. */
	scan(f, &f->s02, id, "SAFE1/T01", read, 1);
	assert_int_equal(wf_count_recount(f->l, &f->m01, id, "SAFE1/T01", "S02",
					  NOW, &rid, &e),
			 77);
	assert_int_equal(e.code, WF_E_RECOUNT_RULE);
	assert_int_equal(sessions(f), before);
	assert_int_equal(wf_count_recount(f->l, &f->m01, id, "SAFE1/T01", "S03",
					  NOW, &rid, &e),
			 0);
	assert_true(rid > id);

	/* A range nobody was given nor counted: nothing to recount. */
	id = count(f, SESSION_PARTIAL, "SAFE1/T02", NULL);
	assert_int_equal(wf_count_recount(f->l, &f->m01, id, "SAFE1/T02", "S03",
					  NOW, &rid, &e),
			 65);
	assert_int_equal(e.code, WF_E_RECOUNT_NOT_COUNTED);
}

/* ---- close ---- */

static void close_refusals_and_success(void **state)
{
	struct fixture *f = *state;
	int64_t id = count_with_two_missing(f), tally, n;
	const char *both[] = {"A102", "A103"};
	struct wf_count_closed c;
	struct wf_resolved r;
	struct session_rec s;
	struct wf_err e;

	assert_int_equal(wf_count_close(f->l, &f->m01, 999, NULL, NULL, NOW,
					&f->rules, &c, &e),
			 65);
	assert_int_equal(e.code, WF_E_COUNT_NOT_FOUND);
	/* Unresolved, no witness: both rules said. */
	assert_int_equal(wf_count_close(f->l, &f->s02, id, NULL, NULL, NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_COUNT_WITNESS_UNRESOLVED);
	/* Witnessed, unresolved. */
	assert_int_equal(wf_count_close(f->l, &f->s02, id, "M01", "1111", NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_COUNT_UNRESOLVED);
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, both, 1,
					  REASON_LOST, NULL, NOW, &f->rules, &r,
					  &e),
			 0);
	wf_resolved_free(&r);
	assert_int_equal(wf_count_close(f->l, &f->s02, id, "M01", "1111", NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_COUNT_UNRESOLVED_ONE);
	assert_int_equal(wf_count_close(f->l, &f->s02, id, NULL, NULL, NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_COUNT_WITNESS_UNRESOLVED_ONE);
	assert_int_equal(wf_count_resolve(f->l, &f->m01, id, both + 1, 1,
					  REASON_DATA_ERROR, NULL, NOW,
					  &f->rules, &r, &e),
			 0);
	wf_resolved_free(&r);
	/* All resolved: still a witness (what the TUI's form waits for). */
	assert_int_equal(wf_count_close(f->l, &f->s02, id, NULL, NULL, NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_COUNT_WITNESS);
	assert_int_equal(wf_count_close(f->l, &f->m01, id, "M01", "1111", NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_WITNESS_SELF);
	assert_int_equal(wf_count_close(f->l, &f->s02, id, "S03", "3333", NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_count_close(f->l, &f->s02, id, "M05", "0000", NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_LOGIN);
	assert_false(closed(f, id));

	assert_int_equal(wf_count_close(f->l, &f->s02, id, "M05", "5555", NOW,
					&f->rules, &c, &e),
			 0);
	assert_true(c.found);
	assert_true(c.witnessed);
	assert_string_equal(c.witness, "M05");
	assert_int_equal(ledger_session_get(f->l, id, &s), 0);
	assert_string_equal(s.closed_by, "S02");
	assert_int_equal(wf_count_close(f->l, &f->s02, id, "M05", "5555", NOW,
					&f->rules, &c, &e),
			 65);
	assert_int_equal(e.code, WF_E_COUNT_CLOSED_ALREADY);

	assert_int_equal(wf_tally_start(f->l, &f->s02, NOW, &tally, &n, &e), 0);
	assert_int_equal(wf_count_close(f->l, &f->s02, tally, NULL, NULL, NOW,
					&f->rules, &c, &e),
			 65);
	assert_int_equal(e.code, WF_E_COUNT_TALLY_CLOSE);
}

/* ---- count-only totals, and a clean close ---- */

static void totals_and_clean_close(void **state)
{
	struct fixture *f = *state;
	int64_t co = count(f, SESSION_COUNTONLY, "SAFE1/T01", &f->s02);
	int64_t full = count(f, SESSION_PARTIAL, "SAFE1/T02", NULL);
	struct wf_count_total t;
	struct wf_count_closed c;
	struct wf_err e;
	size_t off;

	assert_int_equal(wf_count_total(f->l, &f->s02, 999, "SAFE1/T01", 3,
					"typed", NOW, &t, &e),
			 65);
	assert_int_equal(e.code, WF_E_TOTAL_NO_COUNT);
	assert_int_equal(wf_count_total(f->l, &f->s02, full, "SAFE1/T02", 1,
					"typed", NOW, &t, &e),
			 65);
	assert_int_equal(e.code, WF_E_TOTAL_NOT_COUNTONLY);
	/* R7: the range is S02's alone. */
	assert_int_equal(
	    wf_count_total_check(f->l, &f->s03, co, "SAFE1/T01", NOW, &e), 77);
	assert_int_equal(e.code, WF_E_SCAN_ASSIGNED);
	assert_int_equal(wf_count_total(f->l, &f->s03, co, "SAFE1/T01", 3,
					"typed", NOW, &t, &e),
			 77);
	assert_int_equal(e.code, WF_E_SCAN_ASSIGNED);
	assert_int_equal(wf_count_total(f->l, &f->s02, co, "SAFE1/T02", 3,
					"typed", NOW, &t, &e),
			 65);
	assert_int_equal(e.code, WF_E_SCAN_NOT_A_RANGE);

	/* Short first: one range off, the close needs a witness. */
	assert_int_equal(wf_count_total(f->l, &f->s02, co, "SAFE1/T01", 2,
					"typed", NOW, &t, &e),
			 0);
	assert_int_equal(t.expected, 3);
	assert_int_equal(t.state, PLAN_TOTAL_SHORT);
	assert_int_equal(wf_count_off(f->l, co, &off, &e), 0);
	assert_int_equal(off, 1);
	assert_int_equal(wf_count_close(f->l, &f->s02, co, NULL, NULL, NOW,
					&f->rules, &c, &e),
			 77);
	assert_int_equal(e.code, WF_E_COUNT_WITNESS);
	/* Counted again, it matches: closes without a witness. */
	assert_int_equal(wf_count_total(f->l, &f->s02, co, "SAFE1/T01", 3,
					"reader", NOW, &t, &e),
			 0);
	assert_int_equal(t.state, PLAN_TOTAL_OK);
	assert_int_equal(wf_count_close(f->l, &f->s02, co, NULL, NULL, NOW,
					&f->rules, &c, &e),
			 0);
	assert_false(c.found);
	assert_false(c.witnessed);
	assert_true(closed(f, co));
	assert_int_equal(wf_count_total(f->l, &f->s02, co, "SAFE1/T01", 3,
					"typed", NOW, &t, &e),
			 65);
	assert_int_equal(e.code, WF_E_TOTAL_CLOSED);
}

/* The status of mgmt_id in d. */
static enum card_status status_in(const struct count_data *d,
				  const char *mgmt_id)
{
	for (size_t i = 0; i < d->ncards; i++)
		if (strcmp(d->cards[i].mgmt_id, mgmt_id) == 0)
			return d->cards[i].status;
	fail_msg("%s is not in the count", mgmt_id);
	return CARD_STATUS_COUNT;
}

/* A card read in its tray and checked out at the window afterwards was in
 * place as the count sees it (wf_count_load), though the ledger says it is
 * out; a card checked out before its read was out when read. */
static void a_count_sees_a_card_as_it_read_it(void **state)
{
	struct fixture *f = *state;
	const char *read[] = {"04A101", "04A102"};
	const char *a101[] = {"A101"}, *a102[] = {"A102"};
	int64_t id = count(f, SESSION_PARTIAL, "SAFE1/T01", &f->s02);
	struct count_data d;
	struct wf_moved m;
	struct wf_err e;

	assert_int_equal(wf_custody_move(f->l, &f->s02, CUSTODY_CHECKOUT, a102,
					 1, CUSTODY_BY_NAME, NULL,
					 wf_today(NOW), NOW, &m, &e),
			 0);
	wf_moved_free(&m);
	scan(f, &f->s02, id, "SAFE1/T01", read, 2);
	assert_int_equal(wf_custody_move(f->l, &f->s02, CUSTODY_CHECKOUT, a101,
					 1, CUSTODY_BY_NAME, NULL,
					 wf_today(NOW), NOW + 60, &m, &e),
			 0);
	wf_moved_free(&m);
	assert_int_equal(ledger_count_load(f->l, id, &d), 0);
	assert_int_equal(status_in(&d, "A101"), CARD_CHECKED_OUT);
	count_data_free(&d);
	assert_int_equal(wf_count_load(f->l, id, &d), 0);
	assert_int_equal(status_in(&d, "A101"), CARD_STORED);
	assert_int_equal(status_in(&d, "A102"), CARD_CHECKED_OUT);
	count_data_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(start_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(start_success, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_count_sees_a_card_as_it_read_it,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(discrepancies_and_view, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(resolve_refusals_and_success, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(recount_refusals_and_success, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(close_refusals_and_success, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(totals_and_clean_close, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
