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
 * Lists are allocated at their largest possible size up front (one entry
 * per card or scan) so the loop below never fails half-way; a million
 * cards cost a few tens of megabytes for the duration of the call.
 */
static int alloc_lists(const struct count_data *d, struct recon_report *r)
{
	size_t nc = d->ncards ? d->ncards : 1, ns = d->nscans ? d->nscans : 1;
	size_t nr = d->nranges ? d->nranges : 1;

	r->range_expected = calloc(nr, sizeof(size_t));
	r->range_ok = calloc(nr, sizeof(size_t));
	r->missing = malloc(nc * sizeof(int32_t));
	r->misplaced = malloc(nc * sizeof(struct recon_found));
	r->extra = malloc(ns * sizeof(int32_t));
	r->not_in_stock = malloc(nc * sizeof(struct recon_found));
	r->disposal_due = malloc(nc * sizeof(struct recon_due));
	r->checked_out = malloc(nc * sizeof(int32_t));
	if (!r->range_expected || !r->range_ok || !r->missing ||
	    !r->misplaced || !r->extra || !r->not_in_stock ||
	    !r->disposal_due || !r->checked_out)
		return -1;
	return 0;
}

int recon_run(const struct count_data *d, int32_t today,
	      const struct recon_rules *rules, struct recon_report *out)
{
	struct recon_report r = {0};
	int32_t *first = NULL; /* first read of each card, -1 when unread */

	if (alloc_lists(d, &r) < 0)
		goto fail;
	first = malloc((d->ncards ? d->ncards : 1) * sizeof(*first));
	if (!first)
		goto fail;
	memset(first, 0xff, (d->ncards ? d->ncards : 1) * sizeof(*first));

	for (size_t i = 0; i < d->nscans; i++) {
		const struct count_scan *s = &d->scans[i];

		/* The ledger records repeats as they happen; a card read
		 * twice without that mark is still one card. */
		if (s->repeat || (s->card >= 0 && first[s->card] >= 0)) {
			r.repeats++;
			continue;
		}
		r.seen++;
		if (s->card >= 0)
			first[s->card] = (int32_t)i;
		else
			r.extra[r.nextra++] = (int32_t)i;
	}

	for (size_t c = 0; c < d->ncards; c++) {
		const struct count_card *k = &d->cards[c];
		int32_t f = first[c];
		int32_t found = f >= 0 ? d->scans[f].range : -1;
		int32_t since;
		struct recon_found hit = {(int32_t)c, found, f};

		if (!card_status_in_storage(k->status)) {
			if (f >= 0)
				r.not_in_stock[r.nnot_in_stock++] = hit;
			else if (k->status == CARD_CHECKED_OUT &&
				 k->home_range >= 0)
				r.checked_out[r.nchecked_out++] = (int32_t)c;
			continue;
		}
		if (k->home_range >= 0) {
			r.expected++;
			r.range_expected[k->home_range]++;
		}
		if (f < 0) {
			if (k->home_range >= 0)
				r.missing[r.nmissing++] = (int32_t)c;
			continue;
		}
		if (k->home_range >= 0 && found == k->home_range) {
			r.ok++;
			r.range_ok[found]++;
		} else {
			r.misplaced[r.nmisplaced++] = hit;
		}
		enum recon_due_why why = recon_disposal_due(
			k->status, k->reminder_sent, today, rules, &since);
		if (why != DUE_NOT)
			r.disposal_due[r.ndisposal_due++] =
				(struct recon_due){(int32_t)c, why, since};
	}
	free(first);

	qsort_r(r.missing, r.nmissing, sizeof(int32_t), cmp_card_idx,
		(void *)d);
	qsort_r(r.checked_out, r.nchecked_out, sizeof(int32_t), cmp_card_idx,
		(void *)d);
	qsort_r(r.misplaced, r.nmisplaced, sizeof(struct recon_found),
		cmp_found, (void *)d);
	qsort_r(r.not_in_stock, r.nnot_in_stock, sizeof(struct recon_found),
		cmp_found, (void *)d);
	qsort_r(r.disposal_due, r.ndisposal_due, sizeof(struct recon_due),
		cmp_due, (void *)d);
	qsort_r(r.extra, r.nextra, sizeof(int32_t), cmp_scan_idx, (void *)d);
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
	[ACT_STAFF_ADD] = {"staff add", {1, 0, 0},
			   "only a manager may add staff"},
	[ACT_IMPORT] = {"import", {1, 1, 0},
			"part-time staff may not import the stock list"},
	[ACT_COUNT_START] = {"count start", {1, 1, 0},
			     "part-time staff may not open a count"},
	[ACT_SCAN] = {"scan", {1, 1, 1}, ""},
	[ACT_COUNT_CLOSE] = {"count close", {1, 1, 0},
			     "part-time staff may not close a count"},
	[ACT_WITNESS] = {"witness", {1, 0, 0},
			 "the witness of a two-person step must be a manager"},
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
