/*
 * Card identity profiles (doc/readers.md "Card identity profiles"): how a backend
 * turns a card in its field into the stable identifier the ledger knows.
 * Many ID cards answer with a random UID/PUPI on every power-up, so the
 * identifier is a choice made per installation, not an assumption:
 *
 *   uid              the UID / FeliCa IDm the reader reports; refuses
 *                    identifiers that announce themselves as random, and
 *                    every ISO 14443 type B PUPI (not a stable identifier)
 *   apdu:seizo       the chip's manufacturing number (製造番号) of a My
 *                    Number card, read without a PIN; the recommended
 *                    profile for My Number cards
 *   apdu:jpki-auth   the JPKI user-authentication certificate, keyed by its
 *                    AuthorityKeyIdentifier and serial number (a serial
 *                    alone repeats across the 2015 and 2023 CAs)
 *   apdu:mynumber    the old name of apdu:jpki-auth, still accepted; see
 *                    rdr_profile_note()
 *
 * Each profile carries a version: a change in what a profile reads, or in
 * how it turns it into bytes, is a new version, so that identifiers read
 * under different versions are never taken for one another.
 *
 * Profiles never send VERIFY or any command that changes or locks a card:
 * every APDU goes through one gate (rdr_profile_transmit) that lets through
 * only the commands the profile lists in its allow table, and refuses every
 * VERIFY whatever the table says.  Every response byte is untrusted.
 *
 * Order of calls: rdr_profile_find(name) once (rdr_profile_note(name) for
 * the operator); for each card in the field, p->identify() with the
 * backend's transmit function.  Profiles are static: nothing to free.
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

/*
 * One command a profile may send.  A command passes the gate when its
 * class, instruction, P1 and P2 are the rule's, and its body is what the
 * rule says:
 *   data != NULL: exactly Lc = data_len and these bytes, no Le (SELECT by
 *                 name or file identifier, P2 = 0C: no answer data)
 *   data == NULL: exactly one Le byte (READ BINARY, READ RECORD, GET DATA)
 * With any_offset, P1 P2 are a READ BINARY offset: any P1 below 0x80 (the
 * top bit would name a short EF instead) and any P2.
 */
struct rdr_apdu_rule {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t data_len;
	int any_offset;
};

struct rdr_profile {
	const char *name; /* "uid", "apdu:seizo" */
	unsigned version; /* 1, 2, ...: see above */
	const char *help; /* one line for `cardtally readers` */
	/* The commands this profile may send, n_allow of them (0: none). */
	const struct rdr_apdu_rule *allow;
	size_t n_allow;
	/* Reads the identifier into *out.  Returns 0, RDR_ERR_RANDOM_ID
	 * (the identifier is random or not stable: pick an APDU profile),
	 * RDR_ERR_NO_CERT (apdu:jpki-auth: the card holds no certificate),
	 * RDR_ERR_CARD (the card answered wrongly, or not at all, or left
	 * mid-read), or another RDR_ERR_* from tx.  err says what, for the
	 * operator.  On any error *out holds no identifier (len 0). */
	int (*identify)(const struct rdr_card_info *info, rdr_transmit_fn tx,
			void *ctx, struct rdr_id *out, char *err,
			size_t errlen);
};

/*
 * The profile named `name`, or NULL; the default is "uid".  An old name
 * (apdu:mynumber) gives the profile that replaced it.
 */
const struct rdr_profile *rdr_profile_find(const char *name);
/*
 * What the operator must be told about choosing `name`: for an old name,
 * which profile it now stands for and what that changes; NULL for a
 * current name.  A static string.
 */
const char *rdr_profile_note(const char *name);
/* The compiled-in profiles, NULL-terminated. */
const struct rdr_profile *const *rdr_profiles(void);

/*
 * Whether profile p may send apdu[0..len): 1 when a rule of its allow
 * table matches (see struct rdr_apdu_rule), 0 otherwise.  Every VERIFY
 * (INS 20, 21), CHANGE / RESET RETRY COUNTER (24, 2C) and every command
 * that writes (UPDATE, WRITE, PUT DATA, ...) is refused whatever the
 * table says, the empty VERIFY 00 20 00 80 that tools send to read a
 * retry counter included.
 */
int rdr_profile_allows(const struct rdr_profile *p, const uint8_t *apdu,
		       size_t len);

/*
 * The one way a profile talks to a card: refuses (RDR_ERR_UNSUPPORTED,
 * nothing sent) every APDU that rdr_profile_allows() refuses; checks the
 * response has at least a status word and fits the buffer.
 */
int rdr_profile_transmit(const struct rdr_profile *p, rdr_transmit_fn tx,
			 void *ctx, const uint8_t *apdu, size_t len,
			 uint8_t *resp, size_t *resp_len);

#endif
