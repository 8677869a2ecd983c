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
	    "WHERE c.status IN (" CARD_IN_STORAGE_SQL ") "
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

/* A reminder day as ledger_col_date (date_parse) reads it: a valid
 * YYYY-MM-DD from 1900 on, which date() with a modifier gives back
 * unchanged (it moves 2026-02-30 on to 2026-03-02), on or before ?1;
 * anything else is no day. */
#define REMINDED                                                               \
	"reminder_sent <= ?1 AND reminder_sent >= '1900' AND "                 \
	"date(reminder_sent, '+0 days') = reminder_sent"

int ledger_cards_in_storage_counts(struct ledger *l, int32_t reminder_cutoff,
				   int (*fn)(void *ctx, enum card_status s,
					     long n, long reminded),
				   void *ctx)
{
	sqlite3_stmt *st;
	int64_t all, stored, reminded;
	int stop = 0;
	/*
	 * Nearly every card in storage is stored: first the stored ones and
	 * all of them, in one row (a GROUP BY would sort a million rows into
	 * their groups first); the other statuses by status only when there
	 * are any, their groups small.  By status name, stored last.
	 */
	int rc = ledger_prepare(
	    l,
	    "SELECT count(*), count(*) FILTER (WHERE status = 'stored'), "
	    "count(*) FILTER (WHERE status = 'stored' AND " REMINDED ") "
	    "FROM card WHERE status IN (" CARD_IN_STORAGE_SQL ")",
	    &st);

	if (rc < 0)
		return rc;
	ledger_bind_date(st, 1, reminder_cutoff);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = ledger_sql_error(l, "cards in storage");
		sqlite3_finalize(st);
		return rc;
	}
	all = sqlite3_column_int64(st, 0);
	stored = sqlite3_column_int64(st, 1);
	reminded = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	if (all > stored) {
		rc = ledger_prepare(
		    l,
		    "SELECT status, count(*), count(*) FILTER (WHERE " REMINDED
		    ") FROM card WHERE status IN (" CARD_IN_STORAGE_SQL ") "
		    "AND status <> 'stored' GROUP BY status ORDER BY status",
		    &st);
		if (rc < 0)
			return rc;
		ledger_bind_date(st, 1, reminder_cutoff);
		for (rc = sqlite3_step(st); rc == SQLITE_ROW;
		     rc = sqlite3_step(st)) {
			enum card_status cs;

			if (card_status_parse(ledger_col_text(st, 0), &cs) < 0)
				cs = CARD_STORED;
			stop = fn(ctx, cs, (long)sqlite3_column_int64(st, 1),
				  (long)sqlite3_column_int64(st, 2));
			if (stop)
				break;
		}
		rc = ledger_walk_end(l, st, rc, stop, "cards in storage");
		if (rc)
			return rc;
	}
	/* 'stored' sorts after the other statuses of CARD_IN_STORAGE_SQL. */
	return stored ? fn(ctx, CARD_STORED, (long)stored, (long)reminded) : 0;
}

int ledger_disposal_start(struct ledger *l, int64_t actor_id,
			  int64_t witness_id, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	char subject[32], detail[64];
	int own, rc = ledger_tx_enter(l, &own);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO disposal_batch (started_at, "
			    "started_by, witness_id) VALUES (?, ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, actor_id);
	sqlite3_bind_int64(st, 3, witness_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "start disposal");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	snprintf(subject, sizeof(subject), "disposal %lld", (long long)*id);
	snprintf(detail, sizeof(detail), "witness=%lld", (long long)witness_id);
	rc = ledger_audit(l, actor_id, now, "dispose.start", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

#define BATCH_COLS                                                             \
	"SELECT b.started_at, a.code, w.code, b.closed_at, c.code, "           \
	"cw.code, b.method, b.certificate, "                                   \
	"(SELECT count(*) FROM disposal d WHERE d.batch_id = b.id), b.id "     \
	"FROM disposal_batch b JOIN staff a ON a.id = b.started_by "           \
	"JOIN staff w ON w.id = b.witness_id "                                 \
	"LEFT JOIN staff c ON c.id = b.closed_by "                             \
	"LEFT JOIN staff cw ON cw.id = b.close_witness_id "

/* A batch from a row of BATCH_COLS. */
static void batch_from_row(sqlite3_stmt *st, struct disposal_batch_rec *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 9);
	out->started_at = sqlite3_column_int64(st, 0);
	snprintf(out->started_by, sizeof(out->started_by), "%s",
		 ledger_col_text(st, 1));
	snprintf(out->witness, sizeof(out->witness), "%s",
		 ledger_col_text(st, 2));
	out->closed_at = sqlite3_column_int64(st, 3);
	snprintf(out->closed_by, sizeof(out->closed_by), "%s",
		 ledger_col_text(st, 4));
	snprintf(out->close_witness, sizeof(out->close_witness), "%s",
		 ledger_col_text(st, 5));
	snprintf(out->method, sizeof(out->method), "%s",
		 ledger_col_text(st, 6));
	snprintf(out->certificate, sizeof(out->certificate), "%s",
		 ledger_col_text(st, 7));
	out->ncards = sqlite3_column_int64(st, 8);
}

int ledger_disposal_get(struct ledger *l, int64_t id,
			struct disposal_batch_rec *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, BATCH_COLS "WHERE b.id = ?", &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		batch_from_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no disposal D%lld",
				 (long long)id);
	} else {
		rc = ledger_sql_error(l, "disposal batch");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_disposal_between_each(
    struct ledger *l, int64_t from, int64_t to,
    int (*fn)(void *ctx, const struct disposal_batch_rec *b), void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l,
				BATCH_COLS "WHERE (b.started_at >= ?1 AND "
					   "b.started_at < ?2) OR "
					   "(b.closed_at >= ?1 AND "
					   "b.closed_at < ?2) ORDER BY b.id",
				&st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct disposal_batch_rec b;

		batch_from_row(st, &b);
		stop = fn(ctx, &b);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "disposal batches");
}

int ledger_disposal_has(struct ledger *l, int64_t id, int64_t card_id)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT 1 FROM disposal WHERE batch_id = ? "
				"AND card_id = ?",
				&st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, card_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = 1;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = ledger_sql_error(l, "disposal card");
	sqlite3_finalize(st);
	return rc;
}

int ledger_disposal_other_open(struct ledger *l, int64_t id, int64_t card_id,
			       int64_t *other)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT b.id FROM disposal d JOIN "
				"disposal_batch b ON b.id = d.batch_id WHERE "
				"d.card_id = ? AND b.id <> ? AND b.closed_at "
				"IS NULL ORDER BY b.id LIMIT 1",
				&st);

	*other = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*other = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE
		 ? 0
		 : ledger_sql_error(l, "disposal of card");
	sqlite3_finalize(st);
	return rc;
}

/* Why batch id took no change: it is closed, or there is no such batch
 * (not "closed": a mistyped number must not read as a finished batch). */
static int batch_not_open(struct ledger *l, int64_t id, const char *already)
{
	struct disposal_batch_rec b;
	int rc = ledger_disposal_get(l, id, &b);

	if (rc < 0)
		return rc;
	return ledger_fail(l, LEDGER_ERR_STATE, "disposal D%lld is closed%s",
			   (long long)id, already);
}

int ledger_disposal_add(struct ledger *l, int64_t id, int64_t card_id,
			const char *mgmt_id, const char *why, int32_t since,
			int64_t staff_id, int64_t now, int safe_closed)
{
	return ledger_disposal_add_read(l, id, card_id, mgmt_id, why, since,
					staff_id, now, safe_closed, NULL, 0);
}

int ledger_disposal_add_read(struct ledger *l, int64_t id, int64_t card_id,
			     const char *mgmt_id, const char *why,
			     int32_t since, int64_t staff_id, int64_t now,
			     int safe_closed, const char *profile,
			     unsigned profile_version)
{
	sqlite3_stmt *st = NULL;
	char detail[128 + LEDGER_PROFILE_DETAIL];
	int own, rc = ledger_tx_enter(l, &own);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO disposal (batch_id, card_id, why, "
			    "due_since, scanned_at, scanned_by, "
			    "safe_closed, profile, profile_version) "
			    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE "
			    "EXISTS "
			    "(SELECT 1 FROM disposal_batch WHERE id = ?1 AND "
			    "closed_at IS NULL)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, card_id);
	sqlite3_bind_text(st, 3, why, -1, SQLITE_STATIC);
	ledger_bind_date(st, 4, since);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, staff_id);
	sqlite3_bind_int(st, 7, safe_closed ? 1 : 0);
	if (profile && profile[0]) {
		sqlite3_bind_text(st, 8, profile, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 9, profile_version);
	} else {
		profile = NULL;
		sqlite3_bind_null(st, 8);
		sqlite3_bind_null(st, 9);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "add card to disposal");
		goto out;
	}
	if (sqlite3_changes(l->db) == 0) {
		rc = batch_not_open(l, id, "");
		goto out;
	}
	if (ledger_disposal_detail(detail, sizeof(detail), id, why, since,
				   safe_closed ? 1 : 0, profile,
				   profile_version) < 0) {
		rc = ledger_fail(l, LEDGER_ERR_INVALID,
				 "disposal row does not fit the audit log");
		goto out;
	}
	rc = ledger_audit(l, staff_id, now, "dispose.scan", mgmt_id, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

/* Sets one batch's cards to disposed and audits each, by management ID. */
static int dispose_cards(struct ledger *l, int64_t id, const char *method,
			 const char *certificate, int64_t actor_id,
			 int64_t witness_id, int64_t now, int64_t *n)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	char detail[256];
	int rc = ledger_prepare(l,
				"SELECT c.id, c.mgmt_id, d.why FROM disposal d "
				"JOIN card c ON c.id = d.card_id WHERE "
				"d.batch_id = ? ORDER BY c.mgmt_id",
				&sel);

	if (rc < 0)
		return rc;
	/* Only from storage: a card issued or disposed since it was
	 * scanned must not be overwritten (the whole close then fails). */
	rc = ledger_prepare(l,
			    "UPDATE card SET status = 'disposed', "
			    "updated_at = ? WHERE id = ? AND status IN "
			    "(" CARD_IN_STORAGE_SQL ")",
			    &upd);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(sel, 1, id);
	for (rc = sqlite3_step(sel); rc == SQLITE_ROW; rc = sqlite3_step(sel)) {
		const char *mgmt = ledger_col_text(sel, 1);

		sqlite3_reset(upd);
		sqlite3_bind_int64(upd, 1, now);
		sqlite3_bind_int64(upd, 2, sqlite3_column_int64(sel, 0));
		if (sqlite3_step(upd) != SQLITE_DONE) {
			rc = ledger_sql_error(l, "dispose card");
			goto out;
		}
		if (sqlite3_changes(l->db) == 0) {
			rc = ledger_fail(l, LEDGER_ERR_STATE,
					 "card %s left storage after it was "
					 "scanned into disposal D%lld",
					 mgmt, (long long)id);
			goto out;
		}
		snprintf(detail, sizeof(detail),
			 "disposal=%lld why=%s method=%s certificate=%s "
			 "witness=%lld",
			 (long long)id, ledger_col_text(sel, 2), method,
			 certificate ? certificate : "", (long long)witness_id);
		rc = ledger_audit(l, actor_id, now, "dispose.card", mgmt,
				  detail);
		if (rc < 0)
			goto out;
		(*n)++;
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "disposal cards");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

int ledger_disposal_close(struct ledger *l, int64_t id, const char *method,
			  const char *certificate, int64_t actor_id,
			  int64_t witness_id, int64_t now, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	char subject[32], detail[DISPOSAL_CERT_MAX + 128];
	int own, rc;

	*n = 0;
	if (strcmp(method, "shred") != 0 && strcmp(method, "contractor") != 0)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "method must be shred or contractor");
	if (strcmp(method, "contractor") == 0 &&
	    (!certificate || !*certificate))
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "a contractor's destruction needs its "
				   "certificate reference (--certificate)");
	rc = certificate ? ledger_text_check(l, "the certificate reference",
					     certificate, DISPOSAL_CERT_MAX,
					     TEXT_OPTIONAL)
			 : 0;
	if (rc < 0)
		return rc;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc =
	    ledger_prepare(l,
			   "UPDATE disposal_batch SET closed_at = ?, "
			   "closed_by = ?, close_witness_id = ?, method = ?, "
			   "certificate = ? WHERE id = ? AND closed_at IS NULL",
			   &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, actor_id);
	sqlite3_bind_int64(st, 3, witness_id);
	sqlite3_bind_text(st, 4, method, -1, SQLITE_STATIC);
	if (certificate && *certificate)
		sqlite3_bind_text(st, 5, certificate, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "close disposal");
		goto out;
	}
	if (sqlite3_changes(l->db) == 0) {
		rc = batch_not_open(l, id, " already");
		goto out;
	}
	rc = dispose_cards(l, id, method, certificate, actor_id, witness_id,
			   now, n);
	if (rc < 0)
		goto out;
	snprintf(subject, sizeof(subject), "disposal %lld", (long long)id);
	/* The batch row's method and certificate are in the entry, so
	 * `audit verify` sees them changed. */
	ledger_batch_close_detail(detail, sizeof(detail), *n, witness_id,
				  method, certificate);
	rc = ledger_audit(l, actor_id, now, "dispose.close", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_disposal_list(
    struct ledger *l,
    int (*batch_fn)(void *ctx, const struct disposal_batch_rec *b),
    int (*card_fn)(void *ctx, const struct disposal_card_row *c), void *ctx)
{
	sqlite3_stmt *ids = NULL, *cards = NULL;
	struct disposal_batch_rec b;
	int rc = ledger_prepare(l, "SELECT id FROM disposal_batch ORDER BY id",
				&ids);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "SELECT c.mgmt_id, c.serial, d.why, d.due_since, "
			    "d.scanned_at, s.code FROM disposal d "
			    "JOIN card c ON c.id = d.card_id "
			    "JOIN staff s ON s.id = d.scanned_by "
			    "WHERE d.batch_id = ? ORDER BY c.mgmt_id",
			    &cards);
	if (rc < 0)
		goto out;
	for (rc = sqlite3_step(ids); rc == SQLITE_ROW; rc = sqlite3_step(ids)) {
		rc = ledger_disposal_get(l, sqlite3_column_int64(ids, 0), &b);
		if (rc == 0)
			rc = batch_fn(ctx, &b);
		if (rc != 0)
			goto out;
		sqlite3_reset(cards);
		sqlite3_bind_int64(cards, 1, b.id);
		for (rc = sqlite3_step(cards); rc == SQLITE_ROW;
		     rc = sqlite3_step(cards)) {
			struct disposal_card_row r = {
			    .mgmt_id = ledger_col_text(cards, 0),
			    .serial = ledger_col_text(cards, 1),
			    .why = ledger_col_text(cards, 2),
			    .due_since = ledger_col_date(cards, 3),
			    .scanned_at = sqlite3_column_int64(cards, 4),
			    .scanned_by = ledger_col_text(cards, 5),
			};

			rc = card_fn(ctx, &r);
			if (rc != 0)
				goto out;
		}
		if (rc != SQLITE_DONE) {
			rc = ledger_sql_error(l, "disposal cards");
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "disposal batches");
out:
	sqlite3_finalize(ids);
	sqlite3_finalize(cards);
	return rc;
}
