#!/usr/bin/env bash
# End-to-end tests of issue 19's rules on the clock, the ledger file, output
# and free text, with the real program: the installed build's clock cannot
# be set from outside; read-only commands never create or rebuild a ledger
# and say plainly when the file system refuses; every command fails when
# its output could not be written; names and other text refuse control
# characters and invalid UTF-8.
. "$(dirname "$0")/lib.sh"

# The program as `make` builds it (without the test clock), beside the test
# build that $CT is.
REL=${BUILD:?run through make test}/cardtally

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
as M01 1111 key holder add S02 --order 1
is "$RC" 0 "prepared: S02 is a key holder"

# ---- the clock ----------------------------------------------------------------

# The installed program ignores CARDTALLY_NOW: a safe opening back-dated by
# 13 days is recorded at the real time.
if [ -x "$REL" ]; then
	back=$(($(date +%s) - 13 * 86400))
	t0=$(date +%s)
	CARDTALLY_NOW=$back "$REL" key open --purpose "back-dated?" \
		--as S03 --pin-fd 3 --witness S02 --witness-pin-fd 4 \
		3<<<3333 4<<<2222 >/dev/null 2>"$WORK/.err"
	is "$?" 0 "release build: key open runs"
	t1=$(date +%s)
	at=$(sqlq "select opened_at from key_opening order by id desc limit 1")
	ok "$([ "$at" -ge "$t0" ] && [ "$at" -le "$t1" ]; echo $?)" \
		"release build: CARDTALLY_NOW ignored, opened at the real time"
	is "$(sqlq "select count(*) from audit where at < $t0 - 3600")" 0 \
		"release build: no audit entry back-dated"
	CARDTALLY_NOW=$back "$REL" key close --as S03 --pin-fd 3 3<<<3333 \
		>/dev/null 2>&1
	at=$(sqlq "select closed_at from key_opening order by id desc limit 1")
	ok "$([ "$at" -ge "$t0" ]; echo $?)" \
		"release build: closed at the real time too"
	ok "$(grep -qa CARDTALLY_NOW "$REL"; [ $? -eq 1 ]; echo $?)" \
		"release build: has no code that reads CARDTALLY_NOW"
	ok "$(grep -qa CARDTALLY_NOW "$CT"; echo $?)" \
		"test build: has it (the check above can fail)"
else
	echo "ok $((_n += 1)) # skip the release build $REL is not built"
fi
# The test build is the one that honours it, so the check above can fail.
CARDTALLY_NOW=$back as S03 3333 key open --purpose "test clock" \
	--witness S02 --witness-pin-fd 4 4<<<2222
is "$(sqlq "select opened_at from key_opening order by id desc limit 1")" \
	"$back" "test build: CARDTALLY_NOW sets the time"
CARDTALLY_NOW=$((back + 60)) as S03 3333 key close

# ---- read-only commands never create or rebuild a ledger ------------------------

state=$(ledger_state)
for cmd in "report daily" "audit verify" status "key log" "staff list"; do
	# shellcheck disable=SC2086 # commands of two words
	ct $cmd --db "$WORK/none.db"
	is "$RC" 66 "$cmd, no ledger: exit 66"
	like "$ERR" "no ledger at $WORK/none.db.*cardtally init" \
		"$cmd, no ledger: names the path and init"
	ok "$([ ! -e "$WORK/none.db" ]; echo $?)" "$cmd, no ledger: creates none"

	: >"$WORK/empty.db"
	ct $cmd --db "$WORK/empty.db"
	is "$RC" 65 "$cmd, empty file: exit 65"
	like "$ERR" "$WORK/empty.db is not a cardtally ledger \(the file is empty\)" \
		"$cmd, empty file: says so, naming it"
	is "$(stat -c %s "$WORK/empty.db")" 0 "$cmd, empty file: left empty"
	ok "$([ ! -e "$WORK/empty.db-wal" ]; echo $?)" "$cmd, empty file: no -wal"
done

# A ledger truncated to nothing is not "intact, 0 entries".
cp "$CARDTALLY_DB" "$WORK/cut.db"
: >"$WORK/cut.db"
ct audit verify --db "$WORK/cut.db" --json
is "$RC" 65 "truncated ledger: audit verify refuses (65)"
is "$OUT" "" "truncated ledger: no report on stdout"

printf 'mgmt_id,serial\nA1,04AA\n' >"$WORK/text.db"
ct status --db "$WORK/text.db"
is "$RC" 65 "a text file: exit 65"
like "$ERR" "not a cardtally ledger \(not an SQLite database\)" \
	"a text file: says so"
sqlite3 "$WORK/other.db" "create table keep(x); insert into keep values (1)"
sum=$(md5sum <"$WORK/other.db")
ct report daily --db "$WORK/other.db"
is "$RC" 65 "another program's SQLite file: exit 65"
like "$ERR" "other.db is not a cardtally ledger" \
	"another program's SQLite file: says so"
is "$(md5sum <"$WORK/other.db")" "$sum" \
	"another program's SQLite file: untouched"
ct status --db "$WORK"
is "$RC" 65 "a directory: exit 65"
is "$(ledger_state)" "$state" "refusals: the real ledger unchanged"

# init refuses a symbolic link as the ledger's path, dangling or not.
ln -s "$WORK/nowhere.db" "$WORK/dangling.db"
ct init --db "$WORK/dangling.db" --manager M01 --name M --pin-fd 3 3<<<1111
is "$RC" 2 "init through a dangling link: exit 2"
like "$ERR" "dangling.db is a symbolic link" "init through a link: says so"
ok "$([ ! -e "$WORK/nowhere.db" ]; echo $?)" \
	"init through a dangling link: nothing created where it points"
ln -s "$WORK/empty.db" "$WORK/link.db"
ct init --db "$WORK/link.db" --manager M01 --name M --pin-fd 3 3<<<1111
is "$RC" 2 "init through a link to a file: exit 2"
is "$(stat -c %s "$WORK/empty.db")" 0 "init through a link: target untouched"

# A full disk or an unwritable directory stops even a reader (WAL needs its
# -wal and -shm files): a plain message and exit 74, not "disk I/O error".
# Both need a file system of their own: a private mount namespace.
mkdir "$WORK/ro"
cp "$CARDTALLY_DB" "$WORK/ro/ledger.db"
if unshare -m true 2>/dev/null; then
	unshare -m sh -c 'mount --bind "$1" "$1" &&
		mount -o remount,ro,bind "$1" &&
		exec "$2" report daily --db "$1/ledger.db"' sh "$WORK/ro" "$CT" \
		>"$WORK/.out" 2>"$WORK/.err"
	is "$?" 74 "read-only directory: exit 74"
	like "$(cat "$WORK/.err")" "cannot write in $WORK/ro \(Read-only file system\); even a reader needs to create" \
		"read-only directory: says what and where"
	mkdir "$WORK/full"
	unshare -m sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" &&
		cp "$3" "$1/ledger.db" &&
		{ dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; true; } &&
		exec "$2" status --db "$1/ledger.db"' sh "$WORK/full" "$CT" \
		"$CARDTALLY_DB" >"$WORK/.out" 2>"$WORK/.err"
	is "$?" 74 "full disk: exit 74"
	like "$(cat "$WORK/.err")" "no space left on its file system" \
		"full disk: says so"
	ok "$(grep -q 'disk I/O error' "$WORK/.err"; [ $? -ne 0 ]; echo $?)" \
		"full disk: not 'disk I/O error'"
elif [ "$(id -u)" -ne 0 ]; then
	chmod 555 "$WORK/ro"
	ct report daily --db "$WORK/ro/ledger.db"
	is "$RC" 74 "unwritable directory: exit 74"
	like "$ERR" "cannot write in $WORK/ro \(Permission denied\)" \
		"unwritable directory: says what and where"
	chmod 755 "$WORK/ro"
	echo "ok $((_n += 1)) # skip full disk: needs a private mount (unshare -m)"
else
	echo "ok $((_n += 1)) # skip unwritable directory and full disk: root without unshare -m"
fi

# ---- every command fails when its output could not be written ------------------

# Enough for outputs of several pages: stdio writes them in 4 KiB blocks,
# and a failed block used to leave the program exiting 0 with the rest cut.
{
	echo mgmt_id,serial,location,received
	for t in $(seq -w 1 30); do
		for k in 1 2 3 4; do echo "B$t$k,04B$t$k,SAFE1/T$t,2025-06-01"; done
	done
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: 120 cards in 30 trays"
as M01 1111 count start --kind partial \
	--ranges "$(seq -s, -f 'SAFE1/T%02g' 1 30)"
sid=$OUT
for t in $(seq -w 1 30); do
	for k in 1 2 3; do printf 'card 04B%s%s\nremove\n' "$t" "$k"; done
done >"$WORK/all.sim"
as M01 1111 scan --session "$sid" --range SAFE1/T01 \
	--reader "sim:$WORK/all.sim" --json
is "$RC" 0 "prepared: 90 reads in one count"
month=$(date +%Y-%m)

# ct_full ARGS...: runs cardtally with stdout on /dev/full (a full disk).
ct_full() { "$CT" "$@" >/dev/full 2>"$WORK/.err"; RC=$?; ERR=$(cat "$WORK/.err"); }

for fmt in text csv json; do
	"$CT" report record-book --month "$month" --format "$fmt" \
		>"$WORK/book.$fmt" 2>/dev/null
	ok "$([ "$(stat -c %s "$WORK/book.$fmt")" -gt 8192 ]; echo $?)" \
		"record book ($fmt): more than two blocks long"
	ct_full report record-book --month "$month" --format "$fmt"
	is "$RC" 74 "record book ($fmt) to a full disk: exit 74"
	like "$ERR" "cannot write the record book: No space left on device" \
		"record book ($fmt) to a full disk: says so"
done
ct_full report record-book --month "$month" --format csv --encoding cp932
is "$RC" 74 "record book (csv, cp932) to a full disk: exit 74"

for cmd in "status --json" "audit show" "audit show --json" "staff list" \
	"key log --json"; do
	# shellcheck disable=SC2086 # several words
	ct_full $cmd
	is "$RC" 74 "$cmd to a full disk: exit 74"
	like "$ERR" "cannot write output: No space left on device" \
		"$cmd to a full disk: says so"
done

for args in --help --version "status --help"; do
	# shellcheck disable=SC2086 # several words
	ct_full $args
	is "$RC" 74 "$args to a full disk: exit 74"
done

# A scan whose output cannot be written stops: the operator no longer sees
# what was accepted.  What it accepted before is in the ledger.
as M01 1111 count start --kind partial --ranges SAFE1/T02
sid=$OUT
"$CT" scan --session "$sid" --range SAFE1/T02 --reader "sim:$WORK/all.sim" \
	--json --as M01 --pin-fd 3 3<<<1111 >/dev/full 2>"$WORK/.err"
is "$?" 74 "scan --json to a full disk: exit 74"
like "$(cat "$WORK/.err")" "cannot write the reads' output: scan stopped" \
	"scan --json to a full disk: says it stopped"
n=$(sqlq "select count(*) from scan where session_id = $sid")
ok "$([ "$n" -ge 1 ] && [ "$n" -lt 90 ]; echo $?)" \
	"scan --json to a full disk: stopped early ($n of 90 reads)"

# ---- free text refuses control characters and invalid UTF-8 ----------------------

# Each bad text: exit 65, the problem named, nothing recorded.  Good text in
# Japanese goes through (the check is not an ASCII filter).
BEL=$'Sato\aHanako' ESC=$'\e[2JSato' NL=$'Sato\nHanako' C1=$'Sato\xc2\x9bX'
RLO=$'\xe2\x80\xaecod.exe' BAD=$'Sato\xff' CUT=$'\xe4\xbd' SJIS=$'\x8d\xb2\x93\xa1'
texts=("$BEL" "$ESC" "$NL" "$C1" "$RLO" "$BAD" "$CUT" "$SJIS")
names=(bell escape newline C1 bidi-override byte-ff cut-short cp932)
# refused WHAT TABLE ARGS...: runs ARGS (with {} replaced by each bad text)
# and checks each is refused and TABLE keeps its row count.
refused() {
	local what=$1 table=$2 before i a args
	shift 2
	before=$(sqlq "select count(*) from $table")
	for i in "${!texts[@]}"; do
		# A note may hold several lines: a near-miss, and a
		# resolution's note (what was found where, who was asked).
		[ "$table" = near_miss ] || [ "$table" = resolution ] &&
			[ "${names[$i]}" = newline ] && continue
		args=()
		for a in "$@"; do args+=("${a//\{\}/${texts[$i]}}"); done
		ct "${args[@]}" 3<<<1111 4<<<2222
		is "$RC" 65 "$what, ${names[$i]}: exit 65"
		like "$ERR" "control character|not valid UTF-8" \
			"$what, ${names[$i]}: says why"
	done
	is "$(sqlq "select count(*) from $table")" "$before" \
		"$what: nothing recorded"
}
refused "staff add --name" staff staff add S77 --name "{}" --role staff \
	--as M01 --pin-fd 3 --new-pin-fd 4
as M01 1111 staff add S77 --name "佐藤 花子" --role staff --new-pin-fd 4 \
	4<<<7777
is "$RC" 0 "staff add: a Japanese name is accepted"
is "$(sqlq "select name from staff where code = 'S77'")" "佐藤 花子" \
	"staff add: the name kept as typed"
refused "asset add --name" asset asset add T9 --name "{}" \
	--location SAFE1/T01 --as M01 --pin-fd 3
refused "key open --purpose" key_opening key open --purpose "{}" \
	--as M01 --pin-fd 3 --witness S02 --witness-pin-fd 4
refused "training course add --name" course training course add C9 \
	--name "{}" --as M01 --pin-fd 3
refused "note add --text" near_miss note add --text "{}" --as M01 --pin-fd 3
refused "scan undo --reason" scan_undo scan undo --session "$sid" \
	--reason "{}" --as M01 --pin-fd 3
# A note keeps its lines: newline and tab are text there, nothing else.
as M01 1111 note add --text $'first line\n\tsecond line'
is "$RC" 0 "note add: newline and tab accepted in a note"
for i in 0 1 3 5; do
	a=$(mktemp "$WORK/init.XXXXXX") && rm -f "$a"
	ct init --db "$a" --manager M09 --name "${texts[$i]}" --pin-fd 3 3<<<1111
	is "$RC" 65 "init --name, ${names[$i]}: exit 65"
	ok "$([ ! -e "$a" ]; echo $?)" "init --name, ${names[$i]}: no ledger left"
done
# A disposal's certificate reference and a resolution's note.
ct dispose start --as S02 --pin-fd 3 --witness M01 --witness-pin-fd 4 \
	3<<<2222 4<<<1111
did=$OUT
is "$RC" 0 "prepared: a disposal is open"
refused "dispose close --certificate" disposal_batch dispose close "$did" \
	--method contractor --certificate "{}" --as S02 --pin-fd 4 \
	--witness M01 --witness-pin-fd 3
is "$(sqlq "select count(*) from disposal_batch where closed_at is null")" 1 \
	"dispose close refused: the disposal stays open"
# The scan stopped by the full disk left cards of SAFE1/T02 missing.
refused "count resolve --note" resolution count resolve "$sid" --card B024 \
	--reason data_error --note "{}" --as M01 --pin-fd 3
as M01 1111 count resolve "$sid" --card B024 --reason data_error \
	--note "台帳の誤り"
is "$RC" 0 "count resolve: a Japanese note is accepted"

# ---- the key log's flags are recorded when they happen ---------------------------

# Each opening keeps the rules in force and the flags decided at its close
# (key.t checks that printing with another configuration changes nothing).
is "$(sqlq "select count(*) from key_opening where flags is null
	or rule_limit_min is null")" 0 "every opening has its flags recorded"
# A ledger from before (version 10, so without what versions 11-14 added:
# the openings' flags and rules, the reads' profile, receipts): its openings are
# migrated without flags, and the reports say they judge them by today's
# configuration.
cp "$CARDTALLY_DB" "$WORK/v10.db"
ledger_back_to "$WORK/v10.db" 10
ct key log --db "$WORK/v10.db" --json
is "$RC" 0 "version 10 ledger: key log runs (migrated)"
is "$(pyjson 'sorted(set(o["flags_recorded"] for o in d["openings"]))' \
	<<<"$OUT")" '[false]' "version 10 openings: flags_recorded false"
is "$(sqlite3 "$WORK/v10.db" "pragma user_version")" \
	"$(sqlq 'pragma user_version')" \
	"version 10 ledger: migrated to the newest version"
is "$(sqlite3 "$WORK/v10.db" "select count(*) from key_opening
	where flags is not null")" 0 "version 10 openings: no flags made up"
ct report daily --db "$WORK/v10.db"
like "$OUT" "recorded before flags were: judged by the configuration in force now" \
	"daily report: an old opening is marked as judged today"
ct report daily
like "$OUT" "back-dated\?" "daily report: today's opening is listed"
ok "$(grep -q 'recorded before flags were' <<<"$OUT"; [ $? -ne 0 ]; echo $?)" \
	"daily report: a recorded opening is not marked"

done_testing
