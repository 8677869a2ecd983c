/*
 * Counting sessions in the ledger: opening and closing them, recording each
 * read durably, loading a session for reconciliation, and finding where a
 * card was last seen.  The scan loop's statements stay prepared in a
 * struct ledger_scanner because a sweep records thousands of reads, each in
 * its own transaction.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/count.h"

/* States that place a card in a range's scope: in the safe, or out of it
 * with custody (checked out, to be reported separately). */
#define IN_SCOPE_STATES "(" CARD_IN_STORAGE_SQL ",'checked_out')"
/* The rest of the card table's CHECK: cards no count looks for. */
#define OUT_OF_SCOPE_STATES "('lost','issued','disposed')"

static int check_ranges(struct ledger *l, const char *const *ranges, size_t n)
{
	size_t a, b;

	switch (location_clash(ranges, n, &a, &b)) {
	case LOCATION_CLASH_NONE:
		return 0;
	case LOCATION_CLASH_TWICE:
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "range %s is given twice", ranges[a]);
	case LOCATION_CLASH_WITHIN:
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "range %s lies within range %s", ranges[a],
				   ranges[b]);
	default:
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	}
}

static int add_range(struct ledger *l, sqlite3_stmt *ins, int64_t session,
		     int64_t loc)
{
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, session);
	sqlite3_bind_int64(ins, 2, loc);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return ledger_sql_error(l, "add range");
	return 0;
}

/* Whether path lies within one of v[0..n) (sorted, as SQL's ORDER BY
 * sorts): each of its ancestors (and itself) looked up by bisection, so
 * that a thousand ranges take a few thousand comparisons, not half a
 * million. */
static int kept_ancestor(const char *path, const char (*v)[LOCATION_MAX + 1],
			 size_t n)
{
	char head[LOCATION_MAX + 1];
	size_t len = strlen(path);

	if (len > LOCATION_MAX)
		return 0;
	memcpy(head, path, len + 1);
	for (size_t end = 1; end <= len; end++) {
		size_t lo = 0, hi = n;

		if (path[end] != '/' && path[end] != '\0')
			continue;
		head[end] = '\0';
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(v[mid], head);

			if (c == 0)
				return 1;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		head[end] = path[end];
	}
	return 0;
}

/* Every location holding cards in scope, a location within another such
 * location covered by it, so that ranges never nest: their paths into
 * *out and, when ids is not NULL, their ids into *ids (both malloc'ed). */
static int all_ranges(struct ledger *l, char (**out)[LOCATION_MAX + 1],
		      int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	char(*v)[LOCATION_MAX + 1] = NULL;
	int64_t *id = NULL;
	size_t cnt = 0, cap = 0;
	/* Index lookups per location, no card row read but where needed: it
	 * holds a card (card_location) and none of them out of scope
	 * (card_away), or, when some are, one card in scope (this reads
	 * card rows until it finds one). */
	int rc = ledger_prepare(
	    l,
	    "SELECT x.path, x.id FROM location x WHERE EXISTS (SELECT 1 FROM "
	    "card c WHERE c.location_id = x.id) AND (NOT EXISTS (SELECT 1 "
	    "FROM card c WHERE " AWAY_STATES("c") " AND c.status IN " OUT_OF_SCOPE_STATES
	    " AND c.location_id = x.id) OR EXISTS (SELECT 1 FROM card c WHERE "
	    "c.location_id = x.id AND c.status IN " IN_SCOPE_STATES
	    ")) ORDER BY x.path",
	    &st);

	*out = NULL;
	if (ids)
		*ids = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	/* Paths sort parents first: a location within one kept already is
	 * covered by it. */
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		const char *path = ledger_col_text(st, 0);

		if (kept_ancestor(path, v, cnt))
			continue;
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			void *p = realloc(v, ncap * sizeof(*v));
			void *q = p ? realloc(id, ncap * sizeof(*id)) : NULL;

			if (p)
				v = p;
			if (!q) {
				sqlite3_finalize(st);
				free(v);
				free(id);
				return ledger_fail(l, LEDGER_ERR_NOMEM,
						   "out of memory");
			}
			id = q;
			cap = ncap;
		}
		id[cnt] = sqlite3_column_int64(st, 1);
		snprintf(v[cnt++], sizeof(v[0]), "%s", path);
	}
	rc = ledger_walk_end(l, st, rc, 0, "ranges");
	if (rc < 0) {
		free(v);
		free(id);
		return rc;
	}
	*out = v;
	*n = cnt;
	if (ids)
		*ids = id;
	else
		free(id);
	return 0;
}

/* See ledger.h. */
int ledger_all_ranges(struct ledger *l, char (**out)[LOCATION_MAX + 1],
		      size_t *n)
{
	return all_ranges(l, out, NULL, n);
}

/* The ranges of a count over everything (ledger_all_ranges) into the
 * session being started, by the ids the same statement gives. */
static int add_all_ranges(struct ledger *l, sqlite3_stmt *ins, int64_t session,
			  size_t *added)
{
	char(*v)[LOCATION_MAX + 1] = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = all_ranges(l, &v, &ids, &n);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = add_range(l, ins, session, ids[i]);
		if (rc == 0)
			(*added)++;
	}
	free(v);
	free(ids);
	return rc;
}

int ledger_session_start(struct ledger *l, enum session_kind kind,
			 const char *const *ranges, size_t n, int64_t actor_id,
			 int64_t now, int64_t *id)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	int rc, own_tx = !l->in_tx;
	size_t added = 0;
	char detail[64];

	rc = check_ranges(l, ranges, n);
	if (rc < 0)
		return rc;
	if (own_tx && (rc = ledger_begin(l)) < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO session(kind, started_at, "
			    "started_by) VALUES (?, ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_text(st, 1, session_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, actor_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "start session");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	rc = ledger_prepare(l,
			    "INSERT INTO session_range(session_id, "
			    "location_id) VALUES (?, ?)",
			    &ins);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t loc;

		rc = ledger_location_find(l, ranges[i], &loc);
		if (rc == LEDGER_ERR_NOTFOUND)
			rc = ledger_fail(l, LEDGER_ERR_INVALID,
					 "range %s is not a known location",
					 ranges[i]);
		if (rc == 0)
			rc = add_range(l, ins, *id, loc);
		if (rc < 0)
			goto out;
		added++;
	}
	if (n == 0) {
		rc = add_all_ranges(l, ins, *id, &added);
		if (rc < 0)
			goto out;
	}
	if (added == 0) {
		rc = ledger_fail(l, LEDGER_ERR_INVALID,
				 "nothing to count: the ledger holds no cards");
		goto out;
	}
	snprintf(detail, sizeof(detail), "kind=%s ranges=%zu",
		 session_kind_name(kind), added);
	char subject[32];
	snprintf(subject, sizeof(subject), "session %lld", (long long)*id);
	rc = ledger_audit(l, actor_id, now, "count.start", subject, detail);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	if (own_tx) {
		if (rc == 0)
			rc = ledger_commit(l);
		else
			ledger_rollback(l);
	}
	return rc;
}

int ledger_session_assign(struct ledger *l, int64_t id, const char *path,
			  const char *code, int64_t actor_id, int64_t now)
{
	struct staff_rec who;
	sqlite3_stmt *st;
	int64_t loc;
	int rc = ledger_location_find(l, path, &loc);

	if (rc == LEDGER_ERR_NOTFOUND)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "range %s is not a known location", path);
	if (rc == 0)
		rc = ledger_staff_get(l, code, &who);
	if (rc == LEDGER_ERR_NOTFOUND)
		return ledger_fail(l, LEDGER_ERR_INVALID, "no staff member %s",
				   code);
	if (rc < 0)
		return rc;
	if (!who.active)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "staff member %s is not active", code);
	/* Kept prepared: the planner assigns every range of a count. */
	rc = ledger_stmt(l,
			 "UPDATE session_range SET assignee_id = ? "
			 "WHERE session_id = ? AND location_id = ?",
			 &st);
	if (rc < 0)
		return rc;
	int own;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0) {
		ledger_stmt_done(l, st);
		return rc;
	}
	sqlite3_bind_int64(st, 1, who.id);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, loc);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_sql_error(l, "assign range");
	else if (sqlite3_changes(l->db) == 0)
		rc = ledger_fail(l, LEDGER_ERR_INVALID,
				 "%s is not a range of session %lld", path,
				 (long long)id);
	ledger_stmt_done(l, st);
	if (rc == 0) {
		char subject[32], detail[LOCATION_MAX + STAFF_CODE_MAX + 16];

		snprintf(subject, sizeof(subject), "session %lld",
			 (long long)id);
		snprintf(detail, sizeof(detail), "range=%s staff=%s", path,
			 code);
		rc = ledger_audit(l, actor_id, now, "count.assign", subject,
				  detail);
	}
	return ledger_tx_leave(l, own, rc);
}

int ledger_session_get(struct ledger *l, int64_t id, struct session_rec *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT s.kind, s.started_at, a.code, s.closed_at, c.code, "
	    "w.code FROM session s JOIN staff a ON a.id = s.started_by "
	    "LEFT JOIN staff c ON c.id = s.closed_by "
	    "LEFT JOIN staff w ON w.id = s.witness_id WHERE s.id = ?",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = id;
		if (session_kind_parse(ledger_col_text(st, 0), &out->kind) < 0)
			out->kind = SESSION_FULL;
		out->started_at = sqlite3_column_int64(st, 1);
		snprintf(out->started_by, sizeof(out->started_by), "%s",
			 ledger_col_text(st, 2));
		out->closed_at = sqlite3_column_int64(st, 3);
		snprintf(out->closed_by, sizeof(out->closed_by), "%s",
			 ledger_col_text(st, 4));
		snprintf(out->witness, sizeof(out->witness), "%s",
			 ledger_col_text(st, 5));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no session %lld",
				 (long long)id);
	} else {
		rc = ledger_sql_error(l, "session");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_session_ranges(struct ledger *l, int64_t id, struct range_rec **out,
			  size_t *n)
{
	sqlite3_stmt *st;
	struct range_rec *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc = ledger_prepare(l,
				"SELECT r.location_id, l.path, r.assignee_id, "
				"s.code FROM session_range r "
				"JOIN location l ON l.id = r.location_id "
				"LEFT JOIN staff s ON s.id = r.assignee_id "
				"WHERE r.session_id = ? ORDER BY l.path",
				&st);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct range_rec *p = realloc(v, ncap * sizeof(*v));

			if (!p) {
				rc = ledger_fail(l, LEDGER_ERR_NOMEM,
						 "out of memory");
				goto out;
			}
			v = p;
			cap = ncap;
		}
		struct range_rec *r = &v[cnt++];
		memset(r, 0, sizeof(*r));
		r->location_id = sqlite3_column_int64(st, 0);
		snprintf(r->path, sizeof(r->path), "%s",
			 ledger_col_text(st, 1));
		r->assignee_id = sqlite3_column_int64(st, 2);
		snprintf(r->assignee, sizeof(r->assignee), "%s",
			 ledger_col_text(st, 3));
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "ranges");
out:
	sqlite3_finalize(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int ledger_session_close(struct ledger *l, int64_t id, int64_t actor_id,
			 int64_t witness_id, int64_t now)
{
	sqlite3_stmt *st;
	char subject[32];
	int own, rc = ledger_tx_enter(l, &own);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "UPDATE session SET closed_at = ?, "
			    "closed_by = ?, witness_id = ? "
			    "WHERE id = ? AND closed_at IS NULL",
			    &st);
	if (rc < 0)
		return ledger_tx_leave(l, own, rc);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, actor_id);
	if (witness_id > 0)
		sqlite3_bind_int64(st, 3, witness_id);
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_sql_error(l, "close session");
	else if (sqlite3_changes(l->db) == 0)
		rc = ledger_fail(l, LEDGER_ERR_STATE,
				 "session %lld is closed already",
				 (long long)id);
	sqlite3_finalize(st);
	snprintf(subject, sizeof(subject), "session %lld", (long long)id);
	if (rc == 0)
		rc = ledger_audit(l, actor_id, now, "count.close", subject,
				  NULL);
	return ledger_tx_leave(l, own, rc);
}

/* ---- recording reads ---- */

struct ledger_scanner {
	struct ledger *l;
	int64_t session_id;
	sqlite3_stmt *card, *seen, *ins, *target;
	int64_t last_id; /* of the last read recorded */
};

int ledger_scanner_open(struct ledger *l, int64_t session_id,
			struct ledger_scanner **out)
{
	struct ledger_scanner *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	s->l = l;
	s->session_id = session_id;
	rc = ledger_prepare(
	    l,
	    "SELECT c.id, c.mgmt_id, c.location_id, l.path, c.status, "
	    "c.received, c.notice_sent, c.reminder_sent FROM card c "
	    "JOIN location l ON l.id = c.location_id WHERE c.serial = ?",
	    &s->card);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "SELECT l.path FROM scan_live s LEFT JOIN "
				    "location l ON l.id = s.range_id "
				    "WHERE s.session_id = ? AND s.serial = ? "
				    "ORDER BY s.id LIMIT 1",
				    &s->seen);
	if (rc == 0)
		rc =
		    ledger_prepare(l,
				   "INSERT INTO scan(session_id, range_id, "
				   "serial, card_id, staff_id, at, outcome, "
				   "why, safe_closed, profile, "
				   "profile_version) "
				   "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
				   "?10, ?11 "
				   "WHERE EXISTS (SELECT 1 FROM session "
				   "WHERE id = ?1 AND closed_at IS NULL)",
				   &s->ins);
	if (rc == 0)
		rc = ledger_prepare(
		    l,
		    "SELECT s.kind, s.closed_at, r.location_id, "
		    "r.assignee_id, coalesce(a.code, '') FROM session s "
		    "LEFT JOIN session_range r ON r.session_id = s.id "
		    "AND r.location_id = ?2 "
		    "LEFT JOIN staff a ON a.id = r.assignee_id "
		    "WHERE s.id = ?1",
		    &s->target);
	if (rc < 0) {
		ledger_scanner_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int ledger_scanner_lookup(struct ledger_scanner *s, const char *serial,
			  struct scan_lookup *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_reset(s->card);
	sqlite3_bind_text(s->card, 1, serial, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->card);
	if (rc == SQLITE_ROW) {
		struct card_rec *c = &out->card;

		out->known = 1;
		c->id = sqlite3_column_int64(s->card, 0);
		snprintf(c->mgmt_id, sizeof(c->mgmt_id), "%s",
			 ledger_col_text(s->card, 1));
		snprintf(c->serial, sizeof(c->serial), "%s", serial);
		c->location_id = sqlite3_column_int64(s->card, 2);
		snprintf(c->location, sizeof(c->location), "%s",
			 ledger_col_text(s->card, 3));
		if (card_status_parse(ledger_col_text(s->card, 4), &c->status) <
		    0)
			c->status = CARD_STORED;
		c->received = ledger_col_date(s->card, 5);
		c->notice_sent = ledger_col_date(s->card, 6);
		c->reminder_sent = ledger_col_date(s->card, 7);
	} else if (rc != SQLITE_DONE) {
		return ledger_sql_error(s->l, "look up serial");
	}
	sqlite3_reset(s->seen);
	sqlite3_bind_int64(s->seen, 1, s->session_id);
	sqlite3_bind_text(s->seen, 2, serial, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->seen);
	if (rc == SQLITE_ROW) {
		out->seen_before = 1;
		snprintf(out->first_range, sizeof(out->first_range), "%s",
			 ledger_col_text(s->seen, 0));
	} else if (rc != SQLITE_DONE) {
		return ledger_sql_error(s->l, "look up earlier read");
	}
	sqlite3_reset(s->card);
	sqlite3_reset(s->seen);
	return 0;
}

int ledger_scanner_target(struct ledger_scanner *s, int64_t range_id,
			  struct scan_target *out)
{
	sqlite3_stmt *st = s->target;
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, s->session_id);
	sqlite3_bind_int64(st, 2, range_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->found = 1;
		if (session_kind_parse(ledger_col_text(st, 0), &out->kind) < 0)
			out->kind = SESSION_FULL;
		out->closed_at = sqlite3_column_int64(st, 1);
		out->in_session = sqlite3_column_type(st, 2) != SQLITE_NULL;
		out->assignee_id = sqlite3_column_int64(st, 3);
		snprintf(out->assignee, sizeof(out->assignee), "%s",
			 ledger_col_text(st, 4));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0; /* the session is gone: found stays 0 */
	} else {
		rc = ledger_sql_error(s->l, "session of the read");
	}
	sqlite3_reset(st);
	return rc;
}

int ledger_scanner_record(struct ledger_scanner *s, int64_t range_id,
			  const char *serial, int64_t card_id, int64_t staff_id,
			  int64_t at, const char *outcome, const char *why,
			  int safe_closed, const char *profile,
			  unsigned profile_version)
{
	sqlite3_stmt *st = s->ins;
	int rc = 0;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, s->session_id);
	if (range_id > 0)
		sqlite3_bind_int64(st, 2, range_id);
	sqlite3_bind_text(st, 3, serial, -1, SQLITE_STATIC);
	if (card_id > 0)
		sqlite3_bind_int64(st, 4, card_id);
	sqlite3_bind_int64(st, 5, staff_id);
	sqlite3_bind_int64(st, 6, at);
	sqlite3_bind_text(st, 7, outcome, -1, SQLITE_STATIC);
	if (why && why[0])
		sqlite3_bind_text(st, 8, why, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, safe_closed ? 1 : 0);
	if (profile) {
		sqlite3_bind_text(st, 10, profile, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 11, profile_version);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_sql_error(s->l, "record read");
	else if (sqlite3_changes(s->l->db) == 0)
		rc = ledger_fail(s->l, LEDGER_ERR_STATE,
				 "session %lld is closed: the read of %s "
				 "was not recorded",
				 (long long)s->session_id, serial);
	sqlite3_reset(st);
	if (rc < 0)
		return rc;
	s->last_id = sqlite3_last_insert_rowid(s->l->db);
	/*
	 * The read enters the audit chain: its audit row repeats the scan
	 * row, and `audit verify` checks the scan table against those rows,
	 * so a scan changed, added or deleted behind cardtally's back is
	 * found.  One small insert and one hash per read.
	 */
	char subject[32], detail[SERIAL_BUF + 160 + LEDGER_PROFILE_DETAIL];
	snprintf(subject, sizeof(subject), "session %lld",
		 (long long)s->session_id);
	if (ledger_scan_detail(
		detail, sizeof(detail), s->last_id, s->session_id, range_id,
		serial, card_id, outcome, why, safe_closed ? 1 : 0, profile,
		profile_version) < 0)
		return ledger_fail(s->l, LEDGER_ERR_INVALID,
				   "read of %s does not fit the audit log",
				   serial);
	return ledger_audit(s->l, staff_id, at, "scan", subject, detail);
}

int ledger_session_other_profile(struct ledger *l, int64_t session_id,
				 const char *profile, unsigned version,
				 int64_t *checked, char *other, size_t cap,
				 unsigned *other_version)
{
	int64_t from = checked ? *checked : 0;
	sqlite3_stmt *st;
	/* Only the reads after *checked: by id (the rowid), the session
	 * tested on each (the unary + keeps SQLite from walking the
	 * session's index instead). */
	int rc = ledger_stmt(
	    l,
	    from > 0 ? "SELECT profile, profile_version FROM scan_live "
		       "WHERE id > ?4 AND +session_id = ?1 AND "
		       "profile IS NOT NULL AND (profile <> ?2 OR "
		       "profile_version <> ?3) ORDER BY id LIMIT 1"
		     : "SELECT profile, profile_version FROM scan_live "
		       "WHERE session_id = ?1 AND profile IS NOT NULL AND "
		       "(profile <> ?2 OR profile_version <> ?3) "
		       "ORDER BY id LIMIT 1",
	    &st);

	if (cap)
		other[0] = '\0';
	*other_version = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_text(st, 2, profile, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, version);
	if (from > 0)
		sqlite3_bind_int64(st, 4, from);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(other, cap, "%s", ledger_col_text(st, 0));
		*other_version = (unsigned)sqlite3_column_int64(st, 1);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = ledger_sql_error(l, "profiles of the session's reads");
	}
	ledger_stmt_done(l, st);
	if (rc == 0 && checked) {
		rc = ledger_stmt(l, "SELECT max(id) FROM scan", &st);
		if (rc < 0)
			return rc;
		if (sqlite3_step(st) == SQLITE_ROW)
			*checked = sqlite3_column_int64(st, 0);
		else
			rc = ledger_sql_error(l, "the last read");
		ledger_stmt_done(l, st);
	}
	return rc;
}

int64_t ledger_scanner_last_id(const struct ledger_scanner *s)
{
	return s->last_id;
}

void ledger_scanner_close(struct ledger_scanner *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->card);
	sqlite3_finalize(s->seen);
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->target);
	free(s);
}

int ledger_session_mark(struct ledger *l, int64_t session_id, int64_t *mark)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT (SELECT count(*) FROM scan WHERE session_id = ?1) + "
	    "(SELECT count(*) FROM scan_undo u JOIN scan s "
	    "ON s.id = u.scan_id WHERE s.session_id = ?1)",
	    &st);

	*mark = -1;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*mark = sqlite3_column_int64(st, 0);
	else
		rc = ledger_sql_error(l, "reads of the session");
	sqlite3_finalize(st);
	return rc;
}

int64_t ledger_session_scan_count(struct ledger *l, int64_t session_id)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (ledger_prepare(
		l,
		"SELECT count(*) FROM scan_live WHERE session_id = ? "
		"AND outcome <> 'repeat'",
		&st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, session_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		ledger_sql_error(l, "reads of the session");
	sqlite3_finalize(st);
	return n;
}

/* ---- loading a session for reconciliation ---- */

/*
 * Per-location lookups, indexed by location id (ids are small and dense:
 * a ward has hundreds of locations, not millions).
 */
struct loc_index {
	int64_t max_id;
	const char **path; /* in the count_data arena */
	int32_t *range;	   /* range index the location lies in, or -1 */
};

static int load_locations(struct ledger *l, struct count_data *d,
			  struct loc_index *ix)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, "SELECT max(id) FROM location", &st);

	if (rc < 0)
		return rc;
	/* A failed step (out of memory) is an error, not an empty table:
	 * SQLite may have rolled the caller's transaction back. */
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ix->max_id = sqlite3_column_int64(st, 0);
	else
		rc = ledger_sql_error(l, "locations");
	sqlite3_finalize(st);
	if (rc < 0)
		return rc;
	ix->path = calloc((size_t)ix->max_id + 1, sizeof(*ix->path));
	ix->range = malloc(((size_t)ix->max_id + 1) * sizeof(*ix->range));
	if (!ix->path || !ix->range)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	memset(ix->range, 0xff, ((size_t)ix->max_id + 1) * sizeof(*ix->range));
	rc = ledger_prepare(l, "SELECT id, path FROM location", &st);
	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *path = ledger_col_text(st, 1);

		if (id < 0 || id > ix->max_id)
			continue;
		ix->path[id] = count_data_strdup(d, path, strlen(path));
		if (!ix->path[id]) {
			rc = ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
			break;
		}
		for (size_t r = 0; r < d->nranges; r++)
			if (location_within(path, d->ranges[r].path))
				ix->range[id] = (int32_t)r;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = ledger_sql_error(l, "locations");
	sqlite3_finalize(st);
	return rc;
}

static int load_ranges(struct ledger *l, int64_t session_id,
		       struct count_data *d)
{
	struct range_rec *rr;
	size_t n;
	int rc = ledger_session_ranges(l, session_id, &rr, &n);

	if (rc < 0)
		return rc;
	d->ranges = calloc(n ? n : 1, sizeof(*d->ranges));
	if (!d->ranges) {
		free(rr);
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	}
	d->nranges = n;
	for (size_t i = 0; i < n; i++) {
		d->ranges[i].location_id = rr[i].location_id;
		d->ranges[i].path =
		    count_data_strdup(d, rr[i].path, strlen(rr[i].path));
		d->ranges[i].assignee =
		    rr[i].assignee[0]
			? count_data_strdup(d, rr[i].assignee,
					    strlen(rr[i].assignee))
			: NULL;
		if (!d->ranges[i].path)
			rc = ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	}
	free(rr);
	return rc;
}

/* Fills one count_card from a row (id, mgmt_id, serial, location_id,
 * status, reminder_sent). */
static int card_from_row(struct ledger *l, sqlite3_stmt *st,
			 struct count_data *d, const struct loc_index *ix)
{
	struct count_card *c = count_data_add_card(d);
	int64_t loc = sqlite3_column_int64(st, 3);
	const char *mgmt = ledger_col_text(st, 1);
	const char *serial = ledger_col_text(st, 2);

	if (!c)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	c->id = sqlite3_column_int64(st, 0);
	c->mgmt_id = count_data_strdup(d, mgmt, strlen(mgmt));
	c->serial = count_data_strdup(d, serial, strlen(serial));
	if (!c->mgmt_id || !c->serial)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	c->location =
	    loc >= 0 && loc <= ix->max_id && ix->path[loc] ? ix->path[loc] : "";
	c->home_range = loc >= 0 && loc <= ix->max_id ? ix->range[loc] : -1;
	if (card_status_parse(ledger_col_text(st, 4), &c->status) < 0)
		c->status = CARD_STORED;
	c->reminder_sent = ledger_col_date(st, 5);
	return 0;
}

/* The ids of the locations lying in the count's ranges as a JSON array
 * (for json_each) into *out (free it). */
static int scope_locations(struct ledger *l, const struct loc_index *ix,
			   char **out)
{
	size_t cap = 64, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	buf[len++] = '[';
	for (int64_t id = 0; id <= ix->max_id; id++) {
		char *p;

		if (ix->range[id] < 0)
			continue;
		if (cap - len < 24) {
			cap *= 2;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				return ledger_fail(l, LEDGER_ERR_NOMEM,
						   "out of memory");
			}
			buf = p;
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s%lld",
					buf[len - 1] == '[' ? "" : ",",
					(long long)id);
	}
	buf[len++] = ']';
	buf[len] = '\0';
	*out = buf;
	return 0;
}

#define CARD_COLS                                                              \
	"SELECT id, mgmt_id, serial, location_id, status, "                    \
	"reminder_sent FROM card "

/*
 * Resolutions of this count that changed a card's status are undone in
 * what the count sees, so that the count keeps the discrepancies it found
 * (and their resolutions stay attached to them): a card it missed and a
 * manager declared lost is still a card the count expected, in storage; a
 * lost card it read and a manager declared found is still a lost card it
 * read.  Without this, resolving `lost` would take the card out of the
 * count's expected stock and its discrepancy list, and a count whose only
 * discrepancy was that card would close without a witness.
 */
static int undo_own_resolutions(struct ledger *l, int64_t session_id,
				struct count_data *d,
				const struct loc_index *ix, int32_t *by_id,
				int64_t max_card)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(
	    l,
	    "SELECT c.id, c.mgmt_id, c.serial, c.location_id, c.status, "
	    "c.reminder_sent, r.reason = 'lost', r.location FROM resolution r "
	    "JOIN card c ON c.id = r.card_id WHERE r.session_id = ? AND "
	    "((r.kind = 'missing' AND r.reason = 'lost' AND c.status = "
	    "'lost') OR (r.kind = 'not_in_stock' AND r.reason = "
	    "'found_elsewhere'))",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t loc = sqlite3_column_int64(st, 3);
		int lost = sqlite3_column_int(st, 6);

		if (id <= 0 || id > max_card)
			continue;
		if (!by_id[id]) {
			/* Declared lost: expected only where the count
			 * looked (a card moved home since is not). */
			if (lost &&
			    (loc < 0 || loc > ix->max_id || ix->range[loc] < 0))
				continue;
			stop = card_from_row(l, st, d, ix);
			if (stop < 0)
				break;
			by_id[id] = (int32_t)d->ncards;
		}
		struct count_card *c = &d->cards[by_id[id] - 1];
		c->status = lost ? CARD_STORED : CARD_LOST;
		/* Found, its home is where it was read now; the count
		 * shows the home it had when the count read it. */
		if (!lost) {
			const char *home = ledger_col_text(st, 7);

			c->location = count_data_strdup(d, home, strlen(home));
			if (!c->location) {
				stop = ledger_fail(l, LEDGER_ERR_NOMEM,
						   "out of memory");
				break;
			}
		}
	}
	return ledger_walk_end(l, st, rc, stop, "resolved cards");
}

/* Appends the change in row st of load_changes' statement (card id, at,
 * kind, from_location_id, why) of card index card to d. */
static int add_change(struct ledger *l, sqlite3_stmt *st, struct count_data *d,
		      const struct loc_index *ix, int32_t card)
{
	struct count_change *c = count_data_add_change(d);
	const char *kind = ledger_col_text(st, 2);
	const char *why = ledger_col_text(st, 4);
	int64_t from = sqlite3_column_int64(st, 3);

	if (!c)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	c->card = card;
	c->at = sqlite3_column_int64(st, 1);
	c->kind = count_data_strdup(d, kind, strlen(kind));
	c->why = count_data_strdup(d, why, strlen(why));
	if (!c->kind || !c->why)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	c->from_range = -1;
	c->from_location = "";
	if (sqlite3_column_type(st, 3) != SQLITE_NULL && from >= 0 &&
	    from <= ix->max_id) {
		c->has_from = 1;
		c->from_range = ix->range[from];
		c->from_location = ix->path[from] ? ix->path[from] : "";
	}
	return 0;
}

/*
 * The changes of the count's cards since it began (custody movements,
 * disposals), for reconcile/ to see each card as the count saw it
 * (recon_see_as_counted).  A closed count also gets the cards that lay in
 * its ranges, by the location a change took them from, and changed after
 * it closed (issued, disposed, moved away since), which the loader's scope
 * did not find.  by_id as ledger_count_load keeps it; one selects a card
 * by id.
 */
static int load_changes(struct ledger *l, int64_t started_at,
			struct count_data *d, const struct loc_index *ix,
			int32_t *by_id, int64_t max_card, sqlite3_stmt *one)
{
	int64_t passed = 0; /* a card changed after the close, not taken */
	sqlite3_stmt *st = NULL;
	int rc = ledger_prepare(
	    l,
	    "SELECT card_id, at, kind, from_location_id, '', id "
	    "FROM custody_event WHERE card_id IS NOT NULL AND at >= ?1 "
	    "UNION ALL SELECT d.card_id, b.closed_at, 'disposal', NULL, "
	    "d.why, 0 FROM disposal d JOIN disposal_batch b ON b.id = "
	    "d.batch_id WHERE b.closed_at >= ?1 ORDER BY 1, 2, 6",
	    &st);
	int stop = 0;

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, started_at);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t loc;

		if (id <= 0 || id > max_card || id == passed)
			continue;
		if (!by_id[id]) {
			if (!d->closed_at ||
			    sqlite3_column_int64(st, 1) <= d->closed_at)
				continue;
			sqlite3_reset(one);
			sqlite3_bind_int64(one, 1, id);
			if (sqlite3_step(one) != SQLITE_ROW) {
				sqlite3_reset(one);
				continue;
			}
			loc = sqlite3_column_type(st, 3) != SQLITE_NULL
				  ? sqlite3_column_int64(st, 3)
				  : sqlite3_column_int64(one, 3);
			if (loc < 0 || loc > ix->max_id || ix->range[loc] < 0) {
				sqlite3_reset(one);
				passed = id;
				continue;
			}
			stop = card_from_row(l, one, d, ix);
			sqlite3_reset(one);
			if (stop < 0)
				break;
			by_id[id] = (int32_t)d->ncards;
		}
		stop = add_change(l, st, d, ix, by_id[id] - 1);
		if (stop < 0)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "changes since the count");
}

int ledger_count_load(struct ledger *l, int64_t session_id,
		      struct count_data *d)
{
	struct loc_index ix = {0};
	struct session_rec sess;
	sqlite3_stmt *st = NULL, *one = NULL;
	/* Card id -> 1 + its index into d->cards, 0 when not loaded: zero,
	 * so that the pages of ids a partial count never meets are never
	 * touched (1M cards: 4 MB, nearly all untouched). */
	int32_t *by_id = NULL;
	char *scope = NULL; /* JSON array of the locations in the ranges */
	int64_t max_card = 0, nscope = 0, nscans = 0;
	int64_t first_scan = 0, last_scan = 0; /* the count's reads' ids */
	int own = !l->in_tx, rc;

	memset(d, 0, sizeof(*d));
	rc = ledger_session_get(l, session_id, &sess);
	if (rc < 0)
		return rc;
	d->session_id = session_id;
	d->kind = sess.kind;
	d->closed_at = sess.closed_at;
	/*
	 * One read transaction, so cards and scans are one snapshot.  The
	 * load reads each table once from start to end: a small page cache
	 * serves that as well as a large one, and leaves the memory to the
	 * rows (a 100k-card count stays within the appliance's budget).
	 */
	rc = ledger_exec(l, "PRAGMA cache_size = -256");
	/* Inside the caller's transaction (a count's close reads what it
	 * decides on in its own) that transaction is the snapshot. */
	if (rc == 0 && own)
		rc = ledger_exec(l, "BEGIN");
	if (rc < 0)
		return rc;
	rc = load_ranges(l, session_id, d);
	if (rc == 0)
		rc = load_locations(l, d, &ix);
	if (rc < 0)
		goto out;

	/* A full count looks at the whole stock: its cards are read in one
	 * walk of the card table.  Any other count looks at some ranges: only
	 * the cards filed in them are read, by the location index, so that a
	 * count of one safe reads that safe's cards and not the ledger's
	 * (the record book and the incident report load an open count). */
	if (sess.kind != SESSION_FULL) {
		rc = scope_locations(l, &ix, &scope);
		if (rc < 0)
			goto out;
	}
	/* Sizes first, so every array is allocated once, exactly: a count
	 * of 100k cards must fit the appliance's memory budget.  (Of a
	 * partial count, the cards filed in its ranges, whatever their
	 * status: room for at least the ones it expects.  The reads counted
	 * with those taken back, from the index alone: room for at least the
	 * live ones, and the ids between which they all lie.) */
	rc = ledger_prepare(
	    l,
	    scope
		? "SELECT (SELECT max(id) FROM card), "
		  "(SELECT count(*) FROM card WHERE location_id IN "
		  "(SELECT value FROM json_each(?2))), "
		  "s.n, s.lo, s.hi FROM (SELECT count(*) AS n, min(id) AS lo, "
		  "max(id) AS hi FROM scan WHERE session_id = ?1) s"
		: "SELECT (SELECT max(id) FROM card), "
		  "(SELECT count(*) FROM card WHERE status IN " IN_SCOPE_STATES
		  "), s.n, s.lo, s.hi FROM (SELECT count(*) AS n, min(id) AS "
		  "lo, max(id) AS hi FROM scan WHERE session_id = ?1) s",
	    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, session_id);
	if (scope)
		sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
	/* A failed step is no count of nothing: out of memory, SQLite may
	 * have rolled the caller's transaction back, and whatever it did
	 * next would be written outside it. */
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ledger_sql_error(l, "sizes of the count");
		goto out;
	}
	max_card = sqlite3_column_int64(st, 0);
	nscope = sqlite3_column_int64(st, 1);
	nscans = sqlite3_column_int64(st, 2);
	first_scan = sqlite3_column_int64(st, 3);
	last_scan = sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	st = NULL;
	/* Cards in scope, plus room for cards found outside it. */
	if (count_data_reserve(d, (size_t)nscope + 16, (size_t)nscans) < 0) {
		rc = ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
		goto out;
	}
	by_id = calloc((size_t)max_card + 1, sizeof(*by_id));
	if (!by_id) {
		rc = ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
		goto out;
	}

	rc =
	    ledger_prepare(l,
			   scope ? CARD_COLS "WHERE location_id IN (SELECT "
					     "value FROM json_each(?1)) AND "
					     "status IN " IN_SCOPE_STATES
				 : CARD_COLS "WHERE status IN " IN_SCOPE_STATES,
			   &st);
	if (rc < 0)
		goto out;
	if (scope)
		sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		int64_t loc = sqlite3_column_int64(st, 3);
		int64_t id = sqlite3_column_int64(st, 0);

		if (loc < 0 || loc > ix.max_id || ix.range[loc] < 0)
			continue;
		rc = card_from_row(l, st, d, &ix);
		if (rc < 0)
			goto out;
		if (id >= 0 && id <= max_card)
			by_id[id] = (int32_t)d->ncards;
	}
	if (rc != SQLITE_DONE) {
		rc = ledger_sql_error(l, "cards");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = undo_own_resolutions(l, session_id, d, &ix, by_id, max_card);
	if (rc < 0)
		goto out;

	rc = ledger_prepare(l, CARD_COLS "WHERE id = ?", &one);
	if (rc == 0)
		rc = ledger_prepare(
		    l,
		    /* In the order they were made: the reads of a count
		     * lie between its first and its last by id, walked in
		     * that order from the table (the session's index would
		     * give them range by range, to be sorted again in a
		     * temporary file). */
		    "SELECT serial, card_id, range_id, at, "
		    "outcome FROM scan_live WHERE +session_id = ?1 "
		    "AND id BETWEEN ?2 AND ?3 ORDER BY id",
		    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_int64(st, 2, first_scan);
	sqlite3_bind_int64(st, 3, last_scan);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct count_scan *s = count_data_add_scan(d);
		int64_t card = sqlite3_column_int64(st, 1);
		int64_t range = sqlite3_column_int64(st, 2);
		const char *serial = ledger_col_text(st, 0);

		if (!s) {
			rc = ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
			goto out;
		}
		s->card = -1;
		s->range =
		    range > 0 && range <= ix.max_id ? ix.range[range] : -1;
		s->at = sqlite3_column_int64(st, 3);
		s->repeat = strcmp(ledger_col_text(st, 4), "repeat") == 0;
		if (card > 0 && card <= max_card && !by_id[card]) {
			/* A card outside the scope (issued, elsewhere):
			 * load it so the report can name it. */
			sqlite3_reset(one);
			sqlite3_bind_int64(one, 1, card);
			rc = sqlite3_step(one);
			if (rc == SQLITE_ROW) {
				rc = card_from_row(l, one, d, &ix);
				if (rc < 0)
					goto out;
				by_id[card] = (int32_t)d->ncards;
			} else if (rc != SQLITE_DONE) {
				rc = ledger_sql_error(l, "a card read");
				goto out;
			}
			sqlite3_reset(one);
		}
		if (card > 0 && card <= max_card && by_id[card]) {
			s->card = by_id[card] - 1;
			s->serial = d->cards[s->card].serial;
		} else {
			s->serial =
			    count_data_strdup(d, serial, strlen(serial));
			if (!s->serial) {
				rc = ledger_fail(l, LEDGER_ERR_NOMEM,
						 "out of memory");
				goto out;
			}
		}
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "scans");
	if (rc == 0)
		rc = load_changes(l, sess.started_at, d, &ix, by_id, max_card,
				  one);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(one);
	if (own)
		ledger_exec(l, "COMMIT");
	ledger_exec(l, "PRAGMA cache_size = -2000"); /* SQLite's default */
	free(by_id);
	free(scope);
	free(ix.path);
	free(ix.range);
	if (rc < 0)
		count_data_free(d);
	return rc;
}

/*
 * A sighting is a moment someone had the card in hand or in view: a read,
 * or a custody event.  A declaration that it is lost is a manager's
 * conclusion at the desk that nobody has seen it, so it is never one: the
 * loss window must stay open back to the last time the card was seen.
 */

int ledger_last_seen(struct ledger *l, int64_t card_id, int64_t session_id,
		     int64_t before, struct sighting *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT at, loc, who, what, tally FROM ("
	    " SELECT s.at AS at, r.path AS loc, p.code AS who,"
	    "  CASE x.kind WHEN 'tally' THEN 'scan in tally ' ELSE"
	    "  'scan in count ' END || s.session_id AS what, s.id AS n, 0 AS t,"
	    "  CASE x.kind WHEN 'tally' THEN x.id ELSE 0 END AS tally"
	    " FROM scan_live s LEFT JOIN location r ON r.id = s.range_id"
	    " LEFT JOIN staff p ON p.id = s.staff_id"
	    " LEFT JOIN session x ON x.id = s.session_id"
	    " WHERE s.card_id = ?1 AND s.session_id <> ?2 AND s.at <= ?3"
	    " UNION ALL"
	    " SELECT e.at, r.path, p.code, 'custody ' || e.kind, e.id, 1, 0"
	    " FROM custody_event e"
	    " LEFT JOIN location r ON r.id = e.location_id"
	    " LEFT JOIN staff p ON p.id = e.staff_id"
	    " WHERE e.card_id = ?1 AND e.at <= ?3 AND e.kind <> 'lost'"
	    ") ORDER BY at DESC, t DESC, n DESC LIMIT 1",
	    &st);

	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	sqlite3_bind_int64(st, 2, session_id);
	sqlite3_bind_int64(st, 3, before);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->at = sqlite3_column_int64(st, 0);
		snprintf(out->location, sizeof(out->location), "%s",
			 ledger_col_text(st, 1));
		snprintf(out->by, sizeof(out->by), "%s",
			 ledger_col_text(st, 2));
		snprintf(out->what, sizeof(out->what), "%s",
			 ledger_col_text(st, 3));
		out->tally = sqlite3_column_int64(st, 4);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "last seen");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_checked_out_by(struct ledger *l, int64_t card_id,
			  char by[STAFF_CODE_MAX + 1])
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT p.code FROM custody_event e "
				"JOIN staff p ON p.id = e.staff_id "
				"WHERE e.card_id = ? AND e.kind = 'checkout' "
				"ORDER BY e.at DESC, e.id DESC LIMIT 1",
				&st);

	by[0] = '\0';
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(by, STAFF_CODE_MAX + 1, "%s", ledger_col_text(st, 0));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE
		 ? 0
		 : ledger_sql_error(l, "checked out by");
	sqlite3_finalize(st);
	return rc;
}
