/*
 * Custody of cards and terminals (R11-R13): registering an issuing
 * terminal, and the movements checkout, return, issue and move of items
 * named by management ID, asset code or a serial read by a reader.  Every
 * item is looked up first and must be named once (recon_items_once); then
 * each is checked against its state by recon_transition (and a move
 * against where it is, recon_move_dest).  The first refusal names the
 * item and the rule and rolls back the whole step, so one step's items
 * move together or not at all.  Movements are never refused
 * for a safe recorded closed -- the cards are in someone's hands already
 * -- but flagged (recon_safe_flag), read in the same transaction.
 */
#include "wf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/model.h"
#include "../../reconcile/rules.h"

/* Words a custody refusal quotes, for the message catalog (the TUI
 * translates them; tests/test_wf.c checks every one recon_custody can
 * give): the rules of reconcile/. */
static const char *const catalog[] __attribute__((unused)) = {
    N_("it is lost already"),
    N_("the ledger says it is lost: a count must read it and a manager "
       "resolve that as found (count resolve --reason found_elsewhere) "
       "first"),
    N_("it is checked out already"),
    N_("only a card in storage can be checked out"),
    N_("only a checked-out card can be returned"),
    N_("a terminal is not issued to an applicant"),
    N_("only a checked-out card can be issued"),
    N_("only a card in storage can be moved"),
};

const struct wf_step wf_step_asset_add = {"asset add", ACT_ASSET_ADD,
					  WF_PERMIT};
/* Moving cards and terminals is handling them (R20). */
const struct wf_step wf_step_checkout = {"checkout", ACT_CHECKOUT,
					 WF_PERMIT | WF_TRAINING};
const struct wf_step wf_step_return = {"return", ACT_RETURN,
				       WF_PERMIT | WF_TRAINING};
const struct wf_step wf_step_issue = {"issue", ACT_ISSUE,
				      WF_PERMIT | WF_TRAINING};
const struct wf_step wf_step_move = {"move", ACT_MOVE,
				     WF_PERMIT | WF_TRAINING};

const struct wf_step *wf_custody_step(enum custody_kind k)
{
	switch (k) {
	case CUSTODY_CHECKOUT:
		return &wf_step_checkout;
	case CUSTODY_RETURN:
		return &wf_step_return;
	case CUSTODY_ISSUE:
		return &wf_step_issue;
	case CUSTODY_MOVE:
		return &wf_step_move;
	default:
		return NULL;
	}
}

/* The refusal of movement k by its rule. */
static enum wf_code rule_code(enum custody_kind k)
{
	switch (k) {
	case CUSTODY_RETURN:
		return WF_E_RETURN_RULE;
	case CUSTODY_ISSUE:
		return WF_E_ISSUE_RULE;
	case CUSTODY_MOVE:
		return WF_E_MOVE_RULE;
	default:
		return WF_E_CHECKOUT_RULE;
	}
}

const char *wf_status_word(int is_asset, enum card_status s)
{
	switch (s) {
	case CARD_STORED:
		return N_("in storage");
	case CARD_CHECKED_OUT:
		return N_("checked out");
	case CARD_ISSUED:
		return is_asset ? "?" : N_("issued");
	case CARD_DISPOSED:
		return N_("disposed");
	case CARD_CANCELLED:
		return N_("cancelled");
	case CARD_MOVED:
		return N_("moved away");
	case CARD_DECEASED:
		return N_("deceased");
	case CARD_LOST:
		return N_("lost");
	default:
		return "?";
	}
}

const char *wf_custody_status_name(int is_asset, enum card_status s)
{
	return is_asset && s == CARD_STORED ? "in_storage"
					    : card_status_name(s);
}

/* What the new terminal's code and tag name in the ledger already
 * (recon_asset_add_check), said as the refusal it is: 0, or the exit
 * status with *e. */
static int asset_names(struct ledger *l, const char *code, const char *tag,
		       struct wf_err *e)
{
	struct recon_asset_names n = {.has_tag = tag != NULL};
	struct custody_item by_code, by_tag;
	int rc = ledger_custody_find(l, code, &by_code);

	if (rc == 0) {
		n.code_is_card = !by_code.is_asset;
		n.code_is_asset = by_code.is_asset;
	} else if (rc != LEDGER_ERR_NOTFOUND) {
		return wf_fail_ledger(e, l);
	}
	rc = tag ? ledger_custody_find_serial(l, tag, &by_tag)
		 : LEDGER_ERR_NOTFOUND;
	if (rc == 0) {
		n.tag_is_card = !by_tag.is_asset;
		n.tag_is_asset = by_tag.is_asset;
	} else if (rc != LEDGER_ERR_NOTFOUND) {
		return wf_fail_ledger(e, l);
	}
	switch (recon_asset_add_check(&n)) {
	case ASSET_CODE_IS_CARD:
		return wf_fail(e, WF_E_ASSET_CODE_IS_CARD, code);
	case ASSET_CODE_TAKEN:
		return wf_fail(e, WF_E_ASSET_CODE_TAKEN, code);
	case ASSET_TAG_IS_CARD:
		return wf_fail(e, WF_E_ASSET_TAG_IS_CARD, tag, by_tag.name);
	case ASSET_TAG_TAKEN:
		return wf_fail(e, WF_E_ASSET_TAG_TAKEN, tag, by_tag.name);
	case ASSET_ADD_OK:
		break;
	}
	return 0;
}

int wf_asset_add(struct ledger *l, const struct staff_rec *actor,
		 const char *code, const char *name, const char *tag,
		 const char *location, int64_t now, int64_t *id,
		 int *new_location, struct wf_err *e)
{
	char norm[SERIAL_BUF], max[24];
	int64_t loc;
	int rc;

	if (new_location)
		*new_location = 0;
	/* A code is typed at the window: the staff code alphabet. */
	if (!staff_code_valid(code))
		return wf_fail(e, WF_E_ASSET_CODE, code);
	rc = wf_text(e, N_("name"), name, NAME_MAX_BYTES, 0);
	if (rc)
		return rc;
	/* A tag is read at a reader: kept as reads are (hex, upper case). */
	if (tag && serial_normalize(tag, strlen(tag), norm) < 0)
		return wf_fail(e, WF_E_ASSET_TAG, tag, wf_i64(max, SERIAL_MAX));
	if (!location_path_valid(location, strlen(location)))
		return wf_fail(e, WF_E_ASSET_LOCATION, location);
	rc = wf_begin(l, &wf_step_asset_add, actor, now, e);
	if (rc)
		return rc;
	rc = asset_names(l, code, tag ? norm : NULL, e);
	/* A new location is made, and said: it may be a typing error. */
	if (rc == 0) {
		rc = ledger_location_find(l, location, &loc);
		if (rc == LEDGER_ERR_NOTFOUND && new_location)
			*new_location = 1;
		rc = rc == LEDGER_ERR_NOTFOUND ? 0 : rc;
		if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	if (rc == 0) {
		rc = ledger_asset_add(l, code, name, tag ? norm : NULL,
				      location, actor->id, now, id);
		/* What the checks above let through, the ledger's own
		 * constraints still refuse. */
		if (rc == LEDGER_ERR_INVALID || rc == LEDGER_ERR_EXISTS)
			rc = wf_fail(e, WF_E_ASSET_ADD, code, ledger_errmsg(l));
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}

static int find(struct ledger *l, const char *ident, enum custody_by by,
		struct custody_item *it)
{
	char serial[SERIAL_BUF];
	int rc;

	if (by == CUSTODY_BY_SERIAL)
		return ledger_custody_find_serial(l, ident, it);
	rc = ledger_custody_find(l, ident, it);
	/* A barcode scanner may send the card's number instead. */
	if (rc == LEDGER_ERR_NOTFOUND && by == CUSTODY_BY_EITHER &&
	    serial_normalize(ident, strlen(ident), serial) == 0 &&
	    ledger_custody_find_serial(l, serial, it) == 0)
		return 0;
	return rc;
}

/* One item named, in the caller's transaction: found, or the refusal. */
static int find_one(struct ledger *l, const char *ident, enum custody_by by,
		    struct custody_item *it, struct wf_err *e)
{
	int rc;

	/* A typed ID that is a My Number is refused before it is looked up
	 * (a serial came from a chip reader's profile). */
	if (by != CUSTODY_BY_SERIAL) {
		rc = wf_typed_check(ident, e);
		if (rc)
			return rc;
	}
	rc = find(l, ident, by, it);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, by == CUSTODY_BY_SERIAL
				      ? WF_E_CUSTODY_UNKNOWN_SERIAL
				      : WF_E_CUSTODY_UNKNOWN,
			       ident);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	return 0;
}

/* The n items found are n different ones (recon_items_once), however
 * each was named. */
static int items_once(const struct custody_item *items, size_t n,
		      struct wf_err *e)
{
	struct recon_ref *refs = calloc(n ? n : 1, sizeof(*refs));
	enum recon_once once;
	size_t a, b;

	if (!refs)
		return wf_fail(e, WF_E_NOMEM);
	for (size_t i = 0; i < n; i++) {
		refs[i].is_asset = items[i].is_asset;
		refs[i].id = items[i].id;
	}
	once = recon_items_once(refs, n, &a, &b);
	free(refs);
	if (once == ONCE_NOMEM)
		return wf_fail(e, WF_E_NOMEM);
	if (once == ONCE_TWICE)
		return wf_fail(e, WF_E_CUSTODY_TWICE,
			       items[b].is_asset ? N_("terminal") : N_("card"),
			       items[b].name);
	return 0;
}

/* One found item, in the caller's transaction: allowed, recorded.  dest:
 * the location id of to_path (a move), else 0. */
static int move_one(struct ledger *l, enum custody_kind k,
		    struct custody_item *it, const char *to_path, int64_t dest,
		    int32_t for_date, int64_t actor_id, int64_t now, int flag,
		    struct wf_moved_item *out, struct wf_err *e)
{
	struct recon_item ri = {0};
	const char *rule;
	int rc;

	memset(out, 0, sizeof(*out));
	out->is_asset = it->is_asset;
	out->from = it->status;
	ri.is_asset = it->is_asset;
	ri.status = it->status;
	ri.before_lost = CARD_STATUS_COUNT;
	if (recon_transition(recon_custody_event(k), &ri, &out->to, &rule) < 0)
		return wf_fail(e, rule_code(k),
			       it->is_asset ? N_("terminal") : N_("card"),
			       it->name,
			       wf_status_word(it->is_asset, it->status), rule);
	if (to_path && recon_move_dest(it->location_id, dest, &rule) < 0)
		return wf_fail(e, WF_E_MOVE_HERE,
			       it->is_asset ? N_("terminal") : N_("card"),
			       it->name, it->location, rule);
	rc = ledger_custody_record(l, it, custody_kind_name(k), out->to,
				   to_path, for_date, actor_id, now, flag);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_CUSTODY_NO_LOCATION, to_path);
	if (rc < 0)
		return wf_fail_ledger(e, l);
	snprintf(out->name, sizeof(out->name), "%s", it->name);
	snprintf(out->location, sizeof(out->location), "%s", it->location);
	return 0;
}

/* Every item found, each named once, the destination known; then each
 * moved.  In wf_custody_move's transaction. */
static int move_all(struct ledger *l, enum custody_kind k,
		    const char *const *idents, size_t n, enum custody_by by,
		    const char *to_path, int32_t for_date, int64_t actor_id,
		    int64_t now, struct custody_item *items,
		    struct wf_moved *out, struct wf_err *e)
{
	int64_t dest = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = find_one(l, idents[i], by, &items[i], e);
	if (rc == 0)
		rc = items_once(items, n, e);
	if (rc == 0 && to_path) {
		rc = ledger_location_find(l, to_path, &dest);
		if (rc == LEDGER_ERR_NOTFOUND)
			rc = wf_fail(e, WF_E_CUSTODY_NO_LOCATION, to_path);
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = move_one(l, k, &items[i], to_path, dest, for_date,
			      actor_id, now, out->safe_closed, &out->v[i], e);
		if (rc == 0)
			out->n++;
	}
	return rc;
}

void wf_moved_free(struct wf_moved *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/*
 * An item named twice is refused before anything is moved
 * (recon_items_once), the same for the four movements: its second turn
 * would find the state its first turn gave it, and a move would be
 * recorded twice.
 */
int wf_custody_move(struct ledger *l, const struct staff_rec *actor,
		    enum custody_kind k, const char *const *idents, size_t n,
		    enum custody_by by, const char *to_path, int32_t for_date,
		    int64_t now, struct wf_moved *out, struct wf_err *e)
{
	const struct wf_step *step = wf_custody_step(k);
	struct custody_item *items;
	int open = 0, rc;

	memset(out, 0, sizeof(*out));
	if (!step)
		return wf_fail(e, WF_E_CUSTODY_NONE);
	if (n == 0) {
		/* Who may not move anything hears that first. */
		rc = wf_may(l, step, actor, now, e);
		return rc ? rc : wf_fail(e, WF_E_CUSTODY_NONE);
	}
	out->v = calloc(n, sizeof(*out->v));
	items = calloc(n, sizeof(*items));
	if (!out->v || !items) {
		free(items);
		wf_moved_free(out);
		return wf_fail(e, WF_E_NOMEM);
	}
	rc = wf_begin(l, step, actor, now, e);
	if (rc) {
		free(items);
		wf_moved_free(out);
		return rc;
	}
	/* Read in the same transaction as the movement: the flag says what
	 * the key log said at that moment (R14). */
	if (ledger_safe_open(l, &open) < 0)
		rc = wf_fail_ledger(e, l);
	out->safe_closed =
	    recon_safe_flag(recon_custody_handling(k), open);
	if (rc == 0)
		rc = move_all(l, k, idents, n, by, to_path, for_date, actor->id,
			      now, items, out, e);
	free(items);
	rc = wf_end(l, rc, e);
	if (rc)
		wf_moved_free(out);
	return rc;
}
