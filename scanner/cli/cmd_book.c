/*
 * Settling what a count found (R7, R8; issue 5): `count discrepancies`
 * lists each discrepancy of a count with its resolution, `count resolve`
 * records a manager's resolution with a reason, and `count recount` opens
 * a recount of one range that someone other than its first counter must
 * scan.  The rules (which reason fits which discrepancy, who may recount)
 * are reconcile/'s; this file checks them and records.
 */
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "report.h"

/* The count behind an id argument, open or not; 0 or an exit code. */
static int count_arg(struct cli *c, struct ledger *l, struct session_rec *s,
		     int64_t *id)
{
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "a count ID is required");
	rc = cli_session_id(c, c->pos[0], id);
	if (rc)
		return rc;
	rc = ledger_session_get(l, *id, s);
	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (s->kind == SESSION_TALLY)
		return cli_error(EXIT_DATAERR,
				 "session %lld is a tally: its missing items "
				 "are settled by return or issue",
				 (long long)*id);
	return 0;
}

void book_resolution_json(FILE *f, const struct disc_item *it)
{
	if (!it->resolved) {
		fputs("null", f);
		return;
	}
	fputs("{\"reason\":", f);
	json_str(f, it->res.reason);
	fputs(",\"note\":", f);
	json_str_or_null(f, it->res.note);
	fputs(",\"by\":", f);
	json_str(f, it->res.by);
	fputs(",\"at\":", f);
	json_time(f, it->res.at);
	fputc('}', f);
}

void book_item_json(FILE *f, const struct disc_item *it)
{
	fputs("{\"kind\":", f);
	json_str(f, recon_disc_name(it->kind));
	fputs(",\"mgmt_id\":", f);
	json_str_or_null(f, it->mgmt_id);
	fputs(",\"serial\":", f);
	json_str(f, it->serial);
	fputs(",\"location\":", f);
	json_str_or_null(f, it->location);
	fputs(",\"found_location\":", f);
	json_str_or_null(f, it->found);
	fputs(",\"resolution\":", f);
	book_resolution_json(f, it);
	fputc('}', f);
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
	if (c->json) {
		printf("{\"session\":%lld,\"closed\":%s,\"unresolved\":%zu,"
		       "\"discrepancies\":[",
		       (long long)id, s.closed_at ? "true" : "false",
		       d.unresolved);
		for (size_t i = 0; i < d.n; i++) {
			fputs(i ? "," : "", stdout);
			book_item_json(stdout, &d.v[i]);
		}
		puts("]}");
	} else {
		printf("Count %lld: %zu discrepanc%s, %zu without a "
		       "resolution\n",
		       (long long)id, d.n, d.n == 1 ? "y" : "ies",
		       d.unresolved);
		for (size_t i = 0; i < d.n; i++) {
			const struct disc_item *it = &d.v[i];

			printf("  %-12s %-12s %-16s %s%s%s\n",
			       recon_disc_name(it->kind),
			       it->mgmt_id[0] ? it->mgmt_id : "-", it->serial,
			       it->location[0] ? it->location : "-",
			       it->found[0] ? " -> " : "", it->found);
			if (!it->resolved) {
				puts(
				    "      open: needs a manager's resolution");
				continue;
			}
			cli_time_iso(it->res.at, at);
			printf("      resolved %s by %s at %s\n",
			       it->res.reason, it->res.by, at);
			if (it->res.note[0]) {
				fputs("      note: ", stdout);
				book_oneline(stdout, it->res.note);
				fputc('\n', stdout);
			}
		}
	}
	rc = d.unresolved ? EXIT_FOUND : EXIT_OK;
	disc_list_free(&d);
	return rc;
}

const struct cmd_entry cmd_count_discrepancies_entry = {
    .name = "count discrepancies",
    .usage = "ID [--json]",
    .help = "each discrepancy of a count and its resolution (exit 1 while "
	    "one is open)",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_discrepancies,
};

#define MAX_CARDS 64

/*
 * What a resolution does to the card besides being recorded
 * (recon_resolution_effect): a missing card declared lost leaves the
 * expected stock; a lost card that a count read, declared found, goes back
 * into storage where it was read, with the status it had before it was
 * lost.  Checked against the card's state now; 0 or an exit code.
 */
static int resolve_effect(struct ledger *l, const char *card,
			  enum recon_reason reason, struct resolve_item *ri)
{
	struct disc_item *it = ri->it;
	struct lost_rec lost;
	const char *rule;
	int rc;

	ri->moves =
	    recon_resolution_effect(it->kind, reason, it->status, &ri->kind);
	if (!ri->moves)
		return 0;
	rc = ledger_custody_get(l, 0, it->mgmt_id, &ri->card);
	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (recon_custody(ri->kind, 0, ri->card.status, &ri->to, &rule) < 0)
		return cli_error(EXIT_DATAERR,
				 "%s (%s) cannot be resolved %s: the card "
				 "cannot be declared %s: %s",
				 card, card_status_name(ri->card.status),
				 recon_reason_name(reason),
				 custody_kind_name(ri->kind), rule);
	if (ri->kind != CUSTODY_FOUND)
		return 0;
	if (!it->found[0])
		return cli_error(EXIT_DATAERR,
				 "%s was not read in a range of this count: "
				 "nowhere to put it back",
				 card);
	rc = ledger_card_lost(l, ri->card.id, &lost);
	if (rc < 0 && rc != LEDGER_ERR_NOTFOUND)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	ri->to = recon_found_status(lost.before);
	return 0;
}

int book_reason_fits(struct ledger *l, int64_t id, const struct disc_item *it,
		     enum recon_reason reason)
{
	const char *rule;
	int64_t recount = 0;

	if (it->card_id &&
	    ledger_recount_read(l, id, it->card_id, &recount) < 0)
		return -1;
	return recon_resolution_valid(it->kind, reason, recount != 0,
				      it->status, &rule) == 0;
}

int book_resolve_check(struct ledger *l, int64_t id, struct disc_list *d,
		       const char *card, enum recon_reason reason,
		       struct resolve_item *ri)
{
	struct disc_item *it = disc_list_find(d, card);
	const char *rule;
	int64_t recount = 0;

	memset(ri, 0, sizeof(*ri));
	if (!it)
		return cli_error(EXIT_DATAERR,
				 "%s is not a discrepancy of count %lld "
				 "(see count discrepancies %lld)",
				 card, (long long)id, (long long)id);
	if (it->resolved)
		return cli_error(EXIT_DATAERR,
				 "%s of count %lld was resolved already (%s, "
				 "by %s)",
				 card, (long long)id, it->res.reason,
				 it->res.by);
	if (it->card_id &&
	    ledger_recount_read(l, id, it->card_id, &recount) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (recon_resolution_valid(it->kind, reason, recount != 0, it->status,
				   &rule) < 0)
		return cli_error(
		    EXIT_DATAERR, "%s (%s) cannot be resolved %s: %s", card,
		    recon_disc_name(it->kind), recon_reason_name(reason), rule);
	ri->it = it;
	return resolve_effect(l, card, reason, ri);
}

/* The resolution row and, when it moves the card, its custody event, in
 * the caller's transaction. */
static int resolve_write(struct ledger *l, int64_t id, enum recon_reason reason,
			 const char *note, struct resolve_item *ri,
			 int64_t actor, int64_t now)
{
	struct disc_item *it = ri->it;
	struct resolution_rec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.session_id = id;
	r.card_id = it->card_id;
	snprintf(r.serial, sizeof(r.serial), "%s", it->serial);
	snprintf(r.mgmt_id, sizeof(r.mgmt_id), "%s", it->mgmt_id);
	snprintf(r.kind, sizeof(r.kind), "%s", recon_disc_name(it->kind));
	snprintf(r.location, sizeof(r.location), "%s", it->location);
	snprintf(r.found, sizeof(r.found), "%s", it->found);
	snprintf(r.reason, sizeof(r.reason), "%s", recon_reason_name(reason));
	snprintf(r.note, sizeof(r.note), "%s", note ? note : "");
	rc = ledger_resolution_add(l, &r, actor, now);
	/* A decision at the desk: no card is handled, so the safe's state
	 * does not flag it (recon_custody_handling). */
	if (rc == 0 && ri->moves)
		rc = ledger_custody_record(
		    l, &ri->card, custody_kind_name(ri->kind), ri->to,
		    ri->kind == CUSTODY_FOUND ? it->found : NULL, DATE_NONE,
		    actor, now, 0);
	return rc;
}

static void resolve_print(int json, int first, enum recon_reason reason,
			  const struct resolve_item *ri)
{
	const struct disc_item *it = ri->it;
	const char *name = it->mgmt_id[0] ? it->mgmt_id : it->serial;

	if (json) {
		fputs(first ? "" : ",", stdout);
		json_str(stdout, name);
		return;
	}
	printf("%s (%s): resolved %s", name, recon_disc_name(it->kind),
	       recon_reason_name(reason));
	if (ri->moves && ri->kind == CUSTODY_LOST)
		printf("; ledger status now lost: no longer expected in %s",
		       it->location);
	else if (ri->moves)
		printf("; back in storage at %s (%s)", ri->card.location,
		       card_status_name(ri->to));
	fputc('\n', stdout);
}

int book_resolve_write(struct ledger *l, int64_t id, struct resolve_item *items,
		       size_t n, enum recon_reason reason, const char *note,
		       const struct staff_rec *actor)
{
	int64_t now = cli_now();
	int rc = ledger_begin(l);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = resolve_write(l, id, reason, note, &items[i], actor->id,
				   now);
	if (rc == 0)
		rc = ledger_commit(l);
	if (rc < 0) {
		ledger_rollback(l);
		return cli_error(rc == LEDGER_ERR_EXISTS ||
					 rc == LEDGER_ERR_INVALID ||
					 rc == LEDGER_ERR_NOTFOUND
				     ? EXIT_DATAERR
				     : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	}
	return 0;
}

static int exec_resolve(struct cli *c, struct ledger *l)
{
	const char *reason_s = cli_opt(c, "reason");
	const char *note = cli_opt(c, "note");
	char *cards_s = (char *)cli_opt(c, "card");
	struct resolve_item items[MAX_CARDS];
	char *cards[MAX_CARDS];
	enum recon_reason reason;
	struct staff_rec actor;
	struct session_rec s;
	struct disc_list d;
	int64_t id;
	int n = 0, rc;

	if (!cards_s || !reason_s)
		return cli_usage(c, "--card and --reason are required");
	if (recon_reason_parse(reason_s, &reason) < 0)
		return cli_usage(c,
				 "--reason is found_elsewhere, data_error, "
				 "recounted or lost, not '%s'",
				 reason_s);
	if (note && strlen(note) > RESOLUTION_NOTE_MAX)
		return cli_error(EXIT_DATAERR, "--note is longer than %d bytes",
				 RESOLUTION_NOTE_MAX);
	for (char *t = strtok(cards_s, ","); t; t = strtok(NULL, ",")) {
		if (n == MAX_CARDS)
			return cli_usage(c, "at most %d cards at a time",
					 MAX_CARDS);
		cards[n++] = t;
	}
	if (n == 0)
		return cli_usage(c, "--card needs a management ID or serial");
	rc = count_arg(c, l, &s, &id);
	if (rc)
		return rc;
	rc = cli_actor(c, l, &actor);
	if (rc == 0)
		rc = cli_permit(&actor, ACT_RESOLVE);
	if (rc)
		return rc;
	if (s.closed_at)
		return cli_error(EXIT_DATAERR,
				 "count %lld is closed: its discrepancies "
				 "were settled when it closed",
				 (long long)id);
	rc = book_discrepancies(l, id, &d);
	if (rc)
		return rc;
	/* Every card is checked before anything is written: all or
	 * nothing. */
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = book_resolve_check(l, id, &d, cards[i], reason, &items[i]);
		for (int j = 0; rc == 0 && j < i; j++)
			if (items[j].it == items[i].it)
				rc = cli_error(EXIT_DATAERR,
					       "%s is named twice", cards[i]);
	}
	if (rc) {
		disc_list_free(&d);
		return rc;
	}
	rc = book_resolve_write(l, id, items, (size_t)n, reason, note, &actor);
	if (rc) {
		disc_list_free(&d);
		return rc;
	}
	if (c->json)
		printf("{\"session\":%lld,\"reason\":\"%s\",\"resolved\":[",
		       (long long)id, recon_reason_name(reason));
	for (int i = 0; i < n; i++)
		resolve_print(c->json, i == 0, reason, &items[i]);
	if (c->json) {
		/* Cards whose ledger status the resolution changed. */
		fputs("],\"status_changed\":[", stdout);
		for (int i = 0, k = 0; i < n; i++) {
			if (!items[i].moves)
				continue;
			fputs(k++ ? "," : "", stdout);
			fputs("{\"mgmt_id\":", stdout);
			json_str(stdout, items[i].it->mgmt_id);
			printf(",\"status\":\"%s\",\"location\":",
			       card_status_name(items[i].to));
			json_str(stdout, items[i].card.location);
			fputc('}', stdout);
		}
		printf("],\"unresolved\":%zu}\n", d.unresolved - (size_t)n);
	} else {
		printf("count %lld: %zu discrepanc%s still open\n",
		       (long long)id, d.unresolved - (size_t)n,
		       d.unresolved - (size_t)n == 1 ? "y" : "ies");
	}
	disc_list_free(&d);
	return EXIT_OK;
}

static const char *const resolve_options[] = {"card", "reason", "note", NULL};

const struct cmd_entry cmd_count_resolve_entry = {
    .name = "count resolve",
    .usage = "ID --card MGMT_ID|SERIAL[,...] --reason "
	     "found_elsewhere|data_error|recounted|lost [--note TEXT] "
	     "--as MANAGER [--pin-fd N] [--json]",
    .help = "a manager's resolution of discrepancies of a count",
    .options = resolve_options,
    .needs_db = 1,
    .exec = exec_resolve,
};

int book_recount(struct ledger *l, int64_t id, const char *range,
		 const char *who_s, const struct staff_rec *actor, int64_t *rid)
{
	struct staff_rec who;
	struct range_rec *ranges = NULL;
	struct session_rec s;
	int64_t loc = 0, *first = NULL;
	size_t n = 0, nfirst = 0;
	const char *rule;
	int rc = ledger_session_get(l, id, &s);

	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (s.closed_at)
		return cli_error(EXIT_DATAERR,
				 "count %lld is closed: recount before "
				 "closing",
				 (long long)id);
	rc = ledger_staff_get(l, who_s, &who);
	if (rc == LEDGER_ERR_NOTFOUND || (rc == 0 && !who.active))
		return cli_error(EXIT_DATAERR, "no active staff member %s",
				 who_s);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (ledger_session_ranges(l, id, &ranges, &n) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	for (size_t i = 0; i < n; i++)
		if (strcmp(ranges[i].path, range) == 0)
			loc = ranges[i].location_id;
	free(ranges);
	if (!loc)
		return cli_error(EXIT_DATAERR,
				 "%s is not a range of count %lld", range,
				 (long long)id);
	rc = book_first_counters(l, id, loc, &first, &nfirst);
	if (rc)
		return rc;
	if (nfirst == 0) {
		free(first);
		return cli_error(EXIT_DATAERR,
				 "range %s of count %lld has not been counted "
				 "yet: nothing to recount",
				 range, (long long)id);
	}
	if (recon_recount_allowed(who.id, first, nfirst, &rule) < 0) {
		free(first);
		return cli_error(EXIT_NOPERM, "%s counted %s in count %lld: %s",
				 who.code, range, (long long)id, rule);
	}
	free(first);
	rc = ledger_recount_start(l, id, range, who.id, actor->id, cli_now(),
				  rid);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	return 0;
}

static int exec_recount(struct cli *c, struct ledger *l)
{
	const char *range = cli_opt(c, "range");
	const char *who_s = cli_opt(c, "assign");
	struct staff_rec actor;
	struct session_rec s;
	int64_t id, rid = 0;
	int rc;

	if (!range || !who_s)
		return cli_usage(c, "--range and --assign are required");
	rc = count_arg(c, l, &s, &id);
	if (rc)
		return rc;
	rc = cli_actor(c, l, &actor);
	if (rc == 0)
		rc = cli_permit(&actor, ACT_RECOUNT);
	if (rc == 0)
		rc = book_recount(l, id, range, who_s, &actor, &rid);
	if (rc)
		return rc;
	if (c->json) {
		printf("{\"session\":%lld,\"recount_of\":%lld,\"range\":",
		       (long long)rid, (long long)id);
		json_str(stdout, range);
		fputs(",\"assignee\":", stdout);
		json_str(stdout, who_s);
		puts("}");
	} else {
		printf("%lld\n", (long long)rid);
	}
	return EXIT_OK;
}

static const char *const recount_options[] = {"range", "assign", NULL};

const struct cmd_entry cmd_count_recount_entry = {
    .name = "count recount",
    .usage = "ID --range R --assign STAFF --as MANAGER [--pin-fd N] "
	     "[--json]",
    .help = "open a recount of one range of a count, by another person; "
	    "prints its id",
    .options = recount_options,
    .needs_db = 1,
    .exec = exec_recount,
};
