/*
 * Display columns of UTF-8 text, for every front end that lays text out
 * (the screens, the command line's tables and help).  A byte count is not
 * a width: "棚卸し" is 9 bytes and 6 columns, and a line cut in the middle
 * of a character, or a wide character half off the edge, garbles the whole
 * row on a terminal.  Decoding is text.c's (not mbrtowc) so that the
 * result does not depend on LC_CTYPE, and a width is that of the text as
 * it is shown: control characters, backslashes and bytes that are not
 * UTF-8 in text_escape's form (issue 13), so that a name holding ESC takes
 * the columns its \x1B takes.  Only the width of a printable code point
 * asks wcwidth, which needs a UTF-8 locale (lang_init sets one).
 */
#include "lang.h"

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

int cols_width(const char *s)
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

int cols_fit(char *out, size_t cap, const char *s, int cols, int pad)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	size_t n = 0;
	int used = 0, total = cols_width(s);
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

const char *cols_wrap(char *out, size_t cap, const char *s, int cols)
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

const char *cols_skip(const char *s, int skip)
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
