/*
 * The safe's key holders (R15; a manager's step, wf_step_key_holder_add):
 * the holders in order, in a list that scrolls, and `a` names another one
 * -- their staff code and their order (1 primary, 2 deputy, ...) typed on
 * the screen, then a question, then wf_key_holder_add, the function `key
 * holder add` calls, so the rules (staff or a manager, active, not named
 * twice) and their refusals are the command's.  `d` removes the one
 * highlighted, asked first (wf_key_holder_remove, `key holder remove`):
 * the others keep their order.
 */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"
#include "ui_curses.h"

#define HOLDERS_MAX 32

enum { HOLD_LIST = 0, HOLD_CODE, HOLD_ORDER, HOLD_ASK, HOLD_REMOVE };

struct holders_screen {
	struct key_holder_rec v[HOLDERS_MAX];
	struct ui_list list;
	int mode; /* HOLD_* */
	char code[STAFF_CODE_MAX + 1];
	char order[4];
};

static int keep_holder(const struct key_holder_rec *h, void *ctx)
{
	struct holders_screen *st = ctx;

	if (st->list.n < HOLDERS_MAX)
		st->v[st->list.n++] = *h;
	return 0;
}

/* Fills st with the holders.  0, or the exit status (said). */
static int load(struct ui *u, struct holders_screen *st)
{
	st->list.n = 0;
	if (ledger_key_holder_each(u->l, keep_holder, st) < 0)
		return ui_ledger_fail(u);
	ui_list_init(&st->list, st->list.n);
	return 0;
}

static int holders_enter(struct ui *u)
{
	struct holders_screen *st = calloc(1, sizeof(*st));
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

static void holders_leave(struct ui *u)
{
	free(u->state);
}

/* Rows for the list: the frame 3, title, position, the form or the
 * question 3, help. */
static int list_rows(int rows)
{
	return rows - 10 > 1 ? rows - 10 : 1;
}

static void holders_view(const struct ui *u, struct ui_view *v)
{
	const struct holders_screen *st = u->state;
	int rows = list_rows(v->rows);
	size_t top = ui_list_top(&st->list, rows);
	char name[64], pos[32];

	ui_view_add(v, UI_A_TITLE, "  %s", _("Key holders, in order"));
	if (st->list.n == 0)
		ui_view_add(v, UI_A_DIM, "  %s", _("No key holder named"));
	for (size_t i = top; i < st->list.n && (int)(i - top) < rows; i++) {
		const struct key_holder_rec *h = &st->v[i];

		cols_fit(name, sizeof(name), h->name, 24, 0);
		ui_view_add(
		    v,
		    i == st->list.sel && st->mode == HOLD_LIST ? UI_A_SELECTED
							       : UI_A_NORMAL,
		    "  %d  %s  %-10s %s", h->order,
		    h->order == 1 ? _("primary") : _("deputy"), h->code, name);
	}
	if (st->list.n) {
		ui_list_position(&st->list, rows, pos, sizeof(pos));
		ui_view_add(v, UI_A_DIM, "  %s", pos);
	}
	if (st->mode == HOLD_LIST) {
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("a name a key holder   d remove the one "
			      "highlighted   r reload   q back"));
		return;
	}
	if (st->mode == HOLD_REMOVE) {
		char q[UI_LINE_BYTES];
		const struct key_holder_rec *h = &st->v[st->list.sel];

		snprintf(q, sizeof(q),
			 _("Remove %s (%s) from the key holders? The others "
			   "keep their order."),
			 h->code, h->order == 1 ? _("primary") : _("deputy"));
		ui_confirm_view(v, q);
		return;
	}
	ui_view_add(v, UI_A_TITLE, "  %s", _("Name a key holder"));
	ui_form_line(v, _("Staff code"), st->code, 0, st->mode == HOLD_CODE);
	ui_form_line(v, _("Order (1 = primary)"), st->order, 0,
		     st->mode == HOLD_ORDER);
	if (st->mode == HOLD_ASK) {
		char q[UI_LINE_BYTES];

		snprintf(q, sizeof(q), _("Name %s key holder %s of the safe?"),
			 st->code, st->order);
		ui_confirm_view(v, q);
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Tab next field   Enter on the order: go on   Esc "
		      "cancel"));
}

static enum ui_result add_holder(struct ui *u, struct holders_screen *st)
{
	struct wf_err e;
	int order = atoi(st->order);

	st->mode = HOLD_LIST;
	if (wf_key_holder_add(u->l, &u->who, st->code, order, cli_now(), &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	if (load(u, st) == 0)
		ui_message(u, UI_A_OK, _("%s is key holder %d"), st->code,
			   order);
	return UI_REDRAW;
}

/* Removes the highlighted holder, asked first (HOLD_REMOVE). */
static enum ui_result remove_key(struct ui *u, struct holders_screen *st,
				 int key)
{
	char code[STAFF_CODE_MAX + 1];
	struct wf_err e;
	int order;

	switch (ui_confirm_key(key)) {
	case UI_CONFIRM_YES:
		st->mode = HOLD_LIST;
		snprintf(code, sizeof(code), "%s", st->v[st->list.sel].code);
		if (wf_key_holder_remove(u->l, &u->who, code, cli_now(), &order,
					 &e)) {
			ui_fail(u, &e);
			return UI_REDRAW;
		}
		if (load(u, st) == 0)
			ui_message(u, UI_A_OK,
				   _("%s is no longer key holder %d"), code,
				   order);
		return UI_REDRAW;
	case UI_CONFIRM_NO:
		st->mode = HOLD_LIST;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case UI_CONFIRM_NOT_MINE:
		return UI_IGNORED;
	default:
		return UI_HANDLED;
	}
}

static enum ui_result form_key(struct ui *u, struct holders_screen *st, int key)
{
	if (st->mode == HOLD_REMOVE)
		return remove_key(u, st, key);
	if (st->mode == HOLD_ASK) {
		switch (ui_confirm_key(key)) {
		case UI_CONFIRM_YES:
			return add_holder(u, st);
		case UI_CONFIRM_NO:
			st->mode = HOLD_ORDER;
			u->msg[0] = '\0';
			return UI_REDRAW;
		case UI_CONFIRM_NOT_MINE:
			return UI_IGNORED;
		default:
			return UI_HANDLED;
		}
	}
	if (key == UI_KEY_ESC) {
		st->mode = HOLD_LIST;
		u->msg[0] = '\0';
		return UI_REDRAW;
	}
	if (key == UI_KEY_TAB || key == UI_KEY_DOWN || key == UI_KEY_UP) {
		st->mode = st->mode == HOLD_CODE ? HOLD_ORDER : HOLD_CODE;
		return UI_REDRAW;
	}
	if (key == UI_KEY_ENTER) {
		if (st->mode == HOLD_CODE) {
			st->mode = HOLD_ORDER;
			return UI_REDRAW;
		}
		if (!st->code[0] || !st->order[0]) {
			ui_message(u, UI_A_ALERT, "%s",
				   _("Type the staff code and the order"));
			return UI_REDRAW;
		}
		st->mode = HOLD_ASK;
		u->msg[0] = '\0';
		return UI_REDRAW;
	}
	if (st->mode == HOLD_CODE)
		ui_field_key(st->code, sizeof(st->code), UI_FIELD_ID, key);
	else
		ui_field_key(st->order, sizeof(st->order), UI_FIELD_DIGITS,
			     key);
	/* Every other key is the form's: a letter switches no language. */
	return UI_REDRAW;
}

static enum ui_result holders_key(struct ui *u, int key)
{
	struct holders_screen *st = u->state;
	struct wf_err e;
	int cols, rows;

	if (st->mode != HOLD_LIST)
		return form_key(u, st, key);
	switch (key) {
	case 'a':
	case 'A':
		/* Refused before the form, as the menu would. */
		if (wf_may(u->l, &wf_step_key_holder_add, &u->who, cli_now(),
			   &e)) {
			ui_fail(u, &e);
			return UI_REDRAW;
		}
		st->code[0] = st->order[0] = '\0';
		st->mode = HOLD_CODE;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case 'd':
	case 'D':
		if (st->list.n == 0)
			return UI_HANDLED;
		if (wf_may(u->l, &wf_step_key_holder_remove, &u->who,
			   cli_now(), &e)) {
			ui_fail(u, &e);
			return UI_REDRAW;
		}
		st->mode = HOLD_REMOVE;
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
		return ui_list_key(&st->list, key, list_rows(rows)) ==
			       UI_LIST_MOVED
			   ? UI_REDRAW
			   : UI_IGNORED;
	}
}

const struct ui_screen ui_holders_screen = {
    .name = "holders",
    .title = N_("Key holders"),
    .in_menu = 1,
    .step = &wf_step_key_holder_add,
    .enter = holders_enter,
    .leave = holders_leave,
    .view = holders_view,
    .key = holders_key,
};
