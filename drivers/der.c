/*
 * The DER reader of der.h: element headers under strict DER rules, and the
 * walk from a certificate's first byte to its serial number.  Offsets are
 * checked against two limits at every step: the end of the buffer (what
 * was read from the card) and the end of the enclosing element (what the
 * encoding itself promises); they are different errors, because the first
 * means "read more" and the second means "this is not DER".
 */
#include "der.h"

#include <stdint.h>
#include <string.h>

/* der_strerror's words are msgids of the message catalog: the profile
 * that quotes one to the operator translates it (rdr_tr). */
#ifndef N_
#define N_(s) s
#endif

int der_header(const uint8_t *buf, size_t len, struct der_hdr *out)
{
	uint32_t v = 0;
	size_t n;

	out->tag = 0;
	out->hdr_len = 2; /* the smallest header: one tag, one length octet */
	out->len = 0;
	if (len < 1)
		return DER_ERR_TRUNCATED;
	out->tag = buf[0];
	/* Tag numbers above 30 take more identifier octets; nothing in a
	 * certificate's header uses them, so they are refused outright. */
	if ((buf[0] & 0x1f) == 0x1f)
		return DER_ERR_TAG;
	if (len < 2)
		return DER_ERR_TRUNCATED;
	if (buf[1] < 0x80) {
		out->len = buf[1];
		return DER_OK;
	}
	if (buf[1] == 0x80)
		return DER_ERR_INDEFINITE;
	/* Four length octets describe 4 GiB, far beyond any card file; more
	 * (and the reserved 0xff) are refused so that the value always fits
	 * the 32-bit accumulator below. */
	n = buf[1] & 0x7f;
	if (n > 4)
		return DER_ERR_LENGTH;
	out->hdr_len = 2 + n;
	if (len < 2 + n)
		return DER_ERR_TRUNCATED;
	/* DER wants the shortest form: no leading zero octet, and the long
	 * form only for lengths that the short form cannot hold. */
	if (buf[2] == 0)
		return DER_ERR_LENGTH;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | buf[2 + i];
	if (v < 0x80)
		return DER_ERR_LENGTH;
	/* Only matters where size_t is 32 bits: callers add the two. */
	if (v > SIZE_MAX - out->hdr_len)
		return DER_ERR_LENGTH;
	out->len = v;
	return DER_OK;
}

static int truncated(size_t *need, size_t n)
{
	if (need != NULL)
		*need = n;
	return DER_ERR_TRUNCATED;
}

/*
 * The header of the element at buf[off], which its container says must end
 * by `end` (an offset into buf, possibly beyond len).  Only the header has
 * to be in buf.  A header that cannot fit before `end` is malformed, not
 * truncated: reading more would not help.
 */
static int inner_header(const uint8_t *buf, size_t len, size_t off, size_t end,
			struct der_hdr *h, size_t *need)
{
	int rc = der_header(buf + off, len - off, h);

	if (rc == DER_ERR_TRUNCATED) {
		if (h->hdr_len > end - off)
			return DER_ERR_NESTING;
		return truncated(need, off + h->hdr_len);
	}
	if (rc != DER_OK)
		return rc;
	if (h->hdr_len + h->len > end - off)
		return DER_ERR_NESTING;
	return DER_OK;
}

/* An INTEGER's content must be present and minimal (X.690 8.3.2): nine
 * leading bits all zero or all one mean a redundant octet. */
static int integer_ok(const uint8_t *c, size_t n)
{
	if (n == 0)
		return 0;
	if (n > 1 && ((c[0] == 0x00 && !(c[1] & 0x80)) ||
		      (c[0] == 0xff && (c[1] & 0x80))))
		return 0;
	return 1;
}

/* The [0] EXPLICIT version: exactly one INTEGER, filling the [0]. */
static int version_ok(const uint8_t *c, size_t n)
{
	struct der_hdr h;
	int rc = der_header(c, n, &h);

	if (rc == DER_ERR_TRUNCATED)
		return DER_ERR_NESTING; /* the [0] is complete: no more to read
					 */
	if (rc != DER_OK)
		return rc;
	if (h.tag != DER_TAG_INTEGER)
		return DER_ERR_TAG;
	if (h.hdr_len + h.len != n)
		return DER_ERR_NESTING;
	if (!integer_ok(c + h.hdr_len, h.len))
		return DER_ERR_VALUE;
	return DER_OK;
}

int der_cert_serial(const uint8_t *buf, size_t len, const uint8_t **serial,
		    size_t *serial_len, size_t *need)
{
	struct der_hdr cert, tbs, h;
	size_t off, end;
	const uint8_t *c;
	int rc;

	*serial = NULL;
	*serial_len = 0;
	if (need != NULL)
		*need = 0;

	/* Certificate ::= SEQUENCE: only its header needs to be here. */
	rc = der_header(buf, len, &cert);
	if (rc == DER_ERR_TRUNCATED)
		return truncated(need, cert.hdr_len);
	if (rc != DER_OK)
		return rc;
	if (cert.tag != DER_TAG_SEQUENCE)
		return DER_ERR_TAG;
	off = cert.hdr_len;
	end = off + cert.len;

	/* TBSCertificate ::= SEQUENCE, the first thing in the certificate. */
	rc = inner_header(buf, len, off, end, &tbs, need);
	if (rc != DER_OK)
		return rc;
	if (tbs.tag != DER_TAG_SEQUENCE)
		return DER_ERR_TAG;
	off += tbs.hdr_len;
	end = off + tbs.len;

	/* version [0] EXPLICIT Version DEFAULT v1: present in v2 and v3
	 * certificates, absent in v1 ones. */
	rc = inner_header(buf, len, off, end, &h, need);
	if (rc != DER_OK)
		return rc;
	if (h.tag == DER_TAG_CTX0) {
		if (h.hdr_len + h.len > len - off)
			return truncated(need, off + h.hdr_len + h.len);
		rc = version_ok(buf + off + h.hdr_len, h.len);
		if (rc != DER_OK)
			return rc;
		off += h.hdr_len + h.len;
		rc = inner_header(buf, len, off, end, &h, need);
		if (rc != DER_OK)
			return rc;
	}

	/* serialNumber CertificateSerialNumber ::= INTEGER */
	if (h.tag != DER_TAG_INTEGER)
		return DER_ERR_TAG;
	if (h.hdr_len + h.len > len - off)
		return truncated(need, off + h.hdr_len + h.len);
	c = buf + off + h.hdr_len;
	if (!integer_ok(c, h.len))
		return DER_ERR_VALUE;
	*serial = c;
	*serial_len = h.len;
	/* A positive serial whose top bit is set carries a 0x00 octet that
	 * only says "positive"; the identifier is the number itself. */
	if (h.len > 1 && c[0] == 0x00) {
		*serial = c + 1;
		*serial_len = h.len - 1;
	}
	return DER_OK;
}

/*
 * The element at buf[off], complete, inside [off, end) where end <= the
 * buffer's length: used where the whole container is known to be there.
 */
static int whole_element(const uint8_t *buf, size_t off, size_t end,
			 struct der_hdr *h)
{
	int rc = der_header(buf + off, end - off, h);

	if (rc == DER_ERR_TRUNCATED)
		return DER_ERR_NESTING;
	if (rc != DER_OK)
		return rc;
	if (h->hdr_len + h->len > end - off)
		return DER_ERR_NESTING;
	return DER_OK;
}

/* id-ce-authorityKeyIdentifier, 2.5.29.35, as content octets. */
static const uint8_t oid_aki[] = {0x55, 0x1d, 0x23};

#define DER_TAG_OID	0x06
#define DER_TAG_BOOLEAN 0x01
#define DER_TAG_OCTETS	0x04
#define DER_TAG_CTX3	0xa3 /* [3] EXPLICIT Extensions */
#define DER_TAG_KEYID	0x80 /* [0] IMPLICIT KeyIdentifier */

/*
 * One Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE,
 * extnValue OCTET STRING } in c[0..n).  Sets *found and the keyIdentifier
 * when it is the AKI.
 */
static int extension_aki(const uint8_t *c, size_t n, int *found,
			 const uint8_t **aki, size_t *aki_len)
{
	struct der_hdr h, v;
	size_t off = 0, end;
	int rc;

	rc = whole_element(c, off, n, &h);
	if (rc != DER_OK)
		return rc;
	if (h.tag != DER_TAG_OID || h.len == 0)
		return DER_ERR_TAG;
	if (h.len != sizeof(oid_aki) ||
	    memcmp(c + h.hdr_len, oid_aki, sizeof(oid_aki)) != 0)
		return DER_OK; /* another extension: not ours to check */
	if (*found)
		return DER_ERR_VALUE; /* RFC 5280 4.2: at most once */
	off += h.hdr_len + h.len;
	rc = whole_element(c, off, n, &h);
	if (rc != DER_OK)
		return rc;
	if (h.tag == DER_TAG_BOOLEAN) {
		off += h.hdr_len + h.len;
		rc = whole_element(c, off, n, &h);
		if (rc != DER_OK)
			return rc;
	}
	if (h.tag != DER_TAG_OCTETS || off + h.hdr_len + h.len != n)
		return DER_ERR_TAG;
	/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
	 * authorityCertIssuer [1], authorityCertSerialNumber [2] } */
	c += off + h.hdr_len;
	n = h.len;
	rc = whole_element(c, 0, n, &v);
	if (rc != DER_OK)
		return rc;
	if (v.tag != DER_TAG_SEQUENCE || v.hdr_len + v.len != n)
		return DER_ERR_TAG;
	*found = 1;
	off = v.hdr_len;
	end = n;
	if (off < end) {
		rc = whole_element(c, off, end, &h);
		if (rc != DER_OK)
			return rc;
		if (h.tag == DER_TAG_KEYID && h.len > 0) {
			*aki = c + off + h.hdr_len;
			*aki_len = h.len;
		}
	}
	return DER_OK;
}

int der_cert_aki(const uint8_t *buf, size_t len, const uint8_t **aki,
		 size_t *aki_len, size_t *need)
{
	struct der_hdr cert, tbs, h, e;
	size_t off, end, eoff, eend;
	int rc, found = 0;

	*aki = NULL;
	*aki_len = 0;
	if (need != NULL)
		*need = 0;
	rc = der_header(buf, len, &cert);
	if (rc == DER_ERR_TRUNCATED)
		return truncated(need, cert.hdr_len);
	if (rc != DER_OK)
		return rc;
	if (cert.tag != DER_TAG_SEQUENCE)
		return DER_ERR_TAG;
	off = cert.hdr_len;
	rc = inner_header(buf, len, off, off + cert.len, &tbs, need);
	if (rc != DER_OK)
		return rc;
	if (tbs.tag != DER_TAG_SEQUENCE)
		return DER_ERR_TAG;
	off += tbs.hdr_len;
	end = off + tbs.len;
	if (end > len)
		return truncated(need, end);

	/* The TBSCertificate's fields in turn; the extensions, when there
	 * are any, are the last one, [3]. */
	while (off < end) {
		rc = whole_element(buf, off, end, &h);
		if (rc != DER_OK)
			return rc;
		if (h.tag != DER_TAG_CTX3) {
			off += h.hdr_len + h.len;
			continue;
		}
		if (off + h.hdr_len + h.len != end)
			return DER_ERR_NESTING;
		/* Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension */
		eoff = off + h.hdr_len;
		rc = whole_element(buf, eoff, end, &e);
		if (rc != DER_OK)
			return rc;
		if (e.tag != DER_TAG_SEQUENCE ||
		    eoff + e.hdr_len + e.len != end)
			return DER_ERR_TAG;
		eend = end;
		eoff += e.hdr_len;
		while (eoff < eend) {
			rc = whole_element(buf, eoff, eend, &e);
			if (rc != DER_OK)
				return rc;
			if (e.tag != DER_TAG_SEQUENCE)
				return DER_ERR_TAG;
			rc = extension_aki(buf + eoff + e.hdr_len, e.len,
					   &found, aki, aki_len);
			if (rc != DER_OK)
				return rc;
			eoff += e.hdr_len + e.len;
		}
		break;
	}
	return *aki_len > 0 ? DER_OK : DER_ERR_NO_AKI;
}

const char *der_strerror(int rc)
{
	switch (rc) {
	case DER_OK:
		return N_("no error");
	case DER_ERR_TRUNCATED:
		return N_("the data ends inside an element");
	case DER_ERR_TAG:
		return N_("an element has an unexpected tag");
	case DER_ERR_INDEFINITE:
		return N_("an indefinite length (not DER)");
	case DER_ERR_LENGTH:
		return N_("a length that is not valid DER (too long or not "
			  "minimal)");
	case DER_ERR_NESTING:
		return N_("an element runs past the end of its container");
	case DER_ERR_VALUE:
		return N_("an integer that is empty or not minimal, or an "
			  "extension given twice");
	case DER_ERR_NO_AKI:
		return N_("no authority key identifier");
	}
	return N_("unknown DER error");
}
