#!/bin/sh
# Installs the Debian packages that building and testing cardtally need, when
# they are missing.  Run by `make deps` (and so by `make demo` and
# `make test`).  As root it runs apt-get; otherwise it names what is missing
# and the commands that would install it.
set -eu

# build: compiler, pkg-config, SQLite and libsodium; libunistring (NFKC of
#   the stock list's location paths); gettext (msgfmt builds
#   the TUI's message catalogs); the reader and terminal
#   libraries (libnfc, PC/SC Lite, libusb, ncursesw) that the hardware
#   backends and the TUI build on
# tests: cmocka, prove (perl), the sqlite3 CLI (integrity checks and the
#   bench baseline), python3 (JSON checks and generated fixtures in the CLI
#   tests and the bench, the virtual card), tmux (for the TUI tests); pcscd
#   with vsmartcard's virtual reader driver and the CCID driver, for the
#   pcsc backend's tests against a real daemon; openssl (the certificate
#   that the virtual My Number cards of the pcsc and nfc tests carry);
#   util-linux and mount (unshare, mount, setsid: a private pcscd, a
#   process without a terminal), on every Debian but named all the same;
#   groff-base (tbl, groff) to check that the man pages are valid roff
PACKAGES="gcc make pkg-config libc6-dev libsqlite3-dev libsodium-dev
libunistring-dev libcmocka-dev libnfc-dev libpcsclite-dev libusb-1.0-0-dev libncurses-dev
sqlite3 perl python3 tmux pcscd vsmartcard-vpcd libccid gettext groff-base
openssl util-linux mount"
# paper reports (issue 15): cairo and pango build the PDFs, fonts-noto-cjk
#   gives them Japanese; poppler-utils (pdftotext, pdfinfo, pdftoppm)
#   lets tests/cli/pdf.t read back the text, pages and margins
PACKAGES="$PACKAGES libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils"
# usb tests: umockdev fakes USB readers (umockdev-run, umockdev-wrapper) and
#   libumockdev-dev builds the hotplug tool that adds and removes them
PACKAGES="$PACKAGES umockdev libumockdev-dev"

# the city-wide hub (issue 16): libpq-dev builds hub/, the only code that
#   talks to PostgreSQL; postgresql-15 is the server tests/cli/hub.t
#   starts on a Unix socket in a directory of its own (initdb, pg_ctl);
#   postgresql-server-dev-15 builds the hub's own server functions (hub/pg/)
PACKAGES="$PACKAGES libpq-dev postgresql-15 postgresql-server-dev-15"

# package tests (tests/cli/deb.t): debhelper and dpkg-dev build the .deb,
#   lintian checks it, debootstrap (with the archive keyring and wget) makes
#   the fresh Debian 12 chroot it is installed, upgraded and purged in, and
#   systemd brings systemd-analyze, which verifies the units
PACKAGES="$PACKAGES debhelper dpkg-dev lintian debootstrap
debian-archive-keyring wget systemd"

# fuzz (`make fuzz` only, never the default): clang and its libFuzzer and
# sanitizer runtimes.  `scripts/deps.sh fuzz` checks these instead.
FUZZ_PACKAGES="clang libclang-rt-14-dev"
if [ "${1:-}" = fuzz ]; then
	PACKAGES=$FUZZ_PACKAGES
fi

# deb (`make deb`, what an office's IT runs): dpkg-dev and debhelper, then
# the package's own build dependencies (debian/control), nothing the tests
# need.
if [ "${1:-}" = deb ]; then
	cd "$(dirname "$0")/.."
	if command -v dpkg-checkbuilddeps >/dev/null 2>&1 &&
		dpkg-checkbuilddeps 2>/dev/null; then
		exit 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: the package's build dependencies are missing" >&2
		echo "deps: install them as root: apt-get update &&" \
			"apt-get install --no-install-recommends dpkg-dev &&" \
			"apt-get build-dep ./" >&2
		exit 1
	fi
	echo "deps: installing the package's build dependencies"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
	apt-get build-dep -y -qq ./ >/dev/null
	exit 0
fi

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: install them as root: apt-get update &&" \
		"apt-get install --no-install-recommends$missing" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
