/*
 * `cardtally hub report` (issue 16): the city-wide report at the hub, per
 * ward and for the city -- the month's record-book status, discrepancies
 * resolved and still open, lost cards, disposals, the last sync and who
 * has been silent -- as text, JSON, CSV or the PDF to stamp.  The front
 * end of wf_hub.c; the rules are reconcile/hubbook.c's.
 *
 * Exit 1 when a ward needs the central office: silent for more than the
 * days asked, open discrepancies, cards declared lost in the month, or a
 * month that is over and was not counted or counted late (doc/design.md
 * "The hub").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../workflow/config.h"
#include "../workflow/wf_hub.h"
#include "book.h"
#include "cli.h"
#include "cli_pdf.h"

enum hub_fmt { HUB_TEXT = 0, HUB_JSON, HUB_CSV, HUB_PDF };

/* The status in the operator's language. */
static const char *status_text(enum hubbook_status s)
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

static void month_jw(struct json_w *w, const struct hubbook_month *m)
{
	json_w_key_int(w, "counts", m->counts);
	json_w_key_int(w, "closed", m->closed);
	json_w_key_int(w, "discrepancies_resolved", m->found);
	json_w_key_int(w, "open_counts", m->open_counts);
	json_w_key_int(w, "open_discrepancies", m->open_disc);
	json_w_key_int(w, "lost", m->lost);
	json_w_key_int(w, "lost_this_month", m->lost_month);
	json_w_key_int(w, "disposed", m->disposed);
}

static int print_json(const struct wf_hub_book *b, int rc)
{
	struct json_w w;

	json_w_init(&w, stdout);
	json_w_object(&w);
	json_w_key_str(&w, "month", b->month);
	json_w_key_int(&w, "silent_days", b->silent_days);
	json_w_key(&w, "wards");
	json_w_array(&w);
	for (size_t i = 0; i < b->n; i++) {
		const struct wf_hub_ward *x = &b->v[i];
		const struct hub_ward_status *s = &x->w;

		json_w_object(&w);
		json_w_key_str(&w, "ward", s->code);
		json_w_key_str(&w, "name", s->name);
		cli_json_key_time(&w, "enrolled_at", s->enrolled_at);
		json_w_key_int(&w, "batches", s->batches);
		json_w_key_int(&w, "last_batch", s->last_seq);
		json_w_key_int(&w, "last_entry", s->last_entry);
		json_w_key_str(&w, "head", s->head);
		cli_json_key_time(&w, "last_batch_at", s->last_batch_at);
		cli_json_key_time(&w, "last_seen", s->last_seen);
		json_w_key_bool(&w, "silent", s->silent);
		json_w_key_str(&w, "status", hubbook_status_name(x->m.status));
		month_jw(&w, &x->m);
		json_w_key_bool(&w, "finding", x->finding);
		json_w_end_object(&w);
	}
	json_w_end_array(&w);
	json_w_key_int(&w, "silent", b->silent);
	json_w_key(&w, "city");
	json_w_object(&w);
	json_w_key_int(&w, "wards", (long long)b->n);
	for (int s = 0; s < HUBBOOK_STATUS_COUNT; s++)
		json_w_key_int(&w, hubbook_status_name((enum hubbook_status)s),
			       b->by_status[s]);
	month_jw(&w, &b->city);
	json_w_key_int(&w, "silent", b->silent);
	json_w_key_int(&w, "findings", b->findings);
	json_w_end_object(&w);
	json_w_end_object(&w);
	return cli_json_done(&w, rc);
}

static void csv_num(FILE *f, int64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%lld", (long long)v);
	csv_field(f, 0, s);
}

static void csv_row(FILE *f, const char *scope, const char *month,
		    const char *ward, const char *name, const char *status,
		    const struct hubbook_month *m, const char *seen,
		    const char *silent)
{
	csv_field(f, 1, scope);
	csv_field(f, 0, month);
	csv_field(f, 0, ward);
	csv_field(f, 0, name);
	csv_field(f, 0, status);
	csv_num(f, m->counts);
	csv_num(f, m->closed);
	csv_num(f, m->found);
	csv_num(f, m->open_counts);
	csv_num(f, m->open_disc);
	csv_num(f, m->lost);
	csv_num(f, m->lost_month);
	csv_num(f, m->disposed);
	csv_field(f, 0, seen);
	csv_field(f, 0, silent);
	fputs("\r\n", f);
}

/* The stable columns of --format csv: one row per ward, then the city's
 * (scope "city", its silent column the number of silent wards). */
static const char *const csv_header[] = {
    "scope",	   "month",
    "ward",	   "name",
    "status",	   "counts",
    "closed",	   "discrepancies_resolved",
    "open_counts", "open_discrepancies",
    "lost",	   "lost_this_month",
    "disposed",	   "last_sync",
    "silent",
};

static void print_csv(const struct wf_hub_book *b, FILE *f)
{
	char t[TIME_ISO_BUF], n[24];

	for (size_t i = 0; i < sizeof(csv_header) / sizeof(csv_header[0]); i++)
		csv_field(f, i == 0, csv_header[i]);
	fputs("\r\n", f);
	for (size_t i = 0; i < b->n; i++) {
		const struct wf_hub_ward *x = &b->v[i];

		t[0] = '\0';
		if (x->w.last_seen)
			cli_time_iso(x->w.last_seen, t);
		csv_row(f, "ward", b->month, x->w.code, x->w.name,
			hubbook_status_name(x->m.status), &x->m, t,
			x->w.silent ? "1" : "0");
	}
	snprintf(n, sizeof(n), "%lld", (long long)b->silent);
	csv_row(f, "city", b->month, "", "", "", &b->city, "", n);
}

static void print_month(const struct hubbook_month *m)
{
	printf(_("  record book: %s; counts begun %lld, closed %lld; "
		 "discrepancies resolved %lld\n"),
	       status_text(m->status), (long long)m->counts,
	       (long long)m->closed, (long long)m->found);
	printf(_("  open counts %lld with %lld open discrepancies; lost cards "
		 "%lld (%lld this month); disposed this month %lld\n"),
	       (long long)m->open_counts, (long long)m->open_disc,
	       (long long)m->lost, (long long)m->lost_month,
	       (long long)m->disposed);
}

static void print_text(const struct wf_hub_book *b)
{
	char t[TIME_ISO_BUF];

	printf(_("Record books of %s at the hub\n"), b->month);
	for (size_t i = 0; i < b->n; i++) {
		const struct wf_hub_ward *x = &b->v[i];
		const struct hub_ward_status *s = &x->w;

		printf("%s", cli_text(s->code));
		if (s->name[0])
			printf(" (%s)", cli_text(s->name));
		printf(_(": %lld batches, audit entries 1-%lld, head %s\n"),
		       (long long)s->batches, (long long)s->last_entry,
		       s->head);
		if (s->last_seen) {
			cli_time_iso(s->last_seen, t);
			printf(_("  last sync %s%s\n"), t,
			       s->silent ? _(": SILENT") : "");
		} else {
			printf(_("  never synced%s\n"),
			       s->silent ? _(": SILENT") : "");
		}
		print_month(&x->m);
	}
	printf(_("City: %lld wards; counted %lld, late %lld, not counted "
		 "%lld, counting %lld\n"),
	       (long long)b->n, (long long)b->by_status[HUBBOOK_COUNTED],
	       (long long)b->by_status[HUBBOOK_LATE],
	       (long long)b->by_status[HUBBOOK_NOT_COUNTED],
	       (long long)b->by_status[HUBBOOK_COUNTING]);
	printf(_("  open counts %lld with %lld open discrepancies; lost cards "
		 "%lld (%lld this month); disposed this month %lld\n"),
	       (long long)b->city.open_counts, (long long)b->city.open_disc,
	       (long long)b->city.lost, (long long)b->city.lost_month,
	       (long long)b->city.disposed);
	printf(_("%lld wards silent for more than %d days; %lld wards need "
		 "attention\n"),
	       (long long)b->silent, b->silent_days, (long long)b->findings);
}

static int parse_format(struct cli *c, enum hub_fmt *fmt)
{
	const char *f = cli_opt(c, "format");

	*fmt = c->json ? HUB_JSON : HUB_TEXT;
	if (!f)
		;
	else if (strcmp(f, "text") == 0 && !c->json)
		*fmt = HUB_TEXT;
	else if (strcmp(f, "json") == 0)
		*fmt = HUB_JSON;
	else if (strcmp(f, "csv") == 0 && !c->json)
		*fmt = HUB_CSV;
	else if (strcmp(f, "pdf") == 0 && !c->json)
		*fmt = HUB_PDF;
	else
		return cli_usage(c,
				 "--format is text, csv, json or pdf, not "
				 "'%s'%s",
				 f, c->json ? " (with --json)" : "");
	if (*fmt != HUB_PDF && cli_opt(c, "output"))
		return cli_usage(c, "--output is for --format pdf");
	return *fmt == HUB_PDF ? cli_pdf_target(c) : 0;
}

static int exec_hub_report(struct cli *c, struct ledger *l)
{
	const char *days = cli_opt(c, "silent-days");
	const char *month = cli_opt(c, "month"), *ward = cli_opt(c, "ward");
	const char *hub;
	struct wf_hub_book b;
	struct config conf;
	struct wf_err e;
	enum hub_fmt fmt;
	long n = 7;
	int rc;

	(void)l;
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (days) {
		char *end;

		n = strtol(days, &end, 10);
		if (!*days || *end || n < 1 || n > 3650)
			return cli_usage(
			    c, "--silent-days takes 1-3650, not '%s'", days);
	}
	rc = parse_format(c, &fmt);
	if (rc == 0)
		rc = config_load(&conf);
	if (rc)
		return rc;
	hub = cli_opt(c, "hub") ? cli_opt(c, "hub") : conf.hub;
	if (wf_hub_book(hub, month, ward, cli_now(), (int)n, &b, &e))
		return cli_fail(&e);
	rc = b.findings ? EXIT_FOUND : EXIT_OK;
	switch (fmt) {
	case HUB_JSON:
		rc = print_json(&b, rc);
		break;
	case HUB_CSV: {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int w;

		if (!f) {
			wf_hub_book_free(&b);
			return cli_error(EXIT_SOFTWARE, "out of memory");
		}
		print_csv(&b, f);
		fclose(f);
		w = book_write(stdout, buf, len, ENC_UTF8, 1,
			       "the city-wide report");
		free(buf);
		if (w)
			rc = w;
		break;
	}
	case HUB_PDF: {
		struct pdf_meta m;
		int w;

		cli_pdf_meta(&conf, &m);
		w = cli_pdf_emit(c, pdf_hub(&b, &m), "the city-wide report");
		if (w)
			rc = w;
		break;
	}
	default:
		print_text(&b);
	}
	wf_hub_book_free(&b);
	return rc;
}

static const char *const report_options[] = {
    "hub", "silent-days", "month", "ward", "format", "output", NULL};

const struct cmd_entry cmd_hub_report_entry = {
    .name = "hub report",
    .usage = "[--month YYYY-MM] [--ward CODE] [--silent-days N] "
	     "[--format text|csv|json|pdf] [--output FILE] [--hub CONNINFO] "
	     "[--json]",
    .help = N_("per ward and for the city: the month's record books (counted, "
	    "late, not counted), open discrepancies, lost cards, disposals "
	    "and silent wards"),
    .options = report_options,
    .exec = exec_hub_report,
};
