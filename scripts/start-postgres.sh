#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server (Debian's packages) on a loopback port, for the end-to-end tests
# and for trying the Meltano example by hand. Prints one line on stdout: the connection URL
# (postgresql://postgres@127.0.0.1:PORT/postgres, trust authentication, loopback only).
#
#   scripts/start-postgres.sh [--port PORT] [--dir DIR]   start (PORT 0 or absent: a free port;
#                                                           DIR absent: a new folder under $TMPDIR or /tmp)
#   scripts/start-postgres.sh --stop DIR|URL              stop it and delete DIR (a URL it printed: the
#                                                           server is asked where its folder is)
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (created by
# Debian's package) and DIR must be reachable by that user.
set -euo pipefail

port=0 dir="" stop=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --stop) stop="$2"; shift 2 ;;
    *) echo "start-postgres: unknown argument $1 (use --port PORT, --dir DIR or --stop DIR)" >&2; exit 2 ;;
  esac
done

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "start-postgres: PostgreSQL is not installed; run: bash scripts/setup-e2e.sh (as root)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -n "$stop" ]; then
  case "$stop" in
    postgresql://*|postgres://*)
      data="$(psql "$stop" -X -A -t -c 'SHOW data_directory' 2>/dev/null)" || {
        echo "start-postgres: no server answers at $stop (already stopped?)" >&2; exit 1; }
      stop="$(dirname "$data")" ;;
  esac
  if [ -f "$stop/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$stop/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$stop"
  exit 0
fi

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
auto_port=""
if [ "$port" = 0 ]; then auto_port=1; port="$(free_port)"; fi
if [ -z "$dir" ]; then dir="$(mktemp -d "${TMPDIR:-/tmp}/jira-source-pg.XXXXXX")"; fi
mkdir -p "$dir"
chmod 0755 "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi

if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
    echo "start-postgres: initdb failed (log: $dir/initdb.log)" >&2; tail -5 "$dir/initdb.log" >&2; exit 1; }
fi

# Durability is worthless for a throwaway test database; turning it off makes loads much faster.
start() {
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
}
# A free port can be taken by another process before the server binds it: then try another one.
tries=1
until start; do
  if [ -z "$auto_port" ] || [ "$tries" -ge 3 ]; then
    echo "start-postgres: server did not start on port $port (log: $dir/server.log)" >&2; tail -5 "$dir/server.log" >&2; exit 1
  fi
  tries=$((tries + 1)); port="$(free_port)"
done

echo "postgresql://postgres@127.0.0.1:$port/postgres"
