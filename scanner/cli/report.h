/*
 * The work the commands share: the scan loop (used by `scan` and `demo`) and
 * printing a reconciliation report (used by `reconcile`, `count close` and
 * `demo`).  Text for people, JSON for programs; both go to the FILE given.
 */
#ifndef CT_REPORT_H
#define CT_REPORT_H

#include <stdio.h>

#include "../../common/count.h"
#include "../../data/ledger.h"
#include "../../reconcile/recon.h"
#include "cli.h"

/* Parses a session id argument; 0 or a usage exit code. */
int cli_session_id(struct cli *c, const char *s, int64_t *id);
/* 1 when s names a disposal batch ("D" and its number, as `dispose start`
 * prints it): *id is then its number, or 0 when the number is invalid. */
int cli_is_disposal_id(const char *s, int64_t *id);

enum scan_verbosity {
	SCAN_EVERY_READ = 0, /* one line per read (the `scan` command) */
	SCAN_ALERTS_ONLY,    /* alerts, repeats and reader events (demo) */
	SCAN_QUIET,	     /* nothing (the demo's replay of last month) */
};

struct scan_args {
	int64_t session_id;
	int64_t disposal_id; /* instead of session_id: a disposal batch */
	const struct recon_rules *rules; /* due rules; NULL: the defaults */
	/* A count: one of its ranges; a tally: NULL; a disposal: "". */
	const char *range;
	const char *reader;		   /* reader spec, e.g. sim:FILE */
	const struct rdr_profile *profile; /* identity profile; NULL: uid */
	const struct staff_rec *actor;
	int json;
	enum scan_verbosity verbosity;
	FILE *out;
};

struct scan_totals {
	long accepted, repeats, alerts;
	long safe_closed; /* reads flagged: the safe was recorded closed */
};

/*
 * The per-read path that `scan` and the TUI's scan screen share (cmd_scan.c).
 *
 * Order of calls: scan_session_open -> scan_session_step (reader events)
 * and scan_session_serial (a number typed or wedged in) in any order ->
 * scan_session_close.  A read is looked up, classified by reconcile/,
 * recorded and committed, and the reader's feedback given, before either
 * function returns it: the caller only reports what is already on disk.
 * Errors go through cli_error; the functions return exit codes.
 */
struct scan_session;

/* What one read came to. */
struct scan_result {
	char serial[SERIAL_BUF];
	struct scan_lookup lk; /* disposal: lk.known and lk.card only */
	enum recon_outcome outcome;
	enum recon_why why; /* count and tally alerts */
	int64_t at;
	/* A disposal: why the card is due and since when (DATE_NONE), and
	 * the other open batch that holds it (0: none). */
	enum recon_due_why due;
	int32_t due_since;
	int64_t other_disposal;
	int safe_closed; /* flagged: taken while the safe was recorded closed */
	/* A card the ledger says is lost: its declaration, when on record. */
	int have_lost;
	struct lost_rec lost;
};

enum scan_step_kind {
	SCAN_STEP_IDLE = 0,   /* nothing within the timeout */
	SCAN_STEP_READ,	      /* a card was read: res */
	SCAN_STEP_UNREADABLE, /* a card could not be identified: message */
	SCAN_STEP_LOST,	      /* the reader went away: the session pauses */
	SCAN_STEP_BACK,	      /* it came back */
	SCAN_STEP_END,	      /* the reader's script ended (sim) */
};

struct scan_step {
	enum scan_step_kind kind;
	struct scan_result res;
	char message[256];
	int64_t at;
};

/* Checks the session (or disposal batch), the range and its assignee,
 * and opens a->reader (NULL: no reader, typed numbers only).  `a` must
 * outlive the session.  0 and *out, or an exit code. */
int scan_session_open(struct ledger *l, const struct scan_args *a,
		      struct scan_session **out);
/* Waits at most timeout_ms for the reader and handles what it reports. */
int scan_session_step(struct scan_session *s, int timeout_ms,
		      struct scan_step *out);
/* A card number typed, or sent by a barcode scanner, as one read. */
int scan_session_serial(struct scan_session *s, const char *serial,
			struct scan_result *out);
const struct scan_totals *scan_session_totals(const struct scan_session *s);
/* Closes the reader and records the end of a count's range; 0 or an exit
 * code (the range's end could not be recorded).  scan_session_close(NULL)
 * does nothing. */
int scan_session_close(struct scan_session *s);

/*
 * Reads until the reader's script ends (sim) or SIGINT/SIGTERM, recording
 * every read durably before reporting it.  Returns an exit code; totals
 * are filled either way.
 */
int scan_run(struct ledger *l, const struct scan_args *a,
	     struct scan_totals *totals);

/*
 * Prints the report of session `d` (today is used for disposal-due rules).
 * Missing cards get their last sighting from the ledger.  Returns an exit
 * code: 0, or 1 when the report has discrepancies.
 */
int report_print(FILE *f, struct ledger *l, const struct count_data *d,
		 const struct recon_report *r, int json);

/*
 * Reads cards from reader `spec` (identity profile `profile`, NULL: uid)
 * until the reader's script ends or Ctrl-C/SIGTERM, for commands that name
 * cards by scanning (checkout, return, move).  Each distinct serial is kept
 * once, in reading order, in *out (malloc'ed, free()); a card read again
 * gets the reader's repeat signal.  Unreadable cards are told on stderr and
 * skipped.  Nothing is written to the ledger.  Returns an exit code.
 */
int reader_collect(const char *spec, const struct rdr_profile *profile,
		   char (**out)[SERIAL_BUF], size_t *n);

/* How the items tally `id` expects back stand now (cmd_tally.c): what
 * `tally list` and `status` show.  0 or a ledger error. */
int tally_summary(struct ledger *l, int64_t id, struct recon_tally *t);

/* The report of a tally session (cmd_tally.c): what did not come back;
 * exit 1 when something is missing. */
int reconcile_tally(struct ledger *l, const struct session_rec *sess, int json,
		    FILE *out);

/* Loads, reconciles and prints session id; returns an exit code. */
int reconcile_session(struct ledger *l, int64_t id, int json, FILE *out);

/* Text reports are written for this many columns (a printed A4 page). */
#define REPORT_COLUMNS 80

/* Prints text in lines of at most REPORT_COLUMNS display cells, each line
 * starting with indent; breaks at blanks where it can, anywhere in
 * Japanese text, and at every newline. */
void report_wrapped(FILE *f, const char *indent, const char *text);

/*
 * The one printer of the safe's openings, of the cards handled while it
 * was recorded closed and of locked accounts, for `key log`, `status` and
 * `report daily`: set up the list, pass report_opening to
 * ledger_key_each_since, report_safe_closed to ledger_safe_closed_each or
 * report_locked to ledger_staff_each with it as ctx.  JSON: one item per
 * call, comma-separated (the caller writes the brackets).  Text: an
 * opening is three or four lines (times and minutes; who opened, approved
 * and closed; the purpose; FLAGGED and why), the others one line.
 */
struct report_list {
	FILE *f;
	int json;
	const char *indent; /* text: before every line */
	int64_t now;	    /* open openings are judged at this time */
	const struct recon_key_rules *rules;
	int n;	     /* items printed so far */
	int flagged; /* openings with flags */
};

int report_opening(const struct key_opening_rec *o, void *ctx);
int report_safe_closed(void *ctx, const struct safe_closed_row *r);
/* Locked, active accounts: "CODE (name)"; in JSON the code. */
int report_locked(const struct staff_rec *s, void *ctx);

/* ---- custody movements, one item at a time (cmd_custody.c) ---- */



/* ---- the safe's approver (cmd_key.c) ---- */

/* ---- a reader outside a session (cmd_scan.c) ---- */

/*
 * A reader for work that names cards by presenting them without a count
 * or tally (checkout, return, the TUI's lookup and custody screens):
 * card_reader_open, then card_reader_step between keys, then
 * card_reader_close.  Nothing is written to the ledger; the caller gives
 * the reader's feedback once it has done its work with the card.
 */
struct card_reader;

int card_reader_open(const char *spec, const struct rdr_profile *profile,
		     struct card_reader **out);
/* Waits at most timeout_ms.  out->kind: IDLE, READ (out->res.serial),
 * UNREADABLE (out->message; the reader has signalled it), LOST, BACK or
 * END.  0, or an exit code after cli_error (the reader failed). */
int card_reader_step(struct card_reader *r, int timeout_ms,
		     struct scan_step *out);
/* The reader's beep or light for an outcome (accepted, repeat, alert). */
void card_reader_feedback(struct card_reader *r, enum recon_outcome o);
/* card_reader_close(NULL) does nothing. */
void card_reader_close(struct card_reader *r);

/* ---- disposal (cmd_dispose.c), shared with the TUI ---- */

/* The cards in storage that the due rules make due today, sorted
 * (recon_due_sort); v[i].mgmt_id points into ids. */
struct dispose_due {
	const struct recon_rules *rules;
	int32_t today;
	struct recon_due_item *v;
	char (*ids)[MGMT_ID_MAX + 1];
	size_t n, cap;
};

/* 0 and *d (dispose_due_free), or an exit code. */
int dispose_due_load(struct ledger *l, const struct recon_rules *rules,
		     int32_t today, struct dispose_due *d);
void dispose_due_free(struct dispose_due *d);
/* NULL when method (shred, contractor) and certificate go together,
 * else what is wrong. */
const char *dispose_method_check(const char *method, const char *cert);
/* Batch id exists and is open; 0 and *b, or an exit code. */
int dispose_batch_open(struct ledger *l, int64_t id,
		       struct disposal_batch_rec *b);
/* Writes the disposal ledger for batch id (actor and witness checked
 * already: the training gate, cli_witness or cli_witness_pin); *n cards
 * disposed.  0 or an exit code (nothing disposed). */
int dispose_close(struct ledger *l, int64_t id, const char *method,
		  const char *cert, const struct staff_rec *actor,
		  const struct staff_rec *witness, int64_t *n);

/* ---- reports written to any FILE (the CLI's stdout, the TUI's memory
 * stream) ---- */

/* `report daily` for day (days since the epoch); exit 1 when the audit
 * chain is broken. */
int report_daily(struct ledger *l, int32_t day, int json, FILE *f);

enum book_format { FMT_TEXT = 0, FMT_CSV, FMT_JSON };

/* `report record-book` of month "YYYY-MM" in UTF-8 (the CLI converts to
 * the encoding asked for); exit 2 after cli_error when month is not
 * YYYY-MM. */
int report_record_book(struct ledger *l, const char *month,
		       enum book_format fmt, FILE *f);
/* `report incident` of count id. */
int report_incident(struct ledger *l, int64_t id, int json, FILE *f);

#endif
