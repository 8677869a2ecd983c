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

static struct rdr *open_file(const char *prefix, const void *data, size_t len)
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

/* --- individual numbers (My Number) ----------------------------------------
 */

/*
 * The oracle, written from the ordinance's own wording rather than the
 * driver's table: digits P_n numbered n = 1..11 from the right (the check
 * digit excluded), weights Q_n = n + 1 for 1 <= n <= 6 and n - 5 for
 * 7 <= n <= 11; r = sum(P_n * Q_n) mod 11; check = 0 if r <= 1, else
 * 11 - r.
 */
static int oracle_check(const char *d11)
{
	int sum = 0, r;

	for (int n = 1; n <= 11; n++) {
		int p = d11[11 - n] - '0';
		int q = n <= 6 ? n + 1 : n - 5;

		sum += p * q;
	}
	r = sum % 11;
	return r <= 1 ? 0 : 11 - r;
}

/* Twelve digits: 11 pseudo-random ones and a check digit that is right
 * (valid) or wrong.  Generated: never a real person's number on purpose,
 * and none written down here. */
static void make_number(uint32_t *seed, int valid, char out[13])
{
	int check;

	for (int i = 0; i < 11; i++) {
		*seed = *seed * 1103515245u + 12345u;
		out[i] = (char)('0' + (*seed >> 16) % 10);
	}
	check = oracle_check(out);
	out[11] =
	    (char)('0' + (valid ? check : (check + 1 + (int)(*seed % 9)) % 10));
	out[12] = '\0';
}

/* The weights by hand for one number: 1,2,...: 12345678901 has the sum
 * 1*6+2*5+3*4+4*3+5*2+6*7+7*6+8*5+9*4+0*3+1*2 = 212, r = 3, check 8. */
static void check_digit_rule(void **state)
{
	(void)state;
	assert_int_equal(oracle_check("12345678901"), 8);
	assert_true(rdr_kbd_is_mynumber("123456789018", 12));
	assert_false(rdr_kbd_is_mynumber("123456789012", 12));
	/* r <= 1 gives 0: 00000000000 (sum 0) and a sum of 12 (r = 1). */
	assert_true(rdr_kbd_is_mynumber("000000000000", 12));
	assert_int_equal(oracle_check("00000000006"), 0); /* 6*2 = 12 */
	assert_true(rdr_kbd_is_mynumber("000000000060", 12));
	assert_false(rdr_kbd_is_mynumber("000000000061", 12));

	uint32_t seed = 7;
	for (int i = 0; i < 2000; i++) {
		char num[13], line[40];
		int valid = i % 2;

		make_number(&seed, valid, num);
		assert_int_equal(rdr_kbd_is_mynumber(num, 12), valid);
		/* Grouped as printed, and inside other text. */
		snprintf(line, sizeof(line), "%.4s %.4s %.4s", num, num + 4,
			 num + 8);
		assert_int_equal(rdr_kbd_is_mynumber(line, strlen(line)),
				 valid);
		snprintf(line, sizeof(line), "%.4s-%.4s-%.4s", num, num + 4,
			 num + 8);
		assert_int_equal(rdr_kbd_is_mynumber(line, strlen(line)),
				 valid);
		snprintf(line, sizeof(line), "MN:%s;", num);
		assert_int_equal(rdr_kbd_is_mynumber(line, strlen(line)),
				 valid);
		/* One digit more or less is not an individual number. */
		snprintf(line, sizeof(line), "%s7", num);
		assert_false(rdr_kbd_is_mynumber(line, 13));
		assert_false(rdr_kbd_is_mynumber(num + 1, 11));
	}
}

/* Scanned: valid ones refused without a digit of them in the message,
 * invalid ones read as the card numbers they may be. */
static void mynumber_refused(void **state)
{
	char text[4096] = "", num[13], shown[20][13];
	size_t used = 0;
	uint32_t seed = 42;
	struct rdr_event ev;
	struct rdr *r;

	(void)state;
	for (int i = 0; i < 20; i++) {
		make_number(&seed, i % 2 == 0, num);
		memcpy(shown[i], num, 13);
		if (i % 4 == 2)
			used += (size_t)snprintf(
			    text + used, sizeof(text) - used,
			    "%.4s %.4s %.4s\n", num, num + 4, num + 8);
		else
			used += (size_t)snprintf(
			    text + used, sizeof(text) - used, "%s\n", num);
	}
	r = open_file("", text, used);
	for (int i = 0; i < 20; i++) {
		if (i % 2 != 0) {
			/* Not an individual number: a card number. */
			expect_text(r, shown[i]);
			continue;
		}
		assert_int_equal(rdr_next(r, 1000, &ev), 0);
		assert_int_equal(ev.kind, RDR_EV_UNREADABLE);
		assert_int_equal(ev.id.len, 0);
		assert_non_null(strstr(rdr_error(r), "individual number"));
		assert_non_null(strstr(rdr_error(r), "slip"));
		assert_non_null(strstr(rdr_error(r), "chip"));
		/* Not a digit of it, in any group, in the message. */
		for (const char *m = rdr_error(r); *m; m++)
			assert_false(*m >= '0' && *m <= '9');
	}
	expect_kind(r, RDR_EV_END);
	rdr_close(r);

	/* A line of junk with twelve digits or more is not repeated. */
	static const char junk[] = "ID 1234-5678/9012\n";
	r = open_file("", junk, sizeof(junk) - 1);
	expect_kind(r, RDR_EV_UNREADABLE);
	assert_null(strstr(rdr_error(r), "1234"));
	assert_non_null(strstr(rdr_error(r), "not a card number"));
	rdr_close(r);
}

static void missing_device(void **state)
{
	char err[RDR_ERRMSG_MAX];
	struct rdr *r;

	(void)state;
	assert_int_equal(
	    rdr_open("kbd:/nonexistent/event9", &r, err, sizeof(err)),
	    RDR_ERR_UNAVAILABLE);
	assert_non_null(strstr(err, "cannot open /nonexistent/event9"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(too_long, setup, teardown),
	    cmocka_unit_test_setup_teardown(evdev_records, setup, teardown),
	    cmocka_unit_test(pipe_timeout),
	    cmocka_unit_test(missing_device),
	    cmocka_unit_test(check_digit_rule),
	    cmocka_unit_test_setup_teardown(mynumber_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
