#!/usr/bin/env bash
# End-to-end tests of the counting programme (R5, R6): the rotation planner
# behind `count start` and `plan assign`, the refusal of manual assignments
# that break the rotation rule, count-only checks (`count start --kind
# countonly`, `count total`, `reconcile`), cycle plans (`plan cycle`) and the
# plan section of `status`, with every refusal.
. "$(dirname "$0")/lib.sh"

# 2026-03-02 10:00 Tokyo.
export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
DAY=86400

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }

cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received
A101,04A101,SAFE1/T01,2025-06-01
A102,04A102,SAFE1/T01,2025-06-01
A201,04A201,SAFE1/T02,2025-06-02
A301,04A301,SAFE1/T03,2025-06-03
A302,04A302,SAFE1/T03,2025-06-03
A401,04A401,SAFE1/T04,2025-06-03
EOF
as S02 2222 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"

# assignments COUNT: "RANGE=STAFF ..." from plan assign --json.
assignments() {
	ct plan assign --count "$1" --json
	printf '%s' "$OUT" | pyjson '" ".join(a["range"] + "=" + a["staff"]
		for a in d["assignments"])'
}

# ---- count start plans every range nobody was named for ---------------------

as M01 1111 count start --kind full --json
is "$RC" 0 "full count: started"
is "$(printf '%s' "$OUT" | pyjson 'd["session"]')" 1 "full count: session 1"
is "$(printf '%s' "$OUT" | pyjson 'len(d["assignments"])')" 4 \
	"full count: all four ranges assigned by the planner"
is "$(printf '%s' "$OUT" | pyjson 'd["unassigned"]')" "[]" \
	"full count: nothing unassigned"
# One range each for the four people (M01, S02, S03, P04): the planner spreads
# the work, and the one who opened the count comes first among equals.
is "$(printf '%s' "$OUT" | pyjson 'sorted(a["staff"] for a in d["assignments"])')" \
	'["M01","P04","S02","S03"]' "full count: one range per person"
is "$(sqlq "select count(*) from session_range where session_id = 1 and assignee_id is null")" 0 \
	"full count: every range has its one person in the ledger (R7)"
is "$(sqlq "select count(*) from audit where action = 'count.assign'")" 4 \
	"full count: each assignment is audited"

# A manual assignment, and then S02 twice more on SAFE1/T01.
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$RC" 0 "partial count 2: T01 given to S02 by hand"
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$RC" 0 "partial count 3: T01 given to S02 again (twice in a row)"
before=$(ledger_state)
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$RC" 77 "a third time in a row: refused with 77"
like "$ERR" "rotation rule \(R6\): S02 counted SAFE1/T01 in each of its last two counts \(session 2 on 2026-03-02 and session 3 on 2026-03-02\)" \
	"the refusal names the rule and the two previous counts"
is "$(ledger_state)" "$before" "the refused count changed nothing"

# Without --assign, the planner passes S02 over for T01.
as S02 2222 count start --kind partial --ranges SAFE1/T01 --json
is "$RC" 0 "count 4: started by S02 without --assign"
staff=$(printf '%s' "$OUT" | pyjson 'd["assignments"][0]["staff"]')
ok $([ "$staff" != S02 ] && echo 0 || echo 1) \
	"count 4: the planner gives T01 to someone else than S02 ($staff)"

# ---- plan assign --------------------------------------------------------------

as S02 2222 count start --kind partial --ranges SAFE1/T02,SAFE1/T03 \
	--assign SAFE1/T02=S03
is "$RC" 0 "count 5: T02 by hand, T03 by the planner"
ct plan assign --count 5 --json
is "$RC" 0 "plan assign --json: exit 0, no person needed to look"
is "$(printf '%s' "$OUT" | pyjson '[(a["range"], a["staff"], a["kept"]) for a in d["assignments"]]')" \
	'[["SAFE1/T02","S03",true],["SAFE1/T03","S02",true]]' \
	"plan assign: keeps what count 5 has, by range"

# Manual reassignment is not possible in plan assign; a count opened before
# the planner existed is simulated by clearing its assignees.
sqlq "update session_range set assignee_id = null where session_id = 5"
ct plan assign --count 5 --json
is "$(printf '%s' "$OUT" | pyjson '[a["kept"] for a in d["assignments"]]')" \
	'[false,false]' "plan assign: proposes for unassigned ranges"
is "$(sqlq "select count(*) from session_range where session_id = 5 and assignee_id is not null")" 0 \
	"plan assign without --apply changes nothing"
as S02 2222 plan assign --count 5 --apply
is "$RC" 77 "plan assign --apply by staff: refused with 77"
like "$ERR" "only a manager may apply a counting plan" \
	"plan assign --apply by staff: names the rule"
as M01 1111 plan assign --count 5 --apply --json
is "$RC" 0 "plan assign --apply by a manager: exit 0"
is "$(sqlq "select count(*) from session_range where session_id = 5 and assignee_id is not null")" 2 \
	"plan assign --apply: both ranges assigned"
is "$(printf '%s' "$OUT" | pyjson 'd["applied"]')" true "plan assign --apply: says so"

ct plan assign --count 99
is "$RC" 65 "plan assign for an unknown count: 65"
like "$ERR" "no count 99" "plan assign for an unknown count: says so"
ct plan assign --count abc
is "$RC" 2 "plan assign --count abc: usage error"
ct plan assign
is "$RC" 2 "plan assign without --count: usage error"
like "$ERR" "--count ID is required" "plan assign without --count: says so"

# ---- nobody left: the range and the exact reason ------------------------------

# A second ledger with one person who may count: M01 counts T01 twice, then
# nobody else is trained (a required course only M01 attended).
export CARDTALLY_DB="$WORK/small.db"
new_ledger
as M01 1111 import "$WORK/stock.csv"
as M01 1111 training course add BASIC --name "Card handling" --required-for cards
as M01 1111 training record BASIC --staff M01 --date 2026-03-01
as M01 1111 count start --kind partial --ranges SAFE1/T01
as M01 1111 count start --kind partial --ranges SAFE1/T01
is "$(sqlq "select group_concat(s.code) from session_range r join staff s on s.id = r.assignee_id")" \
	"M01,M01" "small ward: M01 was the only one who could count T01, twice"
as M01 1111 count start --kind partial --ranges SAFE1/T01 --json
is "$RC" 0 "third count: opened anyway"
is "$(printf '%s' "$OUT" | pyjson 'd["unassigned"][0]["range"]')" SAFE1/T01 \
	"third count: T01 is unassigned"
like "$(printf '%s' "$OUT" | pyjson 'd["unassigned"][0]["why"]')" \
	"^M01 counted it in each of its last two counts \(sessions 1 and 2\) and nobody else is active, trained and allowed to count \(P04 not trained, S02 not trained, S03 not trained\)$" \
	"third count: says exactly why nobody may count it"
as M01 1111 count start --kind partial --ranges SAFE1/T01
like "$ERR" "range SAFE1/T01 has nobody to count it: M01 counted it" \
	"count start in text: the unassigned range on stderr"
export CARDTALLY_DB="$WORK/ledger.db"

# ---- a locked account is never proposed, nor given a range by hand ----------

export CARDTALLY_DB="$WORK/locked.db"
new_ledger
as M01 1111 import "$WORK/stock.csv"
for i in 1 2 3 4 5; do as S03 0000 note add --text x; done
like "$ERR" "locked" "locked ward: S03 locked after 5 wrong PINs"
as M01 1111 count start --kind full --json
is "$RC" 0 "locked ward: a full count opened"
is "$(printf '%s' "$OUT" | pyjson 'sorted(set(a["staff"] for a in d["assignments"]))')" \
	'["M01","P04","S02"]' "locked ward: the planner gives S03 nothing"
before=$(ledger_state)
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S03
is "$RC" 77 "locked ward: T01 given to locked S03 by hand: refused with 77"
like "$ERR" "cannot give SAFE1/T01 to S03: account S03 is locked after wrong PINs: a manager must unlock it" \
	"locked ward: the refusal says the account is locked"
is "$(ledger_state)" "$before" "locked ward: the refused count changed nothing"
export CARDTALLY_DB="$WORK/ledger.db"

# ---- count-only checks ---------------------------------------------------------

as M01 1111 count start --kind countonly --ranges SAFE1/T01,SAFE1/T03 \
	--assign SAFE1/T01=S03,SAFE1/T03=S03
is "$RC" 0 "countonly count: started"
CO=$OUT
as S03 3333 count total --session "$CO" --range SAFE1/T01 --cards 2 --json
is "$RC" 0 "typed total: exit 0"
is "$(printf '%s' "$OUT" | pyjson '[d["cards"], d["expected"], d["state"], d["method"]]')" \
	'[2,2,"ok","typed"]' "typed total 2 for T01: matches the ledger"
printf 'card 04A301\nremove\ncard 04A302\nremove\ncard 04A301\nremove\ncard FFFF01\nremove\n' \
	>"$WORK/t03.sim"
as S03 3333 count total --session "$CO" --range SAFE1/T03 --reader "sim:$WORK/t03.sim" --json
is "$RC" 0 "reader total: exit 0"
is "$(printf '%s' "$OUT" | pyjson '[d["cards"], d["expected"], d["state"], d["method"]]')" \
	'[3,2,"over","reader"]' \
	"reader total: 3 distinct cards read (one twice), the ledger has 2: over"
is "$(sqlq "select count(*) from scan where session_id = $CO")" 0 \
	"reader total: serials are not recorded (count only)"
ct reconcile "$CO" --json
is "$RC" 1 "reconcile of a countonly check with a difference: exit 1"
is "$(printf '%s' "$OUT" | pyjson '[(r["range"], r["expected"], r["counted"], r["difference"], r["state"], r["by"]) for r in d["ranges"]]')" \
	'[["SAFE1/T01",2,2,0,"ok","S03"],["SAFE1/T03",2,3,1,"over","S03"]]' \
	"reconcile: per range expected, counted, difference, state, by"
as S03 3333 count total --session "$CO" --range SAFE1/T03 --cards 2
is "$RC" 0 "a recount typed: exit 0"
like "$OUT" "SAFE1/T03: 2 cards \(typed\), the ledger has 2: matches" \
	"a recount typed: says it matches"
ct reconcile "$CO"
is "$RC" 0 "reconcile after the recount: the newest total counts, exit 0"
as S02 2222 count total --session "$CO" --range SAFE1/T01 --cards 2
is "$RC" 77 "count total by someone else than the assignee: 77"
as S03 3333 count total --session "$CO" --range SAFE1/T02 --cards 1
is "$RC" 65 "count total for a range outside the check: 65"
as S03 3333 count total --session 1 --range SAFE1/T01 --cards 1
is "$RC" 65 "count total into a full count: 65"
like "$ERR" "countonly" "count total into a full count: says totals are for countonly"
as S03 3333 count total --session "$CO" --range SAFE1/T01 --cards -3
is "$RC" 2 "count total --cards -3: usage error"
as S03 3333 count total --session "$CO" --range SAFE1/T01
is "$RC" 2 "count total without --cards or --reader: usage error"
as S03 3333 scan --session "$CO" --range SAFE1/T01 --reader "sim:$WORK/t03.sim"
is "$RC" 65 "scan into a countonly check: 65"
like "$ERR" "count-only check" "scan into a countonly check: says use count total"
as S03 3333 count close "$CO"
is "$RC" 0 "countonly check without differences: closes without a witness"

as M01 1111 count start --kind countonly --ranges SAFE1/T02 --assign SAFE1/T02=S03
CO2=$OUT
as S03 3333 count total --session "$CO2" --range SAFE1/T02 --cards 0
ct reconcile "$CO2"
is "$RC" 1 "typed total 0 for a tray of 1: exit 1"
like "$OUT" "SAFE1/T02 +expected 1, counted 0 by S03: short" "text report: short"
as S03 3333 count close "$CO2"
is "$RC" 77 "closing a countonly check with a difference needs a witness"

# ---- cycle plans ---------------------------------------------------------------

# A full count counts for the cycle once closed.  Count 1 covered all four
# trays; a newer full count of T01 and T04 makes T02 and T03 the oldest.
# Nothing was read, so every card is missing: a manager resolves each one
# before the witnessed close (the record book's rule).
as M01 1111 count resolve 1 --card A101,A102,A201,A301,A302,A401 \
	--reason found_elsewhere --note "at the window"
is "$RC" 0 "full count 1: its missing cards resolved"
as S02 2222 count close 1 --witness M01 --witness-pin-fd 4 4<<<1111
is "$RC" 0 "full count 1 closed (witnessed: nothing was read)"
# A day later, and the rest of the test then (the clock only goes forward:
# audit verify reports an entry dated back).
T0=$CARDTALLY_NOW
export CARDTALLY_NOW=$((T0 + DAY))
as M01 1111 count start \
	--kind partial --ranges SAFE1/T01,SAFE1/T04 \
	--assign SAFE1/T01=S03,SAFE1/T04=P04
NEWER=$OUT
as M01 1111 count resolve "$NEWER" --card A101,A102,A401 \
	--reason found_elsewhere --note "at the window"
is "$RC" 0 "count $NEWER: its missing cards resolved"
as S02 2222 count close "$NEWER" --witness M01 --witness-pin-fd 4 4<<<1111
is "$RC" 0 "a newer full count of T01 and T04, closed"

ct plan cycle --months 2 --start 2026-04 --json
is "$RC" 0 "plan cycle --months 2: exit 0"
is "$(printf '%s' "$OUT" | pyjson '[d["months"], d["share"], d["plan"]]')" '[2,2,null]' \
	"plan cycle: 2 months, 2 ranges a month, not stored without --apply"
is "$(printf '%s' "$OUT" | pyjson '[(s["month"], s["full"]) for s in d["schedule"]]')" \
	'[["2026-04",["SAFE1/T02","SAFE1/T03"]],["2026-05",["SAFE1/T01","SAFE1/T04"]]]' \
	"plan cycle: the oldest-counted ranges first"
is "$(printf '%s' "$OUT" | pyjson 'd["schedule"][0]["countonly"]')" \
	'["SAFE1/T01","SAFE1/T04"]' "plan cycle: the others get a count-only check"
is "$(printf '%s' "$OUT" | pyjson '[(r["range"], r["last_by"]) for r in d["ranges"] if r["last_full"]]')" \
	'[["SAFE1/T01",["S03"]],["SAFE1/T02",["P04"]],["SAFE1/T03",["S02"]],["SAFE1/T04",["P04"]]]' \
	"plan cycle --json: who made each range's last full count"
is "$(sqlq 'select count(*) from cycle_plan')" 0 "plan cycle without --apply stores nothing"

as S02 2222 plan cycle --months 2 --apply
is "$RC" 77 "plan cycle --apply by staff: 77"
like "$ERR" "only a manager" "plan cycle --apply by staff: names the rule"
for bad in 0 13 x 1.5 ""; do
	ct plan cycle --months "$bad"
	is "$RC" 2 "plan cycle --months '$bad': usage error"
done
like "$ERR" "whole number of months from 1 to 12" "bad --months: says what is allowed"
ct plan cycle --months 2 --start 2026-13
is "$RC" 2 "plan cycle --start 2026-13: usage error"

as M01 1111 plan cycle --months 2 --start 2026-04 --apply --json
is "$RC" 0 "plan cycle --apply by a manager: exit 0"
is "$(printf '%s' "$OUT" | pyjson 'd["plan"]')" 1 "plan cycle --apply: stored as plan 1"
is "$(sqlq "select action from audit order by id desc limit 1")" plan.cycle \
	"plan cycle --apply: audited"

# ---- status --------------------------------------------------------------------

# who SESSION RANGE: the assignee of a range in a count, from the ledger.
who() {
	sqlq "select s.code from session_range r join staff s on s.id = r.assignee_id
	      join location l on l.id = r.location_id
	      where r.session_id = $1 and l.path = '$2'"
}
APRIL=$((T0 + 31 * DAY))
CARDTALLY_NOW=$APRIL ct status --json
is "$RC" 0 "status --json: exit 0"
is "$(printf '%s' "$OUT" | pyjson '[d["plan"]["cycle"]["start"], d["plan"]["cycle"]["end"], d["plan"]["due"], d["plan"]["overdue"]]')" \
	'["2026-04","2026-05",["SAFE1/T02","SAFE1/T03"],[]]' \
	"status in April: the cycle, due this month, nothing overdue yet"
is "$(printf '%s' "$OUT" | pyjson '[(p["range"], p["month"], p["state"]) for p in d["plan"]["planned"]]')" \
	'[["SAFE1/T02","2026-04","due"],["SAFE1/T03","2026-04","due"],["SAFE1/T01","2026-05","later"],["SAFE1/T04","2026-05","later"]]' \
	"status in April: each planned range, its month and state"
is "$(printf '%s' "$OUT" | pyjson '[(r["range"], r["last_full_count"]["session"], r["last_full_count"]["by"]) for r in d["plan"]["ranges"]]')" \
	"[[\"SAFE1/T01\",$NEWER,[\"S03\"]],[\"SAFE1/T02\",1,[\"$(who 1 SAFE1/T02)\"]],[\"SAFE1/T03\",1,[\"$(who 1 SAFE1/T03)\"]],[\"SAFE1/T04\",$NEWER,[\"P04\"]]]" \
	"status: when each range was last counted in full and by whom"
is "$(printf '%s' "$OUT" | pyjson '[r["last_count"]["session"] for r in d["plan"]["ranges"]]')" \
	"[$NEWER,$CO2,$CO,$NEWER]" "status: the last count of any kind, count-only included"
CARDTALLY_NOW=$APRIL ct status
like "$OUT" "plan: cycle 2026-04..2026-05 \(2 months\)" "status text: the cycle"
like "$OUT" "  due this month: SAFE1/T02, SAFE1/T03 \(0 done\)" "status text: due this month"
like "$OUT" "  ranges: 4, never counted in full: 0" "status text: ranges"

# In June, nothing of the cycle was counted: everything is overdue.
JUNE=$((T0 + 92 * DAY))
CARDTALLY_NOW=$JUNE ct status --json
is "$(printf '%s' "$OUT" | pyjson '[d["plan"]["cycle"]["ended"], d["plan"]["overdue"]]')" \
	'[true,["SAFE1/T02","SAFE1/T03","SAFE1/T01","SAFE1/T04"]]' \
	"status in June: cycle ended, every range overdue"
CARDTALLY_NOW=$JUNE ct status
like "$OUT" "  overdue: SAFE1/T02, SAFE1/T03, SAFE1/T01, SAFE1/T04" "status text: overdue"

ct audit verify
is "$RC" 0 "audit chain intact after all of it"

done_testing
