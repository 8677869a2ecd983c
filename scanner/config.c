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

#include "../drivers/profile.h"
#include "cli.h"

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

static int set_key(struct config *c, const char *key, const char *val,
		   long line)
{
	if (strcmp(key, "profile") == 0) {
		if (!rdr_profile_find(val))
			return cli_error(EXIT_DATAERR,
					 "%s:%ld: profile: unknown identity "
					 "profile '%s'",
					 c->path, line, val);
		snprintf(c->profile, sizeof(c->profile), "%s", val);
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
					 c->path, line, val);
		c->rules.reminder_days = (int)v;
		return 0;
	}
	return cli_error(EXIT_DATAERR, "%s:%ld: %s: unknown setting", c->path,
			 line, key);
}

int config_load(struct config *c)
{
	const char *path = getenv("CARDTALLY_CONF");
	char buf[1024];
	long line = 0;
	FILE *f;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->profile, sizeof(c->profile), "uid");
	c->rules = recon_default_rules;
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
	while (rc == 0 && fgets(buf, sizeof(buf), f)) {
		char *hash = strchr(buf, '#'), *eq, *key, *val;

		line++;
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
	fclose(f);
	return rc;
}
