/*
 * The counting programme's records (R5, R6): who counted a range in its
 * earlier counts (the rotation planner's history), how many cards the
 * ledger expects in a range, the ranges of a count over everything, cycle
 * plans, and count-only totals.  The rules that use them live in
 * reconcile/plan.c.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQL: location path p is range r or lies within it (both expressions). */
#define WITHIN(p, r)                                                           \
	"(" p " = " r " OR substr(" p ", 1, length(" r ") + 1) = " r " || "    \
	"'/')"
/* The same for a column p, in a form the index on location.path serves:
 * every path within r sorts from r up to r || '0' ('0' follows '/'), so
 * the lookup reads the range's own locations, not every location. */
#define WITHIN_INDEXED(p, r)                                                   \
	"(" p " >= " r " AND " p " < " r " || '0' AND " WITHIN(p, r) ")"
/* Cards physically in the safe: what a count-only total is compared
 * with (a checked-out card is at the window, not in the tray). */
#define IN_SAFE_STATES "(" CARD_IN_STORAGE_SQL ")"
/* The cards in the safe within range r (an SQL expression): every card
 * of its locations (index card_location) less those away (card_away),
 * two index walks that read no card row.  Both go from the range's
 * locations to their cards (CROSS JOIN fixes that order): the away cards
 * looked up by status and location, not every away card of the ledger
 * read for every range. */
#define EXPECTED_IN(r)                                                         \
	"((SELECT count(*) FROM card c JOIN location x ON x.id = "             \
	"c.location_id WHERE " WITHIN_INDEXED("x.path", r) ") - "               \
	"(SELECT count(*) FROM location x CROSS JOIN card c ON "               \
	"c.location_id = x.id WHERE " AWAY_STATES("c") " AND "                  \
	"" WITHIN_INDEXED("x.path", r) "))"

/* One session's cover of one location (ledger_ranges_counts' first
 * statement): ev's path is the location's. */
struct count_ev {
	int64_t session;
	enum session_kind kind;
	int64_t started_at;
	int64_t loc;
	char path[LOCATION_MAX + 1];
};

/* A count picked for a range: where its record goes and whose it is. */
struct count_pick {
	int64_t session;
	int64_t loc;
	struct range_count_rec *rec;
};

/* The first event at path in ev[0..n) (sorted by path), or n. */
static size_t ev_first(const struct count_ev *ev, size_t n, const char *path)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ev[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Puts e among the newest `max` counts in out[0..*k), newest first. */
static void pick_insert(struct range_count_rec *out, int64_t *loc, size_t max,
			size_t *k, const struct count_ev *e)
{
	size_t at = *k;

	for (size_t i = 0; i < *k; i++)
		if (out[i].session == e->session)
			return;
	while (at > 0 && out[at - 1].session < e->session)
		at--;
	if (at >= max)
		return;
	if (*k == max)
		(*k)--;
	memmove(&out[at + 1], &out[at], (*k - at) * sizeof(*out));
	memmove(&loc[at + 1], &loc[at], (*k - at) * sizeof(*loc));
	memset(&out[at], 0, sizeof(*out));
	out[at].session = e->session;
	out[at].kind = e->kind;
	out[at].started_at = e->started_at;
	loc[at] = e->loc;
	(*k)++;
}

/* Every session's cover of a location that counts as a count (see
 * ledger_range_counts), by path, newest first within one.  *ev is
 * malloc'ed. */
static int count_events(struct ledger *l, int64_t before, int full_only,
			struct count_ev **ev, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*ev = NULL;
	*n = 0;
	/*
	 * A session counted the range when it covered it and somebody was
	 * given it, read cards in it or typed its total: a count opened and
	 * left untouched is no count of anything.
	 */
	rc = ledger_prepare(
	    l,
	    "SELECT s.id, s.kind, s.started_at, r.location_id, x.path "
	    "FROM session s JOIN session_range r ON r.session_id = s.id "
	    "JOIN location x ON x.id = r.location_id "
	    "WHERE s.kind IN ('full', 'partial', 'countonly') "
	    "AND (?2 = 0 OR (s.kind <> 'countonly' AND s.closed_at IS NOT "
	    "NULL)) AND (?1 = 0 OR s.id < ?1) "
	    "AND (r.assignee_id IS NOT NULL "
	    " OR EXISTS (SELECT 1 FROM scan_live c WHERE c.session_id = s.id "
	    "  AND c.range_id = r.location_id) "
	    " OR EXISTS (SELECT 1 FROM count_total t WHERE t.session_id = "
	    "  s.id AND t.location_id = r.location_id)) "
	    "ORDER BY x.path, s.id DESC",
	    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int(st, 2, full_only);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct count_ev *e;

		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(*ev, ncap * sizeof(**ev));

			if (!p) {
				rc = SQLITE_NOMEM;
				break;
			}
			*ev = p;
			cap = ncap;
		}
		e = &(*ev)[(*n)++];
		e->session = sqlite3_column_int64(st, 0);
		if (session_kind_parse(ledger_col_text(st, 1), &e->kind) < 0)
			e->kind = SESSION_FULL;
		e->started_at = sqlite3_column_int64(st, 2);
		e->loc = sqlite3_column_int64(st, 3);
		snprintf(e->path, sizeof(e->path), "%s",
			 ledger_col_text(st, 4));
	}
	if (rc == SQLITE_NOMEM) {
		sqlite3_finalize(st);
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	}
	return ledger_walk_end(l, st, rc, 0, "range counts");
}

static int pick_cmp(const void *a, const void *b)
{
	const struct count_pick *x = a, *y = b;

	if (x->session != y->session)
		return x->session < y->session ? -1 : 1;
	return x->loc < y->loc ? -1 : x->loc > y->loc;
}

/* Who counted each pick (sorted by session and location) in one
 * statement: the pairs go in as one JSON array. */
static int count_who(struct ledger *l, struct count_pick *pk, size_t n)
{
	sqlite3_stmt *st;
	char *json;
	size_t len = 3, at = 0, j = 0;
	int rc;

	if (n == 0)
		return 0;
	len += n * 44;
	json = malloc(len);
	if (!json)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	json[at++] = '[';
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(json + at, len - at, "%s[%lld,%lld]",
				       i ? "," : "", (long long)pk[i].session,
				       (long long)pk[i].loc);
	json[at++] = ']';
	json[at] = '\0';
	/* The readers of a pair, by index (scan_range_staff): the smallest
	 * staff id, then the next larger one, and so on, a lookup each,
	 * without reading the range's reads one by one; a person whose reads
	 * there were all undone counted nothing. */
	rc = ledger_prepare(
	    l,
	    "WITH RECURSIVE pair(sid, loc) AS (SELECT DISTINCT "
	    " json_extract(value, '$[0]'), json_extract(value, '$[1]') "
	    " FROM json_each(?1)), "
	    "reader(sid, loc, st) AS (SELECT sid, loc, (SELECT min(staff_id) "
	    "  FROM scan WHERE session_id = pair.sid AND range_id = pair.loc) "
	    "  FROM pair "
	    " UNION ALL SELECT sid, loc, (SELECT min(staff_id) FROM scan "
	    "  WHERE session_id = reader.sid AND range_id = reader.loc AND "
	    "  staff_id > reader.st) FROM reader WHERE st IS NOT NULL), "
	    "who(sid, loc, st) AS (SELECT sid, loc, st FROM reader "
	    "  WHERE st IS NOT NULL AND EXISTS (SELECT 1 FROM scan_live c "
	    "  WHERE c.session_id = reader.sid AND c.range_id = reader.loc "
	    "  AND c.staff_id = reader.st) "
	    " UNION SELECT pair.sid, pair.loc, g.assignee_id FROM pair "
	    "  JOIN session_range g ON g.session_id = pair.sid AND "
	    "  g.location_id = pair.loc WHERE g.assignee_id IS NOT NULL "
	    " UNION SELECT pair.sid, pair.loc, t.staff_id FROM pair "
	    "  JOIN count_total t ON t.session_id = pair.sid AND "
	    "  t.location_id = pair.loc) "
	    "SELECT who.sid, who.loc, p.code FROM who JOIN staff p ON "
	    " p.id = who.st ORDER BY who.sid, who.loc, p.code",
	    &st);
	if (rc < 0) {
		free(json);
		return rc;
	}
	sqlite3_bind_text(st, 1, json, (int)at, SQLITE_STATIC);
	/* Rows and picks both by session and location: one merge. */
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct count_pick key = {
		    .session = sqlite3_column_int64(st, 0),
		    .loc = sqlite3_column_int64(st, 1),
		};

		while (j < n && pick_cmp(&pk[j], &key) < 0)
			j++;
		for (size_t k = j; k < n && pick_cmp(&pk[k], &key) == 0; k++) {
			struct range_count_rec *r = pk[k].rec;

			if (r->nwho < RANGE_WHO_MAX)
				snprintf(r->who[r->nwho++], sizeof(r->who[0]),
					 "%s", ledger_col_text(st, 2));
		}
	}
	rc = ledger_walk_end(l, st, rc, 0, "who counted");
	free(json);
	return rc;
}

/* Who made each of the counts picked for the n ranges (range i's got[i]
 * in out[i * max ..], of the locations in loc alike): one statement
 * (count_who) over the picks sorted by session and location. */
static int who_of_picks(struct ledger *l, struct range_count_rec *out,
			const int64_t *loc, const size_t *got, size_t n,
			size_t max)
{
	struct count_pick *pk = calloc(n * max, sizeof(*pk));
	size_t npk = 0;
	int rc;

	if (!pk)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < got[i]; k++)
			pk[npk++] = (struct count_pick){
			    .session = out[i * max + k].session,
			    .loc = loc[i * max + k],
			    .rec = &out[i * max + k],
			};
	qsort(pk, npk, sizeof(*pk), pick_cmp);
	rc = count_who(l, pk, npk);
	free(pk);
	return rc;
}

int ledger_ranges_counts(struct ledger *l, const char *const *paths, size_t n,
			 int64_t before, unsigned how,
			 struct range_count_rec *out, size_t max, size_t *got)
{
	struct count_ev *ev = NULL;
	int64_t *loc = NULL;
	size_t nev;
	int rc;

	memset(got, 0, n * sizeof(*got));
	if (n == 0 || max == 0)
		return 0;
	rc = count_events(l, before, !!(how & LEDGER_COUNTS_FINISHED), &ev,
			  &nev);
	if (rc < 0)
		return rc;
	loc = calloc(n * max, sizeof(*loc));
	if (!loc) {
		rc = ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* A range's counts are those of the range itself and of every
	 * location it lies within: its path cut at each '/'. */
	for (size_t i = 0; i < n; i++) {
		char up[LOCATION_MAX + 1];
		char *cut;

		snprintf(up, sizeof(up), "%s", paths[i]);
		for (;;) {
			for (size_t k = ev_first(ev, nev, up);
			     k < nev && strcmp(ev[k].path, up) == 0; k++)
				pick_insert(&out[i * max], &loc[i * max], max,
					    &got[i], &ev[k]);
			cut = strrchr(up, '/');
			if (!cut)
				break;
			*cut = '\0';
		}
	}
	if (!(how & LEDGER_COUNTS_WHEN_ONLY))
		rc = who_of_picks(l, out, loc, got, n, max);
out:
	if (rc < 0)
		memset(got, 0, n * sizeof(*got));
	free(ev);
	free(loc);
	return rc;
}

int ledger_range_counts(struct ledger *l, const char *path, int64_t before,
			unsigned how, struct range_count_rec *out, size_t max,
			size_t *n)
{
	return ledger_ranges_counts(l, &path, 1, before, how, out, max, n);
}

int ledger_range_expected(struct ledger *l, const char *path, int64_t *n)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, "SELECT " EXPECTED_IN("?1"), &st);

	*n = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW ? 0 : ledger_sql_error(l, "expected cards");
	sqlite3_finalize(st);
	return rc;
}

/* paths[0..n) as a JSON array of strings, malloc'ed; NULL when out of
 * memory. */
static char *json_paths(const char *const *paths, size_t n, size_t *len)
{
	size_t cap = 2, at = 0;
	char *s;

	for (size_t i = 0; i < n; i++)
		cap += strlen(paths[i]) * 6 + 3;
	s = malloc(cap + 1);
	if (!s)
		return NULL;
	s[at++] = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			s[at++] = ',';
		s[at++] = '"';
		for (const unsigned char *p = (const unsigned char *)paths[i];
		     *p; p++) {
			if (*p < 0x20)
				at += (size_t)snprintf(s + at, cap + 1 - at,
						       "\\u%04x", *p);
			else if (*p == '"' || *p == '\\')
				at += (size_t)snprintf(s + at, cap + 1 - at,
						       "\\%c", *p);
			else
				s[at++] = (char)*p;
		}
		s[at++] = '"';
	}
	s[at++] = ']';
	s[at] = '\0';
	*len = at;
	return s;
}

int ledger_ranges_expected(struct ledger *l, const char *const *paths, size_t n,
			   int64_t *out)
{
	sqlite3_stmt *st;
	size_t len;
	char *json;
	int rc;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return 0;
	json = json_paths(paths, n, &len);
	if (!json)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	/* One statement for every range, each counted through the index on
	 * location.path and the card indexes as ledger_range_expected does. */
	rc = ledger_prepare(
	    l, "SELECT j.key, " EXPECTED_IN("j.value") " FROM json_each(?1) j",
	    &st);
	if (rc < 0) {
		free(json);
		return rc;
	}
	sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		int64_t i = sqlite3_column_int64(st, 0);

		if (i >= 0 && (size_t)i < n)
			out[i] = sqlite3_column_int64(st, 1);
	}
	rc = ledger_walk_end(l, st, rc, 0, "expected cards");
	free(json);
	return rc;
}

int ledger_cycle_save(struct ledger *l, int32_t start_day, int months,
		      const char *const *paths, const int32_t *month, size_t n,
		      int64_t actor_id, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	char subject[32], detail[64], day[11];
	int own, rc;

	/* The schema's CHECKs would refuse these as SQL errors; a month
	 * past the cycle's end they would not refuse at all. */
	if (months < 1 || months > 12)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "a cycle is 1-12 months, not %d", months);
	for (size_t i = 0; i < n; i++)
		if (month[i] < 0 || month[i] >= months)
			return ledger_fail(l, LEDGER_ERR_INVALID,
					   "range %s: month %d is not one of "
					   "the cycle's %d",
					   paths[i], (int)month[i], months);
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO cycle_plan(start_day, months, "
			    "created_at, created_by) VALUES (?, ?, ?, ?)",
			    &st);
	if (rc < 0)
		goto out;
	ledger_bind_date(st, 1, start_day);
	sqlite3_bind_int(st, 2, months);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, actor_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ledger_sql_error(l, "save cycle plan");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(l->db);
	rc = ledger_prepare(l,
			    "INSERT INTO cycle_plan_range(plan_id, "
			    "location_id, month) VALUES (?, ?, ?)",
			    &ins);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t loc;

		rc = ledger_location_find(l, paths[i], &loc);
		if (rc < 0)
			break;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, *id);
		sqlite3_bind_int64(ins, 2, loc);
		sqlite3_bind_int(ins, 3, month[i]);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = ledger_sql_error(l, "save cycle plan range");
	}
	if (rc < 0)
		goto out;
	date_format(start_day, day);
	snprintf(subject, sizeof(subject), "plan %lld", (long long)*id);
	snprintf(detail, sizeof(detail), "start=%s months=%d ranges=%zu", day,
		 months, n);
	rc = ledger_audit(l, actor_id, now, "plan.cycle", subject, detail);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return ledger_tx_leave(l, own, rc);
}

int ledger_cycle_current(struct ledger *l, struct cycle_rec *out)
{
	sqlite3_stmt *st;
	int rc = ledger_prepare(l,
				"SELECT c.id, c.start_day, c.months, "
				"c.created_at, p.code FROM cycle_plan c "
				"JOIN staff p ON p.id = c.created_by "
				"ORDER BY c.id DESC LIMIT 1",
				&st);

	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->start_day = ledger_col_date(st, 1);
		out->months = sqlite3_column_int(st, 2);
		out->created_at = sqlite3_column_int64(st, 3);
		snprintf(out->created_by, sizeof(out->created_by), "%s",
			 ledger_col_text(st, 4));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ledger_fail(l, LEDGER_ERR_NOTFOUND, "no cycle plan");
	} else {
		rc = ledger_sql_error(l, "cycle plan");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_cycle_each(struct ledger *l, int64_t id,
		      int (*fn)(void *ctx, const char *path, int month),
		      void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(l,
				"SELECT x.path, r.month FROM cycle_plan_range "
				"r JOIN location x ON x.id = r.location_id "
				"WHERE r.plan_id = ? ORDER BY r.month, x.path",
				&st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		stop =
		    fn(ctx, ledger_col_text(st, 0), sqlite3_column_int(st, 1));
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "cycle plan ranges");
}

int ledger_count_total_add(struct ledger *l, int64_t id, const char *path,
			   int64_t cards, const char *method, int64_t staff_id,
			   int64_t now)
{
	sqlite3_stmt *st;
	char subject[32], detail[LOCATION_MAX + 64];
	int64_t loc;
	int own, rc;

	if (cards < 0)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "a total is a number of cards, 0 or more");
	if (strcmp(method, "typed") != 0 && strcmp(method, "reader") != 0)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "method %s: a total is typed or reader",
				   method);
	rc = ledger_location_find(l, path, &loc);
	if (rc == LEDGER_ERR_NOTFOUND)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "range %s is not a known location", path);
	if (rc < 0)
		return rc;
	rc = ledger_tx_enter(l, &own);
	if (rc < 0)
		return rc;
	rc = ledger_prepare(l,
			    "INSERT INTO count_total(session_id, location_id, "
			    "cards, method, staff_id, at) SELECT ?1, ?2, ?3, "
			    "?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM "
			    "session_range WHERE session_id = ?1 AND "
			    "location_id = ?2)",
			    &st);
	if (rc < 0)
		return ledger_tx_leave(l, own, rc);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, loc);
	sqlite3_bind_int64(st, 3, cards);
	sqlite3_bind_text(st, 4, method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, staff_id);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_sql_error(l, "record total");
	else if (sqlite3_changes(l->db) == 0)
		rc = ledger_fail(l, LEDGER_ERR_INVALID,
				 "%s is not a range of session %lld", path,
				 (long long)id);
	sqlite3_finalize(st);
	if (rc == 0) {
		snprintf(subject, sizeof(subject), "session %lld",
			 (long long)id);
		snprintf(detail, sizeof(detail),
			 "range=%s cards=%lld method=%s", path,
			 (long long)cards, method);
		rc = ledger_audit(l, staff_id, now, "count.total", subject,
				  detail);
	}
	return ledger_tx_leave(l, own, rc);
}

int ledger_count_totals(struct ledger *l, int64_t id,
			int (*fn)(void *ctx, const struct count_total_row *r),
			void *ctx)
{
	sqlite3_stmt *st;
	int stop = 0;
	int rc = ledger_prepare(
	    l,
	    "SELECT x.path, (SELECT count(*) FROM card c JOIN location y ON "
	    " y.id = c.location_id WHERE c.status IN " IN_SAFE_STATES " AND "
	    "" WITHIN_INDEXED(
		"y.path",
		"x.path") "), t.cards, p.code, t.method, t.at "
			  "FROM session_range r JOIN location x ON x.id "
			  "= r.location_id "
			  "LEFT JOIN count_total t ON t.id = (SELECT "
			  "max(id) FROM "
			  " count_total WHERE session_id = r.session_id "
			  "AND location_id = "
			  " r.location_id) "
			  "LEFT JOIN staff p ON p.id = t.staff_id "
			  "WHERE r.session_id = ? ORDER BY x.path",
	    &st);

	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		struct count_total_row r = {
		    .range = ledger_col_text(st, 0),
		    .expected = sqlite3_column_int64(st, 1),
		    .counted = sqlite3_column_type(st, 2) == SQLITE_NULL
				   ? -1
				   : sqlite3_column_int64(st, 2),
		    .by = ledger_col_text(st, 3),
		    .method = ledger_col_text(st, 4),
		    .at = sqlite3_column_int64(st, 5),
		};

		stop = fn(ctx, &r);
		if (stop)
			break;
	}
	return ledger_walk_end(l, st, rc, stop, "count totals");
}
