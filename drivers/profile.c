/*
 * Card identity profiles (see profile.h): the registry with its old names,
 * the APDU gate that keeps every profile read-only, and the `uid` profile.
 * APDU profiles that read a value from the card live beside it
 * (profile_*.c) and go through the same gate, each with its own allow
 * table: a profile can send only the few commands it was written for.
 */
#include "profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rdr_backends.h"

/*
 * Instructions refused whatever a profile's table says (ISO 7816-4 and
 * the usual proprietary ones): VERIFY burns a PIN try of the holder's
 * card (three wrong tries lock a My Number card's JPKI PINs, and the
 * empty VERIFY that asks for the retry counter is still a VERIFY), the
 * others change or lock what is on the card.
 */
static const uint8_t never_ins[] = {
    0x20, 0x21, /* VERIFY */
    0x24,	/* CHANGE REFERENCE DATA */
    0x2c,	/* RESET RETRY COUNTER */
    0x26, 0x28, /* DISABLE / ENABLE VERIFICATION REQUIREMENT */
    0x44, 0x04, /* ACTIVATE / DEACTIVATE FILE */
    0xe6,	/* TERMINATE DF */
    0xfe,	/* TERMINATE CARD USAGE */
    0xd0, 0xd6, /* WRITE / UPDATE BINARY */
    0xd2, 0xdc, /* WRITE / UPDATE RECORD */
    0xe2,	/* APPEND RECORD */
    0x0e,	/* ERASE BINARY */
    0xda, 0xdb, /* PUT DATA */
    0xe0, 0xe4, /* CREATE / DELETE FILE */
    0x2a,	/* PERFORM SECURITY OPERATION (signs with the key) */
    0x88,	/* INTERNAL AUTHENTICATE */
};

static int rule_matches(const struct rdr_apdu_rule *r, const uint8_t *a,
			size_t len)
{
	if (a[0] != r->cla || a[1] != r->ins)
		return 0;
	if (r->any_offset) {
		if (a[2] & 0x80)
			return 0;
	} else if (a[2] != r->p1 || a[3] != r->p2) {
		return 0;
	}
	if (r->data != NULL)
		return len == 5 + r->data_len && a[4] == r->data_len &&
		       memcmp(a + 5, r->data, r->data_len) == 0;
	return len == 5;
}

int rdr_profile_allows(const struct rdr_profile *p, const uint8_t *apdu,
		       size_t len)
{
	if (p == NULL || apdu == NULL || len < 4)
		return 0;
	for (size_t i = 0; i < sizeof(never_ins); i++)
		if (apdu[1] == never_ins[i])
			return 0;
	for (size_t i = 0; i < p->n_allow; i++)
		if (rule_matches(&p->allow[i], apdu, len))
			return 1;
	return 0;
}

int rdr_profile_transmit(const struct rdr_profile *p, rdr_transmit_fn tx,
			 void *ctx, const uint8_t *apdu, size_t len,
			 uint8_t *resp, size_t *resp_len)
{
	size_t cap = *resp_len;
	int rc;

	if (!rdr_profile_allows(p, apdu, len))
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
			void *ctx, struct rdr_id *out, char *err, size_t errlen)
{
	(void)tx;
	(void)ctx;
	out->len = 0;
	out->text = 0;
	if (info->uid_len == 0 || info->uid_len > RDR_ID_MAX) {
		rdr_errf(err, errlen, "the reader reported no usable UID");
		return RDR_ERR_CARD;
	}
	/*
	 * A type B PUPI is not documented as stable: the My Number card's
	 * is not, and sister government cards draw a new one at every
	 * activation.  Counting by it would report the whole safe missing
	 * and every card unknown, so it is refused, whatever it looks like.
	 */
	if (info->tech == RDR_TECH_ISO14443B) {
		rdr_errf(err, errlen,
			 "this is an ISO 14443 type B card (a My Number "
			 "card?): its PUPI is not a stable identifier, so the "
			 "uid profile cannot count it: choose apdu:seizo (My "
			 "Number cards) in the configuration");
		return RDR_ERR_RANDOM_ID;
	}
	if (uid_is_random(info)) {
		rdr_errf(err, errlen,
			 "this card answers with a random UID (%02X...), "
			 "different at every read: choose an APDU profile "
			 "(apdu:seizo for My Number cards) in the "
			 "configuration",
			 info->uid[0]);
		return RDR_ERR_RANDOM_ID;
	}
	memcpy(out->bytes, info->uid, info->uid_len);
	out->len = info->uid_len;
	return 0;
}

static const struct rdr_profile profile_uid = {
    .name = "uid",
    .version = 1,
    .help = N_("the UID / FeliCa IDm as the reader reports it (not for "
	       "type B cards such as My Number cards)"),
    .allow = NULL,
    .n_allow = 0,
    .identify = uid_identify,
};

static const struct rdr_profile *const profiles[] = {
    &profile_uid,
    &rdr_profile_seizo,
    &rdr_profile_jpki_auth,
    NULL,
};

/* Names that once meant a profile, and what they stand for now. */
static const struct {
	const char *name;
	const struct rdr_profile *now;
	const char *note;
} old_names[] = {
    {"apdu:mynumber", &rdr_profile_jpki_auth,
     N_("profile apdu:mynumber is now called apdu:jpki-auth and keys a "
	"card on its certificate's authority key identifier and serial "
	"(the serial alone repeats across the 2015 and 2023 CAs): cards "
	"enrolled by the serial alone must be enrolled again; apdu:seizo "
	"(the chip's manufacturing number) is the recommended profile")},
};

const struct rdr_profile *const *rdr_profiles(void)
{
	return profiles;
}

const struct rdr_profile *rdr_profile_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; profiles[i] != NULL; i++)
		if (strcmp(profiles[i]->name, name) == 0)
			return profiles[i];
	for (size_t i = 0; i < sizeof(old_names) / sizeof(old_names[0]); i++)
		if (strcmp(old_names[i].name, name) == 0)
			return old_names[i].now;
	return NULL;
}

const char *rdr_profile_note(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(old_names) / sizeof(old_names[0]); i++)
		if (strcmp(old_names[i].name, name) == 0)
			return old_names[i].note;
	return NULL;
}
