/*
 * The drawing of pdf.h's documents as a part of its own, cardtally-pdf.so
 * (common/module.h): pdf.c and the cairo and pango it stands on are loaded
 * only by a command that makes a PDF.  The rest of the program calls the
 * functions of pdf.h as before; pdf_load.c passes each call on to this
 * table.  pdf.c's functions are hidden inside the part; only the table is
 * exported.
 */
#ifndef CT_PDF_MODULE_H
#define CT_PDF_MODULE_H

#include "../../common/module.h"
#include "pdf.h"

#define PDF_MODULE_FILE "cardtally-pdf.so"
#define PDF_MODULE_SYMBOL "ct_pdf_module"

struct pdf_module {
	struct ct_module_stamp stamp;
	struct pdf_doc *(*new_doc)(const struct pdf_head *h);
	void (*free_doc)(struct pdf_doc *d);
	size_t (*pages)(const struct pdf_doc *d);
	int (*heading)(struct pdf_doc *d, const char *text);
	int (*text)(struct pdf_doc *d, const char *text);
	int (*mono)(struct pdf_doc *d, const char *text);
	int (*space)(struct pdf_doc *d, double pt);
	int (*table_begin)(struct pdf_doc *d, const struct pdf_col *cols,
			   size_t ncols);
	int (*table_row)(struct pdf_doc *d, const char *const *cells);
	int (*table_total)(struct pdf_doc *d, const char *const *cells);
	int (*table_end)(struct pdf_doc *d);
	int (*chart)(struct pdf_doc *d, const char *title,
		     const char *const *labels, const double *values, size_t n,
		     const char *unit);
	int (*stamps)(struct pdf_doc *d, const char *const *labels, size_t n);
	int (*write)(struct pdf_doc *d, FILE *f);
};

extern const struct pdf_module ct_pdf_module;

#endif
