/*
 * Starting a count: the kind (full, partial, count-only), the ranges
 * (every location holding cards, the ones the cycle plan says are due or
 * overdue this month selected to begin with, as `status` shows them), the
 * rotation planner's proposed assignment of each range, one changed by
 * hand if need be, then open.  The proposal is `count start` run as a dry
 * run (wf_count_start: the session, the manual assignments checked
 * against the rotation rule, the planner's picks, all rolled back), so a
 * manual change that breaks the rule is refused with the rule's own words
 * (translated), and opening does exactly what was shown.
 */
#include <stdlib.h>
#include <string.h>

#include "../../reconcile/plan.h"
#include "../cli/cli.h"
#include "ui.h"

static const enum session_kind kinds[3] = {SESSION_FULL, SESSION_PARTIAL,
					   SESSION_COUNTONLY};
static const char *const kind_label[3] = {
    N_("Full count: every card of the ranges, one by one"),
    N_("Partial count: card by card, some ranges"),
    N_("Count-only check: the number of cards per range"),
};

/* ---- the view: pure, tested in tests/test_ui.c ---- */

static const char *due_label(int due)
{
	switch (due) {
	case PLAN_DUE_NOW:
		return _("due this month");
	case PLAN_DUE_OVERDUE:
		return _("OVERDUE");
	case PLAN_DUE_DONE:
		return _("done this cycle");
	case PLAN_DUE_LATER:
		return _("later in the cycle");
	default:
		return "";
	}
}

/* First row of a window of `room` rows that shows row sel. */
static size_t window(size_t sel, size_t n, int room)
{
	size_t r = room > 1 ? (size_t)room : 1;

	if (n <= r || sel < r)
		return 0;
	return sel - r + 1;
}

static void ranges_view(const struct ui_count_start_model *m, struct ui_view *v)
{
	size_t on = 0, top;
	int room = v->rows - 9;
	char path[LOCATION_MAX + 8];

	for (size_t i = 0; i < m->nr; i++)
		on += m->r[i].on;
	ui_view_add(v, UI_A_TITLE, "  %s: %s", _("Ranges"),
		    _(kind_label[m->kind]));
	ui_view_add(v, UI_A_DIM, "  %s",
		    m->have_plan
			? _("Selected to begin with: what the cycle plan says "
			    "is due")
			: _("No cycle plan: every range selected"));
	top = window(m->sel, m->nr, room);
	for (size_t i = top; i < m->nr && (int)(i - top) < room; i++) {
		const struct ui_cs_range *r = &m->r[i];

		cols_fit(path, sizeof(path), r->path, 30, 1);
		ui_view_add(v,
			    i == m->sel			 ? UI_A_SELECTED
			    : r->due == PLAN_DUE_OVERDUE ? UI_A_ALERT
							 : UI_A_NORMAL,
			    "  [%s] %s %s", r->on ? "x" : " ", path,
			    due_label(r->due));
	}
	ui_view_add(v, UI_A_NORMAL, "  %s: %zu / %zu", _("Selected"), on,
		    m->nr);
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Space select  a all/none  Enter propose  Esc back"));
}

static void plan_view(const struct ui_count_start_model *m, struct ui_view *v)
{
	size_t top;
	int room = v->rows - 9, at;
	char range[LOCATION_MAX + 8], line[UI_LINE_BYTES];
	const char *rest;

	ui_view_add(v, UI_A_TITLE, "  %s (%s)", _("Who counts which range"),
		    _(kind_label[m->kind]));
	/* The rule in full, wrapped rather than cut at the edge. */
	rest = _("The rotation planner's proposal: nobody counts a range "
		 "they counted in its last two counts");
	for (int first = 1; *rest; first = 0) {
		rest = cols_wrap(line, sizeof(line), rest,
			       v->cols > 24 ? v->cols - 4 : 20);
		ui_view_add(v, UI_A_DIM, "%s%s", first ? "  " : "    ", line);
		while (*rest == ' ')
			rest++;
		if (!first && room > 1)
			room--;
	}
	top = window(m->asel, m->na, room);
	for (size_t i = top; i < m->na && (int)(i - top) < room; i++) {
		const struct ui_cs_assign *a = &m->a[i];

		cols_fit(range, sizeof(range), a->range, 24, 1);
		if (!a->staff[0]) {
			char why[512] = "";

			/* The planner's reason as `plan assign` words it. */
			if (a->have_why)
				plan_why_text(&a->why, cli_tr, why,
					      sizeof(why));
			ui_view_add(
			    v, i == m->asel ? UI_A_SELECTED : UI_A_ALERT,
			    "  %s ! %s: %s", range, _("nobody"), why);
		} else
			ui_view_add(v,
				    i == m->asel ? UI_A_SELECTED : UI_A_NORMAL,
				    "  %s %-8s %s", range, a->staff,
				    a->manual ? _("(changed by hand)")
				    : a->kept ? _("(kept)")
					      : _("(planner)"));
	}
	if (m->step == UI_CS_CHANGE) {
		snprintf(line, sizeof(line), "  %s %s: %s",
			 _("New assignee of"), m->a[m->asel].range, m->typed);
		at = ui_view_add(v, UI_A_INPUT, "%s", line);
		v->cursor_line = at;
		v->cursor_col = cols_width(line);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Staff code, Enter.  Esc cancels."));
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("c change the assignee  o open the count  Esc back"));
}

static void ui_count_start_render_body(const struct ui_count_start_model *m,
				       struct ui_view *v)
{
	if (m->step == UI_CS_RANGES) {
		ranges_view(m, v);
		return;
	}
	if (m->step == UI_CS_PLAN || m->step == UI_CS_CHANGE) {
		plan_view(m, v);
		return;
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("What kind of count?"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	for (int i = 0; i < 3; i++)
		ui_view_add(v, i == m->kind ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %d  %s", i + 1, _(kind_label[i]));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Up/Down and Enter, or the number.  q back."));
}

void ui_count_start_render(const struct ui_count_start_model *m,
			   struct ui_view *v)
{
	int from = v->nlines;

	ui_count_start_render_body(m, v);
	ui_view_fit_lines(v, from);
}

/* ---- the screen ---- */

static void cs_free(struct ui_count_start_model *m)
{
	free(m->r);
	free(m->a);
	free(m);
}

/* Shows e on the message line; returns its exit status. */
static int refuse(struct ui *u, const struct wf_err *e)
{
	ui_fail(u, e);
	return wf_exit(e->code);
}

static int cs_enter(struct ui *u)
{
	struct ui_count_start_model *m = calloc(1, sizeof(*m));
	char(*paths)[LOCATION_MAX + 1] = NULL, (*due)[LOCATION_MAX + 1] = NULL;
	int *state = NULL;
	size_t n = 0, ndue = 0;
	struct wf_err e;
	int rc = 0;

	if (!m) {
		wf_fail(&e, WF_E_NOMEM);
		return refuse(u, &e);
	}
	if (ledger_all_ranges(u->l, &paths, &n) < 0)
		rc = wf_fail_ledger(&e, u->l);
	if (rc == 0)
		rc = plan_due_ranges(u->l, cli_now(), &due, &state, &ndue, &e);
	if (rc == 0) {
		m->r = calloc(n ? n : 1, sizeof(*m->r));
		if (!m->r)
			rc = wf_fail(&e, WF_E_NOMEM);
	}
	if (rc) {
		free(paths);
		free(due);
		free(state);
		cs_free(m);
		return refuse(u, &e);
	}
	m->nr = n;
	m->have_plan = ndue > 0;
	for (size_t i = 0; i < n; i++) {
		snprintf(m->r[i].path, sizeof(m->r[i].path), "%s", paths[i]);
		m->r[i].due = -1;
		/* A planned range lies within (or is) a location. */
		for (size_t k = 0; k < ndue; k++)
			if (location_within(paths[i], due[k]) ||
			    location_within(due[k], paths[i]))
				if (m->r[i].due < state[k])
					m->r[i].due = state[k];
		m->r[i].on = m->have_plan ? (m->r[i].due == PLAN_DUE_NOW ||
					     m->r[i].due == PLAN_DUE_OVERDUE)
					  : 1;
	}
	free(paths);
	free(due);
	free(state);
	u->state = m;
	return 0;
}

static void cs_leave(struct ui *u)
{
	if (u->state)
		cs_free(u->state);
}

static void cs_view(const struct ui *u, struct ui_view *v)
{
	ui_count_start_render(u->state, v);
}

/* The line of the proposal shown for range, or NULL. */
static const struct ui_cs_assign *shown(const struct ui_count_start_model *m,
					const char *range)
{
	for (size_t i = 0; i < m->na; i++)
		if (strcmp(m->a[i].range, range) == 0)
			return &m->a[i];
	return NULL;
}

/*
 * wf_count_start with the chosen kind and ranges, every range the
 * proposal on screen gives someone given to that person (plus
 * `extra_range`=`extra_staff` when given): a dry run fills the proposal,
 * the real run opens the count.  What is shown is passed as it is, not
 * planned again: a change of one range changes that range alone (the
 * planner, evening the load, used to move other ranges to other people
 * without a word), and opening opens what the screen shows.  0, or the
 * exit status (the refusal on the message line, translated; the proposal
 * unchanged).
 */
static int run(struct ui *u, struct ui_count_start_model *m, int dry,
	       const char *extra_range, const char *extra_staff, int64_t *id)
{
	const char **ranges = calloc(m->nr + 1, sizeof(*ranges));
	const char **ar = calloc(m->na + 2, sizeof(*ar));
	const char **as = calloc(m->na + 2, sizeof(*as));
	struct wf_count_start_args a = {0};
	struct wf_count_started res = {0};
	struct ui_cs_assign *na = NULL;
	struct wf_err e;
	int ex = 0;

	if (!ranges || !ar || !as) {
		ex = wf_fail(&e, WF_E_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < m->nr; i++)
		if (m->r[i].on)
			ranges[a.nranges++] = m->r[i].path;
	for (size_t i = 0; i < m->na; i++) {
		if (!m->a[i].staff[0] ||
		    (extra_range && strcmp(extra_range, m->a[i].range) == 0))
			continue;
		ar[a.nassign] = m->a[i].range;
		as[a.nassign++] = m->a[i].staff;
	}
	if (extra_range) {
		ar[a.nassign] = extra_range;
		as[a.nassign++] = extra_staff;
	}
	a.kind = kinds[m->kind];
	a.ranges = ranges;
	a.assign_range = ar;
	a.assign_staff = as;
	a.dry_run = dry;
	ex = wf_count_start(u->l, &u->who, &a, cli_now(), &res, &e);
	if (ex)
		goto out;
	*id = res.id;
	na = calloc(res.plan.n ? res.plan.n : 1, sizeof(*na));
	if (!na) {
		ex = wf_fail(&e, WF_E_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < res.plan.n; i++) {
		const struct plan_line *ln = &res.plan.v[i];
		const struct ui_cs_assign *was = shown(m, ln->range);

		snprintf(na[i].range, sizeof(na[i].range), "%s", ln->range);
		snprintf(na[i].staff, sizeof(na[i].staff), "%s", ln->staff);
		/* The planner's reason as data (ln->why is the English of
		 * plan_explain): worded when drawn. */
		if (!ln->staff[0]) {
			na[i].why = ln->why_of;
			na[i].have_why = 1;
		}
		/* A range passed as shown keeps how it came to its person. */
		if (extra_range && strcmp(extra_range, ln->range) == 0) {
			na[i].manual = 1;
		} else if (was && was->staff[0]) {
			na[i].manual = was->manual;
			na[i].kept = was->kept;
		} else {
			na[i].kept = ln->kept;
		}
	}
	free(m->a);
	m->a = na;
	m->na = res.plan.n;
	if (m->asel >= m->na)
		m->asel = 0;
out:
	wf_count_started_free(&res);
	free(ranges);
	free(ar);
	free(as);
	if (ex)
		ui_fail(u, &e);
	return ex;
}

static enum ui_result propose(struct ui *u, struct ui_count_start_model *m)
{
	size_t on = 0;
	int64_t id;

	for (size_t i = 0; i < m->nr; i++)
		on += m->r[i].on;
	if (on == 0) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("Choose at least one range (Space)"));
		return UI_REDRAW;
	}
	/* A new choice of ranges starts a new proposal. */
	free(m->a);
	m->a = NULL;
	m->na = 0;
	if (run(u, m, 1, NULL, NULL, &id) == 0) {
		m->step = UI_CS_PLAN;
		ui_message(u, UI_A_NORMAL, "%s", "");
	}
	return UI_REDRAW;
}

static enum ui_result change(struct ui *u, struct ui_count_start_model *m)
{
	char range[LOCATION_MAX + 1], staff[STAFF_CODE_MAX + 1];
	int64_t id;

	if (!m->typed[0])
		return UI_HANDLED;
	snprintf(range, sizeof(range), "%s", m->a[m->asel].range);
	snprintf(staff, sizeof(staff), "%s", m->typed);
	m->typed[0] = '\0';
	m->step = UI_CS_PLAN;
	/* Refused: the proposal stays as it was, the rule is shown. */
	if (run(u, m, 1, range, staff, &id) == 0)
		ui_message(u, UI_A_OK, _("%s goes to %s"), range, staff);
	else
		u->bells = 3;
	return UI_REDRAW;
}

static enum ui_result open_count(struct ui *u, struct ui_count_start_model *m)
{
	int64_t id = 0;

	if (run(u, m, 0, NULL, NULL, &id))
		return UI_REDRAW;
	ui_message(u, UI_A_OK,
		   _("Count %lld is open: each range to its person "
		     "(Tray count)"),
		   (long long)id);
	return UI_LEAVE;
}

static enum ui_result cs_key(struct ui *u, int key)
{
	struct ui_count_start_model *m = u->state;
	size_t n = strlen(m->typed);

	switch (m->step) {
	case UI_CS_KIND:
		if (key == UI_KEY_UP && m->kind > 0)
			m->kind--;
		else if (key == UI_KEY_DOWN && m->kind < 2)
			m->kind++;
		else if (key >= '1' && key <= '3') {
			m->kind = key - '1';
			m->step = UI_CS_RANGES;
		} else if (key == UI_KEY_ENTER)
			m->step = UI_CS_RANGES;
		else if (key == 'q' || key == UI_KEY_ESC)
			return UI_LEAVE;
		else
			return UI_IGNORED;
		return UI_REDRAW;
	case UI_CS_RANGES:
		if (key == UI_KEY_UP && m->sel > 0)
			m->sel--;
		else if (key == UI_KEY_DOWN && m->sel + 1 < m->nr)
			m->sel++;
		else if (key == ' ' && m->nr)
			m->r[m->sel].on = !m->r[m->sel].on;
		else if (key == 'a') {
			int all = 1;

			for (size_t i = 0; i < m->nr; i++)
				all &= m->r[i].on;
			for (size_t i = 0; i < m->nr; i++)
				m->r[i].on = !all;
		} else if (key == UI_KEY_ENTER)
			return propose(u, m);
		else if (key == UI_KEY_ESC || key == 'q')
			m->step = UI_CS_KIND;
		else
			return UI_IGNORED;
		return UI_REDRAW;
	case UI_CS_PLAN:
		if (key == UI_KEY_UP && m->asel > 0)
			m->asel--;
		else if (key == UI_KEY_DOWN && m->asel + 1 < m->na)
			m->asel++;
		else if (key == 'c' && m->na)
			m->step = UI_CS_CHANGE;
		else if (key == 'o' || key == UI_KEY_ENTER)
			return open_count(u, m);
		else if (key == UI_KEY_ESC || key == 'q')
			m->step = UI_CS_RANGES;
		else
			return UI_IGNORED;
		return UI_REDRAW;
	default: /* UI_CS_CHANGE */
		if (key == UI_KEY_ENTER)
			return change(u, m);
		if (key == UI_KEY_ESC) {
			m->typed[0] = '\0';
			m->step = UI_CS_PLAN;
		} else if (key == UI_KEY_BACKSPACE && n > 0) {
			m->typed[n - 1] = '\0';
		} else if ((key == '-' || key == '_' ||
			    (key >= '0' && key <= '9') ||
			    (key >= 'A' && key <= 'Z') ||
			    (key >= 'a' && key <= 'z')) &&
			   n + 1 < sizeof(m->typed)) {
			m->typed[n] = (char)key;
			m->typed[n + 1] = '\0';
		} else {
			return UI_IGNORED;
		}
		return UI_REDRAW;
	}
}

const struct ui_screen ui_count_start_screen = {
    .name = "countstart",
    .title = N_("Start a count"),
    .in_menu = 1,
    .step = &wf_step_count_start,
    .enter = cs_enter,
    .leave = cs_leave,
    .view = cs_view,
    .key = cs_key,
};
