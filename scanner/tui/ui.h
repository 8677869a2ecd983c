/*
 * The operator terminal UI, `cardtally tui`: the program on the box's
 * screen.  Its parts, and who may include what:
 *
 *   ui_main.c     the command, the event loop, login state, idle logout,
 *                 and the screen table (one line per screen, like the
 *                 command table in main.c)
 *   ui_<name>.c   one file per screen: its state, what it shows (a pure
 *                 function from state to a struct ui_view), and its keys
 *   ui_view.c     building views: lines with attributes, the frame
 *                 (header with the person's name and role, message line,
 *                 key help), big digits, progress bars
 *   ui_text.c     typing into a field, fitting a view's lines to the
 *                 terminal, the screens' time and date formats (display
 *                 widths and the language are scanner/lang/'s, shared
 *                 with the command line)
 *   ui_word.c     a ledger's code or a role as a word of the language
 *   ui_curses.c   the only file that includes curses: draws a view, reads
 *                 keys, rings the bell
 *
 * A screen never draws: it fills a struct ui_view, which tests inspect
 * (tests/test_ui.c) and ui_curses.c paints.  Key handlers return what
 * happens next (htop's Panel): handled, redraw, leave to the menu, log
 * out, quit.  A screen that waits on something besides the keyboard (a
 * reader) has a tick, called by the loop between keys with a short
 * timeout, so the reader never blocks the keyboard.
 *
 * Adding a screen: write scanner/ui_<name>.c with a `const struct
 * ui_screen ui_<name>_screen`, declare it below, add one line to the
 * screen table in ui_main.c, and its strings to po/ja.po.  The menu shows
 * it to whoever recon_permit and the training gate allow.
 */
#ifndef CT_UI_H
#define CT_UI_H

#include <stddef.h>
#include <stdint.h>

#include "../../data/ledger.h"
#include "../../reconcile/plan.h"
#include "../../reconcile/recon.h"
#include "../workflow/config.h"
#include "../cli/report.h"
#include "../lang/lang.h"

#include <libintl.h>
#define _(s) gettext(s)
#ifndef N_
#define N_(s) (s)
#endif

/* ---- text the screens edit and fit (ui_text.c; widths: lang.h) ---- */

#define UI_TIME_BUF 20
/* "2025-06-10 10:00" in local time; "-" for 0. */
void ui_time_short(int64_t t, char out[UI_TIME_BUF]);
/* YYYY-MM-DD, "-" for DATE_NONE. */
void ui_date_text(int32_t day, char out[11]);
/* Like cols_fit with pad, text right-aligned in `cols` columns. */
int ui_fit_right(char *out, size_t cap, const char *s, int cols);
/* Appends code point cp to s (cap bytes) as UTF-8 when it fits. */
void ui_text_append(char *s, size_t cap, int cp);
/* Removes the last UTF-8 character of s. */
void ui_text_backspace(char *s);
/* Cuts lines from..end of v to v->cols - 1 columns (cols_fit), so that a
 * screen's own view already fits the terminal the painter draws on. */
struct ui_view;
void ui_view_fit_lines(struct ui_view *v, int from);

/* ---- views (ui_view.c) ---- */

/* How a line looks.  Every alert kind has its own symbol in the text as
 * well: colour is never the only difference (a colour-blind operator, a
 * monochrome console). */
enum ui_attr {
	UI_A_NORMAL = 0,
	UI_A_HEADER,   /* the top line: who is logged in */
	UI_A_TITLE,    /* a screen's title */
	UI_A_DIM,      /* help, secondary text */
	UI_A_SELECTED, /* the menu's cursor */
	UI_A_BIG,      /* big counters */
	UI_A_OK,       /* accepted */
	UI_A_REPEAT,   /* repeat */
	UI_A_ALERT,    /* alerts, errors */
	UI_A_BANNER,   /* full-screen notices (reader lost) */
	UI_A_INPUT,    /* a field being edited */
	UI_A_COUNT
};

#define UI_VIEW_LINES 48
#define UI_LINE_BYTES 512

struct ui_line {
	enum ui_attr attr;
	char text[UI_LINE_BYTES];
};

/*
 * What a screen shows: lines top to bottom, each cut to the width by the
 * painter.  A banner view (reader lost) is painted centred, full screen.
 * cursor_line >= 0 puts the terminal cursor in that line at cursor_col.
 */
struct ui_view {
	int nlines;
	struct ui_line line[UI_VIEW_LINES];
	int banner;
	int cursor_line, cursor_col;
	int cols, rows; /* the size it is laid out for */
	/* How many of the last lines the painter puts at the bottom rows
	 * (the message, wrapped, and the key help); 0 means 2. */
	int bottom;
};

void ui_view_clear(struct ui_view *v, int cols, int rows);
/* Appends a line (printf-style); lines beyond UI_VIEW_LINES are dropped.
 * Returns the line's index or -1. */
int ui_view_add(struct ui_view *v, enum ui_attr attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends `text` after `indent` spaces, wrapped to the view's width
 * (cols_wrap: at the last space that fits, or at the edge for Japanese,
 * which has none) instead of cut; the rows after the first start two
 * columns further in.  Returns the first line's index or -1. */
int ui_view_add_wrapped(struct ui_view *v, enum ui_attr attr, int indent,
			const char *text);
/* Index of the first line containing `needle`, or -1 (for tests). */
int ui_view_find(const struct ui_view *v, const char *needle);
/* Three rows of seven-segment ASCII digits for n (n >= 0), each row
 * appended to rows[i] (cap bytes each). */
void ui_big_number(long n, char rows[3][64]);
/* "[#####.....]" of `width` columns for done out of total. */
void ui_progress_bar(char *out, size_t cap, long done, long total, int width);

/*
 * A list the operator moves through (the ranges of a tray count, ...):
 * the highlighted item, the first one shown, and a number being typed.
 * Every list scrolls the same way: Up/Down, PgUp/PgDn, Home/End keep the
 * highlight in view, and the list says which of its items show.
 */
struct ui_list {
	size_t n;    /* items */
	size_t sel;  /* the highlighted one */
	size_t top;  /* the first one shown (ui_list_top adjusts it) */
	char num[8]; /* digits typed so far (lists of more than 9) */
};

/* What a key did to a list (ui_list_key). */
enum ui_list_step {
	UI_LIST_NOT_MINE = 0, /* not a list key: the screen's */
	UI_LIST_MOVED,	      /* the highlight or the number changed */
	UI_LIST_CHOSEN,	      /* Enter (or a digit of a list of 9 or less):
				 sel is the item chosen */
};

/* An empty list of n items, the first highlighted. */
void ui_list_init(struct ui_list *l, size_t n);
/* The first item to show in `rows` rows: l->top moved as little as it
 * takes for the highlight to show (a resize may have changed rows). */
size_t ui_list_top(const struct ui_list *l, int rows);
/*
 * One key into a list shown in `rows` rows: arrows, PgUp/PgDn, Home/End
 * move the highlight; a digit chooses at once in a list of 9 or less,
 * else adds to a number (the highlight follows it, Backspace takes a
 * digit back, Esc drops it) that Enter chooses; Enter chooses.
 */
enum ui_list_step ui_list_key(struct ui_list *l, int key, int rows);
/* "12-26 / 42": the items shown in `rows` rows, of how many. */
void ui_list_position(const struct ui_list *l, int rows, char *out, size_t cap);

/* ---- words (ui_word.c) ---- */

/* A ledger's code as a word of the current language (wf_word's table,
 * translated); "" for "" or NULL.  Static storage. */
const char *ui_word(const char *code);

/* ---- screens ---- */

/* What a key handler or a tick says should happen next. */
enum ui_result {
	UI_IGNORED = 0, /* not mine: the loop may use the key */
	UI_HANDLED,	/* done; nothing visible changed */
	UI_REDRAW,	/* done; draw again */
	UI_LEAVE,	/* close this screen, back to the menu */
	UI_LOGOUT,	/* close this screen and log out */
	UI_QUIT,	/* leave the program (only from the login screen) */
};

/* Keys: a character is its Unicode code point; special keys are above. */
enum {
	UI_KEY_NONE = 0,
	UI_KEY_ENTER = '\n',
	UI_KEY_TAB = '\t',
	UI_KEY_ESC = 27,
	UI_KEY_BACKSPACE = 0x7f,
	UI_KEY_UP = 0x110000,
	UI_KEY_DOWN,
	UI_KEY_LEFT,
	UI_KEY_RIGHT,
	UI_KEY_HOME,
	UI_KEY_END,
	UI_KEY_PGUP,
	UI_KEY_PGDN,
	UI_KEY_F1,
	UI_KEY_F2,
	UI_KEY_F3,
	UI_KEY_F4,
	UI_KEY_F5,
	UI_KEY_F10 = UI_KEY_F1 + 9,
	UI_KEY_RESIZE = 0x110100,
};

struct ui;

struct ui_screen {
	const char *name;  /* "scan", also the screen's id */
	const char *title; /* N_("Tray count"): header and menu label */
	int in_menu;	   /* listed in the main menu */
	/* The workflow step the screen is for: the menu offers it to whom
	 * the step's role and training allow, and opening it runs wf_may
	 * (the person read again: still active, not locked), refusing in
	 * the workflow's words.  NULL: a screen that changes nothing. */
	const struct wf_step *step;
	/* Opens the screen's state (u->state); 0, or an exit code after
	 * saying why (ui_fail, ui_nomem, ui_ledger_fail; the screen is not
	 * opened). */
	int (*enter)(struct ui *u);
	/* Frees the state and whatever it holds (a reader); also called on
	 * logout and on quit.  NULL: nothing to free. */
	void (*leave)(struct ui *u);
	/* Fills v (already cleared, below the header) from the state. */
	void (*view)(const struct ui *u, struct ui_view *v);
	enum ui_result (*key)(struct ui *u, int key);
	/* NULL, or background work (a reader), waiting at most wait_ms;
	 * UI_IGNORED when it had nothing to wait on (the loop then waits
	 * on the keyboard instead). */
	enum ui_result (*tick)(struct ui *u, int wait_ms);
};

/* The program's state, shared by the screens. */
struct ui {
	struct ledger *l;
	struct config conf;
	const char *reader; /* --reader, NULL: typed numbers only */
	const struct rdr_profile *profile; /* identity profile */
	/* Who is logged in; nobody when logged_in is 0.  trained: the
	 * training gate let them work with cards at login. */
	int logged_in;
	struct staff_rec who;
	int trained;
	/* The course missing, "NAME (CODE)"; "" when trained. */
	char training_gap[NAME_MAX_BYTES + STAFF_CODE_MAX + 8];
	int training_expired; /* 1: attended once, expired since */
	const struct ui_screen *screen;
	void *state; /* the current screen's, owned by it */
	/* The message line: the outcome of the last action. */
	/* Room for a reader's message (RDR_ERRMSG_MAX, Japanese taking
	 * three bytes a character) quoted inside the screen's own words. */
	char msg[1024];
	enum ui_attr msg_attr;
	/* Counts the messages set: a message belongs to the screen that
	 * showed it, so a key that only moves to another screen drops the
	 * one an earlier key left (one it sets itself stays). */
	unsigned msg_gen;
	/* The refusal on the message line (ui_fail), kept so that F2 says
	 * it again in the other language; msg_fail 0: the line holds
	 * something else. */
	struct wf_err msg_err;
	int msg_fail;
	/* Terminal bells the painter rings after the next draw: 2 for a
	 * repeat, 3 for an alert (accepted reads are silent on the terminal;
	 * the reader's own beep confirms them). */
	int bells;
	int repaint; /* the next paint redraws every cell */
	/* A logout asked for while the safe is recorded open was warned
	 * of: the next one goes through. */
	int logout_warned;
	const struct ui_screen *go; /* set by ui_goto: open next */
	/* Set by a screen when the operator did something besides typing
	 * (a card read): the idle clock starts again. */
	int activity;
	int64_t idle_logouts; /* how many, for the message */
	/* Seconds before the idle logout once it is near (the loop sets
	 * it), else 0: a screen with a place for it warns. */
	int idle_left;
};

extern const struct ui_screen ui_login_screen, ui_menu_screen, ui_scan_screen,
    ui_status_screen;
/* The counting programme's and the reports' screens. */
extern const struct ui_screen ui_count_start_screen, ui_count_screen,
    ui_dispose_screen, ui_reports_screen;
/* Who counts which range (everyone), and a manager's screens: unlock an
 * account, training records, key holders, resolutions of closed counts. */
extern const struct ui_screen ui_plan_screen, ui_unlock_screen,
    ui_training_screen, ui_holders_screen, ui_resolve_screen;

/* The screen table (ui_main.c), NULL-terminated, in menu order. */
const struct ui_screen *const *ui_screens(void);
/* 1 when `who` may open s: its step's role (recon_permit) and training
 * (no step: anyone). */
int ui_screen_allowed(const struct ui_screen *s, enum staff_role role,
		      int trained);
/* Shows a workflow's refusal on the message line, translated, with the
 * alert bells. */
void ui_fail(struct ui *u, const struct wf_err *e);
/* A screen's own failures, said as ui_fail says a workflow's (translated):
 * out of memory, and the ledger failing (its message).  Both return
 * EXIT_SOFTWARE, for a screen's enter to return. */
int ui_nomem(struct ui *u);
int ui_ledger_fail(struct ui *u);
/* A workflow's refusal as text in the current language, starting with a
 * capital as every line of the screen does. */
void ui_wf_text(const struct wf_err *e, char *out, size_t cap);
/* Asks the loop to open s after this handler returns. */
void ui_goto(struct ui *u, const struct ui_screen *s);
/* Sets the message line (printf-style). */
/* Draws the screen at once with "Checking PIN..." on the message line
 * (a PIN takes a second or two to check, R21), before the check; the line
 * is left as it was for the outcome.  Nothing outside the terminal. */
void ui_checking_pin(struct ui *u);
void ui_message(struct ui *u, enum ui_attr attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The role's name in the current language. */
const char *ui_role_name(enum staff_role r);
/* Logs u->who in after a PIN check (wf_login): runs the training gate and
 * remembers what is missing.  0, or an exit code after saying why on the
 * message line. */
int ui_login(struct ui *u, const struct staff_rec *who);
/*
 * The whole frame around a screen's lines: header (program, person, role,
 * screen title), the screen's view, message line and key help at the
 * bottom.  What the painter draws, and what tests inspect.
 */
void ui_frame(const struct ui *u, struct ui_view *v, int cols, int rows);

/* ---- the menu (ui_menu.c) ---- */

#define UI_MENU_MAX 32

/* The screens a person with `role` sees in the menu; trained: whether
 * the training gate lets them work with cards.  Returns the count. */
size_t ui_menu_items(enum staff_role role, int trained,
		     const struct ui_screen **out, size_t max);

/* ---- a reader on a screen (ui_reader.c) ---- */

struct wf_scan;
struct wf_scan_args;
struct wf_scan_event;
struct wf_reader;

/*
 * A screen's card reader: the scan session it reads into (a count, a
 * tally, a disposal) or a reader alone (the lookup, custody), and what
 * the screen shows of it.  Every screen that reads cards keeps one, so
 * that an unplugged reader, a reader back, a card not read, a refused
 * read and a reader that stopped look and sound the same on all of them.
 * Order of calls: ui_reader_open or ui_reader_open_plain ->
 * ui_reader_tick (and wf_scan_serial on r->s) -> ui_reader_close.
 */
struct ui_reader {
	int has_reader; /* a reader is open; else typed numbers only */
	int lost;	/* it went away: the full-screen notice until back */
	int back;	/* it came back: said until the next read */
	int ended;	/* it failed for good, or its script ran out */
	int idle_left;	/* seconds before the idle logout when near, else 0 */
	struct wf_scan *s;    /* the scan session, owned; NULL: none */
	struct wf_reader *rd; /* a reader alone, owned; NULL: none */
};

/*
 * Opens the scan session of args (wf_scan_open) into r: when args->reader
 * cannot be opened the session opens without it (typed numbers still
 * work; args->reader is then NULL) and the message line says why.  0, or
 * the exit status with *e and nothing open.
 */
int ui_reader_open(struct ui *u, struct wf_scan_args *args, struct ui_reader *r,
		   struct wf_err *e);
/* Opens u->reader alone into r (no session: nothing is written); a
 * reader that cannot be opened is said, and typed numbers still work. */
void ui_reader_open_plain(struct ui *u, struct ui_reader *r);
/* Closes what r holds (a count's range end is recorded: 0, or the exit
 * status with *e when it could not be); r is then as if never opened. */
int ui_reader_close(struct ui_reader *r, struct wf_err *e);
/*
 * A screen's tick: waits at most wait_ms on r's reader and deals with
 * every event besides a read -- the reader failed for good (said, ended),
 * a read refused (said), a card not read (said, alert bells), the reader
 * unplugged (the banner; the idle logout held off while it lasts) or
 * back, a script's end.  Returns 1 when *ev is a read for the screen to
 * show (r->back cleared); else 0 with *res what the tick returns
 * (UI_IGNORED: no reader to wait on).
 */
int ui_reader_tick(struct ui *u, struct ui_reader *r, int wait_ms,
		   struct wf_scan_event *ev, enum ui_result *res);
/*
 * What ui_reader_tick does with an event besides a read, for a screen
 * whose workflow owns its reader (receiving, wf_receive_next): rc (with
 * *e) and *ev as the workflow gave them.  What the tick returns.
 */
enum ui_result ui_reader_step(struct ui *u, struct ui_reader *r, int rc,
			      const struct wf_scan_event *ev,
			      const struct wf_err *e);
/* The reader's beep or light for what a screen made of a read from a
 * reader alone (a session's reads have theirs already). */
void ui_reader_feedback(struct ui_reader *r, enum recon_outcome o);
/*
 * The full-screen notice while r's reader is unplugged: fills v (banner)
 * and returns 1, the screen then shows nothing else; kept says what is
 * kept (NULL: that nothing read so far is lost).  0 when plugged in.
 */
int ui_reader_banner(const struct ui_reader *r, const char *kept,
		     struct ui_view *v);
/* The reader's line in v: the idle logout near, the reader back, no
 * reader or a stopped one (type the number), else `present` (NULL: no
 * line). */
void ui_reader_view(const struct ui_reader *r, const char *present,
		    struct ui_view *v);

/* ---- the tray scan screen (ui_scan.c) ---- */

#define UI_ALERTS_MAX 64

/* One read worth listing: an alert, a repeat or an unreadable card. */
struct ui_alert {
	int kind; /* UI_ALERT_* */
	char mgmt_id[MGMT_ID_MAX + 1];
	char serial[SERIAL_BUF];
	char where[LOCATION_MAX + 1]; /* misplaced: its home; */
	char status[24];	      /* not in stock: the ledger's status */
	int undone;
};

enum {
	UI_ALERT_UNKNOWN = 0,
	UI_ALERT_MISPLACED,
	UI_ALERT_NOT_IN_STOCK,
	UI_ALERT_DISPOSAL_DUE,
	UI_ALERT_REPEAT,
	UI_ALERT_UNREADABLE,
	UI_ALERT_KINDS
};

/* The symbol shown with an alert kind ("?", ">", ...), never only its
 * colour. */
const char *ui_alert_symbol(int kind);

/* What the scan screen shows while scanning (its model). */
struct ui_scan_model {
	int64_t session_id;
	char range[LOCATION_MAX + 1];
	long expected, seen; /* cards of the range; of them, read */
	long accepted, repeats, alerts;
	char last[160]; /* the last card read, "" before the first */
	int last_kind;	/* -1 accepted, else UI_ALERT_* */
	char last_serial[SERIAL_BUF];
	int last_undone;		      /* the last read was taken back */
	struct ui_alert alert[UI_ALERTS_MAX]; /* oldest first */
	int nalerts;
	struct ui_reader reader;
	char typed[64]; /* digits typed or wedged in so far */
	int undo_mode;	/* typing the reason of an undo */
	char reason[UNDO_REASON_MAX + 1];
};

/* The scanning view of m, cols wide (tests call it directly). */
void ui_scan_render(const struct ui_scan_model *m, int cols, struct ui_view *v);
/* Records a read's outcome in m (counters, last card, alerts list);
 * in_range: the card is one of the range's expected cards. */
void ui_scan_note_read(struct ui_scan_model *m, int outcome, int why,
		       const char *mgmt_id, const char *serial,
		       const char *home, const char *status, int in_range);

/* ==== lookup, custody, tally and safe screens ==== */

extern const struct ui_screen ui_lookup_screen, ui_custody_screen,
    ui_tally_screen, ui_key_screen;

/* Receiving cards, tray by tray or by delivery slip (ui_receive.c). */
extern const struct ui_screen ui_receive_screen;

/* ---- input fields (ui_form.c) ---- */

/* What a field accepts. */
enum ui_field_kind {
	UI_FIELD_TEXT = 0, /* any printable character (notes, purposes) */
	UI_FIELD_ID,	   /* [A-Za-z0-9_-]: management IDs, staff codes */
	UI_FIELD_HEX,	   /* a card's number */
	UI_FIELD_DIGITS,   /* PINs */
	UI_FIELD_DATE,	   /* YYYY-MM-DD */
};

/* Edits buf (cap bytes) with key: a character the field accepts is
 * appended when it fits, Backspace removes the last character.  1 when
 * the key was the field's, 0 when not (a command key). */
int ui_field_key(char *buf, size_t cap, enum ui_field_kind kind, int key);
/* Adds "  LABEL VALUE" (a PIN as stars) to v; the active field gets the
 * input colour and the terminal cursor at its end.  The line's index. */
int ui_form_line(struct ui_view *v, const char *label, const char *value,
		 int masked, int active);

/* A card's (or terminal's) status in the current language. */
const char *ui_card_status(enum card_status s, int is_asset);

/*
 * A second person on the same screen (the witness of a two-person step,
 * the safe's approver): their staff code, their PIN (shown as stars,
 * wiped after every try) and, with has_note, a note or purpose.  Tab /
 * Down / Up move between the fields; Enter moves on and, on the last
 * field (the PIN, or the note), completes the form; Esc cancels it.
 */
struct ui_second {
	char code[STAFF_CODE_MAX + 1];
	char pin[16];
	char note[256];
	int has_note;
	int field; /* 0 code, 1 PIN, 2 note */
};

/* What a key did to the form (ui_second_key). */
enum ui_second_step {
	UI_SECOND_NOT_MINE = -2, /* a command key: the screen's or the loop's */
	UI_SECOND_CANCEL = -1,	 /* Esc: the form is wiped */
	UI_SECOND_HANDLED = 0,	 /* the form's; draw again */
	UI_SECOND_DONE = 1,	 /* Enter on the last field: try it */
};

/* Wipes the form (the PIN with it), has_note too. */
void ui_second_clear(struct ui_second *f);
/* One key into the form.  Every character is the form's (one a field
 * does not take is swallowed, so 'L' in a PIN switches no language);
 * Enter on an empty code or, without a note, an empty PIN is no try. */
enum ui_second_step ui_second_key(struct ui_second *f, int key);
/* Its lines: "WHO: code", "WHO: PIN" and, with has_note, note_label's. */
void ui_second_view(const struct ui_second *f, const char *who,
		    const char *note_label, struct ui_view *v);
/*
 * Says why the second person was refused (the workflow's refusal, in the
 * operator's language), then readies the next try: PIN and code wiped,
 * the code's field active, the note kept.
 */
void ui_second_refused(struct ui *u, struct ui_second *f,
		       const struct wf_err *e);
/*
 * Checks the form as a two-person step's witness (wf_witness: another
 * person than the one logged in, the PIN with its audit and lockout, a
 * manager) and wipes the PIN.  0 and *out (its PIN hash wiped); or the
 * exit code, with why on the message line (ui_second_refused).
 */
int ui_second_witness(struct ui *u, struct ui_second *f, struct staff_rec *out);

/* ---- asking before a binding step (ui_confirm.c) ---- */

enum ui_confirm_answer {
	UI_CONFIRM_NOT_MINE = -2, /* F2, F10, a resize: the loop's */
	UI_CONFIRM_NO = -1,	  /* n, Esc, q: the step is not taken */
	UI_CONFIRM_WAIT = 0,	  /* any other key: still asking */
	UI_CONFIRM_YES = 1,	  /* y, Enter: take the step */
};

/* What key answers to the question shown. */
enum ui_confirm_answer ui_confirm_key(int key);
/* The question (translated by the caller) and the answer keys, 2 lines. */
void ui_confirm_view(struct ui_view *v, const char *question);

/* ---- the single-card lookup (ui_lookup.c) ---- */

#define UI_HISTORY_MAX 200

/* One event of the card's history, kept (ledger_card_history_each). */
struct ui_history_item {
	int64_t at;
	enum card_event_kind kind;
	char what[24];
	char detail[24];
	int64_t session;
	char session_kind[16];
	char where[LOCATION_MAX + 1];
	char by[STAFF_CODE_MAX + 1];
	int undone;
};

struct ui_lookup_model {
	char typed[64]; /* typed or wedged so far */
	struct ui_reader reader;
	int state;	/* 0: nothing asked yet, 1: found, 2: no such card */
	char asked[64]; /* what was asked (typed, or the serial read) */
	struct card_rec card;
	struct sighting seen;
	enum recon_due_why due;
	int32_t due_since;
	char checked_out_by[STAFF_CODE_MAX + 1];
	/* The newest UI_HISTORY_MAX events, oldest first; more: older ones
	 * were left out. */
	struct ui_history_item hist[UI_HISTORY_MAX];
	int nhist, more;
	int top; /* history scrolled by */
};

/* Keeps event e of the card's history in m (the oldest dropped when
 * full).  Always 0: a callback of ledger_card_history_each. */
int ui_lookup_add_event(void *m, const struct card_event *e);
/* What one history event says, in the current language. */
void ui_lookup_history_text(const struct ui_history_item *h, char *out,
			    size_t cap);
/* The lookup's view (tests call it directly). */
void ui_lookup_render(const struct ui_lookup_model *m, int cols, int rows,
		      struct ui_view *v);

/* ---- check-out / return / issue (ui_custody.c) ---- */

#define UI_CUSTODY_MAX 64

/* One item as the custody screen recorded or refused it. */
struct ui_custody_line {
	char ident[64]; /* as typed or read */
	int refused;
	struct wf_moved_item it; /* recorded: the item after the movement */
	int safe_closed;	 /* recorded while the safe was closed */
	char why[UI_LINE_BYTES]; /* refused: why, in the current language */
};

struct ui_custody_model {
	int kind;	  /* enum custody_kind; -1 while choosing */
	char for_day[11]; /* checkout: the day the cards are for */
	int field;	  /* 0: card, 1: the date (checkout) */
	char typed[64];
	struct ui_reader reader;
	struct ui_custody_line line[UI_CUSTODY_MAX]; /* oldest first */
	int nlines;
	long done, refused, flagged;
};

/* Records in m what the movement did with ident: it moved (it, flagged
 * when safe_closed), or it was refused (it NULL) for the reason why. */
void ui_custody_note(struct ui_custody_model *m, const char *ident,
		     const struct wf_moved_item *it, int safe_closed,
		     const char *why);
void ui_custody_render(const struct ui_custody_model *m, int cols,
		       struct ui_view *v);

/* ---- the end-of-day tally (ui_tally.c) ---- */

#define UI_TALLY_OUT_MAX 200

/* One item the tally still misses. */
struct ui_tally_out {
	int is_asset;
	char name[CUSTODY_NAME_MAX + 1];
	char by[STAFF_CODE_MAX + 1]; /* who checked it out, "" unknown */
	int32_t for_date;
	char location[LOCATION_MAX + 1];
};

struct ui_tally_model {
	int64_t id; /* 0: no tally open */
	struct recon_tally t;
	struct ui_tally_out out[UI_TALLY_OUT_MAX];
	int nout;
	char last[160]; /* the last read, "" before the first */
	int last_kind;	/* -1 accepted, else UI_ALERT_* */
	long accepted, repeats, alerts;
	char typed[64];
	struct ui_reader reader;
	int closing;	       /* the witness form is shown */
	struct ui_second form; /* the manager who witnesses the close */
	char closed_note[160]; /* after the close: what it came to */
	int asking;	       /* "start today's tally?" is shown */
};

/* Records a read's outcome in m (the last card, the counters); name is
 * the card's management ID or the terminal's code, "" when unknown. */
void ui_tally_note_read(struct ui_tally_model *m, int outcome, int why,
			const char *name, const char *serial);
/* Adds missing item r of the tally to m's list (wf_tally_missing's fn;
 * m->t holds the totals it counts). */
int ui_tally_add_row(void *m, const struct tally_row *r);
void ui_tally_render(const struct ui_tally_model *m, int cols, int rows,
		     struct ui_view *v);

/* ---- the safe's key (ui_key.c) ---- */

struct ui_key_model {
	int open; /* an opening is recorded open: cur */
	struct key_opening_rec cur;
	unsigned flags;	       /* KEY_FLAG_* of cur, judged now */
	int opening;	       /* the opening form is shown */
	struct ui_second form; /* the approver; note: the purpose */
	struct key_opening_rec last_closed; /* id 0: never closed */
	unsigned last_flags;
	int showing; /* UI_KEY_SHOW_*: the key log or the key holders */
	/* Handing the key over (issue 18): UI_KEY_HAND_*; the people who
	 * may receive it (active, not locked, not part-time, not the
	 * holder), the one chosen and their PIN. */
	int handing;
	struct ui_list to_list;
	struct staff_rec *to; /* to_list.n of them */
	char to_pin[16];
};

enum { UI_KEY_HAND_NONE = 0, UI_KEY_HAND_PICK, UI_KEY_HAND_PIN };

enum { UI_KEY_SHOW_SAFE = 0, UI_KEY_SHOW_LOG, UI_KEY_SHOW_HOLDERS };

void ui_key_render(const struct ui_key_model *m, int cols, struct ui_view *v);

/* ---- a scrollable text (ui_reports.c) ---- */

/* Lines of a report made by the CLI's own printer into memory. */
struct ui_text {
	char **line;
	size_t n;
	int top, left; /* first line and first column shown */
};

/* Splits buf (len bytes) into t's lines.  0 or -1 (out of memory). */
int ui_text_load(struct ui_text *t, const char *buf, size_t len);
void ui_text_free(struct ui_text *t);
/* Appends the lines of t that fit in `rows` from t->top, each cut to
 * v->cols - 1 columns from column t->left (cols_fit: wide characters never
 * split), and a "more below" line when some are left out. */
void ui_text_render(const struct ui_text *t, int rows, struct ui_view *v);
/* Scrolling keys (Up, Down, PgUp, PgDn, Home, End, Left, Right): 1 when
 * the key was one of them. */
int ui_text_key(struct ui_text *t, int key, int rows);

/* ---- the count screens' models (ui_count_start.c, ui_count.c) ---- */

#define UI_ASSIGNEE_MAX STAFF_CODE_MAX

/* One range offered for a new count. */
struct ui_cs_range {
	char path[LOCATION_MAX + 1];
	int due; /* enum plan_due of the cycle plan, -1: not in a plan */
	int on;	 /* selected */
};

/* One range of the proposal: who the planner (or the operator) gives it. */
struct ui_cs_assign {
	char range[LOCATION_MAX + 1];
	char staff[STAFF_CODE_MAX + 1]; /* "" nobody may count it */
	int manual;			/* changed by the operator */
	int kept;
	/* Why nobody, as data: worded when drawn, in the language of the
	 * moment (F2 switches it). */
	struct plan_why why;
	int have_why;
};

enum { UI_CS_KIND = 0, UI_CS_RANGES, UI_CS_PLAN, UI_CS_CHANGE };

struct ui_count_start_model {
	int step; /* UI_CS_* */
	int kind; /* 0 full, 1 partial, 2 count-only */
	struct ui_cs_range *r;
	size_t nr, sel;
	int have_plan; /* a cycle plan is in force */
	struct ui_cs_assign *a;
	size_t na, asel;
	char typed[STAFF_CODE_MAX + 1]; /* the new assignee being typed */
};

void ui_count_start_render(const struct ui_count_start_model *m,
			   struct ui_view *v);

/* One range of an open count as the overview shows it. */
struct ui_cv_range {
	char path[LOCATION_MAX + 1];
	char assignee[STAFF_CODE_MAX + 1];
	long expected, seen; /* seen -1: not counted (count-only) */
};

enum {
	UI_CV_BROWSE = 0,
	UI_CV_REASON,  /* choosing the reason of a resolution */
	UI_CV_NOTE,    /* typing its note */
	UI_CV_RECOUNT, /* typing who recounts the range */
	UI_CV_WITNESS, /* the witness logs in to close */
};

struct ui_count_model {
	int64_t id;
	int kind; /* enum session_kind */
	struct ui_cv_range *r;
	size_t nr, rsel;
	struct disc_item_view {
		int kind; /* enum recon_disc */
		char card[MGMT_ID_MAX + SERIAL_BUF + 2];
		char where[2 * LOCATION_MAX + 8];
		int resolved;
		char reason[20], by[STAFF_CODE_MAX + 1];
	} * d;
	size_t nd, dsel, unresolved, offrange; /* offrange: count-only */
	/* An open count's ranges with no card read yet, and their missing
	 * cards (listed last: not_read_last in ui_count.c, issue 18). */
	size_t notstarted, notstarted_cards;
	int focus;			     /* 0: ranges, 1: discrepancies */
	int mode;			     /* UI_CV_* */
	int reason[8], nreason, rsel_reason; /* valid reasons for the item */
	char note[RESOLUTION_NOTE_MAX + 1];
	char typed[STAFF_CODE_MAX + 1];
	struct ui_second form; /* the witness of the close */
	int asking;	       /* UI_CV_ASK_*: a question before the step */
};

enum {
	UI_CV_ASK_NONE = 0,
	UI_CV_ASK_CLOSE, /* close the count? */
	UI_CV_ASK_LOST,	 /* declare the card lost? */
};

void ui_count_render(const struct ui_count_model *m, struct ui_view *v);
/* An open count's missing cards of ranges with no read yet moved to the
 * end of dl, their order kept (ui_count.c). */
void ui_count_not_read_last(struct ui_count_model *m, struct disc_list *dl);

/* ---- two-person disposal (ui_dispose.c) ---- */

enum {
	UI_DR_ACCEPTED = 0, /* due: in the batch */
	UI_DR_REPEAT,	    /* in the batch already */
	UI_DR_NOT_DUE,	    /* refused: put it back */
	UI_DR_OTHER,	    /* refused: in another open batch */
	UI_DR_UNKNOWN,	    /* refused: not a card of the ledger */
};

#define UI_DISPOSE_READS 32

struct ui_dispose_read {
	int kind; /* UI_DR_* */
	char mgmt_id[MGMT_ID_MAX + 1];
	char serial[SERIAL_BUF];
	char detail[48]; /* why due, the ledger's status, the other batch */
};

enum {
	UI_DS_PICK = 0,	     /* open batches, or a new one */
	UI_DS_START_WITNESS, /* the witness logs in to start */
	UI_DS_SCAN,	     /* cards into the batch */
	UI_DS_METHOD,	     /* shred or contractor */
	UI_DS_CERT,	     /* the certificate's reference */
	UI_DS_CLOSE_WITNESS, /* the witness logs in again to close */
};

struct ui_dispose_model {
	int mode; /* UI_DS_* */
	int64_t batch;
	/* Open batches to continue (mode pick). */
	int64_t open[16];
	size_t nopen, sel;
	/* The cards due now. */
	char (*due)[MGMT_ID_MAX + 1];
	char (*due_why)[16];
	char (*due_where)[LOCATION_MAX + 1]; /* the tray it lies in */
	size_t ndue;
	/* The batch's cards, listed while the witness approves its close. */
	char (*closing)[MGMT_ID_MAX + 1];
	size_t nclosing;
	long in_batch;				       /* accepted so far */
	struct ui_dispose_read read[UI_DISPOSE_READS]; /* oldest first */
	int nread;
	char typed[64];
	int method; /* 0 shred, 1 contractor */
	char cert[DISPOSAL_CERT_MAX + 1];
	struct ui_second form; /* the witness, at the start and the close */
	struct ui_reader reader;
};

const char *ui_dispose_symbol(int kind);
void ui_dispose_render(const struct ui_dispose_model *m, struct ui_view *v);

#endif
