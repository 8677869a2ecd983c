/*
 * Unit tests of the disposal workflows (scanner/workflow/wf_dispose.c)
 * and of what the scan session accepts into a batch (wf_scan.c, by
 * recon_dispose_accept), against a real ledger file in $TMPDIR: the due
 * list, each refusal and each success of starting and closing a batch
 * (the witness checked only after the actor, the method, the batch read
 * again, a card that left storage since it was scanned), and the
 * disposal ledger as a struct.
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
#include "../reconcile/rules.h"
#include "../scanner/workflow/wf_scan.h"

/* 2026-03-02 10:00 in Tokyo (tests/run sets TZ). */
#define NOW 1772413200

static int64_t fake_clock(void)
{
	return NOW;
}

struct fixture {
	char dir[256];
	char path[300];
	struct ledger *l;
	struct staff_rec m01, m05, s02, s03, p04;
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

/*
 * D101's reminder went out 90 days before NOW (due today), D102's 89 days
 * before (not yet), D108's 152 days before (due since 2025-12-30); D103
 * is due because the applicant moved; D106 has no reminder; D107 was
 * issued.
 */
static const char stock[] =
    "mgmt_id,serial,location,received,reminder_sent,status\n"
    "D101,04D101,SAFE1/T01,2025-06-01,2025-12-02,\n"
    "D102,04D102,SAFE1/T01,2025-06-01,2025-12-03,\n"
    "D103,04D103,SAFE1/T01,2025-06-01,,moved\n"
    "D106,04D106,SAFE1/T02,2025-06-01,,\n"
    "D107,04D107,SAFE1/T02,2025-06-01,2025-01-01,issued\n"
    "D108,04D108,SAFE1/T02,2025-06-01,2025-10-01,\n";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct import_opts o = {.now = 1000,
				.status_rule = recon_import_status_rule};
	struct import_result res;
	char err[256];

	if (!f || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/ct-wfd-XXXXXX",
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
	add(f, "P04", ROLE_PARTTIME, "4444", &f->p04);
	o.actor_id = f->m01.id;
	if (import_run(f->l, stock, strlen(stock), &o, &res) != 0)
		return -1;
	import_result_free(&res);
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

static int64_t batches(struct fixture *f)
{
	struct wf_disposal_list d;
	struct wf_err e;
	int64_t n;

	assert_int_equal(wf_dispose_list(f->l, 0, &d, &e), 0);
	n = (int64_t)d.n;
	wf_dispose_list_free(&d);
	return n;
}

static enum card_status status_of(struct fixture *f, const char *mgmt)
{
	struct card_rec c;

	assert_int_equal(ledger_card_by_mgmt(f->l, mgmt, &c), 0);
	return c.status;
}

static int failed_pins(struct fixture *f, const char *code)
{
	struct staff_rec s;

	assert_int_equal(ledger_staff_get(f->l, code, &s), 0);
	return s.failed_pins;
}

/* A batch started by S02 with M01, the given cards scanned into it
 * (each must be accepted). */
static int64_t batch_with(struct fixture *f, const char *const *serials)
{
	struct wf_scan_args a = {0};
	struct wf_scan_read res;
	struct staff_rec w;
	struct wf_scan *s;
	struct wf_err e;
	int64_t id;

	assert_int_equal(
	    wf_dispose_start(f->l, &f->s02, "M01", "1111", NOW, &id, &w, &e),
	    0);
	a.disposal_id = id;
	a.actor = &f->s02;
	a.clock = fake_clock;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	for (; *serials; serials++) {
		assert_int_equal(wf_scan_serial(s, *serials, &res, &e), 0);
		assert_int_equal(res.dispose, DISPOSE_ACCEPTED);
	}
	assert_int_equal(wf_scan_close(s, &e), 0);
	return id;
}

/* ---- the cards due ---- */

static void the_due_list_is_sorted_with_why_and_since(void **state)
{
	struct fixture *f = *state;
	struct recon_rules r89 = {.reminder_days = 89};
	struct wf_dispose_due d;
	struct wf_err e;
	char day[11];

	assert_int_equal(wf_dispose_due(f->l, NULL, wf_today(NOW), &d, &e), 0);
	assert_int_equal(d.reminder_days, recon_default_rules.reminder_days);
	assert_int_equal(d.n, 3);
	/* Unknown since first, then by since. */
	assert_string_equal(d.v[0].mgmt_id, "D103");
	assert_int_equal(d.v[0].why, DUE_MOVED);
	assert_int_equal(d.v[0].since, DATE_NONE);
	assert_string_equal(d.v[1].mgmt_id, "D108");
	date_format(d.v[1].since, day);
	assert_string_equal(day, "2025-12-30");
	assert_string_equal(d.v[2].mgmt_id, "D101");
	assert_int_equal(d.v[2].why, DUE_REMINDER);
	wf_dispose_due_free(&d);
	assert_null(d.v);

	/* The configured days: D102 too, a day earlier each. */
	assert_int_equal(wf_dispose_due(f->l, &r89, wf_today(NOW), &d, &e), 0);
	assert_int_equal(d.reminder_days, 89);
	assert_int_equal(d.n, 4);
	assert_string_equal(d.v[3].mgmt_id, "D102");
	wf_dispose_due_free(&d);
}

/* status's count in SQL: as many as the list, by the same rules, on the
 * boundary days of D102's reminder too. */
static void the_due_count_is_the_list_length(void **state)
{
	struct fixture *f = *state;
	struct recon_rules r89 = {.reminder_days = 89};
	struct recon_rules r90 = recon_default_rules;
	const struct recon_rules *rules[] = {NULL, &r89, &r90};
	struct wf_dispose_due d;
	struct wf_err e;
	long n;

	for (size_t i = 0; i < 3; i++) {
		for (int32_t k = -2; k <= 400; k += 1) {
			int32_t today = wf_today(NOW) + k;

			assert_int_equal(
			    wf_dispose_due(f->l, rules[i], today, &d, &e), 0);
			assert_int_equal(wf_dispose_due_count(f->l, rules[i],
							      today, &n, &e),
					 0);
			assert_int_equal(n, (long)d.n);
			wf_dispose_due_free(&d);
		}
	}
	assert_int_equal(
	    wf_dispose_due_count(f->l, NULL, wf_today(NOW), &n, &e), 0);
	assert_int_equal(n, 3);
}

/* ---- start ---- */

static void start_refusals_and_success(void **state)
{
	struct fixture *f = *state;
	struct staff_rec w;
	struct wf_err e;
	int64_t id;

	/* The actor first: a part-timer's witness is never checked, so a
	 * wrong PIN of theirs is not even counted. */
	assert_int_equal(
	    wf_dispose_start(f->l, &f->p04, "M01", "0000", NOW, &id, &w, &e),
	    77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(failed_pins(f, "M01"), 0);
	assert_int_equal(
	    wf_dispose_start(f->l, &f->s02, NULL, NULL, NOW, &id, &w, &e), 77);
	assert_int_equal(e.code, WF_E_WITNESS_NEEDED);
	assert_int_equal(
	    wf_dispose_start(f->l, &f->s02, "", "", NOW, &id, &w, &e), 77);
	assert_int_equal(e.code, WF_E_WITNESS_NEEDED);
	/* Refused before the PIN is looked at. */
	assert_int_equal(
	    wf_dispose_start(f->l, &f->s02, "S02", "0000", NOW, &id, &w, &e),
	    77);
	assert_int_equal(e.code, WF_E_WITNESS_SELF);
	assert_int_equal(failed_pins(f, "S02"), 0);
	assert_int_equal(
	    wf_dispose_start(f->l, &f->s02, "S03", "3333", NOW, &id, &w, &e),
	    77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(
	    wf_dispose_start(f->l, &f->s02, "M01", "0000", NOW, &id, &w, &e),
	    77);
	assert_int_equal(e.code, WF_E_LOGIN);
	assert_int_equal(failed_pins(f, "M01"), 1);
	assert_int_equal(batches(f), 0);

	assert_int_equal(
	    wf_dispose_start(f->l, &f->s02, "M01", "1111", NOW, &id, &w, &e),
	    0);
	assert_true(id > 0);
	assert_string_equal(w.code, "M01");
	assert_int_equal(w.pin_hash[0], '\0');
	assert_int_equal(batches(f), 1);
}

/* ---- a batch, its method ---- */

static void a_batch_must_exist_and_be_open(void **state)
{
	struct fixture *f = *state;
	const char *const none[] = {NULL};
	struct disposal_batch_rec b;
	struct wf_dispose_closed done;
	struct wf_err e;
	int64_t id;

	assert_int_equal(wf_dispose_batch(f->l, 99, &b, &e), 65);
	assert_int_equal(e.code, WF_E_DISPOSE_NOT_FOUND);
	assert_string_equal(e.arg[0], "99");
	id = batch_with(f, none);
	assert_int_equal(wf_dispose_batch(f->l, id, &b, &e), 0);
	assert_int_equal(b.id, id);
	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "shred", NULL,
					  "M01", "1111", NOW, &done, &e),
			 0);
	assert_int_equal(done.ncards, 0);
	assert_int_equal(wf_dispose_batch(f->l, id, &b, &e), 65);
	assert_int_equal(e.code, WF_E_DISPOSE_CLOSED);
	assert_string_equal(e.arg[1], "S02");
}

static void the_method_and_its_certificate(void **state)
{
	struct wf_err e;

	(void)state;
	assert_int_equal(wf_dispose_method("shred", NULL, &e), 0);
	assert_int_equal(wf_dispose_method("shred", "", &e), 0);
	assert_int_equal(wf_dispose_method("contractor", "C-1", &e), 0);
	/* A usage error on the command line: exit 2. */
	assert_int_equal(wf_dispose_method("burn", NULL, &e), 2);
	assert_int_equal(e.code, WF_E_DISPOSE_METHOD);
	assert_non_null(strstr(e.arg[0], "shred or contractor"));
	assert_int_equal(wf_dispose_method(NULL, NULL, &e), 2);
	assert_int_equal(wf_dispose_method("contractor", NULL, &e), 2);
	assert_non_null(strstr(e.arg[0], "certificate"));
	assert_int_equal(wf_dispose_method("contractor", "", &e), 2);
	assert_int_equal(wf_dispose_method("contractor", "C\x01", &e), 65);
	assert_int_equal(e.code, WF_E_TEXT_CONTROL);
}

/* ---- what a batch accepts (wf_scan.c, recon_dispose_accept) ---- */

static void a_read_joins_the_batch_only_when_due(void **state)
{
	struct fixture *f = *state;
	const char *const d103[] = {"04D103", NULL};
	struct wf_scan_args a = {0};
	struct wf_scan_read res;
	struct wf_scan *s;
	struct wf_err e;
	int64_t first = batch_with(f, d103), id;
	struct staff_rec w;
	static const struct {
		const char *serial;
		enum recon_dispose_why why;
		enum recon_outcome outcome;
	} t[] = {
	    {"04D101", DISPOSE_ACCEPTED, RECON_ACCEPTED},
	    {"04D101", DISPOSE_REPEAT, RECON_REPEAT},
	    {"04D102", DISPOSE_NOT_DUE, RECON_ALERT},
	    {"04D106", DISPOSE_NOT_DUE, RECON_ALERT},
	    {"04D107", DISPOSE_NOT_DUE, RECON_ALERT},
	    {"04FFFF", DISPOSE_UNKNOWN, RECON_ALERT},
	    {"04D103", DISPOSE_IN_DISPOSAL, RECON_ALERT},
	};

	assert_int_equal(
	    wf_dispose_start(f->l, &f->s03, "M05", "5555", NOW, &id, &w, &e),
	    0);
	a.disposal_id = id;
	a.actor = &f->s03;
	a.clock = fake_clock;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(wf_scan_serial(s, t[i].serial, &res, &e), 0);
		assert_int_equal(res.dispose, t[i].why);
		assert_int_equal(res.outcome, t[i].outcome);
		assert_int_equal(res.other_disposal,
				 t[i].why == DISPOSE_IN_DISPOSAL ? first : 0);
	}
	/* D101 taken with why it is due, D103 left to the first batch. */
	assert_int_equal(wf_scan_serial(s, "04D108", &res, &e), 0);
	assert_int_equal(res.dispose, DISPOSE_ACCEPTED);
	assert_int_equal(res.due, DUE_REMINDER);
	assert_int_equal(wf_scan_totals(s)->accepted, 2);
	assert_int_equal(wf_scan_close(s, &e), 0);
	{
		struct card_rec c;

		assert_int_equal(ledger_card_by_mgmt(f->l, "D103", &c), 0);
		assert_int_equal(ledger_disposal_has(f->l, id, c.id), 0);
		assert_int_equal(ledger_disposal_has(f->l, first, c.id), 1);
		assert_int_equal(ledger_card_by_mgmt(f->l, "D102", &c), 0);
		assert_int_equal(ledger_disposal_has(f->l, id, c.id), 0);
	}
}

/* ---- close ---- */

static void close_refusals_and_success(void **state)
{
	struct fixture *f = *state;
	const char *const cards[] = {"04D101", "04D103", NULL};
	struct wf_dispose_closed done;
	struct wf_disposal_list list;
	struct wf_err e;
	int64_t id = batch_with(f, cards);

	assert_int_equal(wf_dispose_close(f->l, &f->p04, id, "shred", NULL,
					  "M01", "0000", NOW, &done, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	/* Said before the witness's PIN is looked at. */
	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "contractor", "",
					  "M01", "0000", NOW, &done, &e),
			 2);
	assert_int_equal(e.code, WF_E_DISPOSE_METHOD);
	assert_int_equal(wf_dispose_close(f->l, &f->s02, 99, "shred", NULL,
					  "M01", "0000", NOW, &done, &e),
			 65);
	assert_int_equal(e.code, WF_E_DISPOSE_NOT_FOUND);
	assert_int_equal(failed_pins(f, "M01"), 0);
	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "shred", NULL,
					  NULL, NULL, NOW, &done, &e),
			 77);
	assert_int_equal(e.code, WF_E_WITNESS_NEEDED);
	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "shred", NULL,
					  "S02", "2222", NOW, &done, &e),
			 77);
	assert_int_equal(e.code, WF_E_WITNESS_SELF);
	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "shred", NULL,
					  "S03", "3333", NOW, &done, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "shred", NULL,
					  "M01", "0000", NOW, &done, &e),
			 77);
	assert_int_equal(e.code, WF_E_LOGIN);
	assert_int_equal(status_of(f, "D101"), CARD_STORED);
	assert_int_equal(status_of(f, "D103"), CARD_MOVED);

	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "contractor",
					  "C-2026-17", "M05", "5555", NOW,
					  &done, &e),
			 0);
	assert_int_equal(done.ncards, 2);
	assert_string_equal(done.witness.code, "M05");
	assert_int_equal(done.witness.pin_hash[0], '\0');
	assert_int_equal(status_of(f, "D101"), CARD_DISPOSED);
	assert_int_equal(status_of(f, "D103"), CARD_DISPOSED);
	/* Not twice. */
	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "shred", NULL,
					  "M01", "1111", NOW, &done, &e),
			 65);
	assert_int_equal(e.code, WF_E_DISPOSE_CLOSED);

	/* The disposal ledger: the batch, who, the method, its cards. */
	assert_int_equal(wf_dispose_list(f->l, 0, &list, &e), 0);
	assert_int_equal(list.n, 1);
	assert_int_equal(list.v[0].b.id, id);
	assert_string_equal(list.v[0].b.started_by, "S02");
	assert_string_equal(list.v[0].b.witness, "M01");
	assert_string_equal(list.v[0].b.closed_by, "S02");
	assert_string_equal(list.v[0].b.close_witness, "M05");
	assert_string_equal(list.v[0].b.method, "contractor");
	assert_string_equal(list.v[0].b.certificate, "C-2026-17");
	assert_int_equal(list.v[0].ncards, 2);
	assert_string_equal(list.v[0].cards[0].mgmt_id, "D101");
	assert_string_equal(list.v[0].cards[0].why, "reminder");
	assert_string_equal(list.v[0].cards[0].scanned_by, "S02");
	assert_string_equal(list.v[0].cards[1].mgmt_id, "D103");
	assert_int_equal(list.v[0].cards[1].due_since, DATE_NONE);
	wf_dispose_list_free(&list);
	/* Only the open ones: none now. */
	assert_int_equal(wf_dispose_list(f->l, 1, &list, &e), 0);
	assert_int_equal(list.n, 0);
	wf_dispose_list_free(&list);
}

static void a_card_that_left_storage_stops_the_close(void **state)
{
	struct fixture *f = *state;
	const char *const cards[] = {"04D101", "04D108", NULL};
	const char *const d108[] = {"D108"};
	struct wf_dispose_closed done;
	struct wf_disposal_list list;
	struct wf_moved moved;
	struct disposal_batch_rec b;
	struct wf_err e;
	int64_t id = batch_with(f, cards);

	/* D108 goes to the window after it was scanned into the batch. */
	assert_int_equal(wf_custody_move(f->l, &f->s02, CUSTODY_CHECKOUT, d108,
					 1, CUSTODY_BY_NAME, NULL, DATE_NONE,
					 NOW, &moved, &e),
			 0);
	wf_moved_free(&moved);
	assert_int_equal(wf_dispose_close(f->l, &f->s02, id, "shred", NULL,
					  "M01", "1111", NOW, &done, &e),
			 65);
	assert_int_equal(e.code, WF_E_DISPOSE_CARD_LEFT);
	assert_string_equal(e.arg[0], "D108");
	assert_string_equal(e.arg[1], "checked out");
	/* Nothing disposed, the batch still open. */
	assert_int_equal(status_of(f, "D101"), CARD_STORED);
	assert_int_equal(status_of(f, "D108"), CARD_CHECKED_OUT);
	assert_int_equal(wf_dispose_batch(f->l, id, &b, &e), 0);
	assert_int_equal(wf_dispose_list(f->l, 1, &list, &e), 0);
	assert_int_equal(list.n, 1);
	assert_int_equal(list.v[0].ncards, 0); /* open_only: no cards */
	wf_dispose_list_free(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		the_due_list_is_sorted_with_why_and_since, setup, teardown),
	    cmocka_unit_test_setup_teardown(the_due_count_is_the_list_length,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(start_refusals_and_success, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_batch_must_exist_and_be_open,
					    setup, teardown),
	    cmocka_unit_test(the_method_and_its_certificate),
	    cmocka_unit_test_setup_teardown(
		a_read_joins_the_batch_only_when_due, setup, teardown),
	    cmocka_unit_test_setup_teardown(close_refusals_and_success, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		a_card_that_left_storage_stops_the_close, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
