#!/usr/bin/env bash
# Issue 18's walk-through: one clerk's day on a copy of the demo ledger
# (`cardtally demo`: 5,000 cards in 50 trays, a full count open with its
# faults), done from the screen alone, once in Japanese and once in English,
# at 80x24, with the simulated reader and typed card numbers.  Log in; a
# monthly sweep of three trays (count start, the trays scanned, one left
# with cards unread: the summary names them, the count closed); the count
# result with the missing cards and where and by whom they were last seen;
# the end-of-day tally of cards and a terminal with a typed management ID;
# the safe's key opened, handed over and closed, and the key log; a
# disposal with its second person; who counts which range; and as a
# manager: unlock an account, training records, key holders, the plan,
# resolutions.  Then at
# 100x30, resized to 60x16 while running: no row ends in a stray `~`, and
# nothing crashes.  In Japanese every screen visited is checked for English
# words.  Each binding step is checked to ask first, and each step's
# effect to be in the ledger.  Every step waits for the screen it expects.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

# A fixed clock: 2026-12-03 10:00 in Tokyo, as the demo ledger's count.
export TZ=Asia/Tokyo CARDTALLY_NOW=1796259600
export CARDTALLY_CONF="$WORK/none.conf"

# ---- the demo ledger, made once ----------------------------------------------

TMPDIR=$WORK ct demo
is "$RC" 0 "the demo ledger is made"
DEMO=$(printf '%s\n' "$OUT" | sed -n 's/^ledger: \(.*\) (staff PINs.*/\1/p')
[ -f "$DEMO" ] || { echo "Bail out! no demo ledger: $OUT $ERR"; exit 1; }
cp "$DEMO" "$WORK/demo.db"
rm -rf "$(dirname "$DEMO")"

. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/ja_words.sh"

# Not messages: the demo's people's names, the terminal's name and the
# purpose the demo gave its safe openings, as the ledger spells them, and
# the symbol of an accepted read ([OK], the same in both languages).
NAMES='Sato\|Suzuki\|Takahashi\|Tanaka\|Window terminal\|count of the trays\|\[OK\]'
READER="$WORK/reader.sim"

# m EN JA: the text of the walk's language.
m() { if [ "$L" = ja ]; then printf '%s' "$2"; else printf '%s' "$1"; fi; }
# look NAME: in Japanese, the screen holds no English word.
look() { [ "$L" = en ] || no_english "$L" "$L: no English: $1" "$NAMES"; }
# tray_script TRAY SKIP: the reader's script for the next screen that
# opens it: every card in storage in TRAY in order, but the first SKIP.
tray_script() {
	sqlq "select c.serial from card c join location l on l.id = c.location_id
		where l.path = '$1' and c.status = 'stored' order by c.mgmt_id
		limit -1 offset $2" | sed 's/^/card /; a remove' >"$READER"
}
# uncut SESSION NAME: a test that no row of the screen ends in the cut
# mark `~` (a text cut at the edge instead of wrapped).
uncut() {
	local rows
	rows=$(screen "$1" | grep -n '~ *$')
	ok $((${#rows} > 0)) "$2: no row is cut (~)"
	[ -z "$rows" ] || screen "$1" | sed 's/^/#   | /'
}
# menu_key SESSION TITLE: the key of the menu line that shows TITLE.
menu_key() {
	wait_for "$1" "  $2" >/dev/null
	screen "$1" | sed -n "s/^ *\([0-9a-z]\)  $2.*/\1/p" | head -1
}

walk() {
	L=$1
	export CARDTALLY_DB="$WORK/$L.db"
	cp "$WORK/demo.db" "$CARDTALLY_DB"
	# What the day starts with: a course, the window's terminal, two cards
	# and the terminal out at the window.
	as M01 1234 training course add K1 --name "カード取扱"
	is "$RC" 0 "$L: a course, K1"
	as M01 1234 asset add TERM1 --name "Window terminal" --tag 04FFEE01 \
		--location SAFE1/SHELF
	is "$RC" 0 "$L: terminal TERM1"
	as S02 1234 checkout M000402 M000405 TERM1 --for 2026-12-03
	is "$RC" 0 "$L: two cards and the terminal out at the window"
	: >"$READER"

	if [ "$L" = ja ]; then
		tui ja LANG=ja_JP.UTF-8 -- --reader "sim:$READER"
	else
		tui en LANG=C.UTF-8 -- --reader "sim:$READER"
	fi
	local s=$L K

	# ---- log in -----------------------------------------------------------
	see $s "$(m "Staff code" "職員コード")" "$L: the login screen"
	look "login"
	login $s S02 1234
	see $s "$(m "Main menu" "メインメニュー")" "$L: S02 logs in"
	see $s "S02 鈴木 (Suzuki)" "$L: the header names the clerk"
	look "menu"
	narrow $s "$L: the menu"

	# ---- a monthly sweep of three trays -------------------------------------
	keys $s 7
	see $s "$(m "What kind of count?" "棚卸しの種類")" "$L: start a count: the kind"
	look "the kind of count"
	keys $s 2
	see $s "[x] SAFE1/S1/T01" "$L: the ranges, all selected (no cycle plan)"
	look "the ranges"
	keys $s a
	see $s "[ ] SAFE1/S1/T01" "$L: a: none selected"
	keys $s Space Down Space Down Space
	see $s "[x] SAFE1/S1/T03" "$L: three trays selected"
	keys $s Enter
	see $s "SAFE1/S1/T03" "$L: the planner's proposal"
	look "the proposal"
	uncut $s "$L: the proposal"
	for i in 1 2 3; do
		[ "$i" = 1 ] || keys $s Down
		keys $s c
		typed $s S02
		see $s "SAFE1/S1/T0$i             S02" "$L: T0$i to S02"
	done
	keys $s o
	see $s "$(m "Count 3 is open" "棚卸し 3 を開始しました")" "$L: count 3 opened"
	is "$(sqlq "select group_concat(l.path || '=' || s.code, ' ') from
		session_range r join location l on l.id = r.location_id
		join staff s on s.id = r.assignee_id where r.session_id = 3")" \
		"SAFE1/S1/T01=S02 SAFE1/S1/T02=S02 SAFE1/S1/T03=S02" \
		"$L: the ledger: count 3's three trays, all to S02"

	tray_script SAFE1/S1/T01 0
	keys $s 1
	see $s "$(m "Count 3  SAFE1/S1/T01" "棚卸し 3  SAFE1/S1/T01")" \
		"$L: the range list names count 3's trays"
	look "the range list"
	uncut $s "$L: the range list"
	typed $s 11
	# Not "100/100" alone: count 2's finished rows in the range list show
	# it too, and a q sent while that list is still drawn reaches the tray
	# after its first reads (naming the unread, which the next read hides).
	see $s "$(m "Range SAFE1/S1/T01" "範囲 SAFE1/S1/T01")" "$L: T01's count screen"
	see $s "$(m "Remaining: 0" "残り: 0")" "$L: T01: the reader reads all 100 cards"
	see $s "100/100" "$L: T01: the bar full"
	look "the tray count"
	keys $s q
	see $s "$(m "Main menu" "メインメニュー")" "$L: T01 all read: left at once"

	tray_script SAFE1/S1/T02 2
	keys $s 1
	typed $s 12
	see $s "$(m "Range SAFE1/S1/T02" "範囲 SAFE1/S1/T02")" "$L: T02's count screen"
	see $s "98/100" "$L: T02: 98 of 100 read"
	see $s "$(m "The reader stopped" "読取り機が停止しました")" "$L: T02: the reader's script ended"
	keys $s q
	see $s "$(m "Not read yet: 2 of 100 cards" "未読取り: 100 枚中 2 枚")" \
		"$L: leaving T02: the summary says 2 are unread"
	see $s "M000101      88CDAA10F44F8BAC" "$L: naming M000101"
	see $s "M000102      D34B6A0DDE8B7210" "$L: and M000102"
	look "the unread summary"
	keys $s Enter
	see $s "$(m "Main menu" "メインメニュー")" "$L: Enter leaves the tray"

	tray_script SAFE1/S1/T03 0
	keys $s 1
	typed $s 13
	see $s "$(m "Range SAFE1/S1/T03" "範囲 SAFE1/S1/T03")" "$L: T03's count screen"
	see $s "$(m "Remaining: 0" "残り: 0")" "$L: T03: all 100 read"
	keys $s q
	: >"$READER"

	# The count's overview: the two unread cards are missing.
	keys $s 8
	keys $s 2
	see $s "$(m "Count 3 (partial)" "棚卸し 3 (一部)")" "$L: count 3's overview"
	see $s "SAFE1/S1/T02               S02            100     98" \
		"$L: T02: 98 of 100"
	see $s "M000101" "$L: M000101 missing"
	look "the count overview"
	keys $s F10
	see $s "$(m "Staff code" "職員コード")" "$L: S02 logs out"

	# A manager resolves them: one lost (it asks first), one found.
	login $s M01 1234
	keys $s 8
	keys $s 2
	see $s "M000102" "$L: M01 on count 3"
	keys $s Tab r
	see $s "$(m "lost (an incident)" "紛失（事故）")" "$L: the reasons for a missing card"
	look "the reasons"
	keys $s 3
	typed $s "not in the tray"
	see $s "$(m "Declare M000101 lost?" "M000101 を紛失としますか？")" \
		"$L: declaring M000101 lost asks first"
	is "$(sqlq "select count(*) from resolution where session_id = 3")" 0 \
		"$L: nothing resolved while it asks"
	look "the question"
	keys $s y
	see $s "$(m "M000101 resolved: lost" "M000101 を処理しました: 紛失")" "$L: M000101 resolved lost"
	keys $s Down r 1
	typed $s "in the next tray"
	see $s "$(m "Discrepancies: 2, 0 without a resolution" "0")" \
		"$L: none open"
	keys $s F10

	# The clerk closes the count, the manager witnessing.
	login $s S02 1234
	keys $s 8
	keys $s 2
	see $s "M000101" "$L: S02 back on count 3"
	keys $s c
	see $s "$(m "Close count 3?" "棚卸し 3 を締めますか？")" "$L: closing asks first"
	look "the close question"
	keys $s y
	keys $s M01 Enter 1234 Enter
	see $s "$(m "Count 3 closed, witnessed by M01" "棚卸し 3 を締めました（立会人 M01）")" \
		"$L: count 3 closed with the witness"
	is "$(sqlq "select closed_at is not null from session where id = 3")" 1 \
		"$L: the ledger: count 3 closed"
	keys $s q

	# ---- the count result: missing cards, last seen where and by whom -------
	keys $s a
	see $s "$(m "Reconciliation of a count" "棚卸しの照合結果")" "$L: the reports"
	keys $s 4
	typed $s 2
	see $s "M001234  D1A64AAD1E2E1B34  SAFE2/S1/B03" \
		"$L: count 2's missing M001234"
	see $s "2026-11-03 10:00" "$L: last seen on 2026-11-03 10:00"
	see $s "$(m "at" "場所") SAFE2/S1/B03" "$L: where"
	see $s "$(m "by" "担当") S02" "$L: and by whom"
	look "the count result"
	uncut $s "$L: the count result"
	narrow $s "$L: the count result"
	keys $s q q

	# ---- the end-of-day tally -----------------------------------------------
	keys $s 5
	see $s "$(m "No tally is open" "実施中の照合はありません")" "$L: no tally open"
	look "the tally"
	keys $s s
	see $s "$(m "Start today's tally now?" "今日の終業時の照合を始めますか？")" "$L: starting the tally asks first"
	is "$(sqlq "select count(*) from session where kind = 'tally'")" 0 \
		"$L: no tally while it asks"
	look "the tally question"
	keys $s y
	see $s "M000405" "$L: the tally lists what is out"
	see $s "TERM1" "$L: the terminal too"
	look "the tally started"
	typed $s M000402
	see $s "[OK] M000402" "$L: M000402 typed, letters kept: back"
	typed $s M000405
	see $s "[OK] M000405" "$L: M000405 back"
	typed $s TERM1
	see $s "[OK] TERM1" "$L: the terminal typed by its code: back"
	keys $s x
	see $s "$(m "closed: 3 back, 0 issued, 0 missing" "を終了: 返却 3、交付 0、不足 0")" \
		"$L: the tally closes balanced"
	look "the tally closed"
	keys $s q

	# ---- the safe's key -------------------------------------------------------
	keys $s 6
	see $s "$(m "Safe: closed" "金庫: 施錠")" "$L: the safe screen"
	keys $s o M01 Enter 1234 Enter
	keys $s -l "$(m "window cards" "窓口の貸出")"
	keys $s Enter
	see $s "$(m "Safe opened by S02, approved by M01" "金庫を開錠: S02、承認 M01")" \
		"$L: S02 opens the safe, M01 approving"
	look "the safe open"
	# The key handed over: M01 chosen from the list, M01's PIN confirms.
	keys $s g
	see $s "$(m "Hand the key from S02 to:" "鍵を S02 から引き継ぐ相手:")" \
		"$L: g asks whom the key goes to"
	look "the handover list"
	n=$(screen $s | sed -n 's/^ *\([0-9]\)  M01 .*/\1/p' | head -1)
	keys $s "$n"
	see $s "$(m "M01, the receiver, types their PIN" "受け取る M01 さんが暗証番号を入力します")" \
		"$L: the receiver confirms with their PIN"
	keys $s 1 2 3 4 Enter
	see $s "$(m "The key passed from S02 to M01" "鍵を S02 から M01 に引き継ぎました")" \
		"$L: the key passed to M01"
	see $s "$(m "Key now held by M01" "いま鍵を持っている人: M01")" \
		"$L: the safe says who holds the key"
	look "the safe after a handover"
	keys $s c
	see $s "$(m "Safe closed by S02" "金庫を施錠: S02")" "$L: and closes it"
	keys $s k
	see $s "$(m "Key log: every opening, newest first" "鍵の記録")" "$L: the key log"
	see $s "$(m "window cards" "窓口の貸出")" "$L: the opening just made, first"
	see $s "$(m "key handed from S02 to M01" "鍵の引継ぎ S02 → M01")" \
		"$L: and its handover"
	look "the key log"
	keys $s q q

	# ---- a disposal with its second person -----------------------------------
	keys $s 9
	see $s "$(m "Cards due for disposal: 7" "廃棄対象のカード: 7")" "$L: seven cards due"
	see $s "M004041" "$L: every due card listed"
	see $s "SAFE1/S1/T05" "$L: with its tray"
	look "the due list"
	uncut $s "$L: the due list"
	keys $s Enter
	keys $s M01 Enter 1234 Enter
	see $s "$(m "Disposal D1 started, witnessed by M01" "廃棄 D1 を開始しました（立会人 M01）")" "$L: batch D1"
	typed $s M000403
	see $s "[+] M000403" "$L: M000403 typed by its ID: into the batch"
	typed $s C263D34CBCAC9FF3
	see $s "[+] M004041" "$L: M004041 by its number"
	look "the batch"
	keys $s x
	see $s "$(m "How are they destroyed?" "廃棄の方法")" "$L: the method"
	keys $s 1
	see $s "$(m "Certificate reference (optional)" "証明書番号（任意）")" \
		"$L: a digit chooses the method"
	keys $s Enter
	see $s "M004041" "$L: the approval lists the cards"
	see $s "M000403" "$L: both of them"
	look "the approval"
	is "$(sqlq "select count(*) from card where status = 'disposed'")" 0 \
		"$L: nothing disposed while the witness is asked"
	keys $s M01 Enter 1234 Enter
	see $s "$(m "Disposal D1 closed: 2 cards disposed (shredded)" "廃棄 D1 を完了: 2 枚 (裁断)")" "$L: disposed"
	is "$(sqlq "select group_concat(mgmt_id, ' ') from card
		where status = 'disposed' order by mgmt_id")" "M000403 M004041" \
		"$L: the ledger: both disposed"
	keys $s q

	# ---- who counts which range ----------------------------------------------
	K=$(menu_key $s "$(m "Who counts which range" "範囲ごとの担当者")")
	keys $s "$K"
	see $s "$(m "Who counts which range this month" "今月の範囲ごとの担当者")" \
		"$L: the plan screen"
	see $s "SAFE1/S1/T01  S02" "$L: count 2's ranges with who counts them"
	look "the plan screen"
	keys $s q F10

	# ---- the manager: unlock, training, key holders, plans, resolutions -----
	for i in 1 2 3 4 5; do
		login $s P04 000$i
		wait_for $s "P04" >/dev/null
	done
	see $s "$(m "the account is now locked" "ロック")" "$L: P04 locked out"
	look "the lockout"
	is "$(sqlq "select locked from staff where code = 'P04'")" 1 "$L: P04 locked"
	login $s M01 1234
	K=$(menu_key $s "$(m "Unlock an account" "アカウントのロック解除")")
	keys $s "$K"
	see $s "P04" "$L: P04 listed as locked"
	look "the unlock screen"
	keys $s Enter
	see $s "$(m "Unlock the account of P04?" "P04 のアカウントのロックを解除しますか？")" \
		"$L: unlocking asks first"
	keys $s y
	see $s "$(m "Account P04 unlocked by M01" "P04 のアカウントのロックを M01 が解除しました")" \
		"$L: P04 unlocked"
	is "$(sqlq "select locked from staff where code = 'P04'")" 0 "$L: the ledger: unlocked"
	keys $s q

	K=$(menu_key $s "$(m "Training records" "研修記録")")
	keys $s "$K"
	keys $s Down Down Enter
	see $s "S02 鈴木 (Suzuki)" "$L: S02's training"
	keys $s t
	keys $s -l K1
	keys $s Enter Enter
	see $s "$(m "Record that S02 took K1 on 2026-12-03?" "S02 が K1 を 2026-12-03 に受講したと記録しますか？")" \
		"$L: recording a course asks first"
	keys $s y
	see $s "$(m "Recorded: S02 took K1 on 2026-12-03" "記録しました: S02 が K1 を 2026-12-03 に受講")" \
		"$L: recorded"
	look "the training record"
	keys $s q q

	K=$(menu_key $s "$(m "Key holders" "鍵の管理者")")
	keys $s "$K"
	keys $s a
	keys $s -l S03
	keys $s Tab 1 Enter
	see $s "$(m "Name S03 key holder 1 of the safe?" "S03 を金庫の鍵の管理者（順位 1）に指名しますか？")" "$L: naming a key holder asks first"
	keys $s y
	see $s "$(m "S03 is key holder 1" "S03 を鍵の管理者（順位 1）に指名しました")" \
		"$L: S03 is the primary key holder"
	look "the key holders"
	keys $s q

	K=$(menu_key $s "$(m "Who counts which range" "範囲ごとの担当者")")
	keys $s "$K"
	see $s "SAFE1/S1/T01  S02" "$L: the manager's plan screen"
	keys $s a
	see $s "$(m "Give count 2's unassigned ranges to the people proposed?" "棚卸し 2 の未割当の範囲を提案どおりの担当者に割り当てますか？")" \
		"$L: applying the proposal asks first"
	look "the plan question"
	keys $s n q

	K=$(menu_key $s "$(m "Count resolutions" "照合結果の解決")")
	keys $s "$K"
	see $s "$(m "Open discrepancies of the counts not closed" "未締めの棚卸しの未解決の差異")" \
		"$L: the resolutions"
	see $s "M001234" "$L: count 2's missing M001234"
	see $s "M000777" "$L: its misplaced M000777"
	look "the resolutions"
	keys $s Enter
	keys $s 1
	typed $s "on the desk"
	keys $s y
	see $s "$(m "M001234 resolved" "M001234 を処理しました")" "$L: M001234 resolved"
	is "$(sqlq "select count(*) from resolution where session_id = 2")" 1 \
		"$L: the ledger: count 2 has one resolution"
	keys $s q F10
	see $s "$(m "Staff code" "職員コード")" "$L: logged out"
	tm kill-session -t $s

	ct audit verify
	is "$RC" 0 "$L: the audit chain is intact after the day"
}

for L in ${WALK_LANGS:-ja en}; do walk "$L"; done

# ---- other sizes: 100x30, then 60x16 while running ------------------------------

export CARDTALLY_DB="$WORK/en.db"
: >"$READER"
tui big LANG=C.UTF-8 -- --reader "sim:$READER"
tm resize-window -t big -x 100 -y 30
login big S02 1234
see big "Main menu" "100x30: the menu"
uncut big "100x30: the menu"
# Each screen at 100x30, then resized to 60x16 while it runs, and back.
for k in "1:Count 2  SAFE1/S1/T01" "2:Open counts" "c:SAFE1/S1/T01  S02" \
	"a:Choose a report"; do
	keys big "${k%%:*}"
	see big "${k#*:}" "100x30: screen ${k%%:*}"
	uncut big "100x30: screen ${k%%:*}"
	tm resize-window -t big -x 60 -y 16
	row_is big 16 "F2"
	see big "${k#*:}" "60x16: screen ${k%%:*} still there"
	uncut big "60x16: screen ${k%%:*}"
	tm resize-window -t big -x 100 -y 30
	row_is big 30 "F2"
	keys big q
	see big "Main menu" "back to the menu"
done
gone big "tui exited" "nothing crashed"

done_testing
