/*
 * Internals shared by the .c files of data/ (ledger.c, import.c, ...).
 * Never included outside data/: it is where sqlite3.h enters the program.
 */
#ifndef CT_LEDGER_INT_H
#define CT_LEDGER_INT_H

#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

#include "ledger.h"
#include "../common/text.h"

struct ledger {
	sqlite3 *db;
	char errmsg[256];
	int errcode;   /* the LEDGER_ERR_* that errmsg explains */
	int in_tx;     /* inside ledger_begin .. commit/rollback */
	int read_only; /* ledger_read_only: PRAGMA query_only is on */
	/* ledger_audit's statements, prepared on first use: a sweep appends
	 * one audit row per read. */
	sqlite3_stmt *audit_last, *audit_ins;
	/* Measurement only (bench/run): where CARDTALLY_TX_LOG names a file,
	 * each write transaction's duration from BEGIN IMMEDIATE to COMMIT
	 * or ROLLBACK is appended to it; CARDTALLY_SQL_LOG likewise takes
	 * each statement's time and text. */
	FILE *tx_log, *sql_log;
	int sql_steps; /* CARDTALLY_SQL_STEPS: log each statement's VM steps */
	struct timespec tx_start;
	/* ROLLBACK, prepared at open: preparing allocates, and a rollback
	 * must work when memory has run out (ledger_rollback). */
	sqlite3_stmt *rollback;
	/* ledger_checkpoint_later: pages in the WAL after the last commit. */
	int wal_pages;
	/* ledger_stmt's statements, kept from one use to the next. */
	struct kept_stmt *kept;
	size_t nkept, kept_cap;
	/*
	 * The sign that this process waits for the write lock (ledger.c,
	 * busy_wait): a descriptor of the ledger file of its own, -1 where
	 * it could not be opened; waiting: the sign is up; busy_since: when
	 * the current wait began.
	 */
	int wait_fd;
	int waiting;
	struct timespec busy_since;
};

/* Milliseconds on the monotonic clock since t0 (a long task's slices,
 * a writer's wait for the lock). */
int64_t ledger_ms_since(const struct timespec *t0);
/* A connection just opened (ledger_open.c): with read_only only the busy
 * handler (waiting for writers), else also WAL, synchronous=FULL, foreign
 * keys and the measurement logs.  0 or a LEDGER_ERR_* code. */
int ledger_connection_setup(struct ledger *l, int read_only);
/* Records SQLite's message for `what` in l->errmsg; returns LEDGER_ERR_SQL
 * (or LEDGER_ERR_BUSY / LEDGER_ERR_EXISTS when SQLite says so). */
int ledger_sql_error(struct ledger *l, const char *what);
/*
 * Free text entering the ledger (common/text.h): 0, or LEDGER_ERR_INVALID
 * with a message naming `what` ("name", "the purpose") and the problem:
 * empty or longer than max bytes, not UTF-8, a control character (flags:
 * TEXT_MULTILINE, TEXT_OPTIONAL).
 */
int ledger_text_check(struct ledger *l, const char *what, const char *s,
		      size_t max, unsigned flags);
/* printf-style message into l->errmsg; returns code. */
int ledger_fail(struct ledger *l, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * A change and its audit row must commit together: ledger_tx_enter begins
 * a transaction unless the caller holds one (*own says which), and
 * ledger_tx_leave commits it when rc is 0, else rolls it back; it returns
 * rc, or the commit's error.
 */
int ledger_tx_enter(struct ledger *l, int *own);
int ledger_tx_leave(struct ledger *l, int own, int rc);

/*
 * Row ids gathered one at a time into the JSON array that SQLite's
 * json_each reads ("[4,7,9]"): a statement then takes them all as one
 * parameter (the cards an import chunk wrote, the entries of the disposal
 * check).  Zeroed to start; id_array_free at the end.
 */
struct id_array {
	char *text;
	size_t len, cap;
};
/* Adds id.  0, or -1 when out of memory. */
int id_array_add(struct id_array *a, int64_t id);
/* The array as JSON text ("[]" when empty), valid until the next
 * id_array_add, id_array_clear or id_array_free. */
const char *id_array_json(struct id_array *a);
/* Empties the array, keeping its memory. */
void id_array_clear(struct id_array *a);
void id_array_free(struct id_array *a);
/*
 * The end of a walk over rows with a callback that may stop it: finalizes
 * st and returns the callback's non-zero `stop`, or 0 when the rows ran out
 * (rc == SQLITE_DONE), or the SQL error of `what`.
 */
int ledger_walk_end(struct ledger *l, sqlite3_stmt *st, int rc, int stop,
		    const char *what);
/* The same for a statement of ledger_stmt (ledger_stmt_done, not
 * finalized). */
int ledger_walk_done(struct ledger *l, sqlite3_stmt *st, int rc, int stop,
		     const char *what);
/* sqlite3_prepare_v2 with error reporting. */
int ledger_prepare(struct ledger *l, const char *sql, sqlite3_stmt **st);
/*
 * A statement kept prepared from one call to the next, for the queries a
 * sweep runs on every read (preparing one costs more than running it).
 * sql must be a string literal: its address is the key.  Each use ends
 * with ledger_stmt_done, never sqlite3_finalize; a statement asked for
 * while its kept copy is in use (a callback reaching the same query) is
 * prepared afresh, and ledger_stmt_done finalizes that one.  The kept
 * ones are finalized by ledger_close.
 */
int ledger_stmt(struct ledger *l, const char *sql, sqlite3_stmt **st);
void ledger_stmt_done(struct ledger *l, sqlite3_stmt *st);
/* Runs SQL without results. */
int ledger_exec(struct ledger *l, const char *sql);
/* Text of column i, or "" for NULL. */
const char *ledger_col_text(sqlite3_stmt *st, int i);
/* A DATE column (TEXT YYYY-MM-DD) as days, DATE_NONE for NULL/invalid. */
int32_t ledger_col_date(sqlite3_stmt *st, int i);
/* The card statuses not in storage, spelled as the partial index
 * card_away's WHERE (schema 18) so that SQLite uses that index: a query
 * must carry this term as it is to read the index. */
#define AWAY_STATES(c)                                                         \
	"(" c ".status = 'checked_out' OR " c ".status = 'lost' OR " c          \
	".status = 'issued' OR " c ".status = 'disposed')"
/*
 * The audit detail of a scan row: what ledger_scanner_record writes and
 * ledger_audit_verify compares the scan table against.  A read with an
 * identity profile (profile not NULL or "") ends in " profile=NAME/V", so
 * that the chain vouches for the profile too (since schema version 14;
 * entries written before do not name it).  Returns the length, or -1 when
 * it does not fit in cap.
 */
#define LEDGER_PROFILE_DETAIL 96 /* room the profile takes in a detail */
/* What a scan's detail ends in for a read with the safe recorded closed
 * (" safe=closed"), else ""; an entry written before the flag existed
 * reads as unflagged. */
const char *audit_safe_suffix(int safe_closed);
int ledger_scan_detail(char *buf, size_t cap, int64_t scan_id,
		       int64_t session_id, int64_t range_id, const char *serial,
		       int64_t card_id, const char *outcome, const char *why,
		       int safe_closed, const char *profile,
		       unsigned profile_version);
/*
 * The audit details of a custody event (custody.c) and of a card scanned
 * into a disposal (disposal.c), likewise.  safe_closed: the row's flag
 * (1 flagged; 0 or -1 for NULL, not flagged); a flagged row's detail ends
 * in " safe=closed".  A disposal row written before the flag existed
 * (safe_closed -1) has the shorter detail of that time, without since=.
 */
int ledger_custody_detail(char *buf, size_t cap, int64_t event_id,
			  const char *from_status, const char *to_status,
			  const char *from, const char *to, const char *day,
			  int safe_closed);
int ledger_disposal_detail(char *buf, size_t cap, int64_t batch_id,
			   const char *why, int32_t since, int safe_closed,
			   const char *profile, unsigned profile_version);
/* The audit detail of a receipt row (receive.c), likewise: tray "-" when
 * none, profile "-" for none. */
int ledger_receipt_detail(char *buf, size_t cap, int64_t receipt_id,
			  const char *serial, const char *profile,
			  unsigned profile_version, const char *tray);
/* The audit detail of closing a disposal batch (certificate NULL or ""
 * when none); closes written before it held the method and certificate
 * have only "cards=N witness=ID". */
int ledger_batch_close_detail(char *buf, size_t cap, int64_t ncards,
			      int64_t witness_id, const char *method,
			      const char *certificate);
/* The audit detail of a near-miss row (note.c), likewise. */
int ledger_note_detail(char *buf, size_t cap, int64_t note_id,
		       const char *mgmt_id, const char *text);
/* Binds days as YYYY-MM-DD text, or NULL for DATE_NONE. */
int ledger_bind_date(sqlite3_stmt *st, int i, int32_t days);

/* ---- the chain's hashes on a second thread (audit_hasher.c) ---- */

/*
 * Order of calls: chain_hasher_start (NULL when no thread or memory could
 * be had: hash in the caller), chain_hasher_add for each entry in order,
 * with the previous hash its row names and the hash it stores (1: the
 * entry is too large to pass, the caller hashes it), then
 * chain_hasher_finish, which waits for the rest and returns the id of
 * the first entry whose hash differs from the stored one, or 0.
 */
struct chain_hasher;
struct chain_hasher *chain_hasher_start(void);
int chain_hasher_add(struct chain_hasher *hs,
		     const uint8_t prev[AUDIT_HASH_BYTES],
		     const struct audit_entry *e,
		     const uint8_t stored[AUDIT_HASH_BYTES]);
int64_t chain_hasher_finish(struct chain_hasher *hs);

/* ---- replaying the audit log (audit_replay.c; see audit_entry_facts) ---- */

/*
 * Order of calls: audit_replay_new, audit_replay_entry for each verified
 * entry in id order, audit_replay_compare once, audit_replay_free.
 */
struct audit_replay;
/* cards: how many cards the log is expected to name (a hint: the index of
 * cards is made that large at once; 0 for none).  NULL on OOM. */
struct audit_replay *audit_replay_new(size_t cards);
void audit_replay_free(struct audit_replay *r);
/* Applies entry e; a fact contradicting what the log said before is a
 * finding in out.  LEDGER_ERR_NOMEM, else 0. */
int audit_replay_entry(struct audit_replay *r, const struct audit_entry *e,
		       struct audit_verify *out);
/* Compares the card, asset and staff tables with the replayed state,
 * adding a finding for each difference; counts out->replayed and
 * out->unreplayed.  0, or a negative LEDGER_ERR_*. */
int audit_replay_compare(struct ledger *l, struct audit_replay *r,
			 struct audit_verify *out);
/* Counts f in out and lists it while there is room; the first finding
 * also fills out->problem, table, bad_id and what. */
void audit_add_finding(struct audit_verify *out, const struct audit_finding *f);
/*
 * Writes entries `action` (subject a location, detail "status=S
 * [status_from=FROM ]cards=M1 M2 ...", at most a few hundred cards each)
 * recording the status and location of every card whose updated_at is
 * updated_at (every card when updated_at < 0), or, when ids is not NULL,
 * of the cards whose ids the JSON array ids lists (an import's chunk), in
 * the caller's transaction.  status_from NULL leaves the field out.  *n:
 * the cards recorded (may be NULL).
 */
int ledger_audit_card_states(struct ledger *l, int64_t staff_id, int64_t at,
			     const char *action, int64_t updated_at,
			     const char *ids, const char *status_from,
			     int64_t *n);
/*
 * Version 12's migration step: records the state of every card, asset
 * and staff row as the tables hold it (state.card, state.asset,
 * state.staff) and a ledger.migrate entry saying so, so that the log
 * vouches for every row from here on.  Nothing on an empty ledger.
 */
int ledger_audit_baseline(struct ledger *l);

#endif
