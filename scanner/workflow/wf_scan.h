/*
 * The scan session (wf_scan.c): what `cardtally scan`, `demo` and the
 * TUI's tray count, tally and disposal screens share when cards are read
 * one by one into a count, a tally or a disposal batch; a reader outside
 * a session (checkout, return, lookup: the card names an item, nothing is
 * written here); and taking a read back (`scan undo`, the tray count's
 * undo key).  Its own header, beside wf.h, because only the front ends
 * that read cards need these types.
 *
 * Every read is its own transaction (wf_begin): the person reading is
 * read again (active, not locked, trained), then the session as it is
 * now (still open, and for a count the range still assigned to this
 * person: another process may close the count or tally, or assign the
 * range, while a scan runs), then the card is looked up, classified by
 * reconcile/ and recorded.  Only after the commit is the read returned,
 * with the reader's feedback given: a front end reports only what is
 * already on disk, and a read that was refused is never reported
 * accepted.
 *
 * Like every workflow this never prints: a refusal or failure is a
 * struct wf_err, and the front ends print what the structs say.
 */
#ifndef CT_WF_SCAN_H
#define CT_WF_SCAN_H

#include <signal.h>

#include "wf.h"

#include "../../reconcile/rules.h"

struct rdr_profile; /* drivers/profile.h */

/* The step of reading cards into a session, and of taking one back:
 * handling cards, so the role and the training gate (R19, R20). */
extern const struct wf_step wf_step_scan, wf_step_scan_undo;

/* rule: assignment R7: a range assigned to someone is scanned by that
 * person alone; a range assigned to nobody, by anyone who may scan.
 * assignee_id 0: nobody.  1 when actor_id may scan it. */
int wf_scan_range_open_to(int64_t assignee_id, int64_t actor_id);

/*
 * Range `path` of session id for actor: it is one of the session's ranges
 * (*range_id, its location) and actor may scan it (wf_scan_range_open_to).
 * `scan` and `count total` both ask this.  0, or the exit status with *e.
 */
int wf_scan_range(struct ledger *l, int64_t id, const char *path,
		  const struct staff_rec *actor, int64_t *range_id,
		  struct wf_err *e);

/* The people who counted range location_id of session, and of every
 * count it recounts (a recount of theirs is someone else's, R7): *ids
 * malloc'ed (free()).  0, or the exit status with *e. */
int wf_first_counters(struct ledger *l, int64_t session, int64_t location_id,
		      int64_t **ids, size_t *n, struct wf_err *e);

/*
 * What the operator must be told when a reader is opened with the
 * identity profile called `name` (a name from the configuration or
 * --profile): for an old name (apdu:mynumber) which profile it now stands
 * for and what that changes; NULL for a current name.  A static English
 * string: the front end prints it (the CLI on stderr, the TUI on its
 * message line) before the first read.
 */
const char *wf_profile_note(const char *name);

/* What a session reads into, who reads and with what.  Every pointer must
 * outlive the session. */
struct wf_scan_args {
	int64_t session_id;  /* a count or a tally */
	int64_t disposal_id; /* instead of session_id: a disposal batch */
	const struct recon_rules *rules; /* due rules; NULL: the defaults */
	const char *range;  /* a count: one of its ranges; a tally: NULL;
			       unused for a disposal */
	const char *reader; /* reader spec, e.g. sim:FILE; NULL: typed
			       numbers only */
	const struct rdr_profile *profile; /* identity profile; NULL: uid */
	const struct staff_rec *actor;
	int64_t (*clock)(void); /* the time of each read (unix seconds) */
};

struct wf_scan_totals {
	long accepted, repeats, alerts;
	long refused;	  /* reads NOT counted: refused or not recorded */
	long safe_closed; /* reads flagged: the safe was recorded closed */
};

/* What one read came to. */
struct wf_scan_read {
	char serial[SERIAL_BUF];
	struct scan_lookup lk; /* disposal: lk.known and lk.card only */
	enum recon_outcome outcome;
	enum recon_why why; /* count and tally alerts */
	int64_t at;
	/* A disposal: recon_dispose_accept's answer, why the card is due
	 * and since when (DATE_NONE) when accepted, and the other open
	 * batch that holds it (DISPOSE_IN_DISPOSAL; else 0). */
	enum recon_dispose_why dispose;
	enum recon_due_why due;
	int32_t due_since;
	int64_t other_disposal;
	int safe_closed; /* flagged: taken while the safe was recorded closed */
	/* A card the ledger says is lost: its declaration, when on record. */
	int have_lost;
	struct lost_rec lost;
};

enum wf_scan_kind {
	WF_SCAN_IDLE = 0,   /* nothing within the timeout */
	WF_SCAN_READ,	    /* a card was read and recorded: res */
	WF_SCAN_REFUSED,    /* a card was read and NOT recorded: res.serial,
			       res.at; the wf_err says why */
	WF_SCAN_UNREADABLE, /* a card could not be identified: message */
	WF_SCAN_LOST,	    /* the reader went away: the session pauses */
	WF_SCAN_BACK,	    /* it came back */
	WF_SCAN_END,	    /* the reader's script ended (sim) */
};

struct wf_scan_event {
	enum wf_scan_kind kind;
	struct wf_scan_read res;
	char message[512]; /* the reader's message: Japanese takes room */
	int64_t at;
	/* WF_SCAN_UNREADABLE: the card holds no certificate (apdu:jpki-auth
	 * on a card issued without one), an outcome of its own: message is
	 * WF_NO_CERT_MESSAGE, and the front end says it as such (the CLI's
	 * event no_certificate), not as an unreadable card. */
	int no_cert;
};

/* English, a msgid of the catalog: --json gives it as it is, the text
 * output translates it. */
#define WF_NO_CERT_MESSAGE N_("no certificate on this card: use apdu:seizo")

/*
 * The session.  Order of calls: wf_scan_open -> wf_scan_next (reader
 * events) and wf_scan_serial (a number typed or wedged in) in any order,
 * or wf_scan_run -> wf_scan_close.
 */
struct wf_scan;

/*
 * Checks the person (wf_may), the session or disposal batch (open; a
 * count: the range is one of its ranges and open to actor, and a recount
 * is not scanned by a first counter), opens a->reader, and records the
 * start of a count's range.  0 and *out, or the exit status with *e.
 */
int wf_scan_open(struct ledger *l, const struct wf_scan_args *a,
		 struct wf_scan **out, struct wf_err *e);
/*
 * Waits at most timeout_ms for the reader and handles what it reports
 * into *ev.  A card read is recorded (WF_SCAN_READ) or refused
 * (WF_SCAN_REFUSED, with *e: the count or tally was closed, the range
 * assigned to someone else, the person locked, or the ledger failed);
 * either way the reader has given its feedback.  0, or the exit status
 * with *e when the reader failed for good.
 */
int wf_scan_next(struct wf_scan *s, int timeout_ms, struct wf_scan_event *ev,
		 struct wf_err *e);
/* A card number typed, or sent by a barcode scanner, as one read: 0 and
 * *res when recorded, else the exit status with *e (not a card number, or
 * refused as by wf_scan_next: nothing recorded). */
int wf_scan_serial(struct wf_scan *s, const char *serial,
		   struct wf_scan_read *res, struct wf_err *e);
/* How wf_scan_typed takes what was typed. */
enum {
	/* A card's management ID or a terminal's code, when it is one, is
	 * read as its number or tag (the tally's and the disposal's lists
	 * name items so); anything else is a number. */
	WF_TYPED_BY_NAME = 1,
	/* A number that names no card of the ledger is refused
	 * (WF_E_SCAN_TYPED_UNKNOWN) and not recorded, after the checks of
	 * the session: in a count it would be a discrepancy somebody has to
	 * resolve, and typed, it is far more likely a typing error than a
	 * card the ledger does not know (such a card is read at the
	 * reader). */
	WF_TYPED_KNOWN_ONLY = 2,
};
/* What a person typed (or a barcode scanner sent) at a screen, as one
 * read, taken as flags say (WF_TYPED_*); otherwise as wf_scan_serial. */
int wf_scan_typed(struct wf_scan *s, const char *typed, unsigned flags,
		  struct wf_scan_read *res, struct wf_err *e);
const struct wf_scan_totals *wf_scan_totals(const struct wf_scan *s);
/*
 * Reads until the reader's script ends, *stop becomes non-zero (checked
 * before every wait; every wait lasts at most WF_SCAN_WAIT_MS, or as long
 * as it takes where the reader can be woken: whoever sets *stop calls
 * wf_scan_wake), a read is refused, or report returns non-zero (its
 * output is gone).
 * report is called for every event but WF_SCAN_IDLE, after the read is
 * on disk; for WF_SCAN_REFUSED e says why.  0 (ended or stopped), or the
 * exit status with *e (a refused read, a failed reader).
 */
#define WF_SCAN_WAIT_MS 250
int wf_scan_run(struct wf_scan *s, const volatile sig_atomic_t *stop,
		int (*report)(void *ctx, const struct wf_scan_event *ev,
			      const struct wf_err *e),
		void *ctx, struct wf_err *e);
/* Async-signal-safe, for the handler that sets wf_scan_run's *stop: ends
 * the reader's wait in progress (rdr_wake).  s may be NULL. */
void wf_scan_wake(struct wf_scan *s);
/* Closes the reader and records the end of a count's range (also when
 * stopped or failed: what was read is kept).  0, or the exit status with
 * *e when the end could not be recorded.  wf_scan_close(NULL, e) does
 * nothing. */
int wf_scan_close(struct wf_scan *s, struct wf_err *e);

/*
 * A reader for work that names cards by presenting them without a count
 * or tally (checkout, return, move, count total, the TUI's lookup and
 * custody screens): wf_reader_open, then wf_reader_next, then
 * wf_reader_close.  Nothing is written to the ledger; the caller gives
 * the reader's feedback once it has done its work with the card.
 */
struct wf_reader;

int wf_reader_open(const char *spec, const struct rdr_profile *profile,
		   struct wf_reader **out, struct wf_err *e);
/* Waits at most timeout_ms.  ev->kind: IDLE, READ (ev->res.serial),
 * UNREADABLE (ev->message; the reader has signalled it), LOST, BACK or
 * END.  0, or the exit status with *e (the reader failed). */
int wf_reader_next(struct wf_reader *r, int timeout_ms,
		   struct wf_scan_event *ev, struct wf_err *e);
/* The reader's beep or light for an outcome (accepted, repeat, alert). */
void wf_reader_feedback(struct wf_reader *r, enum recon_outcome o);
/* wf_reader_close(NULL) does nothing. */
void wf_reader_close(struct wf_reader *r);
/*
 * Reads cards from reader `spec` until its script ends or *stop becomes
 * non-zero: each distinct serial once, in reading order, into *out
 * (malloc'ed, free()); a card read again gets the reader's repeat signal.
 * An unreadable card is passed to unreadable (may be NULL) and skipped.
 * Nothing is written to the ledger.  0, or the exit status with *e
 * (nothing in *out).
 */
int wf_reader_collect(const char *spec, const struct rdr_profile *profile,
		      const volatile sig_atomic_t *stop,
		      void (*unreadable)(void *ctx, const char *why), void *ctx,
		      char (**out)[SERIAL_BUF], size_t *n, struct wf_err *e);

/*
 * Takes back actor's last read in session id that still counts, with a
 * reason (1-UNDO_REASON_MAX bytes): refused when the session is closed,
 * actor has no read left in it, or the same card was read again after it
 * (undo that read first).  The read stays in the scan table and the audit
 * log and counts no more.  0 and *out, or the exit status with *e.
 */
int wf_scan_undo(struct ledger *l, const struct staff_rec *actor, int64_t id,
		 const char *reason, int64_t now, struct scan_undone *out,
		 struct wf_err *e);

/* A range of an open count that actor may scan (wf_scan_picks). */
struct wf_scan_pick {
	int64_t session_id;
	int64_t range_id;
	char range[LOCATION_MAX + 1];
	int mine; /* assigned to actor (else to nobody) */
};

/* The ranges of every open count (not tallies, not count-only checks)
 * that actor may scan, oldest count first, by path: *out is malloc'ed
 * (free()).  0, or the exit status with *e. */
int wf_scan_picks(struct ledger *l, const struct staff_rec *actor,
		  struct wf_scan_pick **out, size_t *n, struct wf_err *e);

#endif
