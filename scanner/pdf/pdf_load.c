/*
 * The functions of pdf.h that draw, passed on to the part that does
 * (pdf_module.h), loaded at the first call.
 */
#include "pdf.h"
#include "pdf_module.h"

/* The part's table, NULL when it cannot be loaded (why: pdf_available). */
static const struct pdf_module *part(void)
{
	char err[8];

	return ct_module(PDF_MODULE_FILE, PDF_MODULE_SYMBOL, err, sizeof(err));
}

int pdf_available(char *err, size_t errlen)
{
	return ct_module(PDF_MODULE_FILE, PDF_MODULE_SYMBOL, err, errlen) !=
	       NULL;
}

struct pdf_doc *pdf_new(const struct pdf_head *h)
{
	const struct pdf_module *m = part();

	return m ? m->new_doc(h) : NULL;
}

void pdf_free(struct pdf_doc *d)
{
	const struct pdf_module *m = d ? part() : NULL;

	if (m)
		m->free_doc(d);
}

size_t pdf_pages(const struct pdf_doc *d)
{
	const struct pdf_module *m = part();

	return m ? m->pages(d) : 0;
}

int pdf_heading(struct pdf_doc *d, const char *text)
{
	const struct pdf_module *m = part();

	return m ? m->heading(d, text) : -1;
}

int pdf_text(struct pdf_doc *d, const char *text)
{
	const struct pdf_module *m = part();

	return m ? m->text(d, text) : -1;
}

int pdf_mono(struct pdf_doc *d, const char *text)
{
	const struct pdf_module *m = part();

	return m ? m->mono(d, text) : -1;
}

int pdf_space(struct pdf_doc *d, double pt)
{
	const struct pdf_module *m = part();

	return m ? m->space(d, pt) : -1;
}

int pdf_table_begin(struct pdf_doc *d, const struct pdf_col *cols,
		    size_t ncols)
{
	const struct pdf_module *m = part();

	return m ? m->table_begin(d, cols, ncols) : -1;
}

int pdf_table_row(struct pdf_doc *d, const char *const *cells)
{
	const struct pdf_module *m = part();

	return m ? m->table_row(d, cells) : -1;
}

int pdf_table_total(struct pdf_doc *d, const char *const *cells)
{
	const struct pdf_module *m = part();

	return m ? m->table_total(d, cells) : -1;
}

int pdf_table_end(struct pdf_doc *d)
{
	const struct pdf_module *m = part();

	return m ? m->table_end(d) : -1;
}

int pdf_chart(struct pdf_doc *d, const char *title, const char *const *labels,
	      const double *values, size_t n, const char *unit)
{
	const struct pdf_module *m = part();

	return m ? m->chart(d, title, labels, values, n, unit) : -1;
}

int pdf_stamps(struct pdf_doc *d, const char *const *labels, size_t n)
{
	const struct pdf_module *m = part();

	return m ? m->stamps(d, labels, n) : -1;
}

int pdf_write(struct pdf_doc *d, FILE *f)
{
	const struct pdf_module *m = part();

	return m ? m->write(d, f) : -1;
}
