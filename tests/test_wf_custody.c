/*
 * Unit tests of the custody workflow (scanner/workflow/wf_custody.c)
 * against a real ledger file: one step names each card or terminal once,
 * for every movement alike and however the item was named, and a move
 * takes an item somewhere else; a refused step writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../data/ledger.h"
#include "../scanner/workflow/wf.h"
#include "testwf.h"

/* 2026-03-02 10:00 in Tokyo. */
#define NOW 1772413200

static const char stock[] = "mgmt_id,serial,location,received\n"
			    "A101,04A101,SAFE1/T01,2025-06-01\n"
			    "A102,04A102,SAFE1/T01,2025-06-01\n"
			    "A201,04A201,SAFE1/T02,2025-06-01\n";

static int setup(void **state)
{
	struct testwf *f;
	struct wf_err e;
	int64_t id;

	if (testwf_setup(state) != 0)
		return -1;
	f = *state;
	testwf_stock(f, &f->m01, stock, NOW);
	assert_int_equal(wf_asset_add(f->l, &f->m01, "TERM1", "Terminal 1",
				      "04FFEE01", "SAFE1/SHELF", NOW, &id, NULL,
				      &e),
			 0);
	return 0;
}

static int count_row(void *ctx, const struct audit_row *r)
{
	(void)r;
	(*(int64_t *)ctx)++;
	return 0;
}

/* The number of audit entries: what a refused step must leave alone. */
static int64_t audit_rows(struct testwf *f)
{
	int64_t n = 0;

	assert_int_equal(ledger_audit_list(f->l, 0, count_row, &n), 0);
	return n;
}

/* "status@location" of the card or terminal called name ("unknown"). */
static const char *where(struct testwf *f, const char *name, char *buf,
			 size_t cap)
{
	struct custody_item it;
	int rc = ledger_custody_find(f->l, name, &it);

	if (rc == LEDGER_ERR_NOTFOUND) {
		snprintf(buf, cap, "unknown");
		return buf;
	}
	assert_int_equal(rc, 0);
	snprintf(buf, cap, "%s@%s", card_status_name(it.status), it.location);
	return buf;
}

/* Movement k of names by S02, refused with code; its arguments 0 and 1
 * are what0 and what1 (NULL: no second argument); nothing is written. */
static void refused(struct testwf *f, enum custody_kind k,
		    const char *const *names, size_t n, enum custody_by by,
		    const char *to, enum wf_code code, const char *what0,
		    const char *what1)
{
	int64_t before = audit_rows(f);
	char was[4][160], now[160];
	struct wf_moved moved;
	struct wf_err e;

	assert_true(n <= 4);
	for (size_t i = 0; i < n; i++)
		if (by != CUSTODY_BY_SERIAL)
			where(f, names[i], was[i], sizeof(was[i]));
	assert_int_equal(wf_custody_move(f->l, &f->s02, k, names, n, by, to,
					 DATE_NONE, NOW, &moved, &e),
			 65);
	assert_int_equal(e.code, code);
	assert_string_equal(e.arg[0], what0);
	if (what1)
		assert_string_equal(e.arg[1], what1);
	assert_null(moved.v);
	assert_int_equal(moved.n, 0);
	assert_int_equal(audit_rows(f), before);
	for (size_t i = 0; i < n; i++)
		if (by != CUSTODY_BY_SERIAL)
			assert_string_equal(
			    where(f, names[i], now, sizeof(now)), was[i]);
}

static void moved_ok(struct testwf *f, enum custody_kind k,
		     const char *const *names, size_t n, const char *to)
{
	assert_int_equal(testwf_move(f, k, names, n, to, NOW), n);
}

/* The same refusal, worded alike, for the four movements: the item named
 * twice is refused before any state rule looks at it (checkout used to
 * say "checked out already" of a card in storage). */
static void each_item_is_named_once(void **state)
{
	struct testwf *f = *state;
	const char *twice[] = {"A101", "A101"};
	const char *later[] = {"A102", "A101", "TERM1", "A101"};
	const char *term[] = {"TERM1", "04FFEE01"};
	const char *either[] = {"A101", "04A101"};
	const char *serials[] = {"04A101", "04A101"};
	const char *a101[] = {"A101"};

	refused(f, CUSTODY_CHECKOUT, twice, 2, CUSTODY_BY_NAME, NULL,
		WF_E_CUSTODY_TWICE, "card", "A101");
	refused(f, CUSTODY_MOVE, twice, 2, CUSTODY_BY_NAME, "SAFE1/T02",
		WF_E_CUSTODY_TWICE, "card", "A101");
	/* Named again after other items: still nothing moves. */
	refused(f, CUSTODY_CHECKOUT, later, 4, CUSTODY_BY_NAME, NULL,
		WF_E_CUSTODY_TWICE, "card", "A101");
	/* A terminal by its code and by its tag is one terminal. */
	refused(f, CUSTODY_CHECKOUT, term, 2, CUSTODY_BY_NAME, NULL,
		WF_E_CUSTODY_TWICE, "terminal", "TERM1");
	/* A card by its management ID and by its number (a barcode). */
	refused(f, CUSTODY_CHECKOUT, either, 2, CUSTODY_BY_EITHER, NULL,
		WF_E_CUSTODY_TWICE, "card", "A101");
	/* A reader's serial twice. */
	refused(f, CUSTODY_CHECKOUT, serials, 2, CUSTODY_BY_SERIAL, NULL,
		WF_E_CUSTODY_TWICE, "card", "A101");
	/* Checked out: return and issue refuse a repeat alike. */
	moved_ok(f, CUSTODY_CHECKOUT, a101, 1, NULL);
	refused(f, CUSTODY_RETURN, twice, 2, CUSTODY_BY_NAME, NULL,
		WF_E_CUSTODY_TWICE, "card", "A101");
	refused(f, CUSTODY_ISSUE, twice, 2, CUSTODY_BY_NAME, NULL,
		WF_E_CUSTODY_TWICE, "card", "A101");
	/* Every name is looked up first: an unknown one is said before a
	 * repeat. */
	{
		const char *unknown[] = {"A101", "A101", "X999"};

		refused(f, CUSTODY_ISSUE, unknown, 3, CUSTODY_BY_NAME, NULL,
			WF_E_CUSTODY_UNKNOWN, "X999", NULL);
	}
	/* Once each, the step goes through. */
	moved_ok(f, CUSTODY_ISSUE, a101, 1, NULL);
}

/* A move to where the item is already is refused, naming the place. */
static void a_move_goes_somewhere_else(void **state)
{
	struct testwf *f = *state;
	const char *a101[] = {"A101"}, *both[] = {"A201", "A101"};
	const char *term[] = {"TERM1"};
	char buf[160];

	refused(f, CUSTODY_MOVE, a101, 1, CUSTODY_BY_NAME, "SAFE1/T01",
		WF_E_MOVE_HERE, "card", "A101");
	/* One of several: none moves. */
	refused(f, CUSTODY_MOVE, both, 2, CUSTODY_BY_NAME, "SAFE1/T01",
		WF_E_MOVE_HERE, "card", "A101");
	assert_string_equal(where(f, "A201", buf, sizeof(buf)),
			    "stored@SAFE1/T02");
	refused(f, CUSTODY_MOVE, term, 1, CUSTODY_BY_NAME, "SAFE1/SHELF",
		WF_E_MOVE_HERE, "terminal", "TERM1");
	/* Somewhere else, and back again: two moves. */
	moved_ok(f, CUSTODY_MOVE, a101, 1, "SAFE1/T02");
	assert_string_equal(where(f, "A101", buf, sizeof(buf)),
			    "stored@SAFE1/T02");
	moved_ok(f, CUSTODY_MOVE, a101, 1, "SAFE1/T01");
	assert_string_equal(where(f, "A101", buf, sizeof(buf)),
			    "stored@SAFE1/T01");
	/* An unknown place is said as before. */
	refused(f, CUSTODY_MOVE, a101, 1, CUSTODY_BY_NAME, "SAFE9/NOWHERE",
		WF_E_CUSTODY_NO_LOCATION, "SAFE9/NOWHERE", NULL);
}

/*
 * A terminal is registered only under a code and a tag that name nothing
 * else (R11): each refusal names what the code or tag names already, and
 * writes nothing; a location made for it is said.
 */
static void a_terminal_names_one_thing(void **state)
{
	static const struct {
		const char *code, *tag, *location;
		enum wf_code want;
		const char *arg0, *arg1;
	} t[] = {
	    {"TERM 2", NULL, "SAFE1/T01", WF_E_ASSET_CODE, "TERM 2", NULL},
	    {"A101", NULL, "SAFE1/T01", WF_E_ASSET_CODE_IS_CARD, "A101", NULL},
	    {"TERM1", NULL, "SAFE1/T01", WF_E_ASSET_CODE_TAKEN, "TERM1", NULL},
	    {"TERM2", "04XY", "SAFE1/T01", WF_E_ASSET_TAG, "04XY", "64"},
	    /* a tag as typed, compared as read (upper case) */
	    {"TERM2", "04a102", "SAFE1/T01", WF_E_ASSET_TAG_IS_CARD, "04A102",
	     "A102"},
	    {"TERM2", "04ffee01", "SAFE1/T01", WF_E_ASSET_TAG_TAKEN,
	     "04FFEE01", "TERM1"},
	    {"TERM2", NULL, "SAFE1//T01", WF_E_ASSET_LOCATION, "SAFE1//T01",
	     NULL},
	};
	struct testwf *f = *state;
	int64_t before = audit_rows(f), id;
	struct wf_err e;
	char buf[64];
	int fresh = -1;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(wf_asset_add(f->l, &f->m01, t[i].code, "T",
					      t[i].tag, t[i].location, NOW, &id,
					      &fresh, &e),
				 65);
		if (e.code != t[i].want)
			fail_msg("row %zu: code %d, want %d", i, e.code,
				 t[i].want);
		assert_string_equal(e.arg[0], t[i].arg0);
		if (t[i].arg1)
			assert_string_equal(e.arg[1], t[i].arg1);
	}
	assert_int_equal(audit_rows(f), before);
	assert_string_equal(where(f, "TERM2", buf, sizeof(buf)), "unknown");
	/* Where cards lie already: no new location. */
	assert_int_equal(wf_asset_add(f->l, &f->m01, "TERM2", "T", "04ee02",
				      "SAFE1/T01", NOW, &id, &fresh, &e),
			 0);
	assert_int_equal(fresh, 0);
	/* A place nobody named before is made, and said. */
	assert_int_equal(wf_asset_add(f->l, &f->m01, "TERM3", "T", NULL,
				      "SAFE1/TERMINLAS", NOW, &id, &fresh, &e),
			 0);
	assert_int_equal(fresh, 1);
	assert_string_equal(where(f, "TERM3", buf, sizeof(buf)),
			    "stored@SAFE1/TERMINLAS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(each_item_is_named_once, setup,
					    testwf_teardown),
	    cmocka_unit_test_setup_teardown(a_move_goes_somewhere_else, setup,
					    testwf_teardown),
	    cmocka_unit_test_setup_teardown(a_terminal_names_one_thing, setup,
					    testwf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
