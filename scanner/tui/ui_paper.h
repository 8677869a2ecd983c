/*
 * The report screen's paper (issue 15; scanner/tui/ui_paper.c): saving a
 * report's PDF into the reports' directory, whole or not at all, and
 * handing the saved file to `lp`.  No curses here: lp runs with its
 * input and output on /dev/null, its error output read back through a
 * pipe, so that nothing it says lands on the screen.
 *
 * Order of calls: ui_paper_dir (what the screen shows), then
 * ui_paper_save with a document from scanner/pdf/, then, to print,
 * ui_paper_print with the path ui_paper_save gave.
 */
#ifndef CT_UI_PAPER_H
#define CT_UI_PAPER_H

#include <stddef.h>
#include <stdint.h>

#include "../pdf/pdf.h"
#include "../workflow/config.h"

#define UI_PAPER_PATH 512

/*
 * Where the reports go: the configuration's report_dir, else the working
 * directory, as an absolute path into out (cap bytes).  0, or -1 with
 * errno when the working directory cannot be named.
 */
int ui_paper_dir(const struct config *conf, char *out, size_t cap);

/*
 * The file name of a report: what (ASCII: "daily-report"), then arg when
 * not empty (the month, "count-3"), then the local date and time of now,
 * ".pdf": "record-book_2026-03_2026-03-02-1000.pdf".  Bytes of arg other
 * than [A-Za-z0-9-] become '-'.
 */
void ui_paper_name(const char *what, const char *arg, int64_t now, char *out,
		   size_t cap);

/*
 * Draws d (NULL: it could not be made) into memory, then writes it to
 * dir/name through a temporary file in dir that is synced and renamed
 * into place: the file is there whole or not at all.  A file of that name
 * holding other bytes (the report changed within the minute its name
 * gives) is never replaced: the new one is name-2.pdf, -3, ...; one
 * holding the same bytes is the same report, and stays as it is.  Frees
 * d.  0 and the full path in path (UI_PAPER_PATH bytes); -1 with errno
 * (ENOMEM: d could not be made or drawn; else what writing failed with),
 * nothing left behind.
 */
int ui_paper_save(struct pdf_doc *d, const char *dir, const char *name,
		  char path[UI_PAPER_PATH]);

/* What ui_paper_print came to. */
enum ui_paper_printed {
	UI_PAPER_PRINTED = 0, /* lp took it (exit 0) */
	UI_PAPER_NO_LP,	      /* no lp in PATH: printing is not installed */
	UI_PAPER_LP_FAILED,   /* lp ran and failed: *status, err */
	UI_PAPER_SPAWN_FAILED /* lp could not be started: errno */
};

/*
 * `lp -d PRINTER FILE` (printer "" : `lp FILE`, lp's default) with the
 * lp found in PATH, run without a shell, waited for.  On
 * UI_PAPER_LP_FAILED, *status is lp's exit status (or 128 + the signal
 * that ended it) and err (cap bytes) the first line of its error output
 * ("" when it said nothing).
 */
enum ui_paper_printed ui_paper_print(const char *printer, const char *file,
				     int *status, char *err, size_t cap);

#endif
