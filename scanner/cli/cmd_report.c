/*
 * The reports an office files (R8, R10, R23): `report record-book` lists
 * every count of a month, range by range (who counted it, when, what was
 * expected and seen) with each discrepancy and its resolution, as text, CSV
 * for Excel (UTF-8 with a BOM, or CP932) or JSON; `report incident` lists
 * the cards a count found missing and nobody found since, with what the
 * ledger knows about when and around whom they went missing: the last
 * sighting, the loss window up to the count, custody events, the people
 * who handled the card or counted its range, and the openings of the safe
 * in that window.  Read-only: they need no person.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../workflow/config.h"
#include "cli_pdf.h"
#include "book.h"
#include "report.h"

/* ---- shared ---- */

/* Local "YYYY-MM-DD HH:MM:SS", the form Excel reads as a date and time;
 * "" for 0. */
static void local_time(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;

	out[0] = '\0';
	if (t && localtime_r(&tt, &tm))
		strftime(out, 24, "%Y-%m-%d %H:%M:%S", &tm);
}

static void iso_or_empty(int64_t t, char out[TIME_ISO_BUF])
{
	out[0] = '\0';
	if (t)
		cli_time_iso(t, out);
}

/* Replaces the 0x1f separators of a ledger list with ", ". */
static void list_text(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s && o + 3 < cap; s++) {
		if (*s == '\x1f') {
			out[o++] = ',';
			out[o++] = ' ';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

/* A 0x1f-separated list as a JSON array of strings. */
static void list_json(struct json_w *w, const char *s)
{
	json_w_array(w);
	while (*s) {
		size_t n = strcspn(s, "\x1f");

		json_w_strn(w, s, n);
		s += n;
		if (*s)
			s++;
	}
	json_w_end_array(w);
}

/* A number of the record book as a member of w, null for none (-1). */
static void key_num(struct json_w *w, const char *key, int64_t v)
{
	if (v >= 0)
		json_w_key_int(w, key, v);
	else
		json_w_key_null(w, key);
}

/* ---- the record book ---- */

struct book_out {
	FILE *f;
	enum book_format fmt;
	struct json_w *jw; /* FMT_JSON: the writer on f */
	const struct book_count *c;
};

static const char *const csv_header[] = {
    "record",	     "count",	       "kind",	       "recount_of",
    "plan",	     "count_started",  "count_closed", "closed_by",
    "witness",	     "range",	       "staff",	       "staff_name",
    "range_started", "range_ended",    "expected",     "seen",
    "in_place",	     "discrepancy",    "mgmt_id",      "serial",
    "location",	     "found_location", "resolution",   "resolved_by",
    "resolved_at",   "note",	       NULL,
};

/* The columns every CSV row of a count repeats (record .. witness). */
static void csv_count_cols(FILE *f, const char *record,
			   const struct book_count *c)
{
	char num[24], of[24], a[24], b[24];

	snprintf(num, sizeof(num), "%lld", (long long)c->id);
	of[0] = '\0';
	if (c->recount_of)
		snprintf(of, sizeof(of), "%lld", (long long)c->recount_of);
	local_time(c->started_at, a);
	local_time(c->closed_at, b);
	csv_field(f, 1, record);
	csv_field(f, 0, num);
	csv_field(f, 0, session_kind_name(c->kind));
	csv_field(f, 0, of);
	csv_field(f, 0, ""); /* plan: the planner's, not recorded yet */
	csv_field(f, 0, a);
	csv_field(f, 0, b);
	csv_field(f, 0, c->closed_by);
	csv_field(f, 0, c->witness);
}

static void num_or_empty(int64_t v, char out[24])
{
	out[0] = '\0';
	if (v >= 0)
		snprintf(out, 24, "%lld", (long long)v);
}

static void book_range_out(struct book_out *o, const struct wf_book_range *r)
{
	FILE *f = o->f;
	char codes[512], names[1024], a[TIME_ISO_BUF], b[TIME_ISO_BUF];
	char e[24], s[24], p[24];

	list_text(r->counted_by[0] ? r->counted_by : r->assignee, codes,
		  sizeof(codes));
	list_text(r->counted_names, names, sizeof(names));
	num_or_empty(r->expected, e);
	num_or_empty(r->seen, s);
	num_or_empty(r->in_place, p);
	switch (o->fmt) {
	case FMT_CSV:
		csv_count_cols(f, "range", o->c);
		local_time(r->started_at, a);
		local_time(r->ended_at, b);
		csv_field(f, 0, r->path);
		csv_field(f, 0, codes);
		csv_field(f, 0, names);
		csv_field(f, 0, a);
		csv_field(f, 0, b);
		csv_field(f, 0, e);
		csv_field(f, 0, s);
		csv_field(f, 0, p);
		for (int i = 0; i < 9; i++)
			csv_field(f, 0, "");
		fputs("\r\n", f);
		break;
	case FMT_JSON:
		json_w_object(o->jw);
		json_w_key_str(o->jw, "range", r->path);
		json_w_key_opt_str(o->jw, "assignee", r->assignee);
		json_w_key(o->jw, "counted_by");
		list_json(o->jw, r->counted_by);
		json_w_key(o->jw, "counted_by_names");
		list_json(o->jw, r->counted_names);
		cli_json_key_time(o->jw, "started_at", r->started_at);
		cli_json_key_time(o->jw, "ended_at", r->ended_at);
		key_num(o->jw, "expected", r->expected);
		key_num(o->jw, "seen", r->seen);
		key_num(o->jw, "in_place", r->in_place);
		json_w_end_object(o->jw);
		break;
	case FMT_TEXT:
		iso_or_empty(r->started_at, a);
		iso_or_empty(r->ended_at, b);
		fprintf(f, "  %s  ", cli_text(r->path));
		fprintf(f, _("counted by %s"), codes[0] ? codes : _("nobody"));
		fprintf(f, "%s%s%s\n", names[0] ? " (" : "", cli_text(names),
			names[0] ? ")" : "");
		if (r->started_at)
			fprintf(f, "      %s - %s\n", a, b[0] ? b : "...");
		if (r->expected >= 0) {
			fputs("      ", f);
			fprintf(f, _("expected %s  seen %s  in place %s"), e,
				s, p);
			fputc('\n', f);
		} else {
			fprintf(f, "      %s\n",
				_("results stored when the count closes"));
		}
		break;
	}
}

static void book_disc_out(struct book_out *o, const struct disc_item *it)
{
	FILE *f = o->f;
	char at[TIME_ISO_BUF];

	switch (o->fmt) {
	case FMT_CSV:
		csv_count_cols(f, "discrepancy", o->c);
		for (int i = 0; i < 8; i++)
			csv_field(f, 0, "");
		local_time(it->resolved ? it->res.at : 0, at);
		csv_field(f, 0, recon_disc_name(it->kind));
		csv_field(f, 0, it->mgmt_id);
		csv_field(f, 0, it->serial);
		csv_field(f, 0, it->location);
		csv_field(f, 0, it->found);
		csv_field(f, 0, it->resolved ? it->res.reason : "");
		csv_field(f, 0, it->resolved ? it->res.by : "");
		csv_field(f, 0, at);
		csv_field(f, 0, it->resolved ? it->res.note : "");
		fputs("\r\n", f);
		break;
	case FMT_JSON:
		book_item_jw(o->jw, it);
		break;
	case FMT_TEXT:
		fprintf(f, "    %s %-12s %s%s%s\n",
			cli_pad(cli_code(recon_disc_name(it->kind)), 12),
			it->mgmt_id[0] ? it->mgmt_id : it->serial,
			it->location[0] ? cli_text(it->location) : "-",
			it->found[0] ? " -> " : "", cli_text(it->found));
		if (it->resolved) {
			cli_time_iso(it->res.at, at);
			fputs("      ", f);
			fprintf(f, _("%s by %s at %s"),
				cli_text(cli_code(it->res.reason)),
				it->res.by, at);
			fputc('\n', f);
			if (it->res.note[0]) {
				fprintf(f, "      %s: ", _("note"));
				book_oneline(f, it->res.note);
				fputc('\n', f);
			}
		} else {
			fprintf(f, "      %s\n", _("open: no resolution yet"));
		}
		break;
	}
}

static void book_count_out(struct book_out *o, const struct wf_book_count *w)
{
	const struct book_count *c = &w->c;
	FILE *f = o->f;
	char a[TIME_ISO_BUF], b[TIME_ISO_BUF];

	o->c = c;
	iso_or_empty(c->started_at, a);
	iso_or_empty(c->closed_at, b);
	if (o->fmt == FMT_JSON) {
		json_w_object(o->jw);
		json_w_key_int(o->jw, "session", c->id);
		json_w_key_str(o->jw, "kind", session_kind_name(c->kind));
		key_num(o->jw, "recount_of",
			c->recount_of ? c->recount_of : -1);
		json_w_key_null(o->jw, "plan");
		cli_json_key_time(o->jw, "started_at", c->started_at);
		json_w_key_str(o->jw, "started_by", c->started_by);
		cli_json_key_time(o->jw, "closed_at", c->closed_at);
		json_w_key_opt_str(o->jw, "closed_by", c->closed_by);
		json_w_key_opt_str(o->jw, "witness", c->witness);
		json_w_key(o->jw, "ranges");
		json_w_array(o->jw);
	} else if (o->fmt == FMT_TEXT) {
		fputc('\n', f);
		if (c->recount_of)
			fprintf(f, _("Count %lld (%s, recount of count %lld)"),
				(long long)c->id,
				cli_code(session_kind_name(c->kind)),
				(long long)c->recount_of);
		else
			fprintf(f, _("Count %lld (%s)"), (long long)c->id,
				cli_code(session_kind_name(c->kind)));
		fprintf(f, "  %s: -\n  ", _("plan"));
		fprintf(f, _("begun %s by %s"), a, c->started_by);
		fputc('\n', f);
		if (c->closed_at) {
			fputs("  ", f);
			fprintf(f, _("closed %s by %s"), b, c->closed_by);
			if (c->witness[0]) {
				/* TRANSLATORS: between the parts of a line. */
				fputs(_(", "), f);
				fprintf(f, _("witness %s"), c->witness);
			}
			fputc('\n', f);
		} else {
			fprintf(f, "  %s\n", _("still open"));
		}
	}
	for (size_t i = 0; i < w->nranges; i++)
		book_range_out(o, &w->ranges[i]);
	if (o->fmt == FMT_JSON) {
		json_w_end_array(o->jw);
		json_w_key(o->jw, "discrepancies");
		json_w_array(o->jw);
	} else if (o->fmt == FMT_TEXT) {
		fputs("  ", f);
		fprintf(f, _("discrepancies: %zu, %zu without a resolution"),
			w->disc.n, w->disc.unresolved);
		fputc('\n', f);
	}
	for (size_t i = 0; i < w->disc.n; i++)
		book_disc_out(o, &w->disc.v[i]);
	if (o->fmt == FMT_JSON) {
		json_w_end_array(o->jw);
		json_w_key_uint(o->jw, "unresolved", w->disc.unresolved);
		json_w_end_object(o->jw);
	}
}

int report_book_print(const struct wf_book *b, enum book_format fmt, FILE *f)
{
	struct json_w jw;
	struct book_out o = {.f = f, .fmt = fmt, .jw = &jw};

	json_w_init(&jw, f);
	if (o.fmt == FMT_CSV) {
		for (int i = 0; csv_header[i]; i++)
			csv_field(o.f, i == 0, csv_header[i]);
		fputs("\r\n", o.f);
	} else if (o.fmt == FMT_JSON) {
		json_w_object(&jw);
		json_w_key_str(&jw, "month", b->month);
		json_w_key(&jw, "counts");
		json_w_array(&jw);
	} else {
		fprintf(o.f,
			ngettext("Record book %s: %zu count begun this month",
				 "Record book %s: %zu counts begun this month",
				 b->ncounts),
			b->month, b->ncounts);
		fputc('\n', o.f);
	}
	for (size_t i = 0; i < b->ncounts; i++)
		book_count_out(&o, &b->counts[i]);
	if (o.fmt != FMT_JSON)
		return EXIT_OK;
	json_w_end_array(&jw);
	json_w_end_object(&jw);
	return cli_json_done(&jw, EXIT_OK);
}

/* The record book on paper, with its 12-month trend. */
static int record_book_pdf(struct cli *c, struct ledger *l, const char *month)
{
	struct wf_book_trend trend;
	struct pdf_meta m;
	struct config conf;
	struct wf_book b;
	struct wf_err e;
	int rc;

	if (c->json)
		return cli_usage(c, "--format pdf and --json exclude each "
				    "other");
	if (cli_opt(c, "encoding"))
		return cli_usage(c, "--encoding is for text and csv");
	rc = cli_pdf_target(c);
	if (rc == 0)
		rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_book(l, month, cli_now(), &conf.rules, &b, &e))
		return cli_fail(&e);
	if (wf_book_trend(l, month, cli_now(), &conf.rules, &trend, &e)) {
		wf_book_free(&b);
		return cli_fail(&e);
	}
	cli_pdf_meta(&conf, &m);
	rc = cli_pdf_emit(c, pdf_book(&b, &trend, &m), "the record book");
	wf_book_free(&b);
	return rc;
}

static int exec_record_book(struct cli *c, struct ledger *l)
{
	const char *month = cli_opt(c, "month");
	const char *fmt_s = cli_opt(c, "format");
	const char *enc_s = cli_opt(c, "encoding");
	enum book_format fmt;
	enum book_encoding enc = ENC_UTF8;
	struct config conf;
	struct wf_book b;
	struct wf_err e;
	int64_t from, to;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!month)
		return cli_usage(c, "--month YYYY-MM is required");
	if (wf_month_bounds(month, &from, &to) < 0)
		return cli_usage(c, "--month takes YYYY-MM, not '%s'", month);
	if (fmt_s && strcmp(fmt_s, "pdf") == 0) {
		if (c->json)
			return cli_usage(c, "--json or --format pdf, not both");
		return record_book_pdf(c, l, month);
	}
	if (cli_opt(c, "output"))
		return cli_usage(c, "--output is for --format pdf");
	fmt = c->json ? FMT_JSON : FMT_TEXT;
	if (fmt_s && strcmp(fmt_s, "text") == 0 && !c->json)
		fmt = FMT_TEXT;
	else if (fmt_s && strcmp(fmt_s, "csv") == 0 && !c->json)
		fmt = FMT_CSV;
	else if (fmt_s && strcmp(fmt_s, "json") == 0)
		fmt = FMT_JSON;
	else if (fmt_s)
		return cli_usage(c,
				 "--format is text, csv, json or pdf, not "
				 "'%s'%s",
				 fmt_s, c->json ? " (with --json)" : "");
	if (enc_s && strcmp(enc_s, "cp932") == 0)
		enc = ENC_CP932;
	else if (enc_s && strcmp(enc_s, "utf-8") != 0)
		return cli_usage(c, "--encoding is utf-8 or cp932, not '%s'",
				 enc_s);
	if (enc == ENC_CP932 && fmt == FMT_JSON)
		return cli_usage(c, "JSON is UTF-8: --encoding cp932 is for "
				    "text and csv");
	/* The whole report is made first, so that a character CP932 cannot
	 * hold stops it before any of it is written. */
	rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_book(l, month, cli_now(), &conf.rules, &b, &e))
		return cli_fail(&e);
	f = open_memstream(&buf, &len);
	if (!f) {
		wf_book_free(&b);
		return cli_error(EXIT_SOFTWARE, "out of memory");
	}
	rc = report_book_print(&b, fmt, f);
	wf_book_free(&b);
	fclose(f);
	if (rc == 0)
		rc = book_write(stdout, buf, len, enc,
				enc == ENC_UTF8 && fmt == FMT_CSV,
				"the record book");
	free(buf);
	return rc;
}

static const char *const record_book_options[] = {"month", "format", "encoding",
						  "output", NULL};

const struct cmd_entry cmd_report_record_book_entry = {
    .name = "report record-book",
    .usage = "--month YYYY-MM [--json | --format text|csv|json|pdf] "
	     "[--encoding utf-8|cp932] [--output FILE]",
    .help = N_("every count of a month: ranges, who, when, results, "
	    "discrepancies and resolutions"),
    .options = record_book_options,
    .needs_db = 1,
    .exec = exec_record_book,
};

/* ---- the incident report ---- */

static void incident_event(FILE *f, struct json_w *w,
			   const struct wf_custody_event *e)
{
	char at[TIME_ISO_BUF];

	if (w) {
		json_w_object(w);
		cli_json_key_time(w, "at", e->at);
		json_w_key_str(w, "kind", e->kind);
		json_w_key_opt_str(w, "by", e->by);
		json_w_key_opt_str(w, "from", e->from);
		json_w_key_opt_str(w, "to", e->to);
		json_w_end_object(w);
		return;
	}
	cli_time_iso(e->at, at);
	fprintf(f, "    %s ", at);
	fprintf(f, _("%s by %s"), cli_code(e->kind),
		e->by[0] ? e->by : "?");
	fprintf(f, "%s%s%s%s\n", e->from[0] ? ", " : "", e->from,
		e->to[0] ? " -> " : "", e->to);
}

static void incident_opening(FILE *f, struct json_w *w,
			     const struct key_opening_rec *o)
{
	char a[TIME_ISO_BUF], b[TIME_ISO_BUF];

	if (w) {
		json_w_object(w);
		json_w_key_int(w, "id", o->id);
		cli_json_key_time(w, "opened_at", o->opened_at);
		json_w_key_str(w, "opened_by", o->opened_by);
		json_w_key_str(w, "approved_by", o->approved_by);
		json_w_key_str(w, "purpose", o->purpose);
		cli_json_key_time(w, "closed_at", o->closed_at);
		json_w_key_opt_str(w, "closed_by", o->closed_by);
		json_w_end_object(w);
		return;
	}
	cli_time_iso(o->opened_at, a);
	iso_or_empty(o->closed_at, b);
	fputs("    ", f);
	fprintf(f, _("%s by %s, approved by %s"), a, o->opened_by,
		o->approved_by);
	fputs("\n      ", f);
	fprintf(f, _("closed %s; purpose: %s"), b[0] ? b : _("never"),
		cli_text(o->purpose));
	fputc('\n', f);
}

static void incident_person(FILE *f, struct json_w *w,
			    const struct wf_person *p)
{
	if (w) {
		json_w_object(w);
		json_w_key_str(w, "staff", p->code);
		json_w_key_opt_str(w, "name", p->name);
		json_w_key(w, "roles");
		json_w_array(w);
		if (p->roles & WF_PERSON_HANDLED)
			json_w_str(w, "handled");
		if (p->roles & WF_PERSON_COUNTED)
			json_w_str(w, "counted_range");
		json_w_end_array(w);
		json_w_end_object(w);
		return;
	}
	fprintf(f, "    %-10s %s%s", p->code, cli_text(p->name),
		p->name[0] ? ": " : "");
	if (p->roles & WF_PERSON_HANDLED)
		fprintf(f, "%s ", _("handled it"));
	if (p->roles & WF_PERSON_COUNTED)
		fputs(_("counted its range"), f);
	fputc('\n', f);
}

static void incident_card(FILE *f, struct json_w *w,
			  const struct wf_incident_card *k)
{
	const struct disc_item *it = &k->it;
	const struct sighting *ls = &k->last_seen;
	const char *name = k->last_seen_name;
	char a[TIME_ISO_BUF], b[TIME_ISO_BUF], at[TIME_ISO_BUF];

	cli_time_iso(k->from, a);
	cli_time_iso(k->to, b);
	if (w) {
		json_w_object(w);
		json_w_key_str(w, "mgmt_id", it->mgmt_id);
		json_w_key_str(w, "serial", it->serial);
		json_w_key_str(w, "home", it->location);
		json_w_key_str(w, "status", card_status_name(k->status));
		json_w_key(w, "resolution");
		book_resolution_jw(w, it->resolved ? &it->res : NULL);
		json_w_key(w, "last_seen");
		if (ls->at) {
			json_w_object(w);
			cli_json_key_time(w, "at", ls->at);
			json_w_key_opt_str(w, "location", ls->location);
			json_w_key_opt_str(w, "by", ls->by);
			json_w_key_opt_str(w, "by_name", name);
			json_w_key_str(w, "what", ls->what);
			json_w_end_object(w);
		} else {
			json_w_null(w);
		}
		json_w_key(w, "window");
		json_w_object(w);
		json_w_key_str(w, "from", a);
		json_w_key_str(w, "to", b);
		json_w_key_str(w, "from_is",
			       k->from_last_seen ? "last_seen" : "received");
		json_w_end_object(w);
		json_w_key(w, "custody_events");
		json_w_array(w);
	} else {
		fputc('\n', f);
		fprintf(f, _("%s  serial %s  home %s  ledger: %s"),
			it->mgmt_id, it->serial, cli_text(it->location),
			cli_code(card_status_name(k->status)));
		fputc('\n', f);
		if (it->resolved) {
			cli_time_iso(it->res.at, at);
			fprintf(f, "  %s", cli_pad(_("resolution"), 12));
			fprintf(f, _("%s by %s at %s"),
				cli_text(cli_code(it->res.reason)),
				it->res.by, at);
			fputc('\n', f);
			if (it->res.note[0]) {
				fprintf(f, "  %s", cli_pad(_("note"), 12));
				book_oneline(f, it->res.note);
				fputc('\n', f);
			}
		} else {
			fprintf(f, "  %s%s\n", cli_pad(_("resolution"), 12),
				_("none yet"));
		}
		if (ls->at) {
			cli_time_iso(ls->at, at);
			fprintf(f, "  %s", cli_pad(_("last seen"), 12));
			fprintf(f, _("%s at %s"), at,
				ls->location[0] ? cli_text(ls->location) : "?");
			fputs("\n              ", f);
			fprintf(f, _("by %s"), ls->by[0] ? ls->by : "?");
			fprintf(f, "%s%s%s, %s\n", name[0] ? " (" : "",
				cli_text(name), name[0] ? ")" : "",
				cli_text(cli_code(ls->what)));
		} else {
			fprintf(f, "  %s%s\n", cli_pad(_("last seen"), 12),
				_("never since the stock list import"));
		}
		fprintf(f, "  %s%s\n           -> %s\n",
			cli_pad(_("window"), 12), a, b);
		fprintf(f, "  %s:\n", _("custody events in the window"));
	}
	for (size_t i = 0; i < k->nevents; i++)
		incident_event(f, w, &k->events[i]);
	if (w) {
		json_w_end_array(w);
		json_w_key(w, "people");
		json_w_array(w);
	} else {
		if (!k->nevents)
			fprintf(f, "    %s\n", _("none"));
		fprintf(f, "  %s:\n", _("people"));
	}
	for (size_t i = 0; i < k->npeople; i++)
		incident_person(f, w, &k->people[i]);
	if (w) {
		json_w_end_array(w);
		json_w_key(w, "key_openings");
		json_w_array(w);
	} else {
		if (k->npeople == 0)
			fprintf(f, "    %s\n", _("none recorded"));
		fprintf(f, "  %s:\n", _("safe opened in the window"));
	}
	for (size_t i = 0; i < k->nopenings; i++)
		incident_opening(f, w, &k->openings[i]);
	if (w) {
		json_w_end_array(w);
		json_w_end_object(w);
	} else if (!k->nopenings) {
		fprintf(f, "    %s\n", _("never (per the key log)"));
	}
}

int report_incident_print(const struct wf_incident *in, int json, FILE *f)
{
	const struct session_rec *s = &in->sess;
	char at[TIME_ISO_BUF];
	struct json_w jw;
	struct json_w *w = json ? &jw : NULL;

	json_w_init(&jw, f);
	cli_time_iso(s->started_at, at);
	if (w) {
		json_w_object(w);
		json_w_key_int(w, "session", s->id);
		json_w_key_str(w, "kind", session_kind_name(s->kind));
		json_w_key_str(w, "started_at", at);
		json_w_key_bool(w, "closed", s->closed_at != 0);
		json_w_key_uint(w, "affected", in->ncards);
		json_w_key(w, "cards");
		json_w_array(w);
	} else {
		fprintf(f, _("Incident report, count %lld (%s) begun %s"),
			(long long)s->id,
			cli_code(session_kind_name(s->kind)), at);
		fputc('\n', f);
		fprintf(f,
			ngettext("%zu card missing and not found since (the "
				 "applicants to contact)",
				 "%zu cards missing and not found since (the "
				 "applicants to contact)",
				 in->ncards),
			in->ncards);
		fputc('\n', f);
	}
	for (size_t i = 0; i < in->ncards; i++)
		incident_card(f, w, &in->cards[i]);
	if (!w)
		return EXIT_OK;
	json_w_end_array(w);
	json_w_end_object(w);
	return cli_json_done(w, EXIT_OK);
}

static int exec_incident(struct cli *c, struct ledger *l)
{
	const char *count_s = cli_opt(c, "count");
	struct wf_incident in;
	struct config conf;
	struct wf_err e;
	int64_t id;
	int rc, pdf;

	if (!count_s)
		return cli_usage(c, "--count ID is required");
	rc = cli_pdf_format(c, &pdf);
	if (rc)
		return rc;
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_session_id(c, count_s, &id);
	if (rc == 0)
		rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_incident(l, id, cli_now(), &conf.rules, &in, &e))
		return cli_fail(&e);
	if (pdf) {
		struct pdf_meta m;

		cli_pdf_meta(&conf, &m);
		rc = cli_pdf_emit(c, pdf_incident(&in, &m),
				  "the incident report");
	} else {
		rc = report_incident_print(&in, c->json, stdout);
	}
	wf_incident_free(&in);
	return rc;
}

static const char *const incident_options[] = {"count", "format", "output",
					       NULL};

const struct cmd_entry cmd_report_incident_entry = {
    .name = "report incident",
    .usage = "--count ID [--json | --format text|pdf [--output FILE]]",
    .help = N_("missing cards of a count with their last sighting, loss "
	    "window, custody events, people and openings of the safe"),
    .options = incident_options,
    .needs_db = 1,
    .exec = exec_incident,
};
