/*
 * The scan session: the tray-by-tray loop of a count, the returns of an
 * end-of-day tally (R12) and the cards of a disposal batch (R18), read
 * one by one.  Each card the reader reports is checked against the session
 * as it is now, looked up, classified by reconcile/ and recorded in its own
 * transaction; only after the commit is it returned (and the reader's beep
 * given).  A card read twice in a session is a repeat and never counted
 * twice.  `cardtally scan` and the TUI's screens call these functions and
 * print what they return (wf_scan.h).
 *
 * Reader lost/back has two sources: the backend's own RDR_EV_LOST/BACK
 * (pcsc's PnP notifications, nfc's I/O errors) and, for backends that drive
 * USB readers, libusb hotplug (drivers/usbwatch.h).  They are combined, not
 * added: the reader is lost while either source says so, and back only
 * when both agree, so one unplug is one reader_lost and one reader_back
 * whichever source sees it first, and a backend that knows nothing of USB
 * still pauses the session when its reader is pulled out.
 */
#include "wf_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../reconcile/rules.h"
#include "../../drivers/profile.h"
#include "../../drivers/reader.h"
#include "../../drivers/usbwatch.h"

/* Reading cards into a session is handling them (R19, R20). */
const struct wf_step wf_step_scan = {"scan", ACT_SCAN, WF_PERMIT | WF_TRAINING};
/* Taking one's own read back is part of the same work. */
const struct wf_step wf_step_scan_undo = {"scan undo", ACT_SCAN,
					  WF_PERMIT | WF_TRAINING};

int wf_scan_range_open_to(int64_t assignee_id, int64_t actor_id)
{
	const char *rule;

	/* R7: a range assigned to someone is counted by that person alone
	 * (reconcile/rules.c). */
	return recon_assignee_may_scan(assignee_id, actor_id, &rule) == 0;
}

/* The refusal of reconcile/'s undo rule (recon_undo_allowed). */
static enum wf_code undo_refusal(int closed, int have_read, int read_again)
{
	switch (recon_undo_allowed(closed, have_read, read_again)) {
	case UNDO_CLOSED:
		return WF_E_UNDO_CLOSED;
	case UNDO_NOTHING:
		return WF_E_UNDO_NONE;
	case UNDO_READ_AGAIN:
		return WF_E_UNDO_READ_AGAIN;
	case UNDO_OK:
	default:
		return WF_OK;
	}
}

/* ---- opening a reader ---- */

const char *wf_profile_note(const char *name)
{
	return rdr_profile_note(name);
}

/* Opens the reader with its identity profile; 0 or the exit status. */
static int reader_open(const char *spec, const struct rdr_profile *profile,
		       struct rdr **out, struct wf_err *e)
{
	char err[RDR_ERRMSG_MAX];
	int ex, rc = rdr_open(spec, out, err, sizeof(err));

	if (rc == RDR_ERR_SPEC)
		return wf_fail(e, WF_E_READER_SPEC, err);
	if (rc == RDR_ERR_SCRIPT)
		return wf_fail(e, WF_E_READER_SCRIPT, err);
	if (rc < 0)
		return wf_fail(e, WF_E_READER_OPEN, spec, err);
	if (rdr_set_profile(*out, profile) < 0) {
		ex = wf_fail(e, WF_E_READER_OPEN, spec, rdr_error(*out));
		rdr_close(*out);
		*out = NULL;
		return ex;
	}
	return 0;
}

/* A card the profile could not identify, into *ev: the reader's reason,
 * or the no-certificate outcome in words of its own. */
static void unreadable_event(struct rdr *r, const struct rdr_event *rev,
			     struct wf_scan_event *ev)
{
	ev->kind = WF_SCAN_UNREADABLE;
	ev->no_cert = rev->error == RDR_ERR_NO_CERT;
	snprintf(ev->message, sizeof(ev->message), "%s",
		 ev->no_cert ? WF_NO_CERT_MESSAGE : rdr_error(r));
	rdr_feedback(r, RDR_FB_ALERT);
}

/* A reader's failure while reading; the exit status. */
static int reader_failed(struct rdr *r, int rc, struct wf_err *e)
{
	if (rc == RDR_ERR_SCRIPT)
		return wf_fail(e, WF_E_READER_SCRIPT, rdr_error(r));
	return wf_fail(e, WF_E_READER_FAILED, rdr_error(r));
}

/* The serial of a reader's card identifier; -1 when it is none. */
static int id_serial(const struct rdr_id *id, char serial[SERIAL_BUF])
{
	return id->text
		   ? serial_normalize((const char *)id->bytes, id->len, serial)
		   : serial_from_bytes(id->bytes, id->len, serial);
}

static enum rdr_feedback feedback_of(enum recon_outcome o)
{
	return o == RECON_ACCEPTED ? RDR_FB_ACCEPTED
	       : o == RECON_REPEAT ? RDR_FB_REPEAT
				   : RDR_FB_ALERT;
}

/* ---- the two sources of reader presence (see the top of this file) ---- */

struct presence {
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
static void presence_start(struct presence *p, const char *reader)
{
	const char *mode = getenv("CARDTALLY_USB_WATCH");
	const struct usbw_model *m = usbw_models();
	size_t len;
	int driven = 0;

	memset(p, 0, sizeof(*p));
	if (reader == NULL)
		return; /* typed numbers only: no reader to watch */
	len = strcspn(reader, ":");
	if (mode == NULL || *mode == '\0')
		mode = "auto";
	if (strcmp(mode, "off") == 0 || len >= sizeof(p->name))
		return;
	memcpy(p->name, reader, len);
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

/* ---- the session ---- */

/* What the loop fills; each kind has its own handler for a card read. */
enum scan_kind {
	SCAN_COUNT,    /* a counting session, one range at a time */
	SCAN_TALLY,    /* an end-of-day tally: reads are returns (R12) */
	SCAN_DISPOSAL, /* a disposal batch: reads are confirmed due */
};

struct wf_scan {
	struct ledger *l;
	const struct wf_scan_args *a;
	enum scan_kind kind;
	struct ledger_scanner *sc; /* count and tally; NULL for a disposal */
	int64_t range_id;	   /* count only */
	struct rdr *r;		   /* NULL: reads come typed only */
	struct presence pr;
	struct wf_scan_totals totals;
	int range_begun;  /* a count's range: its end is recorded at close */
	int typed_reader; /* kbd: the reader types numbers, no profile */
	int checkpoints_later;	  /* ledger_checkpoint_later, undone at close */
	int64_t profiles_checked; /* reads up to this id: one profile, */
	const struct rdr_profile *checked_prof; /* this one */
	/* What the last read recorded found, while it holds (wf_memo): the
	 * person's checks, the session and range open to them, the reader's
	 * profile (memo_prof, NULL: none checked) and the safe. */
	struct wf_memo memo;
	const struct rdr_profile *memo_prof;
	int memo_safe_open;
};

static int64_t scan_now(const struct wf_scan *s)
{
	return s->a->clock();
}

static const struct recon_rules *scan_rules(const struct wf_scan *s)
{
	return s->a->rules ? s->a->rules : &recon_default_rules;
}

int wf_first_counters(struct ledger *l, int64_t session, int64_t location_id,
		      int64_t **ids, size_t *n, struct wf_err *e)
{
	int64_t *all = NULL;
	size_t nall = 0;

	/* A chain of recounts is short; the bound only stops a cycle that
	 * a damaged file could hold. */
	for (int depth = 0; session && depth < 64; depth++) {
		int64_t *v, of, loc;
		size_t nv;

		if (ledger_range_counters(l, session, location_id, &v, &nv) <
			0 ||
		    ledger_recount_of(l, session, &of, &loc) < 0) {
			free(all);
			return wf_fail_ledger(e, l);
		}
		int64_t *p = realloc(all, (nall + nv + 1) * sizeof(*p));
		if (!p) {
			free(v);
			free(all);
			return wf_fail(e, WF_E_NOMEM);
		}
		all = p;
		if (nv)
			memcpy(all + nall, v, nv * sizeof(*v));
		nall += nv;
		free(v);
		session = of;
	}
	*ids = all;
	*n = nall;
	return 0;
}

int wf_scan_range(struct ledger *l, int64_t id, const char *path,
		  const struct staff_rec *actor, int64_t *range_id,
		  struct wf_err *e)
{
	struct range_rec *ranges = NULL;
	char sid[24];
	size_t n;
	int ex = 0;

	*range_id = 0;
	wf_i64(sid, id);
	if (ledger_session_ranges(l, id, &ranges, &n) < 0)
		return wf_fail_ledger(e, l);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ranges[i].path, path) != 0)
			continue;
		*range_id = ranges[i].location_id;
		if (!wf_scan_range_open_to(ranges[i].assignee_id, actor->id))
			ex = wf_fail(e, WF_E_SCAN_ASSIGNED, path, sid,
				     ranges[i].assignee, actor->code);
	}
	free(ranges);
	if (!*range_id)
		return wf_fail(e, WF_E_SCAN_NOT_A_RANGE, path, sid);
	return ex;
}

/*
 * A counting session or a tally: open, of a kind that is scanned, and for
 * a count the range one of its ranges, open to the actor, and not a
 * recount of the actor's own count (said before the assignment, whose
 * message would not name it).  0 or the exit status.
 */
static int session_check(struct wf_scan *s, struct wf_err *e)
{
	const struct wf_scan_args *a = s->a;
	struct session_rec sess;
	int64_t of = 0, loc = 0, *first = NULL;
	size_t nfirst = 0;
	const char *rule;
	char sid[24], ofs[24];
	int rc, ex, assigned;

	wf_i64(sid, a->session_id);
	rc = ledger_session_get(s->l, a->session_id, &sess);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_SCAN_NO_SESSION, sid);
	if (rc < 0)
		return wf_fail_ledger(e, s->l);
	if (sess.closed_at)
		return wf_fail(e, WF_E_SCAN_CLOSED, sid);
	if (sess.kind == SESSION_COUNTONLY)
		return wf_fail(e, WF_E_SCAN_COUNTONLY, sid);
	s->kind = sess.kind == SESSION_TALLY ? SCAN_TALLY : SCAN_COUNT;
	if (s->kind == SCAN_TALLY && a->range)
		return wf_fail(e, WF_E_SCAN_TALLY_RANGE, sid);
	if (s->kind == SCAN_COUNT && !a->range)
		return wf_fail(e, WF_E_SCAN_RANGE_NEEDED, sid);
	if (s->kind == SCAN_TALLY)
		return 0;
	assigned = wf_scan_range(s->l, a->session_id, a->range, a->actor,
				 &s->range_id, e);
	if (assigned && !s->range_id)
		return assigned; /* not a range of the session */
	if (ledger_recount_of(s->l, a->session_id, &of, &loc) < 0)
		return wf_fail_ledger(e, s->l);
	if (of) {
		ex = wf_first_counters(s->l, of, loc, &first, &nfirst, e);
		if (ex)
			return ex;
		ex = recon_recount_allowed(a->actor->id, first, nfirst, &rule);
		free(first);
		if (ex < 0)
			return wf_fail(e, WF_E_SCAN_RECOUNT, sid, a->range,
				       wf_i64(ofs, of), a->actor->code, rule);
	}
	return assigned;
}

/* A disposal batch is scanned only while open. */
static int disposal_check(struct wf_scan *s, struct wf_err *e)
{
	struct disposal_batch_rec b;
	char id[24];
	int rc = ledger_disposal_get(s->l, s->a->disposal_id, &b);

	wf_i64(id, s->a->disposal_id);
	if (rc == LEDGER_ERR_NOTFOUND)
		return wf_fail(e, WF_E_SCAN_NO_DISPOSAL, id);
	if (rc < 0)
		return wf_fail_ledger(e, s->l);
	if (b.closed_at)
		return wf_fail(e, WF_E_SCAN_DISPOSAL_CLOSED, id);
	s->kind = SCAN_DISPOSAL;
	return 0;
}

int wf_scan_open(struct ledger *l, const struct wf_scan_args *a,
		 struct wf_scan **out, struct wf_err *e)
{
	struct wf_scan *s;
	int ex;

	*out = NULL;
	ex = wf_may(l, &wf_step_scan, a->actor, a->clock(), e);
	if (ex)
		return ex;
	s = calloc(1, sizeof(*s));
	if (!s)
		return wf_fail(e, WF_E_NOMEM);
	s->l = l;
	s->a = a;
	ex = a->disposal_id ? disposal_check(s, e) : session_check(s, e);
	if (ex == 0 && s->kind != SCAN_DISPOSAL &&
	    ledger_scanner_open(l, a->session_id, &s->sc) < 0)
		ex = wf_fail_ledger(e, l);
	if (ex == 0 && a->reader)
		ex = reader_open(a->reader, a->profile, &s->r, e);
	/* The range's record (R7, R8): begun at its first scan, once the
	 * reader is there to scan with. */
	if (ex == 0 && s->kind == SCAN_COUNT) {
		if (ledger_range_begin(l, a->session_id, s->range_id,
				       a->actor->id, scan_now(s)) < 0)
			ex = wf_fail_ledger(e, l);
		else
			s->range_begun = 1;
	}
	if (ex) {
		struct wf_err ignored;

		wf_scan_close(s, &ignored);
		return ex;
	}
	presence_start(&s->pr, a->reader);
	s->typed_reader = a->reader && strncmp(a->reader, "kbd:", 4) == 0;
	/* Checkpoints between reads (next_or_checkpoint), not in them. */
	if (s->r != NULL) {
		ledger_checkpoint_later(l);
		s->checkpoints_later = 1;
	}
	*out = s;
	return 0;
}

int wf_scan_close(struct wf_scan *s, struct wf_err *e)
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
			     s->a->actor->id, scan_now(s)) < 0)
		ex = wf_fail_ledger(e, s->l);
	if (s->checkpoints_later)
		ledger_checkpoint_auto(s->l);
	free(s);
	return ex;
}

const struct wf_scan_totals *wf_scan_totals(const struct wf_scan *s)
{
	return &s->totals;
}

/* ---- one read ---- */

/*
 * Whether the read may still go into the session, as it is inside the
 * read's transaction: the count or tally still open, and a count's range
 * still open to the actor (R7).  0 or the exit status.
 */
static int target_check(struct wf_scan *s, const char *serial, struct wf_err *e)
{
	struct scan_target t;
	char sid[24];

	wf_i64(sid, s->a->session_id);
	if (ledger_scanner_target(s->sc, s->range_id, &t) < 0)
		return wf_fail(e, WF_E_SCAN_RECORD, serial,
			       ledger_errmsg(s->l));
	if (!t.found)
		return wf_fail(e, WF_E_SCAN_READ_GONE, serial, sid);
	if (t.closed_at)
		return wf_fail(e,
			       s->kind == SCAN_TALLY
				   ? WF_E_SCAN_READ_TALLY_CLOSED
				   : WF_E_SCAN_READ_COUNT_CLOSED,
			       serial, sid);
	if (s->kind == SCAN_COUNT &&
	    !wf_scan_range_open_to(t.assignee_id, s->a->actor->id))
		return wf_fail(e, WF_E_SCAN_READ_ASSIGNED, serial, s->a->range,
			       sid, t.assignee);
	return 0;
}

/* The identity profile of the session's reader (NULL: uid). */
static const struct rdr_profile *scan_profile(const struct wf_scan *s)
{
	return s->a->profile ? s->a->profile : rdr_profile_find("uid");
}

/*
 * A read produced by profile prof joins only a session whose reads came
 * from that profile, in that version: a manufacturing number and a
 * certificate's key identifier, or one profile's serials before and after
 * a change of what it reads, are never compared.  Reads without a
 * profile (typed) are not looked at.  Each read is looked at once: the
 * ones recorded since this process last asked (by anyone).  0 or the
 * exit status.
 */
static int profile_check(struct wf_scan *s, const char *serial,
			 const struct rdr_profile *prof, struct wf_err *e)
{
	char other[72], mine[72], sid[24];
	unsigned ov = 0;
	int rc;

	/* The reads up to the watermark were looked at for another profile
	 * (a reader changed under the scan): all of them again. */
	if (s->checked_prof != prof) {
		s->profiles_checked = 0;
		s->checked_prof = prof;
	}
	rc = ledger_session_other_profile(s->l, s->a->session_id, prof->name,
					  prof->version, &s->profiles_checked,
					  other, sizeof(other), &ov);

	if (rc < 0)
		return wf_fail(e, WF_E_SCAN_RECORD, serial,
			       ledger_errmsg(s->l));
	if (rc == 0)
		return 0;
	wf_i64(sid, s->a->session_id);
	snprintf(other + strlen(other), sizeof(other) - strlen(other), " v%u",
		 ov);
	snprintf(mine, sizeof(mine), "%s v%u", prof->name, prof->version);
	return wf_fail(e, WF_E_SCAN_READ_PROFILE, serial, sid, other, mine);
}

/*
 * What a read in a count means: repeat, unknown, not in stock, misplaced
 * (outside the range being scanned), due for disposal, or accepted.
 */
static enum recon_outcome count_classify(const struct wf_scan *s,
					 const struct scan_lookup *lk,
					 int64_t now, enum recon_why *why)
{
	struct recon_read rd = {0};

	rd.seen_before = lk->seen_before;
	rd.known = lk->known;
	rd.status = lk->card.status;
	rd.in_range =
	    lk->known && location_within(lk->card.location, s->a->range);
	rd.reminder_sent = lk->known ? lk->card.reminder_sent : DATE_NONE;
	return recon_classify(&rd, wf_today(now), scan_rules(s), why);
}

/*
 * What a read in a tally means (R12): the return of something that went
 * out.  A terminal's tag is shown under the terminal's code.  0 or a
 * ledger error.
 */
static int tally_classify(struct wf_scan *s, const char *serial,
			  struct scan_lookup *lk, enum recon_outcome *o,
			  enum recon_why *why)
{
	struct tally_lookup tl;
	int rc = ledger_tally_lookup(s->l, s->a->session_id, serial, &tl);

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

/*
 * Whether this read is flagged as handling cards while the safe is
 * recorded closed (R14, recon_safe_flag), in the read's transaction: the
 * safe may be opened or closed by someone else during a long sweep.  A
 * flagged read is still taken.  0 or a ledger error.
 */
static int safe_flag(struct ledger *l, enum recon_handling h, int *flag)
{
	int open = 0;
	int rc = ledger_safe_open(l, &open);

	*flag = rc == 0 && recon_safe_flag(h, open);
	return rc;
}

/* The declaration of a card the ledger says is lost, when on record. */
static int lost_of(struct ledger *l, const struct card_rec *c,
		   struct wf_scan_read *res)
{
	int rc;

	if (c->status != CARD_LOST)
		return 0;
	rc = ledger_card_lost(l, c->id, &res->lost);
	res->have_lost = rc == 0;
	return rc == LEDGER_ERR_NOTFOUND ? 0 : rc;
}

/* Ends a read's transaction: commit when rc is 0, else roll back; a
 * failed commit is a read NOT recorded.  Returns rc or that status. */
static int read_end(struct wf_scan *s, int rc, enum wf_code failed,
		    const char *serial, struct wf_err *e)
{
	if (rc == 0 && ledger_commit(s->l) < 0)
		rc = wf_fail(e, failed, serial, ledger_errmsg(s->l));
	if (rc)
		ledger_rollback(s->l);
	return rc;
}

/*
 * A count's or a tally's read begun: the transaction, and the checks of
 * the person, the session and range, the reader's profile and the safe,
 * each read from the ledger again unless what the last recorded read
 * found still holds (wf_begin_memo: nobody has written since, the same
 * day).  0 with the transaction open and *safe_open set, or the exit
 * status with nothing open.
 */
static int read_begin(struct wf_scan *s, const struct wf_scan_read *res,
		      const struct rdr_profile *prof, int *safe_open,
		      struct wf_err *e)
{
	int again, rc;

	rc = wf_begin_memo(s->l, &wf_step_scan, s->a->actor, res->at,
			   &s->memo, &again, e);
	if (rc)
		return rc;
	if (!again) {
		s->memo_prof = NULL;
		rc = target_check(s, res->serial, e);
		if (rc == 0 && ledger_safe_open(s->l, &s->memo_safe_open) < 0)
			rc = wf_fail(e, WF_E_SCAN_RECORD, res->serial,
				     ledger_errmsg(s->l));
	}
	if (rc == 0 && prof && prof != s->memo_prof) {
		rc = profile_check(s, res->serial, prof, e);
		if (rc == 0)
			s->memo_prof = prof;
	}
	if (rc) {
		s->memo.step = NULL;
		return read_end(s, rc, WF_E_SCAN_RECORD, res->serial, e);
	}
	*safe_open = s->memo_safe_open;
	return 0;
}

/*
 * One read into a count or a tally: the person and the session checked,
 * the card looked up, decided, recorded, committed, and only then *res
 * filled for the caller to report; with known_only, a serial no card of
 * the ledger has is refused.  0 or the exit status (nothing written).
 */
static int handle_card(struct wf_scan *s, struct wf_scan_read *res,
		       const struct rdr_profile *prof, int known_only,
		       struct wf_err *e)
{
	struct scan_lookup *lk = &res->lk;
	int tally = s->kind == SCAN_TALLY, flag, safe_open, rc;

	res->outcome = RECON_ALERT;
	res->why = WHY_NONE;
	rc = read_begin(s, res, prof, &safe_open, e);
	if (rc)
		return rc;
	rc = ledger_scanner_lookup(s->sc, res->serial, lk);
	flag = recon_safe_flag(tally ? HANDLE_TALLY_SCAN : HANDLE_COUNT_SCAN,
			       safe_open);
	if (rc == 0 && tally)
		rc = tally_classify(s, res->serial, lk, &res->outcome,
				    &res->why);
	else if (rc == 0)
		res->outcome = count_classify(s, lk, res->at, &res->why);
	/* Typed where only the ledger's numbers are taken (wf_scan_typed):
	 * nobody's number is a typing error, refused and not recorded --
	 * after the checks of the session, so a closed count says so. */
	if (rc == 0 && known_only && !lk->known)
		rc = wf_fail(e, WF_E_SCAN_TYPED_UNKNOWN, res->serial);
	/* The ledger says it is lost: the alert says since when and by
	 * which count, in the read's snapshot. */
	if (rc == 0 && lk->known)
		rc = lost_of(s->l, &lk->card, res);
	if (rc == 0)
		rc = ledger_scanner_record(
		    s->sc, tally ? 0 : s->range_id, res->serial,
		    lk->known ? lk->card.id : 0, s->a->actor->id, res->at,
		    recon_outcome_name(res->outcome), recon_why_name(res->why),
		    flag, prof ? prof->name : NULL, prof ? prof->version : 0);
	if (rc < 0)
		rc = wf_fail(e, WF_E_SCAN_RECORD, res->serial,
			     ledger_errmsg(s->l));
	rc = read_end(s, rc, WF_E_SCAN_RECORD, res->serial, e);
	if (rc == 0) {
		res->safe_closed = flag;
		wf_memo_keep(s->l, &wf_step_scan, s->a->actor, res->at,
			     &s->memo);
		/* Every read up to this one is checked for this profile or
		 * is this scan's own: nobody could write between the check
		 * (or the memo's) and this commit, under the write lock. */
		if (prof && prof == s->memo_prof)
			s->profiles_checked = ledger_scanner_last_id(s->sc);
	} else {
		s->memo.step = NULL;
	}
	return rc;
}

/*
 * One read into a disposal batch: a due card is added (on disk before the
 * operator is told), a card already in the batch is a repeat, any other
 * card is refused and left alone -- it is not due, so it must go back.
 * 0 or the exit status (nothing written).
 */
/* A read into a disposal batch by profile prof (NULL: typed), which the
 * batch records with the card. */
static int handle_disposal_card(struct wf_scan *s, struct wf_scan_read *res,
				const struct rdr_profile *prof,
				struct wf_err *e)
{
	struct card_rec *card = &res->lk.card;
	struct recon_dispose_read in = {0};
	struct disposal_batch_rec b;
	int64_t id = s->a->disposal_id, other = 0;
	char ids[24];
	int flag = 0, rc;

	res->outcome = RECON_ALERT;
	res->dispose = DISPOSE_UNKNOWN;
	res->other_disposal = 0;
	res->due = DUE_NOT;
	res->due_since = DATE_NONE;
	rc = wf_begin(s->l, &wf_step_scan, s->a->actor, res->at, e);
	if (rc)
		return rc;
	/* Closed by someone else since the scan began: refused. */
	wf_i64(ids, id);
	rc = ledger_disposal_get(s->l, id, &b);
	if (rc == LEDGER_ERR_NOTFOUND)
		rc = wf_fail(e, WF_E_SCAN_NO_DISPOSAL, ids);
	else if (rc == 0 && b.closed_at)
		rc = wf_fail(e, WF_E_SCAN_READ_DISPOSAL_CLOSED, res->serial,
			     ids);
	else if (rc < 0)
		rc = wf_fail(e, WF_E_SCAN_DISPOSAL_RECORD, res->serial,
			     ledger_errmsg(s->l));
	if (rc)
		return read_end(s, rc, WF_E_SCAN_DISPOSAL_RECORD, res->serial,
				e);
	rc = safe_flag(s->l, HANDLE_DISPOSAL_SCAN, &flag);
	if (rc == 0)
		rc = ledger_card_by_serial(s->l, res->serial, card);
	if (rc == LEDGER_ERR_NOTFOUND) {
		memset(card, 0, sizeof(*card));
		rc = 0;
	} else if (rc == 0) {
		res->lk.known = 1;
		rc = lost_of(s->l, card, res);
		if (rc == 0)
			rc = ledger_disposal_has(s->l, id, card->id);
		if (rc >= 0) {
			in.in_batch = rc == 1;
			rc = 0;
		}
		if (rc == 0 && !in.in_batch)
			rc = ledger_disposal_other_open(s->l, id, card->id,
							&other);
	}
	/* The facts gathered, reconcile/ decides: only a due card in no
	 * other open batch joins this one. */
	if (rc == 0) {
		in.known = res->lk.known;
		in.in_other_open = other != 0;
		in.status = card->status;
		in.reminder_sent = card->reminder_sent;
		res->dispose =
		    recon_dispose_accept(&in, wf_today(res->at), scan_rules(s),
					 &res->due, &res->due_since);
		res->outcome = res->dispose == DISPOSE_ACCEPTED ? RECON_ACCEPTED
			       : res->dispose == DISPOSE_REPEAT ? RECON_REPEAT
								: RECON_ALERT;
		if (res->dispose == DISPOSE_IN_DISPOSAL)
			res->other_disposal = other;
		if (res->dispose == DISPOSE_ACCEPTED)
			rc = ledger_disposal_add_read(
			    s->l, id, card->id, card->mgmt_id,
			    recon_due_why_name(res->due), res->due_since,
			    s->a->actor->id, res->at, flag,
			    prof ? prof->name : NULL, prof ? prof->version : 0);
	}
	if (rc < 0)
		rc = wf_fail(e, WF_E_SCAN_DISPOSAL_RECORD, res->serial,
			     ledger_errmsg(s->l));
	rc = read_end(s, rc, WF_E_SCAN_DISPOSAL_RECORD, res->serial, e);
	/* Only a card taken into the batch left storage: refusals and
	 * repeats are not flagged. */
	if (rc == 0)
		res->safe_closed = flag && res->outcome == RECON_ACCEPTED;
	return rc;
}

/* A read of serial (normalised already) at res->at, produced by profile
 * prof (NULL: typed): recorded or refused (known_only: see handle_card),
 * and the reader's feedback and the totals either way. */
static int take_read(struct wf_scan *s, struct wf_scan_read *res,
		     const struct rdr_profile *prof, int known_only,
		     struct wf_err *e)
{
	int ex = s->kind == SCAN_DISPOSAL
		     ? handle_disposal_card(s, res, prof, e)
		     : handle_card(s, res, prof, known_only, e);

	if (ex) {
		s->totals.refused++;
		if (s->r)
			rdr_feedback(s->r, RDR_FB_ALERT);
		return ex;
	}
	/* On disk: now the operator may be told. */
	if (s->r)
		rdr_feedback(s->r, feedback_of(res->outcome));
	if (res->outcome == RECON_ACCEPTED)
		s->totals.accepted++;
	else if (res->outcome == RECON_REPEAT)
		s->totals.repeats++;
	else
		s->totals.alerts++;
	s->totals.safe_closed += res->safe_closed;
	return 0;
}

/* wf_scan_serial, with known_only as wf_scan_typed's WF_TYPED_KNOWN_ONLY. */
static int serial_read(struct wf_scan *s, const char *serial, int known_only,
		       struct wf_scan_read *res, struct wf_err *e)
{
	int ex;

	memset(res, 0, sizeof(*res));
	/* Refused before anything else: not normalised, not recorded, and
	 * the refusal does not repeat it. */
	ex = wf_typed_check(serial, e);
	if (ex) {
		s->totals.refused++;
		if (s->r)
			rdr_feedback(s->r, RDR_FB_ALERT);
		return ex;
	}
	if (serial_normalize(serial, strlen(serial), res->serial) < 0)
		return wf_fail(e, WF_E_SCAN_NOT_A_CARD, serial);
	res->at = scan_now(s);
	return take_read(s, res, NULL, known_only, e);
}

int wf_scan_serial(struct wf_scan *s, const char *serial,
		   struct wf_scan_read *res, struct wf_err *e)
{
	return serial_read(s, serial, 0, res, e);
}

int wf_scan_typed(struct wf_scan *s, const char *typed, unsigned flags,
		  struct wf_scan_read *res, struct wf_err *e)
{
	char serial[SERIAL_BUF];
	int rc;

	memset(res, 0, sizeof(*res));
	/* A My Number is refused (by serial_read) before anything looks it
	 * up. */
	if (!wf_typed_check(typed, e) && (flags & WF_TYPED_BY_NAME)) {
		rc = ledger_custody_serial(s->l, typed, serial);
		if (rc == 0)
			typed = serial;
		else if (rc != LEDGER_ERR_NOTFOUND)
			return wf_fail_ledger(e, s->l);
	}
	return serial_read(s, typed, (flags & WF_TYPED_KNOWN_ONLY) != 0, res,
			   e);
}

/*
 * The reader's next event; but first, when the WAL is due for a
 * checkpoint and the reader has nothing for us at once, the checkpoint:
 * between two reads, after the last one's feedback, never inside a read's
 * commit.  A reader that never pauses (a sim file) gets its checkpoint
 * anyway once the WAL holds four times as much.
 */
static int next_or_checkpoint(struct wf_scan *s, int timeout_ms,
			      struct rdr_event *rev)
{
	int pages = ledger_wal_pages(s->l), rc;

	if (pages >= 4 * LEDGER_CHECKPOINT_PAGES)
		ledger_checkpoint(s->l);
	else if (pages >= LEDGER_CHECKPOINT_PAGES) {
		rc = rdr_next(s->r, 0, rev);
		if (rc != 0 || rev->kind != RDR_EV_TIMEOUT)
			return rc;
		ledger_checkpoint(s->l);
	}
	return rdr_next(s->r, timeout_ms, rev);
}

int wf_scan_next(struct wf_scan *s, int timeout_ms, struct wf_scan_event *ev,
		 struct wf_err *e)
{
	struct rdr_event rev;
	int change, rc;

	memset(ev, 0, sizeof(*ev));
	ev->kind = WF_SCAN_IDLE;
	if (s->pr.w != NULL && s->pr.nqueue == 0)
		usbwatch_dispatch(s->pr.w, 0);
	change = presence_pop(&s->pr);
	if (change >= 0) {
		ev->kind = change ? WF_SCAN_LOST : WF_SCAN_BACK;
		return 0;
	}
	if (s->r == NULL)
		return 0;
	rc = next_or_checkpoint(s, timeout_ms, &rev);
	if (rc == RDR_ERR_INTERRUPTED ||
	    (rc == 0 && rev.kind == RDR_EV_TIMEOUT))
		return 0;
	if (rc < 0)
		return reader_failed(s->r, rc, e);
	switch (rev.kind) {
	case RDR_EV_END:
		ev->kind = WF_SCAN_END;
		break;
	case RDR_EV_LOST:
	case RDR_EV_BACK:
		presence_set(&s->pr, &s->pr.backend_gone,
			     rev.kind == RDR_EV_LOST);
		change = presence_pop(&s->pr);
		if (change >= 0)
			ev->kind = change ? WF_SCAN_LOST : WF_SCAN_BACK;
		break;
	case RDR_EV_UNREADABLE:
		ev->at = scan_now(s);
		unreadable_event(s->r, &rev, ev);
		break;
	case RDR_EV_CARD:
		/* Backends deliver only valid identifiers. */
		if (id_serial(&rev.id, ev->res.serial) < 0)
			break;
		ev->res.at = ev->at = scan_now(s);
		/* A number a barcode scanner typed was produced by no
		 * chip profile; a chip's identifier (text or bytes: the
		 * manufacturing number is text) by the session's, and the
		 * simulated reader stands for a chip reader. */
		ev->kind =
		    take_read(s, &ev->res,
			      s->typed_reader ? NULL : scan_profile(s), 0, e)
			? WF_SCAN_REFUSED
			: WF_SCAN_READ;
		break;
	default:
		break;
	}
	return 0;
}

void wf_scan_wake(struct wf_scan *s)
{
	if (s != NULL)
		rdr_wake(s->r);
}

int wf_scan_run(struct wf_scan *s, const volatile sig_atomic_t *stop,
		int (*report)(void *ctx, const struct wf_scan_event *ev,
			      const struct wf_err *e),
		void *ctx, struct wf_err *e)
{
	struct wf_scan_event ev;
	/* A reader that wf_scan_wake can wake is waited on for as long as it
	 * takes: no periodic look at *stop (nor at pcscd).  A USB watch is
	 * dispatched between waits, so with one the waits stay bounded. */
	int wait = s->r != NULL && rdr_wakeable(s->r) && s->pr.w == NULL
		       ? -1
		       : WF_SCAN_WAIT_MS;
	int ex;

	while (!*stop) {
		ex = wf_scan_next(s, wait, &ev, e);
		if (ex)
			return ex;
		if (ev.kind == WF_SCAN_IDLE)
			continue;
		if (ev.kind == WF_SCAN_END)
			break;
		if (report(ctx, &ev, e))
			break;
		/* The session refuses every read from now on (it was
		 * closed, the range given to someone else, the person
		 * locked) or the ledger failed: the loop ends with why. */
		if (ev.kind == WF_SCAN_REFUSED)
			return wf_exit(e->code);
	}
	return 0;
}

/* ---- a reader outside a session ---- */

struct wf_reader {
	struct rdr *r;
};

int wf_reader_open(const char *spec, const struct rdr_profile *profile,
		   struct wf_reader **out, struct wf_err *e)
{
	struct wf_reader *cr = calloc(1, sizeof(*cr));
	int ex;

	*out = NULL;
	if (!cr)
		return wf_fail(e, WF_E_NOMEM);
	ex = reader_open(spec, profile, &cr->r, e);
	if (ex) {
		free(cr);
		return ex;
	}
	*out = cr;
	return 0;
}

int wf_reader_next(struct wf_reader *cr, int timeout_ms,
		   struct wf_scan_event *ev, struct wf_err *e)
{
	struct rdr_event rev;
	int rc;

	memset(ev, 0, sizeof(*ev));
	ev->kind = WF_SCAN_IDLE;
	rc = rdr_next(cr->r, timeout_ms, &rev);
	if (rc == RDR_ERR_INTERRUPTED ||
	    (rc == 0 && rev.kind == RDR_EV_TIMEOUT))
		return 0;
	if (rc < 0)
		return reader_failed(cr->r, rc, e);
	switch (rev.kind) {
	case RDR_EV_END:
		ev->kind = WF_SCAN_END;
		break;
	case RDR_EV_LOST:
		ev->kind = WF_SCAN_LOST;
		break;
	case RDR_EV_BACK:
		ev->kind = WF_SCAN_BACK;
		break;
	case RDR_EV_UNREADABLE:
		unreadable_event(cr->r, &rev, ev);
		break;
	case RDR_EV_CARD:
		/* Backends deliver only valid identifiers. */
		if (id_serial(&rev.id, ev->res.serial) == 0)
			ev->kind = WF_SCAN_READ;
		break;
	default:
		break;
	}
	return 0;
}

void wf_reader_feedback(struct wf_reader *cr, enum recon_outcome o)
{
	rdr_feedback(cr->r, feedback_of(o));
}

void wf_reader_close(struct wf_reader *cr)
{
	if (!cr)
		return;
	rdr_close(cr->r);
	free(cr);
}

int wf_reader_collect(const char *spec, const struct rdr_profile *profile,
		      const volatile sig_atomic_t *stop,
		      void (*unreadable)(void *ctx, const char *why), void *ctx,
		      char (**out)[SERIAL_BUF], size_t *n, struct wf_err *e)
{
	struct wf_reader *r = NULL;
	int ex = wf_reader_open(spec, profile, &r, e);

	*out = NULL;
	*n = 0;
	if (ex)
		return ex;
	while (!*stop) {
		struct wf_scan_event ev;
		int again = 0;

		ex = wf_reader_next(r, WF_SCAN_WAIT_MS, &ev, e);
		if (ex || ev.kind == WF_SCAN_END)
			break;
		if (ev.kind == WF_SCAN_UNREADABLE && unreadable)
			unreadable(ctx, ev.message);
		if (ev.kind != WF_SCAN_READ)
			continue;
		/* Cards lie in a stack on the reader: one read each. */
		for (size_t i = 0; i < *n && !again; i++)
			again = strcmp((*out)[i], ev.res.serial) == 0;
		if (!again) {
			void *p = realloc(*out, (*n + 1) * sizeof(**out));

			if (!p) {
				ex = wf_fail(e, WF_E_NOMEM);
				break;
			}
			*out = p;
			memcpy((*out)[(*n)++], ev.res.serial, SERIAL_BUF);
		}
		wf_reader_feedback(r, again ? RECON_REPEAT : RECON_ACCEPTED);
	}
	wf_reader_close(r);
	if (ex) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ex;
}

/* ---- taking a read back ---- */

int wf_scan_undo(struct ledger *l, const struct staff_rec *actor, int64_t id,
		 const char *reason, int64_t now, struct scan_undone *out,
		 struct wf_err *e)
{
	struct session_rec sess;
	size_t len = reason ? strlen(reason) : 0;
	char sid[24], max[24];
	int again = 0, have = 0, rc;
	enum wf_code why;

	memset(out, 0, sizeof(*out));
	wf_i64(sid, id);
	/* text rule: the ledger refuses control characters itself; the
	 * length is said before anything is looked at. */
	if (len == 0 || len > UNDO_REASON_MAX)
		return wf_fail(e, WF_E_UNDO_REASON,
			       wf_i64(max, UNDO_REASON_MAX));
	rc = wf_begin(l, &wf_step_scan_undo, actor, now, e);
	if (rc)
		return rc;
	rc = ledger_session_get(l, id, &sess);
	if (rc == LEDGER_ERR_NOTFOUND) {
		rc = wf_fail(e, WF_E_SCAN_NO_SESSION, sid);
		return wf_end(l, rc, e);
	}
	if (rc == 0 && !sess.closed_at) {
		rc = ledger_scan_last_read(l, id, actor->id, out);
		have = rc == 0;
		if (rc == LEDGER_ERR_NOTFOUND)
			rc = 0;
	}
	if (rc == 0 && have)
		rc = ledger_scan_read_after(l, id, out, &again);
	if (rc < 0)
		return wf_end(l, wf_fail_ledger(e, l), e);
	why = undo_refusal(sess.closed_at != 0, have, again);
	if (why == WF_E_UNDO_CLOSED || why == WF_E_UNDO_NONE)
		rc = wf_fail(e, why, sid);
	else if (why == WF_E_UNDO_READ_AGAIN)
		rc = wf_fail(e, why, out->serial);
	if (rc == 0) {
		rc = ledger_scan_undo(l, id, actor->id, reason, now, out);
		if (rc == LEDGER_ERR_INVALID)
			rc = wf_fail(e, WF_E_UNDO_REASON,
				     wf_i64(max, UNDO_REASON_MAX));
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}

/* ---- the ranges one may scan ---- */

struct picks {
	struct ledger *l;
	const struct staff_rec *actor;
	struct wf_scan_pick *v;
	size_t n, cap;
};

static int add_picks(const struct session_rec *sess, void *ctx)
{
	struct picks *p = ctx;
	struct range_rec *r = NULL;
	size_t n = 0;
	int rc;

	/* A tally has no ranges; a count-only check's ranges are counted,
	 * not scanned (count total). */
	if (sess->kind == SESSION_TALLY || sess->kind == SESSION_COUNTONLY)
		return 0;
	rc = ledger_session_ranges(p->l, sess->id, &r, &n);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct wf_scan_pick *k;

		if (!wf_scan_range_open_to(r[i].assignee_id, p->actor->id))
			continue; /* someone else's range (R7) */
		if (p->n == p->cap) {
			size_t ncap = p->cap ? p->cap * 2 : 16;
			void *q = realloc(p->v, ncap * sizeof(*p->v));

			if (!q) {
				free(r);
				return LEDGER_ERR_NOMEM;
			}
			p->v = q;
			p->cap = ncap;
		}
		k = &p->v[p->n++];
		memset(k, 0, sizeof(*k));
		k->session_id = sess->id;
		k->range_id = r[i].location_id;
		snprintf(k->range, sizeof(k->range), "%s", r[i].path);
		k->mine = r[i].assignee_id == p->actor->id;
	}
	free(r);
	return 0;
}

int wf_scan_picks(struct ledger *l, const struct staff_rec *actor,
		  struct wf_scan_pick **out, size_t *n, struct wf_err *e)
{
	struct picks p = {.l = l, .actor = actor};
	int rc = ledger_session_open_each(l, add_picks, &p);

	*out = NULL;
	*n = 0;
	if (rc < 0) {
		free(p.v);
		return rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
					      : wf_fail_ledger(e, l);
	}
	*out = p.v;
	*n = p.n;
	return 0;
}
