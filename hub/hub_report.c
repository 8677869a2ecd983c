/*
 * The entries the city-wide report reads (hub.h, "The report's
 * entries"): of one ward, in id order, only those that say something of
 * its record book, so that a ward's hundreds of thousands of accepted
 * reads are not sent back to be looked at.  Which entries those are, and
 * what they mean, is reconcile/hubbook.c's; this file only reads rows.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hub.h"
#include "hub_int.h"

int hub_ward_entries(struct hub *h, const char *code,
		     int (*fn)(void *ctx, int64_t at, const char *action,
			       const char *subject, const char *detail),
		     void *ctx)
{
	static const char sql[] =
	    "SELECT at, action, subject, detail FROM entry WHERE ward = $1 "
	    "AND (action IN ('count.start', 'tally.start', 'count.recount', "
	    "'count.close', 'count.resolve', 'custody.lost', "
	    "'custody.found', 'dispose.card') OR (action = 'scan' AND "
	    "detail LIKE '% outcome=alert%')) ORDER BY id";
	const char *vals[1] = {code};
	PGconn *conn = hub_pgconn(h);
	PGresult *res;
	int stop = 0;

	/* One row at a time: a ward of many disposals stays small here. */
	if (!PQsendQueryParams(conn, sql, 1, NULL, vals, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(conn))
		return hub_pq_fail(h, "report", NULL);
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && !stop) {
			stop =
			    fn(ctx, strtoll(PQgetvalue(res, 0, 0), NULL, 10),
			       PQgetisnull(res, 0, 1) ? NULL
						      : PQgetvalue(res, 0, 1),
			       PQgetisnull(res, 0, 2) ? NULL
						      : PQgetvalue(res, 0, 2),
			       PQgetisnull(res, 0, 3) ? NULL
						      : PQgetvalue(res, 0, 3));
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK) {
			int rc = hub_pq_fail(h, "report", res);

			/* The rest of the answer, read and dropped. */
			while ((res = PQgetResult(conn)) != NULL)
				PQclear(res);
			return rc;
		}
		PQclear(res);
	}
	return stop;
}
