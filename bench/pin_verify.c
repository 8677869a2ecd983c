/*
 * pin_verify: the PIN check of a command run as a person, by itself, for
 * bench/run's measurement 5.  Every command given --as checks that
 * person's PIN against the hash the ledger stores (libsodium's
 * crypto_pwhash_str string: Argon2id with the cost it was made with)
 * before it reads anything else; the sqlite3 baselines check none.  This
 * times that one call, so that RESULTS.md can say how much of a command's
 * time it is.
 *
 * usage: pin_verify HASH  (the PIN on stdin, one line)
 * Prints "seconds=S" (the crypto_pwhash_str_verify call alone, on the
 * monotonic clock) and exits 0 when the PIN matches, 1 when it does not,
 * 2 on misuse.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

int main(int argc, char **argv)
{
	char pin[64];
	struct timespec a, b;
	size_t n;
	int rc;

	if (argc != 2 || sodium_init() < 0 || !fgets(pin, sizeof(pin), stdin)) {
		fprintf(stderr, "usage: pin_verify HASH < PIN\n");
		return 2;
	}
	n = strcspn(pin, "\r\n");
	pin[n] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = crypto_pwhash_str_verify(argv[1], pin, n);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("seconds=%.6f\n", (double)(b.tv_sec - a.tv_sec) +
					 (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	sodium_memzero(pin, sizeof(pin));
	return rc == 0 ? 0 : 1;
}
