/*
 * An open count, and closing it: per range its assignee and expected /
 * seen (reconcile/'s per-range figures, or a count-only check's totals),
 * the discrepancies with their resolution state; a manager resolves one
 * (only the reasons recon_resolution_valid allows for its kind, and a
 * note), orders a recount of a range by someone else, and closes the
 * count.  With discrepancies the witness -- a manager other than the one
 * closing -- logs in on this screen.  Every step is the command's own
 * workflow (wf_count_view, wf_count_resolve, wf_count_recount,
 * wf_count_close), so the rules and their refusals are the same as at the
 * command line, here translated.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "ui.h"

#define PICKS_MAX 64

struct count_state {
	int picked; /* 0: choosing a count */
	int64_t pick[PICKS_MAX];
	char pick_kind[PICKS_MAX][16];
	size_t npicks, sel;
	struct ui_count_model m;
	struct disc_list disc; /* what m.d shows, for resolving */
};

/* ---- the view: pure, tested in tests/test_ui.c ---- */

static size_t window(size_t sel, size_t n, size_t room)
{
	if (room < 1)
		room = 1;
	if (n <= room || sel < room)
		return 0;
	return sel - room + 1;
}

static const char *reason_label(int r)
{
	switch (r) {
	case REASON_FOUND_ELSEWHERE:
		return _("found elsewhere");
	case REASON_DATA_ERROR:
		return _("data error (the ledger was wrong)");
	case REASON_RECOUNTED:
		return _("recounted (a recount found it)");
	default:
		return _("lost (an incident)");
	}
}

static void ranges_part(const struct ui_count_model *m, size_t room,
			struct ui_view *v)
{
	size_t top = window(m->rsel, m->nr, room);
	char path[LOCATION_MAX + 8], seen[24], who[64], hexp[48], hseen[48];

	/* Padded by display columns (cols_fit), not bytes: a Japanese header
	 * stands over its numbers. */
	cols_fit(path, sizeof(path), _("Range"), 26, 1);
	cols_fit(who, sizeof(who), _("Assignee"), 8, 1);
	ui_fit_right(hexp, sizeof(hexp), _("Expected"), 9);
	ui_fit_right(hseen, sizeof(hseen), _("Seen"), 6);
	ui_view_add(v, UI_A_TITLE, "  %s %s %s %s", path, who, hexp, hseen);
	for (size_t i = top; i < m->nr && i - top < room; i++) {
		const struct ui_cv_range *r = &m->r[i];
		int sel = m->focus == 0 && i == m->rsel;

		cols_fit(path, sizeof(path), r->path, 26, 1);
		cols_fit(who, sizeof(who),
		       r->assignee[0] ? r->assignee : _("anyone"), 8, 1);
		if (r->seen < 0)
			snprintf(seen, sizeof(seen), "-");
		else
			snprintf(seen, sizeof(seen), "%ld", r->seen);
		ui_view_add(v,
			    sel ? UI_A_SELECTED
			    : m->notstarted && r->seen == 0 ? UI_A_DIM
			    : r->seen >= 0 && r->seen != r->expected
				? UI_A_ALERT
				: UI_A_NORMAL,
			    "  %s %s %9ld %6s", path, who, r->expected, seen);
	}
}

static void disc_part(const struct ui_count_model *m, size_t room,
		      struct ui_view *v)
{
	size_t top = window(m->dsel, m->nd, room);
	char card[32], where[48], kind[48];

	if (m->kind == SESSION_COUNTONLY) {
		ui_view_add(v, m->offrange ? UI_A_ALERT : UI_A_NORMAL,
			    "  %s: %zu", _("Ranges whose total is off"),
			    m->offrange);
		return;
	}
	snprintf(card, sizeof(card), "%zu", m->nd);
	snprintf(where, sizeof(where), "%zu", m->unresolved);
	ui_view_add(v, m->unresolved ? UI_A_ALERT : UI_A_TITLE,
		    "  %s: %s, %s %s", _("Discrepancies"), card, where,
		    _("without a resolution"));
	if (m->notstarted)
		ui_view_add(v, UI_A_DIM,
			    ngettext("  %zu range with no card read yet: its "
				     "%zu missing cards are listed last",
				     "  %zu ranges with no card read yet: their "
				     "%zu missing cards are listed last",
				     m->notstarted),
			    m->notstarted, m->notstarted_cards);
	for (size_t i = top; i < m->nd && i - top < room; i++) {
		const struct disc_item_view *d = &m->d[i];
		int sel = m->focus == 1 && i == m->dsel;

		cols_fit(card, sizeof(card), d->card, 12, 1);
		cols_fit(where, sizeof(where), d->where, 18, 1);
		cols_fit(kind, sizeof(kind), ui_word(recon_disc_name(d->kind)), 9,
		       1);
		if (d->resolved)
			ui_view_add(v, sel ? UI_A_SELECTED : UI_A_OK,
				    "  [%s] %s %s %s %s %s", kind, card, where,
				    _("resolved"), ui_word(d->reason), d->by);
		else
			ui_view_add(v, sel ? UI_A_SELECTED : UI_A_ALERT,
				    "  [%s] %s %s ! %s", kind, card, where,
				    _("OPEN"));
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

static void ui_count_render_body(const struct ui_count_model *m,
				 struct ui_view *v)
{
	int body = v->rows - 3; /* what the frame leaves */
	size_t below = m->asking		  ? 2
		       : m->mode == UI_CV_BROWSE  ? 1
		       : m->mode == UI_CV_REASON  ? (size_t)m->nreason + 2
		       : m->mode == UI_CV_WITNESS ? 4
						  : 2;
	size_t room = body > 8 ? (size_t)body - 4 - below : 2;
	size_t rroom = m->nr < room / 2 ? m->nr : room / 2;

	if (rroom < 1)
		rroom = 1;
	ui_view_add(v, UI_A_TITLE, "  %s %lld (%s)", _("Count"),
		    (long long)m->id, ui_word(session_kind_name(m->kind)));
	ranges_part(m, rroom, v);
	disc_part(m, room - rroom > 0 ? room - rroom : 1, v);
	if (m->asking) {
		char q[UI_LINE_BYTES];

		if (m->asking == UI_CV_ASK_LOST)
			snprintf(q, sizeof(q),
				 _("Declare %s lost? An incident: the card is "
				   "recorded lost"),
				 m->d[m->dsel].card);
		else
			snprintf(q, sizeof(q),
				 _("Close count %lld? Its results are recorded "
				   "and it takes no more reads"),
				 (long long)m->id);
		ui_confirm_view(v, q);
		return;
	}
	switch (m->mode) {
	case UI_CV_REASON:
		ui_view_add(v, UI_A_TITLE, "  %s %s", _("Resolve"),
			    m->d[m->dsel].card);
		for (int i = 0; i < m->nreason; i++)
			ui_view_add(
			    v,
			    i == m->rsel_reason ? UI_A_SELECTED : UI_A_NORMAL,
			    "   %d  %s", i + 1, reason_label(m->reason[i]));
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Only the reasons valid for this kind.  Enter "
			      "chooses, Esc cancels."));
		break;
	case UI_CV_NOTE:
		input_line(v, _("Note (Enter records the resolution)"),
			   m->note);
		ui_view_add(v, UI_A_DIM, "  %s %s", _("Reason:"),
			    reason_label(m->reason[m->rsel_reason]));
		break;
	case UI_CV_RECOUNT:
		input_line(v, _("Who recounts it (staff code)"), m->typed);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Someone who did not count it first.  Esc "
			      "cancels."));
		break;
	case UI_CV_WITNESS:
		ui_view_add(v, UI_A_TITLE, "  %s",
			    _("The count has discrepancies: a manager "
			      "witnesses the close"));
		ui_second_view(&m->form, _("Witness"), NULL, v);
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("A manager other than you: code, Enter, PIN, "
			      "Enter.  Esc cancels."));
		break;
	default:
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("Tab ranges/discrepancies  r resolve  n recount "
			      " c close  g reload  q back"));
		break;
	}
}

void ui_count_render(const struct ui_count_model *m, struct ui_view *v)
{
	int from = v->nlines;

	ui_count_render_body(m, v);
	ui_view_fit_lines(v, from);
}

/* ---- loading ---- */

static void model_free(struct count_state *st)
{
	free(st->m.r);
	free(st->m.d);
	st->m.r = NULL;
	st->m.d = NULL;
	st->m.nr = st->m.nd = 0;
	disc_list_free(&st->disc);
}

/* The overview of count id from the count workflow (wf_count_view) into
 * the model; 0, or the exit status with *e. */
/*
 * While a count is open, a range nobody has read a card of yet may simply
 * not be started: its cards are missing only as far as the ledger knows,
 * and a hundred of them at the top of the list hide the real discrepancies
 * (issue 18).  They stay in the list -- an emptied tray reads nothing and
 * its cards must be resolvable -- but come last, and a line says why.
 * m->r[] (expected, seen) must be filled; sets m->notstarted and
 * m->notstarted_cards.
 */
void ui_count_not_read_last(struct ui_count_model *m, struct disc_list *dl)
{
	struct disc_item tmp;
	size_t k = 0;

	for (size_t i = 0; i < m->nr; i++)
		m->notstarted += m->r[i].seen == 0 && m->r[i].expected > 0;
	if (!m->notstarted)
		return;
	/* A stable partition: the others in their order, then these. */
	for (size_t i = 0; i < dl->n; i++) {
		const struct disc_item *it = &dl->v[i];
		int later = 0;

		for (size_t r = 0; !later && it->kind == DISC_MISSING &&
				   !it->resolved && r < m->nr;
		     r++)
			later = m->r[r].seen == 0 &&
				strcmp(m->r[r].path, it->location) == 0;
		if (later) {
			m->notstarted_cards++;
			continue;
		}
		if (k != i) {
			tmp = dl->v[i];
			memmove(&dl->v[k + 1], &dl->v[k],
				(i - k) * sizeof(dl->v[0]));
			dl->v[k] = tmp;
		}
		k++;
	}
}

static int load(struct ui *u, struct count_state *st, int64_t id,
		struct wf_err *e)
{
	struct ui_count_model *m = &st->m;
	struct wf_count_view cv;
	size_t rsel = m->rsel, dsel = m->dsel;
	int focus = m->focus, rc;

	model_free(st);
	memset(m, 0, sizeof(*m));
	m->id = id;
	rc = wf_count_view(u->l, id, cli_now(), &u->conf.rules, &cv, e);
	if (rc)
		return rc;
	m->kind = cv.sess.kind;
	m->offrange = cv.offrange;
	m->r = calloc(cv.nr ? cv.nr : 1, sizeof(*m->r));
	m->d = calloc(cv.disc.n ? cv.disc.n : 1, sizeof(*m->d));
	if (!m->r || !m->d) {
		wf_count_view_free(&cv);
		return wf_fail(e, WF_E_NOMEM);
	}
	m->nr = cv.nr;
	for (size_t i = 0; i < cv.nr; i++) {
		snprintf(m->r[i].path, sizeof(m->r[i].path), "%s",
			 cv.r[i].path);
		snprintf(m->r[i].assignee, sizeof(m->r[i].assignee), "%s",
			 cv.r[i].assignee);
		m->r[i].expected = (long)cv.r[i].expected;
		m->r[i].seen = (long)cv.r[i].seen;
	}
	/* The list the resolutions are chosen from, the workflow's own. */
	st->disc = cv.disc;
	memset(&cv.disc, 0, sizeof(cv.disc));
	if (!cv.sess.closed_at)
		ui_count_not_read_last(m, &st->disc);
	wf_count_view_free(&cv);
	m->nd = st->disc.n;
	m->unresolved = st->disc.unresolved;
	for (size_t i = 0; i < m->nd; i++) {
		const struct disc_item *it = &st->disc.v[i];
		struct disc_item_view *d = &m->d[i];

		d->kind = it->kind;
		snprintf(d->card, sizeof(d->card), "%s",
			 it->mgmt_id[0] ? it->mgmt_id : it->serial);
		snprintf(d->where, sizeof(d->where), "%s%s%s",
			 it->location[0] ? it->location : "-",
			 it->found[0] ? ">" : "", it->found);
		d->resolved = it->resolved;
		if (it->resolved) {
			snprintf(d->reason, sizeof(d->reason), "%s",
				 it->res.reason);
			snprintf(d->by, sizeof(d->by), "%s", it->res.by);
		}
	}
	/* Where the operator was, after a resolution or a reload. */
	m->focus = focus;
	m->rsel = rsel < m->nr ? rsel : 0;
	m->dsel = dsel < m->nd ? dsel : 0;
	return 0;
}

static int add_pick(const struct session_rec *s, void *ctx)
{
	struct count_state *st = ctx;

	if (s->kind == SESSION_TALLY || st->npicks == PICKS_MAX)
		return 0;
	st->pick[st->npicks] = s->id;
	snprintf(st->pick_kind[st->npicks], sizeof(st->pick_kind[0]), "%s",
		 session_kind_name(s->kind));
	st->npicks++;
	return 0;
}

static int load_picks(struct ui *u, struct count_state *st, struct wf_err *e)
{
	st->npicks = 0;
	st->sel = 0;
	st->picked = 0;
	if (ledger_session_open_each(u->l, add_pick, st) < 0)
		return wf_fail_ledger(e, u->l);
	return 0;
}

static int count_enter(struct ui *u)
{
	struct count_state *st = calloc(1, sizeof(*st));
	struct wf_err e;

	if (!st) {
		wf_fail(&e, WF_E_NOMEM);
		ui_fail(u, &e);
		return wf_exit(e.code);
	}
	if (load_picks(u, st, &e)) {
		free(st);
		ui_fail(u, &e);
		return wf_exit(e.code);
	}
	u->state = st;
	return 0;
}

static void count_leave(struct ui *u)
{
	struct count_state *st = u->state;

	if (!st)
		return;
	model_free(st);
	free(st);
}

static void count_view(const struct ui *u, struct ui_view *v)
{
	const struct count_state *st = u->state;

	if (st->picked) {
		ui_count_render(&st->m, v);
		return;
	}
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_TITLE, "  %s", _("Choose an open count"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	for (size_t i = 0; i < st->npicks; i++)
		ui_view_add(v, i == st->sel ? UI_A_SELECTED : UI_A_NORMAL,
			    "  %2zu  %s %lld  %s", i + 1, _("Count"),
			    (long long)st->pick[i], ui_word(st->pick_kind[i]));
	if (st->npicks == 0)
		ui_view_add(v, UI_A_DIM, "  %s", _("No count is open"));
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_view_add(v, UI_A_DIM, "  %s",
		    _("Up/Down and Enter, or the number.  q back."));
}

/* ---- actions ---- */

/* Shows a refusal; the screen stays as it was. */
static enum ui_result refuse(struct ui *u, const struct wf_err *e)
{
	ui_fail(u, e);
	return UI_REDRAW;
}

static enum ui_result start_resolve(struct ui *u, struct count_state *st)
{
	struct ui_count_model *m = &st->m;
	enum recon_reason fits[REASON_COUNT];
	const struct disc_item *it;
	struct wf_err e;
	int n;

	if (m->nd == 0 || m->focus != 1) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("Choose a discrepancy first (Tab, Up/Down)"));
		return UI_REDRAW;
	}
	/* Refused before a reason is chosen; the workflow checks again. */
	if (wf_may(u->l, &wf_step_count_resolve, &u->who, cli_now(), &e))
		return refuse(u, &e);
	it = &st->disc.v[m->dsel];
	if (it->resolved) {
		ui_message(u, UI_A_ALERT, _("%s is resolved already"),
			   m->d[m->dsel].card);
		return UI_REDRAW;
	}
	if (wf_count_reasons(u->l, m->id, it, fits, &n, &e))
		return refuse(u, &e);
	m->nreason = 0;
	for (int i = 0; i < n && m->nreason < (int)(sizeof(m->reason) /
						    sizeof(m->reason[0]));
	     i++)
		m->reason[m->nreason++] = (int)fits[i];
	if (m->nreason == 0) {
		ui_message(u, UI_A_ALERT, "%s",
			   _("No reason fits this discrepancy yet"));
		return UI_REDRAW;
	}
	m->rsel_reason = 0;
	m->note[0] = '\0';
	m->mode = UI_CV_REASON;
	return UI_REDRAW;
}

static enum ui_result do_resolve(struct ui *u, struct count_state *st)
{
	struct ui_count_model *m = &st->m;
	const struct disc_item *it = &st->disc.v[m->dsel];
	char card[SERIAL_BUF + MGMT_ID_MAX];
	const char *cards[1] = {card};
	enum recon_reason reason = m->reason[m->rsel_reason];
	struct wf_resolved done;
	struct wf_err e;

	snprintf(card, sizeof(card), "%s",
		 it->mgmt_id[0] ? it->mgmt_id : it->serial);
	m->mode = UI_CV_BROWSE;
	if (wf_count_resolve(u->l, &u->who, m->id, cards, 1, reason, m->note,
			     cli_now(), &u->conf.rules, &done, &e))
		return refuse(u, &e);
	wf_resolved_free(&done);
	ui_message(u, UI_A_OK, _("%s resolved: %s"), card,
		   ui_word(recon_reason_name(reason)));
	if (load(u, st, m->id, &e))
		return refuse(u, &e);
	return UI_REDRAW;
}

static enum ui_result do_recount(struct ui *u, struct count_state *st)
{
	struct ui_count_model *m = &st->m;
	char range[LOCATION_MAX + 1];
	struct wf_err e;
	int64_t rid = 0;

	snprintf(range, sizeof(range), "%s", m->r[m->rsel].path);
	m->mode = UI_CV_BROWSE;
	if (wf_count_recount(u->l, &u->who, m->id, range, m->typed, cli_now(),
			     &rid, &e))
		return refuse(u, &e);
	ui_message(u, UI_A_OK, _("Recount %lld of %s opened for %s"),
		   (long long)rid, range, m->typed);
	m->typed[0] = '\0';
	return UI_REDRAW;
}

/* Closes the count through the count workflow; code and pin NULL: no
 * witness logged in (yet).  When the count needs one, the form for the
 * witness opens. */
static enum ui_result do_close(struct ui *u, struct count_state *st,
			       const char *code, const char *pin)
{
	struct ui_count_model *m = &st->m;
	struct wf_count_closed done;
	struct wf_err e;
	int64_t id = m->id;

	if (pin && *pin)
		ui_checking_pin(u);
	if (wf_count_close(u->l, &u->who, id, code, pin, cli_now(),
			   &u->conf.rules, &done, &e)) {
		if (e.code == WF_E_COUNT_WITNESS && !code) {
			/* Discrepancies all resolved: the witness logs in
			 * here. */
			ui_second_clear(&m->form);
			m->mode = UI_CV_WITNESS;
			ui_message(u, UI_A_NORMAL, "%s", "");
		} else if (code) {
			m->mode = UI_CV_WITNESS;
			ui_second_refused(u, &m->form, &e);
		} else {
			ui_fail(u, &e);
		}
		return UI_REDRAW;
	}
	ui_second_clear(&m->form);
	m->mode = UI_CV_BROWSE;
	if (done.witnessed)
		ui_message(u, UI_A_OK, _("Count %lld closed, witnessed by %s"),
			   (long long)id, done.witness);
	else
		ui_message(u, UI_A_OK, _("Count %lld closed"), (long long)id);
	model_free(st);
	if (load_picks(u, st, &e))
		return refuse(u, &e);
	return UI_REDRAW;
}

static enum ui_result browse_key(struct ui *u, struct count_state *st, int key)
{
	struct ui_count_model *m = &st->m;
	struct wf_err e;

	switch (key) {
	case UI_KEY_TAB:
		m->focus = !m->focus;
		return UI_REDRAW;
	case UI_KEY_UP:
		if (m->focus == 0 && m->rsel > 0)
			m->rsel--;
		else if (m->focus == 1 && m->dsel > 0)
			m->dsel--;
		return UI_REDRAW;
	case UI_KEY_DOWN:
		if (m->focus == 0 && m->rsel + 1 < m->nr)
			m->rsel++;
		else if (m->focus == 1 && m->dsel + 1 < m->nd)
			m->dsel++;
		return UI_REDRAW;
	case 'r':
		return start_resolve(u, st);
	case 'n':
		if (wf_may(u->l, &wf_step_count_recount, &u->who, cli_now(),
			   &e))
			return refuse(u, &e);
		if (m->nr == 0)
			return UI_HANDLED;
		m->focus = 0;
		m->typed[0] = '\0';
		m->mode = UI_CV_RECOUNT;
		return UI_REDRAW;
	case 'c':
		/* With a discrepancy open the close is refused (said by the
		 * workflow); else the question first. */
		if (m->unresolved > 0)
			return do_close(u, st, NULL, NULL);
		if (wf_may(u->l, &wf_step_count_close, &u->who, cli_now(), &e))
			return refuse(u, &e);
		m->asking = UI_CV_ASK_CLOSE;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case 'g':
		if (load(u, st, m->id, &e))
			return refuse(u, &e);
		return UI_REDRAW;
	case 'q':
	case UI_KEY_ESC:
		model_free(st);
		if (load_picks(u, st, &e))
			return refuse(u, &e);
		return UI_REDRAW;
	default:
		return UI_IGNORED;
	}
}

static enum ui_result count_key(struct ui *u, int key)
{
	struct count_state *st = u->state;
	struct ui_count_model *m = &st->m;
	struct wf_err e;
	size_t n;

	if (!st->picked) {
		if (key == UI_KEY_UP && st->sel > 0)
			st->sel--;
		else if (key == UI_KEY_DOWN && st->sel + 1 < st->npicks)
			st->sel++;
		else if ((key == UI_KEY_ENTER && st->npicks) ||
			 (key >= '1' && key <= '9' &&
			  (size_t)(key - '1') < st->npicks)) {
			if (key != UI_KEY_ENTER)
				st->sel = (size_t)(key - '1');
			memset(m, 0, sizeof(*m));
			if (load(u, st, st->pick[st->sel], &e))
				return refuse(u, &e);
			st->picked = 1;
		} else if (key == 'q' || key == UI_KEY_ESC)
			return UI_LEAVE;
		else
			return UI_IGNORED;
		return UI_REDRAW;
	}
	if (m->asking) {
		int what = m->asking;

		switch (ui_confirm_key(key)) {
		case UI_CONFIRM_YES:
			m->asking = UI_CV_ASK_NONE;
			return what == UI_CV_ASK_LOST
				   ? do_resolve(u, st)
				   : do_close(u, st, NULL, NULL);
		case UI_CONFIRM_NO:
			/* Declaring lost: back to the note, as it was. */
			m->asking = UI_CV_ASK_NONE;
			return UI_REDRAW;
		case UI_CONFIRM_NOT_MINE:
			return UI_IGNORED;
		default:
			return UI_HANDLED;
		}
	}
	switch (m->mode) {
	case UI_CV_REASON:
		if (key == UI_KEY_UP && m->rsel_reason > 0)
			m->rsel_reason--;
		else if (key == UI_KEY_DOWN && m->rsel_reason + 1 < m->nreason)
			m->rsel_reason++;
		else if (key >= '1' && key < '1' + m->nreason) {
			m->rsel_reason = key - '1';
			m->mode = UI_CV_NOTE;
		} else if (key == UI_KEY_ENTER)
			m->mode = UI_CV_NOTE;
		else if (key == UI_KEY_ESC)
			m->mode = UI_CV_BROWSE;
		else
			return UI_IGNORED;
		return UI_REDRAW;
	case UI_CV_NOTE:
		if (key == UI_KEY_ENTER &&
		    m->reason[m->rsel_reason] == REASON_LOST) {
			m->asking = UI_CV_ASK_LOST;
			return UI_REDRAW;
		}
		if (key == UI_KEY_ENTER)
			return do_resolve(u, st);
		if (key == UI_KEY_ESC)
			m->mode = UI_CV_BROWSE;
		else if (key == UI_KEY_BACKSPACE)
			ui_text_backspace(m->note);
		else if (key >= 0x20 && key < 0x110000)
			ui_text_append(m->note, sizeof(m->note), key);
		else
			return UI_IGNORED;
		return UI_REDRAW;
	case UI_CV_RECOUNT:
		n = strlen(m->typed);
		if (key == UI_KEY_ENTER)
			return m->typed[0] ? do_recount(u, st) : UI_HANDLED;
		if (key == UI_KEY_ESC)
			m->mode = UI_CV_BROWSE;
		else if (key == UI_KEY_BACKSPACE && n > 0)
			m->typed[n - 1] = '\0';
		else if (key > 0x20 && key < 0x7f && n + 1 < sizeof(m->typed)) {
			m->typed[n] = (char)key;
			m->typed[n + 1] = '\0';
		} else
			return UI_IGNORED;
		return UI_REDRAW;
	case UI_CV_WITNESS:
		switch (ui_second_key(&m->form, key)) {
		case UI_SECOND_DONE: {
			/* The workflow checks the witness (wf_witness) and
			 * closes; a refusal keeps the form open. */
			char code[sizeof(m->form.code)],
			    pin[sizeof(m->form.pin)];
			enum ui_result r;

			memcpy(code, m->form.code, sizeof(code));
			memcpy(pin, m->form.pin, sizeof(pin));
			r = do_close(u, st, code, pin);
			sodium_memzero(pin, sizeof(pin));
			return r;
		}
		case UI_SECOND_CANCEL:
			m->mode = UI_CV_BROWSE;
			return UI_REDRAW;
		case UI_SECOND_NOT_MINE:
			return UI_IGNORED;
		default:
			return UI_REDRAW;
		}
	default:
		return browse_key(u, st, key);
	}
}

const struct ui_screen ui_count_screen = {
    .name = "count",
    .title = N_("Count overview and close"),
    .in_menu = 1,
    .step = &wf_step_count_close,
    .enter = count_enter,
    .leave = count_leave,
    .view = count_view,
    .key = count_key,
};
