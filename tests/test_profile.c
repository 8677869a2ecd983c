/*
 * Unit tests of drivers/profile.c: the registry, the read-only APDU gate,
 * and the `uid` profile's refusal of random identifiers; and of
 * drivers/profile_mynumber.c against a fake My Number card that serves the
 * openssl-made certificates of tests/data/der/ as its EF 000A, logs every
 * APDU it receives, and misbehaves on request.
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
	(void)state;
	assert_non_null(rdr_profile_find("uid"));
	assert_null(rdr_profile_find("nope"));
	assert_null(rdr_profile_find(""));
	assert_ptr_equal(rdr_profiles()[0], rdr_profile_find("uid"));
}

static void gate_refuses_writes_and_verify(void **state)
{
	struct fake_card card = {0};
	uint8_t resp[258];
	size_t n;
	/* VERIFY, UPDATE BINARY, CHANGE REFERENCE DATA, a proprietary class,
	 * and a truncated header: none may reach the card. */
	static const uint8_t refused[][5] = {
		{0x00, 0x20, 0x00, 0x80, 0x04}, {0x00, 0xd6, 0x00, 0x00, 0x01},
		{0x00, 0x24, 0x00, 0x80, 0x08}, {0x80, 0xa4, 0x04, 0x0c, 0x00},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		n = sizeof(resp);
		assert_int_equal(rdr_profile_transmit(fake_tx, &card,
						      refused[i], 5, resp, &n),
				 RDR_ERR_UNSUPPORTED);
	}
	n = sizeof(resp);
	assert_int_equal(rdr_profile_transmit(fake_tx, &card, refused[0], 3,
					      resp, &n),
			 RDR_ERR_UNSUPPORTED);
	assert_int_equal(card.calls, 0);

	static const uint8_t select[] = {0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00,
					 0x0a};
	static const uint8_t read[] = {0x00, 0xb0, 0x00, 0x00, 0x00};
	static const uint8_t getuid[] = {0xff, 0xca, 0x00, 0x00, 0x00};
	n = sizeof(resp);
	assert_int_equal(rdr_profile_transmit(fake_tx, &card, select,
					      sizeof(select), resp, &n),
			 0);
	n = sizeof(resp);
	assert_int_equal(rdr_profile_transmit(fake_tx, &card, read,
					      sizeof(read), resp, &n),
			 0);
	n = sizeof(resp);
	assert_int_equal(rdr_profile_transmit(fake_tx, &card, getuid,
					      sizeof(getuid), resp, &n),
			 0);
	assert_int_equal(card.calls, 3);
}

static void uid_profile(void **state)
{
	const struct rdr_profile *p = rdr_profile_find("uid");
	struct rdr_card_info info = {.tech = RDR_TECH_ISO14443A,
				     .uid = {0x04, 0xa1, 0xb2, 0xc3, 0xd4,
					     0xe5, 0xf6},
				     .uid_len = 7};
	struct rdr_id id;
	char err[256];

	(void)state;
	assert_int_equal(p->identify(&info, fake_tx, NULL, &id, err,
				     sizeof(err)),
			 0);
	assert_int_equal(id.len, 7);
	assert_memory_equal(id.bytes, info.uid, 7);

	/* A single-size UID starting 0x08 is random: refused, and the
	 * message says what to do. */
	static const uint8_t rnd[] = {0x08, 0x12, 0x34, 0x56};
	memcpy(info.uid, rnd, 4);
	info.uid_len = 4;
	assert_int_equal(p->identify(&info, fake_tx, NULL, &id, err,
				     sizeof(err)),
			 RDR_ERR_RANDOM_ID);
	assert_non_null(strstr(err, "random"));
	assert_non_null(strstr(err, "APDU profile"));

	/* 0x08 at the start of a 7-byte UID, or of a type B PUPI, is not the
	 * random-UID marker. */
	info.uid_len = 7;
	assert_int_equal(p->identify(&info, fake_tx, NULL, &id, err,
				     sizeof(err)),
			 0);
	info.uid_len = 4;
	info.tech = RDR_TECH_ISO14443B;
	assert_int_equal(p->identify(&info, fake_tx, NULL, &id, err,
				     sizeof(err)),
			 0);

	info.uid_len = 0;
	assert_int_equal(p->identify(&info, fake_tx, NULL, &id, err,
				     sizeof(err)),
			 RDR_ERR_CARD);
}

/* --- apdu:mynumber ------------------------------------------------------ */

#define LOG_MAX 64

/* A My Number card in memory: the JPKI application holding EF 000A. */
struct mn_card {
	const uint8_t *file; /* EF 000A, the authentication certificate */
	size_t file_len;
	int no_app;	   /* SELECT of the application: 6A 82 */
	int no_ef;	   /* SELECT of EF 000A: 6A 82 */
	unsigned first_sw; /* the first READ BINARY answers this SW alone */
	int trunc_at;	   /* APDU number (1-based) answered with 1 byte */
	int overlong;	   /* READ BINARY sends one byte more than asked */
	size_t max_read;   /* READ BINARY sends at most this (0: Le) */
	int removed_at;	   /* APDU number at which the card leaves */
	uint32_t garbage;  /* nonzero: every answer is noise from this seed */
	int noisy_reads;   /* with garbage: SELECTs fine, reads noise + 9000 */
	int app, ef, sw_done;
	int napdu;
	uint8_t log[LOG_MAX][24];
	size_t loglen[LOG_MAX];
};

static const uint8_t jpki_aid[] = {0xd3, 0x92, 0xf0, 0x00, 0x26,
				   0x01, 0x00, 0x00, 0x00, 0x01};

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
		c->ef = 0;
		*resp_len = put_sw(resp, 0, c->app ? 0x9000 : 0x6a82);
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

/* Everything the card received was SELECT or READ BINARY: never VERIFY
 * (00 20), nor anything else. */
static void assert_read_only(const struct mn_card *c)
{
	for (int i = 0; i < c->napdu && i < LOG_MAX; i++) {
		const uint8_t *a = c->log[i];

		assert_true(c->loglen[i] >= 4);
		assert_int_equal(a[0], 0x00);
		assert_true(a[1] == 0xa4 || a[1] == 0xb0);
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

/* "serial=HEX" as openssl printed it, as bytes. */
static size_t fixture_serial(const char *name, uint8_t *out, size_t cap)
{
	char text[128];
	size_t n =
	    load_fixture(name, "serial", (uint8_t *)text, sizeof(text) - 1);
	size_t digits, i;

	text[n] = '\0';
	assert_int_equal(strncmp(text, "serial=", 7), 0);
	digits = strcspn(text + 7, "\n");
	assert_true(digits % 2 == 0 && digits / 2 <= cap);
	for (i = 0; i < digits / 2; i++) {
		unsigned v;

		assert_int_equal(sscanf(text + 7 + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return i;
}

static uint8_t cert_buf[4096];

static struct mn_card card_with(const char *fixture)
{
	struct mn_card c = {0};

	c.file_len = load_fixture(fixture, "der", cert_buf, sizeof(cert_buf));
	c.file = cert_buf;
	return c;
}

static int mn_identify(struct mn_card *c, struct rdr_id *id, char *err,
		       size_t errlen)
{
	const struct rdr_profile *p = rdr_profile_find("apdu:mynumber");
	/* A random UID, as the card gives: the profile must not care. */
	struct rdr_card_info info = {.tech = RDR_TECH_ISO14443B,
				     .uid = {0x08, 0x01, 0x02, 0x03},
				     .uid_len = 4};

	assert_non_null(p);
	memset(id, 0, sizeof(*id));
	err[0] = '\0';
	return p->identify(&info, mn_tx, c, id, err, errlen);
}

static void mynumber_reads_certificate_serial(void **state)
{
	static const char *const fixtures[] = {
	    "ec-serial0",     "ec-serial1",  "ec-sign-byte",
	    "rsa-sign-byte",  "ec-serial20", "rsa-serial20-signed",
	    "rsa2048-serial", "ec-v1",
	};
	static const uint8_t sel_app[] = {0x00, 0xa4, 0x04, 0x0c, 0x0a,
					  0xd3, 0x92, 0xf0, 0x00, 0x26,
					  0x01, 0x00, 0x00, 0x00, 0x01};
	static const uint8_t sel_ef[] = {0x00, 0xa4, 0x02, 0x0c,
					 0x02, 0x00, 0x0a};

	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		struct mn_card c = card_with(fixtures[i]);
		uint8_t want[32];
		size_t wn = fixture_serial(fixtures[i], want, sizeof(want));
		struct rdr_id id;
		char err[256];

		assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), 0);
		assert_int_equal(id.len, wn);
		assert_memory_equal(id.bytes, want, wn);
		/* The script, exactly: two SELECTs, then one READ BINARY
		 * of the first 64 bytes, which hold the serial. */
		assert_int_equal(c.napdu, 3);
		assert_int_equal(c.loglen[0], sizeof(sel_app));
		assert_memory_equal(c.log[0], sel_app, sizeof(sel_app));
		assert_int_equal(c.loglen[1], sizeof(sel_ef));
		assert_memory_equal(c.log[1], sel_ef, sizeof(sel_ef));
		assert_int_equal(c.loglen[2], 5);
		assert_memory_equal(
		    c.log[2], ((const uint8_t[]){0x00, 0xb0, 0x00, 0x00, 0x40}),
		    5);
		assert_read_only(&c);
	}
	assert_ptr_equal(rdr_profiles()[1], rdr_profile_find("apdu:mynumber"));
}

static void mynumber_not_a_my_number_card(void **state)
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

	c = card_with("ec-serial1");
	c.no_ef = 1;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "EF 000A"));
	assert_non_null(strstr(err, "not found"));
	assert_int_equal(c.napdu, 2);
	assert_read_only(&c);

	/* Any other refusal names the step and the status word. */
	c = card_with("ec-serial1");
	c.first_sw = 0x6982;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "read certificate"));
	assert_non_null(strstr(err, "6982"));
}

static void mynumber_wrong_le(void **state)
{
	struct mn_card c = card_with("rsa2048-serial");
	uint8_t want[32];
	size_t wn = fixture_serial("rsa2048-serial", want, sizeof(want));
	struct rdr_id id;
	char err[256];

	(void)state;
	/* 6C 20: "ask for 32 bytes": read again with Le 32, then go on. */
	c.first_sw = 0x6c20;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), 0);
	assert_int_equal(id.len, wn);
	assert_memory_equal(id.bytes, want, wn);
	assert_int_equal(c.napdu, 4);
	assert_int_equal(c.log[2][4], 0x40);
	assert_int_equal(c.log[3][4], 0x20);
	assert_int_equal(c.log[3][3], 0x00); /* same offset */
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

static void mynumber_bad_responses(void **state)
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
	}

	/* More data than Le asked for. */
	c = card_with("ec-serial1");
	c.overlong = 1;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "65 bytes at offset 0, 64 asked"));

	/* Short reads are fine: the profile asks for the rest. */
	c = card_with("rsa-serial20-signed");
	c.max_read = 7;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), 0);
	assert_int_equal(id.len, 20);
	assert_true(c.napdu > 3);
	assert_read_only(&c);
	for (int i = 3; i < c.napdu; i++) {
		/* Each read starts where the last one ended. */
		size_t off = (size_t)c.log[i][2] << 8 | c.log[i][3];

		assert_int_equal(off, (size_t)(i - 2) * 7);
	}

	/* ... but a card that trickles a byte at a time is given up on. */
	c = card_with("rsa-serial20-signed");
	c.max_read = 1;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "too little"));

	/* The card leaves mid-read: the reader's error comes back. */
	c = card_with("ec-serial1");
	c.removed_at = 3;
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_IO);
	assert_non_null(strstr(err, "did not answer"));
}

/* EF 000A holding what is not a certificate, or one whose serial cannot
 * be an identifier. */
static void mynumber_bad_certificates(void **state)
{
	static uint8_t big[700];
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
	c = (struct mn_card){.file = big, .file_len = sizeof(big)};
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "33 bytes"));

	/* A serial beyond the first 512 bytes: a 600-byte version field. */
	static const uint8_t huge_version[] = {
	    0x30, 0x82, 0x04, 0x00, 0x30, 0x82, 0x03, 0x00, 0xa0,
	    0x82, 0x02, 0x58, 0x02, 0x82, 0x02, 0x54, 0x01};
	memset(big, 0x00, sizeof(big));
	memcpy(big, huge_version, sizeof(huge_version));
	c = (struct mn_card){.file = big, .file_len = sizeof(big)};
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "first 512 bytes"));
	assert_int_equal(c.napdu, 3); /* stopped once the header said so */

	/* An empty file (the read past its end: 6B 00). */
	c = (struct mn_card){.file = big, .file_len = 0};
	assert_int_equal(mn_identify(&c, &id, err, sizeof(err)), RDR_ERR_CARD);
	assert_non_null(strstr(err, "6B00"));
}

/* A card that answers noise: never a crash, never anything but SELECT and
 * READ BINARY sent, and an identifier only with a valid length. */
static void mynumber_garbage(void **state)
{
	(void)state;
	for (uint32_t seed = 1; seed <= 4000; seed++) {
		struct mn_card c = {.garbage = seed, .noisy_reads = seed % 2};
		struct rdr_id id;
		char err[256];
		int rc = mn_identify(&c, &id, err, sizeof(err));

		assert_true(rc == 0 || rc == RDR_ERR_CARD);
		if (rc == 0)
			assert_true(id.len >= 1 && id.len <= RDR_ID_MAX);
		else
			assert_true(strlen(err) > 0);
		assert_true(c.napdu <= 3 + 16);
		assert_read_only(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registry),
		cmocka_unit_test(gate_refuses_writes_and_verify),
		cmocka_unit_test(uid_profile),
		cmocka_unit_test(mynumber_reads_certificate_serial),
		cmocka_unit_test(mynumber_not_a_my_number_card),
		cmocka_unit_test(mynumber_wrong_le),
		cmocka_unit_test(mynumber_bad_responses),
		cmocka_unit_test(mynumber_bad_certificates),
		cmocka_unit_test(mynumber_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
