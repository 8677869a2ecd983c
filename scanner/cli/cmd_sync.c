/*
 * The city-wide hub from the command line (issue 16): at a ward,
 * `cardtally sync key` (its public key, for enrolment) and `cardtally
 * sync` (the outbox sent); at the hub, `cardtally hub migrate`, `hub
 * enrol` and `hub report`.  The front end of wf_sync.c.  None needs a
 * person: sync runs from a timer, and the hub's commands act on the
 * database the connection string reaches, with its rights.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../workflow/config.h"
#include "../workflow/wf_sync.h"
#include "cli.h"

/* --hub, else the configuration's hub. */
static const char *hub_of(struct cli *c, const struct config *conf)
{
	const char *h = cli_opt(c, "hub");

	return h ? h : conf->hub;
}

/* ---- sync key ---- */

static int exec_sync_key(struct cli *c, struct ledger *l)
{
	struct wf_sync_key k;
	struct wf_err e;
	struct json_w w;

	(void)l;
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (wf_sync_key(c->db, &k, &e))
		return cli_fail(&e);
	if (k.made)
		fprintf(stderr, _("made the sync key %s\n"), cli_text(k.path));
	if (!c->json) {
		/* The key alone on stdout: what enrolment takes. */
		printf("%s\n", k.pk);
		return EXIT_OK;
	}
	json_w_init(&w, stdout);
	json_w_object(&w);
	json_w_key_str(&w, "public_key", k.pk);
	json_w_key_str(&w, "key_file", k.path);
	json_w_key_bool(&w, "made", k.made);
	json_w_end_object(&w);
	return cli_json_done(&w, EXIT_OK);
}

const struct cmd_entry cmd_sync_key_entry = {
    .name = "sync key",
    .usage = "[--json]",
    .help = N_("print this ward's public key for enrolment at the hub (the "
	    "key is made beside the ledger on first use)"),
    .exec = exec_sync_key,
};

/* ---- sync ---- */

static void say_sent(void *ctx, const struct outbox_batch *b,
		     enum hub_verdict v)
{
	(void)ctx;
	printf(_("batch %lld (audit entries %lld-%lld): %s\n"), (long long)b->seq,
	       (long long)b->first, (long long)b->last,
	       v == HUB_ACCEPTED ? _("sent") : _("the hub had it already"));
}

static int exec_sync(struct cli *c, struct ledger *l)
{
	const char *batch = cli_opt(c, "batch"), *ward = cli_opt(c, "ward");
	struct wf_sync_result r;
	struct config conf;
	struct wf_err e;
	struct json_w w;
	long max = OUTBOX_BATCH_MAX;
	int rc;

	(void)l;
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (batch) {
		char *end;

		max = strtol(batch, &end, 10);
		if (!*batch || *end || max < 1 || max > OUTBOX_BATCH_MAX)
			return cli_usage(c,
					 "--batch takes 1-%d entries, not '%s'",
					 OUTBOX_BATCH_MAX, batch);
	}
	rc = config_load(&conf);
	if (rc)
		return rc;
	rc = wf_sync(c->db, hub_of(c, &conf), ward ? ward : conf.ward_code, max,
		     cli_now(), c->json ? NULL : say_sent, NULL, &r, &e);
	if (c->json) {
		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_bool(&w, "ok", rc == 0);
		json_w_key_int(&w, "cut", r.cut);
		json_w_key_int(&w, "sent", r.sent);
		json_w_key_int(&w, "duplicates", r.duplicates);
		json_w_key_int(&w, "pending", r.pending);
		json_w_key_int(&w, "acked_batch", r.acked_seq);
		json_w_key_int(&w, "acked_entry", r.acked_entry);
		json_w_key_int(&w, "entries", r.entries);
		json_w_end_object(&w);
		rc = cli_json_done(&w, rc);
	} else if (rc == 0) {
		printf(ngettext("synced: the hub has audit entries 1-%lld of "
				"%lld; %lld batch pending\n",
				"synced: the hub has audit entries 1-%lld of "
				"%lld; %lld batches pending\n",
				(unsigned long)r.pending),
		       (long long)r.acked_entry, (long long)r.entries,
		       (long long)r.pending);
	}
	/* A refusal or a hub out of reach is said on stderr whatever the
	 * format: a timer's log must show it. */
	if (rc && rc != EXIT_IOERR)
		return cli_fail(&e);
	return rc;
}

static const char *const sync_options[] = {"hub", "ward", "batch", NULL};

const struct cmd_entry cmd_sync_entry = {
    .name = "sync",
    .usage = "[--hub CONNINFO] [--ward CODE] [--batch N] [--json]",
    .help = N_("send the audit log's new entries to the city-wide hub in "
	    "signed batches"),
    .options = sync_options,
    .exec = exec_sync,
};

/* ---- hub migrate ---- */

/* --pg-lib, else $CARDTALLY_PG_LIB, else where `make install` puts the
 * hub's PostgreSQL functions: a path on the hub's server. */
static const char *pg_lib_of(struct cli *c)
{
	const char *p = cli_opt(c, "pg-lib");

	if (!p || !*p)
		p = getenv("CARDTALLY_PG_LIB");
	return p && *p ? p : CT_PGLIB;
}

static int exec_hub_migrate(struct cli *c, struct ledger *l)
{
	struct config conf;
	struct wf_err e;
	int from = 0, to = 0, rc;

	(void)l;
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_hub_migrate(hub_of(c, &conf), pg_lib_of(c), &from, &to, &e))
		return cli_fail(&e);
	if (from == to)
		printf(_("hub schema version %d: up to date\n"), to);
	else
		printf(_("hub schema version %d -> %d\n"), from, to);
	return EXIT_OK;
}

static const char *const migrate_options[] = {"hub", "pg-lib", NULL};

const struct cmd_entry cmd_hub_migrate_entry = {
    .name = "hub migrate",
    .usage = "[--hub CONNINFO] [--pg-lib PATH]",
    .help = N_("make a PostgreSQL database the city-wide hub, or bring its "
	    "schema up to date"),
    .options = migrate_options,
    .exec = exec_hub_migrate,
};

/* ---- hub enrol ---- */

static int exec_hub_enrol(struct cli *c, struct ledger *l)
{
	const char *name = cli_opt(c, "name");
	struct config conf;
	struct wf_err e;
	int rc;

	(void)l;
	if (c->npos != 2)
		return cli_usage(c, "the WARD code and its public KEY are "
				    "required");
	rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_hub_enrol(hub_of(c, &conf), c->pos[0], name ? name : "",
			 c->pos[1], cli_now(), &e))
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_str(&w, "ward", c->pos[0]);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	printf(_("enrolled ward %s\n"), c->pos[0]);
	return EXIT_OK;
}

static const char *const enrol_options[] = {"hub", "name", NULL};

const struct cmd_entry cmd_hub_enrol_entry = {
    .name = "hub enrol",
    .usage = "WARD KEY [--name NAME] [--hub CONNINFO] [--json]",
    .help = N_("register a ward's public key (from 'cardtally sync key') at "
	    "the hub"),
    .options = enrol_options,
    .exec = exec_hub_enrol,
};

/* `hub report`: cmd_hub_report.c. */
