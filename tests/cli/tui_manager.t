#!/usr/bin/env bash
# A manager's work from the screen alone (issue 18: "manager work is CLI
# only: unlock an account (which the lockout message tells the clerk to
# ask for), training records, key holders, count resolution overview"),
# driven for real in tmux at 80x24, in English and in Japanese: each task
# done on its screen after a question, and checked in the ledger; nothing
# written while the question is asked; staff are not offered the screens.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

export TZ=Asia/Tokyo CARDTALLY_NOW=1772413200
export CARDTALLY_CONF="$WORK/none.conf"

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
as M01 1111 training course add K1 --name "カード取扱"
is "$RC" 0 "a course, K1"
cat >"$WORK/stock.csv" <<'EOF'
mgmt_id,serial,location,received,reminder_sent,status
A101,04A101,SAFE1/T01,2025-06-01,,
A102,04A102,SAFE1/T01,2025-06-01,,
EOF
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "stock imported"
# A count nobody has read yet: both cards are open discrepancies.
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
is "$OUT" 1 "count 1 open"
# S03 locks the account with five wrong PINs.
for i in 1 2 3 4 5; do as S03 9999 key close; done
is "$(sqlq "select locked from staff where code = 'S03'")" 1 "S03 is locked"

. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/ja_words.sh"

# menu_key SESSION TITLE: the key of the menu line that shows TITLE, once
# the menu shows it.
menu_key() {
	wait_for "$1" "  $2" >/dev/null
	screen "$1" | sed -n "s/^ *\([0-9a-z]\)  $2.*/\1/p" | head -1
}

# ---- the lockout message leads to the unlock screen --------------------------

tui en LANG=C.UTF-8 --
see en "Staff code" "login screen"
login en S03 3333
see en "a manager must unlock it" "S03 is told to ask a manager"
see en "Unlock an account" "and where the manager does it"

# ---- staff are not offered a manager's screens --------------------------------

login en S02 2222
see en "Main menu" "S02 logs in"
for t in "Unlock an account" "Training records" "Key holders" \
	"Count resolutions"; do
	gone en "$t" "S02's menu has no '$t'"
done
K=$(menu_key en "Who counts which range")
ok $((!${#K})) "S02's menu offers who counts which range ($K)"
keys en "$K"
see en "Count 1 (partial count)" "the plan screen shows the open count"
keys en a
see en "Only a manager may" "S02 may not apply the proposal: the rule"
keys en q F10
see en "Staff code" "S02 logged out"

# ---- unlock ----------------------------------------------------------------

login en M01 1111
see en "Main menu" "M01 logs in"
K=$(menu_key en "Unlock an account")
ok $((!${#K})) "M01's menu offers unlocking an account ($K)"
keys en "$K"
see en "Accounts locked after wrong PINs" "the unlock screen"
see en "S03" "S03 is listed as locked"
narrow en "the unlock screen"
keys en Enter
see en "Unlock the account of S03?" "it asks first"
is "$(sqlq "select locked from staff where code = 'S03'")" 1 \
	"nothing changed while it asks"
keys en n
goes en "Unlock the account of S03?" "n: not unlocked"
is "$(sqlq "select locked from staff where code = 'S03'")" 1 "still locked"
keys en Enter y
see en "Account S03 unlocked by M01" "y: unlocked"
is "$(sqlq "select locked || failed_pins from staff where code = 'S03'")" 00 \
	"the ledger: S03 unlocked, no failed PINs"
see en "No account is locked" "the list is empty now"
keys en q

# ---- training ----------------------------------------------------------------

K=$(menu_key en "Training records")
keys en "$K"
see en "Training records: choose a person" "the training screen"
keys en Down Down
keys en Enter
see en "Training of: S02" "S02's training"
see en "none recorded" "nothing recorded for S02 yet"
see en "K1" "the courses are listed"
keys en t
see en "Course" "the course field"
keys en -l K1
keys en Enter
see en "2026-03-02" "the day offered is today"
keys en Enter
see en "Record that S02 took K1 on 2026-03-02?" "it asks first"
is "$(sqlq "select count(*) from attendance")" 0 "nothing recorded while it asks"
keys en y
see en "Recorded: S02 took K1 on 2026-03-02" "recorded"
is "$(sqlq "select s.code || ' ' || c.code || ' ' || a.date from attendance a
	join staff s on s.id = a.staff_id join course c on c.id = a.course_id")" \
	"S02 K1 2026-03-02" "the ledger: S02 attended K1 today"
see en "recorded by M01" "the record shows who recorded it"
narrow en "the training screen"
keys en t; keys en -l NOPE
keys en Enter Enter y
see en "NOPE" "an unknown course is refused"
is "$(sqlq "select count(*) from attendance")" 1 "and nothing recorded"
keys en Escape q q

# ---- key holders ------------------------------------------------------------

K=$(menu_key en "Key holders")
keys en "$K"
see en "No key holder named" "no key holder yet"
keys en a; keys en -l S02
keys en Tab 1 Enter
see en "Name S02 key holder 1 of the safe?" "it asks first"
is "$(sqlq "select count(*) from key_holder")" 0 "nothing named while it asks"
keys en y
see en "S02 is key holder 1" "named"
see en "1  primary  S02" "the list shows the primary"
is "$(sqlq "select s.code || ' ' || k.ord from key_holder k
	join staff s on s.id = k.staff_id")" "S02 1" "the ledger: S02 is holder 1"
keys en a; keys en -l P04
keys en Tab 2 Enter y
see en "P04" "a part-timer is refused (the workflow's rule)"
is "$(sqlq "select count(*) from key_holder")" 1 "and not named"
keys en q

# ---- resolutions --------------------------------------------------------------

K=$(menu_key en "Count resolutions")
keys en "$K"
see en "Open discrepancies of the counts not closed" "the resolutions screen"
see en "A101" "A101 is open"
see en "A102" "A102 is open"
keys en Enter
see en "Resolve A101 (count 1)" "the reasons for A101"
keys en 1
see en "Note" "then a note"
keys en -l "checked the shelf"
keys en Enter
see en "Resolve A101 as" "it asks first"
is "$(sqlq "select count(*) from resolution")" 0 "nothing resolved while it asks"
keys en y
see en "A101 resolved:" "resolved"
is "$(sqlq "select r.serial || ' ' || r.note from resolution r")" \
	"04A101 checked the shelf" "the ledger: A101's resolution and its note"
# The message line names A101; the list above it does not any more.
screen en | head -n -2 | grep -qF "A101"
ok $((!$?)) "A101 is off the list"
see en "A102" "A102 is still open"
narrow en "the resolutions screen"
keys en q F10

# ---- Japanese --------------------------------------------------------------

for i in 1 2 3 4 5; do as S03 9999 key close; done
tui ja LANG=C.UTF-8 -- --lang ja
wait_for ja "F2" >/dev/null
login ja M01 1111
wait_for ja "1111" 1 >/dev/null 2>&1
K=$(menu_key ja "アカウントのロック解除")
ok $((!${#K})) "the Japanese menu offers unlocking ($K)"
keys ja "$K"
see ja "S03" "S03 locked again, in Japanese"
no_english ja "no English on the Japanese unlock screen" "Person\\|Manager"
keys ja Enter
no_english ja "no English in the Japanese question" Person
keys ja y
see ja "S03" "unlocked in Japanese"
is "$(sqlq "select locked from staff where code = 'S03'")" 0 \
	"the ledger: S03 unlocked from the Japanese screen"
no_english ja "no English after unlocking" Person
keys ja q
K=$(menu_key ja "研修記録")
keys ja "$K"
wait_for ja "S02" >/dev/null
no_english ja "no English on the Japanese training list" "Person\\|Manager"
keys ja Down Down Enter
see ja "K1" "S02's training in Japanese"
no_english ja "no English on the Japanese training record" Person
keys ja q q
K=$(menu_key ja "鍵の管理者")
keys ja "$K"
see ja "S02" "the key holders in Japanese"
no_english ja "no English on the Japanese key holders" Person
keys ja q
K=$(menu_key ja "照合結果の解決")
keys ja "$K"
see ja "A102" "the open discrepancy in Japanese"
no_english ja "no English on the Japanese resolutions" Person
keys ja Enter
no_english ja "no English among the Japanese reasons" Person
keys ja Escape q F10

done_testing
