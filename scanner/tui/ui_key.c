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
#include <strings.h>

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

/* Rows for the list of receivers: what is left under the safe's lines. */
#define HAND_ROWS 6

/* The handover: the people to choose from, then the receiver's PIN. */
static void hand_render(const struct ui_key_model *m, struct ui_view *v)
{
	size_t top = ui_list_top(&m->to_list, HAND_ROWS);
	char pos[32], name[64], label[UI_LINE_BYTES];

	ui_view_add(v, UI_A_TITLE, _("  Hand the key from %s to:"),
		    m->cur.held_by);
	if (m->handing == UI_KEY_HAND_PICK) {
		if (m->to_list.n == 0)
			ui_view_add(v, UI_A_DIM, "  %s",
				    _("Nobody else may hold the key"));
		for (size_t i = top;
		     i < m->to_list.n && (int)(i - top) < HAND_ROWS; i++) {
			cols_fit(name, sizeof(name), m->to[i].name, 30, 0);
			ui_view_add(v,
				    i == m->to_list.sel ? UI_A_SELECTED
							: UI_A_NORMAL,
				    "  %2zu  %-10s %s", i + 1, m->to[i].code,
				    name);
		}
		if (m->to_list.n) {
			ui_list_position(&m->to_list, HAND_ROWS, pos,
					 sizeof(pos));
			ui_view_add(v, UI_A_DIM, "  %s", pos);
		}
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Up/Down choose   Enter: the receiver types "
			      "their PIN   Esc cancel"));
		return;
	}
	snprintf(label, sizeof(label), _("%s, the receiver, types their PIN"),
		 m->to[m->to_list.sel].code);
	ui_view_add(v, UI_A_NORMAL, "  %s", label);
	ui_form_line(v, _("PIN"), m->to_pin, 1, 1);
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Enter: hand the key over   Esc cancel"));
}

void ui_key_render(const struct ui_key_model *m, int cols, struct ui_view *v)
{
	char when[UI_TIME_BUF], flags[160], line[UI_LINE_BYTES];

	(void)cols; /* the view's own width wraps the purpose */
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (m->open) {
		ui_time_short(m->cur.opened_at, when);
		ui_view_add(v, m->flags ? UI_A_ALERT : UI_A_TITLE,
			    "  %s %s  %s %s  %s %s", _("Safe: OPEN since"),
			    when, _("by"), m->cur.opened_by, _("approved by"),
			    m->cur.approved_by);
		snprintf(line, sizeof(line), "%s: %s", _("Purpose"),
			 m->cur.purpose);
		ui_view_add_wrapped(v, UI_A_NORMAL, 4, line);
		if (m->cur.held_by[0] &&
		    strcmp(m->cur.held_by, m->cur.opened_by) != 0)
			ui_view_add(v, UI_A_NORMAL, _("    Key now held by %s"),
				    m->cur.held_by);
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
		snprintf(line, sizeof(line),
			 _("    opened %s by %s, approved by %s: %s"), opened,
			 m->last_closed.opened_by, m->last_closed.approved_by,
			 m->last_closed.purpose);
		/* A purpose is free text: wrapped, not cut, on a narrow
		 * screen (its indent is the message's own). */
		ui_view_add_wrapped(v, UI_A_NORMAL, (int)strspn(line, " "),
				    line + strspn(line, " "));
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
	if (m->handing) {
		hand_render(m, v);
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s",
		    m->open ? _("c close the safe   g hand the key over   "
				"r refresh   q back")
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

/* One handover, a line under its opening. */
static int handover_line(const struct key_handover_rec *h, void *ctx)
{
	struct text_out *t = ctx;
	char at[UI_TIME_BUF];

	ui_time_short(h->at, at);
	return fprintf(t->f, _("      %s  key handed from %s to %s\n"), at,
		       h->from, h->to) < 0;
}

/* One opening of the key log: when and who, then its flags and purpose,
 * then the handovers of its key. */
static int log_line(const struct key_opening_rec *o, struct text_out *t)
{
	char from[UI_TIME_BUF], to[UI_TIME_BUF], flags[160];
	unsigned fl = wf_key_flags(o, o->closed_at ? o->closed_at : cli_now(),
				   &t->u->conf.key);

	ui_time_short(o->opened_at, from);
	ui_time_short(o->closed_at, to);
	flag_text(fl, flags, sizeof(flags));
	if (fprintf(t->f, "  %s - %s  %s %s  %s %s  %s %s\n", from,
		    o->closed_at ? to : _("(open)"), _("by"), o->opened_by,
		    _("approved by"), o->approved_by, _("closed by"),
		    o->closed_at ? o->closed_by : "-") < 0 ||
	    fprintf(t->f, "      %s%s%s%s: %s\n", fl ? "! " : "", flags,
		    fl ? "  " : "", _("Purpose"), o->purpose) < 0)
		return 1;
	return ledger_key_handover_each(t->u->l, o->id, handover_line, t);
}

/* The openings gathered, to be printed newest first. */
struct openings {
	struct key_opening_rec *v;
	size_t n, cap;
};

static int keep_opening(const struct key_opening_rec *o, void *ctx)
{
	struct openings *p = ctx;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		struct key_opening_rec *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return 1;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = *o;
	return 0;
}

/* The key log, newest first: where the clerk looks for today. */
static int log_lines(struct text_out *t)
{
	struct openings p = {0};
	int rc = ledger_key_each_since(t->u->l, 0, keep_opening, &p);

	for (size_t i = p.n; rc == 0 && i > 0; i--)
		rc = log_line(&p.v[i - 1], t);
	free(p.v);
	return rc;
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
			 ? log_lines(&t)
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
		sodium_memzero(st->m.to_pin, sizeof(st->m.to_pin));
		free(st->m.to);
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
	ui_checking_pin(u);
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

/* ---- handing the key over (issue 18) ---- */

struct receivers {
	struct key_screen *st;
	size_t cap;
};

/* Who may be offered the key: active, not locked, a role that may open
 * the safe, not the holder.  The training is the workflow's to check (it
 * says which course is missing). */
static int keep_receiver(const struct staff_rec *s, void *ctx)
{
	struct receivers *r = ctx;
	struct ui_key_model *m = &r->st->m;
	const char *rule;

	if (!s->active || s->locked ||
	    recon_permit(s->role, ACT_KEY_OPEN, &rule) < 0 ||
	    strcmp(s->code, m->cur.held_by) == 0)
		return 0;
	if (m->to_list.n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct staff_rec *v = realloc(m->to, cap * sizeof(*v));

		if (!v)
			return 1;
		m->to = v;
		r->cap = cap;
	}
	m->to[m->to_list.n] = *s;
	sodium_memzero(m->to[m->to_list.n].pin_hash,
		       sizeof(m->to[m->to_list.n].pin_hash));
	m->to_list.n++;
	return 0;
}

static void hand_stop(struct key_screen *st)
{
	sodium_memzero(st->m.to_pin, sizeof(st->m.to_pin));
	free(st->m.to);
	st->m.to = NULL;
	st->m.to_list.n = 0;
	st->m.handing = UI_KEY_HAND_NONE;
}

static enum ui_result hand_start(struct ui *u, struct key_screen *st)
{
	struct receivers r = {.st = st};
	int rc;

	if (load(u, st))
		return UI_REDRAW;
	if (!st->m.open) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("The safe is closed: there is no key to hand "
			     "over"));
		return UI_REDRAW;
	}
	/* Refused before the list, as the workflow would refuse after the
	 * receiver's PIN. */
	if (strcasecmp(st->m.cur.held_by, u->who.code) != 0) {
		ui_message(u, UI_A_ALERT,
			   _("Only %s, who holds the key, may hand it over"),
			   st->m.cur.held_by);
		return UI_REDRAW;
	}
	hand_stop(st);
	rc = ledger_staff_each(u->l, keep_receiver, &r);
	if (rc) {
		hand_stop(st);
		if (rc < 0)
			ui_ledger_fail(u);
		else
			ui_nomem(u);
		return UI_REDRAW;
	}
	ui_list_init(&st->m.to_list, st->m.to_list.n);
	st->m.handing = UI_KEY_HAND_PICK;
	u->msg[0] = '\0';
	return UI_REDRAW;
}

static enum ui_result hand_try(struct ui *u, struct key_screen *st)
{
	struct wf_key_handed h;
	struct wf_err e;
	char code[STAFF_CODE_MAX + 1];
	int rc;

	snprintf(code, sizeof(code), "%s", st->m.to[st->m.to_list.sel].code);
	ui_checking_pin(u);
	rc = wf_key_handover(u->l, &u->who, code, st->m.to_pin, cli_now(), &h,
			     &e);
	sodium_memzero(st->m.to_pin, sizeof(st->m.to_pin));
	if (rc) {
		/* A wrong PIN: type it again; any other refusal ends it. */
		if (e.code != WF_E_LOGIN)
			hand_stop(st);
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	hand_stop(st);
	load(u, st); /* a failure says why on the message line */
	ui_message(u, UI_A_OK, _("The key passed from %s to %s"), u->who.code,
		   h.receiver.code);
	return UI_REDRAW;
}

static enum ui_result hand_key(struct ui *u, struct key_screen *st, int key)
{
	int cols, rows;

	if (key == UI_KEY_ESC) {
		hand_stop(st);
		u->msg[0] = '\0';
		return UI_REDRAW;
	}
	if (st->m.handing == UI_KEY_HAND_PICK) {
		ui_term_size(&cols, &rows);
		switch (ui_list_key(&st->m.to_list, key, HAND_ROWS)) {
		case UI_LIST_CHOSEN:
			if (st->m.to_list.n == 0)
				return UI_HANDLED;
			st->m.handing = UI_KEY_HAND_PIN;
			st->m.to_pin[0] = '\0';
			u->msg[0] = '\0';
			return UI_REDRAW;
		case UI_LIST_MOVED:
			return UI_REDRAW;
		default:
			/* F2, F10 and resizes are the loop's. */
			return key == 'q' ? UI_HANDLED : UI_IGNORED;
		}
	}
	if (key == UI_KEY_ENTER)
		return st->m.to_pin[0] ? hand_try(u, st) : UI_HANDLED;
	ui_field_key(st->m.to_pin, sizeof(st->m.to_pin), UI_FIELD_DIGITS, key);
	/* Every other key is the PIN's: a letter switches no language. */
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
	if (st->m.handing)
		return hand_key(u, st, key);
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
	case 'g':
	case 'G':
		return hand_start(u, st);
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
