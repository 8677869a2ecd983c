/*
 * Free text's check (text.h): one pass over the bytes, decoding UTF-8 by
 * its definition (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF) and looking at each code point.
 */
#include "text.h"

#include <stdio.h>
#include <string.h>

/* Code points that steer display rather than show something. */
static int is_control(uint32_t c, unsigned flags)
{
	if (c == '\n' || c == '\t')
		return !(flags & TEXT_MULTILINE);
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	       c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* Decodes the sequence at s (n bytes left, n > 0) into *cp; its length, or
 * 0 when it is not well-formed. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char b = s[0];
	size_t need;
	uint32_t c, min;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		need = 1, c = b & 0x1f, min = 0x80;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 2, c = b & 0x0f, min = 0x800;
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 3, c = b & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < need + 1)
		return 0;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need + 1;
}

enum text_problem text_check(const char *s, size_t max, unsigned flags,
			     size_t *at, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	if (at)
		*at = 0;
	if (n == 0)
		return flags & TEXT_OPTIONAL ? TEXT_OK : TEXT_EMPTY;
	if (n > max) {
		if (at)
			*at = max;
		return TEXT_TOO_LONG;
	}
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t len = utf8_decode(p + i, n - i, &c);

		if (at)
			*at = i;
		if (len == 0)
			return TEXT_BAD_UTF8;
		if (is_control(c, flags)) {
			if (cp)
				*cp = c;
			return TEXT_CONTROL;
		}
		i += len;
	}
	if (at)
		*at = 0;
	return TEXT_OK;
}

const char *text_problem_name(enum text_problem p)
{
	switch (p) {
	case TEXT_OK:
		return "ok";
	case TEXT_EMPTY:
		return "empty";
	case TEXT_TOO_LONG:
		return "too long";
	case TEXT_BAD_UTF8:
		return "not valid UTF-8";
	case TEXT_CONTROL:
		return "a control character";
	}
	return "?";
}

size_t text_escape_char(const char *s, size_t n, char piece[16], size_t *len,
			uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;

	*cp = 0;
	*len = utf8_decode(p, n, cp);
	if (*len == 0) {
		*len = 1;
		return (size_t)snprintf(piece, 16, "\\x%02X", p[0]);
	}
	if (*cp == '\\') {
		memcpy(piece, "\\\\", 2);
		return 2;
	}
	if (is_control(*cp, 0) && *cp < 0x80)
		return (size_t)snprintf(piece, 16, "\\x%02X", (unsigned)*cp);
	if (is_control(*cp, 0))
		return (size_t)snprintf(piece, 16, "\\u{%04X}", (unsigned)*cp);
	return 0;
}

/* The escaped form of the character at p (n bytes left) in piece; its
 * length.  *len is how many bytes of p it stands for. */
static size_t escape_piece(const unsigned char *p, size_t n, char piece[16],
			   size_t *len)
{
	uint32_t c;
	size_t plen = text_escape_char((const char *)p, n, piece, len, &c);

	if (plen)
		return plen;
	memcpy(piece, p, *len);
	return *len;
}

char *text_escape(char *out, size_t cap, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0, whole = 0, room = cap - 1;
	char piece[16];

	for (size_t i = 0, len; i < n; i += len)
		whole += escape_piece(p + i, n - i, piece, &len);
	/* Cut: keep room for "..." (when there is room for it at all). */
	if (whole > room)
		room = room >= 3 ? room - 3 : 0;
	for (size_t i = 0, len; i < n; i += len) {
		size_t plen = escape_piece(p + i, n - i, piece, &len);

		if (o + plen > room)
			break;
		memcpy(out + o, piece, plen);
		o += plen;
	}
	if (whole > cap - 1 && cap > 3) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

size_t text_utf8_fit(const char *s, size_t len, size_t cap)
{
	if (cap == 0)
		return 0;
	if (len < cap)
		return len;
	len = cap - 1;
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	return len;
}

int text_render_nargs(const char *fmt)
{
	int n = 0, pos = 0;

	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		if (*p >= '1' && *p <= '9' && p[1] == '$') {
			if (*p - '0' > pos)
				pos = *p - '0';
			continue;
		}
		n++;
	}
	return pos > n ? pos : n;
}

/*
 * Appends len bytes of s to out[*at..cap), whole UTF-8 characters only, and
 * leaves room for the terminator.  Returns 0 when s was cut: the output is
 * full and nothing may follow the cut.
 */
static int put(char *out, size_t cap, size_t *at, const char *s, size_t len)
{
	size_t n = text_utf8_fit(s, len, cap - *at);

	memcpy(out + *at, s, n);
	*at += n;
	return n == len;
}

size_t text_render(const char *fmt, const char *const *args, int nargs,
		   unsigned msgid_args, const char *(*tr)(const char *),
		   char *out, size_t cap)
{
	size_t at = 0;
	int next = 0;

	for (const char *p = fmt; *p;) {
		const char *pct = strchr(p, '%');
		int idx;

		if (!pct) {
			put(out, cap, &at, p, strlen(p));
			break;
		}
		if (!put(out, cap, &at, p, (size_t)(pct - p)))
			break;
		p = pct + 1;
		if (*p == '%') {
			if (!put(out, cap, &at, "%", 1))
				break;
			p++;
			continue;
		}
		if (*p >= '1' && *p <= '9' && p[1] == '$') {
			idx = *p - '1';
			p += 2;
		} else {
			idx = next++;
		}
		if (*p == 's')
			p++;
		if (idx < nargs) {
			const char *a = args[idx];

			if (tr && (msgid_args >> idx & 1u) && *a)
				a = tr(a);
			if (!put(out, cap, &at, a, strlen(a)))
				break;
		}
	}
	out[at] = '\0';
	return at;
}
