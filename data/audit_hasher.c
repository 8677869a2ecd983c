/*
 * The audit chain's hashes checked on a second thread (see ledger_int.h,
 * "chain_hasher").  Verifying a year of a large office's log hashes a
 * million entries, a quarter of `audit verify` and of the daily report;
 * the reading, replaying and comparing that make up the rest need the
 * database and stay on the calling thread.
 *
 * Each entry is encoded by the caller's thread (audit_encode) into the
 * current batch, with its id and the hash stored in its row; full batches
 * go to the worker through a small queue and come back empty.  The worker
 * keeps the id of the first entry whose encoding does not hash to the
 * stored hash, and only that: what to report is decided by the caller,
 * which then verifies again in order (ledger_audit_verify).
 */
#include "ledger_int.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_BYTES (256 * 1024)
#define NBATCH	    4

struct batch {
	size_t len; /* bytes of records in buf */
	uint8_t *buf;
};

/* A record in a batch: its length (of what follows the header), the
 * entry's id, the stored hash, then the encoding. */
struct rec_head {
	uint32_t len;
	int64_t id;
	uint8_t stored[AUDIT_HASH_BYTES];
};

struct chain_hasher {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch batches[NBATCH];
	/* Queue of full batches (indices into batches), in order; free
	 * batches are the others.  cur: the one the caller fills. */
	int full[NBATCH], nfull, head;
	int isfree[NBATCH];
	int cur;
	int done;	/* the caller has no more */
	int64_t first_bad; /* 0: every entry so far hashes as stored */
};

static void hash_batch(struct chain_hasher *hs, const struct batch *b)
{
	size_t off = 0;

	while (off < b->len && !hs->first_bad) {
		struct rec_head rh;
		uint8_t h[AUDIT_HASH_BYTES];

		memcpy(&rh, b->buf + off, sizeof(rh));
		off += sizeof(rh);
		crypto_generichash(h, AUDIT_HASH_BYTES, b->buf + off, rh.len,
				   NULL, 0);
		if (memcmp(h, rh.stored, AUDIT_HASH_BYTES) != 0)
			hs->first_bad = rh.id;
		off += rh.len;
	}
}

static void *worker(void *arg)
{
	struct chain_hasher *hs = arg;

	pthread_mutex_lock(&hs->mu);
	for (;;) {
		while (hs->nfull == 0 && !hs->done)
			pthread_cond_wait(&hs->cv, &hs->mu);
		if (hs->nfull == 0)
			break;
		int i = hs->full[hs->head];

		hs->head = (hs->head + 1) % NBATCH;
		hs->nfull--;
		pthread_mutex_unlock(&hs->mu);
		/* first_bad is written only here, and read by the caller
		 * after the join. */
		hash_batch(hs, &hs->batches[i]);
		pthread_mutex_lock(&hs->mu);
		hs->batches[i].len = 0;
		hs->isfree[i] = 1;
		pthread_cond_broadcast(&hs->cv);
	}
	pthread_mutex_unlock(&hs->mu);
	return NULL;
}

struct chain_hasher *chain_hasher_start(void)
{
	struct chain_hasher *hs = calloc(1, sizeof(*hs));
	int i;

	if (!hs)
		return NULL;
	for (i = 0; i < NBATCH; i++) {
		hs->batches[i].buf = malloc(BATCH_BYTES);
		if (!hs->batches[i].buf)
			goto fail;
		hs->isfree[i] = 1;
	}
	if (pthread_mutex_init(&hs->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&hs->cv, NULL) != 0) {
		pthread_mutex_destroy(&hs->mu);
		goto fail;
	}
	hs->isfree[0] = 0; /* the caller's */
	if (pthread_create(&hs->thread, NULL, worker, hs) != 0) {
		pthread_cond_destroy(&hs->cv);
		pthread_mutex_destroy(&hs->mu);
		goto fail;
	}
	return hs;
fail:
	for (i = 0; i < NBATCH; i++)
		free(hs->batches[i].buf);
	free(hs);
	return NULL;
}

/* Hands the current batch to the worker and takes a free one. */
static void pass_batch(struct chain_hasher *hs)
{
	pthread_mutex_lock(&hs->mu);
	hs->full[(hs->head + hs->nfull) % NBATCH] = hs->cur;
	hs->nfull++;
	pthread_cond_broadcast(&hs->cv);
	for (;;) {
		int i;

		for (i = 0; i < NBATCH && !hs->isfree[i]; i++)
			;
		if (i < NBATCH) {
			hs->isfree[i] = 0;
			hs->cur = i;
			break;
		}
		pthread_cond_wait(&hs->cv, &hs->mu);
	}
	pthread_mutex_unlock(&hs->mu);
}

int chain_hasher_add(struct chain_hasher *hs,
		     const uint8_t prev[AUDIT_HASH_BYTES],
		     const struct audit_entry *e,
		     const uint8_t stored[AUDIT_HASH_BYTES])
{
	struct rec_head rh = {.id = e->id};
	/* Encoded here first, then copied in one piece: the encoding's many
	 * small writes stay in this thread's cache, and the batch, whose
	 * lines the worker has just read, is written once. */
	uint8_t buf[4096];
	size_t n = audit_encode(prev, e, buf, sizeof(buf));
	struct batch *b = &hs->batches[hs->cur];

	/* Too large for the buffer (a batch always has room for what
	 * fits it): hashed by the caller. */
	if (n > sizeof(buf))
		return 1;
	if (b->len + sizeof(rh) + n > BATCH_BYTES) {
		pass_batch(hs);
		b = &hs->batches[hs->cur];
	}
	rh.len = (uint32_t)n;
	memcpy(rh.stored, stored, AUDIT_HASH_BYTES);
	memcpy(b->buf + b->len, &rh, sizeof(rh));
	memcpy(b->buf + b->len + sizeof(rh), buf, n);
	b->len += sizeof(rh) + n;
	return 0;
}

int64_t chain_hasher_finish(struct chain_hasher *hs)
{
	int64_t bad;

	if (hs->batches[hs->cur].len)
		pass_batch(hs);
	pthread_mutex_lock(&hs->mu);
	hs->done = 1;
	pthread_cond_broadcast(&hs->cv);
	pthread_mutex_unlock(&hs->mu);
	pthread_join(hs->thread, NULL);
	bad = hs->first_bad;
	pthread_cond_destroy(&hs->cv);
	pthread_mutex_destroy(&hs->mu);
	for (int i = 0; i < NBATCH; i++)
		free(hs->batches[i].buf);
	free(hs);
	return bad;
}
