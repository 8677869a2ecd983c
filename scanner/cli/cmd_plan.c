/*
 * The counting programme at the command line (R5, R6): `plan assign` (who
 * counts which range of a count, by the rotation planner), `plan cycle`
 * (which ranges get their full count in which month), the report of a
 * count-only check, and the plan section of `status`.  The plans are the
 * workflow's (scanner/workflow/wf_plan.c, over reconcile/plan.c's rules):
 * this file parses the options and prints the results.  `count start` uses
 * the same planner for every range it is not told who counts
 * (wf_count_start), and prints its plan with plan_result_text and
 * plan_result_jw.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/profile.h"
#include "../../reconcile/plan.h"
#include "cli.h"
#include "../workflow/config.h"
#include "report.h"

int plan_result_jw(struct json_w *w, const struct plan_result *r)
{
	json_w_key(w, "assignments");
	json_w_array(w);
	for (size_t i = 0; i < r->n; i++) {
		if (!r->v[i].staff[0])
			continue;
		json_w_object(w);
		json_w_key_str(w, "range", r->v[i].range);
		json_w_key_str(w, "staff", r->v[i].staff);
		json_w_key_bool(w, "kept", r->v[i].kept);
		json_w_end_object(w);
	}
	json_w_end_array(w);
	json_w_key(w, "unassigned");
	json_w_array(w);
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].staff[0])
			continue;
		json_w_object(w);
		json_w_key_str(w, "range", r->v[i].range);
		json_w_key_str(w, "why", r->v[i].why);
		json_w_end_object(w);
	}
	return json_w_end_array(w);
}

const char *plan_why_words(const struct plan_line *ln)
{
	static char buf[sizeof(ln->why)];

	plan_why_text(&ln->why_of, cli_tr, buf, sizeof(buf));
	return buf;
}

void plan_result_text(FILE *f, const struct plan_result *r, int only_news)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct plan_line *ln = &r->v[i];

		if (!ln->staff[0])
			fprintf(f, "  %s %s: %s\n",
				cli_pad(cli_text(ln->range), 24), _("nobody"),
				plan_why_words(ln));
		else if (!only_news || !ln->kept)
			fprintf(f, "  %s %s%s\n",
				cli_pad(cli_text(ln->range), 24), ln->staff,
				ln->kept ? _(" (kept)") : "");
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
	rc = EXIT_OK;
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "count", id);
		json_w_key_bool(&w, "applied", apply);
		plan_result_jw(&w, &res);
		json_w_end_object(&w);
		rc = cli_json_done(&w, rc);
	} else {
		printf(_("count %lld: %s"), (long long)id,
		       apply ? _("assigned") : _("proposed (--apply to assign)"));
		putchar('\n');
		plan_result_text(stdout, &res, 0);
	}
	plan_result_free(&res);
	return rc;
}

static const char *const plan_assign_options[] = {"count", "apply!", NULL};

const struct cmd_entry cmd_plan_assign_entry = {
    .name = "plan assign",
    .usage = "--count ID [--apply --as MANAGER [--pin-fd N]] [--json]",
    .help = N_("who counts which range of a count (rotation rule R6)"),
    .options = plan_assign_options,
    .needs_db = 1,
    .step = &wf_step_plan_assign,
    .exec = exec_plan_assign,
};

/* ---- plan cycle ---- */

static void json_who(struct json_w *w, const struct range_count_rec *r)
{
	json_w_array(w);
	for (size_t i = 0; i < r->nwho; i++)
		json_w_str(w, r->who[i]);
	json_w_end_array(w);
}

/* The ranges of cy counted in full in month k (full), or not. */
static void cycle_month_list(struct json_w *w, const struct wf_plan_cycle *cy,
			     int k, int full)
{
	json_w_array(w);
	for (size_t i = 0; i < cy->n; i++)
		if ((cy->v[i].month == k) == full)
			json_w_str(w, cy->v[i].path);
	json_w_end_array(w);
}

static int print_cycle_json(const struct wf_plan_cycle *cy)
{
	struct json_w w;
	char m[8], d[11];

	json_w_init(&w, stdout);
	plan_month_format(cy->start, m);
	json_w_object(&w);
	if (cy->plan_id)
		json_w_key_int(&w, "plan", cy->plan_id);
	else
		json_w_key_null(&w, "plan");
	json_w_key_str(&w, "start", m);
	json_w_key_int(&w, "months", cy->months);
	json_w_key_uint(&w, "share", cy->share);
	json_w_key(&w, "ranges");
	json_w_array(&w);
	for (size_t i = 0; i < cy->n; i++) {
		plan_month_format(cy->start + cy->v[i].month, m);
		json_w_object(&w);
		json_w_key_str(&w, "range", cy->v[i].path);
		json_w_key_str(&w, "month", m);
		if (cy->v[i].last_full == DATE_NONE) {
			json_w_key_null(&w, "last_full");
			json_w_key(&w, "last_by");
			json_w_array(&w);
			json_w_end_array(&w);
		} else {
			date_format(cy->v[i].last_full, d);
			json_w_key_str(&w, "last_full", d);
			json_w_key(&w, "last_by");
			json_who(&w, &cy->v[i].last);
		}
		json_w_end_object(&w);
	}
	json_w_end_array(&w);
	json_w_key(&w, "schedule");
	json_w_array(&w);
	for (int k = 0; k < cy->months; k++) {
		plan_month_format(cy->start + k, m);
		json_w_object(&w);
		json_w_key_str(&w, "month", m);
		json_w_key(&w, "full");
		cycle_month_list(&w, cy, k, 1);
		json_w_key(&w, "countonly");
		cycle_month_list(&w, cy, k, 0);
		json_w_end_object(&w);
	}
	json_w_end_array(&w);
	json_w_end_object(&w);
	return cli_json_done(&w, EXIT_OK);
}

static void print_cycle_text(const struct wf_plan_cycle *cy)
{
	char m[8];

	plan_month_format(cy->start, m);
	printf(ngettext("cycle of %d month from %s, ",
			"cycle of %d months from %s, ", (unsigned long)cy->months),
	       cy->months, m);
	printf(_("%zu ranges, %zu a month in full"), cy->n, cy->share);
	printf("%s\n", cy->plan_id ? "" : _(" (proposed: --apply to keep it)"));
	for (int k = 0; k < cy->months; k++) {
		size_t full = 0;

		plan_month_format(cy->start + k, m);
		printf("  %s %s:", m, _("full"));
		for (size_t i = 0; i < cy->n; i++)
			if (cy->v[i].month == k) {
				printf(" %s", cli_text(cy->v[i].path));
				full++;
			}
		printf("; ");
		printf(_("count-only: the other %zu"), cy->n - full);
		putchar('\n');
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
	/* Who made each range's last full count: in the JSON only. */
	if (wf_plan_cycle(l, apply ? &actor : NULL, start, (int)months,
			  (apply ? WF_CYCLE_APPLY : 0u) |
			      (c->json ? WF_CYCLE_WHO : 0u),
			  cli_now(), &cy, &e))
		return cli_fail(&e);
	rc = EXIT_OK;
	if (c->json)
		rc = print_cycle_json(&cy);
	else
		print_cycle_text(&cy);
	wf_plan_cycle_free(&cy);
	return rc;
}

static const char *const plan_cycle_options[] = {"months", "start", "apply!",
						 NULL};

const struct cmd_entry cmd_plan_cycle_entry = {
    .name = "plan cycle",
    .usage = "--months K [--start YYYY-MM] [--apply --as MANAGER "
	     "[--pin-fd N]] [--json]",
    .help = N_("which ranges get a full count in which month (R5)"),
    .options = plan_cycle_options,
    .needs_db = 1,
    .step = &wf_step_plan_cycle,
    .exec = exec_plan_cycle,
};

/* ---- count-only checks ---- */

struct totals_ctx {
	FILE *out;	   /* text; NULL with jw NULL: only counting */
	struct json_w *jw; /* JSON */
	int n;
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
	if (t->jw) {
		json_w_object(t->jw);
		json_w_key_str(t->jw, "range", r->range);
		json_w_key_int(t->jw, "expected", r->expected);
		if (r->counted < 0) {
			json_w_key_null(t->jw, "counted");
			json_w_key_null(t->jw, "difference");
		} else {
			json_w_key_int(t->jw, "counted", r->counted);
			json_w_key_int(t->jw, "difference",
				       r->counted - r->expected);
		}
		json_w_key_str(t->jw, "state", plan_total_name(s));
		json_w_key_opt_str(t->jw, "by", r->by);
		json_w_key_opt_str(t->jw, "method", r->method);
		cli_json_key_time(t->jw, "at", r->at);
		json_w_end_object(t->jw);
	} else if (!t->out) {
		return 0; /* only counting what is off */
	} else if (r->counted < 0) {
		fprintf(t->out, "  %s ", cli_pad(cli_text(r->range), 24));
		fprintf(t->out, _("expected %lld, not counted"),
			(long long)r->expected);
		fputc('\n', t->out);
	} else {
		fprintf(t->out, "  %s ", cli_pad(cli_text(r->range), 24));
		fprintf(t->out, _("expected %lld, counted %lld by %s: %s"),
			(long long)r->expected, (long long)r->counted, r->by,
			cli_code(plan_total_name(s)));
		fputc('\n', t->out);
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
	struct json_w w;
	struct totals_ctx t = {.out = out, .jw = json ? &w : NULL};
	int rc;

	json_w_init(&w, out);
	if (json) {
		json_w_object(&w);
		json_w_key_int(&w, "session", sess->id);
		json_w_key_str(&w, "kind", "countonly");
		json_w_key(&w, "ranges");
		json_w_array(&w);
	} else {
		fprintf(out, _("count-only check %lld"), (long long)sess->id);
		fputc('\n', out);
	}
	rc = ledger_count_totals(l, sess->id, print_total, &t);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	rc = t.found ? EXIT_FOUND : EXIT_OK;
	if (json) {
		json_w_end_array(&w);
		json_w_key_int(&w, "expected", t.expected);
		json_w_key_int(&w, "counted", t.counted);
		json_w_key_uint(&w, "discrepancies", t.found);
		json_w_end_object(&w);
		return cli_json_done(&w, rc);
	}
	fprintf(out, _("expected %lld, counted %lld, "), (long long)t.expected,
		(long long)t.counted);
	fprintf(out, ngettext("%zu range off", "%zu ranges off", t.found),
		t.found);
	fputc('\n', out);
	return rc;
}

/* ---- the plan in `status` ---- */

/* The ranges of the cycle in state d, as a JSON array. */
static void list_state(const struct wf_plan_status *s, enum plan_due d,
		       struct json_w *w)
{
	json_w_array(w);
	for (size_t i = 0; i < s->nplanned; i++)
		if (s->planned[i].state == d)
			json_w_str(w, s->planned[i].path);
	json_w_end_array(w);
}

static void json_last(struct json_w *w, const char *key,
		      const struct range_count_rec *r, int got)
{
	json_w_key(w, key);
	if (!got) {
		json_w_null(w);
		return;
	}
	json_w_object(w);
	json_w_key_int(w, "session", r->session);
	json_w_key_str(w, "kind", session_kind_name(r->kind));
	cli_json_key_time(w, "at", r->started_at);
	json_w_key(w, "by");
	json_who(w, r);
	json_w_end_object(w);
}

/* "ranges": each range of the ledger with its last counts. */
static void status_ranges(const struct wf_plan_status *s, struct json_w *w)
{
	json_w_key(w, "ranges");
	json_w_array(w);
	for (size_t i = 0; i < s->nranges; i++) {
		json_w_object(w);
		json_w_key_str(w, "range", s->ranges[i].path);
		json_last(w, "last_count", &s->ranges[i].any,
			  s->ranges[i].has_any);
		json_last(w, "last_full_count", &s->ranges[i].full,
			  s->ranges[i].has_full);
		json_w_end_object(w);
	}
	json_w_end_array(w);
}

/* "plan":{"cycle":{...},"due":[...],"overdue":[...],"planned":[...], and
 * the object left open for "ranges". */
static void status_cycle_json(const struct wf_plan_status *s, struct json_w *w)
{
	char m0[8], m1[8];

	plan_month_format(s->start, m0);
	plan_month_format(s->start + s->cycle.months - 1, m1);
	json_w_key(w, "plan");
	json_w_object(w);
	json_w_key(w, "cycle");
	json_w_object(w);
	json_w_key_int(w, "id", s->cycle.id);
	json_w_key_str(w, "start", m0);
	json_w_key_str(w, "end", m1);
	json_w_key_int(w, "months", s->cycle.months);
	json_w_key_bool(w, "ended", s->ended);
	json_w_key_str(w, "created_by", s->cycle.created_by);
	json_w_end_object(w);
	json_w_key(w, "due");
	list_state(s, PLAN_DUE_NOW, w);
	json_w_key(w, "overdue");
	list_state(s, PLAN_DUE_OVERDUE, w);
	json_w_key(w, "planned");
	json_w_array(w);
	for (size_t i = 0; i < s->nplanned; i++) {
		char pm[8];

		plan_month_format(s->start + s->planned[i].month, pm);
		json_w_object(w);
		json_w_key_str(w, "range", s->planned[i].path);
		json_w_key_str(w, "month", pm);
		json_w_key_str(w, "state", plan_due_name(s->planned[i].state));
		json_w_end_object(w);
	}
	json_w_end_array(w);
}

/* The ranges of the cycle in state d, each after ", " (the first after a
 * space), onto f; how many. */
static size_t put_state(FILE *f, const struct wf_plan_status *s,
			enum plan_due d)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nplanned; i++) {
		if (s->planned[i].state != d)
			continue;
		fprintf(f, "%s%s", n ? ", " : " ", cli_text(s->planned[i].path));
		n++;
	}
	return n;
}

int plan_status_lines(const struct wf_plan_status *s,
		      void (*emit)(void *ctx, int level, const char *line),
		      void *ctx)
{
	char m0[8], m1[8], a[TIME_ISO_BUF];
	char *line = NULL;
	size_t len = 0;
	FILE *f;

/* One line written on f, handed to emit, and f started again. */
#define LINE(level)                                                            \
	do {                                                                   \
		if (fclose(f) != 0 || !line) {                                 \
			free(line);                                            \
			return -1;                                             \
		}                                                              \
		emit(ctx, (level), line);                                      \
		free(line);                                                    \
		line = NULL;                                                   \
		if (!(f = open_memstream(&line, &len)))                        \
			return -1;                                             \
	} while (0)

	if (!(f = open_memstream(&line, &len)))
		return -1;
	if (s->has_cycle) {
		plan_month_format(s->start, m0);
		plan_month_format(s->start + s->cycle.months - 1, m1);
		fprintf(f,
			ngettext("plan: cycle %s..%s (%d month)",
				 "plan: cycle %s..%s (%d months)",
				 (unsigned long)s->cycle.months),
			m0, m1, s->cycle.months);
		fputs(s->ended ? _(", ended: make the next one (plan cycle)")
			       : "",
		      f);
		LINE(0);
		fprintf(f, "%s:", _("due this month"));
		if (!put_state(f, s, PLAN_DUE_NOW))
			fprintf(f, " %s", _("none"));
		fputc(' ', f);
		fprintf(f, _("(%zu done)"), s->ndone);
		LINE(1);
		fprintf(f, "%s:", _("overdue"));
		if (!put_state(f, s, PLAN_DUE_OVERDUE))
			fprintf(f, " %s", _("none"));
		LINE(1);
	} else {
		fputs(_("plan: no cycle plan (plan cycle --months K --apply)"),
		      f);
		LINE(0);
	}
	fprintf(f, _("ranges: %zu, never counted in full: %zu"), s->nranges,
		s->nnever);
	if (s->oldest >= 0) {
		const struct wf_range_last *old = &s->ranges[s->oldest];

		LINE(1);
		cli_time_iso(old->full.started_at, a);
		a[10] = '\0';
		fprintf(f, _("oldest full count: %s, count %lld on %s by"),
			cli_text(old->path), (long long)old->full.session, a);
		for (size_t i = 0; i < old->full.nwho; i++)
			fprintf(f, " %s", old->full.who[i]);
		if (!old->full.nwho)
			fprintf(f, " %s", _("nobody"));
	}
	if (fclose(f) != 0 || !line) {
		free(line);
		return -1;
	}
	emit(ctx, 1, line);
	free(line);
	return 0;
#undef LINE
}

/* plan_status_lines onto stdout: two spaces a level. */
static void print_line(void *ctx, int level, const char *line)
{
	(void)ctx;
	printf("%*s%s\n", 2 * level, "", line);
}

int plan_status_print(const struct wf_plan_status *s, struct json_w *w)
{
	if (!w)
		return plan_status_lines(s, print_line, NULL) < 0
			   ? cli_error(EXIT_SOFTWARE, "%s", strerror(ENOMEM))
			   : 0;
	if (s->has_cycle) {
		status_cycle_json(s, w);
	} else {
		json_w_key(w, "plan");
		json_w_object(w);
		json_w_key_null(w, "cycle");
	}
	status_ranges(s, w);
	json_w_end_object(w); /* the plan */
	return 0;
}
