/*
 * Receiving cards (受領・検品, issue 11, R1): the cards of a stock list that
 * came without chip values await enrolment (card.serial NULL), and each is
 * bound to the serial its chip gives when it is received.  A binding is a
 * receipt row repeated by its audit entry (`receive`), which `audit
 * verify` checks the receipt table against.  Whether a binding is allowed
 * is decided in reconcile/ (recon_receive_check); this file only reads
 * and writes.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ledger_receive_awaiting(struct ledger *l, const char *tray,
			    struct card_rec **out, size_t *n)
{
	struct card_rec *v = NULL;
	size_t cnt = 0, cap = 0;
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT c.id, c.mgmt_id, c.location_id, l.path, c.status, "
	    "c.received, c.notice_sent, c.reminder_sent "
	    "FROM card c JOIN location l ON l.id = c.location_id "
	    "WHERE c.serial IS NULL AND (l.path = ?1 OR "
	    "substr(l.path, 1, length(?1) + 1) = ?1 || '/') ORDER BY c.id",
	    &st);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, tray, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct card_rec *c;

		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct card_rec *nv = realloc(v, ncap * sizeof(*v));

			if (!nv) {
				free(v);
				sqlite3_finalize(st);
				return ledger_fail(l, LEDGER_ERR_NOMEM,
						   "out of memory");
			}
			v = nv;
			cap = ncap;
		}
		c = &v[cnt++];
		memset(c, 0, sizeof(*c));
		c->id = sqlite3_column_int64(st, 0);
		snprintf(c->mgmt_id, sizeof(c->mgmt_id), "%s",
			 ledger_col_text(st, 1));
		c->location_id = sqlite3_column_int64(st, 2);
		snprintf(c->location, sizeof(c->location), "%s",
			 ledger_col_text(st, 3));
		if (card_status_parse(ledger_col_text(st, 4), &c->status) < 0)
			c->status = CARD_STORED;
		c->received = ledger_col_date(st, 5);
		c->notice_sent = ledger_col_date(st, 6);
		c->reminder_sent = ledger_col_date(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return ledger_sql_error(l, "cards awaiting enrolment");
	}
	*out = v;
	*n = cnt;
	return 0;
}

int ledger_receive_trays(struct ledger *l, struct receive_tray_rec **out,
			 size_t *n)
{
	struct receive_tray_rec *v = NULL;
	size_t cnt = 0, cap = 0;
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT l.path, count(*) FROM card c "
	    "JOIN location l ON l.id = c.location_id "
	    "WHERE c.serial IS NULL GROUP BY c.location_id ORDER BY min(c.id)",
	    &st);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			void *p = realloc(v, ncap * sizeof(*v));

			if (!p) {
				sqlite3_finalize(st);
				free(v);
				return ledger_fail(l, LEDGER_ERR_NOMEM,
						   "out of memory");
			}
			v = p;
			cap = ncap;
		}
		snprintf(v[cnt].path, sizeof(v[cnt].path), "%s",
			 ledger_col_text(st, 0));
		v[cnt].awaiting = (size_t)sqlite3_column_int64(st, 1);
		cnt++;
	}
	rc = ledger_walk_end(l, st, rc, 0, "trays awaiting enrolment");
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* The card's management ID and whether it has a serial (1) or not (0). */
static int card_state(struct ledger *l, int64_t card_id, char *mgmt, size_t cap,
		      int *bound)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT mgmt_id, serial IS NOT NULL FROM card "
				"WHERE id = ?",
				&st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(mgmt, cap, "%s", ledger_col_text(st, 0));
		*bound = sqlite3_column_int(st, 1);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no card %lld",
				 (long long)card_id);
	} else {
		rc = ledger_sql_error(l, "card");
	}
	sqlite3_finalize(st);
	return rc;
}

static int tray_path(struct ledger *l, int64_t tray_id, char *out, size_t cap)
{
	sqlite3_stmt *st;
	int rc;

	out[0] = '\0';
	if (!tray_id)
		return 0;
	rc = ledger_prepare(l, "SELECT path FROM location WHERE id = ?", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, tray_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, cap, "%s", ledger_col_text(st, 0));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no location %lld",
				 (long long)tray_id);
	} else {
		rc = ledger_sql_error(l, "location");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_receive_bind(struct ledger *l, int64_t card_id, const char *serial,
			const char *profile, unsigned profile_version,
			int64_t tray_id, int64_t staff_id, int64_t at,
			int64_t *id)
{
	char mgmt[MGMT_ID_MAX + 1], tray[LOCATION_MAX + 1], norm[SERIAL_BUF];
	char subject[MGMT_ID_MAX + 8];
	char detail[SERIAL_BUF + LOCATION_MAX + 160];
	sqlite3_stmt *st = NULL;
	int bound = 0, own, rc;

	*id = 0;
	if (serial_normalize(serial, strlen(serial), norm) < 0)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "serial '%s' is not 1-%d hex digits", serial,
				   SERIAL_MAX);
	if (profile &&
	    (!profile[0] || strlen(profile) > 64 || profile_version == 0))
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "a profile has a name of 1-64 bytes and a "
				   "version");
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = card_state(l, card_id, mgmt, sizeof(mgmt), &bound);
	if (rc == 0 && bound)
		rc = ledger_fail(l, LEDGER_ERR_STATE,
				 "card %s has a serial already", mgmt);
	if (rc == 0)
		rc = tray_path(l, tray_id, tray, sizeof(tray));
	if (rc == 0)
		rc = ledger_prepare(l,
				    "UPDATE card SET serial = ?1, "
				    "updated_at = ?2 WHERE id = ?3 AND "
				    "serial IS NULL",
				    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, card_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "bind serial");
		if (rc == LEDGER_ERR_EXISTS)
			rc = ledger_fail(l, LEDGER_ERR_EXISTS,
					 "serial %s belongs to another card",
					 norm);
		goto out;
	}
	sqlite3_finalize(st);
	rc = ledger_prepare(l,
			    "INSERT INTO receipt (card_id, serial, profile, "
			    "profile_version, tray_id, at, staff_id) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, card_id);
	sqlite3_bind_text(st, 2, norm, -1, SQLITE_STATIC);
	if (profile) {
		sqlite3_bind_text(st, 3, profile, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, profile_version);
	} else {
		sqlite3_bind_null(st, 3);
		sqlite3_bind_null(st, 4);
	}
	if (tray_id)
		sqlite3_bind_int64(st, 5, tray_id);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, at);
	sqlite3_bind_int64(st, 7, staff_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "record receipt");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	snprintf(subject, sizeof(subject), "card %s", mgmt);
	if (ledger_receipt_detail(detail, sizeof(detail), *id, norm, profile,
				  profile_version, tray) < 0) {
		rc = ledger_fail(l, LEDGER_ERR_INVALID,
				 "receipt of %s does not fit the audit log",
				 mgmt);
		goto out;
	}
	rc = ledger_audit(l, staff_id, at, "receive", subject, detail);
out:
	sqlite3_finalize(st);
	if (rc < 0)
		*id = 0;
	return ledger_tx_leave(l, own, rc);
}

int ledger_receipt_get(struct ledger *l, const char *mgmt_id,
		       struct receipt_rec *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(
	    l,
	    "SELECT r.id, c.mgmt_id, r.serial, r.profile, r.profile_version, "
	    "t.path, r.at, s.code FROM receipt r JOIN card c ON c.id = "
	    "r.card_id LEFT JOIN location t ON t.id = r.tray_id "
	    "LEFT JOIN staff s ON s.id = r.staff_id WHERE c.mgmt_id = ?",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, mgmt_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(st, 0);
		snprintf(out->mgmt_id, sizeof(out->mgmt_id), "%s",
			 ledger_col_text(st, 1));
		snprintf(out->serial, sizeof(out->serial), "%s",
			 ledger_col_text(st, 2));
		snprintf(out->profile, sizeof(out->profile), "%s",
			 ledger_col_text(st, 3));
		out->profile_version = (unsigned)sqlite3_column_int64(st, 4);
		snprintf(out->tray, sizeof(out->tray), "%s",
			 ledger_col_text(st, 5));
		out->at = sqlite3_column_int64(st, 6);
		snprintf(out->by, sizeof(out->by), "%s",
			 ledger_col_text(st, 7));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND,
				 "no receipt of card %s", mgmt_id);
	} else {
		rc = ledger_sql_error(l, "receipt");
	}
	sqlite3_finalize(st);
	return rc;
}
