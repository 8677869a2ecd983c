#!/usr/bin/env bash
# The system files shipped for readers (dist/) and their installation:
# `make install-dist` (part of `make install`) puts the udev rule for
# reader permissions into $(UDEVDIR) and the kernel NFC driver blacklist
# into $(MODPROBEDIR), under DESTDIR; the rule covers every reader of the
# known-reader table (drivers/usbwatch.c), and the blacklist the three
# modules that claim PN533-based readers before libnfc or pcscd can.
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
done_testing
