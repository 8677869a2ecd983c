/*
 * The safe's key (R14, R15): whether the safe is recorded open, since
 * when, by whom, approved by whom and why, and its flags (open too long,
 * outside office hours, judged now as `key log` and `status` judge them);
 * open it with a purpose and an approver who logs in on this screen (a
 * named key holder or a manager, another person: wf_key_open, the
 * rule `key open` uses), and close it.  As with the commands, anyone may
 * close the safe, and opening it is work with cards: the matrix's
 * ACT_KEY_OPEN and the training gate.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"

struct key_screen {
	struct ui_key_model m;
};

/* ---- the model: pure, tested in tests/test_ui.c ---- */

static void flag_text(unsigned flags, char *out, size_t cap)
{
	snprintf(
	    out, cap, "%s%s%s", flags & KEY_FLAG_LONG ? _("open too long") : "",
	    (flags & KEY_FLAG_LONG) && (flags & KEY_FLAG_OFF_HOURS) ? ", " : "",
	    flags & KEY_FLAG_OFF_HOURS ? _("outside office hours") : "");
}

void ui_key_render(const struct ui_key_model *m, int cols, struct ui_view *v)
{
	char when[UI_TIME_BUF], flags[160];

	(void)cols;
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (m->open) {
		ui_time_short(m->cur.opened_at, when);
		ui_view_add(v, m->flags ? UI_A_ALERT : UI_A_TITLE,
			    "  %s %s  %s %s  %s %s", _("Safe: OPEN since"),
			    when, _("by"), m->cur.opened_by, _("approved by"),
			    m->cur.approved_by);
		ui_view_add(v, UI_A_NORMAL, "    %s: %s", _("Purpose"),
			    m->cur.purpose);
		if (m->flags) {
			flag_text(m->flags, flags, sizeof(flags));
			ui_view_add(v, UI_A_ALERT, "    ! %s: %s", _("flagged"),
				    flags);
		}
	} else {
		ui_view_add(v, UI_A_TITLE, "  %s", _("Safe: closed"));
	}
	if (m->last_closed.id) {
		ui_time_short(m->last_closed.closed_at, when);
		ui_view_add(v, m->last_flags ? UI_A_ALERT : UI_A_NORMAL,
			    _("  Closed %s, open %lld min"), when,
			    (long long)((m->last_closed.closed_at -
					 m->last_closed.opened_at) /
					60));
		if (m->last_flags) {
			flag_text(m->last_flags, flags, sizeof(flags));
			ui_view_add(v, UI_A_ALERT, "    ! %s: %s", _("flagged"),
				    flags);
		}
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (m->opening) {
		ui_view_add(v, UI_A_TITLE, "  %s",
			    _("Open the safe: a key holder or a manager "
			      "approves"));
		ui_second_view(&m->form, _("Approver"), _("Purpose"), v);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Tab next field   Enter on the purpose: open   "
			      "Esc cancel"));
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    m->open ? _("c close the safe   r refresh   q back")
			    : _("o open the safe   r refresh   q back"));
}

/* ---- the screen ---- */

static int load(struct ui *u, struct key_screen *st)
{
	int rc = ledger_key_current(u->l, &st->m.cur);

	st->m.open = rc == 0;
	st->m.flags = 0;
	if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
		return ui_ledger_fail(u);
	if (st->m.open)
		st->m.flags =
		    wf_key_flags(&st->m.cur, cli_now(), &u->conf.key);
	return 0;
}

static int key_enter(struct ui *u)
{
	struct key_screen *st = calloc(1, sizeof(*st));
	int ex;

	if (!st)
		return ui_nomem(u);
	ex = load(u, st);
	if (ex) {
		free(st);
		return ex;
	}
	u->state = st;
	return 0;
}

static void key_leave(struct ui *u)
{
	struct key_screen *st = u->state;

	if (st)
		sodium_memzero(&st->m.form, sizeof(st->m.form));
	free(st);
}

static void key_view(const struct ui *u, struct ui_view *v)
{
	const struct key_screen *st = u->state;

	ui_key_render(&st->m, v->cols, v);
}

static enum ui_result open_safe(struct ui *u, struct key_screen *st)
{
	struct ui_second *f = &st->m.form;
	struct wf_key_opened opened;
	struct wf_err e;
	int rc;

	if (!f->note[0]) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("Say why the safe is opened"));
		f->field = 2;
		return UI_REDRAW;
	}
	rc = wf_key_open(u->l, &u->who, f->code, f->pin, f->note, cli_now(),
			 &u->conf.key, &opened, &e);
	sodium_memzero(f->pin, sizeof(f->pin));
	if (rc) {
		ui_second_refused(u, f, &e);
		return UI_REDRAW;
	}
	ui_message(u, UI_A_OK, _("Safe opened by %s, approved by %s"),
		   u->who.code, opened.approver.code);
	st->m.opening = 0;
	ui_second_clear(f);
	load(u, st); /* a failure says why on the message line */
	return UI_REDRAW;
}

static enum ui_result close_safe(struct ui *u, struct key_screen *st)
{
	struct key_opening_rec o;
	struct wf_err e;

	if (wf_key_close(u->l, &u->who, cli_now(), &u->conf.key, &o, &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	st->m.last_closed = o;
	st->m.last_flags = wf_key_flags(&o, o.closed_at, &u->conf.key);
	ui_message(u, UI_A_OK, _("Safe closed by %s"), u->who.code);
	load(u, st); /* a failure says why on the message line */
	return UI_REDRAW;
}

static enum ui_result form_key(struct ui *u, struct key_screen *st, int key)
{
	switch (ui_second_key(&st->m.form, key)) {
	case UI_SECOND_NOT_MINE:
		return UI_IGNORED;
	case UI_SECOND_CANCEL:
		st->m.opening = 0;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case UI_SECOND_DONE:
		return open_safe(u, st);
	default:
		return UI_REDRAW;
	}
}

static enum ui_result key_key(struct ui *u, int key)
{
	struct key_screen *st = u->state;
	struct wf_err e;

	if (st->m.opening)
		return form_key(u, st, key);
	switch (key) {
	case 'o':
	case 'O':
		if (st->m.open) {
			ui_message(u, UI_A_ALERT, "%s",
				   _("The safe is open already"));
			return UI_REDRAW;
		}
		/* Refused before the form, as `key open` refuses before
		 * asking for the approver's PIN. */
		if (wf_may(u->l, &wf_step_key_open, &u->who, cli_now(), &e)) {
			ui_fail(u, &e);
			return UI_REDRAW;
		}
		ui_second_clear(&st->m.form);
		st->m.form.has_note = 1;
		st->m.opening = 1;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case 'c':
	case 'C':
		return close_safe(u, st);
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

const struct ui_screen ui_key_screen = {
    .name = "key",
    .title = N_("Safe key"),
    .in_menu = 1,
    .enter = key_enter,
    .leave = key_leave,
    .view = key_view,
    .key = key_key,
};
