/*
 * ACS readers' bi-colour LED and buzzer (ACR122U, and the ACR1252U in its
 * ACR122U-compatible command set): the 9-byte pseudo-APDU
 * `FF 00 40 P2 04 T1 T2 N LINK` that the reader takes itself, through
 * SCardTransmit with a card connected or through the CCID escape
 * (SCardControl) without one.  Building it is pure, so that the bytes for
 * each outcome are checked against ACS's API documentation in a unit test
 * (tests/test_acs.c) rather than only by ear on a real reader.
 *
 * P2, "LED state control" (ACS ACR122U API, "Bi-Color LED and Buzzer
 * Control"): bit 0 final red state, bit 1 final green state, bit 2 red
 * state mask (update), bit 3 green state mask, bit 4 initial red blinking
 * state, bit 5 initial green blinking state, bit 6 red blinking mask,
 * bit 7 green blinking mask.  T1/T2: on/off times in 100 ms; N: how many
 * times; LINK: 00 buzzer off, 01 during T1, 02 during T2, 03 during both.
 */
#ifndef CT_ACS_H
#define CT_ACS_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"

#define ACS_FB_LEN 9

enum acs_led { ACS_LED_OFF = 0, ACS_LED_RED, ACS_LED_GREEN };
enum acs_buzzer {
	ACS_BUZZ_NONE = 0,
	ACS_BUZZ_T1 = 1,
	ACS_BUZZ_T2 = 2,
	ACS_BUZZ_BOTH = 3,
};

/* What the reader shows: the colour it ends in, the colour that blinks
 * (ACS_LED_OFF: none), T1/T2 in 100 ms steps, repetitions, the buzzer. */
struct acs_signal {
	enum acs_led final;
	enum acs_led blink;
	uint8_t t1, t2, reps;
	enum acs_buzzer buzzer;
};

/*
 * The LED/buzzer pseudo-APDU for sig into out.  Returns 0, or
 * RDR_ERR_UNSUPPORTED (out untouched) for values the reader does not take:
 * an unknown colour or buzzer mode, a blink or a beep with no repetition.
 */
int acs_led_buzzer_apdu(const struct acs_signal *sig, uint8_t out[ACS_FB_LEN]);

/*
 * The signal for a read's outcome: accepted, one short beep and green;
 * repeat, two short beeps with green blinking; alert, three long beeps
 * with red blinking, ending red.  0, or RDR_ERR_UNSUPPORTED for an
 * unknown outcome.
 */
int acs_feedback_apdu(enum rdr_feedback fb, uint8_t out[ACS_FB_LEN]);

#endif
