/*
 * Display columns of UTF-8 text.  A byte count is not a width: "棚卸し" is
 * 9 bytes and 6 columns, and a line cut in the middle of a character, or a
 * wide character half off the edge, garbles the whole row on a terminal.
 * Everything the TUI lays out goes through here.  Decoding is text.c's
 * (not mbrtowc) so that the result does not depend on LC_CTYPE, and a
 * width is that of the text as the painter shows it: control characters,
 * backslashes and bytes that are not UTF-8 in text_escape's form (issue
 * 13), so that a name holding ESC takes the columns its \x1B takes.  Only
 * the width of a printable code point asks wcwidth, which needs a UTF-8
 * locale (ui_i18n_init sets one).
 */
#include "ui.h"

#include "../../common/text.h"

#include <string.h>
#include <wchar.h>

/*
 * One character at p (n > 0 bytes left): *len its bytes, *cp its code
 * point, and its columns as the painter shows it.  A control character
 * (ESC, DEL, C1, a bidi control...), a backslash or a byte that is not
 * UTF-8 is painted in text_escape's form (ui_term_paint), so that is what
 * it takes on the screen; anything else asks wcwidth.
 */
static int char_cols(const unsigned char *p, size_t n, size_t *len,
		     unsigned *cp)
{
	char piece[16];
	uint32_t c;
	size_t esc = text_escape_char((const char *)p, n, piece, len, &c);
	int w;

	*cp = c;
	if (esc)
		return (int)esc;
	w = wcwidth((wchar_t)c);
	return w < 0 ? 1 : w;
}

int ui_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	int cols = 0;

	while (*p) {
		size_t len;
		unsigned cp;

		cols += char_cols(p, (size_t)(end - p), &len, &cp);
		p += len;
	}
	return cols;
}

int ui_fit(char *out, size_t cap, const char *s, int cols, int pad)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	size_t n = 0;
	int used = 0, total = ui_width(s);
	/* Room for the text: all of it when it fits, else one column less
	 * for the '~' that marks the cut. */
	int room = total <= cols ? cols : cols - 1;

	if (cap == 0)
		return 0;
	while (*p && room > 0) {
		size_t len;
		unsigned cp;
		int w = char_cols(p, (size_t)(end - p), &len, &cp);

		if (used + w > room || n + len >= cap)
			break;
		memcpy(out + n, p, len);
		n += len;
		used += w;
		p += len;
	}
	if (*p && cols > 0 && n + 1 < cap) {
		out[n++] = '~';
		used++;
	}
	while (pad && used < cols && n + 1 < cap) {
		out[n++] = ' ';
		used++;
	}
	out[n] = '\0';
	return used;
}

const char *ui_wrap(char *out, size_t cap, const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	const unsigned char *brk = NULL; /* after the last space that fit */
	size_t n = 0, brk_n = 0;
	int used = 0, brk_col = 0;

	if (cap == 0)
		return s + strlen(s);
	while (*p) {
		size_t len;
		unsigned cp;
		int w = char_cols(p, (size_t)(end - p), &len, &cp);

		if (used + w > cols || n + len >= cap)
			break;
		memcpy(out + n, p, len);
		n += len;
		used += w;
		p += len;
		if (cp == ' ') {
			brk = p;
			brk_n = n - 1;
			brk_col = used;
		}
	}
	/* Break at the last space when the text goes on and one was seen
	 * in the last third of the line; Japanese has few spaces, and a
	 * line broken at an early one would waste most of its width, so it
	 * is cut at the edge instead. */
	if (*p && brk && brk_col * 3 >= cols * 2) {
		p = brk;
		n = brk_n;
	}
	out[n] = '\0';
	while (*p == ' ')
		p++;
	return (const char *)p;
}

int ui_fit_right(char *out, size_t cap, const char *s, int cols)
{
	char tmp[UI_LINE_BYTES];
	int w = ui_fit(tmp, sizeof(tmp), s, cols, 0);
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

const char *ui_skip_cols(const char *s, int skip)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	int used = 0;

	while (*p && used < skip) {
		size_t len;
		unsigned cp;

		used += char_cols(p, (size_t)(end - p), &len, &cp);
		p += len;
	}
	return (const char *)p;
}

void ui_view_fit_lines(struct ui_view *v, int from)
{
	char fitted[UI_LINE_BYTES];

	for (int i = from < 0 ? 0 : from; i < v->nlines; i++) {
		ui_fit(fitted, sizeof(fitted), v->line[i].text, v->cols - 1, 0);
		memcpy(v->line[i].text, fitted, strlen(fitted) + 1);
	}
}
