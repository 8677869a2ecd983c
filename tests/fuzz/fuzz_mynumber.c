/*
 * libFuzzer target for the apdu:jpki-auth profile (drivers/profile_jpki.c;
 * "apdu:mynumber" is its old name, kept working):
 * the input is the card's side of the conversation, a sequence of responses,
 * each one length octet followed by that many bytes.  The fake card hands
 * them out in order, whatever was asked; when the input runs out, the card
 * "leaves" (RDR_ERR_IO).  Checked besides memory safety: only SELECT and
 * READ BINARY reach the card, reads stay within the profile's bounds (the
 * certificate's first 4096 bytes, at most 32 reads), and the result is an
 * identifier of a valid length or an error with a message ("no
 * certificate" among them).
 *
 * Built by `make fuzz` with clang; tests/test_fuzz_corpus.c includes this
 * file (with FUZZ_ENTRY renamed) to replay the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/profile.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

struct fuzz_card {
	const uint8_t *p;
	size_t left;
	int napdu;
};

static int fuzz_card_tx(void *ctx, const uint8_t *apdu, size_t len,
			uint8_t *resp, size_t *resp_len)
{
	struct fuzz_card *c = ctx;
	size_t n, copy;

	/* What the profile may send: the two SELECTs and READ BINARY with
	 * a short Le inside the first 4096 bytes of the file. */
	if (len < 4 || apdu[0] != 0x00 || (apdu[1] != 0xa4 && apdu[1] != 0xb0))
		abort();
	if (apdu[1] == 0xb0 &&
	    (len != 5 || apdu[4] == 0 ||
	     ((size_t)apdu[2] << 8 | apdu[3]) + apdu[4] > 4096))
		abort();
	if (++c->napdu > 2 + 32 * 2)
		abort(); /* two SELECTs, 32 reads, one 6C retry each */
	if (c->left == 0)
		return RDR_ERR_IO; /* the card left */
	n = c->p[0];
	c->p++;
	c->left--;
	if (n > c->left)
		n = c->left;
	/* A response longer than the buffer is reported as such, never
	 * written past it: the gate must refuse it. */
	copy = n < *resp_len ? n : *resp_len;
	memcpy(resp, c->p, copy);
	c->p += n;
	c->left -= n;
	*resp_len = n;
	return 0;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	const struct rdr_profile *p = rdr_profile_find("apdu:mynumber");
	struct fuzz_card card = {.p = data, .left = size};
	struct rdr_card_info info = {.tech = RDR_TECH_ISO14443B};
	struct rdr_id id = {0};
	char err[256] = "";
	int rc;

	if (p == NULL)
		abort();
	rc = p->identify(&info, fuzz_card_tx, &card, &id, err, sizeof(err));
	if (rc == 0) {
		if (id.len == 0 || id.len > RDR_ID_MAX)
			abort();
	} else if (rc == RDR_ERR_CARD || rc == RDR_ERR_IO ||
		   rc == RDR_ERR_NO_CERT) {
		if (err[0] == '\0')
			abort();
	} else {
		abort();
	}
	return 0;
}
