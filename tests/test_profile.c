/*
 * Unit tests of drivers/profile.c: the registry, the read-only APDU gate,
 * and the `uid` profile's refusal of random identifiers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registry),
		cmocka_unit_test(gate_refuses_writes_and_verify),
		cmocka_unit_test(uid_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
