/*
 * The safe's key log (R14, R15; seeds 000 第3-1(1), 002 (ｳ), 003): the
 * named key holders in order of responsibility, and every opening of the
 * safe with who opened it, when, why, which key holder approved it and when
 * it was closed.  One opening at a time: the schema's partial unique index
 * keeps a second one out even if two processes race.  Whether an opening
 * was too long or off hours is decided by reconcile/ (recon_key_flags).
 * Every change is audited.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>

int ledger_key_holder_add(struct ledger *l, int64_t staff_id, int order,
			  int64_t actor_id, int64_t now)
{
	char detail[STAFF_CODE_MAX + 32];
	struct staff_rec s;
	sqlite3_stmt *st = NULL;
	int own, rc;

	if (order < 1 || order > KEY_HOLDER_ORDER_MAX)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "the order is 1-%d (1: primary)",
				   KEY_HOLDER_ORDER_MAX);
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_staff_get_id(l, staff_id, &s);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "INSERT INTO key_holder(staff_id, ord, "
				    "added_at, added_by) VALUES (?, ?, ?, ?)",
				    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, staff_id);
	sqlite3_bind_int(st, 2, order);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, actor_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "add key holder");
		if (rc == LEDGER_ERR_EXISTS)
			rc = ledger_fail(l, LEDGER_ERR_EXISTS,
					 "%s is a key holder already, or "
					 "order %d is taken",
					 s.code, order);
		goto out;
	}
	snprintf(detail, sizeof(detail), "staff=%s order=%d", s.code, order);
	rc = ledger_audit(l, actor_id, now, "key.holder", "safe", detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_key_holder_each(struct ledger *l,
			   int (*fn)(const struct key_holder_rec *h, void *ctx),
			   void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc =
	    ledger_prepare(l,
			   "SELECT k.ord, s.code, s.name FROM key_holder k "
			   "JOIN staff s ON s.id = k.staff_id "
			   "ORDER BY k.ord",
			   &st);

	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct key_holder_rec h = {.order = sqlite3_column_int(st, 0)};

		snprintf(h.code, sizeof(h.code), "%s", ledger_col_text(st, 1));
		snprintf(h.name, sizeof(h.name), "%s", ledger_col_text(st, 2));
		stop = fn(&h, ctx);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "key holders");
}

int ledger_key_holder_order(struct ledger *l, int64_t staff_id, int *order)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l, "SELECT ord FROM key_holder WHERE staff_id = ?", &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, staff_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*order = sqlite3_column_int(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "not a key holder");
	} else {
		rc = ledger_sql_error(l, "key holder");
	}
	sqlite3_finalize(st);
	return rc;
}

#define OPENING_COLS                                                           \
	"SELECT o.id, o.opened_at, a.code, b.code, o.purpose, "                \
	"ifnull(o.closed_at, 0), ifnull(c.code, ''), o.flags, "                \
	"o.rule_limit_min, o.rule_office_start_min, o.rule_office_end_min, "   \
	"ifnull((SELECT t.code FROM key_handover h JOIN staff t "              \
	"ON t.id = h.to_id WHERE h.opening_id = o.id "                         \
	"ORDER BY h.id DESC LIMIT 1), a.code) "                                \
	"FROM key_opening o "                                                  \
	"JOIN staff a ON a.id = o.opened_by "                                  \
	"JOIN staff b ON b.id = o.approved_by "                                \
	"LEFT JOIN staff c ON c.id = o.closed_by "

static void opening_from_row(sqlite3_stmt *st, struct key_opening_rec *o)
{
	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(st, 0);
	o->opened_at = sqlite3_column_int64(st, 1);
	snprintf(o->opened_by, sizeof(o->opened_by), "%s",
		 ledger_col_text(st, 2));
	snprintf(o->approved_by, sizeof(o->approved_by), "%s",
		 ledger_col_text(st, 3));
	snprintf(o->purpose, sizeof(o->purpose), "%s", ledger_col_text(st, 4));
	o->closed_at = sqlite3_column_int64(st, 5);
	snprintf(o->closed_by, sizeof(o->closed_by), "%s",
		 ledger_col_text(st, 6));
	o->has_flags = sqlite3_column_type(st, 7) != SQLITE_NULL;
	o->flags = (unsigned)sqlite3_column_int(st, 7);
	o->has_rules = sqlite3_column_type(st, 8) != SQLITE_NULL &&
		       sqlite3_column_type(st, 9) != SQLITE_NULL &&
		       sqlite3_column_type(st, 10) != SQLITE_NULL;
	o->limit_min = sqlite3_column_int(st, 8);
	o->office_start_min = sqlite3_column_int(st, 9);
	o->office_end_min = sqlite3_column_int(st, 10);
	snprintf(o->held_by, sizeof(o->held_by), "%s",
		 ledger_col_text(st, 11));
}

int ledger_key_current(struct ledger *l, struct key_opening_rec *out)
{
	sqlite3_stmt *st;
	int rc =
	    ledger_prepare(l, OPENING_COLS "WHERE o.closed_at IS NULL", &st);

	if (rc < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		opening_from_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND,
				 "the safe is recorded closed");
	} else {
		rc = ledger_sql_error(l, "key log");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_safe_open(struct ledger *l, int *open)
{
	sqlite3_stmt *st;
	/* key_one_open, the partial index, answers this. */
	int rc = ledger_stmt(
	    l,
	    "SELECT EXISTS (SELECT 1 FROM key_opening WHERE closed_at IS NULL)",
	    &st);

	if (rc < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*open = sqlite3_column_int(st, 0);
		rc = 0;
	} else {
		rc = ledger_sql_error(l, "key log");
	}
	ledger_stmt_done(l, st);
	return rc;
}

int ledger_key_open(struct ledger *l, int64_t opener_id, int64_t approver_id,
		    const char *purpose, int64_t now, int64_t *id)
{
	char detail[KEY_PURPOSE_MAX + 2 * STAFF_CODE_MAX + 64], subject[32];
	struct key_opening_rec cur;
	struct staff_rec a, b;
	sqlite3_stmt *st = NULL;
	int own, rc;

	rc = ledger_text_check(l, "the purpose", purpose, KEY_PURPOSE_MAX, 0);
	if (rc < 0)
		return rc;
	if (opener_id == approver_id)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "the opener cannot approve their own "
				   "opening");
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_key_current(l, &cur);
	if (rc == 0) {
		rc = ledger_fail(l, LEDGER_ERR_STATE,
				 "the safe is open already (opening %lld by "
				 "%s): close it first",
				 (long long)cur.id, cur.opened_by);
		goto out;
	}
	if (rc != LEDGER_ERR_NOTFOUND)
		goto out;
	rc = ledger_staff_get_id(l, opener_id, &a);
	if (rc == 0)
		rc = ledger_staff_get_id(l, approver_id, &b);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "INSERT INTO key_opening(opened_at, "
				    "opened_by, approved_by, purpose) "
				    "VALUES (?, ?, ?, ?)",
				    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, opener_id);
	sqlite3_bind_int64(st, 3, approver_id);
	sqlite3_bind_text(st, 4, purpose, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "open the safe");
		if (rc == LEDGER_ERR_EXISTS)
			rc = ledger_fail(l, LEDGER_ERR_STATE,
					 "the safe is open already");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	snprintf(subject, sizeof(subject), "key %lld", (long long)*id);
	snprintf(detail, sizeof(detail),
		 "opened_by=%s approved_by=%s "
		 "purpose=%s",
		 a.code, b.code, purpose);
	rc = ledger_audit(l, opener_id, now, "key.open", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_key_close(struct ledger *l, int64_t closer_id, int64_t now,
		     struct key_opening_rec *out)
{
	char detail[STAFF_CODE_MAX + 64], subject[32];
	struct staff_rec c;
	sqlite3_stmt *st = NULL;
	int own, rc;

	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_key_current(l, out);
	if (rc == LEDGER_ERR_NOTFOUND)
		rc = ledger_fail(l, LEDGER_ERR_STATE,
				 "the safe is not recorded open: nothing to "
				 "close");
	if (rc == 0)
		rc = ledger_staff_get_id(l, closer_id, &c);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "UPDATE key_opening SET closed_at = ?, "
				    "closed_by = ? WHERE id = ?",
				    &st);
	if (rc < 0)
		goto out;
	/* A clock set back must not give an opening a negative length. */
	if (now < out->opened_at)
		now = out->opened_at;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, closer_id);
	sqlite3_bind_int64(st, 3, out->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "close the safe");
		goto out;
	}
	out->closed_at = now;
	snprintf(out->closed_by, sizeof(out->closed_by), "%s", c.code);
	snprintf(subject, sizeof(subject), "key %lld", (long long)out->id);
	snprintf(detail, sizeof(detail), "closed_by=%s open_s=%lld", c.code,
		 (long long)(now - out->opened_at));
	rc = ledger_audit(l, closer_id, now, "key.close", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_key_record(struct ledger *l, int64_t id, int limit_min,
		      int office_start_min, int office_end_min, int flags,
		      int64_t actor_id, int64_t now)
{
	char detail[96], subject[32];
	sqlite3_stmt *st = NULL;
	int own, rc;

	if (limit_min < 0 || office_start_min < 0 || office_end_min > 24 * 60 ||
	    office_start_min > office_end_min || flags < -1 || flags > 3)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "key log rules or flags out of range");
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "UPDATE key_opening SET rule_limit_min = ?, "
			    "rule_office_start_min = ?, "
			    "rule_office_end_min = ?, flags = ? WHERE id = ?",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int(st, 1, limit_min);
	sqlite3_bind_int(st, 2, office_start_min);
	sqlite3_bind_int(st, 3, office_end_min);
	if (flags >= 0)
		sqlite3_bind_int(st, 4, flags);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "record the key log's flags");
		goto out;
	}
	if (sqlite3_changes(l->db) != 1) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no opening %lld",
				 (long long)id);
		goto out;
	}
	snprintf(subject, sizeof(subject), "key %lld", (long long)id);
	if (flags >= 0)
		snprintf(detail, sizeof(detail),
			 "limit_min=%d office=%d-%d flags=%d", limit_min,
			 office_start_min, office_end_min, flags);
	else
		snprintf(detail, sizeof(detail),
			 "limit_min=%d office=%d-%d flags=open", limit_min,
			 office_start_min, office_end_min);
	rc = ledger_audit(l, actor_id, now, "key.flags", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_key_each_since(struct ledger *l, int64_t since,
			  int (*fn)(const struct key_opening_rec *o, void *ctx),
			  void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l,
				OPENING_COLS
				"WHERE o.opened_at >= ?1 OR o.closed_at IS "
				"NULL OR o.closed_at >= ?1 ORDER BY o.id",
				&st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, since);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct key_opening_rec o;

		opening_from_row(st, &o);
		stop = fn(&o, ctx);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "key log");
}

/* ---- removing a key holder, handing the key over (issue 18) ---- */

int ledger_key_holder_remove(struct ledger *l, int64_t staff_id,
			     int64_t actor_id, int64_t now, int *order)
{
	char detail[STAFF_CODE_MAX + 32];
	struct staff_rec s;
	sqlite3_stmt *st = NULL;
	int own, rc;

	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_staff_get_id(l, staff_id, &s);
	if (rc == 0)
		rc = ledger_key_holder_order(l, staff_id, order);
	if (rc == 0)
		rc = ledger_prepare(l, "DELETE FROM key_holder WHERE staff_id = ?",
				    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, staff_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "remove key holder");
		goto out;
	}
	/* The others keep their numbers: the order of responsibility stays
	 * as the manager named it (R15), with a gap where this one was. */
	snprintf(detail, sizeof(detail), "staff=%s order=%d", s.code, *order);
	rc = ledger_audit(l, actor_id, now, "key.holder_remove", "safe",
			  detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_key_keeper(struct ledger *l, int64_t opening_id, int64_t *staff_id)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT ifnull((SELECT h.to_id FROM key_handover h "
	    "WHERE h.opening_id = o.id ORDER BY h.id DESC LIMIT 1), "
	    "o.opened_by) FROM key_opening o WHERE o.id = ?",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, opening_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*staff_id = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no opening %lld",
				 (long long)opening_id);
	} else {
		rc = ledger_sql_error(l, "key log");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_key_handover(struct ledger *l, int64_t opening_id, int64_t from_id,
			int64_t to_id, int64_t now, int64_t *id)
{
	char detail[2 * STAFF_CODE_MAX + 32], subject[32];
	struct staff_rec a, b;
	sqlite3_stmt *st = NULL;
	int64_t keeper;
	int own, rc;

	if (from_id == to_id)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "the key passes to another person");
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_key_keeper(l, opening_id, &keeper);
	if (rc == 0 && keeper != from_id)
		rc = ledger_fail(l, LEDGER_ERR_STATE,
				 "the key is not held by the giver");
	if (rc == 0)
		rc = ledger_staff_get_id(l, from_id, &a);
	if (rc == 0)
		rc = ledger_staff_get_id(l, to_id, &b);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "INSERT INTO key_handover(opening_id, at, "
				    "from_id, to_id) VALUES (?, ?, ?, ?)",
				    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, opening_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, from_id);
	sqlite3_bind_int64(st, 4, to_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "hand the key over");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	snprintf(subject, sizeof(subject), "key %lld", (long long)opening_id);
	snprintf(detail, sizeof(detail), "from=%s to=%s", a.code, b.code);
	rc = ledger_audit(l, from_id, now, "key.handover", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_key_handover_each(struct ledger *l, int64_t opening_id,
			     int (*fn)(const struct key_handover_rec *h,
				       void *ctx),
			     void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l,
				"SELECT h.id, h.opening_id, h.at, a.code, "
				"b.code FROM key_handover h "
				"JOIN staff a ON a.id = h.from_id "
				"JOIN staff b ON b.id = h.to_id "
				"WHERE ?1 = 0 OR h.opening_id = ?1 "
				"ORDER BY h.id",
				&st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, opening_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct key_handover_rec h = {
		    .id = sqlite3_column_int64(st, 0),
		    .opening = sqlite3_column_int64(st, 1),
		    .at = sqlite3_column_int64(st, 2)};

		snprintf(h.from, sizeof(h.from), "%s", ledger_col_text(st, 3));
		snprintf(h.to, sizeof(h.to), "%s", ledger_col_text(st, 4));
		stop = fn(&h, ctx);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "key handovers");
}
