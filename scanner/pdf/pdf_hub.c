/*
 * The city-wide report on paper (issue 16): the wards' record books of a
 * month as one table, the city's totals under it, and the office's stamp
 * boxes; the table and page code is pdf.c's.
 */
#include "pdf.h"

#include <libintl.h>
#include <stdio.h>

#include "../../common/model.h"
#include "../workflow/wf.h"
#include "../workflow/wf_hub.h"

#define _(s) dgettext("cardtally", s)

static void num(int64_t v, char out[24])
{
	snprintf(out, 24, "%lld", (long long)v);
}

/* A status in the document's language. */
static const char *status_word(enum hubbook_status s)
{
	switch (s) {
	case HUBBOOK_COUNTED:
		return _("counted");
	case HUBBOOK_LATE:
		return _("late");
	case HUBBOOK_COUNTING:
		return _("counting");
	default:
		return _("not counted");
	}
}

static int ward_row(struct pdf_doc *d, const struct wf_hub_ward *w, int total)
{
	char c[24], f[24], od[24], l[24], lm[24], dp[24], seen[TIME_ISO_BUF];
	char iso[TIME_ISO_BUF];
	const char *name = w->w.name[0] ? w->w.name : w->w.code;

	num(w->m.counts, c);
	num(w->m.found, f);
	num(w->m.open_disc, od);
	num(w->m.lost, l);
	num(w->m.lost_month, lm);
	num(w->m.disposed, dp);
	seen[0] = '\0';
	if (!total && w->w.last_seen) {
		time_format_iso(w->w.last_seen, wf_utc_offset(w->w.last_seen),
				iso);
		snprintf(seen, sizeof(seen), "%.10s", iso);
	}
	if (total)
		return pdf_table_total(d, (const char *[]){_("City"), "", c, f,
							   od, l, lm, dp, ""});
	return pdf_table_row(d, (const char *[]){name, status_word(w->m.status),
						 c, f, od, l, lm, dp,
						 w->w.silent ? _("silent")
						 : seen[0]   ? seen
							     : _("never")});
}

struct pdf_doc *pdf_hub(const struct wf_hub_book *b, const struct pdf_meta *m)
{
	const struct pdf_col cols[] = {
	    {_("Ward"), 1.4, 0},
	    {_("Record book"), 1.4, 0},
	    {_("Counts"), 0.8, 1},
	    {_("Resolved"), 0.9, 1},
	    {_("Open discrepancies"), 1.1, 1},
	    {_("Lost"), 0.7, 1},
	    {_("Lost this month"), 1.0, 1},
	    {_("Disposed"), 0.9, 1},
	    {_("Last sync"), 1.2, 0},
	};
	char printed[96], iso[TIME_ISO_BUF], line[256];
	struct wf_hub_ward city = {.m = b->city};
	struct pdf_doc *d;
	int rc;

	time_format_iso(m->now, wf_utc_offset(m->now), iso);
	snprintf(printed, sizeof(printed), _("printed %s"), iso);
	d = pdf_new(&(struct pdf_head){.title = _("City-wide record books"),
				       .ward = m->ward ? m->ward : "",
				       .period = b->month,
				       .printed = printed,
				       .created = iso});
	if (!d)
		return NULL;
	rc = pdf_table_begin(d, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		rc = ward_row(d, &b->v[i], 0);
	if (rc == 0)
		rc = ward_row(d, &city, 1);
	if (rc == 0)
		rc = pdf_table_end(d);
	snprintf(line, sizeof(line),
		 _("Wards: %lld; counted %lld, late %lld, not counted %lld, "
		   "counting %lld; silent for more than %d days: %lld"),
		 (long long)b->n, (long long)b->by_status[HUBBOOK_COUNTED],
		 (long long)b->by_status[HUBBOOK_LATE],
		 (long long)b->by_status[HUBBOOK_NOT_COUNTED],
		 (long long)b->by_status[HUBBOOK_COUNTING], b->silent_days,
		 (long long)b->silent);
	if (rc == 0)
		rc = pdf_space(d, 6);
	if (rc == 0)
		rc = pdf_text(d, line);
	if (rc == 0)
		rc = pdf_office_stamps(d);
	if (rc) {
		pdf_free(d);
		return NULL;
	}
	return d;
}
