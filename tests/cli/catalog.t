#!/usr/bin/env bash
# The message catalog against the sources (issue 18): every message the
# program can show -- each _(), N_(), cli_error and cli_usage of the files
# the catalog is made from (the Makefile's POT_SRC) -- has a Japanese
# translation in po/ja.po that is neither missing nor fuzzy, so that no
# screen, report or refusal falls back to English because a new message
# was never translated; and the catalog compiles with msgfmt --check
# (the same placeholders in both languages).
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$TESTS/.." && pwd)

make -s -C "$SRC" pot-out POT_OUT="$WORK/now.pot" >"$WORK/xgettext.log" 2>&1
is "$?" 0 "the sources' messages extracted (make pot-out)"
n=$(grep -c '^msgid ' "$WORK/now.pot")
ok "$([ "$n" -ge 1000 ]; echo $?)" "the sources hold $n messages"

# The translations as they stand, merged with what the sources say now
# (exactly what `make pot` would do to po/ja.po).
msgmerge -q --no-fuzzy-matching -o "$WORK/ja.po" "$SRC/po/ja.po" \
	"$WORK/now.pot" 2>"$WORK/msgmerge.log"
is "$?" 0 "po/ja.po merges with the sources' messages"
missing=$(msgattrib --untranslated --no-obsolete "$WORK/ja.po" |
	msgcat --no-wrap - 2>/dev/null | sed -n 's/^msgid "\(.\+\)"$/\1/p')
is "$missing" "" "every message of the sources has a Japanese translation"
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$WORK/ja.po" |
	msgcat --no-wrap - 2>/dev/null | sed -n 's/^msgid "\(.\+\)"$/\1/p')
is "$fuzzy" "" "no translation is fuzzy (a guess msgmerge made)"
msgfmt --check -o /dev/null "$SRC/po/ja.po" 2>"$WORK/msgfmt.log"
is "$?" 0 "po/ja.po compiles with msgfmt --check"
[ -s "$WORK/msgfmt.log" ] && diag "$(cat "$WORK/msgfmt.log")"

# The check above must be able to fail: a message the sources gained and
# the catalog lacks is named.
printf '#include <libintl.h>\nconst char *x(void) { return gettext("%s"); }\n' \
	"a message nobody translated" >"$WORK/extra.c"
xgettext --from-code=UTF-8 --language=C -k_ -o "$WORK/extra.pot" \
	"$WORK/extra.c" && msgcat -o "$WORK/both.pot" "$WORK/now.pot" \
	"$WORK/extra.pot"
msgmerge -q --no-fuzzy-matching -o "$WORK/ja2.po" "$SRC/po/ja.po" \
	"$WORK/both.pot" 2>/dev/null
like "$(msgattrib --untranslated "$WORK/ja2.po" | msgcat --no-wrap - |
	sed -n 's/^msgid "\(.\+\)"$/\1/p')" "a message nobody translated" \
	"a new message without a translation is caught, by its text"

done_testing
