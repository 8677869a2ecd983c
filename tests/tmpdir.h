/*
 * A private directory for one test under $TMPDIR (else /tmp), as mkdtemp
 * makes it: tests never write to a fixed path, so that runs side by side
 * and a TMPDIR on another disk are honoured.  The test removes it.
 */
#ifndef CT_TMPDIR_H
#define CT_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

/* Makes $TMPDIR/NAME.XXXXXX into buf (cap bytes); 0, or -1 with the
 * reason on stderr when it does not fit or cannot be made. */
static inline int test_mkdtemp(char *buf, size_t cap, const char *name)
{
	const char *base = getenv("TMPDIR");
	int n;

	if (!base || !base[0])
		base = "/tmp";
	n = snprintf(buf, cap, "%s/%s.XXXXXX", base, name);
	if (n < 0 || (size_t)n >= cap) {
		fprintf(stderr, "# TMPDIR %s is too long for this test\n",
			base);
		return -1;
	}
	if (!mkdtemp(buf)) {
		perror("# mkdtemp");
		return -1;
	}
	return 0;
}

#endif
