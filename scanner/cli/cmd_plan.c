/*
 * The counting programme at the command line (R5, R6): `plan assign` (who
 * counts which range of a count, by the rotation planner), `plan cycle`
 * (which ranges get their full count in which month), the report of a
 * count-only check, and the plan section of `status`.  The plans are the
 * workflow's (scanner/workflow/wf_plan.c, over reconcile/plan.c's rules):
 * this file parses the options and prints the results.  `count start` uses
 * the same planner for every range it is not told who counts
 * (wf_count_start), and prints its plan with plan_result_text and
 * plan_result_json.
 */
#include <stdlib.h>
#include <string.h>

#include "../../drivers/profile.h"
#include "../../reconcile/plan.h"
#include "cli.h"
#include "../workflow/config.h"
#include "report.h"

void plan_result_json(FILE *f, const struct plan_result *r)
{
	int n = 0;

	fputs("\"assignments\":[", f);
	for (size_t i = 0; i < r->n; i++) {
		if (!r->v[i].staff[0])
			continue;
		fputs(n++ ? ",{\"range\":" : "{\"range\":", f);
		json_str(f, r->v[i].range);
		fputs(",\"staff\":", f);
		json_str(f, r->v[i].staff);
		fprintf(f, ",\"kept\":%s}", r->v[i].kept ? "true" : "false");
	}
	fputs("],\"unassigned\":[", f);
	n = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].staff[0])
			continue;
		fputs(n++ ? ",{\"range\":" : "{\"range\":", f);
		json_str(f, r->v[i].range);
		fputs(",\"why\":", f);
		json_str(f, r->v[i].why);
		fputs("}", f);
	}
	fputs("]", f);
}

void plan_result_text(FILE *f, const struct plan_result *r, int only_news)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct plan_line *ln = &r->v[i];

		if (!ln->staff[0])
			fprintf(f, "  %-24s nobody: %s\n", ln->range, ln->why);
		else if (!only_news || !ln->kept)
			fprintf(f, "  %-24s %s%s\n", ln->range, ln->staff,
				ln->kept ? " (kept)" : "");
	}
}

/* ---- plan assign ---- */

static int exec_plan_assign(struct cli *c, struct ledger *l)
{
	const char *count_s = cli_opt(c, "count");
	int apply = cli_opt(c, "apply") != NULL;
	struct staff_rec actor = {0};
	struct plan_result res;
	struct wf_err e;
	int64_t id;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!count_s)
		return cli_usage(c, "--count ID is required");
	rc = cli_session_id(c, count_s, &id);
	if (rc)
		return rc;
	/* A proposal needs nobody; applying it is the manager's step. */
	if (apply) {
		rc = cli_step_actor(c, l, &actor);
		if (rc)
			return rc;
	}
	if (wf_plan_assign(l, apply ? &actor : NULL, id, apply, cli_now(), &res,
			   &e))
		return cli_fail(&e);
	if (c->json) {
		printf("{\"count\":%lld,\"applied\":%s,", (long long)id,
		       apply ? "true" : "false");
		plan_result_json(stdout, &res);
		puts("}");
	} else {
		printf("count %lld: %s\n", (long long)id,
		       apply ? "assigned" : "proposed (--apply to assign)");
		plan_result_text(stdout, &res, 0);
	}
	plan_result_free(&res);
	return EXIT_OK;
}

static const char *const plan_assign_options[] = {"count", "apply!", NULL};

const struct cmd_entry cmd_plan_assign_entry = {
    .name = "plan assign",
    .usage = "--count ID [--apply --as MANAGER [--pin-fd N]] [--json]",
    .help = "who counts which range of a count (rotation rule R6)",
    .options = plan_assign_options,
    .needs_db = 1,
    .step = &wf_step_plan_assign,
    .exec = exec_plan_assign,
};

/* ---- plan cycle ---- */

static void json_who(FILE *f, const struct range_count_rec *r)
{
	fputc('[', f);
	for (size_t w = 0; w < r->nwho; w++) {
		if (w)
			fputc(',', f);
		json_str(f, r->who[w]);
	}
	fputc(']', f);
}

static void print_cycle_json(const struct wf_plan_cycle *cy)
{
	char m[8], d[11];

	plan_month_format(cy->start, m);
	printf("{\"plan\":");
	if (cy->plan_id)
		printf("%lld", (long long)cy->plan_id);
	else
		fputs("null", stdout);
	printf(",\"start\":\"%s\",\"months\":%d,\"share\":%zu,\"ranges\":[", m,
	       cy->months, cy->share);
	for (size_t i = 0; i < cy->n; i++) {
		plan_month_format(cy->start + cy->v[i].month, m);
		fputs(i ? ",{\"range\":" : "{\"range\":", stdout);
		json_str(stdout, cy->v[i].path);
		printf(",\"month\":\"%s\",\"last_full\":", m);
		if (cy->v[i].last_full == DATE_NONE) {
			fputs("null,\"last_by\":[]}", stdout);
			continue;
		}
		date_format(cy->v[i].last_full, d);
		printf("\"%s\",\"last_by\":", d);
		json_who(stdout, &cy->v[i].last);
		fputs("}", stdout);
	}
	fputs("],\"schedule\":[", stdout);
	for (int k = 0; k < cy->months; k++) {
		int n = 0;

		plan_month_format(cy->start + k, m);
		printf("%s{\"month\":\"%s\",\"full\":[", k ? "," : "", m);
		for (size_t i = 0; i < cy->n; i++)
			if (cy->v[i].month == k) {
				fputs(n++ ? "," : "", stdout);
				json_str(stdout, cy->v[i].path);
			}
		fputs("],\"countonly\":[", stdout);
		n = 0;
		for (size_t i = 0; i < cy->n; i++)
			if (cy->v[i].month != k) {
				fputs(n++ ? "," : "", stdout);
				json_str(stdout, cy->v[i].path);
			}
		fputs("]}", stdout);
	}
	puts("]}");
}

static void print_cycle_text(const struct wf_plan_cycle *cy)
{
	char m[8];

	plan_month_format(cy->start, m);
	printf("cycle of %d month%s from %s, %zu ranges, %zu a month in "
	       "full%s\n",
	       cy->months, cy->months == 1 ? "" : "s", m, cy->n, cy->share,
	       cy->plan_id ? "" : " (proposed: --apply to keep it)");
	for (int k = 0; k < cy->months; k++) {
		size_t full = 0;

		plan_month_format(cy->start + k, m);
		printf("  %s full:", m);
		for (size_t i = 0; i < cy->n; i++)
			if (cy->v[i].month == k) {
				printf(" %s", cy->v[i].path);
				full++;
			}
		printf("; count-only: the other %zu\n", cy->n - full);
	}
}

static int exec_plan_cycle(struct cli *c, struct ledger *l)
{
	const char *months_s = cli_opt(c, "months");
	const char *start_s = cli_opt(c, "start");
	int apply = cli_opt(c, "apply") != NULL;
	struct wf_plan_cycle cy;
	struct staff_rec actor;
	struct wf_err e;
	int32_t start = -1; /* this month */
	char *end;
	long months;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!months_s)
		return cli_usage(c, "--months K is required");
	months = strtol(months_s, &end, 10);
	if (*months_s == '\0' || *end != '\0' || months < 1 ||
	    months > PLAN_CYCLE_MAX_MONTHS)
		return cli_usage(
		    c,
		    "--months takes a whole number of months from "
		    "1 to %d (every range counted in full at least "
		    "once a cycle), not '%s'",
		    PLAN_CYCLE_MAX_MONTHS, months_s);
	if (start_s && plan_month_parse(start_s, &start) < 0)
		return cli_usage(c, "--start takes a month YYYY-MM, not '%s'",
				 start_s);
	if (apply) {
		rc = cli_step_actor(c, l, &actor);
		if (rc)
			return rc;
	}
	if (wf_plan_cycle(l, apply ? &actor : NULL, start, (int)months, apply,
			  cli_now(), &cy, &e))
		return cli_fail(&e);
	if (c->json)
		print_cycle_json(&cy);
	else
		print_cycle_text(&cy);
	wf_plan_cycle_free(&cy);
	return EXIT_OK;
}

static const char *const plan_cycle_options[] = {"months", "start", "apply!",
						 NULL};

const struct cmd_entry cmd_plan_cycle_entry = {
    .name = "plan cycle",
    .usage = "--months K [--start YYYY-MM] [--apply --as MANAGER "
	     "[--pin-fd N]] [--json]",
    .help = "which ranges get a full count in which month (R5)",
    .options = plan_cycle_options,
    .needs_db = 1,
    .step = &wf_step_plan_cycle,
    .exec = exec_plan_cycle,
};

/* ---- count-only checks ---- */

struct totals_ctx {
	FILE *out;
	int json, n;
	int64_t expected, counted;
	size_t found;
};

static int print_total(void *ctx, const struct count_total_row *r)
{
	struct totals_ctx *t = ctx;
	enum plan_total s = plan_total_compare(r->expected, r->counted);

	t->expected += r->expected;
	t->counted += r->counted > 0 ? r->counted : 0;
	t->found += s != PLAN_TOTAL_OK;
	if (!t->out)
		return 0; /* only counting what is off */
	if (t->json) {
		fputs(t->n ? ",{\"range\":" : "{\"range\":", t->out);
		json_str(t->out, r->range);
		fprintf(t->out, ",\"expected\":%lld,\"counted\":",
			(long long)r->expected);
		if (r->counted < 0)
			fputs("null,\"difference\":null", t->out);
		else
			fprintf(t->out, "%lld,\"difference\":%lld",
				(long long)r->counted,
				(long long)(r->counted - r->expected));
		fprintf(t->out,
			",\"state\":\"%s\",\"by\":", plan_total_name(s));
		json_str_or_null(t->out, r->by);
		fputs(",\"method\":", t->out);
		json_str_or_null(t->out, r->method);
		fputs(",\"at\":", t->out);
		json_time(t->out, r->at);
		fputs("}", t->out);
	} else if (r->counted < 0) {
		fprintf(t->out, "  %-24s expected %lld, not counted\n",
			r->range, (long long)r->expected);
	} else {
		fprintf(t->out,
			"  %-24s expected %lld, counted %lld by %s: %s\n",
			r->range, (long long)r->expected, (long long)r->counted,
			r->by, plan_total_name(s));
	}
	t->n++;
	return 0;
}

int countonly_found(struct ledger *l, int64_t id, size_t *found)
{
	struct totals_ctx t = {.out = NULL};
	int rc = ledger_count_totals(l, id, print_total, &t);

	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	*found = t.found;
	return 0;
}

int reconcile_countonly(struct ledger *l, const struct session_rec *sess,
			int json, FILE *out)
{
	struct totals_ctx t = {.out = out, .json = json};
	int rc;

	if (json)
		fprintf(out,
			"{\"session\":%lld,\"kind\":\"countonly\",\"ranges\":[",
			(long long)sess->id);
	else
		fprintf(out, "count-only check %lld\n", (long long)sess->id);
	rc = ledger_count_totals(l, sess->id, print_total, &t);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (json)
		fprintf(out,
			"],\"expected\":%lld,\"counted\":%lld,"
			"\"discrepancies\":%zu}\n",
			(long long)t.expected, (long long)t.counted, t.found);
	else
		fprintf(out, "expected %lld, counted %lld, %zu range%s off\n",
			(long long)t.expected, (long long)t.counted, t.found,
			t.found == 1 ? "" : "s");
	return t.found ? EXIT_FOUND : EXIT_OK;
}

/* ---- the plan in `status` ---- */

/* The planned ranges of s in state d, comma-separated; how many. */
static size_t list_state(const struct wf_plan_status *s, enum plan_due d,
			 int json)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nplanned; i++) {
		if (s->planned[i].state != d)
			continue;
		if (json) {
			fputs(n ? "," : "", stdout);
			json_str(stdout, s->planned[i].path);
		} else {
			printf("%s%s", n ? ", " : " ", s->planned[i].path);
		}
		n++;
	}
	return n;
}

static void json_last(const char *key, const struct range_count_rec *r, int got)
{
	printf(",\"%s\":", key);
	if (!got) {
		fputs("null", stdout);
		return;
	}
	printf("{\"session\":%lld,\"kind\":\"%s\",\"at\":",
	       (long long)r->session, session_kind_name(r->kind));
	json_time(stdout, r->started_at);
	fputs(",\"by\":", stdout);
	json_who(stdout, r);
	fputs("}", stdout);
}

/* Every range of the ledger with its last count and last full count: all
 * of them in JSON, the oldest full count and those never counted in
 * text. */
static void status_ranges(const struct wf_plan_status *s, int json)
{
	const struct wf_range_last *old;
	char a[TIME_ISO_BUF];

	if (json) {
		fputs(",\"ranges\":[", stdout);
		for (size_t i = 0; i < s->nranges; i++) {
			fputs(i ? ",{\"range\":" : "{\"range\":", stdout);
			json_str(stdout, s->ranges[i].path);
			json_last("last_count", &s->ranges[i].any,
				  s->ranges[i].has_any);
			json_last("last_full_count", &s->ranges[i].full,
				  s->ranges[i].has_full);
			fputs("}", stdout);
		}
		fputs("]", stdout);
		return;
	}
	printf("  ranges: %zu, never counted in full: %zu\n", s->nranges,
	       s->nnever);
	if (s->oldest < 0)
		return;
	old = &s->ranges[s->oldest];
	cli_time_iso(old->full.started_at, a);
	printf("  oldest full count: %s, count %lld on %.10s by", old->path,
	       (long long)old->full.session, a);
	for (size_t w = 0; w < old->full.nwho; w++)
		printf(" %s", old->full.who[w]);
	puts(old->full.nwho ? "" : " nobody");
}

static void status_cycle_json(const struct wf_plan_status *s)
{
	char m0[8], m1[8];

	plan_month_format(s->start, m0);
	plan_month_format(s->start + s->cycle.months - 1, m1);
	printf(",\"plan\":{\"cycle\":{\"id\":%lld,\"start\":\"%s\","
	       "\"end\":\"%s\",\"months\":%d,\"ended\":%s,"
	       "\"created_by\":",
	       (long long)s->cycle.id, m0, m1, s->cycle.months,
	       s->ended ? "true" : "false");
	json_str(stdout, s->cycle.created_by);
	fputs("},\"due\":[", stdout);
	list_state(s, PLAN_DUE_NOW, 1);
	fputs("],\"overdue\":[", stdout);
	list_state(s, PLAN_DUE_OVERDUE, 1);
	fputs("],\"planned\":[", stdout);
	for (size_t i = 0; i < s->nplanned; i++) {
		char pm[8];

		plan_month_format(s->start + s->planned[i].month, pm);
		fputs(i ? ",{\"range\":" : "{\"range\":", stdout);
		json_str(stdout, s->planned[i].path);
		printf(",\"month\":\"%s\",\"state\":\"%s\"}", pm,
		       plan_due_name(s->planned[i].state));
	}
	fputs("]", stdout);
}

static void status_cycle_text(const struct wf_plan_status *s)
{
	char m0[8], m1[8];
	size_t due;

	plan_month_format(s->start, m0);
	plan_month_format(s->start + s->cycle.months - 1, m1);
	printf("plan: cycle %s..%s (%d month%s)%s\n", m0, m1, s->cycle.months,
	       s->cycle.months == 1 ? "" : "s",
	       s->ended ? ", ended: make the next one (plan cycle)" : "");
	fputs("  due this month:", stdout);
	due = list_state(s, PLAN_DUE_NOW, 0);
	printf("%s (%zu done)\n", due ? "" : " none", s->ndone);
	fputs("  overdue:", stdout);
	puts(list_state(s, PLAN_DUE_OVERDUE, 0) ? "" : " none");
}

int plan_status(struct ledger *l, int json, int64_t now)
{
	struct wf_plan_status s;
	struct wf_err e;

	if (wf_plan_status(l, now, &s, &e))
		return cli_fail(&e);
	if (!s.has_cycle)
		fputs(json ? ",\"plan\":{\"cycle\":null"
			   : "plan: no cycle plan (plan cycle --months K "
			     "--apply)\n",
		      stdout);
	else if (json)
		status_cycle_json(&s);
	else
		status_cycle_text(&s);
	status_ranges(&s, json);
	if (json)
		fputs("}", stdout);
	wf_plan_status_free(&s);
	return 0;
}
