/*
 * Reading the configuration file (see config.h).  Small on purpose: a few
 * keys an installation sets once, validated where they are read so that a
 * typo is reported with its line, not discovered at the window.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../../common/text.h"
#include "../../drivers/profile.h"
#include "../../hub/hub.h"
#include "../cli/cli.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* "HH:MM" at s into minutes after midnight; -1 when it is not one. */
static int parse_hhmm(const char *s)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

/* A tz database name: letters, digits and "/_+-", no "..", not absolute,
 * so that it can only name a file under the zone directory. */
static int zone_name_valid(const char *z)
{
	size_t n = strlen(z);

	if (n == 0 || n >= 64 || z[0] == '/' || strstr(z, ".."))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = z[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || strchr("/_+-", ch)))
			return 0;
	}
	return 1;
}

/* Whether the host's tz database has zone z ($TZDIR, else
 * /usr/share/zoneinfo): glibc takes an unknown name for UTC without a
 * word, which would print every report in the wrong time. */
static int zone_known(const char *z)
{
	const char *dir = getenv("TZDIR");
	char path[600];
	struct stat sb;

	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof(path), "%s/%s", dir, z);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int config_apply_timezone(const struct config *c)
{
	char tz[80];

	if (zone_known(c->timezone))
		snprintf(tz, sizeof(tz), ":%s", c->timezone);
	else if (strcmp(c->timezone, CONFIG_TIMEZONE_DEFAULT) == 0)
		/* A host without the tz database (a minimal install):
		 * Japan keeps no summer time, its fixed offset is exact. */
		snprintf(tz, sizeof(tz), "JST-9");
	else
		return cli_error(EXIT_DATAERR,
				 "timezone %s: not in this host's tz database "
				 "(install tzdata)",
				 c->timezone);
	if (setenv("TZ", tz, 1) < 0)
		return cli_error(EXIT_SOFTWARE, "cannot set the time zone");
	tzset();
	return 0;
}

static int set_key(struct config *c, const char *key, const char *val,
		   long line)
{
	/* A value quoted in a message is shown escaped: the file's bytes
	 * never reach the terminal as control sequences. */
	char shown[96];

	text_escape(shown, sizeof(shown), val);
	if (strcmp(key, "key_open_limit_minutes") == 0) {
		char *end;
		long n = strtol(val, &end, 10);

		if (*val == '\0' || *end != '\0' || n < 1 || n > 1440)
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: key_open_limit_minutes: "
					 "1-1440, not '%s'",
					 c->path, line, shown);
		c->key.open_limit_min = (int)n;
		return 0;
	}
	if (strcmp(key, "idle_logout_seconds") == 0) {
		char *end;
		long n = strtol(val, &end, 10);

		/* Short times are for tests; an appliance keeps the
		 * default, R21's two minutes. */
		if (*val == '\0' || *end != '\0' || n < 1 || n > 86400)
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: idle_logout_seconds: "
					 "1-86400, not '%s'",
					 c->path, line, shown);
		c->idle_logout_s = (int)n;
		return 0;
	}
	if (strcmp(key, "office_hours") == 0) {
		char a[6], b[6];
		const char *dash = strchr(val, '-');
		int start = -1, stop = -1;

		if (dash && dash - val == 5 && strlen(dash + 1) == 5) {
			snprintf(a, sizeof(a), "%.5s", val);
			snprintf(b, sizeof(b), "%s", dash + 1);
			start = parse_hhmm(a);
			stop = parse_hhmm(b);
		}
		if (start < 0 || stop <= start)
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: office_hours: HH:MM-HH:MM "
					 "with the start first, not '%s'",
					 c->path, line, shown);
		c->key.office_start_min = start;
		c->key.office_end_min = stop;
		return 0;
	}
	if (strcmp(key, "profile") == 0) {
		if (!rdr_profile_find(val))
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: profile: unknown identity "
					 "profile '%s'",
					 c->path, line, shown);
		snprintf(c->profile, sizeof(c->profile), "%s", val);
		return 0;
	}
	if (strcmp(key, "backup_dir") == 0) {
		/* An absolute path: the timer runs in another directory than
		 * whoever wrote the file. */
		if (val[0] != '/' || strlen(val) >= sizeof(c->backup_dir))
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: backup_dir: an absolute "
					 "path, not '%s'",
					 c->path, line, shown);
		snprintf(c->backup_dir, sizeof(c->backup_dir), "%s", val);
		return 0;
	}
	if (strcmp(key, "hub") == 0) {
		/* A libpq connection string, checked when sync connects. */
		if (strlen(val) >= sizeof(c->hub))
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: hub: at most %zu bytes",
					 c->path, line, sizeof(c->hub) - 1);
		snprintf(c->hub, sizeof(c->hub), "%s", val);
		return 0;
	}
	if (strcmp(key, "ward_code") == 0) {
		if (!hub_ward_valid(val))
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: ward_code: 1-%d letters, "
					 "digits, _ or -, not '%s'",
					 c->path, line, HUB_WARD_MAX, shown);
		snprintf(c->ward_code, sizeof(c->ward_code), "%s", val);
		return 0;
	}
	if (strcmp(key, "backup_keep_daily") == 0 ||
	    strcmp(key, "backup_keep_monthly") == 0) {
		int daily = key[12] == 'd';
		long lo = daily ? 1 : 0, hi = daily ? 3650 : 1200;
		char *end;
		long n;

		errno = 0;
		n = strtol(val, &end, 10);
		if (*val == '\0' || *end != '\0' || errno || n < lo || n > hi)
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: %s: %ld-%ld, not '%s'",
					 c->path, line, key, lo, hi, shown);
		*(daily ? &c->backup_keep_daily : &c->backup_keep_monthly) =
		    (int)n;
		return 0;
	}
	if (strcmp(key, "timezone") == 0) {
		/* The default is taken without a tz database too
		 * (config_apply_timezone). */
		if (!zone_name_valid(val) ||
		    (!zone_known(val) &&
		     strcmp(val, CONFIG_TIMEZONE_DEFAULT) != 0))
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: timezone: not a zone of "
					 "the tz database here, '%s' "
					 "(Asia/Tokyo, UTC, ...)",
					 c->path, line, shown);
		snprintf(c->timezone, sizeof(c->timezone), "%s", val);
		return 0;
	}
	if (strcmp(key, "disposal_reminder_days") == 0) {
		char *end;
		long v;

		errno = 0;
		v = strtol(val, &end, 10);
		/* A bound keeps a typo (an extra digit) from quietly holding
		 * back every disposal for decades. */
		if (*val == '\0' || *end != '\0' || errno || v < 1 || v > 3650)
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: disposal_reminder_days: "
					 "'%s' is not a number of days "
					 "(1-3650)",
					 c->path, line, shown);
		c->rules.reminder_days = (int)v;
		return 0;
	}
	if (strcmp(key, "ward_name") == 0 || strcmp(key, "printer") == 0) {
		int ward = key[0] == 'w';
		char *dst = ward ? c->ward_name : c->printer;
		size_t cap = ward ? sizeof(c->ward_name) : sizeof(c->printer);
		int bad = strlen(val) >= cap || *val == '\0';

		/* Text for paper or a printer's name: no control bytes, and
		 * a printer's name has no blanks either (lp -d NAME). */
		for (const char *p = val; !bad && *p; p++)
			bad = (unsigned char)*p < 0x20 || *p == 0x7f ||
			      (!ward && (*p == ' ' || *p == '/'));
		if (bad)
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: %s: %s, not '%s'", c->path,
					 line, key,
					 ward ? "text of 1-127 bytes"
					      : "a printer's name (no blanks)",
					 shown);
		snprintf(dst, cap, "%s", val);
		return 0;
	}
	if (strcmp(key, "report_dir") == 0) {
		int bad = val[0] != '/' || strlen(val) >= sizeof(c->report_dir);

		/* Absolute, so that the path the screen says is where the
		 * file is whatever directory the program was started in. */
		for (const char *p = val; !bad && *p; p++)
			bad = (unsigned char)*p < 0x20 || *p == 0x7f;
		if (bad)
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: report_dir: an absolute "
					 "directory of 1-255 bytes, not '%s'",
					 c->path, line, shown);
		snprintf(c->report_dir, sizeof(c->report_dir), "%s", val);
		return 0;
	}
	text_escape(shown, sizeof(shown), key);
	return cli_error(EXIT_DATAERR, "%s:%ld: %s: unknown setting", c->path,
			 line, shown);
}

/*
 * Reads one line of f (its newline dropped) into buf (cap bytes).  1: a
 * line; 0: end of file; -1: the line is longer than cap - 1 bytes; -2: it
 * holds a NUL byte.  Either refusal reads the line to its end, so that no
 * part of it (the end of a long comment) is ever taken for a setting.
 */
static int read_line(FILE *f, char *buf, size_t cap)
{
	size_t n = 0;
	int ch, rc = 1;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (ch == '\0')
			rc = -2;
		else if (n + 1 >= cap && rc == 1)
			rc = -1;
		else if (rc == 1)
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	if (ch == EOF && n == 0 && rc == 1)
		return 0;
	return rc;
}

int config_load(struct config *c)
{
	const char *path = getenv("CARDTALLY_CONF");
	char buf[1024];
	long line = 0;
	FILE *f;
	int rc = 0, got;

	memset(c, 0, sizeof(*c));
	/* The cards this appliance counts are My Number cards: their
	 * manufacturing number is the identity every card has, with or
	 * without certificates (doc/readers.md). */
	snprintf(c->profile, sizeof(c->profile), "%s", CONFIG_PROFILE_DEFAULT);
	c->rules = recon_default_rules;
	c->key = recon_default_key_rules;
	c->idle_logout_s = CONFIG_IDLE_LOGOUT_DEFAULT;
	snprintf(c->backup_dir, sizeof(c->backup_dir), "%s",
		 CONFIG_BACKUP_DIR_DEFAULT);
	c->backup_keep_daily = CONFIG_BACKUP_DAILY_DEFAULT;
	c->backup_keep_monthly = CONFIG_BACKUP_MONTHLY_DEFAULT;
	snprintf(c->timezone, sizeof(c->timezone), "%s",
		 CONFIG_TIMEZONE_DEFAULT);
	if (!path || !*path)
		path = CONFIG_DEFAULT_PATH;
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return cli_error(EXIT_DATAERR, "cannot read %s: %s", path,
				 strerror(errno));
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	while (rc == 0 && (got = read_line(f, buf, sizeof(buf))) != 0) {
		char *hash = strchr(buf, '#'), *eq, *key, *val;

		line++;
		if (got < 0) {
			rc = cli_error(EXIT_DATAERR,
				       got == -1 ? "%s:%ld: line longer than "
						   "1023 bytes"
						 : "%s:%ld: a NUL byte: not a "
						   "text file",
				       path, line);
			break;
		}
		if (hash)
			*hash = '\0';
		key = trim(buf);
		if (*key == '\0')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			rc = cli_error(EXIT_DATAERR,
				       "%s:%ld: expected 'key = value'", path,
				       line);
			break;
		}
		*eq = '\0';
		val = trim(eq + 1);
		key = trim(key);
		rc = set_key(c, key, val, line);
	}
	if (rc == 0 && ferror(f))
		rc = cli_error(EXIT_DATAERR, "cannot read %s", path);
	fclose(f);
	return rc;
}
