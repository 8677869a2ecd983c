/*
 * The hub's own PostgreSQL functions (doc/design.md "The hub"): the two
 * primitives that SQL lacks and that the hub's triggers need to check a
 * ward's batch by themselves, whoever connects.  Loaded by the server,
 * never by cardtally; linked with libsodium, as the appliance is, so that
 * the hashes and signatures are the very ones the appliance makes:
 *
 *   cardtally_blake2b(data bytea) -> bytea        BLAKE2b, 32 bytes
 *   cardtally_ed25519_verify(msg bytea, sig bytea, pk bytea) -> boolean
 *
 * The encodings (an audit entry's, a batch's signed message) are written
 * in the hub's schema (hub/hub.c) from these two.
 */
#include "postgres.h"

#include "fmgr.h"

#include <sodium.h>

PG_MODULE_MAGIC;

void _PG_init(void);

void _PG_init(void)
{
	if (sodium_init() < 0)
		elog(ERROR, "cardtally: libsodium cannot be initialised");
}

#define CT_HASH_BYTES 32

PG_FUNCTION_INFO_V1(cardtally_blake2b);

Datum cardtally_blake2b(PG_FUNCTION_ARGS)
{
	bytea *in = PG_GETARG_BYTEA_PP(0);
	bytea *out = (bytea *)palloc(VARHDRSZ + CT_HASH_BYTES);

	SET_VARSIZE(out, VARHDRSZ + CT_HASH_BYTES);
	crypto_generichash((unsigned char *)VARDATA(out), CT_HASH_BYTES,
			   (const unsigned char *)VARDATA_ANY(in),
			   VARSIZE_ANY_EXHDR(in), NULL, 0);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(cardtally_ed25519_verify);

/* False for a signature or key of the wrong size, as for a wrong one. */
Datum cardtally_ed25519_verify(PG_FUNCTION_ARGS)
{
	bytea *msg = PG_GETARG_BYTEA_PP(0);
	bytea *sig = PG_GETARG_BYTEA_PP(1);
	bytea *pk = PG_GETARG_BYTEA_PP(2);

	if (VARSIZE_ANY_EXHDR(sig) != crypto_sign_BYTES ||
	    VARSIZE_ANY_EXHDR(pk) != crypto_sign_PUBLICKEYBYTES)
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(crypto_sign_verify_detached(
			   (const unsigned char *)VARDATA_ANY(sig),
			   (const unsigned char *)VARDATA_ANY(msg),
			   VARSIZE_ANY_EXHDR(msg),
			   (const unsigned char *)VARDATA_ANY(pk)) == 0);
}
