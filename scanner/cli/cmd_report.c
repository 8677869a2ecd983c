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
static void list_json(FILE *f, const char *s)
{
	char item[NAME_MAX_BYTES + 1];
	int first = 1;

	fputc('[', f);
	while (*s) {
		size_t n = strcspn(s, "\x1f");

		snprintf(item, sizeof(item), "%.*s", (int)n, s);
		fputs(first ? "" : ",", f);
		json_str(f, item);
		first = 0;
		s += n;
		if (*s)
			s++;
	}
	fputc(']', f);
}

/* ---- the record book ---- */

struct count_list {
	struct book_count *v;
	size_t n;
};

static int collect_count(void *ctx, const struct book_count *c)
{
	struct count_list *cl = ctx;
	struct book_count *p = realloc(cl->v, (cl->n + 1) * sizeof(*p));

	if (!p)
		return LEDGER_ERR_NOMEM;
	cl->v = p;
	cl->v[cl->n++] = *c;
	return 0;
}

struct book_out {
	FILE *f;
	enum book_format fmt;
	const struct book_count *c;
	int first; /* JSON: no comma before the next element */
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

static int book_range_out(void *ctx, const struct book_range *r)
{
	struct book_out *o = ctx;
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
		fputs(o->first ? "{\"range\":" : ",{\"range\":", f);
		o->first = 0;
		json_str(f, r->path);
		fputs(",\"assignee\":", f);
		json_str_or_null(f, r->assignee);
		fputs(",\"counted_by\":", f);
		list_json(f, r->counted_by);
		fputs(",\"counted_by_names\":", f);
		list_json(f, r->counted_names);
		fputs(",\"started_at\":", f);
		json_time(f, r->started_at);
		fputs(",\"ended_at\":", f);
		json_time(f, r->ended_at);
		fprintf(f, ",\"expected\":%s,\"seen\":%s,\"in_place\":%s}",
			e[0] ? e : "null", s[0] ? s : "null",
			p[0] ? p : "null");
		break;
	case FMT_TEXT:
		iso_or_empty(r->started_at, a);
		iso_or_empty(r->ended_at, b);
		fprintf(f, "  %s  counted by %s%s%s%s\n", r->path,
			codes[0] ? codes : "nobody", names[0] ? " (" : "",
			names, names[0] ? ")" : "");
		if (r->started_at)
			fprintf(f, "      %s - %s\n", a, b[0] ? b : "...");
		if (r->expected >= 0)
			fprintf(f, "      expected %s  seen %s  in place %s\n",
				e, s, p);
		else
			fputs("      results stored when the count closes\n",
			      f);
		break;
	}
	return 0;
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
		fputs(o->first ? "" : ",", f);
		o->first = 0;
		book_item_json(f, it);
		break;
	case FMT_TEXT:
		fprintf(f, "    %-12s %-12s %s%s%s\n",
			recon_disc_name(it->kind),
			it->mgmt_id[0] ? it->mgmt_id : it->serial,
			it->location[0] ? it->location : "-",
			it->found[0] ? " -> " : "", it->found);
		if (it->resolved) {
			cli_time_iso(it->res.at, at);
			fprintf(f, "      %s by %s at %s\n", it->res.reason,
				it->res.by, at);
			if (it->res.note[0]) {
				fputs("      note: ", f);
				book_oneline(f, it->res.note);
				fputc('\n', f);
			}
		} else {
			fputs("      open: no resolution yet\n", f);
		}
		break;
	}
}

static int book_count_out(struct ledger *l, struct book_out *o,
			  const struct book_count *c, int first)
{
	FILE *f = o->f;
	struct disc_list d;
	char a[TIME_ISO_BUF], b[TIME_ISO_BUF];
	int rc = book_discrepancies(l, c->id, &d);

	if (rc)
		return rc;
	o->c = c;
	iso_or_empty(c->started_at, a);
	iso_or_empty(c->closed_at, b);
	if (o->fmt == FMT_JSON) {
		fprintf(f,
			"%s{\"session\":%lld,\"kind\":\"%s\",\"recount_of\":",
			first ? "" : ",", (long long)c->id,
			session_kind_name(c->kind));
		if (c->recount_of)
			fprintf(f, "%lld", (long long)c->recount_of);
		else
			fputs("null", f);
		fputs(",\"plan\":null,\"started_at\":", f);
		json_time(f, c->started_at);
		fputs(",\"started_by\":", f);
		json_str(f, c->started_by);
		fputs(",\"closed_at\":", f);
		json_time(f, c->closed_at);
		fputs(",\"closed_by\":", f);
		json_str_or_null(f, c->closed_by);
		fputs(",\"witness\":", f);
		json_str_or_null(f, c->witness);
		fputs(",\"ranges\":[", f);
	} else if (o->fmt == FMT_TEXT) {
		fprintf(f, "\nCount %lld (%s", (long long)c->id,
			session_kind_name(c->kind));
		if (c->recount_of)
			fprintf(f, ", recount of count %lld",
				(long long)c->recount_of);
		fprintf(f, ")  plan: -\n  begun %s by %s\n", a, c->started_by);
		if (c->closed_at)
			fprintf(f, "  closed %s by %s%s%s\n", b, c->closed_by,
				c->witness[0] ? ", witness " : "", c->witness);
		else
			fputs("  still open\n", f);
	}
	o->first = 1;
	rc = ledger_book_ranges(l, c->id, book_range_out, o);
	if (rc < 0) {
		disc_list_free(&d);
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	}
	if (o->fmt == FMT_JSON)
		fputs("],\"discrepancies\":[", f);
	else if (o->fmt == FMT_TEXT)
		fprintf(f, "  discrepancies: %zu, %zu without a resolution\n",
			d.n, d.unresolved);
	o->first = 1;
	for (size_t i = 0; i < d.n; i++)
		book_disc_out(o, &d.v[i]);
	if (o->fmt == FMT_JSON)
		fprintf(f, "],\"unresolved\":%zu}", d.unresolved);
	disc_list_free(&d);
	return 0;
}

/* [from, to) of month "YYYY-MM" in local time; 0 or -1. */
static int month_bounds(const char *s, int64_t *from, int64_t *to)
{
	struct tm a = {0}, b = {0};
	int y, m, n = 0;

	if (strlen(s) != 7 || sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2 ||
	    n != 7 || s[4] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12)
		return -1;
	a.tm_year = y - 1900;
	a.tm_mon = m - 1;
	a.tm_mday = 1;
	a.tm_isdst = -1;
	b = a;
	b.tm_mon++;
	*from = (int64_t)mktime(&a);
	*to = (int64_t)mktime(&b);
	return 0;
}

int report_record_book(struct ledger *l, const char *month,
		       enum book_format fmt, FILE *f)
{
	struct count_list cl = {0};
	struct book_out o = {.f = f, .fmt = fmt};
	int64_t from, to;
	int rc = 0;

	if (!month || month_bounds(month, &from, &to) < 0)
		return cli_error(EXIT_USAGE, "the month is YYYY-MM, not '%s'",
				 month ? month : "");
	if (ledger_book_counts(l, from, to, collect_count, &cl) < 0) {
		free(cl.v);
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	}
	if (o.fmt == FMT_CSV) {
		for (int i = 0; csv_header[i]; i++)
			csv_field(o.f, i == 0, csv_header[i]);
		fputs("\r\n", o.f);
	} else if (o.fmt == FMT_JSON) {
		fputs("{\"month\":", o.f);
		json_str(o.f, month);
		fputs(",\"counts\":[", o.f);
	} else {
		fprintf(o.f, "Record book %s: %zu count%s begun this month\n",
			month, cl.n, cl.n == 1 ? "" : "s");
	}
	for (size_t i = 0; rc == 0 && i < cl.n; i++)
		rc = book_count_out(l, &o, &cl.v[i], i == 0);
	if (o.fmt == FMT_JSON)
		fputs("]}\n", o.f);
	free(cl.v);
	return rc;
}

static int exec_record_book(struct cli *c, struct ledger *l)
{
	const char *month = cli_opt(c, "month");
	const char *fmt_s = cli_opt(c, "format");
	const char *enc_s = cli_opt(c, "encoding");
	enum book_format fmt;
	enum book_encoding enc = ENC_UTF8;
	int64_t from, to;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!month || month_bounds(month, &from, &to) < 0)
		return cli_usage(c, "--month YYYY-MM is required");
	fmt = c->json ? FMT_JSON : FMT_TEXT;
	if (fmt_s && strcmp(fmt_s, "text") == 0 && !c->json)
		fmt = FMT_TEXT;
	else if (fmt_s && strcmp(fmt_s, "csv") == 0 && !c->json)
		fmt = FMT_CSV;
	else if (fmt_s && strcmp(fmt_s, "json") == 0)
		fmt = FMT_JSON;
	else if (fmt_s)
		return cli_usage(c, "--format is text, csv or json, not '%s'%s",
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
	f = open_memstream(&buf, &len);
	if (!f)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	rc = report_record_book(l, month, fmt, f);
	fclose(f);
	if (rc == 0)
		rc = book_write(stdout, buf, len, enc,
				enc == ENC_UTF8 && fmt == FMT_CSV,
				"the record book");
	free(buf);
	return rc;
}

static const char *const record_book_options[] = {"month", "format", "encoding",
						  NULL};

const struct cmd_entry cmd_report_record_book_entry = {
    .name = "report record-book",
    .usage = "--month YYYY-MM [--format text|csv|json] "
	     "[--encoding utf-8|cp932]",
    .help = "every count of a month: ranges, who, when, results, "
	    "discrepancies and resolutions",
    .options = record_book_options,
    .needs_db = 1,
    .exec = exec_record_book,
};

/* ---- the incident report ---- */

#define MAX_PEOPLE 64

struct person {
	char code[STAFF_CODE_MAX + 1];
	unsigned roles; /* PERSON_* */
};

enum {
	PERSON_HANDLED = 1, /* a custody event, or the last sighting */
	PERSON_COUNTED = 2, /* read cards in its range in the window */
};

struct incident {
	struct ledger *l;
	FILE *f;
	int json;
	int first;
	int64_t from, to;
	struct person people[MAX_PEOPLE];
	size_t npeople;
};

static void person_add(struct incident *in, const char *code, unsigned role)
{
	if (!code[0])
		return;
	for (size_t i = 0; i < in->npeople; i++) {
		if (strcmp(in->people[i].code, code) == 0) {
			in->people[i].roles |= role;
			return;
		}
	}
	if (in->npeople == MAX_PEOPLE)
		return;
	snprintf(in->people[in->npeople].code, STAFF_CODE_MAX + 1, "%s", code);
	in->people[in->npeople++].roles = role;
}

static int custody_out(void *ctx, const struct custody_row *e)
{
	struct incident *in = ctx;
	char at[TIME_ISO_BUF];

	person_add(in, e->by, PERSON_HANDLED);
	if (in->json) {
		fputs(in->first ? "{\"at\":" : ",{\"at\":", in->f);
		json_time(in->f, e->at);
		fputs(",\"kind\":", in->f);
		json_str(in->f, e->kind);
		fputs(",\"by\":", in->f);
		json_str_or_null(in->f, e->by);
		fputs(",\"from\":", in->f);
		json_str_or_null(in->f, e->from);
		fputs(",\"to\":", in->f);
		json_str_or_null(in->f, e->to);
		fputc('}', in->f);
	} else {
		cli_time_iso(e->at, at);
		fprintf(in->f, "    %s %s by %s%s%s%s%s\n", at, e->kind,
			e->by[0] ? e->by : "?", e->from[0] ? ", " : "", e->from,
			e->to[0] ? " -> " : "", e->to);
	}
	in->first = 0;
	return 0;
}

static int reader_out(void *ctx, const char *code, int64_t at, int64_t session)
{
	(void)at;
	(void)session;
	person_add(ctx, code, PERSON_COUNTED);
	return 0;
}

static int opening_out(const struct key_opening_rec *o, void *ctx)
{
	struct incident *in = ctx;
	char a[TIME_ISO_BUF], b[TIME_ISO_BUF];

	/* Openings that began after the window are outside it. */
	if (o->opened_at > in->to)
		return 0;
	if (in->json) {
		fprintf(in->f,
			"%s{\"id\":%lld,\"opened_at\":", in->first ? "" : ",",
			(long long)o->id);
		json_time(in->f, o->opened_at);
		fputs(",\"opened_by\":", in->f);
		json_str(in->f, o->opened_by);
		fputs(",\"approved_by\":", in->f);
		json_str(in->f, o->approved_by);
		fputs(",\"purpose\":", in->f);
		json_str(in->f, o->purpose);
		fputs(",\"closed_at\":", in->f);
		json_time(in->f, o->closed_at);
		fputs(",\"closed_by\":", in->f);
		json_str_or_null(in->f, o->closed_by);
		fputc('}', in->f);
	} else {
		cli_time_iso(o->opened_at, a);
		iso_or_empty(o->closed_at, b);
		fprintf(in->f, "    %s by %s, approved by %s\n", a,
			o->opened_by, o->approved_by);
		fprintf(in->f, "      closed %s; purpose: %s\n",
			b[0] ? b : "never", o->purpose);
	}
	in->first = 0;
	return 0;
}

/* Where the count reached the card: the start of its range's scan, or the
 * count's start when its range was never begun. */
struct range_start {
	const char *home;
	int64_t at;
};

static int range_start_of(void *ctx, const struct book_range *r)
{
	struct range_start *rs = ctx;

	if (r->started_at && location_within(rs->home, r->path))
		rs->at = r->started_at;
	return 0;
}

static int incident_card(struct incident *in, const struct session_rec *s,
			 const struct disc_item *it)
{
	struct ledger *l = in->l;
	FILE *f = in->f;
	struct sighting ls;
	struct card_rec card;
	struct range_start rs = {it->location, 0};
	struct recon_loss_in win_in = {0};
	struct recon_window win;
	char a[TIME_ISO_BUF], b[TIME_ISO_BUF], name[NAME_MAX_BYTES + 1];
	int rc;

	if (ledger_card_by_mgmt(l, it->mgmt_id, &card) < 0 ||
	    ledger_book_ranges(l, s->id, range_start_of, &rs) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	win_in.range_started = rs.at;
	win_in.count_started = s->started_at;
	in->to = rs.at ? rs.at : s->started_at;
	if (ledger_last_seen(l, card.id, s->id, in->to, &ls) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	/* The window (R23): from the last sighting, or never seen, from the
	 * local midnight of the day the card was received. */
	win_in.last_seen = ls.at;
	win_in.received = card.received;
	win_in.utc_offset = card.received != DATE_NONE
				? cli_utc_offset((int64_t)card.received * 86400)
				: 0;
	recon_loss_window(&win_in, &win);
	in->from = win.from;
	in->to = win.to;
	in->npeople = 0;
	person_add(in, ls.by,
		   strncmp(ls.what, "scan", 4) == 0 ? PERSON_COUNTED
						    : PERSON_HANDLED);
	book_staff_name(l, ls.by, name);
	cli_time_iso(in->from, a);
	cli_time_iso(in->to, b);
	if (in->json) {
		fputs("{\"mgmt_id\":", f);
		json_str(f, it->mgmt_id);
		fputs(",\"serial\":", f);
		json_str(f, it->serial);
		fputs(",\"home\":", f);
		json_str(f, it->location);
		fprintf(f, ",\"status\":\"%s\",\"resolution\":",
			card_status_name(card.status));
		book_resolution_json(f, it);
		fputs(",\"last_seen\":", f);
		if (ls.at) {
			fputs("{\"at\":", f);
			json_time(f, ls.at);
			fputs(",\"location\":", f);
			json_str_or_null(f, ls.location);
			fputs(",\"by\":", f);
			json_str_or_null(f, ls.by);
			fputs(",\"by_name\":", f);
			json_str_or_null(f, name);
			fputs(",\"what\":", f);
			json_str(f, ls.what);
			fputc('}', f);
		} else {
			fputs("null", f);
		}
		fprintf(f,
			",\"window\":{\"from\":\"%s\",\"to\":\"%s\","
			"\"from_is\":\"%s\"},\"custody_events\":[",
			a, b, ls.at ? "last_seen" : "received");
	} else {
		fprintf(f, "\n%s  serial %s  home %s  ledger: %s\n",
			it->mgmt_id, it->serial, it->location,
			card_status_name(card.status));
		if (it->resolved) {
			char at[TIME_ISO_BUF];

			cli_time_iso(it->res.at, at);
			fprintf(f, "  resolution  %s by %s at %s\n",
				it->res.reason, it->res.by, at);
			if (it->res.note[0]) {
				fputs("  note        ", f);
				book_oneline(f, it->res.note);
				fputc('\n', f);
			}
		} else {
			fputs("  resolution  none yet\n", f);
		}
		if (ls.at) {
			char at[TIME_ISO_BUF];

			cli_time_iso(ls.at, at);
			fprintf(f, "  last seen   %s at %s\n", at,
				ls.location[0] ? ls.location : "?");
			fprintf(f, "              by %s%s%s%s, %s\n",
				ls.by[0] ? ls.by : "?", name[0] ? " (" : "",
				name, name[0] ? ")" : "", ls.what);
		} else {
			fputs("  last seen   never since the stock list "
			      "import\n",
			      f);
		}
		fprintf(f, "  window      %s\n           -> %s\n", a, b);
		fputs("  custody events in the window:\n", f);
	}
	in->first = 1;
	rc = ledger_card_custody_each(l, card.id, in->from, in->to, custody_out,
				      in);
	if (rc == 0 && !in->json && in->first)
		fputs("    none\n", f);
	if (rc == 0)
		rc = ledger_range_readers_each(l, it->location, in->from,
					       in->to, reader_out, in);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	fputs(in->json ? "],\"people\":[" : "  people:\n", f);
	for (size_t i = 0; i < in->npeople; i++) {
		const struct person *p = &in->people[i];

		book_staff_name(l, p->code, name);
		if (in->json) {
			fputs(i ? ",{\"staff\":" : "{\"staff\":", f);
			json_str(f, p->code);
			fputs(",\"name\":", f);
			json_str_or_null(f, name);
			fprintf(f, ",\"roles\":[%s%s%s]}",
				p->roles & PERSON_HANDLED ? "\"handled\"" : "",
				p->roles == (PERSON_HANDLED | PERSON_COUNTED)
				    ? ","
				    : "",
				p->roles & PERSON_COUNTED ? "\"counted_range\""
							  : "");
		} else {
			fprintf(f, "    %-10s %s%s%s%s\n", p->code, name,
				name[0] ? ": " : "",
				p->roles & PERSON_HANDLED ? "handled it " : "",
				p->roles & PERSON_COUNTED ? "counted its range"
							  : "");
		}
	}
	if (!in->json && in->npeople == 0)
		fputs("    none recorded\n", f);
	fputs(in->json ? "],\"key_openings\":["
		       : "  safe opened in the window:\n",
	      f);
	in->first = 1;
	rc = ledger_key_each_since(l, in->from, opening_out, in);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (!in->json && in->first)
		fputs("    never (per the key log)\n", f);
	if (in->json)
		fputs("]}", f);
	return 0;
}

int report_incident(struct ledger *l, int64_t id, int json, FILE *f)
{
	struct incident in = {.l = l, .f = f, .json = json};
	struct session_rec s;
	struct disc_list d;
	char at[TIME_ISO_BUF];
	size_t n = 0, done = 0;
	int rc = ledger_session_get(l, id, &s);

	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	rc = book_discrepancies(l, id, &d);
	if (rc)
		return rc;
	/* Affected: missing, and not found since (no resolution yet, or
	 * resolved lost). */
	for (size_t i = 0; i < d.n; i++)
		n += d.v[i].kind == DISC_MISSING &&
		     (!d.v[i].resolved ||
		      strcmp(d.v[i].res.reason, "lost") == 0);
	cli_time_iso(s.started_at, at);
	if (json) {
		fprintf(f,
			"{\"session\":%lld,\"kind\":\"%s\",\"started_at\":"
			"\"%s\",\"closed\":%s,\"affected\":%zu,\"cards\":[",
			(long long)id, session_kind_name(s.kind), at,
			s.closed_at ? "true" : "false", n);
	} else {
		fprintf(f, "Incident report, count %lld (%s) begun %s\n",
			(long long)id, session_kind_name(s.kind), at);
		fprintf(f,
			"%zu card%s missing and not found since (the "
			"applicants to contact)\n",
			n, n == 1 ? "" : "s");
	}
	for (size_t i = 0; rc == 0 && i < d.n; i++) {
		const struct disc_item *it = &d.v[i];

		if (it->kind != DISC_MISSING ||
		    (it->resolved && strcmp(it->res.reason, "lost") != 0))
			continue;
		if (json && done++)
			fputc(',', f);
		rc = incident_card(&in, &s, it);
	}
	if (json && rc == 0)
		fputs("]}\n", f);
	disc_list_free(&d);
	return rc;
}

static int exec_incident(struct cli *c, struct ledger *l)
{
	const char *count_s = cli_opt(c, "count");
	int64_t id;
	int rc;

	if (!count_s)
		return cli_usage(c, "--count ID is required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_session_id(c, count_s, &id);
	if (rc)
		return rc;
	return report_incident(l, id, c->json, stdout);
}

static const char *const incident_options[] = {"count", NULL};

const struct cmd_entry cmd_report_incident_entry = {
    .name = "report incident",
    .usage = "--count ID [--json]",
    .help = "missing cards of a count with their last sighting, loss "
	    "window, custody events, people and openings of the safe",
    .options = incident_options,
    .needs_db = 1,
    .exec = exec_incident,
};
