#!/usr/bin/env bash
# A reader's own messages in the clerk's language (issue 18): what the
# drivers say when a reader cannot be opened, a reader script is wrong or
# a card cannot be read reaches the clerk in Japanese under a Japanese
# locale, inside the command's Japanese refusal, and byte for byte as
# before under LC_ALL=C.  Texts of the system (strerror) go in as the C
# library gives them.  --json stays the same under both: other programs
# parse it.
. "$(dirname "$0")/lib.sh"

export TZ=Asia/Tokyo CARDTALLY_CONF="$WORK/none.conf"
export CARDTALLY_NOW=1772413200 # 2026-03-02 10:00 in Tokyo

new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
printf '%s\n' mgmt_id,serial,location,received \
	"A101,04A101,SAFE1/T01,2025-06-01" >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "setup: the stock list imported"
as M01 1111 count start --kind full --assign SAFE1/T01=S02
is "$RC" 0 "setup: a count started"
CID=$OUT

# ja ARGS...: cardtally under LANG=ja_JP.UTF-8 alone; en ARGS...: under
# LC_ALL=C.  Like ct: $OUT, $ERR, $RC.  The PIN of S02 on fd 3.
ja() {
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=ja_JP.UTF-8 \
		"$CT" "$@" >"$WORK/.out" 2>"$WORK/.err" 3<<<2222
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}
en() {
	env -u LC_MESSAGES -u LANG -u LANGUAGE LC_ALL=C \
		"$CT" "$@" >"$WORK/.out" 2>"$WORK/.err" 3<<<2222
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}
SCAN=(scan --session "$CID" --range SAFE1/T01 --as S02 --pin-fd 3)
NOFILE="$WORK/no-such-script"
# The system's own words for ENOENT, whatever the C library says.
ENOENT=$(LC_ALL=C cat "$NOFILE" 2>&1 | sed 's/.*: //')

# ---- a reader that cannot be opened -----------------------------------------
en "${SCAN[@]}" --reader "sim:$NOFILE"
is "$RC" 69 "C: a missing script: exit 69"
is "$ERR" "cardtally: reader sim:$NOFILE: cannot open '$NOFILE': $ENOENT" \
	"C: the reader's message as the driver writes it"
ja "${SCAN[@]}" --reader "sim:$NOFILE"
is "$RC" 69 "ja: a missing script: exit 69"
# strerror's words are the C library's, in its own translation if any.
case $ERR in
"cardtally: 読取り機 sim:$NOFILE: '$NOFILE' を開けません: "?*) ok 0 \
	"ja: the reader's message in Japanese, the system's words inserted" ;;
*) ok 1 "ja: the reader's message in Japanese, the system's words inserted"
	diag "got: $ERR" ;;
esac

en "${SCAN[@]}" --reader sim:
is "$ERR" "cardtally: reader spec: sim: expected sim:FILE or sim:-" \
	"C: a sim spec without a file"
ja "${SCAN[@]}" --reader sim:
is "$ERR" "cardtally: 読取り機の指定: sim: 'sim:ファイル' または 'sim:-' の形で指定してください" \
	"ja: a sim spec without a file"

en "${SCAN[@]}" --reader nosuch:x
is "$RC" 2 "C: an unknown backend: exit 2"
like "$ERR" "^cardtally: reader spec: unknown reader backend 'nosuch' \(backends: sim, kbd" \
	"C: an unknown backend, and the ones there are"
ja "${SCAN[@]}" --reader nosuch:x
is "$RC" 2 "ja: an unknown backend: exit 2"
like "$ERR" "^cardtally: 読取り機の指定: 不明な読取り方式 'nosuch'（使える方式: sim, kbd" \
	"ja: an unknown backend, in Japanese"

# ---- a reader script with a mistake ------------------------------------------
printf '%s\n' 'card 04A101' 'blink' >"$WORK/bad.sim"
en "${SCAN[@]}" --reader "sim:$WORK/bad.sim"
is "$RC" 65 "C: a bad script: exit 65"
is "$ERR" "cardtally: reader script: line 2: unknown command 'blink'" \
	"C: the script's line and mistake"
ja "${SCAN[@]}" --reader "sim:$WORK/bad.sim"
is "$RC" 65 "ja: a bad script: exit 65"
is "$ERR" "cardtally: 読取り機のスクリプト: 2 行目: 不明なコマンド 'blink'" \
	"ja: the script's line and mistake in Japanese"
printf '%s\n' 'card 04A1X1' >"$WORK/serial.sim"
ja "${SCAN[@]}" --reader "sim:$WORK/serial.sim"
is "$ERR" "cardtally: 読取り機のスクリプト: 1 行目: 番号 '04A1X1' が正しくありません: 16進数ではありません" \
	"ja: the reason quoted inside the message (rdr_tr) in Japanese too"

# ---- a card that cannot be read: the text follows the locale, JSON not --------
printf '%s\n' 'abc-1' >"$WORK/typed.txt"
en "${SCAN[@]}" --reader "kbd:$WORK/typed.txt"
is "$RC" 0 "C: a scan with a line that is no card number: exit 0"
like "$OUT" "^!! CARD NOT READ: not a card number: 'abc-1' \(digits or hex only\) \(not counted\)$" \
	"C: the unreadable card, as before"
ja "${SCAN[@]}" --reader "kbd:$WORK/typed.txt"
is "$RC" 0 "ja: the same scan: exit 0"
like "$OUT" "^!! カードを読み取れません: カード番号ではありません: 'abc-1'（数字か16進数字のみ）（数えていません）$" \
	"ja: the unreadable card and the reader's reason in Japanese"
en "${SCAN[@]}" --reader "kbd:$WORK/typed.txt" --json
is "$RC" 0 "C --json: exit 0"
json_c=$OUT
like "$json_c" '"event":"unreadable".*"message":"not a card number: '"'abc-1'"' \(digits or hex only\)"' \
	"C --json: the unreadable event with the driver's message"
ja "${SCAN[@]}" --reader "kbd:$WORK/typed.txt" --json
is "$RC" 0 "ja --json: exit 0"
is "$OUT" "$json_c" "--json: byte for byte the same under ja as under C"

# ---- readers: a backend that cannot list -------------------------------------
# pcsc's listing fails the same way everywhere: its socket names no daemon.
export PCSCLITE_CSOCK_NAME="$WORK/no-pcscd.comm"
en readers
is "$RC" 0 "C: readers: exit 0"
if printf '%s\n' "$OUT" | grep -q '^  pcsc '; then
	like "$OUT" '^  pcsc   \(pcscd is not running\)$' \
		"C: readers says pcscd is not running"
	ja readers
	like "$OUT" '^  pcsc   \(pcscd が動いていません\)$' \
		"ja: readers says pcscd is not running in Japanese"
else
	diag "this build has no pcsc backend: no listing error to show"
fi
en readers --json
json_c=$OUT
ja readers --json
is "$OUT" "$json_c" "readers --json: the same under ja as under C"

# ---- the screens: a reader that cannot be opened ----------------------------
# The tray screen opens the reader; when it cannot, it says why on the
# message line and goes on without it (typed numbers still work).
if command -v tmux >/dev/null; then
	. "$(dirname "$0")/tmux.sh"
	for lang in ja en; do
		if [ "$lang" = ja ]; then
			loc=ja_JP.UTF-8
			want="読取り機のスクリプト: 2 行目: 不明なコマンド 'blink'"
			item="1  棚卸し $CID  SAFE1/T01  （あなたの担当）"
		else
			loc=C.UTF-8
			want="Reader script: line 2: unknown command 'blink'"
			item="Count $CID  SAFE1/T01"
		fi
		tui "$lang" LANG=$loc -- --reader "sim:$WORK/bad.sim"
		[ "$lang" = ja ] && wait_for ja "暗証番号" >/dev/null
		[ "$lang" = en ] && wait_for en "PIN" >/dev/null
		login "$lang" S02 2222
		keys "$lang" 1
		see "$lang" "$item" "$lang: the tray count lists S02's range"
		keys "$lang" 1
		see "$lang" "$want" "$lang: the tray screen says why the reader did not open"
		tm kill-session -t "$lang"
	done
else
	skip "tmux is not installed: the screens are not checked"
fi

done_testing
