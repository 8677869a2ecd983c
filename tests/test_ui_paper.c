/*
 * The report screen's paper without a terminal (scanner/tui/ui_paper.c):
 * a PDF saved whole, and on a full disk (a file size limit, SIGXFSZ
 * ignored, the way tests/cli/faults.t fills a disk without a mount) not
 * at all -- no file, no temporary left in the directory; the file names;
 * and lp run from PATH with its arguments, its failure's first line and
 * exit status, and its absence.  Real files in a private directory under
 * $TMPDIR, real processes.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../scanner/tui/ui_paper.h"
#include "tmpdir.h"

static char dir[512];

/* Files in dir, names starting with '.' too. */
static int files_in(const char *d)
{
	DIR *dh = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dh);
	while ((e = readdir(dh)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dh);
	return n;
}

static void rm_all(const char *d)
{
	DIR *dh = opendir(d);
	struct dirent *e;
	char p[1024];

	if (!dh)
		return;
	while ((e = readdir(dh))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		unlink(p);
	}
	closedir(dh);
}

static int setup(void **state)
{
	(void)state;
	return test_mkdtemp(dir, sizeof(dir), "ui_paper");
}

static int teardown(void **state)
{
	(void)state;
	rm_all(dir);
	return rmdir(dir);
}

/* A document of a few pages, big enough to pass a small size limit. */
static struct pdf_doc *doc(void)
{
	struct pdf_head h = {"Test", "", "2026-03", "2026-03-02 10:05",
			     "2026-03-02T10:05:00+09:00"};
	struct pdf_doc *d = pdf_new(&h);

	assert_non_null(d);
	for (int i = 0; i < 200; i++)
		assert_int_equal(pdf_text(d, "棚卸し記録簿 A103 04A103 "
					     "SAFE1/T01 lost M01"),
				 0);
	return d;
}

static void names_say_report_and_time(void **state)
{
	char name[160];

	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	ui_paper_name("record-book", "2026-03", 1772413500, name, sizeof(name));
	assert_string_equal(name, "record-book_2026-03_2026-03-02-1005.pdf");
	ui_paper_name("daily-report", "", 1772413500, name, sizeof(name));
	assert_string_equal(name, "daily-report_2026-03-02-1005.pdf");
	/* Nothing of an argument can climb out of the directory. */
	ui_paper_name("incident", "../x y", 1772413500, name, sizeof(name));
	assert_string_equal(name, "incident_---x-y_2026-03-02-1005.pdf");
}

static void dir_is_report_dir_without_its_slash(void **state)
{
	struct config c;
	char out[UI_PAPER_PATH], cwd[UI_PAPER_PATH];

	(void)state;
	memset(&c, 0, sizeof(c));
	snprintf(c.report_dir, sizeof(c.report_dir), "/srv/reports//");
	assert_int_equal(ui_paper_dir(&c, out, sizeof(out)), 0);
	assert_string_equal(out, "/srv/reports");
	c.report_dir[0] = '\0';
	assert_int_equal(ui_paper_dir(&c, out, sizeof(out)), 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(out, cwd);
}

static void saves_a_whole_pdf(void **state)
{
	char path[UI_PAPER_PATH], want[UI_PAPER_PATH + 8], head[6] = {0};
	FILE *f;

	(void)state;
	assert_int_equal(ui_paper_save(doc(), dir, "a.pdf", path), 0);
	snprintf(want, sizeof(want), "%s/a.pdf", dir);
	assert_string_equal(path, want);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, 5, f), 5);
	fclose(f);
	assert_string_equal(head, "%PDF-");
	assert_int_equal(files_in(dir), 1);
	rm_all(dir);
}

/* The size of the file at path, -1 when there is none. */
static long size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/*
 * A report saved again within its minute: the same bytes are the same
 * file, left as it is; other bytes (the report changed) never replace
 * it, but go to name-2.pdf, then -3.
 */
static void a_changed_report_never_replaces_the_saved_one(void **state)
{
	char path[UI_PAPER_PATH], want[sizeof(dir) + 64];
	struct pdf_doc *d;
	long first;

	(void)state;
	assert_int_equal(ui_paper_save(doc(), dir, "r_2026-03-02-1005.pdf",
				       path),
			 0);
	first = size_of(path);
	assert_true(first > 0);
	assert_int_equal(ui_paper_save(doc(), dir, "r_2026-03-02-1005.pdf",
				       path),
			 0);
	snprintf(want, sizeof(want), "%s/r_2026-03-02-1005.pdf", dir);
	assert_string_equal(path, want);
	assert_int_equal(files_in(dir), 1);
	for (int k = 2; k <= 3; k++) {
		d = doc();
		for (int i = 0; i < k; i++)
			assert_int_equal(pdf_text(d, "A104 found later"), 0);
		assert_int_equal(
		    ui_paper_save(d, dir, "r_2026-03-02-1005.pdf", path), 0);
		snprintf(want, sizeof(want), "%s/r_2026-03-02-1005-%d.pdf",
			 dir, k);
		assert_string_equal(path, want);
		assert_int_equal(files_in(dir), k);
	}
	snprintf(want, sizeof(want), "%s/r_2026-03-02-1005.pdf", dir);
	assert_int_equal(size_of(want), first);
	rm_all(dir);
}

static void full_disk_leaves_nothing(void **state)
{
	struct rlimit old, lim;
	char path[UI_PAPER_PATH];
	void (*was)(int);
	int rc, err;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	was = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = ui_paper_save(doc(), dir, "full.pdf", path);
	err = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);
	assert_int_equal(rc, -1);
	assert_int_equal(err, EFBIG);
	assert_string_equal(path, "");
	assert_int_equal(files_in(dir), 0);
}

static void no_directory_is_said(void **state)
{
	char path[UI_PAPER_PATH], missing[600];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/none", dir);
	assert_int_equal(ui_paper_save(doc(), missing, "a.pdf", path), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(files_in(dir), 0);
	/* A document that could not be made is out of memory, said so. */
	assert_int_equal(ui_paper_save(NULL, dir, "a.pdf", path), -1);
	assert_int_equal(errno, ENOMEM);
}

/* Writes an executable lp into dir that records its arguments in
 * dir/args, says `say` on stderr and exits with `code`. */
static void fake_lp(const char *say, int code)
{
	char p[600];
	FILE *f;

	snprintf(p, sizeof(p), "%s/lp", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f,
		"#!/bin/sh\nprintf '%%s|' \"$@\" >'%s/args'\n"
		"echo 'request id is x-1'\nprintf '%s' >&2\nexit %d\n",
		dir, say, code);
	fclose(f);
	assert_int_equal(chmod(p, 0755), 0);
}

static char *read_args(void)
{
	static char buf[512];
	char p[600];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/args", dir);
	f = fopen(p, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void prints_with_lp_from_path(void **state)
{
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char path[1200], err[64];
	int status;

	(void)state;
	snprintf(path, sizeof(path), "%s:%s", dir, old ? old : "/usr/bin");
	setenv("PATH", path, 1);
	fake_lp("", 0);
	assert_int_equal(ui_paper_print("office-a4", "/r/a b.pdf", &status, err,
					sizeof(err)),
			 UI_PAPER_PRINTED);
	/* The file's name is one argument, spaces and all: no shell. */
	assert_string_equal(read_args(), "-d|office-a4|/r/a b.pdf|");
	assert_int_equal(
	    ui_paper_print("", "/r/a.pdf", &status, err, sizeof(err)),
	    UI_PAPER_PRINTED);
	assert_string_equal(read_args(), "/r/a.pdf|");

	fake_lp("lp: The printer or class does not exist.\\nsecond\\n", 1);
	assert_int_equal(
	    ui_paper_print("nosuch", "/r/a.pdf", &status, err, sizeof(err)),
	    UI_PAPER_LP_FAILED);
	assert_int_equal(status, 1);
	assert_string_equal(err, "lp: The printer or class does not exist.");
	/* A first line longer than err is cut, never overrun. */
	assert_int_equal(ui_paper_print("nosuch", "/r/a.pdf", &status, err, 8),
			 UI_PAPER_LP_FAILED);
	assert_string_equal(err, "lp: The");

	rm_all(dir);
	snprintf(path, sizeof(path), "%s", dir);
	setenv("PATH", path, 1);
	assert_int_equal(
	    ui_paper_print("", "/r/a.pdf", &status, err, sizeof(err)),
	    UI_PAPER_NO_LP);
	if (old)
		setenv("PATH", old, 1);
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_say_report_and_time),
	    cmocka_unit_test(dir_is_report_dir_without_its_slash),
	    cmocka_unit_test(saves_a_whole_pdf),
	    cmocka_unit_test(a_changed_report_never_replaces_the_saved_one),
	    cmocka_unit_test(full_disk_leaves_nothing),
	    cmocka_unit_test(no_directory_is_said),
	    cmocka_unit_test(prints_with_lp_from_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
