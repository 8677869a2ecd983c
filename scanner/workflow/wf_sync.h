/*
 * The city-wide hub's workflows (wf_sync.c, issue 16): the ward's key,
 * sending the outbox, and at the hub: its schema, enrolment, the report.
 * Like backup, sync needs nobody logged in (a timer runs it) and opens
 * the ledger itself; it never holds the ledger's write lock while it
 * talks to the hub, so counting goes on while it runs.  Errors as every
 * workflow's: a struct wf_err, the exit status returned.
 */
#ifndef CT_WF_SYNC_H
#define CT_WF_SYNC_H

#include "../../hub/hub.h"
#include "wf.h"

/* The ward's public key of the ledger at db, made on first use. */
struct wf_sync_key {
	char pk[OUTBOX_PK_HEX];
	int made; /* 1: the key file was made now */
	char path[WF_PATH_MAX];
};
int wf_sync_key(const char *db, struct wf_sync_key *out, struct wf_err *e);

/* Called for each batch the hub took (verdict accepted or duplicate). */
typedef void (*wf_sync_sent_fn)(void *ctx, const struct outbox_batch *b,
				enum hub_verdict v);

struct wf_sync_result {
	int cut;	    /* batches cut now */
	int64_t sent;	    /* batches the hub took now (new) */
	int64_t duplicates; /* batches the hub had already */
	int64_t pending;    /* batches still waiting */
	int64_t acked_seq;  /* the newest batch the hub has */
	int64_t acked_entry;
	int64_t entries; /* the ledger's newest audit entry */
};
/*
 * Cuts the audit entries since the last batch into signed batches
 * (outbox_cut, `max` entries each), then sends every pending batch in
 * order through hub_submit, acknowledging each the hub takes.  Stops at
 * the first it refuses (WF_E_HUB_REFUSED naming the batch, its entries,
 * the verdict and why) or when the hub cannot be reached
 * (WF_E_HUB_UNREACHABLE): the batches not taken stay pending and the next
 * sync sends them again.  *out says how far it got, also on failure.
 */
int wf_sync(const char *db, const char *conninfo, const char *ward, int64_t max,
	    int64_t now, wf_sync_sent_fn sent, void *ctx,
	    struct wf_sync_result *out, struct wf_err *e);

/* At the hub: brings its schema up to date (*from, *to: the versions);
 * pg_lib: where the hub's server finds the hub's PostgreSQL functions. */
int wf_hub_migrate(const char *conninfo, const char *pg_lib, int *from, int *to,
		   struct wf_err *e);
/* At the hub: registers ward `code` (name may be "") with the public key
 * pk_hex that `cardtally sync key` printed at the ward. */
int wf_hub_enrol(const char *conninfo, const char *code, const char *name,
		 const char *pk_hex, int64_t now, struct wf_err *e);

#endif
