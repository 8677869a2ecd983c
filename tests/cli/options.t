#!/usr/bin/env bash
# The options as cardtally(1) "COMMON OPTIONS" gives them: an option given
# twice is a usage error for the common options too (--db, --as, --pin-fd,
# --witness, --witness-pin-fd, --json), refused before any PIN is read; a
# PIN descriptor that is not open or gives nothing is said as such, not as a
# PIN of the wrong shape, and no PIN is tried; an empty item in a
# comma-separated list (--ranges, --assign, --card, --staff) is a usage
# error naming the option and the item.  None of these changes the ledger.
. "$(dirname "$0")/lib.sh"

# 2026-03-02 10:00 in Tokyo.
export CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
as M01 1111 staff add S05 --name "Person S05" --role staff --new-pin-fd 4 \
	4<<<5555
is "$RC" 0 "prepared: a fifth person"
as M01 1111 key holder add S02 --order 1
is "$RC" 0 "prepared: S02 holds the key"
as M01 1111 key holder add S05 --order 2
is "$RC" 0 "prepared: S05 is the deputy"
{
	echo mgmt_id,serial,location,received
	echo A101,04A101,SAFE1/T01,2025-06-01
	echo A102,04A102,SAFE1/T01,2025-06-01
	echo A201,04A201,SAFE1/T02,2025-06-01
	echo A301,04A301,SAFE1/T03,2025-06-01
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"
as M01 1111 training course add BASIC --name "Card handling"
is "$RC" 0 "prepared: a course"

# The whole ledger, to show that a refused command changed nothing (no
# note, no session, no PIN try, no audit row).
state() { sqlite3 -batch "$CARDTALLY_DB" .dump | sha256sum | cut -c1-16; }
failed() { sqlq "select code || '=' || failed_pins from staff
	where failed_pins > 0 order by code"; }

# try ARGS...: ct ARGS..., the ledger's state noted first.
try() {
	before=$(state) before_failed=$(failed)
	ct "$@"
}
# refused NAME STATUS ERE: the last command (run with try) exited STATUS,
# said ERE, and left the ledger as it was.
refused() {
	is "$RC" "$2" "$1: exit $2"
	like "$ERR" "$3" "$1: says why"
	is "$(state)" "$before" "$1: the ledger is unchanged"
	is "$(failed)" "$before_failed" "$1: no PIN try recorded"
}

# ---- a common option given twice ---------------------------------------------

# Two people named: the command used to run for the last one (S03, whose
# PIN was given), though P04 was named first.
try note add --text "two people" --as P04 --as S03 --pin-fd 3 3<<<3333
refused "--as twice" 2 '^cardtally: --as is given twice$'
like "$ERR" '^usage: cardtally note add' "--as twice: the usage follows"
try note add --text "the same person twice" --as=S03 --as S03 --pin-fd 3 \
	3<<<3333
refused "--as twice, the same code" 2 '^cardtally: --as is given twice$'

# Nothing is read from a PIN descriptor of a refused command: the PINs are
# still there for whoever reads the descriptors next.
printf '3333\n' >"$WORK/pin.a"
printf '2222\n' >"$WORK/pin.b"
exec 5<"$WORK/pin.a" 6<"$WORK/pin.b"
try note add --text "two descriptors" --as S03 --pin-fd 5 --pin-fd 6
refused "--pin-fd twice" 2 '^cardtally: --pin-fd is given twice$'
read -r left5 <&5
read -r left6 <&6
is "$left5 $left6" "3333 2222" "--pin-fd twice: no PIN read from either"
exec 5<&- 6<&-

# Two ledgers: the last one was used.
try note add --text "two ledgers" --db "$WORK/other.db" --db "$CARDTALLY_DB" \
	--as S03 --pin-fd 3 3<<<3333
refused "--db twice" 2 '^cardtally: --db is given twice$'
ok "$([ ! -e "$WORK/other.db" ]; echo $?)" "--db twice: no other ledger made"

# Two witnesses: the first was asked, with the PIN meant for the second,
# and a failed PIN was recorded against M01, who typed nothing.
try key open --purpose x --as S02 --pin-fd 3 --witness M01 --witness S05 \
	--witness-pin-fd 4 3<<<2222 4<<<5555
refused "--witness twice" 2 '^cardtally: --witness is given twice$'
is "$(sqlq 'select count(*) from key_opening')" 0 \
	"--witness twice: the safe is not opened"

# Two witness PIN descriptors: the first was read, the second ignored.
printf '0000\n' >"$WORK/pin.c"
printf '5555\n' >"$WORK/pin.d"
exec 5<"$WORK/pin.c" 6<"$WORK/pin.d"
try key open --purpose x --as S02 --pin-fd 3 --witness S05 \
	--witness-pin-fd 5 --witness-pin-fd=6 3<<<2222
refused "--witness-pin-fd twice" 2 \
	'^cardtally: --witness-pin-fd is given twice$'
read -r left5 <&5
read -r left6 <&6
is "$left5 $left6" "0000 5555" "--witness-pin-fd twice: no PIN read"
exec 5<&- 6<&-

# A flag of the common options, as a command's own flag.
try status --json --json
refused "--json twice" 2 '^cardtally: --json is given twice$'
is "$OUT" "" "--json twice: nothing on stdout"

# ---- a PIN descriptor with nothing to read -------------------------------------

# Not open: said as such (it was "a PIN is 4-12 digits"), and no PIN tried.
try note add --text "closed fd" --as S03 --pin-fd 9 9<&-
refused "--pin-fd not open" 2 \
	'^cardtally: cannot read the PIN from fd 9 \(--pin-fd\): Bad file descriptor$'
# At its end at once.
try note add --text "empty fd" --as S03 --pin-fd 3 3</dev/null
refused "--pin-fd at its end" 2 \
	'^cardtally: cannot read the PIN from fd 3 \(--pin-fd\): end of file$'
# Not readable: a directory.
try note add --text "a directory" --as S03 --pin-fd 3 3<"$WORK"
refused "--pin-fd on a directory" 2 \
	'^cardtally: cannot read the PIN from fd 3 \(--pin-fd\): Is a directory$'
# The witness's and a new person's descriptors are said the same way.
try key open --purpose x --as S02 --pin-fd 3 --witness S05 \
	--witness-pin-fd 4 3<<<2222 4</dev/null
refused "--witness-pin-fd at its end" 2 \
	'^cardtally: cannot read the PIN from fd 4 \(--witness-pin-fd\): end of file$'
try staff add S09 --name "Person S09" --role staff --as M01 --pin-fd 3 \
	--new-pin-fd 4 3<<<1111 4</dev/null
refused "--new-pin-fd at its end" 2 \
	'^cardtally: cannot read the PIN from fd 4 \(--new-pin-fd\): end of file$'
# An empty line is a PIN, of the wrong shape, as before.
try note add --text "empty line" --as S03 --pin-fd 3 3<<<""
refused "an empty PIN line" 65 '^cardtally: a PIN is 4-12 digits$'

# ---- an empty item in a list ------------------------------------------------------

# "SAFE1/T02," counted SAFE1/T02 alone.
try count start --kind partial --ranges SAFE1/T02, --as M01 --pin-fd 3 \
	3<<<1111
refused "--ranges with an empty last item" 2 \
	"^cardtally: --ranges: item 2 of 'SAFE1/T02,' is empty$"
try count start --kind partial --ranges ,SAFE1/T02 --as M01 --pin-fd 3 \
	3<<<1111
refused "--ranges with an empty first item" 2 \
	"^cardtally: --ranges: item 1 of ',SAFE1/T02' is empty$"
try count start --kind partial --ranges SAFE1/T02,,SAFE1/T03 --as M01 \
	--pin-fd 3 3<<<1111
refused "--ranges with an empty middle item" 2 \
	"^cardtally: --ranges: item 2 of 'SAFE1/T02,,SAFE1/T03' is empty$"
try count start --kind partial --ranges "" --as M01 --pin-fd 3 3<<<1111
refused "--ranges empty" 2 "^cardtally: --ranges is empty$"
try count start --kind partial --ranges SAFE1/T02 --assign SAFE1/T02=S02, \
	--as M01 --pin-fd 3 3<<<1111
refused "--assign with an empty item" 2 \
	"^cardtally: --assign: item 2 of 'SAFE1/T02=S02,' is empty$"

# "S02,,S03" recorded S02 and S03.
try training record BASIC --staff S02,,S03 --date 2026-03-01 --as M01 \
	--pin-fd 3 3<<<1111
refused "--staff with an empty item" 2 \
	"^cardtally: --staff: item 2 of 'S02,,S03' is empty$"

# A count over SAFE1/T01 that misses A102; "A102," resolved it.
with_witness S02 2222 S05 5555 key open --purpose "count"
is "$RC" 0 "prepared: the safe is open"
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$RC" 0 "prepared: a count over SAFE1/T01"
id=$OUT
printf 'card 04A101\nremove\n' >"$WORK/t01.sim"
as S02 2222 scan --session "$id" --range SAFE1/T01 \
	--reader "sim:$WORK/t01.sim"
is "$RC" 0 "prepared: A101 read, A102 missing"
try count resolve "$id" --card A102, --reason lost --as M01 --pin-fd 3 \
	3<<<1111
refused "--card with an empty item" 2 \
	"^cardtally: --card: item 2 of 'A102,' is empty$"
try count resolve "$id" --card "" --reason lost --as M01 --pin-fd 3 \
	3<<<1111
refused "--card empty" 2 \
	"^cardtally: --card needs a management ID or serial$"

# ---- each option once still works --------------------------------------------------

as M01 1111 count resolve "$id" --card A102 --reason lost --note "not there"
is "$RC" 0 "--card with one item: resolved"
ct training record BASIC --staff=S02,S03 --date 2026-03-01 --as=M01 \
	--pin-fd=3 3<<<1111
is "$RC" 0 "--staff with two items, --name=value forms: recorded"
is "$(sqlq "select group_concat(code, ',') from (select s.code from
	attendance a join staff s on s.id = a.staff_id order by s.code)")" \
	"S02,S03" \
	"--staff with two items: both attended"
ct key close --as S02 --pin-fd 3 3<<<2222
is "$RC" 0 "the safe is closed"
ct key open --purpose again --as S02 --pin-fd 3 --witness S05 \
	--witness-pin-fd 4 --json 3<<<2222 4<<<5555
is "$RC" 0 "key open with one witness: exit 0"
is "$(sqlq "select count(*) from key_opening")" 2 \
	"key open with one witness: recorded"
is "$(failed)" "" "no failed PIN recorded by any of it"

# ---- numbers ---------------------------------------------------------------

# A session id, a count and a total are whole numbers as typed: no sign, no
# space, and none so large that it would be taken for another.
before=$(state)
for bad in 99999999999999999999999 +1 " 1" 1x 0 -1; do
	ct reconcile "$bad"
	is "$RC" 2 "reconcile '$bad': usage error"
	ok "$(printf '%s' "$ERR" | grep -qF "'$bad' is not a session id"; echo $?)" \
		"reconcile '$bad': says so"
done
ct audit show --last 99999999999999999999
is "$RC" 2 "audit show --last beyond any number: usage error"
as S02 2222 count total --session 1 --range SAFE1/T01 --cards 10000001
is "$RC" 2 "count total --cards beyond the limit: usage error"
like "$ERR" "--cards takes a number of cards, 0 to 10000000, not '10000001'" \
	"count total --cards: names the limit"
is "$(state)" "$before" "numbers refused: the ledger unchanged"

done_testing
