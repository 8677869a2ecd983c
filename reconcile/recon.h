/*
 * The domain rules, as pure functions over plain data (DESIGN.md
 * "Reconciliation", "People and controls").  No I/O, no SQLite, no clock:
 * "today" is always a parameter.  Every rule here is unit-tested in
 * tests/test_recon.c.
 *
 *  - recon_classify: what one read means at the moment it is read
 *  - recon_run: the report of a counting session
 *  - recon_disposal_due: the disposal-due rule (R16, R17)
 *  - recon_permit: the permission matrix (R19)
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
 * Whether a card in storage is due for disposal on `today`.  Returns the
 * reason (DUE_NOT when not due); *since is the day it became due, or
 * DATE_NONE when the ledger does not know (status-based reasons).
 */
enum recon_due_why recon_disposal_due(enum card_status status,
				      int32_t reminder_sent, int32_t today,
				      const struct recon_rules *rules,
				      int32_t *since);
/* "reminder", "moved", "deceased", "cancelled". */
const char *recon_due_why_name(enum recon_due_why why);

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
	int32_t *missing;		   /* card indices */
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
	ACT_COUNT,
};

/*
 * 0 when `role` may do `action`; otherwise -1 with *rule set to a sentence
 * naming the rule (static storage).  The matrix is written down once, here,
 * and printed in the README.
 */
int recon_permit(enum staff_role role, enum recon_action action,
		 const char **rule);
const char *recon_action_name(enum recon_action a);

#endif
