/*
 * Counts as workflows (R5, R7-R10; issue 5): what a count found and its
 * managers' resolutions, resolving a discrepancy, ordering a recount of a
 * range by someone else, recording a count-only check's total, and
 * closing a count.  `count close`, `count resolve`, `count recount`,
 * `count total`, `count discrepancies` and the TUI's count screens call
 * these, so both front ends keep the same rules and say the same
 * refusals.  The rules are reconcile/'s (recon_count_close,
 * recon_resolution_valid, recon_resolution_effect, recon_recount_check,
 * recon_assign_once, plan_total_compare); this file fetches their facts
 * and records.
 *
 * Every writing step reads what it decides on inside its own transaction
 * (wf_begin .. wf_end): a read, an undo or a resolution that came in while
 * the operator typed is decided on, never left out.
 */
#include "wf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/count.h"
#include "../../common/text.h"
#include "../../reconcile/plan.h"
#include "../../reconcile/rules.h"
#include "wf_scan.h"

/* Closing a count certifies it: who may is the matrix's. */
const struct wf_step wf_step_count_start = {"count start", ACT_COUNT_START,
					    WF_PERMIT | WF_TRAINING};
const struct wf_step wf_step_count_close = {"count close", ACT_COUNT_CLOSE,
					    WF_PERMIT};
/* A manager's decision at the desk: no card is handled. */
const struct wf_step wf_step_count_resolve = {"count resolve", ACT_RESOLVE,
					      WF_PERMIT};
const struct wf_step wf_step_count_recount = {"count recount", ACT_RECOUNT,
					      WF_PERMIT};
/* Counting the cards of a tray is handling them (R20). */
const struct wf_step wf_step_count_total = {"count total", ACT_SCAN,
					    WF_PERMIT | WF_TRAINING};

/* ---- discrepancies ---- */

static int disc_push(struct disc_list *d, const struct disc_item *it)
{
	struct disc_item *p = realloc(d->v, (d->n + 1) * sizeof(*p));

	if (!p)
		return -1;
	d->v = p;
	d->v[d->n++] = *it;
	return 0;
}

void disc_list_free(struct disc_list *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

struct disc_item *disc_list_find(struct disc_list *d, const char *card)
{
	char serial[SERIAL_BUF];
	int is_serial = serial_normalize(card, strlen(card), serial) == 0;

	for (size_t i = 0; i < d->n; i++) {
		struct disc_item *it = &d->v[i];

		if ((it->mgmt_id[0] && strcmp(it->mgmt_id, card) == 0) ||
		    (is_serial && strcmp(it->serial, serial) == 0))
			return it;
	}
	return NULL;
}

static void item_from_card(struct disc_item *it, enum recon_disc kind,
			   const struct count_data *d, int32_t card,
			   int32_t range)
{
	const struct count_card *k = &d->cards[card];

	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->card_id = k->id;
	snprintf(it->mgmt_id, sizeof(it->mgmt_id), "%s", k->mgmt_id);
	snprintf(it->serial, sizeof(it->serial), "%s", k->serial);
	snprintf(it->location, sizeof(it->location), "%s", k->location);
	it->status = k->status;
	if (range >= 0 && (size_t)range < d->nranges)
		snprintf(it->found, sizeof(it->found), "%s",
			 d->ranges[range].path);
}

int wf_count_load(struct ledger *l, int64_t id, struct count_data *d)
{
	int rc = ledger_count_load(l, id, d);

	if (rc < 0)
		return rc;
	if (recon_see_as_counted(d) < 0) {
		count_data_free(d);
		return LEDGER_ERR_NOMEM;
	}
	return 0;
}

/* What reconciling count id finds now: *d and *r loaded (free both). */
static int reconcile(struct ledger *l, int64_t id, int64_t now,
		     const struct recon_rules *rules, struct count_data *d,
		     struct recon_report *r, struct wf_err *e)
{
	int rc = wf_count_load(l, id, d);

	if (rc == LEDGER_ERR_NOMEM)
		return wf_fail(e, WF_E_NOMEM);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (recon_run(d, wf_today(now), rules, r) < 0) {
		count_data_free(d);
		return wf_fail(e, WF_E_NOMEM);
	}
	return 0;
}

/* The live discrepancies of a count, in the report's order. */
static int live_items(struct ledger *l, int64_t id, int64_t now,
		      const struct recon_rules *rules, struct disc_list *out,
		      struct wf_err *e)
{
	struct count_data d;
	struct recon_report r;
	struct disc_item it;
	int bad = 0, rc = reconcile(l, id, now, rules, &d, &r, e);

	if (rc)
		return rc;
	for (size_t i = 0; i < r.nmissing; i++) {
		item_from_card(&it, DISC_MISSING, &d, r.missing[i], -1);
		bad |= disc_push(out, &it);
	}
	for (size_t i = 0; i < r.nmisplaced; i++) {
		item_from_card(&it, DISC_MISPLACED, &d, r.misplaced[i].card,
			       r.misplaced[i].range);
		bad |= disc_push(out, &it);
	}
	for (size_t i = 0; i < r.nextra; i++) {
		const struct count_scan *s = &d.scans[r.extra[i]];

		memset(&it, 0, sizeof(it));
		it.kind = DISC_EXTRA;
		snprintf(it.serial, sizeof(it.serial), "%s", s->serial);
		if (s->range >= 0 && (size_t)s->range < d.nranges)
			snprintf(it.found, sizeof(it.found), "%s",
				 d.ranges[s->range].path);
		bad |= disc_push(out, &it);
	}
	for (size_t i = 0; i < r.nnot_in_stock; i++) {
		item_from_card(&it, DISC_NOT_IN_STOCK, &d,
			       r.not_in_stock[i].card, r.not_in_stock[i].range);
		bad |= disc_push(out, &it);
	}
	recon_report_free(&r);
	count_data_free(&d);
	return bad ? wf_fail(e, WF_E_NOMEM) : 0;
}

/* Attaches a resolution to its item, or adds the item it was given for. */
static int attach(void *ctx, const struct resolution_rec *res)
{
	struct disc_list *d = ctx;
	struct disc_item it;

	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->v[i].serial, res->serial) == 0) {
			d->v[i].resolved = 1;
			d->v[i].res = *res;
			return 0;
		}
	}
	memset(&it, 0, sizeof(it));
	if (recon_disc_parse(res->kind, &it.kind) < 0)
		it.kind = DISC_MISSING;
	it.card_id = res->card_id;
	snprintf(it.mgmt_id, sizeof(it.mgmt_id), "%s", res->mgmt_id);
	snprintf(it.serial, sizeof(it.serial), "%s", res->serial);
	snprintf(it.location, sizeof(it.location), "%s", res->location);
	snprintf(it.found, sizeof(it.found), "%s", res->found);
	it.resolved = 1;
	it.res = *res;
	return disc_push(d, &it) < 0 ? LEDGER_ERR_NOMEM : 0;
}

static int has_results(void *ctx, const struct book_range *r)
{
	if (r->expected >= 0)
		*(int *)ctx = 1;
	return 0;
}

/* Session id, or the refusal naming it. */
static int session(struct ledger *l, int64_t id, struct session_rec *s,
		   enum wf_code none, struct wf_err *e)
{
	char n[24];
	int rc = ledger_session_get(l, id, s);

	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, none, wf_i64(n, id));
	if (rc < 0)
		return wf_fail_ledger(e, l);
	return 0;
}

/* The discrepancies of count sess into *out (disc_list_free after 0). */
static int discrepancies(struct ledger *l, const struct session_rec *sess,
			 int64_t now, const struct recon_rules *rules,
			 struct disc_list *out, struct wf_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (sess->closed_at &&
	    ledger_range_marks(l, sess->id, has_results, &out->snapshot) < 0)
		return wf_fail_ledger(e, l);
	if (!out->snapshot) {
		rc = live_items(l, sess->id, now, rules, out, e);
		if (rc)
			goto fail;
	}
	rc = ledger_resolution_each(l, sess->id, attach, out);
	if (rc == LEDGER_ERR_NOMEM)
		rc = wf_fail(e, WF_E_NOMEM);
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	if (rc)
		goto fail;
	for (size_t i = 0; i < out->n; i++)
		out->unresolved += !out->v[i].resolved;
	return 0;
fail:
	disc_list_free(out);
	return rc;
}

int wf_count_discrepancies(struct ledger *l, int64_t id, int64_t now,
			   const struct recon_rules *rules,
			   struct disc_list *out, struct wf_err *e)
{
	struct session_rec sess;
	char n[24];
	int rc = session(l, id, &sess, WF_E_COUNT_NOT_FOUND, e);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	if (sess.kind == SESSION_TALLY)
		return wf_fail(e, WF_E_COUNT_TALLY_BOOK, wf_i64(n, id));
	return discrepancies(l, &sess, now, rules, out, e);
}

int wf_count_get(struct ledger *l, int64_t id, struct session_rec *s,
		 struct wf_err *e)
{
	char n[24];
	int rc = session(l, id, s, WF_E_COUNT_NOT_FOUND, e);

	if (rc == 0 && s->kind == SESSION_TALLY)
		rc = wf_fail(e, WF_E_COUNT_TALLY_SETTLE, wf_i64(n, id));
	return rc;
}

/* ---- count-only totals ---- */

static int count_off(void *ctx, const struct count_total_row *r)
{
	size_t *off = ctx;

	*off += plan_total_compare(r->expected, r->counted) != PLAN_TOTAL_OK;
	return 0;
}

int wf_count_off(struct ledger *l, int64_t id, size_t *off, struct wf_err *e)
{
	*off = 0;
	if (ledger_count_totals(l, id, count_off, off) < 0)
		return wf_fail_ledger(e, l);
	return 0;
}

/* ---- the overview ---- */

void wf_count_view_free(struct wf_count_view *v)
{
	free(v->r);
	disc_list_free(&v->disc);
	memset(v, 0, sizeof(*v));
}

static int on_total(void *ctx, const struct count_total_row *t)
{
	struct wf_count_view *v = ctx;

	for (size_t k = 0; k < v->nr; k++)
		if (strcmp(v->r[k].path, t->range) == 0) {
			v->r[k].expected = t->expected;
			v->r[k].seen = t->counted >= 0 ? t->counted : -1;
		}
	return 0;
}

/* Per range what reconcile/ finds: expected and seen. */
static int fill_seen(struct ledger *l, struct wf_count_view *v, int64_t now,
		     const struct recon_rules *rules, struct wf_err *e)
{
	struct count_data d;
	struct recon_report r;
	int rc = reconcile(l, v->sess.id, now, rules, &d, &r, e);

	if (rc)
		return rc;
	for (size_t i = 0; i < d.nranges; i++)
		for (size_t k = 0; k < v->nr; k++)
			if (strcmp(v->r[k].path, d.ranges[i].path) == 0) {
				v->r[k].expected = (int64_t)r.range_expected[i];
				v->r[k].seen = (int64_t)r.range_seen[i];
			}
	recon_report_free(&r);
	count_data_free(&d);
	return 0;
}

static int fill_ranges(struct ledger *l, struct wf_count_view *v,
		       struct wf_err *e)
{
	struct range_rec *rr = NULL;
	size_t n = 0;

	if (ledger_session_ranges(l, v->sess.id, &rr, &n) < 0)
		return wf_fail_ledger(e, l);
	v->r = calloc(n ? n : 1, sizeof(*v->r));
	if (!v->r) {
		free(rr);
		return wf_fail(e, WF_E_NOMEM);
	}
	v->nr = n;
	for (size_t i = 0; i < n; i++) {
		int64_t x = 0;

		snprintf(v->r[i].path, sizeof(v->r[i].path), "%s", rr[i].path);
		snprintf(v->r[i].assignee, sizeof(v->r[i].assignee), "%s",
			 rr[i].assignee);
		v->r[i].seen = -1;
		/* Expected until reconciled: what the ledger holds there. */
		if (ledger_range_expected(l, rr[i].path, &x) == 0)
			v->r[i].expected = x;
	}
	free(rr);
	return 0;
}

int wf_count_view(struct ledger *l, int64_t id, int64_t now,
		  const struct recon_rules *rules, struct wf_count_view *out,
		  struct wf_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = session(l, id, &out->sess, WF_E_COUNT_NOT_FOUND, e);
	if (rc == 0 && out->sess.kind == SESSION_TALLY) {
		char n[24];

		rc = wf_fail(e, WF_E_COUNT_TALLY_BOOK, wf_i64(n, id));
	}
	if (rc == 0)
		rc = fill_ranges(l, out, e);
	if (rc == 0 && out->sess.kind == SESSION_COUNTONLY) {
		if (ledger_count_totals(l, id, on_total, out) < 0)
			rc = wf_fail_ledger(e, l);
		if (rc == 0)
			rc = wf_count_off(l, id, &out->offrange, e);
	} else if (rc == 0) {
		rc = fill_seen(l, out, now, rules, e);
		if (rc == 0)
			rc = discrepancies(l, &out->sess, now, rules,
					   &out->disc, e);
	}
	if (rc)
		wf_count_view_free(out);
	return rc;
}

/* ---- resolving ---- */

/* Whether a recount of count id read the card of it. */
static int recount_read(struct ledger *l, int64_t id,
			const struct disc_item *it, int *read, struct wf_err *e)
{
	int64_t recount = 0;

	*read = 0;
	if (it->card_id &&
	    ledger_recount_read(l, id, it->card_id, &recount) < 0)
		return wf_fail_ledger(e, l);
	*read = recount != 0;
	return 0;
}

int wf_count_reasons(struct ledger *l, int64_t id, const struct disc_item *it,
		     enum recon_reason out[REASON_COUNT], int *n,
		     struct wf_err *e)
{
	const char *rule;
	int read, rc = recount_read(l, id, it, &read, e);

	*n = 0;
	if (rc)
		return rc;
	for (int r = 0; r < REASON_COUNT; r++)
		if (recon_resolution_valid(it->kind, (enum recon_reason)r, read,
					   it->status, &rule) == 0)
			out[(*n)++] = (enum recon_reason)r;
	return 0;
}

/*
 * What a resolution does to the card besides being recorded
 * (recon_resolution_effect): a missing card declared lost leaves the
 * expected stock; a lost card that a count read, declared found, goes back
 * into storage where it was read, with the status it had before it was
 * lost.  Checked against the card's state now.
 */
static int resolve_effect(struct ledger *l, const char *card,
			  enum recon_reason reason, struct wf_resolved_item *ri,
			  struct custody_item *cur, struct wf_err *e)
{
	struct disc_item *it = &ri->it;
	struct lost_rec lost;
	struct recon_item item = {0};
	const char *rule;
	int rc;

	ri->moves =
	    recon_resolution_effect(it->kind, reason, it->status, &ri->kind);
	if (!ri->moves)
		return 0;
	rc = ledger_custody_get(l, 0, it->mgmt_id, cur);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_RESOLVE_RECORD, ledger_errmsg(l));
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (ri->kind == CUSTODY_FOUND) {
		if (!it->found[0])
			return wf_fail(e, WF_E_RESOLVE_NOWHERE, card);
		rc = ledger_card_lost(l, cur->id, &lost);
		if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
			return wf_fail_ledger(e, l);
		item.before_lost = rc == 0 ? lost.before : CARD_STATUS_COUNT;
	}
	/* The one state machine of cards decides where it goes. */
	item.status = cur->status;
	if (recon_transition(ri->kind == CUSTODY_FOUND ? EV_FOUND : EV_LOST,
			     &item, &ri->to, &rule) < 0)
		return wf_fail(e, WF_E_RESOLVE_STATUS, card,
			       card_status_name(cur->status),
			       recon_reason_name(reason),
			       custody_kind_name(ri->kind), rule);
	return 0;
}

/* One card's resolution checked against the rules into *ri. */
static int resolve_check(struct ledger *l, int64_t id, struct disc_list *d,
			 const char *card, enum recon_reason reason,
			 struct wf_resolved_item *ri, struct custody_item *cur,
			 struct wf_err *e)
{
	struct disc_item *it = disc_list_find(d, card);
	const char *rule;
	char n[24];
	int read, rc;

	memset(ri, 0, sizeof(*ri));
	wf_i64(n, id);
	if (!it)
		return wf_fail(e, WF_E_RESOLVE_NOT_DISC, card, n, n);
	if (it->resolved)
		return wf_fail(e, WF_E_RESOLVE_ALREADY, card, n, it->res.reason,
			       it->res.by);
	rc = recount_read(l, id, it, &read, e);
	if (rc)
		return rc;
	if (recon_resolution_valid(it->kind, reason, read, it->status, &rule) <
	    0)
		return wf_fail(e, WF_E_RESOLVE_REASON, card,
			       recon_disc_name(it->kind),
			       recon_reason_name(reason), rule);
	ri->it = *it;
	return resolve_effect(l, card, reason, ri, cur, e);
}

/* The resolution row and, when it moves the card, its custody event, in
 * the caller's transaction. */
static int resolve_write(struct ledger *l, int64_t id, enum recon_reason reason,
			 const char *note, struct wf_resolved_item *ri,
			 struct custody_item *cur, int64_t actor, int64_t now)
{
	struct disc_item *it = &ri->it;
	struct resolution_rec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.session_id = id;
	r.card_id = it->card_id;
	snprintf(r.serial, sizeof(r.serial), "%s", it->serial);
	snprintf(r.mgmt_id, sizeof(r.mgmt_id), "%s", it->mgmt_id);
	snprintf(r.kind, sizeof(r.kind), "%s", recon_disc_name(it->kind));
	snprintf(r.location, sizeof(r.location), "%s", it->location);
	snprintf(r.found, sizeof(r.found), "%s", it->found);
	snprintf(r.reason, sizeof(r.reason), "%s", recon_reason_name(reason));
	snprintf(r.note, sizeof(r.note), "%s", note ? note : "");
	rc = ledger_resolution_add(l, &r, actor, now);
	/* A decision at the desk: no card is handled, so the safe's state
	 * does not flag it (recon_custody_handling). */
	if (rc == 0 && ri->moves)
		rc = ledger_custody_record(
		    l, cur, custody_kind_name(ri->kind), ri->to,
		    ri->kind == CUSTODY_FOUND ? it->found : NULL, DATE_NONE,
		    actor, now, 0);
	if (rc == 0 && ri->moves &&
	    ledger_custody_get(l, 0, it->mgmt_id, cur) == 0)
		snprintf(ri->location, sizeof(ri->location), "%s",
			 cur->location);
	return rc;
}

void wf_resolved_free(struct wf_resolved *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Every card checked, then every one written; in wf_begin's transaction. */
static int resolve_all(struct ledger *l, const struct staff_rec *actor,
		       int64_t id, const char *const *cards, size_t n,
		       enum recon_reason reason, const char *note, int64_t now,
		       const struct recon_rules *rules, struct wf_resolved *out,
		       struct custody_item *cur, struct wf_err *e)
{
	struct session_rec s;
	struct disc_list d;
	char num[24];
	int rc = wf_count_get(l, id, &s, e);

	if (rc)
		return rc;
	if (s.closed_at)
		return wf_fail(e, WF_E_COUNT_CLOSED_RESOLVE, wf_i64(num, id));
	rc = discrepancies(l, &s, now, rules, &d, e);
	if (rc)
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = resolve_check(l, id, &d, cards[i], reason, &out->v[i],
				   &cur[i], e);
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(out->v[j].it.serial, out->v[i].it.serial) ==
			    0)
				rc = wf_fail(e, WF_E_RESOLVE_TWICE, cards[i]);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = resolve_write(l, id, reason, note, &out->v[i], &cur[i],
				   actor->id, now);
		if (rc == LEDGER_ERR_EXISTS || rc == LEDGER_ERR_INVALID ||
		    rc == LEDGER_ERR_NOTFOUND)
			rc = wf_fail(e, WF_E_RESOLVE_RECORD, ledger_errmsg(l));
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	if (rc == 0) {
		out->n = n;
		out->unresolved = d.unresolved - n;
	}
	disc_list_free(&d);
	return rc;
}

int wf_count_resolve(struct ledger *l, const struct staff_rec *actor,
		     int64_t id, const char *const *cards, size_t n,
		     enum recon_reason reason, const char *note, int64_t now,
		     const struct recon_rules *rules, struct wf_resolved *out,
		     struct wf_err *e)
{
	struct custody_item *cur;
	int rc;

	memset(out, 0, sizeof(*out));
	if (note && *note) {
		rc = wf_text(e, N_("a note"), note, RESOLUTION_NOTE_MAX,
			     TEXT_MULTILINE);
		if (rc)
			return rc;
	}
	out->v = calloc(n ? n : 1, sizeof(*out->v));
	cur = calloc(n ? n : 1, sizeof(*cur));
	if (!out->v || !cur) {
		free(cur);
		wf_resolved_free(out);
		return wf_fail(e, WF_E_NOMEM);
	}
	rc = wf_begin(l, &wf_step_count_resolve, actor, now, e);
	if (rc == 0)
		rc = wf_end(l,
			    resolve_all(l, actor, id, cards, n, reason, note,
					now, rules, out, cur, e),
			    e);
	free(cur);
	if (rc)
		wf_resolved_free(out);
	return rc;
}

/* ---- recounting ---- */

static int recount(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   const char *range, const char *who_s, int64_t now,
		   int64_t *rid, struct wf_err *e)
{
	struct staff_rec who;
	struct range_rec *ranges = NULL;
	struct session_rec s;
	int64_t loc = 0, reads = 0, *first = NULL;
	size_t n = 0, nfirst = 0;
	const char *rule;
	char num[24];
	int rc = wf_count_get(l, id, &s, e);

	wf_i64(num, id);
	if (rc)
		return rc;
	if (s.closed_at)
		return wf_fail(e, WF_E_RECOUNT_CLOSED, num);
	rc = ledger_staff_get(l, who_s, &who);
	if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_INVALID ||
	    (rc == 0 && !who.active))
		return wf_fail(e, WF_E_RECOUNT_NO_STAFF, who_s);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (ledger_session_ranges(l, id, &ranges, &n) < 0)
		return wf_fail_ledger(e, l);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ranges[i].path, range) == 0)
			loc = ranges[i].location_id;
	free(ranges);
	if (!loc)
		return wf_fail(e, WF_E_RECOUNT_NOT_RANGE, range, num);
	if (ledger_range_reads(l, id, loc, &reads) < 0)
		return wf_fail_ledger(e, l);
	rc = wf_first_counters(l, id, loc, &first, &nfirst, e);
	if (rc)
		return rc;
	switch (recon_recount_check(reads, who.id, first, nfirst, &rule)) {
	case RECOUNT_NOT_COUNTED:
		rc = wf_fail(e, WF_E_RECOUNT_NOT_COUNTED, range, num);
		break;
	case RECOUNT_SAME_PERSON:
		rc = wf_fail(e, WF_E_RECOUNT_RULE, who.code, range, num, rule);
		break;
	case RECOUNT_OK:
		break;
	}
	free(first);
	if (rc)
		return rc;
	if (ledger_recount_start(l, id, range, who.id, actor->id, now, rid) < 0)
		return wf_fail_ledger(e, l);
	return 0;
}

int wf_count_recount(struct ledger *l, const struct staff_rec *actor,
		     int64_t id, const char *range, const char *who,
		     int64_t now, int64_t *rid, struct wf_err *e)
{
	int rc = wf_begin(l, &wf_step_count_recount, actor, now, e);

	*rid = 0;
	if (rc)
		return rc;
	return wf_end(l, recount(l, actor, id, range, who, now, rid, e), e);
}

/* ---- closing ---- */

int wf_count_close_check(struct ledger *l, int64_t id, struct session_rec *s,
			 struct wf_err *e)
{
	char n[24];
	int rc = session(l, id, s, WF_E_COUNT_NOT_FOUND, e);

	wf_i64(n, id);
	if (rc)
		return rc;
	if (s->closed_at)
		return wf_fail(e, WF_E_COUNT_CLOSED_ALREADY, n, s->closed_by);
	/* A tally's witness rule and returns live in `tally close`. */
	if (s->kind == SESSION_TALLY)
		return wf_fail(e, WF_E_COUNT_TALLY_CLOSE, n);
	return 0;
}

/* What closing a count must know. */
struct closing {
	size_t ndisc; /* discrepancies (count-only: ranges off) */
	size_t unresolved;
	/* Per-range results to store (NULL for a count-only check, whose
	 * totals are its record). */
	struct range_result *res;
	size_t nranges;
};

/*
 * What closing count sess must know, read inside the close's
 * transaction: whether it found discrepancies and how many are
 * unresolved (for a count-only check only how many ranges are off: a
 * total that is off has no card to resolve, only the witness's
 * signature), and the per-range results to store.
 */
static int closing_facts(struct ledger *l, const struct session_rec *sess,
			 int64_t now, const struct recon_rules *rules,
			 struct closing *c, struct wf_err *e)
{
	struct count_data d;
	struct recon_report r;
	struct disc_list disc;
	int found, rc;

	memset(c, 0, sizeof(*c));
	if (sess->kind == SESSION_COUNTONLY)
		return wf_count_off(l, sess->id, &c->ndisc, e);
	rc = reconcile(l, sess->id, now, rules, &d, &r, e);
	if (rc)
		return rc;
	found = recon_has_discrepancy(&r);
	c->res = calloc(d.nranges ? d.nranges : 1, sizeof(*c->res));
	for (size_t i = 0; c->res && i < d.nranges; i++) {
		c->res[i].location_id = d.ranges[i].location_id;
		c->res[i].expected = (int64_t)r.range_expected[i];
		c->res[i].seen = (int64_t)r.range_seen[i];
		c->res[i].in_place = (int64_t)r.range_ok[i];
	}
	c->nranges = d.nranges;
	recon_report_free(&r);
	count_data_free(&d);
	if (!c->res)
		return wf_fail(e, WF_E_NOMEM);
	rc = discrepancies(l, sess, now, rules, &disc, e);
	if (rc) {
		free(c->res);
		c->res = NULL;
		return rc;
	}
	/* A resolution whose discrepancy has gone since (the card turned
	 * up in its tray) does not make one. */
	c->ndisc = found ? disc.n : 0;
	c->unresolved = disc.unresolved;
	disc_list_free(&disc);
	return 0;
}

/* The refusal of recon_count_close's verdict. */
static int close_refusal(enum recon_close verdict, const char *rule,
			 const struct closing *c, int64_t id,
			 const struct staff_rec *w, struct wf_err *e)
{
	char n[24], k[24];
	int one = c->unresolved == 1;

	wf_i64(n, id);
	wf_i64(k, (int64_t)c->unresolved);
	switch (verdict) {
	case CLOSE_UNRESOLVED:
		/* Without a witness, the witness is wanted too: both said. */
		if (!w)
			return one ? wf_fail(e,
					     WF_E_COUNT_WITNESS_UNRESOLVED_ONE,
					     n, n)
				   : wf_fail(e, WF_E_COUNT_WITNESS_UNRESOLVED,
					     n, k, n);
		return one ? wf_fail(e, WF_E_COUNT_UNRESOLVED_ONE, n, n)
			   : wf_fail(e, WF_E_COUNT_UNRESOLVED, n, k, n);
	case CLOSE_NEEDS_WITNESS:
		return wf_fail(e, WF_E_COUNT_WITNESS, n);
	default: /* the witness was refused */
		return wf_fail(e, WF_E_COUNT_WITNESS_RULE, rule,
			       w ? w->code : "");
	}
}

static int close_count(struct ledger *l, const struct staff_rec *actor,
		       int64_t id, const struct staff_rec *w, int64_t now,
		       const struct recon_rules *rules,
		       struct wf_count_closed *out, struct wf_err *e)
{
	struct session_rec s;
	struct recon_person a, wp;
	struct closing c;
	enum recon_close verdict;
	const char *rule;
	int rc = wf_count_close_check(l, id, &s, e);

	if (rc)
		return rc;
	rc = closing_facts(l, &s, now, rules, &c, e);
	if (rc)
		return rc;
	out->found = c.ndisc > 0;
	/* The rule is reconcile/'s alone. */
	if (recon_count_close(c.ndisc, c.unresolved, wf_person(actor, &a),
			      w ? wf_person(w, &wp) : NULL, &verdict,
			      &rule) < 0)
		rc = close_refusal(verdict, rule, &c, id, w, e);
	if (rc == 0 &&
	    (ledger_session_close(l, id, actor->id, w ? w->id : 0, now) < 0 ||
	     ledger_range_results(l, id, c.res, c.nranges, actor->id, now) < 0))
		rc = wf_fail_ledger(e, l);
	free(c.res);
	return rc;
}

int wf_count_close(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   const char *w_code, const char *w_pin, int64_t now,
		   const struct recon_rules *rules, struct wf_count_closed *out,
		   struct wf_err *e)
{
	struct session_rec s;
	struct staff_rec w;
	int witnessed = w_code && *w_code, rc;

	memset(out, 0, sizeof(*out));
	/* Said before anyone's PIN is checked. */
	rc = wf_may(l, &wf_step_count_close, actor, now, e);
	if (rc == 0)
		rc = wf_count_close_check(l, id, &s, e);
	if (rc == 0 && witnessed)
		rc = wf_witness(l, actor, w_code, w_pin, now, &w, e);
	if (rc == 0)
		rc = wf_begin(l, &wf_step_count_close, actor, now, e);
	if (rc)
		return rc;
	rc = close_count(l, actor, id, witnessed ? &w : NULL, now, rules, out,
			 e);
	rc = wf_end(l, rc, e);
	if (rc == 0 && witnessed) {
		out->witnessed = 1;
		snprintf(out->witness, sizeof(out->witness), "%s", w.code);
	}
	return rc;
}

/* ---- count-only totals ---- */

static int total_check(struct ledger *l, const struct staff_rec *actor,
		       int64_t id, const char *range, struct wf_err *e)
{
	struct session_rec s;
	int64_t range_id;
	char n[24];
	int rc = session(l, id, &s, WF_E_TOTAL_NO_COUNT, e);

	wf_i64(n, id);
	if (rc)
		return rc;
	if (s.kind != SESSION_COUNTONLY)
		return wf_fail(e, WF_E_TOTAL_NOT_COUNTONLY, n,
			       session_kind_name(s.kind));
	if (s.closed_at)
		return wf_fail(e, WF_E_TOTAL_CLOSED, n);
	/* Only the assignee counts a range, as only the assignee scans it
	 * (R7): one rule for both. */
	return wf_scan_range(l, id, range, actor, &range_id, e);
}

int wf_count_total_check(struct ledger *l, const struct staff_rec *actor,
			 int64_t id, const char *range, int64_t now,
			 struct wf_err *e)
{
	int rc = wf_may(l, &wf_step_count_total, actor, now, e);

	return rc ? rc : total_check(l, actor, id, range, e);
}

int wf_count_total(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   const char *range, int64_t cards, const char *method,
		   int64_t now, struct wf_count_total *out, struct wf_err *e)
{
	int rc = wf_begin(l, &wf_step_count_total, actor, now, e);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	rc = total_check(l, actor, id, range, e);
	if (rc == 0 && ledger_count_total_add(l, id, range, cards, method,
					      actor->id, now) < 0)
		rc = wf_fail(e, WF_E_TOTAL_RECORD, ledger_errmsg(l));
	if (rc == 0 && ledger_range_expected(l, range, &out->expected) < 0)
		rc = wf_fail_ledger(e, l);
	if (rc == 0)
		out->state = (int)plan_total_compare(out->expected, cards);
	return wf_end(l, rc, e);
}

/* ---- starting a count ---- */

void wf_count_started_free(struct wf_count_started *s)
{
	plan_result_free(&s->plan);
	s->id = 0;
}

/* The ranges asked for: given once, none within another, each a known
 * location (the ledger checks it again; this says it as a refusal). */
static int start_ranges(struct ledger *l, const struct wf_count_start_args *a,
			struct wf_err *e)
{
	size_t i, j;
	int64_t loc;
	int rc;

	switch (recon_ranges_check(a->ranges, a->nranges, &i, &j)) {
	case RANGES_TWICE:
		return wf_fail(e, WF_E_START_RANGE_TWICE, a->ranges[i]);
	case RANGES_WITHIN:
		return wf_fail(e, WF_E_START_RANGE_WITHIN, a->ranges[i],
			       a->ranges[j]);
	case RANGES_NOMEM:
		return wf_fail(e, WF_E_NOMEM);
	case RANGES_OK:
		break;
	}
	for (i = 0; i < a->nranges; i++) {
		rc = ledger_location_find(l, a->ranges[i], &loc);
		if (rc == LEDGER_ERR_NOTFOUND)
			return wf_fail(e, WF_E_START_RANGE_UNKNOWN,
				       a->ranges[i]);
		if (rc < 0)
			return wf_fail_ledger(e, l);
	}
	return 0;
}

/* Each range is assigned by hand once at most (R7): refused before the
 * count is opened, so nothing of it is recorded. */
static int start_assign_once(const struct wf_count_start_args *a,
			     struct wf_err *e)
{
	size_t i, j;

	switch (recon_assign_once(a->assign_range, a->nassign, &i, &j)) {
	case ONCE_TWICE:
		return wf_fail(e, WF_E_START_ASSIGN_TWICE, a->assign_range[j],
			       a->assign_staff[i], a->assign_staff[j]);
	case ONCE_NOMEM:
		return wf_fail(e, WF_E_NOMEM);
	case ONCE_OK:
		break;
	}
	return 0;
}

/* Gives range to staff by hand in count id, in the order of refusals
 * `count start` always had: the planner's rules (rotation, lock,
 * training, matrix), then the location, the person and the range. */
static int start_assign(struct ledger *l, struct wf_planner *pl, int64_t id,
			const struct staff_rec *actor, const char *range,
			const char *staff, int64_t now, struct wf_err *e)
{
	struct staff_rec who;
	int64_t loc;
	int rc = wf_planner_check(pl, range, staff, e);

	if (rc)
		return rc;
	rc = ledger_location_find(l, range, &loc);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_START_RANGE_UNKNOWN, range);
	if (rc == 0)
		rc = ledger_staff_get(l, staff, &who);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_NO_STAFF, staff);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (!who.active)
		return wf_fail(e, WF_E_START_INACTIVE, staff);
	if (!wf_planner_has_range(pl, range))
		return wf_fail(e, WF_E_START_NOT_A_RANGE, range);
	if (ledger_session_assign(l, id, range, staff, actor->id, now) < 0)
		return wf_fail_ledger(e, l);
	wf_planner_assigned(pl, range, staff);
	return 0;
}

int wf_count_start(struct ledger *l, const struct staff_rec *actor,
		   const struct wf_count_start_args *a, int64_t now,
		   struct wf_count_started *out, struct wf_err *e)
{
	struct wf_planner *pl = NULL, *pre = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	/* The planner's reads come first, outside the transaction: a window
	 * checkout does not wait behind them (issue 12). */
	rc = wf_planner_preload(l, a->ranges, a->nranges, now, &pre, e);
	if (rc)
		return rc;
	rc = wf_begin(l, &wf_step_count_start, actor, now, e);
	if (rc) {
		wf_planner_free(pre);
		return rc;
	}
	rc = start_ranges(l, a, e);
	if (rc == 0)
		rc = start_assign_once(a, e);
	if (rc == 0) {
		int lrc =
		    ledger_session_start(l, a->kind, a->ranges, a->nranges,
					 actor->id, now, &out->id);

		/* The ranges were checked: what is left is an empty ledger,
		 * or the ledger failing. */
		if (lrc == LEDGER_ERR_INVALID && a->nranges == 0)
			rc = wf_fail(e, WF_E_START_NOTHING);
		else if (lrc < 0)
			rc = wf_fail_ledger(e, l);
	}
	/* Loaded once for every assignment and the planner's picks. */
	if (rc == 0)
		rc = wf_planner_attach(l, &pre, out->id, &pl, e);
	wf_planner_free(pre);
	for (size_t i = 0; rc == 0 && i < a->nassign; i++)
		rc = start_assign(l, pl, out->id, actor, a->assign_range[i],
				  a->assign_staff[i], now, e);
	if (rc == 0)
		rc = wf_planner_fill(l, pl, actor, !a->dry_run, &out->plan, e);
	wf_planner_free(pl);
	/* A dry run ends here: what would happen is known, nothing of it
	 * stays (the session, its audit rows and its id are rolled back). */
	if (rc == 0 && a->dry_run) {
		if (ledger_rollback(l) < 0)
			rc = wf_fail_ledger(e, l);
	} else {
		rc = wf_end(l, rc, e);
	}
	if (rc)
		wf_count_started_free(out);
	return rc;
}
