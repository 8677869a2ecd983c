/*
 * A map from byte strings to 64-bit values, for the linear-time passes over a
 * whole ledger (import duplicate checks, reconciliation joins).  Open
 * addressing with linear probing; keys are copied into an arena owned by the
 * map, so callers may reuse their buffers.  libc only.
 *
 * Order of calls: strmap_new, then any number of strmap_put / strmap_get,
 * then strmap_free.  Pointers returned by strmap_key stay valid until
 * strmap_free.
 */
#ifndef CT_STRMAP_H
#define CT_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap;

/* The map's hash of len bytes at s (FNV-1a: short keys chosen by the
 * office, not by an adversary who needs them to collide), for tables of
 * their own that hash the same keys (audit_replay.c); inline, as it is
 * the inner loop of both. */
static inline uint32_t strmap_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* A map sized for about `expected` keys (it grows as needed); NULL on OOM. */
struct strmap *strmap_new(size_t expected);
void strmap_free(struct strmap *m);

/*
 * Inserts key -> value unless the key is present.  Returns 1 when inserted,
 * 0 when the key was already there (its value is then stored in *old when
 * old is not NULL and the map is unchanged), -1 on OOM.
 */
int strmap_put(struct strmap *m, const char *key, size_t len, int64_t value,
	       int64_t *old);
/* Inserts key -> value, or gives a present key this value.  0, or -1 on
 * OOM. */
int strmap_set(struct strmap *m, const char *key, size_t len, int64_t value);
/* 1 and *value set when found, 0 otherwise. */
int strmap_get(const struct strmap *m, const char *key, size_t len,
	       int64_t *value);
size_t strmap_count(const struct strmap *m);

#endif
