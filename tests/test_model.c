/*
 * Unit tests of common/: serial normalisation, management IDs, calendar
 * dates, ISO 8601 times, location containment, and the string map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../common/model.h"
#include "../common/strmap.h"

static void serials(void **state)
{
	char out[SERIAL_BUF];
	char longer[SERIAL_MAX + 2];
	const uint8_t b[] = {0x04, 0xa1, 0xb2, 0xff};

	(void)state;
	assert_int_equal(serial_normalize("04a1B2", 6, out), 0);
	assert_string_equal(out, "04A1B2");
	/* A printed number (decimal digits) is accepted as it is. */
	assert_int_equal(serial_normalize("12345", 5, out), 0);
	assert_string_equal(out, "12345");
	assert_int_equal(serial_normalize("04G1", 4, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(serial_normalize("", 0, out), -1);
	assert_int_equal(serial_normalize("04 A1", 5, out), -1);
	memset(longer, 'A', sizeof(longer));
	assert_int_equal(serial_normalize(longer, SERIAL_MAX, out), 0);
	assert_int_equal(serial_normalize(longer, SERIAL_MAX + 1, out), -1);

	assert_int_equal(serial_from_bytes(b, sizeof(b), out), 0);
	assert_string_equal(out, "04A1B2FF");
	uint8_t big[SERIAL_MAX / 2 + 1] = {0};
	assert_int_equal(serial_from_bytes(big, sizeof(big), out), -1);
	assert_int_equal(serial_from_bytes(b, 0, out), -1);
}

static void mgmt_ids(void **state)
{
	(void)state;
	assert_true(mgmt_id_valid("M000123", 7));
	assert_true(mgmt_id_valid("KN-2026_01", 10));
	assert_false(mgmt_id_valid("", 0));
	assert_false(mgmt_id_valid("M 1", 3));
	assert_false(mgmt_id_valid("M,1", 3));
	assert_false(mgmt_id_valid("番号", strlen("番号")));
	assert_false(mgmt_id_valid("123456789012345678901234567890123", 33));
}

static void dates(void **state)
{
	int32_t d;
	char out[11];

	(void)state;
	assert_int_equal(date_parse("1970-01-01", 10, &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(date_parse("2026-11-23", 10, &d), 0);
	date_format(d, out);
	assert_string_equal(out, "2026-11-23");
	assert_int_equal(date_parse("2024-02-29", 10, &d), 0);
	assert_int_equal(date_parse("2023-02-29", 10, &d), -1);
	assert_int_equal(date_parse("2000-02-29", 10, &d), 0);
	assert_int_equal(date_parse("1900-02-29", 10, &d), -1);
	assert_int_equal(date_parse("2024-02-30", 10, &d), -1);
	assert_int_equal(date_parse("2024-13-01", 10, &d), -1);
	assert_int_equal(date_parse("2024-04-31", 10, &d), -1);
	assert_int_equal(date_parse("2024-00-10", 10, &d), -1);
	assert_int_equal(date_parse("24-01-01", 8, &d), -1);
	assert_int_equal(date_parse("2024/01/01", 10, &d), -1);
	assert_int_equal(date_parse("2024-1-01 ", 10, &d), -1);
	assert_int_equal(date_parse("", 0, &d), -1);
	/* Every day of a leap year survives a round trip. */
	assert_int_equal(date_parse("2024-01-01", 10, &d), 0);
	for (int i = 0; i < 366; i++) {
		int32_t back;

		date_format(d + i, out);
		assert_int_equal(date_parse(out, 10, &back), 0);
		assert_int_equal(back, d + i);
	}
	date_format(d + 365, out);
	assert_string_equal(out, "2024-12-31");
}

static void iso_times(void **state)
{
	char out[TIME_ISO_BUF];

	(void)state;
	/* 2026-11-23T00:00:00Z */
	time_format_iso(1795392000, 0, out);
	assert_string_equal(out, "2026-11-23T00:00:00+00:00");
	time_format_iso(1795392000, 9 * 3600, out);
	assert_string_equal(out, "2026-11-23T09:00:00+09:00");
	time_format_iso(1795392000, -(5 * 3600 + 30 * 60), out);
	assert_string_equal(out, "2026-11-22T18:30:00-05:30");
	assert_int_equal(date_of_time(1795392000 - 1, 0),
			 date_of_time(1795392000, 0) - 1);
	assert_int_equal(date_of_time(1795392000 - 1, 9 * 3600),
			 date_of_time(1795392000, 0));
}

static void containment(void **state)
{
	(void)state;
	assert_true(location_within("SAFE1/S1/T01", "SAFE1/S1/T01"));
	assert_true(location_within("SAFE1/S1/T01", "SAFE1/S1"));
	assert_true(location_within("SAFE1/S1/T01", "SAFE1"));
	assert_false(location_within("SAFE1/S1/T01", "SAFE1/S"));
	assert_false(location_within("SAFE1/S1", "SAFE1/S1/T01"));
	assert_false(location_within("SAFE10/S1", "SAFE1"));
}

static void string_map(void **state)
{
	struct strmap *m = strmap_new(4);
	int64_t v, old;
	char key[32];

	(void)state;
	assert_non_null(m);
	/* Enough keys to force several rehashes. */
	for (int i = 0; i < 10000; i++) {
		int n = snprintf(key, sizeof(key), "K%06d", i);

		assert_int_equal(strmap_put(m, key, (size_t)n, i, NULL), 1);
	}
	assert_int_equal(strmap_count(m), 10000);
	assert_int_equal(strmap_put(m, "K000042", 7, 99, &old), 0);
	assert_int_equal(old, 42);
	assert_int_equal(strmap_get(m, "K009999", 7, &v), 1);
	assert_int_equal(v, 9999);
	assert_int_equal(strmap_get(m, "K010000", 7, &v), 0);
	/* Keys are byte strings: a prefix is a different key. */
	assert_int_equal(strmap_get(m, "K00004", 6, &v), 0);
	assert_int_equal(strmap_put(m, "", 0, 5, NULL), 1);
	assert_int_equal(strmap_get(m, "", 0, &v), 1);
	assert_int_equal(v, 5);
	/* strmap_set overwrites a present key and adds a new one. */
	assert_int_equal(strmap_set(m, "K000042", 7, 7), 0);
	assert_int_equal(strmap_get(m, "K000042", 7, &v), 1);
	assert_int_equal(v, 7);
	assert_int_equal(strmap_set(m, "N1", 2, 3), 0);
	assert_int_equal(strmap_get(m, "N1", 2, &v), 1);
	assert_int_equal(v, 3);
	assert_int_equal(strmap_count(m), 10002);
	strmap_free(m);
	strmap_free(NULL);
}

/* The SQL list of the states in storage is the C predicate, name by name,
 * each once. */
static void in_storage_sql(void **state)
{
	size_t n = 0, commas = 0;
	const char *p;

	(void)state;
	for (int s = 0; s < CARD_STATUS_COUNT; s++) {
		char quoted[32];

		snprintf(quoted, sizeof(quoted), "'%s'",
			 card_status_name((enum card_status)s));
		p = strstr(CARD_IN_STORAGE_SQL, quoted);
		if ((p != NULL) != card_status_in_storage((enum card_status)s))
			fail_msg("%s: in the SQL list %d, in storage %d",
				 quoted, p != NULL,
				 card_status_in_storage((enum card_status)s));
		n += p != NULL;
	}
	for (p = CARD_IN_STORAGE_SQL; *p; p++)
		commas += *p == ',';
	assert_int_equal(commas + 1, n);
}

static void names_round_trip(void **state)
{
	(void)state;
	for (int s = 0; s < CARD_STATUS_COUNT; s++) {
		enum card_status back;

		assert_int_equal(card_status_parse(card_status_name(s), &back),
				 0);
		assert_int_equal(back, s);
	}
	enum card_status st;
	assert_int_equal(card_status_parse("lost", &st), 0);
	assert_int_equal(st, CARD_LOST);
	assert_int_equal(card_status_parse("Lost", &st), -1);
	assert_int_equal(card_status_parse("missing", &st), -1);
	assert_true(card_status_in_storage(CARD_STORED));
	/* A lost card is expected nowhere: not in storage. */
	assert_false(card_status_in_storage(CARD_LOST));
	assert_true(card_status_in_storage(CARD_MOVED));
	assert_false(card_status_in_storage(CARD_CHECKED_OUT));
	assert_false(card_status_in_storage(CARD_ISSUED));
	assert_false(card_status_in_storage(CARD_DISPOSED));
	enum staff_role r;
	assert_int_equal(staff_role_parse("parttime", &r), 0);
	assert_int_equal(r, ROLE_PARTTIME);
	assert_int_equal(staff_role_parse("boss", &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(serials),
	    cmocka_unit_test(mgmt_ids),
	    cmocka_unit_test(dates),
	    cmocka_unit_test(iso_times),
	    cmocka_unit_test(containment),
	    cmocka_unit_test(string_map),
	    cmocka_unit_test(names_round_trip),
	    cmocka_unit_test(in_storage_sql),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
