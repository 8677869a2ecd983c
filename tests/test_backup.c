/*
 * Unit tests of data/backup.c against real files in a temporary
 * directory: the names copies take, the online copy (mode, one file,
 * never over an existing copy, a missing directory), copying a file, the
 * directory walk and removal (only copies' names), the audit chain's
 * head, leaving WAL mode and seeing another process's connection, and
 * opening a ledger as it is (no migration) or read-only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../data/backup.h"
#include "../data/ledger.h"
#include "tmpdir.h"

struct fixture {
	char dir[128];
	char path[192];
	char bk[192];
	struct ledger *l;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (!f)
		return -1;
	if (test_mkdtemp(f->dir, sizeof(f->dir), "ct-backup") < 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/l.db", f->dir);
	snprintf(f->bk, sizeof(f->bk), "%s/bk", f->dir);
	if (mkdir(f->bk, 0700) < 0)
		return -1;
	if (ledger_create(f->path, &f->l, err, sizeof(err)) != 0)
		return -1;
	if (ledger_audit(f->l, 0, 1772413200, "test", NULL, "one") < 0)
		return -1;
	*state = f;
	return 0;
}

/* Removes every file in dir, then dir. */
static void remove_dir(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# cannot remove %s\n", dir);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ledger_close(f->l);
	remove_dir(f->dir);
	free(f);
	return 0;
}

static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void names(void **state)
{
	char n[BACKUP_NAME_BUF];
	int64_t s = 0;

	(void)state;
	backup_name(20260305190000LL, n);
	assert_string_equal(n, "cardtally-20260305-190000.db");
	assert_int_equal(backup_name_parse(n, &s), 1);
	assert_true(s == 20260305190000LL);
	assert_int_equal(backup_name_parse("cardtally-20240229-000000.db", &s),
			 1);
	/* Nothing but a copy's exact name of a real time. */
	static const char *const no[] = {
	    "cardtally-20250229-000000.db", /* no such day */
	    "cardtally-20261301-000000.db",
	    "cardtally-20260100-000000.db",
	    "cardtally-20260101-240000.db",
	    "cardtally-20260101-006000.db",
	    "cardtally-20260101-000000.db.old",
	    "cardtally-20260101.db",
	    ".cardtally-20260101-000000.db.tmp",
	    "cardtally-2026010a-000000.db",
	    "ledger-20260101-000000.db",
	    "cardtally-20260101_000000.db",
	    ""};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(backup_name_parse(no[i], &s), 0);
	/* A stamp out of range gives a name nothing takes for a copy. */
	backup_name(-1, n);
	assert_int_equal(backup_name_parse(n, &s), 0);
}

static void stamp_is_local(void **state)
{
	(void)state;
	/* 2026-03-05T10:00:00Z */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_true(backup_stamp(1772704800) == 20260305100000LL);
	setenv("TZ", "JST-9", 1);
	tzset();
	assert_true(backup_stamp(1772704800) == 20260305190000LL);
}

static void backup_to_dir(void **state)
{
	struct fixture *f = *state;
	char err[512], p[300];
	struct stat sb;
	unsigned char head[20];
	FILE *fp;

	assert_int_equal(ledger_backup_to(f->l, f->bk,
					  "cardtally-20260305-190000.db", err,
					  sizeof(err)),
			 0);
	snprintf(p, sizeof(p), "%s/cardtally-20260305-190000.db", f->bk);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* One file, in rollback-journal mode (header bytes 18 and 19). */
	fp = fopen(p, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(head, 1, sizeof(head), fp), sizeof(head));
	fclose(fp);
	assert_int_equal(head[18], 1);
	assert_int_equal(head[19], 1);
	assert_int_equal(raw_int(p, "SELECT count(*) FROM audit"),
			 raw_int(f->path, "SELECT count(*) FROM audit"));
	/* No temporary file is left, and a copy is never overwritten. */
	snprintf(p, sizeof(p), "%s/.cardtally-20260305-190000.db.tmp", f->bk);
	assert_int_not_equal(stat(p, &sb), 0);
	assert_int_equal(ledger_backup_to(f->l, f->bk,
					  "cardtally-20260305-190000.db", err,
					  sizeof(err)),
			 LEDGER_ERR_EXISTS);
	assert_int_not_equal(stat(p, &sb), 0);
	snprintf(p, sizeof(p), "%s/missing", f->dir);
	assert_int_equal(ledger_backup_to(f->l, p,
					  "cardtally-20260305-190000.db", err,
					  sizeof(err)),
			 LEDGER_ERR_NOTFOUND);
	assert_non_null(strstr(err, "missing"));
}

static int collect(void *ctx, const char *name, int64_t stamp)
{
	char *list = ctx;

	(void)stamp;
	strcat(list, name);
	strcat(list, ";");
	return 0;
}

static void dir_walk_and_remove(void **state)
{
	struct fixture *f = *state;
	char err[512], p[300], list[512] = "";
	FILE *fp;

	snprintf(p, sizeof(p), "%s/notes.txt", f->bk);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(ledger_backup_to(f->l, f->bk,
					  "cardtally-20260101-000000.db", err,
					  sizeof(err)),
			 0);
	assert_int_equal(
	    backup_dir_each(f->bk, collect, list, err, sizeof(err)), 0);
	assert_string_equal(list, "cardtally-20260101-000000.db;");
	assert_int_equal(backup_remove(f->bk, "notes.txt", err, sizeof(err)),
			 LEDGER_ERR_INVALID);
	assert_int_equal(access(p, F_OK), 0);
	assert_int_equal(backup_remove(f->bk, "cardtally-20260101-000000.db",
				       err, sizeof(err)),
			 0);
	assert_int_equal(backup_remove(f->bk, "cardtally-20260101-000000.db",
				       err, sizeof(err)),
			 LEDGER_ERR_NOTFOUND);
	snprintf(p, sizeof(p), "%s/missing", f->dir);
	assert_int_equal(backup_dir_each(p, collect, list, err, sizeof(err)),
			 LEDGER_ERR_IO);
}

static void copy_file_and_heads(void **state)
{
	struct fixture *f = *state;
	char err[512], src[300], dst[300];
	uint8_t h1[AUDIT_HASH_BYTES], h2[AUDIT_HASH_BYTES];
	uint8_t h3[AUDIT_HASH_BYTES];
	struct ledger *c;
	int64_t id1, id2;

	snprintf(src, sizeof(src), "%s/cardtally-20260101-000000.db", f->bk);
	snprintf(dst, sizeof(dst), "%s/copy.db", f->dir);
	assert_int_equal(ledger_backup_to(f->l, f->bk,
					  "cardtally-20260101-000000.db", err,
					  sizeof(err)),
			 0);
	assert_int_equal(backup_copy_file(src, dst, err, sizeof(err)), 0);
	assert_int_equal(backup_copy_file(src, dst, err, sizeof(err)),
			 LEDGER_ERR_EXISTS);
	assert_int_equal(ledger_open(dst, &c, err, sizeof(err)), 0);
	assert_int_equal(ledger_audit_head(f->l, &id1, h1), 0);
	assert_int_equal(ledger_audit_head(c, &id2, h2), 0);
	assert_true(id1 > 0 && id1 == id2);
	assert_memory_equal(h1, h2, sizeof(h1));
	/* The ledger goes on; the copy's head is an entry of its chain. */
	assert_int_equal(ledger_audit(f->l, 0, 1772413201, "test", NULL, "two"),
			 0);
	assert_int_equal(ledger_audit_head(f->l, &id1, h1), 0);
	assert_true(id1 == id2 + 1);
	assert_int_equal(ledger_audit_hash_at(f->l, id2, h3), 1);
	assert_memory_equal(h2, h3, sizeof(h2));
	assert_int_equal(ledger_audit_hash_at(c, id1, h3), 0);
	ledger_close(c);
}

static void open_as_is(void **state)
{
	struct fixture *f = *state;
	struct ledger *l;
	char err[512];
	sqlite3 *db;

	/* A file that says it is version 12: opened as it is, it stays so
	 * (ledger_open would migrate it). */
	ledger_close(f->l);
	f->l = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "PRAGMA user_version = 12", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(
	    ledger_open_how(f->path, LEDGER_OPEN_AS_IS, &l, err, sizeof(err)),
	    0);
	assert_int_equal(ledger_schema_version(l), 12);
	ledger_close(l);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), 12);
	/* Read-only: nothing can be written. */
	assert_int_equal(
	    ledger_open_how(f->path, LEDGER_OPEN_AS_IS | LEDGER_OPEN_READ_ONLY,
			    &l, err, sizeof(err)),
	    0);
	assert_int_not_equal(ledger_audit(l, 0, 1, "x", NULL, NULL), 0);
	ledger_close(l);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), 12);
}

static void leave_wal_and_in_use(void **state)
{
	struct fixture *f = *state;
	int go[2], ready[2];
	char err[512], c;
	pid_t pid;

	ledger_close(f->l);
	f->l = NULL;
	assert_int_equal(ledger_in_use(f->path), 0);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Another process with the ledger open, idle. */
		struct ledger *l;

		if (ledger_open(f->path, &l, err, sizeof(err)) < 0 ||
		    ledger_schema_version(l) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		ledger_close(l);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(ledger_in_use(f->path), 1);
	assert_int_equal(write(go[1], "g", 1), 1);
	{
		int status;

		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	assert_int_equal(ledger_in_use(f->path), 0);
	/* Alone: out of WAL mode, the file alone is the ledger. */
	assert_int_equal(ledger_open(f->path, &f->l, err, sizeof(err)), 0);
	assert_int_equal(ledger_leave_wal(f->l), 0);
	{
		unsigned char head[20];
		char wal[220];
		FILE *fp = fopen(f->path, "rb");

		assert_non_null(fp);
		assert_int_equal(fread(head, 1, sizeof(head), fp),
				 sizeof(head));
		fclose(fp);
		assert_int_equal(head[18], 1); /* not WAL (2) any more */
		snprintf(wal, sizeof(wal), "%s-wal", f->path);
		assert_int_not_equal(access(wal, F_OK), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names),
	    cmocka_unit_test(stamp_is_local),
	    cmocka_unit_test_setup_teardown(backup_to_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(dir_walk_and_remove, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(copy_file_and_heads, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(open_as_is, setup, teardown),
	    cmocka_unit_test_setup_teardown(leave_wal_and_in_use, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
