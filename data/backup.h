/*
 * Copies of the ledger (backup.c): SQLite's online backup of an open
 * ledger into a file of its own, the names those copies take in a
 * directory, and what restoring one needs of the files themselves.  Which
 * copies to keep is reconcile/'s rule (recon_backup_keep); the workflow
 * (scanner/workflow/wf_backup.c) puts the pieces together.
 *
 * A copy is one self-contained SQLite file (rollback journal, no -wal or
 * -shm beside it), mode 0600, written under a temporary name in the
 * directory, fsynced, then given its name: a copy under a backup name is
 * always whole.  Names sort by time: cardtally-YYYYMMDD-HHMMSS.db, the
 * local time of the copy.
 *
 * Errors: 0 or a negative LEDGER_ERR_*, with what failed (naming the
 * path) in err.
 */
#ifndef CT_BACKUP_H
#define CT_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

/* "cardtally-20260301-190000.db" and its NUL. */
#define BACKUP_NAME_BUF 32

/* The name of a copy made at `stamp` (YYYYMMDDHHMMSS as a number, a local
 * time: backup_stamp). */
void backup_name(int64_t stamp, char out[BACKUP_NAME_BUF]);
/* YYYYMMDDHHMMSS of unix time t in the local zone (TZ respected). */
int64_t backup_stamp(int64_t t);
/* 1 and *stamp when name is exactly a copy's name of a real date and time,
 * else 0: nothing else in a directory is ever taken for a copy. */
int backup_name_parse(const char *name, int64_t *stamp);

/*
 * Copies the ledger l into dir/name: the online backup API reads one
 * snapshot while other processes go on reading and writing (WAL), into
 * dir/.name.tmp (created, mode 0600), which is switched to a rollback
 * journal, fsynced and renamed to name (never over an existing file:
 * LEDGER_ERR_EXISTS), and the directory fsynced.  On failure the
 * temporary file is removed.  dir must exist (LEDGER_ERR_NOTFOUND).
 */
int ledger_backup_to(struct ledger *l, const char *dir, const char *name,
		     char *err, size_t errlen);
/*
 * Copies the SQLite file src into a new file dst (created, mode 0600:
 * LEDGER_ERR_EXISTS when it exists), read through the backup API as
 * above, and fsyncs it.  For restoring: dst lies beside the ledger it
 * will replace.  On failure dst is removed.
 */
int backup_copy_file(const char *src, const char *dst, char *err,
		     size_t errlen);
/* Calls fn with each copy's name in dir (backup_name_parse) and its
 * stamp, in no order; a non-zero return from fn stops the walk and is
 * returned. */
int backup_dir_each(const char *dir,
		    int (*fn)(void *ctx, const char *name, int64_t stamp),
		    void *ctx, char *err, size_t errlen);
/* Removes dir/name, which must be a copy's name (LEDGER_ERR_INVALID
 * otherwise: nothing else is ever removed). */
int backup_remove(const char *dir, const char *name, char *err, size_t errlen);

/*
 * The audit chain's head: *id the last entry (0: an empty log) and its
 * hash (zeros when empty).
 */
int ledger_audit_head(struct ledger *l, int64_t *id,
		      uint8_t hash[AUDIT_HASH_BYTES]);
/* The hash of audit entry id into hash: 1 when the entry exists, 0 when
 * it does not, or a negative LEDGER_ERR_*. */
int ledger_audit_hash_at(struct ledger *l, int64_t id,
			 uint8_t hash[AUDIT_HASH_BYTES]);
/*
 * Takes the file out of WAL mode (PRAGMA journal_mode=DELETE): the WAL is
 * checkpointed into the file and removed, so that the file alone is the
 * ledger and can be renamed.  SQLite can only do so while no other
 * connection has the file open: LEDGER_ERR_BUSY when one does (another
 * process: the terminal UI, a scan).  The next ledger_open puts it back
 * in WAL mode.
 */
int ledger_leave_wal(struct ledger *l);
/*
 * Whether another process has the ledger at path open: 1 when one holds
 * the shared lock every SQLite connection in WAL mode keeps on the -shm
 * file while it is open (the "dead man switch" byte of SQLite's WAL
 * index, held even while the connection is idle), else 0.  Call it
 * before this process opens the file: closing the descriptor this opens
 * would drop this process's own locks on the -shm file.
 */
int ledger_in_use(const char *path);

#endif
