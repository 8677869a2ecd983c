/*
 * Open-addressing string map (see strmap.h).  Keys live in a chain of arena
 * blocks so that a million keys cost a million small copies, not a million
 * mallocs; the slot array stores a hash, the key pointer and the value.
 */
#include "strmap.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	const char *key; /* NULL: empty */
	uint32_t len;
	uint32_t hash;
	int64_t value;
};

struct strmap {
	struct slot *slots;
	size_t cap; /* power of two */
	size_t count;
	struct arena arena; /* the keys */
};

struct strmap *strmap_new(size_t expected)
{
	struct strmap *m = calloc(1, sizeof(*m));
	size_t cap = 16;

	if (!m)
		return NULL;
	while (cap < expected * 2)
		cap <<= 1;
	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		free(m);
		return NULL;
	}
	m->cap = cap;
	return m;
}

void strmap_free(struct strmap *m)
{
	if (!m)
		return;
	arena_free(&m->arena);
	free(m->slots);
	free(m);
}

static struct slot *find(const struct strmap *m, const char *key, size_t len,
			 uint32_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct slot *s = &m->slots[i];

		if (!s->key)
			return s;
		if (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0)
			return s;
	}
}

static int grow(struct strmap *m)
{
	size_t ncap = m->cap * 2;
	struct slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		struct slot *s = &m->slots[i];

		if (!s->key)
			continue;
		size_t j = s->hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = *s;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

int strmap_put(struct strmap *m, const char *key, size_t len, int64_t value,
	       int64_t *old)
{
	uint32_t h = strmap_hash(key, len);
	struct slot *s = find(m, key, len, h);

	if (s->key) {
		if (old)
			*old = s->value;
		return 0;
	}
	if ((m->count + 1) * 10 > m->cap * 7) {
		if (grow(m) < 0)
			return -1;
		s = find(m, key, len, h);
	}
	s->key = arena_strdup(&m->arena, key, len);
	if (!s->key)
		return -1;
	s->len = (uint32_t)len;
	s->hash = h;
	s->value = value;
	m->count++;
	return 1;
}

int strmap_set(struct strmap *m, const char *key, size_t len, int64_t value)
{
	uint32_t h = strmap_hash(key, len);
	struct slot *s = find(m, key, len, h);

	if (!s->key)
		return strmap_put(m, key, len, value, NULL) < 0 ? -1 : 0;
	s->value = value;
	return 0;
}

int strmap_get(const struct strmap *m, const char *key, size_t len,
	       int64_t *value)
{
	const struct slot *s = find(m, key, len, strmap_hash(key, len));

	if (!s->key)
		return 0;
	if (value)
		*value = s->value;
	return 1;
}

size_t strmap_count(const struct strmap *m)
{
	return m->count;
}
