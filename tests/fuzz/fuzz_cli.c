/*
 * libFuzzer target for the command-line parser (scanner/cli/main.c): the
 * input is split at NUL bytes into arguments (up to 64), as a shell could
 * hand them over, and goes through the command lookup and the option
 * parser, stopping short of running the command.  Beyond "no crash, no
 * out-of-bounds read" (ASan, UBSan), the parser's promises must hold; a
 * broken promise aborts, which the fuzzer reports as a crash:
 *   - a known command's line is parsed (0) or refused as a usage error
 *     (EXIT_USAGE); an unknown one is refused (EXIT_USAGE) or is a noun's
 *     --help (0);
 *   - parsed: every positional argument, option value and witness is one
 *     of the arguments (or inside one), a flag's value is "", every
 *     option is a common one or one the command declares, and none, a
 *     common one neither, is given twice.
 *
 * main.c is included, its main renamed, to reach its static parser; what
 * it prints (usage, help) goes to /dev/null while an input is parsed.
 * Built by `make fuzz` with clang; tests/test_fuzz_corpus.c includes this
 * file (with FUZZ_ENTRY renamed) to replay the corpus in `make test`.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fuzz_cli_main(int argc, char **argv);
#define main fuzz_cli_main
#include "../../scanner/cli/main.c"
#undef main

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

#define FUZZ_CLI_ARGS 64

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* The arguments' lengths before parsing: parse_args cuts "--name=value"
 * at its '=' in place. */
static size_t fuzz_cli_len[FUZZ_CLI_ARGS + 1];

/* 1 when p points into one of argv[0..argc)'s strings. */
static int fuzz_cli_in_args(const char *p, char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + fuzz_cli_len[i])
			return 1;
	return 0;
}

static void fuzz_cli_check(const struct cli *c, char **argv, int argc)
{
	for (int k = 0; k < c->npos; k++)
		if (!fuzz_cli_in_args(c->pos[k], argv, argc))
			abort();
	if (c->witness && !fuzz_cli_in_args(c->witness, argv, argc))
		abort();
	if (c->pin_fd < -1 || c->pin_fd > 1023 || c->witness_pin_fd < -1 ||
	    c->witness_pin_fd > 1023)
		abort();
	if (c->npos + c->nopt > argc)
		abort();
	for (int k = 0; k < c->nopt; k++) {
		int common = common_option(c->opt_name[k]);
		int takes =
		    common >= 0 ? common : own_option(c->entry, c->opt_name[k]);

		/* A flag's value is "", a value one of the arguments. */
		if (!fuzz_cli_in_args(c->opt_name[k], argv, argc) ||
		    takes < 0 || (takes == 0 && c->opt_val[k][0] != '\0') ||
		    (takes == 1 &&
		     !fuzz_cli_in_args(c->opt_val[k], argv, argc)))
			abort();
		for (int j = 0; j < k; j++)
			if (strcmp(c->opt_name[j], c->opt_name[k]) == 0)
				abort();
	}
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[FUZZ_CLI_ARGS + 2];
	char prog[] = "cardtally";
	struct cli c = {.prog = prog, .pin_fd = -1, .witness_pin_fd = -1};
	int argc = 1, used = 0, rc, out, err, null;
	size_t at = 0;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = prog;
	while (at < size && argc <= FUZZ_CLI_ARGS) {
		argv[argc++] = copy + at;
		at += strlen(copy + at) + 1;
	}
	argv[argc] = NULL;
	for (int i = 0; i < argc; i++)
		fuzz_cli_len[i] = strlen(argv[i]);

	fflush(stdout);
	fflush(stderr);
	out = dup(1);
	err = dup(2);
	null = open("/dev/null", O_WRONLY);
	if (out < 0 || err < 0 || null < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0)
		abort();
	close(null);

	current = argc > 1 ? find_command(argc, argv, 1, &used) : NULL;
	if (argc < 2) {
		rc = 0;
	} else if (!current) {
		rc = no_command(argc, argv, 1);
		if (rc != EXIT_USAGE && rc != EXIT_OK)
			abort();
	} else {
		c.cmd = current->name;
		c.entry = current;
		rc = cli_args_alloc(&c, argc);
		if (rc == 0)
			rc = parse_args(&c, argc, argv, 1 + used);
		if (rc != 0 && rc != EXIT_USAGE)
			abort();
		if (rc == 0)
			fuzz_cli_check(&c, argv, argc);
	}
	cli_args_free(&c);
	current = NULL;

	fflush(stdout);
	fflush(stderr);
	if (dup2(out, 1) < 0 || dup2(err, 2) < 0)
		abort();
	close(out);
	close(err);
	free(copy);
	return 0;
}
