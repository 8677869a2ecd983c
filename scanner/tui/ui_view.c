/*
 * Building what the TUI shows: lines with attributes (struct ui_view), big
 * seven-segment digits for counters that must be read from a step away,
 * progress bars, and the frame every screen sits in, whose first line
 * always names the person logged in and their role (R21: the operator's
 * name is always on screen).
 */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ui_view_clear(struct ui_view *v, int cols, int rows)
{
	memset(v, 0, sizeof(*v));
	v->cursor_line = -1;
	v->cols = cols;
	v->rows = rows;
}

int ui_view_add(struct ui_view *v, enum ui_attr attr, const char *fmt, ...)
{
	va_list ap;
	struct ui_line *ln;

	if (v->nlines >= UI_VIEW_LINES)
		return -1;
	ln = &v->line[v->nlines];
	ln->attr = attr;
	va_start(ap, fmt);
	vsnprintf(ln->text, sizeof(ln->text), fmt, ap);
	va_end(ap);
	return v->nlines++;
}

int ui_view_add_wrapped(struct ui_view *v, enum ui_attr attr, int indent,
			const char *text)
{
	char part[UI_LINE_BYTES];
	const char *rest = text;
	int first = -1, at, room;

	do {
		/* The painter keeps the last column free. */
		room = v->cols - 1 - indent;
		if (room < 10)
			room = 10;
		rest = cols_wrap(part, sizeof(part), rest, room);
		at = ui_view_add(v, attr, "%*s%s", indent, "", part);
		if (first < 0)
			first = at;
		if (at < 0)
			break;
		if (first == at)
			indent += 2;
		while (*rest == ' ')
			rest++;
	} while (*rest);
	return first;
}

int ui_view_find(const struct ui_view *v, const char *needle)
{
	for (int i = 0; i < v->nlines; i++)
		if (strstr(v->line[i].text, needle))
			return i;
	return -1;
}

/* Seven segments in three rows of three columns per digit. */
static const char *const digit_rows[10][3] = {
    {" _ ", "| |", "|_|"}, {"   ", "  |", "  |"}, {" _ ", " _|", "|_ "},
    {" _ ", " _|", " _|"}, {"   ", "|_|", "  |"}, {" _ ", "|_ ", " _|"},
    {" _ ", "|_ ", "|_|"}, {" _ ", "  |", "  |"}, {" _ ", "|_|", "|_|"},
    {" _ ", "|_|", " _|"},
};

void ui_big_number(long n, char rows[3][64])
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%ld", n < 0 ? 0 : n);

	for (int r = 0; r < 3; r++) {
		size_t at = strlen(rows[r]);

		for (int i = 0; i < len && at + 4 < 64; i++) {
			memcpy(rows[r] + at, digit_rows[digits[i] - '0'][r], 3);
			at += 3;
			rows[r][at++] = ' ';
		}
		rows[r][at] = '\0';
	}
}

void ui_progress_bar(char *out, size_t cap, long done, long total, int width)
{
	int inner = width - 2, fill;
	size_t n = 0;

	if (cap == 0)
		return;
	if (inner < 1 || (size_t)width + 1 > cap) {
		out[0] = '\0';
		return;
	}
	if (done < 0)
		done = 0;
	fill = total > 0 ? (int)((done > total ? total : done) * inner / total)
			 : 0;
	out[n++] = '[';
	for (int i = 0; i < inner; i++)
		out[n++] = i < fill ? '#' : '.';
	out[n++] = ']';
	out[n] = '\0';
}

/* Key help shown at the bottom of every screen. */
static const char *frame_keys(const struct ui *u)
{
	if (!u->logged_in)
		return _("F2 日本語/English   Enter next field   F10 quit");
	return _("F2 日本語/English   q back   F10 log out");
}

void ui_frame(const struct ui *u, struct ui_view *v, int cols, int rows)
{
	struct ui_view body;
	char left[UI_LINE_BYTES], right[UI_LINE_BYTES], cut[UI_LINE_BYTES];
	char msg[3][UI_LINE_BYTES];
	const char *rest = u->msg;
	int keep, wright, nmsg = 0, maxmsg;

	ui_view_clear(v, cols, rows);
	ui_view_clear(&body, cols, rows);
	if (u->screen && u->screen->view)
		u->screen->view(u, &body);
	/* Header: program and screen on the left, the person on the right,
	 * which is never cut: whoever looks at the screen sees who is
	 * logged in. */
	snprintf(left, sizeof(left), "cardtally | %s",
		 u->screen ? _(u->screen->title) : "");
	if (u->logged_in)
		snprintf(right, sizeof(right), "%s %s (%s) ", u->who.code,
			 u->who.name, ui_role_name(u->who.role));
	else
		snprintf(right, sizeof(right), "%s ", _("not logged in"));
	wright = cols_width(right);
	if (wright > cols - 10) {
		cols_fit(cut, sizeof(cut), right, cols - 10, 0);
		snprintf(right, sizeof(right), "%s", cut);
		wright = cols_width(right);
	}
	/* When both do not fit (60 columns), the program's name goes, so
	 * that the screen's name is read whole; a title wider than that is
	 * cut, with '~' (issue 18).  The person is never cut for it. */
	if (cols_width(left) > cols - wright - 2 && u->screen)
		snprintf(left, sizeof(left), "%s", _(u->screen->title));
	/* The painter leaves the last column alone. */
	cols_fit(cut, sizeof(cut), left, cols - wright - 2, 1);
	ui_view_add(v, UI_A_HEADER, "%s %s", cut, right);
	if (body.banner) {
		v->banner = 1;
		for (int i = 0; i < body.nlines; i++)
			ui_view_add(v, body.line[i].attr, "%s",
				    body.line[i].text);
		return;
	}
	/* The message wraps onto as many as three rows (never the last row
	 * of the body), so that a long one is read whole (issue 18); what
	 * is left after the third is cut, with '~'. */
	maxmsg = rows - 3 < 3 ? rows - 3 : 3;
	if (maxmsg < 1)
		maxmsg = 1;
	do {
		if (nmsg == maxmsg - 1) {
			cols_fit(msg[nmsg++], sizeof(msg[0]), rest, cols - 1,
				 0);
			break;
		}
		rest = cols_wrap(msg[nmsg++], sizeof(msg[0]), rest, cols - 1);
	} while (*rest);
	/* The body gets what is left after header, message and help. */
	keep = rows - 2 - nmsg;
	if (keep < 1)
		keep = 1;
	for (int i = 0; i < body.nlines && i < keep; i++) {
		int at =
		    ui_view_add(v, body.line[i].attr, "%s", body.line[i].text);

		if (body.cursor_line == i && at >= 0) {
			v->cursor_line = at;
			v->cursor_col = body.cursor_col;
		}
	}
	while (v->nlines < rows - 1 - nmsg &&
	       v->nlines < UI_VIEW_LINES - 1 - nmsg)
		ui_view_add(v, UI_A_NORMAL, "%s", "");
	for (int i = 0; i < nmsg; i++)
		ui_view_add(v, u->msg[0] ? u->msg_attr : UI_A_NORMAL, "%s",
			    msg[i]);
	ui_view_add(v, UI_A_DIM, "%s", frame_keys(u));
	v->bottom = nmsg + 1;
}

/* ---- lists that scroll ---- */

void ui_list_init(struct ui_list *l, size_t n)
{
	memset(l, 0, sizeof(*l));
	l->n = n;
}

static size_t list_rows(int rows)
{
	return rows > 1 ? (size_t)rows : 1;
}

size_t ui_list_top(const struct ui_list *l, int rows)
{
	size_t r = list_rows(rows), top = l->top;

	if (l->n <= r)
		return 0;
	if (l->sel < top)
		top = l->sel;
	if (l->sel >= top + r)
		top = l->sel - r + 1;
	/* No empty rows below the last item while items above are hidden
	 * (a taller terminal after a resize). */
	if (top > l->n - r)
		top = l->n - r;
	return top;
}

/* The number typed so far, 0 when none. */
static size_t list_typed(const struct ui_list *l)
{
	size_t v = 0;

	for (const char *p = l->num; *p; p++)
		v = v * 10 + (size_t)(*p - '0');
	return v;
}

/* A digit: with nine items or fewer it chooses at once (as every menu);
 * with more it adds to the number typed, the highlight following it, and
 * Enter chooses.  A digit that would make a number beyond the list starts
 * a new number. */
static enum ui_list_step list_digit(struct ui_list *l, int d)
{
	size_t len = strlen(l->num), v;

	if (l->n <= 9) {
		if (d < 1 || (size_t)d > l->n)
			return UI_LIST_NOT_MINE;
		l->sel = (size_t)d - 1;
		return UI_LIST_CHOSEN;
	}
	v = list_typed(l) * 10 + (size_t)d;
	if (len + 1 >= sizeof(l->num) || v > l->n) {
		len = 0;
		v = (size_t)d;
	}
	if (v == 0 || v > l->n) { /* a leading 0, or beyond the list */
		l->num[0] = '\0';
		return UI_LIST_MOVED;
	}
	l->num[len] = (char)('0' + d);
	l->num[len + 1] = '\0';
	l->sel = v - 1;
	return UI_LIST_MOVED;
}

enum ui_list_step ui_list_key(struct ui_list *l, int key, int rows)
{
	size_t r = list_rows(rows), page = r > 1 ? r - 1 : 1;
	size_t len = strlen(l->num);

	if (l->n == 0)
		return UI_LIST_NOT_MINE;
	if (key >= '0' && key <= '9') {
		enum ui_list_step step = list_digit(l, key - '0');

		l->top = ui_list_top(l, rows);
		return step;
	}
	if (key == UI_KEY_BACKSPACE && len > 0) {
		l->num[len - 1] = '\0';
		if (list_typed(l) > 0)
			l->sel = list_typed(l) - 1;
		l->top = ui_list_top(l, rows);
		return UI_LIST_MOVED;
	}
	if (key == UI_KEY_ESC && len > 0) {
		l->num[0] = '\0';
		return UI_LIST_MOVED;
	}
	if (key == UI_KEY_ENTER) {
		l->num[0] = '\0';
		return UI_LIST_CHOSEN;
	}
	switch (key) {
	case UI_KEY_UP:
		if (l->sel > 0)
			l->sel--;
		break;
	case UI_KEY_DOWN:
		if (l->sel + 1 < l->n)
			l->sel++;
		break;
	case UI_KEY_PGUP:
		l->sel = l->sel > page ? l->sel - page : 0;
		break;
	case UI_KEY_PGDN:
		l->sel = l->sel + page < l->n ? l->sel + page : l->n - 1;
		break;
	case UI_KEY_HOME:
		l->sel = 0;
		break;
	case UI_KEY_END:
		l->sel = l->n - 1;
		break;
	default:
		return UI_LIST_NOT_MINE;
	}
	l->num[0] = '\0';
	l->top = ui_list_top(l, rows);
	return UI_LIST_MOVED;
}

void ui_list_position(const struct ui_list *l, int rows, char *out, size_t cap)
{
	size_t top = ui_list_top(l, rows), r = list_rows(rows);
	size_t last = top + r < l->n ? top + r : l->n;

	if (l->n == 0)
		snprintf(out, cap, "0 / 0");
	else
		snprintf(out, cap, "%zu-%zu / %zu", top + 1, last, l->n);
}
