/*
 * `cardtally training ...` (R20, seed 000 第3-4): courses, attendance, and
 * the gate that keeps people without the required, unexpired training away
 * from cards.  Managers add courses and record who attended; listing is
 * read-only and exports attendance per session (date and course) or per
 * person.  The gate itself is reconcile/'s recon_training_gate and the
 * steps are scanner/workflow/wf_training.c's; this file parses and prints.
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

/* ---- training course add ---- */

static int exec_course_add(struct cli *c, struct ledger *l)
{
	const char *name = cli_opt(c, "name");
	const char *req = cli_opt(c, "required-for");
	const char *days = cli_opt(c, "valid-days");
	struct course_rec course = {0};
	struct staff_rec actor;
	struct wf_err e;
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
	if (strlen(c->pos[0]) >= sizeof(course.code) ||
	    strlen(name) >= sizeof(course.name))
		return cli_error(EXIT_DATAERR, "course code or name too long");
	snprintf(course.code, sizeof(course.code), "%s", c->pos[0]);
	snprintf(course.name, sizeof(course.name), "%s", name);
	course.required = req != NULL;
	rc = cli_step_actor(c, l, &actor);
	if (rc == 0 &&
	    wf_training_course_add(l, &actor, &course, cli_now(), &e))
		rc = cli_fail(&e);
	if (rc)
		return rc;
	fprintf(stderr, _("course %s added%s\n"), course.code,
		course.required
		    ? _(": required for work with cards from now on")
		    : "");
	return EXIT_OK;
}

static const char *const course_add_options[] = {"name", "required-for",
						 "valid-days", NULL};

const struct cmd_entry cmd_training_course_add_entry = {
    .name = "training course add",
    .usage = "CODE --name NAME [--required-for cards] [--valid-days N] "
	     "--as MANAGER [--pin-fd N]",
    .help = N_("add a training course, optionally required for card work"),
    .options = course_add_options,
    .needs_db = 1,
    .step = &wf_step_training,
    .exec = exec_course_add,
};

/* ---- training course require ---- */

static int exec_course_require(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	struct wf_err e;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "one course CODE is required");
	rc = cli_step_actor(c, l, &actor);
	if (rc == 0 &&
	    wf_training_course_require(l, &actor, c->pos[0], cli_now(), &e))
		rc = cli_fail(&e);
	if (rc)
		return rc;
	fprintf(stderr,
		_("course %s is required for work with cards from now on\n"),
		c->pos[0]);
	return EXIT_OK;
}

const struct cmd_entry cmd_training_course_require_entry = {
    .name = "training course require",
    .usage = "CODE --as MANAGER [--pin-fd N]",
    .help = N_("make a course required for work with cards from now on"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_training,
    .exec = exec_course_require,
};

/* ---- training record ---- */

static int exec_record(struct cli *c, struct ledger *l)
{
	char *staff_s = (char *)cli_opt(c, "staff");
	const char *date_s = cli_opt(c, "date");
	char *who[MAX_ATTENDEES];
	struct staff_rec actor;
	struct wf_err e;
	size_t n = 0;
	int32_t date;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "one COURSE is required");
	if (!staff_s || !*staff_s)
		return cli_usage(c, "--staff CODE[,CODE...] is required");
	if (!date_s)
		return cli_usage(c, "--date YYYY-MM-DD is required");
	if (date_parse(date_s, strlen(date_s), &date) < 0)
		return cli_usage(c, "--date takes YYYY-MM-DD, not '%s'",
				 date_s);
	if (cli_list_count(staff_s) > MAX_ATTENDEES)
		return cli_usage(c, "at most %d people at once", MAX_ATTENDEES);
	rc = cli_list(c, "staff", staff_s, who, &n);
	if (rc == 0)
		rc = cli_step_actor(c, l, &actor);
	if (rc == 0 &&
	    wf_training_record(l, &actor, c->pos[0], (const char *const *)who,
			       n, date, cli_now(), &e))
		rc = cli_fail(&e);
	if (rc)
		return rc;
	fprintf(stderr,
		ngettext("%zu attendance record of %s on %s\n",
			 "%zu attendance records of %s on %s\n", n),
		n, c->pos[0], date_s);
	return EXIT_OK;
}

static const char *const record_options[] = {"staff", "date", NULL};

const struct cmd_entry cmd_training_record_entry = {
    .name = "training record",
    .usage = "COURSE --staff CODE[,CODE...] --date YYYY-MM-DD --as MANAGER "
	     "[--pin-fd N]",
    .help = N_("record who attended a session of a course, and when"),
    .options = record_options,
    .needs_db = 1,
    .step = &wf_step_training,
    .exec = exec_record,
};

/* ---- training list ---- */

/* The printers below write an object of jw, or text when jw is NULL. */
static void print_course(const struct course_rec *co, struct json_w *jw)
{
	if (jw) {
		json_w_object(jw);
		json_w_key_str(jw, "code", co->code);
		json_w_key_str(jw, "name", co->name);
		json_w_key_str(jw, "required_for",
			       co->required ? "cards" : NULL);
		if (co->valid_days > 0)
			json_w_key_int(jw, "valid_days", co->valid_days);
		else
			json_w_key_null(jw, "valid_days");
		json_w_end_object(jw);
		return;
	}
	printf("  %-12s %s %s ", co->code, cli_pad(cli_text(co->name), 30),
	       cli_pad(co->required ? _("required for cards") : "-", 18));
	if (co->valid_days > 0)
		printf(_("valid %d days\n"), co->valid_days);
	else
		puts(_("no expiry"));
}

static void print_session(const struct wf_training_session *s,
			  struct json_w *jw, int first)
{
	char d[11];

	date_format(s->date, d);
	if (jw) {
		json_w_object(jw);
		json_w_key_str(jw, "date", d);
		json_w_key_str(jw, "course", s->course);
		json_w_key_str(jw, "name", s->name);
		json_w_key(jw, "attendees");
		json_w_array(jw);
		for (size_t i = 0; i < s->nwho; i++)
			json_w_str(jw, s->who[i]);
		json_w_end_array(jw);
		json_w_end_object(jw);
		return;
	}
	printf("%s  %s %s (%s):", first ? "" : "\n", d, s->course,
	       cli_text(s->name));
	for (size_t i = 0; i < s->nwho; i++)
		printf(" %s", s->who[i]);
}

/* Per person: the records, then the state of every required course. */
static void print_person(const struct wf_training_person *p, struct json_w *jw)
{
	if (jw) {
		json_w_object(jw);
		json_w_key_str(jw, "staff", p->who.code);
		json_w_key_str(jw, "name", p->who.name);
		json_w_key(jw, "records");
		json_w_array(jw);
	} else {
		printf(_("%s (%s)\nrecords:\n"), p->who.code,
		       cli_text(p->who.name));
	}
	for (size_t i = 0; i < p->nrecords; i++) {
		const struct wf_training_record *r = &p->records[i];
		char d[11];

		date_format(r->date, d);
		if (jw) {
			json_w_object(jw);
			json_w_key_str(jw, "date", d);
			json_w_key_str(jw, "course", r->course);
			json_w_key_str(jw, "name", r->name);
			json_w_key_str(jw, "recorded_by", r->recorded_by);
			json_w_end_object(jw);
		} else {
			printf(_("  %s %-12s %s recorded by %s\n"), d,
			       r->course, cli_pad(cli_text(r->name), 30),
			       r->recorded_by);
		}
	}
	if (jw) {
		json_w_end_array(jw);
		json_w_key(jw, "required");
		json_w_array(jw);
	} else {
		if (p->nrecords == 0)
			puts(_("  none"));
		puts(_("required for work with cards:"));
	}
	for (size_t i = 0; i < p->nrequired; i++) {
		const struct wf_training_required *q = &p->required[i];
		char d[11] = "";

		if (q->since != DATE_NONE)
			date_format(q->since, d);
		if (jw) {
			json_w_object(jw);
			json_w_key_str(jw, "course", q->course);
			json_w_key_str(jw, "state", recon_gate_name(q->gate));
			json_w_key_opt_str(jw, "since", d);
			json_w_end_object(jw);
		} else {
			printf("  %-12s %s%s\n", q->course,
			       q->gate == GATE_OK	 ? _("valid")
			       : q->gate == GATE_EXPIRED ? _("expired since ")
							 : _("missing"),
			       d);

		}
	}
	if (jw) {
		json_w_end_array(jw);
		json_w_end_object(jw);
	} else if (p->nrequired == 0) {
		puts(_("  nothing is required"));
	}
}

static int exec_list(struct cli *c, struct ledger *l)
{
	const char *staff = cli_opt(c, "staff");
	struct wf_training_list t;
	struct wf_err e;
	struct json_w w, *jw = c->json ? &w : NULL;
	int rc = EXIT_OK;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	json_w_init(&w, stdout);
	if (staff) {
		struct wf_training_person p;

		if (wf_training_person(l, staff, today(), &p, &e))
			return cli_fail(&e);
		print_person(&p, jw);
		wf_training_person_free(&p);
		return jw ? cli_json_done(jw, EXIT_OK) : EXIT_OK;
	}
	if (wf_training_list(l, &t, &e))
		return cli_fail(&e);
	if (jw) {
		json_w_object(jw);
		json_w_key(jw, "courses");
		json_w_array(jw);
	} else {
		puts(_("courses:"));
	}
	for (size_t i = 0; i < t.ncourses; i++)
		print_course(&t.courses[i], jw);
	if (jw) {
		json_w_end_array(jw);
		json_w_key(jw, "sessions");
		json_w_array(jw);
	} else {
		if (t.ncourses == 0)
			puts(_("  none"));
		puts(_("sessions:"));
	}
	for (size_t i = 0; i < t.nsessions; i++)
		print_session(&t.sessions[i], jw, i == 0);
	if (jw) {
		json_w_end_array(jw);
		json_w_end_object(jw);
		rc = cli_json_done(jw, EXIT_OK);
	} else {
		puts(t.nsessions ? "" : "  none");
	}
	wf_training_list_free(&t);
	return rc;
}

static const char *const list_options[] = {"staff", NULL};

const struct cmd_entry cmd_training_list_entry = {
    .name = "training list",
    .usage = "[--staff CODE] [--json]",
    .help = N_("attendance per session, or one person's training"),
    .options = list_options,
    .needs_db = 1,
    .exec = exec_list,
};
