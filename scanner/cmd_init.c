/*
 * `cardtally init` creates a ledger with its first manager; `cardtally staff
 * add` adds a person.  PINs are read without echo (or from a descriptor) and
 * stored only as Argon2id hashes.
 */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * Reads a new PIN and hashes it.  Typed at a terminal it is asked twice:
 * a typo in a PIN nobody saw would lock its owner out (for the first
 * manager, out of the whole ledger).
 */
static int new_pin_hash(int fd, const char *fd_option, const char *code,
			char hash[128])
{
	char pin[16], again[16], prompt[80];
	int rc;

	if (sodium_init() < 0)
		return cli_error(EXIT_SOFTWARE, "libsodium failed to start");
	snprintf(prompt, sizeof(prompt), "new PIN for %s: ", code);
	rc = cli_read_pin(fd, prompt, fd_option, pin);
	if (rc)
		return rc;
	if (fd < 0) {
		snprintf(prompt, sizeof(prompt), "new PIN for %s again: ",
			 code);
		rc = cli_read_pin(fd, prompt, fd_option, again);
		if (rc == 0 && strcmp(pin, again) != 0)
			rc = cli_error(EXIT_DATAERR,
				       "the two PINs differ: nothing changed");
		sodium_memzero(again, sizeof(again));
	}
	if (rc == 0)
		rc = cli_hash_pin(pin, hash);
	sodium_memzero(pin, sizeof(pin));
	return rc;
}

/*
 * The installed default (/var/lib/cardtally/ledger.db) lives in a directory
 * a fresh install does not have yet: make the last level, as a user
 * expects of `init`, but never a whole missing tree (a typo stays an error).
 */
static int make_parent_dir(const char *db)
{
	char dir[PATH_MAX];
	struct stat sb;
	const char *slash = strrchr(db, '/');

	if (!slash || slash == db)
		return 0;
	if ((size_t)(slash - db) >= sizeof(dir))
		return cli_error(EXIT_USAGE, "ledger path too long");
	memcpy(dir, db, (size_t)(slash - db));
	dir[slash - db] = '\0';
	if (stat(dir, &sb) == 0)
		return 0;
	if (mkdir(dir, 0750) < 0)
		return cli_error(EXIT_USAGE, "cannot create %s for the ledger: %s",
				 dir, strerror(errno));
	fprintf(stderr, "created directory %s\n", dir);
	return 0;
}

static int exec_init(struct cli *c, struct ledger *unused)
{
	const char *code = cli_opt(c, "manager"), *name = cli_opt(c, "name");
	struct ledger *l;
	char err[512], hash[128];
	int rc;

	(void)unused;
	if (!code || !name)
		return cli_usage(c, "--manager CODE and --name NAME are "
				    "required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!staff_code_valid(code))
		return cli_error(EXIT_DATAERR,
				 "staff code '%s' must be 1-32 letters, "
				 "digits, '-' or '_'",
				 code);
	rc = new_pin_hash(c->pin_fd, "--pin-fd", code, hash);
	if (rc)
		return rc;
	rc = make_parent_dir(c->db);
	if (rc)
		return rc;
	rc = ledger_create(c->db, &l, err, sizeof(err));
	if (rc == LEDGER_ERR_EXISTS)
		return cli_error(EXIT_USAGE, "%s: not overwriting a ledger",
				 err);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", err);
	rc = ledger_begin(l);
	if (rc == 0)
		rc = ledger_staff_add(l, code, name, ROLE_MANAGER, hash, 0,
				      cli_now());
	if (rc == 0)
		rc = ledger_audit(l, 0, cli_now(), "ledger.init", c->db, NULL);
	if (rc == 0)
		rc = ledger_commit(l);
	if (rc < 0) {
		int code_rc =
		    rc == LEDGER_ERR_INVALID ? EXIT_DATAERR : EXIT_SOFTWARE;

		cli_error(code_rc, "%s", ledger_errmsg(l));
		ledger_close(l);
		remove(c->db);
		return code_rc;
	}
	ledger_close(l);
	fprintf(stderr, "created ledger %s with manager %s\n", c->db, code);
	return EXIT_OK;
}

static const char *const init_options[] = {"manager", "name", NULL};

const struct cmd_entry cmd_init_entry = {
    .name = "init",
    .usage = "--db PATH --manager CODE --name NAME [--pin-fd N]",
    .help = "create a ledger and its first manager",
    .options = init_options,
    .needs_db = 0,
    .exec = exec_init,
};

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
	rc = new_pin_hash(new_fd, "--new-pin-fd", c->pos[0], hash);
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
