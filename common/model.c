/*
 * Names and value helpers of the domain vocabulary (see model.h).  Pure
 * functions over their arguments; nothing here reads a clock or a file.
 */
#include "model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[CARD_STATUS_COUNT] = {
    [CARD_STORED] = "stored",	    [CARD_CHECKED_OUT] = "checked_out",
    [CARD_ISSUED] = "issued",	    [CARD_DISPOSED] = "disposed",
    [CARD_CANCELLED] = "cancelled", [CARD_MOVED] = "moved",
    [CARD_DECEASED] = "deceased",   [CARD_LOST] = "lost",
};

/* Marks words for the message catalog (xgettext -kN_): a role's name is
 * an argument of refusals that the TUI translates. */
#define N_(s) s

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_MANAGER] = N_("manager"),
    [ROLE_STAFF] = N_("staff"),
    [ROLE_PARTTIME] = N_("parttime"),
};

static const char *const kind_names[SESSION_KIND_COUNT] = {
    [SESSION_FULL] = "full",
    [SESSION_PARTIAL] = "partial",
    [SESSION_TALLY] = "tally",
    [SESSION_COUNTONLY] = "countonly",
};

static int lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *card_status_name(enum card_status s)
{
	return (unsigned)s < CARD_STATUS_COUNT ? status_names[s] : "?";
}

int card_status_parse(const char *s, enum card_status *out)
{
	int i = lookup(status_names, CARD_STATUS_COUNT, s);

	if (i < 0)
		return -1;
	*out = (enum card_status)i;
	return 0;
}

int card_status_in_storage(enum card_status s)
{
	return s == CARD_STORED || s == CARD_CANCELLED || s == CARD_MOVED ||
	       s == CARD_DECEASED;
}

const char *staff_role_name(enum staff_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

int staff_role_parse(const char *s, enum staff_role *out)
{
	int i = lookup(role_names, ROLE_COUNT, s);

	if (i < 0)
		return -1;
	*out = (enum staff_role)i;
	return 0;
}

const char *session_kind_name(enum session_kind k)
{
	return (unsigned)k < SESSION_KIND_COUNT ? kind_names[k] : "?";
}

int session_kind_parse(const char *s, enum session_kind *out)
{
	int i = lookup(kind_names, SESSION_KIND_COUNT, s);

	if (i < 0)
		return -1;
	*out = (enum session_kind)i;
	return 0;
}

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int serial_normalize(const char *in, size_t len, char out[SERIAL_BUF])
{
	static const char digits[] = "0123456789ABCDEF";

	out[0] = '\0';
	if (len == 0 || len > SERIAL_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = hex_digit((unsigned char)in[i]);

		if (v < 0) {
			out[0] = '\0';
			return -1;
		}
		out[i] = digits[v];
	}
	out[len] = '\0';
	return 0;
}

int serial_from_bytes(const uint8_t *b, size_t len, char out[SERIAL_BUF])
{
	static const char digits[] = "0123456789ABCDEF";

	out[0] = '\0';
	if (len == 0 || len * 2 > SERIAL_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * len] = '\0';
	return 0;
}

/*
 * The check digit of an individual number from its first 11 digits, as the
 * ordinance under the My Number Act defines it: with the digits numbered
 * n = 1..11 from the right, weights n + 1 for n <= 6 and n - 5 for n >= 7
 * (6,5,4,3,2,7,6,5,4,3,2 from the left); r = the weighted sum mod 11;
 * the check digit is 0 when r <= 1, else 11 - r.
 */
static int mynumber_check_digit(const char *d)
{
	static const int w[11] = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
	int sum = 0, r;

	for (int i = 0; i < 11; i++)
		sum += (d[i] - '0') * w[i];
	r = sum % 11;
	return r <= 1 ? 0 : 11 - r;
}

int mynumber_in(const char *s, size_t n)
{
	char d[12];
	size_t run = 0;

	/*
	 * Every run of digits (spaces and hyphens, as printed or typed in
	 * groups, do not break a run) that is exactly 12 digits long and
	 * ends in its check digit.
	 */
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '\0';

		if (c >= '0' && c <= '9') {
			if (run < sizeof(d))
				d[run] = c;
			run++;
			continue;
		}
		if (c == ' ' || c == '-')
			continue;
		if (run == 12 && mynumber_check_digit(d) == d[11] - '0')
			return 1;
		run = 0;
	}
	return 0;
}

int mgmt_id_valid(const char *s, size_t len)
{
	if (len == 0 || len > MGMT_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		      (c >= 'a' && c <= 'z') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* Days from civil date, after H. Hinnant's public-domain algorithm. */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits_at(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int date_parse(const char *s, size_t len, int32_t *days)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int y = digits_at(s, 4), m = digits_at(s + 5, 2),
	    d = digits_at(s + 8, 2);
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

/* Writes v as exactly n decimal digits (v is in range by construction). */
static char *put_digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void date_format(int32_t days, char out[11])
{
	int y, m, d;
	char *p = out;

	civil_from_days(days, &y, &m, &d);
	p = put_digits(p, y < 0 ? 0 : y % 10000, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p = '\0';
}

int32_t date_of_time(int64_t unix_time, int32_t utc_offset)
{
	int64_t local = unix_time + utc_offset;
	int64_t day = local / 86400;

	if (local % 86400 < 0)
		day--;
	return (int32_t)day;
}

void time_format_iso(int64_t unix_time, int32_t utc_offset,
		     char out[TIME_ISO_BUF])
{
	int64_t local = unix_time + utc_offset;
	int32_t day = date_of_time(unix_time, utc_offset);
	int64_t secs = local - (int64_t)day * 86400;
	int off = utc_offset < 0 ? -utc_offset : utc_offset;
	char *p;

	date_format(day, out);
	p = out + 10;
	*p++ = 'T';
	p = put_digits(p, (int)(secs / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (int)(secs / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (int)(secs % 60), 2);
	*p++ = utc_offset < 0 ? '-' : '+';
	p = put_digits(p, off / 3600 % 100, 2);
	*p++ = ':';
	p = put_digits(p, off / 60 % 60, 2);
	*p = '\0';
}

int location_within(const char *path, const char *range)
{
	size_t n = strlen(range);

	return strncmp(path, range, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

struct path_at {
	const char *p;
	size_t i; /* its place in the caller's list */
};

/* By path, then by place: a path's copies are together, first given
 * first. */
static int path_at_cmp(const void *x, const void *y)
{
	const struct path_at *a = x, *b = y;
	int c = strcmp(a->p, b->p);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* p against the first len bytes of key, as strings. */
static int cmp_head(const char *p, const char *key, size_t len)
{
	int c = strncmp(p, key, len);

	if (c)
		return c;
	return p[len] != '\0';
}

/* The place of the first of v's n paths equal to key's first len bytes,
 * or SIZE_MAX. */
static size_t first_of(const struct path_at *v, size_t n, const char *key,
		       size_t len, size_t skip)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_head(v[mid].p, key, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && cmp_head(v[lo].p, key, len) == 0; lo++)
		if (v[lo].i != skip)
			return v[lo].i;
	return SIZE_MAX;
}

int location_clash(const char *const *paths, size_t n, size_t *a, size_t *b)
{
	struct path_at *v;

	*a = *b = 0;
	if (n < 2)
		return LOCATION_CLASH_NONE;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v[i].p = paths[i];
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), path_at_cmp);
	for (size_t i = 0; i < n; i++) {
		const char *p = paths[i];
		size_t best = first_of(v, n, p, strlen(p), i);
		int kind = LOCATION_CLASH_TWICE;

		/* Each parent: the path up to each '/'. */
		for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
			size_t j = first_of(v, n, p, (size_t)(s - p), SIZE_MAX);

			if (j < best) {
				best = j;
				kind = LOCATION_CLASH_WITHIN;
			}
		}
		if (best != SIZE_MAX) {
			free(v);
			*a = i;
			*b = best;
			return kind;
		}
	}
	free(v);
	return LOCATION_CLASH_NONE;
}
