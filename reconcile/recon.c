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
	    today >= reminder_sent + rules->reminder_days) {
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
	first = malloc((d->ncards ? d->ncards : 1) * sizeof(*first));
	if (!r.range_expected || !r.range_ok || !first)
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
	free(r->missing);
	free(r->misplaced);
	free(r->extra);
	free(r->not_in_stock);
	free(r->disposal_due);
	free(r->checked_out);
	memset(r, 0, sizeof(*r));
}

/* ---- permissions (R19) ---- */

/*
 * The permission matrix.  Source: seed 000 第3-5 and 報告書 3(5): part-time
 * staff work under a regular employee and may not hold responsibility for
 * stock; managers (責任職) approve.  One row per action, one column per role
 * (manager, staff, parttime); the README prints the same table.
 */
static const struct {
	const char *name;
	unsigned char allowed[ROLE_COUNT];
	const char *rule;
} matrix[ACT_COUNT] = {
    [ACT_STAFF_ADD] = {"staff add", {1, 0, 0}, "only a manager may add staff"},
    [ACT_IMPORT] = {"import",
		    {1, 1, 0},
		    "part-time staff may not import the stock list"},
    [ACT_COUNT_START] = {"count start",
			 {1, 1, 0},
			 "part-time staff may not open a count"},
    [ACT_SCAN] = {"scan", {1, 1, 1}, ""},
    [ACT_COUNT_CLOSE] = {"count close",
			 {1, 1, 0},
			 "part-time staff may not close a count"},
    [ACT_STAFF_UNLOCK] = {"staff unlock",
			  {1, 0, 0},
			  "only a manager may unlock an account"},
    [ACT_WITNESS] = {"witness",
		     {1, 0, 0},
		     "the witness of a two-person step must be a manager"},
    /* Anyone may report a near-miss: the part-timer who saw it first
     * is the one the record is for (R22). */
    [ACT_NOTE_ADD] = {"note add", {1, 1, 1}, ""},
    /* Destroying a card is irreversible: part-time staff may scan cards
     * into a disposal but not hold the responsibility for one (報告書
     * 3(5)); the second person is the witness (ACT_WITNESS). */
    [ACT_DISPOSE] = {"dispose",
		     {1, 1, 0},
		     "part-time staff may not dispose of cards"},
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
