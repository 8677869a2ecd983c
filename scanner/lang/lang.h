/*
 * What every front end shares about text shown to a person: the language
 * (lang.c: the message catalogs, ja or en) and the display columns of
 * UTF-8 text (cols.c: a Japanese character takes two).  The screens
 * (scanner/tui/) and the command line (scanner/cli/) both use it; neither
 * reaches into the other for it.
 */
#ifndef CT_LANG_H
#define CT_LANG_H

#include <stddef.h>

/* ---- the language (lang.c) ---- */

/* Sets the locale from the environment (falling back to C.UTF-8: curses
 * needs UTF-8 for Japanese), binds the message catalog (the build tree's
 * build/locale when run from it, else the installed one) and picks the
 * language: `lang` ("ja", "en"), else the one LANG / LC_ALL / LC_MESSAGES
 * name.  0, or -1 when lang is neither. */
int lang_init(const char *lang);
/* Switches every later _() to "ja" or "en". */
void lang_set(const char *lang);
/* "ja" or "en". */
const char *lang_current(void);
/* The language the environment asks for, as POSIX orders LC_ALL,
 * LC_MESSAGES and LANG: "ja" when the first one set starts with "ja",
 * else "en". */
const char *lang_env(void);

/* ---- text by display columns (cols.c) ---- */

/* Columns that UTF-8 text s takes on a terminal (wcwidth: a Japanese
 * character is 2); control characters, backslashes and invalid bytes
 * count as their escaped form (text_escape) is wide. */
int cols_width(const char *s);
/*
 * Copies s into out (cap bytes), cut to at most `cols` columns: a wide
 * character that would straddle the edge is left out, and a cut text ends
 * in '~' so that the reader sees something is missing.  pad: fill with
 * spaces to exactly `cols` columns.  Never splits a UTF-8 sequence.
 * Returns the columns written.
 */
int cols_fit(char *out, size_t cap, const char *s, int cols, int pad);
/* The first line of s that fits in `cols` columns into out (cap bytes),
 * broken after the last space that fits (or at the edge when there is
 * none); returns where the rest of s starts (its end when all fit). */
const char *cols_wrap(char *out, size_t cap, const char *s, int cols);
/* The part of s after its first `skip` columns (a wide character cut by
 * the edge is left out whole). */
const char *cols_skip(const char *s, int skip);

#endif
