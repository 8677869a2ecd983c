/*
 * libFuzzer target for the sim reader's script parser (drivers/rdr_sim.c):
 * any bytes at all, as a script file could hold them, are opened as
 * sim:FILE and played.  Beyond "no crash, no out-of-bounds read" (ASan,
 * UBSan), the backend must keep its promises; a broken promise aborts,
 * which the fuzzer reports as a crash:
 *   - a refused script is refused at open, as a script error, with a
 *     message that names a line and holds only printable ASCII (it is
 *     printed on an operator's terminal);
 *   - a script accepted at open never fails while it plays (the whole file
 *     was checked), and its events are the ones reader.h allows: a card
 *     has an identifier of 1..RDR_ID_MAX bytes, at most two cards are in
 *     the field, a removal follows a card, the reader is lost before it is
 *     back;
 *   - the same bytes give the same answer twice.
 * Playing stops at the first `wait` (rdr_next with no time to wait gives
 * RDR_EV_TIMEOUT) or at the end.
 *
 * The script is a file in TMPDIR, rewritten for each input and removed at
 * exit.  Built by `make fuzz` with clang; tests/test_fuzz_corpus.c includes
 * this file (with FUZZ_ENTRY renamed) to replay the corpus in `make test`.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../drivers/reader.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static char fuzz_sim_dir[256];
static char fuzz_sim_path[300];

static void fuzz_sim_cleanup(void)
{
	unlink(fuzz_sim_path);
	rmdir(fuzz_sim_dir);
}

static void fuzz_sim_write(const uint8_t *data, size_t size)
{
	int fd;

	if (!fuzz_sim_dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_sim_dir, sizeof(fuzz_sim_dir),
			 "%s/fuzz_sim.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_sim_dir))
			abort();
		snprintf(fuzz_sim_path, sizeof(fuzz_sim_path), "%s/script",
			 fuzz_sim_dir);
		atexit(fuzz_sim_cleanup);
	}
	fd = open(fuzz_sim_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n <= 0)
			abort();
		data += n;
		size -= (size_t)n;
	}
	if (close(fd) != 0)
		abort();
}

/* What one run of the script gave: its open's answer and its events. */
struct fuzz_sim_run {
	int open_rc;
	char err[RDR_ERRMSG_MAX];
	int nev;
	uint32_t hash; /* of the events' kinds and identifiers */
};

static void fuzz_sim_play(struct fuzz_sim_run *out)
{
	char spec[320];
	struct rdr *r = NULL;
	int in_field = 0, plugged = 1;

	memset(out, 0, sizeof(*out));
	out->hash = 2166136261u;
	snprintf(spec, sizeof(spec), "sim:%s", fuzz_sim_path);
	out->open_rc = rdr_open(spec, &r, out->err, sizeof(out->err));
	if (out->open_rc != 0) {
		if (r != NULL || out->open_rc != RDR_ERR_SCRIPT ||
		    strncmp(out->err, "line ", 5) != 0)
			abort();
		for (const char *p = out->err; *p; p++)
			if ((unsigned char)*p < 0x20 ||
			    (unsigned char)*p > 0x7e)
				abort();
		return;
	}
	/* Every event takes a line at least; the bound only stops a loop. */
	for (;;) {
		struct rdr_event ev;

		memset(&ev, 0, sizeof(ev));
		if (rdr_next(r, 0, &ev) != 0 || out->nev > 1 << 20)
			abort();
		if (ev.kind == RDR_EV_END || ev.kind == RDR_EV_TIMEOUT)
			break;
		out->nev++;
		out->hash = (out->hash ^ (uint32_t)ev.kind) * 16777619u;
		switch (ev.kind) {
		case RDR_EV_CARD:
			if (ev.id.len < 1 || ev.id.len > RDR_ID_MAX ||
			    !plugged || ++in_field > 2)
				abort();
			for (size_t i = 0; i < ev.id.len; i++)
				out->hash =
				    (out->hash ^ ev.id.bytes[i]) * 16777619u;
			break;
		case RDR_EV_REMOVED:
			if (in_field == 0 || !plugged)
				abort();
			in_field = 0;
			break;
		case RDR_EV_LOST:
			if (!plugged)
				abort();
			plugged = 0;
			in_field = 0;
			break;
		case RDR_EV_BACK:
			if (plugged)
				abort();
			plugged = 1;
			break;
		default:
			abort();
		}
	}
	rdr_close(r);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct fuzz_sim_run a, b;

	fuzz_sim_write(data, size);
	fuzz_sim_play(&a);
	fuzz_sim_play(&b);
	if (a.open_rc != b.open_rc || strcmp(a.err, b.err) != 0 ||
	    a.nev != b.nev || a.hash != b.hash)
		abort();
	return 0;
}
