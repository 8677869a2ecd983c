/*
 * Stock list import (cardtally(1) "STOCK LIST"): a CSV file from the
 * issuing system, UTF-8 or CP932, validated row by row.  Either every row is
 * valid and the ledger is updated, or nothing changes and every problem is
 * returned as (line, column, reason).
 *
 * Two phases, so that no write transaction lasts long (doc/design.md
 * "Scale"): import_check reads and checks the whole file
 * against one snapshot of the ledger, holding no lock on writers; then
 * import_write writes what the check planned in chunks, each in a short
 * write transaction of the caller's.  A row the ledger no longer holds as
 * the check saw it (a checkout at the window between the two) stops the
 * writes: the chunk is rolled back, the chunks before it stay, and the
 * same import run again finishes (written rows are then unchanged).
 *
 * Order of calls: import_check() with a filled struct import_opts ->
 * import_sync_late() -> (import_write() in a write transaction, commit,
 * while IMPORT_MORE) -> import_sync() -> import_job_free() -> read struct
 * import_result -> import_result_free(). import_run() does all of it.
 */
#ifndef CT_IMPORT_H
#define CT_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ledger.h"

enum import_encoding { IMPORT_ENC_AUTO = 0, IMPORT_ENC_UTF8, IMPORT_ENC_CP932 };

/* Error codes of this module, numbered once and never reused. */
enum {
	IMPORT_OK = 0,
	IMPORT_ERR_INVALID = -101, /* the file has problems: see result */
	IMPORT_ERR_LEDGER = -102,  /* the ledger failed: see ledger_errmsg */
	IMPORT_ERR_NOMEM = -103,
	/* a row no longer holds: see result.conflict_line */
	IMPORT_ERR_CHANGED = -104,
	IMPORT_MORE = 1, /* import_write: more chunks to write */
};

/*
 * The bounds of one chunk (import_run's; a workflow passes its own): at
 * most this many rows, and rows are started only within the first
 * IMPORT_CHUNK_MS of the transaction, so that with the chunk's audit
 * entries and its commit it stays within LEDGER_WRITE_SLICE_MS.  The
 * rows bound keeps a chunk's card list (import.cards, sorted in memory)
 * and its rollback small on a slow disk too.
 */
#define IMPORT_CHUNK_ROWS 20000L
/* New cards go to the ledger this many to an INSERT (import.c, flush_new). */
#define IMPORT_INSERT_BATCH 16
#define IMPORT_CHUNK_MS 120

/* Flags of a run as the workflow takes them (wf_import). */
enum { IMPORT_DRY_RUN = 1, IMPORT_FULL = 2 };

struct import_opts {
	enum import_encoding encoding;
	int dry_run; /* validate and count, change nothing */
	/*
	 * The file is the whole stock: the ledger's cards in the office's
	 * keeping (stored, at the window, or waiting for disposal) that it
	 * does not name are counted in import_result.missing.  Nothing is
	 * changed for them: where they are is a count's question.
	 */
	int full;
	int64_t actor_id; /* staff id recorded in the audit log */
	/* The file's name as the operator gave it, for the import.begin
	 * entry of an import in several chunks; may be NULL. */
	const char *source;
	int64_t now;	  /* unix time recorded as updated_at / audit time */
	/*
	 * The state machine's word on a row's status (reconcile/'s
	 * recon_import_status_rule: data/ writes what reconcile/ decides and
	 * decides nothing itself).  0 when a row may give status `to` to a
	 * card new to the ledger (exists 0; from is then `to` as well) or to
	 * a card whose status is `from`; 1 when the row's status is no change
	 * of the card's (it keeps `from`); otherwise -1 with *rule set
	 * (static storage), which becomes the row's problem.  Required.
	 */
	int (*status_rule)(int exists, enum card_status from,
			   enum card_status to, const char **rule);
	/*
	 * reconcile/'s word on a row's dates (recon_import_dates_rule), on
	 * `today`, the import's day in the office's time zone: date[] is
	 * received, notice_sent, reminder_sent (DATE_NONE where the row has
	 * none).  0, or -1 with *which (0..2) the date at fault and *rule
	 * (static) why, which becomes the row's problem in that column.
	 * NULL: the dates are only read, not weighed (the data layer's own
	 * tests; the workflow always sets it).
	 */
	int (*dates_rule)(const int32_t date[3], int32_t today, int *which,
			  const char **rule);
	int32_t today;
};

/* One problem: line is the 1-based physical line where the record starts
 * (1 = header); column is the column name, or "header", "file" or "row"
 * (a problem of the whole row, such as a wrong number of fields). */
struct import_problem {
	long line;
	char column[32];
	char reason[160]; /* in English: fmt with its arguments */
	/*
	 * The same reason for a front end to translate (common/text.h
	 * text_render): fmt is a message of the catalog (static), args its
	 * nargs arguments one after another, each NUL-terminated (owned;
	 * import_result_free), and bit i of msgid_args marks argument i as a
	 * message of the catalog too.
	 */
	const char *fmt;
	char *args;
	int nargs;
	unsigned msgid_args;
};
/*
 * p's reason written out with fmt (p->fmt, or its translation) into out
 * (cap > 0, always terminated), its catalog arguments passed through tr
 * when tr is not NULL.  Returns out.
 */
char *import_problem_text(const struct import_problem *p, const char *fmt,
			  const char *(*tr)(const char *), char *out,
			  size_t cap);

#define IMPORT_MISSING_SHOWN 10

/* Counts are 0 when import_run returns IMPORT_ERR_INVALID. */
struct import_result {
	enum import_encoding detected; /* UTF8 or CP932 */
	long rows;		       /* data rows read */
	long added, updated, unchanged;
	size_t nproblems;
	struct import_problem *problems; /* owned; import_result_free */
	/* With opts.full and no problem: how many cards of the ledger the
	 * file leaves out, and the first IMPORT_MISSING_SHOWN of them by
	 * management ID (nmissing_shown of them). */
	long missing;
	size_t nmissing_shown;
	char missing_shown[IMPORT_MISSING_SHOWN][MGMT_ID_MAX + 1];
	/* The rows to write (added + updated; 0 for a dry run), and how
	 * many of them chunks before the current one wrote. */
	long to_write, written;
	/* IMPORT_ERR_CHANGED: the row whose card changed since the check
	 * (its line and management ID); nothing of its chunk was written. */
	long conflict_line;
	char conflict_card[MGMT_ID_MAX + 1];
};

/*
 * Imports `len` bytes of CSV from `buf` into the ledger: import_check,
 * then import_write until done.  Returns IMPORT_OK (the ledger was
 * updated, or would have been for a dry run), IMPORT_ERR_INVALID (nothing
 * changed; res->problems lists every bad row in file order),
 * IMPORT_ERR_CHANGED (see above), or another negative code.
 *
 * Runs in the caller's transaction when it holds one (ledger_begin), all
 * in it: then the caller commits a successful import and rolls back
 * anything else, a dry run too; otherwise import_run checks in a read
 * transaction of its own and writes in chunks of its own.
 *
 * Re-importing rows identical to the ledger changes nothing (unchanged);
 * a row whose mgmt_id and serial match a ledger card but whose other
 * fields differ updates that card (updated).  An optional column absent
 * from the file leaves that field of existing cards as it is; present but
 * empty, it clears the date (or means status stored).  A mgmt_id already
 * in the ledger with another serial, a serial already held by another
 * mgmt_id, and a serial that is a registered terminal's tag (serials and
 * tags are one namespace: a read must name one thing) are problems of
 * that row.
 *
 * Every row's encoding is proven: a non-ASCII value that the file's
 * encoding reads but that is the other one's (see weigh in import.c) is a
 * problem of its row.  Location paths are brought to one form (NFKC,
 * invisible characters dropped, Windows/Mac look-alikes joined) before
 * they are looked up or created.  Dates are YYYY-MM-DD or YYYY/M/D.
 *
 * Statuses go through opts->status_rule: new cards take the status the
 * file gives; an existing card may change only as the rule allows (the
 * applicant events of the issuing system), anything else is a problem of
 * the row, column "status", reason "FROM -> TO: rule".  Each status change
 * of an existing card is audited on its own ("import.status", subject the
 * management ID, detail "status=FROM->TO") besides the one "import" entry.
 */
int import_run(struct ledger *l, const char *buf, size_t len,
	       const struct import_opts *opts, struct import_result *res);

struct import_job;
/*
 * The check: reads and checks every row of buf (which must outlive the
 * job) against the ledger, in the caller's transaction when it holds one
 * (a read transaction is enough), else in a read transaction of its own.
 * Changes nothing.  Returns IMPORT_OK with res counted (what the import
 * does, or would do for opts->dry_run) and *job set when there is
 * anything to write (NULL otherwise, always for a dry run);
 * IMPORT_ERR_INVALID with every problem; or another negative code.
 */
int import_check(struct ledger *l, const char *buf, size_t len,
		 const struct import_opts *opts, struct import_result *res,
		 struct import_job **job);
/*
 * Writes the job's next chunk in the caller's write transaction: at most
 * max_rows rows, and no row started after max_ms (0: no bound), then the
 * chunk's import.cards entries (and the closing "import" entry after the
 * last chunk's).  Returns IMPORT_MORE (commit, then call again),
 * IMPORT_OK (the last chunk: commit), IMPORT_ERR_CHANGED or another
 * negative code (roll back: the chunks committed before stay; run the
 * import again to finish it).  res->written: the rows of earlier chunks.
 */
int import_write(struct import_job *job, long max_rows, int64_t max_ms);
/*
 * Outside any transaction, before the first import_write: the chunks then
 * commit without waiting for the disk, and import_sync, after the last
 * commit (or the one before a failed chunk), puts them all on disk at
 * once; 0 or IMPORT_ERR_LEDGER.  Either is safe to call with job NULL.
 */
void import_sync_late(struct import_job *job);
int import_sync(struct import_job *job);
void import_job_free(struct import_job *job);
/* The log of an import in several chunks: its first chunk writes, after its
 * import.cards, an "import.begin" entry (subject the source, detail
 * "rows=R write=W blake2b=DIGEST" of the file as given); its last, the
 * closing "import" entry right after its import.cards.  An import.begin
 * with no "import" after it is an import stopped part way. */
void import_result_free(struct import_result *res);

/* An import stopped part way: its import.begin entry, with no closing
 * "import" entry after it. */
struct import_stopped {
	int64_t entry;	    /* the import.begin entry's id */
	int64_t at;	    /* when it began */
	char by[STAFF_CODE_MAX + 1]; /* who ran it ("" unknown) */
	char source[512];   /* the file as its operator named it (cut) */
	long rows;	    /* its data rows, -1 unknown */
};
/*
 * Whether the last import of the ledger stopped part way (status names
 * it, with what to do: run the same import again).  One lookup in the
 * partial index of import entries (schema version 19).  1 and *out, 0
 * when every import finished (or none ran), or a LEDGER_ERR_*.
 */
int ledger_import_stopped(struct ledger *l, struct import_stopped *out);

/*
 * The largest stock list import_read takes: a million cards are about
 * 70 MB of CSV, so a larger input is not a stock list (a device such as
 * /dev/zero, a wrong file), and is refused before it fills the memory.
 */
#define IMPORT_MAX_BYTES ((size_t)256 << 20)
/* A header row ends within this many bytes, or the input is no CSV. */
#define IMPORT_HEAD_BYTES ((size_t)64 << 10)

/*
 * Reads a whole stock list from f (a file or a pipe) into *buf (malloc'ed,
 * the caller frees it) and *len.  Returns 0; or -1 with *buf NULL and the
 * reason in why (why_size bytes): a read error (strerror), a regular file
 * larger than IMPORT_MAX_BYTES (refused before reading), any input that
 * grows past it (refused when it does), or one with no line end in its
 * first IMPORT_HEAD_BYTES (refused after reading them).
 */
int import_read(FILE *f, char **buf, size_t *len, char *why, size_t why_size);

#endif
