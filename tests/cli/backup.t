#!/usr/bin/env bash
# Backups and restore (issue 14): `backup` while a scan runs in another
# process (a sim reader fed card by card), nothing the scan accepted lost
# or refused, and the copies restored; `backup verify` refusing a truncated,
# a damaged, a tampered and a newer copy; `restore` refusing a copy older
# than the ledger without --force --reason, and a ledger open elsewhere;
# the rotation keeping exactly the right files; the timezone setting.
# Real processes and real files.
. "$(dirname "$0")/lib.sh"

export CARDTALLY_CONF="$WORK/none.conf"
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
{
	echo 'mgmt_id,serial,location,received'
	for i in $(seq 100 159); do
		echo "A$i,04A$i,SAFE1/T01,2026-01-01"
	done
} >"$WORK/stock.csv"
as M01 1111 import "$WORK/stock.csv"
is "$RC" 0 "prepared: 60 cards imported"
with_witness S02 2222 M01 1111 key open --purpose "count"
as S02 2222 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
cid=$OUT
PIN_S02=$(pin_file S02 2222)
mkdir "$WORK/bk"

# ---- backups while a scan runs in another process ----------------------------

mkfifo "$WORK/in"
exec 5<>"$WORK/in"
"$CT" scan --session "$cid" --range SAFE1/T01 --reader sim:- --json \
	--as S02 --pin-fd 3 3<"$PIN_S02" <"$WORK/in" >"$WORK/scan.out" \
	2>"$WORK/scan.err" 5>&- &
scanpid=$!
T0=$(date +%s)
nb=0 bad=0
for i in $(seq 100 159); do
	printf 'card 04A%d\nremove\n' "$i" >&5
	# A backup every sixth card, while the scan goes on, each into a
	# directory of its own (in one directory the rotation would keep
	# only the day's newest).
	if [ $((i % 6)) -eq 0 ]; then
		nb=$((nb + 1))
		mkdir "$WORK/bk/$nb"
		CARDTALLY_NOW=$((T0 + nb)) "$CT" backup "$WORK/bk/$nb" \
			>"$WORK/b$nb.out" 2>"$WORK/b$nb.err" 5>&- ||
			bad=$((bad + 1))
	fi
done
wait_lines_of "$WORK/scan.out" 60
ok $? "the scan reported all 60 reads"
exec 5>&-
wait "$scanpid"
is "$?" 0 "the scan ended normally (nothing failed under the backups)"
is "$bad" 0 "$nb backups during the scan all succeeded"
is "$(events event <"$WORK/scan.out" | sort | uniq -c | tr -s ' ')" \
	" 60 accepted" "the scan accepted every card: no read refused or lost"
is "$(find "$WORK/bk" -type f | wc -l)" "$nb" "one copy per backup"
is "$(find "$WORK/bk" -type f | grep -cv '/cardtally-[0-9]\{8\}-[0-9]\{6\}\.db$')" 0 \
	"only copies in the directories: no temporary file, no -wal, no -shm"
first=$(ls "$WORK/bk/1")
is "$(stat -c %a "$WORK/bk/1/$first")" 600 "a copy is mode 0600"
is "$(cat "$WORK/b1.out")" "$WORK/bk/1/$first" "backup prints the copy's path"
is "$(od -A n -t u1 -j 18 -N 2 "$WORK/bk/1/$first" | tr -s ' ')" " 1 1" \
	"a copy is one file in rollback-journal mode, not WAL"
verified=0 grows=1 prev=-1
for k in $(seq "$nb"); do
	f=$(ls "$WORK/bk/$k"/*)
	ct backup verify "$f"
	[ "$RC" -eq 0 ] && verified=$((verified + 1))
	n=$(sqlite3 "$f" "select count(*) from scan")
	[ "$n" -ge "$prev" ] || grows=0
	prev=$n
done
is "$verified" "$nb" "every copy made during the scan verifies"
ok "$([ "$grows" -eq 1 ]; echo $?)" "later copies hold at least the reads of earlier ones"
is "$(sqlq "select count(*) from audit where action = 'backup'")" "$nb" \
	"each backup is audited in the ledger"
is "$(sqlite3 "$WORK/bk/1/$first" "select detail from audit where action = 'backup'")" \
	"file=$first" "a copy holds its own backup entry"

# The last copy, after the scan: restoring it loses nothing.
mkdir "$WORK/bk/last"
CARDTALLY_NOW=$((T0 + 30)) ct backup "$WORK/bk/last" --json
is "$RC" 0 "backup --json after the scan"
last=$(printf '%s\n' "$OUT" | pyjson 'd["path"]')
is "$(printf '%s\n' "$OUT" | pyjson 'd["schema_version"] > 0 and d["removed"] == 0')" \
	true "--json: the path, the schema version, nothing removed"
accepted=$(events mgmt_id <"$WORK/scan.out" | sort | tr '\n' ' ')
# The disk dies: no ledger; the manager's PIN is checked on the copy.
mv "$CARDTALLY_DB" "$WORK/dead.db"
rm -f "$CARDTALLY_DB-wal" "$CARDTALLY_DB-shm"
as M01 1111 restore "$last"
is "$RC" 0 "restore onto a missing ledger (the disk died)"
like "$OUT" "no ledger was there" "restore says there was no ledger"
is "$(sqlq "select c.mgmt_id from scan s join card c on c.id = s.card_id
	where s.session_id = $cid and s.outcome = 'accepted' order by 1" |
	tr '\n' ' ')" "$accepted" \
	"every read the scan accepted is in the restored ledger"
ct audit verify
is "$RC" 0 "the restored ledger's audit log verifies"
is "$(sqlq "select staff_id is not null, detail like '%chain=no-ledger by=M01%'
	from audit where action = 'restore'")" "1|1" \
	"the restore is audited in the restored ledger, with who"
is "$(stat -c %a "$CARDTALLY_DB")" 600 "the restored ledger is mode 0600"
as S02 2222 restore "$last"
is "$RC" 77 "a staff member may not restore"
like "$ERR" "only a manager may restore" "the rule is named"

# ---- restore: an older copy only with --force --reason -----------------------

as S02 2222 note add --text "after the backup"
is "$RC" 0 "something recorded after the copy"
before=$(ledger_state)
as M01 1111 restore "$last"
is "$RC" 77 "a copy older than the ledger is refused"
like "$ERR" "cannot restore $(basename "$last"): the backup is older than the ledger" \
	"the refusal says the copy is older"
is "$(ledger_state)" "$before" "a refused restore changes nothing"
is "$(ls "$WORK" | grep -c 'replaced\|restore-')" 0 \
	"a refused restore leaves no file beside the ledger"
as M01 1111 restore "$last" --force
is "$RC" 77 "--force without a reason is refused"
like "$ERR" "needs a reason" "it asks for the reason"
as M01 1111 restore "$last" --reason "x"
is "$RC" 2 "--reason without --force is a usage error"
notes=$(sqlq "select count(*) from near_miss")
as M01 1111 restore "$last" --force --reason "test of the restore" --json
is "$RC" 0 "--force --reason restores the older copy"
aside=$(printf '%s\n' "$OUT" | pyjson 'd["kept_aside"]')
is "$(printf '%s\n' "$OUT" | pyjson 'd["chain"] + " " + str(d["forced"])')" \
	"behind True" "--json: the chain and the force"
ok "$([ -f "$aside" ]; echo $?)" "the ledger replaced is kept ($(basename "$aside"))"
is "$(sqlite3 "$aside" "select count(*) from near_miss")" "$notes" \
	"the ledger kept aside still holds what the copy lacks"
is "$(sqlite3 "$aside" "select action from audit order by id desc limit 1")" \
	restore.replace "the ledger kept aside records what replaced it"
is "$(sqlq "select count(*) from near_miss")" 0 "the copy is the ledger now"
like "$(sqlq "select detail from audit where action = 'restore' order by id desc limit 1")" \
	"chain=behind by=M01 forced=1 reason=test of the restore$" \
	"the forced restore and its reason are audited"
ls "$CARDTALLY_DB"-wal "$CARDTALLY_DB"-shm "$aside"-wal "$aside"-shm \
	>/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "no WAL files are left beside either file"

# ---- restore: never under another process's feet -----------------------------

exec 5<>"$WORK/in"
as M01 1111 count start --kind partial --ranges SAFE1/T01 \
	--assign SAFE1/T01=S02
cid2=$OUT
"$CT" scan --session "$cid2" --range SAFE1/T01 --reader sim:- --json \
	--as S02 --pin-fd 3 3<"$PIN_S02" <"$WORK/in" >"$WORK/scan2.out" \
	2>"$WORK/scan2.err" 5>&- &
scanpid=$!
printf 'card 04A100\nremove\n' >&5
wait_lines_of "$WORK/scan2.out" 1
mkdir "$WORK/bk/now"
CARDTALLY_NOW=$((T0 + 40)) ct backup "$WORK/bk/now"
now_copy=$OUT
is "$RC" 0 "a backup with the scan running"
restores=$(sqlq "select count(*) from audit where action like 'restore%'")
files=$(ls "$WORK" | grep -v -- '-wal$\|-shm$' | tr '\n' ' ')
as M01 1111 restore "$now_copy"
is "$RC" 65 "restore refuses a ledger open in another process"
like "$ERR" "is open in another process" "it says so"
printf 'card 04A101\nremove\n' >&5
wait_lines_of "$WORK/scan2.out" 2
ok $? "the scan goes on reading"
exec 5>&-
wait "$scanpid"
is "$?" 0 "the scan was not disturbed"
is "$(sqlq "select count(*) from scan where session_id = $cid2")" 2 \
	"both reads are in the ledger"
is "$(sqlq "select count(*) from audit where action like 'restore%'")" \
	"$restores" "the refused restore recorded nothing"
is "$(ls "$WORK" | grep -v -- '-wal$\|-shm$' | tr '\n' ' ')" "$files" \
	"the refused restore left no file and renamed none"

# ---- backup verify refuses what is not a good copy ---------------------------

copy=$WORK/check.db
cp "$last" "$copy"
ct backup verify "$copy"
is "$RC" 0 "verify: a good copy"
like "$OUT" "integrity check: ok" "verify says what it checked: integrity"
like "$OUT" "schema version: [0-9]+ \\(this cardtally: [0-9]+\\)" \
	"verify says what it checked: the schema version"
like "$OUT" "audit log intact: [0-9]+ entries" \
	"verify says what it checked: the audit log"
size=$(stat -c %s "$copy")
head -c $((size / 2)) "$copy" >"$WORK/half.db"
ct backup verify "$WORK/half.db"
is "$RC" 65 "verify: a truncated copy is refused"
like "$ERR" "half.db" "the refusal names the file"
is "$OUT" "" "nothing claims it is good"
cp "$copy" "$WORK/bad.db"
# Garbage over pages in the middle of the file.
pages=$((size / 4096))
dd if=/dev/urandom of="$WORK/bad.db" bs=4096 seek=$((pages / 2)) count=3 \
	conv=notrunc status=none
ct backup verify "$WORK/bad.db"
is "$RC" 65 "verify: a copy with damaged pages is refused"
like "$ERR" "damaged|malformed|cannot check" "it says the copy is damaged"
cp "$copy" "$WORK/tampered.db"
sqlite3 "$WORK/tampered.db" "drop trigger audit_no_update;
	update audit set detail = 'file=forged' where action = 'backup';"
ct backup verify "$WORK/tampered.db"
is "$RC" 65 "verify: a copy whose audit log was changed is refused"
like "$ERR" "audit log does not verify" "it names the audit log"
cp "$copy" "$WORK/newer.db"
sqlite3 "$WORK/newer.db" "pragma user_version = 999"
ct backup verify "$WORK/newer.db"
is "$RC" 65 "verify: a copy of a newer version is refused"
like "$ERR" "schema version 999, newer than this cardtally's" \
	"it names both versions"
printf 'not a ledger\n' >"$WORK/text.db"
ct backup verify "$WORK/text.db"
is "$RC" 65 "verify: a file that is no ledger is refused"
before=$(ledger_state)
as M01 1111 restore "$WORK/half.db" --force --reason "try"
is "$RC" 65 "restore refuses a truncated copy, even forced"
is "$(ledger_state)" "$before" "and changes nothing"

# ---- rotation ------------------------------------------------------------------

rot=$WORK/rot
mkdir "$rot"
# Copies of many days: 2026-01-05 .. 2026-03-04 twice a day, and the 1st
# of older months; files that are no copies must stay whatever they are.
for d in $(seq 0 58); do
	day=$(date -u -d "2026-01-05 +$d days" +%Y%m%d)
	: >"$rot/cardtally-$day-080000.db"
	: >"$rot/cardtally-$day-190000.db"
done
for m in 202507 202508 202509 202510 202511 202512; do
	: >"$rot/cardtally-${m}03-190000.db"
done
for keep in notes.txt cardtally-20260101.db cardtally-20261301-000000.db \
	.cardtally-20260101-000000.db.tmp cardtally-20250101-000000.db.old; do
	: >"$rot/$keep"
done
printf 'backup_keep_daily = 3\nbackup_keep_monthly = 4\nbackup_dir = %s\n' \
	"$rot" >"$WORK/rot.conf"
# 2026-03-05 10:00 in Tokyo: the new copy is the day's.
CARDTALLY_CONF=$WORK/rot.conf CARDTALLY_NOW=$(date -d '2026-03-05T10:00:00+09:00' +%s) \
	ct backup
is "$RC" 0 "backup into the configured backup_dir"
is "$OUT" "$rot/cardtally-20260305-100000.db" \
	"the copy is named by the configured zone's local time"
is "$(ls -A "$rot" | sort | tr '\n' ' ')" \
	".cardtally-20260101-000000.db.tmp cardtally-20250101-000000.db.old cardtally-20251203-190000.db cardtally-20260101.db cardtally-20260105-080000.db cardtally-20260201-080000.db cardtally-20260301-080000.db cardtally-20260303-190000.db cardtally-20260304-190000.db cardtally-20260305-100000.db cardtally-20261301-000000.db notes.txt " \
	"rotation: each of the 3 newest days' last copy, each of the 4 newest months' first, nothing else removed"
like "$ERR" "removed old backup cardtally-20260303-080000.db" \
	"each removed copy is named on stderr"

# ---- configuration and the time zone -----------------------------------------

ct backup "$WORK/nowhere"
is "$RC" 74 "a backup directory that does not exist is an error"
like "$ERR" "nowhere" "it names the directory"
for bad in 'backup_keep_daily = 0' 'backup_keep_monthly = -1' \
	'backup_dir = relative/dir' 'timezone = Mars/Olympus' \
	'timezone = ../../etc/passwd'; do
	printf '%s\n' "$bad" >"$WORK/bad.conf"
	CARDTALLY_CONF=$WORK/bad.conf ct audit show
	is "$RC" 65 "cardtally.conf: '$bad' is refused"
done
like "$ERR" "bad.conf:1: timezone" "the refusal names the file, line and key"
# The host in UTC: the office's times are still Tokyo's.
TZ=UTC ct audit show --last 1
like "$OUT" "T[0-9:]{8}\\+09:00" "host TZ=UTC: times shown in Asia/Tokyo by default"
printf 'timezone = UTC\n' >"$WORK/utc.conf"
TZ=Asia/Tokyo CARDTALLY_CONF=$WORK/utc.conf ct audit show --last 1
like "$OUT" "T[0-9:]{8}(\\+00:00|Z)" "timezone = UTC: times shown in UTC"
TZ=UTC CARDTALLY_NOW=$(date -d '2026-03-05T23:30:00+09:00' +%s) \
	ct report daily --json
is "$(printf '%s\n' "$OUT" | pyjson 'd["date"]')" 2026-03-05 \
	"host TZ=UTC at 14:30 UTC: the daily report is of Tokyo's day"

# A ledger of another version is copied as it is and left untouched: a
# package upgrade copies an older one before migrating it, and a newer one
# is not this build's to change.
for v in 999 older; do
	mkdir "$WORK/bk/v$v"
	cp "$CARDTALLY_DB" "$WORK/v$v.db"
	if [ "$v" = older ]; then
		ledger_back_to "$WORK/v$v.db" 13
	else
		sqlite3 "$WORK/v$v.db" "PRAGMA user_version = $v"
	fi
	sum=$(sha256sum <"$WORK/v$v.db")
	ct backup --db "$WORK/v$v.db" "$WORK/bk/v$v"
	is "$RC" 0 "a ledger of version $v: backed up"
	is "$(sha256sum <"$WORK/v$v.db")" "$sum" \
		"a ledger of version $v: not written to (no backup entry)"
	is "$(sqlite3 "$OUT" .dump | sha256sum)" \
		"$(sqlite3 "$WORK/v$v.db" .dump | sha256sum)" \
		"a ledger of version $v: the copy holds what the file held"
done

# Two backups within the same second (the timer and a manual run): both
# made, the second named by the next free second, neither overwritten.
mkdir "$WORK/bk/same"
T1=$(date -d '2026-03-06T10:00:00+09:00' +%s)
CARDTALLY_NOW=$T1 ct backup "$WORK/bk/same"
is "$RC" 0 "the first backup of the second: made"
first=$OUT
CARDTALLY_NOW=$T1 ct backup "$WORK/bk/same"
is "$RC" 0 "a second backup within the same second: made too"
like "$OUT" '/cardtally-20260306-100001\.db$' "named by the next second"
[ "$OUT" != "$first" ]
ok $? "not the first's name"
is "$(sqlite3 "$OUT" "SELECT count(*) FROM audit WHERE action = 'backup'
	AND detail = 'file=cardtally-20260306-100001.db'")" 1 \
	"its audit entry names the file it made"

done_testing
