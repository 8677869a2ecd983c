/*
 * Training (R20, seed 000 第3-4): a manager adds courses, makes them
 * required for work with cards, and records who attended which session;
 * anyone may read the courses, the sessions and one person's state.  The
 * gate itself is reconcile/'s recon_training_gate (wf_auth.c loads its
 * inputs); this file keeps the manager's steps in one transaction each and
 * turns the records into the lists the front ends print.
 */
#include "wf.h"

#include "../../common/text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Deciding what is required, and vouching that someone attended, is a
 * responsibility (000 第3-4): a manager's. */
const struct wf_step wf_step_training = {"training", ACT_TRAINING, WF_PERMIT};

/*
 * Appends one zeroed item of size bytes to arr of *n items, doubling it
 * when full (at 0, 1, 2, 4, ... items): the array, maybe moved, or NULL
 * when out of memory (arr and *n then unchanged).
 */
static void *push(void *arr, size_t *n, size_t size)
{
	if ((*n & (*n - 1)) == 0) {
		void *q = realloc(arr, (*n ? 2 * *n : 1) * size);

		if (!q)
			return NULL;
		arr = q;
	}
	memset((char *)arr + *n * size, 0, size);
	(*n)++;
	return arr;
}

/* PUSH(array, count): one more item at the end, or return NOMEM. */
#define PUSH(arr, n)                                                           \
	do {                                                                   \
		void *q_ = push((arr), &(n), sizeof(*(arr)));                  \
		if (!q_)                                                       \
			return LEDGER_ERR_NOMEM;                               \
		(arr) = q_;                                                    \
	} while (0)

int wf_training_course_add(struct ledger *l, const struct staff_rec *actor,
			   const struct course_rec *c, int64_t now,
			   struct wf_err *e)
{
	char max[24];
	int rc;

	if (!staff_code_valid(c->code))
		return wf_fail(e, WF_E_COURSE_CODE,
			       wf_i64(max, STAFF_CODE_MAX));
	rc = wf_text(e, N_("a course name"), c->name, NAME_MAX_BYTES, 0);
	if (rc)
		return rc;
	if (c->valid_days < 0 || c->valid_days > COURSE_VALID_DAYS_MAX)
		return wf_fail(e, WF_E_COURSE_DAYS,
			       wf_i64(max, COURSE_VALID_DAYS_MAX));
	rc = wf_begin(l, &wf_step_training, actor, now, e);
	if (rc)
		return rc;
	rc = ledger_course_add(l, c, actor->id, now);
	if (rc == LEDGER_ERR_EXISTS)
		rc = wf_fail(e, WF_E_COURSE_EXISTS, c->code);
	else if (rc == LEDGER_ERR_INVALID)
		rc = wf_fail(e, WF_E_COURSE_NAME, wf_i64(max, NAME_MAX_BYTES));
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	return wf_end(l, rc, e);
}

int wf_training_course_require(struct ledger *l, const struct staff_rec *actor,
			       const char *code, int64_t now, struct wf_err *e)
{
	int rc = wf_begin(l, &wf_step_training, actor, now, e);

	if (rc)
		return rc;
	rc = ledger_course_require(l, code, actor->id, now);
	if (rc == LEDGER_ERR_NOTFOUND)
		rc = wf_fail(e, WF_E_COURSE_NONE, code);
	else if (rc == LEDGER_ERR_STATE)
		rc = wf_fail(e, WF_E_COURSE_REQUIRED_ALREADY, code);
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	return wf_end(l, rc, e);
}

int wf_training_record(struct ledger *l, const struct staff_rec *actor,
		       const char *course, const char *const *staff, size_t n,
		       int32_t date, int64_t now, struct wf_err *e)
{
	struct course_rec c;
	struct staff_rec s;
	char d[11];
	int rc;

	if (n == 0)
		return wf_fail(e, WF_E_TRAINING_NOBODY);
	/* rule: a record vouches that a session took place; one dated
	 * after today would open the gate before anyone was trained. */
	date_format(date, d);
	if (date == DATE_NONE || date > wf_today(now))
		return wf_fail(e, WF_E_TRAINING_FUTURE, d);
	rc = wf_begin(l, &wf_step_training, actor, now, e);
	if (rc)
		return rc;
	rc = ledger_course_get(l, course, &c);
	if (rc == LEDGER_ERR_NOTFOUND)
		rc = wf_fail(e, WF_E_TRAINING_NO_COURSE, course);
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = ledger_staff_get(l, staff[i], &s);
		sodium_memzero(s.pin_hash, sizeof(s.pin_hash));
		if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_INVALID) {
			rc = wf_fail(e, WF_E_TRAINING_NO_STAFF, staff[i]);
			break;
		}
		if (rc == 0)
			rc = ledger_training_record(l, c.code, s.id, date,
						    actor->id, now);
		if (rc == LEDGER_ERR_EXISTS)
			rc = wf_fail(e, WF_E_TRAINING_RECORDED, s.code, c.code,
				     d);
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}

/* ---- lists ---- */

static int collect_course(const struct course_rec *c, void *ctx)
{
	struct wf_training_list *t = ctx;

	PUSH(t->courses, t->ncourses);
	t->courses[t->ncourses - 1] = *c;
	return 0;
}

/* One session is the run of rows with the same date and course. */
static int collect_session(const struct attendance_row *r, void *ctx)
{
	struct wf_training_list *t = ctx;
	struct wf_training_session *s =
	    t->nsessions ? &t->sessions[t->nsessions - 1] : NULL;

	if (!s || s->date != r->date || strcmp(s->course, r->course) != 0) {
		PUSH(t->sessions, t->nsessions);
		s = &t->sessions[t->nsessions - 1];
		s->date = r->date;
		snprintf(s->course, sizeof(s->course), "%s", r->course);
		snprintf(s->name, sizeof(s->name), "%s", r->course_name);
	}
	PUSH(s->who, s->nwho);
	snprintf(s->who[s->nwho - 1], sizeof(s->who[0]), "%s", r->staff);
	return 0;
}

int wf_training_list(struct ledger *l, struct wf_training_list *out,
		     struct wf_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ledger_course_each(l, collect_course, out);
	if (rc == 0)
		rc = ledger_attendance_each(l, NULL, collect_session, out);
	if (rc == 0)
		return 0;
	wf_training_list_free(out);
	return rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
				      : wf_fail_ledger(e, l);
}

void wf_training_list_free(struct wf_training_list *t)
{
	for (size_t i = 0; i < t->nsessions; i++)
		free(t->sessions[i].who);
	free(t->sessions);
	free(t->courses);
	memset(t, 0, sizeof(*t));
}

static int collect_record(const struct attendance_row *r, void *ctx)
{
	struct wf_training_person *p = ctx;
	struct wf_training_record *rec;

	PUSH(p->records, p->nrecords);
	rec = &p->records[p->nrecords - 1];
	rec->date = r->date;
	snprintf(rec->course, sizeof(rec->course), "%s", r->course);
	snprintf(rec->name, sizeof(rec->name), "%s", r->course_name);
	snprintf(rec->recorded_by, sizeof(rec->recorded_by), "%s",
		 r->recorded_by);
	return 0;
}

int wf_training_person(struct ledger *l, const char *code, int32_t today,
		       struct wf_training_person *out, struct wf_err *e)
{
	struct wf_training g = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ledger_staff_get(l, code, &out->who);
	sodium_memzero(out->who.pin_hash, sizeof(out->who.pin_hash));
	if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_INVALID)
		return wf_fail(e, WF_E_NO_STAFF, code);
	if (rc == 0)
		rc = ledger_attendance_each(l, out->who.code, collect_record,
					    out);
	if (rc == 0)
		rc = wf_training_load(l, out->who.code, &g);
	for (size_t i = 0; rc == 0 && i < g.nreq; i++) {
		struct wf_training_required *q;
		struct training_gap gap;

		q = push(out->required, &out->nrequired,
			 sizeof(*out->required));
		if (q)
			out->required = q;
		if (!q || wf_training_eval(&g, (long)i, today, &gap) < 0) {
			rc = LEDGER_ERR_NOMEM;
			break;
		}
		q = &out->required[out->nrequired - 1];
		snprintf(q->course, sizeof(q->course), "%s", g.req[i].code);
		q->gate = gap.gate;
		q->since = gap.since;
	}
	wf_training_free(&g);
	if (rc == 0)
		return 0;
	wf_training_person_free(out);
	return rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
				      : wf_fail_ledger(e, l);
}

void wf_training_person_free(struct wf_training_person *p)
{
	free(p->records);
	free(p->required);
	memset(p, 0, sizeof(*p));
}
