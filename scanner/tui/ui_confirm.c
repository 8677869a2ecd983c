/*
 * The question a screen asks before a binding step that cannot be taken
 * back from the screen (starting today's tally, declaring a card lost,
 * closing a count): one line saying what will happen, and the answer keys.
 * y or Enter goes ahead, n, Esc or q does not; every other key is
 * swallowed, so that a card number typed or wedged in meanwhile answers
 * nothing.  A refusal the workflow can tell beforehand (the person's role)
 * is said before the question, never after a "yes".
 */
#include "ui.h"

enum ui_confirm_answer ui_confirm_key(int key)
{
	switch (key) {
	case 'y':
	case 'Y':
	case UI_KEY_ENTER:
		return UI_CONFIRM_YES;
	case 'n':
	case 'N':
	case 'q':
	case UI_KEY_ESC:
		return UI_CONFIRM_NO;
	case UI_KEY_F2:
	case UI_KEY_F10:
	case UI_KEY_RESIZE:
		return UI_CONFIRM_NOT_MINE; /* the loop's */
	default:
		return UI_CONFIRM_WAIT;
	}
}

void ui_confirm_view(struct ui_view *v, const char *question)
{
	ui_view_add(v, UI_A_ALERT, "  ? %s", question);
	ui_view_add(v, UI_A_TITLE, "  %s",
		    _("y or Enter: yes, go ahead    n or Esc: no"));
}
