/*
 * Unlock an account (a manager's step, wf_step_staff_unlock): the
 * accounts locked after wrong PINs, in a list that scrolls; Enter asks
 * and, on yes, reopens the one highlighted through wf_staff_unlock, the
 * function `staff unlock` calls.  The lockout message of the login screen
 * tells the clerk to ask a manager: this is where the manager does it.
 */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"
#include "ui_curses.h"

#define UNLOCK_MAX 64

struct unlock_screen {
	struct staff_rec v[UNLOCK_MAX]; /* the locked accounts, PINs wiped */
	struct ui_list list;
	int asking; /* "unlock X?" is shown */
};

/* Fills st with the locked accounts.  0, or the exit status (said). */
static int load(struct ui *u, struct unlock_screen *st)
{
	struct wf_staff_list all;
	struct wf_err e;
	size_t n = 0;
	int rc = wf_staff_list(u->l, &all, &e);

	if (rc) {
		ui_fail(u, &e);
		return rc;
	}
	for (size_t i = 0; i < all.n && n < UNLOCK_MAX; i++)
		if (all.v[i].locked && all.v[i].active)
			st->v[n++] = all.v[i];
	wf_staff_list_free(&all);
	ui_list_init(&st->list, n);
	return 0;
}

static int unlock_enter(struct ui *u)
{
	struct unlock_screen *st = calloc(1, sizeof(*st));
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

static void unlock_leave(struct ui *u)
{
	free(u->state);
}

/* Rows for the list: the frame 3, title, header, position, help 4, the
 * question 2. */
static int list_rows(int rows)
{
	return rows - 9 > 1 ? rows - 9 : 1;
}

static void unlock_view(const struct ui *u, struct ui_view *v)
{
	const struct unlock_screen *st = u->state;
	int rows = list_rows(v->rows);
	size_t top = ui_list_top(&st->list, rows);
	char name[64], pos[32];

	ui_view_add(v, UI_A_TITLE, "  %s",
		    _("Accounts locked after wrong PINs"));
	if (st->list.n == 0) {
		ui_view_add(v, UI_A_DIM, "  %s", _("No account is locked"));
		ui_view_add(v, UI_A_DIM, "  %s", _("r reload   q back"));
		return;
	}
	for (size_t i = top; i < st->list.n && (int)(i - top) < rows; i++) {
		const struct staff_rec *s = &st->v[i];

		cols_fit(name, sizeof(name), s->name, 24, 1);
		ui_view_add(v, i == st->list.sel ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %-10s %s %s  %s", s->code, name,
			    ui_role_name(s->role), _("locked"));
	}
	ui_list_position(&st->list, rows, pos, sizeof(pos));
	ui_view_add(v, UI_A_DIM, "  %s", pos);
	if (st->asking) {
		char q[UI_LINE_BYTES];

		snprintf(q, sizeof(q),
			 _("Unlock the account of %s? They can log in with "
			   "their PIN again"),
			 st->v[st->list.sel].code);
		ui_confirm_view(v, q);
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Enter unlock the one highlighted   r reload   q back"));
}

static enum ui_result unlock_one(struct ui *u, struct unlock_screen *st)
{
	char code[STAFF_CODE_MAX + 1];
	struct wf_err e;

	snprintf(code, sizeof(code), "%s", st->v[st->list.sel].code);
	if (wf_staff_unlock(u->l, &u->who, code, cli_now(), &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	if (load(u, st) == 0)
		ui_message(u, UI_A_OK, _("Account %s unlocked by %s"), code,
			   u->who.code);
	return UI_REDRAW;
}

static enum ui_result unlock_key(struct ui *u, int key)
{
	struct unlock_screen *st = u->state;
	int cols, rows;

	if (st->asking) {
		switch (ui_confirm_key(key)) {
		case UI_CONFIRM_YES:
			st->asking = 0;
			return unlock_one(u, st);
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
	if (key == 'q' || key == UI_KEY_ESC)
		return UI_LEAVE;
	if (key == 'r' || key == 'R') {
		load(u, st); /* a failure says why on the message line */
		return UI_REDRAW;
	}
	ui_term_size(&cols, &rows);
	switch (ui_list_key(&st->list, key, list_rows(rows))) {
	case UI_LIST_CHOSEN:
		if (st->list.n == 0)
			return UI_HANDLED;
		st->asking = 1;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case UI_LIST_MOVED:
		return UI_REDRAW;
	default:
		return UI_IGNORED;
	}
}

const struct ui_screen ui_unlock_screen = {
    .name = "unlock",
    .title = N_("Unlock an account"),
    .in_menu = 1,
    .step = &wf_step_staff_unlock,
    .enter = unlock_enter,
    .leave = unlock_leave,
    .view = unlock_view,
    .key = unlock_key,
};
