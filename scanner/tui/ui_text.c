/*
 * Text the screens edit and lay out: typing into a field, fitting a
 * view's lines, and the screens' time and date formats.  Widths are
 * scanner/lang/cols.c's, shared with the command line.
 */
#include "../cli/cli.h"
#include "ui.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int ui_fit_right(char *out, size_t cap, const char *s, int cols)
{
	char tmp[UI_LINE_BYTES];
	int w = cols_fit(tmp, sizeof(tmp), s, cols, 0);
	size_t n = 0, len = strlen(tmp);

	for (; w < cols && n + 1 < cap; w++)
		out[n++] = ' ';
	if (n + len >= cap)
		len = cap - n - 1;
	memcpy(out + n, tmp, len);
	out[n + len] = '\0';
	return w;
}

void ui_text_append(char *s, size_t cap, int cp)
{
	char b[4];
	size_t n = strlen(s), len;

	if (cp < 0x80) {
		b[0] = (char)cp;
		len = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		len = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		len = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		len = 4;
	}
	if (n + len < cap) {
		memcpy(s + n, b, len);
		s[n + len] = '\0';
	}
}

void ui_text_backspace(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	s[n] = '\0';
}

void ui_view_fit_lines(struct ui_view *v, int from)
{
	char fitted[UI_LINE_BYTES];

	for (int i = from < 0 ? 0 : from; i < v->nlines; i++) {
		cols_fit(fitted, sizeof(fitted), v->line[i].text, v->cols - 1,
			 0);
		memcpy(v->line[i].text, fitted, strlen(fitted) + 1);
	}
}

void ui_time_short(int64_t t, char out[UI_TIME_BUF])
{
	char iso[TIME_ISO_BUF];

	if (t == 0) {
		snprintf(out, UI_TIME_BUF, "-");
		return;
	}
	/* 2025-06-10T10:00:00+09:00 -> 2025-06-10 10:00: the office's
	 * local time, as everyone there reads it. */
	cli_time_iso(t, iso);
	snprintf(out, UI_TIME_BUF, "%.10s %.5s", iso, iso + 11);
}

void ui_date_text(int32_t day, char out[11])
{
	if (day == DATE_NONE)
		snprintf(out, 11, "-");
	else
		date_format(day, out);
}
