/*
 * Verifying the audit log's hash chain: every row's canonical encoding
 * and BLAKE2b hash (audit_hash.c) against the next row's link.  Every
 * row's hash covers its own content and the previous row's hash, so
 * changing, deleting, inserting or moving a row breaks the chain from that
 * row on.  Scan and near-miss rows, which live in their own tables, are each
 * recorded by an audit row that repeats their content (audit_write.c);
 * verification checks those tables against the chain, so they are covered
 * too; the card, asset and staff tables are compared with the state the
 * log replays to (audit_replay.c), and an entry dated back is reported.
 * What the chain cannot show (truncation, a rewrite with recomputed hashes
 * that the tables do not contradict) needs an anchor kept elsewhere: see
 * doc/design.md "Audit log".
 */
#include "ledger_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *audit_problem_name(enum audit_problem p)
{
	static const char *const names[] = {
	    [AUDIT_INTACT] = "intact",
	    [AUDIT_GAP] = "entry_missing",
	    [AUDIT_LINK] = "previous_hash_mismatch",
	    [AUDIT_ORDER] = "out_of_order",
	    [AUDIT_CONTENT] = "content_changed",
	    [AUDIT_MALFORMED] = "malformed",
	    [AUDIT_ANCHOR_MISSING] = "anchor_missing",
	    [AUDIT_ANCHOR_MISMATCH] = "anchor_mismatch",
	    [AUDIT_TRUNCATED] = "truncated",
	    [AUDIT_RECORD_CHANGED] = "record_changed",
	    [AUDIT_RECORD_UNLOGGED] = "record_not_logged",
	    [AUDIT_RECORD_MISSING] = "record_missing",
	    [AUDIT_STATE_CHANGED] = "state_changed",
	    [AUDIT_STATE_UNLOGGED] = "state_not_logged",
	    [AUDIT_STATE_MISSING] = "state_missing",
	    [AUDIT_TIME_BACKWARDS] = "time_backwards",
	};

	if ((unsigned)p >= sizeof(names) / sizeof(names[0]) || !names[p])
		return "unknown";
	return names[p];
}

int audit_problem_breaks_chain(enum audit_problem p)
{
	return p >= AUDIT_GAP && p <= AUDIT_TRUNCATED;
}

/* ---- verifying ---- */

static int problem(struct audit_verify *out, enum audit_problem p,
		   const char *table, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Adds a finding of the chain or of a table its entries repeat; returns 1
 * (the walk that found it stops). */
static int problem(struct audit_verify *out, enum audit_problem p,
		   const char *table, int64_t id, const char *fmt, ...)
{
	struct audit_finding f = {.problem = p, .table = table, .id = id};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f.what, sizeof(f.what), fmt, ap);
	va_end(ap);
	audit_add_finding(out, &f);
	return 1;
}

/* An entry's time as the office reads it, for messages. */
static void time_text(int64_t at, char out[32])
{
	time_t t = (time_t)at;
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)at);
}

/* Entry e dated more than AUDIT_CLOCK_SLACK before the entry before it
 * (at prev_at) is a finding; the walk goes on. */
static void check_time(struct audit_verify *out, const struct audit_entry *e,
		       int64_t prev_at)
{
	struct audit_finding f;
	char was[32], is[32];

	/* Before the finding is made: it is most of a KiB to clear, and
	 * this runs for every entry of the log. */
	if (e->id <= 1 || e->at >= prev_at - AUDIT_CLOCK_SLACK)
		return;
	f = (struct audit_finding){
	    .problem = AUDIT_TIME_BACKWARDS,
	    .table = "audit",
	    .id = e->id,
	};
	time_text(prev_at, was);
	time_text(e->at, is);
	snprintf(f.logged, sizeof(f.logged), "%s", was);
	snprintf(f.held, sizeof(f.held), "%s", is);
	snprintf(f.what, sizeof(f.what),
		 "entry %lld is dated %s, %lld s before entry %lld (%s): "
		 "the clock went back or the entry was back-dated",
		 (long long)e->id, is, (long long)(prev_at - e->at),
		 (long long)e->id - 1, was);
	audit_add_finding(out, &f);
}

static int col_is_text_or_null(sqlite3_stmt *st, int i, int null_ok)
{
	int t = sqlite3_column_type(st, i);

	return t == SQLITE_TEXT || (null_ok && t == SQLITE_NULL);
}

static int col_is_hash(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_BLOB &&
	       sqlite3_column_bytes(st, i) == AUDIT_HASH_BYTES;
}

/* A text column as an entry field (NULL for SQL NULL), with its length
 * in bytes: a value holding a NUL byte is hashed whole, not cut short. */
static void col_entry_text(sqlite3_stmt *st, int i, const char **p, size_t *len)
{
	*p = (const char *)sqlite3_column_text(st, i);
	*len = *p ? (size_t)sqlite3_column_bytes(st, i) : 0;
}

/* Id of another row whose hash is h, or 0: tells a moved row from a row
 * whose previous hash was simply changed. */
static int64_t row_with_hash(struct ledger *l, const void *h, int64_t not_id)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	if (ledger_prepare(l, "SELECT id FROM audit WHERE hash = ? AND id <> ?",
			   &st) < 0)
		return 0;
	sqlite3_bind_blob(st, 1, h, AUDIT_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, not_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

struct record_walks;
static int walks_entry(struct ledger *l, struct record_walks *ws,
		       const struct audit_entry *a);

/* Returns 1 at the first problem of the chain (recorded in out), 0 when
 * the chain holds, negative on errors.  Each entry whose hash holds is
 * checked for its time, replayed into r and walked beside the tables that
 * repeat it (ws).  With hs, the hashes are checked by hs on its thread,
 * and every entry is taken here as if its hash held: the caller verifies
 * again without hs when one did not (ledger_audit_verify). */
static int check_chain(struct ledger *l, const uint8_t *anchor,
		       int64_t anchor_entry, struct audit_replay *r,
		       struct record_walks *ws, struct chain_hasher *hs,
		       struct audit_verify *out)
{
	uint8_t prev[AUDIT_HASH_BYTES] = {0}, h[AUDIT_HASH_BYTES];
	int64_t expect = 1, anchor_at = 0, prev_at = 0;
	sqlite3_stmt *st;
	int step, rc = ledger_prepare(l,
				      "SELECT id, at, staff_id, action, "
				      "subject, detail, prev_hash, hash FROM "
				      "audit ORDER BY id",
				      &st);

	if (rc < 0)
		return rc;
	for (step = sqlite3_step(st); step == SQLITE_ROW;
	     step = sqlite3_step(st)) {
		struct audit_entry e = {0};
		int st_type = sqlite3_column_type(st, 2);

		e.id = sqlite3_column_int64(st, 0);
		if (e.id != expect) {
			rc = problem(out, AUDIT_GAP, "audit", expect,
				     expect == 1
					 ? "entry %lld is missing: the log "
					   "starts at entry %lld"
					 : "entry %lld is missing: the log "
					   "goes on at entry %lld",
				     (long long)expect, (long long)e.id);
			break;
		}
		if (sqlite3_column_type(st, 1) != SQLITE_INTEGER ||
		    (st_type != SQLITE_INTEGER && st_type != SQLITE_NULL) ||
		    !col_is_text_or_null(st, 3, 0) ||
		    !col_is_text_or_null(st, 4, 1) ||
		    !col_is_text_or_null(st, 5, 1) || !col_is_hash(st, 6) ||
		    !col_is_hash(st, 7)) {
			rc = problem(out, AUDIT_MALFORMED, "audit", e.id,
				     "entry %lld was changed: a column holds "
				     "a value of the wrong type",
				     (long long)e.id);
			break;
		}
		const void *stored_prev = sqlite3_column_blob(st, 6);
		if (memcmp(stored_prev, prev, AUDIT_HASH_BYTES) != 0) {
			int64_t after = row_with_hash(l, stored_prev, e.id);

			if (after)
				rc = problem(out, AUDIT_ORDER, "audit", e.id,
					     "entry %lld is out of order: it "
					     "follows entry %lld, not entry "
					     "%lld",
					     (long long)e.id, (long long)after,
					     (long long)e.id - 1);
			else
				rc = problem(
				    out, AUDIT_LINK, "audit", e.id,
				    "entry %lld does not follow the entry "
				    "before it: its previous hash is not %s",
				    (long long)e.id,
				    e.id == 1 ? "the start of the log's"
					      : "that entry's hash");
			break;
		}
		e.at = sqlite3_column_int64(st, 1);
		e.staff_id = sqlite3_column_int64(st, 2);
		col_entry_text(st, 3, &e.action, &e.action_len);
		col_entry_text(st, 4, &e.subject, &e.subject_len);
		col_entry_text(st, 5, &e.detail, &e.detail_len);
		if (hs && chain_hasher_add(hs, prev, &e,
					   sqlite3_column_blob(st, 7)) == 0)
			memcpy(h, sqlite3_column_blob(st, 7), AUDIT_HASH_BYTES);
		else
			audit_hash(prev, &e, h);
		if (memcmp(h, sqlite3_column_blob(st, 7), AUDIT_HASH_BYTES) !=
		    0) {
			rc = problem(out, AUDIT_CONTENT, "audit", e.id,
				     "entry %lld was changed: its content no "
				     "longer matches its hash",
				     (long long)e.id);
			break;
		}
		if (anchor && !anchor_at &&
		    (anchor_entry <= 0 || anchor_entry == e.id)) {
			if (memcmp(h, anchor, AUDIT_HASH_BYTES) == 0) {
				anchor_at = e.id;
			} else if (anchor_entry == e.id) {
				rc = problem(out, AUDIT_ANCHOR_MISMATCH,
					     "audit", e.id,
					     "entry %lld does not match the "
					     "anchor: the log up to entry %lld "
					     "was rewritten since the anchor "
					     "was taken",
					     (long long)e.id, (long long)e.id);
				break;
			}
		}
		check_time(out, &e, prev_at);
		rc = audit_replay_entry(r, &e, out);
		if (rc < 0) {
			ledger_fail(l, rc,
				    "replaying the audit log: out of "
				    "memory");
			break;
		}
		rc = walks_entry(l, ws, &e);
		if (rc < 0)
			break;
		prev_at = e.at;
		memcpy(prev, h, AUDIT_HASH_BYTES);
		out->entries++;
		out->last_id = e.id;
		expect = e.id + 1;
	}
	if (rc == 0 && step == SQLITE_DONE) {
		if (anchor && !anchor_at && anchor_entry > out->last_id)
			rc = problem(
			    out, AUDIT_TRUNCATED, "audit", out->last_id + 1,
			    "entry %lld is missing: the log ends at "
			    "entry %lld but the anchor is entry %lld "
			    "(entries were removed from the end)",
			    (long long)out->last_id + 1,
			    (long long)out->last_id, (long long)anchor_entry);
		else if (anchor && !anchor_at)
			rc = problem(out, AUDIT_ANCHOR_MISSING, "audit", 0,
				     "no entry has the anchor's hash: entries "
				     "were removed from the end, or the log "
				     "was rewritten");
	} else if (rc == 0) {
		rc = ledger_sql_error(l, "audit log");
	}
	sqlite3_finalize(st);
	memcpy(out->anchor, prev, AUDIT_HASH_BYTES);
	return rc;
}

/*
 * A table whose rows each have an audit entry repeating their content:
 * rows_sql gives (id, staff_id, at, ...) in id order, and matches() says
 * whether an entry (id, staff_id, at, detail, action, subject) records the
 * row; staff and time are compared here.  The entries are those whose
 * action matches the GLOB `action`; each names its row by "<prefix><id>"
 * at the start of its detail (or of its subject, with in_subject).
 */
struct record_kind {
	const char *table;
	const char *action;
	const char *prefix;
	int in_subject;
	const char *rows_sql;
	int (*matches)(sqlite3_stmt *r, const struct audit_entry *a, char *buf,
		       size_t cap);
	/* Instead of the walk: a table checked its own way. */
	int (*check)(struct ledger *l, struct record_walks *ws,
		     struct audit_verify *out);
};

static int check_disposal_rows(struct ledger *l, struct record_walks *ws,
			       struct audit_verify *out);

/* An entry's text as the walks read it: "" for NULL. */
static const char *entry_str(const char *p)
{
	return p ? p : "";
}

/* 1 when the entry's detail is exactly the n bytes in want. */
static int detail_is(const struct audit_entry *a, const char *want, int n)
{
	return n >= 0 && (size_t)n == a->detail_len &&
	       memcmp(want, entry_str(a->detail), (size_t)n) == 0;
}

/* The row's safe_closed column: 1, 0, or -1 for NULL (before it existed). */
static int col_flag(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		   ? -1
		   : sqlite3_column_int(st, i);
}

/* The profile of row r (columns i, i + 1) as an entry of schema version
 * 14 or later names it; an entry without " profile=" was written before
 * the chain vouched for profiles (version 13's reads), and is compared
 * without it: a profile changed since in such a row is not caught. */
static const char *row_profile(sqlite3_stmt *r, int i,
			       const struct audit_entry *a, unsigned *version)
{
	*version = (unsigned)sqlite3_column_int64(r, i + 1);
	if (sqlite3_column_type(r, i) == SQLITE_NULL ||
	    !strstr(entry_str(a->detail), " profile="))
		return NULL;
	return ledger_col_text(r, i);
}

/*
 * A detail compared piece by piece with what a format would write, without
 * writing it: a million scan entries are verified without a million
 * snprintf calls (issue 12).  ok stays 1 while every piece matched.
 */
struct expect {
	const char *p; /* what is left of the detail */
	size_t left;
	int ok;
};

static void expect_bytes(struct expect *x, const char *s, size_t n)
{
	size_t i = 0;

	if (!x->ok || n > x->left) {
		x->ok = 0;
		return;
	}
	/* A few bytes each: a loop, not a call. */
	while (i < n && x->p[i] == s[i])
		i++;
	if (i < n) {
		x->ok = 0;
		return;
	}
	x->p += n;
	x->left -= n;
}

static void expect_str(struct expect *x, const char *s)
{
	expect_bytes(x, s, strlen(s));
}

/* v as %lld writes it. */
static void expect_int(struct expect *x, int64_t v)
{
	char b[24], *q = b + sizeof(b);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--q = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--q = '-';
	expect_bytes(x, q, (size_t)(b + sizeof(b) - q));
}

/* As ledger_scan_detail would write the row into cap bytes. */
static int match_scan(sqlite3_stmt *r, const struct audit_entry *a, char *buf,
		      size_t cap)
{
	unsigned v;
	const char *prof = row_profile(r, 10, a, &v);
	const char *why = ledger_col_text(r, 8);
	struct expect x = {entry_str(a->detail), a->detail_len, 1};

	(void)buf;
	expect_str(&x, "scan=");
	expect_int(&x, sqlite3_column_int64(r, 0));
	expect_str(&x, " session=");
	expect_int(&x, sqlite3_column_int64(r, 3));
	expect_str(&x, " range=");
	expect_int(&x, sqlite3_column_int64(r, 4));
	expect_str(&x, " serial=");
	expect_str(&x, ledger_col_text(r, 5));
	expect_str(&x, " card=");
	expect_int(&x, sqlite3_column_int64(r, 6));
	expect_str(&x, " outcome=");
	expect_str(&x, ledger_col_text(r, 7));
	if (why[0]) {
		expect_str(&x, " why=");
		expect_str(&x, why);
	}
	expect_str(&x, audit_safe_suffix(col_flag(r, 9)));
	if (prof && prof[0]) {
		size_t before = x.left;

		expect_str(&x, " profile=");
		expect_str(&x, prof);
		expect_str(&x, "/");
		expect_int(&x, v);
		/* profile_suffix refuses a suffix of its room or more. */
		if (before - x.left >= LEDGER_PROFILE_DETAIL)
			x.ok = 0;
	}
	return x.ok && x.left == 0 && a->detail_len < cap;
}

static int match_receipt(sqlite3_stmt *r, const struct audit_entry *a, char *buf,
			 size_t cap)
{
	int n = snprintf(buf, cap, "card %s", ledger_col_text(r, 3));

	if (n < 0 || (size_t)n >= cap || strcmp(buf, entry_str(a->subject)))
		return 0;
	return detail_is(
	    a, buf,
	    ledger_receipt_detail(
		buf, cap, sqlite3_column_int64(r, 0), ledger_col_text(r, 4),
		sqlite3_column_type(r, 5) == SQLITE_NULL ? NULL
							 : ledger_col_text(r, 5),
		(unsigned)sqlite3_column_int64(r, 6), ledger_col_text(r, 7)));
}

static int match_note(sqlite3_stmt *r, const struct audit_entry *a, char *buf,
		      size_t cap)
{
	return detail_is(
	    a, buf,
	    ledger_note_detail(buf, cap, sqlite3_column_int64(r, 0),
			       ledger_col_text(r, 3), ledger_col_text(r, 4)));
}

/*
 * A custody event: action custody.<kind>, subject "card MGMT" or "asset
 * CODE", and the detail.  The row does not hold the statuses before and
 * after (the card's status is in the card table), so they are taken from
 * the entry, which the chain vouches for; everything the row holds is
 * compared.
 */
static int match_custody(sqlite3_stmt *r, const struct audit_entry *a, char *buf,
			 size_t cap)
{
	char head[64], status[64];
	const char *d = entry_str(a->detail), *p, *arrow;
	size_t len;
	int n;

	n = snprintf(buf, cap, "custody.%s", ledger_col_text(r, 3));
	if (n < 0 || (size_t)n >= cap || strcmp(buf, entry_str(a->action)))
		return 0;
	n = snprintf(buf, cap, "%s %s",
		     sqlite3_column_int(r, 5) ? "asset" : "card",
		     ledger_col_text(r, 4));
	if (n < 0 || (size_t)n >= cap || strcmp(buf, entry_str(a->subject)))
		return 0;
	snprintf(head, sizeof(head),
		 "event=%lld status=", (long long)sqlite3_column_int64(r, 0));
	if (strncmp(d, head, strlen(head)) != 0)
		return 0;
	p = d + strlen(head);
	len = strcspn(p, " ");
	if (len >= sizeof(status))
		return 0;
	memcpy(status, p, len);
	status[len] = '\0';
	arrow = strstr(status, "->");
	if (!arrow)
		return 0;
	status[arrow - status] = '\0';
	return detail_is(
	    a, buf,
	    ledger_custody_detail(buf, cap, sqlite3_column_int64(r, 0), status,
				  status + (arrow - status) + 2,
				  ledger_col_text(r, 6), ledger_col_text(r, 7),
				  sqlite3_column_type(r, 8) == SQLITE_NULL
				      ? "-"
				      : ledger_col_text(r, 8),
				  col_flag(r, 9)));
}

static int match_batch_start(sqlite3_stmt *r, const struct audit_entry *a,
			     char *buf,
			     size_t cap)
{
	return detail_is(a, buf,
			 snprintf(buf, cap, "witness=%lld",
				  (long long)sqlite3_column_int64(r, 3)));
}

/* A close written before the method was in its entry says less; the
 * chain vouches for what it says. */
static int match_batch_close(sqlite3_stmt *r, const struct audit_entry *a,
			     char *buf,
			     size_t cap)
{
	int n = snprintf(buf, cap, "cards=%lld witness=%lld",
			 (long long)sqlite3_column_int64(r, 6),
			 (long long)sqlite3_column_int64(r, 3));

	if (detail_is(a, buf, n))
		return 1;
	return detail_is(a, buf,
			 ledger_batch_close_detail(
			     buf, cap, sqlite3_column_int64(r, 6),
			     sqlite3_column_int64(r, 3), ledger_col_text(r, 4),
			     ledger_col_text(r, 5)));
}

static const struct record_kind record_kinds[] = {
    {"scan", "scan", "scan=", 0,
     "SELECT id, staff_id, at, session_id, range_id, serial, card_id, "
     "outcome, why, safe_closed, profile, profile_version FROM scan "
     "ORDER BY id",
     match_scan, NULL},
    {"receipt", "receive", "receipt=", 0,
     "SELECT r.id, r.staff_id, r.at, c.mgmt_id, r.serial, r.profile, "
     "r.profile_version, t.path FROM receipt r "
     "LEFT JOIN card c ON c.id = r.card_id "
     "LEFT JOIN location t ON t.id = r.tray_id ORDER BY r.id",
     match_receipt, NULL},
    {"near_miss", "note.add", "note=", 0,
     "SELECT n.id, n.staff_id, n.at, c.mgmt_id, n.text FROM near_miss n "
     "LEFT JOIN card c ON c.id = n.card_id ORDER BY n.id",
     match_note, NULL},
    {"custody_event", "custody.*", "event=", 0,
     "SELECT e.id, e.staff_id, e.at, e.kind, coalesce(c.mgmt_id, a.code), "
     "e.card_id IS NULL, f.path, t.path, e.for_date, e.safe_closed "
     "FROM custody_event e LEFT JOIN card c ON c.id = e.card_id "
     "LEFT JOIN asset a ON a.id = e.asset_id "
     "LEFT JOIN location f ON f.id = e.from_location_id "
     "LEFT JOIN location t ON t.id = e.location_id ORDER BY e.id",
     match_custody, NULL},
    /* The cards before their batches: a card deleted from a closed batch
     * is named as such, not as a batch with one card less. */
    {.table = "disposal", .check = check_disposal_rows},
    {"disposal_batch", "dispose.start", "disposal ", 1,
     "SELECT id, started_by, started_at, witness_id FROM disposal_batch "
     "ORDER BY id",
     match_batch_start, NULL},
    {"disposal_batch", "dispose.close", "disposal ", 1,
     "SELECT b.id, b.closed_by, b.closed_at, b.close_witness_id, b.method, "
     "b.certificate, (SELECT count(*) FROM disposal d WHERE d.batch_id = "
     "b.id) FROM disposal_batch b WHERE b.closed_at IS NOT NULL "
     "ORDER BY b.id",
     match_batch_close, NULL},
};

static int64_t entry_record_id(const struct audit_entry *a,
			       const struct record_kind *k)
{
	const char *d = entry_str(k->in_subject ? a->subject : a->detail);
	size_t n = strlen(k->prefix);

	if (strncmp(d, k->prefix, n) != 0)
		return 0;
	return strtoll(d + n, NULL, 10);
}

/* 1 when action is one of kind k's: its name, or the name's start when
 * it ends in '*' (as GLOB read the text, up to a NUL). */
static int kind_action(const struct record_kind *k, const char *action)
{
	size_t n = strlen(k->action);

	if (n && k->action[n - 1] == '*')
		return strncmp(action, k->action, n - 1) == 0;
	return strcmp(action, k->action) == 0;
}

#define NKINDS (sizeof(record_kinds) / sizeof(record_kinds[0]))

/*
 * The tables whose rows repeat an entry are walked beside the chain, one
 * pass over the log for all of them (issue 12; it was one per table): each
 * has its rows statement, stepped as its entries come -- both go up in id
 * order, every row being written in the transaction of its entry.  A
 * table stops at its first problem, kept until the chain is known to hold:
 * a broken chain stops verification before these tables are judged, and
 * their findings follow the chain's, table by table.  The disposal rows,
 * sorted otherwise, are checked after the walk, from the ids of their
 * entries noted on the way.
 */
struct record_walk {
	sqlite3_stmt *r;
	int rr; /* its last step */
	int stopped;
	int64_t records;
	struct audit_finding found; /* why it stopped */
};

struct record_walks {
	struct record_walk w[NKINDS];
	struct id_array disposal_ids; /* of the dispose.scan entries */
	char want[NOTE_MAX_BYTES + 1024];
};

static void walks_close(struct record_walks *ws)
{
	if (!ws)
		return;
	for (size_t i = 0; i < NKINDS; i++)
		sqlite3_finalize(ws->w[i].r);
	id_array_free(&ws->disposal_ids);
	free(ws);
}

static int walks_open(struct ledger *l, struct record_walks **out)
{
	struct record_walks *ws = calloc(1, sizeof(*ws));
	int rc = 0;

	*out = ws;
	if (!ws)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < NKINDS; i++) {
		struct record_walk *w = &ws->w[i];

		if (record_kinds[i].check)
			continue;
		rc = ledger_prepare(l, record_kinds[i].rows_sql, &w->r);
		if (rc < 0)
			break;
		w->rr = sqlite3_step(w->r);
		if (w->rr != SQLITE_ROW && w->rr != SQLITE_DONE)
			rc = ledger_sql_error(l, record_kinds[i].table);
	}
	return rc;
}

static void stop_walk(struct record_walk *w, enum audit_problem p,
		      const char *table, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Walk w stops at its first problem, kept in w->found. */
static void stop_walk(struct record_walk *w, enum audit_problem p,
		      const char *table, int64_t id, const char *fmt, ...)
{
	va_list ap;

	w->found = (struct audit_finding){.problem = p, .table = table,
					  .id = id};
	va_start(ap, fmt);
	vsnprintf(w->found.what, sizeof(w->found.what), fmt, ap);
	va_end(ap);
	w->stopped = 1;
}

static int note_disposal_entry(struct ledger *l, struct record_walks *ws,
			       int64_t id)
{
	if (id_array_add(&ws->disposal_ids, id) < 0)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	return 0;
}

/* Entry a, whose hash holds, against the row of its table, if any. */
static int walks_entry(struct ledger *l, struct record_walks *ws,
		       const struct audit_entry *a)
{
	const char *action = entry_str(a->action);

	if (a->action_len == 12 && memcmp(action, "dispose.scan", 12) == 0)
		return note_disposal_entry(l, ws, a->id);
	for (size_t i = 0; i < NKINDS; i++) {
		const struct record_kind *k = &record_kinds[i];
		struct record_walk *w = &ws->w[i];
		int64_t logged, id;

		if (k->check || w->stopped || !kind_action(k, action))
			continue;
		logged = entry_record_id(a, k);
		id = w->rr == SQLITE_ROW ? sqlite3_column_int64(w->r, 0) : 0;
		if (w->rr != SQLITE_ROW || logged < id) {
			stop_walk(w, AUDIT_RECORD_MISSING, k->table, logged,
				  "%s row %lld is missing: audit entry %lld "
				  "recorded it",
				  k->table, (long long)logged, (long long)a->id);
			continue;
		}
		if (id < logged) {
			stop_walk(w, AUDIT_RECORD_UNLOGGED, k->table, id,
				  "%s row %lld has no audit entry: it was "
				  "added outside cardtally",
				  k->table, (long long)id);
			continue;
		}
		if (!k->matches(w->r, a, ws->want, sizeof(ws->want)) ||
		    a->staff_id != sqlite3_column_int64(w->r, 1) ||
		    a->at != sqlite3_column_int64(w->r, 2)) {
			stop_walk(w, AUDIT_RECORD_CHANGED, k->table, id,
				  "%s row %lld was changed: it differs from "
				  "what audit entry %lld recorded",
				  k->table, (long long)id, (long long)a->id);
			continue;
		}
		w->records++;
		w->rr = sqlite3_step(w->r);
		if (w->rr != SQLITE_ROW && w->rr != SQLITE_DONE)
			return ledger_sql_error(l, k->table);
	}
	return 0;
}

/* After a walk of the whole chain: the tables' findings, in order; a
 * row after the last entry of its table has none. */
static int walks_finish(struct ledger *l, struct record_walks *ws,
			struct audit_verify *out)
{
	int rc = 0;

	for (size_t i = 0; rc >= 0 && i < NKINDS; i++) {
		const struct record_kind *k = &record_kinds[i];
		struct record_walk *w = &ws->w[i];

		if (k->check) {
			rc = k->check(l, ws, out);
			continue;
		}
		out->records += w->records;
		if (w->stopped)
			audit_add_finding(out, &w->found);
		else if (w->rr == SQLITE_ROW)
			problem(out, AUDIT_RECORD_UNLOGGED, k->table,
				sqlite3_column_int64(w->r, 0),
				"%s row %lld has no audit entry: it was "
				"added outside cardtally",
				k->table,
				(long long)sqlite3_column_int64(w->r, 0));
	}
	return rc < 0 ? rc : 0;
}

/*
 * The cards of disposal batches (table disposal, keyed by batch and card,
 * without a row id): each row must have its dispose.scan entry (subject:
 * the card's management ID, detail "disposal=<batch> ...") and each such
 * entry its row.  One pass (issue 12): the rows sorted by batch and
 * management ID and the entries by the batch their detail names, their
 * subject and id are walked side by side, as two sorted lists are merged;
 * a row is compared with the first entry of its key, and later entries of
 * the same key only need the row to exist.  A row without its entry or
 * changed is named first; else the missing row whose entry came first.
 * Problems name the batch as the row.
 */

/* Order of a row's key (batch, mgmt; NULL mgmt: a deleted card, matching
 * no entry) against an entry's (batch, subject): as SQLite's ORDER BY with
 * the BINARY collation sorts them, NULL first. */
static int disposal_key_cmp(sqlite3_stmt *rows, sqlite3_stmt *ent)
{
	int64_t rb = sqlite3_column_int64(rows, 0);
	int64_t eb = sqlite3_column_int64(ent, 5);
	int rn, en, c;

	if (rb != eb)
		return rb < eb ? -1 : 1;
	if (sqlite3_column_type(rows, 1) == SQLITE_NULL)
		return -1;
	if (sqlite3_column_type(ent, 4) == SQLITE_NULL)
		return 1;
	rn = sqlite3_column_bytes(rows, 1);
	en = sqlite3_column_bytes(ent, 4);
	c = memcmp(sqlite3_column_text(rows, 1), sqlite3_column_text(ent, 4),
		   (size_t)(rn < en ? rn : en));
	if (c)
		return c;
	return rn < en ? -1 : rn > en;
}

static int check_disposal_rows(struct ledger *l, struct record_walks *ws,
			       struct audit_verify *out)
{
	sqlite3_stmt *rows = NULL, *ent = NULL;
	char want[256], lost_mgmt[128] = "";
	int64_t lost_id = 0, lost_batch = 0;
	int rc, rr, re;

	rc = ledger_prepare(l,
			    "SELECT d.batch_id, c.mgmt_id, d.why, d.due_since, "
			    "d.scanned_at, d.scanned_by, d.safe_closed, "
			    "d.profile, d.profile_version "
			    "FROM disposal d LEFT JOIN card c ON c.id = "
			    "d.card_id ORDER BY d.batch_id, c.mgmt_id "
			    "COLLATE BINARY",
			    &rows);
	if (rc == 0)
		rc = ledger_prepare(
		    l,
		    "SELECT id, staff_id, at, detail, subject, "
		    "CASE WHEN substr(detail, 1, 9) = 'disposal=' "
		    "THEN CAST(substr(detail, 10) AS INTEGER) ELSE 0 END AS b "
		    "FROM audit WHERE id IN (SELECT value FROM "
		    "json_each(?1)) AND action = 'dispose.scan' "
		    "ORDER BY b, subject COLLATE BINARY, id",
		    &ent);
	if (rc < 0)
		goto out;
	/* The entries' ids, noted in the walk of the chain: the log is not
	 * read a second time for them. */
	sqlite3_bind_text(ent, 1, id_array_json(&ws->disposal_ids), -1,
			  SQLITE_STATIC);
	rr = sqlite3_step(rows);
	re = sqlite3_step(ent);
	while (rr == SQLITE_ROW || re == SQLITE_ROW) {
		struct audit_entry e = {0};
		int64_t batch;
		const char *mgmt, *prof;
		unsigned pv;
		int cmp, n;

		cmp = rr != SQLITE_ROW	 ? 1
		      : re != SQLITE_ROW ? -1
					 : disposal_key_cmp(rows, ent);
		if (cmp > 0) {
			/* An entry without its row: kept, the rows first. */
			if (!lost_id || sqlite3_column_int64(ent, 0) < lost_id) {
				lost_id = sqlite3_column_int64(ent, 0);
				lost_batch = sqlite3_column_int64(ent, 5);
				snprintf(lost_mgmt, sizeof(lost_mgmt), "%s",
					 ledger_col_text(ent, 4));
			}
			re = sqlite3_step(ent);
			continue;
		}
		batch = sqlite3_column_int64(rows, 0);
		mgmt = ledger_col_text(rows, 1);
		if (cmp < 0) {
			rc = problem(out, AUDIT_RECORD_UNLOGGED, "disposal",
				     batch,
				     "disposal row of card %s in D%lld has no "
				     "audit entry: it was added outside "
				     "cardtally",
				     mgmt, (long long)batch);
			goto out;
		}
		e.detail = (const char *)sqlite3_column_text(ent, 3);
		e.detail_len = (size_t)sqlite3_column_bytes(ent, 3);
		prof = row_profile(rows, 7, &e, &pv);
		n = ledger_disposal_detail(
		    want, sizeof(want), batch, ledger_col_text(rows, 2),
		    ledger_col_date(rows, 3), col_flag(rows, 6), prof, pv);
		if (!detail_is(&e, want, n) ||
		    sqlite3_column_int64(ent, 1) !=
			sqlite3_column_int64(rows, 5) ||
		    sqlite3_column_int64(ent, 2) !=
			sqlite3_column_int64(rows, 4)) {
			rc = problem(out, AUDIT_RECORD_CHANGED, "disposal",
				     batch,
				     "disposal row of card %s in D%lld was "
				     "changed: it differs from what audit "
				     "entry %lld recorded",
				     mgmt, (long long)batch,
				     (long long)sqlite3_column_int64(ent, 0));
			goto out;
		}
		out->records++;
		/* Later entries of the same card and batch have their row. */
		do
			re = sqlite3_step(ent);
		while (re == SQLITE_ROW && disposal_key_cmp(rows, ent) == 0);
		rr = sqlite3_step(rows);
	}
	if (rr != SQLITE_DONE) {
		rc = ledger_sql_error(l, "disposal");
		goto out;
	}
	if (re != SQLITE_DONE) {
		rc = ledger_sql_error(l, "disposal entries");
		goto out;
	}
	if (lost_id)
		rc = problem(out, AUDIT_RECORD_MISSING, "disposal", lost_batch,
			     "disposal row of card %s in D%lld is "
			     "missing: audit entry %lld recorded it",
			     lost_mgmt, (long long)lost_batch,
			     (long long)lost_id);
out:
	sqlite3_finalize(rows);
	sqlite3_finalize(ent);
	return rc;
}

/* About how many cards the log names: the highest card id (one lookup),
 * 0 when unknown.  Only a size hint for the replay. */
static size_t card_count_hint(struct ledger *l)
{
	sqlite3_stmt *st;
	size_t n = 0;

	if (ledger_prepare(l, "SELECT max(id) FROM card", &st) < 0)
		return 0; /* the walks that follow say what is wrong */
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* One pass of ledger_audit_verify, inside its read transaction. */
static int verify_pass(struct ledger *l, const uint8_t *anchor,
		       int64_t anchor_entry, struct chain_hasher *hs,
		       struct audit_verify *out)
{
	struct audit_replay *r = audit_replay_new(card_count_hint(l));
	struct record_walks *ws = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->table = "audit";
	out->tail_checked = anchor != NULL;
	if (!r)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	rc = walks_open(l, &ws);
	/* A broken chain stops here: what it says after the break, or what
	 * the tables hold of it, proves nothing. */
	if (rc == 0)
		rc = check_chain(l, anchor, anchor_entry, r, ws, hs, out);
	/* Each table its entries repeat stopped at its first problem; the
	 * next table was still checked. */
	if (rc == 0)
		rc = walks_finish(l, ws, out);
	if (rc == 0)
		rc = audit_replay_compare(l, r, out);
	walks_close(ws);
	audit_replay_free(r);
	return rc;
}

int ledger_audit_verify(struct ledger *l, const uint8_t *anchor,
			int64_t anchor_entry, struct audit_verify *out)
{
	struct chain_hasher *hs;
	int own = !l->in_tx;
	int rc;

	/* One snapshot: a scan committed while we read cannot look like a
	 * row without its entry. */
	if (own) {
		rc = ledger_exec(l, "BEGIN");
		if (rc < 0) {
			memset(out, 0, sizeof(*out));
			return rc;
		}
	}
	/* The hashes on a second thread, everything else here.  An entry
	 * whose hash differs is rare (the log was changed), and what to
	 * report then is what the checks in order find: they run again, on
	 * this thread, in the same snapshot. */
	hs = chain_hasher_start();
	rc = verify_pass(l, anchor, anchor_entry, hs, out);
	if (hs && chain_hasher_finish(hs) != 0 && rc >= 0)
		rc = verify_pass(l, anchor, anchor_entry, NULL, out);
	if (own)
		ledger_exec(l, "COMMIT");
	return rc < 0 ? rc : 0;
}

/* ---- listing ---- */

int ledger_audit_list(struct ledger *l, int64_t last,
		      int (*fn)(void *ctx, const struct audit_row *r),
		      void *ctx)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT a.id, a.at, p.code, a.action, a.subject, a.detail, "
	    "a.hash FROM audit a LEFT JOIN staff p ON p.id = a.staff_id "
	    "WHERE ?1 <= 0 OR a.id IN (SELECT id FROM audit "
	    "ORDER BY id DESC LIMIT ?1) ORDER BY a.id",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, last);
	int stop = 0;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct audit_row r = {
		    .id = sqlite3_column_int64(st, 0),
		    .at = sqlite3_column_int64(st, 1),
		    .staff = ledger_col_text(st, 2),
		    .action = ledger_col_text(st, 3),
		    .subject = ledger_col_text(st, 4),
		    .detail = ledger_col_text(st, 5),
		};

		if (col_is_hash(st, 6))
			audit_hex(sqlite3_column_blob(st, 6), r.hash);
		stop = fn(ctx, &r);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "audit log");
}
