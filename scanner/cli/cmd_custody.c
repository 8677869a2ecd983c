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
	struct wf_err e;
	int64_t id;
	int fresh, rc;

	if (c->npos != 1)
		return cli_usage(c, "one asset code is required");
	if (!name || !location)
		return cli_usage(c, "--name and --location are required");
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (wf_asset_add(l, &actor, c->pos[0], name, tag, location, cli_now(),
			 &id, &fresh, &e))
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_str(&w, "asset", c->pos[0]);
		json_w_end_object(&w);
		rc = cli_json_done(&w, EXIT_OK);
		if (rc)
			return rc;
	} else {
		printf("%s\n", c->pos[0]);
	}
	fprintf(stderr,
		fresh ? _("terminal %s registered at %s (a new location) by "
			  "%s\n")
		      : _("terminal %s registered at %s by %s\n"),
		c->pos[0], location, actor.code);
	return EXIT_OK;
}

const struct cmd_entry cmd_asset_add_entry = {
    .name = "asset add",
    .usage = "CODE --name NAME [--tag SERIAL] --location PATH "
	     "--as MANAGER [--pin-fd N] [--json]",
    .help = N_("register an issuing terminal (counted like a card)"),
    .options = asset_add_options,
    .needs_db = 1,
    .step = &wf_step_asset_add,
    .exec = exec_asset_add,
};

/* What one movement command does. */
struct movement {
	enum custody_kind kind;
	const char *done; /* "checked out", for the warning (a msgid) */
};

/* Moves the n items of names (by: how they are named) through the
 * custody workflow, all or none, and prints each. */
static int apply_items(struct cli *c, struct ledger *l,
		       const struct movement *m, const char *to_path,
		       int32_t for_date, const char *const *names, size_t n,
		       enum custody_by by, const struct staff_rec *actor)
{
	struct wf_moved moved;
	struct wf_err e;
	struct json_w w;
	int rc = EXIT_OK;

	if (wf_custody_move(l, actor, m->kind, names, n, by, to_path,
			    for_date, cli_now(), &moved, &e))
		return cli_fail(&e);
	/* JSON: one line per item (JSON lines). */
	json_w_init(&w, stdout);
	for (size_t i = 0; i < moved.n && rc == EXIT_OK; i++) {
		const struct wf_moved_item *it = &moved.v[i];

		if (c->json) {
			json_w_object(&w);
			json_w_key_str(&w, it->is_asset ? "asset" : "mgmt_id",
				       it->name);
			json_w_key_str(
			    &w, "status",
			    wf_custody_status_name(it->is_asset, it->to));
			json_w_key_str(&w, "location", it->location);
			json_w_key_bool(&w, "safe_closed", moved.safe_closed);
			json_w_end_object(&w);
			rc = cli_json_done(&w, EXIT_OK);
		} else {
			printf("%s\t%s\n", cli_text(it->name),
			       cli_text(it->location));
		}
	}
	if (rc) {
		wf_moved_free(&moved);
		return rc;
	}
	fprintf(stderr,
		m->kind == CUSTODY_CHECKOUT ? _("%zu checked out by %s\n")
		: m->kind == CUSTODY_RETURN ? _("%zu returned by %s\n")
		: m->kind == CUSTODY_ISSUE  ? _("%zu issued by %s\n")
					    : _("%zu moved by %s\n"),
		n, actor->code);
	/* Never refused: the cards are in someone's hands already. */
	if (moved.safe_closed)
		fprintf(stderr,
			_("warning: the safe is recorded closed: %zu %s while "
			"it was closed, flagged in the key log and the daily "
			"report (record openings with 'cardtally key open')\n"),
			n, _(m->done));
	wf_moved_free(&moved);
	return EXIT_OK;
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
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (!reader)
		return apply_items(c, l, m, to_path, for_date, c->pos,
				   (size_t)c->npos, CUSTODY_BY_NAME, &actor);
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
	rc = apply_items(c, l, m, to_path, for_date, names, n,
			 CUSTODY_BY_SERIAL, &actor);
	free(names);
	free(serials);
	return rc;
}

static const char *const checkout_options[] = {"for", "reader", "profile",
					       NULL};
static const char *const reader_options[] = {"reader", "profile", NULL};

static int exec_checkout(struct cli *c, struct ledger *l)
{
	static const struct movement m = {CUSTODY_CHECKOUT, N_("checked out")};
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
	static const struct movement m = {CUSTODY_RETURN, N_("returned")};

	return move_items(c, l, &m, NULL, DATE_NONE);
}

static int exec_issue(struct cli *c, struct ledger *l)
{
	static const struct movement m = {CUSTODY_ISSUE, N_("issued")};

	return move_items(c, l, &m, NULL, DATE_NONE);
}

static const char *const move_options[] = {"to", "reader", "profile", NULL};

static int exec_move(struct cli *c, struct ledger *l)
{
	static const struct movement m = {CUSTODY_MOVE, N_("moved")};


	const char *to = cli_opt(c, "to");

	if (!to)
		return cli_usage(c, "--to is required");
	return move_items(c, l, &m, to, DATE_NONE);
}

const struct cmd_entry cmd_checkout_entry = {
    .name = "checkout",
    .usage = "(ID... | --reader SPEC [--profile NAME]) [--for YYYY-MM-DD] "
	     "--as CODE [--pin-fd N] [--json]",
    .help = N_("take cards or terminals out of storage for the window"),
    .options = checkout_options,
    .needs_db = 1,
    .step = &wf_step_checkout,
    .exec = exec_checkout,
};

const struct cmd_entry cmd_return_entry = {
    .name = "return",
    .usage = "(ID... | --reader SPEC [--profile NAME]) --as CODE "
	     "[--pin-fd N] [--json]",
    .help = N_("put checked-out cards or terminals back into storage"),
    .options = reader_options,
    .needs_db = 1,
    .step = &wf_step_return,
    .exec = exec_return,
};

const struct cmd_entry cmd_issue_entry = {
    .name = "issue",
    .usage = "ID... --as CODE [--pin-fd N] [--json]",
    .help = N_("record checked-out cards as handed to their applicants"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_issue,
    .exec = exec_issue,
};

const struct cmd_entry cmd_move_entry = {
    .name = "move",
    .usage = "--to PATH (ID... | --reader SPEC [--profile NAME]) --as CODE "
	     "[--pin-fd N] [--json]",
    .help = N_("move stored cards or terminals to another location"),
    .options = move_options,
    .needs_db = 1,
    .step = &wf_step_move,
    .exec = exec_move,
};
