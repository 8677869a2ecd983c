/*
 * The domain rules, as pure functions over plain data (doc/design.md
 * "Reconciliation", "People and controls").  No I/O, no SQLite, no clock:
 * "today" is always a parameter.  Every rule here is unit-tested in
 * tests/test_recon.c.
 *
 *  - recon_classify: what one read means at the moment it is read
 *  - recon_run: the report of a counting session
 *  - recon_disposal_due: the disposal-due rule (R16, R17)
 *  - recon_permit: the permission matrix (R19)
 *  - recon_training_gate: who may touch cards (R20)
 *  - recon_key_flags: which openings of the safe need a second look (R14)
 *  - recon_custody: the custody transitions of cards and terminals (R11, R13)
 *  - recon_resolution_valid, recon_close_check, recon_recount_allowed: how
 *    discrepancies are resolved, when a count may close, who may recount
 *    (R7, R8, R10)
 *  - recon_safe_flag: handling cards while the safe is recorded closed (R14)
 */
#ifndef CT_RECON_H
#define CT_RECON_H

#include <stddef.h>
#include <stdint.h>

#include "../common/count.h"
#include "../common/model.h"

/* ---- disposal due (R16, R17) ---- */

struct recon_rules {
	int reminder_days; /* reminder sent + this many days -> due (90) */
};

extern const struct recon_rules recon_default_rules;

enum recon_due_why {
	DUE_NOT = 0,
	DUE_REMINDER, /* not collected: reminder + reminder_days passed */
	DUE_MOVED,    /* applicant moved away */
	DUE_DECEASED,
	DUE_CANCELLED,
};

/*
 * The last reminder day for which a card in storage is due for disposal
 * (DUE_REMINDER) on `today`: recon_disposal_due holds for a reminder sent
 * on or before it.  A ledger counting due cards passes it to SQL rather
 * than repeat the rule (status).
 */
int32_t recon_disposal_due_cutoff(int32_t today,
				  const struct recon_rules *rules);
/*
 * Whether a card in storage is due for disposal on `today`.  Returns the
 * reason (DUE_NOT when not due); *since is the day it became due, or
 * DATE_NONE when the ledger does not know (status-based reasons).
 */
enum recon_due_why recon_disposal_due(enum card_status status,
				      int32_t reminder_sent, int32_t today,
				      const struct recon_rules *rules,
				      int32_t *since);
/* "reminder", "moved", "deceased", "cancelled"; recon_due_why_parse reads
 * them back (0, or -1). */
const char *recon_due_why_name(enum recon_due_why why);
int recon_due_why_parse(const char *s, enum recon_due_why *out);

/* One line of the list of cards due for disposal (`dispose due`). */
struct recon_due_item {
	const char *mgmt_id;
	enum recon_due_why why;
	int32_t since; /* DATE_NONE when unknown */
};

/*
 * Sorts the due list by since (unknown first: DATE_NONE is the smallest
 * day, so it sorts like SQL's NULL), then by management ID, so the list is
 * the same on every run whatever order the ledger returned.
 */
void recon_due_sort(struct recon_due_item *v, size_t n);

/* ---- one read ---- */

enum recon_outcome { RECON_ACCEPTED = 0, RECON_REPEAT, RECON_ALERT };

enum recon_why {
	WHY_NONE = 0,
	WHY_UNKNOWN,	  /* serial not in the ledger */
	WHY_MISPLACED,	  /* belongs to another range */
	WHY_NOT_IN_STOCK, /* ledger says issued, disposed or checked out */
	WHY_DISPOSAL_DUE, /* in its place, but due for disposal */
};

/* What the ledger says about a serial just read. */
struct recon_read {
	int seen_before; /* already read in this session */
	int known;	 /* the serial is a card of the ledger */
	enum card_status status;
	int in_range; /* its home lies within the range being counted */
	int32_t reminder_sent; /* DATE_NONE when none */
};

/*
 * Classifies a read.  Precedence: repeat, unknown, not in stock, misplaced,
 * disposal due, accepted.  *why is WHY_NONE unless the outcome is an alert.
 */
enum recon_outcome recon_classify(const struct recon_read *r, int32_t today,
				  const struct recon_rules *rules,
				  enum recon_why *why);
const char *recon_outcome_name(enum recon_outcome o);
/* "unknown", "misplaced", "not_in_stock", "disposal_due"; "" for none. */
const char *recon_why_name(enum recon_why w);
int recon_why_parse(const char *s, enum recon_why *out);

/* ---- the session report ---- */

/* A card found somewhere it should not be. */
struct recon_found {
	int32_t card;  /* index into count_data.cards */
	int32_t range; /* where it was read (index into ranges) */
	int32_t scan;  /* its first read (index into scans) */
};

struct recon_due {
	int32_t card;
	enum recon_due_why why;
	int32_t since; /* DATE_NONE when unknown */
};

/*
 * The result of reconciling one session.  Index lists are sorted by
 * management ID (extra: by serial) so reports are stable.
 */
struct recon_report {
	size_t expected; /* cards that should be in the ranges */
	size_t seen;	 /* distinct serials read */
	size_t ok;	 /* expected cards read in their own range */
	size_t repeats;	 /* reads of a serial already read */
	size_t *range_expected, *range_ok; /* per range, nranges entries */
	size_t *range_seen; /* distinct serials first read in each range */
	int32_t *missing;   /* card indices */
	size_t nmissing;
	struct recon_found *misplaced;
	size_t nmisplaced;
	int32_t *extra; /* scan indices */
	size_t nextra;
	struct recon_found *not_in_stock;
	size_t nnot_in_stock;
	struct recon_due *disposal_due;
	size_t ndisposal_due;
	int32_t *checked_out; /* out of the safe, with custody: not missing */
	size_t nchecked_out;
};

/*
 * Sets each card of d as the count saw it (R9, R10), before the report is
 * made of it: as it stood when the count first read it, or, a card it did
 * not read, when the count closed (an open count: as it stands).  The
 * earliest of d's changes of a card after that moment is undone: the card
 * has the status before it (recon_status_before, recon_disposed_from) and
 * the location the change took it from.  So a card read in its tray and
 * then checked out at the window is in place, and a closed count's report
 * does not change afterwards.  0, or -1 on OOM (d unchanged).
 */
int recon_see_as_counted(struct count_data *d);
/* Computes the report in time linear in cards + scans (plus sorting the
 * discrepancy lists).  Returns 0, or -1 on OOM. */
int recon_run(const struct count_data *d, int32_t today,
	      const struct recon_rules *rules, struct recon_report *out);
/* 1 when the report has missing, misplaced, extra or not-in-stock cards. */
int recon_has_discrepancy(const struct recon_report *r);
void recon_report_free(struct recon_report *r);

/* ---- permissions (R19) ---- */

enum recon_action {
	ACT_STAFF_ADD = 0, /* add staff members */
	ACT_IMPORT,	   /* import a stock list */
	ACT_COUNT_START,   /* open a count */
	ACT_SCAN,	   /* scan in a count */
	ACT_COUNT_CLOSE,   /* close a count */
	ACT_WITNESS,	   /* be the second person of a two-person step */
	ACT_STAFF_UNLOCK,  /* reopen an account locked by wrong PINs */
	ACT_NOTE_ADD,	   /* record a near-miss (R22) */
	ACT_DISPOSE,	   /* start or close a disposal (R16-R18) */
	ACT_TRAINING,	   /* add courses, record attendance (R20) */
	ACT_KEY_HOLDER,	   /* name the safe's key holders (R15) */
	ACT_KEY_OPEN,	   /* open the safe, with a key holder's approval */
	ACT_ASSET_ADD,	   /* register an issuing terminal (R12) */
	ACT_CHECKOUT,	   /* take cards or terminals out of the safe (R11) */
	ACT_RETURN,	   /* put them back (R11) */
	ACT_ISSUE,	   /* hand a card to its applicant (R11) */
	ACT_MOVE,	   /* move cards tray to tray (R13) */
	ACT_TALLY_START,   /* open the end-of-day window tally (R12) */
	ACT_TALLY_CLOSE,   /* close it (imbalanced: with a witness) */
	ACT_PLAN,	   /* apply rotation and cycle plans (R5, R6) */
	ACT_RESOLVE,	   /* resolve a discrepancy of a count (R8) */
	ACT_RECOUNT,	   /* order a recount of a range (R7) */
	ACT_STAFF_PIN,	   /* change one's own PIN (with the old one) */
	ACT_STAFF_PIN_RESET, /* set another person's PIN */
	ACT_STAFF_ACTIVE,    /* deactivate or reactivate a person */
	ACT_STAFF_ROLE,	     /* change a person's role */
	ACT_RECEIVE,	     /* bind arriving cards to their chips (R1) */
	ACT_RESTORE,	     /* replace the ledger with a backup */
	ACT_COUNT,
};

/*
 * 0 when `role` may do `action`; otherwise -1 with *rule set to a sentence
 * naming the rule (static storage).  The matrix is written down once, here,
 * and printed in doc/operations.md "Who may do what".
 */
int recon_permit(enum staff_role role, enum recon_action action,
		 const char **rule);
const char *recon_action_name(enum recon_action a);

/* ---- the training gate (R20) ---- */

/* A course required for work with cards. */
struct recon_course {
	const char *code;
	int32_t valid_days; /* a record is valid this many days; 0: forever */
};

/* One attendance record of the person being checked. */
struct recon_attended {
	const char *course;
	int32_t date; /* the day of the session */
};

enum recon_gate {
	GATE_OK = 0,
	GATE_MISSING, /* no record of the course on or before today */
	GATE_EXPIRED, /* the latest record is too old */
};

/*
 * Whether a person with the records `att` may touch cards on `today`, given
 * the required courses `req`.  A record dated D of a course valid N days
 * covers the days D .. D+N-1: on day D+N it has expired (*since = D+N).
 * Records dated after today do not count yet.  The first course (in the
 * order of req) that is missing or expired is returned in *course (an index
 * into req), with *since set for GATE_EXPIRED (DATE_NONE otherwise).  No
 * required course means GATE_OK: a fresh ledger gates nobody.
 */
enum recon_gate recon_training_gate(const struct recon_course *req, size_t nreq,
				    const struct recon_attended *att,
				    size_t natt, int32_t today, size_t *course,
				    int32_t *since);
/* "ok", "missing", "expired". */
const char *recon_gate_name(enum recon_gate g);

/* ---- the safe's key log (R14) ---- */

/*
 * Times here are "local seconds": unix time plus the UTC offset in force,
 * so that the time of day is the remainder of a division by 86400 and this
 * module needs no time zone.  The caller converts.
 */
struct recon_key_rules {
	int open_limit_min;   /* an opening longer than this is flagged (30) */
	int office_start_min; /* office hours, minutes after midnight: */
	int office_end_min;   /* [start, end), 08:30-17:15 */
};

extern const struct recon_key_rules recon_default_key_rules;

enum {
	KEY_FLAG_LONG = 1, /* open longer than the limit */
	KEY_FLAG_OFF_HOURS =
	    2, /* opened, or still open, outside office hours */
};

/*
 * The flags of one opening: opened at `opened`, closed at `closed` (0: still
 * open, judged at `now`).  Open exactly the limit is not too long.  An
 * opening is off hours when it began before the office opened or after it
 * closed, or lasted past the end of office hours of the day it began.
 */
unsigned recon_key_flags(int64_t opened, int64_t closed, int64_t now,
			 const struct recon_key_rules *rules);
/* ---- custody transitions (R11, R13) ---- */

enum custody_kind {
	CUSTODY_CHECKOUT = 0,
	CUSTODY_RETURN,
	CUSTODY_ISSUE,
	CUSTODY_MOVE,
	/* Not movements but a manager's resolutions of a count (R10, R23),
	 * recorded as custody events so that the card's history holds them:
	 * a missing card declared lost, and a lost card read again declared
	 * found where it was read.  Neither is a sighting by itself. */
	CUSTODY_LOST,
	CUSTODY_FOUND,
	CUSTODY_KIND_COUNT
};

/* "checkout", "return", "issue", "move", "lost", "found": the
 * custody_event.kind text; custody_kind_parse reads it back (0, or -1). */
const char *custody_kind_name(enum custody_kind k);
int custody_kind_parse(const char *s, enum custody_kind *out);

/*
 * Whether a movement of kind k may happen to a card (is_asset 0) or an
 * issuing terminal (is_asset 1) whose status is `from`; terminals use only
 * CARD_STORED (in storage) and CARD_CHECKED_OUT.  Returns 0 and *to, the
 * status after it, or -1 with *rule set to a sentence naming the rule
 * (static storage).  The table is written down once, here, and printed in
 * doc/operations.md "Custody".
 */
int recon_custody(enum custody_kind k, int is_asset, enum card_status from,
		  enum card_status *to, const char **rule);
/*
 * The status a lost card returns to when it is found: the one it had when
 * it was declared lost, `before`, if that was a state in storage (a card
 * waiting for disposal keeps waiting), else stored.
 */
enum card_status recon_found_status(enum card_status before);
/*
 * A count judges each card as it stood when the count read it, or, for a
 * card it did not read, when the count closed: a card read in its tray
 * and checked out at the window an hour later was in place, and a closed
 * count's result does not change with what happens to its cards later
 * (R9, R10).  These give the status a card had just before one recorded
 * change: a custody movement of kind k (0 and *before, or -1 for a kind
 * that is none), or a disposal that destroyed it for reason why.  A lost
 * card was in storage before it was declared lost (which state there is
 * not recorded: stored); a card moves only in storage.
 */
int recon_status_before(enum custody_kind k, enum card_status *before);
enum card_status recon_disposed_from(enum recon_due_why why);

/* ---- handling cards while the safe is recorded closed (R14) ---- */

/* Every way the program handles cards, as far as the safe is concerned. */
enum recon_handling {
	HANDLE_CHECKOUT = 0,  /* out of storage to the window */
	HANDLE_RETURN,	      /* back into storage */
	HANDLE_ISSUE,	      /* from the window to the applicant */
	HANDLE_MOVE,	      /* tray to tray in storage */
	HANDLE_COUNT_SCAN,    /* a read in a count: cards in storage */
	HANDLE_TALLY_SCAN,    /* a read in a tally: at the window */
	HANDLE_DISPOSAL_SCAN, /* a due card taken out of storage to destroy */
	HANDLE_COUNT,
};

/* The handling of a custody movement of kind k; HANDLE_COUNT (none) for
 * lost and found, which are decisions, not handlings. */
enum recon_handling recon_custody_handling(enum custody_kind k);
/* 1 when the handling takes cards out of storage, puts them in, or
 * touches them there: the safe must be open for it. */
int recon_needs_safe(enum recon_handling h);
/*
 * 1 when handling h, done while the safe is recorded open (safe_open 1)
 * or closed (0), is flagged: it needs the safe and no opening is recorded.
 * The movement is never refused -- the cards are already in someone's
 * hands -- only flagged for the key log, status and the daily report.
 */
int recon_safe_flag(enum recon_handling h, int safe_open);
/* "checkout", "return", "issue", "move", "count scan", "tally scan",
 * "disposal scan". */
const char *recon_handling_name(enum recon_handling h);

/* ---- the end-of-day window tally (R12) ---- */

/*
 * What a read in a tally means.  Precedence: repeat, unknown (neither a
 * card nor a terminal tag), not checked out when the tally began
 * (not_in_stock: it was not out, so it cannot come back), accepted.
 */
enum recon_outcome recon_tally_classify(int seen_before, int known,
					int expected, enum recon_why *why);

/* Where one item that was out when the tally began stands now. */
enum tally_state {
	TALLY_RETURNED = 0, /* read back in the tally */
	TALLY_ISSUED,	    /* handed to its applicant meanwhile */
	TALLY_RESOLVED,	    /* not read, but back in storage since */
	TALLY_MISSING,	    /* not read and still checked out */
};

enum tally_state recon_tally_item(int read_back, enum card_status now);
/* "returned", "issued", "resolved", "missing". */
const char *tally_state_name(enum tally_state s);

struct recon_tally {
	size_t expected; /* items out when the tally began */
	size_t by_state[TALLY_MISSING + 1];
};

void recon_tally_add(struct recon_tally *t, enum tally_state s);
/* 1 when nothing is missing: the tally may close without a witness. */
int recon_tally_balanced(const struct recon_tally *t);

/* ---- discrepancies, their resolution, closing and recounts (R7-R10) ---- */

/* What kind of discrepancy a count found (the lists of recon_report). */
enum recon_disc {
	DISC_MISSING = 0,
	DISC_MISPLACED,
	DISC_EXTRA,
	DISC_NOT_IN_STOCK,
	DISC_KIND_COUNT
};

/* Why a manager says a discrepancy is settled (issue 5). */
enum recon_reason {
	REASON_FOUND_ELSEWHERE = 0, /* the card is somewhere known */
	REASON_DATA_ERROR,	    /* the ledger was wrong, not the safe */
	REASON_RECOUNTED,	    /* a recount by another person found it */
	REASON_LOST,		    /* gone: an incident (R23) */
	REASON_COUNT
};

/* "missing", "misplaced", "extra", "not_in_stock". */
const char *recon_disc_name(enum recon_disc k);
int recon_disc_parse(const char *s, enum recon_disc *out);
/* "found_elsewhere", "data_error", "recounted", "lost". */
const char *recon_reason_name(enum recon_reason r);
int recon_reason_parse(const char *s, enum recon_reason *out);

/*
 * Whether `reason` may settle a discrepancy of kind k of a card whose
 * ledger status is `status` (CARD_STORED for an unknown serial).
 * recount_read is 1 when a recount of the count (by another person) read
 * the card: only then is `recounted` a reason.  0, or -1 with *rule naming
 * the rule (static).
 */
int recon_resolution_valid(enum recon_disc k, enum recon_reason reason,
			   int recount_read, enum card_status status,
			   const char **rule);
/*
 * What a valid resolution does to the card besides being recorded: 1 with
 * *kind set when it changes the card's status in the same transaction
 * (a missing card resolved `lost` is declared lost, CUSTODY_LOST; a lost
 * card read in a count and resolved `found_elsewhere` is found where it was
 * read, CUSTODY_FOUND), 0 when the resolution is a record only.
 */
int recon_resolution_effect(enum recon_disc k, enum recon_reason reason,
			    enum card_status status, enum custody_kind *kind);

enum recon_close {
	CLOSE_OK = 0,
	CLOSE_UNRESOLVED,    /* a discrepancy has no resolution yet */
	CLOSE_NEEDS_WITNESS, /* discrepancies: a manager must witness */
};

/*
 * Whether a count with ndisc discrepancies, nunresolved of them without a
 * resolution, may close; witnessed is 1 when a manager witnesses the close.
 */
enum recon_close recon_close_check(size_t ndisc, size_t nunresolved,
				   int witnessed);

/*
 * Whether staff member `candidate` may recount a range that the people
 * first[0..n-1] counted before (assignee and everyone who read cards in it,
 * in the count and its earlier recounts): a recount is done by a different
 * person than the first count.  0, or -1 with *rule set (static).
 */
int recon_recount_allowed(int64_t candidate, const int64_t *first, size_t n,
			  const char **rule);

#endif
