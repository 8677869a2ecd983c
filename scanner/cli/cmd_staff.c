/*
 * The staff commands: `staff add` (a person with a role and a PIN), `staff
 * unlock` (a manager reopens an account locked by wrong PINs) and `staff
 * list`.  Who may do which is the permission matrix's (reconcile/).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int exec_staff_add(struct cli *c, struct ledger *l)
{
	const char *name = cli_opt(c, "name"), *role_s = cli_opt(c, "role");
	const char *fd_s = cli_opt(c, "new-pin-fd");
	struct staff_rec actor;
	enum staff_role role;
	int new_fd = -1, rc;
	char hash[128];

	if (c->npos != 1 || !name || !role_s)
		return cli_usage(c, "a staff code, --name and --role are "
				    "required");
	if (staff_role_parse(role_s, &role) < 0)
		return cli_usage(c,
				 "--role must be manager, staff or "
				 "parttime, not '%s'",
				 role_s);
	if (fd_s) {
		char *end;
		long v = strtol(fd_s, &end, 10);

		if (*fd_s == '\0' || *end || v < 0 || v > 1023)
			return cli_usage(c, "--new-pin-fd needs a file "
					    "descriptor number");
		new_fd = (int)v;
	}
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, ACT_STAFF_ADD);
	if (rc)
		return rc;
	if (!staff_code_valid(c->pos[0]))
		return cli_error(EXIT_DATAERR,
				 "staff code '%s' must be 1-32 letters, "
				 "digits, '-' or '_'",
				 c->pos[0]);
	rc = cli_new_pin_hash(new_fd, "--new-pin-fd", c->pos[0], hash);
	if (rc)
		return rc;
	rc = ledger_staff_add(l, c->pos[0], name, role, hash, actor.id,
			      cli_now());
	if (rc == LEDGER_ERR_EXISTS || rc == LEDGER_ERR_INVALID)
		return cli_error(EXIT_DATAERR, "%s", ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	fprintf(stderr, "added %s (%s) as %s\n", c->pos[0], name,
		staff_role_name(role));
	return EXIT_OK;
}

static const char *const staff_add_options[] = {"name", "role", "new-pin-fd",
						NULL};

const struct cmd_entry cmd_staff_add_entry = {
    .name = "staff add",
    .usage = "CODE --name NAME --role manager|staff|parttime "
	     "[--new-pin-fd N] --as CODE [--pin-fd N]",
    .help = "add a staff member with a role and a PIN",
    .options = staff_add_options,
    .needs_db = 1,
    .exec = exec_staff_add,
};

static int exec_staff_unlock(struct cli *c, struct ledger *l)
{
	struct staff_rec actor, who;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "the staff code to unlock is required");
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, ACT_STAFF_UNLOCK);
	if (rc)
		return rc;
	rc = ledger_staff_get(l, c->pos[0], &who);
	if (rc == 0)
		rc = ledger_staff_unlock(l, who.id, actor.id, cli_now());
	if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_STATE)
		return cli_error(EXIT_DATAERR, "%s", ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	fprintf(stderr, "unlocked %s\n", who.code);
	return EXIT_OK;
}

const struct cmd_entry cmd_staff_unlock_entry = {
    .name = "staff unlock",
    .usage = "CODE --as MANAGER [--pin-fd N]",
    .help = "reopen an account locked after wrong PINs (a manager)",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_staff_unlock,
};

struct list_ctx {
	int json, n;
};

static int print_staff(const struct staff_rec *s, void *ctx)
{
	struct list_ctx *x = ctx;

	if (x->json) {
		fputs(x->n++ ? ",{\"code\":" : "{\"code\":", stdout);
		json_str(stdout, s->code);
		fputs(",\"name\":", stdout);
		json_str(stdout, s->name);
		printf(",\"role\":\"%s\",\"locked\":%s,\"active\":%s}",
		       staff_role_name(s->role), s->locked ? "true" : "false",
		       s->active ? "true" : "false");
		return 0;
	}
	printf("%-12s %-9s %s%s%s\n", s->code, staff_role_name(s->role),
	       s->name, s->locked ? "  [LOCKED]" : "",
	       s->active ? "" : "  [inactive]");
	return 0;
}

static int exec_staff_list(struct cli *c, struct ledger *l)
{
	struct list_ctx x = {.json = c->json};
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (x.json)
		fputs("{\"staff\":[", stdout);
	rc = ledger_staff_each(l, print_staff, &x);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (x.json)
		fputs("]}\n", stdout);
	return EXIT_OK;
}

const struct cmd_entry cmd_staff_list_entry = {
    .name = "staff list",
    .usage = "[--json]",
    .help = "list staff with their roles (and locked accounts)",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_staff_list,
};
