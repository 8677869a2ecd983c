/*
 * Unit tests of drivers/acs.c: the bytes of the ACS LED/buzzer pseudo-APDU
 * (FF 00 40 P2 04 T1 T2 N LINK) checked against the bit table of ACS's
 * ACR122U API, "Bi-Color LED and Buzzer Control": bit 0 final red, bit 1
 * final green, bit 2/3 red/green state mask, bit 4/5 initial red/green
 * blinking state, bit 6/7 red/green blinking mask; LINK 00-03.  And the
 * three outcomes give three different signals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../drivers/acs.h"

static void header_and_durations(void **state)
{
	struct acs_signal s = {.final = ACS_LED_OFF,
			       .t1 = 0x14,
			       .t2 = 0x05,
			       .reps = 0x07,
			       .buzzer = ACS_BUZZ_T2};
	uint8_t b[ACS_FB_LEN];

	(void)state;
	assert_int_equal(acs_led_buzzer_apdu(&s, b), 0);
	/* CLA INS P1, Lc 04, then T1 T2 N LINK in that order. */
	assert_int_equal(b[0], 0xff);
	assert_int_equal(b[1], 0x00);
	assert_int_equal(b[2], 0x40);
	assert_int_equal(b[4], 0x04);
	assert_int_equal(b[5], 0x14);
	assert_int_equal(b[6], 0x05);
	assert_int_equal(b[7], 0x07);
	assert_int_equal(b[8], 0x02);
	/* Both state masks, nothing on, nothing blinking. */
	assert_int_equal(b[3], 0x0c);
}

static uint8_t p2_of(enum acs_led final, enum acs_led blink)
{
	struct acs_signal s = {
	    .final = final, .blink = blink, .t1 = 1, .t2 = 1, .reps = 1};
	uint8_t b[ACS_FB_LEN];

	assert_int_equal(acs_led_buzzer_apdu(&s, b), 0);
	return b[3];
}

static void p2_bits_as_documented(void **state)
{
	(void)state;
	assert_int_equal(p2_of(ACS_LED_RED, ACS_LED_OFF), 0x0c | 0x01);
	assert_int_equal(p2_of(ACS_LED_GREEN, ACS_LED_OFF), 0x0c | 0x02);
	/* Blinking: the colour's blinking mask and its initial state on. */
	assert_int_equal(p2_of(ACS_LED_OFF, ACS_LED_RED), 0x0c | 0x40 | 0x10);
	assert_int_equal(p2_of(ACS_LED_OFF, ACS_LED_GREEN), 0x0c | 0x80 | 0x20);
}

static void buzzer_links(void **state)
{
	static const enum acs_buzzer modes[] = {ACS_BUZZ_NONE, ACS_BUZZ_T1,
						ACS_BUZZ_T2, ACS_BUZZ_BOTH};
	static const uint8_t link[] = {0x00, 0x01, 0x02, 0x03};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct acs_signal s = {.reps = 1, .buzzer = modes[i]};
		uint8_t b[ACS_FB_LEN];

		assert_int_equal(acs_led_buzzer_apdu(&s, b), 0);
		assert_int_equal(b[8], link[i]);
	}
}

static void refuses_what_the_reader_does_not_take(void **state)
{
	struct acs_signal s = {.final = ACS_LED_GREEN,
			       .t1 = 1,
			       .t2 = 1,
			       .reps = 0,
			       .buzzer = ACS_BUZZ_T1};
	uint8_t b[ACS_FB_LEN];

	(void)state;
	memset(b, 0xee, sizeof(b));
	/* A beep or a blink needs at least one repetition. */
	assert_int_equal(acs_led_buzzer_apdu(&s, b), RDR_ERR_UNSUPPORTED);
	s.buzzer = ACS_BUZZ_NONE;
	s.blink = ACS_LED_RED;
	assert_int_equal(acs_led_buzzer_apdu(&s, b), RDR_ERR_UNSUPPORTED);
	s.blink = (enum acs_led)7;
	s.reps = 1;
	assert_int_equal(acs_led_buzzer_apdu(&s, b), RDR_ERR_UNSUPPORTED);
	s.blink = ACS_LED_OFF;
	s.buzzer = (enum acs_buzzer)4;
	assert_int_equal(acs_led_buzzer_apdu(&s, b), RDR_ERR_UNSUPPORTED);
	for (size_t i = 0; i < sizeof(b); i++)
		assert_int_equal(b[i], 0xee);
	/* A steady colour alone (no beep, no blink) needs none. */
	s.buzzer = ACS_BUZZ_NONE;
	s.reps = 0;
	assert_int_equal(acs_led_buzzer_apdu(&s, b), 0);
	assert_int_equal(b[3], 0x0c | 0x02);
}

static void outcomes(void **state)
{
	static const uint8_t accepted[] = {0xff, 0x00, 0x40, 0x0e, 0x04,
					   0x01, 0x01, 0x01, 0x01};
	static const uint8_t repeat[] = {0xff, 0x00, 0x40, 0xae, 0x04,
					 0x01, 0x01, 0x02, 0x01};
	static const uint8_t alert[] = {0xff, 0x00, 0x40, 0x5d, 0x04,
					0x03, 0x01, 0x03, 0x01};
	uint8_t a[ACS_FB_LEN], r[ACS_FB_LEN], x[ACS_FB_LEN];

	(void)state;
	assert_int_equal(acs_feedback_apdu(RDR_FB_ACCEPTED, a), 0);
	assert_int_equal(acs_feedback_apdu(RDR_FB_REPEAT, r), 0);
	assert_int_equal(acs_feedback_apdu(RDR_FB_ALERT, x), 0);
	/* Accepted: green, one 100 ms beep. */
	assert_memory_equal(a, accepted, ACS_FB_LEN);
	/* Repeat: green blinking twice, a beep each time, ends green. */
	assert_memory_equal(r, repeat, ACS_FB_LEN);
	/* Alert: red blinking three times, 300 ms beeps, ends red. */
	assert_memory_equal(x, alert, ACS_FB_LEN);
	assert_memory_not_equal(a, r, ACS_FB_LEN);
	assert_memory_not_equal(a, x, ACS_FB_LEN);
	assert_memory_not_equal(r, x, ACS_FB_LEN);
	assert_int_equal(acs_feedback_apdu((enum rdr_feedback)0, a),
			 RDR_ERR_UNSUPPORTED);
	assert_int_equal(acs_feedback_apdu((enum rdr_feedback)9, a),
			 RDR_ERR_UNSUPPORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(header_and_durations),
	    cmocka_unit_test(p2_bits_as_documented),
	    cmocka_unit_test(buzzer_links),
	    cmocka_unit_test(refuses_what_the_reader_does_not_take),
	    cmocka_unit_test(outcomes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
