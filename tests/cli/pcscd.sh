# A private pcscd for the tests that need one (pcsc.t, conformance.t,
# cycles.t), sourced after lib.sh.  It never touches a pcscd that is already
# running (say systemd's socket-activated one on a desktop).
#
# Why a mount namespace: pcsc-lite 1.9.9 (Debian 12) lets the client library
# choose its socket (PCSCLITE_CSOCK_NAME in the environment), but the daemon
# ignores that variable and always creates /run/pcscd/pcscd.comm and
# /run/pcscd/pcscd.pid; a second pcscd then refuses to start ("file
# /run/pcscd/pcscd.comm already exists").  So our pcscd runs under
# `unshare -m` (`unshare -rm`, a user namespace, when not root) with our own
# directory bind-mounted over /run/pcscd: it creates its socket there, and
# cardtally reaches it through PCSCLITE_CSOCK_NAME.  Its readers come from
# our own reader.conf.d (`pcscd -c`): vsmartcard's vpcd on free TCP ports,
# so that a system pcscd with vpcd configured (ports 35963/35964) is no
# obstacle either.
#
# Gives: pcscd_prepare (sets PCSCD_SKIP to a reason when it cannot run),
# pcscd_conf DIR NAME PORT [SO] (a reader.conf.d entry), start_pcscd [ARGS],
# stop_pcscd, free_port_pair, and $PCSCD (PID of ours, "" when none).

PCSCD=
PCSCD_SKIP=
PCSCD_RUN="$WORK/pcscd-run"
PCSCD_CONF="$WORK/pcscd-conf"
VPCD_SO=/usr/lib/pcsc/drivers/serial/libifdvpcd.so

# free_port_pair: prints a TCP port P such that P and P+1 are free now
# (vpcd listens on P for slot 00 and P+1 for slot 01).
free_port_pair() {
	python3 -c '
import socket
for _ in range(200):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1))
    except OSError:
        a.close(); continue
    a.close(); b.close()
    if p + 1 < 65536:
        print(p); break'
}

# pcscd_conf DIR NAME PORT [SO]: a vpcd reader entry in DIR called NAME
# (pcscd adds " 00 00" and " 00 01"), listening on PORT and PORT+1.  A
# second entry needs its own copy of the driver (SO): entries sharing one
# file share its slots.
pcscd_conf() {
	mkdir -p "$1"
	printf '%s\n' "FRIENDLYNAME \"$2\"" \
		"DEVICENAME /dev/null:$(printf '0x%X' "$3")" \
		"LIBPATH ${4:-$VPCD_SO}" "CHANNELID $(printf '0x%X' "$3")" \
		>"$1/$(echo "$2" | tr -c 'A-Za-z0-9\n' _)"
}

# How our pcscd gets its own /run/pcscd: "root" (unshare -m), "user"
# (unshare -rm), or "" when neither works.
_pcscd_ns=
pcscd_prepare() {
	if ! "$CT" readers | grep -q '^  pcsc '; then
		PCSCD_SKIP="the pcsc backend is not in this build (no libpcsclite)"
	elif ! command -v pcscd >/dev/null; then
		PCSCD_SKIP="pcscd is not installed (Debian: pcscd)"
	elif [ ! -e "$VPCD_SO" ]; then
		PCSCD_SKIP="vsmartcard's vpcd driver is not installed (Debian: vsmartcard-vpcd)"
	elif ! command -v unshare >/dev/null; then
		PCSCD_SKIP="unshare(1) is missing: a private pcscd needs its own /run/pcscd (pcsc-lite 1.9.9's pcscd ignores PCSCLITE_CSOCK_NAME)"
	elif [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		_pcscd_ns=root
	elif unshare -rm true 2>/dev/null; then
		_pcscd_ns=user
	else
		PCSCD_SKIP="no mount namespace (unshare -m / -rm refused): pcsc-lite 1.9.9's pcscd always binds /run/pcscd/pcscd.comm and ignores PCSCLITE_CSOCK_NAME, so a private pcscd needs its own /run/pcscd"
	fi
	[ -z "$PCSCD_SKIP" ] || return 1
	mkdir -p "$PCSCD_RUN" "$PCSCD_CONF"
	export PCSCLITE_CSOCK_NAME="$PCSCD_RUN/pcscd.comm"
	return 0
}

# start_pcscd [ARGS]: our pcscd (`pcscd -f -c $PCSCD_CONF ARGS`; a later -c
# wins), up and answering on $PCSCLITE_CSOCK_NAME.
start_pcscd() {
	local flag=-m i
	[ "$_pcscd_ns" = user ] && flag=-rm
	rm -f "$PCSCD_RUN/pcscd.comm" "$PCSCD_RUN/pcscd.pid"
	# In the namespace: our directory over /run/pcscd (a tmpfs /run first
	# where the machine has no /run/pcscd to mount over), then pcscd
	# itself, under the same PID as this job.
	unshare $flag sh -c '
		if [ ! -d /run/pcscd ]; then
			mount -t tmpfs tmpfs /run && mkdir /run/pcscd || exit 1
		fi
		mount --bind "$0" /run/pcscd || exit 1
		exec pcscd -f "$@"' "$PCSCD_RUN" -c "$PCSCD_CONF" "$@" \
		>>"$WORK/pcscd.log" 2>&1 &
	PCSCD=$!
	for ((i = 0; i < 200; i++)); do
		kill -0 "$PCSCD" 2>/dev/null || return 1
		[ -S "$PCSCLITE_CSOCK_NAME" ] && return 0
		sleep 0.05
	done
	return 1
}

stop_pcscd() {
	[ -n "$PCSCD" ] || return 0
	kill -TERM "$PCSCD" 2>/dev/null
	wait "$PCSCD" 2>/dev/null
	PCSCD=
}
