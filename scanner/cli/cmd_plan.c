/*
 * The counting programme at the command line (R5, R6): `plan assign` (who
 * counts which range of a count, by the rotation planner), `plan cycle`
 * (which ranges get their full count in which month), the report of a
 * count-only check, and the plan section of `status`.  The rules are
 * reconcile/plan.c's; the records data/plan.c's.  `count start` uses the
 * same planner for every range it is not told who counts (cmd_count.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../../drivers/profile.h"
#include "../../reconcile/plan.h"
#include "cli.h"
#include "../workflow/config.h"
#include "report.h"

static int32_t today_local(void)
{
	int64_t now = cli_now();

	return date_of_time(now, cli_utc_offset(now));
}

/* ---- the planner's input for one count ---- */

struct plan_load {
	struct staff_rec *staff; /* every staff member, by code */
	struct plan_person *people;
	size_t npeople;
	struct range_rec *rr; /* the count's ranges, by path */
	struct plan_range *ranges;
	size_t nranges;
	struct range_count_rec *hist; /* PLAN_ROTATION per range */
	struct plan_count *counts;    /* likewise */
	int32_t *who;		      /* RANGE_WHO_MAX per count */
};

static void plan_load_free(struct plan_load *p)
{
	free(p->staff);
	free(p->people);
	free(p->rr);
	free(p->ranges);
	free(p->hist);
	free(p->counts);
	free(p->who);
	memset(p, 0, sizeof(*p));
}

struct staff_list {
	struct staff_rec *v;
	size_t n, cap;
};

static int collect_staff(const struct staff_rec *s, void *ctx)
{
	struct staff_list *sl = ctx;

	if (sl->n == sl->cap) {
		size_t ncap = sl->cap ? sl->cap * 2 : 16;
		struct staff_rec *p = realloc(sl->v, ncap * sizeof(*p));

		if (!p)
			return LEDGER_ERR_NOMEM;
		sl->v = p;
		sl->cap = ncap;
	}
	sl->v[sl->n++] = *s;
	return 0;
}

static int32_t person_index(const struct plan_load *p, const char *code)
{
	for (size_t i = 0; i < p->npeople; i++)
		if (strcmp(p->staff[i].code, code) == 0)
			return (int32_t)i;
	return -1;
}

/* Everyone, with whether they are trained today (R20).  0 or an exit
 * code. */
static int load_people(struct ledger *l, struct plan_load *p)
{
	struct staff_list sl = {0};
	int32_t today = today_local();
	int rc = ledger_staff_each(l, collect_staff, &sl);

	p->staff = sl.v;
	p->npeople = sl.n;
	if (rc == LEDGER_ERR_NOMEM)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	p->people = calloc(sl.n ? sl.n : 1, sizeof(*p->people));
	if (!p->people)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	for (size_t i = 0; i < sl.n; i++) {
		struct training_gap gap;

		rc = cli_training_check(l, sl.v[i].code, today, &gap);
		if (rc)
			return rc;
		p->people[i].code = sl.v[i].code;
		p->people[i].role = sl.v[i].role;
		p->people[i].active = sl.v[i].active;
		p->people[i].trained = gap.gate == GATE_OK;
	}
	return 0;
}

/* Range i's last counts before session `before`, into the planner's
 * form.  0 or an exit code. */
static int load_history(struct ledger *l, struct plan_load *p, size_t i,
			int64_t before)
{
	struct range_count_rec *h = &p->hist[i * PLAN_ROTATION];
	struct plan_count *c = &p->counts[i * PLAN_ROTATION];
	struct plan_range *r = &p->ranges[i];
	size_t n;
	int rc =
	    ledger_range_counts(l, r->path, before, 0, h, PLAN_ROTATION, &n);

	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	for (size_t k = 0; k < n; k++) {
		int32_t *who = &p->who[(i * PLAN_ROTATION + k) * RANGE_WHO_MAX];

		c[k].session = h[k].session;
		c[k].day = date_of_time(h[k].started_at,
					cli_utc_offset(h[k].started_at));
		c[k].who = who;
		c[k].nwho = 0;
		for (size_t w = 0; w < h[k].nwho; w++) {
			int32_t x = person_index(p, h[k].who[w]);

			if (x >= 0)
				who[c[k].nwho++] = x;
		}
	}
	r->hist = c;
	r->nhist = n;
	return 0;
}

/* Loads everything the planner needs for session id.  0 or an exit
 * code; plan_load_free in any case. */
static int plan_load_session(struct ledger *l, int64_t id, struct plan_load *p)
{
	size_t n;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = load_people(l, p);
	if (rc)
		return rc;
	rc = ledger_session_ranges(l, id, &p->rr, &n);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	p->nranges = n;
	p->ranges = calloc(n ? n : 1, sizeof(*p->ranges));
	p->hist = calloc(n ? n * PLAN_ROTATION : 1, sizeof(*p->hist));
	p->counts = calloc(n ? n * PLAN_ROTATION : 1, sizeof(*p->counts));
	p->who =
	    calloc(n ? n * PLAN_ROTATION * RANGE_WHO_MAX : 1, sizeof(*p->who));
	if (!p->ranges || !p->hist || !p->counts || !p->who)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct plan_range *r = &p->ranges[i];

		r->path = p->rr[i].path;
		r->fixed = p->rr[i].assignee[0]
			       ? person_index(p, p->rr[i].assignee)
			       : -1;
		if (ledger_range_expected(l, r->path, &r->cards) < 0)
			return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
		rc = load_history(l, p, i, id);
		if (rc)
			return rc;
	}
	return 0;
}

int plan_check_assign(struct ledger *l, int64_t id, const char *range,
		      const char *staff)
{
	struct plan_load p;
	char why[512];
	int rc = plan_load_session(l, id, &p);
	int32_t who = rc ? -1 : person_index(&p, staff);
	size_t i;

	if (rc || who < 0) {
		/* An unknown person or range is the ledger's to refuse. */
		plan_load_free(&p);
		return rc;
	}
	for (i = 0; i < p.nranges; i++)
		if (strcmp(p.ranges[i].path, range) == 0)
			break;
	if (i < p.nranges) {
		enum plan_bar bar = plan_check(&p.ranges[i], p.people, who);

		/* Inactive people are refused by the ledger (bad input). */
		if (bar != PLAN_OK && bar != PLAN_BAR_INACTIVE) {
			plan_bar_explain(bar, &p.ranges[i], p.people, who, why,
					 sizeof(why));
			rc = cli_error(EXIT_NOPERM,
				       "cannot give %s to %s: %s: permission "
				       "denied",
				       range, staff, why);
		}
	}
	plan_load_free(&p);
	return rc;
}

void plan_result_free(struct plan_result *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int plan_count_fill(struct ledger *l, int64_t id, const struct staff_rec *actor,
		    int apply, struct plan_result *res)
{
	struct plan_load p;
	int32_t *out = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = plan_load_session(l, id, &p);
	if (rc)
		goto done;
	out = calloc(p.nranges ? p.nranges : 1, sizeof(*out));
	res->v = calloc(p.nranges ? p.nranges : 1, sizeof(*res->v));
	if (!out || !res->v) {
		rc = cli_error(EXIT_SOFTWARE, "out of memory");
		goto done;
	}
	if (plan_assign(p.ranges, p.nranges, p.people, p.npeople,
			actor ? person_index(&p, actor->code) : -1, out) < 0) {
		rc = cli_error(EXIT_SOFTWARE, "out of memory");
		goto done;
	}
	res->n = p.nranges;
	for (size_t i = 0; i < p.nranges; i++) {
		struct plan_line *ln = &res->v[i];

		snprintf(ln->range, sizeof(ln->range), "%s", p.ranges[i].path);
		ln->kept = p.ranges[i].fixed >= 0;
		if (out[i] < 0) {
			plan_explain(&p.ranges[i], p.people, p.npeople, ln->why,
				     sizeof(ln->why));
			res->nunassigned++;
			continue;
		}
		snprintf(ln->staff, sizeof(ln->staff), "%s",
			 p.staff[out[i]].code);
		if (!apply || ln->kept)
			continue;
		if (ledger_session_assign(l, id, ln->range, ln->staff,
					  actor ? actor->id : 0,
					  cli_now()) < 0) {
			rc = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
			goto done;
		}
	}
done:
	free(out);
	plan_load_free(&p);
	if (rc)
		plan_result_free(res);
	return rc;
}

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
	struct session_rec sess;
	struct plan_result res;
	int64_t id;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!count_s)
		return cli_usage(c, "--count ID is required");
	rc = cli_session_id(c, count_s, &id);
	if (rc)
		return rc;
	rc = ledger_session_get(l, id, &sess);
	if (rc == LEDGER_ERR_NOTFOUND)
		return cli_error(EXIT_DATAERR, "no count %lld", (long long)id);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (sess.kind == SESSION_TALLY)
		return cli_error(EXIT_DATAERR,
				 "session %lld is a tally: it has no ranges to "
				 "plan",
				 (long long)id);
	if (sess.closed_at)
		return cli_error(EXIT_DATAERR,
				 "count %lld is closed: nothing to plan",
				 (long long)id);
	/* A proposal changes nothing and needs nobody; applying it is the
	 * manager's decision. */
	if (apply) {
		rc = cli_actor(c, l, &actor);
		if (rc == 0)
			rc = cli_permit(&actor, ACT_PLAN);
		if (rc)
			return rc;
		rc = ledger_begin(l);
		if (rc < 0)
			return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	}
	rc = plan_count_fill(l, id, apply ? &actor : NULL, apply, &res);
	if (apply) {
		if (rc == 0 && ledger_commit(l) < 0)
			rc = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
		if (rc)
			ledger_rollback(l);
	}
	if (rc)
		return rc;
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
    .exec = exec_plan_assign,
};

/* ---- plan cycle ---- */

struct cycle_input {
	char (*paths)[LOCATION_MAX + 1];
	struct plan_cycle_range *r;
	struct range_count_rec *last; /* the last full count of each */
	int32_t *month;
	size_t n;
};

static void cycle_input_free(struct cycle_input *ci)
{
	free(ci->paths);
	free(ci->r);
	free(ci->last);
	free(ci->month);
}

/* Every range of a count over everything, with its last full count. */
static int cycle_load(struct ledger *l, struct cycle_input *ci)
{
	size_t n, got;
	int rc = ledger_all_ranges(l, &ci->paths, &n);

	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	ci->n = n;
	ci->r = calloc(n ? n : 1, sizeof(*ci->r));
	ci->last = calloc(n ? n : 1, sizeof(*ci->last));
	ci->month = calloc(n ? n : 1, sizeof(*ci->month));
	if (!ci->r || !ci->last || !ci->month)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	for (size_t i = 0; i < n; i++) {
		rc = ledger_range_counts(l, ci->paths[i], 0, 1, &ci->last[i], 1,
					 &got);
		if (rc < 0)
			return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
		ci->r[i].path = ci->paths[i];
		ci->r[i].last_full =
		    got ? date_of_time(ci->last[i].started_at,
				       cli_utc_offset(ci->last[i].started_at))
			: DATE_NONE;
	}
	return 0;
}

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

static void print_cycle(const struct cycle_input *ci, int32_t start, int months,
			int64_t plan_id, int json)
{
	char m[8], d[11];

	plan_month_format(start, m);
	if (json) {
		printf("{\"plan\":");
		if (plan_id)
			printf("%lld", (long long)plan_id);
		else
			fputs("null", stdout);
		printf(",\"start\":\"%s\",\"months\":%d,\"share\":%zu,"
		       "\"ranges\":[",
		       m, months, plan_cycle_share(ci->n, months));
		for (size_t i = 0; i < ci->n; i++) {
			plan_month_format(start + ci->month[i], m);
			fputs(i ? ",{\"range\":" : "{\"range\":", stdout);
			json_str(stdout, ci->r[i].path);
			printf(",\"month\":\"%s\",\"last_full\":", m);
			if (ci->r[i].last_full == DATE_NONE) {
				fputs("null,\"last_by\":[]}", stdout);
				continue;
			}
			date_format(ci->r[i].last_full, d);
			printf("\"%s\",\"last_by\":", d);
			json_who(stdout, &ci->last[i]);
			fputs("}", stdout);
		}
		fputs("],\"schedule\":[", stdout);
		for (int k = 0; k < months; k++) {
			int n = 0;

			plan_month_format(start + k, m);
			printf("%s{\"month\":\"%s\",\"full\":[", k ? "," : "",
			       m);
			for (size_t i = 0; i < ci->n; i++)
				if (ci->month[i] == k) {
					fputs(n++ ? "," : "", stdout);
					json_str(stdout, ci->r[i].path);
				}
			fputs("],\"countonly\":[", stdout);
			n = 0;
			for (size_t i = 0; i < ci->n; i++)
				if (ci->month[i] != k) {
					fputs(n++ ? "," : "", stdout);
					json_str(stdout, ci->r[i].path);
				}
			fputs("]}", stdout);
		}
		puts("]}");
		return;
	}
	printf("cycle of %d month%s from %s, %zu ranges, %zu a month in "
	       "full%s\n",
	       months, months == 1 ? "" : "s", m, ci->n,
	       plan_cycle_share(ci->n, months),
	       plan_id ? "" : " (proposed: --apply to keep it)");
	for (int k = 0; k < months; k++) {
		size_t full = 0;

		plan_month_format(start + k, m);
		printf("  %s full:", m);
		for (size_t i = 0; i < ci->n; i++)
			if (ci->month[i] == k) {
				printf(" %s", ci->r[i].path);
				full++;
			}
		printf("; count-only: the other %zu\n", ci->n - full);
	}
}

static int exec_plan_cycle(struct cli *c, struct ledger *l)
{
	const char *months_s = cli_opt(c, "months");
	const char *start_s = cli_opt(c, "start");
	int apply = cli_opt(c, "apply") != NULL;
	struct cycle_input ci = {0};
	struct staff_rec actor;
	int64_t plan_id = 0;
	int32_t start;
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
	if (!start_s)
		start = plan_month_of_day(today_local());
	if (apply) {
		rc = cli_actor(c, l, &actor);
		if (rc == 0)
			rc = cli_permit(&actor, ACT_PLAN);
		if (rc)
			return rc;
	}
	rc = cycle_load(l, &ci);
	if (rc == 0 && ci.n == 0)
		rc = cli_error(EXIT_DATAERR,
			       "nothing to plan: the ledger holds no cards");
	if (rc == 0 && plan_cycle(ci.r, ci.n, (int)months, ci.month) < 0)
		rc = cli_error(EXIT_SOFTWARE, "out of memory");
	if (rc == 0 && apply) {
		const char **paths = calloc(ci.n, sizeof(*paths));

		for (size_t i = 0; paths && i < ci.n; i++)
			paths[i] = ci.paths[i];
		if (!paths)
			rc = cli_error(EXIT_SOFTWARE, "out of memory");
		else if (ledger_cycle_save(l, plan_month_first_day(start),
					   (int)months, paths, ci.month, ci.n,
					   actor.id, cli_now(), &plan_id) < 0)
			rc = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
		free(paths);
	}
	if (rc == 0)
		print_cycle(&ci, start, (int)months, plan_id, c->json);
	cycle_input_free(&ci);
	return rc;
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

struct planned {
	char path[LOCATION_MAX + 1];
	int month;
	enum plan_due state;
	int32_t last_full; /* DATE_NONE: never */
	struct range_count_rec last;
};

struct planned_list {
	struct planned *v;
	size_t n, cap;
};

static int collect_planned(void *ctx, const char *path, int month)
{
	struct planned_list *pl = ctx;

	if (pl->n == pl->cap) {
		size_t ncap = pl->cap ? pl->cap * 2 : 32;
		struct planned *p = realloc(pl->v, ncap * sizeof(*p));

		if (!p)
			return LEDGER_ERR_NOMEM;
		pl->v = p;
		pl->cap = ncap;
	}
	memset(&pl->v[pl->n], 0, sizeof(pl->v[0]));
	snprintf(pl->v[pl->n].path, sizeof(pl->v[0].path), "%s", path);
	pl->v[pl->n++].month = month;
	return 0;
}

/* "SAFE1/T01, SAFE1/T02" of the planned ranges in state s, in text. */
static size_t list_state(const struct planned_list *pl, enum plan_due s,
			 int json)
{
	size_t n = 0;

	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].state != s)
			continue;
		if (json) {
			fputs(n ? "," : "", stdout);
			json_str(stdout, pl->v[i].path);
		} else {
			printf("%s%s", n ? ", " : " ", pl->v[i].path);
		}
		n++;
	}
	return n;
}

static void json_last(const char *key, const struct range_count_rec *r,
		      size_t got)
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
static int status_ranges(struct ledger *l, int json)
{
	char(*paths)[LOCATION_MAX + 1] = NULL;
	size_t n = 0, never = 0, oldest = 0, got_full, got_any;
	struct range_count_rec full, any, old = {0};
	int have_old = 0;
	int rc = ledger_all_ranges(l, &paths, &n);

	if (rc < 0)
		return rc;
	if (json)
		fputs(",\"ranges\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		rc =
		    ledger_range_counts(l, paths[i], 0, 1, &full, 1, &got_full);
		if (rc == 0)
			rc = ledger_range_counts(l, paths[i], 0, 0, &any, 1,
						 &got_any);
		if (rc < 0)
			break;
		if (json) {
			fputs(i ? ",{\"range\":" : "{\"range\":", stdout);
			json_str(stdout, paths[i]);
			json_last("last_count", &any, got_any);
			json_last("last_full_count", &full, got_full);
			fputs("}", stdout);
		}
		if (!got_full) {
			never++;
		} else if (!have_old || full.started_at < old.started_at) {
			old = full;
			oldest = i;
			have_old = 1;
		}
	}
	if (rc == 0 && json) {
		fputs("]", stdout);
	} else if (rc == 0) {
		printf("  ranges: %zu, never counted in full: %zu\n", n, never);
		if (have_old) {
			char a[TIME_ISO_BUF];

			cli_time_iso(old.started_at, a);
			printf("  oldest full count: %s, count %lld on %.10s "
			       "by",
			       paths[oldest], (long long)old.session, a);
			for (size_t w = 0; w < old.nwho; w++)
				printf(" %s", old.who[w]);
			puts(old.nwho ? "" : " nobody");
		}
	}
	free(paths);
	return rc;
}

/* The ranges of cycle plan cy with their state in `month`. */
static int load_planned(struct ledger *l, const struct cycle_rec *cy,
			int32_t month, struct planned_list *pl)
{
	int32_t start = plan_month_of_day(cy->start_day);
	size_t got;
	int rc = ledger_cycle_each(l, cy->id, collect_planned, pl);

	for (size_t i = 0; rc == 0 && i < pl->n; i++) {
		struct planned *p = &pl->v[i];

		rc = ledger_range_counts(l, p->path, 0, 1, &p->last, 1, &got);
		p->last_full =
		    got ? date_of_time(p->last.started_at,
				       cli_utc_offset(p->last.started_at))
			: DATE_NONE;
		p->state =
		    plan_cycle_state(start, p->month, month, p->last_full);
	}
	return rc;
}

int plan_due_ranges(struct ledger *l, int64_t now,
		    char (**out)[LOCATION_MAX + 1], int **state, size_t *n)
{
	struct planned_list pl = {0};
	struct cycle_rec cy;
	int rc = ledger_cycle_current(l, &cy);

	*out = NULL;
	*state = NULL;
	*n = 0;
	if (rc == LEDGER_ERR_NOTFOUND)
		return 0;
	if (rc == 0)
		rc = load_planned(
		    l, &cy,
		    plan_month_of_day(date_of_time(now, cli_utc_offset(now))),
		    &pl);
	if (rc < 0) {
		free(pl.v);
		return cli_error(EXIT_SOFTWARE, "%s",
				 rc == LEDGER_ERR_NOMEM ? "out of memory"
							: ledger_errmsg(l));
	}
	*out = calloc(pl.n ? pl.n : 1, sizeof(**out));
	*state = calloc(pl.n ? pl.n : 1, sizeof(**state));
	if (!*out || !*state) {
		free(*out);
		free(*state);
		*out = NULL;
		*state = NULL;
		free(pl.v);
		return cli_error(EXIT_SOFTWARE, "out of memory");
	}
	for (size_t i = 0; i < pl.n; i++) {
		snprintf((*out)[i], sizeof((*out)[i]), "%s", pl.v[i].path);
		(*state)[i] = (int)pl.v[i].state;
	}
	*n = pl.n;
	free(pl.v);
	return 0;
}

int plan_status(struct ledger *l, int json, int64_t now)
{
	struct planned_list pl = {0};
	struct cycle_rec cy;
	int32_t month =
	    plan_month_of_day(date_of_time(now, cli_utc_offset(now)));
	int32_t start;
	char m0[8], m1[8];
	int rc = ledger_cycle_current(l, &cy);

	if (rc == LEDGER_ERR_NOTFOUND) {
		fputs(json ? ",\"plan\":{\"cycle\":null"
			   : "plan: no cycle plan "
			     "(plan cycle "
			     "--months K "
			     "--apply)\n",
		      stdout);
		rc = status_ranges(l, json);
		if (json)
			fputs("}", stdout);
		return rc < 0 ? cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l))
			      : 0;
	}
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	rc = load_planned(l, &cy, month, &pl);
	start = plan_month_of_day(cy.start_day);
	if (rc < 0) {
		free(pl.v);
		return cli_error(EXIT_SOFTWARE, "%s",
				 rc == LEDGER_ERR_NOMEM ? "out of memory"
							: ledger_errmsg(l));
	}
	plan_month_format(start, m0);
	plan_month_format(start + cy.months - 1, m1);
	if (json) {
		printf(",\"plan\":{\"cycle\":{\"id\":%lld,\"start\":\"%s\","
		       "\"end\":\"%s\",\"months\":%d,\"ended\":%s,"
		       "\"created_by\":",
		       (long long)cy.id, m0, m1, cy.months,
		       month >= start + cy.months ? "true" : "false");
		json_str(stdout, cy.created_by);
		fputs("},\"due\":[", stdout);
		list_state(&pl, PLAN_DUE_NOW, 1);
		fputs("],\"overdue\":[", stdout);
		list_state(&pl, PLAN_DUE_OVERDUE, 1);
		fputs("],\"planned\":[", stdout);
		for (size_t i = 0; i < pl.n; i++) {
			char pm[8];

			plan_month_format(start + pl.v[i].month, pm);
			fputs(i ? ",{\"range\":" : "{\"range\":", stdout);
			json_str(stdout, pl.v[i].path);
			printf(",\"month\":\"%s\",\"state\":\"%s\"}", pm,
			       plan_due_name(pl.v[i].state));
		}
		fputs("]", stdout);
	} else {
		size_t done = 0, due;

		for (size_t i = 0; i < pl.n; i++)
			done += pl.v[i].month == month - start &&
				pl.v[i].state == PLAN_DUE_DONE;
		printf("plan: cycle %s..%s (%d month%s)%s\n", m0, m1, cy.months,
		       cy.months == 1 ? "" : "s",
		       month >= start + cy.months
			   ? ", ended: make the next one (plan cycle)"
			   : "");
		fputs("  due this month:", stdout);
		due = list_state(&pl, PLAN_DUE_NOW, 0);
		printf("%s (%zu done)\n", due ? "" : " none", done);
		fputs("  overdue:", stdout);
		puts(list_state(&pl, PLAN_DUE_OVERDUE, 0) ? "" : " none");
	}
	free(pl.v);
	rc = status_ranges(l, json);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (json)
		fputs("}", stdout);
	return 0;
}
