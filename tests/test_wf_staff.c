/*
 * Unit tests of the staff, training, near-miss, import and init workflows
 * (scanner/workflow/wf_staff.c, wf_training.c, wf_note.c, wf_import.c):
 * each refusal and each success, against a real ledger file in $TMPDIR.
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
#include "../scanner/workflow/wf.h"
#include "testwf.h"

/* 2026-03-02 10:00 in Tokyo (tests/run sets TZ). */
#define NOW 1772413200

static const char stock[] = "mgmt_id,serial,location,received\n"
			    "A101,04A101,SAFE1/T01,2025-06-01\n";

/* The office past its setup: one card in the ledger. */
static void add_stock(struct testwf *f)
{
	assert_int_equal(testwf_stock(f, &f->s02, stock, NOW), 1);
}

/* ---- staff add ---- */

static void staff_add_refusals_and_success(void **state)
{
	struct testwf *f = *state;
	char longname[NAME_MAX_BYTES + 2];
	struct staff_rec s;
	struct wf_err e;

	assert_int_equal(wf_staff_add(f->l, &f->s02, "S09", "N", ROLE_STAFF,
				      "9999", NULL, NULL, NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "S 9", "N", ROLE_STAFF,
				      "9999", NULL, NULL, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_STAFF_CODE);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "S09", "", ROLE_STAFF,
				      "9999", NULL, NULL, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_TEXT_LENGTH);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(wf_staff_add(f->l, &f->m01, "S09", longname,
				      ROLE_STAFF, "9999", NULL, NULL, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_TEXT_LENGTH);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "S02", "N", ROLE_STAFF,
				      "9999", NULL, NULL, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_STAFF_EXISTS);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "S09", "N", ROLE_STAFF,
				      "99", NULL, NULL, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_PIN_FORMAT);
	assert_int_equal(ledger_staff_get(f->l, "S09", &s),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "S09", "Nine", ROLE_STAFF,
				      "9999", NULL, NULL, NOW, &e),
			 0);
	assert_int_equal(ledger_staff_get(f->l, "S09", &s), 0);
	assert_string_equal(s.name, "Nine");
	assert_int_equal(s.role, ROLE_STAFF);
	/* The PIN given is the one that logs in. */
	assert_int_equal(wf_login(f->l, "S09", "9999", NOW, &s, &e), 0);
}

static void a_new_manager_needs_a_second_one(void **state)
{
	struct testwf *f = *state;
	struct staff_rec s;
	struct wf_err e;

	/* Setup: no stock, no other manager: the first adds the second. */
	assert_int_equal(wf_staff_add(f->l, &f->m01, "M05", "Five",
				      ROLE_MANAGER, "5555", NULL, NULL, NOW,
				      &e),
			 0);
	/* Now there is another manager: the third needs a witness even
	 * before the stock arrives. */
	assert_int_equal(wf_staff_add(f->l, &f->m01, "M06", "Six", ROLE_MANAGER,
				      "6666", NULL, NULL, NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_STAFF_ADD_MANAGER_WITNESS);
	add_stock(f);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "M06", "Six", ROLE_MANAGER,
				      "6666", "", NULL, NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_STAFF_ADD_MANAGER_WITNESS);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "M06", "Six", ROLE_MANAGER,
				      "6666", "M01", "1111", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_WITNESS_SELF);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "M06", "Six", ROLE_MANAGER,
				      "6666", "S02", "2222", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "M06", "Six", ROLE_MANAGER,
				      "6666", "M05", "0000", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_LOGIN);
	assert_int_equal(ledger_staff_get(f->l, "M06", &s),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "M06", "Six", ROLE_MANAGER,
				      "6666", "M05", "5555", NOW, &e),
			 0);
	assert_int_equal(ledger_staff_get(f->l, "M06", &s), 0);
	assert_int_equal(s.role, ROLE_MANAGER);
}

static void one_manager_with_stock_cannot_make_another(void **state)
{
	struct testwf *f = *state;
	struct wf_err e;

	add_stock(f);
	assert_int_equal(wf_staff_add(f->l, &f->m01, "M02", "Twin",
				      ROLE_MANAGER, "2020", NULL, NULL, NOW,
				      &e),
			 77);
	assert_int_equal(e.code, WF_E_STAFF_ADD_MANAGER_WITNESS);
	/* Nor by promoting someone. */
	assert_int_equal(wf_staff_role(f->l, &f->m01, "S02", ROLE_MANAGER, NULL,
				       NULL, NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_STAFF_ROLE_WITNESS);
}

/* ---- unlock, PINs ---- */

static void lock(struct testwf *f, const char *code)
{
	struct staff_rec s;
	struct wf_err e;

	for (int i = 0; i < 5; i++)
		wf_login(f->l, code, "0000", NOW, &s, &e);
	assert_int_equal(ledger_staff_get(f->l, code, &s), 0);
	assert_int_equal(s.locked, 1);
}

static void unlock_refusals_and_success(void **state)
{
	struct testwf *f = *state;
	struct staff_rec s;
	struct wf_err e;

	assert_int_equal(wf_staff_unlock(f->l, &f->s02, "P04", NOW, &e), 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_staff_unlock(f->l, &f->m01, "X99", NOW, &e), 65);
	assert_int_equal(e.code, WF_E_NO_STAFF);
	assert_int_equal(wf_staff_unlock(f->l, &f->m01, "P04", NOW, &e), 65);
	assert_int_equal(e.code, WF_E_STAFF_NOT_LOCKED);
	lock(f, "P04");
	assert_int_equal(wf_staff_unlock(f->l, &f->m01, "P04", NOW, &e), 0);
	assert_int_equal(wf_login(f->l, "P04", "4444", NOW, &s, &e), 0);
}

static void owners_change_their_pin(void **state)
{
	struct testwf *f = *state;
	struct staff_rec s;
	struct wf_err e;

	assert_int_equal(wf_staff_pin(f->l, "S02", "2222", "12", NOW, &e), 65);
	assert_int_equal(e.code, WF_E_PIN_FORMAT);
	assert_int_equal(ledger_staff_get(f->l, "S02", &s), 0);
	assert_int_equal(s.failed_pins, 0); /* a malformed new PIN: no try */
	assert_int_equal(wf_staff_pin(f->l, "S02", "0000", "2345", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_LOGIN);
	assert_int_equal(ledger_staff_get(f->l, "S02", &s), 0);
	assert_int_equal(s.failed_pins, 1);
	assert_int_equal(wf_staff_pin(f->l, "X99", "0000", "2345", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_LOGIN);
	assert_int_equal(wf_staff_pin(f->l, "S02", "2222", "2222", NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_PIN_SAME);
	assert_int_equal(wf_staff_pin(f->l, "S02", "2222", "2345", NOW, &e), 0);
	assert_int_equal(wf_login(f->l, "S02", "2222", NOW, &s, &e), 77);
	assert_int_equal(wf_login(f->l, "S02", "2345", NOW, &s, &e), 0);
	/* A locked account cannot change its PIN, even with the right one. */
	lock(f, "P04");
	assert_int_equal(wf_staff_pin(f->l, "P04", "4444", "4545", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_LOCKED);
}

static void managers_reset_pins(void **state)
{
	struct testwf *f = *state;
	struct staff_rec s, m05;
	struct wf_err e;

	assert_int_equal(wf_staff_reset_pin(f->l, &f->s02, "P04", "4545", NULL,
					    NULL, NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_staff_reset_pin(f->l, &f->m01, "M01", "1212", NULL,
					    NULL, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_PIN_RESET_SELF);
	assert_int_equal(wf_staff_reset_pin(f->l, &f->m01, "X99", "4545", NULL,
					    NULL, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_NO_STAFF);
	assert_int_equal(
	    wf_staff_reset_pin(f->l, &f->m01, "P04", "45", NULL, NULL, NOW, &e),
	    65);
	assert_int_equal(e.code, WF_E_PIN_FORMAT);
	lock(f, "P04");
	assert_int_equal(wf_staff_reset_pin(f->l, &f->m01, "P04", "4545", NULL,
					    NULL, NOW, &e),
			 0);
	assert_int_equal(ledger_staff_get(f->l, "P04", &s), 0);
	assert_int_equal(s.locked, 0);
	assert_int_equal(s.failed_pins, 0);
	assert_int_equal(wf_login(f->l, "P04", "4545", NOW, &s, &e), 0);
	/* A manager's PIN, once the office is set up: two managers. */
	testwf_add(f, "M05", ROLE_MANAGER, "5555", &m05);
	add_stock(f);
	assert_int_equal(wf_staff_reset_pin(f->l, &f->m01, "M05", "5656", NULL,
					    NULL, NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_STAFF_RESET_WITNESS);
	assert_int_equal(wf_login(f->l, "M05", "5555", NOW, &s, &e), 0);
	testwf_add(f, "M06", ROLE_MANAGER, "6666", &s);
	assert_int_equal(wf_staff_reset_pin(f->l, &f->m01, "M05", "5656", "M06",
					    "6666", NOW, &e),
			 0);
	assert_int_equal(wf_login(f->l, "M05", "5656", NOW, &s, &e), 0);
}

/* ---- who may log in, roles ---- */

static void deactivation_and_reactivation(void **state)
{
	struct testwf *f = *state;
	struct staff_rec s;
	struct wf_err e;

	testwf_add(f, "M05", ROLE_MANAGER, "5555", &s);
	add_stock(f);
	assert_int_equal(wf_staff_set_active(f->l, &f->s02, "P04", 0, "M05",
					     "5555", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_staff_set_active(f->l, &f->m01, "X99", 0, "M05",
					     "5555", NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_NO_STAFF);
	assert_int_equal(
	    wf_staff_set_active(f->l, &f->m01, "P04", 0, NULL, NULL, NOW, &e),
	    77);
	assert_int_equal(e.code, WF_E_STAFF_ACTIVE_WITNESS);
	assert_int_equal(wf_staff_set_active(f->l, &f->m01, "P04", 0, "M05",
					     "5555", NOW, &e),
			 0);
	assert_int_equal(wf_login(f->l, "P04", "4444", NOW, &s, &e), 77);
	assert_int_equal(e.code, WF_E_INACTIVE);
	/* A step begun before: refused inside its transaction. */
	assert_int_equal(wf_note_add(f->l, &f->p04, "x", NULL, NOW, &s.id, &e),
			 77);
	assert_int_equal(e.code, WF_E_INACTIVE);
	/* Never deleted. */
	assert_int_equal(ledger_staff_get(f->l, "P04", &s), 0);
	assert_int_equal(s.active, 0);
	assert_int_equal(wf_staff_set_active(f->l, &f->m01, "P04", 0, "M05",
					     "5555", NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_STAFF_INACTIVE_ALREADY);
	assert_int_equal(wf_staff_set_active(f->l, &f->m01, "P04", 1, "M05",
					     "5555", NOW, &e),
			 0);
	assert_int_equal(wf_login(f->l, "P04", "4444", NOW, &s, &e), 0);
	assert_int_equal(wf_staff_set_active(f->l, &f->m01, "P04", 1, "M05",
					     "5555", NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_STAFF_ACTIVE_ALREADY);
}

static void the_last_manager_stays(void **state)
{
	struct testwf *f = *state;
	struct wf_err e;

	/* Setup, one manager: no witness is needed, but the ledger keeps
	 * its manager. */
	assert_int_equal(
	    wf_staff_set_active(f->l, &f->m01, "M01", 0, NULL, NULL, NOW, &e),
	    65);
	assert_int_equal(e.code, WF_E_STAFF_LAST_MANAGER);
	assert_int_equal(wf_staff_role(f->l, &f->m01, "M01", ROLE_STAFF, NULL,
				       NULL, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_STAFF_LAST_MANAGER);
}

static void roles_change_with_a_second_manager(void **state)
{
	struct testwf *f = *state;
	struct staff_rec s;
	struct wf_err e;

	testwf_add(f, "M05", ROLE_MANAGER, "5555", &s);
	assert_int_equal(wf_staff_role(f->l, &f->s02, "P04", ROLE_STAFF, "M05",
				       "5555", NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_staff_role(f->l, &f->m01, "P04", ROLE_PARTTIME,
				       "M05", "5555", NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_STAFF_ROLE_SAME);
	assert_int_equal(wf_staff_role(f->l, &f->m01, "P04", ROLE_STAFF, NULL,
				       NULL, NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_STAFF_ROLE_WITNESS);
	assert_int_equal(wf_staff_role(f->l, &f->m01, "P04", ROLE_STAFF, "M05",
				       "5555", NOW, &e),
			 0);
	assert_int_equal(ledger_staff_get(f->l, "P04", &s), 0);
	assert_int_equal(s.role, ROLE_STAFF);
	/* Demoting one of two managers leaves one. */
	assert_int_equal(wf_staff_role(f->l, &f->m01, "M05", ROLE_STAFF, "M05",
				       "5555", NOW, &e),
			 0);
}

static void staff_list_has_everyone_without_hashes(void **state)
{
	struct testwf *f = *state;
	struct wf_staff_list l;
	struct wf_err e;

	assert_int_equal(wf_staff_list(f->l, &l, &e), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].code, "M01");
	assert_string_equal(l.v[1].code, "P04");
	assert_string_equal(l.v[2].code, "S02");
	assert_string_equal(l.v[3].code, "S03");
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.v[i].pin_hash, "");
	wf_staff_list_free(&l);
	assert_null(l.v);
}

/* ---- training ---- */

static void training_steps(void **state)
{
	struct testwf *f = *state;
	struct course_rec c = {
	    .code = "BASIC", .name = "Card handling", .valid_days = 365};
	struct course_rec bad = c;
	const char *who[] = {"S02", "P04"};
	const char *unknown[] = {"S02", "X99"};
	struct wf_training_list t;
	struct wf_training_person p;
	struct wf_err e;
	int32_t today = wf_today(NOW);

	assert_int_equal(wf_training_course_add(f->l, &f->s02, &c, NOW, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	snprintf(bad.code, sizeof(bad.code), "B C");
	assert_int_equal(wf_training_course_add(f->l, &f->m01, &bad, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_COURSE_CODE);
	bad = c;
	bad.name[0] = '\0';
	assert_int_equal(wf_training_course_add(f->l, &f->m01, &bad, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_TEXT_LENGTH);
	bad = c;
	bad.valid_days = COURSE_VALID_DAYS_MAX + 1;
	assert_int_equal(wf_training_course_add(f->l, &f->m01, &bad, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_COURSE_DAYS);
	assert_int_equal(wf_training_course_add(f->l, &f->m01, &c, NOW, &e), 0);
	assert_int_equal(wf_training_course_add(f->l, &f->m01, &c, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_COURSE_EXISTS);

	assert_int_equal(
	    wf_training_course_require(f->l, &f->m01, "NOPE", NOW, &e), 65);
	assert_int_equal(e.code, WF_E_COURSE_NONE);
	assert_int_equal(
	    wf_training_course_require(f->l, &f->m01, "BASIC", NOW, &e), 0);
	assert_int_equal(
	    wf_training_course_require(f->l, &f->m01, "BASIC", NOW, &e), 65);
	assert_int_equal(e.code, WF_E_COURSE_REQUIRED_ALREADY);

	assert_int_equal(
	    wf_training_record(f->l, &f->m01, "BASIC", who, 0, today, NOW, &e),
	    65);
	assert_int_equal(e.code, WF_E_TRAINING_NOBODY);
	assert_int_equal(wf_training_record(f->l, &f->m01, "BASIC", who, 2,
					    today + 1, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_TRAINING_FUTURE);
	assert_int_equal(
	    wf_training_record(f->l, &f->m01, "NOPE", who, 2, today, NOW, &e),
	    65);
	assert_int_equal(e.code, WF_E_TRAINING_NO_COURSE);
	/* All or nothing: S02 is not recorded when X99 is refused. */
	assert_int_equal(wf_training_record(f->l, &f->m01, "BASIC", unknown, 2,
					    today, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_TRAINING_NO_STAFF);
	assert_int_equal(wf_training_person(f->l, "S02", today, &p, &e), 0);
	assert_int_equal(p.nrecords, 0);
	assert_int_equal(p.nrequired, 1);
	assert_int_equal(p.required[0].gate, GATE_MISSING);
	wf_training_person_free(&p);

	assert_int_equal(wf_training_record(f->l, &f->m01, "BASIC", who, 2,
					    today - 1, NOW, &e),
			 0);
	assert_int_equal(wf_training_record(f->l, &f->m01, "BASIC", who, 1,
					    today - 1, NOW, &e),
			 65);
	assert_int_equal(e.code, WF_E_TRAINING_RECORDED);

	assert_int_equal(wf_training_list(f->l, &t, &e), 0);
	assert_int_equal(t.ncourses, 1);
	assert_int_equal(t.nsessions, 1);
	assert_int_equal(t.sessions[0].nwho, 2);
	assert_string_equal(t.sessions[0].who[0], "P04");
	assert_string_equal(t.sessions[0].who[1], "S02");
	wf_training_list_free(&t);

	assert_int_equal(wf_training_person(f->l, "X99", today, &p, &e), 65);
	assert_int_equal(e.code, WF_E_NO_STAFF);
	assert_int_equal(wf_training_person(f->l, "S02", today, &p, &e), 0);
	assert_int_equal(p.nrecords, 1);
	assert_string_equal(p.records[0].recorded_by, "M01");
	assert_int_equal(p.required[0].gate, GATE_OK);
	wf_training_person_free(&p);
	/* A year and a day later the record has expired. */
	assert_int_equal(wf_training_person(f->l, "S02", today + 365, &p, &e),
			 0);
	assert_int_equal(p.required[0].gate, GATE_EXPIRED);
	wf_training_person_free(&p);
}

/* ---- near-misses ---- */

static void notes(void **state)
{
	struct testwf *f = *state;
	struct wf_note_list n;
	struct wf_err e;
	int64_t id;

	assert_int_equal(wf_note_add(f->l, &f->p04, "", NULL, NOW, &id, &e),
			 65);
	assert_int_equal(e.code, WF_E_TEXT_LENGTH);
	assert_int_equal(
	    wf_note_add(f->l, &f->p04, "bad\x01text", NULL, NOW, &id, &e), 65);
	assert_int_equal(e.code, WF_E_TEXT_CONTROL);
	assert_int_equal(wf_note_add(f->l, &f->p04, "x", "NOPE", NOW, &id, &e),
			 65);
	assert_int_equal(e.code, WF_E_NOTE_CARD);
	/* A My Number, however grouped, is not kept, nor repeated in the
	 * refusal (R3); twelve digits without its check digit are. */
	static const char *const mine[] = {
	    "applicant said 123456789018", "1234 5678 9018 on the slip",
	    "1234-5678-9018"};
	for (size_t i = 0; i < sizeof(mine) / sizeof(*mine); i++) {
		char why[256];

		assert_int_equal(
		    wf_note_add(f->l, &f->p04, mine[i], NULL, NOW, &id, &e),
		    65);
		assert_int_equal(e.code, WF_E_TEXT_MYNUMBER);
		wf_render(wf_message(e.code), &e, NULL, why, sizeof(why));
		assert_string_equal(why, "a note holds an individual number "
					 "(My Number), which is never kept: "
					 "leave it out");
	}
	assert_int_equal(wf_note_list(f->l, &n, &e), 0);
	assert_int_equal(n.n, 0);
	wf_note_list_free(&n);
	add_stock(f);
	assert_int_equal(
	    wf_note_add(f->l, &f->p04, "tray left open", "A101", NOW, &id, &e),
	    0);
	assert_int_equal(id, 1);
	assert_int_equal(wf_note_add(f->l, &f->p04, "order 123456789019",
				     NULL, NOW, &id, &e),
			 0);
	assert_int_equal(wf_note_list(f->l, &n, &e), 0);
	assert_int_equal(n.n, 2);
	assert_string_equal(n.v[0].staff, "P04");
	assert_string_equal(n.v[0].mgmt_id, "A101");
	assert_string_equal(n.v[0].text, "tray left open");
	wf_note_list_free(&n);
}

/* ---- import and init ---- */

static void import_steps(void **state)
{
	struct testwf *f = *state;
	static const char bad[] = "mgmt_id,serial,location,received\n"
				  "A101,04A101,SAFE1/T01,2025-13-01\n"
				  "A102,04A102,,2025-06-01\n";
	struct import_result res;
	struct wf_err e;
	char out[256];

	assert_int_equal(wf_import(f->l, &f->p04, "s.csv", stock, strlen(stock),
				   IMPORT_ENC_AUTO, 0, NOW, &res, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	import_result_free(&res);
	assert_int_equal(wf_import(f->l, &f->s02, "bad.csv", bad, strlen(bad),
				   IMPORT_ENC_AUTO, 0, NOW, &res, &e),
			 65);
	assert_int_equal(e.code, WF_E_IMPORT_PROBLEMS);
	assert_int_equal(res.nproblems, 2);
	wf_render(wf_message(e.code), &e, NULL, out, sizeof(out));
	assert_string_equal(out, "bad.csv: 2 problems, nothing imported");
	import_result_free(&res);
	assert_int_equal(wf_import(f->l, &f->s02, "s.csv", stock, strlen(stock),
				   IMPORT_ENC_AUTO, 1, NOW, &res, &e),
			 0);
	assert_int_equal(res.added, 1);
	import_result_free(&res);
	assert_int_equal(ledger_card_count(f->l), 0); /* a dry run */
	/* The actor is read again in the import's transaction. */
	assert_int_equal(
	    ledger_staff_set_active(f->l, f->s02.id, 0, f->m01.id, NULL, NOW),
	    0);
	assert_int_equal(wf_import(f->l, &f->s02, "s.csv", stock, strlen(stock),
				   IMPORT_ENC_AUTO, 0, NOW, &res, &e),
			 77);
	assert_int_equal(e.code, WF_E_INACTIVE);
	import_result_free(&res);
	assert_int_equal(ledger_card_count(f->l), 0);
	assert_int_equal(wf_import(f->l, &f->m01, "s.csv", stock, strlen(stock),
				   IMPORT_ENC_AUTO, 0, NOW, &res, &e),
			 0);
	import_result_free(&res);
	assert_int_equal(ledger_card_count(f->l), 1);
	/* No transaction is left open. */
	assert_int_equal(ledger_begin(f->l), 0);
	assert_int_equal(ledger_rollback(f->l), 0);
}

static void init_steps(void **state)
{
	struct testwf *f = *state;
	char path[700];
	struct ledger *l;
	struct staff_rec s;
	struct wf_err e;
	char err[256];

	testwf_file(f, "new.db", path, sizeof(path));
	assert_int_equal(wf_init_check("M 1", "M", &e), 65);
	assert_int_equal(e.code, WF_E_STAFF_CODE);
	assert_int_equal(wf_init_check("M01", "", &e), 65);
	assert_int_equal(e.code, WF_E_TEXT_LENGTH);
	assert_int_equal(wf_init(path, "M01", "Manager", "1", NOW, &e), 65);
	assert_int_equal(e.code, WF_E_PIN_FORMAT);
	assert_int_equal(access(path, F_OK), -1); /* nothing made */
	assert_int_equal(wf_init(path, "M01", "Manager", "1111", NOW, &e), 0);
	assert_int_equal(wf_init(path, "X01", "Other", "1111", NOW, &e), 2);
	assert_int_equal(e.code, WF_E_INIT_EXISTS);
	assert_int_equal(ledger_open(path, &l, err, sizeof(err)), 0);
	assert_int_equal(wf_login(l, "M01", "1111", NOW, &s, &e), 0);
	assert_int_equal(s.role, ROLE_MANAGER);
	assert_int_equal(ledger_staff_get(l, "X01", &s), LEDGER_ERR_NOTFOUND);
	ledger_close(l);
	testwf_unlink(path);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, testwf_setup, testwf_teardown)
	const struct CMUnitTest tests[] = {
	    T(staff_add_refusals_and_success),
	    T(a_new_manager_needs_a_second_one),
	    T(one_manager_with_stock_cannot_make_another),
	    T(unlock_refusals_and_success),
	    T(owners_change_their_pin),
	    T(managers_reset_pins),
	    T(deactivation_and_reactivation),
	    T(the_last_manager_stays),
	    T(roles_change_with_a_second_manager),
	    T(staff_list_has_everyone_without_hashes),
	    T(training_steps),
	    T(notes),
	    T(import_steps),
	    T(init_steps),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
