/*
 * Unit tests of drivers/profile.c: the registry and its old names, the
 * read-only APDU gate (a table of commands and, per profile, whether it
 * passes), and the `uid` profile's refusal of random and type B
 * identifiers; and of drivers/profile_seizo.c and drivers/profile_jpki.c
 * against a fake My Number card that answers the manufacturing number's
 * application, serves the openssl-made certificates of tests/data/der/ as
 * its EF 000A, logs every APDU it receives, and misbehaves on request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../drivers/profile.h"

/* A card that answers every APDU with 90 00 and counts what it got. */
struct fake_card {
	int calls;
	uint8_t last[16];
};

static int fake_tx(void *ctx, const uint8_t *apdu, size_t len, uint8_t *resp,
		   size_t *resp_len)
{
	struct fake_card *c = ctx;

	c->calls++;
	memcpy(c->last, apdu, len < sizeof(c->last) ? len : sizeof(c->last));
	resp[0] = 0x90;
	resp[1] = 0x00;
	*resp_len = 2;
	return 0;
}

static void registry(void **state)
{
	const struct rdr_profile *const *all = rdr_profiles();

	(void)state;
	assert_non_null(rdr_profile_find("uid"));
	assert_non_null(rdr_profile_find("apdu:seizo"));
	assert_non_null(rdr_profile_find("apdu:jpki-auth"));
	assert_null(rdr_profile_find("nope"));
	assert_null(rdr_profile_find(""));
	assert_null(rdr_profile_find(NULL));
	assert_ptr_equal(all[0], rdr_profile_find("uid"));
	for (size_t i = 0; all[i] != NULL; i++) {
		/* Versioned, found by their own name, and current. */
		assert_true(all[i]->version >= 1);
		assert_ptr_equal(rdr_profile_find(all[i]->name), all[i]);
		assert_null(rdr_profile_note(all[i]->name));
		assert_non_null(all[i]->help);
	}

	/* The old name keeps working, as jpki-auth, and says so. */
	assert_ptr_equal(rdr_profile_find("apdu:mynumber"),
			 rdr_profile_find("apdu:jpki-auth"));
	assert_non_null(rdr_profile_note("apdu:mynumber"));
	assert_non_null(
	    strstr(rdr_profile_note("apdu:mynumber"), "apdu:jpki-auth"));
	assert_non_null(
	    strstr(rdr_profile_note("apdu:mynumber"), "apdu:seizo"));
	assert_null(rdr_profile_note("nope"));
}

/* --- the APDU gate ------------------------------------------------------ */

#define A(...)                                                                 \
	((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

/* Each command, and whether uid, apdu:seizo and apdu:jpki-auth may send
 * it (1) or not (0). */
static const struct gate_case {
	const char *what;
	const uint8_t *apdu;
	size_t len;
	int uid, seizo, jpki;
} gate_cases[] = {
    /* The commands each profile needs. */
    {"SELECT manufacturing number AP",
     A(0x00, 0xa4, 0x04, 0x0c, 0x0a, 0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01,
       0x01, 0x01, 0x00),
     0, 1, 0},
    {"READ RECORD 1 of SFI 1", A(0x00, 0xb2, 0x01, 0x0c, 0x00), 0, 1, 0},
    {"SELECT JPKI AP",
     A(0x00, 0xa4, 0x04, 0x0c, 0x0a, 0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00,
       0x00, 0x00, 0x01),
     0, 0, 1},
    {"SELECT EF 000A", A(0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x0a), 0, 0, 1},
    {"READ BINARY at 0", A(0x00, 0xb0, 0x00, 0x00, 0x40), 0, 0, 1},
    {"READ BINARY at 0x7fff", A(0x00, 0xb0, 0x7f, 0xff, 0xff), 0, 0, 1},
    /* VERIFY in every form: never. */
    {"empty VERIFY (retry counter)", A(0x00, 0x20, 0x00, 0x80), 0, 0, 0},
    {"empty VERIFY, Le", A(0x00, 0x20, 0x00, 0x80, 0x00), 0, 0, 0},
    {"VERIFY with a PIN",
     A(0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34), 0, 0, 0},
    {"VERIFY, other reference", A(0x00, 0x20, 0x00, 0x81), 0, 0, 0},
    {"VERIFY, proprietary class", A(0x80, 0x20, 0x00, 0x80), 0, 0, 0},
    {"VERIFY (INS 21)", A(0x00, 0x21, 0x00, 0x00, 0x00), 0, 0, 0},
    /* Writes and PIN management. */
    {"UPDATE BINARY", A(0x00, 0xd6, 0x00, 0x00, 0x01, 0x00), 0, 0, 0},
    {"CHANGE REFERENCE DATA", A(0x00, 0x24, 0x00, 0x80, 0x08), 0, 0, 0},
    {"RESET RETRY COUNTER", A(0x00, 0x2c, 0x00, 0x80), 0, 0, 0},
    {"UPDATE RECORD", A(0x00, 0xdc, 0x01, 0x0c, 0x01, 0x00), 0, 0, 0},
    {"PERFORM SECURITY OPERATION", A(0x00, 0x2a, 0x00, 0x80, 0x00), 0, 0, 0},
    /* Near misses of the allowed commands. */
    {"SELECT the card-face input AP (My Number inside)",
     A(0x00, 0xa4, 0x04, 0x0c, 0x0a, 0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01,
       0x01, 0x04, 0x08),
     0, 0, 0},
    {"SELECT JPKI AP, FCI wanted",
     A(0x00, 0xa4, 0x04, 0x00, 0x0a, 0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00,
       0x00, 0x00, 0x01),
     0, 0, 0},
    {"SELECT JPKI AP, Le appended",
     A(0x00, 0xa4, 0x04, 0x0c, 0x0a, 0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00,
       0x00, 0x00, 0x01, 0x00),
     0, 0, 0},
    {"SELECT JPKI AP, Lc shorter than the AID",
     A(0x00, 0xa4, 0x04, 0x0c, 0x09, 0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00,
       0x00, 0x00, 0x01),
     0, 0, 0},
    {"SELECT the signature certificate EF 0001",
     A(0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x01), 0, 0, 0},
    {"READ RECORD 2", A(0x00, 0xb2, 0x02, 0x0c, 0x00), 0, 0, 0},
    {"READ RECORD of SFI 2", A(0x00, 0xb2, 0x01, 0x14, 0x00), 0, 0, 0},
    {"READ RECORD with data", A(0x00, 0xb2, 0x01, 0x0c, 0x01, 0x00, 0x00), 0, 0,
     0},
    {"READ BINARY by short EF", A(0x00, 0xb0, 0x81, 0x00, 0x00), 0, 0, 0},
    {"READ BINARY, no Le", A(0x00, 0xb0, 0x00, 0x00), 0, 0, 0},
    {"READ BINARY, proprietary class", A(0x80, 0xb0, 0x00, 0x00, 0x00), 0, 0,
     0},
    {"GET DATA (UID)", A(0xff, 0xca, 0x00, 0x00, 0x00), 0, 0, 0},
    {"GET RESPONSE", A(0x00, 0xc0, 0x00, 0x00, 0x10), 0, 0, 0},
    {"a 3-byte header", A(0x00, 0xa4, 0x04), 0, 0, 0},
};

static void gate_table(void **state)
{
	const struct rdr_profile *p[3] = {rdr_profile_find("uid"),
					  rdr_profile_find("apdu:seizo"),
					  rdr_profile_find("apdu:jpki-auth")};

	(void)state;
	for (size_t i = 0; i < sizeof(gate_cases) / sizeof(gate_cases[0]);
	     i++) {
		const struct gate_case *g = &gate_cases[i];
		int want[3] = {g->uid, g->seizo, g->jpki};

		for (int k = 0; k < 3; k++) {
			struct fake_card card = {0};
			uint8_t resp[258];
			size_t n = sizeof(resp);
			int rc = rdr_profile_transmit(
			    p[k], fake_tx, &card, g->apdu, g->len, resp, &n);

			if (rdr_profile_allows(p[k], g->apdu, g->len) !=
			    want[k])
				fail_msg("%s: %s %s", p[k]->name, g->what,
					 want[k] ? "refused" : "allowed");
			/* Refused: nothing reaches the card. */
			assert_int_equal(rc, want[k] ? 0 : RDR_ERR_UNSUPPORTED);
			assert_int_equal(card.calls, want[k]);
		}
	}
}

/* A profile whose own table lists VERIFY still cannot send it. */
static void gate_verify_never(void **state)
{
	static const uint8_t verify[] = {0x00, 0x20, 0x00, 0x80};
	static const struct rdr_apdu_rule bad_rules[] = {
	    {.cla = 0x00, .ins = 0x20, .p1 = 0x00, .p2 = 0x80},
	    {.cla = 0x00, .ins = 0x20, .any_offset = 1},
	};
	static const struct rdr_profile bad = {
	    .name = "bad",
	    .version = 1,
	    .help = "",
	    .allow = bad_rules,
	    .n_allow = 2,
	};
	struct fake_card card = {0};
	uint8_t resp[258];
	size_t n = sizeof(resp);

	(void)state;
	assert_int_equal(rdr_profile_allows(&bad, verify, sizeof(verify)), 0);
	assert_int_equal(
	    rdr_profile_allows(&bad, A(0x00, 0x20, 0x00, 0x80, 0x00)), 0);
	assert_int_equal(rdr_profile_transmit(&bad, fake_tx, &card, verify,
					      sizeof(verify), resp, &n),
			 RDR_ERR_UNSUPPORTED);
	assert_int_equal(rdr_profile_allows(NULL, verify, sizeof(verify)), 0);
	assert_int_equal(card.calls, 0);
}

static void uid_profile(void **state)
{
	const struct rdr_profile *p = rdr_profile_find("uid");
	struct rdr_card_info info = {
	    .tech = RDR_TECH_ISO14443A,
	    .uid = {0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6},
	    .uid_len = 7};
	struct rdr_id id;
	char err[256];

	(void)state;
	assert_int_equal(
	    p->identify(&info, fake_tx, NULL, &id, err, sizeof(err)), 0);
	assert_int_equal(id.len, 7);
	assert_memory_equal(id.bytes, info.uid, 7);

	/* A single-size UID starting 0x08 is random: refused, and the
	 * message says what to do. */
	static const uint8_t rnd[] = {0x08, 0x12, 0x34, 0x56};
	memcpy(info.uid, rnd, 4);
	info.uid_len = 4;
	assert_int_equal(
	    p->identify(&info, fake_tx, NULL, &id, err, sizeof(err)),
	    RDR_ERR_RANDOM_ID);
	assert_non_null(strstr(err, "random"));
	assert_non_null(strstr(err, "APDU profile"));

	/* 0x08 at the start of a 7-byte UID is not the random-UID marker. */
	info.uid_len = 7;
	assert_int_equal(
	    p->identify(&info, fake_tx, NULL, &id, err, sizeof(err)), 0);

	/* A type B PUPI is not a stable identifier, whatever its first
	 * byte: refused, saying why and which profile to use. */
	static const uint8_t pupis[][4] = {{0x08, 0x12, 0x34, 0x56},
					   {0x11, 0x22, 0x33, 0x44}};
	info.tech = RDR_TECH_ISO14443B;
	info.uid_len = 4;
	for (size_t i = 0; i < 2; i++) {
		memcpy(info.uid, pupis[i], 4);
		memset(&id, 0, sizeof(id));
		assert_int_equal(
		    p->identify(&info, fake_tx, NULL, &id, err, sizeof(err)),
		    RDR_ERR_RANDOM_ID);
		assert_int_equal(id.len, 0);
		assert_non_null(strstr(err, "type B"));
		assert_non_null(strstr(err, "not a stable identifier"));
		assert_non_null(strstr(err, "apdu:seizo"));
	}

	/* A FeliCa IDm is stable: read. */
	static const uint8_t idm[] = {0x01, 0x02, 0x03, 0x04,
				      0x05, 0x06, 0x07, 0x08};
	info.tech = RDR_TECH_FELICA;
	memcpy(info.uid, idm, 8);
	info.uid_len = 8;
	assert_int_equal(
	    p->identify(&info, fake_tx, NULL, &id, err, sizeof(err)), 0);
	assert_int_equal(id.len, 8);

	info.uid_len = 0;
	assert_int_equal(
	    p->identify(&info, fake_tx, NULL, &id, err, sizeof(err)),
	    RDR_ERR_CARD);
}

/* --- a fake My Number card ----------------------------------------------- */

#define LOG_MAX 80

/* A My Number card in memory: the manufacturing number's application with
 * its record, and the JPKI application holding EF 000A. */
struct mn_card {
	const uint8_t *file; /* EF 000A, the authentication certificate */
	size_t file_len;
	const uint8_t *rec; /* record 1 of SFI 1 (NULL: the default one) */
	size_t rec_len;
	int no_seizo;	   /* SELECT of the manufacturing number AP: 6A 82 */
	unsigned rec_sw;   /* READ RECORD answers this SW alone */
	int no_app;	   /* SELECT of the application: 6A 82 */
	int no_ef;	   /* SELECT of EF 000A: 6A 82 */
	unsigned first_sw; /* the first READ BINARY answers this SW alone */
	int trunc_at;	   /* APDU number (1-based) answered with 1 byte */
	int overlong;	   /* READ BINARY sends one byte more than asked */
	size_t max_read;   /* READ BINARY sends at most this (0: Le) */
	int removed_at;	   /* APDU number at which the card leaves */
	uint32_t garbage;  /* nonzero: every answer is noise from this seed */
	int noisy_reads;   /* with garbage: SELECTs fine, reads noise + 9000 */
	int app, ef, seizo, sw_done;
	int napdu;
	uint8_t log[LOG_MAX][24];
	size_t loglen[LOG_MAX];
};

static const uint8_t jpki_aid[] = {0xd3, 0x92, 0xf0, 0x00, 0x26,
				   0x01, 0x00, 0x00, 0x00, 0x01};
static const uint8_t seizo_aid[] = {0xd3, 0x92, 0x10, 0x00, 0x31,
				    0x00, 0x01, 0x01, 0x01, 0x00};
/* Tag 30, 16 bytes: two leading bytes, the 13-character number, one more. */
static const uint8_t default_rec[] = {0x30, 0x10, 'X', 'Y', '0', '1',
				      '2',  '3',  '4', '5', '6', '7',
				      '8',  '9',  'A', 'B', 'C', 'Z'};

static size_t put_sw(uint8_t *resp, size_t n, unsigned sw)
{
	resp[n] = (uint8_t)(sw >> 8);
	resp[n + 1] = (uint8_t)sw;
	return n + 2;
}

static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 16;
}

static int mn_tx(void *ctx, const uint8_t *apdu, size_t len, uint8_t *resp,
		 size_t *resp_len)
{
	struct mn_card *c = ctx;
	size_t cap = *resp_len, off, le, n;

	if (c->napdu < LOG_MAX) {
		size_t k = len < sizeof(c->log[0]) ? len : sizeof(c->log[0]);

		memcpy(c->log[c->napdu], apdu, k);
		c->loglen[c->napdu] = len;
	}
	c->napdu++;
	if (c->napdu == c->removed_at)
		return RDR_ERR_IO;
	if (c->napdu == c->trunc_at) {
		resp[0] = 0x90;
		*resp_len = 1;
		return 0;
	}
	if (c->garbage != 0 && (!c->noisy_reads || apdu[1] == 0xb0)) {
		n = 1 + lcg(&c->garbage) % cap;
		for (size_t i = 0; i < n; i++)
			resp[i] = (uint8_t)lcg(&c->garbage);
		/* Mostly "success", so that the noise reaches the parser. */
		if (c->noisy_reads && n >= 2 && lcg(&c->garbage) % 4 != 0)
			put_sw(resp, n - 2, 0x9000);
		*resp_len = n;
		return 0;
	}
	if (len >= 4 && apdu[1] == 0xa4 && apdu[2] == 0x04) {
		c->app = !c->no_app && len == 5 + sizeof(jpki_aid) &&
			 apdu[4] == sizeof(jpki_aid) &&
			 memcmp(apdu + 5, jpki_aid, sizeof(jpki_aid)) == 0;
		c->seizo = !c->no_seizo && len == 5 + sizeof(seizo_aid) &&
			   apdu[4] == sizeof(seizo_aid) &&
			   memcmp(apdu + 5, seizo_aid, sizeof(seizo_aid)) == 0;
		c->ef = 0;
		*resp_len =
		    put_sw(resp, 0, c->app || c->seizo ? 0x9000 : 0x6a82);
		return 0;
	}
	if (len == 5 && apdu[1] == 0xb2) {
		const uint8_t *r = c->rec ? c->rec : default_rec;
		size_t rn = c->rec ? c->rec_len : sizeof(default_rec);

		if (!c->seizo || apdu[2] != 0x01 || apdu[3] != 0x0c) {
			*resp_len = put_sw(resp, 0, 0x6a83);
			return 0;
		}
		if (c->rec_sw != 0) {
			*resp_len = put_sw(resp, 0, c->rec_sw);
			return 0;
		}
		memcpy(resp, r, rn);
		*resp_len = put_sw(resp, rn, 0x9000);
		return 0;
	}
	if (len >= 4 && apdu[1] == 0xa4 && apdu[2] == 0x02) {
		c->ef = c->app && !c->no_ef && len == 7 && apdu[5] == 0x00 &&
			apdu[6] == 0x0a;
		*resp_len = put_sw(resp, 0, c->ef ? 0x9000 : 0x6a82);
		return 0;
	}
	if (len == 5 && apdu[1] == 0xb0) {
		if (!c->ef) {
			*resp_len = put_sw(resp, 0, 0x6986);
			return 0;
		}
		if (c->first_sw != 0 && !c->sw_done) {
			c->sw_done = 1;
			*resp_len = put_sw(resp, 0, c->first_sw);
			return 0;
		}
		off = (size_t)apdu[2] << 8 | apdu[3];
		le = apdu[4] ? apdu[4] : 256;
		if (off >= c->file_len) {
			*resp_len = put_sw(resp, 0, 0x6b00);
			return 0;
		}
		n = c->file_len - off < le ? c->file_len - off : le;
		if (c->max_read != 0 && n > c->max_read)
			n = c->max_read;
		memcpy(resp, c->file + off, n);
		if (c->overlong)
			resp[n++] = 0x00;
		*resp_len = put_sw(resp, n, 0x9000);
		return 0;
	}
	*resp_len = put_sw(resp, 0, 0x6d00);
	return 0;
}

/* Everything the card received was SELECT, READ BINARY or READ RECORD:
 * never VERIFY (00 20), nor anything else. */
static void assert_read_only(const struct mn_card *c)
{
	for (int i = 0; i < c->napdu && i < LOG_MAX; i++) {
		const uint8_t *a = c->log[i];

		assert_true(c->loglen[i] >= 4);
		assert_int_equal(a[0], 0x00);
		assert_true(a[1] == 0xa4 || a[1] == 0xb0 || a[1] == 0xb2);
		assert_int_not_equal(a[1], 0x20);
	}
}

static size_t load_fixture(const char *name, const char *ext, uint8_t *buf,
			   size_t cap)
{
	const char *dir = getenv("CARDTALLY_TESTS");
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/data/der/%s.%s", dir ? dir : "tests",
		 name, ext);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, cap, f);
	assert_true(n < cap);
	fclose(f);
	return n;
}

/* A fixture's hex line as bytes: NAME.serial ("serial=HEX" as openssl
 * printed it) or NAME.aki (the bare hex). */
static size_t fixture_hex(const char *name, const char *ext, uint8_t *out,
			  size_t cap)
{
	char text[128];
	size_t n = load_fixture(name, ext, (uint8_t *)text, sizeof(text) - 1);
	const char *h = text;
	size_t digits, i;

	text[n] = '\0';
	if (strcmp(ext, "serial") == 0) {
		assert_int_equal(strncmp(text, "serial=", 7), 0);
		h += 7;
	}
	digits = strcspn(h, "\n");
	assert_true(digits % 2 == 0 && digits / 2 <= cap);
	for (i = 0; i < digits / 2; i++) {
		unsigned v;

		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return i;
}

static size_t fixture_serial(const char *name, uint8_t *out, size_t cap)
{
	return fixture_hex(name, "serial", out, cap);
}

/* What apdu:jpki-auth must read from a fixture: the first 12 bytes of its
 * AKI, then its serial. */
static size_t fixture_identity(const char *name, uint8_t *out, size_t cap)
{
	size_t an = fixture_hex(name, "aki", out, cap);

	if (an > 12)
		an = 12;
	return an + fixture_serial(name, out + an, cap - an);
}

static uint8_t cert_buf[4096];

static struct mn_card card_with(const char *fixture)
{
	struct mn_card c = {0};

	c.file_len = load_fixture(fixture, "der", cert_buf, sizeof(cert_buf));
	c.file = cert_buf;
	return c;
}

static int run_profile(const char *name, struct mn_card *c, struct rdr_id *id,
		       char *err, size_t errlen)
{
	const struct rdr_profile *p = rdr_profile_find(name);
	/* A random UID, as the card gives: the profile must not care. */
	struct rdr_card_info info = {.tech = RDR_TECH_ISO14443B,
				     .uid = {0x08, 0x01, 0x02, 0x03},
				     .uid_len = 4};

	assert_non_null(p);
	memset(id, 0xee, sizeof(*id)); /* an error must clear it */
	err[0] = '\0';
	return p->identify(&info, mn_tx, c, id, err, errlen);
}

static int mn_identify(struct mn_card *c, struct rdr_id *id, char *err,
		       size_t errlen)
{
	return run_profile("apdu:jpki-auth", c, id, err, errlen);
}

/* --- apdu:jpki-auth (once apdu:mynumber) --------------------------------- */

static const uint8_t sel_app[] = {0x00, 0xa4, 0x04, 0x0c, 0x0a,
				  0xd3, 0x92, 0xf0, 0x00, 0x26,
				  0x01, 0x00, 0x00, 0x00, 0x01};
static const uint8_t sel_ef[] = {0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x0a};

/* The reads after the two SELECTs start at 0 and go on where the last
 * one ended (the fake card sends all that is asked while there is). */
static void assert_reads_contiguous(const struct mn_card *c)
{
	size_t off = 0;

	for (int i = 2; i < c->napdu && i < LOG_MAX; i++) {
		const uint8_t *a = c->log[i];
		size_t at = (size_t)a[2] << 8 | a[3];

		assert_int_equal(a[1], 0xb0);
		assert_int_equal(at, off);
		off += a[4];
	}
}

static void jpki_reads_aki_and_serial(void **state)
{
	static const char *const fixtures[] = {
	    "ec-serial0",    "ec-serial1",  "ec-sign-byte",
	    "rsa-sign-byte", "ec-serial20", "rsa2048-serial",
	    "jpki-ca2015",   "jpki-ca2023", "rsa-serial20-signed",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		struct mn_card c = card_with(fixtures[i]);
		uint8_t want[64];
		size_t wn = fixture_identity(fixtures[i], want, sizeof(want));
		struct rdr_id id;
		char err[256];

		assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), 0);
		assert_int_equal(id.len, wn);
		assert_memory_equal(id.bytes, want, wn);
		assert_false(id.text);
		/* The script: two SELECTs, then READ BINARY from offset 0,
		 * the first of 64 bytes. */
		assert_true(c.napdu >= 3);
		assert_int_equal(c.loglen[0], sizeof(sel_app));
		assert_memory_equal(c.log[0], sel_app, sizeof(sel_app));
		assert_int_equal(c.loglen[1], sizeof(sel_ef));
		assert_memory_equal(c.log[1], sel_ef, sizeof(sel_ef));
		assert_int_equal(c.loglen[2], 5);
		assert_memory_equal(
		    c.log[2], ((const uint8_t[]){0x00, 0xb0, 0x00, 0x00, 0x40}),
		    5);
		assert_reads_contiguous(&c);
		assert_read_only(&c);
	}
}

/* Two cards from the two CA generations: same issuer name, same 4-byte
 * serial, two identities. */
static void jpki_two_ca_generations(void **state)
{
	uint8_t s1[32], s2[32];
	struct mn_card c;
	struct rdr_id a, b;
	char err[256];

	(void)state;
	assert_int_equal(fixture_serial("jpki-ca2015", s1, sizeof(s1)), 4);
	assert_int_equal(fixture_serial("jpki-ca2023", s2, sizeof(s2)), 4);
	assert_memory_equal(s1, s2, 4);
	c = card_with("jpki-ca2015");
	assert_int_equal(mn_identify(&c, &a, err, sizeof(err)), 0);
	c = card_with("jpki-ca2023");
	assert_int_equal(mn_identify(&c, &b, err, sizeof(err)), 0);
	assert_true(a.len > 4 && b.len > 4);
	/* Both end with the same serial; they differ all the same. */
	assert_memory_equal(a.bytes + a.len - 4, s1, 4);
	assert_memory_equal(b.bytes + b.len - 4, s1, 4);
	assert_true(a.len != b.len || memcmp(a.bytes, b.bytes, a.len) != 0);

	/* The old name reads the same way. */
	c = card_with("jpki-ca2023");
	assert_int_equal(run_profile("apdu:mynumber", &c, &a, err, sizeof(err)),
			 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.bytes, b.bytes, b.len);
}

static void jpki_not_a_my_number_card(void **state)
{
	struct mn_card c = card_with("ec-serial1");
	struct rdr_id id;
	char err[256];

	(void)state;
	c.no_app = 1;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_string_equal(
	    err, "not a My Number card (JPKI application not found)");
	assert_int_equal(c.napdu, 1);
	assert_int_equal(id.len, 0);

	/* Any other refusal names the step and the status word. */
	c = card_with("ec-serial1");
	c.first_sw = 0x6982;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "read certificate"));
	assert_non_null(strstr(err, "6982"));
	assert_int_equal(id.len, 0);
}

/* A card issued without certificates: no EF, an empty EF, or one never
 * written.  A clear outcome of its own, pointing to apdu:seizo. */
static void jpki_no_certificate(void **state)
{
	static uint8_t blank[300];
	struct mn_card c = card_with("ec-serial1");
	struct rdr_id id;
	char err[256];

	(void)state;
	c.no_ef = 1;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)),
			 RDR_ERR_NO_CERT);
	assert_non_null(strstr(err, "no certificate on this card"));
	assert_non_null(strstr(err, "apdu:seizo"));
	assert_int_equal(c.napdu, 2);
	assert_int_equal(id.len, 0);

	c = (struct mn_card){.file = blank, .file_len = 0};
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)),
			 RDR_ERR_NO_CERT);
	assert_non_null(strstr(err, "no certificate on this card"));
	assert_int_equal(id.len, 0);

	for (int fill = 0; fill < 2; fill++) {
		memset(blank, fill ? 0xff : 0x00, sizeof(blank));
		c = (struct mn_card){.file = blank, .file_len = sizeof(blank)};
		assert_int_equal(mn_identify(&c, &id, err, sizeof(err)),
				 RDR_ERR_NO_CERT);
		assert_non_null(strstr(err, "no certificate on this card"));
		assert_int_equal(id.len, 0);
		assert_read_only(&c);
	}

	/* A version 1 certificate has no extensions, so no AKI: refused,
	 * not keyed on its serial alone. */
	c = card_with("ec-v1");
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "no authority key identifier"));
	assert_int_equal(id.len, 0);
}

static void jpki_wrong_le(void **state)
{
	struct mn_card c = card_with("rsa2048-serial");
	uint8_t want[64];
	size_t wn = fixture_identity("rsa2048-serial", want, sizeof(want));
	struct rdr_id id;
	char err[256];

	(void)state;
	/* 6C 20: "ask for 32 bytes": read again with Le 32, then go on. */
	c.first_sw = 0x6c20;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), 0);
	assert_int_equal(id.len, wn);
	assert_memory_equal(id.bytes, want, wn);
	assert_int_equal(c.log[2][4], 0x40);
	assert_int_equal(c.log[3][4], 0x20);
	assert_int_equal(c.log[3][3], 0x00); /* same offset */
	assert_int_equal(c.log[4][3], 0x20); /* then on from there */
	assert_read_only(&c);

	/* 6C 00 (256) and a larger Le than asked are not retried. */
	c = card_with("rsa2048-serial");
	c.first_sw = 0x6c00;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "6C00"));
	c = card_with("rsa2048-serial");
	c.first_sw = 0x6c80;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);

	/* 61xx would need GET RESPONSE, which the gate refuses. */
	c = card_with("rsa2048-serial");
	c.first_sw = 0x6110;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "GET RESPONSE"));
	assert_int_equal(c.napdu, 3);
}

static void jpki_bad_responses(void **state)
{
	struct mn_card c;
	struct rdr_id id;
	char err[256];

	(void)state;
	/* A one-byte answer (no status word) at each of the three steps. */
	for (int at = 1; at <= 3; at++) {
		c = card_with("ec-serial1");
		c.trunc_at = at;
		assert_int_equal(mn_identify(&c, &id, err, sizeof(err)),
				 RDR_ERR_CARD);
		assert_non_null(strstr(err, "truncated"));
		assert_int_equal(c.napdu, at);
		assert_int_equal(id.len, 0);
	}

	/* More data than Le asked for. */
	c = card_with("ec-serial1");
	c.overlong = 1;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "65 bytes at offset 0, 64 asked"));

	/* Short reads are fine: the profile asks for the rest. */
	c = card_with("rsa-serial20-signed");
	c.max_read = 50;
	if (mn_identify(&c, &id, err, sizeof(err)) != 0)
		fail_msg("short reads: %s", err);
	assert_int_equal(id.len, 12 + 20);
	assert_true(c.napdu > 3);
	assert_read_only(&c);
	for (int i = 3; i < c.napdu; i++) {
		/* Each read starts where the last one ended. */
		size_t off = (size_t)c.log[i][2] << 8 | c.log[i][3];

		assert_int_equal(off, (size_t)(i - 2) * 50);
	}

	/* ... but a card that trickles a byte at a time is given up on. */
	c = card_with("rsa-serial20-signed");
	c.max_read = 1;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "too little"));
	assert_int_equal(id.len, 0);
}

/* The card is taken away at each APDU of the read in turn: an error every
 * time, never an identifier made of what was read so far. */
static void jpki_card_pulled_mid_read(void **state)
{
	struct mn_card c = card_with("rsa2048-serial");
	struct rdr_id id;
	char err[256];
	int total;

	(void)state;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), 0);
	total = c.napdu;
	assert_true(total >= 5); /* the TBSCertificate takes several reads */
	for (int at = 1; at <= total; at++) {
		c = card_with("rsa2048-serial");
		c.removed_at = at;
		assert_int_equal(mn_identify(&c, &id, err, sizeof(err)),
				 RDR_ERR_IO);
		assert_int_equal(id.len, 0);
		assert_non_null(strstr(err, "did not answer"));
		assert_int_equal(c.napdu, at);
	}
}

/* EF 000A holding what is not a certificate, or one whose serial cannot
 * be an identifier. */
static void jpki_bad_certificates(void **state)
{
	static uint8_t big[5200];
	static const uint8_t indefinite[] = {0x30, 0x80, 0x30, 0x80, 0x02,
					     0x01, 0x01, 0x00, 0x00};
	static const uint8_t long_serial_hdr[] = {0x30, 0x82, 0x01, 0x00, 0x30,
						  0x81, 0xf0, 0x02, 0x21};
	struct mn_card c = {0};
	struct rdr_id id;
	char err[256];

	(void)state;
	c.file = indefinite;
	c.file_len = sizeof(indefinite);
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "not valid DER"));
	assert_non_null(strstr(err, "indefinite"));

	/* A 33-byte serial: valid DER, longer than an identifier. */
	memset(big, 0x11, sizeof(big));
	memcpy(big, long_serial_hdr, sizeof(long_serial_hdr));
	c = (struct mn_card){.file = big, .file_len = 300};
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "33 bytes"));
	assert_int_equal(c.napdu, 3); /* stopped once the serial said so */

	/* A TBSCertificate of 5,000 bytes: more than the profile reads. */
	static const uint8_t huge_tbs[] = {0x30, 0x82, 0x13, 0x90, 0x30, 0x82,
					   0x13, 0x88, 0x02, 0x01, 0x01};
	memset(big, 0x00, sizeof(big));
	memcpy(big, huge_tbs, sizeof(huge_tbs));
	c = (struct mn_card){.file = big, .file_len = sizeof(big)};
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "longer than the 4096 bytes"));
	assert_int_equal(c.napdu, 3); /* stopped once the header said so */
	assert_int_equal(id.len, 0);
}

/* A card that answers noise: never a crash, never anything but SELECT and
 * READ BINARY sent, and an identifier only with a valid length. */
static void jpki_garbage(void **state)
{
	(void)state;
	for (uint32_t seed = 1; seed <= 4000; seed++) {
		struct mn_card c = {.garbage = seed, .noisy_reads = seed % 2};
		struct rdr_id id;
		char err[256];
		int rc = mn_identify(&c, &id, err, sizeof(err));

		assert_true(rc == 0 || rc == RDR_ERR_CARD ||
			    rc == RDR_ERR_NO_CERT);
		if (rc == 0)
			assert_true(id.len >= 1 && id.len <= RDR_ID_MAX);
		else
			assert_true(strlen(err) > 0 && id.len == 0);
		assert_true(c.napdu <= 3 + 32);
		assert_read_only(&c);
	}
}

/* --- apdu:seizo ------------------------------------------------------------
 */

static int seizo(struct mn_card *c, struct rdr_id *id, char *err)
{
	return run_profile("apdu:seizo", c, id, err, 256);
}

static void seizo_reads_manufacturing_number(void **state)
{
	static const uint8_t sel[] = {0x00, 0xa4, 0x04, 0x0c, 0x0a,
				      0xd3, 0x92, 0x10, 0x00, 0x31,
				      0x00, 0x01, 0x01, 0x01, 0x00};
	static const uint8_t rr[] = {0x00, 0xb2, 0x01, 0x0c, 0x00};
	/* Letters beyond F: kept as bytes, 13 of them. */
	static const uint8_t alpha[] = {0x30, 0x0f, 'S', 'N', 'M', 'N',
					'2',  '0',  '2', '3', 'Q', 'R',
					'0',  '0',  '0', '0', '1'};
	struct mn_card c = {0};
	struct rdr_id id;
	char err[256];

	(void)state;
	assert_int_equal(seizo(&c, &id, err), 0);
	/* Bytes 2..14 of the value, as text: hex digits all. */
	assert_int_equal(id.len, 13);
	assert_true(id.text);
	assert_memory_equal(id.bytes, "0123456789ABC", 13);
	/* The script, exactly: one SELECT, one READ RECORD. */
	assert_int_equal(c.napdu, 2);
	assert_int_equal(c.loglen[0], sizeof(sel));
	assert_memory_equal(c.log[0], sel, sizeof(sel));
	assert_int_equal(c.loglen[1], sizeof(rr));
	assert_memory_equal(c.log[1], rr, sizeof(rr));
	assert_read_only(&c);

	c = (struct mn_card){.rec = alpha, .rec_len = sizeof(alpha)};
	assert_int_equal(seizo(&c, &id, err), 0);
	assert_int_equal(id.len, 13);
	assert_false(id.text);
	assert_memory_equal(id.bytes, "MN2023QR00001", 13);

	/* A card without certificates answers it all the same. */
	c = (struct mn_card){.no_app = 1, .no_ef = 1};
	assert_int_equal(seizo(&c, &id, err), 0);
	assert_int_equal(id.len, 13);
}

static void seizo_refusals(void **state)
{
	static const struct {
		const char *what;
		uint8_t rec[24];
		size_t len;
		const char *msg;
	} bad[] = {
	    {"value of 14 bytes",
	     {0x30, 0x0e, 'X', 'Y', '0', '1', '2', '3', '4', '5', '6', '7', '8',
	      '9', 'A', 'B'},
	     16,
	     "at least 15"},
	    {"tag 04",
	     {0x04, 0x0f, 'X', 'Y', '0', '1', '2', '3', '4', '5', '6', '7', '8',
	      '9', 'A', 'B', 'C'},
	     17,
	     "not one tag 30"},
	    {"length past the record",
	     {0x30, 0x10, 'X', 'Y', '0', '1', '2', '3', '4', '5', '6', '7', '8',
	      '9', 'A', 'B', 'C'},
	     17,
	     "not one tag 30"},
	    {"bytes after the element",
	     {0x30, 0x0f, 'X', 'Y', '0', '1', '2', '3', '4', '5', '6', '7', '8',
	      '9', 'A', 'B', 'C', 0x00},
	     18,
	     "not one tag 30"},
	    {"a blank in the number",
	     {0x30, 0x0f, 'X', 'Y', '0', '1', '2', '3', ' ', '5', '6', '7', '8',
	      '9', 'A', 'B', 'C'},
	     17,
	     "byte 6 is not a printable"},
	    {"a control byte",
	     {0x30, 0x0f, 'X', 'Y', '0', '1', '2', '3', '4', '5', '6', '7', '8',
	      '9', 'A', 'B', 0x00},
	     17,
	     "byte 14 is not a printable"},
	    {"empty record", {0}, 0, "not one tag 30"},
	};
	struct mn_card c;
	struct rdr_id id;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = (struct mn_card){.rec = bad[i].rec, .rec_len = bad[i].len};
		if (seizo(&c, &id, err) != RDR_ERR_CARD ||
		    strstr(err, bad[i].msg) == NULL)
			fail_msg("%s: '%s'", bad[i].what, err);
		assert_int_equal(id.len, 0);
	}

	/* Not a My Number card: the application is not there. */
	c = (struct mn_card){.no_seizo = 1};
	assert_int_equal(seizo(&c, &id, err), RDR_ERR_CARD);
	assert_non_null(strstr(err, "not a My Number card"));
	assert_int_equal(c.napdu, 1);

	/* The record refused: the status word is named. */
	c = (struct mn_card){.rec_sw = 0x6982};
	assert_int_equal(seizo(&c, &id, err), RDR_ERR_CARD);
	assert_non_null(strstr(err, "6982"));

	/* Taken away at either command: an error, no identifier. */
	for (int at = 1; at <= 2; at++) {
		c = (struct mn_card){.removed_at = at};
		assert_int_equal(seizo(&c, &id, err), RDR_ERR_IO);
		assert_non_null(strstr(err, "taken away"));
		assert_int_equal(id.len, 0);
		c = (struct mn_card){.trunc_at = at};
		assert_int_equal(seizo(&c, &id, err), RDR_ERR_CARD);
		assert_int_equal(id.len, 0);
	}
}

static void seizo_garbage(void **state)
{
	(void)state;
	for (uint32_t seed = 1; seed <= 4000; seed++) {
		struct mn_card c = {.garbage = seed};
		struct rdr_id id;
		char err[256];
		int rc = seizo(&c, &id, err);

		assert_true(rc == 0 || rc == RDR_ERR_CARD);
		if (rc == 0)
			assert_int_equal(id.len, 13);
		else
			assert_true(strlen(err) > 0 && id.len == 0);
		assert_true(c.napdu <= 2);
		assert_read_only(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(registry),
	    cmocka_unit_test(gate_table),
	    cmocka_unit_test(gate_verify_never),
	    cmocka_unit_test(uid_profile),
	    cmocka_unit_test(jpki_reads_aki_and_serial),
	    cmocka_unit_test(jpki_two_ca_generations),
	    cmocka_unit_test(jpki_not_a_my_number_card),
	    cmocka_unit_test(jpki_no_certificate),
	    cmocka_unit_test(jpki_wrong_le),
	    cmocka_unit_test(jpki_bad_responses),
	    cmocka_unit_test(jpki_card_pulled_mid_read),
	    cmocka_unit_test(jpki_bad_certificates),
	    cmocka_unit_test(jpki_garbage),
	    cmocka_unit_test(seizo_reads_manufacturing_number),
	    cmocka_unit_test(seizo_refusals),
	    cmocka_unit_test(seizo_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
