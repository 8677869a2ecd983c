/*
 * The login screen: staff code and PIN, the PIN shown as '*'.  The check
 * is the workflow layer's (wf_login, as for --as): the same Argon2id
 * verification in one transaction with its count, the same lockout after
 * 5 wrong PINs, the same audit entries, and for a deactivated person the
 * same refusal.  The PIN lives only in this screen's state and is wiped
 * after every attempt and when the screen closes.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"

struct login_state {
	char code[STAFF_CODE_MAX + 1];
	char pin[16];
	int field;  /* 0: staff code, 1: PIN */
	int locked; /* the last try found the account locked */
};

static int login_enter(struct ui *u)
{
	u->state = calloc(1, sizeof(struct login_state));
	return u->state ? 0 : ui_nomem(u);
}

static void login_leave(struct ui *u)
{
	if (u->state)
		sodium_memzero(u->state, sizeof(struct login_state));
	free(u->state);
}

static void login_view(const struct ui *u, struct ui_view *v)
{
	const struct login_state *st = u->state;
	char stars[16] = "", label[64], line[UI_LINE_BYTES];
	size_t n = strlen(st->pin);
	int at;

	memset(stars, '*', n);
	stars[n] = '\0';
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("Log in"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	cols_fit(label, sizeof(label), _("Staff code"), 14, 1);
	snprintf(line, sizeof(line), "  %s %s", label, st->code);
	at = ui_view_add(v, st->field == 0 ? UI_A_INPUT : UI_A_NORMAL, "%s",
			 line);
	if (st->field == 0) {
		v->cursor_line = at;
		v->cursor_col = cols_width(line);
	}
	cols_fit(label, sizeof(label), _("PIN"), 14, 1);
	snprintf(line, sizeof(line), "  %s %s", label, stars);
	at = ui_view_add(v, st->field == 1 ? UI_A_INPUT : UI_A_NORMAL, "%s",
			 line);
	if (st->field == 1) {
		v->cursor_line = at;
		v->cursor_col = cols_width(line);
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add_wrapped(
	    v, UI_A_DIM, 2,
	    _("Type your staff code, Enter, then your PIN and Enter."));
	/* The lockout message says to ask a manager: say where they do it
	 * (ui_unlock.c). */
	if (st->locked)
		ui_view_add_wrapped(v, UI_A_ALERT, 2,
				    _("A manager unlocks it: main menu, "
				      "Unlock an account"));
}

static enum ui_result login_try(struct ui *u, struct login_state *st)
{
	struct staff_rec who;
	struct wf_err e;
	int ex;

	ui_checking_pin(u);
	ex = wf_login(u->l, st->code, st->pin, cli_now(), &who, &e);

	sodium_memzero(st->pin, sizeof(st->pin));
	st->locked = ex && (e.code == WF_E_LOCKED || e.code == WF_E_LOCKED_NOW);
	if (ex) {
		ui_fail(u, &e);
		/* The next try starts from an empty form: at a counter,
		 * it may be someone else's. */
		memset(st->code, 0, sizeof(st->code));
		st->field = 0;
		return UI_REDRAW;
	}
	sodium_memzero(who.pin_hash, sizeof(who.pin_hash));
	if (ui_login(u, &who))
		return UI_REDRAW; /* it said why */
	ui_message(u, UI_A_OK, _("Logged in: %s"), who.name);
	ui_goto(u, &ui_menu_screen);
	return UI_REDRAW;
}

static enum ui_result login_key(struct ui *u, int key)
{
	struct login_state *st = u->state;
	char *f = st->field == 0 ? st->code : st->pin;
	size_t cap = st->field == 0 ? sizeof(st->code) : sizeof(st->pin) - 1;
	size_t n = strlen(f);

	switch (key) {
	case UI_KEY_ENTER:
	case UI_KEY_TAB:
	case UI_KEY_DOWN:
		if (st->field == 0) {
			if (st->code[0])
				st->field = 1;
			return UI_REDRAW;
		}
		if (key != UI_KEY_ENTER)
			return UI_HANDLED;
		return login_try(u, st);
	case UI_KEY_UP:
		st->field = 0;
		return UI_REDRAW;
	case UI_KEY_BACKSPACE:
		if (n > 0)
			f[n - 1] = '\0';
		else
			st->field = 0;
		return UI_REDRAW;
	case UI_KEY_ESC:
		sodium_memzero(st, sizeof(*st));
		u->msg[0] = '\0';
		return UI_REDRAW;
	default:
		break;
	}
	if (key >= 0x80 || key < 0x20)
		return UI_IGNORED;
	/* Staff codes are [A-Za-z0-9_-]; PINs digits. */
	if (st->field == 1
		? (key < '0' || key > '9')
		: !(key == '-' || key == '_' || (key >= '0' && key <= '9') ||
		    (key >= 'A' && key <= 'Z') || (key >= 'a' && key <= 'z')))
		return UI_HANDLED;
	if (n + 1 < cap) {
		f[n] = (char)key;
		f[n + 1] = '\0';
	}
	return UI_REDRAW;
}

const struct ui_screen ui_login_screen = {
    .name = "login",
    .title = N_("Log in"),
    .enter = login_enter,
    .leave = login_leave,
    .view = login_view,
    .key = login_key,
};
