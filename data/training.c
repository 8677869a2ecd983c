/*
 * Training (R20, seed 000 第3-4): courses, which of them are required
 * before anyone may handle cards, and who attended which session on which
 * day.  The rows are facts; whether a person may work with cards today is
 * decided by reconcile/ (recon_training_gate) from these facts, so the rule
 * is written once and tested without a file.  Every change is audited.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>

int ledger_course_add(struct ledger *l, const struct course_rec *c,
		      int64_t actor_id, int64_t now)
{
	char detail[NAME_MAX_BYTES + 96], subject[STAFF_CODE_MAX + 16];
	sqlite3_stmt *st = NULL;
	int own, rc;

	if (!staff_code_valid(c->code))
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "a course code is 1-%d of A-Z a-z 0-9 _ -",
				   STAFF_CODE_MAX);
	rc = ledger_text_check(l, "a course name", c->name, NAME_MAX_BYTES, 0);
	if (rc < 0)
		return rc;
	if (c->valid_days < 0 || c->valid_days > COURSE_VALID_DAYS_MAX)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "valid days must be 1-%d",
				   COURSE_VALID_DAYS_MAX);
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO course(code, name, required_for, "
			    "valid_days, created_at, created_by) "
			    "VALUES (?, ?, ?, ?, ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_text(st, 1, c->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
	if (c->required)
		sqlite3_bind_text(st, 3, "cards", -1, SQLITE_STATIC);
	if (c->valid_days > 0)
		sqlite3_bind_int(st, 4, c->valid_days);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, actor_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "add course");
		if (rc == LEDGER_ERR_EXISTS)
			rc = ledger_fail(l, LEDGER_ERR_EXISTS,
					 "course %s exists already", c->code);
		goto out;
	}
	snprintf(subject, sizeof(subject), "course %s", c->code);
	snprintf(detail, sizeof(detail),
		 "name=%s required_for=%s valid_days=%d", c->name,
		 c->required ? "cards" : "-", c->valid_days);
	rc = ledger_audit(l, actor_id, now, "training.course", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_course_require(struct ledger *l, const char *code, int64_t actor_id,
			  int64_t now)
{
	char subject[STAFF_CODE_MAX + 16];
	sqlite3_stmt *st = NULL;
	int own, rc;

	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "UPDATE course SET required_for = 'cards' WHERE "
			    "code = ? AND required_for IS NULL",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "require course");
		goto out;
	}
	if (sqlite3_changes(l->db) == 0) {
		struct course_rec c;

		rc = ledger_course_get(l, code, &c);
		if (rc == 0)
			rc = ledger_fail(l, LEDGER_ERR_STATE,
					 "course %s is required already", code);
		goto out;
	}
	snprintf(subject, sizeof(subject), "course %s", code);
	rc = ledger_audit(l, actor_id, now, "training.require", subject,
			  "required_for=cards");
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

static void course_from_row(sqlite3_stmt *st, struct course_rec *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	snprintf(out->code, sizeof(out->code), "%s", ledger_col_text(st, 1));
	snprintf(out->name, sizeof(out->name), "%s", ledger_col_text(st, 2));
	out->required = strcmp(ledger_col_text(st, 3), "cards") == 0;
	out->valid_days = sqlite3_column_int(st, 4);
}

#define COURSE_COLS                                                            \
	"SELECT id, code, name, required_for, valid_days FROM course "

int ledger_course_get(struct ledger *l, const char *code,
		      struct course_rec *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, COURSE_COLS "WHERE code = ?", &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		course_from_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no course %s", code);
	} else {
		rc = ledger_sql_error(l, "course");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_course_each(struct ledger *l,
		       int (*fn)(const struct course_rec *c, void *ctx),
		       void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	/* Kept: the training rule is checked on every read of a sweep. */
	int rc = ledger_stmt(l, COURSE_COLS "ORDER BY code", &st);

	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct course_rec c;

		course_from_row(st, &c);
		stop = fn(&c, ctx);
		if (stop)
			break;
	}
	return ledger_walk_done(l, st, rc, stop, "courses");
}

int ledger_training_record(struct ledger *l, const char *course,
			   int64_t staff_id, int32_t date, int64_t actor_id,
			   int64_t now)
{
	char detail[STAFF_CODE_MAX + 48], subject[STAFF_CODE_MAX + 16];
	struct course_rec c;
	struct staff_rec s;
	sqlite3_stmt *st = NULL;
	int own, rc;

	if (date == DATE_NONE)
		return ledger_fail(l, LEDGER_ERR_INVALID, "no date");
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_course_get(l, course, &c);
	if (rc == LEDGER_ERR_NOTFOUND)
		rc = LEDGER_ERR_INVALID;
	if (rc == 0)
		rc = ledger_staff_get_id(l, staff_id, &s);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "INSERT INTO attendance(course_id, "
				    "staff_id, date, recorded_by, "
				    "recorded_at) VALUES (?, ?, ?, ?, ?)",
				    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, c.id);
	sqlite3_bind_int64(st, 2, staff_id);
	ledger_bind_date(st, 3, date);
	sqlite3_bind_int64(st, 4, actor_id);
	sqlite3_bind_int64(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		char d[11];

		rc = ledger_sql_error(l, "record training");
		date_format(date, d);
		if (rc == LEDGER_ERR_EXISTS)
			rc = ledger_fail(l, LEDGER_ERR_EXISTS,
					 "%s's attendance of %s on %s is "
					 "recorded already",
					 s.code, c.code, d);
		goto out;
	}
	snprintf(subject, sizeof(subject), "course %s", c.code);
	{
		char d[11];

		date_format(date, d);
		snprintf(detail, sizeof(detail), "staff=%s date=%s", s.code, d);
	}
	rc = ledger_audit(l, actor_id, now, "training.record", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_attendance_each(struct ledger *l, const char *staff,
			   int (*fn)(const struct attendance_row *r, void *ctx),
			   void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l,
				"SELECT c.code, c.name, p.code, p.name, "
				"a.date, r.code, a.recorded_at "
				"FROM attendance a "
				"JOIN course c ON c.id = a.course_id "
				"JOIN staff p ON p.id = a.staff_id "
				"JOIN staff r ON r.id = a.recorded_by "
				"WHERE ?1 IS NULL OR p.code = ?1 "
				"ORDER BY a.date, c.code, p.code",
				&st);

	if (rc < 0)
		return rc;
	if (staff)
		sqlite3_bind_text(st, 1, staff, -1, SQLITE_STATIC);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct attendance_row r = {
		    .course = ledger_col_text(st, 0),
		    .course_name = ledger_col_text(st, 1),
		    .staff = ledger_col_text(st, 2),
		    .staff_name = ledger_col_text(st, 3),
		    .date = ledger_col_date(st, 4),
		    .recorded_by = ledger_col_text(st, 5),
		    .recorded_at = sqlite3_column_int64(st, 6),
		};

		stop = fn(&r, ctx);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "attendance");
}
