/*
 * maxrss: runs one command and reports what it cost, for bench/run (GNU
 * time may not be installed).  The command inherits stdin, stdout and
 * stderr, so the caller's redirections apply to it unchanged; the report
 * goes to a file of its own.  Peak memory is the child's ru_maxrss from
 * wait4() (kilobytes on Linux; it covers the descendants the child waited
 * for), wall time is measured on the monotonic clock from fork to reap.
 *
 * usage: maxrss [-o FILE] [-t SECONDS] CMD [ARG...]
 * Appends one line to FILE (stderr without -o):
 *   rss_kb=N wall_s=S cpu_s=C status=N timeout=0|1
 * cpu_s is user plus system CPU time, from the same wait4() as rss_kb.
 * status is the command's exit status, 128 + the signal number when a
 * signal ended it, 127 when it could not be started.  With -t the command
 * is killed (SIGKILL) once it has run SECONDS, and the line says timeout=1.
 * maxrss exits with status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static volatile pid_t child;

/* kill() is async-signal-safe: stopping the command here leaves no window
 * between a check of a flag and the wait. */
static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (child > 0)
		kill(child, SIGKILL);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_seconds(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
}

static int usage(void)
{
	fprintf(stderr, "usage: maxrss [-o FILE] [-t SECONDS] CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *outpath = NULL;
	unsigned limit = 0;
	struct sigaction sa;
	struct rusage ru;
	int wstatus = 0, status, i = 1;
	double t0, t1;
	pid_t pid;
	FILE *out;

	while (i + 1 < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-o") == 0) {
			outpath = argv[i + 1];
		} else if (strcmp(argv[i], "-t") == 0) {
			char *end;
			unsigned long v = strtoul(argv[i + 1], &end, 10);

			if (*end || v == 0 || v > 86400)
				return usage();
			limit = (unsigned)v;
		} else {
			break;
		}
		i += 2;
	}
	if (i >= argc || argv[i][0] == '-')
		return usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	t0 = now_s();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "maxrss: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[i], argv + i);
		fprintf(stderr, "maxrss: cannot run %s: %s\n", argv[i],
			strerror(errno));
		_exit(127);
	}
	child = pid;
	if (limit)
		alarm(limit);
	memset(&ru, 0, sizeof(ru));
	for (;;) {
		pid_t r = wait4(pid, &wstatus, 0, &ru);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "maxrss: wait4: %s\n", strerror(errno));
			return 127;
		}
	}
	t1 = now_s();
	alarm(0);

	if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		status = 128 + WTERMSIG(wstatus);
	else
		status = 127;

	out = outpath ? fopen(outpath, "a") : stderr;
	if (!out) {
		fprintf(stderr, "maxrss: cannot open %s: %s\n", outpath,
			strerror(errno));
		return 127;
	}
	fprintf(out, "rss_kb=%ld wall_s=%.6f cpu_s=%.6f status=%d timeout=%d\n",
		ru.ru_maxrss, t1 - t0, cpu_seconds(&ru), status,
		timed_out ? 1 : 0);
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "maxrss: cannot write %s\n", outpath);
		return 127;
	}
	return status;
}
