/*
 * `cardtally init` creates a ledger with its first manager (the init
 * workflow).  The PIN is read without echo (or from a descriptor) and
 * stored only as an Argon2id hash.
 */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
		return cli_error(EXIT_USAGE,
				 "cannot create %s for the ledger: %s", dir,
				 strerror(errno));
	fprintf(stderr, _("created directory %s\n"), dir);
	return 0;
}

static int exec_init(struct cli *c, struct ledger *unused)
{
	const char *code = cli_opt(c, "manager"), *name = cli_opt(c, "name");
	struct wf_err e;
	char pin[16];
	int rc;

	(void)unused;
	if (!code || !name)
		return cli_usage(c, "--manager CODE and --name NAME are "
				    "required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	/* Refused before anyone types a PIN. */
	if (wf_init_check(code, name, &e))
		return cli_fail(&e);
	rc = cli_new_pin(c->pin_fd, "--pin-fd", code, pin);
	if (rc == 0)
		rc = make_parent_dir(c->db);
	if (rc == 0 && wf_init(c->db, code, name, pin, cli_now(), &e))
		rc = cli_fail(&e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return rc;
	fprintf(stderr, _("created ledger %s with manager %s\n"), c->db, code);
	return EXIT_OK;
}

static const char *const init_options[] = {"manager", "name", NULL};

const struct cmd_entry cmd_init_entry = {
    .name = "init",
    .usage = "--db PATH --manager CODE --name NAME [--pin-fd N]",
    .help = N_("create a ledger and its first manager"),
    .options = init_options,
    .needs_db = 0,
    .exec = exec_init,
};
