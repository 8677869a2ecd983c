/*
 * A string arena: many small copies in a few large blocks, freed at once.
 * Used where a million short strings (management IDs, serials) must be kept
 * for the length of one operation without a malloc each.  libc only.
 *
 * Order of calls: a zeroed struct arena, any number of arena_strdup, then
 * arena_free (which leaves it zeroed and reusable).
 */
#ifndef CT_ARENA_H
#define CT_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t block_size; /* 0: 64 KiB */
};

/* Copies len bytes of s and a NUL; the copy lives until arena_free.
 * NULL on OOM. */
const char *arena_strdup(struct arena *a, const char *s, size_t len);
void arena_free(struct arena *a);

#endif
