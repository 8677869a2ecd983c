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
#include "cli_code.h"
#include "cli_pdf.h"
#include "report.h"

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

static void print_day(FILE *f, int32_t day)
{
	char buf[11];

	if (day == DATE_NONE) {
		fputs("-", f);
		return;
	}
	date_format(day, buf);
	fputs(buf, f);
}

/* {"disposal":"D12"} and more members: the object is left open. */
static void batch_head(struct json_w *w, int64_t id)
{
	char name[24];

	snprintf(name, sizeof(name), "D%lld", (long long)id);
	json_w_object(w);
	json_w_key_str(w, "disposal", name);
}

/*
 * --format json: the JSON of --json inside an object, as every other
 * command prints ({"due":[...]}, {"batches":[...]}); --json keeps the bare
 * array the interface has always given (issue 18).  *object is 1 for it,
 * and c->json is set; 0, or a usage exit code.
 */
static int json_object_form(struct cli *c, int *object)
{
	const char *f = cli_opt(c, "format");

	*object = 0;
	if (!f || strcmp(f, "json") != 0)
		return 0;
	if (c->json)
		return cli_usage(c, "--format json and --json exclude each "
				    "other");
	if (cli_opt(c, "output"))
		return cli_usage(c, "--output is for --format pdf");
	*object = 1;
	c->json = 1;
	return 0;
}

/* ---- dispose due ---- */

static int exec_dispose_due(struct cli *c, struct ledger *l)
{
	struct config conf;
	struct wf_dispose_due d;
	struct wf_err e;
	int64_t now = cli_now();
	int rc;

	const char *f = cli_opt(c, "format");
	int object;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (f && strcmp(f, "text") != 0 && strcmp(f, "json") != 0)
		return cli_usage(c, "--format is text or json, not '%s'", f);
	rc = json_object_form(c, &object);
	if (rc)
		return rc;
	rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_dispose_due(l, &conf.rules, wf_today(now), &d, &e))
		return cli_fail(&e);
	rc = EXIT_OK;
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		if (object) {
			json_w_object(&w);
			json_w_key(&w, "due");
		}
		json_w_array(&w);
		for (size_t i = 0; i < d.n; i++) {
			json_w_object(&w);
			json_w_key_str(&w, "mgmt_id", d.v[i].mgmt_id);
			json_w_key_str(&w, "why",
				       recon_due_why_name(d.v[i].why));
			cli_json_key_date(&w, "due_since", d.v[i].since);
			json_w_end_object(&w);
		}
		json_w_end_array(&w);
		if (object)
			json_w_end_object(&w);
		rc = cli_json_done(&w, rc);
	} else if (d.n == 0) {
		printf(_("no card is due for disposal (reminder + %d days)\n"),
		       d.reminder_days);
	}
	for (size_t i = 0; !c->json && i < d.n; i++) {
		printf(_("%-12s %s since "), d.v[i].mgmt_id,
		       cli_pad(cli_code(recon_due_why_name(d.v[i].why)), 10));
		print_day(stdout, d.v[i].since);
		fputs("\n", stdout);
	}
	wf_dispose_due_free(&d);
	return rc;
}

static const char *const dispose_due_options[] = {"format", NULL};

const struct cmd_entry cmd_dispose_due_entry = {
    .name = "dispose due",
    .usage = "[--json | --format text|json]",
    .help = N_("list the cards due for disposal, with why and since when"),
    .options = dispose_due_options,
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
	rc = wf_dispose_start(l, &actor, c->witness, pin, cli_now(), &id,
			      &witness, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		batch_head(&w, id);
		json_w_end_object(&w);
		rc = cli_json_done(&w, EXIT_OK);
	} else {
		printf("D%lld\n", (long long)id);
	}
	fprintf(stderr,
		_("disposal D%lld started by %s, witnessed by %s: scan the due "
		"cards with `cardtally scan --session D%lld --reader SPEC`\n"),
		(long long)id, actor.code, witness.code, (long long)id);
	return rc;
}

const struct cmd_entry cmd_dispose_start_entry = {
    .name = "dispose start",
    .usage = "--as CODE [--pin-fd N] --witness MANAGER [--witness-pin-fd N] "
	     "[--json]",
    .help = N_("open a disposal batch (two people, one a manager)"),
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
	rc = wf_dispose_close(l, &actor, id, method, cert, c->witness, pin,
			      cli_now(), &done, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	n = done.ncards;
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		batch_head(&w, id);
		json_w_key_bool(&w, "closed", 1);
		json_w_key_int(&w, "cards", n);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	printf(ngettext("disposal D%lld closed: %lld card disposed (%s)\n",
			"disposal D%lld closed: %lld cards disposed (%s)\n",
			(unsigned long)n),
	       (long long)id, (long long)n, cli_code(method));
	return EXIT_OK;
}

static const char *const dispose_close_options[] = {"method", "certificate",
						    NULL};

const struct cmd_entry cmd_dispose_close_entry = {
    .name = "dispose close",
    .usage = "ID [--method shred|contractor] [--certificate REF] --as CODE "
	     "[--pin-fd N] --witness MANAGER [--witness-pin-fd N] [--json]",
    .help = N_("write the disposal ledger and mark the batch's cards disposed"),
    .options = dispose_close_options,
    .needs_db = 1,
    .step = &wf_step_dispose_close,
    .exec = exec_dispose_close,
};

/* ---- dispose list ---- */

static void list_batch_json(struct json_w *w, const struct wf_disposal *d)
{
	const struct disposal_batch_rec *b = &d->b;

	cli_json_batch(w, b);
	json_w_key(w, "cards");
	json_w_array(w);
	for (size_t i = 0; i < d->ncards; i++) {
		const struct wf_disposal_card *r = &d->cards[i];

		json_w_object(w);
		json_w_key_str(w, "mgmt_id", r->mgmt_id);
		json_w_key_str(w, "serial", r->serial);
		json_w_key_str(w, "why", r->why);
		cli_json_key_date(w, "due_since", r->due_since);
		json_w_key_str(w, "scanned_by", r->scanned_by);
		cli_json_key_time(w, "scanned_at", r->scanned_at);
		json_w_end_object(w);
	}
	json_w_end_array(w);
	json_w_end_object(w);
}

static void list_batch_text(const struct wf_disposal *d)
{
	const struct disposal_batch_rec *b = &d->b;
	char when[TIME_ISO_BUF];

	if (b->closed_at) {
		cli_time_iso(b->closed_at, when);
		printf(ngettext("D%lld  %s  by %s, witness %s  %s%s%s  %lld "
				"card\n",
				"D%lld  %s  by %s, witness %s  %s%s%s  %lld "
				"cards\n",
				(unsigned long)b->ncards),
		       (long long)b->id, when, b->closed_by, b->close_witness,
		       cli_code(b->method),
		       b->certificate[0] ? _(" certificate ") : "",
		       b->certificate, (long long)b->ncards);
	} else {
		cli_time_iso(b->started_at, when);
		printf(ngettext("D%lld  open since %s (%s, witness %s)  %lld "
				"card scanned\n",
				"D%lld  open since %s (%s, witness %s)  %lld "
				"cards scanned\n",
				(unsigned long)b->ncards),
		       (long long)b->id, when, b->started_by, b->witness,
		       (long long)b->ncards);
	}
	for (size_t i = 0; i < d->ncards; i++) {
		const struct wf_disposal_card *r = &d->cards[i];

		printf(_("    %-12s %s since "), r->mgmt_id,
		       cli_pad(cli_code(r->why), 10));

		print_day(stdout, r->due_since);
		printf(_("  scanned by %s\n"), r->scanned_by);
	}
}

/* 1 when t falls in month "YYYY-MM" (local). */
static int in_month(int64_t t, const char *month)
{
	char iso[TIME_ISO_BUF];

	if (!t)
		return 0;
	cli_time_iso(t, iso);
	return strncmp(iso, month, 7) == 0;
}

static int exec_dispose_list(struct cli *c, struct ledger *l)
{
	const char *batch_s = cli_opt(c, "batch");
	const char *month = cli_opt(c, "month");
	struct wf_disposal_list list;
	struct wf_err e;
	int64_t batch = 0, from, to;
	size_t kept = 0;
	int rc, pdf = 0, object;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (batch_s && month)
		return cli_usage(c, "--batch and --month exclude each other");
	if (batch_s && (!cli_is_disposal_id(batch_s, &batch) || !batch))
		return cli_usage(c, "--batch takes a batch ID (D1), not '%s'",
				 batch_s);
	if (month && wf_month_bounds(month, &from, &to) < 0)
		return cli_usage(c, "--month takes YYYY-MM, not '%s'", month);
	rc = json_object_form(c, &object);
	if (rc == 0 && !object)
		rc = cli_pdf_format(c, &pdf);
	if (rc)
		return rc;
	if (wf_dispose_list(l, 0, &list, &e))
		return cli_fail(&e);
	/* The batches asked for, in place: by ID, or begun or closed in
	 * the month. */
	for (size_t i = 0; i < list.n; i++) {
		const struct wf_disposal *x = &list.v[i];

		if ((batch && x->b.id != batch) ||
		    (month && !in_month(x->b.started_at, month) &&
		     !in_month(x->b.closed_at, month))) {
			free(x->cards);
			continue;
		}
		list.v[kept++] = *x;
	}
	list.n = kept;
	rc = EXIT_OK;
	if (pdf) {
		struct config conf;
		struct pdf_meta m;

		rc = config_load(&conf);
		if (rc == 0) {
			cli_pdf_meta(&conf, &m);
			rc = cli_pdf_emit(c,
					  pdf_disposal(&list, batch, month, &m),
					  "the disposal ledger");
		}
	} else if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		if (object) {
			json_w_object(&w);
			json_w_key(&w, "batches");
		}
		json_w_array(&w);
		for (size_t i = 0; i < list.n; i++)
			list_batch_json(&w, &list.v[i]);
		json_w_end_array(&w);
		if (object)
			json_w_end_object(&w);
		rc = cli_json_done(&w, rc);
	} else {
		for (size_t i = 0; i < list.n; i++)
			list_batch_text(&list.v[i]);
		if (list.n == 0)
			puts(_("no disposal recorded"));
	}
	wf_dispose_list_free(&list);
	return rc;
}

static const char *const dispose_list_options[] = {"batch", "month", "format",
						   "output", NULL};

const struct cmd_entry cmd_dispose_list_entry = {
    .name = "dispose list",
    .usage = "[--batch ID | --month YYYY-MM] [--json | --format "
	     "text|json|pdf [--output FILE]]",

    .help = N_("the disposal ledger: batches, who, witness, method, cards"),
    .options = dispose_list_options,
    .needs_db = 1,
    .exec = exec_dispose_list,
};
