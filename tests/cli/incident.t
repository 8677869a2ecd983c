#!/usr/bin/env bash
# End-to-end tests of `report incident` (R10, R23): for every card a count
# found missing and nobody found since, the last sighting (time, place,
# person), the loss window from it to the moment the count reached the
# card's range, the custody events and the people in that window, and the
# openings of the safe in it; nothing outside the window.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo
T1=1769907600 # 2026-02-01T10:00:00+09:00: count 1
T2=1772413200 # 2026-03-02T10:00:00+09:00: count 2
DAY=86400
export CARDTALLY_NOW=$T1
iso() { TZ=Asia/Tokyo date -d "@$1" +%Y-%m-%dT%H:%M:%S+09:00; }
isore() { iso "$1" | sed 's/+/\\+/'; } # the same, as a regular expression

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received
A101,04A101,SAFE1/T01,2026-01-05
A102,04A102,SAFE1/T01,2026-01-05
A103,04A103,SAFE1/T01,2026-01-05
A104,04A104,SAFE1/T01,2026-01-05
A201,04A201,SAFE1/T02,2026-01-05
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
as M01 1111 key holder add M01 --order 1
as M01 1111 key holder add S02 --order 2

# at TIME CMD...: runs `as` with the clock at TIME.
at() {
	local t=$1
	shift
	CARDTALLY_NOW=$t as "$@"
}
scan_at() { # TIME CODE PIN SESSION RANGE CARD...
	local t=$1 code=$2 pin=$3 sid=$4 range=$5
	shift 5
	printf 'card %s\n' "$@" >"$WORK/s.sim"
	at "$t" "$code" "$pin" scan --session "$sid" --range "$range" \
		--reader "sim:$WORK/s.sim" --json
}
# open_safe TIME MINUTES PURPOSE: S03 opens the safe, M01 approves, S03
# closes it MINUTES later.
open_safe() {
	CARDTALLY_NOW=$1 ct key open --purpose "$3" --as S03 --pin-fd 3 \
		--witness M01 --witness-pin-fd 4 3<<<3333 4<<<1111
	at $(($1 + $2 * 60)) S03 3333 key close
}

# Before the window: an opening in January.
open_safe $((T1 - 10 * DAY)) 10 "january pickup"
# Count 1: everything there; the last scan of A101-A104 is T1.
as M01 1111 count start --kind partial --ranges SAFE1/T01 --assign SAFE1/T01=S03
scan_at $T1 S03 3333 1 SAFE1/T01 04A101 04A102 04A103 04A104
as S03 3333 count close 1
is "$RC" 0 "count 1 closed, nothing missing"

# In February: A103 goes to the window and back; the safe is opened twice.
open_safe $((T1 + 9 * DAY)) 15 "window cards"
at $((T1 + 11 * DAY)) S02 2222 checkout A103
is "$RC" 0 "A103 checked out by S02"
at $((T1 + 11 * DAY + 5 * 3600)) S02 2222 return A103
is "$RC" 0 "A103 returned by S02"
RET=$((T1 + 11 * DAY + 5 * 3600))
open_safe $((T1 + 19 * DAY)) 5 "look for a form"

# Count 2 on T2: S02 reads A101 and A104 in T01 at T2 + 60.  A102 and A103
# are missing.
export CARDTALLY_NOW=$T2
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
scan_at $((T2 + 60)) S02 2222 2 SAFE1/T01 04A101 04A104
# After the count reached T01: not in any window.
open_safe $((T2 + 2 * DAY)) 5 "after the count"

as M01 1111 count resolve 2 --card A102 --reason lost --note "reported to police"
is "$RC" 0 "A102 resolved lost"

ct report incident --count 2 --json
is "$RC" 0 "incident --json: exit 0"
J=$OUT
is "$(pyjson '[c["mgmt_id"] for c in d["cards"]]' <<<"$J")" '["A102","A103"]' \
	"affected: the missing cards (lost and not yet resolved)"
is "$(pyjson 'd["affected"]' <<<"$J")" 2 "affected: counted"
is "$(pyjson '(d["cards"][0]["last_seen"]["at"],d["cards"][0]["last_seen"]["location"],d["cards"][0]["last_seen"]["by"],d["cards"][0]["last_seen"]["what"])' <<<"$J")" \
	'["'"$(iso $T1)"'","SAFE1/T01","S03","scan in count 1"]' \
	"A102: last seen at count 1's scan, where and by whom"
is "$(pyjson '(d["cards"][0]["window"]["from"],d["cards"][0]["window"]["to"])' <<<"$J")" \
	'["'"$(iso $T1)"'","'"$(iso $((T2 + 60)))"'"]' \
	"A102: the window runs from the last scan to the count's scan of its range"
is "$(pyjson '[o["purpose"] for o in d["cards"][0]["key_openings"]]' <<<"$J")" \
	'["window cards","look for a form"]' \
	"A102: the openings inside the window, not those before or after"
is "$(pyjson '[(o["opened_by"],o["approved_by"]) for o in d["cards"][0]["key_openings"]]' <<<"$J")" \
	'[["S03","M01"],["S03","M01"]]' "A102: who opened and who approved"
is "$(pyjson '[(e["kind"],e["by"]) for e in d["cards"][0]["custody_events"]]' <<<"$J")" \
	'[]' "A102: no custody events"
is "$(pyjson '[(p["staff"],p["roles"]) for p in d["cards"][0]["people"]]' <<<"$J")" \
	'[["S03",["counted_range"]],["S02",["counted_range"]]]' \
	"A102: the people who counted its range in the window"
is "$(pyjson 'd["cards"][0]["resolution"]["reason"]' <<<"$J")" lost "A102: its resolution"

# A103: last seen when S02 returned it; the window starts there, so the
# first February opening (before the return) is outside it.
is "$(pyjson '(d["cards"][1]["last_seen"]["at"],d["cards"][1]["last_seen"]["by"],d["cards"][1]["last_seen"]["what"])' <<<"$J")" \
	'["'"$(iso $RET)"'","S02","custody return"]' "A103: last seen at its return"
is "$(pyjson 'd["cards"][1]["window"]["from"]' <<<"$J")" "$(iso $RET)" \
	"A103: the window starts at the return"
is "$(pyjson '[(e["kind"],e["by"]) for e in d["cards"][1]["custody_events"]]' <<<"$J")" \
	'[["return","S02"]]' "A103: the custody event in the window (not the earlier checkout)"
is "$(pyjson '[o["purpose"] for o in d["cards"][1]["key_openings"]]' <<<"$J")" \
	'["look for a form"]' "A103: only the opening after its return"
is "$(pyjson '[(p["staff"],p["roles"]) for p in d["cards"][1]["people"]]' <<<"$J")" \
	'[["S02",["handled","counted_range"]]]' "A103: S02 handled it and counted its range"
is "$(pyjson 'd["cards"][1]["resolution"]' <<<"$J")" "null" "A103: not resolved yet"

# A card found since (resolved recounted or found elsewhere) is no longer
# affected.
as M01 1111 count resolve 2 --card A103 --reason found_elsewhere \
	--note "on the window desk"
ct report incident --count 2 --json
is "$(pyjson '[c["mgmt_id"] for c in d["cards"]]' <<<"$OUT")" '["A102"]' \
	"found elsewhere: no longer in the incident list"

ct report incident --count 2
is "$RC" 0 "incident text: exit 0"
like "$OUT" "^A102  serial 04A102  home SAFE1/T01" "text: the card"
like "$OUT" "last seen   $(isore $T1) at SAFE1/T01" "text: last seen"
like "$OUT" "by S03 \\(Person S03\\), scan in count 1" "text: by whom"
like "$OUT" "window      $(isore $T1)" "text: the window"
like "$OUT" "purpose: look for a form" "text: an opening in the window"
if printf '%s\n' "$OUT" | grep -q "after the count\|january pickup"; then
	ok 1 "text: no opening outside the window"
else
	ok 0 "text: no opening outside the window"
fi
long=$(printf '%s\n' "$OUT" | awk '{ if (length($0) > 80) n++ } END { print n + 0 }')
is "$long" 0 "text: no line longer than 80 columns"

# A card never seen since import: the window opens on its received day.
as M01 1111 count start --kind partial --ranges SAFE1/T02 --assign SAFE1/T02=S03
scan_at $((T2 + 3600)) S03 3333 3 SAFE1/T02
ct report incident --count 3 --json
is "$(pyjson '(d["cards"][0]["mgmt_id"],d["cards"][0]["last_seen"],d["cards"][0]["window"]["from"],d["cards"][0]["window"]["from_is"])' <<<"$OUT")" \
	'["A201",null,"2026-01-05T00:00:00+09:00","received"]' \
	"never seen: the window opens on the day it was received"

ct report incident
is "$RC" 2 "incident without --count: exit 2"
ct report incident --count 99
is "$RC" 65 "incident of an unknown count: exit 65"
as S02 2222 tally start
ct report incident --count "$OUT"
is "$RC" 65 "incident of a tally: exit 65"

done_testing
