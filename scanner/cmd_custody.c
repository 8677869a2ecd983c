/*
 * The custody commands (R11-R13): `asset add` registers an issuing
 * terminal; `checkout`, `return`, `issue` and `move` record movements of
 * cards and terminals named by management ID or asset code.  Each item is
 * checked against its state by recon_custody; the first refusal names the
 * item and the rule, exits 65 and rolls back the whole command, so one
 * command's cards move together or not at all.
 */
#include "cli.h"

#include <string.h>

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

/*
 * Applies the movement to every named item in one transaction.  An ID
 * named twice is refused by the rule on its second turn (the first has
 * changed its state), which keeps "one command, each item once" honest.
 */
static int move_items(struct cli *c, struct ledger *l, const struct movement *m,
		      const char *to_path, int32_t for_date)
{
	struct staff_rec actor;
	struct custody_item it;
	enum card_status to;
	const char *rule;
	int64_t now = cli_now();
	int code = EXIT_OK, rc;

	if (c->npos == 0)
		return cli_usage(c, "name at least one card or terminal");
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, m->action);
	if (rc)
		return rc;
	if (ledger_begin(l) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	for (int i = 0; i < c->npos; i++) {
		rc = ledger_custody_find(l, c->pos[i], &it);
		if (rc == LEDGER_ERR_NOTFOUND) {
			code = cli_error(EXIT_DATAERR, "%s: nothing changed",
					 ledger_errmsg(l));
			goto out;
		}
		if (rc < 0)
			goto fail;
		if (recon_custody(m->kind, it.is_asset, it.status, &to, &rule) <
		    0) {
			code = cli_error(EXIT_DATAERR,
					 "%s %s (%s) cannot be %s: %s; "
					 "nothing changed",
					 it.is_asset ? "terminal" : "card",
					 it.name,
					 it.is_asset && it.status == CARD_STORED
					     ? "in_storage"
					     : card_status_name(it.status),
					 m->done, rule);
			goto out;
		}
		rc =
		    ledger_custody_record(l, &it, custody_kind_name(m->kind),
					  to, to_path, for_date, actor.id, now);
		if (rc == LEDGER_ERR_NOTFOUND) {
			code = cli_error(EXIT_DATAERR,
					 "no location %s: nothing changed",
					 to_path);
			goto out;
		}
		if (rc < 0)
			goto fail;
		if (c->json) {
			printf("{\"%s\":", it.is_asset ? "asset" : "mgmt_id");
			json_str(stdout, it.name);
			fputs(",\"status\":", stdout);
			json_str(stdout, it.is_asset && to == CARD_STORED
					     ? "in_storage"
					     : card_status_name(to));
			fputs(",\"location\":", stdout);
			json_str(stdout, it.location);
			fputs("}\n", stdout);
		} else {
			printf("%s\t%s\n", it.name, it.location);
		}
	}
	if (ledger_commit(l) < 0)
		goto fail;
	fprintf(stderr, "%d %s by %s\n", c->npos, m->done, actor.code);
	return EXIT_OK;
fail:
	code = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
out:
	ledger_rollback(l);
	return code;
}

static const char *const checkout_options[] = {"for", NULL};

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

static const char *const move_options[] = {"to", NULL};

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
    .usage = "ID... [--for YYYY-MM-DD] --as CODE [--pin-fd N] [--json]",
    .help = "take cards or terminals out of storage for the window",
    .options = checkout_options,
    .needs_db = 1,
    .exec = exec_checkout,
};

const struct cmd_entry cmd_return_entry = {
    .name = "return",
    .usage = "ID... --as CODE [--pin-fd N] [--json]",
    .help = "put checked-out cards or terminals back into storage",
    .options = NULL,
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
    .usage = "--to PATH ID... --as CODE [--pin-fd N] [--json]",
    .help = "move stored cards or terminals to another location",
    .options = move_options,
    .needs_db = 1,
    .exec = exec_move,
};
