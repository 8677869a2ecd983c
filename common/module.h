/*
 * The program's optional parts, loaded when first used: the paper reports
 * (cardtally-pdf.so: cairo and pango) and the city-wide hub
 * (cardtally-hub.so: libpq).  Linked into the program, those libraries
 * and the dozens they pull in cost every command about 25 ms of loading
 * before main, most of all the ones that never print a PDF or reach the
 * hub (the scan at the window, status, a tally); see doc/design.md
 * "Optional parts".
 *
 * A part is a shared object that exports one table (a struct whose first
 * two members are struct ct_module_stamp) under a known symbol.  It is
 * looked for beside the program (the source tree's build/ and ./, an
 * installed bin/ holds none), then in CT_LIBDIR, the installed
 * PREFIX/lib/cardtally; never on a path from the environment, so nobody
 * outside the program chooses what code it runs.
 */
#ifndef CT_MODULE_H
#define CT_MODULE_H

#include <stddef.h>

#ifndef CT_LIBDIR
#define CT_LIBDIR "/usr/local/lib/cardtally"
#endif

/* The head of every part's table: which table it is and the version of
 * cardtally it was built with; a part of another build is refused. */
struct ct_module_stamp {
	const char *table; /* the symbol's name, again */
	const char *version;
};

/* For a part's table: exported from the shared object whatever the
 * visibility the part is compiled with. */
#define CT_MODULE_EXPORT __attribute__((visibility("default")))

/*
 * The table `symbol` of the part `file` ("cardtally-pdf.so"), loaded once
 * per process.  NULL when the part is missing, cannot be loaded or is of
 * another build, with why in err ("" never): the message names the file
 * and the places looked in.
 */
const void *ct_module(const char *file, const char *symbol, char *err,
		      size_t errlen);

#endif
