/*
 * Saving and printing a report's PDF from the report screen (see
 * ui_paper.h).  A PDF is drawn into memory first; only a whole document
 * is written, into a temporary file next to its final name, synced, then
 * renamed: a full disk or a crash leaves the old state, never half a
 * file.  Printing runs lp with posix_spawn (no shell: the file's name is
 * one argument whatever it holds).
 */
#include "ui_paper.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int ui_paper_dir(const struct config *conf, char *out, size_t cap)
{
	if (conf->report_dir[0]) {
		size_t n = strlen(conf->report_dir);

		/* "/srv/reports/" is shown and joined without the slash. */
		while (n > 1 && conf->report_dir[n - 1] == '/')
			n--;
		if (n >= cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(out, conf->report_dir, n);
		out[n] = '\0';
		return 0;
	}
	return getcwd(out, cap) ? 0 : -1;
}

void ui_paper_name(const char *what, const char *arg, int64_t now, char *out,
		   size_t cap)
{
	char safe[64], stamp[32];
	time_t t = (time_t)now;
	struct tm tm;
	size_t i;

	for (i = 0; arg && arg[i] && i + 1 < sizeof(safe); i++) {
		char ch = arg[i];
		int keep = (ch >= 'A' && ch <= 'Z') ||
			   (ch >= 'a' && ch <= 'z') ||
			   (ch >= '0' && ch <= '9') || ch == '-';

		safe[i] = keep ? ch : '-';
	}
	safe[i] = '\0';
	if (!localtime_r(&t, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H%M", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	snprintf(out, cap, "%s%s%s_%s.pdf", what, safe[0] ? "_" : "", safe,
		 stamp);
}

/* Writes len bytes of buf to fd; 0 or -1 with errno. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Whether the file at path holds exactly len bytes of buf: 1, 0 (other
 * bytes), -1 when there is no such file, -2 with errno when it cannot be
 * told (no such directory, no permission). */
static int same_file(const char *path, const char *buf, size_t len)
{
	char chunk[8192];
	size_t at = 0, n;
	FILE *f = fopen(path, "rb");
	int same = 1;

	if (!f)
		return errno == ENOENT ? -1 : -2;
	while (same && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		same = at + n <= len && memcmp(chunk, buf + at, n) == 0;
		at += n;
	}
	same = same && !ferror(f) && at == len;
	fclose(f);
	return same;
}

/*
 * The name in dir that the report goes to: name itself, or name-2.pdf,
 * name-3.pdf, ... (before its ".pdf"), the first that is free or already
 * holds these very bytes (*same 1: nothing to write).  0, or -1 with
 * errno.
 */
static int free_name(const char *dir, const char *name, const char *buf,
		     size_t len, char path[UI_PAPER_PATH], int *same)
{
	size_t stem = strlen(name);

	if (stem > 4 && strcmp(name + stem - 4, ".pdf") == 0)
		stem -= 4;
	for (int k = 1; k < 100; k++) {
		int n = k == 1 ? snprintf(path, UI_PAPER_PATH, "%s/%s", dir,
					  name)
			       : snprintf(path, UI_PAPER_PATH, "%s/%.*s-%d%s",
					  dir, (int)stem, name, k,
					  name + stem);
		int s;

		if (n < 0 || (size_t)n >= UI_PAPER_PATH) {
			errno = ENAMETOOLONG;
			return -1;
		}
		s = same_file(path, buf, len);
		if (s == -2)
			return -1;
		if (s != 0) {
			*same = s == 1;
			return 0;
		}
	}
	errno = EEXIST;
	return -1;
}

int ui_paper_save(struct pdf_doc *d, const char *dir, const char *name,
		  char path[UI_PAPER_PATH])
{
	char tmp[UI_PAPER_PATH], *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int fd = -1, rc, err = 0, made = 0, same = 0;
	mode_t mask;

	path[0] = '\0';
	if (!d) {
		errno = ENOMEM;
		return -1;
	}
	mem = open_memstream(&buf, &len);
	if (!mem) {
		pdf_free(d);
		errno = ENOMEM;
		return -1;
	}
	rc = pdf_write(d, mem);
	pdf_free(d);
	if (fclose(mem) != 0 || rc != 0) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
	    sizeof(tmp)) {
		err = ENAMETOOLONG;
		goto out;
	}
	if (free_name(dir, name, buf, len, path, &same) != 0) {
		err = errno;
		goto out;
	}
	if (same)
		goto out; /* that very report is there already */
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	made = 1;
	/* mkstemp makes the file 0600; it gets the mode a file the CLI
	 * writes with --output gets (0666 less the umask), for the other
	 * programs the office opens it with. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, buf, len) != 0 ||
	    fsync(fd) != 0) {
		err = errno;
		goto out;
	}
	rc = close(fd);
	fd = -1;
	if (rc != 0 || rename(tmp, path) != 0) {
		err = errno;
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	if (err && made)
		unlink(tmp);
	free(buf);
	if (err) {
		path[0] = '\0';
		errno = err;
		return -1;
	}
	return 0;
}

/* The first executable `name` in PATH into out (cap bytes); 0 or -1. */
static int find_in_path(const char *name, char *out, size_t cap)
{
	const char *p = getenv("PATH");

	if (!p || !*p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (*p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		/* An empty entry is the working directory (POSIX). */
		if ((size_t)snprintf(out, cap, "%.*s/%s", (int)(n ? n : 1),
				     n ? p : ".", name) < cap &&
		    access(out, X_OK) == 0)
			return 0;
		p += n;
		if (*p == ':')
			p++;
	}
	return -1;
}

enum ui_paper_printed ui_paper_print(const char *printer, const char *file,
				     int *status, char *err, size_t cap)
{
	char lp[UI_PAPER_PATH], chunk[256];
	char *argv[6];
	posix_spawn_file_actions_t fa;
	size_t have = 0;
	int fds[2], argc = 0, st, rc, line_done = 0;
	pid_t pid;

	*status = 0;
	if (cap)
		err[0] = '\0';
	if (find_in_path("lp", lp, sizeof(lp)) != 0)
		return UI_PAPER_NO_LP;
	argv[argc++] = "lp";
	if (printer && printer[0]) {
		argv[argc++] = "-d";
		argv[argc++] = (char *)printer;
	}
	argv[argc++] = (char *)file;
	argv[argc] = NULL;
	if (pipe2(fds, O_CLOEXEC) != 0)
		return UI_PAPER_SPAWN_FAILED;
	/* Its input and output on /dev/null, its errors into the pipe: lp
	 * never writes over the curses screen. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	rc = posix_spawn(&pid, lp, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		errno = rc;
		return UI_PAPER_SPAWN_FAILED;
	}
	/* Everything it says is read (so that it never blocks on a full
	 * pipe); its first line is kept. */
	for (;;) {
		ssize_t n = read(fds[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && !line_done; i++) {
			if (chunk[i] == '\n') {
				line_done = 1;
			} else if (have + 1 < cap) {
				err[have++] = chunk[i];
				err[have] = '\0';
			}
		}
	}
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return UI_PAPER_SPAWN_FAILED;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return UI_PAPER_PRINTED;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return UI_PAPER_LP_FAILED;
}
