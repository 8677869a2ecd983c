/*
 * The hub's side as a part of its own, cardtally-hub.so
 * (common/module.h): hub.c, hub_report.c and libpq are loaded only by a
 * command that reaches the hub.  The rest of the program calls the
 * functions of hub.h as before; hub_load.c passes each call on to this
 * table.  The part stands on three functions of the program, data/'s
 * encodings of an entry and a batch (audit_hash, audit_hex,
 * outbox_sig_check), which the program exports to it (Makefile,
 * MODULE_HOST_SYMS).
 */
#ifndef CT_HUB_MODULE_H
#define CT_HUB_MODULE_H

#include "../common/module.h"
#include "hub.h"

#define HUB_MODULE_FILE "cardtally-hub.so"
#define HUB_MODULE_SYMBOL "ct_hub_module"

struct hub_module {
	struct ct_module_stamp stamp;
	int (*open)(const char *conninfo, struct hub **out, char *err,
		    size_t errlen);
	void (*close)(struct hub *h);
	const char *(*errmsg)(const struct hub *h);
	int (*migrate)(struct hub *h, const char *pg_lib, int *from, int *to);
	int (*check_version)(struct hub *h);
	int (*enrol)(struct hub *h, const char *code, const char *name,
		     const uint8_t pk[OUTBOX_PK_BYTES], int64_t now);
	int (*seen)(struct hub *h, const char *code);
	int (*submit)(struct hub *h, const char *code,
		      const struct outbox_batch *b, const struct hub_row *rows,
		      size_t nrows, enum hub_verdict *v, char *detail,
		      size_t detaillen);
	int (*report)(struct hub *h, int64_t now, int silent_days,
		      int (*fn)(void *ctx, const struct hub_ward_status *w),
		      void *ctx);
	int (*ward_entries)(struct hub *h, const char *code,
			    int (*fn)(void *ctx, int64_t at, const char *action,
				      const char *subject, const char *detail),
			    void *ctx);
};

extern const struct hub_module ct_hub_module;

#endif
