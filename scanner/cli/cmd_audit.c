/*
 * `cardtally audit verify` and `cardtally audit show`: checking and listing
 * the hash-chained audit log.  Both are read-only and need no person, so
 * that anyone (an auditor, a script run from cron) can check the ledger.
 * verify exits 1 naming every broken row it found (a broken chain stops
 * it at the first): a changed, missing or reordered entry, an entry dated
 * back, a row of a table its entries repeat, or a card, terminal or staff
 * row that no longer holds what the log replays to.  When the log is intact
 * it prints the anchor (the last entry and its hash): kept off the box or
 * in the daily report, it is what later shows a truncated or recomputed
 * log, which without it cannot be seen (and verify says so).
 */
#include <stdlib.h>
#include <string.h>

#include "../pdf/pdf.h"
#include "cli.h"

/* A whole number >= 1 for --expect-rows / --last. */
static int parse_count(const struct cli *c, const char *opt, const char *s,
		       int64_t *out)
{
	if (*s < '0' || *s > '9')
		return cli_usage(c, "%s needs a number, not '%s'", opt, s);
	if (cli_number(s, 1, INT64_MAX, out) < 0)
		return cli_usage(c, "%s needs a number from 1, not '%s'", opt,
				 s);
	return 0;
}

/* A row id, or null for 0 (none). */
static void key_id(struct json_w *w, const char *key, int64_t id)
{
	if (id > 0)
		json_w_key_int(w, key, id);
	else
		json_w_key_null(w, key);
}

static void print_finding_json(struct json_w *w, const struct audit_finding *f)
{
	json_w_object(w);
	json_w_key_str(w, "problem", audit_problem_name(f->problem));
	json_w_key_str(w, "table", f->table);
	key_id(w, "id", f->id);
	json_w_key_opt_str(w, "key", f->key);
	json_w_key_opt_str(w, "field", f->field);
	json_w_key_opt_str(w, "logged", f->logged);
	json_w_key_opt_str(w, "held", f->held);
	key_id(w, "entry", f->entry);
	json_w_key_str(w, "message", f->what);
	json_w_end_object(w);
}

/* The result as one JSON document on stdout; rc, or EXIT_SOFTWARE. */
static int print_verify_json(const struct audit_verify *v, int rc)
{
	char hex[AUDIT_HEX_BUF];
	int64_t listed = v->nfindings < AUDIT_FINDINGS_MAX ? v->nfindings
							   : AUDIT_FINDINGS_MAX;
	struct json_w w;

	audit_hex(v->anchor, hex);
	json_w_init(&w, stdout);
	json_w_object(&w);
	json_w_key_bool(&w, "intact", v->problem == AUDIT_INTACT);
	json_w_key_int(&w, "entries", v->entries);
	json_w_key_int(&w, "records", v->records);
	json_w_key_int(&w, "replayed", v->replayed);
	json_w_key_int(&w, "unreplayed_fields", v->unreplayed);
	json_w_key_bool(&w, "tail_checked", v->tail_checked);
	if (!v->tail_checked)
		json_w_key_str(&w, "tail",
			       "entries cut from the end of the log cannot "
			       "be detected without an anchor");
	json_w_key_int(&w, "problems_total", v->nfindings);
	json_w_key(&w, "problems");
	json_w_array(&w);
	for (int64_t i = 0; i < listed; i++)
		print_finding_json(&w, &v->findings[i]);
	json_w_end_array(&w);
	if (v->problem == AUDIT_INTACT) {
		json_w_key_str(&w, "anchor", hex);
		json_w_key_int(&w, "anchor_entry", v->last_id);
	} else {
		json_w_key(&w, "broken");
		json_w_object(&w);
		json_w_key_str(&w, "table", v->table);
		key_id(&w, "id", v->bad_id);
		json_w_key_str(&w, "problem", audit_problem_name(v->problem));
		json_w_key_str(&w, "message", v->what);
		json_w_end_object(&w);
	}
	json_w_end_object(&w);
	return cli_json_done(&w, rc);
}

static void print_finding(const struct audit_finding *f)
{
	if (f->id > 0)
		printf(_("BROKEN at %s row %lld (%s): %s"), f->table,
		       (long long)f->id,
		       cli_code(audit_problem_name(f->problem)),
		       f->what);
	else
		printf(_("BROKEN (%s): %s"),
		       cli_code(audit_problem_name(f->problem)), f->what);
	putchar('\n');
}

/* 1 when every problem listed is in the same table. */
static int one_table(const struct audit_verify *v)
{
	int64_t listed = v->nfindings < AUDIT_FINDINGS_MAX ? v->nfindings
							   : AUDIT_FINDINGS_MAX;

	for (int64_t i = 1; i < listed; i++)
		if (strcmp(v->findings[i].table, v->table) != 0)
			return 0;
	return 1;
}

static void print_verify_text(const struct audit_verify *v, int anchored,
			      const char *given)
{
	int64_t listed = v->nfindings < AUDIT_FINDINGS_MAX ? v->nfindings
							   : AUDIT_FINDINGS_MAX;
	char hex[AUDIT_HEX_BUF], code[PDF_CHECK_CODE_BUF];

	if (v->problem == AUDIT_INTACT) {
		audit_hex(v->anchor, hex);
		printf(_("audit log intact: %lld entries; %lld scan, "
			 "near-miss, custody and disposal rows match their "
			 "entries"),
		       (long long)v->entries, (long long)v->records);
		putchar('\n');
		printf(_("replayed: %lld card, terminal and staff rows hold "
			 "what the log says"),
		       (long long)v->replayed);
		putchar('\n');
		if (v->unreplayed) {
			printf(_("%lld fields of them no entry recorded "
				 "(written by an older version): not "
				 "compared"),
			       (long long)v->unreplayed);
			putchar('\n');
		}
		if (anchored) {
			/* The code the daily report printed with it, for a
			 * person to compare paper and screen. */
			pdf_check_code(given, code);
			printf(_("the anchor given holds: the log up to it is "
				 "unchanged (check code %s)"),
			       code);
			putchar('\n');
		} else
			puts(_("entries cut from the end of the log cannot be "
			       "detected without an anchor: check with the "
			       "one from an earlier day (report daily)"));
		printf("%s: --expect-rows %lld --anchor %s\n", _("anchor"),
		       (long long)v->last_id, hex);
		pdf_check_code(hex, code);
		printf("%s: %s\n", _("check code"), code);
		return;
	}
	for (int64_t i = 0; i < listed; i++)
		print_finding(&v->findings[i]);
	if (v->nfindings > listed)
		printf(_("... and %lld more problems\n"),
		       (long long)(v->nfindings - listed));
	if (audit_problem_breaks_chain(v->problem))
		printf(_("%lld entries before it are intact\n"),
		       (long long)v->entries);
	else if (strcmp(v->table, "audit") == 0)
		printf(_("the chain's %lld entries are intact; their times are "
			 "not\n"),
		       (long long)v->entries);
	else if (one_table(v))
		printf(_("the chain's %lld entries are intact; the %s "
			 "table no longer matches them\n"),
		       (long long)v->entries, v->table);
	else
		printf(_("the chain's %lld entries are intact; the problems "
			 "above are not in the chain\n"),
		       (long long)v->entries);
	if (!anchored)
		puts(_("entries cut from the end of the log cannot be "
		       "detected without an anchor"));
}

static int exec_verify(struct cli *c, struct ledger *l)
{
	const char *anchor_s = cli_opt(c, "anchor");
	const char *rows_s = cli_opt(c, "expect-rows");
	uint8_t anchor[AUDIT_HASH_BYTES];
	int64_t rows = 0;
	struct audit_verify v;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (rows_s && !anchor_s)
		return cli_usage(c, "--expect-rows goes with --anchor");
	if (rows_s) {
		rc = parse_count(c, "--expect-rows", rows_s, &rows);
		if (rc)
			return rc;
	}
	if (anchor_s && audit_hex_parse(anchor_s, anchor) < 0)
		return cli_usage(c, "--anchor needs the 64 hex digits that "
				    "'audit verify' printed");
	rc = ledger_audit_verify(l, anchor_s ? anchor : NULL, rows, &v);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	rc = v.problem == AUDIT_INTACT ? EXIT_OK : EXIT_FOUND;
	if (c->json)
		return print_verify_json(&v, rc);
	print_verify_text(&v, anchor_s != NULL, anchor_s);
	return rc;
}

static const char *const verify_options[] = {"anchor", "expect-rows", NULL};

const struct cmd_entry cmd_audit_verify_entry = {
    .name = "audit verify",
    .usage = "[--anchor HASH [--expect-rows N]] [--json]",
    .help = N_("check the audit log's hash chain and replay it against the "
	    "tables; exit 1 if anything differs"),
    .options = verify_options,
    .needs_db = 1,
    .exec = exec_verify,
};

struct show_ctx {
	struct json_w *jw; /* NULL: text */
	int64_t n;
};

static int show_row(void *ctx, const struct audit_row *r)
{
	struct show_ctx *s = ctx;
	char when[TIME_ISO_BUF];

	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_int(s->jw, "id", r->id);
		cli_json_key_time(s->jw, "at", r->at);
		json_w_key_opt_str(s->jw, "staff", r->staff);
		json_w_key_str(s->jw, "action", r->action);
		json_w_key_opt_str(s->jw, "subject", r->subject);
		json_w_key_opt_str(s->jw, "detail", r->detail);
		json_w_key_opt_str(s->jw, "hash", r->hash);
		json_w_end_object(s->jw);
	} else {
		cli_time_iso(r->at, when);
		printf("%6lld  %s  %-8s %-16s %s%s%s\n", (long long)r->id, when,
		       r->staff[0] ? r->staff : "-", r->action, r->subject,
		       r->subject[0] && r->detail[0] ? "  " : "", r->detail);
	}
	s->n++;
	return 0;
}

static int exec_show(struct cli *c, struct ledger *l)
{
	const char *last_s = cli_opt(c, "last");
	struct json_w w;
	struct show_ctx s = {.jw = c->json ? &w : NULL};
	int64_t last = 0;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (last_s) {
		rc = parse_count(c, "--last", last_s, &last);
		if (rc)
			return rc;
	}
	json_w_init(&w, stdout);
	if (s.jw) {
		json_w_object(&w);
		json_w_key(&w, "entries");
		json_w_array(&w);
	}
	rc = ledger_audit_list(l, last, show_row, &s);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (s.jw) {
		json_w_end_array(&w);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	return EXIT_OK;
}

static const char *const show_options[] = {"last", NULL};

const struct cmd_entry cmd_audit_show_entry = {
    .name = "audit show",
    .usage = "[--last N] [--json]",
    .help = N_("list the audit log, oldest first"),
    .options = show_options,
    .needs_db = 1,
    .exec = exec_show,
};
