/*
 * What the record-book commands share (scanner/book.c): the discrepancies
 * of a count with their resolutions, the people who counted a range first
 * (for the recount rule), and output in the encodings an office's Excel
 * opens.  Used by `count close`, `count resolve`, `count discrepancies`,
 * `count recount`, `scan`, `reconcile`, `report record-book` and
 * `report incident`.
 */
#ifndef CT_BOOK_H
#define CT_BOOK_H

#include <stdio.h>

#include "../data/ledger.h"
#include "../reconcile/recon.h"
#include "cli.h"

/* One discrepancy of a count, and its resolution when it has one. */
struct disc_item {
	enum recon_disc kind;
	int64_t card_id; /* 0: an unknown serial */
	char mgmt_id[MGMT_ID_MAX + 1];
	char serial[SERIAL_BUF];
	char location[LOCATION_MAX + 1]; /* the card's home; "" if unknown */
	char found[LOCATION_MAX + 1];	 /* where read; "" when not read */
	/* The card's status as the count sees it (see ledger_count_load);
	 * CARD_STORED for an unknown serial or a resolution's own item. */
	enum card_status status;
	int resolved;
	struct resolution_rec res;
};

struct disc_list {
	struct disc_item *v;
	size_t n;
	size_t unresolved;
	int snapshot; /* 1: as recorded when the count closed */
};

/*
 * The discrepancies of count id: for an open count (or one closed before
 * the record book existed) what reconciling it finds now, with the
 * resolutions given so far, plus any resolution of a discrepancy that has
 * since gone; for a count closed with its results stored, the resolutions
 * recorded by then (closing needs every discrepancy resolved, so they are
 * its discrepancies at the close).  0, or an exit code after saying why.
 */
int book_discrepancies(struct ledger *l, int64_t id, struct disc_list *out);
void disc_list_free(struct disc_list *d);
/* The item of a card (by management ID or serial), or NULL. */
struct disc_item *disc_list_find(struct disc_list *d, const char *card);

/* A discrepancy as JSON: kind, mgmt_id, serial, location, found_location,
 * resolution; and the resolution alone ({reason, note, by, at} or null). */
void book_item_json(FILE *f, const struct disc_item *it);
void book_resolution_json(FILE *f, const struct disc_item *it);

/*
 * The people who counted range location_id first: in count `session` and,
 * when that is itself a recount, in the counts it recounts.  *ids is
 * malloc'ed (free()).  0, or an exit code.
 */
int book_first_counters(struct ledger *l, int64_t session, int64_t location_id,
			int64_t **ids, size_t *n);

/* ---- output encodings (R8: "CSV opens correctly in Excel") ---- */

enum book_encoding { ENC_UTF8 = 0, ENC_CP932 };

/*
 * Writes the len bytes of UTF-8 text `s` to f in encoding enc, with a
 * UTF-8 byte order mark first when bom is set.  Text that CP932 cannot
 * hold is refused before anything is written: exit 65 naming the first
 * such character (U+XXXX), its line and what it is in (`what`).  0 or an
 * exit code.
 */
int book_write(FILE *f, const char *s, size_t len, enum book_encoding enc,
	       int bom, const char *what);

/* One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or
 * LF, quotes doubled; sep is written before it unless first. */
void csv_field(FILE *f, int first, const char *s);
/* s on one line: line breaks (which notes may hold) become blanks. */
void book_oneline(FILE *f, const char *s);
/* A staff code's name, "" when unknown. */
void book_staff_name(struct ledger *l, const char *code,
		     char out[NAME_MAX_BYTES + 1]);

#endif
