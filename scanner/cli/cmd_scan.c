/*
 * `cardtally scan` and `scan undo`: the command line's side of the scan
 * session (scanner/workflow/wf_scan.c does the reading, deciding and
 * recording): the options, the signals that stop a scan, and one line per
 * event as the workflow returns it, already on disk.  The same printer
 * serves `demo`, and reader_collect gives checkout, return, move and count
 * total their reader.
 *
 * A scan ends when the reader's script ends (sim), when a read is refused
 * (the count or tally was closed meanwhile, the range given to someone
 * else: every later read would be refused too), or on a signal: SIGINT,
 * SIGTERM and SIGHUP end it between two reads with its summary and exit
 * 128 + the signal's number (everything read so far is kept); SIGPIPE
 * (the reader of the output went away, `scan --json | head -1`) ends it
 * the same way instead of killing it unseen.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/profile.h"
#include "../workflow/config.h"
#include "../workflow/wf_scan.h"
#include "cli_code.h"
#include "report.h"

void scan_totals_words(const struct wf_scan_totals *t, char reps[48],
		       char alerts[48])
{
	snprintf(reps, 48,
		 ngettext("%ld repeat", "%ld repeats", (unsigned long)t->repeats),
		 t->repeats);
	snprintf(alerts, 48,
		 ngettext("%ld alert", "%ld alerts", (unsigned long)t->alerts),
		 t->alerts);
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	case SIGPIPE:
		return "SIGPIPE";
	default:
		return "a signal";
	}
}

/* What the printers need: how to print, and what is scanned. */
struct scan_out {
	FILE *out;
	int json;
	enum scan_verbosity verbosity;
	const char *range; /* a count's range; NULL: a tally */
	int64_t session_id, disposal_id;
};

/* JSON: each event is one line, an object that begins with its "event"
 * and ends with its "at"; event_end closes and flushes it. */
static void event_begin(struct json_w *w, const struct scan_out *a,
			const char *event)
{
	json_w_init(w, a->out);
	json_w_object(w);
	json_w_key_str(w, "event", event);
}

static void event_end(struct json_w *w, int64_t at)
{
	cli_json_key_time(w, "at", at);
	json_w_end_object(w);
	cli_json_done(w, EXIT_OK); /* a writer's refusal is said */
	fflush(w->f);
}

static void emit_reader_event(const struct scan_out *a, const char *event,
			      int64_t at)
{
	struct json_w w;

	if (a->verbosity == SCAN_QUIET)
		return;
	if (a->json) {
		event_begin(&w, a, event);
		json_w_key_opt_str(&w, "range", a->range);
		event_end(&w, at);
		return;
	}
	if (strcmp(event, "reader_lost") == 0) {
		fputs(_("!! READER LOST: the session is paused; reconnect the "
		      "reader to go on (nothing read so far is lost)\n"),
		      a->out);
	} else {
		fputs(_("-- reader back: scanning resumes\n"), a->out);
	}
	fflush(a->out);
}

/* A card the profile could not identify: told, alerted, never counted.
 * A card without certificates is said as such (no_cert). */
static void emit_unreadable(const struct scan_out *a, const char *why,
			    int no_cert, int64_t at)
{
	struct json_w w;

	if (a->json) {
		event_begin(&w, a, no_cert ? "no_certificate" : "unreadable");
		json_w_key_opt_str(&w, "range", a->range);
		json_w_key_str(&w, "message", why);
		event_end(&w, at);
		return;
	}
	if (a->verbosity != SCAN_QUIET) {
		/* why is the reader's message, already in the clerk's
		 * language (drivers/ translates it), or the workflow's
		 * English WF_NO_CERT_MESSAGE. */
		fprintf(a->out, _("!! %s: %s (not counted)\n"),
			no_cert ? _("NO CERTIFICATE") : _("CARD NOT READ"),
			no_cert ? _(why) : why);
	}
	fflush(a->out);
}

/*
 * A read that was NOT recorded (refused, or the ledger failed): JSON
 * "refused" with the message; in text the message goes to stderr with
 * the command's error (cli_fail), where the operator sees it once.
 */
static void emit_refused(const struct scan_out *a,
			 const struct wf_scan_read *res, const struct wf_err *e)
{
	char msg[WF_ARGS_MAX * WF_ARG_BYTES];
	struct json_w w;

	if (!a->json)
		return;
	wf_render(wf_message(e->code), e, NULL, msg, sizeof(msg));
	event_begin(&w, a, "refused");
	json_w_key_str(&w, "serial", res->serial);
	json_w_key_opt_str(&w, "range", a->range);
	json_w_key_str(&w, "message", msg);
	event_end(&w, res->at);
}

/*
 * A card the ledger says is lost, read: the loud part of the alert (JSON:
 * "lost", its declaration or null when none is on record).  lost NULL: no
 * declaration on record (a card imported as lost).
 */
static void lost_json(struct json_w *w, const struct lost_rec *lost)
{
	if (!lost) {
		json_w_key_null(w, "lost");
		return;
	}
	json_w_key(w, "lost");
	json_w_object(w);
	if (lost->session)
		json_w_key_int(w, "count", lost->session);
	else
		json_w_key_null(w, "count");
	cli_json_key_time(w, "at", lost->at);
	json_w_key_str(w, "by", lost->by);
	json_w_end_object(w);
}

/* "ledger: lost (count 3, 2026-04-25), found in SAFE1/T02" */
static void lost_text(FILE *f, const struct lost_rec *lost, const char *where)
{
	char day[11];

	fputs(_("LOST CARD READ: ledger: lost ("), f);
	if (!lost) {
		fputs(_("no declaration on record"), f);
	} else {
		date_format(date_of_time(lost->at, cli_utc_offset(lost->at)),
			    day);
		if (lost->session)
			fprintf(f, _("count %lld, "), (long long)lost->session);
		fprintf(f, _("%s, by %s"), day, lost->by);
	}
	fprintf(f, _("), found %s"), cli_text(where));
}

static void emit_read(const struct scan_out *a, const struct wf_scan_read *res)
{
	FILE *f = a->out;
	const char *serial = res->serial;
	const struct scan_lookup *lk = &res->lk;
	enum recon_outcome o = res->outcome;
	enum recon_why why = res->why;
	int64_t at = res->at;
	const struct lost_rec *lost = res->have_lost ? &res->lost : NULL;
	int is_lost = lk->known && why == WHY_NOT_IN_STOCK &&
		      lk->card.status == CARD_LOST;
	struct json_w w;

	if (a->json) {
		event_begin(&w, a, recon_outcome_name(o));
		if (o == RECON_ALERT)
			json_w_key_str(&w, "why", recon_why_name(why));
		json_w_key_str(&w, "serial", serial);
		json_w_key_opt_str(&w, "mgmt_id",
				   lk->known ? lk->card.mgmt_id : NULL);
		json_w_key_opt_str(&w, "range", a->range);
		if (lk->known &&
		    (why == WHY_MISPLACED || why == WHY_NOT_IN_STOCK))
			json_w_key_str(&w, "expected_location",
				       lk->card.location);
		if (why == WHY_NOT_IN_STOCK)
			json_w_key_str(&w, "status",
				       card_status_name(lk->card.status));
		if (is_lost)
			lost_json(&w, lost);
		if (o == RECON_REPEAT)
			json_w_key_opt_str(&w, "first_range", lk->first_range);
		event_end(&w, at);
		return;
	}
	if (a->verbosity == SCAN_QUIET ||
	    (o == RECON_ACCEPTED && a->verbosity == SCAN_ALERTS_ONLY))
		return;
	switch (o) {
	case RECON_ACCEPTED:
		fprintf(f, _("   ok      %-12s %s\n"), lk->card.mgmt_id, serial);
		break;
	case RECON_REPEAT:
		fprintf(f,
			_("   repeat  %-12s %s (already read in %s; not "
			"counted again)\n"),
			lk->known ? lk->card.mgmt_id : "-", serial,
			lk->first_range[0] ? lk->first_range : _("this count"));
		break;
	case RECON_ALERT:
		fprintf(f, _("!! ALERT   %-12s %s in %s: "),
			lk->known ? lk->card.mgmt_id : "-", serial,
			a->range ? a->range : _("the tally"));
		if (why == WHY_UNKNOWN)
			fputs(_("unknown card, not in the ledger\n"), f);
		else if (why == WHY_MISPLACED)
			fprintf(f, _("misplaced, belongs to %s\n"),
				cli_text(lk->card.location));
		else if (is_lost && a->range) {
			lost_text(f, lost, _("in "));
			fprintf(f,
				_("%s\n!! keep it apart: a manager resolves it "
				"(count resolve %lld --card %s --reason "
				"found_elsewhere)\n"),
				a->range, (long long)a->session_id,
				lk->card.mgmt_id);
		} else if (is_lost) {
			lost_text(f, lost, _("at the window"));
			fputs(
			    _("\n!! keep it apart: a count of its tray reads it "
			    "and a manager resolves it as found\n"),
			    f);
		} else if (why == WHY_NOT_IN_STOCK)
			fprintf(f, _("should not be here, ledger says %s\n"),
				cli_code(card_status_name(lk->card.status)));
		else
			fputs(_("due for disposal\n"), f);
		break;
	}
	fflush(f);
}

static void emit_disposal_read(const struct scan_out *a,
			       const struct wf_scan_read *res)
{
	FILE *f = a->out;
	const char *serial = res->serial;
	const struct card_rec *card = &res->lk.card;
	int known = res->lk.known;
	enum recon_outcome o = res->outcome;
	enum recon_due_why due = res->due;
	int32_t since = res->due_since;
	int64_t other = res->other_disposal, at = res->at;
	const struct lost_rec *lost = res->have_lost ? &res->lost : NULL;
	char day[11], dname[24];
	int is_lost = known && o == RECON_ALERT && card->status == CARD_LOST;
	struct json_w w;

	if (a->json) {
		event_begin(&w, a, recon_outcome_name(o));
		/* A lost card is not in stock at all, which matters more
		 * than that it is not due. */
		if (o == RECON_ALERT)
			json_w_key_str(&w, "why",
				       !known	 ? "unknown"
				       : other	 ? "in_disposal"
				       : is_lost ? "not_in_stock"
						 : "not_due");
		if (other) {
			snprintf(dname, sizeof(dname), "D%lld",
				 (long long)other);
			json_w_key_str(&w, "other_disposal", dname);
		}
		json_w_key_str(&w, "serial", serial);
		json_w_key_opt_str(&w, "mgmt_id", known ? card->mgmt_id : NULL);
		snprintf(dname, sizeof(dname), "D%lld",
			 (long long)a->disposal_id);
		json_w_key_str(&w, "disposal", dname);
		if (known && o == RECON_ALERT)
			json_w_key_str(&w, "status",
				       card_status_name(card->status));
		if (is_lost)
			lost_json(&w, lost);
		if (o == RECON_ACCEPTED) {
			json_w_key_str(&w, "due", recon_due_why_name(due));
			if (since == DATE_NONE) {
				json_w_key_null(&w, "due_since");
			} else {
				date_format(since, day);
				json_w_key_str(&w, "due_since", day);
			}
		}
		event_end(&w, at);
		return;
	}
	if (a->verbosity != SCAN_QUIET) {
		if (o == RECON_ACCEPTED)
			fprintf(f, _("   dispose %-12s %s (%s)\n"), card->mgmt_id,
				serial, cli_code(recon_due_why_name(due)));
		else if (o == RECON_REPEAT)
			fprintf(f,
				_("   repeat  %-12s %s (already in this "
				"disposal)\n"),
				card->mgmt_id, serial);
		else if (other)
			fprintf(f,
				_("!! REFUSED %-12s %s: already in disposal "
				"D%lld, still open\n"),
				card->mgmt_id, serial, (long long)other);
		else if (is_lost) {
			fprintf(f, _("!! REFUSED %-12s %s: "), card->mgmt_id,
				serial);
			lost_text(f, lost, _("in a disposal"));
			fputs(
			    _("\n!! keep it apart, not in the disposal: a count "
			    "of its tray reads it and a manager resolves it "
			    "as found\n"),
			    f);
		} else if (known)
			fprintf(f,
				_("!! REFUSED %-12s %s: not due for disposal "
				"(ledger says %s); put it back\n"),
				card->mgmt_id, serial,
				cli_code(card_status_name(card->status)));

		else
			fprintf(f,
				_("!! REFUSED -            %s: unknown card, not "
				"in the ledger\n"),
				serial);
	}
	fflush(f);
}

/* Prints one event of the loop (wf_scan_run); 1 when the output is gone
 * (a full disk, a closed pipe): the scan then stops, every read reported
 * so far being on disk. */
static int report_event(void *ctx, const struct wf_scan_event *ev,
			const struct wf_err *e)
{
	const struct scan_out *a = ctx;

	switch (ev->kind) {
	case WF_SCAN_LOST:
	case WF_SCAN_BACK:
		emit_reader_event(
		    a, ev->kind == WF_SCAN_LOST ? "reader_lost" : "reader_back",
		    cli_now());
		break;
	case WF_SCAN_UNREADABLE:
		emit_unreadable(a, ev->message, ev->no_cert, ev->at);
		break;
	case WF_SCAN_REFUSED:
		emit_refused(a, &ev->res, e);
		break;
	case WF_SCAN_READ:
		if (a->disposal_id)
			emit_disposal_read(a, &ev->res);
		else
			emit_read(a, &ev->res);
		break;
	default:
		break;
	}
	return ferror(a->out) != 0;
}

/* The first read flagged as handling cards while the safe is recorded
 * closed says so on stderr, once a run. */
static int safe_warned;

static int report_and_warn(void *ctx, const struct wf_scan_event *ev,
			   const struct wf_err *e)
{
	const struct scan_out *a = ctx;

	if (ev->kind == WF_SCAN_READ && ev->res.safe_closed && !safe_warned &&
	    a->verbosity != SCAN_QUIET) {
		safe_warned = 1;
		fprintf(stderr,
			_("warning: the safe is recorded closed: reads are "
			"taken but flagged in the key log and the daily "
			"report (record the opening with 'cardtally key "
			"open')\n"));
	}
	return report_event(ctx, ev, e);
}

/* The stop signals' handler ends the reader's wait: async-signal-safe. */
static void wake_scan(void *s)
{
	wf_scan_wake(s);
}

int scan_run(struct ledger *l, const struct wf_scan_args *a,
	     const struct scan_print *p, struct wf_scan_totals *t, int *opened)
{
	struct scan_out o = {
	    .out = p->out,
	    .json = p->json,
	    .verbosity = p->verbosity,
	    .range = a->disposal_id ? NULL : a->range,
	    .session_id = a->session_id,
	    .disposal_id = a->disposal_id,
	};
	struct sigaction old[CLI_NSTOP];
	struct wf_scan *s = NULL;
	struct wf_err e, ec;
	int ex, cx;

	memset(t, 0, sizeof(*t));
	*opened = 0;
	if (wf_scan_open(l, a, &s, &e))
		return cli_fail(&e);
	*opened = 1;
	if (p->note)
		fprintf(stderr, _("note: %s\n"), _(p->note));
	safe_warned = 0;
	cli_stop_catch(old);
	cli_stop_wake(wake_scan, s);
	ex = wf_scan_run(s, &cli_stop_signal, report_and_warn, &o, &e);
	cli_stop_restore(old);
	*t = *wf_scan_totals(s);
	cx = wf_scan_close(s, &ec);
	if (ex)
		ex = cli_fail(&e);
	else if (cx)
		ex = cli_fail(&ec);
	else if (cli_stop_signal)
		ex = 128 + cli_stop_signal;
	else if (ferror(o.out))
		ex = cli_error(EXIT_IOERR, "cannot write the reads' output: "
					   "scan stopped (every read reported "
					   "before is in the ledger)");
	return ex;
}

static void collect_unreadable(void *ctx, const char *why)
{
	(void)ctx;
	fprintf(stderr, _("!! CARD NOT READ: %s (not taken)\n"), why);
}

int reader_collect(const char *spec, const struct rdr_profile *profile,
		   char (**out)[SERIAL_BUF], size_t *n)
{
	struct sigaction old[CLI_NSTOP];
	struct wf_err e;
	int ex;

	/* Here Ctrl-C or SIGTERM is how the operator says the last card
	 * is on the reader: the cards read so far are taken.  A hangup or
	 * a broken pipe is no such word: nothing is taken. */
	cli_stop_catch(old);
	ex = wf_reader_collect(spec, profile, &cli_stop_signal,
			       collect_unreadable, NULL, out, n, &e);
	cli_stop_restore(old);
	if (ex)
		return cli_fail(&e);
	if (cli_stop_signal == SIGHUP || cli_stop_signal == SIGPIPE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return cli_error(128 + cli_stop_signal,
				 "stopped by %s: no card taken",
				 signal_name(cli_stop_signal));
	}
	return 0;
}

static int exec_scan(struct cli *c, struct ledger *l)
{
	struct wf_scan_args a = {0};
	struct scan_print p = {.out = stdout};
	struct wf_scan_totals t;
	struct staff_rec actor;
	const char *sid = cli_opt(c, "session");
	const char *profile = cli_opt(c, "profile");
	char stopped[64] = "";
	struct config conf;
	int opened, rc;

	a.range = cli_opt(c, "range");
	a.reader = cli_opt(c, "reader");
	if (sid && cli_is_disposal_id(sid, &a.disposal_id)) {
		/* A disposal batch has no ranges: cards come from anywhere
		 * in the safe. */
		if (!a.disposal_id)
			return cli_usage(c, "'%s' is not a disposal id", sid);
		if (a.range)
			return cli_usage(c, "a disposal has no --range");
	}
	/* Whether a session needs --range depends on its kind (a count
	 * does, a tally does not): the workflow checks it. */
	if (!sid || !a.reader)
		return cli_usage(c, "--session and --reader are required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (!a.disposal_id) {
		rc = cli_session_id(c, sid, &a.session_id);
		if (rc)
			return rc;
	}
	rc = config_load(&conf);
	if (rc)
		return rc;
	a.rules = &conf.rules;
	a.profile = rdr_profile_find(profile ? profile : conf.profile);
	if (!a.profile)
		return cli_usage(c, "unknown identity profile '%s'", profile);
	/* Joining a session is handling cards (R20). */
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	a.actor = &actor;
	a.clock = cli_now;
	p.json = c->json;
	p.verbosity = SCAN_EVERY_READ;
	p.note = wf_profile_note(profile ? profile : conf.profile);
	rc = scan_run(l, &a, &p, &t, &opened);
	/* A scan refused at the start read nothing: its refusal is all
	 * there is to say.  So is one refused at its first read (the
	 * session closed under it, the person locked meanwhile): a
	 * summary of "0 accepted, ... 1 NOT counted" would read as a
	 * finished, empty count (issue 18). */
	if (!opened)
		return rc;
	if (rc && rc < 128 && !(t.accepted || t.repeats || t.alerts))
		return rc;

	/* The summary goes to stderr, so a stop says it with --json too:
	 * the JSON lines alone do not tell a stopped scan from a finished
	 * one. */
	if (c->json && !cli_stop_signal)
		goto out;
	if (cli_stop_signal)
		snprintf(stopped, sizeof(stopped),
			 _(" (stopped by %s; all reads kept)"),
			 signal_name(cli_stop_signal));
	char reps[48], alerts[48];

	scan_totals_words(&t, reps, alerts);
	if (a.disposal_id)
		fprintf(stderr, _("D%lld: %ld added, %s, %ld refused"),
			(long long)a.disposal_id, t.accepted, reps, t.alerts);
	else
		fprintf(stderr, _("%s: %ld accepted, %s, %s"),
			a.range ? a.range : cli_code("tally"), t.accepted,
			reps, alerts);
	if (t.refused)
		fprintf(stderr,
			a.disposal_id ? _(", %ld NOT added")
				      : _(", %ld NOT counted"),
			t.refused);

	fprintf(stderr, "%s\n", stopped);
out:
	if (t.safe_closed)
		fprintf(stderr,
			ngettext("warning: %ld read while the safe was "
				 "recorded closed (flagged)\n",
				 "warning: %ld reads while the safe was "
				 "recorded closed (flagged)\n",
				 (unsigned long)t.safe_closed),
			t.safe_closed);
	return rc;
}

static const char *const scan_options[] = {"session", "range", "reader",
					   "profile", NULL};

const struct cmd_entry cmd_scan_entry = {
    .name = "scan",
    .usage = "--session ID [--range R] --reader SPEC [--profile NAME] "
	     "--as CODE [--pin-fd N] [--json]  (a count needs --range; a "
	     "tally and a disposal, --session D<n>, take none)",
    .help = N_("read cards into a count (one range at a time), a tally or a "
	    "disposal"),
    .options = scan_options,
    .needs_db = 1,
    .step = &wf_step_scan,
    .exec = exec_scan,
};

/*
 * `scan undo`: takes back the acting person's last read in a session, with
 * a reason (the TUI's undo key does the same).  Only one's own reads: the
 * person who presented the wrong card is the one who knows it.
 */
static int exec_scan_undo(struct cli *c, struct ledger *l)
{
	const char *sid = cli_opt(c, "session");
	const char *reason = cli_opt(c, "reason");
	struct staff_rec actor;
	struct scan_undone u;
	struct wf_err e;
	int64_t id;
	int rc;

	if (!sid || !reason)
		return cli_usage(c, "--session and --reason are required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_session_id(c, sid, &id);
	if (rc)
		return rc;
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	if (wf_scan_undo(l, &actor, id, reason, cli_now(), &u, &e))
		return cli_fail(&e);
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key_int(&w, "session", id);
		json_w_key_int(&w, "undone", u.scan_id);
		json_w_key_str(&w, "serial", u.serial);
		json_w_key_opt_str(&w, "mgmt_id", u.mgmt_id);
		json_w_key_str(&w, "outcome", u.outcome);
		json_w_key_opt_str(&w, "range", u.range);
		json_w_key_str(&w, "reason", reason);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	} else {
		printf(_("undone: %s %s (%s%s%s) in %s; it no longer counts\n"),
		       u.mgmt_id[0] ? u.mgmt_id : "-", u.serial,
		       cli_code(u.outcome), u.why[0] ? " " : "",
		       cli_code(u.why), u.range[0] ? u.range : _("the tally"));
	}
	return EXIT_OK;
}

static const char *const scan_undo_options[] = {"session", "reason", NULL};

const struct cmd_entry cmd_scan_undo_entry = {
    .name = "scan undo",
    .usage = "--session ID --reason TEXT --as CODE [--pin-fd N] [--json]",
    .help = N_("take back your last read in a count or tally (it stays in "
	    "the audit log)"),
    .options = scan_undo_options,
    .needs_db = 1,
    .step = &wf_step_scan_undo,
    .exec = exec_scan_undo,
};
