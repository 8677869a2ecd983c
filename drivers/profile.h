/*
 * Card identity profiles (doc/design.md "Readers"): how a backend turns
 * a card in its field into the stable identifier the ledger knows.  Many ID
 * cards answer with a random UID/PUPI on every power-up, so the identifier
 * is a choice made per installation, not an assumption:
 *
 *   uid            the UID / PUPI / FeliCa IDm the reader reports; refuses
 *                  identifiers that announce themselves as random
 *   apdu:NAME      a fixed, read-only APDU script that reads a stable value
 *                  (apdu:mynumber: the serial number of the JPKI
 *                  authentication certificate of a My Number card)
 *
 * Profiles never send VERIFY or any command that changes or locks a card:
 * every APDU goes through one gate (profile.c) that refuses anything but
 * SELECT, READ BINARY and the PC/SC GET DATA pseudo-APDU.  Every response
 * byte is untrusted.
 *
 * Order of calls: rdr_profile_find(name) once; for each card in the field,
 * rdr_profile_identify() with the backend's transmit function.  Profiles are
 * static: nothing to free.
 */
#ifndef CT_PROFILE_H
#define CT_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"

enum rdr_tech {
	RDR_TECH_UNKNOWN = 0,
	RDR_TECH_ISO14443A,
	RDR_TECH_ISO14443B,
	RDR_TECH_FELICA,
};

/* What the backend knows of a card before talking to it. */
struct rdr_card_info {
	enum rdr_tech tech;
	uint8_t uid[RDR_ID_MAX]; /* UID, PUPI or IDm as the reader reports it */
	size_t uid_len;
	uint8_t atr[33]; /* PC/SC ATR, when there is one */
	size_t atr_len;
};

/*
 * Sends one command APDU to the card in the field and receives the
 * response, status word included (SW1 SW2 are the last two bytes).
 * *resp_len is the buffer's size on entry and the response length on
 * return.  Returns 0, or a negative RDR_ERR_* (the card left, the reader
 * failed).
 */
typedef int (*rdr_transmit_fn)(void *ctx, const uint8_t *apdu, size_t len,
			       uint8_t *resp, size_t *resp_len);

struct rdr_profile {
	const char *name; /* "uid", "apdu:mynumber" */
	const char *help; /* one line for `cardtally readers` */
	/* Reads the identifier into *out.  Returns 0, RDR_ERR_RANDOM_ID
	 * (the identifier is random: pick an APDU profile), RDR_ERR_CARD
	 * (the card answered wrongly, or not at all), or another RDR_ERR_*
	 * from tx.  err says what, for the operator. */
	int (*identify)(const struct rdr_card_info *info, rdr_transmit_fn tx,
			void *ctx, struct rdr_id *out, char *err,
			size_t errlen);
};

/* The profile named `name`, or NULL; the default is "uid". */
const struct rdr_profile *rdr_profile_find(const char *name);
/* The compiled-in profiles, NULL-terminated. */
const struct rdr_profile *const *rdr_profiles(void);

/*
 * The one way a profile talks to a card: refuses (RDR_ERR_UNSUPPORTED,
 * nothing sent) every APDU that is not SELECT (00 A4), READ BINARY
 * (00 B0) or GET DATA for the UID (FF CA); checks the response has at
 * least a status word.
 */
int rdr_profile_transmit(rdr_transmit_fn tx, void *ctx, const uint8_t *apdu,
			 size_t len, uint8_t *resp, size_t *resp_len);

#endif
