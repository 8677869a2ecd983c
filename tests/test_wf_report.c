/*
 * Unit tests of the reports as structs (scanner/workflow/wf_report.c):
 * the daily report with its chain head to sign, the reconciliation of a
 * count and of a tally, the incident report and the record book, each
 * refusal and each success, against a real ledger file in $TMPDIR.
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

#include "../common/count.h"
#include "../data/import.h"
#include "../data/ledger.h"
#include "../scanner/workflow/wf.h"

/* 2026-03-02 10:00 in Tokyo (tests/run sets TZ). */
#define NOW 1772413200

struct fixture {
	char dir[256];
	char path[300];
	struct ledger *l;
	struct staff_rec m01, s02, p04;
	int64_t count, tally;
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
			    "A103,04A103,SAFE1/T02,2025-06-01\n";

/*
 * The day of NOW: three cards imported, A103 checked out by S02 and a
 * tally expecting it back, a full count begun by M01 that read nothing
 * (A101 and A102 missing), a near-miss, and P04 locked by wrong PINs.
 */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	const char *a103[] = {"A103"};
	struct import_result res;
	struct staff_rec who;
	struct wf_moved moved;
	struct wf_err e;
	char err[256];
	int64_t n, note;

	if (!f || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/ct-wfr-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/l.db", f->dir);
	if (ledger_create(f->path, &f->l, err, sizeof(err)) != 0)
		return -1;
	add(f, "M01", ROLE_MANAGER, "1111", &f->m01);
	add(f, "S02", ROLE_STAFF, "2222", &f->s02);
	add(f, "P04", ROLE_PARTTIME, "4444", &f->p04);
	assert_int_equal(wf_import(f->l, &f->m01, "stock.csv", stock,
				   strlen(stock), IMPORT_ENC_AUTO, 0, NOW, &res,
				   &e),
			 0);
	import_result_free(&res);
	assert_int_equal(wf_custody_move(f->l, &f->s02, CUSTODY_CHECKOUT, a103,
					 1, CUSTODY_BY_NAME, NULL, DATE_NONE,
					 NOW + 60, &moved, &e),
			 0);
	wf_moved_free(&moved);
	assert_int_equal(
	    wf_tally_start(f->l, &f->s02, NOW + 120, &f->tally, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ledger_session_start(f->l, SESSION_FULL, NULL, 0,
					      f->m01.id, NOW + 180, &f->count),
			 0);
	assert_int_equal(wf_note_add(f->l, &f->s02, "drawer left open", NULL,
				     NOW + 240, &note, &e),
			 0);
	for (int i = 0; i < 5; i++)
		wf_login(f->l, "P04", "0000", NOW + 300, &who, &e);
	*state = f;
	return 0;
}

static void unlink_ledger(const char *path)
{
	char p[320];

	for (const char *const *s =
		 (const char *const[]){"", "-wal", "-shm", NULL};
	     *s; s++) {
		snprintf(p, sizeof(p), "%s%s", path, *s);
		unlink(p);
	}
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ledger_close(f->l);
	unlink_ledger(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- the daily report ---- */

static void daily_of_the_day(void **state)
{
	struct fixture *f = *state;
	struct audit_verify v;
	char hex[AUDIT_HEX_BUF];
	struct wf_daily d;
	struct wf_err e;

	assert_int_equal(wf_daily(f->l, wf_today(NOW), NOW + 3600,
				  &recon_default_rules,
				  &recon_default_key_rules, &d, &e),
			 0);
	assert_int_equal(d.day, wf_today(NOW));
	assert_true(d.from <= NOW && NOW < d.to);
	assert_int_equal(d.to - d.from, 86400);
	assert_int_equal(d.printed_at, NOW + 3600);
	/* The count: nothing read, A101 and A102 missing. */
	assert_int_equal(d.ncounts, 1);
	assert_int_equal(d.counts[0].sess.id, f->count);
	assert_int_equal(d.counts[0].expected, 2);
	assert_int_equal(d.counts[0].missing, 2);
	assert_true(d.counts[0].discrepancy);
	/* The tally: A103 still out, checked out by S02. */
	assert_int_equal(d.ntallies, 1);
	assert_int_equal(d.tallies[0].sess.id, f->tally);
	assert_int_equal(d.tallies[0].t.expected, 1);
	assert_false(d.tallies[0].balanced);
	assert_int_equal(d.tallies[0].nout, 1);
	assert_string_equal(d.tallies[0].out[0].name, "A103");
	assert_string_equal(d.tallies[0].out[0].checked_out_by, "S02");
	assert_int_equal(d.ncustody, 1);
	assert_string_equal(d.custody[0].kind, "checkout");
	assert_string_equal(d.custody[0].by, "S02");
	assert_int_equal(d.custody[0].n, 1);
	assert_int_equal(d.nnotes, 1);
	assert_string_equal(d.notes[0].text, "drawer left open");
	assert_int_equal(d.nlocked, 1);
	assert_string_equal(d.locked[0].code, "P04");
	assert_string_equal(d.locked[0].pin_hash, "");
	assert_int_equal(d.nopenings, 0);
	assert_int_equal(d.ndisposals, 0);
	/* The chain head of the day to sign: the last entry (everything
	 * happened before the end of the day), as audit verify sees it. */
	assert_int_equal(ledger_audit_verify(f->l, NULL, 0, &v), 0);
	audit_hex(v.anchor, hex);
	assert_int_equal(d.audit.problem, AUDIT_INTACT);
	assert_false(d.broken);
	assert_true(d.audit.anchored);
	assert_int_equal(d.audit.anchor_entry, v.last_id);
	assert_true(d.audit.anchor_entry > 0);
	assert_string_equal(d.audit.anchor_hex, hex);
	assert_int_equal(d.audit.entries, v.entries);
	wf_daily_free(&d);
}

static void daily_of_the_day_before(void **state)
{
	struct fixture *f = *state;
	struct wf_daily d;
	struct wf_err e;

	assert_int_equal(wf_daily(f->l, wf_today(NOW) - 1, NOW,
				  &recon_default_rules,
				  &recon_default_key_rules, &d, &e),
			 0);
	assert_int_equal(d.ncounts, 0);
	assert_int_equal(d.ntallies, 0);
	assert_int_equal(d.ncustody, 0);
	assert_int_equal(d.nnotes, 0);
	/* Locked accounts are those of now. */
	assert_int_equal(d.nlocked, 1);
	/* The chain head of that day: the three people the fixture added
	 * (dated the epoch); the import and the rest came later. */
	assert_true(d.audit.anchored);
	assert_int_equal(d.audit.anchor_entry, 3);
	wf_daily_free(&d);

	/* Before anything was logged: no anchor to sign. */
	assert_int_equal(wf_daily(f->l, -1, NOW, &recon_default_rules,
				  &recon_default_key_rules, &d, &e),
			 0);
	assert_false(d.audit.anchored);
	assert_int_equal(d.audit.anchor_entry, 0);
	assert_false(d.broken);
	wf_daily_free(&d);

	/* Tomorrow's is refused, naming both days; today's is made. */
	assert_int_equal(wf_daily(f->l, wf_today(NOW) + 1, NOW,
				  &recon_default_rules,
				  &recon_default_key_rules, &d, &e),
			 65);
	assert_int_equal(e.code, WF_E_REPORT_FUTURE);
	assert_int_equal(d.ncounts, 0);
	assert_int_equal(wf_daily(f->l, wf_today(NOW), NOW,
				  &recon_default_rules,
				  &recon_default_key_rules, &d, &e),
			 0);
	wf_daily_free(&d);
}

/* ---- reconcile ---- */

static void reconcile_refusal(void **state)
{
	struct fixture *f = *state;
	struct wf_reconcile r;
	struct wf_err e;

	assert_int_equal(
	    wf_reconcile(f->l, 99, NOW, &recon_default_rules, &r, &e), 65);
	assert_int_equal(e.code, WF_E_REPORT_NO_SESSION);
	assert_string_equal(e.arg[0], "99");
	assert_null(r.d);
}

static void reconcile_count_and_tally(void **state)
{
	struct fixture *f = *state;
	struct wf_reconcile r;
	struct wf_err e;

	assert_int_equal(wf_reconcile(f->l, f->count, NOW + 600,
				      &recon_default_rules, &r, &e),
			 0);
	assert_non_null(r.d);
	assert_int_equal(r.r->nmissing, 2);
	assert_true(r.found);
	/* Never read since the import: no sighting. */
	assert_int_equal(r.last_seen[0].at, 0);
	assert_int_equal(r.last_seen[1].at, 0);
	assert_int_equal(r.r->nchecked_out, 1);
	assert_string_equal(r.checked_out_by[0], "S02");
	assert_int_equal(r.nres, 0);
	assert_null(wf_reconcile_res(&r, "04A101"));
	wf_reconcile_free(&r);

	assert_int_equal(wf_reconcile(f->l, f->tally, NOW + 600,
				      &recon_default_rules, &r, &e),
			 0);
	assert_int_equal(r.sess.kind, SESSION_TALLY);
	assert_null(r.d);
	assert_int_equal(r.tally.expected, 1);
	assert_int_equal(r.nout, 1);
	assert_string_equal(r.out[0].name, "A103");
	assert_string_equal(r.out[0].location, "SAFE1/T02");
	assert_true(r.found);
	wf_reconcile_free(&r);
}

/* ---- the incident report ---- */

static void incident_refusals(void **state)
{
	struct fixture *f = *state;
	struct wf_incident in;
	struct wf_err e;
	char n[24];

	assert_int_equal(
	    wf_incident(f->l, 99, NOW, &recon_default_rules, &in, &e), 65);
	assert_int_equal(e.code, WF_E_REPORT_NO_SESSION);
	assert_int_equal(
	    wf_incident(f->l, f->tally, NOW, &recon_default_rules, &in, &e),
	    65);
	assert_int_equal(e.code, WF_E_REPORT_TALLY);
	assert_string_equal(e.arg[0], wf_i64(n, f->tally));
}

static void incident_of_a_count(void **state)
{
	struct fixture *f = *state;
	struct wf_incident in;
	struct wf_err e;

	assert_int_equal(wf_incident(f->l, f->count, NOW + 600,
				     &recon_default_rules, &in, &e),
			 0);
	assert_int_equal(in.sess.id, f->count);
	assert_int_equal(in.ncards, 2);
	assert_string_equal(in.cards[0].it.mgmt_id, "A101");
	assert_string_equal(in.cards[1].it.mgmt_id, "A102");
	for (size_t i = 0; i < in.ncards; i++) {
		const struct wf_incident_card *k = &in.cards[i];

		assert_int_equal(k->status, CARD_STORED);
		assert_false(k->it.resolved);
		/* Never seen: the window runs from the day it was received
		 * to the start of the count (its range never begun). */
		assert_false(k->from_last_seen);
		assert_int_equal(k->last_seen.at, 0);
		assert_int_equal(k->to, NOW + 180);
		assert_true(k->from < k->to);
		assert_int_equal(k->nevents, 0);
		assert_int_equal(k->nopenings, 0);
	}
	wf_incident_free(&in);
}

/* ---- the record book ---- */

static void book_refusal_and_months(void **state)
{
	struct fixture *f = *state;
	struct wf_book b;
	struct wf_err e;

	assert_int_equal(
	    wf_book(f->l, "2026-3", NOW, &recon_default_rules, &b, &e), 65);
	assert_int_equal(e.code, WF_E_REPORT_MONTH);
	assert_string_equal(e.arg[0], "2026-3");
	assert_int_equal(
	    wf_book(f->l, "2026-13", NOW, &recon_default_rules, &b, &e), 65);

	assert_int_equal(
	    wf_book(f->l, "2026-03", NOW, &recon_default_rules, &b, &e), 0);
	assert_string_equal(b.month, "2026-03");
	assert_int_equal(b.ncounts, 1);
	assert_int_equal(b.counts[0].c.id, f->count);
	assert_int_equal(b.counts[0].disc.n, 2);
	assert_int_equal(b.counts[0].disc.unresolved, 2);
	assert_int_equal(b.counts[0].disc.v[0].kind, DISC_MISSING);
	assert_true(b.counts[0].nranges > 0);
	wf_book_free(&b);

	assert_int_equal(
	    wf_book(f->l, "2026-04", NOW, &recon_default_rules, &b, &e), 0);
	assert_int_equal(b.ncounts, 0);
	wf_book_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(daily_of_the_day, setup, teardown),
	    cmocka_unit_test_setup_teardown(daily_of_the_day_before, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(reconcile_refusal, setup, teardown),
	    cmocka_unit_test_setup_teardown(reconcile_count_and_tally, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(incident_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(incident_of_a_count, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(book_refusal_and_months, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
