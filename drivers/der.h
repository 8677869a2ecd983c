/*
 * A minimal DER reader (ITU-T X.690), just enough to find the serial number
 * of an X.509 certificate from the first bytes a card hands over.  Every
 * byte it looks at came from a card and is untrusted: the functions are
 * pure, work on (pointer, length) pairs, never allocate, never read past
 * the length they are given, and refuse anything that is not strict DER
 * (indefinite lengths, lengths in more than 4 octets, non-minimal lengths,
 * multi-byte tags).
 *
 * They are written for a prefix of a certificate: the outer SEQUENCEs may
 * announce more content than the buffer holds (the rest of the certificate
 * is simply not read), and DER_ERR_TRUNCATED with a byte count says how much
 * of the file must be read before parsing can go on.
 */
#ifndef CT_DER_H
#define CT_DER_H

#include <stddef.h>
#include <stdint.h>

/* Results, numbered once and never reused. */
enum {
	DER_OK = 0,
	/* The buffer ends inside an element that may be valid: read more. */
	DER_ERR_TRUNCATED = -1,
	DER_ERR_TAG = -2,	 /* an unexpected or multi-byte tag */
	DER_ERR_INDEFINITE = -3, /* indefinite length: BER, not DER */
	/* A length in more than 4 octets, a non-minimal length, or the
	 * reserved first length octet 0xff. */
	DER_ERR_LENGTH = -4,
	/* An element runs past the end of the element that contains it. */
	DER_ERR_NESTING = -5,
	/* Content that is not allowed: an empty or non-minimal INTEGER, a
	 * version that is not a lone INTEGER. */
	DER_ERR_VALUE = -6,
	/* The certificate has no AuthorityKeyIdentifier with a
	 * keyIdentifier (RFC 5280 4.2.1.1). */
	DER_ERR_NO_AKI = -7,
};

/* The identifier and length octets of one element. */
struct der_hdr {
	uint8_t tag;	/* the identifier octet (class, constructed, number) */
	size_t hdr_len; /* identifier + length octets */
	size_t len;	/* content length, as declared */
};

#define DER_TAG_INTEGER	 0x02
#define DER_TAG_SEQUENCE 0x30 /* SEQUENCE, constructed */
#define DER_TAG_CTX0	 0xa0 /* [0], context-specific, constructed */

/*
 * Parses the header of the element at the start of buf[0..len).  The
 * content need not be in buf.  Returns DER_OK with *out filled; or
 * DER_ERR_TRUNCATED with out->hdr_len set to the number of bytes the header
 * needs (a lower bound while the first length octet is missing); or
 * another DER_ERR_*.  On success hdr_len + len does not overflow size_t.
 */
int der_header(const uint8_t *buf, size_t len, struct der_hdr *out);

/*
 * Finds the serialNumber of the X.509 certificate whose DER encoding starts
 * at buf (RFC 5280 4.1: Certificate SEQUENCE -> TBSCertificate SEQUENCE ->
 * optional [0] EXPLICIT version -> serialNumber INTEGER).  buf may hold only
 * the start of the certificate.
 *
 * DER_OK: *serial points into buf (it lives as long as buf) at the
 * INTEGER's content octets, its single leading 0x00 sign octet removed when
 * there is one; *serial_len >= 1.
 * DER_ERR_TRUNCATED: *need > len is the number of bytes from the start of
 * the certificate that must be in buf for parsing to go further (call again
 * with at least that many).
 * Any other DER_ERR_*: the bytes are not a certificate in DER.
 * need may be NULL.
 */
int der_cert_serial(const uint8_t *buf, size_t len, const uint8_t **serial,
		    size_t *serial_len, size_t *need);

/*
 * Finds the keyIdentifier of the AuthorityKeyIdentifier extension (OID
 * 2.5.29.35) of the X.509 certificate whose DER encoding starts at buf.
 * Unlike der_cert_serial, it needs the whole TBSCertificate in buf (the
 * extensions close it); the signature after it need not be there.
 *
 * DER_OK: *aki points into buf at the keyIdentifier's octets, *aki_len >= 1.
 * DER_ERR_TRUNCATED: *need > len bytes from the start are needed.
 * DER_ERR_NO_AKI: a well-formed certificate without one.
 * Any other DER_ERR_*: not a certificate in DER (an extension found twice
 * is DER_ERR_VALUE).  need may be NULL.
 */
int der_cert_aki(const uint8_t *buf, size_t len, const uint8_t **aki,
		 size_t *aki_len, size_t *need);

/* A short lowercase description of a DER_* result, in English (a msgid of
 * the message catalog: rdr_tr gives its translation); never NULL. */
const char *der_strerror(int rc);

#endif
