/*
 * Staff: adding people, looking them up, their PINs (tries, lockout,
 * changes), roles and whether they are active.  Every change is an audit
 * entry.
 */
#include "ledger_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The PIN-try bookkeeping writes even on a read-only connection: lifts
 * query_only for it (on = 1) and puts it back (on = 0). */
static void pin_bookkeeping(struct ledger *l, int on)
{
	if (l->read_only)
		sqlite3_exec(l->db,
			     on ? "PRAGMA query_only = 0"
				: "PRAGMA query_only = 1",
			     NULL, NULL, NULL);
}

int staff_code_valid(const char *code)
{
	return mgmt_id_valid(code, strlen(code));
}

int ledger_staff_add(struct ledger *l, const char *code, const char *name,
		     enum staff_role role, const char *pin_hash,
		     int64_t actor_id, int64_t now)
{
	char detail[128];
	sqlite3_stmt *st;
	int rc, own;

	if (!staff_code_valid(code))
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "staff code '%s' must be 1-32 letters, "
				   "digits, '-' or '_'",
				   code);
	rc = ledger_text_check(l, "name", name, NAME_MAX_BYTES, 0);
	if (rc < 0)
		return rc;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO staff(code, name, role, pin_hash, "
			    "created_at) VALUES (?, ?, ?, ?, ?)",
			    &st);
	if (rc < 0)
		return ledger_tx_leave(l, own, rc);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, staff_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, pin_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "add staff");
		if (rc == LEDGER_ERR_EXISTS)
			ledger_fail(l, rc, "staff code %s exists already",
				    code);
	}
	sqlite3_finalize(st);
	/* The whole new row, so that `audit verify` can replay it. */
	if (rc == 0 &&
	    audit_staff_detail(detail, sizeof(detail), staff_role_name(role), 1,
			       0, pin_hash) < 0)
		rc = ledger_fail(l, LEDGER_ERR_INVALID,
				 "staff %s does not fit the audit log", code);
	if (rc == 0)
		rc = ledger_audit(l, actor_id, now, "staff.add", code, detail);
	return ledger_tx_leave(l, own, rc);
}

static void staff_from_row(sqlite3_stmt *st, struct staff_rec *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	snprintf(out->code, sizeof(out->code), "%s", ledger_col_text(st, 1));
	snprintf(out->name, sizeof(out->name), "%s", ledger_col_text(st, 2));
	if (staff_role_parse(ledger_col_text(st, 3), &out->role) < 0)
		out->role = ROLE_PARTTIME;
	snprintf(out->pin_hash, sizeof(out->pin_hash), "%s",
		 ledger_col_text(st, 4));
	out->failed_pins = sqlite3_column_int(st, 5);
	out->locked = sqlite3_column_int(st, 6);
	out->active = sqlite3_column_int(st, 7);
}

static int staff_get(struct ledger *l, const char *sql, const char *code,
		     int64_t id, struct staff_rec *out)
{
	sqlite3_stmt *st;
	int rc = ledger_stmt(l, sql, &st);

	if (rc < 0)
		return rc;
	if (code)
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		staff_from_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no staff member %s",
				 code ? code : "with that id");
	} else {
		rc = ledger_sql_error(l, "staff");
	}
	ledger_stmt_done(l, st);
	return rc;
}

#define STAFF_COLS                                                             \
	"SELECT id, code, name, role, pin_hash, failed_pins, locked, active "  \
	"FROM staff "

int ledger_staff_get(struct ledger *l, const char *code, struct staff_rec *out)
{
	/* The code as stored; else the one code that differs from it in
	 * case alone (issue 18: a clerk types s02 for S02).  Two codes that
	 * differ only in case are never guessed between.  The code as stored
	 * first, by its index: the second query reads every staff row, and
	 * count start looks up the assignee of each of a thousand ranges. */
	int rc = staff_get(l, STAFF_COLS "WHERE code = ?1", code, 0, out);

	if (rc != LEDGER_ERR_NOTFOUND)
		return rc;
	return staff_get(l,
			 STAFF_COLS
			 "WHERE lower(code) = lower(?1) AND (SELECT count(*) "
			 "FROM staff WHERE lower(code) = lower(?1)) = 1",
			 code, 0, out);
}

int ledger_staff_get_id(struct ledger *l, int64_t id, struct staff_rec *out)
{
	return staff_get(l, STAFF_COLS "WHERE id = ?", NULL, id, out);
}

/* Runs one statement whose only parameter ?1 is id. */
static int exec_id(struct ledger *l, const char *sql, int64_t id)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, sql, &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ledger_sql_error(l, sql);
	sqlite3_finalize(st);
	return rc;
}

int ledger_staff_pin_try(struct ledger *l, int64_t staff_id, int max_failures,
			 int *may, int *counted)
{
	sqlite3_stmt *st;
	int rc, own;

	*may = 0;
	*counted = 0;
	pin_bookkeeping(l, 1);
	rc = ledger_tx_enter(l, &own);
	if (rc < 0) {
		pin_bookkeeping(l, 0);
		return rc;
	}
	/* The attempt is counted before its PIN is looked at; an account
	 * locked, or with max_failures attempts counted and not yet
	 * settled, gets none. */
	rc = ledger_prepare(l,
			    "UPDATE staff SET failed_pins = failed_pins + 1 "
			    "WHERE id = ?1 AND locked = 0 AND failed_pins < ?2 "
			    "RETURNING failed_pins",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, staff_id);
	sqlite3_bind_int(st, 2, max_failures);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*may = 1;
		*counted = sqlite3_column_int(st, 0);
		rc = sqlite3_step(st);
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "pin try");
	sqlite3_finalize(st);
out:
	rc = ledger_tx_leave(l, own, rc);
	pin_bookkeeping(l, 0);
	return rc;
}

int ledger_staff_pin_settle(struct ledger *l, int64_t staff_id, int ok,
			    int counted, int max_failures, int64_t now,
			    int *locked_now)
{
	struct staff_rec s;
	int rc, own;

	*locked_now = 0;
	pin_bookkeeping(l, 1);
	rc = ledger_tx_enter(l, &own);
	if (rc < 0) {
		pin_bookkeeping(l, 0);
		return rc;
	}
	rc = ledger_staff_get_id(l, staff_id, &s);
	if (rc == 0 && ok && s.locked) {
		/* Right, but wrong PINs tried alongside locked the account
		 * meanwhile: the lock holds, whichever PIN came later. */
		*locked_now = 2;
	} else if (rc == 0 && ok) {
		/* Right: the failures in a row up to this attempt end (it
		 * was the counted-th); the attempts counted after it, wrong
		 * ones in flight alongside, still count.  More than one
		 * means wrong PINs came before. */
		sqlite3_stmt *st;

		rc = ledger_prepare(l,
				    "UPDATE staff SET failed_pins = "
				    "max(failed_pins - ?2, 0) WHERE id = ?1",
				    &st);
		if (rc == 0) {
			sqlite3_bind_int64(st, 1, staff_id);
			sqlite3_bind_int(st, 2, counted);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = ledger_sql_error(l, "pin settle");
			sqlite3_finalize(st);
		}
		if (rc == 0 && counted > 1)
			rc = ledger_audit(l, staff_id, now, "staff.pin_ok",
					  s.code, "failed PIN count reset");
	} else if (rc == 0 && !s.locked && s.failed_pins >= max_failures) {
		rc = exec_id(l,
			     "UPDATE staff SET locked = 1 "
			     "WHERE id = ?1",
			     staff_id);
		if (rc == 0)
			rc = ledger_audit(l, staff_id, now, "staff.lock",
					  s.code, "too many wrong PINs");
		*locked_now = rc == 0;
	} else if (rc == 0) {
		rc = ledger_audit(l, staff_id, now, "staff.pin_failed", s.code,
				  NULL);
	}
	sodium_memzero(s.pin_hash, sizeof(s.pin_hash));
	rc = ledger_tx_leave(l, own, rc);
	pin_bookkeeping(l, 0);
	return rc;
}

int ledger_staff_pin_result(struct ledger *l, int64_t staff_id, int ok,
			    int max_failures, int64_t now, int *locked_now)
{
	sqlite3_stmt *st;
	int rc, own;

	*locked_now = 0;
	pin_bookkeeping(l, 1);
	rc = ledger_tx_enter(l, &own);
	if (rc < 0) {
		pin_bookkeeping(l, 0);
		return rc;
	}
	rc = ledger_prepare(
	    l,
	    ok ? "UPDATE staff SET failed_pins = 0 WHERE id = ?1 "
		 "AND failed_pins <> 0 RETURNING locked"
	       : "UPDATE staff SET failed_pins = failed_pins + 1, "
		 "locked = (failed_pins + 1 >= ?2) OR locked "
		 "WHERE id = ?1 RETURNING locked",
	    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, staff_id);
	if (!ok)
		sqlite3_bind_int(st, 2, max_failures);
	rc = sqlite3_step(st);
	int locked = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	/* A success changes the row only when it resets a failure count. */
	int reset = ok && rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "pin result");
	sqlite3_finalize(st);
	struct staff_rec s;
	if (rc == 0 && (!ok || reset))
		rc = ledger_staff_get_id(l, staff_id, &s);
	if (rc == 0 && !ok && locked && s.failed_pins == max_failures) {
		*locked_now = 1;
		rc = ledger_audit(l, staff_id, now, "staff.lock", s.code,
				  "too many wrong PINs");
	} else if (rc == 0 && !ok) {
		rc = ledger_audit(l, staff_id, now, "staff.pin_failed", s.code,
				  NULL);
	} else if (rc == 0 && reset) {
		rc = ledger_audit(l, staff_id, now, "staff.pin_ok", s.code,
				  "failed PIN count reset");
	}
out:
	rc = ledger_tx_leave(l, own, rc);
	pin_bookkeeping(l, 0);
	return rc;
}

int ledger_staff_unlock(struct ledger *l, int64_t staff_id, int64_t actor_id,
			int64_t now)
{
	struct staff_rec s;
	sqlite3_stmt *st;
	int own, rc = ledger_staff_get_id(l, staff_id, &s);

	if (rc < 0)
		return rc;
	if (!s.locked)
		return ledger_fail(l, LEDGER_ERR_STATE,
				   "account %s is not locked", s.code);
	/* The unlock and its audit entry commit together. */
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "UPDATE staff SET locked = 0, failed_pins = 0 "
			    "WHERE id = ?",
			    &st);
	if (rc < 0)
		return ledger_tx_leave(l, own, rc);
	sqlite3_bind_int64(st, 1, staff_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_sql_error(l, "unlock");
	sqlite3_finalize(st);
	if (rc == 0)
		rc = ledger_audit(l, actor_id, now, "staff.unlock", s.code,
				  NULL);
	return ledger_tx_leave(l, own, rc);
}

int ledger_staff_each(struct ledger *l,
		      int (*fn)(const struct staff_rec *s, void *ctx),
		      void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l, STAFF_COLS "ORDER BY code", &st);

	if (rc < 0)
		return rc;
	/* The callback's word and SQLite's codes kept apart: a callback
	 * stopping with 1 is not SQLITE_ERROR, nor 101 SQLITE_DONE. */
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct staff_rec s;

		staff_from_row(st, &s);
		stop = fn(&s, ctx);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "staff");
}

/* Runs sql (one UPDATE of staff ?1 binding text ?2 or nothing) and
 * appends the audit row, in the caller's transaction or one of its own. */
static int staff_update(struct ledger *l, const char *sql, int64_t staff_id,
			const char *text, int64_t actor_id, const char *action,
			const char *subject, const char *detail, int64_t now)
{
	sqlite3_stmt *st;
	int own, rc = ledger_tx_enter(l, &own);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(l, sql, &st);
	if (rc < 0)
		return ledger_tx_leave(l, own, rc);
	sqlite3_bind_int64(st, 1, staff_id);
	if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_sql_error(l, action);
	else if (sqlite3_changes(l->db) != 1)
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no staff member %s",
				 subject);
	sqlite3_finalize(st);
	if (rc == 0)
		rc = ledger_audit(l, actor_id, now, action, subject, detail);
	return ledger_tx_leave(l, own, rc);
}

int ledger_staff_pin_set(struct ledger *l, int64_t staff_id,
			 const char *pin_hash, int reset, int64_t actor_id,
			 const char *witness_code, int64_t now)
{
	char detail[STAFF_CODE_MAX + 64 + AUDIT_PIN_DIGEST_BUF];
	char pin[AUDIT_PIN_DIGEST_BUF];
	struct staff_rec s;
	int rc;

	if (!pin_hash[0] || strlen(pin_hash) >= sizeof(s.pin_hash))
		return ledger_fail(l, LEDGER_ERR_INVALID, "bad PIN hash");
	rc = ledger_staff_get_id(l, staff_id, &s);
	if (rc < 0)
		return rc;
	/* The digest of the new hash, so that `audit verify` can tell it
	 * from one put in the table behind the log's back. */
	audit_pin_digest(pin_hash, strlen(pin_hash), pin);
	if (!reset) {
		snprintf(detail, sizeof(detail), "pin=%s", pin);
		return staff_update(l,
				    "UPDATE staff SET pin_hash = ?2, "
				    "failed_pins = 0 WHERE id = ?1",
				    staff_id, pin_hash, actor_id,
				    "staff.pin_change", s.code, detail, now);
	}
	snprintf(detail, sizeof(detail), "%s%s%s%spin=%s",
		 s.locked ? "unlocked " : "", witness_code ? "witness=" : "",
		 witness_code ? witness_code : "", witness_code ? " " : "",
		 pin);
	return staff_update(l,
			    "UPDATE staff SET pin_hash = ?2, failed_pins = 0, "
			    "locked = 0 WHERE id = ?1",
			    staff_id, pin_hash, actor_id, "staff.pin_reset",
			    s.code, detail, now);
}

int ledger_staff_set_active(struct ledger *l, int64_t staff_id, int active,
			    int64_t actor_id, const char *witness_code,
			    int64_t now)
{
	char detail[STAFF_CODE_MAX + 16];
	struct staff_rec s;
	int rc = ledger_staff_get_id(l, staff_id, &s);

	if (rc < 0)
		return rc;
	if (s.active == !!active)
		return ledger_fail(l, LEDGER_ERR_STATE, "%s is %s already",
				   s.code, active ? "active" : "inactive");
	if (witness_code)
		snprintf(detail, sizeof(detail), "witness=%s", witness_code);
	return staff_update(l,
			    active
				? "UPDATE staff SET active = 1 WHERE id = ?1"
				: "UPDATE staff SET active = 0 WHERE id = ?1",
			    staff_id, NULL, actor_id,
			    active ? "staff.reactivate" : "staff.deactivate",
			    s.code, witness_code ? detail : NULL, now);
}

int ledger_staff_set_role(struct ledger *l, int64_t staff_id,
			  enum staff_role role, int64_t actor_id,
			  const char *witness_code, int64_t now)
{
	char detail[STAFF_CODE_MAX + 64];
	struct staff_rec s;
	int rc;

	if ((unsigned)role >= ROLE_COUNT)
		return ledger_fail(l, LEDGER_ERR_INVALID, "unknown role");
	rc = ledger_staff_get_id(l, staff_id, &s);
	if (rc < 0)
		return rc;
	if (s.role == role)
		return ledger_fail(l, LEDGER_ERR_STATE, "%s is %s already",
				   s.code, staff_role_name(role));
	snprintf(detail, sizeof(detail), "from=%s to=%s%s%s",
		 staff_role_name(s.role), staff_role_name(role),
		 witness_code ? " witness=" : "",
		 witness_code ? witness_code : "");
	return staff_update(l, "UPDATE staff SET role = ?2 WHERE id = ?1",
			    staff_id, staff_role_name(role), actor_id,
			    "staff.role", s.code, detail, now);
}

int ledger_staff_managers(struct ledger *l, int64_t except, int64_t *n)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT count(*) FROM staff WHERE role = "
				"'manager' AND active AND id <> ?",
				&st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, except);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = ledger_sql_error(l, "managers");
	sqlite3_finalize(st);
	return rc;
}

