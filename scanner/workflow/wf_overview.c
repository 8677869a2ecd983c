/*
 * Today's picture for `cardtally status` and the TUI's status screen
 * (wf_overview.h): every part read from the ledger once, the rules that
 * decide what is shown applied here (a tally closed with nothing missing
 * is not, a count list holds no tallies, an account is shown locked or a
 * training gap only for someone still active, the key log's flags), and
 * the rows kept, with their text, until wf_overview_free.
 */
#include "wf_overview.h"

#include <stdlib.h>
#include <string.h>

#include "../../common/grow.h"

/* The walk's state: the picture, the capacities of its lists, the rules. */
struct walk {
	struct wf_overview *ov;
	const struct recon_key_rules *key;
	size_t cap_openings, cap_closed, cap_counts, cap_tallies, cap_out,
	    cap_locked, cap_gaps, cap_lost;
	int nomem;
};

/* s copied into the picture's arena; NULL (and w->nomem) on OOM. */
static const char *keep(struct walk *w, const char *s)
{
	const char *p;

	if (!s)
		return NULL;
	p = arena_strdup(&w->ov->text, s, strlen(s));
	if (!p)
		w->nomem = 1;
	return p;
}

/* Room for one more row of one of the picture's lists (its items *v,
 * count n, capacity *cap); 0, or LEDGER_ERR_NOMEM (and w->nomem). */
static int room(struct walk *w, void **v, size_t *cap, size_t n, size_t size)
{
	if (grow_array(v, cap, n, size) == 0)
		return 0;
	w->nomem = 1;
	return LEDGER_ERR_NOMEM;
}

static void judged(struct walk *w, const struct key_opening_rec *o,
		   struct wf_overview_opening *out)
{
	out->o = *o;
	out->flags = wf_key_flags(o, w->ov->now, w->key);
	out->flags_recorded = wf_key_flags_recorded(o);
}

static int on_opening(const struct key_opening_rec *o, void *ctx)
{
	struct walk *w = ctx;
	struct wf_overview_opening *slot;

	if (room(w, (void **)&w->ov->openings, &w->cap_openings,
		 w->ov->nopenings, sizeof(*w->ov->openings)))
		return LEDGER_ERR_NOMEM;
	slot = &w->ov->openings[w->ov->nopenings++];
	judged(w, o, slot);
	if (slot->flags)
		w->ov->nflagged++;
	return 0;
}

static int on_safe_closed(void *ctx, const struct safe_closed_row *r)
{
	struct walk *w = ctx;
	struct safe_closed_row *slot;

	if (room(w, (void **)&w->ov->safe_closed, &w->cap_closed,
		 w->ov->nsafe_closed, sizeof(*w->ov->safe_closed)))
		return LEDGER_ERR_NOMEM;
	slot = &w->ov->safe_closed[w->ov->nsafe_closed++];
	*slot = *r;
	slot->what = keep(w, r->what);
	slot->item = keep(w, r->item);
	slot->staff = keep(w, r->staff);
	return w->nomem ? LEDGER_ERR_NOMEM : 0;
}

/* Tallies have their own list, with what they miss. */
static int on_count(const struct session_rec *r, void *ctx)
{
	struct walk *w = ctx;
	struct session_rec *slot;

	if (r->kind == SESSION_TALLY)
		return 0;
	if (room(w, (void **)&w->ov->counts, &w->cap_counts, w->ov->ncounts,
		 sizeof(*w->ov->counts)))
		return LEDGER_ERR_NOMEM;
	slot = &w->ov->counts[w->ov->ncounts++];
	*slot = *r;
	return 0;
}

static int on_out(void *ctx, const struct checked_out_row *r)
{
	struct walk *w = ctx;
	struct checked_out_row *slot;

	if (room(w, (void **)&w->ov->out, &w->cap_out, w->ov->nout,
		 sizeof(*w->ov->out)))
		return LEDGER_ERR_NOMEM;
	slot = &w->ov->out[w->ov->nout++];
	*slot = *r;
	slot->name = keep(w, r->name);
	slot->location = keep(w, r->location);
	slot->checked_out_by = keep(w, r->checked_out_by);
	return w->nomem ? LEDGER_ERR_NOMEM : 0;
}

static int on_staff(const struct staff_rec *p, void *ctx)
{
	struct walk *w = ctx;
	struct staff_rec *slot;

	if (!p->locked || !p->active)
		return 0;
	if (room(w, (void **)&w->ov->locked, &w->cap_locked, w->ov->nlocked,
		 sizeof(*w->ov->locked)))
		return LEDGER_ERR_NOMEM;
	slot = &w->ov->locked[w->ov->nlocked++];
	*slot = *p;
	return 0;
}

static int on_gap(const struct staff_rec *p, const struct training_gap *g,
		  void *ctx)
{
	struct walk *w = ctx;
	struct wf_overview_gap *slot;

	if (!p->active || g->gate == GATE_OK)
		return 0;
	if (room(w, (void **)&w->ov->gaps, &w->cap_gaps, w->ov->ngaps,
		 sizeof(*w->ov->gaps)))
		return LEDGER_ERR_NOMEM;
	slot = &w->ov->gaps[w->ov->ngaps++];
	slot->who = *p;
	slot->gap = *g;
	return 0;
}

static int on_lost(void *ctx, const struct lost_row *r)
{
	struct walk *w = ctx;
	struct lost_row *slot;

	if (room(w, (void **)&w->ov->lost, &w->cap_lost, w->ov->nlost,
		 sizeof(*w->ov->lost)))
		return LEDGER_ERR_NOMEM;
	slot = &w->ov->lost[w->ov->nlost++];
	*slot = *r;
	slot->mgmt_id = keep(w, r->mgmt_id);
	slot->location = keep(w, r->location);
	return w->nomem ? LEDGER_ERR_NOMEM : 0;
}

/* Every tally still open, or closed and still missing something (R12),
 * as `tally list` counts them.  0 or a LEDGER_ERR_*. */
static int tallies(struct ledger *l, struct walk *w)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = ledger_tally_ids(l, &ids, &n);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct wf_overview_tally t = {.expected = 0};
		struct recon_tally sum;

		rc = ledger_session_get(l, ids[i], &t.session);
		if (rc == 0)
			rc = wf_tally_summary(l, ids[i], &sum);
		if (rc < 0)
			break;
		t.expected = sum.expected;
		t.missing = sum.by_state[TALLY_MISSING];
		if (t.session.closed_at && !t.missing)
			continue;
		rc = room(w, (void **)&w->ov->tallies, &w->cap_tallies,
			  w->ov->ntallies, sizeof(*w->ov->tallies));
		if (rc < 0)
			break;
		w->ov->tallies[w->ov->ntallies++] = t;
	}
	free(ids);
	return rc;
}

/* The parts read straight from the ledger.  0 or a LEDGER_ERR_*. */
static int ledger_parts(struct ledger *l, struct walk *w)
{
	struct wf_overview *ov = w->ov;
	struct key_opening_rec cur;
	int rc = ledger_key_current(l, &cur);

	if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
		return rc;
	ov->safe_open = rc == 0;
	if (ov->safe_open)
		judged(w, &cur, &ov->safe);
	/* An import stopped part way leaves the stock list half applied. */
	rc = ledger_import_stopped(l, &ov->stop);
	if (rc < 0)
		return rc;
	ov->import_stopped = rc;
	rc = ledger_key_each_since(l, ov->midnight, on_opening, w);
	if (rc == 0)
		rc = ledger_safe_closed_each(l, ov->midnight, INT64_MAX,
					     on_safe_closed, w);
	if (rc == 0)
		rc = ledger_session_open_each(l, on_count, w);
	if (rc == 0)
		rc = tallies(l, w);
	if (rc == 0)
		rc = ledger_checked_out_each(l, on_out, w);
	if (rc == 0)
		rc = ledger_staff_each(l, on_staff, w);
	if (rc == 0)
		rc = ledger_lost_each(l, on_lost, w);
	return rc;
}

int wf_overview(struct ledger *l, const struct recon_key_rules *key,
		const struct recon_rules *rules, int64_t now,
		struct wf_overview *out, struct wf_err *e)
{
	struct walk w = {.ov = out, .key = key};
	int rc;

	memset(out, 0, sizeof(*out));
	out->now = now;
	out->today = wf_today(now);
	/* Today: from local midnight. */
	out->midnight = (int64_t)out->today * 86400 - wf_utc_offset(now);
	rc = ledger_parts(l, &w);
	if (rc < 0) {
		rc = w.nomem || rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
						       : wf_fail_ledger(e, l);
		goto fail;
	}
	/* on_gap stops the walk only when out of memory, which
	 * wf_training_each says as WF_E_NOMEM. */
	rc = wf_training_each(l, out->today, on_gap, &w, e);
	if (rc == 0)
		rc = wf_plan_status(l, now, &out->plan, e);
	if (rc == 0)
		rc = wf_dispose_due_count(l, rules, out->today,
					  &out->disposal_due, e);
	if (rc == 0)
		return 0;
fail:
	wf_overview_free(out);
	return rc;
}

void wf_overview_free(struct wf_overview *ov)
{
	free(ov->openings);
	free(ov->safe_closed);
	free(ov->counts);
	free(ov->tallies);
	free(ov->out);
	free(ov->locked);
	free(ov->gaps);
	free(ov->lost);
	wf_plan_status_free(&ov->plan);
	arena_free(&ov->text);
	memset(ov, 0, sizeof(*ov));
}
