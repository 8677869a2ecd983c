/*
 * `cardtally key ...`: the safe's key log (R14, R15; seeds 000 第3-1(1),
 * 002 (ｳ), 003).  The safe stays locked, also during office hours; each
 * opening needs a named key holder's permission.  So `key open` takes two
 * people in one command: the opener (--as) and the approver (--witness),
 * who must be another person and a named key holder or a manager.  Key
 * holders are named by a manager in order of responsibility (1 primary,
 * 2 deputy, ...).  One opening at a time; `key close` ends it.  Openings
 * longer than key_open_limit_minutes, or outside office_hours, are flagged
 * (recon_key_flags) here, in `key log`, `cardtally status` and the daily
 * report, which also list the cards handled while no opening was recorded
 * (recon_safe_flag); report.c prints both for all three.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../workflow/config.h"
#include "cli_pdf.h"
#include "report.h"

void cli_key_flag_names(unsigned flags, char *out, size_t cap)
{
	snprintf(
	    out, cap, "%s%s%s", flags & KEY_FLAG_LONG ? _("open too long") : "",
	    (flags & KEY_FLAG_LONG) && (flags & KEY_FLAG_OFF_HOURS) ? ", " : "",
	    flags & KEY_FLAG_OFF_HOURS ? _("outside office hours") : "");
}

int cli_key_flags_jw(struct json_w *w, unsigned flags)
{
	json_w_array(w);
	if (flags & KEY_FLAG_LONG)
		json_w_str(w, "long");
	if (flags & KEY_FLAG_OFF_HOURS)
		json_w_str(w, "off_hours");
	return json_w_end_array(w);
}

/* ---- key holder add / list ---- */

static int exec_holder_add(struct cli *c, struct ledger *l)
{
	const char *order_s = cli_opt(c, "order");
	struct staff_rec actor;
	struct wf_err e;
	char *end;
	long order;
	int rc;

	if (c->npos != 1)
		return cli_usage(c, "one staff CODE is required");
	if (!order_s)
		return cli_usage(c, "--order N is required (1: primary)");
	order = strtol(order_s, &end, 10);
	if (*order_s == '\0' || *end != '\0' || order < 1 ||
	    order > KEY_HOLDER_ORDER_MAX)
		return cli_usage(c, "--order takes 1-%d, not '%s'",
				 KEY_HOLDER_ORDER_MAX, order_s);
	rc = cli_step_actor(c, l, &actor);
	if (rc == 0 &&
	    wf_key_holder_add(l, &actor, c->pos[0], (int)order, cli_now(), &e))
		rc = cli_fail(&e);
	if (rc)
		return rc;
	fprintf(stderr, _("%s is key holder %ld\n"), c->pos[0], order);
	return EXIT_OK;
}

static const char *const holder_add_options[] = {"order", NULL};

const struct cmd_entry cmd_key_holder_add_entry = {
    .name = "key holder add",
    .usage = "CODE --order N --as MANAGER [--pin-fd N]",
    .help = N_("name a key holder of the safe (1 primary, 2 deputy)"),
    .options = holder_add_options,
    .needs_db = 1,
    .step = &wf_step_key_holder_add,
    .exec = exec_holder_add,
};

struct holder_ctx {
	struct json_w *jw; /* NULL: text */
	int n;
};

static int list_holder(const struct key_holder_rec *h, void *ctx)
{
	struct holder_ctx *s = ctx;

	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_int(s->jw, "order", h->order);
		json_w_key_str(s->jw, "staff", h->code);
		json_w_key_str(s->jw, "name", h->name);
		json_w_end_object(s->jw);
	} else {
		printf("%2d  %-10s %s\n", h->order, h->code, cli_text(h->name));
	}
	s->n++;
	return 0;
}

static int exec_holder_list(struct cli *c, struct ledger *l)
{
	struct json_w w;
	struct holder_ctx s = {.jw = c->json ? &w : NULL};
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	json_w_init(&w, stdout);
	if (s.jw) {
		json_w_object(&w);
		json_w_key(&w, "key_holders");
		json_w_array(&w);
	}
	rc = ledger_key_holder_each(l, list_holder, &s);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (s.jw) {
		json_w_end_array(&w);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	if (s.n == 0)
		fputs(_("no key holders named\n"), stderr);
	return EXIT_OK;
}

const struct cmd_entry cmd_key_holder_list_entry = {
    .name = "key holder list",
    .usage = "[--json]",
    .help = N_("the key holders of the safe, in order"),
    .options = NULL,
    .needs_db = 1,
    .exec = exec_holder_list,
};

/* ---- key open / close ---- */

static int exec_open(struct cli *c, struct ledger *l)
{
	const char *purpose = cli_opt(c, "purpose");
	struct staff_rec actor, appr;
	struct key_opening_rec o;
	struct wf_key_opened opened;
	struct config conf;
	struct wf_err e;
	char flags[64], pin[16];
	int order, rc;
	int64_t id;

	if (!purpose)
		return cli_usage(c, "--purpose TEXT is required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (!c->witness) {
		wf_fail(&e, WF_E_KEY_APPROVER_NEEDED);
		return cli_fail(&e);
	}
	rc = cli_second_pin(c, &actor, pin);
	if (rc)
		return rc;
	rc = wf_key_open(l, &actor, c->witness, pin, purpose, cli_now(),
			 &conf.key, &opened, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	id = opened.id;
	order = opened.order;
	appr = opened.approver;
	if (c->json) {
		rc = cli_json_id("opening", id);
		if (rc)
			return rc;
	} else {
		printf("%lld\n", (long long)id);
	}
	if (order)
		fprintf(stderr,
			_("safe opened by %s, approved by %s (key holder %d)\n"),
			actor.code, appr.code, order);
	else
		fprintf(stderr, _("safe opened by %s, approved by %s (manager)\n"),
			actor.code, appr.code);
	if (ledger_key_current(l, &o) == 0) {
		unsigned f = wf_key_flags(&o, cli_now(), &conf.key);

		cli_key_flag_names(f, flags, sizeof(flags));
		if (f)
			fprintf(stderr, _("flagged: %s\n"), flags);
	}
	return EXIT_OK;
}

static const char *const open_options[] = {"purpose", NULL};

const struct cmd_entry cmd_key_open_entry = {
    .name = "key open",
    .usage = "--purpose TEXT --as CODE [--pin-fd N] --witness KEY_HOLDER "
	     "[--witness-pin-fd N] [--json]",
    .help = N_("record an opening of the safe, approved by a key holder"),
    .options = open_options,
    .needs_db = 1,
    .step = &wf_step_key_open,
    .exec = exec_open,
};

static int exec_close(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	struct wf_err e;
	struct key_opening_rec o;
	struct config conf;
	char flags[64];
	unsigned f;
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (wf_key_close(l, &actor, cli_now(), &conf.key, &o, &e))
		return cli_fail(&e);
	f = wf_key_flags(&o, o.closed_at, &conf.key);
	cli_key_flag_names(f, flags, sizeof(flags));
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "opening", o.id);
		json_w_key_int(&w, "open_minutes",
			       (o.closed_at - o.opened_at) / 60);
		json_w_key(&w, "flags");
		cli_key_flags_jw(&w, f);
		json_w_end_object(&w);
		rc = cli_json_done(&w, EXIT_OK);
		if (rc)
			return rc;
	}
	fprintf(stderr, _("safe closed by %s after %lld min (opening %lld)%s%s\n"),
		actor.code, (long long)((o.closed_at - o.opened_at) / 60),
		(long long)o.id, f ? _(": flagged: ") : ""
, flags);
	return EXIT_OK;
}

const struct cmd_entry cmd_key_close_entry = {
    .name = "key close",
    .usage = "--as CODE [--pin-fd N] [--json]",
    .help = N_("record that the safe is closed again"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_key_close,
    .exec = exec_close,
};

/* ---- key log ---- */

/* The handovers of the key (issue 18): at the end of this file. */
static int key_log_handovers(struct ledger *l, struct json_w *jw);

/* The key log's openings gathered for the paper one. */
struct log_pdf {
	struct wf_opening *v;
	size_t n, cap;
	int64_t now;
	const struct recon_key_rules *rules;
};

static int log_pdf_add(const struct key_opening_rec *o, void *ctx)
{
	struct log_pdf *p = ctx;
	struct wf_opening *w;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		struct wf_opening *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return LEDGER_ERR_NOMEM;
		p->v = v;
		p->cap = cap;
	}
	w = &p->v[p->n++];
	memset(w, 0, sizeof(*w));
	w->o = *o;
	w->flags = wf_key_flags(o, p->now, p->rules);
	w->flags_recorded = wf_key_flags_recorded(o);
	w->minutes =
	    ((o->closed_at ? o->closed_at : p->now) - o->opened_at) / 60;
	return 0;
}

static int log_pdf(struct cli *c, struct ledger *l, const struct config *conf)
{
	struct log_pdf p = {.now = cli_now(), .rules = &conf->key};
	struct pdf_meta m;
	int rc = ledger_key_each_since(l, INT64_MIN, log_pdf_add, &p);

	if (rc < 0) {
		free(p.v);
		return rc == LEDGER_ERR_NOMEM
			   ? cli_error(EXIT_SOFTWARE, "out of memory")
			   : cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	}
	cli_pdf_meta(conf, &m);
	rc = cli_pdf_emit(c, pdf_key_log(p.v, p.n, &m), "the key log");
	free(p.v);
	return rc;
}

static int exec_log(struct cli *c, struct ledger *l)
{
	struct json_w w;
	struct report_list p = {.f = stdout,
				.jw = c->json ? &w : NULL,
				.indent = "",
				.now = cli_now()};
	struct config conf;
	int rc, pdf;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	p.rules = &conf.key;
	rc = cli_pdf_format(c, &pdf);
	if (rc)
		return rc;
	if (pdf)
		return log_pdf(c, l, &conf);
	/* report_opening and report_safe_closed (report.c) write their
	 * items through p.jw. */
	json_w_init(&w, stdout);
	if (p.jw) {
		json_w_object(&w);
		json_w_key(&w, "openings");
		json_w_array(&w);
	}
	rc = ledger_key_each_since(l, INT64_MIN, report_opening, &p);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (p.jw)
		json_w_end_array(&w);
	else if (p.n == 0)
		fputs(_("the safe has no recorded openings\n"), stderr);
	else if (p.flagged)
		printf(_("%d flagged\n"), p.flagged);
	/* Who held the key when (issue 18): each handover of an opening. */
	rc = key_log_handovers(l, p.jw);
	if (rc)
		return rc;
	if (p.jw) {
		json_w_key(&w, "safe_closed");
		json_w_array(&w);
	}
	/* R14: cards handled with no opening on record, at any time. */
	p.n = 0;
	p.indent = "  ";
	if (!p.jw)
		puts(_("handled while the safe was recorded closed:"));
	rc = ledger_safe_closed_each(l, INT64_MIN, INT64_MAX,
				     report_safe_closed, &p);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (p.jw) {
		json_w_end_array(&w);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	if (p.n == 0)
		puts(_("  none"));
	return EXIT_OK;
}

static const char *const key_log_options[] = {"format", "output", NULL};

const struct cmd_entry cmd_key_log_entry = {
    .name = "key log",
    .usage = "[--json | --format text|pdf [--output FILE]]",
    .help = N_("every opening of the safe, with its flags, and what was "
	    "handled while it was closed"),
    .options = key_log_options,
    .needs_db = 1,
    .exec = exec_log,
};

/* ---- key holder remove, key handover (issue 18) ---- */

static int exec_holder_remove(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	struct wf_err e;
	int order, rc;

	if (c->npos != 1)
		return cli_usage(c, "one staff CODE is required");
	rc = cli_step_actor(c, l, &actor);
	if (rc == 0 && wf_key_holder_remove(l, &actor, c->pos[0], cli_now(),
					    &order, &e))
		rc = cli_fail(&e);
	if (rc)
		return rc;
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_str(&w, "staff", c->pos[0]);
		json_w_key_int(&w, "order", order);
		json_w_end_object(&w);
		rc = cli_json_done(&w, EXIT_OK);
		if (rc)
			return rc;
	}
	fprintf(stderr, _("%s is no longer key holder %d\n"), c->pos[0],
		order);
	return EXIT_OK;
}

const struct cmd_entry cmd_key_holder_remove_entry = {
    .name = "key holder remove",
    .usage = "CODE --as MANAGER [--pin-fd N] [--json]",
    .help = N_("remove a key holder of the safe (the others keep their order)"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_key_holder_remove,
    .exec = exec_holder_remove,
};

static int exec_handover(struct cli *c, struct ledger *l)
{
	struct staff_rec actor;
	struct wf_key_handed h;
	struct wf_err e;
	char pin[16];
	int rc;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (!c->witness) {
		wf_fail(&e, WF_E_KEY_RECEIVER_NEEDED);
		return cli_fail(&e);
	}
	rc = cli_second_pin(c, &actor, pin);
	if (rc)
		return rc;
	rc = wf_key_handover(l, &actor, c->witness, pin, cli_now(), &h, &e);
	sodium_memzero(pin, sizeof(pin));
	if (rc)
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "handover", h.id);
		json_w_key_int(&w, "opening", h.opening);
		json_w_key_str(&w, "from", actor.code);
		json_w_key_str(&w, "to", h.receiver.code);
		json_w_end_object(&w);
		rc = cli_json_done(&w, EXIT_OK);
		if (rc)
			return rc;
	}
	fprintf(stderr, _("the safe's key passed from %s to %s (opening %lld)\n"),
		actor.code, h.receiver.code, (long long)h.opening);
	return EXIT_OK;
}

const struct cmd_entry cmd_key_handover_entry = {
    .name = "key handover",
    .usage = "--as HOLDER [--pin-fd N] --witness RECEIVER "
	     "[--witness-pin-fd N] [--json]",
    .help = N_("hand the open safe's key to another person, who confirms with "
	    "their PIN"),
    .options = NULL,
    .needs_db = 1,
    .step = &wf_step_key_handover,
    .exec = exec_handover,
};

/* The key log's handovers: text lines or the items of a JSON array. */
struct handover_ctx {
	struct json_w *jw; /* NULL: text */
	int n;
};

static int log_handover(const struct key_handover_rec *h, void *ctx)
{
	struct handover_ctx *s = ctx;
	char at[TIME_ISO_BUF];

	if (s->jw) {
		json_w_object(s->jw);
		json_w_key_int(s->jw, "opening", h->opening);
		cli_json_key_time(s->jw, "at", h->at);
		json_w_key_str(s->jw, "from", h->from);
		json_w_key_str(s->jw, "to", h->to);
		json_w_end_object(s->jw);
	} else {
		cli_time_iso(h->at, at);
		/* "2026-03-02T10:10:00+09:00" to "2026-03-02 10:10" */
		at[10] = ' ';
		at[16] = '\0';
		printf("  %4lld  %s  ", (long long)h->opening, at);
		printf(_("from %s to %s"), cli_text(h->from), cli_text(h->to));
		putchar('\n');
	}
	s->n++;
	return 0;
}

static int key_log_handovers(struct ledger *l, struct json_w *jw)
{
	struct handover_ctx s = {.jw = jw};
	int rc;

	if (jw) {
		json_w_key(jw, "handovers");
		json_w_array(jw);
	} else {
		puts(_("handovers of the key:"));
	}
	rc = ledger_key_handover_each(l, 0, log_handover, &s);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (jw)
		json_w_end_array(jw);
	else if (s.n == 0)
		printf("  %s\n", _("none"));
	return 0;
}
