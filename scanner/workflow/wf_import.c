/*
 * The stock list import and the ledger's creation as workflows.  Import:
 * who may import (the permission matrix, the actor read again) and the
 * one transaction in which data/import.c validates and writes the file
 * (all rows or none).  The file's own rules (columns, dates, what a row
 * may change) are data/import.c's; reading the file is the front end's.
 * Init: a new ledger with its first manager, or no file at all.
 */
#include "wf.h"

#include "../../common/text.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../../data/import.h"
#include "../../reconcile/rules.h"

const struct wf_step wf_step_import = {"import", ACT_IMPORT, WF_PERMIT};

int wf_import(struct ledger *l, const struct staff_rec *actor,
	      const char *source, const char *buf, size_t len, int encoding,
	      int flags, int64_t now, struct import_result *res,
	      struct wf_err *e)
{
	int dry_run = (flags & IMPORT_DRY_RUN) != 0;
	struct import_opts opts = {
	    .encoding = (enum import_encoding)encoding,
	    .dry_run = dry_run,
	    .full = (flags & IMPORT_FULL) != 0,
	    .actor_id = actor->id,
	    .now = now,
	    /* Statuses change only as the state machine allows. */
	    .status_rule = recon_import_status_rule,
	};
	char n[24];
	int rc;

	memset(res, 0, sizeof(*res));
	rc = wf_begin(l, &wf_step_import, actor, now, e);
	if (rc)
		return rc;
	rc = import_run(l, buf, len, &opts, res);
	if (rc == IMPORT_ERR_INVALID)
		rc = wf_fail(e,
			     res->nproblems == 1 ? WF_E_IMPORT_PROBLEM
						 : WF_E_IMPORT_PROBLEMS,
			     source, wf_i64(n, (int64_t)res->nproblems));
	else if (rc == IMPORT_ERR_NOMEM)
		rc = wf_fail(e, WF_E_NOMEM);
	else if (rc < 0)
		rc = wf_fail(e, WF_E_IMPORT_FAILED, ledger_errmsg(l));
	/* A dry run changes nothing, whatever import_run did meanwhile. */
	if (rc == 0 && dry_run) {
		ledger_rollback(l);
		return 0;
	}
	return wf_end(l, rc, e);
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
