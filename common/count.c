/*
 * Storage for struct count_data: growable row arrays and a string arena, so
 * that loading a million cards costs a few large allocations.
 */
#include "count.h"

#include <stdlib.h>
#include <string.h>

struct count_block {
	struct count_block *next;
	size_t used, size;
	char data[];
};

const char *count_data_strdup(struct count_data *d, const char *s, size_t len)
{
	struct count_block *b = d->arena;

	if (!b || b->size - b->used < len + 1) {
		size_t size = len + 1 > 262144 ? len + 1 : 262144;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = d->arena;
		b->used = 0;
		b->size = size;
		d->arena = b;
	}
	char *p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

static void *grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 256;
	void *p = realloc(arr, ncap * elem);

	if (p)
		*cap = ncap;
	return p;
}

struct count_card *count_data_add_card(struct count_data *d)
{
	struct count_card *p =
		grow(d->cards, &d->cards_cap, d->ncards, sizeof(*p));

	if (!p)
		return NULL;
	d->cards = p;
	p = &d->cards[d->ncards++];
	memset(p, 0, sizeof(*p));
	return p;
}

struct count_scan *count_data_add_scan(struct count_data *d)
{
	struct count_scan *p =
		grow(d->scans, &d->scans_cap, d->nscans, sizeof(*p));

	if (!p)
		return NULL;
	d->scans = p;
	p = &d->scans[d->nscans++];
	memset(p, 0, sizeof(*p));
	return p;
}

void count_data_free(struct count_data *d)
{
	while (d->arena) {
		struct count_block *next = d->arena->next;

		free(d->arena);
		d->arena = next;
	}
	free(d->ranges);
	free(d->cards);
	free(d->scans);
	memset(d, 0, sizeof(*d));
}
