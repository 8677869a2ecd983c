/*
 * The safe's key (R14, R15; seeds 000 第3-1(1), 002 (ｳ), 003): naming key
 * holders, and recording each opening with its approval and each close.
 * The safe stays locked, also during office hours; each opening needs a
 * named key holder's permission, so opening takes two people at once: the
 * opener and an approver who is another person and a named key holder or
 * a manager.
 */
#include "wf.h"

#include "../../common/text.h"

#include "../../common/model.h"
#include "../../reconcile/rules.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The safe holds the cards: opening it is work with cards (R20). */
const struct wf_step wf_step_key_open = {
    "key open", ACT_KEY_OPEN, WF_PERMIT | WF_TRAINING};
/* Anyone may close the safe: shutting it is never the risk. */
const struct wf_step wf_step_key_close = {"key close", ACT_KEY_OPEN, 0};
const struct wf_step wf_step_key_holder_add = {"key holder add",
					       ACT_KEY_HOLDER, WF_PERMIT};
const struct wf_step wf_step_key_holder_remove = {"key holder remove",
						  ACT_KEY_HOLDER, WF_PERMIT};
/* The giver needs no permission of their own: they hold the key already
 * (recon_key_handover checks that), and giving it on is never blocked by
 * their training having lapsed since; the receiver is checked instead. */
const struct wf_step wf_step_key_handover = {"key handover", ACT_KEY_OPEN, 0};

/* The key holders named now, for recon_key_holder_place. */
struct holders {
	char codes[KEY_HOLDER_ORDER_MAX][STAFF_CODE_MAX + 1];
	const char *code[KEY_HOLDER_ORDER_MAX];
	int order[KEY_HOLDER_ORDER_MAX];
	size_t n;
};

static int add_holder(const struct key_holder_rec *h, void *ctx)
{
	struct holders *hs = ctx;

	if (hs->n == KEY_HOLDER_ORDER_MAX)
		return 0; /* one order each: no more can be */
	snprintf(hs->codes[hs->n], sizeof(hs->codes[0]), "%s", h->code);
	hs->code[hs->n] = hs->codes[hs->n];
	hs->order[hs->n++] = h->order;
	return 0;
}

/* Whether code may be named key holder at order (recon_key_holder_place),
 * saying which holder stands in the way: 0, or the exit status with *e. */
static int holder_place(struct ledger *l, const char *code, int order,
			struct wf_err *e)
{
	struct holders *hs = calloc(1, sizeof(*hs));
	char ord[24];
	size_t at;
	int rc;

	if (!hs)
		return wf_fail(e, WF_E_NOMEM);
	if (ledger_key_holder_each(l, add_holder, hs) < 0)
		rc = wf_fail_ledger(e, l);
	else
		switch (recon_key_holder_place(hs->code, hs->order, hs->n, code,
					       order, &at)) {
		case KEY_PLACE_HELD:
			rc = wf_fail(e, WF_E_KEY_HOLDER_IS, code,
				     wf_i64(ord, hs->order[at]));
			break;
		case KEY_PLACE_TAKEN:
			rc = wf_fail(e, WF_E_KEY_ORDER_TAKEN,
				     wf_i64(ord, order), hs->code[at]);
			break;
		default:
			rc = 0;
		}
	free(hs);
	return rc;
}

int wf_key_holder_add(struct ledger *l, const struct staff_rec *actor,
		      const char *code, int order, int64_t now,
		      struct wf_err *e)
{
	struct staff_rec who;
	struct recon_person p;
	const char *rule;
	char ord[24];
	int rc = wf_begin(l, &wf_step_key_holder_add, actor, now, e);

	if (rc)
		return rc;
	rc = ledger_staff_get(l, code, &who);
	if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_INVALID)
		rc = wf_fail(e, WF_E_NO_STAFF, code);
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	else if (recon_key_holder_eligible(wf_person(&who, &p), &rule) < 0)
		rc = wf_fail(e, WF_E_KEY_HOLDER_RULE, who.code,
			     staff_role_name(who.role), rule);
	if (rc == 0)
		rc = holder_place(l, who.code, order, e);
	if (rc == 0) {
		rc = ledger_key_holder_add(l, who.id, order, actor->id, now);
		if (rc == LEDGER_ERR_EXISTS || rc == LEDGER_ERR_INVALID)
			rc = wf_fail(e, WF_E_KEY_HOLDER_TAKEN, who.code,
				     wf_i64(ord, order));
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}

int wf_key_approver(struct ledger *l, const struct staff_rec *actor,
		    const char *code, const char *pin, int64_t now,
		    struct staff_rec *out, int *order, struct wf_err *e)
{
	struct recon_person a, b;
	const char *rule;
	int rc;

	*order = 0;
	if (!code || !*code)
		return wf_fail(e, WF_E_KEY_APPROVER_NEEDED);
	/* Said before the approver's PIN is looked at. */
	if (strcmp(code, actor->code) == 0)
		return wf_fail(e, WF_E_KEY_APPROVER_SELF, actor->code);
	rc = wf_login(l, code, pin, now, out, e);
	if (rc)
		return rc;
	sodium_memzero(out->pin_hash, sizeof(out->pin_hash));
	rc = ledger_key_holder_order(l, out->id, order);
	if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
		return wf_fail_ledger(e, l);
	if (recon_key_approver(wf_person(actor, &a), wf_person(out, &b),
			       rc == 0, &rule) < 0)
		return wf_fail(e, WF_E_KEY_APPROVER_RULE, rule, out->code,
			       staff_role_name(out->role));
	return 0;
}

int wf_key_flags_recorded(const struct key_opening_rec *o)
{
	return o->has_flags || o->has_rules;
}

unsigned wf_key_flags(const struct key_opening_rec *o, int64_t now,
		      const struct recon_key_rules *rules)
{
	/* One offset for both ends: the opening is judged against the
	 * office hours of the day it began. */
	int64_t off = wf_utc_offset(o->opened_at);
	struct recon_key_rules then;

	if (o->has_flags)
		return o->flags;
	if (o->has_rules) {
		then.open_limit_min = o->limit_min;
		then.office_start_min = o->office_start_min;
		then.office_end_min = o->office_end_min;
		rules = &then;
	}
	return recon_key_flags(o->opened_at + off,
			       o->closed_at ? o->closed_at + off : 0, now + off,
			       rules);
}

int wf_key_open(struct ledger *l, const struct staff_rec *actor,
		const char *appr_code, const char *appr_pin,
		const char *purpose, int64_t now,
		const struct recon_key_rules *rules, struct wf_key_opened *out,
		struct wf_err *e)
{
	struct key_opening_rec cur;
	char max[24];
	int rc;

	memset(out, 0, sizeof(*out));
	/* The opener may not open before anyone is asked for a PIN. */
	rc = wf_may(l, &wf_step_key_open, actor, now, e);
	if (rc)
		return rc;
	rc = wf_text(e, N_("the purpose"), purpose, KEY_PURPOSE_MAX, 0);
	if (rc)
		return rc;
	rc = wf_key_approver(l, actor, appr_code, appr_pin, now,
			     &out->approver, &out->order, e);
	if (rc)
		return rc;
	rc = wf_begin(l, &wf_step_key_open, actor, now, e);
	if (rc)
		return rc;
	rc = ledger_key_current(l, &cur);
	if (rc == 0) {
		char id[24];

		rc = wf_fail(e, WF_E_KEY_OPEN_ALREADY, wf_i64(id, cur.id),
			     cur.opened_by);
	} else if (rc == LEDGER_ERR_NOTFOUND) {
		rc = ledger_key_open(l, actor->id, out->approver.id, purpose,
				     now, &out->id);
		/* The rules that will judge this opening, as in force now
		 * (whoever prints the key log later). */
		if (rc == 0)
			rc = ledger_key_record(l, out->id,
					       rules->open_limit_min,
					       rules->office_start_min,
					       rules->office_end_min, -1,
					       actor->id, now);
		if (rc == LEDGER_ERR_INVALID)
			rc = wf_fail(e, WF_E_KEY_PURPOSE,
				     wf_i64(max, KEY_PURPOSE_MAX));
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	} else {
		rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}

int wf_key_close(struct ledger *l, const struct staff_rec *actor, int64_t now,
		 const struct recon_key_rules *rules,
		 struct key_opening_rec *out, struct wf_err *e)
{
	unsigned f = 0;
	int rc = wf_begin(l, &wf_step_key_close, actor, now, e);

	if (rc)
		return rc;
	rc = ledger_key_close(l, actor->id, now, out);
	if (rc == 0) {
		/* Decided now, with the configuration in force now. */
		out->has_rules = 0;
		out->has_flags = 0;
		f = wf_key_flags(out, out->closed_at, rules);
		rc = ledger_key_record(l, out->id, rules->open_limit_min,
				       rules->office_start_min,
				       rules->office_end_min, (int)f,
				       actor->id, now);
	}
	if (rc == LEDGER_ERR_STATE)
		rc = wf_fail(e, WF_E_KEY_NOT_OPEN);
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	rc = wf_end(l, rc, e);
	if (rc)
		return rc;
	out->has_rules = out->has_flags = 1;
	out->limit_min = rules->open_limit_min;
	out->office_start_min = rules->office_start_min;
	out->office_end_min = rules->office_end_min;
	out->flags = f;
	return 0;
}

int wf_key_holder_remove(struct ledger *l, const struct staff_rec *actor,
			 const char *code, int64_t now, int *order,
			 struct wf_err *e)
{
	struct staff_rec who;
	int rc = wf_begin(l, &wf_step_key_holder_remove, actor, now, e);

	*order = 0;
	if (rc)
		return rc;
	rc = ledger_staff_get(l, code, &who);
	if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_INVALID)
		rc = wf_fail(e, WF_E_NO_STAFF, code);
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	if (rc == 0) {
		sodium_memzero(who.pin_hash, sizeof(who.pin_hash));
		rc = ledger_key_holder_remove(l, who.id, actor->id, now, order);
		if (rc == LEDGER_ERR_NOTFOUND)
			rc = wf_fail(e, WF_E_KEY_NOT_HOLDER, who.code);
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}

int wf_key_handover(struct ledger *l, const struct staff_rec *actor,
		    const char *to_code, const char *to_pin, int64_t now,
		    struct wf_key_handed *out, struct wf_err *e)
{
	struct recon_person hp, gp, tp;
	struct staff_rec holder, giver;
	struct key_opening_rec cur;
	struct training_gap gap;
	const char *rule;
	int64_t keeper;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!to_code || !*to_code)
		return wf_fail(e, WF_E_KEY_RECEIVER_NEEDED);
	/* Said before the receiver's PIN is looked at. */
	if (strcasecmp(to_code, actor->code) == 0)
		return wf_fail(e, WF_E_KEY_HANDOVER_SELF, actor->code);
	rc = wf_may(l, &wf_step_key_handover, actor, now, e);
	if (rc)
		return rc;
	/* Nobody is asked for a PIN while the safe is closed. */
	rc = ledger_key_current(l, &cur);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_KEY_NOT_OPEN);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	/* The receiver confirms with their PIN: they have the key in hand. */
	rc = wf_login(l, to_code, to_pin, now, &out->receiver, e);
	if (rc)
		return rc;
	sodium_memzero(out->receiver.pin_hash, sizeof(out->receiver.pin_hash));
	rc = wf_training_check(l, out->receiver.code, wf_today(now), &gap, e);
	if (rc)
		return rc;
	rc = wf_begin(l, &wf_step_key_handover, actor, now, e);
	if (rc)
		return rc;
	/* Read again in the transaction: another process may have closed
	 * the safe or handed the key on since. */
	rc = ledger_key_current(l, &cur);
	if (rc == LEDGER_ERR_NOTFOUND)
		rc = wf_fail(e, WF_E_KEY_NOT_OPEN);
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	if (rc == 0) {
		rc = ledger_key_keeper(l, cur.id, &keeper);
		if (rc == 0)
			rc = ledger_staff_get_id(l, keeper, &holder);
		if (rc == 0)
			rc = ledger_staff_get_id(l, actor->id, &giver);
		if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	if (rc == 0) {
		sodium_memzero(holder.pin_hash, sizeof(holder.pin_hash));
		sodium_memzero(giver.pin_hash, sizeof(giver.pin_hash));
		if (recon_key_handover(wf_person(&holder, &hp),
				       wf_person(&giver, &gp),
				       wf_person(&out->receiver, &tp),
				       out->receiver.locked,
				       gap.gate == GATE_OK, &rule) < 0)
			rc = wf_fail(e, WF_E_KEY_HANDOVER_RULE, giver.code,
				     out->receiver.code, rule);
	}
	if (rc == 0) {
		rc = ledger_key_handover(l, cur.id, actor->id,
					 out->receiver.id, now, &out->id);
		if (rc < 0)
			rc = wf_fail_ledger(e, l);
		out->opening = cur.id;
	}
	return wf_end(l, rc, e);
}
