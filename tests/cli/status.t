#!/usr/bin/env bash
# End-to-end tests of `cardtally status`: read-only, no person needed; the
# safe (open since when, by whom, flagged), today's openings and their
# flags, counts still open, tallies open or missing something, the cards
# and terminals checked out, locked accounts and training gaps, in text and
# JSON, down to how many cards are due for disposal.
. "$(dirname "$0")/lib.sh"

# 2026-03-02 10:00 in Tokyo.
export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"
T0=1772413200
MIN=60
# The ledger is set up the day before, at 16:00: the clock only goes
# forward (audit verify reports an entry dated back).
export CARDTALLY_NOW=$((T0 - 18 * 60 * MIN))

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf 'mgmt_id,serial,location,received\nA101,04A101,SAFE1/T01,2025-06-01\n' \
	>"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
as M01 1111 key holder add S02 --order 1

CARDTALLY_NOW=$T0 ct status
is "$RC" 0 "fresh ledger: exit 0"
is_text "$OUT" "status 2026-03-02T10:00:00+09:00
safe: closed
key log today:
  none
handled today while the safe was recorded closed:
  none
open counts:
  none
tallies open or missing:
  none
checked out:
  none
locked accounts:
  none
training gaps:
  none
plan: no cycle plan (plan cycle --months K --apply)
  ranges: 1, never counted in full: 1
lost cards:
  none
due for disposal: 0" \
	"fresh ledger: everything closed and empty"

# Yesterday's opening, long and late; today's, still open past the limit.
CARDTALLY_NOW=$((T0 - 17 * 60 * MIN)) ct key open --purpose "late" \
	--as S03 --pin-fd 3 --witness S02 --witness-pin-fd 4 3<<<3333 4<<<2222
is "$RC" 0 "prepared: an opening yesterday 17:00"
CARDTALLY_NOW=$((T0 - 16 * 60 * MIN)) as S03 3333 key close
export CARDTALLY_NOW=$T0
ct key open --purpose "pickups" --as S03 --pin-fd 3 --witness S02 \
	--witness-pin-fd 4 3<<<3333 4<<<2222
is "$RC" 0 "prepared: the safe opened at 10:00"
as S02 2222 count start --kind full
is "$RC" 0 "prepared: a count left open"
# Five wrong PINs lock P04.
for i in 1 2 3 4 5; do as P04 0000 note add --text x; done
as M01 1111 training course add BASIC --name "Card handling" \
	--required-for cards --valid-days 365
as M01 1111 training record BASIC --staff S02,M01 --date 2026-03-01
as M01 1111 training record BASIC --staff S03 --date 2025-03-01

CARDTALLY_NOW=$((T0 + 40 * MIN)) ct status
is "$RC" 0 "status: exit 0"
is_text "$OUT" "status 2026-03-02T10:40:00+09:00
safe: OPEN since 2026-03-02T10:00:00+09:00 (40 min) by S03, approved by S02: pickups  FLAGGED: open too long
key log today:
     2  2026-03-02 10:00 - open  40 min
        by S03, approved by S02
        pickups
        FLAGGED: open too long
  1 flagged
handled today while the safe was recorded closed:
  none
open counts:
     1  full     started 2026-03-02T10:00:00+09:00 by S02
tallies open or missing:
  none
checked out:
  none
locked accounts:
  P04 (Person P04)
training gaps:
  P04        BASIC missing
  S03        BASIC expired since 2026-03-01
plan: no cycle plan (plan cycle --months K --apply)
  ranges: 1, never counted in full: 1
lost cards:
  none
due for disposal: 0" \
	"status: the safe, today's key log, counts, locks, training gaps"

CARDTALLY_NOW=$((T0 + 40 * MIN)) ct status --json
is "$RC" 0 "status --json: exit 0"
is "$(pyjson '[d["date"], d["safe"]["open"], d["safe"]["opened_by"],
	d["safe"]["approved_by"], d["safe"]["open_minutes"],
	d["safe"]["flags"]]' <<<"$OUT")" \
	'["2026-03-02",true,"S03","S02",40,["long"]]' "status --json: the safe"
is "$(pyjson '[[o["id"], o["flags"]] for o in d["key_log_today"]]' \
	<<<"$OUT")" '[[2,["long"]]]' "status --json: today's openings only"
is "$(pyjson '[d["key_flags_today"], [s["session"] for s in d["open_counts"]],
	d["locked_accounts"]]' <<<"$OUT")" '[1,[1],["P04"]]' \
	"status --json: flags, open counts, locked accounts"
is "$(pyjson '[[g["staff"], g["course"], g["state"], g["since"]]
	for g in d["training_gaps"]]' <<<"$OUT")" \
	'[["P04","BASIC","missing",null],["S03","BASIC","expired","2026-03-01"]]' \
	"status --json: training gaps"
is "$(pyjson 'd["disposal_due"]' <<<"$OUT")" 0 \
	"status --json: nothing due for disposal"

# Within the limit, and once closed, nothing is flagged today.
CARDTALLY_NOW=$((T0 + 10 * MIN)) ct status --json
is "$(pyjson '[d["safe"]["flags"], d["key_flags_today"]]' <<<"$OUT")" \
	'[[],0]' "10 minutes open: not flagged"
CARDTALLY_NOW=$((T0 + 15 * MIN)) as S03 3333 key close
before=$(ledger_state)
CARDTALLY_NOW=$((T0 + 60 * MIN)) ct status --json
is "$(pyjson '[d["safe"], d["key_flags_today"]]' <<<"$OUT")" \
	'[{"open":false},0]' "closed after 15 minutes: closed, no flags"
# Read-only and without a person: nothing changed, no audit row.
is "$(ledger_state)" "$before" "status changed nothing"
ct audit verify
is "$RC" 0 "audit verify: intact"

# ---- custody: what is out, and the end-of-day tally (R11, R12) ----
# The tallies and checked-out parts of the text status.
section() { printf '%s\n' "$1" | sed -n '/^tallies open/,/^locked accounts:/p' |
	sed '$d'; }
as M01 1111 asset add TERM1 --name "Issuing terminal 1" --tag 04FFEE01 \
	--location SAFE1/SHELF
CARDTALLY_NOW=$((T0 + 70 * MIN)) as S02 2222 checkout A101 TERM1
is "$RC" 0 "prepared: a card and a terminal checked out at 11:10"
CARDTALLY_NOW=$((T0 + 80 * MIN)) ct status
is "$RC" 0 "checked out: exit 0"
is_text "$(section "$OUT")" "tallies open or missing:
  none
checked out:
  card     A101         out by S02      since 2026-03-02T11:10:00+09:00 for 2026-03-02 (home SAFE1/T01)
  terminal TERM1        out by S02      since 2026-03-02T11:10:00+09:00 for 2026-03-02 (home SAFE1/SHELF)" \
	"status: the card and the terminal that are out"
like "$OUT" "^due for disposal: 0$" \
	"status: the disposal-due count"

CARDTALLY_NOW=$((T0 + 7 * 60 * MIN)) as S02 2222 tally start
is "$RC" 0 "prepared: a tally opened at 17:00"
tid=$OUT
CARDTALLY_NOW=$((T0 + 7 * 60 * MIN + MIN)) ct status --json
is "$(pyjson '[[t["session"], t["open"], t["started_by"], t["expected"],
	t["missing"]] for t in d["tallies"]]' <<<"$OUT")" \
	"[[$tid,true,\"S02\",2,2]]" "status --json: the open tally, 2 missing"
is "$(pyjson '[[c.get("mgmt_id"), c.get("asset"), c["checked_out_by"],
	c["for"], c["location"]] for c in d["checked_out"]]' <<<"$OUT")" \
	'[["A101",null,"S02","2026-03-02","SAFE1/T01"],[null,"TERM1","S02","2026-03-02","SAFE1/SHELF"]]' \
	"status --json: what is checked out, by whom, for when"
is "$(pyjson '[s["session"] for s in d["open_counts"]]' <<<"$OUT")" '[1]' \
	"status --json: a tally is not listed among the open counts"

# Closed imbalanced: still shown, until what is missing comes back.
CARDTALLY_NOW=$((T0 + 8 * 60 * MIN)) ct tally close "$tid" --note "at home" \
	--as S02 --pin-fd 3 --witness M01 --witness-pin-fd 4 3<<<2222 4<<<1111
is "$RC" 0 "prepared: the tally closed imbalanced with a witness"
CARDTALLY_NOW=$((T0 + 8 * 60 * MIN)) ct status
is_text "$(section "$OUT" | head -n 2)" "tallies open or missing:
  $(printf '%4s' "$tid")  closed started 2026-03-02T17:00:00+09:00 by S02, expected 2, missing 2" \
	"status: an imbalanced closed tally stays visible"
CARDTALLY_NOW=$((T0 + 9 * 60 * MIN)) as S02 2222 return A101 TERM1
is "$RC" 0 "prepared: both returned"
CARDTALLY_NOW=$((T0 + 9 * 60 * MIN)) ct status --json
is "$(pyjson '[d["tallies"], d["checked_out"]]' <<<"$OUT")" '[[],[]]' \
	"status --json: resolved tally and nothing out: both lists empty"

done_testing
