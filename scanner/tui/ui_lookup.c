/*
 * The single-card lookup, read-only and open to every role (a part-timer
 * at the counter may look a card up): present a card, or type or wedge
 * its management ID or number and Enter, and see its record (status,
 * home, dates, whether it is due for disposal), who has it out, where
 * and when it was last seen, and its history -- movements, reads in
 * counts and tallies, resolutions, disposal -- newest first.  Everything
 * comes from the ledger functions the reports use (ledger_card_by_*,
 * ledger_last_seen, ledger_card_history_each, recon_disposal_due);
 * nothing is written.
 */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../workflow/wf_scan.h"
#include "ui.h"

struct lookup_state {
	struct ui_lookup_model m;
};

/* ---- the model: pure, tested in tests/test_ui.c ---- */

int ui_lookup_add_event(void *ctx, const struct card_event *e)
{
	struct ui_lookup_model *m = ctx;
	struct ui_history_item *h;

	if (m->nhist == UI_HISTORY_MAX) {
		memmove(m->hist, m->hist + 1,
			(UI_HISTORY_MAX - 1) * sizeof(m->hist[0]));
		m->nhist--;
		m->more = 1;
	}
	h = &m->hist[m->nhist++];
	memset(h, 0, sizeof(*h));
	h->at = e->at;
	h->kind = e->kind;
	snprintf(h->what, sizeof(h->what), "%s", e->what);
	snprintf(h->detail, sizeof(h->detail), "%s", e->detail);
	h->session = e->session;
	snprintf(h->session_kind, sizeof(h->session_kind), "%s",
		 e->session_kind);
	snprintf(h->where, sizeof(h->where), "%s", e->where);
	snprintf(h->by, sizeof(h->by), "%s", e->by);
	h->undone = e->undone;
	return 0;
}

static const char *movement_text(const char *kind)
{
	if (strcmp(kind, "checkout") == 0)
		return _("Checked out");
	if (strcmp(kind, "return") == 0)
		return _("Returned");
	if (strcmp(kind, "issue") == 0)
		return _("Issued");
	if (strcmp(kind, "move") == 0)
		return _("Moved");
	return kind;
}

static const char *outcome_text(const char *outcome)
{
	if (strcmp(outcome, "accepted") == 0)
		return _("accepted");
	if (strcmp(outcome, "repeat") == 0)
		return _("repeat");
	return _("alert");
}

void ui_lookup_history_text(const struct ui_history_item *h, char *out,
			    size_t cap)
{
	char when[UI_TIME_BUF];

	ui_time_short(h->at, when);
	switch (h->kind) {
	case CARD_EV_CUSTODY:
		snprintf(out, cap, "%s  %s  %s %s  %s", when,
			 movement_text(h->what), _("by"), h->by, h->where);
		if (h->detail[0]) {
			size_t n = strlen(out);

			snprintf(out + n, cap - n, "  (%s %s)", _("for"),
				 h->detail);
		}
		break;
	case CARD_EV_READ:
		snprintf(out, cap, "%s  %s %lld%s%s  %s %s: %s%s%s%s", when,
			 strcmp(h->session_kind, "tally") == 0
			     ? _("Read in tally")
			     : _("Read in count"),
			 (long long)h->session, h->where[0] ? " " : "",
			 h->where, _("by"), h->by, outcome_text(h->what),
			 h->detail[0] ? " (" : "", h->detail,
			 h->detail[0] ? ")" : "");
		if (h->undone) {
			size_t n = strlen(out);

			snprintf(out + n, cap - n, "  [%s]", _("undone"));
		}
		break;
	case CARD_EV_RESOLUTION:
		snprintf(out, cap, "%s  %s %lld  %s %s: %s, %s", when,
			 _("Resolved in count"), (long long)h->session, _("by"),
			 h->by, h->detail, h->what);
		break;
	case CARD_EV_DISPOSAL:
		snprintf(out, cap, "%s  %s D%lld  %s %s (%s)", when,
			 _("Scanned into disposal"), (long long)h->session,
			 _("by"), h->by, h->what);
		break;
	default:
		snprintf(out, cap, "%s  %s", when, h->what);
		break;
	}
}

/* The reason a card is due, in the current language. */
static const char *due_text(enum recon_due_why why)
{
	switch (why) {
	case DUE_REMINDER:
		return _("not collected after the reminder");
	case DUE_MOVED:
		return _("the applicant moved away");
	case DUE_DECEASED:
		return _("the applicant died");
	case DUE_CANCELLED:
		return _("cancelled");
	default:
		return "";
	}
}

static void card_lines(const struct ui_lookup_model *m, struct ui_view *v)
{
	const struct card_rec *c = &m->card;
	char rec[11], notice[11], rem[11], since[11], when[UI_TIME_BUF];

	ui_view_add(v, UI_A_TITLE, "  %s  %s  %s", c->mgmt_id, c->serial,
		    ui_card_status(c->status, 0));
	ui_view_add(v, UI_A_NORMAL, "  %s: %s", _("Home"), c->location);
	ui_date_text(c->received, rec);
	ui_date_text(c->notice_sent, notice);
	ui_date_text(c->reminder_sent, rem);
	ui_view_add(v, UI_A_NORMAL, "  %s %s   %s %s   %s %s", _("Received"),
		    rec, _("Notice"), notice, _("Reminder"), rem);
	if (m->due != DUE_NOT) {
		ui_date_text(m->due_since, since);
		ui_view_add(v, UI_A_ALERT, "  [D] %s: %s%s%s",
			    _("Due for disposal"), due_text(m->due),
			    m->due_since != DATE_NONE ? ", " : "",
			    m->due_since != DATE_NONE ? since : "");
	} else {
		ui_view_add(v, UI_A_NORMAL, "  %s", _("Not due for disposal"));
	}
	if (c->status == CARD_CHECKED_OUT)
		ui_view_add(v, UI_A_NORMAL, "  %s %s", _("Checked out by"),
			    m->checked_out_by[0] ? m->checked_out_by : "?");
	if (m->seen.at) {
		char where[LOCATION_MAX + 1];

		/* A tally's read is at the window, in no range. */
		if (m->seen.tally)
			snprintf(where, sizeof(where), _("in tally %lld"),
				 (long long)m->seen.tally);
		else
			snprintf(where, sizeof(where), "%s",
				 m->seen.location[0] ? m->seen.location : "?");
		ui_time_short(m->seen.at, when);
		ui_view_add(v, UI_A_NORMAL, "  %s: %s  %s  %s %s",
			    _("Last seen"), when, where, _("by"), m->seen.by);
	} else {
		ui_view_add(v, UI_A_DIM, "  %s: -", _("Last seen"));
	}
}

void ui_lookup_render(const struct ui_lookup_model *m, int cols, int rows,
		      struct ui_view *v)
{
	char line[UI_LINE_BYTES], cut[UI_LINE_BYTES];
	int room;

	if (ui_reader_banner(&m->reader, NULL, v))
		return;
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	ui_form_line(v, _("Card or management ID"), m->typed, 0, 1);
	ui_reader_view(&m->reader,
		       _("Present a card, or type its number or management ID "
			 "and Enter"),
		       v);
	ui_view_add(v, UI_A_NORMAL, "%s", "");
	if (m->state == 0)
		return;
	if (m->state == 2) {
		ui_view_add(v, UI_A_ALERT, "  [?] %s: %s",
			    _("No card with this number or management ID"),
			    m->asked);
		return;
	}
	card_lines(m, v);
	ui_view_add(v, UI_A_TITLE, "  %s (%d%s)", _("History, newest first"),
		    m->nhist, m->more ? "+" : "");
	/* Header, message and key help take 3 rows, one for "more". */
	room = rows - 3 - v->nlines - 1;
	for (int i = m->nhist - 1 - m->top; i >= 0 && room > 0; i--, room--) {
		ui_lookup_history_text(&m->hist[i], line, sizeof(line));
		cols_fit(cut, sizeof(cut), line, cols - 5, 0);
		ui_view_add(v, m->hist[i].undone ? UI_A_DIM : UI_A_NORMAL,
			    "    %s", cut);
	}
	if (m->nhist - m->top > rows - 3 - v->nlines + 1 || m->top > 0)
		ui_view_add(v, UI_A_DIM, "  %s",
			    _("(more: Down / Up scroll the history)"));
	if (m->nhist == 0)
		ui_view_add(v, UI_A_DIM, "    %s", _("none"));
}

/* ---- the screen ---- */

static int lookup_enter(struct ui *u)
{
	struct lookup_state *st = calloc(1, sizeof(*st));

	if (!st)
		return ui_nomem(u);
	ui_reader_open_plain(u, &st->m.reader);
	u->state = st;
	return 0;
}

static void lookup_leave(struct ui *u)
{
	struct lookup_state *st = u->state;
	struct wf_err e;

	if (st)
		ui_reader_close(&st->m.reader, &e);
	free(st);
}

static void lookup_view(const struct ui *u, struct ui_view *v)
{
	const struct lookup_state *st = u->state;

	ui_lookup_render(&st->m, v->cols, v->rows, v);
}

/* Looks the card up: by serial when read, else by management ID and
 * then by serial (a barcode may carry either).  Returns 1 when found. */
static int lookup(struct ui *u, struct lookup_state *st, const char *what,
		  int read)
{
	struct ui_lookup_model *m = &st->m;
	char serial[SERIAL_BUF];
	int64_t now = cli_now();
	int rc = LEDGER_ERR_NOTFOUND;

	m->top = 0;
	m->nhist = 0;
	m->more = 0;
	snprintf(m->asked, sizeof(m->asked), "%s", what);
	if (!read)
		rc = ledger_card_by_mgmt(u->l, what, &m->card);
	if (rc == LEDGER_ERR_NOTFOUND &&
	    serial_normalize(what, strlen(what), serial) == 0)
		rc = ledger_card_by_serial(u->l, serial, &m->card);
	if (rc == LEDGER_ERR_NOTFOUND) {
		m->state = 2;
		u->bells = 3;
		return 0;
	}
	if (rc == 0)
		rc = ledger_last_seen(u->l, m->card.id, 0, now, &m->seen);
	if (rc == 0)
		rc = ledger_checked_out_by(u->l, m->card.id, m->checked_out_by);
	if (rc == 0)
		rc = ledger_card_history_each(u->l, m->card.id,
					      ui_lookup_add_event, m);
	if (rc < 0) {
		m->state = 0;
		ui_message(u, UI_A_ALERT, "%s", ledger_errmsg(u->l));
		return 0;
	}
	m->due = recon_disposal_due(m->card.status, m->card.reminder_sent,
				    date_of_time(now, cli_utc_offset(now)),
				    &u->conf.rules, &m->due_since);
	m->state = 1;
	u->msg[0] = '\0';
	return 1;
}

static enum ui_result lookup_tick(struct ui *u, int wait_ms)
{
	struct lookup_state *st = u->state;
	struct wf_scan_event ev;
	enum ui_result r;

	if (!ui_reader_tick(u, &st->m.reader, wait_ms, &ev, &r))
		return r;
	ui_reader_feedback(&st->m.reader, lookup(u, st, ev.res.serial, 1)
					      ? RECON_ACCEPTED
					      : RECON_ALERT);
	return UI_REDRAW;
}

static enum ui_result lookup_key(struct ui *u, int key)
{
	struct lookup_state *st = u->state;
	struct ui_lookup_model *m = &st->m;

	/* q leaves only while nothing is typed: IDs hold letters. */
	if ((key == 'q' && !m->typed[0]) || key == UI_KEY_ESC) {
		if (m->typed[0]) {
			m->typed[0] = '\0';
			return UI_REDRAW;
		}
		return UI_LEAVE;
	}
	if (ui_field_key(m->typed, sizeof(m->typed), UI_FIELD_ID, key))
		return UI_REDRAW;
	switch (key) {
	case UI_KEY_ENTER:
		if (!m->typed[0])
			return UI_HANDLED;
		lookup(u, st, m->typed, 0);
		m->typed[0] = '\0';
		return UI_REDRAW;
	case UI_KEY_DOWN:
		if (m->top + 1 < m->nhist)
			m->top++;
		return UI_REDRAW;
	case UI_KEY_UP:
		if (m->top > 0)
			m->top--;
		return UI_REDRAW;
	default:
		return UI_IGNORED;
	}
}

const struct ui_screen ui_lookup_screen = {
    .name = "lookup",
    .title = N_("Card lookup"),
    .in_menu = 1,
    .enter = lookup_enter,
    .leave = lookup_leave,
    .view = lookup_view,
    .key = lookup_key,
    .tick = lookup_tick,
};
