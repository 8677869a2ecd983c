/*
 * The program's language, for the screens and the command line alike:
 * gettext with the "cardtally" catalogs (po/LANG.po, built into
 * build/locale by make, installed under PREFIX/share/locale).
 *
 * Why LANGUAGE and not only setlocale: a fresh Debian has no ja_JP.UTF-8
 * locale until someone generates it, and glibc ignores LANGUAGE under the
 * plain "C" locale.  Under C.UTF-8 (always present in glibc 2.35+) it
 * honours LANGUAGE, and C.UTF-8 also gives curses the UTF-8 character
 * type and wcwidth that Japanese text needs.  So: the locale is the
 * environment's when it exists (ja_JP.UTF-8 where generated), C.UTF-8
 * otherwise, and the language is chosen with LANGUAGE, which works with
 * either.  Switching in the UI sets LANGUAGE again and calls textdomain,
 * which tells gettext to drop what it cached.
 */
#include "lang.h"

#include <langinfo.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DOMAIN "cardtally"

#ifndef CT_LOCALEDIR
#define CT_LOCALEDIR "/usr/local/share/locale"
#endif

static char current[4] = "en";

/* 1 when dir holds the Japanese catalog. */
static int has_catalog(const char *dir)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/ja/LC_MESSAGES/" DOMAIN ".mo", dir);
	return access(path, R_OK) == 0;
}

/*
 * The catalogs of the build tree when the program runs from it
 * (build/cardtally, or ./cardtally next to build/), else the installed
 * ones: `make && ./cardtally tui` shows Japanese without `make install`.
 */
static void bind_catalogs(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("CARDTALLY_LOCALEDIR");
	char *slash;

	if (env && *env) {
		bindtextdomain(DOMAIN, env);
		return;
	}
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/locale", exe);
			if (has_catalog(dir)) {
				bindtextdomain(DOMAIN, dir);
				return;
			}
			snprintf(dir, sizeof(dir), "%s/build/locale", exe);
			if (has_catalog(dir)) {
				bindtextdomain(DOMAIN, dir);
				return;
			}
		}
	}
	bindtextdomain(DOMAIN, CT_LOCALEDIR);
}

const char *lang_env(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strncmp(v, "ja", 2) == 0 ? "ja" : "en";
	}
	return "en";
}

void lang_set(const char *lang)
{
	int ja = strcmp(lang, "ja") == 0;

	snprintf(current, sizeof(current), "%s", ja ? "ja" : "en");
	/* English is the messages as written: no catalog at all. */
	setenv("LANGUAGE", ja ? "ja" : "en", 1);
	if (ja && !setlocale(LC_MESSAGES, "ja_JP.UTF-8"))
		setlocale(LC_MESSAGES, "C.UTF-8");
	else if (!ja)
		setlocale(LC_MESSAGES, "C.UTF-8");
	textdomain(DOMAIN);
}

const char *lang_current(void)
{
	return current;
}

int lang_init(const char *lang)
{
	if (lang && strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0)
		return -1;
	if (!setlocale(LC_ALL, ""))
		setlocale(LC_ALL, "C.UTF-8");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	/* Numbers and dates stay as the program writes them. */
	setlocale(LC_NUMERIC, "C");
	bind_catalogs();
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	lang_set(lang ? lang : lang_env());
	return 0;
}
