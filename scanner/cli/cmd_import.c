/*
 * `cardtally import FILE`: reads the stock list and hands it to the import
 * workflow (who may import, one transaction around data/import.c).  Every
 * problem is printed as `LINE: column: reason` on stderr (and in the
 * JSON document with --json); a file with any problem changes nothing and
 * exits 65.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../data/import.h"
#include "../../reconcile/rules.h"
#include "cli.h"

/* Reads a whole file (or stdin for "-") with import_read's cap. */
static int slurp(const char *path, char **out, size_t *len, char *why,
		 size_t why_size)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	int rc;

	*out = NULL;
	if (!f) {
		snprintf(why, why_size, "%s", strerror(errno));
		return -1;
	}
	rc = import_read(f, out, len, why, why_size);
	if (f != stdin)
		fclose(f);
	return rc;
}

static const char *enc_name(enum import_encoding e)
{
	return e == IMPORT_ENC_CP932 ? "cp932" : "utf-8";
}

/* A full list that leaves out cards of the ledger: how many, the first. */
static void print_missing(const struct import_result *res)
{
	fprintf(stderr,
		ngettext("cardtally: %ld card of the ledger is not in this "
			 "full list:",
			 "cardtally: %ld cards of the ledger are not in this "
			 "full list:",
			 (unsigned long)res->missing),
		res->missing);
	for (size_t i = 0; i < res->nmissing_shown; i++)
		fprintf(stderr, " %s", res->missing_shown[i]);
	if (res->missing > (long)res->nmissing_shown)
		fprintf(stderr, _(" and %ld more"),
			res->missing - (long)res->nmissing_shown);
	fputs(_("; the import changed nothing for them: count their trays\n"),
	      stderr);
}

/* The result as one JSON document on stdout; 0 or EXIT_SOFTWARE. */
static int print_json(const struct import_result *res, int dry_run, int ok)
{
	struct json_w w;

	json_w_init(&w, stdout);
	json_w_object(&w);
	json_w_key_bool(&w, "ok", ok);
	json_w_key_bool(&w, "dry_run", dry_run);
	json_w_key_str(&w, "encoding", enc_name(res->detected));
	json_w_key_int(&w, "rows", res->rows);
	json_w_key_int(&w, "added", res->added);
	json_w_key_int(&w, "updated", res->updated);
	json_w_key_int(&w, "unchanged", res->unchanged);
	json_w_key_int(&w, "missing", res->missing);
	json_w_key(&w, "missing_cards");
	json_w_array(&w);
	for (size_t i = 0; i < res->nmissing_shown; i++)
		json_w_str(&w, res->missing_shown[i]);
	json_w_end_array(&w);
	json_w_key(&w, "problems");
	json_w_array(&w);
	for (size_t i = 0; i < res->nproblems; i++) {
		const struct import_problem *p = &res->problems[i];

		json_w_object(&w);
		json_w_key_int(&w, "line", p->line);
		json_w_key_str(&w, "column", p->column);
		json_w_key_str(&w, "reason", p->reason);
		json_w_end_object(&w);
	}
	json_w_end_array(&w);
	json_w_end_object(&w);
	return cli_json_done(&w, EXIT_OK);
}

static int exec_import(struct cli *c, struct ledger *l)
{
	const char *enc_s = cli_opt(c, "encoding");
	int dry_run = cli_opt(c, "dry-run") != NULL;
	int full = cli_opt(c, "full") != NULL;
	enum import_encoding enc;
	struct import_result res = {0};
	struct staff_rec actor;
	struct wf_err e;
	char *buf, why[128];
	size_t len;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "one stock list FILE is required");
	/* In any case: UTF-8 and CP932 are how people write them. */
	if (!enc_s || strcasecmp(enc_s, "auto") == 0)
		enc = IMPORT_ENC_AUTO;
	else if (strcasecmp(enc_s, "utf-8") == 0 ||
		 strcasecmp(enc_s, "utf8") == 0)
		enc = IMPORT_ENC_UTF8;
	else if (strcasecmp(enc_s, "cp932") == 0 ||
		 strcasecmp(enc_s, "shift_jis") == 0)
		enc = IMPORT_ENC_CP932;
	else
		return cli_usage(c, "--encoding must be auto, utf-8 or cp932");
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (slurp(c->pos[0], &buf, &len, why, sizeof(why)) < 0)
		return cli_error(EXIT_DATAERR, "cannot read %s: %s", c->pos[0],
				 why);
	rc =
	    wf_import(l, &actor, c->pos[0], buf, len, (int)enc,
		      (dry_run ? IMPORT_DRY_RUN : 0) | (full ? IMPORT_FULL : 0),
		      cli_now(), &res, &e);
	free(buf);
	if (rc &&
	    (e.code == WF_E_IMPORT_PROBLEM || e.code == WF_E_IMPORT_PROBLEMS)) {
		for (size_t i = 0; i < res.nproblems; i++) {
			const struct import_problem *p = &res.problems[i];
			char reason[512];

			/* In the operator's language; --json keeps the
			 * English reason. */
			import_problem_text(p, _(p->fmt), cli_tr, reason,
					    sizeof(reason));
			fprintf(stderr, "%ld: %s: %s\n", p->line, p->column,
				reason);
		}
		if (c->json)
			print_json(&res, dry_run, 0);
	}
	if (rc) {
		import_result_free(&res);
		return cli_fail(&e);
	}
	if (full && res.missing)
		print_missing(&res);
	if (c->json)
		rc = print_json(&res, dry_run, 1);
	else
		printf(ngettext("%s%s (%s): %ld row: %ld added, %ld updated, "
				"%ld unchanged\n",
				"%s%s (%s): %ld rows: %ld added, %ld updated, "
				"%ld unchanged\n",
				(unsigned long)res.rows),
		       dry_run ? _("dry run, nothing changed: ") : "",
		       c->pos[0], enc_name(res.detected), res.rows, res.added,
		       res.updated, res.unchanged);

	import_result_free(&res);
	return rc;
}

static const char *const import_options[] = {"encoding", "dry-run!", "full!",
					     NULL};

const struct cmd_entry cmd_import_entry = {
    .name = "import",
    .usage = "FILE [--encoding auto|utf-8|cp932] [--dry-run] [--full] "
	     "--as CODE [--pin-fd N] [--json]",
    .help = N_("import the stock list (CSV, UTF-8 or CP932)"),
    .options = import_options,
    .needs_db = 1,
    .step = &wf_step_import,
    .exec = exec_import,
};
