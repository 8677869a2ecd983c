/*
 * The safe's key (R14, R15): whether the safe is recorded open, since
 * when, by whom, approved by whom and why, and its flags (open too long,
 * outside office hours, judged now as `key log` and `status` judge them);
 * open it with a purpose and an approver who logs in on this screen (a
 * named key holder or a manager, another person: wf_key_open, the
 * rule `key open` uses), and close it.  As with the commands, anyone may
 * close the safe, and opening it is work with cards: the matrix's
 * ACT_KEY_OPEN and the training gate.  The screen also says who closed it
 * last and when, and shows the key log (every opening, newest first, with
 * its flags: `key log`) and the key holders in order (`key holder list`),
 * each a text that scrolls.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"
#include "ui_curses.h"

struct key_screen {
	struct ui_key_model m;
	struct ui_text text; /* the key log or the key holders */
};

/* ---- the model: pure, tested in tests/test_ui.c ---- */

static void flag_text(unsigned flags, char *out, size_t cap)
{
	snprintf(
	    out, cap, "%s%s%s", flags & KEY_FLAG_LONG ? _("open too long") : "",
	    (flags & KEY_FLAG_LONG) && (flags & KEY_FLAG_OFF_HOURS) ? ", " : "",
	    flags & KEY_FLAG_OFF_HOURS ? _("outside office hours") : "");
}

void ui_key_render(const struct ui_key_model *m, int cols, struct ui_view *v)
{
	char when[UI_TIME_BUF], flags[160];

	(void)cols;
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (m->open) {
		ui_time_short(m->cur.opened_at, when);
		ui_view_add(v, m->flags ? UI_A_ALERT : UI_A_TITLE,
			    "  %s %s  %s %s  %s %s", _("Safe: OPEN since"),
			    when, _("by"), m->cur.opened_by, _("approved by"),
			    m->cur.approved_by);
		ui_view_add(v, UI_A_NORMAL, "    %s: %s", _("Purpose"),
			    m->cur.purpose);
		if (m->flags) {
			flag_text(m->flags, flags, sizeof(flags));
			ui_view_add(v, UI_A_ALERT, "    ! %s: %s", _("flagged"),
				    flags);
		}
	} else {
		ui_view_add(v, UI_A_TITLE, "  %s", _("Safe: closed"));
	}
	if (m->last_closed.id) {
		char opened[UI_TIME_BUF];

		ui_time_short(m->last_closed.closed_at, when);
		ui_time_short(m->last_closed.opened_at, opened);
		ui_view_add(v, m->last_flags ? UI_A_ALERT : UI_A_NORMAL,
			    _("  Last closed %s by %s, open %lld min"), when,
			    m->last_closed.closed_by,
			    (long long)((m->last_closed.closed_at -
					 m->last_closed.opened_at) /
					60));
		ui_view_add(v, UI_A_NORMAL,
			    _("    opened %s by %s, approved by %s: %s"),
			    opened, m->last_closed.opened_by,
			    m->last_closed.approved_by, m->last_closed.purpose);
		if (m->last_flags) {
			flag_text(m->last_flags, flags, sizeof(flags));
			ui_view_add(v, UI_A_ALERT, "    ! %s: %s", _("flagged"),
				    flags);
		}
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (m->opening) {
		ui_view_add(v, UI_A_TITLE, "  %s",
			    _("Open the safe: a key holder or a manager "
			      "approves"));
		ui_second_view(&m->form, _("Approver"), _("Purpose"), v);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Tab next field   Enter on the purpose: open   "
			      "Esc cancel"));
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    m->open ? _("c close the safe   r refresh   q back")
			    : _("o open the safe   r refresh   q back"));
	ui_view_add(v, UI_A_DIM, "  %s", _("k key log   h key holders"));
}

/* ---- the screen ---- */

/* Keeps the last opening closed (ledger_key_each_since, oldest first). */
static int keep_closed(const struct key_opening_rec *o, void *ctx)
{
	if (o->closed_at)
		*(struct key_opening_rec *)ctx = *o;
	return 0;
}

static int load(struct ui *u, struct key_screen *st)
{
	int rc = ledger_key_current(u->l, &st->m.cur);

	st->m.open = rc == 0;
	st->m.flags = 0;
	if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
		return ui_ledger_fail(u);
	if (st->m.open)
		st->m.flags = wf_key_flags(&st->m.cur, cli_now(), &u->conf.key);
	memset(&st->m.last_closed, 0, sizeof(st->m.last_closed));
	if (ledger_key_each_since(u->l, 0, keep_closed, &st->m.last_closed) < 0)
		return ui_ledger_fail(u);
	st->m.last_flags =
	    st->m.last_closed.id
		? wf_key_flags(&st->m.last_closed, st->m.last_closed.closed_at,
			       &u->conf.key)
		: 0;
	return 0;
}

/* ---- the key log and the key holders, as texts that scroll ---- */

struct text_out {
	struct ui *u;
	FILE *f;
};

/* One opening, a line of the key log. */
static int log_line(const struct key_opening_rec *o, void *ctx)
{
	struct text_out *t = ctx;
	char from[UI_TIME_BUF], to[UI_TIME_BUF], flags[160];
	unsigned fl = wf_key_flags(o, o->closed_at ? o->closed_at : cli_now(),
				   &t->u->conf.key);

	ui_time_short(o->opened_at, from);
	ui_time_short(o->closed_at, to);
	flag_text(fl, flags, sizeof(flags));
	/* Two lines an opening (the log is turned newest first by pairs):
	 * when and who, then its flags and purpose. */
	return fprintf(t->f, "  %s - %s  %s %s  %s %s  %s %s\n", from,
		       o->closed_at ? to : _("(open)"), _("by"), o->opened_by,
		       _("approved by"), o->approved_by, _("closed by"),
		       o->closed_at ? o->closed_by : "-") < 0 ||
	       fprintf(t->f, "      %s%s%s%s: %s\n", fl ? "! " : "", flags,
		       fl ? "  " : "", _("Purpose"), o->purpose) < 0;
}

static int holder_line(const struct key_holder_rec *h, void *ctx)
{
	struct text_out *t = ctx;

	return fprintf(t->f, "  %d  %s  %s  %s\n", h->order,
		       h->order == 1 ? _("primary") : _("deputy"), h->code,
		       h->name) < 0;
}

/* Fills st->text with the key log (newest first) or the key holders. 0,
 * or the exit status (said). */
static int load_text(struct ui *u, struct key_screen *st, int what)
{
	struct text_out t = {.u = u};
	char *buf = NULL;
	size_t len = 0;
	int rc = 1;

	ui_text_free(&st->text);
	t.f = open_memstream(&buf, &len);
	if (t.f)
		rc = what == UI_KEY_SHOW_LOG
			 ? ledger_key_each_since(u->l, 0, log_line, &t)
			 : ledger_key_holder_each(u->l, holder_line, &t);
	if (t.f && fclose(t.f) != 0 && rc == 0)
		rc = 1;
	if (rc == 0 && ui_text_load(&st->text, buf, len) < 0)
		rc = 1;
	free(buf);
	if (rc < 0)
		return ui_ledger_fail(u);
	if (rc)
		return ui_nomem(u);
	/* The log newest first: where the clerk looks for today. */
	if (what == UI_KEY_SHOW_LOG)
		for (size_t i = 0, j = st->text.n; i + 2 <= j; i += 2, j -= 2) {
			char *a = st->text.line[i], *b = st->text.line[i + 1];

			st->text.line[i] = st->text.line[j - 2];
			st->text.line[i + 1] = st->text.line[j - 1];
			st->text.line[j - 2] = a;
			st->text.line[j - 1] = b;
		}
	st->m.showing = what;
	return 0;
}

static int key_enter(struct ui *u)
{
	struct key_screen *st = calloc(1, sizeof(*st));
	int ex;

	if (!st)
		return ui_nomem(u);
	ex = load(u, st);
	if (ex) {
		free(st);
		return ex;
	}
	u->state = st;
	return 0;
}

static void key_leave(struct ui *u)
{
	struct key_screen *st = u->state;

	if (st) {
		sodium_memzero(&st->m.form, sizeof(st->m.form));
		ui_text_free(&st->text);
	}
	free(st);
}

/* Rows of the key log's text at a terminal of `rows` rows: the frame
 * takes 3, the title and the help 2. */
static int text_rows(int rows)
{
	return rows - 6 > 1 ? rows - 6 : 1;
}

static void key_view(const struct ui *u, struct ui_view *v)
{
	const struct key_screen *st = u->state;

	if (st->m.showing) {
		ui_view_add(v, UI_A_TITLE, "  %s",
			    st->m.showing == UI_KEY_SHOW_LOG
				? _("Key log: every opening, newest first")
				: _("Key holders, in order"));
		if (st->text.n == 0)
			ui_view_add(v, UI_A_DIM, "  %s",
				    st->m.showing == UI_KEY_SHOW_LOG
					? _("No opening recorded")
					: _("No key holder named"));
		ui_text_render(&st->text, text_rows(v->rows), v);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Up/Down PgUp/PgDn Home/End scroll   q back"));
		return;
	}
	ui_key_render(&st->m, v->cols, v);
}

static enum ui_result open_safe(struct ui *u, struct key_screen *st)
{
	struct ui_second *f = &st->m.form;
	struct wf_key_opened opened;
	struct wf_err e;
	int rc;

	if (!f->note[0]) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("Say why the safe is opened"));
		f->field = 2;
		return UI_REDRAW;
	}
	rc = wf_key_open(u->l, &u->who, f->code, f->pin, f->note, cli_now(),
			 &u->conf.key, &opened, &e);
	sodium_memzero(f->pin, sizeof(f->pin));
	if (rc) {
		ui_second_refused(u, f, &e);
		return UI_REDRAW;
	}
	ui_message(u, UI_A_OK, _("Safe opened by %s, approved by %s"),
		   u->who.code, opened.approver.code);
	st->m.opening = 0;
	ui_second_clear(f);
	load(u, st); /* a failure says why on the message line */
	return UI_REDRAW;
}

static enum ui_result close_safe(struct ui *u, struct key_screen *st)
{
	struct key_opening_rec o;
	struct wf_err e;

	if (wf_key_close(u->l, &u->who, cli_now(), &u->conf.key, &o, &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	st->m.last_closed = o;
	st->m.last_flags = wf_key_flags(&o, o.closed_at, &u->conf.key);
	ui_message(u, UI_A_OK, _("Safe closed by %s"), u->who.code);
	load(u, st); /* a failure says why on the message line */
	return UI_REDRAW;
}

static enum ui_result form_key(struct ui *u, struct key_screen *st, int key)
{
	switch (ui_second_key(&st->m.form, key)) {
	case UI_SECOND_NOT_MINE:
		return UI_IGNORED;
	case UI_SECOND_CANCEL:
		st->m.opening = 0;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case UI_SECOND_DONE:
		return open_safe(u, st);
	default:
		return UI_REDRAW;
	}
}

static enum ui_result key_key(struct ui *u, int key)
{
	struct key_screen *st = u->state;
	struct wf_err e;

	if (st->m.opening)
		return form_key(u, st, key);
	if (st->m.showing) {
		int cols, rows;

		if (key == 'q' || key == UI_KEY_ESC) {
			st->m.showing = UI_KEY_SHOW_SAFE;
			ui_text_free(&st->text);
			return UI_REDRAW;
		}
		ui_term_size(&cols, &rows);
		return ui_text_key(&st->text, key, text_rows(rows))
			   ? UI_REDRAW
			   : UI_IGNORED;
	}
	switch (key) {
	case 'k':
	case 'K':
		load_text(u, st, UI_KEY_SHOW_LOG);
		return UI_REDRAW;
	case 'h':
	case 'H':
		load_text(u, st, UI_KEY_SHOW_HOLDERS);
		return UI_REDRAW;
	case 'o':
	case 'O':
		if (st->m.open) {
			ui_message(u, UI_A_ALERT, "%s",
				   _("The safe is open already"));
			return UI_REDRAW;
		}
		/* Refused before the form, as `key open` refuses before
		 * asking for the approver's PIN. */
		if (wf_may(u->l, &wf_step_key_open, &u->who, cli_now(), &e)) {
			ui_fail(u, &e);
			return UI_REDRAW;
		}
		ui_second_clear(&st->m.form);
		st->m.form.has_note = 1;
		st->m.opening = 1;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case 'c':
	case 'C':
		return close_safe(u, st);
	case 'r':
		load(u, st); /* a failure says why on the message line */
		return UI_REDRAW;
	case 'q':
	case UI_KEY_ESC:
		return UI_LEAVE;
	default:
		return UI_IGNORED;
	}
}

const struct ui_screen ui_key_screen = {
    .name = "key",
    .title = N_("Safe key"),
    .in_menu = 1,
    .enter = key_enter,
    .leave = key_leave,
    .view = key_view,
    .key = key_key,
};
