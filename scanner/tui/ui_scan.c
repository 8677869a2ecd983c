/*
 * The tray scan screen: pick an open count and one of its ranges that is
 * yours (assigned to you, or to nobody: wf_scan_picks), then present the
 * tray's cards.  Each read goes through the scan session of the workflow
 * layer (wf_scan_*: the person and the count checked again, look up,
 * classify, commit, reader feedback) before this screen shows it; a read
 * the workflow refuses (the count was closed meanwhile, the range given to
 * someone else) is shown as refused, translated, and never counted.  The
 * screen shows the range, big expected / seen / remaining counters, a
 * progress bar, the last card, and the alerts newest first, each with its
 * own symbol and colour and bell pattern; a number typed or sent by a
 * barcode scanner plus Enter is a read too.  `u` takes the last read back
 * with a reason (wf_scan_undo, as `scan undo`).  A lost reader fills the
 * screen until it is back (ui_reader.c).  Leaving a tray with cards not
 * read yet names them first, and asks.
 */
#include <stdlib.h>
#include <string.h>

#include "../../common/strmap.h"
#include "../cli/cli.h"
#include "../workflow/wf_scan.h"
#include "ui.h"
#include "ui_curses.h"

struct scan_state {
	int scanning; /* 0: choosing a range */
	struct wf_scan_pick *pick;
	size_t npicks;
	struct ui_list list; /* the picks: highlight, scrolling */
	/* Per pick: the range's cards, and how many this count has not
	 * read there yet (-1: not known). */
	long *cards, *left;
	/* While scanning. */
	struct wf_scan_args args;
	struct strmap *expected; /* serials of the range's cards */
	struct ui_scan_model m;
	/* Leaving with cards not read: they are listed, the clerk asked. */
	int leaving;
	struct ui_text unread;
};

/* ---- the model: pure, tested in tests/test_ui.c ---- */

const char *ui_alert_symbol(int kind)
{
	static const char *const sym[UI_ALERT_KINDS] = {"?", ">", "X",
							"D", "=", "!"};

	return kind >= 0 && kind < UI_ALERT_KINDS ? sym[kind] : "!";
}

static int alert_kind(int outcome, int why)
{
	if (outcome == RECON_REPEAT)
		return UI_ALERT_REPEAT;
	switch (why) {
	case WHY_UNKNOWN:
		return UI_ALERT_UNKNOWN;
	case WHY_MISPLACED:
		return UI_ALERT_MISPLACED;
	case WHY_NOT_IN_STOCK:
		return UI_ALERT_NOT_IN_STOCK;
	default:
		return UI_ALERT_DISPOSAL_DUE;
	}
}

static void add_alert(struct ui_scan_model *m, const struct ui_alert *a)
{
	if (m->nalerts == UI_ALERTS_MAX) {
		memmove(m->alert, m->alert + 1,
			(UI_ALERTS_MAX - 1) * sizeof(m->alert[0]));
		m->nalerts--;
	}
	m->alert[m->nalerts++] = *a;
}

void ui_scan_note_read(struct ui_scan_model *m, int outcome, int why,
		       const char *mgmt_id, const char *serial,
		       const char *home, const char *status, int in_range)
{
	struct ui_alert a;

	memset(&a, 0, sizeof(a));
	if (outcome != RECON_REPEAT && in_range)
		m->seen++;
	snprintf(m->last, sizeof(m->last), "%s %s",
		 mgmt_id && *mgmt_id ? mgmt_id : "-", serial);
	snprintf(m->last_serial, sizeof(m->last_serial), "%s", serial);
	m->last_undone = 0;
	m->reader.back = 0;
	if (outcome == RECON_ACCEPTED) {
		m->accepted++;
		m->last_kind = -1;
		return;
	}
	if (outcome == RECON_REPEAT)
		m->repeats++;
	else
		m->alerts++;
	a.kind = alert_kind(outcome, why);
	m->last_kind = a.kind;
	snprintf(a.mgmt_id, sizeof(a.mgmt_id), "%s",
		 mgmt_id && *mgmt_id ? mgmt_id : "-");
	snprintf(a.serial, sizeof(a.serial), "%s", serial);
	snprintf(a.where, sizeof(a.where), "%s", home ? home : "");
	snprintf(a.status, sizeof(a.status), "%s", status ? status : "");
	add_alert(m, &a);
}

static enum ui_attr kind_attr(int kind)
{
	if (kind < 0)
		return UI_A_OK;
	return kind == UI_ALERT_REPEAT ? UI_A_REPEAT : UI_A_ALERT;
}

/* What an alert says, in the current language. */
static void alert_text(const struct ui_alert *a, char *out, size_t cap)
{
	static const char *const what[UI_ALERT_KINDS] = {
	    N_("unknown card, not in the ledger"), N_("misplaced, belongs to"),
	    N_("should not be here, ledger says"), N_("due for disposal"),
	    N_("read again, not counted twice"),   N_("card not read")};
	int k = a->kind >= 0 && a->kind < UI_ALERT_KINDS ? a->kind
							 : UI_ALERT_UNREADABLE;
	const char *more = k == UI_ALERT_MISPLACED	? a->where
			   : k == UI_ALERT_NOT_IN_STOCK ? ui_word(a->status)
							: "";
	char mg[64];

	cols_fit(mg, sizeof(mg), a->mgmt_id, 12, 1);
	snprintf(out, cap, "[%s] %s %s  %s%s%s%s%s%s", ui_alert_symbol(k), mg,
		 a->serial, _(what[k]), *more ? " " : "", more,
		 a->undone ? "  (" : "", a->undone ? _("undone") : "",
		 a->undone ? ")" : "");
}

/* Three labelled big counters side by side, each `w` columns.  The
 * painter keeps the last column of a row free (a line reaching it is cut
 * with `~`), so the three share cols - 1: at 60 columns, three of 20
 * lost the last one's edge. */
static void counters(const struct ui_scan_model *m, int cols, struct ui_view *v)
{
	const char *label[3] = {_("Expected"), _("Seen"), _("Remaining")};
	long val[3] = {m->expected, m->seen,
		       m->expected > m->seen ? m->expected - m->seen : 0};
	char big[3][3][64], line[UI_LINE_BYTES], cell[128];
	int w = (cols - 1) / 3 > 26 ? 26 : (cols - 1) / 3;

	memset(big, 0, sizeof(big));
	line[0] = '\0';
	for (int i = 0; i < 3; i++) {
		char lab[96];

		snprintf(lab, sizeof(lab), "  %s: %ld", label[i], val[i]);
		cols_fit(cell, sizeof(cell), lab, w, 1);
		strncat(line, cell, sizeof(line) - strlen(line) - 1);
		ui_big_number(val[i], big[i]);
	}
	ui_view_add(v, UI_A_TITLE, "%s", line);
	for (int r = 0; r < 3; r++) {
		line[0] = '\0';
		for (int i = 0; i < 3; i++) {
			char pad[96];

			snprintf(pad, sizeof(pad), "  %s", big[i][r]);
			cols_fit(cell, sizeof(cell), pad, w, 1);
			strncat(line, cell, sizeof(line) - strlen(line) - 1);
		}
		ui_view_add(v, UI_A_BIG, "%s", line);
	}
}

void ui_scan_render(const struct ui_scan_model *m, int cols, struct ui_view *v)
{
	char bar[128], line[UI_LINE_BYTES];
	int at, barw = cols - 24;

	snprintf(line, sizeof(line),
		 _("Nothing read so far is lost: %ld of %ld seen in %s."),
		 m->seen, m->expected, m->range);
	if (ui_reader_banner(&m->reader, line, v))
		return;
	ui_view_add(v, UI_A_TITLE, "  %s %lld  %s %s", _("Count"),
		    (long long)m->session_id, _("Range"), m->range);
	ui_reader_view(&m->reader, _("Present the cards one by one"), v);
	counters(m, cols, v);
	if (barw > 60)
		barw = 60;
	ui_progress_bar(bar, sizeof(bar), m->seen, m->expected, barw);
	ui_view_add(v, UI_A_NORMAL, "  %s %ld/%ld", bar, m->seen, m->expected);
	if (m->last[0])
		ui_view_add(v, kind_attr(m->last_kind), "  %s: [%s] %s%s%s%s",
			    _("Last card"),
			    m->last_kind < 0 ? "OK"
					     : ui_alert_symbol(m->last_kind),
			    m->last, m->last_undone ? "  (" : "",
			    m->last_undone ? _("undone") : "",
			    m->last_undone ? ")" : "");
	else
		ui_view_add(v, UI_A_DIM, "  %s: -", _("Last card"));
	if (m->undo_mode) {
		snprintf(line, sizeof(line), "  %s: %s",
			 _("Why undo the last read? Reason"), m->reason);
		at = ui_view_add(v, UI_A_INPUT, "%s", line);
	} else {
		snprintf(line, sizeof(line), "  %s: %s", _("Card number"),
			 m->typed);
		at = ui_view_add(v, UI_A_NORMAL, "%s", line);
	}
	v->cursor_line = at;
	v->cursor_col = cols_width(line);
	ui_view_add(v, UI_A_DIM, "  %s",
		    m->undo_mode ? _("Enter undo   Esc cancel")
				 : _("u undo the last read   q end this tray"));
	ui_view_add(v, UI_A_NORMAL, "  %s (%ld)  %s (%ld)", _("Alerts"),
		    m->alerts, _("Repeats"), m->repeats);
	/* Newest first: the one just read is where the eye is. */
	for (int i = m->nalerts - 1; i >= 0; i--) {
		alert_text(&m->alert[i], line, sizeof(line));
		ui_view_add(v, kind_attr(m->alert[i].kind), "  %s", line);
	}
}

/* ---- the screen ---- */

/* Counts a card not read (ledger_range_unread_each). */
static int count_unread(void *ctx, const char *mgmt_id, const char *serial)
{
	(void)mgmt_id;
	(void)serial;
	++*(long *)ctx;
	return 0;
}

/* How far each pick's range is: its cards, and those this count has not
 * read there.  0, or the exit status (said). */
static int pick_progress(struct ui *u, struct scan_state *st)
{
	size_t n = st->npicks ? st->npicks : 1;

	st->cards = calloc(n, sizeof(*st->cards));
	st->left = calloc(n, sizeof(*st->left));
	if (!st->cards || !st->left)
		return ui_nomem(u);
	for (size_t i = 0; i < st->npicks; i++) {
		const struct wf_scan_pick *k = &st->pick[i];
		int64_t cards = 0;

		if (ledger_range_expected(u->l, k->range, &cards) < 0 ||
		    ledger_range_unread_each(u->l, k->range, k->session_id,
					     k->range_id, count_unread,
					     &st->left[i]) < 0)
			return ui_ledger_fail(u);
		st->cards[i] = (long)cards;
	}
	return 0;
}

static int scan_enter(struct ui *u)
{
	struct scan_state *st = calloc(1, sizeof(*st));
	struct wf_err e;

	if (!st)
		return ui_nomem(u);
	/* Without its list the screen says there is nothing for you, and
	 * why. */
	if (wf_scan_picks(u->l, &u->who, &st->pick, &st->npicks, &e))
		ui_fail(u, &e);
	else if (pick_progress(u, st))
		st->npicks = 0; /* it said why on the message line */
	ui_list_init(&st->list, st->npicks);
	u->state = st;
	return 0;
}

static void stop_scanning(struct scan_state *st)
{
	struct wf_err e;

	/* The range's end not recorded: the count's record lacks it, the
	 * reads are kept; nothing the screen could do about it now. */
	ui_reader_close(&st->m.reader, &e);
	strmap_free(st->expected);
	st->expected = NULL;
	st->scanning = 0;
	st->leaving = 0;
	ui_text_free(&st->unread);
}

static void scan_leave(struct ui *u)
{
	struct scan_state *st = u->state;

	if (st) {
		stop_scanning(st);
		free(st->pick);
		free(st->cards);
		free(st->left);
	}
	free(st);
}

/* Rows the range list has at a terminal of `rows` rows: the frame takes
 * 3, the title, the blanks, the position and the help 6. */
static int pick_rows(int rows)
{
	return rows - 9 > 1 ? rows - 9 : 1;
}

/* One range of the list: its number, count, range, whose it is, and how
 * far it is (done when every card is read). */
static void pick_line(const struct scan_state *st, size_t i, int cols,
		      struct ui_view *v)
{
	const struct wf_scan_pick *k = &st->pick[i];
	char left[UI_LINE_BYTES], cut[UI_LINE_BYTES], how[64];
	int done = st->left[i] == 0;
	int w = cols - 19 > 20 ? cols - 19 : 20;

	snprintf(left, sizeof(left), "  %3zu  %s %lld  %s  %s", i + 1,
		 _("Count"), (long long)k->session_id, k->range,
		 k->mine ? _("(assigned to you)") : _("(open to all)"));
	cols_fit(cut, sizeof(cut), left, w, 1);
	if (done)
		snprintf(how, sizeof(how), "[%s] %ld/%ld", _("done"),
			 st->cards[i], st->cards[i]);
	else
		snprintf(how, sizeof(how), "%ld/%ld",
			 st->cards[i] - st->left[i], st->cards[i]);
	ui_view_add(v,
		    i == st->list.sel ? UI_A_SELECTED
		    : done	      ? UI_A_OK
				      : UI_A_NORMAL,
		    "%s %s", cut, how);
}

static void pick_view(const struct ui *u, const struct scan_state *st,
		      struct ui_view *v)
{
	int rows = pick_rows(v->rows), at;
	size_t top = ui_list_top(&st->list, rows);
	char pos[48], line[UI_LINE_BYTES];
	const char *help;

	(void)u;
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("Choose the range to count"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	for (size_t i = top; i < st->npicks && i < top + (size_t)rows; i++)
		pick_line(st, i, v->cols, v);
	if (st->npicks == 0) {
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("No open count has a range for you"));
		ui_view_add(v, UI_A_NORMAL, "%s", "");
		ui_view_add(v, UI_A_DIM, "  %s", _("q back."));
		return;
	}
	ui_list_position(&st->list, rows, pos, sizeof(pos));
	if (st->list.num[0])
		snprintf(line, sizeof(line), "  %s   %s: %s", pos, _("Number"),
			 st->list.num);
	else
		snprintf(line, sizeof(line), "  %s", pos);
	at = ui_view_add(v, UI_A_NORMAL, "%s", line);
	if (st->list.num[0]) {
		v->cursor_line = at;
		v->cursor_col = cols_width(line);
	}
	/* The keys in full, wrapped on a narrow terminal (the list leaves
	 * a row for it) rather than cut at the edge. */
	help = st->npicks > 9
		   ? _("Up/Down PgUp/PgDn Home/End, or the number, and "
		       "Enter to start.  q back.")
		   : _("Up/Down and Enter, or the number, to start.  q "
		       "back.");
	while (*help) {
		help = cols_wrap(line, sizeof(line), help,
			       v->cols > 24 ? v->cols - 3 : 20);
		ui_view_add(v, UI_A_DIM, "  %s", line);
		while (*help == ' ')
			help++;
	}
}

/* The cards not read, before the clerk leaves the tray. */
static void leave_view(const struct scan_state *st, struct ui_view *v)
{
	const struct ui_scan_model *m = &st->m;
	char line[UI_LINE_BYTES];

	ui_view_add(v, UI_A_TITLE, "  %s %lld  %s %s", _("Count"),
		    (long long)m->session_id, _("Range"), m->range);
	snprintf(line, sizeof(line), _("Not read yet: %zu of %ld cards"),
		 st->unread.n, m->expected);
	ui_view_add(v, UI_A_ALERT, "  ! %s", line);
	ui_text_render(&st->unread, v->rows - 6, v);
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Enter leave the tray (the count stays open)   Esc go "
		      "on counting"));
}

static void scan_view(const struct ui *u, struct ui_view *v)
{
	const struct scan_state *st = u->state;

	if (!st->scanning)
		pick_view(u, st, v);
	else if (st->leaving && !st->m.reader.lost)
		leave_view(st, v);
	else
		ui_scan_render(&st->m, v->cols, v);
}

/* The range's cards, and how many of them this count has read there. */
static int load_range(struct ui *u, struct scan_state *st,
		      const struct wf_scan_pick *k)
{
	char(*ser)[SERIAL_BUF] = NULL;
	size_t n = 0;
	int rc = ledger_range_serials(u->l, k->range, &ser, &n);

	if (rc < 0)
		return ui_ledger_fail(u);
	st->expected = strmap_new(n);
	for (size_t i = 0; st->expected && i < n; i++)
		if (strmap_put(st->expected, ser[i], strlen(ser[i]), 1, NULL) <
		    0)
			break;
	free(ser);
	if (!st->expected || strmap_count(st->expected) != n)
		return ui_nomem(u);
	st->m.expected = (long)n;
	rc = ledger_session_serials(u->l, k->session_id, k->range_id, &ser, &n);
	if (rc < 0)
		return ui_ledger_fail(u);
	for (size_t i = 0; i < n; i++)
		st->m.seen +=
		    strmap_get(st->expected, ser[i], strlen(ser[i]), NULL);
	free(ser);
	return 0;
}

static enum ui_result start_scanning(struct ui *u, struct scan_state *st)
{
	const struct wf_scan_pick *k = &st->pick[st->list.sel];
	struct wf_err e;

	memset(&st->m, 0, sizeof(st->m));
	memset(&st->args, 0, sizeof(st->args));
	st->args.session_id = k->session_id;
	st->args.range = k->range;
	st->args.reader = u->reader;
	st->args.profile = u->profile;
	st->args.rules = &u->conf.rules;
	st->args.actor = &u->who;
	st->args.clock = cli_now;
	if (load_range(u, st, k)) { /* it said why on the message line */
		stop_scanning(st);
		return UI_REDRAW;
	}
	if (ui_reader_open(u, &st->args, &st->m.reader, &e)) {
		ui_fail(u, &e);
		stop_scanning(st);
		return UI_REDRAW;
	}
	st->scanning = 1;
	st->m.session_id = k->session_id;
	snprintf(st->m.range, sizeof(st->m.range), "%s", k->range);
	st->m.last_kind = -1;
	if (!u->msg[0] || u->msg_attr != UI_A_ALERT)
		ui_message(u, UI_A_NORMAL, "%s", "");
	return UI_REDRAW;
}

/* After a read is on disk: the model, the bell. */
static void show_read(struct ui *u, struct scan_state *st,
		      const struct wf_scan_read *res)
{
	int in =
	    strmap_get(st->expected, res->serial, strlen(res->serial), NULL);

	ui_scan_note_read(
	    &st->m, res->outcome, res->why,
	    res->lk.known ? res->lk.card.mgmt_id : "", res->serial,
	    res->lk.card.location,
	    res->lk.known ? card_status_name(res->lk.card.status) : "", in);
	u->bells = res->outcome == RECON_ACCEPTED ? 0
		   : res->outcome == RECON_REPEAT ? 2
						  : 3;
	u->msg[0] = '\0';
	/* A card found while the list of those not read was shown: back
	 * to counting, where it shows. */
	st->leaving = 0;
	ui_text_free(&st->unread);
}

static enum ui_result scan_tick(struct ui *u, int wait_ms)
{
	struct scan_state *st = u->state;
	struct wf_scan_event ev;
	enum ui_result r = UI_IGNORED;

	if (!st->scanning ||
	    !ui_reader_tick(u, &st->m.reader, wait_ms, &ev, &r))
		return r;
	show_read(u, st, &ev.res);
	return UI_REDRAW;
}

static enum ui_result do_undo(struct ui *u, struct scan_state *st)
{
	struct scan_undone un;
	struct wf_err e;

	if (wf_scan_undo(u->l, &u->who, st->m.session_id, st->m.reason,
			 cli_now(), &un, &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	st->m.undo_mode = 0;
	st->m.reason[0] = '\0';
	if (strcmp(un.outcome, "repeat") != 0 &&
	    strmap_get(st->expected, un.serial, strlen(un.serial), NULL) &&
	    strcmp(un.range, st->m.range) == 0 && st->m.seen > 0)
		st->m.seen--;
	if (strcmp(un.outcome, "accepted") == 0 && st->m.accepted > 0)
		st->m.accepted--;
	else if (strcmp(un.outcome, "repeat") == 0 && st->m.repeats > 0)
		st->m.repeats--;
	else if (st->m.alerts > 0)
		st->m.alerts--;
	if (strcmp(st->m.last_serial, un.serial) == 0)
		st->m.last_undone = 1;
	/* The alert stays listed, marked: what happened is not erased. */
	for (int i = st->m.nalerts - 1; i >= 0; i--) {
		if (strcmp(st->m.alert[i].serial, un.serial) == 0 &&
		    !st->m.alert[i].undone) {
			st->m.alert[i].undone = 1;
			break;
		}
	}
	ui_message(u, UI_A_OK, _("Undone: %s %s, it no longer counts"),
		   un.mgmt_id[0] ? un.mgmt_id : "-", un.serial);
	return UI_REDRAW;
}

static enum ui_result typed_read(struct ui *u, struct scan_state *st)
{
	struct wf_scan_read res;
	struct wf_err e;
	int ex = wf_scan_typed(st->m.reader.s, st->m.typed,
			       WF_TYPED_KNOWN_ONLY, &res, &e);

	st->m.typed[0] = '\0';
	if (ex) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	show_read(u, st, &res);
	return UI_REDRAW;
}

/* One card not read, a line of the list (ledger_range_unread_each); 1
 * when it cannot be written. */
static int add_unread(void *ctx, const char *mgmt_id, const char *serial)
{
	char mg[64];

	cols_fit(mg, sizeof(mg), mgmt_id, 12, 1);
	return fprintf(ctx, "    %s %s\n", mg, serial) < 0;
}

/* The range's cards this count has not read (yet) into st->unread.  0,
 * or the exit status (said). */
static int load_unread(struct ui *u, struct scan_state *st)
{
	const struct wf_scan_pick *k = &st->pick[st->list.sel];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc = 1;

	if (f)
		rc = ledger_range_unread_each(u->l, k->range, k->session_id,
					      k->range_id, add_unread, f);
	if (f && fclose(f) != 0 && rc == 0)
		rc = 1;
	if (rc == 0 && ui_text_load(&st->unread, buf, len) < 0)
		rc = 1;
	free(buf);
	if (rc < 0)
		return ui_ledger_fail(u);
	return rc ? ui_nomem(u) : 0;
}

/* q on a tray: when cards of it are not read yet, they are named first
 * and the clerk asked; else the tray is left. */
static enum ui_result ask_leave(struct ui *u, struct scan_state *st)
{
	if (load_unread(u, st))
		return UI_LEAVE; /* it said why on the message line */
	if (st->unread.n == 0)
		return UI_LEAVE;
	st->leaving = 1;
	return UI_REDRAW;
}

static enum ui_result scanning_key(struct ui *u, struct scan_state *st, int key)
{
	struct ui_scan_model *m = &st->m;

	if (m->undo_mode) {
		if (key == UI_KEY_ESC) {
			m->undo_mode = 0;
			m->reason[0] = '\0';
		} else if (key == UI_KEY_ENTER) {
			return m->reason[0] ? do_undo(u, st) : UI_HANDLED;
		} else if (!ui_field_key(m->reason, sizeof(m->reason),
					 UI_FIELD_TEXT, key)) {
			return UI_IGNORED;
		}
		return UI_REDRAW;
	}
	if (ui_field_key(m->typed, sizeof(m->typed), UI_FIELD_HEX, key))
		return UI_REDRAW;
	switch (key) {
	case UI_KEY_ENTER:
		return m->typed[0] ? typed_read(u, st) : UI_HANDLED;
	case 'u':
	case 'U':
		m->undo_mode = 1;
		m->typed[0] = '\0';
		return UI_REDRAW;
	case 'q':
	case UI_KEY_ESC:
		if (m->typed[0]) {
			m->typed[0] = '\0';
			return UI_REDRAW;
		}
		return ask_leave(u, st);
	default:
		return UI_IGNORED;
	}
}

static enum ui_result leaving_key(struct scan_state *st, int key)
{
	int cols, rows;

	ui_term_size(&cols, &rows);
	if (key == UI_KEY_ENTER || key == 'q')
		return UI_LEAVE;
	if (key == UI_KEY_ESC) {
		st->leaving = 0;
		ui_text_free(&st->unread);
		return UI_REDRAW;
	}
	return ui_text_key(&st->unread, key, rows - 6) ? UI_REDRAW : UI_IGNORED;
}

static enum ui_result scan_key(struct ui *u, int key)
{
	struct scan_state *st = u->state;
	int cols, rows;

	if (st->scanning && st->leaving)
		return leaving_key(st, key);
	if (st->scanning)
		return scanning_key(u, st, key);
	ui_term_size(&cols, &rows);
	switch (ui_list_key(&st->list, key, pick_rows(rows))) {
	case UI_LIST_CHOSEN:
		return start_scanning(u, st);
	case UI_LIST_MOVED:
		return UI_REDRAW;
	default:
		break;
	}
	if (key == 'q' || key == UI_KEY_ESC)
		return UI_LEAVE;
	return UI_IGNORED;
}

const struct ui_screen ui_scan_screen = {
    .name = "scan",
    .title = N_("Tray count"),
    .in_menu = 1,
    .step = &wf_step_scan,
    .enter = scan_enter,
    .leave = scan_leave,
    .view = scan_view,
    .key = scan_key,
    .tick = scan_tick,
};
