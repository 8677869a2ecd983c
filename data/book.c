/*
 * The record book's side of the ledger (R7, R8, R10): when each range of a
 * count was begun and ended and what the count found there, the managers'
 * resolutions of discrepancies, recounts of a range linked to their count,
 * and the questions an incident report asks about a missing card (its last
 * sighting, its custody events, who read cards in its range).  Every change
 * is audited in the same transaction.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void session_subject(char *buf, size_t cap, int64_t id)
{
	snprintf(buf, cap, "session %lld", (long long)id);
}

/* ---- range marks and results ---- */

static int range_path(struct ledger *l, int64_t location_id, char *out,
		      size_t cap)
{
	sqlite3_stmt *st;
	int rc =
	    ledger_prepare(l, "SELECT path FROM location WHERE id = ?", &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, location_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, cap, "%s", ledger_col_text(st, 0));
	rc = rc == SQLITE_ROW	 ? 0
	     : rc == SQLITE_DONE ? ledger_fail(l, LEDGER_ERR_NOTFOUND,
					       "no location with id %lld",
					       (long long)location_id)
				 : ledger_sql_error(l, "location");
	sqlite3_finalize(st);
	return rc;
}

static int range_mark(struct ledger *l, int64_t session_id, int64_t location_id,
		      int64_t staff_id, int64_t now, int begin)
{
	char subject[32], detail[LOCATION_MAX + 16];
	sqlite3_stmt *st;
	int own, rc = ledger_tx_enter(l, &own);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(
	    l,
	    begin ? "UPDATE session_range SET started_at = ?1 WHERE "
		    "session_id = ?2 AND location_id = ?3 AND started_at "
		    "IS NULL"
		  : "UPDATE session_range SET ended_at = ?1 WHERE "
		    "session_id = ?2 AND location_id = ?3",
	    &st);
	if (rc < 0)
		return ledger_tx_leave(l, own, rc);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, session_id);
	sqlite3_bind_int64(st, 3, location_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_sql_error(l, "mark range");
	int changed = rc == 0 && sqlite3_changes(l->db) > 0;
	sqlite3_finalize(st);
	if (changed)
		rc = range_path(l, location_id, detail, sizeof(detail));
	if (changed && rc == 0) {
		session_subject(subject, sizeof(subject), session_id);
		rc = ledger_audit(l, staff_id, now,
				  begin ? "count.range_start"
					: "count.range_end",
				  subject, detail);
	}
	return ledger_tx_leave(l, own, rc);
}

int ledger_range_begin(struct ledger *l, int64_t session_id,
		       int64_t location_id, int64_t staff_id, int64_t now)
{
	return range_mark(l, session_id, location_id, staff_id, now, 1);
}

int ledger_range_end(struct ledger *l, int64_t session_id, int64_t location_id,
		     int64_t staff_id, int64_t now)
{
	return range_mark(l, session_id, location_id, staff_id, now, 0);
}

int ledger_range_results(struct ledger *l, int64_t session_id,
			 const struct range_result *v, size_t n,
			 int64_t actor_id, int64_t close_at)
{
	sqlite3_stmt *st = NULL, *end = NULL;
	char subject[32], detail[256];
	int64_t expected = 0, seen = 0, in_place = 0;
	int own, rc = ledger_tx_enter(l, &own);

	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "UPDATE session_range SET expected = ?, seen = ?, "
			    "in_place = ? WHERE session_id = ? AND "
			    "location_id = ?",
			    &st);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, v[i].expected);
		sqlite3_bind_int64(st, 2, v[i].seen);
		sqlite3_bind_int64(st, 3, v[i].in_place);
		sqlite3_bind_int64(st, 4, session_id);
		sqlite3_bind_int64(st, 5, v[i].location_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = ledger_sql_error(l, "range results");
		expected += v[i].expected;
		seen += v[i].seen;
		in_place += v[i].in_place;
	}
	/* A scan killed midway never ended its range: its last read did. */
	if (rc == 0)
		rc = ledger_prepare(
		    l,
		    "UPDATE session_range SET ended_at = coalesce("
		    "(SELECT max(at) FROM scan_live s WHERE s.session_id = "
		    "session_range.session_id AND s.range_id = "
		    "session_range.location_id), ?2) WHERE session_id = ?1 "
		    "AND started_at IS NOT NULL AND ended_at IS NULL",
		    &end);
	if (rc == 0) {
		sqlite3_bind_int64(end, 1, session_id);
		sqlite3_bind_int64(end, 2, close_at);
		if (sqlite3_step(end) != SQLITE_DONE)
			rc = ledger_sql_error(l, "end ranges");
	}
	sqlite3_finalize(st);
	sqlite3_finalize(end);
	if (rc == 0) {
		session_subject(subject, sizeof(subject), session_id);
		snprintf(detail, sizeof(detail),
			 "ranges=%zu expected=%lld seen=%lld in_place=%lld", n,
			 (long long)expected, (long long)seen,
			 (long long)in_place);
		rc = ledger_audit(l, actor_id, close_at, "count.results",
				  subject, detail);
	}
	return ledger_tx_leave(l, own, rc);
}

/* ---- resolutions ---- */

int ledger_resolution_add(struct ledger *l, const struct resolution_rec *r,
			  int64_t actor_id, int64_t now)
{
	char subject[32], detail[SERIAL_BUF + 2 * LOCATION_MAX + 96];
	sqlite3_stmt *st;
	int own, rc;

	/* A resolution's note may take several lines (what was found where,
	 * who was asked): the record book's CSV quotes them. */
	rc = ledger_text_check(l, "the note", r->note, RESOLUTION_NOTE_MAX,
			       TEXT_OPTIONAL | TEXT_MULTILINE);
	if (rc < 0)
		return rc;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO resolution(session_id, card_id, "
			    "serial, kind, location, found, reason, note, "
			    "staff_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
			    "?)",
			    &st);
	if (rc < 0)
		return ledger_tx_leave(l, own, rc);
	sqlite3_bind_int64(st, 1, r->session_id);
	if (r->card_id > 0)
		sqlite3_bind_int64(st, 2, r->card_id);
	sqlite3_bind_text(st, 3, r->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->location, -1, SQLITE_STATIC);
	if (r->found[0])
		sqlite3_bind_text(st, 6, r->found, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->reason, -1, SQLITE_STATIC);
	if (r->note[0])
		sqlite3_bind_text(st, 8, r->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, actor_id);
	sqlite3_bind_int64(st, 10, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "resolve");
		if (rc == LEDGER_ERR_EXISTS)
			ledger_fail(l, rc,
				    "%s of session %lld is resolved already",
				    r->mgmt_id[0] ? r->mgmt_id : r->serial,
				    (long long)r->session_id);
		else if (sqlite3_extended_errcode(l->db) ==
			 SQLITE_CONSTRAINT_CHECK)
			rc = ledger_fail(l, LEDGER_ERR_INVALID,
					 "kind %s or reason %s is unknown",
					 r->kind, r->reason);
	}
	sqlite3_finalize(st);
	if (rc == 0) {
		session_subject(subject, sizeof(subject), r->session_id);
		snprintf(detail, sizeof(detail),
			 "serial=%s kind=%s location=%s found=%s reason=%s",
			 r->serial, r->kind, r->location, r->found, r->reason);
		rc = ledger_audit(l, actor_id, now, "count.resolve", subject,
				  detail);
	}
	return ledger_tx_leave(l, own, rc);
}

int ledger_resolution_each(struct ledger *l, int64_t session_id,
			   int (*fn)(void *ctx, const struct resolution_rec *r),
			   void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(
	    l,
	    "SELECT r.id, r.card_id, r.serial, c.mgmt_id, r.kind, "
	    "r.location, r.found, r.reason, r.note, p.code, r.at "
	    "FROM resolution r "
	    "LEFT JOIN card c ON c.id = r.card_id "
	    "JOIN staff p ON p.id = r.staff_id WHERE r.session_id = ? "
	    "ORDER BY c.mgmt_id IS NULL, c.mgmt_id, r.serial",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct resolution_rec r;

		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		r.session_id = session_id;
		r.card_id = sqlite3_column_int64(st, 1);
		snprintf(r.serial, sizeof(r.serial), "%s",
			 ledger_col_text(st, 2));
		snprintf(r.mgmt_id, sizeof(r.mgmt_id), "%s",
			 ledger_col_text(st, 3));
		snprintf(r.kind, sizeof(r.kind), "%s", ledger_col_text(st, 4));
		snprintf(r.location, sizeof(r.location), "%s",
			 ledger_col_text(st, 5));
		snprintf(r.found, sizeof(r.found), "%s",
			 ledger_col_text(st, 6));
		snprintf(r.reason, sizeof(r.reason), "%s",
			 ledger_col_text(st, 7));
		snprintf(r.note, sizeof(r.note), "%s", ledger_col_text(st, 8));
		snprintf(r.by, sizeof(r.by), "%s", ledger_col_text(st, 9));
		r.at = sqlite3_column_int64(st, 10);
		stop = fn(ctx, &r);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "resolutions");
}

/* ---- recounts ---- */

int ledger_recount_start(struct ledger *l, int64_t of_session, const char *path,
			 int64_t assignee_id, int64_t actor_id, int64_t now,
			 int64_t *id)
{
	const char *ranges[1] = {path};
	struct staff_rec who;
	sqlite3_stmt *st = NULL;
	char subject[32], detail[LOCATION_MAX + STAFF_CODE_MAX + 48];
	int64_t loc = 0;
	int own, rc = ledger_staff_get_id(l, assignee_id, &who);

	if (rc < 0)
		return rc;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_session_start(l, SESSION_PARTIAL, ranges, 1, actor_id, now,
				  id);
	if (rc == 0)
		rc = ledger_session_assign(l, *id, path, who.code, actor_id,
					   now);
	if (rc == 0)
		rc = ledger_location_find(l, path, &loc);
	if (rc == 0)
		rc = ledger_prepare(l,
				    "INSERT INTO recount(session_id, "
				    "of_session_id, location_id) "
				    "VALUES (?, ?, ?)",
				    &st);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int64(st, 2, of_session);
		sqlite3_bind_int64(st, 3, loc);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = ledger_sql_error(l, "recount");
	}
	sqlite3_finalize(st);
	if (rc == 0) {
		session_subject(subject, sizeof(subject), *id);
		snprintf(detail, sizeof(detail), "of=%lld range=%s staff=%s",
			 (long long)of_session, path, who.code);
		rc = ledger_audit(l, actor_id, now, "count.recount", subject,
				  detail);
	}
	return ledger_tx_leave(l, own, rc);
}

int ledger_recount_of(struct ledger *l, int64_t session_id, int64_t *of,
		      int64_t *location_id)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT of_session_id, location_id FROM "
				"recount WHERE session_id = ?",
				&st);

	*of = 0;
	*location_id = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*of = sqlite3_column_int64(st, 0);
		*location_id = sqlite3_column_int64(st, 1);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE
		 ? 0
		 : ledger_sql_error(l, "recount");
	sqlite3_finalize(st);
	return rc;
}

int ledger_range_counters(struct ledger *l, int64_t session_id,
			  int64_t location_id, int64_t **out, size_t *n)
{
	sqlite3_stmt *st;
	int64_t *v = NULL;
	size_t cnt = 0;
	int rc = ledger_prepare(
	    l,
	    "SELECT assignee_id FROM session_range WHERE session_id = ?1 "
	    "AND location_id = ?2 AND assignee_id IS NOT NULL "
	    "UNION SELECT staff_id FROM scan_live WHERE session_id = ?1 AND "
	    "range_id = ?2",
	    &st);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_int64(st, 2, location_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		int64_t *p = realloc(v, (cnt + 1) * sizeof(*v));

		if (!p) {
			free(v);
			sqlite3_finalize(st);
			return ledger_fail(l, LEDGER_ERR_NOMEM,
					   "out of memory");
		}
		v = p;
		v[cnt++] = sqlite3_column_int64(st, 0);
	}
	rc = rc == SQLITE_DONE ? 0 : ledger_sql_error(l, "range counters");
	sqlite3_finalize(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int ledger_range_reads(struct ledger *l, int64_t session_id,
		       int64_t location_id, int64_t *n)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT count(*) FROM scan_live WHERE "
				"session_id = ? AND range_id = ?",
				&st);

	*n = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_int64(st, 2, location_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = ledger_sql_error(l, "reads of the range");
	sqlite3_finalize(st);
	return rc;
}

int ledger_recount_read(struct ledger *l, int64_t session_id, int64_t card_id,
			int64_t *recount)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT min(s.session_id) FROM scan_live s JOIN "
				"recount r ON r.session_id = s.session_id "
				"WHERE r.of_session_id = ? AND s.card_id = ?",
				&st);

	*recount = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_int64(st, 2, card_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*recount = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE
		 ? 0
		 : ledger_sql_error(l, "recount read");
	sqlite3_finalize(st);
	return rc;
}

/* ---- the record book ---- */

int ledger_book_counts(struct ledger *l, int64_t from, int64_t to,
		       int (*fn)(void *ctx, const struct book_count *c),
		       void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(
	    l,
	    "SELECT s.id, s.kind, r.of_session_id, s.started_at, a.code, "
	    "s.closed_at, c.code, w.code, (SELECT count(*) FROM "
	    "session_range x WHERE x.session_id = s.id AND x.expected IS "
	    "NOT NULL) FROM session s JOIN staff a ON a.id = s.started_by "
	    "LEFT JOIN staff c ON c.id = s.closed_by "
	    "LEFT JOIN staff w ON w.id = s.witness_id "
	    "LEFT JOIN recount r ON r.session_id = s.id "
	    "WHERE s.kind <> 'tally' AND s.started_at >= ? AND "
	    "s.started_at < ? ORDER BY s.started_at, s.id",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct book_count b;

		memset(&b, 0, sizeof(b));
		b.id = sqlite3_column_int64(st, 0);
		if (session_kind_parse(ledger_col_text(st, 1), &b.kind) < 0)
			b.kind = SESSION_FULL;
		b.recount_of = sqlite3_column_int64(st, 2);
		b.started_at = sqlite3_column_int64(st, 3);
		snprintf(b.started_by, sizeof(b.started_by), "%s",
			 ledger_col_text(st, 4));
		b.closed_at = sqlite3_column_int64(st, 5);
		snprintf(b.closed_by, sizeof(b.closed_by), "%s",
			 ledger_col_text(st, 6));
		snprintf(b.witness, sizeof(b.witness), "%s",
			 ledger_col_text(st, 7));
		b.results = sqlite3_column_int64(st, 8) > 0;
		stop = fn(ctx, &b);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "record book");
}

/* Who read cards in each range of a count: one row per range and person,
 * by range id, in the order of their first read there. */
struct range_reader {
	int64_t range;
	char *code, *name;
};

struct range_readers {
	struct range_reader *v;
	size_t n;
};

static void readers_free(struct range_readers *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].code);
		free(r->v[i].name);
	}
	free(r->v);
}

static int readers_load(struct ledger *l, int64_t session_id,
			struct range_readers *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int stop = 0;
	/* One walk of the count's reads (the (session, range) index gives
	 * them range by range), not one per range. */
	int rc = ledger_prepare(
	    l,
	    "SELECT s.range_id, p.code, p.name FROM scan_live s "
	    "JOIN staff p ON p.id = s.staff_id WHERE s.session_id = ? "
	    "GROUP BY s.range_id, p.id ORDER BY s.range_id, min(s.id)",
	    &st);

	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct range_reader *w;

		if (out->n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			void *p = realloc(out->v, ncap * sizeof(*out->v));

			if (!p) {
				stop = ledger_fail(l, LEDGER_ERR_NOMEM,
						   "out of memory");
				break;
			}
			out->v = p;
			cap = ncap;
		}
		w = &out->v[out->n];
		w->range = sqlite3_column_int64(st, 0);
		w->code = strdup(ledger_col_text(st, 1));
		w->name = strdup(ledger_col_text(st, 2));
		out->n++;
		if (!w->code || !w->name) {
			stop = ledger_fail(l, LEDGER_ERR_NOMEM,
					   "out of memory");
			break;
		}
	}
	rc = ledger_walk_end(l, st, rc, stop, "record book readers");
	if (rc < 0)
		readers_free(out);
	return rc;
}

/* The readers of range id joined by 0x1f into *buf (names when names). */
static int readers_join(const struct range_readers *r, int64_t range,
			int names, char **buf, size_t *cap)
{
	size_t lo = 0, hi = r->n, len = 0;

	/* The first row of the range (rows are by range id). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->v[mid].range < range)
			lo = mid + 1;
		else
			hi = mid;
	}
	(*buf)[0] = '\0';
	for (size_t i = lo; i < r->n && r->v[i].range == range; i++) {
		const char *s = names ? r->v[i].name : r->v[i].code;
		size_t k = strlen(s);

		if (len + k + 2 > *cap) {
			size_t ncap = 2 * (len + k + 2);
			char *p = realloc(*buf, ncap);

			if (!p)
				return -1;
			*buf = p;
			*cap = ncap;
		}
		if (len)
			(*buf)[len++] = '\x1f';
		memcpy(*buf + len, s, k + 1);
		len += k;
	}
	return 0;
}

int ledger_book_ranges(struct ledger *l, int64_t session_id,
		       int (*fn)(void *ctx, const struct book_range *r),
		       void *ctx)
{
	struct range_readers who = {0};
	sqlite3_stmt *st;
	size_t cap_by = 64, cap_names = 64;
	char *by = malloc(cap_by), *names = malloc(cap_names);
	int stop = 0;
	/* Who counted a range: everyone who read a card in it, in the
	 * order of their first read there. */
	int rc = by && names ? readers_load(l, session_id, &who)
			     : ledger_fail(l, LEDGER_ERR_NOMEM,
					   "out of memory");

	if (rc < 0) {
		free(by);
		free(names);
		return rc;
	}
	rc = ledger_prepare(
	    l,
	    "SELECT l.path, a.code, r.location_id, "
	    "r.started_at, r.ended_at, ifnull(r.expected, -1), "
	    "ifnull(r.seen, -1), ifnull(r.in_place, -1) "
	    "FROM session_range r JOIN location l ON l.id = r.location_id "
	    "LEFT JOIN staff a ON a.id = r.assignee_id "
	    "WHERE r.session_id = ? ORDER BY l.path",
	    &st);
	if (rc < 0) {
		readers_free(&who);
		free(by);
		free(names);
		return rc;
	}
	sqlite3_bind_int64(st, 1, session_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		int64_t range = sqlite3_column_int64(st, 2);
		struct book_range b = {
		    .path = ledger_col_text(st, 0),
		    .assignee = ledger_col_text(st, 1),
		    .started_at = sqlite3_column_int64(st, 3),
		    .ended_at = sqlite3_column_int64(st, 4),
		    .expected = sqlite3_column_int64(st, 5),
		    .seen = sqlite3_column_int64(st, 6),
		    .in_place = sqlite3_column_int64(st, 7),
		};

		if (readers_join(&who, range, 0, &by, &cap_by) < 0 ||
		    readers_join(&who, range, 1, &names, &cap_names) < 0) {
			stop = ledger_fail(l, LEDGER_ERR_NOMEM,
					   "out of memory");
			break;
		}
		b.counted_by = by;
		b.counted_names = names;
		stop = fn(ctx, &b);
		if (stop)
			break;
	}
	rc = ledger_walk_end(l, st, rc, stop, "record book ranges");
	readers_free(&who);
	free(by);
	free(names);
	return rc;
}

int ledger_range_marks(struct ledger *l, int64_t session_id,
		       int (*fn)(void *ctx, const struct book_range *r),
		       void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(
	    l,
	    "SELECT l.path, a.code, r.started_at, r.ended_at, "
	    "ifnull(r.expected, -1), ifnull(r.seen, -1), "
	    "ifnull(r.in_place, -1) "
	    "FROM session_range r JOIN location l ON l.id = r.location_id "
	    "LEFT JOIN staff a ON a.id = r.assignee_id "
	    "WHERE r.session_id = ? ORDER BY l.path",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, session_id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct book_range b = {
		    .path = ledger_col_text(st, 0),
		    .assignee = ledger_col_text(st, 1),
		    .counted_by = "",
		    .counted_names = "",
		    .started_at = sqlite3_column_int64(st, 2),
		    .ended_at = sqlite3_column_int64(st, 3),
		    .expected = sqlite3_column_int64(st, 4),
		    .seen = sqlite3_column_int64(st, 5),
		    .in_place = sqlite3_column_int64(st, 6),
		};

		stop = fn(ctx, &b);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "range marks");
}

/* ---- where did it go (R10) ---- */

int ledger_card_custody_each(struct ledger *l, int64_t card_id, int64_t from,
			     int64_t to,
			     int (*fn)(void *ctx, const struct custody_row *e),
			     void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l,
				"SELECT e.at, e.kind, p.code, f.path, t.path "
				"FROM custody_event e "
				"LEFT JOIN staff p ON p.id = e.staff_id "
				"LEFT JOIN location f ON f.id = "
				"e.from_location_id "
				"LEFT JOIN location t ON t.id = e.location_id "
				"WHERE e.card_id = ? AND e.at >= ? AND "
				"e.at <= ? AND e.kind <> 'lost' "
				"ORDER BY e.at, e.id",
				&st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct custody_row e = {
		    .at = sqlite3_column_int64(st, 0),
		    .kind = ledger_col_text(st, 1),
		    .by = ledger_col_text(st, 2),
		    .from = ledger_col_text(st, 3),
		    .to = ledger_col_text(st, 4),
		};

		stop = fn(ctx, &e);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "custody events");
}

int ledger_range_readers_each(struct ledger *l, const char *path, int64_t from,
			      int64_t to,
			      int (*fn)(void *ctx, const char *code, int64_t at,
					int64_t session),
			      void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	/* The ranges the card lies in (its tray, shelf, safe), then each
	 * session's reads of them by the (session, range) index: only the
	 * reads of those ranges are read, never the whole scan table (the
	 * order is forced: by the time, SQLite would walk every read). */
	int rc = ledger_prepare(
	    l,
	    "SELECT p.code, min(s.at), s.session_id FROM location r "
	    "CROSS JOIN session x CROSS JOIN scan_live s "
	    "CROSS JOIN staff p "
	    "WHERE (r.path = ?1 OR substr(?1, 1, length(r.path) + 1) = "
	    "r.path || '/') AND s.session_id = x.id AND "
	    "s.range_id = r.id AND p.id = s.staff_id AND "
	    "s.at >= ?2 AND s.at <= ?3 "
	    "GROUP BY p.id ORDER BY p.code",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		stop =
		    fn(ctx, ledger_col_text(st, 0), sqlite3_column_int64(st, 1),
		       sqlite3_column_int64(st, 2));
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "range readers");
}

/* ---- lost cards (R10, R23) ---- */

/* The status before "->" in a custody entry's "event=N status=A->B ...". */
static enum card_status status_before(const char *detail)
{
	const char *p = strstr(detail, " status=");
	char buf[32];
	size_t n;
	enum card_status s;

	if (!p)
		return CARD_STORED;
	p += strlen(" status=");
	n = strcspn(p, "-");
	if (n >= sizeof(buf) || strncmp(p + n, "->", 2) != 0)
		return CARD_STORED;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return card_status_parse(buf, &s) == 0 ? s : CARD_STORED;
}

int ledger_card_lost(struct ledger *l, int64_t card_id, struct lost_rec *out)
{
	sqlite3_stmt *st;
	char prefix[48];
	int rc = ledger_prepare(
	    l,
	    "SELECT e.id, e.at, coalesce(p.code, ''), c.mgmt_id, "
	    " (SELECT r.session_id FROM resolution r WHERE r.card_id = "
	    "  e.card_id AND r.reason = 'lost' AND r.at <= e.at "
	    "  ORDER BY r.at DESC, r.id DESC LIMIT 1) "
	    "FROM custody_event e JOIN card c ON c.id = e.card_id "
	    "LEFT JOIN staff p ON p.id = e.staff_id "
	    "WHERE e.card_id = ? AND e.kind = 'lost' "
	    "ORDER BY e.at DESC, e.id DESC LIMIT 1",
	    &st);

	memset(out, 0, sizeof(*out));
	out->before = CARD_STORED;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE
			 ? ledger_fail(l, LEDGER_ERR_NOTFOUND,
				       "card %lld was never declared lost",
				       (long long)card_id)
			 : ledger_sql_error(l, "lost card");
		sqlite3_finalize(st);
		return rc;
	}
	out->at = sqlite3_column_int64(st, 1);
	snprintf(out->by, sizeof(out->by), "%s", ledger_col_text(st, 2));
	out->session = sqlite3_column_int64(st, 4);
	snprintf(prefix, sizeof(prefix), "event=%lld ",
		 (long long)sqlite3_column_int64(st, 0));
	/* The entry names the card by management ID; copy it before the
	 * statement is reused. */
	char subject[MGMT_ID_MAX + 8];
	snprintf(subject, sizeof(subject), "card %s", ledger_col_text(st, 3));
	sqlite3_finalize(st);
	rc = ledger_prepare(l,
			    "SELECT detail FROM audit WHERE action = "
			    "'custody.lost' AND subject = ?1 AND "
			    "substr(detail, 1, length(?2)) = ?2 "
			    "ORDER BY id DESC LIMIT 1",
			    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out->before = status_before(ledger_col_text(st, 0));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE
		 ? 0
		 : ledger_sql_error(l, "lost card's entry");
	sqlite3_finalize(st);
	return rc;
}

int ledger_lost_each(struct ledger *l,
		     int (*fn)(void *ctx, const struct lost_row *r), void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(
	    l,
	    "SELECT c.mgmt_id, x.path, coalesce(e.at, 0), coalesce("
	    " (SELECT r.session_id FROM resolution r WHERE r.card_id = c.id "
	    "  AND r.reason = 'lost' ORDER BY r.at DESC, r.id DESC LIMIT 1),"
	    " 0) "
	    "FROM card c JOIN location x ON x.id = c.location_id "
	    "LEFT JOIN custody_event e ON e.id = (SELECT max(id) FROM "
	    " custody_event WHERE card_id = c.id AND kind = 'lost') "
	    "WHERE c.status = 'lost' ORDER BY c.mgmt_id",
	    &st);

	if (rc < 0)
		return rc;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct lost_row r = {
		    .mgmt_id = ledger_col_text(st, 0),
		    .location = ledger_col_text(st, 1),
		    .at = sqlite3_column_int64(st, 2),
		    .session = sqlite3_column_int64(st, 3),
		};

		stop = fn(ctx, &r);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "lost cards");
}
