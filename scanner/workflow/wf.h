/*
 * The workflow layer: what the command line and the TUI share.  A
 * workflow authenticates the people it is given, asks reconcile/ whether
 * the step is allowed, and runs it in one data/ transaction.  It never
 * prints: a refusal or failure is a struct wf_err (a code of
 * wf_errors.def with its arguments) that the front end renders, the CLI
 * in English (wf_render with wf_message), the TUI translated (wf_render
 * with gettext(wf_message)).
 *
 * Order of use: a front end keeps one struct wf_err per step, passes it
 * to the workflow, and when the workflow returns non-zero renders it and
 * exits with wf_exit(code) (the workflow also returns that status).
 */
#ifndef CT_WF_H
#define CT_WF_H

#include <stddef.h>
#include <stdint.h>

#include "../../data/ledger.h"
#include "../../reconcile/recon.h"

#ifndef N_
#define N_(s) s
#endif

enum wf_code {
	WF_OK = 0,
#define WF_ERR(name, num, exit, mask, msg) name = num,
#include "wf_errors.def"
#undef WF_ERR
};

#define WF_ARGS_MAX  6
#define WF_ARG_BYTES 768

/* A refusal or failure: the code and its arguments, already text. */
struct wf_err {
	enum wf_code code;
	int nargs;
	char arg[WF_ARGS_MAX][WF_ARG_BYTES];
};

/*
 * Records code with its arguments (const char *, as many as the message
 * has %s; NULL counts as "") into *e and returns the code's exit status.
 * An argument longer than WF_ARG_BYTES - 1 is cut on a UTF-8 boundary.
 */
int wf_fail(struct wf_err *e, enum wf_code code, ...);
/* Records a data/ failure: WF_E_LEDGER with ledger_errmsg(l); returns 70. */
int wf_fail_ledger(struct wf_err *e, struct ledger *l);
/*
 * The one check of free text typed by people (common/text.h text_check:
 * 1..max bytes, or 0..max with TEXT_OPTIONAL, of UTF-8 without control
 * characters; TEXT_MULTILINE allows newline and tab), as a refusal naming
 * `what` (a msgid such as N_("a course name")) and the problem.  0, or 65
 * with *e.  The same check guards the ledger (ledger_text_check); the
 * workflow's says it in the operator's language.
 */
int wf_text(struct wf_err *e, const char *what, const char *s, size_t max,
	    unsigned flags);
/* Exit status of code (0 for WF_OK, 70 for a code not in the table). */
int wf_exit(enum wf_code code);
/* The English message of code (a msgid of the catalog), NULL if none. */
const char *wf_message(enum wf_code code);
/* Which arguments of code are fixed English texts to translate too
 * (bit i: argument i). */
unsigned wf_msgid_args(enum wf_code code);
/* Writes fmt (wf_message(code), or its translation) with e's arguments
 * into out (NUL-terminated, cut at cap - 1 bytes on a UTF-8 boundary),
 * passing the arguments of wf_msgid_args through tr when tr is not NULL
 * (the TUI's gettext).  Understands %s, %N$s and %%.  Returns the length
 * written. */
size_t wf_render(const char *fmt, const struct wf_err *e,
		 const char *(*tr)(const char *), char *out, size_t cap);
/* Calls fn for every code of the table, in order; for tests and the
 * catalog check.  Stops early when fn returns non-zero. */
int wf_each_code(int (*fn)(enum wf_code code, const char *msg, void *ctx),
		 void *ctx);
/* Decimal text of v in buf, for an argument; returns buf. */
const char *wf_i64(char buf[24], int64_t v);

/*
 * What a step asks of the person who does it.  Every workflow has one,
 * and the command table (scanner/cli) and the screen table (scanner/tui)
 * point at the same ones: the front ends check them before they call the
 * workflow (to refuse early, or leave a menu item out), and the workflow
 * checks them again inside its transaction (wf_begin), so a front end
 * that forgets cannot get around them.
 */
enum {
	WF_PERMIT = 1,	 /* the role must allow `action` (recon_permit) */
	WF_TRAINING = 2, /* work with cards: the training gate (R20) */
	WF_WITNESS = 4,	 /* a second person, a manager (two-person rule) */
};

struct wf_step {
	const char *name; /* "key open": the command, and the audit's word */
	enum recon_action action;
	unsigned needs; /* WF_PERMIT | WF_TRAINING | WF_WITNESS */
};

/*
 * Begins step's transaction for actor (someone wf_login let in, now or
 * at the start of a TUI session): actor's row is read again inside it
 * (still there, active, not locked), then the role and the training gate
 * as step needs.  0 with the transaction open, or the exit status with
 * *e and nothing open.  End it with wf_end.
 */
int wf_begin(struct ledger *l, const struct wf_step *step,
	     const struct staff_rec *actor, int64_t now, struct wf_err *e);
/* Commits the transaction wf_begin opened when rc is 0, else rolls it
 * back; returns rc, or the ledger error of a failed commit (in *e). */
int wf_end(struct ledger *l, int rc, struct wf_err *e);
/* The checks of wf_begin without a transaction, for a front end that
 * wants to refuse before asking for more input (a screen's menu, a form
 * before its second person).  0 or the exit status with *e. */
int wf_may(struct ledger *l, const struct wf_step *step,
	   const struct staff_rec *actor, int64_t now, struct wf_err *e);
/* The local calendar day of unix time t (TZ respected). */
int32_t wf_today(int64_t t);
/* The local offset from UTC at unix time t, in seconds (TZ respected). */
int32_t wf_utc_offset(int64_t t);

/* ---- authentication, permission, training (wf_auth.c) ---- */

struct recon_person;
/* The person as reconcile/'s rules see them (id, role, active); returns
 * out. */
struct recon_person *wf_person(const struct staff_rec *s,
			       struct recon_person *out);

/* 1 when pin has the form of a PIN (4-12 digits), else 0. */
int wf_pin_valid(const char *pin);

/*
 * Logs staff member `code` in with `pin`: the attempt is counted, then
 * the lock checked (both in one transaction, ledger_staff_pin_try), then
 * the PIN, then the outcome recorded (ledger_staff_pin_settle).  A locked
 * account refuses even the right PIN; however many processes try at
 * once, at most the PIN policy's max_failures PINs are checked before the
 * lock, and no write lock is held while a PIN is hashed.  Unknown codes
 * and wrong PINs get the same refusal.  0 and *out, or the exit status
 * with *e set.
 */
int wf_login(struct ledger *l, const char *code, const char *pin, int64_t now,
	     struct staff_rec *out, struct wf_err *e);
/* 0 when who's role allows action (recon_permit), else 77 with *e. */
int wf_permit(const struct staff_rec *who, enum recon_action action,
	      struct wf_err *e);

/* A gap in someone's required training (R20). */
struct training_gap {
	enum recon_gate gate;	  /* GATE_OK: nothing missing */
	struct course_rec course; /* the course missing or expired */
	int32_t since;		  /* GATE_EXPIRED: the day it expired */
};

/* The training gate's inputs for one person: the required courses and
 * that person's attendance.  Fill with wf_training_load, free with
 * wf_training_free. */
struct wf_training {
	struct course_rec *req; /* required courses */
	size_t nreq, capreq;
	struct {
		char course[STAFF_CODE_MAX + 1];
		int32_t date;
	} * att;
	size_t natt, capatt;
};

int wf_training_load(struct ledger *l, const char *staff, struct wf_training *g);
/* Runs the gate over g for required course number `only` (< 0: all of
 * them) on `today` into *out.  0, or -1 when out of memory. */
int wf_training_eval(const struct wf_training *g, long only, int32_t today,
		     struct training_gap *out);
void wf_training_free(struct wf_training *g);
/* The gate for staff member `staff` on `today` into *out (GATE_OK when
 * nothing is missing).  0, or the exit status with *e. */
int wf_training_check(struct ledger *l, const char *staff, int32_t today,
		      struct training_gap *out, struct wf_err *e);
/* 0 when who has every course required for work with cards, unexpired on
 * `today` (R20), else 77 with *e naming the course. */
int wf_training_gate(struct ledger *l, const struct staff_rec *who,
		     int32_t today, struct wf_err *e);
/*
 * The second person of a two-person step: another person than actor
 * (refused before the PIN is checked), logged in with pin (wf_login), and
 * allowed to witness (a manager).  0 and *out, or the exit status.
 */
int wf_witness(struct ledger *l, const struct staff_rec *actor,
	       const char *code, const char *pin, int64_t now,
	       struct staff_rec *out, struct wf_err *e);

/* ---- the safe's key (wf_key.c) ---- */

extern const struct wf_step wf_step_key_open, wf_step_key_close,
    wf_step_key_holder_add;

/* Names staff member `code` key holder number `order` (a manager's step;
 * staff or managers only).  0 or the exit status with *e. */
int wf_key_holder_add(struct ledger *l, const struct staff_rec *actor,
		      const char *code, int order, int64_t now,
		      struct wf_err *e);
/*
 * The approver of an opening by actor: given (else refused), another
 * person (refused before the PIN), logged in with pin, and a named key
 * holder or a manager.  0, *out and *order (the key holder order, 0 for
 * a manager who is none), or the exit status with *e.
 */
int wf_key_approver(struct ledger *l, const struct staff_rec *actor,
		    const char *code, const char *pin, int64_t now,
		    struct staff_rec *out, int *order, struct wf_err *e);

struct wf_key_opened {
	int64_t id;		   /* the opening */
	struct staff_rec approver; /* PIN hash wiped */
	int order;		   /* approver's key holder order, 0: none */
};

/*
 * Records an opening of the safe by actor with purpose, approved by
 * appr_code with appr_pin (wf_key_approver), while no other is open, with
 * the rules that will judge it (`rules`: the configuration in force now)
 * in the same transaction.  0 and *out, or the exit status with *e.
 */
int wf_key_open(struct ledger *l, const struct staff_rec *actor,
		const char *appr_code, const char *appr_pin,
		const char *purpose, int64_t now,
		const struct recon_key_rules *rules, struct wf_key_opened *out,
		struct wf_err *e);
/*
 * Records that actor closed the safe, and the flags of the opening
 * decided now with `rules` (the configuration in force now), in one
 * transaction; the opening with its flags in *out.  0 or the exit status
 * with *e (WF_E_KEY_NOT_OPEN when it is not recorded open).
 */
int wf_key_close(struct ledger *l, const struct staff_rec *actor, int64_t now,
		 const struct recon_key_rules *rules,
		 struct key_opening_rec *out, struct wf_err *e);
/*
 * The key log's flags (KEY_FLAG_*) of an opening as recorded: those decided
 * at its close; while it is open, judged at `now` by the rules recorded
 * when it was opened, in the office hours of the day it began.  Only an
 * opening recorded before flags were (wf_key_flags_recorded 0) is judged
 * by `rules`, today's configuration.
 */
unsigned wf_key_flags(const struct key_opening_rec *o, int64_t now,
		      const struct recon_key_rules *rules);
/* 1 when wf_key_flags of o comes from what was recorded with it; 0 for an
 * opening from before (its flags follow today's configuration: say so). */
int wf_key_flags_recorded(const struct key_opening_rec *o);

/* ---- custody of cards and terminals (wf_custody.c) ---- */

extern const struct wf_step wf_step_asset_add, wf_step_checkout,
    wf_step_return, wf_step_issue, wf_step_move;

/* The step of movement k (checkout, return, issue, move); NULL for
 * another kind. */
const struct wf_step *wf_custody_step(enum custody_kind k);
/* The status of an item as a word for people ("in storage", "checked
 * out", "moved away"; msgids the TUI translates), where refusals quote
 * it. */
const char *wf_status_word(int is_asset, enum card_status s);
/* The status of an item as the CLI prints it: "in_storage" for a
 * terminal in storage, else card_status_name. */
const char *wf_custody_status_name(int is_asset, enum card_status s);

/* Registers an issuing terminal (a manager's step).  0 and *id, or the
 * exit status with *e. */
int wf_asset_add(struct ledger *l, const struct staff_rec *actor,
		 const char *code, const char *name, const char *tag,
		 const char *location, int64_t now, int64_t *id,
		 struct wf_err *e);

/* How the items of a movement are named. */
enum custody_by {
	CUSTODY_BY_NAME = 0, /* management ID, or a terminal's code or tag */
	CUSTODY_BY_SERIAL,   /* a card's serial (read), or a terminal's tag */
	CUSTODY_BY_EITHER,   /* typed or wedged: a name, else a serial */
};

/* One item a movement moved. */
struct wf_moved_item {
	char name[CUSTODY_NAME_MAX + 1]; /* mgmt_id or asset code */
	int is_asset;
	enum card_status from, to;
	char location[LOCATION_MAX + 1]; /* after the movement */
};

/* What a movement did: every item, in the order named. */
struct wf_moved {
	struct wf_moved_item *v; /* malloc'ed: wf_moved_free */
	size_t n;
	int safe_closed; /* flagged: the safe was recorded closed */
};

/*
 * Movement k of the n items idents (named as `by` says) by actor, in one
 * transaction: all of them or none.  to_path: the destination of a move
 * (NULL otherwise); for_date: the day a checkout is for (DATE_NONE
 * otherwise).  0 and *out (free with wf_moved_free), or the exit status
 * with *e naming the first item refused and why (nothing changed).
 */
int wf_custody_move(struct ledger *l, const struct staff_rec *actor,
		    enum custody_kind k, const char *const *idents, size_t n,
		    enum custody_by by, const char *to_path, int32_t for_date,
		    int64_t now, struct wf_moved *out, struct wf_err *e);
void wf_moved_free(struct wf_moved *m);

/* ---- staff and their PINs (wf_staff.c) ---- */

extern const struct wf_step wf_step_staff_add, wf_step_staff_unlock,
    wf_step_staff_pin, wf_step_staff_reset_pin, wf_step_staff_deactivate,
    wf_step_staff_reactivate, wf_step_staff_role;

/* Argon2id hash of pin (4-12 digits) into out.  0, or the exit status
 * with *e. */
int wf_pin_hash(const char *pin, char out[128], struct wf_err *e);
/* 0 when code and name may be a new person's (code well-formed and
 * free, name text), else the exit status with *e: a front end asks it
 * before it asks for the new PIN. */
int wf_staff_add_check(struct ledger *l, const char *code, const char *name,
		       struct wf_err *e);
/*
 * Adds person `code` with name, role and new_pin, by actor (a manager).  A
 * new manager needs a second manager as witness (w_code with w_pin,
 * checked by wf_witness; NULL or "" for none) except while the office is
 * set up (no stock and no other manager yet); a witness given is always
 * checked.  0 or the exit status with *e.
 */
int wf_staff_add(struct ledger *l, const struct staff_rec *actor,
		 const char *code, const char *name, enum staff_role role,
		 const char *new_pin, const char *w_code, const char *w_pin,
		 int64_t now, struct wf_err *e);
/* Reopens `code`'s account locked by wrong PINs (a manager).  0 or the
 * exit status with *e (WF_E_STAFF_NOT_LOCKED when it is not). */
int wf_staff_unlock(struct ledger *l, const struct staff_rec *actor,
		    const char *code, int64_t now, struct wf_err *e);
/* The owner `code` changes their PIN: logged in with old_pin (wf_login:
 * counted, a locked account refused), then new_pin set.  0 or the exit
 * status with *e. */
int wf_staff_pin(struct ledger *l, const char *code, const char *old_pin,
		 const char *new_pin, int64_t now, struct wf_err *e);
/* A manager sets `code`'s PIN to new_pin and reopens the account; a
 * manager's PIN needs a second manager as witness (as wf_staff_add).  Not
 * one's own (wf_staff_pin).  0 or the exit status with *e. */
int wf_staff_reset_pin(struct ledger *l, const struct staff_rec *actor,
		       const char *code, const char *new_pin,
		       const char *w_code, const char *w_pin, int64_t now,
		       struct wf_err *e);
/* Deactivates (active 0) or reactivates (1) `code`, with a second
 * manager as witness (as wf_staff_add); the last active manager stays.
 * 0 or the exit status with *e. */
int wf_staff_set_active(struct ledger *l, const struct staff_rec *actor,
			const char *code, int active, const char *w_code,
			const char *w_pin, int64_t now, struct wf_err *e);
/* Gives `code` role, with a second manager as witness (as wf_staff_add);
 * the last active manager stays one.  0 or the exit status with *e. */
int wf_staff_role(struct ledger *l, const struct staff_rec *actor,
		  const char *code, enum staff_role role, const char *w_code,
		  const char *w_pin, int64_t now, struct wf_err *e);

/* Everyone on the ledger, by code, PIN hashes wiped; free with
 * wf_staff_list_free. */
struct wf_staff_list {
	struct staff_rec *v;
	size_t n;
};

int wf_staff_list(struct ledger *l, struct wf_staff_list *out,
		  struct wf_err *e);
void wf_staff_list_free(struct wf_staff_list *s);

/* ---- training (wf_training.c) ---- */

extern const struct wf_step wf_step_training;

/* Adds course c (a manager's).  0 or the exit status with *e. */
int wf_training_course_add(struct ledger *l, const struct staff_rec *actor,
			   const struct course_rec *c, int64_t now,
			   struct wf_err *e);
/* Makes course `code` required for work with cards from now on. */
int wf_training_course_require(struct ledger *l, const struct staff_rec *actor,
			       const char *code, int64_t now,
			       struct wf_err *e);
/* Records that the n people of staff[] attended `course` on date (not
 * after the day of now): all of them or nobody.  0 or the exit status. */
int wf_training_record(struct ledger *l, const struct staff_rec *actor,
		       const char *course, const char *const *staff, size_t n,
		       int32_t date, int64_t now, struct wf_err *e);

/* One session: the people who attended course on date. */
struct wf_training_session {
	int32_t date;
	char course[STAFF_CODE_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
	char (*who)[STAFF_CODE_MAX + 1]; /* staff codes, in order */
	size_t nwho;
};

/* Every course, by code, and every session, by date and course. */
struct wf_training_list {
	struct course_rec *courses;
	size_t ncourses;
	struct wf_training_session *sessions;
	size_t nsessions;
};

int wf_training_list(struct ledger *l, struct wf_training_list *out,
		     struct wf_err *e);
void wf_training_list_free(struct wf_training_list *t);

/* One person's training: their records and, for each required course,
 * the gate's state on `today`. */
struct wf_training_person {
	struct staff_rec who; /* PIN hash wiped */
	struct wf_training_record {
		int32_t date;
		char course[STAFF_CODE_MAX + 1];
		char name[NAME_MAX_BYTES + 1];
		char recorded_by[STAFF_CODE_MAX + 1];
	} * records;
	size_t nrecords;
	struct wf_training_required {
		char course[STAFF_CODE_MAX + 1];
		enum recon_gate gate;
		int32_t since; /* GATE_EXPIRED: the day; else DATE_NONE */
	} * required;
	size_t nrequired;
};

/* 0 and *out (WF_E_NO_STAFF when there is nobody `code`). */
int wf_training_person(struct ledger *l, const char *code, int32_t today,
		       struct wf_training_person *out, struct wf_err *e);
void wf_training_person_free(struct wf_training_person *p);

/* ---- near-misses (wf_note.c) ---- */

extern const struct wf_step wf_step_note_add;

/* Records a near-miss by actor with text, about the card with management
 * ID card (NULL: none).  0 and *id, or the exit status with *e. */
int wf_note_add(struct ledger *l, const struct staff_rec *actor,
		const char *text, const char *card, int64_t now, int64_t *id,
		struct wf_err *e);

struct wf_note {
	int64_t id, at;
	char staff[STAFF_CODE_MAX + 1];
	char mgmt_id[MGMT_ID_MAX + 1]; /* "" when about no card */
	char *text;		       /* owned by the list */
};

/* Every near-miss, oldest first; free with wf_note_list_free. */
struct wf_note_list {
	struct wf_note *v;
	size_t n;
};

int wf_note_list(struct ledger *l, struct wf_note_list *out,
		 struct wf_err *e);
void wf_note_list_free(struct wf_note_list *n);

/* ---- import and init (wf_import.c) ---- */

struct import_result;

extern const struct wf_step wf_step_import;

/*
 * Imports the stock list of len bytes in buf (named `source` in a refusal)
 * by actor, with encoding (enum import_encoding) and flags (IMPORT_DRY_RUN,
 * IMPORT_FULL; 1 is a dry run, as this argument once was), in one
 * transaction with the check of the actor.  0 and *res (free with
 * import_result_free, also after a refusal: its problems), or the exit
 * status with *e (WF_E_IMPORT_PROBLEM(S): res->problems says which).
 */
int wf_import(struct ledger *l, const struct staff_rec *actor,
	      const char *source, const char *buf, size_t len, int encoding,
	      int flags, int64_t now, struct import_result *res,
	      struct wf_err *e);
/* 0 when code and name may be the first manager's (before the PIN is
 * asked for), else the exit status with *e. */
int wf_init_check(const char *code, const char *name, struct wf_err *e);
/* Creates the ledger at path with its first manager (code, name, pin); on
 * failure no file is left.  0 or the exit status with *e. */
int wf_init(const char *path, const char *code, const char *name,
	    const char *pin, int64_t now, struct wf_err *e);

/* ---- the end-of-day tally (wf_tally.c) ---- */

extern const struct wf_step wf_step_tally_start, wf_step_tally_close;

/* Opens a tally: every card and terminal checked out now is expected
 * back.  0, *id and *nexpected, or the exit status with *e. */
int wf_tally_start(struct ledger *l, const struct staff_rec *actor,
		   int64_t now, int64_t *id, int64_t *nexpected,
		   struct wf_err *e);
/* What closing open tally id would find now (nothing is written), e.g.
 * to ask for a witness before anyone types a PIN.  0 and *t, or the exit
 * status with *e (no such tally, not a tally, closed already). */
int wf_tally_preview(struct ledger *l, int64_t id, struct recon_tally *t,
		     struct wf_err *e);

struct wf_tally_closed {
	struct recon_tally t; /* as the close found it */
	int balanced;
	int witnessed;
	size_t nflagged; /* returns flagged: the safe was recorded closed */
};

/*
 * Closes tally id by actor: the tally is read again inside the close's
 * transaction, every read still out becomes a return, and when something
 * is missing the close needs a witness (witness_code with witness_pin:
 * another person, a manager, wf_witness) and a note (R12).  0 and *out,
 * or the exit status with *e and nothing changed.
 */
int wf_tally_close(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   const char *witness_code, const char *witness_pin,
		   const char *note, int64_t now, struct wf_tally_closed *out,
		   struct wf_err *e);

#endif
