/*
 * libFuzzer target for the stock list import (data/import.c): any bytes at
 * all, as a file from another office could hold them, go through
 * import_run as a dry run against a ledger that holds a few cards in
 * several states, a terminal's tag and CP932 and UTF-8 locations.  Beyond
 * "no crash, no out-of-bounds read" (ASan, UBSan), the result must keep
 * import.h's promises; a broken promise aborts, which the fuzzer reports as
 * a crash:
 *   - the answer is IMPORT_OK or IMPORT_ERR_INVALID, never a ledger error;
 *   - refused: at least one problem, in file order, each with a line of
 *     the input, a column and a reason, none holding a control character
 *     (a problem is printed on an operator's terminal); no counts;
 *   - accepted: every row counted once (added + updated + unchanged);
 *   - the same bytes give the same answer twice, and the dry run changes
 *     nothing (the card and location counts stay as they were).
 *
 * The ledger is a file in TMPDIR, made on the first input and removed at
 * exit.  Built by `make fuzz` with clang; tests/test_fuzz_corpus.c includes
 * this file (with FUZZ_ENTRY renamed) to replay the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../data/import.h"
#include "../../reconcile/rules.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static struct ledger *fuzz_import_ledger;
static char fuzz_import_dir[256];

static void fuzz_import_cleanup(void)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[300];

	ledger_close(fuzz_import_ledger);
	fuzz_import_ledger = NULL;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s/ledger.db%s", fuzz_import_dir,
			 suffixes[i]);
		unlink(p);
	}
	rmdir(fuzz_import_dir);
}

/* The seed stock: statuses an import may and may not change, a CP932 and
 * a UTF-8 location (金庫, 棚), and a terminal's tag for the namespace
 * rule. */
static const char fuzz_import_seed[] =
    "mgmt_id,serial,location,received,notice_sent,status\n"
    "A001,04A0000001,SAFE1/S1/T01,2024-04-01,,\n"
    "A002,04A0000002,SAFE1/S1/T01,2024-04-01,2024-04-05,issued\n"
    "A003,04A0000003,\xe9\x87\x91\xe5\xba\xab/\xe6\xa3\x9a"
    "1,2024-04-02,,moved\n"
    "A004,04A0000004,SAFE1/S1/T02,2024-04-02,,lost\n"
    "A005,04A0000005,SAFE1/S1/T02,2024-04-03,,disposed\n";

static void fuzz_import_open(void)
{
	const char *tmp = getenv("TMPDIR");
	struct import_opts o = {.encoding = IMPORT_ENC_AUTO,
				.now = 1700000000,
				.status_rule = recon_import_status_rule};
	struct import_result res;
	char path[300], err[256];
	int64_t id;

	snprintf(fuzz_import_dir, sizeof(fuzz_import_dir),
		 "%s/fuzz_import.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_import_dir))
		abort();
	snprintf(path, sizeof(path), "%s/ledger.db", fuzz_import_dir);
	if (ledger_create(path, &fuzz_import_ledger, err, sizeof(err)) < 0)
		abort();
	atexit(fuzz_import_cleanup);
	if (import_run(fuzz_import_ledger, fuzz_import_seed,
		       sizeof(fuzz_import_seed) - 1, &o, &res) != IMPORT_OK ||
	    ledger_asset_add(fuzz_import_ledger, "TERM1", "Terminal",
			     "04E0000099", "SAFE1", 0, 1700000000, &id) < 0)
		abort();
	import_result_free(&res);
}

/* 1 when s holds a byte below 0x20 or DEL. */
static int fuzz_import_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static long fuzz_import_lines(const uint8_t *data, size_t size)
{
	long n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n' || data[i] == '\r';
	return n;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct import_opts o = {.encoding = IMPORT_ENC_AUTO,
				.dry_run = 1,
				.full = 1,
				.now = 1700000060,
				.status_rule = recon_import_status_rule};
	struct import_result res, again;
	int64_t cards;
	long lines = fuzz_import_lines(data, size);
	int rc;

	if (!fuzz_import_ledger)
		fuzz_import_open();
	cards = ledger_card_count(fuzz_import_ledger);
	/* --encoding too, without taking a byte of the file: by its size,
	 * auto for half of the inputs, utf-8 and cp932 for a quarter each. */
	if (size % 4 == 1 || size % 4 == 2)
		o.encoding = (enum import_encoding)(size % 4);
	rc = import_run(fuzz_import_ledger, (const char *)data, size, &o, &res);
	if (rc != IMPORT_OK && rc != IMPORT_ERR_INVALID)
		abort();
	if (rc == IMPORT_ERR_INVALID) {
		if (res.nproblems == 0 || res.added || res.updated ||
		    res.unchanged || res.missing)
			abort();
		for (size_t i = 0; i < res.nproblems; i++) {
			const struct import_problem *p = &res.problems[i];

			if (p->line < 1 || p->line > lines ||
			    (i > 0 && p->line < res.problems[i - 1].line) ||
			    !p->column[0] || !p->reason[0] ||
			    fuzz_import_has_control(p->column) ||
			    fuzz_import_has_control(p->reason))
				abort();
		}
	} else if (res.nproblems != 0 ||
		   res.added + res.updated + res.unchanged != res.rows ||
		   res.missing < 0 ||
		   res.nmissing_shown > IMPORT_MISSING_SHOWN) {
		abort();
	}
	if (import_run(fuzz_import_ledger, (const char *)data, size, &o,
		       &again) != rc ||
	    again.nproblems != res.nproblems || again.rows != res.rows ||
	    again.added != res.added || again.missing != res.missing ||
	    ledger_card_count(fuzz_import_ledger) != cards)
		abort();
	import_result_free(&again);
	import_result_free(&res);
	return 0;
}
