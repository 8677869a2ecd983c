/*
 * Unit tests of data/book.c (the record book) against a real ledger file:
 * range start and end marks, results stored at close, managers'
 * resolutions, recounts linked to their count, who counted a range, the
 * record book's counts and ranges, lost cards, a card's custody events and
 * the people who read cards in a range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

struct fx {
	int64_t m, s2, s3, c1, c2, c3, t1, t2, count;
};

/* M01, S02, S03; C1, C2 in S/T1, C3 in S/T2; a full count started at 100
 * with S/T1 given to S02. */
static void setup_count(struct testdb *t, struct fx *f)
{
	f->m = testdb_staff(t, "M01", ROLE_MANAGER);
	f->s2 = testdb_staff(t, "S02", ROLE_STAFF);
	f->s3 = testdb_staff(t, "S03", ROLE_STAFF);
	f->c1 = testdb_card(t, "C1", "01", "S/T1", "stored");
	f->c2 = testdb_card(t, "C2", "02", "S/T1", "stored");
	f->c3 = testdb_card(t, "C3", "03", "S/T2", "stored");
	f->t1 = testdb_location(t, "S/T1");
	f->t2 = testdb_location(t, "S/T2");
	f->count = testdb_session(t, SESSION_FULL, NULL, f->m, 100);
	assert_int_equal(
	    ledger_session_assign(t->l, f->count, "S/T1", "S02", f->m, 101), 0);
}

struct walk {
	int n, stop_at;
	char line[8][1200];
};

static int range_fn(void *ctx, const struct book_range *r)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]),
		 "%s|%s|%s|%s|%lld|%lld|%lld|%lld|%lld", r->path, r->assignee,
		 r->counted_by, r->counted_names, (long long)r->started_at,
		 (long long)r->ended_at, (long long)r->expected,
		 (long long)r->seen, (long long)r->in_place);
	return w->n == w->stop_at ? 41 : 0;
}

static void range_marks_and_results(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	struct fx f;
	char buf[256];

	setup_count(t, &f);
	/* Begun at the first scan only; audited when it sets it. */
	assert_int_equal(ledger_range_begin(t->l, f.count, f.t1, f.s2, 110), 0);
	assert_int_equal(ledger_range_begin(t->l, f.count, f.t1, f.s2, 120), 0);
	assert_int_equal(testdb_audits(t, "count.range_start", "session 1"), 1);
	assert_string_equal(
	    testdb_audit_detail(t, "count.range_start", buf, sizeof(buf)),
	    "S/T1");
	/* A range that is not the session's: nothing, no entry. */
	assert_int_equal(
	    ledger_range_begin(t->l, f.count, f.t1 + 99, f.s2, 120), 0);
	assert_int_equal(testdb_audits(t, "count.range_start", NULL), 1);
	/* Ended, and ended again later: the later end counts. */
	assert_int_equal(ledger_range_end(t->l, f.count, f.t1, f.s2, 130), 0);
	assert_int_equal(ledger_range_end(t->l, f.count, f.t1, f.s2, 140), 0);
	assert_int_equal(testdb_audits(t, "count.range_end", NULL), 2);

	/* S/T2 was begun by reads and killed midway: the close ends it at
	 * its last read. */
	testdb_read(t, f.count, "S/T1", "01", f.s2, 112);
	testdb_read(t, f.count, "S/T1", "02", f.s3, 113);
	testdb_read(t, f.count, "S/T1", "01", f.s3, 114);
	assert_int_equal(ledger_range_begin(t->l, f.count, f.t2, f.s3, 150), 0);
	testdb_read(t, f.count, "S/T2", "03", f.s3, 155);

	assert_int_equal(ledger_book_ranges(t->l, f.count, range_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.line[0], "S/T1|S02|S02\x1fS03|Person S02\x1f"
				       "Person S03|110|140|-1|-1|-1");
	assert_string_equal(w.line[1], "S/T2||S03|Person S03|150|0|-1|-1|-1");

	const struct range_result v[] = {{f.t1, 2, 2, 2}, {f.t2, 1, 1, 0}};
	assert_int_equal(ledger_range_results(t->l, f.count, v, 2, f.m, 200),
			 0);
	assert_string_equal(
	    testdb_audit_detail(t, "count.results", buf, sizeof(buf)),
	    "ranges=2 expected=3 seen=3 in_place=2");
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_book_ranges(t->l, f.count, range_fn, &w), 0);
	assert_string_equal(w.line[0], "S/T1|S02|S02\x1fS03|Person S02\x1f"
				       "Person S03|110|140|2|2|2");
	assert_string_equal(w.line[1], "S/T2||S03|Person S03|150|155|1|1|0");
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_book_ranges(t->l, f.count, range_fn, &w), 41);
	/* The same ranges without their readers. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_range_marks(t->l, f.count, range_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.line[0], "S/T1|S02|||110|140|2|2|2");
	assert_string_equal(w.line[1], "S/T2||||150|155|1|1|0");
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_range_marks(t->l, f.count, range_fn, &w), 41);
}

/* Who read each range, when the ranges' ids and paths run in different
 * orders and a range between them was read by nobody: each range gets its
 * own readers, in the order of their first read there. */
static void book_ranges_readers_by_range(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s2 = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t s3 = testdb_staff(t, "S03", ROLE_STAFF);
	int64_t count;

	/* Locations made in the order T3, T1, T2: T3 has the lowest id. */
	testdb_card(t, "C3", "03", "S/T3", "stored");
	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T2", "stored");
	count = testdb_session(t, SESSION_FULL, NULL, m, 100);
	testdb_read(t, count, "S/T3", "03", s3, 110);
	testdb_read(t, count, "S/T1", "01", s3, 111);
	testdb_read(t, count, "S/T3", "03", s2, 112);
	testdb_read(t, count, "S/T1", "01", s2, 113);
	testdb_read(t, count, "S/T3", "03", s3, 114);
	assert_int_equal(ledger_book_ranges(t->l, count, range_fn, &w), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.line[0], "S/T1||S03\x1fS02|Person S03\x1f"
				       "Person S02|0|0|-1|-1|-1");
	assert_string_equal(w.line[1], "S/T2||||0|0|-1|-1|-1");
	assert_string_equal(w.line[2], "S/T3||S03\x1fS02|Person S03\x1f"
				       "Person S02|0|0|-1|-1|-1");
}

/* A range begun with no read left is ended at the close. */
static void results_end_a_range_without_reads(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	struct fx f;

	setup_count(t, &f);
	assert_int_equal(ledger_range_begin(t->l, f.count, f.t2, f.s3, 150), 0);
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_range_results(t->l, f.count, NULL, 0, f.m, 300),
			 0);
	assert_int_equal(ledger_rollback(t->l), 0); /* the caller's choice */
	assert_int_equal(testdb_audits(t, "count.results", NULL), 0);
	assert_int_equal(ledger_range_results(t->l, f.count, NULL, 0, f.m, 300),
			 0);
	assert_int_equal(ledger_book_ranges(t->l, f.count, range_fn, &w), 0);
	assert_string_equal(w.line[1], "S/T2||||150|300|-1|-1|-1");
}

static struct resolution_rec resolution(int64_t session, int64_t card,
					const char *serial, const char *kind,
					const char *reason)
{
	struct resolution_rec r = {.session_id = session, .card_id = card};

	snprintf(r.serial, sizeof(r.serial), "%s", serial);
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	snprintf(r.location, sizeof(r.location), "S/T1");
	return r;
}

static int resolution_fn(void *ctx, const struct resolution_rec *r)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]),
		 "%s|%s|%s|%s|%s|%s|%s|%s|%lld", r->mgmt_id, r->serial, r->kind,
		 r->location, r->found, r->reason, r->note, r->by,
		 (long long)r->at);
	return w->n == w->stop_at ? 42 : 0;
}

static void resolutions(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	struct resolution_rec r;
	struct fx f;
	char buf[256];

	setup_count(t, &f);
	assert_int_equal(
	    ledger_resolution_each(t->l, f.count, resolution_fn, &w), 0);
	assert_int_equal(w.n, 0);

	r = resolution(f.count, f.c2, "02", "missing", "lost");
	snprintf(r.note, sizeof(r.note), "searched twice");
	assert_int_equal(ledger_resolution_add(t->l, &r, f.m, 300), 0);
	r = resolution(f.count, 0, "EE", "extra", "data_error");
	assert_int_equal(ledger_resolution_add(t->l, &r, f.m, 301), 0);
	r = resolution(f.count, f.c1, "01", "misplaced", "found_elsewhere");
	snprintf(r.found, sizeof(r.found), "S/T2");
	assert_int_equal(ledger_resolution_add(t->l, &r, f.m, 302), 0);
	assert_int_equal(testdb_audits(t, "count.resolve", "session 1"), 3);
	assert_string_equal(
	    testdb_audit_detail(t, "count.resolve", buf, sizeof(buf)),
	    "serial=01 kind=misplaced location=S/T1 found=S/T2 "
	    "reason=found_elsewhere");

	/* By management ID, unknown serials last. */
	assert_int_equal(
	    ledger_resolution_each(t->l, f.count, resolution_fn, &w), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(
	    w.line[0], "C1|01|misplaced|S/T1|S/T2|found_elsewhere||M01|302");
	assert_string_equal(w.line[1],
			    "C2|02|missing|S/T1||lost|searched twice|M01|300");
	assert_string_equal(w.line[2], "|EE|extra|S/T1||data_error||M01|301");
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(
	    ledger_resolution_each(t->l, f.count, resolution_fn, &w), 42);

	/* Once per serial and count; kinds and reasons of the schema. */
	r = resolution(f.count, f.c2, "02", "missing", "recounted");
	snprintf(r.mgmt_id, sizeof(r.mgmt_id), "C2");
	assert_int_equal(ledger_resolution_add(t->l, &r, f.m, 310),
			 LEDGER_ERR_EXISTS);
	assert_errmsg(t->l, "resolved already");
	r = resolution(f.count, f.c3, "03", "gone", "lost");
	assert_int_equal(ledger_resolution_add(t->l, &r, f.m, 310),
			 LEDGER_ERR_INVALID);
	r = resolution(f.count, f.c3, "03", "missing", "shrug");
	assert_int_equal(ledger_resolution_add(t->l, &r, f.m, 310),
			 LEDGER_ERR_INVALID);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM resolution"), 3);
	assert_int_equal(testdb_audits(t, "count.resolve", NULL), 3);
	/* The longest note the record holds is kept whole. */
	r = resolution(f.count, f.c3, "03", "missing", "lost");
	memset(r.note, 'n', RESOLUTION_NOTE_MAX);
	r.note[RESOLUTION_NOTE_MAX] = '\0';
	assert_int_equal(ledger_resolution_add(t->l, &r, f.m, 310), 0);
	assert_int_equal(testdb_int(t, "SELECT length(note) FROM resolution "
				       "WHERE serial = '03'"),
			 RESOLUTION_NOTE_MAX);
}

static void recounts(void **state)
{
	struct testdb *t = *state;
	struct session_rec s;
	struct range_rec *rr;
	struct fx f;
	struct scan_undone undone;
	char buf[128];
	int64_t rc_id, of, loc, recount, reads, *who;
	size_t n;

	setup_count(t, &f);
	/* Assigned but not read: no reads, though S02 is its counter. */
	assert_int_equal(ledger_range_reads(t->l, f.count, f.t1, &reads), 0);
	assert_int_equal(reads, 0);
	testdb_read(t, f.count, "S/T1", "01", f.s2, 110);
	testdb_read(t, f.count, "S/T1", "01", f.s3, 111);
	/* Every read that stands, a repeat too; a read taken back is none. */
	testdb_read(t, f.count, "S/T1", "02", f.s3, 112);
	assert_int_equal(ledger_range_reads(t->l, f.count, f.t1, &reads), 0);
	assert_int_equal(reads, 3);
	assert_int_equal(
	    ledger_scan_undo(t->l, f.count, f.s3, "wrong card", 113, &undone),
	    0);
	assert_int_equal(ledger_range_reads(t->l, f.count, f.t1, &reads), 0);
	assert_int_equal(reads, 2);
	assert_int_equal(ledger_range_reads(t->l, f.count, f.t2, &reads), 0);
	assert_int_equal(reads, 0);
	assert_int_equal(ledger_range_counters(t->l, f.count, f.t1, &who, &n),
			 0);
	assert_int_equal(n, 2); /* S02 (assignee and reader), S03 */
	assert_true((who[0] == f.s2 && who[1] == f.s3) ||
		    (who[0] == f.s3 && who[1] == f.s2));
	free(who);
	assert_int_equal(ledger_range_counters(t->l, f.count, f.t2, &who, &n),
			 0);
	assert_int_equal(n, 0);
	assert_null(who);
	assert_int_equal(ledger_session_close(t->l, f.count, f.m, 0, 200), 0);

	/* Not a recount. */
	assert_int_equal(ledger_recount_of(t->l, f.count, &of, &loc), 0);
	assert_int_equal(of, 0);
	assert_int_equal(loc, 0);

	assert_int_equal(
	    ledger_recount_start(t->l, f.count, "S/T1", f.s3, f.m, 300, &rc_id),
	    0);
	assert_int_equal(ledger_session_get(t->l, rc_id, &s), 0);
	assert_int_equal(s.kind, SESSION_PARTIAL);
	assert_int_equal(ledger_session_ranges(t->l, rc_id, &rr, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rr[0].path, "S/T1");
	assert_string_equal(rr[0].assignee, "S03");
	free(rr);
	assert_int_equal(ledger_recount_of(t->l, rc_id, &of, &loc), 0);
	assert_int_equal(of, f.count);
	assert_int_equal(loc, f.t1);
	snprintf(buf, sizeof(buf), "session %lld", (long long)rc_id);
	assert_int_equal(testdb_audits(t, "count.recount", buf), 1);
	snprintf(buf, sizeof(buf), "of=%lld range=S/T1 staff=S03",
		 (long long)f.count);
	char detail[128];
	assert_string_equal(
	    testdb_audit_detail(t, "count.recount", detail, sizeof(detail)),
	    buf);

	/* Which recount read a card. */
	assert_int_equal(ledger_recount_read(t->l, f.count, f.c2, &recount), 0);
	assert_int_equal(recount, 0);
	testdb_read(t, rc_id, "S/T1", "02", f.s3, 310);
	assert_int_equal(ledger_recount_read(t->l, f.count, f.c2, &recount), 0);
	assert_int_equal(recount, rc_id);
	assert_int_equal(ledger_recount_read(t->l, rc_id, f.c2, &recount), 0);
	assert_int_equal(recount, 0);

	/* Refused: nobody of that id, a range unknown; nothing remains. */
	int64_t before = testdb_int(t, "SELECT count(*) FROM session");
	assert_int_equal(ledger_recount_start(t->l, f.count, "S/T1", f.s3 + 50,
					      f.m, 400, &rc_id),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_recount_start(t->l, f.count, "S/NONE", f.s3,
					      f.m, 400, &rc_id),
			 LEDGER_ERR_INVALID);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM session"), before);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM recount"), 1);
}

static int count_fn(void *ctx, const struct book_count *c)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]),
		 "%lld %s %lld %lld %s %lld %s %s %d", (long long)c->id,
		 session_kind_name(c->kind), (long long)c->recount_of,
		 (long long)c->started_at, c->started_by,
		 (long long)c->closed_at, c->closed_by, c->witness, c->results);
	return w->n == w->stop_at ? 43 : 0;
}

static void book_counts(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	struct fx f;
	char want[128];
	int64_t tally, n, rc_id;

	setup_count(t, &f);
	assert_int_equal(ledger_tally_start(t->l, f.m, 150, &tally, &n), 0);
	const struct range_result v[] = {{f.t1, 2, 2, 2}};
	assert_int_equal(ledger_range_results(t->l, f.count, v, 1, f.m, 200),
			 0);
	assert_int_equal(ledger_session_close(t->l, f.count, f.s2, f.m, 200),
			 0);
	assert_int_equal(
	    ledger_recount_start(t->l, f.count, "S/T1", f.s3, f.m, 300, &rc_id),
	    0);

	/* Counts, not tallies, begun in [from, to). */
	assert_int_equal(ledger_book_counts(t->l, 0, 1000, count_fn, &w), 0);
	assert_int_equal(w.n, 2);
	snprintf(want, sizeof(want), "%lld full 0 100 M01 200 S02 M01 1",
		 (long long)f.count);
	assert_string_equal(w.line[0], want);
	snprintf(want, sizeof(want), "%lld partial %lld 300 M01 0   0",
		 (long long)rc_id, (long long)f.count);
	assert_string_equal(w.line[1], want);
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_book_counts(t->l, 101, 300, count_fn, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(ledger_book_counts(t->l, 100, 101, count_fn, &w), 0);
	assert_int_equal(w.n, 1);
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_book_counts(t->l, 0, 1000, count_fn, &w), 43);
}

/* Declares card `name` lost as a count's resolution does. */
static void declare_lost(struct testdb *t, struct fx *f, int64_t card,
			 const char *mgmt, const char *serial, int64_t at)
{
	struct resolution_rec r =
	    resolution(f->count, card, serial, "missing", "lost");
	struct custody_item it;

	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_resolution_add(t->l, &r, f->m, at), 0);
	assert_int_equal(ledger_custody_get(t->l, 0, mgmt, &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "lost", CARD_LOST,
					       NULL, DATE_NONE, f->m, at, 0),
			 0);
	assert_int_equal(ledger_commit(t->l), 0);
}

static int lost_fn(void *ctx, const struct lost_row *r)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "%s %s %lld %lld",
		 r->mgmt_id, r->location, (long long)r->at,
		 (long long)r->session);
	return w->n == w->stop_at ? 44 : 0;
}

static void lost_cards(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	struct lost_rec lr;
	struct fx f;
	char want[64];
	int64_t c4;

	setup_count(t, &f);
	assert_int_equal(ledger_card_lost(t->l, f.c2, &lr),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_lost_each(t->l, lost_fn, &w), 0);
	assert_int_equal(w.n, 0);

	testdb_sqlf(t, "UPDATE card SET status = 'moved' WHERE id = %lld",
		    (long long)f.c2);
	declare_lost(t, &f, f.c2, "C2", "02", 400);
	assert_int_equal(ledger_card_lost(t->l, f.c2, &lr), 0);
	assert_int_equal(lr.at, 400);
	assert_int_equal(lr.session, f.count);
	assert_string_equal(lr.by, "M01");
	assert_int_equal(lr.before, CARD_MOVED);
	/* Imported as lost: no declaration on record. */
	c4 = testdb_card(t, "C0", "00", "S/T2", "lost");
	assert_int_equal(ledger_card_lost(t->l, c4, &lr), LEDGER_ERR_NOTFOUND);

	assert_int_equal(ledger_lost_each(t->l, lost_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.line[0], "C0 S/T2 0 0");
	snprintf(want, sizeof(want), "C2 S/T1 400 %lld", (long long)f.count);
	assert_string_equal(w.line[1], want);
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_lost_each(t->l, lost_fn, &w), 44);
}

static int custody_fn(void *ctx, const struct custody_row *e)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "%lld %s %s %s>%s",
		 (long long)e->at, e->kind, e->by, e->from, e->to);
	return w->n == w->stop_at ? 45 : 0;
}

static void card_custody_events(void **state)
{
	struct testdb *t = *state;
	struct custody_item it;
	struct walk w = {0};
	struct fx f;

	setup_count(t, &f);
	assert_int_equal(ledger_custody_get(t->l, 0, "C1", &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "checkout",
					       CARD_CHECKED_OUT, "S/T2",
					       DATE_NONE, f.s2, 500, 0),
			 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "return", CARD_STORED,
					       "S/T1", DATE_NONE, f.s3, 600, 0),
			 0);
	declare_lost(t, &f, f.c1, "C1", "01", 700);

	/* Oldest first, the declaration as lost left out, [from, to]. */
	assert_int_equal(
	    ledger_card_custody_each(t->l, f.c1, 0, INT64_MAX, custody_fn, &w),
	    0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.line[0], "500 checkout S02 S/T1>S/T2");
	assert_string_equal(w.line[1], "600 return S03 S/T2>S/T1");
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    ledger_card_custody_each(t->l, f.c1, 500, 500, custody_fn, &w), 0);
	assert_int_equal(w.n, 1);
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    ledger_card_custody_each(t->l, f.c2, 0, INT64_MAX, custody_fn, &w),
	    0);
	assert_int_equal(w.n, 0);
	w.stop_at = 1;
	assert_int_equal(
	    ledger_card_custody_each(t->l, f.c1, 0, INT64_MAX, custody_fn, &w),
	    45);
}

static int reader_fn(void *ctx, const char *code, int64_t at, int64_t session)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "%s %lld %lld", code,
		 (long long)at, (long long)session);
	return w->n == w->stop_at ? 46 : 0;
}

static void range_readers(void **state)
{
	struct testdb *t = *state;
	struct scan_undone u;
	struct walk w = {0};
	struct fx f;
	char want[64];
	int64_t parent, sub;

	setup_count(t, &f);
	testdb_location(t, "S/T10");
	testdb_read(t, f.count, "S/T1", "01", f.s3, 120);
	testdb_read(t, f.count, "S/T1", "02", f.s3, 110);
	testdb_read(t, f.count, "S/T2", "03", f.s2, 130);
	/* A count over S holds S/T1; one over S/T10 does not. */
	parent = testdb_session(t, SESSION_PARTIAL, "S", f.m, 200);
	testdb_read(t, parent, "S", "01", f.m, 210);
	sub = testdb_session(t, SESSION_PARTIAL, "S/T10", f.m, 300);
	testdb_read(t, sub, "S/T10", "02", f.s2, 310);
	/* A read taken back is no read. */
	testdb_read(t, sub, "S/T10", "02", f.s2, 311);
	assert_int_equal(ledger_scan_undo(t->l, sub, f.s2, "x", 312, &u), 0);

	assert_int_equal(ledger_range_readers_each(t->l, "S/T1", 0, INT64_MAX,
						   reader_fn, &w),
			 0);
	assert_int_equal(w.n, 2);
	snprintf(want, sizeof(want), "M01 210 %lld", (long long)parent);
	assert_string_equal(w.line[0], want);
	snprintf(want, sizeof(want), "S03 110 %lld", (long long)f.count);
	assert_string_equal(w.line[1], want);
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    ledger_range_readers_each(t->l, "S/T1", 115, 210, reader_fn, &w),
	    0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.line[1], "S03 120 1");
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    ledger_range_readers_each(t->l, "S/T1", 0, 109, reader_fn, &w), 0);
	assert_int_equal(w.n, 0);
	w.stop_at = 1;
	assert_int_equal(ledger_range_readers_each(t->l, "S/T1", 0, INT64_MAX,
						   reader_fn, &w),
			 46);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(range_marks_and_results),
	    T(results_end_a_range_without_reads),
	    T(book_ranges_readers_by_range),
	    T(resolutions),
	    T(recounts),
	    T(book_counts),
	    T(lost_cards),
	    T(card_custody_events),
	    T(range_readers),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
