#!/usr/bin/env bash
# Throwaway PostgreSQL for the tests: loopback only, trust auth, fsync off, deleted on stop.
#
# Two ways to use it:
#   source scripts/pg-test.sh; pg_test_start; ...; pg_test_stop     (what test.sh does)
#   eval "$(scripts/pg-test.sh start)"; ...; scripts/pg-test.sh stop (by hand)
#
# pg_test_start exports GUICHET_TEST_PG="Host=127.0.0.1;Port=N;Username=postgres;Database=postgres".
# Binaries come from /usr/lib/postgresql/<highest version>/bin (not /usr/local/bin or PATH).
# As root the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
# Settings: PG_TEST_PORT (first port tried, default 55432).

_pg_test_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_pg_test_log() { printf '[pg-test] %s\n' "$*" >&2; }

# Prints the bin dir of the highest PostgreSQL version under /usr/lib/postgresql, or nothing.
pg_test_bindir() {
  local d best=""
  while IFS= read -r d; do
    if [[ -x "$d/postgres" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then best="$d"; fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  [[ -n "$best" ]] && printf '%s\n' "$best"
  return 0
}

# Runs a command as the server's OS user.
_pg_test_as() {
  if [[ "$_PG_TEST_OSUSER" == "$(id -un)" ]]; then
    "$@"
  else
    runuser -u "$_PG_TEST_OSUSER" -- "$@"
  fi
}

# True when the process runs (a zombie waiting for its parent to reap it does not count).
_pg_test_alive() {
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

_pg_test_port_busy() {
  # A successful connect means someone listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Cleans up after runs that were killed too hard to do it themselves: for each run-<pid> dir whose
# owning shell is gone, stop its server if one is still up, then delete the dir.
_pg_test_sweep() {
  local d owner pid
  for d in "$_pg_test_root"/.test-pg/run-* /tmp/guichet-test-pg-[0-9]*; do
    [[ -d "$d" ]] || continue
    owner="${d##*-}"
    [[ "$owner" =~ ^[0-9]+$ ]] || continue
    if [[ "$owner" == "$$" ]] || kill -0 "$owner" 2>/dev/null; then continue; fi
    pid=""
    [[ -f "$d/data/postmaster.pid" ]] && pid="$(head -n1 "$d/data/postmaster.pid" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && _pg_test_alive "$pid"; then
      _pg_test_log "stopping a server left by an earlier run (postmaster $pid in $d)"
      _pg_test_as "$_PG_TEST_BIN/pg_ctl" -D "$d/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
        || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$d"
  done
}

# Makes an empty base dir the server user can write to; prints its path.
_pg_test_make_base() {
  local name="$1" base="$_pg_test_root/.test-pg/run-$1"
  mkdir -p "$_pg_test_root/.test-pg"
  rm -rf "$base"
  mkdir -m 700 "$base"
  if [[ "$_PG_TEST_OSUSER" != "$(id -un)" ]]; then
    chown "$_PG_TEST_OSUSER:" "$base"
  fi
  # The socket lives in the data dir: its path must stay under the 107-byte Unix limit.
  if ((${#base} + 25 <= 100)) && _pg_test_as test -w "$base" 2>/dev/null; then
    printf '%s\n' "$base"
    return 0
  fi
  rm -rf "$base"
  rmdir "$_pg_test_root/.test-pg" 2>/dev/null || true
  base="/tmp/guichet-test-pg-$name"
  rm -rf "$base"
  mkdir -m 700 "$base"
  if [[ "$_PG_TEST_OSUSER" != "$(id -un)" ]]; then
    chown "$_PG_TEST_OSUSER:" "$base"
  fi
  printf '%s\n' "$base"
}

# $1: name of the run (default: this shell's pid, which lets a later run sweep it up if this one is
# killed without cleaning up).
pg_test_start() {
  local name="${1:-$$}" bindir
  bindir="$(pg_test_bindir)"
  if [[ -z "$bindir" ]]; then
    _pg_test_log "no PostgreSQL server under /usr/lib/postgresql/*/bin: install it (apt-get install postgresql)"
    return 1
  fi
  if [[ "$(id -u)" == 0 ]]; then
    if ! id postgres >/dev/null 2>&1; then
      _pg_test_log "running as root but there is no 'postgres' OS user to run the server"
      return 1
    fi
    _PG_TEST_OSUSER=postgres
  else
    _PG_TEST_OSUSER="$(id -un)"
  fi
  _PG_TEST_BIN="$bindir"
  _pg_test_sweep

  local base data
  base="$(_pg_test_make_base "$name")"
  data="$base/data"
  _PG_TEST_BASE="$base"
  _pg_test_log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') from $bindir, as OS user $_PG_TEST_OSUSER, in $base"

  if ! _pg_test_as "$bindir/initdb" -D "$data" --auth=trust -U postgres --encoding=UTF8 \
      --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1; then
    _pg_test_log "initdb with locale C.UTF-8 failed, retrying with locale C"
    _pg_test_as rm -rf "$data"
    if ! _pg_test_as "$bindir/initdb" -D "$data" --auth=trust -U postgres --encoding=UTF8 \
        --locale=C --no-sync >"$base/initdb.log" 2>&1; then
      cat "$base/initdb.log" >&2
      _pg_test_log "initdb failed"
      pg_test_stop
      return 1
    fi
  fi

  local port="${PG_TEST_PORT:-55432}" tries=0 started=0
  while ((tries < 50)); do
    tries=$((tries + 1))
    if _pg_test_port_busy "$port"; then port=$((port + 1)); continue; fi
    _pg_test_as tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- throwaway test server (scripts/pg-test.sh) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
max_connections = 300
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if _pg_test_as "$bindir/pg_ctl" -D "$data" -l "$base/postgres.log" -w -t 60 start >/dev/null 2>&1; then
      started=1
      break
    fi
    if grep -qiE 'could not bind|address already in use' "$base/postgres.log" 2>/dev/null; then
      _pg_test_log "port $port taken, trying the next one"
      port=$((port + 1))
      continue
    fi
    break
  done
  if ((started == 0)); then
    tail -n 30 "$base/postgres.log" >&2 2>/dev/null || true
    _pg_test_log "PostgreSQL did not start"
    pg_test_stop
    return 1
  fi
  _PG_TEST_DATA="$data"
  _PG_TEST_PORTNUM="$port"

  # btree_gist in template1: every database created later (one per test run) has it.
  if ! "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d template1 \
      -c 'CREATE EXTENSION IF NOT EXISTS btree_gist' >/dev/null; then
    _pg_test_log "CREATE EXTENSION btree_gist failed (is postgresql-contrib installed?)"
    pg_test_stop
    return 1
  fi

  export GUICHET_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  # Remembered for `scripts/pg-test.sh stop` when used by hand.
  if [[ "$name" == manual ]]; then
    mkdir -p "$_pg_test_root/.test-pg"
    printf '_PG_TEST_BIN=%q\n_PG_TEST_OSUSER=%q\n_PG_TEST_BASE=%q\n_PG_TEST_DATA=%q\n_PG_TEST_PORTNUM=%q\n' \
      "$_PG_TEST_BIN" "$_PG_TEST_OSUSER" "$_PG_TEST_BASE" "$_PG_TEST_DATA" "$_PG_TEST_PORTNUM" \
      >"$_pg_test_root/.test-pg/last.env"
  fi
  _pg_test_log "listening on 127.0.0.1:$port"
}

# Stops the server and deletes its files. Safe to call twice, and quiet unless something is wrong.
pg_test_stop() {
  local base="${_PG_TEST_BASE:-}" data="${_PG_TEST_DATA:-${_PG_TEST_BASE:+$_PG_TEST_BASE/data}}"
  [[ -n "$base" ]] || return 0
  if [[ -f "$data/postmaster.pid" ]]; then
    local pid
    pid="$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)"
    if ! _pg_test_as "$_PG_TEST_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
        && [[ -n "$pid" ]] && _pg_test_alive "$pid"; then
      _pg_test_log "pg_ctl stop did not end postmaster $pid: killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
    fi
  fi
  rm -rf "$base"
  rmdir "$_pg_test_root/.test-pg" 2>/dev/null || true
  if [[ -f "$_pg_test_root/.test-pg/last.env" ]] && grep -qF "$base" "$_pg_test_root/.test-pg/last.env"; then
    rm -f "$_pg_test_root/.test-pg/last.env"
    rmdir "$_pg_test_root/.test-pg" 2>/dev/null || true
  fi
  _PG_TEST_BASE=""
  _PG_TEST_DATA=""
  return 0
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    start)
      if [[ -f "$_pg_test_root/.test-pg/last.env" ]]; then
        _pg_test_log "a server started by hand may still run: '$0 stop' first"
        exit 1
      fi
      pg_test_start manual
      printf 'export GUICHET_TEST_PG=%q\n' "$GUICHET_TEST_PG"
      ;;
    stop)
      if [[ -f "$_pg_test_root/.test-pg/last.env" ]]; then
        # shellcheck disable=SC1091
        source "$_pg_test_root/.test-pg/last.env"
        pg_test_stop
      else
        _pg_test_log "nothing to stop (no .test-pg/last.env)"
      fi
      ;;
    *)
      echo "usage: $0 start|stop" >&2
      exit 2
      ;;
  esac
fi
