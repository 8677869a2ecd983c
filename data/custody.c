/*
 * Custody (R11-R13): issuing terminals registered as assets, and the
 * movements of cards and terminals (checkout, return, issue, move) as
 * custody events.  Whether a movement is allowed is decided by the caller
 * with recon_custody (reconcile/); this file only finds the item and writes
 * the decision, its event and its audit entry in the caller's transaction,
 * so that one command's cards change together or not at all.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Terminals have two states; the movement rules use the card ones. */
static const char *asset_status_name(enum card_status s)
{
	return s == CARD_CHECKED_OUT ? "checked_out" : "in_storage";
}

int ledger_asset_add(struct ledger *l, const char *code, const char *name,
		     const char *tag, const char *location, int64_t actor_id,
		     int64_t now, int64_t *id)
{
	char detail[NAME_MAX_BYTES + SERIAL_BUF + LOCATION_MAX + 64];
	char norm[SERIAL_BUF];
	struct card_rec card;
	sqlite3_stmt *st = NULL;
	int64_t loc;
	int own, rc;

	/* Asset codes share the staff code alphabet: short, typed at a
	 * keyboard, safe in reports. */
	if (!staff_code_valid(code))
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "asset code '%s' must be 1-32 letters, "
				   "digits, '-' or '_'",
				   code);
	rc = ledger_text_check(l, "name", name, NAME_MAX_BYTES, 0);
	if (rc < 0)
		return rc;
	/* A tag is read at a reader: it is kept as reads are (hex, upper
	 * case), or no read would ever find it. */
	if (tag && serial_normalize(tag, strlen(tag), norm) < 0)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "tag '%s' is not a chip serial (1-%d hex "
				   "digits)",
				   tag, SERIAL_MAX);
	if (tag)
		tag = norm;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	/* A code typed at the window must name one thing only. */
	rc = ledger_card_by_mgmt(l, code, &card);
	if (rc == 0) {
		rc = ledger_fail(l, LEDGER_ERR_EXISTS,
				 "%s is the management ID of a card", code);
		goto out;
	}
	if (rc != LEDGER_ERR_NOTFOUND)
		goto out;
	rc = ledger_location_ensure(l, location, &loc);
	if (rc < 0)
		goto out;
	/* A tag read at a reader must name one thing only. */
	if (tag) {
		rc = ledger_card_by_serial(l, tag, &card);
		if (rc == 0) {
			rc = ledger_fail(l, LEDGER_ERR_EXISTS,
					 "tag %s is the serial of card %s", tag,
					 card.mgmt_id);
			goto out;
		}
		if (rc != LEDGER_ERR_NOTFOUND)
			goto out;
	}
	rc = ledger_prepare(l,
			    "INSERT INTO asset(code, name, tag, location_id, "
			    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (tag)
		sqlite3_bind_text(st, 3, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, loc);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "add asset");
		if (rc == LEDGER_ERR_EXISTS)
			ledger_fail(l, rc, "asset %s or tag %s exists already",
				    code, tag ? tag : "-");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	snprintf(detail, sizeof(detail), "name=%s tag=%s location=%s", name,
		 tag ? tag : "-", location);
	rc = ledger_audit(l, actor_id, now, "asset.add", code, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

static int item_from_card(struct ledger *l, const char *where, const char *key,
			  struct custody_item *out)
{
	struct card_rec card;
	int rc = where[0] == 'm' ? ledger_card_by_mgmt(l, key, &card)
				 : ledger_card_by_serial(l, key, &card);

	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = card.id;
	snprintf(out->name, sizeof(out->name), "%s", card.mgmt_id);
	out->status = card.status;
	out->location_id = card.location_id;
	snprintf(out->location, sizeof(out->location), "%s", card.location);
	return 0;
}

/* The asset whose code or tag is key (by_code 0: tag only); a code in
 * another case finds the one asset whose code differs in case alone. */
static int item_from_asset(struct ledger *l, const char *key, int by_code,
			   struct custody_item *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT a.id, a.code, a.status, a.location_id, p.path "
	    "FROM asset a JOIN location p ON p.id = a.location_id "
	    "WHERE (?2 AND (a.code = ?1 OR (NOT EXISTS (SELECT 1 FROM asset "
	    "WHERE code = ?1) AND lower(a.code) = lower(?1) AND (SELECT "
	    "count(*) FROM asset WHERE lower(code) = lower(?1)) = 1))) OR "
	    "a.tag = ?1 "
	    "ORDER BY a.code = ?1 DESC LIMIT 1",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, by_code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->is_asset = 1;
		out->id = sqlite3_column_int64(st, 0);
		snprintf(out->name, sizeof(out->name), "%s",
			 ledger_col_text(st, 1));
		out->status = strcmp(ledger_col_text(st, 2), "checked_out")
				  ? CARD_STORED
				  : CARD_CHECKED_OUT;
		out->location_id = sqlite3_column_int64(st, 3);
		snprintf(out->location, sizeof(out->location), "%s",
			 ledger_col_text(st, 4));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = LEDGER_ERR_NOTFOUND;
	} else {
		rc = ledger_sql_error(l, "asset");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_custody_find(struct ledger *l, const char *ident,
			struct custody_item *out)
{
	int rc = item_from_card(l, "mgmt", ident, out);

	if (rc == LEDGER_ERR_NOTFOUND)
		rc = item_from_asset(l, ident, 1, out);
	if (rc == LEDGER_ERR_NOTFOUND)
		rc = ledger_fail(l, rc, "no card or terminal %s in the ledger",
				 ident);
	return rc;
}

int ledger_custody_find_serial(struct ledger *l, const char *serial,
			       struct custody_item *out)
{
	int rc = item_from_card(l, "serial", serial, out);

	if (rc == LEDGER_ERR_NOTFOUND)
		rc = item_from_asset(l, serial, 0, out);
	if (rc == LEDGER_ERR_NOTFOUND)
		rc = ledger_fail(l, rc,
				 "serial %s is no card or terminal of the "
				 "ledger",
				 serial);
	return rc;
}

int ledger_custody_serial(struct ledger *l, const char *ident,
			  char serial[SERIAL_BUF])
{
	struct card_rec card;
	sqlite3_stmt *st;
	int rc = ledger_card_by_mgmt(l, ident, &card);

	if (rc == 0)
		snprintf(serial, SERIAL_BUF, "%s", card.serial);
	if (rc != LEDGER_ERR_NOTFOUND)
		return rc;
	rc = ledger_prepare(
	    l,
	    "SELECT tag FROM asset WHERE tag IS NOT NULL AND (code = ?1 OR "
	    "(NOT EXISTS (SELECT 1 FROM asset WHERE code = ?1) AND "
	    "lower(code) = lower(?1) AND (SELECT count(*) FROM asset WHERE "
	    "lower(code) = lower(?1)) = 1))",
	    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, ident, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(serial, SERIAL_BUF, "%s", ledger_col_text(st, 0));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = LEDGER_ERR_NOTFOUND;
	} else {
		rc = ledger_sql_error(l, "asset");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_custody_record(struct ledger *l, struct custody_item *it,
			  const char *kind, enum card_status to,
			  const char *to_path, int32_t for_date,
			  int64_t staff_id, int64_t now, int safe_closed)
{
	char detail[2 * LOCATION_MAX + 128], subject[ASSET_CODE_MAX + 64];
	char from[LOCATION_MAX + 1], action[32], day[11] = "-";
	const char *from_status, *to_status;
	sqlite3_stmt *st = NULL;
	int64_t dest = it->location_id;
	int rc;

	if (to_path) {
		rc = ledger_location_find(l, to_path, &dest);
		if (rc < 0)
			return rc;
	}
	from_status = it->is_asset ? asset_status_name(it->status)
				   : card_status_name(it->status);
	to_status = it->is_asset ? asset_status_name(to) : card_status_name(to);
	rc = ledger_prepare(l,
			    it->is_asset
				? "UPDATE asset SET status = ?, location_id = "
				  "?, updated_at = ? WHERE id = ?"
				: "UPDATE card SET status = ?, location_id = "
				  "?, updated_at = ? WHERE id = ?",
			    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, to_status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, dest);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, it->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "custody update");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = ledger_prepare(l,
			    "INSERT INTO custody_event(card_id, asset_id, "
			    "kind, at, staff_id, location_id, "
			    "from_location_id, for_date, safe_closed) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, it->is_asset ? 2 : 1, it->id);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, staff_id);
	sqlite3_bind_int64(st, 6, dest);
	sqlite3_bind_int64(st, 7, it->location_id);
	ledger_bind_date(st, 8, for_date);
	sqlite3_bind_int(st, 9, safe_closed ? 1 : 0);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "custody event");
		goto out;
	}
	if (for_date != DATE_NONE)
		date_format(for_date, day);
	snprintf(from, sizeof(from), "%s", it->location);
	if (to_path)
		snprintf(it->location, sizeof(it->location), "%s", to_path);
	snprintf(subject, sizeof(subject), "%s %s",
		 it->is_asset ? "asset" : "card", it->name);
	if (ledger_custody_detail(detail, sizeof(detail),
				  sqlite3_last_insert_rowid(l->db), from_status,
				  to_status, from, it->location, day,
				  safe_closed ? 1 : 0) < 0) {
		rc = ledger_fail(l, LEDGER_ERR_INVALID,
				 "custody event does not fit the audit log");
		goto out;
	}
	snprintf(action, sizeof(action), "custody.%s", kind);
	it->status = to;
	it->location_id = dest;
	rc = ledger_audit(l, staff_id, now, action, subject, detail);
out:
	sqlite3_finalize(st);
	return rc;
}

int ledger_custody_get(struct ledger *l, int is_asset, const char *name,
		       struct custody_item *out)
{
	int rc = is_asset ? item_from_asset(l, name, 1, out)
			  : item_from_card(l, "mgmt", name, out);

	if (rc == LEDGER_ERR_NOTFOUND)
		rc = ledger_fail(l, rc, "no %s %s in the ledger",
				 is_asset ? "terminal" : "card", name);
	return rc;
}

/* ---- the end-of-day window tally (R12) ---- */

int ledger_tally_start(struct ledger *l, int64_t actor_id, int64_t now,
		       int64_t *id, int64_t *nexpected)
{
	char subject[32], detail[64];
	sqlite3_stmt *st = NULL;
	int own, rc = ledger_tx_enter(l, &own);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO session(kind, started_at, "
			    "started_by) VALUES ('tally', ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, actor_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "start tally");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	sqlite3_finalize(st);
	/* Each item with its latest checkout, for "checked out by". */
	rc = ledger_prepare(
	    l,
	    "INSERT INTO tally_expected(session_id, card_id, asset_id, "
	    "checkout_id) "
	    "SELECT ?1, c.id, NULL, (SELECT max(e.id) FROM custody_event e "
	    " WHERE e.card_id = c.id AND e.kind = 'checkout') "
	    "FROM card c WHERE c.status = 'checked_out' "
	    "UNION ALL "
	    "SELECT ?1, NULL, a.id, (SELECT max(e.id) FROM custody_event e "
	    " WHERE e.asset_id = a.id AND e.kind = 'checkout') "
	    "FROM asset a WHERE a.status = 'checked_out'",
	    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, *id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "tally expected");
		goto out;
	}
	*nexpected = sqlite3_changes(l->db);
	snprintf(subject, sizeof(subject), "session %lld", (long long)*id);
	snprintf(detail, sizeof(detail), "kind=tally expected=%lld",
		 (long long)*nexpected);
	rc = ledger_audit(l, actor_id, now, "tally.start", subject, detail);
out:
	sqlite3_finalize(st);
	return ledger_tx_leave(l, own, rc);
}

int ledger_tally_lookup(struct ledger *l, int64_t session_id,
			const char *serial, struct tally_lookup *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT 0, c.id, c.mgmt_id, EXISTS (SELECT 1 FROM tally_expected "
	    " t WHERE t.session_id = ?1 AND t.card_id = c.id) "
	    "FROM card c WHERE c.serial = ?2 "
	    "UNION ALL "
	    "SELECT 1, 0, a.code, EXISTS (SELECT 1 FROM tally_expected "
	    " t WHERE t.session_id = ?1 AND t.asset_id = a.id) "
	    "FROM asset a WHERE a.tag = ?2 LIMIT 1",
	    &st);

	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_text(st, 2, serial, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->known = 1;
		out->is_asset = sqlite3_column_int(st, 0);
		out->card_id = sqlite3_column_int64(st, 1);
		snprintf(out->name, sizeof(out->name), "%s",
			 ledger_col_text(st, 2));
		out->expected = sqlite3_column_int(st, 3);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "tally read");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_tally_each(struct ledger *l, int64_t session_id,
		      int (*fn)(void *ctx, const struct tally_row *r),
		      void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	/* A terminal is read back by its tag: the scan row names no card. */
	int rc = ledger_prepare(
	    l,
	    "SELECT t.asset_id IS NOT NULL, coalesce(c.mgmt_id, a.code), "
	    " coalesce(c.status, a.status), p.path, coalesce(w.code, ''), "
	    " e.for_date, EXISTS (SELECT 1 FROM scan_live s WHERE s.session_id "
	    "= "
	    " t.session_id AND s.outcome = 'accepted' AND (s.card_id = "
	    " t.card_id OR (a.tag IS NOT NULL AND s.serial = a.tag))) "
	    "FROM tally_expected t "
	    "LEFT JOIN card c ON c.id = t.card_id "
	    "LEFT JOIN asset a ON a.id = t.asset_id "
	    "JOIN location p ON p.id = coalesce(c.location_id, a.location_id) "
	    "LEFT JOIN custody_event e ON e.id = t.checkout_id "
	    "LEFT JOIN staff w ON w.id = e.staff_id "
	    "WHERE t.session_id = ? ORDER BY 1, 2",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		const char *status = ledger_col_text(st, 2);
		struct tally_row r = {
		    .is_asset = sqlite3_column_int(st, 0),
		    .name = ledger_col_text(st, 1),
		    .location = ledger_col_text(st, 3),
		    .checked_out_by = ledger_col_text(st, 4),
		    .for_date = ledger_col_date(st, 5),
		    .read_back = sqlite3_column_int(st, 6),
		};

		if (strcmp(status, "in_storage") == 0 ||
		    card_status_parse(status, &r.status) < 0)
			r.status = CARD_STORED;
		stop = fn(ctx, &r);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "tally items");
}

int ledger_checked_out_each(struct ledger *l,
			    int (*fn)(void *ctx,
				      const struct checked_out_row *r),
			    void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	/* The latest checkout of each item says who took it and when. */
	int rc = ledger_prepare(
	    l,
	    "SELECT 0, c.mgmt_id, p.path, coalesce(w.code, ''), "
	    " coalesce(e.at, 0), e.for_date "
	    "FROM card c JOIN location p ON p.id = c.location_id "
	    "LEFT JOIN custody_event e ON e.id = (SELECT max(x.id) FROM "
	    " custody_event x WHERE x.card_id = c.id AND x.kind = 'checkout') "
	    "LEFT JOIN staff w ON w.id = e.staff_id "
	    "WHERE c.status = 'checked_out' "
	    "UNION ALL "
	    "SELECT 1, a.code, p.path, coalesce(w.code, ''), "
	    " coalesce(e.at, 0), e.for_date "
	    "FROM asset a JOIN location p ON p.id = a.location_id "
	    "LEFT JOIN custody_event e ON e.id = (SELECT max(x.id) FROM "
	    " custody_event x WHERE x.asset_id = a.id AND x.kind = 'checkout') "
	    "LEFT JOIN staff w ON w.id = e.staff_id "
	    "WHERE a.status = 'checked_out' "
	    "ORDER BY 1, 2",
	    &st);

	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct checked_out_row r = {
		    .is_asset = sqlite3_column_int(st, 0),
		    .name = ledger_col_text(st, 1),
		    .location = ledger_col_text(st, 2),
		    .checked_out_by = ledger_col_text(st, 3),
		    .checked_out_at = sqlite3_column_int64(st, 4),
		    .for_date = ledger_col_date(st, 5),
		};

		stop = fn(ctx, &r);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "checked-out items");
}

int ledger_session_note(struct ledger *l, int64_t id, const char *note)
{
	sqlite3_stmt *st;
	int rc =
	    ledger_prepare(l, "UPDATE session SET note = ? WHERE id = ?", &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ledger_sql_error(l, "note");
	/* A note for a session that is not there would be lost unsaid. */
	if (rc == 0 && sqlite3_changes(l->db) == 0)
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no session %lld",
				 (long long)id);
	sqlite3_finalize(st);
	return rc;
}

int ledger_tally_ids(struct ledger *l, int64_t **out, size_t *n)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l, "SELECT id FROM session WHERE kind = 'tally' ORDER BY id", &st);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		int64_t *p = realloc(*out, (*n + 1) * sizeof(**out));

		if (!p) {
			rc = ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
			goto out;
		}
		*out = p;
		(*out)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "tallies");
out:
	sqlite3_finalize(st);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int ledger_session_get_note(struct ledger *l, int64_t id, char *out, size_t cap)
{
	sqlite3_stmt *st;
	int rc =
	    ledger_prepare(l, "SELECT note FROM session WHERE id = ?", &st);

	out[0] = '\0';
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, cap, "%s", ledger_col_text(st, 0));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE
		 ? 0
		 : ledger_sql_error(l, "session note");
	sqlite3_finalize(st);
	return rc;
}
