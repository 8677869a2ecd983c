/*
 * Sync with the city-wide hub (issue 16): the ward's key, the outbox sent
 * batch by batch, and the hub's own steps (schema, enrolment, report).
 * The outbox is data/'s (outbox.h), the hub hub/'s (hub.h); this file
 * puts them in order and says what failed as a wf_err.  The ledger's
 * write lock is taken only for the short writes of the outbox (cutting
 * batches, one acknowledgement each), never while the hub is talked to.
 */
#include "wf_sync.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/text.h"

static int open_ledger(const char *db, struct ledger **l, struct wf_err *e)
{
	char err[512];
	int rc = ledger_open(db, l, err, sizeof(err));

	if (rc == LEDGER_ERR_IO)
		return wf_fail(e, WF_E_LEDGER_IO, err);
	if (rc < 0)
		return wf_fail(e, WF_E_LEDGER, err);
	return 0;
}

int wf_sync_key(const char *db, struct wf_sync_key *out, struct wf_err *e)
{
	struct outbox_key k;
	char err[512];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = outbox_key_load(db, 1, &k, &out->made, err, sizeof(err));
	if (rc < 0)
		return wf_fail(e, WF_E_SYNC_KEY, err);
	outbox_pk_hex(k.pk, out->pk);
	sodium_memzero(&k, sizeof(k));
	outbox_key_path(db, out->path, sizeof(out->path));
	return 0;
}

/* The failure of a hub call as a wf_err. */
static int hub_failed(struct wf_err *e, struct hub *h, int rc, const char *ward)
{
	switch (rc) {
	case HUB_ERR_UNREACHABLE:
		return wf_fail(e, WF_E_HUB_UNREACHABLE, hub_errmsg(h));
	case HUB_ERR_VERSION:
		return wf_fail(e, WF_E_HUB_VERSION, hub_errmsg(h));
	case HUB_ERR_EXISTS:
		return wf_fail(e, WF_E_HUB_ENROLLED, ward);
	case HUB_ERR_NOMEM:
		return wf_fail(e, WF_E_NOMEM);
	case HUB_ERR_PG_LIB:
		return wf_fail(e, WF_E_HUB_PG_LIB, hub_errmsg(h));
	}
	return wf_fail(e, WF_E_HUB, hub_errmsg(h));
}

static int hub_connect(const char *conninfo, struct hub **h, struct wf_err *e)
{
	char err[512];
	int rc = hub_open(conninfo, h, err, sizeof(err));

	if (rc == HUB_ERR_UNREACHABLE)
		return wf_fail(e, WF_E_HUB_UNREACHABLE, err);
	if (rc == HUB_ERR_MODULE)
		return wf_fail(e, WF_E_PART_MISSING, err);
	if (rc < 0)
		return wf_fail(e, WF_E_HUB, err);
	return 0;
}

/* ---- sending ---- */

/* The entries of one batch, copied out of the ledger. */
struct rows {
	struct hub_row *r;
	size_t n, cap;
};

static char *dup_text(const char *s, size_t n, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = malloc(n + 1);
	if (!d) {
		*oom = 1;
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static int collect_row(void *ctx, const struct outbox_row *src)
{
	struct rows *rs = ctx;
	struct hub_row *r;
	int oom = 0;

	if (rs->n == rs->cap)
		return LEDGER_ERR_NOMEM;
	r = &rs->r[rs->n];
	r->e = src->e;
	r->e.action = dup_text(src->e.action, src->e.action_len, &oom);
	r->e.subject = dup_text(src->e.subject, src->e.subject_len, &oom);
	r->e.detail = dup_text(src->e.detail, src->e.detail_len, &oom);
	memcpy(r->prev_hash, src->prev_hash, AUDIT_HASH_BYTES);
	memcpy(r->hash, src->hash, AUDIT_HASH_BYTES);
	rs->n++;
	return oom ? LEDGER_ERR_NOMEM : 0;
}

static void rows_free(struct rows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free((char *)rs->r[i].e.action);
		free((char *)rs->r[i].e.subject);
		free((char *)rs->r[i].e.detail);
	}
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

struct sending {
	struct ledger *l;
	struct hub *h;
	const char *ward;
	int64_t now;
	wf_sync_sent_fn sent;
	void *ctx;
	struct wf_sync_result *out;
	struct wf_err *e;
	int rc; /* the exit status of a failure */
};

/* Sends one pending batch; non-zero stops the walk. */
static int send_batch(void *ctx, const struct outbox_batch *b)
{
	struct sending *s = ctx;
	struct rows rs = {0};
	enum hub_verdict v;
	char detail[512], seq[24], first[24], last[24];
	int rc;

	rs.cap = (size_t)(b->last - b->first + 1);
	rs.r = calloc(rs.cap, sizeof(*rs.r));
	if (!rs.r) {
		s->rc = wf_fail(s->e, WF_E_NOMEM);
		return 1;
	}
	rc = outbox_rows(s->l, b->first, b->last, collect_row, &rs);
	if (rc == LEDGER_ERR_NOMEM) {
		s->rc = wf_fail(s->e, WF_E_NOMEM);
	} else if (rc < 0) {
		s->rc = wf_fail_ledger(s->e, s->l);
	} else {
		rc = hub_submit(s->h, s->ward, b, rs.r, rs.n, &v, detail,
				sizeof(detail));
		if (rc < 0)
			s->rc = hub_failed(s->e, s->h, rc, s->ward);
	}
	rows_free(&rs);
	if (s->rc)
		return 1;
	if (v != HUB_ACCEPTED && v != HUB_DUPLICATE) {
		snprintf(seq, sizeof(seq), "%lld", (long long)b->seq);
		snprintf(first, sizeof(first), "%lld", (long long)b->first);
		snprintf(last, sizeof(last), "%lld", (long long)b->last);
		s->rc = wf_fail(s->e, WF_E_HUB_REFUSED, seq, first, last,
				hub_verdict_name(v),
				detail[0] ? detail : hub_verdict_name(v));
		return 1;
	}
	/* The hub has it: a cut here only sends it again, as a duplicate. */
	if (outbox_ack(s->l, b->seq, s->now) < 0) {
		s->rc = wf_fail_ledger(s->e, s->l);
		return 1;
	}
	if (v == HUB_ACCEPTED)
		s->out->sent++;
	else
		s->out->duplicates++;
	if (s->sent)
		s->sent(s->ctx, b, v);
	return 0;
}

static void fill_state(struct ledger *l, struct wf_sync_result *out)
{
	struct outbox_state st;

	if (outbox_state(l, &st) < 0)
		return;
	out->pending = st.pending;
	out->acked_seq = st.acked_seq;
	out->acked_entry = st.acked_entry;
	out->entries = st.entries;
}

int wf_sync(const char *db, const char *conninfo, const char *ward, int64_t max,
	    int64_t now, wf_sync_sent_fn sent, void *ctx,
	    struct wf_sync_result *out, struct wf_err *e)
{
	struct sending s = {.ward = ward,
			    .now = now,
			    .sent = sent,
			    .ctx = ctx,
			    .out = out,
			    .e = e};
	struct outbox_key k;
	char err[512];
	int made = 0, rc;

	memset(out, 0, sizeof(*out));
	if (!conninfo || !*conninfo || !ward || !*ward)
		return wf_fail(e, WF_E_SYNC_NO_HUB);
	if (!hub_ward_valid(ward))
		return wf_fail(e, WF_E_WARD_CODE, ward);
	/* The key is made by `sync key` (its public half enrolled at the
	 * hub first): a sync never makes one nobody enrolled. */
	rc = outbox_key_load(db, 0, &k, &made, err, sizeof(err));
	if (rc < 0)
		return wf_fail(e, WF_E_SYNC_KEY, err);
	rc = open_ledger(db, &s.l, e);
	if (rc == 0 && outbox_cut(s.l, &k, max, now, &out->cut) < 0)
		rc = wf_fail_ledger(e, s.l);
	sodium_memzero(&k, sizeof(k));
	if (rc == 0)
		rc = hub_connect(conninfo, &s.h, e);
	if (rc == 0) {
		rc = hub_check_version(s.h);
		if (rc == 0)
			rc = hub_seen(s.h, ward);
		if (rc == HUB_ERR_INVALID)
			rc = wf_fail(e, WF_E_HUB_NOT_ENROLLED, ward, ward);
		else if (rc < 0)
			rc = hub_failed(e, s.h, rc, ward);
	}
	if (rc == 0) {
		int stop = outbox_pending(s.l, send_batch, &s);

		if (s.rc)
			rc = s.rc;
		else if (stop < 0)
			rc = wf_fail_ledger(e, s.l);
	}
	if (s.l)
		fill_state(s.l, out);
	hub_close(s.h);
	ledger_close(s.l);
	return rc;
}

/* ---- at the hub ---- */

int wf_hub_migrate(const char *conninfo, const char *pg_lib, int *from, int *to,
		   struct wf_err *e)
{
	struct hub *h = NULL;
	int rc = hub_connect(conninfo, &h, e);

	if (rc == 0) {
		rc = hub_migrate(h, pg_lib, from, to);
		if (rc < 0)
			rc = hub_failed(e, h, rc, "");
	}
	hub_close(h);
	return rc;
}

int wf_hub_enrol(const char *conninfo, const char *code, const char *name,
		 const char *pk_hex, int64_t now, struct wf_err *e)
{
	uint8_t pk[OUTBOX_PK_BYTES];
	struct hub *h = NULL;
	int rc;

	if (!hub_ward_valid(code))
		return wf_fail(e, WF_E_WARD_CODE, code);
	if (outbox_pk_parse(pk_hex, pk) < 0)
		return wf_fail(e, WF_E_PUBLIC_KEY);
	rc = wf_text(e, N_("the ward's name"), name, HUB_NAME_MAX,
		     TEXT_OPTIONAL);
	if (rc == 0)
		rc = hub_connect(conninfo, &h, e);
	if (rc == 0) {
		rc = hub_check_version(h);
		if (rc == 0)
			rc = hub_enrol(h, code, name, pk, now);
		if (rc < 0)
			rc = hub_failed(e, h, rc, code);
	}
	hub_close(h);
	return rc;
}
