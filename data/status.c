/*
 * Read-only queries for `cardtally status`, the picture of the day for the
 * person at the box: which counts are still open.  The other parts of the
 * picture (the safe, locked accounts, training) come from the modules that
 * own them.
 */
#include "ledger_int.h"

int ledger_session_open_each(struct ledger *l,
			     int (*fn)(const struct session_rec *s, void *ctx),
			     void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l,
				"SELECT id FROM session WHERE closed_at IS "
				"NULL ORDER BY id",
				&st);

	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct session_rec s;
		int r = ledger_session_get(l, sqlite3_column_int64(st, 0), &s);

		stop = r < 0 ? r : fn(&s, ctx);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "open sessions");
}
