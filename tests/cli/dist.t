#!/usr/bin/env bash
# The system files shipped for readers (dist/) and their installation:
# `make install-dist` (part of `make install`) puts the udev rule for
# reader permissions into $(UDEVDIR) and the kernel NFC driver blacklist
# into $(MODPROBEDIR), under DESTDIR; the rule covers every reader of the
# known-reader table (drivers/usbwatch.c), and the blacklist the three
# modules that claim PN533-based readers before libnfc or pcscd can.
# `make install-systemd` installs the units (the kiosk, the backup and the
# sync to the hub with their timers) naming the installed program.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$TESTS/.." && pwd)
RULES=etc/udev/rules.d/60-cardtally-readers.rules
BLACKLIST=etc/modprobe.d/cardtally-blacklist-pn533.conf

if ! command -v make >/dev/null; then
	echo "1..0 # SKIP make is not installed"
	exit 0
fi
# A make of its own, not a sub-make of the one running the tests.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$SRC" install-dist \
	DESTDIR="$WORK/root" >"$WORK/make.out" 2>&1
is "$?" 0 "make install-dist DESTDIR=...: exit 0"
for f in "$RULES:udev" "$BLACKLIST:modprobe.d"; do
	dst=${f%%:*} shipped="$SRC/dist/${f##*:}/$(basename "${f%%:*}")"
	is "$(stat -c %a "$WORK/root/$dst" 2>/dev/null)" 644 \
		"installed: /$dst (0644)"
	ok "$(cmp -s "$WORK/root/$dst" "$shipped"; echo $?)" \
		"/$dst is the shipped file"
done
is "$(find "$WORK/root" -type f | wc -l)" 2 "nothing else installed"

# Every reader of the known-reader table has its rule line.
pairs=$(grep -oE '\{0x[0-9a-f]{4}, 0x[0-9a-f]{4},' "$SRC/drivers/usbwatch.c" |
	sed -E 's/\{0x(....), 0x(....),/\1:\2/' | sort)
ok "$([ "$(echo "$pairs" | wc -l)" -ge 5 ]; echo $?)" \
	"the known-reader table was found ($(echo $pairs))"
ruled=$(grep -oE 'ATTR\{idVendor\}=="[0-9a-f]{4}", ATTR\{idProduct\}=="[0-9a-f]{4}"' \
	"$WORK/root/$RULES" | sed -E 's/.*"(....)".*"(....)"/\1:\2/' | sort)
is "$ruled" "$pairs" "udev rule: one line per known reader, no other"
is "$(grep -c 'MODE="0660", GROUP="plugdev", TAG+="uaccess"$' \
	"$WORK/root/$RULES")" "$(echo "$pairs" | wc -l)" \
	"udev rule: each reader for plugdev and the seat's user"
is "$(grep -E '^blacklist ' "$WORK/root/$BLACKLIST" | sort | tr '\n' ' ')" \
	"blacklist nfc blacklist pn533 blacklist pn533_usb " \
	"blacklist: pn533_usb, pn533 and nfc"

# The systemd units (make install-systemd): each installed 0644, naming
# the installed program; the sync's timer and service as the backup's.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$SRC" install-systemd \
	DESTDIR="$WORK/units" SYSTEMDUNITDIR=/lib/systemd/system \
	BINDIR=/opt/ct/bin >"$WORK/make.out" 2>&1
is "$?" 0 "make install-systemd DESTDIR=...: exit 0"
U=$WORK/units/lib/systemd/system
for u in "$SRC"/dist/systemd/*; do
	is "$(stat -c %a "$U/$(basename "$u")" 2>/dev/null)" 644 \
		"installed: $(basename "$u") (0644)"
done
key() { sed -n "s/^$2=//p" "$U/$1"; }
for t in backup sync; do
	is "$(key "cardtally-$t.service" ExecStart)" "/opt/ct/bin/cardtally $t" \
		"cardtally-$t.service runs cardtally $t from BINDIR"
	is "$(key "cardtally-$t.service" User)" cardtally \
		"cardtally-$t.service: as the user cardtally"
	is "$(key "cardtally-$t.timer" Persistent)" true \
		"cardtally-$t.timer: a run missed while off is made at the start"
	is "$(key "cardtally-$t.timer" WantedBy)" timers.target \
		"cardtally-$t.timer: enabled with the timers"
done
is "$(key cardtally-sync.timer OnCalendar)" "*:0/15" \
	"the sync every 15 minutes"
is "$(key cardtally-sync.service ConditionPathExists | tr '\n' ' ')" \
	"/var/lib/cardtally/ledger.db /var/lib/cardtally/ledger.db.key " \
	"the sync only where the ledger and its sync key are"
done_testing
