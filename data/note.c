/*
 * Near-misses (R22, ヒヤリハット): a short text by a member of staff, when
 * it happened, and the card it concerns, if any.  Each note is appended to
 * the audit chain with its whole text, so a note changed or removed later
 * is found by `audit verify` (see audit.c).
 */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>

int ledger_note_add(struct ledger *l, int64_t staff_id, int64_t at,
		    const char *text, const char *mgmt_id, int64_t *id)
{
	char detail[NOTE_MAX_BYTES + MGMT_ID_MAX + 64], subject[32];
	struct card_rec card = {0};
	sqlite3_stmt *st = NULL;
	int own, rc;

	/* Newline and tab stay: a report can still show them on its
	 * lines. */
	rc = ledger_text_check(l, "a note", text, NOTE_MAX_BYTES,
			       TEXT_MULTILINE);
	if (rc < 0)
		return rc;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	if (mgmt_id) {
		rc = ledger_card_by_mgmt(l, mgmt_id, &card);
		if (rc == LEDGER_ERR_NOTFOUND)
			rc = ledger_fail(l, LEDGER_ERR_INVALID,
					 "no card with management ID %s",
					 mgmt_id);
		if (rc < 0)
			goto out;
	}
	rc = ledger_prepare(l,
			    "INSERT INTO near_miss(at, staff_id, card_id, "
			    "text) VALUES (?, ?, ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, staff_id);
	if (card.id > 0)
		sqlite3_bind_int64(st, 3, card.id);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "add note");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	snprintf(subject, sizeof(subject), "note %lld", (long long)*id);
	if (ledger_note_detail(detail, sizeof(detail), *id,
			       card.id > 0 ? card.mgmt_id : NULL, text) < 0) {
		rc = ledger_fail(l, LEDGER_ERR_INVALID, "note too long");
		goto out;
	}
	rc = ledger_audit(l, staff_id, at, "note.add", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_note_list(struct ledger *l,
		     int (*fn)(void *ctx, const struct note_row *r), void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l,
				"SELECT n.id, n.at, p.code, c.mgmt_id, n.text "
				"FROM near_miss n "
				"LEFT JOIN staff p ON p.id = n.staff_id "
				"LEFT JOIN card c ON c.id = n.card_id "
				"ORDER BY n.at, n.id",
				&st);

	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct note_row r = {
		    .id = sqlite3_column_int64(st, 0),
		    .at = sqlite3_column_int64(st, 1),
		    .staff = ledger_col_text(st, 2),
		    .mgmt_id = ledger_col_text(st, 3),
		    .text = ledger_col_text(st, 4),
		};

		stop = fn(ctx, &r);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "notes");
}
