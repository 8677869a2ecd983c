/*
 * gen_ledger DB CSV PIN: a new ledger holding a year of a large office's
 * history (bench/run, measurement 5), written through the ledger's own
 * functions so that every row has its audit entry and `audit verify`
 * holds.  Every entry is dated in order, a second or more apart, over the
 * 13 months before now (one transaction a month):
 *   - the ledger, its manager M01 with PIN, and the stock list CSV
 *     imported (UTF-8), 13 months ago;
 *   - 40 staff (S001..S040) and 5 managers (M02..M06), with the same PIN;
 *     a required course; everyone trained except every tenth;
 *   - key holders MANAGER and M02; four key openings a month;
 *   - a partial count a month over the trays i with i % 12 == month, each
 *     range assigned in rotation and every card in it read, except one in
 *     5,000 (missing); closed with a witness;
 *   - 100 checkouts a month, returned the same day but 3 left out in the
 *     last month (so a tally has work);
 *   - a disposal batch a month of 20 cards due by their reminder;
 *   - a 12-month cycle plan (tray i in month i % 12).
 * Prints what it wrote on stdout.  This is setup, not what bench/run
 * measures.
 */
#include "../data/import.h"
#include "../data/ledger_int.h"
#include "../reconcile/rules.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MONTHS	  12
#define NSTAFF	  40
#define NMANAGERS 5
#define DAY	  86400

struct tray {
	int64_t id;
	char *path;
};

static void die(struct ledger *l, const char *what)
{
	fprintf(stderr, "gen_ledger: %s: %s\n", what,
		l ? ledger_errmsg(l) : "failed");
	exit(1);
}

static int64_t staff_id(struct ledger *l, const char *code)
{
	struct staff_rec s;

	if (ledger_staff_get(l, code, &s) < 0)
		die(l, code);
	return s.id;
}

static struct tray *load_trays(struct ledger *l, size_t *n)
{
	sqlite3_stmt *st;
	struct tray *t = NULL;
	size_t cap = 0;

	*n = 0;
	if (ledger_prepare(l,
			   "SELECT id, path FROM location WHERE id IN "
			   "(SELECT DISTINCT location_id FROM card) ORDER BY "
			   "path",
			   &st) < 0)
		die(l, "trays");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			t = realloc(t, cap * sizeof(*t));
			if (!t)
				die(NULL, "out of memory");
		}
		t[*n].id = sqlite3_column_int64(st, 0);
		t[*n].path = strdup((const char *)sqlite3_column_text(st, 1));
		(*n)++;
	}
	sqlite3_finalize(st);
	return t;
}

/* Reads every card stored in tray t into the count, but one in 5,000,
 * a second apart from *at on. */
static int64_t read_tray(struct ledger *l, struct ledger_scanner *sc,
			 sqlite3_stmt *cards, const struct tray *t,
			 int64_t who, int64_t *at)
{
	int64_t n = 0;

	sqlite3_reset(cards);
	sqlite3_bind_int64(cards, 1, t->id);
	while (sqlite3_step(cards) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(cards, 0);

		if (id % 5000 == 7)
			continue;
		if (ledger_scanner_record(
			sc, t->id, (const char *)sqlite3_column_text(cards, 1),
			id, who, (*at)++, "accepted", NULL, 0, "uid", 1) < 0)
			die(l, "read");
		n++;
	}
	return n;
}

/* The ledger, its manager M01 and its cards, at time at. */
static struct ledger *create(const char *db, const char *csv, const char *pin,
			     int64_t at)
{
	struct import_opts opts = {
	    .encoding = IMPORT_ENC_UTF8,
	    .actor_id = 1,
	    .now = at,
	    .status_rule = recon_import_status_rule,
	};
	struct import_result res;
	struct ledger *l;
	char err[256], hash[crypto_pwhash_STRBYTES], *buf;
	size_t len;
	FILE *f;

	/* The cost cardtally itself gives a PIN (scanner/workflow/wf_staff.c:
	 * Argon2id, 3 passes over 8 MiB); libsodium's interactive limit
	 * (64 MiB) made every command that checks a PIN peak at 70 MiB,
	 * the generator's doing, not cardtally's. */
	if (sodium_init() < 0 ||
	    crypto_pwhash_str_alg(hash, pin, strlen(pin), 3, 8u << 20,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		die(NULL, "PIN hash");
	if (ledger_create(db, &l, err, sizeof(err)) < 0) {
		fprintf(stderr, "gen_ledger: %s\n", err);
		exit(1);
	}
	if (ledger_begin(l) < 0 ||
	    ledger_staff_add(l, "M01", "Bench", ROLE_MANAGER, hash, 0, at) <
		0 ||
	    ledger_audit(l, 0, at, "ledger.init", db, NULL) < 0 ||
	    ledger_commit(l) < 0)
		die(l, "init");
	f = fopen(csv, "rb");
	if (!f || import_read(f, &buf, &len, err, sizeof(err)) < 0) {
		fprintf(stderr, "gen_ledger: %s: %s\n", csv,
			f ? err : "cannot open");
		exit(1);
	}
	fclose(f);
	memset(&res, 0, sizeof(res));
	if (ledger_begin(l) < 0 || import_run(l, buf, len, &opts, &res) < 0 ||
	    ledger_commit(l) < 0) {
		fprintf(stderr, "gen_ledger: import: %zu problems%s%s\n",
			res.nproblems, res.nproblems ? ", first: " : "",
			res.nproblems ? res.problems[0].reason : "");
		die(l, "import");
	}
	import_result_free(&res);
	free(buf);
	return l;
}

int main(int argc, char **argv)
{
	struct ledger *l;
	struct staff_rec mgr;
	struct course_rec course = {0};
	struct tray *trays;
	sqlite3_stmt *cards, *out, *due;
	char code[16];
	int64_t now = (int64_t)time(NULL), start, at, reads = 0, moves = 0;
	int64_t disposed = 0, managers[NMANAGERS + 1], staff[NSTAFF];
	size_t ntrays;

	if (argc != 4) {
		fprintf(stderr, "usage: gen_ledger DB CSV PIN\n");
		return 2;
	}
	start = now - (MONTHS + 1) * 30 * (int64_t)DAY;
	l = create(argv[1], argv[2], argv[3], start);
	at = start + 60;
	if (ledger_staff_get(l, "M01", &mgr) < 0)
		die(l, "M01");
	trays = load_trays(l, &ntrays);
	if (ntrays == 0)
		die(l, "no cards in the stock list");

	/* People, training, key holders, the cycle plan. */
	if (ledger_begin(l) < 0)
		die(l, "begin");
	managers[0] = mgr.id;
	for (int i = 0; i < NMANAGERS; i++) {
		snprintf(code, sizeof(code), "M%02d", i + 2);
		if (ledger_staff_add(l, code, code, ROLE_MANAGER, mgr.pin_hash,
				     mgr.id, at++) < 0)
			die(l, code);
		managers[i + 1] = staff_id(l, code);
	}
	for (int i = 0; i < NSTAFF; i++) {
		snprintf(code, sizeof(code), "S%03d", i + 1);
		if (ledger_staff_add(l, code, code, ROLE_STAFF, mgr.pin_hash,
				     mgr.id, at++) < 0)
			die(l, code);
		staff[i] = staff_id(l, code);
	}
	snprintf(course.code, sizeof(course.code), "CARDS");
	snprintf(course.name, sizeof(course.name), "Card handling");
	course.valid_days = 730;
	if (ledger_course_add(l, &course, mgr.id, at++) < 0 ||
	    ledger_course_require(l, "CARDS", mgr.id, at++) < 0)
		die(l, "course");
	for (int i = 0; i < NMANAGERS + 1; i++)
		if (ledger_training_record(l, "CARDS", managers[i],
					   date_of_time(start, 32400), mgr.id,
					   at++) < 0)
			die(l, "training");
	for (int i = 0; i < NSTAFF; i++)
		if (i % 10 != 9 &&
		    ledger_training_record(l, "CARDS", staff[i],
					   date_of_time(start, 32400), mgr.id,
					   at++) < 0)
			die(l, "training");
	if (ledger_key_holder_add(l, mgr.id, 1, mgr.id, at++) < 0 ||
	    ledger_key_holder_add(l, managers[1], 2, mgr.id, at++) < 0)
		die(l, "key holders");
	{
		const char **paths = calloc(ntrays, sizeof(*paths));
		int32_t *month = calloc(ntrays, sizeof(*month));
		int64_t plan;

		if (!paths || !month)
			die(NULL, "out of memory");
		for (size_t i = 0; i < ntrays; i++) {
			paths[i] = trays[i].path;
			month[i] = (int32_t)(i % MONTHS);
		}
		if (ledger_cycle_save(l, date_of_time(start + 30 * DAY, 32400),
				      MONTHS, paths, month, ntrays, mgr.id,
				      at++, &plan) < 0)
			die(l, "cycle plan");
		free(paths);
		free(month);
	}
	if (ledger_commit(l) < 0)
		die(l, "commit");

	if (ledger_prepare(l,
			   "SELECT id, serial FROM card WHERE location_id = ? "
			   "AND status = 'stored' ORDER BY id",
			   &cards) < 0 ||
	    ledger_prepare(l,
			   "SELECT mgmt_id FROM card WHERE status = 'stored' "
			   "AND id % 997 = ?1 ORDER BY id LIMIT 100",
			   &out) < 0 ||
	    ledger_prepare(l,
			   "SELECT id, mgmt_id FROM card WHERE status = "
			   "'stored' AND reminder_sent IS NOT NULL AND "
			   "reminder_sent < date(?1, 'unixepoch', '-90 days') "
			   "AND id % 7 = 3 ORDER BY id LIMIT 20",
			   &due) < 0)
		die(l, "prepare");

	for (int m = 0; m < MONTHS; m++) {
		struct custody_item *items;
		const char **ranges = calloc(ntrays / MONTHS + 1,
					     sizeof(*ranges));
		size_t nr = 0, k = 0, nout = 0;
		struct ledger_scanner *sc;
		int64_t sid, batch, n;

		items = calloc(100, sizeof(*items));
		if (!ranges || !items)
			die(NULL, "out of memory");
		at = start + (m + 1) * 30 * (int64_t)DAY + 9 * 3600;
		if (ledger_begin(l) < 0)
			die(l, "begin");
		for (int o = 0; o < 4; o++) {
			struct key_opening_rec rec;
			int64_t kid;

			if (ledger_key_open(l, mgr.id, managers[1], "count",
					    at, &kid) < 0 ||
			    ledger_key_record(l, kid, 60, 510, 1035, -1,
					      mgr.id, at) < 0 ||
			    ledger_key_close(l, mgr.id, at + 1800, &rec) < 0 ||
			    ledger_key_record(l, kid, 60, 510, 1035, 0, mgr.id,
					      at + 1800) < 0)
				die(l, "key log");
			at += 3600;
		}
		for (size_t i = (size_t)m; i < ntrays; i += MONTHS)
			ranges[nr++] = trays[i].path;
		if (ledger_session_start(l, SESSION_PARTIAL, ranges, nr,
					 mgr.id, at++, &sid) < 0)
			die(l, "count start");
		if (ledger_scanner_open(l, sid, &sc) < 0)
			die(l, "scanner");
		for (size_t i = (size_t)m; i < ntrays; i += MONTHS, k++) {
			int who = (int)((k + (size_t)m) % NSTAFF);

			if (who % 10 == 9)
				who--;
			snprintf(code, sizeof(code), "S%03d", who + 1);
			if (ledger_session_assign(l, sid, trays[i].path, code,
						  mgr.id, at++) < 0)
				die(l, "assign");
			reads += read_tray(l, sc, cards, &trays[i], staff[who],
					   &at);
		}
		ledger_scanner_close(sc);
		if (ledger_session_close(l, sid, mgr.id, managers[1], at++) <
		    0)
			die(l, "count close");

		/* Checkouts to the window, all returned but 3 in the last
		 * month. */
		sqlite3_reset(out);
		sqlite3_bind_int64(out, 1, m * 13 % 997);
		while (sqlite3_step(out) == SQLITE_ROW && nout < 100) {
			struct custody_item *it = &items[nout++];

			if (ledger_custody_get(
				l, 0, (const char *)sqlite3_column_text(out, 0),
				it) < 0 ||
			    ledger_custody_record(l, it, "checkout",
						  CARD_CHECKED_OUT, NULL,
						  date_of_time(at, 32400),
						  staff[0], at, 0) < 0)
				die(l, "checkout");
			at++;
			moves++;
		}
		for (size_t i = m == MONTHS - 1 ? 3 : 0; i < nout; i++) {
			if (ledger_custody_record(l, &items[i], "return",
						  CARD_STORED, NULL, DATE_NONE,
						  staff[0], at++, 0) < 0)
				die(l, "return");
			moves++;
		}

		/* A disposal batch of cards due by their reminder. */
		if (ledger_disposal_start(l, mgr.id, managers[1], at++,
					  &batch) < 0)
			die(l, "disposal start");
		sqlite3_reset(due);
		sqlite3_bind_int64(due, 1, at);
		while (sqlite3_step(due) == SQLITE_ROW)
			if (ledger_disposal_add(
				l, batch, sqlite3_column_int64(due, 0),
				(const char *)sqlite3_column_text(due, 1),
				"reminder", DATE_NONE, mgr.id, at++, 0) < 0)
				die(l, "disposal add");
		if (ledger_disposal_close(l, batch, "shred", NULL, mgr.id,
					  managers[1], at++, &n) < 0)
			die(l, "disposal close");
		disposed += n;
		if (ledger_commit(l) < 0)
			die(l, "commit");
		free(ranges);
		free(items);
	}
	sqlite3_finalize(cards);
	sqlite3_finalize(out);
	sqlite3_finalize(due);
	printf("gen_ledger: %zu trays, %d staff, %d counts, %lld reads, "
	       "%lld custody events, %lld cards disposed\n",
	       ntrays, NSTAFF + NMANAGERS + 1, MONTHS, (long long)reads,
	       (long long)moves, (long long)disposed);
	for (size_t i = 0; i < ntrays; i++)
		free(trays[i].path);
	free(trays);
	ledger_close(l);
	return 0;
}
