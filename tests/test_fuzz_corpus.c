/*
 * Replays the fuzzers' corpus (tests/fuzz/corpus/) through the fuzz targets
 * in every `make test` and `make check`, built with the ordinary compiler:
 * an input that once crashed the parser or broke one of its promises is
 * kept in the corpus and fails this test if the bug comes back, without
 * clang or libFuzzer.  The targets abort() on a broken promise.
 *
 * The target files are included here rather than linked, each with its
 * entry point renamed, because each defines LLVMFuzzerTestOneInput.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#define FUZZ_ENTRY fuzz_der_entry
#include "fuzz/fuzz_der.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_mynumber_entry
#include "fuzz/fuzz_mynumber.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_import_entry
#include "fuzz/fuzz_import.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_sim_entry
#include "fuzz/fuzz_sim.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_config_entry
#include "fuzz/fuzz_config.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_cli_entry
#include "fuzz/fuzz_cli.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_reader_entry
#include "fuzz/fuzz_reader.c"
#undef FUZZ_ENTRY

typedef int (*fuzz_entry_fn)(const uint8_t *data, size_t size);

/* Runs every file of tests/fuzz/corpus/NAME through fn; returns how many. */
static int replay(const char *name, fuzz_entry_fn fn)
{
	const char *tests = getenv("CARDTALLY_TESTS");
	char dir[512], path[1024];
	struct dirent *e;
	DIR *d;
	int files = 0;

	snprintf(dir, sizeof(dir), "%s/fuzz/corpus/%s", tests ? tests : "tests",
		 name);
	d = opendir(dir);
	if (d == NULL)
		fail_msg("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		FILE *f;
		long n;
		uint8_t *buf;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		n = ftell(f);
		assert_true(n >= 0);
		rewind(f);
		/* Exactly the input's size, so that ASan (make check) sees a
		 * read one byte too far. */
		buf = malloc(n > 0 ? (size_t)n : 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		fn(buf, (size_t)n);
		free(buf);
		files++;
	}
	closedir(d);
	return files;
}

static void corpus_der(void **state)
{
	(void)state;
	assert_true(replay("der", fuzz_der_entry) >= 20);
}

static void corpus_mynumber(void **state)
{
	(void)state;
	assert_true(replay("mynumber", fuzz_mynumber_entry) >= 10);
}

static void corpus_import(void **state)
{
	(void)state;
	assert_true(replay("import", fuzz_import_entry) >= 20);
}

static void corpus_sim(void **state)
{
	(void)state;
	assert_true(replay("sim", fuzz_sim_entry) >= 10);
}

static void corpus_config(void **state)
{
	(void)state;
	assert_true(replay("config", fuzz_config_entry) >= 10);
}

static void corpus_cli(void **state)
{
	(void)state;
	assert_true(replay("cli", fuzz_cli_entry) >= 10);
}

static void corpus_reader(void **state)
{
	(void)state;
	assert_true(replay("reader", fuzz_reader_entry) >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(corpus_der),    cmocka_unit_test(corpus_mynumber),
	    cmocka_unit_test(corpus_import), cmocka_unit_test(corpus_sim),
	    cmocka_unit_test(corpus_config), cmocka_unit_test(corpus_cli),
	    cmocka_unit_test(corpus_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
