/*
 * The staff commands: `staff add`, `staff unlock`, `staff list`, and a
 * person's PIN (`staff pin` by its owner, `staff reset-pin` by a manager),
 * `staff deactivate` / `staff reactivate` and `staff role`.  Each parses
 * its options, reads the PINs it needs and calls one workflow of
 * scanner/workflow/wf_staff.c, which decides and writes.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --new-pin-fd N into *fd (-1: the terminal).  0 or a usage error. */
static int new_pin_fd(const struct cli *c, int *fd)
{
	const char *s = cli_opt(c, "new-pin-fd");
	char *end;
	long v;

	*fd = -1;
	if (!s)
		return 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < 0 || v > 1023)
		return cli_usage(c, "--new-pin-fd needs a file descriptor "
				    "number");
	*fd = (int)v;
	return 0;
}

static int parse_role(const struct cli *c, const char *s, enum staff_role *r)
{
	if (!s || staff_role_parse(s, r) < 0)
		return cli_usage(c,
				 "--role must be manager, staff or parttime, "
				 "not '%s'",
				 s ? s : "");
	return 0;
}

/* ---- staff add ---- */

static int exec_staff_add(struct cli *c, struct ledger *l)
{
	const char *name = cli_opt(c, "name"), *role_s = cli_opt(c, "role");
	char pin[16] = "", wpin[16] = "";
	struct staff_rec actor;
	enum staff_role role;
	struct wf_err e;
	int new_fd, rc;

	if (c->npos != 1 || !name || !role_s)
		return cli_usage(c, "a staff code, --name and --role are "
				    "required");
	rc = parse_role(c, role_s, &role);
	if (rc == 0)
		rc = new_pin_fd(c, &new_fd);
	if (rc == 0)
		rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	/* Refused before anyone types the new PIN. */
	if (wf_staff_add_check(l, c->pos[0], name, &e))
		return cli_fail(&e);
	rc = cli_new_pin(new_fd, "--new-pin-fd", c->pos[0], pin);
	if (rc == 0)
		rc = cli_second_pin(c, &actor, wpin);
	if (rc == 0 && wf_staff_add(l, &actor, c->pos[0], name, role, pin,
				    c->witness, wpin, cli_now(), &e))
		rc = cli_fail(&e);
	sodium_memzero(pin, sizeof(pin));
	sodium_memzero(wpin, sizeof(wpin));
	if (rc)
		return rc;
	fprintf(stderr, _("added %s (%s) as %s\n"), c->pos[0], name,
		_(staff_role_name(role)));
	return EXIT_OK;
}

static const char *const staff_add_options[] = {"name", "role", "new-pin-fd",
						NULL};

const struct cmd_entry cmd_staff_add_entry = {
    .name = "staff add",
    .usage = "CODE --name NAME --role manager|staff|parttime "
	     "[--new-pin-fd N] --as MANAGER [--pin-fd N] "
	     "[--witness MANAGER --witness-pin-fd N]",
    .help = N_("add a staff member with a role and a PIN (a new manager: "
	    "with a second manager)"),
    .options = staff_add_options,
    .needs_db = 1,
    .step = &wf_step_staff_add,
    .exec = exec_staff_add,
};

/* ---- staff unlock ---- */

static int exec_staff_unlock(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	struct wf_err e;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "the staff code to unlock is required");
	rc = cli_step_actor(c, l, &actor);
	if (rc == 0 && wf_staff_unlock(l, &actor, c->pos[0], cli_now(), &e))
		rc = cli_fail(&e);
	if (rc)
		return rc;
	fprintf(stderr, _("unlocked %s\n"), c->pos[0]);
	return EXIT_OK;
}

const struct cmd_entry cmd_staff_unlock_entry = {
    .name = "staff unlock",
    .usage = "CODE --as MANAGER [--pin-fd N]",
    .help = N_("reopen an account locked after wrong PINs (a manager)"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_staff_unlock,
    .exec = exec_staff_unlock,
};

/* ---- staff pin / reset-pin ---- */

static int exec_staff_pin(struct cli *c, struct ledger *l)
{
	char old[16] = "", pin[16] = "", prompt[80];
	struct wf_err e;
	int new_fd, rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!c->as)
		return cli_usage(c, "--as STAFF_CODE is required");
	rc = new_pin_fd(c, &new_fd);
	if (rc)
		return rc;
	snprintf(prompt, sizeof(prompt), _("PIN for %s: "), c->as);
	rc = cli_read_pin(c->pin_fd, prompt, "--pin-fd", old);
	if (rc == 0)
		rc = cli_new_pin(new_fd, "--new-pin-fd", c->as, pin);
	if (rc == 0 && wf_staff_pin(l, c->as, old, pin, cli_now(), &e))
		rc = cli_fail(&e);
	sodium_memzero(old, sizeof(old));
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return rc;
	fprintf(stderr, _("PIN of %s changed\n"), c->as);
	return EXIT_OK;
}

static const char *const pin_options[] = {"new-pin-fd", NULL};

const struct cmd_entry cmd_staff_pin_entry = {
    .name = "staff pin",
    .usage = "--as CODE [--pin-fd N] [--new-pin-fd N]",
    .help = N_("change your own PIN (the old one, then the new one)"),
    .options = pin_options,
    .needs_db = 1,
    .step = &wf_step_staff_pin,
    .exec = exec_staff_pin,
};

static int exec_staff_reset_pin(struct cli *c, struct ledger *l)
{
	char pin[16] = "", wpin[16] = "";
	struct staff_rec actor;
	struct wf_err e;
	int new_fd, rc;

	if (c->npos != 1)
		return cli_usage(c, "the staff code whose PIN to reset is "
				    "required");
	rc = new_pin_fd(c, &new_fd);
	if (rc == 0)
		rc = cli_step_actor(c, l, &actor);
	if (rc == 0)
		rc = cli_new_pin(new_fd, "--new-pin-fd", c->pos[0], pin);
	if (rc == 0)
		rc = cli_second_pin(c, &actor, wpin);
	if (rc == 0 && wf_staff_reset_pin(l, &actor, c->pos[0], pin, c->witness,
					  wpin, cli_now(), &e))
		rc = cli_fail(&e);
	sodium_memzero(pin, sizeof(pin));
	sodium_memzero(wpin, sizeof(wpin));
	if (rc)
		return rc;
	fprintf(stderr, _("PIN of %s reset, the account is open\n"), c->pos[0]);
	return EXIT_OK;
}

const struct cmd_entry cmd_staff_reset_pin_entry = {
    .name = "staff reset-pin",
    .usage = "CODE [--new-pin-fd N] --as MANAGER [--pin-fd N] "
	     "[--witness MANAGER --witness-pin-fd N]",
    .help = N_("set a new PIN for someone and reopen the account (a "
	    "manager's PIN: with a second manager)"),
    .options = pin_options,
    .needs_db = 1,
    .step = &wf_step_staff_reset_pin,
    .exec = exec_staff_reset_pin,
};

/* ---- staff deactivate / reactivate / role ---- */

/* The steps with a second manager: actor, witness's PIN, then run. */
static int witnessed(struct cli *c, struct ledger *l,
		     const struct wf_step *step, int active, const char *role_s)
{
	char wpin[16] = "";
	struct staff_rec actor;
	enum staff_role role = ROLE_STAFF;
	struct wf_err e;
	int rc = 0;

	if (c->npos != 1)
		return cli_usage(c, "one staff CODE is required");
	if (step == &wf_step_staff_role)
		rc = parse_role(c, role_s, &role);
	if (rc == 0)
		rc = cli_step_actor(c, l, &actor);
	if (rc == 0)
		rc = cli_second_pin(c, &actor, wpin);
	if (rc)
		return rc;
	if (step == &wf_step_staff_role)
		rc = wf_staff_role(l, &actor, c->pos[0], role, c->witness, wpin,
				   cli_now(), &e);
	else
		rc = wf_staff_set_active(l, &actor, c->pos[0], active,
					 c->witness, wpin, cli_now(), &e);
	sodium_memzero(wpin, sizeof(wpin));
	if (rc)
		return cli_fail(&e);
	if (step == &wf_step_staff_role)
		fprintf(stderr, _("%s is %s now\n"), c->pos[0],
			_(staff_role_name(role)));
	else
		fprintf(stderr,
			active ? _("reactivated %s\n") : _("deactivated %s\n"),
			c->pos[0]);
	return EXIT_OK;
}

static int exec_staff_deactivate(struct cli *c, struct ledger *l)
{
	return witnessed(c, l, &wf_step_staff_deactivate, 0, NULL);
}

static int exec_staff_reactivate(struct cli *c, struct ledger *l)
{
	return witnessed(c, l, &wf_step_staff_reactivate, 1, NULL);
}

static int exec_staff_role(struct cli *c, struct ledger *l)
{
	return witnessed(c, l, &wf_step_staff_role, 0, cli_opt(c, "role"));
}

const struct cmd_entry cmd_staff_deactivate_entry = {
    .name = "staff deactivate",
    .usage = "CODE --as MANAGER [--pin-fd N] --witness MANAGER "
	     "[--witness-pin-fd N]",
    .help = N_("a person may no longer log in (their history stays)"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_staff_deactivate,
    .exec = exec_staff_deactivate,
};

const struct cmd_entry cmd_staff_reactivate_entry = {
    .name = "staff reactivate",
    .usage = "CODE --as MANAGER [--pin-fd N] --witness MANAGER "
	     "[--witness-pin-fd N]",
    .help = N_("let a deactivated person log in again"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_staff_reactivate,
    .exec = exec_staff_reactivate,
};

static const char *const role_options[] = {"role", NULL};

const struct cmd_entry cmd_staff_role_entry = {
    .name = "staff role",
    .usage = "CODE --role manager|staff|parttime --as MANAGER [--pin-fd N] "
	     "--witness MANAGER [--witness-pin-fd N]",
    .help = N_("change a person's role (with a second manager)"),
    .options = role_options,
    .needs_db = 1,
    .step = &wf_step_staff_role,
    .exec = exec_staff_role,
};

/* ---- staff list ---- */

/* One person: an object of jw, or a line of text when jw is NULL. */
static void print_staff(const struct staff_rec *s, struct json_w *jw)
{
	if (jw) {
		json_w_object(jw);
		json_w_key_str(jw, "code", s->code);
		json_w_key_str(jw, "name", s->name);
		json_w_key_str(jw, "role", staff_role_name(s->role));
		json_w_key_bool(jw, "locked", s->locked);
		json_w_key_bool(jw, "active", s->active);
		json_w_end_object(jw);
		return;
	}
	printf("%-12s %s %s%s%s\n", s->code,
	       cli_pad(_(staff_role_name(s->role)), 9), cli_text(s->name),
	       s->locked ? _("  [LOCKED]") : "",
	       s->active ? "" : _("  [inactive]"));

}

static int exec_staff_list(struct cli *c, struct ledger *l)
{
	struct wf_staff_list s;
	struct wf_err e;
	struct json_w w, *jw = c->json ? &w : NULL;
	int rc = EXIT_OK;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (wf_staff_list(l, &s, &e))
		return cli_fail(&e);
	json_w_init(&w, stdout);
	if (jw) {
		json_w_object(jw);
		json_w_key(jw, "staff");
		json_w_array(jw);
	}
	for (size_t i = 0; i < s.n; i++)
		print_staff(&s.v[i], jw);
	if (jw) {
		json_w_end_array(jw);
		json_w_end_object(jw);
		rc = cli_json_done(jw, EXIT_OK);
	}
	wf_staff_list_free(&s);
	return rc;
}

const struct cmd_entry cmd_staff_list_entry = {
    .name = "staff list",
    .usage = "[--json]",
    .help = N_("list staff with their roles (and locked accounts)"),
    .options = NULL,
    .needs_db = 1,
    .exec = exec_staff_list,
};
