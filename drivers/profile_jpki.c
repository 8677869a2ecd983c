/*
 * The `apdu:jpki-auth` identity profile (profile.h), once `apdu:mynumber`.
 * What it reads, without a PIN, is the JPKI user-authentication
 * certificate (利用者証明用電子証明書) in EF 000A of the JPKI application of
 * a My Number card.  Its serial number alone does not identify a card: it
 * is 4 bytes, and the 2015 and 2023 user-authentication CAs have the same
 * issuer name, so two cards can carry the same serial.  The identifier is
 * the certificate's AuthorityKeyIdentifier (which differs between the two
 * CA keys), its first JP_AKI_BYTES bytes, followed by its serial number.
 * The key identifier is a hash of the CA's key (20 bytes of SHA-1 as CAs
 * make it): 12 bytes of it tell CA keys apart as well, and leave room for
 * the longest serial RFC 5280 allows (20 bytes) in a 32-byte identifier.
 * A fixed prefix length keeps the split between the two unambiguous.  A card
 * issued without certificates has none to read: that is RDR_ERR_NO_CERT, and
 * the message points to apdu:seizo, which every card answers.
 *
 * The script is fixed: SELECT the application, SELECT the file, READ BINARY
 * the certificate up to the end of its TBSCertificate (the extensions close
 * it; the signature is not read), at most JP_PREFIX_MAX bytes.  The gate
 * (profile.c) lets through only these three commands; every response is
 * checked for its status word, its length and, through der.c, its encoding.
 * Nothing is kept of a read that did not reach the end: a card that leaves
 * mid-read is an error, never a shorter identifier.
 */
#include "profile.h"

#include <stdint.h>
#include <string.h>

#include "der.h"
#include "rdr_backends.h"

/* The JPKI application (its AID is registered by J-LIS) and the
 * authentication certificate's EF.  P2 = 0C: no FCI wanted back. */
static const uint8_t jpki_aid[] = {0xd3, 0x92, 0xf0, 0x00, 0x26,
				   0x01, 0x00, 0x00, 0x00, 0x01};
static const uint8_t cert_ef[] = {0x00, 0x0a};
static const uint8_t select_jpki[] = {0x00, 0xa4, 0x04, 0x0c, 0x0a,
				      0xd3, 0x92, 0xf0, 0x00, 0x26,
				      0x01, 0x00, 0x00, 0x00, 0x01};
static const uint8_t select_cert[] = {0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x0a};

/* What the gate lets this profile send: the two SELECTs, READ BINARY. */
static const struct rdr_apdu_rule jpki_allow[] = {
    {.cla = 0x00,
     .ins = 0xa4,
     .p1 = 0x04,
     .p2 = 0x0c,
     .data = jpki_aid,
     .data_len = sizeof(jpki_aid)},
    {.cla = 0x00,
     .ins = 0xa4,
     .p1 = 0x02,
     .p2 = 0x0c,
     .data = cert_ef,
     .data_len = sizeof(cert_ef)},
    {.cla = 0x00, .ins = 0xb0, .any_offset = 1},
};

/*
 * The first read asks for MN_CHUNK bytes: the two SEQUENCE headers in it
 * say how long the TBSCertificate is, and the next reads ask for the rest
 * in the largest short reads.  A JPKI certificate with a 2048-bit RSA key
 * is about 1.3 KB, its TBSCertificate about 1 KB.  The cap bounds what a
 * card can make us read; the read count bounds a card that trickles bytes.
 */
#define JP_AKI_BYTES  12
#define MN_CHUNK      64
#define MN_LE_MAX     255 /* short Le; 00 (256) is never asked */
#define MN_PREFIX_MAX 4096
#define MN_READS_MAX  32
#define MN_RESP_MAX   (256 + 2)

#define SW_OK	     0x9000
#define SW_NOT_FOUND 0x6a82
#define SW_WRONG_P12 0x6b00 /* offset outside the EF: an empty file */
#define SW_EOF	     0x6282 /* end of file before Le bytes */

static const char no_cert_msg[] =
    N_("no certificate on this card (issued without certificates?): "
       "apdu:jpki-auth cannot identify it; choose apdu:seizo (the chip's "
       "manufacturing number), which every My Number card answers");

/* Sends one APDU through the gate and gives the status word.  On failure
 * the message says which step failed. */
static int send_apdu(rdr_transmit_fn tx, void *ctx, const uint8_t *apdu,
		     size_t len, uint8_t *resp, size_t *n, unsigned *sw,
		     const char *step, char *err, size_t errlen)
{
	int rc;

	*n = MN_RESP_MAX;
	rc = rdr_profile_transmit(&rdr_profile_jpki_auth, tx, ctx, apdu, len,
				  resp, n);
	if (rc == RDR_ERR_CARD) {
		rdr_errf(err, errlen,
			 "%s: the card's answer was truncated or too long "
			 "(taken away?): present it again",
			 rdr_tr(step));
		return rc;
	}
	if (rc == RDR_ERR_UNSUPPORTED) {
		/* A bug in this file, not in the card: say so plainly. */
		rdr_errf(err, errlen, "%s: refused by the read-only APDU gate",
			 rdr_tr(step));
		return rc;
	}
	if (rc < 0) {
		rdr_errf(err, errlen,
			 "%s: the card did not answer (taken away?): present "
			 "it again",
			 rdr_tr(step));
		return rc;
	}
	*sw = (unsigned)resp[*n - 2] << 8 | resp[*n - 1];
	return 0;
}

static int select_step(rdr_transmit_fn tx, void *ctx, const uint8_t *apdu,
		       size_t len, const char *step, const char *not_found,
		       int not_found_rc, char *err, size_t errlen)
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
		rdr_errf(err, errlen, "%s", rdr_tr(not_found));
		return not_found_rc;
	}
	if (sw != SW_OK) {
		rdr_errf(err, errlen, "%s: the card answered SW %04X",
			 rdr_tr(step), sw);
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
			       N_("read certificate"), err, errlen);
		if (rc < 0)
			return rc;
		/* 62 82: the file ended before Le bytes; what came is
		 * data all the same. */
		if (sw == SW_OK || (sw == SW_EOF && n > 2)) {
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
	if (sw == SW_WRONG_P12 || sw == SW_EOF || sw == SW_NOT_FOUND) {
		rdr_errf(err, errlen,
			 "read certificate: the file ends at offset %zu "
			 "(SW %04X)",
			 offset, sw);
		return RDR_ERR_NO_CERT;
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

/*
 * Whether the file's first bytes say there is no certificate: a read past
 * the end of an empty EF, or an EF that was never written (its bytes all
 * 00 or all FF, never the SEQUENCE a certificate starts with).
 */
static int empty_ef(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != b[0])
			return 0;
	return n > 0 && (b[0] == 0x00 || b[0] == 0xff);
}

/* The next step of parsing: DER_OK when both the serial and the AKI were
 * found, else what der.c said, with *need when more must be read. */
static int parse(const uint8_t *cert, size_t have, const uint8_t **serial,
		 size_t *sn, const uint8_t **aki, size_t *an, size_t *need)
{
	int rc = der_cert_serial(cert, have, serial, sn, need);

	if (rc != DER_OK)
		return rc;
	/* No use reading on for an identifier that cannot be one. */
	if (*sn > RDR_ID_MAX)
		return DER_OK;
	return der_cert_aki(cert, have, aki, an, need);
}

static int jpki_identify(const struct rdr_card_info *info, rdr_transmit_fn tx,
			 void *ctx, struct rdr_id *out, char *err,
			 size_t errlen)
{
	uint8_t cert[MN_PREFIX_MAX];
	const uint8_t *serial = NULL, *aki = NULL;
	size_t have = 0, need, sn = 0, an = 0, le, got;
	int rc;

	(void)info; /* the UID says nothing: it is random */
	out->len = 0;
	out->text = 0;
	rc = select_step(tx, ctx, select_jpki, sizeof(select_jpki),
			 N_("select JPKI application"),
			 N_("not a My Number card (JPKI application not "
			    "found)"),
			 RDR_ERR_CARD, err, errlen);
	if (rc < 0)
		return rc;
	rc = select_step(tx, ctx, select_cert, sizeof(select_cert),
			 N_("select JPKI certificate"), no_cert_msg,
			 RDR_ERR_NO_CERT, err, errlen);
	if (rc < 0)
		return rc;

	for (int reads = 0;; reads++) {
		rc = parse(cert, have, &serial, &sn, &aki, &an, &need);
		if (rc == DER_OK)
			break;
		if (rc == DER_ERR_NO_AKI) {
			rdr_errf(err, errlen,
				 "the authentication certificate has no "
				 "authority key identifier: choose apdu:seizo");
			return RDR_ERR_CARD;
		}
		if (rc != DER_ERR_TRUNCATED) {
			if (empty_ef(cert, have)) {
				rdr_errf(err, errlen, "%s",
					 rdr_tr(no_cert_msg));
				return RDR_ERR_NO_CERT;
			}
			rdr_errf(err, errlen,
				 "the authentication certificate is not valid "
				 "DER: %s",
				 rdr_tr(der_strerror(rc)));
			return RDR_ERR_CARD;
		}
		if (need <= have || need > sizeof(cert)) {
			rdr_errf(err, errlen,
				 "the certificate is longer than the %d bytes "
				 "this profile reads",
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
		if (rc == RDR_ERR_NO_CERT && have == 0) {
			rdr_errf(err, errlen, "%s", rdr_tr(no_cert_msg));
			return rc;
		}
		if (rc == RDR_ERR_NO_CERT)
			rc = RDR_ERR_CARD; /* the file ended mid-certificate */
		if (rc < 0)
			return rc;
		have += got;
	}

	if (sn > RDR_ID_MAX) {
		rdr_errf(err, errlen,
			 "the certificate's serial number is %zu bytes long; "
			 "an identifier holds 1 to %d",
			 sn, RDR_ID_MAX);
		return RDR_ERR_CARD;
	}
	if (an > JP_AKI_BYTES)
		an = JP_AKI_BYTES;
	/* der.c never gives an empty serial or key identifier; checked here
	 * all the same, because an empty identifier would match nothing. */
	if (sn == 0 || an == 0 || an + sn > RDR_ID_MAX) {
		rdr_errf(err, errlen,
			 "the certificate's key identifier and serial number "
			 "are %zu bytes long; an identifier holds 1 to %d: "
			 "choose apdu:seizo",
			 an + sn, RDR_ID_MAX);
		return RDR_ERR_CARD;
	}
	memcpy(out->bytes, aki, an);
	memcpy(out->bytes + an, serial, sn);
	out->len = an + sn;
	return 0;
}

const struct rdr_profile rdr_profile_jpki_auth = {
    .name = "apdu:jpki-auth",
    .version = 1,
    .help = N_("My Number card: the JPKI authentication certificate's "
	       "authority key identifier + serial (no PIN; cards without "
	       "certificates are refused)"),
    .allow = jpki_allow,
    .n_allow = sizeof(jpki_allow) / sizeof(jpki_allow[0]),
    .identify = jpki_identify,
};
