/*
 * The outbox (outbox.h): the ward's Ed25519 key beside the ledger and the
 * batches cut from the audit log for the hub.  The key file is the one
 * secret of the sync: made once, never rewritten, mode 0600 like the
 * ledger.  The batch table (schema version 16, ledger_open.c) is bookkeeping:
 * which entries went into which signed batch and which batches the hub
 * acknowledged.  Nothing here talks to the hub (hub/ does).
 */
#include "outbox.h"
#include "ledger_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char outbox_domain[] = "cardtally batch v1";

_Static_assert(sizeof(outbox_domain) - 1 == 18, "OUTBOX_MSG_BYTES");
_Static_assert(OUTBOX_PK_BYTES == crypto_sign_PUBLICKEYBYTES, "pk size");
_Static_assert(OUTBOX_SK_BYTES == crypto_sign_SECRETKEYBYTES, "sk size");
_Static_assert(OUTBOX_SIG_BYTES == crypto_sign_BYTES, "signature size");

/* ---- the key ---- */

int outbox_key_path(const char *db, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s.key", db);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int key_fail(char *err, size_t errlen, int code, const char *path,
		    const char *what)
{
	snprintf(err, errlen, "the sync key %s %s", path, what);
	return code;
}

/* Makes the key file: a new key pair, written whole or not at all. */
static int key_make(const char *path, struct outbox_key *k, char *err,
		    size_t errlen)
{
	int fd, rc = 0;
	size_t off = 0;

	crypto_sign_keypair(k->pk, k->sk);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create the sync key %s: %s", path,
			 strerror(errno));
		return errno == EEXIST ? LEDGER_ERR_EXISTS : LEDGER_ERR_IO;
	}
	while (off < sizeof(k->sk) && rc == 0) {
		ssize_t n = write(fd, k->sk + off, sizeof(k->sk) - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = -1;
		else
			off += (size_t)n;
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(err, errlen, "cannot write the sync key %s: %s", path,
			 strerror(errno));
		close(fd);
		unlink(path);
		return LEDGER_ERR_IO;
	}
	close(fd);
	return 0;
}

int outbox_key_load(const char *db, int create, struct outbox_key *k, int *made,
		    char *err, size_t errlen)
{
	char path[4096];
	struct stat st;
	ssize_t n;
	int fd;

	*made = 0;
	if (outbox_key_path(db, path, sizeof(path)) < 0) {
		snprintf(err, errlen, "the ledger's path is too long");
		return LEDGER_ERR_INVALID;
	}
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to start");
		return LEDGER_ERR_SQL;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (!create)
			return key_fail(err, errlen, LEDGER_ERR_NOTFOUND, path,
					"does not exist: make it with "
					"'cardtally sync key'");
		if (key_make(path, k, err, errlen) < 0)
			return LEDGER_ERR_IO;
		*made = 1;
		return 0;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the sync key %s: %s", path,
			 strerror(errno));
		return LEDGER_ERR_IO;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return key_fail(err, errlen, LEDGER_ERR_INVALID, path,
				"is not a regular file");
	}
	if (st.st_mode & 077) {
		close(fd);
		return key_fail(err, errlen, LEDGER_ERR_INVALID, path,
				"may be read by others: it must be mode 0600");
	}
	n = read(fd, k->sk, sizeof(k->sk));
	close(fd);
	if (n != (ssize_t)sizeof(k->sk) || st.st_size != (off_t)sizeof(k->sk))
		return key_fail(err, errlen, LEDGER_ERR_INVALID, path,
				"is not a key (64 bytes)");
	crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
	return 0;
}

void outbox_pk_hex(const uint8_t pk[OUTBOX_PK_BYTES], char out[OUTBOX_PK_HEX])
{
	sodium_bin2hex(out, OUTBOX_PK_HEX, pk, OUTBOX_PK_BYTES);
}

int outbox_pk_parse(const char *s, uint8_t pk[OUTBOX_PK_BYTES])
{
	size_t len = 0;
	const char *end = NULL;

	if (strlen(s) != 2 * OUTBOX_PK_BYTES)
		return -1;
	if (sodium_hex2bin(pk, OUTBOX_PK_BYTES, s, strlen(s), NULL, &len,
			   &end) < 0 ||
	    len != OUTBOX_PK_BYTES || *end != '\0')
		return -1;
	return 0;
}

/* ---- signing ---- */

static uint8_t *put_u64(uint8_t *p, int64_t v)
{
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	return p;
}

void outbox_message(const struct outbox_batch *b, uint8_t out[OUTBOX_MSG_BYTES])
{
	uint8_t *p = out;

	memcpy(p, outbox_domain, sizeof(outbox_domain) - 1);
	p += sizeof(outbox_domain) - 1;
	p = put_u64(p, b->seq);
	p = put_u64(p, b->first);
	p = put_u64(p, b->last);
	memcpy(p, b->prev_head, AUDIT_HASH_BYTES);
	memcpy(p + AUDIT_HASH_BYTES, b->head, AUDIT_HASH_BYTES);
}

int outbox_sig_check(const struct outbox_batch *b,
		     const uint8_t pk[OUTBOX_PK_BYTES])
{
	uint8_t msg[OUTBOX_MSG_BYTES];

	outbox_message(b, msg);
	return crypto_sign_verify_detached(b->sig, msg, sizeof(msg), pk) == 0
		   ? 0
		   : -1;
}

/* ---- the batch table ---- */

static int blob_col(sqlite3_stmt *st, int i, uint8_t *out, size_t n)
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB ||
	    (size_t)sqlite3_column_bytes(st, i) != n)
		return -1;
	memcpy(out, sqlite3_column_blob(st, i), n);
	return 0;
}

/* The hash of audit entry id (zeros for id 0) into out. */
static int entry_hash(struct ledger *l, sqlite3_stmt *st, int64_t id,
		      uint8_t out[AUDIT_HASH_BYTES])
{
	int rc = 0, step;

	if (id == 0) {
		memset(out, 0, AUDIT_HASH_BYTES);
		return 0;
	}
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		if (blob_col(st, 0, out, AUDIT_HASH_BYTES) < 0)
			rc = ledger_fail(l, LEDGER_ERR_STATE,
					 "audit entry %lld has no valid hash: "
					 "run 'cardtally audit verify'",
					 (long long)id);
	} else if (step == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_STATE,
				 "audit entry %lld is missing: run "
				 "'cardtally audit verify'",
				 (long long)id);
	} else {
		rc = ledger_sql_error(l, "outbox");
	}
	sqlite3_reset(st);
	return rc;
}

static int int_query(struct ledger *l, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, sql, &st);

	if (rc < 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = ledger_sql_error(l, "outbox");
	sqlite3_finalize(st);
	return rc;
}

int outbox_cut(struct ledger *l, const struct outbox_key *k, int64_t max,
	       int64_t now, int *ncut)
{
	sqlite3_stmt *hash = NULL, *ins = NULL;
	struct outbox_batch b = {.made_at = now};
	int64_t seq = 0, done = 0, newest = 0;
	uint8_t msg[OUTBOX_MSG_BYTES];
	int rc;

	*ncut = 0;
	if (max < 1 || max > OUTBOX_BATCH_MAX)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "a batch holds 1-%d entries",
				   OUTBOX_BATCH_MAX);
	rc = ledger_begin(l);
	if (rc < 0)
		return rc;
	rc = int_query(l, "SELECT coalesce(max(seq), 0) FROM outbox_batch",
		       &seq);
	if (rc == 0)
		rc = int_query(l,
			       "SELECT coalesce(max(last_entry), 0) FROM "
			       "outbox_batch",
			       &done);
	if (rc == 0)
		rc = int_query(l, "SELECT coalesce(max(id), 0) FROM audit",
			       &newest);
	if (rc == 0)
		rc = ledger_prepare(l, "SELECT hash FROM audit WHERE id = ?",
				    &hash);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "INSERT INTO outbox_batch(seq, "
				    "first_entry, last_entry, prev_head, head, "
				    "signature, made_at) VALUES (?, ?, ?, ?, "
				    "?, ?, ?)",
				    &ins);
	while (rc == 0 && done < newest) {
		b.seq = ++seq;
		b.first = done + 1;
		b.last = newest - done > max ? done + max : newest;
		rc = entry_hash(l, hash, b.first - 1, b.prev_head);
		if (rc == 0)
			rc = entry_hash(l, hash, b.last, b.head);
		if (rc < 0)
			break;
		outbox_message(&b, msg);
		crypto_sign_detached(b.sig, NULL, msg, sizeof(msg), k->sk);
		sqlite3_bind_int64(ins, 1, b.seq);
		sqlite3_bind_int64(ins, 2, b.first);
		sqlite3_bind_int64(ins, 3, b.last);
		sqlite3_bind_blob(ins, 4, b.prev_head, AUDIT_HASH_BYTES,
				  SQLITE_STATIC);
		sqlite3_bind_blob(ins, 5, b.head, AUDIT_HASH_BYTES,
				  SQLITE_STATIC);
		sqlite3_bind_blob(ins, 6, b.sig, OUTBOX_SIG_BYTES,
				  SQLITE_STATIC);
		sqlite3_bind_int64(ins, 7, now);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = ledger_sql_error(l, "outbox");
		sqlite3_reset(ins);
		done = b.last;
		if (rc == 0)
			(*ncut)++;
	}
	sqlite3_finalize(hash);
	sqlite3_finalize(ins);
	if (rc < 0) {
		*ncut = 0;
		ledger_rollback(l);
		return rc;
	}
	return ledger_commit(l);
}

int outbox_pending(struct ledger *l,
		   int (*fn)(void *ctx, const struct outbox_batch *b),
		   void *ctx)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT seq, first_entry, last_entry, "
				"prev_head, head, signature, made_at FROM "
				"outbox_batch WHERE acked_at IS NULL ORDER BY "
				"seq",
				&st);
	int stop = 0;

	if (rc < 0)
		return rc;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct outbox_batch b = {0};

		b.seq = sqlite3_column_int64(st, 0);
		b.first = sqlite3_column_int64(st, 1);
		b.last = sqlite3_column_int64(st, 2);
		b.made_at = sqlite3_column_int64(st, 6);
		if (blob_col(st, 3, b.prev_head, AUDIT_HASH_BYTES) < 0 ||
		    blob_col(st, 4, b.head, AUDIT_HASH_BYTES) < 0 ||
		    blob_col(st, 5, b.sig, OUTBOX_SIG_BYTES) < 0) {
			sqlite3_finalize(st);
			return ledger_fail(l, LEDGER_ERR_STATE,
					   "outbox batch %lld is damaged",
					   (long long)b.seq);
		}
		stop = fn(ctx, &b);
	}
	return ledger_walk_end(l, st, rc, stop, "outbox");
}

int outbox_rows(struct ledger *l, int64_t first, int64_t last,
		int (*fn)(void *ctx, const struct outbox_row *r), void *ctx)
{
	sqlite3_stmt *st;
	int64_t want = first;
	int rc = ledger_prepare(l,
				"SELECT id, at, staff_id, action, subject, "
				"detail, prev_hash, hash FROM audit WHERE id "
				"BETWEEN ? AND ? ORDER BY id",
				&st);
	int stop = 0;

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct outbox_row r = {0};
		const char *t;

		r.e.id = sqlite3_column_int64(st, 0);
		r.e.at = sqlite3_column_int64(st, 1);
		r.e.staff_id = sqlite3_column_int64(st, 2);
		t = (const char *)sqlite3_column_text(st, 3);
		r.e.action = t;
		r.e.action_len = t ? (size_t)sqlite3_column_bytes(st, 3) : 0;
		t = (const char *)sqlite3_column_text(st, 4);
		r.e.subject = t;
		r.e.subject_len = t ? (size_t)sqlite3_column_bytes(st, 4) : 0;
		t = (const char *)sqlite3_column_text(st, 5);
		r.e.detail = t;
		r.e.detail_len = t ? (size_t)sqlite3_column_bytes(st, 5) : 0;
		if (r.e.id != want ||
		    blob_col(st, 6, r.prev_hash, AUDIT_HASH_BYTES) < 0 ||
		    blob_col(st, 7, r.hash, AUDIT_HASH_BYTES) < 0) {
			sqlite3_finalize(st);
			return ledger_fail(l, LEDGER_ERR_STATE,
					   "audit entry %lld is missing or "
					   "damaged: run 'cardtally audit "
					   "verify'",
					   (long long)want);
		}
		want++;
		stop = fn(ctx, &r);
	}
	if (!stop && rc == SQLITE_DONE && want != last + 1) {
		sqlite3_finalize(st);
		return ledger_fail(l, LEDGER_ERR_STATE,
				   "audit entry %lld is missing: run "
				   "'cardtally audit verify'",
				   (long long)want);
	}
	return ledger_walk_end(l, st, rc, stop, "outbox");
}

int outbox_ack(struct ledger *l, int64_t seq, int64_t now)
{
	sqlite3_stmt *st;
	int rc = ledger_begin(l);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "UPDATE outbox_batch SET acked_at = ? WHERE seq = "
			    "? AND acked_at IS NULL",
			    &st);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, seq);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = ledger_sql_error(l, "outbox");
		sqlite3_finalize(st);
	}
	if (rc < 0) {
		ledger_rollback(l);
		return rc;
	}
	return ledger_commit(l);
}

int outbox_state(struct ledger *l, struct outbox_state *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = int_query(l, "SELECT count(*) FROM outbox_batch", &out->batches);
	if (rc == 0)
		rc = int_query(l,
			       "SELECT count(*) FROM outbox_batch WHERE "
			       "acked_at IS NULL",
			       &out->pending);
	if (rc == 0)
		rc = int_query(l,
			       "SELECT coalesce(max(seq), 0) FROM outbox_batch "
			       "WHERE acked_at IS NOT NULL",
			       &out->acked_seq);
	if (rc == 0)
		rc = int_query(l,
			       "SELECT coalesce(max(last_entry), 0) FROM "
			       "outbox_batch WHERE acked_at IS NOT NULL",
			       &out->acked_entry);
	if (rc == 0)
		rc = int_query(l, "SELECT coalesce(max(id), 0) FROM audit",
			       &out->entries);
	return rc;
}
