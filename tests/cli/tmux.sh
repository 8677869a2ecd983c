# Helpers for the tests that drive the real TUI in tmux (tests/cli/tui*.t),
# on a private server socket in the test's work directory.  Source it after
# lib.sh: . "$(dirname "$0")/tmux.sh"

SOCK="$WORK/tmux.sock"
tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
# The server lives until the trap above kills it.  By default tmux exits
# when its last session is killed, and a test that kills one session and
# starts the next at once can reach a server in the middle of exiting:
# tmux closes that connection and new-session fails with "server exited
# unexpectedly" (seen once under the sanitizers of make check).
tm start-server \; set-option -s exit-empty off

# tui NAME ENV... -- ARGS...: starts `cardtally tui ARGS` in a new tmux
# session of 80x24 with the environment ENV (after `env -u LC_ALL`, as
# tests/run sets LC_ALL; the test's TZ, CARDTALLY_NOW and CARDTALLY_CONF,
# when set, come first, so ENV may override them).  When it ends, the pane
# says so with its exit.
tui() {
	local name=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	tm new-session -d -s "$name" -x 80 -y 24 \
		env -u LC_ALL -u LANGUAGE TZ="$TZ" \
		${CARDTALLY_NOW:+CARDTALLY_NOW="$CARDTALLY_NOW"} \
		${CARDTALLY_CONF:+CARDTALLY_CONF="$CARDTALLY_CONF"} \
		"${envs[@]}" CARDTALLY_DB="$CARDTALLY_DB" sh -c \
		'"$0" tui "$@"; echo "tui exited: $?"; sleep 600' "$CT" "$@"
}

screen() { tm capture-pane -p -t "$1"; }

# ended SESSION SCREEN: whether SCREEN (what screen printed, or its failure)
# says that waiting longer cannot change it: the session is gone (the
# server with it), or the TUI has exited and the pane shows only its exit.
# A TUI that crashed then fails the test's next step at once, not each of
# its remaining steps after a full wait.
ended() {
	[ "$2" != gone ] || { diag "tmux session '$1' is gone"; return 0; }
	case "$2" in
	*"tui exited: "*) diag "the TUI has exited; the screen:"
		printf '%s\n' "$2" | sed 's/^/#   | /'
		return 0 ;;
	esac
	return 1
}

# wait_for SESSION TEXT [SECONDS]: polls the screen until it shows TEXT
# (fixed string); fails after SECONDS (default 10, and 30 under the
# sanitizers of make check, which make every step several times slower),
# showing the screen.
TUI_WAIT=10
[ -z "${CARDTALLY_SANITIZED:-}" ] || TUI_WAIT=30
wait_for() {
	local s=$1 text=$2 limit=${3:-$TUI_WAIT} i=0
	local now
	while [ "$i" -lt $((limit * 20)) ]; do
		now=$(screen "$s" 2>/dev/null) || now=gone
		case "$now" in *"$text"*) return 0 ;; esac
		ended "$s" "$now" && return 1
		sleep 0.05
		i=$((i + 1))
	done
	diag "timed out waiting for '$text'; the screen:"
	screen "$s" | sed 's/^/#   | /'
	return 1
}

# row_is SESSION ROW PREFIX: polls until screen row ROW starts with PREFIX.
row_is() {
	local i=0 now
	while [ "$i" -lt 200 ]; do
		now=$(screen "$1" 2>/dev/null) || now=gone
		case "$(printf '%s\n' "$now" | sed -n "$2p")" in "$3"*) return 0 ;; esac
		ended "$1" "$now" && return 1
		sleep 0.05
		i=$((i + 1))
	done
	diag "row $2 never started with '$3'; the screen:"
	screen "$1" | sed 's/^/#   | /'
	return 1
}

# see SESSION TEXT NAME: a test that the screen comes to show TEXT.
see() { wait_for "$1" "$2"; ok $? "$3"; }
# gone SESSION TEXT NAME: the screen does not show TEXT now.
gone() {
	local now
	now=$(screen "$1" 2>/dev/null) || { ended "$1" gone; ok 1 "$3"; return; }
	case "$now" in *"$2"*) ok 1 "$3" ;; *) ok 0 "$3" ;; esac
}
# goes SESSION TEXT NAME: a test that TEXT, on the screen before a key,
# leaves it (polled like see: a key's effect is drawn after send-keys
# returns, and Esc's after the terminal's escape delay).
goes() {
	local i=0 now
	while [ "$i" -lt 200 ]; do
		now=$(screen "$1" 2>/dev/null) || { ended "$1" gone; ok 1 "$3"; return 1; }
		case "$now" in *"$2"*) ;; *) ok 0 "$3"; return 0 ;; esac
		sleep 0.05
		i=$((i + 1))
	done
	diag "'$2' never left the screen:"
	screen "$1" | sed 's/^/#   | /'
	ok 1 "$3"
}
keys() { local s=$1; shift; tm send-keys -t "$s" "$@"; }
# login SESSION CODE PIN
login() { keys "$1" "$2" Enter; keys "$1" "$3" Enter; }
# typed SESSION TEXT: types TEXT literally, then Enter.
typed() { keys "$1" -l "$2"; keys "$1" Enter; }

# narrow SESSION NAME: no row of the screen is wider than 80 columns.
narrow() {
	local wide
	wide=$(screen "$1" | python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(max(w(l.rstrip("\n")) for l in sys.stdin))')
	ok $((wide > 80)) "$2: no row is wider than 80 columns (widest: $wide)"
}
