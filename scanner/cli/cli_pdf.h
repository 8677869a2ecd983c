/*
 * `--format pdf` of the report commands (issue 15; scanner/cli/cli_pdf.c):
 * choosing the format, the language and the ward's name, and writing the
 * document to --output FILE or to stdout when that is not a terminal.
 * The documents themselves are scanner/pdf/'s.
 */
#ifndef CT_CLI_PDF_H
#define CT_CLI_PDF_H

#include "../pdf/pdf.h"
#include "../workflow/config.h"
#include "cli.h"

/*
 * The command's --format, for commands whose text form has no other
 * (text or pdf): *pdf set for pdf.  --output without pdf, pdf with
 * --json, and another format are usage errors.  0 or an exit code.
 */
int cli_pdf_format(struct cli *c, int *pdf);
/* Checks where a PDF would go before any work: --output, or a stdout
 * that is not a terminal.  0 or an exit code. */
int cli_pdf_target(struct cli *c);
/* Sets the catalog's language from the locale (as the TUI does) and
 * fills *m with the configuration's ward name and the time now. */
void cli_pdf_meta(const struct config *conf, struct pdf_meta *m);
/*
 * Writes d (NULL: it could not be made, out of memory) to --output or
 * stdout and frees it.  The file is written whole or not at all (made in
 * memory first, then written; a failed write leaves no file).  0 or an
 * exit code naming `what`.
 */
int cli_pdf_emit(struct cli *c, struct pdf_doc *d, const char *what);

#endif
