/*
 * The custody commands (R11-R13): `asset add` registers an issuing
 * terminal; `checkout`, `return`, `issue` and `move` record movements of
 * cards and terminals named by management ID or asset code.  Each item is
 * checked against its state by recon_custody; the first refusal names the
 * item and the rule, exits 65 and rolls back the whole command, so one
 * command's cards move together or not at all.
 */
#include <stdlib.h>
#include <string.h>

#include "../../drivers/profile.h"
#include "../workflow/config.h"
#include "report.h"

static const char *const asset_add_options[] = {"name", "tag", "location",
						NULL};

static int exec_asset_add(struct cli *c, struct ledger *l)
{
	const char *name = cli_opt(c, "name");
	const char *tag = cli_opt(c, "tag");
	const char *location = cli_opt(c, "location");
	struct staff_rec actor;
	int64_t id;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "one asset code is required");
	if (!name || !location)
		return cli_usage(c, "--name and --location are required");
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, ACT_ASSET_ADD);
	if (rc)
		return rc;
	rc = ledger_asset_add(l, c->pos[0], name, tag, location, actor.id,
			      cli_now(), &id);
	if (rc == LEDGER_ERR_INVALID || rc == LEDGER_ERR_EXISTS)
		return cli_error(EXIT_DATAERR, "%s", ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (c->json) {
		fputs("{\"asset\":", stdout);
		json_str(stdout, c->pos[0]);
		fputs("}\n", stdout);
	} else {
		printf("%s\n", c->pos[0]);
	}
	fprintf(stderr, "terminal %s registered at %s by %s\n", c->pos[0],
		location, actor.code);
	return EXIT_OK;
}

const struct cmd_entry cmd_asset_add_entry = {
    .name = "asset add",
    .usage = "CODE --name NAME [--tag SERIAL] --location PATH --as CODE "
	     "[--pin-fd N] [--json]",
    .help = "register an issuing terminal (counted like a card)",
    .options = asset_add_options,
    .needs_db = 1,
    .exec = exec_asset_add,
};

/* What one movement command does. */
struct movement {
	enum custody_kind kind;
	enum recon_action action;
	const char *done; /* "checked out", for the summary */
};

const char *custody_status_name(int is_asset, enum card_status s)
{
	return is_asset && s == CARD_STORED ? "in_storage"
					    : card_status_name(s);
}

static int custody_find(struct ledger *l, const char *ident, enum custody_by by,
			struct custody_item *it)
{
	char serial[SERIAL_BUF];
	int rc;

	if (by == CUSTODY_BY_SERIAL)
		return ledger_custody_find_serial(l, ident, it);
	rc = ledger_custody_find(l, ident, it);
	/* A barcode scanner may send the card's number instead. */
	if (rc == LEDGER_ERR_NOTFOUND && by == CUSTODY_BY_EITHER &&
	    serial_normalize(ident, strlen(ident), serial) == 0 &&
	    ledger_custody_find_serial(l, serial, it) == 0)
		return 0;
	return rc;
}

int custody_move_one(struct ledger *l, enum custody_kind k, const char *ident,
		     enum custody_by by, const char *to_path, int32_t for_date,
		     int64_t actor_id, int64_t now, int flag,
		     struct custody_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	rc = custody_find(l, ident, by, &res->it);
	if (rc == LEDGER_ERR_NOTFOUND) {
		res->not_found = 1;
		return 0;
	}
	if (rc < 0)
		return rc;
	res->from = res->it.status;
	if (recon_custody(k, res->it.is_asset, res->from, &res->to,
			  &res->rule) < 0)
		return 0;
	res->rule = NULL;
	rc = ledger_custody_record(l, &res->it, custody_kind_name(k), res->to,
				   to_path, for_date, actor_id, now, flag);
	if (rc == LEDGER_ERR_NOTFOUND) {
		res->no_location = 1;
		return 0;
	}
	if (rc < 0)
		return rc;
	res->safe_closed = flag;
	return 0;
}

int custody_move_now(struct ledger *l, enum custody_kind k, const char *ident,
		     enum custody_by by, int32_t for_date,
		     const struct staff_rec *actor, struct custody_result *res)
{
	int open = 0, rc;

	memset(res, 0, sizeof(*res));
	if (ledger_begin(l) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	/* Read in the movement's transaction: the flag says what the key
	 * log said at that moment (R14). */
	rc = ledger_safe_open(l, &open);
	if (rc == 0)
		rc = custody_move_one(
		    l, k, ident, by, NULL, for_date, actor->id, cli_now(),
		    recon_safe_flag(recon_custody_handling(k), open), res);
	if (rc == 0 && (res->not_found || res->rule || res->no_location)) {
		ledger_rollback(l);
		return 0;
	}
	if (rc == 0)
		rc = ledger_commit(l);
	if (rc < 0) {
		rc = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
		ledger_rollback(l);
		return rc;
	}
	return 0;
}

/*
 * Applies the movement to every item of names (management IDs or asset
 * codes; with by_serial, serials read by a reader) in one transaction.  An
 * ID named twice is refused by the rule on its second turn (the first has
 * changed its state), which keeps "one command, each item once" honest.
 */
static int apply_items(struct cli *c, struct ledger *l,
		       const struct movement *m, const char *to_path,
		       int32_t for_date, const char *const *names, size_t n,
		       int by_serial, const struct staff_rec *actor)
{
	struct custody_result res;
	int64_t now = cli_now();
	int code = EXIT_OK, open = 0, flag, rc;

	if (n == 0)
		return cli_error(EXIT_DATAERR,
				 "no card or terminal was named: nothing "
				 "changed");
	if (ledger_begin(l) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	/* Read in the same transaction as the movement: the flag says what
	 * the key log said at that moment (R14). */
	if (ledger_safe_open(l, &open) < 0)
		goto fail;
	flag = recon_safe_flag(recon_custody_handling(m->kind), open);
	for (size_t i = 0; i < n; i++) {
		rc = custody_move_one(
		    l, m->kind, names[i],
		    by_serial ? CUSTODY_BY_SERIAL : CUSTODY_BY_NAME, to_path,
		    for_date, actor->id, now, flag, &res);
		if (rc < 0)
			goto fail;
		if (res.not_found) {
			code = cli_error(EXIT_DATAERR, "%s: nothing changed",
					 ledger_errmsg(l));
			goto out;
		}
		if (res.rule) {
			code = cli_error(
			    EXIT_DATAERR,
			    "%s %s (%s) cannot be %s: %s; nothing changed",
			    res.it.is_asset ? "terminal" : "card", res.it.name,
			    custody_status_name(res.it.is_asset, res.from),
			    m->done, res.rule);
			goto out;
		}
		if (res.no_location) {
			code = cli_error(EXIT_DATAERR,
					 "no location %s: nothing changed",
					 to_path);
			goto out;
		}
		if (c->json) {
			printf("{\"%s\":",
			       res.it.is_asset ? "asset" : "mgmt_id");
			json_str(stdout, res.it.name);
			fputs(",\"status\":", stdout);
			json_str(stdout,
				 custody_status_name(res.it.is_asset, res.to));
			fputs(",\"location\":", stdout);
			json_str(stdout, res.it.location);
			printf(",\"safe_closed\":%s}\n",
			       flag ? "true" : "false");
		} else {
			printf("%s\t%s\n", res.it.name, res.it.location);
		}
	}
	if (ledger_commit(l) < 0)
		goto fail;
	fprintf(stderr, "%zu %s by %s\n", n, m->done, actor->code);
	/* Never refused: the cards are in someone's hands already. */
	if (flag)
		fprintf(stderr,
			"warning: the safe is recorded closed: %zu %s while "
			"it was closed, flagged in the key log and the daily "
			"report (record openings with 'cardtally key open')\n",
			n, m->done);
	return EXIT_OK;
fail:
	code = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
out:
	ledger_rollback(l);
	return code;
}

/*
 * The items are named on the command line, or with --reader by scanning
 * them (all read first, then applied together, so a card left off the
 * reader changes nothing half-way).  Authenticates and checks the role
 * before the reader is opened.
 */
static int move_items(struct cli *c, struct ledger *l, const struct movement *m,
		      const char *to_path, int32_t for_date)
{
	const char *reader = cli_opt(c, "reader");
	const char *profile = cli_opt(c, "profile");
	const struct rdr_profile *prof;
	char(*serials)[SERIAL_BUF] = NULL;
	const char **names = NULL;
	struct staff_rec actor;
	struct config conf;
	size_t n = 0;
	int rc;

	if (reader && c->npos)
		return cli_usage(c, "name the cards with --reader or as IDs, "
				    "not both");
	if (!reader && c->npos == 0)
		return cli_usage(c, "name at least one card or terminal, or "
				    "--reader SPEC");
	/* Moving cards and terminals is handling them (R20). */
	rc = cli_card_worker(c, l, m->action, &actor);
	if (rc)
		return rc;
	if (!reader)
		return apply_items(c, l, m, to_path, for_date, c->pos,
				   (size_t)c->npos, 0, &actor);
	rc = config_load(&conf);
	if (rc)
		return rc;
	prof = rdr_profile_find(profile ? profile : conf.profile);
	if (!prof)
		return cli_usage(c, "unknown identity profile '%s'", profile);
	rc = reader_collect(reader, prof, &serials, &n);
	if (rc)
		return rc;
	names = calloc(n ? n : 1, sizeof(*names));
	if (!names) {
		free(serials);
		return cli_error(EXIT_SOFTWARE, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		names[i] = serials[i];
	rc = apply_items(c, l, m, to_path, for_date, names, n, 1, &actor);
	free(names);
	free(serials);
	return rc;
}

static const char *const checkout_options[] = {"for", "reader", "profile",
					       NULL};
static const char *const reader_options[] = {"reader", "profile", NULL};

static int exec_checkout(struct cli *c, struct ledger *l)
{
	static const struct movement m = {CUSTODY_CHECKOUT, ACT_CHECKOUT,
					  "checked out"};
	const char *day = cli_opt(c, "for");
	int32_t for_date;

	/* Without --for, the cards are for today (local date). */
	if (day) {
		if (date_parse(day, strlen(day), &for_date) < 0)
			return cli_usage(c, "--for takes YYYY-MM-DD");
	} else {
		int64_t now = cli_now();

		for_date = date_of_time(now, cli_utc_offset(now));
	}
	return move_items(c, l, &m, NULL, for_date);
}

static int exec_return(struct cli *c, struct ledger *l)
{
	static const struct movement m = {CUSTODY_RETURN, ACT_RETURN,
					  "returned"};

	return move_items(c, l, &m, NULL, DATE_NONE);
}

static int exec_issue(struct cli *c, struct ledger *l)
{
	static const struct movement m = {CUSTODY_ISSUE, ACT_ISSUE, "issued"};

	return move_items(c, l, &m, NULL, DATE_NONE);
}

static const char *const move_options[] = {"to", "reader", "profile", NULL};

static int exec_move(struct cli *c, struct ledger *l)
{
	static const struct movement m = {CUSTODY_MOVE, ACT_MOVE, "moved"};
	const char *to = cli_opt(c, "to");

	if (!to)
		return cli_usage(c, "--to is required");
	return move_items(c, l, &m, to, DATE_NONE);
}

const struct cmd_entry cmd_checkout_entry = {
    .name = "checkout",
    .usage = "(ID... | --reader SPEC [--profile NAME]) [--for YYYY-MM-DD] "
	     "--as CODE [--pin-fd N] [--json]",
    .help = "take cards or terminals out of storage for the window",
    .options = checkout_options,
    .needs_db = 1,
    .exec = exec_checkout,
};

const struct cmd_entry cmd_return_entry = {
    .name = "return",
    .usage = "(ID... | --reader SPEC [--profile NAME]) --as CODE "
	     "[--pin-fd N] [--json]",
    .help = "put checked-out cards or terminals back into storage",
    .options = reader_options,
    .needs_db = 1,
    .exec = exec_return,
};

const struct cmd_entry cmd_issue_entry = {
    .name = "issue",
    .usage = "ID... --as CODE [--pin-fd N] [--json]",
    .help = "record checked-out cards as handed to their applicants",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_issue,
};

const struct cmd_entry cmd_move_entry = {
    .name = "move",
    .usage = "--to PATH (ID... | --reader SPEC [--profile NAME]) --as CODE "
	     "[--pin-fd N] [--json]",
    .help = "move stored cards or terminals to another location",
    .options = move_options,
    .needs_db = 1,
    .exec = exec_move,
};
