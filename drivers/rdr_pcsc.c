/*
 * The `pcsc` reader backend: any contactless reader that pcscd drives (CCID
 * readers such as the ACR1252U, Sony RC-S300, SCL3711, and the ACR122U).
 * `pcsc:PREFIX` watches the reader whose name starts with PREFIX; `pcsc:`
 * the first reader whose name looks contactless, else the first reader.
 *
 * Everything is driven by SCardGetStatusChange, so an idle scan costs no
 * CPU: the chosen reader's state tells when a card arrives or leaves, and
 * the `\\?PnP?\Notification` pseudo-reader tells when readers come and go.
 * A caller may wait with no timeout: pcsc-lite retries its waits when a
 * signal comes, so rdr_wake (from a signal handler) ends one through a
 * thread of ours that calls SCardCancel, which a handler may not.  Waking
 * up every 250 ms instead cost an idle scan two round trips to pcscd each
 * time (0.4 % CPU, and pcscd four times its wake-ups: bench/run, 7).
 * A card in the field is connected once, identified by the identity
 * profile (profile.h) through a transmit function wrapping SCardTransmit,
 * and reported once; it stays connected until it leaves, so that feedback
 * can reach an ACS reader's buzzer through it.
 *
 * pcscd itself may go away (restart, upgrade): that is the reader lost.
 * The backend then retries establishing a context in short sleeps (there
 * is no daemon to wait on) and reports the reader back once pcscd lists it
 * again.  Every byte from the card and every reader name is untrusted.
 */
#include "reader.h"
#include "rdr_backends.h"

#include "acs.h"
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <PCSC/reader.h>
#include <PCSC/winscard.h>

/* While pcscd is away there is nothing to block on: retry at this pace. */
#define PCSC_RETRY_MS 250
/* A wake not yet seen by pcsc_next is cancelled again at this pace: the
 * wait it was meant for may not have begun when it came. */
#define PCSC_CANCEL_RETRY_MS 50
/* Upper bound for the list of reader names pcscd returns. */
#define PCSC_LIST_MAX	4096
#define PCSC_PREFIX_MAX 128
#define PCSC_RESP_MAX	258 /* 256 data bytes + SW1 SW2 */

/* CCID escape for pseudo-APDUs when no card is connected (ccid's ifdhandler
 * accepts it only with ifdDriverOptions 0x0001 in its Info.plist). */
#define PCSC_IOCTL_CCID_ESCAPE SCARD_CTL_CODE(3500)

static const char pnp_name[] = "\\\\?PnP?\\Notification";

struct pcsc {
	char prefix[PCSC_PREFIX_MAX];
	const struct rdr_profile *profile;

	SCARDCONTEXT ctx;
	int have_ctx;
	/* The reader currently watched; "" when none is there. */
	char reader[MAX_READERNAME];
	DWORD reader_state; /* last dwEventState seen, for the next wait */
	DWORD pnp_state;

	SCARDHANDLE card;
	DWORD proto;
	int connected;
	int in_field; /* a card was reported (CARD or UNREADABLE) */
	int lost;     /* RDR_EV_LOST reported, RDR_EV_BACK not yet */
	int acs;      /* an ACS reader: FF 00 40 drives buzzer and LEDs */

	/*
	 * rdr_wake: pcsc_wake writes a byte to wake_fd[1]; the waker thread,
	 * blocked on wake_fd[0], sets wake_req and cancels the context's
	 * wait, again every PCSC_CANCEL_RETRY_MS until pcsc_next has taken
	 * the request.  ctx_lock guards ctx and have_ctx against the waker
	 * (only this thread changes them).
	 */
	int wake_fd[2];
	pthread_t waker;
	int have_waker;
	atomic_int wake_req;
	pthread_mutex_t ctx_lock;
};

static int service_gone(LONG rv)
{
	return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
	       rv == SCARD_E_INVALID_HANDLE || rv == SCARD_F_COMM_ERROR;
}

/* Returns -1 when a signal cut the sleep short, so that it is not lost. */
static int sleep_ms(long ms)
{
	struct timespec t = {.tv_sec = ms / 1000,
			     .tv_nsec = (ms % 1000) * 1000000L};

	return nanosleep(&t, NULL) == 0 || errno != EINTR ? 0 : -1;
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000L +
	       (b->tv_nsec - a->tv_nsec) / 1000000L;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Names contactless readers give themselves (PICC interface, "CL"). */
static int looks_contactless(const char *name)
{
	static const char *const marks[] = {
	    "PICC",   "Contactless", " CL ",   "NFC",	  "RC-S",
	    "PaSoRi", "SCL3711",     "ACR122", "ACR1252", NULL,
	};

	for (size_t i = 0; marks[i] != NULL; i++)
		if (strstr(name, marks[i]) != NULL)
			return 1;
	return 0;
}

static int is_acs(const char *name)
{
	return strstr(name, "ACR122") != NULL ||
	       strstr(name, "ACR1252") != NULL;
}

/*
 * Picks the reader to watch from pcscd's list by the spec's rule: *found
 * is 1 and the name in s->reader, or 0 when no reader fits.  Returns
 * SCARD_S_SUCCESS or pcscd's error.
 */
static LONG choose_reader(struct pcsc *s, int *found)
{
	char list[PCSC_LIST_MAX];
	DWORD len = sizeof(list);
	const char *pick = NULL;
	LONG rv;

	*found = 0;
	rv = SCardListReaders(s->ctx, NULL, list, &len);
	if (rv == SCARD_E_NO_READERS_AVAILABLE)
		return SCARD_S_SUCCESS;
	if (rv != SCARD_S_SUCCESS)
		return rv;
	/* A multi-string: names ended by NUL, the list by an empty name.
	 * Make sure it ends inside the buffer whatever pcscd sent. */
	if (len == 0 || len > sizeof(list))
		return SCARD_S_SUCCESS;
	list[len - 1] = '\0';
	for (const char *n = list; *n != '\0' && n < list + len;
	     n += strlen(n) + 1) {
		if (s->prefix[0] != '\0') {
			if (starts_with(n, s->prefix)) {
				pick = n;
				break;
			}
		} else if (looks_contactless(n)) {
			pick = n;
			break;
		} else if (pick == NULL) {
			pick = n;
		}
	}
	if (pick == NULL || strlen(pick) >= sizeof(s->reader))
		return SCARD_S_SUCCESS;
	memcpy(s->reader, pick, strlen(pick) + 1);
	s->reader_state = SCARD_STATE_UNAWARE;
	s->acs = is_acs(pick);
	*found = 1;
	return SCARD_S_SUCCESS;
}

static void disconnect_card(struct pcsc *s)
{
	if (s->connected)
		SCardDisconnect(s->card, SCARD_LEAVE_CARD);
	s->connected = 0;
}

/* The reader (or pcscd) went away: forget the card, as reader.h says. */
static void forget_reader(struct pcsc *s)
{
	disconnect_card(s);
	s->in_field = 0;
	s->reader[0] = '\0';
}

static void drop_context(struct pcsc *s)
{
	forget_reader(s);
	pthread_mutex_lock(&s->ctx_lock);
	if (s->have_ctx)
		SCardReleaseContext(s->ctx);
	s->have_ctx = 0;
	pthread_mutex_unlock(&s->ctx_lock);
	s->pnp_state = SCARD_STATE_UNAWARE;
}

/* A new context, visible to the waker. */
static LONG establish(struct pcsc *s)
{
	SCARDCONTEXT ctx;
	LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);

	if (rv != SCARD_S_SUCCESS)
		return rv;
	pthread_mutex_lock(&s->ctx_lock);
	s->ctx = ctx;
	s->have_ctx = 1;
	pthread_mutex_unlock(&s->ctx_lock);
	return rv;
}

static void *waker_main(void *arg)
{
	struct pcsc *s = arg;

	for (;;) {
		struct pollfd p = {.fd = s->wake_fd[0], .events = POLLIN};
		int n =
		    poll(&p, 1,
			 atomic_load(&s->wake_req) ? PCSC_CANCEL_RETRY_MS : -1);

		if (n < 0 && errno != EINTR)
			return NULL;
		if (n > 0) {
			char buf[64];
			ssize_t got = read(s->wake_fd[0], buf, sizeof(buf));

			if (got == 0 ||
			    (got < 0 && errno != EINTR && errno != EAGAIN))
				return NULL; /* pcsc_close */
			if (got > 0)
				atomic_store(&s->wake_req, 1);
		}
		if (atomic_load(&s->wake_req)) {
			pthread_mutex_lock(&s->ctx_lock);
			if (s->have_ctx)
				SCardCancel(s->ctx);
			pthread_mutex_unlock(&s->ctx_lock);
		}
	}
}

/* The pipe and the waker, which takes no signal: they are for the
 * thread that waits.  0, or -1 with nothing started. */
static int start_waker(struct pcsc *s)
{
	sigset_t all, old;

	if (pipe2(s->wake_fd, O_CLOEXEC) != 0)
		return -1;
	/* A handler must never block on a full pipe. */
	if (fcntl(s->wake_fd[1], F_SETFL, O_NONBLOCK) != 0)
		goto fail;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&s->waker, NULL, waker_main, s) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		goto fail;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	s->have_waker = 1;
	return 0;
fail:
	close(s->wake_fd[0]);
	close(s->wake_fd[1]);
	return -1;
}

static void stop_waker(struct pcsc *s)
{
	if (!s->have_waker)
		return;
	close(s->wake_fd[1]); /* the waker reads end of file and ends */
	pthread_join(s->waker, NULL);
	close(s->wake_fd[0]);
	s->have_waker = 0;
}

/* Async-signal-safe: write(2) and nothing else. */
static void pcsc_wake(void *state)
{
	struct pcsc *s = state;
	int saved = errno;

	if (s != NULL && s->have_waker && write(s->wake_fd[1], "w", 1) < 0) {
		/* Full: a wake is pending already. */
	}
	errno = saved;
}

/* A wake came (and is taken): pcsc_next returns RDR_ERR_INTERRUPTED. */
static int woken(struct pcsc *s)
{
	return atomic_exchange(&s->wake_req, 0) != 0;
}

static int pcsc_transmit(void *ctx, const uint8_t *apdu, size_t len,
			 uint8_t *resp, size_t *resp_len)
{
	struct pcsc *s = ctx;
	const SCARD_IO_REQUEST *pci =
	    s->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
	DWORD rlen;
	LONG rv;

	if (!s->connected)
		return RDR_ERR_CARD;
	if (len > 261 || *resp_len > UINT32_MAX)
		return RDR_ERR_UNSUPPORTED;
	rlen = (DWORD)*resp_len;
	rv = SCardTransmit(s->card, pci, apdu, (DWORD)len, NULL, resp, &rlen);
	if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD ||
	    rv == SCARD_W_RESET_CARD || rv == SCARD_W_UNRESPONSIVE_CARD ||
	    rv == SCARD_E_NOT_TRANSACTED)
		return RDR_ERR_CARD;
	if (rv != SCARD_S_SUCCESS)
		return RDR_ERR_IO;
	/* pcsc-lite never writes past the buffer, but say so in code. */
	if (rlen > *resp_len)
		return RDR_ERR_CARD;
	*resp_len = rlen;
	return 0;
}

/*
 * The card's technology, guessed from the ATR the reader builds (PC/SC
 * part 3): storage cards carry the PC/SC RID A0 00 00 03 06 and a standard
 * byte; ISO 14443-4 cards have historical bytes from the ATS (type A) or
 * 8 bytes from ATQB (type B).  An 8-byte identifier is a FeliCa IDm.
 */
enum rdr_tech rdr_pcsc_tech(const struct rdr_card_info *info)
{
	static const uint8_t rid[] = {0xa0, 0x00, 0x00, 0x03, 0x06};
	const uint8_t *a = info->atr;
	size_t n = info->atr_len;

	if (n >= 14 && a[0] == 0x3b && a[2] == 0x80 && a[3] == 0x01 &&
	    a[4] == 0x80 && a[5] == 0x4f && memcmp(a + 7, rid, 5) == 0) {
		uint8_t ss = a[12];

		if (ss >= 0x01 && ss <= 0x04)
			return RDR_TECH_ISO14443A;
		if (ss >= 0x05 && ss <= 0x08)
			return RDR_TECH_ISO14443B;
		if (ss == 0x11 || ss == 0x12)
			return RDR_TECH_FELICA;
	}
	if (info->uid_len == 8)
		return RDR_TECH_FELICA;
	if (n >= 5 && a[0] == 0x3b && (a[1] & 0xf0) == 0x80 && a[2] == 0x80 &&
	    a[3] == 0x01) {
		/* 3B 88 80 01 + 8 historical bytes: ATQB-derived, type B. */
		if ((a[1] & 0x0f) == 8 && info->uid_len == 4)
			return RDR_TECH_ISO14443B;
		return RDR_TECH_ISO14443A;
	}
	return RDR_TECH_UNKNOWN;
}

/* UID through the PC/SC GET DATA pseudo-APDU; none when the card refuses. */
static void read_uid(struct pcsc *s, struct rdr_card_info *info)
{
	static const uint8_t get_uid[] = {0xff, 0xca, 0x00, 0x00, 0x00};
	uint8_t resp[PCSC_RESP_MAX];
	size_t n = sizeof(resp);

	info->uid_len = 0;
	if (pcsc_transmit(s, get_uid, sizeof(get_uid), resp, &n) != 0)
		return;
	rdr_pcsc_uid(resp, n, info);
}

int rdr_pcsc_uid(const uint8_t *resp, size_t n, struct rdr_card_info *info)
{
	info->uid_len = 0;
	if (n < 3 || n - 2 > RDR_ID_MAX || resp[n - 2] != 0x90 ||
	    resp[n - 1] != 0x00)
		return -1;
	memcpy(info->uid, resp, n - 2);
	info->uid_len = n - 2;
	return 0;
}

/*
 * A card entered the field: connect, build what the profile needs, let it
 * identify the card.  Returns 1 with *ev filled (CARD, or UNREADABLE with
 * the message in err), or 0 when the card had already left: pcscd reports
 * a card present for up to one poll after it went, and connecting to it
 * then fails; its removal is the next state change, and nothing is told.
 */
static int read_card(struct pcsc *s, struct rdr_event *ev, char *err,
		     size_t errlen)
{
	struct rdr_card_info info = {0};
	char name[MAX_READERNAME];
	DWORD namelen = sizeof(name), state = 0, proto = 0;
	DWORD atrlen = sizeof(info.atr);
	const struct rdr_profile *p = s->profile;
	LONG rv;
	int ret;

	s->in_field = 1;
	ev->kind = RDR_EV_UNREADABLE;
	rv = SCardConnect(s->ctx, s->reader, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &s->card,
			  &s->proto);
	if (rv == SCARD_E_NOT_TRANSACTED || rv == SCARD_W_REMOVED_CARD ||
	    rv == SCARD_E_NO_SMARTCARD) {
		s->in_field = 0;
		return 0;
	}
	if (rv != SCARD_S_SUCCESS) {
		rdr_errf(err, errlen,
			 "the card could not be read (%s): "
			 "present it again",
			 pcsc_stringify_error(rv));
		return 1;
	}
	s->connected = 1;
	rv = SCardStatus(s->card, name, &namelen, &state, &proto, info.atr,
			 &atrlen);
	if (rv == SCARD_S_SUCCESS && atrlen <= sizeof(info.atr))
		info.atr_len = atrlen;
	read_uid(s, &info);
	info.tech = rdr_pcsc_tech(&info);
	if (p == NULL)
		p = rdr_profile_find("uid");
	ret = p->identify(&info, pcsc_transmit, s, &ev->id, err, errlen);
	if (ret == 0 && ev->id.len > 0 && ev->id.len <= RDR_ID_MAX) {
		ev->kind = RDR_EV_CARD;
		return 1;
	}
	memset(&ev->id, 0, sizeof(ev->id));
	ev->error = ret < 0 ? ret : 0;
	if (ret == 0 || err == NULL || err[0] == '\0')
		rdr_errf(err, errlen,
			 "the card could not be identified (profile %s)",
			 p->name);
	return 1;
}

/* A reader state change of the watched reader, as an event or nothing. */
static int reader_changed(struct pcsc *s, DWORD now, int *have_ev,
			  struct rdr_event *ev, char *err, size_t errlen)
{
	DWORD before = s->reader_state;

	s->reader_state = now & ~(DWORD)SCARD_STATE_CHANGED;
	if (now & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE)) {
		/* The reader is gone (unplugged, or its driver failed). */
		forget_reader(s);
		s->lost = 1;
		ev->kind = RDR_EV_LOST;
		*have_ev = 1;
		return 0;
	}
	if (now & SCARD_STATE_PRESENT) {
		/*
		 * pcsc-lite counts card events in the high word: a different
		 * count with a card still present means one card left and
		 * another came between two polls of ours.
		 */
		if (s->in_field && before != SCARD_STATE_UNAWARE &&
		    (before >> 16) != (now >> 16)) {
			disconnect_card(s);
			s->in_field = 0;
			/* The next wait returns at once with this state. */
			s->reader_state = SCARD_STATE_UNAWARE;
			ev->kind = RDR_EV_REMOVED;
			*have_ev = 1;
			return 0;
		}
		if (s->in_field)
			return 0;
		if (now & SCARD_STATE_MUTE) {
			s->in_field = 1;
			ev->kind = RDR_EV_UNREADABLE;
			rdr_errf(err, errlen,
				 "the card does not answer: present it again");
			*have_ev = 1;
			return 0;
		}
		*have_ev = read_card(s, ev, err, errlen);
		return 0;
	}
	if ((now & SCARD_STATE_EMPTY) && s->in_field) {
		disconnect_card(s);
		s->in_field = 0;
		ev->kind = RDR_EV_REMOVED;
		*have_ev = 1;
	}
	return 0;
}

/* Gets a context and a reader; reports BACK when a lost one returns. */
static LONG attach(struct pcsc *s, int *have_ev, struct rdr_event *ev)
{
	int found;
	LONG rv;

	if (!s->have_ctx) {
		rv = establish(s);
		if (rv != SCARD_S_SUCCESS)
			return rv;
		s->pnp_state = SCARD_STATE_UNAWARE;
	}
	if (s->reader[0] != '\0')
		return SCARD_S_SUCCESS;
	rv = choose_reader(s, &found);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	if (found && s->lost) {
		s->lost = 0;
		ev->kind = RDR_EV_BACK;
		*have_ev = 1;
	}
	return SCARD_S_SUCCESS;
}

static int pcsc_next(void *state, int timeout_ms, struct rdr_event *ev,
		     char *err, size_t errlen)
{
	struct pcsc *s = state;
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		SCARD_READERSTATE rs[2];
		DWORD n = 0, wait = INFINITE;
		int have_ev = 0;
		long left = -1;
		LONG rv;

		if (woken(s)) {
			rdr_errf(err, errlen, "interrupted by a signal");
			return RDR_ERR_INTERRUPTED;
		}
		if (timeout_ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = timeout_ms - ms_between(&start, &now);
			if (left < 0)
				left = 0;
			wait = (DWORD)left;
		}

		rv = attach(s, &have_ev, ev);
		if (have_ev)
			return 0;
		if (rv != SCARD_S_SUCCESS && !service_gone(rv)) {
			rdr_errf(err, errlen, "pcsc: %s",
				 pcsc_stringify_error(rv));
			return RDR_ERR_IO;
		}
		if (rv != SCARD_S_SUCCESS) {
			/* pcscd is not running: the reader is lost until it
			 * is back, and there is nothing to wait on. */
			drop_context(s);
			if (!s->lost) {
				s->lost = 1;
				ev->kind = RDR_EV_LOST;
				return 0;
			}
			if (left == 0) {
				ev->kind = RDR_EV_TIMEOUT;
				return 0;
			}
			if (sleep_ms(left >= 0 && left < PCSC_RETRY_MS
					 ? left
					 : PCSC_RETRY_MS) < 0) {
				rdr_errf(err, errlen,
					 "interrupted by a signal");
				return RDR_ERR_INTERRUPTED;
			}
			continue;
		}

		memset(rs, 0, sizeof(rs));
		rs[n].szReader = pnp_name;
		rs[n].dwCurrentState = s->pnp_state;
		n++;
		if (s->reader[0] != '\0') {
			rs[n].szReader = s->reader;
			rs[n].dwCurrentState = s->reader_state;
			n++;
		}
		rv = SCardGetStatusChange(s->ctx, wait, rs, n);
		if (rv == SCARD_E_CANCELLED) {
			woken(s);
			rdr_errf(err, errlen, "interrupted by a signal");
			return RDR_ERR_INTERRUPTED;
		}
		if (rv == SCARD_E_TIMEOUT) {
			ev->kind = RDR_EV_TIMEOUT;
			return 0;
		}
		if (service_gone(rv) || rv == SCARD_E_NO_READERS_AVAILABLE) {
			drop_context(s);
			if (!s->lost) {
				s->lost = 1;
				ev->kind = RDR_EV_LOST;
				return 0;
			}
			continue;
		}
		if (rv == SCARD_E_UNKNOWN_READER) {
			/* Went between listing and waiting. */
			forget_reader(s);
			if (!s->lost) {
				s->lost = 1;
				ev->kind = RDR_EV_LOST;
				return 0;
			}
			continue;
		}
		if (rv != SCARD_S_SUCCESS) {
			rdr_errf(err, errlen, "pcsc: waiting for a card: %s",
				 pcsc_stringify_error(rv));
			return RDR_ERR_IO;
		}
		if (rs[0].dwEventState & SCARD_STATE_CHANGED) {
			s->pnp_state =
			    rs[0].dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
			/* A reader came or went: a lost one may be back;
			 * the watched one, if gone, shows in its own state
			 * below. */
		}
		if (n == 2 && (rs[1].dwEventState & SCARD_STATE_CHANGED)) {
			reader_changed(s, rs[1].dwEventState, &have_ev, ev, err,
				       errlen);
			if (have_ev)
				return 0;
		}
	}
}

/*
 * ACR122U / ACR1252U bi-colour LED and buzzer: the pseudo-APDU that
 * acs.c builds per outcome.  Readers that are not ACS ones are sent
 * nothing (to them it would be a command for the card); an ACS reader, or
 * a CCID configuration, that refuses it stays silent: feedback is never
 * an error, and the screen tells the outcome anyway.
 */
static int pcsc_feedback(void *state, enum rdr_feedback fb)
{
	struct pcsc *s = state;
	uint8_t cmd[ACS_FB_LEN];
	uint8_t resp[PCSC_RESP_MAX];
	DWORD rlen = sizeof(resp);
	SCARDHANDLE h;
	DWORD proto;
	size_t n = sizeof(resp);

	if (acs_feedback_apdu(fb, cmd) != 0)
		return 0;
	if (!s->acs || !s->have_ctx || s->reader[0] == '\0')
		return 0;
	/* With a card connected the reader takes the pseudo-APDU itself and
	 * answers 90 xx (xx: the LED state). */
	if (s->connected && pcsc_transmit(s, cmd, ACS_FB_LEN, resp, &n) == 0 &&
	    n >= 2 && resp[n - 2] == 0x90)
		return 0;
	/* Without one, through the CCID escape on a direct connection;
	 * readers (or ccid configurations) that refuse it stay silent. */
	if (SCardConnect(s->ctx, s->reader, SCARD_SHARE_DIRECT, 0, &h,
			 &proto) != SCARD_S_SUCCESS)
		return 0;
	SCardControl(h, PCSC_IOCTL_CCID_ESCAPE, cmd, ACS_FB_LEN, resp,
		     sizeof(resp), &rlen);
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	return 0;
}

static int pcsc_set_profile(void *state, const struct rdr_profile *p)
{
	struct pcsc *s = state;

	s->profile = p;
	return 0;
}

static void pcsc_close(void *state)
{
	struct pcsc *s = state;

	if (s == NULL)
		return;
	stop_waker(s);
	drop_context(s);
	pthread_mutex_destroy(&s->ctx_lock);
	free(s);
}

/* "Virtual PCD 00 00, ACS ACR122U 00 00" into buf, for error messages. */
static void reader_names(SCARDCONTEXT ctx, char *buf, size_t buflen)
{
	char list[PCSC_LIST_MAX];
	DWORD len = sizeof(list);
	size_t used = 0;

	buf[0] = '\0';
	if (SCardListReaders(ctx, NULL, list, &len) != SCARD_S_SUCCESS ||
	    len == 0 || len > sizeof(list))
		return;
	list[len - 1] = '\0';
	for (const char *n = list; *n != '\0' && n < list + len;
	     n += strlen(n) + 1) {
		size_t l = strlen(n);

		if (used + l + 3 >= buflen)
			break;
		if (used > 0) {
			memcpy(buf + used, ", ", 2);
			used += 2;
		}
		memcpy(buf + used, n, l + 1);
		used += l;
	}
}

static int pcsc_open(const char *arg, void **state, char *err, size_t errlen)
{
	struct pcsc *s = NULL;
	char names[160];
	int found = 0;
	LONG rv;
	int ret;

	*state = NULL;
	if (strlen(arg) >= PCSC_PREFIX_MAX) {
		rdr_errf(err, errlen, "pcsc: reader name prefix too long");
		return RDR_ERR_SPEC;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		rdr_errf(err, errlen, "out of memory");
		return RDR_ERR_NOMEM;
	}
	memcpy(s->prefix, arg, strlen(arg) + 1);
	pthread_mutex_init(&s->ctx_lock, NULL);
	atomic_init(&s->wake_req, 0);
	if (start_waker(s) != 0) {
		rdr_errf(err, errlen, "pcsc: cannot start a thread: %s",
			 strerror(errno));
		ret = RDR_ERR_NOMEM;
		goto out;
	}
	rv = establish(s);
	if (rv != SCARD_S_SUCCESS) {
		rdr_errf(err, errlen, "pcsc: %s (is pcscd running?)",
			 pcsc_stringify_error(rv));
		ret = RDR_ERR_UNAVAILABLE;
		goto out;
	}
	rv = choose_reader(s, &found);
	if (rv != SCARD_S_SUCCESS || !found) {
		reader_names(s->ctx, names, sizeof(names));
		if (rv != SCARD_S_SUCCESS)
			rdr_errf(err, errlen, "pcsc: %s",
				 pcsc_stringify_error(rv));
		else
			rdr_errf(err, errlen,
				 "pcsc: no reader named '%s...' (readers: %s)",
				 s->prefix,
				 names[0] ? names : rdr_tr(N_("none")));
		ret = RDR_ERR_UNAVAILABLE;
		goto out;
	}
	*state = s;
	s = NULL;
	ret = 0;
out:
	pcsc_close(s);
	return ret;
}

/* Whether a card lies on `name` now: 1, 0, or -1 when pcscd cannot say. */
static int card_on(SCARDCONTEXT ctx, const char *name)
{
	SCARD_READERSTATE rs = {.szReader = name,
				.dwCurrentState = SCARD_STATE_UNAWARE};

	if (SCardGetStatusChange(ctx, 0, &rs, 1) != SCARD_S_SUCCESS)
		return -1;
	if (rs.dwEventState & SCARD_STATE_PRESENT)
		return 1;
	return rs.dwEventState & SCARD_STATE_EMPTY ? 0 : -1;
}

/* For `cardtally readers`: the readers pcscd has now, one call each. */
static int pcsc_list(void (*cb)(void *arg, const char *name, int card),
		     void *arg, char *err, size_t errlen)
{
	char list[PCSC_LIST_MAX];
	DWORD len = sizeof(list);
	SCARDCONTEXT ctx;
	LONG rv;

	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS) {
		rdr_errf(err, errlen, "pcscd is not running");
		return RDR_ERR_UNAVAILABLE;
	}
	rv = SCardListReaders(ctx, NULL, list, &len);
	if (rv == SCARD_S_SUCCESS && len > 0 && len <= sizeof(list)) {
		list[len - 1] = '\0';
		for (const char *n = list; *n != '\0' && n < list + len;
		     n += strlen(n) + 1)
			cb(arg, n, card_on(ctx, n));
	}
	SCardReleaseContext(ctx);
	if (rv != SCARD_S_SUCCESS && rv != SCARD_E_NO_READERS_AVAILABLE) {
		rdr_errf(err, errlen, "pcsc: %s", pcsc_stringify_error(rv));
		return RDR_ERR_IO;
	}
	return 0;
}

const struct rdr_ops rdr_pcsc_ops = {
    .name = "pcsc",
    .help = N_("pcsc:NAME-PREFIX or pcsc: (first contactless reader): "
	       "readers through pcscd"),
    .open = pcsc_open,
    .next = pcsc_next,
    .feedback = pcsc_feedback,
    .close = pcsc_close,
    .set_profile = pcsc_set_profile,
    .list = pcsc_list,
    .wake = pcsc_wake,
};
