/*
 * The stock list import and the ledger's creation as workflows.  Import:
 * who may import (the permission matrix, the actor read again) around
 * data/import.c's check of the whole file (all rows or none) and its
 * writes in chunks.  The file's own rules (columns, dates, what a row
 * may change) are data/import.c's; reading the file is the front end's.
 * Init: a new ledger with its first manager, or no file at all.
 */
#include "wf.h"

#include "../../common/clock.h"
#include "../../common/text.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../../data/import.h"
#include "../../reconcile/rules.h"

const struct wf_step wf_step_import = {"import", ACT_IMPORT, WF_PERMIT};

/* An import's failure as the workflow says it. */
static int import_fail(struct ledger *l, int rc, const char *source,
		       const struct import_result *res, struct wf_err *e)
{
	char n[24], line[24], done[24], all[24];

	if (rc == IMPORT_ERR_INVALID)
		return wf_fail(e,
			       res->nproblems == 1 ? WF_E_IMPORT_PROBLEM
						   : WF_E_IMPORT_PROBLEMS,
			       source, wf_i64(n, (int64_t)res->nproblems));
	if (rc == IMPORT_ERR_CHANGED)
		return wf_fail(e, WF_E_IMPORT_CHANGED, source,
			       wf_i64(line, res->conflict_line),
			       res->conflict_card, wf_i64(done, res->written),
			       wf_i64(all, res->to_write));
	if (rc == IMPORT_ERR_NOMEM)
		return wf_fail(e, WF_E_NOMEM);
	return wf_fail(e, WF_E_IMPORT_FAILED, ledger_errmsg(l));
}

/*
 * The check in a read transaction (a bad file never takes the write
 * lock; a dry run stops there), then the writes in chunks, each its own
 * short write transaction that checks the actor again (wf_begin), with a
 * pause between them for the checkouts waiting at the window.
 */
int wf_import(struct ledger *l, const struct staff_rec *actor,
	      const char *source, const char *buf, size_t len, int encoding,
	      int flags, int64_t now, struct import_result *res,
	      struct wf_err *e)
{
	struct import_opts opts = {
	    .encoding = (enum import_encoding)encoding,
	    .dry_run = (flags & IMPORT_DRY_RUN) != 0,
	    .full = (flags & IMPORT_FULL) != 0,
	    .actor_id = actor->id,
	    .source = source,
	    .now = now,
	    /* Statuses change only as the state machine allows. */
	    .status_rule = recon_import_status_rule,
	    /* No date after the day of the import, none out of order. */
	    .dates_rule = recon_import_dates_rule,
	    .today = wf_today(now),
	};
	struct import_job *job = NULL;
	int rc, irc;

	memset(res, 0, sizeof(*res));
	rc = wf_begin_read(l, &wf_step_import, actor, now, e);
	if (rc)
		return rc;
	irc = import_check(l, buf, len, &opts, res, &job);
	ledger_rollback(l);
	if (irc < 0)
		return import_fail(l, irc, source, res, e);
	import_sync_late(job);
	for (irc = job ? IMPORT_MORE : IMPORT_OK; irc == IMPORT_MORE;) {
		ct_test_pause("import.chunk");
		rc = wf_begin(l, &wf_step_import, actor, now, e);
		if (rc)
			break;
		irc = import_write(job, IMPORT_CHUNK_ROWS, IMPORT_CHUNK_MS);
		if (irc < 0)
			rc = import_fail(l, irc, source, res, e);
		rc = wf_end(l, rc, e);
		if (rc)
			break;
		if (irc == IMPORT_MORE)
			ledger_let_writers_in(l);
	}
	/* What was committed is on disk before anything is said. */
	if (import_sync(job) < 0 && rc == 0)
		rc = wf_fail_ledger(e, l);
	import_job_free(job);
	return rc;
}

int wf_init_check(const char *code, const char *name, struct wf_err *e)
{
	if (!staff_code_valid(code))
		return wf_fail(e, WF_E_STAFF_CODE, code);
	return wf_text(e, N_("name"), name, NAME_MAX_BYTES, 0);
}

int wf_init(const char *path, const char *code, const char *name,
	    const char *pin, int64_t now, struct wf_err *e)
{
	struct ledger *l;
	char err[512], hash[128], max[24];
	int rc = wf_init_check(code, name, e);

	if (rc == 0)
		rc = wf_pin_hash(pin, hash, e);
	if (rc)
		return rc;
	rc = ledger_create(path, &l, err, sizeof(err));
	if (rc < 0) {
		sodium_memzero(hash, sizeof(hash));
		if (rc == LEDGER_ERR_EXISTS)
			return wf_fail(e, WF_E_INIT_EXISTS, err);
		if (rc == LEDGER_ERR_INVALID)
			return wf_fail(e, WF_E_INIT_REFUSED, err);
		return wf_fail(e, WF_E_INIT_CREATE, err);
	}
	rc = ledger_begin(l);
	if (rc == 0)
		rc =
		    ledger_staff_add(l, code, name, ROLE_MANAGER, hash, 0, now);
	if (rc == 0)
		rc = ledger_audit(l, 0, now, "ledger.init", path, NULL);
	if (rc == 0)
		rc = ledger_commit(l);
	sodium_memzero(hash, sizeof(hash));
	if (rc == LEDGER_ERR_INVALID)
		rc = wf_fail(e, WF_E_STAFF_NAME, wf_i64(max, NAME_MAX_BYTES));
	else if (rc < 0)
		rc = wf_fail_ledger(e, l);
	ledger_close(l);
	if (rc) {
		char p[4096];

		/* No half-made ledger: init may be run again. */
		for (const char *const *s =
			 (const char *const[]){"", "-wal", "-shm", NULL};
		     *s; s++) {
			snprintf(p, sizeof(p), "%s%s", path, *s);
			remove(p);
		}
	}
	return rc;
}
