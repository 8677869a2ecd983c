/*
 * The `sim` reader backend: a scripted stream of card events (cardtally(1)
 * "READERS") that stands in for hardware in demos, scenario tests
 * and benchmarks.  `sim:FILE` reads and checks the whole file at open, so a
 * bad script fails before any card is counted; `sim:-` reads stdin line by
 * line as it arrives, so a test or a human can feed events live, and a bad
 * line fails only when reached.
 *
 * The script is kept as text and parsed one line at a time while playing,
 * both for files (already checked) and for stdin: memory stays the size of
 * the file, whatever the number of cards.  `wait` really waits, on the
 * monotonic clock, without ever overrunning the caller's timeout.
 */
#include "reader.h"
#include "rdr_backends.h"

#include "../common/model.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Longest script line, comment included; longer is surely not a script. */
#define SIM_LINE_MAX   4096
#define SIM_READ_CHUNK 4096
#define SIM_WAIT_MAX   3600000L /* one hour, in milliseconds */
#define SIM_QUOTE_MAX  32	/* bytes of a bad token shown in a message */

enum sim_op {
	SIM_NONE, /* blank or comment-only line */
	SIM_CARD,
	SIM_REMOVE,
	SIM_WAIT,
	SIM_UNPLUG,
	SIM_REPLUG,
	SIM_TWO,
	SIM_END,
};

static const struct {
	const char *name;
	enum sim_op op;
	size_t nargs;
	const char *usage;
} sim_cmds[] = {
    {"card", SIM_CARD, 1, "card SERIAL"},
    {"remove", SIM_REMOVE, 0, "remove"},
    {"wait", SIM_WAIT, 1, "wait MS"},
    {"unplug", SIM_UNPLUG, 0, "unplug"},
    {"replug", SIM_REPLUG, 0, "replug"},
    {"two", SIM_TWO, 2, "two SERIAL SERIAL"},
    {"end", SIM_END, 0, "end"},
};

struct sim_cmd {
	enum sim_op op;
	long ms;
	struct rdr_id id[2];
};

enum sim_line {
	SIM_LINE_OK,
	SIM_LINE_EOF,  /* the script has no more lines */
	SIM_LINE_MORE, /* stdin has sent only part of the next line */
	SIM_LINE_LONG, /* the next line exceeds SIM_LINE_MAX */
};

struct sim {
	/*
	 * The script text.  For a file, all of it; for stdin, what has
	 * arrived and not yet been played.  fd is 0 while stdin may still
	 * send more, -1 once everything is in buf.
	 */
	int fd;
	char *buf;
	size_t len, cap, pos;
	unsigned long lineno; /* of the last line taken */

	/* What the simulated reader sees. */
	int plugged;
	int in_field; /* cards in the field as the reader knows them */
	/* Cards physically lying on the reader, plugged in or not: a reader
	 * that comes back reports what lies there (reader.h). */
	struct rdr_id field[2];
	int nfield;
	struct rdr_event queue[3]; /* REMOVED or BACK, CARD, CARD at most */
	int qhead, qlen;
	int waiting;
	struct timespec wait_until;
	int ended;

	/*
	 * A bad line or a read error stops the script for good: replaying
	 * past it would invent events the script's author never meant.
	 */
	int failed;
	char failmsg[RDR_ERRMSG_MAX];
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * A script token made fit for a message: bytes that are not printable ASCII
 * become '?', so a stray binary file cannot garble the user's terminal.
 */
static void quote(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t shown = n > SIM_QUOTE_MAX ? SIM_QUOTE_MAX : n;
	size_t i;

	for (i = 0; i < shown && i + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[i] = '\0';
	if (shown < n && i + 4 <= dstlen)
		memcpy(dst + i, "...", 4);
}

static int parse_serial(const char *t, size_t n, struct rdr_id *id,
			const char **why)
{
	for (size_t i = 0; i < n; i++) {
		if (hex_digit((unsigned char)t[i]) < 0) {
			*why = N_("not hexadecimal");
			return -1;
		}
	}
	if (n % 2 != 0) {
		*why = N_("odd number of hex digits");
		return -1;
	}
	if (n > 2 * RDR_ID_MAX) {
		*why = N_("longer than 64 hex digits (32 bytes)");
		return -1;
	}
	id->len = n / 2;
	for (size_t i = 0; i < id->len; i++)
		id->bytes[i] =
		    (uint8_t)(hex_digit((unsigned char)t[2 * i]) << 4 |
			      hex_digit((unsigned char)t[2 * i + 1]));
	return 0;
}

/* Digits only: no sign, no spaces, nothing strtol would quietly accept. */
static int parse_ms(const char *t, size_t n, long *ms)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * 10 + (t[i] - '0');
		if (v > SIM_WAIT_MAX)
			return -1;
	}
	*ms = v;
	return 0;
}

/*
 * Parses one script line (without its newline) into *cmd.  Returns 0, or
 * RDR_ERR_SCRIPT with a message naming the line.
 */
static int parse_line(const char *line, size_t n, unsigned long lineno,
		      struct sim_cmd *cmd, char *err, size_t errlen)
{
	const char *tok[4];
	size_t toklen[4], ntok = 0, i = 0;
	const char *hash = memchr(line, '#', n);
	char q[SIM_QUOTE_MAX + 4];
	const char *why;
	size_t c;

	memset(cmd, 0, sizeof(*cmd));
	if (hash != NULL)
		n = (size_t)(hash - line);
	/* Three tokens at most are valid; a fourth is kept to be named. */
	while (ntok < 4) {
		size_t start;

		while (i < n && is_space(line[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !is_space(line[i]))
			i++;
		tok[ntok] = line + start;
		toklen[ntok] = i - start;
		ntok++;
	}
	if (ntok == 0) {
		cmd->op = SIM_NONE;
		return 0;
	}

	for (c = 0; c < sizeof(sim_cmds) / sizeof(sim_cmds[0]); c++) {
		if (strlen(sim_cmds[c].name) == toklen[0] &&
		    memcmp(sim_cmds[c].name, tok[0], toklen[0]) == 0)
			break;
	}
	if (c == sizeof(sim_cmds) / sizeof(sim_cmds[0])) {
		quote(q, sizeof(q), tok[0], toklen[0]);
		rdr_errf(err, errlen, "line %lu: unknown command '%s'", lineno,
			 q);
		return RDR_ERR_SCRIPT;
	}
	if (ntok - 1 < sim_cmds[c].nargs) {
		rdr_errf(err, errlen,
			 "line %lu: missing argument, expected '%s'", lineno,
			 sim_cmds[c].usage);
		return RDR_ERR_SCRIPT;
	}
	if (ntok - 1 > sim_cmds[c].nargs) {
		size_t extra = sim_cmds[c].nargs + 1;

		quote(q, sizeof(q), tok[extra], toklen[extra]);
		rdr_errf(err, errlen,
			 "line %lu: unexpected '%s', expected '%s'", lineno, q,
			 sim_cmds[c].usage);
		return RDR_ERR_SCRIPT;
	}

	cmd->op = sim_cmds[c].op;
	switch (cmd->op) {
	case SIM_CARD:
	case SIM_TWO:
		for (size_t a = 0; a < sim_cmds[c].nargs; a++) {
			if (parse_serial(tok[a + 1], toklen[a + 1], &cmd->id[a],
					 &why) != 0) {
				quote(q, sizeof(q), tok[a + 1], toklen[a + 1]);
				rdr_errf(err, errlen,
					 "line %lu: bad serial '%s': %s",
					 lineno, q, rdr_tr(why));
				return RDR_ERR_SCRIPT;
			}
		}
		if (cmd->op == SIM_TWO && cmd->id[0].len == cmd->id[1].len &&
		    memcmp(cmd->id[0].bytes, cmd->id[1].bytes,
			   cmd->id[0].len) == 0) {
			quote(q, sizeof(q), tok[1], toklen[1]);
			rdr_errf(err, errlen,
				 "line %lu: 'two' needs two distinct serials, "
				 "got '%s' twice",
				 lineno, q);
			return RDR_ERR_SCRIPT;
		}
		break;
	case SIM_WAIT:
		if (parse_ms(tok[1], toklen[1], &cmd->ms) != 0) {
			quote(q, sizeof(q), tok[1], toklen[1]);
			rdr_errf(err, errlen,
				 "line %lu: bad wait '%s': expected 0..%ld "
				 "milliseconds",
				 lineno, q, SIM_WAIT_MAX);
			return RDR_ERR_SCRIPT;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* The next line of the script in *line / *n (no newline), if there is one. */
static enum sim_line take_line(struct sim *s, const char **line, size_t *n)
{
	const char *start = s->buf + s->pos;
	size_t avail = s->len - s->pos;
	const char *nl = avail > 0 ? memchr(start, '\n', avail) : NULL;

	if (nl != NULL)
		*n = (size_t)(nl - start);
	else if (s->fd < 0 && avail > 0)
		*n = avail; /* the last line may lack its newline */
	else if (s->fd < 0)
		return SIM_LINE_EOF;
	else if (avail > SIM_LINE_MAX)
		return SIM_LINE_LONG;
	else
		return SIM_LINE_MORE;
	if (*n > SIM_LINE_MAX)
		return SIM_LINE_LONG;
	*line = start;
	s->pos += nl != NULL ? *n + 1 : *n;
	s->lineno++;
	return SIM_LINE_OK;
}

static void ts_add_ms(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Milliseconds from now to t, rounded up so that a poll never ends early. */
static int ms_until(const struct timespec *now, const struct timespec *t)
{
	long long ns;

	if (!ts_before(now, t))
		return 0;
	ns = (long long)(t->tv_sec - now->tv_sec) * 1000000000LL +
	     (t->tv_nsec - now->tv_nsec);
	ns = (ns + 999999) / 1000000;
	return ns > INT_MAX ? INT_MAX : (int)ns;
}

/* The message for SIM_LINE_LONG: the line after the last one taken. */
static void too_long(const struct sim *s, char *err, size_t errlen)
{
	rdr_errf(err, errlen, "line %lu: longer than %d bytes", s->lineno + 1,
		 SIM_LINE_MAX);
}

static void push(struct sim *s, enum rdr_event_kind kind,
		 const struct rdr_id *id)
{
	struct rdr_event *ev = &s->queue[s->qlen++];

	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	if (id != NULL)
		ev->id = *id;
}

/* Turns one command into the events a real reader would report. */
static void play(struct sim *s, const struct sim_cmd *cmd)
{
	switch (cmd->op) {
	case SIM_NONE:
		break;
	case SIM_CARD:
	case SIM_TWO:
		s->field[0] = cmd->id[0];
		s->field[1] = cmd->id[1];
		s->nfield = cmd->op == SIM_TWO ? 2 : 1;
		/* An unplugged reader sees nothing now; it reports what lies
		 * on it when it comes back. */
		if (!s->plugged)
			break;
		if (s->in_field > 0)
			push(s, RDR_EV_REMOVED, NULL);
		for (int i = 0; i < s->nfield; i++)
			push(s, RDR_EV_CARD, &s->field[i]);
		s->in_field = s->nfield;
		break;
	case SIM_REMOVE:
		s->nfield = 0;
		if (s->plugged && s->in_field > 0) {
			push(s, RDR_EV_REMOVED, NULL);
			s->in_field = 0;
		}
		break;
	case SIM_WAIT:
		clock_gettime(CLOCK_MONOTONIC, &s->wait_until);
		ts_add_ms(&s->wait_until, cmd->ms);
		s->waiting = 1;
		break;
	case SIM_UNPLUG:
		if (s->plugged) {
			s->plugged = 0;
			s->in_field = 0; /* forgotten, as with real readers */
			push(s, RDR_EV_LOST, NULL);
		}
		break;
	case SIM_REPLUG:
		if (!s->plugged) {
			s->plugged = 1;
			push(s, RDR_EV_BACK, NULL);
			for (int i = 0; i < s->nfield; i++)
				push(s, RDR_EV_CARD, &s->field[i]);
			s->in_field = s->nfield;
		}
		break;
	case SIM_END:
		s->ended = 1;
		break;
	}
}

/*
 * Waits up to wait_ms for stdin and reads what it has.  Returns 0 when
 * something (data or end of file) arrived, 1 on timeout, or an error.
 */
static int read_stdin(struct sim *s, int wait_ms, char *err, size_t errlen)
{
	struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
	ssize_t got;
	int n;

	n = poll(&pfd, 1, wait_ms);
	if (n < 0 && errno == EINTR)
		return RDR_ERR_INTERRUPTED;
	if (n < 0 || (pfd.revents & POLLNVAL) != 0) {
		rdr_errf(err, errlen, "cannot read script from stdin: %s",
			 n < 0 ? strerror(errno) : rdr_tr(N_("not open")));
		return RDR_ERR_IO;
	}
	if (n == 0)
		return 1;

	/* take_line keeps an unfinished line under SIM_LINE_MAX: room left. */
	memmove(s->buf, s->buf + s->pos, s->len - s->pos);
	s->len -= s->pos;
	s->pos = 0;
	got = read(s->fd, s->buf + s->len, s->cap - s->len);
	if (got < 0 && errno == EINTR)
		return RDR_ERR_INTERRUPTED;
	if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0; /* someone made stdin non-blocking: poll again */
	if (got < 0) {
		rdr_errf(err, errlen, "cannot read script from stdin: %s",
			 strerror(errno));
		return RDR_ERR_IO;
	}
	if (got == 0)
		s->fd = -1;
	s->len += (size_t)got;
	return 0;
}

static int fail(struct sim *s, int code, char *err, size_t errlen)
{
	s->failed = code;
	rdr_errf(err, errlen, "%s", s->failmsg);
	return code;
}

static int sim_next(void *state, int timeout_ms, struct rdr_event *ev,
		    char *err, size_t errlen)
{
	struct sim *s = state;
	struct timespec now, deadline;
	int limited = timeout_ms >= 0;

	if (s->failed) {
		rdr_errf(err, errlen, "%s", s->failmsg);
		return s->failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	deadline = now;
	if (limited)
		ts_add_ms(&deadline, timeout_ms);

	for (;;) {
		struct sim_cmd cmd;
		const char *line;
		size_t n;
		int ret;

		if (s->qlen > 0) {
			*ev = s->queue[s->qhead++];
			if (s->qhead == s->qlen)
				s->qhead = s->qlen = 0;
			return 0;
		}
		if (s->ended) {
			ev->kind = RDR_EV_END;
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (s->waiting) {
			const struct timespec *until = &s->wait_until;

			if (!ts_before(&now, until)) {
				s->waiting = 0;
				continue;
			}
			if (limited && !ts_before(&now, &deadline)) {
				ev->kind = RDR_EV_TIMEOUT;
				return 0;
			}
			if (limited && ts_before(&deadline, until))
				until = &deadline;
			/*
			 * An absolute deadline makes an interrupted wait
			 * resume exactly where it stopped on the next call.
			 */
			ret = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					      until, NULL);
			if (ret == EINTR) {
				rdr_errf(err, errlen,
					 "interrupted by a signal");
				return RDR_ERR_INTERRUPTED;
			}
			if (ret != 0) {
				rdr_errf(err, errlen, "cannot wait: %s",
					 strerror(ret));
				return RDR_ERR_IO;
			}
			continue;
		}

		switch (take_line(s, &line, &n)) {
		case SIM_LINE_OK:
			ret = parse_line(line, n, s->lineno, &cmd, s->failmsg,
					 sizeof(s->failmsg));
			if (ret != 0)
				return fail(s, ret, err, errlen);
			play(s, &cmd);
			break;
		case SIM_LINE_EOF:
			s->ended = 1; /* end of file means `end` */
			break;
		case SIM_LINE_LONG:
			too_long(s, s->failmsg, sizeof(s->failmsg));
			return fail(s, RDR_ERR_SCRIPT, err, errlen);
		case SIM_LINE_MORE:
			ret = read_stdin(
			    s, limited ? ms_until(&now, &deadline) : -1,
			    s->failmsg, sizeof(s->failmsg));
			if (ret == RDR_ERR_INTERRUPTED) {
				rdr_errf(err, errlen,
					 "interrupted by a signal");
				return ret;
			}
			if (ret < 0)
				return fail(s, ret, err, errlen);
			if (ret == 1) {
				ev->kind = RDR_EV_TIMEOUT;
				return 0;
			}
			break;
		}
	}
}

/* Reads the whole file into s->buf. */
static int slurp(struct sim *s, int fd, const char *path, char *err,
		 size_t errlen)
{
	struct stat st;

	s->cap = SIM_READ_CHUNK;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < SIZE_MAX / 2)
		s->cap = (size_t)st.st_size + 1;
	s->buf = malloc(s->cap);
	if (s->buf == NULL)
		goto nomem;
	for (;;) {
		ssize_t got;

		if (s->len == s->cap) {
			char *bigger;

			if (s->cap > SIZE_MAX / 2)
				goto nomem;
			bigger = realloc(s->buf, s->cap * 2);
			if (bigger == NULL)
				goto nomem;
			s->buf = bigger;
			s->cap *= 2;
		}
		got = read(fd, s->buf + s->len, s->cap - s->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rdr_errf(err, errlen, "cannot read '%s': %s", path,
				 strerror(errno));
			return RDR_ERR_IO;
		}
		if (got == 0)
			break;
		s->len += (size_t)got;
	}
	s->fd = -1;
	return 0;
nomem:
	rdr_errf(err, errlen, "out of memory reading '%s'", path);
	return RDR_ERR_NOMEM;
}

/* Parses every line up to `end` so that a bad script fails at open. */
static int check_script(struct sim *s, char *err, size_t errlen)
{
	struct sim_cmd cmd;
	const char *line;
	size_t n;
	enum sim_line got;
	int ret;

	while ((got = take_line(s, &line, &n)) == SIM_LINE_OK) {
		ret = parse_line(line, n, s->lineno, &cmd, err, errlen);
		if (ret != 0)
			return ret;
		if (cmd.op == SIM_END)
			break;
	}
	if (got == SIM_LINE_LONG) {
		too_long(s, err, errlen);
		return RDR_ERR_SCRIPT;
	}
	s->pos = 0;
	s->lineno = 0;
	return 0;
}

static void sim_close(void *state)
{
	struct sim *s = state;

	/* stdin is not ours to close. */
	if (s == NULL)
		return;
	free(s->buf);
	free(s);
}

static int sim_open(const char *arg, void **state, char *err, size_t errlen)
{
	struct sim *s = NULL;
	int fd = -1;
	int ret;

	*state = NULL;
	if (arg[0] == '\0') {
		rdr_errf(err, errlen, "sim: expected sim:FILE or sim:-");
		return RDR_ERR_SPEC;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		rdr_errf(err, errlen, "out of memory");
		return RDR_ERR_NOMEM;
	}
	s->plugged = 1;

	if (strcmp(arg, "-") == 0) {
		if (fcntl(0, F_GETFD) < 0) {
			rdr_errf(err, errlen, "sim: stdin is not open");
			ret = RDR_ERR_UNAVAILABLE;
			goto out;
		}
		s->fd = 0;
		s->cap = SIM_LINE_MAX + SIM_READ_CHUNK;
		s->buf = malloc(s->cap);
		if (s->buf == NULL) {
			rdr_errf(err, errlen, "out of memory");
			ret = RDR_ERR_NOMEM;
			goto out;
		}
	} else {
		fd = open(arg, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			rdr_errf(err, errlen, "cannot open '%s': %s", arg,
				 strerror(errno));
			ret = RDR_ERR_UNAVAILABLE;
			goto out;
		}
		ret = slurp(s, fd, arg, err, errlen);
		if (ret != 0)
			goto out;
		ret = check_script(s, err, errlen);
		if (ret != 0)
			goto out;
	}
	*state = s;
	s = NULL;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	sim_close(s);
	return ret;
}

const struct rdr_ops rdr_sim_ops = {
    .name = "sim",
    .help = N_("sim:FILE or sim:- (stdin): a scripted stream of card events"),
    .open = sim_open,
    .next = sim_next,
    .feedback = NULL, /* no buzzer or LED to drive */
    .close = sim_close,
};
