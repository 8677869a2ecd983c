/*
 * Receiving cards (wf_receive.h): binding the chips of arriving cards to
 * the management IDs of a stock list that came without chip values, tray
 * by tray in list order or card by card from the delivery slip.  The
 * facts of each read are gathered from the ledger inside the binding's
 * transaction and reconcile/ (recon_receive_check) decides; the receipt
 * and its audit entry are written by data/ (ledger_receive_bind).
 */
#include "wf_receive.h"

#include "wf_scan.h"

#include "../../drivers/profile.h"
#include "../../reconcile/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct wf_step wf_step_receive = {"receive", ACT_RECEIVE,
					WF_PERMIT | WF_TRAINING};

struct wf_receive {
	struct ledger *l;
	const struct wf_receive_args *a;
	struct wf_reader *r; /* NULL: wf_receive_chip only */
	int typed_reader;    /* kbd: the reader types numbers, no chip */
	int64_t tray_id;     /* the tray's location, 0 when none given */
	/* By tray: the cards awaiting enrolment at the start, list order;
	 * by card: the one card.  next: the first not bound yet. */
	struct card_rec *cards;
	size_t ncards, next;
	/* Ids of the cards bound by this receiving, for repeats. */
	int64_t *bound;
	size_t nbound;
};

static int64_t receive_now(const struct wf_receive *r)
{
	return r->a->clock();
}

static const struct rdr_profile *receive_profile(const struct wf_receive *r)
{
	return r->a->profile ? r->a->profile : rdr_profile_find("uid");
}

int wf_receive_open(struct ledger *l, const struct wf_receive_args *a,
		    struct wf_receive **out, struct wf_err *e)
{
	struct wf_receive *r;
	int ex, rc;

	*out = NULL;
	if (!a->tray && !a->card)
		return wf_fail(e, WF_E_RECEIVE_NO_TRAY, "");
	if (a->card) {
		ex = wf_typed_check(a->card, e);
		if (ex)
			return ex;
	}
	ex = wf_may(l, &wf_step_receive, a->actor, a->clock(), e);
	if (ex)
		return ex;
	r = calloc(1, sizeof(*r));
	if (!r)
		return wf_fail(e, WF_E_NOMEM);
	r->l = l;
	r->a = a;
	if (a->tray) {
		rc = ledger_location_find(l, a->tray, &r->tray_id);
		if (rc == LEDGER_ERR_NOTFOUND)
			ex = wf_fail(e, WF_E_RECEIVE_NO_TRAY, a->tray);
		else if (rc < 0)
			ex = wf_fail_ledger(e, l);
	}
	if (ex == 0 && a->card) {
		r->cards = calloc(1, sizeof(*r->cards));
		if (!r->cards)
			ex = wf_fail(e, WF_E_NOMEM);
		rc = ex ? 0 : ledger_card_by_mgmt(l, a->card, r->cards);
		if (rc == LEDGER_ERR_NOTFOUND)
			ex = wf_fail(e, WF_E_RECEIVE_NO_CARD, a->card);
		else if (rc < 0)
			ex = wf_fail_ledger(e, l);
		else if (ex == 0 && r->cards->serial[0])
			ex = wf_fail(e, WF_E_RECEIVE_CARD_BOUND, a->card,
				     r->cards->serial);
		else if (ex == 0)
			r->ncards = 1;
	} else if (ex == 0) {
		if (ledger_receive_awaiting(l, a->tray, &r->cards, &r->ncards) <
		    0)
			ex = wf_fail_ledger(e, l);
		else if (r->ncards == 0)
			ex = wf_fail(e, WF_E_RECEIVE_NOTHING, a->tray);
	}
	if (ex == 0) {
		r->bound = calloc(r->ncards, sizeof(*r->bound));
		if (!r->bound)
			ex = wf_fail(e, WF_E_NOMEM);
	}
	if (ex == 0 && a->reader) {
		ex = wf_reader_open(a->reader, a->profile, &r->r, e);
		r->typed_reader = strncmp(a->reader, "kbd:", 4) == 0;
	}
	if (ex) {
		wf_receive_close(r);
		return ex;
	}
	*out = r;
	return 0;
}

/* Whose card is the chip serial: CHIP_FREE, or which card it is in *owner
 * (its management ID in owner_mgmt).  0 or a LEDGER_ERR_*. */
static int chip_owner(struct wf_receive *r, const char *serial,
		      const struct card_rec *target,
		      enum recon_chip_owner *owner, char *owner_mgmt,
		      size_t cap)
{
	struct card_rec c;
	int rc = ledger_card_by_serial(r->l, serial, &c);

	*owner = CHIP_FREE;
	owner_mgmt[0] = '\0';
	if (rc == LEDGER_ERR_NOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	snprintf(owner_mgmt, cap, "%s", c.mgmt_id);
	*owner = CHIP_OTHER;
	for (size_t i = 0; i < r->nbound; i++)
		if (r->bound[i] == c.id)
			*owner = CHIP_THIS_RUN;
	if (*owner == CHIP_OTHER && target && c.id == target->id)
		*owner = CHIP_THIS_CARD;
	return 0;
}

/* The refusal of verdict v, with its names; the exit status. */
static int refuse(struct wf_receive *r, enum recon_receive v,
		  const struct card_rec *card, const char *serial,
		  const char *owner_mgmt, struct wf_err *e)
{
	switch (v) {
	case RECEIVE_NOT_CHIP:
		return wf_fail(e, WF_E_RECEIVE_NOT_CHIP);
	case RECEIVE_TRAY_FULL:
		return wf_fail(e, WF_E_RECEIVE_TRAY_FULL, serial,
			       r->a->tray ? r->a->tray : "");
	case RECEIVE_CARD_BOUND:
		return wf_fail(e, WF_E_RECEIVE_CARD_BOUND, card->mgmt_id,
			       card->serial[0] ? card->serial : serial);
	case RECEIVE_CHIP_BOUND:
		return wf_fail(e, WF_E_RECEIVE_CHIP_BOUND, serial, owner_mgmt,
			       card->mgmt_id);
	case RECEIVE_NOT_STORED:
		return wf_fail(e, WF_E_RECEIVE_NOT_STORED, card->mgmt_id,
			       wf_status_word(0, card->status));
	case RECEIVE_OUTSIDE_TRAY:
		return wf_fail(e, WF_E_RECEIVE_OUTSIDE_TRAY, card->mgmt_id,
			       card->location, r->a->tray);
	case RECEIVE_OK:
	case RECEIVE_REPEAT:
		break;
	}
	return 0;
}

int wf_receive_chip(struct wf_receive *r, const char *serial, int chip,
		    enum wf_receive_kind *kind, struct wf_received *out,
		    struct wf_err *e)
{
	struct recon_receive_in in = {.chip = chip, .in_tray = 1};
	struct card_rec card;
	char norm[SERIAL_BUF], owner_mgmt[MGMT_ID_MAX + 1];
	const struct rdr_profile *prof = receive_profile(r);
	enum recon_receive v;
	int64_t now = receive_now(r);
	int ex, rc;

	memset(out, 0, sizeof(*out));
	memset(&card, 0, sizeof(card));
	*kind = WF_RECEIVE_REFUSED;
	out->at = now;
	/* A typed line is checked before anything of it is kept. */
	if (!chip) {
		ex = wf_typed_check(serial, e);
		if (ex)
			return ex;
	}
	if (serial_normalize(serial, strlen(serial), norm) < 0)
		return wf_fail(e, WF_E_RECEIVE_NOT_CHIP);
	snprintf(out->serial, sizeof(out->serial), "%s", norm);
	ex = wf_begin(r->l, &wf_step_receive, r->a->actor, now, e);
	if (ex)
		return ex;
	/* The card as it is now: another process may have bound it. */
	in.has_card = r->next < r->ncards;
	rc = 0;
	if (in.has_card) {
		rc =
		    ledger_card_by_mgmt(r->l, r->cards[r->next].mgmt_id, &card);
		if (rc == 0) {
			snprintf(out->mgmt_id, sizeof(out->mgmt_id), "%s",
				 card.mgmt_id);
			snprintf(out->location, sizeof(out->location), "%s",
				 card.location);
			in.card_bound = card.serial[0] != '\0';
			in.status = card.status;
			in.in_tray = !r->a->tray ||
				     location_within(card.location, r->a->tray);
		}
	}
	if (rc == 0)
		rc = chip_owner(r, norm, in.has_card ? &card : NULL, &in.owner,
				owner_mgmt, sizeof(owner_mgmt));
	if (rc < 0)
		return wf_end(r->l, wf_fail_ledger(e, r->l), e);
	v = recon_receive_check(&in);
	if (v == RECEIVE_REPEAT) {
		*kind = WF_RECEIVE_REPEAT;
		snprintf(out->mgmt_id, sizeof(out->mgmt_id), "%s", owner_mgmt);
		return wf_end(r->l, 0, e);
	}
	if (v != RECEIVE_OK)
		return wf_end(r->l, refuse(r, v, &card, norm, owner_mgmt, e),
			      e);
	/* A chip's identity is recorded with the profile that read it;
	 * the simulated reader stands for a chip reader. */
	rc = ledger_receive_bind(r->l, card.id, norm, prof ? prof->name : NULL,
				 prof ? prof->version : 0, r->tray_id,
				 r->a->actor->id, now, &out->receipt_id);
	if (rc == LEDGER_ERR_EXISTS)
		ex = wf_fail(e, WF_E_RECEIVE_CHIP_BOUND, norm, "?",
			     card.mgmt_id);
	else if (rc == LEDGER_ERR_STATE)
		ex = wf_fail(e, WF_E_RECEIVE_CARD_BOUND, card.mgmt_id, "?");
	else if (rc < 0)
		ex = wf_fail_ledger(e, r->l);
	ex = wf_end(r->l, ex, e);
	if (ex)
		return ex;
	r->bound[r->nbound++] = card.id;
	r->next++;
	*kind = WF_RECEIVE_BOUND;
	return 0;
}

int wf_receive_next(struct wf_receive *r, int timeout_ms,
		    struct wf_receive_event *ev, struct wf_err *e)
{
	struct wf_scan_event sev;
	int ex;

	memset(ev, 0, sizeof(*ev));
	ev->kind = WF_RECEIVE_IDLE;
	if (!r->r)
		return 0;
	ex = wf_reader_next(r->r, timeout_ms, &sev, e);
	if (ex)
		return ex;
	switch (sev.kind) {
	case WF_SCAN_IDLE:
		break;
	case WF_SCAN_END:
		ev->kind = WF_RECEIVE_END;
		break;
	case WF_SCAN_LOST:
		ev->kind = WF_RECEIVE_LOST;
		break;
	case WF_SCAN_BACK:
		ev->kind = WF_RECEIVE_BACK;
		break;
	case WF_SCAN_UNREADABLE:
		ev->kind = WF_RECEIVE_UNREADABLE;
		snprintf(ev->message, sizeof(ev->message), "%s", sev.message);
		ev->no_cert = sev.no_cert;
		break;
	case WF_SCAN_READ:
	case WF_SCAN_REFUSED:
		ex = wf_receive_chip(r, sev.res.serial, !r->typed_reader,
				     &ev->kind, &ev->rec, e);
		/* On disk (or refused): now the reader may say so. */
		wf_reader_feedback(r->r, ex ? RECON_ALERT
					 : ev->kind == WF_RECEIVE_REPEAT
					     ? RECON_REPEAT
					     : RECON_ACCEPTED);
		if (ex)
			ev->kind = WF_RECEIVE_REFUSED;
		/* A typed My Number is not repeated anywhere. */
		if (ex && e->code == WF_E_TYPED_MYNUMBER)
			ev->rec.serial[0] = '\0';
		return 0;
	}
	return 0;
}

void wf_receive_progress(const struct wf_receive *r, size_t *listed,
			 size_t *bound)
{
	*listed = r->ncards;
	*bound = r->nbound;
}

const char *wf_receive_next_card(const struct wf_receive *r)
{
	return r->next < r->ncards ? r->cards[r->next].mgmt_id : NULL;
}

int wf_receive_finish(struct wf_receive *r, struct wf_err *e)
{
	char listed[24], bound[24];

	if (r->a->card)
		return r->nbound
			   ? 0
			   : wf_fail(e, WF_E_RECEIVE_CARD_NOT_READ, r->a->card);
	if (recon_receive_tray_end(r->ncards, r->nbound) == 0)
		return 0;
	return wf_fail(e, WF_E_RECEIVE_TRAY_COUNT, r->a->tray,
		       wf_i64(listed, (int64_t)r->ncards),
		       wf_i64(bound, (int64_t)r->nbound),
		       wf_receive_next_card(r));
}

void wf_receive_close(struct wf_receive *r)
{
	if (!r)
		return;
	wf_reader_close(r->r);
	free(r->cards);
	free(r->bound);
	free(r);
}
