/*
 * The `apdu:seizo` identity profile (profile.h): the manufacturing number
 * (製造番号) of a My Number card's chip, the recommended profile for these
 * cards.  Every card has one, whether or not its holder took certificates,
 * it is readable without a PIN, and it does not change when certificates
 * are renewed.
 *
 * The script, as public readers of the card send it: SELECT by DF name the
 * application D3 92 10 00 31 00 01 01 01 00 (P2 = 0C, no FCI), then READ
 * RECORD 1 of SFI 1 (00 B2 01 0C 00).  The record is one BER TLV (tag 30)
 * whose value is ASCII text of at least 15 bytes; the manufacturing number
 * is its bytes 2 to 14, 13 characters.  These are the only two commands
 * the gate lets this profile send.
 *
 * The identifier is those 13 characters as text when they are hex digits
 * (as a stock list would print them, and as the ledger's serial column
 * holds them), else their bytes (13 bytes, 26 hex digits in the ledger):
 * the two forms never have the same length, so they never collide.
 */
#include "profile.h"

#include <string.h>

#include "der.h"
#include "rdr_backends.h"

/* The application that holds the manufacturing number. */
static const uint8_t seizo_aid[] = {0xd3, 0x92, 0x10, 0x00, 0x31,
				    0x00, 0x01, 0x01, 0x01, 0x00};
static const uint8_t select_seizo[] = {0x00, 0xa4, 0x04, 0x0c, 0x0a,
				       0xd3, 0x92, 0x10, 0x00, 0x31,
				       0x00, 0x01, 0x01, 0x01, 0x00};
/* READ RECORD, record 1 (P1), SFI 1 (P2 = SFI << 3 | 4: "record P1"),
 * Le 00: the whole record, at most 256 bytes. */
static const uint8_t read_record[] = {0x00, 0xb2, 0x01, 0x0c, 0x00};

static const struct rdr_apdu_rule seizo_allow[] = {
    {.cla = 0x00,
     .ins = 0xa4,
     .p1 = 0x04,
     .p2 = 0x0c,
     .data = seizo_aid,
     .data_len = sizeof(seizo_aid)},
    {.cla = 0x00, .ins = 0xb2, .p1 = 0x01, .p2 = 0x0c},
};

#define SZ_RESP_MAX (256 + 2)
#define SZ_TAG	    0x30
#define SZ_MIN	    15 /* the value's shortest length */
#define SZ_FIRST    2  /* the number's first byte in the value */
#define SZ_LEN	    13 /* the number's length */

static int seizo_identify(const struct rdr_card_info *info, rdr_transmit_fn tx,
			  void *ctx, struct rdr_id *out, char *err,
			  size_t errlen)
{
	uint8_t resp[SZ_RESP_MAX];
	const uint8_t *num;
	struct der_hdr h;
	size_t n;
	unsigned sw;
	int rc, hex = 1;

	(void)info; /* the PUPI says nothing: it is not stable */
	out->len = 0;
	out->text = 0;
	n = sizeof(resp);
	rc = rdr_profile_transmit(&rdr_profile_seizo, tx, ctx, select_seizo,
				  sizeof(select_seizo), resp, &n);
	if (rc < 0)
		goto failed;
	sw = (unsigned)resp[n - 2] << 8 | resp[n - 1];
	if (sw == 0x6a82) {
		rdr_errf(err, errlen,
			 "not a My Number card (the manufacturing number's "
			 "application was not found)");
		return RDR_ERR_CARD;
	}
	if (sw != 0x9000) {
		rdr_errf(err, errlen,
			 "select manufacturing number application: the card "
			 "answered SW %04X",
			 sw);
		return RDR_ERR_CARD;
	}

	n = sizeof(resp);
	rc = rdr_profile_transmit(&rdr_profile_seizo, tx, ctx, read_record,
				  sizeof(read_record), resp, &n);
	if (rc < 0)
		goto failed;
	sw = (unsigned)resp[n - 2] << 8 | resp[n - 1];
	if (sw != 0x9000) {
		rdr_errf(err, errlen,
			 "read manufacturing number: the card answered SW "
			 "%04X",
			 sw);
		return RDR_ERR_CARD;
	}
	n -= 2;
	/* One TLV filling the record: tag 30, a definite length, the text. */
	rc = der_header(resp, n, &h);
	if (rc != DER_OK || h.tag != SZ_TAG || h.hdr_len + h.len != n) {
		rdr_errf(err, errlen,
			 "read manufacturing number: the record is not one "
			 "tag 30 element (%zu bytes)",
			 n);
		return RDR_ERR_CARD;
	}
	if (h.len < SZ_MIN) {
		rdr_errf(err, errlen,
			 "read manufacturing number: %zu bytes, at least %d "
			 "expected",
			 h.len, SZ_MIN);
		return RDR_ERR_CARD;
	}
	num = resp + h.hdr_len + SZ_FIRST;
	for (size_t i = 0; i < SZ_LEN; i++) {
		/* Printable ASCII and no blank: anything else is not the
		 * number, and a blank-padded one would not be unique. */
		if (num[i] <= 0x20 || num[i] >= 0x7f) {
			rdr_errf(err, errlen,
				 "read manufacturing number: byte %zu is not "
				 "a printable character",
				 SZ_FIRST + i);
			return RDR_ERR_CARD;
		}
		if (!((num[i] >= '0' && num[i] <= '9') ||
		      (num[i] >= 'A' && num[i] <= 'F') ||
		      (num[i] >= 'a' && num[i] <= 'f')))
			hex = 0;
	}
	memcpy(out->bytes, num, SZ_LEN);
	out->len = SZ_LEN;
	out->text = hex;
	return 0;

failed:
	if (rc == RDR_ERR_UNSUPPORTED)
		rdr_errf(err, errlen,
			 "manufacturing number: refused by the read-only APDU "
			 "gate");
	else if (rc == RDR_ERR_CARD)
		rdr_errf(err, errlen,
			 "manufacturing number: the card's answer was cut "
			 "short or too long (taken away?): present it again");
	else
		rdr_errf(err, errlen,
			 "manufacturing number: the card did not answer "
			 "(taken away?): present it again");
	return rc;
}

const struct rdr_profile rdr_profile_seizo = {
    .name = "apdu:seizo",
    .version = 1,
    .help = N_("My Number card: the chip's manufacturing number (no PIN; "
	       "recommended for My Number cards)"),
    .allow = seizo_allow,
    .n_allow = sizeof(seizo_allow) / sizeof(seizo_allow[0]),
    .identify = seizo_identify,
};
