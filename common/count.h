/*
 * What one counting session consists of, as plain data: its ranges, the
 * cards in scope and the reads.  data/ fills a struct count_data from the
 * ledger (ledger_count_load); reconcile/ computes the report from it without
 * any I/O; scanner/ prints.  Strings live in the container's arena.
 *
 * Order of calls: zero-initialise, fill (count_data_strdup for strings,
 * count_data_add_* for rows), use, count_data_free.
 */
#ifndef CT_COUNT_H
#define CT_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "model.h"

struct count_range {
	int64_t location_id;
	const char *path;
	const char *assignee; /* staff code, or NULL */
};

/*
 * A card that matters to the session: its home lies in one of the ranges
 * (in storage or checked out), or one of the reads found it.
 */
struct count_card {
	int64_t id;
	const char *mgmt_id;
	const char *serial;
	const char *location; /* home location path as in the stock list */
	int32_t home_range;   /* index into ranges; -1: outside the session */
	enum card_status status;
	int32_t reminder_sent; /* days, DATE_NONE when none */
};

struct count_scan {
	const char *serial;
	int32_t card;  /* index into cards; -1: serial unknown to the ledger */
	int32_t range; /* index into ranges where it was read; -1: none */
	int64_t at;
	int repeat; /* recorded as a repeat of an earlier read */
};

/*
 * A recorded change of a card since the session began: a custody movement
 * (kind "checkout", "return", "issue", "move", "lost", "found") or its
 * destruction in a disposal (kind "disposal", why the disposal's reason).
 * The facts only; what the count makes of them is reconcile/'s
 * (recon_see_as_counted).
 */
struct count_change {
	int32_t card; /* index into cards */
	int64_t at;
	const char *kind;
	const char *why;	   /* a disposal's reason, else "" */
	int has_from;		   /* the card's location before is known */
	const char *from_location; /* its path then */
	int32_t from_range;	   /* index into ranges; -1: outside */
};

struct count_data {
	int64_t session_id;
	enum session_kind kind;
	int64_t closed_at; /* 0 while open */
	struct count_range *ranges;
	size_t nranges;
	struct count_card *cards;
	size_t ncards, cards_cap;
	struct count_scan *scans;
	size_t nscans, scans_cap;
	/* By card, then time: every change of a card above since the
	 * session began. */
	struct count_change *changes;
	size_t nchanges, changes_cap;
	struct arena arena; /* the strings above */
};

/* Copies len bytes of s (plus NUL) into the arena; NULL on OOM. */
const char *count_data_strdup(struct count_data *d, const char *s, size_t len);
/* Appends a zeroed row and returns it; NULL on OOM. */
struct count_card *count_data_add_card(struct count_data *d);
struct count_scan *count_data_add_scan(struct count_data *d);
struct count_change *count_data_add_change(struct count_data *d);
/*
 * Makes room for at least ncards cards and nscans scans in total, so that a
 * loader that knows the counts allocates once and exactly (doubling growth
 * can leave half the array unused).  0, or -1 on OOM.
 */
int count_data_reserve(struct count_data *d, size_t ncards, size_t nscans);
/* Frees everything; the struct is zeroed and may be refilled. */
void count_data_free(struct count_data *d);

#endif
