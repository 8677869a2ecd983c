/*
 * `cardtally status [--json]`: today's picture for the person at the box,
 * read-only and without a PIN: the safe (open? since when, by whom,
 * flagged?), today's openings of the safe and their flags, counts still
 * open, end-of-day tallies still open or missing something, the cards and
 * terminals checked out now, locked accounts, and people without the
 * required, valid training, and how many cards are due for disposal
 * (`dispose due` lists them), and the counting plan: what is due this
 * month, what is overdue, when each range was last counted and by whom;
 * and the cards declared lost.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../workflow/config.h"
#include "../workflow/wf_overview.h"
#include "report.h"

struct status_ctx {
	struct json_w *jw; /* NULL: text */
	int n;
};

/* One card the ledger says is lost (R10, R23): not expected anywhere, an
 * alert if it is ever read again. */
static void show_lost(struct status_ctx *s, const struct lost_row *r)
{
	char day[11] = "-";

	if (r->at)
		date_format(date_of_time(r->at, cli_utc_offset(r->at)), day);
	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_str(s->jw, "mgmt_id", r->mgmt_id);
		json_w_key_str(s->jw, "location", r->location);
		cli_json_key_time(s->jw, "since", r->at);
		if (r->session)
			json_w_key_int(s->jw, "count", r->session);
		else
			json_w_key_null(s->jw, "count");
		json_w_end_object(s->jw);
	} else {
		printf("  %-12s ", cli_text(r->mgmt_id));
		printf(_("%s, lost since %s"), cli_text(r->location), day);
		if (r->session)
			printf(_(" (count %lld)"), (long long)r->session);
		fputc('\n', stdout);
	}
	s->n++;
}

static void show_session(struct status_ctx *s, const struct session_rec *r)
{
	char a[TIME_ISO_BUF];

	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_int(s->jw, "session", r->id);
		json_w_key_str(s->jw, "kind", session_kind_name(r->kind));
		cli_json_key_time(s->jw, "started_at", r->started_at);
		json_w_key_str(s->jw, "started_by", r->started_by);
		json_w_end_object(s->jw);
	} else {
		cli_time_iso(r->started_at, a);
		printf("  %4lld  %s ", (long long)r->id,
		       cli_pad(cli_word(session_kind_name(r->kind)), 8));
		printf(_("started %s by %s"), a, cli_text(r->started_by));
		putchar('\n');
	}
	s->n++;
}

static void show_gap(struct status_ctx *s, const struct wf_overview_gap *g)
{
	char d[11] = "";

	if (g->gap.since != DATE_NONE)
		date_format(g->gap.since, d);
	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_str(s->jw, "staff", g->who.code);
		json_w_key_str(s->jw, "course", g->gap.course.code);
		json_w_key_str(s->jw, "state", recon_gate_name(g->gap.gate));
		json_w_key_opt_str(s->jw, "since", d);
		json_w_end_object(s->jw);
	} else {
		printf("  %-10s %s ", g->who.code, g->gap.course.code);
		if (g->gap.gate == GATE_EXPIRED)
			printf(_("expired since %s"), d);
		else
			printf("%s%s", _("missing"), d);
		putchar('\n');
	}
	s->n++;
}

/* A tally still open, or closed imbalanced and still missing something
 * (R12: it stays visible until resolved), as `tally list` counts it. */
static void show_tally(struct status_ctx *s, const struct wf_overview_tally *t)
{
	const struct session_rec *sess = &t->session;
	char a[TIME_ISO_BUF];

	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_int(s->jw, "session", sess->id);
		json_w_key_bool(s->jw, "open", !sess->closed_at);
		cli_json_key_time(s->jw, "started_at", sess->started_at);
		json_w_key_str(s->jw, "started_by", sess->started_by);
		json_w_key_uint(s->jw, "expected", t->expected);
		json_w_key_uint(s->jw, "missing", t->missing);
		json_w_end_object(s->jw);
	} else {
		cli_time_iso(sess->started_at, a);
		printf("  %4lld  %s ", (long long)sess->id,
		       cli_pad(sess->closed_at ? _("closed") : _("open"), 6));
		printf(_("started %s by %s"), a, cli_text(sess->started_by));
		printf(_(", expected %zu, missing %zu"), t->expected,
		       t->missing);
		putchar('\n');
	}
	s->n++;
}

static void show_checked_out(struct status_ctx *s,
			     const struct checked_out_row *r)
{
	char a[TIME_ISO_BUF] = "?", day[11] = "-";

	if (r->for_date != DATE_NONE)
		date_format(r->for_date, day);
	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_str(s->jw, r->is_asset ? "asset" : "mgmt_id",
			       r->name);
		json_w_key_opt_str(s->jw, "checked_out_by", r->checked_out_by);
		cli_json_key_time(s->jw, "checked_out_at", r->checked_out_at);
		json_w_key_opt_str(s->jw, "for",
				   r->for_date != DATE_NONE ? day : NULL);
		json_w_key_str(s->jw, "location", r->location);
		json_w_end_object(s->jw);
	} else {
		if (r->checked_out_at)
			cli_time_iso(r->checked_out_at, a);
		printf("  %s %-12s ",
		       cli_pad(r->is_asset ? _("terminal") : _("card"), 8),
		       cli_text(r->name));
		printf(_("out by %-8s since %s for %s (home %s)"),
		       r->checked_out_by[0] ? cli_text(r->checked_out_by) : "?",
		       a, day, cli_text(r->location));
		putchar('\n');
	}
	s->n++;
}

/* A section: its JSON key and array, or its heading; end_list closes it:
 * the array in JSON, "none" under an empty heading in text. */
static void begin_list(struct status_ctx *s, const char *key,
		       const char *heading)
{
	s->n = 0;
	if (s->jw) {
		json_w_key(s->jw, key);
		json_w_array(s->jw);
	} else {
		printf("%s\n", _(heading));
	}
}

static void end_list(const struct status_ctx *s)
{
	if (s->jw)
		json_w_end_array(s->jw);
	else if (s->n == 0)
		printf("  %s\n", _("none"));
}

/* The safe: open since when, by whom, its flags; or closed. */
static void show_safe(const struct wf_overview *ov, struct json_w *jw)
{
	const struct key_opening_rec *cur = &ov->safe.o;
	char when[TIME_ISO_BUF], flags[64];

	if (jw) {
		json_w_key(jw, "safe");
		json_w_object(jw);
		json_w_key_bool(jw, "open", ov->safe_open);
	} else {
		printf("\n%s", _("safe: "));
	}
	if (ov->safe_open) {
		cli_key_flag_names(ov->safe.flags, flags, sizeof(flags));
		cli_time_iso(cur->opened_at, when);
		if (jw) {
			json_w_key_int(jw, "opening", cur->id);
			cli_json_key_time(jw, "since", cur->opened_at);
			json_w_key_str(jw, "opened_by", cur->opened_by);
			json_w_key_str(jw, "approved_by", cur->approved_by);
			json_w_key_str(jw, "purpose", cur->purpose);
			json_w_key_int(jw, "open_minutes",
				       (ov->now - cur->opened_at) / 60);
			json_w_key(jw, "flags");
			cli_key_flags_jw(jw, ov->safe.flags);
		} else {
			printf(_("OPEN since %s (%lld min) by %s, approved by "
				 "%s: %s"),
			       when, (long long)((ov->now - cur->opened_at) / 60),
			       cli_text(cur->opened_by),
			       cli_text(cur->approved_by),
			       cli_text(cur->purpose));
			printf("%s%s\n", ov->safe.flags ? _("  FLAGGED: ") : "",
			       flags);
		}
	} else if (!jw) {
		puts(_("closed"));
	}
	if (jw)
		json_w_end_object(jw); /* the safe */
}

/* An import stopped part way leaves the stock list half applied: said
 * before everything else, with what to do. */
static void show_import(const struct wf_overview *ov, struct json_w *jw)
{
	const struct import_stopped *stop = &ov->stop;
	char when[TIME_ISO_BUF];

	if (jw) {
		json_w_key(jw, "import_stopped");
		if (ov->import_stopped) {
			json_w_object(jw);
			json_w_key_str(jw, "source", stop->source);
			if (stop->rows >= 0)
				json_w_key_int(jw, "rows", stop->rows);
			else
				json_w_key_null(jw, "rows");
			cli_json_key_time(jw, "began_at", stop->at);
			json_w_key_str(jw, "by", stop->by);
			json_w_key_int(jw, "entry", stop->entry);
			json_w_end_object(jw);
		} else {
			json_w_null(jw);
		}
	} else if (ov->import_stopped) {
		cli_time_iso(stop->at, when);
		printf(_("IMPORT STOPPED PART WAY: %s, begun %s by %s (audit "
			 "entry %lld): run the same import again to finish "
			 "it\n"),
		       cli_text(stop->source), when,
		       cli_text(stop->by[0] ? stop->by : "-"),
		       (long long)stop->entry);
	}
}

/* Today's openings of the safe and what was handled while it was
 * recorded closed (R14), written by report.c through ol. */
static void show_today(const struct wf_overview *ov, struct status_ctx *s,
		       struct report_list *ol)
{
	begin_list(s, "key_log_today", N_("key log today:"));
	ol->n = 0;
	for (size_t i = 0; i < ov->nopenings; i++)
		report_opening_print(ol, &ov->openings[i].o,
				     ov->openings[i].flags,
				     ov->openings[i].flags_recorded);
	s->n = ol->n;
	end_list(s);
	if (s->jw)
		json_w_key_int(s->jw, "key_flags_today", (int64_t)ov->nflagged);
	else if (ov->nflagged) {
		fputs("  ", stdout);
		printf(_("%d flagged"), (int)ov->nflagged);
		putchar('\n');
	}
	begin_list(s, "safe_closed_today",
		   N_("handled today while the safe was recorded closed:"));
	ol->n = 0;
	for (size_t i = 0; i < ov->nsafe_closed; i++)
		report_safe_closed(ol, &ov->safe_closed[i]);
	s->n = ol->n;
	end_list(s);
}

static int print_overview(const struct wf_overview *ov, struct json_w *jw,
			  const struct recon_key_rules *rules)
{
	struct status_ctx s = {.jw = jw};
	/* report.c's items (openings, handlings, locked accounts) write
	 * through ol, as the daily report's do. */
	struct report_list ol = {.f = stdout,
				 .jw = jw,
				 .indent = "  ",
				 .now = ov->now,
				 .rules = rules};
	char when[TIME_ISO_BUF], day[11];
	int rc;

	date_format(ov->today, day);
	cli_time_iso(ov->now, when);
	if (jw) {
		json_w_object(jw);
		json_w_key_str(jw, "date", day);
		cli_json_key_time(jw, "now", ov->now);
	} else {
		printf(_("status %s"), when);
	}
	show_safe(ov, jw);
	show_import(ov, jw);
	show_today(ov, &s, &ol);
	begin_list(&s, "open_counts", N_("open counts:"));
	for (size_t i = 0; i < ov->ncounts; i++)
		show_session(&s, &ov->counts[i]);
	end_list(&s);
	begin_list(&s, "tallies", N_("tallies open or missing:"));
	for (size_t i = 0; i < ov->ntallies; i++)
		show_tally(&s, &ov->tallies[i]);
	end_list(&s);
	begin_list(&s, "checked_out", N_("checked out:"));
	for (size_t i = 0; i < ov->nout; i++)
		show_checked_out(&s, &ov->out[i]);
	end_list(&s);
	begin_list(&s, "locked_accounts", N_("locked accounts:"));
	ol.n = 0;
	for (size_t i = 0; i < ov->nlocked; i++)
		report_locked(&ov->locked[i], &ol);
	s.n = ol.n;
	end_list(&s);
	begin_list(&s, "training_gaps", N_("training gaps:"));
	for (size_t i = 0; i < ov->ngaps; i++)
		show_gap(&s, &ov->gaps[i]);
	end_list(&s);
	/* The counting programme: due, overdue, last counts (R5); in JSON
	 * the members "plan" and "ranges" (cmd_plan.c). */
	rc = plan_status_print(&ov->plan, jw);
	if (rc)
		return rc;
	begin_list(&s, "lost_cards", N_("lost cards:"));
	for (size_t i = 0; i < ov->nlost; i++)
		show_lost(&s, &ov->lost[i]);
	end_list(&s);
	if (jw) {
		json_w_key_int(jw, "lost", s.n);
		json_w_key_int(jw, "disposal_due", ov->disposal_due);
		json_w_end_object(jw);
		return cli_json_done(jw, EXIT_OK);
	}
	printf(_("due for disposal: %ld"), ov->disposal_due);
	printf("%s\n", ov->disposal_due
			   ? _(" (cardtally dispose due lists them)")
			   : "");
	return EXIT_OK;
}

static int exec_status(struct cli *c, struct ledger *l)
{
	struct json_w w;
	struct wf_overview ov;
	struct config conf;
	struct wf_err e;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_overview(l, &conf.key, &conf.rules, cli_now(), &ov, &e))
		return cli_fail(&e);
	json_w_init(&w, stdout);
	rc = print_overview(&ov, c->json ? &w : NULL, &conf.key);
	wf_overview_free(&ov);
	return rc;
}

const struct cmd_entry cmd_status_entry = {
    .name = "status",
    .usage = "[--json]",
    .help = N_("today: the safe, open counts and tallies, what is checked out, "
	    "locks, training gaps"),
    .options = NULL,
    .needs_db = 1,
    .exec = exec_status,
};
