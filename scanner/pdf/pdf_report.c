/*
 * The reports on paper (pdf.h "the reports"): the record book with its
 * trend, the daily report with its audit anchor, the incident report and
 * the disposal ledger, each from the workflow's struct (wf.h "reports as
 * structs"), with totals and the office's stamp boxes.  Labels go through
 * the "cardtally" catalog, so a document is Japanese or English as the
 * front end's language is; codes (kinds, discrepancies, statuses,
 * reasons, methods) are shown as words (wf_word), as on the screen.
 */
#include "pdf.h"

#include <libintl.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/model.h"
#include "../workflow/wf.h"

#define _(s) dgettext("cardtally", s)

/* A ledger's code as the word of the document's language ("" stays ""). */
static const char *word(const char *code)
{
	const char *w = wf_word(code);

	return *w ? _(w) : "";
}

/* "2026-03-02 10:05" local, "" for 0. */
static void when(int64_t t, char out[TIME_ISO_BUF])
{
	char iso[TIME_ISO_BUF];

	out[0] = '\0';
	if (!t)
		return;
	time_format_iso(t, wf_utc_offset(t), iso);
	snprintf(out, TIME_ISO_BUF, "%.10s %.5s", iso, iso + 11);
}

static void day_text(int32_t day, char out[11])
{
	if (day == DATE_NONE)
		snprintf(out, 11, "-");
	else
		date_format(day, out);
}

static void i64(int64_t v, char out[24])
{
	snprintf(out, 24, "%lld", (long long)v);
}

/* A stored result, "-" when not stored (-1). */
static void opt64(int64_t v, char out[24])
{
	if (v < 0)
		snprintf(out, 24, "-");
	else
		i64(v, out);
}

static struct pdf_doc *doc_new(const char *title, const char *period,
			       const struct pdf_meta *m)
{
	char now[TIME_ISO_BUF], printed[96], iso[TIME_ISO_BUF] = "";

	when(m->now, now);
	snprintf(printed, sizeof(printed), _("printed %s"), now);
	/* To the minute, as the file's name and "printed": the same report
	 * made again within it is the same file. */
	if (m->now)
		time_format_iso(m->now - m->now % 60, wf_utc_offset(m->now),
				iso);
	return pdf_new(&(struct pdf_head){.title = title,
					  .ward = m->ward ? m->ward : "",
					  .period = period,
					  .printed = printed,
					  .created = iso});
}

int pdf_office_stamps(struct pdf_doc *d)
{
	/* TRANSLATORS: the stamp boxes where the office signs: the person
	 * who did it, who checked it, the manager responsible. */
	const char *labels[] = {_("prepared"), _("checked"), _("approved")};

	return pdf_stamps(d, labels, 3);
}

/* Ends a document: the stamps, then NULL (and d freed) when anything
 * failed. */
static struct pdf_doc *finish(struct pdf_doc *d, int rc)
{
	if (rc == 0)
		rc = pdf_office_stamps(d);
	if (rc) {
		pdf_free(d);
		return NULL;
	}
	return d;
}

/* ---- the record book ---- */

static int book_trend(struct pdf_doc *d, const struct wf_book_trend *t)
{
	const char *labels[WF_TREND_MONTHS];
	double held[WF_TREND_MONTHS], share[WF_TREND_MONTHS],
	    disc[WF_TREND_MONTHS];
	int rc;

	for (int k = 0; k < WF_TREND_MONTHS; k++) {
		labels[k] = t->month[k] + 2; /* "26-03" */
		held[k] = (double)t->held[k];
		share[k] = t->share[k];
		disc[k] = (double)t->discrepancies[k];
	}
	rc = pdf_heading(d, _("The last 12 months"));
	if (rc == 0)
		rc = pdf_chart(d, _("Cards held"), labels, held,
			       WF_TREND_MONTHS, "");
	if (rc == 0)
		rc = pdf_chart(d, _("Share counted"), labels, share,
			       WF_TREND_MONTHS, "%");
	if (rc == 0)
		rc = pdf_chart(d, _("Discrepancies"), labels, disc,
			       WF_TREND_MONTHS, "");
	return rc;
}

static int book_counts(struct pdf_doc *d, const struct wf_book *b)
{
	const struct pdf_col cols[] = {
	    {_("Count"), 0.7, 1},   {_("Kind"), 1, 0},
	    {_("Started"), 1.6, 0}, {_("By"), 0.8, 0},
	    {_("Closed"), 1.6, 0},  {_("Closed by"), 0.8, 0},
	    {_("Witness"), 0.8, 0}, {_("Expected"), 0.9, 1},
	    {_("Read"), 0.9, 1},    {_("Discrepancies"), 1.1, 1},
	};
	int64_t te = 0, ts = 0, td = 0;
	char id[24], a[TIME_ISO_BUF], c[TIME_ISO_BUF], e[24], s[24], n[24];
	int rc = pdf_table_begin(d, cols, 10);

	for (size_t i = 0; rc == 0 && i < b->ncounts; i++) {
		const struct wf_book_count *w = &b->counts[i];
		int64_t ce = -1, cs = -1;

		for (size_t r = 0; r < w->nranges; r++) {
			if (w->ranges[r].expected >= 0)
				ce = (ce < 0 ? 0 : ce) + w->ranges[r].expected;
			if (w->ranges[r].seen >= 0)
				cs = (cs < 0 ? 0 : cs) + w->ranges[r].seen;
		}
		te += ce > 0 ? ce : 0;
		ts += cs > 0 ? cs : 0;
		td += (int64_t)w->disc.n;
		i64(w->c.id, id);
		when(w->c.started_at, a);
		when(w->c.closed_at, c);
		opt64(ce, e);
		opt64(cs, s);
		i64((int64_t)w->disc.n, n);
		rc = pdf_table_row(
		    d,
		    (const char *[]){id, word(session_kind_name(w->c.kind)), a,
				     w->c.started_by, c[0] ? c : _("open"),
				     w->c.closed_by, w->c.witness, e, s, n});
	}
	i64(te, e);
	i64(ts, s);
	i64(td, n);
	if (rc == 0)
		rc = pdf_table_total(d, (const char *[]){_("Total"), "", "", "",
							 "", "", "", e, s, n});
	return rc ? rc : pdf_table_end(d);
}

/* The 0x1f-separated list s with ", " between, into out. */
static void unsep(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; s && *s && n + 3 < cap; s++) {
		if (*s == 0x1f) {
			out[n++] = ',';
			out[n++] = ' ';
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
}

static int book_ranges(struct pdf_doc *d, const struct wf_book *b)
{
	const struct pdf_col cols[] = {
	    {_("Count"), 0.6, 1},    {_("Range"), 1.8, 0},
	    {_("Counted by"), 2, 0}, {_("Started"), 1.5, 0},
	    {_("Ended"), 1.5, 0},    {_("Expected"), 0.8, 1},
	    {_("Read"), 0.8, 1},     {_("In place"), 0.8, 1},
	};
	char id[24], a[TIME_ISO_BUF], z[TIME_ISO_BUF], e[24], s[24], p[24];
	char who[512];
	int64_t te = 0, ts = 0, tp = 0;
	int rc = pdf_table_begin(d, cols, 8);

	for (size_t i = 0; rc == 0 && i < b->ncounts; i++) {
		const struct wf_book_count *w = &b->counts[i];

		for (size_t k = 0; rc == 0 && k < w->nranges; k++) {
			const struct wf_book_range *r = &w->ranges[k];

			i64(w->c.id, id);
			unsep(r->counted_names && r->counted_names[0]
				  ? r->counted_names
				  : r->counted_by,
			      who, sizeof(who));
			when(r->started_at, a);
			when(r->ended_at, z);
			opt64(r->expected, e);
			opt64(r->seen, s);
			opt64(r->in_place, p);
			te += r->expected > 0 ? r->expected : 0;
			ts += r->seen > 0 ? r->seen : 0;
			tp += r->in_place > 0 ? r->in_place : 0;
			rc = pdf_table_row(d, (const char *[]){id, r->path, who,
							       a, z, e, s, p});
		}
	}
	i64(te, e);
	i64(ts, s);
	i64(tp, p);
	if (rc == 0)
		rc = pdf_table_total(
		    d, (const char *[]){_("Total"), "", "", "", "", e, s, p});
	return rc ? rc : pdf_table_end(d);
}

static int book_disc(struct pdf_doc *d, const struct wf_book *b)
{
	const struct pdf_col cols[] = {
	    {_("Count"), 0.6, 1},	{_("Discrepancy"), 1, 0},
	    {_("Management ID"), 1, 0}, {_("Serial"), 1.2, 0},
	    {_("Home"), 1.3, 0},	{_("Found"), 1.3, 0},
	    {_("Resolution"), 1, 0},	{_("By"), 0.7, 0},
	    {_("Note"), 2, 0},
	};
	char id[24];
	size_t n = 0;
	int rc = pdf_table_begin(d, cols, 9);

	for (size_t i = 0; rc == 0 && i < b->ncounts; i++) {
		const struct wf_book_count *w = &b->counts[i];

		for (size_t k = 0; rc == 0 && k < w->disc.n; k++) {
			const struct disc_item *it = &w->disc.v[k];

			i64(w->c.id, id);
			rc = pdf_table_row(
			    d,
			    (const char *[]){
				id, word(recon_disc_name(it->kind)),
				it->mgmt_id, it->serial, it->location,
				it->found,
				it->resolved ? word(it->res.reason) : _("open"),
				it->resolved ? it->res.by : "",
				it->resolved ? it->res.note : ""});
			n++;
		}
	}
	if (rc == 0) {
		char t[24];

		i64((int64_t)n, t);
		rc = pdf_table_total(d, (const char *[]){_("Total"), t, "", "",
							 "", "", "", "", ""});
	}
	return rc ? rc : pdf_table_end(d);
}

struct pdf_doc *pdf_book(const struct wf_book *b,
			 const struct wf_book_trend *trend,
			 const struct pdf_meta *m)
{
	struct pdf_doc *d = doc_new(_("Record book of counts"), b->month, m);
	int rc;

	if (!d)
		return NULL;
	rc = pdf_heading(d, _("Counts begun this month"));
	if (rc == 0)
		rc = book_counts(d, b);
	if (rc == 0)
		rc = pdf_heading(d, _("Ranges"));
	if (rc == 0)
		rc = book_ranges(d, b);
	if (rc == 0)
		rc = pdf_heading(d, _("Discrepancies and resolutions"));
	if (rc == 0)
		rc = book_disc(d, b);
	if (rc == 0 && trend)
		rc = book_trend(d, trend);
	return finish(d, rc);
}

/* ---- the daily report ---- */

static int daily_counts(struct pdf_doc *d, const struct wf_daily *w)
{
	const struct pdf_col cols[] = {
	    {_("Count"), 0.6, 1},     {_("Kind"), 0.9, 0},
	    {_("Started"), 1.5, 0},   {_("Closed"), 1.5, 0},
	    {_("Expected"), 0.9, 1},  {_("Read"), 0.8, 1},
	    {_("In place"), 0.8, 1},  {_("Missing"), 0.8, 1},
	    {_("Misplaced"), 0.9, 1}, {_("Extra"), 0.7, 1},
	};
	size_t t[6] = {0};
	char c[10][128]; /* a time and a staff code fit */
	int rc = pdf_heading(d, _("Counts"));

	if (rc == 0)
		rc = pdf_table_begin(d, cols, 10);
	for (size_t i = 0; rc == 0 && i < w->ncounts; i++) {
		const struct wf_daily_count *r = &w->counts[i];
		char a[TIME_ISO_BUF], z[TIME_ISO_BUF];
		size_t v[6] = {r->expected, r->seen,	  r->ok,
			       r->missing,  r->misplaced, r->extra};

		when(r->sess.started_at, a);
		when(r->sess.closed_at, z);
		snprintf(c[0], sizeof(c[0]), "%lld", (long long)r->sess.id);
		snprintf(c[1], sizeof(c[1]), "%s",
			 word(session_kind_name(r->sess.kind)));
		snprintf(c[2], sizeof(c[2]), "%s %s", a, r->sess.started_by);
		snprintf(c[3], sizeof(c[3]), "%s %s", z[0] ? z : _("open"),
			 r->sess.closed_by);
		for (int k = 0; k < 6; k++) {
			t[k] += v[k];
			snprintf(c[4 + k], sizeof(c[4 + k]), "%zu", v[k]);
		}
		rc = pdf_table_row(d, (const char *[]){c[0], c[1], c[2], c[3],
						       c[4], c[5], c[6], c[7],
						       c[8], c[9]});
	}
	for (int k = 0; k < 6; k++)
		snprintf(c[4 + k], sizeof(c[4 + k]), "%zu", t[k]);
	if (rc == 0)
		rc = pdf_table_total(d, (const char *[]){_("Total"), "", "", "",
							 c[4], c[5], c[6], c[7],
							 c[8], c[9]});
	return rc ? rc : pdf_table_end(d);
}

static int daily_tallies(struct pdf_doc *d, const struct wf_daily *w)
{
	const struct pdf_col cols[] = {
	    {_("Tally"), 0.6, 1},     {_("Started"), 1.5, 0},
	    {_("Closed"), 1.5, 0},    {_("Expected"), 0.9, 1},
	    {_("Still out"), 0.9, 1}, {_("Balanced"), 0.9, 0},
	    {_("Note"), 3, 0},
	};
	char id[24], a[TIME_ISO_BUF], z[TIME_ISO_BUF], e[24], o[24];
	int rc = pdf_heading(d, _("Window tallies"));

	if (rc == 0)
		rc = pdf_table_begin(d, cols, 7);
	for (size_t i = 0; rc == 0 && i < w->ntallies; i++) {
		const struct wf_daily_tally *t = &w->tallies[i];

		i64(t->sess.id, id);
		when(t->sess.started_at, a);
		when(t->sess.closed_at, z);
		i64((int64_t)t->t.expected, e);
		i64((int64_t)t->nout, o);
		rc = pdf_table_row(
		    d, (const char *[]){id, a, z[0] ? z : _("open"), e, o,
					t->balanced ? _("yes") : _("no"),
					t->note});
	}
	return rc ? rc : pdf_table_end(d);
}

static void key_flags_text(unsigned flags, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s%s", flags & KEY_FLAG_LONG ? _("too long") : "",
		 (flags & KEY_FLAG_LONG) && (flags & KEY_FLAG_OFF_HOURS) ? ", "
									 : "",
		 flags & KEY_FLAG_OFF_HOURS ? _("off hours") : "");
}

/* The openings of the safe as a table (the daily report, the key log). */
static int openings_table(struct pdf_doc *d, const struct wf_opening *v,
			  size_t n)
{
	const struct pdf_col cols[] = {
	    {_("Opened"), 1.5, 0},	{_("By"), 0.7, 0},
	    {_("Approved by"), 0.9, 0}, {_("Closed"), 1.5, 0},
	    {_("Minutes"), 0.7, 1},	{_("Purpose"), 2.4, 0},
	    {_("Flags"), 1.2, 0},
	};
	char a[TIME_ISO_BUF], z[TIME_ISO_BUF], mins[24], fl[96];
	int rc = pdf_table_begin(d, cols, 7);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct wf_opening *o = &v[i];

		when(o->o.opened_at, a);
		when(o->o.closed_at, z);
		i64(o->minutes, mins);
		key_flags_text(o->flags, fl, sizeof(fl));
		rc = pdf_table_row(
		    d, (const char *[]){a, o->o.opened_by, o->o.approved_by,
					z[0] ? z : _("still open"), mins,
					o->o.purpose, fl});
	}
	if (rc == 0) {
		char t[24];

		i64((int64_t)n, t);
		rc = pdf_table_total(
		    d, (const char *[]){_("Total"), t, "", "", "", "", ""});
	}
	return rc ? rc : pdf_table_end(d);
}

static int daily_custody(struct pdf_doc *d, const struct wf_daily *w)
{
	const struct pdf_col cols[] = {
	    {_("Movement"), 2, 0}, {_("By"), 2, 0}, {_("How many"), 1, 1}};
	char n[24];
	int64_t t = 0;
	int rc = pdf_heading(d, _("Custody movements"));

	if (rc == 0)
		rc = pdf_table_begin(d, cols, 3);
	for (size_t i = 0; rc == 0 && i < w->ncustody; i++) {
		i64(w->custody[i].n, n);
		t += w->custody[i].n;
		rc = pdf_table_row(d, (const char *[]){w->custody[i].kind,
						       w->custody[i].by, n});
	}
	i64(t, n);
	if (rc == 0)
		rc = pdf_table_total(d, (const char *[]){_("Total"), "", n});
	return rc ? rc : pdf_table_end(d);
}

static int daily_disposals(struct pdf_doc *d, const struct wf_daily *w)
{
	const struct pdf_col cols[] = {
	    {_("Batch"), 0.6, 0}, {_("Started"), 1.5, 0}, {_("Closed"), 1.5, 0},
	    {_("Method"), 1, 0},  {_("Witness"), 0.8, 0}, {_("Cards"), 0.7, 1},
	};
	char id[24], a[TIME_ISO_BUF], z[TIME_ISO_BUF], n[24];
	int64_t t = 0;
	int rc = pdf_heading(d, _("Disposals"));

	if (rc == 0)
		rc = pdf_table_begin(d, cols, 6);
	for (size_t i = 0; rc == 0 && i < w->ndisposals; i++) {
		const struct disposal_batch_rec *b = &w->disposals[i];

		snprintf(id, sizeof(id), "D%lld", (long long)b->id);
		when(b->started_at, a);
		when(b->closed_at, z);
		i64(b->ncards, n);
		t += b->ncards;
		rc = pdf_table_row(
		    d, (const char *[]){
			   id, a, z[0] ? z : _("open"), word(b->method),
			   b->closed_at ? b->close_witness : b->witness, n});
	}
	i64(t, n);
	if (rc == 0)
		rc = pdf_table_total(
		    d, (const char *[]){_("Total"), "", "", "", "", n});
	return rc ? rc : pdf_table_end(d);
}

static int daily_notes(struct pdf_doc *d, const struct wf_daily *w)
{
	const struct pdf_col cols[] = {{_("Time"), 1.4, 0},
				       {_("By"), 0.8, 0},
				       {_("Card"), 1, 0},
				       {_("Near-miss"), 5, 0}};
	char a[TIME_ISO_BUF];
	int rc = pdf_heading(d, _("Near-misses"));

	if (rc == 0)
		rc = pdf_table_begin(d, cols, 4);
	for (size_t i = 0; rc == 0 && i < w->nnotes; i++) {
		when(w->notes[i].at, a);
		rc = pdf_table_row(d, (const char *[]){a, w->notes[i].staff,
						       w->notes[i].mgmt_id,
						       w->notes[i].text});
	}
	return rc ? rc : pdf_table_end(d);
}

static int daily_audit(struct pdf_doc *d, const struct wf_daily *w)
{
	const struct wf_daily_audit *a = &w->audit;
	char line[512], code[PDF_CHECK_CODE_BUF];
	int rc = pdf_heading(d, _("Audit chain"));

	if (rc)
		return rc;
	if (a->problem == AUDIT_INTACT)
		snprintf(line, sizeof(line),
			 _("intact: %lld entries over %lld records"),
			 (long long)a->entries, (long long)a->records);
	else
		snprintf(line, sizeof(line), _("BROKEN: %s (%s %lld)"),
			 audit_problem_name(a->problem), a->table,
			 (long long)a->bad_id);
	rc = pdf_text(d, line);
	if (rc || !a->anchored)
		return rc ? rc
			  : pdf_text(d, _("no anchor can be given for this "
					  "day"));
	pdf_check_code(a->anchor_hex, code);
	snprintf(line, sizeof(line),
		 _("anchor at the end of the day: entry %lld, check code %s"),
		 (long long)a->anchor_entry, code);
	rc = pdf_text(d, line);
	if (rc == 0)
		rc = pdf_mono(d, a->anchor_hex);
	return rc;
}

struct pdf_doc *pdf_daily(const struct wf_daily *w, const struct pdf_meta *m)
{
	char day[11];
	struct pdf_doc *d;
	int rc;

	date_format(w->day, day);
	d = doc_new(_("Daily report"), day, m);
	if (!d)
		return NULL;
	rc = daily_counts(d, w);
	if (rc == 0)
		rc = daily_tallies(d, w);
	if (rc == 0)
		rc = pdf_heading(d, _("Safe openings"));
	if (rc == 0)
		rc = openings_table(d, w->openings, w->nopenings);
	if (rc == 0)
		rc = daily_custody(d, w);
	if (rc == 0)
		rc = daily_disposals(d, w);
	if (rc == 0)
		rc = daily_notes(d, w);
	if (rc == 0)
		rc = daily_audit(d, w);
	return finish(d, rc);
}

/* ---- the incident report ---- */

static int incident_card(struct pdf_doc *d, const struct wf_incident_card *k)
{
	const struct pdf_col ev_cols[] = {{_("Time"), 1.5, 0},
					  {_("Movement"), 1, 0},
					  {_("By"), 0.8, 0},
					  {_("From"), 2, 0},
					  {_("To"), 2, 0}};
	const struct disc_item *it = &k->it;
	char line[1024], a[TIME_ISO_BUF], z[TIME_ISO_BUF];
	int rc;

	snprintf(line, sizeof(line), _("%s  serial %s  home %s  ledger: %s"),
		 it->mgmt_id, it->serial, it->location,
		 word(card_status_name(k->status)));
	rc = pdf_heading(d, line);
	when(k->last_seen.at, a);
	if (rc == 0 && k->last_seen.at)
		snprintf(line, sizeof(line), _("last seen %s at %s by %s %s"),
			 a, k->last_seen.location, k->last_seen.by,
			 k->last_seen_name);
	else
		snprintf(line, sizeof(line), "%s",
			 _("last seen: never since the stock list import"));
	if (rc == 0)
		rc = pdf_text(d, line);
	when(k->from, a);
	when(k->to, z);
	snprintf(line, sizeof(line), _("loss window %s - %s"), a, z);
	if (rc == 0)
		rc = pdf_text(d, line);
	if (rc == 0 && it->resolved) {
		snprintf(line, sizeof(line), _("resolution %s by %s: %s"),
			 word(it->res.reason), it->res.by, it->res.note);
		rc = pdf_text(d, line);
	}
	if (rc == 0)
		rc = pdf_table_begin(d, ev_cols, 5);
	for (size_t i = 0; rc == 0 && i < k->nevents; i++) {
		const struct wf_custody_event *e = &k->events[i];

		when(e->at, a);
		rc = pdf_table_row(
		    d, (const char *[]){a, e->kind, e->by, e->from, e->to});
	}
	if (rc == 0)
		rc = pdf_table_end(d);
	for (size_t i = 0; rc == 0 && i < k->npeople; i++) {
		const struct wf_person *p = &k->people[i];

		snprintf(
		    line, sizeof(line), "%s %s: %s%s%s", p->code, p->name,
		    p->roles & WF_PERSON_HANDLED ? _("handled it") : "",
		    p->roles == (WF_PERSON_HANDLED | WF_PERSON_COUNTED) ? ", "
									: "",
		    p->roles & WF_PERSON_COUNTED ? _("counted its range") : "");
		rc = pdf_text(d, line);
	}
	for (size_t i = 0; rc == 0 && i < k->nopenings; i++) {
		const struct key_opening_rec *o = &k->openings[i];

		when(o->opened_at, a);
		when(o->closed_at, z);
		snprintf(line, sizeof(line),
			 _("safe opened %s by %s, approved by %s, closed %s: "
			   "%s"),
			 a, o->opened_by, o->approved_by, z[0] ? z : _("never"),
			 o->purpose);
		rc = pdf_text(d, line);
	}
	return rc;
}

struct pdf_doc *pdf_incident(const struct wf_incident *in,
			     const struct pdf_meta *m)
{
	char period[128], a[TIME_ISO_BUF], line[128];
	struct pdf_doc *d;
	int rc;

	when(in->sess.started_at, a);
	snprintf(period, sizeof(period), _("count %lld (%s) begun %s"),
		 (long long)in->sess.id, word(session_kind_name(in->sess.kind)),
		 a);
	d = doc_new(_("Incident report"), period, m);
	if (!d)
		return NULL;
	snprintf(line, sizeof(line), _("%zu cards missing and not found since"),
		 in->ncards);
	rc = pdf_text(d, line);
	for (size_t i = 0; rc == 0 && i < in->ncards; i++)
		rc = incident_card(d, &in->cards[i]);
	return finish(d, rc);
}

/* ---- the disposal ledger ---- */

/* 1 when t falls in month "YYYY-MM" (local). */
static int in_month(int64_t t, const char *month)
{
	char iso[TIME_ISO_BUF];

	if (!t)
		return 0;
	time_format_iso(t, wf_utc_offset(t), iso);
	return strncmp(iso, month, 7) == 0;
}

static int disposal_batch(struct pdf_doc *d, const struct wf_disposal *x)
{
	const struct pdf_col cols[] = {
	    {_("Management ID"), 1.2, 0},
	    {_("Serial"), 1.5, 0},
	    {_("Why"), 1, 0},
	    {_("Due since"), 1, 0},
	    {_("Scanned"), 1.5, 0},
	    {_("Scanned by"), 0.9, 0},
	};
	const struct disposal_batch_rec *b = &x->b;
	char line[512], a[TIME_ISO_BUF], z[TIME_ISO_BUF], due[11], n[24];
	int rc;

	when(b->started_at, a);
	when(b->closed_at, z);
	snprintf(line, sizeof(line), _("Batch D%lld"), (long long)b->id);
	rc = pdf_heading(d, line);
	snprintf(line, sizeof(line), _("begun %s by %s, witness %s"), a,
		 b->started_by, b->witness);
	if (rc == 0)
		rc = pdf_text(d, line);
	if (b->closed_at)
		snprintf(line, sizeof(line),
			 _("closed %s by %s, witness %s; method %s; "
			   "certificate %s"),
			 z, b->closed_by, b->close_witness, word(b->method),
			 b->certificate[0] ? b->certificate : "-");
	else
		snprintf(line, sizeof(line), "%s", _("still open"));
	if (rc == 0)
		rc = pdf_text(d, line);
	if (rc == 0)
		rc = pdf_table_begin(d, cols, 6);
	for (size_t i = 0; rc == 0 && i < x->ncards; i++) {
		const struct wf_disposal_card *c = &x->cards[i];

		day_text(c->due_since, due);
		when(c->scanned_at, a);
		rc = pdf_table_row(d, (const char *[]){c->mgmt_id, c->serial,
						       c->why, due, a,
						       c->scanned_by});
	}
	i64((int64_t)x->ncards, n);
	if (rc == 0)
		rc = pdf_table_total(
		    d, (const char *[]){_("Total"), n, "", "", "", ""});
	return rc ? rc : pdf_table_end(d);
}

struct pdf_doc *pdf_disposal(const struct wf_disposal_list *list, int64_t batch,
			     const char *month, const struct pdf_meta *m)
{
	char period[64] = "";
	struct pdf_doc *d;
	int64_t cards = 0;
	size_t nb = 0;
	int rc = 0;

	if (batch)
		snprintf(period, sizeof(period), "D%lld", (long long)batch);
	else if (month && month[0])
		snprintf(period, sizeof(period), "%s", month);
	d = doc_new(_("Disposal ledger"), period, m);
	if (!d)
		return NULL;
	for (size_t i = 0; rc == 0 && i < list->n; i++) {
		const struct wf_disposal *x = &list->v[i];

		if (batch && x->b.id != batch)
			continue;
		if (!batch && month && month[0] &&
		    !in_month(x->b.started_at, month) &&
		    !in_month(x->b.closed_at, month))
			continue;
		rc = disposal_batch(d, x);
		nb++;
		cards += (int64_t)x->ncards;
	}
	if (rc == 0) {
		char line[128];

		snprintf(line, sizeof(line), _("%zu batches, %lld cards"), nb,
			 (long long)cards);
		rc = pdf_heading(d, line);
	}
	return finish(d, rc);
}

/* ---- the key log and the tallies ---- */

struct pdf_doc *pdf_key_log(const struct wf_opening *v, size_t n,
			    const struct pdf_meta *m)
{
	struct pdf_doc *d = doc_new(_("Key log of the safe"), "", m);
	int rc;

	if (!d)
		return NULL;
	rc = openings_table(d, v, n);
	return finish(d, rc);
}

struct pdf_doc *pdf_tally(const struct pdf_tally_row *v, size_t n,
			  const struct pdf_meta *m)
{
	const struct pdf_col cols[] = {
	    {_("Tally"), 0.6, 1},    {_("Started"), 1.5, 0},
	    {_("Closed"), 1.5, 0},   {_("Witness"), 0.8, 0},
	    {_("Expected"), 0.9, 1}, {_("Missing"), 0.9, 1},
	    {_("Note"), 3, 0},
	};
	struct pdf_doc *d = doc_new(_("Window tallies"), "", m);
	char id[24], a[TIME_ISO_BUF], z[TIME_ISO_BUF], e[24], x[24];
	int64_t te = 0, tm = 0;
	int rc;

	if (!d)
		return NULL;
	rc = pdf_table_begin(d, cols, 7);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		i64(v[i].id, id);
		when(v[i].started_at, a);
		when(v[i].closed_at, z);
		i64(v[i].expected, e);
		i64(v[i].missing, x);
		te += v[i].expected;
		tm += v[i].missing;
		rc = pdf_table_row(
		    d, (const char *[]){id, a, z[0] ? z : _("open"),
					v[i].witness, e, x, v[i].note});
	}
	i64(te, e);
	i64(tm, x);
	if (rc == 0)
		rc = pdf_table_total(
		    d, (const char *[]){_("Total"), "", "", "", e, x, ""});
	if (rc == 0)
		rc = pdf_table_end(d);
	return finish(d, rc);
}

void pdf_check_code(const char *hex, char out[PDF_CHECK_CODE_BUF])
{
	out[0] = '\0';
	if (!hex || strlen(hex) < 8)
		return;
	for (int i = 0; i < 8; i++) {
		char ch = hex[i];

		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		out[i < 4 ? i : i + 1] = ch;
	}
	out[4] = '-';
	out[9] = '\0';
}
