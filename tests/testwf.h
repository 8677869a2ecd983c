/*
 * The fixture of the workflow tests (tests/test_wf*.c): a real ledger file
 * in a directory made under $TMPDIR (else /tmp), with the people of each
 * role added with known PINs, as tests/cli/lib.sh's new_ledger gives the
 * end-to-end tests:
 *
 *   M01 manager 1111, S02 staff 2222, S03 staff 3333, P04 part-time 4444
 *
 * (each named by their code).  The PINs are real Argon2id hashes at the
 * smallest cost libsodium allows, so that wf_login and the witness forms
 * check them as in use.
 *
 * Use: cmocka_unit_test_setup_teardown(t, testwf_setup, testwf_teardown);
 * the test gets a struct testwf * as *state.  A file that needs more (stock,
 * ranges) wraps testwf_setup in its own setup.  testwf_teardown closes the
 * ledger, removes it with its WAL files and then the directory: a test that
 * leaves another file there fails (remove it first, e.g. with
 * testwf_unlink).  Include after <cmocka.h>.
 */
#ifndef CT_TESTWF_H
#define CT_TESTWF_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../data/import.h"
#include "../data/ledger.h"
#include "../scanner/workflow/wf.h"
#include "tmpdir.h"

struct testwf {
	char dir[512];
	char path[600]; /* the ledger: dir/l.db */
	struct ledger *l;
	struct staff_rec m01, s02, s03, p04;
};

/* Adds staff member code (named by the code) with role and PIN; *out is
 * the row as stored. */
static inline void testwf_add(struct testwf *f, const char *code,
			      enum staff_role role, const char *pin,
			      struct staff_rec *out)
{
	char hash[crypto_pwhash_STRBYTES];

	assert_int_equal(crypto_pwhash_str(hash, pin, strlen(pin),
					   crypto_pwhash_OPSLIMIT_MIN,
					   8u << 20),
			 0);
	assert_int_equal(ledger_staff_add(f->l, code, code, role, hash, 0, 1),
			 0);
	assert_int_equal(ledger_staff_get(f->l, code, out), 0);
}

/* path in the fixture's directory: dir/name into buf (cap bytes). */
static inline const char *testwf_file(const struct testwf *f, const char *name,
				      char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/%s", f->dir, name);

	assert_true(n > 0 && (size_t)n < cap);
	return buf;
}

/* The stock list csv imported by actor at now (wf_import, which must
 * take it); returns the number of cards it added. */
static inline size_t testwf_stock(struct testwf *f,
				  const struct staff_rec *actor,
				  const char *csv, int64_t now)
{
	struct import_result res;
	struct wf_err e;
	size_t added;

	assert_int_equal(wf_import(f->l, actor, "stock.csv", csv, strlen(csv),
				   IMPORT_ENC_AUTO, 0, now, &res, &e),
			 0);
	added = res.added;
	import_result_free(&res);
	return added;
}

/* Removes a ledger file and its WAL files, whichever exist. */
/* Movement k of the n cards named, by S02, to `to` (a move; else NULL) at
 * time at; it must succeed.  Returns how many items moved. */
static inline size_t testwf_move(struct testwf *f, enum custody_kind k,
				 const char *const *names, size_t n,
				 const char *to, int64_t at)
{
	struct wf_moved moved;
	struct wf_err e;
	size_t done;

	assert_int_equal(wf_custody_move(f->l, &f->s02, k, names, n,
					 CUSTODY_BY_NAME, to, DATE_NONE, at,
					 &moved, &e),
			 0);
	done = moved.n;
	wf_moved_free(&moved);
	return done;
}

static inline void testwf_unlink(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[700];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

static inline int testwf_setup(void **state)
{
	struct testwf *f = calloc(1, sizeof(*f));
	char err[256];

	if (!f || sodium_init() < 0)
		goto fail;
	if (test_mkdtemp(f->dir, sizeof(f->dir), "ct-wf") < 0)
		goto fail;
	snprintf(f->path, sizeof(f->path), "%s/l.db", f->dir);
	if (ledger_create(f->path, &f->l, err, sizeof(err)) != 0) {
		fprintf(stderr, "# %s\n", err);
		rmdir(f->dir);
		goto fail;
	}
	testwf_add(f, "M01", ROLE_MANAGER, "1111", &f->m01);
	testwf_add(f, "S02", ROLE_STAFF, "2222", &f->s02);
	testwf_add(f, "S03", ROLE_STAFF, "3333", &f->s03);
	testwf_add(f, "P04", ROLE_PARTTIME, "4444", &f->p04);
	*state = f;
	return 0;
fail:
	free(f);
	return -1;
}

static inline int testwf_teardown(void **state)
{
	struct testwf *f = *state;

	ledger_close(f->l);
	testwf_unlink(f->path);
	/* A test that leaves another file behind fails here. */
	assert_int_equal(rmdir(f->dir), 0);
	free(f);
	return 0;
}

#endif
