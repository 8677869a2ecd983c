/*
 * The `apdu:mynumber` identity profile (profile.h).  A My Number card
 * answers with a random UID on every power-up, so the UID cannot identify
 * it.  What is stable and readable without a PIN is the JPKI user
 * authentication certificate (利用者証明用電子証明書) in EF 000A of the
 * JPKI application: its serial number, unique per certificate issued, is
 * the identifier.
 *
 * The script is fixed: SELECT the application, SELECT the file, READ BINARY
 * the first bytes of the certificate (as many as its DER header says are
 * needed to reach the serial number, at most MN_PREFIX_MAX).  Every APDU
 * goes through rdr_profile_transmit, which refuses anything else; every
 * response is checked for its status word, its length and, through der.c,
 * its encoding.
 */
#include "profile.h"

#include <stdint.h>
#include <string.h>

#include "der.h"
#include "rdr_backends.h"

/* The JPKI application (its AID is registered by J-LIS) and the
 * authentication certificate's EF.  P2 = 0C: no FCI wanted back. */
static const uint8_t select_jpki[] = {0x00, 0xa4, 0x04, 0x0c, 0x0a,
				      0xd3, 0x92, 0xf0, 0x00, 0x26,
				      0x01, 0x00, 0x00, 0x00, 0x01};
static const uint8_t select_cert[] = {0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x0a};

/*
 * The serial number sits within the first 40 bytes of any certificate
 * (two SEQUENCE headers, the version, the serial), so the first read asks
 * for MN_CHUNK bytes and usually is the only one.  The cap bounds what a
 * card can make us read; the read count bounds a card that trickles bytes.
 */
#define MN_CHUNK      64
#define MN_LE_MAX     255 /* short Le; 00 (256) is never asked */
#define MN_PREFIX_MAX 512
#define MN_READS_MAX  16
#define MN_RESP_MAX   (256 + 2)

#define SW_OK	     0x9000
#define SW_NOT_FOUND 0x6a82

/* Sends one APDU through the gate and gives the status word.  On failure
 * the message says which step failed. */
static int send_apdu(rdr_transmit_fn tx, void *ctx, const uint8_t *apdu,
		     size_t len, uint8_t *resp, size_t *n, unsigned *sw,
		     const char *step, char *err, size_t errlen)
{
	int rc;

	*n = MN_RESP_MAX;
	rc = rdr_profile_transmit(tx, ctx, apdu, len, resp, n);
	if (rc == RDR_ERR_CARD) {
		rdr_errf(err, errlen,
			 "%s: the card's response was truncated or too long",
			 step);
		return rc;
	}
	if (rc == RDR_ERR_UNSUPPORTED) {
		/* A bug in this file, not in the card: say so plainly. */
		rdr_errf(err, errlen, "%s: refused by the read-only APDU gate",
			 step);
		return rc;
	}
	if (rc < 0) {
		rdr_errf(err, errlen, "%s: the card did not answer", step);
		return rc;
	}
	*sw = (unsigned)resp[*n - 2] << 8 | resp[*n - 1];
	return 0;
}

static int select_step(rdr_transmit_fn tx, void *ctx, const uint8_t *apdu,
		       size_t len, const char *step, const char *not_found,
		       char *err, size_t errlen)
{
	uint8_t resp[MN_RESP_MAX];
	size_t n;
	unsigned sw;
	int rc;

	rc = send_apdu(tx, ctx, apdu, len, resp, &n, &sw, step, err, errlen);
	if (rc < 0)
		return rc;
	/* P2 = 0C asks for no FCI; a card that sends some anyway is not
	 * wrong enough to refuse, and nothing in it is used. */
	if (sw == SW_NOT_FOUND) {
		rdr_errf(err, errlen, "%s", not_found);
		return RDR_ERR_CARD;
	}
	if (sw != SW_OK) {
		rdr_errf(err, errlen, "%s: the card answered SW %04X", step,
			 sw);
		return RDR_ERR_CARD;
	}
	return 0;
}

/*
 * READ BINARY of le bytes at offset into dst; *got is what came, 1..le.
 * 6Cxx (wrong Le, xx available) is retried once with Le = xx.  61xx would
 * need GET RESPONSE, which the gate does not allow: with an explicit short
 * Le a contactless card answers the data directly, so 61xx means a card
 * this profile does not know, and it is refused with a message.
 */
static int read_chunk(rdr_transmit_fn tx, void *ctx, size_t offset, size_t le,
		      uint8_t *dst, size_t *got, char *err, size_t errlen)
{
	uint8_t apdu[5] = {0x00, 0xb0, (uint8_t)(offset >> 8),
			   (uint8_t)(offset & 0xff), (uint8_t)le};
	uint8_t resp[MN_RESP_MAX];
	size_t n;
	unsigned sw;
	int rc;

	/* P1's top bit would turn the offset into a short EF identifier. */
	if (offset > 0x7fff || le == 0 || le > MN_LE_MAX) {
		rdr_errf(err, errlen, "read certificate: bad read request");
		return RDR_ERR_CARD;
	}
	for (int tries = 0; tries < 2; tries++) {
		rc = send_apdu(tx, ctx, apdu, sizeof(apdu), resp, &n, &sw,
			       "read certificate", err, errlen);
		if (rc < 0)
			return rc;
		if (sw == SW_OK) {
			if (n - 2 == 0 || n - 2 > le) {
				rdr_errf(err, errlen,
					 "read certificate: %zu bytes at "
					 "offset %zu, %zu asked",
					 n - 2, offset, le);
				return RDR_ERR_CARD;
			}
			memcpy(dst, resp, n - 2);
			*got = n - 2;
			return 0;
		}
		if ((sw >> 8) == 0x6c && tries == 0 && (sw & 0xff) != 0 &&
		    (sw & 0xff) < le) {
			le = sw & 0xff;
			apdu[4] = (uint8_t)le;
			continue;
		}
		break;
	}
	if ((sw >> 8) == 0x61)
		rdr_errf(err, errlen,
			 "read certificate: the card asks for GET RESPONSE "
			 "(SW %04X), which this profile does not send",
			 sw);
	else
		rdr_errf(err, errlen,
			 "read certificate: the card answered SW %04X at "
			 "offset %zu",
			 sw, offset);
	return RDR_ERR_CARD;
}

static int mynumber_identify(const struct rdr_card_info *info,
			     rdr_transmit_fn tx, void *ctx, struct rdr_id *out,
			     char *err, size_t errlen)
{
	uint8_t cert[MN_PREFIX_MAX];
	const uint8_t *serial;
	size_t have = 0, need, sn, le, got;
	int rc;

	(void)info; /* the UID says nothing: it is random */
	rc = select_step(tx, ctx, select_jpki, sizeof(select_jpki),
			 "select JPKI application",
			 "not a My Number card (JPKI application not found)",
			 err, errlen);
	if (rc < 0)
		return rc;
	rc = select_step(tx, ctx, select_cert, sizeof(select_cert),
			 "select JPKI certificate",
			 "JPKI authentication certificate (EF 000A) not found",
			 err, errlen);
	if (rc < 0)
		return rc;

	for (int reads = 0;; reads++) {
		rc = der_cert_serial(cert, have, &serial, &sn, &need);
		if (rc == DER_OK)
			break;
		if (rc != DER_ERR_TRUNCATED) {
			rdr_errf(err, errlen,
				 "the authentication certificate is not valid "
				 "DER: %s",
				 der_strerror(rc));
			return RDR_ERR_CARD;
		}
		if (need <= have || need > sizeof(cert)) {
			rdr_errf(err, errlen,
				 "the certificate's serial number is not in "
				 "its first %d bytes",
				 MN_PREFIX_MAX);
			return RDR_ERR_CARD;
		}
		if (reads == MN_READS_MAX) {
			rdr_errf(err, errlen,
				 "read certificate: the card sent too little "
				 "in %d reads",
				 MN_READS_MAX);
			return RDR_ERR_CARD;
		}
		/* At least what the parser needs, at least a chunk, never
		 * more than fits. */
		le = need - have;
		if (le < MN_CHUNK)
			le = MN_CHUNK;
		if (le > sizeof(cert) - have)
			le = sizeof(cert) - have;
		if (le > MN_LE_MAX)
			le = MN_LE_MAX;
		rc = read_chunk(tx, ctx, have, le, cert + have, &got, err,
				errlen);
		if (rc < 0)
			return rc;
		have += got;
	}

	/* der.c never gives an empty serial; checked here all the same,
	 * because an empty identifier would match nothing and say nothing. */
	if (sn == 0 || sn > RDR_ID_MAX) {
		rdr_errf(err, errlen,
			 "the certificate's serial number is %zu bytes long; "
			 "an identifier holds 1 to %d",
			 sn, RDR_ID_MAX);
		return RDR_ERR_CARD;
	}
	memcpy(out->bytes, serial, sn);
	out->len = sn;
	return 0;
}

const struct rdr_profile rdr_profile_mynumber = {
	.name = "apdu:mynumber",
	.help = "My Number card: the JPKI certificate serial (no PIN)",
	.identify = mynumber_identify,
};
