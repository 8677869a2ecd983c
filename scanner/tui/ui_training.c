/*
 * Training records (R20; a manager's step, wf_step_training): everyone
 * active, in a list that scrolls; Enter shows the person highlighted --
 * for each required course whether the training gate lets them work with
 * cards (attended, missing, expired since), and every course they took
 * (wf_training_person, what `training list --staff` shows) -- and `t`
 * there records a course taken: the course's code and the day, a
 * question, then wf_training_record, the function `training record`
 * calls, with its rules and refusals.
 */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"
#include "ui_curses.h"

enum { TR_PEOPLE = 0, TR_PERSON, TR_COURSE, TR_DATE, TR_ASK };

struct training_screen {
	struct wf_staff_list staff; /* the active ones first: see load */
	struct ui_list list;
	int mode;	     /* TR_* */
	struct ui_text text; /* the person's training */
	char course[STAFF_CODE_MAX + 1];
	char date[11];
};

static int32_t today(void)
{
	return wf_today(cli_now());
}

/* Fills st->staff with the active people.  0, or the exit status. */
static int load(struct ui *u, struct training_screen *st)
{
	struct wf_err e;
	size_t n = 0;
	int rc;

	wf_staff_list_free(&st->staff);
	rc = wf_staff_list(u->l, &st->staff, &e);
	if (rc) {
		ui_fail(u, &e);
		return rc;
	}
	for (size_t i = 0; i < st->staff.n; i++)
		if (st->staff.v[i].active)
			st->staff.v[n++] = st->staff.v[i];
	st->staff.n = n;
	ui_list_init(&st->list, n);
	return 0;
}

static const char *gate_word(enum recon_gate g)
{
	switch (g) {
	case GATE_OK:
		return _("attended");
	case GATE_MISSING:
		return _("missing");
	default:
		return _("expired");
	}
}

/* The training of the person highlighted into st->text.  0, or the exit
 * status (said). */
static int load_person(struct ui *u, struct training_screen *st)
{
	struct wf_training_person p;
	struct wf_training_list all;
	struct wf_err e;
	char *buf = NULL, day[11];
	size_t len = 0;
	FILE *f;
	int rc = wf_training_person(u->l, st->staff.v[st->list.sel].code,
				    today(), &p, &e);

	if (rc) {
		ui_fail(u, &e);
		return rc;
	}
	rc = wf_training_list(u->l, &all, &e);
	if (rc) {
		wf_training_person_free(&p);
		ui_fail(u, &e);
		return rc;
	}
	ui_text_free(&st->text);
	f = open_memstream(&buf, &len);
	if (f) {
		fprintf(f, "%s\n", _("Required for work with cards:"));
		if (!p.nrequired)
			fprintf(f, "  %s\n", _("no course is required"));
		for (size_t i = 0; i < p.nrequired; i++) {
			ui_date_text(p.required[i].since, day);
			fprintf(f, "  %-10s %s%s%s\n", p.required[i].course,
				gate_word(p.required[i].gate),
				p.required[i].gate == GATE_EXPIRED ? " " : "",
				p.required[i].gate == GATE_EXPIRED ? day : "");
		}
		fprintf(f, "%s\n", _("Courses taken, newest first:"));
		if (!p.nrecords)
			fprintf(f, "  %s\n", _("none recorded"));
		for (size_t i = p.nrecords; i-- > 0;) {
			ui_date_text(p.records[i].date, day);
			fprintf(f, "  %s  %-10s %s  (%s %s)\n", day,
				p.records[i].course, p.records[i].name,
				_("recorded by"), p.records[i].recorded_by);
		}
		fprintf(f, "%s\n", _("Courses:"));
		for (size_t i = 0; i < all.ncourses; i++)
			fprintf(f, "  %-10s %s%s\n", all.courses[i].code,
				all.courses[i].name,
				all.courses[i].required ? _(" (required)")
							: "");
	}
	rc = !f || fclose(f) != 0 || ui_text_load(&st->text, buf, len) < 0;
	free(buf);
	wf_training_list_free(&all);
	wf_training_person_free(&p);
	if (rc)
		return ui_nomem(u);
	return 0;
}

static int training_enter(struct ui *u)
{
	struct training_screen *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return ui_nomem(u);
	rc = load(u, st);
	if (rc) {
		wf_staff_list_free(&st->staff);
		free(st);
		return rc;
	}
	u->state = st;
	return 0;
}

static void training_leave(struct ui *u)
{
	struct training_screen *st = u->state;

	if (st) {
		wf_staff_list_free(&st->staff);
		ui_text_free(&st->text);
	}
	free(st);
}

/* Rows for the list or the text: the frame 3, title, position or help,
 * the form or the question 3. */
static int body_rows(int rows)
{
	return rows - 10 > 1 ? rows - 10 : 1;
}

static void people_view(const struct training_screen *st, struct ui_view *v)
{
	int rows = body_rows(v->rows);
	size_t top = ui_list_top(&st->list, rows);
	char name[64], pos[32];

	ui_view_add(v, UI_A_TITLE, "  %s",
		    _("Training records: choose a person"));
	for (size_t i = top; i < st->list.n && (int)(i - top) < rows; i++) {
		const struct staff_rec *s = &st->staff.v[i];

		cols_fit(name, sizeof(name), s->name, 24, 1);
		ui_view_add(v, i == st->list.sel ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %-10s %s %s", s->code, name,
			    ui_role_name(s->role));
	}
	ui_list_position(&st->list, rows, pos, sizeof(pos));
	ui_view_add(v, UI_A_DIM, "  %s   %s", pos, _("Enter show   q back"));
}

static void training_view(const struct ui *u, struct ui_view *v)
{
	const struct training_screen *st = u->state;
	const struct staff_rec *s;

	if (st->mode == TR_PEOPLE) {
		people_view(st, v);
		return;
	}
	s = &st->staff.v[st->list.sel];
	ui_view_add(v, UI_A_TITLE, "  %s: %s %s", _("Training of"), s->code,
		    s->name);
	ui_text_render(&st->text, body_rows(v->rows), v);
	if (st->mode == TR_PERSON) {
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("t record a course taken   arrows scroll   q "
			      "back"));
		return;
	}
	ui_form_line(v, _("Course"), st->course, 0, st->mode == TR_COURSE);
	ui_form_line(v, _("Day (YYYY-MM-DD)"), st->date, 0,
		     st->mode == TR_DATE);
	if (st->mode == TR_ASK) {
		char q[UI_LINE_BYTES];

		snprintf(q, sizeof(q), _("Record that %s took %s on %s?"),
			 s->code, st->course, st->date);
		ui_confirm_view(v, q);
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Tab next field   Enter on the day: go on   Esc cancel"));
}

static enum ui_result record(struct ui *u, struct training_screen *st)
{
	const char *who[1] = {st->staff.v[st->list.sel].code};
	struct wf_err e;
	int32_t day;

	st->mode = TR_DATE;
	if (date_parse(st->date, strlen(st->date), &day) != 0) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("The day must be YYYY-MM-DD"));
		return UI_REDRAW;
	}
	if (wf_training_record(u->l, &u->who, st->course, who, 1, day,
			       cli_now(), &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	st->mode = TR_PERSON;
	if (load_person(u, st) == 0)
		ui_message(u, UI_A_OK, _("Recorded: %s took %s on %s"), who[0],
			   st->course, st->date);
	return UI_REDRAW;
}

static enum ui_result form_key(struct ui *u, struct training_screen *st,
			       int key)
{
	if (st->mode == TR_ASK) {
		switch (ui_confirm_key(key)) {
		case UI_CONFIRM_YES:
			return record(u, st);
		case UI_CONFIRM_NO:
			st->mode = TR_DATE;
			u->msg[0] = '\0';
			return UI_REDRAW;
		case UI_CONFIRM_NOT_MINE:
			return UI_IGNORED;
		default:
			return UI_HANDLED;
		}
	}
	if (key == UI_KEY_ESC) {
		st->mode = TR_PERSON;
		u->msg[0] = '\0';
		return UI_REDRAW;
	}
	if (key == UI_KEY_TAB || key == UI_KEY_DOWN || key == UI_KEY_UP) {
		st->mode = st->mode == TR_COURSE ? TR_DATE : TR_COURSE;
		return UI_REDRAW;
	}
	if (key == UI_KEY_ENTER) {
		if (st->mode == TR_COURSE) {
			st->mode = TR_DATE;
			return UI_REDRAW;
		}
		if (!st->course[0]) {
			ui_message(u, UI_A_ALERT, "%s",
				   _("Type the course's code"));
			st->mode = TR_COURSE;
			return UI_REDRAW;
		}
		st->mode = TR_ASK;
		u->msg[0] = '\0';
		return UI_REDRAW;
	}
	if (st->mode == TR_COURSE)
		ui_field_key(st->course, sizeof(st->course), UI_FIELD_ID, key);
	else
		ui_field_key(st->date, sizeof(st->date), UI_FIELD_DATE, key);
	return UI_REDRAW;
}

static enum ui_result training_key(struct ui *u, int key)
{
	struct training_screen *st = u->state;
	int cols, rows;

	ui_term_size(&cols, &rows);
	if (st->mode == TR_PEOPLE) {
		if (key == 'q' || key == UI_KEY_ESC)
			return UI_LEAVE;
		switch (ui_list_key(&st->list, key, body_rows(rows))) {
		case UI_LIST_CHOSEN:
			if (st->list.n == 0 || load_person(u, st))
				return UI_REDRAW;
			st->mode = TR_PERSON;
			u->msg[0] = '\0';
			return UI_REDRAW;
		case UI_LIST_MOVED:
			return UI_REDRAW;
		default:
			return UI_IGNORED;
		}
	}
	if (st->mode != TR_PERSON)
		return form_key(u, st, key);
	switch (key) {
	case 't':
	case 'T':
		st->course[0] = '\0';
		ui_date_text(today(), st->date);
		st->mode = TR_COURSE;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case 'q':
	case UI_KEY_ESC:
		st->mode = TR_PEOPLE;
		ui_text_free(&st->text);
		return UI_REDRAW;
	default:
		return ui_text_key(&st->text, key, body_rows(rows))
			   ? UI_REDRAW
			   : UI_IGNORED;
	}
}

const struct ui_screen ui_training_screen = {
    .name = "training",
    .title = N_("Training records"),
    .in_menu = 1,
    .step = &wf_step_training,
    .enter = training_enter,
    .leave = training_leave,
    .view = training_view,
    .key = training_key,
};
