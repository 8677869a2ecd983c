/*
 * Helpers shared by the commands: messages, the clock, reading and checking
 * PINs, and the JSON values the commands share (json.h writes them).
 * Everything that prints lives in scanner/; this file is where the error
 * format is decided (git's guideline: lowercase, no trailing period, say
 * what failed).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../../common/clock.h"
#include "../../common/text.h"
#include "../../reconcile/recon.h"
#include "../../reconcile/rules.h"
#include "../lang/lang.h"
#include "help.h"

/* Where cli_error writes while a full-screen program owns the terminal
 * (cli_error_capture); NULL: stderr. */
static char *capture_buf;
static size_t capture_cap;

void cli_error_capture(char *buf, size_t cap)
{
	capture_buf = cap ? buf : NULL;
	capture_cap = cap;
	if (capture_buf)
		capture_buf[0] = '\0';
}

void cli_i18n_init(void)
{
	/* English needs nothing: without setlocale the program's locale is
	 * "C", where gettext gives every msgid back as it is. */
	if (strcmp(lang_env(), "ja") == 0)
		lang_init("ja");
}

const char *cli_word(const char *code)
{
	const char *w = wf_word(code);

	/* gettext("") is the catalog's header, not a word. */
	return *w ? _(w) : "";
}

const char *cli_pad(const char *s, int cols)
{
	static char buf[8][256];
	static unsigned next;
	char *out = buf[next++ % 8];
	size_t n = strlen(s);
	int w = cols_width(s);

	if (n > sizeof(buf[0]) - 1)
		n = sizeof(buf[0]) - 1;
	memcpy(out, s, n);
	while (w < cols && n < sizeof(buf[0]) - 1) {
		out[n++] = ' ';
		w++;
	}
	out[n] = '\0';
	return out;
}

int cli_usage(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fputs("cardtally: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c && c->entry)
		help_usage(stderr, c->entry);
	else
		fputs("run 'cardtally --help' for the commands\n", stderr);
	return EXIT_USAGE;
}

size_t cli_list_count(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == ',';
	return n;
}

int cli_list(const struct cli *c, const char *opt, char *s, char **out,
	     size_t *n)
{
	size_t item = 1;

	/* An empty item is refused, not skipped: "A," may be a list whose
	 * last item was lost, and acting on A alone would do less than was
	 * meant.  Checked whole before it is cut up, so that the message
	 * quotes the list as it was typed. */
	if (*s == '\0')
		return cli_usage(c, "--%s is empty", opt);
	for (const char *p = s;; p++) {
		if ((*p == ',' || *p == '\0') && (p == s || p[-1] == ','))
			return cli_usage(c, "--%s: item %zu of '%s' is empty",
					 opt, item, s);
		if (*p == '\0')
			break;
		item += *p == ',';
	}
	*n = 0;
	for (char *p = s;;) {
		char *comma = strchr(p, ',');

		out[(*n)++] = p;
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return 0;
}

int cli_number(const char *s, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_session_id(struct cli *c, const char *s, int64_t *id)
{
	if (cli_number(s, 1, INT64_MAX, id) < 0)
		return cli_usage(c, "'%s' is not a session id", s);
	return 0;
}

int cli_is_disposal_id(const char *s, int64_t *id)
{
	int64_t v;

	*id = 0;
	if (s[0] != 'D' && s[0] != 'd')
		return 0;
	if (s[1] < '0' || s[1] > '9')
		return 1;
	if (cli_number(s + 1, 1, INT64_MAX, &v) == 0)
		*id = v;
	return 1;
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (capture_buf) {
		vsnprintf(capture_buf, capture_cap, _(fmt), ap);
		va_end(ap);
		return code;
	}
	fputs("cardtally: ", stderr);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_output_done(int rc)
{
	int failed;

	errno = 0;
	failed = fflush(stdout) != 0;
	failed |= ferror(stdout) != 0;
	failed |= fclose(stdout) != 0;
	/* A command that failed already said why (often this very write). */
	if (!failed || (rc != EXIT_OK && rc != EXIT_FOUND))
		return rc;
	return cli_error(EXIT_IOERR, "cannot write output%s%s",
			 errno ? ": " : "", errno ? strerror(errno) : "");
}

const char *cli_opt(const struct cli *c, const char *name)
{
	for (int i = 0; i < c->nopt; i++)
		if (strcmp(c->opt_name[i], name) == 0)
			return c->opt_val[i];
	return NULL;
}

int64_t cli_now(void)
{
	return ct_now();
}

int32_t cli_utc_offset(int64_t t)
{
	return wf_utc_offset(t);
}

void cli_time_iso(int64_t t, char out[TIME_ISO_BUF])
{
	time_format_iso(t, cli_utc_offset(t), out);
}

/*
 * Reads one line (without its newline) from fd, byte by byte so nothing
 * after it is consumed: several PINs may share one pipe.  0; -1 when the
 * line is too long for buf; -2 when nothing could be read (errno set: an
 * fd that is not open, a read error; 0 for an end of file before even a
 * newline).
 */
static int read_line_fd(int fd, char *buf, size_t len)
{
	size_t n = 0;
	int got = 0;

	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && !got) {
			buf[0] = '\0';
			return -2;
		}
		if (r == 0 && !got) {
			buf[0] = '\0';
			errno = 0;
			return -2;
		}
		if (r <= 0)
			break;
		got = 1;
		if (ch == '\n')
			break;
		if (n + 1 < len)
			buf[n++] = ch;
		else
			n = len; /* too long: reported as invalid below */
	}
	if (n >= len) {
		buf[0] = '\0';
		return -1;
	}
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[n - 1] = '\0';
	return 0;
}

int cli_read_pin(int fd, const char *prompt, const char *fd_option,
		 char pin[16])
{
	int tty = -1, rc, err;

	if (fd < 0) {
		struct termios old, noecho;

		tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (tty < 0)
			return cli_error(EXIT_USAGE,
					 "no terminal to read the PIN from: "
					 "use %s N",
					 fd_option);
		if (write(tty, prompt, strlen(prompt)) < 0) {
			close(tty);
			return cli_error(EXIT_SOFTWARE, "cannot prompt: %s",
					 strerror(errno));
		}
		tcgetattr(tty, &old);
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(tty, TCSAFLUSH, &noecho);
		rc = read_line_fd(tty, pin, 16);
		err = errno;
		tcsetattr(tty, TCSAFLUSH, &old);
		if (write(tty, "\n", 1) < 0 && rc == 0)
			rc = -1;
		close(tty);
	} else {
		rc = read_line_fd(fd, pin, 16);
		err = errno;
	}
	/*
	 * Nothing to read is not a PIN of the wrong shape: said as what it
	 * is (a descriptor that is not open, an empty pipe), so that the
	 * script that gave it can be mended; no PIN was tried.
	 */
	if (rc == -2 && fd < 0)
		return cli_error(EXIT_USAGE,
				 "cannot read the PIN from the terminal: %s",
				 err ? strerror(err) : _("end of file"));
	if (rc == -2)
		return cli_error(
		    EXIT_USAGE, "cannot read the PIN from fd %d (%s): %s", fd,
		    fd_option, err ? strerror(err) : _("end of file"));
	if (rc < 0 || !wf_pin_valid(pin)) {
		sodium_memzero(pin, 16);
		return cli_error(EXIT_DATAERR, "a PIN is 4-12 digits");
	}
	return 0;
}

int cli_hash_pin(const char *pin, char out[128])
{
	struct wf_err e;

	if (wf_pin_hash(pin, out, &e))
		return cli_fail(&e);
	return 0;
}

/*
 * Reads a new PIN.  Typed at a terminal it is asked twice: a typo in a
 * PIN nobody saw would lock its owner out (for the first manager, out of
 * the whole ledger).
 */
int cli_new_pin(int fd, const char *fd_option, const char *code, char pin[16])
{
	char again[16], prompt[80];
	int rc;

	snprintf(prompt, sizeof(prompt), "new PIN for %s: ", code);
	rc = cli_read_pin(fd, prompt, fd_option, pin);
	if (rc || fd >= 0)
		return rc;
	snprintf(prompt, sizeof(prompt), "new PIN for %s again: ", code);
	rc = cli_read_pin(fd, prompt, fd_option, again);
	if (rc == 0 && strcmp(pin, again) != 0)
		rc = cli_error(EXIT_DATAERR,
			       "the two PINs differ: nothing changed");
	sodium_memzero(again, sizeof(again));
	if (rc)
		sodium_memzero(pin, 16);
	return rc;
}

const char *cli_tr(const char *msgid)
{
	return gettext(msgid);
}

int cli_fail(const struct wf_err *e)
{
	char msg[WF_ARGS_MAX * WF_ARG_BYTES];

	/* Untranslated (English) this is the message as wf_message has it. */
	wf_render(_(wf_message(e->code)), e, cli_tr, msg, sizeof(msg));
	return cli_error(wf_exit(e->code), "%s", msg);
}

int cli_pin_login(struct ledger *l, const char *code, const char *pin,
		  struct staff_rec *out)
{
	struct wf_err e;

	if (wf_login(l, code, pin, cli_now(), out, &e))
		return cli_fail(&e);
	return 0;
}

int cli_authenticate(struct ledger *l, const char *code, int pin_fd,
		     const char *fd_option, struct staff_rec *out)
{
	char pin[16], prompt[80];
	int rc;

	snprintf(prompt, sizeof(prompt), "PIN for %s: ", code);
	rc = cli_read_pin(pin_fd, prompt, fd_option, pin);
	if (rc != 0)
		return rc;
	rc = cli_pin_login(l, code, pin, out);
	sodium_memzero(pin, sizeof(pin));
	return rc;
}

int cli_actor(struct cli *c, struct ledger *l, struct staff_rec *out)
{
	if (!c->as)
		return cli_usage(c, "--as STAFF_CODE is required");
	return cli_authenticate(l, c->as, c->pin_fd, "--pin-fd", out);
}

int cli_step_actor(struct cli *c, struct ledger *l, struct staff_rec *out)
{
	const struct wf_step *step = c->entry ? c->entry->step : NULL;
	struct wf_err e;
	int rc;

	if (!step)
		return cli_error(EXIT_SOFTWARE,
				 "internal error: '%s' runs no workflow step",
				 c->cmd);
	rc = cli_actor(c, l, out);
	if (rc)
		return rc;
	sodium_memzero(out->pin_hash, sizeof(out->pin_hash));
	if (wf_may(l, step, out, cli_now(), &e))
		return cli_fail(&e);
	return 0;
}

int cli_second_pin(struct cli *c, const struct staff_rec *actor, char pin[16])
{
	char prompt[80];

	pin[0] = '\0';
	/* The workflow refuses the same person before any PIN: asking for
	 * one first would make them type it for nothing. */
	if (!c->witness || strcmp(c->witness, actor->code) == 0)
		return 0;
	snprintf(prompt, sizeof(prompt), "PIN for %s: ", c->witness);
	return cli_read_pin(c->witness_pin_fd, prompt, "--witness-pin-fd", pin);
}

int cli_json_time(struct json_w *w, int64_t t)
{
	char buf[TIME_ISO_BUF];

	if (t == 0)
		return json_w_null(w);
	cli_time_iso(t, buf);
	return json_w_str(w, buf);
}

int cli_json_key_time(struct json_w *w, const char *key, int64_t t)
{
	int rc = json_w_key(w, key);

	return rc ? rc : cli_json_time(w, t);
}

int cli_json_key_date(struct json_w *w, const char *key, int32_t day)
{
	char buf[11];

	if (day == DATE_NONE)
		return json_w_key_null(w, key);
	date_format(day, buf);
	return json_w_key_str(w, key, buf);
}

void cli_json_batch(struct json_w *w, const struct disposal_batch_rec *b)
{
	char name[24];

	snprintf(name, sizeof(name), "D%lld", (long long)b->id);
	json_w_object(w);
	json_w_key_str(w, "disposal", name);
	cli_json_key_time(w, "started_at", b->started_at);
	json_w_key_str(w, "started_by", b->started_by);
	json_w_key_str(w, "witness", b->witness);
	cli_json_key_time(w, "closed_at", b->closed_at);
	json_w_key_opt_str(w, "closed_by", b->closed_by);
	json_w_key_opt_str(w, "close_witness", b->close_witness);
	json_w_key_opt_str(w, "method", b->method);
	json_w_key_opt_str(w, "certificate", b->certificate);
}

int cli_json_done(struct json_w *w, int rc)
{
	int err = json_w_finish(w);

	if (err)
		return cli_error(EXIT_SOFTWARE,
				 "cannot write the JSON output: %s",
				 json_w_strerror(err));
	return rc;
}

int cli_json_id(const char *key, int64_t id)
{
	struct json_w w;

	json_w_init(&w, stdout);
	json_w_object(&w);
	json_w_key_int(&w, key, id);
	json_w_end_object(&w);
	return cli_json_done(&w, EXIT_OK);
}

const char *cli_text(const char *s)
{
	static char ring[8][512];
	static unsigned next;
	char *out = ring[next++ % 8];

	return text_escape(out, sizeof(ring[0]), s ? s : "");
}

void cli_put_text(FILE *f, const char *s)
{
	/* text_escape writes at most four bytes for each byte of s (\xNN
	 * for one byte, \u{NNNN} for two). */
	size_t cap = (s ? strlen(s) : 0) * 4 + 1;
	char *out = malloc(cap);

	if (!out) {
		fputs(cli_text(s), f);
		return;
	}
	fputs(text_escape(out, cap, s ? s : ""), f);
	free(out);
}

/* ---- the signals that end a reading loop ---- */

volatile sig_atomic_t cli_stop_signal;

static const int stop_signals[CLI_NSTOP] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

static void (*volatile stop_wake)(void *);
static void *volatile stop_wake_arg;

static void on_stop(int sig)
{
	void (*wake)(void *) = stop_wake;

	cli_stop_signal = sig;
	if (wake != NULL)
		wake(stop_wake_arg);
}

void cli_stop_wake(void (*wake)(void *arg), void *arg)
{
	/* The argument first: a signal in between finds them paired. */
	stop_wake = NULL;
	stop_wake_arg = arg;
	stop_wake = wake;
}

void cli_stop_catch(struct sigaction old[CLI_NSTOP])
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	cli_stop_signal = 0;
	for (size_t i = 0; i < CLI_NSTOP; i++)
		sigaction(stop_signals[i], &sa, &old[i]);
}

void cli_stop_restore(const struct sigaction old[CLI_NSTOP])
{
	stop_wake = NULL;
	for (size_t i = 0; i < CLI_NSTOP; i++)
		sigaction(stop_signals[i], &old[i], NULL);
}
