/*
 * A card reader on a screen: opening a scan session with its reader, or
 * without it when it cannot be opened (typed numbers still work), or a
 * reader alone, and what a screen does with every reader event besides a
 * read -- a reader failed for good, a read refused, a card not read, the
 * reader unplugged and plugged in again, a script's end.  The screens
 * that read cards (the tray count, the tally, custody, the lookup,
 * disposal, receiving) all do this alike, in the same words: here it is written
 * once.  A read itself is each screen's own.
 */
#include "ui.h"

#include <stdio.h>
#include <string.h>

#include "../workflow/wf_scan.h"

int ui_reader_open(struct ui *u, struct wf_scan_args *args, struct ui_reader *r,
		   struct wf_err *e)
{
	struct wf_scan *s = NULL;
	int ex = wf_scan_open(u->l, args, &s, e);

	if (ex && args->reader) {
		struct wf_err why = *e;

		args->reader = NULL;
		ex = wf_scan_open(u->l, args, &s, e);
		if (ex == 0)
			ui_fail(u, &why);
	}
	if (ex)
		return ex;
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->has_reader = args->reader != NULL;
	return 0;
}

void ui_reader_open_plain(struct ui *u, struct ui_reader *r)
{
	struct wf_err e;

	memset(r, 0, sizeof(*r));
	if (!u->reader)
		return;
	if (wf_reader_open(u->reader, u->profile, &r->rd, &e) == 0)
		r->has_reader = 1;
	else
		ui_fail(u, &e); /* typed and wedged numbers still work */
}

int ui_reader_close(struct ui_reader *r, struct wf_err *e)
{
	int ex = wf_scan_close(r->s, e);

	wf_reader_close(r->rd);
	memset(r, 0, sizeof(*r));
	return ex;
}

void ui_reader_feedback(struct ui_reader *r, enum recon_outcome o)
{
	if (r->rd)
		wf_reader_feedback(r->rd, o);
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
	case WF_SCAN_REFUSED:
		/* Not recorded, and the screen says why. */
		ui_fail(u, e);
		u->activity = 1;
		return UI_REDRAW;
	case WF_SCAN_UNREADABLE:
		if (ev->no_cert)
			ui_message(u, UI_A_ALERT, "%s",
				   _("No certificate on this card: its "
				     "identity needs the apdu:seizo profile"));
		else
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
		u->activity = 1;
		return UI_REDRAW;
	case WF_SCAN_END:
		r->ended = 1;
		return UI_REDRAW;
	default:
		return UI_HANDLED;
	}
}

int ui_reader_tick(struct ui *u, struct ui_reader *r, int wait_ms,
		   struct wf_scan_event *ev, enum ui_result *res)
{
	struct wf_err e;
	int rc;

	r->idle_left = u->idle_left;
	*res = UI_IGNORED;
	if (!r->has_reader || r->ended || (!r->s && !r->rd))
		return 0;
	/* Nobody is idle while the screen asks for the reader back: the
	 * idle logout would close the tray under the clerk's hands. */
	if (r->lost)
		u->activity = 1;
	rc = r->s ? wf_scan_next(r->s, wait_ms, ev, &e)
		  : wf_reader_next(r->rd, wait_ms, ev, &e);
	if (rc == 0 && ev->kind == WF_SCAN_READ) {
		r->back = 0;
		u->activity = 1;
		return 1;
	}
	*res = ui_reader_step(u, r, rc, ev, &e);
	return 0;
}

int ui_reader_banner(const struct ui_reader *r, const char *kept,
		     struct ui_view *v)
{
	if (!r->lost)
		return 0;
	v->banner = 1;
	ui_view_add(v, UI_A_BANNER, "!! %s !!", _("READER LOST"));
	ui_view_add(v, UI_A_BANNER, "%s", "");
	ui_view_add(v, UI_A_BANNER, "%s", _("Reconnect the reader to go on."));
	ui_view_add(v, UI_A_BANNER, "%s",
		    kept ? kept : _("Nothing read so far is lost."));
	return 1;
}

void ui_reader_view(const struct ui_reader *r, const char *present,
		    struct ui_view *v)
{
	char idle[UI_LINE_BYTES], line[UI_LINE_BYTES + 2];

	/* Each is wrapped rather than cut: at 60 columns the Japanese of
	 * "the reader stopped: type the number" lost its end. */
	if (r->idle_left > 0) {
		snprintf(idle, sizeof(idle),
			 _("Logging out in %d s without activity: press a "
			   "key to stay"),
			 r->idle_left);
		snprintf(line, sizeof(line), "! %s", idle);
		ui_view_add_wrapped(v, UI_A_ALERT, 2, line);
	} else if (r->back)
		ui_view_add_wrapped(v, UI_A_OK, 2,
				    _("Reader is back: scanning resumes"));
	else if (!r->has_reader)
		ui_view_add_wrapped(v, UI_A_DIM, 2,
				    _("No reader: type or scan the card "
				      "number, then Enter"));
	else if (r->ended)
		ui_view_add_wrapped(v, UI_A_DIM, 2,
				    _("The reader stopped: type or scan the "
				      "card number, then Enter"));
	else if (present)
		ui_view_add_wrapped(v, UI_A_DIM, 2, present);
}
