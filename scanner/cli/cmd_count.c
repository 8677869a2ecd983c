/*
 * `cardtally count start` opens a counting session over a set of ranges and
 * prints its id; each range is given to one person (R7): to whom --assign
 * says, if the rotation rule allows it (R6), else to whom the rotation
 * planner picks.  `cardtally count close` closes it, which needs a manager
 * as witness when the count found discrepancies (two-person rule);
 * `cardtally count total` records a count-only check's number of cards in
 * a range.  Opening, closing and totals are the count workflow's
 * (wf_count_start, wf_count_close, wf_count_total), which the TUI's count
 * screens call too.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/count.h"
#include "../../drivers/profile.h"
#include "../../reconcile/plan.h"
#include "book.h"
#include "cli.h"
#include "../workflow/config.h"
#include "report.h"

#define MAX_RANGES 4096

static int exec_count_start(struct cli *c, struct ledger *l)
{
	const char *kind_s = cli_opt(c, "kind");
	char *ranges_s = (char *)cli_opt(c, "ranges");
	char *assign_s = (char *)cli_opt(c, "assign");
	static char *ranges[MAX_RANGES], *assigns[MAX_RANGES],
	    *staff[MAX_RANGES];
	size_t nranges = 0, nassign = 0;
	int rc;
	struct wf_count_start_args a = {0};
	struct wf_count_started res;
	struct staff_rec actor;
	struct wf_err e;

	if (!kind_s)
		return cli_usage(c,
				 "--kind full|partial|countonly is required");
	if (session_kind_parse(kind_s, &a.kind) < 0)
		return cli_usage(c, "unknown kind '%s'", kind_s);
	if (a.kind == SESSION_TALLY)
		return cli_usage(c, "a tally is opened with tally start");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (ranges_s && cli_list_count(ranges_s) > MAX_RANGES)
		return cli_usage(c, "too many ranges");
	if (assign_s && cli_list_count(assign_s) > MAX_RANGES)
		return cli_usage(c, "too many assignments");
	rc = ranges_s ? cli_list(c, "ranges", ranges_s, ranges, &nranges) : 0;
	if (rc == 0 && assign_s)
		rc = cli_list(c, "assign", assign_s, assigns, &nassign);
	if (rc)
		return rc;
	if (a.kind == SESSION_PARTIAL && nranges == 0)
		return cli_usage(c, "a partial count needs --ranges R1,R2,...");
	for (size_t i = 0; i < nassign; i++) {
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
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	a.ranges = (const char *const *)ranges;
	a.nranges = nranges;
	a.assign_range = (const char *const *)assigns;
	a.assign_staff = (const char *const *)staff;
	a.nassign = nassign;
	if (wf_count_start(l, &actor, &a, cli_now(), &res, &e))
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "session", res.id);
		json_w_key_str(&w, "kind", session_kind_name(a.kind));
		plan_result_jw(&w, &res.plan);
		json_w_end_object(&w);
		rc = cli_json_done(&w, EXIT_OK);
	} else {
		const struct plan_result *p = &res.plan;

		rc = EXIT_OK;
		printf("%lld\n", (long long)res.id);
		if (p->n > p->nunassigned && nassign < p->n) {
			fprintf(stderr, "%s\n",
				_("assigned by the rotation planner:"));
			plan_result_text(stderr, p, 1);
		}
		for (size_t i = 0; i < p->n; i++)
			if (!p->v[i].staff[0])
				cli_error(EXIT_OK,
					  "range %s has nobody to count it: %s",
					  p->v[i].range,
					  plan_why_words(&p->v[i]));
	}
	wf_count_started_free(&res);
	return rc;
}

static const char *const count_start_options[] = {"kind", "ranges", "assign",
						  NULL};

const struct cmd_entry cmd_count_start_entry = {
    .name = "count start",
    .usage = "--kind full|partial|countonly [--ranges R1,R2,...] "
	     "[--assign R=STAFF,...] --as CODE [--pin-fd N] [--json]",
    .help = N_("open a count over ranges (all locations by default), one "
	    "person per range"),
    .options = count_start_options,
    .needs_db = 1,
    .step = &wf_step_count_start,
    .exec = exec_count_start,
};

static int exec_count_close(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	struct session_rec sess;
	struct wf_count_closed done;
	struct config conf;
	struct wf_err e;
	char pin[16];
	int64_t id = 0;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "a session ID is required");
	rc = cli_session_id(c, c->pos[0], &id);
	if (rc)
		return rc;
	/* Said before anyone is asked for a PIN. */
	if (wf_count_close_check(l, id, &sess, &e))
		return cli_fail(&e);
	rc = config_load(&conf);
	if (rc == 0)
		rc = cli_step_actor(c, l, &actor);
	if (rc == 0)
		rc = cli_second_pin(c, &actor, pin);
	if (rc)
		return rc;
	rc = wf_count_close(l, &actor, id, c->witness, pin, cli_now(),
			    &conf.rules, &done, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "session", id);
		json_w_key_bool(&w, "closed", 1);
		json_w_key_bool(&w, "discrepancies", done.found);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	printf(done.found ? _("session %lld closed with discrepancies "
			      "(resolved, witnessed)")
			  : _("session %lld closed"),
	       (long long)id);
	putchar('\n');
	return EXIT_OK;
}

const struct cmd_entry cmd_count_close_entry = {
    .name = "count close",
    .usage = "ID --as CODE [--pin-fd N] [--witness MANAGER "
	     "--witness-pin-fd N] [--json]",
    .help = N_("close a count (discrepancies: each resolved, a manager "
	    "witnesses)"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_count_close,
    .exec = exec_count_close,
};

/* ---- count-only checks ---- */

static int exec_count_total(struct cli *c, struct ledger *l)
{
	const char *sid = cli_opt(c, "session"), *range = cli_opt(c, "range");
	const char *cards_s = cli_opt(c, "cards"),
		   *reader = cli_opt(c, "reader");
	const char *profile = cli_opt(c, "profile");
	const char *method = reader ? "reader" : "typed";
	struct staff_rec actor;
	struct wf_count_total t;
	struct wf_err e;
	int64_t id = 0, cards = 0;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!sid || !range)
		return cli_usage(c, "--session ID and --range R are required");
	if (!cards_s == !reader)
		return cli_usage(c, "give the total with --cards N or count it "
				    "with --reader SPEC (one of them)");
	if (cards_s && cli_number(cards_s, 0, 10000000, &cards) < 0)
		return cli_usage(c,
				 "--cards takes a number of cards, 0 to "
				 "10000000, not '%s'",
				 cards_s);
	rc = cli_session_id(c, sid, &id);
	if (rc == 0)
		rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	/* Refused before the cards are counted, and again when recorded. */
	if (wf_count_total_check(l, &actor, id, range, cli_now(), &e))
		return cli_fail(&e);
	if (reader) {
		/* Reads are counted, serials not matched: a count-only check
		 * learns how many cards lie there, not which. */
		const struct rdr_profile *prof;
		char(*serials)[SERIAL_BUF] = NULL;
		struct config conf;
		size_t nread = 0;

		rc = config_load(&conf);
		if (rc)
			return rc;
		prof = rdr_profile_find(profile ? profile : conf.profile);
		if (!prof)
			return cli_usage(c, "unknown identity profile '%s'",
					 profile);
		rc = reader_collect(reader, prof, &serials, &nread);
		free(serials);
		if (rc)
			return rc;
		cards = (int64_t)nread;
	}
	if (wf_count_total(l, &actor, id, range, cards, method, cli_now(), &t,
			   &e))
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "count", id);
		json_w_key_str(&w, "range", range);
		json_w_key_int(&w, "cards", cards);
		json_w_key_str(&w, "method", method);
		json_w_key_int(&w, "expected", t.expected);
		json_w_key_str(&w, "state",
			       plan_total_name((enum plan_total)t.state));
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	} else {
		printf("%s: ", cli_text(range));
		printf(_("%lld cards (%s), the ledger has %lld: %s"),
		       (long long)cards, cli_code(method),
		       (long long)t.expected,
		       t.state == PLAN_TOTAL_OK
			   ? _("matches")
			   : cli_code(
				 plan_total_name((enum plan_total)t.state)));
		putchar('\n');
	}
	return EXIT_OK;
}

static const char *const count_total_options[] = {"session", "range",	"cards",
						  "reader",  "profile", NULL};

const struct cmd_entry cmd_count_total_entry = {
    .name = "count total",
    .usage = "--session ID --range R (--cards N | --reader SPEC "
	     "[--profile NAME]) --as CODE [--pin-fd N] [--json]",
    .help = N_("record a count-only check's number of cards in a range (R5)"),
    .options = count_total_options,
    .needs_db = 1,
    .step = &wf_step_count_total,
    .exec = exec_count_total,
};
