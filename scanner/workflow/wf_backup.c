/*
 * Backups and restore (issue 14): `cardtally backup` copies the ledger
 * while the office works and rotates the copies, `backup verify` checks a
 * copy, `restore` puts one in the ledger's place.  The files are data/'s
 * (backup.h), the decisions reconcile/'s (recon_backup_keep,
 * recon_restore_allowed); this file puts them in order and says what
 * failed as a wf_err.
 */
#include "wf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How many seconds past now a backup looks for a free name (a copy a
 * second), before it lets the exclusive create refuse. */
#define BACKUP_NAME_TRIES 60

const struct wf_step wf_step_restore = {"restore", ACT_RESTORE, WF_PERMIT};

/* The last part of a path, for audit details and messages. */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---- backup ---- */

struct copies {
	int64_t *stamps;
	char (*names)[BACKUP_NAME_BUF];
	size_t n, cap;
};

static int collect(void *ctx, const char *name, int64_t stamp)
{
	struct copies *c = ctx;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		int64_t *s = realloc(c->stamps, cap * sizeof(*s));
		char(*nm)[BACKUP_NAME_BUF];

		if (!s)
			return LEDGER_ERR_NOMEM;
		c->stamps = s;
		nm = realloc(c->names, cap * sizeof(*nm));
		if (!nm)
			return LEDGER_ERR_NOMEM;
		c->names = nm;
		c->cap = cap;
	}
	c->stamps[c->n] = stamp;
	snprintf(c->names[c->n], BACKUP_NAME_BUF, "%s", name);
	c->n++;
	return 0;
}

/* Removes the copies in dir that recon_backup_keep does not keep. */
static int rotate(const char *dir, int keep_daily, int keep_monthly,
		  void (*removed)(void *ctx, const char *name), void *ctx,
		  size_t *nremoved, struct wf_err *e)
{
	struct copies c = {0};
	unsigned char *keep = NULL;
	char err[512];
	int rc = backup_dir_each(dir, collect, &c, err, sizeof(err));

	if (rc == LEDGER_ERR_NOMEM)
		rc = wf_fail(e, WF_E_NOMEM);
	else if (rc < 0)
		rc = wf_fail(e, WF_E_BACKUP_FAILED, err);
	if (rc == 0 && c.n) {
		keep = malloc(c.n);
		if (!keep)
			rc = wf_fail(e, WF_E_NOMEM);
	}
	if (rc == 0 && c.n &&
	    recon_backup_keep(c.stamps, c.n, keep_daily, keep_monthly, keep))
		rc = wf_fail(e, WF_E_BACKUP_FAILED, "bad rotation settings");
	for (size_t i = 0; rc == 0 && i < c.n; i++) {
		if (keep[i])
			continue;
		if (removed)
			removed(ctx, c.names[i]);
		if (backup_remove(dir, c.names[i], err, sizeof(err)) < 0)
			rc = wf_fail(e, WF_E_BACKUP_FAILED, err);
		else
			(*nremoved)++;
	}
	free(keep);
	free(c.stamps);
	free(c.names);
	return rc;
}

int wf_backup(const char *db, const char *dir, int keep_daily, int keep_monthly,
	      int64_t now, void (*removed)(void *ctx, const char *name),
	      void *ctx, struct wf_backup_made *out, struct wf_err *e)
{
	struct ledger *l = NULL;
	char name[BACKUP_NAME_BUF], err[512], detail[128];
	uint8_t head[AUDIT_HASH_BYTES];
	int audited, rc;

	memset(out, 0, sizeof(*out));
	/* Copies are named by the second and never overwrite one another:
	 * a second backup within the same second (the timer and a manual
	 * run, a package upgrade configured again) takes the next free
	 * second. */
	for (int k = 0;; k++) {
		backup_name(backup_stamp(now + k), name);
		if (snprintf(out->path, sizeof(out->path), "%s/%s", dir,
			     name) >= (int)sizeof(out->path))
			return wf_fail(
			    e, WF_E_BACKUP_FAILED,
			    "the backup directory's path is too long");
		if (k == BACKUP_NAME_TRIES || access(out->path, F_OK) < 0)
			break;
	}
	/* As it is: a package upgrade copies the ledger before it migrates
	 * it, and a copy is of the file as it was. */
	rc = ledger_open_how(db, LEDGER_OPEN_AS_IS, &l, err, sizeof(err));
	if (rc < 0)
		return wf_fail(
		    e, rc == LEDGER_ERR_IO ? WF_E_LEDGER_IO : WF_E_LEDGER, err);
	out->version = ledger_schema_version(l);
	/* The backup is recorded in the ledger only when it is of this
	 * build's version: an older file (a package upgrade copies it before
	 * migrating it) or a newer one (which this build must not change) is
	 * copied as it is, untouched.  Version 1 had no chain at all. */
	audited = out->version == LEDGER_SCHEMA_VERSION;
	if (audited) {
		snprintf(detail, sizeof(detail), "file=%s", name);
		rc = ledger_audit(l, 0, now, "backup", NULL, detail);
		if (rc < 0) {
			rc = wf_fail_ledger(e, l);
			goto out;
		}
	}
	rc = ledger_audit_head(l, &out->entries, head);
	if (rc < 0) {
		rc = wf_fail_ledger(e, l);
		goto out;
	}
	rc = ledger_backup_to(l, dir, name, err, sizeof(err));
	if (rc < 0) {
		if (audited) {
			char why[300];

			snprintf(why, sizeof(why), "file=%s why=%.200s", name,
				 err);
			ledger_audit(l, 0, now, "backup.failed", NULL, why);
		}
		rc = wf_fail(e, WF_E_BACKUP_FAILED, err);
		goto out;
	}
	rc = rotate(dir, keep_daily, keep_monthly, removed, ctx, &out->removed,
		    e);
out:
	ledger_close(l);
	return rc;
}

/* ---- verify ---- */

/* The audit verification of l into *out; 0 or the exit status. */
static int verify_audit(struct ledger *l, const char *file,
			struct wf_backup_check *out, struct wf_err *e)
{
	struct audit_verify *v = malloc(sizeof(*v));
	int rc;

	if (!v)
		return wf_fail(e, WF_E_NOMEM);
	rc = ledger_audit_verify(l, NULL, 0, v);
	if (rc < 0)
		rc = wf_fail(e, WF_E_BACKUP_AUDIT, base_name(file),
			     ledger_errmsg(l));
	else if (v->problem != AUDIT_INTACT)
		rc = wf_fail(e, WF_E_BACKUP_AUDIT, base_name(file), v->what);
	else {
		out->entries = v->entries;
		out->records = v->records;
		out->replayed = v->replayed;
	}
	free(v);
	return rc;
}

/* Removes a scratch ledger and its WAL files. */
static void remove_ledger_files(const char *path)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	char p[WF_PATH_MAX + 64];

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		unlink(p);
	}
}

/*
 * A copy of an older version has tables the verification of this build
 * does not find: its log is verified on a scratch copy migrated as a
 * restore would migrate it (the migration appends to the chain; what the
 * copy held is verified all the same).
 */
static int verify_migrated(const char *file, struct wf_backup_check *out,
			   struct wf_err *e)
{
	const char *tmp = getenv("TMPDIR");
	char dir[WF_PATH_MAX], path[WF_PATH_MAX + 16], err[512];
	struct ledger *l = NULL;
	int rc;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/cardtally-verify.XXXXXX", tmp);
	if (!mkdtemp(dir))
		return wf_fail(e, WF_E_BACKUP_UNREADABLE, strerror(errno));
	snprintf(path, sizeof(path), "%s/ledger.db", dir);
	rc = backup_copy_file(file, path, err, sizeof(err));
	if (rc == 0)
		rc = ledger_open(path, &l, err, sizeof(err));
	if (rc < 0)
		rc = wf_fail(e, WF_E_BACKUP_UNREADABLE, err);
	else
		rc = verify_audit(l, file, out, e);
	ledger_close(l);
	remove_ledger_files(path);
	rmdir(dir);
	out->migrated = rc == 0;
	return rc;
}

int wf_backup_verify(const char *file, struct wf_backup_check *out,
		     struct wf_err *e)
{
	struct ledger *l = NULL;
	char err[512], a[24], b[24];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ledger_open_how(file, LEDGER_OPEN_AS_IS | LEDGER_OPEN_READ_ONLY,
			     &l, err, sizeof(err));
	if (rc < 0)
		return wf_fail(e, WF_E_BACKUP_UNREADABLE, err);
	/* The pages first: a damaged file can make every later answer
	 * wrong. */
	rc = ledger_integrity_check(l, out->integrity, sizeof(out->integrity));
	if (rc < 0)
		rc = wf_fail(e, WF_E_BACKUP_DAMAGED, base_name(file),
			     ledger_errmsg(l));
	else if (strcmp(out->integrity, "ok") != 0)
		rc = wf_fail(e, WF_E_BACKUP_DAMAGED, base_name(file),
			     out->integrity);
	if (rc)
		goto out;
	out->version = ledger_schema_version(l);
	if (out->version > LEDGER_SCHEMA_VERSION) {
		rc = wf_fail(e, WF_E_BACKUP_NEWER, base_name(file),
			     wf_i64(a, out->version),
			     wf_i64(b, LEDGER_SCHEMA_VERSION));
		goto out;
	}
	if (ledger_audit_head(l, &out->head_id, out->head) < 0) {
		rc = wf_fail(e, WF_E_BACKUP_AUDIT, base_name(file),
			     ledger_errmsg(l));
		goto out;
	}
	if (out->version == LEDGER_SCHEMA_VERSION)
		rc = verify_audit(l, file, out, e);
	else
		rc = verify_migrated(file, out, e);
out:
	ledger_close(l);
	return rc;
}

/* ---- restore ---- */

/* How the copy's chain (bid, bh) stands to the ledger's. */
static int chain_of(struct ledger *cur, const struct wf_backup_check *b,
		    struct ledger *copy, enum recon_chain *out)
{
	uint8_t ch[AUDIT_HASH_BYTES], h[AUDIT_HASH_BYTES];
	int64_t cid;
	int rc = ledger_audit_head(cur, &cid, ch);

	if (rc < 0)
		return rc;
	if (cid == b->head_id) {
		*out = memcmp(ch, b->head, sizeof(ch)) == 0 ? CHAIN_SAME
							    : CHAIN_DIVERGED;
		return 0;
	}
	if (cid > b->head_id) {
		/* Does the ledger hold the copy's last entry? */
		rc = b->head_id == 0 ? 1
				     : ledger_audit_hash_at(cur, b->head_id, h);
		if (rc < 0)
			return rc;
		*out = rc == 1 && (b->head_id == 0 ||
				   memcmp(h, b->head, sizeof(h)) == 0)
			   ? CHAIN_BEHIND
			   : CHAIN_DIVERGED;
		return 0;
	}
	/* The copy is longer: does it hold the ledger's last entry? */
	rc = cid == 0 ? 1 : ledger_audit_hash_at(copy, cid, h);
	if (rc < 0)
		return rc;
	*out = rc == 1 && (cid == 0 || memcmp(h, ch, sizeof(h)) == 0)
		   ? CHAIN_AHEAD
		   : CHAIN_DIVERGED;
	return 0;
}

static const char *chain_name(enum recon_chain c)
{
	static const char *const names[] = {"no-ledger", "same", "ahead",
					    "behind", "diverged"};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

/* Puts the staged copy at db, keeping the ledger there at aside (when
 * there is one).  0, or -1 with err. */
static int swap_in(const char *db, const char *staged, const char *aside,
		   int have_ledger, char *err, size_t errlen)
{
	if (have_ledger) {
		/* A hard link keeps the old ledger while the copy takes its
		 * name in one rename: at no moment is there no ledger. */
		if (link(db, aside) < 0 && rename(db, aside) < 0) {
			snprintf(err, errlen,
				 "cannot keep %.300s as %.300s: %s", db, aside,
				 strerror(errno));
			return -1;
		}
		/* A ledger that could not be opened may have left its WAL
		 * files: they go with it. */
		for (const char *const *x =
			 (const char *const[]){"-wal", "-shm", NULL};
		     *x; x++) {
			char from[WF_PATH_MAX + 8], to[WF_PATH_MAX + 8];

			snprintf(from, sizeof(from), "%s%s", db, *x);
			snprintf(to, sizeof(to), "%s%s", aside, *x);
			if (access(from, F_OK) == 0)
				rename(from, to);
		}
	}
	if (rename(staged, db) < 0) {
		snprintf(err, errlen, "cannot put the copy at %.300s: %s", db,
			 strerror(errno));
		return -1;
	}
	return 0;
}

int wf_restore(const char *db, const char *file, const char *code,
	       const char *pin, int force, const char *reason, int64_t now,
	       struct wf_restored *out, struct wf_err *e)
{
	struct ledger *cur = NULL, *copy = NULL, *who;
	char staged[WF_PATH_MAX + 32], err[1024], name[BACKUP_NAME_BUF];
	char detail[1024], hex[AUDIT_HEX_BUF];
	struct staff_rec actor, in_copy;
	const char *rule;
	struct stat sb;
	int rc, have_ledger;

	memset(out, 0, sizeof(*out));
	if (reason && *reason) {
		rc = wf_text(e, N_("the reason"), reason, 200, 0);
		if (rc)
			return rc;
	}
	rc = wf_backup_verify(file, &out->check, e);
	if (rc)
		return rc;
	snprintf(staged, sizeof(staged), "%s.restore-%ld", db, (long)getpid());
	remove_ledger_files(staged);
	rc = backup_copy_file(file, staged, err, sizeof(err));
	if (rc < 0)
		return wf_fail(e, WF_E_RESTORE_FAILED, err);
	/* Migrated beside the ledger, as every open would. */
	rc = ledger_open(staged, &copy, err, sizeof(err));
	if (rc < 0) {
		rc = wf_fail(e, WF_E_RESTORE_FAILED, err);
		goto out;
	}
	have_ledger = lstat(db, &sb) == 0;
	/* Another process with the ledger open (the kiosk's TUI, a scan)
	 * would go on writing into the file kept aside. */
	if (have_ledger && ledger_in_use(db)) {
		rc = wf_fail(e, WF_E_RESTORE_IN_USE, db);
		goto out;
	}
	/* A ledger that cannot be opened (the damage a restore is for) is
	 * kept aside all the same, and the manager logs in on the copy. */
	if (have_ledger && ledger_open(db, &cur, err, sizeof(err)) < 0)
		cur = NULL;
	who = cur ? cur : copy;
	rc = wf_login(who, code, pin, now, &actor, e);
	if (rc == 0)
		rc = wf_may(who, &wf_step_restore, &actor, now, e);
	if (rc)
		goto out;
	out->chain = CHAIN_NO_LEDGER;
	if (cur && chain_of(cur, &out->check, copy, &out->chain) < 0) {
		rc = wf_fail_ledger(e, cur);
		goto out;
	}
	if (recon_restore_allowed(out->chain, force,
				  reason ? strlen(reason) : 0, &rule) < 0) {
		rc = wf_fail(e, WF_E_RESTORE_REFUSED, base_name(file), rule);
		goto out;
	}
	backup_name(backup_stamp(now), name);
	/* db.replaced-YYYYMMDD-HHMMSS: the time part of a copy's name. */
	if (have_ledger)
		snprintf(out->aside, sizeof(out->aside), "%s.replaced-%.15s",
			 db, name + strlen("cardtally-"));
	/* The ledger is free of other connections, and all in one file,
	 * or nothing happens. */
	if (cur && ledger_leave_wal(cur) < 0) {
		rc = ledger_errcode(cur) == LEDGER_ERR_BUSY
			 ? wf_fail(e, WF_E_RESTORE_IN_USE, db)
			 : wf_fail_ledger(e, cur);
		goto out;
	}
	audit_hex(out->check.head, hex);
	snprintf(detail, sizeof(detail),
		 "file=%s entries=%lld head=%s chain=%s by=%s%s%s%s",
		 base_name(file), (long long)out->check.head_id, hex,
		 chain_name(out->chain), actor.code, force ? " forced=1" : "",
		 reason && *reason ? " reason=" : "", reason ? reason : "");
	/* The copy's log says who put it there and why; the ledger's own
	 * log, kept aside, says what replaced it. */
	rc = ledger_staff_get(copy, actor.code, &in_copy);
	if (rc == 0 || rc == LEDGER_ERR_NOTFOUND)
		rc = ledger_audit(copy, rc == 0 ? in_copy.id : 0, now,
				  "restore", NULL, detail);
	if (rc == 0)
		rc = ledger_leave_wal(copy);
	if (rc < 0) {
		rc = wf_fail_ledger(e, copy);
		goto out;
	}
	if (cur && ledger_audit(cur, actor.id, now, "restore.replace", NULL,
				detail) < 0) {
		rc = wf_fail_ledger(e, cur);
		goto out;
	}
	ledger_close(copy);
	copy = NULL;
	ledger_close(cur);
	cur = NULL;
	if (swap_in(db, staged, out->aside, have_ledger, err, sizeof(err)) <
	    0) {
		rc = wf_fail(e, WF_E_RESTORE_FAILED, err);
		goto out;
	}
	{
		char dir[WF_PATH_MAX];
		const char *slash = strrchr(db, '/');
		int fd;

		snprintf(dir, sizeof(dir), "%.*s",
			 slash ? (int)(slash - db) + (slash == db) : 1,
			 slash ? db : ".");
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	return 0;
out:
	ledger_close(copy);
	ledger_close(cur);
	remove_ledger_files(staged);
	return rc;
}
