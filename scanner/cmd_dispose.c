/*
 * `cardtally dispose ...`: disposal of uncollected cards (R16-R18).
 * `dispose due` lists the cards in storage that the due rules (reconcile/,
 * reminder days from the configuration) make due, with why and since when.
 * `dispose start` opens a disposal batch with two people present; cards are
 * then scanned into it one by one (`scan --session D<n>`), each confirmed
 * due or refused; `dispose close` writes the disposal ledger and sets the
 * cards disposed, again with two people.  `dispose list` prints that
 * ledger.  Batch ids print as "D<n>" so that `scan` can tell them from
 * count sessions.
 */
#include <stdlib.h>

#include "config.h"
#include "report.h"

static void print_day(FILE *f, int32_t day, int json)
{
	char buf[11];

	if (day == DATE_NONE) {
		fputs(json ? "null" : "-", f);
		return;
	}
	date_format(day, buf);
	if (json)
		json_str(f, buf);
	else
		fputs(buf, f);
}

/* ---- dispose due ---- */

struct due_ctx {
	const struct recon_rules *rules;
	int32_t today;
	struct recon_due_item *v;
	char (*ids)[MGMT_ID_MAX + 1];
	size_t n, cap;
};

static int collect_due(void *ctx, const struct card_rec *c)
{
	struct due_ctx *d = ctx;
	int32_t since;
	enum recon_due_why why = recon_disposal_due(c->status, c->reminder_sent,
						    d->today, d->rules, &since);

	if (why == DUE_NOT)
		return 0;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		void *pv = realloc(d->v, ncap * sizeof(*d->v));

		if (!pv)
			return -1;
		d->v = pv;
		pv = realloc(d->ids, ncap * sizeof(*d->ids));
		if (!pv)
			return -1;
		d->ids = pv;
		d->cap = ncap;
	}
	snprintf(d->ids[d->n], sizeof(d->ids[d->n]), "%s", c->mgmt_id);
	d->v[d->n].why = why;
	d->v[d->n].since = since;
	d->n++;
	return 0;
}

static int exec_dispose_due(struct cli *c, struct ledger *l)
{
	struct config conf;
	struct due_ctx d = {0};
	int64_t now = cli_now();
	int rc, ex = EXIT_OK;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	d.rules = &conf.rules;
	d.today = date_of_time(now, cli_utc_offset(now));
	rc = ledger_cards_in_storage(l, collect_due, &d);
	if (rc != 0) {
		ex = cli_error(EXIT_SOFTWARE, "%s",
			       rc == -1 ? "out of memory" : ledger_errmsg(l));
		goto out;
	}
	/* The ids array may have moved while growing: point at it now. */
	for (size_t i = 0; i < d.n; i++)
		d.v[i].mgmt_id = d.ids[i];
	recon_due_sort(d.v, d.n);
	if (c->json)
		fputs("[", stdout);
	else if (d.n == 0)
		printf("no card is due for disposal (reminder + %d days)\n",
		       d.rules->reminder_days);
	for (size_t i = 0; i < d.n; i++) {
		if (c->json) {
			fputs(i ? ",{\"mgmt_id\":" : "{\"mgmt_id\":", stdout);
			json_str(stdout, d.v[i].mgmt_id);
			printf(",\"why\":\"%s\",\"due_since\":",
			       recon_due_why_name(d.v[i].why));
			print_day(stdout, d.v[i].since, 1);
			fputs("}", stdout);
		} else {
			printf("%-12s %-10s since ", d.v[i].mgmt_id,
			       recon_due_why_name(d.v[i].why));
			print_day(stdout, d.v[i].since, 0);
			fputs("\n", stdout);
		}
	}
	if (c->json)
		fputs("]\n", stdout);
out:
	free(d.v);
	free(d.ids);
	return ex;
}

const struct cmd_entry cmd_dispose_due_entry = {
    .name = "dispose due",
    .usage = "[--json]",
    .help = "list the cards due for disposal, with why and since when",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_dispose_due,
};
