/*
 * `cardtally dispose ...`: disposal of uncollected cards (R16-R18), the
 * command line of the disposal workflows (scanner/workflow/wf_dispose.c).
 * `dispose due` lists the cards in storage that the due rules (reconcile/,
 * reminder days from the configuration) make due, with why and since when.
 * `dispose start` opens a disposal batch with two people present; cards are
 * then scanned into it one by one (`scan --session D<n>`), each confirmed
 * due or refused; `dispose close` writes the disposal ledger and sets the
 * cards disposed, again with two people.  `dispose list` prints that
 * ledger.  Batch ids print as "D<n>" so that `scan` can tell them from
 * count sessions.  This file parses and prints; the workflows decide.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../workflow/config.h"
#include "report.h"

int cli_is_disposal_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	*id = 0;
	if (s[0] != 'D' && s[0] != 'd')
		return 0;
	if (s[1] < '0' || s[1] > '9')
		return 1;
	v = strtoll(s + 1, &end, 10);
	if (*end == '\0' && v > 0)
		*id = v;
	return 1;
}

/* A batch argument: "D3" as printed, or the bare number. */
static int disposal_arg(struct cli *c, const char *s, int64_t *id)
{
	if (cli_is_disposal_id(s, id)) {
		if (*id == 0)
			return cli_usage(c, "'%s' is not a disposal id", s);
		return 0;
	}
	return cli_session_id(c, s, id);
}

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

static int exec_dispose_due(struct cli *c, struct ledger *l)
{
	struct config conf;
	struct wf_dispose_due d;
	struct wf_err e;
	int64_t now = cli_now();
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_dispose_due(l, &conf.rules, wf_today(now), &d, &e))
		return cli_fail(&e);
	if (c->json)
		fputs("[", stdout);
	else if (d.n == 0)
		printf("no card is due for disposal (reminder + %d days)\n",
		       d.reminder_days);
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
	wf_dispose_due_free(&d);
	return EXIT_OK;
}

const struct cmd_entry cmd_dispose_due_entry = {
    .name = "dispose due",
    .usage = "[--json]",
    .help = "list the cards due for disposal, with why and since when",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_dispose_due,
};

/* ---- dispose start ---- */

static int exec_dispose_start(struct cli *c, struct ledger *l)
{
	struct staff_rec actor, witness;
	struct wf_err e;
	char pin[16];
	int64_t id;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_second_pin(c, &actor, pin);
	if (rc)
		return rc;
	rc = wf_dispose_start(l, &actor, c->nwitness ? c->witness[0] : NULL,
			      pin, cli_now(), &id, &witness, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	if (c->json)
		printf("{\"disposal\":\"D%lld\"}\n", (long long)id);
	else
		printf("D%lld\n", (long long)id);
	fprintf(stderr,
		"disposal D%lld started by %s, witnessed by %s: scan the due "
		"cards with `cardtally scan --session D%lld --reader SPEC`\n",
		(long long)id, actor.code, witness.code, (long long)id);
	return EXIT_OK;
}

const struct cmd_entry cmd_dispose_start_entry = {
    .name = "dispose start",
    .usage = "--as CODE [--pin-fd N] --witness MANAGER [--witness-pin-fd N] "
	     "[--json]",
    .help = "open a disposal batch (two people, one a manager)",
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_dispose_start,
    .exec = exec_dispose_start,
};

/* ---- dispose close ---- */

static int exec_dispose_close(struct cli *c, struct ledger *l)
{
	const char *method = cli_opt(c, "method");
	const char *cert = cli_opt(c, "certificate");
	struct staff_rec actor;
	struct disposal_batch_rec b;
	struct wf_dispose_closed done;
	struct wf_err e;
	char pin[16];
	int64_t id = 0, n;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "a disposal id is required");
	rc = disposal_arg(c, c->pos[0], &id);
	if (rc)
		return rc;
	if (!method)
		method = "shred";
	/* Said before anyone is asked for a PIN; the workflow asks again. */
	if (wf_dispose_method(method, cert, &e) ||
	    wf_dispose_batch(l, id, &b, &e))
		return cli_fail(&e);
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_second_pin(c, &actor, pin);
	if (rc)
		return rc;
	rc = wf_dispose_close(l, &actor, id, method, cert,
			      c->nwitness ? c->witness[0] : NULL, pin,
			      cli_now(), &done, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	n = done.ncards;
	if (c->json)
		printf("{\"disposal\":\"D%lld\",\"closed\":true,\"cards\":%lld}"
		       "\n",
		       (long long)id, (long long)n);
	else
		printf("disposal D%lld closed: %lld card%s disposed (%s)\n",
		       (long long)id, (long long)n, n == 1 ? "" : "s", method);
	return EXIT_OK;
}

static const char *const dispose_close_options[] = {"method", "certificate",
						    NULL};

const struct cmd_entry cmd_dispose_close_entry = {
    .name = "dispose close",
    .usage = "ID [--method shred|contractor] [--certificate REF] --as CODE "
	     "[--pin-fd N] --witness MANAGER [--witness-pin-fd N] [--json]",
    .help = "write the disposal ledger and mark the batch's cards disposed",
    .options = dispose_close_options,
    .needs_db = 1,
    .step = &wf_step_dispose_close,
    .exec = exec_dispose_close,
};

/* ---- dispose list ---- */

static void list_batch_json(const struct wf_disposal *d, int first)
{
	const struct disposal_batch_rec *b = &d->b;

	printf("%s{\"disposal\":\"D%lld\",\"started_at\":", first ? "" : ",",
	       (long long)b->id);
	json_time(stdout, b->started_at);
	fputs(",\"started_by\":", stdout);
	json_str(stdout, b->started_by);
	fputs(",\"witness\":", stdout);
	json_str(stdout, b->witness);
	fputs(",\"closed_at\":", stdout);
	json_time(stdout, b->closed_at);
	fputs(",\"closed_by\":", stdout);
	json_str_or_null(stdout, b->closed_by);
	fputs(",\"close_witness\":", stdout);
	json_str_or_null(stdout, b->close_witness);
	fputs(",\"method\":", stdout);
	json_str_or_null(stdout, b->method);
	fputs(",\"certificate\":", stdout);
	json_str_or_null(stdout, b->certificate);
	fputs(",\"cards\":[", stdout);
	for (size_t i = 0; i < d->ncards; i++) {
		const struct wf_disposal_card *r = &d->cards[i];

		fputs(i ? ",{\"mgmt_id\":" : "{\"mgmt_id\":", stdout);
		json_str(stdout, r->mgmt_id);
		fputs(",\"serial\":", stdout);
		json_str(stdout, r->serial);
		printf(",\"why\":\"%s\",\"due_since\":", r->why);
		print_day(stdout, r->due_since, 1);
		fputs(",\"scanned_by\":", stdout);
		json_str(stdout, r->scanned_by);
		fputs(",\"scanned_at\":", stdout);
		json_time(stdout, r->scanned_at);
		fputs("}", stdout);
	}
	fputs("]}", stdout);
}

static void list_batch_text(const struct wf_disposal *d)
{
	const struct disposal_batch_rec *b = &d->b;
	char when[TIME_ISO_BUF];

	if (b->closed_at) {
		cli_time_iso(b->closed_at, when);
		printf("D%lld  %s  by %s, witness %s  %s%s%s  %lld card%s\n",
		       (long long)b->id, when, b->closed_by, b->close_witness,
		       b->method, b->certificate[0] ? " certificate " : "",
		       b->certificate, (long long)b->ncards,
		       b->ncards == 1 ? "" : "s");
	} else {
		cli_time_iso(b->started_at, when);
		printf("D%lld  open since %s (%s, witness %s)  %lld card%s "
		       "scanned\n",
		       (long long)b->id, when, b->started_by, b->witness,
		       (long long)b->ncards, b->ncards == 1 ? "" : "s");
	}
	for (size_t i = 0; i < d->ncards; i++) {
		const struct wf_disposal_card *r = &d->cards[i];

		printf("    %-12s %-10s since ", r->mgmt_id, r->why);
		print_day(stdout, r->due_since, 0);
		printf("  scanned by %s\n", r->scanned_by);
	}
}

static int exec_dispose_list(struct cli *c, struct ledger *l)
{
	struct wf_disposal_list list;
	struct wf_err e;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (wf_dispose_list(l, 0, &list, &e))
		return cli_fail(&e);
	if (c->json)
		fputs("[", stdout);
	for (size_t i = 0; i < list.n; i++) {
		if (c->json)
			list_batch_json(&list.v[i], i == 0);
		else
			list_batch_text(&list.v[i]);
	}
	if (c->json)
		fputs("]\n", stdout);
	else if (list.n == 0)
		puts("no disposal recorded");
	wf_dispose_list_free(&list);
	return EXIT_OK;
}

const struct cmd_entry cmd_dispose_list_entry = {
    .name = "dispose list",
    .usage = "[--json]",
    .help = "the disposal ledger: batches, who, witness, method, cards",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_dispose_list,
};
