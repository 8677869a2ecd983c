/*
 * One card's history, for the single-card lookup (the TUI's lookup
 * screen): every custody movement, every read of it in a count or a tally
 * (those taken back with an undo too, marked, since what happened is not
 * erased), every resolution of a discrepancy about it and its disposal,
 * in one walk by time.  Read-only.
 */
#include "ledger_int.h"

#include <stdio.h>

int ledger_card_history_each(struct ledger *l, int64_t card_id,
			     int (*fn)(void *ctx, const struct card_event *e),
			     void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	/* Columns: at, kind, what, detail, session, session kind, where,
	 * by, undone, and the row's id to keep equal times in order. */
	int rc = ledger_prepare(
	    l,
	    "SELECT e.at, 0, e.kind, coalesce(e.for_date, ''), 0, '',"
	    " t.path, p.code, 0, e.id FROM custody_event e"
	    " LEFT JOIN location t ON t.id = e.location_id"
	    " LEFT JOIN staff p ON p.id = e.staff_id WHERE e.card_id = ?1"
	    " UNION ALL"
	    " SELECT s.at, 1, s.outcome, coalesce(s.why, ''), s.session_id,"
	    " ss.kind, r.path, p.code,"
	    " EXISTS (SELECT 1 FROM scan_undo u WHERE u.scan_id = s.id), s.id"
	    " FROM scan s JOIN session ss ON ss.id = s.session_id"
	    " LEFT JOIN location r ON r.id = s.range_id"
	    " LEFT JOIN staff p ON p.id = s.staff_id WHERE s.card_id = ?1"
	    " UNION ALL"
	    " SELECT r.at, 2, r.reason, r.kind, r.session_id, '',"
	    " coalesce(nullif(r.found, ''), r.location), p.code, 0, r.id"
	    " FROM resolution r LEFT JOIN staff p ON p.id = r.staff_id"
	    " WHERE r.card_id = ?1"
	    " UNION ALL"
	    " SELECT d.scanned_at, 3, d.why, '', d.batch_id, '', '', p.code,"
	    " 0, 0 FROM disposal d LEFT JOIN staff p ON p.id = d.scanned_by"
	    " WHERE d.card_id = ?1"
	    " ORDER BY 1, 2, 10",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct card_event e = {
		    .at = sqlite3_column_int64(st, 0),
		    .kind = (enum card_event_kind)sqlite3_column_int(st, 1),
		    .what = ledger_col_text(st, 2),
		    .detail = ledger_col_text(st, 3),
		    .session = sqlite3_column_int64(st, 4),
		    .session_kind = ledger_col_text(st, 5),
		    .where = ledger_col_text(st, 6),
		    .by = ledger_col_text(st, 7),
		    .undone = sqlite3_column_int(st, 8),
		};

		stop = fn(ctx, &e);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "card history");
}
