/*
 * Copies of the ledger (see backup.h): SQLite's online backup API into a
 * temporary file beside the copy's name, made durable and renamed; the
 * names copies take; the audit chain's head that restoring compares.
 */
#include "backup.h"

#include "ledger_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_PREFIX "cardtally-"
#define NAME_SUFFIX ".db"

void backup_name(int64_t stamp, char out[BACKUP_NAME_BUF])
{
	char buf[64];
	int n;

	/* A stamp out of range (not from backup_stamp) gives a name that
	 * backup_name_parse refuses, never a longer one. */
	if (stamp < 0 || stamp > 99991231235959LL)
		stamp = 0;
	n = snprintf(buf, sizeof(buf), NAME_PREFIX "%08lld-%06lld" NAME_SUFFIX,
		     (long long)(stamp / 1000000),
		     (long long)(stamp % 1000000));
	if (n < 0 || n >= BACKUP_NAME_BUF)
		n = 0;
	memcpy(out, buf, (size_t)n);
	out[n] = '\0';
}

int64_t backup_stamp(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm))
		return 0;
	return ((((int64_t)tm.tm_year + 1900) * 100 + tm.tm_mon + 1) * 100 +
		tm.tm_mday) *
		   1000000 +
	       ((int64_t)tm.tm_hour * 100 + tm.tm_min) * 100 + tm.tm_sec;
}

/* n decimal digits at s into *v. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

int backup_name_parse(const char *name, int64_t *stamp)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	const size_t pre = strlen(NAME_PREFIX);
	int y, mo, d, h, mi, s;

	if (strlen(name) != pre + 15 + strlen(NAME_SUFFIX) ||
	    strncmp(name, NAME_PREFIX, pre) != 0 || name[pre + 8] != '-' ||
	    strcmp(name + pre + 15, NAME_SUFFIX) != 0)
		return 0;
	name += pre;
	if (!digits(name, 4, &y) || !digits(name + 4, 2, &mo) ||
	    !digits(name + 6, 2, &d) || !digits(name + 9, 2, &h) ||
	    !digits(name + 11, 2, &mi) || !digits(name + 13, 2, &s))
		return 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))) ||
	    h > 23 || mi > 59 || s > 60)
		return 0;
	*stamp = (((int64_t)y * 100 + mo) * 100 + d) * 1000000 +
		 ((int64_t)h * 100 + mi) * 100 + s;
	return 1;
}

/* fsync of a path (a file, or a directory after a rename in it). */
static int sync_path(const char *path, int dir)
{
	int fd =
	    open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

/*
 * The backup proper: src's main database into the empty file dst.  One
 * sqlite3_backup_step(-1) copies every page inside one read transaction:
 * one consistent snapshot, and in WAL mode writers in other processes
 * are not held up (with steps of a few pages, each of their commits
 * would restart the copy).  The copy is then switched to a rollback
 * journal: one file, nothing beside it.
 */
static int copy_db(sqlite3 *src, const char *dst, char *err, size_t errlen)
{
	sqlite3 *d = NULL;
	sqlite3_backup *b;
	int rc = 0, step;

	if (sqlite3_open_v2(dst, &d,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", dst,
			 d ? sqlite3_errmsg(d) : "out of memory");
		sqlite3_close(d);
		return LEDGER_ERR_IO;
	}
	sqlite3_busy_timeout(src, 10000);
	b = sqlite3_backup_init(d, "main", src, "main");
	if (!b) {
		snprintf(err, errlen, "cannot copy to %s: %s", dst,
			 sqlite3_errmsg(d));
		sqlite3_close(d);
		return LEDGER_ERR_IO;
	}
	/* A writer's lock can be met at the first step (a checkpoint, a
	 * recovery): the step is tried again for up to ten seconds. */
	for (int waited = 0;; waited += 20) {
		step = sqlite3_backup_step(b, -1);
		if ((step != SQLITE_BUSY && step != SQLITE_LOCKED) ||
		    waited >= 10000)
			break;
		sqlite3_sleep(20);
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
		int code = step != SQLITE_DONE ? step : sqlite3_errcode(d);

		snprintf(err, errlen, "copying the ledger to %s failed: %s",
			 dst, sqlite3_errstr(code));
		rc = (code & 0xff) == SQLITE_FULL ||
			     (code & 0xff) == SQLITE_IOERR
			 ? LEDGER_ERR_IO
		     : (code & 0xff) == SQLITE_BUSY ? LEDGER_ERR_BUSY
						    : LEDGER_ERR_SQL;
	}
	if (rc == 0 && sqlite3_exec(d,
				    "PRAGMA journal_mode=DELETE;"
				    "PRAGMA synchronous=FULL;",
				    NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot finish %s: %s", dst,
			 sqlite3_errmsg(d));
		rc = LEDGER_ERR_IO;
	}
	if (sqlite3_close(d) != SQLITE_OK && rc == 0) {
		snprintf(err, errlen, "cannot close %s", dst);
		rc = LEDGER_ERR_IO;
	}
	if (rc == 0 && sync_path(dst, 0) < 0) {
		snprintf(err, errlen, "cannot sync %s: %s", dst,
			 strerror(errno));
		rc = LEDGER_ERR_IO;
	}
	return rc;
}

/* Creates the empty file path, mode 0600 whatever the umask: SQLite then
 * writes the copy into it (an empty file is an empty database). */
static int create_private(const char *path, char *err, size_t errlen)
{
	int fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot create %s: %s", path,
			 strerror(e));
		return e == EEXIST   ? LEDGER_ERR_EXISTS
		       : e == ENOENT ? LEDGER_ERR_NOTFOUND
				     : LEDGER_ERR_IO;
	}
	if (fchmod(fd, 0600) < 0 || close(fd) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path,
			 strerror(errno));
		unlink(path);
		return LEDGER_ERR_IO;
	}
	return 0;
}

/* Removes a copy's leftovers (a failed copy, its journal). */
static void remove_partial(const char *path)
{
	char j[4300];

	unlink(path);
	snprintf(j, sizeof(j), "%s-journal", path);
	unlink(j);
}

int ledger_backup_to(struct ledger *l, const char *dir, const char *name,
		     char *err, size_t errlen)
{
	char tmp[4200], dst[4200];
	struct stat sb;
	int rc;

	if (stat(dir, &sb) < 0) {
		snprintf(err, errlen, "backup directory %s: %s", dir,
			 strerror(errno));
		return errno == ENOENT ? LEDGER_ERR_NOTFOUND : LEDGER_ERR_IO;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "backup directory %s: not a directory",
			 dir);
		return LEDGER_ERR_NOTFOUND;
	}
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >=
		(int)sizeof(tmp) ||
	    snprintf(dst, sizeof(dst), "%s/%s", dir, name) >=
		(int)sizeof(dst)) {
		snprintf(err, errlen, "backup directory path too long");
		return LEDGER_ERR_INVALID;
	}
	rc = create_private(tmp, err, errlen);
	if (rc < 0)
		return rc;
	rc = copy_db(l->db, tmp, err, errlen);
	/* link, then unlink: unlike rename, never over an existing copy. */
	if (rc == 0 && link(tmp, dst) < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot name the copy %s: %s", dst,
			 strerror(e));
		rc = e == EEXIST ? LEDGER_ERR_EXISTS : LEDGER_ERR_IO;
	}
	remove_partial(tmp);
	if (rc == 0 && sync_path(dir, 1) < 0) {
		snprintf(err, errlen, "cannot sync %s: %s", dir,
			 strerror(errno));
		rc = LEDGER_ERR_IO;
	}
	return rc;
}

int backup_copy_file(const char *src, const char *dst, char *err, size_t errlen)
{
	sqlite3 *s = NULL;
	int rc;

	if (sqlite3_open_v2(src, &s, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", src,
			 s ? sqlite3_errmsg(s) : "out of memory");
		sqlite3_close(s);
		return LEDGER_ERR_IO;
	}
	rc = create_private(dst, err, errlen);
	if (rc == 0) {
		rc = copy_db(s, dst, err, errlen);
		if (rc < 0)
			remove_partial(dst);
	}
	sqlite3_close(s);
	return rc;
}

int backup_dir_each(const char *dir,
		    int (*fn)(void *ctx, const char *name, int64_t stamp),
		    void *ctx, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		snprintf(err, errlen, "cannot list %s: %s", dir,
			 strerror(errno));
		return LEDGER_ERR_IO;
	}
	errno = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		int64_t stamp;

		if (backup_name_parse(de->d_name, &stamp))
			rc = fn(ctx, de->d_name, stamp);
		errno = 0;
	}
	if (rc == 0 && errno) {
		snprintf(err, errlen, "cannot list %s: %s", dir,
			 strerror(errno));
		rc = LEDGER_ERR_IO;
	}
	closedir(d);
	return rc;
}

int backup_remove(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4200];
	int64_t stamp;

	if (!backup_name_parse(name, &stamp)) {
		snprintf(err, errlen, "%s is not a cardtally backup's name",
			 name);
		return LEDGER_ERR_INVALID;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) < 0) {
		snprintf(err, errlen, "cannot remove %s: %s", path,
			 strerror(errno));
		return errno == ENOENT ? LEDGER_ERR_NOTFOUND : LEDGER_ERR_IO;
	}
	return 0;
}

/* ---- the audit chain's head ---- */

int ledger_audit_head(struct ledger *l, int64_t *id,
		      uint8_t hash[AUDIT_HASH_BYTES])
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &st);

	*id = 0;
	memset(hash, 0, AUDIT_HASH_BYTES);
	if (rc < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == AUDIT_HASH_BYTES)
			memcpy(hash, sqlite3_column_blob(st, 1),
			       AUDIT_HASH_BYTES);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = ledger_sql_error(l, "audit head");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_audit_hash_at(struct ledger *l, int64_t id,
			 uint8_t hash[AUDIT_HASH_BYTES])
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, "SELECT hash FROM audit WHERE id = ?", &st);

	memset(hash, 0, AUDIT_HASH_BYTES);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == AUDIT_HASH_BYTES)
			memcpy(hash, sqlite3_column_blob(st, 0),
			       AUDIT_HASH_BYTES);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = ledger_sql_error(l, "audit entry");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_in_use(const char *path)
{
	/* SQLite's unix VFS: the WAL index's locks start at byte 120 of
	 * the -shm file, eight of them, then the DMS byte (128) that every
	 * open connection holds a read lock on (sqlite.org/walformat.html,
	 * "the DMS lock"). */
	struct flock fl = {.l_type = F_WRLCK,
			   .l_whence = SEEK_SET,
			   .l_start = 128,
			   .l_len = 1};
	char shm[4300];
	int fd, busy = 0;

	snprintf(shm, sizeof(shm), "%s-shm", path);
	fd = open(shm, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* nobody has it open in WAL mode */
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		busy = 1;
	close(fd);
	return busy;
}

int ledger_leave_wal(struct ledger *l)
{
	sqlite3_stmt *st;
	int rc;

	/* No waiting: another connection does not go away by itself. */
	sqlite3_busy_timeout(l->db, 0);
	rc = ledger_prepare(l, "PRAGMA journal_mode=DELETE", &st);
	if (rc == 0) {
		int step = sqlite3_step(st);

		if (step != SQLITE_ROW ||
		    strcmp(ledger_col_text(st, 0), "delete") != 0)
			rc = ledger_fail(l, LEDGER_ERR_BUSY,
					 "the ledger is open in another "
					 "process");
	}
	sqlite3_finalize(st);
	sqlite3_busy_timeout(l->db, 10000);
	return rc;
}
