/*
 * The `kbd` reader backend: a USB barcode scanner that acts as a keyboard
 * and types the number printed on a card, one line per card.  Three ways
 * in:
 *
 *   kbd:                 standard input (the scanner types into the
 *                        terminal the program runs in)
 *   kbd:/dev/input/eventN  the scanner's own input device, grabbed so its
 *                        digits do not also land on the console
 *   kbd:PATH             any other file: a tty, a FIFO, a file of lines
 *   kbd:evdev:FILE       input_event records from a file (a recording)
 *
 * A line is one read: RDR_EV_CARD with the number as text, then
 * RDR_EV_REMOVED (a typed number is a momentary presentation; typing it
 * again is a repeat, which the caller decides).  Blank lines are nothing; a
 * line that is not a card number is RDR_EV_UNREADABLE with the reason.  End
 * of input is RDR_EV_END.
 *
 * A barcode scanner can as well read the QR code on the back of a My
 * Number card, which holds the holder's 12-digit individual number (個人番号),
 * and the card case does not hide it.  An office may not collect that
 * number without cause (My Number Act), so a line holding one, alone or
 * among other characters, is refused: it is not reported, not put in the
 * error message, and the line buffer is wiped.  rdr_kbd_is_mynumber()
 * says which lines those are.
 *
 * A wait lasts at most its timeout also while input keeps arriving: a
 * stuck scanner that types blank lines, or one endless line, would
 * otherwise keep kbd_next reading forever, and its caller, which checks
 * its stop flag (Ctrl-C, SIGTERM) between two waits, could never stop.
 * So before every read of more input the clock is looked at; what was
 * typed so far of a line is kept for the next wait.
 */
#include "reader.h"
#include "rdr_backends.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../common/model.h"

#define KBD_LINE_MAX 128

struct kbd {
	int fd;
	int own_fd;  /* opened here: close it */
	int grabbed; /* an input device we hold exclusively */
	int evdev;   /* fd is an input device: struct input_event records */
	int shift;   /* evdev: a shift key is down */
	char line[KBD_LINE_MAX + 1];
	size_t len;
	int overlong;	/* the current line exceeded KBD_LINE_MAX */
	char raw[4096]; /* bytes read, not yet taken (text mode) */
	size_t raw_len, raw_pos;
	struct input_event ev[64]; /* records read (evdev mode) */
	size_t ev_len, ev_pos;
	struct rdr_event pending; /* REMOVED after each CARD */
	int has_pending;
	int ended;
};

/* A key's character on a scanner that types digits and A-F, or 0. */
static char evdev_char(unsigned code, int shift)
{
	static const struct {
		unsigned code;
		char c;
	} keys[] = {
	    {KEY_0, '0'},	 {KEY_1, '1'},	   {KEY_2, '2'},
	    {KEY_3, '3'},	 {KEY_4, '4'},	   {KEY_5, '5'},
	    {KEY_6, '6'},	 {KEY_7, '7'},	   {KEY_8, '8'},
	    {KEY_9, '9'},	 {KEY_KP0, '0'},   {KEY_KP1, '1'},
	    {KEY_KP2, '2'},	 {KEY_KP3, '3'},   {KEY_KP4, '4'},
	    {KEY_KP5, '5'},	 {KEY_KP6, '6'},   {KEY_KP7, '7'},
	    {KEY_KP8, '8'},	 {KEY_KP9, '9'},   {KEY_A, 'a'},
	    {KEY_B, 'b'},	 {KEY_C, 'c'},	   {KEY_D, 'd'},
	    {KEY_E, 'e'},	 {KEY_F, 'f'},	   {KEY_ENTER, '\n'},
	    {KEY_KPENTER, '\n'}, {KEY_SPACE, ' '}, {KEY_MINUS, '-'},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].code == code)
			return shift && keys[i].c >= 'a' && keys[i].c <= 'f'
				   ? (char)(keys[i].c - 'a' + 'A')
				   : keys[i].c;
	/* Any other key is kept as a marker, so the line is refused rather
	 * than silently read as another number. */
	return '?';
}

/* Monotonic milliseconds. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The next character typed, 0 when there is none yet or the wait is over,
 * -1 at end of input, or a negative RDR_ERR_*.  Reads more input only
 * until deadline (monotonic ms; -1: none), and at least once per wait
 * (*reads counts them): a zero timeout still takes what is there.
 */
static int next_char(struct kbd *k, int64_t deadline, int *reads, char *c,
		     char *err, size_t errlen)
{
	for (;;) {
		if (!k->evdev && k->raw_pos < k->raw_len) {
			*c = k->raw[k->raw_pos++];
			return 1;
		}
		while (k->evdev && k->ev_pos < k->ev_len) {
			const struct input_event *e = &k->ev[k->ev_pos++];

			if (e->type != EV_KEY)
				continue;
			if (e->code == KEY_LEFTSHIFT ||
			    e->code == KEY_RIGHTSHIFT) {
				k->shift = e->value != 0;
				continue;
			}
			if (e->value != 1) /* press only, not release/repeat */
				continue;
			*c = evdev_char(e->code, k->shift);
			return 1;
		}
		if (k->ended)
			return -1;
		int wait_ms = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0 && *reads > 0)
				return 0; /* the wait is over, input or not */
			wait_ms = left > 0 ? (int)left : 0;
		}
		(*reads)++;
		struct pollfd pfd = {.fd = k->fd, .events = POLLIN};
		int n = poll(&pfd, 1, wait_ms);

		if (n < 0 && errno == EINTR)
			return RDR_ERR_INTERRUPTED;
		if (n < 0) {
			rdr_errf(err, errlen, "cannot wait for input: %s",
				 strerror(errno));
			return RDR_ERR_IO;
		}
		if (n == 0)
			return 0;
		ssize_t got = k->evdev ? read(k->fd, k->ev, sizeof(k->ev))
				       : read(k->fd, k->raw, sizeof(k->raw));
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			return errno == EINTR ? RDR_ERR_INTERRUPTED : 0;
		if (got < 0) {
			/* A scanner unplugged from USB: the device is gone. */
			rdr_errf(err, errlen, "cannot read: %s",
				 strerror(errno));
			return RDR_ERR_IO;
		}
		if (got == 0) {
			k->ended = 1;
			continue;
		}
		if (k->evdev) {
			k->ev_len = (size_t)got / sizeof(k->ev[0]);
			k->ev_pos = 0;
		} else {
			k->raw_len = (size_t)got;
			k->raw_pos = 0;
		}
	}
}

int rdr_kbd_is_mynumber(const char *s, size_t n)
{
	return mynumber_in(s, n);
}

/* Forgets a line that may hold a number nobody may keep. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Turns a finished line into an event; 0 when the line is blank. */
static int take_line(struct kbd *k, struct rdr_event *ev, char *err,
		     size_t errlen)
{
	char *s = k->line;
	size_t n = k->len;
	int overlong = k->overlong;

	k->len = 0;
	k->overlong = 0;
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0 && !overlong)
		return 0;
	s[n] = '\0';
	memset(ev, 0, sizeof(*ev));
	if (rdr_kbd_is_mynumber(s, n)) {
		/* The line, and the input it was taken from so far. */
		wipe(k->line, sizeof(k->line));
		wipe(k->raw, k->raw_pos);
		wipe(k->ev, k->ev_pos * sizeof(k->ev[0]));
		rdr_errf(err, errlen,
			 "an individual number (My Number) was scanned, "
			 "probably the QR code on the back of the card: it is "
			 "not read, not kept and not shown; scan the delivery "
			 "slip's number or the card's chip instead");
		ev->kind = RDR_EV_UNREADABLE;
		return 1;
	}
	if (overlong || n > SERIAL_MAX) {
		rdr_errf(err, errlen,
			 "not a card number: longer than %d characters",
			 SERIAL_MAX);
		ev->kind = RDR_EV_UNREADABLE;
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (hex_digit((unsigned char)s[i]) < 0) {
			size_t digits = 0;

			for (size_t j = 0; j < n; j++)
				digits += s[j] >= '0' && s[j] <= '9';
			/* A line with 12 digits or more may hide an
			 * individual number in another layout: not shown. */
			if (digits >= 12)
				rdr_errf(err, errlen,
					 "not a card number (digits or hex "
					 "only)");
			else
				rdr_errf(err, errlen,
					 "not a card number: '%.*s' (digits or "
					 "hex only)",
					 (int)(n > 40 ? 40 : n), s);
			ev->kind = RDR_EV_UNREADABLE;
			return 1;
		}
	}
	ev->kind = RDR_EV_CARD;
	memcpy(ev->id.bytes, s, n);
	ev->id.len = n;
	ev->id.text = 1;
	k->pending.kind = RDR_EV_REMOVED;
	k->has_pending = 1;
	return 1;
}

static int kbd_next(void *state, int timeout_ms, struct rdr_event *ev,
		    char *err, size_t errlen)
{
	struct kbd *k = state;
	int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
	int reads = 0;

	if (k->has_pending) {
		*ev = k->pending;
		k->has_pending = 0;
		return 0;
	}
	for (;;) {
		char c;
		int rc = next_char(k, deadline, &reads, &c, err, errlen);

		if (rc == 0) {
			memset(ev, 0, sizeof(*ev));
			ev->kind = RDR_EV_TIMEOUT;
			return 0;
		}
		if (rc == -1) {
			/* A last line without its newline still counts. */
			if (take_line(k, ev, err, errlen))
				return 0;
			memset(ev, 0, sizeof(*ev));
			ev->kind = RDR_EV_END;
			return 0;
		}
		if (rc < 0)
			return rc;
		if (c == '\n') {
			if (take_line(k, ev, err, errlen))
				return 0;
			continue;
		}
		if (k->len < KBD_LINE_MAX)
			k->line[k->len++] = c;
		else
			k->overlong = 1;
	}
}

static int kbd_open(const char *arg, void **state, char *err, size_t errlen)
{
	struct kbd *k = calloc(1, sizeof(*k));

	if (k == NULL) {
		rdr_errf(err, errlen, "out of memory");
		return RDR_ERR_NOMEM;
	}
	/* kbd:evdev:FILE reads input_event records from any file (a
	 * recording of a scanner), as from a device. */
	if (strncmp(arg, "evdev:", 6) == 0) {
		arg += 6;
		k->evdev = 1;
	}
	if (arg[0] == '\0' || strcmp(arg, "-") == 0) {
		k->fd = 0;
	} else {
		k->fd = open(arg, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (k->fd < 0) {
			rdr_errf(err, errlen, "cannot open %s: %s", arg,
				 strerror(errno));
			free(k);
			return RDR_ERR_UNAVAILABLE;
		}
		k->own_fd = 1;
		/* An input device answers EVIOCGVERSION; a tty or file does
		 * not.  Grab it so the typed digits reach only us. */
		int version;
		if (ioctl(k->fd, EVIOCGVERSION, &version) == 0) {
			k->evdev = 1;
			k->grabbed = ioctl(k->fd, EVIOCGRAB, 1) == 0;
		}
	}
	*state = k;
	return 0;
}

static void kbd_close(void *state)
{
	struct kbd *k = state;

	if (k->own_fd) {
		if (k->grabbed)
			ioctl(k->fd, EVIOCGRAB, 0);
		close(k->fd);
	}
	free(k);
}

const struct rdr_ops rdr_kbd_ops = {
    .name = "kbd",
    .help = N_("kbd: (stdin), kbd:/dev/input/eventN or kbd:TTY: a barcode "
	       "scanner typing the printed number, one line a card"),
    .open = kbd_open,
    .next = kbd_next,
    .close = kbd_close,
};
