/*
 * `cardtally note add` and `cardtally note list`: near-misses (R22,
 * ヒヤリハット), the small slips that did no harm this time, recorded with
 * who and when so that they are shared.  Any role may add one; listing is
 * read-only and needs no person.
 */
#include "cli.h"

static int exec_note_add(struct cli *c, struct ledger *l)
{
	const char *text = cli_opt(c, "text");
	const char *card = cli_opt(c, "card");
	struct staff_rec actor;
	int64_t id;
	int rc;

	if (!text)
		return cli_usage(c, "--text is required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_actor(c, l, &actor);
	if (rc)
		return rc;
	rc = cli_permit(&actor, ACT_NOTE_ADD);
	if (rc)
		return rc;
	rc = ledger_note_add(l, actor.id, cli_now(), text, card, &id);
	if (rc == LEDGER_ERR_INVALID)
		return cli_error(EXIT_DATAERR, "%s", ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (c->json)
		printf("{\"note\":%lld}\n", (long long)id);
	else
		printf("%lld\n", (long long)id);
	fprintf(stderr, "near-miss %lld recorded by %s\n", (long long)id,
		actor.code);
	return EXIT_OK;
}

static const char *const note_add_options[] = {"text", "card", NULL};

const struct cmd_entry cmd_note_add_entry = {
    .name = "note add",
    .usage = "--text TEXT [--card MGMT_ID] --as CODE [--pin-fd N] [--json]",
    .help = "record a near-miss (who, when, what, which card)",
    .options = note_add_options,
    .needs_db = 1,
    .exec = exec_note_add,
};

struct list_ctx {
	int json;
	int n;
};

static int list_row(void *ctx, const struct note_row *r)
{
	struct list_ctx *s = ctx;
	char when[TIME_ISO_BUF];

	if (s->json) {
		printf("%s{\"id\":%lld,\"at\":", s->n ? "," : "",
		       (long long)r->id);
		json_time(stdout, r->at);
		fputs(",\"by\":", stdout);
		json_str(stdout, r->staff);
		fputs(",\"mgmt_id\":", stdout);
		json_str_or_null(stdout, r->mgmt_id);
		fputs(",\"text\":", stdout);
		json_str(stdout, r->text);
		fputs("}", stdout);
	} else {
		cli_time_iso(r->at, when);
		printf("%4lld  %s  %-8s %-12s %s\n", (long long)r->id, when,
		       r->staff, r->mgmt_id[0] ? r->mgmt_id : "-", r->text);
	}
	s->n++;
	return 0;
}

static int exec_note_list(struct cli *c, struct ledger *l)
{
	struct list_ctx s = {.json = c->json};
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (s.json)
		fputs("{\"notes\":[", stdout);
	rc = ledger_note_list(l, list_row, &s);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (s.json)
		fputs("]}\n", stdout);
	else if (s.n == 0)
		fputs("no near-misses recorded\n", stderr);
	return EXIT_OK;
}

const struct cmd_entry cmd_note_list_entry = {
    .name = "note list",
    .usage = "[--json]",
    .help = "list the near-misses, oldest first",
    .options = NULL,
    .needs_db = 1,
    .exec = exec_note_list,
};
