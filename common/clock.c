/*
 * The system clock, and the two narrow ways to fix it (clock.h).  The test
 * clock is compiled in only with -DCT_TEST_CLOCK: the Makefile builds this
 * file a second time with it for the test suite's binary, so the program
 * that is installed has no code that reads $CARDTALLY_NOW at all.
 */
#include "clock.h"

#include <time.h>

#ifdef CT_TEST_CLOCK
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#endif

static int pinned;
static int64_t pinned_at;

void ct_clock_pin(int64_t t)
{
	pinned = 1;
	pinned_at = t;
}

void ct_clock_unpin(void)
{
	pinned = 0;
}

int ct_clock_is_test(void)
{
#ifdef CT_TEST_CLOCK
	return 1;
#else
	return 0;
#endif
}

int64_t ct_now(void)
{
	if (pinned)
		return pinned_at;
#ifdef CT_TEST_CLOCK
	const char *fake = getenv("CARDTALLY_NOW");

	if (fake && *fake) {
		char *end;
		long long v = strtoll(fake, &end, 10);

		if (*end == '\0')
			return v;
	}
#endif
	return (int64_t)time(NULL);
}

void ct_test_pause(const char *where)
{
#ifdef CT_TEST_CLOCK
	static int calls;
	const char *spec = getenv("CARDTALLY_TEST_PAUSE");
	size_t n = strlen(where);
	char path[4096];
	const char *file;
	FILE *f;
	long nth;

	if (!spec || strncmp(spec, where, n) != 0 || spec[n] != ':')
		return;
	nth = strtol(spec + n + 1, (char **)&file, 10);
	if (*file != ':' || ++calls != nth)
		return;
	file++;
	snprintf(path, sizeof(path), "%s.waiting", file);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	for (int i = 0; i < 6000 && access(file, F_OK) != 0; i++)
		usleep(10000);
#else
	(void)where;
#endif
}
