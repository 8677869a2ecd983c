/*
 * The status overview, read-only: the picture `cardtally status` gives --
 * the safe and who holds its key now, today's openings of the safe with
 * their flags, counts and tallies still open, what is checked out, what
 * was handled today while the safe was recorded closed, locked accounts,
 * training gaps, the counting plan, the cards declared lost, cards due for
 * disposal -- read and judged by the same workflow (wf_overview), taken
 * when the screen opens and again on `r`.  Long lists scroll.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../cli/report.h"
#include "../workflow/wf_overview.h"
#include "ui.h"
#include "ui_curses.h"

#define STATUS_LINES 200

struct status_state {
	char line[STATUS_LINES][160];
	enum ui_attr attr[STATUS_LINES];
	int n, top;
	int cols; /* the screen's width when loaded: the plan wraps to it */
};

static void add(struct status_state *st, enum ui_attr a, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(struct status_state *st, enum ui_attr a, const char *fmt, ...)
{
	va_list ap;

	if (st->n >= STATUS_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(st->line[st->n], sizeof(st->line[0]), fmt, ap);
	va_end(ap);
	st->attr[st->n++] = a;
}

/* One of today's openings of the safe (R14, R15): when, by whom, who
 * approved and closed it, and its flags (as the key log and `cardtally
 * status` judge them). */
static void on_opening(struct status_state *st, int64_t now,
		       const struct wf_overview_opening *op)
{
	const struct key_opening_rec *o = &op->o;
	char from[UI_TIME_BUF], to[64], words[128], mins[32];
	int64_t end = o->closed_at ? o->closed_at : now;

	ui_time_short(o->opened_at, from);
	if (o->closed_at)
		ui_time_short(o->closed_at, to);
	else
		snprintf(to, sizeof(to), "%s", _("not closed yet"));
	snprintf(mins, sizeof(mins), _("%lld min"),
		 (long long)((end - o->opened_at) / 60));
	add(st, op->flags ? UI_A_ALERT : UI_A_NORMAL, "    %4lld  %s - %s  %s",
	    (long long)o->id, from, to, mins);
	add(st, UI_A_NORMAL, "          %s %s  %s %s", _("by"), o->opened_by,
	    _("approved by"), o->approved_by);
	if (o->closed_by[0])
		add(st, UI_A_NORMAL, "          %s %s", _("closed by"),
		    o->closed_by);
	if (op->flags) {
		cli_key_flag_names(op->flags, words, sizeof(words));
		add(st, UI_A_ALERT, "          ! %s: %s", _("flagged"), words);
	}
}

/* A card declared lost (R10, R23): its home, since when, by which count. */
static void on_lost(struct status_state *st, const struct lost_row *r)
{
	char day[11] = "-", text[160], count[64] = "";

	if (r->at)
		ui_date_text(date_of_time(r->at, cli_utc_offset(r->at)), day);
	snprintf(text, sizeof(text), _("%s, lost since %s"), r->location, day);
	if (r->session)
		snprintf(count, sizeof(count), _(" (count %lld)"),
			 (long long)r->session);
	add(st, UI_A_ALERT, "    ! %-12s %s%s", r->mgmt_id, text, count);
}

static void on_session(struct status_state *st, const struct session_rec *r)
{
	char when[UI_TIME_BUF];

	ui_time_short(r->started_at, when);
	add(st, UI_A_NORMAL, "    %s %lld  %s  %s %s", _("Count"),
	    (long long)r->id, ui_word(session_kind_name(r->kind)), when,
	    r->started_by);
}

static void on_tally(struct status_state *st, const struct wf_overview_tally *t)
{
	add(st, t->missing ? UI_A_ALERT : UI_A_NORMAL,
	    "    %s %lld  %s  %s %zu  %s %zu", _("Tally"),
	    (long long)t->session.id,
	    t->session.closed_at ? _("closed") : _("open"), _("expected"),
	    t->expected, _("missing"), t->missing);
}

/* A line of the counting plan (plan_status_lines), wrapped to the
 * screen's width: what is due can name many ranges. */
static void on_plan_line(void *ctx, int level, const char *line)
{
	struct status_state *st = ctx;
	int indent = 4 + 2 * level;
	char part[160];

	do {
		/* Bytes too: the line, with its indent, fits st->line. */
		line = cols_wrap(part, sizeof(part) - (size_t)indent - 1, line,
				 st->cols - 2 - indent);
		add(ctx, UI_A_NORMAL, "%*s%s", indent, "", part);
		indent = 6 + 2 * level; /* the rest under the first */
	} while (*line);
}

/* A section's heading; returns the line count after it, for
 * none_if_empty. */
static int heading(struct status_state *st, const char *title)
{
	add(st, UI_A_TITLE, "  %s", title);
	return st->n;
}

/* "none" under a heading (at line count `after`) that got no rows. */
static void none_if_empty(struct status_state *st, int after)
{
	if (st->n == after)
		add(st, UI_A_DIM, "    %s", _("none"));
}

static void on_out(struct status_state *st, const struct checked_out_row *r)
{
	add(st, UI_A_NORMAL, "    %s %-12s %s %s",
	    r->is_asset ? _("terminal") : _("card"), r->name,
	    r->checked_out_by[0] ? r->checked_out_by : "?", r->location);
}

/* A handling while the safe was recorded closed (R14), worded as the
 * daily report and `cardtally status` word it. */
static void on_safe_closed(struct status_state *st,
			   const struct safe_closed_row *r)
{
	char line[256];

	report_safe_closed_line(r, line, sizeof(line));
	add(st, UI_A_ALERT, "    ! %s", line);
}

/* The safe, and an import stopped part way, as `cardtally status` says
 * them. */
static void safe_lines(struct status_state *st, const struct wf_overview *ov)
{
	char when[UI_TIME_BUF];

	ui_time_short(ov->now, when);
	add(st, UI_A_DIM, "  %s %s", _("As of"), when);
	if (ov->safe_open) {
		const struct key_opening_rec *cur = &ov->safe.o;

		ui_time_short(cur->opened_at, when);
		add(st, ov->safe.flags ? UI_A_ALERT : UI_A_NORMAL,
		    "  %s %s %s (%s %s)%s", _("Safe: OPEN since"), when,
		    cur->opened_by, _("approved by"), cur->approved_by,
		    ov->safe.flags ? _("  ! flagged") : "");
		/* A handover may have passed the key on (schema 17). */
		add(st, UI_A_NORMAL, _("    Key now held by %s"),
		    cur->held_by[0] ? cur->held_by : cur->opened_by);
	} else {
		add(st, UI_A_NORMAL, "  %s", _("Safe: closed"));
	}
	if (ov->import_stopped) {
		ui_time_short(ov->stop.at, when);
		add(st, UI_A_ALERT,
		    _("  Import stopped part way: %s, begun %s "
		      "by %s"),
		    ov->stop.source, when, ov->stop.by[0] ? ov->stop.by : "-");
		add(st, UI_A_ALERT, "    %s",
		    _("Run the same import again to finish it"));
	}
}

/* The picture (wf_overview) as lines, in the screen's order. */
static int render(struct status_state *st, const struct wf_overview *ov)
{
	int at;

	st->n = 0;
	safe_lines(st, ov);
	at = heading(st, _("Today's openings of the safe"));
	for (size_t i = 0; i < ov->nopenings; i++)
		on_opening(st, ov->now, &ov->openings[i]);
	none_if_empty(st, at);
	at = heading(st, _("Open counts"));
	for (size_t i = 0; i < ov->ncounts; i++)
		on_session(st, &ov->counts[i]);
	none_if_empty(st, at);
	at = heading(st, _("Tallies open or missing something"));
	for (size_t i = 0; i < ov->ntallies; i++)
		on_tally(st, &ov->tallies[i]);
	none_if_empty(st, at);
	at = heading(st, _("Checked out"));
	for (size_t i = 0; i < ov->nout; i++)
		on_out(st, &ov->out[i]);
	none_if_empty(st, at);
	/* Below what is out (and the counts a small screen shows first):
	 * the movements made while the safe was recorded closed. */
	at = heading(st, _("Handled today while the safe was recorded closed"));
	for (size_t i = 0; i < ov->nsafe_closed; i++)
		on_safe_closed(st, &ov->safe_closed[i]);
	none_if_empty(st, at);
	at = heading(st, _("Locked accounts"));
	for (size_t i = 0; i < ov->nlocked; i++)
		add(st, UI_A_ALERT, "    ! %s %s", ov->locked[i].code,
		    ov->locked[i].name);
	none_if_empty(st, at);
	at = heading(st, _("Training gaps"));
	for (size_t i = 0; i < ov->ngaps; i++)
		add(st, UI_A_ALERT, "    ! %s %s %s", ov->gaps[i].who.code,
		    ov->gaps[i].gap.course.code,
		    ov->gaps[i].gap.gate == GATE_EXPIRED ? _("expired")
							 : _("missing"));
	none_if_empty(st, at);
	/* The counting plan (R5), as `cardtally status` gives it: the
	 * cycle, what is due this month and overdue, the ranges and the
	 * oldest full count. */
	at = heading(st, _("Counting plan"));
	if (plan_status_lines(&ov->plan, on_plan_line, st) < 0)
		return -1;
	none_if_empty(st, at);
	at = heading(st, _("Lost cards"));
	for (size_t i = 0; i < ov->nlost; i++)
		on_lost(st, &ov->lost[i]);
	none_if_empty(st, at);
	add(st, ov->disposal_due ? UI_A_ALERT : UI_A_NORMAL, "  %s: %ld",
	    _("Due for disposal"), ov->disposal_due);
	return 0;
}

/* Reads the picture again (wf_overview) and renders it; 0, or the
 * failure said on the message line. */
static int load(struct ui *u, struct status_state *st)
{
	struct wf_overview ov;
	struct wf_err e;
	int rc;

	int rows;

	/* 80 columns without a terminal (the screen's tests), and never so
	 * narrow that a wrapped line has no room. */
	st->cols = 80;
	if (ui_term_active())
		ui_term_size(&st->cols, &rows);
	if (st->cols < 40)
		st->cols = 40;
	if (wf_overview(u->l, &u->conf.key, &u->conf.rules, cli_now(), &ov,
			&e)) {
		ui_fail(u, &e);
		return wf_exit(e.code);
	}
	rc = render(st, &ov);
	wf_overview_free(&ov);
	return rc < 0 ? ui_nomem(u) : 0;
}

static int status_enter(struct ui *u)
{
	struct status_state *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return ui_nomem(u);
	rc = load(u, st);
	if (rc) {
		free(st);
		return rc;
	}
	u->state = st;
	return 0;
}

static void status_leave(struct ui *u)
{
	free(u->state);
}

/* The lines the text gets on a screen of `rows` rows: the body (rows - 3)
 * less the "more below" line. */
static int text_rows(int rows)
{
	return rows - 4 > 1 ? rows - 4 : 1;
}

static void status_view(const struct ui *u, struct ui_view *v)
{
	const struct status_state *st = u->state;
	int room = text_rows(v->rows), top = st->top;

	/* A taller screen after a resize shows no empty rows below the end
	 * while lines above are hidden. */
	if (top > st->n - room)
		top = st->n - room > 0 ? st->n - room : 0;
	for (int i = top; i < st->n && i - top < room; i++)
		ui_view_add(v, st->attr[i], "%s", st->line[i]);
	if (st->n - top > room)
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("(more below: Down / PgDn)"));
}

/* Scrolls to `top`, kept where the last line is on the screen's last
 * row: Down and PgDn used to go on until one line was left on an
 * empty screen, and no key said the end was reached. */
static void scroll_to(struct status_state *st, int top)
{
	int cols, rows, last;

	ui_term_size(&cols, &rows);
	last = st->n - text_rows(rows);
	if (top > last)
		top = last;
	st->top = top > 0 ? top : 0;
}

static enum ui_result status_key(struct ui *u, int key)
{
	struct status_state *st = u->state;

	switch (key) {
	case UI_KEY_DOWN:
		scroll_to(st, st->top + 1);
		return UI_REDRAW;
	case UI_KEY_PGDN:
		scroll_to(st, st->top + 10);
		return UI_REDRAW;
	case UI_KEY_UP:
		scroll_to(st, st->top - 1);
		return UI_REDRAW;
	case UI_KEY_PGUP:
		scroll_to(st, st->top - 10);
		return UI_REDRAW;
	case UI_KEY_HOME:
		scroll_to(st, 0);
		return UI_REDRAW;
	case UI_KEY_END:
		scroll_to(st, st->n);
		return UI_REDRAW;
	case 'r':
	case UI_KEY_RESIZE: /* the plan wraps to the new width */
		load(u, st); /* a failure says why on the message line */
		scroll_to(st, st->top); /* the picture may be shorter now */
		if (key == UI_KEY_RESIZE)
			u->repaint = 1;
		return UI_REDRAW;
	case 'q':
	case UI_KEY_ESC:
		return UI_LEAVE;
	default:
		return UI_IGNORED;
	}
}

const struct ui_screen ui_status_screen = {
    .name = "status",
    .title = N_("Status overview"),
    .in_menu = 1,
    .enter = status_enter,
    .leave = status_leave,
    .view = status_view,
    .key = status_key,
};
