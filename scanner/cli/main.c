/*
 * cardtally's entry point: finds the subcommand in the command table, parses
 * the options common to every command and the command's own, opens the
 * ledger when the command needs one, and runs it.  A noun alone
 * (`cardtally count`) lists its commands; the help texts are help.c's.
 * Exit codes are cli.h's, documented in cardtally(1) "EXIT STATUS".
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../drivers/reader.h"
#include "../workflow/config.h"
#include "cli.h"
#include "cli_code.h"
#include "help.h"

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
    &cmd_receive_entry,
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
    &cmd_key_holder_remove_entry,
    &cmd_key_handover_entry,
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
    /* Backups and restore (issue 14). */
    &cmd_backup_entry,
    &cmd_backup_verify_entry,
    &cmd_restore_entry,
    /* The city-wide hub (issue 16). */
    &cmd_sync_entry,
    &cmd_sync_key_entry,
    &cmd_hub_migrate_entry,
    &cmd_hub_enrol_entry,
    &cmd_hub_report_entry,
    NULL,
};

static const struct cmd_entry *current;

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

/*
 * Gives c room for every argument after the command's name: no argument
 * list is longer than argv, so nothing is ever refused for being one too
 * many (78 cards and a terminal on one command line, and more).  Freed
 * by cli_args_free.  0, or an exit code when memory runs out.
 */
static int cli_args_alloc(struct cli *c, int argc)
{
	size_t n = argc > 0 ? (size_t)argc : 1;

	c->pos = calloc(n, sizeof(*c->pos));
	c->opt_name = calloc(n, sizeof(*c->opt_name));
	c->opt_val = calloc(n, sizeof(*c->opt_val));
	if (!c->pos || !c->opt_name || !c->opt_val)
		return cli_error(EXIT_SOFTWARE, "out of memory parsing the "
						"command line");
	return 0;
}

static void cli_args_free(struct cli *c)
{
	free(c->pos);
	free(c->opt_name);
	free(c->opt_val);
}

/* The options every command takes (cardtally(1) "COMMON OPTIONS"): 1 for
 * one that takes a value, 0 for a flag, -1 for none of them. */
static int common_option(const char *name)
{
	static const char *const valued[] = {
	    "db", "as", "pin-fd", "witness", "witness-pin-fd", NULL};

	if (strcmp(name, "json") == 0 || strcmp(name, "help") == 0)
		return 0;
	for (int k = 0; valued[k]; k++)
		if (strcmp(valued[k], name) == 0)
			return 1;
	return -1;
}

/* Puts a common option's value where the commands look for it. */
static int set_common(struct cli *c, const char *name, const char *val)
{
	if (strcmp(name, "json") == 0)
		c->json = 1;
	else if (strcmp(name, "help") == 0)
		c->help = 1;
	else if (strcmp(name, "db") == 0)
		c->db = val;
	else if (strcmp(name, "as") == 0)
		c->as = val;
	else if (strcmp(name, "pin-fd") == 0)
		return parse_fd(c, "--pin-fd", val, &c->pin_fd);
	else if (strcmp(name, "witness") == 0)
		c->witness = val;
	else if (strcmp(name, "witness-pin-fd") == 0)
		return parse_fd(c, "--witness-pin-fd", val, &c->witness_pin_fd);
	return 0;
}

/* Parses argv[start..argc) into c, whose arrays cli_args_alloc sized for
 * argc arguments. */
static int parse_args(struct cli *c, int argc, char **argv, int start)
{
	for (int i = start; i < argc; i++) {
		char *a = argv[i];
		char *val = NULL, name[48];
		int takes, common;

		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				c->pos[c->npos++] = argv[i];
			break;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			c->pos[c->npos++] = a;
			continue;
		}
		snprintf(name, sizeof(name), "%s", a + 2);
		char *eq = strchr(name, '=');
		if (eq) {
			*eq = '\0';
			val = strchr(a, '=') + 1;
		}
		common = common_option(name);
		takes = common >= 0 ? common : own_option(current, name);
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
		/*
		 * Every option once, the common ones too.  Which of two --as
		 * (or --witness, --pin-fd, --db) was meant cannot be told,
		 * and taking either runs the step for a person, or holds a
		 * PIN against a witness, that the one typing may not have
		 * meant.  Refused here, before any PIN is read.
		 */
		for (int k = 0; k < c->nopt; k++)
			if (strcmp(c->opt_name[k], name) == 0)
				return cli_usage(c, "--%s is given twice",
						 name);
		/* Point at the option's name inside argv. */
		c->opt_name[c->nopt] = a + 2;
		if (eq)
			a[2 + (eq - name)] = '\0';
		c->opt_val[c->nopt++] = val;
		if (common >= 0) {
			int rc = set_common(c, name, val);

			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Whether --help is among argv[start..argc). */
static int wants_help(int argc, char **argv, int start)
{
	for (int i = start; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/*
 * No command is named by the words at argv[i..]: when they begin the names
 * of some (a noun: "count", "training course"), lists those, on stdout
 * with --help (exit 0), else on stderr after saying what is missing
 * (exit 2); otherwise the command is unknown.
 */
static int no_command(int argc, char **argv, int i)
{
	int words = help_noun_words(commands, argc - i, argv + i);
	const char *next = i + words < argc ? argv[i + words] : NULL;

	if (words == 0)
		return cli_usage(NULL, "unknown command '%s'", argv[i]);
	if (next && next[0] != '-') {
		fputs("cardtally: unknown command '", stderr);
		for (int w = 0; w <= words; w++)
			fprintf(stderr, "%s%s", w ? " " : "", argv[i + w]);
		fputs("'\n", stderr);
		help_noun(stderr, commands, words, argv + i);
		return EXIT_USAGE;
	}
	if (wants_help(argc, argv, i + words)) {
		help_noun(stdout, commands, words, argv + i);
		return EXIT_OK;
	}
	fputs("cardtally: '", stderr);
	for (int w = 0; w < words; w++)
		fprintf(stderr, "%s%s", w ? " " : "", argv[i + w]);
	fputs("' needs one of its commands\n", stderr);
	help_noun(stderr, commands, words, argv + i);
	return EXIT_USAGE;
}

/*
 * `cardtally help` (the overview), `cardtally help --commands` (the table
 * for tests/cli/man.t) and `cardtally help COMMAND...` (as COMMAND --help).
 */
static int help_cmd(int argc, char **argv)
{
	int used = 0;

	if (argc == 2) {
		help_overview(stdout, commands);
		return EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[2], "--commands") == 0) {
		help_table(stdout, commands);
		return EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[2], "--steps") == 0) {
		help_steps(stdout, commands);
		return EXIT_OK;
	}
	current = find_command(argc, argv, 2, &used);
	if (!current) {
		/* As `cardtally NOUN --help`: the list on stdout. */
		int words = help_noun_words(commands, argc - 2, argv + 2);

		if (words == 0 || 2 + words != argc)
			return cli_usage(NULL, "no command '%s'", argv[2]);
		help_noun(stdout, commands, words, argv + 2);
		return EXIT_OK;
	}
	if (2 + used != argc) {
		current = NULL;
		return cli_usage(NULL, "'help' takes a command's name");
	}
	help_command(stdout, commands, current);
	return EXIT_OK;
}

static int run(struct cli *c, int argc, char **argv)
{
	struct ledger *l = NULL;
	struct config conf;
	int used = 0, rc;
	char err[512];

	current = find_command(argc, argv, 1, &used);
	if (!current)
		return no_command(argc, argv, 1);
	c->cmd = current->name;
	c->entry = current;
	rc = cli_args_alloc(c, argc);
	if (rc == 0)
		rc = parse_args(c, argc, argv, 1 + used);
	if (rc)
		return rc;
	if (c->help) {
		help_command(stdout, commands, current);
		return EXIT_OK;
	}
	/* Every time and day in the office's zone (cardtally.conf(5)
	 * timezone), not the host's. */
	rc = config_load(&conf);
	if (rc == 0)
		rc = config_apply_timezone(&conf);
	if (rc)
		return rc;
	if (!c->db)
		c->db = getenv("CARDTALLY_DB");
	if (!c->db || !*c->db)
		c->db = CT_DEFAULT_DB;
	if (current->needs_db) {
		char said[sizeof(err)];
		const char *msg;

		rc = ledger_open(c->db, &l, err, sizeof(err));
		/* ledger_open.c's words in the clerk's language (issue 18). */
		msg = rc < 0 ? cli_ledger_msg(c->db, err, said, sizeof(said))
			     : err;
		if (rc == LEDGER_ERR_NOTFOUND)
			return cli_error(EXIT_NOINPUT,
					 "%s; create one with 'cardtally init "
					 "--db %s --manager CODE --name NAME'",
					 msg, c->db);
		if (rc == LEDGER_ERR_NOTLEDGER)
			return cli_error(EXIT_DATAERR, "%s", msg);
		if (rc == LEDGER_ERR_IO)
			return cli_error(EXIT_IOERR, "%s", msg);
		if (rc < 0)
			return cli_error(EXIT_SOFTWARE, "%s", msg);

		/* A command that runs no workflow step changes nothing. */
		if (!current->step && !current->session &&
		    ledger_read_only(l) < 0) {
			rc = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
			ledger_close(l);
			return rc;
		}
	}
	/* A reader's messages follow the clerk's language, except in --json
	 * output, which programs parse: the same under every locale. */
	rdr_messages_translated(!c->json);
	rc = current->exec(c, l);
	ledger_close(l);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = {.prog = argv[0], .pin_fd = -1, .witness_pin_fd = -1};
	int rc;

	/* The ledger holds PIN hashes and card serials: nothing this program
	 * creates (ledger, its -wal and -shm, demo files) is world-readable. */
	umask(027);
	/* SQLite's memory for a transaction is freed at its commit; with
	 * glibc's default threshold the top of the heap then went back to
	 * the kernel and was asked for again by the next read, which took
	 * a sixth of a sweep's CPU (bench/RESULTS.md, measurement 2).  Up to
	 * 8 MiB stays in the process instead: peak memory is unchanged. */
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	cli_i18n_init();
	if (argc < 2) {
		help_overview(stderr, commands);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help_overview(stdout, commands);
		return cli_output_done(EXIT_OK);
	}
	if (strcmp(argv[1], "help") == 0)
		return cli_output_done(help_cmd(argc, argv));
	if (strcmp(argv[1], "--version") == 0) {
		printf("cardtally %s\n", CT_VERSION);
		return cli_output_done(EXIT_OK);
	}
	rc = run(&c, argc, argv);
	cli_args_free(&c);
	return cli_output_done(rc);
}
