/*
 * The city-wide report at the hub (wf_hub.c, issue 16): per ward and for
 * the whole city, the month's record-book status, open discrepancies,
 * lost cards, disposals and silent wards, read from the audit entries
 * the wards sent (hub_ward_entries) through reconcile/hubbook.h's rules.
 */
#ifndef CT_WF_HUB_H
#define CT_WF_HUB_H

#include "../../hub/hub.h"
#include "../../reconcile/hubbook.h"
#include "wf.h"

/* One ward in the report. */
struct wf_hub_ward {
	struct hub_ward_status w;
	struct hubbook_month m;
	/* Something for the central office to act on: silent, open
	 * discrepancies, cards declared lost in the month, or the month
	 * over and not counted or counted late. */
	int finding;
};

struct wf_hub_book {
	char month[8]; /* "YYYY-MM" */
	int64_t from, to, now;
	int silent_days;
	struct wf_hub_ward *v; /* by ward code */
	size_t n;
	/* The city: every count summed (status unused), the wards in each
	 * status, silent and with a finding. */
	struct hubbook_month city;
	int64_t by_status[HUBBOOK_STATUS_COUNT];
	int64_t silent, findings;
};

/*
 * The report of month (NULL or "": the month of now, local time) for
 * every enrolled ward, or ward `ward` alone (NULL: all).  0 and *out
 * (wf_hub_book_free), or the exit status with *e: WF_E_REPORT_MONTH,
 * WF_E_HUB_NO_WARD, WF_E_HUB_REPORT_UNREACHABLE, WF_E_HUB_VERSION,
 * WF_E_HUB.
 */
int wf_hub_book(const char *conninfo, const char *month, const char *ward,
		int64_t now, int silent_days, struct wf_hub_book *out,
		struct wf_err *e);
void wf_hub_book_free(struct wf_hub_book *b);

#endif
