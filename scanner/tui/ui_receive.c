/*
 * Receiving cards (受領・検品, R1, issue 11): the screen of `cardtally
 * receive`.  Choose a tray among those holding cards that await
 * enrolment, then lay its cards on the reader in the order of the stock
 * list: each chip read is bound to the next card of the tray, or refused
 * with the workflow's reason next to it (a card bound already, a chip of
 * another card, a card more than the list, a typed number).  Or, by
 * delivery slip, type or scan the slip's management ID and then read that
 * card.  Leaving a tray shows the tray check: the number bound against
 * the list, naming the first card not received.
 *
 * Every check and every write is wf_receive.c's, the same as the
 * command's; the workflow owns the reader, and the events besides a read
 * (unplugged, back, not read, stopped) go through the reader step every
 * reading screen shares (ui_reader_step).  Unlike the command, a refusal
 * does not end the tray: the card is set aside and the next one read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../workflow/wf_receive.h"
#include "../workflow/wf_scan.h"
#include "ui.h"

enum {
	RV_TRAYS = 0, /* choosing a tray */
	RV_READ,      /* reading the cards of a tray */
	RV_SLIP,      /* by delivery slip: its ID, then the card */
	RV_CHECK,     /* the tray check, after leaving a tray */
};

#define RV_LINES 32

/* One read as the screen lists it, newest last. */
struct rv_line {
	enum ui_attr attr;
	char text[UI_LINE_BYTES]; /* with its symbol, in the language of
				     the moment it was read */
};

struct receive_state {
	int mode;
	struct receive_tray_rec *trays;
	size_t ntrays, sel;
	/* What is being received; wf_receive_args points into these. */
	char tray[LOCATION_MAX + 1];
	char card[MGMT_ID_MAX + 1];
	struct wf_receive_args a;
	struct wf_receive *r; /* NULL: nothing being received */
	struct ui_reader rd;  /* the reader's state as the screens show it */
	char typed[64];	      /* RV_READ: typed or wedged, shown as stars */
	char slip[MGMT_ID_MAX + 1]; /* RV_SLIP: the slip's ID being typed */
	struct rv_line line[RV_LINES];
	int nlines;
	long bound_here, refused;
	int check_ok;		   /* RV_CHECK: the count matches */
	char check[UI_LINE_BYTES]; /* RV_CHECK: what it came to */
};

/* ---- trays ---- */

static int load_trays(struct ui *u, struct receive_state *st)
{
	free(st->trays);
	st->trays = NULL;
	st->ntrays = 0;
	if (ledger_receive_trays(u->l, &st->trays, &st->ntrays) < 0)
		return ui_ledger_fail(u);
	if (st->sel >= st->ntrays)
		st->sel = st->ntrays ? st->ntrays - 1 : 0;
	return 0;
}

/* First row of a window of `room` rows that shows row sel. */
static size_t window(size_t sel, size_t n, int room)
{
	size_t r = room > 1 ? (size_t)room : 1;

	if (n <= r || sel < r)
		return 0;
	return sel - r + 1;
}

static void trays_view(const struct receive_state *st, struct ui_view *v)
{
	char path[LOCATION_MAX + 8], head[UI_LINE_BYTES];
	int room = v->rows - 10;
	size_t top = window(st->sel, st->ntrays, room);

	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s",
		    _("Trays with cards awaiting enrolment"));
	if (st->ntrays == 0) {
		ui_view_add_wrapped(v, UI_A_DIM, 2,
				    _("No card awaits enrolment: every card "
				      "has its chip"));
	} else {
		cols_fit(path, sizeof(path), _("Tray"), 40, 1);
		ui_fit_right(head, sizeof(head), _("Awaiting"), 12);
		ui_view_add(v, UI_A_DIM, "     %s %s", path, head);
	}
	for (size_t i = top; i < st->ntrays && (int)(i - top) < room; i++) {
		char n[16];

		cols_fit(path, sizeof(path), st->trays[i].path, 40, 1);
		snprintf(n, sizeof(n), "%zu", st->trays[i].awaiting);
		ui_fit_right(head, sizeof(head), n, 12);
		ui_view_add(v, i == st->sel ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %s  %s %s", i == st->sel ? ">" : " ", path,
			    head);
	}
	if (top > 0 || top + (size_t)(room > 1 ? room : 1) < st->ntrays)
		ui_view_add(v, UI_A_DIM, "     %s (%zu / %zu)",
			    _("More trays: Up/Down, PgUp/PgDn"), st->sel + 1,
			    st->ntrays);
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Enter: receive the tray in list order   c: by "
		      "delivery slip   q back"));
}

/* ---- the list of reads ---- */

static void note(struct receive_state *st, enum ui_attr attr, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

static void note(struct receive_state *st, enum ui_attr attr, const char *fmt,
		 ...)
{
	struct rv_line *ln;
	va_list ap;

	if (st->nlines == RV_LINES) {
		memmove(st->line, st->line + 1,
			(RV_LINES - 1) * sizeof(st->line[0]));
		st->nlines--;
	}
	ln = &st->line[st->nlines++];
	ln->attr = attr;
	va_start(ap, fmt);
	vsnprintf(ln->text, sizeof(ln->text), fmt, ap);
	va_end(ap);
}

/* The reads, newest first; a refusal wraps instead of being cut: the
 * clerk acts on the rule it names. */
static void lines_view(const struct receive_state *st, struct ui_view *v)
{
	char cut[UI_LINE_BYTES];

	for (int i = st->nlines - 1; i >= 0; i--) {
		const struct rv_line *ln = &st->line[i];
		const char *rest;

		if (ln->attr != UI_A_ALERT) {
			cols_fit(cut, sizeof(cut), ln->text, v->cols - 3, 0);
			ui_view_add(v, ln->attr, "  %s", cut);
			continue;
		}
		rest = cols_wrap(cut, sizeof(cut), ln->text, v->cols - 3);
		ui_view_add(v, UI_A_ALERT, "  %s", cut);
		while (*rest) {
			rest = cols_wrap(cut, sizeof(cut), rest, v->cols - 8);
			ui_view_add(v, UI_A_ALERT, "       %s", cut);
		}
	}
}

/* The reader's line: the shared one, except that receiving has no use
 * for typed numbers (they are no chip identity). */
static void reader_line(const struct receive_state *st, const char *present,
			struct ui_view *v)
{
	if (st->rd.has_reader && st->rd.ended && st->rd.idle_left <= 0)
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("The reader stopped: receiving needs it to read "
			      "each chip"));
	else
		ui_reader_view(&st->rd, present, v);
}

static void read_view(const struct receive_state *st, struct ui_view *v)
{
	char bar[64], kept[UI_LINE_BYTES];
	const char *next = st->r ? wf_receive_next_card(st->r) : NULL;
	size_t listed = 0, bound = 0;

	if (st->r)
		wf_receive_progress(st->r, &listed, &bound);
	snprintf(kept, sizeof(kept),
		 _("Every card bound so far stays bound "
		   "(%zu of %zu)."),
		 bound, listed);
	if (ui_reader_banner(&st->rd, kept, v))
		return;
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s  %s", _("Receiving tray"), st->tray);
	ui_progress_bar(bar, sizeof(bar), (long)bound, (long)listed, 30);
	ui_view_add(v, UI_A_BIG, "  %s: %zu / %zu  %s", _("Bound"), bound,
		    listed, bar);
	if (next)
		ui_view_add(v, UI_A_NORMAL, "  %s: %s", _("Next card"), next);
	else
		ui_view_add(v, UI_A_OK, "  %s",
			    _("Every card of the list is bound: a card more "
			      "is refused"));
	reader_line(st,
		    _("Lay the tray's cards on the reader one by one, in "
		      "list order"),
		    v);
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("q: end the tray and check its count"));
	if (st->typed[0])
		ui_form_line(v, _("Typed (Enter)"), st->typed, 1, 1);
	if (st->refused)
		ui_view_add(v, UI_A_ALERT, "  ! %s: %ld", _("Refused"),
			    st->refused);
	lines_view(st, v);
}

static void slip_view(const struct receive_state *st, struct ui_view *v)
{
	char present[UI_LINE_BYTES];

	if (ui_reader_banner(&st->rd, NULL, v))
		return;
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("Receiving by delivery slip"));
	if (st->r) {
		ui_view_add(v, UI_A_NORMAL, "  %s: %s", _("Card on the slip"),
			    st->card);
		snprintf(present, sizeof(present),
			 _("Lay card %s on the reader"), st->card);
		reader_line(st, present, v);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Esc: another slip (this card is not "
			      "received)"));
	} else {
		ui_form_line(v, _("Slip's management ID"), st->slip, 0, 1);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Type or scan the slip's management ID, then "
			      "Enter; never the My Number"));
		ui_view_add(v, UI_A_DIM, "  %s", _("Esc: back to the trays"));
	}
	ui_view_add(v, UI_A_NORMAL, "  %s: %ld   %s: %ld", _("Bound"),
		    st->bound_here, _("Refused"), st->refused);
	lines_view(st, v);
}

static void check_view(const struct receive_state *st, struct ui_view *v)
{
	char cut[UI_LINE_BYTES];
	const char *rest = st->check;

	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s  %s", _("Tray check"), st->tray);
	rest = cols_wrap(cut, sizeof(cut), rest, v->cols - 3);
	ui_view_add(v, st->check_ok ? UI_A_OK : UI_A_ALERT, "  %s", cut);
	while (*rest) {
		rest = cols_wrap(cut, sizeof(cut), rest, v->cols - 8);
		ui_view_add(v, st->check_ok ? UI_A_OK : UI_A_ALERT, "       %s",
			    cut);
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_DIM, "  %s", _("Enter: back to the trays"));
	lines_view(st, v);
}

static void receive_view(const struct ui *u, struct ui_view *v)
{
	const struct receive_state *st = u->state;

	switch (st->mode) {
	case RV_READ:
		read_view(st, v);
		break;
	case RV_SLIP:
		slip_view(st, v);
		break;
	case RV_CHECK:
		check_view(st, v);
		break;
	default:
		trays_view(st, v);
		break;
	}
}

/* ---- receiving ---- */

/* Opens receiving of st->a; 0, or the refusal said on the message line. */
static int open_receiving(struct ui *u, struct receive_state *st)
{
	struct wf_err e;

	if (!u->reader) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("No reader: receiving reads each card's chip "
			     "(start the terminal with a reader)"));
		u->bells = 3;
		return -1;
	}
	st->a.reader = u->reader;
	st->a.profile = u->profile;
	st->a.actor = &u->who;
	st->a.clock = cli_now;
	if (wf_receive_open(u->l, &st->a, &st->r, &e)) {
		ui_fail(u, &e);
		return -1;
	}
	memset(&st->rd, 0, sizeof(st->rd));
	st->rd.has_reader = 1;
	u->msg[0] = '\0';
	return 0;
}

static void close_receiving(struct receive_state *st)
{
	wf_receive_close(st->r);
	st->r = NULL;
	memset(&st->rd, 0, sizeof(st->rd));
}

/* The end of a tray: the tray check (the workflow's), then the reader
 * closed. */
static void end_tray(struct ui *u, struct receive_state *st)
{
	struct wf_err e;
	size_t listed, bound;

	wf_receive_progress(st->r, &listed, &bound);
	if (wf_receive_finish(st->r, &e) == 0) {
		st->check_ok = 1;
		snprintf(st->check, sizeof(st->check),
			 _("[OK] %zu of %zu cards received: the count matches "
			   "the list"),
			 bound, listed);
		u->msg[0] = '\0';
	} else {
		char why[UI_LINE_BYTES];

		st->check_ok = 0;
		ui_wf_text(&e, why, sizeof(why));
		snprintf(st->check, sizeof(st->check), "[!!] %.*s",
			 (int)sizeof(st->check) - 8, why);
		u->bells = 3;
	}
	close_receiving(st);
	st->mode = RV_CHECK;
}

/* By slip, leaving before the card was read: said, nothing bound. */
static void drop_slip(struct ui *u, struct receive_state *st)
{
	struct wf_err e;

	if (wf_receive_finish(st->r, &e))
		ui_fail(u, &e);
	close_receiving(st);
}

/* What a read came to, listed. */
static void show_read(struct ui *u, struct receive_state *st,
		      enum wf_receive_kind kind, const struct wf_received *rec,
		      const struct wf_err *e)
{
	char why[UI_LINE_BYTES];
	size_t listed, bound;

	wf_receive_progress(st->r, &listed, &bound);
	u->activity = 1;
	st->rd.back = 0;
	switch (kind) {
	case WF_RECEIVE_BOUND:
		st->bound_here++;
		if (st->a.card)
			note(st, UI_A_OK, "[OK] %s  %s  %s  %s", rec->mgmt_id,
			     rec->serial, rec->location, _("bound"));
		else
			note(st, UI_A_OK, "[OK] %s  %s  %s  %zu / %zu",
			     rec->mgmt_id, rec->serial, rec->location, bound,
			     listed);
		u->msg[0] = '\0';
		break;
	case WF_RECEIVE_REPEAT:
		note(st, UI_A_REPEAT, "[=] %s  %s  %s", rec->mgmt_id,
		     rec->serial,
		     _("read again: bound already, not a second card"));
		u->bells = 2;
		break;
	default:
		/* About the person or the ledger, not this card: the
		 * message line. */
		if (e->code == WF_E_LEDGER || e->code == WF_E_LEDGER_IO ||
		    e->code == WF_E_NOMEM || wf_exit(e->code) == EXIT_NOPERM) {
			ui_fail(u, e);
			break;
		}
		ui_wf_text(e, why, sizeof(why));
		note(st, UI_A_ALERT, "[!!] %s: %s", _("Refused"), why);
		st->refused++;
		u->bells = 3;
		u->msg[0] = '\0';
		break;
	}
}

/* A number typed or wedged in while a tray is read: never a chip's
 * identity, so always refused, and a My Number is not repeated (the
 * workflow checks it before anything of it is kept). */
static void typed_read(struct ui *u, struct receive_state *st)
{
	enum wf_receive_kind kind;
	struct wf_received rec;
	struct wf_err e;

	if (wf_receive_chip(st->r, st->typed, 0, &kind, &rec, &e) == 0)
		show_read(u, st, kind, &rec, &e);
	else
		show_read(u, st, WF_RECEIVE_REFUSED, &rec, &e);
	memset(st->typed, 0, sizeof(st->typed));
}

static enum ui_result receive_tick(struct ui *u, int wait_ms)
{
	struct receive_state *st = u->state;
	struct wf_receive_event ev;
	struct wf_scan_event sev;
	struct wf_err e;
	int rc;

	if (!st->r || !st->rd.has_reader || st->rd.ended)
		return UI_IGNORED;
	st->rd.idle_left = u->idle_left;
	if (st->rd.lost)
		u->activity = 1;
	rc = wf_receive_next(st->r, wait_ms, &ev, &e);
	memset(&sev, 0, sizeof(sev));
	if (rc == 0) {
		switch (ev.kind) {
		case WF_RECEIVE_IDLE:
			return UI_HANDLED;
		case WF_RECEIVE_BOUND:
		case WF_RECEIVE_REPEAT:
		case WF_RECEIVE_REFUSED:
			show_read(u, st, ev.kind, &ev.rec, &e);
			/* By slip, the card is received: the next slip. */
			if (st->a.card && ev.kind == WF_RECEIVE_BOUND) {
				close_receiving(st);
				memset(st->slip, 0, sizeof(st->slip));
			}
			return UI_REDRAW;
		case WF_RECEIVE_UNREADABLE:
			sev.kind = WF_SCAN_UNREADABLE;
			sev.no_cert = ev.no_cert;
			snprintf(sev.message, sizeof(sev.message), "%s",
				 ev.message);
			break;
		case WF_RECEIVE_LOST:
			sev.kind = WF_SCAN_LOST;
			break;
		case WF_RECEIVE_BACK:
			sev.kind = WF_SCAN_BACK;
			break;
		case WF_RECEIVE_END:
			sev.kind = WF_SCAN_END;
			break;
		}
	}
	return ui_reader_step(u, &st->rd, rc, &sev, &e);
}

/* ---- keys ---- */

static enum ui_result trays_key(struct ui *u, struct receive_state *st, int key)
{
	size_t page = 10;

	switch (key) {
	case UI_KEY_UP:
		if (st->sel > 0)
			st->sel--;
		return UI_REDRAW;
	case UI_KEY_DOWN:
		if (st->sel + 1 < st->ntrays)
			st->sel++;
		return UI_REDRAW;
	case UI_KEY_PGUP:
		st->sel = st->sel > page ? st->sel - page : 0;
		return UI_REDRAW;
	case UI_KEY_PGDN:
		st->sel += page;
		if (st->sel >= st->ntrays)
			st->sel = st->ntrays ? st->ntrays - 1 : 0;
		return UI_REDRAW;
	case UI_KEY_HOME:
		st->sel = 0;
		return UI_REDRAW;
	case UI_KEY_END:
		st->sel = st->ntrays ? st->ntrays - 1 : 0;
		return UI_REDRAW;
	case UI_KEY_ENTER:
		if (st->ntrays == 0)
			return UI_HANDLED;
		snprintf(st->tray, sizeof(st->tray), "%s",
			 st->trays[st->sel].path);
		st->a.tray = st->tray;
		st->a.card = NULL;
		st->nlines = 0;
		st->refused = st->bound_here = 0;
		if (open_receiving(u, st) == 0)
			st->mode = RV_READ;
		return UI_REDRAW;
	case 'c':
		st->mode = RV_SLIP;
		st->nlines = 0;
		st->refused = st->bound_here = 0;
		memset(st->slip, 0, sizeof(st->slip));
		u->msg[0] = '\0';
		return UI_REDRAW;
	case 'r':
		load_trays(u, st);
		return UI_REDRAW;
	case 'q':
	case UI_KEY_ESC:
		return UI_LEAVE;
	default:
		return UI_IGNORED;
	}
}

static enum ui_result read_key(struct ui *u, struct receive_state *st, int key)
{
	if (!st->typed[0] && (key == 'q' || key == UI_KEY_ESC)) {
		end_tray(u, st);
		return UI_REDRAW;
	}
	if (key == UI_KEY_ENTER && st->typed[0]) {
		typed_read(u, st);
		return UI_REDRAW;
	}
	if (key == UI_KEY_ESC) {
		memset(st->typed, 0, sizeof(st->typed));
		return UI_REDRAW;
	}
	/* What a keyboard or a barcode scanner types: shown as stars. */
	if (ui_field_key(st->typed, sizeof(st->typed), UI_FIELD_HEX, key))
		return UI_REDRAW;
	return st->typed[0] && key == 'q' ? UI_HANDLED : UI_IGNORED;
}

static enum ui_result slip_key(struct ui *u, struct receive_state *st, int key)
{
	if (st->r) {
		if (key == UI_KEY_ESC || key == 'q') {
			drop_slip(u, st);
			return UI_REDRAW;
		}
		return UI_IGNORED;
	}
	if (key == UI_KEY_ESC || (key == 'q' && !st->slip[0])) {
		if (st->slip[0]) {
			memset(st->slip, 0, sizeof(st->slip));
			return UI_REDRAW;
		}
		st->nlines = 0;
		load_trays(u, st);
		st->mode = RV_TRAYS;
		return UI_REDRAW;
	}
	if (key == UI_KEY_ENTER && st->slip[0]) {
		snprintf(st->card, sizeof(st->card), "%s", st->slip);
		/* Whatever was typed, it leaves the screen now: a My Number
		 * refused must not stay in the field. */
		memset(st->slip, 0, sizeof(st->slip));
		st->a.card = st->card;
		st->a.tray = NULL;
		if (open_receiving(u, st))
			memset(st->card, 0, sizeof(st->card));
		return UI_REDRAW;
	}
	if (ui_field_key(st->slip, sizeof(st->slip), UI_FIELD_ID, key))
		return UI_REDRAW;
	return UI_IGNORED;
}

static enum ui_result receive_key(struct ui *u, int key)
{
	struct receive_state *st = u->state;

	switch (st->mode) {
	case RV_READ:
		return read_key(u, st, key);
	case RV_SLIP:
		return slip_key(u, st, key);
	case RV_CHECK:
		if (key == UI_KEY_ENTER || key == 'q' || key == UI_KEY_ESC) {
			st->nlines = 0;
			load_trays(u, st);
			st->mode = RV_TRAYS;
			return UI_REDRAW;
		}
		return UI_IGNORED;
	default:
		return trays_key(u, st, key);
	}
}

static int receive_enter(struct ui *u)
{
	struct receive_state *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return ui_nomem(u);
	rc = load_trays(u, st);
	if (rc) {
		free(st);
		return rc;
	}
	u->state = st;
	return 0;
}

static void receive_leave(struct ui *u)
{
	struct receive_state *st = u->state;

	if (!st)
		return;
	/* Every binding is on disk already; leaving keeps them. */
	close_receiving(st);
	free(st->trays);
	free(st);
}

const struct ui_screen ui_receive_screen = {
    .name = "receive",
    .title = N_("Receive cards"),
    .in_menu = 1,
    .step = &wf_step_receive,
    .enter = receive_enter,
    .leave = receive_leave,
    .view = receive_view,
    .key = receive_key,
    .tick = receive_tick,
};
