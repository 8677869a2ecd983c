/*
 * The clock: the one place cardtally asks what time it is.  Every entry in
 * the ledger is stamped with ct_now(), which is the system clock (unix
 * seconds).  Nobody outside the program can move it: no environment
 * variable, option or file sets it in a normal build (issue 19).
 *
 * Two ways to fix the time exist, both narrow:
 *  - ct_clock_pin() / ct_clock_unpin(), an internal call for code that
 *    replays the past on purpose (the demo's "last month"); nothing outside
 *    the program reaches it.
 *  - the test clock: built with -DCT_TEST_CLOCK (the test suite's binary,
 *    build/cardtally-test, never `make`, `make install` or `make demo`),
 *    ct_now() returns $CARDTALLY_NOW (unix seconds) when it is set.
 */
#ifndef CT_CLOCK_H
#define CT_CLOCK_H

#include <stdint.h>

/* The time now, unix seconds: the pinned time while one is pinned, else
 * (test clock only) $CARDTALLY_NOW when set to a number, else the system
 * clock. */
int64_t ct_now(void);
/* Until ct_clock_unpin, ct_now() returns t.  For replays only. */
void ct_clock_pin(int64_t t);
void ct_clock_unpin(void);
/* 1 in a binary built with the test clock, 0 otherwise. */
int ct_clock_is_test(void);
/*
 * A point where a test makes the program wait for another process (test
 * clock only; nothing in any other build).  When $CARDTALLY_TEST_PAUSE is
 * "WHERE:N:FILE" and this is the N-th call at `where`, creates
 * FILE.waiting and waits until FILE exists (at most 60 s): the test then
 * changes the ledger at a known moment with a real second process
 * (tests/cli/import.t: a checkout between an import's check and writes).
 */
void ct_test_pause(const char *where);

#endif
