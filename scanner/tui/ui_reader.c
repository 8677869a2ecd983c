/*
 * A card reader on a screen: opening a scan session with its reader, or
 * without it when it cannot be opened (typed numbers still work), and what
 * a screen does with every reader event besides a read -- a reader failed
 * for good, a read refused, a card not read, the reader unplugged and
 * plugged in again, a script's end.  The screens that read cards (the tray
 * count, the tally, custody, the lookup, disposal) all did this alike;
 * here it is written once.  A read itself is each screen's own.
 */
#include "ui.h"

#include <string.h>

#include "../workflow/wf_scan.h"

int ui_reader_open(struct ui *u, struct wf_scan_args *args, struct wf_scan **s,
		   struct ui_reader *r, struct wf_err *e)
{
	int ex = wf_scan_open(u->l, args, s, e);

	if (ex && args->reader) {
		struct wf_err why = *e;

		args->reader = NULL;
		ex = wf_scan_open(u->l, args, s, e);
		if (ex == 0)
			ui_fail(u, &why);
	}
	if (ex)
		return ex;
	memset(r, 0, sizeof(*r));
	r->has_reader = args->reader != NULL;
	return 0;
}

int ui_reader_waits(const struct ui_reader *r)
{
	return r->has_reader && !r->ended;
}

enum ui_result ui_reader_step(struct ui *u, struct ui_reader *r, int rc,
			      const struct wf_scan_event *ev,
			      const struct wf_err *e)
{
	if (rc) {
		/* Not a reader unplugged (which comes back): gone for good. */
		ui_fail(u, e);
		r->ended = 1;
		return UI_REDRAW;
	}
	switch (ev->kind) {
	case WF_SCAN_READ:
		r->back = 0;
		return UI_IGNORED;
	case WF_SCAN_REFUSED:
		/* Not recorded, and the screen says why. */
		ui_fail(u, e);
		u->activity = 1;
		return UI_REDRAW;
	case WF_SCAN_UNREADABLE:
		ui_message(u, UI_A_ALERT, "%s: %s", _("card not read"),
			   ev->message);
		u->bells = 3;
		u->activity = 1;
		return UI_REDRAW;
	case WF_SCAN_LOST:
	case WF_SCAN_BACK:
		r->lost = ev->kind == WF_SCAN_LOST;
		r->back = !r->lost;
		u->bells = r->lost ? 3 : 1;
		return UI_REDRAW;
	case WF_SCAN_END:
		r->ended = 1;
		return UI_REDRAW;
	default:
		return UI_HANDLED;
	}
}

void ui_reader_view(const struct ui_reader *r, struct ui_view *v)
{
	if (r->lost)
		ui_view_add(v, UI_A_ALERT, "  !! %s", _("READER LOST"));
	else if (r->back)
		ui_view_add(v, UI_A_OK, "  %s",
			    _("Reader is back: scanning resumes"));
}
