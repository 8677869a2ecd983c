/*
 * The functions of hub.h that reach the hub, passed on to the part that
 * does (hub_module.h), loaded by the first hub_open.  A struct hub exists
 * only once the part is loaded, so every other call finds it there.
 */
#include "hub.h"
#include "hub_module.h"

#include <stdio.h>

static const struct hub_module *part(char *err, size_t errlen)
{
	return ct_module(HUB_MODULE_FILE, HUB_MODULE_SYMBOL, err, errlen);
}

/* The part, once a struct hub exists. */
static const struct hub_module *loaded(void)
{
	char err[8];

	return part(err, sizeof(err));
}

int hub_open(const char *conninfo, struct hub **out, char *err, size_t errlen)
{
	char why[512];
	const struct hub_module *m = part(why, sizeof(why));

	if (!m) {
		*out = NULL;
		snprintf(err, errlen, "%s", why);
		return HUB_ERR_MODULE;
	}
	return m->open(conninfo, out, err, errlen);
}

void hub_close(struct hub *h)
{
	if (h)
		loaded()->close(h);
}

const char *hub_errmsg(const struct hub *h)
{
	return h ? loaded()->errmsg(h) : "";
}

int hub_migrate(struct hub *h, const char *pg_lib, int *from, int *to)
{
	return loaded()->migrate(h, pg_lib, from, to);
}

int hub_check_version(struct hub *h)
{
	return loaded()->check_version(h);
}

int hub_enrol(struct hub *h, const char *code, const char *name,
	      const uint8_t pk[OUTBOX_PK_BYTES], int64_t now)
{
	return loaded()->enrol(h, code, name, pk, now);
}

int hub_seen(struct hub *h, const char *code)
{
	return loaded()->seen(h, code);
}

int hub_submit(struct hub *h, const char *code, const struct outbox_batch *b,
	       const struct hub_row *rows, size_t nrows, enum hub_verdict *v,
	       char *detail, size_t detaillen)
{
	return loaded()->submit(h, code, b, rows, nrows, v, detail, detaillen);
}

int hub_report(struct hub *h, int64_t now, int silent_days,
	       int (*fn)(void *ctx, const struct hub_ward_status *w),
	       void *ctx)
{
	return loaded()->report(h, now, silent_days, fn, ctx);
}

int hub_ward_entries(struct hub *h, const char *code,
		     int (*fn)(void *ctx, int64_t at, const char *action,
			       const char *subject, const char *detail),
		     void *ctx)
{
	return loaded()->ward_entries(h, code, fn, ctx);
}
