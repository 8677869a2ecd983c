#!/usr/bin/env bash
# The other commands in the clerk's language (issue 18, after cli_ja.t's
# status and refusals): under LANG=ja_JP.UTF-8 the text of init, import,
# staff, training, key, checkout/return/issue/move, tally, dispose, scan,
# note, backup, restore, receive, readers and the per-command help is
# Japanese, with no English word left (the rule of ja_words.sh), and a few
# lines are checked exactly; --json and exit codes are byte for byte those
# of the C locale.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ja_words.sh"

export TZ=Asia/Tokyo CARDTALLY_CONF="$WORK/none.conf"
T0=1772413200 # 2026-03-02 10:00 in Tokyo
export CARDTALLY_NOW=$T0

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
PIN_M01=$(pin_file M01 1111)
# A second manager before the stock (a new manager needs a witness after).
"$CT" staff add M05 --name "Manager 5" --role manager --as M01 --pin-fd 3 \
	--new-pin-fd 4 3<"$PIN_M01" 4<"$(pin_file M05 5555)" >/dev/null 2>&1
is "$?" 0 "setup: a second manager"

# ja ARGS...: cardtally under LANG=ja_JP.UTF-8 alone; en ARGS...: under
# LC_ALL=C.  Like ct: $OUT, $ERR, $RC.  jas/ens CODE PIN ARGS...: acting as
# CODE, the PIN on fd 3.
ja() {
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=ja_JP.UTF-8 \
		"$CT" "$@" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}
en() {
	env -u LC_MESSAGES -u LANG -u LANGUAGE LC_ALL=C \
		"$CT" "$@" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}
jas() {
	local code=$1 pin=$2
	shift 2
	ja "$@" --as "$code" --pin-fd 3 3<<<"$pin"
}

# words NAME TEXT [TODO]: TEXT holds no English word.  Data are no
# messages: the test's paths, the people's names, a command line quoted
# for the clerk to type ('cardtally key open', `cardtally scan ...`), an
# option (--anchor), the program's name, the default ledger's path, and
# the names of standards and products (ISO, USB, libusb).
words() {
	local w
	w=$(printf '%s\n' "$2" | sed -e "s#$CARDTALLY_DB##g" -e "s#$WORK##g" \
		-e 's/Person//g' \
		-e 's/Manager//g' -e "s/'[^']*'//g" -e 's/`[^`]*`//g' \
		-e 's#/var/lib/cardtally/ledger\.db##g' -e 's/--[a-z-]*//g' \
		-e 's/cardtally//g' -e 's/ISO\|USB\|libusb//g' \
		-e 's/SAFE/X1/g' | english_words)
	if [ -z "$w" ]; then
		ok 0 "$1"
	elif [ -n "${3:-}" ]; then
		_n=$((_n + 1))
		echo "not ok $_n - $1 # TODO $3"
		diag "English words: $w"
	else
		ok 1 "$1"
		diag "English words: $w"
		printf '%s\n' "$2" | sed 's/^/#   | /'
	fi
}
# has NAME TEXT LINE: TEXT has LINE, exactly, as one of its lines.
has() {
	if printf '%s\n' "$2" | grep -qxF -- "$3"; then
		ok 0 "$1"
	else
		ok 1 "$1"
		diag "no line '$3' in:"
		printf '%s\n' "$2" | sed 's/^/#   | /'
	fi
}

# ---- init and import ---------------------------------------------------------
ja init --db "$WORK/j1.db" --manager M09 --name 管理 --pin-fd 3 3<<<"9999"
is "$RC" 0 "init: exit 0"
has "init: the ledger created, in Japanese" "$ERR" \
	"台帳 $WORK/j1.db を作成しました（管理者 M09）"
words "init: Japanese" "$OUT$ERR"

# A1-A3 in T01, A4 due by its reminder, A5 moved (due), B1 awaiting
# enrolment (no serial yet).
cat >"$WORK/s1.csv" <<'CSV'
mgmt_id,serial,location,received,reminder_sent,status
A1,04A001,SAFE1/T01,2025-06-01,,
A2,04A002,SAFE1/T01,2025-06-01,,
A3,04A003,SAFE1/T02,2025-06-01,,
A4,04A004,SAFE1/T02,2025-06-01,2025-12-02,
A5,04A005,SAFE1/T02,2025-06-01,,moved
B1,,SAFE1/T03,2026-03-01,,
CSV
jas S02 2222 import "$WORK/s1.csv" --dry-run
is "$RC" 0 "import --dry-run: exit 0"
has "import --dry-run: the summary in Japanese" "$OUT" \
	"試行のみ、変更なし: $WORK/s1.csv（utf-8）: 6 行: 追加 6、更新 0、変更なし 0"
words "import: Japanese" "$OUT$ERR"
as S02 2222 import "$WORK/s1.csv"
is "$RC" 0 "setup: the stock imported"

# ---- staff ---------------------------------------------------------------------
jas M01 1111 staff deactivate P04 --witness M05 --witness-pin-fd 4 \
	4<<<"5555"
is "$RC" 0 "staff deactivate: exit 0"
has "staff deactivate: said in Japanese" "$ERR" "P04 を無効にしました"
for i in 1 2 3 4 5; do as S03 9999 key close >/dev/null; done
ja staff list
is "$RC" 0 "staff list: exit 0"
has "staff list: a role as a word, padded by display columns" "$OUT" \
	"M01          管理者    Manager"
has "staff list: a locked account" "$OUT" "S03          職員      Person S03  [ロック中]"
has "staff list: an inactive account" "$OUT" \
	"P04          非常勤    Person P04  [無効]"
words "staff list: Japanese" "$OUT$ERR"
jas M01 1111 staff unlock S03
has "staff unlock: said in Japanese" "$ERR" "S03 のロックを解除しました"
words "staff unlock: Japanese" "$OUT$ERR"

# ---- training ------------------------------------------------------------------
jas M01 1111 training course add SEC1 --name 情報管理 --required-for cards \
	--valid-days 365
is "$RC" 0 "training course add: exit 0"
has "training course add: said in Japanese" "$ERR" \
	"研修 SEC1 を追加しました: 今後カードの業務に必須です"
jas M01 1111 training record SEC1 --staff M01,S02,S03,M05 --date 2026-03-01
has "training record: said in Japanese" "$ERR" \
	"受講記録 4 件（SEC1、2026-03-01）"
ja training list
is "$RC" 0 "training list: exit 0"
has "training list: a heading" "$OUT" "研修:"
words "training list: Japanese" "$OUT$ERR"
ja training list --staff S02
has "training list --staff: a required course's state" "$OUT" "  SEC1         有効"
words "training list --staff: Japanese" "$OUT$ERR"

# ---- the safe ------------------------------------------------------------------
jas M01 1111 key holder add S02 --order 1
has "key holder add: said in Japanese" "$ERR" "S02 を鍵の管理者 1 番に指名しました"
ja key holder list
words "key holder list: Japanese" "$OUT$ERR"
jas S03 3333 key open --purpose 点検 --witness S02 --witness-pin-fd 4 4<<<"2222"
is "$RC" 0 "key open: exit 0"
has "key open: said in Japanese" "$ERR" \
	"金庫を開錠しました（S03、承認 S02: 鍵の管理者 1 番）"
words "key open: Japanese" "$OUT$ERR"

# ---- the window ----------------------------------------------------------------
jas S02 2222 checkout A1 A2
is "$RC" 0 "checkout: exit 0"
has "checkout: said in Japanese" "$ERR" "2 件を持ち出しました（S02）"
words "checkout: Japanese" "$ERR"
jas S02 2222 tally start
is "$RC" 0 "tally start: exit 0"
TID=$OUT
has "tally start: said in Japanese" "$ERR" \
	"窓口照合 $TID を開始しました（S02）: 戻るはずのカード・端末 2 件"
jas S02 2222 return A1
has "return: said in Japanese" "$ERR" "1 件を返却しました（S02）"
ja tally list
is "$RC" 1 "tally list: exit 1 while something is missing"
has "tally list: a line" "$OUT" \
	"$(printf '%4d' "$TID")  2026-03-02T10:00:00+09:00  実施中  予定 2  不足 1"
words "tally list: Japanese" "$OUT$ERR"
ja reconcile "$TID"
is "$RC" 1 "reconcile of the tally: exit 1"
has "reconcile of the tally: a missing card, its kind padded" "$OUT" \
	"  カード   A2           持出し S02      2026-03-02 分（保管場所 SAFE1/T01）"
words "reconcile of the tally: Japanese" "$OUT$ERR"
jas S02 2222 issue A2
has "issue: said in Japanese" "$ERR" "1 件を交付済にしました（S02）"
jas S02 2222 tally close "$TID"
is "$RC" 0 "tally close: exit 0"
words "tally close: Japanese" "$OUT$ERR"

# ---- scan and the count --------------------------------------------------------
as M01 1111 count start --kind partial --ranges SAFE1/T01 --assign SAFE1/T01=S03
CID=$(sqlq "select max(id) from session where kind = 'partial'")
printf '%s\n' 'card 04A001' 'card 04A001' 'card 04A003' 'card 04FFFF' \
	>"$WORK/c1.sim"
jas S03 3333 scan --session "$CID" --range SAFE1/T01 --reader "sim:$WORK/c1.sim"
is "$RC" 0 "scan: exit 0"
has "scan: an accepted read" "$OUT" "   正常    A1           04A001"
has "scan: the summary" "$ERR" "SAFE1/T01: 受付 1、重複 1、警告 2"
words "scan: Japanese" "$OUT$ERR"
jas S03 3333 scan undo --session "$CID" --reason 読み間違い
is "$RC" 0 "scan undo: exit 0"
words "scan undo: Japanese" "$OUT$ERR"
# A read refused because the person was locked out while the scan waited
# (issue 18): the refusal alone, no "0 accepted ... 1 NOT counted".
printf '%s\n' 'wait 8000' 'card 04A002' >"$WORK/w1.sim"
for l in ja_JP.UTF-8 C; do
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=$l "$CT" scan \
		--session "$CID" --range SAFE1/T01 --reader "sim:$WORK/w1.sim" \
		--as S03 --pin-fd 3 3<<<"3333" >"$WORK/w1.out" 2>"$WORK/w1.err" &
	scan_pid=$!
	sleep 1
	for i in 1 2 3 4 5; do as S03 9999 key close >/dev/null; done
	wait "$scan_pid"
	RC=$?
	ERR=$(cat "$WORK/w1.err")

	is "$RC" 77 "scan refused at its first read ($l): exit 77"
	is "$(printf '%s\n' "$ERR" | grep -c 'accepted\|NOT counted\|受付')" 0 \
		"scan refused at its first read ($l): no summary"
	like "$ERR" '^cardtally: ' "scan refused at its first read ($l): the refusal"
	as M01 1111 staff unlock S03
done


# ---- disposal ------------------------------------------------------------------
ja dispose due
is "$RC" 0 "dispose due: exit 0"
has "dispose due: a reason as a word" "$OUT" "A5           転出       対象日 -"
words "dispose due: Japanese" "$OUT$ERR"
jas S02 2222 dispose start --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 0 "dispose start: exit 0"
words "dispose start: Japanese" "$ERR"
printf '%s\n' 'card 04A004' 'card 04A005' 'card 04A003' >"$WORK/d1.sim"
jas S02 2222 scan --session D1 --reader "sim:$WORK/d1.sim"
is "$RC" 0 "scan into the disposal: exit 0"
has "scan into the disposal: the summary" "$ERR" "D1: 追加 2、重複 0、拒否 1"
words "scan into the disposal: Japanese" "$OUT$ERR"
jas S02 2222 dispose close D1 --witness M01 --witness-pin-fd 4 4<"$PIN_M01"
is "$RC" 0 "dispose close: exit 0"
has "dispose close: the method as a word" "$OUT" \
	"廃棄 D1 を終了しました: カード 2 枚を廃棄（裁断）"
ja dispose list
is "$RC" 0 "dispose list: exit 0"
words "dispose list: Japanese" "$OUT$ERR"

# ---- near-misses, receiving, readers ------------------------------------------
jas S02 2222 note add --text 置き忘れ --card A3
is "$RC" 0 "note add: exit 0"
words "note add: Japanese" "$ERR"
ja note list
is "$RC" 0 "note list: exit 0"
words "note list: Japanese" "$OUT$ERR"
printf '%s\n' 'card 04B001' >"$WORK/r1.sim"
jas S02 2222 receive --card B1 --reader "sim:$WORK/r1.sim"
is "$RC" 0 "receive: exit 0"
has "receive: the binding" "$OUT" "登録 B1 04B001（1/1）"
words "receive: Japanese" "$OUT$ERR"
ja readers
is "$RC" 0 "readers: exit 0"
has "readers: a heading" "$OUT" "この版で使える読取り方式:"
words "readers: Japanese" "$(printf '%s\n' "$OUT" | grep -v '^  ')"
# The backends' and profiles' own descriptions (drivers/ marks them, the
# command translates them): each line of the two lists less its name, the
# syntax quoted for typing ('sim:ファイル'), the profiles' names
# (apdu:seizo), and the names of products and standards (FeliCa and its
# IDm, the UID, JPKI, libnfc, pcscd, UART).
has "readers: the simulated reader, in Japanese" "$OUT" \
	"  sim    'sim:ファイル' または 'sim:-'（標準入力）: ファイルに書かれたカードの読取りを順に再現します"
DESCR=$(printf '%s\n' "$OUT" |
	sed -n '/^この版で使える読取り方式:/,/^マイナンバーカード用の読取り機/p' |
	sed -n 's/^  [^ ]*  *//p' |
	sed -e 's/apdu:[a-z-]*//g' -e 's/FeliCa\|IDm\|UID\|JPKI\|libnfc\|pcscd\|UART//g')
ok $(($(printf '%s\n' "$DESCR" | grep -c .) < 6)) \
	"readers: the descriptions of at least 2 backends and 4 profiles"
words "readers: the backends' and profiles' own words" "$DESCR"

# ---- backups -------------------------------------------------------------------
mkdir -p "$WORK/bk"
ja backup "$WORK/bk"
is "$RC" 0 "backup: exit 0"
BK=$OUT
ja backup verify "$BK"
is "$RC" 0 "backup verify: exit 0"
has "backup verify: the integrity check" "$OUT" "整合性検査: 正常"
words "backup verify: Japanese" "$OUT$ERR"
jas M01 1111 restore "$BK"
is "$RC" 0 "restore: exit 0"
words "restore: Japanese" "$OUT$ERR"

# ---- the safe closed again, its log -------------------------------------------
jas S03 3333 key close
is "$RC" 0 "key close: exit 0"
words "key close: Japanese" "$OUT$ERR"

# ---- one command's help ----------------------------------------------------
ja key open --help
is "$RC" 0 "key open --help: exit 0"
has "key open --help: the description" "$OUT" \
	"鍵の管理者の承認を得た金庫の開錠を記録する"
has "key open --help: an option described" "$OUT" \
	"  --purpose TEXT           金庫を開ける理由"
words "key open --help: Japanese but for the usage and the options" \
	"$(printf '%s\n' "$OUT" | grep -v '^ *--\|^使い方\|^        [A-Z[]')"
is "$(printf '%s\n' "$OUT" | python3 -c '
import sys, unicodedata
for l in sys.stdin:
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n"))
    if w > 80: print(l, end="")')" "" "key open --help: within 80 display columns"

# ---- the ledger's own messages -----------------------------------------------
: >"$WORK/e1.db"
for db in /nonexistent/ledger9.db "$WORK/e1.db"; do

	ja status --db "$db"
	jrc=$RC
	words "status --db $db: the ledger's refusal in Japanese" "$ERR"
	en status --db "$db"
	is "$jrc" "$RC" "status --db $db: the exit code of the C locale ($RC)"
done

# ---- what programs read: the same in both languages --------------------------
while IFS='|' read -r name args; do
	# shellcheck disable=SC2086
	en $args
	e_out=$OUT e_rc=$RC
	# shellcheck disable=SC2086
	ja $args
	is "$OUT" "$e_out" "$name: byte-identical under Japanese"
	is "$RC" "$e_rc" "$name: the same exit code ($e_rc)"
	[ -n "$e_out" ]
	ok $? "$name: printed something"
done <<EOF_J
staff list --json|staff list --json
training list --json|training list --json
training list --staff --json|training list --staff S02 --json
key holder list --json|key holder list --json
tally list --json|tally list --json
reconcile of a tally --json|reconcile $TID --json
dispose due --json|dispose due --json
dispose list --json|dispose list --json
note list --json|note list --json
backup verify --json|backup verify $BK --json
EOF_J

done_testing
