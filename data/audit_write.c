/*
 * Appending to the audit log: a chained row (ledger_audit), its hash
 * covering its content and the previous row's hash (audit_hash.c), and the
 * details that repeat the rows of the scan, receipt, custody, disposal and
 * note tables, which `audit verify` (audit.c) compares those tables with.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>

static void entry_text(const char *s, const char **p, size_t *len)
{
	*p = s;
	*len = s ? strlen(s) : 0;
}

int ledger_audit(struct ledger *l, int64_t staff_id, int64_t at,
		 const char *action, const char *subject, const char *detail)
{
	struct audit_entry e = {.at = at, .staff_id = staff_id};
	uint8_t prev[AUDIT_HASH_BYTES] = {0}, h[AUDIT_HASH_BYTES];
	int own_tx = !l->in_tx, rc = 0, step;

	/* The previous hash must be read and the row written under one
	 * write lock, or two processes could chain to the same row. */
	if (own_tx) {
		rc = ledger_begin(l);
		if (rc < 0)
			return rc;
	}
	if (!l->audit_last)
		rc = ledger_prepare(l,
				    "SELECT id, hash FROM audit "
				    "ORDER BY id DESC LIMIT 1",
				    &l->audit_last);
	if (rc == 0 && !l->audit_ins)
		rc = ledger_prepare(l,
				    "INSERT INTO audit(id, at, staff_id, "
				    "action, subject, detail, prev_hash, "
				    "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				    &l->audit_ins);
	if (rc < 0)
		goto out;
	step = sqlite3_step(l->audit_last);
	if (step == SQLITE_ROW) {
		e.id = sqlite3_column_int64(l->audit_last, 0) + 1;
		if (sqlite3_column_type(l->audit_last, 1) != SQLITE_BLOB ||
		    sqlite3_column_bytes(l->audit_last, 1) != AUDIT_HASH_BYTES)
			rc = ledger_fail(l, LEDGER_ERR_STATE,
					 "the audit log's last entry %lld has "
					 "no valid hash: run 'cardtally audit "
					 "verify'",
					 (long long)e.id - 1);
		else
			memcpy(prev, sqlite3_column_blob(l->audit_last, 1),
			       AUDIT_HASH_BYTES);
	} else if (step == SQLITE_DONE) {
		e.id = 1;
	} else {
		rc = ledger_sql_error(l, "audit");
	}
	sqlite3_reset(l->audit_last);
	if (rc < 0)
		goto out;
	entry_text(action, &e.action, &e.action_len);
	entry_text(subject, &e.subject, &e.subject_len);
	entry_text(detail, &e.detail, &e.detail_len);
	audit_hash(prev, &e, h);

	sqlite3_stmt *st = l->audit_ins;
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, e.id);
	sqlite3_bind_int64(st, 2, at);
	if (staff_id > 0)
		sqlite3_bind_int64(st, 3, staff_id);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, prev, AUDIT_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, h, AUDIT_HASH_BYTES, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_sql_error(l, "audit");
	sqlite3_reset(st);
out:
	if (own_tx) {
		if (rc == 0)
			rc = ledger_commit(l);
		else
			ledger_rollback(l);
	}
	return rc;
}

/* A flagged row's entry says so; an unflagged one reads as before the
 * flag existed, so entries written then still match their rows. */
const char *audit_safe_suffix(int safe_closed)
{
	return safe_closed == 1 ? " safe=closed" : "";
}

/* " profile=NAME/V" into buf for a read with a profile, else "". */
static const char *profile_suffix(char *buf, size_t cap, const char *profile,
				  unsigned version)
{
	int n;

	buf[0] = '\0';
	if (!profile || !profile[0])
		return buf;
	n = snprintf(buf, cap, " profile=%s/%u", profile, version);
	return n < 0 || (size_t)n >= cap ? NULL : buf;
}

int ledger_scan_detail(char *buf, size_t cap, int64_t scan_id,
		       int64_t session_id, int64_t range_id, const char *serial,
		       int64_t card_id, const char *outcome, const char *why,
		       int safe_closed, const char *profile,
		       unsigned profile_version)
{
	char pbuf[LEDGER_PROFILE_DETAIL];
	const char *p = profile_suffix(pbuf, sizeof(pbuf), profile,
				       profile_version);
	int n;

	if (!p)
		return -1;
	n = snprintf(buf, cap,
		     "scan=%lld session=%lld range=%lld serial=%s "
		     "card=%lld outcome=%s%s%s%s%s",
		     (long long)scan_id, (long long)session_id,
		     (long long)range_id, serial, (long long)card_id, outcome,
		     why && why[0] ? " why=" : "", why && why[0] ? why : "",
		     audit_safe_suffix(safe_closed), p);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int ledger_receipt_detail(char *buf, size_t cap, int64_t receipt_id,
			  const char *serial, const char *profile,
			  unsigned profile_version, const char *tray)
{
	int n;

	if (profile && profile[0])
		n = snprintf(buf, cap,
			     "receipt=%lld serial=%s profile=%s/%u tray=%s",
			     (long long)receipt_id, serial, profile,
			     profile_version, tray && tray[0] ? tray : "-");
	else
		n = snprintf(buf, cap, "receipt=%lld serial=%s profile=- tray=%s",
			     (long long)receipt_id, serial,
			     tray && tray[0] ? tray : "-");
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int ledger_custody_detail(char *buf, size_t cap, int64_t event_id,
			  const char *from_status, const char *to_status,
			  const char *from, const char *to, const char *day,
			  int safe_closed)
{
	int n = snprintf(buf, cap,
			 "event=%lld status=%s->%s from=%s to=%s for=%s%s",
			 (long long)event_id, from_status, to_status, from, to,
			 day, audit_safe_suffix(safe_closed));

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int ledger_disposal_detail(char *buf, size_t cap, int64_t batch_id,
			   const char *why, int32_t since, int safe_closed,
			   const char *profile, unsigned profile_version)
{
	char day[11] = "-", pbuf[LEDGER_PROFILE_DETAIL];
	const char *p = profile_suffix(pbuf, sizeof(pbuf), profile,
				       profile_version);
	int n;

	if (!p)
		return -1;
	if (since != DATE_NONE)
		date_format(since, day);
	if (safe_closed < 0)
		n = snprintf(buf, cap, "disposal=%lld why=%s",
			     (long long)batch_id, why);
	else
		n = snprintf(buf, cap, "disposal=%lld why=%s since=%s%s%s",
			     (long long)batch_id, why, day,
			     audit_safe_suffix(safe_closed), p);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int ledger_batch_close_detail(char *buf, size_t cap, int64_t ncards,
			      int64_t witness_id, const char *method,
			      const char *certificate)
{
	int n = snprintf(buf, cap,
			 "cards=%lld witness=%lld method=%s "
			 "certificate=%s",
			 (long long)ncards, (long long)witness_id, method,
			 certificate ? certificate : "");

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int ledger_note_detail(char *buf, size_t cap, int64_t note_id,
		       const char *mgmt_id, const char *text)
{
	int n =
	    snprintf(buf, cap, "note=%lld card=%s text=%s", (long long)note_id,
		     mgmt_id && mgmt_id[0] ? mgmt_id : "-", text);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

