/*
 * Count resolutions overview (R8; a manager's step, wf_step_count_resolve):
 * every discrepancy still open, of every count not yet closed, in one list
 * that scrolls (a count is closed only once its discrepancies are all
 * resolved, so these are what stand between the office and its closes).
 * Enter on one offers only the reasons the rule allows for it
 * (wf_count_reasons), then a note, then a question, then
 * wf_count_resolve, the function `count resolve` calls.
 */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"
#include "ui_curses.h"

#define RESOLVE_MAX 500

enum { RS_LIST = 0, RS_REASON, RS_NOTE, RS_ASK };

struct resolve_item {
	int64_t count;
	struct disc_item it;
};

struct resolve_screen {
	struct resolve_item *v;
	size_t n;
	struct ui_list list;
	int mode;
	enum recon_reason reason[REASON_COUNT];
	int nreason, rsel;
	char note[RESOLUTION_NOTE_MAX + 1];
	int64_t counts[64]; /* the open counts */
	size_t ncounts;
};

static const char *disc_word(enum recon_disc k)
{
	switch (k) {
	case DISC_MISSING:
		return _("missing");
	case DISC_MISPLACED:
		return _("misplaced");
	case DISC_EXTRA:
		return _("extra");
	default:
		return _("not in stock");
	}
}

static const char *reason_word(enum recon_reason r)
{
	switch (r) {
	case REASON_FOUND_ELSEWHERE:
		return _("found elsewhere");
	case REASON_DATA_ERROR:
		return _("data error");
	case REASON_RECOUNTED:
		return _("recounted");
	default:
		return _("lost");
	}
}

static int keep_count(const struct session_rec *s, void *ctx)
{
	struct resolve_screen *st = ctx;

	if (s->kind != SESSION_TALLY && s->kind != SESSION_COUNTONLY &&
	    st->ncounts < sizeof(st->counts) / sizeof(st->counts[0]))
		st->counts[st->ncounts++] = s->id;
	return 0;
}

/* Fills st with the open discrepancies.  0, or the exit status (said). */
static int load(struct ui *u, struct resolve_screen *st)
{
	struct wf_err e;

	st->n = 0;
	st->ncounts = 0;
	if (ledger_session_open_each(u->l, keep_count, st) < 0)
		return ui_ledger_fail(u);
	for (size_t c = 0; c < st->ncounts; c++) {
		struct disc_list d;
		int rc = wf_count_discrepancies(u->l, st->counts[c], cli_now(),
						&u->conf.rules, &d, &e);

		if (rc) {
			ui_fail(u, &e);
			return rc;
		}
		for (size_t i = 0; i < d.n && st->n < RESOLVE_MAX; i++) {
			if (d.v[i].resolved)
				continue;
			st->v[st->n].count = st->counts[c];
			st->v[st->n].it = d.v[i];
			st->n++;
		}
		disc_list_free(&d);
	}
	ui_list_init(&st->list, st->n);
	return 0;
}

static int resolve_enter(struct ui *u)
{
	struct resolve_screen *st = calloc(1, sizeof(*st));
	int rc;

	if (st)
		st->v = calloc(RESOLVE_MAX, sizeof(*st->v));
	if (!st || !st->v) {
		free(st);
		return ui_nomem(u);
	}
	rc = load(u, st);
	if (rc) {
		free(st->v);
		free(st);
		return rc;
	}
	u->state = st;
	return 0;
}

static void resolve_leave(struct ui *u)
{
	struct resolve_screen *st = u->state;

	if (st)
		free(st->v);
	free(st);
}

/* Rows for the list: the frame 3, title, position, the reasons or the
 * note or the question (up to 6), help. */
static int list_rows(int rows)
{
	return rows - 12 > 1 ? rows - 12 : 1;
}

static const char *card_name(const struct disc_item *it)
{
	return it->mgmt_id[0] ? it->mgmt_id : it->serial;
}

static void resolve_view(const struct ui *u, struct ui_view *v)
{
	const struct resolve_screen *st = u->state;
	int rows = list_rows(v->rows);
	size_t top = ui_list_top(&st->list, rows);
	char pos[32], kind[32];
	const struct resolve_item *cur;

	ui_view_add(v, UI_A_TITLE, "  %s",
		    _("Open discrepancies of the counts not closed"));
	if (st->n == 0) {
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Nothing to resolve: every discrepancy of every "
			      "open count is resolved"));
		ui_view_add(v, UI_A_DIM, "  %s", _("r reload   q back"));
		return;
	}
	for (size_t i = top; i < st->n && (int)(i - top) < rows; i++) {
		const struct resolve_item *r = &st->v[i];

		cols_fit(kind, sizeof(kind), disc_word(r->it.kind), 10, 1);
		ui_view_add(v, i == st->list.sel ? UI_A_SELECTED : UI_A_ALERT,
			    "  %s %-5lld %s %-12s %s%s%s", _("count"),
			    (long long)r->count, kind, card_name(&r->it),
			    r->it.location, r->it.found[0] ? " -> " : "",
			    r->it.found);
	}
	ui_list_position(&st->list, rows, pos, sizeof(pos));
	ui_view_add(v, UI_A_DIM, "  %s", pos);
	cur = &st->v[st->list.sel];
	if (st->mode == RS_LIST) {
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Enter resolve the one highlighted   r reload   "
			      "q back"));
		return;
	}
	ui_view_add(v, UI_A_TITLE, "  %s %s (%s %lld)", _("Resolve"),
		    card_name(&cur->it), _("count"), (long long)cur->count);
	if (st->mode == RS_REASON) {
		for (int i = 0; i < st->nreason; i++)
			ui_view_add(
			    v, i == st->rsel ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %d  %s", i + 1, reason_word(st->reason[i]));
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Up/Down and Enter, or the number.  Esc "
			      "cancels."));
		return;
	}
	ui_form_line(v, _("Note"), st->note, 0, st->mode == RS_NOTE);
	if (st->mode == RS_ASK) {
		char q[UI_LINE_BYTES];

		snprintf(q, sizeof(q), _("Resolve %s as %s?"),
			 card_name(&cur->it),
			 reason_word(st->reason[st->rsel]));
		ui_confirm_view(v, q);
		return;
	}
	ui_view_add(v, UI_A_DIM, "  %s", _("Enter go on   Esc cancel"));
}

static enum ui_result start(struct ui *u, struct resolve_screen *st)
{
	const struct resolve_item *r = &st->v[st->list.sel];
	struct wf_err e;

	/* Refused before a reason is chosen; the workflow checks again. */
	if (wf_may(u->l, &wf_step_count_resolve, &u->who, cli_now(), &e) ||
	    wf_count_reasons(u->l, r->count, &r->it, st->reason, &st->nreason,
			     &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	if (st->nreason == 0) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("No reason fits this discrepancy yet"));
		return UI_REDRAW;
	}
	st->rsel = 0;
	st->note[0] = '\0';
	st->mode = RS_REASON;
	u->msg[0] = '\0';
	return UI_REDRAW;
}

static enum ui_result resolve_one(struct ui *u, struct resolve_screen *st)
{
	const struct resolve_item *r = &st->v[st->list.sel];
	char card[SERIAL_BUF + MGMT_ID_MAX];
	const char *cards[1] = {card};
	enum recon_reason reason = st->reason[st->rsel];
	struct wf_resolved done;
	struct wf_err e;

	snprintf(card, sizeof(card), "%s", card_name(&r->it));
	st->mode = RS_LIST;
	if (wf_count_resolve(u->l, &u->who, r->count, cards, 1, reason,
			     st->note, cli_now(), &u->conf.rules, &done, &e)) {
		ui_fail(u, &e);
		return UI_REDRAW;
	}
	wf_resolved_free(&done);
	if (load(u, st) == 0)
		ui_message(u, UI_A_OK, _("%s resolved: %s"), card,
			   reason_word(reason));
	return UI_REDRAW;
}

static enum ui_result step_key(struct ui *u, struct resolve_screen *st, int key)
{
	if (st->mode == RS_ASK) {
		switch (ui_confirm_key(key)) {
		case UI_CONFIRM_YES:
			return resolve_one(u, st);
		case UI_CONFIRM_NO:
			st->mode = RS_NOTE;
			return UI_REDRAW;
		case UI_CONFIRM_NOT_MINE:
			return UI_IGNORED;
		default:
			return UI_HANDLED;
		}
	}
	if (key == UI_KEY_ESC) {
		st->mode = RS_LIST;
		u->msg[0] = '\0';
		return UI_REDRAW;
	}
	if (st->mode == RS_REASON) {
		if (key == UI_KEY_UP && st->rsel > 0)
			st->rsel--;
		else if (key == UI_KEY_DOWN && st->rsel + 1 < st->nreason)
			st->rsel++;
		else if (key >= '1' && key < '1' + st->nreason) {
			st->rsel = key - '1';
			st->mode = RS_NOTE;
		} else if (key == UI_KEY_ENTER)
			st->mode = RS_NOTE;
		return UI_REDRAW;
	}
	if (key == UI_KEY_ENTER) {
		st->mode = RS_ASK;
		return UI_REDRAW;
	}
	ui_field_key(st->note, sizeof(st->note), UI_FIELD_TEXT, key);
	return UI_REDRAW;
}

static enum ui_result resolve_key(struct ui *u, int key)
{
	struct resolve_screen *st = u->state;
	int cols, rows;

	if (st->mode != RS_LIST)
		return step_key(u, st, key);
	if (key == 'q' || key == UI_KEY_ESC)
		return UI_LEAVE;
	if (key == 'r' || key == 'R') {
		load(u, st); /* a failure says why on the message line */
		return UI_REDRAW;
	}
	ui_term_size(&cols, &rows);
	switch (ui_list_key(&st->list, key, list_rows(rows))) {
	case UI_LIST_CHOSEN:
		return st->n ? start(u, st) : UI_HANDLED;
	case UI_LIST_MOVED:
		return UI_REDRAW;
	default:
		return UI_IGNORED;
	}
}

const struct ui_screen ui_resolve_screen = {
    .name = "resolve",
    .title = N_("Count resolutions"),
    .in_menu = 1,
    .step = &wf_step_count_resolve,
    .enter = resolve_enter,
    .leave = resolve_leave,
    .view = resolve_view,
    .key = resolve_key,
};
