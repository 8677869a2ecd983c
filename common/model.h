/*
 * Domain vocabulary shared by every layer: card states, staff roles, session
 * kinds, and the small value helpers that go with them (serial numbers,
 * calendar dates, timestamps).  libc only, no I/O: data/ fills these values
 * from the ledger, reconcile/ reasons about them, scanner/ prints them.
 */
#ifndef CT_MODEL_H
#define CT_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Lifecycle state of a card in the ledger (cardtally(1) "STOCK LIST",
 * column status). */
enum card_status {
	CARD_STORED = 0,
	CARD_CHECKED_OUT,
	CARD_ISSUED,
	CARD_DISPOSED,
	CARD_CANCELLED,
	CARD_MOVED,
	CARD_DECEASED,
	/* Declared lost by a manager resolving a count (R10, R23): out of the
	 * expected stock until a count reads it again and a manager resolves
	 * that as found. */
	CARD_LOST,
	CARD_STATUS_COUNT
};

/* "stored", "checked_out", ...; never NULL for a valid status. */
const char *card_status_name(enum card_status s);
/* 0 and *out set when s names a status, -1 otherwise. */
int card_status_parse(const char *s, enum card_status *out);
/*
 * A card physically in the safe: stored, or stored while its applicant moved,
 * died or cancelled (such cards wait there for disposal).  A lost card is
 * not: the ledger no longer expects it anywhere.
 */
int card_status_in_storage(enum card_status s);
/*
 * The same predicate as a list of status names for the ledger's SQL
 * (`status IN (" CARD_IN_STORAGE_SQL ")`), so that no query spells the
 * states out on its own.  test_model checks that it names exactly the
 * statuses card_status_in_storage accepts.
 */
#define CARD_IN_STORAGE_SQL "'stored','cancelled','moved','deceased'"

enum staff_role { ROLE_MANAGER = 0, ROLE_STAFF, ROLE_PARTTIME, ROLE_COUNT };

const char *staff_role_name(enum staff_role r);
int staff_role_parse(const char *s, enum staff_role *out);

enum session_kind {
	SESSION_FULL = 0,
	SESSION_PARTIAL,
	SESSION_TALLY,
	SESSION_COUNTONLY,
	SESSION_KIND_COUNT
};

const char *session_kind_name(enum session_kind k);
int session_kind_parse(const char *s, enum session_kind *out);

/*
 * Card serials are kept in the ledger as upper-case hexadecimal text: the
 * chip serial as read by the identity profile, or the number printed on the
 * card (decimal digits are a subset of hex digits).  SERIAL_MAX is the
 * longest accepted text, not counting the terminating NUL.
 */
#define SERIAL_MAX 64
#define SERIAL_BUF (SERIAL_MAX + 1)

/* Value of a hexadecimal digit (either case), or -1. */
int hex_digit(int c);

/*
 * Normalises `in` (len bytes, not necessarily NUL-terminated) into out
 * (SERIAL_BUF bytes): upper case, NUL-terminated.  Returns 0, or -1 when the
 * text is empty, too long or holds anything but hex digits; out is then "".
 */
int serial_normalize(const char *in, size_t len, char out[SERIAL_BUF]);
/* Upper-case hex of a byte string; -1 when it would not fit SERIAL_MAX. */
int serial_from_bytes(const uint8_t *b, size_t len, char out[SERIAL_BUF]);

/* Management IDs: 1-32 of [A-Za-z0-9_-]. */
#define MGMT_ID_MAX 32
int mgmt_id_valid(const char *s, size_t len);

/*
 * 1 when s[0..n) holds an individual number (My Number): a run of exactly
 * 12 digits (spaces and hyphens, as printed or typed in groups, do not
 * break a run) ending in its check digit.  The office may not keep one
 * (R3): what holds one is refused wherever it would be stored.
 */
int mynumber_in(const char *s, size_t n);

/*
 * Calendar dates as days since 1970-01-01 (proleptic Gregorian), so rules can
 * add and compare them.  date_parse accepts exactly YYYY-MM-DD of a real
 * calendar day between 1900 and 9999; returns 0 or -1.
 */
int date_parse(const char *s, size_t len, int32_t *days);
/* "YYYY-MM-DD" into out (11 bytes). */
void date_format(int32_t days, char out[11]);
/* Day of a unix time in the given UTC offset (seconds east of UTC). */
int32_t date_of_time(int64_t unix_time, int32_t utc_offset);

/* A date column left empty (no reminder sent, ...). */
#define DATE_NONE INT32_MIN

/*
 * 1 when location path `path` is `range` itself or lies beneath it
 * ("SAFE1/S1/T01" is within "SAFE1/S1" and "SAFE1/S1/T01", not "SAFE1/S").
 */
int location_within(const char *path, const char *range);

enum location_clash {
	LOCATION_CLASH_NONE = 0,
	LOCATION_CLASH_TWICE,  /* paths[*a] is given again as paths[*b] */
	LOCATION_CLASH_WITHIN, /* paths[*a] lies within paths[*b] */
};
/*
 * The first clash among n location paths, in the order they are given:
 * the first a for which another path b is the same or holds it
 * (location_within), with the first such b; *a = *b = 0 when none.  In
 * n log n (the paths sorted once, each one's parents looked up by binary
 * search), where comparing every pair was n squared: a count can name a
 * thousand trays one by one.  The enum, or -1 when out of memory.
 */
int location_clash(const char *const *paths, size_t n, size_t *a, size_t *b);

/* ISO 8601 with offset, e.g. 2026-11-23T15:04:05+09:00 (26 bytes). */
#define TIME_ISO_BUF 32
void time_format_iso(int64_t unix_time, int32_t utc_offset,
		     char out[TIME_ISO_BUF]);

#endif
