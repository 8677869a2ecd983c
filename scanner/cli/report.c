/*
 * Printing a reconciliation report, as text for the person at the safe and
 * as one JSON document for programs (cardtally(1) "reconcile").  The numbers
 * come from reconcile/; this file only adds what the ledger knows about the
 * people and times around a missing card (R10).
 */
#include <stdint.h>
#include <string.h>

#include "report.h"

#include "../../common/text.h"
#include "book.h"

#include <stdlib.h>

static const char *range_path(const struct count_data *d, int32_t r)
{
	return r >= 0 && (size_t)r < d->nranges ? d->ranges[r].path : "";
}

/* An item's first members: its management id and serial. */
static void json_card_head(struct json_w *w, const struct count_card *k)
{
	json_w_object(w);
	json_w_key_str(w, "mgmt_id", k->mgmt_id);
	json_w_key_str(w, "serial", k->serial);
}

/* "resolution":{reason, note, by, at} or null, then the item's end. */
static void json_res_end(struct json_w *jw, const struct wf_reconcile *w,
			 const char *serial)
{
	json_w_key(jw, "resolution");
	book_resolution_jw(jw, wf_reconcile_res(w, serial));
	json_w_end_object(jw);
}

static void short_time(int64_t t, int64_t day_of, char out[24]);

/* The line under a resolved discrepancy in the text report. */
static void text_res(FILE *f, const struct wf_reconcile *w, const char *serial)
{
	const struct resolution_rec *x = wf_reconcile_res(w, serial);
	char at[TIME_ISO_BUF];

	if (!x)
		return;
	short_time(x->at, 0, at);
	fputs("      ", f);
	fprintf(f, _("resolved %s by %s at %s"),
		cli_text(cli_code(x->reason)), cli_text(x->by), at);
	fputc('\n', f);
	if (!x->note[0])
		return;
	/* A note may hold line breaks; the report keeps it on one line. */
	char note[sizeof(x->note)];
	size_t i;

	for (i = 0; x->note[i] && i + 1 < sizeof(note); i++)
		note[i] =
		    x->note[i] == '\n' || x->note[i] == '\r' ? ' ' : x->note[i];
	note[i] = '\0';
	fprintf(f, "      %s: %s\n", _("note"), cli_text(note));
}

static void print_json(struct json_w *jw, const struct wf_reconcile *w)
{
	const struct count_data *d = w->d;
	const struct recon_report *r = w->r;

	json_w_object(jw);
	json_w_key_int(jw, "session", d->session_id);
	json_w_key_str(jw, "kind", session_kind_name(d->kind));
	json_w_key(jw, "ranges");
	json_w_array(jw);
	for (size_t i = 0; i < d->nranges; i++)
		json_w_str(jw, d->ranges[i].path);
	json_w_end_array(jw);
	json_w_key(jw, "by_range");
	json_w_array(jw);
	for (size_t i = 0; i < d->nranges; i++) {
		json_w_object(jw);
		json_w_key_str(jw, "range", d->ranges[i].path);
		json_w_key_opt_str(jw, "assignee", d->ranges[i].assignee);
		json_w_key_uint(jw, "expected", r->range_expected[i]);
		json_w_key_uint(jw, "ok", r->range_ok[i]);
		json_w_end_object(jw);
	}
	json_w_end_array(jw);
	json_w_key_uint(jw, "expected", r->expected);
	json_w_key_uint(jw, "seen", r->seen);
	json_w_key_uint(jw, "ok", r->ok);

	json_w_key(jw, "missing");
	json_w_array(jw);
	for (size_t i = 0; i < r->nmissing; i++) {
		const struct count_card *k = &d->cards[r->missing[i]];
		const struct sighting s = w->last_seen[i];

		json_card_head(jw, k);
		json_w_key_str(jw, "expected_location", k->location);
		json_w_key(jw, "last_seen");
		if (!s.at) {
			json_w_null(jw);
		} else {
			json_w_object(jw);
			cli_json_key_time(jw, "at", s.at);
			json_w_key_opt_str(jw, "location", s.location);
			json_w_key_opt_str(jw, "by", s.by);
			json_w_end_object(jw);
		}
		json_res_end(jw, w, k->serial);
	}
	json_w_end_array(jw);
	json_w_key(jw, "misplaced");
	json_w_array(jw);
	for (size_t i = 0; i < r->nmisplaced; i++) {
		const struct recon_found *h = &r->misplaced[i];

		json_card_head(jw, &d->cards[h->card]);
		json_w_key_str(jw, "expected_location",
			       d->cards[h->card].location);
		json_w_key_str(jw, "found_location", range_path(d, h->range));
		cli_json_key_time(jw, "at", d->scans[h->scan].at);
		json_res_end(jw, w, d->cards[h->card].serial);
	}
	json_w_end_array(jw);
	json_w_key(jw, "extra");
	json_w_array(jw);
	for (size_t i = 0; i < r->nextra; i++) {
		const struct count_scan *s = &d->scans[r->extra[i]];

		json_w_object(jw);
		json_w_key_str(jw, "serial", s->serial);
		json_w_key_str(jw, "found_location", range_path(d, s->range));
		cli_json_key_time(jw, "at", s->at);
		json_res_end(jw, w, s->serial);
	}
	json_w_end_array(jw);
	json_w_key(jw, "not_in_stock");
	json_w_array(jw);
	for (size_t i = 0; i < r->nnot_in_stock; i++) {
		const struct recon_found *h = &r->not_in_stock[i];
		const struct count_card *k = &d->cards[h->card];

		json_card_head(jw, k);
		json_w_key_str(jw, "status", card_status_name(k->status));
		json_w_key_str(jw, "expected_location", k->location);
		json_w_key_str(jw, "found_location", range_path(d, h->range));
		cli_json_key_time(jw, "at", d->scans[h->scan].at);
		json_res_end(jw, w, k->serial);
	}
	json_w_end_array(jw);
	json_w_key(jw, "disposal_due");
	json_w_array(jw);
	for (size_t i = 0; i < r->ndisposal_due; i++) {
		const struct recon_due *u = &r->disposal_due[i];
		const struct count_card *k = &d->cards[u->card];

		json_card_head(jw, k);
		json_w_key_str(jw, "location", k->location);
		json_w_key_str(jw, "why", recon_due_why_name(u->why));
		cli_json_key_date(jw, "due_since", u->since);
		json_w_end_object(jw);
	}
	json_w_end_array(jw);
	json_w_key(jw, "checked_out");
	json_w_array(jw);
	for (size_t i = 0; i < r->nchecked_out; i++) {
		const struct count_card *k = &d->cards[r->checked_out[i]];

		json_card_head(jw, k);
		json_w_key_str(jw, "expected_location", k->location);
		json_w_key_opt_str(jw, "checked_out_by", w->checked_out_by[i]);
		json_w_end_object(jw);
	}
	json_w_end_array(jw);
	json_w_key_uint(jw, "repeats", r->repeats);
	json_w_key_bool(jw, "discrepancy", recon_has_discrepancy(r));
	json_w_end_object(jw);
}

/*
 * Columns on a terminal: CJK characters take two cells, so location names
 * such as 金庫1/棚2 are padded by display width, not by bytes.  Code points
 * are decoded from UTF-8 (the ledger stores UTF-8); the wide ranges are the
 * East Asian Wide and Fullwidth blocks an office's names use.
 */
static int cell_width(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) ||
		       (cp >= 0x2e80 && cp <= 0xa4cf) ||
		       (cp >= 0xac00 && cp <= 0xd7a3) ||
		       (cp >= 0xf900 && cp <= 0xfaff) ||
		       (cp >= 0xfe30 && cp <= 0xfe4f) ||
		       (cp >= 0xff00 && cp <= 0xff60) ||
		       (cp >= 0xffe0 && cp <= 0xffe6)
		   ? 2
		   : 1;
}

static int display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;

	while (*p) {
		uint32_t cp = *p;
		int extra = cp >= 0xf0	 ? 3
			    : cp >= 0xe0 ? 2
			    : cp >= 0xc0 ? 1
					 : 0;

		if (extra)
			cp &= 0x3fu >> extra;
		p++;
		for (; extra > 0 && (*p & 0xc0) == 0x80; extra--, p++)
			cp = (cp << 6) | (*p & 0x3fu);
		w += cell_width(cp);
	}
	return w;
}

/* s, then blanks up to `width` display cells (at least one blank). */
static void put_padded(FILE *f, const char *s, int width)
{
	int w;

	s = cli_text(s);
	w = display_width(s);
	fputs(s, f);
	do
		fputc(' ', f);
	while (++w < width);
}

/* A section's heading: its title and count, and what its items are
 * (title and what are msgids). */
static void text_heading(FILE *f, const char *title, size_t n, const char *what)
{
	fprintf(f, "\n%s (%zu)%s%s\n", _(title), n, n ? " - " : "",
		n ? _(what) : "");
}

/* The first columns of a card's line: management id and serial. */
static void card_cols(FILE *f, const char *mgmt_id, const char *serial)
{
	fprintf(f, "  %-12s %-16s ", cli_text(mgmt_id), serial);
}

static void print_text(FILE *f, const struct wf_reconcile *w)
{
	const struct count_data *d = w->d;
	const struct recon_report *r = w->r;
	char at[TIME_ISO_BUF];

	fprintf(f, _("Count %lld (%s), "), (long long)d->session_id,
		cli_code(session_kind_name(d->kind)));
	fprintf(f, ngettext("%zu range", "%zu ranges", d->nranges),
		d->nranges);
	fputs("\n  ", f);
	fprintf(f, _("expected %zu   seen %zu   ok %zu   repeats %zu"),
		r->expected, r->seen, r->ok, r->repeats);
	fputc('\n', f);

	text_heading(f, N_("MISSING"), r->nmissing,
		     N_("expected here, not read anywhere in this count"));
	for (size_t i = 0; i < r->nmissing; i++) {
		const struct count_card *k = &d->cards[r->missing[i]];
		const struct sighting s = w->last_seen[i];

		card_cols(f, k->mgmt_id, k->serial);
		if (s.at) {
			/* The sighting on a line of its own, in the office's
			 * time to the minute: the line fits an 80-column
			 * console (the JSON has the exact time). */
			fputs(cli_text(k->location), f);
			fputs("\n               ", f);
			short_time(s.at, 0, at);
			/* A tally's read is at the window, in no range. */
			if (s.tally)
				fprintf(f, _("last seen %s in tally %lld by %s"),
					at, (long long)s.tally,
					s.by[0] ? cli_text(s.by) : "?");
			else
				fprintf(f, _("last seen %s at %s by %s"), at,
					s.location[0] ? cli_text(s.location)
						      : "?",
					s.by[0] ? cli_text(s.by) : "?");
		} else {
			put_padded(f, k->location, 17);
			fputs(_("never seen since import"), f);
		}
		fputc('\n', f);
		text_res(f, w, k->serial);
	}
	text_heading(f, N_("MISPLACED"), r->nmisplaced,
		     N_("found in another range than the ledger says"));
	for (size_t i = 0; i < r->nmisplaced; i++) {
		const struct recon_found *h = &r->misplaced[i];
		const struct count_card *k = &d->cards[h->card];

		card_cols(f, k->mgmt_id, k->serial);
		fprintf(f, _("belongs to %s, found in %s"),
			cli_text(k->location),
			cli_text(range_path(d, h->range)));
		fputc('\n', f);
		text_res(f, w, k->serial);
	}
	text_heading(f, N_("EXTRA"), r->nextra,
		     N_("serial unknown to the ledger"));
	for (size_t i = 0; i < r->nextra; i++) {
		const struct count_scan *s = &d->scans[r->extra[i]];

		card_cols(f, "-", s->serial);
		fprintf(f, _("found in %s"), cli_text(range_path(d, s->range)));
		fputc('\n', f);
		text_res(f, w, s->serial);
	}
	text_heading(f, N_("NOT IN STOCK"), r->nnot_in_stock,
		     N_("the ledger says this card left the safe"));
	for (size_t i = 0; i < r->nnot_in_stock; i++) {
		const struct recon_found *h = &r->not_in_stock[i];
		const struct count_card *k = &d->cards[h->card];

		card_cols(f, k->mgmt_id, k->serial);
		fprintf(f, _("ledger: %s, found in %s"),
			cli_code(card_status_name(k->status)),
			cli_text(range_path(d, h->range)));
		fputc('\n', f);
		text_res(f, w, k->serial);
	}
	text_heading(f, N_("DISPOSAL DUE"), r->ndisposal_due,
		     N_("present, and due for disposal"));
	for (size_t i = 0; i < r->ndisposal_due; i++) {
		const struct recon_due *u = &r->disposal_due[i];
		const struct count_card *k = &d->cards[u->card];
		char since[11] = "";

		if (u->since != DATE_NONE)
			date_format(u->since, since);
		card_cols(f, k->mgmt_id, k->serial);
		put_padded(f, k->location, 17);
		fputs(cli_code(recon_due_why_name(u->why)), f);
		if (since[0])
			fprintf(f, _(", due since %s"), since);
		fputc('\n', f);
	}
	text_heading(f, N_("CHECKED OUT"), r->nchecked_out,
		     N_("out of the safe, per the ledger: not missing"));
	for (size_t i = 0; i < r->nchecked_out; i++) {
		const struct count_card *k = &d->cards[r->checked_out[i]];
		const char *by = w->checked_out_by[i];

		card_cols(f, k->mgmt_id, k->serial);
		put_padded(f, k->location, 17);
		if (by[0])
			fprintf(f, _("by %s"), cli_text(by));
		else
			fputs(_("no check-out recorded"), f);
		fputc('\n', f);
	}
	/* Only the ranges that need attention: a sweep has dozens. */
	size_t complete = 0;
	fprintf(f, "\n%s\n", _("By range:"));
	for (size_t i = 0; i < d->nranges; i++) {
		size_t e = r->range_expected[i], ok = r->range_ok[i];

		if (ok == e) {
			complete++;
			continue;
		}
		fputs("  ", f);
		put_padded(f, d->ranges[i].path, 21);
		fprintf(f, _("%5zu of %5zu in place"), ok, e);
		if (d->ranges[i].assignee) {
			fputs("  ", f);
			fprintf(f, _("(counted by %s)"),
				cli_text(d->ranges[i].assignee));
		}
		fputc('\n', f);
	}
	fputs("  ", f);
	fprintf(f,
		ngettext("%zu of %zu range complete",
			 "%zu of %zu ranges complete", d->nranges),
		complete, d->nranges);
	fputc('\n', f);
	size_t n = r->nmissing + r->nmisplaced + r->nextra + r->nnot_in_stock;
	size_t open = n;
	for (size_t i = 0; i < r->nmissing; i++)
		open -=
		    wf_reconcile_res(w, d->cards[r->missing[i]].serial) != NULL;
	for (size_t i = 0; i < r->nmisplaced; i++)
		open -= wf_reconcile_res(
			    w, d->cards[r->misplaced[i].card].serial) != NULL;
	for (size_t i = 0; i < r->nextra; i++)
		open -=
		    wf_reconcile_res(w, d->scans[r->extra[i]].serial) != NULL;
	for (size_t i = 0; i < r->nnot_in_stock; i++)
		open -=
		    wf_reconcile_res(
			w, d->cards[r->not_in_stock[i].card].serial) != NULL;
	fprintf(f, "\n%s: ", _("RESULT"));
	if (n && open < n)
		fprintf(f,
			ngettext("%zu discrepancy, %zu resolved, %zu to resolve",
				 "%zu discrepancies, %zu resolved, %zu to "
				 "resolve",
				 n),
			n, n - open, open);
	else if (n)
		fprintf(f,
			ngettext("%zu discrepancy to resolve",
				 "%zu discrepancies to resolve", n),
			n);
	else
		fputs(_("every expected card is in its place"), f);
	fputc('\n', f);
}

int report_print(FILE *f, const struct wf_reconcile *w, int json)
{
	int rc = w->found ? EXIT_FOUND : EXIT_OK;
	struct json_w jw;

	if (!json) {
		print_text(f, w);
		return rc;
	}
	json_w_init(&jw, f);
	print_json(&jw, w);
	return cli_json_done(&jw, rc);
}

/* ---- the safe: openings and cards handled while it was closed ---- */

/* Bytes of the UTF-8 character at p (1 for a stray byte). */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;

	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return i;
	return n;
}

/*
 * text with each line's control characters escaped (text_escape), its line
 * breaks kept; malloc'd, NULL when memory runs out.  An escape is at most
 * four times the bytes it stands for.
 */
static char *escape_lines(const char *text)
{
	size_t len = strlen(text), cap = 4 * len + 1, at = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	for (const char *p = text;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);

		if (!line) {
			free(out);
			return NULL;
		}
		text_escape(out + at, cap - at, line);
		at += strlen(out + at);
		free(line);
		if (!nl)
			break;
		out[at++] = '\n';
		out[at] = '\0';
		p = nl + 1;
	}
	return out;
}

void report_wrapped(FILE *f, const char *indent, const char *text)
{
	int room = REPORT_COLUMNS - display_width(indent);
	char *shown = escape_lines(text);
	const unsigned char *p = (const unsigned char *)(shown ? shown : "");

	if (room < 20)
		room = 20;
	while (*p) {
		const unsigned char *brk = NULL, *q = p;
		int w = 0;

		/* As much as fits; break at the last blank if there is one
		 * (Japanese text has none: it breaks anywhere). */
		while (*q && *q != '\n') {
			size_t n = utf8_len(q);
			char ch[5] = {0};

			memcpy(ch, q, n);
			if (w + display_width(ch) > room)
				break;
			w += display_width(ch);
			if (*q == ' ')
				brk = q;
			q += n;
		}
		if (*q && *q != '\n' && brk && brk > p)
			q = brk;
		fprintf(f, "%s%.*s\n", indent, (int)(q - p), (const char *)p);
		p = q;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	free(shown);
}

/* "2026-03-02 10:05" (local), or "10:05" when on the day of `day_of`. */
static void short_time(int64_t t, int64_t day_of, char out[24])
{
	char a[TIME_ISO_BUF], b[TIME_ISO_BUF];

	cli_time_iso(t, a);
	cli_time_iso(day_of, b);
	if (day_of && memcmp(a, b, 10) == 0)
		snprintf(out, 24, "%.5s", a + 11);
	else
		snprintf(out, 24, "%.10s %.5s", a, a + 11);
}

void report_opening_print(struct report_list *p,
			  const struct key_opening_rec *o, unsigned flags,
			  int recorded)
{
	int64_t end = o->closed_at ? o->closed_at : p->now;
	char from[24], to[64], names[128];

	p->flagged += flags != 0;
	if (p->jw) {
		json_w_object(p->jw);
		json_w_key_int(p->jw, "id", o->id);
		cli_json_key_time(p->jw, "opened_at", o->opened_at);
		json_w_key_str(p->jw, "opened_by", o->opened_by);
		json_w_key_str(p->jw, "approved_by", o->approved_by);
		json_w_key_str(p->jw, "purpose", o->purpose);
		cli_json_key_time(p->jw, "closed_at", o->closed_at);
		json_w_key_opt_str(p->jw, "closed_by", o->closed_by);
		json_w_key_int(p->jw, "open_minutes",
			       (end - o->opened_at) / 60);
		json_w_key(p->jw, "flags");
		cli_key_flags_jw(p->jw, flags);
		/* false: an opening from before flags were recorded, judged
		 * by the configuration in force now. */
		json_w_key_bool(p->jw, "flags_recorded", recorded);
		json_w_end_object(p->jw);
		p->n++;
		return;
	}
	snprintf(to, sizeof(to), "%s", _("open"));
	short_time(o->opened_at, 0, from);
	if (o->closed_at)
		short_time(o->closed_at, o->opened_at, to);
	fprintf(p->f, "%s%4lld  %s - %s  %lld min\n", p->indent,
		(long long)o->id, from, to,
		(long long)((end - o->opened_at) / 60));
	fprintf(p->f, "%s      ", p->indent);
	fprintf(p->f, _("by %s, approved by %s"), cli_text(o->opened_by),
		cli_text(o->approved_by));
	if (o->closed_by[0])
		fprintf(p->f, _(", closed by %s"), cli_text(o->closed_by));
	fputc('\n', p->f);
	snprintf(to, sizeof(to), "%s      ", p->indent);
	report_wrapped(p->f, to, o->purpose);
	if (flags) {
		cli_key_flag_names(flags, names, sizeof(names));
		fprintf(p->f, "%s      %s%s\n", p->indent, _("FLAGGED: "),
			names);
	}
	if (!recorded)
		fprintf(p->f, "%s      %s\n", p->indent,
			_("(recorded before flags were: judged by the "
			  "configuration in force now)"));
	p->n++;
}

int report_opening(const struct key_opening_rec *o, void *ctx)
{
	struct report_list *p = ctx;

	report_opening_print(p, o, wf_key_flags(o, p->now, p->rules),
			     wf_key_flags_recorded(o));
	return 0;
}

/* A movement a safe-closed row names, as the text report prints it: the
 * code itself in English (as it always has), a word in Japanese. */
static const char *safe_closed_what(const char *what)
{
	static const char *const whats[] = {N_("checkout"), N_("return"),
					    N_("issue"), N_("move")};

	for (size_t i = 0; i < sizeof(whats) / sizeof(whats[0]); i++)
		if (strcmp(what, whats[i]) == 0)
			return _(whats[i]);
	return what;
}

int report_safe_closed(void *ctx, const struct safe_closed_row *r)
{
	struct report_list *p = ctx;
	char line[256];

	if (p->jw) {
		json_w_object(p->jw);
		json_w_key_str(p->jw, "what", r->what);
		json_w_key_opt_str(p->jw, "item", r->item);
		if (strcmp(r->what, "disposal") == 0) {
			char d[24];

			snprintf(d, sizeof(d), "D%lld", (long long)r->session);
			json_w_key_str(p->jw, "disposal", d);
		} else if (r->session) {
			json_w_key_int(p->jw, "session", r->session);
		}
		json_w_key_str(p->jw, "by", r->staff);
		cli_json_key_time(p->jw, "first", r->first);
		cli_json_key_time(p->jw, "last", r->last);
		json_w_key_int(p->jw, "n", r->n);
		json_w_end_object(p->jw);
		p->n++;
		return 0;
	}
	report_safe_closed_line(r, line, sizeof(line));
	fprintf(p->f, "%s%s\n", p->indent, line);
	p->n++;
	return 0;
}

void report_safe_closed_line(const struct safe_closed_row *r, char *buf,
			     size_t cap)
{
	char first[24], last[24], what[160];

	short_time(r->first, 0, first);
	short_time(r->last, 0, last);
	/* A run of reads within one minute shows one time. */
	int run = strcmp(first, last) != 0;
	if (run)
		short_time(r->last, r->first, last);
	if (strcmp(r->what, "count") == 0)
		snprintf(what, sizeof(what),
			 r->n == 1 ? _("count %lld: %lld read")
				   : _("count %lld: %lld reads"),
			 (long long)r->session, (long long)r->n);
	else if (strcmp(r->what, "disposal") == 0)
		snprintf(what, sizeof(what),
			 r->n == 1 ? _("disposal D%lld: %lld card")
				   : _("disposal D%lld: %lld cards"),
			 (long long)r->session, (long long)r->n);
	else
		snprintf(what, sizeof(what), "%s %s",
			 safe_closed_what(r->what), r->item);
	snprintf(buf, cap, "%s%s%s  %s", first, run ? " - " : "",
		 run ? last : "", what);
	size_t len = strlen(buf);
	snprintf(buf + len, cap - len, _(" by %s"), r->staff);
}

int report_locked(const struct staff_rec *s, void *ctx)
{
	struct report_list *p = ctx;

	if (!s->locked || !s->active)
		return 0;
	if (p->jw) {
		json_w_str(p->jw, s->code);
	} else {
		fprintf(p->f, "%s%s (%s)\n", p->indent, s->code,
			cli_text(s->name));
	}
	p->n++;
	return 0;
}
