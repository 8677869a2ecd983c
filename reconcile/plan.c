/*
 * The rotation planner, the cycle planner and the count-only comparison
 * (see plan.h).  Everything here is a pure function of its arguments; the
 * only allocations are scratch arrays freed before returning.
 */
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recon.h"

/* ---- who may count a range ---- */

static int counted_by(const struct plan_count *c, int32_t person)
{
	for (size_t i = 0; i < c->nwho; i++)
		if (c->who[i] == person)
			return 1;
	return 0;
}

/* 1 when person counted r in each of its last PLAN_ROTATION counts. */
static int rotation_bars(const struct plan_range *r, int32_t person)
{
	if (r->nhist < PLAN_ROTATION)
		return 0;
	for (size_t k = 0; k < PLAN_ROTATION; k++)
		if (!counted_by(&r->hist[k], person))
			return 0;
	return 1;
}

enum plan_bar plan_check(const struct plan_range *r,
			 const struct plan_person *people, int32_t person)
{
	const struct plan_person *p = &people[person];
	const char *rule;

	if (!p->active)
		return PLAN_BAR_INACTIVE;
	/* A locked account cannot log in to scan: proposing it would
	 * leave the range uncounted. */
	if (p->locked)
		return PLAN_BAR_LOCKED;
	if (recon_permit(p->role, ACT_SCAN, &rule) != 0)
		return PLAN_BAR_ROLE;
	if (!p->trained)
		return PLAN_BAR_UNTRAINED;
	if (rotation_bars(r, person))
		return PLAN_BAR_ROTATION;
	return PLAN_OK;
}

const char *plan_bar_name(enum plan_bar b)
{
	static const char *const names[] = {"ok",	 "inactive", "role",
					    "untrained", "rotation", "locked"};

	return (unsigned)b < sizeof(names) / sizeof(names[0]) ? names[b] : "?";
}

/* Appends printf-style text to buf, keeping it NUL-terminated however
 * long the text gets. */
static void __attribute__((format(printf, 3, 4)))
append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strnlen(buf, cap);
	va_list ap;

	if (cap == 0 || len + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
}

void plan_bar_explain(enum plan_bar bar, const struct plan_range *r,
		      const struct plan_person *people, int32_t person,
		      char *buf, size_t cap)
{
	const struct plan_person *p = &people[person];
	const char *rule = "";
	char d0[11], d1[11];

	if (cap)
		buf[0] = '\0';
	switch (bar) {
	case PLAN_OK:
		append(buf, cap, "%s may count %s", p->code, r->path);
		break;
	case PLAN_BAR_INACTIVE:
		append(buf, cap, "%s is not active", p->code);
		break;
	case PLAN_BAR_LOCKED:
		append(buf, cap,
		       "account %s is locked after wrong PINs: a manager must "
		       "unlock it",
		       p->code);
		break;
	case PLAN_BAR_ROLE:
		recon_permit(p->role, ACT_SCAN, &rule);
		append(buf, cap, "%s (%s is %s)", rule, p->code,
		       staff_role_name(p->role));
		break;
	case PLAN_BAR_UNTRAINED:
		append(buf, cap,
		       "training gate (R20): %s lacks the training required "
		       "for work with cards",
		       p->code);
		break;
	case PLAN_BAR_ROTATION:
		date_format(r->hist[1].day, d1);
		date_format(r->hist[0].day, d0);
		append(buf, cap,
		       "rotation rule (R6): %s counted %s in each of its last "
		       "two counts (session %lld on %s and session %lld on "
		       "%s); the third time someone else must",
		       p->code, r->path, (long long)r->hist[1].session, d1,
		       (long long)r->hist[0].session, d0);
		break;
	}
}

/* ---- the planner ---- */

struct order_key {
	size_t range;
	size_t candidates;
	const char *path;
};

static int by_candidates(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;

	if (x->candidates != y->candidates)
		return x->candidates < y->candidates ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* 1 when person a is a better pick than b for the next range. */
static int better(int32_t a, int32_t b, const size_t *load,
		  const int64_t *cards, int32_t prefer)
{
	if (b < 0)
		return 1;
	if (load[a] != load[b])
		return load[a] < load[b];
	if (cards[a] != cards[b])
		return cards[a] < cards[b];
	if ((a == prefer) != (b == prefer))
		return a == prefer;
	return a < b;
}

int plan_assign(const struct plan_range *ranges, size_t nranges,
		const struct plan_person *people, size_t npeople,
		int32_t prefer, int32_t *out)
{
	size_t *load = calloc(npeople ? npeople : 1, sizeof(*load));
	int64_t *cards = calloc(npeople ? npeople : 1, sizeof(*cards));
	struct order_key *order = calloc(nranges ? nranges : 1, sizeof(*order));
	size_t cells = nranges * npeople;
	unsigned char *ok = calloc(cells > 0 ? cells : 1, 1);
	size_t norder = 0;
	int rc = -1;

	if (!load || !cards || !order || !ok)
		goto out;
	for (size_t i = 0; i < nranges; i++) {
		const struct plan_range *r = &ranges[i];

		out[i] = -1;
		/* A range given to someone who has since been locked out
		 * or has left is planned again: keeping it would propose an
		 * account that cannot log in to count (issue 18). */
		if (r->fixed >= 0 && (size_t)r->fixed < npeople &&
		    people[r->fixed].active && !people[r->fixed].locked) {
			out[i] = r->fixed;
			load[r->fixed]++;
			cards[r->fixed] += r->cards;
			continue;
		}
		order[norder].range = i;
		order[norder].path = r->path;
		for (size_t p = 0; p < npeople; p++) {
			ok[i * npeople + p] =
			    plan_check(r, people, (int32_t)p) == PLAN_OK;
			order[norder].candidates += ok[i * npeople + p];
		}
		norder++;
	}
	/* The most constrained ranges first, so that a range only one person
	 * may count does not find that person already loaded by ranges that
	 * anyone could have taken. */
	qsort(order, norder, sizeof(*order), by_candidates);
	for (size_t k = 0; k < norder; k++) {
		size_t i = order[k].range;
		int32_t pick = -1;

		for (size_t p = 0; p < npeople; p++)
			if (ok[i * npeople + p] &&
			    better((int32_t)p, pick, load, cards, prefer))
				pick = (int32_t)p;
		out[i] = pick;
		if (pick >= 0) {
			load[pick]++;
			cards[pick] += ranges[i].cards;
		}
	}
	/*
	 * Greedy placing can leave a person two ranges ahead of someone who
	 * could have taken one of them.  Move such a range until none is
	 * left: each move lowers the sum of squared loads, so this ends.
	 */
	for (int moved = 1; moved;) {
		moved = 0;
		for (size_t k = 0; k < norder; k++) {
			size_t i = order[k].range;
			int32_t from = out[i], to = -1;

			if (from < 0)
				continue;
			for (size_t p = 0; p < npeople; p++)
				if (ok[i * npeople + p] &&
				    load[p] + 2 <= load[from] &&
				    better((int32_t)p, to, load, cards, prefer))
					to = (int32_t)p;
			if (to < 0)
				continue;
			load[from]--;
			cards[from] -= ranges[i].cards;
			load[to]++;
			cards[to] += ranges[i].cards;
			out[i] = to;
			moved = 1;
		}
	}
	rc = 0;
out:
	free(load);
	free(cards);
	free(order);
	free(ok);
	return rc;
}

#define N_(s) s

void plan_why_of(const struct plan_range *r, const struct plan_person *people,
		 size_t npeople, struct plan_why *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t p = 0; p < npeople; p++) {
		enum plan_bar b = plan_check(r, people, (int32_t)p);

		if (b == PLAN_OK)
			continue;
		if (b == PLAN_BAR_ROTATION) {
			if (out->nrot < PLAN_WHY_MAX)
				snprintf(out->rot[out->nrot], PLAN_WHY_CODE,
					 "%s", people[p].code);
			out->nrot++;
			continue;
		}
		if (out->nother < PLAN_WHY_MAX) {
			struct plan_why_other *o = &out->other[out->nother];

			snprintf(o->code, sizeof(o->code), "%s",
				 people[p].code);
			o->bar = b;
			o->role = people[p].role;
		}
		out->nother++;
	}
	if (out->nrot) {
		out->older = r->hist[1].session;
		out->newer = r->hist[0].session;
	}
}

/* msgid through tr, or itself in English. */
static const char *__attribute__((format_arg(2)))
word(const char *(*tr)(const char *), const char *msgid)
{
	return tr ? tr(msgid) : msgid;
}

void plan_why_text(const struct plan_why *w, const char *(*tr)(const char *),
		   char *buf, size_t cap)
{
	char who[PLAN_WHY_MAX * (PLAN_WHY_CODE + 2) + 32] = "";
	size_t nrot = w->nrot < PLAN_WHY_MAX ? w->nrot : PLAN_WHY_MAX;
	size_t nother = w->nother < PLAN_WHY_MAX ? w->nother : PLAN_WHY_MAX;

	if (cap)
		buf[0] = '\0';
	for (size_t i = 0; i < nrot; i++)
		append(who, sizeof(who), "%s%s", i ? ", " : "", w->rot[i]);
	if (w->nrot > nrot)
		append(who, sizeof(who), word(tr, N_(" and %zu more")),
		       w->nrot - nrot);
	if (w->nrot)
		append(buf, cap,
		       word(tr, N_("%s counted it in each of its last two "
				   "counts (sessions %lld and %lld) and nobody "
				   "else is active, trained and allowed to "
				   "count")),
		       who, (long long)w->older, (long long)w->newer);
	else
		append(buf, cap, "%s",
		       word(tr, N_("nobody is active, trained and allowed to "
				   "count")));
	for (size_t i = 0; i < nother; i++) {
		const struct plan_why_other *o = &w->other[i];
		const char *what = o->bar == PLAN_BAR_INACTIVE ? N_("not active")
				   : o->bar == PLAN_BAR_LOCKED ? N_("locked")
				   : o->bar == PLAN_BAR_UNTRAINED
				       ? N_("not trained")
				       : staff_role_name(o->role);

		append(buf, cap, "%s%s %s", i ? ", " : " (", o->code,
		       word(tr, what));
	}
	if (w->nother > nother)
		append(buf, cap, word(tr, N_(" and %zu more")),
		       w->nother - nother);
	if (nother)
		append(buf, cap, ")");
}

void plan_explain(const struct plan_range *r, const struct plan_person *people,
		  size_t npeople, char *buf, size_t cap)
{
	struct plan_why w;

	plan_why_of(r, people, npeople, &w);
	plan_why_text(&w, NULL, buf, cap);
}

/* ---- cycle plans ---- */

int plan_month_parse(const char *s, int32_t *month)
{
	int y = 0, m = 0;

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < 1900 || m < 1 || m > 12)
		return -1;
	*month = y * 12 + (m - 1);
	return 0;
}

void plan_month_format(int32_t month, char out[8])
{
	unsigned y = (unsigned)(month / 12) % 10000, m = (unsigned)(month % 12);

	snprintf(out, 8, "%04u-%02u", y, (m + 1) % 100);
}

int32_t plan_month_of_day(int32_t day)
{
	char s[11];

	date_format(day, s);
	return (int32_t)(atoi(s) * 12 + atoi(s + 5) - 1);
}

int32_t plan_month_first_day(int32_t month)
{
	char s[16];
	int32_t d = 0;
	unsigned y = (unsigned)(month / 12) % 10000, m = (unsigned)(month % 12);

	snprintf(s, sizeof(s), "%04u-%02u-01", y, (m + 1) % 100);
	if (date_parse(s, 10, &d) < 0)
		return DATE_NONE;
	return d;
}

size_t plan_cycle_share(size_t n, int months)
{
	if (months <= 0)
		return n;
	return (n + (size_t)months - 1) / (size_t)months;
}

struct cycle_key {
	size_t range;
	int32_t last;
	const char *path;
};

static int oldest_first(const void *a, const void *b)
{
	const struct cycle_key *x = a, *y = b;

	/* DATE_NONE is the smallest day: never counted sorts first. */
	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	return strcmp(x->path, y->path);
}

int plan_cycle(const struct plan_cycle_range *r, size_t n, int months,
	       int32_t *month)
{
	struct cycle_key *k;
	size_t share;

	if (months < 1 || months > PLAN_CYCLE_MAX_MONTHS)
		return -1;
	k = calloc(n ? n : 1, sizeof(*k));
	if (!k)
		return -2;
	for (size_t i = 0; i < n; i++) {
		k[i].range = i;
		k[i].last = r[i].last_full;
		k[i].path = r[i].path;
	}
	qsort(k, n, sizeof(*k), oldest_first);
	share = plan_cycle_share(n, months);
	for (size_t j = 0; j < n; j++)
		month[k[j].range] = (int32_t)(j / share);
	free(k);
	return 0;
}

enum plan_due plan_cycle_state(int32_t start, int planned, int32_t now,
			       int32_t last_full)
{
	if (last_full != DATE_NONE && last_full >= plan_month_first_day(start))
		return PLAN_DUE_DONE;
	if (now < start + planned)
		return PLAN_DUE_LATER;
	if (now == start + planned)
		return PLAN_DUE_NOW;
	return PLAN_DUE_OVERDUE;
}

const char *plan_due_name(enum plan_due d)
{
	static const char *const names[] = {"done", "later", "due", "overdue"};

	return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d] : "?";
}

/* ---- count-only checks ---- */

enum plan_total plan_total_compare(int64_t expected, int64_t counted)
{
	if (counted < 0)
		return PLAN_TOTAL_NONE;
	if (counted < expected)
		return PLAN_TOTAL_SHORT;
	if (counted > expected)
		return PLAN_TOTAL_OVER;
	return PLAN_TOTAL_OK;
}

const char *plan_total_name(enum plan_total t)
{
	static const char *const names[] = {"ok", "short", "over",
					    "not_counted"};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}
