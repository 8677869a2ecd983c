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

/*
 * The cutoff a ledger counts due cards with (status): a stored card is due
 * exactly when its reminder day is on or before the cutoff, the rule's own
 * answer on either side of it, for each day count.
 */
static void disposal_due_cutoff_table(void **state)
{
	static const struct {
		int reminder_days;
		const char *today, *cutoff;
	} t[] = {
	    {90, "2026-11-23", "2026-08-25"},
	    {30, "2026-01-31", "2026-01-01"},
	    {60, "2026-03-01", "2025-12-31"},
	    {0, "2026-06-15", "2026-06-15"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct recon_rules rules = {.reminder_days = t[i].reminder_days};
		int32_t today = day(t[i].today), since;
		int32_t cut = recon_disposal_due_cutoff(today, &rules);

		assert_int_equal(cut, day(t[i].cutoff));
		assert_int_equal(recon_disposal_due(CARD_STORED, cut, today,
						    &rules, &since),
				 DUE_REMINDER);
		assert_int_equal(since, today); /* due since today */
		assert_int_equal(recon_disposal_due(CARD_STORED, cut + 1, today,
						    &rules, &since),
				 DUE_NOT);
		assert_int_equal(recon_disposal_due(CARD_STORED, cut - 100,
						    today, &rules, &since),
				 DUE_REMINDER);
	}
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

/*
 * A lost card in a count's ranges: not expected, not missing when unread,
 * not in stock when read (in its own tray or another), never due.
 */
static void lost_card_is_not_expected(void **state)
{
	struct count_data d = {0};
	struct recon_report r;
	struct recon_read rd = {.known = 1,
				.status = CARD_LOST,
				.in_range = 1,
				.reminder_sent = day("2020-01-01")};
	int32_t today = day("2026-11-23"), since;
	enum recon_why why;

	(void)state;
	add_range(&d, "S/A");
	add_card(&d, "M01", "A1", "S/A", CARD_STORED, DATE_NONE);
	add_card(&d, "M02", "A2", "S/A", CARD_LOST, DATE_NONE); /* unread */
	int32_t back = add_card(&d, "M03", "A3", "S/A", CARD_LOST, DATE_NONE);
	add_scan(&d, 0, NULL, 0, 0);
	add_scan(&d, back, NULL, 0, 0);
	assert_int_equal(recon_run(&d, today, &recon_default_rules, &r), 0);
	assert_int_equal(r.expected, 1);
	assert_int_equal(r.range_expected[0], 1);
	assert_int_equal(r.ok, 1);
	assert_int_equal(r.nmissing, 0);
	assert_int_equal(r.nchecked_out, 0);
	assert_int_equal(r.nnot_in_stock, 1);
	assert_int_equal(r.not_in_stock[0].card, back);
	assert_true(recon_has_discrepancy(&r));
	recon_report_free(&r);
	count_data_free(&d);

	/* One read: an alert, not in stock, in its own tray or not. */
	assert_int_equal(recon_classify(&rd, today, &recon_default_rules, &why),
			 RECON_ALERT);
	assert_int_equal(why, WHY_NOT_IN_STOCK);
	rd.in_range = 0;
	recon_classify(&rd, today, &recon_default_rules, &why);
	assert_int_equal(why, WHY_NOT_IN_STOCK);
	/* Never due for disposal, whatever its reminder. */
	assert_int_equal(recon_disposal_due(CARD_LOST, day("2020-01-01"), today,
					    &recon_default_rules, &since),
			 DUE_NOT);
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
	/* Everyone keeps their own PIN; who may log in, as whom and in
	 * which role is a manager's. */
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(recon_permit(r, ACT_STAFF_PIN, &rule), 0);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_STAFF_PIN_RESET, &rule),
			 -1);
	assert_non_null(strstr(rule, "reset a PIN"));
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_STAFF_ACTIVE, &rule), -1);
	assert_non_null(strstr(rule, "deactivate"));
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_STAFF_ROLE, &rule),
			 -1);
	assert_non_null(strstr(rule, "change a role"));
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_IMPORT, &rule), 0);
	assert_int_equal(recon_permit(ROLE_COUNT, ACT_SCAN, &rule), -1);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_DISPOSE, &rule), 0);
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_DISPOSE, &rule), -1);
	assert_non_null(strstr(rule, "dispose"));
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_TRAINING, &rule), -1);
	assert_non_null(strstr(rule, "manager"));
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_TRAINING, &rule), -1);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_KEY_HOLDER, &rule), -1);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_KEY_OPEN, &rule), 0);
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_KEY_OPEN, &rule), -1);
	assert_non_null(strstr(rule, "safe"));
}

/* ---- the training gate ---- */

static void gate_nothing_required(void **state)
{
	size_t which;
	int32_t since;

	(void)state;
	assert_int_equal(recon_training_gate(NULL, 0, NULL, 0,
					     day("2026-11-23"), &which, &since),
			 GATE_OK);
	assert_int_equal(since, DATE_NONE);
}

static void gate_missing_and_future(void **state)
{
	const struct recon_course req[] = {{"BASIC", 0}, {"SAFE", 0}};
	struct recon_attended att[] = {{"BASIC", day("2026-04-01")},
				       {"SAFE", day("2026-11-24")}};
	size_t which;
	int32_t since;

	(void)state;
	/* No records at all: the first required course is named. */
	assert_int_equal(recon_training_gate(req, 2, NULL, 0, day("2026-11-23"),
					     &which, &since),
			 GATE_MISSING);
	assert_int_equal(which, 0);
	/* A session booked for tomorrow does not count today... */
	assert_int_equal(recon_training_gate(req, 2, att, 2, day("2026-11-23"),
					     &which, &since),
			 GATE_MISSING);
	assert_int_equal(which, 1);
	/* ...and counts from its own day on. */
	assert_int_equal(recon_training_gate(req, 2, att, 2, day("2026-11-24"),
					     &which, &since),
			 GATE_OK);
	/* A record of another course is no record of this one. */
	att[1].course = "OTHER";
	assert_int_equal(recon_training_gate(req, 2, att, 2, day("2026-11-24"),
					     &which, &since),
			 GATE_MISSING);
	assert_int_equal(which, 1);
}

static void gate_expiry_boundary(void **state)
{
	const struct recon_course req[] = {{"BASIC", 365}};
	const struct recon_attended att[] = {{"BASIC", day("2025-11-23")}};
	size_t which;
	int32_t since;

	(void)state;
	/* Valid on its own day and on the last of its 365 days... */
	assert_int_equal(recon_training_gate(req, 1, att, 1, day("2025-11-23"),
					     &which, &since),
			 GATE_OK);
	assert_int_equal(recon_training_gate(req, 1, att, 1, day("2026-11-22"),
					     &which, &since),
			 GATE_OK);
	/* ...expired exactly valid_days after the session. */
	assert_int_equal(recon_training_gate(req, 1, att, 1, day("2026-11-23"),
					     &which, &since),
			 GATE_EXPIRED);
	assert_int_equal(since, day("2026-11-23"));
	assert_string_equal(recon_gate_name(GATE_EXPIRED), "expired");
}

static void gate_latest_record_counts(void **state)
{
	const struct recon_course req[] = {{"BASIC", 30}};
	const struct recon_attended att[] = {{"BASIC", day("2026-11-01")},
					     {"BASIC", day("2026-01-01")}};
	size_t which;
	int32_t since;

	(void)state;
	/* Retaking renews, whatever order the records come in. */
	assert_int_equal(recon_training_gate(req, 1, att, 2, day("2026-11-30"),
					     &which, &since),
			 GATE_OK);
	assert_int_equal(recon_training_gate(req, 1, att, 2, day("2026-12-01"),
					     &which, &since),
			 GATE_EXPIRED);
	assert_int_equal(since, day("2026-12-01"));
}

/* ---- the key log's flags ---- */

/* Local seconds of a day and time. */
static int64_t at(const char *d, int hh, int mm)
{
	return (int64_t)day(d) * 86400 + hh * 3600 + mm * 60;
}

static void key_flags_office_hours(void **state)
{
	const struct recon_key_rules *r = &recon_default_key_rules;

	(void)state;
	/* 08:30 is inside, 08:29 outside; the hours are [08:30, 17:15). */
	assert_int_equal(recon_key_flags(at("2026-03-02", 8, 30),
					 at("2026-03-02", 8, 40), 0, r),
			 0);
	assert_int_equal(recon_key_flags(at("2026-03-02", 8, 29),
					 at("2026-03-02", 8, 40), 0, r),
			 KEY_FLAG_OFF_HOURS);
	/* Closed exactly at 17:15 is inside; a minute later is not. */
	assert_int_equal(recon_key_flags(at("2026-03-02", 17, 0),
					 at("2026-03-02", 17, 15), 0, r),
			 0);
	assert_int_equal(recon_key_flags(at("2026-03-02", 17, 0),
					 at("2026-03-02", 17, 16), 0, r),
			 KEY_FLAG_OFF_HOURS);
	assert_int_equal(recon_key_flags(at("2026-03-02", 17, 15),
					 at("2026-03-02", 17, 20), 0, r),
			 KEY_FLAG_OFF_HOURS);
	/* Just after midnight belongs to the new day, before its hours. */
	assert_int_equal(recon_key_flags(at("2026-03-03", 0, 0),
					 at("2026-03-03", 0, 5), 0, r),
			 KEY_FLAG_OFF_HOURS);
	/* Across midnight: long and off hours. */
	assert_int_equal(recon_key_flags(at("2026-03-02", 23, 50),
					 at("2026-03-03", 0, 30), 0, r),
			 KEY_FLAG_OFF_HOURS | KEY_FLAG_LONG);
	/* Before 1970 the day still starts at midnight. */
	assert_int_equal(
	    recon_key_flags(-86400 + 9 * 3600, -86400 + 9 * 3600 + 60, 0, r),
	    0);
}

static void key_flags_limit(void **state)
{
	struct recon_key_rules r = recon_default_key_rules;

	(void)state;
	/* Exactly the limit is not too long; a second more is. */
	assert_int_equal(recon_key_flags(at("2026-03-02", 10, 0),
					 at("2026-03-02", 10, 30), 0, &r),
			 0);
	assert_int_equal(recon_key_flags(at("2026-03-02", 10, 0),
					 at("2026-03-02", 10, 30) + 1, 0, &r),
			 KEY_FLAG_LONG);
	/* Still open: judged at `now`. */
	assert_int_equal(recon_key_flags(at("2026-03-02", 10, 0), 0,
					 at("2026-03-02", 10, 20), &r),
			 0);
	assert_int_equal(recon_key_flags(at("2026-03-02", 10, 0), 0,
					 at("2026-03-02", 10, 31), &r),
			 KEY_FLAG_LONG);
	/* Configured rules. */
	r.open_limit_min = 10;
	r.office_start_min = 9 * 60;
	r.office_end_min = 17 * 60;
	assert_int_equal(recon_key_flags(at("2026-03-02", 8, 45),
					 at("2026-03-02", 9, 0), 0, &r),
			 KEY_FLAG_OFF_HOURS | KEY_FLAG_LONG);
}

/* ---- custody transitions ---- */

/* The whole table for cards: every (movement, status) pair. */
static void custody_card_transitions(void **state)
{
	/* Expected status after each movement, -1 where it is refused. */
	/* Columns: stored, checked_out, issued, disposed, cancelled, moved,
	 * deceased, lost. */
	static const int want[CUSTODY_KIND_COUNT][CARD_STATUS_COUNT] = {
	    [CUSTODY_CHECKOUT] = {CARD_CHECKED_OUT, -1, -1, -1, -1, -1, -1, -1},
	    [CUSTODY_RETURN] = {-1, CARD_STORED, -1, -1, -1, -1, -1, -1},
	    [CUSTODY_ISSUE] = {-1, CARD_ISSUED, -1, -1, -1, -1, -1, -1},
	    [CUSTODY_MOVE] = {CARD_STORED, -1, -1, -1, -1, -1, -1, -1},
	    [CUSTODY_LOST] = {CARD_LOST, -1, -1, -1, CARD_LOST, CARD_LOST,
			      CARD_LOST, -1},
	    [CUSTODY_FOUND] = {-1, -1, -1, -1, -1, -1, -1, CARD_STORED},
	};
	enum card_status to;
	const char *rule;

	(void)state;
	for (int k = 0; k < CUSTODY_KIND_COUNT; k++) {
		for (int s = 0; s < CARD_STATUS_COUNT; s++) {
			int rc = recon_custody(k, 0, s, &to, &rule);

			if (want[k][s] < 0) {
				assert_int_equal(rc, -1);
				assert_true(rule[0] != '\0');
				assert_int_equal(to, s); /* unchanged */
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(to, want[k][s]);
			}
		}
	}
	/* The named rules the CLI prints. */
	recon_custody(CUSTODY_ISSUE, 0, CARD_STORED, &to, &rule);
	assert_string_equal(rule, "only a checked-out card can be issued");
	recon_custody(CUSTODY_RETURN, 0, CARD_STORED, &to, &rule);
	assert_string_equal(rule, "only a checked-out card can be returned");
	recon_custody(CUSTODY_CHECKOUT, 0, CARD_CHECKED_OUT, &to, &rule);
	assert_string_equal(rule, "it is checked out already");
	/* A lost card: every movement names the state and the way back. */
	for (int k = CUSTODY_CHECKOUT; k <= CUSTODY_MOVE; k++) {
		assert_int_equal(recon_custody(k, 0, CARD_LOST, &to, &rule),
				 -1);
		assert_non_null(strstr(rule, "lost"));
		assert_non_null(strstr(rule, "found_elsewhere"));
	}
	recon_custody(CUSTODY_LOST, 0, CARD_LOST, &to, &rule);
	assert_string_equal(rule, "it is lost already");
	recon_custody(CUSTODY_LOST, 0, CARD_CHECKED_OUT, &to, &rule);
	assert_string_equal(rule,
			    "only a card in storage can be declared lost");
	recon_custody(CUSTODY_FOUND, 0, CARD_STORED, &to, &rule);
	assert_string_equal(rule, "only a lost card can be found");
	assert_string_equal(custody_kind_name(CUSTODY_LOST), "lost");
	assert_string_equal(custody_kind_name(CUSTODY_FOUND), "found");
	/* Decisions at the desk, not handlings of the safe. */
	assert_int_equal(recon_custody_handling(CUSTODY_LOST), HANDLE_COUNT);
	assert_int_equal(recon_custody_handling(CUSTODY_FOUND), HANDLE_COUNT);
	assert_int_equal(
	    recon_custody(CUSTODY_KIND_COUNT, 0, CARD_STORED, &to, &rule), -1);
	assert_string_equal(custody_kind_name(CUSTODY_CHECKOUT), "checkout");
	assert_string_equal(custody_kind_name(CUSTODY_KIND_COUNT), "?");
}

/* Terminals go out and come back; they are never issued. */
static void custody_asset_transitions(void **state)
{
	enum card_status to;
	const char *rule;

	(void)state;
	assert_int_equal(
	    recon_custody(CUSTODY_CHECKOUT, 1, CARD_STORED, &to, &rule), 0);
	assert_int_equal(to, CARD_CHECKED_OUT);
	assert_int_equal(
	    recon_custody(CUSTODY_RETURN, 1, CARD_CHECKED_OUT, &to, &rule), 0);
	assert_int_equal(to, CARD_STORED);
	assert_int_equal(
	    recon_custody(CUSTODY_ISSUE, 1, CARD_CHECKED_OUT, &to, &rule), -1);
	assert_non_null(strstr(rule, "terminal"));
	assert_int_equal(
	    recon_custody(CUSTODY_MOVE, 1, CARD_STORED, &to, &rule), 0);
	/* Terminals are not declared lost or found by a count. */
	assert_int_equal(
	    recon_custody(CUSTODY_LOST, 1, CARD_STORED, &to, &rule), -1);
	assert_non_null(strstr(rule, "terminal"));
	assert_int_equal(
	    recon_custody(CUSTODY_FOUND, 1, CARD_STORED, &to, &rule), -1);
}

/* A found card waits for disposal again if it did before it was lost. */
static void found_card_gets_its_status_back(void **state)
{
	(void)state;
	assert_int_equal(recon_found_status(CARD_STORED), CARD_STORED);
	assert_int_equal(recon_found_status(CARD_MOVED), CARD_MOVED);
	assert_int_equal(recon_found_status(CARD_DECEASED), CARD_DECEASED);
	assert_int_equal(recon_found_status(CARD_CANCELLED), CARD_CANCELLED);
	/* Never back to a state outside the safe: it was read in it. */
	assert_int_equal(recon_found_status(CARD_LOST), CARD_STORED);
	assert_int_equal(recon_found_status(CARD_ISSUED), CARD_STORED);
	assert_int_equal(recon_found_status(CARD_CHECKED_OUT), CARD_STORED);
}

/* What a count sees of a card changed after its moment: the status just
 * before the change, for every kind; and, for every movement the
 * transition table allows, that status is one it allows it from, leading
 * where the real one led. */
static void status_before_a_change(void **state)
{
	static const struct {
		enum custody_kind k;
		enum card_status before;
	} t[] = {
	    {CUSTODY_CHECKOUT, CARD_STORED}, {CUSTODY_RETURN, CARD_CHECKED_OUT},
	    {CUSTODY_ISSUE, CARD_CHECKED_OUT}, {CUSTODY_MOVE, CARD_STORED},
	    {CUSTODY_LOST, CARD_STORED},     {CUSTODY_FOUND, CARD_LOST},
	};
	static const struct {
		enum recon_due_why why;
		enum card_status from;
	} d[] = {
	    {DUE_REMINDER, CARD_STORED},     {DUE_MOVED, CARD_MOVED},
	    {DUE_DECEASED, CARD_DECEASED},   {DUE_CANCELLED, CARD_CANCELLED},
	};
	enum card_status b, to, to2;
	enum custody_kind k;
	enum recon_due_why why;
	const char *rule;

	(void)state;
	assert_int_equal(sizeof(t) / sizeof(*t), CUSTODY_KIND_COUNT);
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		assert_int_equal(recon_status_before(t[i].k, &b), 0);
		assert_int_equal(b, t[i].before);
		assert_int_equal(custody_kind_parse(custody_kind_name(t[i].k), &k),
				 0);
		assert_int_equal(k, t[i].k);
	}
	assert_int_equal(recon_status_before(CUSTODY_KIND_COUNT, &b), -1);
	assert_int_equal(custody_kind_parse("disposal", &k), -1);
	for (int kk = 0; kk < CUSTODY_KIND_COUNT; kk++)
		for (int from = 0; from <= CARD_LOST; from++) {
			if (recon_custody((enum custody_kind)kk, 0,
					  (enum card_status)from, &to,
					  &rule) < 0)
				continue;
			assert_int_equal(
			    recon_status_before((enum custody_kind)kk, &b), 0);
			assert_int_equal(recon_custody((enum custody_kind)kk, 0,
						       b, &to2, &rule),
					 0);
			assert_int_equal(to2, to);
		}
	for (size_t i = 0; i < sizeof(d) / sizeof(*d); i++) {
		assert_int_equal(recon_disposed_from(d[i].why), d[i].from);
		assert_int_equal(
		    recon_due_why_parse(recon_due_why_name(d[i].why), &why), 0);
		assert_int_equal(why, d[i].why);
		/* Only a card in storage is disposed of. */
		assert_true(card_status_in_storage(d[i].from));
	}
	assert_int_equal(recon_due_why_parse("", &why), -1);
}

/*
 * recon_see_as_counted, case by case: one card of a count over one range
 * (SAFE1/T01, index 0; SAFE1/T02 is outside), read at `read` (0: not
 * read), the count closed at `closed` (0: open), with up to two changes
 * recorded; what the count sees of it.
 */
static void a_count_sees_cards_as_it_counted_them(void **state)
{
	static const struct {
		const char *name;
		int64_t read, closed;
		enum card_status now;
		const char *now_at;
		struct {
			int64_t at;
			const char *kind, *why, *from;
		} ch[2];
		enum card_status seen;
		const char *seen_at;
	} t[] = {
	    {"read, then checked out", 100, 0, CARD_CHECKED_OUT, "SAFE1/T01",
	     {{150, "checkout", "", "SAFE1/T01"}}, CARD_STORED, "SAFE1/T01"},
	    {"read, then out and issued: the first change counts", 100, 0,
	     CARD_ISSUED, "SAFE1/T01",
	     {{120, "checkout", "", "SAFE1/T01"},
	      {130, "issue", "", "SAFE1/T01"}},
	     CARD_STORED, "SAFE1/T01"},
	    {"checked out before the read: out of stock when read", 100, 0,
	     CARD_CHECKED_OUT, "SAFE1/T01",
	     {{50, "checkout", "", "SAFE1/T01"}}, CARD_CHECKED_OUT,
	     "SAFE1/T01"},
	    {"the same second as the read: not after it", 100, 0,
	     CARD_CHECKED_OUT, "SAFE1/T01",
	     {{100, "checkout", "", "SAFE1/T01"}}, CARD_CHECKED_OUT,
	     "SAFE1/T01"},
	    {"not read, open count: as it stands", 0, 0, CARD_CHECKED_OUT,
	     "SAFE1/T01", {{150, "checkout", "", "SAFE1/T01"}},
	     CARD_CHECKED_OUT, "SAFE1/T01"},
	    {"not read, returned after the close", 0, 200, CARD_STORED,
	     "SAFE1/T01", {{250, "return", "", "SAFE1/T01"}},
	     CARD_CHECKED_OUT, "SAFE1/T01"},
	    {"not read, checked out before the close", 0, 200,
	     CARD_CHECKED_OUT, "SAFE1/T01",
	     {{150, "checkout", "", "SAFE1/T01"}}, CARD_CHECKED_OUT,
	     "SAFE1/T01"},
	    {"read, then moved away: home where it was", 100, 0, CARD_STORED,
	     "SAFE1/T02", {{120, "move", "", "SAFE1/T01"}}, CARD_STORED,
	     "SAFE1/T01"},
	    {"not read, disposed after the close", 0, 200, CARD_DISPOSED,
	     "SAFE1/T01", {{300, "disposal", "moved", NULL}}, CARD_MOVED,
	     "SAFE1/T01"},
	    {"read, then found: lost when read", 100, 0, CARD_STORED,
	     "SAFE1/T01", {{120, "found", "", "SAFE1/T02"}}, CARD_LOST,
	     "SAFE1/T02"},
	    {"a change of no known kind is passed over", 100, 0, CARD_ISSUED,
	     "SAFE1/T01",
	     {{110, "teleport", "", "SAFE1/T02"},
	      {120, "checkout", "", "SAFE1/T01"}},
	     CARD_STORED, "SAFE1/T01"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct count_data d = {0};
		struct count_range r = {1, "SAFE1/T01", NULL};
		struct count_card *c = count_data_add_card(&d);

		d.ranges = &r;
		d.nranges = 1;
		d.closed_at = t[i].closed;
		c->mgmt_id = c->serial = "A101";
		c->status = t[i].now;
		c->location = t[i].now_at;
		c->home_range = strcmp(t[i].now_at, "SAFE1/T01") == 0 ? 0 : -1;
		if (t[i].read) {
			struct count_scan *s = count_data_add_scan(&d);

			s->serial = "A101";
			s->at = t[i].read;
		}
		for (size_t k = 0; k < 2 && t[i].ch[k].kind; k++) {
			struct count_change *x = count_data_add_change(&d);

			x->at = t[i].ch[k].at;
			x->kind = t[i].ch[k].kind;
			x->why = t[i].ch[k].why;
			x->has_from = t[i].ch[k].from != NULL;
			x->from_location = t[i].ch[k].from ? t[i].ch[k].from : "";
			x->from_range =
			    x->has_from && strcmp(x->from_location,
						  "SAFE1/T01") == 0
				? 0
				: -1;
		}
		assert_int_equal(recon_see_as_counted(&d), 0);
		if (c->status != t[i].seen ||
		    strcmp(c->location, t[i].seen_at) != 0 ||
		    c->home_range !=
			(strcmp(t[i].seen_at, "SAFE1/T01") == 0 ? 0 : -1))
			fail_msg("%s: seen %s at %s (range %d)", t[i].name,
				 card_status_name(c->status), c->location,
				 (int)c->home_range);
		d.ranges = NULL;
		count_data_free(&d);
	}
}

/*
 * The permission table of doc/operations.md ("Who may do what") is the
 * matrix in recon.c: every row names a rule (`name`) and gives yes/no per
 * role; every action appears exactly once.  Read from the source tree
 * ($CARDTALLY_TESTS/../doc/operations.md under tests/run); tests/cli/man.t
 * holds cardtally(1)'s copy to this one.
 */
static void doc_matrix_is_the_code(void **state)
{
	const char *dir = getenv("CARDTALLY_TESTS");
	char path[4096], line[512];
	int seen[ACT_COUNT] = {0}, in_section = 0, rows = 0;
	FILE *f;

	(void)state;
	if (!dir)
		skip(); /* run outside tests/run: no source tree known */
	snprintf(path, sizeof(path), "%s/../doc/operations.md", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char rule[64], cell[ROLE_COUNT][8];
		const char *tick, *end, *p;
		int a;

		if (strncmp(line, "## ", 3) == 0)
			in_section =
			    strncmp(line, "## Who may do what", 18) == 0;
		if (!in_section || line[0] != '|')
			continue;
		/* The rule is the first `code` after the first column. */
		p = strchr(line + 1, '|');
		tick = p ? strchr(p, '`') : NULL;
		end = tick ? strchr(tick + 1, '`') : NULL;
		if (!end)
			continue; /* the header and its rule line */
		snprintf(rule, sizeof(rule), "%.*s", (int)(end - tick - 1),
			 tick + 1);
		p = strchr(end, '|');
		for (int r = 0; r < ROLE_COUNT; r++) {
			assert_non_null(p);
			assert_int_equal(sscanf(p + 1, " %7[a-z] ", cell[r]),
					 1);
			p = strchr(p + 1, '|');
		}
		for (a = 0; a < ACT_COUNT; a++)
			if (strcmp(recon_action_name(a), rule) == 0)
				break;
		if (a == ACT_COUNT)
			fail_msg("doc rule `%s` is not in recon.c", rule);
		seen[a]++;
		rows++;
		for (int r = 0; r < ROLE_COUNT; r++) {
			const char *why;
			int allowed = recon_permit(r, a, &why) == 0;

			if (allowed != (strcmp(cell[r], "yes") == 0))
				fail_msg("doc says %s for `%s`, role %d; "
					 "recon.c says %s",
					 cell[r], rule, r,
					 allowed ? "yes" : "no");
		}
	}
	fclose(f);
	assert_int_equal(rows, ACT_COUNT);
	for (int a = 0; a < ACT_COUNT; a++)
		if (seen[a] != 1)
			fail_msg("`%s` is in the doc's table %d times",
				 recon_action_name(a), seen[a]);
}

static void custody_permissions(void **state)
{
	static const enum recon_action acts[] = {ACT_CHECKOUT, ACT_RETURN,
						 ACT_ISSUE, ACT_MOVE};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		assert_int_equal(recon_permit(ROLE_STAFF, acts[i], &rule), 0);
		assert_int_equal(recon_permit(ROLE_PARTTIME, acts[i], &rule),
				 -1);
		assert_non_null(strstr(rule, "part-time"));
	}
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_ASSET_ADD, &rule), -1);
	assert_non_null(strstr(rule, "manager"));
}

/* ---- the end-of-day tally ---- */

/* ---- handling cards while the safe is recorded closed ---- */

/* Every handling with the safe open and closed: only what takes cards
 * into, out of or around storage is flagged, and only while closed. */
static void safe_flag_table(void **state)
{
	static const int needs[HANDLE_COUNT] = {
	    [HANDLE_CHECKOUT] = 1,	[HANDLE_RETURN] = 1,
	    [HANDLE_ISSUE] = 0,		[HANDLE_MOVE] = 1,
	    [HANDLE_COUNT_SCAN] = 1,	[HANDLE_TALLY_SCAN] = 0,
	    [HANDLE_DISPOSAL_SCAN] = 1,
	};

	(void)state;
	for (int h = 0; h < HANDLE_COUNT; h++) {
		assert_int_equal(recon_needs_safe(h), needs[h]);
		assert_int_equal(recon_safe_flag(h, 1), 0);
		assert_int_equal(recon_safe_flag(h, 0), needs[h]);
		assert_string_not_equal(recon_handling_name(h), "?");
	}
	/* Something unknown is flagged rather than waved through. */
	assert_int_equal(recon_safe_flag(HANDLE_COUNT, 0), 1);
	assert_string_equal(recon_handling_name(HANDLE_COUNT), "?");
}

static void safe_flag_custody(void **state)
{
	(void)state;
	assert_int_equal(recon_custody_handling(CUSTODY_CHECKOUT),
			 HANDLE_CHECKOUT);
	assert_int_equal(recon_custody_handling(CUSTODY_RETURN), HANDLE_RETURN);
	assert_int_equal(recon_custody_handling(CUSTODY_ISSUE), HANDLE_ISSUE);
	assert_int_equal(recon_custody_handling(CUSTODY_MOVE), HANDLE_MOVE);
	assert_int_equal(recon_custody_handling(CUSTODY_KIND_COUNT),
			 HANDLE_COUNT);
	/* A checkout with the safe closed is flagged, an issue is not. */
	assert_int_equal(
	    recon_safe_flag(recon_custody_handling(CUSTODY_CHECKOUT), 0), 1);
	assert_int_equal(
	    recon_safe_flag(recon_custody_handling(CUSTODY_ISSUE), 0), 0);
}

static void tally_read_classification(void **state)
{
	enum recon_why why;

	(void)state;
	assert_int_equal(recon_tally_classify(0, 1, 1, &why), RECON_ACCEPTED);
	assert_int_equal(why, WHY_NONE);
	assert_int_equal(recon_tally_classify(1, 1, 1, &why), RECON_REPEAT);
	assert_int_equal(recon_tally_classify(1, 0, 0, &why), RECON_REPEAT);
	assert_int_equal(recon_tally_classify(0, 0, 0, &why), RECON_ALERT);
	assert_int_equal(why, WHY_UNKNOWN);
	assert_int_equal(recon_tally_classify(0, 1, 0, &why), RECON_ALERT);
	assert_int_equal(why, WHY_NOT_IN_STOCK);
}

/* Seed 001 (Tsurumi): 78 cards and a terminal out, 5 issued, 60 back. */
static void tally_balance_tsurumi(void **state)
{
	struct recon_tally t = {0};

	(void)state;
	for (int i = 0; i < 78; i++) {
		enum card_status now = i < 5 ? CARD_ISSUED : CARD_CHECKED_OUT;

		recon_tally_add(&t, recon_tally_item(i >= 5 && i < 65, now));
	}
	recon_tally_add(&t, recon_tally_item(0, CARD_CHECKED_OUT));
	assert_int_equal(t.expected, 79);
	assert_int_equal(t.by_state[TALLY_ISSUED], 5);
	assert_int_equal(t.by_state[TALLY_RETURNED], 60);
	assert_int_equal(t.by_state[TALLY_MISSING], 14);
	assert_false(recon_tally_balanced(&t));

	/* Read back counts even after the close made it stored. */
	assert_int_equal(recon_tally_item(1, CARD_STORED), TALLY_RETURNED);
	/* Not read, returned later by hand: resolved, no longer missing. */
	assert_int_equal(recon_tally_item(0, CARD_STORED), TALLY_RESOLVED);
	assert_string_equal(tally_state_name(TALLY_MISSING), "missing");

	struct recon_tally empty = {0};
	assert_true(recon_tally_balanced(&empty));
}

/* ---- discrepancies, resolutions, closing, recounts (R7-R10) ---- */

static void range_seen_per_range(void **state)
{
	struct count_data d = {0};
	struct recon_report r;

	(void)state;
	add_range(&d, "S/T01");
	add_range(&d, "S/T02");
	int32_t a = add_card(&d, "A1", "01", "S/T01", CARD_STORED, DATE_NONE);
	int32_t b = add_card(&d, "A2", "02", "S/T01", CARD_STORED, DATE_NONE);
	int32_t c = add_card(&d, "B1", "03", "S/T02", CARD_STORED, DATE_NONE);
	add_card(&d, "B2", "04", "S/T02", CARD_STORED, DATE_NONE);
	add_scan(&d, a, NULL, 0, 0);
	add_scan(&d, a, NULL, 0, 1);  /* a repeat is not seen twice */
	add_scan(&d, c, NULL, 0, 0);  /* B1 misplaced into T01 */
	add_scan(&d, -1, "FF", 1, 0); /* unknown, in T02 */
	add_scan(&d, b, NULL, 1, 0);  /* A2 misplaced into T02 */
	add_scan(&d, b, NULL, 0, 0);  /* read again in T01: repeat */
	assert_int_equal(
	    recon_run(&d, day("2026-03-02"), &recon_default_rules, &r), 0);
	/* Seen where first read: A1 and B1 in T01; FF and A2 in T02. */
	assert_int_equal(r.range_seen[0], 2);
	assert_int_equal(r.range_seen[1], 2);
	assert_int_equal(r.range_expected[0], 2);
	assert_int_equal(r.range_expected[1], 2);
	assert_int_equal(r.range_ok[0], 1);
	assert_int_equal(r.range_ok[1], 0);
	assert_int_equal(r.range_seen[0] + r.range_seen[1], r.seen);
	recon_report_free(&r);
	count_data_free(&d);
}

static void resolution_names(void **state)
{
	enum recon_disc k;
	enum recon_reason why;

	(void)state;
	for (int i = 0; i < DISC_KIND_COUNT; i++) {
		assert_int_equal(
		    recon_disc_parse(recon_disc_name((enum recon_disc)i), &k),
		    0);
		assert_int_equal(k, i);
	}
	for (int i = 0; i < REASON_COUNT; i++) {
		assert_int_equal(
		    recon_reason_parse(recon_reason_name((enum recon_reason)i),
				       &why),
		    0);
		assert_int_equal(why, i);
	}
	assert_int_equal(recon_reason_parse("stolen", &why), -1);
	assert_int_equal(recon_reason_parse("", &why), -1);
	assert_int_equal(recon_disc_parse("repeat", &k), -1);
	assert_string_equal(recon_reason_name(REASON_FOUND_ELSEWHERE),
			    "found_elsewhere");
	assert_string_equal(recon_disc_name(DISC_NOT_IN_STOCK), "not_in_stock");
}

static void resolution_reasons_by_kind(void **state)
{
	/* The rule, row by row: what a manager may say of each kind when a
	 * recount read the card (recounted is then possible where it fits).
	 * found_elsewhere, data_error, recounted, lost. */
	static const int want[DISC_KIND_COUNT][REASON_COUNT] = {
	    [DISC_MISSING] = {1, 1, 1, 1},
	    [DISC_MISPLACED] = {1, 1, 1, 0},
	    [DISC_EXTRA] = {1, 1, 0, 0},
	    [DISC_NOT_IN_STOCK] = {0, 1, 0, 0},
	};
	const char *rule;

	(void)state;
	for (int k = 0; k < DISC_KIND_COUNT; k++) {
		for (int why = 0; why < REASON_COUNT; why++) {
			/* A card out of stock: issued, say (lost is
			 * below). */
			enum card_status st =
			    k == DISC_NOT_IN_STOCK ? CARD_ISSUED : CARD_STORED;
			int rc = recon_resolution_valid((enum recon_disc)k,
							(enum recon_reason)why,
							1, st, &rule);

			assert_int_equal(rc == 0, want[k][why]);
			if (rc < 0)
				assert_true(rule[0] != '\0');
		}
	}
	/* A card that was read is in the office: never lost. */
	assert_int_equal(recon_resolution_valid(DISC_MISPLACED, REASON_LOST, 0,
						CARD_STORED, &rule),
			 -1);
	assert_non_null(strstr(rule, "not lost"));
	assert_int_equal(recon_resolution_valid(DISC_NOT_IN_STOCK,
						REASON_FOUND_ELSEWHERE, 0,
						CARD_ISSUED, &rule),
			 -1);
	assert_int_equal(recon_resolution_valid((enum recon_disc)99,
						REASON_LOST, 0, CARD_STORED,
						&rule),
			 -1);
}

/* A card the ledger says is lost, read in a count: found or data error. */
static void lost_card_read_is_found_or_data_error(void **state)
{
	/* found_elsewhere, data_error, recounted, lost */
	static const int want[REASON_COUNT] = {1, 1, 0, 0};
	enum custody_kind kind = CUSTODY_KIND_COUNT;
	const char *rule;

	(void)state;
	for (int why = 0; why < REASON_COUNT; why++) {
		int rc = recon_resolution_valid(DISC_NOT_IN_STOCK,
						(enum recon_reason)why, 1,
						CARD_LOST, &rule);

		assert_int_equal(rc == 0, want[why]);
		if (rc < 0) {
			assert_non_null(strstr(rule, "lost"));
			assert_non_null(strstr(rule, "found_elsewhere"));
		}
	}
	/* Any other card out of stock, read in the safe, is still only a
	 * data error: an issued card is not "found". */
	for (int s = 0; s < CARD_STATUS_COUNT; s++) {
		if (s == CARD_LOST)
			continue;
		assert_int_equal(recon_resolution_valid(DISC_NOT_IN_STOCK,
							REASON_FOUND_ELSEWHERE,
							1, s, &rule),
				 -1);
		assert_int_equal(recon_resolution_valid(DISC_NOT_IN_STOCK,
							REASON_DATA_ERROR, 1, s,
							&rule),
				 0);
	}
	/* What each resolution does to the card. */
	assert_int_equal(recon_resolution_effect(DISC_NOT_IN_STOCK,
						 REASON_FOUND_ELSEWHERE,
						 CARD_LOST, &kind),
			 1);
	assert_int_equal(kind, CUSTODY_FOUND);
	kind = CUSTODY_KIND_COUNT;
	assert_int_equal(recon_resolution_effect(DISC_MISSING, REASON_LOST,
						 CARD_STORED, &kind),
			 1);
	assert_int_equal(kind, CUSTODY_LOST);
	/* Records only: the ledger stays as it is. */
	assert_int_equal(recon_resolution_effect(DISC_NOT_IN_STOCK,
						 REASON_DATA_ERROR, CARD_LOST,
						 &kind),
			 0);
	assert_int_equal(recon_resolution_effect(DISC_MISSING,
						 REASON_FOUND_ELSEWHERE,
						 CARD_STORED, &kind),
			 0);
	assert_int_equal(recon_resolution_effect(DISC_MISPLACED,
						 REASON_FOUND_ELSEWHERE,
						 CARD_STORED, &kind),
			 0);
	assert_int_equal(recon_resolution_effect(DISC_MISSING, REASON_RECOUNTED,
						 CARD_STORED, &kind),
			 0);
}

static void recounted_needs_a_recount_that_read_it(void **state)
{
	const char *rule;

	(void)state;
	assert_int_equal(recon_resolution_valid(DISC_MISSING, REASON_RECOUNTED,
						0, CARD_STORED, &rule),
			 -1);
	assert_non_null(strstr(rule, "recount"));
	assert_int_equal(recon_resolution_valid(DISC_MISSING, REASON_RECOUNTED,
						1, CARD_STORED, &rule),
			 0);
	assert_int_equal(recon_resolution_valid(DISC_MISPLACED,
						REASON_RECOUNTED, 0,
						CARD_STORED, &rule),
			 -1);
	/* The other reasons do not depend on a recount. */
	assert_int_equal(recon_resolution_valid(DISC_MISSING, REASON_LOST, 0,
						CARD_STORED, &rule),
			 0);
	assert_int_equal(recon_resolution_valid(DISC_EXTRA, REASON_DATA_ERROR,
						0, CARD_STORED, &rule),
			 0);
}

static void close_rule(void **state)
{
	(void)state;
	/* Nothing found: no witness, nothing to resolve. */
	assert_int_equal(recon_close_check(0, 0, 0), CLOSE_OK);
	assert_int_equal(recon_close_check(0, 0, 1), CLOSE_OK);
	/* Found: every one resolved, and a witness. */
	assert_int_equal(recon_close_check(3, 3, 0), CLOSE_UNRESOLVED);
	assert_int_equal(recon_close_check(3, 1, 1), CLOSE_UNRESOLVED);
	assert_int_equal(recon_close_check(3, 0, 0), CLOSE_NEEDS_WITNESS);
	assert_int_equal(recon_close_check(3, 0, 1), CLOSE_OK);
	assert_int_equal(recon_close_check(1, 0, 1), CLOSE_OK);
}

static void recount_by_another_person(void **state)
{
	const int64_t first[] = {2, 7};
	const char *rule;

	(void)state;
	assert_int_equal(recon_recount_allowed(2, first, 2, &rule), -1);
	assert_non_null(strstr(rule, "different person"));
	assert_int_equal(recon_recount_allowed(7, first, 2, &rule), -1);
	assert_int_equal(recon_recount_allowed(3, first, 2, &rule), 0);
	assert_string_equal(rule, "");
	assert_int_equal(recon_recount_allowed(2, NULL, 0, &rule), 0);
}

static void resolve_and_recount_are_managers(void **state)
{
	const char *rule;

	(void)state;
	assert_int_equal(recon_permit(ROLE_MANAGER, ACT_RESOLVE, &rule), 0);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_RESOLVE, &rule), -1);
	assert_non_null(strstr(rule, "manager"));
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_RESOLVE, &rule), -1);
	assert_int_equal(recon_permit(ROLE_MANAGER, ACT_RECOUNT, &rule), 0);
	assert_int_equal(recon_permit(ROLE_STAFF, ACT_RECOUNT, &rule), -1);
	assert_int_equal(recon_permit(ROLE_PARTTIME, ACT_RECOUNT, &rule), -1);
	assert_string_equal(recon_action_name(ACT_RESOLVE), "count resolve");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(classify_precedence),
	    cmocka_unit_test(classify_disposal_due),
	    cmocka_unit_test(disposal_due_rule),
	    cmocka_unit_test(disposal_due_default_boundary),
	    cmocka_unit_test(disposal_due_cutoff_table),
	    cmocka_unit_test(disposal_due_order),
	    cmocka_unit_test(report_categories),
	    cmocka_unit_test(partial_count_never_missing_when_seen_elsewhere),
	    cmocka_unit_test(clean_count_has_no_discrepancy),
	    cmocka_unit_test(empty_session),
	    cmocka_unit_test(lost_card_is_not_expected),
	    cmocka_unit_test(permission_matrix),
	    cmocka_unit_test(gate_nothing_required),
	    cmocka_unit_test(gate_missing_and_future),
	    cmocka_unit_test(gate_expiry_boundary),
	    cmocka_unit_test(gate_latest_record_counts),
	    cmocka_unit_test(key_flags_office_hours),
	    cmocka_unit_test(key_flags_limit),
	    cmocka_unit_test(custody_card_transitions),
	    cmocka_unit_test(custody_asset_transitions),
	    cmocka_unit_test(status_before_a_change),
	    cmocka_unit_test(a_count_sees_cards_as_it_counted_them),
	    cmocka_unit_test(found_card_gets_its_status_back),
	    cmocka_unit_test(custody_permissions),
	    cmocka_unit_test(doc_matrix_is_the_code),
	    cmocka_unit_test(safe_flag_table),
	    cmocka_unit_test(safe_flag_custody),
	    cmocka_unit_test(tally_read_classification),
	    cmocka_unit_test(tally_balance_tsurumi),
	    cmocka_unit_test(range_seen_per_range),
	    cmocka_unit_test(resolution_names),
	    cmocka_unit_test(resolution_reasons_by_kind),
	    cmocka_unit_test(lost_card_read_is_found_or_data_error),
	    cmocka_unit_test(recounted_needs_a_recount_that_read_it),
	    cmocka_unit_test(close_rule),
	    cmocka_unit_test(recount_by_another_person),
	    cmocka_unit_test(resolve_and_recount_are_managers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
