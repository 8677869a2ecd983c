/*
 * Read-only queries for `cardtally status` and `report daily`, the picture
 * of the day for the person at the box and for the manager who signs it:
 * which counts are open or were worked on, what was handled while the safe
 * was recorded closed, how many movements each person made, and where the
 * audit chain stood as the day ended.  The other parts of the picture (the
 * safe, locked accounts, training, tallies) come from the modules that own
 * them.
 */
#include "ledger_int.h"

#include <string.h>

/* Calls fn for each session id the query gives (bound to from and to). */
static int sessions_each(struct ledger *l, const char *sql, int64_t from,
			 int64_t to,
			 int (*fn)(const struct session_rec *s, void *ctx),
			 void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l, sql, &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct session_rec s;
		int r = ledger_session_get(l, sqlite3_column_int64(st, 0), &s);

		stop = r < 0 ? r : fn(&s, ctx);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "sessions");
}

int ledger_session_open_each(struct ledger *l,
			     int (*fn)(const struct session_rec *s, void *ctx),
			     void *ctx)
{
	return sessions_each(l,
			     "SELECT id FROM session WHERE closed_at IS NULL "
			     "ORDER BY id",
			     0, 0, fn, ctx);
}

int ledger_session_between_each(struct ledger *l, int64_t from, int64_t to,
				int (*fn)(const struct session_rec *s,
					  void *ctx),
				void *ctx)
{
	return sessions_each(l,
			     "SELECT id FROM session WHERE (started_at >= ?1 "
			     "AND started_at < ?2) OR (closed_at >= ?1 AND "
			     "closed_at < ?2) ORDER BY id",
			     from, to, fn, ctx);
}

int ledger_safe_closed_each(struct ledger *l, int64_t from, int64_t to,
			    int (*fn)(void *ctx,
				      const struct safe_closed_row *r),
			    void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	/* Custody movements one by one; the reads of a count and the cards
	 * of a disposal per session and person, as a sweep makes hundreds.
	 * The partial indexes hold only flagged rows. */
	int rc = ledger_prepare(
	    l,
	    "SELECT e.kind, coalesce(c.mgmt_id, a.code), 0, "
	    " coalesce(p.code, ''), e.at, e.at, 1 FROM custody_event e "
	    " LEFT JOIN card c ON c.id = e.card_id "
	    " LEFT JOIN asset a ON a.id = e.asset_id "
	    " LEFT JOIN staff p ON p.id = e.staff_id "
	    " WHERE e.safe_closed = 1 AND e.at >= ?1 AND e.at < ?2 "
	    "UNION ALL "
	    "SELECT 'count', '', s.session_id, p.code, min(s.at), max(s.at), "
	    " count(*) FROM scan s JOIN staff p ON p.id = s.staff_id "
	    " WHERE s.safe_closed = 1 AND s.at >= ?1 AND s.at < ?2 "
	    " GROUP BY s.session_id, s.staff_id "
	    "UNION ALL "
	    "SELECT 'disposal', '', d.batch_id, p.code, min(d.scanned_at), "
	    " max(d.scanned_at), count(*) FROM disposal d "
	    " JOIN staff p ON p.id = d.scanned_by "
	    " WHERE d.safe_closed = 1 AND d.scanned_at >= ?1 AND "
	    " d.scanned_at < ?2 GROUP BY d.batch_id, d.scanned_by "
	    "ORDER BY 5, 1, 2",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct safe_closed_row r = {
		    .what = ledger_col_text(st, 0),
		    .item = ledger_col_text(st, 1),
		    .session = sqlite3_column_int64(st, 2),
		    .staff = ledger_col_text(st, 3),
		    .first = sqlite3_column_int64(st, 4),
		    .last = sqlite3_column_int64(st, 5),
		    .n = sqlite3_column_int64(st, 6),
		};

		stop = fn(ctx, &r);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "movements while closed");
}

int ledger_custody_summary(struct ledger *l, int64_t from, int64_t to,
			   int (*fn)(void *ctx, const char *kind,
				     const char *staff, int64_t n),
			   void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc =
	    ledger_prepare(l,
			   "SELECT e.kind, coalesce(p.code, ''), count(*) "
			   "FROM custody_event e LEFT JOIN staff p ON "
			   "p.id = e.staff_id WHERE e.at >= ? AND e.at < ? "
			   "GROUP BY e.kind, p.code ORDER BY 1, 2",
			   &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		stop = fn(ctx, ledger_col_text(st, 0), ledger_col_text(st, 1),
			  sqlite3_column_int64(st, 2));
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "custody summary");
}

int ledger_audit_head_before(struct ledger *l, int64_t before, int64_t *id,
			     uint8_t hash[AUDIT_HASH_BYTES])
{
	sqlite3_stmt *st;
	/* The chain's head as the day ended: the entry before the first one
	 * written after it.  (Not the newest entry dated before the end: an
	 * entry back-dated later, which `audit verify` reports, would then
	 * move the day's anchor.) */
	int rc = ledger_prepare(l,
				"SELECT id, hash FROM audit WHERE at < ?1 AND "
				"id < coalesce((SELECT min(id) FROM audit "
				"WHERE at >= ?1), 9223372036854775807) "
				"ORDER BY id DESC LIMIT 1",
				&st);

	*id = 0;
	memset(hash, 0, AUDIT_HASH_BYTES);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, before);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) == SQLITE_BLOB &&
		    sqlite3_column_bytes(st, 1) == AUDIT_HASH_BYTES)
			memcpy(hash, sqlite3_column_blob(st, 1),
			       AUDIT_HASH_BYTES);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "audit head");
	}
	sqlite3_finalize(st);
	return rc;
}
