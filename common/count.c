/*
 * Storage for struct count_data: growable row arrays and a string arena, so
 * that loading a million cards costs a few large allocations.
 */
#include "count.h"

#include <stdlib.h>
#include <string.h>

const char *count_data_strdup(struct count_data *d, const char *s, size_t len)
{
	return arena_strdup(&d->arena, s, len);
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

int count_data_reserve(struct count_data *d, size_t ncards, size_t nscans)
{
	if (ncards > d->cards_cap) {
		void *p = realloc(d->cards, ncards * sizeof(*d->cards));

		if (!p)
			return -1;
		d->cards = p;
		d->cards_cap = ncards;
	}
	if (nscans > d->scans_cap) {
		void *p = realloc(d->scans, nscans * sizeof(*d->scans));

		if (!p)
			return -1;
		d->scans = p;
		d->scans_cap = nscans;
	}
	return 0;
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

struct count_change *count_data_add_change(struct count_data *d)
{
	struct count_change *p =
	    grow(d->changes, &d->changes_cap, d->nchanges, sizeof(*p));

	if (!p)
		return NULL;
	d->changes = p;
	p = &d->changes[d->nchanges++];
	memset(p, 0, sizeof(*p));
	return p;
}

void count_data_free(struct count_data *d)
{
	arena_free(&d->arena);
	free(d->ranges);
	free(d->cards);
	free(d->scans);
	free(d->changes);
	memset(d, 0, sizeof(*d));
}
