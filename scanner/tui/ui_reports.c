/*
 * Report viewing: the day's report (`report daily`), the record book of a
 * month (`report record-book`), the incident report of a count (`report
 * incident`) and the reconciliation of a count (`reconcile`), each made by
 * the command's own printer into a memory stream (open_memstream) and
 * shown as scrollable lines, so that what the screen shows is what the
 * command prints.  Lines are cut to the width by columns (ui_fit), never
 * in the middle of a Japanese character; Left/Right shift the view for
 * the 80-column reports on a narrower terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../cli/report.h"
#include "ui.h"

/* ---- scrollable text: pure, tested in tests/test_ui.c ---- */

int ui_text_load(struct ui_text *t, const char *buf, size_t len)
{
	size_t cap = 0;

	memset(t, 0, sizeof(*t));
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (buf + at)) : len - at;

		if (t->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **p = realloc(t->line, ncap * sizeof(*p));

			if (!p)
				goto nomem;
			t->line = p;
			cap = ncap;
		}
		/* A CRLF (the CSV's) shows as one line. */
		t->line[t->n] =
		    strndup(buf + at, n && buf[at + n - 1] == '\r' ? n - 1 : n);
		if (!t->line[t->n])
			goto nomem;
		t->n++;
		at += n + 1;
	}
	return 0;
nomem:
	ui_text_free(t);
	return -1;
}

void ui_text_free(struct ui_text *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->line[i]);
	free(t->line);
	memset(t, 0, sizeof(*t));
}

void ui_text_render(const struct ui_text *t, int rows, struct ui_view *v)
{
	char fitted[UI_LINE_BYTES];
	int room = rows, cols = v->cols - 1;

	if (room < 1)
		room = 1;
	if (t->n > (size_t)t->top + (size_t)room)
		room--; /* the last row says there is more */
	for (int i = 0; i < room && (size_t)(t->top + i) < t->n; i++) {
		ui_fit(fitted, sizeof(fitted),
		       ui_skip_cols(t->line[t->top + i], t->left), cols, 0);
		ui_view_add(v, UI_A_NORMAL, "%s", fitted);
	}
	if (t->n > (size_t)t->top + (size_t)room) {
		char more[128];

		snprintf(more, sizeof(more),
			 _("(lines %d-%d of %zu: more below)"), t->top + 1,
			 t->top + room, t->n);
		ui_fit(fitted, sizeof(fitted), more, cols, 0);
		ui_view_add(v, UI_A_DIM, "%s", fitted);
	}
}

int ui_text_key(struct ui_text *t, int key, int rows)
{
	int last = t->n > (size_t)rows ? (int)t->n - rows + 1 : 0;

	switch (key) {
	case UI_KEY_DOWN:
		t->top++;
		break;
	case UI_KEY_UP:
		t->top--;
		break;
	case UI_KEY_PGDN:
	case ' ':
		t->top += rows - 1;
		break;
	case UI_KEY_PGUP:
		t->top -= rows - 1;
		break;
	case UI_KEY_HOME:
		t->top = 0;
		break;
	case UI_KEY_END:
		t->top = last;
		break;
	case UI_KEY_RIGHT:
		t->left += 10;
		return 1;
	case UI_KEY_LEFT:
		t->left = t->left >= 10 ? t->left - 10 : 0;
		return 1;
	default:
		return 0;
	}
	if (t->top > last)
		t->top = last;
	if (t->top < 0)
		t->top = 0;
	return 1;
}

/* ---- the screen ---- */

enum report_kind { REP_DAILY = 0, REP_BOOK, REP_INCIDENT, REP_RECONCILE, REPS };

static const char *const rep_title[REPS] = {
    N_("Daily report (today)"),
    N_("Record book of a month"),
    N_("Incident report of a count"),
    N_("Reconciliation of a count"),
};

struct reports_state {
	int mode; /* 0: the list, 1: asking, 2: reading */
	int sel;
	char arg[16]; /* the month or the count typed */
	struct ui_text text;
	char heading[128];
};

static int reports_enter(struct ui *u)
{
	u->state = calloc(1, sizeof(struct reports_state));
	return u->state ? 0 : cli_error(EXIT_SOFTWARE, "out of memory");
}

static void reports_leave(struct ui *u)
{
	struct reports_state *st = u->state;

	if (st)
		ui_text_free(&st->text);
	free(st);
}

static void reports_view(const struct ui *u, struct ui_view *v)
{
	const struct reports_state *st = u->state;
	char line[UI_LINE_BYTES];
	int at;

	(void)u;
	if (st->mode == 2) {
		ui_view_add(v, UI_A_TITLE, "  %s", st->heading);
		ui_text_render(&st->text, v->rows - 5, v);
		return;
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("Choose a report"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	for (int i = 0; i < REPS; i++)
		ui_view_add(v, i == st->sel ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %d  %s", i + 1, _(rep_title[i]));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (st->mode == 1) {
		snprintf(line, sizeof(line), "  %s: %s",
			 st->sel == REP_BOOK ? _("Month (YYYY-MM)")
					     : _("Count number"),
			 st->arg);
		at = ui_view_add(v, UI_A_INPUT, "%s", line);
		v->cursor_line = at;
		v->cursor_col = ui_width(line);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Enter shows the report.  Esc cancels."));
	} else {
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Up/Down and Enter, or the number.  q back."));
	}
}

/* Runs the report into memory and shows it. */
static enum ui_result show(struct ui *u, struct reports_state *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int64_t now = cli_now(), id = 0;
	int ex;

	if (!f) {
		ui_message(u, UI_A_ALERT, "%s", "out of memory");
		return UI_REDRAW;
	}
	if (st->sel == REP_INCIDENT || st->sel == REP_RECONCILE) {
		char *end;

		id = strtoll(st->arg, &end, 10);
		if (!st->arg[0] || *end || id <= 0) {
			fclose(f);
			free(buf);
			ui_message(u, UI_A_ALERT,
				   _("'%s' is not a count number"), st->arg);
			return UI_REDRAW;
		}
	}
	switch (st->sel) {
	case REP_DAILY:
		ex = report_daily(u->l, date_of_time(now, cli_utc_offset(now)),
				  0, f);
		break;
	case REP_BOOK:
		ex = report_record_book(u->l, st->arg, FMT_TEXT, f);
		break;
	case REP_INCIDENT:
		ex = report_incident(u->l, id, 0, f);
		break;
	default:
		ex = reconcile_session(u->l, id, 0, f);
		break;
	}
	fclose(f);
	/* Exit 1 is a finding (discrepancies, a broken chain), and the
	 * report says so; only other codes mean there is no report. */
	if (ex != EXIT_OK && ex != EXIT_FOUND) {
		free(buf);
		ui_message(u, UI_A_ALERT, "%s", ui_last_error());
		return UI_REDRAW;
	}
	ui_text_free(&st->text);
	if (ui_text_load(&st->text, buf, len) < 0) {
		free(buf);
		ui_message(u, UI_A_ALERT, "%s", "out of memory");
		return UI_REDRAW;
	}
	free(buf);
	snprintf(st->heading, sizeof(st->heading), "%s %s",
		 _(rep_title[st->sel]), st->sel == REP_DAILY ? "" : st->arg);
	st->mode = 2;
	ui_message(u, UI_A_NORMAL, "%s",
		   _("Up/Down PgUp/PgDn Home/End scroll, Left/Right shift, "
		     "q back"));
	return UI_REDRAW;
}

static enum ui_result choose(struct ui *u, struct reports_state *st)
{
	int64_t now = cli_now();
	char iso[TIME_ISO_BUF];

	st->arg[0] = '\0';
	if (st->sel == REP_DAILY)
		return show(u, st);
	if (st->sel == REP_BOOK) {
		cli_time_iso(now, iso);
		snprintf(st->arg, sizeof(st->arg), "%.7s", iso);
	}
	st->mode = 1;
	return UI_REDRAW;
}

static enum ui_result reports_key(struct ui *u, int key)
{
	struct reports_state *st = u->state;
	size_t n = strlen(st->arg);

	if (st->mode == 2) {
		if (ui_text_key(&st->text, key, 19))
			return UI_REDRAW;
		if (key == 'q' || key == UI_KEY_ESC) {
			st->mode = 0;
			u->msg[0] = '\0';
			return UI_REDRAW;
		}
		return UI_IGNORED;
	}
	if (st->mode == 1) {
		if (key == UI_KEY_ENTER)
			return show(u, st);
		if (key == UI_KEY_ESC) {
			st->mode = 0;
			return UI_REDRAW;
		}
		if (key == UI_KEY_BACKSPACE && n > 0) {
			st->arg[n - 1] = '\0';
			return UI_REDRAW;
		}
		if (((key >= '0' && key <= '9') || key == '-') &&
		    n + 1 < sizeof(st->arg)) {
			st->arg[n] = (char)key;
			st->arg[n + 1] = '\0';
			return UI_REDRAW;
		}
		return key < 0x80 && key >= 0x20 ? UI_HANDLED : UI_IGNORED;
	}
	if (key == UI_KEY_UP && st->sel > 0) {
		st->sel--;
		return UI_REDRAW;
	}
	if (key == UI_KEY_DOWN && st->sel + 1 < REPS) {
		st->sel++;
		return UI_REDRAW;
	}
	if (key >= '1' && key < '1' + REPS) {
		st->sel = key - '1';
		return choose(u, st);
	}
	if (key == UI_KEY_ENTER)
		return choose(u, st);
	if (key == 'q' || key == UI_KEY_ESC)
		return UI_LEAVE;
	return UI_IGNORED;
}

const struct ui_screen ui_reports_screen = {
    .name = "reports",
    .title = N_("Reports"),
    .in_menu = 1,
    .enter = reports_enter,
    .leave = reports_leave,
    .view = reports_view,
    .key = reports_key,
};
