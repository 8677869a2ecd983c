/*
 * The city-wide hub (issue 16): a PostgreSQL database that every ward's
 * appliance sends its signed record batches to (doc/design.md "The hub").
 * hub/ is the only code that includes <libpq-fe.h>, as data/ is the only
 * one that includes <sqlite3.h>; it stands on data/'s encodings of an
 * audit entry and of a batch (audit_hash, outbox_message) and on nothing
 * above.  It never prints.
 *
 * The hub's schema is versioned on its own (table hub_schema, the SQL of
 * each step in hub_schema.c) and migrated forward by hub_migrate.
 *
 * Order of use: hub_open, then hub_migrate (the hub's commands) or
 * hub_check_version (a ward's sync), then hub_enrol / hub_seen /
 * hub_submit / hub_report, then hub_close.
 *
 * Errors: 0 or a negative HUB_ERR_*, explained by hub_errmsg.
 */
#ifndef CT_HUB_H
#define CT_HUB_H

#include <stddef.h>
#include <stdint.h>

#include "../data/ledger.h"
#include "../data/outbox.h"

/* The hub schema this build writes. */
#define HUB_SCHEMA_VERSION 2
/* A ward's code: 1-32 of A-Z a-z 0-9 _ - (checked by the hub too). */
#define HUB_WARD_MAX 32
#define HUB_NAME_MAX 128

enum {
	HUB_ERR_UNREACHABLE = -1, /* no connection, or it was lost */
	HUB_ERR_SQL = -2,	  /* the hub answered with an error */
	HUB_ERR_VERSION = -3,	  /* hub schema missing or newer */
	HUB_ERR_EXISTS = -4,	  /* ward code or key already enrolled */
	HUB_ERR_INVALID = -5,	  /* an argument fails validation */
	HUB_ERR_NOMEM = -6,
	HUB_ERR_PG_LIB = -7, /* the server cannot load hub/pg's library */
	HUB_ERR_MODULE = -8, /* this program's hub part cannot be loaded */
};

struct hub;

/* Connects with a libpq connection string ("host=/run/pg dbname=hub").
 * NULL *out and HUB_ERR_UNREACHABLE (why in err) when it cannot;
 * HUB_ERR_MODULE when the part of the program that talks to the hub
 * (hub_module.h) is missing or broken. */
int hub_open(const char *conninfo, struct hub **out, char *err, size_t errlen);
void hub_close(struct hub *h);
const char *hub_errmsg(const struct hub *h);

/* Brings the hub's schema to HUB_SCHEMA_VERSION, one transaction per
 * step under an advisory lock; *from and *to: the versions before and
 * after.  HUB_ERR_VERSION when the hub is newer than this build.  pg_lib:
 * the path, on the hub's server, of the hub's PostgreSQL functions
 * (hub/pg/, version 2 loads them). */
int hub_migrate(struct hub *h, const char *pg_lib, int *from, int *to);
/* HUB_ERR_VERSION unless the hub's schema is HUB_SCHEMA_VERSION. */
int hub_check_version(struct hub *h);

/* 1 when s is a valid ward code. */
int hub_ward_valid(const char *s);
/* Registers ward `code` (name: "" for none) with its public key.
 * HUB_ERR_EXISTS when the code or the key is enrolled already. */
int hub_enrol(struct hub *h, const char *code, const char *name,
	      const uint8_t pk[OUTBOX_PK_BYTES], int64_t now);
/* Records that ward `code` reached the hub now, by the hub's clock (a
 * sync, with or without batches).  HUB_ERR_INVALID when the ward is not
 * enrolled. */
int hub_seen(struct hub *h, const char *code);

/* One audit entry of a batch as the ward stored it. */
struct hub_row {
	struct audit_entry e;
	uint8_t prev_hash[AUDIT_HASH_BYTES];
	uint8_t hash[AUDIT_HASH_BYTES];
};

/* What the hub did with a batch; numbered once, never reused. */
enum hub_verdict {
	HUB_ACCEPTED = 0,  /* stored */
	HUB_DUPLICATE = 1, /* stored before, byte for byte: nothing new */
	HUB_UNKNOWN_WARD = 2,
	HUB_BAD_SIGNATURE = 3, /* not signed by the ward's enrolled key */
	HUB_BAD_ROWS = 4,      /* the entries do not hash to the batch's head */
	HUB_CHAIN = 5, /* does not follow the ward's last accepted head */
	HUB_OUT_OF_ORDER = 6, /* not the batch after the last accepted */
	HUB_CONFLICT = 7,     /* the hub holds another batch under that id */
};
/* "accepted", "duplicate", "unknown_ward", ... */
const char *hub_verdict_name(enum hub_verdict v);

/*
 * Offers batch b of ward `code` with its entries (rows[0..nrows), ids
 * b->first..b->last) in one transaction, received by the hub's clock: the
 * ward's row is locked; a batch stored under (ward, seq) already is a duplicate
 * when it is the same batch, else a conflict; the signature is checked with the
 * ward's enrolled key, the entries' chain from prev_head to head, and
 * that the batch follows the last accepted one (seq, first entry and
 * prev_head; the hub's own triggers check all of these again, the
 * signature and the hashes too).  Only an accepted
 * batch writes.  Returns 0 with *v, or an error (HUB_ERR_UNREACHABLE when
 * the connection was lost: nothing is known to be stored, send it again).
 * *detail says more about a refusal (which entry, the hub's head).
 */
int hub_submit(struct hub *h, const char *code, const struct outbox_batch *b,
	       const struct hub_row *rows, size_t nrows, enum hub_verdict *v,
	       char *detail, size_t detaillen);

/* One ward as hub_report sees it. */
struct hub_ward_status {
	char code[HUB_WARD_MAX + 1];
	char name[HUB_NAME_MAX + 1];
	int64_t enrolled_at;
	int64_t batches;    /* accepted */
	int64_t last_seq;   /* 0: none yet */
	int64_t last_entry; /* the newest entry the hub holds */
	char head[AUDIT_HEX_BUF];
	int64_t last_batch_at; /* when the newest batch came; 0: never */
	int64_t last_seen;     /* the ward's last sync; 0: never */
	int silent;	       /* no sync for more than the days asked */
};
/* Calls fn for each enrolled ward by code; silent is set for a ward not
 * seen (or enrolled, when never seen) within silent_days of now. */
int hub_report(struct hub *h, int64_t now, int silent_days,
	       int (*fn)(void *ctx, const struct hub_ward_status *w),
	       void *ctx);

/* ---- the report's entries (hub_report.c) ---- */

/*
 * Calls fn for each entry of ward `code` that the city-wide report reads
 * (reconcile/hubbook.h: counts begun, closed, recounted and resolved,
 * window tallies begun, reads with an alert, cards lost and found, cards
 * disposed), in id order, texts as stored (NULL for none).  A non-zero
 * return of fn stops the walk and is returned; else 0 or an error.
 */
int hub_ward_entries(struct hub *h, const char *code,
		     int (*fn)(void *ctx, int64_t at, const char *action,
			       const char *subject, const char *detail),
		     void *ctx);

#endif
