/*
 * The PDF documents (see pdf.h).  Each page is drawn into a cairo
 * recording surface as the document grows; pdf_write replays them into a
 * PDF surface and adds "n / N" at the foot of each, since N is only known
 * once everything is laid out.  Text goes through pango, which picks the
 * Noto CJK faces for Japanese and wraps a line at word or, for a long run
 * without spaces (a serial, Japanese), character boundaries: a cell is
 * never cut at its column's edge.
 */
#include "pdf.h"
#include "pdf_module.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

/* A4 in points, and the margins (about 15 mm at the sides). */
#define PAGE_W	   595.276
#define PAGE_H	   841.890
#define MARGIN_X   42.0
#define MARGIN_TOP 40.0
#define MARGIN_BOT 56.0
#define CONTENT_W  (PAGE_W - 2 * MARGIN_X)
#define BOTTOM	   (PAGE_H - MARGIN_BOT)
#define CELL_PAD   3.0

#define FONT_SANS "Noto Sans CJK JP"
#define FONT_MONO "Noto Sans Mono CJK JP"

struct pdf_doc {
	cairo_surface_t **pages;
	size_t npages, cap;
	cairo_t *cr; /* the current page */
	double y;    /* where the next thing goes */
	char *title, *ward, *period, *printed, *created;
	/* The table being built. */
	struct pdf_col cols[PDF_COLS_MAX];
	size_t ncols;
	double colx[PDF_COLS_MAX], colw[PDF_COLS_MAX];
	int in_table;
	int failed;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* A layout of text in font (e.g. FONT_SANS " 9") wrapped at width pt
 * (<= 0: not wrapped); NULL when out of memory. */
static PangoLayout *layout_new(cairo_t *cr, const char *font, double size,
			       int bold, const char *text, double width)
{
	PangoLayout *ly = pango_cairo_create_layout(cr);
	PangoFontDescription *fd;

	if (!ly)
		return NULL;
	fd = pango_font_description_from_string(font);
	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(ly, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(ly, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(ly, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text(ly, text, -1);
	return ly;
}

static double layout_h(PangoLayout *ly)
{
	int w, h;

	pango_layout_get_size(ly, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double layout_w(PangoLayout *ly)
{
	int w, h;

	pango_layout_get_size(ly, &w, &h);
	return (double)w / PANGO_SCALE;
}

static void draw_layout(cairo_t *cr, PangoLayout *ly, double x, double y)
{
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, ly);
}

/* Text at (x, y), not wrapped; returns its height. */
static double draw_text(cairo_t *cr, const char *font, double size, int bold,
			const char *text, double x, double y, double width)
{
	PangoLayout *ly = layout_new(cr, font, size, bold, text, width);
	double h;

	if (!ly)
		return 0;
	draw_layout(cr, ly, x, y);
	h = layout_h(ly);
	g_object_unref(ly);
	return h;
}

static int fail(struct pdf_doc *d)
{
	d->failed = 1;
	return -1;
}

/* The head of a page: the title, ward and period large on the first, in
 * one small line on the others. */
static void page_head(struct pdf_doc *d)
{
	cairo_t *cr = d->cr;
	double y = MARGIN_TOP;
	char line[1024];

	cairo_set_source_rgb(cr, 0, 0, 0);
	if (d->npages == 1) {
		y += draw_text(cr, FONT_SANS, 16, 1, d->title, MARGIN_X, y,
			       CONTENT_W);
		y += 2;
		if (d->ward[0])
			y += draw_text(cr, FONT_SANS, 11, 0, d->ward, MARGIN_X,
				       y, CONTENT_W);
		snprintf(line, sizeof(line), "%s%s%s", d->period,
			 d->period[0] && d->printed[0] ? "    " : "",
			 d->printed);
		y += draw_text(cr, FONT_SANS, 9, 0, line, MARGIN_X, y,
			       CONTENT_W);
		y += 4;
	} else {
		snprintf(line, sizeof(line), "%s%s%s%s%s", d->title,
			 d->ward[0] ? "  " : "", d->ward,
			 d->period[0] ? "  " : "", d->period);
		y += draw_text(cr, FONT_SANS, 8, 0, line, MARGIN_X, y,
			       CONTENT_W);
		y += 2;
	}
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, MARGIN_X, y);
	cairo_line_to(cr, PAGE_W - MARGIN_X, y);
	cairo_stroke(cr);
	d->y = y + 8;
}

static int new_page(struct pdf_doc *d)
{
	cairo_rectangle_t ext = {0, 0, PAGE_W, PAGE_H};
	cairo_surface_t *s;

	if (d->failed)
		return -1;
	if (d->npages == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 8;
		cairo_surface_t **p = realloc(d->pages, cap * sizeof(*p));

		if (!p)
			return fail(d);
		d->pages = p;
		d->cap = cap;
	}
	s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return fail(d);
	}
	if (d->cr)
		cairo_destroy(d->cr);
	d->cr = cairo_create(s);
	d->pages[d->npages++] = s;
	if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS)
		return fail(d);
	page_head(d);
	return 0;
}

/* Room for h more points on this page, else a new page; 0 or -1. */
static int need(struct pdf_doc *d, double h)
{
	if (d->failed)
		return -1;
	if (d->y + h <= BOTTOM)
		return 0;
	return new_page(d);
}

struct pdf_doc *pdf_new(const struct pdf_head *h)
{
	struct pdf_doc *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->title = dup_or_empty(h->title);
	d->ward = dup_or_empty(h->ward);
	d->period = dup_or_empty(h->period);
	d->printed = dup_or_empty(h->printed);
	d->created = dup_or_empty(h->created);
	if (!d->title || !d->ward || !d->period || !d->printed || !d->created ||
	    new_page(d) < 0) {
		pdf_free(d);
		return NULL;
	}
	return d;
}

void pdf_free(struct pdf_doc *d)
{
	if (!d)
		return;
	if (d->cr)
		cairo_destroy(d->cr);
	for (size_t i = 0; i < d->npages; i++)
		cairo_surface_destroy(d->pages[i]);
	free(d->pages);
	free(d->title);
	free(d->ward);
	free(d->period);
	free(d->printed);
	free(d->created);
	free(d);
}

size_t pdf_pages(const struct pdf_doc *d)
{
	return d->npages;
}

/* A wrapped paragraph in font at size; lines that do not fit on this page
 * go on the next. */
static int paragraph(struct pdf_doc *d, const char *font, double size, int bold,
		     const char *text, double before)
{
	PangoLayout *ly;
	PangoLayoutIter *it;
	double h;

	if (d->failed)
		return -1;
	ly = layout_new(d->cr, font, size, bold, text, CONTENT_W);
	if (!ly)
		return fail(d);
	h = layout_h(ly);
	if (d->y + before + h <= BOTTOM) {
		d->y += before;
		cairo_set_source_rgb(d->cr, 0, 0, 0);
		draw_layout(d->cr, ly, MARGIN_X, d->y);
		d->y += h;
		g_object_unref(ly);
		return 0;
	}
	/* Longer than what is left: line by line. */
	d->y += before;
	it = pango_layout_get_iter(ly);
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle logical;
		int baseline = pango_layout_iter_get_baseline(it);
		double lh, asc;

		pango_layout_iter_get_line_extents(it, NULL, &logical);
		lh = (double)logical.height / PANGO_SCALE;
		asc = (double)(baseline - logical.y) / PANGO_SCALE;
		if (need(d, lh) < 0)
			break;
		cairo_set_source_rgb(d->cr, 0, 0, 0);
		cairo_move_to(d->cr, MARGIN_X, d->y + asc);
		pango_cairo_show_layout_line(d->cr, line);
		d->y += lh;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(ly);
	return d->failed ? -1 : 0;
}

int pdf_heading(struct pdf_doc *d, const char *text)
{
	/* A heading alone at the foot of a page helps nobody. */
	if (need(d, 60) < 0)
		return -1;
	if (paragraph(d, FONT_SANS, 11, 1, text, 6) < 0)
		return -1;
	return pdf_space(d, 3);
}

int pdf_text(struct pdf_doc *d, const char *text)
{
	return paragraph(d, FONT_SANS, 9, 0, text, 1);
}

int pdf_mono(struct pdf_doc *d, const char *text)
{
	return paragraph(d, FONT_MONO, 9, 0, text, 1);
}

int pdf_space(struct pdf_doc *d, double pt)
{
	if (d->failed)
		return -1;
	d->y += pt;
	if (d->y > BOTTOM)
		return new_page(d);
	return 0;
}

/* ---- tables ---- */

/* Draws one row of cells at d->y (after a page break when it does not
 * fit, with the heading row first); 0 or -1. */
static int table_row(struct pdf_doc *d, const char *const *cells, int bold,
		     int shade, int is_head);

static int table_head(struct pdf_doc *d)
{
	const char *heads[PDF_COLS_MAX];

	for (size_t i = 0; i < d->ncols; i++)
		heads[i] = d->cols[i].head ? d->cols[i].head : "";
	return table_row(d, heads, 1, 1, 1);
}

static int table_row(struct pdf_doc *d, const char *const *cells, int bold,
		     int shade, int is_head)
{
	PangoLayout *ly[PDF_COLS_MAX] = {0};
	double h = 0;
	cairo_t *cr;
	int rc = 0;

	if (d->failed)
		return -1;
	for (size_t i = 0; i < d->ncols; i++) {
		ly[i] = layout_new(d->cr, FONT_SANS, 8, bold,
				   cells[i] ? cells[i] : "",
				   d->colw[i] - 2 * CELL_PAD);
		if (!ly[i]) {
			rc = fail(d);
			goto out;
		}
		if (d->cols[i].right && !is_head)
			pango_layout_set_alignment(ly[i], PANGO_ALIGN_RIGHT);
		if (layout_h(ly[i]) > h)
			h = layout_h(ly[i]);
	}
	h += 2 * CELL_PAD;
	if (d->y + h > BOTTOM) {
		/* Layouts belong to the page's context: made again there. */
		for (size_t i = 0; i < d->ncols; i++)
			g_object_unref(ly[i]);
		if (new_page(d) < 0)
			return -1;
		if (!is_head && table_head(d) < 0)
			return -1;
		return table_row(d, cells, bold, shade, is_head);
	}
	cr = d->cr;
	if (shade) {
		cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
		cairo_rectangle(cr, MARGIN_X, d->y, CONTENT_W, h);
		cairo_fill(cr);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.4);
	for (size_t i = 0; i < d->ncols; i++) {
		draw_layout(cr, ly[i], d->colx[i] + CELL_PAD, d->y + CELL_PAD);
		cairo_rectangle(cr, d->colx[i], d->y, d->colw[i], h);
	}
	cairo_stroke(cr);
	d->y += h;
out:
	for (size_t i = 0; i < d->ncols; i++)
		if (ly[i])
			g_object_unref(ly[i]);
	return rc;
}

int pdf_table_begin(struct pdf_doc *d, const struct pdf_col *cols, size_t ncols)
{
	double sum = 0, x = MARGIN_X;

	if (d->failed)
		return -1;
	if (ncols == 0 || ncols > PDF_COLS_MAX)
		return fail(d);
	memcpy(d->cols, cols, ncols * sizeof(*cols));
	d->ncols = ncols;
	for (size_t i = 0; i < ncols; i++)
		sum += cols[i].weight > 0 ? cols[i].weight : 1;
	for (size_t i = 0; i < ncols; i++) {
		double wt = cols[i].weight > 0 ? cols[i].weight : 1;

		d->colx[i] = x;
		d->colw[i] = CONTENT_W * wt / sum;
		x += d->colw[i];
	}
	d->in_table = 1;
	/* The heading row with at least one row under it. */
	if (need(d, 40) < 0)
		return -1;
	return table_head(d);
}

int pdf_table_row(struct pdf_doc *d, const char *const *cells)
{
	if (!d->in_table)
		return fail(d);
	return table_row(d, cells, 0, 0, 0);
}

int pdf_table_total(struct pdf_doc *d, const char *const *cells)
{
	double y;

	if (!d->in_table)
		return fail(d);
	if (table_row(d, cells, 1, 0, 0) < 0)
		return -1;
	/* The double rule over the total, drawn over the row's top edge. */
	y = d->y;
	{
		PangoLayout *ly = layout_new(d->cr, FONT_SANS, 8, 1, "0", 0);
		double h;

		if (!ly)
			return fail(d);
		h = layout_h(ly) + 2 * CELL_PAD;
		g_object_unref(ly);
		cairo_set_line_width(d->cr, 0.6);
		cairo_move_to(d->cr, MARGIN_X, y - h + 1.5);
		cairo_line_to(d->cr, PAGE_W - MARGIN_X, y - h + 1.5);
		cairo_stroke(d->cr);
	}
	return 0;
}

int pdf_table_end(struct pdf_doc *d)
{
	d->in_table = 0;
	return pdf_space(d, 6);
}

/* ---- charts ---- */

/* A round maximum for the y axis at or above v (1, 2, 5 x 10^k). */
static double nice_max(double v)
{
	double p, f;

	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	f = v / p;
	if (f <= 1)
		return p;
	if (f <= 2)
		return 2 * p;
	if (f <= 5)
		return 5 * p;
	return 10 * p;
}

int pdf_chart(struct pdf_doc *d, const char *title, const char *const *labels,
	      const double *values, size_t n, const char *unit)
{
	const double box_h = 150, axis_w = 46, label_h = 14, title_h = 16;
	double x0, x1, y0, y1, max = 0, step;
	cairo_t *cr;
	int started = 0;
	char buf[48];

	if (n == 0 || n > 24)
		return d->failed ? -1 : 0;
	if (need(d, box_h + 8) < 0)
		return -1;
	cr = d->cr;
	cairo_set_source_rgb(cr, 0, 0, 0);
	draw_text(cr, FONT_SANS, 9, 1, title, MARGIN_X, d->y, CONTENT_W);
	x0 = MARGIN_X + axis_w;
	x1 = PAGE_W - MARGIN_X - 8;
	y0 = d->y + box_h - label_h; /* the x axis */
	y1 = d->y + title_h + 4;     /* the top of the plot */
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	max = nice_max(max);
	/* Ticks and their values at 0, half and the maximum. */
	cairo_set_line_width(cr, 0.3);
	for (int k = 0; k <= 2; k++) {
		double v = max * k / 2, y = y0 - (y0 - y1) * k / 2;
		PangoLayout *ly;

		if (v == floor(v))
			snprintf(buf, sizeof(buf), "%.0f%s", v, unit);
		else
			snprintf(buf, sizeof(buf), "%.1f%s", v, unit);
		ly = layout_new(cr, FONT_SANS, 7, 0, buf, 0);
		if (!ly)
			return fail(d);
		cairo_set_source_rgb(cr, 0, 0, 0);
		draw_layout(cr, ly, x0 - 4 - layout_w(ly),
			    y - layout_h(ly) / 2);
		g_object_unref(ly);
		cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
		cairo_move_to(cr, x0, y);
		cairo_line_to(cr, x1, y);
		cairo_stroke(cr);
	}
	/* The axes. */
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, x0, y1);
	cairo_line_to(cr, x0, y0);
	cairo_line_to(cr, x1, y0);
	cairo_stroke(cr);
	step = (x1 - x0) / (double)n;
	for (size_t i = 0; i < n; i++) {
		double x = x0 + step * ((double)i + 0.5);
		PangoLayout *ly = layout_new(cr, FONT_SANS, 7, 0, labels[i], 0);

		if (!ly)
			return fail(d);
		cairo_set_source_rgb(cr, 0, 0, 0);
		draw_layout(cr, ly, x - layout_w(ly) / 2, y0 + 2);
		g_object_unref(ly);
	}
	/* The line, broken where there is no value. */
	cairo_set_source_rgb(cr, 0.1, 0.3, 0.7);
	cairo_set_line_width(cr, 1.4);
	for (size_t i = 0; i < n; i++) {
		double x = x0 + step * ((double)i + 0.5);
		double y = y0 - (y0 - y1) * (values[i] / max);

		if (values[i] < 0) {
			if (started)
				cairo_stroke(cr);
			started = 0;
			continue;
		}
		if (started)
			cairo_line_to(cr, x, y);
		else
			cairo_move_to(cr, x, y);
		started = 1;
	}
	if (started)
		cairo_stroke(cr);
	for (size_t i = 0; i < n; i++) {
		double x = x0 + step * ((double)i + 0.5);
		double y = y0 - (y0 - y1) * (values[i] / max);

		if (values[i] < 0)
			continue;
		cairo_arc(cr, x, y, 2, 0, 2 * M_PI);
		cairo_fill(cr);
	}
	d->y += box_h + 8;
	return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? 0 : fail(d);
}

/* ---- stamp boxes ---- */

int pdf_stamps(struct pdf_doc *d, const char *const *labels, size_t n)
{
	const double w = 62, head = 16, sq = 62;
	double x;
	cairo_t *cr;

	if (n == 0 || n > 6)
		return d->failed ? -1 : 0;
	if (need(d, head + sq + 16) < 0)
		return -1;
	d->y += 10;
	cr = d->cr;
	x = PAGE_W - MARGIN_X - w * (double)n;
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.6);
	for (size_t i = 0; i < n; i++) {
		double bx = x + w * (double)i;
		PangoLayout *ly =
		    layout_new(cr, FONT_SANS, 8, 0, labels[i], w - 4);

		if (!ly)
			return fail(d);
		pango_layout_set_alignment(ly, PANGO_ALIGN_CENTER);
		draw_layout(cr, ly, bx + 2, d->y + 2);
		g_object_unref(ly);
		cairo_rectangle(cr, bx, d->y, w, head);
		cairo_rectangle(cr, bx, d->y + head, w, sq);
	}
	cairo_stroke(cr);
	d->y += head + sq + 6;
	return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? 0 : fail(d);
}

/* ---- writing ---- */

static cairo_status_t write_cb(void *closure, const unsigned char *data,
			       unsigned int len)
{
	FILE *f = closure;

	return fwrite(data, 1, len, f) == len ? CAIRO_STATUS_SUCCESS
					      : CAIRO_STATUS_WRITE_ERROR;
}

int pdf_write(struct pdf_doc *d, FILE *f)
{
	cairo_surface_t *pdf;
	cairo_t *cr;
	int rc = 0;
	char num[48];

	if (d->failed)
		return -1;
	pdf = cairo_pdf_surface_create_for_stream(write_cb, f, PAGE_W, PAGE_H);
	if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(pdf);
		return -1;
	}
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR,
				       "cardtally");
	if (d->created[0])
		cairo_pdf_surface_set_metadata(
		    pdf, CAIRO_PDF_METADATA_CREATE_DATE, d->created);
	cr = cairo_create(pdf);
	for (size_t i = 0; i < d->npages; i++) {
		PangoLayout *ly;

		cairo_set_source_surface(cr, d->pages[i], 0, 0);
		cairo_paint(cr);
		snprintf(num, sizeof(num), "%zu / %zu", i + 1, d->npages);
		ly = layout_new(cr, FONT_SANS, 8, 0, num, 0);
		if (!ly) {
			rc = -1;
			break;
		}
		cairo_set_source_rgb(cr, 0, 0, 0);
		draw_layout(cr, ly, (PAGE_W - layout_w(ly)) / 2,
			    PAGE_H - MARGIN_BOT + 20);
		g_object_unref(ly);
		cairo_show_page(cr);
	}
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_surface_destroy(pdf);
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	return rc;
}

/* Where this file is linked in (the part itself, the paper's test), the
 * drawing is here; the program's pdf_load.c asks whether the part loads. */
int pdf_available(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 1;
}

/* ---- the part's table (pdf_module.h) ---- */

CT_MODULE_EXPORT const struct pdf_module ct_pdf_module = {
    .stamp = {PDF_MODULE_SYMBOL, CT_VERSION},
    .new_doc = pdf_new,
    .free_doc = pdf_free,
    .pages = pdf_pages,
    .heading = pdf_heading,
    .text = pdf_text,
    .mono = pdf_mono,
    .space = pdf_space,
    .table_begin = pdf_table_begin,
    .table_row = pdf_table_row,
    .table_total = pdf_table_total,
    .table_end = pdf_table_end,
    .chart = pdf_chart,
    .stamps = pdf_stamps,
    .write = pdf_write,
};
