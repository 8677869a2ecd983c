/*
 * Unit tests of the workflow layer's core (scanner/workflow/wf.c,
 * wf_auth.c, wf_key.c): the error table and how a refusal becomes text,
 * the Japanese catalog holding every refusal the workflows can give, and
 * the login, step checks and key workflows against a real ledger file.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libintl.h>
#include <sodium.h>

#include "../data/ledger.h"
#include "../reconcile/rules.h"
#include "../scanner/workflow/wf.h"
#include "testwf.h"

/* ---- the table ---- */

struct seen {
	int codes[4096];
	int n;
};

static int collect(enum wf_code code, const char *msg, void *ctx)
{
	struct seen *s = ctx;

	assert_non_null(msg);
	for (int i = 0; i < s->n; i++)
		assert_int_not_equal(s->codes[i], (int)code);
	assert_true(s->n < 4096);
	s->codes[s->n++] = (int)code;
	return 0;
}

static void codes_are_unique_and_have_messages(void **state)
{
	struct seen s = {.n = 0};

	(void)state;
	assert_int_equal(wf_each_code(collect, &s), 0);
	assert_true(s.n > 10);
	for (int i = 0; i < s.n; i++) {
		int ex = wf_exit((enum wf_code)s.codes[i]);

		assert_true(s.codes[i] > 0);
		/* cardtally(1) "EXIT STATUS": a refusal or failure; 2 for a
		 * usage error only the ledger can tell (init over an existing
		 * ledger, a scan's --range given for a tally); 74 when the
		 * ledger's file system refuses; 75 when running the command
		 * again finishes it (an import stopped by a change). */
		assert_true(ex == 65 || ex == 69 || ex == 70 || ex == 77 ||
			    ex == 66 || ex == 74 || ex == 75 || ex == 1 ||
			    ex == 2);
	}
	assert_int_equal(wf_exit(WF_E_LEDGER_IO), 74);
	assert_int_equal(wf_exit(WF_OK), 0);
	assert_int_equal(wf_exit((enum wf_code)99999), 70);
	assert_null(wf_message((enum wf_code)99999));
}

static void render_fills_arguments_in_order_and_by_position(void **state)
{
	struct wf_err e;
	char out[256];

	(void)state;
	assert_int_equal(wf_fail(&e, WF_E_KEY_OPEN_ALREADY, "7", "S03"), 65);
	assert_int_equal(e.nargs, 2);
	wf_render(wf_message(e.code), &e, NULL, out, sizeof(out));
	assert_string_equal(out, "the safe is open already (opening 7 by "
				 "S03): close it first");
	/* A translation may put the arguments in another order. */
	wf_render("%2$s opened %1$s (100%%)", &e, NULL, out, sizeof(out));
	assert_string_equal(out, "S03 opened 7 (100%)");
	/* NULL is empty text, not a crash. */
	wf_fail(&e, WF_E_NO_STAFF, NULL);
	wf_render(wf_message(e.code), &e, NULL, out, sizeof(out));
	assert_string_equal(out, "no staff member ");
	/* A code outside the table still says something. */
	e.code = (enum wf_code)4242;
	e.nargs = 0;
	wf_render(NULL, &e, NULL, out, sizeof(out));
	assert_string_equal(out, "error 4242");
}

static void render_cuts_on_a_character_boundary(void **state)
{
	struct wf_err e;
	char out[12], big[2 * WF_ARG_BYTES];

	(void)state;
	/* "金庫" is 6 bytes: the cut may not split a character. */
	wf_fail(&e, WF_E_NO_STAFF, "金庫金庫金庫");
	/* What the buffer held before must not show after the cut. */
	memset(out, 'x', sizeof(out));
	wf_render("%s", &e, NULL, out, sizeof(out));
	assert_string_equal(out, "金庫金");
	/* An argument longer than the buffer is cut the same way. */
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i + 3 < sizeof(big) - 1; i += 3)
		memcpy(big + i, "金", 3);
	wf_fail(&e, WF_E_NO_STAFF, big);
	assert_true(strlen(e.arg[0]) < WF_ARG_BYTES);
	assert_int_equal(strlen(e.arg[0]) % 3, 0);
}

static const char *shout(const char *s)
{
	return strcmp(s, "staff") == 0 ? "STAFF" : s;
}

static void render_translates_the_quoted_words(void **state)
{
	struct staff_rec who = {.code = "P04", .role = ROLE_PARTTIME};
	struct staff_rec s02 = {.code = "S02", .role = ROLE_STAFF};
	struct wf_err e;
	char out[256];

	(void)state;
	assert_int_equal(wf_permit(&who, ACT_TALLY_START, &e), 77);
	wf_render(wf_message(e.code), &e, NULL, out, sizeof(out));
	assert_string_equal(out, "part-time staff may not open a tally (P04 "
				 "is parttime): permission denied");
	assert_int_equal(wf_permit(&s02, ACT_KEY_HOLDER, &e), 77);
	/* The rule and the role go through the translator, the code not. */
	wf_render(wf_message(e.code), &e, shout, out, sizeof(out));
	assert_string_equal(out, "only a manager may name key holders (S02 "
				 "is STAFF): permission denied");
	assert_int_equal(wf_permit(&s02, ACT_CHECKOUT, &e), 0);
}

/* ---- the Japanese catalog ---- */

static int ja_catalog(void)
{
	const char *dir = getenv("CARDTALLY_LOCALEDIR");

	if (!dir || !*dir)
		return 0;
	setlocale(LC_ALL, "C.UTF-8");
	setenv("LANGUAGE", "ja", 1);
	bindtextdomain("cardtally", dir);
	bind_textdomain_codeset("cardtally", "UTF-8");
	textdomain("cardtally");
	return 1;
}

struct missing {
	char list[4096];
	int n;
};

static void need(struct missing *m, const char *msgid)
{
	/* "?" stands for a state an item cannot be in (an issued
	 * terminal): nothing to translate. */
	if (strcmp(msgid, "?") == 0 || strcmp(gettext(msgid), msgid) != 0)
		return;
	m->n++;
	strncat(m->list, msgid, sizeof(m->list) - strlen(m->list) - 2);
	strncat(m->list, "\n", sizeof(m->list) - strlen(m->list) - 1);
}

static int check_code(enum wf_code code, const char *msg, void *ctx)
{
	(void)code;
	need(ctx, msg);
	return 0;
}

static void every_refusal_has_a_japanese_translation(void **state)
{
	struct missing m = {.n = 0};

	(void)state;
	if (!ja_catalog())
		skip(); /* CARDTALLY_LOCALEDIR unset: run through make test */
	wf_each_code(check_code, &m);
	/* The words refusals quote: every rule of the permission matrix
	 * and every role's name. */
	for (int a = 0; a < ACT_COUNT; a++)
		for (int r = 0; r < ROLE_COUNT; r++) {
			const char *rule;

			if (recon_permit((enum staff_role)r,
					 (enum recon_action)a, &rule) != 0)
				need(&m, rule);
		}
	for (int r = 0; r < ROLE_COUNT; r++)
		need(&m, staff_role_name((enum staff_role)r));
	/* A custody refusal quotes the rule, the item's status and what
	 * was asked (WF_E_CUSTODY_RULE), for every movement a front end
	 * offers. */
	for (int k = CUSTODY_CHECKOUT; k <= CUSTODY_MOVE; k++)
		for (int asset = 0; asset < 2; asset++)
			for (int st = 0; st < CARD_STATUS_COUNT; st++) {
				enum card_status to;
				const char *rule;

				if (recon_custody((enum custody_kind)k, asset,
						  (enum card_status)st, &to,
						  &rule) == 0)
					continue;
				need(&m, rule);
				need(&m, wf_status_word(
					     asset, (enum card_status)st));
			}
	need(&m, "card");
	need(&m, "terminal");
	/* A move to where the item is quotes its rule (WF_E_MOVE_HERE). */
	{
		const char *rule;

		assert_int_equal(recon_move_dest(3, 3, &rule), -1);
		need(&m, rule);
	}
	/* The two-person and key rules a witness or approver refusal
	 * quotes (WF_E_PERMISSION, WF_E_KEY_*_RULE). */
	for (int r = 0; r < ROLE_COUNT; r++)
		for (int active = 0; active < 2; active++)
			for (int other = 0; other < 2; other++)
				for (int listed = 0; listed < 2; listed++) {
					struct recon_person a = {1, ROLE_STAFF,
								 1};
					struct recon_person p = {
					    other ? 2 : 1,
					    (enum staff_role)r, active};
					const char *rule;

					if (recon_witness(&a, &p, &rule) < 0)
						need(&m, rule);
					if (recon_key_approver(&a, &p, listed,
							       &rule) < 0)
						need(&m, rule);
					if (recon_key_holder_eligible(
						&p, &rule) < 0)
						need(&m, rule);
				}
	if (m.n)
		fail_msg("%d message(s) without a Japanese translation in "
			 "po/ja.po:\n%s",
			 m.n, m.list);
	setenv("LANGUAGE", "en", 1);
	textdomain("cardtally");
}

/* ---- login, steps and the key against a real ledger ---- */

static void login_refuses_unknown_and_wrong_alike(void **state)
{
	struct testwf *f = *state;
	struct staff_rec who;
	struct wf_err e;
	char a[256], b[256];

	assert_int_equal(wf_login(f->l, "S02", "2222", 100, &who, &e), 0);
	assert_string_equal(who.code, "S02");
	assert_int_equal(wf_login(f->l, "X99", "2222", 100, &who, &e), 77);
	assert_int_equal(e.code, WF_E_LOGIN);
	wf_render("%s", &e, NULL, a, sizeof(a));
	assert_int_equal(wf_login(f->l, "S02", "9999", 100, &who, &e), 77);
	assert_int_equal(e.code, WF_E_LOGIN);
	wf_render("%s", &e, NULL, b, sizeof(b));
	assert_string_equal(a, "X99");
	assert_string_equal(b, "S02");
	assert_int_equal(wf_login(f->l, "S02", "12", 100, &who, &e), 65);
	assert_int_equal(e.code, WF_E_PIN_FORMAT);
}

static void a_locked_account_refuses_the_right_pin(void **state)
{
	struct testwf *f = *state;
	struct staff_rec who;
	struct wf_err e;

	for (int i = 1; i <= 4; i++) {
		assert_int_equal(wf_login(f->l, "S02", "0000", 100, &who, &e),
				 77);
		assert_int_equal(e.code, WF_E_LOGIN);
	}
	assert_int_equal(wf_login(f->l, "S02", "0000", 100, &who, &e), 77);
	assert_int_equal(e.code, WF_E_LOCKED_NOW);
	assert_int_equal(wf_login(f->l, "S02", "2222", 100, &who, &e), 77);
	assert_int_equal(e.code, WF_E_LOCKED);
	/* The refused right PIN did not reset the count nor unlock. */
	assert_int_equal(ledger_staff_get(f->l, "S02", &who), 0);
	assert_int_equal(who.locked, 1);
	assert_int_equal(who.failed_pins, 5);
}

/* The last audit row's action, staff and detail, "|"-joined. */
static int last_row(void *ctx, const struct audit_row *r)
{
	snprintf(ctx, 128, "%s|%s|%s", r->action, r->staff, r->detail);
	return 0;
}

static void a_logout_is_recorded_or_said_why_not(void **state)
{
	struct testwf *f = *state;
	struct wf_err e;
	char got[128] = "";

	assert_int_equal(wf_logout(f->l, &f->s02, "idle", 100, &e), 0);
	assert_int_equal(ledger_audit_list(f->l, 1, last_row, got), 0);
	assert_string_equal(got, "tui.logout|S02|idle");
	/* A ledger that cannot record it: the refusal says why. */
	assert_int_equal(ledger_read_only(f->l), 0);
	assert_int_not_equal(wf_logout(f->l, &f->s02, "quit", 110, &e), 0);
	assert_int_equal(e.code, WF_E_LEDGER);
	assert_int_equal(ledger_audit_list(f->l, 1, last_row, got), 0);
	assert_string_equal(got, "tui.logout|S02|idle");
}

static void steps_read_the_person_again(void **state)
{
	struct testwf *f = *state;
	struct wf_err e;

	assert_int_equal(wf_may(f->l, &wf_step_key_open, &f->s02, 100, &e),
			 0);
	assert_int_equal(wf_may(f->l, &wf_step_key_open, &f->p04, 100, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	/* Locked after the session began: the next step is refused. */
	for (int i = 0; i < 5; i++) {
		struct staff_rec who;

		wf_login(f->l, "S02", "0000", 100, &who, &e);
	}
	assert_int_equal(wf_may(f->l, &wf_step_key_open, &f->s02, 100, &e),
			 77);
	assert_int_equal(e.code, WF_E_LOCKED);
	/* wf_begin leaves no transaction open when it refuses. */
	assert_int_equal(wf_begin(f->l, &wf_step_key_close, &f->s02, 100, &e),
			 77);
	assert_int_equal(ledger_begin(f->l), 0);
	assert_int_equal(ledger_rollback(f->l), 0);
}

/*
 * wf_begin_memo: the checks of the last commit of a step stand (again = 1)
 * only while nobody has changed the ledger since and it is the same day,
 * for the same step and person; anything else reads them again.
 */
enum between {
	NOTHING,
	OTHER_COMMITS,	 /* another connection (process) writes */
	OWN_COMMITS,	 /* this connection writes outside the step */
	OWN_ROLLS_BACK,	 /* a write of this connection rolled back: none */
	OTHER_READS,	 /* another connection only reads */
	NEXT_DAY,	 /* 23:59:59 to 00:00:00 */
	OTHER_PERSON,	 /* the same step by someone else */
	OTHER_STEP,	 /* another step by the same person */
};

static void memo_holds_only_while_nothing_changed(void **state)
{
	static const struct {
		enum between what;
		int again;
	} cases[] = {
	    {NOTHING, 1},	{OTHER_COMMITS, 0}, {OWN_COMMITS, 0},
	    {OWN_ROLLS_BACK, 1}, {OTHER_READS, 1},   {NEXT_DAY, 0},
	    {OTHER_PERSON, 0},	{OTHER_STEP, 0},
	};
	struct testwf *f = *state;
	/* 2026-03-02 23:59:59 JST, and a second later the next day. */
	const int64_t late = 1772463599;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wf_step *step = &wf_step_key_open;
		const struct staff_rec *who = &f->s02;
		struct wf_memo m = {0};
		struct ledger *other;
		struct wf_err e;
		int64_t now = late;
		int again = -1, open = 0;
		char err[256];

		/* The first time: checked, committed, kept. */
		assert_int_equal(wf_begin_memo(f->l, step, who, now, &m,
					       &again, &e),
				 0);
		assert_int_equal(again, 0);
		assert_int_equal(ledger_commit(f->l), 0);
		wf_memo_keep(f->l, step, who, now, &m);
		switch (cases[i].what) {
		case OTHER_COMMITS:
		case OTHER_READS:
			assert_int_equal(
			    ledger_open(f->path, &other, err, sizeof(err)), 0);
			if (cases[i].what == OTHER_COMMITS)
				assert_int_equal(ledger_audit(other, f->m01.id,
							      now, "note",
							      "memo", "x"),
						 0);
			else
				assert_int_equal(ledger_safe_open(other, &open),
						 0);
			ledger_close(other);
			break;
		case OWN_COMMITS:
			assert_int_equal(ledger_audit(f->l, f->m01.id, now,
						      "note", "memo", "x"),
					 0);
			break;
		case OWN_ROLLS_BACK:
			assert_int_equal(ledger_begin(f->l), 0);
			assert_int_equal(ledger_audit(f->l, f->m01.id, now,
						      "note", "memo", "x"),
					 0);
			assert_int_equal(ledger_rollback(f->l), 0);
			break;
		case NEXT_DAY:
			now = late + 1;
			break;
		case OTHER_PERSON:
			who = &f->m01;
			break;
		case OTHER_STEP:
			step = &wf_step_key_close;
			break;
		case NOTHING:
			break;
		}
		/* The second time. */
		again = -1;
		assert_int_equal(
		    wf_begin_memo(f->l, step, who, now, &m, &again, &e), 0);
		if (again != cases[i].again)
			fail_msg("case %zu: again is %d, not %d", i, again,
				 cases[i].again);
		assert_int_equal(ledger_rollback(f->l), 0);
		/* Dropped when read again: kept only by wf_memo_keep. */
		if (!cases[i].again)
			assert_null(m.step);
	}
}

/* A refusal of the checks read again leaves nothing open, and the memo
 * does not outlive the change that caused it. */
static void memo_sees_a_lock_by_another_process(void **state)
{
	struct testwf *f = *state;
	struct wf_memo m = {0};
	struct ledger *other;
	struct wf_err e;
	char err[256];
	int again, locked = 0;

	assert_int_equal(
	    wf_begin_memo(f->l, &wf_step_key_open, &f->s02, 100, &m, &again, &e),
	    0);
	assert_int_equal(ledger_commit(f->l), 0);
	wf_memo_keep(f->l, &wf_step_key_open, &f->s02, 100, &m);
	assert_int_equal(ledger_open(f->path, &other, err, sizeof(err)), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ledger_staff_pin_result(other, f->s02.id, 0,
							 5, 100, &locked),
				 0);
	assert_int_equal(locked, 1);
	ledger_close(other);
	assert_int_equal(
	    wf_begin_memo(f->l, &wf_step_key_open, &f->s02, 100, &m, &again, &e),
	    77);
	assert_int_equal(e.code, WF_E_LOCKED);
	assert_null(m.step);
	assert_int_equal(ledger_begin(f->l), 0);
	assert_int_equal(ledger_rollback(f->l), 0);
}

static void the_key_needs_another_person_who_may_approve(void **state)
{
	struct testwf *f = *state;
	struct wf_key_opened o;
	struct key_opening_rec c;
	struct wf_err e;

	assert_int_equal(wf_key_open(f->l, &f->s02, NULL, NULL, "checkout",
				     100, &recon_default_key_rules, &o, &e),
			 77);
	assert_int_equal(e.code, WF_E_KEY_APPROVER_NEEDED);
	assert_int_equal(wf_key_open(f->l, &f->s02, "S02", "2222", "checkout",
				     100, &recon_default_key_rules, &o, &e),
			 77);
	assert_int_equal(e.code, WF_E_KEY_APPROVER_SELF);
	/* P04 is neither a key holder nor a manager. */
	assert_int_equal(wf_key_open(f->l, &f->s02, "P04", "4444", "checkout",
				     100, &recon_default_key_rules, &o, &e),
			 77);
	assert_int_equal(e.code, WF_E_KEY_APPROVER_RULE);
	assert_int_equal(wf_key_open(f->l, &f->p04, "M01", "1111", "checkout",
				     100, &recon_default_key_rules, &o, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_key_open(f->l, &f->s02, "M01", "1111", "", 100, &recon_default_key_rules, &o, &e),
			 65);
	assert_int_equal(e.code, WF_E_TEXT_LENGTH);
	assert_int_equal(wf_key_close(f->l, &f->s02, 100, &recon_default_key_rules, &c, &e), 65);
	assert_int_equal(e.code, WF_E_KEY_NOT_OPEN);
	/* A manager approves; a second opening waits for the close. */
	assert_int_equal(wf_key_open(f->l, &f->s02, "M01", "1111", "checkout",
				     100, &recon_default_key_rules, &o, &e),
			 0);
	assert_int_equal(o.order, 0);
	assert_string_equal(o.approver.code, "M01");
	assert_string_equal(o.approver.pin_hash, "");
	assert_int_equal(wf_key_open(f->l, &f->s02, "M01", "1111", "again",
				     110, &recon_default_key_rules, &o, &e),
			 65);
	assert_int_equal(e.code, WF_E_KEY_OPEN_ALREADY);
	/* Anyone may close, part-time staff too. */
	assert_int_equal(wf_key_close(f->l, &f->p04, 120, &recon_default_key_rules, &c, &e), 0);
	assert_string_equal(c.closed_by, "P04");
}

static void key_holders_are_staff_or_managers(void **state)
{
	struct testwf *f = *state;
	struct wf_key_opened o;
	struct wf_err e;
	int order;

	assert_int_equal(wf_key_holder_add(f->l, &f->s02, "S02", 1, 100, &e),
			 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(wf_key_holder_add(f->l, &f->m01, "P04", 1, 100, &e),
			 65);
	assert_int_equal(e.code, WF_E_KEY_HOLDER_RULE);
	assert_int_equal(wf_key_holder_add(f->l, &f->m01, "X9", 1, 100, &e),
			 65);
	assert_int_equal(e.code, WF_E_NO_STAFF);
	assert_int_equal(wf_key_holder_add(f->l, &f->m01, "S02", 1, 100, &e),
			 0);
	assert_int_equal(ledger_key_holder_order(f->l, f->s02.id, &order), 0);
	assert_int_equal(order, 1);
	/* The refusal names who holds the place, or the place held. */
	assert_int_equal(wf_key_holder_add(f->l, &f->m01, "M01", 1, 100, &e),
			 65);
	assert_int_equal(e.code, WF_E_KEY_ORDER_TAKEN);
	assert_string_equal(e.arg[0], "1");
	assert_string_equal(e.arg[1], "S02");
	assert_int_equal(wf_key_holder_add(f->l, &f->m01, "S02", 2, 100, &e),
			 65);
	assert_int_equal(e.code, WF_E_KEY_HOLDER_IS);
	assert_string_equal(e.arg[0], "S02");
	assert_string_equal(e.arg[1], "1");
	assert_int_equal(ledger_key_holder_order(f->l, f->s02.id, &order), 0);
	assert_int_equal(order, 1);
	/* A key holder who is staff may approve. */
	assert_int_equal(wf_key_open(f->l, &f->m01, "S02", "2222", "count",
				     100, &recon_default_key_rules, &o, &e),
			 0);
	assert_int_equal(o.order, 1);
}

static int count_handovers(const struct key_handover_rec *h, void *ctx)
{
	int *n = ctx;

	(void)h;
	(*n)++;
	return 0;
}

static void the_key_passes_from_its_holder_to_another(void **state)
{
	struct testwf *f = *state;
	struct wf_key_opened o;
	struct wf_key_handed h;
	struct key_opening_rec cur;
	struct wf_err e;
	int n = 0;

	/* Nothing to hand over while the safe is closed; no receiver, or
	 * oneself, refused before any PIN is looked at. */
	assert_int_equal(
	    wf_key_handover(f->l, &f->s02, "M01", "1111", 100, &h, &e), 65);
	assert_int_equal(e.code, WF_E_KEY_NOT_OPEN);
	assert_int_equal(wf_key_handover(f->l, &f->s02, "", "", 100, &h, &e),
			 77);
	assert_int_equal(e.code, WF_E_KEY_RECEIVER_NEEDED);
	assert_int_equal(
	    wf_key_handover(f->l, &f->s02, "s02", "0000", 100, &h, &e), 77);
	assert_int_equal(e.code, WF_E_KEY_HANDOVER_SELF);
	assert_int_equal(wf_key_open(f->l, &f->s02, "M01", "1111", "pickups",
				     100, &recon_default_key_rules, &o, &e),
			 0);
	assert_int_equal(ledger_key_current(f->l, &cur), 0);
	assert_string_equal(cur.held_by, "S02");
	/* Only the holder hands it over; never to a part-timer; the
	 * receiver's PIN must be right. */
	assert_int_equal(
	    wf_key_handover(f->l, &f->s03, "M01", "1111", 110, &h, &e), 77);
	assert_int_equal(e.code, WF_E_KEY_HANDOVER_RULE);
	assert_string_equal(e.arg[2], "only the person who holds the key may "
				      "hand it over");
	assert_int_equal(
	    wf_key_handover(f->l, &f->s02, "P04", "4444", 110, &h, &e), 77);
	assert_int_equal(e.code, WF_E_KEY_HANDOVER_RULE);
	assert_int_equal(
	    wf_key_handover(f->l, &f->s02, "S03", "9999", 110, &h, &e), 77);
	assert_int_equal(e.code, WF_E_LOGIN);
	assert_int_equal(ledger_key_handover_each(f->l, 0, count_handovers, &n),
			 0);
	assert_int_equal(n, 0);
	/* S02 to S03, then S03 on to M01: the key log follows it. */
	assert_int_equal(
	    wf_key_handover(f->l, &f->s02, "S03", "3333", 110, &h, &e), 0);
	assert_int_equal(h.opening, o.id);
	assert_string_equal(h.receiver.code, "S03");
	assert_string_equal(h.receiver.pin_hash, "");
	assert_int_equal(ledger_key_current(f->l, &cur), 0);
	assert_string_equal(cur.held_by, "S03");
	assert_string_equal(cur.opened_by, "S02");
	assert_int_equal(
	    wf_key_handover(f->l, &f->s02, "M01", "1111", 120, &h, &e), 77);
	assert_int_equal(
	    wf_key_handover(f->l, &f->s03, "M01", "1111", 120, &h, &e), 0);
	assert_int_equal(ledger_key_current(f->l, &cur), 0);
	assert_string_equal(cur.held_by, "M01");
	assert_int_equal(ledger_key_handover_each(f->l, o.id, count_handovers,
						  &n),
			 0);
	assert_int_equal(n, 2);
}

static void a_staff_code_is_found_in_any_case(void **state)
{
	struct testwf *f = *state;
	struct staff_rec who;
	struct wf_err e;

	assert_int_equal(wf_login(f->l, "m01", "1111", 100, &who, &e), 0);
	assert_string_equal(who.code, "M01");
	/* Two codes that differ in case alone: only the exact one. */
	assert_int_equal(ledger_staff_add(f->l, "m01", "Other", ROLE_STAFF,
					  f->m01.pin_hash, f->m01.id, 100),
			 0);
	assert_int_equal(ledger_staff_get(f->l, "m01", &who), 0);
	assert_string_equal(who.name, "Other");
	assert_int_equal(ledger_staff_get(f->l, "M01", &who), 0);
	assert_int_equal(who.id, f->m01.id);
	assert_int_equal(ledger_staff_get(f->l, "s02", &who), 0);
	assert_string_equal(who.code, "S02");
	assert_int_equal(ledger_staff_get(f->l, "X01", &who),
			 LEDGER_ERR_NOTFOUND);
}

static void removing_a_key_holder_keeps_the_others_order(void **state)
{
	struct testwf *f = *state;
	struct wf_err e;
	int order;

	assert_int_equal(wf_key_holder_add(f->l, &f->m01, "S02", 1, 100, &e),
			 0);
	assert_int_equal(wf_key_holder_add(f->l, &f->m01, "S03", 2, 100, &e),
			 0);
	assert_int_equal(
	    wf_key_holder_remove(f->l, &f->s02, "S03", 110, &order, &e), 77);
	assert_int_equal(e.code, WF_E_PERMISSION);
	assert_int_equal(
	    wf_key_holder_remove(f->l, &f->m01, "P04", 110, &order, &e), 65);
	assert_int_equal(e.code, WF_E_KEY_NOT_HOLDER);
	assert_int_equal(
	    wf_key_holder_remove(f->l, &f->m01, "X9", 110, &order, &e), 65);
	assert_int_equal(e.code, WF_E_NO_STAFF);
	assert_int_equal(
	    wf_key_holder_remove(f->l, &f->m01, "S02", 110, &order, &e), 0);
	assert_int_equal(order, 1);
	assert_int_equal(ledger_key_holder_order(f->l, f->s02.id, &order),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_key_holder_order(f->l, f->s03.id, &order), 0);
	assert_int_equal(order, 2);
	/* Named again later, at a free order. */
	assert_int_equal(wf_key_holder_add(f->l, &f->m01, "S02", 1, 120, &e),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(codes_are_unique_and_have_messages),
	    cmocka_unit_test(render_fills_arguments_in_order_and_by_position),
	    cmocka_unit_test(render_cuts_on_a_character_boundary),
	    cmocka_unit_test(render_translates_the_quoted_words),
	    cmocka_unit_test(every_refusal_has_a_japanese_translation),
	    cmocka_unit_test_setup_teardown(
		login_refuses_unknown_and_wrong_alike, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(
		a_locked_account_refuses_the_right_pin, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(
		a_logout_is_recorded_or_said_why_not, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(steps_read_the_person_again,
					    testwf_setup, testwf_teardown),
	    cmocka_unit_test_setup_teardown(
		memo_holds_only_while_nothing_changed, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(memo_sees_a_lock_by_another_process,
					    testwf_setup, testwf_teardown),
	    cmocka_unit_test_setup_teardown(
		the_key_needs_another_person_who_may_approve, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(key_holders_are_staff_or_managers,
					    testwf_setup, testwf_teardown),
	    cmocka_unit_test_setup_teardown(
		the_key_passes_from_its_holder_to_another, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(
		removing_a_key_holder_keeps_the_others_order, testwf_setup,
		testwf_teardown),
	    cmocka_unit_test_setup_teardown(a_staff_code_is_found_in_any_case,
					    testwf_setup, testwf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
