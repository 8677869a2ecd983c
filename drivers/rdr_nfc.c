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
 * Cards are polled for as ISO 14443 A, ISO 14443 B and FeliCa in turn.  Up
 * to two type A cards are listed at once (nfc_initiator_list_passive_targets
 * halts each card found so that the next one answers), each is selected
 * again by its UID after a reset of the RF field (which wakes halted cards
 * on any chip) and identified through the identity profile, and each is
 * reported once: two cards in the field are two events.  One card is then
 * checked for presence until it leaves; two are listed again at each check,
 * and the field is empty (RDR_EV_REMOVED) when neither answers.  Type B and
 * FeliCa cards are taken one at a time.  A device that fails at
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
#define NFCR_CMD_TIMEOUT_MS 500
/* A My Number card (type B) may take up to about 2.5 s to answer one
 * frame (its frame waiting time); an APDU is given 3 s before the card
 * counts as gone, which makes the read unreadable, never a short one. */
#define NFCR_APDU_TIMEOUT_MS 3000
/* Timeouts and chip errors in a row before the device counts as lost: one
 * is often a card leaving mid-command, several mean a wedged device. */
#define NFCR_SOFT_FAILS_MAX 3
/* Type A cards listed in one poll (a PN53x handles two targets at once). */
#define NFCR_CARDS_MAX 2

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

	/* The cards in the field as reported, by identifier: 0 to
	 * NFCR_CARDS_MAX (several only of type A). */
	struct rdr_card_info field[NFCR_CARDS_MAX];
	int nfield;
	int iso_dep;	    /* the selected card speaks ISO 14443-4 (APDUs) */
	nfc_modulation mod; /* of the selected card */
	struct rdr_card_info card; /* the selected card */
	/* Events found together (two cards) and handed out one per call,
	 * with the message of an UNREADABLE one. */
	struct rdr_event pend[NFCR_CARDS_MAX];
	char pend_msg[NFCR_CARDS_MAX][RDR_ERRMSG_MAX];
	int npend;
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
	/* reader.h: cards in the field of a lost reader are forgotten, and
	 * so are the events of cards identified as it failed. */
	s->nfield = 0;
	s->npend = 0;
	due_in(s, NFCR_REOPEN_MS);
}

/*
 * Copies what libnfc decoded of a target into the profile's view of it.
 * Lengths come from the device: they are clamped, never trusted.
 */
int rdr_nfc_card_info(const nfc_target *nt, struct rdr_card_info *info)
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
	ev->error = rc;
	if (err != NULL && errlen > 0 && err[0] == '\0')
		rdr_errf(err, errlen,
			 "the card could not be identified "
			 "(error %d)",
			 rc);
}

static int same_card(const struct rdr_card_info *a,
		     const struct rdr_card_info *b)
{
	return a->uid_len == b->uid_len &&
	       memcmp(a->uid, b->uid, a->uid_len) == 0;
}

/* Identifies the selected card and queues its event (CARD, or UNREADABLE
 * with the profile's reason).  Returns 0, or NFC_EIO when the device
 * failed during the exchange. */
static int queue_card(struct nfcr *s)
{
	struct rdr_event *ev = &s->pend[s->npend];
	char *msg = s->pend_msg[s->npend];

	memset(ev, 0, sizeof(*ev));
	msg[0] = '\0';
	s->device_failed = 0;
	identify(s, ev, msg, RDR_ERRMSG_MAX);
	if (s->device_failed)
		return NFC_EIO;
	s->npend++;
	return 0;
}

/* Powers the field off and on: every card in it starts afresh, halted
 * ones included.  0 or a negative libnfc code. */
static int field_reset(struct nfcr *s)
{
	int rc = nfc_device_set_property_bool(s->dev, NP_ACTIVATE_FIELD, false);

	if (rc == 0)
		rc = nfc_device_set_property_bool(s->dev, NP_ACTIVATE_FIELD,
						  true);
	return rc;
}

/*
 * Selects the type A card field[k] by its UID, after a field reset (a card
 * that nfc_initiator_list_passive_targets halted answers only then on
 * every chip).  Returns 1 when it answered, 0 when it is gone, or a
 * negative libnfc code for a device-level failure.
 */
static int select_uid(struct nfcr *s, int k)
{
	struct rdr_card_info now;
	nfc_target nt;
	int rc;

	rc = field_reset(s);
	if (rc < 0)
		return rc;
	memset(&nt, 0, sizeof(nt));
	rc = nfc_initiator_select_passive_target(
	    s->dev, nfcr_mods[0], s->field[k].uid, s->field[k].uid_len, &nt);
	if (rc < 0 && classify(rc) != NFCR_FAULT_CARD)
		return rc;
	if (rc <= 0 || rdr_nfc_card_info(&nt, &now) != 0 ||
	    !same_card(&now, &s->field[k]))
		return 0;
	s->card = now;
	s->mod = nfcr_mods[0];
	s->iso_dep = (nt.nti.nai.btSak & 0x20) != 0;
	return 1;
}

/*
 * Lists the type A cards in the field (at most NFCR_CARDS_MAX) into
 * found[]; returns how many, or a negative libnfc code for a device-level
 * failure.  Nonsense from the device is left out.
 */
static int list_type_a(struct nfcr *s, struct rdr_card_info *found)
{
	nfc_target nts[NFCR_CARDS_MAX];
	int n, count = 0;

	memset(nts, 0, sizeof(nts));
	n = nfc_initiator_list_passive_targets(s->dev, nfcr_mods[0], nts,
					       NFCR_CARDS_MAX);
	if (n < 0 && classify(n) != NFCR_FAULT_CARD)
		return n;
	for (int i = 0; i < n && i < NFCR_CARDS_MAX; i++) {
		int dup = 0;

		if (rdr_nfc_card_info(&nts[i], &found[count]) != 0)
			continue;
		for (int j = 0; j < count; j++)
			dup |= same_card(&found[j], &found[count]);
		if (!dup)
			count++;
	}
	return count;
}

/*
 * Selects and identifies the type A cards field[first..] (new in the
 * field), queueing one event each; a card that left meanwhile is dropped.
 * Leaves a lone card selected for its presence checks.  0 or a negative
 * libnfc code.
 */
static int announce_type_a(struct nfcr *s, int first)
{
	int k = first, rc;

	while (k < s->nfield) {
		rc = select_uid(s, k);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			s->field[k] = s->field[--s->nfield];
			continue;
		}
		rc = queue_card(s);
		if (rc < 0)
			return rc;
		k++;
	}
	if (s->nfield == 1 && first > 0) {
		rc = select_uid(s, 0);
		if (rc < 0)
			return rc;
		if (rc == 0)
			s->nfield = 0;
	}
	return 0;
}

/*
 * One poll over every modulation.  Returns 1 when cards were found (their
 * events queued), 0 when none, or a negative libnfc code.
 */
static int poll_cards(struct nfcr *s)
{
	int rc;

	rc = list_type_a(s, s->field);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		s->nfield = rc;
		rc = announce_type_a(s, 0);
		if (rc < 0)
			return rc;
		return s->nfield > 0;
	}
	for (size_t i = 1; i < sizeof(nfcr_mods) / sizeof(nfcr_mods[0]); i++) {
		nfc_target nt;

		memset(&nt, 0, sizeof(nt));
		rc = nfc_initiator_select_passive_target(s->dev, nfcr_mods[i],
							 NULL, 0, &nt);
		if (rc < 0 && classify(rc) != NFCR_FAULT_CARD)
			return rc;
		if (rc <= 0)
			continue; /* a card error here is "no card" */
		if (rdr_nfc_card_info(&nt, &s->card) != 0) {
			/* Nonsense from the device: drop it, poll on. */
			nfc_initiator_deselect_target(s->dev);
			continue;
		}
		s->mod = nfcr_mods[i];
		/* Type B: the chip has sent ATTRIB, so ISO-DEP. */
		s->iso_dep = nt.nm.nmt == NMT_ISO14443B;
		s->field[0] = s->card;
		s->nfield = 1;
		rc = queue_card(s);
		if (rc < 0)
			return rc;
		return 1;
	}
	return 0;
}

/*
 * Several type A cards in the field: lists them again.  Cards that left
 * are forgotten (presented again, they are reported again), new ones are
 * identified and queued.  Returns 1 while any card is there, 0 when the
 * field is empty, or a negative libnfc code.
 */
static int recheck_many(struct nfcr *s)
{
	struct rdr_card_info now[NFCR_CARDS_MAX];
	int n, kept = 0, rc;

	rc = field_reset(s);
	if (rc < 0)
		return rc;
	n = list_type_a(s, now);
	if (n < 0)
		return n;
	/* Known cards still there first, then the new ones. */
	for (int k = 0; k < s->nfield; k++)
		for (int j = 0; j < n; j++)
			if (same_card(&s->field[k], &now[j]))
				s->field[kept++] = s->field[k];
	s->nfield = kept;
	for (int j = 0; j < n && s->nfield < NFCR_CARDS_MAX; j++) {
		int known = 0;

		for (int k = 0; k < kept; k++)
			known |= same_card(&s->field[k], &now[j]);
		if (!known)
			s->field[s->nfield++] = now[j];
	}
	if (s->nfield == 0)
		return 0;
	rc = announce_type_a(s, kept);
	if (rc < 0)
		return rc;
	return s->nfield > 0;
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
	if (rc <= 0 || rdr_nfc_card_info(&nt, &now) != 0)
		return 0;
	return now.uid_len == s->card.uid_len &&
	       memcmp(now.uid, s->card.uid, now.uid_len) == 0;
}

/*
 * Does the step that is due.  Returns 1 with *ev set when it produced an
 * event, 0 when not (cards found are queued in s->pend instead).
 */
static int step(struct nfcr *s, struct rdr_event *ev)
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
	if (s->nfield > 0) {
		rc = s->nfield > 1 ? recheck_many(s) : still_present(s);
		if (rc == 1) {
			s->soft_fails = 0;
			due_in(s, NFCR_PRESENCE_MS);
			return 0;
		}
		if (rc == 0) {
			s->nfield = 0;
			s->soft_fails = 0;
			ev->kind = RDR_EV_REMOVED;
			due_in(s, NFCR_POLL_MS);
			return 1;
		}
	} else {
		rc = poll_cards(s);
		if (rc >= 0) {
			s->soft_fails = 0;
			due_in(s, rc == 1 ? NFCR_PRESENCE_MS : NFCR_POLL_MS);
			return 0; /* the cards' events are queued */
		}
	}
	if (classify(rc) == NFCR_FAULT_SOFT &&
	    ++s->soft_fails < NFCR_SOFT_FAILS_MAX) {
		due_in(s, s->nfield > 0 ? NFCR_PRESENCE_MS : NFCR_POLL_MS);
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

		if (s->npend > 0) {
			/* Events found together go out one per call, in
			 * order. */
			*ev = s->pend[0];
			rdr_errf(err, errlen, "%s", s->pend_msg[0]);
			s->npend--;
			memmove(s->pend, s->pend + 1,
				(size_t)s->npend * sizeof(s->pend[0]));
			memmove(s->pend_msg, s->pend_msg + 1,
				(size_t)s->npend * sizeof(s->pend_msg[0]));
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!ts_before(&now, &s->due)) {
			memset(ev, 0, sizeof(*ev));
			if (step(s, ev))
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

/*
 * libnfc 1.8's device properties (nfc_property: timeouts, CRC, parity,
 * field, framing, ...) hold no buzzer or LED, and the ACR122U's LED escape
 * is internal to its libnfc driver: there is nothing to drive, so feedback
 * is the screen's and the terminal bell's, and succeeds silently here.
 */
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
		else if (rc == -1)
			rdr_errf(err, errlen,
				 "nfc: cannot open libnfc device '%s'", arg);
		else
			rdr_errf(err, errlen,
				 "nfc: cannot open libnfc device '%s' (it did "
				 "not initialise)",
				 arg);
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
    .help = N_("nfc:CONNSTRING or nfc: (first device): libnfc readers (PN533, "
	       "ACR122U, PN532 UART); ISO 14443 A/B, FeliCa"),
    .open = nfcr_open_state,
    .next = nfcr_next,
    .feedback = nfcr_feedback,
    .close = nfcr_close_state,
    .set_profile = nfcr_set_profile,
};
