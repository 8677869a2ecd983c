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
 * Writes a formatted message into err (at most errlen bytes, always
 * terminated).  Does nothing when err is NULL or errlen is 0.
 */
void rdr_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * rdr_open() without the name lookup: checks that ops has its required
 * members, then opens `arg` with it.  Same results as rdr_open(); ops must
 * outlive the reader.
 */
int rdr_open_ops(const struct rdr_ops *ops, const char *arg, struct rdr **out,
		 char *err, size_t errlen);

#endif
