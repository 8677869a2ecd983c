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
#include "../../data/import.h"
#include "../workflow/config.h"
#include "report.h"

struct status_ctx {
	struct ledger *l;
	struct json_w *jw; /* NULL: text */
	int n;
	int64_t now;
	int32_t today;
	const struct recon_key_rules *rules;
};

/* One card the ledger says is lost (R10, R23): not expected anywhere, an
 * alert if it is ever read again. */
static int show_lost(void *ctx, const struct lost_row *r)
{
	struct status_ctx *s = ctx;
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
	return 0;
}

static int show_session(const struct session_rec *r, void *ctx)
{
	struct status_ctx *s = ctx;
	char a[TIME_ISO_BUF];

	/* Tallies have their own list, with what they miss. */
	if (r->kind == SESSION_TALLY)
		return 0;
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
	return 0;
}

static int show_gap(const struct staff_rec *p, const struct training_gap *g,
		    void *ctx)
{
	struct status_ctx *s = ctx;
	struct training_gap gap = *g;
	char d[11] = "";

	if (!p->active || gap.gate == GATE_OK)
		return 0;
	if (gap.since != DATE_NONE)
		date_format(gap.since, d);
	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_str(s->jw, "staff", p->code);
		json_w_key_str(s->jw, "course", gap.course.code);
		json_w_key_str(s->jw, "state", recon_gate_name(gap.gate));
		json_w_key_opt_str(s->jw, "since", d);
		json_w_end_object(s->jw);
	} else {
		printf("  %-10s %s ", p->code, gap.course.code);
		if (gap.gate == GATE_EXPIRED)
			printf(_("expired since %s"), d);
		else
			printf("%s%s", _("missing"), d);
		putchar('\n');
	}
	s->n++;
	return 0;
}

/*
 * Every tally still open, or closed imbalanced and still missing something
 * (R12: it stays visible until resolved), as `tally list` counts them.
 */
static int show_tallies(struct status_ctx *s)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = ledger_tally_ids(s->l, &ids, &n);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct recon_tally t;
		struct session_rec sess;
		char a[TIME_ISO_BUF];
		size_t missing;

		rc = ledger_session_get(s->l, ids[i], &sess);
		if (rc == 0)
			rc = tally_summary(s->l, ids[i], &t);
		if (rc < 0)
			break;
		missing = t.by_state[TALLY_MISSING];
		if (sess.closed_at && !missing)
			continue;
		if (s->jw) {
			json_w_object(s->jw);
			json_w_key_int(s->jw, "session", ids[i]);
			json_w_key_bool(s->jw, "open", !sess.closed_at);
			cli_json_key_time(s->jw, "started_at", sess.started_at);
			json_w_key_str(s->jw, "started_by", sess.started_by);
			json_w_key_uint(s->jw, "expected", t.expected);
			json_w_key_uint(s->jw, "missing", missing);
			json_w_end_object(s->jw);
		} else {
			cli_time_iso(sess.started_at, a);
			printf("  %4lld  %s ", (long long)ids[i],
			       cli_pad(sess.closed_at ? _("closed") : _("open"),
				       6));
			printf(_("started %s by %s"), a,
			       cli_text(sess.started_by));
			printf(_(", expected %zu, missing %zu"), t.expected,
			       missing);
			putchar('\n');
		}
		s->n++;
	}
	free(ids);
	return rc;
}

static int show_checked_out(void *ctx, const struct checked_out_row *r)
{
	struct status_ctx *s = ctx;
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
	return 0;
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

static int exec_status(struct cli *c, struct ledger *l)
{
	struct json_w w;
	struct status_ctx s = {
	    .l = l, .jw = c->json ? &w : NULL, .now = cli_now()};
	struct key_opening_rec cur;
	struct config conf;
	struct wf_err e;
	char when[TIME_ISO_BUF], flags[64], day[11];
	int32_t off = cli_utc_offset(s.now);
	int open, rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	s.rules = &conf.key;
	s.today = date_of_time(s.now, off);
	date_format(s.today, day);
	cli_time_iso(s.now, when);

	rc = ledger_key_current(l, &cur);
	if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	open = rc == 0;
	json_w_init(&w, stdout);
	if (s.jw) {
		json_w_object(&w);
		json_w_key_str(&w, "date", day);
		cli_json_key_time(&w, "now", s.now);
		json_w_key(&w, "safe");
		json_w_object(&w);
		json_w_key_bool(&w, "open", open);
	} else {
		printf(_("status %s"), when);
		printf("\n%s", _("safe: "));
	}
	if (open) {
		unsigned f = wf_key_flags(&cur, s.now, s.rules);

		cli_key_flag_names(f, flags, sizeof(flags));
		cli_time_iso(cur.opened_at, when);
		if (s.jw) {
			json_w_key_int(&w, "opening", cur.id);
			cli_json_key_time(&w, "since", cur.opened_at);
			json_w_key_str(&w, "opened_by", cur.opened_by);
			json_w_key_str(&w, "approved_by", cur.approved_by);
			json_w_key_str(&w, "purpose", cur.purpose);
			json_w_key_int(&w, "open_minutes",
				       (s.now - cur.opened_at) / 60);
			json_w_key(&w, "flags");
			cli_key_flags_jw(&w, f);
		} else {
			printf(_("OPEN since %s (%lld min) by %s, approved by "
				 "%s: %s"),
			       when, (long long)((s.now - cur.opened_at) / 60),
			       cli_text(cur.opened_by),
			       cli_text(cur.approved_by),
			       cli_text(cur.purpose));
			printf("%s%s\n", f ? _("  FLAGGED: ") : "", flags);
		}
	} else if (!s.jw) {
		puts(_("closed"));
	}
	if (s.jw)
		json_w_end_object(&w); /* the safe */

	/* An import stopped part way leaves the stock list half applied:
	 * said before everything else, with what to do. */
	struct import_stopped stop;
	rc = ledger_import_stopped(l, &stop);
	if (rc < 0)
		goto fail;
	if (s.jw) {
		json_w_key(&w, "import_stopped");
		if (rc) {
			json_w_object(&w);
			json_w_key_str(&w, "source", stop.source);
			if (stop.rows >= 0)
				json_w_key_int(&w, "rows", stop.rows);
			else
				json_w_key_null(&w, "rows");
			cli_json_key_time(&w, "began_at", stop.at);
			json_w_key_str(&w, "by", stop.by);
			json_w_key_int(&w, "entry", stop.entry);
			json_w_end_object(&w);
		} else {
			json_w_null(&w);
		}
	} else if (rc) {
		cli_time_iso(stop.at, when);
		printf(_("IMPORT STOPPED PART WAY: %s, begun %s by %s (audit "
			 "entry %lld): run the same import again to finish "
			 "it\n"),
		       cli_text(stop.source), when,
		       cli_text(stop.by[0] ? stop.by : "-"),
		       (long long)stop.entry);
	}

	/* Today: from local midnight.  report_opening, report_safe_closed
	 * and report_locked (report.c) write their items through s.jw. */
	begin_list(&s, "key_log_today", N_("key log today:"));
	struct report_list ol = {.f = stdout,
				 .jw = s.jw,
				 .indent = "  ",
				 .now = s.now,
				 .rules = s.rules};
	int64_t midnight = (int64_t)s.today * 86400 - off;
	rc = ledger_key_each_since(l, midnight, report_opening, &ol);
	if (rc < 0)
		goto fail;
	s.n = ol.n;
	end_list(&s);
	if (s.jw)
		json_w_key_int(&w, "key_flags_today", ol.flagged);
	else if (ol.flagged) {
		fputs("  ", stdout);
		printf(_("%d flagged"), ol.flagged);
		putchar('\n');
	}

	/* R14: today's cards handled with no opening on record. */
	begin_list(&s, "safe_closed_today",
		   N_("handled today while the safe was recorded closed:"));
	ol.n = 0;
	rc = ledger_safe_closed_each(l, midnight, INT64_MAX, report_safe_closed,
				     &ol);
	if (rc < 0)
		goto fail;
	s.n = ol.n;
	end_list(&s);

	begin_list(&s, "open_counts", N_("open counts:"));
	rc = ledger_session_open_each(l, show_session, &s);
	if (rc < 0)
		goto fail;
	end_list(&s);

	begin_list(&s, "tallies", N_("tallies open or missing:"));
	rc = show_tallies(&s);
	if (rc < 0)
		goto fail;
	end_list(&s);

	begin_list(&s, "checked_out", N_("checked out:"));
	rc = ledger_checked_out_each(l, show_checked_out, &s);
	if (rc < 0)
		goto fail;
	end_list(&s);

	begin_list(&s, "locked_accounts", N_("locked accounts:"));
	ol.n = 0;
	rc = ledger_staff_each(l, report_locked, &ol);
	if (rc < 0)
		goto fail;
	s.n = ol.n;
	end_list(&s);

	begin_list(&s, "training_gaps", N_("training gaps:"));
	rc = wf_training_each(l, s.today, show_gap, &s, &e);
	if (rc)
		return cli_fail(&e);
	end_list(&s);

	/* The counting programme: due, overdue, last counts (R5); in JSON
	 * the members "plan" and "ranges" (cmd_plan.c). */
	rc = plan_status(l, s.jw, s.now);
	if (rc)
		return rc;

	begin_list(&s, "lost_cards", N_("lost cards:"));
	rc = ledger_lost_each(l, show_lost, &s);
	if (rc < 0)
		goto fail;
	end_list(&s);
	if (s.jw)
		json_w_key_int(&w, "lost", s.n);

	long due;
	rc = wf_dispose_due_count(l, &conf.rules, s.today, &due, &e);
	if (rc)
		return cli_fail(&e);
	if (s.jw) {
		json_w_key_int(&w, "disposal_due", due);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	printf(_("due for disposal: %ld"), due);
	printf("%s\n", due ? _(" (cardtally dispose due lists them)") : "");
	return EXIT_OK;
fail:
	return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
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
