/*
 * Tests of the stock list import (data/import.c) against real ledgers: each
 * test creates a fresh ledger file in a temporary directory, imports CSV
 * buffers built here byte by byte (CP932 included), and checks the exact
 * problems reported and what the ledger holds afterwards.
 *
 * What the ledger holds is read through the ledger API where one exists
 * (cards) and otherwise with a second, read-only SQLite connection to the
 * same file (location and audit counts, updated_at): the test looks at the
 * file from outside rather than trusting the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../data/import.h"
#include "../data/ledger_int.h" /* the connection, for its settings */
#include "tmpdir.h"
#include "../reconcile/rules.h"

#define NOW 1700000000

struct fixture {
	char dir[64];
	char path[96];
	struct ledger *l;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[256];

	if (!fx)
		return -1;
	if (test_mkdtemp(fx->dir, sizeof(fx->dir), "test_import") < 0) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/ledger.db", fx->dir);
	if (ledger_create(fx->path, &fx->l, err, sizeof(err)) < 0) {
		print_error("ledger_create: %s\n", err);
		rmdir(fx->dir);
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[128];

	ledger_close(fx->l);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", fx->path, suffixes[i]);
		unlink(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static int run_opts(struct fixture *fx, const char *csv, size_t len,
		    enum import_encoding enc, int dry_run, int64_t now,
		    struct import_result *res)
{
	struct import_opts opts = {
	    .encoding = enc,
	    .dry_run = dry_run,
	    .actor_id = 0,
	    .now = now,
	    .status_rule = recon_import_status_rule,
	};

	return import_run(fx->l, csv, len, &opts, res);
}

/* Imports a string literal (its length includes any embedded NUL). */
#define RUN(fx, lit, res)                                                      \
	run_opts(fx, lit, sizeof(lit) - 1, IMPORT_ENC_AUTO, 0, NOW, res)
#define RUN_ENC(fx, lit, enc, res)                                             \
	run_opts(fx, lit, sizeof(lit) - 1, enc, 0, NOW, res)

struct want {
	long line;
	const char *column;
	const char *reason;
};

static void dump_problems(const struct import_result *res)
{
	print_error("got %zu problem(s):\n", res->nproblems);
	for (size_t i = 0; i < res->nproblems; i++)
		print_error("  %ld: %s: %s\n", res->problems[i].line,
			    res->problems[i].column, res->problems[i].reason);
}

static void expect_problems(const struct import_result *res,
			    const struct want *w, size_t n)
{
	int ok = res->nproblems == n;

	for (size_t i = 0; ok && i < n; i++)
		ok = res->problems[i].line == w[i].line &&
		     strcmp(res->problems[i].column, w[i].column) == 0 &&
		     strcmp(res->problems[i].reason, w[i].reason) == 0;
	/* The parts a front end translates make the same reason. */
	for (size_t i = 0; ok && i < res->nproblems; i++) {
		const struct import_problem *p = &res->problems[i];
		char again[sizeof(p->reason)];

		import_problem_text(p, p->fmt, NULL, again, sizeof(again));
		if (strcmp(again, p->reason) != 0)
			fail_msg("line %ld: parts make '%s', reason '%s'",
				 p->line, again, p->reason);
	}
	if (ok)
		return;
	dump_problems(res);
	print_error("expected %zu:\n", n);
	for (size_t i = 0; i < n; i++)
		print_error("  %ld: %s: %s\n", w[i].line, w[i].column,
			    w[i].reason);
	fail();
}

#define EXPECT_PROBLEMS(res, ...)                                              \
	expect_problems(res, (const struct want[]){__VA_ARGS__},               \
			sizeof((const struct want[]){__VA_ARGS__}) /           \
			    sizeof(struct want))

/* Asserts IMPORT_OK, printing the problems when it is not. */
static void expect_ok(int rc, const struct import_result *res)
{
	if (rc != IMPORT_OK)
		dump_problems(res);
	assert_int_equal(rc, IMPORT_OK);
	assert_int_equal(res->nproblems, 0);
}

/* One integer from the ledger file, through a separate connection. */
static int64_t query(struct fixture *fx, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(
	    sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Text of one value, through a separate connection, into out. */
static void query_text(struct fixture *fx, const char *sql, char *out,
		       size_t outlen)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	out[0] = '\0';
	assert_int_equal(
	    sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, outlen, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The bytes of the ledger file and its WAL, to prove nothing was written.
 * Returns a malloc'ed buffer of *len bytes. */
static char *snapshot(struct fixture *fx, size_t *len)
{
	static const char *const suffixes[] = {"", "-wal"};
	char *buf = NULL, p[128];

	*len = 0;
	for (size_t i = 0; i < 2; i++) {
		FILE *f;
		long n;

		snprintf(p, sizeof(p), "%s%s", fx->path, suffixes[i]);
		f = fopen(p, "rb");
		if (!f)
			continue;
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		n = ftell(f);
		rewind(f);
		buf = realloc(buf, *len + (size_t)n + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf + *len, 1, (size_t)n, f), (size_t)n);
		*len += (size_t)n;
		fclose(f);
	}
	return buf;
}

/* Removes every card and location through a second connection, so that a
 * table-driven test starts each row from an empty stock. */
static void wipe(struct fixture *fx)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "DELETE FROM card; DELETE FROM location",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
}

static int64_t n_cards(struct fixture *fx)
{
	return ledger_card_count(fx->l);
}

static int64_t n_locations(struct fixture *fx)
{
	return query(fx, "SELECT count(*) FROM location");
}

static int64_t n_audit(struct fixture *fx)
{
	return query(fx, "SELECT count(*) FROM audit WHERE action = 'import'");
}

/* Audit entries of single cards' status changes. */
static int64_t n_status_audit(struct fixture *fx)
{
	return query(fx, "SELECT count(*) FROM audit WHERE action = "
			 "'import.status'");
}

/* The card table's indexes: a bulk import drops and rebuilds them, and a
 * failed one must leave them as they were. */
static int64_t n_card_indexes(struct fixture *fx)
{
	return query(fx, "SELECT count(*) FROM sqlite_master WHERE "
			 "type = 'index' AND tbl_name = 'card' AND name IN "
			 "('card_mgmt', 'card_serial', 'card_location')");
}

static int32_t day(const char *s)
{
	int32_t d;

	assert_int_equal(date_parse(s, strlen(s), &d), 0);
	return d;
}

static void get_card(struct fixture *fx, const char *mgmt, struct card_rec *c)
{
	int rc = ledger_card_by_mgmt(fx->l, mgmt, c);

	if (rc != 0)
		print_error("card %s: %s\n", mgmt, ledger_errmsg(fx->l));
	assert_int_equal(rc, 0);
}

static const char good_csv[] =
    "mgmt_id,serial,location,received,notice_sent,reminder_sent,status\n"
    "M000001,04a1b2c3,SAFE1/S1/T01,2024-01-15,2024-01-20,,\n"
    "M000002,123456789012,SAFE1/S1/T02,2024-02-29,,,issued\n"
    "M000003,0A0B0C0D,SAFE1/S2/T01,2024-03-01,2024-03-05,2024-04-05,"
    "stored\n";

static void check_good_cards(struct fixture *fx)
{
	struct card_rec c;

	assert_int_equal(n_cards(fx), 3);
	get_card(fx, "M000001", &c);
	assert_string_equal(c.serial, "04A1B2C3");
	assert_string_equal(c.location, "SAFE1/S1/T01");
	assert_int_equal(c.status, CARD_STORED);
	assert_int_equal(c.received, day("2024-01-15"));
	assert_int_equal(c.notice_sent, day("2024-01-20"));
	assert_int_equal(c.reminder_sent, DATE_NONE);
	get_card(fx, "M000002", &c);
	assert_string_equal(c.serial, "123456789012");
	assert_string_equal(c.location, "SAFE1/S1/T02");
	assert_int_equal(c.status, CARD_ISSUED);
	assert_int_equal(c.received, day("2024-02-29"));
	assert_int_equal(c.notice_sent, DATE_NONE);
	get_card(fx, "M000003", &c);
	assert_string_equal(c.serial, "0A0B0C0D");
	assert_int_equal(c.reminder_sent, day("2024-04-05"));
	/* SAFE1, SAFE1/S1, SAFE1/S2 and three trays. */
	assert_int_equal(n_locations(fx), 6);
}

static void test_good_utf8(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	char detail[128];
	int rc = RUN(fx, good_csv, &res);

	expect_ok(rc, &res);
	assert_int_equal(res.detected, IMPORT_ENC_UTF8);
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.added, 3);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, 0);
	check_good_cards(fx);
	assert_int_equal(query(fx, "SELECT count(*) FROM card "
				   "WHERE updated_at = 1700000000"),
			 3);
	assert_int_equal(n_audit(fx), 1);
	query_text(fx, "SELECT detail FROM audit WHERE action = 'import'",
		   detail, sizeof(detail));
	assert_string_equal(detail, "rows=3 added=3 updated=0 unchanged=0 "
				    "encoding=utf-8");
	import_result_free(&res);
}

static void test_bom(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	static const char bom_csv[] =
	    "\xef\xbb\xbfmgmt_id,serial,location,received\n"
	    "M1,01,\xe9\x87\x91\xe5\xba\xab/S1,2024-01-01\n";
	struct card_rec c;
	int rc = RUN(fx, bom_csv, &res);

	expect_ok(rc, &res);
	assert_int_equal(res.detected, IMPORT_ENC_UTF8);
	assert_int_equal(res.added, 1);
	get_card(fx, "M1", &c);
	assert_string_equal(c.location, "金庫/S1");
	import_result_free(&res);

	/* Forced utf-8 strips the BOM too: same file, nothing new. */
	rc = RUN_ENC(fx, bom_csv, IMPORT_ENC_UTF8, &res);
	expect_ok(rc, &res);
	assert_int_equal(res.unchanged, 1);
	import_result_free(&res);

	/* A BOM followed by the header alone: no rows, no problem. */
	rc = RUN_ENC(fx, "\xef\xbb\xbfmgmt_id,serial,location,received\n",
		     IMPORT_ENC_UTF8, &res);
	expect_ok(rc, &res);
	assert_int_equal(res.rows, 0);
	import_result_free(&res);
}

static void test_bom_with_cp932(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN_ENC(fx,
			 "\xef\xbb\xbfmgmt_id,serial,location,received\n"
			 "M1,01,S1,2024-01-01\n",
			 IMPORT_ENC_CP932, &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "file",
			       "starts with a UTF-8 byte order mark, but the "
			       "encoding is cp932"});
	assert_int_equal(n_cards(fx), 0);
	import_result_free(&res);
}

/* 金庫 = 8B E0 8C C9, 表 = 95 5C (a backslash trail byte), 棚 = 92 49. */
static const char cp932_csv[] = "mgmt_id,serial,location,received\r\n"
				"M1,01,\x8b\xe0\x8c\xc9/\x92\x49"
				"1,2024-01-01\r\n"
				"M2,02,\x8b\xe0\x8c\xc9/\x92\x49"
				"1,2024-01-02\r\n"
				"M3,03,\x95\x5c/A,2024-01-03\r\n"
				"M4,04,\"\x8b\xe0\x8c\xc9/\x92\x49"
				"2\",2024-01-04\r\n";

static void check_cp932_cards(struct fixture *fx)
{
	struct card_rec c;

	assert_int_equal(n_cards(fx), 4);
	get_card(fx, "M1", &c);
	assert_string_equal(c.location, "金庫/棚1");
	get_card(fx, "M2", &c);
	assert_string_equal(c.location, "金庫/棚1");
	get_card(fx, "M3", &c);
	assert_string_equal(c.location, "表/A");
	get_card(fx, "M4", &c);
	assert_string_equal(c.location, "金庫/棚2");
	assert_int_equal(c.received, day("2024-01-04"));
	/* 金庫, 金庫/棚1, 金庫/棚2, 表, 表/A */
	assert_int_equal(n_locations(fx), 5);
}

static void test_cp932_auto(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx, cp932_csv, &res);

	expect_ok(rc, &res);
	assert_int_equal(res.detected, IMPORT_ENC_CP932);
	assert_int_equal(res.added, 4);
	check_cp932_cards(fx);
	import_result_free(&res);
}

static void test_cp932_forced(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN_ENC(fx, cp932_csv, IMPORT_ENC_CP932, &res);

	expect_ok(rc, &res);
	assert_int_equal(res.detected, IMPORT_ENC_CP932);
	check_cp932_cards(fx);
	import_result_free(&res);

	/* A pure-ASCII file forced to cp932 is reported as cp932. */
	rc = RUN_ENC(fx, "mgmt_id,serial,location,received\n", IMPORT_ENC_CP932,
		     &res);
	expect_ok(rc, &res);
	assert_int_equal(res.detected, IMPORT_ENC_CP932);
	import_result_free(&res);
}

/*
 * Every row's encoding is proven (issue 13): one table row per file, its
 * encoding option, and what the import must say.  金庫 is E9 87 91 E5 BA AB
 * in UTF-8 (which CP932 also reads, as garble) and 8B E0 8C C9 in CP932;
 * ﾊｺ/ﾏｽ1 is CA BA 2F CF BD 31 in CP932 (which UTF-8 reads as U+02BA and
 * U+03FD); é is C3 A9 in UTF-8 and ﾃｩ in CP932.
 */
#define U8_KINKO "\xe9\x87\x91\xe5\xba\xab"
#define SJ_KINKO "\x8b\xe0\x8c\xc9"
#define SJ_HAKO                                                                \
	"\xca\xba/\xcf\xbd"                                                    \
	"1"
#define ENC_HDR "mgmt_id,serial,location,received\n"

struct enc_case {
	const char *name;
	const char *csv;
	enum import_encoding enc;
	enum import_encoding detected;
	const char *location; /* of M1 when the file is good */
	size_t nproblems;     /* 0: the file is good */
	struct want problem[2];
};

static const struct enc_case enc_cases[] = {
    {"utf-8 rows, then cp932 rows",
     ENC_HDR "M1,01," U8_KINKO "/T1,2024-01-01\n"
	     "M2,02," U8_KINKO "/T2,2024-01-01\n"
	     "M3,03," SJ_KINKO "/T1,2024-01-01\n"
	     "M4,04," SJ_KINKO "/T2,2024-01-01\n",
     IMPORT_ENC_AUTO,
     IMPORT_ENC_UTF8,
     NULL,
     2,
     {{4, "location",
       "CP932 text, but the file is UTF-8 (line 2): save the whole list in "
       "one encoding"},
      {5, "location",
       "CP932 text, but the file is UTF-8 (line 2): save the whole list in "
       "one encoding"}}},
    {"cp932 rows, then utf-8 rows (which cp932 reads as garble)",
     ENC_HDR "M1,01," SJ_KINKO "/T1,2024-01-01\n"
	     "M2,02," U8_KINKO "/T2,2024-01-01\n",
     IMPORT_ENC_AUTO,
     IMPORT_ENC_CP932,
     NULL,
     1,
     {{3, "location",
       "UTF-8 text, but the file is CP932 (line 2): save the whole list in "
       "one encoding"}}},
    {"cp932 with half-width katakana only",
     ENC_HDR "M1,01," SJ_HAKO ",2024-01-01\n",
     IMPORT_ENC_AUTO,
     IMPORT_ENC_CP932,
     "ハコ/マス1",
     0,
     {{0}}},
    {"--encoding cp932 on a utf-8 file",
     ENC_HDR "M1,01," U8_KINKO "/T1,2024-01-01\n",
     IMPORT_ENC_CP932,
     IMPORT_ENC_CP932,
     NULL,
     1,
     {{2, "location",
       "UTF-8 text, not CP932 as --encoding says: it would be stored "
       "garbled"}}},
    {"--encoding utf-8 on a half-width katakana cp932 file",
     ENC_HDR "M1,01," SJ_HAKO ",2024-01-01\n",
     IMPORT_ENC_UTF8,
     IMPORT_ENC_UTF8,
     NULL,
     1,
     {{2, "location",
       "CP932 text, not UTF-8 as --encoding says: it would be stored "
       "garbled"}}},
    {"a byte order mark, then cp932 rows",
     "\xef\xbb\xbf" ENC_HDR "M1,01," U8_KINKO "/T1,2024-01-01\n"
     "M2,02," SJ_KINKO "/T1,2024-01-01\n",
     IMPORT_ENC_AUTO,
     IMPORT_ENC_UTF8,
     NULL,
     1,
     {{3, "location",
       "CP932 text, but the file is UTF-8 (byte order mark): save the whole "
       "list in one encoding"}}},
    {"text that reads as either, nothing to settle it",
     ENC_HDR "M1,01,Caf\xc3\xa9/T1,2024-01-01\n",
     IMPORT_ENC_AUTO,
     IMPORT_ENC_UTF8,
     NULL,
     1,
     {{2, "location",
       "reads as UTF-8 'Café/T1' or as CP932 'Cafﾃｩ/T1': give --encoding "
       "utf-8 or cp932"}}},
    {"the same, given as utf-8",
     ENC_HDR "M1,01,Caf\xc3\xa9/T1,2024-01-01\n",
     IMPORT_ENC_UTF8,
     IMPORT_ENC_UTF8,
     "Café/T1",
     0,
     {{0}}},
    {"the same, given as cp932",
     ENC_HDR "M1,01,Caf\xc3\xa9/T1,2024-01-01\n",
     IMPORT_ENC_CP932,
     IMPORT_ENC_CP932,
     "Cafテゥ/T1",
     0,
     {{0}}},
    {"text that reads as either, settled by a later line",
     ENC_HDR "M1,01,Caf\xc3\xa9/T1,2024-01-01\n"
	     "M2,02," U8_KINKO "/T1,2024-01-01\n",
     IMPORT_ENC_AUTO,
     IMPORT_ENC_UTF8,
     "Café/T1",
     0,
     {{0}}},
    {"bytes neither reads, in a utf-8 file",
     ENC_HDR "M1,01," U8_KINKO "/T1,2024-01-01\n"
	     "M2,02,\xff/T1,2024-01-01\n",
     IMPORT_ENC_AUTO,
     IMPORT_ENC_UTF8,
     NULL,
     1,
     {{3, "location", "invalid UTF-8 byte sequence"}}},
};

static void test_encoding_proven(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
		const struct enc_case *t = &enc_cases[i];
		struct import_result res;
		struct card_rec c;
		int rc =
		    run_opts(fx, t->csv, strlen(t->csv), t->enc, 0, NOW, &res);

		print_message("# %s\n", t->name);
		assert_int_equal(res.detected, t->detected);
		if (t->nproblems) {
			assert_int_equal(rc, IMPORT_ERR_INVALID);
			expect_problems(&res, t->problem, t->nproblems);
			assert_int_equal(n_cards(fx), 0);
			assert_int_equal(n_locations(fx), 0);
		} else {
			expect_ok(rc, &res);
			get_card(fx, "M1", &c);
			assert_string_equal(c.location, t->location);
			/* The next row starts from an empty ledger. */
			wipe(fx);
		}
		import_result_free(&res);
	}
}

/*
 * Location paths in one normal form (issue 13): NFKC, invisible characters
 * dropped, and the look-alikes that NFKC keeps apart mapped to what a
 * Windows export gives (doc/operations.md "Location paths").  NULL stored:
 * the value is refused with `reason`.
 */
static const struct {
	const char *raw, *stored, *reason;
} loc_cases[] = {
    {"金庫～1", "金庫~1", NULL},  /* U+FF5E, CP932 81 60 */
    {"金庫〜1", "金庫~1", NULL},  /* U+301C, a Mac's 81 60 */
    {"金庫¥1", "金庫\\1", NULL},  /* U+00A5, a Mac's yen */
    {"金庫￥1", "金庫\\1", NULL}, /* U+FFE5 */
    {"棚－1", "棚-1", NULL},	  /* U+FF0D, CP932 81 7C */
    {"棚−1", "棚-1", NULL},	  /* U+2212, a Mac's 81 7C */
    {"A―B", "A―B", NULL},	  /* U+2015, CP932 81 5C */
    {"A—B", "A―B", NULL},	  /* U+2014, a Mac's 81 5C */
    {"棚∥1", "棚∥1", NULL},	  /* U+2225, CP932 81 61 */
    {"棚‖1", "棚∥1", NULL},	  /* U+2016, a Mac's 81 61 */
    {"金庫　１/ＴＲＡＹ０１", "金庫 1/TRAY01", NULL}, /* full width */
    {"金庫／棚1", "金庫/棚1", NULL},		      /* a level */
    {"金\xe2\x80\x8b庫1\xef\xbb\xbf", "金庫1", NULL}, /* ZWSP, ZWNBSP */
    {"ｶﾞｰﾄﾞ1", "ガード1", NULL},		      /* half width */
    {"金庫\xe2\x80\xae"
     "1",
     NULL,
     "character U+202E (invisible, or it reorders text on screen) in the "
     "path"},
    {"金庫\xc2\x85"
     "1",
     NULL,
     "character U+0085 (invisible, or it reorders text on screen) in the "
     "path"},
    {"金庫，1", NULL, "',' is not allowed in a path: 金庫,1"},
    {"金庫／／1", NULL, "empty level: 金庫//1"},
};

static void test_location_normal_form(void **state)
{
	struct fixture *fx = *state;
	char csv[256];

	for (size_t i = 0; i < sizeof(loc_cases) / sizeof(loc_cases[0]); i++) {
		struct import_result res;
		struct card_rec c;
		int rc;

		snprintf(csv, sizeof(csv), ENC_HDR "M1,01,%s,2024-01-01\n",
			 loc_cases[i].raw);
		print_message("# %s\n", loc_cases[i].raw);
		rc = run_opts(fx, csv, strlen(csv), IMPORT_ENC_UTF8, 0, NOW,
			      &res);
		if (loc_cases[i].stored) {
			expect_ok(rc, &res);
			get_card(fx, "M1", &c);
			assert_string_equal(c.location, loc_cases[i].stored);
			wipe(fx);
		} else {
			assert_int_equal(rc, IMPORT_ERR_INVALID);
			expect_problems(
			    &res,
			    &(struct want){2, "location", loc_cases[i].reason},
			    1);
			assert_int_equal(n_locations(fx), 0);
		}
		import_result_free(&res);
	}
}

/* The same list saved on Windows (CP932) and on a Mac (UTF-8, JIS's
 * table, a zero-width space, a full-width space): the same cards in the
 * same places, nothing changed, no twin location. */
static void test_same_list_windows_and_mac(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	static const char windows[] = "mgmt_id,serial,location,received\r\n"
				      "M1,01," SJ_KINKO "\x81\x60"
				      "1/\x92\x49\x81\x7c"
				      "1,2024-01-01\r\n"
				      "M2,02," SJ_KINKO "\\2/\x92\x49\x81\x40"
				      "2,2024-01-01\r\n";
	static const char mac[] = "mgmt_id,serial,location,received\n"
				  "M1,01,金庫〜1/棚−1,2024-01-01\n"
				  "M2,02,金\xe2\x80\x8b庫¥2/棚 2,2024-01-01\n";
	int64_t locations;
	struct card_rec c;
	int rc = RUN(fx, windows, &res);

	expect_ok(rc, &res);
	assert_int_equal(res.detected, IMPORT_ENC_CP932);
	get_card(fx, "M1", &c);
	assert_string_equal(c.location, "金庫~1/棚-1");
	get_card(fx, "M2", &c);
	assert_string_equal(c.location, "金庫\\2/棚 2");
	import_result_free(&res);
	locations = n_locations(fx);

	rc = RUN(fx, mac, &res);
	expect_ok(rc, &res);
	assert_int_equal(res.detected, IMPORT_ENC_UTF8);
	assert_int_equal(res.unchanged, 2);
	assert_int_equal(res.updated, 0);
	assert_int_equal(n_locations(fx), locations);
	import_result_free(&res);
}

static void test_columns_any_order(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx,
		     "\"received\",location,serial,\"mgmt_id\"\n"
		     "2024-05-06,SAFE2/S1,ab12,M-7_x\n",
		     &res);

	expect_ok(rc, &res);
	assert_int_equal(res.added, 1);
	get_card(fx, "M-7_x", &c);
	assert_string_equal(c.serial, "AB12");
	assert_string_equal(c.location, "SAFE2/S1");
	assert_int_equal(c.received, day("2024-05-06"));
	assert_int_equal(c.status, CARD_STORED);
	assert_int_equal(c.notice_sent, DATE_NONE);
	import_result_free(&res);
}

static void test_header_problems(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,colour,location,received,mgmt_id,,status\n"
		     "M1,red,SAFE1,2024-01-01,M1,,stored\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "colour", "unknown column"},
			{1, "mgmt_id", "duplicate column"},
			{1, "header", "column 6 has no name"});
	assert_int_equal(n_cards(fx), 0);
	import_result_free(&res);

	/* Column names are exact: case and blanks matter. */
	rc = RUN(fx, "MGMT_ID,serial,location,received, status\n", &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "MGMT_ID", "unknown column"},
			{1, " status", "unknown column"},
			{1, "mgmt_id", "missing required column"});
	import_result_free(&res);

	/* The serial is not required: cards without one await enrolment. */
	rc = RUN(fx, "mgmt_id\n", &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "location", "missing required column"},
			{1, "received", "missing required column"});
	import_result_free(&res);

	/* A long unknown name is cut to fit the column field. */
	rc = RUN(fx,
		 "mgmt_id,serial,location,received,"
		 "a_very_long_column_name_that_goes_on\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res, {1, "a_very_long_column_name_that...", "unknown column"});
	import_result_free(&res);

	/* The list's header with another separator is said as one problem,
	 * not as an unknown column and three missing ones. */
	rc = RUN(fx, "mgmt_id;serial;location;received\nM1;01;S1;2024-01-01\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "header",
			       "the columns are separated by ';', not by "
			       "commas: save the list as CSV "
			       "(comma-separated)"});
	import_result_free(&res);
	rc = RUN(fx, "location\tmgmt_id\treceived\n", &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "header",
			       "the columns are separated by tabs, not by "
			       "commas: save the list as CSV "
			       "(comma-separated)"});
	import_result_free(&res);
	/* ... but only when its first name is one of the list's. */
	rc = RUN(fx, "colour;size\n", &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	assert_string_equal(res.problems[0].reason, "unknown column");
	import_result_free(&res);
	assert_int_equal(n_cards(fx), 0);
}

static void test_duplicates_in_file(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received\n"
		     "M1,0a01,S1,2024-01-01\n"
		     "M2,0A02,S1,2024-01-01\n"
		     "M1,0A03,S1,2024-01-01\n"
		     "M4,0A01,S1,2024-01-01\n"
		     "M2,0a02,S1,2024-01-01\n"
		     "M1,0A04,S1,2024-01-01\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {4, "mgmt_id", "duplicate of line 2"},
			{5, "serial", "duplicate of line 2"},
			{6, "mgmt_id", "duplicate of line 3"},
			{6, "serial", "duplicate of line 3"},
			{7, "mgmt_id", "duplicate of line 2"});
	assert_int_equal(res.rows, 6);
	assert_int_equal(res.added, 0);
	assert_int_equal(n_cards(fx), 0);
	assert_int_equal(n_locations(fx), 0);
	import_result_free(&res);
}

static void test_conflicts_with_ledger(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received\n"
		     "M000123,04A1B2C3,S1,2024-01-01\n"
		     "M000124,04A1B2C4,S1,2024-01-01\n",
		     &res);

	expect_ok(rc, &res);
	import_result_free(&res);

	rc = RUN(fx,
		 "mgmt_id,serial,location,received\n"
		 "M000123,04A1B2C3,S2,2024-01-01\n"
		 "M000124,FFFF,S1,2024-01-01\n"
		 "M000999,04a1b2c4,S1,2024-01-01\n"
		 "M000998,0001,S3,2024-01-01\n"
		 "M000124,04A1B2C4,S1,2024-01-01\n"
		 "M000123,04A1B2C4,S1,2024-01-01\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res, {3, "mgmt_id", "already in the ledger with serial 04A1B2C4"},
	    {4, "serial", "serial already belongs to M000124 in the ledger"},
	    {6, "mgmt_id", "duplicate of line 3"},
	    {6, "serial", "duplicate of line 4"},
	    {7, "mgmt_id", "duplicate of line 2"},
	    {7, "serial", "duplicate of line 4"});
	assert_int_equal(n_cards(fx), 2);
	/* Row 2 moved M000123 to S2, row 5 added S3: both rolled back. */
	get_card(fx, "M000123", &c);
	assert_string_equal(c.location, "S1");
	assert_int_equal(ledger_location_find(fx->l, "S2", &c.location_id),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(n_locations(fx), 1);
	assert_int_equal(n_audit(fx), 1);
	import_result_free(&res);
}

/* The dates rule of the workflow (recon_import_dates_rule) on the day of
 * the import: a row's dates that cannot be are that row's problem, in the
 * column of the first date at fault; a dry run finds them as well. */
static void test_dates_weighed(void **state)
{
	static const char csv[] =
	    "mgmt_id,serial,location,received,notice_sent,reminder_sent\n"
	    "M1,01,S1,2024-06-01,2024-06-01,\n"
	    "M2,02,S1,2024-06-02,,\n"
	    "M3,03,S1,2024-05-10,2024-05-09,\n"
	    "M4,04,S1,2024-05-10,2024-05-12,2024/5/11\n"
	    "M5,05,S1,2024-05-10,,2024-05-09\n";
	struct fixture *fx = *state;
	struct import_result res;
	struct import_opts opts = {
	    .encoding = IMPORT_ENC_AUTO,
	    .now = NOW,
	    .status_rule = recon_import_status_rule,
	    .dates_rule = recon_import_dates_rule,
	};

	assert_int_equal(date_parse("2024-06-01", 10, &opts.today), 0);
	for (opts.dry_run = 1; opts.dry_run >= 0; opts.dry_run--) {
		assert_int_equal(
		    import_run(fx->l, csv, sizeof(csv) - 1, &opts, &res),
		    IMPORT_ERR_INVALID);
		EXPECT_PROBLEMS(
		    &res, {3, "received", "after today: 2024-06-02"},
		    {4, "notice_sent",
		     "before the card was received: 2024-05-09"},
		    {5, "reminder_sent",
		     "before the pickup notice was sent: 2024-05-11"},
		    {6, "reminder_sent",
		     "before the card was received: 2024-05-09"});
		import_result_free(&res);
	}
	assert_int_equal(n_locations(fx), 0);
	/* Without the rule's hook the same dates are only read. */
	opts.dates_rule = NULL;
	assert_int_equal(import_run(fx->l, csv, sizeof(csv) - 1, &opts, &res),
			 IMPORT_OK);
	assert_int_equal(res.added, 5);
	import_result_free(&res);
}

static void test_bad_dates(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received,notice_sent,"
		     "reminder_sent\n"
		     "M1,01,S1,2024-02-30,,\n"
		     "M2,02,S1,2024-13-01,,\n"
		     "M3,03,S1,24-01-01,,\n"
		     "M4,04,S1,,,\n"
		     "M5,05,S1,2024-02-29,2023-02-29,03/01/2024\n"
		     "M6,06,S1,2024-01-01,2024-1-05,1899-12-31\n"
		     "M7,07,S1,2024-01-01,2024-01-02,2024-01-03\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res,
	    {2, "received", "not a date (YYYY-MM-DD or YYYY/M/D): 2024-02-30"},
	    {3, "received", "not a date (YYYY-MM-DD or YYYY/M/D): 2024-13-01"},
	    {4, "received", "not a date (YYYY-MM-DD or YYYY/M/D): 24-01-01"},
	    {5, "received", "required value is empty"},
	    {6, "notice_sent",
	     "not a date (YYYY-MM-DD or YYYY/M/D): 2023-02-29"},
	    {6, "reminder_sent",
	     "ambiguous date: day and month in an unknown order (write "
	     "YYYY/M/D): 03/01/2024"},
	    {7, "notice_sent",
	     "not a date (YYYY-MM-DD or YYYY/M/D): 2024-1-05"},
	    {7, "reminder_sent",
	     "not a date (YYYY-MM-DD or YYYY/M/D): 1899-12-31"});
	assert_int_equal(res.rows, 7);
	assert_int_equal(n_cards(fx), 0);
	import_result_free(&res);
}

/* Dates as a Japanese Excel writes them (issue 13): one table row per
 * value; NULL stored: refused with `reason`. */
static const struct {
	const char *text, *stored, *reason;
} date_cases[] = {
    {"2024-04-01", "2024-04-01", NULL},
    {"2024/4/1", "2024-04-01", NULL},
    {"2024/04/01", "2024-04-01", NULL},
    {"2024/12/31", "2024-12-31", NULL},
    {"2024/2/29", "2024-02-29", NULL},
    {"2023/2/29", NULL, "not a date (YYYY-MM-DD or YYYY/M/D): 2023/2/29"},
    {"2024/13/1", NULL, "not a date (YYYY-MM-DD or YYYY/M/D): 2024/13/1"},
    {"2024/4/1/", NULL, "not a date (YYYY-MM-DD or YYYY/M/D): 2024/4/1/"},
    {"2024/004/1", NULL, "not a date (YYYY-MM-DD or YYYY/M/D): 2024/004/1"},
    {"2024/4", NULL, "not a date (YYYY-MM-DD or YYYY/M/D): 2024/4"},
    {"2024/4/1 0:00", NULL,
     "not a date (YYYY-MM-DD or YYYY/M/D): 2024/4/1 0:00"},
    {"2024-4-1", NULL, "not a date (YYYY-MM-DD or YYYY/M/D): 2024-4-1"},
    {"4/1/2024", NULL,
     "ambiguous date: day and month in an unknown order (write YYYY/M/D): "
     "4/1/2024"},
    {"01/04/2024", NULL,
     "ambiguous date: day and month in an unknown order (write YYYY/M/D): "
     "01/04/2024"},
    {"24/4/1", NULL,
     "ambiguous date: a two-digit year (write YYYY/M/D): 24/4/1"},
    {"202/4/1", NULL, "not a date (YYYY-MM-DD or YYYY/M/D): 202/4/1"},
};

static void test_excel_dates(void **state)
{
	struct fixture *fx = *state;
	char csv[128], got[16];

	for (size_t i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]);
	     i++) {
		struct import_result res;
		int rc;

		snprintf(csv, sizeof(csv),
			 "mgmt_id,serial,location,received\nM1,01,S1,%s\n",
			 date_cases[i].text);
		print_message("# %s\n", date_cases[i].text);
		rc = run_opts(fx, csv, strlen(csv), IMPORT_ENC_AUTO, 0, NOW,
			      &res);
		if (date_cases[i].stored) {
			expect_ok(rc, &res);
			query_text(fx, "SELECT received FROM card", got,
				   sizeof(got));
			assert_string_equal(got, date_cases[i].stored);
			wipe(fx);
		} else {
			assert_int_equal(rc, IMPORT_ERR_INVALID);
			expect_problems(
			    &res,
			    &(struct want){2, "received", date_cases[i].reason},
			    1);
			assert_int_equal(n_cards(fx), 0);
		}
		import_result_free(&res);
	}
}

static void test_bad_serial_and_mgmt_id(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc =
	    RUN(fx,
		"mgmt_id,serial,location,received\n"
		"M1,04G1,S1,2024-01-01\n"
		"M2,,S1,2024-01-01\n"
		"M3,0x12,S1,2024-01-01\n"
		"M4,04 A1,S1,2024-01-01\n"
		"M5,"
		"0123456789012345678901234567890123456789012345678901234567"
		"890123456789,S1,2024-01-01\n"
		",05,S1,2024-01-01\n"
		"M 7,07,S1,2024-01-01\n"
		"M123456789012345678901234567890123,08,S1,2024-01-01\n"
		"M9,zz,S1,x\n",
		&res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	/* M2 without a serial awaits enrolment: no problem of its own. */
	EXPECT_PROBLEMS(
	    &res, {2, "serial", "not hexadecimal: 04G1"},
	    {4, "serial", "not hexadecimal: 0x12"},
	    {5, "serial", "not hexadecimal: 04 A1"},
	    {6, "serial",
	     "longer than 64 hex digits: "
	     "01234567890123456789012345678901234567890123..."},
	    {7, "mgmt_id", "required value is empty"},
	    {8, "mgmt_id",
	     "not a management ID (letters, digits, '-', '_'): M 7"},
	    {9, "mgmt_id",
	     "longer than 32 characters: "
	     "M123456789012345678901234567890123"},
	    {10, "serial", "not hexadecimal: zz"},
	    {10, "received", "not a date (YYYY-MM-DD or YYYY/M/D): x"});
	import_result_free(&res);
}

/*
 * A stock list without chip values (issue 11): its cards await
 * enrolment (no serial, as many as there are), a later list may name
 * them again without a serial, and a serial for one of them is refused
 * naming receive, which binds chips.  A card with a serial keeps it when
 * a list without one names it.
 */
static void test_cards_awaiting_enrolment(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,location,received\n"
		     "A1,S1,2024-01-01\n"
		     "A2,S1,2024-01-01\n",
		     &res);

	assert_int_equal(rc, 0);
	assert_int_equal(res.added, 2);
	import_result_free(&res);
	assert_int_equal(query(fx, "SELECT count(*) FROM card WHERE serial "
				   "IS NULL"),
			 2);
	rc = RUN(fx,
		 "mgmt_id,serial,location,received\n"
		 "A1,,S2,2024-01-01\n"
		 "B1,0B1,S1,2024-01-01\n",
		 &res);
	assert_int_equal(rc, 0);
	assert_int_equal(res.added, 1);
	assert_int_equal(res.updated, 1);
	import_result_free(&res);
	rc = RUN(fx,
		 "mgmt_id,serial,location,received\n"
		 "A2,0A2,S1,2024-01-01\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {2, "serial",
			       "the ledger's card awaits enrolment: its chip "
			       "is bound when it is received (cardtally "
			       "receive)"});
	import_result_free(&res);
	rc = RUN(fx, "mgmt_id,location,received\nB1,S2,2024-01-01\n", &res);
	assert_int_equal(rc, 0);
	import_result_free(&res);
	assert_int_equal(query(fx, "SELECT count(*) FROM card WHERE serial "
				   "IS NULL"),
			 2);
	assert_int_equal(query(fx, "SELECT count(*) FROM card WHERE mgmt_id = "
				   "'B1' AND serial = '0B1'"),
			 1);
}

static void test_bad_status(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received,status\n"
		     "M1,01,S1,2024-01-01,gone\n"
		     "M2,02,S1,2024-01-01,Stored\n"
		     "M3,03,S1,2024-01-01,deceased\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res,
	    {2, "status",
	     "unknown status 'gone' (stored, checked_out, issued, "
	     "disposed, cancelled, moved, deceased, lost)"},
	    {3, "status",
	     "unknown status 'Stored' (stored, checked_out, "
	     "issued, disposed, cancelled, moved, deceased, lost)"});
	import_result_free(&res);
}

/* A stand-in catalog: every message it is asked for, in brackets. */
static const char *bracket(const char *msgid)
{
	static char buf[4][160];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "[%s]", msgid);
	return b;
}

static void test_bad_location(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received\n"
		     "M1,01,SAFE1//T1,2024-01-01\n"
		     "M2,02, SAFE1,2024-01-01\n"
		     "M3,03,A/B/C/D/E,2024-01-01\n"
		     "M4,04,\"SAFE\tA\",2024-01-01\n"
		     "M5,05,,2024-01-01\n"
		     "M6,06,SAFE1/,2024-01-01\n"
		     "M7,07,SAFE1 /S1,2024-01-01\n"
		     "M8,08,A/B/C/D,2024-01-01\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res, {2, "location", "empty level: SAFE1//T1"},
	    {3, "location", "blank at the start of a level:  SAFE1"},
	    {4, "location", "more than 4 levels: A/B/C/D/E"},
	    {5, "location", "control character in the path: SAFE\\x09A"},
	    {6, "location", "required value is empty"},
	    {7, "location", "empty level: SAFE1/"},
	    {8, "location", "blank at the end of a level: SAFE1 /S1"});
	assert_int_equal(n_locations(fx), 0);
	/* Translated: the fixed reason goes through the catalog, the value
	 * from the file does not. */
	{
		char out[160];

		import_problem_text(&res.problems[0], "%s -- %s", bracket, out,
				    sizeof(out));
		assert_string_equal(out, "[empty level] -- SAFE1//T1");
		import_problem_text(&res.problems[4], res.problems[4].fmt,
				    bracket, out, sizeof(out));
		assert_string_equal(out, "required value is empty");
	}
	import_result_free(&res);
}

static void test_invalid_cp932(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	static const char bad[] = "mgmt_id,serial,location,received\n"
				  "M1,01,\x8b\xe0\x8c\xc9,2024-01-01\n"
				  "M2,02,\x81\x20,2024-01-01\n"
				  "M\xff,03,S1,2024-01-01\n"
				  "M4,04,S1,2024-01-0\x81\n"
				  "M5,05,\x8b\xe0\x8c\xc9/\xa0,2024-01-01\n"
				  "M6,06,\x8b\xe0\x8c\xc9/\xb1,2024-01-01\n";
	int rc = RUN(fx, bad, &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	assert_int_equal(res.detected, IMPORT_ENC_CP932);
	EXPECT_PROBLEMS(&res, {3, "location", "invalid CP932 byte sequence"},
			{4, "mgmt_id", "invalid CP932 byte sequence"},
			{5, "received", "invalid CP932 byte sequence"},
			{6, "location", "invalid CP932 byte sequence"});
	assert_int_equal(n_cards(fx), 0);
	assert_int_equal(n_locations(fx), 0);
	import_result_free(&res);

	rc = RUN_ENC(fx, bad, IMPORT_ENC_CP932, &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	assert_int_equal(res.nproblems, 4);
	import_result_free(&res);

	/* The same bytes read as UTF-8: every non-ASCII field is bad. */
	rc = RUN_ENC(fx, bad, IMPORT_ENC_UTF8, &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	assert_int_equal(res.detected, IMPORT_ENC_UTF8);
	EXPECT_PROBLEMS(&res, {2, "location", "invalid UTF-8 byte sequence"},
			{3, "location", "invalid UTF-8 byte sequence"},
			{4, "mgmt_id", "invalid UTF-8 byte sequence"},
			{5, "received", "invalid UTF-8 byte sequence"},
			{6, "location", "invalid UTF-8 byte sequence"},
			{7, "location", "invalid UTF-8 byte sequence"});
	import_result_free(&res);

	/* An undecodable header name is a problem of the header, naming the
	 * column by its position. */
	rc = RUN_ENC(fx, "mgmt_id,serial,location,received,\x81\n",
		     IMPORT_ENC_CP932, &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res,
			{1, "header", "column 5: invalid CP932 byte sequence"});
	import_result_free(&res);
}

static void test_embedded_nul(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received\n"
		     "M1,0\0001,S1,2024-01-01\n"
		     "M2,02,\"S\0001\",2024-01-01\n"
		     "M3,03,S1,2024-01-01\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {2, "serial", "NUL byte in the value"},
			{3, "location", "NUL byte in the value"});
	assert_int_equal(n_cards(fx), 0);
	import_result_free(&res);

	rc = RUN(fx, "mgmt_id,serial,loc\000ation,received\n", &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "header", "column 3: NUL byte in the value"},
			{1, "location", "missing required column"});
	import_result_free(&res);
}

static void test_quoted_fields(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received,status\n"
		     "\"M1\",\"01\",\"SAFE \"\"A\"\"/S1\",\"2024-01-01\","
		     "\"\"\n"
		     "M2,02,\"\"\"\",2024-01-01,\"issued\"\n",
		     &res);

	expect_ok(rc, &res);
	assert_int_equal(res.added, 2);
	get_card(fx, "M1", &c);
	assert_string_equal(c.location, "SAFE \"A\"/S1");
	assert_int_equal(c.status, CARD_STORED);
	get_card(fx, "M2", &c);
	assert_string_equal(c.location, "\"");
	assert_int_equal(c.status, CARD_ISSUED);
	import_result_free(&res);
}

static void test_quoted_problems_and_lines(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received,status\n"
		     "M1,01,S1,2024-01-01,\n"
		     "\"M2,X\",02,S1,2024-01-01,\n"
		     "M3,03,S1,2024-01-01,\"sto\n"
		     "red\"\n"
		     "M4,04,S1,2024-01-0x,\n"
		     "M5,\"0\n"
		     "\n"
		     "5\",S1,2024-01-01,\"a,\"\"b\"\"\"\n"
		     "M6,06,S1,2024-01-01,x\n"
		     "\"M7\"x,07,S1,2024-01-01,\n"
		     "M\"8,08,S1,2024-01-01,\n"
		     "\"M9\"\r,09,S1,2024-01-01,\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res,
	    {3, "mgmt_id",
	     "not a management ID (letters, digits, '-', '_'): M2,X"},
	    {4, "status",
	     "unknown status 'sto\\x0Ared' (stored, checked_out, issued, "
	     "disposed, cancelled, moved, deceased, lost)"},
	    {6, "received", "not a date (YYYY-MM-DD or YYYY/M/D): 2024-01-0x"},
	    {7, "serial", "not hexadecimal: 0\\x0A\\x0A5"},
	    {7, "status",
	     "unknown status 'a,\"b\"' (stored, checked_out, issued, "
	     "disposed, cancelled, moved, deceased, lost)"},
	    {10, "status",
	     "unknown status 'x' (stored, checked_out, issued, disposed, "
	     "cancelled, moved, deceased, lost)"},
	    {11, "mgmt_id", "text after the closing quote"},
	    {12, "mgmt_id", "quote inside an unquoted value"},
	    {13, "mgmt_id", "text after the closing quote"});
	assert_int_equal(res.rows, 9);
	import_result_free(&res);
}

static void test_crlf(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received,reminder_sent\r\n"
		     "M1,01,S1,2024-01-01,2024-02-01\r\n"
		     "M2,02,S1,2024-01-01,\"2024-02-02\"\r\n"
		     "M3,03,S1,2024-01-01,\r\n"
		     "M4,04,S1,2024-01-01,2024-02-04",
		     &res);

	expect_ok(rc, &res);
	assert_int_equal(res.added, 4);
	get_card(fx, "M1", &c);
	assert_int_equal(c.reminder_sent, day("2024-02-01"));
	get_card(fx, "M2", &c);
	assert_int_equal(c.reminder_sent, day("2024-02-02"));
	get_card(fx, "M3", &c);
	assert_int_equal(c.reminder_sent, DATE_NONE);
	get_card(fx, "M4", &c);
	assert_int_equal(c.reminder_sent, day("2024-02-04"));
	import_result_free(&res);

	rc = RUN(fx,
		 "mgmt_id,serial,location,received\r\n"
		 "M5,\"0\r\n5\",S1,2024-01-01\r\n"
		 "M6,06,S1,2024-01-32\r\n"
		 "M7,07,S1,2024-01-01\r\r\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res, {2, "serial", "not hexadecimal: 0\\x0D\\x0A5"},
	    {4, "received", "not a date (YYYY-MM-DD or YYYY/M/D): 2024-01-32"},
	    {5, "received",
	     "not a date (YYYY-MM-DD or YYYY/M/D): 2024-01-01\\x0D"});
	import_result_free(&res);
}

static void test_empty_file(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	static const char *const files[] = {"", "\n", "\r\n\n", "\xef\xbb\xbf"};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int rc = run_opts(fx, files[i], strlen(files[i]),
				  IMPORT_ENC_AUTO, 0, NOW, &res);

		assert_int_equal(rc, IMPORT_ERR_INVALID);
		EXPECT_PROBLEMS(
		    &res, {1, "file", "empty file, expected a header row"});
		import_result_free(&res);
	}
	/* A NULL buffer of length 0 is an empty file too. */
	assert_int_equal(run_opts(fx, NULL, 0, IMPORT_ENC_CP932, 0, NOW, &res),
			 IMPORT_ERR_INVALID);
	assert_int_equal(res.nproblems, 1);
	import_result_free(&res);

	assert_int_equal(RUN(fx, "\nmgmt_id,serial,location,received\n", &res),
			 IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res, {1, "header", "blank line where the header row should be"});
	import_result_free(&res);
	assert_int_equal(RUN(fx, ",,,\nM1,01,S1,2024-01-01\n", &res),
			 IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res,
			{1, "header", "the header row has no column names"});
	import_result_free(&res);

	/* "Unicode text" from a spreadsheet: UTF-16 with a BOM. */
	assert_int_equal(RUN(fx, "\xff\xfem\0g\0m\0t\0", &res),
			 IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "file",
			       "UTF-16 text (byte order mark FF FE): save it "
			       "as CSV in UTF-8 or CP932"});
	import_result_free(&res);
	assert_int_equal(n_audit(fx), 0);
}

/*
 * Files as they arrive damaged or in the wrong form (issue 13): cut off
 * mid-row, old-Mac CR line ends, UTF-16 and UTF-32 with and without a
 * byte order mark.  Each row: the bytes (len, as they may hold NUL), and
 * the one problem, or line 0 when the file is good.
 */
#define CASE(lit) lit, sizeof(lit) - 1
static const struct {
	const char *name;
	const char *csv;
	size_t len;
	struct want problem;
	long rows;
} damaged_cases[] = {
    {"cut off inside a quoted value",
     CASE("mgmt_id,serial,location,received\nM1,01,S1,2024-01-01\n"
	  "M2,\"04A1B2"),
     {3, "serial",
      "unterminated quoted field starting on line 3: the file ends inside "
      "it (cut off?)"},
     0},
    {"cut off: the last row shorter than the header",
     CASE("mgmt_id,serial,location,received\nM1,01,S1,2024-01-01\n"
	  "M2,04A1B2"),
     {3, "row",
      "expected 4 fields, found 2: the file ends in this row (cut off?)"},
     0},
    {"a short row that is not the last",
     CASE("mgmt_id,serial,location,received\nM2,04A1B2\n"
	  "M1,01,S1,2024-01-01\n"),
     {2, "row", "expected 4 fields, found 2"},
     0},
    {"old-Mac CR line ends",
     CASE("mgmt_id,serial,location,received\rM1,01,S1,2024-01-01\r"
	  "M2,02,S1,2024-01-02\r"),
     {0, NULL, NULL},
     2},
    {"old-Mac CR line ends: line numbers as an editor counts them",
     CASE("mgmt_id,serial,location,received\rM1,01,S1,2024-01-01\r"
	  "M2,0X,S1,2024-01-02\r"),
     {3, "serial", "not hexadecimal: 0X"},
     0},
    {"UTF-16 little-endian without a byte order mark",
     CASE("m\0g\0m\0t\0_\0i\0d\0,\0"),
     {1, "file",
      "UTF-16 text (little-endian, no byte order mark): save it as CSV in "
      "UTF-8 or CP932"},
     0},
    {"UTF-16 big-endian without a byte order mark",
     CASE("\0m\0g\0m\0t"),
     {1, "file",
      "UTF-16 text (big-endian, no byte order mark): save it as CSV in "
      "UTF-8 or CP932"},
     0},
    {"UTF-16 with a byte order mark",
     CASE("\xfe\xff\0m\0g"),
     {1, "file",
      "UTF-16 text (byte order mark FE FF): save it as CSV in UTF-8 or "
      "CP932"},
     0},
    {"UTF-32 little-endian with a byte order mark",
     CASE("\xff\xfe\0\0m\0\0\0"),
     {1, "file",
      "UTF-32 text (byte order mark FF FE 00 00): save it as CSV in UTF-8 "
      "or CP932"},
     0},
    {"UTF-32 big-endian with a byte order mark",
     CASE("\0\0\xfe\xff\0\0\0m"),
     {1, "file",
      "UTF-32 text (byte order mark 00 00 FE FF): save it as CSV in UTF-8 "
      "or CP932"},
     0},
    {"UTF-32 little-endian without a byte order mark",
     CASE("m\0\0\0g\0\0\0"),
     {1, "file",
      "UTF-32 text (little-endian, no byte order mark): save it as CSV in "
      "UTF-8 or CP932"},
     0},
    {"UTF-32 big-endian without a byte order mark",
     CASE("\0\0\0m\0\0\0g"),
     {1, "file",
      "UTF-32 text (big-endian, no byte order mark): save it as CSV in "
      "UTF-8 or CP932"},
     0},
    {"NUL bytes",
     CASE("\0\0\0\0\0\0"),
     {1, "file", "starts with NUL bytes: not a text file"},
     0},
};

static void test_damaged_files(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(damaged_cases) / sizeof(damaged_cases[0]);
	     i++) {
		struct import_result res;
		int rc =
		    run_opts(fx, damaged_cases[i].csv, damaged_cases[i].len,
			     IMPORT_ENC_AUTO, 1, NOW, &res);

		print_message("# %s\n", damaged_cases[i].name);
		if (damaged_cases[i].problem.line) {
			assert_int_equal(rc, IMPORT_ERR_INVALID);
			expect_problems(&res, &damaged_cases[i].problem, 1);
		} else {
			expect_ok(rc, &res);
			assert_int_equal(res.added, damaged_cases[i].rows);
		}
		assert_int_equal(n_cards(fx), 0);
		import_result_free(&res);
	}
}

/* import_read through a FILE: a file's bytes as they are; an input that
 * is no stock list refused before it is read whole. */
static void test_read_cap(void **state)
{
	struct fixture *fx = *state;
	char path[128], why[128], *buf;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/list.csv", fx->dir);
	f = fopen(path, "wb+");
	assert_non_null(f);
	fputs("mgmt_id,serial,location,received\n", f);
	rewind(f);
	assert_int_equal(import_read(f, &buf, &len, why, sizeof(why)), 0);
	assert_int_equal(len, 33);
	assert_memory_equal(buf, "mgmt_id,serial,location,received\n", 33);
	free(buf);

	/* A regular file over the cap: refused by its size alone (sparse,
	 * so the test writes nothing). */
	assert_int_equal(ftruncate(fileno(f), (off_t)IMPORT_MAX_BYTES + 1), 0);
	rewind(f);
	assert_int_equal(import_read(f, &buf, &len, why, sizeof(why)), -1);
	assert_null(buf);
	assert_string_equal(why, "larger than 256 MiB: not a stock list (a "
				 "million cards are about 70 MB)");
	fclose(f);
	unlink(path);

	/* /dev/zero: no line end, refused after 64 KiB. */
	f = fopen("/dev/zero", "rb");
	if (f) {
		assert_int_equal(import_read(f, &buf, &len, why, sizeof(why)),
				 -1);
		assert_string_equal(
		    why, "no line end in the first 64 KiB: not a stock list "
			 "(CSV)");
		assert_true(ftell(f) <= (long)IMPORT_HEAD_BYTES + 1);
		fclose(f);
	}

	/* An endless stream of lines: refused at the cap. */
	f = popen("yes mgmt_id,serial,location,received 2>/dev/null", "r");
	assert_non_null(f);
	assert_int_equal(import_read(f, &buf, &len, why, sizeof(why)), -1);
	assert_null(buf);
	assert_string_equal(why, "larger than 256 MiB: not a stock list (a "
				 "million cards are about 70 MB)");
	pclose(f);
}

static void test_header_only(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx, "mgmt_id,serial,location,received\n\n\n", &res);

	expect_ok(rc, &res);
	assert_int_equal(res.rows, 0);
	assert_int_equal(res.added + res.updated + res.unchanged, 0);
	assert_int_equal(n_audit(fx), 0);
	import_result_free(&res);

	rc = RUN(fx, "mgmt_id,serial,location,received", &res);
	expect_ok(rc, &res);
	assert_int_equal(res.rows, 0);
	import_result_free(&res);
}

static void test_unterminated_quote(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received\n"
		     "M1,01,S1,2024-01-01\n"
		     "M2,\"02,S1,2024-01-01\n"
		     "M3,03,S1,2024-01-01\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {3, "serial",
			       "unterminated quoted field starting on line 3: "
			       "the file ends inside it (cut off?)"});
	assert_int_equal(res.rows, 2);
	assert_int_equal(n_cards(fx), 0);
	import_result_free(&res);

	rc = RUN(fx,
		 "mgmt_id,serial,location,received\n"
		 "M1,01,S1,\"2024-01-01\"\n"
		 "M2,02,S1,2024-01-01,\"\n\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {3, "row",
			       "unterminated quoted field starting on line 3: "
			       "the file ends inside it (cut off?)"});
	import_result_free(&res);

	rc = RUN(fx, "mgmt_id,serial,\"location,received\n", &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {1, "header",
			       "unterminated quoted field starting on line 1: "
			       "the file ends inside it (cut off?)"});
	import_result_free(&res);
}

static void test_wrong_field_count(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received\n"
		     "M1,01,S1\n"
		     "M2,02,S1,2024-01-01,\n"
		     "\n"
		     "M4,04,S1,2024-01-01\n"
		     "\r\n"
		     ",,,\r\n"
		     "M5,05,S1,2024-01-01,x,y\n"
		     "\"\",,,\n"
		     "\n"
		     ",,,\n"
		     "\r\n"
		     ",,\n",
		     &res);

	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {2, "row", "expected 4 fields, found 3"},
			{3, "row", "expected 4 fields, found 5"},
			{4, "row", "blank line"}, {6, "row", "blank line"},
			{7, "row", "empty row"},
			{8, "row", "expected 4 fields, found 6"},
			{9, "mgmt_id", "required value is empty"},
			{9, "location", "required value is empty"},
			{9, "received", "required value is empty"});
	/* Trailing blank lines and rows of bare commas (as spreadsheets
	 * write them) are not rows. */
	assert_int_equal(res.rows, 8);
	import_result_free(&res);

	rc = RUN(fx,
		 "mgmt_id,serial,location,received\nM1,01,S1,2024-01-01\n"
		 ",,,\n,,,\n",
		 &res);
	expect_ok(rc, &res);
	assert_int_equal(res.rows, 1);
	assert_int_equal(res.added, 1);
	import_result_free(&res);
}

static void test_reimport_idempotent(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int rc = RUN(fx, good_csv, &res);

	expect_ok(rc, &res);
	import_result_free(&res);
	rc = run_opts(fx, cp932_csv, sizeof(cp932_csv) - 1, IMPORT_ENC_AUTO, 0,
		      NOW, &res);
	expect_ok(rc, &res);
	import_result_free(&res);
	assert_int_equal(n_audit(fx), 2);
	/* Each import also wrote what it set each card to (import.cards,
	 * for audit verify's replay): the re-imports below write nothing. */
	int64_t entries = query(fx, "SELECT count(*) FROM audit");
	int64_t locs = n_locations(fx);
	size_t before_len, after_len;
	char *before = snapshot(fx, &before_len);

	/* Later, the same files again. */
	rc = run_opts(fx, good_csv, sizeof(good_csv) - 1, IMPORT_ENC_AUTO, 0,
		      NOW + 3600, &res);
	expect_ok(rc, &res);
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, 3);
	import_result_free(&res);
	rc = run_opts(fx, cp932_csv, sizeof(cp932_csv) - 1, IMPORT_ENC_CP932, 0,
		      NOW + 3600, &res);
	expect_ok(rc, &res);
	assert_int_equal(res.unchanged, 4);
	assert_int_equal(res.added + res.updated, 0);
	import_result_free(&res);

	assert_int_equal(n_cards(fx), 7);
	assert_int_equal(n_locations(fx), locs);
	assert_int_equal(n_audit(fx), 2);
	assert_int_equal(query(fx, "SELECT count(*) FROM card "
				   "WHERE updated_at <> 1700000000"),
			 0);
	assert_int_equal(query(fx, "SELECT count(*) FROM audit"), entries);
	/* Not a byte of the ledger or its WAL changed. */
	char *after = snapshot(fx, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	free(before);
	free(after);
}

/* Changes one field at a time: each alone makes the row "updated". */
static void test_update_reminder(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx, good_csv, &res);

	expect_ok(rc, &res);
	import_result_free(&res);
#define UPD_HEAD                                                               \
	"mgmt_id,serial,location,received,notice_sent,reminder_sent,status\n"
#define UPD_M2 "M000002,123456789012,SAFE1/S1/T02,2024-02-29,,,issued\n"
	/* M000001: reminder sent; M000003: moved to another tray. */
	static const char upd[] =
	    UPD_HEAD "M000001,04A1B2C3,SAFE1/S1/T01,2024-01-15,2024-01-20,"
		     "2024-02-20,\n" UPD_M2
		     "M000003,0a0b0c0d,SAFE1/S3/T01,2024-03-01,2024-03-05,"
		     "2024-04-05,stored\n";
	rc = run_opts(fx, upd, sizeof(upd) - 1, IMPORT_ENC_AUTO, 0, NOW + 60,
		      &res);
	expect_ok(rc, &res);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.updated, 2);
	assert_int_equal(res.unchanged, 1);
	import_result_free(&res);

	get_card(fx, "M000001", &c);
	assert_int_equal(c.reminder_sent, day("2024-02-20"));
	assert_int_equal(c.notice_sent, day("2024-01-20"));
	assert_string_equal(c.location, "SAFE1/S1/T01");
	get_card(fx, "M000003", &c);
	assert_string_equal(c.location, "SAFE1/S3/T01");
	assert_int_equal(c.status, CARD_STORED);
	assert_int_equal(c.reminder_sent, day("2024-04-05"));
	assert_int_equal(query(fx, "SELECT updated_at FROM card "
				   "WHERE mgmt_id = 'M000001'"),
			 NOW + 60);
	assert_int_equal(query(fx, "SELECT updated_at FROM card "
				   "WHERE mgmt_id = 'M000002'"),
			 NOW);
	assert_int_equal(n_audit(fx), 2);

	/* M000003: status only (the applicant moved); M000001: reminder
	 * cleared. */
	static const char upd2[] = UPD_HEAD
	    "M000001,04A1B2C3,SAFE1/S1/T01,2024-01-15,2024-01-20,,"
	    "\n" UPD_M2 "M000003,0a0b0c0d,SAFE1/S3/T01,2024-03-01,2024-03-05,"
	    "2024-04-05,moved\n";
	rc = run_opts(fx, upd2, sizeof(upd2) - 1, IMPORT_ENC_AUTO, 0, NOW + 120,
		      &res);
	expect_ok(rc, &res);
	assert_int_equal(res.updated, 2);
	assert_int_equal(res.unchanged, 1);
	import_result_free(&res);
	get_card(fx, "M000003", &c);
	assert_int_equal(c.status, CARD_MOVED);
	assert_string_equal(c.location, "SAFE1/S3/T01");
	get_card(fx, "M000001", &c);
	assert_int_equal(c.reminder_sent, DATE_NONE);
	assert_int_equal(n_audit(fx), 3);
	/* The status change of M000003 has its own entry. */
	assert_int_equal(query(fx, "SELECT count(*) FROM audit WHERE action = "
				   "'import.status' AND subject = 'M000003' "
				   "AND detail = 'status=stored->moved'"),
			 1);
	assert_int_equal(n_status_audit(fx), 1);
	assert_int_equal(n_cards(fx), 3);
}

/*
 * An optional column missing from the file leaves that field of existing
 * cards alone; present but empty, it clears the field.
 */
static void test_absent_columns_keep_ledger(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx, good_csv, &res);

	expect_ok(rc, &res);
	import_result_free(&res);

	rc = RUN(fx,
		 "mgmt_id,serial,location,received\n"
		 "M000001,04A1B2C3,SAFE1/S1/T01,2024-01-15\n"
		 "M000002,123456789012,SAFE1/S1/T02,2024-02-29\n"
		 "M000003,0A0B0C0D,SAFE1/S2/T09,2024-03-01\n",
		 &res);
	expect_ok(rc, &res);
	assert_int_equal(res.unchanged, 2);
	assert_int_equal(res.updated, 1);
	import_result_free(&res);
	get_card(fx, "M000002", &c);
	assert_int_equal(c.status, CARD_ISSUED);
	get_card(fx, "M000003", &c);
	assert_string_equal(c.location, "SAFE1/S2/T09");
	assert_int_equal(c.notice_sent, day("2024-03-05"));
	assert_int_equal(c.reminder_sent, day("2024-04-05"));

	/* An empty status is stored: for M000003, which moved away in the
	 * issuing system meanwhile, the applicant event is withdrawn. */
	rc = RUN(fx,
		 "mgmt_id,serial,location,received,status\n"
		 "M000003,0A0B0C0D,SAFE1/S2/T09,2024-03-01,moved\n",
		 &res);
	expect_ok(rc, &res);
	import_result_free(&res);
	rc = RUN(fx,
		 "mgmt_id,serial,location,received,notice_sent,status\n"
		 "M000001,04A1B2C3,SAFE1/S1/T01,2024-01-15,,\n"
		 "M000002,123456789012,SAFE1/S1/T02,2024-02-29,,issued\n"
		 "M000003,0A0B0C0D,SAFE1/S2/T09,2024-03-01,2024-03-05,\n",
		 &res);
	expect_ok(rc, &res);
	assert_int_equal(res.updated, 2);
	assert_int_equal(res.unchanged, 1);
	import_result_free(&res);
	get_card(fx, "M000001", &c);
	assert_int_equal(c.notice_sent, DATE_NONE);
	assert_int_equal(c.status, CARD_STORED);
	get_card(fx, "M000002", &c);
	assert_int_equal(c.status, CARD_ISSUED);
	get_card(fx, "M000003", &c);
	assert_int_equal(c.notice_sent, day("2024-03-05"));
	assert_int_equal(c.status, CARD_STORED);
}

static void test_dry_run(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = run_opts(fx, good_csv, sizeof(good_csv) - 1, IMPORT_ENC_AUTO,
			  1, NOW, &res);

	expect_ok(rc, &res);
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.added, 3);
	assert_int_equal(n_cards(fx), 0);
	assert_int_equal(n_locations(fx), 0);
	assert_int_equal(n_audit(fx), 0);
	import_result_free(&res);

	rc = RUN(fx, good_csv, &res);
	expect_ok(rc, &res);
	import_result_free(&res);

	static const char upd[] = "mgmt_id,serial,location,received\n"
				  "M000001,04A1B2C3,SAFE9/S1,2024-01-15\n"
				  "M000004,04,SAFE1/S1/T01,2024-01-15\n";
	rc = run_opts(fx, upd, sizeof(upd) - 1, IMPORT_ENC_AUTO, 1, NOW + 1,
		      &res);
	expect_ok(rc, &res);
	assert_int_equal(res.added, 1);
	assert_int_equal(res.updated, 1);
	import_result_free(&res);
	assert_int_equal(n_cards(fx), 3);
	assert_int_equal(n_locations(fx), 6);
	assert_int_equal(n_audit(fx), 1);
	get_card(fx, "M000001", &c);
	assert_string_equal(c.location, "SAFE1/S1/T01");
	assert_int_equal(c.notice_sent, day("2024-01-20"));

	/* A dry run of a bad file reports the problems, no counts. */
	static const char bad[] = "mgmt_id,serial,location,received\n"
				  "M1,01,S1,x\n";
	rc = run_opts(fx, bad, sizeof(bad) - 1, IMPORT_ENC_AUTO, 1, NOW, &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res, {2, "received", "not a date (YYYY-MM-DD or YYYY/M/D): x"});
	assert_int_equal(res.added, 0);
	import_result_free(&res);
}

static void test_bad_file_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx, good_csv, &res);

	expect_ok(rc, &res);
	import_result_free(&res);

#define MIXED_GOOD                                                             \
	"mgmt_id,serial,location,received,status\n"                            \
	"M000001,04A1B2C3,NEW1/S1,2024-01-15,cancelled\n"                      \
	"M000010,10,NEW2/S1,2024-06-01,\n"                                     \
	"M000011,11,NEW3,2024-06-01,\n"
	static const char mixed[] = MIXED_GOOD "M000012,12,NEW3,2024-06-31,\n";
	static const char good[] = MIXED_GOOD;
	rc = run_opts(fx, mixed, sizeof(mixed) - 1, IMPORT_ENC_AUTO, 0, NOW + 1,
		      &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res,
	    {5, "received", "not a date (YYYY-MM-DD or YYYY/M/D): 2024-06-31"});
	assert_int_equal(res.rows, 4);
	assert_int_equal(res.added + res.updated + res.unchanged, 0);
	import_result_free(&res);

	check_good_cards(fx); /* also: no NEW* location */
	get_card(fx, "M000001", &c);
	assert_int_equal(c.status, CARD_STORED);
	assert_int_equal(n_audit(fx), 1);
	assert_int_equal(query(fx, "SELECT max(updated_at) FROM card"), NOW);

	/* Without the bad row the same rows go in: nothing stayed behind. */
	rc = run_opts(fx, good, sizeof(good) - 1, IMPORT_ENC_AUTO, 0, NOW + 2,
		      &res);
	expect_ok(rc, &res);
	assert_int_equal(res.added, 2);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.unchanged, 0);
	import_result_free(&res);
	assert_int_equal(n_cards(fx), 5);
	assert_int_equal(n_audit(fx), 2);
	/* The applicant event of M000001 has its own entry; the failed
	 * import left none. */
	assert_int_equal(n_status_audit(fx), 1);
	get_card(fx, "M000001", &c);
	assert_int_equal(c.status, CARD_CANCELLED);
}

/*
 * An import may not do the office's own steps (issue 10): a stock list
 * whose status column disposes of a stored card, declares one lost, puts a
 * checked-out card back into storage or takes an issued one back is refused
 * line by line, naming the command to use, and nothing changes -- not the
 * good rows either.
 */
static void test_status_steps_refused(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received,status\n"
		     "S001,A1,SAFE1/T01,2024-01-01,\n"
		     "S002,A2,SAFE1/T01,2024-01-01,\n"
		     "S003,A3,SAFE1/T01,2024-01-01,checked_out\n"
		     "S004,A4,SAFE1/T01,2024-01-01,issued\n"
		     "S005,A5,SAFE1/T01,2024-01-01,lost\n"
		     "S006,A6,SAFE1/T01,2024-01-01,moved\n",
		     &res);

	expect_ok(rc, &res);
	assert_int_equal(res.added, 6);
	import_result_free(&res);
	rc = RUN(fx,
		 "mgmt_id,serial,location,received,status\n"
		 "S001,A1,SAFE1/T01,2024-01-01,disposed\n"
		 "S002,A2,SAFE1/T01,2024-01-01,lost\n"
		 "S003,A3,SAFE1/T01,2024-01-01,\n"
		 "S004,A4,SAFE1/T01,2024-01-01,stored\n"
		 "S005,A5,SAFE1/T01,2024-01-01,stored\n"
		 "S006,A6,SAFE1/T01,2024-01-01,disposed\n"
		 "S007,A7,SAFE1/T01,2024-01-01,\n"
		 "S001,A1,SAFE1/T02,2024-01-02,checked_out\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(
	    &res,
	    {2, "status",
	     "stored -> disposed: two people dispose of a card (use "
	     "`cardtally dispose`)"},
	    {3, "status",
	     "stored -> lost: a manager declares a card lost, resolving a "
	     "count (use `cardtally count resolve`)"},
	    /* 4: S003 at the window, stored in the list: no change. */
	    {5, "status",
	     "issued -> stored: the card was issued to its applicant: it is "
	     "no longer stock"},
	    {6, "status",
	     "lost -> stored: only a count and a manager find a lost card "
	     "(use `cardtally count resolve`)"},
	    {7, "status",
	     "moved -> disposed: two people dispose of a card (use "
	     "`cardtally dispose`)"},
	    {9, "mgmt_id", "duplicate of line 2"},
	    {9, "serial", "duplicate of line 2"});
	import_result_free(&res);
	get_card(fx, "S001", &c);
	assert_int_equal(c.status, CARD_STORED);
	get_card(fx, "S003", &c);
	assert_int_equal(c.status, CARD_CHECKED_OUT);
	get_card(fx, "S005", &c);
	assert_int_equal(c.status, CARD_LOST);
	assert_int_equal(n_cards(fx), 6);
	assert_int_equal(n_audit(fx), 1);
	assert_int_equal(n_status_audit(fx), 0);

	/* Without a status column the statuses are left alone: dates and
	 * places still update. */
	rc = RUN(fx,
		 "mgmt_id,serial,location,received\n"
		 "S003,A3,SAFE1/T02,2024-01-03\n",
		 &res);
	expect_ok(rc, &res);
	assert_int_equal(res.updated, 1);
	import_result_free(&res);
	get_card(fx, "S003", &c);
	assert_int_equal(c.status, CARD_CHECKED_OUT);
	assert_int_equal(c.received, day("2024-01-03"));

	/* The list's own "stored" for it, with the status column: the card
	 * stays at the window, and the row is unchanged. */
	rc = RUN(fx,
		 "mgmt_id,serial,location,received,status\n"
		 "S003,A3,SAFE1/T02,2024-01-03,stored\n",
		 &res);
	expect_ok(rc, &res);
	assert_int_equal(res.unchanged, 1);
	assert_int_equal(res.updated, 0);
	import_result_free(&res);
	get_card(fx, "S003", &c);
	assert_int_equal(c.status, CARD_CHECKED_OUT);
	assert_int_equal(n_status_audit(fx), 0);
	assert_int_equal(n_status_audit(fx), 0);
}

/*
 * The applicant events of the issuing system do go in, for cards in
 * storage, each audited on its own; for a card at the window they wait
 * until it is returned.
 */
static void test_applicant_events(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct card_rec c;
	int rc = RUN(fx,
		     "mgmt_id,serial,location,received,status\n"
		     "E001,B1,SAFE1/T01,2024-01-01,\n"
		     "E002,B2,SAFE1/T01,2024-01-01,\n"
		     "E003,B3,SAFE1/T01,2024-01-01,\n"
		     "E004,B4,SAFE1/T01,2024-01-01,checked_out\n",
		     &res);

	expect_ok(rc, &res);
	import_result_free(&res);
	rc = RUN(fx,
		 "mgmt_id,serial,location,received,status\n"
		 "E001,B1,SAFE1/T01,2024-01-01,moved\n"
		 "E002,B2,SAFE1/T01,2024-01-01,deceased\n"
		 "E003,B3,SAFE1/T01,2024-01-01,cancelled\n"
		 "E004,B4,SAFE1/T01,2024-01-01,checked_out\n",
		 &res);
	expect_ok(rc, &res);
	assert_int_equal(res.updated, 3);
	assert_int_equal(res.unchanged, 1);
	import_result_free(&res);
	get_card(fx, "E001", &c);
	assert_int_equal(c.status, CARD_MOVED);
	get_card(fx, "E002", &c);
	assert_int_equal(c.status, CARD_DECEASED);
	get_card(fx, "E003", &c);
	assert_int_equal(c.status, CARD_CANCELLED);
	assert_int_equal(n_status_audit(fx), 3);
	assert_int_equal(
	    query(fx, "SELECT count(*) FROM audit WHERE action = "
		      "'import.status' AND ((subject = 'E001' AND detail = "
		      "'status=stored->moved') OR (subject = 'E002' AND "
		      "detail = 'status=stored->deceased') OR (subject = "
		      "'E003' AND detail = 'status=stored->cancelled'))"),
	    3);

	/* A later event replaces an earlier one; a card at the window is
	 * returned first. */
	rc = RUN(fx,
		 "mgmt_id,serial,location,received,status\n"
		 "E001,B1,SAFE1/T01,2024-01-01,deceased\n"
		 "E004,B4,SAFE1/T01,2024-01-01,moved\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {3, "status",
			       "checked_out -> moved: the card is checked "
			       "out: it comes back by a return first (use "
			       "`cardtally return`)"});
	import_result_free(&res);
	get_card(fx, "E001", &c);
	assert_int_equal(c.status, CARD_MOVED);
	rc = RUN(fx,
		 "mgmt_id,serial,location,received,status\n"
		 "E001,B1,SAFE1/T01,2024-01-01,deceased\n",
		 &res);
	expect_ok(rc, &res);
	import_result_free(&res);
	get_card(fx, "E001", &c);
	assert_int_equal(c.status, CARD_DECEASED);
	assert_int_equal(n_status_audit(fx), 4);
}

/*
 * Serials and terminal tags are one namespace: reading a tag must check
 * out the terminal, so no card may have its serial (asset add refuses
 * the reverse).  The tag is matched whatever the case in the file.
 */
/* A full list that leaves out cards (issue 13): counted and the first
 * shown, nothing changed for them; issued, disposed and lost cards have
 * left the stock and are not missing from it. */
static void test_full_list_missing(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct import_opts opts = {
	    .encoding = IMPORT_ENC_AUTO,
	    .dry_run = 1,
	    .now = NOW + 1,
	    .status_rule = recon_import_status_rule,
	};
	static const char first[] =
	    "mgmt_id,serial,location,received,status\n"
	    "M16,16,S1,2024-01-01,moved\n"
	    "M12,12,S1,2024-01-01,\nM11,11,S1,2024-01-01,\n"
	    "M10,10,S1,2024-01-01,\nM09,09,S1,2024-01-01,\n"
	    "M08,08,S1,2024-01-01,\nM07,07,S1,2024-01-01,\n"
	    "M06,06,S1,2024-01-01,\nM05,05,S1,2024-01-01,\n"
	    "M04,04,S1,2024-01-01,\nM03,03,S1,2024-01-01,\n"
	    "M02,02,S1,2024-01-01,\nM01,01,S1,2024-01-01,\n"
	    "M13,13,S1,2024-01-01,issued\nM14,14,S1,2024-01-01,disposed\n"
	    "M15,15,S1,2024-01-01,lost\n";
	static const char full[] = "mgmt_id,serial,location,received\n"
				   "M01,01,S1,2024-01-01\n"
				   "M02,02,S2,2024-01-01\n";
	static const char *const shown[] = {"M03", "M04", "M05", "M06", "M07",
					    "M08", "M09", "M10", "M11", "M12"};
	int rc = RUN(fx, first, &res);

	expect_ok(rc, &res);
	assert_int_equal(res.added, 16);
	assert_int_equal(res.missing, 0);
	import_result_free(&res);

	/* Not said to be full: a list of some cards is no news. */
	rc = import_run(fx->l, full, sizeof(full) - 1, &opts, &res);
	expect_ok(rc, &res);
	assert_int_equal(res.missing, 0);
	assert_int_equal(res.nmissing_shown, 0);
	import_result_free(&res);

	opts.full = 1;
	rc = import_run(fx->l, full, sizeof(full) - 1, &opts, &res);
	expect_ok(rc, &res);
	assert_int_equal(res.missing, 11); /* M03-M12 and M16 */
	assert_int_equal(res.nmissing_shown, IMPORT_MISSING_SHOWN);
	for (size_t i = 0; i < IMPORT_MISSING_SHOWN; i++)
		assert_string_equal(res.missing_shown[i], shown[i]);
	import_result_free(&res);

	/* A real run: M02 moves, the missing cards stay as they are, and
	 * the import's audit entry says how many were missing. */
	opts.dry_run = 0;
	opts.now = NOW + 2;
	rc = import_run(fx->l, full, sizeof(full) - 1, &opts, &res);
	expect_ok(rc, &res);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.missing, 11);
	import_result_free(&res);
	assert_int_equal(n_cards(fx), 16);
	assert_int_equal(query(fx, "SELECT count(*) FROM card WHERE "
				   "updated_at = 1700000002"),
			 1);
	{
		char detail[160];

		query_text(fx,
			   "SELECT detail FROM audit WHERE action = 'import' "
			   "ORDER BY id DESC LIMIT 1",
			   detail, sizeof(detail));
		assert_string_equal(detail,
				    "rows=2 added=0 updated=1 unchanged=1 "
				    "encoding=utf-8 full missing=11");
	}

	/* A bad full list reports its problems, not missing cards. */
	rc = import_run(fx->l, "mgmt_id,serial,location,received\nM01,01\n", 40,
			&opts, &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	assert_int_equal(res.missing, 0);
	import_result_free(&res);
}

static void test_serial_is_terminal_tag(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	int64_t id;
	int rc = ledger_asset_add(fx->l, "TERM1", "issuing terminal 1",
				  "04AABB01", "SAFE1/T09", 0, NOW, &id);

	assert_int_equal(rc, 0);
	rc = RUN(fx,
		 "mgmt_id,serial,location,received\n"
		 "T001,04AABB00,SAFE1/T01,2024-01-01\n"
		 "T002,04aabb01,SAFE1/T01,2024-01-01\n",
		 &res);
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	EXPECT_PROBLEMS(&res, {3, "serial",
			       "serial is the tag of terminal TERM1: a "
			       "serial names one thing only"});
	import_result_free(&res);
	assert_int_equal(n_cards(fx), 0);
	assert_int_equal(n_audit(fx), 0);
}

/*
 * The issue's scale: a million rows of CP932 with Japanese location names,
 * built in memory.  Row i (line i + 2) is card M%07d with a scrambled serial
 * (so the serial index is not filled in order, as with real chips) in
 * 金庫(i%3)/棚(i/3%40)/T(i/120%50).  Rows where bad(i) is true get an
 * impossible received date.
 */
static char *big_csv(long rows, int (*bad)(long), size_t *len)
{
	/* 金庫 = 8B E0 8C C9, 棚 = 92 49 */
	static const char head[] = "mgmt_id,serial,location,received,"
				   "notice_sent,status\r\n";
	size_t cap = sizeof(head) + (size_t)rows * 80, n;
	char *buf = malloc(cap);

	assert_non_null(buf);
	memcpy(buf, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	for (long i = 0; i < rows; i++) {
		uint32_t s = (uint32_t)i * 2654435761u;
		int b = bad && bad(i);

		n += (size_t)snprintf(
		    buf + n, cap - n,
		    "M%07ld,%08X%04lX,\x8b\xe0\x8c\xc9%ld/\x92\x49%02ld/"
		    "T%02ld,2024-%02ld-%02ld,%s,%s\r\n",
		    i, (unsigned)s, (unsigned long)(i & 0xffff), i % 3,
		    (i / 3) % 40, (i / 120) % 50, b ? 2 : 1 + i % 12,
		    b ? 30 : 1 + i % 28, i % 2 ? "2024-12-01" : "",
		    i % 5 ? "stored" : "checked_out");
	}
	*len = n;
	return buf;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int bad_every_250k(long i)
{
	return i % 250000 == 1234;
}

/*
 * A million rows, four of them bad: all four are reported with their
 * lines, and nothing is written.  The first problem stops the writes, so
 * this runs the parser, decoder and duplicate maps over all rows in about
 * a second; the write path at scale is test_bulk_import.
 */
static void test_million_rows_checked(void **state)
{
	struct fixture *fx = *state;
	struct import_result res;
	struct timespec t0;
	size_t len;
	char *buf = big_csv(1000000, bad_every_250k, &len);
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = run_opts(fx, buf, len, IMPORT_ENC_AUTO, 0, NOW, &res);
	print_message("# checked 1000000 rows in %.2f s\n", seconds_since(&t0));
	assert_int_equal(rc, IMPORT_ERR_INVALID);
	assert_int_equal(res.detected, IMPORT_ENC_CP932);
	assert_int_equal(res.rows, 1000000);
	EXPECT_PROBLEMS(&res,
			{1236, "received",
			 "not a date (YYYY-MM-DD or YYYY/M/D): 2024-02-30"},
			{251236, "received",
			 "not a date (YYYY-MM-DD or YYYY/M/D): 2024-02-30"},
			{501236, "received",
			 "not a date (YYYY-MM-DD or YYYY/M/D): 2024-02-30"},
			{751236, "received",
			 "not a date (YYYY-MM-DD or YYYY/M/D): 2024-02-30"});
	import_result_free(&res);
	assert_int_equal(n_cards(fx), 0);
	assert_int_equal(n_locations(fx), 0);
	assert_int_equal(n_audit(fx), 0);
	assert_int_equal(n_card_indexes(fx), 3);
	free(buf);
}

/*
 * The write path at scale, then a re-import that must change nothing.
 * 200,000 rows by default to keep the suite quick; set
 * CARDTALLY_IMPORT_ROWS=1000000 for the full million.
 */
static void test_bulk_import(void **state)
{
	struct fixture *fx = *state;
	const char *env = getenv("CARDTALLY_IMPORT_ROWS");
	long rows = env ? atol(env) : 200000;
	struct import_result res;
	struct timespec t0;
	struct card_rec c;
	char mgmt[24], want[64];
	size_t len;
	char *buf;
	int rc;

	assert_true(rows >= 6000 && rows <= 9999999);
	buf = big_csv(rows, NULL, &len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = run_opts(fx, buf, len, IMPORT_ENC_AUTO, 0, NOW, &res);
	print_message("# imported %ld rows in %.2f s\n", rows,
		      seconds_since(&t0));
	expect_ok(rc, &res);
	assert_int_equal(res.detected, IMPORT_ENC_CP932);
	assert_int_equal(res.rows, rows);
	assert_int_equal(res.added, rows);
	import_result_free(&res);
	assert_int_equal(n_cards(fx), rows);
	/* 3 safes, 3 x 40 shelves, 6000 trays */
	assert_int_equal(n_locations(fx), 3 + 120 + 6000);
	assert_int_equal(n_card_indexes(fx), 3);

	long i = rows - 1;
	snprintf(mgmt, sizeof(mgmt), "M%07ld", i);
	snprintf(want, sizeof(want), "金庫%ld/棚%02ld/T%02ld", i % 3,
		 (i / 3) % 40, (i / 120) % 50);
	get_card(fx, mgmt, &c);
	assert_string_equal(c.location, want);
	assert_int_equal(c.status, i % 5 ? CARD_STORED : CARD_CHECKED_OUT);
	assert_int_equal(c.notice_sent, i % 2 ? day("2024-12-01") : DATE_NONE);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = run_opts(fx, buf, len, IMPORT_ENC_AUTO, 0, NOW + 1, &res);
	print_message("# re-imported %ld rows in %.2f s\n", rows,
		      seconds_since(&t0));
	expect_ok(rc, &res);
	assert_int_equal(res.unchanged, rows);
	assert_int_equal(res.added + res.updated, 0);
	import_result_free(&res);
	assert_int_equal(n_audit(fx), 1);
	free(buf);
}

/* A statement on the ledger through a second connection: another
 * process writing between an import's check and its chunks. */
static void meanwhile(struct fixture *fx, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * The check and the chunks one by one (data/import.h): a read transaction
 * sees one snapshot; chunks of two rows, each its own transaction; a card
 * changed by another connection between the check and its chunk stops the
 * import there, with its chunk rolled back whole and the chunk before kept;
 * the same import again finishes it and counts the written rows unchanged.
 */
static void test_chunks_and_changes(void **state)
{
	struct fixture *fx = *state;
	static const char base[] = "mgmt_id,serial,location,received,status\n"
				   "C1,04C1,SAFE1/T1,2025-01-01,stored\n"
				   "C2,04C2,SAFE1/T1,2025-01-01,stored\n";
	static const char file[] = "mgmt_id,serial,location,received,status\n"
				   "N1,04D1,SAFE1/T2,2025-02-01,stored\n"
				   "C1,04C1,SAFE1/T2,2025-01-01,stored\n"
				   "N2,04D2,SAFE1/T2,2025-02-01,stored\n"
				   "C2,04C2,SAFE1/T2,2025-01-01,stored\n";
	struct import_opts opts = {
	    .now = NOW + 60,
	    .source = "stock.csv",
	    .status_rule = recon_import_status_rule,
	};
	struct import_result res;
	struct import_job *job;
	char text[64];
	int64_t id;

	expect_ok(RUN(fx, base, &res), &res);
	import_result_free(&res);

	/* A read transaction keeps its snapshot while others write. */
	assert_int_equal(ledger_begin_read(fx->l), 0);
	assert_int_equal(n_cards(fx), 2);
	meanwhile(fx, "INSERT INTO location(path, parent_id, depth) "
		      "VALUES ('ELSEWHERE', NULL, 0)");
	assert_int_equal(n_locations(fx), 3); /* SAFE1, SAFE1/T1, ELSEWHERE */
	assert_int_equal(ledger_location_find(fx->l, "ELSEWHERE", &id),
			 LEDGER_ERR_NOTFOUND);
	assert_int_equal(ledger_rollback(fx->l), 0);
	assert_int_equal(ledger_location_find(fx->l, "ELSEWHERE", &id), 0);

	/* The check writes nothing and plans the four rows. */
	assert_int_equal(import_check(fx->l, file, sizeof(file) - 1, &opts,
				      &res, &job),
			 IMPORT_OK);
	assert_non_null(job);
	assert_int_equal(res.added, 2);
	assert_int_equal(res.updated, 2);
	assert_int_equal(res.to_write, 4);
	assert_int_equal(n_cards(fx), 2);
	import_sync_late(job);

	/* The first chunk: N1 and C1, committed. */
	assert_int_equal(ledger_begin(fx->l), 0);
	assert_int_equal(import_write(job, 2, 0), IMPORT_MORE);
	assert_int_equal(ledger_commit(fx->l), 0);
	ledger_let_writers_in(fx->l);
	assert_int_equal(query(fx, "SELECT count(*) FROM audit "
				   "WHERE action = 'import.begin' AND "
				   "subject = 'stock.csv'"),
			 1);

	/* C2 checked out at the window meanwhile: the second chunk stops at
	 * its line, and N2 before it in the chunk is not written. */
	meanwhile(fx, "UPDATE card SET status = 'checked_out' "
		      "WHERE mgmt_id = 'C2'");
	assert_int_equal(ledger_begin(fx->l), 0);
	assert_int_equal(import_write(job, 2, 0), IMPORT_ERR_CHANGED);
	assert_int_equal(ledger_rollback(fx->l), 0);
	assert_int_equal(res.conflict_line, 5);
	assert_string_equal(res.conflict_card, "C2");
	assert_int_equal(res.written, 2);
	assert_int_equal(import_sync(job), 0);
	import_job_free(job);
	import_result_free(&res);
	assert_int_equal(ledger_sync_wal(fx->l), 0);
	assert_int_equal(n_cards(fx), 3);
	query_text(fx,
		   "SELECT group_concat(c.mgmt_id || '=' || l.path || '/' || "
		   "c.status, ' ') FROM card c JOIN location l "
		   "ON l.id = c.location_id ORDER BY c.mgmt_id",
		   text, sizeof(text));
	assert_string_equal(text, "C1=SAFE1/T2/stored C2=SAFE1/T1/checked_out "
				  "N1=SAFE1/T2/stored");
	assert_int_equal(query(fx, "SELECT count(*) FROM audit "
				   "WHERE action = 'import'"),
			 1); /* the base file's only */
	/* The ledger says so: the import.begin entry, its file and rows. */
	struct import_stopped stop;
	assert_int_equal(ledger_import_stopped(fx->l, &stop), 1);
	assert_int_equal(stop.entry, query(fx, "SELECT id FROM audit WHERE "
					       "action = 'import.begin'"));
	assert_string_equal(stop.source, "stock.csv");
	assert_int_equal(stop.rows, 4);

	/* C2 back in storage: the same file again finishes the import. */
	meanwhile(fx, "UPDATE card SET status = 'stored' WHERE mgmt_id = 'C2'");
	expect_ok(run_opts(fx, file, sizeof(file) - 1, IMPORT_ENC_AUTO, 0,
			   NOW + 120, &res),
		  &res);
	assert_int_equal(res.added, 1);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.unchanged, 2);
	import_result_free(&res);
	assert_int_equal(n_cards(fx), 4);
	/* Finished: nothing stopped any more. */
	assert_int_equal(ledger_import_stopped(fx->l, &stop), 0);
}

/* n new cards PREFIX01.. in SAFE1/T1, serials 04<hex><nn>, as a file. */
static char *new_cards(const char *prefix, int hex, int n, size_t *len)
{
	size_t cap = 64 + (size_t)n * 64, w;
	char *s = malloc(cap);

	assert_non_null(s);
	w = (size_t)snprintf(s, cap, "mgmt_id,serial,location,received\n");
	for (int i = 1; i <= n; i++)
		w += (size_t)snprintf(s + w, cap - w,
				      "%s%02d,04%X%02d,SAFE1/T1,2025-03-01\n",
				      prefix, i, hex, i);
	*len = w;
	return s;
}

/*
 * New cards go to the ledger IMPORT_INSERT_BATCH to a statement, the rest
 * one by one (data/import.c, flush_new): every card gets its own id and
 * its place in the import's audit entries (audit verify replays them).  A
 * card added by another connection after the check, with the serial of a
 * row in the middle of a batch, stops the import at that row's line: the
 * batch is undone whole, and the chunk with it.
 */
static int64_t setting(struct fixture *fx, const char *pragma)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(fx->l->db, pragma, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The write phase changes the connection's page cache and keeps its
 * statement journals in memory (temp_store); the connection outlives the
 * import (the TUI's), so both are as they were after it. */
static void test_settings_restored(void **state)
{
	struct fixture *fx = *state;
	size_t len;
	char *file = new_cards("N", 0xA, 2 * IMPORT_INSERT_BATCH + 3, &len);
	struct import_result res;
	int64_t cache = setting(fx, "PRAGMA cache_size");
	int64_t temp = setting(fx, "PRAGMA temp_store");

	assert_int_not_equal(temp, 2);
	expect_ok(run_opts(fx, file, len, IMPORT_ENC_AUTO, 0, NOW, &res),
		  &res);
	import_result_free(&res);
	assert_int_equal(setting(fx, "PRAGMA cache_size"), cache);
	assert_int_equal(setting(fx, "PRAGMA temp_store"), temp);
	/* The same file again: the cards are there already. */
	run_opts(fx, file, len, IMPORT_ENC_AUTO, 0, NOW, &res);
	import_result_free(&res);
	assert_int_equal(setting(fx, "PRAGMA cache_size"), cache);
	assert_int_equal(setting(fx, "PRAGMA temp_store"), temp);
	free(file);
}

static void test_batches_of_new_cards(void **state)
{
	struct fixture *fx = *state;
	const int n = 2 * IMPORT_INSERT_BATCH + 3, k = IMPORT_INSERT_BATCH + 5;
	struct import_opts opts = {
	    .now = NOW + 60,
	    .source = "more.csv",
	    .status_rule = recon_import_status_rule,
	};
	struct import_result res;
	struct import_job *job;
	struct audit_verify v;
	char want[16], sql[256];
	size_t len;
	char *file = new_cards("N", 0xA, n, &len);

	expect_ok(run_opts(fx, file, len, IMPORT_ENC_AUTO, 0, NOW, &res),
		  &res);
	assert_int_equal(res.added, n);
	import_result_free(&res);
	free(file);
	assert_int_equal(query(fx, "SELECT count(DISTINCT id) FROM card "
				   "WHERE mgmt_id GLOB 'N*'"),
			 n);
	assert_int_equal(ledger_audit_verify(fx->l, NULL, 0, &v), 0);
	assert_int_equal(v.problem, AUDIT_INTACT);
	assert_int_equal(v.unreplayed, 0);
	assert_true(v.replayed >= n);

	/* Another file of new cards; one of its serials taken meanwhile. */
	file = new_cards("P", 0xB, n, &len);
	assert_int_equal(import_check(fx->l, file, len, &opts, &res, &job),
			 IMPORT_OK);
	assert_non_null(job);
	assert_int_equal(res.added, n);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO card(mgmt_id, serial, location_id, status, "
		 "received, updated_at) SELECT 'X1', '04B%02d', location_id, "
		 "'stored', '2025-01-01', 1 FROM card WHERE mgmt_id = 'N01'",
		 k);
	meanwhile(fx, sql);
	assert_int_equal(ledger_begin(fx->l), 0);
	assert_int_equal(import_write(job, 0, 0), IMPORT_ERR_CHANGED);
	assert_int_equal(ledger_rollback(fx->l), 0);
	assert_int_equal(res.conflict_line, k + 1); /* after the header */
	snprintf(want, sizeof(want), "P%02d", k);
	assert_string_equal(res.conflict_card, want);
	assert_int_equal(res.written, 0);
	import_job_free(job);
	import_result_free(&res);
	free(file);
	/* Nothing of the second file: the first batch went with the chunk. */
	assert_int_equal(query(fx, "SELECT count(*) FROM card "
				   "WHERE mgmt_id GLOB 'P*'"),
			 0);
	assert_int_equal(n_cards(fx), n + 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_good_utf8),
	    T(test_chunks_and_changes),
	    T(test_batches_of_new_cards),
	    T(test_settings_restored),
	    T(test_bom),
	    T(test_bom_with_cp932),
	    T(test_cp932_auto),
	    T(test_cp932_forced),
	    T(test_encoding_proven),
	    T(test_location_normal_form),
	    T(test_same_list_windows_and_mac),
	    T(test_columns_any_order),
	    T(test_header_problems),
	    T(test_duplicates_in_file),
	    T(test_conflicts_with_ledger),
	    T(test_dates_weighed),
	    T(test_bad_dates),
	    T(test_excel_dates),
	    T(test_cards_awaiting_enrolment),
	    T(test_bad_serial_and_mgmt_id),
	    T(test_bad_status),
	    T(test_bad_location),
	    T(test_invalid_cp932),
	    T(test_embedded_nul),
	    T(test_quoted_fields),
	    T(test_quoted_problems_and_lines),
	    T(test_crlf),
	    T(test_empty_file),
	    T(test_header_only),
	    T(test_damaged_files),
	    T(test_read_cap),
	    T(test_unterminated_quote),
	    T(test_wrong_field_count),
	    T(test_reimport_idempotent),
	    T(test_update_reminder),
	    T(test_absent_columns_keep_ledger),
	    T(test_dry_run),
	    T(test_bad_file_changes_nothing),
	    T(test_status_steps_refused),
	    T(test_applicant_events),
	    T(test_full_list_missing),
	    T(test_serial_is_terminal_tag),
	    T(test_million_rows_checked),
	    T(test_bulk_import),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
