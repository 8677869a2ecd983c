/*
 * Unit tests of data/disposal.c against a real ledger file: the cards in
 * storage that the due rules look at, and disposal batches (opened by two
 * people, due cards scanned in, closed into the disposal ledger: every card
 * disposed with its own audit entry, or none when one left storage).
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

struct walk {
	int n, stop_at;
	char line[12][400];
};

static int storage_fn(void *ctx, const struct card_rec *c)
{
	struct walk *w = ctx;
	char r[11] = "-", n[11] = "-", m[11] = "-";

	if (c->received != DATE_NONE)
		date_format(c->received, r);
	if (c->notice_sent != DATE_NONE)
		date_format(c->notice_sent, n);
	if (c->reminder_sent != DATE_NONE)
		date_format(c->reminder_sent, m);
	snprintf(w->line[w->n++], sizeof(w->line[0]), "%s %s %s %s %s %s %s",
		 c->mgmt_id, c->serial, c->location,
		 card_status_name(c->status), r, n, m);
	return w->n == w->stop_at ? 21 : 0;
}

static void cards_in_storage(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};

	assert_int_equal(ledger_cards_in_storage(t->l, storage_fn, &w), 0);
	assert_int_equal(w.n, 0);
	testdb_card(t, "C5", "05", "S/T1", "stored");
	testdb_card_on(t, "C1", "01", "S/T2", "moved", "2025-12-01");
	testdb_card(t, "C3", "03", "S/T1", "deceased");
	testdb_card(t, "C2", "02", "S/T1", "cancelled");
	testdb_card(t, "C4", "04", "S/T1", "checked_out");
	testdb_card(t, "C6", "06", "S/T1", "issued");
	testdb_card(t, "C7", "07", "S/T1", "disposed");
	testdb_card(t, "C8", "08", "S/T1", "lost");
	testdb_sqlf(t, "UPDATE card SET notice_sent = '2026-02-01', "
		       "reminder_sent = '2026-03-01' WHERE mgmt_id = 'C5'");

	assert_int_equal(ledger_cards_in_storage(t->l, storage_fn, &w), 0);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.line[0], "C1 01 S/T2 moved 2025-12-01 - -");
	assert_string_equal(w.line[1], "C2 02 S/T1 cancelled 2026-01-05 - -");
	assert_string_equal(w.line[2], "C3 03 S/T1 deceased 2026-01-05 - -");
	assert_string_equal(w.line[3],
			    "C5 05 S/T1 stored 2026-01-05 2026-02-01 "
			    "2026-03-01");
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(ledger_cards_in_storage(t->l, storage_fn, &w), 21);
	assert_int_equal(w.n, 2);
}

struct counts {
	long n[CARD_STATUS_COUNT], reminded[CARD_STATUS_COUNT];
	int groups, stop_at;
};

static int counts_fn(void *ctx, enum card_status st, long n, long reminded)
{
	struct counts *c = ctx;

	c->n[st] = n;
	c->reminded[st] = reminded;
	return ++c->groups == c->stop_at ? 21 : 0;
}

/* status's count: the cards in storage by status, and how many were
 * reminded on or before the cutoff; a reminder that is no valid day
 * counts as none (as ledger_col_date reads it). */
static void cards_in_storage_counts(void **state)
{
	struct testdb *t = *state;
	struct counts c = {0};

	assert_int_equal(ledger_cards_in_storage_counts(t->l, day("2026-03-01"),
							counts_fn, &c),
			 0);
	assert_int_equal(c.groups, 0);
	testdb_card(t, "C1", "01", "S/T1", "stored");
	testdb_card(t, "C2", "02", "S/T1", "stored");
	testdb_card(t, "C3", "03", "S/T1", "stored");
	testdb_card(t, "C4", "04", "S/T1", "stored");
	testdb_card(t, "C5", "05", "S/T1", "moved");
	testdb_card(t, "C6", "06", "S/T1", "deceased");
	testdb_card(t, "C7", "07", "S/T1", "issued");
	testdb_card(t, "C8", "08", "S/T1", "checked_out");
	testdb_sqlf(t, "UPDATE card SET reminder_sent = '2026-03-01' "
		       "WHERE mgmt_id IN ('C1', 'C5', 'C7', 'C8')");
	testdb_sqlf(t, "UPDATE card SET reminder_sent = '2026-03-02' "
		       "WHERE mgmt_id = 'C2'");
	testdb_sqlf(t, "UPDATE card SET reminder_sent = '2026-02-30' "
		       "WHERE mgmt_id = 'C3'");
	testdb_sqlf(t, "UPDATE card SET reminder_sent = '1899-12-31' "
		       "WHERE mgmt_id = 'C4'");

	assert_int_equal(ledger_cards_in_storage_counts(t->l, day("2026-03-01"),
							counts_fn, &c),
			 0);
	assert_int_equal(c.groups, 3);
	assert_int_equal(c.n[CARD_STORED], 4);
	assert_int_equal(c.reminded[CARD_STORED], 1);
	assert_int_equal(c.n[CARD_MOVED], 1);
	assert_int_equal(c.reminded[CARD_MOVED], 1);
	assert_int_equal(c.n[CARD_DECEASED], 1);
	assert_int_equal(c.reminded[CARD_DECEASED], 0);
	assert_int_equal(c.n[CARD_ISSUED], 0);
	assert_int_equal(c.n[CARD_CHECKED_OUT], 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(ledger_cards_in_storage_counts(t->l, day("2026-03-02"),
							counts_fn, &c),
			 0);
	assert_int_equal(c.reminded[CARD_STORED], 2);
	memset(&c, 0, sizeof(c));
	c.stop_at = 1;
	assert_int_equal(ledger_cards_in_storage_counts(t->l, day("2026-03-02"),
							counts_fn, &c),
			 21);
	assert_int_equal(c.groups, 1);
}

struct fx {
	int64_t m, s, s3, c1, c2, c3;
};

static void people_and_cards(struct testdb *t, struct fx *f)
{
	f->m = testdb_staff(t, "M01", ROLE_MANAGER);
	f->s = testdb_staff(t, "S02", ROLE_STAFF);
	f->s3 = testdb_staff(t, "S03", ROLE_STAFF);
	f->c1 = testdb_card(t, "C1", "01", "S/T1", "moved");
	f->c2 = testdb_card(t, "C2", "02", "S/T1", "stored");
	f->c3 = testdb_card(t, "C3", "03", "S/T1", "deceased");
}

static void batch_start_add_get(void **state)
{
	struct testdb *t = *state;
	struct disposal_batch_rec b;
	struct fx f;
	char buf[200];
	int64_t id, other = -1;

	people_and_cards(t, &f);
	assert_int_equal(ledger_disposal_get(t->l, 1, &b), LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 100, &id), 0);
	assert_int_equal(ledger_disposal_get(t->l, id, &b), 0);
	assert_int_equal(b.id, id);
	assert_int_equal(b.started_at, 100);
	assert_string_equal(b.started_by, "S02");
	assert_string_equal(b.witness, "M01");
	assert_int_equal(b.closed_at, 0);
	assert_string_equal(b.closed_by, "");
	assert_string_equal(b.method, "");
	assert_string_equal(b.certificate, "");
	assert_int_equal(b.ncards, 0);
	snprintf(buf, sizeof(buf), "disposal %lld", (long long)id);
	assert_int_equal(testdb_audits(t, "dispose.start", buf), 1);
	snprintf(buf, sizeof(buf), "witness=%lld", (long long)f.m);
	char detail[64];
	assert_string_equal(
	    testdb_audit_detail(t, "dispose.start", detail, sizeof(detail)),
	    buf);

	assert_int_equal(ledger_disposal_has(t->l, id, f.c1), 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c1, "C1", "moved",
					     day("2026-02-01"), f.s, 110, 0),
			 0);
	assert_int_equal(ledger_disposal_has(t->l, id, f.c1), 1);
	assert_int_equal(ledger_disposal_has(t->l, id, f.c2), 0);
	assert_int_equal(ledger_disposal_get(t->l, id, &b), 0);
	assert_int_equal(b.ncards, 1);
	assert_int_equal(testdb_audits(t, "dispose.scan", "C1"), 1);
	assert_int_equal(
	    testdb_int(t,
		       "SELECT scanned_by FROM disposal WHERE card_id = "
		       "%lld",
		       (long long)f.c1),
	    f.s);
	assert_string_equal(
	    testdb_text(t, buf, sizeof(buf),
			"SELECT due_since FROM disposal WHERE card_id = %lld",
			(long long)f.c1),
	    "2026-02-01");
	/* Scanned into a batch, the card is still in storage. */
	assert_string_equal(testdb_status(t, "C1", buf, sizeof(buf)), "moved");

	/* The same card twice in one batch. */
	assert_int_equal(ledger_disposal_add(t->l, id, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 111, 0),
			 LEDGER_ERR_EXISTS);
	assert_int_equal(testdb_audits(t, "dispose.scan", NULL), 1);

	/* Another open batch holding the card. */
	int64_t id2;
	assert_int_equal(ledger_disposal_start(t->l, f.s3, f.m, 120, &id2), 0);
	assert_int_equal(ledger_disposal_other_open(t->l, id2, f.c1, &other),
			 0);
	assert_int_equal(other, id);
	assert_int_equal(ledger_disposal_other_open(t->l, id, f.c1, &other), 0);
	assert_int_equal(other, 0);
	assert_int_equal(ledger_disposal_other_open(t->l, id2, f.c2, &other),
			 0);
	assert_int_equal(other, 0);
}

static void add_refused_to_closed_or_unknown_batch(void **state)
{
	struct testdb *t = *state;
	struct fx f;
	int64_t id, n, other = -1;

	people_and_cards(t, &f);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 100, &id), 0);
	assert_int_equal(
	    ledger_disposal_close(t->l, id, "shred", NULL, f.s, f.m, 200, &n),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 210, 0),
			 LEDGER_ERR_STATE);
	assert_errmsg(t->l, "closed");
	/* A batch that does not exist is not "closed": it is not there. */
	assert_int_equal(ledger_disposal_add(t->l, id + 7, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 210, 0),
			 LEDGER_ERR_NOTFOUND);
	assert_errmsg(t->l, "no disposal");
	assert_int_equal(ledger_disposal_close(t->l, id + 7, "shred", NULL, f.s,
					       f.m, 220, &n),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(testdb_int(t, "SELECT count(*) FROM disposal"), 0);
	assert_int_equal(testdb_audits(t, "dispose.scan", NULL), 0);
	/* A closed batch holding the card is not an open one. */
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 300, &id), 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c2, "C2", "reminder",
					     DATE_NONE, f.s, 310, 0),
			 0);
	assert_int_equal(
	    ledger_disposal_close(t->l, id, "shred", NULL, f.s, f.m, 320, &n),
	    0);
	assert_int_equal(ledger_disposal_other_open(t->l, id + 1, f.c2, &other),
			 0);
	assert_int_equal(other, 0);
}

static void close_disposes_every_card(void **state)
{
	struct testdb *t = *state;
	struct disposal_batch_rec b;
	struct fx f;
	char buf[256], want[256];
	int64_t id, n = -1;

	people_and_cards(t, &f);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 100, &id), 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c3, "C3", "deceased",
					     DATE_NONE, f.s, 110, 0),
			 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 111, 0),
			 0);

	assert_int_equal(ledger_disposal_close(t->l, id, "contractor",
					       "CERT-2026-001", f.s, f.m, 200,
					       &n),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(testdb_status(t, "C1", buf, sizeof(buf)),
			    "disposed");
	assert_string_equal(testdb_status(t, "C3", buf, sizeof(buf)),
			    "disposed");
	assert_string_equal(testdb_status(t, "C2", buf, sizeof(buf)), "stored");
	assert_int_equal(ledger_disposal_get(t->l, id, &b), 0);
	assert_int_equal(b.closed_at, 200);
	assert_string_equal(b.closed_by, "S02");
	assert_string_equal(b.close_witness, "M01");
	assert_string_equal(b.method, "contractor");
	assert_string_equal(b.certificate, "CERT-2026-001");
	assert_int_equal(b.ncards, 2);
	/* One entry per card, then the close. */
	assert_int_equal(testdb_audits(t, "dispose.card", "C1"), 1);
	assert_int_equal(testdb_audits(t, "dispose.card", "C3"), 1);
	snprintf(want, sizeof(want),
		 "disposal=%lld why=deceased method=contractor "
		 "certificate=CERT-2026-001 witness=%lld",
		 (long long)id, (long long)f.m);
	assert_string_equal(
	    testdb_text(t, buf, sizeof(buf),
			"SELECT detail FROM audit WHERE action = "
			"'dispose.card' AND subject = 'C3'"),
	    want);
	snprintf(want, sizeof(want), "disposal %lld", (long long)id);
	assert_int_equal(testdb_audits(t, "dispose.close", want), 1);
	assert_true(testdb_int(t, "SELECT max(id) FROM audit WHERE action = "
				  "'dispose.card'") <
		    testdb_int(t, "SELECT id FROM audit WHERE action = "
				  "'dispose.close'"));

	/* Closed once only. */
	assert_int_equal(
	    ledger_disposal_close(t->l, id, "shred", NULL, f.s, f.m, 300, &n),
	    LEDGER_ERR_STATE);
	assert_int_equal(n, 0);
	assert_int_equal(testdb_audits(t, "dispose.close", NULL), 1);
	assert_int_equal(ledger_disposal_get(t->l, id, &b), 0);
	assert_string_equal(b.method, "contractor");
}

static void close_refusals(void **state)
{
	struct testdb *t = *state;
	struct disposal_batch_rec b;
	struct fx f;
	char cert[DISPOSAL_CERT_MAX + 2];
	int64_t id, n;

	people_and_cards(t, &f);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 100, &id), 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 110, 0),
			 0);
	assert_int_equal(
	    ledger_disposal_close(t->l, id, "burn", NULL, f.s, f.m, 200, &n),
	    LEDGER_ERR_INVALID);
	/* A contractor's destruction needs its certificate. */
	assert_int_equal(ledger_disposal_close(t->l, id, "contractor", NULL,
					       f.s, f.m, 200, &n),
			 LEDGER_ERR_INVALID);
	assert_errmsg(t->l, "certificate");
	assert_int_equal(ledger_disposal_close(t->l, id, "contractor", "", f.s,
					       f.m, 200, &n),
			 LEDGER_ERR_INVALID);
	memset(cert, 'c', sizeof(cert));
	cert[DISPOSAL_CERT_MAX + 1] = '\0';
	assert_int_equal(ledger_disposal_close(t->l, id, "contractor", cert,
					       f.s, f.m, 200, &n),
			 LEDGER_ERR_INVALID);
	assert_int_equal(ledger_disposal_get(t->l, id, &b), 0);
	assert_int_equal(b.closed_at, 0);
	assert_int_equal(testdb_audits(t, "dispose.card", NULL), 0);
	/* The longest certificate reference is one. */
	cert[DISPOSAL_CERT_MAX] = '\0';
	assert_int_equal(ledger_disposal_close(t->l, id, "contractor", cert,
					       f.s, f.m, 200, &n),
			 0);
	assert_int_equal(ledger_disposal_get(t->l, id, &b), 0);
	assert_string_equal(b.certificate, cert);
}

/* A card that left storage after it was scanned in stops the close, and
 * nothing of it is done. */
static void close_all_or_nothing(void **state)
{
	struct testdb *t = *state;
	struct disposal_batch_rec b;
	struct fx f;
	char buf[32];
	int64_t id, n = -1;

	people_and_cards(t, &f);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 100, &id), 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 110, 0),
			 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c2, "C2", "reminder",
					     DATE_NONE, f.s, 111, 0),
			 0);
	/* C2 is issued after all. */
	testdb_sqlf(t, "UPDATE card SET status = 'issued' WHERE id = %lld",
		    (long long)f.c2);
	assert_int_equal(
	    ledger_disposal_close(t->l, id, "shred", NULL, f.s, f.m, 200, &n),
	    LEDGER_ERR_STATE);
	assert_errmsg(t->l, "C2");
	assert_string_equal(testdb_status(t, "C1", buf, sizeof(buf)), "moved");
	assert_string_equal(testdb_status(t, "C2", buf, sizeof(buf)), "issued");
	assert_int_equal(ledger_disposal_get(t->l, id, &b), 0);
	assert_int_equal(b.closed_at, 0);
	assert_string_equal(b.method, "");
	assert_int_equal(testdb_audits(t, "dispose.card", NULL), 0);
	assert_int_equal(testdb_audits(t, "dispose.close", NULL), 0);
}

static int batch_fn(void *ctx, const struct disposal_batch_rec *b)
{
	struct walk *w = ctx;

	snprintf(w->line[w->n++], sizeof(w->line[0]), "batch %lld %s %lld",
		 (long long)b->id, b->method, (long long)b->ncards);
	return w->stop_at && w->n == w->stop_at ? 22 : 0;
}

static int card_fn(void *ctx, const struct disposal_card_row *c)
{
	struct walk *w = ctx;
	char d[11] = "-";

	if (c->due_since != DATE_NONE)
		date_format(c->due_since, d);
	snprintf(w->line[w->n++], sizeof(w->line[0]),
		 "card %s %s %s %s %lld %s", c->mgmt_id, c->serial, c->why, d,
		 (long long)c->scanned_at, c->scanned_by);
	return w->stop_at && w->n == w->stop_at ? 23 : 0;
}

static void list_batches_and_cards(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	struct fx f;
	int64_t a, b, n;
	char want[64];

	people_and_cards(t, &f);
	assert_int_equal(ledger_disposal_list(t->l, batch_fn, card_fn, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 100, &a), 0);
	assert_int_equal(ledger_disposal_add(t->l, a, f.c3, "C3", "deceased",
					     day("2026-03-01"), f.s3, 110, 0),
			 0);
	assert_int_equal(ledger_disposal_add(t->l, a, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 111, 0),
			 0);
	assert_int_equal(
	    ledger_disposal_close(t->l, a, "shred", NULL, f.s, f.m, 120, &n),
	    0);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 200, &b), 0);

	assert_int_equal(ledger_disposal_list(t->l, batch_fn, card_fn, &w), 0);
	assert_int_equal(w.n, 4);
	snprintf(want, sizeof(want), "batch %lld shred 2", (long long)a);
	assert_string_equal(w.line[0], want);
	assert_string_equal(w.line[1], "card C1 01 moved - 111 S02");
	assert_string_equal(w.line[2],
			    "card C3 03 deceased 2026-03-01 110 S03");
	snprintf(want, sizeof(want), "batch %lld  0", (long long)b);
	assert_string_equal(w.line[3], want);

	/* Either callback stops the walk with its word. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(ledger_disposal_list(t->l, batch_fn, card_fn, &w), 22);
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(ledger_disposal_list(t->l, batch_fn, card_fn, &w), 23);
}

/* The batches of a span: started in it, or closed in it (a batch begun
 * the day before and closed that day); not those only open across it. */
static void batches_between(void **state)
{
	struct testdb *t = *state;
	struct walk w = {0};
	struct fx f;
	int64_t a, b, c, n;
	char want[64];

	people_and_cards(t, &f);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 100, &a), 0);
	assert_int_equal(ledger_disposal_add(t->l, a, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 110, 0),
			 0);
	assert_int_equal(
	    ledger_disposal_close(t->l, a, "shred", NULL, f.s, f.m, 250, &n),
	    0);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 210, &b), 0);
	assert_int_equal(ledger_disposal_start(t->l, f.s3, f.m, 300, &c), 0);

	assert_int_equal(
	    ledger_disposal_between_each(t->l, 200, 300, batch_fn, &w), 0);
	assert_int_equal(w.n, 2);
	snprintf(want, sizeof(want), "batch %lld shred 1", (long long)a);
	assert_string_equal(w.line[0], want);
	snprintf(want, sizeof(want), "batch %lld  0", (long long)b);
	assert_string_equal(w.line[1], want);
	/* Before every batch, and between a start and its close. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    ledger_disposal_between_each(t->l, 0, 100, batch_fn, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(
	    ledger_disposal_between_each(t->l, 101, 200, batch_fn, &w), 0);
	assert_int_equal(w.n, 0);
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(
	    ledger_disposal_between_each(t->l, 0, 1000, batch_fn, &w), 22);
	assert_int_equal(w.n, 1);
}

/* In the caller's transaction a scanned card goes with it. */
static void add_rolled_back(void **state)
{
	struct testdb *t = *state;
	struct fx f;
	int64_t id;

	people_and_cards(t, &f);
	assert_int_equal(ledger_disposal_start(t->l, f.s, f.m, 100, &id), 0);
	assert_int_equal(ledger_begin(t->l), 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 110, 1),
			 0);
	assert_int_equal(ledger_disposal_has(t->l, id, f.c1), 1);
	assert_int_equal(ledger_rollback(t->l), 0);
	assert_int_equal(ledger_disposal_has(t->l, id, f.c1), 0);
	assert_int_equal(testdb_audits(t, "dispose.scan", NULL), 0);
	assert_int_equal(ledger_disposal_add(t->l, id, f.c1, "C1", "moved",
					     DATE_NONE, f.s, 111, 1),
			 0);
	assert_int_equal(testdb_int(t, "SELECT safe_closed FROM disposal"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, testdb_setup, testdb_teardown)
	    T(cards_in_storage),
	    T(cards_in_storage_counts),
	    T(batch_start_add_get),
	    T(add_refused_to_closed_or_unknown_batch),
	    T(close_disposes_every_card),
	    T(close_refusals),
	    T(close_all_or_nothing),
	    T(list_batches_and_cards),
	    T(batches_between),
	    T(add_rolled_back),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
