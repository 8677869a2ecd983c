/* The codes of the text output (cli_code.h). */
#include "cli_code.h"

#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Codes of the command line's text that wf_word's table (shared with the
 * TUI) has no word for: a read's outcome and why (recon.c). */
static const char *const more[][2] = {
    {"accepted", N_("accepted")},
    {"repeat", N_("repeat")},
    {"alert", N_("alert")},
    {"unknown", N_("unknown card")},
    {"disposal_due", N_("due for disposal")},
};

const char *cli_code(const char *code)
{
	const char *msgid, *w;

	if (!code || !*code)
		return "";
	msgid = wf_word(code);
	for (size_t i = 0; msgid == code && i < sizeof(more) / sizeof(more[0]);
	     i++)
		if (strcmp(code, more[i][0]) == 0)
			msgid = more[i][1];

	w = _(msgid);
	/* gettext gives the msgid back where nothing translates it: the
	 * English, which prints the code. */
	return w == msgid || strcmp(w, msgid) == 0 ? code : w;
}

/* Whether err is fmt (a literal of ledger.h) with path and why. */
#define SAID(fmt, ...)                                                         \
	(snprintf(buf, cap, fmt, __VA_ARGS__), strcmp(buf, err) == 0)

const char *cli_ledger_msg(const char *path, const char *err, char *buf,
			   size_t cap)
{
	struct stat sb;
	const char *why = "";

	/* ledger_open named strerror of its stat: the same call again. */
	if (stat(path, &sb) < 0)
		why = strerror(errno);
	if (SAID(LEDGER_MSG_NOTFOUND, path, why))
		snprintf(buf, cap, _(LEDGER_MSG_NOTFOUND), path, why);
	else if (SAID(LEDGER_MSG_CANNOT_OPEN, path, why))
		snprintf(buf, cap, _(LEDGER_MSG_CANNOT_OPEN), path, why);
	else if (SAID(LEDGER_MSG_NOT_REGULAR, path))
		snprintf(buf, cap, _(LEDGER_MSG_NOT_REGULAR), path);
	else if (SAID(LEDGER_MSG_EMPTY, path))
		snprintf(buf, cap, _(LEDGER_MSG_EMPTY), path);
	else if (SAID(LEDGER_MSG_NOT_SQLITE, path))
		snprintf(buf, cap, _(LEDGER_MSG_NOT_SQLITE), path);
	else
		return err;
	return buf;
}
