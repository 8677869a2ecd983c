#!/usr/bin/env bash
# The Debian package (debian/) and the appliance's systemd units
# (dist/systemd/).  Builds the .deb from a copy of the source, and a package
# of the previous version number from the same copy (a lower version at the
# top of its debian/changelog); checks what the package holds (every file,
# the conffile, the maintainer scripts) and runs lintian, which must find no
# error; verifies the units with systemd-analyze; then, in a fresh Debian 12
# chroot (debootstrap), installs the previous package, gives it a ledger of
# an older schema, upgrades (the ledger is copied, then migrated), sees an
# upgrade that cannot migrate stop loudly with the ledger untouched, runs
# the kiosk unit's command as its user in tmux up to the login screen, and
# purges (the configuration goes, the ledger stays).
#
# Slow: two package builds (about 1.5 min, then seconds) and, the first
# time, debootstrap (about 3-5 min with the mirror near).  The chroot's
# tarball is kept in $BUILD/deb-chroot/ and reused (make clean removes it).
# Needs root (the chroot, the package's owners).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmux.sh"

SRC=$(cd "$TESTS/.." && pwd)
SUITE=bookworm
MIRROR=${CARDTALLY_DEB_MIRROR:-http://deb.debian.org/debian}
# What the package depends on, in the chroot before the package comes:
# installing it then needs no network.
CACHE=${BUILD:?run through make test}/deb-chroot

# The package builds its own program, with Debian's flags: the sanitizers'
# build under test changes nothing here, and make test has run it all.
if [ -n "${CARDTALLY_SANITIZED:-}" ]; then
	echo "1..0 # SKIP the package builds its own program: make test runs this, not make check"
	exit 0
fi
for t in dpkg-buildpackage dh lintian dpkg-deb systemd-analyze debootstrap \
	tmux sqlite3; do
	if ! command -v "$t" >/dev/null; then
		echo "1..0 # SKIP $t is not installed (scripts/deps.sh installs it)"
		exit 0
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP not root: a package build's chroot needs root"
	exit 0
fi

VERSION=$(sed -n 's/^VERSION := //p' "$SRC/Makefile")
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
is "$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)" \
	"$VERSION" "debian/changelog's version is the Makefile's ($VERSION)"

# ---- the two packages ----------------------------------------------------
# A copy of the source without build trees; the test's BUILD and make's
# variables stay out of its builds.
mkdir -p "$WORK/src/cardtally"
tar -C "$SRC" --exclude=./.git --exclude='./build*' --exclude=./cardtally \
	--exclude=./tests/work --exclude=./bench/work -cf - . |
	tar -C "$WORK/src/cardtally" -xf -
pkgbuild() {
	(cd "$WORK/src/cardtally" &&
		env -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
			-u CARDTALLY_DB dpkg-buildpackage -us -uc -b "$@") \
		>>"$WORK/build.log" 2>&1
}
start=$(date +%s)
pkgbuild
ok $? "dpkg-buildpackage -us -uc -b: exit 0 ($(($(date +%s) - start)) s)" ||
	true
DEB=$WORK/src/cardtally_${VERSION}_$ARCH.deb
[ -f "$DEB" ] || { tail -n 30 "$WORK/build.log" | sed 's/^/#   /'; }
# The previous version: the same tree (-nc: nothing rebuilt), its changelog
# topped by a lower version.
PREV=${VERSION}~prev
sed -i "1s/($VERSION)/($PREV)/" "$WORK/src/cardtally/debian/changelog"
pkgbuild -nc
PREV_DEB=$WORK/src/cardtally_${PREV}_$ARCH.deb
ok "$([ -f "$DEB" ] && [ -f "$PREV_DEB" ]; echo $?)" \
	"built cardtally_${VERSION}_$ARCH.deb and cardtally_${PREV}_$ARCH.deb"
dpkg --compare-versions "$PREV" lt "$VERSION"
ok $? "$PREV sorts before $VERSION"
if [ ! -f "$DEB" ] || [ ! -f "$PREV_DEB" ]; then
	done_testing
	exit
fi

# ---- what the package holds ----------------------------------------------
files=$(dpkg-deb -c "$DEB" | awk '{print $1, $2, $6}')
has() { # has MODE PATH: the package holds PATH, owned by root, with MODE
	grep -qxF -- "$1 root/root ./$2" <<<"$files"
	ok $? "package holds /$2 ($1)"
}
has -rwxr-xr-x usr/bin/cardtally
has -rw-r--r-- usr/share/man/man1/cardtally.1.gz
has -rw-r--r-- usr/share/man/man5/cardtally.conf.5.gz
for po in "$SRC"/po/*.po; do
	has -rw-r--r-- \
		"usr/share/locale/$(basename "$po" .po)/LC_MESSAGES/cardtally.mo"
done
has -rw-r--r-- lib/udev/rules.d/60-cardtally-readers.rules
has -rw-r--r-- lib/modprobe.d/cardtally-blacklist-pn533.conf
for u in "$SRC"/dist/systemd/*; do
	has -rw-r--r-- "lib/systemd/system/$(basename "$u")"
done
has -rw-r--r-- etc/cardtally/cardtally.conf
has -rw-r--r-- usr/share/cardtally/stock.csv
has -rw-r--r-- usr/lib/cardtally/cardtally_pg.so
has -rw-r--r-- usr/lib/cardtally/cardtally-pdf.so
has -rw-r--r-- usr/lib/cardtally/cardtally-hub.so
is "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./conffiles)" \
	/etc/cardtally/cardtally.conf "conffiles: /etc/cardtally/cardtally.conf"
scripts=$(dpkg-deb --ctrl-tarfile "$DEB" | tar -tf - |
	grep -E '/(preinst|postinst|prerm|postrm)$' | sort | tr '\n' ' ')
is "$scripts" "./postinst ./postrm ./preinst ./prerm " \
	"maintainer scripts: preinst, postinst, prerm, postrm"
depends=$(dpkg-deb -f "$DEB" Depends)
for d in pcscd libccid adduser; do
	like "$depends" "(^|, )$d(,|$)" "Depends: $d"
done

# The shipped files are the source's.
mkdir "$WORK/deb"
dpkg-deb -x "$DEB" "$WORK/deb"
for f in udev/60-cardtally-readers.rules:lib/udev/rules.d \
	modprobe.d/cardtally-blacklist-pn533.conf:lib/modprobe.d; do
	cmp -s "$SRC/dist/${f%%:*}" "$WORK/deb/${f##*:}/$(basename "${f%%:*}")"
	ok $? "/${f##*:}/$(basename "${f%%:*}") is dist/${f%%:*}"
done
for u in "$SRC"/dist/systemd/*; do
	cmp -s "$u" "$WORK/deb/lib/systemd/system/$(basename "$u")"
	ok $? "/lib/systemd/system/$(basename "$u") is dist/systemd's"
done

# The configuration: every key of cardtally.conf(5), commented out, and
# the file with each key's line uncommented is one cardtally accepts.
CONF=$WORK/deb/etc/cardtally/cardtally.conf
keys=$(sed -n 's/^\.BI "\([a-z_]*\) = " .*/\1/p' "$SRC/man/cardtally.conf.5" |
	sort)
ok "$([ "$(echo "$keys" | wc -l)" -ge 5 ]; echo $?)" \
	"cardtally.conf(5)'s keys found: $(echo $keys)"
is "$(sed -n 's/^#\([a-z_]*\) = .*/\1/p' "$CONF" | sort)" "$keys" \
	"/etc/cardtally/cardtally.conf: each key of cardtally.conf(5), once"
is "$(grep -cvE '^(#.*)?$' "$CONF")" 0 \
	"/etc/cardtally/cardtally.conf: every line a comment (the defaults)"
new_ledger
sed 's/^#\([a-z_]* = \)/\1/' "$CONF" >"$WORK/uncommented.conf"
CARDTALLY_CONF=$WORK/uncommented.conf ct status
is "$RC" 0 "the configuration with every key uncommented is accepted"
[ "$RC" -eq 0 ] || diag "$ERR"

# lintian: no error; the warnings are listed.
lintian --no-tag-display-limit "$DEB" >"$WORK/lintian.out" 2>&1
grep -E '^[EW]: ' "$WORK/lintian.out" | sed 's/^/# lintian: /'
is "$(grep -c '^E: ' "$WORK/lintian.out")" 0 "lintian: no errors"

# ---- the units ---------------------------------------------------------------
# systemd-analyze verify, on the units as installed but naming the built
# program (it checks that ExecStart= can run) and finding the manual pages
# they cite; the kiosk as its tty1 instance.
mkdir -p "$WORK/units" "$WORK/man/man1" "$WORK/man/man5"
cp "$SRC/man/cardtally.1" "$WORK/man/man1/"
cp "$SRC/man/cardtally.conf.5" "$WORK/man/man5/"
for u in "$SRC"/dist/systemd/*; do
	n=$(basename "$u")
	[ "$n" = cardtally-kiosk@.service ] && n=cardtally-kiosk@tty1.service
	sed "s|/usr/bin/cardtally|$CT|" "$u" >"$WORK/units/$n"
done
(cd "$WORK/units" && MANPATH=$WORK/man systemd-analyze verify ./*) \
	>"$WORK/verify.out" 2>&1
rc=$?
sed 's/^/# verify: /' "$WORK/verify.out"
is "$rc" 0 "systemd-analyze verify: the kiosk, the backup, the sync and their timers"
# It does check: a unit whose program cannot run fails.
sed -i "s|^ExecStart=$CT|ExecStart=$WORK/nowhere|" \
	"$WORK/units/cardtally-backup.service"
(cd "$WORK/units" && MANPATH=$WORK/man systemd-analyze verify \
	./cardtally-backup.service) >/dev/null 2>&1
ok $((!$?)) "systemd-analyze verify fails a unit whose program is missing"

KIOSK=$WORK/deb/lib/systemd/system/cardtally-kiosk@.service
unit_key() { sed -n "s/^$2=//p" "$1"; }
is "$(unit_key "$KIOSK" ExecStart)" "/usr/bin/cardtally tui" \
	"kiosk: ExecStart=/usr/bin/cardtally tui"
is "$(unit_key "$KIOSK" User)" cardtally "kiosk: as the user cardtally"
is "$(unit_key "$KIOSK" Restart)" always "kiosk: Restart=always"
is "$(unit_key "$KIOSK" TTYPath)" "/dev/%I" "kiosk: on the instance's tty"
is "$(unit_key "$KIOSK" Conflicts)" "getty@%i.service" \
	"kiosk: no login prompt on its tty"
is "$(unit_key "$KIOSK" DefaultInstance)" tty1 "kiosk: tty1 by default"
TIMER=$WORK/deb/lib/systemd/system/cardtally-backup.timer
is "$(unit_key "$TIMER" OnCalendar)" "*-*-* 19:00:00" \
	"backup timer: daily at 19:00"
is "$(unit_key "$TIMER" Persistent)" true \
	"backup timer: a missed evening runs at the next start"
is "$(unit_key "$WORK/deb/lib/systemd/system/cardtally-backup.service" \
	ExecStart)" "/usr/bin/cardtally backup" \
	"backup service: cardtally backup"
TIMER=$WORK/deb/lib/systemd/system/cardtally-sync.timer
is "$(unit_key "$TIMER" OnCalendar)" "*:0/15" "sync timer: every 15 minutes"
is "$(unit_key "$TIMER" Persistent)" true \
	"sync timer: a box that was off syncs at the next start"
SYNC=$WORK/deb/lib/systemd/system/cardtally-sync.service
is "$(unit_key "$SYNC" ExecStart)" "/usr/bin/cardtally sync" \
	"sync service: cardtally sync (hub and ward_code from the configuration)"
is "$(unit_key "$SYNC" User)" cardtally "sync service: as the user cardtally"
like "$(unit_key "$SYNC" ConditionPathExists)" "ledger\.db\.key" \
	"sync service: only once the ward's sync key is made"

# ---- a fresh Debian 12 -------------------------------------------------------
ROOT=$WORK/root
mkdir -p "$ROOT"
# The chroot holds what the package depends on (its Depends, the shared
# libraries' included, first of each alternative, versions dropped), so
# that installing it needs no network; a new dependency makes a new chroot.
CHROOT_PKGS=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' |
	sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$' | sort -u |
	paste -sd,)
TARBALL=$CACHE/$SUITE-minbase-$(printf '%s' "$CHROOT_PKGS" |
	sha256sum | cut -c1-12).tar
if [ ! -s "$TARBALL" ]; then
	mkdir -p "$CACHE"
	start=$(date +%s)
	debootstrap --variant=minbase --include="$CHROOT_PKGS" "$SUITE" \
		"$WORK/bootstrap" "$MIRROR" >"$WORK/debootstrap.log" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || tail -n 20 "$WORK/debootstrap.log" | sed 's/^/#   /'
	is "$rc" 0 "debootstrap $SUITE ($(($(date +%s) - start)) s;" \
		"kept in $TARBALL)"
	if [ "$rc" -eq 0 ]; then
		tar -C "$WORK/bootstrap" -cf "$TARBALL.tmp" . &&
			mv "$TARBALL.tmp" "$TARBALL"
	fi
	rm -rf "$WORK/bootstrap" "$TARBALL.tmp"
fi
if ! tar -C "$ROOT" -xf "$TARBALL" 2>/dev/null; then
	diag "no chroot: $TARBALL"
	done_testing
	exit
fi
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LC_ALL=C.UTF-8 "$@"; }
# dpkg ARGS...: dpkg in the chroot; its output in $OUT, exit in $RC.
dpkg_root() {
	OUT=$(in_root dpkg "$@" 2>&1)
	RC=$?
}
cp "$DEB" "$PREV_DEB" "$ROOT/tmp/"
is "$(cat "$ROOT/etc/debian_version" | cut -d. -f1)" 12 "the chroot is Debian 12"

# Installation of the previous version.
dpkg_root -i "/tmp/$(basename "$PREV_DEB")"
is "$RC" 0 "dpkg -i cardtally_$PREV: exit 0"
[ "$RC" -eq 0 ] || diag "$OUT"
is "$(in_root getent passwd cardtally | cut -d: -f6,7)" \
	"/var/lib/cardtally:/usr/sbin/nologin" \
	"a system user cardtally, home /var/lib/cardtally, no login shell"
uid=$(in_root id -u cardtally)
ok "$([ -n "$uid" ] && [ "$uid" -lt 1000 ]; echo $?)" \
	"cardtally is a system user (uid $uid)"
like "$(in_root id -nG cardtally)" "(^| )plugdev( |$)" \
	"cardtally is in plugdev (the readers of the udev rule)"
is "$(in_root stat -c '%U:%G %a' /var/lib/cardtally)" "cardtally:cardtally 700" \
	"/var/lib/cardtally: owned by cardtally, mode 0700"
is "$(in_root stat -c '%U %a' /etc/cardtally/cardtally.conf)" "root 644" \
	"/etc/cardtally/cardtally.conf installed"
is "$(in_root dpkg-query -W -f '${Status} ${Version}' cardtally)" \
	"install ok installed $PREV" "cardtally $PREV is installed"

# A ledger of schema version 12 (before the reads recorded their identity
# profile), made by this build and taken back one version as trust.t does.
new_ledger
SCHEMA=$(sqlq 'PRAGMA user_version')
ledger_back_to "$CARDTALLY_DB" 12
ok "$([ "$SCHEMA" -gt 12 ]; echo $?)" \
	"this build's schema ($SCHEMA) is newer than the old ledger's (12)"
LEDGER=$ROOT/var/lib/cardtally/ledger.db
cp "$CARDTALLY_DB" "$LEDGER"
in_root chown cardtally:cardtally /var/lib/cardtally/ledger.db
chmod 640 "$LEDGER"
staff_before=$(sqlite3 "$LEDGER" 'SELECT count(*) FROM staff')

# The upgrade: the copy first (of schema 12), then the migration.
dpkg_root -i "/tmp/$(basename "$DEB")"
is "$RC" 0 "upgrade to $VERSION: exit 0"
grep 'cardtally:' <<<"$OUT" | sed 's/^/# /'
like "$OUT" "cardtally: ledger \(schema version 12\) copied to " \
	"upgrade: says where the ledger's copy is"
like "$OUT" "ledger migrated: schema version 12 -> $SCHEMA" \
	"upgrade: says the ledger was migrated"
copies=$(ls "$ROOT/var/lib/cardtally/upgrade-backups/")
is "$(echo "$copies" | grep -c .)" 1 "one copy in upgrade-backups ($copies)"
copy=$ROOT/var/lib/cardtally/upgrade-backups/$copies
is "$(sqlite3 "$copy" 'PRAGMA user_version')" 12 \
	"the copy is the ledger before its migration (schema 12)"
is "$(sqlite3 "$copy" 'PRAGMA integrity_check')" ok "the copy is whole"
is "$(in_root stat -c '%U' "/var/lib/cardtally/upgrade-backups/$copies")" \
	cardtally "the copy belongs to cardtally"
is "$(in_root stat -c '%U %a' /var/lib/cardtally/upgrade-backups)" \
	"cardtally 700" "upgrade-backups: cardtally's alone"
is "$(sqlite3 "$LEDGER" 'PRAGMA user_version')" "$SCHEMA" \
	"the ledger is migrated to schema $SCHEMA"
is "$(sqlite3 "$LEDGER" 'SELECT count(*) FROM staff')" "$staff_before" \
	"the migrated ledger keeps its staff ($staff_before)"
is "$(in_root dpkg-query -W -f '${Status} ${Version}' cardtally)" \
	"install ok installed $VERSION" "cardtally $VERSION is installed"
out=$(in_root setpriv --reuid=cardtally --regid=cardtally --init-groups \
	cardtally audit verify 2>&1)
is "$?" 0 "audit verify on the migrated ledger, as cardtally"
[ -z "$out" ] || sed "s/^/# /" <<<"$out"

# The backup timer's command, as the timer runs it: the package made its
# directory, the copy lands there and verifies.
is "$(in_root stat -c '%U:%G %a' /var/lib/cardtally/backup)" \
	"cardtally:cardtally 700" "/var/lib/cardtally/backup: cardtally's, 0700"
is "$(in_root stat -c '%U:%G %a' /var/lib/cardtally/reports)" \
	"cardtally:cardtally 700" "/var/lib/cardtally/reports: cardtally's, 0700"
copy=$(in_root setpriv --reuid=cardtally --regid=cardtally --init-groups \
	cardtally backup 2>&1)
is "$?" 0 "cardtally backup (the timer's command), as cardtally"
like "$copy" "^/var/lib/cardtally/backup/cardtally-[0-9]{8}-[0-9]{6}\.db$" \
	"the copy is in backup_dir's default place"
out=$(in_root setpriv --reuid=cardtally --regid=cardtally --init-groups \
	cardtally backup verify "$copy" 2>&1)
rc=$?
is "$rc" 0 "the copy verifies"
[ "$rc" -eq 0 ] || sed "s/^/# /" <<<"$out"

# A PDF from the installed program: its drawing, a part of its own, loads
# from /usr/lib/cardtally (nothing lies beside /usr/bin/cardtally).
out=$(in_root setpriv --reuid=cardtally --regid=cardtally --init-groups \
	cardtally report daily --format pdf \
	--output /var/lib/cardtally/reports/daily.pdf 2>&1)
rc=$?
is "$rc" 0 "report daily --format pdf, as cardtally: the drawing part loads"
[ "$rc" -eq 0 ] || sed "s/^/# /" <<<"$out"
is "$(head -c 5 "$ROOT/var/lib/cardtally/reports/daily.pdf" 2>/dev/null)" \
	"%PDF-" "... and writes a PDF"

# A ledger the new program cannot open (a schema from the future): the
# configuration stops, loudly, and the file stays as it was.
sqlite3 "$LEDGER" 'PRAGMA user_version = 999'
sum=$(sha256sum <"$LEDGER")
dpkg_root -i "/tmp/$(basename "$DEB")"
ok $((!RC)) "reinstall over a ledger it cannot migrate: dpkg fails"
like "$OUT" "ERROR: the ledger /var/lib/cardtally/ledger.db could NOT be migrated" \
	"says the ledger was not migrated"
like "$OUT" "ERROR: .*newer than" "says why (the program's own message)"
like "$OUT" "it is left as it was \(schema version 999\)" \
	"says the ledger is left as it was"
is "$(sha256sum <"$LEDGER")" "$sum" "the ledger is unchanged"
is "$(ls "$ROOT/var/lib/cardtally/upgrade-backups/" | grep -c .)" 2 \
	"its copy was made first"
is "$(in_root dpkg-query -W -f '${Status}' cardtally)" \
	"install ok half-configured" "the package is left half-configured"
sqlite3 "$LEDGER" "PRAGMA user_version = $SCHEMA"
dpkg_root --configure cardtally
is "$RC" 0 "dpkg --configure once the cause is fixed: exit 0"
[ "$RC" -eq 0 ] || diag "$OUT"

# ---- the kiosk's command, as its unit runs it ---------------------------------
# ExecStart= as User= with the unit's Environment= and WorkingDirectory=,
# on a terminal of the test harness instead of /dev/tty1.
UNIT=$ROOT/lib/systemd/system/cardtally-kiosk@.service
exec_start=$(unit_key "$UNIT" ExecStart)
user=$(unit_key "$UNIT" User)
cwd=$(unit_key "$UNIT" WorkingDirectory)
# shellcheck disable=SC2046
tm new-session -d -s kiosk -x 80 -y 24 chroot "$ROOT" env -i \
	PATH=/usr/bin:/bin TERM=screen $(unit_key "$UNIT" Environment) \
	setpriv --reuid="$user" --regid="$user" --init-groups \
	sh -c 'cd "$1" && shift && exec "$@"; echo "kiosk exited: $?"; sleep 600' \
	kiosk "$cwd" $exec_start
see kiosk "Staff code" "the kiosk's command shows the login screen"
pid=$(tm list-panes -t kiosk -F '#{pane_pid}')
is "$(stat -c %u /proc/"$pid")" "$(in_root id -u cardtally)" \
	"the kiosk runs as the unit's user (uid $(in_root id -u cardtally))"
tm kill-session -t kiosk 2>/dev/null

# ---- purge ---------------------------------------------------------------------
dpkg_root --purge cardtally
is "$RC" 0 "dpkg --purge: exit 0"
like "$OUT" "cardtally: /var/lib/cardtally is kept: it holds the ledger" \
	"purge says the ledger is kept"
ok "$([ ! -e "$ROOT/etc/cardtally" ]; echo $?)" "purge removes /etc/cardtally"
ok "$([ -s "$LEDGER" ]; echo $?)" "purge keeps the ledger"
is "$(sqlite3 "$LEDGER" 'SELECT count(*) FROM staff')" "$staff_before" \
	"the kept ledger is whole"
ok "$([ ! -e "$ROOT/usr/bin/cardtally" ] &&
	[ ! -e "$ROOT/lib/systemd/system/cardtally-kiosk@.service" ]; echo $?)" \
	"purge removes the program and the units"

done_testing
