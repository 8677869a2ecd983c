#!/usr/bin/env bash
# libusb hotplug through drivers/usbwatch: umockdev adds and removes a faked
# ACS ACR122U while the watcher runs (tests/tools/usb_hotplug.c prints the
# TAP: ARRIVED with the right identity, LEFT, ARRIVED again).
. "$(dirname "$0")/lib.sh"
# Under make check the umockdev preload library is loaded before ASan's
# runtime; ASan works so, but refuses unless told.
if [ -n "${CARDTALLY_SANITIZED:-}" ]; then
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
fi

tool="$BUILD/tests/tools/usb_hotplug"
if [ ! -x "$tool" ]; then
	echo "1..0 # SKIP tests/tools/usb_hotplug is not built: it needs" \
		"libusb and libumockdev (Debian: libusb-1.0-0-dev, libumockdev-dev)"
	exit 0
elif ! command -v umockdev-wrapper >/dev/null; then
	echo "1..0 # SKIP umockdev-wrapper is not installed (Debian: umockdev)"
	exit 0
fi
# Not exec: the EXIT trap of lib.sh removes the work directory afterwards.
umockdev-wrapper "$tool" watch "$TESTS/data/usb/acr122u.umockdev"
