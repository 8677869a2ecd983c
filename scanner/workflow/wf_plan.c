/*
 * The counting programme (R5, R6, R7): who counts which range of a count
 * (the rotation planner: nobody counts a range a third time in a row, a
 * locked or inactive account is never proposed, each range goes to one
 * person alone), which ranges get their full count in which month of a
 * cycle, and where the ranges of the cycle in force stand.  The rules
 * are reconcile/plan.c's (plan_check, plan_assign, plan_cycle,
 * plan_cycle_state); this file loads their inputs from the ledger,
 * writes what a manager applies, and returns the results as structs the
 * front ends print.
 */
#include "wf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/model.h"
#include "../../reconcile/plan.h"

const struct wf_step wf_step_plan_assign = {"plan assign", ACT_PLAN, WF_PERMIT};
const struct wf_step wf_step_plan_cycle = {"plan cycle", ACT_PLAN, WF_PERMIT};

/* The local calendar day of unix time t. */
static int32_t local_day(int64_t t)
{
	return date_of_time(t, wf_utc_offset(t));
}

/* ---- the planner's input for one count ---- */

struct plan_load {
	struct wf_staff_list staff; /* every staff member, by code */
	struct plan_person *people; /* likewise */
	struct range_rec *rr;	    /* the count's ranges, by path */
	struct plan_range *ranges;
	size_t nranges;
	struct range_count_rec *hist; /* PLAN_ROTATION per range */
	struct plan_count *counts;    /* likewise */
	int32_t *who;		      /* RANGE_WHO_MAX per count */
};

static void plan_load_free(struct plan_load *p)
{
	wf_staff_list_free(&p->staff);
	free(p->people);
	free(p->rr);
	free(p->ranges);
	free(p->hist);
	free(p->counts);
	free(p->who);
	memset(p, 0, sizeof(*p));
}

static int32_t person_index(const struct plan_load *p, const char *code)
{
	for (size_t i = 0; i < p->staff.n; i++)
		if (strcmp(p->staff.v[i].code, code) == 0)
			return (int32_t)i;
	return -1;
}

struct trained_walk {
	struct plan_load *p;
	size_t next; /* both lists go by code: where to look first */
};

static int mark_trained(const struct staff_rec *s,
			const struct training_gap *gap, void *ctx)
{
	struct trained_walk *w = ctx;
	size_t n = w->p->staff.n;

	for (size_t k = 0; k < n; k++) {
		size_t i = (w->next + k) % n;

		if (strcmp(w->p->staff.v[i].code, s->code) == 0) {
			w->p->people[i].trained = gap->gate == GATE_OK;
			w->next = i + 1;
			break;
		}
	}
	return 0;
}

/* Everyone, with whether they are active, locked and trained on the day
 * of now (R20); the training of all in one walk (wf_training_each).  0 or
 * the exit status with *e. */
static int load_people(struct ledger *l, struct plan_load *p, int64_t now,
		       struct wf_err *e)
{
	struct trained_walk w = {p, 0};
	int rc = wf_staff_list(l, &p->staff, e);

	if (rc)
		return rc;
	p->people = calloc(p->staff.n ? p->staff.n : 1, sizeof(*p->people));
	if (!p->people)
		return wf_fail(e, WF_E_NOMEM);
	for (size_t i = 0; i < p->staff.n; i++) {
		const struct staff_rec *s = &p->staff.v[i];

		p->people[i].code = s->code;
		p->people[i].role = s->role;
		p->people[i].active = s->active;
		p->people[i].locked = s->locked;
	}
	return wf_training_each(l, local_day(now), mark_trained, &w, e);
}

/* Every range's last counts before session `before`, in the planner's
 * form: two statements for all the ranges.  0 or the exit status with
 * *e. */
static int load_history(struct ledger *l, struct plan_load *p, int64_t before,
			const char *const *paths, struct wf_err *e)
{
	size_t *got = calloc(p->nranges ? p->nranges : 1, sizeof(*got));

	if (!got)
		return wf_fail(e, WF_E_NOMEM);
	if (ledger_ranges_counts(l, paths, p->nranges, before, 0, p->hist,
				 PLAN_ROTATION, got) < 0) {
		free(got);
		return wf_fail_ledger(e, l);
	}
	for (size_t i = 0; i < p->nranges; i++) {
		struct range_count_rec *h = &p->hist[i * PLAN_ROTATION];
		struct plan_count *c = &p->counts[i * PLAN_ROTATION];
		struct plan_range *r = &p->ranges[i];

		for (size_t k = 0; k < got[i]; k++) {
			int32_t *who =
			    &p->who[(i * PLAN_ROTATION + k) * RANGE_WHO_MAX];

			c[k].session = h[k].session;
			c[k].day = local_day(h[k].started_at);
			c[k].who = who;
			c[k].nwho = 0;
			for (size_t w = 0; w < h[k].nwho; w++) {
				int32_t x = person_index(p, h[k].who[w]);

				if (x >= 0)
					who[c[k].nwho++] = x;
			}
		}
		r->hist = c;
		r->nhist = got[i];
	}
	free(got);
	return 0;
}

/* The cards and the last counts of the ranges in p->rr (p->nranges of
 * them), counts before session `before` (0: any): a constant number of
 * statements however many ranges there are (a count over everything has
 * a thousand).  0 or the exit status with *e. */
static int plan_load_ranges(struct ledger *l, struct plan_load *p,
			    int64_t before, struct wf_err *e)
{
	size_t n = p->nranges;
	const char **paths = calloc(n ? n : 1, sizeof(*paths));
	int64_t *cards = calloc(n ? n : 1, sizeof(*cards));
	int rc;

	p->ranges = calloc(n ? n : 1, sizeof(*p->ranges));
	p->hist = calloc(n ? n * PLAN_ROTATION : 1, sizeof(*p->hist));
	p->counts = calloc(n ? n * PLAN_ROTATION : 1, sizeof(*p->counts));
	p->who =
	    calloc(n ? n * PLAN_ROTATION * RANGE_WHO_MAX : 1, sizeof(*p->who));
	if (!p->ranges || !p->hist || !p->counts || !p->who || !paths ||
	    !cards) {
		rc = wf_fail(e, WF_E_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct plan_range *r = &p->ranges[i];

		r->path = p->rr[i].path;
		paths[i] = r->path;
		r->fixed = p->rr[i].assignee[0]
			       ? person_index(p, p->rr[i].assignee)
			       : -1;
	}
	if (ledger_ranges_expected(l, paths, n, cards) < 0) {
		rc = wf_fail_ledger(e, l);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		p->ranges[i].cards = cards[i];
	rc = load_history(l, p, before, paths, e);
out:
	free(paths);
	free(cards);
	return rc;
}

/* Everything the planner needs for session id.  0 or the exit status
 * with *e; plan_load_free in any case. */
static int plan_load_session(struct ledger *l, int64_t id, int64_t now,
			     struct plan_load *p, struct wf_err *e)
{
	int rc;

	memset(p, 0, sizeof(*p));
	rc = load_people(l, p, now, e);
	if (rc)
		return rc;
	if (ledger_session_ranges(l, id, &p->rr, &p->nranges) < 0)
		return wf_fail_ledger(e, l);
	return plan_load_ranges(l, p, id, e);
}

/* plan_check's bar as the refusal of giving range r to person. */
static int bar_refusal(enum plan_bar bar, const struct plan_range *r,
		       const struct plan_load *p, int32_t person,
		       struct wf_err *e)
{
	const struct plan_person *who = &p->people[person];
	char s0[24], s1[24], d0[11], d1[11];
	const char *rule = "";

	switch (bar) {
	case PLAN_BAR_ROTATION:
		date_format(r->hist[0].day, d0);
		date_format(r->hist[1].day, d1);
		return wf_fail(e, WF_E_PLAN_ROTATION, r->path, who->code,
			       wf_i64(s1, r->hist[1].session), d1,
			       wf_i64(s0, r->hist[0].session), d0);
	case PLAN_BAR_UNTRAINED:
		return wf_fail(e, WF_E_PLAN_UNTRAINED, r->path, who->code);
	case PLAN_BAR_LOCKED:
		return wf_fail(e, WF_E_PLAN_LOCKED, r->path, who->code);
	case PLAN_BAR_ROLE:
		recon_permit(who->role, ACT_SCAN, &rule);
		return wf_fail(e, WF_E_PERMISSION, rule, who->code,
			       staff_role_name(who->role));
	default:
		/* Inactive people are refused by the ledger (bad input). */
		return 0;
	}
}

/* ---- the planner loaded once for a count ---- */

struct wf_planner {
	struct plan_load p;
	int64_t id;
	int64_t now;
	int64_t version; /* ledger_data_version before a preload */
};

static int rr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct range_rec *)a)->path,
		      ((const struct range_rec *)b)->path);
}

int wf_planner_preload(struct ledger *l, const char *const *ranges, size_t n,
		       int64_t now, struct wf_planner **out, struct wf_err *e)
{
	struct wf_planner *pl = calloc(1, sizeof(*pl));
	char(*all)[LOCATION_MAX + 1] = NULL;
	int rc;

	*out = NULL;
	if (!pl)
		return wf_fail(e, WF_E_NOMEM);
	pl->now = now;
	/* First: a commit by anybody after this makes the load stale. */
	if (ledger_data_version(l, &pl->version) < 0) {
		rc = wf_fail_ledger(e, l);
		goto out;
	}
	rc = load_people(l, &pl->p, now, e);
	if (rc)
		goto out;
	if (n == 0 && ledger_all_ranges(l, &all, &n) < 0) {
		rc = wf_fail_ledger(e, l);
		goto out;
	}
	pl->p.rr = calloc(n ? n : 1, sizeof(*pl->p.rr));
	if (!pl->p.rr) {
		rc = wf_fail(e, WF_E_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(pl->p.rr[i].path, sizeof(pl->p.rr[i].path), "%s",
			 all ? all[i] : ranges[i]);
	/* In the order ledger_session_ranges gives them. */
	qsort(pl->p.rr, n, sizeof(*pl->p.rr), rr_cmp);
	pl->p.nranges = n;
	rc = plan_load_ranges(l, &pl->p, 0, e);
out:
	free(all);
	if (rc)
		wf_planner_free(pl);
	else
		*out = pl;
	return rc;
}

int wf_planner_attach(struct ledger *l, struct wf_planner **pre, int64_t id,
		      struct wf_planner **out, struct wf_err *e)
{
	struct wf_planner *pl = *pre;
	struct range_rec *rr = NULL;
	int64_t v;
	size_t n;
	int same;

	*pre = NULL;
	*out = NULL;
	if (ledger_data_version(l, &v) < 0 ||
	    ledger_session_ranges(l, id, &rr, &n) < 0) {
		wf_planner_free(pl);
		free(rr);
		return wf_fail_ledger(e, l);
	}
	same = v == pl->version && n == pl->p.nranges;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(rr[i].path, pl->p.rr[i].path) == 0 &&
		       !rr[i].assignee[0];
	if (!same) {
		/* Somebody committed in between, or the count's ranges are
		 * not those loaded: read it all again, in the transaction. */
		int64_t now = pl->now;

		free(rr);
		wf_planner_free(pl);
		return wf_planner_load(l, id, now, out, e);
	}
	/* Nobody committed since the load, so the counts it found are
	 * those before count id (opened after it, in this transaction,
	 * and counted nowhere yet). */
	free(pl->p.rr);
	pl->p.rr = rr;
	for (size_t i = 0; i < n; i++)
		pl->p.ranges[i].path = rr[i].path;
	pl->id = id;
	*out = pl;
	return 0;
}

int wf_planner_load(struct ledger *l, int64_t id, int64_t now,
		    struct wf_planner **out, struct wf_err *e)
{
	struct wf_planner *pl = calloc(1, sizeof(*pl));
	int rc;

	*out = NULL;
	if (!pl)
		return wf_fail(e, WF_E_NOMEM);
	pl->id = id;
	pl->now = now;
	rc = plan_load_session(l, id, now, &pl->p, e);
	if (rc) {
		wf_planner_free(pl);
		return rc;
	}
	*out = pl;
	return 0;
}

void wf_planner_free(struct wf_planner *pl)
{
	if (!pl)
		return;
	plan_load_free(&pl->p);
	free(pl);
}

static int range_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct plan_range *)elem)->path);
}

/* The range of the count at path, or NULL: ledger_session_ranges orders
 * them by path (SQLite's binary order, strcmp's). */
static struct plan_range *planner_range(const struct wf_planner *pl,
					const char *path)
{
	return bsearch(path, pl->p.ranges, pl->p.nranges,
		       sizeof(pl->p.ranges[0]), range_cmp);
}

int wf_planner_has_range(const struct wf_planner *pl, const char *range)
{
	return planner_range(pl, range) != NULL;
}

int wf_planner_check(const struct wf_planner *pl, const char *range,
		     const char *staff, struct wf_err *e)
{
	const struct plan_range *r = planner_range(pl, range);
	int32_t who = person_index(&pl->p, staff);

	/* An unknown person or range is the ledger's to refuse. */
	if (!r || who < 0)
		return 0;
	return bar_refusal(plan_check(r, pl->p.people, who), r, &pl->p, who, e);
}

void wf_planner_assigned(struct wf_planner *pl, const char *range,
			 const char *staff)
{
	struct plan_range *r = planner_range(pl, range);
	int32_t who = person_index(&pl->p, staff);

	if (r && who >= 0)
		r->fixed = who;
}

int wf_plan_check(struct ledger *l, int64_t id, const char *range,
		  const char *staff, int64_t now, struct wf_err *e)
{
	struct wf_planner *pl;
	int rc = wf_planner_load(l, id, now, &pl, e);

	if (rc == 0)
		rc = wf_planner_check(pl, range, staff, e);
	wf_planner_free(pl);
	return rc;
}

void plan_result_free(struct plan_result *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int wf_planner_fill(struct ledger *l, struct wf_planner *pl,
		    const struct staff_rec *actor, int apply,
		    struct plan_result *res, struct wf_err *e)
{
	struct plan_load *p = &pl->p;
	int32_t *out = NULL;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	out = calloc(p->nranges ? p->nranges : 1, sizeof(*out));
	res->v = calloc(p->nranges ? p->nranges : 1, sizeof(*res->v));
	if (!out || !res->v ||
	    plan_assign(p->ranges, p->nranges, p->people, p->staff.n,
			actor ? person_index(p, actor->code) : -1, out) < 0) {
		rc = wf_fail(e, WF_E_NOMEM);
		goto done;
	}
	res->n = p->nranges;
	for (size_t i = 0; i < p->nranges; i++) {
		struct plan_line *ln = &res->v[i];

		snprintf(ln->range, sizeof(ln->range), "%s", p->ranges[i].path);
		/* A range whose assignee was locked or left since is planned
		 * again (plan_assign): not kept, and reassigned on apply. */
		ln->kept =
		    p->ranges[i].fixed >= 0 && out[i] == p->ranges[i].fixed;
		if (out[i] < 0) {
			plan_why_of(&p->ranges[i], p->people, p->staff.n,
				    &ln->why_of);
			plan_why_text(&ln->why_of, NULL, ln->why,
				      sizeof(ln->why));
			res->nunassigned++;
			continue;
		}
		snprintf(ln->staff, sizeof(ln->staff), "%s",
			 p->staff.v[out[i]].code);
		if (!apply || ln->kept)
			continue;
		/* R7: the range is this person's alone from now on. */
		if (ledger_session_assign(l, pl->id, ln->range, ln->staff,
					  actor ? actor->id : 0, pl->now) < 0) {
			rc = wf_fail_ledger(e, l);
			goto done;
		}
		p->ranges[i].fixed = out[i];
	}
done:
	free(out);
	if (rc)
		plan_result_free(res);
	return rc;
}

int wf_plan_fill(struct ledger *l, int64_t id, const struct staff_rec *actor,
		 int apply, int64_t now, struct plan_result *res,
		 struct wf_err *e)
{
	struct wf_planner *pl;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = wf_planner_load(l, id, now, &pl, e);
	if (rc == 0)
		rc = wf_planner_fill(l, pl, actor, apply, res, e);
	wf_planner_free(pl);
	return rc;
}

/* 0 when session id is a count still open, else the refusal. */
static int plannable(struct ledger *l, int64_t id, struct wf_err *e)
{
	struct session_rec sess;
	char n[24];
	int rc = ledger_session_get(l, id, &sess);

	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_PLAN_NO_COUNT, wf_i64(n, id));
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (sess.kind == SESSION_TALLY)
		return wf_fail(e, WF_E_PLAN_TALLY, wf_i64(n, id));
	if (sess.closed_at)
		return wf_fail(e, WF_E_PLAN_CLOSED, wf_i64(n, id));
	return 0;
}

int wf_plan_assign(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   int apply, int64_t now, struct plan_result *res,
		   struct wf_err *e)
{
	int rc;

	memset(res, 0, sizeof(*res));
	/* A proposal changes nothing and needs nobody. */
	if (!apply) {
		rc = plannable(l, id, e);
		return rc ? rc : wf_plan_fill(l, id, NULL, 0, now, res, e);
	}
	rc = wf_begin(l, &wf_step_plan_assign, actor, now, e);
	if (rc)
		return rc;
	rc = plannable(l, id, e);
	if (rc == 0)
		rc = wf_plan_fill(l, id, actor, 1, now, res, e);
	rc = wf_end(l, rc, e);
	if (rc)
		plan_result_free(res);
	return rc;
}

/* ---- cycle plans ---- */

void wf_plan_cycle_free(struct wf_plan_cycle *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* The last count of each range paths[i] as `how` says (LEDGER_COUNTS_*:
 * with LEDGER_COUNTS_FINISHED its last finished card-by-card count) into
 * *last and *got, malloc'ed (free both): two statements for all the
 * ranges, one with LEDGER_COUNTS_WHEN_ONLY.  0 or the exit status with
 * *e. */
static int last_counts(struct ledger *l, const char *const *paths, size_t n,
		       unsigned how, struct range_count_rec **last,
		       size_t **got, struct wf_err *e)
{
	*last = calloc(n ? n : 1, sizeof(**last));
	*got = calloc(n ? n : 1, sizeof(**got));
	if (!*last || !*got)
		return wf_fail(e, WF_E_NOMEM);
	if (ledger_ranges_counts(l, paths, n, 0, how, *last, 1, *got) < 0)
		return wf_fail_ledger(e, l);
	return 0;
}

/* Every range of a count over everything, with its last full count (and
 * with `who` who made it), in out->v.  0 or the exit status with *e. */
static int cycle_load(struct ledger *l, int who, struct wf_plan_cycle *out,
		      struct wf_err *e)
{
	char(*paths)[LOCATION_MAX + 1] = NULL;
	const char **pp = NULL;
	struct range_count_rec *last = NULL;
	size_t n, *got = NULL;
	int rc = 0;

	if (ledger_all_ranges(l, &paths, &n) < 0)
		return wf_fail_ledger(e, l);
	out->v = calloc(n ? n : 1, sizeof(*out->v));
	pp = calloc(n ? n : 1, sizeof(*pp));
	if (!out->v || !pp)
		rc = wf_fail(e, WF_E_NOMEM);
	for (size_t i = 0; rc == 0 && i < n; i++)
		pp[i] = paths[i];
	if (rc == 0)
		rc = last_counts(l, pp, n,
				 LEDGER_COUNTS_FINISHED |
				     (who ? 0 : LEDGER_COUNTS_WHEN_ONLY),
				 &last, &got, e);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct wf_cycle_range *r = &out->v[i];

		snprintf(r->path, sizeof(r->path), "%s", paths[i]);
		r->last = last[i];
		r->last_full =
		    got[i] ? local_day(r->last.started_at) : DATE_NONE;
		out->n = i + 1;
	}
	free(paths);
	free(pp);
	free(last);
	free(got);
	return rc;
}

/* Runs the cycle planner over out->v into each range's month. */
static int cycle_place(struct wf_plan_cycle *out, struct wf_err *e)
{
	struct plan_cycle_range *r = calloc(out->n ? out->n : 1, sizeof(*r));
	int32_t *month = calloc(out->n ? out->n : 1, sizeof(*month));
	int rc = 0;

	if (!r || !month) {
		rc = wf_fail(e, WF_E_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < out->n; i++) {
		r[i].path = out->v[i].path;
		r[i].last_full = out->v[i].last_full;
	}
	if (plan_cycle(r, out->n, out->months, month) < 0) {
		rc = wf_fail(e, WF_E_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < out->n; i++)
		out->v[i].month = (int)month[i];
	out->share = plan_cycle_share(out->n, out->months);
out:
	free(r);
	free(month);
	return rc;
}

/* Stores the cycle in out by actor, in the caller's transaction. */
static int cycle_save(struct ledger *l, const struct staff_rec *actor,
		      int64_t now, struct wf_plan_cycle *out, struct wf_err *e)
{
	const char **paths = calloc(out->n ? out->n : 1, sizeof(*paths));
	int32_t *month = calloc(out->n ? out->n : 1, sizeof(*month));
	int rc = 0;

	if (!paths || !month) {
		rc = wf_fail(e, WF_E_NOMEM);
	} else {
		for (size_t i = 0; i < out->n; i++) {
			paths[i] = out->v[i].path;
			month[i] = out->v[i].month;
		}
		if (ledger_cycle_save(l, plan_month_first_day(out->start),
				      out->months, paths, month, out->n,
				      actor->id, now, &out->plan_id) < 0)
			rc = wf_fail_ledger(e, l);
	}
	free(paths);
	free(month);
	return rc;
}

int wf_plan_cycle(struct ledger *l, const struct staff_rec *actor,
		  int32_t start, int months, unsigned how, int64_t now,
		  struct wf_plan_cycle *out, struct wf_err *e)
{
	char max[24], got[24];
	int apply = !!(how & WF_CYCLE_APPLY);
	int rc;

	memset(out, 0, sizeof(*out));
	if (months < 1 || months > PLAN_CYCLE_MAX_MONTHS)
		return wf_fail(e, WF_E_PLAN_MONTHS,
			       wf_i64(max, PLAN_CYCLE_MAX_MONTHS),
			       wf_i64(got, months));
	out->start = start >= 0 ? start : plan_month_of_day(local_day(now));
	out->months = months;
	rc = apply ? wf_begin(l, &wf_step_plan_cycle, actor, now, e) : 0;
	if (rc)
		return rc;
	rc = cycle_load(l, !!(how & WF_CYCLE_WHO), out, e);
	if (rc == 0 && out->n == 0)
		rc = wf_fail(e, WF_E_PLAN_NO_RANGES);
	if (rc == 0)
		rc = cycle_place(out, e);
	if (rc == 0 && apply)
		rc = cycle_save(l, actor, now, out, e);
	if (apply)
		rc = wf_end(l, rc, e);
	if (rc)
		wf_plan_cycle_free(out);
	return rc;
}

/* ---- where the ranges stand ---- */

struct planned_list {
	struct wf_planned *v;
	size_t n, cap;
};

static int collect_planned(void *ctx, const char *path, int month)
{
	struct planned_list *pl = ctx;

	if (pl->n == pl->cap) {
		size_t ncap = pl->cap ? pl->cap * 2 : 32;
		struct wf_planned *p = realloc(pl->v, ncap * sizeof(*p));

		if (!p)
			return LEDGER_ERR_NOMEM;
		pl->v = p;
		pl->cap = ncap;
	}
	memset(&pl->v[pl->n], 0, sizeof(pl->v[0]));
	snprintf(pl->v[pl->n].path, sizeof(pl->v[0].path), "%s", path);
	pl->v[pl->n++].month = month;
	return 0;
}

/* The ranges of cycle plan cy with their state in the month of now.  0
 * and *pl (free pl->v), or the exit status with *e. */
static int load_planned(struct ledger *l, const struct cycle_rec *cy,
			int64_t now, struct planned_list *pl, struct wf_err *e)
{
	int32_t start = plan_month_of_day(cy->start_day);
	int32_t month = plan_month_of_day(local_day(now));
	struct range_count_rec *last = NULL;
	const char **pp = NULL;
	size_t *got = NULL;
	int rc = ledger_cycle_each(l, cy->id, collect_planned, pl);

	if (rc < 0)
		return rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
					      : wf_fail_ledger(e, l);
	pp = calloc(pl->n ? pl->n : 1, sizeof(*pp));
	if (!pp)
		return wf_fail(e, WF_E_NOMEM);
	for (size_t i = 0; i < pl->n; i++)
		pp[i] = pl->v[i].path;
	rc = last_counts(l, pp, pl->n,
			 LEDGER_COUNTS_FINISHED | LEDGER_COUNTS_WHEN_ONLY, &last,
			 &got, e);
	for (size_t i = 0; rc == 0 && i < pl->n; i++) {
		struct wf_planned *p = &pl->v[i];

		p->last_full =
		    got[i] ? local_day(last[i].started_at) : DATE_NONE;
		p->state =
		    plan_cycle_state(start, p->month, month, p->last_full);
	}
	free(pp);
	free(last);
	free(got);
	return rc;
}

int plan_due_ranges(struct ledger *l, int64_t now,
		    char (**paths)[LOCATION_MAX + 1], int **state, size_t *n,
		    struct wf_err *e)
{
	struct planned_list pl = {0};
	struct cycle_rec cy;
	int rc = ledger_cycle_current(l, &cy);

	*paths = NULL;
	*state = NULL;
	*n = 0;
	if (rc == LEDGER_ERR_NOTFOUND)
		return 0;
	if (rc < 0)
		return wf_fail_ledger(e, l);
	rc = load_planned(l, &cy, now, &pl, e);
	if (rc == 0) {
		*paths = calloc(pl.n ? pl.n : 1, sizeof(**paths));
		*state = calloc(pl.n ? pl.n : 1, sizeof(**state));
		if (!*paths || !*state) {
			free(*paths);
			free(*state);
			*paths = NULL;
			*state = NULL;
			rc = wf_fail(e, WF_E_NOMEM);
		}
	}
	for (size_t i = 0; rc == 0 && i < pl.n; i++) {
		snprintf((*paths)[i], sizeof((*paths)[i]), "%s", pl.v[i].path);
		(*state)[i] = (int)pl.v[i].state;
	}
	if (rc == 0)
		*n = pl.n;
	free(pl.v);
	return rc;
}

/* Every range of the ledger with its last count and last full count,
 * and the one whose full count is the oldest. */
static int load_ranges(struct ledger *l, struct wf_plan_status *s,
		       struct wf_err *e)
{
	char(*paths)[LOCATION_MAX + 1] = NULL;
	const char **pp = NULL;
	struct range_count_rec *full = NULL, *any = NULL;
	size_t n, *got_full = NULL, *got_any = NULL;
	int rc = 0;

	s->oldest = -1;
	if (ledger_all_ranges(l, &paths, &n) < 0)
		return wf_fail_ledger(e, l);
	s->ranges = calloc(n ? n : 1, sizeof(*s->ranges));
	pp = calloc(n ? n : 1, sizeof(*pp));
	if (!s->ranges || !pp)
		rc = wf_fail(e, WF_E_NOMEM);
	for (size_t i = 0; rc == 0 && i < n; i++)
		pp[i] = paths[i];
	if (rc == 0)
		rc = last_counts(l, pp, n, LEDGER_COUNTS_FINISHED, &full,
				 &got_full, e);
	if (rc == 0)
		rc = last_counts(l, pp, n, 0, &any, &got_any, e);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct wf_range_last *r = &s->ranges[i];

		snprintf(r->path, sizeof(r->path), "%s", paths[i]);
		r->full = full[i];
		r->any = any[i];
		r->has_full = got_full[i] > 0;
		r->has_any = got_any[i] > 0;
		s->nranges = i + 1;
		if (!r->has_full)
			s->nnever++;
		else if (s->oldest < 0 ||
			 r->full.started_at <
			     s->ranges[s->oldest].full.started_at)
			s->oldest = (ptrdiff_t)i;
	}
	free(paths);
	free(pp);
	free(full);
	free(any);
	free(got_full);
	free(got_any);
	return rc;
}

void wf_plan_status_free(struct wf_plan_status *s)
{
	free(s->planned);
	free(s->ranges);
	memset(s, 0, sizeof(*s));
}

int wf_plan_status(struct ledger *l, int64_t now, struct wf_plan_status *out,
		   struct wf_err *e)
{
	struct planned_list pl = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	out->month = plan_month_of_day(local_day(now));
	rc = ledger_cycle_current(l, &out->cycle);
	if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
		return wf_fail_ledger(e, l);
	out->has_cycle = rc == 0;
	rc = 0;
	if (out->has_cycle) {
		out->start = plan_month_of_day(out->cycle.start_day);
		out->ended = out->month >= out->start + out->cycle.months;
		rc = load_planned(l, &out->cycle, now, &pl, e);
		out->planned = pl.v;
		out->nplanned = pl.n;
		for (size_t i = 0; rc == 0 && i < pl.n; i++)
			out->ndone +=
			    pl.v[i].month == out->month - out->start &&
			    pl.v[i].state == PLAN_DUE_DONE;
	}
	if (rc == 0)
		rc = load_ranges(l, out, e);
	if (rc)
		wf_plan_status_free(out);
	return rc;
}
