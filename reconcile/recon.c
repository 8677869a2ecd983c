/*
 * Reconciliation and the rules around it (see recon.h).  Everything here is
 * a function of its arguments: the caller supplies the session's data and
 * the day, and gets plain results back.
 */
#include "recon.h"

#include <stdlib.h>
#include <string.h>

const struct recon_rules recon_default_rules = {
    .reminder_days = 90,
};

int32_t recon_disposal_due_cutoff(int32_t today,
				  const struct recon_rules *rules)
{
	return today - rules->reminder_days;
}

enum recon_due_why recon_disposal_due(enum card_status status,
				      int32_t reminder_sent, int32_t today,
				      const struct recon_rules *rules,
				      int32_t *since)
{
	*since = DATE_NONE;
	switch (status) {
	case CARD_MOVED:
		return DUE_MOVED;
	case CARD_DECEASED:
		return DUE_DECEASED;
	case CARD_CANCELLED:
		return DUE_CANCELLED;
	case CARD_STORED:
		break;
	default:
		/* Issued, disposed or out of the safe: nothing to dispose. */
		return DUE_NOT;
	}
	if (reminder_sent != DATE_NONE &&
	    reminder_sent <= recon_disposal_due_cutoff(today, rules)) {
		*since = reminder_sent + rules->reminder_days;
		return DUE_REMINDER;
	}
	return DUE_NOT;
}

const char *recon_due_why_name(enum recon_due_why why)
{
	switch (why) {
	case DUE_REMINDER:
		return "reminder";
	case DUE_MOVED:
		return "moved";
	case DUE_DECEASED:
		return "deceased";
	case DUE_CANCELLED:
		return "cancelled";
	default:
		return "";
	}
}

int recon_due_why_parse(const char *s, enum recon_due_why *out)
{
	for (int w = DUE_REMINDER; w <= DUE_CANCELLED; w++)
		if (strcmp(s, recon_due_why_name((enum recon_due_why)w)) == 0) {
			*out = (enum recon_due_why)w;
			return 0;
		}
	return -1;
}

static int cmp_due_item(const void *pa, const void *pb)
{
	const struct recon_due_item *a = pa, *b = pb;

	if (a->since != b->since)
		return a->since < b->since ? -1 : 1;
	return strcmp(a->mgmt_id, b->mgmt_id);
}

void recon_due_sort(struct recon_due_item *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_due_item);
}

enum recon_outcome recon_classify(const struct recon_read *r, int32_t today,
				  const struct recon_rules *rules,
				  enum recon_why *why)
{
	int32_t since;

	*why = WHY_NONE;
	if (r->seen_before)
		return RECON_REPEAT;
	if (!r->known)
		*why = WHY_UNKNOWN;
	else if (!card_status_in_storage(r->status))
		*why = WHY_NOT_IN_STOCK;
	else if (!r->in_range)
		*why = WHY_MISPLACED;
	else if (recon_disposal_due(r->status, r->reminder_sent, today, rules,
				    &since) != DUE_NOT)
		*why = WHY_DISPOSAL_DUE;
	return *why == WHY_NONE ? RECON_ACCEPTED : RECON_ALERT;
}

const char *recon_outcome_name(enum recon_outcome o)
{
	static const char *const names[] = {"accepted", "repeat", "alert"};

	return (unsigned)o < 3 ? names[o] : "?";
}

static const char *const why_names[] = {
    [WHY_NONE] = "",
    [WHY_UNKNOWN] = "unknown",
    [WHY_MISPLACED] = "misplaced",
    [WHY_NOT_IN_STOCK] = "not_in_stock",
    [WHY_DISPOSAL_DUE] = "disposal_due",
};

const char *recon_why_name(enum recon_why w)
{
	return (unsigned)w <= WHY_DISPOSAL_DUE ? why_names[w] : "";
}

int recon_why_parse(const char *s, enum recon_why *out)
{
	for (int i = 0; i <= WHY_DISPOSAL_DUE; i++) {
		if (strcmp(s, why_names[i]) == 0) {
			*out = (enum recon_why)i;
			return 0;
		}
	}
	return -1;
}

/* ---- the session report ---- */

static int cmp_card_idx(const void *a, const void *b, void *ctx)
{
	const struct count_data *d = ctx;

	return strcmp(d->cards[*(const int32_t *)a].mgmt_id,
		      d->cards[*(const int32_t *)b].mgmt_id);
}

static int cmp_found(const void *a, const void *b, void *ctx)
{
	const struct count_data *d = ctx;

	return strcmp(d->cards[((const struct recon_found *)a)->card].mgmt_id,
		      d->cards[((const struct recon_found *)b)->card].mgmt_id);
}

static int cmp_due(const void *a, const void *b, void *ctx)
{
	const struct count_data *d = ctx;

	return strcmp(d->cards[((const struct recon_due *)a)->card].mgmt_id,
		      d->cards[((const struct recon_due *)b)->card].mgmt_id);
}

static int cmp_scan_idx(const void *a, const void *b, void *ctx)
{
	const struct count_data *d = ctx;

	return strcmp(d->scans[*(const int32_t *)a].serial,
		      d->scans[*(const int32_t *)b].serial);
}

/*
 * Appends one element to a growable list.  Discrepancy lists are short in
 * practice (a handful of cards out of thousands), so they start empty and
 * double as needed instead of being sized for the worst case: that keeps a
 * 100k-card reconcile within the appliance's memory budget.
 */
static int push(void **list, size_t *n, size_t *cap, size_t elem,
		const void *item)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*list, ncap * elem);

		if (!p)
			return -1;
		*list = p;
		*cap = ncap;
	}
	memcpy((char *)*list + *n * elem, item, elem);
	(*n)++;
	return 0;
}

/* qsort_r, except that an empty list may be NULL (qsort's base may not). */
static void sort_list(void *base, size_t n, size_t size,
		      int (*cmp)(const void *, const void *, void *),
		      const struct count_data *d)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, (void *)d);
}

#define PUSH(list, n, cap, item)                                               \
	push((void **)&(list), &(n), &(cap), sizeof(*(list)), &(item))

/* The status a card had before change c: 0 and *before, or -1 for a
 * change that is none the count can undo. */
static int status_before_change(const struct count_change *c,
				enum card_status *before)
{
	enum custody_kind k;
	enum recon_due_why why;

	if (strcmp(c->kind, "disposal") == 0) {
		if (recon_due_why_parse(c->why, &why) < 0)
			why = DUE_REMINDER;
		*before = recon_disposed_from(why);
		return 0;
	}
	if (custody_kind_parse(c->kind, &k) < 0)
		return -1;
	return recon_status_before(k, before);
}

int recon_see_as_counted(struct count_data *d)
{
	size_t n = d->ncards;
	int64_t *moment;

	if (d->nchanges == 0)
		return 0;
	moment = malloc((n ? n : 1) * sizeof(*moment));
	if (!moment)
		return -1;
	for (size_t i = 0; i < n; i++)
		moment[i] = d->closed_at ? d->closed_at : INT64_MAX;
	/* The reads are in the order they were made: the first counts. */
	for (size_t i = d->nscans; i-- > 0;) {
		const struct count_scan *s = &d->scans[i];

		if (s->card >= 0 && (size_t)s->card < n)
			moment[s->card] = s->at;
	}
	/* A card's changes come in time order: the first after its moment
	 * is the earliest. */
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct count_change *c = &d->changes[i];
		enum card_status before;
		struct count_card *k;

		if (c->card < 0 || (size_t)c->card >= n ||
		    c->at <= moment[c->card] ||
		    status_before_change(c, &before) < 0)
			continue;
		k = &d->cards[c->card];
		k->status = before;
		if (c->has_from) {
			k->location = c->from_location;
			k->home_range = c->from_range;
		}
		moment[c->card] = INT64_MAX;
	}
	free(moment);
	return 0;
}

int recon_run(const struct count_data *d, int32_t today,
	      const struct recon_rules *rules, struct recon_report *out)
{
	struct recon_report r = {0};
	size_t cap_missing = 0, cap_misplaced = 0, cap_extra = 0, cap_nis = 0,
	       cap_due = 0, cap_out = 0;
	size_t nr = d->nranges ? d->nranges : 1;
	int32_t *first = NULL; /* first read of each card, -1 when unread */

	r.range_expected = calloc(nr, sizeof(size_t));
	r.range_ok = calloc(nr, sizeof(size_t));
	r.range_seen = calloc(nr, sizeof(size_t));
	first = malloc((d->ncards ? d->ncards : 1) * sizeof(*first));
	if (!r.range_expected || !r.range_ok || !r.range_seen || !first)
		goto fail;
	memset(first, 0xff, (d->ncards ? d->ncards : 1) * sizeof(*first));

	for (size_t i = 0; i < d->nscans; i++) {
		const struct count_scan *s = &d->scans[i];
		int32_t idx = (int32_t)i;

		/* The ledger records repeats as they happen; a card read
		 * twice without that mark is still one card. */
		if (s->repeat || (s->card >= 0 && first[s->card] >= 0)) {
			r.repeats++;
			continue;
		}
		r.seen++;
		if (s->range >= 0 && (size_t)s->range < d->nranges)
			r.range_seen[s->range]++;
		if (s->card >= 0)
			first[s->card] = idx;
		else if (PUSH(r.extra, r.nextra, cap_extra, idx) < 0)
			goto fail;
	}

	for (size_t c = 0; c < d->ncards; c++) {
		const struct count_card *k = &d->cards[c];
		int32_t ci = (int32_t)c, f = first[c];
		int32_t found = f >= 0 ? d->scans[f].range : -1;
		struct recon_found hit = {ci, found, f};
		int rc = 0;

		if (!card_status_in_storage(k->status)) {
			if (f >= 0)
				rc = PUSH(r.not_in_stock, r.nnot_in_stock,
					  cap_nis, hit);
			else if (k->status == CARD_CHECKED_OUT &&
				 k->home_range >= 0)
				rc = PUSH(r.checked_out, r.nchecked_out,
					  cap_out, ci);
			if (rc < 0)
				goto fail;
			continue;
		}
		if (k->home_range >= 0) {
			r.expected++;
			r.range_expected[k->home_range]++;
		}
		if (f < 0) {
			if (k->home_range >= 0 &&
			    PUSH(r.missing, r.nmissing, cap_missing, ci) < 0)
				goto fail;
			continue;
		}
		if (k->home_range >= 0 && found == k->home_range) {
			r.ok++;
			r.range_ok[found]++;
		} else if (PUSH(r.misplaced, r.nmisplaced, cap_misplaced, hit) <
			   0) {
			goto fail;
		}
		struct recon_due due = {ci, DUE_NOT, DATE_NONE};
		due.why = recon_disposal_due(k->status, k->reminder_sent, today,
					     rules, &due.since);
		if (due.why != DUE_NOT &&
		    PUSH(r.disposal_due, r.ndisposal_due, cap_due, due) < 0)
			goto fail;
	}
	free(first);

	sort_list(r.missing, r.nmissing, sizeof(int32_t), cmp_card_idx, d);
	sort_list(r.checked_out, r.nchecked_out, sizeof(int32_t), cmp_card_idx,
		  d);
	sort_list(r.misplaced, r.nmisplaced, sizeof(struct recon_found),
		  cmp_found, d);
	sort_list(r.not_in_stock, r.nnot_in_stock, sizeof(struct recon_found),
		  cmp_found, d);
	sort_list(r.disposal_due, r.ndisposal_due, sizeof(struct recon_due),
		  cmp_due, d);
	sort_list(r.extra, r.nextra, sizeof(int32_t), cmp_scan_idx, d);
	*out = r;
	return 0;
fail:
	free(first);
	recon_report_free(&r);
	return -1;
}

int recon_has_discrepancy(const struct recon_report *r)
{
	return r->nmissing || r->nmisplaced || r->nextra || r->nnot_in_stock;
}

void recon_report_free(struct recon_report *r)
{
	free(r->range_expected);
	free(r->range_ok);
	free(r->range_seen);
	free(r->missing);
	free(r->misplaced);
	free(r->extra);
	free(r->not_in_stock);
	free(r->disposal_due);
	free(r->checked_out);
	memset(r, 0, sizeof(*r));
}

/* ---- permissions (R19) ---- */

/* Marks the rules' words for the message catalog (xgettext -kN_); the
 * front ends translate them, reconcile/ stays libc only. */
#define N_(s) s

/*
 * The permission matrix.  Source: seed 000 第3-5 and 報告書 3(5): part-time
 * staff work under a regular employee and may not hold responsibility for
 * stock; managers (責任職) approve.  One row per action, one column per role
 * (manager, staff, parttime); doc/operations.md prints the same table.
 */
static const struct {
	const char *name;
	unsigned char allowed[ROLE_COUNT];
	const char *rule;
} matrix[ACT_COUNT] = {
    [ACT_STAFF_ADD] = {"staff add", {1, 0, 0}, N_("only a manager may add staff")},
    [ACT_IMPORT] = {"import",
		    {1, 1, 0},
		    N_("part-time staff may not import the stock list")},
    [ACT_COUNT_START] = {"count start",
			 {1, 1, 0},
			 N_("part-time staff may not open a count")},
    [ACT_SCAN] = {"scan", {1, 1, 1}, ""},
    [ACT_COUNT_CLOSE] = {"count close",
			 {1, 1, 0},
			 N_("part-time staff may not close a count")},
    [ACT_STAFF_UNLOCK] = {"staff unlock",
			  {1, 0, 0},
			  N_("only a manager may unlock an account")},
    [ACT_WITNESS] = {"witness",
		     {1, 0, 0},
		     N_("the witness of a two-person step must be a manager")},
    /* Anyone may report a near-miss: the part-timer who saw it first
     * is the one the record is for (R22). */
    [ACT_NOTE_ADD] = {"note add", {1, 1, 1}, ""},
    /* Destroying a card is irreversible: part-time staff may scan cards
     * into a disposal but not hold the responsibility for one (報告書
     * 3(5)); the second person is the witness (ACT_WITNESS). */
    [ACT_DISPOSE] = {"dispose",
		     {1, 1, 0},
		     N_("part-time staff may not dispose of cards")},
    /* Deciding what training is required, and vouching that someone
     * attended, is a responsibility (000 第3-4): a manager's. */
    [ACT_TRAINING] = {"training",
		      {1, 0, 0},
		      N_("only a manager may add courses or record training")},
    /* Naming who answers for the key is a manager's decision (003). */
    [ACT_KEY_HOLDER] = {"key holder",
			{1, 0, 0},
			N_("only a manager may name key holders")},
    /* Part-timers work under a regular employee (000 第3-5), who opens
     * the safe for them. */
    [ACT_KEY_OPEN] = {"key open",
		      {1, 1, 0},
		      N_("part-time staff may not open the safe")},
    /* A terminal is stock like a card: registering one edits the ledger. */
    [ACT_ASSET_ADD] = {"asset add",
		       {1, 0, 0},
		       N_("only a manager may register an issuing terminal")},
    /* Taking cards out of the safe, handing them over and putting them
     * back move responsibility for stock, which seed 000 gives to regular
     * employees only; a part-timer may scan what comes back in a tally
     * (ACT_SCAN), and the staff member who closes it does the returns. */
    [ACT_CHECKOUT] = {"checkout",
		      {1, 1, 0},
		      N_("part-time staff may not check cards out")},
    [ACT_RETURN] = {"return",
		    {1, 1, 0},
		    N_("part-time staff may not return cards to stock")},
    [ACT_ISSUE] = {"issue", {1, 1, 0}, N_("part-time staff may not issue cards")},
    [ACT_MOVE] = {"move", {1, 1, 0}, N_("part-time staff may not move cards")},
    /* The tally certifies what came back; a part-timer may scan the
     * returns into it, but not open or close it (seed 000). */
    [ACT_TALLY_START] = {"tally start",
			 {1, 1, 0},
			 N_("part-time staff may not open a tally")},
    [ACT_TALLY_CLOSE] = {"tally close",
			 {1, 1, 0},
			 N_("part-time staff may not close a tally")},
    /* Deciding who counts what, and when, is the plan the office keeps
     * and submits (R8): a manager's. */
    [ACT_PLAN] = {"plan",
		  {1, 0, 0},
		  N_("only a manager may apply a counting plan")},
    /* Settling a discrepancy, and deciding who recounts, is what seed 000
     * (報告書 3(1)イ) gives the manager (責任職): the people who counted
     * must not be the ones who certify what their count found. */
    [ACT_RESOLVE] = {"count resolve",
		     {1, 0, 0},
		     N_("only a manager may resolve a discrepancy")},
    [ACT_RECOUNT] = {"count recount",
		     {1, 0, 0},
		     N_("only a manager may order a recount")},
    /* Everyone keeps their own PIN; they prove it with the old one. */
    [ACT_STAFF_PIN] = {"staff pin", {1, 1, 1}, ""},
    /* Who may log in, as whom, is a manager's to decide; the steps that
     * could make one manager two people (a new manager, a role, a
     * manager's PIN, who is active) also need a second manager. */
    [ACT_STAFF_PIN_RESET] = {"staff reset-pin",
			     {1, 0, 0},
			     N_("only a manager may reset a PIN")},
    [ACT_STAFF_ACTIVE] = {"staff deactivate",
			  {1, 0, 0},
			  N_("only a manager may deactivate or reactivate a "
			     "person")},
    [ACT_STAFF_ROLE] = {"staff role",
			{1, 0, 0},
			N_("only a manager may change a role")},
    /* Receiving binds a chip to a management ID for good: a regular
     * employee's responsibility for stock (seed 000 第3-5). */
    [ACT_RECEIVE] = {"receive",
		     {1, 1, 0},
		     N_("part-time staff may not receive cards")},
    /* Replacing the whole ledger with a copy decides what the office's
     * record is: a manager's (issue 14). */
    [ACT_RESTORE] = {"restore",
		     {1, 0, 0},
		     N_("only a manager may restore the ledger from a "
			"backup")},
};

int recon_permit(enum staff_role role, enum recon_action action,
		 const char **rule)
{
	*rule = "";
	if ((unsigned)action >= ACT_COUNT || (unsigned)role >= ROLE_COUNT) {
		*rule = "unknown action or role";
		return -1;
	}
	if (matrix[action].allowed[role])
		return 0;
	*rule = matrix[action].rule;
	return -1;
}

const char *recon_action_name(enum recon_action a)
{
	return (unsigned)a < ACT_COUNT ? matrix[a].name : "?";
}

/* ---- the training gate (R20) ---- */

enum recon_gate recon_training_gate(const struct recon_course *req, size_t nreq,
				    const struct recon_attended *att,
				    size_t natt, int32_t today, size_t *course,
				    int32_t *since)
{
	*course = 0;
	*since = DATE_NONE;
	for (size_t i = 0; i < nreq; i++) {
		int32_t latest = DATE_NONE;

		/* Only the latest attendance matters: retaking a course
		 * renews it, an old record never outlives a newer one. */
		for (size_t k = 0; k < natt; k++) {
			if (strcmp(att[k].course, req[i].code) != 0 ||
			    att[k].date == DATE_NONE || att[k].date > today)
				continue;
			if (latest == DATE_NONE || att[k].date > latest)
				latest = att[k].date;
		}
		*course = i;
		if (latest == DATE_NONE)
			return GATE_MISSING;
		if (req[i].valid_days > 0 &&
		    today >= latest + req[i].valid_days) {
			*since = latest + req[i].valid_days;
			return GATE_EXPIRED;
		}
	}
	*course = 0;
	return GATE_OK;
}

const char *recon_gate_name(enum recon_gate g)
{
	switch (g) {
	case GATE_OK:
		return "ok";
	case GATE_MISSING:
		return "missing";
	case GATE_EXPIRED:
		return "expired";
	}
	return "?";
}

/* ---- the safe's key log (R14) ---- */

const struct recon_key_rules recon_default_key_rules = {
    .open_limit_min = 30,
    .office_start_min = 8 * 60 + 30,
    .office_end_min = 17 * 60 + 15,
};

/* Floor division: local seconds before 1970 still fall on the right day. */
static int64_t day_start(int64_t t)
{
	int64_t d = t / 86400;

	if (t % 86400 < 0)
		d--;
	return d * 86400;
}

unsigned recon_key_flags(int64_t opened, int64_t closed, int64_t now,
			 const struct recon_key_rules *rules)
{
	int64_t end = closed ? closed : now;
	int64_t day = day_start(opened);
	int64_t start_s = day + (int64_t)rules->office_start_min * 60;
	int64_t end_s = day + (int64_t)rules->office_end_min * 60;
	unsigned flags = 0;

	if (end - opened > (int64_t)rules->open_limit_min * 60)
		flags |= KEY_FLAG_LONG;
	if (opened < start_s || opened >= end_s || end > end_s)
		flags |= KEY_FLAG_OFF_HOURS;
	return flags;
}

/* ---- custody transitions (R11, R13) ---- */

static const char *const custody_names[CUSTODY_KIND_COUNT] = {
    [CUSTODY_CHECKOUT] = "checkout", [CUSTODY_RETURN] = "return",
    [CUSTODY_ISSUE] = "issue",	     [CUSTODY_MOVE] = "move",
    [CUSTODY_LOST] = "lost",	     [CUSTODY_FOUND] = "found",
};

const char *custody_kind_name(enum custody_kind k)
{
	return (unsigned)k < CUSTODY_KIND_COUNT ? custody_names[k] : "?";
}

int custody_kind_parse(const char *s, enum custody_kind *out)
{
	for (int k = 0; k < CUSTODY_KIND_COUNT; k++)
		if (strcmp(s, custody_names[k]) == 0) {
			*out = (enum custody_kind)k;
			return 0;
		}
	return -1;
}

/*
 * The transition table.  Issuing needs a checked-out card: seeds 000 and
 * 003 describe cards pulled from the safe for the day's reserved pickups
 * and handed over at the window, so a card issued straight from the safe
 * would never be on a checkout record and the evening tally could not
 * account for it.  A move keeps a card in storage and changes its tray;
 * a card at the window is moved by returning it to the new tray's owner
 * first.  Disposed, issued and otherwise ended cards do not move at all.
 */
int recon_custody(enum custody_kind k, int is_asset, enum card_status from,
		  enum card_status *to, const char **rule)
{
	*rule = "";
	*to = from;
	/* A lost card is nowhere the ledger knows: nothing is done with it
	 * until a count has read it and a manager has said it is found. */
	if (!is_asset && from == CARD_LOST && k != CUSTODY_FOUND &&
	    (unsigned)k < CUSTODY_KIND_COUNT) {
		*rule = k == CUSTODY_LOST
			    ? "it is lost already"
			    : "the ledger says it is lost: a count must read "
			      "it and a manager resolve that as found "
			      "(count resolve --reason found_elsewhere) first";
		return -1;
	}
	switch (k) {
	case CUSTODY_CHECKOUT:
		if (from == CARD_STORED) {
			*to = CARD_CHECKED_OUT;
			return 0;
		}
		*rule = from == CARD_CHECKED_OUT
			    ? "it is checked out already"
			    : "only a card in storage can be checked out";
		return -1;
	case CUSTODY_RETURN:
		if (from == CARD_CHECKED_OUT) {
			*to = CARD_STORED;
			return 0;
		}
		*rule = "only a checked-out card can be returned";
		return -1;
	case CUSTODY_ISSUE:
		if (is_asset) {
			*rule = "a terminal is not issued to an applicant";
			return -1;
		}
		if (from == CARD_CHECKED_OUT) {
			*to = CARD_ISSUED;
			return 0;
		}
		*rule = "only a checked-out card can be issued";
		return -1;
	case CUSTODY_MOVE:
		if (from == CARD_STORED)
			return 0;
		*rule = "only a card in storage can be moved";
		return -1;
	/* A card is declared lost when a count misses it, so it was
	 * expected in the safe: stored, or waiting there for disposal.  A
	 * card at the window is the tally's question, not a count's. */
	case CUSTODY_LOST:
		if (is_asset) {
			*rule = "a terminal is not declared lost by a count";
			return -1;
		}
		if (card_status_in_storage(from)) {
			*to = CARD_LOST;
			return 0;
		}
		*rule = "only a card in storage can be declared lost";
		return -1;
	case CUSTODY_FOUND:
		if (!is_asset && from == CARD_LOST) {
			*to = CARD_STORED;
			return 0;
		}
		*rule = "only a lost card can be found";
		return -1;
	case CUSTODY_KIND_COUNT:
		break;
	}
	*rule = "unknown movement";
	return -1;
}

enum card_status recon_found_status(enum card_status before)
{
	return card_status_in_storage(before) ? before : CARD_STORED;
}

int recon_status_before(enum custody_kind k, enum card_status *before)
{
	switch (k) {
	case CUSTODY_CHECKOUT:
	case CUSTODY_MOVE:
	case CUSTODY_LOST:
		*before = CARD_STORED;
		return 0;
	case CUSTODY_RETURN:
	case CUSTODY_ISSUE:
		*before = CARD_CHECKED_OUT;
		return 0;
	case CUSTODY_FOUND:
		*before = CARD_LOST;
		return 0;
	default:
		return -1;
	}
}

enum card_status recon_disposed_from(enum recon_due_why why)
{
	switch (why) {
	case DUE_MOVED:
		return CARD_MOVED;
	case DUE_DECEASED:
		return CARD_DECEASED;
	case DUE_CANCELLED:
		return CARD_CANCELLED;
	default:
		return CARD_STORED;
	}
}

/* ---- handling cards while the safe is recorded closed (R14) ---- */

/*
 * Which handling needs the safe open.  The safe holds the cards in
 * storage, so whatever takes cards out of it (checkout, disposal), puts
 * them back (return) or handles them in it (move, count) happens with the
 * safe open, and an opening must be on record (seeds 000 第3-1(1), 003).
 * Issuing and the tally's reads happen at the window, with cards that are
 * checked out: the safe is rightly closed meanwhile, and flagging them
 * would flag every ordinary hour at the window and hide the real cases.
 */
static const struct {
	const char *name;
	unsigned char needs_safe;
} handlings[HANDLE_COUNT] = {
    [HANDLE_CHECKOUT] = {"checkout", 1},
    [HANDLE_RETURN] = {"return", 1},
    [HANDLE_ISSUE] = {"issue", 0},
    [HANDLE_MOVE] = {"move", 1},
    [HANDLE_COUNT_SCAN] = {"count scan", 1},
    [HANDLE_TALLY_SCAN] = {"tally scan", 0},
    [HANDLE_DISPOSAL_SCAN] = {"disposal scan", 1},
};

enum recon_handling recon_custody_handling(enum custody_kind k)
{
	switch (k) {
	case CUSTODY_CHECKOUT:
		return HANDLE_CHECKOUT;
	case CUSTODY_RETURN:
		return HANDLE_RETURN;
	case CUSTODY_ISSUE:
		return HANDLE_ISSUE;
	case CUSTODY_MOVE:
		return HANDLE_MOVE;
	/* Decisions at the desk: no card changes hands. */
	case CUSTODY_LOST:
	case CUSTODY_FOUND:
	case CUSTODY_KIND_COUNT:
		break;
	}
	return HANDLE_COUNT;
}

int recon_needs_safe(enum recon_handling h)
{
	/* Unknown handling: flag it rather than let it pass unseen. */
	return (unsigned)h < HANDLE_COUNT ? handlings[h].needs_safe : 1;
}

int recon_safe_flag(enum recon_handling h, int safe_open)
{
	return recon_needs_safe(h) && !safe_open;
}

const char *recon_handling_name(enum recon_handling h)
{
	return (unsigned)h < HANDLE_COUNT ? handlings[h].name : "?";
}

/* ---- the end-of-day window tally (R12) ---- */

enum recon_outcome recon_tally_classify(int seen_before, int known,
					int expected, enum recon_why *why)
{
	*why = WHY_NONE;
	if (seen_before)
		return RECON_REPEAT;
	if (!known) {
		*why = WHY_UNKNOWN;
		return RECON_ALERT;
	}
	if (!expected) {
		*why = WHY_NOT_IN_STOCK;
		return RECON_ALERT;
	}
	return RECON_ACCEPTED;
}

/*
 * An item read back is returned whatever the ledger says now (the close
 * turns the read into a return).  One not read stays missing while it is
 * checked out; once issued or put back by `return` it is accounted for,
 * which is how an imbalanced tally gets resolved.
 */
enum tally_state recon_tally_item(int read_back, enum card_status now)
{
	if (read_back)
		return TALLY_RETURNED;
	if (now == CARD_ISSUED)
		return TALLY_ISSUED;
	if (now == CARD_CHECKED_OUT)
		return TALLY_MISSING;
	return TALLY_RESOLVED;
}

const char *tally_state_name(enum tally_state s)
{
	static const char *const names[] = {"returned", "issued", "resolved",
					    "missing"};

	return (unsigned)s <= TALLY_MISSING ? names[s] : "?";
}

void recon_tally_add(struct recon_tally *t, enum tally_state s)
{
	t->expected++;
	if ((unsigned)s <= TALLY_MISSING)
		t->by_state[s]++;
}

int recon_tally_balanced(const struct recon_tally *t)
{
	return t->by_state[TALLY_MISSING] == 0;
}

/* ---- discrepancies, their resolution, closing and recounts ---- */

static const char *const disc_names[DISC_KIND_COUNT] = {
    [DISC_MISSING] = "missing",
    [DISC_MISPLACED] = "misplaced",
    [DISC_EXTRA] = "extra",
    [DISC_NOT_IN_STOCK] = "not_in_stock",
};

static const char *const reason_names[REASON_COUNT] = {
    [REASON_FOUND_ELSEWHERE] = "found_elsewhere",
    [REASON_DATA_ERROR] = "data_error",
    [REASON_RECOUNTED] = "recounted",
    [REASON_LOST] = "lost",
};

const char *recon_disc_name(enum recon_disc k)
{
	return (unsigned)k < DISC_KIND_COUNT ? disc_names[k] : "?";
}

int recon_disc_parse(const char *s, enum recon_disc *out)
{
	for (int i = 0; i < DISC_KIND_COUNT; i++) {
		if (strcmp(s, disc_names[i]) == 0) {
			*out = (enum recon_disc)i;
			return 0;
		}
	}
	return -1;
}

const char *recon_reason_name(enum recon_reason r)
{
	return (unsigned)r < REASON_COUNT ? reason_names[r] : "?";
}

int recon_reason_parse(const char *s, enum recon_reason *out)
{
	for (int i = 0; i < REASON_COUNT; i++) {
		if (strcmp(s, reason_names[i]) == 0) {
			*out = (enum recon_reason)i;
			return 0;
		}
	}
	return -1;
}

/*
 * Which reasons settle which kind.  A card that was read (misplaced, extra,
 * not in stock) is in the office, so it cannot be `lost`; an unknown serial
 * or a card the ledger says left the safe is a question of the records
 * (`data_error`), or for an unknown serial a card of another office
 * (`found_elsewhere`); only a missing or misplaced card can be settled by
 * a recount, and only when the recount read it.  A card the ledger says is
 * lost, read in the safe, is the one case where the safe is right and the
 * ledger's last word was a guess: it is found (`found_elsewhere`, and it
 * goes back into storage where it was read), or the read is a question of
 * the records (`data_error`, and it stays lost).
 */
static const unsigned char reason_ok[DISC_KIND_COUNT][REASON_COUNT] = {
    [DISC_MISSING] = {1, 1, 1, 1},
    [DISC_MISPLACED] = {1, 1, 1, 0},
    [DISC_EXTRA] = {1, 1, 0, 0},
    [DISC_NOT_IN_STOCK] = {0, 1, 0, 0},
};
/* found_elsewhere, data_error, recounted, lost */
static const unsigned char lost_read_ok[REASON_COUNT] = {1, 1, 0, 0};

int recon_resolution_valid(enum recon_disc k, enum recon_reason reason,
			   int recount_read, enum card_status status,
			   const char **rule)
{
	*rule = "";
	if ((unsigned)k >= DISC_KIND_COUNT ||
	    (unsigned)reason >= REASON_COUNT) {
		*rule = N_("unknown discrepancy or reason");
		return -1;
	}
	if (k == DISC_NOT_IN_STOCK && status == CARD_LOST) {
		if (lost_read_ok[reason])
			return 0;
		*rule = N_("a card the ledger says is lost, read in the safe, "
			   "is found (found_elsewhere: back in storage where "
			   "it was read) or a data_error");
		return -1;
	}
	if (!reason_ok[k][reason]) {
		switch (k) {
		case DISC_MISPLACED:
			*rule = N_("a misplaced card was read in the safe: "
				   "it is not lost (found_elsewhere, "
				   "data_error or recounted)");
			break;
		case DISC_EXTRA:
			*rule = N_("an unknown serial is settled as "
				   "data_error or found_elsewhere");
			break;
		default:
			*rule = N_("a card the ledger says left the safe, "
				   "read in it, is a data_error");
			break;
		}
		return -1;
	}
	if (reason == REASON_RECOUNTED && !recount_read) {
		*rule = N_("recounted needs a recount of the range, by "
			   "another person, that read the card (count "
			   "recount)");
		return -1;
	}
	return 0;
}

int recon_resolution_effect(enum recon_disc k, enum recon_reason reason,
			    enum card_status status, enum custody_kind *kind)
{
	if (k == DISC_MISSING && reason == REASON_LOST) {
		*kind = CUSTODY_LOST;
		return 1;
	}
	if (k == DISC_NOT_IN_STOCK && reason == REASON_FOUND_ELSEWHERE &&
	    status == CARD_LOST) {
		*kind = CUSTODY_FOUND;
		return 1;
	}
	return 0;
}

enum recon_close recon_close_check(size_t ndisc, size_t nunresolved,
				   int witnessed)
{
	if (ndisc == 0)
		return CLOSE_OK;
	if (nunresolved > 0)
		return CLOSE_UNRESOLVED;
	return witnessed ? CLOSE_OK : CLOSE_NEEDS_WITNESS;
}

int recon_recount_allowed(int64_t candidate, const int64_t *first, size_t n,
			  const char **rule)
{
	*rule = "";
	for (size_t i = 0; i < n; i++) {
		if (first[i] == candidate) {
			*rule = N_("a recount of a range is done by a "
				   "different person than the first count");
			return -1;
		}
	}
	return 0;
}
