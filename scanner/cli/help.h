/*
 * The program's help, printed from the command table: main.c owns the
 * table, this module the words around it.  It prints the command list of
 * `cardtally --help` grouped by noun, the commands of one noun
 * (`cardtally count`), one command's usage, description and options
 * (`cardtally count start --help`), and the table as data for the man
 * page's test (`cardtally help --commands`).
 *
 * Every function takes the table as a NULL-terminated array of entries
 * that outlives the call, and writes to f; none allocates.
 */
#ifndef CT_HELP_H
#define CT_HELP_H

#include <stdio.h>

#include "cli.h"

/* The installed ledger, used when neither --db nor $CARDTALLY_DB names
 * one (cardtally(1), FILES). */
#define CT_DEFAULT_DB "/var/lib/cardtally/ledger.db"

/* "usage: cardtally NAME USAGE", wrapped within 80 columns. */
void help_usage(FILE *f, const struct cmd_entry *e);

/* `cardtally --help`: every command once, grouped by noun under a few
 * headings, then the options every command takes. */
void help_overview(FILE *f, const struct cmd_entry *const *cmds);

/*
 * The number of leading words of argv[0..argc) that begin the names of
 * commands without being one ("count" of "count start", "training course"
 * of "training course add"); 0 when they begin none.  Words that look like
 * options end the search.
 */
int help_noun_words(const struct cmd_entry *const *cmds, int argc, char **argv);

/* The commands whose names begin with the `words` words at argv, one line
 * each, with a usage line naming the noun. */
void help_noun(FILE *f, const struct cmd_entry *const *cmds, int words,
	       char **argv);

/* `cardtally NAME --help`: usage, description, each option with what it
 * does (the command's own, then the common ones its usage names), and the
 * commands whose names begin with this one's. */
void help_command(FILE *f, const struct cmd_entry *const *cmds,
		  const struct cmd_entry *e);

/*
 * `cardtally help --commands`: one line a command, its name, a tab, and
 * the options it takes separated by spaces: its own (cmd_entry.options)
 * and the common ones its usage names (--as, --pin-fd, --witness,
 * --witness-pin-fd, --json); --db and --help, which every command takes,
 * are left out.  Not in --help: it is for tests/cli/man.t.
 */
void help_table(FILE *f, const struct cmd_entry *const *cmds);
/*
 * `cardtally help --steps`: one line a command, tab-separated: its name
 * and what it may change: "step", the workflow step's name, its checks
 * ("permit," "training," "witness," each with a comma) and its action;
 * or "reads" (the ledger is opened read-only), "session" (the TUI: each
 * screen has its own step), "no-ledger".  For tests/cli/help.t.
 */
void help_steps(FILE *f, const struct cmd_entry *const *cmds);

/* What option `opt` (without dashes) of command `cmd` does, or NULL when
 * nobody wrote it down. */
const char *help_option_text(const char *cmd, const char *opt);

#endif
