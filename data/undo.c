/*
 * Taking a read back (schema version 6).  An operator who presented the
 * wrong card, or a card twice by mistake, undoes the last read with a
 * reason.  Nothing is deleted: the scan row and its audit entry stay, a
 * scan_undo row says who took it back, when and why, and every query that
 * counts reads goes through the scan_live view, which leaves undone reads
 * out.  Only the latest read that still counts can be undone, one at a time,
 * and not when the same card was read again after it: that later read was
 * decided (repeat or not) knowing the earlier one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"

int ledger_scan_last_read(struct ledger *l, int64_t session_id,
			  int64_t staff_id, struct scan_undone *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT s.id, s.serial, coalesce(c.mgmt_id, ''), s.outcome, "
	    " coalesce(s.why, ''), coalesce(r.path, '') FROM scan_live s "
	    "LEFT JOIN card c ON c.id = s.card_id "
	    "LEFT JOIN location r ON r.id = s.range_id "
	    "WHERE s.session_id = ? AND s.staff_id = ? "
	    "ORDER BY s.id DESC LIMIT 1",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_int64(st, 2, staff_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->scan_id = sqlite3_column_int64(st, 0);
		snprintf(out->serial, sizeof(out->serial), "%s",
			 ledger_col_text(st, 1));
		snprintf(out->mgmt_id, sizeof(out->mgmt_id), "%s",
			 ledger_col_text(st, 2));
		snprintf(out->outcome, sizeof(out->outcome), "%s",
			 ledger_col_text(st, 3));
		snprintf(out->why, sizeof(out->why), "%s",
			 ledger_col_text(st, 4));
		snprintf(out->range, sizeof(out->range), "%s",
			 ledger_col_text(st, 5));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND,
				 "no read left to undo in session %lld",
				 (long long)session_id);
	} else {
		rc = ledger_sql_error(l, "find the last read");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_scan_read_after(struct ledger *l, int64_t session_id,
			   const struct scan_undone *u, int *again)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT EXISTS (SELECT 1 FROM scan_live WHERE "
				"session_id = ? AND serial = ? AND id > ?)",
				&st);

	*again = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_text(st, 2, u->serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, u->scan_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*again = sqlite3_column_int(st, 0);
	else
		rc = ledger_sql_error(l, "look for a later read");
	sqlite3_finalize(st);
	return rc;
}

int ledger_scan_undo(struct ledger *l, int64_t session_id, int64_t staff_id,
		     const char *reason, int64_t now, struct scan_undone *out)
{
	struct session_rec sess;
	sqlite3_stmt *st = NULL;
	char subject[32], detail[UNDO_REASON_MAX + SERIAL_BUF + 64];
	size_t len = reason ? strlen(reason) : 0;
	int again = 0, own, rc;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > UNDO_REASON_MAX)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "an undo needs a reason of 1-%d bytes",
				   UNDO_REASON_MAX);
	rc = ledger_text_check(l, "the reason", reason, UNDO_REASON_MAX, 0);
	if (rc < 0)
		return rc;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_session_get(l, session_id, &sess);
	if (rc == 0 && sess.closed_at)
		rc = ledger_fail(l, LEDGER_ERR_STATE,
				 "session %lld is closed: its reads stand",
				 (long long)session_id);
	if (rc == 0)
		rc = ledger_scan_last_read(l, session_id, staff_id, out);
	if (rc == 0)
		rc = ledger_scan_read_after(l, session_id, out, &again);
	if (rc == 0 && again)
		rc = ledger_fail(l, LEDGER_ERR_STATE,
				 "card %s was read again after this read: "
				 "undo that read first",
				 out->serial);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "INSERT INTO scan_undo(scan_id, staff_id, "
				    "at, reason) VALUES (?, ?, ?, ?)",
				    &st);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, out->scan_id);
		sqlite3_bind_int64(st, 2, staff_id);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = ledger_sql_error(l, "record the undo");
		sqlite3_finalize(st);
	}
	if (rc == 0) {
		snprintf(subject, sizeof(subject), "session %lld",
			 (long long)session_id);
		snprintf(detail, sizeof(detail),
			 "scan=%lld serial=%s outcome=%s reason=%s",
			 (long long)out->scan_id, out->serial, out->outcome,
			 reason);
		rc = ledger_audit(l, staff_id, now, "scan.undo", subject,
				  detail);
	}
	return ledger_tx_leave(l, own, rc);
}

int ledger_session_serials(struct ledger *l, int64_t session_id,
			   int64_t range_id, char (**out)[SERIAL_BUF],
			   size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc = ledger_prepare(l,
				"SELECT DISTINCT serial FROM scan_live WHERE "
				"session_id = ?1 AND (?2 = 0 OR range_id = ?2)",
				&st);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_int64(st, 2, range_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(*out, ncap * sizeof(**out));

			if (!p) {
				sqlite3_finalize(st);
				free(*out);
				*out = NULL;
				*n = 0;
				return ledger_fail(l, LEDGER_ERR_NOMEM,
						   "out of memory");
			}
			*out = p;
			cap = ncap;
		}
		snprintf((*out)[(*n)++], SERIAL_BUF, "%s",
			 ledger_col_text(st, 0));
	}
	rc = ledger_walk_end(l, st, rc, 0, "serials read");
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int ledger_range_unread_each(struct ledger *l, const char *range,
			     int64_t session_id, int64_t range_id,
			     int (*fn)(void *ctx, const char *mgmt_id,
				       const char *serial),
			     void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(
	    l,
	    "SELECT c.mgmt_id, c.serial FROM card c JOIN location l "
	    "ON l.id = c.location_id WHERE (l.path = ?1 OR "
	    "substr(l.path, 1, length(?1) + 1) = ?1 || '/') AND c.status "
	    "IN (" CARD_IN_STORAGE_SQL ") AND c.serial NOT IN (SELECT serial "
	    "FROM scan_live WHERE session_id = ?2 AND range_id = ?3) "
	    "ORDER BY c.mgmt_id",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, range, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, session_id);
	sqlite3_bind_int64(st, 3, range_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW && !stop;
	     rc = sqlite3_step(st))
		stop = fn(ctx, ledger_col_text(st, 0), ledger_col_text(st, 1));
	return ledger_walk_end(l, st, rc, stop, "cards not read");
}
