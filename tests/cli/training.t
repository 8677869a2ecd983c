#!/usr/bin/env bash
# End-to-end tests of training (R20): courses and attendance by a manager
# only, the per-session and per-person exports in text and JSON, and the
# gate on `count start`, `scan`, disposal and custody: nothing is required on a fresh ledger,
# and from the moment a course is required, nobody without a valid record
# of it may start or join a count (missing, or expired since a date).
. "$(dirname "$0")/lib.sh"

# 2026-03-02 10:00 in Tokyo.
export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
DAY=86400

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf 'mgmt_id,serial,location,received\nA101,04A101,SAFE1/T01,2025-06-01\n' \
	>"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: stock imported"
printf 'card 04A101\nremove\n' >"$WORK/one.sim"

# A fresh ledger requires nothing: an untrained person may count.
as S02 2222 count start --kind full --assign SAFE1/T01=P04
is "$RC" 0 "fresh ledger: untrained staff may start a count"
SID=$OUT
as P04 4444 scan --session "$SID" --range SAFE1/T01 --reader "sim:$WORK/one.sim"
is "$RC" 0 "fresh ledger: untrained part-timer may scan"

ct training list
is "$RC" 0 "list, nothing yet: exit 0"
is_text "$OUT" "courses:
  none
sessions:
  none" "list, nothing yet: says so"

# Only a manager adds courses and records attendance.
as S02 2222 training course add BASIC --name "Card handling" \
	--required-for cards
is "$RC" 77 "course add by staff: exit 77"
like "$ERR" "only a manager may add courses or record training" \
	"course add by staff: names the rule"
as M01 1111 training course add BASIC --name "Card handling" \
	--required-for lunch
is "$RC" 2 "course add --required-for other than cards: usage error"
as M01 1111 training course add BASIC --name "Card handling" \
	--valid-days 0
is "$RC" 2 "course add --valid-days 0: usage error"
as M01 1111 training course add PRIV --name "Privacy (optional)"
is "$RC" 0 "course add, not required: exit 0"

# Not required yet: still nobody is gated.
as S03 3333 count start --kind full
is "$RC" 0 "optional course: untrained staff may still count"

as M01 1111 training course add BASIC --name "Card handling" \
	--required-for cards --valid-days 365
is "$RC" 0 "course add, required for cards, 365 days: exit 0"
like "$ERR" "required for work with cards" "course add: says it is required"
as M01 1111 training course add BASIC --name "Again"
is "$RC" 65 "course add twice: exit 65"
like "$ERR" "course BASIC exists already" "course add twice: says so"

# From now on the gate applies to everyone without a valid record.
as S02 2222 count start --kind full
is "$RC" 77 "untrained: count start refused with 77"
like "$ERR" "required course BASIC \(Card handling\), missing" \
	"untrained: names the course and says missing"
as P04 4444 scan --session "$SID" --range SAFE1/T01 --reader "sim:$WORK/one.sim"
is "$RC" 77 "untrained: scan refused with 77"
like "$ERR" "BASIC.*missing" "untrained scan: names the course"
as M01 1111 count start --kind full
is "$RC" 77 "the gate applies to managers too"
# Disposal handles cards too: the same gate.
ct dispose start --as S02 --pin-fd 3 3<<<2222 --witness M01 \
	--witness-pin-fd 4 4<<<1111
is "$RC" 77 "untrained: dispose start refused with 77"
like "$ERR" "BASIC.*missing" "untrained dispose start: names the course"
# So do custody's commands: every one that moves cards or terminals, and
# opening or closing the end-of-day tally.
for cmd in "checkout A101" "return A101" "issue A101" \
	"move --to SAFE1/T02 A101" "tally start" "tally close $SID"; do
	# shellcheck disable=SC2086 # the command's words
	as S02 2222 $cmd
	is "$RC" 77 "untrained: $cmd refused with 77"
	like "$ERR" "BASIC.*missing" "untrained $cmd: names the course"
done
is "$(sqlq "select status from card where mgmt_id = 'A101'")" stored \
	"untrained custody commands changed nothing"

# Recording: manager only; unknown course, unknown person, future date and
# duplicates are refused and change nothing.
as S02 2222 training record BASIC --staff S02 --date 2026-03-01
is "$RC" 77 "record by staff: exit 77"
before=$(sqlq "select count(*) from attendance")
as M01 1111 training record NOPE --staff S02 --date 2026-03-01
is "$RC" 65 "record of an unknown course: exit 65"
like "$ERR" "no course NOPE" "unknown course: named"
as M01 1111 training record BASIC --staff S02,X99 --date 2026-03-01
is "$RC" 65 "record with an unknown person: exit 65"
like "$ERR" "no staff member X99" "unknown person: named"
as M01 1111 training record BASIC --staff S02 --date 2026-03-03
is "$RC" 65 "record dated tomorrow: exit 65"
as M01 1111 training record BASIC --staff S02 --date 2026-02-30
is "$RC" 2 "record with an impossible date: usage error"
is "$(sqlq "select count(*) from attendance")" "$before" \
	"refused records changed nothing"

# One session, three people; one older session for the manager.
as M01 1111 training record BASIC --staff S02,P04,M01 --date 2026-03-01
is "$RC" 0 "record a session of three: exit 0"
like "$ERR" "3 attendance records of BASIC on 2026-03-01" "record: says what"
as M01 1111 training record BASIC --staff S02 --date 2026-03-01
is "$RC" 65 "the same record twice: exit 65"
like "$ERR" "recorded already" "the same record twice: says so"
as M01 1111 training record PRIV --staff S03 --date 2025-01-10
is "$RC" 0 "record the optional course"
# S03 took BASIC long ago: it has expired.
as M01 1111 training record BASIC --staff S03 --date 2025-02-28
is "$RC" 0 "record an old session"

as S02 2222 count start --kind full
is "$RC" 0 "trained: count start allowed"
as P04 4444 scan --session "$SID" --range SAFE1/T01 --reader "sim:$WORK/one.sim"
is "$RC" 0 "trained: scan allowed"

# Expiry: 2025-02-28 + 365 days = 2026-02-28, expired since then.
as S03 3333 count start --kind full
is "$RC" 77 "expired: count start refused with 77"
like "$ERR" "required course BASIC \(Card handling\) expired since 2026-02-28" \
	"expired: names the course and the day"
# The last valid day is 2026-02-27.
CARDTALLY_NOW=$((1772413200 - 3 * DAY)) as S03 3333 count start --kind full
is "$RC" 0 "the last valid day: allowed"
CARDTALLY_NOW=$((1772413200 - 2 * DAY)) as S03 3333 count start --kind full
is "$RC" 77 "exactly valid_days later: refused"

# Exports.
ct training list
is "$RC" 0 "list: exit 0"
is_text "$OUT" "courses:
  BASIC        Card handling                  required for cards valid 365 days
  PRIV         Privacy (optional)             -                  no expiry
sessions:
  2025-01-10 PRIV (Privacy (optional)): S03
  2025-02-28 BASIC (Card handling): S03
  2026-03-01 BASIC (Card handling): M01 P04 S02" "list: courses, then sessions"
ct training list --json
is "$(pyjson '[[c["code"], c["required_for"], c["valid_days"]]
	for c in d["courses"]]' <<<"$OUT")" \
	'[["BASIC","cards",365],["PRIV",null,null]]' "list --json: courses"
is "$(pyjson '[[s["date"], s["course"], s["attendees"]]
	for s in d["sessions"]]' <<<"$OUT")" \
	'[["2025-01-10","PRIV",["S03"]],["2025-02-28","BASIC",["S03"]],["2026-03-01","BASIC",["M01","P04","S02"]]]' \
	"list --json: attendees per session"
ct training list --staff S03
is "$RC" 0 "list --staff: exit 0"
is_text "$OUT" "S03 (Person S03)
records:
  2025-01-10 PRIV         Privacy (optional)             recorded by M01
  2025-02-28 BASIC        Card handling                  recorded by M01
required for work with cards:
  BASIC        expired since 2026-02-28" "list --staff: records and state"
ct training list --staff S02 --json
is "$(pyjson '[d["staff"], [r["course"] for r in d["records"]],
	d["required"]]' <<<"$OUT")" \
	'["S02",["BASIC"],[{"course":"BASIC","state":"ok","since":null}]]' \
	"list --staff --json"
ct training list --staff NOBODY
is "$RC" 65 "list --staff unknown: exit 65"

# A course added as optional becomes required the moment a manager says so.
as S02 2222 training course require PRIV
is "$RC" 77 "require by staff: exit 77"
as M01 1111 training course require NOPE
is "$RC" 65 "require an unknown course: exit 65"
as M01 1111 training course require PRIV
is "$RC" 0 "require PRIV: exit 0"
as M01 1111 training course require PRIV
is "$RC" 65 "require twice: exit 65"
like "$ERR" "required already" "require twice: says so"
as S02 2222 count start --kind full
is "$RC" 77 "now required: S02 without PRIV is refused"
like "$ERR" "required course PRIV \(Privacy \(optional\)\), missing" \
	"now required: names PRIV"
is "$(sqlq "select detail from audit where action = 'training.require'")" \
	"required_for=cards" "require: audited"

# Every change is in the audit chain, and it verifies.
is "$(sqlq "select action || '|' || subject || '|' || detail from audit
	where action like 'training.%' order by id limit 3")" \
	"training.course|course PRIV|name=Privacy (optional) required_for=- valid_days=0
training.course|course BASIC|name=Card handling required_for=cards valid_days=365
training.record|course BASIC|staff=S02 date=2026-03-01" "audited"
# Intact but for the count started back-dated to the last valid day above:
# audit verify names that entry (its time goes back), and nothing else.
ct audit verify --json
is "$(pyjson '[(p["problem"], p["table"]) for p in d["problems"]]' <<<"$OUT")" \
	'[["time_backwards","audit"]]' "audit verify: intact but for the back-dated entry"

done_testing
