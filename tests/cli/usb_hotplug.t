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
if [ ! -x "$tool" ] || ! command -v umockdev-wrapper >/dev/null; then
	echo "1..0 # SKIP no libusb or libumockdev in this build"
	exit 0
fi
exec umockdev-wrapper "$tool" watch "$TESTS/data/usb/acr122u.umockdev"
