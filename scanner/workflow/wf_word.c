/*
 * The codes of the ledger as words for people: one table from a code (a
 * session's kind, a discrepancy, a card's status, a resolution's reason,
 * a movement, a disposal's method or reason) to the msgid of its word,
 * so that the TUI, the command line's text reports and the PDFs say the
 * same word for it, each translating it with its own catalog call.  The
 * workflow layer never prints: this only names.
 */
#include "wf.h"

#include <string.h>

static const char *const words[][2] = {
    {"full", N_("full")},
    {"partial", N_("partial")},
    {"tally", N_("tally")},
    {"countonly", N_("count-only check")},
    {"missing", N_("missing")},
    {"misplaced", N_("misplaced")},
    {"extra", N_("extra")},
    {"not_in_stock", N_("not in stock")},
    {"stored", N_("in storage")},
    {"in_storage", N_("in storage")},
    {"checked_out", N_("checked out")},
    {"issued", N_("issued")},
    {"disposed", N_("disposed")},
    {"cancelled", N_("cancelled")},
    {"moved", N_("moved")},
    {"deceased", N_("deceased")},
    {"lost", N_("lost")},
    {"found_elsewhere", N_("found elsewhere")},
    {"data_error", N_("data error")},
    {"recounted", N_("recounted")},
    {"checkout", N_("check-out")},
    {"return", N_("return")},
    {"issue", N_("issue")},
    {"move", N_("move")},
    {"found", N_("found")},
    {"count", N_("count")},
    {"disposal", N_("disposal")},
    {"shred", N_("shredded")},
    {"contractor", N_("contractor")},
    {"reminder", N_("reminder")},
    /* a count-only total against the ledger (plan_total_name) */
    {"ok", N_("ok")},
    {"short", N_("short")},
    {"over", N_("over")},
    {"not_counted", N_("not counted")},
    /* how a total was counted */
    {"reader", N_("by the reader")},
    {"typed", N_("typed")},
};

const char *wf_word(const char *code)
{
	if (!code)
		return "";
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(code, words[i][0]) == 0)
			return words[i][1];
	return code;
}
