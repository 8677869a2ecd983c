/*
 * Paper the office can stamp (issue 15): A4 PDF documents drawn with cairo
 * and laid out with pango (Japanese through the Noto CJK fonts), for both
 * front ends.  A document is built top to bottom -- text, tables, charts,
 * stamp boxes -- and pages are added as they fill; pdf_write draws every
 * page with its number ("n / N", N known only at the end) and writes the
 * file.  Nothing here prints to a terminal or reads the ledger:
 * pdf_report.c turns the workflows' report structs into documents, in the
 * language of the message catalog in force (the caller sets it up).
 *
 * Order of calls: pdf_new, then any of the pdf_ adders (a table is
 * pdf_table_begin, rows, pdf_table_end), then pdf_write, then pdf_free.
 * Strings passed in are copied or drawn at once; the caller keeps them.
 * Every adder returns 0, or -1 when drawing failed (out of memory, a
 * cairo error); after a failure the document stays failed and pdf_write
 * writes nothing and returns -1.
 */
#ifndef CT_PDF_H
#define CT_PDF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pdf_doc;

/* The head of every page: title, the ward's name ("" when unknown), the
 * period the document covers and when it was printed (free text). */
struct pdf_head {
	const char *title;
	const char *ward;
	const char *period;
	const char *printed;
	/* The document's creation date, ISO 8601 (time_format_iso): the
	 * time of the report, so that the same report made again is the
	 * same file; NULL or "": when it is written. */
	const char *created;
};

/* Whether documents can be drawn here: the drawing is a part of the
 * program loaded when first needed (pdf_module.h); 0 when it cannot be,
 * with why in err.  A front end asks before it makes a document. */
int pdf_available(char *err, size_t errlen);

/* A new document; NULL when out of memory or not available. */
struct pdf_doc *pdf_new(const struct pdf_head *h);
void pdf_free(struct pdf_doc *d);

/* A section heading (kept with at least a few lines after it). */
int pdf_heading(struct pdf_doc *d, const char *text);
/* A paragraph, wrapped at the margins. */
int pdf_text(struct pdf_doc *d, const char *text);
/* A paragraph in a fixed-width face (hashes, codes to compare). */
int pdf_mono(struct pdf_doc *d, const char *text);
/* Vertical space in points. */
int pdf_space(struct pdf_doc *d, double pt);

/* A column of a table: its heading, its share of the width (weights are
 * relative) and whether numbers are aligned right. */
struct pdf_col {
	const char *head;
	double weight;
	int right;
};

/*
 * A table: the columns (at most PDF_COLS_MAX; the array is copied), then
 * one call per row with ncols cells ("" for an empty one).  A row that
 * does not fit goes on the next page, under the heading row again.  Long
 * cells wrap inside their column; nothing is drawn past the margins.
 * pdf_table_total draws a row in bold under a double rule.
 */
#define PDF_COLS_MAX 16
int pdf_table_begin(struct pdf_doc *d, const struct pdf_col *cols,
		    size_t ncols);
int pdf_table_row(struct pdf_doc *d, const char *const *cells);
int pdf_table_total(struct pdf_doc *d, const char *const *cells);
int pdf_table_end(struct pdf_doc *d);

/*
 * A line chart of n values (n <= 24) under title, one point per label;
 * y runs from 0 to a round maximum, with labelled ticks; unit is written
 * after the tick values ("%", or "" for counts).  Values below 0 are
 * drawn as gaps (no data).
 */
int pdf_chart(struct pdf_doc *d, const char *title, const char *const *labels,
	      const double *values, size_t n, const char *unit);

/* The stamp boxes where the office signs, right-aligned: n labels
 * (n <= 6), each over an empty square. */
int pdf_stamps(struct pdf_doc *d, const char *const *labels, size_t n);

/* Pages so far (for tests and messages). */
size_t pdf_pages(const struct pdf_doc *d);

/* Draws the pages with their numbers into a PDF written to f.  0, or -1
 * when the document failed or writing did (f's error indicator, errno). */
int pdf_write(struct pdf_doc *d, FILE *f);

/* ---- the reports (pdf_report.c) ---- */

struct wf_book;
struct wf_book_trend;
struct wf_daily;
struct wf_incident;
struct wf_disposal_list;

/* What every report's head takes besides the report: the ward's name
 * (configuration key ward_name, "" when unset) and the time printed. */
struct pdf_meta {
	const char *ward;
	int64_t now;
};

/*
 * Each report as a document, labels through the message catalog
 * ("cardtally", in force when called).  NULL when out of memory; pdf_write
 * it, then pdf_free.  trend may be NULL (no chart).  The disposal ledger
 * shows the batches of list whose id is `batch` (0: all of them) and that
 * were begun or closed in month ("" or NULL: any).
 */
struct pdf_doc *pdf_book(const struct wf_book *b,
			 const struct wf_book_trend *trend,
			 const struct pdf_meta *m);
struct pdf_doc *pdf_daily(const struct wf_daily *w, const struct pdf_meta *m);
struct pdf_doc *pdf_incident(const struct wf_incident *in,
			     const struct pdf_meta *m);
struct pdf_doc *pdf_disposal(const struct wf_disposal_list *list, int64_t batch,
			     const char *month, const struct pdf_meta *m);
struct wf_opening;
/* Every opening of the safe, with its flags. */
struct pdf_doc *pdf_key_log(const struct wf_opening *v, size_t n,
			    const struct pdf_meta *m);
/* One tally as `tally list` shows it (strings live during the call). */
struct pdf_tally_row {
	int64_t id, started_at, closed_at;
	int64_t expected, missing;
	const char *witness, *note;
};
struct pdf_doc *pdf_tally(const struct pdf_tally_row *v, size_t n,
			  const struct pdf_meta *m);
/* The stamp boxes 担当・確認・責任職 (in English: prepared, checked,
 * approved) at the end of d. */
int pdf_office_stamps(struct pdf_doc *d);

/*
 * The check code of an audit anchor: the first 8 hex digits of the hash
 * grouped 4-4 ("3f2a-91c0"), lowercased, for a person to compare on paper
 * and on screen (`report daily`, `audit verify`).  Empty when hex is
 * shorter.
 */
#define PDF_CHECK_CODE_BUF 10
void pdf_check_code(const char *hex, char out[PDF_CHECK_CODE_BUF]);

/* The city-wide report of the hub (pdf_hub.c): a row per ward and the
 * city's totals. */
struct wf_hub_book;
struct pdf_doc *pdf_hub(const struct wf_hub_book *b, const struct pdf_meta *m);

#endif
