/*
 * Unit tests of data/custody.c against a real ledger file: terminals
 * registered as assets, finding a card or terminal by name, serial or tag,
 * recording movements (status, place, event and audit entry together, or
 * nothing), the end-of-day tally and what is checked out now.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

static int32_t day(const char *iso)
{
	int32_t d;

	assert_int_equal(date_parse(iso, strlen(iso), &d), 0);
	return d;
}

static void asset_add(void **state)
{
	struct testdb *t = *state;
	struct custody_item it;
	char buf[256];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t id, id2;

	assert_int_equal(ledger_asset_add(t->l, "TERM1", "Issuing terminal 1",
					  "04AA", "S/SHELF", m, 10, &id),
			 0);
	assert_int_equal(ledger_custody_get(t->l, 1, "TERM1", &it), 0);
	assert_int_equal(it.is_asset, 1);
	assert_int_equal(it.id, id);
	assert_string_equal(it.name, "TERM1");
	assert_int_equal(it.status, CARD_STORED);
	assert_string_equal(it.location, "S/SHELF");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM location WHERE "
				       "path IN ('S', 'S/SHELF')"),
			 2);
	assert_int_equal(testdb_audits(t, "asset.add", "TERM1"), 1);
	assert_string_equal(
	    testdb_audit_detail(t, "asset.add", buf, sizeof(buf)),
	    "name=Issuing terminal 1 tag=04AA location=S/SHELF");
	/* Without a tag. */
	assert_int_equal(ledger_asset_add(t->l, "TERM2", "Terminal 2", NULL,
					  "S/SHELF", m, 11, &id2),
			 0);
	assert_string_equal(
	    testdb_audit_detail(t, "asset.add", buf, sizeof(buf)),
	    "name=Terminal 2 tag=- location=S/SHELF");
	assert_true(id2 > id);
}

static void asset_refusals(void **state)
{
	struct testdb *t = *state;
	char name[NAME_MAX_BYTES + 2];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t id;

	testdb_card(t, "C1", "04C1", "S/T1", "stored");
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM1", "T", "04AA", "S/SHELF", m, 10, &id),
	    0);
	/* Code or tag taken. */
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM1", "T", "04BB", "S/SHELF", m, 11, &id),
	    LEDGER_ERR_EXISTS);
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM9", "T", "04AA", "S/SHELF", m, 11, &id),
	    LEDGER_ERR_EXISTS);
	/* A tag that is a card's serial would make a read name two things. */
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM9", "T", "04C1", "X/NEW", m, 11, &id),
	    LEDGER_ERR_EXISTS);
	assert_errmsg(t->l, "C1");
	/* Bad code, name, tag, location. */
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM 9", "T", NULL, "X/NEW", m, 11, &id),
	    LEDGER_ERR_INVALID);
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM9", "", NULL, "X/NEW", m, 11, &id),
	    LEDGER_ERR_INVALID);
	memset(name, 'n', sizeof(name));
	name[NAME_MAX_BYTES + 1] = '\0';
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM9", name, NULL, "X/NEW", m, 11, &id),
	    LEDGER_ERR_INVALID);
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM9", "T", "", "X/NEW", m, 11, &id),
	    LEDGER_ERR_INVALID);
	/* A tag is a chip serial, as reads give them. */
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM9", "T", "XYZ", "X/NEW", m, 11, &id),
	    LEDGER_ERR_INVALID);
	assert_non_null(strstr(ledger_errmsg(t->l), "not a chip serial"));
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM9", "T", NULL, "X//NEW", m, 11, &id),
	    LEDGER_ERR_INVALID);
	/* Nothing of the refused ones: no asset, no new location. */
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM asset"), 1);
	assert_int_equal(
	    testdb_int(t,
		       "SELECT count(*) FROM location WHERE path LIKE 'X%%'"),
	    0);
	assert_int_equal(testdb_audits(t, "asset.add", NULL), 1);
}

static void find_by_name_serial_tag(void **state)
{
	struct testdb *t = *state;
	struct custody_item it;
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t c1, term, same;

	testdb_card(t, "C2", "04C2", "S/T1", "checked_out");
	assert_int_equal(ledger_asset_add(t->l, "TERM1", "T", "04AA", "S/SHELF",
					  m, 10, &term),
			 0);
	/* A terminal whose code is a card's management ID: refused when
	 * the terminal comes second, but a stock list may bring the card
	 * after the terminal. */
	assert_int_equal(
	    ledger_asset_add(t->l, "C1", "T", NULL, "S/SHELF", m, 10, &same),
	    0);
	c1 = testdb_card(t, "C1", "04C1", "S/T1", "stored");
	assert_int_equal(
	    ledger_asset_add(t->l, "C2", "T", NULL, "S/SHELF", m, 10, &same),
	    LEDGER_ERR_EXISTS);
	assert_non_null(strstr(ledger_errmsg(t->l), "C2 is the management ID"));

	assert_int_equal(ledger_custody_find(t->l, "C1", &it), 0);
	assert_int_equal(it.is_asset, 0); /* the card comes first */
	assert_int_equal(it.id, c1);
	assert_string_equal(it.location, "S/T1");
	assert_int_equal(ledger_custody_find(t->l, "C2", &it), 0);
	assert_int_equal(it.status, CARD_CHECKED_OUT);
	assert_int_equal(ledger_custody_find(t->l, "TERM1", &it), 0);
	assert_int_equal(it.is_asset, 1);
	assert_int_equal(it.id, term);
	assert_int_equal(ledger_custody_find(t->l, "04AA", &it), 0);
	assert_int_equal(it.id, term);
	assert_int_equal(ledger_custody_find(t->l, "NONE", &it),
			 LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "NONE");

	/* By serial: a card's serial or a terminal's tag, not its code. */
	assert_int_equal(ledger_custody_find_serial(t->l, "04C1", &it), 0);
	assert_int_equal(it.id, c1);
	assert_string_equal(it.name, "C1");
	assert_int_equal(ledger_custody_find_serial(t->l, "04AA", &it), 0);
	assert_int_equal(it.is_asset, 1);
	assert_string_equal(it.name, "TERM1");
	assert_int_equal(ledger_custody_find_serial(t->l, "TERM1", &it),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_custody_find_serial(t->l, "C1", &it),
			 LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "serial C1");

	/* What a reader reads from a name (the tally's typed field): a
	 * card's serial before a terminal's tag; a tagless terminal has
	 * nothing to read. */
	{
		char serial[SERIAL_BUF];
		int64_t bare;

		assert_int_equal(ledger_asset_add(t->l, "TERM2", "T", NULL,
						  "S/SHELF", m, 10, &bare),
				 0);
		assert_int_equal(ledger_custody_serial(t->l, "TERM2", serial),
				 LEDGER_ERR_NOTFOUND);
		assert_int_equal(ledger_custody_serial(t->l, "C2", serial), 0);
		assert_string_equal(serial, "04C2");
		assert_int_equal(ledger_custody_serial(t->l, "C1", serial), 0);
		assert_string_equal(serial, "04C1");
		assert_int_equal(ledger_custody_serial(t->l, "TERM1", serial),
				 0);
		assert_string_equal(serial, "04AA");
		assert_int_equal(ledger_custody_serial(t->l, "04AA", serial),
				 LEDGER_ERR_NOTFOUND);
		assert_int_equal(ledger_custody_serial(t->l, "NONE", serial),
				 LEDGER_ERR_NOTFOUND);
	}

	/* Get says which kind it wants. */
	assert_int_equal(ledger_custody_get(t->l, 1, "C1", &it), 0);
	assert_int_equal(it.is_asset, 1);
	assert_int_equal(it.id, same);
	assert_int_equal(ledger_custody_get(t->l, 0, "C1", &it), 0);
	assert_int_equal(it.is_asset, 0);
	assert_int_equal(ledger_custody_get(t->l, 0, "TERM1", &it),
			 LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "no card TERM1");
	assert_int_equal(ledger_custody_get(t->l, 1, "C2", &it),
			 LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "no terminal C2");
}

static void record_card_movements(void **state)
{
	struct testdb *t = *state;
	struct custody_item it;
	char buf[256], by[STAFF_CODE_MAX + 1];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t c1, t1, w;

	c1 = testdb_card(t, "C1", "04C1", "S/T1", "stored");
	t1 = testdb_location(t, "S/T1");
	w = testdb_location(t, "WINDOW/1");
	assert_int_equal(ledger_checked_out_by(t->l, c1, by), 0);
	assert_string_equal(by, "");

	/* Check-out for a day, staying at its home. */
	assert_int_equal(ledger_custody_find(t->l, "C1", &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "checkout",
					       CARD_CHECKED_OUT, NULL,
					       day("2026-04-10"), s, 1000, 0),
			 0);
	assert_int_equal(it.status, CARD_CHECKED_OUT);
	assert_int_equal(it.location_id, t1);
	assert_string_equal(testdb_status(t, "C1", buf, sizeof(buf)),
			    "checked_out");
	assert_int_equal(
	    testdb_int(t, "SELECT updated_at FROM card WHERE id = %lld",
		       (long long)c1),
	    1000);
	assert_int_equal(testdb_int(t,
				    "SELECT count(*) FROM custody_event "
				    "WHERE card_id = %lld AND kind = "
				    "'checkout' AND at = 1000 AND staff_id "
				    "= %lld AND location_id = %lld AND "
				    "from_location_id = %lld AND for_date "
				    "= '2026-04-10' AND safe_closed = 0 AND "
				    "asset_id IS NULL",
				    (long long)c1, (long long)s, (long long)t1,
				    (long long)t1),
			 1);
	assert_int_equal(testdb_audits(t, "custody.checkout", "card C1"), 1);
	assert_non_null(
	    strstr(testdb_audit_detail(t, "custody.checkout", buf, sizeof(buf)),
		   "stored->checked_out"));
	assert_int_equal(ledger_checked_out_by(t->l, c1, by), 0);
	assert_string_equal(by, "S02");

	/* Moved to another place, flagged as done with the safe closed. */
	assert_int_equal(ledger_custody_record(t->l, &it, "move",
					       CARD_CHECKED_OUT, "WINDOW/1",
					       DATE_NONE, m, 1100, 1),
			 0);
	assert_int_equal(it.location_id, w);
	assert_string_equal(it.location, "WINDOW/1");
	assert_int_equal(
	    testdb_int(t, "SELECT location_id FROM card WHERE id = %lld",
		       (long long)c1),
	    w);
	assert_int_equal(testdb_int(t, "SELECT safe_closed FROM custody_event "
				       "WHERE kind = 'move'"),
			 1);
	assert_int_equal(testdb_int(t, "SELECT for_date IS NULL FROM "
				       "custody_event WHERE kind = 'move'"),
			 1);
	assert_non_null(
	    strstr(testdb_audit_detail(t, "custody.move", buf, sizeof(buf)),
		   "safe=closed"));

	/* A destination that does not exist: nothing changes. */
	assert_int_equal(ledger_custody_record(t->l, &it, "return", CARD_STORED,
					       "S/NONE", DATE_NONE, s, 1200, 0),
			 LEDGER_ERR_NOTFOUND);
	assert_string_equal(testdb_status(t, "C1", buf, sizeof(buf)),
			    "checked_out");
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM custody_event"),
			 2);
	assert_int_equal(testdb_audits(t, "custody.return", NULL), 0);

	/* Inside a transaction rolled back: nothing either. */
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "return", CARD_STORED,
					       "S/T1", DATE_NONE, s, 1300, 0),
			 0);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_string_equal(testdb_status(t, "C1", buf, sizeof(buf)),
			    "checked_out");
	assert_int_equal(testdb_audits(t, "custody.return", NULL), 0);
	/* The latest check-out names who took it. */
	assert_int_equal(ledger_custody_find(t->l, "C1", &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "return", CARD_STORED,
					       "S/T1", DATE_NONE, s, 1400, 0),
			 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "checkout",
					       CARD_CHECKED_OUT, NULL,
					       DATE_NONE, m, 1500, 0),
			 0);
	assert_int_equal(ledger_checked_out_by(t->l, c1, by), 0);
	assert_string_equal(by, "M01");
}

static void record_terminal_movement(void **state)
{
	struct testdb *t = *state;
	struct custody_item it;
	char buf[256];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t term;

	assert_int_equal(ledger_asset_add(t->l, "TERM1", "T", "04AA", "S/SHELF",
					  m, 10, &term),
			 0);
	assert_int_equal(ledger_custody_find_serial(t->l, "04AA", &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "checkout",
					       CARD_CHECKED_OUT, NULL,
					       DATE_NONE, m, 100, 0),
			 0);
	assert_string_equal(
	    testdb_text(t, buf, sizeof(buf), "SELECT status FROM asset"),
	    "checked_out");
	assert_int_equal(testdb_int(t, "SELECT asset_id FROM custody_event "
				       "WHERE card_id IS NULL"),
			 term);
	assert_int_equal(testdb_audits(t, "custody.checkout", "asset TERM1"),
			 1);
	assert_non_null(
	    strstr(testdb_audit_detail(t, "custody.checkout", buf, sizeof(buf)),
		   "in_storage->checked_out"));
	assert_int_equal(ledger_custody_get(t->l, 1, "TERM1", &it), 0);
	assert_int_equal(it.status, CARD_CHECKED_OUT);
	assert_int_equal(ledger_custody_record(t->l, &it, "return", CARD_STORED,
					       NULL, DATE_NONE, m, 200, 0),
			 0);
	assert_string_equal(
	    testdb_text(t, buf, sizeof(buf), "SELECT status FROM asset"),
	    "in_storage");
}

struct walk {
	int n, stop_at;
	char line[8][300];
};

static int tally_fn(void *ctx, const struct tally_row *r)
{
	struct walk *w = ctx;
	char d[11] = "-";

	if (r->for_date != DATE_NONE)
		date_format(r->for_date, d);
	snprintf(w->line[w->n++], sizeof(w->line[0]), "%d %s %s %s %s %s %d",
		 r->is_asset, r->name, card_status_name(r->status), r->location,
		 r->checked_out_by[0] ? r->checked_out_by : "?", d,
		 r->read_back);
	return w->n == w->stop_at ? 31 : 0;
}

static void out(struct testdb *t, const char *name, int64_t staff, int64_t at,
		int32_t for_date)
{
	struct custody_item it;

	assert_int_equal(ledger_custody_find(t->l, name, &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "checkout",
					       CARD_CHECKED_OUT, NULL, for_date,
					       staff, at, 0),
			 0);
}

static void back(struct testdb *t, const char *name, int64_t staff, int64_t at)
{
	struct custody_item it;

	assert_int_equal(ledger_custody_find(t->l, name, &it), 0);
	assert_int_equal(ledger_custody_record(t->l, &it, "return", CARD_STORED,
					       NULL, DATE_NONE, staff, at, 0),
			 0);
}

static void tally(void **state)
{
	struct testdb *t = *state;
	struct tally_lookup lk;
	struct walk w = {0};
	char buf[128];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t term, id, n, c1, *ids;
	size_t nids;

	c1 = testdb_card(t, "C1", "04C1", "S/T1", "stored");
	testdb_card(t, "C2", "04C2", "S/T1", "stored");
	testdb_card(t, "C3", "04C3", "S/T1", "stored");
	assert_int_equal(ledger_asset_add(t->l, "TERM1", "T", "04AA", "S/SHELF",
					  m, 10, &term),
			 0);
	assert_int_equal(ledger_tally_ids(t->l, &ids, &nids), 0);
	assert_int_equal(nids, 0);
	assert_null(ids);

	out(t, "C2", s, 100, day("2026-04-10"));
	out(t, "C1", s, 101, DATE_NONE);
	out(t, "TERM1", m, 102, DATE_NONE);
	assert_int_equal(ledger_tally_start(t->l, m, 200, &id, &n), 0);
	assert_int_equal(n, 3);
	snprintf(buf, sizeof(buf), "session %lld", (long long)id);
	assert_int_equal(testdb_audits(t, "tally.start", buf), 1);
	assert_string_equal(
	    testdb_audit_detail(t, "tally.start", buf, sizeof(buf)),
	    "kind=tally expected=3");
	/* Out after the tally began: not what it expects. */
	out(t, "C3", s, 210, DATE_NONE);

	assert_int_equal(ledger_tally_lookup(t->l, id, "04C1", &lk), 0);
	assert_int_equal(lk.known, 1);
	assert_int_equal(lk.is_asset, 0);
	assert_int_equal(lk.card_id, c1);
	assert_string_equal(lk.name, "C1");
	assert_int_equal(lk.expected, 1);
	assert_int_equal(ledger_tally_lookup(t->l, id, "04C3", &lk), 0);
	assert_int_equal(lk.known, 1);
	assert_int_equal(lk.expected, 0);
	assert_int_equal(ledger_tally_lookup(t->l, id, "04AA", &lk), 0);
	assert_int_equal(lk.is_asset, 1);
	assert_int_equal(lk.card_id, 0);
	assert_string_equal(lk.name, "TERM1");
	assert_int_equal(lk.expected, 1);
	assert_int_equal(ledger_tally_lookup(t->l, id, "FFFF", &lk), 0);
	assert_int_equal(lk.known, 0);

	/* C1 and the terminal read back; C2 returned at the counter. */
	testdb_read(t, id, NULL, "04C1", m, 220);
	testdb_read(t, id, NULL, "04AA", m, 221);
	back(t, "C2", s, 222);
	assert_int_equal(ledger_tally_each(t->l, id, tally_fn, &w), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.line[0], "0 C1 checked_out S/T1 S02 - 1");
	assert_string_equal(w.line[1], "0 C2 stored S/T1 S02 2026-04-10 0");
	assert_string_equal(w.line[2], "1 TERM1 checked_out S/SHELF M01 - 1");
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_tally_each(t->l, id, tally_fn, &w), 31);

	/* Tallies only, oldest first. */
	int64_t second;
	testdb_session(t, SESSION_PARTIAL, "S/T1", m, 300);
	assert_int_equal(ledger_tally_start(t->l, m, 400, &second, &n), 0);
	assert_int_equal(n, 3); /* C1, C3, TERM1 */
	assert_int_equal(ledger_tally_ids(t->l, &ids, &nids), 0);
	assert_int_equal(nids, 2);
	assert_int_equal(ids[0], id);
	assert_int_equal(ids[1], second);
	free(ids);
}

static void session_notes(void **state)
{
	struct testdb *t = *state;
	char note[64];
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t id, n;

	assert_int_equal(ledger_tally_start(t->l, m, 100, &id, &n), 0);
	assert_int_equal(n, 0);
	strcpy(note, "x");
	assert_int_equal(ledger_session_get_note(t->l, id, note, sizeof(note)),
			 0);
	assert_string_equal(note, "");
	assert_int_equal(ledger_session_note(t->l, id, "C2 returned late"), 0);
	assert_int_equal(ledger_session_get_note(t->l, id, note, sizeof(note)),
			 0);
	assert_string_equal(note, "C2 returned late");
	/* Cut to the caller's buffer. */
	assert_int_equal(ledger_session_get_note(t->l, id, note, 5), 0);
	assert_string_equal(note, "C2 r");
	/* A session that does not exist has no note, and takes none. */
	assert_int_equal(
	    ledger_session_get_note(t->l, id + 1, note, sizeof(note)), 0);
	assert_string_equal(note, "");
	assert_int_equal(ledger_session_note(t->l, id + 1, "lost"),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM session WHERE "
				       "note IS NOT NULL"),
			 1);
}

static int checked_out_fn(void *ctx, const struct checked_out_row *r)
{
	struct walk *w = ctx;
	char d[11] = "-";

	if (r->for_date != DATE_NONE)
		date_format(r->for_date, d);
	snprintf(w->line[w->n++], sizeof(w->line[0]), "%d %s %s %s %lld %s",
		 r->is_asset, r->name, r->location,
		 r->checked_out_by[0] ? r->checked_out_by : "?",
		 (long long)r->checked_out_at, d);
	return w->n == w->stop_at ? 32 : 0;
}

static void checked_out_now(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	int64_t m = testdb_staff(t, "M01", ROLE_MANAGER);
	int64_t s = testdb_staff(t, "S02", ROLE_STAFF);
	int64_t term;

	testdb_card(t, "C2", "04C2", "S/T1", "stored");
	testdb_card(t, "C1", "04C1", "S/T2", "stored");
	testdb_card(t, "C3", "04C3", "S/T1", "stored");
	/* Checked out with no event on record (an imported status). */
	testdb_card(t, "C0", "04C0", "S/T1", "checked_out");
	assert_int_equal(
	    ledger_asset_add(t->l, "TERM1", "T", NULL, "S/SHELF", m, 10, &term),
	    0);
	assert_int_equal(ledger_checked_out_each(t->l, checked_out_fn, &w), 0);
	assert_int_equal(w.n, 1);

	out(t, "TERM1", m, 90, DATE_NONE);
	out(t, "C2", s, 100, DATE_NONE);
	back(t, "C2", s, 110);
	out(t, "C2", m, 120, day("2026-04-11")); /* the latest counts */
	out(t, "C1", s, 130, DATE_NONE);
	out(t, "C3", s, 140, DATE_NONE);
	back(t, "C3", s, 150);
	memset(&w, 0, sizeof(w));
	assert_int_equal(ledger_checked_out_each(t->l, checked_out_fn, &w), 0);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.line[0], "0 C0 S/T1 ? 0 -");
	assert_string_equal(w.line[1], "0 C1 S/T2 S02 130 -");
	assert_string_equal(w.line[2], "0 C2 S/T1 M01 120 2026-04-11");
	assert_string_equal(w.line[3], "1 TERM1 S/SHELF M01 90 -");
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(ledger_checked_out_each(t->l, checked_out_fn, &w), 32);
	assert_int_equal(w.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(asset_add),
	    T(asset_refusals),
	    T(find_by_name_serial_tag),
	    T(record_card_movements),
	    T(record_terminal_movement),
	    T(tally),
	    T(session_notes),
	    T(checked_out_now),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
