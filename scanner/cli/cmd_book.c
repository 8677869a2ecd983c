/*
 * Settling what a count found (R7, R8; issue 5): `count discrepancies`
 * lists each discrepancy of a count with its resolution, `count resolve`
 * records a manager's resolution with a reason, and `count recount` opens
 * a recount of one range that someone other than its first counter must
 * scan.  The steps are the count workflow's (wf_count_resolve,
 * wf_count_recount); this file parses and prints.
 */
#include <stdlib.h>
#include <string.h>

#include "../workflow/config.h"
#include "book.h"
#include "report.h"

/* The count behind an id argument, open or not; 0 or an exit code. */
static int count_arg(struct cli *c, struct ledger *l, struct session_rec *s,
		     int64_t *id)
{
	struct wf_err e;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "a count ID is required");
	rc = cli_session_id(c, c->pos[0], id);
	if (rc)
		return rc;
	return wf_count_get(l, *id, s, &e) ? cli_fail(&e) : 0;
}

int book_resolution_jw(struct json_w *w, const struct resolution_rec *x)
{
	if (!x)
		return json_w_null(w);
	json_w_object(w);
	json_w_key_str(w, "reason", x->reason);
	json_w_key_opt_str(w, "note", x->note);
	json_w_key_str(w, "by", x->by);
	cli_json_key_time(w, "at", x->at);
	return json_w_end_object(w);
}

int book_item_jw(struct json_w *w, const struct disc_item *it)
{
	json_w_object(w);
	json_w_key_str(w, "kind", recon_disc_name(it->kind));
	json_w_key_opt_str(w, "mgmt_id", it->mgmt_id);
	json_w_key_str(w, "serial", it->serial);
	json_w_key_opt_str(w, "location", it->location);
	json_w_key_opt_str(w, "found_location", it->found);
	json_w_key(w, "resolution");
	book_resolution_jw(w, it->resolved ? &it->res : NULL);
	return json_w_end_object(w);
}

static int exec_discrepancies(struct cli *c, struct ledger *l)
{
	struct session_rec s;
	struct disc_list d;
	char at[TIME_ISO_BUF];
	int64_t id;
	int rc = count_arg(c, l, &s, &id);

	if (rc)
		return rc;
	rc = book_discrepancies(l, id, &d);
	if (rc)
		return rc;
	rc = d.unresolved ? EXIT_FOUND : EXIT_OK;
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "session", id);
		json_w_key_bool(&w, "closed", s.closed_at != 0);
		json_w_key_uint(&w, "unresolved", d.unresolved);
		json_w_key(&w, "discrepancies");
		json_w_array(&w);
		for (size_t i = 0; i < d.n; i++)
			book_item_jw(&w, &d.v[i]);
		json_w_end_array(&w);
		json_w_end_object(&w);
		rc = cli_json_done(&w, rc);
	} else {
		printf(ngettext("Count %lld: %zu discrepancy, %zu without a "
				"resolution",
				"Count %lld: %zu discrepancies, %zu without a "
				"resolution",
				d.n),
		       (long long)id, d.n, d.unresolved);
		putchar('\n');
		for (size_t i = 0; i < d.n; i++) {
			const struct disc_item *it = &d.v[i];

			printf("  %s %-12s %-16s %s%s%s\n",
			       cli_pad(cli_code(recon_disc_name(it->kind)),
				       12),
			       it->mgmt_id[0] ? it->mgmt_id : "-", it->serial,
			       it->location[0] ? cli_text(it->location) : "-",
			       it->found[0] ? " -> " : "", cli_text(it->found));
			if (!it->resolved) {
				printf("      %s\n",
				       _("open: needs a manager's resolution"));
				continue;
			}
			cli_time_iso(it->res.at, at);
			fputs("      ", stdout);
			printf(_("resolved %s by %s at %s"),
			       cli_text(cli_code(it->res.reason)),
			       it->res.by, at);
			putchar('\n');
			if (it->res.note[0]) {
				printf("      %s: ", _("note"));
				book_oneline(stdout, it->res.note);
				fputc('\n', stdout);
			}
		}
	}
	disc_list_free(&d);
	return rc;
}

const struct cmd_entry cmd_count_discrepancies_entry = {
    .name = "count discrepancies",
    .usage = "ID [--json]",
    .help = N_("each discrepancy of a count and its resolution (exit 1 while "
	    "one is open)"),
    .options = NULL,
    .needs_db = 1,
    .exec = exec_discrepancies,
};

static const char *resolved_name(const struct wf_resolved_item *ri)
{
	return ri->it.mgmt_id[0] ? ri->it.mgmt_id : ri->it.serial;
}

static void resolve_print(enum recon_reason reason,
			  const struct wf_resolved_item *ri)
{
	const struct disc_item *it = &ri->it;
	const char *name = resolved_name(ri);

	printf("%s (%s): ", name, cli_code(recon_disc_name(it->kind)));
	printf(_("resolved %s"), cli_code(recon_reason_name(reason)));
	if (ri->moves && ri->kind == CUSTODY_LOST) {
		fputs("; ", stdout);
		printf(_("ledger status now lost: no longer expected in %s"),
		       cli_text(it->location));
	} else if (ri->moves) {
		fputs("; ", stdout);
		printf(_("back in storage at %s (%s)"), cli_text(ri->location),
		       cli_code(card_status_name(ri->to)));
	}
	fputc('\n', stdout);
}

static int exec_resolve(struct cli *c, struct ledger *l)
{
	const char *reason_s = cli_opt(c, "reason");
	const char *note = cli_opt(c, "note");
	char *cards_s = (char *)cli_opt(c, "card");
	char **cards;
	enum recon_reason reason;
	struct staff_rec actor;
	struct wf_resolved done;
	struct config conf;
	struct wf_err e;
	int64_t id = 0;
	size_t n = 0;
	int rc;

	if (!cards_s || !reason_s)
		return cli_usage(c, "--card and --reason are required");
	if (recon_reason_parse(reason_s, &reason) < 0)
		return cli_usage(c,
				 "--reason is found_elsewhere, data_error, "
				 "recounted or lost, not '%s'",
				 reason_s);
	if (!*cards_s)
		return cli_usage(c, "--card needs a management ID or serial");
	/* As many cards as the list holds: no fixed cap. */
	cards = calloc(cli_list_count(cards_s), sizeof(*cards));
	if (!cards)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	rc = cli_list(c, "card", cards_s, cards, &n);
	if (rc == 0 && c->npos != 1)
		rc = cli_usage(c, "a count ID is required");
	else if (rc == 0)
		rc = cli_session_id(c, c->pos[0], &id);
	if (rc == 0)
		rc = config_load(&conf);
	if (rc == 0)
		rc = cli_step_actor(c, l, &actor);
	if (rc == 0 &&
	    wf_count_resolve(l, &actor, id, (const char *const *)cards, n,
			     reason, note, cli_now(), &conf.rules, &done, &e))
		rc = cli_fail(&e);
	free(cards);
	if (rc)
		return rc;
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "session", id);
		json_w_key_str(&w, "reason", recon_reason_name(reason));
		json_w_key(&w, "resolved");
		json_w_array(&w);
		for (size_t i = 0; i < done.n; i++)
			json_w_str(&w, resolved_name(&done.v[i]));
		json_w_end_array(&w);
		/* Cards whose ledger status the resolution changed. */
		json_w_key(&w, "status_changed");
		json_w_array(&w);
		for (size_t i = 0; i < done.n; i++) {
			if (!done.v[i].moves)
				continue;
			json_w_object(&w);
			json_w_key_str(&w, "mgmt_id", done.v[i].it.mgmt_id);
			json_w_key_str(&w, "status",
				       card_status_name(done.v[i].to));
			json_w_key_str(&w, "location", done.v[i].location);
			json_w_end_object(&w);
		}
		json_w_end_array(&w);
		json_w_key_uint(&w, "unresolved", done.unresolved);
		json_w_end_object(&w);
		rc = cli_json_done(&w, EXIT_OK);
	} else {
		for (size_t i = 0; i < done.n; i++)
			resolve_print(reason, &done.v[i]);
		printf(ngettext("count %lld: %zu discrepancy still open",
				"count %lld: %zu discrepancies still open",
				done.unresolved),
		       (long long)id, done.unresolved);
		putchar('\n');
	}
	wf_resolved_free(&done);
	return rc;
}

static const char *const resolve_options[] = {"card", "reason", "note", NULL};

const struct cmd_entry cmd_count_resolve_entry = {
    .name = "count resolve",
    .usage = "ID --card MGMT_ID|SERIAL[,...] --reason "
	     "found_elsewhere|data_error|recounted|lost [--note TEXT] "
	     "--as MANAGER [--pin-fd N] [--json]",
    .help = N_("a manager's resolution of discrepancies of a count"),
    .options = resolve_options,
    .needs_db = 1,
    .step = &wf_step_count_resolve,
    .exec = exec_resolve,
};

static int exec_recount(struct cli *c, struct ledger *l)
{
	const char *range = cli_opt(c, "range");
	const char *who_s = cli_opt(c, "assign");
	struct staff_rec actor;
	struct session_rec s;
	struct wf_err e;
	int64_t id, rid = 0;
	int rc;

	if (!range || !who_s)
		return cli_usage(c, "--range and --assign are required");
	rc = count_arg(c, l, &s, &id);
	if (rc == 0)
		rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (wf_count_recount(l, &actor, id, range, who_s, cli_now(), &rid, &e))
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "session", rid);
		json_w_key_int(&w, "recount_of", id);
		json_w_key_str(&w, "range", range);
		json_w_key_str(&w, "assignee", who_s);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	printf("%lld\n", (long long)rid);
	return EXIT_OK;
}

static const char *const recount_options[] = {"range", "assign", NULL};

const struct cmd_entry cmd_count_recount_entry = {
    .name = "count recount",
    .usage = "ID --range R --assign STAFF --as MANAGER [--pin-fd N] "
	     "[--json]",
    .help = N_("open a recount of one range of a count, by another person; "
	    "prints its id"),
    .options = recount_options,
    .needs_db = 1,
    .step = &wf_step_count_recount,
    .exec = exec_recount,
};
