/*
 * Opening and creating the ledger file, and bringing it to this
 * cardtally's schema.  The schema is versioned with PRAGMA user_version;
 * migrations[] holds one forward step per version and is append-only: a
 * released step is never edited, a change is a new step.
 */
#include "ledger_int.h"

#include "../common/clock.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The card table's indexes, named (not inline UNIQUE constraints).  A bulk
 * import once dropped them and built them again by sorting; an import
 * written in chunks cannot (others write between its chunks), so nothing
 * drops them now.
 */
#define CARD_INDEXES_SQL                                                       \
	"CREATE UNIQUE INDEX card_mgmt ON card(mgmt_id);"                      \
	"CREATE UNIQUE INDEX card_serial ON card(serial);"                     \
	"CREATE INDEX card_location ON card(location_id);"

/* Version 1: the foundation schema (doc/design.md "The ledger"). */
/* Also used by migration 2, which lifts it while it chains old rows. */
#define AUDIT_NO_UPDATE_SQL                                                    \
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"          \
	" SELECT RAISE(ABORT, 'audit log is append-only'); END;"

static const char schema_v1[] =
    "CREATE TABLE location ("
    " id INTEGER PRIMARY KEY,"
    " path TEXT NOT NULL UNIQUE,"
    " parent_id INTEGER REFERENCES location(id),"
    " depth INTEGER NOT NULL);"
    "CREATE TABLE staff ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('manager','staff','parttime')),"
    " pin_hash TEXT NOT NULL,"
    " failed_pins INTEGER NOT NULL DEFAULT 0,"
    " locked INTEGER NOT NULL DEFAULT 0,"
    " active INTEGER NOT NULL DEFAULT 1,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE card ("
    " id INTEGER PRIMARY KEY,"
    " mgmt_id TEXT NOT NULL,"
    " serial TEXT NOT NULL,"
    " location_id INTEGER NOT NULL REFERENCES location(id),"
    " status TEXT NOT NULL CHECK (status IN ('stored','checked_out',"
    "  'issued','disposed','cancelled','moved','deceased')),"
    " received TEXT NOT NULL,"
    " notice_sent TEXT,"
    " reminder_sent TEXT,"
    " updated_at INTEGER NOT NULL);" CARD_INDEXES_SQL "CREATE TABLE session ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('full','partial','tally',"
    "  'countonly')),"
    " started_at INTEGER NOT NULL,"
    " started_by INTEGER NOT NULL REFERENCES staff(id),"
    " closed_at INTEGER,"
    " closed_by INTEGER REFERENCES staff(id),"
    " witness_id INTEGER REFERENCES staff(id),"
    " note TEXT);"
    "CREATE TABLE session_range ("
    " session_id INTEGER NOT NULL REFERENCES session(id),"
    " location_id INTEGER NOT NULL REFERENCES location(id),"
    " assignee_id INTEGER REFERENCES staff(id),"
    " started_at INTEGER,"
    " ended_at INTEGER,"
    " PRIMARY KEY (session_id, location_id)) WITHOUT ROWID;"
    "CREATE TABLE scan ("
    " id INTEGER PRIMARY KEY,"
    " session_id INTEGER NOT NULL REFERENCES session(id),"
    " range_id INTEGER REFERENCES location(id),"
    " serial TEXT NOT NULL,"
    " card_id INTEGER REFERENCES card(id),"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " at INTEGER NOT NULL,"
    " outcome TEXT NOT NULL CHECK (outcome IN ('accepted','repeat',"
    "  'alert')),"
    " why TEXT);"
    "CREATE INDEX scan_session_serial ON scan(session_id, serial);"
    "CREATE INDEX scan_card ON scan(card_id, at);"
    "CREATE TABLE custody_event ("
    " id INTEGER PRIMARY KEY,"
    " card_id INTEGER REFERENCES card(id),"
    " kind TEXT NOT NULL,"
    " at INTEGER NOT NULL,"
    " staff_id INTEGER REFERENCES staff(id),"
    " location_id INTEGER REFERENCES location(id),"
    " note TEXT);"
    "CREATE INDEX custody_card ON custody_event(card_id, at);"
    /* The audit log is append-only; hash and prev_hash chain the rows
     * (data/audit_write.c).  The triggers make accidental edits
     * fail loudly; they are no defence against someone with the file,
     * which is what the hash chain is for. */
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " staff_id INTEGER REFERENCES staff(id),"
    " action TEXT NOT NULL,"
    " subject TEXT,"
    " detail TEXT,"
    " prev_hash BLOB,"
    " hash BLOB);" AUDIT_NO_UPDATE_SQL
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
    " SELECT RAISE(ABORT, 'audit log is append-only'); END;";

/*
 * Version 2: near-misses (R22), and the audit chain over files written
 * before it.  A near-miss row is repeated by its audit entry, which
 * `audit verify` checks it against, like scan rows.
 */
static const char schema_v2[] =
    "CREATE TABLE near_miss ("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " card_id INTEGER REFERENCES card(id),"
    " text TEXT NOT NULL);";

/*
 * A version-1 file may hold audit rows written before the chain existed
 * (no hashes) and reads without audit entries.  They are chained now, in
 * id order, and each such read gets its entry, so that the whole file
 * verifies; the chain vouches for them only from this moment on, which the
 * "ledger.migrate" entry records.
 */
static int chain_v1_rows(struct ledger *l)
{
	sqlite3_stmt *st = NULL, *upd = NULL;
	uint8_t prev[AUDIT_HASH_BYTES] = {0};
	int64_t sealed = 0, folded = 0;
	char detail[96];
	int rc, step;

	rc = ledger_exec(l, "DROP TRIGGER audit_no_update");
	if (rc == 0)
		rc = ledger_prepare(l,
				    "SELECT id, at, staff_id, action, subject, "
				    "detail, hash FROM audit ORDER BY id",
				    &st);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "UPDATE audit SET prev_hash = ?, hash = ? "
				    "WHERE id = ?",
				    &upd);
	for (step = rc == 0 ? sqlite3_step(st) : SQLITE_DONE;
	     rc == 0 && step == SQLITE_ROW; step = sqlite3_step(st)) {
		struct audit_entry e = {0};
		uint8_t h[AUDIT_HASH_BYTES];

		if (sqlite3_column_type(st, 6) == SQLITE_BLOB &&
		    sqlite3_column_bytes(st, 6) == AUDIT_HASH_BYTES) {
			memcpy(prev, sqlite3_column_blob(st, 6), sizeof(prev));
			continue;
		}
		e.id = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.staff_id = sqlite3_column_int64(st, 2);
		e.action = (const char *)sqlite3_column_text(st, 3);
		e.action_len = (size_t)sqlite3_column_bytes(st, 3);
		e.subject = (const char *)sqlite3_column_text(st, 4);
		e.subject_len = (size_t)sqlite3_column_bytes(st, 4);
		e.detail = (const char *)sqlite3_column_text(st, 5);
		e.detail_len = (size_t)sqlite3_column_bytes(st, 5);
		audit_hash(prev, &e, h);
		sqlite3_reset(upd);
		sqlite3_bind_blob(upd, 1, prev, sizeof(prev), SQLITE_TRANSIENT);
		sqlite3_bind_blob(upd, 2, h, sizeof(h), SQLITE_TRANSIENT);
		sqlite3_bind_int64(upd, 3, e.id);
		if (sqlite3_step(upd) != SQLITE_DONE)
			rc = ledger_sql_error(l, "chain audit log");
		memcpy(prev, h, sizeof(prev));
		sealed++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ledger_sql_error(l, "chain audit log");
	sqlite3_finalize(st);
	sqlite3_finalize(upd);
	st = NULL;
	if (rc == 0)
		rc = ledger_exec(l, AUDIT_NO_UPDATE_SQL);
	if (rc == 0)
		rc = ledger_prepare(
		    l,
		    "SELECT id, session_id, range_id, serial, card_id, "
		    "staff_id, at, outcome, why FROM scan WHERE id > "
		    "(SELECT ifnull(max(CAST(substr(detail, 6) AS INTEGER)), "
		    "0) FROM audit WHERE action = 'scan') ORDER BY id",
		    &st);
	for (step = rc == 0 ? sqlite3_step(st) : SQLITE_DONE;
	     rc == 0 && step == SQLITE_ROW; step = sqlite3_step(st)) {
		char subject[32], d[SERIAL_BUF + 160];

		snprintf(subject, sizeof(subject), "session %lld",
			 (long long)sqlite3_column_int64(st, 1));
		if (ledger_scan_detail(
			d, sizeof(d), sqlite3_column_int64(st, 0),
			sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2), ledger_col_text(st, 3),
			sqlite3_column_int64(st, 4), ledger_col_text(st, 7),
			ledger_col_text(st, 8), 0, NULL, 0) < 0) {
			rc =
			    ledger_fail(l, LEDGER_ERR_INVALID,
					"scan %lld does not fit the audit log",
					(long long)sqlite3_column_int64(st, 0));
			break;
		}
		rc = ledger_audit(l, sqlite3_column_int64(st, 5),
				  sqlite3_column_int64(st, 6), "scan", subject,
				  d);
		folded++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ledger_sql_error(l, "chain reads");
	sqlite3_finalize(st);
	if (rc < 0 || (sealed == 0 && folded == 0))
		return rc;
	snprintf(detail, sizeof(detail), "version=2 chained=%lld reads=%lld",
		 (long long)sealed, (long long)folded);
	return ledger_audit(l, 0, ct_now(), "ledger.migrate", NULL, detail);
}

/*
 * Version 3, disposal (R16-R18): a
 * disposal batch is opened by two people, collects the cards scanned into
 * it one by one, and when closed is the disposal ledger: who, witness,
 * method, certificate, and per card why it was due.  Separate tables, not a
 * session kind: session.kind has a CHECK constraint that only a table
 * rebuild could lift.
 */
static const char schema_disposal[] =
    "CREATE TABLE disposal_batch ("
    " id INTEGER PRIMARY KEY,"
    " started_at INTEGER NOT NULL,"
    " started_by INTEGER NOT NULL REFERENCES staff(id),"
    " witness_id INTEGER NOT NULL REFERENCES staff(id),"
    " closed_at INTEGER,"
    " closed_by INTEGER REFERENCES staff(id),"
    " close_witness_id INTEGER REFERENCES staff(id),"
    " method TEXT CHECK (method IN ('shred','contractor')),"
    " certificate TEXT,"
    " CHECK (method IS NOT 'contractor' OR certificate <> ''));"
    "CREATE TABLE disposal ("
    " batch_id INTEGER NOT NULL REFERENCES disposal_batch(id),"
    " card_id INTEGER NOT NULL REFERENCES card(id),"
    " why TEXT NOT NULL CHECK (why IN ('reminder','moved','deceased',"
    "  'cancelled')),"
    " due_since TEXT,"
    " scanned_at INTEGER NOT NULL,"
    " scanned_by INTEGER NOT NULL REFERENCES staff(id),"
    " PRIMARY KEY (batch_id, card_id)) WITHOUT ROWID;"
    "CREATE INDEX disposal_card ON disposal(card_id);";

/*
 * Version 4: training (R20) and the
 * safe's key log (R14, R15).  A course is required for work with cards or
 * not; valid_days NULL means a record never expires.  One attendance row
 * per person, course and day.  Key holders are numbered in order of
 * responsibility (1 primary, 2 deputy, ...); an opening is open while
 * closed_at is NULL, and the partial unique index allows one at a time.
 */
static const char schema_training[] =
    "CREATE TABLE course ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " required_for TEXT CHECK (required_for IS NULL OR"
    "  required_for = 'cards'),"
    " valid_days INTEGER CHECK (valid_days IS NULL OR valid_days > 0),"
    " created_at INTEGER NOT NULL,"
    " created_by INTEGER NOT NULL REFERENCES staff(id));"
    "CREATE TABLE attendance ("
    " id INTEGER PRIMARY KEY,"
    " course_id INTEGER NOT NULL REFERENCES course(id),"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " date TEXT NOT NULL,"
    " recorded_by INTEGER NOT NULL REFERENCES staff(id),"
    " recorded_at INTEGER NOT NULL,"
    " UNIQUE (course_id, staff_id, date));"
    "CREATE INDEX attendance_staff ON attendance(staff_id, course_id);"
    "CREATE TABLE key_holder ("
    " id INTEGER PRIMARY KEY,"
    " staff_id INTEGER NOT NULL UNIQUE REFERENCES staff(id),"
    " ord INTEGER NOT NULL UNIQUE CHECK (ord > 0),"
    " added_at INTEGER NOT NULL,"
    " added_by INTEGER NOT NULL REFERENCES staff(id));"
    "CREATE TABLE key_opening ("
    " id INTEGER PRIMARY KEY,"
    " opened_at INTEGER NOT NULL,"
    " opened_by INTEGER NOT NULL REFERENCES staff(id),"
    " approved_by INTEGER NOT NULL REFERENCES staff(id),"
    " purpose TEXT NOT NULL,"
    " closed_at INTEGER,"
    " closed_by INTEGER REFERENCES staff(id),"
    " CHECK (approved_by <> opened_by));"
    "CREATE UNIQUE INDEX key_one_open ON key_opening((1))"
    " WHERE closed_at IS NULL;";

/*
 * Version 5: custody (R11-R13).  Issuing terminals are registered assets,
 * counted like cards: in storage at their home, or checked out.  A custody
 * event names a card or an asset, where it was before (from_location_id)
 * and after (location_id, the card's or asset's location after the event),
 * and for a checkout the day it is for.
 */
static const char schema_custody[] =
    "CREATE TABLE asset ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " tag TEXT UNIQUE,"
    " location_id INTEGER NOT NULL REFERENCES location(id),"
    " status TEXT NOT NULL DEFAULT 'in_storage'"
    "  CHECK (status IN ('in_storage','checked_out')),"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "ALTER TABLE custody_event ADD COLUMN asset_id INTEGER"
    " REFERENCES asset(id);"
    "ALTER TABLE custody_event ADD COLUMN from_location_id INTEGER"
    " REFERENCES location(id);"
    "ALTER TABLE custody_event ADD COLUMN for_date TEXT;"
    "CREATE INDEX custody_asset ON custody_event(asset_id, at);"
    /* What was out when a tally began, fixed then: a card returned or
     * issued during the tally is still one the tally must account for. */
    "CREATE TABLE tally_expected ("
    " session_id INTEGER NOT NULL REFERENCES session(id),"
    " card_id INTEGER REFERENCES card(id),"
    " asset_id INTEGER REFERENCES asset(id),"
    " checkout_id INTEGER REFERENCES custody_event(id));"
    "CREATE INDEX tally_expected_session ON tally_expected(session_id);";

/*
 * Version 6: the counting programme (R5, R6).  A cycle plan says in which
 * month of the cycle (0-based, from start_day, the first day of its first
 * month) each range gets its full count; the newest plan is the one in
 * force.  A count-only check records a total number of cards per range,
 * typed or counted by a reader without identifying the cards; the newest
 * total of a range counts.
 */
static const char schema_plan[] =
    "CREATE TABLE cycle_plan ("
    " id INTEGER PRIMARY KEY,"
    " start_day TEXT NOT NULL,"
    " months INTEGER NOT NULL CHECK (months BETWEEN 1 AND 12),"
    " created_at INTEGER NOT NULL,"
    " created_by INTEGER NOT NULL REFERENCES staff(id));"
    "CREATE TABLE cycle_plan_range ("
    " plan_id INTEGER NOT NULL REFERENCES cycle_plan(id),"
    " location_id INTEGER NOT NULL REFERENCES location(id),"
    " month INTEGER NOT NULL CHECK (month >= 0),"
    " PRIMARY KEY (plan_id, location_id)) WITHOUT ROWID;"
    "CREATE TABLE count_total ("
    " id INTEGER PRIMARY KEY,"
    " session_id INTEGER NOT NULL REFERENCES session(id),"
    " location_id INTEGER NOT NULL REFERENCES location(id),"
    " cards INTEGER NOT NULL CHECK (cards >= 0),"
    " method TEXT NOT NULL CHECK (method IN ('typed','reader')),"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " at INTEGER NOT NULL);"
    "CREATE INDEX count_total_session ON count_total(session_id,"
    " location_id);"
    "CREATE INDEX session_range_location ON session_range(location_id);";

/*
 * Version 7: the record book (R7, R8, R10).  Each range of a count keeps,
 * besides who and when (session_range's assignee_id, started_at, ended_at,
 * filled since this version), what the count found there, stored when the
 * count closes so that the record shows what was true then: expected,
 * seen (distinct cards read there) and in_place.  A discrepancy gets one
 * resolution by a manager, with a reason; the row keeps the discrepancy as
 * it was (kind, card, where).  A recount is a session of one range, linked
 * to the count whose range it recounts.
 */
static const char schema_book[] =
    "ALTER TABLE session_range ADD COLUMN expected INTEGER;"
    "ALTER TABLE session_range ADD COLUMN seen INTEGER;"
    "ALTER TABLE session_range ADD COLUMN in_place INTEGER;"
    "CREATE TABLE resolution ("
    " id INTEGER PRIMARY KEY,"
    " session_id INTEGER NOT NULL REFERENCES session(id),"
    " card_id INTEGER REFERENCES card(id),"
    " serial TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('missing','misplaced','extra',"
    "  'not_in_stock')),"
    " location TEXT NOT NULL,"
    " found TEXT,"
    " reason TEXT NOT NULL CHECK (reason IN ('found_elsewhere',"
    "  'data_error','recounted','lost')),"
    " note TEXT,"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " at INTEGER NOT NULL,"
    " UNIQUE (session_id, serial));"
    "CREATE TABLE recount ("
    " session_id INTEGER PRIMARY KEY REFERENCES session(id),"
    " of_session_id INTEGER NOT NULL REFERENCES session(id),"
    " location_id INTEGER NOT NULL REFERENCES location(id));"
    "CREATE INDEX recount_of ON recount(of_session_id);";

/*
 * Version 8: cards handled while the safe is recorded closed (R14).  A
 * custody movement, a read in a count and a card scanned into a disposal
 * record whether reconcile/ flagged them (recon_safe_flag) at that moment:
 * 1 flagged, 0 not, NULL written before the flag existed.  The flag is in
 * each row's audit entry too, so `audit verify` sees it changed.  The
 * partial indexes keep the (rare) flagged rows quick to list; custody_at
 * serves the daily report's movements of one day.
 */
static const char schema_safe_flag[] =
    "ALTER TABLE custody_event ADD COLUMN safe_closed INTEGER;"
    "ALTER TABLE scan ADD COLUMN safe_closed INTEGER;"
    "ALTER TABLE disposal ADD COLUMN safe_closed INTEGER;"
    "CREATE INDEX custody_at ON custody_event(at);"
    "CREATE INDEX custody_safe_closed ON custody_event(at)"
    " WHERE safe_closed = 1;"
    "CREATE INDEX scan_safe_closed ON scan(at) WHERE safe_closed = 1;";

/*
 * Version 9: undoing a read (the TUI's undo, `scan undo`).  A read is never
 * deleted: the scan row stays, its audit entry stays (audit verify checks
 * the scan table against the chain), and the undo is a row of its own with
 * who, when and why.  scan_live is what counts: every read not undone.
 */
static const char schema_scan_undo[] =
    "CREATE TABLE scan_undo ("
    " scan_id INTEGER PRIMARY KEY REFERENCES scan(id),"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " at INTEGER NOT NULL,"
    " reason TEXT NOT NULL);"
    "CREATE VIEW scan_live AS SELECT s.* FROM scan s"
    " WHERE NOT EXISTS (SELECT 1 FROM scan_undo u WHERE u.scan_id = s.id);";

/*
 * Version 10: card status `lost` (R10, R23).  The card table's status CHECK
 * dates from version 1 and SQLite's ALTER TABLE cannot change a CHECK; the
 * 12-step rebuild would copy every card (a million rows on a large ward).
 * Widening a CHECK changes no stored row -- every row that satisfied the old
 * list satisfies the longer one -- so the documented shortcut for such
 * changes applies (sqlite.org/lang_altertable.html, "Making Other Kinds Of
 * Table Schema Changes"): inside the migration's transaction, note PRAGMA
 * schema_version, edit the table's text in sqlite_schema under PRAGMA
 * writable_schema, set schema_version one higher (so that every connection,
 * this one included, parses the schema again), turn writable_schema off.
 * A rollback undoes the edit with the rest of the step.
 *
 * The edit is a replacement of one exact fragment of the text version 1
 * wrote; a file whose card table reads otherwise is not touched (the step
 * fails and the file stays at version 9), because a blind edit of unknown
 * SQL could leave a schema SQLite cannot parse.
 */
#define CARD_STATUS_OLD "'cancelled','moved','deceased'))"
#define CARD_STATUS_NEW "'cancelled','moved','deceased','lost'))"

/* Runs one statement that returns one integer (a PRAGMA's value). */
static int pragma_int(struct ledger *l, const char *sql, int64_t *v)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, sql, &st);

	if (rc < 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else
		rc = ledger_sql_error(l, sql);
	sqlite3_finalize(st);
	return rc;
}

/* Table table's CREATE TABLE text with fragment old replaced by new,
 * into a malloc'ed *out; LEDGER_ERR_VERSION when old is not there once
 * (`what` and `version` name the change in the refusal). */
static int table_sql_edited(struct ledger *l, const char *table,
			    const char *old, const char *new, const char *what,
			    int version, char **out)
{
	sqlite3_stmt *st;
	const char *sql, *at;
	char *w = NULL;
	size_t len, nold = strlen(old), nnew = strlen(new);
	int rc = ledger_prepare(l,
				"SELECT sql FROM sqlite_schema WHERE "
				"type = 'table' AND name = ?",
				&st);

	*out = NULL;
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ledger_sql_error(l, "the table to edit");
		goto out;
	}
	sql = ledger_col_text(st, 0);
	at = strstr(sql, old);
	if (!at || strstr(at + 1, old)) {
		rc = ledger_fail(l, LEDGER_ERR_VERSION,
				 "the %s table's %s is not the one cardtally "
				 "wrote: not migrating to version %d",
				 table, what, version);
		goto out;
	}
	len = strlen(sql);
	w = malloc(len - nold + nnew + 1);
	if (!w) {
		rc = ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(w, sql, (size_t)(at - sql));
	memcpy(w + (at - sql), new, nnew);
	memcpy(w + (at - sql) + nnew, at + nold,
	       len - (size_t)(at - sql) - nold + 1);
	*out = w;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Replaces fragment old of table's text by new, the documented way
 * (above); for changes that leave every stored row valid only. */
static int edit_table(struct ledger *l, const char *table, const char *old,
		      const char *new, const char *what, int version)
{
	sqlite3_stmt *st = NULL;
	int64_t schema = 0;
	char *sql = NULL, bump[64];
	int rc = table_sql_edited(l, table, old, new, what, version, &sql);

	if (rc == 0)
		rc = pragma_int(l, "PRAGMA schema_version", &schema);
	if (rc < 0)
		goto out;
	rc = ledger_exec(l, "PRAGMA writable_schema = ON");
	if (rc < 0)
		goto out;
	rc = ledger_prepare(l,
			    "UPDATE sqlite_schema SET sql = ? WHERE "
			    "type = 'table' AND name = ?",
			    &st);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, sql, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE ||
		    sqlite3_changes(l->db) != 1)
			rc = ledger_sql_error(l, "edit the table");
	}
	snprintf(bump, sizeof(bump), "PRAGMA schema_version = %lld",
		 (long long)schema + 1);
	if (rc == 0)
		rc = ledger_exec(l, bump);
	/* Off again whatever happened: nothing else may write the schema
	 * table by accident. */
	if (ledger_exec(l, "PRAGMA writable_schema = OFF") < 0 && rc == 0)
		rc = LEDGER_ERR_SQL;
out:
	sqlite3_finalize(st);
	free(sql);
	return rc;
}

static int widen_card_status(struct ledger *l)
{
	int64_t n = 0;
	int rc = edit_table(l, "card", CARD_STATUS_OLD, CARD_STATUS_NEW,
				 "status constraint", 10);

	/* The schema is parsed again here: a text SQLite could not parse
	 * fails now, inside the transaction, and is rolled back.  A file
	 * that holds cards records the change in its audit log (as version
	 * 2's step does); a new, empty ledger has nothing to vouch for. */
	if (rc == 0)
		rc = pragma_int(l, "SELECT EXISTS (SELECT 1 FROM card)", &n);
	if (rc == 0 && n)
		rc = ledger_audit(l, 0, ct_now(), "ledger.migrate", NULL,
				  "version=10 card.status+=lost");
	return rc;
}

/*
 * Version 11: the key log's flags decided when they happen (issue 19).  An
 * opening keeps the rules in force when it was opened (replaced by those
 * in force at its close) and the flags decided at the close, so that a
 * report no longer judges it by the configuration of whoever prints it.
 * NULL: recorded before this version (reports say their flags are judged
 * by today's configuration) or, for flags, still open.
 */
static const char schema_key_flags[] =
    "ALTER TABLE key_opening ADD COLUMN flags INTEGER"
    " CHECK (flags IS NULL OR flags BETWEEN 0 AND 3);"
    "ALTER TABLE key_opening ADD COLUMN rule_limit_min INTEGER;"
    "ALTER TABLE key_opening ADD COLUMN rule_office_start_min INTEGER;"
    "ALTER TABLE key_opening ADD COLUMN rule_office_end_min INTEGER;";

/*
 * Version 13: the identity profile that produced each read (issue 11):
 * its name and version (drivers/profile.h), so that serials read by two
 * profiles -- a chip's manufacturing number and a certificate's key
 * identifier, or one profile before and after a change of what it reads
 * -- are never taken for one another.  NULL: typed or keyed in, or read
 * before this version (the profile then is not known).
 */
static const char schema_scan_profile[] =
    "ALTER TABLE scan ADD COLUMN profile TEXT"
    " CHECK (profile IS NULL OR length(profile) BETWEEN 1 AND 64);"
    "ALTER TABLE scan ADD COLUMN profile_version INTEGER"
    " CHECK ((profile IS NULL) = (profile_version IS NULL) AND"
    " coalesce(profile_version, 1) > 0);";

/*
 * Version 14: receiving cards (issue 11, R1, 受領・検品).  A stock list may
 * come without chip values: such a card has no serial (NULL, the UNIQUE
 * index allows many) and awaits enrolment until `cardtally receive` reads
 * its chip and binds it.  Dropping the NOT NULL of card.serial leaves
 * every stored row valid, so it is done as version 10 widened the status
 * CHECK (edit_table): no copy of a million cards.  Each binding is a
 * receipt row -- the serial, the identity profile and version that read
 * it, the tray, who and when -- repeated by its audit entry (`receive`),
 * which `audit verify` checks it against.  A card scanned into a disposal
 * batch records the profile of that read too (NULL: typed, or before).
 */
#define CARD_SERIAL_OLD " serial TEXT NOT NULL,"
#define CARD_SERIAL_NEW " serial TEXT,"

static const char schema_receive[] =
    "CREATE TABLE receipt ("
    " id INTEGER PRIMARY KEY,"
    " card_id INTEGER NOT NULL UNIQUE REFERENCES card(id),"
    " serial TEXT NOT NULL,"
    " profile TEXT"
    "  CHECK (profile IS NULL OR length(profile) BETWEEN 1 AND 64),"
    " profile_version INTEGER"
    "  CHECK ((profile IS NULL) = (profile_version IS NULL) AND"
    "  coalesce(profile_version, 1) > 0),"
    " tray_id INTEGER REFERENCES location(id),"
    " at INTEGER NOT NULL,"
    " staff_id INTEGER NOT NULL REFERENCES staff(id));"
    "ALTER TABLE disposal ADD COLUMN profile TEXT"
    " CHECK (profile IS NULL OR length(profile) BETWEEN 1 AND 64);"
    "ALTER TABLE disposal ADD COLUMN profile_version INTEGER"
    " CHECK ((profile IS NULL) = (profile_version IS NULL) AND"
    " coalesce(profile_version, 1) > 0);";

static int card_serial_optional(struct ledger *l)
{
	int64_t n = 0;
	int rc = edit_table(l, "card", CARD_SERIAL_OLD, CARD_SERIAL_NEW,
				 "serial constraint", 14);

	if (rc == 0)
		rc = pragma_int(l, "SELECT EXISTS (SELECT 1 FROM card)", &n);
	if (rc == 0 && n)
		rc = ledger_audit(l, 0, ct_now(), "ledger.migrate", NULL,
				  "version=14 card.serial optional, receipt");
	return rc;
}

/*
 * Version 15: the reads of one range of a count, by index (who counted a
 * range, for the rotation planner, status and the record book).  Without
 * it each such question read every read of the count: a thousand ranges
 * of a count of a million cards made that a billion rows.
 */
/* IF NOT EXISTS: tests take a current file back to an older version by
 * undoing the columns of later ones; an index changes no row to undo. */
static const char schema_scan_range[] =
    "CREATE INDEX IF NOT EXISTS scan_session_range ON scan(session_id,"
    " range_id);";

/*
 * Version 16: the outbox for the city-wide hub (issue 16, outbox.c).  One
 * row per record batch cut from the audit log: its entries (first..last),
 * the chain's hash before and after them, the ward's Ed25519 signature,
 * when it was cut and when the hub acknowledged it (NULL: pending).
 * Bookkeeping about the log, not audited itself.  IF NOT EXISTS, as
 * version 15's index: tests take a current file back to an older version
 * by undoing later columns, and this table holds nothing of theirs.
 */
static const char schema_outbox[] =
    "CREATE TABLE IF NOT EXISTS outbox_batch ("
    " seq INTEGER PRIMARY KEY CHECK (seq > 0),"
    " first_entry INTEGER NOT NULL CHECK (first_entry > 0),"
    " last_entry INTEGER NOT NULL CHECK (last_entry >= first_entry),"
    " prev_head BLOB NOT NULL CHECK (length(prev_head) = 32),"
    " head BLOB NOT NULL CHECK (length(head) = 32),"
    " signature BLOB NOT NULL CHECK (length(signature) = 64),"
    " made_at INTEGER NOT NULL,"
    " acked_at INTEGER);";

/*
 * Version 17: handovers of the safe's key (issue 18, R14; keylog.c).  While
 * the safe is open its key passes from the person holding it (the opener,
 * or the receiver of the last handover) to another, who confirms with their
 * PIN: one row per handover, with when, from whom and to whom, so that the
 * key log names who held the key at every moment (seed 002 (ｳ): the last
 * user and keeper of the key are recorded).  IF NOT EXISTS, as version
 * 16's table: tests take a current file back to an older version by
 * undoing later columns.
 */
static const char schema_key_handover[] =
    "CREATE TABLE IF NOT EXISTS key_handover ("
    " id INTEGER PRIMARY KEY,"
    " opening_id INTEGER NOT NULL REFERENCES key_opening(id),"
    " at INTEGER NOT NULL,"
    " from_id INTEGER NOT NULL REFERENCES staff(id),"
    " to_id INTEGER NOT NULL REFERENCES staff(id),"
    " CHECK (from_id <> to_id));"
    "CREATE INDEX IF NOT EXISTS key_handover_opening"
    " ON key_handover(opening_id, id);";

/*
 * Version 18: two indexes for the questions status, count start, plan
 * cycle and tally start ask of a ledger of a million cards (issue 12).
 * - Who counted a range: the reads of one range of a count by person, so
 *   that each person is one index lookup (skipping from one staff id to
 *   the next), not a read of every read of the range.  It begins with
 *   version 15's columns and serves its questions: it replaces it.
 * - The cards not in the safe (checked out, lost, issued, disposed of): a
 *   partial index that holds only them, by status and location, so that
 *   the checked-out and lost lists and a tally's expected cards are not a
 *   read of the whole card table, and the cards a range should hold are
 *   the index entries of its locations (card_location) less these,
 *   without reading a card row (data/plan.c).  A card in storage is not
 *   in it and costs an insert nothing.
 * IF [NOT] EXISTS as version 15's: tests take a current file back to an
 * older version by undoing the later ones.
 */
static const char schema_v18_indexes[] =
    "CREATE INDEX IF NOT EXISTS scan_range_staff ON scan(session_id,"
    " range_id, staff_id);"
    "DROP INDEX IF EXISTS scan_session_range;"
    "CREATE INDEX IF NOT EXISTS card_away ON card(status, location_id)"
    " WHERE status = 'checked_out' OR status = 'lost' OR"
    " status = 'issued' OR status = 'disposed';";

/*
 * Version 19: the import entries of the audit log (import.begin, written
 * by the first chunk of an import of several, and the closing "import"),
 * in a partial index of their own, so that `status` tells at once whether
 * the last import stopped part way, whatever the length of the log.
 * IF NOT EXISTS, as version 18's.
 */
static const char schema_v19_import_index[] =
    "CREATE INDEX IF NOT EXISTS audit_import ON audit(id)"
    " WHERE action = 'import.begin' OR action = 'import';";

/*
 * Version 20: the card table's status CHECK as comparisons, one after the
 * other.  SQLite checks `status IN (eight constants)` by building a
 * temporary B-tree of the list for every row it writes (in a constraint
 * check there is no Once around it, as a query has), and clearing it
 * again: a million new cards spent 1.3 s of 3.0 s of inserts on that.
 * Both texts accept exactly the same values (status is NOT NULL, so the
 * comparisons never meet NULL), so the text is edited in place as
 * version 10's was (edit_table).  A file whose card table reads so
 * already is left as it is.  No audit entry: nothing accepted before is
 * refused now, nor the reverse.
 */
#define CARD_STATUS_IN                                                         \
	"CHECK (status IN ('stored','checked_out',  'issued','disposed',"      \
	"'cancelled','moved','deceased','lost'))"
#define CARD_STATUS_EQ                                                         \
	"CHECK (status = 'stored' OR status = 'checked_out' OR "              \
	"status = 'issued' OR status = 'disposed' OR status = 'cancelled' OR " \
	"status = 'moved' OR status = 'deceased' OR status = 'lost')"

/* Edits table's text from old to new (edit_table), unless it reads new
 * already. */
static int edit_table_once(struct ledger *l, const char *table,
			   const char *old, const char *new, const char *what,
			   int version)
{
	sqlite3_stmt *st;
	int done, rc = ledger_prepare(l,
				      "SELECT instr(sql, ?) > 0 FROM "
				      "sqlite_schema WHERE type = 'table' "
				      "AND name = ?",
				      &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, new, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ledger_sql_error(l, "the table to edit");
		sqlite3_finalize(st);
		return rc;
	}
	done = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (done)
		return 0;
	return edit_table(l, table, old, new, what, version);
}

static int card_status_compared(struct ledger *l)
{
	return edit_table_once(l, "card", CARD_STATUS_IN, CARD_STATUS_EQ,
			       "status constraint", 20);
}

/*
 * Version 21: the same for the scan table's outcome CHECK, three values
 * (SQLite compares two or fewer one by one, and builds the B-tree for
 * more): every read a scan records paid for it, about a fifth of the
 * instructions of a read.
 */
#define SCAN_OUTCOME_IN "CHECK (outcome IN ('accepted','repeat',  'alert'))"
#define SCAN_OUTCOME_EQ                                                        \
	"CHECK (outcome = 'accepted' OR outcome = 'repeat' OR "               \
	"outcome = 'alert')"

static int scan_outcome_compared(struct ledger *l)
{
	return edit_table_once(l, "scan", SCAN_OUTCOME_IN, SCAN_OUTCOME_EQ,
			       "outcome constraint", 21);
}

/* migrations[i] takes a file from user_version i to i + 1: its SQL, then
 * its C step, if any, in the same transaction. */
static const struct migration {
	const char *sql;
	int (*step)(struct ledger *l);
} migrations[] = {
    {schema_v1, NULL},		/* to version 1 */
    {schema_v2, chain_v1_rows}, /* 2 */
    {schema_disposal, NULL},	/* 3 */
    {schema_training, NULL},	/* 4 */
    {schema_custody, NULL},	/* 5 */
    {schema_plan, NULL},	/* 6 */
    {schema_book, NULL},	/* 7 */
    {schema_safe_flag, NULL},	/* 8 */
    {schema_scan_undo, NULL},	/* 9 */
    {"", widen_card_status},	/* 10 */
    {schema_key_flags, NULL},	/* 11 */
    /* Version 12: `audit verify` replays the log against the card, asset
     * and staff tables.  The log of an older file does not say where
     * every card is, so the state of every row is recorded once, as the
     * tables hold it now (audit_replay.c); from here on every change
     * records its own.  Self-contained: no SQL, one C step. */
    {"", ledger_audit_baseline}, /* 12 */
    {schema_scan_profile, NULL}, /* 13 */
    {schema_receive, card_serial_optional}, /* 14 */
    {schema_scan_range, NULL},		    /* 15 */
    {schema_outbox, NULL},		    /* 16 */
    {schema_key_handover, NULL},	    /* 17 */
    {schema_v18_indexes, NULL},		    /* 18 */
    {schema_v19_import_index, NULL},	    /* 19 */
    {"", card_status_compared},		    /* 20 */
    {"", scan_outcome_compared},	    /* 21 */
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
		   LEDGER_SCHEMA_VERSION,
	       "one migration per schema version");

static int migrate(struct ledger *l)
{
	int v = ledger_schema_version(l);
	int rc;
	char sql[64];

	if (v < 0)
		return LEDGER_ERR_SQL;
	if (v > LEDGER_SCHEMA_VERSION)
		return ledger_fail(l, LEDGER_ERR_VERSION,
				   "ledger schema version %d is newer than "
				   "this cardtally (%d): upgrade cardtally",
				   v, LEDGER_SCHEMA_VERSION);
	for (; v < LEDGER_SCHEMA_VERSION; v++) {
		rc = ledger_begin(l);
		if (rc < 0)
			return rc;
		rc = ledger_exec(l, migrations[v].sql);
		if (rc == 0 && migrations[v].step)
			rc = migrations[v].step(l);
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", v + 1);
		if (rc == 0)
			rc = ledger_exec(l, sql);
		if (rc < 0) {
			ledger_rollback(l);
			return rc;
		}
		rc = ledger_commit(l);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Why an open failed, said plainly when it is the file system: SQLite's
 * "disk I/O error" or "attempt to write a readonly database" tell a clerk
 * nothing.  A ledger in WAL mode needs its -wal and -shm files beside it,
 * also to be read, so a full disk or an unwritable directory stops even a
 * report.  LEDGER_ERR_IO with the message in err, or rc unchanged.
 */
static int open_error(struct ledger *l, const char *path, int rc, char *err,
		      size_t errlen)
{
	int code = l->db ? sqlite3_extended_errcode(l->db) & 0xff : 0;
	int sys = l->db ? sqlite3_system_errno(l->db) : 0;

	if (sys == ENOSPC || sys == EDQUOT || code == SQLITE_FULL) {
		snprintf(err, errlen,
			 "ledger %s: no space left on its file system (even a "
			 "reader needs room for %s-wal and %s-shm)",
			 path, path, path);
		return LEDGER_ERR_IO;
	}
	if (sys == EACCES || sys == EPERM || sys == EROFS ||
	    code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
	    code == SQLITE_PERM) {
		/* SQLite's errno is of its last call, often a probe for a
		 * -wal file that is not there: ask the directory itself. */
		char dir[4096];
		const char *slash = strrchr(path, '/');
		int why = sys;

		if (!slash)
			snprintf(dir, sizeof(dir), ".");
		else
			snprintf(dir, sizeof(dir), "%.*s",
				 (int)(slash == path ? 1 : slash - path), path);
		if (access(dir, W_OK) < 0)
			why = errno;
		snprintf(err, errlen,
			 "ledger %s: cannot write in %s (%s); even a reader "
			 "needs to create %s-wal and %s-shm there",
			 path, dir, why ? strerror(why) : "read-only", path,
			 path);
		return LEDGER_ERR_IO;
	}
	if (code == SQLITE_NOTADB) {
		snprintf(err, errlen, "%s is not a cardtally ledger (%s)", path,
			 l->errmsg);
		return LEDGER_ERR_NOTLEDGER;
	}
	if (code == SQLITE_IOERR) {
		snprintf(err, errlen, "ledger %s: input/output error%s%s", path,
			 sys ? ": " : "", sys ? strerror(sys) : "");
		return LEDGER_ERR_IO;
	}
	snprintf(err, errlen, "ledger %s: %s", path, l->errmsg);
	return rc;
}

/*
 * A file cardtally made has a schema version (cardtally writes version 1
 * and up in the same step that creates its tables) and the audit log.
 * Read-only: nothing is written before this says yes.
 */
static int is_cardtally_ledger(struct ledger *l)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT (SELECT user_version FROM "
				"pragma_user_version) > 0 AND EXISTS (SELECT 1 "
				"FROM sqlite_schema WHERE type = 'table' AND "
				"name = 'audit')",
				&st);

	if (rc < 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0) ? 0 : LEDGER_ERR_NOTLEDGER;
	else
		rc = ledger_sql_error(l, "read the schema");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Before SQLite's first use in the process: no count of the memory it
 * holds.  That count (sqlite3_memory_used, which nothing here reads) takes
 * a process-wide mutex around every allocation and free SQLite makes, a
 * page of the cache at a time.  Too late once SQLite is initialized (a
 * test that installed its own allocator first): then nothing changes.
 */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int open_db(const char *path, int flags, unsigned how,
		   struct ledger **out, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct ledger *l = calloc(1, sizeof(*l));
	int rc;

	pthread_once(&once, sqlite_setup);
	*out = NULL;
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return LEDGER_ERR_NOMEM;
	}
	l->wait_fd = -1;
	/* The audit chain hashes with libsodium; sodium_init is idempotent
	 * and picks the fastest implementation for this CPU. */
	if (sodium_init() < 0) {
		snprintf(err, errlen, "cannot initialise libsodium");
		free(l);
		return LEDGER_ERR_SQL;
	}
	/* One connection per process, used by one thread: no mutexes. */
	if (sqlite3_open_v2(path, &l->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		if (!l->db)
			snprintf(err, errlen,
				 "cannot open ledger %s: out of memory", path);
		else
			snprintf(l->errmsg, sizeof(l->errmsg),
				 "cannot open: %s", sqlite3_errmsg(l->db));
		rc = l->db ? open_error(l, path, LEDGER_ERR_SQL, err, errlen)
			   : LEDGER_ERR_NOMEM;
		ledger_close(l);
		return rc;
	}
	/* For the sign that this process waits for the write lock
	 * (busy_wait); without it, writers wait as they did before. */
	l->wait_fd = open(path, O_RDONLY | O_CLOEXEC);
	/* An existing file is checked before anything is written to it
	 * (the pragmas below switch it to WAL, the migrations add tables). */
	rc = flags & SQLITE_OPEN_CREATE ? 0 : is_cardtally_ledger(l);
	if (rc == LEDGER_ERR_NOTLEDGER) {
		snprintf(err, errlen,
			 "%s is not a cardtally ledger (an SQLite database "
			 "without cardtally's tables); not touching it",
			 path);
		ledger_close(l);
		return rc;
	}
	/* A file opened as it is (a backup, or a ledger a package upgrade
	 * copies before it migrates it) keeps its version; read-only, it is
	 * not switched to WAL either (that would write its header). */
	if (rc == 0)
		rc = ledger_connection_setup(l, how & LEDGER_OPEN_READ_ONLY);
	if (rc == 0)
		rc = ledger_prepare(l, "ROLLBACK", &l->rollback);
	if (rc == 0 && !(how & LEDGER_OPEN_AS_IS))
		rc = migrate(l);
	if (rc == 0 && (how & LEDGER_OPEN_READ_ONLY))
		rc = ledger_read_only(l);
	if (rc < 0) {
		rc = open_error(l, path, rc, err, errlen);
		ledger_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* The first bytes of every SQLite 3 database file. */
static const char sqlite_magic[16] = "SQLite format 3";

int ledger_open(const char *path, struct ledger **out, char *err, size_t errlen)
{
	return ledger_open_how(path, 0, out, err, errlen);
}

int ledger_open_how(const char *path, unsigned how, struct ledger **out,
		    char *err, size_t errlen)
{
	char head[sizeof(sqlite_magic)];
	struct stat sb;
	ssize_t n;
	int fd;

	*out = NULL;
	if (stat(path, &sb) < 0) {
		int e = errno;

		if (e == ENOENT || e == ENOTDIR)
			snprintf(err, errlen, LEDGER_MSG_NOTFOUND, path,
				 strerror(e));
		else
			snprintf(err, errlen, LEDGER_MSG_CANNOT_OPEN, path,
				 strerror(e));
		return e == ENOENT || e == ENOTDIR ? LEDGER_ERR_NOTFOUND
						   : LEDGER_ERR_IO;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, LEDGER_MSG_NOT_REGULAR, path);
		return LEDGER_ERR_NOTLEDGER;
	}
	if (sb.st_size == 0) {
		/* SQLite would take an empty file for an empty database and
		 * the migrations would make a new ledger of it: a ledger
		 * truncated to nothing would read as "intact, 0 entries". */
		snprintf(err, errlen, LEDGER_MSG_EMPTY, path);
		return LEDGER_ERR_NOTLEDGER;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read ledger %s: %s", path,
			 strerror(errno));
		return LEDGER_ERR_IO;
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) ||
	    memcmp(head, sqlite_magic, sizeof(head)) != 0) {
		snprintf(err, errlen, LEDGER_MSG_NOT_SQLITE, path);

		return LEDGER_ERR_NOTLEDGER;
	}
	return open_db(path,
		       how & LEDGER_OPEN_READ_ONLY ? SQLITE_OPEN_READONLY
						   : SQLITE_OPEN_READWRITE,
		       how, out, err, errlen);
}

int ledger_create(const char *path, struct ledger **out, char *err,
		  size_t errlen)
{
	struct stat sb;

	/* lstat: a symbolic link, even one pointing nowhere, is refused;
	 * SQLite would create the ledger wherever it points.  NOFOLLOW
	 * refuses one made between here and the open. */
	*out = NULL;
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
		snprintf(err, errlen,
			 "%s is a symbolic link: a ledger is made only at a "
			 "real path",
			 path);
		return LEDGER_ERR_INVALID;
	}
	if (lstat(path, &sb) == 0) {
		snprintf(err, errlen, "%s exists already", path);
		return LEDGER_ERR_EXISTS;
	}
	return open_db(path,
		       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			   SQLITE_OPEN_NOFOLLOW,
		       0, out, err, errlen);
}

