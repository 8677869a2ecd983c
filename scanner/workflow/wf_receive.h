/*
 * Receiving cards (受領・検品, R1, issue 11): what `cardtally receive` and
 * the TUI's receiving screen share.  A stock list may come without chip
 * values; its cards then await enrolment, and receiving binds each one to
 * the identity its chip gives, read by the configured identity profile:
 *
 *   - by tray: the cards of a tray are read in the order of the list, and
 *     each chip read is bound to the next card of the tray still awaiting
 *     enrolment; at the end the number bound must be the number listed;
 *   - by card: the management ID on the delivery slip is typed or scanned
 *     (a My Number is refused, wf_typed_check), then the card is read.
 *
 * Each read is checked live (reconcile/ recon_receive_check) and each
 * binding is its own transaction (wf_begin: the person read again), with
 * its receipt and audit entry, before the reader signals it accepted.
 * Nothing here prints: refusals are struct wf_err.
 *
 * Order of calls: wf_receive_open -> wf_receive_next (reader events) and
 * wf_receive_chip (an identity from elsewhere, e.g. a test) in any order
 * -> wf_receive_finish (the tray's count) -> wf_receive_close.
 */
#ifndef CT_WF_RECEIVE_H
#define CT_WF_RECEIVE_H

#include "wf.h"

struct rdr_profile; /* drivers/profile.h */

/* Binding chips to cards: handling cards, so the role and the training
 * gate. */
extern const struct wf_step wf_step_receive;

/* What is received, by whom, with what.  Every pointer must outlive the
 * receiving. */
struct wf_receive_args {
	const char *tray;   /* by tray: its location; with card: where the card
			       must lie (NULL: anywhere) */
	const char *card;   /* by card: the delivery slip's management ID */
	const char *reader; /* reader spec; NULL: wf_receive_chip only */
	const struct rdr_profile *profile; /* identity profile; NULL: uid */
	const struct staff_rec *actor;
	int64_t (*clock)(void); /* the time of each binding */
};

/* One binding, or the card a refusal is about. */
struct wf_received {
	char mgmt_id[MGMT_ID_MAX + 1];
	char serial[SERIAL_BUF];
	char location[LOCATION_MAX + 1]; /* the card's home */
	int64_t receipt_id;		 /* 0: nothing bound */
	int64_t at;
};

enum wf_receive_kind {
	WF_RECEIVE_IDLE = 0,   /* nothing within the timeout */
	WF_RECEIVE_BOUND,      /* a chip was bound: rec */
	WF_RECEIVE_REPEAT,     /* the chip just bound, read again */
	WF_RECEIVE_REFUSED,    /* a chip read and NOT bound; the wf_err says
				  why (rec.serial) */
	WF_RECEIVE_UNREADABLE, /* a card could not be identified: message */
	WF_RECEIVE_LOST,       /* the reader went away */
	WF_RECEIVE_BACK,       /* it came back */
	WF_RECEIVE_END,	       /* the reader's script ended (sim) */
};

struct wf_receive_event {
	enum wf_receive_kind kind;
	struct wf_received rec;
	char message[512]; /* the reader's message: Japanese takes room */
	int no_cert; /* UNREADABLE: no certificate on the card (wf_scan.h) */
};

struct wf_receive;

/*
 * Checks the person (wf_may), the tray (a known location holding cards
 * that await enrolment) or the card (not a My Number; on the ledger),
 * and opens the reader.  0 and *out, or the exit status with *e.
 */
int wf_receive_open(struct ledger *l, const struct wf_receive_args *a,
		    struct wf_receive **out, struct wf_err *e);
/*
 * Waits at most timeout_ms for the reader and handles what it reports.
 * A chip read is bound (BOUND), a repeat (REPEAT) or refused (REFUSED,
 * with *e); the reader gives its feedback after the binding is on disk.
 * 0, or the exit status with *e when the reader failed.
 */
int wf_receive_next(struct wf_receive *r, int timeout_ms,
		    struct wf_receive_event *ev, struct wf_err *e);
/*
 * Binds serial (a chip's identity when chip is 1; typed or printed when
 * 0, always refused) as the next binding of this receiving.  0 with
 * *kind WF_RECEIVE_BOUND or WF_RECEIVE_REPEAT and *out, or the exit
 * status with *e (out->serial and out->mgmt_id name what was refused).
 */
int wf_receive_chip(struct wf_receive *r, const char *serial, int chip,
		    enum wf_receive_kind *kind, struct wf_received *out,
		    struct wf_err *e);
/* How many cards the list had awaiting enrolment at the start, and how
 * many of them are bound now. */
void wf_receive_progress(const struct wf_receive *r, size_t *listed,
			 size_t *bound);
/* The card the next chip will be bound to (NULL when none is left). */
const char *wf_receive_next_card(const struct wf_receive *r);
/*
 * The end of receiving: by tray, the number bound must be the number the
 * list had (recon_receive_tray_end), else WF_E_RECEIVE_TRAY_COUNT naming
 * the first card not received; by card, the card must have been bound.
 * 0, or the exit status with *e.
 */
int wf_receive_finish(struct wf_receive *r, struct wf_err *e);
/* Closes the reader and frees r; wf_receive_close(NULL) does nothing. */
void wf_receive_close(struct wf_receive *r);

#endif
