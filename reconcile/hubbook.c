/*
 * A ward's record book read from its audit entries (hubbook.h).  Which
 * entries say what is data/'s writing: count.start ("kind=K ..."),
 * count.recount, count.close and count.resolve ("serial=S ...") name the
 * count in their subject ("session N"); a read is "scan" with "serial=S
 * ... outcome=O why=W"; custody.lost and custody.found name the card
 * ("card M"); dispose.card names it alone.
 */
#include "hubbook.h"

#include "../common/grow.h"

#include <stdlib.h>
#include <string.h>

const char *hubbook_status_name(enum hubbook_status s)
{
	static const char *const names[] = {
	    [HUBBOOK_COUNTED] = "counted",
	    [HUBBOOK_LATE] = "late",
	    [HUBBOOK_NOT_COUNTED] = "not_counted",
	    [HUBBOOK_COUNTING] = "counting",
	};

	return (unsigned)s < HUBBOOK_STATUS_COUNT ? names[s] : "?";
}

enum hubbook_status hubbook_month_status(const struct hubbook_count *c,
					 size_t n, int64_t from, int64_t to,
					 int64_t now)
{
	/* The best answer any count gives, in this order. */
	int counted = 0, late = 0, counting = 0;

	for (size_t i = 0; i < n; i++) {
		if (c[i].recount || !c[i].monthly || c[i].started_at < from ||
		    c[i].started_at >= to)
			continue;
		if (c[i].closed_at && c[i].closed_at < to)
			counted = 1;
		else if (c[i].closed_at || now >= to)
			late = 1;
		else
			counting = 1;
	}
	return counted	  ? HUBBOOK_COUNTED
	       : late	  ? HUBBOOK_LATE
	       : counting ? HUBBOOK_COUNTING
			  : HUBBOOK_NOT_COUNTED;
}

int hubbook_detail(const char *detail, const char *k, char *out, size_t cap)
{
	size_t kl = strlen(k), n;
	const char *p = detail;

	if (!detail || cap == 0)
		return -1;
	while ((p = strstr(p, k)) != NULL) {
		if ((p == detail || p[-1] == ' ') && p[kl] == '=') {
			p += kl + 1;
			n = strcspn(p, " ");
			if (n >= cap)
				n = cap - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			return 0;
		}
		p += kl;
	}
	return -1;
}

void hubbook_init(struct hubbook *b)
{
	memset(b, 0, sizeof(*b));
}

static void count_drop_alerts(struct hubbook_count *c)
{
	for (size_t i = 0; i < c->nalerts; i++)
		free(c->alerts[i]);
	free(c->alerts);
	c->alerts = NULL;
	c->nalerts = 0;
}

void hubbook_free(struct hubbook *b)
{
	for (size_t i = 0; i < b->ncounts; i++)
		count_drop_alerts(&b->counts[i]);
	for (size_t i = 0; i < b->ncards; i++)
		free(b->cards[i].mgmt_id);
	free(b->counts);
	free(b->cards);
	free(b->disposed);
	memset(b, 0, sizeof(*b));
}

/* "PREFIX REST" -> REST, else NULL. */
static const char *after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s && strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* The count a subject "session N" names, made when new (start == 1). */
static struct hubbook_count *count_of(struct hubbook *b, const char *subject,
				      int start, int *oom)
{
	const char *p = after(subject, "session ");
	char *end;
	long long id;

	if (!p || !*p)
		return NULL;
	id = strtoll(p, &end, 10);
	if (*end || id <= 0)
		return NULL;
	/* Counts are looked for newest first: entries name recent ones. */
	for (size_t i = b->ncounts; i-- > 0;)
		if (b->counts[i].session == id)
			return &b->counts[i];
	if (!start)
		return NULL;
	if (grow_array((void **)&b->counts, &b->capcounts, b->ncounts,
		       sizeof(*b->counts)) < 0) {
		*oom = 1;
		return NULL;
	}
	memset(&b->counts[b->ncounts], 0, sizeof(*b->counts));
	b->counts[b->ncounts].session = id;
	return &b->counts[b->ncounts++];
}

static struct hubbook_card *card_of(struct hubbook *b, const char *mgmt,
				    int make, int *oom)
{
	for (size_t i = 0; i < b->ncards; i++)
		if (strcmp(b->cards[i].mgmt_id, mgmt) == 0)
			return &b->cards[i];
	if (!make)
		return NULL;
	if (grow_array((void **)&b->cards, &b->capcards, b->ncards,
		       sizeof(*b->cards)) < 0) {
		*oom = 1;
		return NULL;
	}
	b->cards[b->ncards].mgmt_id = strdup(mgmt);
	if (!b->cards[b->ncards].mgmt_id) {
		*oom = 1;
		return NULL;
	}
	b->cards[b->ncards].lost = 0;
	b->cards[b->ncards].lost_at = 0;
	return &b->cards[b->ncards++];
}

static int alert_add(struct hubbook_count *c, const char *serial)
{
	char **v, *s;

	for (size_t i = 0; i < c->nalerts; i++)
		if (strcmp(c->alerts[i], serial) == 0)
			return 0;
	v = realloc(c->alerts, (c->nalerts + 1) * sizeof(*v));
	if (!v)
		return -1;
	c->alerts = v;
	s = strdup(serial);
	if (!s)
		return -1;
	c->alerts[c->nalerts++] = s;
	return 0;
}

static void alert_drop(struct hubbook_count *c, const char *serial)
{
	for (size_t i = 0; i < c->nalerts; i++)
		if (strcmp(c->alerts[i], serial) == 0) {
			free(c->alerts[i]);
			c->alerts[i] = c->alerts[--c->nalerts];
			return;
		}
}

int hubbook_feed(struct hubbook *b, const struct hubbook_entry *e)
{
	const char *a = e->action, *m;
	char v[64], serial[64];
	struct hubbook_count *c;
	struct hubbook_card *k;
	int oom = 0;

	if (e->at > b->last_at)
		b->last_at = e->at;
	if (!a)
		return 0;
	if (strcmp(a, "scan") == 0) {
		/* An alert in an open count is a discrepancy until resolved. */
		if (hubbook_detail(e->detail, "outcome", v, sizeof(v)) < 0 ||
		    strcmp(v, "alert") != 0 ||
		    hubbook_detail(e->detail, "serial", serial,
				   sizeof(serial)) < 0)
			return 0;
		c = count_of(b, e->subject, 0, &oom);
		if (!c || c->closed_at || !c->monthly ||
		    hubbook_detail(e->detail, "why", v, sizeof(v)) < 0 ||
		    strcmp(v, "disposal_due") == 0)
			return 0;
		return alert_add(c, serial);
	}
	if (strcmp(a, "count.start") == 0 || strcmp(a, "tally.start") == 0) {
		c = count_of(b, e->subject, 1, &oom);
		if (!c)
			return oom ? -1 : 0;
		c->started_at = e->at;
		c->monthly =
		    hubbook_detail(e->detail, "kind", v, sizeof(v)) == 0 &&
		    strcmp(v, "tally") != 0;
		return 0;
	}
	if (strcmp(a, "count.recount") == 0) {
		c = count_of(b, e->subject, 0, &oom);
		if (c)
			c->recount = 1;
		return 0;
	}
	if (strcmp(a, "count.close") == 0) {
		c = count_of(b, e->subject, 0, &oom);
		if (c) {
			c->closed_at = e->at;
			count_drop_alerts(c);
		}
		return 0;
	}
	if (strcmp(a, "count.resolve") == 0) {
		c = count_of(b, e->subject, 0, &oom);
		if (!c)
			return 0;
		c->resolved++;
		if (hubbook_detail(e->detail, "serial", serial,
				   sizeof(serial)) == 0)
			alert_drop(c, serial);
		return 0;
	}
	if ((m = after(e->subject, "card ")) != NULL && *m &&
	    (strcmp(a, "custody.lost") == 0 ||
	     strcmp(a, "custody.found") == 0)) {
		int lost = a[8] == 'l';

		k = card_of(b, m, lost, &oom);
		if (oom)
			return -1;
		if (k) {
			k->lost = lost;
			if (lost)
				k->lost_at = e->at;
		}
		return 0;
	}
	if (strcmp(a, "dispose.card") == 0) {
		if (grow_array((void **)&b->disposed, &b->capdisposed,
			       b->ndisposed, sizeof(*b->disposed)) < 0)
			return -1;
		b->disposed[b->ndisposed++] = e->at;
	}
	return 0;
}

void hubbook_sum(const struct hubbook *b, int64_t from, int64_t to, int64_t now,
		 struct hubbook_month *out)
{
	memset(out, 0, sizeof(*out));
	out->status =
	    hubbook_month_status(b->counts, b->ncounts, from, to, now);
	for (size_t i = 0; i < b->ncounts; i++) {
		const struct hubbook_count *c = &b->counts[i];

		if (c->monthly && !c->closed_at) {
			out->open_counts++;
			out->open_disc += (int64_t)c->nalerts;
		}
		if (c->recount || !c->monthly || c->started_at < from ||
		    c->started_at >= to)
			continue;
		out->counts++;
		out->closed += c->closed_at != 0;
		out->found += c->resolved;
	}
	for (size_t i = 0; i < b->ncards; i++) {
		out->lost += b->cards[i].lost;
		out->lost_month += b->cards[i].lost &&
				   b->cards[i].lost_at >= from &&
				   b->cards[i].lost_at < to;
	}
	for (size_t i = 0; i < b->ndisposed; i++)
		out->disposed += b->disposed[i] >= from && b->disposed[i] < to;
}
