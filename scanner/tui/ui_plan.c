/*
 * Who counts which range this month (R5, R6, R7; issue 18): the cycle
 * plan's ranges of this month and where each stands, then every range of
 * the newest open count with who counts it (assigned already, or the
 * rotation planner's proposal: wf_plan_assign without apply, the
 * proposal `plan assign` prints), who counted it the last two times, and
 * for a range nobody may count, each person's reason in the workflow's
 * words (wf_planner_check).  Anyone may look; applying the proposal is a
 * manager's step (wf_step_plan_assign), refused in the workflow's words.
 * The whole is one text that scrolls.
 */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"
#include "ui_curses.h"

struct plan_screen {
	struct ui_text text;
	int64_t count; /* the newest open count, 0: none */
	int asking;    /* "apply the proposal?" is shown */
};

static const char *due_word(int state)
{
	switch (state) {
	case PLAN_DUE_DONE:
		return _("counted");
	case PLAN_DUE_LATER:
		return _("later");
	case PLAN_DUE_NOW:
		return _("due this month");
	default:
		return _("overdue");
	}
}

static const char *kind_word(enum session_kind k)
{
	switch (k) {
	case SESSION_FULL:
		return _("full count");
	case SESSION_PARTIAL:
		return _("partial count");
	default:
		return _("count-only check");
	}
}

static int newest_count(const struct session_rec *s, void *ctx)
{
	struct session_rec *best = ctx;

	if (s->kind != SESSION_TALLY && s->id > best->id)
		*best = *s;
	return 0;
}

/* "S01 2026-11-02, S02 2026-10-01": who counted range before count id,
 * the last two times. */
static int last_two(struct ui *u, const char *range, int64_t before, char *out,
		    size_t cap)
{
	struct range_count_rec h[2];
	size_t n = 0, used = 0;

	out[0] = '\0';
	if (ledger_range_counts(u->l, range, before, 0, h, 2, &n) < 0)
		return -1;
	for (size_t k = 0; k < n && used < cap; k++) {
		char day[11];

		ui_date_text(wf_today(h[k].started_at), day);
		for (size_t w = 0; w < h[k].nwho && used < cap; w++)
			used += (size_t)snprintf(out + used, cap - used, "%s%s",
						 w ? "+" : "", h[k].who[w]);
		if (used < cap)
			used += (size_t)snprintf(
			    out + used, cap - used, "%s %s%s",
			    h[k].nwho ? "" : "-", day, k + 1 < n ? ", " : "");
	}
	if (!n)
		snprintf(out, cap, "%s", _("never counted"));
	return 0;
}

/* "      PREFIX TEXT" wrapped to `cols` columns, the lines after the
 * first indented under the text: a reason is never cut at the edge. */
static void put_wrapped(FILE *f, const char *prefix, const char *text, int cols)
{
	char line[UI_LINE_BYTES];
	int indent = 6 + cols_width(prefix) + 1;
	int room = cols - indent > 20 ? cols - indent : 20;
	const char *rest = cols_wrap(line, sizeof(line), text, room);

	fprintf(f, "      %s %s\n", prefix, line);
	while (*rest == ' ')
		rest++;
	while (*rest) {
		rest = cols_wrap(line, sizeof(line), rest, room);
		fprintf(f, "%*s%s\n", indent, "", line);
		while (*rest == ' ')
			rest++;
	}
}

/* Why nobody may count `range`: every active person's refusal. */
static void why_nobody(FILE *f, const struct wf_planner *pl,
		       const struct wf_staff_list *staff, const char *range,
		       int cols)
{
	for (size_t i = 0; i < staff->n; i++) {
		struct wf_err e;
		char who[STAFF_CODE_MAX + 2], why[UI_LINE_BYTES];

		if (!staff->v[i].active)
			continue;
		snprintf(who, sizeof(who), "%s:", staff->v[i].code);
		if (wf_planner_check(pl, range, staff->v[i].code, &e) == 0) {
			/* The matrix: someone whose role may not count. */
			put_wrapped(f, who, ui_role_name(staff->v[i].role),
				    cols);
			continue;
		}
		ui_wf_text(&e, why, sizeof(why));
		put_wrapped(f, who, why, cols);
	}
}

static int write_count(struct ui *u, FILE *f, const struct session_rec *s,
		       struct wf_err *e)
{
	struct plan_result res;
	struct wf_planner *pl = NULL;
	struct wf_staff_list staff = {0};
	char day[11], last[160];
	int rows, cols;
	int rc = wf_plan_assign(u->l, NULL, s->id, 0, cli_now(), &res, e);

	if (rc)
		return rc;
	rc = wf_planner_load(u->l, s->id, cli_now(), &pl, e);
	if (rc == 0)
		rc = wf_staff_list(u->l, &staff, e);
	if (rc)
		goto out;
	/* Wrapped to the terminal as it is now; a resize (or r) wraps it
	 * again. */
	ui_term_size(&cols, &rows);
	cols--;
	ui_date_text(wf_today(s->started_at), day);
	fprintf(f, "%s\n", "");
	{
		/* The heading wrapped like the reasons: never cut. */
		char head[UI_LINE_BYTES], line[UI_LINE_BYTES];
		const char *rest = head;

		snprintf(head, sizeof(head),
			 _("Count %lld (%s) of %s: its ranges and who "
			   "counts them"),
			 (long long)s->id, kind_word(s->kind), day);
		for (int first = 1; *rest; first = 0) {
			rest = cols_wrap(line, sizeof(line), rest,
				       cols > 24 ? cols - 2 : 22);
			fprintf(f, "%s%s\n", first ? "" : "  ", line);
			while (*rest == ' ')
				rest++;
		}
	}
	for (size_t i = 0; i < res.n; i++) {
		const struct plan_line *ln = &res.v[i];

		if (last_two(u, ln->range, s->id, last, sizeof(last)) < 0) {
			rc = wf_fail_ledger(e, u->l);
			goto out;
		}
		if (ln->staff[0])
			fprintf(f, "  %s  %s %s\n", ln->range, ln->staff,
				ln->kept ? _("(assigned)") : _("(proposed)"));
		else
			fprintf(f, "  %s  ! %s\n", ln->range,
				_("nobody may count it:"));
		fprintf(f, "      %s: %s\n", _("last counted by"), last);
		if (!ln->staff[0])
			why_nobody(f, pl, &staff, ln->range, cols);
	}
	if (res.nunassigned) {
		fprintf(f, _("%zu ranges without anyone"), res.nunassigned);
		fputc('\n', f);
	}
out:
	wf_staff_list_free(&staff);
	wf_planner_free(pl);
	plan_result_free(&res);
	return rc;
}

static int write_cycle(struct ui *u, FILE *f, struct wf_err *e)
{
	struct wf_plan_status ps;
	char day[11];
	int rc = wf_plan_status(u->l, cli_now(), &ps, e);

	if (rc)
		return rc;
	if (!ps.has_cycle) {
		fprintf(f, "%s\n",
			_("No cycle plan: every range is counted "
			  "when a count takes it"));
		goto out;
	}
	fprintf(f, "%s\n", _("This month's full counts (cycle plan):"));
	for (size_t i = 0; i < ps.nplanned; i++) {
		const struct wf_planned *p = &ps.planned[i];

		if (p->state == PLAN_DUE_LATER)
			continue;
		ui_date_text(p->last_full, day);
		fprintf(f, "  %s  %s  (%s %s)\n", p->path, due_word(p->state),
			_("last full count"), day);
	}
out:
	wf_plan_status_free(&ps);
	return 0;
}

/* Fills st->text.  0, or the exit status (said). */
static int load(struct ui *u, struct plan_screen *st)
{
	struct session_rec newest = {0};
	struct wf_err e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	ui_text_free(&st->text);
	if (ledger_session_open_each(u->l, newest_count, &newest) < 0)
		return ui_ledger_fail(u);
	st->count = newest.id;
	f = open_memstream(&buf, &len);
	if (!f)
		return ui_nomem(u);
	rc = write_cycle(u, f, &e);
	if (rc == 0 && newest.id)
		rc = write_count(u, f, &newest, &e);
	else if (rc == 0)
		fprintf(f, "\n%s\n", _("No count is open"));
	if (fclose(f) != 0 && rc == 0)
		rc = wf_fail(&e, WF_E_NOMEM);
	if (rc == 0 && ui_text_load(&st->text, buf, len) < 0)
		rc = wf_fail(&e, WF_E_NOMEM);
	free(buf);
	if (rc) {
		ui_fail(u, &e);
		return rc;
	}
	return 0;
}

static int plan_enter(struct ui *u)
{
	struct plan_screen *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return ui_nomem(u);
	rc = load(u, st);
	if (rc) {
		ui_text_free(&st->text);
		free(st);
		return rc;
	}
	u->state = st;
	return 0;
}

static void plan_leave(struct ui *u)
{
	struct plan_screen *st = u->state;

	if (st)
		ui_text_free(&st->text);
	free(st);
}

/* Rows of the text: the frame takes 3, the title and the help 2 (and the
 * question 2 more). */
static int text_rows(int rows)
{
	return rows - 8 > 1 ? rows - 8 : 1;
}

static void plan_view(const struct ui *u, struct ui_view *v)
{
	const struct plan_screen *st = u->state;

	ui_view_add(v, UI_A_TITLE, "  %s",
		    _("Who counts which range this month"));
	ui_text_render(&st->text, text_rows(v->rows), v);
	if (st->asking) {
		char q[UI_LINE_BYTES];

		snprintf(q, sizeof(q),
			 _("Give count %lld's unassigned ranges to the people "
			   "proposed?"),
			 (long long)st->count);
		ui_confirm_view(v, q);
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    st->count ? _("a apply the proposal   r reload   "
				  "arrows scroll   q back")
			      : _("r reload   arrows scroll   q back"));
}

static enum ui_result apply(struct ui *u, struct plan_screen *st)
{
	struct plan_result res;
	struct wf_err e;
	size_t n = 0;

	if (wf_plan_assign(u->l, &u->who, st->count, 1, cli_now(), &res, &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	for (size_t i = 0; i < res.n; i++)
		n += res.v[i].staff[0] && !res.v[i].kept;
	plan_result_free(&res);
	if (load(u, st) == 0)
		ui_message(u, UI_A_OK, _("%zu ranges of count %lld assigned"),
			   n, (long long)st->count);
	return UI_REDRAW;
}

static enum ui_result plan_key(struct ui *u, int key)
{
	struct plan_screen *st = u->state;
	struct wf_err e;
	int cols, rows;

	if (st->asking) {
		switch (ui_confirm_key(key)) {
		case UI_CONFIRM_YES:
			st->asking = 0;
			return apply(u, st);
		case UI_CONFIRM_NO:
			st->asking = 0;
			u->msg[0] = '\0';
			return UI_REDRAW;
		case UI_CONFIRM_NOT_MINE:
			return UI_IGNORED;
		default:
			return UI_HANDLED;
		}
	}
	switch (key) {
	case UI_KEY_RESIZE:
		/* Wrapped again to the new width; the frame repaints. */
		load(u, st);
		return UI_IGNORED;
	case 'a':
	case 'A':
		if (!st->count)
			return UI_IGNORED;
		/* A manager's step: refused before the question. */
		if (wf_may(u->l, &wf_step_plan_assign, &u->who, cli_now(),
			   &e)) {
			ui_fail(u, &e);
			return UI_REDRAW;
		}
		st->asking = 1;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case 'r':
	case 'R':
		load(u, st); /* a failure says why on the message line */
		return UI_REDRAW;
	case 'q':
	case UI_KEY_ESC:
		return UI_LEAVE;
	default:
		ui_term_size(&cols, &rows);
		return ui_text_key(&st->text, key, text_rows(rows))
			   ? UI_REDRAW
			   : UI_IGNORED;
	}
}

const struct ui_screen ui_plan_screen = {
    .name = "plan",
    .title = N_("Who counts which range"),
    .in_menu = 1,
    .enter = plan_enter,
    .leave = plan_leave,
    .view = plan_view,
    .key = plan_key,
};
