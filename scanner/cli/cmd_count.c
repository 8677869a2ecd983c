/*
 * `cardtally count start` opens a counting session over a set of ranges and
 * prints its id; each range is given to one person (R7): to whom --assign
 * says, if the rotation rule allows it (R6), else to whom the rotation
 * planner picks.  `cardtally count close` closes it, which needs a manager
 * as witness when the count found discrepancies (two-person rule).  The
 * steps are functions (count_open, count_close_*) that the TUI's count
 * screens call too, so both keep the same rules.
 */
#include <stdlib.h>
#include <string.h>

#include "../../common/count.h"
#include "book.h"
#include "cli.h"
#include "../workflow/config.h"
#include "report.h"

#define MAX_RANGES 4096

/* Splits a comma-separated list in place; returns the count or -1. */
static int split_list(char *s, char **out, int max)
{
	int n = 0;

	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (n == max)
			return -1;
		out[n++] = tok;
	}
	return n;
}

int count_open(struct ledger *l, const struct count_open_args *a, int64_t *id,
	       struct plan_result *res)
{
	int rc, ex;

	memset(res, 0, sizeof(*res));
	*id = 0;
	rc = ledger_begin(l);
	if (rc == 0)
		rc = ledger_session_start(l, a->kind, a->ranges, a->nranges,
					  a->actor->id, cli_now(), id);
	for (size_t i = 0; rc == 0 && i < a->nassign; i++) {
		/* A manual assignment keeps the rotation rule too (R6). */
		ex = plan_check_assign(l, *id, a->assign_range[i],
				       a->assign_staff[i]);
		if (ex) {
			ledger_rollback(l);
			return ex;
		}
		rc = ledger_session_assign(l, *id, a->assign_range[i],
					   a->assign_staff[i], a->actor->id,
					   cli_now());
	}
	if (rc < 0) {
		ex = cli_error(rc == LEDGER_ERR_INVALID ? EXIT_DATAERR
							: EXIT_SOFTWARE,
			       "%s", ledger_errmsg(l));
		ledger_rollback(l);
		return ex;
	}
	/* Every range nobody was named for goes to the planner's pick. */
	ex = plan_count_fill(l, *id, a->actor, !a->dry_run, res);
	if (ex) {
		ledger_rollback(l);
		return ex;
	}
	/* A dry run ends here: what would happen is known, nothing of it
	 * stays (the session, its audit rows and its id are rolled back). */
	rc = a->dry_run ? ledger_rollback(l) : ledger_commit(l);
	if (rc < 0) {
		ledger_rollback(l);
		plan_result_free(res);
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	}
	return 0;
}

static int exec_count_start(struct cli *c, struct ledger *l)
{
	const char *kind_s = cli_opt(c, "kind");
	char *ranges_s = (char *)cli_opt(c, "ranges");
	char *assign_s = (char *)cli_opt(c, "assign");
	static char *ranges[MAX_RANGES], *assigns[MAX_RANGES],
	    *staff[MAX_RANGES];
	int nranges = 0, nassign = 0, rc;
	struct count_open_args a = {0};
	struct staff_rec actor;
	struct plan_result res;
	int64_t id = 0;

	if (!kind_s)
		return cli_usage(c,
				 "--kind full|partial|countonly is required");
	if (session_kind_parse(kind_s, &a.kind) < 0)
		return cli_usage(c, "unknown kind '%s'", kind_s);
	if (a.kind == SESSION_TALLY)
		return cli_usage(c, "a tally is opened with tally start");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (ranges_s &&
	    (nranges = split_list(ranges_s, ranges, MAX_RANGES)) < 0)
		return cli_usage(c, "too many ranges");
	if (assign_s &&
	    (nassign = split_list(assign_s, assigns, MAX_RANGES)) < 0)
		return cli_usage(c, "too many assignments");
	if (a.kind == SESSION_PARTIAL && nranges == 0)
		return cli_usage(c, "a partial count needs --ranges R1,R2,...");
	for (int i = 0; i < nassign; i++) {
		char *eq = strchr(assigns[i], '=');

		if (!eq)
			return cli_usage(c,
					 "--assign takes RANGE=STAFF, not "
					 "'%s'",
					 assigns[i]);
		*eq = '\0';
		staff[i] = eq + 1;
	}
	/* Opening a count is starting work with cards (R20). */
	rc = cli_card_worker(c, l, ACT_COUNT_START, &actor);
	if (rc)
		return rc;
	a.ranges = (const char *const *)ranges;
	a.nranges = (size_t)nranges;
	a.assign_range = (const char *const *)assigns;
	a.assign_staff = (const char *const *)staff;
	a.nassign = (size_t)nassign;
	a.actor = &actor;
	rc = count_open(l, &a, &id, &res);
	if (rc)
		return rc;
	if (c->json) {
		printf("{\"session\":%lld,\"kind\":\"%s\",", (long long)id,
		       session_kind_name(a.kind));
		plan_result_json(stdout, &res);
		puts("}");
	} else {
		printf("%lld\n", (long long)id);
		if (res.n > res.nunassigned && (size_t)nassign < res.n) {
			fputs("assigned by the rotation planner:\n", stderr);
			plan_result_text(stderr, &res, 1);
		}
		for (size_t i = 0; i < res.n; i++)
			if (!res.v[i].staff[0])
				cli_error(EXIT_OK,
					  "range %s has nobody to count it: %s",
					  res.v[i].range, res.v[i].why);
	}
	plan_result_free(&res);
	return EXIT_OK;
}

static const char *const count_start_options[] = {"kind", "ranges", "assign",
						  NULL};

const struct cmd_entry cmd_count_start_entry = {
    .name = "count start",
    .usage = "--kind full|partial|countonly [--ranges R1,R2,...] "
	     "[--assign R=STAFF,...] --as CODE [--pin-fd N] [--json]",
    .help = "open a count over ranges (all locations by default), one "
	    "person per range",
    .options = count_start_options,
    .needs_db = 1,
    .exec = exec_count_start,
};

int cli_session_id(struct cli *c, const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v <= 0)
		return cli_usage(c, "'%s' is not a session id", s);
	*id = v;
	return 0;
}

/* What the count found in each range, to be stored with the close. */
static struct range_result *range_results(const struct count_data *d,
					  const struct recon_report *r)
{
	struct range_result *v =
	    calloc(d->nranges ? d->nranges : 1, sizeof(*v));

	for (size_t i = 0; v && i < d->nranges; i++) {
		v[i].location_id = d->ranges[i].location_id;
		v[i].expected = (int64_t)r->range_expected[i];
		v[i].seen = (int64_t)r->range_seen[i];
		v[i].in_place = (int64_t)r->range_ok[i];
	}
	return v;
}

/*
 * What closing count sess must know, into *cc: whether it found
 * discrepancies, the per-range results to store (card counts; none for a
 * count-only check, whose totals are its record) and the discrepancies
 * with their resolutions (for a count-only check only how many ranges are
 * off: a total that is off has no card to resolve, only the witness's
 * signature).  0 or an exit code; on 0 the caller calls
 * count_closing_free.
 */
int count_close_facts(struct ledger *l, const struct session_rec *sess,
		      struct count_closing *cc)
{
	struct config conf;
	struct count_data d;
	struct recon_report r;
	size_t off;
	int rc;

	memset(cc, 0, sizeof(*cc));
	cc->sess = *sess;
	/* Taken before the facts: a read that comes in while they are
	 * read and decided on changes it (count_close_commit). */
	if (ledger_session_mark(l, sess->id, &cc->mark) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (sess->kind == SESSION_COUNTONLY) {
		rc = countonly_found(l, sess->id, &off);
		cc->found = off > 0;
		cc->disc.n = off;
		return rc;
	}
	rc = config_load(&conf);
	if (rc)
		return rc;
	rc = ledger_count_load(l, sess->id, &d);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (recon_run(&d, date_of_time(cli_now(), cli_utc_offset(cli_now())),
		      &conf.rules, &r) < 0) {
		count_data_free(&d);
		return cli_error(EXIT_SOFTWARE, "out of memory");
	}
	cc->found = recon_has_discrepancy(&r);
	cc->res = range_results(&d, &r);
	cc->nranges = d.nranges;
	recon_report_free(&r);
	count_data_free(&d);
	if (!cc->res)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	rc = book_discrepancies(l, sess->id, &cc->disc);
	if (rc)
		count_closing_free(cc);
	return rc;
}

void count_closing_free(struct count_closing *cc)
{
	free(cc->res);
	cc->res = NULL;
	if (cc->sess.kind != SESSION_COUNTONLY)
		disc_list_free(&cc->disc);
	memset(&cc->disc, 0, sizeof(cc->disc));
}

int count_close_session(struct ledger *l, int64_t id, struct session_rec *sess)
{
	int rc = ledger_session_get(l, id, sess);

	if (rc == LEDGER_ERR_NOTFOUND)
		return cli_error(EXIT_DATAERR, "%s", ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (sess->closed_at)
		return cli_error(EXIT_DATAERR,
				 "session %lld was closed already by %s",
				 (long long)id, sess->closed_by);
	/* A tally's witness rule and returns live in `tally close`. */
	if (sess->kind == SESSION_TALLY)
		return cli_error(EXIT_DATAERR,
				 "session %lld is a tally: use tally close",
				 (long long)id);
	return 0;
}

int count_close_commit(struct ledger *l, struct count_closing *cc,
		       const struct staff_rec *actor,
		       const struct staff_rec *witness)
{
	int64_t id = cc->sess.id, wid = witness ? witness->id : 0, mark = 0;
	struct recon_person a, w;
	enum recon_close verdict;
	const char *rule;
	int rc = 0;

	/* The rule itself is reconcile/'s (the witness was authenticated by
	 * the caller, and is checked again here).  A resolution whose
	 * discrepancy has gone since (the card turned up in its tray) does
	 * not count as one. */
	cli_person(actor, &a);
	if (wid)
		cli_person(witness, &w);
	if (recon_count_close(cc->found ? cc->disc.n : 0, cc->disc.unresolved,
			      &a, wid ? &w : NULL, &verdict, &rule) == 0)
		verdict = CLOSE_OK;
	else if (verdict == CLOSE_OK)
		return cli_error(EXIT_NOPERM, "%s (%s): permission denied",
				 rule, witness->code);
	if (verdict == CLOSE_UNRESOLVED)
		rc = cli_error(EXIT_NOPERM,
			       "session %lld has %zu discrepanc%s without a "
			       "resolution: a manager resolves each one "
			       "before the count closes (count discrepancies "
			       "%lld, count resolve)",
			       (long long)id, cc->disc.unresolved,
			       cc->disc.unresolved == 1 ? "y" : "ies",
			       (long long)id);
	else if (verdict == CLOSE_NEEDS_WITNESS)
		rc = cli_error(EXIT_NOPERM,
			       "session %lld has discrepancies: closing it "
			       "needs a manager as --witness (two-person rule)",
			       (long long)id);
	if (rc)
		return rc;
	rc = ledger_begin(l);
	if (rc == 0)
		rc = ledger_session_mark(l, id, &mark);
	if (rc == 0 && mark != cc->mark) {
		/* A scan still running read a card, or a read was undone,
		 * after the facts above were read: closing now would
		 * leave it out of what the close decided. */
		ledger_rollback(l);
		return cli_error(EXIT_DATAERR,
				 "session %lld changed while it was being "
				 "closed (a read or an undo came in): nothing "
				 "was closed; end the scans and close it again",
				 (long long)id);
	}
	if (rc == 0)
		rc = ledger_session_close(l, id, actor->id, wid, cli_now());
	if (rc == 0)
		rc = ledger_range_results(l, id, cc->res, cc->nranges,
					  actor->id, cli_now());
	if (rc == 0)
		rc = ledger_commit(l);
	if (rc < 0) {
		ledger_rollback(l);
		return cli_error(rc == LEDGER_ERR_STATE ? EXIT_DATAERR
							: EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	}
	return 0;
}

static int exec_count_close(struct cli *c, struct ledger *l)
{
	struct staff_rec actor, witness = {0};
	struct session_rec sess;
	struct count_closing cc;
	int64_t id = 0;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "a session ID is required");
	rc = cli_session_id(c, c->pos[0], &id);
	if (rc)
		return rc;
	rc = count_close_session(l, id, &sess);
	if (rc)
		return rc;
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, ACT_COUNT_CLOSE);
	if (rc)
		return rc;
	rc = count_close_facts(l, &sess, &cc);
	if (rc)
		return rc;
	if (cc.found && !c->nwitness && cc.disc.unresolved)
		rc = cli_error(EXIT_NOPERM,
			       "session %lld has discrepancies: closing it "
			       "needs a manager as --witness (two-person "
			       "rule), and every discrepancy a manager's "
			       "resolution (count resolve; %zu open)",
			       (long long)id, cc.disc.unresolved);
	else if (cc.found && !c->nwitness)
		rc = cli_error(EXIT_NOPERM,
			       "session %lld has discrepancies: closing it "
			       "needs a manager as --witness (two-person "
			       "rule)",
			       (long long)id);
	else if (cc.found || c->nwitness)
		rc = cli_witness(c, l, &actor, &witness);
	if (rc == 0)
		rc = count_close_commit(l, &cc, &actor, &witness);
	count_closing_free(&cc);
	if (rc)
		return rc;
	if (c->json)
		printf("{\"session\":%lld,\"closed\":true,"
		       "\"discrepancies\":%s}\n",
		       (long long)id, cc.found ? "true" : "false");
	else
		printf("session %lld closed%s\n", (long long)id,
		       cc.found ? " with discrepancies (resolved, witnessed)"
				: "");
	return EXIT_OK;
}

const struct cmd_entry cmd_count_close_entry = {
    .name = "count close",
    .usage = "ID --as CODE [--pin-fd N] [--witness CODE "
	     "--witness-pin-fd N]",
    .help = "close a count (discrepancies: each resolved, a manager "
	    "witnesses)",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_count_close,
};
