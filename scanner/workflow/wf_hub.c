/*
 * The city-wide report (wf_hub.h): the hub's wards (hub_report), then
 * each ward's record-book entries (hub_ward_entries) fed to
 * reconcile/hubbook.c, summed for the month and for the city.  The rules
 * are hubbook's; this file puts the reading in order.
 */
#include "wf_hub.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct wards {
	struct wf_hub_book *b;
	const char *only;
	size_t cap;
	int oom;
};

static int take_ward(void *ctx, const struct hub_ward_status *s)
{
	struct wards *w = ctx;
	struct wf_hub_book *b = w->b;

	if (w->only && strcmp(w->only, s->code) != 0)
		return 0;
	if (b->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct wf_hub_ward *v = realloc(b->v, cap * sizeof(*v));

		if (!v) {
			w->oom = 1;
			return 1;
		}
		b->v = v;
		w->cap = cap;
	}
	memset(&b->v[b->n], 0, sizeof(b->v[b->n]));
	b->v[b->n++].w = *s;
	return 0;
}

static int feed(void *ctx, int64_t at, const char *action, const char *subject,
		const char *detail)
{
	const struct hubbook_entry e = {at, action, subject, detail};

	return hubbook_feed(ctx, &e) < 0 ? 1 : 0;
}

static int failed(struct wf_err *e, struct hub *h, int rc)
{
	switch (rc) {
	case HUB_ERR_UNREACHABLE:
		return wf_fail(e, WF_E_HUB_REPORT_UNREACHABLE, hub_errmsg(h));
	case HUB_ERR_VERSION:
		return wf_fail(e, WF_E_HUB_VERSION, hub_errmsg(h));
	case HUB_ERR_NOMEM:
		return wf_fail(e, WF_E_NOMEM);
	}
	return wf_fail(e, WF_E_HUB, hub_errmsg(h));
}

static void add_up(struct hubbook_month *to, const struct hubbook_month *m)
{
	to->counts += m->counts;
	to->closed += m->closed;
	to->found += m->found;
	to->open_counts += m->open_counts;
	to->open_disc += m->open_disc;
	to->lost += m->lost;
	to->lost_month += m->lost_month;
	to->disposed += m->disposed;
}

/* One ward's entries into its month. */
static int ward_month(struct hub *h, struct wf_hub_book *b,
		      struct wf_hub_ward *w, struct wf_err *e)
{
	struct hubbook hb;
	int rc;

	hubbook_init(&hb);
	rc = hub_ward_entries(h, w->w.code, feed, &hb);
	if (rc > 0) {
		hubbook_free(&hb);
		return wf_fail(e, WF_E_NOMEM);
	}
	if (rc < 0) {
		hubbook_free(&hb);
		return failed(e, h, rc);
	}
	hubbook_sum(&hb, b->from, b->to, b->now, &w->m);
	hubbook_free(&hb);
	w->finding = w->w.silent || w->m.open_disc > 0 || w->m.lost_month > 0 ||
		     (b->now >= b->to && (w->m.status == HUBBOOK_LATE ||
					  w->m.status == HUBBOOK_NOT_COUNTED));
	add_up(&b->city, &w->m);
	b->by_status[w->m.status]++;
	b->silent += w->w.silent;
	b->findings += w->finding;
	return 0;
}

int wf_hub_book(const char *conninfo, const char *month, const char *ward,
		int64_t now, int silent_days, struct wf_hub_book *out,
		struct wf_err *e)
{
	struct wards w = {.b = out, .only = ward && *ward ? ward : NULL};
	struct hub *h = NULL;
	char err[512];
	int rc;

	memset(out, 0, sizeof(*out));
	out->now = now;
	out->silent_days = silent_days;
	if (month && *month) {
		if (strlen(month) != 7)
			return wf_fail(e, WF_E_REPORT_MONTH, month);
		memcpy(out->month, month, 8);
	} else {
		time_t t = (time_t)now;
		struct tm tm;

		if (!localtime_r(&t, &tm) ||
		    strftime(out->month, sizeof(out->month), "%Y-%m", &tm) != 7)
			return wf_fail(e, WF_E_REPORT_MONTH, "?");
	}
	if (wf_month_bounds(out->month, &out->from, &out->to) < 0)
		return wf_fail(e, WF_E_REPORT_MONTH, out->month);
	if (w.only && !hub_ward_valid(w.only))
		return wf_fail(e, WF_E_WARD_CODE, w.only);
	rc = hub_open(conninfo, &h, err, sizeof(err));
	if (rc == HUB_ERR_UNREACHABLE)
		return wf_fail(e, WF_E_HUB_REPORT_UNREACHABLE, err);
	if (rc == HUB_ERR_MODULE)
		return wf_fail(e, WF_E_PART_MISSING, err);
	if (rc < 0)
		return wf_fail(e, WF_E_HUB, err);
	rc = hub_check_version(h);
	if (rc == 0)
		rc = hub_report(h, now, silent_days, take_ward, &w);
	if (rc < 0)
		rc = failed(e, h, rc);
	else if (w.oom)
		rc = wf_fail(e, WF_E_NOMEM);
	else if (w.only && out->n == 0)
		rc = wf_fail(e, WF_E_HUB_NO_WARD, w.only);
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		rc = ward_month(h, out, &out->v[i], e);
	hub_close(h);
	if (rc)
		wf_hub_book_free(out);
	return rc;
}

void wf_hub_book_free(struct wf_hub_book *b)
{
	free(b->v);
	b->v = NULL;
	b->n = 0;
}
