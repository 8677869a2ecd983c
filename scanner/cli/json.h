/*
 * One JSON writer for every --json output of the CLI: a small streaming
 * writer over a FILE * that places the commas, tracks the nesting, escapes
 * every string and refuses a document whose ends do not match.  It keeps no
 * copy of the document: each call writes at once, so a long list streams
 * and a line of `scan --json` can be flushed as soon as it is complete.
 *
 * The output is compact (no spaces, no line breaks); json_w_finish ends a
 * document with one newline.  Several documents may follow one another on
 * the same writer (JSON lines, as `scan --json` and `checkout --json`
 * write them): finish each one.
 *
 * Usage (keys and values alternate inside an object; the _key_ forms write
 * both):
 *
 *	struct json_w w;
 *
 *	json_w_init(&w, stdout);
 *	json_w_object(&w);
 *	json_w_key_str(&w, "mgmt_id", card->mgmt_id);
 *	json_w_key_int(&w, "session", id);
 *	json_w_key(&w, "attendees");
 *	json_w_array(&w);
 *	for (size_t i = 0; i < n; i++)
 *		json_w_str(&w, who[i]);
 *	json_w_end_array(&w);
 *	json_w_end_object(&w);
 *	return cli_json_done(&w, EXIT_OK); // finish; 70 on a writer error
 *
 * writes {"mgmt_id":"M1","session":7,"attendees":["S02","S03"]} and a
 * newline.  cli.h adds the CLI's own values: cli_json_time (ISO 8601 or
 * null), cli_json_key_time, cli_key_flags_jw, and cli_json_id for the
 * {"KEY":ID} line of a command that records one thing.
 *
 * A printer shared by text and JSON takes a `struct json_w *` (NULL for
 * text) rather than an `int json`; a part of a document (a list's item, a
 * section's members) is written to the caller's writer, never to its FILE
 * by hand, so that the writer places every comma.  A callback that fills
 * a list writes its item as one json_w_object ... json_w_end_object.
 *
 * Errors: every function returns 0, or a negative JSON_W_E_* code for a
 * programmer's mistake (a key outside an object, a value where a key is
 * due, an end that does not match, nesting deeper than JSON_W_MAX_DEPTH, a
 * document finished while open or empty).  The first error sticks: the
 * writer writes nothing more, every later call returns it, and
 * json_w_finish reports it, so a caller may ignore the codes of the single
 * calls and check json_w_finish (cli_json_done does, and says what went
 * wrong).  Errors of the FILE itself are not the writer's: check the
 * stream (cli_output_done does for stdout).
 *
 * Strings: NUL-terminated (json_w_strn takes a length and may hold NUL).
 * '"', '\\', '\n', '\r' and '\t' are escaped as such, every other control
 * character below 0x20 as \u00XX.  Well-formed UTF-8 is written as it is;
 * each ill-formed sequence (a stray continuation byte, a truncated or
 * overlong sequence, a surrogate, a value past U+10FFFF) becomes one
 * U+FFFD REPLACEMENT CHARACTER per maximal ill-formed subpart (Unicode's
 * recommended practice, as Python's errors="replace"), so the output is
 * always valid UTF-8 and valid JSON whatever bytes a ledger or a card
 * held.
 *
 * Ownership: the writer borrows the FILE * (the caller closes it) and
 * keeps no pointer to any string it is given.
 */
#ifndef CT_JSON_H
#define CT_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Error codes, numbered once and never reused. */
enum {
	JSON_W_OK = 0,
	JSON_W_E_KEY = -1,    /* a key outside an object or after a key */
	JSON_W_E_VALUE = -2,  /* a value in an object where a key is due */
	JSON_W_E_END = -3,    /* an end that does not match what is open */
	JSON_W_E_DEPTH = -4,  /* nested deeper than JSON_W_MAX_DEPTH */
	JSON_W_E_OPEN = -5,   /* finished with a container or key open */
	JSON_W_E_EMPTY = -6,  /* finished with no value written */
	JSON_W_E_SECOND = -7, /* a second value before json_w_finish */
};

#define JSON_W_MAX_DEPTH 32

struct json_w {
	FILE *f;
	int err;	/* the first error, sticky */
	unsigned depth; /* containers open */
	int done;	/* a whole top-level value was written */
	int key_due;	/* a key was written; its value is due */
	/* Per open container: '{' or '[', and whether it holds an item. */
	char kind[JSON_W_MAX_DEPTH];
	unsigned char items[JSON_W_MAX_DEPTH];
};

/* Starts a writer on f (borrowed). */
void json_w_init(struct json_w *w, FILE *f);

/* Containers: json_w_end closes the innermost one, whichever it is;
 * json_w_end_object and json_w_end_array also check which it is. */
int json_w_object(struct json_w *w);
int json_w_array(struct json_w *w);
int json_w_end(struct json_w *w);
int json_w_end_object(struct json_w *w);
int json_w_end_array(struct json_w *w);

/* A member's key; its value follows with one of the value calls. */
int json_w_key(struct json_w *w, const char *key);

/* Values.  json_w_str writes null for NULL; json_w_opt_str writes null for
 * NULL and for "" (an optional text field of the ledger). */
int json_w_str(struct json_w *w, const char *s);
int json_w_strn(struct json_w *w, const char *s, size_t len);
int json_w_opt_str(struct json_w *w, const char *s);
int json_w_int(struct json_w *w, long long v);
int json_w_uint(struct json_w *w, unsigned long long v);
int json_w_bool(struct json_w *w, int v);
int json_w_null(struct json_w *w);

/* A key and its value in one call. */
int json_w_key_str(struct json_w *w, const char *key, const char *s);
int json_w_key_opt_str(struct json_w *w, const char *key, const char *s);
int json_w_key_int(struct json_w *w, const char *key, long long v);
int json_w_key_uint(struct json_w *w, const char *key, unsigned long long v);
int json_w_key_bool(struct json_w *w, const char *key, int v);
int json_w_key_null(struct json_w *w, const char *key);

/* Ends the document: checks it is one whole value, writes "\n" and makes
 * the writer ready for the next document.  Returns the sticky error, if
 * any (then nothing is written).  It does not flush. */
int json_w_finish(struct json_w *w);

/* The first error, or 0. */
int json_w_error(const struct json_w *w);
/* "a key outside an object", ...: what an error code means. */
const char *json_w_strerror(int err);

#endif
