/*
 * The end-of-day window tally (R12, the Tsurumi case) as workflows:
 * opening it fixes what should come back (every card and terminal checked
 * out); closing it turns every read into a return and, when something is
 * missing, needs a manager's witness and a note.  The close reads the
 * tally again inside its own transaction, so reads that came in while the
 * operator typed the note are counted, and a tally closed meanwhile by
 * someone else is refused, not closed twice.
 */
#include "wf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/text.h"
#include "../../reconcile/rules.h"

/* Opening a tally starts work on cards (R20). */
const struct wf_step wf_step_tally_start = {"tally start", ACT_TALLY_START,
					    WF_PERMIT | WF_TRAINING};
/* Closing turns the reads into returns: handling cards (R20). */
const struct wf_step wf_step_tally_close = {"tally close", ACT_TALLY_CLOSE,
					    WF_PERMIT | WF_TRAINING};

int wf_tally_start(struct ledger *l, const struct staff_rec *actor,
		   int64_t now, int64_t *id, int64_t *nexpected,
		   struct wf_err *e)
{
	int rc = wf_begin(l, &wf_step_tally_start, actor, now, e);

	if (rc)
		return rc;
	if (ledger_tally_start(l, actor->id, now, id, nexpected) < 0)
		rc = wf_fail_ledger(e, l);
	return wf_end(l, rc, e);
}

/* What closing finds: the tally, and the items read back still out. */
struct closing {
	struct recon_tally t;
	char (*back)[CUSTODY_NAME_MAX + 1];
	int *back_asset;
	size_t nback;
};

static int close_row(void *ctx, const struct tally_row *r)
{
	struct closing *s = ctx;
	void *p;

	recon_tally_add(&s->t, recon_tally_item(r->read_back, r->status));
	if (!recon_tally_close_returns(r->read_back, r->is_asset, r->status))
		return 0;
	p = realloc(s->back, (s->nback + 1) * sizeof(*s->back));
	if (!p)
		return LEDGER_ERR_NOMEM;
	s->back = p;
	p = realloc(s->back_asset, (s->nback + 1) * sizeof(*s->back_asset));
	if (!p)
		return LEDGER_ERR_NOMEM;
	s->back_asset = p;
	snprintf(s->back[s->nback], sizeof(s->back[0]), "%s", r->name);
	s->back_asset[s->nback] = r->is_asset;
	s->nback++;
	return 0;
}

/* Session id as a tally still open, its rows into *c. */
static int load(struct ledger *l, int64_t id, struct closing *c,
		struct wf_err *e)
{
	struct session_rec sess;
	char n[24];
	int rc = ledger_session_get(l, id, &sess);

	wf_i64(n, id);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_TALLY_NOT_FOUND, n);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (sess.kind != SESSION_TALLY)
		return wf_fail(e, WF_E_TALLY_NOT_TALLY, n);
	if (sess.closed_at)
		return wf_fail(e, WF_E_TALLY_CLOSED, n);
	rc = ledger_tally_each(l, id, close_row, c);
	if (rc == LEDGER_ERR_NOMEM)
		return wf_fail(e, WF_E_NOMEM);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	return 0;
}

static void closing_free(struct closing *c)
{
	free(c->back);
	free(c->back_asset);
	memset(c, 0, sizeof(*c));
}

int wf_tally_preview(struct ledger *l, int64_t id, struct recon_tally *t,
		     struct wf_err *e)
{
	struct closing c = {0};
	int rc = load(l, id, &c, e);

	*t = c.t;
	closing_free(&c);
	return rc;
}

struct judged {
	struct recon_tally *t;
	int (*fn)(void *ctx, const struct tally_row *r);
	void *ctx;
};

/* Each row judged by the rule and counted; the missing ones passed on. */
static int judge_row(void *p, const struct tally_row *r)
{
	struct judged *j = p;
	enum tally_state st = recon_tally_item(r->read_back, r->status);

	recon_tally_add(j->t, st);
	return st == TALLY_MISSING && j->fn ? j->fn(j->ctx, r) : 0;
}

int wf_tally_missing(struct ledger *l, int64_t id,
		     int (*fn)(void *ctx, const struct tally_row *r),
		     void *ctx, struct recon_tally *t)
{
	struct judged j = {t, fn, ctx};

	memset(t, 0, sizeof(*t));
	return ledger_tally_each(l, id, judge_row, &j);
}

int wf_tally_summary(struct ledger *l, int64_t id, struct recon_tally *t)
{
	return wf_tally_missing(l, id, NULL, NULL, t);
}

/* Refusal of recon_tally_close_check's answer, or 0. */
static int close_rule(const struct closing *c, int64_t id, int witnessed,
		      const char *note, struct wf_err *e)
{
	char a[24], b[24];

	switch (recon_tally_close_check(&c->t, witnessed, note && note[0])) {
	case TALLY_CLOSE_NEEDS_WITNESS:
		return wf_fail(e, WF_E_TALLY_WITNESS, wf_i64(a, id),
			       wf_i64(b, (int64_t)c->t.by_state[TALLY_MISSING]));
	case TALLY_CLOSE_NEEDS_NOTE:
		return wf_fail(e, WF_E_TALLY_NOTE);
	default:
		return 0;
	}
}

/* The reads become returns into storage, flagged when the safe is
 * recorded closed; then the session closes with its note and audit. */
static int apply(struct ledger *l, struct closing *c, int64_t id,
		 const struct staff_rec *actor, int64_t witness_id,
		 const char *note, int64_t now, size_t *nflagged)
{
	char detail[256], subject[24];
	int open = 0, flag, rc = ledger_safe_open(l, &open);

	flag = recon_safe_flag(HANDLE_RETURN, open);
	for (size_t i = 0; rc == 0 && i < c->nback; i++) {
		struct custody_item it;
		struct recon_item ri = {0};
		enum card_status to;
		const char *rule;

		rc = ledger_custody_get(l, c->back_asset[i], c->back[i], &it);
		if (rc < 0)
			break;
		ri.is_asset = it.is_asset;
		ri.status = it.status;
		if (recon_transition(EV_RETURN, &ri, &to, &rule) < 0)
			continue; /* changed since the read: nothing to do */
		rc = ledger_custody_record(l, &it, "return", to, NULL,
					   DATE_NONE, actor->id, now, flag);
		*nflagged += (size_t)flag;
	}
	if (rc == 0)
		rc = ledger_session_close(l, id, actor->id, witness_id, now);
	if (rc == 0 && note && note[0])
		rc = ledger_session_note(l, id, note);
	snprintf(detail, sizeof(detail),
		 "expected=%zu returned=%zu issued=%zu missing=%zu",
		 c->t.expected, c->t.by_state[TALLY_RETURNED],
		 c->t.by_state[TALLY_ISSUED], c->t.by_state[TALLY_MISSING]);
	snprintf(subject, sizeof(subject), "%lld", (long long)id);
	if (rc == 0)
		rc = ledger_audit(l, actor->id, now, "tally.close", subject,
				  detail);
	return rc;
}

int wf_tally_close(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   const char *witness_code, const char *witness_pin,
		   const char *note, int64_t now, struct wf_tally_closed *out,
		   struct wf_err *e)
{
	struct closing c = {0};
	struct staff_rec w;
	int witnessed = witness_code && *witness_code, rc;

	memset(out, 0, sizeof(*out));
	rc = wf_may(l, &wf_step_tally_close, actor, now, e);
	if (rc == 0 && note && *note)
		rc = wf_text(e, N_("a note"), note, NOTE_MAX_BYTES, 0);
	if (rc == 0 && witnessed)
		rc = wf_witness(l, actor, witness_code, witness_pin, now, &w,
				e);
	if (rc == 0)
		rc = wf_begin(l, &wf_step_tally_close, actor, now, e);
	if (rc)
		return rc;
	rc = load(l, id, &c, e);
	if (rc == 0)
		rc = close_rule(&c, id, witnessed, note, e);
	if (rc == 0 && apply(l, &c, id, actor, witnessed ? w.id : 0, note, now,
			     &out->nflagged) < 0)
		rc = wf_fail_ledger(e, l);
	out->t = c.t;
	out->balanced = recon_tally_balanced(&c.t);
	out->witnessed = witnessed;
	closing_free(&c);
	return wf_end(l, rc, e);
}
