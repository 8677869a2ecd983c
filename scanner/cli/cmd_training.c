/*
 * `cardtally training ...` (R20, seed 000 第3-4): courses, attendance, and
 * the gate that keeps people without the required, unexpired training away
 * from cards.  Managers add courses and record who attended; listing is
 * read-only and exports attendance per session (date and course) or per
 * person.  The gate itself is reconcile/'s recon_training_gate; this file
 * only loads its inputs and words its refusal.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_ATTENDEES 256

int cli_training_check(struct ledger *l, const char *staff, int32_t today,
		       struct training_gap *out)
{
	struct wf_err e;

	if (wf_training_check(l, staff, today, out, &e))
		return cli_fail(&e);
	return 0;
}

static int32_t today(void)
{
	int64_t now = cli_now();

	return date_of_time(now, cli_utc_offset(now));
}

int cli_training_gate(struct ledger *l, const struct staff_rec *who)
{
	struct wf_err e;

	if (wf_training_gate(l, who, today(), &e))
		return cli_fail(&e);
	return 0;
}

/* ---- training course add ---- */

static int exec_course_add(struct cli *c, struct ledger *l)
{
	const char *name = cli_opt(c, "name");
	const char *req = cli_opt(c, "required-for");
	const char *days = cli_opt(c, "valid-days");
	struct course_rec course = {0};
	struct staff_rec actor;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "one course CODE is required");
	if (!name)
		return cli_usage(c, "--name is required");
	if (req && strcmp(req, "cards") != 0)
		return cli_usage(c, "--required-for takes 'cards', not '%s'",
				 req);
	if (days) {
		char *end;
		long n = strtol(days, &end, 10);

		if (*days == '\0' || *end != '\0' || n < 1 ||
		    n > COURSE_VALID_DAYS_MAX)
			return cli_usage(c, "--valid-days takes 1-%d, not '%s'",
					 COURSE_VALID_DAYS_MAX, days);
		course.valid_days = (int)n;
	}
	snprintf(course.code, sizeof(course.code), "%s", c->pos[0]);
	if (strlen(c->pos[0]) >= sizeof(course.code) ||
	    strlen(name) >= sizeof(course.name))
		return cli_error(EXIT_DATAERR, "course code or name too long");
	snprintf(course.name, sizeof(course.name), "%s", name);
	course.required = req != NULL;
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, ACT_TRAINING);
	if (rc)
		return rc;
	rc = ledger_course_add(l, &course, actor.id, cli_now());
	if (rc == LEDGER_ERR_INVALID || rc == LEDGER_ERR_EXISTS)
		return cli_error(EXIT_DATAERR, "%s", ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	fprintf(stderr, "course %s added%s\n", course.code,
		course.required ? ": required for work with cards from now on"
				: "");
	return EXIT_OK;
}

static const char *const course_add_options[] = {"name", "required-for",
						 "valid-days", NULL};

const struct cmd_entry cmd_training_course_add_entry = {
    .name = "training course add",
    .usage = "CODE --name NAME [--required-for cards] [--valid-days N] "
	     "--as MANAGER [--pin-fd N]",
    .help = "add a training course, optionally required for card work",
    .options = course_add_options,
    .needs_db = 1,
    .exec = exec_course_add,
};

/* ---- training course require ---- */

static int exec_course_require(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "one course CODE is required");
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, ACT_TRAINING);
	if (rc)
		return rc;
	rc = ledger_course_require(l, c->pos[0], actor.id, cli_now());
	if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_STATE)
		return cli_error(EXIT_DATAERR, "%s", ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	fprintf(stderr,
		"course %s is required for work with cards from now on\n",
		c->pos[0]);
	return EXIT_OK;
}

const struct cmd_entry cmd_training_course_require_entry = {
    .name = "training course require",
    .usage = "CODE --as MANAGER [--pin-fd N]",
    .help = "make a course required for work with cards from now on",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_course_require,
};

/* ---- training record ---- */

static int exec_record(struct cli *c, struct ledger *l)
{
	char *staff_s = (char *)cli_opt(c, "staff");
	const char *date_s = cli_opt(c, "date");
	char *who[MAX_ATTENDEES];
	struct staff_rec actor, s;
	int n = 0, rc;
	int32_t date;
	int64_t now;

	if (c->npos != 1)
		return cli_usage(c, "one COURSE is required");
	if (!staff_s || !*staff_s)
		return cli_usage(c, "--staff CODE[,CODE...] is required");
	if (!date_s)
		return cli_usage(c, "--date YYYY-MM-DD is required");
	if (date_parse(date_s, strlen(date_s), &date) < 0)
		return cli_usage(c, "--date takes YYYY-MM-DD, not '%s'",
				 date_s);
	for (char *tok = strtok(staff_s, ","); tok; tok = strtok(NULL, ",")) {
		if (n == MAX_ATTENDEES)
			return cli_usage(c, "at most %d people at once",
					 MAX_ATTENDEES);
		who[n++] = tok;
	}
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, ACT_TRAINING);
	if (rc)
		return rc;
	now = cli_now();
	/* A record vouches that a session took place: one dated in the
	 * future would open the gate before anyone was trained. */
	if (date > today())
		return cli_error(EXIT_DATAERR,
				 "%s is in the future: record training after "
				 "it took place",
				 date_s);
	rc = ledger_begin(l);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = ledger_staff_get(l, who[i], &s);
		if (rc == 0)
			rc = ledger_training_record(l, c->pos[0], s.id, date,
						    actor.id, now);
	}
	if (rc == 0)
		rc = ledger_commit(l);
	if (rc < 0) {
		ledger_rollback(l);
		if (rc == LEDGER_ERR_INVALID || rc == LEDGER_ERR_EXISTS ||
		    rc == LEDGER_ERR_NOTFOUND)
			return cli_error(EXIT_DATAERR, "%s: nothing recorded",
					 ledger_errmsg(l));
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	}
	fprintf(stderr, "%d attendance record%s of %s on %s\n", n,
		n == 1 ? "" : "s", c->pos[0], date_s);
	return EXIT_OK;
}

static const char *const record_options[] = {"staff", "date", NULL};

const struct cmd_entry cmd_training_record_entry = {
    .name = "training record",
    .usage = "COURSE --staff CODE[,CODE...] --date YYYY-MM-DD --as MANAGER "
	     "[--pin-fd N]",
    .help = "record who attended a session of a course, and when",
    .options = record_options,
    .needs_db = 1,
    .exec = exec_record,
};

/* ---- training list ---- */

struct list_ctx {
	int json;
	int n;	      /* items printed in the current list */
	int32_t date; /* the session being printed (per-session export) */
	char course[STAFF_CODE_MAX + 1];
};

static int list_course(const struct course_rec *co, void *ctx)
{
	struct list_ctx *s = ctx;

	if (s->json) {
		printf("%s{\"code\":", s->n ? "," : "");
		json_str(stdout, co->code);
		fputs(",\"name\":", stdout);
		json_str(stdout, co->name);
		printf(",\"required_for\":%s,\"valid_days\":",
		       co->required ? "\"cards\"" : "null");
		if (co->valid_days > 0)
			printf("%d}", co->valid_days);
		else
			fputs("null}", stdout);
	} else {
		printf("  %-12s %-30s %-18s ", co->code, co->name,
		       co->required ? "required for cards" : "-");
		if (co->valid_days > 0)
			printf("valid %d days\n", co->valid_days);
		else
			puts("no expiry");
	}
	s->n++;
	return 0;
}

/* One session is the run of rows with the same date and course. */
static int list_session(const struct attendance_row *r, void *ctx)
{
	struct list_ctx *s = ctx;
	int same =
	    s->n && s->date == r->date && strcmp(s->course, r->course) == 0;
	char d[11];

	date_format(r->date, d);
	if (s->json) {
		if (same) {
			fputc(',', stdout);
		} else {
			printf("%s{\"date\":\"%s\",\"course\":",
			       s->n ? "]}," : "", d);
			json_str(stdout, r->course);
			fputs(",\"name\":", stdout);
			json_str(stdout, r->course_name);
			fputs(",\"attendees\":[", stdout);
		}
		json_str(stdout, r->staff);
	} else {
		if (!same)
			printf("%s  %s %s (%s):", s->n ? "\n" : "", d,
			       r->course, r->course_name);
		printf(" %s", r->staff);
	}
	s->date = r->date;
	snprintf(s->course, sizeof(s->course), "%s", r->course);
	s->n++;
	return 0;
}

static int list_record(const struct attendance_row *r, void *ctx)
{
	struct list_ctx *s = ctx;
	char d[11];

	date_format(r->date, d);
	if (s->json) {
		printf("%s{\"date\":\"%s\",\"course\":", s->n ? "," : "", d);
		json_str(stdout, r->course);
		fputs(",\"name\":", stdout);
		json_str(stdout, r->course_name);
		fputs(",\"recorded_by\":", stdout);
		json_str(stdout, r->recorded_by);
		fputs("}", stdout);
	} else {
		printf("  %s %-12s %-30s recorded by %s\n", d, r->course,
		       r->course_name, r->recorded_by);
	}
	s->n++;
	return 0;
}

/* Per person: the records, then the state of every required course. */
static int list_person(struct ledger *l, const struct staff_rec *p, int json)
{
	struct list_ctx s = {.json = json};
	struct wf_training g = {0};
	int32_t t = today();
	int rc;

	if (json) {
		fputs("{\"staff\":", stdout);
		json_str(stdout, p->code);
		fputs(",\"name\":", stdout);
		json_str(stdout, p->name);
		fputs(",\"records\":[", stdout);
	} else {
		printf("%s (%s)\nrecords:\n", p->code, p->name);
	}
	rc = ledger_attendance_each(l, p->code, list_record, &s);
	if (rc == 0 && !json && s.n == 0)
		puts("  none");
	if (rc == 0)
		rc = wf_training_load(l, p->code, &g);
	if (rc < 0)
		goto out;
	fputs(json ? "],\"required\":[" : "required for work with cards:\n",
	      stdout);
	for (size_t i = 0; i < g.nreq; i++) {
		struct training_gap gap;
		char d[11] = "";

		if (wf_training_eval(&g, (long)i, t, &gap) < 0) {
			rc = LEDGER_ERR_NOMEM;
			goto out;
		}
		if (gap.since != DATE_NONE)
			date_format(gap.since, d);
		if (json) {
			printf("%s{\"course\":", i ? "," : "");
			json_str(stdout, g.req[i].code);
			printf(",\"state\":\"%s\",\"since\":",
			       recon_gate_name(gap.gate));
			json_str_or_null(stdout, d);
			fputs("}", stdout);
		} else {
			printf("  %-12s %s%s\n", g.req[i].code,
			       gap.gate == GATE_OK	  ? "valid"
			       : gap.gate == GATE_EXPIRED ? "expired since "
							  : "missing",
			       d);
		}
	}
	if (!json && g.nreq == 0)
		puts("  nothing is required");
	if (json)
		fputs("]}\n", stdout);
out:
	wf_training_free(&g);
	if (rc == LEDGER_ERR_NOMEM)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	return EXIT_OK;
}

static int exec_list(struct cli *c, struct ledger *l)
{
	const char *staff = cli_opt(c, "staff");
	struct list_ctx s = {.json = c->json};
	struct staff_rec p;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (staff) {
		rc = ledger_staff_get(l, staff, &p);
		if (rc == LEDGER_ERR_NOTFOUND)
			return cli_error(EXIT_DATAERR, "no staff member %s",
					 staff);
		if (rc < 0)
			return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
		return list_person(l, &p, c->json);
	}
	fputs(s.json ? "{\"courses\":[" : "courses:\n", stdout);
	rc = ledger_course_each(l, list_course, &s);
	if (rc == 0 && !s.json && s.n == 0)
		puts("  none");
	if (rc == 0) {
		fputs(s.json ? "],\"sessions\":[" : "sessions:\n", stdout);
		s.n = 0;
		rc = ledger_attendance_each(l, NULL, list_session, &s);
	}
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (s.json)
		fputs(s.n ? "]}]}\n" : "]}\n", stdout);
	else
		puts(s.n ? "" : "  none");
	return EXIT_OK;
}

static const char *const list_options[] = {"staff", NULL};

const struct cmd_entry cmd_training_list_entry = {
    .name = "training list",
    .usage = "[--staff CODE] [--json]",
    .help = "attendance per session, or one person's training",
    .options = list_options,
    .needs_db = 1,
    .exec = exec_list,
};
