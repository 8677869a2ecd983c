/*
 * `cardtally receive` (受領・検品, R1): binds the chips of arriving cards to
 * the management IDs of a stock list that came without chip values.  By
 * tray (--tray LOCATION): the cards of the tray are read in the order of
 * the list, each chip bound to the next card awaiting enrolment, and at
 * the end the number bound must be the number listed.  By card (--card
 * MGMT_ID, the delivery slip's number): the next chip read is bound to
 * that card.  Every check and every write is wf_receive.c's; this file
 * parses, prints and stops on Ctrl-C.
 */
#include "cli.h"

#include "../workflow/config.h"
#include "../workflow/wf_receive.h"
#include "../workflow/wf_scan.h"
#include "../../drivers/profile.h"

#include <signal.h>
#include <string.h>

struct receive_out {
	int json;
	const struct wf_receive *r;
	const char *tray;
};

/* One event as a JSON line: {"event":NAME, ...}. */
static void event_json(const struct receive_out *o, const char *event,
		       const struct wf_received *rec, const char *message)
{
	struct json_w w;
	size_t listed, bound;

	wf_receive_progress(o->r, &listed, &bound);
	json_w_init(&w, stdout);
	json_w_object(&w);
	json_w_key_str(&w, "event", event);
	if (rec) {
		json_w_key_opt_str(&w, "mgmt_id", rec->mgmt_id);
		json_w_key_opt_str(&w, "serial", rec->serial);
		if (rec->receipt_id)
			json_w_key_int(&w, "receipt", rec->receipt_id);
	}
	json_w_key_opt_str(&w, "tray", o->tray);
	if (message)
		json_w_key_str(&w, "message", message);
	json_w_key_uint(&w, "listed", listed);
	json_w_key_uint(&w, "bound", bound);
	if (rec)
		cli_json_key_time(&w, "at", rec->at);
	json_w_end_object(&w);
	cli_json_done(&w, EXIT_OK);
}

/* Says one event; 1 when receiving must stop (a refusal). */
static int report(const struct receive_out *o,
		  const struct wf_receive_event *ev, const struct wf_err *e)
{
	char msg[WF_ARG_BYTES * 2];
	size_t listed, bound;

	wf_receive_progress(o->r, &listed, &bound);
	switch (ev->kind) {
	case WF_RECEIVE_BOUND:
		if (o->json)
			event_json(o, "bound", &ev->rec, NULL);
		else
			printf(_("bound %s %s (%zu/%zu)\n"), ev->rec.mgmt_id,
			       ev->rec.serial, bound, listed);
		break;
	case WF_RECEIVE_REPEAT:
		if (o->json)
			event_json(o, "repeat", &ev->rec, NULL);
		else
			printf(_("repeat %s %s (bound already)\n"),
			       ev->rec.mgmt_id, ev->rec.serial);
		break;
	case WF_RECEIVE_UNREADABLE:
		if (o->json)
			event_json(o, "unreadable", NULL, ev->message);
		else
			fprintf(stderr,
				_("!! CARD NOT READ: %s (nothing bound)\n"),
				ev->message);
		break;
	case WF_RECEIVE_LOST:
	case WF_RECEIVE_BACK:
		if (o->json)
			event_json(o,
				   ev->kind == WF_RECEIVE_LOST ? "reader_lost"
							       : "reader_back",
				   NULL, NULL);
		else
			fputs(ev->kind == WF_RECEIVE_LOST
				  ? _("reader lost: receiving paused\n")
				  : _("reader back: receiving goes on\n"),
			      stderr);
		break;
	case WF_RECEIVE_REFUSED:
		if (o->json) {
			wf_render(wf_message(e->code), e, NULL, msg,
				  sizeof(msg));
			event_json(o, "refused", &ev->rec, msg);
		}
		return 1;
	case WF_RECEIVE_IDLE:
	case WF_RECEIVE_END:
		break;
	}
	return 0;
}

static int exec_receive(struct cli *c, struct ledger *l)
{
	struct wf_receive_args a = {0};
	struct receive_out o = {.json = c->json};
	struct wf_receive *r = NULL;
	struct wf_receive_event ev;
	struct sigaction old[CLI_NSTOP];
	struct staff_rec actor;
	struct wf_err e;
	const char *profile = cli_opt(c, "profile");
	const char *note;
	struct config conf;
	size_t listed, bound;
	int rc, ex = 0;

	a.tray = cli_opt(c, "tray");
	a.card = cli_opt(c, "card");
	a.reader = cli_opt(c, "reader");
	if (!a.tray && !a.card)
		return cli_usage(c, "--tray or --card is required");
	if (!a.reader)
		return cli_usage(c, "--reader is required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = config_load(&conf);
	if (rc)
		return rc;
	a.profile = rdr_profile_find(profile ? profile : conf.profile);
	if (!a.profile)
		return cli_usage(c, "unknown identity profile '%s'", profile);
	rc = cli_step_actor(c, l, &actor);
	if (rc)
		return rc;
	a.actor = &actor;
	a.clock = cli_now;
	if (wf_receive_open(l, &a, &r, &e))
		return cli_fail(&e);
	o.r = r;
	o.tray = a.tray;
	note = wf_profile_note(profile ? profile : conf.profile);
	if (note)
		fprintf(stderr, _("note: %s\n"), _(note));
	cli_stop_catch(old);
	/* By tray, reading goes on after the last card of the list (a card
	 * more in the tray is refused) until the reader ends or Ctrl-C; by
	 * card, it ends with the card. */
	while (!cli_stop_signal && (!a.card || wf_receive_next_card(r))) {
		ex = wf_receive_next(r, WF_SCAN_WAIT_MS, &ev, &e);
		if (ex || ev.kind == WF_RECEIVE_END)
			break;
		if (report(&o, &ev, &e)) {
			ex = wf_exit(e.code);
			break;
		}
	}
	cli_stop_restore(old);
	/* A refusal or a failed reader is said as such; otherwise the end
	 * of the tray is checked against the list. */
	if (ex)
		ex = cli_fail(&e);
	else if (wf_receive_finish(r, &e))
		ex = cli_fail(&e);
	wf_receive_progress(r, &listed, &bound);
	if (o.json)
		event_json(&o, "end", NULL, NULL);
	fprintf(stderr, _("%s: %zu of %zu bound%s\n"), a.tray ? a.tray : a.card,
		bound, listed,
		cli_stop_signal ? _(" (stopped; all bindings kept)") : "");

	wf_receive_close(r);
	return ex;
}

static const char *const receive_options[] = {"tray", "card", "reader",
					      "profile", NULL};

const struct cmd_entry cmd_receive_entry = {
    .name = "receive",
    .usage = "(--tray LOCATION | --card MGMT_ID [--tray LOCATION]) "
	     "--reader SPEC [--profile NAME] --as CODE [--pin-fd N] [--json]",
    .help = N_("bind the chips of arriving cards to the stock list's "
	    "management IDs, tray by tray in list order or by delivery slip"),
    .options = receive_options,
    .needs_db = 1,
    .step = &wf_step_receive,
    .exec = exec_receive,
};
