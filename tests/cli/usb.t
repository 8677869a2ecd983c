#!/usr/bin/env bash
# `cardtally readers` and USB: with no USB bus (these machines have none)
# the "USB devices" part says "none seen"; with umockdev faking an ACS
# ACR122U (tests/data/usb/acr122u.umockdev: its sysfs attributes and
# descriptors) the reader is listed by VID:PID with the backends that drive
# it, as text and as JSON.
. "$(dirname "$0")/lib.sh"
# Under make check the umockdev preload library is loaded before ASan's
# runtime; ASan works so, but refuses unless told.
if [ -n "${CARDTALLY_SANITIZED:-}" ]; then
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
fi

DEV="$TESTS/data/usb/acr122u.umockdev"

ct readers
is "$RC" 0 "readers: exit 0"
like "$OUT" $'USB devices' "readers has a USB devices part"
if "$CT" readers --json | pyjson 'd.get("usb_error", "")' | grep -q libusb; then
	# A build without libusb says so instead of listing.
	skip "no libusb in this build (Debian: libusb-1.0-0-dev)"
	done_testing
	exit $?
fi

# Without umockdev the real (empty) bus is what libusb sees.
ct readers --json
is "$(printf '%s' "$OUT" | pyjson 'd["usb"]')" "[]" "json: usb is []"
ct readers
like "$(printf '%s\n' "$OUT" | sed -n '/^USB devices/,$p')" '^  none seen$' \
	"text: none seen"
if ! command -v umockdev-run >/dev/null; then
	for c in "readers --json under umockdev" "json: the faked ACR122U" \
		"text: the faked ACR122U" "text: the pcscd/libnfc hint"; do
		skip "$c: umockdev-run is not installed (Debian: umockdev)"
	done
	done_testing
	exit $?
fi

out=$(umockdev-run -d "$DEV" -- "$CT" readers --json)
is "$?" 0 "readers --json under umockdev: exit 0"
is "$(printf '%s' "$out" | pyjson '[(u["bus"], u["address"], u["vid"], u["pid"], u["name"], u["backends"]) for u in d["usb"]]')" \
	'[[1,5,"072f","2200","ACS ACR122U",["pcsc","nfc"]]]' \
	"json: the faked ACR122U, and only it (its root hub is not a reader)"
out=$(umockdev-run -d "$DEV" -- "$CT" readers)
like "$out" '^  001/005 072f:2200 ACS ACR122U \(backends: pcsc nfc\)$' \
	"text: bus/address, VID:PID, name, backends"
like "$out" 'cannot share one USB reader' "text: the pcscd/libnfc hint"
done_testing
