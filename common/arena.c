/*
 * The string arena (see arena.h): a chain of blocks, newest first; a string
 * larger than a block gets a block of its own.
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

const char *arena_strdup(struct arena *a, const char *s, size_t len)
{
	struct arena_block *b = a->head;
	size_t block = a->block_size ? a->block_size : 65536;

	if (!b || b->size - b->used < len + 1) {
		size_t size = len + 1 > block ? len + 1 : block;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = size;
		a->head = b;
	}
	char *p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_block *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}
