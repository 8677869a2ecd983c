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

static int collect_due(void *ctx, const struct card_rec *c)
{
	struct dispose_due *d = ctx;
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

int dispose_due_load(struct ledger *l, const struct recon_rules *rules,
		     int32_t today, struct dispose_due *d)
{
	int rc;

	memset(d, 0, sizeof(*d));
	d->rules = rules;
	d->today = today;
	rc = ledger_cards_in_storage(l, collect_due, d);
	if (rc != 0) {
		dispose_due_free(d);
		return cli_error(EXIT_SOFTWARE, "%s",
				 rc == -1 ? "out of memory" : ledger_errmsg(l));
	}
	/* The ids array may have moved while growing: point at it now. */
	for (size_t i = 0; i < d->n; i++)
		d->v[i].mgmt_id = d->ids[i];
	recon_due_sort(d->v, d->n);
	return 0;
}

void dispose_due_free(struct dispose_due *d)
{
	free(d->v);
	free(d->ids);
	memset(d, 0, sizeof(*d));
}

static int exec_dispose_due(struct cli *c, struct ledger *l)
{
	struct config conf;
	struct dispose_due d;
	int64_t now = cli_now();
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	rc = dispose_due_load(l, &conf.rules,
			      date_of_time(now, cli_utc_offset(now)), &d);
	if (rc)
		return rc;
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
	dispose_due_free(&d);
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
	int64_t id;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	/* Disposal handles cards: the training gate applies (R20). */
	rc = cli_card_worker(c, l, ACT_DISPOSE, &actor);
	if (rc)
		return rc;
	/* Two people, in this one command: the witness is another person,
	 * authenticated now, and a manager (cli_witness). */
	rc = cli_witness(c, l, &actor, &witness);
	if (rc)
		return rc;
	rc = ledger_disposal_start(l, actor.id, witness.id, cli_now(), &id);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
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
    .exec = exec_dispose_start,
};

/* ---- dispose close ---- */

const char *dispose_method_check(const char *method, const char *cert)
{
	enum recon_dispose_method m;
	const char *rule;

	if (recon_dispose_method(method, cert, &m, &rule) == 0)
		return NULL;
	/* The rule, said in the options that satisfy it. */
	if (m != DISPOSE_CONTRACTOR)
		return "--method is shred or contractor";
	return "--method contractor needs --certificate REF (the "
	       "contractor's certificate)";
}

int dispose_batch_open(struct ledger *l, int64_t id,
		       struct disposal_batch_rec *b)
{
	int rc = ledger_disposal_get(l, id, b);

	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (b->closed_at)
		return cli_error(EXIT_DATAERR,
				 "disposal D%lld was closed already by %s",
				 (long long)id, b->closed_by);
	return 0;
}

int dispose_close(struct ledger *l, int64_t id, const char *method,
		  const char *cert, const struct staff_rec *actor,
		  const struct staff_rec *witness, int64_t *n)
{
	int rc = ledger_disposal_close(l, id, method, cert, actor->id,
				       witness->id, cli_now(), n);

	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_STATE ||
					 rc == LEDGER_ERR_INVALID
				     ? EXIT_DATAERR
				     : EXIT_SOFTWARE,
				 "%s (nothing was disposed)", ledger_errmsg(l));
	return 0;
}

static int exec_dispose_close(struct cli *c, struct ledger *l)
{
	const char *method = cli_opt(c, "method");
	const char *cert = cli_opt(c, "certificate");
	const char *bad;
	struct staff_rec actor, witness;
	struct disposal_batch_rec b;
	int64_t id = 0, n = 0;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "a disposal id is required");
	rc = disposal_arg(c, c->pos[0], &id);
	if (rc)
		return rc;
	if (!method)
		method = "shred";
	bad = dispose_method_check(method, cert);
	if (bad)
		return cli_usage(c, "%s", bad);
	rc = dispose_batch_open(l, id, &b);
	if (rc)
		return rc;
	/* Disposal handles cards: the training gate applies (R20). */
	rc = cli_card_worker(c, l, ACT_DISPOSE, &actor);
	if (rc)
		return rc;
	rc = cli_witness(c, l, &actor, &witness);
	if (rc)
		return rc;
	rc = dispose_close(l, id, method, cert, &actor, &witness, &n);
	if (rc)
		return rc;
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
    .exec = exec_dispose_close,
};

/* ---- dispose list ---- */

struct list_ctx {
	int json;
	int nbatch, ncard;
};

/* Closes the previous batch's JSON object, if any. */
static void end_batch(struct list_ctx *s)
{
	if (s->json && s->nbatch)
		fputs("]}", stdout);
}

static int list_batch(void *ctx, const struct disposal_batch_rec *b)
{
	struct list_ctx *s = ctx;
	char when[TIME_ISO_BUF];

	end_batch(s);
	if (s->json) {
		printf("%s{\"disposal\":\"D%lld\",\"started_at\":",
		       s->nbatch ? "," : "", (long long)b->id);
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
	} else if (b->closed_at) {
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
	s->nbatch++;
	s->ncard = 0;
	return 0;
}

static int list_card(void *ctx, const struct disposal_card_row *r)
{
	struct list_ctx *s = ctx;

	if (s->json) {
		fputs(s->ncard ? ",{\"mgmt_id\":" : "{\"mgmt_id\":", stdout);
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
	} else {
		printf("    %-12s %-10s since ", r->mgmt_id, r->why);
		print_day(stdout, r->due_since, 0);
		printf("  scanned by %s\n", r->scanned_by);
	}
	s->ncard++;
	return 0;
}

static int exec_dispose_list(struct cli *c, struct ledger *l)
{
	struct list_ctx s = {.json = c->json};
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (s.json)
		fputs("[", stdout);
	rc = ledger_disposal_list(l, list_batch, list_card, &s);
	if (rc < 0) {
		if (s.json)
			fputs("\n", stdout);
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	}
	end_batch(&s);
	if (s.json)
		fputs("]\n", stdout);
	else if (s.nbatch == 0)
		puts("no disposal recorded");
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
