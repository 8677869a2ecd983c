/*
 * The work the commands share: the scan loop (used by `scan` and `demo`) and
 * printing a reconciliation report (used by `reconcile`, `count close` and
 * `demo`).  Text for people, JSON for programs; both go to the FILE given.
 */
#ifndef CT_REPORT_H
#define CT_REPORT_H

#include <stdio.h>

#include "../common/count.h"
#include "../data/ledger.h"
#include "../reconcile/recon.h"
#include "cli.h"

/* Parses a session id argument; 0 or a usage exit code. */
int cli_session_id(struct cli *c, const char *s, int64_t *id);
/* 1 when s names a disposal batch ("D" and its number, as `dispose start`
 * prints it): *id is then its number, or 0 when the number is invalid. */
int cli_is_disposal_id(const char *s, int64_t *id);

enum scan_verbosity {
	SCAN_EVERY_READ = 0, /* one line per read (the `scan` command) */
	SCAN_ALERTS_ONLY,    /* alerts, repeats and reader events (demo) */
	SCAN_QUIET,	     /* nothing (the demo's replay of last month) */
};

struct scan_args {
	int64_t session_id;
	int64_t disposal_id; /* instead of session_id: a disposal batch */
	const struct recon_rules *rules; /* due rules; NULL: the defaults */
	const char *range;  /* location path, one of the session's ranges */
	const char *reader; /* reader spec, e.g. sim:FILE */
	const struct rdr_profile *profile; /* identity profile; NULL: uid */
	const struct staff_rec *actor;
	int json;
	enum scan_verbosity verbosity;
	FILE *out;
};

struct scan_totals {
	long accepted, repeats, alerts;
};

/*
 * Reads until the reader's script ends (sim) or SIGINT/SIGTERM, recording
 * every read durably before reporting it.  Returns an exit code; totals
 * are filled either way.
 */
int scan_run(struct ledger *l, const struct scan_args *a,
	     struct scan_totals *totals);

/*
 * Prints the report of session `d` (today is used for disposal-due rules).
 * Missing cards get their last sighting from the ledger.  Returns an exit
 * code: 0, or 1 when the report has discrepancies.
 */
int report_print(FILE *f, struct ledger *l, const struct count_data *d,
		 const struct recon_report *r, int json);

/* Loads, reconciles and prints session id; returns an exit code. */
int reconcile_session(struct ledger *l, int64_t id, int json, FILE *out);

#endif
