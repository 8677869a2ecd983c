/*
 * Unit tests of reconcile/hubbook.c: the month's status rule as a table
 * (each row counts, a month and now, the status it must give), and a
 * ward's entries fed in order with what the month then sums to: counts,
 * discrepancies open and resolved, cards lost and found, disposals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../reconcile/hubbook.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A month [100, 200). */
#define FROM 100
#define TO   200

static void month_status_table(void **state)
{
	static const struct {
		struct hubbook_count c[2];
		size_t n;
		int64_t now;
		enum hubbook_status want;
	} rows[] = {
	    /* nothing begun */
	    {{{0}}, 0, 150, HUBBOOK_NOT_COUNTED},
	    {{{0}}, 0, 250, HUBBOOK_NOT_COUNTED},
	    /* begun and closed in the month */
	    {{{.session = 1,
	       .started_at = 120,
	       .closed_at = 130,
	       .monthly = 1}},
	     1,
	     250,
	     HUBBOOK_COUNTED},
	    /* closed on the month's last second, and on the next month's
	     * first */
	    {{{.session = 1,
	       .started_at = 199,
	       .closed_at = 199,
	       .monthly = 1}},
	     1,
	     250,
	     HUBBOOK_COUNTED},
	    {{{.session = 1,
	       .started_at = 190,
	       .closed_at = 200,
	       .monthly = 1}},
	     1,
	     250,
	     HUBBOOK_LATE},
	    /* open: counting while the month lasts, late after */
	    {{{.session = 1, .started_at = 120, .monthly = 1}},
	     1,
	     199,
	     HUBBOOK_COUNTING},
	    {{{.session = 1, .started_at = 120, .monthly = 1}},
	     1,
	     200,
	     HUBBOOK_LATE},
	    /* begun before or after the month: not its count */
	    {{{.session = 1, .started_at = 99, .closed_at = 130, .monthly = 1}},
	     1,
	     250,
	     HUBBOOK_NOT_COUNTED},
	    {{{.session = 1,
	       .started_at = 200,
	       .closed_at = 210,
	       .monthly = 1}},
	     1,
	     250,
	     HUBBOOK_NOT_COUNTED},
	    /* a recount or a window tally is not the month's count */
	    {{{.session = 1,
	       .started_at = 120,
	       .closed_at = 130,
	       .monthly = 1,
	       .recount = 1}},
	     1,
	     250,
	     HUBBOOK_NOT_COUNTED},
	    {{{.session = 1, .started_at = 120, .closed_at = 130}},
	     1,
	     250,
	     HUBBOOK_NOT_COUNTED},
	    /* the best count decides: a late one and one on time */
	    {{{.session = 1, .started_at = 110, .monthly = 1},
	      {.session = 2,
	       .started_at = 120,
	       .closed_at = 150,
	       .monthly = 1}},
	     2,
	     250,
	     HUBBOOK_COUNTED},
	    {{{.session = 1, .started_at = 110, .closed_at = 300, .monthly = 1},
	      {.session = 2, .started_at = 120, .monthly = 1}},
	     2,
	     150,
	     HUBBOOK_LATE},
	};

	(void)state;
	for (size_t i = 0; i < N(rows); i++) {
		enum hubbook_status got = hubbook_month_status(
		    rows[i].c, rows[i].n, FROM, TO, rows[i].now);

		if (got != rows[i].want)
			fail_msg("row %zu: got %s, want %s", i,
				 hubbook_status_name(got),
				 hubbook_status_name(rows[i].want));
	}
	assert_string_equal(hubbook_status_name(HUBBOOK_NOT_COUNTED),
			    "not_counted");
	assert_string_equal(hubbook_status_name(HUBBOOK_STATUS_COUNT), "?");
}

static void detail_table(void **state)
{
	static const struct {
		const char *detail, *key, *want; /* want NULL: not there */
	} rows[] = {
	    {"kind=full ranges=3", "kind", "full"},
	    {"kind=full ranges=3", "ranges", "3"},
	    {"xkind=full", "kind", NULL},
	    {"serial=04A why=misplaced", "why", "misplaced"},
	    {"serial=", "serial", ""},
	    {"a=b", "serial", NULL},
	    {NULL, "kind", NULL},
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < N(rows); i++) {
		int rc = hubbook_detail(rows[i].detail, rows[i].key, out,
					sizeof(out));

		if (!rows[i].want) {
			if (rc != -1)
				fail_msg("row %zu: found '%s'", i, out);
			continue;
		}
		if (rc != 0 || strcmp(out, rows[i].want) != 0)
			fail_msg("row %zu: got %d '%s'", i, rc, rc ? "" : out);
	}
}

/* A ward's entries over two months, and what each month sums to. */
static void feed_and_sum(void **state)
{
	static const struct hubbook_entry entries[] = {
	    {10, "staff.add", "S01", "role=staff"},
	    /* month one: count 1, everything there */
	    {110, "count.start", "session 1", "kind=full ranges=2"},
	    {111, "scan", "session 1",
	     "scan=1 session=1 range=2 serial=04A card=1 outcome=accepted"},
	    {112, "count.close", "session 1", NULL},
	    /* a tally of the window: not a monthly count */
	    {113, "tally.start", "session 2", "kind=tally expected=1"},
	    {114, "scan", "session 2",
	     "scan=2 session=2 range=0 serial=04Z card=0 outcome=alert "
	     "why=unknown"},
	    /* a card disposed, another lost and found again */
	    {120, "dispose.card", "M7", "disposal=1 why=moved"},
	    {121, "custody.lost", "card M8", "event=1 status=stored->lost"},
	    {130, "custody.found", "card M8", "event=2 status=lost->stored"},
	    /* month two: count 3 with two alerts, one resolved; a missing
	     * card declared lost; a recount of it */
	    {210, "count.start", "session 3", "kind=partial ranges=1"},
	    {211, "scan", "session 3",
	     "scan=3 session=3 range=1 serial=04B card=2 outcome=alert "
	     "why=misplaced"},
	    {212, "scan", "session 3",
	     "scan=4 session=3 range=1 serial=04B card=2 outcome=repeat"},
	    {213, "scan", "session 3",
	     "scan=5 session=3 range=1 serial=04C card=0 outcome=alert "
	     "why=unknown"},
	    {214, "scan", "session 3",
	     "scan=6 session=3 range=1 serial=04B card=2 outcome=alert "
	     "why=misplaced"},
	    {215, "scan", "session 3",
	     "scan=7 session=3 range=1 serial=04D card=3 outcome=alert "
	     "why=disposal_due"},
	    {220, "count.resolve", "session 3",
	     "serial=04B kind=misplaced location=A found=B reason=data_error"},
	    {221, "count.resolve", "session 3",
	     "serial=04E kind=missing location=A found= reason=lost"},
	    {221, "custody.lost", "card M9", "event=3 status=stored->lost"},
	    {230, "count.start", "session 4", "kind=partial ranges=1"},
	    {230, "count.recount", "session 4", "of=3 range=A staff=S02"},
	    {240, "dispose.card", "M10", "disposal=2 why=moved"},
	    {241, "dispose.card", "M11", "disposal=2 why=moved"},
	};
	struct hubbook b;
	struct hubbook_month m;

	(void)state;
	hubbook_init(&b);
	for (size_t i = 0; i < N(entries); i++)
		assert_int_equal(hubbook_feed(&b, &entries[i]), 0);
	assert_int_equal(b.last_at, 241);

	hubbook_sum(&b, 100, 200, 250, &m);
	assert_int_equal(m.status, HUBBOOK_COUNTED);
	assert_int_equal(m.counts, 1);
	assert_int_equal(m.closed, 1);
	assert_int_equal(m.found, 0);
	assert_int_equal(m.lost_month, 0); /* M8 was found again */
	assert_int_equal(m.disposed, 1);
	/* open now: count 3 (04C unresolved) and the recount 4 */
	assert_int_equal(m.open_counts, 2);
	assert_int_equal(m.open_disc, 1);
	assert_int_equal(m.lost, 1);

	hubbook_sum(&b, 200, 300, 250, &m);
	assert_int_equal(m.status, HUBBOOK_COUNTING);
	assert_int_equal(m.counts, 1); /* the recount left out */
	assert_int_equal(m.closed, 0);
	assert_int_equal(m.found, 2);
	assert_int_equal(m.lost_month, 1);
	assert_int_equal(m.disposed, 2);

	hubbook_sum(&b, 200, 300, 300, &m);
	assert_int_equal(m.status, HUBBOOK_LATE);

	/* count 3 closes: its alerts are settled */
	{
		const struct hubbook_entry close = {260, "count.close",
						    "session 3", NULL};

		assert_int_equal(hubbook_feed(&b, &close), 0);
	}
	hubbook_sum(&b, 200, 300, 300, &m);
	assert_int_equal(m.status, HUBBOOK_COUNTED);
	assert_int_equal(m.open_counts, 1);
	assert_int_equal(m.open_disc, 0);

	/* a month with nothing */
	hubbook_sum(&b, 300, 400, 450, &m);
	assert_int_equal(m.status, HUBBOOK_NOT_COUNTED);
	assert_int_equal(m.counts + m.disposed + m.lost_month, 0);
	hubbook_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(month_status_table),
	    cmocka_unit_test(detail_table),
	    cmocka_unit_test(feed_and_sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
