/*
 * The `nfc` reader backend: libnfc devices (PN533 / ACR122U over USB, PN532
 * on a UART, ...).  `nfc:CONNSTRING` opens that device (a libnfc connstring
 * such as pn532_uart:/dev/ttyUSB0); `nfc:` opens libnfc's first device.
 *
 * libnfc has no event interface, so this backend polls, but never in a tight
 * loop: every libnfc call is bounded by a timeout, and between calls the
 * backend sleeps until the next step is due (a poll for new cards, a
 * presence check of the card in the field, or a reopen of a lost device).
 * Idle CPU stays near zero and rdr_next's own timeout is honoured to within
 * one bounded libnfc call.
 *
 * A card is polled for as ISO 14443 A, ISO 14443 B and FeliCa in turn; the
 * first one found is identified through the identity profile and reported
 * once, then checked for presence until it leaves.  A device that fails at
 * the I/O level, or times out several commands in a row, is closed
 * (RDR_EV_LOST) and reopened periodically (RDR_EV_BACK).  Every byte libnfc
 * hands over comes from a card or a device and is checked before use.
 */
#include "reader.h"
#include "rdr_backends.h"

#include "profile.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nfc/nfc.h>

/*
 * Pacing, in milliseconds.  A presence check is one frame exchange; 150 ms
 * keeps "card removed" prompt for the operator at a negligible cost.  An
 * idle poll is three exchanges (A, B, FeliCa).  A lost device is looked for
 * twice a second: quick enough that nobody waits on a replugged reader.
 */
#define NFCR_PRESENCE_MS 150
#define NFCR_POLL_MS	 200
#define NFCR_REOPEN_MS	 500
/* Bounds on single libnfc commands, so that no call can hang the session
 * (libnfc issue #527: a select can block when a card leaves mid-select). */
#define NFCR_CMD_TIMEOUT_MS  500
#define NFCR_APDU_TIMEOUT_MS 1000
/* Timeouts and chip errors in a row before the device counts as lost: one
 * is often a card leaving mid-command, several mean a wedged device. */
#define NFCR_SOFT_FAILS_MAX 3

/* What a failed libnfc call means for the session. */
enum nfcr_fault {
	NFCR_FAULT_CARD,   /* the card left or answered badly */
	NFCR_FAULT_SOFT,   /* a timeout or chip error: retry, then give up */
	NFCR_FAULT_DEVICE, /* the device itself is gone */
};

struct nfcr {
	nfc_context *ctx;
	nfc_device *dev; /* NULL while the device is lost */
	char connstring[NFC_BUFSIZE_CONNSTRING];
	int any_device; /* `nfc:`: whichever device libnfc finds first */
	const struct rdr_profile *profile;

	int in_field;	    /* a card is selected and being watched */
	int iso_dep;	    /* it speaks ISO 14443-4, so APDUs */
	nfc_modulation mod; /* of the card in the field */
	struct rdr_card_info card;
	int soft_fails;	     /* consecutive NFCR_FAULT_SOFT results */
	int device_failed;   /* set by the transmit callback */
	struct timespec due; /* when the next poll / check / reopen is due */
};

static const nfc_modulation nfcr_mods[] = {
    {.nmt = NMT_ISO14443A, .nbr = NBR_106},
    {.nmt = NMT_ISO14443B, .nbr = NBR_106},
    {.nmt = NMT_FELICA, .nbr = NBR_212},
};

static void ts_add_ms(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void due_in(struct nfcr *s, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, &s->due);
	ts_add_ms(&s->due, ms);
}

static enum nfcr_fault classify(int rc)
{
	switch (rc) {
	case NFC_EIO:
	case NFC_ENOTSUCHDEV:
	case NFC_ESOFT:
		return NFCR_FAULT_DEVICE;
	case NFC_ETIMEOUT:
	case NFC_ECHIP:
	case NFC_EOPABORTED:
		return NFCR_FAULT_SOFT;
	default:
		return NFCR_FAULT_CARD;
	}
}

/*
 * Signals are held back while libnfc runs: its UART code restarts select()
 * on EINTR, so a Ctrl-C arriving there would be swallowed and the caller
 * would sleep on.  nfcr_next holds them for its whole run and lets them in
 * only inside ppoll(), atomically, so a signal that came during a libnfc
 * call is delivered there and rdr_next returns RDR_ERR_INTERRUPTED as
 * reader.h promises.  Each libnfc call is bounded, so a signal waits at
 * most one call.  Faults (SIGSEGV and the like) are never held: blocked,
 * they would kill the process without a word from the sanitizers.
 */
static void hold_signals(sigset_t *old)
{
	static const int faults[] = {SIGSEGV, SIGBUS,  SIGFPE,
				     SIGILL,  SIGABRT, SIGTRAP};
	sigset_t set;

	sigfillset(&set);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(&set, faults[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void release_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Puts a freshly opened device in a known, bounded initiator state. */
static int setup_device(nfc_device *dev)
{
	int rc;

	rc = nfc_initiator_init(dev);
	/*
	 * nfc_initiator_init turns infinite select on; a chip that retries
	 * forever only returns when the host aborts it.  One try per poll.
	 */
	if (rc == 0)
		rc = nfc_device_set_property_bool(dev, NP_INFINITE_SELECT,
						  false);
	if (rc == 0)
		rc = nfc_device_set_property_int(dev, NP_TIMEOUT_COMMAND,
						 NFCR_CMD_TIMEOUT_MS);
	/* ISO-DEP framing is done by the chip, so profiles speak APDUs. */
	if (rc == 0)
		rc =
		    nfc_device_set_property_bool(dev, NP_AUTO_ISO14443_4, true);
	if (rc == 0)
		rc = nfc_device_set_property_bool(dev, NP_EASY_FRAMING, true);
	return rc;
}

/* Opens the device; 0, or a negative libnfc code / -1 when none opened. */
static int open_device(struct nfcr *s)
{
	nfc_device *dev;
	int rc;

	dev = nfc_open(s->ctx, s->any_device ? NULL : s->connstring);
	if (dev == NULL)
		return -1;
	rc = setup_device(dev);
	if (rc < 0) {
		nfc_close(dev);
		return rc;
	}
	s->dev = dev;
	s->soft_fails = 0;
	return 0;
}

static void lose_device(struct nfcr *s)
{
	if (s->dev != NULL)
		nfc_close(s->dev);
	s->dev = NULL;
	/* reader.h: cards in the field of a lost reader are forgotten. */
	s->in_field = 0;
	due_in(s, NFCR_REOPEN_MS);
}

/*
 * Copies what libnfc decoded of a target into the profile's view of it.
 * Lengths come from the device: they are clamped, never trusted.
 */
static int card_info(const nfc_target *nt, struct rdr_card_info *info)
{
	const uint8_t *id;
	size_t len;

	memset(info, 0, sizeof(*info));
	switch (nt->nm.nmt) {
	case NMT_ISO14443A:
		info->tech = RDR_TECH_ISO14443A;
		id = nt->nti.nai.abtUid;
		len = nt->nti.nai.szUidLen;
		if (len > sizeof(nt->nti.nai.abtUid))
			return -1;
		break;
	case NMT_ISO14443B:
		info->tech = RDR_TECH_ISO14443B;
		id = nt->nti.nbi.abtPupi;
		len = sizeof(nt->nti.nbi.abtPupi);
		break;
	case NMT_FELICA:
		info->tech = RDR_TECH_FELICA;
		id = nt->nti.nfi.abtId;
		len = sizeof(nt->nti.nfi.abtId);
		break;
	default:
		return -1;
	}
	if (len == 0 || len > sizeof(info->uid))
		return -1;
	memcpy(info->uid, id, len);
	info->uid_len = len;
	return 0;
}

/* The profile's transmit function (profile.h): one APDU, chip framing. */
static int nfcr_transmit(void *ctx, const uint8_t *apdu, size_t len,
			 uint8_t *resp, size_t *resp_len)
{
	struct nfcr *s = ctx;
	int rc;

	if (!s->iso_dep)
		return RDR_ERR_UNSUPPORTED;
	rc = nfc_initiator_transceive_bytes(s->dev, apdu, len, resp, *resp_len,
					    NFCR_APDU_TIMEOUT_MS);
	if (rc < 0) {
		if (classify(rc) == NFCR_FAULT_DEVICE) {
			s->device_failed = 1;
			return RDR_ERR_IO;
		}
		return RDR_ERR_CARD;
	}
	if ((size_t)rc > *resp_len)
		return RDR_ERR_CARD;
	*resp_len = (size_t)rc;
	return 0;
}

/* Tells a card found in the field: CARD with its identifier, or UNREADABLE
 * with the profile's reason in err. */
static void identify(struct nfcr *s, struct rdr_event *ev, char *err,
		     size_t errlen)
{
	int rc;

	rc = s->profile->identify(&s->card, nfcr_transmit, s, &ev->id, err,
				  errlen);
	if (rc == 0 && (ev->id.len == 0 || ev->id.len > RDR_ID_MAX))
		rc = RDR_ERR_CARD;
	if (rc == 0) {
		ev->kind = RDR_EV_CARD;
		return;
	}
	memset(&ev->id, 0, sizeof(ev->id));
	ev->kind = RDR_EV_UNREADABLE;
	if (err != NULL && errlen > 0 && err[0] == '\0')
		rdr_errf(err, errlen,
			 "the card could not be identified "
			 "(error %d)",
			 rc);
}

/*
 * One poll over every modulation.  Returns 1 with *ev set when a card was
 * found, 0 when none, or a negative libnfc code.
 */
static int poll_cards(struct nfcr *s, struct rdr_event *ev, char *err,
		      size_t errlen)
{
	for (size_t i = 0; i < sizeof(nfcr_mods) / sizeof(nfcr_mods[0]); i++) {
		nfc_target nt;
		int rc;

		memset(&nt, 0, sizeof(nt));
		rc = nfc_initiator_select_passive_target(s->dev, nfcr_mods[i],
							 NULL, 0, &nt);
		if (rc < 0 && classify(rc) != NFCR_FAULT_CARD)
			return rc;
		if (rc <= 0)
			continue; /* a card error here is "no card" */
		if (card_info(&nt, &s->card) != 0) {
			/* Nonsense from the device: drop it, poll on. */
			nfc_initiator_deselect_target(s->dev);
			continue;
		}
		s->mod = nfcr_mods[i];
		/* ISO-DEP: type A announcing ISO 14443-4 in its SAK, and
		 * type B (the chip has sent ATTRIB). */
		s->iso_dep = nt.nm.nmt == NMT_ISO14443B ||
			     (nt.nm.nmt == NMT_ISO14443A &&
			      (nt.nti.nai.btSak & 0x20) != 0);
		s->in_field = 1;
		s->device_failed = 0;
		identify(s, ev, err, errlen);
		if (s->device_failed)
			return NFC_EIO;
		return 1;
	}
	return 0;
}

/*
 * Whether the card in the field is still there: 1 yes, 0 gone, or a
 * negative libnfc code for a device-level failure.
 */
static int still_present(struct nfcr *s)
{
	struct rdr_card_info now;
	nfc_target nt;
	int rc;

	rc = nfc_initiator_target_is_present(s->dev, NULL);
	if (rc == 0)
		return 1;
	if (rc != NFC_EDEVNOTSUPP && rc != NFC_EINVARG)
		return classify(rc) == NFCR_FAULT_CARD ? 0 : rc;
	/*
	 * libnfc cannot ping this kind of card: select it again and compare
	 * identifiers.  A different card is a removal followed by a new card.
	 */
	memset(&nt, 0, sizeof(nt));
	rc = nfc_initiator_select_passive_target(s->dev, s->mod, NULL, 0, &nt);
	if (rc < 0 && classify(rc) != NFCR_FAULT_CARD)
		return rc;
	if (rc <= 0 || card_info(&nt, &now) != 0)
		return 0;
	return now.uid_len == s->card.uid_len &&
	       memcmp(now.uid, s->card.uid, now.uid_len) == 0;
}

/*
 * Does the step that is due.  Returns 1 with *ev set when it produced an
 * event, 0 when not.
 */
static int step(struct nfcr *s, struct rdr_event *ev, char *err, size_t errlen)
{
	int rc;

	if (s->dev == NULL) {
		if (open_device(s) != 0) {
			due_in(s, NFCR_REOPEN_MS);
			return 0;
		}
		ev->kind = RDR_EV_BACK;
		due_in(s, 0); /* poll at once: a card may lie there */
		return 1;
	}
	if (s->in_field) {
		rc = still_present(s);
		if (rc == 1) {
			s->soft_fails = 0;
			due_in(s, NFCR_PRESENCE_MS);
			return 0;
		}
		if (rc == 0) {
			s->in_field = 0;
			s->soft_fails = 0;
			ev->kind = RDR_EV_REMOVED;
			due_in(s, NFCR_POLL_MS);
			return 1;
		}
	} else {
		rc = poll_cards(s, ev, err, errlen);
		if (rc >= 0) {
			s->soft_fails = 0;
			due_in(s, rc == 1 ? NFCR_PRESENCE_MS : NFCR_POLL_MS);
			return rc;
		}
	}
	if (classify(rc) == NFCR_FAULT_SOFT &&
	    ++s->soft_fails < NFCR_SOFT_FAILS_MAX) {
		due_in(s, s->in_field ? NFCR_PRESENCE_MS : NFCR_POLL_MS);
		return 0;
	}
	/*
	 * A card identified just as the device failed is dropped with it:
	 * after RDR_EV_BACK it is read again if it still lies there.
	 */
	memset(ev, 0, sizeof(*ev));
	lose_device(s);
	ev->kind = RDR_EV_LOST;
	return 1;
}

/* Milliseconds from now to t, rounded up, at least 0. */
static int ms_until(const struct timespec *t)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!ts_before(&now, t))
		return 0;
	ns = (long long)(t->tv_sec - now.tv_sec) * 1000000000LL +
	     (t->tv_nsec - now.tv_nsec);
	ns = (ns + 999999) / 1000000;
	return ns > INT_MAX ? INT_MAX : (int)ns;
}

static int nfcr_next(void *state, int timeout_ms, struct rdr_event *ev,
		     char *err, size_t errlen)
{
	struct nfcr *s = state;
	struct timespec deadline;
	int limited = timeout_ms >= 0;
	sigset_t old;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (limited)
		ts_add_ms(&deadline, timeout_ms);
	hold_signals(&old);
	for (;;) {
		struct timespec wake, now, nap;
		int ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!ts_before(&now, &s->due)) {
			memset(ev, 0, sizeof(*ev));
			if (step(s, ev, err, errlen))
				break;
			continue;
		}
		if (limited && !ts_before(&now, &deadline)) {
			ev->kind = RDR_EV_TIMEOUT;
			break;
		}
		wake = s->due;
		if (limited && ts_before(&deadline, &wake))
			wake = deadline;
		ms = ms_until(&wake);
		nap.tv_sec = ms / 1000;
		nap.tv_nsec = (long)(ms % 1000) * 1000000L;
		/* A sleep that lets signals in, and ends with the first. */
		if (ppoll(NULL, 0, &nap, &old) < 0 && errno == EINTR) {
			rdr_errf(err, errlen, "interrupted by a signal");
			ret = RDR_ERR_INTERRUPTED;
			break;
		}
	}
	release_signals(&old);
	return ret;
}

/* libnfc devices have no portable buzzer or LED interface (the ACR122U's
 * escape is not reachable through libnfc's API): the screen and the
 * terminal bell give the feedback instead. */
static int nfcr_feedback(void *state, enum rdr_feedback fb)
{
	(void)state;
	(void)fb;
	return 0;
}

static int nfcr_set_profile(void *state, const struct rdr_profile *p)
{
	struct nfcr *s = state;

	if (p != NULL)
		s->profile = p;
	return 0;
}

static void nfcr_close_state(void *state)
{
	struct nfcr *s = state;
	sigset_t old;

	if (s == NULL)
		return;
	hold_signals(&old);
	if (s->dev != NULL)
		nfc_close(s->dev);
	if (s->ctx != NULL)
		nfc_exit(s->ctx);
	release_signals(&old);
	free(s);
}

static int nfcr_open_state(const char *arg, void **state, char *err,
			   size_t errlen)
{
	struct nfcr *s = NULL;
	sigset_t old;
	int ret, rc;

	*state = NULL;
	if (strlen(arg) >= sizeof(s->connstring)) {
		rdr_errf(err, errlen, "nfc: connstring longer than %d bytes",
			 NFC_BUFSIZE_CONNSTRING - 1);
		return RDR_ERR_SPEC;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		rdr_errf(err, errlen, "out of memory");
		return RDR_ERR_NOMEM;
	}
	memcpy(s->connstring, arg, strlen(arg) + 1);
	s->any_device = arg[0] == '\0';
	s->profile = rdr_profile_find("uid");
	/*
	 * libnfc logs errors to stderr by default; drivers never print, so
	 * its log is off unless the user asked for it.
	 */
	setenv("LIBNFC_LOG_LEVEL", "0", 0);

	hold_signals(&old);
	nfc_init(&s->ctx);
	if (s->ctx == NULL) {
		release_signals(&old);
		rdr_errf(err, errlen, "nfc: libnfc failed to initialise");
		ret = RDR_ERR_UNAVAILABLE;
		goto out;
	}
	rc = open_device(s);
	release_signals(&old);
	if (rc != 0) {
		if (s->any_device)
			rdr_errf(err, errlen,
				 "nfc: no libnfc device found (is the kernel's "
				 "pn533_usb module blacklisted, and the reader "
				 "not held by pcscd?)");
		else
			rdr_errf(err, errlen,
				 "nfc: cannot open libnfc device '%s'%s", arg,
				 rc == -1 ? "" : " (it did not initialise)");
		ret = RDR_ERR_UNAVAILABLE;
		goto out;
	}
	due_in(s, 0);
	*state = s;
	s = NULL;
	ret = 0;
out:
	nfcr_close_state(s);
	return ret;
}

const struct rdr_ops rdr_nfc_ops = {
    .name = "nfc",
    .help = "nfc:CONNSTRING or nfc: (first device): libnfc readers (PN533, "
	    "ACR122U, PN532 UART); ISO 14443 A/B, FeliCa",
    .open = nfcr_open_state,
    .next = nfcr_next,
    .feedback = nfcr_feedback,
    .close = nfcr_close_state,
    .set_profile = nfcr_set_profile,
};
