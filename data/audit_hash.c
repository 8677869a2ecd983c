/*
 * The audit chain's encoding and hash: the canonical bytes of an entry
 * (audit_encode), their BLAKE2b (audit_hash) and the hash as hex.  Pure:
 * no SQL, so that what writes the chain (audit_write.c), what checks it on a
 * second thread (audit_hasher.c) and the hub's part (through the program)
 * stand on it rather than on each other.
 */
#include "ledger_int.h"

#include <sodium.h>
#include <string.h>

/* Part of every encoding, so that a hash of this log can never be mistaken
 * for a hash of anything else, and a future encoding can change it. */
static const char audit_domain[] = "cardtally audit v1";

enum { TAG_NULL = 0, TAG_INT = 1, TAG_TEXT = 2, TAG_BYTES = 3 };

/* Where encode() sends an encoding: a running hash. */
struct sink {
	crypto_generichash_state *h;
};

static void put(struct sink *s, const void *p, size_t n)
{
	crypto_generichash_update(s->h, p, n);
}

static void put_u64(struct sink *s, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	put(s, b, sizeof(b));
}

static void put_tag(struct sink *s, uint8_t tag)
{
	put(s, &tag, 1);
}

static void put_int(struct sink *s, int64_t v)
{
	put_tag(s, TAG_INT);
	put_u64(s, (uint64_t)v);
}

static void put_bytes(struct sink *s, uint8_t tag, const void *p, size_t n)
{
	if (!p) {
		put_tag(s, TAG_NULL);
		return;
	}
	put_tag(s, tag);
	put_u64(s, (uint64_t)n);
	put(s, p, n);
}

static void encode(struct sink *s, const uint8_t prev[AUDIT_HASH_BYTES],
		   const struct audit_entry *e)
{
	put_bytes(s, TAG_TEXT, audit_domain, sizeof(audit_domain) - 1);
	put_bytes(s, TAG_BYTES, prev, AUDIT_HASH_BYTES);
	put_int(s, e->id);
	put_int(s, e->at);
	if (e->staff_id > 0)
		put_int(s, e->staff_id);
	else
		put_tag(s, TAG_NULL);
	put_bytes(s, TAG_TEXT, e->action, e->action_len);
	put_bytes(s, TAG_TEXT, e->subject, e->subject_len);
	put_bytes(s, TAG_TEXT, e->detail, e->detail_len);
}

/*
 * audit_encode writes the same bytes as encode() straight into the buffer:
 * its length first, then each field where it goes.  Through the sink (a
 * call, a check and a copy for every tag and length byte) the encoding
 * cost a million entries more than a tenth of `audit verify`.  encode()
 * stays for entries too long for a buffer, hashed as they are encoded
 * (audit_hash); test_audit checks that both give one hash.
 */
static size_t field_len(const void *p, size_t n)
{
	return p ? 9 + n : 1;
}

static uint8_t *write_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
	return p + 8;
}

static uint8_t *write_bytes(uint8_t *p, uint8_t tag, const void *s, size_t n)
{
	if (!s) {
		*p = TAG_NULL;
		return p + 1;
	}
	*p = tag;
	p = write_u64(p + 1, (uint64_t)n);
	memcpy(p, s, n);
	return p + n;
}

static uint8_t *write_int(uint8_t *p, int64_t v)
{
	*p = TAG_INT;
	return write_u64(p + 1, (uint64_t)v);
}

size_t audit_encode(const uint8_t prev[AUDIT_HASH_BYTES],
		    const struct audit_entry *e, uint8_t *buf, size_t cap)
{
	size_t n = field_len(audit_domain, sizeof(audit_domain) - 1) +
		   field_len(prev, AUDIT_HASH_BYTES) + 9 + 9 +
		   (e->staff_id > 0 ? 9 : 1) +
		   field_len(e->action, e->action_len) +
		   field_len(e->subject, e->subject_len) +
		   field_len(e->detail, e->detail_len);
	uint8_t *p = buf;

	if (!buf || n > cap)
		return n;
	p = write_bytes(p, TAG_TEXT, audit_domain, sizeof(audit_domain) - 1);
	p = write_bytes(p, TAG_BYTES, prev, AUDIT_HASH_BYTES);
	p = write_int(p, e->id);
	p = write_int(p, e->at);
	if (e->staff_id > 0)
		p = write_int(p, e->staff_id);
	else
		*p++ = TAG_NULL;
	p = write_bytes(p, TAG_TEXT, e->action, e->action_len);
	p = write_bytes(p, TAG_TEXT, e->subject, e->subject_len);
	write_bytes(p, TAG_TEXT, e->detail, e->detail_len);
	return n;
}

void audit_hash(const uint8_t prev[AUDIT_HASH_BYTES],
		const struct audit_entry *e, uint8_t out[AUDIT_HASH_BYTES])
{
	crypto_generichash_state h;
	struct sink s = {.h = &h};
	uint8_t buf[1024];
	size_t n = audit_encode(prev, e, buf, sizeof(buf));

	/* The same bytes hashed at once when they fit (most entries): a
	 * dozen small updates per entry cost a million verifications more
	 * than the hash itself. */
	if (n <= sizeof(buf)) {
		crypto_generichash(out, AUDIT_HASH_BYTES, buf, n, NULL, 0);
		return;
	}
	crypto_generichash_init(&h, NULL, 0, AUDIT_HASH_BYTES);
	encode(&s, prev, e);
	crypto_generichash_final(&h, out, AUDIT_HASH_BYTES);
}

void audit_hex(const uint8_t h[AUDIT_HASH_BYTES], char out[AUDIT_HEX_BUF])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < AUDIT_HASH_BYTES; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[2 * AUDIT_HASH_BYTES] = '\0';
}

int audit_hex_parse(const char *s, uint8_t out[AUDIT_HASH_BYTES])
{
	if (strlen(s) != 2 * AUDIT_HASH_BYTES)
		return -1;
	for (int i = 0; i < 2 * AUDIT_HASH_BYTES; i++) {
		int v = hex_digit((unsigned char)s[i]);

		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return 0;
}
