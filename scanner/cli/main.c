/*
 * cardtally's entry point: finds the subcommand in the command table, parses
 * the options common to every command and the command's own, opens the
 * ledger when the command needs one, and runs it.  Exit codes follow
 * INTERFACE.md "General".
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define DEFAULT_DB "/var/lib/cardtally/ledger.db"

static const struct cmd_entry *const commands[] = {
    &cmd_init_entry,
    &cmd_staff_add_entry,
    &cmd_staff_unlock_entry,
    &cmd_staff_list_entry,
    &cmd_staff_pin_entry,
    &cmd_staff_reset_pin_entry,
    &cmd_staff_deactivate_entry,
    &cmd_staff_reactivate_entry,
    &cmd_staff_role_entry,
    &cmd_import_entry,
    &cmd_count_start_entry,
    &cmd_count_close_entry,
    &cmd_scan_entry,
    &cmd_scan_undo_entry,
    &cmd_reconcile_entry,
    &cmd_demo_entry,
    &cmd_readers_entry,
    &cmd_audit_verify_entry,
    &cmd_audit_show_entry,
    &cmd_note_add_entry,
    &cmd_note_list_entry,
    &cmd_training_course_add_entry,
    &cmd_training_course_require_entry,
    &cmd_training_record_entry,
    &cmd_training_list_entry,
    &cmd_key_holder_add_entry,
    &cmd_key_holder_list_entry,
    &cmd_key_open_entry,
    &cmd_key_close_entry,
    &cmd_key_log_entry,
    &cmd_status_entry,
    &cmd_report_daily_entry,
    &cmd_tui_entry,
    &cmd_dispose_due_entry,
    &cmd_dispose_start_entry,
    &cmd_dispose_close_entry,
    &cmd_dispose_list_entry,
    /* Custody (R11-R13). */
    &cmd_asset_add_entry,
    &cmd_checkout_entry,
    &cmd_return_entry,
    &cmd_issue_entry,
    &cmd_move_entry,
    &cmd_tally_start_entry,
    &cmd_tally_close_entry,
    &cmd_tally_list_entry,
    /* The counting programme (R5, R6). */
    &cmd_plan_assign_entry,
    &cmd_plan_cycle_entry,
    &cmd_count_total_entry,
    /* The record book (R7-R10, R23). */
    &cmd_count_discrepancies_entry,
    &cmd_count_resolve_entry,
    &cmd_count_recount_entry,
    &cmd_report_record_book_entry,
    &cmd_report_incident_entry,
    NULL,
};

static const struct cmd_entry *current;

static void print_usage(FILE *f, const struct cmd_entry *e)
{
	fprintf(f, "usage: cardtally %s %s\n", e->name, e->usage);
}

int cli_usage(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	(void)c;
	fputs("cardtally: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (current)
		print_usage(stderr, current);
	else
		fputs("run 'cardtally --help' for the commands\n", stderr);
	return EXIT_USAGE;
}

static void help(FILE *f)
{
	fputs("cardtally: counts stored ID cards against the stock ledger\n\n"
	      "usage: cardtally COMMAND [OPTIONS]\n\ncommands:\n",
	      f);
	for (int i = 0; commands[i]; i++)
		fprintf(f, "  %-19s %s\n", commands[i]->name,
			commands[i]->help);
	fputs("\noptions of every command:\n"
	      "  --db PATH          the ledger (else $CARDTALLY_DB, "
	      "else " DEFAULT_DB ")\n"
	      "  --json             machine-readable output on stdout\n"
	      "  --as CODE          the acting staff member\n"
	      "  --pin-fd N         read the PIN from file descriptor N\n"
	      "  --witness CODE     the second person of a two-person step\n"
	      "  --witness-pin-fd N the witness's PIN from descriptor N\n"
	      "\n'cardtally COMMAND --help' describes one command; "
	      "README.md has the full reference.\n",
	      f);
}

/*
 * Matches up to three words ("training course add") against the table,
 * longest first, so that a command's name may be the prefix of another's.
 */
static const struct cmd_entry *find_command(int argc, char **argv, int i,
					    int *used)
{
	char name[96];

	for (int words = 3; words >= 1; words--) {
		size_t len = 0;

		if (i + words > argc)
			continue;
		name[0] = '\0';
		for (int w = 0; w < words && len < sizeof(name); w++)
			len +=
			    (size_t)snprintf(name + len, sizeof(name) - len,
					     "%s%s", w ? " " : "", argv[i + w]);
		if (len >= sizeof(name))
			continue;
		for (int k = 0; commands[k]; k++) {
			if (strcmp(commands[k]->name, name) == 0) {
				*used = words;
				return commands[k];
			}
		}
	}
	return NULL;
}

static int parse_fd(const struct cli *c, const char *opt, const char *v,
		    int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 0 || n > 1023)
		return cli_usage(c,
				 "%s needs a file descriptor number, not "
				 "'%s'",
				 opt, v);
	*out = (int)n;
	return 0;
}

/* Which of the command's own options takes a value (1), is a flag (0), or
 * is unknown (-1). */
static int own_option(const struct cmd_entry *e, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; e->options && e->options[i]; i++) {
		const char *o = e->options[i];

		if (strncmp(o, name, n) == 0) {
			if (o[n] == '\0')
				return 1;
			if (o[n] == '!' && o[n + 1] == '\0')
				return 0;
		}
	}
	return -1;
}

static int parse_args(struct cli *c, int argc, char **argv, int start)
{
	for (int i = start; i < argc; i++) {
		char *a = argv[i];
		char *val = NULL, name[48];
		int takes, rc = 0;

		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				if (c->npos < CLI_MAX_POS)
					c->pos[c->npos++] = argv[i];
			break;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (c->npos == CLI_MAX_POS)
				return cli_usage(c, "too many arguments");
			c->pos[c->npos++] = a;
			continue;
		}
		snprintf(name, sizeof(name), "%s", a + 2);
		char *eq = strchr(name, '=');
		if (eq) {
			*eq = '\0';
			val = strchr(a, '=') + 1;
		}
		if (strcmp(name, "json") == 0 || strcmp(name, "help") == 0) {
			if (val)
				return cli_usage(c, "--%s takes no value",
						 name);
			*(name[0] == 'j' ? &c->json : &c->help) = 1;
			continue;
		}
		static const char *const common[] = {
		    "db", "as", "pin-fd", "witness", "witness-pin-fd", NULL};
		int is_common = 0;
		for (int k = 0; common[k]; k++)
			is_common |= strcmp(common[k], name) == 0;
		takes = is_common ? 1 : own_option(current, name);
		if (takes < 0)
			return cli_usage(c, "unknown option --%s", name);
		if (takes == 0) {
			if (val)
				return cli_usage(c, "--%s takes no value",
						 name);
			val = "";
		} else if (!val) {
			if (i + 1 >= argc)
				return cli_usage(c, "--%s needs a value", name);
			val = argv[++i];
		}
		if (strcmp(name, "db") == 0) {
			c->db = val;
		} else if (strcmp(name, "as") == 0) {
			c->as = val;
		} else if (strcmp(name, "pin-fd") == 0) {
			rc = parse_fd(c, "--pin-fd", val, &c->pin_fd);
		} else if (strcmp(name, "witness") == 0) {
			if (c->nwitness == CLI_MAX_MULTI)
				return cli_usage(c, "too many witnesses");
			c->witness[c->nwitness++] = val;
		} else if (strcmp(name, "witness-pin-fd") == 0) {
			if (c->nwitness_pin_fd == CLI_MAX_MULTI)
				return cli_usage(c, "too many witnesses");
			rc = parse_fd(c, "--witness-pin-fd", val,
				      &c->witness_pin_fd[c->nwitness_pin_fd++]);
		} else {
			int k;

			for (k = 0; k < c->nopt; k++)
				if (strcmp(c->opt_name[k], name) == 0)
					return cli_usage(
					    c, "--%s is given twice", name);
			if (c->nopt == 32)
				return cli_usage(c, "too many options");
			/* Point at the option's name inside argv. */
			c->opt_name[c->nopt] = a + 2;
			if (eq)
				a[2 + (eq - name)] = '\0';
			c->opt_val[c->nopt++] = val;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = {.prog = argv[0], .pin_fd = -1};
	struct ledger *l = NULL;
	int used = 0, rc;
	char err[512];

	/* The ledger holds PIN hashes and card serials: nothing this program
	 * creates (ledger, its -wal and -shm, demo files) is world-readable. */
	umask(027);
	if (argc < 2) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("cardtally %s\n", CT_VERSION);
		return EXIT_OK;
	}
	current = find_command(argc, argv, 1, &used);
	if (!current)
		return cli_usage(&c, "unknown command '%s'", argv[1]);
	c.cmd = current->name;
	rc = parse_args(&c, argc, argv, 1 + used);
	if (rc)
		return rc;
	if (c.help) {
		print_usage(stdout, current);
		printf("%s\n", current->help);
		return EXIT_OK;
	}
	if (!c.db)
		c.db = getenv("CARDTALLY_DB");
	if (!c.db || !*c.db)
		c.db = DEFAULT_DB;
	if (current->needs_db) {
		rc = ledger_open(c.db, &l, err, sizeof(err));
		if (rc == LEDGER_ERR_NOTFOUND)
			return cli_error(EXIT_USAGE,
					 "%s; create one with 'cardtally init "
					 "--db %s --manager CODE --name NAME'",
					 err, c.db);
		if (rc < 0)
			return cli_error(EXIT_SOFTWARE, "%s", err);
	}
	rc = current->exec(&c, l);
	ledger_close(l);
	if (fflush(stdout) != 0)
		rc = cli_error(EXIT_SOFTWARE, "cannot write output");
	return rc;
}
