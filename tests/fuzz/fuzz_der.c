/*
 * libFuzzer target for drivers/der.c: any bytes at all, as a card could
 * send them, go through der_header and der_cert_serial.  Beyond "no crash,
 * no out-of-bounds read" (ASan, UBSan), the results must keep der.h's
 * promises; a broken promise aborts, which the fuzzer reports as a crash.
 *
 * Built by `make fuzz` with clang; tests/test_fuzz_corpus.c includes this
 * file (with FUZZ_ENTRY renamed) to replay the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../drivers/der.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct der_hdr h;
	const uint8_t *s;
	size_t sn, need, end;
	int rc;

	rc = der_header(data, size, &h);
	if (rc == DER_OK && (h.hdr_len > size || h.hdr_len < 2 ||
			     h.hdr_len > 6 || h.len > SIZE_MAX - h.hdr_len))
		abort();
	if (rc == DER_ERR_TRUNCATED && h.hdr_len <= size)
		abort();

	rc = der_cert_serial(data, size, &s, &sn, &need);
	if (rc == DER_ERR_TRUNCATED) {
		if (need <= size || s != NULL || sn != 0)
			abort();
		return 0;
	}
	if (rc != DER_OK) {
		if (s != NULL || sn != 0 || need != 0)
			abort();
		return 0;
	}
	if (sn == 0 || s < data || sn > size || s > data + size - sn)
		abort();
	/* Any prefix that stops short of the serial's end cannot give
	 * another answer than "truncated": the parser decides only on bytes
	 * it has. */
	end = (size_t)(s - data) + sn;
	if (der_cert_serial(data, end - 1, &s, &sn, &need) !=
		DER_ERR_TRUNCATED ||
	    need > end)
		abort();
	return 0;
}
