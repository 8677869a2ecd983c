/*
 * What the files of hub/ share beyond hub.h: the connection of a struct
 * hub and its error plumbing (hub.c), for hub_report.c.  Not for code
 * outside hub/, which never sees libpq.
 */
#ifndef CT_HUB_INT_H
#define CT_HUB_INT_H

#include <libpq-fe.h>

#include "hub.h"

PGconn *hub_pgconn(struct hub *h);
/* The failure of `what` (res cleared): HUB_ERR_UNREACHABLE when the
 * connection was lost, else HUB_ERR_SQL, the message in hub_errmsg. */
int hub_pq_fail(struct hub *h, const char *what, PGresult *res);

#endif
