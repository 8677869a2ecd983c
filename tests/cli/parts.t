#!/usr/bin/env bash
# The program's optional parts (common/module.h): the drawing of PDFs
# (cardtally-pdf.so, cairo and pango) and the hub's side (cardtally-hub.so,
# libpq) are loaded only by a command that needs them, so that the others
# start without those libraries.  Checked here:
#   - the program itself needs none of them (its ELF NEEDED list), the
#     parts do, and each part exports nothing but its table;
#   - a program whose parts are missing, broken or not its own still does
#     everything else, and a command that needs a part exits 69 before it
#     does anything, with a message that names the file and what to do;
#   - the parts beside the program are the ones used (a report drawn).
. "$(dirname "$0")/lib.sh"

export LC_ALL=C CARDTALLY_CONF="$WORK/none.conf"
export CARDTALLY_NOW=1772413200 # 2026-03-02 10:00 in Tokyo
PROG=$BUILD/cardtally

# ---- what the program and the parts link ------------------------------------
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
for lib in libpq libpango libpangocairo libcairo libglib libgobject \
	libfontconfig libgnutls; do
	needed "$PROG" | grep -q "^$lib[-.]"
	ok $((!$?)) "the program does not link $lib"
done
for part in pdf:libcairo pdf:libpangocairo hub:libpq; do
	needed "$BUILD/cardtally-${part%%:*}.so" | grep -q "^${part#*:}[-.]"
	ok $? "cardtally-${part%%:*}.so links ${part#*:}"
done
for part in pdf hub; do
	is "$(nm -D --defined-only "$BUILD/cardtally-$part.so" |
		awk '$2 ~ /^[TDBR]$/ && $3 !~ /^_/ {print $3}')" \
		"ct_${part}_module" "cardtally-$part.so exports its table alone"
done

# ---- a program without its parts ----------------------------------------------
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' mgmt_id,serial,location,received \
	"A101,04A101,SAFE1/T01,2025-06-01" >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "setup: the stock list imported"

mkdir "$WORK/bare"
cp "$CT" "$WORK/bare/cardtally"
bare() {
	"$WORK/bare/cardtally" "$@" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}
before=$(ledger_state)

bare status
is "$RC" 0 "no parts: status works"
like "$OUT" "^status " "... and prints the status"
bare report daily --date 2026-03-02
is "$RC" 0 "no parts: the daily report as text works"

bare report daily --date 2026-03-02 --format pdf --output "$WORK/d.pdf"
is "$RC" 69 "no PDF part: --format pdf exits 69"
# The place looked in besides the program's own is the installed one,
# which this machine may hold (make install): then that one is used.
libdir=$(sed -n "s|.*looked in $WORK/bare and in \(.*\)): reinstall cardtally\$|\1|p" \
	<<<"$ERR")
if [ -n "$libdir" ]; then
	is "$ERR" "cardtally: a part of cardtally is missing: cardtally-pdf.so is not installed (looked in $WORK/bare and in $libdir): reinstall cardtally" \
		"... saying which file is missing, where it was looked for and what to do"
else
	is "$ERR" "(a message naming cardtally-pdf.so and $WORK/bare)" \
		"no PDF part: the message names the file and where it was looked for"
fi
ok "$([ ! -e "$WORK/d.pdf" ]; echo $?)" "... and writes no file"

bare hub report --hub "host=$WORK/nohub dbname=hub" --month 2026-03
is "$RC" 69 "no hub part: hub report exits 69"
like "$ERR" "^cardtally: a part of cardtally is missing: cardtally-hub.so is not installed \(looked in $WORK/bare and in " \
	"... naming cardtally-hub.so"
bare sync key
is "$RC" 0 "no parts: the sync key is made (it needs no hub)"
bare sync --hub "host=$WORK/nohub dbname=hub" --ward W01
is "$RC" 69 "no hub part: sync exits 69"
like "$ERR" "cardtally-hub.so is not installed" "... naming cardtally-hub.so"

# A broken part beside the program: found there first, and said so.
: >"$WORK/bare/cardtally-pdf.so"
bare report daily --date 2026-03-02 --format pdf --output "$WORK/d.pdf"
is "$RC" 69 "an empty cardtally-pdf.so: exit 69"
like "$ERR" "^cardtally: a part of cardtally is missing: cannot load $WORK/bare/cardtally-pdf.so: " \
	"... the file named, with the loader's reason"
# Another part under the name: not the table looked for.
cp "$BUILD/cardtally-hub.so" "$WORK/bare/cardtally-pdf.so"
bare report daily --date 2026-03-02 --format pdf --output "$WORK/d.pdf"
is "$RC" 69 "the hub's part as cardtally-pdf.so: exit 69"
is "$ERR" "cardtally: a part of cardtally is missing: $WORK/bare/cardtally-pdf.so is not cardtally's cardtally-pdf.so" \
	"... it is not the drawing"
ok "$([ ! -e "$WORK/d.pdf" ]; echo $?)" "... and no file is written"
is "$(ledger_state)" "$before" "none of it changed the ledger's cards"

# ---- the parts beside the program ---------------------------------------------
cp "$BUILD/cardtally-pdf.so" "$BUILD/cardtally-hub.so" "$WORK/bare/"
bare report daily --date 2026-03-02 --format pdf --output "$WORK/d.pdf"
is "$RC" 0 "the parts beside the program: --format pdf exits 0"
is "$(head -c 5 "$WORK/d.pdf" 2>/dev/null)" "%PDF-" "... and writes a PDF"
bare hub report --hub "host=$WORK/nohub dbname=hub" --month 2026-03
is "$RC" 69 "... hub report reaches libpq: the hub cannot be reached (69)"
like "$ERR" "^cardtally: the hub cannot be reached: " \
	"... which says so, not that a part is missing"

done_testing
