#!/usr/bin/env bash
# The Makefile on a machine that is not ready, and after a change of
# prefix, in a scratch build tree: without pkg-config (or a library) a plain
# `make` says what is missing and to run `make deps`, not "pkg-config: No
# such file"; the prefix is compiled in (the TUI's catalogs under
# PREFIX/share/locale), so an object built for one prefix is rebuilt for
# another (`make install PREFIX=/usr` after a plain `make`), and not again
# for the same one.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$TESTS/.." && pwd)
if ! command -v make >/dev/null; then
	echo "1..0 # SKIP make is not installed (Debian: make)"
	exit 0
fi
# A make of its own, not a sub-make of the one running the tests.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$SRC" \
		BUILD="$WORK/b" "$@" >"$WORK/make.out" 2>"$WORK/make.err"
}

mk PKG_CONFIG="$WORK/no-pkg-config"
is "$?" 2 "make without pkg-config: fails"
like "$(cat "$WORK/make.err")" "missing build dependencies: $WORK/no-pkg-config\$" \
	"make without pkg-config: says it is missing"
like "$(cat "$WORK/make.err")" "run 'make deps'" \
	"make without pkg-config: points to make deps"
ok "$(! grep -q 'No such file' "$WORK/make.err"; echo $?)" \
	"make without pkg-config: no 'No such file'"
is "$(find "$WORK/b" -name '*.o' | wc -l)" 0 \
	"make without pkg-config: nothing compiled"
printf '#!/bin/sh\n[ "$1" = --exists ] && [ "$2" = sqlite3 ] && exit 1\nexec pkg-config "$@"\n' \
	>"$WORK/pc-nosqlite"
chmod +x "$WORK/pc-nosqlite"
mk PKG_CONFIG="$WORK/pc-nosqlite"
like "$(head -n 1 "$WORK/make.err")" 'missing build dependencies: sqlite3$' \
	"make without SQLite's development files: names sqlite3"

OBJ="$WORK/b/scanner/lang/lang.o"
mk PREFIX=/opt/ct-a "$OBJ"
is "$?" 0 "object built for PREFIX=/opt/ct-a"
is "$(grep -ac /opt/ct-a/share/locale "$OBJ")" 1 \
	"it holds /opt/ct-a/share/locale"
mk PREFIX=/opt/ct-b "$OBJ"
is "$?" 0 "the same object, PREFIX=/opt/ct-b"
like "$(cat "$WORK/make.out")" 'lang/lang\.c' "... is rebuilt"
is "$(grep -ac /opt/ct-b/share/locale "$OBJ")/$(grep -ac /opt/ct-a "$OBJ")" \
	1/0 "... and holds /opt/ct-b/share/locale, no longer /opt/ct-a"
mk PREFIX=/opt/ct-b "$OBJ"
ok "$(! grep -q 'lang/lang\.c' "$WORK/make.out"; echo $?)" \
	"the same prefix again: not rebuilt"
done_testing
