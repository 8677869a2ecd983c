/*
 * Stock list import (see import.h): one pass over a CSV buffer that parses,
 * validates and, while no problem has been found yet, writes each row, all
 * inside one transaction.  The first problem stops the writes but not the
 * checking, so every bad row is still reported; the transaction is then
 * rolled back and the ledger is as it was.  A dry run takes the same path
 * and always rolls back, so its counts are exactly those a real run gives.
 *
 * Speed matters (a million rows should take about as long as SQLite's own
 * .import): the buffer is read once and fields are slices of it; only
 * non-ASCII fields go through iconv; locations and the cards already in the
 * ledger are loaded once into hash maps, so a row costs no SELECT; the two
 * write statements are prepared once and reset per row.
 */
#include "import.h"

#include "ledger_int.h"
#include "../common/strmap.h"
#include "../common/text.h"

#include <assert.h>
#include <errno.h>
#include <sodium.h>
#include <iconv.h>
#include <uninorm.h>
#include <unistr.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum col {
	COL_MGMT_ID = 0,
	COL_SERIAL,
	COL_LOCATION,
	COL_RECEIVED,
	COL_NOTICE_SENT,
	COL_REMINDER_SENT,
	COL_STATUS,
	COL_COUNT
};

static const char *const col_names[COL_COUNT] = {
    [COL_MGMT_ID] = "mgmt_id",	       [COL_SERIAL] = "serial",
    [COL_LOCATION] = "location",       [COL_RECEIVED] = "received",
    [COL_NOTICE_SENT] = "notice_sent", [COL_REMINDER_SENT] = "reminder_sent",
    [COL_STATUS] = "status",
};

/* The serial is not required: a stock list from the issuing side may
 * carry no chip value, and a card without one awaits enrolment
 * (`cardtally receive`, data/receive.c). */
static const unsigned char col_required[COL_COUNT] = {
    [COL_MGMT_ID] = 1,
    [COL_LOCATION] = 1,
    [COL_RECEIVED] = 1,
};

/* The three date columns are consecutive; row.date[] is indexed from here. */
#define NDATES 3
_Static_assert(COL_REMINDER_SENT - COL_RECEIVED == NDATES - 1,
	       "date columns are consecutive");

/* ---- CSV records (RFC 4180) ---- */

/* What the parser saw in a field; the checks turn these into problems. */
enum {
	F_NONASCII = 1,	     /* a byte >= 0x80: needs decoding */
	F_NUL = 2,	     /* a NUL byte */
	F_STRAY_QUOTE = 4,   /* '"' inside an unquoted field */
	F_AFTER_QUOTE = 8,   /* text between closing quote and separator */
	F_UNTERMINATED = 16, /* opening quote never closed */
	F_QUOTED = 32,
};

struct field {
	const char *p; /* value; set when the whole record is parsed */
	size_t off;    /* offset in csv.scratch, or SIZE_MAX: p is in input */
	size_t len;
	long line; /* physical line where the field starts */
	unsigned flags;
};

struct csv {
	const char *p, *end;
	long line;   /* physical line of p, 1-based */
	int unended; /* the last record read ends the input without a line end
		      */
	struct field *f;
	size_t nf, cap;
	/* Quoted fields with doubled quotes are unescaped here; every other
	 * field points into the input, which is never copied. */
	char *scratch;
	size_t slen, scap;
};

/* Bytes below 0x80 that end or change an unquoted field. */
static const unsigned char csv_special[128] = {
    [0] = 1,
    ['\n'] = 1,
    [','] = 1,
    ['"'] = 1,
};

static int scratch_append(struct csv *c, const char *p, size_t n)
{
	if (c->scap - c->slen < n) {
		size_t cap = c->scap ? c->scap : 256;

		while (cap - c->slen < n)
			cap *= 2;
		char *s = realloc(c->scratch, cap);
		if (!s)
			return -1;
		c->scratch = s;
		c->scap = cap;
	}
	memcpy(c->scratch + c->slen, p, n);
	c->slen += n;
	return 0;
}

/* Flags of a stretch of quoted text, counting the newlines it holds. */
static unsigned scan_quoted(struct csv *c, const char *p, const char *e)
{
	unsigned flags = 0;

	for (; p < e; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch >= 0x80)
			flags |= F_NONASCII;
		else if (ch == '\n')
			c->line++;
		else if (ch == 0)
			flags |= F_NUL;
	}
	return flags;
}

static int parse_quoted(struct csv *c, struct field *f)
{
	const char *p = c->p + 1, *end = c->end, *start = p;

	f->flags |= F_QUOTED;
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *seg_end = q ? q : end;

		f->flags |= scan_quoted(c, p, seg_end);
		if (f->off != SIZE_MAX &&
		    scratch_append(c, p, (size_t)(seg_end - p)) < 0)
			return -1;
		if (!q) {
			f->flags |= F_UNTERMINATED;
			p = end;
			break;
		}
		if (q + 1 < end && q[1] == '"') {
			/* The first doubled quote moves the field into the
			 * scratch buffer; most fields never get there. */
			if (f->off == SIZE_MAX) {
				f->off = c->slen;
				if (scratch_append(c, start,
						   (size_t)(q + 1 - start)) < 0)
					return -1;
			} else if (scratch_append(c, "\"", 1) < 0) {
				return -1;
			}
			p = q + 2;
			continue;
		}
		p = q + 1;
		break;
	}
	if (f->off == SIZE_MAX)
		f->len =
		    (size_t)((f->flags & F_UNTERMINATED ? end : p - 1) - start);
	else
		f->len = c->slen - f->off;
	f->p = start;

	if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n'))
		p++;
	if (p < end && *p != ',' && *p != '\n') {
		f->flags |= F_AFTER_QUOTE;
		while (p < end && *p != ',' && *p != '\n')
			p++;
	}
	c->p = p;
	return 0;
}

static void parse_plain(struct csv *c, struct field *f)
{
	const char *p = c->p, *end = c->end, *start = p;
	unsigned flags = 0;

	while (p < end) {
		unsigned char ch = (unsigned char)*p;

		if (ch >= 0x80) {
			flags |= F_NONASCII;
		} else if (csv_special[ch]) {
			if (ch == ',' || ch == '\n')
				break;
			flags |= ch == '"' ? F_STRAY_QUOTE : F_NUL;
		}
		p++;
	}
	f->p = start;
	f->len = (size_t)(p - start);
	/* CRLF: the CR belongs to the line end, not to the last field. */
	if (f->len > 0 && start[f->len - 1] == '\r' && (p == end || *p == '\n'))
		f->len--;
	f->flags = flags;
	c->p = p;
}

/*
 * Parses the next record into c->f[0 .. c->nf) and its first line into
 * *line.  Returns 1, 0 at the end of the input, or -1 when out of memory.
 */
static int csv_next(struct csv *c, long *line)
{
	if (c->p >= c->end)
		return 0;
	c->nf = 0;
	c->slen = 0;
	c->unended = 0;
	*line = c->line;
	for (;;) {
		if (c->nf == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 16;
			struct field *nfs = realloc(c->f, cap * sizeof(*nfs));

			if (!nfs)
				return -1;
			c->f = nfs;
			c->cap = cap;
		}
		struct field *f = &c->f[c->nf++];

		f->off = SIZE_MAX;
		f->flags = 0;
		f->line = c->line;
		if (c->p < c->end && *c->p == '"') {
			if (parse_quoted(c, f) < 0)
				return -1;
		} else {
			parse_plain(c, f);
		}
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end) { /* '\n' */
			c->p++;
			c->line++;
		} else {
			c->unended = 1;
		}
		break;
	}
	for (size_t i = 0; i < c->nf; i++)
		if (c->f[i].off != SIZE_MAX)
			c->f[i].p = c->scratch + c->f[i].off;
	return 1;
}

/*
 * 1 when the record holds no value at all: a blank line, or a line of bare
 * commas, which spreadsheets write for rows that only ever had formatting.
 * Such a record never spans more than its one line.
 */
static int csv_blank(const struct csv *c)
{
	for (size_t i = 0; i < c->nf; i++)
		if (c->f[i].len != 0 || c->f[i].flags != 0)
			return 0;
	return 1;
}

/* ---- text ---- */

/*
 * What n bytes read as UTF-8 say about the file's encoding.  Japanese text
 * in UTF-8 is made of characters from U+0800 up (three bytes each); the
 * two-byte characters U+0080..U+07FF (Latin letters with accents, Greek,
 * IPA, C1 controls) are what CP932 half-width katakana look like when read
 * as UTF-8: ﾊｺ (CA BA) is U+02BA, ﾏｽ (CF BD) is U+03FD.
 */
enum u8class {
	U8_INVALID = 0, /* not well-formed UTF-8 */
	U8_ASCII,	/* ASCII only */
	U8_LATIN1,	/* non-ASCII only U+00A0..U+00FF (¥, é, °) */
	U8_ODD,		/* only U+0080..U+07FF, not all of them Latin-1 */
	U8_WIDE,	/* a character from U+0800 up */
};

/* Classifies n bytes at s (no overlongs, surrogates or code points above
 * U+10FFFF are well-formed). */
static enum u8class utf8_class(const unsigned char *s, size_t n)
{
	enum u8class k = U8_ASCII;
	size_t i = 0;

	while (i < n) {
		/* Stock lists are mostly ASCII: skip it eight bytes a time. */
		while (n - i >= 8) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char ch = s[i];
		size_t need;
		uint32_t cp;

		if (ch < 0x80) {
			i++;
			continue;
		}
		if (ch >= 0xc2 && ch <= 0xdf) {
			need = 1;
			cp = ch & 0x1f;
		} else if (ch >= 0xe0 && ch <= 0xef) {
			need = 2;
			cp = ch & 0x0f;
		} else if (ch >= 0xf0 && ch <= 0xf4) {
			need = 3;
			cp = ch & 0x07;
		} else {
			return U8_INVALID;
		}
		if (n - i - 1 < need)
			return U8_INVALID;
		for (size_t j = 1; j <= need; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return U8_INVALID;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
			return U8_INVALID;
		if (need == 3 && (cp < 0x10000 || cp > 0x10ffff))
			return U8_INVALID;
		if (cp >= 0x800)
			k = U8_WIDE;
		else if (k != U8_WIDE && (cp < 0xa0 || cp > 0xff))
			k = U8_ODD;
		else if (k == U8_ASCII)
			k = U8_LATIN1;
		i += need + 1;
	}
	return k;
}

/*
 * Copies UTF-8 text into out (size bytes, at least 8) for a message: control
 * characters become \xNN so a value cannot break the one-line report, and a
 * long value is cut at a character boundary and ends in "...".
 */
static void show(char *out, size_t size, const char *p, size_t len)
{
	size_t o = 0, i = 0;

	assert(size >= 8);
	while (i < len) {
		unsigned char ch = (unsigned char)p[i];
		size_t n = 1, w = 1;

		if (ch < 0x20 || ch == 0x7f)
			w = 4;
		else if (ch >= 0xf0)
			n = w = 4;
		else if (ch >= 0xe0)
			n = w = 3;
		else if (ch >= 0xc0)
			n = w = 2;
		if (n > len - i)
			n = w = len - i;
		if (o + w + 4 > size)
			break;
		if (w == 4 && n == 1)
			snprintf(out + o, 5, "\\x%02X", ch);
		else
			memcpy(out + o, p + i, n);
		o += w;
		i += n;
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Big enough for a shown value inside a 160-byte reason. */
#define SHOW_BUF 48

/* Marks a reason for the message catalog (xgettext -kN_): the front end
 * translates it (struct import_problem). */
#define N_(s) s

/* A reason made while reading a field, before it becomes a problem: fmt
 * (a message of the catalog) with nargs arguments, of which those marked
 * in msgid_args are messages of the catalog too. */
struct why {
	const char *fmt;
	int nargs;
	unsigned msgid_args;
	char arg[3][SHOW_BUF];
};

/* ---- the import ---- */

/* A card already in the ledger, loaded once so rows need no SELECT. */
struct known {
	int64_t id;
	int64_t location_id;
	int32_t date[NDATES];	     /* received, notice_sent, reminder_sent */
	int status;		     /* enum card_status; -1 when unreadable */
	size_t mgmt_off, serial_off; /* into importer.names */
	long mgmt_line, serial_line; /* line of this file naming it, or 0 */
};

struct importer {
	struct ledger *l;
	const struct import_opts *opts;
	struct import_result *res;
	enum import_encoding enc;
	/*
	 * How the encoding was settled, for the messages about text that
	 * reads otherwise: given (--encoding), by the byte order mark, or by
	 * the first text that only one encoding reads (on line enc_line).
	 * ambiguous: no text settled it, yet some non-ASCII text reads as
	 * either; each such value is then a problem.
	 */
	int forced;
	int bom;
	long enc_line;
	int ambiguous;
	struct why why; /* the reason a field is unusable */
	iconv_t cd;	/* CP932 -> UTF-8, or (iconv_t)-1 */
	char *conv;	/* the current field decoded to UTF-8 */
	size_t conv_cap;
	uint8_t *norm; /* the current location path, normalized */
	size_t norm_cap;
	int *colmap; /* header field index -> enum col */
	size_t ncols;
	unsigned char has[COL_COUNT]; /* the header names the column */
	/*
	 * mgmt_id and serial -> a value >= 0 is the index of a card in
	 * known[], a negative value -N the line N of this file that named
	 * the key first.  One map serves both the ledger and the in-file
	 * duplicate checks, which halves the memory for a million rows.
	 */
	struct strmap *mgmt, *serial;
	/* Normalized tag of each registered terminal -> the offset of its
	 * code in names: a card may not take a terminal's serial. */
	struct strmap *tags;
	/* UTF-8 path -> location id (0: valid path, not created because
	 * writing has stopped); raw CP932 bytes of a path -> the same. */
	struct strmap *locs, *locs_raw;
	struct known *known;
	size_t nknown;
	char *names; /* NUL-terminated mgmt_ids and serials of known[] */
	size_t names_len, names_cap;
	sqlite3_stmt *ins, *upd;
	/*
	 * New cards wait in batch for one INSERT of IMPORT_INSERT_BATCH rows
	 * (ins_batch, flush_new).  A statement per row opened and closed the
	 * card table's cursor and its four indexes' at every row: 4.75 s of
	 * statements for a million rows where 16 rows a statement take 2.7 s.
	 * Copies, as a row's text lies in buffers the next row reuses.
	 */
	sqlite3_stmt *ins_batch;
	struct new_card {
		long line;
		int64_t loc_id;
		enum card_status status;
		int mgmt_len, serial_len;
		char mgmt[MGMT_ID_MAX + 1];
		char serial[SERIAL_BUF];
		char date[NDATES][11]; /* "" where the row has none */
	} batch[IMPORT_INSERT_BATCH];
	size_t nbatch;
	/* The write phase: known[] index of the card of the row being
	 * written, from the check (plan_row.known). */
	int64_t write_known;
	/* The ids of the cards this chunk wrote, as a JSON array, for its
	 * import.cards entries (ledger_audit_card_states). */
	struct id_array ids;
	int writing; /* no problem yet: rows may go to the ledger */
	int write;   /* the write phase: rows go to the ledger now */
	/*
	 * The plan the check leaves for the writes: each row to add or
	 * update, as where its record starts in text and its line (a file
	 * is at most IMPORT_MAX_BYTES, so both fit 32 bits).  The write
	 * phase parses and checks just these records again, against the
	 * same loaded state, so it writes what the check saw and nothing
	 * else; unchanged rows cost nothing twice.
	 */
	struct plan_row {
		uint32_t off, line;
		int32_t known; /* known[] index of the row's card, or -1 */
	} *plan;
	size_t nplan, plan_cap;
	size_t done; /* plan rows written by the chunks before this one */
	const char *raw;  /* the file as given */
	size_t raw_len;
	const char *text; /* the file's text as read (after any BOM) */
	size_t text_len;
	char *cr_only; /* text, when the file ended lines with CR alone */
	int64_t cache_was;
	int64_t temp_store_was; /* when temp_store_set */
	int temp_store_set;
	int checkpoint; /* automatic checkpoints are off: back on at the end */
	int synced_late; /* synchronous=NORMAL: import_sync syncs the WAL */
	struct csv c;
};

_Static_assert(IMPORT_MAX_BYTES <= UINT32_MAX, "plan offsets fit 32 bits");
_Static_assert(IMPORT_INSERT_BATCH * 8 <= 32766,
	       "a batch's parameters within SQLite's limit");
_Static_assert(IMPORT_CHUNK_MS < LEDGER_WRITE_SLICE_MS,
	       "a chunk's rows leave time for its audit entries and commit");

struct row {
	long line;
	int bad; /* a problem was reported for this row */
	int dup; /* mgmt_id or serial repeats an earlier line */
	const char *mgmt;
	size_t mgmt_len;
	char serial[SERIAL_BUF];
	size_t serial_len;
	int64_t known_m, known_s; /* known[] index by mgmt_id / serial */
	int64_t loc_id;
	const char *date_text[NDATES]; /* date_buf[i] when given */
	char date_buf[NDATES][11];
	int32_t date[NDATES];
	enum card_status status;
};

/*
 * Appends a problem (line, column, reason: fmt, a message of the catalog,
 * with its nargs arguments, those marked in msgid_args being messages of
 * the catalog too).  Any problem stops the writes: the transaction will be
 * rolled back.  Returns 0 or IMPORT_ERR_NOMEM.
 */
static int problemv(struct importer *im, struct row *r, long line,
		    const char *column, unsigned msgid_args, const char *fmt,
		    int nargs, const char *const *args)
{
	struct import_result *res = im->res;
	struct import_problem *pr;
	size_t bytes = 0;
	char *a;

	/* Capacity doubles at 8, 16, 32, ...: result has no field for it. */
	if (res->nproblems == 0 ||
	    (res->nproblems >= 8 &&
	     (res->nproblems & (res->nproblems - 1)) == 0)) {
		size_t cap = res->nproblems ? res->nproblems * 2 : 8;

		pr = realloc(res->problems, cap * sizeof(*pr));
		if (!pr)
			return IMPORT_ERR_NOMEM;
		res->problems = pr;
	}
	for (int i = 0; i < nargs; i++)
		bytes += strlen(args[i]) + 1;
	a = malloc(bytes ? bytes : 1);
	if (!a)
		return IMPORT_ERR_NOMEM;
	pr = &res->problems[res->nproblems++];
	pr->line = line;
	snprintf(pr->column, sizeof(pr->column), "%s", column);
	pr->fmt = fmt;
	pr->args = a;
	pr->nargs = nargs;
	pr->msgid_args = msgid_args;
	for (int i = 0; i < nargs; i++) {
		size_t n = strlen(args[i]) + 1;

		memcpy(a, args[i], n);
		a += n;
	}
	import_problem_text(pr, fmt, NULL, pr->reason, sizeof(pr->reason));
	if (r)
		r->bad = 1;
	im->writing = 0;
	return 0;
}

/* problemv with the arguments given one by one: as many const char * as
 * fmt has conversions (text_render_nargs, at most 3). */
static int problem(struct importer *im, struct row *r, long line,
		   const char *column, unsigned msgid_args, const char *fmt,
		   ...)
{
	const char *args[3];
	int n = text_render_nargs(fmt);
	va_list ap;

	assert(n <= 3);
	va_start(ap, fmt);
	for (int i = 0; i < n; i++)
		args[i] = va_arg(ap, const char *);
	va_end(ap);
	return problemv(im, r, line, column, msgid_args, fmt, n, args);
}

/* im->why's arguments as problemv and text_render take them, in args. */
static const char *const *why_args(const struct importer *im,
				   const char *args[3])
{
	for (int i = 0; i < 3; i++)
		args[i] = im->why.arg[i];
	return args;
}

/* The reason in im->why as a problem. */
static int problem_why(struct importer *im, struct row *r, long line,
		       const char *column)
{
	const char *args[3];

	return problemv(im, r, line, column, im->why.msgid_args, im->why.fmt,
			im->why.nargs, why_args(im, args));
}

/* Sets im->why to fmt with its arguments (as for problem: const char *,
 * at most 3), each cut to fit SHOW_BUF bytes. */
static void why_set(struct importer *im, unsigned msgid_args, const char *fmt,
		    ...)
{
	va_list ap;

	im->why.fmt = fmt;
	im->why.nargs = text_render_nargs(fmt);
	im->why.msgid_args = msgid_args;
	assert(im->why.nargs <= 3);
	va_start(ap, fmt);
	for (int i = 0; i < im->why.nargs; i++) {
		const char *a = va_arg(ap, const char *);
		size_t n = text_utf8_fit(a, strlen(a), SHOW_BUF);

		memcpy(im->why.arg[i], a, n);
		im->why.arg[i][n] = '\0';
	}
	va_end(ap);
}

/* Decimal text of v in buf, for a reason's argument; returns buf. */
static const char *num(char buf[24], long v)
{
	snprintf(buf, 24, "%ld", v);
	return buf;
}

/*
 * Decodes n bytes of CP932 into im->conv.  Returns 1, 0 when the bytes are
 * not CP932, or IMPORT_ERR_NOMEM.
 */
static int cp932_decode(struct importer *im, const char *p, size_t n,
			size_t *outlen)
{
	/* A CP932 character of one or two bytes is at most 3 bytes of
	 * UTF-8. */
	size_t need = n * 3 + 1;

	if (im->conv_cap < need) {
		char *s = realloc(im->conv, need);

		if (!s)
			return IMPORT_ERR_NOMEM;
		im->conv = s;
		im->conv_cap = need;
	}
	char *in = (char *)p, *out = im->conv;
	size_t inleft = n, outleft = im->conv_cap;

	if (im->cd == (iconv_t)-1)
		return 0;

	iconv(im->cd, NULL, NULL, NULL, NULL);
	if (iconv(im->cd, &in, &inleft, &out, &outleft) == (size_t)-1)
		return 0;
	*outlen = (size_t)(out - im->conv);
	return 1;
}

/* Why the parser's flags make a field unusable, or NULL. */
static const char *field_flaw(unsigned flags)
{
	if (flags & F_NUL)
		return N_("NUL byte in the value");
	if (flags & F_STRAY_QUOTE)
		return N_("quote inside an unquoted value");
	if (flags & F_AFTER_QUOTE)
		return N_("text after the closing quote");
	return NULL;
}

/* What a stretch of non-ASCII text says about the file's encoding. */
enum evidence {
	EV_NONE = 0, /* ASCII, or text that reads sensibly either way */
	EV_UTF8,
	EV_CP932,
	EV_NEITHER, /* neither encoding reads it */
};

/* A stretch of text read both ways (weigh). */
struct reading {
	enum u8class u;
	int cp932; /* 1: valid CP932, decoded into im->conv (clen bytes) */
	size_t clen;
	enum evidence ev;
};

/*
 * Reads n bytes both ways.  Text that one encoding cannot read is the
 * other's; text that both read is UTF-8 when it holds a character from
 * U+0800 up (Japanese), CP932 when its UTF-8 reading is made of two-byte
 * characters outside Latin-1 (half-width katakana), and either when its
 * UTF-8 reading is Latin-1 (¥ is C2 A5 in UTF-8 and ﾂ･ in CP932).
 * Returns 0 or IMPORT_ERR_NOMEM.
 */
static int weigh(struct importer *im, const char *p, size_t n,
		 struct reading *rd)
{
	int rc;

	rd->u = utf8_class((const unsigned char *)p, n);
	rd->cp932 = 0;
	if (rd->u == U8_ASCII) {
		rd->ev = EV_NONE;
		return 0;
	}
	/* Japanese UTF-8 needs no CP932 decoding unless the file is CP932
	 * and it is to be stored (or refused as garbled). */
	if (rd->u != U8_WIDE || im->enc == IMPORT_ENC_CP932) {
		rc = cp932_decode(im, p, n, &rd->clen);
		if (rc < 0)
			return rc;
		rd->cp932 = rc;
	}
	if (rd->u == U8_WIDE)
		rd->ev = EV_UTF8;
	else if (rd->u == U8_INVALID)
		rd->ev = rd->cp932 ? EV_CP932 : EV_NEITHER;
	else if (!rd->cp932)
		rd->ev = EV_UTF8;
	else
		rd->ev = rd->u == U8_ODD ? EV_CP932 : EV_NONE;
	return 0;
}

static const char *enc_label(enum import_encoding e)
{
	return e == IMPORT_ENC_CP932 ? "CP932" : "UTF-8";
}

/*
 * Why a field that decode_field refused does not fit the file's encoding,
 * in im->why.  Bytes the file's encoding cannot read keep the short
 * reason; text that it reads but that is the other encoding's says which
 * and how the file's encoding was settled.
 */
static void misfit(struct importer *im, const struct field *f,
		   const struct reading *rd)
{
	enum import_encoding other =
	    im->enc == IMPORT_ENC_CP932 ? IMPORT_ENC_UTF8 : IMPORT_ENC_CP932;
	int readable =
	    im->enc == IMPORT_ENC_CP932 ? rd->cp932 : rd->u != U8_INVALID;
	char a[SHOW_BUF], b[SHOW_BUF], n[24];

	if (rd->ev == EV_NONE) {
		/* Only an unsettled file gets here (im->ambiguous). */
		show(a, sizeof(a), f->p, f->len);
		show(b, sizeof(b), im->conv, rd->clen);
		why_set(im, 0,
			N_("reads as UTF-8 '%s' or as CP932 '%s': give "
			   "--encoding utf-8 or cp932"),
			a, b);
	} else if (rd->ev == EV_NEITHER || (im->forced && !readable)) {
		why_set(im, 0, N_("invalid %s byte sequence"),
			enc_label(im->enc));
	} else if (im->forced) {
		why_set(im, 0,
			N_("%s text, not %s as --encoding says: it would be "
			   "stored garbled"),
			enc_label(other), enc_label(im->enc));
	} else if (im->bom) {
		why_set(im, 0,
			N_("%s text, but the file is %s (byte order mark): "
			   "save the whole list in one encoding"),
			enc_label(other), enc_label(im->enc));
	} else {
		why_set(im, 0,
			N_("%s text, but the file is %s (line %s): save the "
			   "whole list in one encoding"),
			enc_label(other), enc_label(im->enc),
			num(n, im->enc_line));
	}
}

/*
 * The UTF-8 text of a field in *p, *len.  Returns 1; 0 with im->why set when
 * the field is unusable; or IMPORT_ERR_NOMEM.  *p points into the input,
 * the record's scratch, or im->conv (valid until the next decode).  Every
 * non-ASCII field is read both ways, so that no row of another encoding
 * is stored garbled.
 */
static int decode_field(struct importer *im, const struct field *f,
			const char **p, size_t *len)
{
	struct reading rd;
	enum evidence mine = im->enc == IMPORT_ENC_CP932 ? EV_CP932 : EV_UTF8;
	const char *flaw = field_flaw(f->flags);
	int rc;

	if (flaw) {
		why_set(im, 0, flaw);
		return 0;
	}
	*p = f->p;
	*len = f->len;
	if (!(f->flags & F_NONASCII))
		return 1;
	rc = weigh(im, f->p, f->len, &rd);
	if (rc < 0)
		return rc;
	if ((rd.ev == EV_NONE && im->ambiguous) ||
	    (rd.ev != EV_NONE && rd.ev != mine)) {
		misfit(im, f, &rd);
		return 0;
	}
	if (im->enc == IMPORT_ENC_CP932) {
		*p = im->conv;
		*len = rd.clen;
	}
	return 1;
}

/* decode_field, reporting an unusable field as a problem of the row. */
static int field_text(struct importer *im, struct row *r, const char *column,
		      const struct field *f, const char **p, size_t *len)
{
	int rc = decode_field(im, f, p, len);

	if (rc == 0) {
		rc = problem_why(im, r, r->line, column);
		return rc < 0 ? rc : 0;
	}
	return rc;
}

static int empty_required(struct importer *im, struct row *r,
			  const char *column)
{
	return problem(im, r, r->line, column, 0,
		       N_("required value is empty"));
}

/*
 * Notes that this row names a mgmt_id or serial.  A key named before in the
 * file is a duplicate; a key of a ledger card sets *known to its index.
 */
static int note_key(struct importer *im, struct row *r, int is_serial,
		    const char *key, size_t len, int64_t *known)
{
	struct strmap *m = is_serial ? im->serial : im->mgmt;
	const char *column = col_names[is_serial ? COL_SERIAL : COL_MGMT_ID];
	char n[24];
	int64_t old;
	long *seen;
	int rc;

	/*
	 * The write phase reads a planned row again, against the same loaded
	 * state: the check's answer stands (a valid row's serial names the
	 * card its mgmt_id does, or no card).  Two lookups in maps of twice
	 * the ledger's cards, each a cache miss, were a tenth of an import.
	 */
	if (im->write) {
		*known = im->write_known;
		return 0;
	}
	rc = strmap_put(m, key, len, -(int64_t)r->line, &old);
	if (rc < 0)
		return IMPORT_ERR_NOMEM;
	if (rc == 1)
		return 0;
	if (old < 0) {
		r->dup = 1;
		return problem(im, r, r->line, column, 0,
			       N_("duplicate of line %s"), num(n, (long)-old));
	}
	seen =
	    is_serial ? &im->known[old].serial_line : &im->known[old].mgmt_line;
	if (*seen && *seen != r->line) {
		r->dup = 1;
		return problem(im, r, r->line, column, 0,
			       N_("duplicate of line %s"), num(n, *seen));
	}
	*seen = r->line;
	*known = old;
	return 0;
}

/* A management ID or location holding a My Number (mynumber_in) is
 * refused, and not shown: the ledger keeps none, nor does its error output
 * (R3).  Not a serial: that is the chip's, hex, and the hex of a card's
 * manufacturing number may well hold twelve digits in a row. */
#define MYNUMBER_WHY                                                           \
	N_("holds a My Number (12 digits ending in their check digit), not "   \
	   "shown: the ledger keeps none")

static int check_mgmt_id(struct importer *im, struct row *r,
			 const struct field *f)
{
	const char *column = col_names[COL_MGMT_ID];
	char v[SHOW_BUF], n[24];
	const char *p;
	size_t len;
	int rc = field_text(im, r, column, f, &p, &len);

	if (rc <= 0)
		return rc;
	if (len == 0)
		return empty_required(im, r, column);
	if (!mgmt_id_valid(p, len)) {
		show(v, sizeof(v), p, len);
		if (len > MGMT_ID_MAX)
			return problem(im, r, r->line, column, 0,
				       N_("longer than %s characters: %s"),
				       num(n, MGMT_ID_MAX), v);
		return problem(im, r, r->line, column, 0,
			       N_("not a management ID (letters, digits, "
				  "'-', '_'): %s"),
			       v);
	}
	if (mynumber_in(p, len))
		return problem(im, r, r->line, column, 0, MYNUMBER_WHY);
	r->mgmt = p;
	r->mgmt_len = len;
	return note_key(im, r, 0, p, len, &r->known_m);
}

static int check_serial(struct importer *im, struct row *r,
			const struct field *f)
{
	const char *column = col_names[COL_SERIAL];
	char v[SHOW_BUF], n[24];
	const char *p;
	size_t len;
	int64_t tag;
	int rc = field_text(im, r, column, f, &p, &len);

	if (rc <= 0)
		return rc;
	if (len == 0)
		return 0; /* awaits enrolment */
	if (serial_normalize(p, len, r->serial) < 0) {
		show(v, sizeof(v), p, len);
		if (len > SERIAL_MAX)
			return problem(im, r, r->line, column, 0,
				       N_("longer than %s hex digits: %s"),
				       num(n, SERIAL_MAX), v);
		return problem(im, r, r->line, column, 0,
			       N_("not hexadecimal: %s"), v);
	}
	r->serial_len = len;
	if (strmap_get(im->tags, r->serial, len, &tag))
		return problem(im, r, r->line, column, 0,
			       N_("serial is the tag of terminal %s: a serial "
				  "names one thing only"),
			       im->names + tag);
	return note_key(im, r, 1, r->serial, len, &r->known_s);
}

/*
 * Why location_path_valid refused a path, for the message; the decision
 * itself stays with location_path_valid, so a rule added there and not
 * here still rejects the path, with the generic reason.
 */
static const char *location_flaw(const char *p, size_t len)
{
	size_t segs = 1;

	if (len > LOCATION_MAX)
		return N_("longer than 128 bytes");
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch < 0x20 || ch == 0x7f)
			return N_("control character in the path");
		if (ch == ',')
			return N_("',' is not allowed in a path");
		if (ch == '=')
			return N_("'=' is not allowed in a path");
		if (ch == '/')
			segs++;
	}
	if (segs > 4)
		return N_("more than 4 levels");
	for (size_t i = 0; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		if (i == 0 || p[i - 1] == '/')
			return N_("empty level");
		if (p[i - 1] == ' ')
			return N_("blank at the end of a level");
		if (i < len && p[i + 1] == ' ')
			return N_("blank at the start of a level");
	}
	if (p[0] == ' ')
		return N_("blank at the start of a level");
	return N_("not a location path");
}

/* Makes room for n bytes in im->norm.  0 or IMPORT_ERR_NOMEM. */
static int norm_reserve(struct importer *im, size_t n)
{
	if (im->norm_cap < n) {
		uint8_t *b = realloc(im->norm, n);

		if (!b)
			return IMPORT_ERR_NOMEM;
		im->norm = b;
		im->norm_cap = n;
	}
	return 0;
}

/*
 * Characters that are never part of a location path: invisible ones
 * that only change how text around them is shown (1: dropped), and those
 * that reorder it on screen or are control characters (-1: refused).
 */
static int invisible(ucs4_t c)
{
	switch (c) {
	case 0x00ad: /* soft hyphen */
	case 0x200b: /* zero-width space */
	case 0x200c: /* zero-width non-joiner */
	case 0x200d: /* zero-width joiner */
	case 0x2060: /* word joiner */
	case 0xfeff: /* zero-width no-break space (a byte order mark) */
		return 1;
	}
	if ((c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e ||
	    c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069))
		return -1;
	return 0;
}

/*
 * Look-alikes that NFKC keeps apart but that are one character of the
 * same list saved on Windows (CP932, Microsoft's table) and on a Mac (JIS's
 * table): the Windows one after NFKC is what the ledger keeps
 * (doc/operations.md "Location paths").
 */
static ucs4_t lookalike(ucs4_t c)
{
	switch (c) {
	case 0x00a5: /* ¥: CP932's 0x5C is '\'; ￥ is ¥ after NFKC */
		return '\\';
	case 0x301c: /* 〜 wave dash: CP932's ～ is '~' after NFKC */
		return '~';
	case 0x2212: /* − minus sign: CP932's － is '-' after NFKC */
		return '-';
	case 0x2014: /* — em dash: CP932's ― horizontal bar */
		return 0x2015;
	case 0x2016: /* ‖ double vertical line: CP932's ∥ */
		return 0x2225;
	}
	return c;
}

/*
 * The location path that a value names, as the ledger keeps it, in
 * im->norm: invisible characters dropped, NFKC (full-width letters, digits,
 * spaces and '／' become ASCII, half-width katakana full-width), then the
 * look-alikes of lookalike().  ASCII text is its own normal form, so only
 * non-ASCII values come here.  Returns 1 with *outlen set; 0 with the
 * reason in im->why (a character that reorders text or controls the
 * terminal); or IMPORT_ERR_NOMEM.
 */
static int location_normalize(struct importer *im, const char *p, size_t len,
			      size_t *outlen)
{
	const uint8_t *s = (const uint8_t *)p;
	uint8_t *nfkc, *o;
	size_t n = 0, nlen;
	int rc;
	ucs4_t c;

	/* Dropping first lets NFKC compose what they kept apart. */
	rc = norm_reserve(im, len + 1);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < len;) {
		int k = u8_mbtouc(&c, s + i, len - i);
		int inv = invisible(c);

		if (inv < 0) {
			char u[16];

			snprintf(u, sizeof(u), "U+%04X", (unsigned)c);
			why_set(im, 0,
				N_("character %s (invisible, or it reorders "
				   "text on screen) in the path"),
				u);
			return 0;
		}
		if (!inv) {
			memcpy(im->norm + n, s + i, (size_t)k);
			n += (size_t)k;
		}
		i += (size_t)k;
	}
	nfkc = u8_normalize(UNINORM_NFKC, im->norm, n, NULL, &nlen);
	if (!nfkc)
		return IMPORT_ERR_NOMEM; /* the text is valid UTF-8 */
	/* A look-alike is never longer in UTF-8 than what it replaces. */
	rc = norm_reserve(im, nlen + 1);
	if (rc < 0) {
		free(nfkc);
		return rc;
	}
	o = im->norm;
	for (size_t i = 0; i < nlen;) {
		int k = u8_mbtouc(&c, nfkc + i, nlen - i);

		o += u8_uctomb(o, lookalike(c), 4);
		i += (size_t)k;
	}
	free(nfkc);
	*outlen = (size_t)(o - im->norm);
	return 1;
}

static int check_location(struct importer *im, struct row *r,
			  const struct field *f)
{
	const char *column = col_names[COL_LOCATION];
	/* Non-ASCII values may be other bytes for a path already seen (in
	 * CP932, or not in normal form): their own map. */
	int raw_key = (f->flags & F_NONASCII) != 0;
	char v[SHOW_BUF], path[LOCATION_MAX + 1];
	const char *p;
	size_t len;
	int64_t id;
	int rc;

	/* Most rows name a location seen before: one hash lookup of the raw
	 * bytes, no decoding.  Only valid paths are in the maps; id 0 is a
	 * path the check found new, made by the write phase. */
	if (!field_flaw(f->flags) &&
	    strmap_get(raw_key ? im->locs_raw : im->locs, f->p, f->len, &id) &&
	    (id || !im->write)) {
		r->loc_id = id;
		return 0;
	}
	rc = field_text(im, r, column, f, &p, &len);
	if (rc <= 0)
		return rc;
	if (len == 0)
		return empty_required(im, r, column);
	if (mynumber_in(p, len))
		return problem(im, r, r->line, column, 0, MYNUMBER_WHY);
	if (raw_key) {
		rc = location_normalize(im, p, len, &len);
		if (rc == 0)
			return problem_why(im, r, r->line, column);
		if (rc < 0)
			return rc;
		p = (const char *)im->norm;
	}
	if (!location_path_valid(p, len)) {
		show(v, sizeof(v), p, len);
		return problem(im, r, r->line, column, 1, "%s: %s",
			       location_flaw(p, len), v);
	}
	if (!strmap_get(im->locs, p, len, &id) || (id == 0 && im->write)) {
		id = 0;
		if (im->write) {
			memcpy(path, p, len);
			path[len] = '\0';
			if (ledger_location_ensure(im->l, path, &id) < 0)
				return IMPORT_ERR_LEDGER;
		}
		if (strmap_set(im->locs, p, len, id) < 0)
			return IMPORT_ERR_NOMEM;
	}
	if (raw_key && strmap_set(im->locs_raw, f->p, f->len, id) < 0)
		return IMPORT_ERR_NOMEM;
	r->loc_id = id;
	return 0;
}

/* The digits at *p (at most 4), as a number; *n is how many there were. */
static int digits(const char **p, const char *end, size_t *n)
{
	int v = 0;

	*n = 0;
	while (*p < end && **p >= '0' && **p <= '9' && *n < 5) {
		v = v * 10 + (**p - '0');
		(*p)++;
		(*n)++;
	}
	return v;
}

/*
 * A date as the ledger keeps it (YYYY-MM-DD in out, 11 bytes), from
 * YYYY-MM-DD or from what a Japanese Excel writes, YYYY/M/D (one or two
 * digits each).  Slash dates whose year is not first and 4 digits long
 * are ambiguous (03/01/2024 is March or January; 24/4/1 is 2024, or a
 * day first).  Returns 0, or -1 with the reason in *why.
 */
static int date_read(const char *p, size_t len, char *out, int32_t *d,
		     const char **why)
{
	const char *s = p, *end = p + len;
	size_t n[3];
	int v[3];

	*why = N_("not a date (YYYY-MM-DD or YYYY/M/D)");
	if (memchr(p, '/', len) == NULL) {
		if (date_parse(p, len, d) < 0)
			return -1;
		memcpy(out, p, 10);
		out[10] = '\0';
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		v[i] = digits(&s, end, &n[i]);
		if (n[i] == 0 || n[i] > 4 ||
		    (i < 2 && (s == end || *s++ != '/')))
			return -1;
	}
	if (s != end)
		return -1;
	if (n[0] != 4) {
		if (n[0] > 2 || n[1] > 2)
			return -1;
		*why = n[2] == 4 ? N_("ambiguous date: day and month in an "
				      "unknown order (write YYYY/M/D)")
				 : N_("ambiguous date: a two-digit year (write "
				      "YYYY/M/D)");
		return -1;
	}
	if (n[1] > 2 || n[2] > 2)
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", v[0], v[1], v[2]);
	return date_parse(out, 10, d);
}

static int check_date(struct importer *im, struct row *r, enum col col,
		      const struct field *f)
{
	const char *column = col_names[col], *why;
	int i = col - COL_RECEIVED;
	char v[SHOW_BUF];
	const char *p;
	size_t len;
	int rc = field_text(im, r, column, f, &p, &len);

	if (rc <= 0)
		return rc;
	if (len == 0)
		return col_required[col] ? empty_required(im, r, column) : 0;
	if (date_read(p, len, r->date_buf[i], &r->date[i], &why) < 0) {
		show(v, sizeof(v), p, len);
		return problem(im, r, r->line, column, 1, "%s: %s", why, v);
	}
	r->date_text[i] = r->date_buf[i];
	return 0;
}

static int check_status(struct importer *im, struct row *r,
			const struct field *f)
{
	const char *column = col_names[COL_STATUS];
	char v[SHOW_BUF], names[96];
	size_t o = 0;
	const char *p;
	size_t len;
	int rc = field_text(im, r, column, f, &p, &len);

	if (rc <= 0)
		return rc;
	if (len == 0)
		return 0; /* stored */
	if (len < sizeof(v)) {
		memcpy(v, p, len);
		v[len] = '\0';
		if (strlen(v) == len && card_status_parse(v, &r->status) == 0)
			return 0;
	}
	for (int s = 0; s < CARD_STATUS_COUNT; s++)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s",
				      s ? ", " : "",
				      card_status_name((enum card_status)s));
	show(v, sizeof(v), p, len);
	return problem(im, r, r->line, column, 0,
		       N_("unknown status '%s' (%s)"), v, names);
}

static int check_field(struct importer *im, struct row *r, int col,
		       const struct field *f)
{
	switch (col) {
	case COL_MGMT_ID:
		return check_mgmt_id(im, r, f);
	case COL_SERIAL:
		return check_serial(im, r, f);
	case COL_LOCATION:
		return check_location(im, r, f);
	case COL_RECEIVED:
	case COL_NOTICE_SENT:
	case COL_REMINDER_SENT:
		return check_date(im, r, (enum col)col, f);
	case COL_STATUS:
		return check_status(im, r, f);
	}
	assert(!"column map holds an unknown column");
	return 0;
}

/* A row naming one ledger card by mgmt_id and another (or none) by serial
 * would move a serial between cards: never done silently. */
static int check_ledger(struct importer *im, struct row *r)
{
	int rc = 0;

	if (r->known_m >= 0 && r->known_s != r->known_m &&
	    !im->names[im->known[r->known_m].serial_off])
		rc = problem(im, r, r->line, col_names[COL_SERIAL], 0,
			     N_("the ledger's card awaits enrolment: its "
				"chip is bound when it is received "
				"(cardtally receive)"));
	else if (r->known_m >= 0 && r->known_s != r->known_m)
		rc = problem(im, r, r->line, col_names[COL_MGMT_ID], 0,
			     N_("already in the ledger with serial %s"),
			     im->names + im->known[r->known_m].serial_off);
	if (rc == 0 && r->known_s >= 0 && r->known_s != r->known_m)
		rc = problem(im, r, r->line, col_names[COL_SERIAL], 0,
			     N_("serial already belongs to %s in the ledger"),
			     im->names + im->known[r->known_s].mgmt_off);
	return rc;
}

/*
 * The row's status through the state machine (opts->status_rule): a new
 * card takes what the file says; an existing one changes only as the rule
 * allows, and only when the file has a status column at all.
 */
static int check_transition(struct importer *im, struct row *r)
{
	const struct known *k = r->known_m >= 0 ? &im->known[r->known_m] : NULL;
	const char *column = col_names[COL_STATUS], *rule = "";
	enum card_status from;

	if (k && !im->has[COL_STATUS])
		return 0;
	if (k && k->status < 0)
		return problem(im, r, r->line, column, 0,
			       N_("the ledger's status of this card is "
				  "unreadable"));
	from = k ? (enum card_status)k->status : r->status;
	switch (im->opts->status_rule(k != NULL, from, r->status, &rule)) {
	case 0:
		return 0;
	case 1:
		r->status = from; /* the row agrees with the card */
		return 0;
	default:
		break;
	}
	if (!k)
		return problem(im, r, r->line, column, 2u, "%s: %s",
			       card_status_name(r->status), rule);
	return problem(im, r, r->line, column, 4u, "%s -> %s: %s",
		       card_status_name(from), card_status_name(r->status),
		       rule);
}

/* The row's dates on the import's day (opts->dates_rule), when set. */
static int check_dates(struct importer *im, struct row *r)
{
	const char *rule = "";
	int which = 0;

	if (!im->opts->dates_rule ||
	    im->opts->dates_rule(r->date, im->opts->today, &which, &rule) == 0)
		return 0;
	assert(which >= 0 && which < NDATES && r->date_text[which]);
	return problem(im, r, r->line, col_names[COL_RECEIVED + which], 1,
		       "%s: %s", rule, r->date_text[which]);
}

/* One audit entry for each status change of an existing card, so that
 * the log says which card changed how, not only how many rows did. */
static int audit_status(struct importer *im, const struct known *k,
			enum card_status to)
{
	char detail[64];

	snprintf(detail, sizeof(detail), "status=%s->%s",
		 card_status_name((enum card_status)k->status),
		 card_status_name(to));
	if (ledger_audit(im->l, im->opts->actor_id, im->opts->now,
			 "import.status", im->names + k->mgmt_off, detail) < 0)
		return IMPORT_ERR_LEDGER;
	return 0;
}

static void bind_dates(sqlite3_stmt *st, int first, const struct row *r)
{
	for (int i = 0; i < NDATES; i++)
		if (r->date_text[i])
			sqlite3_bind_text(st, first + i, r->date_text[i], 10,
					  SQLITE_STATIC);
		else
			sqlite3_bind_null(st, first + i);
}

static int step_reset(struct importer *im, sqlite3_stmt *st, const char *what)
{
	/* Every parameter is bound again for each row: no clear_bindings. */
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ledger_sql_error(im->l, what);
		return IMPORT_ERR_LEDGER;
	}
	return 0;
}

/* What a valid row does to the ledger: 0 nothing (the card is as the row
 * says in every column the file has), 1 updates a card, 2 adds one. */
static int row_change(const struct importer *im, const struct row *r)
{
	const struct known *k;

	if (r->known_m < 0)
		return 2;
	k = &im->known[r->known_m];
	if (k->location_id != r->loc_id ||
	    (im->has[COL_STATUS] && k->status != (int)r->status))
		return 1;
	for (int i = 0; i < NDATES; i++)
		if (im->has[COL_RECEIVED + i] && k->date[i] != r->date[i])
			return 1;
	return 0;
}

/* The check phase: counts the row, and notes it in the plan when it is
 * to be written. */
static int plan_row(struct importer *im, const struct row *r,
		    const char *rec)
{
	int change = row_change(im, r);

	if (change == 0) {
		im->res->unchanged++;
		return 0;
	}
	if (change == 1)
		im->res->updated++;
	else
		im->res->added++;
	if (im->opts->dry_run)
		return 0;
	if (im->nplan == im->plan_cap) {
		size_t cap = im->plan_cap ? im->plan_cap * 2 : 1024;
		struct plan_row *p = realloc(im->plan, cap * sizeof(*p));

		if (!p)
			return IMPORT_ERR_NOMEM;
		im->plan = p;
		im->plan_cap = cap;
	}
	im->plan[im->nplan].off = (uint32_t)(rec - im->text);
	im->plan[im->nplan].line = (uint32_t)r->line;
	im->plan[im->nplan].known = (int32_t)r->known_m;
	im->nplan++;
	return 0;
}

/* Adds a card id to the chunk's JSON array of them (im->ids). */
static int note_id(struct importer *im, int64_t id)
{
	return id_array_add(&im->ids, id) < 0 ? IMPORT_ERR_NOMEM : 0;
}

/* The ledger no longer holds what the check read for the row of this
 * line and card. */
static int changed(struct importer *im, long line, const char *mgmt,
		   size_t mgmt_len)
{
	im->res->conflict_line = line;
	snprintf(im->res->conflict_card, sizeof(im->res->conflict_card),
		 "%.*s", (int)mgmt_len, mgmt);
	return IMPORT_ERR_CHANGED;
}

/* Binds a new card's columns to parameters first .. first + 7. */
static void bind_new(struct importer *im, sqlite3_stmt *st, int first,
		     const struct new_card *n)
{
	sqlite3_bind_text(st, first, n->mgmt, n->mgmt_len, SQLITE_STATIC);
	if (n->serial_len)
		sqlite3_bind_text(st, first + 1, n->serial, n->serial_len,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, first + 1);
	sqlite3_bind_int64(st, first + 2, n->loc_id);
	sqlite3_bind_text(st, first + 3, card_status_name(n->status), -1,
			  SQLITE_STATIC);
	for (int i = 0; i < NDATES; i++)
		if (n->date[i][0])
			sqlite3_bind_text(st, first + 4 + i, n->date[i], 10,
					  SQLITE_STATIC);
		else
			sqlite3_bind_null(st, first + 4 + i);
	sqlite3_bind_int64(st, first + 7, im->opts->now);
}

/* Adds one new card on its own: a batch shorter than a whole one, or
 * the rows of a batch that met a UNIQUE index, to find which did. */
static int insert_one(struct importer *im, const struct new_card *n)
{
	sqlite3_stmt *st = im->ins;
	int rc;

	bind_new(im, st, 1, n);
	rc = sqlite3_step(st);
	/* Another card took this mgmt_id or serial since the check. */
	if ((rc & 0xff) == SQLITE_CONSTRAINT &&
	    sqlite3_extended_errcode(im->l->db) == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite3_reset(st);
		return changed(im, n->line, n->mgmt, (size_t)n->mgmt_len);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ledger_sql_error(im->l, "add card");
		return IMPORT_ERR_LEDGER;
	}
	return note_id(im, sqlite3_last_insert_rowid(im->l->db));
}

/*
 * Adds the new cards waiting in the batch.  A whole batch is one INSERT:
 * its rows take consecutive ids, each one more than the largest before it
 * (SQLite's rule for an INTEGER PRIMARY KEY, so long as the largest is
 * below 2^63 - 1), the last of them sqlite3_last_insert_rowid.  A batch
 * that meets a UNIQUE index changes nothing (the statement is undone) and
 * is added again row by row, which stops at the row that met it.
 */
static int flush_new(struct importer *im)
{
	size_t n = im->nbatch;
	sqlite3_stmt *st = im->ins_batch;
	int64_t last;
	int rc = 0;

	im->nbatch = 0;
	if (n == IMPORT_INSERT_BATCH) {
		for (size_t i = 0; i < n; i++)
			bind_new(im, st, (int)(i * 8 + 1), &im->batch[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			last = sqlite3_last_insert_rowid(im->l->db);
			for (size_t i = 0; i < n; i++)
				if (note_id(im, last - (int64_t)(n - 1 - i)) < 0)
					return IMPORT_ERR_NOMEM;
			return 0;
		}
		if ((rc & 0xff) != SQLITE_CONSTRAINT) {
			ledger_sql_error(im->l, "add cards");
			return IMPORT_ERR_LEDGER;
		}
	}
	rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = insert_one(im, &im->batch[i]);
	return rc;
}

/* A new card, to the batch; a full batch to the ledger. */
static int add_new(struct importer *im, const struct row *r)
{
	struct new_card *n = &im->batch[im->nbatch++];

	n->line = r->line;
	n->loc_id = r->loc_id;
	n->status = r->status;
	n->mgmt_len = (int)r->mgmt_len;
	memcpy(n->mgmt, r->mgmt, r->mgmt_len);
	n->serial_len = (int)r->serial_len;
	memcpy(n->serial, r->serial, r->serial_len);
	for (int i = 0; i < NDATES; i++) {
		n->date[i][0] = '\0';
		if (r->date_text[i])
			memcpy(n->date[i], r->date_text[i], sizeof(n->date[i]));
	}
	return im->nbatch == IMPORT_INSERT_BATCH ? flush_new(im) : 0;
}

/*
 * The write phase: writes a planned row.  An update is guarded by what
 * the check compared (location, the dates the file has, the status when
 * it has that column): a card changed since (checked out at the window,
 * received) matches no row, and the import stops rather than overwrite
 * what it never saw.  A new card meets the UNIQUE indexes instead: a
 * card or serial added since is a conflict too.
 */
static int write_row(struct importer *im, const struct row *r)
{
	int change = row_change(im, r);
	const struct known *k;
	char was[NDATES][11]; /* bound static: nothing to allocate */
	sqlite3_stmt *st = im->upd;
	int rc;

	if (change == 0)
		return 0;
	if (change == 2)
		return add_new(im, r);
	/* New cards of earlier lines first: a conflict is told at the first
	 * line that has one. */
	rc = flush_new(im);
	if (rc < 0)
		return rc;
	k = &im->known[r->known_m];
	sqlite3_bind_int64(st, 1, r->loc_id);
	sqlite3_bind_text(st, 2, card_status_name(r->status), -1,
			  SQLITE_STATIC);
	bind_dates(st, 3, r);
	sqlite3_bind_int64(st, 6, im->opts->now);
	sqlite3_bind_int64(st, 7, k->id);
	sqlite3_bind_int64(st, 8, k->location_id);
	for (int i = 0; i < NDATES; i++) {
		if (!im->has[COL_RECEIVED + i])
			continue;
		if (k->date[i] == DATE_NONE) {
			sqlite3_bind_null(st, 9 + i);
			continue;
		}
		date_format(k->date[i], was[i]);
		sqlite3_bind_text(st, 9 + i, was[i], 10, SQLITE_STATIC);
	}
	if (im->has[COL_STATUS])
		sqlite3_bind_text(st, 12,
				  card_status_name((enum card_status)k->status),
				  -1, SQLITE_STATIC);
	rc = step_reset(im, st, "update card");
	if (rc == 0 && sqlite3_changes(im->l->db) == 0)
		return changed(im, r->line, r->mgmt, r->mgmt_len);
	if (rc == 0 && im->has[COL_STATUS] && k->status != (int)r->status)
		rc = audit_status(im, k, r->status);
	if (rc == 0)
		rc = note_id(im, k->id);
	return rc;
}

static int process_row(struct importer *im, const struct csv *c,
		       const char *rec, long line)
{
	struct row r = {
	    .line = line,
	    .known_m = -1,
	    .known_s = -1,
	    .status = CARD_STORED,
	};
	char n[24], m[24];
	int rc;

	for (int i = 0; i < NDATES; i++)
		r.date[i] = DATE_NONE;
	for (size_t i = 0; i < c->nf; i++) {
		if (!(c->f[i].flags & F_UNTERMINATED))
			continue;
		/* A quote that never closes runs to the end of the file. */
		return problem(im, &r, line,
			       i < im->ncols ? col_names[im->colmap[i]] : "row",
			       0,
			       N_("unterminated quoted field starting on line "
				  "%s: the file ends inside it (cut off?)"),
			       num(n, c->f[i].line));
	}
	if (c->nf != im->ncols)
		return problem(im, &r, line, "row", 0,
			       c->unended && c->nf < im->ncols
				   ? N_("expected %s fields, found %s: the "
					"file ends in this row (cut off?)")
				   : N_("expected %s fields, found %s"),
			       num(n, (long)im->ncols), num(m, (long)c->nf));
	for (size_t i = 0; i < im->ncols; i++) {
		rc = check_field(im, &r, im->colmap[i], &c->f[i]);
		if (rc < 0)
			return rc;
	}
	if (r.mgmt && r.serial_len && !r.dup) {
		rc = check_ledger(im, &r);
		if (rc < 0)
			return rc;
	}
	if (!r.bad) {
		rc = check_dates(im, &r);
		if (rc < 0)
			return rc;
	}
	if (!r.bad) {
		rc = check_transition(im, &r);
		if (rc < 0)
			return rc;
	}
	if (r.bad || !im->writing)
		return 0;
	return im->write ? write_row(im, &r) : plan_row(im, &r, rec);
}

/*
 * A header of one column that is the list's own header with another
 * separator (a list saved as "CSV" with semicolons where the decimal mark
 * is a comma, or tab-separated text): how to name that separator ("';'",
 * or "tabs", a message of the catalog), else NULL.
 */
static const char *other_separator(const char *p, size_t len)
{
	static const struct {
		char sep;
		const char *name;
	} seps[] = {{';', "';'"}, {'\t', N_("tabs")}, {'|', "'|'"}};

	for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
		const char *s = memchr(p, seps[i].sep, len);

		/* Its first name is one of the list's columns. */
		for (int k = 0; s && k < COL_COUNT; k++)
			if ((size_t)(s - p) == strlen(col_names[k]) &&
			    memcmp(p, col_names[k], (size_t)(s - p)) == 0)
				return seps[i].name;
	}
	return NULL;
}

/* Reads the header into im->colmap.  Returns 0 (check res->nproblems) or a
 * negative IMPORT_ERR_*. */
static int read_header(struct importer *im, struct csv *c)
{
	unsigned char *present = im->has;
	char name[sizeof(((struct import_problem *)0)->column)];
	const char *sep;
	long line;
	int rc = csv_next(c, &line);

	if (rc < 0)
		return IMPORT_ERR_NOMEM;
	assert(rc == 1); /* the caller saw a non-blank line */
	if (csv_blank(c))
		return problem(im, NULL, line, "header", 0,
			       c->nf == 1
				   ? N_("blank line where the header row "
					"should be")
				   : N_("the header row has no column names"));
	sep = c->nf == 1 ? other_separator(c->f[0].p, c->f[0].len) : NULL;
	if (sep)
		return problem(im, NULL, line, "header", 1,
			       N_("the columns are separated by %s, not by "
				  "commas: save the list as CSV "
				  "(comma-separated)"),
			       sep);
	im->ncols = c->nf;
	im->colmap = calloc(c->nf, sizeof(*im->colmap));
	if (!im->colmap)
		return IMPORT_ERR_NOMEM;
	for (size_t i = 0; i < c->nf; i++) {
		const struct field *f = &c->f[i];
		char n[24], w[160];
		const char *p;
		size_t len;
		int k;

		if (f->flags & F_UNTERMINATED)
			return problem(im, NULL, line, "header", 0,
				       N_("unterminated quoted field starting "
					  "on line %s: the file ends inside "
					  "it (cut off?)"),
				       num(n, f->line));
		rc = decode_field(im, f, &p, &len);
		if (rc == 0) {
			/* The reason inside this one: a message of the
			 * catalog, or with its arguments already in. */
			const char *args[3];

			if (im->why.nargs)
				text_render(im->why.fmt, why_args(im, args),
					    im->why.nargs, 0, NULL, w,
					    sizeof(w));
			rc = problem(im, NULL, line, "header",
				     im->why.nargs ? 0 : 2u,
				     N_("column %s: %s"), num(n, (long)i + 1),
				     im->why.nargs ? w : im->why.fmt);
			if (rc == 0)
				continue;
		}
		if (rc < 0)
			return rc;
		if (len == 0) {
			rc = problem(im, NULL, line, "header", 0,
				     N_("column %s has no name"),
				     num(n, (long)i + 1));
			if (rc < 0)
				return rc;
			continue;
		}
		for (k = 0; k < COL_COUNT; k++)
			if (strlen(col_names[k]) == len &&
			    memcmp(col_names[k], p, len) == 0)
				break;
		if (k == COL_COUNT) {
			show(name, sizeof(name), p, len);
			rc = problem(im, NULL, line, name, 0,
				     N_("unknown column"));
		} else if (present[k]) {
			rc = problem(im, NULL, line, col_names[k], 0,
				     N_("duplicate column"));
		} else {
			present[k] = 1;
			im->colmap[i] = k;
		}
		if (rc < 0)
			return rc;
	}
	for (int k = 0; k < COL_COUNT; k++) {
		if (!col_required[k] || present[k])
			continue;
		rc = problem(im, NULL, line, col_names[k], 0,
			     N_("missing required column"));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Bytes that end a stretch of text for sniff: never part of a CP932
 * character (its second bytes are 0x40 and up) nor of a UTF-8 one. */
static int text_end(char ch)
{
	return ch == '\n' || ch == '\r' || ch == ',' || ch == '"';
}

/*
 * Settles the encoding of a file given without one: the first stretch of
 * non-ASCII text between separators that only one encoding reads sensibly
 * decides (weigh), and its line is kept for the message about any text
 * that reads otherwise.  Every field is weighed again when it is decoded,
 * so a file of two encodings is refused at the first line that does not
 * fit.  With no deciding text, a file holding text that neither encoding
 * reads is taken for CP932 (as before: its problems name those bytes), and
 * one whose text reads as either is UTF-8 with im->ambiguous set.
 */
static int sniff(struct importer *im, const char *p, size_t len,
		 enum import_encoding *enc)
{
	const char *s = p, *end = p + len, *counted = p;
	int either = 0, neither = 0;
	long line = 1;

	while (s < end) {
		struct reading rd;
		const char *a, *b;
		int rc;

		while (s < end && !((unsigned char)*s & 0x80))
			s++;
		if (s == end)
			break;
		for (a = s; a > p && !text_end(a[-1]); a--)
			;
		for (b = s; b < end && !text_end(*b); b++)
			;
		for (const char *q = counted; q < a; q++)
			line += *q == '\n';
		counted = a;
		rc = weigh(im, a, (size_t)(b - a), &rd);
		if (rc < 0)
			return rc;
		if (rd.ev == EV_UTF8 || rd.ev == EV_CP932) {
			*enc = rd.ev == EV_UTF8 ? IMPORT_ENC_UTF8
						: IMPORT_ENC_CP932;
			im->enc_line = line;
			return 0;
		}
		either |= rd.ev == EV_NONE;
		neither |= rd.ev == EV_NEITHER;
		s = b;
	}
	*enc = neither && !either ? IMPORT_ENC_CP932 : IMPORT_ENC_UTF8;
	im->ambiguous = either;
	return 0;
}

/*
 * What a file of UTF-16 or UTF-32 text (or of NUL bytes) is, told by its
 * first four bytes: a byte order mark, or the NUL bytes around the ASCII
 * of the header row.  NULL for anything else.
 */
static const char *wide_text(const unsigned char *b, size_t n)
{
	if (n >= 4 && memcmp(b, "\x00\x00\xfe\xff", 4) == 0)
		return N_(
		    "UTF-32 text (byte order mark 00 00 FE FF): save it as "
		    "CSV in UTF-8 or CP932");
	if (n >= 4 && memcmp(b, "\xff\xfe\x00\x00", 4) == 0)
		return N_(
		    "UTF-32 text (byte order mark FF FE 00 00): save it as "
		    "CSV in UTF-8 or CP932");
	if (n >= 2 && memcmp(b, "\xff\xfe", 2) == 0)
		return N_(
		    "UTF-16 text (byte order mark FF FE): save it as CSV in "
		    "UTF-8 or CP932");
	if (n >= 2 && memcmp(b, "\xfe\xff", 2) == 0)
		return N_(
		    "UTF-16 text (byte order mark FE FF): save it as CSV in "
		    "UTF-8 or CP932");
	if (n < 4 || (b[0] && b[1] && b[2] && b[3]))
		return NULL;
	if (b[0] && !b[1] && !b[2] && !b[3])
		return N_(
		    "UTF-32 text (little-endian, no byte order mark): save "
		    "it as CSV in UTF-8 or CP932");
	if (!b[0] && !b[1] && !b[2] && b[3])
		return N_(
		    "UTF-32 text (big-endian, no byte order mark): save it "
		    "as CSV in UTF-8 or CP932");
	if (b[0] && !b[1] && b[2] && !b[3])
		return N_(
		    "UTF-16 text (little-endian, no byte order mark): save "
		    "it as CSV in UTF-8 or CP932");
	if (!b[0] && b[1] && !b[2] && b[3])
		return N_(
		    "UTF-16 text (big-endian, no byte order mark): save it "
		    "as CSV in UTF-8 or CP932");
	if (!b[0] && !b[1] && !b[2] && !b[3])
		return N_("starts with NUL bytes: not a text file");
	return NULL;
}

/* Chooses the encoding and strips a UTF-8 BOM.  Returns 0 (check
 * res->nproblems) or a negative IMPORT_ERR_*. */
static int choose_encoding(struct importer *im, const char **buf, size_t *len)
{
	int bom = *len >= 3 && memcmp(*buf, "\xef\xbb\xbf", 3) == 0;
	enum import_encoding enc = im->opts->encoding;

	/* Spreadsheets offer "Unicode text", which is UTF-16: say so rather
	 * than list a problem for every field. */
	const char *wide = wide_text((const unsigned char *)*buf, *len);

	if (wide) {
		im->res->detected =
		    enc == IMPORT_ENC_CP932 ? enc : IMPORT_ENC_UTF8;
		return problem(im, NULL, 1, "file", 0, wide);
	}

	if (bom && enc == IMPORT_ENC_CP932) {
		im->res->detected = IMPORT_ENC_CP932;
		/* Decoding UTF-8 as CP932 would store mojibake location
		 * names without a single error. */
		return problem(im, NULL, 1, "file", 0,
			       N_("starts with a UTF-8 byte order mark, but "
				  "the encoding is cp932"));
	}
	if (bom) {
		*buf += 3;
		*len -= 3;
	}
	im->cd = iconv_open("UTF-8", "CP932");
	if (im->cd == (iconv_t)-1 && enc != IMPORT_ENC_UTF8) {
		im->res->detected = IMPORT_ENC_CP932;
		return problem(im, NULL, 1, "file", 0,
			       N_("this system cannot decode cp932 (iconv)"));
	}
	im->forced = enc != IMPORT_ENC_AUTO;
	im->bom = bom;
	if (enc == IMPORT_ENC_AUTO && bom)
		enc = IMPORT_ENC_UTF8;
	if (enc == IMPORT_ENC_AUTO) {
		int rc = sniff(im, *buf, *len, &enc);

		if (rc < 0)
			return rc;
	}
	im->enc = enc;
	im->res->detected = enc;
	return 0;
}

static int load_locations(struct importer *im)
{
	sqlite3_stmt *st;
	int rc;

	if (ledger_prepare(im->l, "SELECT id, path FROM location", &st) < 0)
		return IMPORT_ERR_LEDGER;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		const char *p = (const char *)sqlite3_column_text(st, 1);
		int n = sqlite3_column_bytes(st, 1);

		if (p && strmap_put(im->locs, p, (size_t)n,
				    sqlite3_column_int64(st, 0), NULL) < 0) {
			sqlite3_finalize(st);
			return IMPORT_ERR_NOMEM;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		ledger_sql_error(im->l, "load locations");
		return IMPORT_ERR_LEDGER;
	}
	return 0;
}

static int names_add(struct importer *im, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;

	if (im->names_cap - im->names_len < n) {
		size_t cap = im->names_cap ? im->names_cap * 2 : 4096;

		while (cap - im->names_len < n)
			cap *= 2;
		char *p = realloc(im->names, cap);
		if (!p)
			return IMPORT_ERR_NOMEM;
		im->names = p;
		im->names_cap = cap;
	}
	memcpy(im->names + im->names_len, s, n);
	*off = im->names_len;
	im->names_len += n;
	return 0;
}

/* Loads the tag of every registered terminal into im->tags. */
static int load_tags(struct importer *im)
{
	sqlite3_stmt *st;
	int rc;

	if (ledger_prepare(im->l,
			   "SELECT code, tag FROM asset WHERE tag IS NOT NULL",
			   &st) < 0)
		return IMPORT_ERR_LEDGER;
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		const char *tag = ledger_col_text(st, 1);
		char norm[SERIAL_BUF];
		size_t off;

		/* A tag that is no serial can never equal one. */
		if (serial_normalize(tag, strlen(tag), norm) < 0)
			continue;
		if (names_add(im, ledger_col_text(st, 0), &off) < 0 ||
		    strmap_put(im->tags, norm, strlen(norm), (int64_t)off,
			       NULL) < 0) {
			sqlite3_finalize(st);
			return IMPORT_ERR_NOMEM;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		ledger_sql_error(im->l, "load terminal tags");
		return IMPORT_ERR_LEDGER;
	}
	return 0;
}

/* Loads every card of the ledger into known[] and the key maps. */
static int load_cards(struct importer *im, size_t count)
{
	sqlite3_stmt *st;
	int rc;

	/* The plan keeps a known[] index in 32 bits; so many cards would
	 * not fit in memory anyway (over 100 GB of known[]). */
	if (count > INT32_MAX)
		return IMPORT_ERR_NOMEM;
	im->known = calloc(count ? count : 1, sizeof(*im->known));
	if (!im->known)
		return IMPORT_ERR_NOMEM;
	if (ledger_prepare(im->l,
			   "SELECT id, mgmt_id, serial, location_id, status, "
			   "received, notice_sent, reminder_sent FROM card",
			   &st) < 0)
		return IMPORT_ERR_LEDGER;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && im->nknown < count) {
		struct known *k = &im->known[im->nknown];
		const char *mgmt = ledger_col_text(st, 1);
		const char *serial = ledger_col_text(st, 2);
		enum card_status s;

		k->id = sqlite3_column_int64(st, 0);
		k->location_id = sqlite3_column_int64(st, 3);
		k->status = card_status_parse(ledger_col_text(st, 4), &s) == 0
				? (int)s
				: -1;
		for (int i = 0; i < NDATES; i++)
			k->date[i] = ledger_col_date(st, 5 + i);
		/* A card awaiting enrolment has no serial: "" here, and
		 * nothing in the serial map. */
		if (names_add(im, mgmt, &k->mgmt_off) < 0 ||
		    names_add(im, serial, &k->serial_off) < 0 ||
		    strmap_put(im->mgmt, mgmt, strlen(mgmt),
			       (int64_t)im->nknown, NULL) < 0 ||
		    (serial[0] &&
		     strmap_put(im->serial, serial, strlen(serial),
				(int64_t)im->nknown, NULL) < 0)) {
			sqlite3_finalize(st);
			return IMPORT_ERR_NOMEM;
		}
		im->nknown++;
	}
	sqlite3_finalize(st);
	/* Inside BEGIN IMMEDIATE nobody can add a card after the count. */
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		ledger_sql_error(im->l, "load cards");
		return IMPORT_ERR_LEDGER;
	}
	return 0;
}

/*
 * The page cache of the write phase.  One transaction for the whole file
 * needed 64 MB not to spill pages to the WAL and read them back; a chunk
 * touches only its rows' pages, and the cache outlives the chunk's commit
 * while nobody else writes (WAL), so less serves (see write_start).
 */
#define IMPORT_CACHE_KB 16384

/* A setting of the connection (PRAGMA name) into *v, to restore after the
 * import: 1, or 0 when it cannot be read. */
static int pragma_get(struct ledger *l, const char *name, int64_t *v)
{
	sqlite3_stmt *st;
	char sql[64];
	int ok = 0;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	if (ledger_prepare(l, sql, &st) < 0)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		ok = 1;
	}
	sqlite3_finalize(st);
	return ok;
}

static void pragma_set(struct ledger *l, const char *name, int64_t v)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA %s = %lld", name, (long long)v);
	/* Only speed depends on it: a failure is no reason to stop. */
	sqlite3_exec(l->db, sql, NULL, NULL, NULL);
}

/* Lines in the buffer: sizes the maps once instead of growing them. */
static size_t count_lines(const char *p, size_t len)
{
	size_t n = 1;
	const char *end = p + len;

	for (const char *q = memchr(p, '\n', len); q != NULL;
	     q = memchr(q + 1, '\n', (size_t)(end - q - 1)))
		n++;
	return n;
}

static int only_line_ends(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/*
 * Reports `n` blank records, the first on line `from` and starting at `p`:
 * records before the last one with values are rows that lost their data.
 */
static int report_blanks(struct importer *im, const struct csv *c,
			 const char *p, long from, long n)
{
	for (long i = 0; i < n; i++) {
		const char *e = memchr(p, '\n', (size_t)(c->end - p));
		int rc;

		assert(e); /* a record with values follows */
		im->res->rows++;
		rc =
		    problem(im, NULL, from + i, "row", 0,
			    memchr(p, ',', (size_t)(e - p)) ? N_("empty row")
							    : N_("blank line"));
		if (rc < 0)
			return rc;
		p = e + 1;
	}
	return 0;
}

static int read_rows(struct importer *im, struct csv *c)
{
	const char *rec = c->p, *blank_at = NULL;
	long line, blank_from = 0, blanks = 0;
	int rc;

	while ((rc = csv_next(c, &line)) == 1) {
		/* Blank records are ignored at the end of the file only: in
		 * the middle they are rows whose values went missing. */
		if (csv_blank(c)) {
			if (blanks++ == 0) {
				blank_from = line;
				blank_at = rec;
			}
		} else {
			rc = report_blanks(im, c, blank_at, blank_from, blanks);
			blanks = 0;
			im->res->rows++;
			if (rc == 0)
				rc = process_row(im, c, rec, line);
			if (rc < 0)
				return rc;
		}
		rec = c->p;
	}
	return rc < 0 ? IMPORT_ERR_NOMEM : 0;
}

/*
 * For a full list: the cards of the ledger in the office's keeping that no
 * line names, counted, the first few by management ID kept to be shown.
 */
static void find_missing(struct importer *im)
{
	struct import_result *res = im->res;
	const size_t max = IMPORT_MISSING_SHOWN;

	for (size_t i = 0; i < im->nknown; i++) {
		const struct known *k = &im->known[i];
		const char *m = im->names + k->mgmt_off;
		size_t j;

		/* Issued, disposed and lost cards have left the stock. */
		if (k->mgmt_line || k->status < 0 ||
		    !(card_status_in_storage((enum card_status)k->status) ||
		      k->status == CARD_CHECKED_OUT))
			continue;
		res->missing++;
		/* Insertion into the few shown, in mgmt_id order. */
		for (j = res->nmissing_shown; j > 0; j--)
			if (strcmp(res->missing_shown[j - 1], m) < 0)
				break;
		if (j == max)
			continue;
		memmove(
		    res->missing_shown[j + 1], res->missing_shown[j],
		    (res->nmissing_shown - j - (res->nmissing_shown == max)) *
			sizeof(res->missing_shown[0]));
		snprintf(res->missing_shown[j], sizeof(res->missing_shown[j]),
			 "%s", m);
		if (res->nmissing_shown < max)
			res->nmissing_shown++;
	}
}

/*
 * An import that takes more than one chunk says so in its first: the file
 * (its name as given, and its BLAKE2b digest), its rows and how many of
 * them it writes.  Until its closing "import" entry comes, the log shows
 * an import stopped part way (a conflict, a kill): running the same file
 * again finishes it.  An import of one chunk is whole or absent: no such
 * entry.
 */
static int audit_begin(struct importer *im)
{
	unsigned char h[32];
	char hex[2 * sizeof(h) + 1], detail[160];

	crypto_generichash(h, sizeof(h), (const unsigned char *)im->raw,
			   im->raw_len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(detail, sizeof(detail), "rows=%ld write=%zu blake2b=%s",
		 im->res->rows, im->nplan, hex);
	return ledger_audit(im->l, im->opts->actor_id, im->opts->now,
			    "import.begin", im->opts->source, detail) < 0
		   ? IMPORT_ERR_LEDGER
		   : 0;
}

/* The closing entry of a whole import: what the file did. */
static int audit_import(struct importer *im)
{
	struct import_result *res = im->res;
	char detail[160];

	snprintf(detail, sizeof(detail),
		 "rows=%ld added=%ld updated=%ld unchanged=%ld encoding=%s",
		 res->rows, res->added, res->updated, res->unchanged,
		 im->enc == IMPORT_ENC_CP932 ? "cp932" : "utf-8");
	if (im->opts->full)
		snprintf(detail + strlen(detail),
			 sizeof(detail) - strlen(detail), " full missing=%ld",
			 res->missing);
	return ledger_audit(im->l, im->opts->actor_id, im->opts->now, "import",
			    NULL, detail) < 0
		   ? IMPORT_ERR_LEDGER
		   : 0;
}

void import_job_free(struct import_job *job)
{
	struct importer *im = (struct importer *)job;

	if (!im)
		return;
	if (im->cache_was)
		pragma_set(im->l, "cache_size", im->cache_was);
	if (im->temp_store_set)
		pragma_set(im->l, "temp_store", im->temp_store_was);
	if (im->synced_late)
		sqlite3_exec(im->l->db, "PRAGMA synchronous = FULL", NULL,
			     NULL, NULL);
	/* Only speed depends on these: a failure is no reason to stop. */
	if (im->checkpoint && !im->l->in_tx)
		sqlite3_exec(im->l->db,
			     "PRAGMA wal_checkpoint(PASSIVE);"
			     "PRAGMA wal_autocheckpoint = 1000",
			     NULL, NULL, NULL);
	else if (im->checkpoint)
		sqlite3_exec(im->l->db, "PRAGMA wal_autocheckpoint = 1000",
			     NULL, NULL, NULL);
	sqlite3_finalize(im->ins);
	sqlite3_finalize(im->ins_batch);
	sqlite3_finalize(im->upd);
	id_array_free(&im->ids);
	strmap_free(im->mgmt);
	strmap_free(im->serial);
	strmap_free(im->locs);
	strmap_free(im->locs_raw);
	strmap_free(im->tags);
	free(im->known);
	free(im->names);
	free(im->colmap);
	free(im->conv);
	free(im->norm);
	free(im->plan);
	if (im->cd != (iconv_t)-1)
		iconv_close(im->cd);
	free(im->c.f);
	free(im->c.scratch);
	free(im->cr_only);
	free(im);
}

/* The whole check (see import_check), in the transaction open now. */
static int check(struct importer *im, const char *buf, size_t len)
{
	struct import_result *res = im->res;
	struct ledger *l = im->l;
	struct csv *c = &im->c;
	int64_t ncards;
	size_t lines;
	int rc;

	im->raw = buf;
	im->raw_len = len;
	/* Old Mac files end each line with CR alone: read as LF, so that
	 * lines are counted as an editor counts them. */
	if (len && !memchr(buf, '\n', len) && memchr(buf, '\r', len)) {
		im->cr_only = malloc(len);
		if (!im->cr_only)
			return IMPORT_ERR_NOMEM;
		for (size_t i = 0; i < len; i++)
			im->cr_only[i] = buf[i] == '\r' ? '\n' : buf[i];
		buf = im->cr_only;
	}
	rc = choose_encoding(im, &buf, &len);
	if (rc < 0 || res->nproblems)
		return rc;
	if (only_line_ends(buf, len))
		return problem(im, NULL, 1, "file", 0,
			       N_("empty file, expected a header row"));
	im->text = buf;
	im->text_len = len;
	c->p = buf;
	c->end = buf + len;
	rc = read_header(im, c);
	if (rc < 0 || res->nproblems)
		return rc;

	lines = count_lines(buf, len);
	ncards = ledger_card_count(l);
	if (ncards < 0)
		return IMPORT_ERR_LEDGER;
	/*
	 * Sized for the larger of the file and the ledger, not their sum: a
	 * stock list names mostly the cards the ledger holds, and a map sized
	 * for both took twice the memory of a re-import (each slot is 24
	 * bytes, at most half of them used).  A file of new cards as large as
	 * the ledger grows the maps once.
	 */
	im->mgmt = strmap_new(lines > (size_t)ncards ? lines : (size_t)ncards);
	im->serial =
	    strmap_new(lines > (size_t)ncards ? lines : (size_t)ncards);
	im->locs = strmap_new(256);
	im->locs_raw = strmap_new(256);
	im->tags = strmap_new(16);
	if (!im->mgmt || !im->serial || !im->locs || !im->locs_raw || !im->tags)
		return IMPORT_ERR_NOMEM;
	rc = load_locations(im);
	if (rc == 0)
		rc = load_tags(im);
	if (rc == 0 && ncards > 0)
		rc = load_cards(im, (size_t)ncards);
	if (rc == 0)
		rc = read_rows(im, c);
	if (rc < 0)
		return rc;
	if (res->nproblems) {
		/* Counts of a file that was not imported would mislead. */
		res->added = res->updated = res->unchanged = 0;
		return IMPORT_ERR_INVALID;
	}
	if (im->opts->full)
		find_missing(im);
	res->to_write = (long)im->nplan;
	return 0;
}

int import_check(struct ledger *l, const char *buf, size_t len,
		 const struct import_opts *opts, struct import_result *res,
		 struct import_job **job)
{
	struct importer *im = calloc(1, sizeof(*im));
	int own = 0, rc;

	assert(l && opts && res && job && (buf || len == 0));
	/* No path around the state machine: a caller must pass it. */
	assert(opts->status_rule);
	memset(res, 0, sizeof(*res));
	*job = NULL;
	if (!im) {
		ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
		return IMPORT_ERR_NOMEM;
	}
	im->l = l;
	im->opts = opts;
	im->res = res;
	im->cd = (iconv_t)-1;
	im->writing = 1;
	im->c.line = 1;
	/* In the caller's transaction when it holds one; else a read
	 * transaction of its own: one snapshot, no lock on writers. */
	if (!l->in_tx) {
		rc = ledger_begin_read(l);
		if (rc < 0) {
			import_job_free((struct import_job *)im);
			return IMPORT_ERR_LEDGER;
		}
		own = 1;
	}
	rc = check(im, buf, len);
	if (own)
		ledger_rollback(l);
	if (rc == 0 && res->nproblems)
		rc = IMPORT_ERR_INVALID;
	if (rc == IMPORT_ERR_NOMEM)
		ledger_fail(l, LEDGER_ERR_NOMEM, "out of memory");
	if (rc == 0 && im->nplan) {
		*job = (struct import_job *)im;
		return 0;
	}
	import_job_free((struct import_job *)im);
	return rc;
}

/* Ready to write: the statements, and the chunk's list of cards. */
#define INSERT_CARD                                                            \
	"INSERT INTO card(mgmt_id, serial, location_id, status, received, "    \
	"notice_sent, reminder_sent, updated_at) VALUES "

/* The INSERT of a whole batch: IMPORT_INSERT_BATCH rows of 8 parameters. */
static int prepare_batch(struct importer *im)
{
	static const char row[] = ", (?, ?, ?, ?, ?, ?, ?, ?)";
	char sql[sizeof(INSERT_CARD) + IMPORT_INSERT_BATCH * sizeof(row)];
	size_t len = sizeof(INSERT_CARD) - 1;

	memcpy(sql, INSERT_CARD, len);
	for (int i = 0; i < IMPORT_INSERT_BATCH; i++) {
		/* The first row without its ", ". */
		memcpy(sql + len, row + (i ? 0 : 2), sizeof(row) - (i ? 1 : 3));
		len += sizeof(row) - (i ? 1 : 3);
	}
	sql[len] = '\0';
	return ledger_prepare(im->l, sql, &im->ins_batch);
}

static int write_start(struct importer *im)
{
	char sql[512];

	/*
	 * A large import touches every page of the card table and its
	 * indexes; SQLite's default 2 MB cache would make a chunk spill
	 * pages and read them back.  The cache only grows as pages are
	 * used, so a small import costs nothing more.
	 */
	if (!pragma_get(im->l, "cache_size", &im->cache_was))
		im->cache_was = 0;
	/* Positive settings count pages, 4 KiB by default: never shrink. */
	if (im->cache_was &&
	    (im->cache_was < 0 ? -im->cache_was : im->cache_was * 4) <
		IMPORT_CACHE_KB)
		pragma_set(im->l, "cache_size", -IMPORT_CACHE_KB);
	else
		im->cache_was = 0;
	/*
	 * A chunk writes its cards with multi-row INSERTs, each of which may
	 * fail half way (a constraint), so SQLite keeps the pages it changes
	 * in a statement journal until it ends.  With temporary files on
	 * disk (temp_store FILE, the default) that journal was a file in
	 * /var/tmp written again by every INSERT: 360 MiB of writes for a
	 * million rows, a third of the import's system time.  In memory it
	 * holds one statement's few pages at a time.
	 */
	if (pragma_get(im->l, "temp_store", &im->temp_store_was) &&
	    im->temp_store_was != 2) {
		pragma_set(im->l, "temp_store", 2);
		im->temp_store_set = 1;
	}
	/*
	 * No checkpoint after each chunk's commit (SQLite's default after
	 * 1000 pages of WAL): each would copy the pages written so far back
	 * into the file and sync it, ever more of them as the file grows,
	 * which made a million-row import several times slower.  One
	 * checkpoint at the end (import_job_free); other processes' commits
	 * still checkpoint as they always do.
	 */
	sqlite3_exec(im->l->db, "PRAGMA wal_autocheckpoint = 0", NULL, NULL,
		     NULL);
	im->checkpoint = 1;
	/*
	 * The UPDATE sets only the columns the file has: an optional column
	 * left out of the file keeps what the ledger says (a card checked
	 * out since the last import stays checked out), while an empty value
	 * in a column that is there means "none" (or "stored").  Its WHERE
	 * holds the values the check compared (?8-?12, see write_row).
	 * Parameters are numbered so that every row binds the same way
	 * whichever columns are set.
	 */
	snprintf(sql, sizeof(sql),
		 "UPDATE card SET location_id = ?1, received = ?3%s%s%s, "
		 "updated_at = ?6 WHERE id = ?7 AND location_id = ?8 "
		 "AND received IS ?9%s%s%s",
		 im->has[COL_STATUS] ? ", status = ?2" : "",
		 im->has[COL_NOTICE_SENT] ? ", notice_sent = ?4" : "",
		 im->has[COL_REMINDER_SENT] ? ", reminder_sent = ?5" : "",
		 im->has[COL_NOTICE_SENT] ? " AND notice_sent IS ?10" : "",
		 im->has[COL_REMINDER_SENT] ? " AND reminder_sent IS ?11" : "",
		 im->has[COL_STATUS] ? " AND status = ?12" : "");
	if (ledger_prepare(im->l, INSERT_CARD "(?, ?, ?, ?, ?, ?, ?, ?)",
			   &im->ins) < 0 ||
	    ledger_prepare(im->l, sql, &im->upd) < 0 || prepare_batch(im) < 0)
		return IMPORT_ERR_LEDGER;
	im->write = 1;
	return 0;
}

int import_write(struct import_job *job, long max_rows, int64_t max_ms)
{
	struct importer *im = (struct importer *)job;
	struct import_result *res = im->res;
	struct csv *c = &im->c;
	struct timespec t0;
	size_t i = im->done;
	long line;
	int rc = 0;

	assert(im->l->in_tx && im->done < im->nplan);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	res->written = (long)im->done;
	if (!im->write)
		rc = write_start(im);
	id_array_clear(&im->ids);
	/* Each chunk writes at least one row, so every chunk ends. */
	for (; rc == 0 && i < im->nplan; i++) {
		if (i > im->done &&
		    ((max_rows > 0 && (long)(i - im->done) >= max_rows) ||
		     (max_ms > 0 && ledger_ms_since(&t0) >= max_ms)))
			break;
		c->p = im->text + im->plan[i].off;
		c->line = (long)im->plan[i].line;
		rc = csv_next(c, &line);
		if (rc < 0) {
			rc = IMPORT_ERR_NOMEM;
			break;
		}
		assert(rc == 1 && line == (long)im->plan[i].line);
		im->write_known = im->plan[i].known;
		rc = process_row(im, c, NULL, line);
	}
	if (rc == 0)
		rc = flush_new(im);
	im->nbatch = 0; /* a chunk that failed rolls back what waited */
	/* The same rows against the same loaded state: no new problem. */
	if (rc == 0 && res->nproblems) {
		ledger_fail(im->l, LEDGER_ERR_STATE,
			    "line %ld: the check and the write disagree",
			    res->problems[0].line);
		rc = IMPORT_ERR_LEDGER;
	}
	/*
	 * Where each card written in this chunk is and its status, so that
	 * `audit verify` can replay them (see audit_entry_facts); after the
	 * last chunk's, the import's own entry, right after them.
	 */
	if (rc == 0 &&
	    ledger_audit_card_states(im->l, im->opts->actor_id, im->opts->now,
				     "import.cards", im->opts->now,
				     id_array_json(&im->ids),
				     im->has[COL_STATUS] ? "file" : "ledger",
				     NULL) < 0)
		rc = IMPORT_ERR_LEDGER;
	if (rc == 0 && i == im->nplan)
		rc = audit_import(im);
	else if (rc == 0 && im->done == 0)
		rc = audit_begin(im);
	if (rc == IMPORT_ERR_NOMEM)
		ledger_fail(im->l, LEDGER_ERR_NOMEM, "out of memory");
	if (rc < 0)
		return rc;
	im->done = i;
	return i < im->nplan ? IMPORT_MORE : IMPORT_OK;
}

/*
 * The chunks commit without waiting for the disk (synchronous=NORMAL, set
 * outside any transaction as SQLite requires); import_sync syncs the WAL,
 * and with it every chunk, before the import is said done.  A power cut
 * before then may lose the last chunks, never half of one, and nobody was
 * told the import was done: running it again finishes it.  Each chunk's
 * fsync took as long as a tenth of its rows.
 */
void import_sync_late(struct import_job *job)
{
	struct importer *im = (struct importer *)job;

	if (im && !im->l->in_tx &&
	    sqlite3_exec(im->l->db, "PRAGMA synchronous = NORMAL", NULL, NULL,
			 NULL) == SQLITE_OK)
		im->synced_late = 1;
}

int import_sync(struct import_job *job)
{
	struct importer *im = (struct importer *)job;

	if (!im || !im->synced_late)
		return 0;
	im->synced_late = 0;
	if (ledger_exec(im->l, "PRAGMA synchronous = FULL") < 0 ||
	    ledger_sync_wal(im->l) < 0)
		return IMPORT_ERR_LEDGER;
	return 0;
}

int import_run(struct ledger *l, const char *buf, size_t len,
	       const struct import_opts *opts, struct import_result *res)
{
	struct import_job *job;
	int own = !l->in_tx;
	int rc = import_check(l, buf, len, opts, res, &job);

	if (own)
		import_sync_late(job);
	while (rc == 0 && job) {
		if (own && ledger_begin(l) < 0) {
			rc = IMPORT_ERR_LEDGER;
			break;
		}
		/* In the caller's transaction, all in one. */
		rc = import_write(job, own ? IMPORT_CHUNK_ROWS : 0,
				  own ? IMPORT_CHUNK_MS : 0);
		if (own && rc >= 0 && ledger_commit(l) < 0)
			rc = IMPORT_ERR_LEDGER;
		else if (own && rc < 0)
			ledger_rollback(l);
		if (rc != IMPORT_MORE)
			break;
		rc = 0;
		ledger_let_writers_in(l);
	}
	/* What was committed is on disk, whatever stopped the rest. */
	if (import_sync(job) < 0 && rc >= 0)
		rc = IMPORT_ERR_LEDGER;
	import_job_free(job);
	return rc;
}

void import_result_free(struct import_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nproblems; i++)
		free(res->problems[i].args);
	free(res->problems);
	res->problems = NULL;
	res->nproblems = 0;
}

char *import_problem_text(const struct import_problem *p, const char *fmt,
			  const char *(*tr)(const char *), char *out,
			  size_t cap)
{
	const char *args[3];
	const char *a = p->args;

	for (int i = 0; i < p->nargs && i < 3; i++) {
		args[i] = a;
		a += strlen(a) + 1;
	}
	text_render(fmt, args, p->nargs < 3 ? p->nargs : 3, p->msgid_args, tr,
		    out, cap);
	return out;
}

int import_read(FILE *f, char **buf, size_t *len, char *why, size_t why_size)
{
	struct stat st;
	size_t cap = IMPORT_HEAD_BYTES, n = 0;
	char *b = NULL;

	*buf = NULL;
	*len = 0;
	/* A regular file says its size: no need to read it to refuse it. */
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (uintmax_t)st.st_size > IMPORT_MAX_BYTES)
		goto too_big;
	for (;;) {
		char *p = realloc(b, cap + 1);
		size_t r;

		if (!p) {
			snprintf(why, why_size, "%s", strerror(ENOMEM));
			goto fail;
		}
		b = p;
		r = fread(b + n, 1, cap + 1 - n, f);
		n += r;
		if (n <= cap && ferror(f)) {
			snprintf(why, why_size, "%s", strerror(errno));
			goto fail;
		}
		if (n <= cap && feof(f))
			break;
		if (n < cap + 1)
			continue;
		/* cap + 1 bytes: the input is larger than cap. */
		if (cap == IMPORT_HEAD_BYTES &&
		    !memchr(b, '\n', IMPORT_HEAD_BYTES) &&
		    !memchr(b, '\r', IMPORT_HEAD_BYTES)) {
			snprintf(why, why_size,
				 "no line end in the first %zu KiB: not a "
				 "stock list (CSV)",
				 IMPORT_HEAD_BYTES >> 10);
			goto fail;
		}
		if (cap == IMPORT_MAX_BYTES)
			goto too_big;
		cap = cap * 4 < IMPORT_MAX_BYTES ? cap * 4 : IMPORT_MAX_BYTES;
	}
	*buf = b;
	*len = n;
	return 0;
too_big:
	snprintf(why, why_size,
		 "larger than %zu MiB: not a stock list (a million cards "
		 "are about 70 MB)",
		 IMPORT_MAX_BYTES >> 20);
fail:
	free(b);
	return -1;
}

int ledger_import_stopped(struct ledger *l, struct import_stopped *out)
{
	sqlite3_stmt *st;
	/* The WHERE is the partial index's own (audit_import): the newest
	 * of the two actions is one index entry away. */
	int rc = ledger_prepare(
	    l,
	    "SELECT a.id, a.at, coalesce(p.code, ''), a.subject, a.detail, "
	    "a.action = 'import.begin' FROM audit a LEFT JOIN staff p ON "
	    "p.id = a.staff_id WHERE a.action = 'import.begin' OR "
	    "a.action = 'import' ORDER BY a.id DESC LIMIT 1",
	    &st);

	memset(out, 0, sizeof(*out));
	out->rows = -1;
	if (rc < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int(st, 5)) {
		const char *detail = ledger_col_text(st, 4);
		long rows;

		out->entry = sqlite3_column_int64(st, 0);
		out->at = sqlite3_column_int64(st, 1);
		snprintf(out->by, sizeof(out->by), "%s", ledger_col_text(st, 2));
		snprintf(out->source, sizeof(out->source), "%s",
			 ledger_col_text(st, 3));
		/* "rows=R write=W blake2b=DIGEST" (audit_begin) */
		if (sscanf(detail, "rows=%ld", &rows) == 1 && rows >= 0)
			out->rows = rows;
		rc = 1;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = ledger_sql_error(l, "the last import");
	}
	sqlite3_finalize(st);
	return rc;
}
