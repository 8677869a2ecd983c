/*
 * Check-out, return and issue at the window (R11): choose the movement,
 * then present the cards one by one, or type or wedge their management
 * IDs or numbers and Enter.  Each card goes through the custody workflow
 * (wf_custody_move, one card at a time: recon_custody decides, the
 * movement and its audit entry are committed in their own transaction,
 * flagged when the safe is recorded closed) before the screen shows it
 * as recorded, or
 * shows why it was refused: one card refused does not hold up the others,
 * unlike `cardtally checkout A B C`, which moves all or none.  A checkout
 * is for a day (today unless changed in the date field).
 */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../workflow/wf_scan.h"
#include "ui.h"

struct custody_state {
	struct ui_custody_model m;
};

static const struct {
	enum custody_kind kind;
	enum recon_action action;
	const char *label;
} actions[] = {
    {CUSTODY_CHECKOUT, ACT_CHECKOUT,
     N_("Check out: from the safe to the window")},
    {CUSTODY_RETURN, ACT_RETURN, N_("Return: back into the safe")},
    {CUSTODY_ISSUE, ACT_ISSUE, N_("Issue: handed to the applicant")},
};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

static const char *kind_title(int kind)
{
	switch (kind) {
	case CUSTODY_CHECKOUT:
		return _("Check out");
	case CUSTODY_RETURN:
		return _("Return");
	case CUSTODY_ISSUE:
		return _("Issue");
	default:
		return "?";
	}
}

/* ---- the model: pure, tested in tests/test_ui.c ---- */

void ui_custody_note(struct ui_custody_model *m, const char *ident,
		     const struct wf_moved_item *it, int safe_closed,
		     const char *why)
{
	struct ui_custody_line *ln;

	if (m->nlines == UI_CUSTODY_MAX) {
		memmove(m->line, m->line + 1,
			(UI_CUSTODY_MAX - 1) * sizeof(m->line[0]));
		m->nlines--;
	}
	ln = &m->line[m->nlines++];
	memset(ln, 0, sizeof(*ln));
	snprintf(ln->ident, sizeof(ln->ident), "%s", ident);
	if (!it) {
		ln->refused = 1;
		snprintf(ln->why, sizeof(ln->why), "%s", why ? why : "");
		m->refused++;
		return;
	}
	ln->it = *it;
	ln->safe_closed = safe_closed;
	m->done++;
	m->flagged += safe_closed;
}

void ui_custody_render(const struct ui_custody_model *m, int cols,
		       struct ui_view *v)
{
	char line[UI_LINE_BYTES], cut[UI_LINE_BYTES];

	if (ui_reader_banner(&m->reader, NULL, v))
		return;
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", kind_title(m->kind));
	if (m->kind == CUSTODY_CHECKOUT)
		ui_form_line(v, _("For the day"), m->for_day, 0, m->field == 1);
	ui_form_line(v, _("Card or management ID"), m->typed, 0, m->field == 0);
	ui_reader_view(&m->reader,
		       _("Present the cards one by one, or type the ID and "
			 "Enter"),
		       v);
	ui_view_add(v, UI_A_DIM, "  %s",
		    m->kind == CUSTODY_CHECKOUT
			? _("Tab: the date   Esc: another movement")
			: _("Esc: another movement"));
	ui_view_add(v, UI_A_NORMAL, "  %s: %ld   %s: %ld", _("Recorded"),
		    m->done, _("Refused"), m->refused);
	if (m->flagged)
		ui_view_add(v, UI_A_ALERT, "  ! %s (%ld)",
			    _("Safe recorded closed: flagged in the key log"),
			    m->flagged);
	/* Newest first: the card just presented is where the eye is. */
	for (int i = m->nlines - 1; i >= 0; i--) {
		const struct ui_custody_line *ln = &m->line[i];
		int ok = !ln->refused;

		if (!ok) {
			/* A refusal says why in full: the clerk acts on the
			 * rule it names, so it wraps instead of being cut. */
			const char *rest;

			snprintf(line, sizeof(line), "[!!] %s: %.*s",
				 _("Refused"), UI_LINE_BYTES - 32, ln->why);
			rest = cols_wrap(cut, sizeof(cut), line, cols - 3);
			ui_view_add(v, UI_A_ALERT, "  %s", cut);
			while (*rest) {
				rest =
				    cols_wrap(cut, sizeof(cut), rest, cols - 8);
				ui_view_add(v, UI_A_ALERT, "       %s", cut);
			}
			continue;
		}
		snprintf(line, sizeof(line), "[OK] %s  %s -> %s%s%s",
			 ln->it.name,
			 ui_card_status(ln->it.from, ln->it.is_asset),
			 ui_card_status(ln->it.to, ln->it.is_asset),
			 ln->safe_closed ? "  ! " : "",
			 ln->safe_closed ? _("flagged") : "");
		cols_fit(cut, sizeof(cut), line, cols - 3, 0);
		ui_view_add(v, UI_A_OK, "  %s", cut);
	}
}

/* ---- the screen ---- */

static int custody_enter(struct ui *u)
{
	struct custody_state *st = calloc(1, sizeof(*st));
	int64_t now = cli_now();

	if (!st)
		return ui_nomem(u);
	st->m.kind = -1;
	/* Without a change, the cards are for today, as for `checkout`. */
	date_format(date_of_time(now, cli_utc_offset(now)), st->m.for_day);
	ui_reader_open_plain(u, &st->m.reader);
	u->state = st;
	return 0;
}

static void custody_leave(struct ui *u)
{
	struct custody_state *st = u->state;
	struct wf_err e;

	if (st)
		ui_reader_close(&st->m.reader, &e);
	free(st);
}

static void choose_view(struct ui_view *v)
{
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("What do you record?"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	for (size_t i = 0; i < NACTIONS; i++)
		ui_view_add(v, UI_A_NORMAL, "  %zu  %s", i + 1,
			    _(actions[i].label));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_DIM, "  %s", _("The number.  q back."));
}

static void custody_view(const struct ui *u, struct ui_view *v)
{
	const struct custody_state *st = u->state;

	if (st->m.kind < 0)
		choose_view(v);
	else
		ui_custody_render(&st->m, v->cols, v);
}

/* One card, through the custody workflow; shown once it is committed. */
static void record(struct ui *u, struct custody_state *st, const char *ident,
		   enum custody_by by)
{
	struct wf_moved moved;
	struct wf_err e;
	int32_t for_date = DATE_NONE;
	char why[UI_LINE_BYTES];

	if (st->m.kind == CUSTODY_CHECKOUT &&
	    date_parse(st->m.for_day, strlen(st->m.for_day), &for_date) < 0) {
		ui_message(u, UI_A_ALERT, "%s: %s", _("For the day"),
			   _("a date is YYYY-MM-DD"));
		u->bells = 3;
		ui_reader_feedback(&st->m.reader, RECON_ALERT);
		return;
	}
	if (wf_custody_move(u->l, &u->who, (enum custody_kind)st->m.kind,
			    &ident, 1, by, NULL, for_date, cli_now(), &moved,
			    &e) == 0) {
		ui_custody_note(&st->m, ident, &moved.v[0], moved.safe_closed,
				NULL);
		wf_moved_free(&moved);
		u->bells = 0;
		u->msg[0] = '\0';
	} else if (e.code == WF_E_LEDGER || e.code == WF_E_LEDGER_IO ||
		   e.code == WF_E_NOMEM || wf_exit(e.code) == EXIT_NOPERM) {
		/* Not about this card: the screen's message line. */
		ui_fail(u, &e);
	} else {
		ui_wf_text(&e, why, sizeof(why));
		ui_custody_note(&st->m, ident, NULL, 0, why);
		u->bells = 3;
		u->msg[0] = '\0';
	}
	ui_reader_feedback(&st->m.reader,
			   u->bells ? RECON_ALERT : RECON_ACCEPTED);
}

static enum ui_result custody_tick(struct ui *u, int wait_ms)
{
	struct custody_state *st = u->state;
	struct wf_scan_event ev;
	enum ui_result r;

	if (!ui_reader_tick(u, &st->m.reader, wait_ms, &ev, &r))
		return r;
	if (st->m.kind < 0) {
		ui_message(u, UI_A_ALERT, "%s", _("Choose the movement first"));
		ui_reader_feedback(&st->m.reader, RECON_ALERT);
		u->bells = 3;
		return UI_REDRAW;
	}
	record(u, st, ev.res.serial, CUSTODY_BY_SERIAL);
	return UI_REDRAW;
}

static enum ui_result choose_key(struct ui *u, struct custody_state *st,
				 int key)
{
	struct wf_err e;
	size_t i;

	if (key == 'q' || key == UI_KEY_ESC)
		return UI_LEAVE;
	if (key < '1' || key > '0' + (int)NACTIONS)
		return UI_IGNORED;
	i = (size_t)(key - '1');
	/* The screen is offered by the checkout row of the matrix; each
	 * movement still asks its own. */
	if (wf_may(u->l, wf_custody_step(actions[i].kind), &u->who, cli_now(),
		   &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	st->m.kind = (int)actions[i].kind;
	st->m.field = 0;
	u->msg[0] = '\0';
	return UI_REDRAW;
}

static enum ui_result custody_key(struct ui *u, int key)
{
	struct custody_state *st = u->state;
	struct ui_custody_model *m = &st->m;
	char *f = m->field == 1 ? m->for_day : m->typed;

	if (m->kind < 0)
		return choose_key(u, st, key);
	if (key == UI_KEY_ESC || (key == 'q' && !f[0] && m->field == 0)) {
		if (m->field == 0 && m->typed[0]) {
			m->typed[0] = '\0';
			return UI_REDRAW;
		}
		m->kind = -1;
		m->field = 0;
		return UI_REDRAW;
	}
	if ((key == UI_KEY_TAB || key == UI_KEY_UP || key == UI_KEY_DOWN) &&
	    m->kind == CUSTODY_CHECKOUT) {
		m->field = !m->field;
		return UI_REDRAW;
	}
	if (m->field == 1) {
		if (key == UI_KEY_ENTER) {
			m->field = 0;
			return UI_REDRAW;
		}
		return ui_field_key(m->for_day, sizeof(m->for_day),
				    UI_FIELD_DATE, key)
			   ? UI_REDRAW
			   : UI_IGNORED;
	}
	if (ui_field_key(m->typed, sizeof(m->typed), UI_FIELD_ID, key))
		return UI_REDRAW;
	if (key == UI_KEY_ENTER && m->typed[0]) {
		record(u, st, m->typed, CUSTODY_BY_EITHER);
		m->typed[0] = '\0';
		return UI_REDRAW;
	}
	return UI_IGNORED;
}

const struct ui_screen ui_custody_screen = {
    .name = "custody",
    .title = N_("Check out / return / issue"),
    .in_menu = 1,
    .step = &wf_step_checkout,
    .enter = custody_enter,
    .leave = custody_leave,
    .view = custody_view,
    .key = custody_key,
    .tick = custody_tick,
};
