/*
 * The ledger: one SQLite file in WAL mode holding cards, locations, staff,
 * counting sessions, scans, custody events and the append-only audit log.
 * This header is the only way the rest of the program reaches the file; no
 * SQLite type or statement handle crosses it.
 *
 * Order of calls: ledger_open (or ledger_create) -> any operations ->
 * ledger_close.  Write operations that must be atomic together are wrapped
 * by the caller in ledger_begin / ledger_commit (or ledger_rollback); every
 * other write is its own transaction.  A commit returns only after the data
 * is on disk (synchronous=FULL): callers report success after it, never
 * before.
 *
 * Errors: functions return 0 or a negative LEDGER_ERR_*; ledger_errmsg()
 * then says what failed, in lowercase without a trailing period.
 */
#ifndef CT_LEDGER_H
#define CT_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/model.h"

/* Error codes of this module, numbered once and never reused. */
enum {
	LEDGER_OK = 0,
	LEDGER_ERR_SQL = -1,	  /* unexpected SQLite failure */
	LEDGER_ERR_NOTFOUND = -2, /* ledger file, row or name does not exist */
	LEDGER_ERR_EXISTS = -3,	  /* would duplicate a unique name */
	LEDGER_ERR_VERSION = -4,  /* file made by a newer cardtally */
	LEDGER_ERR_BUSY = -5,	  /* another process holds the write lock */
	LEDGER_ERR_INVALID = -6,  /* argument fails validation */
	LEDGER_ERR_NOMEM = -7,
	LEDGER_ERR_STATE = -8,	   /* e.g. session already closed */
	LEDGER_ERR_NOTLEDGER = -9, /* the file is not a cardtally ledger */
	LEDGER_ERR_IO = -10, /* the file or its directory cannot be written
				(full disk, read-only, permissions) */
};

/* The schema version this build writes; see migrations in ledger_open.c. */
#define LEDGER_SCHEMA_VERSION 21

#define LOCATION_MAX   128
#define NAME_MAX_BYTES 128
#define STAFF_CODE_MAX 32

struct ledger;

/*
 * Opens an existing ledger, migrating it forward to LEDGER_SCHEMA_VERSION.
 * Never creates or rebuilds one: LEDGER_ERR_NOTFOUND when the file is
 * missing; LEDGER_ERR_NOTLEDGER, with the file left untouched, when it is
 * not a cardtally ledger (not a regular file, empty, not SQLite, or an
 * SQLite file cardtally did not make); LEDGER_ERR_IO when it cannot be read
 * or when the -wal and -shm files that even a reader needs cannot be made
 * beside it (full disk, unwritable directory).  err names the path.
 */
int ledger_open(const char *path, struct ledger **out, char *err,
		size_t errlen);
/*
 * The messages of ledger_open's refusals that say only the path (and, for
 * the first two, strerror's words), as ledger_open writes them into err.
 * Marked for the message catalog, never translated here: a front end that
 * finds err equal to one of them, formatted, says it in its own language
 * (issue 18); any other err is shown as it is.
 */
#ifndef N_
#define N_(s) s
#endif
#define LEDGER_MSG_NOTFOUND    N_("no ledger at %s: %s")
#define LEDGER_MSG_CANNOT_OPEN N_("cannot open ledger %s: %s")
#define LEDGER_MSG_NOT_REGULAR                                                 \
	N_("%s is not a cardtally ledger (not a regular file)")
#define LEDGER_MSG_EMPTY                                                       \
	N_("%s is not a cardtally ledger (the file is empty); not touching "   \
	   "it")
#define LEDGER_MSG_NOT_SQLITE                                                  \
	N_("%s is not a cardtally ledger (not an SQLite database); not "       \
	   "touching it")

/*
 * ledger_open with choices (ledger_open is ledger_open_how(path, 0, ...)):
 * LEDGER_OPEN_AS_IS leaves the schema version as it is (no migration: a
 * backup copies the file a package upgrade is about to migrate, and a
 * backup is checked as it was written); LEDGER_OPEN_READ_ONLY opens the
 * file read-only and changes nothing in it, its journal mode included
 * (with it, ledger_read_only is in force from the start).  A file of
 * another version opened as it is may lack tables this build uses: only
 * the audit log, the schema version and the integrity check are safe.
 */
enum {
	LEDGER_OPEN_AS_IS = 1,
	LEDGER_OPEN_READ_ONLY = 2,
};
int ledger_open_how(const char *path, unsigned how, struct ledger **out,
		    char *err, size_t errlen);
/* Creates a new ledger; LEDGER_ERR_EXISTS when the path exists already,
 * LEDGER_ERR_INVALID when it is a symbolic link (dangling or not): the
 * ledger is never made through one. */
int ledger_create(const char *path, struct ledger **out, char *err,
		  size_t errlen);
void ledger_close(struct ledger *l);
/*
 * From now on this connection changes nothing (PRAGMA query_only): every
 * write fails with LEDGER_ERR_SQL and "attempt to write a readonly
 * database", except the PIN-try bookkeeping of ledger_staff_pin_try,
 * _settle and _result (a wrong PIN counts wherever it is typed).  The
 * command line opens the ledger so for every command that runs no
 * workflow step, so that such a command cannot write by mistake.
 */
int ledger_read_only(struct ledger *l);
const char *ledger_errmsg(const struct ledger *l);
/* The LEDGER_ERR_* that ledger_errmsg explains (LEDGER_ERR_NOMEM for a
 * NULL l); LEDGER_ERR_IO when the file system refused (full, read-only,
 * input/output error). */
int ledger_errcode(const struct ledger *l);
/* PRAGMA user_version of the open file. */
int ledger_schema_version(struct ledger *l);
/* A number that changes whenever another connection commits a change to
 * the file (PRAGMA data_version): what was read before a transaction is
 * still true inside it when the number is the same. */
int ledger_data_version(struct ledger *l, int64_t *v);
/*
 * A number that changes whenever the file changes, by a commit of this
 * connection or of another (seen when this connection next begins a
 * transaction); SQLITE_FCNTL_DATA_VERSION.  A write rolled back changes
 * nothing and leaves it.  Taken after a commit and again inside the next
 * transaction: the same number means nobody changed the file in between.
 * 0, or -1 with the ledger's error.
 */
int ledger_change_mark(struct ledger *l, uint32_t *mark);
/*
 * Checkpoints when the caller has time for them, not inside the commit
 * that happens to fill the WAL (SQLite's auto-checkpoint, every 1,000
 * pages, writes them to the file and syncs it before that commit
 * returns).  After ledger_checkpoint_later this connection no longer
 * checkpoints by itself, until ledger_checkpoint_auto; ledger_wal_pages
 * says how many pages the WAL held after this connection's last commit,
 * and ledger_checkpoint runs a PASSIVE checkpoint now (outside a
 * transaction: 1 done, 0 not; one that fails or cannot finish, other
 * readers being there, is left to the next).  The scan loop uses them so
 * that a read's feedback does not wait for a checkpoint (bench/run,
 * measurement 7).
 */
#define LEDGER_CHECKPOINT_PAGES 1000
void ledger_checkpoint_later(struct ledger *l);
void ledger_checkpoint_auto(struct ledger *l);
int ledger_wal_pages(const struct ledger *l);
int ledger_checkpoint(struct ledger *l);
/* "ok", or the first problem PRAGMA integrity_check reports, into out. */
int ledger_integrity_check(struct ledger *l, char *out, size_t outlen);

int ledger_begin(struct ledger *l); /* BEGIN IMMEDIATE (waits for the lock) */
/* A read transaction (deferred BEGIN): one snapshot of the ledger from its
 * first read to its end (ledger_rollback), no lock on writers.  Nothing is
 * written in it. */
int ledger_begin_read(struct ledger *l);
/*
 * A writer that finds the write lock taken waits for it up to
 * LEDGER_BUSY_TIMEOUT_MS, trying again every few milliseconds, and
 * meanwhile shows that it waits (ledger.c, busy_wait).  A long task that
 * writes in several short transactions keeps each under
 * LEDGER_WRITE_SLICE_MS and calls ledger_let_writers_in between two: where
 * another process waits, it waits until that one has the lock (at most
 * LEDGER_WRITERS_WAIT_MAX_MS); where nobody waits, it goes on at once.
 */
#define LEDGER_BUSY_TIMEOUT_MS 10000
#define LEDGER_WRITE_SLICE_MS 200
#define LEDGER_WRITERS_GAP_MS 50
#define LEDGER_WRITERS_WAIT_MAX_MS 1000
void ledger_let_writers_in(struct ledger *l);
/* 1 where another process (or connection) waits for the ledger's write
 * lock, 0 where none does, -1 where this connection cannot tell. */
int ledger_writers_waiting(struct ledger *l);
/* Syncs the write-ahead log to disk: what commits made under PRAGMA
 * synchronous=NORMAL is then as durable as a FULL commit. */
int ledger_sync_wal(struct ledger *l);
int ledger_commit(struct ledger *l);
int ledger_rollback(struct ledger *l);

/*
 * Appends one row to the audit log, chained to the row before it (see
 * "audit log" below), in the caller's transaction, or in one of its own
 * when the caller has none.  staff_id 0 means the system itself; subject
 * and detail may be NULL.
 */
int ledger_audit(struct ledger *l, int64_t staff_id, int64_t at,
		 const char *action, const char *subject, const char *detail);

/* ---- staff ---- */

struct staff_rec {
	int64_t id;
	char code[STAFF_CODE_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
	enum staff_role role;
	char pin_hash[128]; /* libsodium crypto_pwhash_str string */
	int failed_pins;
	int locked;
	int active;
};

/* Staff codes: 1-32 of [A-Za-z0-9_-]. */
int staff_code_valid(const char *code);
int ledger_staff_add(struct ledger *l, const char *code, const char *name,
		     enum staff_role role, const char *pin_hash,
		     int64_t actor_id, int64_t now);
/* The staff member with code; when none has it exactly, the only one
 * whose code differs from it in case alone (a code typed "s02" finds
 * S02), never a guess between two.  LEDGER_ERR_NOTFOUND otherwise. */
int ledger_staff_get(struct ledger *l, const char *code, struct staff_rec *out);
int ledger_staff_get_id(struct ledger *l, int64_t id, struct staff_rec *out);
/*
 * Records the outcome of a PIN check: resets the failure count on success,
 * otherwise counts the failure and locks the account at max_failures
 * (*locked_now = 1 when this failure locked it).  Audited.
 */
/*
 * A PIN check in two short transactions, so that no write lock is held
 * while a PIN is hashed and parallel tries do not queue behind each
 * other's hashing.  ledger_staff_pin_try counts the attempt first: *may is
 * 1 when the account is not locked and fewer than max_failures attempts
 * are counted (the failures in a row, and tries not yet settled), else 0
 * and nothing is counted -- so however many processes try at once, at
 * most max_failures PINs are ever checked before the lock.  *counted is
 * the count with this attempt (0 when none).
 * ledger_staff_pin_settle then records the outcome, given that count:
 * right, the attempts counted up to it are cleared (audited when wrong
 * PINs came before) and those counted after it, tried alongside, stay
 * counted -- unless the account was locked meanwhile, which a right PIN
 * does not undo (*locked_now 2); wrong, audited, and the account locked
 * (*locked_now 1) once max_failures are counted.  A try that dies between
 * the two stays counted.
 */
int ledger_staff_pin_try(struct ledger *l, int64_t staff_id, int max_failures,
			 int *may, int *counted);
int ledger_staff_pin_settle(struct ledger *l, int64_t staff_id, int ok,
			    int counted, int max_failures, int64_t now,
			    int *locked_now);
int ledger_staff_pin_result(struct ledger *l, int64_t staff_id, int ok,
			    int max_failures, int64_t now, int *locked_now);

/*
 * Unlocks an account locked by wrong PINs and clears its failure count
 * (LEDGER_ERR_STATE when it was not locked).  Audited with the manager who
 * did it.
 */
int ledger_staff_unlock(struct ledger *l, int64_t staff_id, int64_t actor_id,
			int64_t now);
/* Calls fn for every staff member, by code; stops early when fn returns
 * non-zero (which is then returned). */
int ledger_staff_each(struct ledger *l,
		      int (*fn)(const struct staff_rec *s, void *ctx),
		      void *ctx);
/*
 * Sets staff_id's PIN hash.  reset 0: the owner changed it (audited
 * "staff.pin_change" as the owner's); reset 1: a manager actor_id set a new
 * one, which also clears the failure count and the lock (audited
 * "staff.pin_reset", with witness_code when not NULL).
 */
int ledger_staff_pin_set(struct ledger *l, int64_t staff_id,
			 const char *pin_hash, int reset, int64_t actor_id,
			 const char *witness_code, int64_t now);
/*
 * Deactivates (active 0) or reactivates (1) staff_id: the row and its
 * history stay, the person may no longer log in.  LEDGER_ERR_STATE when it
 * is so already.  Audited ("staff.deactivate", "staff.reactivate") as
 * actor_id's, with witness_code when not NULL.
 */
int ledger_staff_set_active(struct ledger *l, int64_t staff_id, int active,
			    int64_t actor_id, const char *witness_code,
			    int64_t now);
/* Gives staff_id role (LEDGER_ERR_STATE when it has it already).  Audited
 * ("staff.role", detail "from=OLD to=NEW [witness=CODE]"). */
int ledger_staff_set_role(struct ledger *l, int64_t staff_id,
			  enum staff_role role, int64_t actor_id,
			  const char *witness_code, int64_t now);
/* How many active managers there are, besides staff_id `except` (0: none
 * excepted). */
int ledger_staff_managers(struct ledger *l, int64_t except, int64_t *n);
/* *empty = 1 while the ledger holds no card and no terminal (an office
 * still being set up), else 0. */
int ledger_stock_empty(struct ledger *l, int *empty);

/* ---- locations ---- */

/* Location paths: 1-4 segments joined by '/', each non-empty, without
 * leading or trailing blanks, control characters, ',' or '='; at most
 * LOCATION_MAX bytes of UTF-8.  Returns 1 when valid. */
int location_path_valid(const char *path, size_t len);
/* Id of an existing location path; LEDGER_ERR_NOTFOUND otherwise. */
int ledger_location_find(struct ledger *l, const char *path, int64_t *id);
/* Id of the path, creating it and its parents when new. */
int ledger_location_ensure(struct ledger *l, const char *path, int64_t *id);

/* ---- cards ---- */

struct card_rec {
	int64_t id;
	char mgmt_id[MGMT_ID_MAX + 1];
	char serial[SERIAL_BUF];
	int64_t location_id;
	char location[LOCATION_MAX + 1];
	enum card_status status;
	int32_t received;      /* days; see model.h */
	int32_t notice_sent;   /* DATE_NONE when unset */
	int32_t reminder_sent; /* DATE_NONE when unset */
};

int ledger_card_by_serial(struct ledger *l, const char *serial,
			  struct card_rec *out);
/* The card with management ID mgmt_id; when none has it exactly, the only
 * one whose ID differs from it in case alone (m000405 finds M000405),
 * never a guess between two.  LEDGER_ERR_NOTFOUND otherwise. */
int ledger_card_by_mgmt(struct ledger *l, const char *mgmt_id,
			struct card_rec *out);
int64_t ledger_card_count(struct ledger *l);
/*
 * Serials of the cards in storage whose home lies within location `range`,
 * ordered by management ID.  *out is one malloc'ed array (free()).
 */
int ledger_range_serials(struct ledger *l, const char *range,
			 char (**out)[SERIAL_BUF], size_t *n);

/* ---- counting sessions (session.c) ---- */

struct session_rec {
	int64_t id;
	enum session_kind kind;
	int64_t started_at;
	char started_by[STAFF_CODE_MAX + 1];
	int64_t closed_at; /* 0 while open */
	char closed_by[STAFF_CODE_MAX + 1];
	char witness[STAFF_CODE_MAX + 1];
};

struct range_rec {
	int64_t location_id;
	char path[LOCATION_MAX + 1];
	int64_t assignee_id; /* 0: anyone may scan it */
	char assignee[STAFF_CODE_MAX + 1];
};

/*
 * Opens a session over `ranges` (location paths; n == 0 means every
 * location that holds cards in storage or checked out).  Ranges must exist,
 * be distinct and not lie within one another.  Audited.
 */
int ledger_session_start(struct ledger *l, enum session_kind kind,
			 const char *const *ranges, size_t n, int64_t actor_id,
			 int64_t now, int64_t *id);
/* Gives range `path` of session `id` to staff member `code` alone;
 * audited as done by actor_id. */
int ledger_session_assign(struct ledger *l, int64_t id, const char *path,
			  const char *code, int64_t actor_id, int64_t now);
int ledger_session_get(struct ledger *l, int64_t id, struct session_rec *out);
/* The session's ranges, ordered by path; *out is malloc'ed (free()). */
int ledger_session_ranges(struct ledger *l, int64_t id, struct range_rec **out,
			  size_t *n);
/* Marks the session closed; LEDGER_ERR_STATE when it was closed already.
 * Audited. */
int ledger_session_close(struct ledger *l, int64_t id, int64_t actor_id,
			 int64_t witness_id, int64_t now);
/* Calls fn for every session still open, oldest first (status.c); a
 * non-zero return stops the walk and is returned. */
int ledger_session_open_each(struct ledger *l,
			     int (*fn)(const struct session_rec *s, void *ctx),
			     void *ctx);
/* Likewise for every session (counts and tallies) started or closed in
 * [from, to), unix times. */
int ledger_session_between_each(struct ledger *l, int64_t from, int64_t to,
				int (*fn)(const struct session_rec *s,
					  void *ctx),
				void *ctx);

/*
 * Recording reads.  A ledger_scanner keeps the statements of the scan loop
 * prepared.  For each read, inside ledger_begin .. ledger_commit:
 * ledger_scanner_lookup, decide (reconcile/), ledger_scanner_record.
 */
struct ledger_scanner;

struct scan_lookup {
	int known; /* the serial is a card of the ledger; then card is set */
	struct card_rec card;
	int seen_before;		    /* already read in this session */
	char first_range[LOCATION_MAX + 1]; /* where it was first read */
};

int ledger_scanner_open(struct ledger *l, int64_t session_id,
			struct ledger_scanner **out);
int ledger_scanner_lookup(struct ledger_scanner *s, const char *serial,
			  struct scan_lookup *out);
/* What a read into the scanner's session must know inside its own
 * transaction: the session as it is now and, for a count, who its range
 * is assigned to now (another process may close the session or assign
 * the range while a scan runs). */
struct scan_target {
	int found; /* the session exists */
	enum session_kind kind;
	int64_t closed_at;   /* 0 while open */
	int in_session;	     /* range_id is one of its ranges */
	int64_t assignee_id; /* the range's; 0: anyone may scan it */
	char assignee[STAFF_CODE_MAX + 1];
};

/* The scanner's session and range range_id (0: none, a tally) now, into
 * *out; 0 or a ledger error. */
int ledger_scanner_target(struct ledger_scanner *s, int64_t range_id,
			  struct scan_target *out);
/* card_id 0 for an unknown serial; why NULL unless the outcome is alert;
 * safe_closed 1 when the read is flagged as handling cards while the safe
 * is recorded closed (recon_safe_flag).  Also appends the read to the
 * audit chain (action "scan").  LEDGER_ERR_STATE, nothing written, when
 * the session is closed (the caller decides before; this is the
 * ledger's own guard). */
/* profile: the identity profile that produced the serial and its
 * version (drivers/profile.h; 1, 2, ...), recorded with the read; NULL
 * (version 0) for a number typed or keyed in, which no profile read. */
int ledger_scanner_record(struct ledger_scanner *s, int64_t range_id,
			  const char *serial, int64_t card_id, int64_t staff_id,
			  int64_t at, const char *outcome, const char *why,
			  int safe_closed, const char *profile,
			  unsigned profile_version);
/*
 * Whether a read of session_id that still counts (not undone) was
 * produced by another identity profile than `profile` version `version`
 * (another name, or the same name in another version): 1 with its name
 * in other[cap] and its version in *other_version (the first such read),
 * 0 when none; reads without a profile (typed numbers) are not looked
 * at.  Or a ledger error.
 *
 * checked (NULL: every read is looked at): the reads up to scan id
 * *checked were looked at already (0: none), and only later ones are;
 * when none differs, *checked becomes the ledger's last scan id.  A scan
 * process that asks before each read, inside the read's write
 * transaction, so looks at each read once: without it, every read walked
 * all the session's reads before it (a sweep of 100 trays of 1,000 took
 * 10 s a tray by its end).
 */
int ledger_session_other_profile(struct ledger *l, int64_t session_id,
				 const char *profile, unsigned version,
				 int64_t *checked, char *other, size_t cap,
				 unsigned *other_version);
/* The scan id of the last read ledger_scanner_record wrote (0: none yet),
 * committed or not. */
int64_t ledger_scanner_last_id(const struct ledger_scanner *s);
void ledger_scanner_close(struct ledger_scanner *s);
/* A read taken back (scan_undo). */
struct scan_undone {
	int64_t scan_id;
	char serial[SERIAL_BUF];
	char mgmt_id[MGMT_ID_MAX + 1]; /* "" for an unknown serial */
	char outcome[16];	       /* "accepted", "repeat", "alert" */
	char why[16];		       /* "" unless an alert */
	char range[LOCATION_MAX + 1];  /* "" in a tally */
};

#define UNDO_REASON_MAX 200

/*
 * Takes back staff_id's latest read in session session_id that still
 * counts: it stays in the scan table and the audit chain, and a scan_undo
 * row (who, when, reason) makes it count no more; audited ("scan.undo").
 * Refused with LEDGER_ERR_STATE when the session is closed or the same
 * card was read again after it (undo that read first), LEDGER_ERR_NOTFOUND
 * when staff_id has no read left to undo in the session, and
 * LEDGER_ERR_INVALID for an empty reason or one longer than
 * UNDO_REASON_MAX bytes.  What was undone is in *out.
 */
int ledger_scan_undo(struct ledger *l, int64_t session_id, int64_t staff_id,
		     const char *reason, int64_t now, struct scan_undone *out);
/* staff_id's latest read in the session that still counts, into *out;
 * LEDGER_ERR_NOTFOUND when there is none. */
int ledger_scan_last_read(struct ledger *l, int64_t session_id,
			  int64_t staff_id, struct scan_undone *out);
/* *again = 1 when u's card was read again in the session after u. */
int ledger_scan_read_after(struct ledger *l, int64_t session_id,
			   const struct scan_undone *u, int *again);
/*
 * The distinct serials read (and not undone) in the session, in range
 * range_id only unless it is 0, in no particular order; *out is one
 * malloc'ed array (free()).
 */
int ledger_session_serials(struct ledger *l, int64_t session_id,
			   int64_t range_id, char (**out)[SERIAL_BUF],
			   size_t *n);
/*
 * Calls fn for every card in storage within location `range` (as
 * ledger_range_serials) that session session_id has not read in its range
 * range_id, or whose read there was undone, by management ID; strings
 * live until fn returns.  A non-zero return stops the walk and is
 * returned.
 */
int ledger_range_unread_each(
    struct ledger *l, const char *range, int64_t session_id, int64_t range_id,
    int (*fn)(void *ctx, const char *mgmt_id, const char *serial), void *ctx);
/* Serials already read in the session (for resuming), count only. */
int64_t ledger_session_scan_count(struct ledger *l, int64_t session_id);
/*
 * A number that grows with every read and every undo in the session (the
 * rows of scan and scan_undo are never deleted), into *mark: a close that
 * decided on what it read outside its transaction takes the mark then and
 * compares it inside, so that a read arriving in between is not left out
 * of what the close decided.  0 or a ledger error.
 */
int ledger_session_mark(struct ledger *l, int64_t session_id, int64_t *mark);

/*
 * Loads a session's ranges, the cards in scope and every read into d (see
 * common/count.h), ready for recon_run: in one read transaction of its
 * own, or inside the caller's when one is open.
 */
struct count_data;
int ledger_count_load(struct ledger *l, int64_t session_id,
		      struct count_data *d);

/* Where and when a card was last seen, by whom, and what it was (R10). */
struct sighting {
	int64_t at; /* 0: never seen */
	char location[LOCATION_MAX + 1];
	char by[STAFF_CODE_MAX + 1];
	char what[32]; /* "scan in count N", "scan in tally N" or
			  "custody KIND" */
	int64_t tally; /* a read in a tally (at the window): its id, else 0 */
};

/*
 * The card's latest read in another session than session_id, or its
 * latest custody event (a declaration that it is lost is none: nobody saw
 * it), at or before `before` (INT64_MAX: any time), whichever is later;
 * out->at == 0 when there is none.
 */
int ledger_last_seen(struct ledger *l, int64_t card_id, int64_t session_id,
		     int64_t before, struct sighting *out);
/* Staff code of the latest check-out of the card, "" when none. */
int ledger_checked_out_by(struct ledger *l, int64_t card_id,
			  char by[STAFF_CODE_MAX + 1]);

/* ---- audit log: the hash chain (audit_hash.c, audit_write.c, audit.c) ---- */

/*
 * Each audit row's hash is BLAKE2b-256 (libsodium crypto_generichash) over
 * audit_encode() of the row and the previous row's hash; the first row's
 * previous hash is AUDIT_HASH_BYTES zero bytes.  The encoding is canonical
 * and unambiguous: a domain string, then every field as a type tag
 * (null, integer, text, bytes) followed by a fixed 8-byte big-endian
 * integer or an 8-byte big-endian length and the bytes.  No two different
 * rows encode alike ("ab"+"c" vs "a"+"bc", NULL vs "").
 */
#define AUDIT_HASH_BYTES 32
#define AUDIT_HEX_BUF	 (2 * AUDIT_HASH_BYTES + 1)

/* One row; texts are byte strings with a length, NULL for SQL NULL. */
struct audit_entry {
	int64_t id;
	int64_t at;
	int64_t staff_id; /* 0: none (the system) */
	const char *action;
	size_t action_len;
	const char *subject;
	size_t subject_len;
	const char *detail;
	size_t detail_len;
};

/* Writes the canonical encoding into buf (up to cap bytes) and returns its
 * full length, so a first call with cap 0 sizes the buffer. */
size_t audit_encode(const uint8_t prev[AUDIT_HASH_BYTES],
		    const struct audit_entry *e, uint8_t *buf, size_t cap);
/* The row's hash: BLAKE2b-256 of audit_encode(). */
void audit_hash(const uint8_t prev[AUDIT_HASH_BYTES],
		const struct audit_entry *e, uint8_t out[AUDIT_HASH_BYTES]);
/* Lowercase hex; parsing takes either case, exactly 64 digits. */
void audit_hex(const uint8_t h[AUDIT_HASH_BYTES], char out[AUDIT_HEX_BUF]);
int audit_hex_parse(const char *s, uint8_t out[AUDIT_HASH_BYTES]);

/* What audit verification found; numbered once, never reused. */
enum audit_problem {
	AUDIT_INTACT = 0,
	AUDIT_GAP = 1,	     /* an id is missing: a row was deleted */
	AUDIT_LINK = 2,	     /* previous hash differs from the row before */
	AUDIT_ORDER = 3,     /* the row follows another row: moved */
	AUDIT_CONTENT = 4,   /* the row's content no longer hashes to it */
	AUDIT_MALFORMED = 5, /* a column of the wrong type or size */
	AUDIT_ANCHOR_MISSING = 6,  /* no row has the anchor's hash */
	AUDIT_ANCHOR_MISMATCH = 7, /* the anchor's row has another hash */
	AUDIT_TRUNCATED = 8,	   /* the log ends before the anchor's row */
	/* Rows that their audit entries repeat: scan, near_miss,
	 * custody_event, disposal, disposal_batch. */
	AUDIT_RECORD_CHANGED = 9,   /* a row differs from its entry */
	AUDIT_RECORD_UNLOGGED = 10, /* a row without its entry */
	AUDIT_RECORD_MISSING = 11,  /* an entry whose row is gone */
	/* The card, asset (terminal) and staff tables against the state the
	 * log replays to (see audit_entry_facts). */
	AUDIT_STATE_CHANGED = 12,  /* a field differs from what the log says */
	AUDIT_STATE_UNLOGGED = 13, /* a row the log never recorded */
	AUDIT_STATE_MISSING = 14,  /* a row the log recorded is gone */
	AUDIT_TIME_BACKWARDS = 15, /* an entry dated before the one before it */
};

/*
 * Entries are written in id order by one writer at a time, but each
 * process takes its time when its command starts or a card is read, so
 * concurrent commands interleave a few seconds out of order.  An entry
 * dated more than this many seconds before the entry before it is
 * reported (AUDIT_TIME_BACKWARDS): a clock set back, or a back-dated
 * entry.
 */
#define AUDIT_CLOCK_SLACK 60

/* How many problems an audit_verify lists (all are counted). */
#define AUDIT_FINDINGS_MAX 32
#define AUDIT_VALUE_MAX	   LOCATION_MAX

/* One problem found by ledger_audit_verify. */
struct audit_finding {
	enum audit_problem problem;
	/* "audit", a table of AUDIT_RECORD_* or "card", "asset", "staff". */
	const char *table;
	int64_t id; /* the row's id (an entry's for "audit"); 0: none */
	/* For AUDIT_STATE_*: the row's key (management ID, terminal or
	 * staff code), the field ("status", "location", "role", "active",
	 * "locked", "pin"; NULL for a whole row), what the log says (and
	 * the entry that says it, 0 when none) and what the table holds
	 * ("" when the row is gone).  Empty otherwise. */
	char key[MGMT_ID_MAX + 1];
	const char *field;
	char logged[AUDIT_VALUE_MAX + 1];
	char held[AUDIT_VALUE_MAX + 1];
	int64_t entry;
	char what[384]; /* one sentence on what is wrong */
};

struct audit_verify {
	int64_t entries;		  /* audit rows checked */
	int64_t last_id;		  /* id of the last row, 0 when empty */
	uint8_t anchor[AUDIT_HASH_BYTES]; /* hash of the last row */
	int64_t records; /* rows checked against entries (see above) */
	enum audit_problem problem;
	/* Where bad_id is: "audit", or a table of AUDIT_RECORD_*; for
	 * "disposal" (keyed by batch and card) it is the batch's id. */
	const char *table;
	int64_t bad_id;	    /* the first broken row */
	char what[384];	    /* one sentence on what is wrong */
	int64_t replayed;   /* card, asset and staff rows compared */
	int64_t unreplayed; /* their fields no entry recorded: not compared */
	/* 1 when an anchor was given: without one, entries cut from the end
	 * of the log cannot be told from a log that ends there. */
	int tail_checked;
	/* Every problem found (problem, table, bad_id and what above are the
	 * first); the first AUDIT_FINDINGS_MAX are listed. */
	int64_t nfindings;
	struct audit_finding findings[AUDIT_FINDINGS_MAX];
};

/* Short name of a problem for JSON ("content_changed", ...). */
const char *audit_problem_name(enum audit_problem p);
/* 1 for a problem of the chain itself (AUDIT_GAP .. AUDIT_TRUNCATED): the
 * entries from it on prove nothing, and no anchor can be given.  The other
 * problems leave the chain and its anchor good. */
int audit_problem_breaks_chain(enum audit_problem p);

/*
 * Replaying the log.  Each entry that changes a card, an asset or a staff
 * member says what it found and what it left, as facts about one row (or
 * about every row of a table):
 *   custody.*     subject "card MGMT" / "asset CODE": found status A at F,
 *                 left status B at T ("status=A->B from=F to=T")
 *   dispose.card  subject MGMT: left status disposed
 *   asset.add     subject CODE: left in_storage at its location=
 *   staff.add     subject CODE: left role, active, locked and pin (the
 *                 digest of its PIN hash); an entry of a version before
 *                 the digest holds the role alone: active 1, locked 0,
 *                 the PIN unknown
 *   staff.lock    locked 1; staff.unlock: locked 0; staff.pin_failed and
 *                 staff.pin_ok: nothing replayed (the failure count is not)
 *   staff.*       other actions: the role=, active=, locked=, pin= they
 *                 hold (value after "->" when "A->B"); the rest unknown
 *   import.cards  subject a location, detail "status=S status_from=file|
 *                 ledger cards=M1 M2 ...": left each card there in status
 *                 S (status_from=ledger: the file had no status column, so
 *                 the card was found in S too)
 *   import        written before import.cards existed, with updated=N > 0:
 *                 every card's status and location unknown (the entry does
 *                 not say which cards changed)
 *   state.card, state.asset, state.staff  the state as the tables held it
 *                 when the entry was written (version 12's migration):
 *                 found and left the same
 * A fact that says what the entry found is checked against what the log
 * said before (a row changed outside the log in between is reported); what
 * it left is what later entries and finally the table must hold.  Fields
 * no entry recorded are not compared (audit_verify.unreplayed).
 */
enum audit_row_kind { AUDIT_ROW_CARD, AUDIT_ROW_ASSET, AUDIT_ROW_STAFF };
enum audit_field {
	AUDIT_F_STATUS,	  /* cards and assets */
	AUDIT_F_LOCATION, /* cards and assets: the location's path */
	AUDIT_F_ROLE,	  /* staff */
	AUDIT_F_ACTIVE,	  /* staff: "1" or "0" */
	AUDIT_F_LOCKED,	  /* staff: "1" or "0" */
	AUDIT_F_PIN,	  /* staff: audit_pin_digest of the PIN hash */
	AUDIT_F_COUNT
};
/* A byte string inside an entry (not NUL-terminated). */
struct audit_text {
	const char *p;
	size_t len;
};
struct audit_fact {
	enum audit_row_kind kind;
	struct audit_text key; /* p NULL: every row of the kind */
	/* Bit masks of (1u << enum audit_field). */
	unsigned found;	 /* the entry saw before[f] in the table */
	unsigned left;	 /* the entry left after[f] */
	unsigned forget; /* unknown from here on */
	struct audit_text before[AUDIT_F_COUNT], after[AUDIT_F_COUNT];
};
/*
 * Calls fn with each fact of entry e, in order; the texts point into e and
 * live as long as it does.  Returns 0, or fn's non-zero return, which
 * stops the walk.  Pure: no ledger needed.
 */
int audit_entry_facts(const struct audit_entry *e,
		      int (*fn)(void *ctx, const struct audit_fact *f),
		      void *ctx);
/* "status", "location", "role", "active", "locked", "pin". */
const char *audit_field_name(enum audit_field f);
/* The table of a row kind: "card", "asset", "staff". */
const char *audit_row_table(enum audit_row_kind k);
/*
 * What the log keeps of a PIN hash: 16 bytes of BLAKE2b over a domain
 * string and the hash's text, a nibble a letter ('a' + value), so that no
 * digits in the log look like a PIN.  It shows that the hash changed
 * without putting the hash (and its salt) in the log.
 */
#define AUDIT_PIN_DIGEST_BUF 33
void audit_pin_digest(const char *pin_hash, size_t len,
		      char out[AUDIT_PIN_DIGEST_BUF]);
/*
 * The detail of an entry that leaves a staff member in this state
 * ("role=R active=A locked=L pin=DIGEST"), for staff.add and for any
 * later staff.* entry that changes the row.  Returns the length, or -1
 * when it does not fit in cap.
 */
int audit_staff_detail(char *buf, size_t cap, const char *role, int active,
		       int locked, const char *pin_hash);

/*
 * Walks the whole chain in id order in one read snapshot, recomputing every
 * hash and checking that no entry is dated more than AUDIT_CLOCK_SLACK
 * before the one before it; then checks that every scan, near-miss,
 * custody event, disposal card and disposal batch row is exactly what its
 * audit entries recorded; then replays the entries (audit_entry_facts) and
 * compares every card (status, location), asset (status, location) and
 * staff row (role, active, locked, PIN hash) with what the log says, naming
 * each row and field that differs, each row the log never recorded and each
 * row it recorded that is gone.  With anchor (a hash recorded earlier), the
 * chain must still hold it: at entry anchor_entry when that is > 0, else
 * anywhere.  A broken chain stops the walk (nothing after it can be
 * trusted); every other problem is listed.  Returns 0 when the check ran
 * (out->problem says what it found first), a negative LEDGER_ERR_*
 * otherwise.  Read-only.
 */
int ledger_audit_verify(struct ledger *l, const uint8_t *anchor,
			int64_t anchor_entry, struct audit_verify *out);

struct audit_row {
	int64_t id;
	int64_t at;
	const char *staff; /* staff code, "" for the system */
	const char *action;
	const char *subject; /* "" when none */
	const char *detail;  /* "" when none */
	char hash[AUDIT_HEX_BUF];
};

/*
 * Calls fn for each audit row in id order, the last `last` rows only when
 * last > 0.  The row's strings live until fn returns.  A non-zero return
 * from fn stops the walk and is returned.
 */
int ledger_audit_list(struct ledger *l, int64_t last,
		      int (*fn)(void *ctx, const struct audit_row *r),
		      void *ctx);

/* ---- custody: terminals and movements (R11-R13, custody.c) ---- */

#define ASSET_CODE_MAX 32
/* A card's management ID or a terminal's code. */
#define CUSTODY_NAME_MAX                                                       \
	(MGMT_ID_MAX > ASSET_CODE_MAX ? MGMT_ID_MAX : ASSET_CODE_MAX)

/*
 * Registers an issuing terminal: code (like a staff code), name, optional
 * tag serial (unique; read by a reader like a card's serial), home location
 * (created when new).  In storage at its home.  Audited.
 */
int ledger_asset_add(struct ledger *l, const char *code, const char *name,
		     const char *tag, const char *location, int64_t actor_id,
		     int64_t now, int64_t *id);

/* A card or a terminal, as a movement sees it. */
struct custody_item {
	int is_asset;
	int64_t id;			 /* card.id or asset.id */
	char name[CUSTODY_NAME_MAX + 1]; /* mgmt_id or asset code */
	enum card_status status; /* terminals: CARD_STORED or _CHECKED_OUT */
	int64_t location_id;
	char location[LOCATION_MAX + 1];
};

/* The card with management ID `ident`, else the terminal with that code or
 * tag; LEDGER_ERR_NOTFOUND (message naming ident) when neither. */
int ledger_custody_find(struct ledger *l, const char *ident,
			struct custody_item *out);
/* The card with that serial, else the terminal with that tag. */
int ledger_custody_find_serial(struct ledger *l, const char *serial,
			       struct custody_item *out);
/* What a reader reads from the card with management ID `ident` (its
 * serial), else from the terminal with code `ident` (its tag), into
 * serial (SERIAL_BUF bytes); LEDGER_ERR_NOTFOUND when neither, or when
 * that terminal has no tag. */
int ledger_custody_serial(struct ledger *l, const char *ident,
			  char serial[SERIAL_BUF]);
/*
 * Records one movement decided by recon_custody: the item's new status
 * `to` and location (to_path, an existing location; NULL: unchanged;
 * LEDGER_ERR_NOTFOUND when it does not exist), a custody_event with
 * who, when, from, to and for_date (DATE_NONE: none), and its audit entry
 * (action "custody.<kind>"), in the caller's transaction.  safe_closed 1
 * flags the movement as made while the safe was recorded closed
 * (recon_safe_flag).  Updates *it.
 */
int ledger_custody_record(struct ledger *l, struct custody_item *it,
			  const char *kind, enum card_status to,
			  const char *to_path, int32_t for_date,
			  int64_t staff_id, int64_t now, int safe_closed);

/* The card (is_asset 0, by management ID) or terminal (by code) `name`. */
int ledger_custody_get(struct ledger *l, int is_asset, const char *name,
		       struct custody_item *out);

/*
 * Opens a tally session (kind tally, no ranges) and fixes what it expects
 * back: every card and terminal checked out now.  Audited.
 */
int ledger_tally_start(struct ledger *l, int64_t actor_id, int64_t now,
		       int64_t *id, int64_t *nexpected);

struct tally_lookup {
	int known;    /* a card's serial or a terminal's tag */
	int is_asset; /* then card_id is 0 */
	int64_t card_id;
	char name[CUSTODY_NAME_MAX + 1];
	int expected; /* out when the tally began */
};

int ledger_tally_lookup(struct ledger *l, int64_t session_id,
			const char *serial, struct tally_lookup *out);

/* One item a tally expects back; strings live until fn returns. */
struct tally_row {
	int is_asset;
	const char *name;	 /* mgmt_id or asset code */
	enum card_status status; /* now; terminals: stored or checked_out */
	const char *location;
	const char *checked_out_by; /* "" when unknown */
	int32_t for_date;	    /* DATE_NONE when none */
	int read_back;		    /* read in the tally */
};

/* Calls fn for each expected item, cards first, by name; a non-zero
 * return stops the walk and is returned. */
int ledger_tally_each(struct ledger *l, int64_t session_id,
		      int (*fn)(void *ctx, const struct tally_row *r),
		      void *ctx);
/* One card or terminal checked out now; strings live until fn returns. */
struct checked_out_row {
	int is_asset;
	const char *name;	    /* mgmt_id or asset code */
	const char *location;	    /* its home in the safe */
	const char *checked_out_by; /* "" when unknown */
	int64_t checked_out_at;	    /* 0 when unknown */
	int32_t for_date;	    /* DATE_NONE when none */
};

/* Calls fn for every card and terminal checked out now, cards first, by
 * name, with its latest checkout; a non-zero return stops the walk and is
 * returned. */
int ledger_checked_out_each(struct ledger *l,
			    int (*fn)(void *ctx,
				      const struct checked_out_row *r),
			    void *ctx);
/* Ids of every tally session, oldest first; *out is malloc'ed (free()). */
int ledger_tally_ids(struct ledger *l, int64_t **out, size_t *n);
/* The session's closing note into out ("" when none). */
int ledger_session_get_note(struct ledger *l, int64_t id, char *out,
			    size_t cap);
/* Sets the session's closing note, in the caller's transaction
 * (LEDGER_ERR_NOTFOUND when there is no session id). */
int ledger_session_note(struct ledger *l, int64_t id, const char *note);

/* ---- the day's picture (status.c) ---- */

/*
 * Cards handled while the safe was recorded closed (R14): one custody
 * movement (what: its kind; item: the card or terminal; n 1), or the reads
 * of one count session by one person (what "count"), or the cards one
 * person scanned into one disposal batch (what "disposal"), with the first
 * and last time.  Strings live until fn returns.
 */
struct safe_closed_row {
	const char *what;
	const char *item;  /* "" for "count" and "disposal" */
	int64_t session;   /* count session or disposal batch; 0: none */
	const char *staff; /* staff code */
	int64_t first, last;
	int64_t n;
};

/* Calls fn for each flagged handling in [from, to) (use INT64_MIN and
 * INT64_MAX for all time), by time; a non-zero return stops the walk and
 * is returned. */
int ledger_safe_closed_each(struct ledger *l, int64_t from, int64_t to,
			    int (*fn)(void *ctx,
				      const struct safe_closed_row *r),
			    void *ctx);
/* Calls fn with the number of custody movements of each kind by each
 * person in [from, to), by kind and person. */
int ledger_custody_summary(struct ledger *l, int64_t from, int64_t to,
			   int (*fn)(void *ctx, const char *kind,
				     const char *staff, int64_t n),
			   void *ctx);
/* The audit chain's head before `before`, for the day's anchor: the entry
 * just before the first one dated `before` or later (*id, 0 when none) and
 * its hash.  Its id is the number of entries up to it. */
int ledger_audit_head_before(struct ledger *l, int64_t before, int64_t *id,
			     uint8_t hash[AUDIT_HASH_BYTES]);

/* ---- near-misses (R22, note.c) ---- */

#define NOTE_MAX_BYTES 2000

/* Records a near-miss by staff_id, optionally about the card with
 * management ID mgmt_id (NULL: none).  Audited, with its text. */
int ledger_note_add(struct ledger *l, int64_t staff_id, int64_t at,
		    const char *text, const char *mgmt_id, int64_t *id);

struct note_row {
	int64_t id;
	int64_t at;
	const char *staff;   /* staff code */
	const char *mgmt_id; /* "" when about no card */
	const char *text;
};

/* Calls fn for each near-miss, oldest first; strings live until fn
 * returns; a non-zero return from fn stops the walk and is returned. */
int ledger_note_list(struct ledger *l,
		     int (*fn)(void *ctx, const struct note_row *r), void *ctx);

/* ---- disposal (R16-R18, disposal.c) ---- */

/* Calls fn for every card in storage (stored, cancelled, moved, deceased),
 * by management ID; a non-zero return from fn stops the walk and is
 * returned. */
int ledger_cards_in_storage(struct ledger *l,
			    int (*fn)(void *ctx, const struct card_rec *c),
			    void *ctx);
/*
 * The cards in storage counted by status in one statement (issue 12):
 * fn gets each status held, how many cards have it, and how many of those
 * had their reminder sent on or before reminder_cutoff (a valid day; the
 * cutoff comes from reconcile/'s recon_disposal_due_cutoff).  A non-zero
 * return from fn stops the walk and is returned.
 */
int ledger_cards_in_storage_counts(struct ledger *l, int32_t reminder_cutoff,
				   int (*fn)(void *ctx, enum card_status s,
					     long n, long reminded),
				   void *ctx);

struct disposal_batch_rec {
	int64_t id;
	int64_t started_at;
	char started_by[STAFF_CODE_MAX + 1];
	char witness[STAFF_CODE_MAX + 1];
	int64_t closed_at; /* 0 while open */
	char closed_by[STAFF_CODE_MAX + 1];
	char close_witness[STAFF_CODE_MAX + 1];
	char method[16];       /* "" while open */
	char certificate[128]; /* "" when none */
	int64_t ncards;
};

#define DISPOSAL_CERT_MAX 120

/* Opens a disposal batch started by actor_id with witness_id.  Audited. */
int ledger_disposal_start(struct ledger *l, int64_t actor_id,
			  int64_t witness_id, int64_t now, int64_t *id);
int ledger_disposal_get(struct ledger *l, int64_t id,
			struct disposal_batch_rec *out);
/* 1 when the card is in batch id already, 0 when not. */
int ledger_disposal_has(struct ledger *l, int64_t id, int64_t card_id);
/* The open batch other than `id` that holds the card, 0 when none, in
 * *other. */
int ledger_disposal_other_open(struct ledger *l, int64_t id, int64_t card_id,
			       int64_t *other);
/*
 * Adds a due card to an open batch (why: recon_due_why_name, since
 * DATE_NONE when unknown; safe_closed 1: flagged, recon_safe_flag), in the
 * caller's transaction.  Audited.  LEDGER_ERR_STATE when the batch is
 * closed, LEDGER_ERR_NOTFOUND when there is none, LEDGER_ERR_EXISTS when
 * the card is in it already.
 */
int ledger_disposal_add(struct ledger *l, int64_t id, int64_t card_id,
			const char *mgmt_id, const char *why, int32_t since,
			int64_t staff_id, int64_t now, int safe_closed);
/* ledger_disposal_add of a card read by identity profile `profile` in
 * `profile_version` (NULL: typed), recorded with the card and vouched for
 * by its audit entry (schema version 14). */
int ledger_disposal_add_read(struct ledger *l, int64_t id, int64_t card_id,
			     const char *mgmt_id, const char *why,
			     int32_t since, int64_t staff_id, int64_t now,
			     int safe_closed, const char *profile,
			     unsigned profile_version);
/*
 * Closes batch id: records method ("shred", "contractor") and certificate
 * (required for a contractor), sets every card of the batch to disposed
 * with one audit entry per card, all in one transaction.  LEDGER_ERR_STATE
 * when the batch was closed already or one of its cards left storage
 * meanwhile, LEDGER_ERR_NOTFOUND when there is no batch id.  *n is the
 * number of cards disposed.
 */
int ledger_disposal_close(struct ledger *l, int64_t id, const char *method,
			  const char *certificate, int64_t actor_id,
			  int64_t witness_id, int64_t now, int64_t *n);

struct disposal_card_row {
	const char *mgmt_id;
	const char *serial;
	const char *why;
	int32_t due_since; /* DATE_NONE when unknown */
	int64_t scanned_at;
	const char *scanned_by;
};

/* Calls batch_fn for every batch (by id) and card_fn for each of its
 * cards (by management ID) after it; strings live until the call returns;
 * a non-zero return stops the walk and is returned. */
int ledger_disposal_list(
    struct ledger *l,
    int (*batch_fn)(void *ctx, const struct disposal_batch_rec *b),
    int (*card_fn)(void *ctx, const struct disposal_card_row *c), void *ctx);
/* The batches started or closed in [from, to), by id, without their cards
 * (the daily report's); a non-zero return stops the walk and is
 * returned. */
int ledger_disposal_between_each(struct ledger *l, int64_t from, int64_t to,
				 int (*fn)(void *ctx,
					   const struct disposal_batch_rec *b),
				 void *ctx);
/* ---- training (R20, training.c) ---- */

#define COURSE_VALID_DAYS_MAX 36600 /* a hundred years */

struct course_rec {
	int64_t id;
	char code[STAFF_CODE_MAX + 1]; /* same alphabet as staff codes */
	char name[NAME_MAX_BYTES + 1];
	int required;	/* 1: required before working with cards */
	int valid_days; /* a record is valid this many days; 0: forever */
};

/* Adds a course (id ignored); LEDGER_ERR_EXISTS when the code is taken,
 * LEDGER_ERR_INVALID when a field is.  Audited. */
int ledger_course_add(struct ledger *l, const struct course_rec *c,
		      int64_t actor_id, int64_t now);
/* Makes an existing course required for work with cards from now on
 * (LEDGER_ERR_NOTFOUND: no such course; LEDGER_ERR_STATE: required
 * already).  Audited. */
int ledger_course_require(struct ledger *l, const char *code, int64_t actor_id,
			  int64_t now);
int ledger_course_get(struct ledger *l, const char *code,
		      struct course_rec *out);
/* Calls fn for every course, by code; a non-zero return stops the walk and
 * is returned. */
int ledger_course_each(struct ledger *l,
		       int (*fn)(const struct course_rec *c, void *ctx),
		       void *ctx);
/*
 * Records that staff_id attended a session of `course` on `date`
 * (LEDGER_ERR_INVALID: no such course; LEDGER_ERR_EXISTS: recorded
 * already).  Audited as recorded by actor_id.  Several people attending
 * one session: the caller wraps the calls in ledger_begin .. commit.
 */
int ledger_training_record(struct ledger *l, const char *course,
			   int64_t staff_id, int32_t date, int64_t actor_id,
			   int64_t now);

struct attendance_row {
	const char *course, *course_name;
	const char *staff, *staff_name; /* codes and names */
	int32_t date;
	const char *recorded_by;
	int64_t recorded_at;
};

/* Calls fn for every attendance record (of staff member `staff` only,
 * unless NULL) ordered by date, course, staff: consecutive rows with the
 * same date and course are one session.  Strings live until fn returns; a
 * non-zero return stops the walk and is returned. */
int ledger_attendance_each(struct ledger *l, const char *staff,
			   int (*fn)(const struct attendance_row *r, void *ctx),
			   void *ctx);

/* ---- the safe's key log (R14, R15, keylog.c) ---- */

#define KEY_HOLDER_ORDER_MAX 99
#define KEY_PURPOSE_MAX	     200

struct key_holder_rec {
	int order; /* 1: primary, 2: deputy, ... */
	char code[STAFF_CODE_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
};

/* Names staff_id a key holder at `order` (LEDGER_ERR_EXISTS when they are
 * one already or the order is taken).  Audited. */
int ledger_key_holder_add(struct ledger *l, int64_t staff_id, int order,
			  int64_t actor_id, int64_t now);
/* Calls fn for every key holder in order; a non-zero return stops the
 * walk and is returned. */
int ledger_key_holder_each(struct ledger *l,
			   int (*fn)(const struct key_holder_rec *h, void *ctx),
			   void *ctx);
/* The key holder order of staff_id; LEDGER_ERR_NOTFOUND when none. */
int ledger_key_holder_order(struct ledger *l, int64_t staff_id, int *order);

struct key_opening_rec {
	int64_t id;
	int64_t opened_at;
	char opened_by[STAFF_CODE_MAX + 1];
	char approved_by[STAFF_CODE_MAX + 1];
	char purpose[KEY_PURPOSE_MAX + 1];
	int64_t closed_at; /* 0 while open */
	char closed_by[STAFF_CODE_MAX + 1];
	/* What was recorded with it (schema version 11 on), so that a report
	 * prints what was decided then, whoever prints it with whatever
	 * configuration: the rules in force when it was opened, replaced by
	 * those in force when it was closed (open limit, office hours in
	 * minutes after midnight), and the flags decided at the close.
	 * has_rules 0: recorded before version 11; has_flags 0: still open,
	 * or closed before version 11. */
	int has_rules;
	int limit_min, office_start_min, office_end_min;
	int has_flags;
	unsigned flags; /* KEY_FLAG_* of reconcile/recon.h */
	/* Who holds the key: the opener, or the receiver of the opening's
	 * last handover (schema version 17). */
	char held_by[STAFF_CODE_MAX + 1];
};

/* Records an opening approved by another person (LEDGER_ERR_INVALID when
 * it is the same one or the purpose is bad; LEDGER_ERR_STATE while another
 * opening is open).  Who may approve is the caller's rule.  Audited. */
int ledger_key_open(struct ledger *l, int64_t opener_id, int64_t approver_id,
		    const char *purpose, int64_t now, int64_t *id);
/* Closes the open opening, returned in *out (LEDGER_ERR_STATE when none
 * is open).  Audited. */
int ledger_key_close(struct ledger *l, int64_t closer_id, int64_t now,
		     struct key_opening_rec *out);
/* Records on opening id the rules in force now (limit_min, office hours
 * [office_start_min, office_end_min) in minutes after midnight) and, when
 * flags >= 0, the flags (KEY_FLAG_*) decided now, at its close; flags -1
 * leaves them unrecorded (an opening still open).  The caller decides the
 * flags (reconcile/) and wraps this and the open or close in one
 * transaction.  Audited ("key.flags"). */
int ledger_key_record(struct ledger *l, int64_t id, int limit_min,
		      int office_start_min, int office_end_min, int flags,
		      int64_t actor_id, int64_t now);
/* *open = 1 while an opening is recorded open (the safe is open), else 0.
 * One indexed look-up: cheap enough for every read of a sweep. */
int ledger_safe_open(struct ledger *l, int *open);
/* The open opening; LEDGER_ERR_NOTFOUND when the safe is recorded closed. */
int ledger_key_current(struct ledger *l, struct key_opening_rec *out);
/* Calls fn, oldest first, for every opening open at some time at or after
 * `since` (unix time); a non-zero return stops the walk and is returned. */
int ledger_key_each_since(struct ledger *l, int64_t since,
			  int (*fn)(const struct key_opening_rec *o, void *ctx),
			  void *ctx);

/* Removes staff_id from the key holders; *order is the order they had
 * (LEDGER_ERR_NOTFOUND when they are none).  The others keep theirs.
 * Audited ("key.holder_remove"). */
int ledger_key_holder_remove(struct ledger *l, int64_t staff_id,
			     int64_t actor_id, int64_t now, int *order);

/* A handover of the safe's key while it is open (schema version 17). */
struct key_handover_rec {
	int64_t id;
	int64_t opening; /* the opening it happened in */
	int64_t at;
	char from[STAFF_CODE_MAX + 1];
	char to[STAFF_CODE_MAX + 1];
};

/* *staff_id: who holds the key of opening_id, the opener or the receiver
 * of its last handover (LEDGER_ERR_NOTFOUND: no such opening). */
int ledger_key_keeper(struct ledger *l, int64_t opening_id, int64_t *staff_id);
/* Records that the key of opening_id passed from from_id, who holds it
 * (LEDGER_ERR_STATE otherwise), to to_id, another person
 * (LEDGER_ERR_INVALID otherwise).  Who may receive it is the caller's
 * rule.  Audited ("key.handover"). */
int ledger_key_handover(struct ledger *l, int64_t opening_id, int64_t from_id,
			int64_t to_id, int64_t now, int64_t *id);
/* Calls fn, oldest first, for every handover of opening_id (0: of every
 * opening); a non-zero return stops the walk and is returned. */
int ledger_key_handover_each(struct ledger *l, int64_t opening_id,
			     int (*fn)(const struct key_handover_rec *h,
				       void *ctx),
			     void *ctx);

/* ---- the counting programme (R5, R6, plan.c) ---- */

/* People remembered per count of a range: its assignee and whoever read
 * cards or typed a total into it. */
#define RANGE_WHO_MAX 8

/* One count of a range: a session (full, partial or countonly) over the
 * range or a location it lies within, in which somebody was assigned the
 * range or read cards or typed a total into it. */
struct range_count_rec {
	int64_t session;
	enum session_kind kind;
	int64_t started_at;
	size_t nwho;
	char who[RANGE_WHO_MAX][STAFF_CODE_MAX + 1]; /* by code */
};

/* What ledger_range_counts looks for (`how`, bits). */
enum {
	/* Only card-by-card counts (full, partial) that were closed:
	 * finished. */
	LEDGER_COUNTS_FINISHED = 1,
	/* Only which counts and when: who made them is not looked up (nwho
	 * 0), the larger half of the work. */
	LEDGER_COUNTS_WHEN_ONLY = 2,
};
/*
 * The latest counts of range `path`, newest first, at most `max` of them,
 * into out: only sessions before session `before` (0: any), as `how`
 * says (LEDGER_COUNTS_*, 0: every count, with who made it).  *n is how
 * many.
 */
int ledger_range_counts(struct ledger *l, const char *path, int64_t before,
			unsigned how, struct range_count_rec *out, size_t max,
			size_t *n);
/* ledger_range_counts for the n ranges paths[0..n) at once, in two
 * statements however many they are (one when only when): range i's
 * counts in out[i * max ..], how many in got[i] (out holds n * max
 * records, got n). */
int ledger_ranges_counts(struct ledger *l, const char *const *paths, size_t n,
			 int64_t before, unsigned how,
			 struct range_count_rec *out, size_t max, size_t *got);
/* How many cards the ledger has in the safe within range `path` (stored,
 * cancelled, moved, deceased: not checked out). */
int ledger_range_expected(struct ledger *l, const char *path, int64_t *n);
/* ledger_range_expected for the n ranges paths[0..n) in one statement:
 * out[i] for paths[i]. */
int ledger_ranges_expected(struct ledger *l, const char *const *paths, size_t n,
			   int64_t *out);
/* The ranges of a count over everything (as count start without --ranges
 * takes them), by path; *out is malloc'ed (free()). */
int ledger_all_ranges(struct ledger *l, char (**out)[LOCATION_MAX + 1],
		      size_t *n);

struct cycle_rec {
	int64_t id;
	int32_t start_day; /* first day of the cycle's first month */
	int months;
	int64_t created_at;
	char created_by[STAFF_CODE_MAX + 1];
};

/* Stores a cycle plan: range paths[i] is counted in full in month
 * month[i] (0-based) of the cycle.  Audited ("plan.cycle").
 * LEDGER_ERR_INVALID when months is not 1-12 or a month lies outside the
 * cycle, LEDGER_ERR_NOTFOUND for an unknown path, LEDGER_ERR_EXISTS for a
 * path given twice; then nothing is stored. */
int ledger_cycle_save(struct ledger *l, int32_t start_day, int months,
		      const char *const *paths, const int32_t *month, size_t n,
		      int64_t actor_id, int64_t now, int64_t *id);
/* The plan in force (the newest); LEDGER_ERR_NOTFOUND when none. */
int ledger_cycle_current(struct ledger *l, struct cycle_rec *out);
/* Calls fn for each range of plan id, by month then path; the path lives
 * until fn returns; a non-zero return stops the walk and is returned. */
int ledger_cycle_each(struct ledger *l, int64_t id,
		      int (*fn)(void *ctx, const char *path, int month),
		      void *ctx);

/* Records a count-only total for range `path` of session `id`: `cards`
 * cards, method "typed" or "reader", by staff_id.  Audited
 * ("count.total"). */
int ledger_count_total_add(struct ledger *l, int64_t id, const char *path,
			   int64_t cards, const char *method, int64_t staff_id,
			   int64_t now);

/* One range of a count-only check; strings live until fn returns. */
struct count_total_row {
	const char *range;
	int64_t expected; /* cards the ledger has in the safe there now */
	int64_t counted;  /* the newest total, -1 when none */
	const char *by;	  /* "" when none */
	const char *method;
	int64_t at; /* 0 when none */
};

/* Calls fn for every range of session id, by path; a non-zero return stops
 * the walk and is returned. */
int ledger_count_totals(struct ledger *l, int64_t id,
			int (*fn)(void *ctx, const struct count_total_row *r),
			void *ctx);
/* ---- the record book: ranges, resolutions, recounts (R7-R10, book.c) ---- */

/*
 * Marks the start of range location_id in a count: started_at is set the
 * first time someone scans it (later scans keep it).  Audited
 * ("count.range_start") when it sets it.
 */
int ledger_range_begin(struct ledger *l, int64_t session_id,
		       int64_t location_id, int64_t staff_id, int64_t now);
/* Marks the end of a scan of the range: ended_at = now.  Audited
 * ("count.range_end"). */
int ledger_range_end(struct ledger *l, int64_t session_id, int64_t location_id,
		     int64_t staff_id, int64_t now);

/* What a count found in one range, stored when it closes. */
struct range_result {
	int64_t location_id;
	int64_t expected, seen, in_place;
};

/*
 * Stores the results of every range of a count being closed, and ends each
 * range begun and not ended (a scan killed midway) at its last read, else
 * at close_at.  In the caller's transaction; one audit entry
 * ("count.results").
 */
int ledger_range_results(struct ledger *l, int64_t session_id,
			 const struct range_result *v, size_t n,
			 int64_t actor_id, int64_t close_at);

#define RESOLUTION_NOTE_MAX 500

/* A manager's resolution of one discrepancy of a count. */
struct resolution_rec {
	int64_t id;
	int64_t session_id;
	int64_t card_id; /* 0: an unknown serial */
	char serial[SERIAL_BUF];
	char mgmt_id[MGMT_ID_MAX + 1];	 /* "" for an unknown serial */
	char kind[16];			 /* recon_disc_name */
	char location[LOCATION_MAX + 1]; /* the card's home; "" if unknown */
	char found[LOCATION_MAX + 1];	 /* where it was read; "" if not */
	char reason[20];		 /* recon_reason_name */
	char note[RESOLUTION_NOTE_MAX + 1];
	char by[STAFF_CODE_MAX + 1];
	int64_t at;
};

/*
 * Records a resolution (id, mgmt_id and by are ignored; by is actor_id):
 * LEDGER_ERR_EXISTS when that serial of the count is resolved already,
 * LEDGER_ERR_INVALID when a field is.  Audited ("count.resolve").  Which
 * reasons are valid is the caller's rule (recon_resolution_valid).
 */
int ledger_resolution_add(struct ledger *l, const struct resolution_rec *r,
			  int64_t actor_id, int64_t now);
/* Calls fn for each resolution of the count, by management ID then
 * serial; a non-zero return stops the walk and is returned. */
int ledger_resolution_each(struct ledger *l, int64_t session_id,
			   int (*fn)(void *ctx, const struct resolution_rec *r),
			   void *ctx);

/*
 * Opens a recount of range `path` of count of_session: a session of kind
 * partial over that one range, assigned to assignee_id alone, linked to
 * the count.  Who may recount is the caller's rule.  Audited
 * ("count.recount").
 */
int ledger_recount_start(struct ledger *l, int64_t of_session, const char *path,
			 int64_t assignee_id, int64_t actor_id, int64_t now,
			 int64_t *id);
/* The count that session_id recounts (*of 0 when it is no recount) and the
 * range's location id. */
int ledger_recount_of(struct ledger *l, int64_t session_id, int64_t *of,
		      int64_t *location_id);
/*
 * The people who counted range location_id of a session: its assignee and
 * everyone who read a card in it.  *out is malloc'ed (free()), staff ids.
 */
int ledger_range_counters(struct ledger *l, int64_t session_id,
			  int64_t location_id, int64_t **out, size_t *n);
/* The reads of a session in range location_id that still stand (not
 * undone), whatever their outcome, into *n. */
int ledger_range_reads(struct ledger *l, int64_t session_id,
		       int64_t location_id, int64_t *n);
/* The recount of session_id that read the card (*recount 0: none). */
int ledger_recount_read(struct ledger *l, int64_t session_id, int64_t card_id,
			int64_t *recount);

/* One count of the record book. */
struct book_count {
	int64_t id;
	enum session_kind kind;
	int64_t recount_of; /* 0: not a recount */
	int64_t started_at;
	char started_by[STAFF_CODE_MAX + 1];
	int64_t closed_at; /* 0: open */
	char closed_by[STAFF_CODE_MAX + 1];
	char witness[STAFF_CODE_MAX + 1];
	int results; /* 1: the ranges' results were stored at close */
};

/* Calls fn for every count (not tallies) begun in [from, to), by start
 * time then id; a non-zero return stops the walk and is returned. */
int ledger_book_counts(struct ledger *l, int64_t from, int64_t to,
		       int (*fn)(void *ctx, const struct book_count *c),
		       void *ctx);

/* One range of a count, as the record book shows it; strings live until
 * fn returns. */
struct book_range {
	const char *path;
	const char *assignee; /* "" when anyone could scan it */
	/* The staff codes of everyone who read cards in it, in the order of
	 * their first read, and their names, each list separated by 0x1f
	 * (names may hold any other character); "" when nobody did. */
	const char *counted_by;
	const char *counted_names;
	int64_t started_at, ended_at;	  /* 0: not begun / not ended */
	int64_t expected, seen, in_place; /* -1: not stored (open count) */
};

int ledger_book_ranges(struct ledger *l, int64_t session_id,
		       int (*fn)(void *ctx, const struct book_range *r),
		       void *ctx);
/* The same ranges without who counted them (counted_by and counted_names
 * ""): what a range's marks and stored results are, without reading the
 * count's reads. */
int ledger_range_marks(struct ledger *l, int64_t session_id,
		       int (*fn)(void *ctx, const struct book_range *r),
		       void *ctx);

/* When and by which count a card was declared lost (R10, R23). */
struct lost_rec {
	int64_t at;	 /* when the manager declared it lost */
	int64_t session; /* the count whose resolution did; 0: unknown */
	char by[STAFF_CODE_MAX + 1];
	enum card_status before; /* its status then; CARD_STORED if unknown */
};

/*
 * The card's latest declaration as lost (its latest custody event "lost",
 * the count's resolution, and from that event's audit entry the status it
 * had before).  LEDGER_ERR_NOTFOUND when it has none (a card imported as
 * lost).  The status before is looked up in the audit log from its end:
 * quick for a recent loss, a scan of the log for an old one -- fine for
 * the rare card that turns up again.
 */
int ledger_card_lost(struct ledger *l, int64_t card_id, struct lost_rec *out);

/* One lost card; strings live until fn returns. */
struct lost_row {
	const char *mgmt_id;
	const char *location; /* its home when it was declared lost */
	int64_t at;	      /* 0: no declaration on record (imported) */
	int64_t session;      /* 0: unknown */
};

/* Calls fn for every card whose status is lost, by management ID; a
 * non-zero return stops the walk and is returned. */
int ledger_lost_each(struct ledger *l,
		     int (*fn)(void *ctx, const struct lost_row *r), void *ctx);

/* One custody event of a card; strings live until fn returns. */
struct custody_row {
	int64_t at;
	const char *kind;
	const char *by;
	const char *from; /* "" when unknown */
	const char *to;
};

/* Calls fn for each custody event of the card in [from, to], oldest
 * first; not its declaration as lost, which nobody did to the card. */
int ledger_card_custody_each(struct ledger *l, int64_t card_id, int64_t from,
			     int64_t to,
			     int (*fn)(void *ctx, const struct custody_row *e),
			     void *ctx);
/*
 * Calls fn for each person who read cards, in [from, to], in a range of a
 * count that holds location `path` (the range is path or one of its
 * parents), with the first such read's time and session; by staff code.
 */
int ledger_range_readers_each(struct ledger *l, const char *path, int64_t from,
			      int64_t to,
			      int (*fn)(void *ctx, const char *code, int64_t at,
					int64_t session),
			      void *ctx);

/* ---- one card's history (history.c) ---- */

enum card_event_kind {
	CARD_EV_CUSTODY = 0, /* what: the movement ("checkout") */
	CARD_EV_READ,	     /* what: the outcome ("accepted", "alert") */
	CARD_EV_RESOLUTION,  /* what: the reason ("lost") */
	CARD_EV_DISPOSAL,    /* what: why it was due ("reminder") */
};

/* One event of a card's history; strings live until fn returns. */
struct card_event {
	int64_t at;
	enum card_event_kind kind;
	const char *what;
	/* Custody: the day a checkout is for (YYYY-MM-DD, "" when none); a
	 * read: why it was an alert ("" when none); a resolution: the kind
	 * of discrepancy ("missing"). */
	const char *detail;
	int64_t session;	  /* the count, tally or disposal batch */
	const char *session_kind; /* a read: "full", "tally", ... */
	const char *where;	  /* location after a movement, range of a read,
				     where a resolution found it; "" unknown */
	const char *by;		  /* staff code */
	int undone;		  /* a read taken back (scan undo) */
};

/* Calls fn for every event of the card, oldest first (custody before a
 * read at the same second); a non-zero return stops the walk and is
 * returned. */
int ledger_card_history_each(struct ledger *l, int64_t card_id,
			     int (*fn)(void *ctx, const struct card_event *e),
			     void *ctx);

/* ---- receiving cards (receive.c; issue 11, R1) ---- */

/*
 * A card on a stock list without a chip value has no serial (card_rec's
 * serial is "") and awaits enrolment: `cardtally receive` reads its chip
 * and binds the serial to it, once.  The binding is a receipt: what was
 * read, by which identity profile, in which tray, by whom and when.
 */
struct receipt_rec {
	int64_t id;
	char mgmt_id[MGMT_ID_MAX + 1];
	char serial[SERIAL_BUF];
	char profile[65];	     /* "" when typed (none recorded) */
	unsigned profile_version;    /* 0 with no profile */
	char tray[LOCATION_MAX + 1]; /* "" when received without a tray */
	int64_t at;
	char by[STAFF_CODE_MAX + 1]; /* staff code */
};

/*
 * The cards awaiting enrolment whose home is location `tray` or lies
 * within it, in the order of the stock list (the order they were
 * imported): *out malloc'ed (free()), *n of them.
 */
int ledger_receive_awaiting(struct ledger *l, const char *tray,
			    struct card_rec **out, size_t *n);
/* A location holding cards that await enrolment, and how many. */
struct receive_tray_rec {
	char path[LOCATION_MAX + 1];
	size_t awaiting;
};
/*
 * The locations that are the home of cards awaiting enrolment, each with
 * its count, in the order of the stock list (the first card imported
 * first): *out malloc'ed (free()), *n of them.  What the TUI's receiving
 * screen offers.
 */
int ledger_receive_trays(struct ledger *l, struct receive_tray_rec **out,
			 size_t *n);
/*
 * Binds serial (normalised) to card card_id, which must still await
 * enrolment, read by profile/profile_version (NULL: none) in tray tray_id
 * (0: none) by staff_id at `at`: the card's serial, a receipt row and its
 * audit entry (`receive`), in the caller's transaction or one of its own.
 * *id: the receipt.  LEDGER_ERR_STATE when the card has a serial already,
 * LEDGER_ERR_EXISTS when another card has this serial, LEDGER_ERR_NOTFOUND
 * when there is no card card_id.
 */
int ledger_receive_bind(struct ledger *l, int64_t card_id, const char *serial,
			const char *profile, unsigned profile_version,
			int64_t tray_id, int64_t staff_id, int64_t at,
			int64_t *id);
/* The receipt of the card with management ID mgmt_id into *out;
 * LEDGER_ERR_NOTFOUND when it was not received (or is unknown). */
int ledger_receipt_get(struct ledger *l, const char *mgmt_id,
		       struct receipt_rec *out);

#endif
