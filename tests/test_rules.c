/*
 * Unit tests of reconcile/rules.c: one table per rule, each row a case
 * with the answer the rule must give and, for refusals, a word the
 * sentence must hold (so a refusal says which rule refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../reconcile/rules.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int32_t day(const char *s)
{
	int32_t d;

	assert_int_equal(date_parse(s, strlen(s), &d), 0);
	return d;
}

/* A refusal names its rule; a yes leaves *rule empty. */
static void check_rule(int rc, int want, const char *rule, const char *word,
		       size_t row)
{
	if (rc != want)
		fail_msg("row %zu: got %d, want %d (%s)", row, rc, want, rule);
	if (want == 0 && rule[0] != '\0')
		fail_msg("row %zu: a yes with a rule: %s", row, rule);
	if (want != 0 && (!word || !strstr(rule, word)))
		fail_msg("row %zu: rule '%s' lacks '%s'", row, rule,
			 word ? word : "(null)");
}

/* Evaluates call before reading the rule it set (argument order is
 * unspecified in C). */
#define CHECK_RULE(call, want, word, row)                                      \
	do {                                                                   \
		int rc_ = (call);                                              \
		check_rule(rc_, want, rule, word, row);                        \
	} while (0)

/* ---- people ---- */

static const struct recon_person M1 = {1, ROLE_MANAGER, 1},
				 M2 = {2, ROLE_MANAGER, 1},
				 S3 = {3, ROLE_STAFF, 1},
				 P4 = {4, ROLE_PARTTIME, 1},
				 M5_OFF = {5, ROLE_MANAGER, 0},
				 S6_OFF = {6, ROLE_STAFF, 0};

static void other_person_table(void **state)
{
	static const struct {
		int64_t actor, second;
		int want;
	} t[] = {
	    {1, 2, 0},
	    {2, 1, 0},
	    {1, 1, -1},
	    {7, 7, -1},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_other_person(t[i].actor, t[i].second, &rule),
			   t[i].want, "another person", i);
}

static void witness_table(void **state)
{
	static const struct {
		const struct recon_person *actor, *w;
		int want;
		const char *word;
	} t[] = {
	    {&S3, &M1, 0, NULL},
	    {&M1, &M2, 0, NULL},
	    {&P4, &M2, 0, NULL},
	    {&M1, &M1, -1, "another person"}, /* oneself */
	    {&S3, &S3, -1, "another person"},
	    {&M1, &S3, -1, "must be a manager"}, /* staff cannot witness */
	    {&M1, &P4, -1, "must be a manager"},
	    {&S3, &M5_OFF, -1, "not active"}, /* retired manager */
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_witness(t[i].actor, t[i].w, &rule), t[i].want,
			   t[i].word, i);
}

static void key_holder_table(void **state)
{
	static const struct {
		const struct recon_person *p;
		int want;
		const char *word;
	} t[] = {
	    {&M1, 0, NULL},	     {&S3, 0, NULL},
	    {&P4, -1, "part-time"},  {&S6_OFF, -1, "active"},
	    {&M5_OFF, -1, "active"},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_key_holder_eligible(t[i].p, &rule), t[i].want,
			   t[i].word, i);
}

static void key_approver_table(void **state)
{
	static const struct {
		const struct recon_person *opener, *appr;
		int listed;
		int want;
		const char *word;
	} t[] = {
	    /* A manager approves, listed or not. */
	    {&S3, &M1, 0, 0, NULL},
	    {&S3, &M1, 1, 0, NULL},
	    /* Staff approves only when named a key holder. */
	    {&M1, &S3, 1, 0, NULL},
	    {&M1, &S3, 0, -1, "only a named key holder or a manager"},
	    {&M1, &P4, 0, -1, "only a named key holder or a manager"},
	    /* Named once, part-time now: no longer answers for the safe. */
	    {&M1, &P4, 1, -1, "part-time"},
	    /* Nobody approves their own opening, managers included. */
	    {&M1, &M1, 1, -1, "another person"},
	    {&S3, &S3, 1, -1, "another person"},
	    /* A retired account approves nothing. */
	    {&S3, &M5_OFF, 1, -1, "not active"},
	    {&M1, &S6_OFF, 1, -1, "not active"},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_key_approver(t[i].opener, t[i].appr,
					      t[i].listed, &rule),
			   t[i].want, t[i].word, i);
}

static void key_handover_table(void **state)
{
	static const struct {
		const struct recon_person *holder, *giver, *to;
		int locked, trained;
		int want;
		const char *word;
	} t[] = {
	    /* The holder passes it to a trained colleague or manager. */
	    {&S3, &S3, &M1, 0, 1, 0, NULL},
	    {&M1, &M1, &S3, 0, 1, 0, NULL},
	    {&M1, &M1, &M2, 0, 1, 0, NULL},
	    /* Only the one who holds it, a manager included. */
	    {&S3, &M1, &M2, 0, 1, -1, "holds the key"},
	    {&M1, &S3, &M2, 0, 1, -1, "holds the key"},
	    /* Never to oneself. */
	    {&S3, &S3, &S3, 0, 1, -1, "another person"},
	    /* The receiver: active, not locked, not part-time, trained. */
	    {&S3, &S3, &M5_OFF, 0, 1, -1, "not active"},
	    {&M1, &M1, &S6_OFF, 0, 1, -1, "not active"},
	    {&S3, &S3, &M1, 1, 1, -1, "locked"},
	    {&M1, &M1, &P4, 0, 1, -1, "part-time"},
	    {&M1, &M1, &S3, 0, 0, -1, "training"},
	    {&S3, &S3, &M2, 0, 0, -1, "training"},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_key_handover(t[i].holder, t[i].giver, t[i].to,
					      t[i].locked, t[i].trained,
					      &rule),
			   t[i].want, t[i].word, i);
}

/* ---- assignment (R7) ---- */

static void assignee_table(void **state)
{
	static const struct {
		int64_t assignee, actor;
		int want;
	} t[] = {
	    {0, 3, 0},	/* nobody's range: anyone */
	    {3, 3, 0},	/* one's own */
	    {3, 4, -1}, /* someone else's */
	    {4, 3, -1},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(
		    recon_assignee_may_scan(t[i].assignee, t[i].actor, &rule),
		    t[i].want, "alone", i);
}

static void ranges_table(void **state)
{
	static const struct {
		const char *r[3];
		size_t n;
		enum recon_ranges want;
		size_t a, b;
	} t[] = {
	    {{NULL}, 0, RANGES_OK, 0, 0},
	    {{"SAFE1/T01"}, 1, RANGES_OK, 0, 0},
	    {{"SAFE1/T01", "SAFE1/T02"}, 2, RANGES_OK, 0, 0},
	    {{"SAFE1/T01", "SAFE1/T01"}, 2, RANGES_TWICE, 0, 1},
	    {{"SAFE1/T02", "SAFE1/T01", "SAFE1/T02"}, 3, RANGES_TWICE, 0, 2},
	    /* A tray within its safe, either way round. */
	    {{"SAFE1", "SAFE1/T01"}, 2, RANGES_WITHIN, 1, 0},
	    {{"SAFE1/T01", "SAFE1"}, 2, RANGES_WITHIN, 0, 1},
	    /* A path that only begins with another is not within it. */
	    {{"SAFE1/T01", "SAFE1/T01X"}, 2, RANGES_OK, 0, 0},
	    {{"SAFE1/T1", "SAFE1/T1-2"}, 2, RANGES_OK, 0, 0},
	    {{"SAFE2", "SAFE1/T01", "SAFE2/S1/T03"}, 3, RANGES_WITHIN, 2, 0},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		size_t a = 99, b = 99;

		assert_int_equal(recon_ranges_check(t[i].r, t[i].n, &a, &b),
				 t[i].want);
		assert_int_equal(a, t[i].a);
		assert_int_equal(b, t[i].b);
	}
}

/* The rule as it was written first, every pair in order: what the sorted
 * check must answer, pair for pair. */
static enum recon_ranges ranges_by_pairs(const char *const *r, size_t n,
					 size_t *a, size_t *b)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			if (i == j)
				continue;
			*a = i;
			*b = j;
			if (strcmp(r[i], r[j]) == 0)
				return RANGES_TWICE;
			if (location_within(r[i], r[j]))
				return RANGES_WITHIN;
		}
	*a = *b = 0;
	return RANGES_OK;
}

static void ranges_as_every_pair_would(void **state)
{
	/* Paths of a small alphabet, so that copies, parents, look-alike
	 * prefixes ("A" and "A-"), empty parts and a leading '/' come up
	 * often. */
	static const char alpha[] = "AB/-";
	char buf[12][8];
	const char *r[12];
	uint32_t seed = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n, a1 = 99, b1 = 99, a2 = 98, b2 = 98;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % 12;
		for (size_t i = 0; i < n; i++) {
			size_t len;

			seed = seed * 1103515245u + 12345u;
			len = 1 + (seed >> 16) % 6;
			for (size_t k = 0; k < len; k++) {
				seed = seed * 1103515245u + 12345u;
				buf[i][k] = alpha[(seed >> 16) % 4];
			}
			buf[i][len] = '\0';
			r[i] = buf[i];
		}
		assert_int_equal(recon_ranges_check(r, n, &a1, &b1),
				 ranges_by_pairs(r, n, &a2, &b2));
		assert_int_equal(a1, a2);
		assert_int_equal(b1, b2);
	}
}

/* Assignments of one count: each range given to one person (R7). */
static void assign_once_table(void **state)
{
	static const struct {
		const char *r[4];
		size_t n;
		enum recon_once want;
		size_t a, b;
	} t[] = {
	    {{NULL}, 0, ONCE_OK, 0, 0},
	    {{"SAFE1/T01"}, 1, ONCE_OK, 0, 0},
	    {{"SAFE1/T01", "SAFE1/T02"}, 2, ONCE_OK, 0, 0},
	    /* The audit's case: one range, two people. */
	    {{"SAFE1/S1/T01", "SAFE1/S1/T01"}, 2, ONCE_TWICE, 0, 1},
	    {{"SAFE1/T02", "SAFE1/T01", "SAFE1/T02"}, 3, ONCE_TWICE, 0, 2},
	    /* The earliest repeat is named, not the first range sorted. */
	    {{"SAFE1/T02", "SAFE1/T01", "SAFE1/T01", "SAFE1/T02"},
	     4,
	     ONCE_TWICE,
	     1,
	     2},
	    /* Three times: the first and the second. */
	    {{"SAFE1/T03", "SAFE1/T03", "SAFE1/T03"}, 3, ONCE_TWICE, 0, 1},
	    /* Nesting is recon_ranges_check's question, not this one. */
	    {{"SAFE1", "SAFE1/T01"}, 2, ONCE_OK, 0, 0},
	    {{"SAFE1/T01", "SAFE1/T01X"}, 2, ONCE_OK, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		size_t a = 99, b = 99;

		if (recon_assign_once(t[i].r, t[i].n, &a, &b) != t[i].want ||
		    a != t[i].a || b != t[i].b)
			fail_msg("row %zu: got %zu, %zu", i, a, b);
	}
}

/* Items of one custody step: each card or terminal named once, however it
 * was named (the ledger's id is the item). */
static void items_once_table(void **state)
{
	static const struct {
		struct recon_ref v[4];
		size_t n;
		enum recon_once want;
		size_t a, b;
	} t[] = {
	    {{{0, 0}}, 0, ONCE_OK, 0, 0},
	    {{{0, 7}}, 1, ONCE_OK, 0, 0},
	    {{{0, 7}, {0, 8}}, 2, ONCE_OK, 0, 0},
	    /* `move M000016 M000016`. */
	    {{{0, 7}, {0, 7}}, 2, ONCE_TWICE, 0, 1},
	    /* A card and a terminal may share an id: two items. */
	    {{{0, 7}, {1, 7}}, 2, ONCE_OK, 0, 0},
	    {{{1, 3}, {0, 7}, {1, 3}}, 3, ONCE_TWICE, 0, 2},
	    /* The earliest second naming is reported. */
	    {{{0, 9}, {0, 7}, {0, 7}, {0, 9}}, 4, ONCE_TWICE, 1, 2},
	    {{{0, 7}, {0, 7}, {0, 7}}, 3, ONCE_TWICE, 0, 1},
	    /* Ids far apart still compare (no subtraction overflows). */
	    {{{0, INT64_MAX}, {0, INT64_MIN}, {0, INT64_MAX}},
	     3,
	     ONCE_TWICE,
	     0,
	     2},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		size_t a = 99, b = 99;

		if (recon_items_once(t[i].v, t[i].n, &a, &b) != t[i].want ||
		    a != t[i].a || b != t[i].b)
			fail_msg("row %zu: got %zu, %zu", i, a, b);
	}
}

/* What every pair in order would say: the first j with an i < j equal. */
static enum recon_once once_by_pairs(const struct recon_ref *v, size_t n,
				     size_t *a, size_t *b)
{
	for (size_t j = 1; j < n; j++)
		for (size_t i = 0; i < j; i++)
			if (v[i].is_asset == v[j].is_asset &&
			    v[i].id == v[j].id) {
				*a = i;
				*b = j;
				return ONCE_TWICE;
			}
	*a = *b = 0;
	return ONCE_OK;
}

static void items_once_as_every_pair_would(void **state)
{
	struct recon_ref v[16];
	uint32_t seed = 4242;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n, a1 = 99, b1 = 99, a2 = 98, b2 = 98;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % 16;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			v[i].is_asset = (seed >> 16) % 2;
			v[i].id = (seed >> 18) % 24;
		}
		assert_int_equal(recon_items_once(v, n, &a1, &b1),
				 once_by_pairs(v, n, &a2, &b2));
		assert_int_equal(a1, a2);
		assert_int_equal(b1, b2);
	}
}

/* A move goes somewhere else (R13). */
static void move_dest_table(void **state)
{
	static const struct {
		int64_t at, dest;
		int want;
	} t[] = {
	    {3, 4, 0},
	    {4, 3, 0},
	    {3, 3, -1}, /* `move --to` the tray it is in */
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_move_dest(t[i].at, t[i].dest, &rule),
			   t[i].want, "another location", i);
}

/* A recount counts again what the count counted, by someone else (R7). */
static void recount_check_table(void **state)
{
	static const int64_t s2[] = {2}, s2s7[] = {2, 7};
	static const struct {
		int64_t reads, candidate;
		const int64_t *first;
		size_t n;
		enum recon_recount want;
		const char *word;
	} t[] = {
	    {5, 3, s2, 1, RECOUNT_OK, NULL},
	    {1, 3, s2s7, 2, RECOUNT_OK, NULL},
	    /* Assigned to S2 and never scanned: nobody counted it (the
	     * audit's case: it opened a recount). */
	    {0, 3, s2, 1, RECOUNT_NOT_COUNTED, "read cards"},
	    /* Neither assigned nor scanned. */
	    {0, 3, NULL, 0, RECOUNT_NOT_COUNTED, "read cards"},
	    /* Nothing to recount is said before who may. */
	    {0, 2, s2, 1, RECOUNT_NOT_COUNTED, "read cards"},
	    /* The assignee, or anyone who read cards in it, does not
	     * recount it. */
	    {5, 2, s2, 1, RECOUNT_SAME_PERSON, "different person"},
	    {5, 7, s2s7, 2, RECOUNT_SAME_PERSON, "different person"},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		const char *rule = "unset";
		enum recon_recount got = recon_recount_check(
		    t[i].reads, t[i].candidate, t[i].first, t[i].n, &rule);

		if (got != t[i].want)
			fail_msg("row %zu: got %d, want %d (%s)", i, got,
				 t[i].want, rule);
		check_rule(got == RECOUNT_OK ? 0 : -1,
			   t[i].want == RECOUNT_OK ? 0 : -1, rule, t[i].word,
			   i);
	}
}

/* ---- the tally (R12) ---- */

static void tally_close_table(void **state)
{
	static const struct {
		size_t missing;
		int witnessed, has_note;
		enum recon_tally_close want;
	} t[] = {
	    {0, 0, 0, TALLY_CLOSE_OK},
	    {0, 1, 0, TALLY_CLOSE_OK}, /* a witness is never in the way */
	    {0, 1, 1, TALLY_CLOSE_OK},
	    {1, 0, 0, TALLY_CLOSE_NEEDS_WITNESS},
	    {1, 0, 1, TALLY_CLOSE_NEEDS_WITNESS},
	    {1, 1, 0, TALLY_CLOSE_NEEDS_NOTE},
	    {3, 1, 1, TALLY_CLOSE_OK},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct recon_tally tl = {0};

		recon_tally_add(&tl, TALLY_RETURNED);
		recon_tally_add(&tl, TALLY_ISSUED);
		for (size_t k = 0; k < t[i].missing; k++)
			recon_tally_add(&tl, TALLY_MISSING);
		if (recon_tally_close_check(&tl, t[i].witnessed,
					    t[i].has_note) != t[i].want)
			fail_msg("row %zu", i);
	}
}

static void tally_close_returns_table(void **state)
{
	static const struct {
		int read_back, is_asset;
		enum card_status now;
		int want;
	} t[] = {
	    {1, 0, CARD_CHECKED_OUT, 1},
	    {1, 1, CARD_CHECKED_OUT, 1},
	    {0, 0, CARD_CHECKED_OUT, 0}, /* not read: stays out */
	    {1, 0, CARD_STORED, 0},	 /* returned since the read */
	    {1, 1, CARD_STORED, 0},
	    {1, 0, CARD_ISSUED, 0}, /* issued since the read */
	    {1, 0, CARD_LOST, 0},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		if (recon_tally_close_returns(t[i].read_back, t[i].is_asset,
					      t[i].now) != t[i].want)
			fail_msg("row %zu", i);
}

/* ---- closing a count (R8) ---- */

static void count_close_table(void **state)
{
	static const struct {
		size_t ndisc, nunresolved;
		const struct recon_person *actor, *w;
		int want;
		enum recon_close verdict;
		const char *word;
	} t[] = {
	    {0, 0, &S3, NULL, 0, CLOSE_OK, NULL},
	    /* A witness given is checked even when none is needed. */
	    {0, 0, &S3, &M1, 0, CLOSE_OK, NULL},
	    {0, 0, &S3, &S3, -1, CLOSE_OK, "another person"},
	    {0, 0, &M1, &S3, -1, CLOSE_OK, "must be a manager"},
	    {2, 0, &S3, NULL, -1, CLOSE_NEEDS_WITNESS, "witness"},
	    {2, 0, &S3, &M1, 0, CLOSE_OK, NULL},
	    {2, 1, &S3, &M1, -1, CLOSE_UNRESOLVED, "resolves each"},
	    {2, 1, &S3, NULL, -1, CLOSE_UNRESOLVED, "resolves each"},
	    {2, 0, &M1, &M1, -1, CLOSE_OK, "another person"},
	    {2, 0, &S3, &M5_OFF, -1, CLOSE_OK, "not active"},
	};
	enum recon_close v;
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		CHECK_RULE(recon_count_close(t[i].ndisc, t[i].nunresolved,
					     t[i].actor, t[i].w, &v, &rule),
			   t[i].want, t[i].word, i);
		if (v != t[i].verdict)
			fail_msg("row %zu: verdict %d, want %d", i, v,
				 t[i].verdict);
	}
}

/* ---- disposal (R16-R18) ---- */

static void dispose_accept_table(void **state)
{
	int32_t today = day("2026-06-01");
	int32_t old = day("2026-01-01"), recent = day("2026-05-01");
	const struct {
		struct recon_dispose_read r;
		enum recon_dispose_why want;
		enum recon_due_why due;
	} t[] = {
	    {{1, 0, 0, CARD_STORED, old}, DISPOSE_ACCEPTED, DUE_REMINDER},
	    {{1, 0, 0, CARD_MOVED, DATE_NONE}, DISPOSE_ACCEPTED, DUE_MOVED},
	    {{1, 0, 0, CARD_DECEASED, DATE_NONE},
	     DISPOSE_ACCEPTED,
	     DUE_DECEASED},
	    {{1, 0, 0, CARD_CANCELLED, DATE_NONE},
	     DISPOSE_ACCEPTED,
	     DUE_CANCELLED},
	    /* Already in this batch: a repeat, whatever else holds. */
	    {{1, 1, 0, CARD_STORED, old}, DISPOSE_REPEAT, DUE_NOT},
	    {{1, 1, 1, CARD_MOVED, DATE_NONE}, DISPOSE_REPEAT, DUE_NOT},
	    {{0, 0, 0, CARD_STORED, DATE_NONE}, DISPOSE_UNKNOWN, DUE_NOT},
	    /* Due, but another open batch has it. */
	    {{1, 0, 1, CARD_MOVED, DATE_NONE}, DISPOSE_IN_DISPOSAL, DUE_NOT},
	    /* Not due: a reminder too recent, or none. */
	    {{1, 0, 0, CARD_STORED, recent}, DISPOSE_NOT_DUE, DUE_NOT},
	    {{1, 0, 0, CARD_STORED, DATE_NONE}, DISPOSE_NOT_DUE, DUE_NOT},
	    {{1, 0, 1, CARD_STORED, recent}, DISPOSE_NOT_DUE, DUE_NOT},
	    /* Not in storage: never due. */
	    {{1, 0, 0, CARD_CHECKED_OUT, old}, DISPOSE_NOT_DUE, DUE_NOT},
	    {{1, 0, 0, CARD_ISSUED, old}, DISPOSE_NOT_DUE, DUE_NOT},
	    {{1, 0, 0, CARD_DISPOSED, old}, DISPOSE_NOT_DUE, DUE_NOT},
	    {{1, 0, 0, CARD_LOST, old}, DISPOSE_NOT_IN_STOCK, DUE_NOT},
	};
	enum recon_due_why due;
	int32_t since;

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		enum recon_dispose_why w = recon_dispose_accept(
		    &t[i].r, today, &recon_default_rules, &due, &since);

		if (w != t[i].want || due != t[i].due)
			fail_msg("row %zu: %s/%s, want %s/%s", i,
				 recon_dispose_why_name(w),
				 recon_due_why_name(due),
				 recon_dispose_why_name(t[i].want),
				 recon_due_why_name(t[i].due));
		if (due == DUE_REMINDER)
			assert_int_equal(since, old + 90);
		else
			assert_int_equal(since, DATE_NONE);
	}
	assert_string_equal(recon_dispose_why_name(DISPOSE_IN_DISPOSAL),
			    "in_disposal");
	assert_string_equal(recon_dispose_why_name(DISPOSE_WHY_COUNT), "?");
}

static void dispose_method_table(void **state)
{
	static const struct {
		const char *method, *cert;
		int want;
		enum recon_dispose_method out;
		const char *word;
	} t[] = {
	    {"shred", NULL, 0, DISPOSE_SHRED, NULL},
	    {"shred", "C-1", 0, DISPOSE_SHRED, NULL},
	    {"contractor", "C-1", 0, DISPOSE_CONTRACTOR, NULL},
	    {"contractor", NULL, -1, DISPOSE_CONTRACTOR, "certificate"},
	    {"contractor", "", -1, DISPOSE_CONTRACTOR, "certificate"},
	    {"burn", "C-1", -1, DISPOSE_SHRED, "shred or contractor"},
	    {"", NULL, -1, DISPOSE_SHRED, "shred or contractor"},
	    {"Shred", NULL, -1, DISPOSE_SHRED, "shred or contractor"},
	};
	enum recon_dispose_method m;
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		CHECK_RULE(
		    recon_dispose_method(t[i].method, t[i].cert, &m, &rule),
		    t[i].want, t[i].word, i);
		if (m != t[i].out)
			fail_msg("row %zu: method %d", i, m);
	}
}

/* ---- undo ---- */

static void undo_table(void **state)
{
	static const struct {
		int closed, has_read, again;
		enum recon_undo want;
	} t[] = {
	    {0, 1, 0, UNDO_OK},
	    {1, 1, 0, UNDO_CLOSED}, /* closed first: its reads stand */
	    {1, 0, 1, UNDO_CLOSED},
	    {0, 0, 0, UNDO_NOTHING},
	    {0, 0, 1, UNDO_NOTHING},
	    {0, 1, 1, UNDO_READ_AGAIN},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		if (recon_undo_allowed(t[i].closed, t[i].has_read,
				       t[i].again) != t[i].want)
			fail_msg("row %zu", i);
}

/* What receiving may bind (R1): one row per fact that decides, and the
 * order in which they are asked when several would refuse. */
static void receive_check_table(void **state)
{
	static const struct {
		struct recon_receive_in in;
		enum recon_receive want;
	} t[] = {
	    /* chip, has_card, card_bound, status, in_tray, owner */
	    {{1, 1, 0, CARD_STORED, 1, CHIP_FREE}, RECEIVE_OK},
	    {{0, 1, 0, CARD_STORED, 1, CHIP_FREE}, RECEIVE_NOT_CHIP},
	    /* A typed number is refused whatever else holds. */
	    {{0, 0, 1, CARD_ISSUED, 0, CHIP_OTHER}, RECEIVE_NOT_CHIP},
	    {{1, 1, 0, CARD_STORED, 1, CHIP_THIS_RUN}, RECEIVE_REPEAT},
	    /* The chip just bound, read again after the tray's last card:
	     * a repeat, not one card too many. */
	    {{1, 0, 0, CARD_STORED, 1, CHIP_THIS_RUN}, RECEIVE_REPEAT},
	    {{1, 0, 0, CARD_STORED, 1, CHIP_FREE}, RECEIVE_TRAY_FULL},
	    {{1, 0, 0, CARD_STORED, 1, CHIP_OTHER}, RECEIVE_TRAY_FULL},
	    {{1, 1, 1, CARD_STORED, 1, CHIP_FREE}, RECEIVE_CARD_BOUND},
	    {{1, 1, 1, CARD_STORED, 1, CHIP_OTHER}, RECEIVE_CARD_BOUND},
	    {{1, 1, 0, CARD_STORED, 1, CHIP_THIS_CARD}, RECEIVE_CARD_BOUND},
	    {{1, 1, 0, CARD_STORED, 1, CHIP_OTHER}, RECEIVE_CHIP_BOUND},
	    {{1, 1, 0, CARD_ISSUED, 1, CHIP_OTHER}, RECEIVE_CHIP_BOUND},
	    {{1, 1, 0, CARD_ISSUED, 1, CHIP_FREE}, RECEIVE_NOT_STORED},
	    {{1, 1, 0, CARD_CHECKED_OUT, 1, CHIP_FREE}, RECEIVE_NOT_STORED},
	    {{1, 1, 0, CARD_DISPOSED, 0, CHIP_FREE}, RECEIVE_NOT_STORED},
	    {{1, 1, 0, CARD_LOST, 1, CHIP_FREE}, RECEIVE_NOT_STORED},
	    {{1, 1, 0, CARD_STORED, 0, CHIP_FREE}, RECEIVE_OUTSIDE_TRAY},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		if (recon_receive_check(&t[i].in) != t[i].want)
			fail_msg("row %zu: %d, not %d", i,
				 (int)recon_receive_check(&t[i].in),
				 (int)t[i].want);
}

static void receive_tray_end_table(void **state)
{
	static const struct {
		size_t listed, bound;
		int want;
	} t[] = {
	    {3, 3, 0}, {1, 1, 0}, {3, 2, -1}, {3, 0, -1}, {1, 2, -1},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		if (recon_receive_tray_end(t[i].listed, t[i].bound) != t[i].want)
			fail_msg("row %zu", i);
}

static void undo_reason_table(void **state)
{
	static const struct {
		const char *reason;
		int want;
		const char *word;
	} t[] = {
	    {"wrong card", 0, NULL},
	    {"x", 0, NULL},
	    {"0123456789", 0, NULL}, /* exactly the maximum of the test */
	    {"01234567890", -1, "needs a reason"},
	    {"", -1, "needs a reason"},
	    {"tab\there", -1, "control character"},
	    {"line\nbreak", -1, "control character"},
	    {"del\x7f", -1, "control character"},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_undo_reason(t[i].reason, strlen(t[i].reason),
					     10, &rule),
			   t[i].want, t[i].word, i);
	CHECK_RULE(recon_undo_reason(NULL, 0, 10, &rule), -1, "needs a reason",
		   99);
}

/* ---- the loss window (R23) ---- */

static void loss_window_table(void **state)
{
	const int32_t jst = 9 * 3600;
	const int32_t d = day("2026-03-02");
	/* 2026-03-02T00:00:00+09:00 */
	const int64_t midnight = (int64_t)d * 86400 - jst;
	const struct {
		struct recon_loss_in in;
		int64_t from, to;
		int from_last_seen;
	} t[] = {
	    /* Last seen, range begun: between the two. */
	    {{5000, d, jst, 9000, 7000}, 5000, 9000, 1},
	    /* Range never begun: up to the count's start. */
	    {{5000, d, jst, 0, 7000}, 5000, 7000, 1},
	    /* Never seen: from local midnight of the day received. */
	    {{0, d, jst, 0, midnight + 86400}, midnight, midnight + 86400, 0},
	    {{0, d, 0, 0, 1}, (int64_t)d * 86400, 1, 0},
	    /* Not even received on record. */
	    {{0, DATE_NONE, jst, 0, 7000}, 0, 7000, 0},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct recon_window w;

		recon_loss_window(&t[i].in, &w);
		if (w.from != t[i].from || w.to != t[i].to ||
		    w.from_last_seen != t[i].from_last_seen)
			fail_msg("row %zu: %lld..%lld (%d)", i,
				 (long long)w.from, (long long)w.to,
				 w.from_last_seen);
	}
}

/* ---- the PIN policy ---- */

static void pin_format_table(void **state)
{
	static const struct {
		const char *pin;
		int want;
	} t[] = {
	    {"1234", 0},	   {"000000000000", 0},
	    {"123", -1},	   {"", -1},
	    {"1234567890123", -1}, {"12a4", -1},
	    {"12 34", -1},	   {" 1234", -1},
	    {"１２３４", -1},	   {"123456789012", 0},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_pin_format(t[i].pin, &rule), t[i].want,
			   "4-12 digits", i);
}

static void pin_may_try_table(void **state)
{
	static const struct {
		int active, locked, want;
		const char *word;
	} t[] = {
	    {1, 0, 0, NULL},
	    {1, 1, -1, "locked"},
	    {0, 0, -1, "not active"},
	    {0, 1, -1, "not active"},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		CHECK_RULE(recon_pin_may_try(t[i].active, t[i].locked, &rule),
			   t[i].want, t[i].word, i);
}

static void pin_locks_table(void **state)
{
	static const struct {
		int failed_before, ok, want;
	} t[] = {
	    {0, 0, 0}, {3, 0, 0}, {4, 0, 1}, /* the 5th wrong PIN locks */
	    {5, 0, 1}, {4, 1, 0},	     /* a right PIN never locks */
	    {0, 1, 0},
	};

	(void)state;
	assert_int_equal(recon_pin_policy.max_failures, 5);
	for (size_t i = 0; i < N(t); i++)
		if (recon_pin_locks(t[i].failed_before, t[i].ok) != t[i].want)
			fail_msg("row %zu", i);
}

/* ---- the state machine ---- */

#define ST CARD_STORED
#define CO CARD_CHECKED_OUT
#define IS CARD_ISSUED
#define DI CARD_DISPOSED
#define CA CARD_CANCELLED
#define MO CARD_MOVED
#define DE CARD_DECEASED
#define LO CARD_LOST
#define NO CARD_STATUS_COUNT /* refused: the status stays */

/*
 * The whole table for cards: event x status -> status after, NO when
 * refused.  Written out in full so that a change to any cell is a change
 * to this test.
 */
/* Columns, the status before: ST, CO, IS, DI, CA, MO, DE, LO. */
static const enum card_status card_table[EV_COUNT][CARD_STATUS_COUNT] = {
    [EV_IMPORT_NEW] = {ST, CO, IS, DI, CA, MO, DE, LO},
    [EV_IMPORT_DATES] = {ST, CO, IS, DI, CA, MO, DE, LO},
    [EV_APPLICANT_MOVED] = {MO, NO, NO, NO, MO, MO, MO, NO},
    [EV_APPLICANT_DECEASED] = {DE, NO, NO, NO, DE, DE, DE, NO},
    [EV_APPLICANT_CANCELLED] = {CA, NO, NO, NO, CA, CA, CA, NO},
    [EV_APPLICANT_CLEARED] = {ST, NO, NO, NO, ST, ST, ST, NO},
    [EV_CHECKOUT] = {CO, NO, NO, NO, NO, NO, NO, NO},
    [EV_RETURN] = {NO, ST, NO, NO, NO, NO, NO, NO},
    [EV_ISSUE] = {NO, IS, NO, NO, NO, NO, NO, NO},
    [EV_MOVE] = {ST, NO, NO, NO, NO, NO, NO, NO},
    [EV_DISPOSE] = {DI, NO, NO, NO, DI, DI, DI, NO},
    [EV_LOST] = {LO, NO, NO, NO, LO, LO, LO, NO},
    /* Found: back to stored when the status before is unknown. */
    [EV_FOUND] = {NO, NO, NO, NO, NO, NO, NO, ST},
};

/* Terminals: stored or checked out only. */
static const enum card_status asset_table[EV_COUNT][2] = {
    [EV_IMPORT_NEW] = {NO, NO},
    [EV_IMPORT_DATES] = {ST, CO},
    [EV_APPLICANT_MOVED] = {NO, NO},
    [EV_APPLICANT_DECEASED] = {NO, NO},
    [EV_APPLICANT_CANCELLED] = {NO, NO},
    [EV_APPLICANT_CLEARED] = {NO, NO},
    [EV_CHECKOUT] = {CO, NO},
    [EV_RETURN] = {NO, ST},
    [EV_ISSUE] = {NO, NO},
    [EV_MOVE] = {ST, NO},
    [EV_DISPOSE] = {NO, NO},
    [EV_LOST] = {NO, NO},
    [EV_FOUND] = {NO, NO},
};

static void transition_cards(void **state)
{
	(void)state;
	for (int ev = 0; ev < EV_COUNT; ev++) {
		for (int s = 0; s < CARD_STATUS_COUNT; s++) {
			struct recon_item it = {.status = (enum card_status)s,
						.before_lost = NO};
			enum card_status to, want = card_table[ev][s];
			const char *rule;
			int rc = recon_transition((enum recon_event)ev, &it,
						  &to, &rule);

			if ((rc == 0) != (want != NO) ||
			    (rc == 0 && to != want))
				fail_msg("%s from %s: rc %d to %s (%s)",
					 recon_event_name(ev),
					 card_status_name(s), rc,
					 card_status_name(to), rule);
			if (rc < 0 && (rule[0] == '\0' || to != it.status))
				fail_msg("%s from %s: a refusal without a "
					 "rule, or changing the status",
					 recon_event_name(ev),
					 card_status_name(s));
		}
	}
}

static void transition_assets(void **state)
{
	static const enum card_status st[2] = {ST, CO};

	(void)state;
	for (int ev = 0; ev < EV_COUNT; ev++) {
		for (int s = 0; s < 2; s++) {
			struct recon_item it = {
			    .is_asset = 1, .status = st[s], .before_lost = NO};
			enum card_status to, want = asset_table[ev][s];
			const char *rule;
			int rc = recon_transition((enum recon_event)ev, &it,
						  &to, &rule);

			if ((rc == 0) != (want != NO) ||
			    (rc == 0 && to != want))
				fail_msg("terminal %s from %s: rc %d (%s)",
					 recon_event_name(ev),
					 card_status_name(st[s]), rc, rule);
		}
	}
	/* A terminal in a card's state is a corrupt row: refused. */
	for (int s = CARD_ISSUED; s < CARD_STATUS_COUNT; s++) {
		struct recon_item it = {.is_asset = 1, .status = s};
		enum card_status to;
		const char *rule;

		assert_int_equal(recon_transition(EV_RETURN, &it, &to, &rule),
				 -1);
	}
}

/* The custody events say exactly what recon_custody says. */
static void transition_keeps_custody(void **state)
{
	static const struct {
		enum recon_event ev;
		enum custody_kind k;
	} map[] = {
	    {EV_CHECKOUT, CUSTODY_CHECKOUT}, {EV_RETURN, CUSTODY_RETURN},
	    {EV_ISSUE, CUSTODY_ISSUE},	     {EV_MOVE, CUSTODY_MOVE},
	    {EV_LOST, CUSTODY_LOST},	     {EV_FOUND, CUSTODY_FOUND},
	};

	(void)state;
	for (size_t i = 0; i < N(map); i++) {
		assert_int_equal(recon_custody_event(map[i].k), map[i].ev);
		for (int a = 0; a < 2; a++) {
			for (int s = 0; s < (a ? 2 : CARD_STATUS_COUNT); s++) {
				struct recon_item it = {.is_asset = a,
							.status = s,
							.before_lost = NO};
				enum card_status t1, t2;
				const char *r1, *r2;
				int c1 =
				    recon_custody(map[i].k, a, s, &t1, &r1);
				int c2 =
				    recon_transition(map[i].ev, &it, &t2, &r2);

				assert_int_equal(c1, c2);
				if (c1 == 0)
					assert_int_equal(t1, t2);
				else
					assert_string_equal(r1, r2);
			}
		}
	}
}

/* Found returns to what the card was when declared lost, if in storage. */
static void transition_found(void **state)
{
	static const struct {
		enum card_status before, want;
	} t[] = {
	    {ST, ST}, {MO, MO}, {DE, DE}, {CA, CA},
	    {CO, ST}, {IS, ST}, {LO, ST}, {NO, ST},
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct recon_item it = {.status = LO,
					.before_lost = t[i].before};
		enum card_status to;
		const char *rule;

		assert_int_equal(recon_transition(EV_FOUND, &it, &to, &rule),
				 0);
		if (to != t[i].want || to != recon_found_status(t[i].before))
			fail_msg("row %zu: found as %s", i,
				 card_status_name(to));
	}
}

/* ---- what an import may change ---- */

static void import_status_table(void **state)
{
	static const struct {
		int exists;
		enum card_status from, to;
		int want;
		enum recon_event ev; /* when allowed */
		const char *word;    /* when refused: the command named */
	} t[] = {
	    /* New cards: as the list says. */
	    {0, ST, ST, 0, EV_IMPORT_NEW, NULL},
	    {0, ST, IS, 0, EV_IMPORT_NEW, NULL},
	    {0, ST, LO, 0, EV_IMPORT_NEW, NULL},
	    {0, ST, CO, 0, EV_IMPORT_NEW, NULL},
	    /* Same status: dates only. */
	    {1, ST, ST, 0, EV_IMPORT_DATES, NULL},
	    {1, CO, CO, 0, EV_IMPORT_DATES, NULL},
	    {1, DI, DI, 0, EV_IMPORT_DATES, NULL},
	    {1, LO, LO, 0, EV_IMPORT_DATES, NULL},
	    /* The applicant events, for cards in storage. */
	    {1, ST, MO, 0, EV_APPLICANT_MOVED, NULL},
	    {1, ST, DE, 0, EV_APPLICANT_DECEASED, NULL},
	    {1, ST, CA, 0, EV_APPLICANT_CANCELLED, NULL},
	    {1, MO, DE, 0, EV_APPLICANT_DECEASED, NULL},
	    {1, MO, ST, 0, EV_APPLICANT_CLEARED, NULL},
	    {1, CA, ST, 0, EV_APPLICANT_CLEARED, NULL},
	    /* ... never for a card out of storage. */
	    {1, CO, MO, -1, EV_COUNT, "cardtally return"},
	    {1, LO, DE, -1, EV_COUNT, "cardtally count resolve"},
	    {1, IS, CA, -1, EV_COUNT, "issued"},
	    {1, DI, MO, -1, EV_COUNT, "disposed"},
	    /* The office's own steps, refused with the command to use. */
	    {1, ST, DI, -1, EV_COUNT, "cardtally dispose"},
	    {1, MO, DI, -1, EV_COUNT, "cardtally dispose"},
	    {1, ST, LO, -1, EV_COUNT, "cardtally count resolve"},
	    {1, ST, CO, -1, EV_COUNT, "cardtally checkout"},
	    {1, CO, ST, -1, EV_COUNT, "cardtally return"},
	    {1, CO, IS, -1, EV_COUNT, "cardtally issue"},
	    {1, ST, IS, -1, EV_COUNT, "cardtally issue"},
	    {1, LO, ST, -1, EV_COUNT, "cardtally count resolve"},
	    {1, IS, ST, -1, EV_COUNT, "issued"},
	    {1, DI, ST, -1, EV_COUNT, "disposed"},
	    {1, CO, DI, -1, EV_COUNT, "cardtally dispose"},
	};
	enum recon_event ev;
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		ev = EV_COUNT;
		CHECK_RULE(recon_import_status(t[i].exists, t[i].from, t[i].to,
					       &ev, &rule),
			   t[i].want, t[i].word, i);
		if (t[i].want == 0 && ev != t[i].ev)
			fail_msg("row %zu: event %s", i, recon_event_name(ev));
		/* The hook differs in one row, below. */
		if (t[i].exists && t[i].from == CO && t[i].to == ST)
			continue;
		CHECK_RULE(recon_import_status_rule(t[i].exists, t[i].from,
						    t[i].to, &rule),
			   t[i].want, t[i].word, i);
	}
	/* A list's "stored" for a card at the window: it stays there. */
	assert_int_equal(recon_import_status_rule(1, CO, ST, &rule), 1);
	assert_string_equal(rule, "");
	/* ... a card new to the ledger is as the list says. */
	assert_int_equal(recon_import_status_rule(0, ST, ST, &rule), 0);
}

/*
 * Every refusal of an import names a command or says why none applies,
 * and fits an import problem's reason with the two statuses before it.
 */
static void import_status_every_pair(void **state)
{
	(void)state;
	for (int f = 0; f < CARD_STATUS_COUNT; f++) {
		for (int t = 0; t < CARD_STATUS_COUNT; t++) {
			enum recon_event ev;
			const char *rule;

			if (recon_import_status(1, f, t, &ev, &rule) == 0) {
				struct recon_item it = {.status = f};
				enum card_status to;

				assert_int_equal(
				    recon_transition(ev, &it, &to, &rule), 0);
				assert_int_equal(to, t);
				continue;
			}
			if (!strstr(rule, "`cardtally ") &&
			    !strstr(rule, "no longer stock"))
				fail_msg("%s -> %s: %s", card_status_name(f),
					 card_status_name(t), rule);
			assert_true(strlen(rule) + 32 < 160);
		}
	}
}

/* A new terminal's code and tag name it alone (R11); the code is judged
 * first, and a terminal without a tag has no tag to clash. */
static void asset_add_check(void **state)
{
	static const struct {
		struct recon_asset_names n;
		enum recon_asset_add want;
	} t[] = {
	    {{0, 0, 0, 0, 0}, ASSET_ADD_OK},
	    {{0, 0, 1, 0, 0}, ASSET_ADD_OK},
	    {{1, 0, 1, 1, 0}, ASSET_CODE_IS_CARD},
	    {{0, 1, 1, 0, 1}, ASSET_CODE_TAKEN},
	    {{0, 0, 1, 1, 0}, ASSET_TAG_IS_CARD},
	    {{0, 0, 1, 0, 1}, ASSET_TAG_TAKEN},
	    {{0, 0, 0, 1, 1}, ASSET_ADD_OK}, /* no tag given */
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		if (recon_asset_add_check(&t[i].n) != t[i].want)
			fail_msg("row %zu: got %d, want %d", i,
				 recon_asset_add_check(&t[i].n), t[i].want);
}

/* A new key holder's place (R15): a person holds one place, a place has
 * one person; the person is named before the place. */
static void key_holder_place(void **state)
{
	static const char *const codes[] = {"M01", "S02", "S05"};
	static const int orders[] = {1, 2, 5};
	static const struct {
		const char *code;
		int order, want;
		size_t at;
	} t[] = {
	    {"S03", 3, 0, 0},
	    {"S03", 6, 0, 0},
	    {"S03", 2, KEY_PLACE_TAKEN, 1},
	    {"S03", 5, KEY_PLACE_TAKEN, 2},
	    {"S02", 3, KEY_PLACE_HELD, 1},
	    {"S02", 2, KEY_PLACE_HELD, 1}, /* the place it has */
	    {"S05", 1, KEY_PLACE_HELD, 2}, /* named before the place */
	    {"s02", 3, 0, 0},		   /* codes are exact */
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		size_t at = 99;
		int rc = recon_key_holder_place(codes, orders, N(codes),
						t[i].code, t[i].order, &at);

		if (rc != t[i].want || (rc && at != t[i].at))
			fail_msg("row %zu: got %d at %zu, want %d at %zu", i,
				 rc, at, t[i].want, t[i].at);
	}
	/* Nobody named yet: every place is free. */
	assert_int_equal(
	    recon_key_holder_place(codes, orders, 0, "S02", 1, &(size_t){0}),
	    0);
}

/* A stock list row's dates on the day of the import (R2, R17): none to
 * come, the notice not before the card, the reminder not before either. */
static void import_dates(void **state)
{
	static const struct {
		const char *received, *notice, *reminder;
		int want, which;
		const char *word;
	} t[] = {
	    {"2026-03-01", NULL, NULL, 0, 0, NULL},
	    {"2026-03-02", NULL, NULL, 0, 0, NULL}, /* today */
	    {"2026-03-03", NULL, NULL, -1, 0, "after today"},
	    {"2026-03-01", "2026-03-02", NULL, 0, 0, NULL},
	    {"2026-03-01", "2026-03-03", NULL, -1, 1, "after today"},
	    {"2026-03-01", NULL, "2026-03-03", -1, 2, "after today"},
	    /* the first date at fault is named */
	    {"2027-01-01", "2027-01-02", NULL, -1, 0, "after today"},
	    {"2026-01-10", "2026-01-10", NULL, 0, 0, NULL},
	    {"2026-01-10", "2026-01-09", NULL, -1, 1, "received"},
	    {"2026-01-10", "2026-01-12", "2026-02-01", 0, 0, NULL},
	    {"2026-01-10", "2026-01-12", "2026-01-12", 0, 0, NULL},
	    {"2026-01-10", "2026-01-12", "2026-01-11", -1, 2, "notice"},
	    {"2026-01-10", NULL, "2026-01-10", 0, 0, NULL},
	    {"2026-01-10", NULL, "2026-01-09", -1, 2, "received"},
	    /* a notice before the card is named before the reminder */
	    {"2026-01-10", "2026-01-09", "2026-01-08", -1, 1, "received"},
	};
	const int32_t today = day("2026-03-02");
	const char *rule;

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int32_t d[3] = {day(t[i].received),
				t[i].notice ? day(t[i].notice) : DATE_NONE,
				t[i].reminder ? day(t[i].reminder) : DATE_NONE};
		int which = -1;

		CHECK_RULE(recon_import_dates_rule(d, today, &which, &rule),
			   t[i].want, t[i].word, i);
		if (t[i].want && which != t[i].which)
			fail_msg("row %zu: date %d named, want %d", i, which,
				 t[i].which);
	}
}

/* ---- backups and restore ---- */

/* Which of stamps recon_backup_keep keeps, as a string of 0 and 1. */
static void keep_of(const int64_t *stamps, size_t n, int daily, int monthly,
		    char *out)
{
	unsigned char keep[64];

	assert_true(n <= sizeof(keep));
	assert_int_equal(recon_backup_keep(stamps, n, daily, monthly, keep),
			 0);
	for (size_t i = 0; i < n; i++)
		out[i] = keep[i] ? '1' : '0';
	out[n] = '\0';
}

static void backup_keep_table(void **state)
{
	char got[65];
	unsigned char k[1];
	int64_t one = 20260305100000LL;

	(void)state;
	/* A day's newest copy, the 2 newest days; a month's first, the 2
	 * newest months.  In no particular order. */
	{
		static const int64_t v[] = {
		    20260305100000LL, /* newest day: kept (daily) */
		    20260305080000LL, /* earlier the same day: goes */
		    20260304190000LL, /* 2nd day's newest: kept */
		    20260304080000LL, /* goes */
		    20260303190000LL, /* 3rd day: too old for daily */
		    20260301080000LL, /* March's first: kept (monthly) */
		    20260301190000LL, /* not March's first: goes */
		    20260215120000LL, /* February's first: kept */
		    20260110120000LL, /* January: 3rd month, goes */
		};
		keep_of(v, sizeof(v) / sizeof(v[0]), 2, 2, got);
		assert_string_equal(got, "101001010");
	}
	/* keep_monthly 0: days only; one copy is always kept. */
	{
		static const int64_t v[] = {20260101000000LL, 20251201000000LL};

		keep_of(v, 2, 1, 0, got);
		assert_string_equal(got, "10");
	}
	/* Two copies of the same second: one of them is the day's. */
	{
		static const int64_t v[] = {20260101000000LL, 20260101000000LL};

		keep_of(v, 2, 1, 0, got);
		assert_string_equal(got, "01");
	}
	/* Months across a year's end count in order. */
	{
		static const int64_t v[] = {20251231230000LL, 20260101000100LL,
					    20251101000000LL};

		keep_of(v, 3, 1, 2, got);
		assert_string_equal(got, "110");
	}
	assert_int_equal(recon_backup_keep(&one, 1, 0, 12, k), -1);
	assert_int_equal(recon_backup_keep(&one, 1, 14, -1, k), -1);
	assert_int_equal(recon_backup_keep(NULL, 0, 14, 12, k), 0);
}

static void restore_allowed_table(void **state)
{
	static const struct {
		enum recon_chain chain;
		int force;
		size_t reason;
		int want;
		const char *rule; /* a word of the refusal */
	} t[] = {
	    {CHAIN_NO_LEDGER, 0, 0, 0, ""},
	    {CHAIN_SAME, 0, 0, 0, ""},
	    {CHAIN_AHEAD, 0, 0, 0, ""},
	    {CHAIN_AHEAD, 1, 4, 0, ""},
	    {CHAIN_BEHIND, 0, 0, -1, "older"},
	    {CHAIN_BEHIND, 0, 4, -1, "older"},
	    {CHAIN_BEHIND, 1, 0, -1, "needs a reason"},
	    {CHAIN_BEHIND, 1, 4, 0, ""},
	    {CHAIN_DIVERGED, 0, 0, -1, "another history"},
	    {CHAIN_DIVERGED, 1, 0, -1, "needs a reason"},
	    {CHAIN_DIVERGED, 1, 4, 0, ""},
	    {(enum recon_chain)99, 1, 4, -1, "unknown"},
	};
	const char *rule;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = recon_restore_allowed(t[i].chain, t[i].force,
					       t[i].reason, &rule);

		assert_int_equal(rc, t[i].want);
		assert_non_null(strstr(rule, t[i].rule));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(other_person_table),
	    cmocka_unit_test(witness_table),
	    cmocka_unit_test(key_holder_table),
	    cmocka_unit_test(key_approver_table),
	    cmocka_unit_test(key_handover_table),
	    cmocka_unit_test(assignee_table),
	    cmocka_unit_test(ranges_table),
	    cmocka_unit_test(ranges_as_every_pair_would),
	    cmocka_unit_test(assign_once_table),
	    cmocka_unit_test(items_once_table),
	    cmocka_unit_test(items_once_as_every_pair_would),
	    cmocka_unit_test(move_dest_table),
	    cmocka_unit_test(recount_check_table),
	    cmocka_unit_test(tally_close_table),
	    cmocka_unit_test(tally_close_returns_table),
	    cmocka_unit_test(count_close_table),
	    cmocka_unit_test(dispose_accept_table),
	    cmocka_unit_test(dispose_method_table),
	    cmocka_unit_test(undo_table),
	    cmocka_unit_test(undo_reason_table),
	    cmocka_unit_test(loss_window_table),
	    cmocka_unit_test(pin_format_table),
	    cmocka_unit_test(pin_may_try_table),
	    cmocka_unit_test(pin_locks_table),
	    cmocka_unit_test(transition_cards),
	    cmocka_unit_test(transition_assets),
	    cmocka_unit_test(transition_keeps_custody),
	    cmocka_unit_test(transition_found),
	    cmocka_unit_test(import_status_table),
	    cmocka_unit_test(import_status_every_pair),
	    cmocka_unit_test(import_dates),
	    cmocka_unit_test(key_holder_place),
	    cmocka_unit_test(asset_add_check),
	    cmocka_unit_test(receive_check_table),
	    cmocka_unit_test(receive_tray_end_table),
	    cmocka_unit_test(backup_keep_table),
	    cmocka_unit_test(restore_allowed_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
