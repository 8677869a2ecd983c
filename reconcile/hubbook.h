/*
 * The city-wide report's reading of a ward's audit entries (issue 16,
 * doc/design.md "The hub"): what the hub knows of a ward's record book
 * comes only from the audit entries its batches carry, so the rules that
 * turn entries into a month's status, its open discrepancies, lost cards
 * and disposals live here, as pure functions over plain data.  No I/O, no
 * SQL, no clock: the month's bounds and `now` are parameters.
 * Table-tested in tests/test_hubbook.c.
 *
 * Order of use: hubbook_init, hubbook_feed for each of one ward's entries
 * in id order, hubbook_sum for the month, hubbook_free.
 */
#ifndef CT_HUBBOOK_H
#define CT_HUBBOOK_H

#include <stddef.h>
#include <stdint.h>

/* A month's record book at one ward (R4, R5, R8). */
enum hubbook_status {
	HUBBOOK_COUNTED = 0, /* a count begun in the month closed in it */
	HUBBOOK_LATE,	     /* begun in it, closed after it or still open
				after its end */
	HUBBOOK_NOT_COUNTED, /* no count begun in the month */
	HUBBOOK_COUNTING,    /* begun in it, open, the month not over */
	HUBBOOK_STATUS_COUNT
};
/* "counted", "late", "not_counted", "counting". */
const char *hubbook_status_name(enum hubbook_status s);

/* One count (session) as the entries tell it. */
struct hubbook_count {
	int64_t session;
	int64_t started_at;
	int64_t closed_at; /* 0: open */
	int recount;	   /* a recount of another count: not the month's */
	int monthly;	   /* full, partial or countonly (not a tally) */
	int64_t resolved;  /* its discrepancies resolved (count.resolve) */
	/* Serials read with an alert (misplaced, unknown, not in stock) and
	 * not resolved yet; kept while the count is open. */
	char **alerts;
	size_t nalerts;
};

/*
 * The month's status from the counts of a ward: only counts that are
 * monthly and not recounts weigh; begun in [from, to).  The best one
 * decides: closed before `to` is counted; closed at or after `to` late;
 * open: late when now >= to, else counting; none: not counted.
 */
enum hubbook_status hubbook_month_status(const struct hubbook_count *c,
					 size_t n, int64_t from, int64_t to,
					 int64_t now);

/* One audit entry; texts NUL-terminated, NULL for none. */
struct hubbook_entry {
	int64_t at;
	const char *action, *subject, *detail;
};

/* Lost cards as the entries tell it (custody.lost, custody.found). */
struct hubbook_card {
	char *mgmt_id;
	int64_t lost_at;
	int lost; /* 0: found again since */
};

struct hubbook {
	struct hubbook_count *counts;
	size_t ncounts, capcounts;
	struct hubbook_card *cards;
	size_t ncards, capcards;
	/* Disposed cards (dispose.card), their times. */
	int64_t *disposed;
	size_t ndisposed, capdisposed;
	int64_t last_at; /* the newest entry's time */
};

void hubbook_init(struct hubbook *b);
/* Takes one entry into b; entries it has no use for are passed over.
 * 0, or -1 when out of memory. */
int hubbook_feed(struct hubbook *b, const struct hubbook_entry *e);
void hubbook_free(struct hubbook *b);

/* What the report says of one ward and month. */
struct hubbook_month {
	enum hubbook_status status;
	int64_t counts;	     /* monthly counts begun in the month */
	int64_t closed;	     /* of them closed */
	int64_t found;	     /* discrepancies resolved in those counts */
	int64_t open_counts; /* counts of any month still open now */
	int64_t open_disc;   /* unresolved alerts in those open counts */
	int64_t lost;	     /* cards lost now */
	int64_t lost_month;  /* declared lost in the month */
	int64_t disposed;    /* cards disposed in the month */
};
void hubbook_sum(const struct hubbook *b, int64_t from, int64_t to, int64_t now,
		 struct hubbook_month *out);

/* The value of key k in a detail "k1=v1 k2=v2" into out (cap bytes);
 * 0, or -1 when it is not there. */
int hubbook_detail(const char *detail, const char *k, char *out, size_t cap);

#endif
