/*
 * The streaming JSON writer of json.h: commas, nesting, escaping.  The
 * rules of what may follow what are in one place, value_ok; every value
 * goes through it, so no caller can place a comma by hand.
 */
#include "json.h"

#include <string.h>

void json_w_init(struct json_w *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

static int fail(struct json_w *w, int err)
{
	if (w->err == 0)
		w->err = err;
	return w->err;
}

/*
 * Before a value (a scalar or a container's start): may one come here?
 * Writes the comma that separates it from the item before, if any.
 */
static int value_ok(struct json_w *w)
{
	if (w->err)
		return w->err;
	if (w->depth == 0)
		return w->done ? fail(w, JSON_W_E_SECOND) : 0;
	if (w->kind[w->depth - 1] == '{') {
		if (!w->key_due)
			return fail(w, JSON_W_E_VALUE);
		w->key_due = 0;
		return 0;
	}
	if (w->items[w->depth - 1])
		fputc(',', w->f);
	w->items[w->depth - 1] = 1;
	return 0;
}

/* After a whole value: at the top, the document is complete. */
static int value_done(struct json_w *w)
{
	if (w->depth == 0)
		w->done = 1;
	return 0;
}

/*
 * The length of the well-formed UTF-8 sequence at p (n bytes left), or,
 * negated, the length of its maximal ill-formed subpart (at least 1): the
 * longest prefix that could still begin a well-formed sequence (Unicode
 * 15, 3.9 "U+FFFD Substitution of Maximal Subparts").
 */
static int utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return -1; /* a continuation byte, C0, C1 or F5..FF */
	/* The second byte's range excludes overlongs, surrogates and values
	 * past U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n || p[i] < lo || p[i] > hi)
			return -i;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

/* The escape of byte c, or NULL for a byte written as it is (a control
 * character below 0x20 that has no short form is written as \u00XX). */
static const char *short_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		return NULL;
	}
}

/*
 * s (n bytes) as a JSON string.  The bytes that stand for themselves
 * (printable ASCII other than quote and backslash, and well-formed UTF-8
 * sequences) go out in runs, one fwrite a run, not one a character: a
 * scan writes a line per read.
 */
static void put_string(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n, *run = p;

	fputc('"', f);
	while (p < end) {
		const char *esc;
		int len;

		if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
			p++;
			continue;
		}
		len = *p < 0x80 ? 1 : utf8_seq(p, (size_t)(end - p));
		if (*p >= 0x80 && len > 0) {
			p += len;
			continue;
		}
		fwrite(run, 1, (size_t)(p - run), f);
		esc = short_escape(*p);
		if (esc)
			fputs(esc, f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
		p += len < 0 ? -len : 1;
		run = p;
	}
	fwrite(run, 1, (size_t)(p - run), f);
	fputc('"', f);
}

static int open_container(struct json_w *w, char kind)
{
	int rc = value_ok(w);

	if (rc)
		return rc;
	if (w->depth == JSON_W_MAX_DEPTH)
		return fail(w, JSON_W_E_DEPTH);
	w->kind[w->depth] = kind;
	w->items[w->depth] = 0;
	w->depth++;
	fputc(kind, w->f);
	return 0;
}

int json_w_object(struct json_w *w)
{
	return open_container(w, '{');
}

int json_w_array(struct json_w *w)
{
	return open_container(w, '[');
}

/* Closes the innermost container if it is `kind` (0: whichever it is). */
static int close_container(struct json_w *w, char kind)
{
	char open;

	if (w->err)
		return w->err;
	if (w->depth == 0 || w->key_due)
		return fail(w, JSON_W_E_END);
	open = w->kind[w->depth - 1];
	if (kind && kind != open)
		return fail(w, JSON_W_E_END);
	w->depth--;
	fputc(open == '{' ? '}' : ']', w->f);
	return value_done(w);
}

int json_w_end(struct json_w *w)
{
	return close_container(w, 0);
}

int json_w_end_object(struct json_w *w)
{
	return close_container(w, '{');
}

int json_w_end_array(struct json_w *w)
{
	return close_container(w, '[');
}

int json_w_key(struct json_w *w, const char *key)
{
	if (w->err)
		return w->err;
	if (w->depth == 0 || w->kind[w->depth - 1] != '{' || w->key_due)
		return fail(w, JSON_W_E_KEY);
	if (w->items[w->depth - 1])
		fputc(',', w->f);
	w->items[w->depth - 1] = 1;
	put_string(w->f, key, strlen(key));
	fputc(':', w->f);
	w->key_due = 1;
	return 0;
}

int json_w_strn(struct json_w *w, const char *s, size_t len)
{
	int rc = value_ok(w);

	if (rc)
		return rc;
	put_string(w->f, s, len);
	return value_done(w);
}

int json_w_null(struct json_w *w)
{
	int rc = value_ok(w);

	if (rc)
		return rc;
	fputs("null", w->f);
	return value_done(w);
}

int json_w_str(struct json_w *w, const char *s)
{
	return s ? json_w_strn(w, s, strlen(s)) : json_w_null(w);
}

int json_w_opt_str(struct json_w *w, const char *s)
{
	return s && *s ? json_w_strn(w, s, strlen(s)) : json_w_null(w);
}

int json_w_int(struct json_w *w, long long v)
{
	int rc = value_ok(w);

	if (rc)
		return rc;
	fprintf(w->f, "%lld", v);
	return value_done(w);
}

int json_w_uint(struct json_w *w, unsigned long long v)
{
	int rc = value_ok(w);

	if (rc)
		return rc;
	fprintf(w->f, "%llu", v);
	return value_done(w);
}

int json_w_bool(struct json_w *w, int v)
{
	int rc = value_ok(w);

	if (rc)
		return rc;
	fputs(v ? "true" : "false", w->f);
	return value_done(w);
}

int json_w_key_str(struct json_w *w, const char *key, const char *s)
{
	int rc = json_w_key(w, key);

	return rc ? rc : json_w_str(w, s);
}

int json_w_key_opt_str(struct json_w *w, const char *key, const char *s)
{
	int rc = json_w_key(w, key);

	return rc ? rc : json_w_opt_str(w, s);
}

int json_w_key_int(struct json_w *w, const char *key, long long v)
{
	int rc = json_w_key(w, key);

	return rc ? rc : json_w_int(w, v);
}

int json_w_key_uint(struct json_w *w, const char *key, unsigned long long v)
{
	int rc = json_w_key(w, key);

	return rc ? rc : json_w_uint(w, v);
}

int json_w_key_bool(struct json_w *w, const char *key, int v)
{
	int rc = json_w_key(w, key);

	return rc ? rc : json_w_bool(w, v);
}

int json_w_key_null(struct json_w *w, const char *key)
{
	int rc = json_w_key(w, key);

	return rc ? rc : json_w_null(w);
}

int json_w_finish(struct json_w *w)
{
	if (w->err)
		return w->err;
	if (w->depth || w->key_due)
		return fail(w, JSON_W_E_OPEN);
	if (!w->done)
		return fail(w, JSON_W_E_EMPTY);
	fputc('\n', w->f);
	w->done = 0;
	return 0;
}

int json_w_error(const struct json_w *w)
{
	return w->err;
}

const char *json_w_strerror(int err)
{
	switch (err) {
	case JSON_W_OK:
		return "no error";
	case JSON_W_E_KEY:
		return "a key outside an object or after a key";
	case JSON_W_E_VALUE:
		return "a value in an object where a key is due";
	case JSON_W_E_END:
		return "an end that does not match what is open";
	case JSON_W_E_DEPTH:
		return "nested too deep";
	case JSON_W_E_OPEN:
		return "a document finished while still open";
	case JSON_W_E_EMPTY:
		return "a document finished with no value";
	case JSON_W_E_SECOND:
		return "a second value in one document";
	}
	return "unknown error";
}
