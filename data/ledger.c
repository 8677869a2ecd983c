/*
 * The ledger connection every other file of data/ works through: errors,
 * statements, transactions and the write lock (with the sign that a
 * writer waits), checkpoints, closing; and the small shared lookups of
 * locations and cards.  Opening a file and its migrations are in
 * ledger_open.c, staff in staff.c: they write audit entries (audit_write.c),
 * which work through this file, so this file calls none of them.
 */
#include "ledger_int.h"

#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>

int ledger_fail(struct ledger *l, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->errmsg, sizeof(l->errmsg), fmt, ap);
	va_end(ap);
	l->errcode = code;
	return code;
}

int ledger_text_check(struct ledger *l, const char *what, const char *s,
		      size_t max, unsigned flags)
{
	uint32_t cp = 0;
	size_t at;
	enum text_problem p = text_check(s, max, flags, &at, &cp);

	switch (p) {
	case TEXT_OK:
		return 0;
	case TEXT_EMPTY:
	case TEXT_TOO_LONG:
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "%s must be %s-%zu bytes", what,
				   flags & TEXT_OPTIONAL ? "0" : "1", max);
	case TEXT_BAD_UTF8:
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "%s is not valid UTF-8 (at byte %zu)", what,
				   at + 1);
	case TEXT_CONTROL:
		break;
	}
	return ledger_fail(l, LEDGER_ERR_INVALID,
			   "%s has a control character (U+%04X at byte %zu)",
			   what, (unsigned)cp, at + 1);
}

int ledger_sql_error(struct ledger *l, const char *what)
{
	int rc = sqlite3_extended_errcode(l->db);
	int code = LEDGER_ERR_SQL;

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		code = LEDGER_ERR_BUSY;
	else if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		 rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = LEDGER_ERR_EXISTS;
	else if ((rc & 0xff) == SQLITE_NOMEM)
		code = LEDGER_ERR_NOMEM;
	/* The file system, said plainly (as open_error does at open): a
	 * disk that fills up or turns read-only while a command runs. */
	if ((rc & 0xff) == SQLITE_FULL)
		return ledger_fail(l, LEDGER_ERR_IO,
				   "%s: no space left on the ledger's file "
				   "system",
				   what);
	/* A read-only connection (ledger_read_only) that tries to write is
	 * the program's mistake, not the file system's.  The file's own
	 * state is said without the step that met it (a person reading this
	 * has the file to fix, not the program). */
	if ((rc & 0xff) == SQLITE_READONLY && !l->read_only)
		return ledger_fail(l, LEDGER_ERR_IO,
				   "its file is read-only for this user, or "
				   "its file system is (%s)",
				   sqlite3_errmsg(l->db));
	if ((rc & 0xff) == SQLITE_IOERR)
		return ledger_fail(l, LEDGER_ERR_IO,
				   "%s: input/output error on the ledger's "
				   "file system%s%s",
				   what,
				   sqlite3_system_errno(l->db) ? ": " : "",
				   sqlite3_system_errno(l->db)
				       ? strerror(sqlite3_system_errno(l->db))
				       : "");
	if ((rc & 0xff) == SQLITE_CORRUPT)
		return ledger_fail(l, code,
				   "the ledger file is damaged (%s): restore "
				   "it from a backup",
				   sqlite3_errmsg(l->db));
	return ledger_fail(l, code, "%s: %s", what, sqlite3_errmsg(l->db));
}

static int walk_result(struct ledger *l, int rc, int stop, const char *what)
{
	if (stop)
		return stop;
	if (rc == SQLITE_DONE)
		return 0;
	return ledger_sql_error(l, what);
}

int ledger_walk_end(struct ledger *l, sqlite3_stmt *st, int rc, int stop,
		    const char *what)
{
	rc = walk_result(l, rc, stop, what);
	sqlite3_finalize(st);
	return rc;
}

int ledger_walk_done(struct ledger *l, sqlite3_stmt *st, int rc, int stop,
		     const char *what)
{
	rc = walk_result(l, rc, stop, what);
	ledger_stmt_done(l, st);
	return rc;
}

int ledger_prepare(struct ledger *l, const char *sql, sqlite3_stmt **st)
{
	/*
	 * Preparing reads the schema, and SQLite does not always wait for a
	 * lock there: while another process recovers or checkpoints the WAL
	 * it answers SQLITE_BUSY at once.  With many processes starting
	 * together (a hundred PIN tries, a window checkout during a count)
	 * that would fail a command that only had to wait, so it waits here
	 * as long as the busy timeout would.
	 */
	for (int waited = 0;; waited += 5) {
		int rc = sqlite3_prepare_v2(l->db, sql, -1, st, NULL);

		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY || waited >= 10000)
			return ledger_sql_error(l, "prepare");
		sqlite3_sleep(5);
	}
}

struct kept_stmt {
	const char *sql;
	sqlite3_stmt *st;
	int busy;
};

int ledger_stmt(struct ledger *l, const char *sql, sqlite3_stmt **st)
{
	struct kept_stmt *k = NULL;
	int rc;

	for (size_t i = 0; i < l->nkept; i++)
		if (l->kept[i].sql == sql) {
			k = &l->kept[i];
			break;
		}
	if (k && !k->busy) {
		k->busy = 1;
		*st = k->st;
		return 0;
	}
	rc = ledger_prepare(l, sql, st);
	if (rc < 0 || k)
		return rc;
	/* Kept when there is room; otherwise used once, as a fresh one. */
	if (l->nkept == l->kept_cap) {
		size_t cap = l->kept_cap ? l->kept_cap * 2 : 16;
		struct kept_stmt *nk = realloc(l->kept, cap * sizeof(*nk));

		if (!nk)
			return 0;
		l->kept = nk;
		l->kept_cap = cap;
	}
	l->kept[l->nkept++] = (struct kept_stmt){sql, *st, 1};
	return 0;
}

void ledger_stmt_done(struct ledger *l, sqlite3_stmt *st)
{
	for (size_t i = 0; i < l->nkept; i++)
		if (l->kept[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			l->kept[i].busy = 0;
			return;
		}
	sqlite3_finalize(st);
}

/* ledger_exec of a kept statement (sql a literal, as for ledger_stmt). */
static int exec_kept(struct ledger *l, const char *sql)
{
	sqlite3_stmt *st;
	int rc = ledger_stmt(l, sql, &st);

	if (rc < 0)
		return rc;
	rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0
						   : ledger_sql_error(l, "exec");
	ledger_stmt_done(l, st);
	return rc;
}

int ledger_exec(struct ledger *l, const char *sql)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ledger_sql_error(l, "exec");
	return 0;
}

const char *ledger_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

int32_t ledger_col_date(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	int32_t d;

	if (!s || date_parse(s, strlen(s), &d) < 0)
		return DATE_NONE;
	return d;
}

int ledger_bind_date(sqlite3_stmt *st, int i, int32_t days)
{
	char buf[11];

	if (days == DATE_NONE)
		return sqlite3_bind_null(st, i);
	date_format(days, buf);
	return sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
}

const char *ledger_errmsg(const struct ledger *l)
{
	return l ? l->errmsg : "out of memory";
}

int ledger_errcode(const struct ledger *l)
{
	return l ? l->errcode : LEDGER_ERR_NOMEM;
}

/* CARDTALLY_SQL_LOG: one line per statement, its time and its text. */
static int sql_profile(unsigned type, void *ctx, void *p, void *x)
{
	struct ledger *l = ctx;
	char *sql;

	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	sql = sqlite3_expanded_sql(p);
	/* With CARDTALLY_SQL_STEPS, also the statement's virtual machine
	 * steps: about the rows it walked, the same from run to run, where
	 * a time is not (tests/cli/scale.t compares them). */
	if (l->sql_steps)
		fprintf(l->sql_log, "sql ms=%.3f steps=%d %.200s\n",
			(double)*(sqlite3_int64 *)x / 1e6,
			sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 0),
			sql ? sql : "?");
	else
		fprintf(l->sql_log, "sql ms=%.3f %.200s\n",
			(double)*(sqlite3_int64 *)x / 1e6, sql ? sql : "?");
	sqlite3_free(sql);
	return 0;
}

/* The measurement logs of struct ledger, where the environment asks. */
static void open_logs(struct ledger *l)
{
	const char *tx = getenv("CARDTALLY_TX_LOG");
	const char *sql = getenv("CARDTALLY_SQL_LOG");

	if (tx && *tx)
		l->tx_log = fopen(tx, "a");
	if (sql && *sql)
		l->sql_log = fopen(sql, "a");
	l->sql_steps = getenv("CARDTALLY_SQL_STEPS") != NULL;
	if (l->sql_log)
		sqlite3_trace_v2(l->db, SQLITE_TRACE_PROFILE, sql_profile, l);
}

static void tx_logged(struct ledger *l, const char *how)
{
	struct timespec t;

	if (!l->tx_log || !l->tx_start.tv_sec)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	fprintf(l->tx_log, "tx %s ms=%.3f\n", how,
		(double)(t.tv_sec - l->tx_start.tv_sec) * 1e3 +
		    (double)(t.tv_nsec - l->tx_start.tv_nsec) / 1e6);
	fflush(l->tx_log);
	l->tx_start.tv_sec = 0;
}

/*
 * Waiting for another process's write lock.  SQLite's own busy timeout
 * sleeps longer and longer between tries (up to 100 ms), so a long task
 * that writes in slices (an import's chunks) had to pause 50 ms after
 * every slice, waiter or not, for a waiter's next try to find the lock
 * free: a million-row import spent 2.6 s of its 10 s asleep.  Instead a
 * waiter shows that it waits, and tries often:
 *  - the sign is a shared lock on byte WAIT_SIGN of the ledger file, taken
 *    through a descriptor of its own (l->wait_fd) as an open file
 *    description lock: SQLite's own locks are on other bytes, and nothing
 *    it does with its descriptors touches ours (closing a descriptor of a
 *    file drops the process's POSIX locks on it, not OFD locks);
 *  - a waiter tries again after 1 and 2 ms, then every BUSY_POLL_MS, for
 *    up to LEDGER_BUSY_TIMEOUT_MS in all (SQLite then says the database is
 *    locked, as before);
 *  - the sign comes down when the transaction that waited has begun or
 *    ended (wait_sign_down: BEGIN, COMMIT, ROLLBACK, close); a sign left
 *    up longer costs a long task one pause per slice, what every slice
 *    cost before, and nothing else.
 * WAIT_SIGN lies past SQLite's lock bytes (1 GiB to 1 GiB + 512).  A lock
 * is only a note between processes: reads and writes of those bytes are
 * not affected.
 */
#define WAIT_SIGN (0x40000000 + 4096)
#define BUSY_POLL_MS 5

int64_t ledger_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void wait_sign_set(struct ledger *l, int up)
{
	struct flock fl = {.l_type = up ? F_RDLCK : F_UNLCK,
			   .l_whence = SEEK_SET,
			   .l_start = WAIT_SIGN,
			   .l_len = 1};

	if (l->wait_fd < 0 || l->waiting == up)
		return;
	if (fcntl(l->wait_fd, F_OFD_SETLK, &fl) == 0)
		l->waiting = up;
}

static void wait_sign_down(struct ledger *l)
{
	wait_sign_set(l, 0);
}

static int busy_wait(void *arg, int tries)
{
	struct ledger *l = arg;

	if (tries == 0) {
		clock_gettime(CLOCK_MONOTONIC, &l->busy_since);
		wait_sign_set(l, 1);
	}
	if (ledger_ms_since(&l->busy_since) >= LEDGER_BUSY_TIMEOUT_MS)
		return 0;
	sqlite3_sleep(tries < 2 ? tries + 1 : BUSY_POLL_MS);
	return 1;
}

static void wait_for_writers(struct ledger *l)
{
	sqlite3_busy_handler(l->db, busy_wait, l);
}

int ledger_writers_waiting(struct ledger *l)
{
	struct flock fl = {.l_type = F_WRLCK,
			   .l_whence = SEEK_SET,
			   .l_start = WAIT_SIGN,
			   .l_len = 1};

	if (l->wait_fd < 0 || fcntl(l->wait_fd, F_OFD_GETLK, &fl) < 0)
		return -1;
	return fl.l_type != F_UNLCK;
}

static int set_pragmas(struct ledger *l)
{
	/* WAL for concurrent readers; synchronous=FULL so that a commit is
	 * on disk when it returns (an accepted scan survives a power cut). */
	static const char pragmas[] = "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=FULL;"
				      "PRAGMA foreign_keys=ON;";

	wait_for_writers(l);
	open_logs(l);
	return ledger_exec(l, pragmas);
}

int ledger_connection_setup(struct ledger *l, int read_only)
{
	if (read_only) {
		wait_for_writers(l);
		return 0;
	}
	return set_pragmas(l);
}

static int wal_noted(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct ledger *l = arg;

	(void)db;
	(void)name;
	l->wal_pages = pages;
	return SQLITE_OK;
}

void ledger_checkpoint_later(struct ledger *l)
{
	l->wal_pages = 0;
	sqlite3_wal_hook(l->db, wal_noted, l);
}

void ledger_checkpoint_auto(struct ledger *l)
{
	sqlite3_wal_autocheckpoint(l->db, LEDGER_CHECKPOINT_PAGES);
	l->wal_pages = 0;
}

int ledger_wal_pages(const struct ledger *l)
{
	return l->wal_pages;
}

int ledger_checkpoint(struct ledger *l)
{
	if (l->in_tx)
		return 0;
	if (sqlite3_wal_checkpoint_v2(l->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
				      NULL, NULL) != SQLITE_OK)
		return 0;
	l->wal_pages = 0;
	return 1;
}

int ledger_read_only(struct ledger *l)
{
	if (sqlite3_exec(l->db, "PRAGMA query_only = 1", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return ledger_sql_error(l, "read-only");
	l->read_only = 1;
	return 0;
}

int ledger_data_version(struct ledger *l, int64_t *v)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, "PRAGMA data_version", &st);

	*v = 0;
	if (rc < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW ? 0 : ledger_sql_error(l, "data version");
	sqlite3_finalize(st);
	return rc;
}

int ledger_change_mark(struct ledger *l, uint32_t *mark)
{
	unsigned v = 0;

	*mark = 0;
	if (sqlite3_file_control(l->db, "main", SQLITE_FCNTL_DATA_VERSION,
				 &v) != SQLITE_OK)
		return ledger_fail(l, LEDGER_ERR_SQL, "change mark: %s",
				   sqlite3_errmsg(l->db));
	*mark = v;
	return 0;
}

int ledger_schema_version(struct ledger *l)
{
	sqlite3_stmt *st;
	int v = -1;

	if (ledger_prepare(l, "PRAGMA user_version", &st) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		ledger_sql_error(l, "schema version");
	sqlite3_finalize(st);
	return v;
}

void ledger_close(struct ledger *l)
{
	if (!l)
		return;
	if (l->in_tx)
		ledger_rollback(l);
	sqlite3_finalize(l->audit_last);
	sqlite3_finalize(l->audit_ins);
	sqlite3_finalize(l->rollback);
	for (size_t i = 0; i < l->nkept; i++)
		sqlite3_finalize(l->kept[i].st);
	free(l->kept);
	/* Our descriptor of the file closes after SQLite's: closing any
	 * descriptor of a file drops the process's POSIX locks on it, and
	 * those are SQLite's.  A connection that would not close keeps it. */
	if (sqlite3_close(l->db) == SQLITE_OK && l->wait_fd >= 0)
		close(l->wait_fd);
	if (l->tx_log)
		fclose(l->tx_log);
	if (l->sql_log)
		fclose(l->sql_log);
	free(l);
}

int ledger_integrity_check(struct ledger *l, char *out, size_t outlen)
{
	sqlite3_stmt *st;
	int rc;

	rc = ledger_prepare(l, "PRAGMA integrity_check", &st);
	if (rc < 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, outlen, "%s", ledger_col_text(st, 0));
	else
		rc = ledger_sql_error(l, "integrity_check");
	sqlite3_finalize(st);
	return rc;
}

int ledger_begin(struct ledger *l)
{
	int rc = exec_kept(l, "BEGIN IMMEDIATE");

	wait_sign_down(l);
	if (rc == 0)
		l->in_tx = 1;
	if (rc == 0 && l->tx_log)
		clock_gettime(CLOCK_MONOTONIC, &l->tx_start);
	return rc;
}

int ledger_begin_read(struct ledger *l)
{
	/* Deferred: no lock until the first read, which takes the snapshot
	 * every later read of the transaction sees. */
	int rc = ledger_exec(l, "BEGIN");

	if (rc == 0)
		l->in_tx = 1;
	return rc;
}

/*
 * Between two write transactions of one long task (an import's chunks):
 * where another process waits for the write lock, wait until it has it
 * (its sign comes down once its BEGIN has returned; the task's next BEGIN
 * IMMEDIATE then waits for that transaction in turn), or at most
 * LEDGER_WRITERS_WAIT_MAX_MS for a waiter that does not move (stopped in
 * a terminal).  Where nobody waits, go on at once.  Without the sign (the
 * ledger file could not be opened a second time), the old pause: a waiter
 * that came during a slice of at most LEDGER_WRITE_SLICE_MS tries again
 * every BUSY_POLL_MS, well within LEDGER_WRITERS_GAP_MS.  With no pause
 * at all, a task that takes the lock again at once after its COMMIT wins
 * nearly every time: beside a million-row import, checkouts at the window
 * waited through chunk after chunk, and some were told the database was
 * locked.
 */
void ledger_let_writers_in(struct ledger *l)
{
	struct timespec t0;
	int w = ledger_writers_waiting(l);

	if (w < 0) {
		sqlite3_sleep(LEDGER_WRITERS_GAP_MS);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (w > 0 && ledger_ms_since(&t0) < LEDGER_WRITERS_WAIT_MAX_MS) {
		sqlite3_sleep(1);
		w = ledger_writers_waiting(l);
	}
}

int ledger_sync_wal(struct ledger *l)
{
	sqlite3_file *wal = NULL;

	if (sqlite3_file_control(l->db, "main", SQLITE_FCNTL_JOURNAL_POINTER,
				 &wal) != SQLITE_OK)
		return ledger_sql_error(l, "sync");
	/* No WAL file open (nothing written yet): nothing to sync. */
	if (!wal || !wal->pMethods)
		return 0;
	if (wal->pMethods->xSync(wal, SQLITE_SYNC_FULL) != SQLITE_OK)
		return ledger_fail(l, LEDGER_ERR_IO, "sync: cannot sync the "
						     "ledger's journal");
	return 0;
}

int ledger_commit(struct ledger *l)
{
	int rc = exec_kept(l, "COMMIT");
	char why[sizeof(l->errmsg)];
	int code = l->errcode;

	wait_sign_down(l);
	if (rc == 0) {
		l->in_tx = 0;
		tx_logged(l, "commit");
		return 0;
	}
	/* A commit that failed (out of memory, a full disk) leaves nothing
	 * open: a transaction held on would keep every other process from
	 * writing for as long as this one runs (the TUI: all day).  The
	 * commit's error is the one said. */
	memcpy(why, l->errmsg, sizeof(why));
	ledger_rollback(l);
	memcpy(l->errmsg, why, sizeof(why));
	l->errcode = code;
	return rc;
}

int ledger_rollback(struct ledger *l)
{
	int rc;

	l->in_tx = 0;
	wait_sign_down(l);
	tx_logged(l, "rollback");
	if (sqlite3_get_autocommit(l->db))
		return 0;
	/*
	 * The statement prepared at open, so that no allocation stands
	 * between a failure and the end of its transaction: a ROLLBACK that
	 * had to be prepared now would fail when memory has run out, and the
	 * write lock would stay held.  Where it cannot run (a schema change
	 * expired it, and re-preparing failed) a fresh one is tried.
	 */
	if (l->rollback) {
		rc = sqlite3_step(l->rollback);
		sqlite3_reset(l->rollback);
		if (rc == SQLITE_DONE || sqlite3_get_autocommit(l->db))
			return 0;
	}
	return ledger_exec(l, "ROLLBACK");
}

int ledger_tx_enter(struct ledger *l, int *own)
{
	*own = !l->in_tx;
	return *own ? ledger_begin(l) : 0;
}

int ledger_tx_leave(struct ledger *l, int own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0)
		return ledger_commit(l);
	ledger_rollback(l);
	return rc;
}

int id_array_add(struct id_array *a, int64_t id)
{
	/* Room for the separator, the longest id, "]" and the NUL. */
	if (a->cap - a->len < 24) {
		size_t cap = a->cap ? 2 * a->cap : 256;
		char *n = realloc(a->text, cap);

		if (!n)
			return -1;
		a->text = n;
		a->cap = cap;
	}
	/* By hand: snprintf was most of the time of an import's list of a
	 * million ids. */
	{
		char digits[24], *d = digits + sizeof(digits);
		uint64_t u = id < 0 ? 0 - (uint64_t)id : (uint64_t)id;
		size_t n;

		do
			*--d = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (id < 0)
			*--d = '-';
		n = (size_t)(digits + sizeof(digits) - d);
		a->text[a->len] = a->len ? ',' : '[';
		memcpy(a->text + a->len + 1, d, n);
		a->len += n + 1;
	}
	return 0;
}

const char *id_array_json(struct id_array *a)
{
	if (a->len == 0)
		return "[]";
	/* After the last id there is always room for these two. */
	a->text[a->len] = ']';
	a->text[a->len + 1] = '\0';
	return a->text;
}

void id_array_clear(struct id_array *a)
{
	a->len = 0;
}

void id_array_free(struct id_array *a)
{
	free(a->text);
	a->text = NULL;
	a->len = a->cap = 0;
}

int ledger_stock_empty(struct ledger *l, int *empty)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT NOT EXISTS (SELECT 1 FROM card) AND "
				"NOT EXISTS (SELECT 1 FROM asset)",
				&st);

	if (rc < 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*empty = sqlite3_column_int(st, 0);
	else
		rc = ledger_sql_error(l, "stock");
	sqlite3_finalize(st);
	return rc;
}

/* ---- locations ---- */

int location_path_valid(const char *path, size_t len)
{
	size_t seg = 0, segs = 1;

	if (len == 0 || len > LOCATION_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		/* ',' and '=' separate ranges and assignments on the
		 * command line (--ranges A,B --assign A=X). */
		if (c < 0x20 || c == 0x7f || c == ',' || c == '=')
			return 0;
		if (c == '/') {
			if (seg == 0 || path[i - 1] == ' ')
				return 0;
			seg = 0;
			segs++;
			continue;
		}
		if (c == ' ' && seg == 0)
			return 0;
		seg++;
	}
	return seg > 0 && path[len - 1] != ' ' && segs <= 4;
}

int ledger_location_find(struct ledger *l, const char *path, int64_t *id)
{
	sqlite3_stmt *st;
	/* Kept prepared: a count over everything looks up a thousand. */
	int rc = ledger_stmt(l, "SELECT id FROM location WHERE path = ?", &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc =
		    ledger_fail(l, LEDGER_ERR_NOTFOUND, "no location %s", path);
	} else {
		rc = ledger_sql_error(l, "location");
	}
	ledger_stmt_done(l, st);
	return rc;
}

int ledger_location_ensure(struct ledger *l, const char *path, int64_t *id)
{
	char buf[LOCATION_MAX + 1];
	int64_t parent = 0;
	int depth = 0;
	size_t len = strlen(path);
	int rc;

	if (!location_path_valid(path, len))
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "invalid location path '%s'", path);
	rc = ledger_location_find(l, path, id);
	if (rc != LEDGER_ERR_NOTFOUND)
		return rc;
	/* Create each missing prefix, parents first. */
	for (size_t i = 0; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		memcpy(buf, path, i);
		buf[i] = '\0';
		depth++;
		rc = ledger_location_find(l, buf, id);
		if (rc == LEDGER_ERR_NOTFOUND) {
			sqlite3_stmt *st;

			rc =
			    ledger_prepare(l,
					   "INSERT INTO location(path, "
					   "parent_id, depth) VALUES (?, ?, ?)",
					   &st);
			if (rc < 0)
				return rc;
			sqlite3_bind_text(st, 1, buf, -1, SQLITE_STATIC);
			if (parent)
				sqlite3_bind_int64(st, 2, parent);
			sqlite3_bind_int(st, 3, depth);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = ledger_sql_error(l, "add location");
			sqlite3_finalize(st);
			if (rc < 0)
				return rc;
			*id = sqlite3_last_insert_rowid(l->db);
		} else if (rc < 0) {
			return rc;
		}
		parent = *id;
	}
	return 0;
}

/* ---- cards ---- */

static int card_get(struct ledger *l, const char *where, const char *key,
		    struct card_rec *out)
{
	char sql[512];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT c.id, c.mgmt_id, c.serial, c.location_id, l.path, "
		 "c.status, c.received, c.notice_sent, c.reminder_sent "
		 "FROM card c JOIN location l ON l.id = c.location_id "
		 "WHERE %s",
		 where);
	rc = ledger_prepare(l, sql, &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(st, 0);
		snprintf(out->mgmt_id, sizeof(out->mgmt_id), "%s",
			 ledger_col_text(st, 1));
		snprintf(out->serial, sizeof(out->serial), "%s",
			 ledger_col_text(st, 2));
		out->location_id = sqlite3_column_int64(st, 3);
		snprintf(out->location, sizeof(out->location), "%s",
			 ledger_col_text(st, 4));
		if (card_status_parse(ledger_col_text(st, 5), &out->status) < 0)
			out->status = CARD_STORED;
		out->received = ledger_col_date(st, 6);
		out->notice_sent = ledger_col_date(st, 7);
		out->reminder_sent = ledger_col_date(st, 8);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no card %s", key);
	} else {
		rc = ledger_sql_error(l, "card");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_card_by_serial(struct ledger *l, const char *serial,
			  struct card_rec *out)
{
	return card_get(l, "c.serial = ?", serial, out);
}

int ledger_card_by_mgmt(struct ledger *l, const char *mgmt_id,
			struct card_rec *out)
{
	/* The ID as stored; else the one card whose ID differs from it in
	 * case alone (issue 18: a clerk types m000405 for M000405), never a
	 * guess between two.  Asked apart, so that the usual exact look-up
	 * keeps its index. */
	int rc = card_get(l, "c.mgmt_id = ?", mgmt_id, out);

	if (rc != LEDGER_ERR_NOTFOUND)
		return rc;
	rc = card_get(l,
		      "lower(c.mgmt_id) = lower(?1) AND (SELECT count(*) FROM "
		      "card WHERE lower(mgmt_id) = lower(?1)) = 1",
		      mgmt_id, out);
	return rc;
}

int64_t ledger_card_count(struct ledger *l)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (ledger_prepare(l, "SELECT count(*) FROM card", &st) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		ledger_sql_error(l, "count the cards");
	sqlite3_finalize(st);
	return n;
}

int ledger_range_serials(struct ledger *l, const char *range,
			 char (**out)[SERIAL_BUF], size_t *n)
{
	char(*v)[SERIAL_BUF] = NULL;
	size_t cap = 0, cnt = 0;
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT c.serial FROM card c JOIN location l "
	    "ON l.id = c.location_id WHERE (l.path = ?1 OR "
	    "substr(l.path, 1, length(?1) + 1) = ?1 || '/') AND c.status "
	    "IN (" CARD_IN_STORAGE_SQL ") ORDER BY c.mgmt_id",
	    &st);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, range, -1, SQLITE_STATIC);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 128;
			void *p = realloc(v, ncap * sizeof(*v));

			if (!p) {
				free(v);
				sqlite3_finalize(st);
				return ledger_fail(l, LEDGER_ERR_NOMEM,
						   "out of memory");
			}
			v = p;
			cap = ncap;
		}
		snprintf(v[cnt++], SERIAL_BUF, "%s", ledger_col_text(st, 0));
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "range serials");
	sqlite3_finalize(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}
