/*
 * `cardtally backup [DIR]`, `cardtally backup verify FILE` and
 * `cardtally restore FILE` (issue 14): the front end of wf_backup.c.
 * backup needs nobody (a timer runs it) and opens the ledger itself,
 * without migrating it; verify only reads the copy; restore is a
 * manager's step, with the PIN checked on the ledger it replaces (or on
 * the copy when there is none).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../workflow/config.h"
#include "cli.h"

/* ---- backup ---- */

static void say_removed(void *ctx, const char *name)
{
	(void)ctx;
	fprintf(stderr, _("removed old backup %s\n"), name);
}

static int exec_backup(struct cli *c, struct ledger *l)
{
	struct wf_backup_made made;
	struct config conf;
	struct wf_err e;
	struct json_w w;
	int rc;

	(void)l;
	if (c->npos > 1)
		return cli_usage(c, "unexpected argument '%s'", c->pos[1]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	if (wf_backup(c->db, c->npos ? c->pos[0] : conf.backup_dir,
		      conf.backup_keep_daily, conf.backup_keep_monthly,
		      cli_now(), c->json ? NULL : say_removed, NULL, &made, &e))
		return cli_fail(&e);
	if (!c->json) {
		/* The path alone on stdout: what a script or the package's
		 * upgrade keeps. */
		printf("%s\n", made.path);
		return EXIT_OK;
	}
	json_w_init(&w, stdout);
	json_w_object(&w);
	json_w_key_str(&w, "path", made.path);
	json_w_key_int(&w, "schema_version", made.version);
	json_w_key_int(&w, "audit_entries", made.entries);
	json_w_key_uint(&w, "removed", made.removed);
	json_w_end_object(&w);
	return cli_json_done(&w, EXIT_OK);
}

const struct cmd_entry cmd_backup_entry = {
    .name = "backup",
    .usage = "[DIR] [--json]",
    .help = N_("copy the ledger into DIR (else the configured backup_dir) "
	    "while it is in use, and remove old copies"),
    .exec = exec_backup,
};

/* ---- backup verify ---- */

static int exec_verify(struct cli *c, struct ledger *l)
{
	struct wf_backup_check v;
	char hex[AUDIT_HEX_BUF];
	struct wf_err e;
	struct json_w w;

	(void)l;
	if (c->npos != 1)
		return cli_usage(c, "the backup FILE to check is required");
	if (wf_backup_verify(c->pos[0], &v, &e))
		return cli_fail(&e);
	audit_hex(v.head, hex);
	if (c->json) {
		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_str(&w, "file", c->pos[0]);
		json_w_key_str(&w, "integrity", v.integrity);
		json_w_key_int(&w, "schema_version", v.version);
		json_w_key_int(&w, "this_schema_version",
			       LEDGER_SCHEMA_VERSION);
		json_w_key_bool(&w, "audit_intact", 1);
		json_w_key_int(&w, "audit_entries", v.entries);
		json_w_key_int(&w, "records", v.records);
		json_w_key_int(&w, "replayed", v.replayed);
		json_w_key_bool(&w, "migrated_copy", v.migrated);
		json_w_key_int(&w, "anchor_entry", v.head_id);
		json_w_key_str(&w, "anchor", hex);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	printf(_("backup %s\n"), cli_text(c->pos[0]));
	/* "ok" alone is also a count-only state's word (wf_word): the
	 * whole line is one message, so that each has its own. */
	if (strcmp(v.integrity, "ok") == 0)
		printf("%s", _("integrity check: ok\n"));
	else
		printf(_("integrity check: %s\n"), v.integrity);
	printf(_("schema version: %d (this cardtally: %d%s)\n"), v.version,
	       LEDGER_SCHEMA_VERSION,
	       v.version < LEDGER_SCHEMA_VERSION ? _("; restore migrates it")
						 : "");
	printf(_("audit log intact: %lld entries; %lld rows match their "
	       "entries; %lld card, terminal and staff rows hold what the "
	       "log says%s\n"),
	       (long long)v.entries, (long long)v.records,
	       (long long)v.replayed,
	       v.migrated ? _(" (checked on a migrated scratch copy)") : "");

	printf(_("anchor: --expect-rows %lld --anchor %s\n"), (long long)v.head_id,
	       hex);
	return EXIT_OK;
}

const struct cmd_entry cmd_backup_verify_entry = {
    .name = "backup verify",
    .usage = "FILE [--json]",
    .help = N_("check a backup: integrity, schema version and audit log"),
    .exec = exec_verify,
};

/* ---- restore ---- */

static const char *chain_word(enum recon_chain ch)
{
	switch (ch) {
	case CHAIN_NO_LEDGER:
		return _("no ledger was there");
	case CHAIN_SAME:
		return _("the backup holds the ledger's entries, no more");
	case CHAIN_AHEAD:
		return _("the backup holds the ledger's entries and more");
	case CHAIN_BEHIND:
		return _("the backup was older than the ledger");
	case CHAIN_DIVERGED:
		return _("the backup was of another history than the ledger");
	}
	return "?";
}

static int exec_restore(struct cli *c, struct ledger *l)
{
	const char *reason = cli_opt(c, "reason");
	int force = cli_opt(c, "force") != NULL;
	struct wf_restored r;
	struct wf_err e;
	struct json_w w;
	char pin[16], prompt[80];
	int rc;

	(void)l;
	if (c->npos != 1)
		return cli_usage(c, "the backup FILE to restore is required");
	if (!c->as)
		return cli_usage(c, "--as STAFF_CODE is required");
	if (reason && !force)
		return cli_usage(c, "--reason goes with --force");
	snprintf(prompt, sizeof(prompt), _("PIN for %s: "), c->as);
	rc = cli_read_pin(c->pin_fd, prompt, "--pin-fd", pin);
	if (rc)
		return rc;
	rc = wf_restore(c->db, c->pos[0], c->as, pin, force, reason, cli_now(),
			&r, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	if (c->json) {
		static const char *const names[] = {
		    "no_ledger", "same", "ahead", "behind", "diverged"};

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_str(&w, "ledger", c->db);
		json_w_key_str(&w, "restored_from", c->pos[0]);
		json_w_key_str(&w, "chain", names[r.chain]);
		json_w_key_bool(&w, "forced", force);
		if (r.aside[0])
			json_w_key_str(&w, "kept_aside", r.aside);
		else
			json_w_key_null(&w, "kept_aside");
		json_w_key_int(&w, "audit_entries", r.check.head_id);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	printf(_("restored %s from %s (%s)\n"), cli_text(c->db),
	       cli_text(c->pos[0]), chain_word(r.chain));
	if (r.aside[0])
		printf(_("the ledger it replaced is kept as %s\n"),
		       cli_text(r.aside));
	return EXIT_OK;
}

static const char *const restore_options[] = {"force!", "reason", NULL};

const struct cmd_entry cmd_restore_entry = {
    .name = "restore",
    .usage = "FILE --as MANAGER [--pin-fd N] [--force --reason TEXT] "
	     "[--json]",
    .help = N_("replace the ledger with a backup (a manager; an older backup "
	    "only with --force and a reason)"),
    .options = restore_options,
    .step = &wf_step_restore,
    .exec = exec_restore,
};
