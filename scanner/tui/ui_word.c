/*
 * The words of the screens: a ledger's code and a role in the language the
 * operator chose (scanner/lang/ picks the language).
 */
#include "ui.h"

const char *ui_word(const char *code)
{
	const char *w = wf_word(code);

	/* gettext("") is the catalog's header, not a word. */
	return *w ? _(w) : "";
}

const char *ui_role_name(enum staff_role r)
{
	switch (r) {
	case ROLE_MANAGER:
		return _("manager");
	case ROLE_STAFF:
		return _("staff");
	case ROLE_PARTTIME:
		return _("part-time");
	default:
		return "?";
	}
}
