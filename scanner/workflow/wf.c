/*
 * Error codes of the workflows (wf_errors.def) and how they become text.
 * The formatter is our own rather than printf: the message may be a
 * translation that reorders its arguments (%2$s before %1$s), and every
 * argument is already text, so %s, %N$s and %% are all it has to know.
 */
#include "wf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../../common/text.h"
#include "../../drivers/reader.h"

struct wf_entry {
	enum wf_code code;
	int exit;
	unsigned msgid_args;
	const char *msg;
};

static const struct wf_entry table[] = {
#define WF_ERR(name, num, exit, mask, msg) {name, exit, mask, msg},
#include "wf_errors.def"
#undef WF_ERR
};

static const struct wf_entry *entry(enum wf_code code)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].code == code)
			return &table[i];
	return NULL;
}

int wf_exit(enum wf_code code)
{
	const struct wf_entry *en;

	if (code == WF_OK)
		return 0;
	en = entry(code);
	return en ? en->exit : 70;
}

const char *wf_message(enum wf_code code)
{
	const struct wf_entry *en = entry(code);

	return en ? en->msg : NULL;
}

int wf_each_code(int (*fn)(enum wf_code code, const char *msg, void *ctx),
		 void *ctx)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int rc = fn(table[i].code, table[i].msg, ctx);

		if (rc)
			return rc;
	}
	return 0;
}

int wf_fail(struct wf_err *e, enum wf_code code, ...)
{
	const char *msg = wf_message(code);
	int n = msg ? text_render_nargs(msg) : 0;
	va_list ap;

	if (n > WF_ARGS_MAX)
		n = WF_ARGS_MAX;
	e->code = code;
	e->nargs = n;
	va_start(ap, code);
	for (int i = 0; i < n; i++) {
		const char *a = va_arg(ap, const char *);
		size_t len;

		if (!a)
			a = "";
		len = text_utf8_fit(a, strlen(a), WF_ARG_BYTES);
		memcpy(e->arg[i], a, len);
		e->arg[i][len] = '\0';
	}
	va_end(ap);
	return wf_exit(code);
}

int wf_fail_ledger(struct wf_err *e, struct ledger *l)
{
	if (ledger_errcode(l) == LEDGER_ERR_IO)
		return wf_fail(e, WF_E_LEDGER_IO, ledger_errmsg(l));
	return wf_fail(e, WF_E_LEDGER, ledger_errmsg(l));
}

unsigned wf_msgid_args(enum wf_code code)
{
	const struct wf_entry *en = entry(code);

	return en ? en->msgid_args : 0;
}

size_t wf_render(const char *fmt, const struct wf_err *e,
		 const char *(*tr)(const char *), char *out, size_t cap)
{
	const char *args[WF_ARGS_MAX];

	if (cap == 0)
		return 0;
	if (!fmt) {
		int n = snprintf(out, cap, "error %d", (int)e->code);

		return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
	}
	for (int i = 0; i < e->nargs && i < WF_ARGS_MAX; i++)
		args[i] = e->arg[i];
	return text_render(fmt, args, e->nargs, wf_msgid_args(e->code), tr, out,
			   cap);
}

const char *wf_i64(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

int wf_text(struct wf_err *e, const char *what, const char *s, size_t max,
	    unsigned flags)
{
	char a[24], b[24];
	uint32_t cp = 0;
	size_t at = 0;

	switch (text_check(s ? s : "", max, flags, &at, &cp)) {
	case TEXT_OK:
		/* Whatever a person types that is kept: no My Number in it
		 * (R3), nor repeated in the refusal. */
		if (s && mynumber_in(s, strlen(s)))
			return wf_fail(e, WF_E_TEXT_MYNUMBER, what);
		return 0;
	case TEXT_EMPTY:
	case TEXT_TOO_LONG:
		return wf_fail(e, WF_E_TEXT_LENGTH, what,
			       flags & TEXT_OPTIONAL ? "0" : "1",
			       wf_i64(a, (int64_t)max));
	case TEXT_BAD_UTF8:
		return wf_fail(e, WF_E_TEXT_UTF8, what,
			       wf_i64(a, (int64_t)at + 1));
	case TEXT_CONTROL:
	default:
		snprintf(b, sizeof(b), "%04X", (unsigned)cp);
		return wf_fail(e, WF_E_TEXT_CONTROL, what, b,
			       wf_i64(a, (int64_t)at + 1));
	}
}

int wf_typed_check(const char *typed, struct wf_err *e)
{
	/* The QR code on the back of a My Number card holds the holder's
	 * number; the office may not collect it (doc/readers.md). */
	if (typed && rdr_kbd_is_mynumber(typed, strlen(typed)))
		return wf_fail(e, WF_E_TYPED_MYNUMBER);
	return 0;
}
