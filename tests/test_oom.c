/*
 * Out of memory at every allocation (issue 13), in the style of SQLite's
 * own fault tests: an import, a scan (a count's reads through the
 * workflow) and a count close are run with the Nth allocation failing,
 * for N = 1, 2, ... until the operation runs without reaching it.  Both
 * SQLite's allocations (sqlite3_config(SQLITE_CONFIG_MALLOC): a failing
 * allocator over the default one) and cardtally's own fail: its code
 * calls malloc, calloc, realloc and strdup directly, and this binary is
 * linked with --wrap for each (Makefile), so that the calls of data/,
 * common/, reconcile/ and the workflows go through the failing wrappers
 * below.  Allocations made inside other shared libraries (libsodium,
 * libunistring's normalisation, libc itself) are not counted.
 *
 * Each N runs twice: the Nth allocation alone fails (a transient failure,
 * which SQLite sometimes absorbs), and every allocation from the Nth on
 * fails (memory that stays short).  After each run the call returned an
 * error (or succeeded as it should), the ledger passes integrity_check,
 * the audit chain verifies, and nothing acknowledged before or during the
 * run is lost.  make check runs this under ASan: a leak on an error path
 * fails it.
 *
 * Each run starts from the same ledger file (kept in memory, written back
 * before each run), opened while allocations succeed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <execinfo.h>
#include <sodium.h>
#include <sqlite3.h>

#include "../data/import.h"
#include "../data/ledger.h"
#include "../scanner/workflow/wf.h"
#include "../scanner/workflow/wf_overview.h"
#include "../scanner/workflow/wf_scan.h"
#include "tmpdir.h"

/* 2026-03-02 10:00 in Tokyo (tests/run sets TZ). */
#define NOW 1772413200

/* ---- the failing allocators ---------------------------------------------- */

static sqlite3_mem_methods real_mem;
static long fail_at;	 /* 0: nothing fails */
static int fail_persist; /* every allocation from fail_at on fails */
static long nalloc;	 /* allocations since armed */
static long nfailed;	 /* allocations refused since armed */
/* CARDTALLY_OOM_TRACE=N: the stack of the Nth allocation, when it fails,
 * on stderr (which call did not handle it; link with -rdynamic for names). */
static long trace_at;

static int should_fail(void)
{
	if (!fail_at)
		return 0;
	nalloc++;
	if (nalloc == fail_at || (fail_persist && nalloc > fail_at)) {
		if (nalloc == trace_at) {
			void *bt[32];

			backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
		}
		nfailed++;
		return 1;
	}
	return 0;
}

static void arm(long n, int persist)
{
	nalloc = 0;
	nfailed = 0;
	fail_persist = persist;
	fail_at = n;
}

static void disarm(void)
{
	fail_at = 0;
}

static void *oom_sqlite_malloc(int n)
{
	return should_fail() ? NULL : real_mem.xMalloc(n);
}

static void *oom_sqlite_realloc(void *p, int n)
{
	return should_fail() ? NULL : real_mem.xRealloc(p, n);
}

/* cardtally's own allocations (ld --wrap=malloc and so on). */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

void *__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : __real_strdup(s);
}

/* ---- the ledger each run starts from --------------------------------------
 */

struct fixture {
	char dir[512];
	char path[600];
	struct ledger *l;
	struct staff_rec m01, s02;
	struct recon_rules rules;
	char *image; /* the ledger file each run starts from */
	size_t image_len;
	int64_t count; /* the open count of SAFE1/T01, given to S02 */
	/* A connection of the test's own, as another process would have:
	 * what is stored, not what data/ says. */
	sqlite3 *side;
	int64_t version; /* its PRAGMA data_version when last verified */
};

static const char stock[] = "mgmt_id,serial,location,received\n"
			    "A101,04A101,SAFE1/T01,2025-06-01\n"
			    "A102,04A102,SAFE1/T01,2025-06-01\n"
			    "A103,04A103,SAFE1/T01,2025-06-01\n"
			    "A201,04A201,SAFE1/T02,2025-06-01\n";

/* What the import under test adds: two new cards, one moved. */
static const char more[] = "mgmt_id,serial,location,received\n"
			   "A104,04A104,SAFE1/T01,2025-07-01\n"
			   "A105,04A105,SAFE1/T02,2025-07-01\n"
			   "A201,04A201,SAFE1/T01,2025-06-01\n";

static int64_t clock_now(void)
{
	return NOW;
}

static void unlink_ledger(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[700];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

static void add(struct fixture *f, const char *code, enum staff_role role,
		const char *pin, struct staff_rec *out)
{
	char hash[crypto_pwhash_STRBYTES];

	assert_int_equal(crypto_pwhash_str(hash, pin, strlen(pin),
					   crypto_pwhash_OPSLIMIT_MIN,
					   8u << 20),
			 0);
	assert_int_equal(ledger_staff_add(f->l, code, code, role, hash, 0, 1),
			 0);
	assert_int_equal(ledger_staff_get(f->l, code, out), 0);
}

/* The first column of the first row of sql, through the test's own
 * connection; -1 for no row. */
static int64_t q_int(const struct fixture *f, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(f->side, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Another process could write now: the ledger's connection holds no
 * transaction (a failure that left one open would keep every other
 * process from writing for as long as this one runs). */
static int write_lock_free(const struct fixture *f)
{
	int rc;

	sqlite3_busy_timeout(f->side, 0);
	rc = sqlite3_exec(f->side, "BEGIN IMMEDIATE; ROLLBACK", NULL, NULL,
			  NULL);
	sqlite3_busy_timeout(f->side, 5000);
	return rc == SQLITE_OK;
}

/* Writes the starting ledger back and opens it (allocations succeed). */
static void reopen(struct fixture *f)
{
	char err[256];
	FILE *fp;

	ledger_close(f->l);
	f->l = NULL;
	sqlite3_close(f->side);
	f->side = NULL;
	unlink_ledger(f->path);
	fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(f->image, 1, f->image_len, fp), f->image_len);
	assert_int_equal(fclose(fp), 0);
	if (ledger_open(f->path, &f->l, err, sizeof(err)) != 0)
		fail_msg("reopen: %s", err);
	assert_int_equal(sqlite3_open(f->path, &f->side), SQLITE_OK);
	sqlite3_busy_timeout(f->side, 5000);
	f->version = q_int(f, "PRAGMA data_version");
}

/* Closes the ledger and keeps its file as the start of every run. */
static void keep_image(struct fixture *f)
{
	FILE *fp;
	long len;

	ledger_close(f->l); /* checkpoints: the file holds everything */
	f->l = NULL;
	sqlite3_close(f->side);
	f->side = NULL;
	fp = fopen(f->path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len > 0);
	rewind(fp);
	free(f->image);
	f->image = malloc((size_t)len);
	assert_non_null(f->image);
	assert_int_equal(fread(f->image, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	f->image_len = (size_t)len;
	reopen(f);
}

static void import_stock(struct fixture *f, const char *csv)
{
	struct import_result res;
	struct wf_err e;

	assert_int_equal(wf_import(f->l, &f->m01, "stock.csv", csv, strlen(csv),
				   IMPORT_ENC_AUTO, 0, NOW, &res, &e),
			 0);
	import_result_free(&res);
}

/* S02 reads serials into SAFE1/T01 of the fixture's count. */
static void read_cards(struct fixture *f, const char *const *serials, size_t n)
{
	struct wf_scan_args a = {0};
	struct wf_scan_read res;
	struct wf_scan *s = NULL;
	struct wf_err e;

	a.session_id = f->count;
	a.range = "SAFE1/T01";
	a.actor = &f->s02;
	a.clock = clock_now;
	assert_int_equal(wf_scan_open(f->l, &a, &s, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(wf_scan_serial(s, serials[i], &res, &e), 0);
	assert_int_equal(wf_scan_close(s, &e), 0);
}

/* The ledger with its people, the stock above and a partial count of
 * SAFE1/T01 given to S02 who has read A101 (an acknowledged read). */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *ranges[1] = {"SAFE1/T01"};
	const char *first[] = {"04A101"};
	char err[256];

	if (!f || sodium_init() < 0)
		goto fail;
	if (test_mkdtemp(f->dir, sizeof(f->dir), "ct-oom") < 0)
		goto fail;
	snprintf(f->path, sizeof(f->path), "%s/l.db", f->dir);
	if (ledger_create(f->path, &f->l, err, sizeof(err)) != 0) {
		fprintf(stderr, "# %s\n", err);
		rmdir(f->dir);
		goto fail;
	}
	add(f, "M01", ROLE_MANAGER, "1111", &f->m01);
	add(f, "S02", ROLE_STAFF, "2222", &f->s02);
	import_stock(f, stock);
	assert_int_equal(ledger_session_start(f->l, SESSION_PARTIAL, ranges, 1,
					      f->m01.id, NOW, &f->count),
			 0);
	assert_int_equal(ledger_session_assign(f->l, f->count, "SAFE1/T01",
					       "S02", f->m01.id, NOW),
			 0);
	read_cards(f, first, 1);
	f->rules = recon_default_rules;
	keep_image(f);
	*state = f;
	return 0;
fail:
	free(f);
	return -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ledger_close(f->l);
	sqlite3_close(f->side);
	unlink_ledger(f->path);
	/* A run that leaves another file behind fails here. */
	assert_int_equal(rmdir(f->dir), 0);
	free(f->image);
	free(f);
	return 0;
}

/* ---- the checks after every run -------------------------------------------
 */

/* The ledger is whole: integrity_check says ok and the audit chain, and
 * every record it repeats, verifies. */
static void holds(struct fixture *f, const char *op, long n)
{
	struct audit_verify v;
	char ic[256] = "";

	if (ledger_integrity_check(f->l, ic, sizeof(ic)) != 0)
		fail_msg("%s, allocation %ld failed: integrity_check: %s", op,
			 n, ledger_errmsg(f->l));
	if (strcmp(ic, "ok") != 0)
		fail_msg("%s, allocation %ld failed: integrity_check: %s", op,
			 n, ic);
	if (ledger_audit_verify(f->l, NULL, 0, &v) != 0)
		fail_msg("%s, allocation %ld failed: audit verify: %s", op, n,
			 ledger_errmsg(f->l));
	if (v.problem != AUDIT_INTACT || v.nfindings != 0)
		fail_msg("%s, allocation %ld failed: audit verify: %s", op, n,
			 v.what);
}

/* A failure said as one: out of memory, or the ledger's error naming it
 * (SQLite's "out of memory" as an argument of the workflow's error), never
 * a refusal of something else. */
static void says_nomem(const struct wf_err *e, const char *op, long n)
{
	if (e->code == WF_E_NOMEM)
		return;
	for (int i = 0; i < e->nargs; i++)
		if (strstr(e->arg[i], "out of memory"))
			return;
	fail_msg("%s, allocation %ld failed: the error is code %d (%s)", op, n,
		 (int)e->code, e->nargs > 0 ? e->arg[0] : "");
}

/*
 * Runs op with allocation n failing (alone, or from n on) for n = 1, 2,
 * ... until op reaches no failing allocation; check looks at the ledger
 * after each run (rc: what op returned).  Returns how many allocations
 * the operation made.  A run that committed nothing (data_version the
 * same) leaves the file as it was verified last: the next run goes on
 * with the same connection, as a long-running program would, and the
 * ledger is verified again only once something was written.
 */
static long
every_allocation(struct fixture *f, const char *op,
		 int (*run)(struct fixture *f, struct wf_err *e, void *ctx),
		 void (*check)(struct fixture *f, int rc, long n, void *ctx),
		 void *ctx)
{
	long n;

	/* Where every run starts is whole. */
	reopen(f);
	holds(f, op, 0);
	for (n = 1;; n++) {
		long hit = 0;

		for (int persist = 0; persist <= 1; persist++) {
			struct wf_err e = {0};
			int rc, changed;

			if (!f->l)
				reopen(f);
			arm(n, persist);
			rc = run(f, &e, ctx);
			hit = nfailed;
			disarm();
			if (!hit) {
				if (rc != 0)
					fail_msg("%s: fails without a failed "
						 "allocation (code %d)",
						 op, (int)e.code);
				holds(f, op, n);
				check(f, rc, n, ctx);
				return n - 1;
			}
			if (rc != 0)
				says_nomem(&e, op, n);
			if (!write_lock_free(f))
				fail_msg(
				    "%s, allocation %ld failed: the ledger "
				    "is left locked for writing",
				    op, n);
			changed = q_int(f, "PRAGMA data_version") != f->version;
			if (changed)
				holds(f, op, n);
			check(f, rc, n, ctx);
			/* What was written, a run of its own undoes. */
			if (changed || rc == 0) {
				ledger_close(f->l);
				f->l = NULL;
			}
		}
	}
}

/* ---- an import ------------------------------------------------------------
 */

static int run_import(struct fixture *f, struct wf_err *e, void *ctx)
{
	struct import_result res;
	int rc;

	(void)ctx;
	rc = wf_import(f->l, &f->m01, "more.csv", more, strlen(more),
		       IMPORT_ENC_AUTO, 0, NOW, &res, e);
	import_result_free(&res);
	return rc;
}

static void check_import(struct fixture *f, int rc, long n, void *ctx)
{
	int64_t cards = q_int(f, "SELECT count(*) FROM card");
	int64_t moved = q_int(f, "SELECT count(*) FROM card JOIN location "
				 "ON location.id = card.location_id WHERE "
				 "mgmt_id = 'A201' AND path = 'SAFE1/T01'");

	(void)ctx;
	if (rc == 0) {
		if (cards != 6 || moved != 1)
			fail_msg("import, allocation %ld failed: succeeded "
				 "with %lld cards, A201 moved %lld",
				 n, (long long)cards, (long long)moved);
		return;
	}
	/* All or nothing: the cards of before, none of the file. */
	if (cards != 4 || moved != 0)
		fail_msg("import, allocation %ld failed: %lld cards, A201 "
			 "moved %lld",
			 n, (long long)cards, (long long)moved);
}

static void oom_import(void **state)
{
	struct fixture *f = *state;
	long n = every_allocation(f, "import", run_import, check_import, NULL);

	print_message("# import: %ld allocations, each failed\n", n);
	assert_true(n > 10);
}

/* ---- a scan -------------------------------------------------------------- */

static const char *const scan_serials[] = {"04A102", "04A103", "04A201"};
#define NSCAN (sizeof(scan_serials) / sizeof(scan_serials[0]))

/* Which reads of scan_serials were acknowledged (returned 0). */
struct scan_ctx {
	int acked[NSCAN];
	int opened;
};

static int run_scan(struct fixture *f, struct wf_err *e, void *ctx)
{
	struct scan_ctx *c = ctx;
	struct wf_scan_args a = {0};
	struct wf_scan_read res;
	struct wf_scan *s = NULL;
	struct wf_err e2;
	int rc, first = 0;

	memset(c, 0, sizeof(*c));
	a.session_id = f->count;
	a.range = "SAFE1/T01";
	a.actor = &f->s02;
	a.clock = clock_now;
	rc = wf_scan_open(f->l, &a, &s, e);
	if (rc != 0)
		return rc;
	c->opened = 1;
	for (size_t i = 0; i < NSCAN; i++) {
		rc = wf_scan_serial(s, scan_serials[i], &res, &e2);
		if (rc == 0)
			c->acked[i] = 1;
		else if (!first) {
			first = rc;
			*e = e2;
		}
	}
	rc = wf_scan_close(s, &e2);
	if (rc != 0 && !first) {
		first = rc;
		*e = e2;
	}
	return first;
}

static void check_scan(struct fixture *f, int rc, long n, void *ctx)
{
	const struct scan_ctx *c = ctx;
	char sql[256];

	(void)rc;
	/* The read acknowledged before the run is there, once. */
	if (q_int(f,
		  "SELECT count(*) FROM scan_live WHERE serial = '04A101'") !=
	    1)
		fail_msg("scan, allocation %ld failed: the earlier read of "
			 "04A101 is not there once",
			 n);
	for (size_t i = 0; i < NSCAN; i++) {
		int64_t k;

		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM scan_live WHERE serial = '%s'",
			 scan_serials[i]);
		k = q_int(f, sql);
		/* Acknowledged: recorded.  Never recorded twice. */
		if ((c->acked[i] && k != 1) || k > 1)
			fail_msg("scan, allocation %ld failed: %s %s, "
				 "recorded %lld times",
				 n, scan_serials[i],
				 c->acked[i] ? "acknowledged" : "refused",
				 (long long)k);
	}
}

static void oom_scan(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx c;
	long n = every_allocation(f, "scan", run_scan, check_scan, &c);

	print_message("# scan: %ld allocations, each failed\n", n);
	assert_true(n > 10);
	for (size_t i = 0; i < NSCAN; i++)
		assert_true(c.acked[i]);
}

/* ---- a count close --------------------------------------------------------
 */

static int run_close(struct fixture *f, struct wf_err *e, void *ctx)
{
	struct wf_count_closed out;

	(void)ctx;
	return wf_count_close(f->l, &f->s02, f->count, NULL, NULL, NOW,
			      &f->rules, &out, e);
}

static void check_close(struct fixture *f, int rc, long n, void *ctx)
{
	char sql[128];
	int64_t closed;

	(void)ctx;
	snprintf(sql, sizeof(sql),
		 "SELECT closed_at IS NOT NULL AND closed_at <> 0 FROM "
		 "session WHERE id = %lld",
		 (long long)f->count);
	closed = q_int(f, sql);
	if (closed != (rc == 0))
		fail_msg("count close, allocation %ld failed: returned %d, "
			 "the count is %s",
			 n, rc, closed ? "closed" : "open");
	if (q_int(f, "SELECT count(*) FROM scan_live") != 3)
		fail_msg("count close, allocation %ld failed: reads lost", n);
}

static void oom_count_close(void **state)
{
	struct fixture *f = *state;
	const char *rest[] = {"04A102", "04A103"};
	long n;

	/* Every card of the tray read: the count closes without a
	 * discrepancy, so without a witness. */
	read_cards(f, rest, 2);
	keep_image(f);
	n = every_allocation(f, "count close", run_close, check_close, NULL);
	print_message("# count close: %ld allocations, each failed\n", n);
	assert_true(n > 10);
}

/* ---- today's picture (read only) -----------------------------------------
 */

/* What the run that failed no allocation found. */
struct overview_seen {
	size_t ncounts, nsafe_closed, ngaps;
	char staff[STAFF_CODE_MAX + 1];
};

static int run_overview(struct fixture *f, struct wf_err *e, void *ctx)
{
	struct overview_seen *seen = ctx;
	struct wf_overview ov;
	int rc = wf_overview(f->l, &recon_default_key_rules, &f->rules, NOW,
			     &ov, e);

	if (rc == 0) {
		seen->ncounts = ov.ncounts;
		seen->nsafe_closed = ov.nsafe_closed;
		seen->ngaps = ov.ngaps;
		snprintf(seen->staff, sizeof(seen->staff), "%s",
			 ov.nsafe_closed ? ov.safe_closed[0].staff : "");
		wf_overview_free(&ov);
	}
	return rc;
}

/* Nothing to look at in the ledger: it only reads (every_allocation
 * checks that a failure says out of memory and leaves no lock; the
 * sanitizers of make check, that it leaves nothing allocated). */
static void check_overview(struct fixture *f, int rc, long n, void *ctx)
{
	(void)f;
	(void)rc;
	(void)n;
	(void)ctx;
}

static void oom_overview(void **state)
{
	struct fixture *f = *state;
	struct overview_seen seen = {0};
	struct course_rec c = {.code = "K1", .name = "Card handling",
			       .required = 1};
	long n;

	/* A required course nobody took: everyone has a gap. */
	assert_int_equal(ledger_course_add(f->l, &c, f->m01.id, NOW), 0);
	keep_image(f);
	n = every_allocation(f, "overview", run_overview, check_overview,
			     &seen);

	print_message("# overview: %ld allocations, each failed\n", n);
	assert_true(n > 10);
	/* The count, and S02's read of A101 with the safe recorded closed
	 * (its text kept past the walk). */
	assert_int_equal(seen.ncounts, 1);
	assert_int_equal(seen.ngaps, 2);
	assert_int_equal(seen.nsafe_closed, 1);
	assert_string_equal(seen.staff, "S02");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(oom_import, setup, teardown),
	    cmocka_unit_test_setup_teardown(oom_scan, setup, teardown),
	    cmocka_unit_test_setup_teardown(oom_count_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(oom_overview, setup, teardown),
	};

	if (getenv("CARDTALLY_OOM_TRACE"))
		trace_at = atol(getenv("CARDTALLY_OOM_TRACE"));
	/* Before SQLite initialises: its allocations go through ours. */
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
		return 1;
	{
		sqlite3_mem_methods m = real_mem;

		m.xMalloc = oom_sqlite_malloc;
		m.xRealloc = oom_sqlite_realloc;
		if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK)
			return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
