/*
 * `--format pdf` for the report commands (see cli_pdf.h).
 */
#include "cli_pdf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lang/lang.h"

int cli_pdf_format(struct cli *c, int *pdf)
{
	const char *f = cli_opt(c, "format");

	*pdf = 0;
	if (!f || strcmp(f, "text") == 0) {
		if (cli_opt(c, "output"))
			return cli_usage(c, "--output is for --format pdf");
		return 0;
	}
	if (strcmp(f, "pdf") != 0)
		return cli_usage(c, "--format is text or pdf, not '%s'", f);
	if (c->json)
		return cli_usage(c, "--format pdf and --json exclude each "
				    "other");
	*pdf = 1;
	return cli_pdf_target(c);
}

int cli_pdf_target(struct cli *c)
{
	const char *out = cli_opt(c, "output");
	char why[600];

	if (out && !out[0])
		return cli_usage(c, "--output needs a file name");
	if (!out && isatty(STDOUT_FILENO))
		return cli_usage(c, "a PDF is not for the terminal: give "
				    "--output FILE or redirect stdout");
	/* Before the report is made: the drawing is a part of the
	 * program that an installation may lack. */
	if (!pdf_available(why, sizeof(why)))
		return cli_error(EXIT_UNAVAILABLE,
				 "a part of cardtally is missing: %s", why);
	return 0;
}

void cli_pdf_meta(const struct config *conf, struct pdf_meta *m)
{
	/* The language as the TUI takes it from the locale; the numbers
	 * stay as the program writes them. */
	lang_init(NULL);
	m->ward = conf->ward_name;
	m->now = cli_now();
}

int cli_pdf_emit(struct cli *c, struct pdf_doc *d, const char *what)
{
	const char *path = cli_opt(c, "output");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem, *f;
	int rc = 0;

	if (!d)
		return cli_error(EXIT_SOFTWARE, "cannot make %s: out of memory",
				 what);
	mem = open_memstream(&buf, &len);
	if (!mem) {
		pdf_free(d);
		return cli_error(EXIT_SOFTWARE, "out of memory");
	}
	rc = pdf_write(d, mem);
	pdf_free(d);
	fclose(mem);
	if (rc) {
		free(buf);
		return cli_error(EXIT_SOFTWARE, "cannot draw %s as PDF", what);
	}
	errno = 0;
	f = path ? fopen(path, "wb") : stdout;
	if (!f) {
		rc = cli_error(EXIT_IOERR, "cannot write %s to %s: %s", what,
			       path, strerror(errno));
		free(buf);
		return rc;
	}
	if (fwrite(buf, 1, len, f) != len || fflush(f) != 0 || ferror(f))
		rc = cli_error(EXIT_IOERR, "cannot write %s%s%s: %s", what,
			       path ? " to " : "", path ? path : "",
			       strerror(errno ? errno : EIO));
	if (path && fclose(f) != 0 && rc == 0)
		rc = cli_error(EXIT_IOERR, "cannot write %s to %s: %s", what,
			       path, strerror(errno));
	if (rc && path)
		unlink(path);
	free(buf);
	return rc;
}
