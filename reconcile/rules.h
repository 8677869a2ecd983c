/*
 * The composed decisions of the workflows, as pure functions over plain
 * values (doc/design.md "Layers": every rule lives in reconcile/).  No I/O, no
 * SQLite, no clock: times and days are parameters.  Each function answers
 * one question a command or a screen used to answer inline; the caller
 * fetches the facts from data/, asks here, and reports the refusal.  Every
 * rule is unit-tested, table by table, in tests/test_rules.c.
 *
 *  - recon_other_person, recon_witness: the two-person rule
 *  - recon_key_holder_eligible, recon_key_approver: who may answer for the
 *    safe and approve opening it (R14, R15)
 *  - recon_key_handover: who may receive the open safe's key (R14)
 *  - recon_assignee_may_scan: a range's assignee counts it alone (R7)
 *  - recon_ranges_check: the ranges of one count neither repeat nor nest
 *  - recon_assign_once: a count's manual assignments give a range once
 *  - recon_recount_check: a recount of a range the count counted, by
 *    someone who did not count it (R7)
 *  - recon_tally_close_check, recon_tally_close_returns: closing the
 *    end-of-day tally (R12)
 *  - recon_count_close: closing a count, with its witness (R8)
 *  - recon_dispose_accept, recon_dispose_method: a read into a disposal
 *    batch, and how a batch is destroyed (R16-R18)
 *  - recon_undo_allowed: taking a read back
 *  - recon_loss_window: when a missing card can have gone (R23)
 *  - recon_pin_format, recon_pin_may_try, recon_pin_locks: the PIN policy
 *  - recon_transition, recon_import_status: the one state machine of cards
 *    and terminals, and what a stock list import may change in it
 *  - recon_items_once, recon_move_dest: a custody step names each card or
 *    terminal once, and a move takes it somewhere else (R13)
 *  - recon_receive_check, recon_receive_tray_end: what `receive` may bind
 *    to a card awaiting enrolment, and when a tray is complete (R1)
 *  - recon_backup_keep, recon_restore_allowed: which copies of the ledger
 *    a backup keeps, and whether a copy may replace the ledger
 *
 * Refusals come back as a rule sentence in static storage: lowercase, no
 * trailing period, naming the rule (and, for the state machine, the
 * command that does instead what was refused).  Callers add the names.
 */
#ifndef CT_RULES_H
#define CT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "../common/model.h"
#include "recon.h"

/* ---- people ---- */

/* What the rules need to know about a member of staff. */
struct recon_person {
	int64_t id; /* staff id, never 0 for a real person */
	enum staff_role role;
	int active; /* 0: the account was retired */
};

/*
 * The two-person rule's first half: the second person of a step (a
 * witness, an approver) is someone else than the actor.  0, or -1 with
 * *rule set.
 */
int recon_other_person(int64_t actor, int64_t second, const char **rule);

/*
 * Whether w may witness a two-person step that actor does: another
 * person, an active account, and a role the permission matrix allows to
 * witness (ACT_WITNESS: a manager).  0, or -1 with *rule set.
 */
int recon_witness(const struct recon_person *actor,
		  const struct recon_person *w, const char **rule);

/*
 * Whether p may be named a key holder of the safe (R15): a key holder
 * answers for the safe, so an active member of staff or a manager, never
 * part-time staff.  0, or -1 with *rule set.
 */
int recon_key_holder_eligible(const struct recon_person *p, const char **rule);
/*
 * A new key holder's place (R15): code at order, among the n holders named
 * now (codes[i] at orders[i]).  0 when both are free; KEY_PLACE_HELD when
 * code holds a place already, KEY_PLACE_TAKEN when another holds that
 * order (checked in this order); *at is then that holder's index.
 */
enum { KEY_PLACE_HELD = 1, KEY_PLACE_TAKEN = 2 };
int recon_key_holder_place(const char *const *codes, const int *orders,
			   size_t n, const char *code, int order, size_t *at);

/*
 * Whether appr may approve opener's opening of the safe (R14): another
 * person, active, and either a manager or a named key holder (listed 1)
 * who is still eligible to be one (a key holder made part-time since no
 * longer approves).  0, or -1 with *rule set.
 */
int recon_key_approver(const struct recon_person *opener,
		       const struct recon_person *appr, int listed,
		       const char **rule);

/*
 * Whether giver may hand the open safe's key to `to` (R14; seeds 002 (ｳ),
 * 003): giver is the one who holds it now (holder: the opener, or the
 * receiver of the last handover), `to` another person, active, not locked,
 * of a role that may open the safe (never part-time staff) and with the
 * training work with cards needs (to_trained).  No key holder's approval:
 * the opening was approved already, and handing the key on opens nothing.
 * 0, or -1 with *rule set.
 */
int recon_key_handover(const struct recon_person *holder,
		       const struct recon_person *giver,
		       const struct recon_person *to, int to_locked,
		       int to_trained, const char **rule);

/* ---- assignment (R7) ---- */

/*
 * Whether staff member `actor` may scan a range assigned to `assignee`
 * (0: to nobody, so anyone may).  0, or -1 with *rule set.
 */
int recon_assignee_may_scan(int64_t assignee, int64_t actor, const char **rule);

enum recon_ranges {
	RANGES_OK = 0,
	RANGES_TWICE,  /* ranges[*a] is given again as ranges[*b] */
	RANGES_WITHIN, /* ranges[*a] lies within ranges[*b] */
	RANGES_NOMEM,  /* out of memory: not known */
};

/*
 * Whether the n location paths may be the ranges of one count: each
 * given once and none within another (location_within), so that every
 * card lies in one range at most.  The first offending pair, in the
 * order a then b, goes to *a and *b.
 */
enum recon_ranges recon_ranges_check(const char *const *ranges, size_t n,
				     size_t *a, size_t *b);

/* The answer of the rules that each thing is given once in one step. */
enum recon_once {
	ONCE_OK = 0,
	ONCE_TWICE, /* v[*b] gives again what v[*a] gave */
	ONCE_NOMEM, /* out of memory: not known */
};

/*
 * Whether the n manual assignments of one count give each range once
 * (R7: a range has one person who counts it).  ranges[i] is the range of
 * the i-th assignment, compared as given, like recon_ranges_check.  On
 * ONCE_TWICE, *b is the earliest assignment of a range assigned before,
 * and *a the first assignment of that range.
 */
enum recon_once recon_assign_once(const char *const *ranges, size_t n,
				  size_t *a, size_t *b);

/* ---- recounts (R7) ---- */

enum recon_recount {
	RECOUNT_OK = 0,
	RECOUNT_NOT_COUNTED, /* nobody read a card in the range */
	RECOUNT_SAME_PERSON, /* the candidate counted it (or a count it
				recounts) */
};

/*
 * Whether candidate may recount a range of a count: the range was
 * counted, and candidate is not one of the people first[0..n-1] who
 * counted it before (recon_recount_allowed).  A range is counted when
 * someone read a card in it: reads is the number of the count's reads in
 * the range that still stand (not undone).  A range that is only
 * assigned was counted by nobody, and its recount would have nothing to
 * count again.  The range is asked about first.  RECOUNT_OK with *rule
 * "", or the refusal with *rule set (static).
 */
enum recon_recount recon_recount_check(int64_t reads, int64_t candidate,
				       const int64_t *first, size_t n,
				       const char **rule);

/* ---- the end-of-day tally (R12) ---- */

enum recon_tally_close {
	TALLY_CLOSE_OK = 0,
	TALLY_CLOSE_NEEDS_WITNESS, /* something is missing: a manager signs */
	TALLY_CLOSE_NEEDS_NOTE,	   /* ... and a note says what happened */
};

/*
 * Whether a tally in state t may close: balanced, or witnessed (witnessed
 * 1: a witness already passed recon_witness) with a note (has_note 1).
 * The witness is asked for first, so a missing witness is reported even
 * when the note is missing too.
 */
enum recon_tally_close recon_tally_close_check(const struct recon_tally *t,
					       int witnessed, int has_note);
/*
 * 1 when closing a tally turns an item into a return: it was read back
 * and the state machine lets it return from `now` (it may have been
 * returned or issued since the read); 0 otherwise.
 */
int recon_tally_close_returns(int read_back, int is_asset,
			      enum card_status now);

/* ---- closing a count (R8) ---- */

/*
 * Whether a count with ndisc discrepancies (0 when it found none),
 * nunresolved of them unresolved, may be closed by actor with witness w
 * (NULL: none).  A witness given is checked even when none is needed
 * (recon_witness); then recon_close_check decides.  0 with *verdict
 * CLOSE_OK, or -1 with *verdict (CLOSE_OK when the witness was refused)
 * and *rule set.
 */
int recon_count_close(size_t ndisc, size_t nunresolved,
		      const struct recon_person *actor,
		      const struct recon_person *w, enum recon_close *verdict,
		      const char **rule);

/* ---- disposal (R16-R18) ---- */

/* What the ledger says about a card read into a disposal batch. */
struct recon_dispose_read {
	int known;	   /* the serial is a card of the ledger */
	int in_batch;	   /* already in this batch */
	int in_other_open; /* in another batch that is still open */
	enum card_status status;
	int32_t reminder_sent; /* DATE_NONE when none */
};

enum recon_dispose_why {
	DISPOSE_ACCEPTED = 0,
	DISPOSE_REPEAT,	      /* already in this batch */
	DISPOSE_UNKNOWN,      /* not a card of the ledger */
	DISPOSE_IN_DISPOSAL,  /* due, but in another open batch */
	DISPOSE_NOT_IN_STOCK, /* lost: not in the safe as far as we know */
	DISPOSE_NOT_DUE,      /* not due (or not in storage): put it back */
	DISPOSE_WHY_COUNT
};

/*
 * Whether a read card joins the batch.  Precedence: repeat, unknown, then
 * the due rule (recon_disposal_due: only cards in storage are ever due);
 * a due card in another open batch is refused (closing both would dispose
 * of it twice); a card not due is not_in_stock when lost, else not_due.
 * *due and *since are the due rule's answer (DUE_NOT / DATE_NONE unless
 * accepted).
 */
enum recon_dispose_why recon_dispose_accept(const struct recon_dispose_read *r,
					    int32_t today,
					    const struct recon_rules *rules,
					    enum recon_due_why *due,
					    int32_t *since);
/* "accepted", "repeat", "unknown", "in_disposal", "not_in_stock",
 * "not_due": the `why` of `scan --json` in a disposal. */
const char *recon_dispose_why_name(enum recon_dispose_why w);

enum recon_dispose_method { DISPOSE_SHRED = 0, DISPOSE_CONTRACTOR };

/*
 * The method of closing a batch: "shred" or "contractor"; a contractor's
 * destruction needs the reference of the contractor's certificate (cert
 * non-empty).  0 and *out, or -1 with *rule set.
 */
int recon_dispose_method(const char *method, const char *cert,
			 enum recon_dispose_method *out, const char **rule);

/* ---- taking a read back ---- */

enum recon_undo {
	UNDO_OK = 0,
	UNDO_CLOSED,	 /* the session is closed: its reads stand */
	UNDO_NOTHING,	 /* the person has no read left that counts */
	UNDO_READ_AGAIN, /* the card was read again since: undo that first */
};

/*
 * Whether a person may undo their latest read that still counts in a
 * session: the session is open, there is such a read (has_read), and the
 * same card was not read again after it (read_again), since that later
 * read was decided knowing this one.  The reason is checked separately
 * (recon_undo_reason).
 */
enum recon_undo recon_undo_allowed(int session_closed, int has_read,
				   int read_again);
/* 0 when reason (len bytes) may explain an undo: 1-max bytes, no control
 * characters; else -1 with *rule set. */
int recon_undo_reason(const char *reason, size_t len, size_t max,
		      const char **rule);

/* ---- the incident's loss window (R23) ---- */

struct recon_loss_in {
	int64_t last_seen;     /* unix time of the last sighting, 0: none */
	int32_t received;      /* day the card was received (DATE_NONE) */
	int32_t utc_offset;    /* local offset on that day, seconds */
	int64_t range_started; /* the count began the card's range, 0: no */
	int64_t count_started; /* the count began */
};

struct recon_window {
	int64_t from, to;   /* unix times */
	int from_last_seen; /* 1: from is the last sighting; 0: received */
};

/*
 * When a card a count missed can have gone: from its last sighting (or,
 * never seen, from local midnight of the day it was received; 0 when that
 * is unknown too) to the moment the count reached it (its range's start,
 * or the count's start when the range was never begun).
 */
void recon_loss_window(const struct recon_loss_in *in, struct recon_window *w);

/* ---- the PIN policy (R21) ---- */

struct recon_pin_policy {
	size_t min_digits, max_digits; /* 4-12 */
	int max_failures;	       /* wrong PINs in a row that lock (5) */
};

extern const struct recon_pin_policy recon_pin_policy;

/* 0 when pin (NUL-terminated) is 4-12 decimal digits; else -1, *rule set. */
int recon_pin_format(const char *pin, const char **rule);
/* 0 when an account may try a PIN at all (active, not locked); else -1
 * with *rule set. */
int recon_pin_may_try(int active, int locked, const char **rule);
/* 1 when a wrong PIN after failed_before wrong ones in a row locks the
 * account (ok 1: the PIN was right, never locks). */
int recon_pin_locks(int failed_before, int ok);

/* ---- the one state machine of cards and terminals ---- */

/*
 * Everything that changes the status of a card or terminal.  The import
 * and applicant events come from the issuing system's stock list; the
 * others are the office's own steps.
 */
enum recon_event {
	EV_IMPORT_NEW = 0,	/* a card first listed: the status it gives */
	EV_IMPORT_DATES,	/* lifecycle dates updated, status as it is */
	EV_APPLICANT_MOVED,	/* the applicant moved away */
	EV_APPLICANT_DECEASED,	/* the applicant died */
	EV_APPLICANT_CANCELLED, /* the application was cancelled */
	EV_APPLICANT_CLEARED,	/* the issuing system withdrew such an event */
	EV_CHECKOUT,		/* `checkout` */
	EV_RETURN,		/* `return`, a tally's close */
	EV_ISSUE,		/* `issue` */
	EV_MOVE,		/* `move` */
	EV_DISPOSE,		/* `dispose close` */
	EV_LOST,		/* `count resolve --reason lost` */
	EV_FOUND,		/* `count resolve --reason found_elsewhere` */
	EV_COUNT
};

/* "import new", "import dates", "moved", ..., "found". */
const char *recon_event_name(enum recon_event ev);

/* The item an event happens to. */
struct recon_item {
	int is_asset; /* 1: an issuing terminal (stored or checked_out) */
	/* Its status now; for EV_IMPORT_NEW, the status the list gives. */
	enum card_status status;
	/* EV_FOUND: the status it had when declared lost
	 * (CARD_STATUS_COUNT when unknown). */
	enum card_status before_lost;
};

/*
 * The transition rule: 0 and *to, the status after event ev, or -1 with
 * *rule naming the rule and the command to use instead.  The custody
 * events keep recon_custody's table, found returns to recon_found_status;
 * applicant events apply to cards in storage only (a card at the window
 * comes back first); a card is disposed of from storage only.
 */
int recon_transition(enum recon_event ev, const struct recon_item *it,
		     enum card_status *to, const char **rule);
/* The event of a custody movement or resolution (checkout -> EV_CHECKOUT,
 * ..., found -> EV_FOUND), for recon_transition. */
enum recon_event recon_custody_event(enum custody_kind k);

/*
 * What a row of a stock list does to a card: exists 0 for a card the
 * ledger does not have yet (EV_IMPORT_NEW with status `to`), else the
 * event that takes the card from `from` to `to` (EV_IMPORT_DATES when they
 * are the same, an applicant event when `to` is moved, deceased or
 * cancelled, or stored again after one).  Any other status change is the
 * office's own step: -1 with *rule naming the command that does it.  On 0,
 * *ev is the event, already checked with recon_transition.
 */
int recon_import_status(int exists, enum card_status from, enum card_status to,
			enum recon_event *ev, const char **rule);
/* recon_import_status for data/import.h's status_rule hook, but for one
 * row: a list's "stored" for a card checked out is no change (1: the
 * card keeps its status). */
int recon_import_status_rule(int exists, enum card_status from,
			     enum card_status to, const char **rule);
/*
 * The dates of one row of a stock list (R2), as data/import.h's dates_rule
 * hook: date[] is received, notice_sent, reminder_sent (DATE_NONE where
 * the row has none), today the import's day in the office's time zone.
 * They hold together when none is after today, the pickup notice is not
 * sent before the card was received, and the reminder (R17) not before
 * the notice, nor, without one, before the card was received.  0, or -1
 * with *which the index of the first date at fault and *rule why.
 */
int recon_import_dates_rule(const int32_t date[3], int32_t today, int *which,
			    const char **rule);

/* ---- a new terminal (R11): its code and tag name it alone ---- */

/* What a new terminal's code and tag name in the ledger already. */
struct recon_asset_names {
	int code_is_card;  /* the code is a card's management ID */
	int code_is_asset; /* the code is a terminal's already */
	int has_tag;
	int tag_is_card;  /* the tag is a card's serial */
	int tag_is_asset; /* the tag is another terminal's */
};
enum recon_asset_add {
	ASSET_ADD_OK = 0,
	ASSET_CODE_IS_CARD,
	ASSET_CODE_TAKEN,
	ASSET_TAG_IS_CARD,
	ASSET_TAG_TAKEN,
};
/* Whether a terminal may be registered so: a code typed at the window and
 * a tag read at a reader must each name one thing only, or the window
 * would hand out the wrong one.  The code is judged before the tag. */
enum recon_asset_add recon_asset_add_check(const struct recon_asset_names *n);

/* ---- one custody step: each item once, somewhere else (R11-R13) ---- */

/* A card or terminal a custody step names, as the ledger knows it. */
struct recon_ref {
	int is_asset; /* 1: a terminal */
	int64_t id;   /* card.id or asset.id */
};

/*
 * Whether the n items one custody step names (checkout, return, issue,
 * move) are each named once, however they were named (a management ID,
 * a serial, a terminal's code or tag).  A step moves each of its items
 * once: an item named twice would be moved twice, or refused on its
 * second turn for a state its first turn gave it.  ONCE_TWICE with *a
 * and *b as recon_assign_once.
 */
enum recon_once recon_items_once(const struct recon_ref *v, size_t n, size_t *a,
				 size_t *b);

/*
 * Whether a move may take an item from location `at` to location `dest`
 * (location ids): only to another location.  A move to where the item
 * is already would change nothing but still be recorded as a custody
 * event and an audit entry saying it was handled.  0, or -1 with *rule
 * set.
 */
int recon_move_dest(int64_t at, int64_t dest, const char **rule);

/* ---- receiving cards: enrolment (R1, issue 11) ---- */

/* Who holds the chip just read. */
enum recon_chip_owner {
	CHIP_FREE = 0,	/* no card of the ledger */
	CHIP_THIS_RUN,	/* the card it was bound to in this very receiving */
	CHIP_THIS_CARD, /* the card being received (bound before) */
	CHIP_OTHER,	/* another card */
};

/* The facts of one read of a chip while receiving. */
struct recon_receive_in {
	int chip;     /* the identity came from a chip profile (not typed) */
	int has_card; /* a card to bind: the one named, or in a tray the
			 next one the list holds; 0 when none is left */
	int card_bound;		/* that card has a chip identity already */
	enum card_status status; /* that card's status */
	int in_tray; /* it lies in the tray being received (1 with none) */
	enum recon_chip_owner owner;
};

enum recon_receive {
	RECEIVE_OK = 0,
	RECEIVE_REPEAT,	     /* the chip just bound, read again: nothing to do */
	RECEIVE_NOT_CHIP,    /* a typed number is no chip identity */
	RECEIVE_TRAY_FULL,   /* every card the list has for the tray is bound */
	RECEIVE_CARD_BOUND,  /* the card has its chip identity already */
	RECEIVE_CHIP_BOUND,  /* the chip is another card's */
	RECEIVE_NOT_STORED,  /* the card is not in storage */
	RECEIVE_OUTSIDE_TRAY, /* the card's home is another tray */
};

/*
 * Whether the chip just read may be bound to the card in `in`.  Only a
 * chip's identity, read by a profile, is bound (a number typed or
 * scanned from print never is); a card is bound once, to one chip, and a
 * chip to one card; only a card in storage, in the tray received.  A
 * repeat of the chip bound a moment ago is no refusal.
 */
enum recon_receive recon_receive_check(const struct recon_receive_in *in);
/* 0 when a tray whose list had `listed` cards awaiting enrolment ends
 * with `bound` of them bound in this receiving; -1 when they differ (a
 * card missing from the tray, or the count was stopped early). */
int recon_receive_tray_end(size_t listed, size_t bound);
/* ---- backups and restore ---- */

/*
 * Which copies of the ledger a backup keeps.  Each copy is known by its
 * stamp, the local time it was made as YYYYMMDDHHMMSS.  A day's copy is
 * the newest of that day, a month's the first of that month: the newest
 * keep_daily days' copies are kept, and the keep_monthly newest months'
 * copies; every other copy may go.  The newest copy is always kept
 * (keep_daily >= 1).  keep[i] is set to 1 or 0 for stamps[i]; the stamps
 * come in any order.  0, or -1 for a bad argument (keep_daily < 1,
 * keep_monthly < 0).
 */
int recon_backup_keep(const int64_t *stamps, size_t n, int keep_daily,
		      int keep_monthly, unsigned char *keep);

/* How a copy's audit chain stands to the ledger's it would replace. */
enum recon_chain {
	CHAIN_NO_LEDGER = 0, /* no ledger to replace (the disk died) */
	CHAIN_SAME,	     /* the same entries: nothing is lost */
	CHAIN_AHEAD,	     /* the copy holds the ledger's and more */
	CHAIN_BEHIND,	     /* the ledger holds the copy's and more */
	CHAIN_DIVERGED,	     /* neither holds the other's: another history */
};

/*
 * Whether a copy may replace the ledger: always when nothing would be
 * lost (no ledger, the same chain, or the copy ahead); a copy behind the
 * ledger, or of another history, would lose entries and only goes with
 * force and a reason (reason_len > 0), which the caller audits.  0, or -1
 * with *rule set.
 */
int recon_restore_allowed(enum recon_chain c, int force, size_t reason_len,
			  const char **rule);

#endif
