/*
 * Loading the program's optional parts (module.h).
 */
#include "module.h"

#include <dlfcn.h>
#include <libintl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef CT_VERSION
#define CT_VERSION "?"
#endif

/* The messages, in the clerk's language (the program's catalog). */
#define ct_tr(msgid) dgettext("cardtally", msgid)

/* The parts loaded so far (two exist), with what loading them gave. */
struct loaded {
	const char *file;
	const void *table;
	char err[512];
};
static struct loaded loaded[4];
static size_t nloaded;

/* The directory of the running program, "" when unknown. */
static void exe_dir(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash = n > 0 ? memrchr(exe, '/', (size_t)n) : NULL;

	out[0] = '\0';
	if (slash && (size_t)(slash - exe) < len) {
		memcpy(out, exe, (size_t)(slash - exe));
		out[slash - exe] = '\0';
	}
}

static const void *load(const char *file, const char *symbol, char *err,
			size_t errlen)
{
	char dirs[2][PATH_MAX], path[PATH_MAX + 64];
	const struct ct_module_stamp *stamp;
	void *h;
	int n;

	exe_dir(dirs[0], sizeof(dirs[0]));
	snprintf(dirs[1], sizeof(dirs[1]), "%s", CT_LIBDIR);
	for (size_t i = 0; i < 2; i++) {
		if (!dirs[i][0])
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dirs[i], file);
		if (n < 0 || (size_t)n >= sizeof(path) ||
		    access(path, F_OK) != 0)
			continue;
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			snprintf(err, errlen, ct_tr("cannot load %s: %s"), path,
				 dlerror());
			return NULL;
		}
		stamp = dlsym(h, symbol);
		if (!stamp || !stamp->table || strcmp(stamp->table, symbol)) {
			snprintf(err, errlen, ct_tr("%s is not cardtally's %s"), path,
				 file);
			return NULL;
		}
		if (!stamp->version || strcmp(stamp->version, CT_VERSION)) {
			snprintf(err, errlen,
				 ct_tr("%s is of cardtally %s, this program of "
				    "%s: reinstall cardtally"),
				 path, stamp->version ? stamp->version : "?",
				 CT_VERSION);
			return NULL;
		}
		return stamp;
	}
	snprintf(err, errlen,
		 ct_tr("%s is not installed (looked in %s and in %s): reinstall "
		    "cardtally"),
		 file, dirs[0][0] ? dirs[0] : "?", CT_LIBDIR);
	return NULL;
}

const void *ct_module(const char *file, const char *symbol, char *err,
		      size_t errlen)
{
	struct loaded *l = NULL;

	for (size_t i = 0; i < nloaded; i++)
		if (strcmp(loaded[i].file, file) == 0)
			l = &loaded[i];
	if (!l) {
		if (nloaded == sizeof(loaded) / sizeof(loaded[0])) {
			snprintf(err, errlen, "too many parts: %s", file); /* a bug */
			return NULL;
		}
		l = &loaded[nloaded++];
		l->file = file;
		l->table = load(file, symbol, l->err, sizeof(l->err));
	}
	if (!l->table && err && errlen)
		snprintf(err, errlen, "%s", l->err);
	return l->table;
}
