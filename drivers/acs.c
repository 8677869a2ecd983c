/*
 * The ACS LED/buzzer pseudo-APDU (see acs.h): the bit layout of its P2 in
 * one place, and the three signals cardtally gives for accepted, repeat
 * and alert.  No I/O: the pcsc backend sends what this builds.
 */
#include "acs.h"

#include <string.h>

/* P2 bits, ACS ACR122U API "Bi-Color LED and Buzzer Control". */
enum {
	P2_FINAL_RED = 0x01,
	P2_FINAL_GREEN = 0x02,
	P2_MASK_RED = 0x04,
	P2_MASK_GREEN = 0x08,
	P2_BLINK_START_RED = 0x10,
	P2_BLINK_START_GREEN = 0x20,
	P2_BLINK_RED = 0x40,
	P2_BLINK_GREEN = 0x80,
};

int acs_led_buzzer_apdu(const struct acs_signal *sig, uint8_t out[ACS_FB_LEN])
{
	uint8_t p2;

	if ((unsigned)sig->final > ACS_LED_GREEN ||
	    (unsigned)sig->blink > ACS_LED_GREEN ||
	    (unsigned)sig->buzzer > ACS_BUZZ_BOTH)
		return RDR_ERR_UNSUPPORTED;
	/* The reader neither blinks nor beeps with zero repetitions. */
	if ((sig->blink != ACS_LED_OFF || sig->buzzer != ACS_BUZZ_NONE) &&
	    sig->reps == 0)
		return RDR_ERR_UNSUPPORTED;
	/* Both colours are always updated, so that a red left over from
	 * an alert never lingers under the next green. */
	p2 = P2_MASK_RED | P2_MASK_GREEN;
	if (sig->final == ACS_LED_RED)
		p2 |= P2_FINAL_RED;
	else if (sig->final == ACS_LED_GREEN)
		p2 |= P2_FINAL_GREEN;
	if (sig->blink == ACS_LED_RED)
		p2 |= P2_BLINK_RED | P2_BLINK_START_RED;
	else if (sig->blink == ACS_LED_GREEN)
		p2 |= P2_BLINK_GREEN | P2_BLINK_START_GREEN;

	out[0] = 0xff;
	out[1] = 0x00;
	out[2] = 0x40;
	out[3] = p2;
	out[4] = 0x04; /* Lc: the four duration bytes */
	out[5] = sig->t1;
	out[6] = sig->t2;
	out[7] = sig->reps;
	out[8] = (uint8_t)sig->buzzer;
	return 0;
}

int acs_feedback_apdu(enum rdr_feedback fb, uint8_t out[ACS_FB_LEN])
{
	/* Told apart by ear as well as by eye: one short beep, two short,
	 * three long. */
	static const struct acs_signal accepted = {.final = ACS_LED_GREEN,
						   .t1 = 1,
						   .t2 = 1,
						   .reps = 1,
						   .buzzer = ACS_BUZZ_T1};
	static const struct acs_signal repeat = {.final = ACS_LED_GREEN,
						 .blink = ACS_LED_GREEN,
						 .t1 = 1,
						 .t2 = 1,
						 .reps = 2,
						 .buzzer = ACS_BUZZ_T1};
	static const struct acs_signal alert = {.final = ACS_LED_RED,
						.blink = ACS_LED_RED,
						.t1 = 3,
						.t2 = 1,
						.reps = 3,
						.buzzer = ACS_BUZZ_T1};

	switch (fb) {
	case RDR_FB_ACCEPTED:
		return acs_led_buzzer_apdu(&accepted, out);
	case RDR_FB_REPEAT:
		return acs_led_buzzer_apdu(&repeat, out);
	case RDR_FB_ALERT:
		return acs_led_buzzer_apdu(&alert, out);
	}
	return RDR_ERR_UNSUPPORTED;
}
