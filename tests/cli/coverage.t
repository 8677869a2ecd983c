#!/bin/bash
# Every public function of data/ (declared in data/ledger.h and
# data/import.h) is named in a test: a new function without one fails here.
# The names come from the headers themselves, one prototype per
# declaration starting in column 0, so nothing is listed by hand.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS/.." && pwd)
names=$(cat "$ROOT/data/ledger.h" "$ROOT/data/import.h" |
	grep -E '^[a-z][a-z0-9_ ]*[ *]+[a-z][a-z0-9_]*\(' |
	sed -E 's/^[^(]*[ *]([a-z][a-z0-9_]*)\(.*/\1/' | sort -u)
count=$(printf '%s\n' "$names" | grep -c .)
# A header change that the pattern misses must not pass as "all tested".
ok "$([ "$count" -ge 100 ]; echo $?)" \
	"the headers declare $count functions (at least 100 expected)"
for f in $names; do
	if grep -rlqw --include='*.c' --include='*.h' --include='*.t' \
		--include='*.sh' -e "$f" -- "$TESTS"; then
		ok 0 "$f is named in tests/"
	else
		ok 1 "$f is named in tests/"
		diag "no test names $f: add one to tests/test_<module>.c"
	fi
done
done_testing
