/*
 * Unit tests of the `kbd` reader backend (drivers/rdr_kbd.c): lines typed
 * by a barcode scanner, from a file, a pipe, and a recording of input_event
 * records as an input device delivers them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/input.h>

#include "../drivers/reader.h"
#include "tmpdir.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return test_mkdtemp(dir, sizeof(dir), "test_kbd");
}

static int teardown(void **state)
{
	char p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/in", dir);
	unlink(p);
	return rmdir(dir);
}

static struct rdr *open_file(const char *prefix, const void *data,
			     size_t len)
{
	char path[128], spec[160], err[RDR_ERRMSG_MAX];
	struct rdr *r;
	FILE *f;

	snprintf(path, sizeof(path), "%s/in", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	snprintf(spec, sizeof(spec), "kbd:%s%s", prefix, path);
	assert_int_equal(rdr_open(spec, &r, err, sizeof(err)), 0);
	return r;
}

static void expect_text(struct rdr *r, const char *text)
{
	struct rdr_event ev;

	assert_int_equal(rdr_next(r, 1000, &ev), 0);
	assert_int_equal(ev.kind, RDR_EV_CARD);
	assert_true(ev.id.text);
	assert_int_equal(ev.id.len, strlen(text));
	assert_memory_equal(ev.id.bytes, text, strlen(text));
	assert_int_equal(rdr_next(r, 1000, &ev), 0);
	assert_int_equal(ev.kind, RDR_EV_REMOVED);
}

static void expect_kind(struct rdr *r, enum rdr_event_kind kind)
{
	struct rdr_event ev;

	assert_int_equal(rdr_next(r, 1000, &ev), 0);
	assert_int_equal(ev.kind, kind);
}

/* One line is one read; blanks are nothing; junk is refused with a
 * reason; the same number twice is two reads (the caller sees a repeat);
 * a last line without a newline counts. */
static void lines(void **state)
{
	static const char text[] = "123456789012\r\n"
				   "\n"
				   "   \n"
				   "  04a1B2  \n"
				   "12-34\n"
				   "123456789012\n"
				   "999";
	struct rdr *r = open_file("", text, sizeof(text) - 1);

	(void)state;
	expect_text(r, "123456789012");
	expect_text(r, "04a1B2");
	expect_kind(r, RDR_EV_UNREADABLE);
	assert_non_null(strstr(rdr_error(r), "not a card number: '12-34'"));
	expect_text(r, "123456789012");
	expect_text(r, "999");
	expect_kind(r, RDR_EV_END);
	expect_kind(r, RDR_EV_END);
	rdr_close(r);
}

static void too_long(void **state)
{
	char text[300];

	(void)state;
	memset(text, '1', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\n';
	struct rdr *r = open_file("", text, sizeof(text));
	expect_kind(r, RDR_EV_UNREADABLE);
	assert_non_null(strstr(rdr_error(r), "longer than"));
	expect_kind(r, RDR_EV_END);
	rdr_close(r);
}

static void key(struct input_event *e, int *n, unsigned code, int value)
{
	memset(&e[*n], 0, sizeof(e[*n]));
	e[*n].type = EV_KEY;
	e[*n].code = (unsigned short)code;
	e[*n].value = value;
	(*n)++;
}

/* A scanner on an input device: key presses (not releases or repeats)
 * make the characters, shift makes capitals, Enter ends the number. */
static void evdev_records(void **state)
{
	struct input_event e[64];
	int n = 0;

	(void)state;
	key(e, &n, KEY_0, 1);
	key(e, &n, KEY_0, 0);
	key(e, &n, KEY_4, 1);
	key(e, &n, KEY_4, 2); /* autorepeat: not a second 4 */
	key(e, &n, KEY_4, 0);
	key(e, &n, KEY_LEFTSHIFT, 1);
	key(e, &n, KEY_A, 1);
	key(e, &n, KEY_A, 0);
	key(e, &n, KEY_LEFTSHIFT, 0);
	key(e, &n, KEY_KP1, 1);
	memset(&e[n], 0, sizeof(e[n]));
	e[n++].type = EV_SYN;
	key(e, &n, KEY_ENTER, 1);
	key(e, &n, KEY_Q, 1); /* not a card number key */
	key(e, &n, KEY_KPENTER, 1);
	struct rdr *r = open_file("evdev:", e, (size_t)n * sizeof(e[0]));
	expect_text(r, "04A1");
	expect_kind(r, RDR_EV_UNREADABLE);
	expect_kind(r, RDR_EV_END);
	rdr_close(r);
}

/* From a pipe: nothing typed yet is a timeout, not an end. */
static void pipe_timeout(void **state)
{
	char err[RDR_ERRMSG_MAX];
	struct rdr_event ev;
	struct rdr *r;
	int fds[2], saved = dup(0);

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	assert_int_equal(rdr_open("kbd:", &r, err, sizeof(err)), 0);
	assert_int_equal(rdr_next(r, 20, &ev), 0);
	assert_int_equal(ev.kind, RDR_EV_TIMEOUT);
	assert_int_equal(write(fds[1], "12", 2), 2);
	assert_int_equal(rdr_next(r, 20, &ev), 0);
	assert_int_equal(ev.kind, RDR_EV_TIMEOUT); /* half a number */
	assert_int_equal(write(fds[1], "34\n", 3), 3);
	expect_text(r, "1234");
	close(fds[1]);
	expect_kind(r, RDR_EV_END);
	rdr_close(r);
	dup2(saved, 0);
	close(saved);
}

static void missing_device(void **state)
{
	char err[RDR_ERRMSG_MAX];
	struct rdr *r;

	(void)state;
	assert_int_equal(rdr_open("kbd:/nonexistent/event9", &r, err,
				  sizeof(err)),
			 RDR_ERR_UNAVAILABLE);
	assert_non_null(strstr(err, "cannot open /nonexistent/event9"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lines, setup, teardown),
		cmocka_unit_test_setup_teardown(too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(evdev_records, setup,
						teardown),
		cmocka_unit_test(pipe_timeout),
		cmocka_unit_test(missing_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
