/*
 * A test tool for reader backends: opens a reader spec and calls rdr_next()
 * with a fixed timeout a number of times, printing one line per call: the
 * event kind and how long the call took in milliseconds.  The tests use it
 * to check that a backend honours rdr_next's timeout even when its device
 * stops answering.  With `apdu`, cards are identified by a probe profile
 * that sends one SELECT (the JPKI application of My Number cards) through
 * the backend's transmit function and takes the response, status word
 * included, as the identifier: the APDU path end to end.
 *
 *   rdr_probe SPEC TIMEOUT_MS COUNT [apdu]
 */
#include "../../drivers/profile.h"
#include "../../drivers/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct rdr_profile probe_profile;

static int probe_identify(const struct rdr_card_info *info, rdr_transmit_fn tx,
			  void *ctx, struct rdr_id *out, char *err,
			  size_t errlen)
{
	static const uint8_t select_jpki[] = {0x00, 0xa4, 0x04, 0x0c, 0x0a,
					      0xd3, 0x92, 0xf0, 0x00, 0x26,
					      0x01, 0x00, 0x00, 0x00, 0x01};
	uint8_t resp[258];
	size_t n = sizeof(resp);
	int rc;

	(void)info;
	rc = rdr_profile_transmit(&probe_profile, tx, ctx, select_jpki,
				  sizeof(select_jpki), resp, &n);
	if (rc == 0 && n > RDR_ID_MAX)
		rc = RDR_ERR_CARD;
	if (rc != 0) {
		snprintf(err, errlen, "probe: transmit failed (%d)", rc);
		return rc;
	}
	memcpy(out->bytes, resp, n);
	out->len = n;
	return 0;
}

static const uint8_t jpki_aid[] = {0xd3, 0x92, 0xf0, 0x00, 0x26,
				   0x01, 0x00, 0x00, 0x00, 0x01};
static const struct rdr_apdu_rule probe_allow[] = {
    {.cla = 0x00,
     .ins = 0xa4,
     .p1 = 0x04,
     .p2 = 0x0c,
     .data = jpki_aid,
     .data_len = sizeof(jpki_aid)},
};

static const struct rdr_profile probe_profile = {
    .name = "probe",
    .version = 1,
    .help = "one SELECT; the response is the identifier",
    .allow = probe_allow,
    .n_allow = 1,
    .identify = probe_identify,
};

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

	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "apdu") == 0)) {
		fprintf(stderr,
			"usage: rdr_probe SPEC TIMEOUT_MS COUNT [apdu]\n");
		return 2;
	}
	timeout = atoi(argv[2]);
	count = atol(argv[3]);
	if (rdr_open(argv[1], &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "rdr_probe: %s\n", err);
		return 1;
	}
	if (argc == 5 && rdr_set_profile(r, &probe_profile) != 0) {
		fprintf(stderr, "rdr_probe: %s\n", rdr_error(r));
		rdr_close(r);
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
		printf("%s %ld", kind_name(ev.kind), ms_since(&t0));
		if (ev.kind == RDR_EV_CARD) {
			putchar(' ');
			for (size_t b = 0; b < ev.id.len; b++)
				printf("%02X", ev.id.bytes[b]);
		} else if (ev.kind == RDR_EV_UNREADABLE) {
			printf(" %s", rdr_error(r));
		}
		putchar('\n');
		fflush(stdout);
	}
	rdr_close(r);
	return 0;
}
