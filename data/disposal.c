/*
 * Disposal in the ledger (R16-R18): the cards in storage that the due rules
 * of reconcile/ are applied to, and the disposal batches.  A batch is
 * opened by two people, receives the due cards scanned into it one by one,
 * and on closing becomes the disposal ledger: the batch row says when, who,
 * witness, method and certificate; its disposal rows say which cards and
 * why.  Every change is audited in the same transaction.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>

int ledger_cards_in_storage(struct ledger *l,
			    int (*fn)(void *ctx, const struct card_rec *c),
			    void *ctx)
{
	sqlite3_stmt *st;
	struct card_rec c;
	int rc = ledger_prepare(
	    l,
	    "SELECT c.id, c.mgmt_id, c.serial, c.location_id, l.path, "
	    "c.status, c.received, c.notice_sent, c.reminder_sent "
	    "FROM card c JOIN location l ON l.id = c.location_id "
	    "WHERE c.status IN ('stored','cancelled','moved','deceased') "
	    "ORDER BY c.mgmt_id",
	    &st);

	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		memset(&c, 0, sizeof(c));
		c.id = sqlite3_column_int64(st, 0);
		snprintf(c.mgmt_id, sizeof(c.mgmt_id), "%s",
			 ledger_col_text(st, 1));
		snprintf(c.serial, sizeof(c.serial), "%s",
			 ledger_col_text(st, 2));
		c.location_id = sqlite3_column_int64(st, 3);
		snprintf(c.location, sizeof(c.location), "%s",
			 ledger_col_text(st, 4));
		if (card_status_parse(ledger_col_text(st, 5), &c.status) < 0)
			c.status = CARD_STORED;
		c.received = ledger_col_date(st, 6);
		c.notice_sent = ledger_col_date(st, 7);
		c.reminder_sent = ledger_col_date(st, 8);
		rc = fn(ctx, &c);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "cards in storage");
out:
	sqlite3_finalize(st);
	return rc;
}
