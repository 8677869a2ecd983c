/*
 * `cardtally report daily [--date YYYY-MM-DD] [--json]`: what a manager
 * prints and signs each evening (seeds 000, 003: a record of the day that
 * someone answers for).  One day, local time: the counts worked on and
 * their results, the window tallies (balanced or not, and what is still
 * out), the openings of the safe with their flags, the cards handled while
 * the safe was recorded closed, the custody movements by kind and person,
 * the disposals, the near-misses (R22), the accounts locked now, and the
 * audit chain: verified, with its head at the end of the day (the anchor)
 * to be written down and checked later with `audit verify --anchor HASH
 * --expect-rows N`.  Read-only and without a PIN, like `status`.  Text is
 * laid out for 80 columns; the JSON holds everything the text shows.
 * Exit 1 only when the audit chain is broken.
 */
#include <stdlib.h>
#include <string.h>

#include "../workflow/config.h"
#include "report.h"

struct daily {
	struct ledger *l;
	FILE *f;
	int json;
	int64_t from, to; /* the day, [from, to) in unix time */
	int32_t day;
	const struct config *conf;
	int n; /* items in the current section */
	/* The safe's part and the locked accounts, printed by report.c. */
	struct report_list list;
};

/* A section: its JSON key or its heading; end_section closes it. */
static void begin_section(struct daily *d, const char *key, const char *heading)
{
	d->n = 0;
	if (d->json)
		fprintf(d->f, ",\"%s\":[", key);
	else
		fprintf(d->f, "\n%s\n", heading);
}

static void end_section(const struct daily *d)
{
	if (d->json)
		fputc(']', d->f);
	else if (d->n == 0)
		fputs("  none\n", d->f);
}

static int in_day(const struct daily *d, int64_t t)
{
	return t >= d->from && t < d->to;
}

/* "10:05" on the report's day, else "2026-03-01 10:05". */
static void when(const struct daily *d, int64_t t, char out[24])
{
	char iso[TIME_ISO_BUF];

	cli_time_iso(t, iso);
	if (in_day(d, t))
		snprintf(out, 24, "%.5s", iso + 11);
	else
		snprintf(out, 24, "%.10s %.5s", iso, iso + 11);
}

/* The session's people and times, shared by counts and tallies. */
static void session_head(struct daily *d, const struct session_rec *s)
{
	char a[24], b[24];

	if (d->json) {
		fprintf(d->f, "%s{\"session\":%lld,\"kind\":\"%s\",",
			d->n ? "," : "", (long long)s->id,
			session_kind_name(s->kind));
		fputs("\"started_at\":", d->f);
		json_time(d->f, s->started_at);
		fputs(",\"started_by\":", d->f);
		json_str(d->f, s->started_by);
		fputs(",\"closed_at\":", d->f);
		json_time(d->f, s->closed_at);
		fputs(",\"closed_by\":", d->f);
		json_str_or_null(d->f, s->closed_by);
		fputs(",\"witness\":", d->f);
		json_str_or_null(d->f, s->witness);
		return;
	}
	when(d, s->started_at, a);
	fprintf(d->f, "  #%lld %s, started %s by %s", (long long)s->id,
		session_kind_name(s->kind), a, s->started_by);
	if (s->closed_at) {
		when(d, s->closed_at, b);
		fprintf(d->f, ", closed %s by %s", b, s->closed_by);
		if (s->witness[0])
			fprintf(d->f, ", witness %s", s->witness);
	} else {
		fputs(", still open", d->f);
	}
}

/* ---- counts ---- */

static int show_count(const struct session_rec *s, void *ctx)
{
	struct daily *d = ctx;
	struct count_data cd;
	struct recon_report r;
	int rc;

	if (s->kind == SESSION_TALLY)
		return 0;
	rc = ledger_count_load(d->l, s->id, &cd);
	if (rc < 0)
		return rc;
	if (recon_run(&cd, d->day, &d->conf->rules, &r) < 0) {
		count_data_free(&cd);
		return LEDGER_ERR_NOMEM;
	}
	session_head(d, s);
	if (d->json)
		fprintf(d->f,
			",\"expected\":%zu,\"seen\":%zu,\"ok\":%zu,"
			"\"missing\":%zu,\"misplaced\":%zu,\"extra\":%zu,"
			"\"not_in_stock\":%zu,\"disposal_due\":%zu,"
			"\"discrepancies\":%s}",
			r.expected, r.seen, r.ok, r.nmissing, r.nmisplaced,
			r.nextra, r.nnot_in_stock, r.ndisposal_due,
			recon_has_discrepancy(&r) ? "true" : "false");
	else
		fprintf(d->f,
			"\n     expected %zu, read %zu, in place %zu%s\n"
			"     missing %zu, misplaced %zu, extra %zu, not in "
			"stock %zu, due for disposal %zu\n",
			r.expected, r.seen, r.ok,
			recon_has_discrepancy(&r) ? ": DISCREPANCIES" : "",
			r.nmissing, r.nmisplaced, r.nextra, r.nnot_in_stock,
			r.ndisposal_due);
	d->n++;
	recon_report_free(&r);
	count_data_free(&cd);
	return 0;
}

/* ---- tallies ---- */

struct still_out {
	struct daily *d;
	int n;
};

static int show_still_out(void *ctx, const struct tally_row *r)
{
	struct still_out *o = ctx;
	FILE *f = o->d->f;
	char day[11] = "-";

	if (recon_tally_item(r->read_back, r->status) != TALLY_MISSING)
		return 0;
	if (r->for_date != DATE_NONE)
		date_format(r->for_date, day);
	if (o->d->json) {
		fprintf(f, "%s{\"%s\":", o->n ? "," : "",
			r->is_asset ? "asset" : "mgmt_id");
		json_str(f, r->name);
		fputs(",\"checked_out_by\":", f);
		json_str_or_null(f, r->checked_out_by);
		fputs(",\"for\":", f);
		json_str_or_null(f, r->for_date != DATE_NONE ? day : NULL);
		fputc('}', f);
	} else {
		fprintf(f, "     still out: %s %s, checked out by %s for %s\n",
			r->is_asset ? "terminal" : "card", r->name,
			r->checked_out_by[0] ? r->checked_out_by : "?", day);
	}
	o->n++;
	return 0;
}

static int show_tally(const struct session_rec *s, void *ctx)
{
	struct daily *d = ctx;
	struct still_out o = {.d = d};
	char note[NOTE_MAX_BYTES + 1];
	struct recon_tally t;
	int balanced, rc;

	if (s->kind != SESSION_TALLY)
		return 0;
	rc = tally_summary(d->l, s->id, &t);
	if (rc == 0)
		rc = ledger_session_get_note(d->l, s->id, note, sizeof(note));
	if (rc < 0)
		return rc;
	balanced = recon_tally_balanced(&t);
	session_head(d, s);
	if (d->json) {
		fprintf(d->f,
			",\"expected\":%zu,\"returned\":%zu,\"issued\":%zu,"
			"\"resolved\":%zu,\"missing\":%zu,\"balanced\":%s,"
			"\"note\":",
			t.expected, t.by_state[TALLY_RETURNED],
			t.by_state[TALLY_ISSUED], t.by_state[TALLY_RESOLVED],
			t.by_state[TALLY_MISSING], balanced ? "true" : "false");
		json_str_or_null(d->f, note);
		fputs(",\"still_out\":[", d->f);
	} else {
		fprintf(d->f,
			"\n     expected %zu: returned %zu, issued %zu, back "
			"since %zu, missing %zu: %s\n",
			t.expected, t.by_state[TALLY_RETURNED],
			t.by_state[TALLY_ISSUED], t.by_state[TALLY_RESOLVED],
			t.by_state[TALLY_MISSING],
			balanced ? "balanced" : "NOT BALANCED");
	}
	rc = ledger_tally_each(d->l, s->id, show_still_out, &o);
	if (rc < 0)
		return rc;
	if (d->json) {
		fputs("]}", d->f);
	} else if (note[0]) {
		fputs("     note:\n", d->f);
		report_wrapped(d->f, "       ", note);
	}
	d->n++;
	return 0;
}

/* ---- the safe ---- */

/* ledger_key_each_since gives every opening since the morning, also those
 * of later days when an earlier day is printed. */
static int show_opening(const struct key_opening_rec *o, void *ctx)
{
	struct daily *d = ctx;

	return o->opened_at < d->to ? report_opening(o, &d->list) : 0;
}

/* ---- custody ---- */

static int show_custody(void *ctx, const char *kind, const char *staff,
			int64_t n)
{
	struct daily *d = ctx;

	if (d->json) {
		fprintf(d->f, "%s{\"kind\":", d->n ? "," : "");
		json_str(d->f, kind);
		fputs(",\"by\":", d->f);
		json_str_or_null(d->f, staff);
		fprintf(d->f, ",\"n\":%lld}", (long long)n);
	} else {
		fprintf(d->f, "  %-10s %-12s %6lld\n", kind,
			staff[0] ? staff : "?", (long long)n);
	}
	d->n++;
	return 0;
}

/* ---- disposals ---- */

static int show_batch(void *ctx, const struct disposal_batch_rec *b)
{
	struct daily *d = ctx;
	char a[24], c[24];

	if (!in_day(d, b->started_at) &&
	    !(b->closed_at && in_day(d, b->closed_at)))
		return 0;
	if (d->json) {
		fprintf(d->f, "%s{\"disposal\":\"D%lld\",\"started_at\":",
			d->n ? "," : "", (long long)b->id);
		json_time(d->f, b->started_at);
		fputs(",\"started_by\":", d->f);
		json_str(d->f, b->started_by);
		fputs(",\"witness\":", d->f);
		json_str(d->f, b->witness);
		fputs(",\"closed_at\":", d->f);
		json_time(d->f, b->closed_at);
		fputs(",\"closed_by\":", d->f);
		json_str_or_null(d->f, b->closed_by);
		fputs(",\"close_witness\":", d->f);
		json_str_or_null(d->f, b->close_witness);
		fputs(",\"method\":", d->f);
		json_str_or_null(d->f, b->method);
		fputs(",\"certificate\":", d->f);
		json_str_or_null(d->f, b->certificate);
		fprintf(d->f, ",\"cards\":%lld}", (long long)b->ncards);
	} else {
		when(d, b->started_at, a);
		fprintf(d->f, "  D%lld started %s by %s, witness %s\n",
			(long long)b->id, a, b->started_by, b->witness);
		if (b->closed_at) {
			when(d, b->closed_at, c);
			fprintf(d->f,
				"     closed %s by %s, witness %s: %lld "
				"card%s destroyed (%s%s%s)\n",
				c, b->closed_by, b->close_witness,
				(long long)b->ncards, b->ncards == 1 ? "" : "s",
				b->method,
				b->certificate[0] ? ", certificate " : "",
				b->certificate);
		} else {
			fprintf(d->f, "     still open: %lld card%s scanned\n",
				(long long)b->ncards,
				b->ncards == 1 ? "" : "s");
		}
	}
	d->n++;
	return 0;
}

static int skip_card(void *ctx, const struct disposal_card_row *c)
{
	(void)ctx;
	(void)c;
	return 0;
}

/* ---- near-misses (R22) ---- */

static int show_note(void *ctx, const struct note_row *r)
{
	struct daily *d = ctx;
	char a[24];

	if (!in_day(d, r->at))
		return 0;
	if (d->json) {
		fprintf(d->f, "%s{\"id\":%lld,\"at\":", d->n ? "," : "",
			(long long)r->id);
		json_time(d->f, r->at);
		fputs(",\"by\":", d->f);
		json_str(d->f, r->staff);
		fputs(",\"mgmt_id\":", d->f);
		json_str_or_null(d->f, r->mgmt_id);
		fputs(",\"text\":", d->f);
		json_str(d->f, r->text);
		fputc('}', d->f);
	} else {
		when(d, r->at, a);
		fprintf(d->f, "  #%lld %s by %s%s%s\n", (long long)r->id, a,
			r->staff, r->mgmt_id[0] ? ", card " : "", r->mgmt_id);
		report_wrapped(d->f, "     ", r->text);
	}
	d->n++;
	return 0;
}

/* ---- the audit chain ---- */

static void anchor_text(struct daily *d, int64_t id, const char *hex)
{
	fprintf(
	    d->f,
	    "  anchor at the end of the day: the chain's %lld entries up to\n"
	    "  then and the last one's hash (write both down; later\n"
	    "  'cardtally audit verify' with them shows a rewrite, or\n"
	    "  entries cut from the end of the log):\n"
	    "    --expect-rows %lld\n"
	    "    --anchor %s\n",
	    (long long)id, (long long)id, hex);
}

/* Verifies the whole chain and prints the day's anchor; 0 when intact,
 * 1 when broken, negative on a ledger error. */
static int show_audit(struct daily *d)
{
	uint8_t hash[AUDIT_HASH_BYTES];
	char hex[AUDIT_HEX_BUF];
	struct audit_verify v;
	int64_t id;
	int rc = ledger_audit_verify(d->l, NULL, 0, &v);
	int anchored;

	if (rc == 0)
		rc = ledger_audit_head_before(d->l, d->to, &id, hash);
	if (rc < 0)
		return rc;
	audit_hex(hash, hex);
	anchored = id && !audit_problem_breaks_chain(v.problem);
	if (d->json) {
		fprintf(d->f, ",\"audit\":{\"intact\":%s,\"entries\":%lld,",
			v.problem == AUDIT_INTACT ? "true" : "false",
			(long long)v.entries);
		if (v.problem != AUDIT_INTACT) {
			fprintf(d->f,
				"\"problem\":\"%s\",\"table\":\"%s\","
				"\"id\":%lld,\"what\":",
				audit_problem_name(v.problem), v.table,
				(long long)v.bad_id);
			json_str(d->f, v.what);
			fprintf(d->f, ",\"problems_total\":%lld,",
				(long long)v.nfindings);
		} else {
			fputs("\"problem\":null,", d->f);
		}
		/* The chain is intact from entry 1: the head's id is the
		 * number of entries up to it. */
		if (anchored)
			fprintf(d->f,
				"\"anchor\":\"%s\",\"anchor_entry\":%lld,"
				"\"anchor_rows\":%lld}",
				hex, (long long)id, (long long)id);
		else
			fputs("\"anchor\":null,\"anchor_entry\":null}", d->f);
		return v.problem != AUDIT_INTACT;
	}
	fputs("\nAUDIT LOG\n", d->f);
	if (v.problem != AUDIT_INTACT) {
		fprintf(d->f, "  BROKEN (%s):\n",
			audit_problem_name(v.problem));
		report_wrapped(d->f, "    ", v.what);
		if (v.nfindings > 1)
			fprintf(d->f,
				"  and %lld more problems: run 'cardtally "
				"audit verify'\n",
				(long long)v.nfindings - 1);
		if (audit_problem_breaks_chain(v.problem)) {
			fputs("  no anchor can be given: run 'cardtally audit "
			      "verify'\n",
			      d->f);
			return 1;
		}
		fputs("  the chain itself is intact\n", d->f);
		if (anchored)
			anchor_text(d, id, hex);
		return 1;
	}
	fprintf(d->f, "  intact: %lld entries, %lld rows match their entries\n",
		(long long)v.entries, (long long)v.records);
	if (!id) {
		fputs("  no entries before the end of the day\n", d->f);
		return 0;
	}
	anchor_text(d, id, hex);
	return 0;
}

/* ---- the sections, in the order printed ---- */

static int counts(struct daily *d)
{
	return ledger_session_between_each(d->l, d->from, d->to, show_count, d);
}

static int tallies(struct daily *d)
{
	return ledger_session_between_each(d->l, d->from, d->to, show_tally, d);
}

static int openings(struct daily *d)
{
	int rc = ledger_key_each_since(d->l, d->from, show_opening, d);

	d->n = d->list.n;
	return rc;
}

static int safe_closed(struct daily *d)
{
	int rc = ledger_safe_closed_each(d->l, d->from, d->to,
					 report_safe_closed, &d->list);

	d->n = d->list.n;
	return rc;
}

static int custody(struct daily *d)
{
	return ledger_custody_summary(d->l, d->from, d->to, show_custody, d);
}

static int disposals(struct daily *d)
{
	return ledger_disposal_list(d->l, show_batch, skip_card, d);
}

static int near_misses(struct daily *d)
{
	return ledger_note_list(d->l, show_note, d);
}

static int locked(struct daily *d)
{
	int rc = ledger_staff_each(d->l, report_locked, &d->list);

	d->n = d->list.n;
	return rc;
}

static const struct section {
	const char *key, *heading;
	int (*print)(struct daily *d);
} sections[] = {
    {"counts", "COUNTS", counts},
    {"tallies", "WINDOW TALLIES", tallies},
    {"key_openings", "SAFE OPENINGS", openings},
    {"safe_closed", "HANDLED WHILE THE SAFE WAS RECORDED CLOSED", safe_closed},
    {"custody", "CUSTODY MOVEMENTS (kind, by, how many)", custody},
    {"disposals", "DISPOSALS", disposals},
    {"near_misses", "NEAR-MISSES", near_misses},
    {"locked_accounts", "LOCKED ACCOUNTS (now)", locked},
};

int report_daily(struct ledger *l, int32_t day_n, int json, FILE *f)
{
	struct config conf;
	struct daily d = {.l = l, .f = f, .json = json, .conf = &conf};
	char day[11], now_iso[TIME_ISO_BUF];
	int64_t now = cli_now();
	int broken, rc;

	d.day = day_n;
	rc = config_load(&conf);
	if (rc)
		return rc;
	/* Local midnight to midnight; the offset of noon that day. */
	d.from = (int64_t)d.day * 86400;
	d.from -= cli_utc_offset(d.from + 43200);
	d.to = (int64_t)(d.day + 1) * 86400;
	d.to -= cli_utc_offset(d.to + 43200);
	date_format(d.day, day);
	cli_time_iso(now, now_iso);
	if (d.json) {
		fprintf(d.f, "{\"date\":\"%s\",\"from\":", day);
		json_time(d.f, d.from);
		fputs(",\"to\":", d.f);
		json_time(d.f, d.to);
		fputs(",\"printed_at\":", d.f);
		json_time(d.f, now);
	} else {
		fprintf(d.f, "cardtally daily report %s\nprinted %s\n", day,
			now_iso);
	}

	d.list = (struct report_list){.f = d.f,
				      .json = d.json,
				      .indent = "  ",
				      .now = now,
				      .rules = &conf.key};
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		begin_section(&d, sections[i].key, sections[i].heading);
		d.list.n = 0;
		rc = sections[i].print(&d);
		if (rc < 0)
			goto fail;
		end_section(&d);
		/* The openings' flags, after their list. */
		if (sections[i].print != openings)
			continue;
		if (d.json)
			fprintf(d.f, ",\"key_flags\":%d", d.list.flagged);
		else if (d.list.flagged)
			fprintf(d.f, "  %d flagged\n", d.list.flagged);
	}

	broken = show_audit(&d);
	if (broken < 0) {
		rc = broken;
		goto fail;
	}
	if (d.json)
		fputs("}\n", d.f);
	else
		fputs("\nchecked and signed (manager): ____________________  "
		      "date: ____________\n",
		      d.f);
	return broken ? EXIT_FOUND : EXIT_OK;
fail:
	return cli_error(EXIT_SOFTWARE, "%s",
			 rc == LEDGER_ERR_NOMEM ? "out of memory"
						: ledger_errmsg(l));
}

static int exec_daily(struct cli *c, struct ledger *l)
{
	const char *date_s = cli_opt(c, "date");
	int64_t now = cli_now();
	int32_t day;

	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (date_s) {
		if (date_parse(date_s, strlen(date_s), &day) < 0)
			return cli_usage(c, "--date takes YYYY-MM-DD, not '%s'",
					 date_s);
	} else {
		day = date_of_time(now, cli_utc_offset(now));
	}
	return report_daily(l, day, c->json, stdout);
}

static const char *const daily_options[] = {"date", NULL};

const struct cmd_entry cmd_report_daily_entry = {
    .name = "report daily",
    .usage = "[--date YYYY-MM-DD] [--json]",
    .help = "the day's counts, tallies, safe, movements, disposals, "
	    "near-misses and audit anchor, to sign",
    .options = daily_options,
    .needs_db = 1,
    .exec = exec_daily,
};
