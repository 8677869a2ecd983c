/*
 * Tests of the reader registry (drivers/reader.c) and the `sim` backend
 * (drivers/rdr_sim.c): the events each script line produces, the script
 * errors and their line numbers, real waits against the caller's timeout,
 * signals, and stdin fed live through a pipe.  Scripts are written into a
 * private temporary directory that the group teardown removes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../drivers/reader.h"
#include "../drivers/rdr_backends.h"

#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Long enough never to fire on a working driver, short enough not to hang. */
#define GUARD_MS 5000
/* The whole binary takes about two seconds; sanitizers make it slower. */
#define WATCHDOG_S 120

static char tmpdir[256];

static int group_setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_sim.XXXXXX", base);
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	/* Fails when a test left a file behind. */
	return rmdir(tmpdir);
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* Writes text as a script file, opens it, removes the file again. */
static int open_script(const char *text, struct rdr **r, char *err,
		       size_t errlen)
{
	char path[512], spec[520];
	FILE *f;
	int ret;

	path_of(path, sizeof(path), "script.sim");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	snprintf(spec, sizeof(spec), "sim:%s", path);
	ret = rdr_open(spec, r, err, errlen);
	assert_int_equal(unlink(path), 0);
	return ret;
}

static struct rdr *must_open(const char *text)
{
	char err[RDR_ERRMSG_MAX] = "";
	struct rdr *r = NULL;
	int ret = open_script(text, &r, err, sizeof(err));

	if (ret != 0)
		fail_msg("open failed (%d): %s", ret, err);
	assert_non_null(r);
	return r;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case RDR_EV_CARD:
		return "CARD";
	case RDR_EV_REMOVED:
		return "REMOVED";
	case RDR_EV_LOST:
		return "LOST";
	case RDR_EV_BACK:
		return "BACK";
	case RDR_EV_END:
		return "END";
	case RDR_EV_TIMEOUT:
		return "TIMEOUT";
	}
	return "?";
}

/* The test's own hex decoder, independent of the driver's. */
static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Next event must be `kind` (and, for a card, carry serial `hex`). */
static void expect_at(struct rdr *r, int timeout_ms, int kind, const char *hex,
		      const char *file, int line)
{
	struct rdr_event ev;
	uint8_t want[RDR_ID_MAX];
	size_t len;
	int ret = rdr_next(r, timeout_ms, &ev);

	if (ret != 0)
		fail_msg("%s:%d: rdr_next returned %d (%s), expected %s", file,
			 line, ret, rdr_error(r), kind_name(kind));
	if ((int)ev.kind != kind)
		fail_msg("%s:%d: got %s, expected %s", file, line,
			 kind_name(ev.kind), kind_name(kind));
	if (hex == NULL)
		return;
	len = unhex(hex, want);
	if (ev.id.len != len || memcmp(ev.id.bytes, want, len) != 0)
		fail_msg("%s:%d: card of %zu bytes is not %s", file, line,
			 ev.id.len, hex);
}

#define expect_ev(r, kind)                                                     \
	expect_at(r, GUARD_MS, kind, NULL, __FILE__, __LINE__)
#define expect_card(r, hex)                                                    \
	expect_at(r, GUARD_MS, RDR_EV_CARD, hex, __FILE__, __LINE__)
#define expect_timeout(r, ms)                                                  \
	expect_at(r, ms, RDR_EV_TIMEOUT, NULL, __FILE__, __LINE__)

static void assert_contains(const char *s, const char *part)
{
	if (strstr(s, part) == NULL)
		fail_msg("'%s' does not contain '%s'", s, part);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_registry(void **state)
{
	const struct rdr_ops *const *b = rdr_backends();
	int sim = 0;

	(void)state;
	for (; *b != NULL; b++) {
		assert_non_null((*b)->name);
		assert_non_null((*b)->help);
		assert_non_null((*b)->open);
		assert_non_null((*b)->next);
		assert_non_null((*b)->close);
		if (strcmp((*b)->name, "sim") == 0)
			sim++;
	}
	assert_int_equal(sim, 1);
}

static void test_every_line_kind(void **state)
{
	struct rdr *r = must_open("card 04A1B2C3\n"
				  "wait 10\n"
				  "remove\n"
				  "two 0102 0a0B\n"
				  "unplug\n"
				  "replug\n"
				  "card 04a1b2c3\n"
				  "end\n");

	(void)state;
	expect_card(r, "04A1B2C3");
	expect_ev(r, RDR_EV_REMOVED);
	expect_card(r, "0102");
	expect_card(r, "0A0B");
	expect_ev(r, RDR_EV_LOST);
	expect_ev(r, RDR_EV_BACK);
	/* The two cards still lie on the reader: reported again. */
	expect_card(r, "0102");
	expect_card(r, "0A0B");
	expect_ev(r, RDR_EV_REMOVED);
	expect_card(r, "04A1B2C3");
	expect_ev(r, RDR_EV_END);
	/* The end stays the end. */
	expect_ev(r, RDR_EV_END);
	expect_ev(r, RDR_EV_END);
	assert_string_equal(rdr_error(r), "");
	rdr_close(r);
}

static void test_comments_and_blanks(void **state)
{
	struct rdr *r = must_open("# a sim script\n"
				  "\n"
				  "   \t \n"
				  "  card 01   # the first card\r\n"
				  "#card 02\n"
				  "\tremove\t\n"
				  "#\n");

	(void)state;
	expect_card(r, "01");
	expect_ev(r, RDR_EV_REMOVED);
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_card_held_across_waits(void **state)
{
	struct rdr *r = must_open("card 01\nwait 5\nwait 5\nwait 5\nremove\n");

	(void)state;
	expect_card(r, "01");
	expect_ev(r, RDR_EV_REMOVED);
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_same_card_twice(void **state)
{
	struct rdr *r = must_open("card 01\ncard 01\ncard 02\nremove\n");

	(void)state;
	expect_card(r, "01");
	expect_ev(r, RDR_EV_REMOVED);
	expect_card(r, "01");
	expect_ev(r, RDR_EV_REMOVED);
	expect_card(r, "02");
	expect_ev(r, RDR_EV_REMOVED);
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_two_cards(void **state)
{
	/* `remove` on an empty field reports nothing. */
	struct rdr *r =
	    must_open("remove\ncard 09\ntwo 01 02\nremove\nremove\n");

	(void)state;
	expect_card(r, "09");
	expect_ev(r, RDR_EV_REMOVED);
	expect_card(r, "01");
	expect_card(r, "02");
	expect_ev(r, RDR_EV_REMOVED);
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_unplug_replug(void **state)
{
	struct rdr *r = must_open("card 01\n"
				  "unplug\n"
				  "unplug\n"
				  "card 02\n"
				  "two 03 04\n"
				  "remove\n"
				  "wait 1\n"
				  "replug\n"
				  "replug\n"
				  "remove\n"
				  "card 05\n");

	(void)state;
	expect_card(r, "01");
	/* The field is forgotten: no REMOVED, and nothing while away. */
	expect_ev(r, RDR_EV_LOST);
	expect_ev(r, RDR_EV_BACK);
	expect_card(r, "05");
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

/*
 * reader.h: after RDR_EV_BACK a card lying on the reader is reported,
 * whether it lay there before the reader was lost or was put down while it
 * was away.
 */
static void test_card_on_reader_when_it_returns(void **state)
{
	struct rdr *r = must_open("card 04A304\n"
				  "unplug\n"
				  "replug\n"
				  "remove\n"
				  "unplug\n"
				  "card 04A305\n"
				  "replug\n"
				  "remove\n");

	(void)state;
	expect_card(r, "04A304");
	expect_ev(r, RDR_EV_LOST);
	expect_ev(r, RDR_EV_BACK);
	expect_card(r, "04A304");
	expect_ev(r, RDR_EV_REMOVED);
	expect_ev(r, RDR_EV_LOST);
	expect_ev(r, RDR_EV_BACK);
	expect_card(r, "04A305");
	expect_ev(r, RDR_EV_REMOVED);
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_unknown_line_at_open(void **state)
{
	char err[RDR_ERRMSG_MAX] = "";
	struct rdr *r = (struct rdr *)&r; /* must be reset to NULL */

	(void)state;
	assert_int_equal(open_script("card 01\n\nfrobnicate 3\ncard 02\n", &r,
				     err, sizeof(err)),
			 RDR_ERR_SCRIPT);
	assert_null(r);
	assert_string_equal(err, "line 3: unknown command 'frobnicate'");
	/* The caller may pass no buffer at all. */
	assert_int_equal(open_script("card 01\nCARD 02\n", &r, NULL, 0),
			 RDR_ERR_SCRIPT);
	assert_null(r);
}

static void test_bad_lines(void **state)
{
	static const char long_serial[] = "000102030405060708090A0B0C0D0E0F1011"
					  "12131415161718191A1B1C1D1E1F20";
	static const struct {
		const char *line, *msg;
	} cases[] = {
	    {"card 123", "line 2: bad serial '123': odd number of hex digits"},
	    {"card 12G4", "line 2: bad serial '12G4': not hexadecimal"},
	    {"card 0x12", "line 2: bad serial '0x12': not hexadecimal"},
	    {"card", "line 2: missing argument, expected 'card SERIAL'"},
	    {"card   # 01", "line 2: missing argument, expected 'card SERIAL'"},
	    {"card 01 02", "line 2: unexpected '02', expected 'card SERIAL'"},
	    {"two 01", "line 2: missing argument, expected 'two SERIAL "
		       "SERIAL'"},
	    {"two 0a 0A",
	     "line 2: 'two' needs two distinct serials, got '0a' twice"},
	    {"remove now", "line 2: unexpected 'now', expected 'remove'"},
	    {"wait", "line 2: missing argument, expected 'wait MS'"},
	    {"wait -1",
	     "line 2: bad wait '-1': expected 0..3600000 milliseconds"},
	    {"wait 3600001", "line 2: bad wait '3600001': expected "
			     "0..3600000 milliseconds"},
	    {"wait 1.5",
	     "line 2: bad wait '1.5': expected 0..3600000 milliseconds"},
	    {"Card 01", "line 2: unknown command 'Card'"},
	    {"card\x01 01", "line 2: unknown command 'card?'"},
	};
	char text[256], err[RDR_ERRMSG_MAX];
	struct rdr *r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "card 01\n%s\ncard 02\n",
			 cases[i].line);
		err[0] = '\0';
		assert_int_equal(open_script(text, &r, err, sizeof(err)),
				 RDR_ERR_SCRIPT);
		assert_null(r);
		assert_string_equal(err, cases[i].msg);
	}

	/* 33 bytes is one too many; the message shows a shortened serial. */
	snprintf(text, sizeof(text), "card %s\n", long_serial);
	assert_int_equal(open_script(text, &r, err, sizeof(err)),
			 RDR_ERR_SCRIPT);
	assert_string_equal(err, "line 1: bad serial "
				 "'000102030405060708090A0B0C0D0E0F...': "
				 "longer than 64 hex digits (32 bytes)");

	/* The limits themselves are fine: 32 bytes, one byte, wait 0. */
	snprintf(text, sizeof(text), "card %.64s\ncard ff\nwait 0\n",
		 long_serial);
	r = must_open(text);
	expect_card(r, "000102030405060708090A0B0C0D0E0F"
		       "101112131415161718191A1B1C1D1E1F");
	expect_ev(r, RDR_EV_REMOVED);
	expect_card(r, "FF");
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_long_line(void **state)
{
	char *text = malloc(6000);
	char err[RDR_ERRMSG_MAX] = "";
	struct rdr *r;

	(void)state;
	assert_non_null(text);
	memcpy(text, "card 01\n# ", 10);
	memset(text + 10, 'x', 5000);
	memcpy(text + 5010, "\n", 2);
	assert_int_equal(open_script(text, &r, err, sizeof(err)),
			 RDR_ERR_SCRIPT);
	free(text);
	assert_string_equal(err, "line 2: longer than 4096 bytes");
}

static void test_wait_and_timeout(void **state)
{
	struct rdr *r = must_open("card 01\nwait 200\ncard 02\n");
	struct rdr_event ev;
	struct timespec t0, t1;
	double dt;
	int ret;

	(void)state;
	expect_card(r, "01");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Shorter timeouts than the wait come back empty-handed... */
	expect_timeout(r, 50);
	dt = ms_since(&t0);
	if (dt < 50)
		fail_msg("timeout of 50 ms returned after %.1f ms", dt);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	expect_timeout(r, 0);
	expect_timeout(r, 20);
	dt = ms_since(&t1);
	if (dt < 20)
		fail_msg("timeout of 20 ms returned after %.1f ms", dt);
	/*
	 * ...and the wait goes on where it was, not from the start: were it
	 * restarted by each call, 30 ms calls would never see it end.
	 */
	for (int calls = 0;; calls++) {
		ret = rdr_next(r, 30, &ev);
		assert_int_equal(ret, 0);
		if (ev.kind != RDR_EV_TIMEOUT)
			break;
		if (calls == 150)
			fail_msg("wait 200 still running after %d calls",
				 calls);
	}
	assert_int_equal(ev.kind, RDR_EV_REMOVED);
	dt = ms_since(&t0);
	if (dt < 200)
		fail_msg("wait 200 ended after %.1f ms", dt);
	expect_card(r, "02");
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

/*
 * A child process sends the signal, as a user's Ctrl-C would come from
 * outside; the process's one alarm timer stays free for main's watchdog.
 */
static void test_wait_interrupted(void **state)
{
	struct sigaction sa, old;
	struct rdr *r = must_open("wait 300\ncard 01\n");
	struct rdr_event ev;
	struct timespec t0;
	pid_t child;
	int status, ret;
	double dt;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART, like the scanner's */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	signals_seen = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct timespec pause = {.tv_nsec = 30 * 1000000L};

		nanosleep(&pause, NULL);
		_exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
	}
	ret = rdr_next(r, -1, &ev);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(signals_seen, 1);
	assert_int_equal(ret, RDR_ERR_INTERRUPTED);
	assert_string_equal(rdr_error(r), "interrupted by a signal");
	/* Called again, the same wait resumes and then the card comes. */
	expect_at(r, -1, RDR_EV_CARD, "01", __FILE__, __LINE__);
	dt = ms_since(&t0);
	if (dt < 300)
		fail_msg("wait 300 ended after %.1f ms", dt);
	assert_string_equal(rdr_error(r), "");
	rdr_close(r);
}

static void test_eof_without_end(void **state)
{
	struct rdr *r = must_open("card 01\nremove");

	(void)state;
	expect_card(r, "01");
	expect_ev(r, RDR_EV_REMOVED);
	expect_ev(r, RDR_EV_END);
	expect_ev(r, RDR_EV_END);
	rdr_close(r);

	r = must_open("");
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_lines_after_end(void **state)
{
	struct rdr *r = must_open("card 01\n  end  # done\nnot a command\n"
				  "card 02\n");

	(void)state;
	expect_card(r, "01");
	expect_ev(r, RDR_EV_END);
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_missing_file(void **state)
{
	char path[512], spec[520], err[RDR_ERRMSG_MAX] = "";
	struct rdr *r;

	(void)state;
	path_of(path, sizeof(path), "no-such.sim");
	snprintf(spec, sizeof(spec), "sim:%s", path);
	assert_int_equal(rdr_open(spec, &r, err, sizeof(err)),
			 RDR_ERR_UNAVAILABLE);
	assert_null(r);
	assert_contains(err, path);
	assert_contains(err, strerror(ENOENT));
}

static void test_bad_specs(void **state)
{
	static const char *const no_colon[] = {"sim", "", ":x", "foo"};
	char err[RDR_ERRMSG_MAX] = "";
	struct rdr *r;

	(void)state;
	assert_int_equal(rdr_open("foo:bar", &r, err, sizeof(err)),
			 RDR_ERR_SPEC);
	assert_null(r);
	assert_contains(err, "unknown reader backend 'foo'");
	assert_contains(err, "sim");
	/* A name is matched whole, not by prefix. */
	assert_int_equal(rdr_open("si:x", &r, err, sizeof(err)), RDR_ERR_SPEC);
	assert_int_equal(rdr_open("simx:x", &r, err, sizeof(err)),
			 RDR_ERR_SPEC);
	for (size_t i = 0; i < sizeof(no_colon) / sizeof(no_colon[0]); i++) {
		err[0] = '\0';
		assert_int_equal(rdr_open(no_colon[i], &r, err, sizeof(err)),
				 RDR_ERR_SPEC);
		assert_null(r);
		assert_contains(err, "expected NAME:ARG");
	}
	assert_int_equal(rdr_open(NULL, &r, err, sizeof(err)), RDR_ERR_SPEC);
	assert_int_equal(rdr_open("sim:", &r, err, sizeof(err)), RDR_ERR_SPEC);
	assert_contains(err, "sim:FILE");
	assert_int_equal(rdr_open("foo:bar", &r, NULL, 0), RDR_ERR_SPEC);
	/* A tiny buffer still gets a terminated (shortened) message. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(rdr_open("foo:bar", &r, err, 5), RDR_ERR_SPEC);
	assert_string_equal(err, "unkn");
}

static void test_close_null(void **state)
{
	(void)state;
	rdr_close(NULL);
	assert_string_equal(rdr_error(NULL), "");
}

/* A hand-made backend to check what the registry does around the ops. */
static int fake_fb_seen;

static int fake_open(const char *arg, void **st, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	*st = NULL;
	return strcmp(arg, "fail") == 0 ? RDR_ERR_UNAVAILABLE : 0;
}

static int fake_next(void *st, int timeout_ms, struct rdr_event *ev, char *err,
		     size_t errlen)
{
	(void)st;
	(void)timeout_ms;
	(void)ev;
	(void)err;
	(void)errlen;
	return RDR_ERR_IO; /* and no message: the registry must add one */
}

static int fake_feedback(void *st, enum rdr_feedback fb)
{
	(void)st;
	fake_fb_seen = (int)fb;
	return RDR_ERR_IO;
}

static void fake_close(void *st)
{
	(void)st;
}

static void test_registry_rules(void **state)
{
	struct rdr_ops ops = {
	    .name = "fake",
	    .help = "fake",
	    .open = fake_open,
	    .next = NULL,
	    .close = fake_close,
	};
	char err[RDR_ERRMSG_MAX] = "";
	struct rdr_event ev;
	struct rdr *r;

	(void)state;
	/* A missing required op refuses to open instead of faking success. */
	assert_int_equal(rdr_open_ops(&ops, "x", &r, err, sizeof(err)),
			 RDR_ERR_UNSUPPORTED);
	assert_null(r);
	assert_string_equal(
	    err, "reader backend 'fake' lacks required member 'next'");
	ops.next = fake_next;
	ops.close = NULL;
	assert_int_equal(rdr_open_ops(&ops, "x", &r, err, sizeof(err)),
			 RDR_ERR_UNSUPPORTED);
	assert_contains(err, "'close'");
	ops.close = fake_close;

	/* A failing open without a message still explains itself. */
	assert_int_equal(rdr_open_ops(&ops, "fail", &r, err, sizeof(err)),
			 RDR_ERR_UNAVAILABLE);
	assert_null(r);
	assert_contains(err, "fake");

	assert_int_equal(rdr_open_ops(&ops, "x", &r, err, sizeof(err)), 0);
	assert_int_equal(rdr_next(r, 0, &ev), RDR_ERR_IO);
	assert_contains(rdr_error(r), "fake");
	/* No feedback op: a silent success. */
	assert_int_equal(rdr_feedback(r, RDR_FB_ALERT), 0);
	rdr_close(r);

	ops.feedback = fake_feedback;
	assert_int_equal(rdr_open_ops(&ops, "x", &r, err, sizeof(err)), 0);
	fake_fb_seen = 0;
	assert_int_equal(rdr_feedback(r, RDR_FB_REPEAT), RDR_ERR_IO);
	assert_int_equal(fake_fb_seen, RDR_FB_REPEAT);
	rdr_close(r);

	/* The sim backend has no buzzer: feedback does nothing, says 0. */
	r = must_open("card 01\n");
	assert_int_equal(rdr_feedback(r, RDR_FB_ACCEPTED), 0);
	rdr_close(r);
}

/*
 * stdin tests: a pipe replaces fd 0 for the length of one test, and the
 * teardown puts the real stdin back even when an assertion failed.
 */
struct piped {
	int saved; /* the real stdin */
	int wr;	   /* the test's end of the pipe, -1 once closed */
	pid_t child;
};

static int pipe_setup(void **state)
{
	static struct piped p;
	int fds[2];

	p.child = -1;
	p.saved = dup(0);
	if (p.saved < 0 || pipe(fds) != 0)
		return -1;
	if (dup2(fds[0], 0) < 0)
		return -1;
	close(fds[0]);
	p.wr = fds[1];
	*state = &p;
	return 0;
}

static int pipe_teardown(void **state)
{
	struct piped *p = *state;
	int ret = 0;

	if (p->wr >= 0)
		close(p->wr);
	if (p->child > 0) {
		int status;

		if (waitpid(p->child, &status, 0) != p->child ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ret = -1;
	}
	if (dup2(p->saved, 0) < 0)
		ret = -1;
	close(p->saved);
	return ret;
}

static void send_text(struct piped *p, const char *s)
{
	size_t n = strlen(s);

	assert_int_equal(write(p->wr, s, n), (ssize_t)n);
}

static struct rdr *open_stdin(void)
{
	char err[RDR_ERRMSG_MAX] = "";
	struct rdr *r = NULL;

	if (rdr_open("sim:-", &r, err, sizeof(err)) != 0)
		fail_msg("sim:- did not open: %s", err);
	return r;
}

static void test_stdin_incremental(void **state)
{
	struct piped *p = *state;
	struct rdr *r = open_stdin();
	struct rdr_event ev;

	/* Nothing sent yet, then half a line: no event either way. */
	expect_timeout(r, 20);
	send_text(p, "card 0");
	expect_timeout(r, 20);
	send_text(p, "4A1\n");
	expect_card(r, "04A1");
	send_text(p, "# a comment\n\nremove\n");
	expect_ev(r, RDR_EV_REMOVED);
	expect_timeout(r, 0);
	/* A bad line fails when it arrives, with its number, and stays. */
	send_text(p, "card 02\nbogus 7\ncard 03\n");
	expect_card(r, "02");
	assert_int_equal(rdr_next(r, GUARD_MS, &ev), RDR_ERR_SCRIPT);
	assert_string_equal(rdr_error(r), "line 6: unknown command 'bogus'");
	assert_int_equal(rdr_next(r, GUARD_MS, &ev), RDR_ERR_SCRIPT);
	assert_string_equal(rdr_error(r), "line 6: unknown command 'bogus'");
	rdr_close(r);
}

static void test_stdin_bad_serial(void **state)
{
	struct piped *p = *state;
	struct rdr *r = open_stdin();
	struct rdr_event ev;

	send_text(p, "card 01\nwait 1\ncard 0G\n");
	expect_card(r, "01");
	assert_int_equal(rdr_next(r, GUARD_MS, &ev), RDR_ERR_SCRIPT);
	assert_string_equal(rdr_error(r),
			    "line 3: bad serial '0G': not hexadecimal");
	rdr_close(r);
}

static void test_stdin_eof(void **state)
{
	struct piped *p = *state;
	struct rdr *r = open_stdin();

	send_text(p, "card 01\nremove");
	close(p->wr);
	p->wr = -1;
	expect_card(r, "01");
	expect_ev(r, RDR_EV_REMOVED);
	expect_ev(r, RDR_EV_END);
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

static void test_stdin_end_stops_reading(void **state)
{
	struct piped *p = *state;
	struct rdr *r = open_stdin();
	char rest[32] = "";

	send_text(p, "card 01\nend\nnot a command\n");
	expect_card(r, "01");
	expect_ev(r, RDR_EV_END);
	/* Whatever follows `end` is neither parsed nor even read. */
	send_text(p, "more garbage\n");
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
	close(p->wr);
	p->wr = -1;
	assert_int_equal(read(0, rest, sizeof(rest) - 1), 13);
	assert_string_equal(rest, "more garbage\n");
}

/* A separate writer process that sends lines slowly, as a person would. */
static void test_stdin_slow_writer(void **state)
{
	struct piped *p = *state;
	struct rdr *r = open_stdin();
	struct timespec t0;
	double dt;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	p->child = fork();
	assert_true(p->child >= 0);
	if (p->child == 0) {
		struct timespec pause = {.tv_nsec = 100 * 1000000L};
		static const char *const lines[] = {"card 0A\n", "remove\n",
						    "two 0B 0C\n", "end\n"};

		for (size_t i = 0; i < 4; i++) {
			size_t n = strlen(lines[i]);

			nanosleep(&pause, NULL);
			if (write(p->wr, lines[i], n) != (ssize_t)n)
				_exit(1);
		}
		_exit(0);
	}
	close(p->wr);
	p->wr = -1;
	/* Blocks in poll() with no limit until the child's first line. */
	expect_at(r, -1, RDR_EV_CARD, "0A", __FILE__, __LINE__);
	dt = ms_since(&t0);
	if (dt < 100)
		fail_msg("card reported after %.1f ms, before it was sent", dt);
	expect_ev(r, RDR_EV_REMOVED);
	expect_card(r, "0B");
	expect_card(r, "0C");
	expect_ev(r, RDR_EV_END);
	rdr_close(r);
}

/* A message cut at the end of the buffer ends on a whole UTF-8
 * character: a Japanese message takes three bytes a character. */
static void test_errf_cut_whole(void **state)
{
	char buf[16];

	(void)state;
	rdr_errf(buf, 5, "%s", "ab\xe3\x81\x82\xe3\x81\x84"); /* abあい */
	assert_string_equal(buf, "ab");
	rdr_errf(buf, 6, "%s", "ab\xe3\x81\x82\xe3\x81\x84");
	assert_string_equal(buf, "ab\xe3\x81\x82");
	rdr_errf(buf, 7, "%s", "ab\xe3\x81\x82\xe3\x81\x84");
	assert_string_equal(buf, "ab\xe3\x81\x82");
	rdr_errf(buf, 4, "%s", "a\xf0\x9f\x92\xb3"); /* a and a 4-byte one */
	assert_string_equal(buf, "a");
	rdr_errf(buf, sizeof(buf), "%s", "ab\xe3\x81\x82");
	assert_string_equal(buf, "ab\xe3\x81\x82");
	rdr_errf(buf, 3, "%s", "abcdef"); /* ASCII is cut anywhere */
	assert_string_equal(buf, "ab");
	assert_string_equal(rdr_tr(""), "");
	assert_null(rdr_tr(NULL));
}

/*
 * The drivers' messages follow the catalog the program bound (here the
 * build's, CARDTALLY_LOCALEDIR, in Japanese), and stay English once
 * rdr_messages_translated(0), as the command line's --json asks.
 */
static void test_messages_translated(void **state)
{
	const char *dir = getenv("CARDTALLY_LOCALEDIR");
	char err[RDR_ERRMSG_MAX];
	struct rdr *r = NULL;

	(void)state;
	if (dir == NULL || *dir == '\0')
		skip(); /* run outside the test harness: no catalog */
	setlocale(LC_ALL, "C.UTF-8");
	setenv("LANGUAGE", "ja", 1);
	bindtextdomain("cardtally", dir);
	bind_textdomain_codeset("cardtally", "UTF-8");
	textdomain("cardtally");

	assert_int_equal(rdr_open("sim:", &r, err, sizeof(err)), RDR_ERR_SPEC);
	/* "sim: 'sim:ファイル' または 'sim:-' の形で指定してください" */
	assert_string_equal(err, "sim: 'sim:\xe3\x83\x95\xe3\x82\xa1"
				 "\xe3\x82\xa4\xe3\x83\xab' \xe3\x81\xbe"
				 "\xe3\x81\x9f\xe3\x81\xaf 'sim:-' "
				 "\xe3\x81\xae\xe5\xbd\xa2\xe3\x81\xa7"
				 "\xe6\x8c\x87\xe5\xae\x9a\xe3\x81\x97"
				 "\xe3\x81\xa6\xe3\x81\x8f\xe3\x81\xa0"
				 "\xe3\x81\x95\xe3\x81\x84");
	rdr_messages_translated(0);
	assert_int_equal(rdr_open("sim:", &r, err, sizeof(err)), RDR_ERR_SPEC);
	assert_string_equal(err, "sim: expected sim:FILE or sim:-");
	rdr_messages_translated(1);
	unsetenv("LANGUAGE");
	setlocale(LC_ALL, "C");
	assert_int_equal(rdr_open("sim:", &r, err, sizeof(err)), RDR_ERR_SPEC);
	assert_string_equal(err, "sim: expected sim:FILE or sim:-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_every_line_kind),
	    cmocka_unit_test(test_comments_and_blanks),
	    cmocka_unit_test(test_card_held_across_waits),
	    cmocka_unit_test(test_same_card_twice),
	    cmocka_unit_test(test_two_cards),
	    cmocka_unit_test(test_unplug_replug),
	    cmocka_unit_test(test_card_on_reader_when_it_returns),
	    cmocka_unit_test(test_unknown_line_at_open),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_wait_and_timeout),
	    cmocka_unit_test(test_wait_interrupted),
	    cmocka_unit_test(test_eof_without_end),
	    cmocka_unit_test(test_lines_after_end),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_bad_specs),
	    cmocka_unit_test(test_close_null),
	    cmocka_unit_test(test_registry_rules),
	    cmocka_unit_test(test_errf_cut_whole),
	    cmocka_unit_test(test_messages_translated),
	    cmocka_unit_test_setup_teardown(test_stdin_incremental, pipe_setup,
					    pipe_teardown),
	    cmocka_unit_test_setup_teardown(test_stdin_bad_serial, pipe_setup,
					    pipe_teardown),
	    cmocka_unit_test_setup_teardown(test_stdin_eof, pipe_setup,
					    pipe_teardown),
	    cmocka_unit_test_setup_teardown(test_stdin_end_stops_reading,
					    pipe_setup, pipe_teardown),
	    cmocka_unit_test_setup_teardown(test_stdin_slow_writer, pipe_setup,
					    pipe_teardown),
	};

	/* A driver that hangs must fail the run, not stall it: SIGALRM kills.
	 */
	alarm(WATCHDOG_S);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
