/*
 * Today's picture (wf_overview.c): what `cardtally status` prints and the
 * TUI's status screen shows, read once from the ledger and judged here,
 * so that both front ends only render it.  Its own header, beside wf.h,
 * because only those two need these types.
 *
 * Read-only and without a PIN: the safe (open? since when, by whom, its
 * flags), whether an import stopped part way, today's openings of the
 * safe and their flags (R14, R15), what was handled today while the safe
 * was recorded closed (R14), counts still open, tallies still open or
 * missing something (R12), what is checked out now, locked accounts,
 * training gaps, the counting plan (R5), the cards declared lost (R10,
 * R23) and how many cards are due for disposal (R16).
 */
#ifndef CT_WF_OVERVIEW_H
#define CT_WF_OVERVIEW_H

#include "wf.h"

#include "../../common/arena.h"
#include "../../data/import.h"

/* A tally still open, or closed and still missing something (R12: it
 * stays in view until what is missing is resolved). */
struct wf_overview_tally {
	struct session_rec session;
	size_t expected; /* items it expected back */
	size_t missing;	 /* of them still missing */
};

/* A person whose required training is missing or expired. */
struct wf_overview_gap {
	struct staff_rec who;
	struct training_gap gap;
};

/* An opening of the safe today, with its flags as the key log judges
 * them (wf_key_flags). */
struct wf_overview_opening {
	struct key_opening_rec o;
	unsigned flags;
	int flags_recorded; /* wf_key_flags_recorded */
};

struct wf_overview {
	int64_t now;
	int32_t today;
	int64_t midnight; /* today's first second, local time */
	/* The safe: safe_open, and then the opening and its flags. */
	int safe_open;
	struct wf_overview_opening safe;
	/* The last import stopped part way: what and when. */
	int import_stopped;
	struct import_stopped stop;
	/* Today's openings, oldest first; how many of them are flagged. */
	struct wf_overview_opening *openings;
	size_t nopenings, nflagged;
	/* Handled today while the safe was recorded closed, by time. */
	struct safe_closed_row *safe_closed;
	size_t nsafe_closed;
	struct session_rec *counts; /* counts open (no tallies), by id */
	size_t ncounts;
	struct wf_overview_tally *tallies; /* oldest first */
	size_t ntallies;
	/* Cards then terminals checked out now, by name. */
	struct checked_out_row *out;
	size_t nout;
	struct staff_rec *locked; /* active and locked, by code */
	size_t nlocked;
	struct wf_overview_gap *gaps; /* active people, by code */
	size_t ngaps;
	struct wf_plan_status plan;
	struct lost_row *lost; /* by management ID */
	size_t nlost;
	long disposal_due;
	/* The text of the rows above (names, locations, codes). */
	struct arena text;
};

/*
 * Reads and judges the whole picture at `now` with the key log's rules
 * `key` and the disposal rules `rules` (the configuration's).  0 and *out
 * (wf_overview_free), or the exit status with *e and nothing to free.
 */
int wf_overview(struct ledger *l, const struct recon_key_rules *key,
		const struct recon_rules *rules, int64_t now,
		struct wf_overview *out, struct wf_err *e);
void wf_overview_free(struct wf_overview *ov);

#endif
