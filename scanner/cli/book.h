/*
 * What the record-book commands share (scanner/cli/book.c): the
 * discrepancies of a count with their resolutions as JSON, and output in
 * the encodings an office's Excel opens.  The discrepancies themselves and
 * every step on them are the count workflow's (scanner/workflow/wf_count.c).
 * Used by `count discrepancies`, `reconcile`, `report record-book` and
 * `report incident`.
 */
#ifndef CT_BOOK_H
#define CT_BOOK_H

#include <stdio.h>

#include "../../data/ledger.h"
#include "../../reconcile/recon.h"
#include "cli.h"

/* The discrepancies of count id (wf_count_discrepancies, under the
 * configuration's rules, now): 0 and *out (disc_list_free), or an exit
 * code after saying why. */
int book_discrepancies(struct ledger *l, int64_t id, struct disc_list *out);

/* A discrepancy as a JSON object of w: kind, mgmt_id, serial, location,
 * found_location, resolution.  The resolution alone as a value of w:
 * {reason, note, by, at}, or null for NULL (none yet); the one printer of
 * a resolution, for `count discrepancies`, `reconcile` and `report
 * record-book`. */
int book_item_jw(struct json_w *w, const struct disc_item *it);
int book_resolution_jw(struct json_w *w, const struct resolution_rec *x);

/* ---- output encodings (R8: "CSV opens correctly in Excel") ---- */

enum book_encoding { ENC_UTF8 = 0, ENC_CP932 };

/*
 * Writes the len bytes of UTF-8 text `s` to f in encoding enc, with a
 * UTF-8 byte order mark first when bom is set.  Text that CP932 cannot
 * hold is refused before anything is written: exit 65 naming the first
 * such character (U+XXXX), its line and what it is in (`what`).  A write
 * that fails (full disk) is exit 74 naming `what`.  0 or an exit code.
 */
int book_write(FILE *f, const char *s, size_t len, enum book_encoding enc,
	       int bom, const char *what);

/* One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or
 * LF, quotes doubled; sep is written before it unless first.  A field
 * that starts with = + - @, TAB or CR gets a single quote in front, so
 * that Excel shows it as text instead of running it as a formula. */
void csv_field(FILE *f, int first, const char *s);
/* s on one line, fit for a terminal: line breaks (which notes may hold)
 * become blanks, other control characters are shown escaped (cli_put_text). */
void book_oneline(FILE *f, const char *s);
/* A staff code's name, "" when unknown. */
void book_staff_name(struct ledger *l, const char *code,
		     char out[NAME_MAX_BYTES + 1]);

#endif
