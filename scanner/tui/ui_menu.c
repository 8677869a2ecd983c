/*
 * The main menu: the screens of the screen table that the person logged
 * in may open, by role (recon_permit, the same matrix every command
 * checks) and by training (R20: without the required course, nothing
 * that touches cards is offered, and the menu says which course is
 * missing).  A screen someone may not open is not shown at all.  On a
 * screen too short for every item the items scroll, the highlight
 * always in view, and the hint and the training notice stay.
 */
#include <stdlib.h>

#include "../cli/cli.h"
#include "ui.h"
#include "ui_curses.h"

struct menu_state {
	const struct ui_screen *item[UI_MENU_MAX];
	size_t n;
	struct ui_list list; /* the highlight and the first item shown */
};

size_t ui_menu_items(enum staff_role role, int trained,
		     const struct ui_screen **out, size_t max)
{
	const struct ui_screen *const *s = ui_screens();
	size_t n = 0;

	for (; *s && n < max; s++)
		if ((*s)->in_menu && ui_screen_allowed(*s, role, trained))
			out[n++] = *s;
	return n;
}

static int menu_enter(struct ui *u)
{
	struct menu_state *st = calloc(1, sizeof(*st));

	if (!st)
		return ui_nomem(u);
	/* Every screen the role allows, trained or not, so that each keeps
	 * its number: an untrained person's `1` is everyone's `1`, shown
	 * but closed (issue 18: the gate used to renumber the menu). */
	st->n = ui_menu_items(u->who.role, 1, st->item, UI_MENU_MAX);
	ui_list_init(&st->list, st->n);
	u->state = st;
	return 0;
}

static void menu_leave(struct ui *u)
{
	free(u->state);
}

/* The key of menu item i: 1-9, then a, b, c, ... (more screens than
 * digits; q stays logout, far beyond any menu's length). */
static int item_key(size_t i)
{
	return i < 9 ? (int)('1' + i) : (int)('a' + (i - 9));
}

/* The rows the items get on a screen of `rows` rows: what the body has
 * (rows - 3: the header, the message and the key help) less the title,
 * the blank rows, the training notice and the hint, which always show.
 * When the items do not all fit, one row goes to where the list is
 * ("1-9 / 16"), so that the clerk knows more are there. */
static int item_rows(const struct ui *u, const struct menu_state *st,
		     int rows)
{
	int room = rows - 3 - 5 - (u->trained ? 0 : 2);

	if ((size_t)room < st->n)
		room--;
	return room > 1 ? room : 1;
}

static void menu_view(const struct ui *u, struct ui_view *v)
{
	const struct menu_state *st = u->state;
	int room = item_rows(u, st, v->rows);
	size_t top = ui_list_top(&st->list, room);
	char pos[32];

	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("Main menu"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	for (size_t i = top; i < st->n && (int)(i - top) < room; i++) {
		int open = ui_screen_allowed(st->item[i], u->who.role,
					     u->trained);

		ui_view_add(v,
			    i == st->list.sel ? UI_A_SELECTED
			    : open	      ? UI_A_NORMAL
					      : UI_A_DIM,
			    "  %c  %s%s%s", item_key(i),
			    _(st->item[i]->title), open ? "" : "  - ",
			    open ? "" : _("training needed"));
	}
	if (st->n == 0)
		ui_view_add(v, UI_A_DIM, "  %s", _("Nothing you may do here"));
	if ((size_t)room < st->n) {
		ui_list_position(&st->list, room, pos, sizeof(pos));
		ui_view_add(v, UI_A_DIM, "  %s", pos);
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (!u->trained) {
		ui_view_add(v, UI_A_ALERT, "  ! %s",
			    _("Required training missing or expired, work "
			      "with cards stays closed:"));
		ui_view_add(v, UI_A_ALERT, "    %s: %s", u->training_gap,
			    u->training_expired ? _("expired") : _("missing"));
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Up/Down and Enter, or the number.  q logs out."));
}

/* Opens item i, or says why an untrained person may not. */
static enum ui_result open_item(struct ui *u, const struct ui_screen *s)
{
	if (!ui_screen_allowed(s, u->who.role, u->trained)) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("Not offered: required training is missing "
			     "or expired (a manager records it)"));
		return UI_REDRAW;
	}
	ui_goto(u, s);
	return UI_REDRAW;
}

static enum ui_result menu_key(struct ui *u, int key)
{
	struct menu_state *st = u->state;
	int cols, rows, room;

	ui_term_size(&cols, &rows);
	room = item_rows(u, st, rows);
	if (key == UI_KEY_UP && st->list.sel > 0) {
		st->list.sel--;
		st->list.top = ui_list_top(&st->list, room);
		return UI_REDRAW;
	}
	if (key == UI_KEY_DOWN && st->list.sel + 1 < st->n) {
		st->list.sel++;
		st->list.top = ui_list_top(&st->list, room);
		return UI_REDRAW;
	}
	if (key == UI_KEY_ENTER && st->n > 0)
		return open_item(u, st->item[st->list.sel]);
	for (size_t i = 0; i < st->n && i < 16; i++)
		if (key == item_key(i))
			return open_item(u, st->item[i]);
	if (key == 'q' || key == UI_KEY_ESC)
		return UI_LOGOUT;
	return UI_IGNORED;
}

const struct ui_screen ui_menu_screen = {
    .name = "menu",
    .title = N_("Main menu"),
    .enter = menu_enter,
    .leave = menu_leave,
    .view = menu_view,
    .key = menu_key,
};
