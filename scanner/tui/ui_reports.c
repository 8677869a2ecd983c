/*
 * Report viewing: the day's report (`report daily`), the record book of a
 * month (`report record-book`), the incident report of a count (`report
 * incident`) and the reconciliation of a session (`reconcile`): the same
 * workflows as the commands (wf_daily, wf_book, wf_incident,
 * wf_reconcile) give the facts as structs, drawn here in the screen's
 * language (codes such as missing or checked_out as words) and shown as
 * scrollable lines.  Lines are cut to the width by columns (cols_fit), never
 * in the middle of a Japanese character; Left/Right shift the view for
 * the 80-column reports on a narrower terminal.  A report shown can be
 * saved as PDF (s) into the reports' directory, which the screen names,
 * and printed (p) with lp (ui_paper.c): the same workflow asked again for
 * the moment the screen showed, drawn by scanner/pdf/ in the screen's
 * language.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/clock.h"
#include "../workflow/wf.h"
#include "ui.h"
#include "ui_paper.h"

/* ---- scrollable text: pure, tested in tests/test_ui.c ---- */

int ui_text_load(struct ui_text *t, const char *buf, size_t len)
{
	size_t cap = 0;

	memset(t, 0, sizeof(*t));
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (buf + at)) : len - at;

		if (t->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **p = realloc(t->line, ncap * sizeof(*p));

			if (!p)
				goto nomem;
			t->line = p;
			cap = ncap;
		}
		/* A CRLF (the CSV's) shows as one line. */
		t->line[t->n] =
		    strndup(buf + at, n && buf[at + n - 1] == '\r' ? n - 1 : n);
		if (!t->line[t->n])
			goto nomem;
		t->n++;
		at += n + 1;
	}
	return 0;
nomem:
	ui_text_free(t);
	return -1;
}

void ui_text_free(struct ui_text *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->line[i]);
	free(t->line);
	memset(t, 0, sizeof(*t));
}

void ui_text_render(const struct ui_text *t, int rows, struct ui_view *v)
{
	char fitted[UI_LINE_BYTES];
	int room = rows, cols = v->cols - 1;

	if (room < 1)
		room = 1;
	if (t->n > (size_t)t->top + (size_t)room)
		room--; /* the last row says there is more */
	for (int i = 0; i < room && (size_t)(t->top + i) < t->n; i++) {
		cols_fit(fitted, sizeof(fitted),
		       cols_skip(t->line[t->top + i], t->left), cols, 0);
		ui_view_add(v, UI_A_NORMAL, "%s", fitted);
	}
	if (t->n > (size_t)t->top + (size_t)room) {
		char more[128];

		snprintf(more, sizeof(more),
			 _("(lines %d-%d of %zu: more below)"), t->top + 1,
			 t->top + room, t->n);
		cols_fit(fitted, sizeof(fitted), more, cols, 0);
		ui_view_add(v, UI_A_DIM, "%s", fitted);
	}
}

int ui_text_key(struct ui_text *t, int key, int rows)
{
	int last = t->n > (size_t)rows ? (int)t->n - rows + 1 : 0;

	switch (key) {
	case UI_KEY_DOWN:
		t->top++;
		break;
	case UI_KEY_UP:
		t->top--;
		break;
	case UI_KEY_PGDN:
	case ' ':
		t->top += rows - 1;
		break;
	case UI_KEY_PGUP:
		t->top -= rows - 1;
		break;
	case UI_KEY_HOME:
		t->top = 0;
		break;
	case UI_KEY_END:
		t->top = last;
		break;
	case UI_KEY_RIGHT:
		t->left += 10;
		return 1;
	case UI_KEY_LEFT:
		t->left = t->left >= 10 ? t->left - 10 : 0;
		return 1;
	default:
		return 0;
	}
	if (t->top > last)
		t->top = last;
	if (t->top < 0)
		t->top = 0;
	return 1;
}

/* ---- the reports, drawn from the workflow's structs in the language of
 * the screen ---- */

/* A code of the ledger (a session's kind, a discrepancy, a status, a
 * reason, a movement, a disposal method) as a word of the screen's
 * language (wf_word); the code itself when it has none. */
static const char *word(const char *code)
{
	return ui_word(code);
}

/* "10:05" on the day of `day_of` (0: never), else "2026-03-01 10:05". */
static void hhmm(int64_t t, int64_t from, int64_t to, char out[UI_TIME_BUF])
{
	ui_time_short(t, out);
	if (t >= from && t < to && strlen(out) > 11)
		memmove(out, out + 11, strlen(out + 11) + 1);
}

static void session_line(FILE *f, const struct session_rec *s, int64_t from,
			 int64_t to)
{
	char a[UI_TIME_BUF], b[UI_TIME_BUF];

	hhmm(s->started_at, from, to, a);
	fprintf(f, "  #%lld %s, ", (long long)s->id,
		word(session_kind_name(s->kind)));
	fprintf(f, _("started %s by %s"), a, s->started_by);
	if (s->closed_at) {
		hhmm(s->closed_at, from, to, b);
		fputs(", ", f);
		fprintf(f, _("closed %s by %s"), b, s->closed_by);
		if (s->witness[0]) {
			fputs(", ", f);
			fprintf(f, _("witness %s"), s->witness);
		}
	} else {
		fprintf(f, ", %s", _("still open"));
	}
	fputc('\n', f);
}

static void heading(FILE *f, const char *title, size_t n)
{
	fprintf(f, "\n%s (%zu)\n", title, n);
}

/* A section of the daily report: its heading, as the printed one. */
static void section(FILE *f, const char *title)
{
	fprintf(f, "\n%s\n", title);
}

static void none(FILE *f, size_t n)
{
	if (!n)
		fprintf(f, "  %s\n", _("none"));
}

static void draw_daily(FILE *f, const struct wf_daily *w)
{
	const struct wf_daily_audit *a = &w->audit;
	char day[11], t[UI_TIME_BUF], t2[UI_TIME_BUF];

	ui_date_text(w->day, day);
	ui_time_short(w->printed_at, t);
	fprintf(f, _("cardtally daily report %s"), day);
	fputc('\n', f);
	fprintf(f, _("printed %s"), t);
	fputc('\n', f);
	section(f, _("COUNTS"));
	for (size_t i = 0; i < w->ncounts; i++) {
		const struct wf_daily_count *c = &w->counts[i];

		session_line(f, &c->sess, w->from, w->to);
		fputs("     ", f);
		fprintf(f, _("expected %zu, read %zu, in place %zu"),
			c->expected, c->seen, c->ok);
		/* A count closes only with each one resolved. */
		if (c->discrepancy && c->sess.closed_at)
			fprintf(f, ": %s",
				_("discrepancies, each resolved at the close"));
		else if (c->discrepancy)
			fprintf(f, ": %s", _("DISCREPANCIES"));
		fputs("\n     ", f);
		fprintf(f,
			_("missing %zu, misplaced %zu, extra %zu, not in "
			  "stock %zu, due for disposal %zu"),
			c->missing, c->misplaced, c->extra, c->not_in_stock,
			c->disposal_due);
		fputc('\n', f);
	}
	none(f, w->ncounts);
	section(f, _("WINDOW TALLIES"));
	for (size_t i = 0; i < w->ntallies; i++) {
		const struct wf_daily_tally *r = &w->tallies[i];

		session_line(f, &r->sess, w->from, w->to);
		fputs("     ", f);
		fprintf(f,
			_("expected %zu: returned %zu, issued %zu, back since "
			  "%zu, missing %zu"),
			r->t.expected, r->t.by_state[TALLY_RETURNED],
			r->t.by_state[TALLY_ISSUED],
			r->t.by_state[TALLY_RESOLVED],
			r->t.by_state[TALLY_MISSING]);
		fprintf(f, ": %s\n",
			r->balanced ? _("balanced") : _("NOT BALANCED"));
		for (size_t k = 0; k < r->nout; k++) {
			const struct wf_tally_out *o = &r->out[k];

			ui_date_text(o->for_date, day);
			fputs("     ", f);
			fprintf(
			    f, _("still out: %s %s, checked out by %s for %s"),
			    o->is_asset ? _("terminal") : _("card"), o->name,
			    o->checked_out_by[0] ? o->checked_out_by : "?",
			    day);
			fputc('\n', f);
		}
		if (r->note[0])
			fprintf(f, "     %s: %s\n", _("note"), r->note);
	}
	none(f, w->ntallies);
	section(f, _("SAFE OPENINGS"));
	for (size_t i = 0; i < w->nopenings; i++) {
		const struct wf_opening *o = &w->openings[i];

		hhmm(o->o.opened_at, w->from, w->to, t);
		if (o->o.closed_at)
			hhmm(o->o.closed_at, w->from, w->to, t2);
		fprintf(f, "  %lld  %s - %s  ", (long long)o->o.id, t,
			o->o.closed_at ? t2 : _("open"));
		fprintf(f, _("%lld min"), (long long)o->minutes);
		fputs("\n      ", f);
		fprintf(f, _("by %s, approved by %s"), o->o.opened_by,
			o->o.approved_by);
		if (o->o.closed_by[0]) {
			fputs(", ", f);
			fprintf(f, _("closed by %s"), o->o.closed_by);
		}
		fprintf(f, "\n      %s\n", o->o.purpose);
		if (o->flags) {
			fprintf(f, "      %s:", _("FLAGGED"));
			if (o->flags & KEY_FLAG_LONG)
				fprintf(f, " %s", _("open too long"));
			if (o->flags & KEY_FLAG_OFF_HOURS)
				fprintf(f, " %s", _("outside office hours"));
			if (o->flags &
			    ~(unsigned)(KEY_FLAG_LONG | KEY_FLAG_OFF_HOURS))
				fprintf(f, " %s", _("other"));
			fputc('\n', f);
		}
	}
	none(f, w->nopenings);
	if (w->key_flagged) {
		fputs("  ", f);
		fprintf(f, _("%d flagged"), w->key_flagged);
		fputc('\n', f);
	}
	section(f, _("HANDLED WHILE THE SAFE WAS RECORDED CLOSED"));
	for (size_t i = 0; i < w->nsafe_closed; i++) {
		const struct wf_safe_closed *r = &w->safe_closed[i];

		hhmm(r->first, w->from, w->to, t);
		fprintf(f, "  %s  %s ", t, word(r->what));
		if (strcmp(r->what, "disposal") == 0)
			fprintf(f, "D%lld: %lld", (long long)r->session,
				(long long)r->n);
		else if (r->session)
			fprintf(f, "%lld: %lld", (long long)r->session,
				(long long)r->n);
		else
			fputs(r->item, f);
		fputs("  ", f);
		fprintf(f, _("by %s"), r->staff);
		fputc('\n', f);
	}
	none(f, w->nsafe_closed);
	section(f, _("CUSTODY MOVEMENTS (kind, by, how many)"));
	for (size_t i = 0; i < w->ncustody; i++) {
		const struct wf_custody_sum *c = &w->custody[i];
		char k[64];

		cols_fit(k, sizeof(k), word(c->kind), 12, 1);
		fprintf(f, "  %s %-12s %6lld\n", k, c->by[0] ? c->by : "?",
			(long long)c->n);
	}
	none(f, w->ncustody);
	section(f, _("DISPOSALS"));
	for (size_t i = 0; i < w->ndisposals; i++) {
		const struct disposal_batch_rec *b = &w->disposals[i];

		hhmm(b->started_at, w->from, w->to, t);
		fprintf(f, "  D%lld ", (long long)b->id);
		fprintf(f, _("started %s by %s"), t, b->started_by);
		fputs(", ", f);
		fprintf(f, _("witness %s"), b->witness);
		fputs("\n     ", f);
		if (b->closed_at) {
			hhmm(b->closed_at, w->from, w->to, t2);
			fprintf(f, _("closed %s by %s"), t2, b->closed_by);
			fputs(", ", f);
			fprintf(f, _("witness %s"), b->close_witness);
			fputs(": ", f);
			fprintf(f, _("%lld cards destroyed (%s)"),
				(long long)b->ncards, word(b->method));
		} else {
			fprintf(f, _("still open: %lld cards scanned"),
				(long long)b->ncards);
		}
		fputc('\n', f);
	}
	none(f, w->ndisposals);
	section(f, _("NEAR-MISSES"));
	for (size_t i = 0; i < w->nnotes; i++) {
		const struct wf_note *r = &w->notes[i];

		hhmm(r->at, w->from, w->to, t);
		fprintf(f, "  #%lld %s ", (long long)r->id, t);
		fprintf(f, _("by %s"), r->staff);
		if (r->mgmt_id[0])
			fprintf(f, ", %s %s", _("card"), r->mgmt_id);
		fprintf(f, "\n     %s\n", r->text);
	}
	none(f, w->nnotes);
	section(f, _("LOCKED ACCOUNTS (now)"));
	for (size_t i = 0; i < w->nlocked; i++)
		fprintf(f, "  %s (%s)\n", w->locked[i].code, w->locked[i].name);
	none(f, w->nlocked);
	section(f, _("AUDIT LOG"));
	if (a->problem != AUDIT_INTACT) {
		fprintf(f, "  %s: %s\n", _("BROKEN"), a->what);
		if (a->breaks_chain)
			fprintf(f, "  %s\n", _("no anchor can be given"));
	} else {
		fputs("  ", f);
		fprintf(f, _("intact: %lld entries"), (long long)a->entries);
		fputc('\n', f);
	}
	/* The chain head of the day, to write down and sign (issue 10). */
	if (a->anchored) {
		fprintf(f, "  %s\n", _("anchor at the end of the day:"));
		fprintf(f, "    --expect-rows %lld\n    --anchor %s\n",
			(long long)a->anchor_entry, a->anchor_hex);
	} else if (!a->breaks_chain) {
		fprintf(f, "  %s\n", _("no entries before the end of the day"));
	}
	fprintf(f, "\n%s: ____________________  %s: ____________\n",
		_("checked and signed (manager)"), _("date"));
}

static void draw_disc(FILE *f, const struct disc_item *it)
{
	char at[UI_TIME_BUF];

	fprintf(f, "    %s  %s  %s%s%s\n", word(recon_disc_name(it->kind)),
		it->mgmt_id[0] ? it->mgmt_id : it->serial,
		it->location[0] ? it->location : "-",
		it->found[0] ? " -> " : "", it->found);
	if (it->resolved) {
		ui_time_short(it->res.at, at);
		fputs("      ", f);
		fprintf(f, _("%s by %s at %s"), word(it->res.reason),
			it->res.by, at);
		fputc('\n', f);
		if (it->res.note[0])
			fprintf(f, "      %s: %s\n", _("note"), it->res.note);
	} else {
		fprintf(f, "      %s\n", _("open: no resolution yet"));
	}
}

static void draw_book(FILE *f, const struct wf_book *b)
{
	char a[UI_TIME_BUF], c[UI_TIME_BUF];

	fprintf(f,
		ngettext("Record book %s: %zu count begun this month",
			 "Record book %s: %zu counts begun this month",
			 b->ncounts),
		b->month, b->ncounts);
	fputc('\n', f);
	for (size_t i = 0; i < b->ncounts; i++) {
		const struct wf_book_count *w = &b->counts[i];

		ui_time_short(w->c.started_at, a);
		fputc('\n', f);
		if (w->c.recount_of)
			fprintf(f, _("Count %lld (%s, recount of count %lld)"),
				(long long)w->c.id,
				word(session_kind_name(w->c.kind)),
				(long long)w->c.recount_of);
		else
			fprintf(f, _("Count %lld (%s)"), (long long)w->c.id,
				word(session_kind_name(w->c.kind)));
		fputs("\n  ", f);
		fprintf(f, _("begun %s by %s"), a, w->c.started_by);
		fputs("\n  ", f);
		if (w->c.closed_at) {
			ui_time_short(w->c.closed_at, c);
			fprintf(f, _("closed %s by %s"), c, w->c.closed_by);
			if (w->c.witness[0]) {
				fputs(", ", f);
				fprintf(f, _("witness %s"), w->c.witness);
			}
		} else {
			fputs(_("still open"), f);
		}
		fputc('\n', f);
		for (size_t k = 0; k < w->nranges; k++) {
			const struct wf_book_range *r = &w->ranges[k];
			const char *who =
			    r->counted_by[0] ? r->counted_by : r->assignee;

			fprintf(f, "  %s  ", r->path);
			fputs(who[0] ? "" : _("nobody"), f);
			for (const char *p = who; *p; p++)
				fputs(*p == '\x1f' ? ", " : (char[2]){*p, 0},
				      f);
			fputc('\n', f);
			if (r->expected >= 0) {
				fputs("      ", f);
				fprintf(f,
					_("expected %lld  seen %lld  in place "
					  "%lld"),
					(long long)r->expected,
					(long long)r->seen,
					(long long)r->in_place);
				fputc('\n', f);
			}
		}
		fputs("  ", f);
		fprintf(f, _("discrepancies: %zu, %zu without a resolution"),
			w->disc.n, w->disc.unresolved);
		fputc('\n', f);
		for (size_t k = 0; k < w->disc.n; k++)
			draw_disc(f, &w->disc.v[k]);
	}
}

static void draw_incident(FILE *f, const struct wf_incident *in)
{
	char t[UI_TIME_BUF], t2[UI_TIME_BUF];

	ui_time_short(in->sess.started_at, t);
	fprintf(f, _("Incident report, count %lld (%s) begun %s"),
		(long long)in->sess.id, word(session_kind_name(in->sess.kind)),
		t);
	fputc('\n', f);
	fprintf(f, _("%zu cards missing and not found since"), in->ncards);
	fputc('\n', f);
	for (size_t i = 0; i < in->ncards; i++) {
		const struct wf_incident_card *k = &in->cards[i];
		const struct sighting *ls = &k->last_seen;

		fputc('\n', f);
		fprintf(f, _("%s  serial %s  home %s  ledger: %s"),
			k->it.mgmt_id, k->it.serial, k->it.location,
			word(card_status_name(k->status)));
		fputc('\n', f);
		if (k->it.resolved) {
			ui_time_short(k->it.res.at, t);
			fprintf(f, "  %s: ", _("resolution"));
			fprintf(f, _("%s by %s at %s"), word(k->it.res.reason),
				k->it.res.by, t);
			fputc('\n', f);
		} else {
			fprintf(f, "  %s: %s\n", _("resolution"),
				_("none yet"));
		}
		/* Where and by whom it was last seen: on lines of their own,
		 * so that nothing of it is cut at 80 columns. */
		if (ls->at) {
			ui_time_short(ls->at, t);
			fprintf(f, "  %s: %s\n", _("last seen"), t);
			fprintf(f, "    %s %s\n", _("at"),
				ls->location[0] ? ls->location : "?");
			fputs("    ", f);
			fprintf(f, _("by %s"), ls->by[0] ? ls->by : "?");
			if (k->last_seen_name[0])
				fprintf(f, " (%s)", k->last_seen_name);
			fputc('\n', f);
		} else {
			fprintf(f, "  %s: %s\n", _("last seen"),
				_("never since the stock list import"));
		}
		ui_time_short(k->from, t);
		ui_time_short(k->to, t2);
		fprintf(f, "  %s: %s - %s\n", _("window"), t, t2);
		fprintf(f, "  %s:\n", _("custody events in the window"));
		for (size_t j = 0; j < k->nevents; j++) {
			const struct wf_custody_event *e = &k->events[j];

			ui_time_short(e->at, t);
			fprintf(f, "    %s %s ", t, word(e->kind));
			fprintf(f, _("by %s"), e->by[0] ? e->by : "?");
			fputc('\n', f);
		}
		none(f, k->nevents);
		fprintf(f, "  %s:\n", _("people"));
		for (size_t j = 0; j < k->npeople; j++) {
			const struct wf_person *p = &k->people[j];

			fprintf(f, "    %s %s:", p->code, p->name);
			if (p->roles & WF_PERSON_HANDLED)
				fprintf(f, " %s", _("handled it"));
			if (p->roles & WF_PERSON_COUNTED)
				fprintf(f, " %s", _("counted its range"));
			fputc('\n', f);
		}
		none(f, k->npeople);
		fprintf(f, "  %s:\n", _("safe opened in the window"));
		for (size_t j = 0; j < k->nopenings; j++) {
			const struct key_opening_rec *o = &k->openings[j];

			ui_time_short(o->opened_at, t);
			fprintf(f, "    %s ", t);
			fprintf(f, _("by %s, approved by %s"), o->opened_by,
				o->approved_by);
			fprintf(f, "\n      %s\n", o->purpose);
		}
		none(f, k->nopenings);
	}
}

static void draw_reconcile(FILE *f, const struct wf_reconcile *w)
{
	char t[UI_TIME_BUF];

	fprintf(f, "%s %lld (%s)\n", _("Session"), (long long)w->sess.id,
		word(session_kind_name(w->sess.kind)));
	if (w->sess.kind == SESSION_TALLY) {
		fputs("  ", f);
		fprintf(f,
			_("expected %zu: returned %zu, issued %zu, back since "
			  "%zu, missing %zu"),
			w->tally.expected, w->tally.by_state[TALLY_RETURNED],
			w->tally.by_state[TALLY_ISSUED],
			w->tally.by_state[TALLY_RESOLVED],
			w->tally.by_state[TALLY_MISSING]);
		fputc('\n', f);
		heading(f, _("Not returned"), w->nout);
		for (size_t i = 0; i < w->nout; i++)
			fprintf(f, "  %s %s  %s\n",
				w->out[i].is_asset ? _("terminal") : _("card"),
				w->out[i].name, w->out[i].checked_out_by);
		return;
	}
	if (w->sess.kind == SESSION_COUNTONLY) {
		for (size_t i = 0; i < w->ntotals; i++) {
			const struct wf_total *r = &w->totals[i];

			fprintf(f, "  %s  ", r->range);
			if (r->counted < 0)
				fprintf(f, _("expected %lld, not counted"),
					(long long)r->expected);
			else
				fprintf(f, _("expected %lld, counted %lld"),
					(long long)r->expected,
					(long long)r->counted);
			fputc('\n', f);
		}
		fprintf(f, _("%zu ranges off"), w->off);
		fputc('\n', f);
		return;
	}
	const struct count_data *d = w->d;
	const struct recon_report *r = w->r;

	fputs("  ", f);
	fprintf(f, _("expected %zu, read %zu, in place %zu"), r->expected,
		r->seen, r->ok);
	fputc('\n', f);
	heading(f, _("Missing"), r->nmissing);
	for (size_t i = 0; i < r->nmissing; i++) {
		const struct count_card *k = &d->cards[r->missing[i]];
		const struct sighting *s = &w->last_seen[i];

		fprintf(f, "  %s  %s  %s\n", k->mgmt_id, k->serial,
			k->location);
		if (s->at) {
			ui_time_short(s->at, t);
			fprintf(f, "    %s: %s\n", _("last seen"), t);
			/* A tally's read is at the window, in no range. */
			if (s->tally) {
				fputs("      ", f);
				fprintf(f, _("in tally %lld"),
					(long long)s->tally);
				fputc('\n', f);
			} else {
				fprintf(f, "      %s %s\n", _("at"),
					s->location[0] ? s->location : "?");
			}
			fputs("      ", f);
			fprintf(f, _("by %s"), s->by[0] ? s->by : "?");
			fputc('\n', f);
		} else {
			fprintf(f, "    %s: %s\n", _("last seen"),
				_("never since the stock list import"));
		}
	}
	heading(f, _("Misplaced"), r->nmisplaced);
	for (size_t i = 0; i < r->nmisplaced; i++) {
		const struct recon_found *h = &r->misplaced[i];
		const struct count_card *k = &d->cards[h->card];

		fprintf(f, "  %s  %s -> %s\n", k->mgmt_id, k->location,
			h->range >= 0 ? d->ranges[h->range].path : "");
	}
	heading(f, _("Extra"), r->nextra);
	for (size_t i = 0; i < r->nextra; i++) {
		const struct count_scan *s = &d->scans[r->extra[i]];

		fprintf(f, "  %s  %s\n", s->serial,
			s->range >= 0 ? d->ranges[s->range].path : "");
	}
	heading(f, _("Not in stock"), r->nnot_in_stock);
	for (size_t i = 0; i < r->nnot_in_stock; i++) {
		const struct count_card *k = &d->cards[r->not_in_stock[i].card];

		fprintf(f, "  %s  %s\n", k->mgmt_id,
			word(card_status_name(k->status)));
	}
	heading(f, _("Checked out"), r->nchecked_out);
	for (size_t i = 0; i < r->nchecked_out; i++) {
		const struct count_card *k = &d->cards[r->checked_out[i]];

		fprintf(f, "  %s  ", k->mgmt_id);
		fprintf(f, _("by %s"),
			w->checked_out_by[i][0] ? w->checked_out_by[i] : "?");
		fputc('\n', f);
	}
	fprintf(f, "\n%s\n",
		w->found ? _("Discrepancies to resolve")
			 : _("Every expected card is in its place"));
}

/* ---- the screen ---- */

enum report_kind { REP_DAILY = 0, REP_BOOK, REP_INCIDENT, REP_RECONCILE, REPS };

static const char *const rep_title[REPS] = {
    N_("Daily report (today)"),
    N_("Record book of a month"),
    N_("Incident report of a count"),
    N_("Reconciliation of a count"),
};

/* What each report is called in the name of its PDF (ASCII, for every
 * file system and printer queue); NULL: it has no paper form. */
static const char *const rep_file[REPS] = {
    "daily-report",
    "record-book",
    "incident",
    NULL,
};

/* Lines of report text on the screen: the rows left under the header, the
 * report's title, the PDF's two lines and the keys, the message and the
 * key help. */
#define REPORT_ROWS(rows) ((rows)-7)
#define REPORT_KEY_ROWS	  REPORT_ROWS(24)

/* The counts listed to pick from (issue 18: the number was asked with
 * nothing to pick it from): every count, newest first, scrolling. */
struct count_pick {
	int64_t id;
	enum session_kind kind;
	int64_t started, closed;
};

/* Rows of the count list: what is left under the report's title, the
 * number asked, its help, the list's heading and position, with a row to
 * spare for a message that wraps. */
#define PICK_ROWS(rows) ((rows)-12)
#define PICK_KEY_ROWS	PICK_ROWS(24)

struct reports_state {
	int mode; /* 0: the list, 1: asking, 2: reading */
	int sel;
	struct count_pick *picks; /* newest first */
	size_t npicks;
	struct ui_list list;
	char arg[16]; /* the month or the count typed */
	struct ui_text text;
	char heading[128];
	int64_t now;		   /* the moment the report shown is of */
	char dir[UI_PAPER_PATH];   /* where its PDF goes, "" unknown */
	char saved[UI_PAPER_PATH]; /* the PDF saved last, "" none yet */
};

static int reports_enter(struct ui *u)
{
	u->state = calloc(1, sizeof(struct reports_state));
	return u->state ? 0 : ui_nomem(u);
}

static void reports_leave(struct ui *u)
{
	struct reports_state *st = u->state;

	if (st) {
		ui_text_free(&st->text);
		free(st->picks);
	}
	free(st);
}

static int add_pick(const struct session_rec *s, void *ctx)
{
	struct reports_state *st = ctx;
	struct count_pick *p;

	if (s->kind == SESSION_TALLY)
		return 0;
	p = realloc(st->picks, (st->npicks + 1) * sizeof(*p));
	if (!p)
		return 1;
	st->picks = p;
	p[st->npicks++] = (struct count_pick){s->id, s->kind, s->started_at,
					      s->closed_at};
	return 0;
}

/* Every count of the ledger, newest first, the newest highlighted. */
static int load_picks(struct ui *u, struct reports_state *st)
{
	int rc;

	free(st->picks);
	st->picks = NULL;
	st->npicks = 0;
	rc = ledger_session_between_each(u->l, 0, INT64_MAX, add_pick, st);
	for (size_t i = 0; i < st->npicks / 2; i++) {
		struct count_pick t = st->picks[i];

		st->picks[i] = st->picks[st->npicks - 1 - i];
		st->picks[st->npicks - 1 - i] = t;
	}
	ui_list_init(&st->list, st->npicks);
	return rc;
}

/* The count number asked, the counts listed under it to pick from. */
static void counts_view(const struct reports_state *st, struct ui_view *v)
{
	char line[UI_LINE_BYTES], pos[64], t[UI_TIME_BUF];
	int rows = PICK_ROWS(v->rows), at;
	size_t top;

	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _(rep_title[st->sel]));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	snprintf(line, sizeof(line), "  %s: %s", _("Count number"), st->arg);
	at = ui_view_add(v, UI_A_INPUT, "%s", line);
	v->cursor_line = at;
	v->cursor_col = cols_width(line);
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Up/Down: a count.  Enter shows it.  Esc cancels."));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (st->npicks == 0) {
		ui_view_add(v, UI_A_DIM, "  %s", _("No count yet"));
		return;
	}
	if (rows < 1)
		rows = 1;
	top = ui_list_top(&st->list, rows);
	for (size_t i = top; i < st->npicks && i < top + (size_t)rows; i++) {
		const struct count_pick *p = &st->picks[i];

		ui_time_short(p->started, t);
		ui_view_add(v, i == st->list.sel ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %s %s %-4lld %s  %s  %s",
			    i == st->list.sel ? ">" : " ", _("Count"),
			    (long long)p->id, word(session_kind_name(p->kind)),
			    t, p->closed ? _("closed") : _("open"));
	}
	ui_list_position(&st->list, rows, pos, sizeof(pos));
	ui_view_add(v, UI_A_DIM, "  %s", pos);
}

static void reports_view(const struct ui *u, struct ui_view *v)
{
	const struct reports_state *st = u->state;
	char line[UI_LINE_BYTES];
	int at;

	(void)u;
	if (st->mode == 2) {
		ui_view_add(v, UI_A_TITLE, "  %s", st->heading);
		ui_text_render(&st->text, REPORT_ROWS(v->rows), v);
		if (!rep_file[st->sel]) {
			ui_view_add(v, UI_A_DIM, "  %s",
				    _("No paper form of this report: the "
				      "incident report is the count's"));
			return;
		}
		/* The path on a line of its own: 77 columns of it shown
		 * whole, where a label before it would cut it. */
		if (st->saved[0]) {
			ui_view_add(v, UI_A_OK, "  %s", _("PDF saved:"));
			ui_view_add(v, UI_A_OK, "  %s", st->saved);
		} else {
			ui_view_add(v, UI_A_DIM, "  %s", _("PDF files go to"));
			ui_view_add(v, UI_A_DIM, "  %s",
				    st->dir[0] ? st->dir : "?");
		}
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("s save as PDF   p print   q back"));
		return;
	}
	if (st->mode == 1 && st->sel != REP_BOOK) {
		counts_view(st, v);
		return;
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("Choose a report"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	for (int i = 0; i < REPS; i++)
		ui_view_add(v, i == st->sel ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %d  %s", i + 1, _(rep_title[i]));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (st->mode == 1) {
		snprintf(line, sizeof(line), "  %s: %s",
			 st->sel == REP_BOOK ? _("Month (YYYY-MM)")
					     : _("Count number"),
			 st->arg);
		at = ui_view_add(v, UI_A_INPUT, "%s", line);
		v->cursor_line = at;
		v->cursor_col = cols_width(line);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Enter shows the report.  Esc cancels."));
	} else {
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Up/Down and Enter, or the number.  q back."));
	}
}

/* Asks the workflow for the report chosen and draws it into memory. */
static enum ui_result show(struct ui *u, struct reports_state *st)
{
	char *buf = NULL;
	size_t len = 0;
	int64_t now = ct_now(), id = 0;
	struct wf_err e;
	FILE *f;
	int rc;

	if (st->sel == REP_INCIDENT || st->sel == REP_RECONCILE) {
		char *end;

		id = strtoll(st->arg, &end, 10);
		if (!st->arg[0] || *end || id <= 0) {
			ui_message(u, UI_A_ALERT,
				   _("'%s' is not a count number"), st->arg);
			return UI_REDRAW;
		}
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		ui_message(u, UI_A_ALERT, "%s", _("out of memory"));
		return UI_REDRAW;
	}
	switch (st->sel) {
	case REP_DAILY: {
		struct wf_daily w;

		rc = wf_daily(u->l, wf_today(now), now, &u->conf.rules,
			      &u->conf.key, &w, &e);
		if (rc == 0) {
			draw_daily(f, &w);
			wf_daily_free(&w);
		}
		break;
	}
	case REP_BOOK: {
		struct wf_book b;

		rc = wf_book(u->l, st->arg, now, &u->conf.rules, &b, &e);
		if (rc == 0) {
			draw_book(f, &b);
			wf_book_free(&b);
		}
		break;
	}
	case REP_INCIDENT: {
		struct wf_incident in;

		rc = wf_incident(u->l, id, now, &u->conf.rules, &in, &e);
		if (rc == 0) {
			draw_incident(f, &in);
			wf_incident_free(&in);
		}
		break;
	}
	default: {
		struct wf_reconcile w;

		rc = wf_reconcile(u->l, id, now, &u->conf.rules, &w, &e);
		if (rc == 0) {
			draw_reconcile(f, &w);
			wf_reconcile_free(&w);
		}
		break;
	}
	}
	fclose(f);
	if (rc) {
		free(buf);
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	ui_text_free(&st->text);
	rc = ui_text_load(&st->text, buf, len);
	free(buf);
	if (rc < 0) {
		ui_message(u, UI_A_ALERT, "%s", _("out of memory"));
		return UI_REDRAW;
	}
	snprintf(st->heading, sizeof(st->heading), "%s %s",
		 _(rep_title[st->sel]), st->sel == REP_DAILY ? "" : st->arg);
	st->now = now;
	st->saved[0] = '\0';
	if (ui_paper_dir(&u->conf, st->dir, sizeof(st->dir)) != 0)
		st->dir[0] = '\0';
	st->mode = 2;
	ui_message(u, UI_A_NORMAL, "%s",
		   _("Up/Down PgUp/PgDn Home/End scroll, Left/Right shift, "
		     "q back"));
	return UI_REDRAW;
}

/* The report shown, asked again of its workflow for the same moment and
 * drawn as PDF in the screen's language; NULL with *e set when the
 * workflow refused, NULL with e->code 0 when out of memory. */
static struct pdf_doc *paper(struct ui *u, const struct reports_state *st,
			     struct wf_err *e)
{
	struct pdf_meta m = {.ward = u->conf.ward_name, .now = st->now};
	struct pdf_doc *d = NULL;

	memset(e, 0, sizeof(*e));
	switch (st->sel) {
	case REP_DAILY: {
		struct wf_daily w;

		if (wf_daily(u->l, wf_today(st->now), st->now, &u->conf.rules,
			     &u->conf.key, &w, e) == 0) {
			d = pdf_daily(&w, &m);
			wf_daily_free(&w);
		}
		break;
	}
	case REP_BOOK: {
		struct wf_book_trend trend;
		struct wf_book b;

		if (wf_book(u->l, st->arg, st->now, &u->conf.rules, &b, e))
			break;
		if (wf_book_trend(u->l, st->arg, st->now, &u->conf.rules,
				  &trend, e) == 0)
			d = pdf_book(&b, &trend, &m);
		wf_book_free(&b);
		break;
	}
	case REP_INCIDENT: {
		struct wf_incident in;

		if (wf_incident(u->l, strtoll(st->arg, NULL, 10), st->now,
				&u->conf.rules, &in, e) == 0) {
			d = pdf_incident(&in, &m);
			wf_incident_free(&in);
		}
		break;
	}
	default:
		break;
	}
	return d;
}

/* Why a PDF could not be saved, in the screen's language. */
static const char *save_why(int err, const char *dir, char *buf, size_t cap)
{
	switch (err) {
	case EACCES:
	case EPERM:
	case EROFS:
		snprintf(buf, cap, _("%s is not writable"), dir);
		return buf;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return _("the disk is full");
	case ENOENT:
	case ENOTDIR:
		snprintf(buf, cap, _("there is no directory %s"), dir);
		return buf;
	case ENOMEM:
		return _("out of memory");
	case ENAMETOOLONG:
		return _("the directory's name is too long");
	default:
		return strerror(err);
	}
}

/* Saves the report shown as PDF, remembered in st->saved; on failure the
 * message line says why.  0 and, with path, the file's path
 * (UI_PAPER_PATH bytes), or -1. */
static int save_pdf(struct ui *u, struct reports_state *st, char *path)
{
	char name[160], full[UI_PAPER_PATH], why[UI_PAPER_PATH + 64];
	char arg[32];
	struct pdf_doc *d;
	struct wf_err e;

	if (!rep_file[st->sel]) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("No paper form of this report: the incident "
			     "report is the count's"));
		return -1;
	}
	if (!st->dir[0] &&
	    ui_paper_dir(&u->conf, st->dir, sizeof(st->dir)) != 0) {
		ui_message(u, UI_A_ALERT, _("Cannot save the PDF: %s"),
			   save_why(errno, ".", why, sizeof(why)));
		return -1;
	}
	/* The drawing is a part of the program an installation may lack. */
	if (!pdf_available(why, sizeof(why))) {
		ui_message(u, UI_A_ALERT, _("Cannot save the PDF: %s"), why);
		u->bells = 3;
		return -1;
	}
	d = paper(u, st, &e);
	if (!d && e.code) {
		ui_fail(u, &e);
		return -1;
	}
	/* The daily report is of the day it is saved on; the others name
	 * their month or count. */
	if (st->sel == REP_INCIDENT)
		snprintf(arg, sizeof(arg), "count-%s", st->arg);
	else
		snprintf(arg, sizeof(arg), "%s",
			 st->sel == REP_BOOK ? st->arg : "");
	ui_paper_name(rep_file[st->sel], arg, st->now, name, sizeof(name));
	if (ui_paper_save(d, st->dir, name, full) != 0) {
		ui_message(u, UI_A_ALERT, _("Cannot save the PDF: %s"),
			   save_why(errno, st->dir, why, sizeof(why)));
		u->bells = 3;
		return -1;
	}
	snprintf(st->saved, sizeof(st->saved), "%s", full);
	if (path)
		snprintf(path, UI_PAPER_PATH, "%s", full);
	return 0;
}

static enum ui_result save(struct ui *u, struct reports_state *st)
{
	const char *name;

	/* The file's name: its directory is on the line above. */
	if (save_pdf(u, st, NULL) == 0) {
		name = strrchr(st->saved, '/');
		ui_message(u, UI_A_OK, _("Saved %s"),
			   name ? name + 1 : st->saved);
	}
	return UI_REDRAW;
}

/* Saves the report, then hands the file to lp; the message line says what
 * came of it, the line above the keys where the file is. */
static enum ui_result print(struct ui *u, struct reports_state *st)
{
	char file[UI_PAPER_PATH], err[160];
	const char *printer = u->conf.printer;
	int status;

	if (save_pdf(u, st, file) != 0)
		return UI_REDRAW;
	switch (ui_paper_print(printer, file, &status, err, sizeof(err))) {
	case UI_PAPER_PRINTED:
		if (printer[0])
			ui_message(u, UI_A_OK, _("Sent to the printer %s"),
				   printer);
		else
			ui_message(u, UI_A_OK, "%s",
				   _("Sent to the default printer"));
		break;
	case UI_PAPER_NO_LP:
		ui_message(u, UI_A_ALERT, "%s",
			   _("Printing is not installed (no lp): the PDF is "
			     "saved, see above"));
		break;
	case UI_PAPER_LP_FAILED:
		if (err[0])
			ui_message(u, UI_A_ALERT,
				   _("Printing failed (lp exit %d): %s"),
				   status, err);
		else
			ui_message(u, UI_A_ALERT,
				   _("Printing failed (lp exit %d)"), status);
		u->bells = 3;
		break;
	default:
		ui_message(u, UI_A_ALERT, _("Cannot start lp: %s"),
			   strerror(errno));
		u->bells = 3;
		break;
	}
	return UI_REDRAW;
}

static enum ui_result choose(struct ui *u, struct reports_state *st)
{
	char t[UI_TIME_BUF];

	st->arg[0] = '\0';
	if (st->sel == REP_DAILY)
		return show(u, st);
	if (st->sel == REP_BOOK) {
		ui_time_short(ct_now(), t);
		snprintf(st->arg, sizeof(st->arg), "%.7s", t);
	} else if (load_picks(u, st) < 0) {
		struct wf_err e;

		wf_fail_ledger(&e, u->l);
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	st->mode = 1;
	return UI_REDRAW;
}

/* The highlight follows a count number typed, when that count is listed. */
static void follow(struct reports_state *st)
{
	long long id = atoll(st->arg);

	for (size_t i = 0; i < st->npicks; i++)
		if (st->picks[i].id == id) {
			st->list.sel = i;
			st->list.top = ui_list_top(&st->list, PICK_KEY_ROWS);
			return;
		}
}

static enum ui_result reports_key(struct ui *u, int key)
{
	struct reports_state *st = u->state;
	size_t n = strlen(st->arg);

	if (st->mode == 2) {
		if (ui_text_key(&st->text, key, REPORT_KEY_ROWS))
			return UI_REDRAW;
		if (key == 's')
			return save(u, st);
		if (key == 'p')
			return print(u, st);
		if (key == 'q' || key == UI_KEY_ESC) {
			st->mode = 0;
			u->msg[0] = '\0';
			return UI_REDRAW;
		}
		return UI_IGNORED;
	}
	if (st->mode == 1) {
		/* Nothing typed: the count highlighted. */
		if (key == UI_KEY_ENTER && !st->arg[0] && st->sel != REP_BOOK &&
		    st->npicks)
			snprintf(st->arg, sizeof(st->arg), "%lld",
				 (long long)st->picks[st->list.sel].id);
		if (key == UI_KEY_ENTER)
			return show(u, st);
		/* The field takes digits and '-' only, so `q` is never
		 * typed into it: it goes back, as on every screen, instead
		 * of doing nothing under a key help that says "q back". */
		if (key == 'q' || key == UI_KEY_ESC) {
			st->mode = 0;
			u->msg[0] = '\0';
			return UI_REDRAW;
		}
		if (key == UI_KEY_BACKSPACE && n > 0) {
			st->arg[n - 1] = '\0';
			follow(st);
			return UI_REDRAW;
		}
		if (((key >= '0' && key <= '9') || key == '-') &&
		    n + 1 < sizeof(st->arg)) {
			st->arg[n] = (char)key;
			st->arg[n + 1] = '\0';
			follow(st);
			return UI_REDRAW;
		}
		/* The counts listed: the arrows pick one, its number typed
		 * for it. */
		if (st->sel != REP_BOOK &&
		    ui_list_key(&st->list, key, PICK_KEY_ROWS) ==
			UI_LIST_MOVED) {
			snprintf(st->arg, sizeof(st->arg), "%lld",
				 (long long)st->picks[st->list.sel].id);
			return UI_REDRAW;
		}
		return key < 0x80 && key >= 0x20 ? UI_HANDLED : UI_IGNORED;
	}
	if (key == UI_KEY_UP && st->sel > 0) {
		st->sel--;
		return UI_REDRAW;
	}
	if (key == UI_KEY_DOWN && st->sel + 1 < REPS) {
		st->sel++;
		return UI_REDRAW;
	}
	if (key >= '1' && key < '1' + REPS) {
		st->sel = key - '1';
		return choose(u, st);
	}
	if (key == UI_KEY_ENTER)
		return choose(u, st);
	if (key == 'q' || key == UI_KEY_ESC)
		return UI_LEAVE;
	return UI_IGNORED;
}

const struct ui_screen ui_reports_screen = {
    .name = "reports",
    .title = N_("Reports"),
    .in_menu = 1,
    .enter = reports_enter,
    .leave = reports_leave,
    .view = reports_view,
    .key = reports_key,
};
