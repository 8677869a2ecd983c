/*
 * The counting programme's rules (R5, R6), as pure functions over plain
 * data: who counts which range of a count (the rotation planner), whether a
 * manual assignment keeps the rotation rule, which ranges a cycle plan
 * counts card by card in which month, and how a count-only total compares
 * with the ledger.  No I/O, no SQLite, no clock: months and days are
 * parameters.  Unit- and property-tested in tests/test_plan.c.
 *
 * Order of calls for a count: fill plan_person[] and plan_range[] (the
 * caller owns both, and every pointer in them, for the duration of the
 * call), then plan_assign; plan_explain says why a range stayed without
 * anyone.  plan_check judges one proposed person for one range.
 */
#ifndef CT_PLAN_H
#define CT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "../common/model.h"

/* R6: the same person may count a range at most this many counts in a
 * row; the next count of it is someone else's. */
#define PLAN_ROTATION 2

/* A person the planner may give ranges to. */
struct plan_person {
	const char *code;
	enum staff_role role;
	int active;  /* 0: no longer works here */
	int locked;  /* 1: locked after wrong PINs until a manager unlocks */
	int trained; /* passes the training gate for work with cards today */
};

/* One earlier count of a range, and who counted the range in it (its
 * assignee, and whoever read cards or typed a total into it). */
struct plan_count {
	int64_t session;
	int32_t day;	    /* the day the count started */
	const int32_t *who; /* indices into the people */
	size_t nwho;
};

struct plan_range {
	const char *path;
	int64_t cards; /* cards expected in it; weighs in ties only */
	/* Its earlier counts, newest first; only the first PLAN_ROTATION
	 * matter. */
	const struct plan_count *hist;
	size_t nhist;
	/* A person given it already (kept, unless inactive or locked since:
	 * then planned again), or -1: to plan. */
	int32_t fixed;
};

/* Why a person may not count a range; the first that applies, in the
 * order inactive, locked, role, untrained, rotation (the values are
 * names, not that order). */
enum plan_bar {
	PLAN_OK = 0,
	PLAN_BAR_INACTIVE,  /* not active */
	PLAN_BAR_ROLE,	    /* the permission matrix (ACT_SCAN) */
	PLAN_BAR_UNTRAINED, /* the training gate (R20) */
	PLAN_BAR_ROTATION,  /* counted it in each of its last two counts */
	PLAN_BAR_LOCKED,    /* locked after wrong PINs: cannot log in */
};

/* Whether people[person] may be given range r. */
enum plan_bar plan_check(const struct plan_range *r,
			 const struct plan_person *people, int32_t person);
/* "ok", "inactive", "role", "untrained", "rotation", "locked". */
const char *plan_bar_name(enum plan_bar b);

/*
 * One sentence on why people[person] may not be given range r (bar is
 * plan_check's answer), naming the rule; for the rotation rule it names
 * the two earlier counts (session and day).  Written into buf (cap bytes,
 * truncated to fit).
 */
void plan_bar_explain(enum plan_bar bar, const struct plan_range *r,
		      const struct plan_person *people, int32_t person,
		      char *buf, size_t cap);

/*
 * Gives every range that is not fixed to one person allowed to count it
 * (plan_check), spreading the work: out[i] is the person for range i (for a
 * fixed range, its fixed person), or -1 when nobody may count it.  Ranges
 * with the fewest candidates are placed first; each goes to the candidate
 * with the fewest ranges so far (fixed ones included), then the fewest
 * cards, then `prefer` (the person opening the count, or -1), then the
 * lowest index.  Single moves then even out what greedy placing left.
 *
 * The bound guaranteed on return: for every planned range given to p, every
 * person q allowed to count it holds at least (ranges of p) - 1 ranges.  So
 * when everyone may count everything, the most and the least loaded person
 * differ by at most one range.  A range is left without anyone only when
 * no person may count it: ranges never compete for people.
 *
 * Deterministic: the same input gives the same output.  Returns 0, or -1
 * when out of memory (out then undefined).
 */
int plan_assign(const struct plan_range *ranges, size_t nranges,
		const struct plan_person *people, size_t npeople,
		int32_t prefer, int32_t *out);

/*
 * Why range r has nobody: every person's bar, grouped, e.g. "S02 counted it
 * in each of its last two counts (sessions 3 and 5) and nobody else is
 * active, trained and allowed to count (M01 not trained,
 * P04 part-time)".  Written into buf (cap bytes, truncated to fit).
 */
void plan_explain(const struct plan_range *r, const struct plan_person *people,
		  size_t npeople, char *buf, size_t cap);

/*
 * The same reason as data, for a front end to word in its language:
 * plan_why_of records it, plan_why_text words it.  The people barred by
 * the rotation rule and the range's last two counts, then every person
 * barred for another reason with that reason, in people's order; past
 * PLAN_WHY_MAX of each, only how many more.
 */
#define PLAN_WHY_MAX 32
#define PLAN_WHY_CODE 33 /* a staff code and its NUL */

struct plan_why_other {
	char code[PLAN_WHY_CODE];
	enum plan_bar bar;    /* not PLAN_OK, not PLAN_BAR_ROTATION */
	enum staff_role role; /* for PLAN_BAR_ROLE */
};

struct plan_why {
	int64_t older, newer; /* the two counts of the rotation rule */
	size_t nrot, nother;  /* how many, even past PLAN_WHY_MAX */
	char rot[PLAN_WHY_MAX][PLAN_WHY_CODE];
	struct plan_why_other other[PLAN_WHY_MAX];
};

void plan_why_of(const struct plan_range *r, const struct plan_person *people,
		 size_t npeople, struct plan_why *out);
/*
 * Words w into buf (cap bytes, truncated to fit).  tr translates each
 * message of the sentence (the msgids marked N_ in plan.c, and the role
 * names of model.c), e.g. the front end's gettext; NULL: English, the
 * text of plan_explain.  reconcile/ only names the messages.
 */
void plan_why_text(const struct plan_why *w, const char *(*tr)(const char *),
		   char *buf, size_t cap);

/* ---- cycle plans (R5) ---- */

#define PLAN_CYCLE_MAX_MONTHS 12

/* Months are counted as year * 12 + (month - 1): "2026-03" is 24314. */
int plan_month_parse(const char *s, int32_t *month);
/* "YYYY-MM" into out (8 bytes). */
void plan_month_format(int32_t month, char out[8]);
/* The month of a day (days since 1970-01-01), and its first day. */
int32_t plan_month_of_day(int32_t day);
int32_t plan_month_first_day(int32_t month);

/* A range to be put in a cycle: when it was last counted card by card. */
struct plan_cycle_range {
	const char *path;
	int32_t last_full; /* day, or DATE_NONE: never */
};

/* ceil(n / months): how many ranges a month counts card by card. */
size_t plan_cycle_share(size_t n, int months);

/*
 * The cycle: month[i] (0 .. months-1) is the month of the cycle in which
 * range i gets its full count.  Ranges never counted come first, then the
 * longest uncounted, ties by path; month m takes the next
 * plan_cycle_share() of them, so every range has exactly one month and a
 * range counted longer ago never comes later than one counted more
 * recently.  In the other months of the cycle a range gets a count-only
 * check.  Returns 0, -1 when months is outside 1 .. PLAN_CYCLE_MAX_MONTHS,
 * or -2 when out of memory.
 */
int plan_cycle(const struct plan_cycle_range *r, size_t n, int months,
	       int32_t *month);

enum plan_due {
	PLAN_DUE_DONE = 0, /* fully counted since the cycle began */
	PLAN_DUE_LATER,	   /* its month is still to come */
	PLAN_DUE_NOW,	   /* its month is this month */
	PLAN_DUE_OVERDUE,  /* its month is past and it was not counted */
};

/*
 * Where a range of a cycle that began in month `start` stands in month
 * `now`, given its planned month `planned` (0-based in the cycle) and the
 * day of its last full count (DATE_NONE: never).
 */
enum plan_due plan_cycle_state(int32_t start, int planned, int32_t now,
			       int32_t last_full);
/* "done", "later", "due", "overdue". */
const char *plan_due_name(enum plan_due d);

/* ---- count-only checks (R5) ---- */

enum plan_total {
	PLAN_TOTAL_OK = 0, /* the total matches the ledger */
	PLAN_TOTAL_SHORT,  /* fewer cards counted than the ledger holds */
	PLAN_TOTAL_OVER,   /* more */
	PLAN_TOTAL_NONE,   /* no total recorded for the range */
};

/* Compares a counted total (-1: none recorded) with the number of cards the
 * ledger says are in the range. */
enum plan_total plan_total_compare(int64_t expected, int64_t counted);
/* "ok", "short", "over", "not_counted". */
const char *plan_total_name(enum plan_total t);

#endif
