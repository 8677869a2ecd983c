/*
 * libFuzzer target for what the reader backends make of the bytes a
 * reader hands over, before any profile talks to the card:
 *
 * - rdr_nfc.c: a target as libnfc decoded it from a PN53x frame
 *   (InListPassiveTarget, InSelect) into an nfc_target, whose lengths and
 *   identifiers come from the chip and the card (rdr_nfc_card_info);
 * - rdr_pcsc.c: the ATR pcscd reports (rdr_pcsc_tech) and the answer to
 *   GET DATA for the UID (rdr_pcsc_uid);
 * - then the "uid" profile, which turns what the backend found into the
 *   card's identifier.
 *
 * The input's first byte picks the modulation of the libnfc target; the
 * rest fills the target's decoded information as raw bytes (a UID length
 * of anything, identifiers of any content), is the ATR (its first 33
 * bytes), and is the GET DATA response.  Checked besides memory safety
 * (ASan, UBSan): an identifier taken is 1 to RDR_ID_MAX bytes copied from
 * where the target or the response holds it, a type A UID longer than the
 * target's buffer is refused, a response is taken only with its 90 00, the
 * technology is one rdr_tech knows, and the uid profile's identifier is the
 * UID (type B and random UIDs refused).  A broken promise aborts, which the
 * fuzzer reports as a crash.
 *
 * Built by `make fuzz` with clang; tests/test_fuzz_corpus.c includes this
 * file (with FUZZ_ENTRY renamed) to replay the corpus in `make test`.
 * Without libnfc or PC/SC (HAVE_NFC, HAVE_PCSC) that part is left out.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/profile.h"
#include "../../drivers/rdr_backends.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

/* The card never answers an APDU: the uid profile needs none. */
static int fuzz_reader_no_card(void *ctx, const uint8_t *apdu, size_t len,
			       uint8_t *resp, size_t *resp_len)
{
	(void)ctx, (void)apdu, (void)len, (void)resp, (void)resp_len;
	return RDR_ERR_IO;
}

/* The uid profile on info, which a backend has taken: a type B card or a
 * random type A UID (4 bytes from 08) refused with a message, else the
 * identifier is the UID, byte for byte. */
static void fuzz_reader_uid_profile(const struct rdr_card_info *info)
{
	const struct rdr_profile *p = rdr_profile_find("uid");
	struct rdr_id id;
	char err[RDR_ERRMSG_MAX] = "";
	int rc, refused;

	if (p == NULL)
		abort();
	memset(&id, 0, sizeof(id));
	rc =
	    p->identify(info, fuzz_reader_no_card, NULL, &id, err, sizeof(err));
	refused = info->tech == RDR_TECH_ISO14443B ||
		  (info->tech == RDR_TECH_ISO14443A && info->uid_len == 4 &&
		   info->uid[0] == 0x08);
	if (refused) {
		if (rc != RDR_ERR_RANDOM_ID || err[0] == '\0' || id.len != 0)
			abort();
		return;
	}
	if (rc != 0 || id.len != info->uid_len ||
	    memcmp(id.bytes, info->uid, id.len) != 0)
		abort();
}

#ifdef HAVE_NFC
static void fuzz_reader_nfc(const uint8_t *data, size_t size)
{
	static const nfc_modulation_type mods[] = {NMT_ISO14443A, NMT_ISO14443B,
						   NMT_FELICA, NMT_JEWEL};
	nfc_target nt;
	struct rdr_card_info info;
	const uint8_t *id = NULL;
	size_t len = 0;
	int rc;

	memset(&nt, 0, sizeof(nt));
	nt.nm.nmt = mods[data[0] % 4];
	nt.nm.nbr = NBR_106;
	memcpy(&nt.nti, data + 1,
	       size - 1 < sizeof(nt.nti) ? size - 1 : sizeof(nt.nti));
	rc = rdr_nfc_card_info(&nt, &info);
	switch (nt.nm.nmt) {
	case NMT_ISO14443A:
		id = nt.nti.nai.abtUid;
		len = nt.nti.nai.szUidLen;
		if (len > sizeof(nt.nti.nai.abtUid) && rc == 0)
			abort();
		if (rc == 0 && info.tech != RDR_TECH_ISO14443A)
			abort();
		break;
	case NMT_ISO14443B:
		id = nt.nti.nbi.abtPupi;
		len = sizeof(nt.nti.nbi.abtPupi);
		if (rc != 0 || info.tech != RDR_TECH_ISO14443B)
			abort();
		break;
	case NMT_FELICA:
		id = nt.nti.nfi.abtId;
		len = sizeof(nt.nti.nfi.abtId);
		if (rc != 0 || info.tech != RDR_TECH_FELICA)
			abort();
		break;
	default:
		if (rc == 0)
			abort();
		return;
	}
	if (rc != 0)
		return;
	if (info.uid_len == 0 || info.uid_len > RDR_ID_MAX ||
	    info.uid_len != len || memcmp(info.uid, id, len) != 0)
		abort();
	fuzz_reader_uid_profile(&info);
}
#endif

#ifdef HAVE_PCSC
static void fuzz_reader_pcsc(const uint8_t *data, size_t size)
{
	struct rdr_card_info info;
	enum rdr_tech t;
	int rc;

	memset(&info, 0, sizeof(info));
	rc = rdr_pcsc_uid(data, size, &info);
	if ((rc == 0) != (size >= 3 && size - 2 <= RDR_ID_MAX &&
			  data[size - 2] == 0x90 && data[size - 1] == 0x00))
		abort();
	if (rc == 0 && (info.uid_len != size - 2 ||
			memcmp(info.uid, data, info.uid_len) != 0))
		abort();
	if (rc != 0 && info.uid_len != 0)
		abort();
	info.atr_len = size < sizeof(info.atr) ? size : sizeof(info.atr);
	memcpy(info.atr, data, info.atr_len);
	t = rdr_pcsc_tech(&info);
	if (t != RDR_TECH_UNKNOWN && t != RDR_TECH_ISO14443A &&
	    t != RDR_TECH_ISO14443B && t != RDR_TECH_FELICA)
		abort();
	info.tech = t;
	if (info.uid_len > 0)
		fuzz_reader_uid_profile(&info);
}
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
#ifdef HAVE_NFC
	fuzz_reader_nfc(data, size);
#endif
#ifdef HAVE_PCSC
	fuzz_reader_pcsc(data, size);
#endif
	return 0;
}
