/*
 * Helpers of the record-book commands (see book.h): the discrepancies of a
 * count merged with the managers' resolutions, the people a recount must
 * not be given to, and writing reports in UTF-8 (with a BOM for Excel) or
 * CP932 through glibc's iconv.
 */
#include "book.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/count.h"
#include "../workflow/config.h"
#include "../workflow/wf_scan.h"

static int disc_push(struct disc_list *d, const struct disc_item *it)
{
	struct disc_item *p = realloc(d->v, (d->n + 1) * sizeof(*p));

	if (!p)
		return -1;
	d->v = p;
	d->v[d->n++] = *it;
	return 0;
}

void disc_list_free(struct disc_list *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

struct disc_item *disc_list_find(struct disc_list *d, const char *card)
{
	char serial[SERIAL_BUF];
	int is_serial = serial_normalize(card, strlen(card), serial) == 0;

	for (size_t i = 0; i < d->n; i++) {
		struct disc_item *it = &d->v[i];

		if ((it->mgmt_id[0] && strcmp(it->mgmt_id, card) == 0) ||
		    (is_serial && strcmp(it->serial, serial) == 0))
			return it;
	}
	return NULL;
}

static void item_from_card(struct disc_item *it, enum recon_disc kind,
			   const struct count_data *d, int32_t card,
			   int32_t range)
{
	const struct count_card *k = &d->cards[card];

	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->card_id = k->id;
	snprintf(it->mgmt_id, sizeof(it->mgmt_id), "%s", k->mgmt_id);
	snprintf(it->serial, sizeof(it->serial), "%s", k->serial);
	snprintf(it->location, sizeof(it->location), "%s", k->location);
	it->status = k->status;
	if (range >= 0 && (size_t)range < d->nranges)
		snprintf(it->found, sizeof(it->found), "%s",
			 d->ranges[range].path);
}

/* The live discrepancies of a count, in the report's order. */
static int live_items(struct ledger *l, int64_t id, struct disc_list *out)
{
	struct config conf;
	struct count_data d;
	struct recon_report r;
	struct disc_item it;
	int64_t now = cli_now();
	int rc = config_load(&conf), bad = 0;

	if (rc)
		return rc;
	rc = ledger_count_load(l, id, &d);
	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (recon_run(&d, date_of_time(now, cli_utc_offset(now)), &conf.rules,
		      &r) < 0) {
		count_data_free(&d);
		return cli_error(EXIT_SOFTWARE, "out of memory");
	}
	for (size_t i = 0; i < r.nmissing; i++) {
		item_from_card(&it, DISC_MISSING, &d, r.missing[i], -1);
		bad |= disc_push(out, &it);
	}
	for (size_t i = 0; i < r.nmisplaced; i++) {
		item_from_card(&it, DISC_MISPLACED, &d, r.misplaced[i].card,
			       r.misplaced[i].range);
		bad |= disc_push(out, &it);
	}
	for (size_t i = 0; i < r.nextra; i++) {
		const struct count_scan *s = &d.scans[r.extra[i]];

		memset(&it, 0, sizeof(it));
		it.kind = DISC_EXTRA;
		snprintf(it.serial, sizeof(it.serial), "%s", s->serial);
		if (s->range >= 0 && (size_t)s->range < d.nranges)
			snprintf(it.found, sizeof(it.found), "%s",
				 d.ranges[s->range].path);
		bad |= disc_push(out, &it);
	}
	for (size_t i = 0; i < r.nnot_in_stock; i++) {
		item_from_card(&it, DISC_NOT_IN_STOCK, &d,
			       r.not_in_stock[i].card, r.not_in_stock[i].range);
		bad |= disc_push(out, &it);
	}
	recon_report_free(&r);
	count_data_free(&d);
	return bad ? cli_error(EXIT_SOFTWARE, "out of memory") : 0;
}

/* Attaches a resolution to its item, or adds the item it was given for. */
static int attach(void *ctx, const struct resolution_rec *res)
{
	struct disc_list *d = ctx;
	struct disc_item it;

	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->v[i].serial, res->serial) == 0) {
			d->v[i].resolved = 1;
			d->v[i].res = *res;
			return 0;
		}
	}
	memset(&it, 0, sizeof(it));
	if (recon_disc_parse(res->kind, &it.kind) < 0)
		it.kind = DISC_MISSING;
	it.card_id = res->card_id;
	snprintf(it.mgmt_id, sizeof(it.mgmt_id), "%s", res->mgmt_id);
	snprintf(it.serial, sizeof(it.serial), "%s", res->serial);
	snprintf(it.location, sizeof(it.location), "%s", res->location);
	snprintf(it.found, sizeof(it.found), "%s", res->found);
	it.resolved = 1;
	it.res = *res;
	return disc_push(d, &it) < 0 ? LEDGER_ERR_NOMEM : 0;
}

static int has_results(void *ctx, const struct book_range *r)
{
	if (r->expected >= 0)
		*(int *)ctx = 1;
	return 0;
}

int book_discrepancies(struct ledger *l, int64_t id, struct disc_list *out)
{
	struct session_rec sess;
	int rc = ledger_session_get(l, id, &sess);

	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return cli_error(rc == LEDGER_ERR_NOTFOUND ? EXIT_DATAERR
							   : EXIT_SOFTWARE,
				 "%s", ledger_errmsg(l));
	if (sess.kind == SESSION_TALLY)
		return cli_error(EXIT_DATAERR,
				 "session %lld is a tally: see reconcile and "
				 "tally list",
				 (long long)id);
	if (sess.closed_at &&
	    ledger_book_ranges(l, id, has_results, &out->snapshot) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	if (!out->snapshot) {
		rc = live_items(l, id, out);
		if (rc) {
			disc_list_free(out);
			return rc;
		}
	}
	rc = ledger_resolution_each(l, id, attach, out);
	if (rc < 0) {
		disc_list_free(out);
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	}
	for (size_t i = 0; i < out->n; i++)
		out->unresolved += !out->v[i].resolved;
	return 0;
}

int book_first_counters(struct ledger *l, int64_t session, int64_t location_id,
			int64_t **ids, size_t *n)
{
	struct wf_err e;

	return wf_first_counters(l, session, location_id, ids, n, &e)
		   ? cli_fail(&e)
		   : 0;
}

/* ---- output ---- */

/* The code point at s (UTF-8), for naming a character CP932 lacks. */
static unsigned long utf8_cp(const unsigned char *s, size_t left)
{
	unsigned long cp = s[0];
	int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;

	if (extra)
		cp &= 0x3fu >> extra;
	for (int i = 1; i <= extra && (size_t)i < left; i++)
		cp = (cp << 6) | (s[i] & 0x3fu);
	return cp;
}

/* The record book is the archived copy: a write that failed (a full disk,
 * /dev/full) is an error now, not a file cut short that exits 0.  errno is
 * 0 before the writes, so that it says why when one failed. */
static int book_flushed(FILE *f, const char *what)
{
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	return cli_error(EXIT_IOERR, "cannot write %s%s%s", what,
			 errno ? ": " : "", errno ? strerror(errno) : "");
}

int book_write(FILE *f, const char *s, size_t len, enum book_encoding enc,
	       int bom, const char *what)
{
	if (enc == ENC_UTF8) {
		errno = 0;
		if (bom)
			fputs("\xef\xbb\xbf", f);
		fwrite(s, 1, len, f);
		return book_flushed(f, what);
	}
	/* CP932 is at most as long as UTF-8 for everything it can hold
	 * (two bytes for what UTF-8 writes in three), plus room. */
	size_t cap = len + 16, inleft = len, outleft = cap;
	char *buf = malloc(cap), *in = (char *)s, *outp = buf;
	iconv_t cd = iconv_open("CP932", "UTF-8");

	if (!buf || cd == (iconv_t)-1) {
		free(buf);
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		return cli_error(EXIT_SOFTWARE,
				 "cannot convert to CP932 (iconv: %s)",
				 strerror(errno));
	}
	if (iconv(cd, &in, &inleft, &outp, &outleft) == (size_t)-1) {
		int e = errno;
		size_t at = (size_t)(in - s), line = 1;

		for (size_t i = 0; i < at; i++)
			line += s[i] == '\n';
		iconv_close(cd);
		free(buf);
		if (e == EILSEQ)
			return cli_error(
			    EXIT_DATAERR,
			    "%s, line %zu: U+%04lX cannot be "
			    "written in CP932; use --encoding "
			    "utf-8 (nothing was written)",
			    what, line,
			    utf8_cp((const unsigned char *)in, inleft));
		return cli_error(EXIT_SOFTWARE, "cannot convert to CP932: %s",
				 strerror(e));
	}
	iconv_close(cd);
	errno = 0;
	fwrite(buf, 1, cap - outleft, f);
	free(buf);
	return book_flushed(f, what);
}

void csv_field(FILE *f, int first, const char *s)
{
	if (!first)
		fputc(',', f);
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void book_oneline(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

void book_staff_name(struct ledger *l, const char *code,
		     char out[NAME_MAX_BYTES + 1])
{
	struct staff_rec s;

	out[0] = '\0';
	if (code[0] && ledger_staff_get(l, code, &s) == 0)
		snprintf(out, NAME_MAX_BYTES + 1, "%s", s.name);
}
