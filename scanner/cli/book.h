/*
 * What the record-book commands share (scanner/book.c): the discrepancies
 * of a count with their resolutions, the people who counted a range first
 * (for the recount rule), and output in the encodings an office's Excel
 * opens.  Used by `count close`, `count resolve`, `count discrepancies`,
 * `count recount`, `scan`, `reconcile`, `report record-book` and
 * `report incident`.
 */
#ifndef CT_BOOK_H
#define CT_BOOK_H

#include <stdio.h>

#include "../../data/ledger.h"
#include "../../reconcile/recon.h"
#include "cli.h"

/* One discrepancy of a count, and its resolution when it has one. */
struct disc_item {
	enum recon_disc kind;
	int64_t card_id; /* 0: an unknown serial */
	char mgmt_id[MGMT_ID_MAX + 1];
	char serial[SERIAL_BUF];
	char location[LOCATION_MAX + 1]; /* the card's home; "" if unknown */
	char found[LOCATION_MAX + 1];	 /* where read; "" when not read */
	/* The card's status as the count sees it (see ledger_count_load);
	 * CARD_STORED for an unknown serial or a resolution's own item. */
	enum card_status status;
	int resolved;
	struct resolution_rec res;
};

struct disc_list {
	struct disc_item *v;
	size_t n;
	size_t unresolved;
	int snapshot; /* 1: as recorded when the count closed */
};

/*
 * The discrepancies of count id: for an open count (or one closed before
 * the record book existed) what reconciling it finds now, with the
 * resolutions given so far, plus any resolution of a discrepancy that has
 * since gone; for a count closed with its results stored, the resolutions
 * recorded by then (closing needs every discrepancy resolved, so they are
 * its discrepancies at the close).  0, or an exit code after saying why.
 */
int book_discrepancies(struct ledger *l, int64_t id, struct disc_list *out);
void disc_list_free(struct disc_list *d);
/* The item of a card (by management ID or serial), or NULL. */
struct disc_item *disc_list_find(struct disc_list *d, const char *card);

/* A discrepancy as JSON: kind, mgmt_id, serial, location, found_location,
 * resolution; and the resolution alone ({reason, note, by, at} or null). */
void book_item_json(FILE *f, const struct disc_item *it);
void book_resolution_json(FILE *f, const struct disc_item *it);

/*
 * The people who counted range location_id first: in count `session` and,
 * when that is itself a recount, in the counts it recounts.  *ids is
 * malloc'ed (free()).  0, or an exit code.
 */
int book_first_counters(struct ledger *l, int64_t session, int64_t location_id,
			int64_t **ids, size_t *n);

/* ---- opening and closing a count (cmd_count.c): `count start`, `count
 * close` and the TUI's count screens go through these ---- */

struct count_open_args {
	enum session_kind kind;
	const char *const *ranges; /* nranges 0: every location */
	size_t nranges;
	/* Manual assignments: assign_range[i] to assign_staff[i]. */
	const char *const *assign_range;
	const char *const *assign_staff;
	size_t nassign;
	const struct staff_rec *actor; /* permitted and trained already */
	/* Check and plan everything, then roll it all back: what opening
	 * would do (the planner's picks, a refused manual assignment). */
	int dry_run;
};

/*
 * Opens a count: the session, the manual assignments (each checked
 * against the rotation rule, plan_check_assign), then the planner's pick
 * for every other range, in one transaction.  0 with *id and *res (free
 * with plan_result_free), or an exit code after cli_error (nothing
 * changed).
 */
int count_open(struct ledger *l, const struct count_open_args *a, int64_t *id,
	       struct plan_result *res);

/* What closing a count must know. */
struct count_closing {
	struct session_rec sess;
	int found; /* the count found discrepancies */
	/* Per-range results to store (NULL for a count-only check, whose
	 * totals are its record). */
	struct range_result *res;
	size_t nranges;
	/* Its discrepancies and resolutions (a count-only check: only
	 * disc.n, the ranges that are off; a total has no card to
	 * resolve, only the witness's signature). */
	struct disc_list disc;
	/* ledger_session_mark before the facts were read: the close is
	 * refused when a read or an undo came in since. */
	int64_t mark;
};

/* Session id exists, is open and is no tally; 0 or an exit code. */
int count_close_session(struct ledger *l, int64_t id, struct session_rec *sess);
/* Reconciles sess for closing into *cc; 0 (count_closing_free) or an exit
 * code. */
int count_close_facts(struct ledger *l, const struct session_rec *sess,
		      struct count_closing *cc);
void count_closing_free(struct count_closing *cc);
/* Closes the count when recon_close_check allows it with this witness
 * (NULL or id 0: none; already authenticated, cli_witness or
 * cli_witness_pin), storing the range results.  0 or an exit code after
 * naming the rule. */
int count_close_commit(struct ledger *l, struct count_closing *cc,
		       const struct staff_rec *actor,
		       const struct staff_rec *witness);

/* ---- settling discrepancies (cmd_book.c) ---- */

/* One card of a resolution, checked, and what it will do to the ledger
 * (recon_resolution_effect: a missing card declared lost leaves the
 * expected stock, a lost card declared found goes back into storage). */
struct resolve_item {
	struct disc_item *it;
	int moves; /* 1: the resolution changes the card's status */
	enum custody_kind kind;
	enum card_status to;
	struct custody_item card;
};

/* Checks one card's resolution of open count id against the rules
 * (a discrepancy, not resolved yet, the reason valid for its kind and
 * the card's status: recon_resolution_valid) and what it will do.  0 and
 * *ri, or an exit code. */
int book_resolve_check(struct ledger *l, int64_t id, struct disc_list *d,
		       const char *card, enum recon_reason reason,
		       struct resolve_item *ri);
/* Records the resolutions of items (checked), and the status changes they
 * make, in one transaction.  0 or an exit code. */
int book_resolve_write(struct ledger *l, int64_t id, struct resolve_item *items,
		       size_t n, enum recon_reason reason, const char *note,
		       const struct staff_rec *actor);
/* The reason is valid for the item (whether a recount read it is the
 * ledger's): 1 valid, 0 not, negative on a ledger error. */
int book_reason_fits(struct ledger *l, int64_t id, const struct disc_item *it,
		     enum recon_reason reason);
/*
 * Opens a recount of range `range` of open count id by staff member
 * `who` (recon_recount_allowed: not a first counter of it), ordered by
 * actor (permitted already).  0 and *rid, or an exit code.
 */
int book_recount(struct ledger *l, int64_t id, const char *range,
		 const char *who, const struct staff_rec *actor, int64_t *rid);

/* ---- output encodings (R8: "CSV opens correctly in Excel") ---- */

enum book_encoding { ENC_UTF8 = 0, ENC_CP932 };

/*
 * Writes the len bytes of UTF-8 text `s` to f in encoding enc, with a
 * UTF-8 byte order mark first when bom is set.  Text that CP932 cannot
 * hold is refused before anything is written: exit 65 naming the first
 * such character (U+XXXX), its line and what it is in (`what`).  A write
 * that fails (full disk) is exit 74 naming `what`.  0 or an exit code.
 */
int book_write(FILE *f, const char *s, size_t len, enum book_encoding enc,
	       int bom, const char *what);

/* One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or
 * LF, quotes doubled; sep is written before it unless first. */
void csv_field(FILE *f, int first, const char *s);
/* s on one line: line breaks (which notes may hold) become blanks. */
void book_oneline(FILE *f, const char *s);
/* A staff code's name, "" when unknown. */
void book_staff_name(struct ledger *l, const char *code,
		     char out[NAME_MAX_BYTES + 1]);

#endif
