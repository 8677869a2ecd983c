/*
 * The second person of a two-person step, logging in on the screen where
 * the step happens (closing a count with discrepancies, starting and
 * closing a disposal): a staff code and a PIN shown as '*', checked by
 * cli_witness_pin -- the rules of `--witness` at the command line (another
 * person than the one logged in, the PIN with its audit and lockout, a
 * manager).  The PIN lives only in the form and is wiped after every try.
 */
#include <sodium.h>
#include <string.h>

#include "cli.h"
#include "ui.h"

#define PIN_TRIES 5

void ui_witness_render(const struct ui_witness *w, const char *title,
		       struct ui_view *v)
{
	char stars[16] = "", label[64], line[UI_LINE_BYTES];
	size_t n = strlen(w->pin);
	int at;

	memset(stars, '*', n);
	stars[n] = '\0';
	ui_view_add(v, UI_A_TITLE, "  %s", title);
	ui_fit(label, sizeof(label), _("Witness code"), 16, 1);
	snprintf(line, sizeof(line), "  %s %s", label, w->code);
	at = ui_view_add(v, w->field == 0 ? UI_A_INPUT : UI_A_NORMAL, "%s",
			 line);
	if (w->field == 0 && at >= 0) {
		v->cursor_line = at;
		v->cursor_col = ui_width(line);
	}
	ui_fit(label, sizeof(label), _("Witness PIN"), 16, 1);
	snprintf(line, sizeof(line), "  %s %s", label, stars);
	at = ui_view_add(v, w->field == 1 ? UI_A_INPUT : UI_A_NORMAL, "%s",
			 line);
	if (w->field == 1 && at >= 0) {
		v->cursor_line = at;
		v->cursor_col = ui_width(line);
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("A manager other than you: code, Enter, PIN, Enter.  "
		      "Esc cancels."));
}

int ui_witness_key(struct ui_witness *w, int key)
{
	char *f = w->field == 0 ? w->code : w->pin;
	size_t cap = w->field == 0 ? sizeof(w->code) : sizeof(w->pin) - 1;
	size_t n = strlen(f);

	switch (key) {
	case UI_KEY_ENTER:
	case UI_KEY_TAB:
		if (w->field == 0) {
			if (w->code[0])
				w->field = 1;
			return UI_W_HANDLED;
		}
		return key == UI_KEY_ENTER && w->pin[0] ? UI_W_DONE
							: UI_W_HANDLED;
	case UI_KEY_BACKSPACE:
		if (n > 0)
			f[n - 1] = '\0';
		else
			w->field = 0;
		return UI_W_HANDLED;
	case UI_KEY_ESC:
		sodium_memzero(w, sizeof(*w));
		return UI_W_CANCEL;
	default:
		break;
	}
	if (key >= 0x80 || key < 0x20)
		return UI_W_NOT_MINE;
	/* Staff codes are [A-Za-z0-9_-]; PINs digits. */
	if (w->field == 1
		? (key < '0' || key > '9')
		: !(key == '-' || key == '_' || (key >= '0' && key <= '9') ||
		    (key >= 'A' && key <= 'Z') || (key >= 'a' && key <= 'z')))
		return UI_W_HANDLED;
	if (n + 1 < cap) {
		f[n] = (char)key;
		f[n + 1] = '\0';
	}
	return UI_W_HANDLED;
}

/* Says why the witness was refused, in the operator's language; the
 * ledger's state after the check tells which rule it was. */
static void refused(struct ui *u, const char *code, int ex)
{
	struct staff_rec s;
	int rc;

	u->bells = 3;
	if (strcmp(code, u->who.code) == 0) {
		ui_message(u, UI_A_ALERT,
			   _("Two-person rule: the witness must be another "
			     "person than %s"),
			   code);
		return;
	}
	if (ex == EXIT_DATAERR) {
		ui_message(u, UI_A_ALERT, "%s", _("A PIN is 4 to 12 digits"));
		return;
	}
	rc = ledger_staff_get(u->l, code, &s);
	if (ex != EXIT_NOPERM || rc == LEDGER_ERR_SQL)
		ui_message(u, UI_A_ALERT, "%s", ui_last_error());
	else if (rc < 0)
		ui_message(u, UI_A_ALERT, _("No staff member %s"), code);
	else if (!s.active)
		ui_message(u, UI_A_ALERT, _("Staff member %s is not active"),
			   code);
	else if (s.locked)
		ui_message(u, UI_A_ALERT,
			   _("Account %s is locked after %d wrong PINs: a "
			     "manager must unlock it"),
			   code, PIN_TRIES);
	else if (s.failed_pins > 0)
		ui_message(u, UI_A_ALERT,
			   _("Wrong PIN for %s (%d of %d tries)"), code,
			   s.failed_pins, PIN_TRIES);
	else
		ui_message(u, UI_A_ALERT,
			   _("%s is not a manager: the witness of a "
			     "two-person step must be a manager"),
			   code);
}

int ui_witness_check(struct ui *u, struct ui_witness *w, struct staff_rec *out)
{
	char code[STAFF_CODE_MAX + 1];
	int ex = cli_witness_pin(u->l, &u->who, w->code, w->pin, out);

	snprintf(code, sizeof(code), "%s", w->code);
	sodium_memzero(w, sizeof(*w));
	sodium_memzero(out->pin_hash, sizeof(out->pin_hash));
	if (ex)
		refused(u, code, ex);
	return ex;
}
