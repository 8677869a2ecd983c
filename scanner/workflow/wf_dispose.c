/*
 * Disposal of uncollected cards (R16-R18) as workflows: the list of
 * cards due (reconcile/'s due rule over the cards in storage), starting a
 * batch with two people present, closing it with the method and, for a
 * contractor, the certificate, again with two people, and the disposal
 * ledger as a struct.  The cards themselves are scanned into a batch by
 * the scan session (wf_scan.c), which asks recon_dispose_accept.
 *
 * The close reads the batch again inside its transaction and checks every
 * card of it against the one transition rule (recon_transition,
 * EV_DISPOSE): a card issued or declared lost since it was scanned makes
 * the whole close refused, naming the card, and nothing is disposed.
 */
#include "wf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/text.h"
#include "../../reconcile/rules.h"

const struct wf_step wf_step_dispose_start = {
    "dispose start", ACT_DISPOSE, WF_PERMIT | WF_TRAINING | WF_WITNESS};
const struct wf_step wf_step_dispose_close = {
    "dispose close", ACT_DISPOSE, WF_PERMIT | WF_TRAINING | WF_WITNESS};

/* ---- the cards due ---- */

struct due_walk {
	struct wf_dispose_due *d;
	const struct recon_rules *rules;
};

static int collect_due(void *ctx, const struct card_rec *c)
{
	struct due_walk *w = ctx;
	struct wf_dispose_due *d = w->d;
	int32_t since;
	enum recon_due_why why = recon_disposal_due(c->status, c->reminder_sent,
						    d->today, w->rules, &since);

	if (why == DUE_NOT)
		return 0;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		void *pv = realloc(d->v, ncap * sizeof(*d->v));

		if (!pv)
			return LEDGER_ERR_NOMEM;
		d->v = pv;
		pv = realloc(d->ids, ncap * sizeof(*d->ids));
		if (!pv)
			return LEDGER_ERR_NOMEM;
		d->ids = pv;
		d->cap = ncap;
	}
	snprintf(d->ids[d->n], sizeof(d->ids[d->n]), "%s", c->mgmt_id);
	d->v[d->n].why = why;
	d->v[d->n].since = since;
	d->n++;
	return 0;
}

int wf_dispose_due(struct ledger *l, const struct recon_rules *rules,
		   int32_t today, struct wf_dispose_due *out, struct wf_err *e)
{
	struct due_walk w = {out, rules ? rules : &recon_default_rules};
	int rc;

	memset(out, 0, sizeof(*out));
	out->today = today;
	out->reminder_days = w.rules->reminder_days;
	rc = ledger_cards_in_storage(l, collect_due, &w);
	if (rc != 0) {
		wf_dispose_due_free(out);
		return rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
					      : wf_fail_ledger(e, l);
	}
	/* The ids array may have moved while growing: point at it now. */
	for (size_t i = 0; i < out->n; i++)
		out->v[i].mgmt_id = out->ids[i];
	recon_due_sort(out->v, out->n);
	return 0;
}

struct due_count {
	const struct recon_rules *rules;
	int32_t today, cutoff;
	long n;
};

/* The rule applied to a status's group: all its cards are due when the
 * status alone makes them due, else those reminded by the cutoff when a
 * reminder on the cutoff makes them due (the rule is monotone in the
 * reminder day). */
static int add_due(void *ctx, enum card_status s, long n, long reminded)
{
	struct due_count *d = ctx;
	int32_t since;

	if (recon_disposal_due(s, DATE_NONE, d->today, d->rules, &since) !=
	    DUE_NOT)
		d->n += n;
	else if (recon_disposal_due(s, d->cutoff, d->today, d->rules,
				    &since) != DUE_NOT)
		d->n += reminded;
	return 0;
}

int wf_dispose_due_count(struct ledger *l, const struct recon_rules *rules,
			 int32_t today, long *n, struct wf_err *e)
{
	struct due_count d = {.rules = rules ? rules : &recon_default_rules,
			      .today = today};
	int rc;

	d.cutoff = recon_disposal_due_cutoff(today, d.rules);
	*n = 0;
	rc = ledger_cards_in_storage_counts(l, d.cutoff, add_due, &d);
	if (rc != 0)
		return wf_fail_ledger(e, l);
	*n = d.n;
	return 0;
}

void wf_dispose_due_free(struct wf_dispose_due *d)
{
	free(d->v);
	free(d->ids);
	memset(d, 0, sizeof(*d));
}

/* ---- a batch, its method ---- */

int wf_dispose_batch(struct ledger *l, int64_t id, struct disposal_batch_rec *b,
		     struct wf_err *e)
{
	char n[24];
	int rc = ledger_disposal_get(l, id, b);

	wf_i64(n, id);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_DISPOSE_NOT_FOUND, n);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (b->closed_at)
		return wf_fail(e, WF_E_DISPOSE_CLOSED, n, b->closed_by);
	return 0;
}

int wf_dispose_method(const char *method, const char *cert, struct wf_err *e)
{
	enum recon_dispose_method m;
	const char *rule;

	if (recon_dispose_method(method ? method : "", cert, &m, &rule) < 0)
		return wf_fail(e, WF_E_DISPOSE_METHOD, rule);
	return wf_text(e, N_("the certificate reference"), cert ? cert : "",
		       DISPOSAL_CERT_MAX, TEXT_OPTIONAL);
}

/* ---- start ---- */

int wf_dispose_start(struct ledger *l, const struct staff_rec *actor,
		     const char *w_code, const char *w_pin, int64_t now,
		     int64_t *id, struct staff_rec *witness, struct wf_err *e)
{
	int rc;

	*id = 0;
	memset(witness, 0, sizeof(*witness));
	rc = wf_may(l, &wf_step_dispose_start, actor, now, e);
	if (rc == 0)
		rc = wf_witness(l, actor, w_code, w_pin, now, witness, e);
	sodium_memzero(witness->pin_hash, sizeof(witness->pin_hash));
	if (rc)
		return rc;
	rc = wf_begin(l, &wf_step_dispose_start, actor, now, e);
	if (rc)
		return rc;
	if (ledger_disposal_start(l, actor->id, witness->id, now, id) < 0)
		rc = wf_fail_ledger(e, l);
	return wf_end(l, rc, e);
}

/* ---- the disposal ledger ---- */

struct list_walk {
	struct wf_disposal_list *out;
	int64_t only;  /* this batch alone; 0: every one */
	int open_only; /* the open batches, without cards */
	int mine;      /* the batch being walked is kept */
};

static int list_batch(void *ctx, const struct disposal_batch_rec *b)
{
	struct list_walk *w = ctx;
	struct wf_disposal_list *o = w->out;
	void *p;

	w->mine =
	    (!w->only || b->id == w->only) && (!w->open_only || !b->closed_at);
	if (!w->mine)
		return 0;
	p = realloc(o->v, (o->n + 1) * sizeof(*o->v));
	if (!p)
		return LEDGER_ERR_NOMEM;
	o->v = p;
	memset(&o->v[o->n], 0, sizeof(o->v[0]));
	o->v[o->n++].b = *b;
	return 0;
}

static int list_card(void *ctx, const struct disposal_card_row *r)
{
	struct list_walk *w = ctx;
	struct wf_disposal *d;
	struct wf_disposal_card *c;
	void *p;

	if (!w->mine || w->open_only)
		return 0;
	d = &w->out->v[w->out->n - 1];
	p = realloc(d->cards, (d->ncards + 1) * sizeof(*d->cards));
	if (!p)
		return LEDGER_ERR_NOMEM;
	d->cards = p;
	c = &d->cards[d->ncards++];
	snprintf(c->mgmt_id, sizeof(c->mgmt_id), "%s", r->mgmt_id);
	snprintf(c->serial, sizeof(c->serial), "%s", r->serial);
	snprintf(c->why, sizeof(c->why), "%s", r->why);
	c->due_since = r->due_since;
	c->scanned_at = r->scanned_at;
	snprintf(c->scanned_by, sizeof(c->scanned_by), "%s", r->scanned_by);
	return 0;
}

static int list_load(struct ledger *l, int64_t only, int open_only,
		     struct wf_disposal_list *out, struct wf_err *e)
{
	struct list_walk w = {out, only, open_only, 0};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ledger_disposal_list(l, list_batch, list_card, &w);
	if (rc == 0)
		return 0;
	wf_dispose_list_free(out);
	return rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
				      : wf_fail_ledger(e, l);
}

int wf_dispose_list(struct ledger *l, int open_only,
		    struct wf_disposal_list *out, struct wf_err *e)
{
	return list_load(l, 0, open_only, out, e);
}

void wf_dispose_list_free(struct wf_disposal_list *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].cards);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* ---- close ---- */

/* Every card of batch id may be disposed of now (the transition rule),
 * in the caller's transaction.  0 or the exit status with *e. */
static int cards_disposable(struct ledger *l, int64_t id, struct wf_err *e)
{
	struct wf_disposal_list one;
	char n[24];
	int rc = list_load(l, id, 0, &one, e);

	wf_i64(n, id);
	for (size_t i = 0; rc == 0 && one.n && i < one.v[0].ncards; i++) {
		const struct wf_disposal_card *c = &one.v[0].cards[i];
		struct recon_item it = {0};
		struct card_rec card;
		enum card_status to;
		const char *rule;

		if (ledger_card_by_mgmt(l, c->mgmt_id, &card) < 0) {
			rc = wf_fail_ledger(e, l);
			break;
		}
		it.status = card.status;
		if (recon_transition(EV_DISPOSE, &it, &to, &rule) < 0)
			rc = wf_fail(e, WF_E_DISPOSE_CARD_LEFT, c->mgmt_id,
				     wf_status_word(0, card.status), n);
	}
	wf_dispose_list_free(&one);
	return rc;
}

int wf_dispose_close(struct ledger *l, const struct staff_rec *actor,
		     int64_t id, const char *method, const char *cert,
		     const char *w_code, const char *w_pin, int64_t now,
		     struct wf_dispose_closed *out, struct wf_err *e)
{
	struct disposal_batch_rec b;
	char n[24];
	int rc;

	memset(out, 0, sizeof(*out));
	if (cert && !cert[0])
		cert = NULL;
	/* Everything the witness need not be asked for, first. */
	rc = wf_may(l, &wf_step_dispose_close, actor, now, e);
	if (rc == 0)
		rc = wf_dispose_method(method, cert, e);
	if (rc == 0)
		rc = wf_dispose_batch(l, id, &b, e);
	if (rc == 0)
		rc = wf_witness(l, actor, w_code, w_pin, now, &out->witness, e);
	sodium_memzero(out->witness.pin_hash, sizeof(out->witness.pin_hash));
	if (rc)
		return rc;
	rc = wf_begin(l, &wf_step_dispose_close, actor, now, e);
	if (rc)
		return rc;
	/* Closed by someone else meanwhile, or a card left storage. */
	rc = wf_dispose_batch(l, id, &b, e);
	if (rc == 0)
		rc = cards_disposable(l, id, e);
	if (rc == 0) {
		rc = ledger_disposal_close(l, id, method, cert, actor->id,
					   out->witness.id, now, &out->ncards);
		if (rc == LEDGER_ERR_STATE || rc == LEDGER_ERR_INVALID)
			rc = wf_fail(e, WF_E_DISPOSE_NOT_CLOSED, wf_i64(n, id),
				     ledger_errmsg(l));
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}
