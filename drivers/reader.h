/*
 * The reader interface: every backend (sim today; pcsc, nfc, kbd later) is
 * one `const struct rdr_ops` table, registered at compile time in reader.c.
 * Callers see only struct rdr and its events; they never learn which library
 * sits underneath.  Drivers never print: they return error codes and leave a
 * message in the reader's error buffer (rdr_error).
 *
 * Order of calls:
 *   rdr_open(spec) -> rdr_next(...) until RDR_EV_END or an error ->
 *   rdr_close().  rdr_feedback() may be called between events.
 *
 * Event semantics, common to all backends:
 *   - RDR_EV_CARD is reported once when a card enters the field.  A card that
 *     stays in the field is not reported again; the same card presented again
 *     after it left is reported again (the caller decides it is a repeat).
 *   - Two cards in the field at once are two RDR_EV_CARD events.
 *   - RDR_EV_REMOVED: every card left the field.
 *   - RDR_EV_LOST / RDR_EV_BACK: the reader itself disappeared / came back.
 *     Cards in the field when the reader is lost are forgotten: after
 *     RDR_EV_BACK a card still lying there is reported again.
 *   - RDR_EV_END: the source has no more events (end of a sim script).  Live
 *     readers never end on their own.
 */
#ifndef CT_READER_H
#define CT_READER_H

#include <stddef.h>
#include <stdint.h>

/* Error codes of this module, numbered once and never reused. */
enum {
	RDR_OK = 0,
	RDR_ERR_SPEC = -1,	  /* unknown backend or bad spec syntax */
	RDR_ERR_UNAVAILABLE = -2, /* reader/device/file cannot be opened */
	RDR_ERR_SCRIPT = -3, /* sim script line invalid (message names it) */
	RDR_ERR_IO = -4,     /* read error from the device or file */
	RDR_ERR_NOMEM = -5,
	RDR_ERR_INTERRUPTED = -6, /* rdr_next returned because of a signal */
	RDR_ERR_UNSUPPORTED = -7, /* optional operation the backend lacks */
	RDR_ERR_RANDOM_ID = -8,	  /* the card's identifier is random */
	RDR_ERR_CARD = -9,	  /* the card answered wrongly or not at all */
	/* apdu:jpki-auth: the card was issued without certificates. */
	RDR_ERR_NO_CERT = -10,
};

#define RDR_ID_MAX 32

/*
 * A card identifier as the identity profile produced it: bytes + length.
 * A number typed by a barcode scanner is text (its digits, as typed: a
 * printed number can have an odd count of digits), marked by `text`.
 */
struct rdr_id {
	size_t len;
	uint8_t bytes[RDR_ID_MAX * 2];
	int text; /* bytes are ASCII hex digits, not binary */
};

enum rdr_event_kind {
	RDR_EV_CARD = 1,
	RDR_EV_REMOVED,
	RDR_EV_LOST,
	RDR_EV_BACK,
	RDR_EV_END,
	RDR_EV_TIMEOUT, /* rdr_next's timeout elapsed with nothing to report */
	/* A card entered the field but could not be identified (random UID,
	 * unreadable, wrong application); rdr_error() says why.  It is not a
	 * read: the operator is told, nothing is counted. */
	RDR_EV_UNREADABLE,
};

struct rdr_event {
	enum rdr_event_kind kind;
	struct rdr_id id; /* valid for RDR_EV_CARD only */
	/* RDR_EV_UNREADABLE: the profile's RDR_ERR_* when it said why
	 * (RDR_ERR_NO_CERT: a card without certificates), else 0. */
	int error;
};

enum rdr_feedback { RDR_FB_ACCEPTED = 1, RDR_FB_REPEAT, RDR_FB_ALERT };

struct rdr_profile; /* profile.h */

#define RDR_ERRMSG_MAX 512

/*
 * A backend.  The table is versioned append-only: new optional members go at
 * the end.  open, next and close are required; feedback is optional (NULL
 * means the reader has no buzzer or LED, and feedback silently does nothing).
 */
struct rdr_ops {
	const char *name; /* the part of the spec before ':' */
	const char *help; /* one line: spec syntax and what it covers */
	/* Opens `arg` (the part after ':'); stores backend state in *state. */
	int (*open)(const char *arg, void **state, char *err, size_t errlen);
	/* Waits at most timeout_ms (-1: no limit) for the next event. */
	int (*next)(void *state, int timeout_ms, struct rdr_event *ev,
		    char *err, size_t errlen);
	int (*feedback)(void *state, enum rdr_feedback fb);
	void (*close)(void *state);
	/* Optional (NULL: the backend reports identifiers as they come, like
	 * sim): the identity profile to read cards with (profile.h). */
	int (*set_profile)(void *state, const struct rdr_profile *p);
	/* Optional (NULL: nothing to list): calls cb once per reader
	 * attached now, for `cardtally readers`: its name (valid during the
	 * call only) and whether a card lies on it (1), not (0) or unknown
	 * (-1).  Returns 0 or a negative RDR_ERR_* (err says why, e.g. the
	 * daemon is not running). */
	int (*list)(void (*cb)(void *arg, const char *name, int card),
		    void *arg, char *err, size_t errlen);
	/* Optional (NULL: a signal already ends the backend's waits, as
	 * sim's poll): makes a wait of next in progress, or the next one,
	 * return RDR_ERR_INTERRUPTED soon.  Async-signal-safe: a signal
	 * handler calls it (rdr_wake). */
	void (*wake)(void *state);
};

struct rdr;

/*
 * Opens a reader from a spec such as "sim:FILE" or "sim:-".  Returns 0 and
 * *out, or a negative RDR_ERR_*; on error a message is in err (may be NULL).
 */
int rdr_open(const char *spec, struct rdr **out, char *err, size_t errlen);
/*
 * Next event, waiting at most timeout_ms (-1: forever).  Returns 0 with *ev
 * filled, or a negative RDR_ERR_* with rdr_error() describing it.  A signal
 * arriving while waiting returns RDR_ERR_INTERRUPTED where the backend can
 * see it; some libraries retry their waits on EINTR (pcsc-lite does), so a
 * caller that must react to a signal passes a bounded timeout and checks
 * its flag on RDR_EV_TIMEOUT.
 */
int rdr_next(struct rdr *r, int timeout_ms, struct rdr_event *ev);
/*
 * The identity profile for the cards this reader reads (default: "uid").
 * Call after rdr_open, before the first rdr_next.  0 for backends that have
 * no use for a profile.
 */
int rdr_set_profile(struct rdr *r, const struct rdr_profile *p);
/*
 * Whether rdr_wake can end this reader's waits: then a caller that must
 * react to a signal may wait with no timeout (-1) and call rdr_wake from
 * its signal handler, instead of waking every few hundred milliseconds
 * to look at its flag (which costs an idle pcsc scan, and pcscd, a round
 * trip each time).  0 for backends without wake: bound the wait.
 */
int rdr_wakeable(const struct rdr *r);
/*
 * Async-signal-safe: makes rdr_next's wait in progress, or its next one,
 * return RDR_ERR_INTERRUPTED soon.  Does nothing where !rdr_wakeable(r)
 * or r is NULL.
 */
void rdr_wake(struct rdr *r);
/* Buzzer/LED feedback where the reader has them; 0 where it does not. */
int rdr_feedback(struct rdr *r, enum rdr_feedback fb);
/* Last error message of r; empty string when none. Owned by r. */
const char *rdr_error(const struct rdr *r);
/* Closes the reader; rdr_close(NULL) does nothing. */
void rdr_close(struct rdr *r);
/*
 * The language of every message drivers/ writes (rdr_error, the err of
 * rdr_open and of the ops, profile.h's and usbwatch.h's): by default the
 * operator's, through the message catalog the front end bound (domain
 * "cardtally"; under the C locale that is the English the drivers are
 * written in).  on = 0 keeps them English whatever the locale: for output
 * other programs parse (the command line's --json), which must not change
 * with the locale.  Process-wide; set it before opening a reader.
 */
void rdr_messages_translated(int on);

/*
 * Whether s[0..n) holds an individual number (My Number): a run of exactly
 * 12 digits, spaces and hyphens allowed between them, whose last digit is
 * its check digit.  The kbd backend refuses such lines without repeating
 * them; any other front end that takes a typed card number should too.
 */
int rdr_kbd_is_mynumber(const char *s, size_t n);

/* The compiled-in backends, NULL-terminated, for `cardtally readers`. */
const struct rdr_ops *const *rdr_backends(void);

#endif
