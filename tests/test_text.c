/*
 * Unit tests of common/text.c, the one check of free text typed by people
 * (issue 19: names carried control characters and invalid UTF-8 into
 * reports and JSON).  One table: each row a text, the flags, and the
 * problem with its byte offset and code point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../common/text.h"

struct row {
	const char *name;
	const char *text;
	size_t max;
	unsigned flags;
	enum text_problem want;
	size_t at;   /* byte offset of the problem */
	uint32_t cp; /* TEXT_CONTROL: the code point */
};

static const struct row rows[] = {
    /* Accepted. */
    {"ascii name", "Sato Hanako", 128, 0, TEXT_OK, 0, 0},
    {"japanese name", "佐藤 花子", 128, 0, TEXT_OK, 0, 0},
    {"full-width and kana", "ｻﾄｳ　ハナコ（総務）", 128, 0, TEXT_OK, 0, 0},
    {"four-byte character", "𠮷野家", 128, 0, TEXT_OK, 0, 0},
    {"emoji with joiner", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", 128,
     0, TEXT_OK, 0, 0},
    {"exactly max bytes", "abcd", 4, 0, TEXT_OK, 0, 0},
    {"U+00A0 is not C1",
     "a\xc2\xa0"
     "b",
     128, 0, TEXT_OK, 0, 0},
    {"U+FFFD is text", "\xef\xbf\xbd", 128, 0, TEXT_OK, 0, 0},
    {"U+10FFFF is the last", "\xf4\x8f\xbf\xbf", 128, 0, TEXT_OK, 0, 0},
    {"newline in a note", "line one\nline\ttwo", 128, TEXT_MULTILINE, TEXT_OK,
     0, 0},
    {"optional and empty", "", 128, TEXT_OPTIONAL, TEXT_OK, 0, 0},

    /* Length. */
    {"empty", "", 128, 0, TEXT_EMPTY, 0, 0},
    {"one byte too long", "abcde", 4, 0, TEXT_TOO_LONG, 4, 0},
    {"optional but too long", "abcde", 4, TEXT_OPTIONAL, TEXT_TOO_LONG, 4, 0},

    /* Control characters. */
    {"bell", "Sato\aHanako", 128, 0, TEXT_CONTROL, 4, 0x07},
    {"escape (terminal)", "\x1b[2JSato", 128, 0, TEXT_CONTROL, 0, 0x1b},
    {"newline in a name", "Sato\nHanako", 128, 0, TEXT_CONTROL, 4, 0x0a},
    {"tab in a name", "Sato\tHanako", 128, 0, TEXT_CONTROL, 4, 0x09},
    {"carriage return in a note", "a\rb", 128, TEXT_MULTILINE, TEXT_CONTROL, 1,
     0x0d},
    {"DEL", "ab\x7f", 128, 0, TEXT_CONTROL, 2, 0x7f},
    {"C1 U+0085 (next line)", "ab\xc2\x85", 128, 0, TEXT_CONTROL, 2, 0x85},
    {"C1 U+009B (CSI)",
     "\xc2\x9b"
     "2J",
     128, 0, TEXT_CONTROL, 0, 0x9b},
    {"line separator",
     "a\xe2\x80\xa8"
     "b",
     128, TEXT_MULTILINE, TEXT_CONTROL, 1, 0x2028},
    {"paragraph separator", "a\xe2\x80\xa9", 128, 0, TEXT_CONTROL, 1, 0x2029},
    {"right-to-left override",
     "\xe2\x80\xae"
     "cod.exe",
     128, 0, TEXT_CONTROL, 0, 0x202e},
    {"left-to-right embedding", "x\xe2\x80\xaa", 128, 0, TEXT_CONTROL, 1,
     0x202a},
    {"first strong isolate", "x\xe2\x81\xa8", 128, 0, TEXT_CONTROL, 1, 0x2068},
    {"pop directional isolate", "x\xe2\x81\xa9", 128, 0, TEXT_CONTROL, 1,
     0x2069},

    /* Malformed UTF-8. */
    {"lone continuation", "ab\x80", 128, 0, TEXT_BAD_UTF8, 2, 0},
    {"cut short at the end", "佐\xe8\x97", 128, 0, TEXT_BAD_UTF8, 3, 0},
    {"cut short mid-text",
     "\xe8\x97"
     "a",
     128, 0, TEXT_BAD_UTF8, 0, 0},
    {"overlong slash", "\xc0\xaf", 128, 0, TEXT_BAD_UTF8, 0, 0},
    {"overlong NUL", "a\xc0\x80", 128, 0, TEXT_BAD_UTF8, 1, 0},
    {"overlong three bytes", "\xe0\x80\xaf", 128, 0, TEXT_BAD_UTF8, 0, 0},
    {"overlong four bytes", "\xf0\x80\x80\xaf", 128, 0, TEXT_BAD_UTF8, 0, 0},
    {"surrogate", "\xed\xa0\x80", 128, 0, TEXT_BAD_UTF8, 0, 0},
    {"above U+10FFFF", "\xf4\x90\x80\x80", 128, 0, TEXT_BAD_UTF8, 0, 0},
    {"byte 0xff", "\xff", 128, 0, TEXT_BAD_UTF8, 0, 0},
    {"cp932 bytes", "\x8d\xb2\x93\xa1", 128, 0, TEXT_BAD_UTF8, 0, 0},
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		const struct row *r = &rows[i];
		size_t at = 99;
		uint32_t cp = 0;
		enum text_problem got =
		    text_check(r->text, r->max, r->flags, &at, &cp);

		if (got != r->want || at != r->at ||
		    (got == TEXT_CONTROL && cp != r->cp))
			fail_msg("%s: got %s at %zu (U+%04X), want %s at %zu "
				 "(U+%04X)",
				 r->name, text_problem_name(got), at,
				 (unsigned)cp, text_problem_name(r->want),
				 r->at, (unsigned)r->cp);
	}
}

/* The out-parameters are optional. */
static void null_outputs(void **state)
{
	(void)state;
	assert_int_equal(text_check("a\ab", 8, 0, NULL, NULL), TEXT_CONTROL);
	assert_int_equal(text_check("ok", 8, 0, NULL, NULL), TEXT_OK);
}

/* Every single byte after a valid prefix: a byte below 0x80 is a character
 * (control or not), 0x80-0xff alone is never valid UTF-8. */
static void every_single_byte(void **state)
{
	(void)state;
	for (unsigned b = 1; b < 256; b++) {
		char s[3] = {'a', (char)b, '\0'};
		enum text_problem got = text_check(s, 8, 0, NULL, NULL);
		enum text_problem want = b >= 0x80		 ? TEXT_BAD_UTF8
					 : b < 0x20 || b == 0x7f ? TEXT_CONTROL
								 : TEXT_OK;

		if (got != want)
			fail_msg("byte 0x%02x: got %s, want %s", b,
				 text_problem_name(got),
				 text_problem_name(want));
	}
}

/* What text_escape makes of text from a file, a card or a person. */
static void escape(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
	    {"", ""},
	    {"SAFE1/\xe9\x87\x91\xe5\xba\xab",
	     "SAFE1/\xe9\x87\x91\xe5\xba\xab"},
	    {"a\x1b[2Jb", "a\\x1B[2Jb"},
	    {"\x1b]0;owned\x07", "\\x1B]0;owned\\x07"},
	    {"line\nnext\ttab\r", "line\\x0Anext\\x09tab\\x0D"},
	    {"del\x7f", "del\\x7F"},
	    {"c1\xc2\x9b"
	     "2J",
	     "c1\\u{009B}2J"},
	    {"rtl\xe2\x80\xae"
	     "cba",
	     "rtl\\u{202E}cba"},
	    {"bad\xff\xc3", "bad\\xFF\\xC3"},
	    {"back\\x1B", "back\\\\x1B"},
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(text_escape(out, sizeof(out), t[i].in),
				    t[i].out);
}

/* Text longer than the room is cut at a character, never inside an escape
 * or a UTF-8 sequence, and says so. */
static void escape_cut(void **state)
{
	char out[12];

	(void)state;
	assert_string_equal(text_escape(out, sizeof(out), "0123456789AB"),
			    "01234567...");
	assert_string_equal(text_escape(out, sizeof(out), "0123456789A"),
			    "0123456789A");
	assert_string_equal(text_escape(out, sizeof(out), "012345\x1b\x1b"),
			    "012345...");
	/* 金 is three bytes: four do not fit in 11, two and "..." do. */
	assert_string_equal(
	    text_escape(out, sizeof(out),
			"\xe9\x87\x91\xe9\x87\x91\xe9\x87\x91\xe9\x87\x91"),
	    "\xe9\x87\x91\xe9\x87\x91...");
	assert_string_equal(text_escape(out, 4, "abcd"), "...");
	assert_string_equal(text_escape(out, 1, "abcd"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table),
	    cmocka_unit_test(null_outputs),
	    cmocka_unit_test(every_single_byte),
	    cmocka_unit_test(escape),
	    cmocka_unit_test(escape_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
