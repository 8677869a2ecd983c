/*
 * The people on the ledger: adding them, their PINs (changed by their
 * owner, reset by a manager), unlocking, deactivating and reactivating
 * (never deleting: a person's history stays), roles, and the list.
 *
 * One manager must never be two people (issue 19): every step that could
 * make a manager out of one person's say-so, or let one manager speak for
 * another (adding a manager, changing a role, a manager's PIN, who may log
 * in) needs a second manager as witness.  An office being set up is the
 * one exception, see witness_waived.
 */
#include "wf.h"

#include "../../common/text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const struct wf_step wf_step_staff_add = {"staff add", ACT_STAFF_ADD,
					  WF_PERMIT};
const struct wf_step wf_step_staff_unlock = {"staff unlock", ACT_STAFF_UNLOCK,
					     WF_PERMIT};
const struct wf_step wf_step_staff_pin = {"staff pin", ACT_STAFF_PIN,
					  WF_PERMIT};
const struct wf_step wf_step_staff_reset_pin = {"staff reset-pin",
						ACT_STAFF_PIN_RESET, WF_PERMIT};
/* WF_WITNESS: a second manager, but for an office being set up. */
const struct wf_step wf_step_staff_deactivate = {
    "staff deactivate", ACT_STAFF_ACTIVE, WF_PERMIT | WF_WITNESS};
const struct wf_step wf_step_staff_reactivate = {
    "staff reactivate", ACT_STAFF_ACTIVE, WF_PERMIT | WF_WITNESS};
const struct wf_step wf_step_staff_role = {"staff role", ACT_STAFF_ROLE,
					   WF_PERMIT | WF_WITNESS};

/*
 * rule: whether a staff step that needs a second manager may go without
 * one.  Only while the office is set up: the ledger holds no card and no
 * terminal (nothing to take yet) and the actor is its only active manager
 * (nobody to ask).  From the first stock on, or as soon as a second
 * manager exists, one manager alone can no longer make another.
 */
static int witness_waived(int stock_empty, int64_t other_managers)
{
	return stock_empty && other_managers == 0;
}

/* rule: a change that would leave the ledger without an active manager
 * (deactivating or demoting the last one) is refused. */
static int keeps_a_manager(const struct staff_rec *who, int stays_manager,
			   int64_t other_managers)
{
	return stays_manager || who->role != ROLE_MANAGER || !who->active ||
	       other_managers > 0;
}

int wf_pin_hash(const char *pin, char out[128], struct wf_err *e)
{
	if (sodium_init() < 0)
		return wf_fail(e, WF_E_CRYPTO);
	if (!wf_pin_valid(pin))
		return wf_fail(e, WF_E_PIN_FORMAT);
	/*
	 * Argon2id.  A 4-12 digit PIN has too little entropy for any hash
	 * to resist an offline search of a stolen ledger; what protects it
	 * is the lockout after 5 wrong PINs.  So the cost is kept moderate
	 * (3 passes over 8 MiB, ~20 ms) to keep a scan process small.
	 */
	_Static_assert(crypto_pwhash_STRBYTES <= 128, "hash buffer size");
	if (crypto_pwhash_str_alg(out, pin, strlen(pin), 3, 8u << 20,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return wf_fail(e, WF_E_NOMEM);
	return 0;
}

/* The name rule of a person: text, 1..NAME_MAX_BYTES bytes. */
static int name_ok(const char *name, struct wf_err *e)
{
	return wf_text(e, N_("name"), name, NAME_MAX_BYTES, 0);
}

/* `code`'s row into *out; WF_E_NO_STAFF when there is none. */
static int get_staff(struct ledger *l, const char *code, struct staff_rec *out,
		     struct wf_err *e)
{
	int rc = ledger_staff_get(l, code, out);

	if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_INVALID)
		return wf_fail(e, WF_E_NO_STAFF, code);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	sodium_memzero(out->pin_hash, sizeof(out->pin_hash));
	return 0;
}

/*
 * The second manager of a staff step, when w_code is given: checked by
 * wf_witness (another person, PIN, a manager).  Runs before the step's
 * transaction (wf_login has its own); whether one was needed is decided
 * inside it (second_manager).
 */
static int staff_witness(struct ledger *l, const struct staff_rec *actor,
			 const char *w_code, const char *w_pin, int64_t now,
			 struct staff_rec *w, struct wf_err *e)
{
	int rc;

	memset(w, 0, sizeof(*w));
	if (!w_code || !*w_code)
		return 0;
	rc = wf_witness(l, actor, w_code, w_pin, now, w, e);
	sodium_memzero(w->pin_hash, sizeof(w->pin_hash));
	return rc;
}

/* Inside the step's transaction: refused with `needed` when no witness
 * (w->id 0) was given and the office is past its setup. */
static int second_manager(struct ledger *l, const struct staff_rec *actor,
			  const struct staff_rec *w, enum wf_code needed,
			  struct wf_err *e)
{
	int64_t others;
	int empty;

	if (w->id)
		return 0;
	if (ledger_stock_empty(l, &empty) < 0 ||
	    ledger_staff_managers(l, actor->id, &others) < 0)
		return wf_fail_ledger(e, l);
	if (!witness_waived(empty, others))
		return wf_fail(e, needed);
	return 0;
}

int wf_staff_add_check(struct ledger *l, const char *code, const char *name,
		       struct wf_err *e)
{
	struct staff_rec s;
	int rc;

	if (!staff_code_valid(code))
		return wf_fail(e, WF_E_STAFF_CODE, code);
	rc = name_ok(name, e);
	if (rc)
		return rc;
	rc = ledger_staff_get(l, code, &s);
	sodium_memzero(s.pin_hash, sizeof(s.pin_hash));
	if (rc == 0)
		return wf_fail(e, WF_E_STAFF_EXISTS, code);
	if (rc != LEDGER_ERR_NOTFOUND)
		return wf_fail_ledger(e, l);
	return 0;
}

int wf_staff_add(struct ledger *l, const struct staff_rec *actor,
		 const char *code, const char *name, enum staff_role role,
		 const char *new_pin, const char *w_code, const char *w_pin,
		 int64_t now, struct wf_err *e)
{
	struct staff_rec w;
	char hash[128], detail[STAFF_CODE_MAX + 48];
	int rc = wf_may(l, &wf_step_staff_add, actor, now, e);

	if (rc == 0)
		rc = wf_staff_add_check(l, code, name, e);
	if (rc == 0)
		rc = wf_pin_hash(new_pin, hash, e);
	if (rc == 0)
		rc = staff_witness(l, actor, w_code, w_pin, now, &w, e);
	if (rc == 0)
		rc = wf_begin(l, &wf_step_staff_add, actor, now, e);
	if (rc) {
		sodium_memzero(hash, sizeof(hash));
		return rc;
	}
	if (role == ROLE_MANAGER)
		rc = second_manager(l, actor, &w,
				    WF_E_STAFF_ADD_MANAGER_WITNESS, e);
	if (rc == 0) {
		rc =
		    ledger_staff_add(l, code, name, role, hash, actor->id, now);
		if (rc == LEDGER_ERR_EXISTS)
			rc = wf_fail(e, WF_E_STAFF_EXISTS, code);
		else if (rc == LEDGER_ERR_INVALID) /* the code was checked */
			rc = wf_fail(e, WF_E_STAFF_NAME,
				     wf_i64(detail, NAME_MAX_BYTES));
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	if (rc == 0 && w.id) {
		snprintf(detail, sizeof(detail), "staff add by %s role=%s",
			 actor->code, staff_role_name(role));
		if (ledger_audit(l, w.id, now, "staff.witness", code, detail) <
		    0)
			rc = wf_fail_ledger(e, l);
	}
	sodium_memzero(hash, sizeof(hash));
	return wf_end(l, rc, e);
}

int wf_staff_unlock(struct ledger *l, const struct staff_rec *actor,
		    const char *code, int64_t now, struct wf_err *e)
{
	struct staff_rec who;
	int rc = wf_begin(l, &wf_step_staff_unlock, actor, now, e);

	if (rc)
		return rc;
	rc = get_staff(l, code, &who, e);
	if (rc == 0) {
		rc = ledger_staff_unlock(l, who.id, actor->id, now);
		if (rc == LEDGER_ERR_STATE)
			rc = wf_fail(e, WF_E_STAFF_NOT_LOCKED, who.code);
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}

int wf_staff_pin(struct ledger *l, const char *code, const char *old_pin,
		 const char *new_pin, int64_t now, struct wf_err *e)
{
	struct staff_rec who;
	char hash[128];
	int same, rc;

	/* The new PIN's form first: a typo there costs no try. */
	if (!wf_pin_valid(new_pin))
		return wf_fail(e, WF_E_PIN_FORMAT);
	rc = wf_login(l, code, old_pin, now, &who, e);
	if (rc)
		return rc;
	same = crypto_pwhash_str_verify(who.pin_hash, new_pin,
					strlen(new_pin)) == 0;
	sodium_memzero(who.pin_hash, sizeof(who.pin_hash));
	if (same)
		return wf_fail(e, WF_E_PIN_SAME);
	rc = wf_pin_hash(new_pin, hash, e);
	if (rc == 0)
		rc = wf_begin(l, &wf_step_staff_pin, &who, now, e);
	if (rc == 0) {
		rc =
		    ledger_staff_pin_set(l, who.id, hash, 0, who.id, NULL, now);
		if (rc < 0)
			rc = wf_fail_ledger(e, l);
		rc = wf_end(l, rc, e);
	}
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int wf_staff_reset_pin(struct ledger *l, const struct staff_rec *actor,
		       const char *code, const char *new_pin,
		       const char *w_code, const char *w_pin, int64_t now,
		       struct wf_err *e)
{
	struct staff_rec who, w;
	char hash[128];
	int rc = wf_may(l, &wf_step_staff_reset_pin, actor, now, e);

	if (rc)
		return rc;
	if (strcmp(code, actor->code) == 0)
		return wf_fail(e, WF_E_PIN_RESET_SELF, actor->code);
	rc = get_staff(l, code, &who, e);
	if (rc == 0)
		rc = wf_pin_hash(new_pin, hash, e);
	if (rc == 0)
		rc = staff_witness(l, actor, w_code, w_pin, now, &w, e);
	if (rc == 0)
		rc = wf_begin(l, &wf_step_staff_reset_pin, actor, now, e);
	if (rc) {
		sodium_memzero(hash, sizeof(hash));
		return rc;
	}
	/* Read again inside: the role decides whether a witness is due. */
	rc = get_staff(l, code, &who, e);
	if (rc == 0 && who.role == ROLE_MANAGER)
		rc = second_manager(l, actor, &w, WF_E_STAFF_RESET_WITNESS, e);
	if (rc == 0 && ledger_staff_pin_set(l, who.id, hash, 1, actor->id,
					    w.id ? w.code : NULL, now) < 0)
		rc = wf_fail_ledger(e, l);
	sodium_memzero(hash, sizeof(hash));
	return wf_end(l, rc, e);
}

int wf_staff_set_active(struct ledger *l, const struct staff_rec *actor,
			const char *code, int active, const char *w_code,
			const char *w_pin, int64_t now, struct wf_err *e)
{
	const struct wf_step *step =
	    active ? &wf_step_staff_reactivate : &wf_step_staff_deactivate;
	struct staff_rec who, w;
	int64_t others;
	int rc = wf_may(l, step, actor, now, e);

	if (rc == 0)
		rc = get_staff(l, code, &who, e);
	if (rc == 0)
		rc = staff_witness(l, actor, w_code, w_pin, now, &w, e);
	if (rc == 0)
		rc = wf_begin(l, step, actor, now, e);
	if (rc)
		return rc;
	rc = get_staff(l, code, &who, e);
	if (rc == 0 && who.active == !!active)
		rc = wf_fail(e,
			     active ? WF_E_STAFF_ACTIVE_ALREADY
				    : WF_E_STAFF_INACTIVE_ALREADY,
			     who.code);
	if (rc == 0)
		rc = second_manager(l, actor, &w, WF_E_STAFF_ACTIVE_WITNESS, e);
	if (rc == 0 && ledger_staff_managers(l, who.id, &others) < 0)
		rc = wf_fail_ledger(e, l);
	if (rc == 0 && !keeps_a_manager(&who, active, others))
		rc = wf_fail(e, WF_E_STAFF_LAST_MANAGER, who.code);
	if (rc == 0 && ledger_staff_set_active(l, who.id, active, actor->id,
					       w.id ? w.code : NULL, now) < 0)
		rc = wf_fail_ledger(e, l);
	return wf_end(l, rc, e);
}

int wf_staff_role(struct ledger *l, const struct staff_rec *actor,
		  const char *code, enum staff_role role, const char *w_code,
		  const char *w_pin, int64_t now, struct wf_err *e)
{
	struct staff_rec who, w;
	int64_t others;
	int rc = wf_may(l, &wf_step_staff_role, actor, now, e);

	if (rc == 0)
		rc = get_staff(l, code, &who, e);
	if (rc == 0 && who.role == role)
		rc = wf_fail(e, WF_E_STAFF_ROLE_SAME, who.code,
			     staff_role_name(role));
	if (rc == 0)
		rc = staff_witness(l, actor, w_code, w_pin, now, &w, e);
	if (rc == 0)
		rc = wf_begin(l, &wf_step_staff_role, actor, now, e);
	if (rc)
		return rc;
	rc = get_staff(l, code, &who, e);
	if (rc == 0 && who.role == role)
		rc = wf_fail(e, WF_E_STAFF_ROLE_SAME, who.code,
			     staff_role_name(role));
	if (rc == 0)
		rc = second_manager(l, actor, &w, WF_E_STAFF_ROLE_WITNESS, e);
	if (rc == 0 && ledger_staff_managers(l, who.id, &others) < 0)
		rc = wf_fail_ledger(e, l);
	if (rc == 0 && !keeps_a_manager(&who, role == ROLE_MANAGER, others))
		rc = wf_fail(e, WF_E_STAFF_LAST_MANAGER, who.code);
	if (rc == 0 && ledger_staff_set_role(l, who.id, role, actor->id,
					     w.id ? w.code : NULL, now) < 0)
		rc = wf_fail_ledger(e, l);
	return wf_end(l, rc, e);
}

/* ---- the list ---- */

static int collect_staff(const struct staff_rec *s, void *ctx)
{
	struct wf_staff_list *out = ctx;
	struct staff_rec *v;

	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (!v)
		return LEDGER_ERR_NOMEM;
	out->v = v;
	v[out->n] = *s;
	sodium_memzero(v[out->n].pin_hash, sizeof(v[out->n].pin_hash));
	out->n++;
	return 0;
}

int wf_staff_list(struct ledger *l, struct wf_staff_list *out, struct wf_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ledger_staff_each(l, collect_staff, out);
	if (rc == 0)
		return 0;
	wf_staff_list_free(out);
	return rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
				      : wf_fail_ledger(e, l);
}

void wf_staff_list_free(struct wf_staff_list *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
