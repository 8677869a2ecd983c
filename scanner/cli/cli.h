/*
 * The command-line program: one `const struct cmd_entry` per subcommand
 * (scanner/cli/cmd_*.c, after tmux's cmd-*.c), the shared option parser,
 * the exit codes of cardtally(1), and the helpers every command uses to
 * open the ledger, identify the acting person and print.  Only scanner/cli
 * and scanner/tui print.
 */
#ifndef CT_CLI_H
#define CT_CLI_H

#include <libintl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "../../common/model.h"
#include "../../data/ledger.h"
#include "../../reconcile/recon.h"
#include "../workflow/wf.h"
#include "../../reconcile/rules.h"
#include "json.h"

/*
 * The signals that end a reading loop (scan, receive): what was accepted
 * before stays.  cli_stop_catch installs a handler that records the signal
 * in cli_stop_signal (0 while none came), without SA_RESTART so that a
 * blocking reader wait returns at once where the backend lets it; a write
 * to a closed pipe then fails with EPIPE and the loop ends as for a stop.
 * cli_stop_restore puts back the handlers from before.  Where the loop
 * waits with no timeout (wf_scan_run on a reader that can be woken),
 * cli_stop_wake names what the handler calls after recording the signal
 * (async-signal-safe: wf_scan_wake); cli_stop_restore forgets it.
 */
#define CLI_NSTOP 4
extern volatile sig_atomic_t cli_stop_signal;
void cli_stop_catch(struct sigaction old[CLI_NSTOP]);
void cli_stop_wake(void (*wake)(void *arg), void *arg);
void cli_stop_restore(const struct sigaction old[CLI_NSTOP]);

/*
 * The text the program prints for a person (messages, refusals, the text
 * reports) goes through gettext like the TUI's: Japanese when the locale
 * asks for it (cli_i18n_init), the English as written otherwise.  JSON,
 * CSV and exit codes never do: other programs parse them.
 */
#ifndef _
#define _(s) gettext(s)
#endif
#ifndef N_
#define N_(s) s
#endif

/* Exit codes (cardtally(1) "EXIT STATUS"), never renumbered. */
enum {
	EXIT_OK = 0,
	EXIT_FOUND = 1,	       /* ran, and found discrepancies */
	EXIT_USAGE = 2,	       /* usage error */
	EXIT_DATAERR = 65,     /* bad input data, nothing changed; also a
				  --db file that is not a ledger */
	EXIT_NOINPUT = 66,     /* no ledger at the --db path */
	EXIT_UNAVAILABLE = 69, /* reader unavailable */
	EXIT_SOFTWARE = 70,    /* internal error */
	EXIT_IOERR = 74,       /* output could not be written, or the
				  ledger's file system refuses (full,
				  read-only) */
	EXIT_TEMPFAIL = 75,    /* stopped part way: the same command again
				  finishes it (an import that met a change) */
	EXIT_NOPERM = 77,      /* role, training, PIN or two-person rule */
};

/*
 * Options common to the commands, parsed once by main.c.  Every option, a
 * common one too, is given at most once (a second is a usage error), so
 * each has one value.  Strings point into argv and live as long as it
 * does.  The arrays are main.c's, sized to the command line (no argument
 * is ever one too many) and valid while the command runs.
 */
struct cli {
	const char *prog;
	const char *cmd; /* e.g. "count start" */
	const struct cmd_entry *entry; /* the command being run */
	const char *db;
	int json;
	int help;
	const char *as;
	int pin_fd;	     /* -1: read from the terminal */
	const char *witness; /* NULL: no --witness */
	int witness_pin_fd;  /* -1: read from the terminal */
	/* command-specific options, by name */
	const char **opt_name;
	const char **opt_val;
	int nopt;
	const char **pos; /* the positional arguments */
	int npos;
};

struct cmd_entry {
	const char *name;  /* "import", "count start" */
	const char *usage; /* arguments after the name */
	const char *help;  /* one line */
	/* Options this command takes besides the common ones; each is
	 * "name" (takes a value) or "name!" (a flag). */
	const char *const *options;
	int needs_db; /* 1: opens the ledger from --db / $CARDTALLY_DB */
	/*
	 * What the command may change.  step: the workflow step it runs
	 * (who may, training, a witness); cli_step_actor checks them for
	 * the --as person, the workflow again inside its transaction.
	 * NULL: it changes nothing, and its ledger is opened read-only
	 * (ledger_read_only), so it cannot.  session: it runs many steps,
	 * each screen with its own (tui).
	 */
	const struct wf_step *step;
	int session;
	int (*exec)(struct cli *c, struct ledger *l);
};

/* Picks the language of the messages and text reports from LC_ALL,
 * LC_MESSAGES or LANG (scanner/lang/lang.c, as the TUI): Japanese when they
 * name it; otherwise the locale is left alone, and what is printed is the
 * English as written, byte for byte. */
void cli_i18n_init(void);
/* Value of an option (a command's own or a common one), or NULL; "" for a
 * given flag. */
const char *cli_opt(const struct cli *c, const char *name);
/* Prints "cardtally: <message>" on stderr, fmt translated (a msgid: the
 * catalog takes cli_error's second argument); returns code.  While a capture
 * buffer is set (cli_error_capture), the message goes there instead (the
 * last one wins), for the TUI, which owns the terminal. */
int cli_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sends cli_error's messages to buf (cap bytes, cleared now) instead of
 * stderr; cli_error_capture(NULL, 0) goes back to stderr.  buf must live
 * until then. */
void cli_error_capture(char *buf, size_t cap);
/* A message of the catalog in the language now in force: gettext as a
 * function, for the renderers that translate their arguments too
 * (wf_render, import_problem_text, plan_why_text), in the CLI and the
 * TUI alike. */
const char *cli_tr(const char *msgid);
/* Prints a workflow's refusal in the language of cli_i18n_init (its
 * message and the fixed texts it quotes translated) like cli_error;
 * returns its exit status. */
int cli_fail(const struct wf_err *e);
/* The end of every command: stdout flushed and closed.  When any write to
 * it failed (now or earlier: ferror), a success (0 or 1) becomes
 * EXIT_IOERR after saying so; another rc is returned as it is (the command
 * said why it failed). */
int cli_output_done(int rc);
/*
 * Text from a file, a card or a person (a name, a location, a note, a
 * purpose) made fit for a terminal by text_escape (common/text.h), for
 * the text output's printf arguments: control characters and bad UTF-8
 * are shown escaped, never sent.  The result lives in one of eight static
 * buffers used in turn: valid until eight more calls.  JSON needs none.
 */
const char *cli_text(const char *s);
/* A ledger's code as a word of the language (wf_word's table,
 * translated: "checked_out" -> "checked out"); "" for "" or NULL. */
const char *cli_word(const char *code);
/* A code in a report that English has always shown as the code itself
 * ("checkout", "countonly", "shred"): the code when the catalog does not
 * translate its word (English, the C locale), else the translated word
 * (wf_word's table): text reports stay byte for byte what they were in
 * English.  Also the codes of a read's outcome (accepted, repeat,
 * alert...), which wf_word has no word for.  (cli_code.c) */
const char *cli_code(const char *code);
/* s followed by spaces to `cols` display columns (wcwidth: a Japanese
 * character takes 2; never cut), for a translated label in a column:
 * "%-8s" pads bytes.  One of eight static buffers used in turn, as
 * cli_text's. */
const char *cli_pad(const char *s, int cols);
/* Writes s to f made fit for a terminal as cli_text does, whole however
 * long (a near-miss of NOTE_MAX_BYTES): for text that may not fit
 * cli_text's buffers. */
void cli_put_text(FILE *f, const char *s);
/* How many items the comma-separated list s holds: its commas and one;
 * what cli_list's out needs room for. */
size_t cli_list_count(const char *s);
/*
 * The items of s, the value of option --opt (a comma-separated list such
 * as --ranges A,B), cut in place (s's commas become NULs) into
 * out[0..*n); out has room for cli_list_count(s) items.  An empty list or
 * an empty item ("A,", ",A", "A,,B") is a usage error that names the
 * option and the item, not skipped.  0, or an exit code after saying why.
 */
int cli_list(const struct cli *c, const char *opt, char *s, char **out,
	     size_t *n);
/* s as a whole number: decimal digits only (no sign, no space), within
 * min..max.  0 and *out, or -1. */
int cli_number(const char *s, int64_t min, int64_t max, int64_t *out);
/* Parses a session id argument; 0 or a usage exit code. */
int cli_session_id(struct cli *c, const char *s, int64_t *id);
/* 1 when s names a disposal batch ("D" and its number, as `dispose start`
 * prints it): *id is then its number, or 0 when the number is invalid. */
int cli_is_disposal_id(const char *s, int64_t *id);

/* Usage error for the current command: message (translated like
 * cli_error's) + usage line (English); returns 2. */
int cli_usage(const struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The clock: ct_now() of common/clock.h (the system clock; only the test
 * build reads $CARDTALLY_NOW). */
int64_t cli_now(void);
/* Local UTC offset in seconds at time t (TZ respected): wf_utc_offset. */
int32_t cli_utc_offset(int64_t t);
/* ISO 8601 local time with offset. */
void cli_time_iso(int64_t t, char out[TIME_ISO_BUF]);

/*
 * The acting person: looks up --as (or `code`), reads the PIN from --pin-fd
 * or the terminal, verifies it, records the outcome (5 failures lock).
 * Returns 0 and *out, or an exit code after printing why.
 */
int cli_authenticate(struct ledger *l, const char *code, int pin_fd,
		     const char *fd_option, struct staff_rec *out);
/*
 * The same check as cli_authenticate with a PIN already typed (the TUI's
 * login): the account exists, is active and not locked; the PIN is right.
 * The outcome is recorded and audited like every PIN check (5 failures in
 * a row lock the account).  0 and *out, or an exit code after cli_error.
 */
int cli_pin_login(struct ledger *l, const char *code, const char *pin,
		  struct staff_rec *out);
/* The --as person (PIN checked), who may do the command's step (its
 * cmd_entry's .step) as far as the front end can tell (wf_may: role,
 * training); the workflow checks again.  0 and *out (PIN hash wiped), or
 * an exit code after saying why. */
int cli_step_actor(struct cli *c, struct ledger *l, struct staff_rec *out);
/* The PIN of the first --witness (from --witness-pin-fd or the terminal)
 * into pin, for a workflow that checks the second person itself; "" when
 * there is no witness or it is actor (the workflow refuses both before
 * it looks at a PIN).  0 or an exit code. */
int cli_second_pin(struct cli *c, const struct staff_rec *actor,
		   char pin[16]);
/* The --as person; usage error when --as is missing. */
int cli_actor(struct cli *c, struct ledger *l, struct staff_rec *out);
/* Reads a PIN (4-12 digits) from fd, or the terminal with echo off when fd
 * is -1, prompting with `prompt`; fd_option names the option that gives a
 * descriptor instead ("--pin-fd"), for the errors.  A descriptor that is
 * not open, fails to read or ends before any byte is EXIT_USAGE, said
 * with its number, fd_option and why; a line that is not 4-12 digits
 * EXIT_DATAERR.  Returns 0, or an exit code. */
int cli_read_pin(int fd, const char *prompt, const char *fd_option,
		 char pin[16]);
/* Reads a new PIN for `code` into pin (twice at a terminal, and the two
 * must match).  0 or an exit code. */
int cli_new_pin(int fd, const char *fd_option, const char *code, char pin[16]);
/* Argon2id hash of a PIN into out (wf_pin_hash). */
int cli_hash_pin(const char *pin, char out[128]);

/* Runs the training gate for staff member `staff` on `today` into *out.
 * 0, or an exit code after printing why it could not. */
int cli_training_check(struct ledger *l, const char *staff, int32_t today,
		       struct training_gap *out);

/* "open too long, outside office hours", "" for none. */
void cli_key_flag_names(unsigned flags, char *out, size_t cap);
/* ["long","off_hours"] as a value of w. */
int cli_key_flags_jw(struct json_w *w, unsigned flags);

/* JSON output goes through one writer (json.h).  An ISO 8601 string as a
 * value of w, or null for 0. */
int cli_json_time(struct json_w *w, int64_t t);
int cli_json_key_time(struct json_w *w, const char *key, int64_t t);
/* A day as a member of w: "YYYY-MM-DD", or null for DATE_NONE. */
int cli_json_key_date(struct json_w *w, const char *key, int32_t day);
/* A disposal batch's members, from "disposal":"D12" to "certificate", in
 * an object this opens and leaves open (the caller adds its cards). */
void cli_json_batch(struct json_w *w, const struct disposal_batch_rec *b);
/* Ends w's document (json_w_finish): `rc` when the document was whole;
 * else says what the writer refused and returns EXIT_SOFTWARE. */
int cli_json_done(struct json_w *w, int rc);
/* {"KEY":ID} and a newline on stdout: what a command that records one
 * thing prints with --json.  0, or EXIT_SOFTWARE as cli_json_done. */
int cli_json_id(const char *key, int64_t id);

/* The commands (scanner/cmd_*.c). */
extern const struct cmd_entry cmd_init_entry, cmd_staff_add_entry,
    cmd_staff_unlock_entry, cmd_staff_list_entry, cmd_staff_pin_entry,
    cmd_staff_reset_pin_entry, cmd_staff_deactivate_entry,
    cmd_staff_reactivate_entry, cmd_staff_role_entry, cmd_import_entry,
    cmd_count_start_entry, cmd_count_close_entry, cmd_scan_entry,
    cmd_scan_undo_entry, cmd_tui_entry, cmd_reconcile_entry, cmd_demo_entry,
    cmd_readers_entry, cmd_audit_verify_entry, cmd_audit_show_entry,
    cmd_note_add_entry, cmd_note_list_entry;
/* Disposal (R16-R18, cmd_dispose.c). */
extern const struct cmd_entry cmd_dispose_due_entry, cmd_dispose_start_entry,
    cmd_dispose_close_entry, cmd_dispose_list_entry;
/* Training, the safe's key log, status (cmd_training.c, cmd_key.c,
 * cmd_status.c). */
extern const struct cmd_entry cmd_training_course_add_entry,
    cmd_training_course_require_entry, cmd_training_record_entry,
    cmd_training_list_entry, cmd_key_holder_add_entry,
    cmd_key_holder_list_entry, cmd_key_open_entry, cmd_key_close_entry,
    cmd_key_log_entry, cmd_status_entry, cmd_key_holder_remove_entry,
    cmd_key_handover_entry;
/* The evening's report to sign (cmd_daily.c). */
extern const struct cmd_entry cmd_report_daily_entry;
/* Custody (cmd_custody.c). */
extern const struct cmd_entry cmd_asset_add_entry, cmd_checkout_entry,
    cmd_return_entry, cmd_issue_entry, cmd_move_entry, cmd_tally_start_entry,
    cmd_tally_close_entry, cmd_tally_list_entry;
/* The counting programme (R5, R6, cmd_plan.c). */
extern const struct cmd_entry cmd_plan_assign_entry, cmd_plan_cycle_entry,
    cmd_count_total_entry;
/* Receiving cards, enrolment (R1, cmd_receive.c). */
extern const struct cmd_entry cmd_receive_entry;

/* The members "assignments":[...] and "unassigned":[...] of the object
 * open on w. */
int plan_result_jw(struct json_w *w, const struct plan_result *r);
/* One line a range; only_news: skip ranges kept as they were. */
void plan_result_text(FILE *f, const struct plan_result *r, int only_news);
/* Why nobody may count the range of ln, in the language of the messages
 * (English: ln->why).  One static buffer: valid until the next call. */
const char *plan_why_words(const struct plan_line *ln);
/* How many ranges of count-only check id are off (or not counted). */
int countonly_found(struct ledger *l, int64_t id, size_t *found);
/* The report of a count-only check; exit 1 when a range is off. */
int reconcile_countonly(struct ledger *l, const struct session_rec *sess,
			int json, FILE *out);
/* The plan section of `status` (cmd_plan.c): the cycle plan in force,
 * what is due this month and overdue, each range's last count (s, from
 * wf_plan_status), printed as text (w NULL) or as the member "plan" of
 * the object open on w.  An exit status. */
int plan_status_print(const struct wf_plan_status *s, struct json_w *w);
/* The same section as text, a line at a time to emit: level 0 the cycle
 * (or that there is none), level 1 what is due and overdue, the ranges and
 * the oldest full count.  0, or -1 when out of memory. */
int plan_status_lines(const struct wf_plan_status *s,
		      void (*emit)(void *ctx, int level, const char *line),
		      void *ctx);
/* The record book (cmd_book.c, cmd_report.c). */
extern const struct cmd_entry cmd_count_resolve_entry,
    cmd_count_discrepancies_entry, cmd_count_recount_entry,
    cmd_report_record_book_entry, cmd_report_incident_entry;
/* Backups and restore (cmd_backup.c). */
extern const struct cmd_entry cmd_backup_entry, cmd_backup_verify_entry,
    cmd_restore_entry;

/* The city-wide hub (cmd_sync.c, issue 16). */
extern const struct cmd_entry cmd_sync_entry, cmd_sync_key_entry,
    cmd_hub_migrate_entry, cmd_hub_enrol_entry, cmd_hub_report_entry;

#endif
