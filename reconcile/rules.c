/*
 * The composed decisions of the workflows (see rules.h).  Each function is
 * a function of its arguments only; the sentences it returns are the
 * rules, said once, here.
 */
#include "rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Marks the rules' words for the message catalog (xgettext -kN_): the
 * front ends quote them in refusals and the TUI translates them. */
#define N_(s) s

/* ---- people ---- */

int recon_other_person(int64_t actor, int64_t second, const char **rule)
{
	*rule = "";
	if (actor != second)
		return 0;
	*rule = N_("two-person rule: the second person must be another person "
		"than the one acting");
	return -1;
}

int recon_witness(const struct recon_person *actor,
		  const struct recon_person *w, const char **rule)
{
	if (recon_other_person(actor->id, w->id, rule) < 0)
		return -1;
	if (!w->active) {
		*rule = N_("the witness's account is not active");
		return -1;
	}
	return recon_permit(w->role, ACT_WITNESS, rule);
}

int recon_key_holder_eligible(const struct recon_person *p, const char **rule)
{
	*rule = "";
	if (!p->active) {
		*rule = N_("a key holder must be an active member of staff");
		return -1;
	}
	if (p->role == ROLE_PARTTIME || (unsigned)p->role >= ROLE_COUNT) {
		*rule = N_("a key holder answers for the safe and must be staff "
			"or a manager, not part-time staff");
		return -1;
	}
	return 0;
}

int recon_key_holder_place(const char *const *codes, const int *orders,
			   size_t n, const char *code, int order, size_t *at)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(codes[i], code) == 0) {
			*at = i;
			return KEY_PLACE_HELD;
		}
	for (size_t i = 0; i < n; i++)
		if (orders[i] == order) {
			*at = i;
			return KEY_PLACE_TAKEN;
		}
	return 0;
}

int recon_key_approver(const struct recon_person *opener,
		       const struct recon_person *appr, int listed,
		       const char **rule)
{
	if (recon_other_person(opener->id, appr->id, rule) < 0) {
		*rule = N_("two-person rule: the approver must be another person "
			"than the opener");
		return -1;
	}
	if (!appr->active) {
		*rule = N_("the approver's account is not active");
		return -1;
	}
	if (appr->role == ROLE_MANAGER)
		return 0;
	if (listed)
		return recon_key_holder_eligible(appr, rule);
	*rule = N_("only a named key holder or a manager may approve opening "
		"the safe");
	return -1;
}

int recon_key_handover(const struct recon_person *holder,
		       const struct recon_person *giver,
		       const struct recon_person *to, int to_locked,
		       int to_trained, const char **rule)
{
	if (giver->id != holder->id) {
		*rule = N_("only the person who holds the key may hand it "
			   "over");
		return -1;
	}
	if (recon_other_person(giver->id, to->id, rule) < 0) {
		*rule = N_("two-person rule: the key passes to another "
			   "person than the one who holds it");
		return -1;
	}
	if (!to->active) {
		*rule = N_("the receiver's account is not active");
		return -1;
	}
	if (to_locked) {
		*rule = N_("the receiver's account is locked");
		return -1;
	}
	/* Whoever holds the open safe's key could have opened it: the same
	 * role (part-timers never) and the same training (R20). */
	if (recon_permit(to->role, ACT_KEY_OPEN, rule) < 0)
		return -1;
	if (!to_trained) {
		*rule = N_("nobody without the required training may hold "
			   "the safe's key");
		return -1;
	}
	*rule = "";
	return 0;
}

/* ---- assignment (R7) ---- */

int recon_assignee_may_scan(int64_t assignee, int64_t actor, const char **rule)
{
	*rule = "";
	if (assignee == 0 || assignee == actor)
		return 0;
	*rule = "a range assigned to someone is counted by that person alone";
	return -1;
}

enum recon_ranges recon_ranges_check(const char *const *ranges, size_t n,
				     size_t *a, size_t *b)
{
	switch (location_clash(ranges, n, a, b)) {
	case LOCATION_CLASH_NONE:
		return RANGES_OK;
	case LOCATION_CLASH_TWICE:
		return RANGES_TWICE;
	case LOCATION_CLASH_WITHIN:
		return RANGES_WITHIN;
	default:
		return RANGES_NOMEM;
	}
}

/* ---- each thing once in one step ---- */

/* An entry of a list being searched for a repeat: its key and place. */
struct keyed {
	const char *path; /* recon_assign_once */
	int is_asset;	  /* recon_items_once */
	int64_t id;
	size_t at; /* its place in the caller's list */
};

static int path_key(const struct keyed *p, const struct keyed *q)
{
	return strcmp(p->path, q->path);
}

static int ref_key(const struct keyed *p, const struct keyed *q)
{
	if (p->is_asset != q->is_asset)
		return p->is_asset < q->is_asset ? -1 : 1;
	return p->id < q->id ? -1 : p->id > q->id;
}

static int place(const struct keyed *p, const struct keyed *q)
{
	return p->at < q->at ? -1 : p->at > q->at;
}

/* For qsort: by key, then by place. */
static int path_cmp(const void *x, const void *y)
{
	int c = path_key(x, y);

	return c ? c : place(x, y);
}

static int ref_cmp(const void *x, const void *y)
{
	int c = ref_key(x, y);

	return c ? c : place(x, y);
}

/*
 * The first repeat of v's n entries: the earliest place that gives again
 * a key given before goes to *b, that key's first place to *a.  v is
 * sorted (cmp: by key, then place) and then walked once, so a command
 * that names thousands of items costs n log n comparisons, not n squared.
 */
static enum recon_once
first_repeat(struct keyed *v, size_t n, int (*cmp)(const void *, const void *),
	     int (*key)(const struct keyed *, const struct keyed *), size_t *a,
	     size_t *b)
{
	size_t best = SIZE_MAX;

	qsort(v, n, sizeof(*v), cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (key(&v[i - 1], &v[i]) != 0) {
			first = i;
			continue;
		}
		/* A key's second place is the earliest that repeats it. */
		if (i == first + 1 && v[i].at < best) {
			best = v[i].at;
			*a = v[first].at;
		}
	}
	if (best == SIZE_MAX)
		return ONCE_OK;
	*b = best;
	return ONCE_TWICE;
}

enum recon_once recon_assign_once(const char *const *ranges, size_t n,
				  size_t *a, size_t *b)
{
	struct keyed *v;
	enum recon_once r;

	*a = *b = 0;
	if (n < 2)
		return ONCE_OK;
	v = calloc(n, sizeof(*v));
	if (!v)
		return ONCE_NOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i].path = ranges[i];
		v[i].at = i;
	}
	r = first_repeat(v, n, path_cmp, path_key, a, b);
	free(v);
	return r;
}

enum recon_once recon_items_once(const struct recon_ref *items, size_t n,
				 size_t *a, size_t *b)
{
	struct keyed *v;
	enum recon_once r;

	*a = *b = 0;
	if (n < 2)
		return ONCE_OK;
	v = calloc(n, sizeof(*v));
	if (!v)
		return ONCE_NOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i].is_asset = items[i].is_asset ? 1 : 0;
		v[i].id = items[i].id;
		v[i].at = i;
	}
	r = first_repeat(v, n, ref_cmp, ref_key, a, b);
	free(v);
	return r;
}

/* ---- recounts (R7) ---- */

enum recon_recount recon_recount_check(int64_t reads, int64_t candidate,
				       const int64_t *first, size_t n,
				       const char **rule)
{
	*rule = "";
	if (reads <= 0) {
		*rule = "a recount counts again a range in which the count "
			"read cards";
		return RECOUNT_NOT_COUNTED;
	}
	if (recon_recount_allowed(candidate, first, n, rule) < 0)
		return RECOUNT_SAME_PERSON;
	return RECOUNT_OK;
}

/* ---- the end-of-day tally (R12) ---- */

enum recon_tally_close recon_tally_close_check(const struct recon_tally *t,
					       int witnessed, int has_note)
{
	if (recon_tally_balanced(t))
		return TALLY_CLOSE_OK;
	if (!witnessed)
		return TALLY_CLOSE_NEEDS_WITNESS;
	return has_note ? TALLY_CLOSE_OK : TALLY_CLOSE_NEEDS_NOTE;
}

int recon_tally_close_returns(int read_back, int is_asset, enum card_status now)
{
	struct recon_item it = {.is_asset = is_asset, .status = now};
	enum card_status to;
	const char *rule;

	return read_back && recon_transition(EV_RETURN, &it, &to, &rule) == 0;
}

/* ---- closing a count (R8) ---- */

int recon_count_close(size_t ndisc, size_t nunresolved,
		      const struct recon_person *actor,
		      const struct recon_person *w, enum recon_close *verdict,
		      const char **rule)
{
	*verdict = CLOSE_OK;
	*rule = "";
	if (w && recon_witness(actor, w, rule) < 0)
		return -1;
	*verdict = recon_close_check(ndisc, nunresolved, w != NULL);
	switch (*verdict) {
	case CLOSE_OK:
		return 0;
	case CLOSE_UNRESOLVED:
		*rule = "a manager resolves each discrepancy before the count "
			"closes";
		break;
	case CLOSE_NEEDS_WITNESS:
		*rule = "a count with discrepancies closes with a manager as "
			"witness (two-person rule)";
		break;
	}
	return -1;
}

/* ---- disposal (R16-R18) ---- */

enum recon_dispose_why recon_dispose_accept(const struct recon_dispose_read *r,
					    int32_t today,
					    const struct recon_rules *rules,
					    enum recon_due_why *due,
					    int32_t *since)
{
	enum recon_due_why d;
	int32_t s;

	*due = DUE_NOT;
	*since = DATE_NONE;
	if (r->known && r->in_batch)
		return DISPOSE_REPEAT;
	if (!r->known)
		return DISPOSE_UNKNOWN;
	d = recon_disposal_due(r->status, r->reminder_sent, today, rules, &s);
	if (d == DUE_NOT)
		return r->status == CARD_LOST ? DISPOSE_NOT_IN_STOCK
					      : DISPOSE_NOT_DUE;
	if (r->in_other_open)
		return DISPOSE_IN_DISPOSAL;
	*due = d;
	*since = s;
	return DISPOSE_ACCEPTED;
}

const char *recon_dispose_why_name(enum recon_dispose_why w)
{
	static const char *const names[DISPOSE_WHY_COUNT] = {
	    [DISPOSE_ACCEPTED] = "accepted",
	    [DISPOSE_REPEAT] = "repeat",
	    [DISPOSE_UNKNOWN] = "unknown",
	    [DISPOSE_IN_DISPOSAL] = "in_disposal",
	    [DISPOSE_NOT_IN_STOCK] = "not_in_stock",
	    [DISPOSE_NOT_DUE] = "not_due",
	};

	return (unsigned)w < DISPOSE_WHY_COUNT ? names[w] : "?";
}

int recon_dispose_method(const char *method, const char *cert,
			 enum recon_dispose_method *out, const char **rule)
{
	*rule = "";
	*out = DISPOSE_SHRED;
	if (strcmp(method, "shred") == 0)
		return 0;
	if (strcmp(method, "contractor") != 0) {
		*rule = N_("the method is shred or contractor");
		return -1;
	}
	*out = DISPOSE_CONTRACTOR;
	if (cert && cert[0])
		return 0;
	*rule = N_("a contractor's destruction needs the certificate's "
		   "reference");
	return -1;
}

/* ---- taking a read back ---- */

enum recon_undo recon_undo_allowed(int session_closed, int has_read,
				   int read_again)
{
	if (session_closed)
		return UNDO_CLOSED;
	if (!has_read)
		return UNDO_NOTHING;
	return read_again ? UNDO_READ_AGAIN : UNDO_OK;
}

int recon_undo_reason(const char *reason, size_t len, size_t max,
		      const char **rule)
{
	*rule = "";
	if (!reason || len == 0 || len > max) {
		*rule = "an undo needs a reason";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)reason[i] < 0x20 || reason[i] == 0x7f) {
			*rule = "the reason has a control character";
			return -1;
		}
	}
	return 0;
}

/* ---- the incident's loss window (R23) ---- */

void recon_loss_window(const struct recon_loss_in *in, struct recon_window *w)
{
	w->to = in->range_started ? in->range_started : in->count_started;
	w->from_last_seen = in->last_seen != 0;
	if (in->last_seen)
		w->from = in->last_seen;
	else if (in->received != DATE_NONE)
		w->from = (int64_t)in->received * 86400 - in->utc_offset;
	else
		w->from = 0;
}

/* ---- the PIN policy (R21) ---- */

/*
 * A PIN of 4-12 digits has too little entropy to resist a search of a
 * stolen ledger; what protects it is the lockout after 5 wrong ones in a
 * row, which only a manager lifts (staff unlock).
 */
const struct recon_pin_policy recon_pin_policy = {
    .min_digits = 4,
    .max_digits = 12,
    .max_failures = 5,
};

int recon_pin_format(const char *pin, const char **rule)
{
	size_t n = strlen(pin);

	*rule = "a PIN is 4-12 digits";
	if (n < recon_pin_policy.min_digits || n > recon_pin_policy.max_digits)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return -1;
	*rule = "";
	return 0;
}

int recon_pin_may_try(int active, int locked, const char **rule)
{
	*rule = "";
	if (!active) {
		*rule = "the account is not active";
		return -1;
	}
	if (locked) {
		*rule = "the account is locked after too many wrong PINs: a "
			"manager must unlock it";
		return -1;
	}
	return 0;
}

int recon_pin_locks(int failed_before, int ok)
{
	return !ok && failed_before + 1 >= recon_pin_policy.max_failures;
}

/* ---- the one state machine ---- */

static const char *const event_names[EV_COUNT] = {
    [EV_IMPORT_NEW] = "import new",
    [EV_IMPORT_DATES] = "import dates",
    [EV_APPLICANT_MOVED] = "moved",
    [EV_APPLICANT_DECEASED] = "deceased",
    [EV_APPLICANT_CANCELLED] = "cancelled",
    [EV_APPLICANT_CLEARED] = "applicant event withdrawn",
    [EV_CHECKOUT] = "checkout",
    [EV_RETURN] = "return",
    [EV_ISSUE] = "issue",
    [EV_MOVE] = "move",
    [EV_DISPOSE] = "dispose",
    [EV_LOST] = "lost",
    [EV_FOUND] = "found",
};

const char *recon_event_name(enum recon_event ev)
{
	return (unsigned)ev < EV_COUNT ? event_names[ev] : "?";
}

/* 1 for the statuses an applicant event leaves a card in. */
static int applicant_status(enum card_status s)
{
	return s == CARD_MOVED || s == CARD_DECEASED || s == CARD_CANCELLED;
}

/*
 * Why a card in status `from` cannot take an event that needs it in
 * storage, naming what to do first.
 */
static const char *not_in_storage(enum card_status from)
{
	switch (from) {
	case CARD_CHECKED_OUT:
		return "the card is checked out: it comes back by a return "
		       "first (use `cardtally return`)";
	case CARD_LOST:
		return "the ledger says it is lost: a count must read it and "
		       "a manager resolve that as found (use `cardtally count "
		       "resolve`)";
	case CARD_ISSUED:
		return "the card was issued to its applicant: it is no longer "
		       "stock";
	case CARD_DISPOSED:
		return "the card was disposed of: it is no longer stock";
	default:
		return "only a card in storage can change so";
	}
}

static int custody_event(enum recon_event ev, enum custody_kind *k)
{
	switch (ev) {
	case EV_CHECKOUT:
		*k = CUSTODY_CHECKOUT;
		return 1;
	case EV_RETURN:
		*k = CUSTODY_RETURN;
		return 1;
	case EV_ISSUE:
		*k = CUSTODY_ISSUE;
		return 1;
	case EV_MOVE:
		*k = CUSTODY_MOVE;
		return 1;
	case EV_LOST:
		*k = CUSTODY_LOST;
		return 1;
	case EV_FOUND:
		*k = CUSTODY_FOUND;
		return 1;
	default:
		return 0;
	}
}

enum recon_event recon_custody_event(enum custody_kind k)
{
	switch (k) {
	case CUSTODY_CHECKOUT:
		return EV_CHECKOUT;
	case CUSTODY_RETURN:
		return EV_RETURN;
	case CUSTODY_ISSUE:
		return EV_ISSUE;
	case CUSTODY_MOVE:
		return EV_MOVE;
	case CUSTODY_LOST:
		return EV_LOST;
	case CUSTODY_FOUND:
	default:
		return EV_FOUND;
	}
}

int recon_transition(enum recon_event ev, const struct recon_item *it,
		     enum card_status *to, const char **rule)
{
	enum card_status from = it->status;
	enum custody_kind k;

	*rule = "";
	*to = from;
	if ((unsigned)from >= CARD_STATUS_COUNT) {
		*rule = "unknown status";
		return -1;
	}
	/* Terminals are stored or checked out, nothing else. */
	if (it->is_asset && from != CARD_STORED && from != CARD_CHECKED_OUT) {
		*rule = "a terminal is stored or checked out";
		return -1;
	}
	if (custody_event(ev, &k)) {
		if (recon_custody(k, it->is_asset, from, to, rule) < 0)
			return -1;
		if (ev == EV_FOUND)
			*to = recon_found_status(it->before_lost);
		return 0;
	}
	if (it->is_asset && ev != EV_IMPORT_DATES) {
		*rule = "a terminal changes only by checkout and return";
		return -1;
	}
	switch (ev) {
	case EV_IMPORT_NEW:
		/*
		 * The first stock list describes the cards as they stand,
		 * whatever happened to them before this ledger existed
		 * (issued, disposed, even lost or at the window).
		 */
		return 0;
	case EV_IMPORT_DATES:
		return 0;
	case EV_APPLICANT_MOVED:
	case EV_APPLICANT_DECEASED:
	case EV_APPLICANT_CANCELLED:
		/*
		 * The applicant's news changes why a card waits in the safe
		 * (it becomes due for disposal), never where it is: a card
		 * out of storage must come back first, or it would be
		 * expected in the safe while it is elsewhere.
		 */
		if (!card_status_in_storage(from)) {
			*rule = not_in_storage(from);
			return -1;
		}
		*to = ev == EV_APPLICANT_MOVED	    ? CARD_MOVED
		      : ev == EV_APPLICANT_DECEASED ? CARD_DECEASED
						    : CARD_CANCELLED;
		return 0;
	case EV_APPLICANT_CLEARED:
		if (applicant_status(from)) {
			*to = CARD_STORED;
			return 0;
		}
		if (from == CARD_STORED)
			return 0;
		*rule = not_in_storage(from);
		return -1;
	case EV_DISPOSE:
		/* Only a card in the safe can be destroyed by the office;
		 * one at the window or lost is not in hand. */
		if (!card_status_in_storage(from)) {
			*rule = from == CARD_DISPOSED
				    ? "it is disposed of already"
				    : not_in_storage(from);
			return -1;
		}
		*to = CARD_DISPOSED;
		return 0;
	default:
		break;
	}
	*rule = "unknown event";
	return -1;
}

/*
 * The office's own step that makes `to` out of `from`, for an import that
 * tried to: the rule and the command to use instead.
 */
static const char *office_step(enum card_status from, enum card_status to)
{
	if (from == CARD_LOST)
		return "only a count and a manager find a lost card (use "
		       "`cardtally count resolve`)";
	if (from == CARD_ISSUED || from == CARD_DISPOSED)
		return not_in_storage(from);
	switch (to) {
	case CARD_CHECKED_OUT:
		return "a card leaves the safe by a checkout (use `cardtally "
		       "checkout`)";
	case CARD_ISSUED:
		return "a card is issued at the window (use `cardtally "
		       "issue`)";
	case CARD_DISPOSED:
		return "two people dispose of a card (use `cardtally "
		       "dispose`)";
	case CARD_LOST:
		return "a manager declares a card lost, resolving a count "
		       "(use `cardtally count resolve`)";
	default:
		return not_in_storage(from);
	}
}

int recon_import_status(int exists, enum card_status from, enum card_status to,
			enum recon_event *ev, const char **rule)
{
	struct recon_item it = {.status = from, .before_lost = from};
	enum card_status after;

	*rule = "";
	if ((unsigned)to >= CARD_STATUS_COUNT) {
		*rule = "unknown status";
		return -1;
	}
	if (!exists) {
		*ev = EV_IMPORT_NEW;
		it.status = to;
	} else if (from == to) {
		*ev = EV_IMPORT_DATES;
	} else if (to == CARD_MOVED) {
		*ev = EV_APPLICANT_MOVED;
	} else if (to == CARD_DECEASED) {
		*ev = EV_APPLICANT_DECEASED;
	} else if (to == CARD_CANCELLED) {
		*ev = EV_APPLICANT_CANCELLED;
	} else if (to == CARD_STORED && applicant_status(from)) {
		*ev = EV_APPLICANT_CLEARED;
	} else {
		*rule = office_step(from, to);
		return -1;
	}
	if (recon_transition(*ev, &it, &after, rule) < 0)
		return -1;
	/* The table above and the state machine must agree. */
	if (after != to) {
		*rule = "the state machine does not lead there";
		return -1;
	}
	return 0;
}

int recon_import_status_rule(int exists, enum card_status from,
			     enum card_status to, const char **rule)
{
	enum recon_event ev;

	/* The list comes from the municipality's system, which knows
	 * nothing of the window: its "stored" for a card at the window is
	 * the office's keeping, and the card stays checked out until it is
	 * returned, so that the morning's list is not refused for a card
	 * still out (R2: the same file again changes nothing). */
	if (exists && from == CARD_CHECKED_OUT && to == CARD_STORED) {
		*rule = "";
		return 1;
	}
	return recon_import_status(exists, from, to, &ev, rule);
}

int recon_import_dates_rule(const int32_t date[3], int32_t today, int *which,
			    const char **rule)
{
	enum { RECEIVED, NOTICE, REMINDER };

	*rule = "";
	for (int i = RECEIVED; i <= REMINDER; i++)
		if (date[i] != DATE_NONE && date[i] > today) {
			*which = i;
			*rule = N_("after today");
			return -1;
		}
	if (date[NOTICE] != DATE_NONE && date[NOTICE] < date[RECEIVED]) {
		*which = NOTICE;
		*rule = N_("before the card was received");
		return -1;
	}
	if (date[REMINDER] == DATE_NONE)
		return 0;
	*which = REMINDER;
	if (date[NOTICE] != DATE_NONE && date[REMINDER] < date[NOTICE]) {
		*rule = N_("before the pickup notice was sent");
		return -1;
	}
	if (date[REMINDER] < date[RECEIVED]) {
		*rule = N_("before the card was received");
		return -1;
	}
	return 0;
}

/* ---- a new terminal ---- */

enum recon_asset_add recon_asset_add_check(const struct recon_asset_names *n)
{
	if (n->code_is_card)
		return ASSET_CODE_IS_CARD;
	if (n->code_is_asset)
		return ASSET_CODE_TAKEN;
	if (n->has_tag && n->tag_is_card)
		return ASSET_TAG_IS_CARD;
	if (n->has_tag && n->tag_is_asset)
		return ASSET_TAG_TAKEN;
	return ASSET_ADD_OK;
}

/* ---- one custody step ---- */

int recon_move_dest(int64_t at, int64_t dest, const char **rule)
{
	*rule = "";
	if (at != dest)
		return 0;
	*rule = N_("a move takes it to another location");
	return -1;
}

/* ---- receiving cards: enrolment (R1) ---- */

enum recon_receive recon_receive_check(const struct recon_receive_in *in)
{
	if (!in->chip)
		return RECEIVE_NOT_CHIP;
	if (in->owner == CHIP_THIS_RUN)
		return RECEIVE_REPEAT;
	if (!in->has_card)
		return RECEIVE_TRAY_FULL;
	if (in->card_bound || in->owner == CHIP_THIS_CARD)
		return RECEIVE_CARD_BOUND;
	if (in->owner == CHIP_OTHER)
		return RECEIVE_CHIP_BOUND;
	if (in->status != CARD_STORED)
		return RECEIVE_NOT_STORED;
	if (!in->in_tray)
		return RECEIVE_OUTSIDE_TRAY;
	return RECEIVE_OK;
}

int recon_receive_tray_end(size_t listed, size_t bound)
{
	return listed == bound ? 0 : -1;
}

/* ---- backups and restore ---- */

int recon_backup_keep(const int64_t *stamps, size_t n, int keep_daily,
		      int keep_monthly, unsigned char *keep)
{
	if (keep_daily < 1 || keep_monthly < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		keep[i] = 0;
	/*
	 * Quadratic in the number of copies, which is a few dozen (about
	 * keep_daily + keep_monthly, plus the day's new one): a day's newest
	 * copy is one with no later copy that day; it is kept when fewer
	 * than keep_daily later days have a copy.  A month's first copy
	 * likewise.
	 */
	for (size_t i = 0; i < n; i++) {
		int64_t day = stamps[i] / 1000000, month = stamps[i] / 100000000;
		int newest_of_day = 1, first_of_month = 1;
		int64_t later_days = 0, later_months = 0;

		for (size_t j = 0; j < n; j++) {
			int64_t dj = stamps[j] / 1000000;
			int64_t mj = stamps[j] / 100000000;

			if (j == i)
				continue;
			if (dj == day && (stamps[j] > stamps[i] ||
					  (stamps[j] == stamps[i] && j > i)))
				newest_of_day = 0;
			if (mj == month && (stamps[j] < stamps[i] ||
					    (stamps[j] == stamps[i] && j < i)))
				first_of_month = 0;
		}
		/* Count the distinct later days and months that have a copy:
		 * each counted once, at its newest (day) or first (month)
		 * copy. */
		for (size_t j = 0; j < n; j++) {
			int64_t dj = stamps[j] / 1000000;
			int64_t mj = stamps[j] / 100000000;
			int first_dj = 1, first_mj = 1;

			if (dj <= day && mj <= month)
				continue;
			for (size_t k = 0; k < j; k++) {
				if (stamps[k] / 1000000 == dj)
					first_dj = 0;
				if (stamps[k] / 100000000 == mj)
					first_mj = 0;
			}
			if (dj > day && first_dj)
				later_days++;
			if (mj > month && first_mj)
				later_months++;
		}
		if (newest_of_day && later_days < keep_daily)
			keep[i] = 1;
		if (first_of_month && later_months < keep_monthly)
			keep[i] = 1;
	}
	return 0;
}

int recon_restore_allowed(enum recon_chain c, int force, size_t reason_len,
			  const char **rule)
{
	*rule = "";
	switch (c) {
	case CHAIN_NO_LEDGER:
	case CHAIN_SAME:
	case CHAIN_AHEAD:
		return 0;
	case CHAIN_BEHIND:
	case CHAIN_DIVERGED:
		break;
	default:
		*rule = "unknown chain relation";
		return -1;
	}
	if (!force) {
		*rule = c == CHAIN_BEHIND
			    ? N_("the backup is older than the ledger: "
				 "restoring it would lose the entries "
				 "made since (--force --reason TEXT)")
			    : N_("the backup is of another history than the "
				 "ledger: restoring it would lose the "
				 "ledger's entries (--force --reason TEXT)");
		return -1;
	}
	if (reason_len == 0) {
		*rule = N_("a forced restore needs a reason (--reason TEXT)");
		return -1;
	}
	return 0;
}
