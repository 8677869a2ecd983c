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

#include "../../data/backup.h"
#include "../../data/ledger.h"
#include "../../reconcile/plan.h"
#include "../../reconcile/recon.h"
#include "../../reconcile/rules.h"

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
/* Records a data/ failure: WF_E_LEDGER with ledger_errmsg(l) (returns 70),
 * or WF_E_LEDGER_IO when the file system refused (returns 74). */
int wf_fail_ledger(struct wf_err *e, struct ledger *l);
/*
 * Every number a person types or a barcode scanner types for them (a
 * card number read into a session, an ID given to checkout, return,
 * issue or move, the TUI's typed card numbers) passes here first: a
 * valid individual number (My Number: 12 digits ending in their check
 * digit, drivers/reader.h rdr_kbd_is_mynumber) is refused with
 * WF_E_TYPED_MYNUMBER, whose message does not repeat it, and the caller
 * stores, logs and echoes nothing of it.  0, or the exit status (65).
 */
int wf_typed_check(const char *typed, struct wf_err *e);
/*
 * The one check of free text typed by people (common/text.h text_check:
 * 1..max bytes, or 0..max with TEXT_OPTIONAL, of UTF-8 without control
 * characters; TEXT_MULTILINE allows newline and tab), as a refusal naming
 * `what` (a msgid such as N_("a course name")) and the problem.  Text
 * holding a My Number (common/model.h mynumber_in) is refused too, without
 * repeating it: the office keeps none (R3).  0, or 65 with *e.  The same
 * check guards the ledger (ledger_text_check); the workflow's says it in
 * the operator's language.
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
/* wf_begin for a step's reading part: the same checks, in a read
 * transaction (ledger_begin_read), so that a long check of what is to be
 * written takes no lock; end it with ledger_rollback.  The step's writes
 * then each begin with wf_begin, which checks the actor again. */
int wf_begin_read(struct ledger *l, const struct wf_step *step,
		  const struct staff_rec *actor, int64_t now,
		  struct wf_err *e);
/*
 * The checks of wf_begin kept between two commits of one step by one
 * person taken again and again (a scan's reads, one transaction each):
 * while nobody has changed the ledger since the last of them was
 * committed (ledger_change_mark) and it is the same day (a training runs
 * out at midnight), what they found still holds.
 */
struct wf_memo {
	const struct wf_step *step; /* NULL: nothing kept */
	int64_t actor_id;
	uint32_t mark;
	int32_t day;
};
/* wf_begin, or only its transaction when *m holds for step, actor and
 * now: *again is then 1 (what the caller checked of the ledger at the
 * last commit holds as well), else 0 and *m is dropped until
 * wf_memo_keep. */
int wf_begin_memo(struct ledger *l, const struct wf_step *step,
		  const struct staff_rec *actor, int64_t now,
		  struct wf_memo *m, int *again, struct wf_err *e);
/* After a commit (at now) of the transaction of wf_begin_memo, with every
 * check passed: they hold from here until the ledger or the day changes.
 * Keeps nothing when the mark cannot be read. */
void wf_memo_keep(struct ledger *l, const struct wf_step *step,
		  const struct staff_rec *actor, int64_t now,
		  struct wf_memo *m);
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
/*
 * Records that `who` left a TUI session (audit tui.logout, detail why:
 * logout, idle, quit or signal).  The session ends whatever this returns:
 * a ledger that cannot record it gives the exit status with *e, for the
 * screen to say so.
 */
int wf_logout(struct ledger *l, const struct staff_rec *who, const char *why,
	      int64_t now, struct wf_err *e);
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

int wf_training_load(struct ledger *l, const char *staff,
		     struct wf_training *g);
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
 * The gate of every staff member on `today`, by code: fn gets the person
 * and their gap (GATE_OK when nothing is missing).  The courses and all
 * attendance are read once, not once per person (status; issue 12).  A
 * non-zero return from fn stops the walk and is returned; else 0, or the
 * exit status with *e.
 */
int wf_training_each(struct ledger *l, int32_t today,
		     int (*fn)(const struct staff_rec *p,
			       const struct training_gap *gap, void *ctx),
		     void *ctx, struct wf_err *e);
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
    wf_step_key_holder_add, wf_step_key_holder_remove, wf_step_key_handover;

/* Removes staff member `code` from the key holders (a manager's step); the
 * others keep their order.  0 and *order (the order they had), or the
 * exit status with *e (WF_E_KEY_NOT_HOLDER). */
int wf_key_holder_remove(struct ledger *l, const struct staff_rec *actor,
			 const char *code, int64_t now, int *order,
			 struct wf_err *e);

struct wf_key_handed {
	int64_t id;		   /* the handover */
	int64_t opening;	   /* the opening it happened in */
	struct staff_rec receiver; /* PIN hash wiped */
};

/*
 * Records that actor, who holds the open safe's key, handed it to
 * to_code, who confirms with to_pin (logged in as for a witness), when
 * recon_key_handover allows it (another person, active, not locked, a role
 * that may open the safe, trained).  0 and *out, or the exit status with
 * *e (WF_E_KEY_NOT_OPEN when the safe is recorded closed).
 */
int wf_key_handover(struct ledger *l, const struct staff_rec *actor,
		    const char *to_code, const char *to_pin, int64_t now,
		    struct wf_key_handed *out, struct wf_err *e);

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

extern const struct wf_step wf_step_asset_add, wf_step_checkout, wf_step_return,
    wf_step_issue, wf_step_move;

/* The step of movement k (checkout, return, issue, move); NULL for
 * another kind. */
const struct wf_step *wf_custody_step(enum custody_kind k);
/* The status of an item as a word for people ("in storage", "checked
 * out", "moved away"; msgids the TUI translates), where refusals quote
 * it. */
const char *wf_status_word(int is_asset, enum card_status s);
/* The word for people of a ledger's code ("checked_out" -> "checked
 * out", "partial", "shred" -> "shredded"): a msgid the caller
 * translates (the TUI, the text reports, the PDFs), with a static
 * lifetime; the code itself when it has no word, "" for NULL
 * (wf_word.c). */
const char *wf_word(const char *code);
/* The status of an item as the CLI prints it: "in_storage" for a
 * terminal in storage, else card_status_name. */
const char *wf_custody_status_name(int is_asset, enum card_status s);

/* Registers an issuing terminal (a manager's step): its code names no card
 * or other terminal, nor its tag (read at a reader, may be NULL) a card's
 * serial or another terminal's tag (recon_asset_add_check).  0 and *id,
 * with *new_location (may be NULL) 1 when the location was made for it;
 * or the exit status with *e. */
int wf_asset_add(struct ledger *l, const struct staff_rec *actor,
		 const char *code, const char *name, const char *tag,
		 const char *location, int64_t now, int64_t *id,
		 int *new_location, struct wf_err *e);

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
 * transaction: all of them or none.  Each item is named once
 * (WF_E_CUSTODY_TWICE otherwise, whatever the movement), and a move takes
 * it somewhere else (WF_E_MOVE_HERE).  to_path: the destination of a
 * move (NULL otherwise); for_date: the day a checkout is for (DATE_NONE
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
			       const char *code, int64_t now, struct wf_err *e);
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

int wf_note_list(struct ledger *l, struct wf_note_list *out, struct wf_err *e);
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
int wf_tally_start(struct ledger *l, const struct staff_rec *actor, int64_t now,
		   int64_t *id, int64_t *nexpected, struct wf_err *e);
/* What closing open tally id would find now (nothing is written), e.g.
 * to ask for a witness before anyone types a PIN.  0 and *t, or the exit
 * status with *e (no such tally, not a tally, closed already). */
int wf_tally_preview(struct ledger *l, int64_t id, struct recon_tally *t,
		     struct wf_err *e);
/* How the items tally id (open or closed) expects back stand now: what
 * `tally list` and `status` show.  0 and *t, or a negative LEDGER_ERR_*
 * (ledger_errmsg says why). */
int wf_tally_summary(struct ledger *l, int64_t id, struct recon_tally *t);
/* wf_tally_summary, and fn (unless NULL) called with each item still
 * missing (not read back, not issued, not back in storage since), in the
 * ledger's order: what `reconcile` of a tally and the TUI's tally screen
 * list.  0, fn's non-zero return, or a negative LEDGER_ERR_*. */
int wf_tally_missing(struct ledger *l, int64_t id,
		     int (*fn)(void *ctx, const struct tally_row *r),
		     void *ctx, struct recon_tally *t);

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

/* ---- disposal of uncollected cards (wf_dispose.c, R16-R18) ---- */

/* Starting and closing a batch handle cards (R20) and take two people:
 * the actor and a manager as witness, both present (wf_witness). */
extern const struct wf_step wf_step_dispose_start, wf_step_dispose_close;

/* The cards in storage that the due rules make due on `today`, sorted
 * (recon_due_sort); v[i].mgmt_id points into ids.  Free with
 * wf_dispose_due_free. */
struct wf_dispose_due {
	int32_t today;
	int reminder_days; /* of the rules used */
	struct recon_due_item *v;
	char (*ids)[MGMT_ID_MAX + 1];
	size_t n, cap;
};

/* The due list by `rules` (NULL: the defaults).  0 and *out, or the exit
 * status with *e (nothing to free). */
int wf_dispose_due(struct ledger *l, const struct recon_rules *rules,
		   int32_t today, struct wf_dispose_due *out, struct wf_err *e);
void wf_dispose_due_free(struct wf_dispose_due *d);
/* How many cards `rules` (NULL: the defaults) make due on `today`, as
 * many as wf_dispose_due lists, counted in SQL without reading each card
 * (status; issue 12).  0 and *n, or the exit status with *e. */
int wf_dispose_due_count(struct ledger *l, const struct recon_rules *rules,
			 int32_t today, long *n, struct wf_err *e);

/* Batch id exists and is open: 0 and *b, or the exit status with *e
 * (WF_E_DISPOSE_NOT_FOUND, WF_E_DISPOSE_CLOSED). */
int wf_dispose_batch(struct ledger *l, int64_t id, struct disposal_batch_rec *b,
		     struct wf_err *e);
/* 0 when a batch may be closed with method ("shred", "contractor") and
 * cert (NULL or "": none): recon_dispose_method and the certificate's
 * text; else the exit status with *e.  Front ends ask it before the
 * witness types a PIN; wf_dispose_close asks again. */
int wf_dispose_method(const char *method, const char *cert, struct wf_err *e);

/*
 * Opens a disposal batch by actor, witnessed by w_code with w_pin
 * (wf_witness: another person, a manager), the actor checked first so
 * that no witness types a PIN for a step refused anyway.  0, *id and
 * *witness (PIN hash wiped), or the exit status with *e.
 */
int wf_dispose_start(struct ledger *l, const struct staff_rec *actor,
		     const char *w_code, const char *w_pin, int64_t now,
		     int64_t *id, struct staff_rec *witness, struct wf_err *e);

struct wf_dispose_closed {
	int64_t ncards;		  /* disposed */
	struct staff_rec witness; /* PIN hash wiped */
};

/*
 * Closes batch id by actor with method and cert (wf_dispose_method),
 * witnessed by w_code with w_pin: in one transaction the batch is read
 * again (still open), every card of it must be allowed to be disposed of
 * (recon_transition: still in storage), the disposal ledger is written
 * and the cards set disposed.  0 and *out, or the exit status with *e
 * and nothing disposed.
 */
int wf_dispose_close(struct ledger *l, const struct staff_rec *actor,
		     int64_t id, const char *method, const char *cert,
		     const char *w_code, const char *w_pin, int64_t now,
		     struct wf_dispose_closed *out, struct wf_err *e);

/* One card of a batch in the disposal ledger. */
struct wf_disposal_card {
	char mgmt_id[MGMT_ID_MAX + 1];
	char serial[SERIAL_BUF];
	char why[16];	   /* recon_due_why_name */
	int32_t due_since; /* DATE_NONE when unknown */
	int64_t scanned_at;
	char scanned_by[STAFF_CODE_MAX + 1];
};

/* One batch with its cards (by management ID). */
struct wf_disposal {
	struct disposal_batch_rec b;
	struct wf_disposal_card *cards;
	size_t ncards;
};

/* The disposal ledger, batches by id; free with wf_dispose_list_free. */
struct wf_disposal_list {
	struct wf_disposal *v;
	size_t n;
};

/* Every batch (open_only: the open ones, without their cards).  0 and
 * *out, or the exit status with *e (nothing to free). */
int wf_dispose_list(struct ledger *l, int open_only,
		    struct wf_disposal_list *out, struct wf_err *e);
void wf_dispose_list_free(struct wf_disposal_list *d);
/* ---- reports as structs (wf_report.c) ---- */

/*
 * The reports an office reads and files, gathered from the ledger into
 * plain values (numbers, rows, times as unix seconds, days as days since
 * the epoch), with no text made: the CLI prints them as text and JSON
 * (scanner/cli/cmd_daily.c, cmd_report.c, report.c), the TUI draws them
 * translated (scanner/tui/ui_reports.c).  Reports are read-only and need
 * no person (as `status`): no step, no transaction of their own.  Each
 * struct is filled by its wf_ function and freed by its _free, which
 * also takes a zeroed or half-filled struct.
 */

/* One session of the day: its people and times (wf_daily). */
struct wf_daily_count {
	struct session_rec sess;
	size_t expected, seen, ok;
	size_t missing, misplaced, extra, not_in_stock, disposal_due;
	int discrepancy;
};

/* An item a tally expected back and did not get (still out). */
struct wf_tally_out {
	int is_asset;
	char name[CUSTODY_NAME_MAX + 1];
	char checked_out_by[STAFF_CODE_MAX + 1]; /* "" when unknown */
	int32_t for_date;			 /* DATE_NONE when none */
	char location[LOCATION_MAX + 1];	 /* its home */
};

struct wf_daily_tally {
	struct session_rec sess;
	struct recon_tally t;
	int balanced;
	char note[NOTE_MAX_BYTES + 1]; /* the closing note, "" when none */
	struct wf_tally_out *out;      /* still out, by name */
	size_t nout;
};

/* An opening of the safe with its key log flags (wf_key_flags). */
struct wf_opening {
	struct key_opening_rec o;
	unsigned flags;
	int flags_recorded; /* wf_key_flags_recorded */
	int64_t minutes;    /* open so far or in all */
};

/* What was handled while the safe was recorded closed (safe_closed_row). */
struct wf_safe_closed {
	char what[16];
	char item[CUSTODY_NAME_MAX + 1];
	int64_t session;
	char staff[STAFF_CODE_MAX + 1];
	int64_t first, last, n;
};

/* Custody movements of one kind by one person. */
struct wf_custody_sum {
	char kind[16];
	char by[STAFF_CODE_MAX + 1];
	int64_t n;
};

/* The audit chain as the day's report shows it (issue 10 "Audit"): the
 * verification of the whole chain, and its head at the end of the day to
 * sign (anchor_entry entries, the last one's hash anchor_hex). */
struct wf_daily_audit {
	int64_t entries, records, nfindings;
	enum audit_problem problem; /* AUDIT_INTACT when intact */
	char table[32];
	int64_t bad_id;
	char what[384];
	int breaks_chain; /* the problem breaks the chain: no anchor */
	int anchored;	  /* anchor_entry and anchor_hex are given */
	int64_t anchor_entry;
	char anchor_hex[AUDIT_HEX_BUF];
};

struct wf_daily {
	int32_t day;
	int64_t from, to;   /* the day, [from, to) local midnights */
	int64_t printed_at; /* now */
	struct wf_daily_count *counts;
	size_t ncounts;
	struct wf_daily_tally *tallies;
	size_t ntallies;
	struct wf_opening *openings; /* begun on or after the morning */
	size_t nopenings;
	int key_flagged; /* openings with flags */
	struct wf_safe_closed *safe_closed;
	size_t nsafe_closed;
	struct wf_custody_sum *custody;
	size_t ncustody;
	struct disposal_batch_rec *disposals; /* begun or closed that day */
	size_t ndisposals;
	struct wf_note *notes; /* that day; text owned */
	size_t nnotes;
	struct staff_rec *locked; /* locked, active, now; PIN hash wiped */
	size_t nlocked;
	struct wf_daily_audit audit;
	int broken; /* the audit found a problem (exit 1) */
};

/*
 * The daily report of `day` (days since the epoch, local), judged at
 * `now` with the installation's disposal-due rules and key log rules; a
 * day after today is refused (WF_E_REPORT_FUTURE).  0 and *out
 * (wf_daily_free), or the exit status with *e.
 */
int wf_daily(struct ledger *l, int32_t day, int64_t now,
	     const struct recon_rules *rules,
	     const struct recon_key_rules *key_rules, struct wf_daily *out,
	     struct wf_err *e);
void wf_daily_free(struct wf_daily *d);

/* One range of a count-only check (reconcile of a count-only session). */
struct wf_total {
	char range[LOCATION_MAX + 1];
	int64_t expected, counted; /* counted -1: not counted */
	enum plan_total state;
	char by[STAFF_CODE_MAX + 1];
	char method[16];
	int64_t at;
};

/*
 * What reconciling session id finds now (`reconcile`, the TUI's
 * reconciliation): for a count (full, partial) the count's data and
 * reconcile/'s report, with each missing card's last sighting, who has
 * each checked-out card and the managers' resolutions; for a tally what
 * did not come back; for a count-only check its totals.
 */
struct wf_reconcile {
	struct session_rec sess;
	/* A count. */
	struct count_data *d;			    /* owned */
	struct recon_report *r;			    /* owned */
	struct sighting *last_seen;		    /* [r->nmissing] */
	char (*checked_out_by)[STAFF_CODE_MAX + 1]; /* [r->nchecked_out] */
	struct resolution_rec *res;		    /* by mgmt ID, serial */
	size_t nres;
	/* A tally. */
	struct recon_tally tally;
	struct wf_tally_out *out;
	size_t nout;
	/* A count-only check. */
	struct wf_total *totals;
	size_t ntotals;
	int64_t expected, counted;
	size_t off;
	int found; /* discrepancies, missing items, ranges off (exit 1) */
};

/* 0 and *out (wf_reconcile_free), or the exit status with *e
 * (WF_E_REPORT_NO_SESSION). */
int wf_reconcile(struct ledger *l, int64_t id, int64_t now,
		 const struct recon_rules *rules, struct wf_reconcile *out,
		 struct wf_err *e);
void wf_reconcile_free(struct wf_reconcile *r);
/* The resolution of serial in r, NULL when none. */
const struct resolution_rec *wf_reconcile_res(const struct wf_reconcile *r,
					      const char *serial);

/* One discrepancy of a count, and its resolution when it has one: the
 * one list of them (wf_count_discrepancies, in the counts section below),
 * which `count discrepancies`, the record book and the incident report
 * show. */
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

/* The discrepancies of a count; free with disc_list_free. */
struct disc_list {
	struct disc_item *v;
	size_t n;
	size_t unresolved;
	int snapshot; /* 1: as recorded when the count closed */
};

/* One range of a count in the record book (book_range, kept). */
struct wf_book_range {
	char path[LOCATION_MAX + 1];
	char assignee[STAFF_CODE_MAX + 1];
	char *counted_by;    /* 0x1f-separated codes; owned */
	char *counted_names; /* 0x1f-separated names; owned */
	int64_t started_at, ended_at;
	int64_t expected, seen, in_place; /* -1: not stored */
};

struct wf_book_count {
	struct book_count c;
	struct wf_book_range *ranges;
	size_t nranges;
	struct disc_list disc; /* wf_count_discrepancies' */
};

/* The record book of a month: every count begun in it (R8). */
struct wf_book {
	char month[8]; /* "YYYY-MM" */
	int64_t from, to;
	struct wf_book_count *counts;
	size_t ncounts;
};

/* Parses "YYYY-MM" into its local [from, to); 0, or -1 when it is not. */
int wf_month_bounds(const char *month, int64_t *from, int64_t *to);
/* 0 and *out (wf_book_free), or the exit status with *e
 * (WF_E_REPORT_MONTH). */
int wf_book(struct ledger *l, const char *month, int64_t now,
	    const struct recon_rules *rules, struct wf_book *out,
	    struct wf_err *e);
void wf_book_free(struct wf_book *b);

/*
 * The record book's 12-month trend (issue 15), the month given last: per
 * month, from the counts begun in it (recounts left out) with their
 * results stored: the cards held (the largest count's expected total),
 * the share counted (read of expected, percent) and the discrepancies
 * found.  held and share are -1 for a month without such a count.
 */
#define WF_TREND_MONTHS 12
struct wf_book_trend {
	char month[WF_TREND_MONTHS][8]; /* "YYYY-MM", oldest first */
	int64_t held[WF_TREND_MONTHS];
	double share[WF_TREND_MONTHS];
	int64_t discrepancies[WF_TREND_MONTHS];
};

/* 0 and *out, or the exit status with *e (WF_E_REPORT_MONTH). */
int wf_book_trend(struct ledger *l, const char *month, int64_t now,
		  const struct recon_rules *rules, struct wf_book_trend *out,
		  struct wf_err *e);

/* Someone the incident report names, and why (bits). */
enum {
	WF_PERSON_HANDLED = 1, /* a custody event, or the last sighting */
	WF_PERSON_COUNTED = 2, /* read cards in its range in the window */
};

struct wf_person {
	char code[STAFF_CODE_MAX + 1];
	char name[NAME_MAX_BYTES + 1]; /* "" when unknown */
	unsigned roles;
};

struct wf_custody_event {
	int64_t at;
	char kind[16];
	char by[STAFF_CODE_MAX + 1];
	char from[LOCATION_MAX + 1], to[LOCATION_MAX + 1];
};

/* One card of the incident report: missing and not found since. */
struct wf_incident_card {
	struct disc_item it;
	enum card_status status;
	struct sighting last_seen;
	char last_seen_name[NAME_MAX_BYTES + 1];
	int64_t from, to;   /* the loss window (R23) */
	int from_last_seen; /* from is the last sighting, else received */
	struct wf_custody_event *events;
	size_t nevents;
	struct wf_person *people;
	size_t npeople;
	struct key_opening_rec *openings; /* begun in the window */
	size_t nopenings;
};

struct wf_incident {
	struct session_rec sess;
	struct wf_incident_card *cards;
	size_t ncards;
};

/* The incident report of count id (R10, R23).  0 and *out
 * (wf_incident_free), or the exit status with *e. */
int wf_incident(struct ledger *l, int64_t id, int64_t now,
		const struct recon_rules *rules, struct wf_incident *out,
		struct wf_err *e);
void wf_incident_free(struct wf_incident *in);

/* ---- the counting programme: rotation (R6) and cycle plans (R5)
 * (wf_plan.c) ---- */

/* Applying a rotation or a cycle plan is a manager's decision; looking
 * at a proposal needs nobody. */
extern const struct wf_step wf_step_plan_assign, wf_step_plan_cycle;

/* One range of a count as the rotation planner leaves it. */
struct plan_line {
	char range[LOCATION_MAX + 1];
	char staff[STAFF_CODE_MAX + 1]; /* "" when nobody may count it */
	int kept;			/* assigned before: left as it was */
	char why[512]; /* why nobody, when staff is "" (English, the
			  planner's plan_explain) */
	struct plan_why why_of; /* the same as data, for a front end to
				   word (plan_why_text) */
};

struct plan_result {
	struct plan_line *v; /* one per range of the count, by path */
	size_t n;
	size_t nunassigned;
};

/* Frees r->v and clears *r; plan_result_free of a cleared one does
 * nothing. */
void plan_result_free(struct plan_result *r);

/*
 * Whether staff member `staff` may be given range `range` of count id by
 * the rotation rule (R6), the lock, the training gate on the day of now
 * and the permission matrix, as plan_check decides.  Reads only, in the
 * caller's transaction (count start's manual assignments).  0, or 77
 * with *e naming the rule (for the rotation rule, the two earlier
 * counts).  An unknown person or range, or an inactive one, is left to
 * ledger_session_assign to refuse (0 here), as before.
 */
int wf_plan_check(struct ledger *l, int64_t id, const char *range,
		  const char *staff, int64_t now, struct wf_err *e);
/*
 * Runs the rotation planner (R6) over count id: ranges assigned already
 * are kept, the others go to the people the planner picks (never an
 * inactive or locked account), `actor` (may be NULL) first among equals.
 * With apply, the picks are assigned, audited as actor's, in the
 * caller's transaction.  0 and *res (free with plan_result_free), or the
 * exit status with *e and *res empty.
 */
int wf_plan_fill(struct ledger *l, int64_t id, const struct staff_rec *actor,
		 int apply, int64_t now, struct plan_result *res,
		 struct wf_err *e);
/*
 * The planner's input for count id (everyone with their lock and training
 * on the day of now, the count's ranges with their cards and last
 * counts), loaded once: a workflow that checks and assigns many ranges of
 * one count reads the ledger for it once, not once per range (issue 12:
 * count start with 100 ranges given by hand reloaded everything 100
 * times).  wf_plan_check and wf_plan_fill are a load, one call and a
 * free.  Reads in the caller's transaction.  0 and *out (free with
 * wf_planner_free, which takes NULL), or the exit status with *e.
 */
struct wf_planner;
int wf_planner_load(struct ledger *l, int64_t id, int64_t now,
		    struct wf_planner **out, struct wf_err *e);
void wf_planner_free(struct wf_planner *pl);
/*
 * The planner's input read before a count exists, so that the count's
 * write transaction does not hold the lock while it reads (issue 12):
 * for the ranges ranges[0..n) (n == 0: a count over everything), counts
 * before now.  Reads outside any transaction; 0 and *out, or the exit
 * status with *e.  wf_planner_attach, inside the transaction that opened
 * count id over those ranges, takes *pre over (sets it NULL) and gives
 * the planner for count id: *pre itself when nobody committed anything
 * in between and the count's ranges are those preloaded, else one loaded
 * again (wf_planner_load).
 */
int wf_planner_preload(struct ledger *l, const char *const *ranges, size_t n,
		       int64_t now, struct wf_planner **out, struct wf_err *e);
int wf_planner_attach(struct ledger *l, struct wf_planner **pre, int64_t id,
		      struct wf_planner **out, struct wf_err *e);
/* 1 when range is one of the count's ranges, else 0. */
int wf_planner_has_range(const struct wf_planner *pl, const char *range);
/* wf_plan_check against what pl holds. */
int wf_planner_check(const struct wf_planner *pl, const char *range,
		     const char *staff, struct wf_err *e);
/* Notes that range went to staff (ledger_session_assign): from now on the
 * planner keeps it as assigned. */
void wf_planner_assigned(struct wf_planner *pl, const char *range,
			 const char *staff);
/* wf_plan_fill with what pl holds (at the now it was loaded with). */
int wf_planner_fill(struct ledger *l, struct wf_planner *pl,
		    const struct staff_rec *actor, int apply,
		    struct plan_result *res, struct wf_err *e);
/*
 * `plan assign`: the planner's proposal for open count id (apply 0: actor
 * may be NULL, nothing is written), or, with apply, the proposal assigned
 * by actor (wf_step_plan_assign: a manager) in one transaction.  0 and
 * *res (plan_result_free), or the exit status with *e: no such count, a
 * tally, a closed count (65), permission (77).
 */
int wf_plan_assign(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   int apply, int64_t now, struct plan_result *res,
		   struct wf_err *e);

/* A range of a cycle plan as the cycle planner placed it. */
struct wf_cycle_range {
	char path[LOCATION_MAX + 1];
	int month;		     /* 0-based month of its full count */
	int32_t last_full;	     /* day of its last full count, DATE_NONE */
	struct range_count_rec last; /* that count, when last_full is a day */
};

struct wf_plan_cycle {
	int32_t start; /* first month (plan_month_of_day's numbering) */
	int months;
	size_t share;		  /* ranges counted in full a month */
	int64_t plan_id;	  /* the stored plan, 0 when only proposed */
	struct wf_cycle_range *v; /* every range of the ledger, by path */
	size_t n;
};

/* What wf_plan_cycle does besides proposing (`how`, bits). */
enum {
	WF_CYCLE_APPLY = 1, /* store the plan */
	WF_CYCLE_WHO = 2,   /* fill each range's last.who */
};
/*
 * `plan cycle`: which range gets its full count in which month of a cycle
 * of `months` months from month `start` (< 0: the month of now), every
 * range of the ledger, the longest uncounted first (plan_cycle).  With
 * WF_CYCLE_APPLY in how, stored by actor (wf_step_plan_cycle: a manager)
 * in one transaction; with WF_CYCLE_WHO, each range's last full count
 * names who made it (else its nwho is 0: looking them up is most of the
 * work).  0 and *out (wf_plan_cycle_free), or the exit status with *e
 * (months outside 1-12, no cards, permission).
 */
int wf_plan_cycle(struct ledger *l, const struct staff_rec *actor,
		  int32_t start, int months, unsigned how, int64_t now,
		  struct wf_plan_cycle *out, struct wf_err *e);
void wf_plan_cycle_free(struct wf_plan_cycle *c);

/* A range of the cycle plan in force, and where it stands this month. */
struct wf_planned {
	char path[LOCATION_MAX + 1];
	int month;	     /* 0-based month of the cycle for its full count */
	enum plan_due state; /* done, later, due now, overdue */
	int32_t last_full;   /* day of its last full count, DATE_NONE */
};

/* A range of the ledger with its last count and its last full count. */
struct wf_range_last {
	char path[LOCATION_MAX + 1];
	int has_any, has_full;
	struct range_count_rec any, full;
};

/* The counting programme as `status` shows it. */
struct wf_plan_status {
	int has_cycle;		    /* 0: no cycle plan; cycle..ndone unset */
	struct cycle_rec cycle;	    /* the plan in force */
	int32_t start, month;	    /* its first month; the month of now */
	int ended;		    /* the cycle's last month is past */
	struct wf_planned *planned; /* its ranges, by month then path */
	size_t nplanned;
	size_t ndone; /* ranges of this month counted in full already */
	struct wf_range_last *ranges; /* every range of the ledger, by path */
	size_t nranges;
	size_t nnever;	  /* ranges never counted in full */
	ptrdiff_t oldest; /* the range of the oldest full count, -1: none */
};

/* The plan in force and every range's counts at `now`.  0 and *out
 * (wf_plan_status_free), or the exit status with *e. */
int wf_plan_status(struct ledger *l, int64_t now, struct wf_plan_status *out,
		   struct wf_err *e);
void wf_plan_status_free(struct wf_plan_status *s);
/*
 * The ranges of the cycle plan in force with their state at `now`
 * (enum plan_due), as `status` shows them; none when there is no plan.
 * *paths and *state are malloc'ed (free()).  0, or the exit status with
 * *e and nothing to free.
 */
int plan_due_ranges(struct ledger *l, int64_t now,
		    char (**paths)[LOCATION_MAX + 1], int **state, size_t *n,
		    struct wf_err *e);

/* ---- counts: start, close, discrepancies, resolve, recount, totals
 * (wf_count.c) ---- */

extern const struct wf_step wf_step_count_start, wf_step_count_close,
    wf_step_count_resolve, wf_step_count_recount, wf_step_count_total;

/* What to open: `count start`'s options, the TUI's choices. */
struct wf_count_start_args {
	enum session_kind kind;	   /* full, partial or countonly */
	const char *const *ranges; /* nranges 0: every location */
	size_t nranges;
	/* Manual assignments: assign_range[i] to assign_staff[i]. */
	const char *const *assign_range;
	const char *const *assign_staff;
	size_t nassign;
	/* Check and plan everything, then roll it all back: what opening
	 * would do (the planner's picks, a refused manual assignment). */
	int dry_run;
};

struct wf_count_started {
	int64_t id; /* the session (a dry run: the id it would have had) */
	struct plan_result plan; /* every range and who counts it */
};

/*
 * Opens a count by actor (wf_step_count_start: the matrix and the
 * training gate) in one transaction: the session over the ranges (each a
 * known location, given once, none within another), each manual
 * assignment (each range assigned once, to a known, active person, of a
 * range of the count, as the rotation rule, the lock, the training gate
 * and the matrix allow: wf_planner_check), then the planner's pick for
 * every other range.  The planner's input is loaded once.  A dry run
 * rolls everything back.  0 and *out (wf_count_started_free), or the exit
 * status with *e and nothing changed.
 */
int wf_count_start(struct ledger *l, const struct staff_rec *actor,
		   const struct wf_count_start_args *a, int64_t now,
		   struct wf_count_started *out, struct wf_err *e);
void wf_count_started_free(struct wf_count_started *s);

void disc_list_free(struct disc_list *d);
/* The item of a card (by management ID or serial), or NULL. */
struct disc_item *disc_list_find(struct disc_list *d, const char *card);

/*
 * The discrepancies of count id on `now` under `rules` (the
 * configuration's): for an open count (or one closed before the record
 * book existed) what reconciling it finds now, with the resolutions given
 * so far, plus any resolution of a discrepancy that has since gone; for a
 * count closed with its results stored, the resolutions recorded by then.
 * A tally is refused (WF_E_COUNT_TALLY_BOOK).  0 and *out, or the exit
 * status with *e (nothing to free).
 */
int wf_count_discrepancies(struct ledger *l, int64_t id, int64_t now,
			   const struct recon_rules *rules,
			   struct disc_list *out, struct wf_err *e);

/* Session id as a count whose discrepancies are settled (no tally:
 * WF_E_COUNT_TALLY_SETTLE); 0 and *s, or the exit status with *e. */
int wf_count_get(struct ledger *l, int64_t id, struct session_rec *s,
		 struct wf_err *e);

/* One range of a count as its overview shows it. */
struct wf_count_range {
	char path[LOCATION_MAX + 1];
	char assignee[STAFF_CODE_MAX + 1];
	int64_t expected;
	int64_t seen; /* -1: not counted yet (a count-only check's total) */
};

/* What a count looks like now: its ranges, its discrepancies (a count by
 * card) or how many ranges' totals are off (a count-only check). */
struct wf_count_view {
	struct session_rec sess;
	struct wf_count_range *r; /* malloc'ed: wf_count_view_free */
	size_t nr;
	struct disc_list disc; /* empty for a count-only check */
	size_t offrange;       /* a count-only check: ranges off */
};

int wf_count_view(struct ledger *l, int64_t id, int64_t now,
		  const struct recon_rules *rules, struct wf_count_view *out,
		  struct wf_err *e);
void wf_count_view_free(struct wf_count_view *v);

/* The reasons valid for item `it` of count id (recon_resolution_valid,
 * with whether a recount read the card): out[0..*n).  0 or the exit
 * status with *e. */
int wf_count_reasons(struct ledger *l, int64_t id, const struct disc_item *it,
		     enum recon_reason out[REASON_COUNT], int *n,
		     struct wf_err *e);

/* One card a resolution settled, and what it did to the ledger. */
struct wf_resolved_item {
	struct disc_item it;
	int moves; /* 1: the card's status changed */
	enum custody_kind kind;
	enum card_status to;
	char location[LOCATION_MAX + 1]; /* the card's, after */
};

struct wf_resolved {
	struct wf_resolved_item *v; /* malloc'ed: wf_resolved_free */
	size_t n;
	size_t unresolved; /* discrepancies of the count still open */
};

/*
 * A manager's resolution with `reason` (and note, NULL or "" for none) of
 * the n cards (management IDs or serials) of open count id, by actor, in
 * one transaction: every card checked first (a discrepancy, not resolved
 * yet, the reason valid for it and for the card's status), then every
 * resolution and the status change it makes (recon_resolution_effect:
 * lost, or found where a count read it) written.  0 and *out, or the exit
 * status with *e and nothing changed.
 */
int wf_count_resolve(struct ledger *l, const struct staff_rec *actor,
		     int64_t id, const char *const *cards, size_t n,
		     enum recon_reason reason, const char *note, int64_t now,
		     const struct recon_rules *rules, struct wf_resolved *out,
		     struct wf_err *e);
void wf_resolved_free(struct wf_resolved *r);

/*
 * Opens a recount of range `range` of open count id by staff member `who`
 * (active, and not a first counter of it), ordered by actor; a range is
 * recounted only when someone read a card in it in count id
 * (recon_recount_check).  0 and *rid, or the exit status with *e.
 */
int wf_count_recount(struct ledger *l, const struct staff_rec *actor,
		     int64_t id, const char *range, const char *who,
		     int64_t now, int64_t *rid, struct wf_err *e);

/*
 * Count id as the count saw its cards (ledger_count_load, then
 * recon_see_as_counted): what every report of a count is made from.  0,
 * or the ledger's error (LEDGER_ERR_NOMEM when out of memory), *d freed.
 */
int wf_count_load(struct ledger *l, int64_t id, struct count_data *d);
/* Session id exists, is open and is a count (no tally): what a front end
 * asks before anyone types a witness's PIN.  0 and *s, or the exit status
 * with *e. */
int wf_count_close_check(struct ledger *l, int64_t id, struct session_rec *s,
			 struct wf_err *e);

struct wf_count_closed {
	int found;     /* the count found discrepancies */
	int witnessed; /* a witness signed the close */
	char witness[STAFF_CODE_MAX + 1];
};

/*
 * Closes count id by actor.  A witness given (w_code with w_pin: another
 * person, a manager, wf_witness) is checked even when none is needed.
 * Inside one transaction the count is read again (its discrepancies,
 * their resolutions, the per-range results to store) and recon_count_close
 * decides: every discrepancy resolved, and a witness when there are any
 * (WF_E_COUNT_WITNESS when one is needed and none was given, so a screen
 * can ask for one).  0 and *out, or the exit status with *e.
 */
int wf_count_close(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   const char *w_code, const char *w_pin, int64_t now,
		   const struct recon_rules *rules, struct wf_count_closed *out,
		   struct wf_err *e);

/* What `count total` recorded. */
struct wf_count_total {
	int64_t expected; /* what the ledger holds in the range */
	int state;	  /* enum plan_total of reconcile/plan.h */
};

/* The checks of wf_count_total before any card is counted (a reader's
 * pass takes a while): actor may count, count id is an open count-only
 * check, range is one of its ranges and actor may count it (R7).  0 or
 * the exit status with *e. */
int wf_count_total_check(struct ledger *l, const struct staff_rec *actor,
			 int64_t id, const char *range, int64_t now,
			 struct wf_err *e);
/* Records `cards` cards in range `range` of count-only check id, counted by
 * actor with method "typed" or "reader", with every check of
 * wf_count_total_check again in the transaction.  0 and *out, or the exit
 * status with *e. */
int wf_count_total(struct ledger *l, const struct staff_rec *actor, int64_t id,
		   const char *range, int64_t cards, const char *method,
		   int64_t now, struct wf_count_total *out, struct wf_err *e);
/* How many ranges of count-only check id have a total that is off (or
 * none).  0 and *off, or the exit status with *e. */
int wf_count_off(struct ledger *l, int64_t id, size_t *off, struct wf_err *e);

/* ---- backups and restore (wf_backup.c, issue 14) ---- */

extern const struct wf_step wf_step_restore;

#define WF_PATH_MAX 4096

/* What a backup made. */
struct wf_backup_made {
	char path[WF_PATH_MAX];	 /* dir/cardtally-YYYYMMDD-HHMMSS.db */
	int version;		 /* the ledger's schema version, as copied */
	int64_t entries;	 /* audit entries in the copy */
	size_t removed;		 /* older copies removed by the rotation */
};

/*
 * Copies the ledger at db into directory dir (which must exist) while it
 * is in use, without migrating it, as backup.h's ledger_backup_to; the
 * copy's name is the local time now.  The ledger's audit log records the
 * backup first ("backup", subject the copy's name), so that the copy
 * holds its own entry and restoring the newest copy loses nothing; a copy
 * that then fails is recorded too ("backup.failed").  Then the rotation:
 * recon_backup_keep over the copies in dir with keep_daily and
 * keep_monthly, and every copy it does not keep is removed (removed() is
 * called with each name, before); nothing but a copy's name is ever
 * removed.  0 and *out, or the exit status with *e.
 */
int wf_backup(const char *db, const char *dir, int keep_daily,
	      int keep_monthly, int64_t now,
	      void (*removed)(void *ctx, const char *name), void *ctx,
	      struct wf_backup_made *out, struct wf_err *e);

/* What checking a copy found. */
struct wf_backup_check {
	int version;	   /* its schema version */
	char integrity[256]; /* "ok" */
	int64_t entries;     /* audit entries verified */
	int64_t records;     /* rows checked against their entries */
	int64_t replayed;    /* card, terminal and staff rows replayed */
	int64_t head_id;     /* the chain's last entry (0: empty) */
	uint8_t head[AUDIT_HASH_BYTES];
	/* 1: a copy of an older version, whose audit log was verified on a
	 * migrated scratch copy (in $TMPDIR, removed again). */
	int migrated;
};

/*
 * Checks the copy at file without changing it: a cardtally ledger;
 * PRAGMA integrity_check; a schema version this build knows (a newer one
 * is refused, naming both); the audit chain and the tables it repeats
 * verify (ledger_audit_verify).  0 and *out, or the exit status with *e
 * naming what failed.
 */
int wf_backup_verify(const char *file, struct wf_backup_check *out,
		     struct wf_err *e);

struct wf_restored {
	struct wf_backup_check check;
	enum recon_chain chain; /* the copy against the ledger replaced */
	char aside[WF_PATH_MAX]; /* the ledger replaced, kept; "" none */
};

/*
 * Replaces the ledger at db with the copy at file.  The copy is verified
 * (wf_backup_verify) and copied beside db first, and migrated there.  The
 * manager (code with pin; restore is a manager's step) logs in on the
 * ledger replaced, or on the copy when there is no usable ledger (the
 * disk died).  recon_restore_allowed decides on the chains: a copy
 * behind the ledger or of another history needs force and a reason.
 * The ledger must not be open elsewhere (WF_E_RESTORE_IN_USE); it leaves
 * WAL mode, records "restore.replace" in its own log, and is kept as
 * db.replaced-YYYYMMDD-HHMMSS, never deleted; the copy, its log holding
 * "restore" (file, chain, forced, reason, who), takes db's name in one
 * rename.  0 and *out, or the exit status with *e (nothing replaced).
 */
int wf_restore(const char *db, const char *file, const char *code,
	       const char *pin, int force, const char *reason, int64_t now,
	       struct wf_restored *out, struct wf_err *e);

#endif
