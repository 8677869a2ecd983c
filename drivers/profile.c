/*
 * Card identity profiles (see profile.h): the registry, the APDU gate that
 * keeps every profile read-only, and the `uid` profile.  APDU profiles that
 * read a value from the card live beside it (profile_*.c) and go through
 * the same gate.
 */
#include "profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rdr_backends.h"

int rdr_profile_transmit(rdr_transmit_fn tx, void *ctx, const uint8_t *apdu,
			 size_t len, uint8_t *resp, size_t *resp_len)
{
	size_t cap = *resp_len;
	int rc;

	/*
	 * The allow-list, by class and instruction: SELECT and READ BINARY
	 * of ISO 7816-4, and the PC/SC GET DATA pseudo-APDU for the UID.
	 * Anything else (VERIFY above all: three wrong tries lock a My
	 * Number card) is refused before it reaches the card.
	 */
	if (len < 4 || !((apdu[0] == 0x00 && apdu[1] == 0xa4) ||
			 (apdu[0] == 0x00 && apdu[1] == 0xb0) ||
			 (apdu[0] == 0xff && apdu[1] == 0xca)))
		return RDR_ERR_UNSUPPORTED;
	rc = tx(ctx, apdu, len, resp, resp_len);
	if (rc < 0)
		return rc;
	if (*resp_len < 2 || *resp_len > cap)
		return RDR_ERR_CARD;
	return 0;
}

/* ISO 14443-3: a 4-byte (single-size) UID starting 0x08 is random, drawn
 * anew at each power-up; counting by it would find nothing. */
static int uid_is_random(const struct rdr_card_info *info)
{
	return info->tech == RDR_TECH_ISO14443A && info->uid_len == 4 &&
	       info->uid[0] == 0x08;
}

static int uid_identify(const struct rdr_card_info *info, rdr_transmit_fn tx,
			void *ctx, struct rdr_id *out, char *err,
			size_t errlen)
{
	(void)tx;
	(void)ctx;
	if (info->uid_len == 0 || info->uid_len > RDR_ID_MAX) {
		rdr_errf(err, errlen, "the reader reported no usable UID");
		return RDR_ERR_CARD;
	}
	if (uid_is_random(info)) {
		rdr_errf(err, errlen,
			 "this card answers with a random UID (%02X...), "
			 "different at every read: choose an APDU profile "
			 "(e.g. apdu:mynumber) in the configuration",
			 info->uid[0]);
		return RDR_ERR_RANDOM_ID;
	}
	memcpy(out->bytes, info->uid, info->uid_len);
	out->len = info->uid_len;
	return 0;
}

static const struct rdr_profile profile_uid = {
	.name = "uid",
	.help = "the UID / PUPI / FeliCa IDm as the reader reports it",
	.identify = uid_identify,
};

static const struct rdr_profile *const profiles[] = {
	&profile_uid,
	&rdr_profile_mynumber,
	NULL,
};

const struct rdr_profile *const *rdr_profiles(void)
{
	return profiles;
}

const struct rdr_profile *rdr_profile_find(const char *name)
{
	for (size_t i = 0; profiles[i] != NULL; i++)
		if (strcmp(profiles[i]->name, name) == 0)
			return profiles[i];
	return NULL;
}
