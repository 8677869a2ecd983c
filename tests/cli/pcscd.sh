# A private pcscd for the tests that need one (pcsc.t, conformance.t,
# cycles.t), sourced after lib.sh.  It never touches a pcscd that is already
# running (say systemd's socket-activated one on a desktop).
#
# Its socket: pcsc-lite 1.9.9 (Debian 12) lets the client library choose
# its socket (PCSCLITE_CSOCK_NAME in the environment), but the daemon
# ignores that variable: left to itself it always creates
# /run/pcscd/pcscd.comm, and a second pcscd refuses to start ("file
# /run/pcscd/pcscd.comm already exists").  The daemon does take a socket
# handed to it the way systemd's socket activation does (LISTEN_FDS=1 and
# LISTEN_PID, the socket on descriptor 3; pcscdaemon.c, sd_listen_fds): it
# then neither creates nor checks /run/pcscd/pcscd.comm.  So we bind and
# listen on our own socket, $WORK/pcscd-run/pcscd.comm, start pcscd with
# it, and cardtally reaches it through PCSCLITE_CSOCK_NAME.
#
# Its pid file: pcscd still writes /run/pcscd/pcscd.pid (and removes it when
# it stops).  Where a mount namespace is allowed, our pcscd runs in one
# (`unshare -m`; `unshare -rm`, a user namespace, when not root) with our
# own directory bind-mounted over /run/pcscd, so the pid file is ours too.
# Where it is refused (a chroot whose / is not a mount point, many
# containers), our pcscd writes /run/pcscd/pcscd.pid itself: that is done
# only when no other pcscd's pid file is there, and a /run/pcscd made for
# it is removed again.  PCSCD_NAMESPACE=none forces that way (to test it).
#
# Its readers come from our own reader.conf.d (`pcscd -c`): vsmartcard's
# vpcd on free TCP ports, so that a system pcscd with vpcd configured
# (ports 35963/35964) is no obstacle either.
#
# Gives: pcscd_prepare (sets PCSCD_SKIP to a reason when it cannot run),
# pcscd_conf DIR NAME PORT [SO] (a reader.conf.d entry), start_pcscd [ARGS],
# stop_pcscd, free_port_pair, $PCSCD (PID of ours, "" when none) and
# $PCSCD_HOW (how it runs: "mount namespace", "user and mount namespace"
# or "no namespace").

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

# pcscd_prepare: checks that our pcscd can run and how (PCSCD_HOW);
# returns 1 with the reason in PCSCD_SKIP when it cannot.
_pcscd_ns=
PCSCD_HOW=
_pcscd_made_run=
pcscd_prepare() {
	local pid
	PCSCD_SKIP=
	if ! "$CT" readers | grep -q '^  pcsc '; then
		PCSCD_SKIP="the pcsc backend is not in this build (no libpcsclite)"
	elif ! command -v pcscd >/dev/null; then
		PCSCD_SKIP="pcscd is not installed (Debian: pcscd)"
	elif [ ! -e "$VPCD_SO" ]; then
		PCSCD_SKIP="vsmartcard's vpcd driver is not installed (Debian: vsmartcard-vpcd)"
	elif [ "${PCSCD_NAMESPACE:-auto}" = none ]; then
		_pcscd_ns=
	elif ! command -v unshare >/dev/null; then
		_pcscd_ns=
	elif [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		_pcscd_ns=root
	elif unshare -rm true 2>/dev/null; then
		_pcscd_ns=user
	fi
	case $_pcscd_ns in
	root) PCSCD_HOW="mount namespace" ;;
	user) PCSCD_HOW="user and mount namespace" ;;
	*) PCSCD_HOW="no namespace" ;;
	esac
	# Without a namespace our pcscd writes /run/pcscd/pcscd.pid: not
	# over another pcscd's, nor where it could not create /run/pcscd.
	if [ -z "$PCSCD_SKIP" ] && [ -z "$_pcscd_ns" ]; then
		pid=$(cat /run/pcscd/pcscd.pid 2>/dev/null | tr -cd 0-9)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			PCSCD_SKIP="no mount namespace for our pcscd and another pcscd runs (pid $pid): ours would overwrite its /run/pcscd/pcscd.pid"
		elif [ ! -d /run/pcscd ] && ! [ -w /run ]; then
			PCSCD_SKIP="no mount namespace for our pcscd and /run/pcscd cannot be created (not root): pcscd needs it for its pid file"
		fi
	fi
	[ -z "$PCSCD_SKIP" ] || return 1
	mkdir -p "$PCSCD_RUN" "$PCSCD_CONF"
	export PCSCLITE_CSOCK_NAME="$PCSCD_RUN/pcscd.comm"
	return 0
}

# The socket activation (see the top): binds and listens on the socket
# named first, puts it on descriptor 3 and becomes pcscd (the rest of the
# arguments), keeping its PID, as LISTEN_PID requires.  Perl (perl-base,
# always there) starts in milliseconds; pcscd is restarted often.
_PCSCD_LAUNCH='
use strict;
use warnings;
use Socket;
use POSIX ();
$^F = 3; # descriptors up to 3 stay open across exec
my $path = shift;
unlink $path;
socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!\n";
bind($s, pack_sockaddr_un($path)) or die "bind $path: $!\n";
listen($s, 64) or die "listen $path: $!\n";
POSIX::dup2(fileno($s), 3) // die "dup2: $!\n" if fileno($s) != 3;
$ENV{LISTEN_FDS} = 1;
$ENV{LISTEN_PID} = $$;
delete $ENV{LISTEN_FDNAMES};
exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n";'

# start_pcscd [ARGS]: our pcscd (`pcscd -f -c $PCSCD_CONF ARGS`; a later -c
# wins), up and with its readers loaded.  It logs at the info level to
# $WORK/pcscd.log; "daemon ready" there says it is up (the socket, ours,
# exists before pcscd does, and a client that comes early waits in its
# queue).
start_pcscd() {
	local flag=-m i ready
	[ "$_pcscd_ns" = user ] && flag=-rm
	rm -f "$PCSCD_RUN/pcscd.pid"
	touch "$WORK/pcscd.log"
	ready=$(grep -c 'daemon ready' "$WORK/pcscd.log")
	if [ -n "$_pcscd_ns" ]; then
		# In the namespace: our directory over /run/pcscd (a tmpfs
		# /run first where the machine has no /run/pcscd to mount
		# over), then pcscd itself, under the same PID as this job.
		unshare $flag sh -c '
			if [ ! -d /run/pcscd ]; then
				mount -t tmpfs tmpfs /run || exit 1
				mkdir /run/pcscd || exit 1
			fi
			mount --bind "$0" /run/pcscd || exit 1
			exec perl -e "$@"' "$PCSCD_RUN" "$_PCSCD_LAUNCH" \
			"$PCSCLITE_CSOCK_NAME" pcscd -f --info -c "$PCSCD_CONF" \
			"$@" >>"$WORK/pcscd.log" 2>&1 &
	else
		[ -d /run/pcscd ] || _pcscd_made_run=1
		perl -e "$_PCSCD_LAUNCH" "$PCSCLITE_CSOCK_NAME" \
			pcscd -f --info -c "$PCSCD_CONF" "$@" \
			>>"$WORK/pcscd.log" 2>&1 &
	fi
	PCSCD=$!
	for ((i = 0; i < 200; i++)); do
		kill -0 "$PCSCD" 2>/dev/null || return 1
		[ "$(grep -c 'daemon ready' "$WORK/pcscd.log")" -gt "$ready" ] &&
			return 0
		sleep 0.05
	done
	return 1
}

# stop_pcscd: ours stops (SIGTERM, by PID); a /run/pcscd made for it goes.
# Its socket goes first, as a pcscd that made its own removes it before
# exiting: else a client reconnecting the moment its connection drops is
# queued on the socket of the dying pcscd and then reset (ECONNRESET, which
# libpcsclite reports as "Access denied").
stop_pcscd() {
	[ -n "$PCSCD" ] || return 0
	rm -f "$PCSCLITE_CSOCK_NAME"
	kill -TERM "$PCSCD" 2>/dev/null
	wait "$PCSCD" 2>/dev/null
	PCSCD=
	if [ -n "$_pcscd_made_run" ]; then
		rmdir /run/pcscd 2>/dev/null
		_pcscd_made_run=
	fi
	return 0
}
