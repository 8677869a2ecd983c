/*
 * The one check of free text typed by people: names of staff, assets and
 * courses, key purposes, notes, resolution notes, undo reasons, disposal
 * certificate references.  Such text ends up in reports, JSON, CSV, the
 * audit log and on the TUI's screen, so it must be well-formed UTF-8 (JSON
 * and the CP932 record book need that) and hold no control characters
 * (they rewrite a terminal, break a report's lines or hide text).  Pure:
 * no I/O; data/ calls it where text enters the ledger, so every front end
 * gets the same refusal.
 */
#ifndef CT_TEXT_H
#define CT_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum text_problem {
	TEXT_OK = 0,
	TEXT_EMPTY,    /* no text where some is required */
	TEXT_TOO_LONG, /* more bytes than the field holds */
	TEXT_BAD_UTF8, /* not well-formed UTF-8 (also overlongs, surrogates) */
	TEXT_CONTROL,  /* a control character, see text_check */
};

/* Newline and tab allowed (a note of several lines). */
#define TEXT_MULTILINE 1u
/* "" is accepted (an optional field). */
#define TEXT_OPTIONAL 2u

/*
 * Checks the NUL-terminated s: 1..max bytes (0..max with TEXT_OPTIONAL) of
 * well-formed UTF-8 without control characters: C0 (U+0000-U+001F, but
 * newline and tab with TEXT_MULTILINE), DEL, C1 (U+0080-U+009F), the line
 * and paragraph separators (U+2028, U+2029) and the bidirectional controls
 * (U+202A-U+202E, U+2066-U+2069) that make text display other than it
 * reads.  Returns TEXT_OK or the first problem; *at (may be NULL) is its
 * byte offset, and *cp (may be NULL) the code point for TEXT_CONTROL.
 */
enum text_problem text_check(const char *s, size_t max, unsigned flags,
			     size_t *at, uint32_t *cp);
/*
 * Writes the NUL-terminated s into out (cap bytes, cap > 0, always
 * terminated) fit to be shown on a terminal: every code point text_check
 * calls a control character (newline and tab included) becomes \xNN (below
 * U+0080) or \u{NNNN}, every byte that is not well-formed UTF-8 \xNN, and a
 * backslash \\, so that text from a file, a card or a person can neither
 * move the cursor nor pass for something else.  Text that does not fit is
 * cut at a character and ends in "...".  Returns out.
 */
char *text_escape(char *out, size_t cap, const char *s);
/*
 * One character of text_escape's work: the character at s (n > 0 bytes
 * left) takes *len bytes of s; when text_escape shows it escaped, its
 * escaped form goes into piece (not terminated) and its length is
 * returned, else 0 (shown as it is, *cp the code point).  For those who
 * must know the width of text before it is escaped (the TUI's layout).
 */
size_t text_escape_char(const char *s, size_t n, char piece[16], size_t *len,
			uint32_t *cp);
/* "empty", "too long", "not valid UTF-8", "a control character". */
const char *text_problem_name(enum text_problem p);

/* How many of s's len bytes fit in cap - 1 without cutting a UTF-8
 * sequence (0 when cap is 0). */
size_t text_utf8_fit(const char *s, size_t len, size_t cap);
/* How many arguments the message fmt takes: its %s and %N$s conversions
 * (for %N$s, the highest N). */
int text_render_nargs(const char *fmt);
/*
 * A message whose arguments are all text, written out: fmt (a message of
 * the catalog, or its translation) with each %s, or %N$s (N 1..9), replaced
 * by its argument of args[0..nargs) (one past nargs by nothing) and %% by
 * %.  Argument i passes through tr first when tr is not NULL, bit i of
 * msgid_args is set and the argument is not empty: it is a fixed English
 * text of the catalog too.  out (cap > 0) is always terminated, cut at
 * cap - 1 bytes on a UTF-8 boundary.  Returns the length written.
 */
size_t text_render(const char *fmt, const char *const *args, int nargs,
		   unsigned msgid_args, const char *(*tr)(const char *),
		   char *out, size_t cap);

#endif
