/*
 * `cardtally scan`: the tray-by-tray loop.  Each card the reader reports is
 * looked up, classified by reconcile/ and recorded in its own transaction;
 * only after the commit returns is the operator told (event line, reader
 * beep).  A card read twice in a session is a repeat and never counted
 * twice.  Ctrl-C or SIGTERM stop the loop between reads: everything reported
 * so far is already on disk.  The same loop, one handler per kind (see
 * handle_read), fills an end-of-day tally (no --range: each read is a
 * return of something checked out) and a disposal batch (`--session D<n>`:
 * each card read is confirmed due, or refused).
 *
 * Reader lost/back has two sources: the backend's own RDR_EV_LOST/BACK
 * (pcsc's PnP notifications, nfc's I/O errors) and, for backends that drive
 * USB readers, libusb hotplug (drivers/usbwatch.h).  They are combined, not
 * added: the reader is lost while either source says so, and back only
 * when both agree, so one unplug is one reader_lost and one reader_back
 * whichever source sees it first, and a backend that knows nothing of USB
 * still pauses the session when its reader is pulled out.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/profile.h"
#include "../../drivers/reader.h"
#include "../../drivers/usbwatch.h"
#include "book.h"
#include "../workflow/config.h"
#include "report.h"

static volatile sig_atomic_t stop_requested;

/*
 * How long one reader wait may last.  Some reader libraries retry their
 * waits when a signal arrives (pcsc-lite does), so a stop request is only
 * seen when the wait ends: a bounded wait keeps Ctrl-C prompt without
 * polling (the backend blocks in between).  It also bounds how late a USB
 * unplug is noticed: the backend's wait cannot wake on libusb's
 * descriptors, so hotplug events are taken between two waits.
 */
#define SCAN_WAIT_MS 250

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* SIGINT/SIGTERM interrupt a blocking reader wait (no SA_RESTART). */
static void catch_stop_signals(struct sigaction *old_int,
			       struct sigaction *old_term)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	stop_requested = 0;
	sigaction(SIGINT, &sa, old_int);
	sigaction(SIGTERM, &sa, old_term);
}

static void emit_reader_event(const struct scan_args *a, const char *event,
			      int64_t at)
{
	if (a->verbosity == SCAN_QUIET)
		return;
	if (a->json) {
		fprintf(a->out, "{\"event\":\"%s\",\"range\":", event);
		json_str_or_null(a->out, a->range);
		fputs(",\"at\":", a->out);
		json_time(a->out, at);
		fputs("}\n", a->out);
	} else if (strcmp(event, "reader_lost") == 0) {
		fputs("!! READER LOST: the session is paused; reconnect the "
		      "reader to go on (nothing read so far is lost)\n",
		      a->out);
	} else {
		fputs("-- reader back: scanning resumes\n", a->out);
	}
	fflush(a->out);
}

/* Opens the reader with its identity profile; 0 or an exit code. */
static int reader_open(const char *spec, const struct rdr_profile *profile,
		       struct rdr **out)
{
	char err[RDR_ERRMSG_MAX];
	int ex, rc = rdr_open(spec, out, err, sizeof(err));

	if (rc == RDR_ERR_SPEC)
		return cli_error(EXIT_USAGE, "%s", err);
	if (rc == RDR_ERR_SCRIPT)
		return cli_error(EXIT_DATAERR, "%s", err);
	if (rc < 0)
		return cli_error(EXIT_UNAVAILABLE, "reader %s: %s", spec, err);
	if (rdr_set_profile(*out, profile) < 0) {
		ex = cli_error(EXIT_UNAVAILABLE, "reader %s: %s", spec,
			       rdr_error(*out));
		rdr_close(*out);
		*out = NULL;
		return ex;
	}
	return 0;
}

/* The serial of a reader's card identifier; -1 when it is none. */
static int id_serial(const struct rdr_id *id, char serial[SERIAL_BUF])
{
	return id->text
		   ? serial_normalize((const char *)id->bytes, id->len, serial)
		   : serial_from_bytes(id->bytes, id->len, serial);
}

/* A card the profile could not identify: told, alerted, never counted. */
static void emit_unreadable(const struct scan_args *a, const char *why,
			    int64_t at)
{
	if (a->json) {
		fputs("{\"event\":\"unreadable\",\"range\":", a->out);
		json_str_or_null(a->out, a->range);
		fputs(",\"message\":", a->out);
		json_str(a->out, why);
		fputs(",\"at\":", a->out);
		json_time(a->out, at);
		fputs("}\n", a->out);
	} else if (a->verbosity != SCAN_QUIET) {
		fprintf(a->out, "!! CARD NOT READ: %s (not counted)\n", why);
	}
	fflush(a->out);
}

/*
 * A card the ledger says is lost, read: the loud part of the alert (JSON:
 * "lost", its declaration or null when none is on record).  lost NULL: no
 * declaration on record (a card imported as lost).
 */
static void lost_json(FILE *f, const struct lost_rec *lost)
{
	if (!lost) {
		fputs(",\"lost\":null", f);
		return;
	}
	fputs(",\"lost\":{\"count\":", f);
	if (lost->session)
		fprintf(f, "%lld", (long long)lost->session);
	else
		fputs("null", f);
	fputs(",\"at\":", f);
	json_time(f, lost->at);
	fputs(",\"by\":", f);
	json_str(f, lost->by);
	fputc('}', f);
}

/* "ledger: lost (count 3, 2026-04-25), found in SAFE1/T02" */
static void lost_text(FILE *f, const struct lost_rec *lost, const char *where)
{
	char day[11];

	fputs("LOST CARD READ: ledger: lost (", f);
	if (!lost) {
		fputs("no declaration on record", f);
	} else {
		date_format(date_of_time(lost->at, cli_utc_offset(lost->at)),
			    day);
		if (lost->session)
			fprintf(f, "count %lld, ", (long long)lost->session);
		fprintf(f, "%s, by %s", day, lost->by);
	}
	fprintf(f, "), found %s", where);
}

static void emit_read(const struct scan_args *a, const struct scan_result *res)
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

	if (a->json) {
		fprintf(f, "{\"event\":\"%s\"", recon_outcome_name(o));
		if (o == RECON_ALERT)
			fprintf(f, ",\"why\":\"%s\"", recon_why_name(why));
		fputs(",\"serial\":", f);
		json_str(f, serial);
		fputs(",\"mgmt_id\":", f);
		json_str_or_null(f, lk->known ? lk->card.mgmt_id : NULL);
		fputs(",\"range\":", f);
		json_str_or_null(f, a->range);
		if (lk->known &&
		    (why == WHY_MISPLACED || why == WHY_NOT_IN_STOCK)) {
			fputs(",\"expected_location\":", f);
			json_str(f, lk->card.location);
		}
		if (why == WHY_NOT_IN_STOCK)
			fprintf(f, ",\"status\":\"%s\"",
				card_status_name(lk->card.status));
		if (is_lost)
			lost_json(f, lost);
		if (o == RECON_REPEAT) {
			fputs(",\"first_range\":", f);
			json_str_or_null(f, lk->first_range);
		}
		fputs(",\"at\":", f);
		json_time(f, at);
		fputs("}\n", f);
		fflush(f);
		return;
	}
	if (a->verbosity == SCAN_QUIET ||
	    (o == RECON_ACCEPTED && a->verbosity == SCAN_ALERTS_ONLY))
		return;
	switch (o) {
	case RECON_ACCEPTED:
		fprintf(f, "   ok      %-12s %s\n", lk->card.mgmt_id, serial);
		break;
	case RECON_REPEAT:
		fprintf(f,
			"   repeat  %-12s %s (already read in %s; not "
			"counted again)\n",
			lk->known ? lk->card.mgmt_id : "-", serial,
			lk->first_range[0] ? lk->first_range : "this count");
		break;
	case RECON_ALERT:
		fprintf(f, "!! ALERT   %-12s %s in %s: ",
			lk->known ? lk->card.mgmt_id : "-", serial,
			a->range ? a->range : "the tally");
		if (why == WHY_UNKNOWN)
			fputs("unknown card, not in the ledger\n", f);
		else if (why == WHY_MISPLACED)
			fprintf(f, "misplaced, belongs to %s\n",
				lk->card.location);
		else if (is_lost && a->range) {
			lost_text(f, lost, "in ");
			fprintf(f,
				"%s\n!! keep it apart: a manager resolves it "
				"(count resolve %lld --card %s --reason "
				"found_elsewhere)\n",
				a->range, (long long)a->session_id,
				lk->card.mgmt_id);
		} else if (is_lost) {
			lost_text(f, lost, "at the window");
			fputs(
			    "\n!! keep it apart: a count of its tray reads it "
			    "and a manager resolves it as found\n",
			    f);
		} else if (why == WHY_NOT_IN_STOCK)
			fprintf(f, "should not be here, ledger says %s\n",
				card_status_name(lk->card.status));
		else
			fputs("due for disposal\n", f);
		break;
	}
	fflush(f);
}

/* The two sources of reader presence (see the top of this file). */
struct presence {
	const struct scan_args *a;
	struct usbwatch *w;  /* NULL: no USB watch for this session */
	const char *backend; /* count only readers it drives; NULL: all */
	char name[32];	     /* the spec's backend name; backend points here */
	int usb_gone;	     /* no known reader left on the bus */
	int backend_gone;    /* the backend reported RDR_EV_LOST */
	/* Changes not yet reported (1: lost, 0: back), oldest first: a quick
	 * unplug and replug inside one usbwatch_dispatch is two changes. */
	int queue[8];
	int nqueue;
};

static void presence_set(struct presence *p, int *flag, int gone)
{
	int was_lost = p->usb_gone || p->backend_gone, change = -1;

	*flag = gone;
	if (!was_lost && (p->usb_gone || p->backend_gone))
		change = 1;
	else if (was_lost && !p->usb_gone && !p->backend_gone)
		change = 0;
	if (change >= 0 &&
	    p->nqueue < (int)(sizeof(p->queue) / sizeof(p->queue[0])))
		p->queue[p->nqueue++] = change;
}

/* The oldest change not yet reported: 1 lost, 0 back, -1 none. */
static int presence_pop(struct presence *p)
{
	int change;

	if (p->nqueue == 0)
		return -1;
	change = p->queue[0];
	memmove(p->queue, p->queue + 1,
		(size_t)(--p->nqueue) * sizeof(p->queue[0]));
	return change;
}

/* Runs inside usbwatch_dispatch, once per arrival or departure, so that a
 * quick unplug and replug between two dispatches is still seen. */
static void on_usb_change(void *arg, enum usbw_change change,
			  const struct usbw_device *dev)
{
	struct presence *p = arg;

	(void)change;
	(void)dev;
	presence_set(p, &p->usb_gone, usbwatch_present(p->w, p->backend) == 0);
}

/*
 * Starts the USB watch when the session's reader is a USB reader we know:
 * $CARDTALLY_USB_WATCH is "auto" (the default: backends that drive a reader
 * of the table, i.e. not sim or kbd), "off", or "on" (every backend, for
 * tests and for backends the table does not name).  No known reader on the
 * bus at the start means the reader is reached some other way (a serial
 * PN532, a reader not in the table): there is nothing to watch.
 */
static void presence_start(struct presence *p, const struct scan_args *a)
{
	const char *mode = getenv("CARDTALLY_USB_WATCH");
	const struct usbw_model *m = usbw_models();
	size_t len;
	int driven = 0;

	memset(p, 0, sizeof(*p));
	p->a = a;
	if (a->reader == NULL)
		return; /* typed numbers only: no reader to watch */
	len = strcspn(a->reader, ":");
	if (mode == NULL || *mode == '\0')
		mode = "auto";
	if (strcmp(mode, "off") == 0 || len >= sizeof(p->name))
		return;
	memcpy(p->name, a->reader, len);
	p->name[len] = '\0';
	for (; m->name != NULL && !driven; m++)
		driven = usbw_model_driven_by(m, p->name);
	if (!driven && strcmp(mode, "on") != 0)
		return;
	if (usbwatch_open(on_usb_change, p, &p->w, NULL, 0) != 0)
		return; /* no libusb or no hotplug: the backend alone decides */
	p->backend = driven ? p->name : NULL;
	if (usbwatch_present(p->w, p->backend) == 0) {
		usbwatch_close(p->w);
		p->w = NULL;
	}
}

/*
 * What a read in a count means: repeat, unknown, not in stock, misplaced
 * (outside the range being scanned), due for disposal, or accepted.
 */
static enum recon_outcome count_classify(const struct scan_args *a,
					 const struct scan_lookup *lk,
					 int64_t now, enum recon_why *why)
{
	struct recon_read rd = {0};

	rd.seen_before = lk->seen_before;
	rd.known = lk->known;
	rd.status = lk->card.status;
	rd.in_range = lk->known && location_within(lk->card.location, a->range);
	rd.reminder_sent = lk->known ? lk->card.reminder_sent : DATE_NONE;
	return recon_classify(&rd, date_of_time(now, cli_utc_offset(now)),
			      a->rules ? a->rules : &recon_default_rules, why);
}

/*
 * What a read in a tally means (R12): the return of something that went
 * out.  A terminal's tag is shown under the terminal's code.  0 or a
 * ledger error.
 */
static int tally_classify(struct ledger *l, const struct scan_args *a,
			  const char *serial, struct scan_lookup *lk,
			  enum recon_outcome *o, enum recon_why *why)
{
	struct tally_lookup tl;
	int rc = ledger_tally_lookup(l, a->session_id, serial, &tl);

	if (rc < 0)
		return rc;
	*o = recon_tally_classify(lk->seen_before, tl.known, tl.expected, why);
	if (tl.is_asset) {
		lk->known = 1;
		snprintf(lk->card.mgmt_id, sizeof(lk->card.mgmt_id), "%s",
			 tl.name);
	}
	return 0;
}

/* After a read is on disk: the reader's beep or light, and the totals.
 * Accepted, repeat and alert sound and look different (doc/design.md
 * "Readers"). */
static void count_outcome(struct rdr *r, enum recon_outcome o,
			  struct scan_totals *t)
{
	if (r != NULL)
		rdr_feedback(r, o == RECON_ACCEPTED ? RDR_FB_ACCEPTED
				: o == RECON_REPEAT ? RDR_FB_REPEAT
						    : RDR_FB_ALERT);
	if (o == RECON_ACCEPTED)
		t->accepted++;
	else if (o == RECON_REPEAT)
		t->repeats++;
	else
		t->alerts++;
}

/*
 * Whether this read is flagged as handling cards while the safe is
 * recorded closed (R14, recon_safe_flag), in the read's transaction: the
 * safe may be opened or closed by someone else during a long sweep.  A
 * flagged read is still taken; the first one of a run says so on stderr.
 * 0 or a ledger error.
 */
static int safe_flag(struct ledger *l, enum recon_handling h, int *flag)
{
	int open = 0;
	int rc = ledger_safe_open(l, &open);

	*flag = rc == 0 && recon_safe_flag(h, open);
	return rc;
}

static void safe_warn(const struct scan_args *a, int flag,
		      struct scan_totals *t)
{
	if (!flag)
		return;
	if (t->safe_closed++ == 0 && a->verbosity != SCAN_QUIET)
		fprintf(stderr,
			"warning: the safe is recorded closed: reads are "
			"taken but flagged in the key log and the daily "
			"report (record the opening with 'cardtally key "
			"open')\n");
}

/*
 * One read into a count or a tally: look up, decide, record, commit, and
 * only then fill *res for the caller to report.
 */
static int handle_card(struct ledger *l, struct ledger_scanner *sc,
		       const struct scan_args *a, int64_t range_id, int tally,
		       struct scan_result *res)
{
	struct scan_lookup *lk = &res->lk;
	int flag = 0, rc;

	res->outcome = RECON_ALERT;
	res->why = WHY_NONE;
	rc = ledger_begin(l);
	if (rc == 0)
		rc = ledger_scanner_lookup(sc, res->serial, lk);
	if (rc == 0)
		rc = safe_flag(l, tally ? HANDLE_TALLY_SCAN : HANDLE_COUNT_SCAN,
			       &flag);
	if (rc < 0)
		goto fail;
	if (tally)
		rc = tally_classify(l, a, res->serial, lk, &res->outcome,
				    &res->why);
	else
		res->outcome = count_classify(a, lk, res->at, &res->why);
	/* The ledger says it is lost: the alert says since when and by
	 * which count, in the read's snapshot. */
	if (rc == 0 && lk->known && lk->card.status == CARD_LOST) {
		rc = ledger_card_lost(l, lk->card.id, &res->lost);
		res->have_lost = rc == 0;
		if (rc == LEDGER_ERR_NOTFOUND)
			rc = 0;
	}
	if (rc < 0)
		goto fail;
	rc = ledger_scanner_record(sc, range_id, res->serial,
				   lk->known ? lk->card.id : 0, a->actor->id,
				   res->at, recon_outcome_name(res->outcome),
				   recon_why_name(res->why), flag);
	if (rc == 0)
		rc = ledger_commit(l);
	if (rc < 0)
		goto fail;
	res->safe_closed = flag;
	return 0;
fail:
	ledger_rollback(l);
	return cli_error(EXIT_SOFTWARE,
			 "could not record card %s: %s (it was NOT counted; "
			 "present it again)",
			 res->serial, ledger_errmsg(l));
}

static void emit_disposal_read(const struct scan_args *a,
			       const struct scan_result *res)
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
	char day[11];
	int is_lost = known && o == RECON_ALERT && card->status == CARD_LOST;

	if (a->json) {
		fprintf(f, "{\"event\":\"%s\"", recon_outcome_name(o));
		/* A lost card is not in stock at all, which matters more
		 * than that it is not due. */
		if (o == RECON_ALERT)
			fprintf(f, ",\"why\":\"%s\"",
				!known	  ? "unknown"
				: other	  ? "in_disposal"
				: is_lost ? "not_in_stock"
					  : "not_due");
		if (other)
			fprintf(f, ",\"other_disposal\":\"D%lld\"",
				(long long)other);
		fputs(",\"serial\":", f);
		json_str(f, serial);
		fputs(",\"mgmt_id\":", f);
		json_str_or_null(f, known ? card->mgmt_id : NULL);
		fprintf(f, ",\"disposal\":\"D%lld\"",
			(long long)a->disposal_id);
		if (known && o == RECON_ALERT)
			fprintf(f, ",\"status\":\"%s\"",
				card_status_name(card->status));
		if (is_lost)
			lost_json(f, lost);
		if (o == RECON_ACCEPTED) {
			fprintf(f, ",\"due\":\"%s\",\"due_since\":",
				recon_due_why_name(due));
			if (since == DATE_NONE) {
				fputs("null", f);
			} else {
				date_format(since, day);
				json_str(f, day);
			}
		}
		fputs(",\"at\":", f);
		json_time(f, at);
		fputs("}\n", f);
	} else if (a->verbosity != SCAN_QUIET) {
		if (o == RECON_ACCEPTED)
			fprintf(f, "   dispose %-12s %s (%s)\n", card->mgmt_id,
				serial, recon_due_why_name(due));
		else if (o == RECON_REPEAT)
			fprintf(f,
				"   repeat  %-12s %s (already in this "
				"disposal)\n",
				card->mgmt_id, serial);
		else if (other)
			fprintf(f,
				"!! REFUSED %-12s %s: already in disposal "
				"D%lld, still open\n",
				card->mgmt_id, serial, (long long)other);
		else if (is_lost) {
			fprintf(f, "!! REFUSED %-12s %s: ", card->mgmt_id,
				serial);
			lost_text(f, lost, "in a disposal");
			fputs(
			    "\n!! keep it apart, not in the disposal: a count "
			    "of its tray reads it and a manager resolves it "
			    "as found\n",
			    f);
		} else if (known)
			fprintf(f,
				"!! REFUSED %-12s %s: not due for disposal "
				"(ledger says %s); put it back\n",
				card->mgmt_id, serial,
				card_status_name(card->status));
		else
			fprintf(f,
				"!! REFUSED -            %s: unknown card, not "
				"in the ledger\n",
				serial);
	}
	fflush(f);
}

/*
 * One read into a disposal batch: a due card is added (on disk before the
 * operator is told), a card already in the batch is a repeat, any other
 * card is refused and left alone -- it is not due, so it must go back.
 */
static int handle_disposal_card(struct ledger *l, const struct scan_args *a,
				struct scan_result *res)
{
	struct card_rec *card = &res->lk.card;
	int flag = 0, rc;

	res->outcome = RECON_ALERT;
	res->due = DUE_NOT;
	res->due_since = DATE_NONE;
	rc = ledger_begin(l);
	if (rc == 0)
		rc = safe_flag(l, HANDLE_DISPOSAL_SCAN, &flag);
	if (rc < 0)
		goto fail;
	rc = ledger_card_by_serial(l, res->serial, card);
	if (rc == LEDGER_ERR_NOTFOUND) {
		memset(card, 0, sizeof(*card));
		rc = 0;
	} else if (rc == 0) {
		res->lk.known = 1;
		/* Never due (recon_disposal_due): refused, loudly. */
		if (card->status == CARD_LOST) {
			rc = ledger_card_lost(l, card->id, &res->lost);
			res->have_lost = rc == 0;
			if (rc == LEDGER_ERR_NOTFOUND)
				rc = 0;
		}
		if (rc == 0)
			rc = ledger_disposal_has(l, a->disposal_id, card->id);
	}
	if (rc < 0)
		goto fail;
	if (rc == 1) {
		res->outcome = RECON_REPEAT;
		rc = 0;
	} else if (res->lk.known) {
		struct recon_dispose_read dr = {
		    .known = 1,
		    .status = card->status,
		    .reminder_sent = card->reminder_sent,
		};
		enum recon_dispose_why why = DISPOSE_NOT_DUE;

		rc = ledger_disposal_other_open(l, a->disposal_id, card->id,
						&res->other_disposal);
		dr.in_other_open = res->other_disposal != 0;
		if (rc == 0)
			why = recon_dispose_accept(
			    &dr, date_of_time(res->at, cli_utc_offset(res->at)),
			    a->rules ? a->rules : &recon_default_rules,
			    &res->due, &res->due_since);
		/* Another open batch is named only when it is why the card
		 * was refused. */
		if (why != DISPOSE_IN_DISPOSAL)
			res->other_disposal = 0;
		if (rc == 0 && why == DISPOSE_ACCEPTED) {
			res->outcome = RECON_ACCEPTED;
			rc = ledger_disposal_add(
			    l, a->disposal_id, card->id, card->mgmt_id,
			    recon_due_why_name(res->due), res->due_since,
			    a->actor->id, res->at, flag);
		}
	}
	if (rc == 0)
		rc = ledger_commit(l);
	if (rc < 0)
		goto fail;
	/* Only a card taken into the batch left storage: refusals and
	 * repeats are not flagged. */
	res->safe_closed = flag && res->outcome == RECON_ACCEPTED;
	return 0;
fail:
	ledger_rollback(l);
	return cli_error(rc == LEDGER_ERR_STATE ? EXIT_DATAERR : EXIT_SOFTWARE,
			 "could not record card %s: %s (it was NOT added to "
			 "the disposal)",
			 res->serial, ledger_errmsg(l));
}

/* A disposal batch is scanned only while open. */
static int disposal_check(struct ledger *l, const struct scan_args *a)
{
	struct disposal_batch_rec b;
	int rc = ledger_disposal_get(l, a->disposal_id, &b);

	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (b.closed_at)
		return cli_error(EXIT_DATAERR,
				 "disposal D%lld is closed: start a new one",
				 (long long)a->disposal_id);
	return 0;
}

/*
 * Checks a counting session or a tally, and for a count finds the range's
 * id: a count is scanned one range (tray) at a time, a tally has no ranges
 * (what came back is read at the window).  0 or an exit code.
 */
static int session_check(struct ledger *l, const struct scan_args *a,
			 int64_t *range_id_out, int *tally_out)
{
	struct range_rec *ranges = NULL;
	struct session_rec sess;
	int64_t range_id = 0;
	const char *why;
	int tally;
	size_t n;
	int rc, ex = EXIT_OK;

	rc = ledger_session_get(l, a->session_id, &sess);
	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (sess.closed_at)
		return cli_error(EXIT_DATAERR,
				 "session %lld is closed: open a new count",
				 (long long)a->session_id);
	if (sess.kind == SESSION_COUNTONLY)
		return cli_error(EXIT_DATAERR,
				 "session %lld is a count-only check: record "
				 "each range's number of cards with count "
				 "total",
				 (long long)a->session_id);
	tally = sess.kind == SESSION_TALLY;
	if (tally != (a->range == NULL))
		return cli_error(EXIT_USAGE,
				 tally ? "session %lld is a tally: scan it "
					 "without --range"
				       : "session %lld is a count: --range is "
					 "required",
				 (long long)a->session_id);
	*tally_out = tally;
	if (tally)
		return 0;
	rc = ledger_session_ranges(l, a->session_id, &ranges, &n);
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ranges[i].path, a->range) != 0)
			continue;
		range_id = ranges[i].location_id;
		if (recon_assignee_may_scan(ranges[i].assignee_id, a->actor->id,
					    &why) < 0)
			ex = cli_error(EXIT_NOPERM,
				       "range %s of session %lld is assigned "
				       "to %s alone: %s may not scan it (%s)",
				       a->range, (long long)a->session_id,
				       ranges[i].assignee, a->actor->code, why);
	}
	free(ranges);
	if (!range_id && !ex)
		return cli_error(EXIT_DATAERR,
				 "%s is not a range of session %lld", a->range,
				 (long long)a->session_id);
	/* A recount is scanned by someone other than the first counter;
	 * said before the assignment, whose message would not name it. */
	int64_t of = 0, loc = 0, *first = NULL;
	size_t nfirst = 0;
	const char *rule;
	if (ledger_recount_of(l, a->session_id, &of, &loc) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (of) {
		int rx = book_first_counters(l, of, loc, &first, &nfirst);
		if (rx)
			return rx;
		rx = recon_recount_allowed(a->actor->id, first, nfirst, &rule);
		free(first);
		if (rx < 0)
			return cli_error(EXIT_NOPERM,
					 "session %lld recounts %s of count "
					 "%lld, which %s counted: %s",
					 (long long)a->session_id, a->range,
					 (long long)of, a->actor->code, rule);
	}
	if (ex)
		return ex;
	*range_id_out = range_id;
	return 0;
}

/* What the loop fills; each kind has its own handler for a card read. */
enum scan_kind {
	SCAN_COUNT,    /* a counting session, one range at a time */
	SCAN_TALLY,    /* an end-of-day tally: reads are returns (R12) */
	SCAN_DISPOSAL, /* a disposal batch: reads are confirmed due */
};

/* The state kept between reads (report.h). */
struct scan_session {
	struct ledger *l;
	const struct scan_args *a;
	enum scan_kind kind;
	struct ledger_scanner *sc; /* count and tally; NULL for a disposal */
	int64_t range_id;	   /* count only */
	struct rdr *r;		   /* NULL: reads come typed only */
	struct presence pr;
	struct scan_totals totals;
	int range_begun; /* a count's range: its end is recorded at close */
};

/* Checks what is to be scanned and gets it ready; 0 or an exit code. */
static int target_open(struct scan_session *s)
{
	int tally = 0, ex;

	if (s->a->disposal_id) {
		s->kind = SCAN_DISPOSAL;
		return disposal_check(s->l, s->a);
	}
	ex = session_check(s->l, s->a, &s->range_id, &tally);
	if (ex)
		return ex;
	s->kind = tally ? SCAN_TALLY : SCAN_COUNT;
	if (ledger_scanner_open(s->l, s->a->session_id, &s->sc) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(s->l));
	return 0;
}

int scan_session_open(struct ledger *l, const struct scan_args *a,
		      struct scan_session **out)
{
	struct scan_session *s = calloc(1, sizeof(*s));
	int ex;

	*out = NULL;
	if (!s)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	s->l = l;
	s->a = a;
	ex = target_open(s);
	if (ex == 0 && a->reader)
		ex = reader_open(a->reader, a->profile, &s->r);
	/* The range's record (R7, R8): begun at its first scan, once the
	 * reader is there to scan with. */
	if (ex == 0 && s->kind == SCAN_COUNT) {
		if (ledger_range_begin(l, a->session_id, s->range_id,
				       a->actor->id, cli_now()) < 0)
			ex = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
		else
			s->range_begun = 1;
	}
	if (ex) {
		scan_session_close(s);
		return ex;
	}
	presence_start(&s->pr, a);
	*out = s;
	return 0;
}

int scan_session_close(struct scan_session *s)
{
	int ex = 0;

	if (!s)
		return 0;
	usbwatch_close(s->pr.w);
	ledger_scanner_close(s->sc);
	rdr_close(s->r);
	/* The range's scan ended, also when stopped or failed: what was
	 * read is kept, and the record says until when it was counted. */
	if (s->range_begun &&
	    ledger_range_end(s->l, s->a->session_id, s->range_id,
			     s->a->actor->id, cli_now()) < 0)
		ex = cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(s->l));
	free(s);
	return ex;
}

const struct scan_totals *scan_session_totals(const struct scan_session *s)
{
	return &s->totals;
}

int scan_session_serial(struct scan_session *s, const char *serial,
			struct scan_result *res)
{
	int ex = 0;

	memset(res, 0, sizeof(*res));
	if (serial_normalize(serial, strlen(serial), res->serial) < 0)
		return cli_error(EXIT_DATAERR,
				 "'%s' is not a card number (hex digits or "
				 "the printed number)",
				 serial);
	res->at = cli_now();
	switch (s->kind) {
	case SCAN_COUNT:
		ex = handle_card(s->l, s->sc, s->a, s->range_id, 0, res);
		break;
	case SCAN_TALLY:
		ex = handle_card(s->l, s->sc, s->a, 0, 1, res);
		break;
	case SCAN_DISPOSAL:
		ex = handle_disposal_card(s->l, s->a, res);
		break;
	}
	if (ex)
		return ex;
	/* On disk: now the operator may be told. */
	safe_warn(s->a, res->safe_closed, &s->totals);
	count_outcome(s->r, res->outcome, &s->totals);
	return 0;
}

int scan_session_step(struct scan_session *s, int timeout_ms,
		      struct scan_step *st)
{
	struct rdr_event ev;
	char serial[SERIAL_BUF];
	int change, rc;

	memset(st, 0, sizeof(*st));
	st->kind = SCAN_STEP_IDLE;
	if (s->pr.w != NULL && s->pr.nqueue == 0)
		usbwatch_dispatch(s->pr.w, 0);
	change = presence_pop(&s->pr);
	if (change >= 0) {
		st->kind = change ? SCAN_STEP_LOST : SCAN_STEP_BACK;
		return 0;
	}
	if (s->r == NULL)
		return 0;
	rc = rdr_next(s->r, timeout_ms, &ev);
	if (rc == RDR_ERR_INTERRUPTED || (rc == 0 && ev.kind == RDR_EV_TIMEOUT))
		return 0;
	if (rc == RDR_ERR_SCRIPT)
		return cli_error(EXIT_DATAERR, "%s", rdr_error(s->r));
	if (rc < 0)
		return cli_error(EXIT_UNAVAILABLE, "reader: %s",
				 rdr_error(s->r));
	switch (ev.kind) {
	case RDR_EV_END:
		st->kind = SCAN_STEP_END;
		break;
	case RDR_EV_LOST:
	case RDR_EV_BACK:
		presence_set(&s->pr, &s->pr.backend_gone,
			     ev.kind == RDR_EV_LOST);
		change = presence_pop(&s->pr);
		if (change >= 0)
			st->kind = change ? SCAN_STEP_LOST : SCAN_STEP_BACK;
		break;
	case RDR_EV_UNREADABLE:
		st->kind = SCAN_STEP_UNREADABLE;
		st->at = cli_now();
		snprintf(st->message, sizeof(st->message), "%s",
			 rdr_error(s->r));
		rdr_feedback(s->r, RDR_FB_ALERT);
		break;
	case RDR_EV_CARD:
		/* Backends deliver only valid identifiers. */
		if (id_serial(&ev.id, serial) < 0)
			break;
		rc = scan_session_serial(s, serial, &st->res);
		if (rc)
			return rc;
		st->kind = SCAN_STEP_READ;
		break;
	default:
		break;
	}
	return 0;
}

int scan_run(struct ledger *l, const struct scan_args *a, struct scan_totals *t)
{
	struct sigaction old_int, old_term;
	struct scan_session *s = NULL;
	struct scan_step st;
	int ex, ec;

	memset(t, 0, sizeof(*t));
	ex = scan_session_open(l, a, &s);
	if (ex)
		return ex;
	catch_stop_signals(&old_int, &old_term);
	/* Output that cannot be written (a full disk) stops the scan: the
	 * operator no longer sees what was accepted. */
	while (!stop_requested && !ferror(a->out)) {
		ex = scan_session_step(s, SCAN_WAIT_MS, &st);
		if (ex || st.kind == SCAN_STEP_END)
			break;
		if (st.kind == SCAN_STEP_LOST || st.kind == SCAN_STEP_BACK)
			emit_reader_event(a,
					  st.kind == SCAN_STEP_LOST
					      ? "reader_lost"
					      : "reader_back",
					  cli_now());
		else if (st.kind == SCAN_STEP_UNREADABLE)
			emit_unreadable(a, st.message, st.at);
		else if (st.kind == SCAN_STEP_READ && a->disposal_id)
			emit_disposal_read(a, &st.res);
		else if (st.kind == SCAN_STEP_READ)
			emit_read(a, &st.res);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	*t = s->totals;
	ec = scan_session_close(s);
	if (!ex && ferror(a->out))
		ex = cli_error(EXIT_IOERR, "cannot write the reads' output: "
					   "scan stopped (every read reported "
					   "before is in the ledger)");
	return ex ? ex : ec;
}

struct card_reader {
	struct rdr *r;
};

int card_reader_open(const char *spec, const struct rdr_profile *profile,
		     struct card_reader **out)
{
	struct card_reader *cr = calloc(1, sizeof(*cr));
	int ex;

	*out = NULL;
	if (!cr)
		return cli_error(EXIT_SOFTWARE, "out of memory");
	ex = reader_open(spec, profile, &cr->r);
	if (ex) {
		free(cr);
		return ex;
	}
	*out = cr;
	return 0;
}

int card_reader_step(struct card_reader *cr, int timeout_ms,
		     struct scan_step *st)
{
	struct rdr_event ev;
	int rc;

	memset(st, 0, sizeof(*st));
	st->kind = SCAN_STEP_IDLE;
	rc = rdr_next(cr->r, timeout_ms, &ev);
	if (rc == RDR_ERR_INTERRUPTED || (rc == 0 && ev.kind == RDR_EV_TIMEOUT))
		return 0;
	if (rc == RDR_ERR_SCRIPT)
		return cli_error(EXIT_DATAERR, "%s", rdr_error(cr->r));
	if (rc < 0)
		return cli_error(EXIT_UNAVAILABLE, "reader: %s",
				 rdr_error(cr->r));
	st->at = cli_now();
	switch (ev.kind) {
	case RDR_EV_END:
		st->kind = SCAN_STEP_END;
		break;
	case RDR_EV_LOST:
		st->kind = SCAN_STEP_LOST;
		break;
	case RDR_EV_BACK:
		st->kind = SCAN_STEP_BACK;
		break;
	case RDR_EV_UNREADABLE:
		st->kind = SCAN_STEP_UNREADABLE;
		snprintf(st->message, sizeof(st->message), "%s",
			 rdr_error(cr->r));
		rdr_feedback(cr->r, RDR_FB_ALERT);
		break;
	case RDR_EV_CARD:
		/* Backends deliver only valid identifiers. */
		if (id_serial(&ev.id, st->res.serial) == 0) {
			st->kind = SCAN_STEP_READ;
			st->res.at = st->at;
		}
		break;
	default:
		break;
	}
	return 0;
}

void card_reader_feedback(struct card_reader *cr, enum recon_outcome o)
{
	rdr_feedback(cr->r, o == RECON_ACCEPTED ? RDR_FB_ACCEPTED
			    : o == RECON_REPEAT ? RDR_FB_REPEAT
						: RDR_FB_ALERT);
}

void card_reader_close(struct card_reader *cr)
{
	if (!cr)
		return;
	rdr_close(cr->r);
	free(cr);
}

int reader_collect(const char *spec, const struct rdr_profile *profile,
		   char (**out)[SERIAL_BUF], size_t *n)
{
	struct sigaction old_int, old_term;
	struct card_reader *r = NULL;
	int ex = card_reader_open(spec, profile, &r);

	*out = NULL;
	*n = 0;
	if (ex)
		return ex;
	catch_stop_signals(&old_int, &old_term);
	while (!stop_requested) {
		struct scan_step st;
		int again = 0;

		ex = card_reader_step(r, SCAN_WAIT_MS, &st);
		if (ex || st.kind == SCAN_STEP_END)
			break;
		if (st.kind == SCAN_STEP_UNREADABLE)
			fprintf(stderr, "!! CARD NOT READ: %s (not taken)\n",
				st.message);
		if (st.kind != SCAN_STEP_READ)
			continue;
		/* Cards lie in a stack on the reader: one read each. */
		for (size_t i = 0; i < *n && !again; i++)
			again = strcmp((*out)[i], st.res.serial) == 0;
		if (!again) {
			void *p = realloc(*out, (*n + 1) * sizeof(**out));

			if (!p) {
				ex = cli_error(EXIT_SOFTWARE, "out of memory");
				break;
			}
			*out = p;
			memcpy((*out)[(*n)++], st.res.serial, SERIAL_BUF);
		}
		card_reader_feedback(r, again ? RECON_REPEAT : RECON_ACCEPTED);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	card_reader_close(r);
	if (ex) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ex;
}

static int exec_scan(struct cli *c, struct ledger *l)
{
	struct scan_args a = {0};
	struct scan_totals t;
	struct staff_rec actor;
	const char *sid = cli_opt(c, "session");
	const char *profile = cli_opt(c, "profile");
	struct config conf;
	int rc;

	a.range = cli_opt(c, "range");
	a.reader = cli_opt(c, "reader");
	if (sid && cli_is_disposal_id(sid, &a.disposal_id)) {
		/* A disposal batch has no ranges: cards come from anywhere
		 * in the safe. */
		if (!a.disposal_id)
			return cli_usage(c, "'%s' is not a disposal id", sid);
		if (a.range)
			return cli_usage(c, "a disposal has no --range");
		a.range = "";
	}
	/* Whether a session needs --range depends on its kind (a count
	 * does, a tally does not): scan_run checks it. */
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
	rc = cli_card_worker(c, l, ACT_SCAN, &actor);
	if (rc)
		return rc;
	a.actor = &actor;
	a.json = c->json;
	a.verbosity = SCAN_EVERY_READ;
	a.out = stdout;
	rc = scan_run(l, &a, &t);
	if (!c->json && a.disposal_id)
		fprintf(
		    stderr, "D%lld: %ld added, %ld repeats, %ld refused%s\n",
		    (long long)a.disposal_id, t.accepted, t.repeats, t.alerts,
		    stop_requested ? " (stopped; all reads kept)" : "");
	else if (!c->json)
		fprintf(stderr, "%s: %ld accepted, %ld repeats, %ld alerts%s\n",
			a.range ? a.range : "tally", t.accepted, t.repeats,
			t.alerts,
			stop_requested ? " (stopped; all reads kept)" : "");
	if (t.safe_closed)
		fprintf(stderr,
			"warning: %ld %s while the safe was recorded closed "
			"(flagged)\n",
			t.safe_closed, t.safe_closed == 1 ? "read" : "reads");
	return rc;
}

static const char *const scan_options[] = {"session", "range", "reader",
					   "profile", NULL};

const struct cmd_entry cmd_scan_entry = {
    .name = "scan",
    .usage = "--session ID [--range R] --reader SPEC [--profile NAME] "
	     "--as CODE [--pin-fd N] [--json]  (a count needs --range; a "
	     "tally and a disposal, --session D<n>, take none)",
    .help = "read cards into a count (one range at a time), a tally or a "
	    "disposal",
    .options = scan_options,
    .needs_db = 1,
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
	int64_t id;
	int rc;

	if (!sid || !reason)
		return cli_usage(c, "--session and --reason are required");
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	rc = cli_session_id(c, sid, &id);
	if (rc)
		return rc;
	rc = cli_card_worker(c, l, ACT_SCAN, &actor);
	if (rc)
		return rc;
	rc = ledger_scan_undo(l, id, actor.id, reason, cli_now(), &u);
	if (rc == LEDGER_ERR_INVALID || rc == LEDGER_ERR_STATE ||
	    rc == LEDGER_ERR_NOTFOUND)
		return cli_error(EXIT_DATAERR, "%s (nothing changed)",
				 ledger_errmsg(l));
	if (rc < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (c->json) {
		printf("{\"session\":%lld,\"undone\":%lld,\"serial\":",
		       (long long)id, (long long)u.scan_id);
		json_str(stdout, u.serial);
		fputs(",\"mgmt_id\":", stdout);
		json_str_or_null(stdout, u.mgmt_id);
		printf(",\"outcome\":\"%s\",\"range\":", u.outcome);
		json_str_or_null(stdout, u.range);
		fputs(",\"reason\":", stdout);
		json_str(stdout, reason);
		fputs("}\n", stdout);
	} else {
		printf("undone: %s %s (%s%s%s) in %s; it no longer counts\n",
		       u.mgmt_id[0] ? u.mgmt_id : "-", u.serial, u.outcome,
		       u.why[0] ? " " : "", u.why,
		       u.range[0] ? u.range : "the tally");
	}
	return EXIT_OK;
}

static const char *const scan_undo_options[] = {"session", "reason", NULL};

const struct cmd_entry cmd_scan_undo_entry = {
    .name = "scan undo",
    .usage = "--session ID --reason TEXT --as CODE [--pin-fd N] [--json]",
    .help = "take back your last read in a count or tally (it stays in "
	    "the audit log)",
    .options = scan_undo_options,
    .needs_db = 1,
    .exec = exec_scan_undo,
};
