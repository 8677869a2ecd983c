/*
 * The reports as structs (wf.h "reports as structs"): the daily report to
 * sign, the reconciliation of a session, the record book of a month and
 * the incident report of a count.  Everything here reads the ledger and
 * asks reconcile/ (recon_run, the tally states, the loss window); nothing
 * is formatted: the front ends print the values, the CLI as text and
 * JSON, the TUI translated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../common/count.h"
#include "../../reconcile/rules.h"
#include "wf.h"

/* Appends one zeroed item to array arr of n items: out points at it, or
 * is NULL when out of memory (then arr is unchanged). */
#define GROW(arr, n, out)                                                      \
	do {                                                                   \
		void *p_ = realloc((arr), ((n) + 1) * sizeof(*(arr)));         \
		(out) = NULL;                                                  \
		if (p_) {                                                      \
			(arr) = p_;                                            \
			(out) = &(arr)[(n)++];                                 \
			memset((out), 0, sizeof(*(out)));                      \
		}                                                              \
	} while (0)

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

/* A ledger walk's return as a refusal: out of memory or the ledger's. */
static int walk_fail(struct ledger *l, int rc, struct wf_err *e)
{
	if (rc == LEDGER_ERR_NOMEM)
		return wf_fail(e, WF_E_NOMEM);
	return wf_fail_ledger(e, l);
}

/* ---- the daily report ---- */

struct daily_ctx {
	struct ledger *l;
	struct wf_daily *d;
	const struct recon_rules *rules;
	const struct recon_key_rules *key_rules;
	struct wf_daily_tally *tally; /* being filled */
};

static int in_day(const struct wf_daily *d, int64_t t)
{
	return t >= d->from && t < d->to;
}

static int daily_count(const struct session_rec *s, void *ctx)
{
	struct daily_ctx *c = ctx;
	struct wf_daily_count *k;
	struct count_data cd;
	struct recon_report r;
	int rc;

	if (s->kind == SESSION_TALLY)
		return 0;
	rc = wf_count_load(c->l, s->id, &cd);
	if (rc < 0)
		return rc;
	if (recon_run(&cd, c->d->day, c->rules, &r) < 0) {
		count_data_free(&cd);
		return LEDGER_ERR_NOMEM;
	}
	GROW(c->d->counts, c->d->ncounts, k);
	if (k) {
		k->sess = *s;
		k->expected = r.expected;
		k->seen = r.seen;
		k->ok = r.ok;
		k->missing = r.nmissing;
		k->misplaced = r.nmisplaced;
		k->extra = r.nextra;
		k->not_in_stock = r.nnot_in_stock;
		k->disposal_due = r.ndisposal_due;
		k->discrepancy = recon_has_discrepancy(&r);
	}
	recon_report_free(&r);
	count_data_free(&cd);
	return k ? 0 : LEDGER_ERR_NOMEM;
}

/* A tally's row: counted in *t, and kept in v when it is still out. */
static int tally_row_out(const struct tally_row *r, struct recon_tally *t,
			 struct wf_tally_out **v, size_t *n)
{
	enum tally_state st = recon_tally_item(r->read_back, r->status);
	struct wf_tally_out *o;

	recon_tally_add(t, st);
	if (st != TALLY_MISSING)
		return 0;
	GROW(*v, *n, o);
	if (!o)
		return LEDGER_ERR_NOMEM;
	o->is_asset = r->is_asset;
	COPY(o->name, r->name);
	COPY(o->checked_out_by, r->checked_out_by);
	o->for_date = r->for_date;
	COPY(o->location, r->location);
	return 0;
}

static int daily_tally_row(void *ctx, const struct tally_row *r)
{
	struct wf_daily_tally *t = ctx;

	return tally_row_out(r, &t->t, &t->out, &t->nout);
}

static int daily_tally(const struct session_rec *s, void *ctx)
{
	struct daily_ctx *c = ctx;
	struct wf_daily_tally *t;
	int rc;

	if (s->kind != SESSION_TALLY)
		return 0;
	GROW(c->d->tallies, c->d->ntallies, t);
	if (!t)
		return LEDGER_ERR_NOMEM;
	t->sess = *s;
	rc = ledger_tally_each(c->l, s->id, daily_tally_row, t);
	if (rc == 0)
		rc = ledger_session_get_note(c->l, s->id, t->note,
					     sizeof(t->note));
	t->balanced = recon_tally_balanced(&t->t);
	return rc;
}

static int opening_push(struct wf_opening **v, size_t *n,
			const struct key_opening_rec *o, int64_t now,
			const struct recon_key_rules *rules)
{
	int64_t end = o->closed_at ? o->closed_at : now;
	struct wf_opening *w;

	GROW(*v, *n, w);
	if (!w)
		return LEDGER_ERR_NOMEM;
	w->o = *o;
	w->flags = wf_key_flags(o, now, rules);
	w->flags_recorded = wf_key_flags_recorded(o);
	w->minutes = (end - o->opened_at) / 60;
	return 0;
}

/* ledger_key_each_since gives every opening since the morning, also those
 * of later days when an earlier day is asked for. */
static int daily_opening(const struct key_opening_rec *o, void *ctx)
{
	struct daily_ctx *c = ctx;
	int rc;

	if (o->opened_at >= c->d->to)
		return 0;
	rc = opening_push(&c->d->openings, &c->d->nopenings, o,
			  c->d->printed_at, c->key_rules);
	if (rc == 0 && c->d->openings[c->d->nopenings - 1].flags)
		c->d->key_flagged++;
	return rc;
}

static int daily_safe_closed(void *ctx, const struct safe_closed_row *r)
{
	struct daily_ctx *c = ctx;
	struct wf_safe_closed *w;

	GROW(c->d->safe_closed, c->d->nsafe_closed, w);

	if (!w)
		return LEDGER_ERR_NOMEM;
	COPY(w->what, r->what);
	COPY(w->item, r->item);
	w->session = r->session;
	COPY(w->staff, r->staff);
	w->first = r->first;
	w->last = r->last;
	w->n = r->n;
	return 0;
}

static int daily_custody(void *ctx, const char *kind, const char *staff,
			 int64_t n)
{
	struct daily_ctx *c = ctx;
	struct wf_custody_sum *w;

	GROW(c->d->custody, c->d->ncustody, w);

	if (!w)
		return LEDGER_ERR_NOMEM;
	COPY(w->kind, kind);
	COPY(w->by, staff);
	w->n = n;
	return 0;
}

static int daily_batch(void *ctx, const struct disposal_batch_rec *b)
{
	struct daily_ctx *c = ctx;
	struct disposal_batch_rec *w;

	GROW(c->d->disposals, c->d->ndisposals, w);
	if (!w)
		return LEDGER_ERR_NOMEM;
	*w = *b;
	return 0;
}

static int daily_locked(const struct staff_rec *s, void *ctx)
{
	struct daily_ctx *c = ctx;
	struct staff_rec *w;

	if (!s->locked || !s->active)
		return 0;
	GROW(c->d->locked, c->d->nlocked, w);
	if (!w)
		return LEDGER_ERR_NOMEM;
	*w = *s;
	memset(w->pin_hash, 0, sizeof(w->pin_hash));
	return 0;
}

/* Verifies the whole chain and finds its head at the end of the day. */
static int daily_audit(struct ledger *l, struct wf_daily *d)
{
	struct wf_daily_audit *a = &d->audit;
	uint8_t hash[AUDIT_HASH_BYTES];
	struct audit_verify v;
	int64_t id = 0;
	int rc = ledger_audit_verify(l, NULL, 0, &v);

	if (rc == 0)
		rc = ledger_audit_head_before(l, d->to, &id, hash);
	if (rc < 0)
		return rc;
	a->entries = v.entries;
	a->records = v.records;
	a->nfindings = v.nfindings;
	a->problem = v.problem;
	COPY(a->table, v.table);
	a->bad_id = v.bad_id;
	COPY(a->what, v.what);
	a->breaks_chain = audit_problem_breaks_chain(v.problem);
	/* The chain is intact from entry 1 when it is not broken: the head's
	 * id is the number of entries up to it. */
	a->anchored = id && !a->breaks_chain;
	a->anchor_entry = id;
	audit_hex(hash, a->anchor_hex);
	d->broken = v.problem != AUDIT_INTACT;
	return 0;
}

int wf_daily(struct ledger *l, int32_t day, int64_t now,
	     const struct recon_rules *rules,
	     const struct recon_key_rules *key_rules, struct wf_daily *out,
	     struct wf_err *e)
{
	struct daily_ctx c = {
	    .l = l, .d = out, .rules = rules, .key_rules = key_rules};
	struct wf_note_list notes = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	/* A day that has not come has nothing to report, and its report
	 * would carry an anchor and a signature line all the same. */
	if (day > wf_today(now)) {
		char d0[11], d1[11];

		date_format(day, d0);
		date_format(wf_today(now), d1);
		return wf_fail(e, WF_E_REPORT_FUTURE, d0, d1);
	}
	out->day = day;
	out->printed_at = now;
	/* Local midnight to midnight; the offset of noon that day. */
	out->from = (int64_t)day * 86400;
	out->from -= wf_utc_offset(out->from + 43200);
	out->to = (int64_t)(day + 1) * 86400;
	out->to -= wf_utc_offset(out->to + 43200);
	rc =
	    ledger_session_between_each(l, out->from, out->to, daily_count, &c);
	if (rc == 0)
		rc = ledger_session_between_each(l, out->from, out->to,
						 daily_tally, &c);
	if (rc == 0)
		rc = ledger_key_each_since(l, out->from, daily_opening, &c);
	if (rc == 0)
		rc = ledger_safe_closed_each(l, out->from, out->to,
					     daily_safe_closed, &c);
	if (rc == 0)
		rc = ledger_custody_summary(l, out->from, out->to,
					    daily_custody, &c);
	if (rc == 0)
		rc = ledger_disposal_between_each(l, out->from, out->to,
						  daily_batch, &c);
	if (rc == 0)
		rc = ledger_staff_each(l, daily_locked, &c);
	if (rc == 0)
		rc = daily_audit(l, out);
	if (rc < 0) {
		rc = walk_fail(l, rc, e);
		wf_daily_free(out);
		return rc;
	}
	rc = wf_note_list(l, &notes, e);
	if (rc) {
		wf_daily_free(out);
		return rc;
	}
	/* The day's near-misses: the list's texts change hands. */
	for (size_t i = 0; i < notes.n; i++) {
		struct wf_note *w;

		if (!in_day(out, notes.v[i].at))
			continue;
		GROW(out->notes, out->nnotes, w);
		if (!w) {
			wf_note_list_free(&notes);
			wf_daily_free(out);
			return wf_fail(e, WF_E_NOMEM);
		}
		*w = notes.v[i];
		notes.v[i].text = NULL;
	}
	wf_note_list_free(&notes);
	return 0;
}

void wf_daily_free(struct wf_daily *d)
{
	for (size_t i = 0; i < d->ntallies; i++)
		free(d->tallies[i].out);
	for (size_t i = 0; i < d->nnotes; i++)
		free(d->notes[i].text);
	free(d->counts);
	free(d->tallies);
	free(d->openings);
	free(d->safe_closed);
	free(d->custody);
	free(d->disposals);
	free(d->notes);
	free(d->locked);
	memset(d, 0, sizeof(*d));
}

/* ---- reconciling a session ---- */

static int res_collect(void *ctx, const struct resolution_rec *r)
{
	struct wf_reconcile *w = ctx;
	struct resolution_rec *p;

	GROW(w->res, w->nres, p);

	if (!p)
		return LEDGER_ERR_NOMEM;
	*p = *r;
	return 0;
}

const struct resolution_rec *wf_reconcile_res(const struct wf_reconcile *r,
					      const char *serial)
{
	for (size_t i = 0; i < r->nres; i++)
		if (strcmp(r->res[i].serial, serial) == 0)
			return &r->res[i];
	return NULL;
}

static int recon_tally_row(void *ctx, const struct tally_row *r)
{
	struct wf_reconcile *w = ctx;

	return tally_row_out(r, &w->tally, &w->out, &w->nout);
}

static int recon_total_row(void *ctx, const struct count_total_row *r)
{
	struct wf_reconcile *w = ctx;
	struct wf_total *t;

	GROW(w->totals, w->ntotals, t);

	if (!t)
		return LEDGER_ERR_NOMEM;
	COPY(t->range, r->range);
	t->expected = r->expected;
	t->counted = r->counted;
	t->state = plan_total_compare(r->expected, r->counted);
	COPY(t->by, r->by);
	COPY(t->method, r->method);
	t->at = r->at;
	w->expected += r->expected;
	w->counted += r->counted > 0 ? r->counted : 0;
	w->off += t->state != PLAN_TOTAL_OK;
	return 0;
}

/* A count: reconcile/'s report and what the ledger knows around it. */
static int recon_count(struct ledger *l, struct wf_reconcile *w, int64_t now,
		       const struct recon_rules *rules)
{
	struct recon_report *r;
	int rc;

	w->d = calloc(1, sizeof(*w->d));
	w->r = calloc(1, sizeof(*w->r));
	if (!w->d || !w->r) {
		free(w->d);
		free(w->r);
		w->d = NULL;
		w->r = NULL;
		return LEDGER_ERR_NOMEM;
	}
	rc = wf_count_load(l, w->sess.id, w->d);
	if (rc < 0) {
		free(w->d);
		w->d = NULL;
		return rc;
	}
	if (recon_run(w->d, wf_today(now), rules, w->r) < 0) {
		free(w->r);
		w->r = NULL;
		return LEDGER_ERR_NOMEM;
	}
	r = w->r;
	w->found = recon_has_discrepancy(r);
	w->last_seen = calloc(r->nmissing + 1, sizeof(*w->last_seen));
	w->checked_out_by =
	    calloc(r->nchecked_out + 1, sizeof(*w->checked_out_by));
	if (!w->last_seen || !w->checked_out_by)
		return LEDGER_ERR_NOMEM;
	rc = ledger_resolution_each(l, w->sess.id, res_collect, w);
	for (size_t i = 0; rc == 0 && i < r->nmissing; i++)
		rc = ledger_last_seen(l, w->d->cards[r->missing[i]].id,
				      w->sess.id, INT64_MAX, &w->last_seen[i]);
	for (size_t i = 0; rc == 0 && i < r->nchecked_out; i++)
		rc = ledger_checked_out_by(l, w->d->cards[r->checked_out[i]].id,
					   w->checked_out_by[i]);
	return rc < 0 ? rc : 0;
}

int wf_reconcile(struct ledger *l, int64_t id, int64_t now,
		 const struct recon_rules *rules, struct wf_reconcile *out,
		 struct wf_err *e)
{
	char n[24];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ledger_session_get(l, id, &out->sess);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_REPORT_NO_SESSION, wf_i64(n, id));
	if (rc < 0)
		return wf_fail_ledger(e, l);
	switch (out->sess.kind) {
	case SESSION_TALLY:
		/* A tally compares with what went out, not with trays. */
		rc = ledger_tally_each(l, id, recon_tally_row, out);
		out->found = !recon_tally_balanced(&out->tally);
		break;
	case SESSION_COUNTONLY:
		/* A count-only check compares totals, not serials (R5). */
		rc = ledger_count_totals(l, id, recon_total_row, out);
		out->found = out->off != 0;
		break;
	default:
		rc = recon_count(l, out, now, rules);
		break;
	}
	if (rc < 0) {
		rc = walk_fail(l, rc, e);
		wf_reconcile_free(out);
	}
	return rc;
}

void wf_reconcile_free(struct wf_reconcile *r)
{
	if (r->r)
		recon_report_free(r->r);
	if (r->d)
		count_data_free(r->d);
	free(r->r);
	free(r->d);
	free(r->last_seen);
	free(r->checked_out_by);
	free(r->res);
	free(r->out);
	free(r->totals);
	memset(r, 0, sizeof(*r));
}

/* ---- the record book ---- */

int wf_month_bounds(const char *s, int64_t *from, int64_t *to)
{
	struct tm a = {0}, b;
	int y, m, n = 0;

	if (!s || strlen(s) != 7 || sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2 ||
	    n != 7 || s[4] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12)
		return -1;
	a.tm_year = y - 1900;
	a.tm_mon = m - 1;
	a.tm_mday = 1;
	a.tm_isdst = -1;
	b = a;
	b.tm_mon++;
	*from = (int64_t)mktime(&a);
	*to = (int64_t)mktime(&b);
	return 0;
}

static int book_collect(void *ctx, const struct book_count *c)
{
	struct wf_book *b = ctx;
	struct wf_book_count *w;

	GROW(b->counts, b->ncounts, w);

	if (!w)
		return LEDGER_ERR_NOMEM;
	w->c = *c;
	return 0;
}

static int book_range(void *ctx, const struct book_range *r)
{
	struct wf_book_count *c = ctx;
	struct wf_book_range *w;

	GROW(c->ranges, c->nranges, w);

	if (!w)
		return LEDGER_ERR_NOMEM;
	COPY(w->path, r->path);
	COPY(w->assignee, r->assignee);
	w->counted_by = strdup(r->counted_by ? r->counted_by : "");
	w->counted_names = strdup(r->counted_names ? r->counted_names : "");
	w->started_at = r->started_at;
	w->ended_at = r->ended_at;
	w->expected = r->expected;
	w->seen = r->seen;
	w->in_place = r->in_place;
	return w->counted_by && w->counted_names ? 0 : LEDGER_ERR_NOMEM;
}

/* The record book of month; without who counted each range (its ranges'
 * counted_by and counted_names "") when readers is 0: the trend's months
 * need the figures only. */
static int book_make(struct ledger *l, const char *month, int64_t now,
		     const struct recon_rules *rules, int readers,
		     struct wf_book *out, struct wf_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (wf_month_bounds(month, &out->from, &out->to) < 0)
		return wf_fail(e, WF_E_REPORT_MONTH, month);
	COPY(out->month, month);
	rc = ledger_book_counts(l, out->from, out->to, book_collect, out);
	for (size_t i = 0; rc == 0 && i < out->ncounts; i++)
		rc = (readers ? ledger_book_ranges
			      : ledger_range_marks)(l, out->counts[i].c.id,
						    book_range,
						    &out->counts[i]);
	if (rc < 0) {
		rc = walk_fail(l, rc, e);
		wf_book_free(out);
		return rc;
	}
	/* The count's own list: as stored at its close, or what
	 * reconciling finds now for an open count. */
	for (size_t i = 0; i < out->ncounts; i++) {
		struct wf_book_count *c = &out->counts[i];

		rc =
		    wf_count_discrepancies(l, c->c.id, now, rules, &c->disc, e);
		if (rc) {
			wf_book_free(out);
			return rc;
		}
	}
	return 0;
}

int wf_book(struct ledger *l, const char *month, int64_t now,
	    const struct recon_rules *rules, struct wf_book *out,
	    struct wf_err *e)
{
	return book_make(l, month, now, rules, 1, out, e);
}

void wf_book_free(struct wf_book *b)
{
	for (size_t i = 0; i < b->ncounts; i++) {
		struct wf_book_count *c = &b->counts[i];

		for (size_t k = 0; k < c->nranges; k++) {
			free(c->ranges[k].counted_by);
			free(c->ranges[k].counted_names);
		}
		free(c->ranges);
		disc_list_free(&c->disc);
	}
	free(b->counts);
	memset(b, 0, sizeof(*b));
}

int wf_book_trend(struct ledger *l, const char *month, int64_t now,
		  const struct recon_rules *rules, struct wf_book_trend *out,
		  struct wf_err *e)
{
	int64_t from, to;
	int y, m;

	memset(out, 0, sizeof(*out));
	if (wf_month_bounds(month, &from, &to) < 0)
		return wf_fail(e, WF_E_REPORT_MONTH, month);
	y = atoi(month);
	m = atoi(month + 5);
	for (int k = 0; k < WF_TREND_MONTHS; k++) {
		int back = WF_TREND_MONTHS - 1 - k;
		int mm = (y * 12 + (m - 1)) - back;
		struct wf_book b;
		int64_t held = -1, exp_sum = 0, seen_sum = 0, disc = 0;
		int rc;

		/* y is 1970-9999 (wf_month_bounds), mm / 12 at most that. */
		snprintf(out->month[k], sizeof(out->month[k]), "%04u-%02u",
			 ((unsigned)mm / 12) % 10000, (unsigned)mm % 12 + 1);
		rc = book_make(l, out->month[k], now, rules, 0, &b, e);
		/* A month before 1970 has no counts: a gap. */
		if (rc && e->code == WF_E_REPORT_MONTH) {
			out->held[k] = -1;
			out->share[k] = -1;
			continue;
		}
		if (rc)
			return rc;
		for (size_t i = 0; i < b.ncounts; i++) {
			const struct wf_book_count *c = &b.counts[i];
			int64_t ce = 0;
			int stored = 0;

			if (c->c.recount_of)
				continue;
			disc += (int64_t)c->disc.n;
			for (size_t r = 0; r < c->nranges; r++) {
				if (c->ranges[r].expected < 0)
					continue;
				stored = 1;
				ce += c->ranges[r].expected;
				exp_sum += c->ranges[r].expected;
				seen_sum += c->ranges[r].seen > 0
						? c->ranges[r].seen
						: 0;
			}
			if (stored && ce > held)
				held = ce;
		}
		wf_book_free(&b);
		out->held[k] = held;
		out->share[k] =
		    held < 0  ? -1
		    : exp_sum ? 100.0 *
				    (double)(seen_sum > exp_sum ? exp_sum
								: seen_sum) /
				    (double)exp_sum
			      : 0;
		out->discrepancies[k] = disc;
	}
	return 0;
}

/* ---- the incident report ---- */

/* People beyond this many are left out of one card's list. */
#define INCIDENT_PEOPLE_MAX 64

static void person_add(struct wf_incident_card *k, const char *code,
		       unsigned role)
{
	if (!code[0])
		return;
	for (size_t i = 0; i < k->npeople; i++) {
		if (strcmp(k->people[i].code, code) == 0) {
			k->people[i].roles |= role;
			return;
		}
	}
	if (k->npeople == INCIDENT_PEOPLE_MAX)
		return;
	COPY(k->people[k->npeople].code, code);
	k->people[k->npeople++].roles = role;
}

static int incident_event(void *ctx, const struct custody_row *r)
{
	struct wf_incident_card *k = ctx;
	struct wf_custody_event *w;

	GROW(k->events, k->nevents, w);

	if (!w)
		return LEDGER_ERR_NOMEM;
	w->at = r->at;
	COPY(w->kind, r->kind);
	COPY(w->by, r->by);
	COPY(w->from, r->from);
	COPY(w->to, r->to);
	person_add(k, w->by, WF_PERSON_HANDLED);
	return 0;
}

static int incident_reader(void *ctx, const char *code, int64_t at,
			   int64_t session)
{
	(void)at;
	(void)session;
	person_add(ctx, code, WF_PERSON_COUNTED);
	return 0;
}

static int incident_opening(const struct key_opening_rec *o, void *ctx)
{
	struct wf_incident_card *k = ctx;
	struct key_opening_rec *w;

	/* Openings that began after the window are outside it. */
	if (o->opened_at > k->to)
		return 0;
	GROW(k->openings, k->nopenings, w);
	if (!w)
		return LEDGER_ERR_NOMEM;
	*w = *o;
	return 0;
}

/* The begun ranges of the count (path, when begun), read once for all
 * its cards. */
struct range_starts {
	struct range_start {
		char path[LOCATION_MAX + 1];
		int64_t at;
	} *v;
	size_t n;
};

static int range_start_add(void *ctx, const struct book_range *r)
{
	struct range_starts *rs = ctx;
	struct range_start *w;

	if (!r->started_at)
		return 0;
	GROW(rs->v, rs->n, w);
	if (!w)
		return LEDGER_ERR_NOMEM;
	COPY(w->path, r->path);
	w->at = r->started_at;
	return 0;
}

/* Where the count reached the card: the start of its range's scan, or 0
 * (the count's start) when its range was never begun. */
static int64_t range_start_of(const struct range_starts *rs, const char *home)
{
	int64_t at = 0;

	for (size_t i = 0; i < rs->n; i++)
		if (location_within(home, rs->v[i].path))
			at = rs->v[i].at;
	return at;
}

/* A staff code's name, "" when unknown. */
static void staff_name(struct ledger *l, const char *code,
		       char out[NAME_MAX_BYTES + 1])
{
	struct staff_rec s;

	out[0] = '\0';
	if (code[0] && ledger_staff_get(l, code, &s) == 0)
		snprintf(out, NAME_MAX_BYTES + 1, "%s", s.name);
}

static int incident_card(struct ledger *l, const struct session_rec *s,
			 const struct range_starts *starts,
			 struct wf_incident_card *k)
{
	struct card_rec card;
	int64_t started = range_start_of(starts, k->it.location);
	struct recon_loss_in in = {0};
	struct recon_window win;
	int rc;

	rc = ledger_card_by_mgmt(l, k->it.mgmt_id, &card);
	if (rc < 0)
		return rc;
	k->status = card.status;
	in.range_started = started;
	in.count_started = s->started_at;
	rc = ledger_last_seen(l, card.id, s->id, started ? started : s->started_at,
			      &k->last_seen);
	if (rc < 0)
		return rc;
	/* The window (R23): from the last sighting, or never seen, from the
	 * local midnight of the day the card was received. */
	in.last_seen = k->last_seen.at;
	in.received = card.received;
	in.utc_offset = card.received != DATE_NONE
			    ? wf_utc_offset((int64_t)card.received * 86400)
			    : 0;
	recon_loss_window(&in, &win);
	k->from = win.from;
	k->to = win.to;
	k->from_last_seen = k->last_seen.at != 0;
	k->people = calloc(INCIDENT_PEOPLE_MAX, sizeof(*k->people));
	if (!k->people)
		return LEDGER_ERR_NOMEM;
	person_add(k, k->last_seen.by,
		   strncmp(k->last_seen.what, "scan", 4) == 0
		       ? WF_PERSON_COUNTED
		       : WF_PERSON_HANDLED);
	staff_name(l, k->last_seen.by, k->last_seen_name);
	rc = ledger_card_custody_each(l, card.id, k->from, k->to,
				      incident_event, k);
	if (rc == 0)
		rc = ledger_range_readers_each(l, k->it.location, k->from,
					       k->to, incident_reader, k);
	if (rc == 0)
		rc = ledger_key_each_since(l, k->from, incident_opening, k);
	for (size_t i = 0; rc == 0 && i < k->npeople; i++)
		staff_name(l, k->people[i].code, k->people[i].name);
	return rc;
}

int wf_incident(struct ledger *l, int64_t id, int64_t now,
		const struct recon_rules *rules, struct wf_incident *out,
		struct wf_err *e)
{
	struct range_starts starts = {0};
	struct disc_list d;
	struct disc_item *v;
	char n[24];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ledger_session_get(l, id, &out->sess);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_REPORT_NO_SESSION, wf_i64(n, id));
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (out->sess.kind == SESSION_TALLY)
		return wf_fail(e, WF_E_REPORT_TALLY, wf_i64(n, id));
	rc = wf_count_discrepancies(l, id, now, rules, &d, e);
	if (rc)
		return rc;
	rc = ledger_range_marks(l, id, range_start_add, &starts);
	v = d.v;
	/* Affected: missing, and not found since (no resolution yet, or
	 * resolved lost). */
	for (size_t i = 0; rc == 0 && i < d.n; i++) {
		struct wf_incident_card *k;

		if (v[i].kind != DISC_MISSING ||
		    (v[i].resolved && strcmp(v[i].res.reason, "lost") != 0))
			continue;
		GROW(out->cards, out->ncards, k);
		if (!k) {
			rc = LEDGER_ERR_NOMEM;
			break;
		}
		k->it = v[i];
		rc = incident_card(l, &out->sess, &starts, k);
	}
	disc_list_free(&d);
	free(starts.v);
	if (rc < 0) {
		rc = walk_fail(l, rc, e);
		wf_incident_free(out);
	}
	return rc;
}

void wf_incident_free(struct wf_incident *in)
{
	for (size_t i = 0; i < in->ncards; i++) {
		free(in->cards[i].events);
		free(in->cards[i].people);
		free(in->cards[i].openings);
	}
	free(in->cards);
	memset(in, 0, sizeof(*in));
}
