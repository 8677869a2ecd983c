/*
 * `cardtally reconcile ID`: compares what a session read with the ledger and
 * prints the report (text, or JSON with --json).  Read-only: needs no
 * person.  Exit 1 when there are discrepancies.
 */
#include "../workflow/config.h"
#include "report.h"

int reconcile_session(struct ledger *l, int64_t id, int json, FILE *out)
{
	struct wf_reconcile w;
	struct config conf;
	struct wf_err e;
	int rc = config_load(&conf);

	/* The installation's due rules, as the scan loop used them. */
	if (rc)
		return rc;
	if (wf_reconcile(l, id, cli_now(), &conf.rules, &w, &e))
		return cli_fail(&e);
	/* A tally compares with what went out, not with the trays; a
	 * count-only check compares totals, not serials (R5): their
	 * commands print them. */
	if (w.sess.kind == SESSION_TALLY)
		rc = reconcile_tally(l, &w.sess, json, out);
	else if (w.sess.kind == SESSION_COUNTONLY)
		rc = reconcile_countonly(l, &w.sess, json, out);
	else
		rc = report_print(out, &w, json);
	wf_reconcile_free(&w);
	return rc;
}

static int exec_reconcile(struct cli *c, struct ledger *l)
{
	int64_t id;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "a session ID is required");
	rc = cli_session_id(c, c->pos[0], &id);
	if (rc)
		return rc;
	return reconcile_session(l, id, c->json, stdout);
}

const struct cmd_entry cmd_reconcile_entry = {
    .name = "reconcile",
    .usage = "ID [--json]",
    .help = N_("report missing, misplaced, extra and disposal-due cards"),
    .options = NULL,
    .needs_db = 1,
    .exec = exec_reconcile,
};
