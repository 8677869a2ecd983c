#!/usr/bin/env bash
# Identity profiles in the ledger (issue 11): the configuration's default
# is apdu:seizo; each read is recorded with the profile and version that
# produced it; a count holding reads of one profile refuses a read of
# another, naming both, and records nothing; a typed number carries no
# profile; the old name apdu:mynumber opens the reader with a note on
# stderr.  Through the sim reader, whose cards stand for a chip reader's
# under the profile given.
. "$(dirname "$0")/lib.sh"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
export CARDTALLY_CONF="$WORK/none.conf" # every default
printf '%s\n' 'mgmt_id,serial,location,received' \
	'K1,04A101,SAFE1/T01,2026-01-01' 'K2,04A102,SAFE1/T01,2026-01-01' \
	'K3,04A103,SAFE1/T01,2026-01-01' >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
with_witness S02 2222 M01 1111 key open --purpose "monthly count"
# new_count CODE PIN: a full count, SAFE1/T01 CODE's (who scans it from
# then on: the rotation rule wants a third count by someone else); its id
# in $SID.
new_count() {
	WHO=$1 WHOPIN=$2
	as M01 1111 count start --kind full --assign "SAFE1/T01=$WHO"
	SID=$OUT
	[ "$RC" = 0 ] || diag "count start: $ERR"
}
# scan_sim SCRIPT [ARGS]: $WHO scans $SID's T01 with the sim reader.
scan_sim() {
	printf '%s\n' "$1" >"$WORK/t01.sim"
	shift
	as "$WHO" "$WHOPIN" scan --session "$SID" --range SAFE1/T01 \
		--reader "sim:$WORK/t01.sim" --json "$@"
}
profile_of() {
	sqlq "select coalesce(profile, '-') || ' ' ||
		coalesce(profile_version, '-') from scan where serial = '$1'
		and session_id = $SID"
}

# The default profile, with no configuration file: apdu:seizo.
new_count S02 2222
scan_sim "card 04A101"
is "$RC" 0 "a scan under the default profile: exit 0"
is "$(profile_of 04A101)" "apdu:seizo 1" \
	"no configuration: the read is recorded as apdu:seizo, version 1"

# The same count read with uid: refused, naming both, nothing recorded.
scan_sim "card 04A102" --profile uid
is "$RC" 65 "a uid read into a count of apdu:seizo reads: exit 65"
like "$ERR" "card 04A102 NOT counted: session $SID holds reads of identity profile apdu:seizo v1, and this one was read with uid v1" \
	"the refusal names both profiles"
is "$(printf '%s' "$OUT" | events event)" "refused" \
	"the read is reported refused, not accepted"
is "$(sqlq "select count(*) from scan where serial = '04A102'")" 0 \
	"the refused read is not recorded"

# A number typed by a barcode scanner carries no profile: taken.
printf '04A102\n' >"$WORK/typed"
as "$WHO" "$WHOPIN" scan --session "$SID" --range SAFE1/T01 --reader kbd: \
	--json <"$WORK/typed"
is "$RC" 0 "a typed number into the same count: exit 0"
is "$(profile_of 04A102)" "- -" "a typed number is recorded without a profile"

# The profile from the configuration file.
printf 'profile = uid\n' >"$WORK/uid.conf"
new_count S02 2222
CARDTALLY_CONF="$WORK/uid.conf" scan_sim "card 04A103"
is "$RC" 0 "a scan under the configuration's uid: exit 0"
is "$(profile_of 04A103)" "uid 1" "recorded as uid, version 1"

# The old name: read as apdu:jpki-auth, with a note on stderr.
new_count S03 3333
scan_sim "card 04A101" --profile apdu:mynumber
is "$RC" 0 "a scan with apdu:mynumber: exit 0"
like "$ERR" "^note: profile apdu:mynumber is now called apdu:jpki-auth" \
	"apdu:mynumber: the operator is told what it stands for now"
is "$(profile_of 04A101)" "apdu:jpki-auth 1" \
	"apdu:mynumber: recorded as apdu:jpki-auth"
# In Japanese, the operator reads the note in Japanese.
LC_ALL= LANG=ja_JP.UTF-8 scan_sim "card 04A101" --profile apdu:mynumber
like "$ERR" "^注意: プロファイル apdu:mynumber は apdu:jpki-auth に" \
	"apdu:mynumber under a Japanese locale: the note is Japanese"
scan_sim "card 04A102" --profile apdu:jpki-auth
is "$RC" 0 "the same count read with apdu:jpki-auth: the same profile"
is "$(printf '%s' "$ERR" | grep -c '^note:')" 0 \
	"apdu:jpki-auth: no note"

# A typed number that is an individual number (My Number) is refused
# wherever a person types one (issue 11), here as an ID to checkout and
# issue: exit 65, the message says to scan the slip or the chip, and the
# number is not echoed, not in the ledger and not in the audit log.
# Generated (the ordinance's check digit), never a real one.
MN=$(python3 -c '
import random
random.seed(11)
d = [random.randrange(10) for _ in range(11)]
s = sum(p * (n + 1 if n <= 6 else n - 5)
        for n, p in zip(range(1, 12), reversed(d)))
r = s % 11
print("".join(map(str, d)) + str(0 if r <= 1 else 11 - r))')
audit_before=$(sqlq "select count(*) from audit")
for verb in checkout issue; do
	as S02 2222 "$verb" "$MN"
	is "$RC" 65 "$verb of a typed My Number: exit 65"
	like "$ERR" "individual number \(My Number\).*scan the delivery slip's number or the card's chip" \
		"$verb of a typed My Number: says to scan the slip or the chip"
	is "$(printf '%s%s' "$OUT" "$ERR" | grep -c "$MN")" 0 \
		"$verb of a typed My Number: the number is not echoed"
done
is "$(sqlq "select count(*) from audit")" "$audit_before" \
	"a typed My Number: nothing written to the audit log"
is "$(sqlite3 "$CARDTALLY_DB" .dump | grep -c "$MN")" 0 \
	"a typed My Number: nowhere in the ledger"
# The same twelve digits with a wrong check digit are an unknown ID.
BAD=${MN:0:11}$(((${MN:11:1} + 1) % 10))
as S02 2222 checkout "$BAD"
is "$RC" 65 "a wrong check digit: an ordinary unknown ID (exit 65)"
like "$ERR" "$BAD" "a wrong check digit: the ID is named"

done_testing
