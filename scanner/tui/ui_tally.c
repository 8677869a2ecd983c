/*
 * The end-of-day window tally (R12) on one screen: start today's tally
 * (or go on with the one open), present what comes back -- each read goes
 * through the same scan session as the tray count (wf_scan_*: the
 * read is committed before it is shown, and refused once the tally is
 * closed) -- watch the list of what is
 * still out and who took it, and close.  A balanced tally closes at once;
 * an imbalanced one needs a manager to witness the close on this screen
 * (their code and PIN, checked by the workflow: another person, the
 * right PIN, a manager) and a note, and then closes through the same
 * workflow as `tally close` (wf_tally_close).  Part-time staff may scan
 * the returns; opening and closing the tally ask the matrix.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../workflow/wf_scan.h"
#include "ui.h"

struct tally_screen {
	struct ui_tally_model m;
	struct wf_scan_args args;
};

/* ---- the model: pure, tested in tests/test_ui.c ---- */

void ui_tally_note_read(struct ui_tally_model *m, int outcome, int why,
			const char *name, const char *serial)
{
	snprintf(m->last, sizeof(m->last), "%s %s", name && *name ? name : "-",
		 serial);
	if (outcome == RECON_ACCEPTED) {
		m->accepted++;
		m->last_kind = -1;
	} else if (outcome == RECON_REPEAT) {
		m->repeats++;
		m->last_kind = UI_ALERT_REPEAT;
	} else {
		m->alerts++;
		m->last_kind = why == WHY_UNKNOWN ? UI_ALERT_UNKNOWN
						  : UI_ALERT_NOT_IN_STOCK;
	}
}

int ui_tally_add_row(void *ctx, const struct tally_row *r)
{
	struct ui_tally_model *m = ctx;
	struct ui_tally_out *o;

	if (m->nout == UI_TALLY_OUT_MAX)
		return 0;
	o = &m->out[m->nout++];
	o->is_asset = r->is_asset;
	snprintf(o->name, sizeof(o->name), "%s", r->name);
	snprintf(o->by, sizeof(o->by), "%s", r->checked_out_by);
	o->for_date = r->for_date;
	snprintf(o->location, sizeof(o->location), "%s", r->location);
	return 0;
}

static const char *last_text(int kind)
{
	switch (kind) {
	case -1:
		return _("back");
	case UI_ALERT_REPEAT:
		return _("read again, not counted twice");
	case UI_ALERT_UNKNOWN:
		return _("unknown card, not in the ledger");
	default:
		return _("was not out when the tally began");
	}
}

void ui_tally_render(const struct ui_tally_model *m, int cols, int rows,
		     struct ui_view *v)
{
	char line[UI_LINE_BYTES], cut[UI_LINE_BYTES], day[11];
	int room;

	if (ui_reader_banner(&m->reader, NULL, v))
		return;
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (m->id == 0) {
		if (m->closed_note[0])
			ui_view_add(v, UI_A_OK, "  %s", m->closed_note);
		ui_view_add(v, UI_A_TITLE, "  %s", _("No tally is open"));
		ui_view_add(v, UI_A_NORMAL, "%s", "");
		if (m->asking) {
			ui_confirm_view(v, _("Start today's tally now? "
					     "Everything checked out now is "
					     "expected back"));
			return;
		}
		ui_view_add(v, UI_A_NORMAL, "  %s",
			    _("s  start today's tally: everything checked "
			      "out now is expected back"));
		ui_view_add(v, UI_A_DIM, "  %s", _("q back"));
		return;
	}
	ui_view_add(v, UI_A_TITLE, "  %s %lld   %s %zu  %s %zu  %s %zu  %s %zu",
		    _("Tally"), (long long)m->id, _("expected"), m->t.expected,
		    _("back"), m->t.by_state[TALLY_RETURNED], _("issued"),
		    m->t.by_state[TALLY_ISSUED], _("missing"),
		    m->t.by_state[TALLY_MISSING]);
	if (m->last[0])
		ui_view_add(v,
			    m->last_kind < 0		      ? UI_A_OK
			    : m->last_kind == UI_ALERT_REPEAT ? UI_A_REPEAT
							      : UI_A_ALERT,
			    "  %s: [%s] %s  %s", _("Last card"),
			    m->last_kind < 0 ? "OK"
					     : ui_alert_symbol(m->last_kind),
			    m->last, last_text(m->last_kind));
	else
		ui_view_add(v, UI_A_DIM, "  %s: -", _("Last card"));
	if (m->closing) {
		ui_view_add(v, UI_A_ALERT, "  ! %s",
			    _("Not balanced: a manager witnesses the close, "
			      "with a note"));
		ui_second_view(&m->form, _("Witness"), _("Note"), v);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Tab next field   Enter on the note: close   "
			      "Esc cancel"));
	} else {
		ui_form_line(v, _("Card or management ID"), m->typed, 0, 1);
		ui_reader_view(&m->reader, _("Present what comes back"), v);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("x close the tally   q back"));
	}
	ui_view_add(v, UI_A_TITLE, "  %s (%zu)", _("Still out"),
		    m->t.by_state[TALLY_MISSING]);
	room = rows - 3 - v->nlines;
	for (int i = 0; i < m->nout && room > 0; i++, room--) {
		const struct ui_tally_out *o = &m->out[i];

		ui_date_text(o->for_date, day);
		snprintf(line, sizeof(line), "%s %s  %s %s  %s %s  (%s %s)",
			 o->is_asset ? _("terminal") : _("card"), o->name,
			 _("out by"), o->by[0] ? o->by : "?", _("for"), day,
			 _("home"), o->location);
		cols_fit(cut, sizeof(cut), line, cols - 5, 0);
		ui_view_add(v, UI_A_NORMAL, "    %s", cut);
	}
	if (m->t.by_state[TALLY_MISSING] == 0)
		ui_view_add(v, UI_A_OK, "    %s",
			    _("none: the tally is balanced"));
}

/* ---- the screen ---- */

static int reload(struct ui *u, struct tally_screen *st)
{
	st->m.nout = 0;
	if (wf_tally_missing(u->l, st->m.id, ui_tally_add_row, &st->m,
			     &st->m.t) < 0)
		return ui_ledger_fail(u);
	return 0;
}

static void stop_session(struct tally_screen *st)
{
	struct wf_err e;

	ui_reader_close(&st->m.reader, &e); /* a tally has no range to end */
}

/* Opens tally id for reads (the reader if there is one) and loads it. */
static int open_tally(struct ui *u, struct tally_screen *st, int64_t id)
{
	struct wf_err e;

	stop_session(st);
	memset(&st->args, 0, sizeof(st->args));
	st->args.session_id = id;
	st->args.range = NULL; /* a tally: reads are returns */
	st->args.reader = u->reader;
	st->args.profile = u->profile;
	st->args.rules = &u->conf.rules;
	st->args.actor = &u->who;
	st->args.clock = cli_now;
	if (ui_reader_open(u, &st->args, &st->m.reader, &e)) {
		ui_fail(u, &e);
		return EXIT_SOFTWARE;
	}
	st->m.id = id;
	st->m.last_kind = -1;
	return reload(u, st);
}

/* The newest tally still open, 0 when none. */
static int open_tally_id(struct ui *u, int64_t *id)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = ledger_tally_ids(u->l, &ids, &n);

	*id = 0;
	for (size_t i = n; rc == 0 && i > 0 && !*id; i--) {
		struct session_rec sess;

		rc = ledger_session_get(u->l, ids[i - 1], &sess);
		if (rc == 0 && !sess.closed_at)
			*id = ids[i - 1];
	}
	free(ids);
	return rc < 0 ? ui_ledger_fail(u) : 0;
}

static int tally_enter(struct ui *u)
{
	struct tally_screen *st = calloc(1, sizeof(*st));
	int64_t id;
	int ex;

	if (!st)
		return ui_nomem(u);
	ex = open_tally_id(u, &id);
	if (ex == 0 && id)
		ex = open_tally(u, st, id);
	if (ex) {
		stop_session(st);
		free(st);
		return ex;
	}
	u->state = st;
	return 0;
}

static void tally_leave(struct ui *u)
{
	struct tally_screen *st = u->state;

	if (st) {
		stop_session(st);
		sodium_memzero(&st->m.form, sizeof(st->m.form));
	}
	free(st);
}

static void tally_view(const struct ui *u, struct ui_view *v)
{
	const struct tally_screen *st = u->state;

	ui_tally_render(&st->m, v->cols, v->rows, v);
}

/* After a read is on disk: the model, the list, the bell. */
static void show_read(struct ui *u, struct tally_screen *st,
		      const struct wf_scan_read *res)
{
	ui_tally_note_read(&st->m, res->outcome, res->why,
			   res->lk.known ? res->lk.card.mgmt_id : "",
			   res->serial);
	if (reload(u, st) == 0) /* else it said why on the message line */
		u->msg[0] = '\0';
	u->bells = res->outcome == RECON_ACCEPTED ? 0
		   : res->outcome == RECON_REPEAT ? 2
						  : 3;
}

static enum ui_result tally_tick(struct ui *u, int wait_ms)
{
	struct tally_screen *st = u->state;
	struct wf_scan_event ev;
	enum ui_result r;

	if (!ui_reader_tick(u, &st->m.reader, wait_ms, &ev, &r))
		return r;
	show_read(u, st, &ev.res);
	return UI_REDRAW;
}

static enum ui_result start(struct ui *u, struct tally_screen *st)
{
	struct wf_err e;
	int64_t id, n;

	if (wf_tally_start(u->l, &u->who, cli_now(), &id, &n, &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	st->m.closed_note[0] = '\0';
	if (open_tally(u, st, id))
		return UI_REDRAW; /* it said why on the message line */
	ui_message(u, UI_A_OK, _("Tally %lld started: %lld expected back"),
		   (long long)id, (long long)n);
	return UI_REDRAW;
}

/* Closes through the tally workflow; code NULL: nobody witnessed. */
static enum ui_result do_close(struct ui *u, struct tally_screen *st,
			       const char *code, const char *pin,
			       const char *note)
{
	struct wf_tally_closed done;
	struct wf_err e;
	int ex = wf_tally_close(u->l, &u->who, st->m.id, code, pin, note,
				cli_now(), &done, &e);

	if (ex && e.code == WF_E_TALLY_WITNESS && !code) {
		/* R12: the form for the second person opens, with why. */
		st->m.closing = 1;
		st->m.form.has_note = 1;
		st->m.form.field = 0;
		ui_fail(u, &e);
	} else if (ex && code) {
		ui_second_refused(u, &st->m.form, &e);
	} else if (ex) {
		ui_fail(u, &e);
	} else {
		snprintf(st->m.closed_note, sizeof(st->m.closed_note),
			 _("Tally %lld closed: %zu back, %zu issued, %zu "
			   "missing%s"),
			 (long long)st->m.id, done.t.by_state[TALLY_RETURNED],
			 done.t.by_state[TALLY_ISSUED],
			 done.t.by_state[TALLY_MISSING],
			 done.witnessed ? _(" (witnessed)") : "");
		ui_message(u, UI_A_OK, "%s", st->m.closed_note);
		if (done.nflagged)
			ui_message(
			    u, UI_A_ALERT, "%s (%zu)",
			    _("Safe recorded closed: flagged in the key log"),
			    done.nflagged);
		stop_session(st);
		st->m.id = 0;
		st->m.closing = 0;
		ui_second_clear(&st->m.form);
	}
	return UI_REDRAW;
}

static enum ui_result close_key(struct ui *u, struct tally_screen *st, int key)
{
	struct ui_second *f = &st->m.form;
	enum ui_result r;

	switch (ui_second_key(f, key)) {
	case UI_SECOND_NOT_MINE:
		return UI_IGNORED;
	case UI_SECOND_CANCEL:
		st->m.closing = 0;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case UI_SECOND_DONE:
		break;
	default:
		return UI_REDRAW;
	}
	if (!f->code[0])
		return do_close(u, st, NULL, NULL, f->note);
	ui_checking_pin(u);
	r = do_close(u, st, f->code, f->pin, f->note);
	sodium_memzero(f->pin, sizeof(f->pin));
	return r;
}

/*
 * A card or terminal typed as the tally lists it -- a card's management
 * ID, a terminal's code -- is read as its number or tag; anything else is
 * taken as a number (a barcode scanner's), so that what is typed is the
 * item listed, never a false unknown card.
 */
static void typed_read(struct ui *u, struct tally_screen *st)
{
	struct wf_scan_read res;
	struct wf_err e;

	if (wf_scan_typed(st->m.reader.s, st->m.typed, WF_TYPED_BY_NAME,
			  &res, &e))
		ui_fail(u, &e);
	else
		show_read(u, st, &res);
}

static enum ui_result tally_key(struct ui *u, int key)
{
	struct tally_screen *st = u->state;
	struct ui_tally_model *m = &st->m;

	if (m->id == 0 && m->asking) {
		switch (ui_confirm_key(key)) {
		case UI_CONFIRM_YES:
			m->asking = 0;
			return start(u, st);
		case UI_CONFIRM_NO:
			m->asking = 0;
			return UI_REDRAW;
		case UI_CONFIRM_NOT_MINE:
			return UI_IGNORED;
		default:
			return UI_HANDLED;
		}
	}
	if (m->id == 0) {
		/* Only s asks, and the question comes first: a stray Enter
		 * starts nothing.  Who may not start one is told so at
		 * once, not after a "yes". */
		if (key == 's' || key == 'S') {
			struct wf_err e;

			if (wf_may(u->l, &wf_step_tally_start, &u->who,
				   cli_now(), &e)) {
				ui_fail(u, &e);
				return UI_REDRAW;
			}
			m->asking = 1;
			u->msg[0] = '\0';
			return UI_REDRAW;
		}
		if (key == 'q' || key == UI_KEY_ESC)
			return UI_LEAVE;
		return UI_IGNORED;
	}
	if (m->closing)
		return close_key(u, st, key);
	/* x and q act only while nothing is typed: IDs hold letters. */
	if ((key == 'x' || key == 'X') && !m->typed[0])
		return do_close(u, st, NULL, NULL, NULL);
	if ((key == 'q' && !m->typed[0]) || key == UI_KEY_ESC) {
		if (!m->typed[0])
			return UI_LEAVE;
		m->typed[0] = '\0';
		return UI_REDRAW;
	}
	if (ui_field_key(m->typed, sizeof(m->typed), UI_FIELD_ID, key))
		return UI_REDRAW;
	if (key != UI_KEY_ENTER)
		return UI_IGNORED;
	if (m->typed[0])
		typed_read(u, st);
	m->typed[0] = '\0';
	return UI_REDRAW;
}

const struct ui_screen ui_tally_screen = {
    .name = "tally",
    .title = N_("End-of-day tally"),
    .in_menu = 1,
    /* Part-time staff may scan the returns (ACT_SCAN); opening and
     * closing ask their own rows of the matrix. */
    .step = &wf_step_scan,
    .enter = tally_enter,
    .leave = tally_leave,
    .view = tally_view,
    .key = tally_key,
    .tick = tally_tick,
};
