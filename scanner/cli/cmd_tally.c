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
#include <stdlib.h>
#include <string.h>

#include "report.h"

static int exec_tally_start(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	int64_t id, n;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	/* Opening a tally starts work on cards (R20). */
	rc = cli_card_worker(c, l, ACT_TALLY_START, &actor);
	if (rc)
		return rc;
	rc = ledger_tally_start(l, actor.id, cli_now(), &id, &n);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (c->json)
		printf("{\"session\":%lld,\"kind\":\"tally\",\"expected\":%lld}"
		       "\n",
		       (long long)id, (long long)n);
	else
		printf("%lld\n", (long long)id);
	fprintf(stderr,
		"tally %lld opened by %s: %lld cards and terminals expected "
		"back\n",
		(long long)id, actor.code, (long long)n);
	return EXIT_OK;
}

const struct cmd_entry cmd_tally_start_entry = {
    .name = "tally start",
    .usage = "--as CODE [--pin-fd N] [--json]",
    .help = "open the end-of-day tally of what went to the window",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_tally_start,
};

/* ---- the report ---- */

struct report_ctx {
	FILE *f;
	int json;
	int nmissing;
	struct recon_tally t;
};

static int report_row(void *ctx, const struct tally_row *r)
{
	struct report_ctx *s = ctx;
	enum tally_state st = recon_tally_item(r->read_back, r->status);
	char day[11] = "-";

	recon_tally_add(&s->t, st);
	if (st != TALLY_MISSING)
		return 0;
	if (r->for_date != DATE_NONE)
		date_format(r->for_date, day);
	if (s->json) {
		fprintf(s->f, "%s{\"%s\":", s->nmissing ? "," : "",
			r->is_asset ? "asset" : "mgmt_id");
		json_str(s->f, r->name);
		fputs(",\"checked_out_by\":", s->f);
		json_str_or_null(s->f, r->checked_out_by);
		fputs(",\"for\":", s->f);
		json_str_or_null(s->f, r->for_date != DATE_NONE ? day : NULL);
		fputs(",\"location\":", s->f);
		json_str(s->f, r->location);
		fputs("}", s->f);
	} else {
		fprintf(s->f, "  %-8s %-12s out by %-8s for %s (home %s)\n",
			r->is_asset ? "terminal" : "card", r->name,
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
	struct report_ctx s = {.f = f, .json = json};
	int rc;

	if (json)
		fprintf(f, "{\"session\":%lld,\"kind\":\"tally\",\"missing\":[",
			(long long)sess->id);
	else
		fprintf(f, "tally %lld%s\nnot returned:\n", (long long)sess->id,
			sess->closed_at ? " (closed)" : "");
	rc = ledger_tally_each(l, sess->id, report_row, &s);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (json) {
		fprintf(f,
			"],\"expected\":%zu,\"returned\":%zu,\"issued\":%zu,"
			"\"resolved\":%zu,\"balanced\":%s}\n",
			s.t.expected, s.t.by_state[TALLY_RETURNED],
			s.t.by_state[TALLY_ISSUED],
			s.t.by_state[TALLY_RESOLVED],
			recon_tally_balanced(&s.t) ? "true" : "false");
	} else {
		if (s.nmissing == 0)
			fputs("  (none)\n", f);
		fprintf(f,
			"expected %zu, returned %zu, issued %zu, resolved "
			"since %zu, missing %zu\n",
			s.t.expected, s.t.by_state[TALLY_RETURNED],
			s.t.by_state[TALLY_ISSUED],
			s.t.by_state[TALLY_RESOLVED],
			s.t.by_state[TALLY_MISSING]);
	}
	return recon_tally_balanced(&s.t) ? EXIT_OK : EXIT_FOUND;
}

int reconcile_tally(struct ledger *l, const struct session_rec *sess, int json,
		    FILE *out)
{
	return tally_report(l, sess, json, out);
}

/* ---- close ---- */

static int close_row(void *ctx, const struct tally_row *r)
{
	struct tally_close *s = ctx;
	enum tally_state st = recon_tally_item(r->read_back, r->status);
	void *p;

	recon_tally_add(&s->t, st);
	if (st != TALLY_RETURNED || r->status != CARD_CHECKED_OUT)
		return 0;
	p = realloc(s->back, (s->nback + 1) * sizeof(*s->back));
	if (!p)
		return LEDGER_ERR_NOMEM;
	s->back = p;
	p = realloc(s->back_asset, (s->nback + 1) * sizeof(*s->back_asset));
	if (!p)
		return LEDGER_ERR_NOMEM;
	s->back_asset = p;
	snprintf(s->back[s->nback], sizeof(s->back[0]), "%s", r->name);
	s->back_asset[s->nback] = r->is_asset;
	s->nback++;
	return 0;
}

void tally_close_free(struct tally_close *tc)
{
	free(tc->back);
	free(tc->back_asset);
	memset(tc, 0, sizeof(*tc));
}

int tally_close_prepare(struct ledger *l, int64_t id, struct tally_close *tc)
{
	struct session_rec sess;
	int rc;

	memset(tc, 0, sizeof(*tc));
	tc->id = id;
	rc = ledger_session_get(l, id, &sess);
	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (sess.kind != SESSION_TALLY)
		return cli_error(EXIT_DATAERR,
				 "session %lld is not a tally: use count close",
				 (long long)id);
	if (sess.closed_at)
		return cli_error(EXIT_DATAERR, "tally %lld is closed already",
				 (long long)id);
	/* Taken before the walk: a read that comes in while the tally is
	 * walked and decided on changes it (tally_close_apply). */
	if (ledger_session_mark(l, id, &tc->mark) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	rc = ledger_tally_each(l, id, close_row, tc);
	if (rc == LEDGER_ERR_NOMEM)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	tc->balanced = recon_tally_balanced(&tc->t);
	return 0;
}

int tally_close_apply(struct ledger *l, struct tally_close *tc,
		      const struct staff_rec *actor,
		      const struct staff_rec *witness, const char *note)
{
	int64_t now = cli_now(), mark = 0;
	int open = 0, flag, rc;
	char detail[256], subject[24];

	/* R12: what is missing is certified by two people, with a reason. */
	if (!tc->balanced && !witness)
		return cli_error(EXIT_NOPERM,
				 "tally %lld is not balanced (%zu missing): "
				 "closing it needs a manager's --witness and "
				 "a --note (two-person rule)",
				 (long long)tc->id,
				 tc->t.by_state[TALLY_MISSING]);
	if (!tc->balanced && (!note || !note[0]))
		return cli_error(EXIT_DATAERR,
				 "an imbalanced tally needs a note saying "
				 "what happened");
	tc->nflagged = 0;
	if (ledger_begin(l) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	rc = ledger_session_mark(l, tc->id, &mark);
	if (rc == 0 && mark != tc->mark) {
		/* A return read, or undone, after the walk above: closing
		 * now would leave it out (the card would stay checked out
		 * and `tally list` disagree with the close). */
		ledger_rollback(l);
		return cli_error(EXIT_DATAERR,
				 "tally %lld changed while it was being closed "
				 "(a read or an undo came in): nothing was "
				 "closed; end the scan and close it again",
				 (long long)tc->id);
	}
	/* The reads become returns into storage: the safe must be open. */
	if (rc == 0)
		rc = ledger_safe_open(l, &open);
	flag = recon_safe_flag(HANDLE_RETURN, open);
	for (size_t i = 0; rc == 0 && i < tc->nback; i++) {
		struct custody_item it;
		enum card_status to;
		const char *rule;

		rc = ledger_custody_get(l, tc->back_asset[i], tc->back[i], &it);
		if (rc < 0)
			break;
		if (recon_custody(CUSTODY_RETURN, it.is_asset, it.status, &to,
				  &rule) < 0)
			continue; /* changed since the read: nothing to do */
		rc = ledger_custody_record(l, &it, "return", to, NULL,
					   DATE_NONE, actor->id, now, flag);
		tc->nflagged += flag;
	}
	if (rc == 0)
		rc = ledger_session_close(l, tc->id, actor->id,
					  witness ? witness->id : 0, now);
	if (rc == 0 && note && note[0])
		rc = ledger_session_note(l, tc->id, note);
	snprintf(detail, sizeof(detail),
		 "expected=%zu returned=%zu issued=%zu missing=%zu",
		 tc->t.expected, tc->t.by_state[TALLY_RETURNED],
		 tc->t.by_state[TALLY_ISSUED], tc->t.by_state[TALLY_MISSING]);
	snprintf(subject, sizeof(subject), "%lld", (long long)tc->id);
	if (rc == 0)
		rc = ledger_audit(l, actor->id, now, "tally.close", subject,
				  detail);
	if (rc == 0)
		rc = ledger_commit(l);
	if (rc < 0) {
		rc = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
		ledger_rollback(l);
		return rc;
	}
	return 0;
}

static const char *const tally_close_options[] = {"note", NULL};

static int exec_tally_close(struct cli *c, struct ledger *l)
{
	struct staff_rec actor, witness = {0};
	struct tally_close tc;
	const char *note = cli_opt(c, "note");
	int64_t id;
	int code, rc;

	if (c->npos != 1)
		return cli_usage(c, "a tally session ID is required");
	rc = cli_session_id(c, c->pos[0], &id);
	if (rc)
		return rc;
	/* Closing turns the reads into returns: handling cards (R20). */
	rc = cli_card_worker(c, l, ACT_TALLY_CLOSE, &actor);
	if (rc)
		return rc;
	code = tally_close_prepare(l, id, &tc);
	if (code)
		goto out;
	/* Said before the witness is asked for a PIN. */
	if (!tc.balanced && !c->nwitness) {
		code = tally_close_apply(l, &tc, &actor, NULL, note);
		goto out;
	}
	if (!tc.balanced && (!note || !note[0])) {
		code = cli_usage(c, "an imbalanced tally needs --note TEXT");
		goto out;
	}
	if (c->nwitness) {
		code = cli_witness(c, l, &actor, &witness);
		if (code)
			goto out;
	}
	code = tally_close_apply(l, &tc, &actor, c->nwitness ? &witness : NULL,
				 note);
	if (code)
		goto out;
	fprintf(stderr,
		"tally %lld closed by %s: expected=%zu returned=%zu "
		"issued=%zu missing=%zu%s\n",
		(long long)id, actor.code, tc.t.expected,
		tc.t.by_state[TALLY_RETURNED], tc.t.by_state[TALLY_ISSUED],
		tc.t.by_state[TALLY_MISSING],
		tc.balanced ? "" : " (witnessed)");
	if (tc.nflagged)
		fprintf(stderr,
			"warning: the safe is recorded closed: %zu returned "
			"while it was closed, flagged in the key log and the "
			"daily report\n",
			tc.nflagged);
out:
	tally_close_free(&tc);
	return code;
}

const struct cmd_entry cmd_tally_close_entry = {
    .name = "tally close",
    .usage = "ID [--note TEXT] --as CODE [--pin-fd N] "
	     "[--witness MANAGER --witness-pin-fd N]",
    .help = "close a tally: reads become returns; missing items need a "
	    "witness and a note",
    .options = tally_close_options,
    .needs_db = 1,
    .exec = exec_tally_close,
};

/* ---- list ---- */

static int count_row(void *ctx, const struct tally_row *r)
{
	recon_tally_add(ctx, recon_tally_item(r->read_back, r->status));
	return 0;
}

int tally_summary(struct ledger *l, int64_t id, struct recon_tally *t)
{
	memset(t, 0, sizeof(*t));
	return ledger_tally_each(l, id, count_row, t);
}

static int exec_tally_list(struct cli *c, struct ledger *l)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int code = EXIT_OK, rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = ledger_tally_ids(l, &ids, &n);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (c->json)
		fputs("{\"tallies\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		struct recon_tally t;
		struct session_rec sess;
		char note[NOTE_MAX_BYTES + 1], when[TIME_ISO_BUF];
		size_t missing;

		rc = ledger_session_get(l, ids[i], &sess);
		if (rc == 0)
			rc = tally_summary(l, ids[i], &t);
		if (rc == 0)
			rc = ledger_session_get_note(l, ids[i], note,
						     sizeof(note));
		if (rc < 0) {
			code = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
			goto out;
		}
		missing = t.by_state[TALLY_MISSING];
		if (c->json) {
			printf("%s{\"session\":%lld,\"started_at\":",
			       i ? "," : "", (long long)ids[i]);
			json_time(stdout, sess.started_at);
			fputs(",\"closed_at\":", stdout);
			json_time(stdout, sess.closed_at);
			fputs(",\"witness\":", stdout);
			json_str_or_null(stdout, sess.witness);
			printf(",\"expected\":%zu,\"missing\":%zu,\"note\":",
			       t.expected, missing);
			json_str_or_null(stdout, note);
			fputs("}", stdout);
		} else {
			cli_time_iso(sess.started_at, when);
			printf("%4lld  %s  %-6s  expected %zu  missing %zu%s%s"
			       "\n",
			       (long long)ids[i], when,
			       sess.closed_at ? "closed" : "open", t.expected,
			       missing, note[0] ? "  note: " : "", note);
		}
		/* An imbalanced tally stays visible until resolved (R12). */
		if (missing)
			code = EXIT_FOUND;
	}
	if (c->json)
		fputs("]}\n", stdout);
out:
	free(ids);
	return code;
}

const struct cmd_entry cmd_tally_list_entry = {
    .name = "tally list",
    .usage = "[--json]",
    .help = "every tally and what is still missing from it (exit 1 if any)",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_tally_list,
};
