/*
 * libFuzzer target for the configuration file (scanner/workflow/config.c):
 * any bytes at all, as an installer's editor could leave them, are read
 * through $CARDTALLY_CONF by config_load.  Beyond "no crash, no
 * out-of-bounds read" (ASan, UBSan), config.h's promises must hold; a
 * broken promise aborts, which the fuzzer reports as a crash:
 *   - the answer is 0 or EXIT_DATAERR;
 *   - refused: one message, naming the file and a line of it, holding no
 *     control character (it is printed on an operator's terminal);
 *   - accepted: every value within the bounds config.h gives, the profile
 *     one that exists;
 *   - the same bytes give the same answer twice.
 *
 * The file lives in TMPDIR, rewritten for each input and removed at exit.
 * Built by `make fuzz` with clang; tests/test_fuzz_corpus.c includes this
 * file (with FUZZ_ENTRY renamed) to replay the corpus in `make test`.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../drivers/profile.h"
#include "../../scanner/cli/cli.h"
#include "../../scanner/workflow/config.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static char fuzz_config_dir[256];
static char fuzz_config_path[300];

static void fuzz_config_cleanup(void)
{
	unlink(fuzz_config_path);
	rmdir(fuzz_config_dir);
}

static void fuzz_config_write(const uint8_t *data, size_t size)
{
	int fd;

	if (!fuzz_config_dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_config_dir, sizeof(fuzz_config_dir),
			 "%s/fuzz_config.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_config_dir))
			abort();
		snprintf(fuzz_config_path, sizeof(fuzz_config_path),
			 "%s/cardtally.conf", fuzz_config_dir);
		atexit(fuzz_config_cleanup);
	}
	fd = open(fuzz_config_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
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

static int fuzz_config_load(struct config *c, char *msg, size_t cap)
{
	const char *old = getenv("CARDTALLY_CONF");
	char *saved = old ? strdup(old) : NULL;
	int rc;

	setenv("CARDTALLY_CONF", fuzz_config_path, 1);
	cli_error_capture(msg, cap);
	rc = config_load(c);
	cli_error_capture(NULL, 0);
	if (saved)
		setenv("CARDTALLY_CONF", saved, 1);
	else
		unsetenv("CARDTALLY_CONF");
	free(saved);
	return rc;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct config a, b;
	char msg[1024], again[1024];
	size_t plen;
	int rc;

	fuzz_config_write(data, size);
	plen = strlen(fuzz_config_path);
	rc = fuzz_config_load(&a, msg, sizeof(msg));
	if (rc != 0 && rc != EXIT_DATAERR)
		abort();
	if (rc != 0) {
		/* "FILE:LINE: ..." */
		if (strncmp(msg, fuzz_config_path, plen) != 0 ||
		    msg[plen] != ':' || msg[plen + 1] < '1' ||
		    msg[plen + 1] > '9')
			abort();
		for (const char *p = msg; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	} else {
		if (a.key.open_limit_min < 1 || a.key.open_limit_min > 1440 ||
		    a.idle_logout_s < 1 || a.idle_logout_s > 86400 ||
		    a.key.office_start_min < 0 ||
		    a.key.office_end_min <= a.key.office_start_min ||
		    a.key.office_end_min >= 24 * 60 ||
		    a.rules.reminder_days < 1 || a.rules.reminder_days > 3650 ||
		    !rdr_profile_find(a.profile))
			abort();
	}
	if (fuzz_config_load(&b, again, sizeof(again)) != rc ||
	    (rc != 0 && strcmp(msg, again) != 0) ||
	    (rc == 0 && (strcmp(a.profile, b.profile) != 0 ||
			 a.rules.reminder_days != b.rules.reminder_days ||
			 a.key.open_limit_min != b.key.open_limit_min ||
			 a.key.office_start_min != b.key.office_start_min ||
			 a.key.office_end_min != b.key.office_end_min ||
			 a.idle_logout_s != b.idle_logout_s)))
		abort();
	return 0;
}
