/*
 * Unit tests of scanner/cli/json.c, the one JSON writer of every --json
 * output.  One table: each row a sequence of writer calls, the bytes they
 * must write and the error they must end with.  Escaping (control
 * characters, ill-formed UTF-8 replaced per maximal subpart), commas and
 * nesting, numbers, several documents, the bridge for hand-written
 * printers, and every mistake a caller can make.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../scanner/cli/json.h"

enum op_kind {
	OP_STOP, /* end of a row's ops */
	OP_OBJ,
	OP_ARR,
	OP_END,
	OP_ENDO,
	OP_ENDA,
	OP_KEY,
	OP_STR,
	OP_STRN, /* s with len bytes */
	OP_OPT,
	OP_INT,
	OP_UINT,
	OP_BOOL,
	OP_NULL,
	OP_KSTR, /* key s, value s2 */
	OP_KINT, /* key s, value i */
	OP_KOPT, /* key s, value s2 or null */
	OP_KUINT,
	OP_KBOOL,
	OP_KNULL,
	OP_DEEP, /* u arrays opened */
	OP_FIN,
};

struct op {
	enum op_kind kind;
	const char *s, *s2;
	size_t len;
	long long i;
	unsigned long long u;
};

#define STOP                                                                   \
	{                                                                      \
		.kind = OP_STOP                                                \
	}
#define OBJ                                                                    \
	{                                                                      \
		.kind = OP_OBJ                                                 \
	}
#define ARR                                                                    \
	{                                                                      \
		.kind = OP_ARR                                                 \
	}
#define END                                                                    \
	{                                                                      \
		.kind = OP_END                                                 \
	}
#define ENDO                                                                   \
	{                                                                      \
		.kind = OP_ENDO                                                \
	}
#define ENDA                                                                   \
	{                                                                      \
		.kind = OP_ENDA                                                \
	}
#define FIN                                                                    \
	{                                                                      \
		.kind = OP_FIN                                                 \
	}
#define NUL                                                                    \
	{                                                                      \
		.kind = OP_NULL                                                \
	}
#define KEY(k)                                                                 \
	{                                                                      \
		.kind = OP_KEY, .s = k                                         \
	}
#define STR(v)                                                                 \
	{                                                                      \
		.kind = OP_STR, .s = v                                         \
	}
#define STRN(v, n)                                                             \
	{                                                                      \
		.kind = OP_STRN, .s = v, .len = n                              \
	}
#define OPT(v)                                                                 \
	{                                                                      \
		.kind = OP_OPT, .s = v                                         \
	}
#define INT(v)                                                                 \
	{                                                                      \
		.kind = OP_INT, .i = v                                         \
	}
#define UINT(v)                                                                \
	{                                                                      \
		.kind = OP_UINT, .u = v                                        \
	}
#define BOOL(v)                                                                \
	{                                                                      \
		.kind = OP_BOOL, .i = v                                        \
	}
#define KSTR(k, v)                                                             \
	{                                                                      \
		.kind = OP_KSTR, .s = k, .s2 = v                               \
	}
#define KINT(k, v)                                                             \
	{                                                                      \
		.kind = OP_KINT, .s = k, .i = v                                \
	}
#define KOPT(k, v)                                                             \
	{                                                                      \
		.kind = OP_KOPT, .s = k, .s2 = v                               \
	}
#define KUINT(k, v)                                                            \
	{                                                                      \
		.kind = OP_KUINT, .s = k, .u = v                               \
	}
#define KBOOL(k, v)                                                            \
	{                                                                      \
		.kind = OP_KBOOL, .s = k, .i = v                               \
	}
#define KNULL(k)                                                               \
	{                                                                      \
		.kind = OP_KNULL, .s = k                                       \
	}
#define DEEP(n)                                                                \
	{                                                                      \
		.kind = OP_DEEP, .u = n                                        \
	}

#define MAX_OPS 16

struct row {
	const char *name;
	struct op ops[MAX_OPS];
	const char *want; /* the bytes written */
	int err;	  /* json_w_error at the end */
};

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
#define FFFD "\xef\xbf\xbd"

static const struct row rows[] = {
    /* Strings: what is escaped, and how. */
    {"plain string", {STR("abc"), FIN, STOP}, "\"abc\"\n", 0},
    {"empty string", {STR(""), FIN, STOP}, "\"\"\n", 0},
    {"quote and backslash",
     {STR("a\"b\\c"), FIN, STOP},
     "\"a\\\"b\\\\c\"\n",
     0},
    {"newline, return, tab",
     {STR("a\nb\rc\td"), FIN, STOP},
     "\"a\\nb\\rc\\td\"\n",
     0},
    {"other controls as \\u00XX",
     {STR("\x01\x08\x0c\x1b\x1f"), FIN, STOP},
     "\"\\u0001\\u0008\\u000c\\u001b\\u001f\"\n",
     0},
    {"DEL and slash pass", {STR("a\x7f/b"), FIN, STOP}, "\"a\x7f/b\"\n", 0},
    {"NUL inside a counted string",
     {STRN("a\0b", 3), FIN, STOP},
     "\"a\\u0000b\"\n",
     0},
    {"counted string stops at its length",
     {STRN("abcdef", 3), FIN, STOP},
     "\"abc\"\n",
     0},
    {"japanese passes",
     {STR("佐藤 (Sato)"), FIN, STOP},
     "\"佐藤 (Sato)\"\n",
     0},
    {"four-byte character passes",
     {STR("\xf0\x9f\x98\x80"), FIN, STOP},
     "\"\xf0\x9f\x98\x80\"\n",
     0},
    {"U+10FFFF, the last, passes",
     {STR("\xf4\x8f\xbf\xbf"), FIN, STOP},
     "\"\xf4\x8f\xbf\xbf\"\n",
     0},
    {"U+FFFD itself passes", {STR(FFFD), FIN, STOP}, "\"" FFFD "\"\n", 0},

    /* Ill-formed UTF-8: one U+FFFD per maximal subpart. */
    {"stray continuation byte",
     {STR("a\x80z"), FIN, STOP},
     "\"a" FFFD "z\"\n",
     0},
    {"lead byte at the end", {STR("a\xc3"), FIN, STOP}, "\"a" FFFD "\"\n", 0},
    {"truncated three bytes: one replacement",
     {STR("\xe3\x81z"), FIN, STOP},
     "\"" FFFD "z\"\n",
     0},
    {"truncated four bytes at the end: one replacement",
     {STR("\xf0\x9f\x98"), FIN, STOP},
     "\"" FFFD "\"\n",
     0},
    {"overlong two bytes",
     {STR("\xc0\xaf"), FIN, STOP},
     "\"" FFFD FFFD "\"\n",
     0},
    {"overlong three bytes",
     {STR("\xe0\x80\xaf"), FIN, STOP},
     "\"" FFFD FFFD FFFD "\"\n",
     0},
    {"surrogate",
     {STR("\xed\xa0\x80"), FIN, STOP},
     "\"" FFFD FFFD FFFD "\"\n",
     0},
    {"past U+10FFFF",
     {STR("\xf4\x90\x80\x80"), FIN, STOP},
     "\"" FFFD FFFD FFFD FFFD "\"\n",
     0},
    {"F5 and FF never occur",
     {STR("\xf5\xff"), FIN, STOP},
     "\"" FFFD FFFD "\"\n",
     0},
    {"latin-1 text (a CP932 or 8-bit file)",
     {STR("caf\xe9!"), FIN, STOP},
     "\"caf" FFFD "!\"\n",
     0},
    {"escaping and replacement together",
     {STR("\"\xff\n"), FIN, STOP},
     "\"\\\"" FFFD "\\n\"\n",
     0},
    {"keys are escaped too",
     {OBJ, KSTR("a\"b\x01", "v"), END, FIN, STOP},
     "{\"a\\\"b\\u0001\":\"v\"}\n",
     0},

    /* Nulls for absent strings. */
    {"str NULL is null", {STR(NULL), FIN, STOP}, "null\n", 0},
    {"opt_str empty is null", {OPT(""), FIN, STOP}, "null\n", 0},
    {"opt_str NULL is null", {OPT(NULL), FIN, STOP}, "null\n", 0},
    {"opt_str text is a string", {OPT("x"), FIN, STOP}, "\"x\"\n", 0},

    /* Numbers and literals. */
    {"integers",
     {ARR, INT(0), INT(-1), INT(LLONG_MIN), INT(LLONG_MAX), END, FIN, STOP},
     "[0,-1,-9223372036854775808,9223372036854775807]\n",
     0},
    {"unsigned",
     {ARR, UINT(0), UINT(ULLONG_MAX), END, FIN, STOP},
     "[0,18446744073709551615]\n",
     0},
    {"true, false, null",
     {ARR, BOOL(1), BOOL(0), BOOL(7), NUL, END, FIN, STOP},
     "[true,false,true,null]\n",
     0},

    /* Commas and nesting. */
    {"empty object", {OBJ, END, FIN, STOP}, "{}\n", 0},
    {"empty array", {ARR, END, FIN, STOP}, "[]\n", 0},
    {"members",
     {OBJ, KSTR("a", "x"), KINT("b", 2), KEY("c"), NUL, END, FIN, STOP},
     "{\"a\":\"x\",\"b\":2,\"c\":null}\n",
     0},
    {"every key-and-value call",
     {OBJ, KOPT("o", ""), KOPT("p", "x"), KUINT("u", 7), KBOOL("b", 0),
      KNULL("n"), KSTR("s", NULL), END, FIN, STOP},
     "{\"o\":null,\"p\":\"x\",\"u\":7,\"b\":false,\"n\":null,\"s\":null}"
     "\n",
     0},
    {"nested",
     {OBJ, KEY("a"), ARR, INT(1), OBJ, KEY("b"), NUL, ENDO, ENDA, KEY("c"),
      BOOL(1), ENDO, FIN, STOP},
     "{\"a\":[1,{\"b\":null}],\"c\":true}\n",
     0},
    {"arrays of arrays",
     {ARR, ARR, END, ARR, ARR, END, END, END, FIN, STOP},
     "[[],[[]]]\n",
     0},
    {"a scalar alone is a document", {INT(42), FIN, STOP}, "42\n", 0},
    {"two documents (JSON lines)",
     {OBJ, KINT("n", 1), END, FIN, OBJ, KINT("n", 2), END, FIN, STOP},
     "{\"n\":1}\n{\"n\":2}\n",
     0},
    {"as deep as allowed",
     {DEEP(JSON_W_MAX_DEPTH), INT(1), STOP},
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1",
     0},

    /* Mistakes: the first sticks, nothing more is written. */
    {"end with nothing open", {END, STOP}, "", JSON_W_E_END},
    {"array closed as an object", {ARR, ENDO, STOP}, "[", JSON_W_E_END},
    {"object closed as an array", {OBJ, ENDA, STOP}, "{", JSON_W_E_END},
    {"one end too many", {ARR, END, END, STOP}, "[]", JSON_W_E_END},
    {"end after a key", {OBJ, KEY("a"), END, STOP}, "{\"a\":", JSON_W_E_END},
    {"key at the top", {KEY("a"), STOP}, "", JSON_W_E_KEY},
    {"key in an array", {ARR, KEY("a"), STOP}, "[", JSON_W_E_KEY},
    {"two keys", {OBJ, KEY("a"), KEY("b"), STOP}, "{\"a\":", JSON_W_E_KEY},
    {"a key-and-value call in an array writes neither",
     {ARR, KINT("a", 1), INT(2), STOP},
     "[",
     JSON_W_E_KEY},
    {"value without a key", {OBJ, INT(1), STOP}, "{", JSON_W_E_VALUE},
    {"second member without a key",
     {OBJ, KINT("a", 1), STR("b"), STOP},
     "{\"a\":1",
     JSON_W_E_VALUE},
    {"finish while open",
     {OBJ, KINT("a", 1), FIN, STOP},
     "{\"a\":1",
     JSON_W_E_OPEN},
    {"finish with a key due",
     {OBJ, KEY("a"), FIN, STOP},
     "{\"a\":",
     JSON_W_E_OPEN},
    {"finish with nothing", {FIN, STOP}, "", JSON_W_E_EMPTY},
    {"second value without finish",
     {OBJ, END, OBJ, STOP},
     "{}",
     JSON_W_E_SECOND},
    {"too deep",
     {DEEP(JSON_W_MAX_DEPTH + 1), STOP},
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
     JSON_W_E_DEPTH},
    {"nothing after the first mistake",
     {ARR, KEY("a"), INT(1), END, FIN, STOP},
     "[",
     JSON_W_E_KEY},
};

/* Runs one op; its return code. */
static int run_op(struct json_w *w, const struct op *o)
{
	int rc = 0;

	switch (o->kind) {
	case OP_STOP:
		break;
	case OP_OBJ:
		return json_w_object(w);
	case OP_ARR:
		return json_w_array(w);
	case OP_END:
		return json_w_end(w);
	case OP_ENDO:
		return json_w_end_object(w);
	case OP_ENDA:
		return json_w_end_array(w);
	case OP_KEY:
		return json_w_key(w, o->s);
	case OP_STR:
		return json_w_str(w, o->s);
	case OP_STRN:
		return json_w_strn(w, o->s, o->len);
	case OP_OPT:
		return json_w_opt_str(w, o->s);
	case OP_INT:
		return json_w_int(w, o->i);
	case OP_UINT:
		return json_w_uint(w, o->u);
	case OP_BOOL:
		return json_w_bool(w, (int)o->i);
	case OP_NULL:
		return json_w_null(w);
	case OP_KSTR:
		return json_w_key_str(w, o->s, o->s2);
	case OP_KINT:
		return json_w_key_int(w, o->s, o->i);
	case OP_KOPT:
		return json_w_key_opt_str(w, o->s, o->s2);
	case OP_KUINT:
		return json_w_key_uint(w, o->s, o->u);
	case OP_KBOOL:
		return json_w_key_bool(w, o->s, (int)o->i);
	case OP_KNULL:
		return json_w_key_null(w, o->s);
	case OP_DEEP:
		for (unsigned long long i = 0; i < o->u && rc == 0; i++)
			rc = json_w_array(w);
		return rc;
	case OP_FIN:
		return json_w_finish(w);
	}
	return 0;
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct row *row = &rows[r];
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct json_w w;
		int first = 0;

		assert_non_null(f);
		json_w_init(&w, f);
		for (const struct op *o = row->ops; o->kind != OP_STOP; o++) {
			int rc = run_op(&w, o);

			/* Every call after the first error returns it. */
			if (first)
				assert_int_equal(rc, first);
			else if (rc)
				first = rc;
		}
		fclose(f);
		if (strcmp(buf, row->want) != 0 || json_w_error(&w) != row->err)
			print_message("row '%s': wrote '%s' (error %d), want "
				      "'%s' (error %d)\n",
				      row->name, buf, json_w_error(&w),
				      row->want, row->err);
		assert_string_equal(buf, row->want);
		assert_int_equal(len, strlen(row->want));
		assert_int_equal(json_w_error(&w), row->err);
		assert_int_equal(first, row->err);
		free(buf);
	}
}

/* A document with a mistake is reported by json_w_finish, which then
 * writes nothing, not even the newline. */
static void test_finish_reports_sticky_error(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_w w;

	(void)state;
	assert_non_null(f);
	json_w_init(&w, f);
	assert_int_equal(json_w_object(&w), 0);
	assert_int_equal(json_w_end_array(&w), JSON_W_E_END);
	assert_int_equal(json_w_end_object(&w), JSON_W_E_END);
	assert_int_equal(json_w_finish(&w), JSON_W_E_END);
	assert_int_equal(json_w_finish(&w), JSON_W_E_END);
	fclose(f);
	assert_string_equal(buf, "{");
	free(buf);
}

/* Every code has its own message; an unknown one says so. */
static void test_strerror(void **state)
{
	static const int codes[] = {
	    JSON_W_OK,	    JSON_W_E_KEY,  JSON_W_E_VALUE, JSON_W_E_END,
	    JSON_W_E_DEPTH, JSON_W_E_OPEN, JSON_W_E_EMPTY, JSON_W_E_SECOND,
	};
	size_t n = sizeof(codes) / sizeof(codes[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const char *m = json_w_strerror(codes[i]);

		assert_non_null(m);
		assert_string_not_equal(m, "unknown error");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(m, json_w_strerror(codes[j]));
	}
	assert_string_equal(json_w_strerror(-99), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_finish_reports_sticky_error),
	    cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
