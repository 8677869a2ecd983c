/*
 * Two-person disposal (R16-R18): the person logged in starts a batch with
 * a manager witness who logs in on this screen (not the same person), the
 * cards due are listed (`dispose due`), cards are presented one by one --
 * a due card goes into the batch, a card not due is refused and must go
 * back, a card read twice is a repeat, each shown with its own symbol and
 * colour -- and the batch is closed with its method and certificate after
 * the witness logs in again.  Start, close, the due list and the open
 * batches are the disposal workflows (wf_dispose_*), reads the scan
 * session's (wf_scan_*, as `scan --session D<n>`): the rules and the
 * refusals are the command line's, shown translated (ui_fail).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../workflow/wf_scan.h"
#include "ui.h"

struct dispose_state {
	struct ui_dispose_model m;
	struct wf_scan_args args;
};

/* ---- the view: pure, tested in tests/test_ui.c ---- */

const char *ui_dispose_symbol(int kind)
{
	switch (kind) {
	case UI_DR_ACCEPTED:
		return "+";
	case UI_DR_REPEAT:
		return "=";
	case UI_DR_NOT_DUE:
		return "X";
	case UI_DR_OTHER:
		return "D";
	default:
		return "?";
	}
}

static enum ui_attr read_attr(int kind)
{
	return kind == UI_DR_ACCEPTED ? UI_A_OK
	       : kind == UI_DR_REPEAT ? UI_A_REPEAT
				      : UI_A_ALERT;
}

static void read_text(const struct ui_dispose_read *r, char *out, size_t cap)
{
	char mg[64];

	cols_fit(mg, sizeof(mg), r->mgmt_id[0] ? r->mgmt_id : "-", 12, 1);
	switch (r->kind) {
	case UI_DR_ACCEPTED:
		snprintf(out, cap, "[%s] %s %s  %s (%s)",
			 ui_dispose_symbol(r->kind), mg, r->serial,
			 _("into the batch"), ui_word(r->detail));
		break;
	case UI_DR_REPEAT:
		snprintf(out, cap, "[%s] %s %s  %s", ui_dispose_symbol(r->kind),
			 mg, r->serial, _("already in this batch"));
		break;
	case UI_DR_NOT_DUE:
		snprintf(out, cap, "[%s] %s %s  %s (%s)",
			 ui_dispose_symbol(r->kind), mg, r->serial,
			 _("REFUSED: not due, put it back"),
			 ui_word(r->detail));
		break;
	case UI_DR_OTHER:
		snprintf(out, cap, "[%s] %s %s  %s %s",
			 ui_dispose_symbol(r->kind), mg, r->serial,
			 _("REFUSED: in another open batch"), r->detail);
		break;
	default:
		snprintf(out, cap, "[%s] %s %s  %s", ui_dispose_symbol(r->kind),
			 mg, r->serial, _("REFUSED: unknown card"));
		break;
	}
}

static void input_line(struct ui_view *v, const char *label, const char *text)
{
	char line[UI_LINE_BYTES];
	int at;

	snprintf(line, sizeof(line), "  %s: %s", label, text);
	at = ui_view_add(v, UI_A_INPUT, "%s", line);
	if (at >= 0) {
		v->cursor_line = at;
		v->cursor_col = cols_width(line);
	}
}

/* The witness's login under `title` (what they sign). */
static void witness_view(const struct ui_dispose_model *m, const char *title,
			 struct ui_view *v)
{
	ui_view_add(v, UI_A_TITLE, "  %s", title);
	ui_second_view(&m->form, _("Witness"), NULL, v);
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("A manager other than you: code, Enter, PIN, Enter.  "
		      "Esc cancels."));
}

static void pick_view(const struct ui_dispose_model *m, struct ui_view *v)
{
	/* Every due card the screen has room for, with its tray: the
	 * header, the choices and their help take 6 rows and the batches. */
	size_t room =
	    v->rows > (int)(m->nopen + 8) ? (size_t)v->rows - m->nopen - 8 : 1;
	size_t shown = m->ndue <= room ? m->ndue : room - 1;

	ui_view_add(v, UI_A_TITLE, "  %s: %zu", _("Cards due for disposal"),
		    m->ndue);
	for (size_t i = 0; i < shown; i++)
		ui_view_add(v, UI_A_NORMAL, "    %-12s %-16s %s", m->due[i],
			    m->due_where ? m->due_where[i] : "",
			    ui_word(m->due_why[i]));
	if (shown < m->ndue)
		ui_view_add(v, UI_A_DIM, "    (+%zu)", m->ndue - shown);
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, m->sel == 0 ? UI_A_SELECTED : UI_A_NORMAL, "   1  %s",
		    _("Start a new batch (with a manager witness)"));
	for (size_t i = 0; i < m->nopen; i++)
		ui_view_add(v, m->sel == i + 1 ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %2zu  %s D%lld", i + 2, _("Continue open batch"),
			    (long long)m->open[i]);
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Up/Down and Enter, or the number.  q back."));
}

static void ui_dispose_render_body(const struct ui_dispose_model *m,
				   struct ui_view *v)
{
	char line[UI_LINE_BYTES];
	int room;

	/* Only scanning waits on the reader (dispose_tick). */
	if (m->mode == UI_DS_SCAN && ui_reader_banner(&m->reader, NULL, v))
		return;
	if (m->mode == UI_DS_PICK) {
		pick_view(m, v);
		return;
	}
	if (m->mode == UI_DS_START_WITNESS) {
		ui_view_add(v, UI_A_TITLE, "  %s: %zu",
			    _("Cards due for disposal"), m->ndue);
		ui_view_add(v, UI_A_NORMAL, "%s", "");
		witness_view(m,
			     _("Two people dispose of cards: the witness "
			       "logs in to start"),
			     v);
		return;
	}
	ui_view_add(v, UI_A_TITLE, "  %s D%lld   %s: %ld   %s: %zu",
		    _("Disposal"), (long long)m->batch, _("In the batch"),
		    m->in_batch, _("Due"), m->ndue);
	if (m->mode == UI_DS_METHOD) {
		ui_view_add(v, UI_A_NORMAL, "%s", "");
		ui_view_add(v, UI_A_TITLE, "  %s",
			    _("How are they destroyed?"));
		ui_view_add(v, m->method == 0 ? UI_A_SELECTED : UI_A_NORMAL,
			    "   1  %s", _("shred (here)"));
		ui_view_add(v, m->method == 1 ? UI_A_SELECTED : UI_A_NORMAL,
			    "   2  %s", _("contractor (with a certificate)"));
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Enter chooses.  Esc back to scanning."));
		return;
	}
	if (m->mode == UI_DS_CERT) {
		ui_view_add(v, UI_A_NORMAL, "%s", "");
		input_line(v,
			   m->method == 1
			       ? _("Certificate reference (required)")
			       : _("Certificate reference (optional)"),
			   m->cert);
		ui_view_add(v, UI_A_DIM, "  %s", _("Enter next.  Esc back."));
		return;
	}
	if (m->mode == UI_DS_CLOSE_WITNESS) {
		ui_view_add(v, UI_A_NORMAL, "  %s: %s  %s: %s", _("Method"),
			    ui_word(m->method ? "contractor" : "shred"),
			    _("Certificate"), m->cert[0] ? m->cert : "-");
		witness_view(m,
			     _("The witness logs in again to close the "
			       "batch"),
			     v);
		/* What the witness approves: the cards destroyed. */
		ui_view_add(v, UI_A_TITLE, "  %s: %zu",
			    _("Cards to be destroyed"), m->nclosing);
		line[0] = '\0';
		for (size_t i = 0; i < m->nclosing; i++) {
			size_t n = strlen(line);

			if (n &&
			    (int)(n + strlen(m->closing[i]) + 6) > v->cols) {
				ui_view_add(v, UI_A_NORMAL, "    %s", line);
				line[0] = '\0';
				n = 0;
			}
			snprintf(line + n, sizeof(line) - n, "%s%s",
				 n ? "  " : "", m->closing[i]);
		}
		if (line[0])
			ui_view_add(v, UI_A_NORMAL, "    %s", line);
		return;
	}
	snprintf(line, sizeof(line), "  %s: %s", _("Card number"), m->typed);
	room = ui_view_add(v, UI_A_NORMAL, "%s", line);
	if (room >= 0) {
		v->cursor_line = room;
		v->cursor_col = cols_width(line);
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Present or type each card, Enter.  x close the batch  "
		      "q back"));
	ui_reader_view(&m->reader, NULL, v);
	/* Newest first: the card just read is where the eye is. */
	room = v->rows - 8;
	for (int i = m->nread - 1; i >= 0 && m->nread - 1 - i < room; i--) {
		read_text(&m->read[i], line, sizeof(line));
		ui_view_add(v, read_attr(m->read[i].kind), "  %s", line);
	}
}

void ui_dispose_render(const struct ui_dispose_model *m, struct ui_view *v)
{
	int from = v->nlines;

	ui_dispose_render_body(m, v);
	ui_view_fit_lines(v, from);
}

/* ---- the screen ---- */

/* The cards due and the open batches, from the workflows.  0, or the
 * exit status with *e (the lists as they were). */
static int load(struct ui *u, struct dispose_state *st, struct wf_err *e)
{
	struct ui_dispose_model *m = &st->m;
	struct wf_dispose_due d;
	struct wf_disposal_list open;
	char(*due)[MGMT_ID_MAX + 1];
	char(*why)[16];
	char(*where)[LOCATION_MAX + 1];
	int ex =
	    wf_dispose_due(u->l, &u->conf.rules, wf_today(cli_now()), &d, e);

	if (ex)
		return ex;
	ex = wf_dispose_list(u->l, 1, &open, e);
	if (ex) {
		wf_dispose_due_free(&d);
		return ex;
	}
	due = calloc(d.n ? d.n : 1, sizeof(*due));
	why = calloc(d.n ? d.n : 1, sizeof(*why));
	where = calloc(d.n ? d.n : 1, sizeof(*where));
	if (!due || !why || !where) {
		free(due);
		free(why);
		free(where);
		ex = wf_fail(e, WF_E_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < d.n; i++) {
		struct card_rec c;

		snprintf(due[i], sizeof(due[i]), "%s", d.v[i].mgmt_id);
		snprintf(why[i], sizeof(why[i]), "%s",
			 recon_due_why_name(d.v[i].why));
		/* Where to take it from: its tray. */
		if (ledger_card_by_mgmt(u->l, d.v[i].mgmt_id, &c) == 0)
			snprintf(where[i], sizeof(where[i]), "%s", c.location);
	}
	free(m->due);
	free(m->due_why);
	free(m->due_where);
	m->due = due;
	m->due_why = why;
	m->due_where = where;
	m->ndue = d.n;
	m->nopen = 0;
	for (size_t i = 0;
	     i < open.n && m->nopen < sizeof(m->open) / sizeof(m->open[0]); i++)
		m->open[m->nopen++] = open.v[i].b.id;
out:
	wf_dispose_due_free(&d);
	wf_dispose_list_free(&open);
	return ex;
}

/* load, a failure said on the message line. */
static void reload(struct ui *u, struct dispose_state *st)
{
	struct wf_err e;

	if (load(u, st, &e))
		ui_fail(u, &e);
}

static int dispose_enter(struct ui *u)
{
	struct dispose_state *st = calloc(1, sizeof(*st));

	if (!st)
		return ui_nomem(u);
	u->state = st;
	/* A list that cannot be read is said; the screen opens anyway
	 * (q leaves it). */
	reload(u, st);
	return 0;
}

static void stop(struct dispose_state *st)
{
	struct wf_err e;

	ui_reader_close(&st->m.reader, &e); /* no range to end */
}

static void dispose_leave(struct ui *u)
{
	struct dispose_state *st = u->state;

	if (!st)
		return;
	stop(st);
	free(st->m.due);
	free(st->m.due_why);
	free(st->m.due_where);
	free(st->m.closing);
	free(st);
}

static void dispose_view(const struct ui *u, struct ui_view *v)
{
	const struct dispose_state *st = u->state;

	ui_dispose_render(&st->m, v);
}

/* Opens the per-read path on batch id, still open: the reader when there
 * is one, else typed numbers.  0, or the exit status with *e. */
static int open_batch(struct ui *u, struct dispose_state *st, int64_t id,
		      struct wf_err *e)
{
	struct disposal_batch_rec b;
	int ex = wf_dispose_batch(u->l, id, &b, e);

	if (ex)
		return ex;
	memset(&st->args, 0, sizeof(st->args));
	st->args.disposal_id = id;
	st->args.reader = u->reader;
	st->args.profile = u->profile;
	st->args.rules = &u->conf.rules;
	st->args.actor = &u->who;
	st->args.clock = cli_now;
	ex = ui_reader_open(u, &st->args, &st->m.reader, e);
	if (ex)
		return ex;
	st->m.batch = id;
	st->m.in_batch = (long)b.ncards;
	st->m.nread = 0;
	st->m.typed[0] = '\0';
	st->m.mode = UI_DS_SCAN;
	return 0;
}

static enum ui_result start_scanning(struct ui *u, struct dispose_state *st,
				     int64_t id)
{
	struct wf_err e;

	if (open_batch(u, st, id, &e))
		ui_fail(u, &e);
	return UI_REDRAW;
}

static enum ui_result start_batch(struct ui *u, struct dispose_state *st)
{
	struct ui_second *f = &st->m.form;
	struct staff_rec w;
	struct wf_err e;
	int64_t id = 0;
	int rc;

	ui_checking_pin(u);
	rc = wf_dispose_start(u->l, &u->who, f->code, f->pin, cli_now(), &id,
			      &w, &e);

	sodium_memzero(f->pin, sizeof(f->pin));
	if (rc) {
		ui_second_refused(u, f, &e); /* the form stays, with why */
		return UI_REDRAW;
	}
	ui_second_clear(f);
	ui_message(u, UI_A_OK, _("Disposal D%lld started, witnessed by %s"),
		   (long long)id, w.code);
	return start_scanning(u, st, id);
}

static void note_read(struct ui *u, struct dispose_state *st,
		      const struct wf_scan_read *res)
{
	struct ui_dispose_model *m = &st->m;
	struct ui_dispose_read r;

	memset(&r, 0, sizeof(r));
	snprintf(r.serial, sizeof(r.serial), "%s", res->serial);
	if (res->lk.known)
		snprintf(r.mgmt_id, sizeof(r.mgmt_id), "%s",
			 res->lk.card.mgmt_id);
	/* As the workflow decided (recon_dispose_accept). */
	switch (res->dispose) {
	case DISPOSE_ACCEPTED:
		r.kind = UI_DR_ACCEPTED;
		snprintf(r.detail, sizeof(r.detail), "%s",
			 recon_due_why_name(res->due));
		m->in_batch++;
		break;
	case DISPOSE_REPEAT:
		r.kind = UI_DR_REPEAT;
		break;
	case DISPOSE_IN_DISPOSAL:
		r.kind = UI_DR_OTHER;
		snprintf(r.detail, sizeof(r.detail), "D%lld",
			 (long long)res->other_disposal);
		break;
	case DISPOSE_NOT_IN_STOCK:
	case DISPOSE_NOT_DUE:
		r.kind = UI_DR_NOT_DUE;
		snprintf(r.detail, sizeof(r.detail), "%s",
			 card_status_name(res->lk.card.status));
		break;
	default:
		r.kind = UI_DR_UNKNOWN;
		break;
	}
	if (m->nread == UI_DISPOSE_READS) {
		memmove(m->read, m->read + 1,
			(UI_DISPOSE_READS - 1) * sizeof(m->read[0]));
		m->nread--;
	}
	m->read[m->nread++] = r;
	u->bells = r.kind == UI_DR_ACCEPTED ? 0
		   : r.kind == UI_DR_REPEAT ? 2
					    : 3;
	u->activity = 1;
	u->msg[0] = '\0';
}

static enum ui_result dispose_tick(struct ui *u, int wait_ms)
{
	struct dispose_state *st = u->state;
	struct wf_scan_event ev;
	enum ui_result r = UI_IGNORED;

	if (st->m.mode != UI_DS_SCAN ||
	    !ui_reader_tick(u, &st->m.reader, wait_ms, &ev, &r))
		return r;
	note_read(u, st, &ev.res);
	return UI_REDRAW;
}

/* The batch's cards by management ID, for the witness to approve.  0, or
 * the exit status with *e. */
static int load_closing(struct ui *u, struct dispose_state *st,
			struct wf_err *e)
{
	struct ui_dispose_model *m = &st->m;
	struct wf_disposal_list all;
	int ex = wf_dispose_list(u->l, 0, &all, e);

	if (ex)
		return ex;
	free(m->closing);
	m->closing = NULL;
	m->nclosing = 0;
	for (size_t i = 0; i < all.n; i++) {
		if (all.v[i].b.id != m->batch)
			continue;
		m->closing = calloc(all.v[i].ncards ? all.v[i].ncards : 1,
				    sizeof(*m->closing));
		if (!m->closing) {
			ex = wf_fail(e, WF_E_NOMEM);
			break;
		}
		for (size_t j = 0; j < all.v[i].ncards; j++)
			snprintf(m->closing[j], sizeof(m->closing[j]), "%s",
				 all.v[i].cards[j].mgmt_id);
		m->nclosing = all.v[i].ncards;
	}
	wf_dispose_list_free(&all);
	return ex;
}

static enum ui_result close_batch(struct ui *u, struct dispose_state *st)
{
	struct ui_dispose_model *m = &st->m;
	struct ui_second *f = &m->form;
	const char *method = m->method ? "contractor" : "shred";
	struct wf_dispose_closed done;
	struct wf_err e, again;
	int64_t id = m->batch;
	int rc;

	/* The reader is let go before the cards leave the ledger. */
	stop(st);
	ui_checking_pin(u);
	rc = wf_dispose_close(u->l, &u->who, id, method, m->cert, f->code,
			      f->pin, cli_now(), &done, &e);
	sodium_memzero(f->pin, sizeof(f->pin));
	if (rc) {
		/* Nothing was disposed: the batch goes on, and the form
		 * stays for another try, with why. */
		if (open_batch(u, st, id, &again) == 0) {
			m->mode = UI_DS_CLOSE_WITNESS;
		} else {
			m->mode = UI_DS_PICK;
			m->sel = 0;
			reload(u, st);
		}
		ui_second_refused(u, f, &e);
		return UI_REDRAW;
	}
	ui_second_clear(f);
	ui_message(u, UI_A_OK,
		   _("Disposal D%lld closed: %lld cards disposed (%s), "
		     "witnessed by %s"),
		   (long long)id, (long long)done.ncards, ui_word(method),
		   done.witness.code);
	m->mode = UI_DS_PICK;
	m->sel = 0;
	m->cert[0] = '\0';
	reload(u, st);
	return UI_REDRAW;
}

static enum ui_result typed_read(struct ui *u, struct dispose_state *st)
{
	struct wf_scan_read res;
	struct wf_err e;
	/* A card typed as the due list names it -- its management ID -- is
	 * read as its number; anything else is a number (a barcode
	 * scanner's), as on the tally screen. */
	int ex = wf_scan_typed(st->m.reader.s, st->m.typed,
			       WF_TYPED_BY_NAME, &res, &e);

	st->m.typed[0] = '\0';
	if (ex) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	st->m.reader.back = 0;
	note_read(u, st, &res);
	return UI_REDRAW;
}

/* Opens the witness's form of step: refused at once when the person
 * logged in may not do it (no witness types a PIN for nothing). */
static enum ui_result ask_witness(struct ui *u, struct dispose_state *st,
				  const struct wf_step *step, int mode)
{
	struct wf_err e;

	if (wf_may(u->l, step, &u->who, cli_now(), &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	ui_second_clear(&st->m.form);
	st->m.mode = mode;
	return UI_REDRAW;
}

static enum ui_result scan_key(struct ui *u, struct dispose_state *st, int key)
{
	struct ui_dispose_model *m = &st->m;
	size_t n = strlen(m->typed);

	/* x and q act only while nothing is typed: IDs hold letters. */
	if (n && ui_field_key(m->typed, sizeof(m->typed), UI_FIELD_ID, key))
		return UI_REDRAW;
	if (!n && key != 'x' && key != 'X' && key != 'q' &&
	    ui_field_key(m->typed, sizeof(m->typed), UI_FIELD_ID, key))
		return UI_REDRAW;
	switch (key) {
	case UI_KEY_ENTER:
		return m->typed[0] ? typed_read(u, st) : UI_HANDLED;
	case 'x':
	case 'X':
		m->typed[0] = '\0';
		return ask_witness(u, st, &wf_step_dispose_close, UI_DS_METHOD);
	case 'q':
	case UI_KEY_ESC:
		if (m->typed[0]) {
			m->typed[0] = '\0';
			return UI_REDRAW;
		}
		/* The batch stays open: it can be continued later. */
		stop(st);
		m->mode = UI_DS_PICK;
		reload(u, st);
		return UI_REDRAW;
	default:
		return UI_IGNORED;
	}
}

static enum ui_result dispose_key(struct ui *u, int key)
{
	struct dispose_state *st = u->state;
	struct ui_dispose_model *m = &st->m;
	enum ui_second_step step;
	struct wf_err e;

	switch (m->mode) {
	case UI_DS_PICK:
		if (key == UI_KEY_UP && m->sel > 0)
			m->sel--;
		else if (key == UI_KEY_DOWN && m->sel < m->nopen)
			m->sel++;
		else if (key >= '1' && key <= '9' &&
			 (size_t)(key - '1') <= m->nopen) {
			m->sel = (size_t)(key - '1');
			return dispose_key(u, UI_KEY_ENTER);
		} else if (key == UI_KEY_ENTER) {
			if (m->sel > 0)
				return start_scanning(u, st,
						      m->open[m->sel - 1]);
			return ask_witness(u, st, &wf_step_dispose_start,
					   UI_DS_START_WITNESS);
		} else if (key == 'q' || key == UI_KEY_ESC)
			return UI_LEAVE;
		else
			return UI_IGNORED;
		return UI_REDRAW;
	case UI_DS_START_WITNESS:
	case UI_DS_CLOSE_WITNESS:
		step = ui_second_key(&m->form, key);
		if (step == UI_SECOND_NOT_MINE)
			return UI_IGNORED;
		if (step == UI_SECOND_CANCEL) {
			m->mode = m->mode == UI_DS_START_WITNESS ? UI_DS_PICK
								 : UI_DS_SCAN;
			return UI_REDRAW;
		}
		if (step != UI_SECOND_DONE)
			return UI_REDRAW;
		return m->mode == UI_DS_START_WITNESS ? start_batch(u, st)
						      : close_batch(u, st);
	case UI_DS_METHOD:
		if (key == UI_KEY_UP)
			m->method = 0;
		else if (key == UI_KEY_DOWN)
			m->method = 1;
		else if (key == '1' || key == '2') {
			/* A digit chooses, as in every other menu. */
			m->method = key - '1';
			m->mode = UI_DS_CERT;
		} else if (key == UI_KEY_ENTER)
			m->mode = UI_DS_CERT;
		else if (key == UI_KEY_ESC)
			m->mode = UI_DS_SCAN;
		else
			return UI_IGNORED;
		return UI_REDRAW;
	case UI_DS_CERT:
		if (key == UI_KEY_ENTER) {
			/* Said before the witness is asked to log in. */
			if (wf_dispose_method(m->method ? "contractor"
							: "shred",
					      m->cert, &e)) {
				ui_fail(u, &e);
				return UI_REDRAW;
			}
			if (load_closing(u, st, &e)) {
				ui_fail(u, &e);
				return UI_REDRAW;
			}
			ui_second_clear(&m->form);
			m->mode = UI_DS_CLOSE_WITNESS;
		} else if (key == UI_KEY_ESC) {
			m->mode = UI_DS_METHOD;
		} else if (key == UI_KEY_BACKSPACE) {
			ui_text_backspace(m->cert);
		} else if (key >= 0x20 && key < 0x110000) {
			ui_text_append(m->cert, sizeof(m->cert), key);
		} else {
			return UI_IGNORED;
		}
		return UI_REDRAW;
	default:
		return scan_key(u, st, key);
	}
}

const struct ui_screen ui_dispose_screen = {
    .name = "dispose",
    .title = N_("Disposal (two people)"),
    .in_menu = 1,
    .step = &wf_step_dispose_start,
    .enter = dispose_enter,
    .leave = dispose_leave,
    .view = dispose_view,
    .key = dispose_key,
    .tick = dispose_tick,
};
