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
#include "report.h"

struct status_ctx {
	struct ledger *l;
	int json, n;
	int64_t now;
	int32_t today;
	const struct recon_key_rules *rules;
};

/* Counts the cards in storage that are due for disposal today (R16, R17),
 * by the installation's rules. */
struct due_count {
	const struct recon_rules *rules;
	int32_t today;
	long n;
};

static int count_due(void *ctx, const struct card_rec *c)
{
	struct due_count *d = ctx;
	int32_t since;

	if (recon_disposal_due(c->status, c->reminder_sent, d->today, d->rules,
			       &since) != DUE_NOT)
		d->n++;
	return 0;
}

/* One card the ledger says is lost (R10, R23): not expected anywhere, an
 * alert if it is ever read again. */
static int show_lost(void *ctx, const struct lost_row *r)
{
	struct status_ctx *s = ctx;
	char day[11] = "-";

	if (r->at)
		date_format(date_of_time(r->at, cli_utc_offset(r->at)), day);
	if (s->json) {
		fputs(s->n ? ",{\"mgmt_id\":" : "{\"mgmt_id\":", stdout);
		json_str(stdout, r->mgmt_id);
		fputs(",\"location\":", stdout);
		json_str(stdout, r->location);
		fputs(",\"since\":", stdout);
		if (r->at)
			json_time(stdout, r->at);
		else
			fputs("null", stdout);
		fputs(",\"count\":", stdout);
		if (r->session)
			printf("%lld", (long long)r->session);
		else
			fputs("null", stdout);
		fputc('}', stdout);
	} else {
		printf("  %-12s %s, lost since %s", r->mgmt_id, r->location,
		       day);
		if (r->session)
			printf(" (count %lld)", (long long)r->session);
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
	if (s->json) {
		printf("%s{\"session\":%lld,\"kind\":\"%s\",\"started_at\":",
		       s->n ? "," : "", (long long)r->id,
		       session_kind_name(r->kind));
		json_time(stdout, r->started_at);
		fputs(",\"started_by\":", stdout);
		json_str(stdout, r->started_by);
		fputs("}", stdout);
	} else {
		cli_time_iso(r->started_at, a);
		printf("  %4lld  %-8s started %s by %s\n", (long long)r->id,
		       session_kind_name(r->kind), a, r->started_by);
	}
	s->n++;
	return 0;
}

static int show_gap(const struct staff_rec *p, void *ctx)
{
	struct status_ctx *s = ctx;
	struct training_gap gap;
	char d[11] = "";
	int rc;

	if (!p->active)
		return 0;
	rc = cli_training_check(s->l, p->code, s->today, &gap);
	if (rc)
		return rc;
	if (gap.gate == GATE_OK)
		return 0;
	if (gap.since != DATE_NONE)
		date_format(gap.since, d);
	if (s->json) {
		printf("%s{\"staff\":", s->n ? "," : "");
		json_str(stdout, p->code);
		fputs(",\"course\":", stdout);
		json_str(stdout, gap.course.code);
		printf(",\"state\":\"%s\",\"since\":",
		       recon_gate_name(gap.gate));
		json_str_or_null(stdout, d);
		fputs("}", stdout);
	} else {
		printf("  %-10s %s %s%s\n", p->code, gap.course.code,
		       gap.gate == GATE_EXPIRED ? "expired since " : "missing",
		       d);
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
		if (s->json) {
			printf("%s{\"session\":%lld,\"open\":%s,"
			       "\"started_at\":",
			       s->n ? "," : "", (long long)ids[i],
			       sess.closed_at ? "false" : "true");
			json_time(stdout, sess.started_at);
			fputs(",\"started_by\":", stdout);
			json_str(stdout, sess.started_by);
			printf(",\"expected\":%zu,\"missing\":%zu}", t.expected,
			       missing);
		} else {
			cli_time_iso(sess.started_at, a);
			printf("  %4lld  %-6s started %s by %s, expected %zu, "
			       "missing %zu\n",
			       (long long)ids[i],
			       sess.closed_at ? "closed" : "open", a,
			       sess.started_by, t.expected, missing);
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
	if (s->json) {
		printf("%s{\"%s\":", s->n ? "," : "",
		       r->is_asset ? "asset" : "mgmt_id");
		json_str(stdout, r->name);
		fputs(",\"checked_out_by\":", stdout);
		json_str_or_null(stdout, r->checked_out_by);
		fputs(",\"checked_out_at\":", stdout);
		json_time(stdout, r->checked_out_at);
		fputs(",\"for\":", stdout);
		json_str_or_null(stdout, r->for_date != DATE_NONE ? day : NULL);
		fputs(",\"location\":", stdout);
		json_str(stdout, r->location);
		fputs("}", stdout);
	} else {
		if (r->checked_out_at)
			cli_time_iso(r->checked_out_at, a);
		printf("  %-8s %-12s out by %-8s since %s for %s (home %s)\n",
		       r->is_asset ? "terminal" : "card", r->name,
		       r->checked_out_by[0] ? r->checked_out_by : "?", a, day,
		       r->location);
	}
	s->n++;
	return 0;
}

/* Ends a list: "]" in JSON, "none" under an empty heading in text. */
/* A section: its JSON key or its heading; end_list closes it. */
static void begin_list(struct status_ctx *s, const char *key,
		       const char *heading)
{
	s->n = 0;
	if (s->json)
		printf(",\"%s\":[", key);
	else
		printf("%s\n", heading);
}

static void end_list(const struct status_ctx *s)
{
	if (s->json)
		fputs("]", stdout);
	else if (s->n == 0)
		puts("  none");
}

static int exec_status(struct cli *c, struct ledger *l)
{
	struct status_ctx s = {.l = l, .json = c->json, .now = cli_now()};
	struct key_opening_rec cur;
	struct config conf;
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
	if (s.json) {
		printf("{\"date\":\"%s\",\"now\":", day);
		json_time(stdout, s.now);
		printf(",\"safe\":{\"open\":%s", open ? "true" : "false");
	} else {
		printf("status %s\nsafe: ", when);
	}
	if (open) {
		unsigned f = wf_key_flags(&cur, s.now, s.rules);

		cli_key_flag_names(f, flags, sizeof(flags));
		cli_time_iso(cur.opened_at, when);
		if (s.json) {
			printf(",\"opening\":%lld,\"since\":",
			       (long long)cur.id);
			json_time(stdout, cur.opened_at);
			fputs(",\"opened_by\":", stdout);
			json_str(stdout, cur.opened_by);
			fputs(",\"approved_by\":", stdout);
			json_str(stdout, cur.approved_by);
			fputs(",\"purpose\":", stdout);
			json_str(stdout, cur.purpose);
			printf(",\"open_minutes\":%lld,\"flags\":",
			       (long long)((s.now - cur.opened_at) / 60));
			cli_key_flags_json(stdout, f);
		} else {
			printf("OPEN since %s (%lld min) by %s, approved by "
			       "%s: %s%s%s\n",
			       when, (long long)((s.now - cur.opened_at) / 60),
			       cur.opened_by, cur.approved_by, cur.purpose,
			       f ? "  FLAGGED: " : "", flags);
		}
	} else if (!s.json) {
		puts("closed");
	}

	/* Today: from local midnight. */
	fputs(s.json ? "},\"key_log_today\":[" : "key log today:\n", stdout);
	struct report_list ol = {.f = stdout,
				 .json = s.json,
				 .indent = "  ",
				 .now = s.now,
				 .rules = s.rules};
	int64_t midnight = (int64_t)s.today * 86400 - off;
	rc = ledger_key_each_since(l, midnight, report_opening, &ol);
	if (rc < 0)
		goto fail;
	s.n = ol.n;
	end_list(&s);
	if (s.json)
		printf(",\"key_flags_today\":%d", ol.flagged);
	else if (ol.flagged)
		printf("  %d flagged\n", ol.flagged);

	/* R14: today's cards handled with no opening on record. */
	begin_list(&s, "safe_closed_today",
		   "handled today while the safe was recorded closed:");
	ol.n = 0;
	rc = ledger_safe_closed_each(l, midnight, INT64_MAX, report_safe_closed,
				     &ol);
	if (rc < 0)
		goto fail;
	s.n = ol.n;
	end_list(&s);

	begin_list(&s, "open_counts", "open counts:");
	rc = ledger_session_open_each(l, show_session, &s);
	if (rc < 0)
		goto fail;
	end_list(&s);

	begin_list(&s, "tallies", "tallies open or missing:");
	rc = show_tallies(&s);
	if (rc < 0)
		goto fail;
	end_list(&s);

	begin_list(&s, "checked_out", "checked out:");
	rc = ledger_checked_out_each(l, show_checked_out, &s);
	if (rc < 0)
		goto fail;
	end_list(&s);

	begin_list(&s, "locked_accounts", "locked accounts:");
	ol.n = 0;
	rc = ledger_staff_each(l, report_locked, &ol);
	if (rc < 0)
		goto fail;
	s.n = ol.n;
	end_list(&s);

	begin_list(&s, "training_gaps", "training gaps:");
	rc = ledger_staff_each(l, show_gap, &s);
	if (rc > 0)
		return rc; /* cli_training_check printed why */
	if (rc < 0)
		goto fail;
	end_list(&s);

	/* The counting programme: due, overdue, last counts (R5). */
	rc = plan_status(l, s.json, s.now);
	if (rc)
		return rc;

	begin_list(&s, "lost_cards", "lost cards:");
	rc = ledger_lost_each(l, show_lost, &s);
	if (rc < 0)
		goto fail;
	end_list(&s);
	if (s.json)
		printf(",\"lost\":%d", s.n);

	struct due_count due = {.rules = &conf.rules, .today = s.today};
	rc = ledger_cards_in_storage(l, count_due, &due);
	if (rc < 0)
		goto fail;
	if (s.json)
		printf(",\"disposal_due\":%ld}\n", due.n);
	else
		printf("due for disposal: %ld%s\n", due.n,
		       due.n ? " (cardtally dispose due lists them)" : "");
	return EXIT_OK;
fail:
	return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
}

const struct cmd_entry cmd_status_entry = {
    .name = "status",
    .usage = "[--json]",
    .help = "today: the safe, open counts and tallies, what is checked out, "
	    "locks, training gaps",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_status,
};
