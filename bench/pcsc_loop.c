/*
 * pcsc_loop: the baseline of the scan path through pcscd (bench/run,
 * measurement 7).  The least a program must do to read My Number cards one
 * after another through pcscd, and nothing more: one context, then per
 * card SCardGetStatusChange (no timeout) until a card is present,
 * SCardConnect, the three APDUs cardtally sends with its default profile
 * apdu:seizo (GET DATA of the UID, which the pcsc backend always asks for,
 * then SELECT of the manufacturing number's application and READ RECORD 1
 * of SFI 1), SCardDisconnect, and SCardGetStatusChange until the card has
 * left.  No ledger, no checks beyond what reading needs.
 *
 * usage: pcsc_loop READER-PREFIX N
 * Reads N cards on the first reader whose name starts with READER-PREFIX,
 * printing "read NUMBER" (the 13-character manufacturing number) for each
 * as soon as its last answer is in, then exits 0; a card whose exchange
 * failed is reported "unread WHAT: WHY" and waited for again.  With N = 0 it
 * only waits (forever) for a card that never comes: the idle baseline.  Any
 * error of pcscd or of a card ends it with a message and exit 1: a bench
 * must not count what it did not read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#define LIST_MAX 4096

static const uint8_t get_uid[] = {0xff, 0xca, 0x00, 0x00, 0x00};
static const uint8_t select_seizo[] = {0x00, 0xa4, 0x04, 0x0c, 0x0a,
				       0xd3, 0x92, 0x10, 0x00, 0x31,
				       0x00, 0x01, 0x01, 0x01, 0x00};
static const uint8_t read_record[] = {0x00, 0xb2, 0x01, 0x0c, 0x00};

static void die(const char *what, LONG rv)
{
	fprintf(stderr, "pcsc_loop: %s: %s\n", what, pcsc_stringify_error(rv));
	exit(1);
}

/*
 * One APDU; the answer's length, ending in 90 00, or the program ends.
 * 0 when the exchange itself failed (vpcd now and then answers a fresh
 * card's first command with "Transaction failed"): the card is then
 * reported unread and presented again, as cardtally reports it and the
 * clerk holds it again.
 */
static DWORD transmit(SCARDHANDLE h, DWORD proto, const uint8_t *apdu,
		      DWORD len, uint8_t *resp, const char *what)
{
	DWORD rlen = 258;
	LONG rv = SCardTransmit(
	    h, proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1, apdu,
	    len, NULL, resp, &rlen);

	if (rv != SCARD_S_SUCCESS) {
		printf("unread %s: %s\n", what, pcsc_stringify_error(rv));
		fflush(stdout);
		return 0;
	}
	if (rlen < 2 || resp[rlen - 2] != 0x90 || resp[rlen - 1] != 0x00) {
		fprintf(stderr, "pcsc_loop: %s: the card refused\n", what);
		exit(1);
	}
	return rlen;
}

/* Waits until the reader's state has `want` (PRESENT or EMPTY) and its
 * event count differs from *count; updates *state and *count. */
static void wait_for(SCARDCONTEXT ctx, const char *reader, DWORD *state,
		     DWORD want, DWORD *count)
{
	for (;;) {
		SCARD_READERSTATE rs;
		LONG rv;

		memset(&rs, 0, sizeof(rs));
		rs.szReader = reader;
		rs.dwCurrentState = *state;
		rv = SCardGetStatusChange(ctx, INFINITE, &rs, 1);
		if (rv != SCARD_S_SUCCESS)
			die("SCardGetStatusChange", rv);
		*state = rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
		if (rs.dwEventState &
		    (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE)) {
			fprintf(stderr, "pcsc_loop: the reader went away\n");
			exit(1);
		}
		if ((rs.dwEventState & want) &&
		    (rs.dwEventState >> 16) != *count) {
			*count = rs.dwEventState >> 16;
			return;
		}
	}
}

int main(int argc, char **argv)
{
	char list[LIST_MAX], reader[LIST_MAX];
	DWORD len = sizeof(list), state = SCARD_STATE_UNAWARE, count = 0;
	SCARDCONTEXT ctx;
	const char *n;
	long cards, i;
	char *end;
	LONG rv;

	if (argc != 3) {
		fprintf(stderr, "usage: pcsc_loop READER-PREFIX N\n");
		return 2;
	}
	cards = strtol(argv[2], &end, 10);
	if (*end != '\0' || cards < 0) {
		fprintf(stderr, "pcsc_loop: N must be a number >= 0\n");
		return 2;
	}
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS)
		die("SCardEstablishContext", rv);
	rv = SCardListReaders(ctx, NULL, list, &len);
	if (rv != SCARD_S_SUCCESS)
		die("SCardListReaders", rv);
	reader[0] = '\0';
	list[sizeof(list) - 1] = '\0';
	for (n = list; *n != '\0' && n < list + len; n += strlen(n) + 1)
		if (strncmp(n, argv[1], strlen(argv[1])) == 0) {
			snprintf(reader, sizeof(reader), "%s", n);
			break;
		}
	if (reader[0] == '\0') {
		fprintf(stderr, "pcsc_loop: no reader named %s...\n", argv[1]);
		return 1;
	}
	/* Counts start at whatever pcscd has: the first wait reports the
	 * reader as it is (a card already there is read). */
	count = (DWORD)-1;
	if (cards == 0)
		wait_for(ctx, reader, &state, SCARD_STATE_PRESENT, &count);
	for (i = 0; i < cards;) {
		uint8_t resp[258];
		SCARDHANDLE h;
		DWORD proto, rlen = 0;

		wait_for(ctx, reader, &state, SCARD_STATE_PRESENT, &count);
		rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
				  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h,
				  &proto);
		if (rv != SCARD_S_SUCCESS)
			die("SCardConnect", rv);
		if (transmit(h, proto, get_uid, sizeof(get_uid), resp,
			     "GET DATA") &&
		    transmit(h, proto, select_seizo, sizeof(select_seizo), resp,
			     "SELECT"))
			rlen =
			    transmit(h, proto, read_record, sizeof(read_record),
				     resp, "READ RECORD");
		if (rlen == 0) {
			/* Unread: the same card comes again. */
			SCardDisconnect(h, SCARD_LEAVE_CARD);
			wait_for(ctx, reader, &state, SCARD_STATE_EMPTY,
				 &count);
			continue;
		}
		i++;
		/* 30 LEN, then 2 bytes, the 13-character number, ... */
		if (rlen < 2 + 15 + 2 || resp[0] != 0x30) {
			fprintf(stderr, "pcsc_loop: READ RECORD: no number\n");
			return 1;
		}
		printf("read %.13s\n", (const char *)resp + 4);
		fflush(stdout);
		rv = SCardDisconnect(h, SCARD_LEAVE_CARD);
		if (rv != SCARD_S_SUCCESS)
			die("SCardDisconnect", rv);
		wait_for(ctx, reader, &state, SCARD_STATE_EMPTY, &count);
	}
	SCardReleaseContext(ctx);
	return 0;
}
