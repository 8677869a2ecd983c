/*
 * What the screens' input fields share: editing a field one key at a time
 * (a barcode scanner types a number and Enter like a person, only faster,
 * so a wedge needs nothing more), showing a field with its label (a PIN
 * as stars) and the terminal cursor at its end, the one form for a second
 * person logging in on the same screen (a witness, the safe's approver:
 * code, PIN wiped after every try, an optional note, and why they were
 * refused in the operator's language).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"

static int takes(enum ui_field_kind kind, int key)
{
	int digit = key >= '0' && key <= '9';
	int hex =
	    digit || (key >= 'a' && key <= 'f') || (key >= 'A' && key <= 'F');

	switch (kind) {
	case UI_FIELD_DIGITS:
		return digit;
	case UI_FIELD_HEX:
		return hex;
	case UI_FIELD_ID:
		return digit || (key >= 'a' && key <= 'z') ||
		       (key >= 'A' && key <= 'Z') || key == '-' || key == '_';
	case UI_FIELD_DATE:
		return digit || key == '-';
	case UI_FIELD_TEXT:
		return key >= 0x20 && key < 0x110000 && key != 0x7f;
	}
	return 0;
}

int ui_field_key(char *buf, size_t cap, enum ui_field_kind kind, int key)
{
	if (key == UI_KEY_BACKSPACE) {
		ui_text_backspace(buf);
		return 1;
	}
	if (!takes(kind, key))
		return 0;
	ui_text_append(buf, cap, key);
	return 1;
}

int ui_form_line(struct ui_view *v, const char *label, const char *value,
		 int masked, int active)
{
	char lab[96], shown[256], line[UI_LINE_BYTES];
	size_t n = strlen(value);
	int at;

	if (masked) {
		if (n >= sizeof(shown))
			n = sizeof(shown) - 1;
		memset(shown, '*', n);
		shown[n] = '\0';
	} else {
		snprintf(shown, sizeof(shown), "%s", value);
	}
	cols_fit(lab, sizeof(lab), label, 24, 1);
	snprintf(line, sizeof(line), "  %s %s", lab, shown);
	at = ui_view_add(v, active ? UI_A_INPUT : UI_A_NORMAL, "%s", line);
	if (active && at >= 0) {
		v->cursor_line = at;
		v->cursor_col = cols_width(line);
	}
	return at;
}

/* ---- a second person on the same screen ---- */

void ui_second_clear(struct ui_second *f)
{
	sodium_memzero(f, sizeof(*f));
}

enum ui_second_step ui_second_key(struct ui_second *f, int key)
{
	int nfields = f->has_note ? 3 : 2;
	char *buf = f->field == 0 ? f->code : f->field == 1 ? f->pin : f->note;

	switch (key) {
	case UI_KEY_ESC:
		ui_second_clear(f);
		return UI_SECOND_CANCEL;
	case UI_KEY_TAB:
	case UI_KEY_DOWN:
		f->field = (f->field + 1) % nfields;
		return UI_SECOND_HANDLED;
	case UI_KEY_UP:
		f->field = f->field > 0 ? f->field - 1 : 0;
		return UI_SECOND_HANDLED;
	case UI_KEY_ENTER:
		/* A login is typed code, Enter, PIN, Enter; a note, when
		 * there is one, is the last field. */
		if (f->field == 0) {
			if (f->code[0])
				f->field = 1;
			return UI_SECOND_HANDLED;
		}
		if (f->field == 1 && f->has_note) {
			f->field = 2;
			return UI_SECOND_HANDLED;
		}
		if (f->field == 1 && !f->pin[0])
			return UI_SECOND_HANDLED;
		if (f->field == 1 && !f->code[0]) {
			f->field = 0;
			return UI_SECOND_HANDLED;
		}
		return UI_SECOND_DONE;
	case UI_KEY_BACKSPACE:
		/* In an empty field: back to the one before. */
		if (!buf[0] && f->field > 0)
			f->field--;
		else
			ui_text_backspace(buf);
		return UI_SECOND_HANDLED;
	default:
		break;
	}
	/* F10, F2, a resize: the loop's keys, even here. */
	if (key < 0x20 || key >= UI_KEY_UP)
		return UI_SECOND_NOT_MINE;
	/* Staff codes are [A-Za-z0-9_-], PINs digits (the last byte stays
	 * free, so the PIN's buffer is wiped whole). */
	if (f->field == 0)
		ui_field_key(f->code, sizeof(f->code), UI_FIELD_ID, key);
	else if (f->field == 1)
		ui_field_key(f->pin, sizeof(f->pin) - 1, UI_FIELD_DIGITS, key);
	else
		ui_field_key(f->note, sizeof(f->note), UI_FIELD_TEXT, key);
	return UI_SECOND_HANDLED;
}

void ui_second_view(const struct ui_second *f, const char *who,
		    const char *note_label, struct ui_view *v)
{
	char label[96];

	snprintf(label, sizeof(label), "%s: %s", who, _("code"));
	ui_form_line(v, label, f->code, 0, f->field == 0);
	snprintf(label, sizeof(label), "%s: %s", who, _("PIN"));
	ui_form_line(v, label, f->pin, 1, f->field == 1);
	if (f->has_note)
		ui_form_line(v, note_label, f->note, 0, f->field == 2);
}

const char *ui_card_status(enum card_status s, int is_asset)
{
	return _(wf_status_word(is_asset, s));
}

void ui_second_refused(struct ui *u, struct ui_second *f,
		       const struct wf_err *e)
{
	ui_fail(u, e);
	/* The next try starts from an empty login; the note stays. */
	sodium_memzero(f->pin, sizeof(f->pin));
	sodium_memzero(f->code, sizeof(f->code));
	f->field = 0;
}

int ui_second_witness(struct ui *u, struct ui_second *f, struct staff_rec *out)
{
	struct wf_err e;
	int ex;

	ui_checking_pin(u);
	ex = wf_witness(u->l, &u->who, f->code, f->pin, cli_now(), out, &e);

	sodium_memzero(f->pin, sizeof(f->pin));
	sodium_memzero(out->pin_hash, sizeof(out->pin_hash));
	if (ex)
		ui_second_refused(u, f, &e);
	return ex;
}
