/*
 * The end-of-day window tally (R12, the Tsurumi case): `tally start` fixes
 * what should come back (every card and terminal checked out); the operator
 * scans the returns with `scan --session ID` (no range); `reconcile ID`
 * lists what did not come back and who took it out; `tally close` turns
 * every read into a return, and needs a manager's witness and a note when
 * something is missing.  `tally list` shows every tally and what is still
 * missing from it, so an imbalanced one stays visible until it is resolved
 * (the missing items issued or returned).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../workflow/config.h"
#include "cli_pdf.h"
#include "report.h"

static int exec_tally_start(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	struct wf_err e;
	int64_t id, n;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (wf_tally_start(l, &actor, cli_now(), &id, &n, &e))
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "session", id);
		json_w_key_str(&w, "kind", "tally");
		json_w_key_int(&w, "expected", n);
		json_w_end_object(&w);
		rc = cli_json_done(&w, EXIT_OK);
		if (rc)
			return rc;
	} else {
		printf("%lld\n", (long long)id);
	}
	fprintf(stderr,
		_("tally %lld opened by %s: %lld cards and terminals expected "
		"back\n"),
		(long long)id, actor.code, (long long)n);
	return EXIT_OK;
}

const struct cmd_entry cmd_tally_start_entry = {
    .name = "tally start",
    .usage = "--as CODE [--pin-fd N] [--json]",
    .help = N_("open the end-of-day tally of what went to the window"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_tally_start,
    .exec = exec_tally_start,
};

/* ---- the report ---- */

struct report_ctx {
	FILE *f;
	struct json_w *jw; /* NULL: text */
	int nmissing;
	struct recon_tally t;
};

/* One item still missing (wf_tally_missing). */
static int report_row(void *ctx, const struct tally_row *r)
{
	struct report_ctx *s = ctx;
	char day[11] = "-";

	if (r->for_date != DATE_NONE)
		date_format(r->for_date, day);
	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_str(s->jw, r->is_asset ? "asset" : "mgmt_id",
			       r->name);
		json_w_key_opt_str(s->jw, "checked_out_by", r->checked_out_by);
		json_w_key_opt_str(s->jw, "for",
				   r->for_date != DATE_NONE ? day : NULL);
		json_w_key_str(s->jw, "location", r->location);
		json_w_end_object(s->jw);
	} else {
		fprintf(s->f, _("  %s %-12s out by %-8s for %s (home %s)\n"),
			cli_pad(r->is_asset ? _("terminal") : _("card"), 8),
			r->name,
			r->checked_out_by[0] ? r->checked_out_by : "?", day,
			r->location);
	}
	s->nmissing++;
	return 0;
}

/* Prints the tally of session id; exit 1 when something is missing. */
static int tally_report(struct ledger *l, const struct session_rec *sess,
			int json, FILE *f)
{
	struct json_w w;
	struct report_ctx s = {.f = f, .jw = json ? &w : NULL};
	int rc;

	json_w_init(&w, f);
	if (json) {
		json_w_object(&w);
		json_w_key_int(&w, "session", sess->id);
		json_w_key_str(&w, "kind", "tally");
		json_w_key(&w, "missing");
		json_w_array(&w);
	} else {
		fprintf(f, _("tally %lld%s\nnot returned:\n"), (long long)sess->id,
			sess->closed_at ? _(" (closed)") : "");
	}
	rc = wf_tally_missing(l, sess->id, report_row, &s, &s.t);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	rc = recon_tally_balanced(&s.t) ? EXIT_OK : EXIT_FOUND;
	if (json) {
		json_w_end_array(&w);
		json_w_key_uint(&w, "expected", s.t.expected);
		json_w_key_uint(&w, "returned", s.t.by_state[TALLY_RETURNED]);
		json_w_key_uint(&w, "issued", s.t.by_state[TALLY_ISSUED]);
		json_w_key_uint(&w, "resolved", s.t.by_state[TALLY_RESOLVED]);
		json_w_key_bool(&w, "balanced", rc == EXIT_OK);
		json_w_end_object(&w);
		return cli_json_done(&w, rc);
	} else {
		if (s.nmissing == 0)
			fputs(_("  (none)\n"), f);
		fprintf(f,
			_("expected %zu, returned %zu, issued %zu, resolved "
			"since %zu, missing %zu\n"),
			s.t.expected, s.t.by_state[TALLY_RETURNED],
			s.t.by_state[TALLY_ISSUED],
			s.t.by_state[TALLY_RESOLVED],
			s.t.by_state[TALLY_MISSING]);
	}
	return rc;
}

int reconcile_tally(struct ledger *l, const struct session_rec *sess, int json,
		    FILE *out)
{
	return tally_report(l, sess, json, out);
}

/* ---- close ---- */

static const char *const tally_close_options[] = {"note", NULL};

static int exec_tally_close(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	struct wf_tally_closed done;
	struct recon_tally t;
	struct wf_err e;
	const char *note = cli_opt(c, "note");
	char pin[16];
	int64_t id;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "a tally session ID is required");
	rc = cli_session_id(c, c->pos[0], &id);
	if (rc)
		return rc;
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	/* Said before the witness is asked for a PIN. */
	if (wf_tally_preview(l, id, &t, &e))
		return cli_fail(&e);
	if (!recon_tally_balanced(&t) && c->witness && (!note || !note[0]))
		return cli_usage(c, "an imbalanced tally needs --note TEXT");
	rc = cli_second_pin(c, &actor, pin);
	if (rc)
		return rc;
	rc = wf_tally_close(l, &actor, id, c->witness, pin, note, cli_now(),
			    &done, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	fprintf(stderr,
		_("tally %lld closed by %s: %zu expected, %zu returned, "
		"%zu issued, %zu still out%s\n"),
		(long long)id, actor.code, done.t.expected,
		done.t.by_state[TALLY_RETURNED], done.t.by_state[TALLY_ISSUED],
		done.t.by_state[TALLY_MISSING],
		done.balanced ? "" : _(" (witnessed)"));

	if (done.nflagged)
		fprintf(stderr,
			_("warning: the safe is recorded closed: %zu returned "
			"while it was closed, flagged in the key log and the "
			"daily report\n"),
			done.nflagged);
	return EXIT_OK;
}

const struct cmd_entry cmd_tally_close_entry = {
    .name = "tally close",
    .usage = "ID [--note TEXT] --as CODE [--pin-fd N] "
	     "[--witness MANAGER --witness-pin-fd N]",
    .help = N_("close a tally: reads become returns; missing items need a "
	    "witness and a note"),
    .options = tally_close_options,
    .needs_db = 1,
    .step = &wf_step_tally_close,
    .exec = exec_tally_close,
};

/* ---- list ---- */

static int exec_tally_list(struct cli *c, struct ledger *l)
{
	int64_t *ids = NULL;
	size_t n = 0;
	struct json_w w, *jw = c->json ? &w : NULL;
	/* The paper list: its rows and their notes. */
	struct pdf_tally_row *rows = NULL;
	struct {
		char note[NOTE_MAX_BYTES + 1];
		char witness[STAFF_CODE_MAX + 1];
	} *texts = NULL;
	int code = EXIT_OK, rc, pdf;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_pdf_format(c, &pdf);
	if (rc)
		return rc;
	rc = ledger_tally_ids(l, &ids, &n);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (pdf && n) {
		rows = calloc(n, sizeof(*rows));
		texts = calloc(n, sizeof(*texts));
		if (!rows || !texts) {
			code = cli_error(EXIT_SOFTWARE, "out of memory");
			goto out;
		}
	}
	json_w_init(&w, stdout);
	if (jw) {
		json_w_object(jw);
		json_w_key(jw, "tallies");
		json_w_array(jw);
	}
	for (size_t i = 0; i < n; i++) {
		struct recon_tally t;
		struct session_rec sess;
		char note[NOTE_MAX_BYTES + 1], when[TIME_ISO_BUF];
		size_t missing;

		rc = ledger_session_get(l, ids[i], &sess);
		if (rc == 0)
			rc = wf_tally_summary(l, ids[i], &t);
		if (rc == 0)
			rc = ledger_session_get_note(l, ids[i], note,
						     sizeof(note));
		if (rc < 0) {
			code = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
			goto out;
		}
		missing = t.by_state[TALLY_MISSING];
		if (pdf) {
			snprintf(texts[i].note, sizeof(texts[i].note), "%s",
				 note);
			snprintf(texts[i].witness, sizeof(texts[i].witness),
				 "%s", sess.witness);
			rows[i] = (struct pdf_tally_row){
			    .id = ids[i],
			    .started_at = sess.started_at,
			    .closed_at = sess.closed_at,
			    .expected = (int64_t)t.expected,
			    .missing = (int64_t)missing,
			    .witness = texts[i].witness,
			    .note = texts[i].note};
		} else if (jw) {
			json_w_object(jw);
			json_w_key_int(jw, "session", ids[i]);
			cli_json_key_time(jw, "started_at", sess.started_at);
			cli_json_key_time(jw, "closed_at", sess.closed_at);
			json_w_key_opt_str(jw, "witness", sess.witness);
			json_w_key_uint(jw, "expected", t.expected);
			json_w_key_uint(jw, "missing", missing);
			json_w_key_opt_str(jw, "note", note);
			json_w_end_object(jw);
		} else {
			cli_time_iso(sess.started_at, when);
			printf(_("%4lld  %s  %s  expected %zu  missing %zu%s%s"
			       "\n"),
			       (long long)ids[i], when,
			       cli_pad(sess.closed_at ? _("closed") : _("open"),
				       6),
			       t.expected, missing,
			       note[0] ? _("  note: ") : "", note);

		}
		/* An imbalanced tally stays visible until resolved (R12). */
		if (missing)
			code = EXIT_FOUND;
	}
	if (pdf) {
		struct config conf;
		struct pdf_meta m;

		rc = config_load(&conf);
		if (rc) {
			code = rc;
			goto out;
		}
		cli_pdf_meta(&conf, &m);
		rc = cli_pdf_emit(c, pdf_tally(rows, n, &m), "the tallies");
		if (rc)
			code = rc;
	}
	if (jw) {
		json_w_end_array(jw);
		json_w_end_object(jw);
		code = cli_json_done(jw, code);
	}
out:
	free(rows);
	free(texts);
	free(ids);
	return code;
}

static const char *const tally_list_options[] = {"format", "output", NULL};

const struct cmd_entry cmd_tally_list_entry = {
    .name = "tally list",
    .usage = "[--json | --format text|pdf [--output FILE]]",
    .help = N_("every tally and what is still missing from it (exit 1 if any)"),
    .options = tally_list_options,
    .needs_db = 1,
    .exec = exec_tally_list,
};
