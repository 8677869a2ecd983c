/*
 * `cardtally report daily [--date YYYY-MM-DD] [--json]`: what a manager
 * prints and signs each evening (seeds 000, 003: a record of the day that
 * someone answers for).  One day, local time: the counts worked on and
 * their results, the window tallies (balanced or not, and what is still
 * out), the openings of the safe with their flags, the cards handled while
 * the safe was recorded closed, the custody movements by kind and person,
 * the disposals, the near-misses (R22), the accounts locked now, and the
 * audit chain: verified, with its head at the end of the day (the anchor)
 * to be written down and checked later with `audit verify --anchor HASH
 * --expect-rows N`.  Read-only and without a PIN, like `status`.  Text is
 * laid out for 80 columns; the JSON holds everything the text shows.
 * Exit 1 only when the audit chain is broken.
 */
#include <stdlib.h>
#include <string.h>

#include "../workflow/config.h"
#include "cli_pdf.h"
#include "report.h"

struct daily {
	FILE *f;	   /* text */
	struct json_w *jw; /* JSON, or NULL for text */
	const struct wf_daily *w;
	int n; /* items in the current section */
	/* The safe's part and the locked accounts, printed by report.c. */
	struct report_list list;
};

/* A section: its JSON key or its heading; end_section closes it. */
static void begin_section(struct daily *d, const char *key, const char *heading)
{
	d->n = 0;
	if (d->jw) {
		json_w_key(d->jw, key);
		json_w_array(d->jw);
	} else {
		fprintf(d->f, "\n%s\n", _(heading));
	}
}

static void end_section(const struct daily *d)
{
	if (d->jw)
		json_w_end_array(d->jw);
	else if (d->n == 0)
		fprintf(d->f, "  %s\n", _("none"));
}

/* "10:05" on the report's day, else "2026-03-01 10:05". */
static void when(const struct daily *d, int64_t t, char out[24])
{
	char iso[TIME_ISO_BUF];

	cli_time_iso(t, iso);
	if (t >= d->w->from && t < d->w->to)
		snprintf(out, 24, "%.5s", iso + 11);
	else
		snprintf(out, 24, "%.10s %.5s", iso, iso + 11);
}

/* Between the parts of a line. */
static const char *sep(void)
{
	/* TRANSLATORS: between the parts of a line of the daily report
	 * ("#2 full, started 10:00 by M01, still open"). */
	return _(", ");
}

/* The session's people and times, shared by counts and tallies; in JSON
 * the item's object is left open for the rest. */
static void session_head(struct daily *d, const struct session_rec *s)
{
	char a[24], b[24];

	if (d->jw) {
		json_w_object(d->jw);
		json_w_key_int(d->jw, "session", s->id);
		json_w_key_str(d->jw, "kind", session_kind_name(s->kind));
		cli_json_key_time(d->jw, "started_at", s->started_at);
		json_w_key_str(d->jw, "started_by", s->started_by);
		cli_json_key_time(d->jw, "closed_at", s->closed_at);
		json_w_key_opt_str(d->jw, "closed_by", s->closed_by);
		json_w_key_opt_str(d->jw, "witness", s->witness);
		return;
	}
	when(d, s->started_at, a);
	fprintf(d->f, "  #%lld %s%s", (long long)s->id,
		cli_code(session_kind_name(s->kind)), sep());
	fprintf(d->f, _("started %s by %s"), a, s->started_by);
	if (s->closed_at) {
		when(d, s->closed_at, b);
		fputs(sep(), d->f);
		fprintf(d->f, _("closed %s by %s"), b, s->closed_by);
		if (s->witness[0]) {
			fputs(sep(), d->f);
			fprintf(d->f, _("witness %s"), s->witness);
		}
	} else {
		fprintf(d->f, "%s%s", sep(), _("still open"));
	}
}

/* ---- the sections, in the order printed ---- */

static void counts(struct daily *d)
{
	for (size_t i = 0; i < d->w->ncounts; i++) {
		const struct wf_daily_count *r = &d->w->counts[i];

		session_head(d, &r->sess);
		if (d->jw) {
			struct json_w *w = d->jw;

			json_w_key_uint(w, "expected", r->expected);
			json_w_key_uint(w, "seen", r->seen);
			json_w_key_uint(w, "ok", r->ok);
			json_w_key_uint(w, "missing", r->missing);
			json_w_key_uint(w, "misplaced", r->misplaced);
			json_w_key_uint(w, "extra", r->extra);
			json_w_key_uint(w, "not_in_stock", r->not_in_stock);
			json_w_key_uint(w, "disposal_due", r->disposal_due);
			json_w_key_bool(w, "discrepancies", r->discrepancy);
			/* A count closes only with each one resolved. */
			json_w_key_bool(w, "open_discrepancies",
					r->discrepancy && !r->sess.closed_at);
			json_w_end_object(w);
		} else {
			fputs("\n     ", d->f);
			fprintf(d->f, _("expected %zu, read %zu, in place %zu"),
				r->expected, r->seen, r->ok);
			/* A count closes only with each one resolved. */
			if (r->discrepancy && r->sess.closed_at)
				fprintf(d->f, ": %s",
					_("discrepancies, each resolved at the "
					  "close"));
			else if (r->discrepancy)
				fprintf(d->f, ": %s", _("DISCREPANCIES"));
			fputs("\n     ", d->f);
			fprintf(d->f,
				_("missing %zu, misplaced %zu, extra %zu, not "
				  "in stock %zu, due for disposal %zu"),
				r->missing, r->misplaced, r->extra,
				r->not_in_stock, r->disposal_due);
			fputc('\n', d->f);
		}
		d->n++;
	}
}

static void still_out(struct daily *d, const struct wf_tally_out *r)
{
	char day[11] = "-";

	if (r->for_date != DATE_NONE)
		date_format(r->for_date, day);
	if (d->jw) {
		json_w_object(d->jw);
		json_w_key_str(d->jw, r->is_asset ? "asset" : "mgmt_id",
			       r->name);
		json_w_key_opt_str(d->jw, "checked_out_by", r->checked_out_by);
		json_w_key_opt_str(d->jw, "for",
				   r->for_date != DATE_NONE ? day : NULL);
		json_w_end_object(d->jw);
	} else {
		fputs("     ", d->f);
		fprintf(d->f, _("still out: %s %s, checked out by %s for %s"),
			r->is_asset ? _("terminal") : _("card"), r->name,
			r->checked_out_by[0] ? r->checked_out_by : "?", day);
		fputc('\n', d->f);
	}
}

static void tallies(struct daily *d)
{
	for (size_t i = 0; i < d->w->ntallies; i++) {
		const struct wf_daily_tally *r = &d->w->tallies[i];
		const struct recon_tally *t = &r->t;

		session_head(d, &r->sess);
		if (d->jw) {
			struct json_w *w = d->jw;

			json_w_key_uint(w, "expected", t->expected);
			json_w_key_uint(w, "returned",
					t->by_state[TALLY_RETURNED]);
			json_w_key_uint(w, "issued", t->by_state[TALLY_ISSUED]);
			json_w_key_uint(w, "resolved",
					t->by_state[TALLY_RESOLVED]);
			json_w_key_uint(w, "missing",
					t->by_state[TALLY_MISSING]);
			json_w_key_bool(w, "balanced", r->balanced);
			json_w_key_opt_str(w, "note", r->note);
			json_w_key(w, "still_out");
			json_w_array(w);
		} else {
			fputs("\n     ", d->f);
			fprintf(d->f,
				_("expected %zu: returned %zu, issued %zu, "
				  "back since %zu, missing %zu"),
				t->expected, t->by_state[TALLY_RETURNED],
				t->by_state[TALLY_ISSUED],
				t->by_state[TALLY_RESOLVED],
				t->by_state[TALLY_MISSING]);
			fprintf(d->f, ": %s\n",
				r->balanced ? _("balanced")
					    : _("NOT BALANCED"));
		}
		for (size_t k = 0; k < r->nout; k++)
			still_out(d, &r->out[k]);
		if (d->jw) {
			json_w_end_array(d->jw);
			json_w_end_object(d->jw);
		} else if (r->note[0]) {
			fprintf(d->f, "     %s:\n", _("note"));
			report_wrapped(d->f, "       ", r->note);
		}
		d->n++;
	}
}

static void openings(struct daily *d)
{
	for (size_t i = 0; i < d->w->nopenings; i++) {
		const struct wf_opening *o = &d->w->openings[i];

		report_opening_print(&d->list, &o->o, o->flags,
				     o->flags_recorded);
	}
	d->n = d->list.n;
}

static void safe_closed(struct daily *d)
{
	for (size_t i = 0; i < d->w->nsafe_closed; i++) {
		const struct wf_safe_closed *w = &d->w->safe_closed[i];
		struct safe_closed_row r = {
		    .what = w->what,
		    .item = w->item,
		    .session = w->session,
		    .staff = w->staff,
		    .first = w->first,
		    .last = w->last,
		    .n = w->n,
		};

		report_safe_closed(&d->list, &r);
	}
	d->n = d->list.n;
}

static void custody(struct daily *d)
{
	for (size_t i = 0; i < d->w->ncustody; i++) {
		const struct wf_custody_sum *c = &d->w->custody[i];

		if (d->jw) {
			json_w_object(d->jw);
			json_w_key_str(d->jw, "kind", c->kind);
			json_w_key_opt_str(d->jw, "by", c->by);
			json_w_key_int(d->jw, "n", c->n);
			json_w_end_object(d->jw);
		} else {
			fprintf(d->f, "  %s %s %6lld\n",
				cli_pad(cli_code(c->kind), 10),
				cli_pad(c->by[0] ? c->by : "?", 12),
				(long long)c->n);
		}
		d->n++;
	}
}

static void batch(struct daily *d, const struct disposal_batch_rec *b)
{
	char a[24], c[24];

	if (d->jw) {
		struct json_w *w = d->jw;

		cli_json_batch(w, b);
		json_w_key_int(w, "cards", b->ncards);
		json_w_end_object(w);
		return;
	}
	when(d, b->started_at, a);
	fprintf(d->f, "  D%lld ", (long long)b->id);
	fprintf(d->f, _("started %s by %s"), a, b->started_by);
	fputs(sep(), d->f);
	fprintf(d->f, _("witness %s"), b->witness);
	fputc('\n', d->f);
	if (b->closed_at) {
		when(d, b->closed_at, c);
		fputs("     ", d->f);
		fprintf(d->f, _("closed %s by %s"), c, b->closed_by);
		fputs(sep(), d->f);
		fprintf(d->f, _("witness %s"), b->close_witness);
		fputs(": ", d->f);
		fprintf(d->f,
			ngettext("%lld card destroyed", "%lld cards destroyed",
				 (unsigned long)b->ncards),
			(long long)b->ncards);
		fprintf(d->f, " (%s", cli_code(b->method));
		if (b->certificate[0])
			fprintf(d->f, _(", certificate %s"), b->certificate);
		fputs(")\n", d->f);
	} else {
		fputs("     ", d->f);
		fprintf(d->f,
			ngettext("still open: %lld card scanned",
				 "still open: %lld cards scanned",
				 (unsigned long)b->ncards),
			(long long)b->ncards);
		fputc('\n', d->f);
	}
}

static void disposals(struct daily *d)
{
	for (size_t i = 0; i < d->w->ndisposals; i++) {
		batch(d, &d->w->disposals[i]);
		d->n++;
	}
}

/* Near-misses (R22). */
static void near_misses(struct daily *d)
{
	char a[24];

	for (size_t i = 0; i < d->w->nnotes; i++) {
		const struct wf_note *r = &d->w->notes[i];

		if (d->jw) {
			json_w_object(d->jw);
			json_w_key_int(d->jw, "id", r->id);
			cli_json_key_time(d->jw, "at", r->at);
			json_w_key_str(d->jw, "by", r->staff);
			json_w_key_opt_str(d->jw, "mgmt_id", r->mgmt_id);
			json_w_key_str(d->jw, "text", r->text);
			json_w_end_object(d->jw);
		} else {
			when(d, r->at, a);
			fprintf(d->f, "  #%lld ", (long long)r->id);
			fprintf(d->f, _("%s by %s"), a, r->staff);
			if (r->mgmt_id[0])
				fprintf(d->f, _(", card %s"), r->mgmt_id);
			fputc('\n', d->f);
			report_wrapped(d->f, "     ", r->text);
		}
		d->n++;
	}
}

static void locked(struct daily *d)
{
	for (size_t i = 0; i < d->w->nlocked; i++)
		report_locked(&d->w->locked[i], &d->list);
	d->n = d->list.n;
}

/* ---- the audit chain ---- */

static void anchor_text(struct daily *d, int64_t id, const char *hex)
{
	char code[PDF_CHECK_CODE_BUF];

	pdf_check_code(hex, code);
	fprintf(
	    d->f,
	    _("  anchor at the end of the day: the chain's %lld entries up to\n"
	      "  then and the last one's hash (write both down; later\n"
	      "  'cardtally audit verify' with them shows a rewrite, or\n"
	      "  entries cut from the end of the log):\n"),
	    (long long)id);
	fprintf(d->f, "    --expect-rows %lld\n    --anchor %s\n",
		(long long)id, hex);
	fprintf(d->f,
		_("  check code %s (audit verify shows it for the same "
		  "anchor)\n"),
		code);
}

/* The chain's verification and the day's anchor (the chain head to
 * sign). */
static void audit(struct daily *d)
{
	const struct wf_daily_audit *a = &d->w->audit;

	if (d->jw) {
		struct json_w *w = d->jw;

		json_w_key(w, "audit");
		json_w_object(w);
		json_w_key_bool(w, "intact", a->problem == AUDIT_INTACT);
		json_w_key_int(w, "entries", a->entries);
		if (a->problem != AUDIT_INTACT) {
			json_w_key_str(w, "problem",
				       audit_problem_name(a->problem));
			json_w_key_str(w, "table", a->table);
			json_w_key_int(w, "id", a->bad_id);
			json_w_key_str(w, "what", a->what);
			json_w_key_int(w, "problems_total", a->nfindings);
		} else {
			json_w_key_null(w, "problem");
		}
		if (a->anchored) {
			json_w_key_str(w, "anchor", a->anchor_hex);
			json_w_key_int(w, "anchor_entry", a->anchor_entry);
			json_w_key_int(w, "anchor_rows", a->anchor_entry);
		} else {
			json_w_key_null(w, "anchor");
			json_w_key_null(w, "anchor_entry");
		}
		json_w_end_object(w);
		return;
	}
	fprintf(d->f, "\n%s\n", _("AUDIT LOG"));
	if (a->problem != AUDIT_INTACT) {
		fprintf(d->f, "  %s (%s):\n", _("BROKEN"),
			cli_code(audit_problem_name(a->problem)));
		report_wrapped(d->f, "    ", a->what);
		if (a->nfindings > 1) {
			fputs("  ", d->f);
			fprintf(d->f,
				_("and %lld more problems: run 'cardtally "
				  "audit verify'"),
				(long long)a->nfindings - 1);
			fputc('\n', d->f);
		}
		if (a->breaks_chain) {
			fprintf(d->f, "  %s: %s\n", _("no anchor can be given"),
				_("run 'cardtally audit verify'"));
			return;
		}
		fprintf(d->f, "  %s\n", _("the chain itself is intact"));
		if (a->anchored)
			anchor_text(d, a->anchor_entry, a->anchor_hex);
		return;
	}
	fputs("  ", d->f);
	fprintf(d->f, _("intact: %lld entries, %lld rows match their entries"),
		(long long)a->entries, (long long)a->records);
	fputc('\n', d->f);
	if (!a->anchor_entry) {
		fprintf(d->f, "  %s\n",
			_("no entries before the end of the day"));
		return;
	}
	anchor_text(d, a->anchor_entry, a->anchor_hex);
}

static const struct section {
	const char *key, *heading;
	void (*print)(struct daily *d);
} sections[] = {
    {"counts", N_("COUNTS"), counts},
    {"tallies", N_("WINDOW TALLIES"), tallies},
    {"key_openings", N_("SAFE OPENINGS"), openings},
    {"safe_closed", N_("HANDLED WHILE THE SAFE WAS RECORDED CLOSED"),
     safe_closed},
    {"custody", N_("CUSTODY MOVEMENTS (kind, by, how many)"), custody},
    {"disposals", N_("DISPOSALS"), disposals},
    {"near_misses", N_("NEAR-MISSES"), near_misses},
    {"locked_accounts", N_("LOCKED ACCOUNTS (now)"), locked},
};

int report_daily_print(const struct wf_daily *w,
		       const struct recon_key_rules *rules, int json, FILE *f)
{
	struct json_w jw;
	struct daily d = {.f = f, .jw = json ? &jw : NULL, .w = w};
	char day[11], now_iso[TIME_ISO_BUF];

	date_format(w->day, day);
	cli_time_iso(w->printed_at, now_iso);
	json_w_init(&jw, f);
	if (d.jw) {
		json_w_object(d.jw);
		json_w_key_str(d.jw, "date", day);
		cli_json_key_time(d.jw, "from", w->from);
		cli_json_key_time(d.jw, "to", w->to);
		cli_json_key_time(d.jw, "printed_at", w->printed_at);
	} else {
		fprintf(d.f, _("cardtally daily report %s"), day);
		fputc('\n', d.f);
		fprintf(d.f, _("printed %s"), now_iso);
		fputc('\n', d.f);
	}
	d.list = (struct report_list){.f = d.f,
				      .jw = d.jw,
				      .indent = "  ",
				      .now = w->printed_at,
				      .rules = rules};
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		begin_section(&d, sections[i].key, sections[i].heading);
		d.list.n = 0;
		sections[i].print(&d);
		end_section(&d);
		/* The openings' flags, after their list. */
		if (sections[i].print != openings)
			continue;
		if (d.jw)
			json_w_key_int(d.jw, "key_flags", w->key_flagged);
		else if (w->key_flagged) {
			fputs("  ", d.f);
			fprintf(d.f, _("%d flagged"), w->key_flagged);
			fputc('\n', d.f);
		}
	}
	audit(&d);
	if (d.jw) {
		json_w_end_object(d.jw);
		return cli_json_done(d.jw, EXIT_OK);
	}
	fprintf(d.f, "\n%s: ____________________  %s: ____________\n",
		_("checked and signed (manager)"), _("date"));
	return EXIT_OK;
}

static int exec_daily(struct cli *c, struct ledger *l)
{
	const char *date_s = cli_opt(c, "date");
	int64_t now = cli_now();
	struct config conf;
	struct wf_daily w;
	struct wf_err e;
	int32_t day;
	int rc, pdf;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_pdf_format(c, &pdf);
	if (rc)
		return rc;
	if (date_s) {
		if (date_parse(date_s, strlen(date_s), &day) < 0)
			return cli_usage(c, "--date takes YYYY-MM-DD, not '%s'",
					 date_s);
	} else {
		day = date_of_time(now, cli_utc_offset(now));
	}
	rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_daily(l, day, now, &conf.rules, &conf.key, &w, &e))
		return cli_fail(&e);
	if (pdf) {
		struct pdf_meta m;

		cli_pdf_meta(&conf, &m);
		rc = cli_pdf_emit(c, pdf_daily(&w, &m), "the daily report");
	} else {
		rc = report_daily_print(&w, &conf.key, c->json, stdout);
	}
	if (rc == EXIT_OK && w.broken)
		rc = EXIT_FOUND;
	wf_daily_free(&w);
	return rc;
}

static const char *const daily_options[] = {"date", "format", "output", NULL};

const struct cmd_entry cmd_report_daily_entry = {
    .name = "report daily",
    .usage = "[--date YYYY-MM-DD] [--json | --format text|pdf "
	     "[--output FILE]]",
    .help = N_("the day's counts, tallies, safe, movements, disposals, "
	    "near-misses and audit anchor, to sign"),
    .options = daily_options,
    .needs_db = 1,
    .exec = exec_daily,
};
