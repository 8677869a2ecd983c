/*
 * The work the commands share: printing the scan loop (used by `scan` and
 * `demo`; the loop itself is scanner/workflow/wf_scan.c) and printing a
 * reconciliation report (used by `reconcile`, `count close` and
 * `demo`).  Text for people, JSON for programs; both go to the FILE given.
 */
#ifndef CT_REPORT_H
#define CT_REPORT_H

#include <stdio.h>

#include "../../common/count.h"
#include "../../data/ledger.h"
#include "../../reconcile/recon.h"
#include "../workflow/wf_scan.h"
#include "cli.h"

enum scan_verbosity {
	SCAN_EVERY_READ = 0, /* one line per read (the `scan` command) */
	SCAN_ALERTS_ONLY,    /* alerts, repeats and reader events (demo) */
	SCAN_QUIET,	     /* nothing (the demo's replay of last month) */
};

/* How `scan` and `demo` print a scan's events (cmd_scan.c). */
struct scan_print {
	FILE *out;
	int json;
	enum scan_verbosity verbosity;
	/* Said on stderr once the session is open (wf_profile_note);
	 * NULL: nothing to say. */
	const char *note;
};

/*
 * The command line's scan (cmd_scan.c, also `demo`): opens a's session
 * (wf_scan_open), reads until the reader's script ends, a read is refused
 * or SIGINT, SIGTERM, SIGHUP or SIGPIPE stops it (wf_scan_run), printing
 * every event as p says, and closes it.  *opened: the session was opened
 * (else nothing was read, and the refusal was said); *totals are filled
 * either way.  Returns the exit code: 0, 128 + N when stopped by signal
 * N, or the refusal's or failure's after saying why.
 */
int scan_run(struct ledger *l, const struct wf_scan_args *a,
	     const struct scan_print *p, struct wf_scan_totals *totals,
	     int *opened);
/* t's repeats and alerts in words, each with its own plural ("1 repeat",
 * "2 alerts"), for a scan's summary line. */
void scan_totals_words(const struct wf_scan_totals *t, char reps[48],
		       char alerts[48]);

/*
 * Prints the reconciliation of a count (wf_reconcile of a full or partial
 * count).  Returns an exit code: 0, or 1 when it has discrepancies.
 */
int report_print(FILE *f, const struct wf_reconcile *w, int json);

/*
 * Reads cards from reader `spec` (identity profile `profile`, NULL: uid)
 * until the reader's script ends or Ctrl-C/SIGTERM (the last card is on
 * the reader), for commands that name cards by scanning (checkout, return,
 * move, count total): wf_reader_collect, with unreadable cards told on
 * stderr.  Each distinct serial is kept once, in reading order, in *out
 * (malloc'ed, free()).  SIGHUP or SIGPIPE take nothing (128 + N).  Nothing
 * is written to the ledger.  Returns an exit code.
 */
int reader_collect(const char *spec, const struct rdr_profile *profile,
		   char (**out)[SERIAL_BUF], size_t *n);

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
 * report_locked to ledger_staff_each with it as ctx.  JSON (jw set): one
 * item of the array the caller opened on jw per call.  Text (jw NULL): an
 * opening is three or four lines (times and minutes; who opened, approved
 * and closed; the purpose; FLAGGED and why), the others one line.
 */
struct report_list {
	FILE *f;	    /* text */
	struct json_w *jw;  /* JSON: the caller's writer, or NULL for text */
	const char *indent; /* text: before every line */
	int64_t now;	    /* open openings are judged at this time */
	const struct recon_key_rules *rules;
	int n;	     /* items printed so far */
	int flagged; /* openings with flags */
};

int report_opening(const struct key_opening_rec *o, void *ctx);
/* The same for an opening whose flags are decided already (wf_opening). */
void report_opening_print(struct report_list *p,
			  const struct key_opening_rec *o, unsigned flags,
			  int recorded);
int report_safe_closed(void *ctx, const struct safe_closed_row *r);
/* A handling while the safe was recorded closed as one line of text, as
 * report_safe_closed prints it without its indent: "10:02 - 10:05  count 3:
 * 12 reads by S02". */
void report_safe_closed_line(const struct safe_closed_row *r, char *buf,
			     size_t cap);
/* Locked, active accounts: "CODE (name)"; in JSON the code. */
int report_locked(const struct staff_rec *s, void *ctx);

/* ---- the safe's approver (cmd_key.c) ---- */

/* ---- reports written to any FILE (the CLI's stdout, the TUI's memory
 * stream) ---- */

/* Prints `report daily` (wf_daily) as text or JSON; `rules` judge the
 * openings the struct's flags were decided with.  0, or EXIT_SOFTWARE
 * when the JSON writer refused (cli_json_done). */
int report_daily_print(const struct wf_daily *w,
		       const struct recon_key_rules *rules, int json, FILE *f);

enum book_format { FMT_TEXT = 0, FMT_CSV, FMT_JSON };

/* Prints `report record-book` (wf_book) in UTF-8 (the CLI converts to
 * the encoding asked for).  0, or EXIT_SOFTWARE as report_daily_print. */
int report_book_print(const struct wf_book *b, enum book_format fmt, FILE *f);
/* Prints `report incident` (wf_incident).  0, or EXIT_SOFTWARE as
 * report_daily_print. */
int report_incident_print(const struct wf_incident *in, int json, FILE *f);

#endif
