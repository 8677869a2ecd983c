/*
 * raw_insert: the baseline of the durable scan ingest benchmark (bench/run,
 * measurement 2).  It does what the scan loop must do at the least for each
 * read, and nothing more: one row in a table shaped like the ledger's scan
 * table (the same columns, checks and indexes, without the foreign keys;
 * bench/run checks it against a new ledger's before it measures), in its
 * own BEGIN IMMEDIATE / COMMIT transaction, on a fresh file with the
 * ledger's pragmas (journal_mode=WAL, synchronous=FULL), so that every
 * commit waits for the disk.  Each row is what cardtally records for a
 * read in measurement 2: a card accepted, read with the apdu:seizo
 * profile, flagged as taken while the safe is recorded closed (so the
 * partial index of such reads gets it too).  The ratio of cardtally's
 * reads per second to these rows per second shows what the program adds
 * on top of SQLite's durable commit.
 *
 * usage: raw_insert FILE N [--paced]
 * FILE must not exist.  Prints one line on stdout:
 *   rows=N seconds=S rows_per_s=R sqlite=VERSION
 * where S covers the N transactions only (not opening or creating the file)
 * and VERSION is that of the SQLite library linked in, which is the one
 * cardtally is linked with too.
 *
 * --paced: the latency baseline of measurement 7.  Before each row it
 * waits for a line on stdin (its "card"), and once the row is committed
 * it writes "row I" on stdout (its "feedback"), so that bench/card_feed.py
 * times it from outside exactly as it times cardtally scan.  End of input
 * before N rows is an error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE scan ("
    " id INTEGER PRIMARY KEY,"
    " session_id INTEGER NOT NULL,"
    " range_id INTEGER,"
    " serial TEXT NOT NULL,"
    " card_id INTEGER,"
    " staff_id INTEGER NOT NULL,"
    " at INTEGER NOT NULL,"
    " outcome TEXT NOT NULL CHECK (outcome = 'accepted' OR"
    " outcome = 'repeat' OR outcome = 'alert'),"
    " why TEXT,"
    " safe_closed INTEGER,"
    " profile TEXT CHECK (profile IS NULL OR length(profile) BETWEEN 1 AND"
    " 64),"
    " profile_version INTEGER CHECK ((profile IS NULL) ="
    " (profile_version IS NULL) AND coalesce(profile_version, 1) > 0));"
    "CREATE INDEX scan_session_serial ON scan(session_id, serial);"
    "CREATE INDEX scan_card ON scan(card_id, at);"
    "CREATE INDEX scan_safe_closed ON scan(at) WHERE safe_closed = 1;"
    "CREATE INDEX scan_range_staff ON scan(session_id, range_id, staff_id);";

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --paced: 1 once a whole line is read from stdin, 0 at its end. */
static int next_line(void)
{
	int c;

	while ((c = getchar()) != EOF)
		if (c == '\n')
			return 1;
	return 0;
}

static int exec_or_report(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	fprintf(stderr, "raw_insert: %s: %s\n", sql,
		msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

/* One row, one transaction: what a durable scan loop pays per read. */
static int insert_one(sqlite3 *db, sqlite3_stmt *ins, long i)
{
	char serial[32];
	int64_t at = 1767225600 + i;

	/* Serials shaped like the ledger's: 16 upper-case hex digits. */
	snprintf(serial, sizeof(serial), "04%06lX%08" PRIX32, i,
		 (uint32_t)((uint64_t)i * 2654435761u));
	if (exec_or_report(db, "BEGIN IMMEDIATE") < 0)
		return -1;
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, 1);
	sqlite3_bind_int64(ins, 2, 4 + i / 1000);
	sqlite3_bind_text(ins, 3, serial, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 4, i + 1);
	sqlite3_bind_int64(ins, 5, 1);
	sqlite3_bind_int64(ins, 6, at);
	sqlite3_bind_text(ins, 7, "accepted", -1, SQLITE_STATIC);
	sqlite3_bind_null(ins, 8);
	sqlite3_bind_int(ins, 9, 1);
	sqlite3_bind_text(ins, 10, "apdu:seizo", -1, SQLITE_STATIC);
	sqlite3_bind_int(ins, 11, 1);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		fprintf(stderr, "raw_insert: insert: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return exec_or_report(db, "COMMIT");
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	struct stat sb;
	char *end;
	long n, i;
	double t0, t1;
	int ex = 1, paced = argc == 4 && strcmp(argv[3], "--paced") == 0;

	if (argc != 3 && !paced) {
		fprintf(stderr, "usage: raw_insert FILE N [--paced]\n");
		return 2;
	}
	errno = 0;
	n = strtol(argv[2], &end, 10);
	if (errno || *end || n <= 0) {
		fprintf(stderr, "raw_insert: N must be a positive number\n");
		return 2;
	}
	if (stat(argv[1], &sb) == 0) {
		fprintf(stderr, "raw_insert: %s exists already\n", argv[1]);
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		fprintf(stderr, "raw_insert: cannot open %s: %s\n", argv[1],
			db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (exec_or_report(db, schema) < 0)
		goto out;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO scan(session_id, range_id, serial,"
			       " card_id, staff_id, at, outcome, why,"
			       " safe_closed, profile, profile_version)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK) {
		fprintf(stderr, "raw_insert: prepare: %s\n",
			sqlite3_errmsg(db));
		goto out;
	}
	t0 = now_s();
	for (i = 0; i < n; i++) {
		if (paced && !next_line()) {
			fprintf(stderr, "raw_insert: end of input at row %ld\n",
				i);
			goto out;
		}
		if (insert_one(db, ins, i) < 0)
			goto out;
		if (paced) {
			printf("row %ld\n", i);
			fflush(stdout);
		}
	}
	t1 = now_s();
	printf("rows=%ld seconds=%.6f rows_per_s=%.1f sqlite=%s\n", n, t1 - t0,
	       (double)n / (t1 - t0), sqlite3_libversion());
	ex = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return ex;
}
