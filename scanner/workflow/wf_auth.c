/*
 * Who may do a step: logging a person in with their PIN, the permission
 * matrix, the training gate and the second person of a two-person step.
 * The rules themselves are reconcile/'s (recon_permit,
 * recon_training_gate, recon_pin_valid); this file loads their inputs,
 * keeps the PIN check and its bookkeeping in one transaction, and words
 * the refusals as error codes.
 */
#include "wf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../common/grow.h"
#include "../../common/model.h"
#include "../../reconcile/rules.h"

/* Wrong PINs in a row that lock an account: the PIN policy's (R21). */
#define PIN_MAX_FAILURES recon_pin_policy.max_failures

int wf_pin_valid(const char *pin)
{
	const char *rule;

	return recon_pin_format(pin, &rule) == 0;
}

struct recon_person *wf_person(const struct staff_rec *s,
			       struct recon_person *out)
{
	out->id = s->id;
	out->role = s->role;
	out->active = s->active;
	return out;
}

/*
 * As long as a wrong PIN takes: one Argon2id check at the cost cardtally
 * stores PINs with (wf_pin_hash: 3 passes, 8 MiB), against the hash of a
 * PIN nobody can type (it is not digits), so it never matches.
 */
static void unknown_code_delay(const char *pin)
{
	static const char dummy[crypto_pwhash_STRBYTES] =
	    "$argon2id$v=19$m=8192,t=3,p=1$4gE1xi8sCdGJf3p3dHvWjg$"
	    "Z4Lm1W7ddcG2/EUlRNwC1acTLLyxiVa+I4ADeN1pwUM";

	/* Never a match: the hash is of a text that is not digits. */
	int never = crypto_pwhash_str_verify(dummy, pin, strlen(pin));

	(void)never;
}

/*
 * The PIN check and its bookkeeping in one IMMEDIATE transaction, so that
 * parallel tries queue behind each other: the lock is read after every
 * earlier try was counted, and a locked account is refused before its PIN
 * is looked at.  A try that dies before the commit counts nothing and has
 * learnt nothing either.
 */
int wf_login(struct ledger *l, const char *code, const char *pin, int64_t now,
	     struct staff_rec *out, struct wf_err *e)
{
	char max[24];
	int rc, ok, may, counted, locked_now = 0;

	if (sodium_init() < 0)
		return wf_fail(e, WF_E_CRYPTO);
	if (!wf_pin_valid(pin))
		return wf_fail(e, WF_E_PIN_FORMAT);
	rc = ledger_staff_get(l, code, out);
	if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_INVALID) {
		/* The same answer as a wrong PIN: a code is not a secret,
		 * but nobody should learn which ones exist by guessing; nor
		 * by the time the answer takes, so a PIN is checked all the
		 * same. */
		unknown_code_delay(pin);
		return wf_fail(e, WF_E_LOGIN, code);
	}
	if (rc < 0)
		return wf_fail_ledger(e, l);
	/* Counted first, then the lock, then the PIN. */
	rc = ledger_staff_pin_try(l, out->id, PIN_MAX_FAILURES, &may,
				  &counted);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (!may) {
		rc = ledger_audit(l, out->id, now, "staff.pin_refused",
				  out->code, "account locked");
		if (rc < 0)
			return wf_fail_ledger(e, l);
		return wf_fail(e, WF_E_LOCKED, out->code,
			       wf_i64(max, PIN_MAX_FAILURES));
	}
	ok = crypto_pwhash_str_verify(out->pin_hash, pin, strlen(pin)) == 0;
	rc = ledger_staff_pin_settle(l, out->id, ok, counted, PIN_MAX_FAILURES,
				     now, &locked_now);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	if (ok && locked_now)
		return wf_fail(e, WF_E_LOCKED, out->code,
			       wf_i64(max, PIN_MAX_FAILURES));
	if (!ok && locked_now)
		return wf_fail(e, WF_E_LOCKED_NOW, code);
	if (!ok)
		return wf_fail(e, WF_E_LOGIN, code);
	if (!out->active)
		return wf_fail(e, WF_E_INACTIVE, out->code);
	return 0;
}

int wf_logout(struct ledger *l, const struct staff_rec *who, const char *why,
	      int64_t now, struct wf_err *e)
{
	if (ledger_audit(l, who->id, now, "tui.logout", who->code, why) < 0)
		return wf_fail_ledger(e, l);
	return 0;
}

int wf_permit(const struct staff_rec *who, enum recon_action action,
	      struct wf_err *e)
{
	const char *rule;

	if (recon_permit(who->role, action, &rule) == 0)
		return 0;
	return wf_fail(e, WF_E_PERMISSION, rule, who->code,
		       staff_role_name(who->role));
}

int wf_witness(struct ledger *l, const struct staff_rec *actor,
	       const char *code, const char *pin, int64_t now,
	       struct staff_rec *out, struct wf_err *e)
{
	struct recon_person a, w;
	const char *rule;
	int rc;

	if (!code || !*code)
		return wf_fail(e, WF_E_WITNESS_NEEDED);
	/* Said before the witness's PIN is looked at: codes are unique and
	 * matched exactly, so the same code is the same person. */
	if (strcmp(code, actor->code) == 0)
		return wf_fail(e, WF_E_WITNESS_SELF, actor->code);
	rc = wf_login(l, code, pin, now, out, e);
	if (rc)
		return rc;
	if (recon_witness(wf_person(actor, &a), wf_person(out, &w), &rule) < 0)
		return wf_fail(e, WF_E_PERMISSION, rule, out->code,
			       staff_role_name(out->role));
	return 0;
}

/* ---- the training gate (R20) ---- */

static int collect_required(const struct course_rec *c, void *ctx)
{
	struct wf_training *g = ctx;

	if (!c->required)
		return 0;
	if (grow_array((void **)&g->req, &g->capreq, g->nreq,
		       sizeof(*g->req)) < 0)
		return LEDGER_ERR_NOMEM;
	g->req[g->nreq++] = *c;
	return 0;
}

static int collect_attended(const struct attendance_row *r, void *ctx)
{
	struct wf_training *g = ctx;

	if (grow_array((void **)&g->att, &g->capatt, g->natt,
		       sizeof(*g->att)) < 0)
		return LEDGER_ERR_NOMEM;
	snprintf(g->att[g->natt].course, sizeof(g->att[0].course), "%s",
		 r->course);
	g->att[g->natt++].date = r->date;
	return 0;
}

void wf_training_free(struct wf_training *g)
{
	free(g->req);
	free(g->att);
	memset(g, 0, sizeof(*g));
}

/*
 * Runs the gate for one required course (only >= 0) or all of them
 * (only < 0) over g.  0 or -1 on OOM.
 */
int wf_training_eval(const struct wf_training *g, long only, int32_t today,
		     struct training_gap *out)
{
	struct recon_course *req = NULL;
	struct recon_attended *att = NULL;
	size_t nreq = 0, which;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->since = DATE_NONE;
	req = calloc(g->nreq ? g->nreq : 1, sizeof(*req));
	att = calloc(g->natt ? g->natt : 1, sizeof(*att));
	if (!req || !att)
		goto out;
	for (size_t i = 0; i < g->nreq; i++) {
		if (only >= 0 && (size_t)only != i)
			continue;
		req[nreq].code = g->req[i].code;
		req[nreq++].valid_days = g->req[i].valid_days;
	}
	for (size_t i = 0; i < g->natt; i++) {
		att[i].course = g->att[i].course;
		att[i].date = g->att[i].date;
	}
	out->gate = recon_training_gate(req, nreq, att, g->natt, today, &which,
					&out->since);
	if (out->gate != GATE_OK) {
		const char *code = req[which].code;

		for (size_t i = 0; i < g->nreq; i++)
			if (strcmp(g->req[i].code, code) == 0)
				out->course = g->req[i];
	}
	rc = 0;
out:
	free(req);
	free(att);
	return rc;
}

int wf_training_load(struct ledger *l, const char *staff, struct wf_training *g)
{
	int rc = ledger_course_each(l, collect_required, g);

	if (rc == 0 && g->nreq)
		rc = ledger_attendance_each(l, staff, collect_attended, g);
	return rc;
}


int wf_training_check(struct ledger *l, const char *staff, int32_t today,
		      struct training_gap *out, struct wf_err *e)
{
	struct wf_training g = {0};
	int rc = wf_training_load(l, staff, &g);

	if (rc == 0 && wf_training_eval(&g, -1, today, out) < 0)
		rc = LEDGER_ERR_NOMEM;
	wf_training_free(&g);
	if (rc == LEDGER_ERR_NOMEM)
		return wf_fail(e, WF_E_NOMEM);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	return 0;
}

/* ---- everyone's gate at once (status) ---- */

struct att_all {
	char staff[STAFF_CODE_MAX + 1];
	char course[STAFF_CODE_MAX + 1];
	int32_t date;
	size_t seq; /* the ledger's order, kept within a person */
};

struct training_all {
	struct wf_training g; /* the courses; att refilled per person */
	struct att_all *v;
	size_t n, cap;
	int32_t today;
	int (*fn)(const struct staff_rec *p, const struct training_gap *gap,
		  void *ctx);
	void *ctx;
	int nomem;
};

static int collect_all(const struct attendance_row *r, void *ctx)
{
	struct training_all *t = ctx;
	struct att_all *a;

	if (grow_array((void **)&t->v, &t->cap, t->n, sizeof(*t->v)) < 0)
		return LEDGER_ERR_NOMEM;
	a = &t->v[t->n];
	snprintf(a->staff, sizeof(a->staff), "%s", r->staff);
	snprintf(a->course, sizeof(a->course), "%s", r->course);
	a->date = r->date;
	a->seq = t->n++;
	return 0;
}

static int att_cmp(const void *x, const void *y)
{
	const struct att_all *a = x, *b = y;
	int c = strcmp(a->staff, b->staff);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int gate_of(const struct staff_rec *p, void *ctx)
{
	struct training_all *t = ctx;
	struct training_gap gap;
	size_t lo = 0, hi = t->n;

	/* The person's first record: attendance is sorted by person. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(t->v[mid].staff, p->code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	t->g.natt = 0;
	for (; lo < t->n && strcmp(t->v[lo].staff, p->code) == 0; lo++) {
		if (grow_array((void **)&t->g.att, &t->g.capatt, t->g.natt,
			       sizeof(*t->g.att)) < 0) {
			t->nomem = 1;
			return LEDGER_ERR_NOMEM;
		}
		snprintf(t->g.att[t->g.natt].course,
			 sizeof(t->g.att[0].course), "%s", t->v[lo].course);
		t->g.att[t->g.natt++].date = t->v[lo].date;
	}
	if (wf_training_eval(&t->g, -1, t->today, &gap) < 0) {
		t->nomem = 1;
		return LEDGER_ERR_NOMEM;
	}
	return t->fn(p, &gap, t->ctx);
}

int wf_training_each(struct ledger *l, int32_t today,
		     int (*fn)(const struct staff_rec *p,
			       const struct training_gap *gap, void *ctx),
		     void *ctx, struct wf_err *e)
{
	struct training_all t = {.today = today, .fn = fn, .ctx = ctx};
	int rc = ledger_course_each(l, collect_required, &t.g);

	if (rc == 0 && t.g.nreq) {
		rc = ledger_attendance_each(l, NULL, collect_all, &t);
		if (rc == 0 && t.n)
			qsort(t.v, t.n, sizeof(*t.v), att_cmp);
	}
	if (rc == 0)
		rc = ledger_staff_each(l, gate_of, &t);
	wf_training_free(&t.g);
	free(t.v);
	if (rc == LEDGER_ERR_NOMEM || t.nomem)
		return wf_fail(e, WF_E_NOMEM);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	return rc;
}

int wf_training_gate(struct ledger *l, const struct staff_rec *who,
		     int32_t today, struct wf_err *e)
{
	struct training_gap gap;
	char since[11];
	int rc = wf_training_check(l, who->code, today, &gap, e);

	if (rc)
		return rc;
	if (gap.gate == GATE_OK)
		return 0;
	if (gap.gate == GATE_EXPIRED) {
		date_format(gap.since, since);
		return wf_fail(e, WF_E_TRAINING_EXPIRED, who->code,
			       gap.course.code, gap.course.name, since);
	}
	return wf_fail(e, WF_E_TRAINING_MISSING, who->code, gap.course.code,
		       gap.course.name);
}

/*
 * The offset is the C library's (localtime_r: TZ, the zone files), which
 * costs more than the rest of a read's classification; a scan asks it two
 * or three times a read, reads come many a second, and the answer for a
 * second is the answer for that second while TZ is the same: the last one
 * is kept (per thread: the TUI's reader thread asks too).  setenv never
 * rewrites a value in place, so a new zone is a new TZ string.
 */
int32_t wf_utc_offset(int64_t t)
{
	static _Thread_local int64_t last_t = INT64_MIN;
	static _Thread_local const char *last_tz;
	static _Thread_local int32_t last_off;
	const char *tz = getenv("TZ");
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == last_t && tz == last_tz)
		return last_off;
	if (!localtime_r(&tt, &tm))
		return 0;
	last_t = t;
	last_tz = tz;
	last_off = (int32_t)tm.tm_gmtoff;
	return last_off;
}

int32_t wf_today(int64_t t)
{
	return date_of_time(t, wf_utc_offset(t));
}

/* The person as the ledger holds them now: a TUI session may outlive a
 * lock, a deactivation or a change of role. */
static int actor_now(struct ledger *l, const struct staff_rec *actor,
		     struct staff_rec *now_rec, struct wf_err *e)
{
	char max[24];
	int rc = ledger_staff_get_id(l, actor->id, now_rec);

	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_NO_STAFF, actor->code);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	sodium_memzero(now_rec->pin_hash, sizeof(now_rec->pin_hash));
	if (!now_rec->active)
		return wf_fail(e, WF_E_INACTIVE, now_rec->code);
	if (now_rec->locked)
		return wf_fail(e, WF_E_LOCKED, now_rec->code,
			       wf_i64(max, PIN_MAX_FAILURES));
	return 0;
}

int wf_may(struct ledger *l, const struct wf_step *step,
	   const struct staff_rec *actor, int64_t now, struct wf_err *e)
{
	struct staff_rec who;
	int rc = actor_now(l, actor, &who, e);

	if (rc == 0 && (step->needs & WF_PERMIT))
		rc = wf_permit(&who, step->action, e);
	if (rc == 0 && (step->needs & WF_TRAINING))
		rc = wf_training_gate(l, &who, wf_today(now), e);
	return rc;
}

/* wf_may inside the transaction just begun, which a refusal ends. */
static int may_or_roll_back(struct ledger *l, const struct wf_step *step,
			    const struct staff_rec *actor, int64_t now,
			    struct wf_err *e)
{
	int rc = wf_may(l, step, actor, now, e);

	if (rc)
		ledger_rollback(l);
	return rc;
}

int wf_begin(struct ledger *l, const struct wf_step *step,
	     const struct staff_rec *actor, int64_t now, struct wf_err *e)
{
	if (ledger_begin(l) < 0)
		return wf_fail_ledger(e, l);
	return may_or_roll_back(l, step, actor, now, e);
}

int wf_begin_memo(struct ledger *l, const struct wf_step *step,
		  const struct staff_rec *actor, int64_t now,
		  struct wf_memo *m, int *again, struct wf_err *e)
{
	uint32_t mark;

	*again = 0;
	if (ledger_begin(l) < 0)
		return wf_fail_ledger(e, l);
	/* Inside the transaction: a commit by anyone since the keep has
	 * moved the mark by now. */
	if (m->step == step && m->actor_id == actor->id &&
	    m->day == wf_today(now) && ledger_change_mark(l, &mark) == 0 &&
	    mark == m->mark) {
		*again = 1;
		return 0;
	}
	m->step = NULL;
	return may_or_roll_back(l, step, actor, now, e);
}

void wf_memo_keep(struct ledger *l, const struct wf_step *step,
		  const struct staff_rec *actor, int64_t now,
		  struct wf_memo *m)
{
	m->step = NULL;
	if (ledger_change_mark(l, &m->mark) < 0)
		return;
	m->step = step;
	m->actor_id = actor->id;
	m->day = wf_today(now);
}

int wf_begin_read(struct ledger *l, const struct wf_step *step,
		  const struct staff_rec *actor, int64_t now, struct wf_err *e)
{
	if (ledger_begin_read(l) < 0)
		return wf_fail_ledger(e, l);
	return may_or_roll_back(l, step, actor, now, e);
}

int wf_end(struct ledger *l, int rc, struct wf_err *e)
{
	if (rc) {
		ledger_rollback(l);
		return rc;
	}
	if (ledger_commit(l) < 0) {
		rc = wf_fail_ledger(e, l);
		ledger_rollback(l);
	}
	return rc;
}
