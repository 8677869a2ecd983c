/*
 * Unit tests of reconcile/: the classification of one read, the session
 * report, the disposal-due rule and the permission matrix.  Pure functions,
 * so every case builds its count_data by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../reconcile/recon.h"

static int32_t day(const char *s)
{
	int32_t d;

	assert_int_equal(date_parse(s, strlen(s), &d), 0);
	return d;
}

/* ---- builders ---- */

static void add_range(struct count_data *d, const char *path)
{
	struct count_range *r =
	    realloc(d->ranges, (d->nranges + 1) * sizeof(*r));

	assert_non_null(r);
	d->ranges = r;
	memset(&r[d->nranges], 0, sizeof(*r));
	r[d->nranges].path = count_data_strdup(d, path, strlen(path));
	r[d->nranges].location_id = (int64_t)d->nranges + 1;
	d->nranges++;
}

static int32_t add_card(struct count_data *d, const char *mgmt,
			const char *serial, const char *loc,
			enum card_status st, int32_t reminder)
{
	struct count_card *c = count_data_add_card(d);

	assert_non_null(c);
	c->id = (int64_t)d->ncards;
	c->mgmt_id = count_data_strdup(d, mgmt, strlen(mgmt));
	c->serial = count_data_strdup(d, serial, strlen(serial));
	c->location = count_data_strdup(d, loc, strlen(loc));
	c->home_range = -1;
	for (size_t i = 0; i < d->nranges; i++)
		if (location_within(loc, d->ranges[i].path))
			c->home_range = (int32_t)i;
	c->status = st;
	c->reminder_sent = reminder;
	return (int32_t)(d->ncards - 1);
}

static void add_scan(struct count_data *d, int32_t card, const char *serial,
		     int32_t range, int repeat)
{
	struct count_scan *s = count_data_add_scan(d);

	assert_non_null(s);
	s->card = card;
	s->serial = card >= 0 ? d->cards[card].serial
			      : count_data_strdup(d, serial, strlen(serial));
	s->range = range;
	s->at = 1000 + (int64_t)d->nscans;
	s->repeat = repeat;
}

/* ---- classification of one read ---- */

static void classify_precedence(void **state)
{
	struct recon_read r = {.known = 1,
			       .status = CARD_STORED,
			       .in_range = 1,
			       .reminder_sent = DATE_NONE};
	int32_t today = day("2026-11-23");
	enum recon_why why;

	(void)state;
	assert_int_equal(recon_classify(&r, today, &recon_default_rules, &why),
			 RECON_ACCEPTED);
	assert_int_equal(why, WHY_NONE);

	/* A repeat is a repeat whatever else is true of the card. */
	r.seen_before = 1;
	r.in_range = 0;
	assert_int_equal(recon_classify(&r, today, &recon_default_rules, &why),
			 RECON_REPEAT);
	assert_int_equal(why, WHY_NONE);
	r.seen_before = 0;

	assert_int_equal(recon_classify(&r, today, &recon_default_rules, &why),
			 RECON_ALERT);
	assert_int_equal(why, WHY_MISPLACED);

	/* Issued beats misplaced: the card should not exist at all. */
	r.status = CARD_ISSUED;
	assert_int_equal(recon_classify(&r, today, &recon_default_rules, &why),
			 RECON_ALERT);
	assert_int_equal(why, WHY_NOT_IN_STOCK);
	r.status = CARD_DISPOSED;
	recon_classify(&r, today, &recon_default_rules, &why);
	assert_int_equal(why, WHY_NOT_IN_STOCK);
	r.status = CARD_CHECKED_OUT;
	recon_classify(&r, today, &recon_default_rules, &why);
	assert_int_equal(why, WHY_NOT_IN_STOCK);

	r.known = 0;
	assert_int_equal(recon_classify(&r, today, &recon_default_rules, &why),
			 RECON_ALERT);
	assert_int_equal(why, WHY_UNKNOWN);
}

static void classify_disposal_due(void **state)
{
	struct recon_read r = {
	    .known = 1, .status = CARD_STORED, .in_range = 1};
	enum recon_why why;

	(void)state;
	/* Reminder sent 2026-08-25: due on 2026-11-23 (day 90), not before. */
	r.reminder_sent = day("2026-08-25");
	assert_int_equal(
	    recon_classify(&r, day("2026-11-22"), &recon_default_rules, &why),
	    RECON_ACCEPTED);
	assert_int_equal(
	    recon_classify(&r, day("2026-11-23"), &recon_default_rules, &why),
	    RECON_ALERT);
	assert_int_equal(why, WHY_DISPOSAL_DUE);

	r.reminder_sent = DATE_NONE;
	r.status = CARD_MOVED;
	recon_classify(&r, day("2026-11-23"), &recon_default_rules, &why);
	assert_int_equal(why, WHY_DISPOSAL_DUE);
	assert_string_equal(recon_why_name(why), "disposal_due");
}

static void disposal_due_rule(void **state)
{
	struct recon_rules rules = {.reminder_days = 30};
	int32_t since;

	(void)state;
	assert_int_equal(recon_disposal_due(CARD_STORED, day("2026-01-01"),
					    day("2026-01-31"), &rules, &since),
			 DUE_REMINDER);
	assert_int_equal(since, day("2026-01-31"));
	assert_int_equal(recon_disposal_due(CARD_STORED, day("2026-01-01"),
					    day("2026-01-30"), &rules, &since),
			 DUE_NOT);
	assert_int_equal(recon_disposal_due(CARD_STORED, DATE_NONE,
					    day("2030-01-01"), &rules, &since),
			 DUE_NOT);
	assert_int_equal(
	    recon_disposal_due(CARD_DECEASED, DATE_NONE, 0, &rules, &since),
	    DUE_DECEASED);
	assert_int_equal(since, DATE_NONE);
	assert_int_equal(
	    recon_disposal_due(CARD_CANCELLED, DATE_NONE, 0, &rules, &since),
	    DUE_CANCELLED);
	/* An issued card is never due, whatever its reminder date. */
	assert_int_equal(recon_disposal_due(CARD_ISSUED, day("2020-01-01"),
					    day("2026-01-01"), &rules, &since),
			 DUE_NOT);
}

/*
 * The default rule (90 days) at the day boundary: the reminder day + 89 is
 * not due, + 90 is due since that very day; a shorter configured rule moves
 * the boundary with it.
 */
static void disposal_due_default_boundary(void **state)
{
	struct recon_rules rules = recon_default_rules;
	int32_t since = 0, sent = day("2026-08-25");

	(void)state;
	assert_int_equal(rules.reminder_days, 90);
	assert_int_equal(
	    recon_disposal_due(CARD_STORED, sent, sent + 89, &rules, &since),
	    DUE_NOT);
	assert_int_equal(since, DATE_NONE);
	assert_int_equal(recon_disposal_due(CARD_STORED, sent,
					    day("2026-11-23"), &rules, &since),
			 DUE_REMINDER);
	assert_int_equal(since, day("2026-11-23"));
	assert_int_equal(
	    recon_disposal_due(CARD_STORED, sent, sent + 400, &rules, &since),
	    DUE_REMINDER);
	assert_int_equal(since, sent + 90); /* since stays the first day */
	rules.reminder_days = 60;
	assert_int_equal(
	    recon_disposal_due(CARD_STORED, sent, sent + 59, &rules, &since),
	    DUE_NOT);
	assert_int_equal(
	    recon_disposal_due(CARD_STORED, sent, sent + 60, &rules, &since),
	    DUE_REMINDER);
	/* Status reasons do not wait for a reminder, and win over it. */
	assert_int_equal(
	    recon_disposal_due(CARD_MOVED, sent, sent + 1, &rules, &since),
	    DUE_MOVED);
	assert_int_equal(since, DATE_NONE);
	/* Disposed or checked out: nothing left in the safe to dispose. */
	assert_int_equal(
	    recon_disposal_due(CARD_DISPOSED, sent, sent + 400, &rules, &since),
	    DUE_NOT);
	assert_int_equal(recon_disposal_due(CARD_CHECKED_OUT, sent, sent + 400,
					    &rules, &since),
			 DUE_NOT);
	assert_string_equal(recon_due_why_name(DUE_REMINDER), "reminder");
	assert_string_equal(recon_due_why_name(DUE_MOVED), "moved");
	assert_string_equal(recon_due_why_name(DUE_DECEASED), "deceased");
	assert_string_equal(recon_due_why_name(DUE_CANCELLED), "cancelled");
}

/* Unknown since first, then by day, then by management ID. */
static void disposal_due_order(void **state)
{
	struct recon_due_item v[] = {
	    {"B2", DUE_REMINDER, 20},	     {"A9", DUE_REMINDER, 10},
	    {"C1", DUE_MOVED, DATE_NONE},    {"B1", DUE_REMINDER, 20},
	    {"A1", DUE_DECEASED, DATE_NONE},
	};
	const char *want[] = {"A1", "C1", "A9", "B1", "B2"};

	(void)state;
	recon_due_sort(v, 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(v[i].mgmt_id, want[i]);
	recon_due_sort(v, 0);
}

/* ---- the session report ---- */

static void report_categories(void **state)
{
	struct count_data d = {0};
	struct recon_report r;
	int32_t today = day("2026-11-23");

	(void)state;
	add_range(&d, "S/A");
	add_range(&d, "S/B");
	int32_t a1 = add_card(&d, "M03", "A1", "S/A", CARD_STORED, DATE_NONE);
	int32_t a2 = add_card(&d, "M01", "A2", "S/A", CARD_STORED, DATE_NONE);
	int32_t a3 = add_card(&d, "M02", "A3", "S/A", CARD_STORED, DATE_NONE);
	int32_t b1 = add_card(&d, "M04", "B1", "S/B", CARD_STORED, DATE_NONE);
	int32_t b2 = add_card(&d, "M05", "B2", "S/B", CARD_MOVED, DATE_NONE);
	int32_t co =
	    add_card(&d, "M06", "C1", "S/B", CARD_CHECKED_OUT, DATE_NONE);
	int32_t is = add_card(&d, "M07", "I1", "S/A", CARD_ISSUED, DATE_NONE);
	int32_t out = add_card(&d, "M08", "O1", "T/Z", CARD_STORED, DATE_NONE);

	add_scan(&d, a1, NULL, 0, 0);
	add_scan(&d, a1, NULL, 0, 1); /* recorded repeat */
	add_scan(&d, a3, NULL, 1, 0); /* A's card in B */
	add_scan(&d, b1, NULL, 1, 0);
	add_scan(&d, b2, NULL, 1, 0);	/* due for disposal */
	add_scan(&d, is, NULL, 0, 0);	/* issued, yet here */
	add_scan(&d, -1, "FF01", 1, 0); /* unknown */
	add_scan(&d, out, NULL, 0, 0);	/* from a range not counted */
	add_scan(&d, b1, NULL, 0, 0);	/* unmarked second read */

	assert_int_equal(recon_run(&d, today, &recon_default_rules, &r), 0);
	assert_int_equal(r.expected, 5); /* a1 a2 a3 b1 b2 */
	assert_int_equal(r.seen, 7);
	assert_int_equal(r.ok, 3); /* a1 b1 b2 */
	assert_int_equal(r.repeats, 2);
	assert_int_equal(r.range_expected[0], 3);
	assert_int_equal(r.range_ok[0], 1);
	assert_int_equal(r.range_expected[1], 2);
	assert_int_equal(r.range_ok[1], 2);

	assert_int_equal(r.nmissing, 1);
	assert_int_equal(r.missing[0], a2);
	/* Sorted by management ID: M02 (a3) before M08 (out). */
	assert_int_equal(r.nmisplaced, 2);
	assert_int_equal(r.misplaced[0].card, a3);
	assert_int_equal(r.misplaced[0].range, 1);
	assert_int_equal(r.misplaced[1].card, out);
	assert_int_equal(r.nextra, 1);
	assert_string_equal(d.scans[r.extra[0]].serial, "FF01");
	assert_int_equal(r.nnot_in_stock, 1);
	assert_int_equal(r.not_in_stock[0].card, is);
	assert_int_equal(r.ndisposal_due, 1);
	assert_int_equal(r.disposal_due[0].card, b2);
	assert_int_equal(r.disposal_due[0].why, DUE_MOVED);
	assert_int_equal(r.nchecked_out, 1);
	assert_int_equal(r.checked_out[0], co);
	assert_true(recon_has_discrepancy(&r));
	recon_report_free(&r);
	count_data_free(&d);
}

/*
 * A partial count over two ranges: a card of range A found in range B is
 * misplaced, never missing (the "all or nothing" flaw of Koha's inventory).
 */
static void partial_count_never_missing_when_seen_elsewhere(void **state)
{
	struct count_data d = {0};
	struct recon_report r;

	(void)state;
	add_range(&d, "SAFE1/S1/T01");
	add_range(&d, "SAFE1/S1/T02");
	int32_t c =
	    add_card(&d, "M1", "01", "SAFE1/S1/T01", CARD_STORED, DATE_NONE);
	add_card(&d, "M2", "02", "SAFE1/S1/T02", CARD_STORED, DATE_NONE);
	add_scan(&d, 1, NULL, 1, 0);
	add_scan(&d, c, NULL, 1, 0);
	assert_int_equal(recon_run(&d, 0, &recon_default_rules, &r), 0);
	assert_int_equal(r.nmissing, 0);
	assert_int_equal(r.nmisplaced, 1);
	assert_int_equal(r.misplaced[0].card, c);
	assert_int_equal(r.ok, 1);
	recon_report_free(&r);
	count_data_free(&d);
}

static void clean_count_has_no_discrepancy(void **state)
{
	struct count_data d = {0};
	struct recon_report r;

	(void)state;
	add_range(&d, "T");
	for (int i = 0; i < 100; i++) {
		char m[16], s[16];

		snprintf(m, sizeof(m), "M%03d", i);
		snprintf(s, sizeof(s), "%04X", i);
		add_scan(&d, add_card(&d, m, s, "T", CARD_STORED, DATE_NONE),
			 NULL, 0, 0);
	}
	assert_int_equal(recon_run(&d, 0, &recon_default_rules, &r), 0);
	assert_int_equal(r.expected, 100);
	assert_int_equal(r.ok, 100);
	assert_int_equal(r.seen, 100);
	assert_false(recon_has_discrepancy(&r));
	recon_report_free(&r);
	count_data_free(&d);
}

static void empty_session(void **state)
{
	struct count_data d = {0};
	struct recon_report r;

	(void)state;
	assert_int_equal(recon_run(&d, 0, &recon_default_rules, &r), 0);
	assert_int_equal(r.expected, 0);
	assert_false(recon_has_discrepancy(&r));
	recon_report_free(&r);
	count_data_free(&d);
}

/* ---- permissions ---- */

static void permission_matrix(void **state)
{
	const char *rule;

	(void)state;
	for (int a = 0; a < ACT_COUNT; a++)
		assert_int_equal(recon_permit(ROLE_MANAGER, a, &rule), 0);
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_SCAN, &rule), 0);
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_IMPORT, &rule), -1);
	assert_non_null(strstr(rule, "part-time"));
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_COUNT_CLOSE, &rule),
			 -1);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_STAFF_ADD, &rule), -1);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_STAFF_UNLOCK, &rule), -1);
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_STAFF_UNLOCK, &rule),
			 -1);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_WITNESS, &rule), -1);
	assert_non_null(strstr(rule, "manager"));
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_IMPORT, &rule), 0);
	assert_int_equal(recon_permit(ROLE_COUNT, ACT_SCAN, &rule), -1);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_DISPOSE, &rule), 0);
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_DISPOSE, &rule), -1);
	assert_non_null(strstr(rule, "dispose"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(classify_precedence),
	    cmocka_unit_test(classify_disposal_due),
	    cmocka_unit_test(disposal_due_rule),
	    cmocka_unit_test(disposal_due_default_boundary),
	    cmocka_unit_test(disposal_due_order),
	    cmocka_unit_test(report_categories),
	    cmocka_unit_test(partial_count_never_missing_when_seen_elsewhere),
	    cmocka_unit_test(clean_count_has_no_discrepancy),
	    cmocka_unit_test(empty_session),
	    cmocka_unit_test(permission_matrix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
