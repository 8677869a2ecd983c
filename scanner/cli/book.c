/*
 * Helpers of the record-book commands (see book.h): the discrepancies of a
 * count as the count workflow finds them, and writing reports in UTF-8
 * (with a BOM for Excel) or CP932 through glibc's iconv.
 */
#include "book.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "../workflow/config.h"

int book_discrepancies(struct ledger *l, int64_t id, struct disc_list *out)
{
	struct config conf;
	struct wf_err e;
	int rc = config_load(&conf);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	if (wf_count_discrepancies(l, id, cli_now(), &conf.rules, out, &e))
		return cli_fail(&e);
	return 0;
}

/* ---- output ---- */

/* The code point at s (UTF-8), for naming a character CP932 lacks. */
static unsigned long utf8_cp(const unsigned char *s, size_t left)
{
	unsigned long cp = s[0];
	int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;

	if (extra)
		cp &= 0x3fu >> extra;
	for (int i = 1; i <= extra && (size_t)i < left; i++)
		cp = (cp << 6) | (s[i] & 0x3fu);
	return cp;
}

/* The record book is the archived copy: a write that failed (a full disk,
 * /dev/full) is an error now, not a file cut short that exits 0.  errno is
 * 0 before the writes, so that it says why when one failed. */
static int book_flushed(FILE *f, const char *what)
{
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	return cli_error(EXIT_IOERR, "cannot write %s%s%s", what,
			 errno ? ": " : "", errno ? strerror(errno) : "");
}

int book_write(FILE *f, const char *s, size_t len, enum book_encoding enc,
	       int bom, const char *what)
{
	if (enc == ENC_UTF8) {
		errno = 0;
		if (bom)
			fputs("\xef\xbb\xbf", f);
		fwrite(s, 1, len, f);
		return book_flushed(f, what);
	}
	/* CP932 is at most as long as UTF-8 for everything it can hold
	 * (two bytes for what UTF-8 writes in three), plus room. */
	size_t cap = len + 16, inleft = len, outleft = cap;
	char *buf = malloc(cap), *in = (char *)s, *outp = buf;
	iconv_t cd = iconv_open("CP932", "UTF-8");

	if (!buf || cd == (iconv_t)-1) {
		free(buf);
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		return cli_error(EXIT_SOFTWARE,
				 "cannot convert to CP932 (iconv: %s)",
				 strerror(errno));
	}
	if (iconv(cd, &in, &inleft, &outp, &outleft) == (size_t)-1) {
		int e = errno;
		size_t at = (size_t)(in - s), line = 1;

		for (size_t i = 0; i < at; i++)
			line += s[i] == '\n';
		iconv_close(cd);
		free(buf);
		if (e == EILSEQ)
			return cli_error(
			    EXIT_DATAERR,
			    "%s, line %zu: U+%04lX cannot be "
			    "written in CP932; use --encoding "
			    "utf-8 (nothing was written)",
			    what, line,
			    utf8_cp((const unsigned char *)in, inleft));
		return cli_error(EXIT_SOFTWARE, "cannot convert to CP932: %s",
				 strerror(e));
	}
	iconv_close(cd);
	errno = 0;
	fwrite(buf, 1, cap - outleft, f);
	free(buf);
	return book_flushed(f, what);
}

/* A cell Excel would read as a formula (or as one after the blanks it
 * strips): = + - @, TAB and CR first. */
static int csv_formula_like(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

void csv_field(FILE *f, int first, const char *s)
{
	int esc = csv_formula_like(s);

	if (!first)
		fputc(',', f);
	if (!s[strcspn(s, ",\"\r\n")]) {
		if (esc)
			fputc('\'', f);
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (esc)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void book_oneline(FILE *f, const char *s)
{
	char *line = strdup(s);

	if (!line) {
		fputs(cli_text(s), f);
		return;
	}
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	cli_put_text(f, line);
	free(line);
}

void book_staff_name(struct ledger *l, const char *code,
		     char out[NAME_MAX_BYTES + 1])
{
	struct staff_rec s;

	out[0] = '\0';
	if (code[0] && ledger_staff_get(l, code, &s) == 0)
		snprintf(out, NAME_MAX_BYTES + 1, "%s", s.name);
}
