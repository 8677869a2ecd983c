/*
 * The status overview, read-only: the picture `cardtally status` gives --
 * the safe and who holds its key now, today's openings of the safe with
 * their flags, counts and tallies still open, what is checked out, what
 * was handled today while the safe was recorded closed, locked accounts,
 * training gaps, the counting plan, the cards declared lost, cards due for
 * disposal -- from the same ledger
 * functions (data/status.c and the modules that own each part), taken
 * when the screen opens and again on `r`.  Long lists scroll.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../data/import.h"
#include "../cli/cli.h"
#include "../cli/report.h"
#include "ui.h"

#define STATUS_LINES 200

struct status_state {
	char line[STATUS_LINES][160];
	enum ui_attr attr[STATUS_LINES];
	int n, top;
	int64_t now;
	int32_t today;
	const struct recon_rules *rules;
	const struct recon_key_rules *key;
	long due;
	struct ledger *l;
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
 * approved and closed it, and its flags (wf_key_flags, as the key log and
 * `cardtally status` judge them). */
static int on_opening(const struct key_opening_rec *o, void *ctx)
{
	struct status_state *st = ctx;
	unsigned f = wf_key_flags(o, st->now, st->key);
	char from[UI_TIME_BUF], to[64], words[128], mins[32];
	int64_t end = o->closed_at ? o->closed_at : st->now;

	ui_time_short(o->opened_at, from);
	if (o->closed_at)
		ui_time_short(o->closed_at, to);
	else
		snprintf(to, sizeof(to), "%s", _("not closed yet"));
	snprintf(mins, sizeof(mins), _("%lld min"),
		 (long long)((end - o->opened_at) / 60));
	add(st, f ? UI_A_ALERT : UI_A_NORMAL, "    %4lld  %s - %s  %s",
	    (long long)o->id, from, to, mins);
	add(st, UI_A_NORMAL, "          %s %s  %s %s", _("by"), o->opened_by,
	    _("approved by"), o->approved_by);
	if (o->closed_by[0])
		add(st, UI_A_NORMAL, "          %s %s", _("closed by"),
		    o->closed_by);
	if (f) {
		cli_key_flag_names(f, words, sizeof(words));
		add(st, UI_A_ALERT, "          ! %s: %s", _("flagged"), words);
	}
	return 0;
}

/* A card declared lost (R10, R23): its home, since when, by which count. */
static int on_lost(void *ctx, const struct lost_row *r)
{
	struct status_state *st = ctx;
	char day[11] = "-", text[160], count[64] = "";

	if (r->at)
		ui_date_text(date_of_time(r->at, cli_utc_offset(r->at)), day);
	snprintf(text, sizeof(text), _("%s, lost since %s"), r->location, day);
	if (r->session)
		snprintf(count, sizeof(count), _(" (count %lld)"),
			 (long long)r->session);
	add(st, UI_A_ALERT, "    ! %-12s %s%s", r->mgmt_id, text, count);
	return 0;
}

static int on_session(const struct session_rec *r, void *ctx)
{
	struct status_state *st = ctx;
	char when[UI_TIME_BUF];

	if (r->kind == SESSION_TALLY)
		return 0;
	ui_time_short(r->started_at, when);
	add(st, UI_A_NORMAL, "    %s %lld  %s  %s %s", _("Count"),
	    (long long)r->id, ui_word(session_kind_name(r->kind)), when,
	    r->started_by);
	return 0;
}

static int on_checked_out(void *ctx, const struct checked_out_row *r)
{
	struct status_state *st = ctx;

	add(st, UI_A_NORMAL, "    %s %-12s %s %s",
	    r->is_asset ? _("terminal") : _("card"), r->name,
	    r->checked_out_by[0] ? r->checked_out_by : "?", r->location);
	return 0;
}

static int on_locked(const struct staff_rec *p, void *ctx)
{
	struct status_state *st = ctx;

	if (p->locked && p->active)
		add(st, UI_A_ALERT, "    ! %s %s", p->code, p->name);
	return 0;
}

static int on_gap(const struct staff_rec *p, const struct training_gap *gap,
		  void *ctx)
{
	struct status_state *st = ctx;

	if (p->active && gap->gate != GATE_OK)
		add(st, UI_A_ALERT, "    ! %s %s %s", p->code, gap->course.code,
		    gap->gate == GATE_EXPIRED ? _("expired") : _("missing"));
	return 0;
}

/* Everyone's training in one walk (wf_training_each); fails only as the
 * ledger does: SECTION says so. */
static int gaps(struct status_state *st)
{
	struct wf_err e;

	return wf_training_each(st->l, st->today, on_gap, st, &e) ? -1 : 0;
}

/* A handling while the safe was recorded closed (R14), worded as the
 * daily report and `cardtally status` word it. */
static int on_safe_closed(void *ctx, const struct safe_closed_row *r)
{
	struct status_state *st = ctx;
	char line[256];

	report_safe_closed_line(r, line, sizeof(line));
	add(st, UI_A_ALERT, "    ! %s", line);
	return 0;
}

/* A line of the counting plan (plan_status_lines), wrapped to the 80
 * columns of the smallest screen: what is due can name many ranges. */
static void on_plan_line(void *ctx, int level, const char *line)
{
	int indent = 4 + 2 * level;
	char part[160];

	do {
		line = cols_wrap(part, sizeof(part), line, 78 - indent);
		add(ctx, UI_A_NORMAL, "%*s%s", indent, "", part);
		indent = 6 + 2 * level; /* the rest under the first */
	} while (*line);
}

/* The counting plan (R5), as `cardtally status` gives it: the cycle, what
 * is due this month and overdue, the ranges and the oldest full count. */
static int plan(struct status_state *st)
{
	struct wf_plan_status s;
	struct wf_err e;
	int rc;

	if (wf_plan_status(st->l, st->now, &s, &e))
		return -1;
	rc = plan_status_lines(&s, on_plan_line, st);
	wf_plan_status_free(&s);
	return rc;
}

/* One heading, its rows from walk, "none" when it added nothing. */
#define SECTION(st, title, call)                                               \
	do {                                                                   \
		int before_;                                                   \
		add(st, UI_A_TITLE, "  %s", title);                            \
		before_ = (st)->n;                                             \
		if ((call) < 0)                                                \
			return ui_ledger_fail(u);                              \
		if ((st)->n == before_)                                        \
			add(st, UI_A_DIM, "    %s", _("none"));                \
	} while (0)

static int tallies(struct status_state *st)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = ledger_tally_ids(st->l, &ids, &n);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct recon_tally t;
		struct session_rec sess;

		rc = ledger_session_get(st->l, ids[i], &sess);
		if (rc == 0)
			rc = tally_summary(st->l, ids[i], &t);
		if (rc < 0)
			break;
		if (sess.closed_at && !t.by_state[TALLY_MISSING])
			continue;
		add(st, t.by_state[TALLY_MISSING] ? UI_A_ALERT : UI_A_NORMAL,
		    "    %s %lld  %s  %s %zu  %s %zu", _("Tally"),
		    (long long)ids[i], sess.closed_at ? _("closed") : _("open"),
		    _("expected"), t.expected, _("missing"),
		    t.by_state[TALLY_MISSING]);
	}
	free(ids);
	return rc;
}

static int load(struct ui *u, struct status_state *st)
{
	struct key_opening_rec cur;
	char when[UI_TIME_BUF];
	struct wf_err e;
	int rc;

	st->n = 0;
	st->due = 0;
	st->l = u->l;
	st->now = cli_now();
	st->today = date_of_time(st->now, cli_utc_offset(st->now));
	st->rules = &u->conf.rules;
	st->key = &u->conf.key;
	ui_time_short(st->now, when);
	add(st, UI_A_DIM, "  %s %s", _("As of"), when);
	rc = ledger_key_current(u->l, &cur);
	if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
		return ui_ledger_fail(u);
	if (rc == 0) {
		unsigned f = wf_key_flags(&cur, st->now, &u->conf.key);

		ui_time_short(cur.opened_at, when);
		add(st, f ? UI_A_ALERT : UI_A_NORMAL, "  %s %s %s (%s %s)%s",
		    _("Safe: OPEN since"), when, cur.opened_by,
		    _("approved by"), cur.approved_by,
		    f ? _("  ! flagged") : "");
		/* A handover may have passed the key on (schema 17). */
		add(st, UI_A_NORMAL, _("    Key now held by %s"),
		    cur.held_by[0] ? cur.held_by : cur.opened_by);
	} else {
		add(st, UI_A_NORMAL, "  %s", _("Safe: closed"));
	}
	/* An import stopped part way, as `cardtally status` says it. */
	struct import_stopped stop;
	rc = ledger_import_stopped(u->l, &stop);
	if (rc < 0)
		return ui_ledger_fail(u);
	if (rc) {
		ui_time_short(stop.at, when);
		add(st, UI_A_ALERT, _("  Import stopped part way: %s, begun %s "
				      "by %s"),
		    stop.source, when, stop.by[0] ? stop.by : "-");
		add(st, UI_A_ALERT, "    %s",
		    _("Run the same import again to finish it"));
	}
	/* Today: from local midnight, as `cardtally status` takes it. */
	int64_t midnight =
	    (int64_t)st->today * 86400 - cli_utc_offset(st->now);
	SECTION(st, _("Today's openings of the safe"),
		ledger_key_each_since(u->l, midnight, on_opening, st));
	SECTION(st, _("Open counts"),
		ledger_session_open_each(u->l, on_session, st));
	SECTION(st, _("Tallies open or missing something"), tallies(st));
	SECTION(st, _("Checked out"),
		ledger_checked_out_each(u->l, on_checked_out, st));
	/* Below what is out (and the counts a small screen shows first):
	 * the movements made while the safe was recorded closed. */
	SECTION(st, _("Handled today while the safe was recorded closed"),
		ledger_safe_closed_each(u->l, midnight, INT64_MAX,
					on_safe_closed, st));
	SECTION(st, _("Locked accounts"),
		ledger_staff_each(u->l, on_locked, st));
	SECTION(st, _("Training gaps"), gaps(st));
	SECTION(st, _("Counting plan"), plan(st));
	SECTION(st, _("Lost cards"), ledger_lost_each(u->l, on_lost, st));
	/* Counted in SQL by the due rule's cutoff (wf_dispose_due_count). */
	if (wf_dispose_due_count(u->l, st->rules, st->today, &st->due, &e))
		return ui_ledger_fail(u);
	add(st, st->due ? UI_A_ALERT : UI_A_NORMAL, "  %s: %ld",
	    _("Due for disposal"), st->due);
	return 0;
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

static void status_view(const struct ui *u, struct ui_view *v)
{
	const struct status_state *st = u->state;
	int room = v->rows - 4;

	for (int i = st->top; i < st->n && i - st->top < room; i++)
		ui_view_add(v, st->attr[i], "%s", st->line[i]);
	if (st->n - st->top > room)
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("(more below: Down / PgDn)"));
}

static enum ui_result status_key(struct ui *u, int key)
{
	struct status_state *st = u->state;

	switch (key) {
	case UI_KEY_DOWN:
	case UI_KEY_PGDN:
		if (st->top + 1 < st->n)
			st->top += key == UI_KEY_DOWN ? 1 : 10;
		if (st->top >= st->n)
			st->top = st->n - 1;
		return UI_REDRAW;
	case UI_KEY_UP:
	case UI_KEY_PGUP:
		st->top -= key == UI_KEY_UP ? 1 : 10;
		if (st->top < 0)
			st->top = 0;
		return UI_REDRAW;
	case 'r':
		load(u, st); /* a failure says why on the message line */
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
