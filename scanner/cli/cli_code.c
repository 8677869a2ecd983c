/* The codes of the text output (cli_code.h). */
#include "cli_code.h"

#include "cli.h"

#include <string.h>

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
