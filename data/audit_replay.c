/*
 * Replaying the audit log against the tables it describes.  The chain
 * (audit.c) proves that the entries are the ones written; this file reads
 * what they say about cards, assets (terminals) and staff -- which entry
 * found a row in which state, and in which state it left it -- and checks
 * that the tables still hold what the last entry about each row left
 * there.  A card whose status was set to "disposed" with the sqlite3 shell,
 * a PIN hash replaced or an account unlocked by hand is then named, with
 * the entry that says otherwise.
 *
 * Entries written before a detail existed are read for what they say: a
 * field no entry recorded is not compared, and counted (see
 * audit_entry_facts in ledger.h).  Version 12's migration records every
 * row's state once (ledger_audit_baseline), so that from then on every
 * field is known.
 */
#include "ledger_int.h"
#include "../common/arena.h"
#include "../common/strmap.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the facts of one entry (pure) ---- */

static const char *const field_names[AUDIT_F_COUNT] = {
    [AUDIT_F_STATUS] = "status", [AUDIT_F_LOCATION] = "location",
    [AUDIT_F_ROLE] = "role",	 [AUDIT_F_ACTIVE] = "active",
    [AUDIT_F_LOCKED] = "locked", [AUDIT_F_PIN] = "pin",
};

const char *audit_field_name(enum audit_field f)
{
	return (unsigned)f < AUDIT_F_COUNT ? field_names[f] : "unknown";
}

const char *audit_row_table(enum audit_row_kind k)
{
	switch (k) {
	case AUDIT_ROW_CARD:
		return "card";
	case AUDIT_ROW_ASSET:
		return "asset";
	case AUDIT_ROW_STAFF:
		return "staff";
	}
	return "unknown";
}

void audit_add_finding(struct audit_verify *out, const struct audit_finding *f)
{
	if (out->nfindings == 0) {
		out->problem = f->problem;
		out->table = f->table;
		out->bad_id = f->id;
		snprintf(out->what, sizeof(out->what), "%s", f->what);
	}
	if (out->nfindings < AUDIT_FINDINGS_MAX)
		out->findings[out->nfindings] = *f;
	out->nfindings++;
}

void audit_pin_digest(const char *pin_hash, size_t len,
		      char out[AUDIT_PIN_DIGEST_BUF])
{
	/* The NUL ends the domain: no hash text can run into it. */
	static const char domain[] = "cardtally pin v1";
	/* Letters, not hex: no run of digits in the log looks like a PIN. */
	static const char digits[] = "abcdefghijklmnop";
	crypto_generichash_state h;
	uint8_t d[(AUDIT_PIN_DIGEST_BUF - 1) / 2];

	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	crypto_generichash_update(&h, (const uint8_t *)domain, sizeof(domain));
	crypto_generichash_update(&h, (const uint8_t *)pin_hash, len);
	crypto_generichash_final(&h, d, sizeof(d));
	for (size_t i = 0; i < sizeof(d); i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * sizeof(d)] = '\0';
}

int audit_staff_detail(char *buf, size_t cap, const char *role, int active,
		       int locked, const char *pin_hash)
{
	char pin[AUDIT_PIN_DIGEST_BUF];
	int n;

	audit_pin_digest(pin_hash, strlen(pin_hash), pin);
	n = snprintf(buf, cap, "role=%s active=%d locked=%d pin=%s", role,
		     active, locked, pin);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

static struct audit_text text_of(const char *p, size_t len)
{
	return (struct audit_text){.p = p, .len = len};
}

static int text_is(struct audit_text t, const char *s)
{
	return t.p && t.len == strlen(s) && memcmp(t.p, s, t.len) == 0;
}

static int text_starts(struct audit_text t, const char *s)
{
	size_t n = strlen(s);

	return t.p && t.len >= n && memcmp(t.p, s, n) == 0;
}

/*
 * The value of `key` ("name=") in a detail of space-separated fields: the
 * first place where key starts the text or follows a space.  .p NULL when
 * it is not there; .len runs to the end of the text (callers cut it).
 */
static struct audit_text value_of(struct audit_text d, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; d.p && i + n <= d.len; i++)
		if ((i == 0 || d.p[i - 1] == ' ') &&
		    memcmp(d.p + i, key, n) == 0)
			return text_of(d.p + i + n, d.len - i - n);
	return text_of(NULL, 0);
}

/* The same for the last place: a value that runs to the end of the
 * detail and follows free text (an asset's name) that could hold key. */
static struct audit_text last_value_of(struct audit_text d, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = d.p && d.len >= n ? d.len - n + 1 : 0; i-- > 0;)
		if ((i == 0 || d.p[i - 1] == ' ') &&
		    memcmp(d.p + i, key, n) == 0)
			return text_of(d.p + i + n, d.len - i - n);
	return text_of(NULL, 0);
}

/* v cut at the first space. */
static struct audit_text token(struct audit_text v)
{
	const char *sp = v.p ? memchr(v.p, ' ', v.len) : NULL;

	if (sp)
		v.len = (size_t)(sp - v.p);
	return v;
}

/* v cut where marker (" to=") begins, if it is there. */
static struct audit_text cut_at(struct audit_text v, const char *marker)
{
	size_t n = strlen(marker);

	for (size_t i = 0; v.p && i + n <= v.len; i++)
		if (memcmp(v.p + i, marker, n) == 0) {
			v.len = i;
			break;
		}
	return v;
}

/* "A->B" split in two; *after only (and *before .p NULL) without "->". */
static void split_arrow(struct audit_text v, struct audit_text *before,
			struct audit_text *after)
{
	*before = text_of(NULL, 0);
	*after = v;
	for (size_t i = 0; v.p && i + 2 <= v.len; i++)
		if (v.p[i] == '-' && v.p[i + 1] == '>') {
			*before = text_of(v.p, i);
			*after = text_of(v.p + i + 2, v.len - i - 2);
			return;
		}
}

#define BIT(f) (1u << (f))

static void leave(struct audit_fact *f, enum audit_field field,
		  struct audit_text v)
{
	f->left |= BIT(field);
	f->after[field] = v;
}

static void find(struct audit_fact *f, enum audit_field field,
		 struct audit_text v)
{
	f->found |= BIT(field);
	f->before[field] = v;
}

/* custody.<kind>, subject "card MGMT" or "asset CODE", detail
 * "event=N status=A->B from=F to=T for=D[ safe=closed]". */
static int custody_facts(struct audit_text subject, struct audit_text d,
			 int (*fn)(void *, const struct audit_fact *),
			 void *ctx)
{
	struct audit_fact f = {0};
	struct audit_text st, before, after, from, to;

	if (text_starts(subject, "card ")) {
		f.kind = AUDIT_ROW_CARD;
		f.key = text_of(subject.p + 5, subject.len - 5);
	} else if (text_starts(subject, "asset ")) {
		f.kind = AUDIT_ROW_ASSET;
		f.key = text_of(subject.p + 6, subject.len - 6);
	} else {
		return 0;
	}
	st = token(value_of(d, "status="));
	from = cut_at(value_of(d, "from="), " to=");
	to = cut_at(value_of(d, "to="), " for=");
	split_arrow(st, &before, &after);
	if (!st.p || !before.p || !from.p || !to.p)
		return 0;
	find(&f, AUDIT_F_STATUS, before);
	find(&f, AUDIT_F_LOCATION, from);
	leave(&f, AUDIT_F_STATUS, after);
	leave(&f, AUDIT_F_LOCATION, to);
	return fn(ctx, &f);
}

/* import.cards and state.card: subject the location, detail "status=S
 * [status_from=file|ledger ]cards=M1 M2 ...". */
static int card_list_facts(struct audit_text subject, struct audit_text d,
			   int found_too,
			   int (*fn)(void *, const struct audit_fact *),
			   void *ctx)
{
	struct audit_text st = token(value_of(d, "status="));
	struct audit_text from = token(value_of(d, "status_from="));
	struct audit_text cards = value_of(d, "cards=");
	int found_status = found_too || text_is(from, "ledger");
	struct audit_fact f = {.kind = AUDIT_ROW_CARD};
	int rc = 0;

	if (!st.p || !cards.p || !subject.p)
		return 0;
	/* The same fact for every card of the list but its key. */
	if (found_status)
		find(&f, AUDIT_F_STATUS, st);
	if (found_too)
		find(&f, AUDIT_F_LOCATION, subject);
	leave(&f, AUDIT_F_STATUS, st);
	leave(&f, AUDIT_F_LOCATION, subject);
	while (rc == 0 && cards.len > 0) {
		struct audit_text key = token(cards);

		if (key.len > 0) {
			f.key = key;
			rc = fn(ctx, &f);
		}
		if (key.len >= cards.len)
			break;
		cards = text_of(key.p + key.len + 1, cards.len - key.len - 1);
	}
	return rc;
}

/* staff.* entries and state.staff: "role=R active=A locked=L pin=P",
 * each field optional, "A->B" read as B.  A field the entry does not hold
 * may have changed with it (an action this version does not know): it is
 * forgotten, never guessed. */
static void staff_fields(struct audit_fact *f, struct audit_text d,
			 int found_too)
{
	static const struct {
		enum audit_field field;
		const char *key;
	} keys[] = {
	    {AUDIT_F_ROLE, "role="},
	    {AUDIT_F_ACTIVE, "active="},
	    {AUDIT_F_LOCKED, "locked="},
	    {AUDIT_F_PIN, "pin="},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct audit_text v = token(value_of(d, keys[i].key));
		struct audit_text before, after;

		if (!v.p) {
			f->forget |= BIT(keys[i].field);
			continue;
		}
		split_arrow(v, &before, &after);
		if (found_too)
			find(f, keys[i].field, after);
		leave(f, keys[i].field, after);
	}
}

static int staff_facts(struct audit_text action, struct audit_text subject,
		       struct audit_text d,
		       int (*fn)(void *, const struct audit_fact *), void *ctx)
{
	struct audit_fact f = {.kind = AUDIT_ROW_STAFF, .key = subject};
	struct audit_text pin = token(value_of(d, "pin="));

	if (!subject.p || subject.len == 0)
		return 0;
	/* Entries that change nothing replayed: the failure count, a
	 * locked account's refusal, a witness's own entry. */
	if (text_is(action, "staff.pin_failed") ||
	    text_is(action, "staff.pin_ok") ||
	    text_is(action, "staff.pin_refused") ||
	    text_is(action, "staff.witness"))
		return 0;
	if (text_is(action, "staff.lock")) {
		leave(&f, AUDIT_F_LOCKED, text_of("1", 1));
	} else if (text_is(action, "staff.unlock")) {
		leave(&f, AUDIT_F_LOCKED, text_of("0", 1));
	} else if (text_is(action, "staff.deactivate")) {
		leave(&f, AUDIT_F_ACTIVE, text_of("0", 1));
	} else if (text_is(action, "staff.reactivate")) {
		leave(&f, AUDIT_F_ACTIVE, text_of("1", 1));
	} else if (text_is(action, "staff.role")) {
		/* "from=A to=B[ witness=W]" */
		struct audit_text from = token(value_of(d, "from="));
		struct audit_text to = token(value_of(d, "to="));

		if (!to.p)
			return 0;
		if (from.p)
			find(&f, AUDIT_F_ROLE, from);
		leave(&f, AUDIT_F_ROLE, to);
	} else if (text_is(action, "staff.pin_change") ||
		   text_is(action, "staff.pin_reset")) {
		/* A reset also unlocks; an entry without the digest (none
		 * had it before version 12) leaves the PIN unknown. */
		if (pin.p)
			leave(&f, AUDIT_F_PIN, pin);
		else
			f.forget = BIT(AUDIT_F_PIN);
		if (text_is(action, "staff.pin_reset"))
			leave(&f, AUDIT_F_LOCKED, text_of("0", 1));
	} else if (text_is(action, "staff.add") && d.p &&
		   !memchr(d.p, '=', d.len)) {
		/* Before the digest: the role alone, on a new row. */
		leave(&f, AUDIT_F_ROLE, d);
		leave(&f, AUDIT_F_ACTIVE, text_of("1", 1));
		leave(&f, AUDIT_F_LOCKED, text_of("0", 1));
		f.forget = BIT(AUDIT_F_PIN);
	} else if (text_is(action, "state.staff")) {
		staff_fields(&f, d, 1);
	} else {
		staff_fields(&f, d, 0);
	}
	return f.left || f.forget || f.found ? fn(ctx, &f) : 0;
}

int audit_entry_facts(const struct audit_entry *e,
		      int (*fn)(void *ctx, const struct audit_fact *f),
		      void *ctx)
{
	struct audit_text action = text_of(e->action, e->action_len);
	struct audit_text subject = text_of(e->subject, e->subject_len);
	struct audit_text d = text_of(e->detail, e->detail_len);
	struct audit_fact f = {0};

	if (!action.p)
		return 0;
	if (text_starts(action, "custody."))
		return custody_facts(subject, d, fn, ctx);
	if (text_starts(action, "staff.") || text_is(action, "state.staff"))
		return staff_facts(action, subject, d, fn, ctx);
	if (text_is(action, "import.cards"))
		return card_list_facts(subject, d, 0, fn, ctx);
	if (text_is(action, "state.card"))
		return card_list_facts(subject, d, 1, fn, ctx);
	if (text_is(action, "import.status") && subject.p) {
		/* An applicant event from the issuing system, per card:
		 * subject MGMT, detail "status=A->B". */
		struct audit_text before, after;

		split_arrow(token(value_of(d, "status=")), &before, &after);
		if (!before.p)
			return 0;
		f.kind = AUDIT_ROW_CARD;
		f.key = subject;
		find(&f, AUDIT_F_STATUS, before);
		leave(&f, AUDIT_F_STATUS, after);
		return fn(ctx, &f);
	}
	if (text_is(action, "dispose.card") && subject.p) {
		f.kind = AUDIT_ROW_CARD;
		f.key = subject;
		leave(&f, AUDIT_F_STATUS, text_of("disposed", 8));
		return fn(ctx, &f);
	}
	if ((text_is(action, "asset.add") || text_is(action, "state.asset")) &&
	    subject.p) {
		struct audit_text loc = last_value_of(d, "location=");
		struct audit_text st = token(value_of(d, "status="));

		if (!loc.p)
			return 0;
		if (text_is(action, "asset.add"))
			st = text_of("in_storage", 10);
		else if (!st.p)
			return 0;
		f.kind = AUDIT_ROW_ASSET;
		f.key = subject;
		if (text_is(action, "state.asset")) {
			find(&f, AUDIT_F_STATUS, st);
			find(&f, AUDIT_F_LOCATION, loc);
		}
		leave(&f, AUDIT_F_STATUS, st);
		leave(&f, AUDIT_F_LOCATION, loc);
		return fn(ctx, &f);
	}
	if (text_is(action, "import")) {
		/* Written before import.cards: which cards changed is not
		 * said, so none of them is known any more. */
		struct audit_text u = token(value_of(d, "updated="));

		if (!u.p || (u.len == 1 && u.p[0] == '0'))
			return 0;
		f.kind = AUDIT_ROW_CARD;
		f.forget = BIT(AUDIT_F_STATUS) | BIT(AUDIT_F_LOCATION);
		return fn(ctx, &f);
	}
	return 0;
}

/* ---- the replayed state ---- */

/*
 * A million cards must fit in a few tens of MiB (issue 12), so the state
 * is kept in 32-bit words: a row is the place of its key in the key store,
 * then per slot the entry that left the value (0: unknown) and the index
 * of that value.  Rows live in blocks that never move; an open-addressing
 * index of row numbers finds a key.  Each key is stored once, its length
 * first, in blocks of bytes.  Entry ids past 2^32 - 1 (a log of four
 * billion entries) are refused as out of memory.
 */

/* Where a field is kept in a row: cards and assets use the first two
 * slots, staff the four. */
static int slot_of(enum audit_field f)
{
	return f <= AUDIT_F_LOCATION ? (int)f : (int)f - AUDIT_F_ROLE;
}

static unsigned kind_fields(enum audit_row_kind k)
{
	return k == AUDIT_ROW_STAFF
		   ? BIT(AUDIT_F_ROLE) | BIT(AUDIT_F_ACTIVE) |
			 BIT(AUDIT_F_LOCKED) | BIT(AUDIT_F_PIN)
		   : BIT(AUDIT_F_STATUS) | BIT(AUDIT_F_LOCATION);
}

static int kind_slots(enum audit_row_kind k)
{
	return k == AUDIT_ROW_STAFF ? 4 : 2;
}

/* Keys: blocks of KEY_BLOCK bytes (a longer key has a block of its own);
 * a key's place is its block << KEY_OFF_BITS | its offset there. */
#define KEY_OFF_BITS 20
#define KEY_BLOCK ((size_t)1 << KEY_OFF_BITS)
#define KEY_BLOCKS_MAX ((size_t)1 << (32 - KEY_OFF_BITS))

struct keystore {
	uint8_t **blocks;
	size_t n;    /* blocks */
	size_t used; /* bytes used in the last one */
	size_t size; /* its size */
};

static void keys_free(struct keystore *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->blocks[i]);
	free(ks->blocks);
	memset(ks, 0, sizeof(*ks));
}

/* Stores p[0..len); its place in *ref. -1 on OOM. */
static int keys_add(struct keystore *ks, const char *p, size_t len,
		    uint32_t *ref)
{
	uint8_t head[10];
	size_t nhead = 0, need;

	for (size_t v = len;; v >>= 7) {
		head[nhead++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		if (v <= 0x7f)
			break;
	}
	need = nhead + len;
	if (ks->n == 0 || ks->size - ks->used < need) {
		size_t size = need > KEY_BLOCK ? need : KEY_BLOCK;
		uint8_t **nb;

		if (ks->n == KEY_BLOCKS_MAX)
			return -1;
		nb = realloc(ks->blocks, (ks->n + 1) * sizeof(*nb));
		if (!nb)
			return -1;
		ks->blocks = nb;
		ks->blocks[ks->n] = malloc(size);
		if (!ks->blocks[ks->n])
			return -1;
		ks->n++;
		ks->used = 0;
		ks->size = size;
	}
	*ref = (uint32_t)((ks->n - 1) << KEY_OFF_BITS | ks->used);
	memcpy(ks->blocks[ks->n - 1] + ks->used, head, nhead);
	if (len)
		memcpy(ks->blocks[ks->n - 1] + ks->used + nhead, p, len);
	ks->used += need;
	return 0;
}

static const char *keys_get(const struct keystore *ks, uint32_t ref,
			    size_t *len)
{
	const uint8_t *q =
	    ks->blocks[ref >> KEY_OFF_BITS] + (ref & (KEY_BLOCK - 1));
	size_t v = 0;
	int shift = 0;

	do
		v |= (size_t)(*q & 0x7f) << shift, shift += 7;
	while (*q++ & 0x80);
	*len = v;
	return (const char *)q;
}

/* Rows: blocks of ROW_BLOCK rows of `words` words each. */
#define ROW_BLOCK_BITS 14
#define ROW_BLOCK ((size_t)1 << ROW_BLOCK_BITS)

struct rtable {
	uint32_t **blocks;
	size_t nblocks;
	size_t n;	/* rows */
	int slots;	/* per row */
	size_t words;	/* per row: 1 + 2 * slots */
	uint32_t *index; /* row + 1 per place, 0 empty; icap a power of 2 */
	size_t icap;
	uint8_t *seen;	 /* one bit per row: the table has it */
	uint32_t forgot; /* values left at or before this entry are unknown */
};

/* A row: w[0] its key, w[1 + s] the entry of slot s, w[1 + slots + s]
 * the index of its value. */
static uint32_t *row_at(const struct rtable *t, size_t i)
{
	return t->blocks[i >> ROW_BLOCK_BITS] +
	       (i & (ROW_BLOCK - 1)) * t->words;
}

#define ROW_ENTRY(t, w, s) ((w)[1 + (s)])
#define ROW_VAL(t, w, s) ((w)[1 + (t)->slots + (s)])

struct audit_replay {
	struct rtable t[3];
	struct keystore keys;
	struct strmap *vals; /* value -> index into valv */
	const char **valv;
	size_t nvals, capvals;
	struct arena arena; /* the values */
	/* The values interned for the entry being applied, by where its
	 * text holds them: an entry of 256 cards names one status and one
	 * place. */
	struct {
		const char *p;
		size_t len;
		uint32_t idx;
	} memo[2];
	int nmemo;
	int after_import_cards; /* the entry before was import.cards */
	int64_t entry;		/* the entry being applied */
	struct audit_verify *out;
};

struct audit_replay *audit_replay_new(size_t cards)
{
	struct audit_replay *r = calloc(1, sizeof(*r));
	struct rtable *t;

	if (!r)
		return NULL;
	r->vals = strmap_new(256);
	for (int i = 0; i < 3; i++) {
		r->t[i].slots = kind_slots((enum audit_row_kind)i);
		r->t[i].words = 1 + 2 * (size_t)r->t[i].slots;
	}
	/* The cards' index made at the size the log will need (under half
	 * full), not doubled from 256 and rehashed twelve times on the way
	 * to a million. */
	t = &r->t[AUDIT_ROW_CARD];
	if (cards > 0 && cards < UINT32_MAX / 4) {
		size_t cap = 256;

		while (cap < 2 * (cards + 1))
			cap *= 2;
		t->index = calloc(cap, sizeof(*t->index));
		t->icap = t->index ? cap : 0;
	}
	if (!r->vals) {
		audit_replay_free(r);
		return NULL;
	}
	return r;
}

void audit_replay_free(struct audit_replay *r)
{
	if (!r)
		return;
	for (int i = 0; i < 3; i++) {
		for (size_t b = 0; b < r->t[i].nblocks; b++)
			free(r->t[i].blocks[b]);
		free(r->t[i].blocks);
		free(r->t[i].index);
		free(r->t[i].seen);
	}
	keys_free(&r->keys);
	strmap_free(r->vals);
	free(r->valv);
	arena_free(&r->arena);
	free(r);
}

/* Adds value p[0..len) to the values; its index, -1 on OOM. */
static int64_t intern_new(struct audit_replay *r, const char *p, size_t len)
{
	int put;

	if (r->nvals == UINT32_MAX)
		return -1;
	if (r->nvals == r->capvals) {
		size_t cap = r->capvals ? 2 * r->capvals : 64;
		const char **nv = realloc(r->valv, cap * sizeof(*nv));

		if (!nv)
			return -1;
		r->valv = nv;
		r->capvals = cap;
	}
	r->valv[r->nvals] = arena_strdup(&r->arena, p, len);
	put = strmap_put(r->vals, p, len, (int64_t)r->nvals, NULL);
	if (!r->valv[r->nvals] || put < 0)
		return -1;
	return (int64_t)r->nvals++;
}

/* The index of value v, added when new; -1 on OOM. */
static int64_t intern(struct audit_replay *r, struct audit_text v)
{
	const char *p = v.p ? v.p : "";
	int64_t idx;
	int m;

	for (m = 0; m < r->nmemo; m++)
		if (r->memo[m].p == p && r->memo[m].len == v.len)
			return r->memo[m].idx;
	if (!strmap_get(r->vals, p, v.len, &idx))
		idx = intern_new(r, p, v.len);
	if (idx < 0)
		return -1;
	m = r->nmemo < 2 ? r->nmemo++ : 1;
	r->memo[m].p = p;
	r->memo[m].len = v.len;
	r->memo[m].idx = (uint32_t)idx;
	return idx;
}

/* The place in t's index where key is, or the empty one where it would
 * go. */
static size_t index_find(const struct audit_replay *r, const struct rtable *t,
			 const char *key, size_t len, uint32_t h)
{
	size_t mask = t->icap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		size_t klen;
		const char *k;

		if (!t->index[i])
			return i;
		k = keys_get(&r->keys, row_at(t, t->index[i] - 1)[0], &klen);
		if (klen == len && memcmp(k, key, len) == 0)
			return i;
	}
}

/* Doubles t's index (or makes its first); -1 on OOM. */
static int index_grow(const struct audit_replay *r, struct rtable *t)
{
	size_t ncap = t->icap ? 2 * t->icap : 256, mask = ncap - 1;
	uint32_t *ni = calloc(ncap, sizeof(*ni));

	if (!ni)
		return -1;
	for (size_t row = 0; row < t->n; row++) {
		size_t klen;
		const char *k = keys_get(&r->keys, row_at(t, row)[0], &klen);
		size_t i = strmap_hash(k, klen) & mask;

		while (ni[i])
			i = (i + 1) & mask;
		ni[i] = (uint32_t)row + 1;
	}
	free(t->index);
	t->index = ni;
	t->icap = ncap;
	return 0;
}

/* The row of key in t (its number in *at when found), added when new
 * and `add`; NULL when absent (or on OOM, with *oom set). */
static uint32_t *row_of(struct audit_replay *r, struct rtable *t,
			const char *key, size_t len, int add, int *oom,
			size_t *at)
{
	uint32_t h = strmap_hash(key, len), *w;
	size_t i;

	if (t->icap) {
		i = index_find(r, t, key, len, h);
		if (t->index[i]) {
			if (at)
				*at = t->index[i] - 1;
			return row_at(t, t->index[i] - 1);
		}
	}
	if (!add)
		return NULL;
	if (t->n >= UINT32_MAX - 1)
		goto oom;
	if ((t->n + 1) * 2 > t->icap) {
		if (index_grow(r, t) < 0)
			goto oom;
	}
	i = index_find(r, t, key, len, h);
	if ((t->n & (ROW_BLOCK - 1)) == 0) {
		uint32_t **nb =
		    realloc(t->blocks, (t->nblocks + 1) * sizeof(*nb));

		if (!nb)
			goto oom;
		t->blocks = nb;
		t->blocks[t->nblocks] =
		    malloc(ROW_BLOCK * t->words * sizeof(uint32_t));
		if (!t->blocks[t->nblocks])
			goto oom;
		t->nblocks++;
	}
	w = row_at(t, t->n);
	memset(w, 0, t->words * sizeof(*w));
	if (keys_add(&r->keys, key, len, &w[0]) < 0)
		goto oom;
	t->index[i] = (uint32_t)++t->n;
	return w;
oom:
	*oom = 1;
	return NULL;
}

static int known(const struct rtable *t, const uint32_t *row, int slot)
{
	return ROW_ENTRY(t, row, slot) > t->forgot;
}

static void copy_text(char *dst, size_t cap, const char *p, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, p, len);
	dst[len] = '\0';
}

static int apply_fact(void *ctx, const struct audit_fact *f)
{
	struct audit_replay *r = ctx;
	struct rtable *t = &r->t[f->kind];
	uint32_t *row;
	int oom = 0;

	if (r->entry < 0 || r->entry > (int64_t)UINT32_MAX)
		return LEDGER_ERR_NOMEM;
	if (!f->key.p) {
		if (f->forget)
			t->forgot = (uint32_t)r->entry;
		return 0;
	}
	row = row_of(r, t, f->key.p, f->key.len, f->left || f->found, &oom,
		     NULL);
	if (!row)
		return oom ? LEDGER_ERR_NOMEM : 0;
	for (int field = 0; field < AUDIT_F_COUNT; field++) {
		int s = slot_of((enum audit_field)field);

		if (!(f->found & kind_fields(f->kind) & BIT(field)) ||
		    !known(t, row, s))
			continue;
		const char *was = r->valv[ROW_VAL(t, row, s)];
		struct audit_text now = f->before[field];

		if (strlen(was) == now.len && memcmp(was, now.p, now.len) == 0)
			continue;
		struct audit_finding fd = {
		    .problem = AUDIT_STATE_CHANGED,
		    .table = audit_row_table(f->kind),
		    .field = audit_field_name((enum audit_field)field),
		    .entry = ROW_ENTRY(t, row, s),
		};
		copy_text(fd.key, sizeof(fd.key), f->key.p, f->key.len);
		copy_text(fd.logged, sizeof(fd.logged), was, strlen(was));
		copy_text(fd.held, sizeof(fd.held), now.p, now.len);
		snprintf(fd.what, sizeof(fd.what),
			 "%s %s %s: the log says %s (entry %lld), entry %lld "
			 "found %s: changed outside the log in between",
			 fd.table, fd.key, fd.field, fd.logged,
			 (long long)fd.entry, (long long)r->entry, fd.held);
		audit_add_finding(r->out, &fd);
	}
	for (int field = 0; field < AUDIT_F_COUNT; field++) {
		int s = slot_of((enum audit_field)field);

		if (!(kind_fields(f->kind) & BIT(field)))
			continue;
		if (f->left & BIT(field)) {
			int64_t v = intern(r, f->after[field]);

			if (v < 0)
				return LEDGER_ERR_NOMEM;
			ROW_VAL(t, row, s) = (uint32_t)v;
			ROW_ENTRY(t, row, s) = (uint32_t)r->entry;
		} else if (f->forget & BIT(field)) {
			ROW_ENTRY(t, row, s) = 0;
		}
	}
	return 0;
}

/* An entry listing cards (import.cards, state.card) names up to 256 of
 * them: their places in the index are asked of memory before the first
 * is looked up, so that the cache misses overlap instead of following one
 * another (each is a random place in a few MiB at a million cards). */
static void prefetch_cards(const struct audit_replay *r,
			   const struct audit_entry *e)
{
	const struct rtable *t = &r->t[AUDIT_ROW_CARD];
	struct audit_text cards =
	    value_of(text_of(e->detail, e->detail_len), "cards=");

	if (!t->icap)
		return;
	while (cards.len > 0) {
		struct audit_text key = token(cards);

		__builtin_prefetch(
		    &t->index[strmap_hash(key.p, key.len) & (t->icap - 1)]);
		if (key.len >= cards.len)
			break;
		cards = text_of(key.p + key.len + 1, cards.len - key.len - 1);
	}
}

int audit_replay_entry(struct audit_replay *r, const struct audit_entry *e,
		       struct audit_verify *out)
{
	int is_cards = e->action && e->action_len == 12 &&
		       memcmp(e->action, "import.cards", 12) == 0;
	int skip = r->after_import_cards && e->action && e->action_len == 6 &&
		   memcmp(e->action, "import", 6) == 0;
	int rc = 0;

	r->entry = e->id;
	r->out = out;
	r->nmemo = 0; /* the last entry's text is gone */
	if (is_cards || (e->action && e->action_len == 10 &&
			 memcmp(e->action, "state.card", 10) == 0))
		prefetch_cards(r, e);
	/* An import that recorded its cards says so just before its own
	 * entry: that entry then takes nothing away. */
	if (!skip)
		rc = audit_entry_facts(e, apply_fact, r);
	r->after_import_cards = is_cards;
	return rc;
}

/* ---- the tables against the replay ---- */

static const struct {
	const char *sql;
	const char *keycol;
} table_sql[] = {
    [AUDIT_ROW_CARD] = {"SELECT c.id, c.mgmt_id, c.status, l.path FROM card c "
			"LEFT JOIN location l ON l.id = c.location_id "
			"ORDER BY c.id",
			"mgmt_id"},
    [AUDIT_ROW_ASSET] = {"SELECT a.id, a.code, a.status, l.path FROM asset a "
			 "LEFT JOIN location l ON l.id = a.location_id "
			 "ORDER BY a.id",
			 "code"},
    [AUDIT_ROW_STAFF] = {"SELECT id, code, role, active, locked, pin_hash "
			 "FROM staff ORDER BY id",
			 "code"},
};

/* The table's value of field (column 2 on) as text, into buf. */
static const char *held_value(sqlite3_stmt *st, enum audit_field field,
			      char *buf, size_t cap)
{
	int col = 2 + slot_of(field);
	const char *v = (const char *)sqlite3_column_text(st, col);
	size_t len = v ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (!v)
		return "";
	if (field == AUDIT_F_PIN) {
		char d[AUDIT_PIN_DIGEST_BUF];

		audit_pin_digest(v, len, d);
		copy_text(buf, cap, d, strlen(d));
		return buf;
	}
	return v;
}

static int compare_table(struct ledger *l, struct audit_replay *r,
			 enum audit_row_kind k, struct audit_verify *out)
{
	struct rtable *t = &r->t[k];
	const char *table = audit_row_table(k);
	sqlite3_stmt *st;
	int rc = ledger_prepare(l, table_sql[k].sql, &st), step;
	size_t next = 0; /* the row tried first */

	if (rc < 0)
		return rc;
	free(t->seen);
	t->seen = calloc(t->n / 8 + 1, 1);
	if (!t->seen) {
		sqlite3_finalize(st);
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	}
	for (step = sqlite3_step(st); step == SQLITE_ROW;
	     step = sqlite3_step(st)) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *key = ledger_col_text(st, 1);
		size_t ri = next, klen = strlen(key), rlen;
		uint32_t *row = NULL;
		const char *rkey;

		/* The rows were replayed in about the order the table holds
		 * them (by id): the row after the last one found is tried
		 * before the index, whose places are scattered. */
		if (ri < t->n) {
			row = row_at(t, ri);
			rkey = keys_get(&r->keys, row[0], &rlen);
			if (rlen != klen || memcmp(rkey, key, klen) != 0)
				row = NULL;
		}
		if (!row)
			row = row_of(r, t, key, klen, 0, NULL, &ri);
		if (row)
			next = ri + 1;

		if (!row) {
			struct audit_finding fd = {
			    .problem = AUDIT_STATE_UNLOGGED,
			    .table = table,
			    .id = id,
			};

			copy_text(fd.key, sizeof(fd.key), key, strlen(key));
			snprintf(fd.what, sizeof(fd.what),
				 "%s %s (row %lld) is in no audit entry: it "
				 "was added outside cardtally",
				 table, fd.key, (long long)id);
			audit_add_finding(out, &fd);
			continue;
		}
		t->seen[ri / 8] |= (uint8_t)(1u << (ri % 8));
		out->replayed++;
		for (int field = 0; field < AUDIT_F_COUNT; field++) {
			int s = slot_of((enum audit_field)field);
			char buf[AUDIT_PIN_DIGEST_BUF];
			const char *held, *logged;

			if (!(kind_fields(k) & BIT(field)))
				continue;
			if (!known(t, row, s)) {
				out->unreplayed++;
				continue;
			}
			held = held_value(st, (enum audit_field)field, buf,
					  sizeof(buf));
			logged = r->valv[ROW_VAL(t, row, s)];
			if (strcmp(held, logged) == 0)
				continue;
			struct audit_finding fd = {
			    .problem = AUDIT_STATE_CHANGED,
			    .table = table,
			    .id = id,
			    .field = audit_field_name((enum audit_field)field),
			    .entry = ROW_ENTRY(t, row, s),
			};
			copy_text(fd.key, sizeof(fd.key), key, strlen(key));
			copy_text(fd.logged, sizeof(fd.logged), logged,
				  strlen(logged));
			copy_text(fd.held, sizeof(fd.held), held, strlen(held));
			snprintf(fd.what, sizeof(fd.what),
				 "%s %s %s: the log says %s (entry %lld), the "
				 "%s table holds %s: changed outside the log",
				 table, fd.key, fd.field, fd.logged,
				 (long long)fd.entry, table,
				 fd.held[0] ? fd.held : "nothing");
			audit_add_finding(out, &fd);
		}
	}
	rc = step == SQLITE_DONE ? 0 : ledger_sql_error(l, table);
	sqlite3_finalize(st);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < t->n; i++) {
		const uint32_t *row = row_at(t, i);
		int64_t last = 0;
		size_t klen;
		const char *key;

		if (t->seen[i / 8] & (1u << (i % 8)))
			continue;
		for (int s = 0; s < t->slots; s++)
			if (ROW_ENTRY(t, row, s) > last)
				last = ROW_ENTRY(t, row, s);
		struct audit_finding fd = {
		    .problem = AUDIT_STATE_MISSING,
		    .table = table,
		    .entry = last,
		};
		key = keys_get(&r->keys, row[0], &klen);
		copy_text(fd.key, sizeof(fd.key), key, klen);
		if (k != AUDIT_ROW_STAFF && known(t, row, 0) &&
		    known(t, row, 1))
			snprintf(fd.what, sizeof(fd.what),
				 "%s %s is gone from the %s table: entry %lld "
				 "left it %s at %s",
				 table, fd.key, table, (long long)last,
				 r->valv[ROW_VAL(t, row, 0)],
				 r->valv[ROW_VAL(t, row, 1)]);
		else
			snprintf(fd.what, sizeof(fd.what),
				 "%s %s is gone from the %s table: the audit "
				 "log recorded it",
				 table, fd.key, table);
		audit_add_finding(out, &fd);
	}
	return 0;
}

/* Findings made while replaying name a row by key: its id, for "id". */
static int resolve_ids(struct ledger *l, struct audit_verify *out)
{
	int64_t listed = out->nfindings < AUDIT_FINDINGS_MAX
			     ? out->nfindings
			     : AUDIT_FINDINGS_MAX;

	for (int64_t i = 0; i < listed; i++) {
		struct audit_finding *fd = &out->findings[i];
		char sql[96];
		sqlite3_stmt *st;
		int k;

		if (fd->problem != AUDIT_STATE_CHANGED || fd->id)
			continue;
		for (k = 0; k < 3; k++)
			if (strcmp(fd->table, audit_row_table(
						  (enum audit_row_kind)k)) == 0)
				break;
		if (k == 3)
			continue;
		snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ?",
			 fd->table, table_sql[k].keycol);
		if (ledger_prepare(l, sql, &st) < 0)
			return LEDGER_ERR_SQL;
		sqlite3_bind_text(st, 1, fd->key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			fd->id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (i == 0)
			out->bad_id = fd->id;
	}
	return 0;
}

int audit_replay_compare(struct ledger *l, struct audit_replay *r,
			 struct audit_verify *out)
{
	int rc = 0;

	for (int k = 0; rc == 0 && k < 3; k++)
		rc = compare_table(l, r, (enum audit_row_kind)k, out);
	if (rc == 0)
		rc = resolve_ids(l, out);
	return rc;
}

/* ---- recording the state ---- */

/* Cards per entry: a tray's worth, so that an entry stays readable in
 * `audit show` and a million cards make a few thousand entries. */
#define CARDS_PER_ENTRY 256

struct card_batch {
	char subject[LOCATION_MAX + 1];
	char status[32];
	char detail[CARDS_PER_ENTRY * (MGMT_ID_MAX + 1) + 96];
	size_t len;
	int n;
};

static int batch_flush(struct ledger *l, struct card_batch *b, int64_t staff_id,
		       int64_t at, const char *action)
{
	int rc;

	if (b->n == 0)
		return 0;
	rc = ledger_audit(l, staff_id, at, action, b->subject, b->detail);
	b->n = 0;
	b->len = 0;
	return rc;
}

/* Adds one card to the entry being built, after flushing it when the card
 * belongs to another location or status, or the entry is full. */
static int batch_add(struct ledger *l, struct card_batch *b, int64_t staff_id,
		     int64_t at, const char *action, const char *status_from,
		     const char *path, const char *status, const char *mgmt)
{
	int rc = 0, w;

	if (b->n &&
	    (b->n == CARDS_PER_ENTRY || strcmp(path, b->subject) != 0 ||
	     strcmp(status, b->status) != 0))
		rc = batch_flush(l, b, staff_id, at, action);
	if (rc < 0)
		return rc;
	if (b->n == 0) {
		snprintf(b->subject, sizeof(b->subject), "%s", path);
		snprintf(b->status, sizeof(b->status), "%s", status);
		w = snprintf(b->detail, sizeof(b->detail),
			     "status=%s%s%s cards=%s", status,
			     status_from ? " status_from=" : "",
			     status_from ? status_from : "", mgmt);
	} else {
		/* Not snprintf: this is every card of an import. */
		size_t n = strlen(mgmt);

		w = n + 2 <= sizeof(b->detail) - b->len ? (int)n + 1 : -1;
		if (w > 0) {
			b->detail[b->len] = ' ';
			memcpy(b->detail + b->len + 1, mgmt, n + 1);
		}
	}
	if (w < 0 || (size_t)w >= sizeof(b->detail) - b->len)
		return ledger_fail(l, LEDGER_ERR_INVALID,
				   "card %s does not fit the audit log", mgmt);
	b->len += (size_t)w;
	b->n++;
	return 0;
}

/* A card of an import's chunk, to be sorted as the entries list them:
 * order holds its location id and the rank of its status's name, so that
 * one comparison of integers decides all but cards of one location and
 * status. */
struct card_state {
	uint64_t order;
	char status[16];
	char mgmt[MGMT_ID_MAX + 1];
};

static int card_state_cmp(const void *a, const void *b)
{
	const struct card_state *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->mgmt, y->mgmt);
}

/* Each status's rank among all of them by name in byte order (SQLite's
 * ORDER BY of the text), below 15. */
static void status_ranks(unsigned rank[CARD_STATUS_COUNT])
{
	for (int i = 0; i < CARD_STATUS_COUNT; i++) {
		rank[i] = 0;
		for (int j = 0; j < CARD_STATUS_COUNT; j++)
			if (strcmp(card_status_name((enum card_status)j),
				   card_status_name((enum card_status)i)) < 0)
				rank[i]++;
	}
}

/* The rank of a status name (status_ranks); 15 for a name not in the
 * list. */
static unsigned status_rank(const unsigned rank[CARD_STATUS_COUNT],
			    const char *name)
{
	enum card_status s;

	return card_status_parse(name, &s) < 0 ? 15 : rank[s];
}

_Static_assert(CARD_STATUS_COUNT < 15, "a status rank fits 4 bits");

/* Copies text of at most cap - 1 bytes; -1 when it is longer. */
static int copy_whole(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/*
 * The cards of a list of ids, in the order of the entries (location id,
 * status, mgmt_id), sorted here rather than by SQLite: its sorter took
 * most of the time of an import's audit entries (a chunk of 20,000 cards:
 * 10 ms of 17).  Returns the count, or a negative LEDGER_ERR_*.
 */
static int64_t cards_of_ids(struct ledger *l, const char *ids,
			    int64_t updated_at, struct card_state **out)
{
	struct card_state *v = NULL, *nv;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	unsigned rank[CARD_STATUS_COUNT];
	int64_t loc;
	int step, rc;

	*out = NULL;
	status_ranks(rank);
	/* Looked up by id (CROSS JOIN keeps that order: the planner would
	 * rather scan the whole card_location index). */
	rc = ledger_prepare(l,
			    "SELECT c.location_id, c.status, c.mgmt_id "
			    "FROM json_each(?2) t CROSS JOIN card c "
			    "ON c.id = t.value WHERE c.updated_at = ?1",
			    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, updated_at);
	sqlite3_bind_text(st, 2, ids, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				rc = ledger_fail(l, LEDGER_ERR_NOMEM,
						 "out of memory");
				goto fail;
			}
			v = nv;
		}
		loc = sqlite3_column_int64(st, 0);
		if (loc < 0 || loc >= (int64_t)1 << 59 ||
		    copy_whole(v[n].status, sizeof(v[n].status),
			      ledger_col_text(st, 1)) < 0 ||
		    copy_whole(v[n].mgmt, sizeof(v[n].mgmt),
			      ledger_col_text(st, 2)) < 0) {
			rc = ledger_fail(l, LEDGER_ERR_INVALID,
					 "card %s does not fit the audit log",
					 ledger_col_text(st, 2));
			goto fail;
		}
		v[n].order = (uint64_t)loc << 4 | status_rank(rank, v[n].status);
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = ledger_sql_error(l, "card states");
		goto fail;
	}
	sqlite3_finalize(st);
	if (n)
		qsort(v, n, sizeof(*v), card_state_cmp);
	*out = v;
	return (int64_t)n;
fail:
	sqlite3_finalize(st);
	free(v);
	return rc;
}

int ledger_audit_card_states(struct ledger *l, int64_t staff_id, int64_t at,
			     const char *action, int64_t updated_at,
			     const char *ids, const char *status_from,
			     int64_t *n)
{
	struct card_batch *b = calloc(1, sizeof(*b));
	struct card_state *v = NULL;
	sqlite3_stmt *st = NULL;
	char path[LOCATION_MAX + 1] = "";
	int64_t count = 0, nv = 0, loc = -1;
	int rc = 0, step;

	if (n)
		*n = 0;
	if (!b)
		return ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	if (ids) {
		nv = cards_of_ids(l, ids, updated_at, &v);
		rc = nv < 0 ? (int)nv : ledger_prepare(l,
						      "SELECT path FROM "
						      "location WHERE id = ?",
						      &st);
		for (int64_t i = 0; rc == 0 && i < nv; i++) {
			/* The path of each location once: the cards come
			 * sorted by location. */
			if ((int64_t)(v[i].order >> 4) != loc) {
				loc = (int64_t)(v[i].order >> 4);
				sqlite3_bind_int64(st, 1, loc);
				step = sqlite3_step(st);
				if (step == SQLITE_ROW)
					snprintf(path, sizeof(path), "%s",
						 ledger_col_text(st, 0));
				sqlite3_reset(st);
				if (step != SQLITE_ROW) {
					rc = ledger_sql_error(l,
							      "card states");
					break;
				}
			}
			rc = batch_add(l, b, staff_id, at, action, status_from,
				       path, v[i].status, v[i].mgmt);
			count++;
		}
		goto out;
	}
	rc = ledger_prepare(l,
			    "SELECT l.path, c.status, c.mgmt_id FROM card c "
			    "JOIN location l ON l.id = c.location_id "
			    "WHERE ?1 < 0 OR c.updated_at = ?1 "
			    "ORDER BY c.location_id, c.status, c.mgmt_id",
			    &st);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(st, 1, updated_at);
	for (step = sqlite3_step(st); rc == 0 && step == SQLITE_ROW;
	     step = sqlite3_step(st)) {
		rc = batch_add(l, b, staff_id, at, action, status_from,
			       ledger_col_text(st, 0), ledger_col_text(st, 1),
			       ledger_col_text(st, 2));
		count++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ledger_sql_error(l, "card states");
out:
	if (rc == 0)
		rc = batch_flush(l, b, staff_id, at, action);
	if (rc == 0 && n)
		*n = count;
	sqlite3_finalize(st);
	free(v);
	free(b);
	return rc;
}

int ledger_audit_baseline(struct ledger *l)
{
	int64_t at = (int64_t)time(NULL), cards = 0, assets = 0, staff = 0;
	/* The version this step migrates to: the file's, plus one (the
	 * migration sets it after its step), so that the step can take any
	 * place in the list. */
	int version = ledger_schema_version(l) + 1;
	char detail[LOCATION_MAX + 256];
	sqlite3_stmt *st = NULL;
	int rc, step;

	rc = ledger_audit_card_states(l, 0, at, "state.card", -1, NULL, NULL,
				      &cards);
	if (rc == 0)
		rc =
		    ledger_prepare(l,
				   "SELECT a.code, a.status, l.path FROM asset "
				   "a JOIN location l ON l.id = a.location_id "
				   "ORDER BY a.id",
				   &st);
	for (step = rc == 0 ? sqlite3_step(st) : SQLITE_DONE;
	     rc == 0 && step == SQLITE_ROW; step = sqlite3_step(st)) {
		snprintf(detail, sizeof(detail), "status=%s location=%s",
			 ledger_col_text(st, 1), ledger_col_text(st, 2));
		rc = ledger_audit(l, 0, at, "state.asset",
				  ledger_col_text(st, 0), detail);
		assets++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ledger_sql_error(l, "asset states");
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = ledger_prepare(l,
				    "SELECT code, role, active, locked, "
				    "pin_hash FROM staff ORDER BY id",
				    &st);
	for (step = rc == 0 ? sqlite3_step(st) : SQLITE_DONE;
	     rc == 0 && step == SQLITE_ROW; step = sqlite3_step(st)) {
		if (audit_staff_detail(
			detail, sizeof(detail), ledger_col_text(st, 1),
			sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
			ledger_col_text(st, 4)) < 0) {
			rc = ledger_fail(l, LEDGER_ERR_INVALID,
					 "staff %s does not fit the audit log",
					 ledger_col_text(st, 0));
			break;
		}
		rc = ledger_audit(l, 0, at, "state.staff",
				  ledger_col_text(st, 0), detail);
		staff++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ledger_sql_error(l, "staff states");
	sqlite3_finalize(st);
	if (rc < 0 || cards + assets + staff == 0)
		return rc;
	snprintf(detail, sizeof(detail),
		 "version=%d state recorded: cards=%lld assets=%lld "
		 "staff=%lld",
		 version, (long long)cards, (long long)assets,
		 (long long)staff);
	return ledger_audit(l, 0, at, "ledger.migrate", NULL, detail);
}
