# A real PostgreSQL 15 for the hub's tests (issue 16), sourced after
# lib.sh: started on a Unix socket in a temporary directory of its own (as
# root, the server runs as nobody), stopped and removed at exit with the
# test's $WORK.  Skips the whole file when postgresql-15 is not installed,
# or the hub's server functions were not built ($CARDTALLY_PG_LIB, lib.sh).
# Gives pg_start, pg_stop, $PGBASE, $HUB (the connection string) and psqlq.

PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
	echo "1..0 # SKIP postgresql-15 is not installed (scripts/deps.sh)"
	exit 0
fi
# The hub's own server functions (hub/pg/), which `hub migrate` loads.
if [ ! -f "${CARDTALLY_PG_LIB:-}" ]; then
	echo "1..0 # SKIP no cardtally_pg.so: postgresql-server-dev-15 is not installed (scripts/deps.sh)"
	exit 0
fi

# The server's directory: outside $WORK (0700, root's) so that an
# unprivileged server user can reach it.
PGBASE=$(mktemp -d "${TMPDIR:-/tmp}/cardtally-hub.XXXXXX")
chmod 755 "$PGBASE"
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$PGBASE"
	as_pg() { setpriv --reuid=nobody --regid="$(id -g nobody)" \
		--clear-groups -- "$@"; }
fi
pg_stop() { as_pg "$PGBIN/pg_ctl" -D "$PGBASE/data" -m fast -w stop \
	>/dev/null 2>&1; }
pg_start() { as_pg "$PGBIN/pg_ctl" -D "$PGBASE/data" -w -t 60 \
	-l "$PGBASE/log" -o "-k $PGBASE -c listen_addresses=''" start \
	>/dev/null 2>&1; }
trap 'pg_stop; rm -rf "$PGBASE" "$WORK"' EXIT
if ! as_pg "$PGBIN/initdb" -D "$PGBASE/data" -U hub -A trust \
	--no-sync >"$PGBASE/initdb.log" 2>&1 || ! pg_start; then
	echo "Bail out! cannot start PostgreSQL: $(tail -3 "$PGBASE/initdb.log" \
		"$PGBASE/log" 2>/dev/null | tr '\n' ' ')"
	exit 1
fi
HUB="host=$PGBASE user=hub dbname=postgres connect_timeout=5"
psqlq() { "$PGBIN/psql" -X -A -t -q -h "$PGBASE" -U hub -d postgres \
	-c "$1"; }
