/*
 * Internal to drivers/: the backend tables that reader.c registers, and the
 * few helpers backends share with the registry.  Nothing outside drivers/
 * includes this file except the drivers' own tests, which use
 * rdr_open_ops() to check the registry's rules against hand-made tables.
 */
#ifndef CT_RDR_BACKENDS_H
#define CT_RDR_BACKENDS_H

#include "reader.h"

#include <stddef.h>
#include <stdint.h>

/* Marks a text the front ends show (a backend's or profile's help, a
 * profile's note, a USB reader's note) for the message catalog; the front
 * ends translate it with gettext.  drivers/ translates only its own
 * messages (rdr_errf, rdr_tr). */
#ifndef N_
#define N_(s) s
#endif

/* One entry per backend file; each is listed once in reader.c. */
extern const struct rdr_ops rdr_sim_ops;
extern const struct rdr_ops rdr_kbd_ops;
#ifdef HAVE_PCSC
extern const struct rdr_ops rdr_pcsc_ops;
#endif

/* The APDU identity profiles, one per profile_*.c; each is listed once in
 * profile.c's table. */
extern const struct rdr_profile rdr_profile_seizo;     /* profile_seizo.c */
extern const struct rdr_profile rdr_profile_jpki_auth; /* profile_jpki.c */
#ifdef HAVE_NFC
extern const struct rdr_ops rdr_nfc_ops; /* rdr_nfc.c, built with libnfc */
#endif

/*
 * What a backend makes of the bytes a reader hands over, pure so that
 * tests/fuzz/fuzz_reader.c can give them anything a device could send.
 */
struct rdr_card_info; /* profile.h */
#ifdef HAVE_PCSC
/* The card's technology guessed from info's ATR and UID length (PC/SC
 * part 3); RDR_TECH_UNKNOWN when nothing fits. */
enum rdr_tech rdr_pcsc_tech(const struct rdr_card_info *info);
/* The UID from a GET DATA response (resp, n bytes: the UID, then 90 00)
 * into info; 0, or -1 (info->uid_len 0) for any other response. */
int rdr_pcsc_uid(const uint8_t *resp, size_t n, struct rdr_card_info *info);
#endif
#ifdef HAVE_NFC
#include <nfc/nfc.h>
/* What libnfc decoded of a target (from the PN53x's InListPassiveTarget
 * or InSelect answer) as info: its technology and identifier (UID, PUPI
 * or IDm), lengths clamped, never trusted.  0, or -1 for a modulation it
 * does not take or an identifier of no or too many bytes. */
int rdr_nfc_card_info(const nfc_target *nt, struct rdr_card_info *info);
#endif

/*
 * Writes a formatted message into err (at most errlen bytes, always
 * terminated).  Does nothing when err is NULL or errlen is 0.  fmt is a
 * msgid of the catalog (the Makefile's pot target extracts rdr_errf's
 * third argument): written in the operator's language unless
 * rdr_messages_translated(0) (reader.h).  Texts that come from libraries
 * (strerror, pcsc_stringify_error, libusb_strerror) go in through %s as
 * they are.
 */
void rdr_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A fixed English text that goes into a message through %s (a step's
 * name, der_strerror's words), marked N_() where it is written: its
 * translation, under the same rule as rdr_errf's format.  "" and NULL
 * are given back as they are.
 */
const char *rdr_tr(const char *msgid) __attribute__((format_arg(1)));

/*
 * rdr_open() without the name lookup: checks that ops has its required
 * members, then opens `arg` with it.  Same results as rdr_open(); ops must
 * outlive the reader.
 */
int rdr_open_ops(const struct rdr_ops *ops, const char *arg, struct rdr **out,
		 char *err, size_t errlen);

#endif
