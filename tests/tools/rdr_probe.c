/*
 * A test tool for reader backends: opens a reader spec and calls rdr_next()
 * with a fixed timeout a number of times, printing one line per call: the
 * event kind and how long the call took in milliseconds.  The tests use it
 * to check that a backend honours rdr_next's timeout even when its device
 * stops answering.
 *
 *   rdr_probe SPEC TIMEOUT_MS COUNT
 */
#include "../../drivers/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *kind_name(enum rdr_event_kind k)
{
	switch (k) {
	case RDR_EV_CARD:
		return "card";
	case RDR_EV_REMOVED:
		return "removed";
	case RDR_EV_LOST:
		return "lost";
	case RDR_EV_BACK:
		return "back";
	case RDR_EV_END:
		return "end";
	case RDR_EV_TIMEOUT:
		return "timeout";
	case RDR_EV_UNREADABLE:
		return "unreadable";
	}
	return "?";
}

static long ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (long)(b.tv_sec - a->tv_sec) * 1000 +
	       (b.tv_nsec - a->tv_nsec) / 1000000;
}

int main(int argc, char **argv)
{
	struct rdr *r = NULL;
	char err[RDR_ERRMSG_MAX];
	long count;
	int timeout;

	if (argc != 4) {
		fprintf(stderr, "usage: rdr_probe SPEC TIMEOUT_MS COUNT\n");
		return 2;
	}
	timeout = atoi(argv[2]);
	count = atol(argv[3]);
	if (rdr_open(argv[1], &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "rdr_probe: %s\n", err);
		return 1;
	}
	for (long i = 0; i < count; i++) {
		struct rdr_event ev;
		struct timespec t0;
		int rc;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = rdr_next(r, timeout, &ev);
		if (rc < 0) {
			fprintf(stderr, "rdr_probe: %s\n", rdr_error(r));
			rdr_close(r);
			return 1;
		}
		printf("%s %ld\n", kind_name(ev.kind), ms_since(&t0));
		fflush(stdout);
	}
	rdr_close(r);
	return 0;
}
