/*
 * `cardtally reconcile ID`: compares what a session read with the ledger and
 * prints the report (text, or JSON with --json).  Read-only: needs no
 * person.  Exit 1 when there are discrepancies.
 */
#include "../workflow/config.h"
#include "report.h"

int reconcile_session(struct ledger *l, int64_t id, int json, FILE *out)
{
	struct count_data d;
	struct recon_report r;
	struct session_rec sess;
	struct config conf;
	int64_t now = cli_now();
	int rc = ledger_session_get(l, id, &sess);

	/* A tally compares with what went out, not with the trays. */
	if (rc == 0 && sess.kind == SESSION_TALLY)
		return reconcile_tally(l, &sess, json, out);
	/* A count-only check compares totals, not serials (R5). */
	if (rc == 0 && sess.kind == SESSION_COUNTONLY)
		return reconcile_countonly(l, &sess, json, out);
	/* The installation's due rules, as the scan loop used them. */
	rc = config_load(&conf);
	if (rc)
		return rc;
	rc = ledger_count_load(l, id, &d);
	if (rc == LEDGER_ERR_NOTFOUND)
		return cli_error(EXIT_DATAERR, "%s", ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (recon_run(&d, date_of_time(now, cli_utc_offset(now)), &conf.rules,
		      &r) < 0) {
		count_data_free(&d);
		return cli_error(EXIT_SOFTWARE, "out of memory");
	}
	rc = report_print(out, l, &d, &r, json);
	recon_report_free(&r);
	count_data_free(&d);
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
    .help = "report missing, misplaced, extra and disposal-due cards",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_reconcile,
};
