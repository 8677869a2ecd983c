/*
 * The reader registry: the compiled-in backends in one NULL-terminated table,
 * and the thin struct rdr that callers hold.  It splits a spec "NAME:ARG",
 * finds the backend called NAME, refuses a table that lacks a required
 * operation (rather than letting a NULL call look like success), and keeps
 * one error buffer per reader so that messages outlive the call that
 * produced them.  Backends never see struct rdr.
 */
#include "reader.h"
#include "rdr_backends.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A backend missing at build time is simply absent from this list. */
static const struct rdr_ops *const backends[] = {
    &rdr_sim_ops,
    &rdr_kbd_ops,
#ifdef HAVE_PCSC
    &rdr_pcsc_ops,
#endif
#ifdef HAVE_NFC
    &rdr_nfc_ops,
#endif
    NULL,
};

struct rdr {
	const struct rdr_ops *ops;
	void *state;
	char err[RDR_ERRMSG_MAX];
};

/* The message catalog the front ends bind (scanner/lang/lang.c). */
#define RDR_DOMAIN "cardtally"

/* Whether messages are written in the catalog's language (see
 * rdr_messages_translated in reader.h). */
static int translated = 1;

void rdr_messages_translated(int on)
{
	translated = on != 0;
}

const char *rdr_tr(const char *msgid)
{
	/* gettext("") is the catalog's header, not a message. */
	if (!translated || msgid == NULL || msgid[0] == '\0')
		return msgid;
	return dgettext(RDR_DOMAIN, msgid);
}

/* A message cut at the end of err (len bytes before the NUL) ends on a
 * whole UTF-8 character: a translation takes three bytes a character. */
static void cut_whole(char *err, size_t len)
{
	size_t start = len, need;
	unsigned char lead;

	while (start > 0 && ((unsigned char)err[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return;
	lead = (unsigned char)err[--start];
	need = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (start + need > len)
		err[start] = '\0';
}

void rdr_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return;
	/* Looking a text up in a catalog is no I/O: drivers still print
	 * nothing, they only write in the operator's language. */
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, rdr_tr(fmt), ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= errlen)
		cut_whole(err, errlen - 1);
}

const struct rdr_ops *const *rdr_backends(void)
{
	return backends;
}

/* "sim, pcsc" into buf, for messages that tell the user what exists. */
static void list_backends(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; backends[i] != NULL && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s",
				 i > 0 ? ", " : "", backends[i]->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int rdr_open_ops(const struct rdr_ops *ops, const char *arg, struct rdr **out,
		 char *err, size_t errlen)
{
	const char *missing = NULL;
	struct rdr *r = NULL;
	int ret;

	*out = NULL;
	if (ops->name == NULL)
		missing = "name";
	else if (ops->open == NULL)
		missing = "open";
	else if (ops->next == NULL)
		missing = "next";
	else if (ops->close == NULL)
		missing = "close";
	if (missing != NULL) {
		rdr_errf(err, errlen,
			 "reader backend '%s' lacks required member '%s'",
			 ops->name != NULL ? ops->name : "?", missing);
		return RDR_ERR_UNSUPPORTED;
	}

	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		rdr_errf(err, errlen, "out of memory");
		return RDR_ERR_NOMEM;
	}
	r->ops = ops;
	/*
	 * The backend writes into the reader's own buffer so that it always
	 * has room, even when the caller passed no buffer of its own.
	 */
	ret = ops->open(arg, &r->state, r->err, sizeof(r->err));
	if (ret != 0) {
		if (r->err[0] == '\0')
			rdr_errf(r->err, sizeof(r->err),
				 "%s: cannot open '%s' (error %d)", ops->name,
				 arg, ret);
		rdr_errf(err, errlen, "%s", r->err);
		free(r);
		return ret < 0 ? ret : RDR_ERR_UNAVAILABLE;
	}
	*out = r;
	return 0;
}

int rdr_open(const char *spec, struct rdr **out, char *err, size_t errlen)
{
	char names[128];
	const char *colon;
	size_t namelen;

	*out = NULL;
	colon = spec != NULL ? strchr(spec, ':') : NULL;
	if (colon == NULL || colon == spec) {
		list_backends(names, sizeof(names));
		rdr_errf(err, errlen,
			 "bad reader spec '%s': expected NAME:ARG "
			 "(backends: %s)",
			 spec != NULL ? spec : "", names);
		return RDR_ERR_SPEC;
	}
	namelen = (size_t)(colon - spec);
	for (size_t i = 0; backends[i] != NULL; i++) {
		const char *name = backends[i]->name;

		if (name != NULL && strlen(name) == namelen &&
		    memcmp(name, spec, namelen) == 0)
			return rdr_open_ops(backends[i], colon + 1, out, err,
					    errlen);
	}
	list_backends(names, sizeof(names));
	rdr_errf(err, errlen, "unknown reader backend '%.*s' (backends: %s)",
		 (int)(namelen > 64 ? 64 : namelen), spec, names);
	return RDR_ERR_SPEC;
}

int rdr_next(struct rdr *r, int timeout_ms, struct rdr_event *ev)
{
	int ret;

	/* A message belongs to the call that failed; never show a stale one. */
	r->err[0] = '\0';
	memset(ev, 0, sizeof(*ev));
	ret = r->ops->next(r->state, timeout_ms, ev, r->err, sizeof(r->err));
	if (ret < 0 && r->err[0] == '\0')
		rdr_errf(r->err, sizeof(r->err), "%s: reader error %d",
			 r->ops->name, ret);
	return ret;
}

int rdr_set_profile(struct rdr *r, const struct rdr_profile *p)
{
	r->err[0] = '\0';
	if (r->ops->set_profile == NULL)
		return 0;
	return r->ops->set_profile(r->state, p);
}

int rdr_wakeable(const struct rdr *r)
{
	return r != NULL && r->ops->wake != NULL;
}

void rdr_wake(struct rdr *r)
{
	if (r != NULL && r->ops->wake != NULL)
		r->ops->wake(r->state);
}

int rdr_feedback(struct rdr *r, enum rdr_feedback fb)
{
	r->err[0] = '\0';
	/* No buzzer or LED is not a failure: the screen still gives feedback.
	 */
	if (r->ops->feedback == NULL)
		return 0;
	return r->ops->feedback(r->state, fb);
}

const char *rdr_error(const struct rdr *r)
{
	return r != NULL ? r->err : "";
}

void rdr_close(struct rdr *r)
{
	if (r == NULL)
		return;
	r->ops->close(r->state);
	free(r);
}
