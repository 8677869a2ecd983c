/*
 * The appliance's outbox for the city-wide hub (issue 16, outbox.c): the
 * ward's signing key kept beside the ledger, and record batches cut from
 * the audit log.  A batch is a run of consecutive audit entries, from the
 * entry after the previous batch's last to the newest entry when it was
 * cut (at most OUTBOX_BATCH_MAX), with the chain's hash before its first
 * entry (prev_head) and after its last (head), signed with the ward's
 * Ed25519 key (libsodium crypto_sign).  The audit entries carry everything
 * the ward records (counts, reads, custody, disposals, the key log,
 * near-misses), so the batches carry it too, and each head vouches for
 * every entry before it.
 *
 * Order of use (scanner/workflow/wf_sync.c): outbox_key_load, then
 * outbox_cut in a ledger of version 16 or later, then for each
 * outbox_pending batch outbox_rows, send it, and outbox_ack once the hub
 * has it.  A batch, once cut, never changes: sending it again sends the
 * same bytes, which the hub stores once.
 *
 * Errors: 0 or a negative LEDGER_ERR_*, explained by ledger_errmsg (or, for
 * the key file, in err).
 */
#ifndef CT_OUTBOX_H
#define CT_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

#define OUTBOX_PK_BYTES	 32 /* crypto_sign_PUBLICKEYBYTES */
#define OUTBOX_SK_BYTES	 64 /* crypto_sign_SECRETKEYBYTES */
#define OUTBOX_SIG_BYTES 64 /* crypto_sign_BYTES */
#define OUTBOX_PK_HEX	 (2 * OUTBOX_PK_BYTES + 1)
/* The most entries one batch holds: a year's backlog goes in many. */
#define OUTBOX_BATCH_MAX 500
/* What a batch's signature covers (outbox_message): the domain string, the
 * sequence number, first and last entry (8 bytes each, big-endian), then
 * prev_head and head. */
#define OUTBOX_MSG_BYTES (18 + 3 * 8 + 2 * AUDIT_HASH_BYTES)

struct outbox_key {
	uint8_t pk[OUTBOX_PK_BYTES];
	uint8_t sk[OUTBOX_SK_BYTES];
};

/* The key file of the ledger at db: "<db>.key".  -1 when it does not fit. */
int outbox_key_path(const char *db, char *out, size_t cap);
/*
 * Reads the ward's key from the ledger's key file (64 bytes: libsodium's
 * secret key, which holds the public key too).  With create 1, a missing
 * file is made once: a new key pair, written to the file created
 * exclusively with mode 0600 and fsynced; *made says so.  A file of
 * another size, readable by others than its owner, or missing (create 0)
 * is an error naming it.  The caller wipes k (sodium_memzero) after use.
 */
int outbox_key_load(const char *db, int create, struct outbox_key *k, int *made,
		    char *err, size_t errlen);
/* Lowercase hex of a public key. */
void outbox_pk_hex(const uint8_t pk[OUTBOX_PK_BYTES], char out[OUTBOX_PK_HEX]);
/* Parses 64 hex digits (either case) into pk; -1 when s is not that. */
int outbox_pk_parse(const char *s, uint8_t pk[OUTBOX_PK_BYTES]);

/* One batch as the outbox keeps it. */
struct outbox_batch {
	int64_t seq;	     /* 1, 2, ... per ledger: the hub's batch id */
	int64_t first, last; /* audit entry ids, first <= last */
	uint8_t prev_head[AUDIT_HASH_BYTES]; /* entry first - 1's hash */
	uint8_t head[AUDIT_HASH_BYTES];	     /* entry last's hash */
	uint8_t sig[OUTBOX_SIG_BYTES];
	int64_t made_at;
	int64_t acked_at; /* 0: not yet acknowledged by the hub */
};

/* The bytes a batch's signature covers, into out. */
void outbox_message(const struct outbox_batch *b,
		    uint8_t out[OUTBOX_MSG_BYTES]);
/* 0 when b's signature is pk's, else -1. */
int outbox_sig_check(const struct outbox_batch *b,
		     const uint8_t pk[OUTBOX_PK_BYTES]);

/*
 * Cuts the audit entries after the last batch's into new batches of at
 * most max entries (1..OUTBOX_BATCH_MAX), each signed with k, in one short
 * write transaction of its own.  *ncut: how many were cut (0 when no
 * entry is new).  Not audited: the outbox is bookkeeping about the log.
 */
int outbox_cut(struct ledger *l, const struct outbox_key *k, int64_t max,
	       int64_t now, int *ncut);
/* Calls fn for each batch not yet acknowledged, in sequence order; a
 * non-zero return from fn stops the walk and is returned. */
int outbox_pending(struct ledger *l,
		   int (*fn)(void *ctx, const struct outbox_batch *b),
		   void *ctx);
/* One audit entry as it is stored, with the hashes before and after it.
 * Its texts live until fn returns. */
struct outbox_row {
	struct audit_entry e;
	uint8_t prev_hash[AUDIT_HASH_BYTES];
	uint8_t hash[AUDIT_HASH_BYTES];
};
/* Calls fn for each audit entry from first to last in id order; a missing
 * entry or a hash of the wrong size is LEDGER_ERR_STATE. */
int outbox_rows(struct ledger *l, int64_t first, int64_t last,
		int (*fn)(void *ctx, const struct outbox_row *r), void *ctx);
/* Records that the hub has batch seq (at now); acknowledging it again
 * keeps the first time. */
int outbox_ack(struct ledger *l, int64_t seq, int64_t now);

struct outbox_state {
	int64_t batches, pending; /* cut, and not yet acknowledged */
	int64_t acked_seq;	  /* the newest acknowledged batch, 0: none */
	int64_t acked_entry;	  /* its last entry */
	int64_t entries;	  /* the audit log's newest entry */
};
int outbox_state(struct ledger *l, struct outbox_state *out);

#endif
