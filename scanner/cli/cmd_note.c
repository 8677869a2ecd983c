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
	struct wf_err e;
	int64_t id;
	int rc;

	if (!text)
		return cli_usage(c, "--text is required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_step_actor(c, l, &actor);
	if (rc == 0 && wf_note_add(l, &actor, text, card, cli_now(), &id, &e))
		rc = cli_fail(&e);
	if (rc)
		return rc;
	if (c->json) {
		rc = cli_json_id("note", id);
		if (rc)
			return rc;
	} else {
		printf("%lld\n", (long long)id);
	}
	fprintf(stderr, _("near-miss %lld recorded by %s\n"), (long long)id,
		actor.code);
	return EXIT_OK;
}

static const char *const note_add_options[] = {"text", "card", NULL};

const struct cmd_entry cmd_note_add_entry = {
    .name = "note add",
    .usage = "--text TEXT [--card MGMT_ID] --as CODE [--pin-fd N] [--json]",
    .help = N_("record a near-miss (who, when, what, which card)"),
    .options = note_add_options,
    .needs_db = 1,
    .step = &wf_step_note_add,
    .exec = exec_note_add,
};

/* One near-miss: an object of jw, or a line of text when jw is NULL. */
static void print_note(const struct wf_note *r, struct json_w *jw)
{
	char when[TIME_ISO_BUF];

	if (jw) {
		json_w_object(jw);
		json_w_key_int(jw, "id", r->id);
		cli_json_key_time(jw, "at", r->at);
		json_w_key_str(jw, "by", r->staff);
		json_w_key_opt_str(jw, "mgmt_id", r->mgmt_id);
		json_w_key_str(jw, "text", r->text);
		json_w_end_object(jw);
		return;
	}
	cli_time_iso(r->at, when);
	printf("%4lld  %s  %-8s %-12s ", (long long)r->id, when, r->staff,
	       r->mgmt_id[0] ? r->mgmt_id : "-");
	cli_put_text(stdout, r->text);
	putchar('\n');
}

static int exec_note_list(struct cli *c, struct ledger *l)
{
	struct wf_note_list n;
	struct wf_err e;
	struct json_w w, *jw = c->json ? &w : NULL;
	int rc = EXIT_OK;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (wf_note_list(l, &n, &e))
		return cli_fail(&e);
	json_w_init(&w, stdout);
	if (jw) {
		json_w_object(jw);
		json_w_key(jw, "notes");
		json_w_array(jw);
	}
	for (size_t i = 0; i < n.n; i++)
		print_note(&n.v[i], jw);
	if (jw) {
		json_w_end_array(jw);
		json_w_end_object(jw);
		rc = cli_json_done(jw, EXIT_OK);
	} else if (n.n == 0) {
		fputs(_("no near-misses recorded\n"), stderr);
	}
	wf_note_list_free(&n);
	return rc;
}

const struct cmd_entry cmd_note_list_entry = {
    .name = "note list",
    .usage = "[--json]",
    .help = N_("list the near-misses, oldest first"),
    .options = NULL,
    .needs_db = 1,
    .exec = exec_note_list,
};
