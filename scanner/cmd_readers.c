/*
 * `cardtally readers`: the reader backends compiled into this build and the
 * spec each takes.  (Listing attached devices comes with the hardware
 * backends.)
 */
#include "../drivers/profile.h"
#include "../drivers/reader.h"
#include "cli.h"

static int exec_readers(struct cli *c, struct ledger *l)
{
	const struct rdr_ops *const *b = rdr_backends();
	const struct rdr_profile *const *p = rdr_profiles();

	(void)l;
	if (c->json) {
		fputs("{\"backends\":[", stdout);
		for (int i = 0; b[i]; i++) {
			fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
			json_str(stdout, b[i]->name);
			fputs(",\"help\":", stdout);
			json_str(stdout, b[i]->help);
			fputc('}', stdout);
		}
		fputs("],\"profiles\":[", stdout);
		for (int i = 0; p[i]; i++) {
			fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
			json_str(stdout, p[i]->name);
			fputs(",\"help\":", stdout);
			json_str(stdout, p[i]->help);
			fputc('}', stdout);
		}
		fputs("]}\n", stdout);
		return EXIT_OK;
	}
	puts("reader backends in this build:");
	for (int i = 0; b[i]; i++)
		printf("  %-6s %s\n", b[i]->name, b[i]->help);
	puts("card identity profiles (scan --profile, or 'profile =' in the "
	     "configuration):");
	for (int i = 0; p[i]; i++)
		printf("  %-14s %s\n", p[i]->name, p[i]->help);
	return EXIT_OK;
}

const struct cmd_entry cmd_readers_entry = {
    .name = "readers",
    .usage = "[--json]",
    .help = "list the reader backends of this build",
    .options = NULL,
    .needs_db = 0,
    .exec = exec_readers,
};
