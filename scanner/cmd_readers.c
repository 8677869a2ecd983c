/*
 * `cardtally readers`: the reader backends compiled into this build and the
 * spec each takes, with the setup hints of those backends (things the
 * program cannot fix itself, such as a kernel driver holding the reader).
 * (Listing attached devices comes with the hardware backends.)
 */
#include <string.h>

#include "../drivers/profile.h"
#include "../drivers/reader.h"
#include "cli.h"

/* Setup hints, shown for the backends this build has. */
static const struct {
	const char *backend;
	const char *text;
} hints[] = {
    {"nfc", "nfc: libnfc claims a PN533 / ACR122U only when the kernel's "
	    "pn533, pn533_usb and nfc modules are blacklisted "
	    "(README \"libnfc readers\")"},
    {"nfc", "nfc: pcscd and libnfc cannot share one USB reader: stop pcscd "
	    "for a reader used as nfc:, or use it through pcsc: instead"},
};

static int have_backend(const struct rdr_ops *const *b, const char *name)
{
	for (int i = 0; b[i]; i++)
		if (strcmp(b[i]->name, name) == 0)
			return 1;
	return 0;
}

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
		fputs("],\"hints\":[", stdout);
		for (size_t i = 0, n = 0; i < sizeof(hints) / sizeof(hints[0]);
		     i++) {
			if (!have_backend(b, hints[i].backend))
				continue;
			if (n++)
				fputc(',', stdout);
			json_str(stdout, hints[i].text);
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
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (have_backend(b, hints[i].backend))
			printf("  hint: %s\n", hints[i].text);
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
