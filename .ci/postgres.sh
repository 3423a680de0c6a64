# shellcheck shell=bash
# A throwaway PostgreSQL server on loopback for the test suite and the
# walkthroughs. Meant to be sourced (by .ci/run, or by hand):
#
#   source .ci/postgres.sh        # start (or reuse) it and export DATABASE_URL
#   bash .ci/postgres.sh stop     # stop it
#   bash .ci/postgres.sh          # start it and print `export DATABASE_URL=…`
#
# It makes a fresh cluster in its own folder, owned by the postgres user when
# run as root, with password (scram-sha-256) authentication, listening on
# 127.0.0.1 only, on a fixed non-default port; then creates the database
# pglite_lab_test and exports
#   DATABASE_URL=postgres://postgres:<password>@127.0.0.1:<port>/pglite_lab_test
# A rerun reuses a server that is already up and accepts the password;
# anything else (stopped, half-made, another password) is stopped, wiped and
# made again. Every step has a time limit.
#
# Settings (environment, all optional):
#   PGLITE_LAB_PG_PASSWORD  the postgres user's password (default: random, kept in the folder)
#   PGLITE_LAB_PG_PORT      default 54329
#   PGLITE_LAB_PG_DIR       default /tmp/pglite-lab-postgres
#   PGLITE_LAB_PG_BIN       folder of initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)
#
# Being sourced, it leaves the caller's shell options alone (no set -e/-u of
# its own, nothing that fails silently under the caller's set -euo pipefail):
# every command is checked, all helpers are removed at the end, and the only
# thing it changes in the caller is DATABASE_URL. On failure it prints why
# (with the server log's tail) and returns 1.

_pgl_log() { echo "postgres.sh: $*" >&2; }

_pgl_setup() {
  _pgl_port=${PGLITE_LAB_PG_PORT:-54329}
  _pgl_dir=${PGLITE_LAB_PG_DIR:-/tmp/pglite-lab-postgres}
  _pgl_data=$_pgl_dir/data
  _pgl_db=pglite_lab_test
  _pgl_bin=${PGLITE_LAB_PG_BIN:-}
  if [ -z "$_pgl_bin" ]; then
    local candidate
    _pgl_bin=$(for candidate in /usr/lib/postgresql/*/bin; do [ -x "$candidate/pg_ctl" ] && echo "$candidate"; done | sort -V | tail -n 1)
    if [ -z "$_pgl_bin" ] && command -v pg_ctl >/dev/null 2>&1; then
      _pgl_bin=$(dirname "$(command -v pg_ctl)")
    fi
  fi
  if [ -z "$_pgl_bin" ] || [ ! -x "$_pgl_bin/pg_ctl" ] || [ ! -x "$_pgl_bin/initdb" ]; then
    _pgl_log "no PostgreSQL server binaries found (install the postgresql package, or set PGLITE_LAB_PG_BIN)."
    return 1
  fi
  case $_pgl_port in
    '' | *[!0-9]*) _pgl_log "PGLITE_LAB_PG_PORT must be a number, not \"$_pgl_port\"."; return 1 ;;
  esac
  return 0
}

# Runs a command as the cluster's owner: the postgres user when we are root
# (the server refuses to run as root), ourselves otherwise.
_pgl_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

_pgl_psql() { # _pgl_psql <database> <sql>: one statement over TCP with the password, answer unaligned
  PGPASSWORD=$_pgl_password PGCONNECT_TIMEOUT=5 timeout 20 "$_pgl_bin/psql" \
    -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$_pgl_port" -U postgres -d "$1" -c "$2"
}

_pgl_running() { # whether a server runs on our data folder
  [ -f "$_pgl_data/PG_VERSION" ] && _pgl_as_owner timeout 10 "$_pgl_bin/pg_ctl" -D "$_pgl_data" status >/dev/null 2>&1
}

_pgl_stop() {
  if _pgl_running; then
    _pgl_log "stopping the server in $_pgl_data"
    if ! _pgl_as_owner timeout 40 "$_pgl_bin/pg_ctl" -D "$_pgl_data" -m fast -w -t 30 stop >/dev/null; then
      _pgl_log "pg_ctl stop failed; stopping it immediately"
      _pgl_as_owner timeout 20 "$_pgl_bin/pg_ctl" -D "$_pgl_data" -m immediate -w -t 15 stop >/dev/null || return 1
    fi
  fi
  return 0
}

_pgl_log_tail() {
  if [ -f "$_pgl_dir/server.log" ]; then
    _pgl_log "last lines of $_pgl_dir/server.log:"
    tail -n 20 "$_pgl_dir/server.log" >&2 || true
  fi
}

_pgl_fresh_password() {
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

_pgl_urlencode() { # percent-encodes $1 for the userinfo part of a URL
  local LC_ALL=C s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [a-zA-Z0-9.~_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

_pgl_create_cluster() {
  _pgl_stop || return 1
  rm -rf "$_pgl_dir" || return 1
  mkdir -p "$_pgl_data" || return 1
  chmod 700 "$_pgl_dir" "$_pgl_data" || return 1
  # A subshell, so that the umask does not leak into the caller.
  (umask 077 && printf '%s\n' "$_pgl_password" >"$_pgl_dir/password" && printf '%s\n' "$_pgl_password" >"$_pgl_dir/pwfile") || return 1
  touch "$_pgl_dir/server.log" || return 1
  if [ "$(id -u)" = 0 ]; then
    # The data folder, the server log and initdb's password file are the owner's; the folder itself stays ours.
    chown postgres:postgres "$_pgl_data" "$_pgl_dir/server.log" "$_pgl_dir/pwfile" || return 1
    chmod 711 "$_pgl_dir" || return 1
  fi
  _pgl_log "initdb in $_pgl_data ($("$_pgl_bin/postgres" --version))"
  if ! _pgl_as_owner timeout 120 "$_pgl_bin/initdb" -D "$_pgl_data" -U postgres --pwfile="$_pgl_dir/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$_pgl_dir/initdb.log" 2>&1; then
    rm -f "$_pgl_dir/pwfile"
    _pgl_log "initdb failed:"
    tail -n 20 "$_pgl_dir/initdb.log" >&2 || true
    return 1
  fi
  rm -f "$_pgl_dir/pwfile"
  # Loopback TCP only (no Unix socket), and no fsync: a throwaway test server.
  _pgl_as_owner sh -c "cat >>'$_pgl_data/postgresql.conf'" <<EOF || return 1

# --- pglite-lab test server (.ci/postgres.sh) ---
listen_addresses = '127.0.0.1'
port = $_pgl_port
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
EOF
  return 0
}

_pgl_start() {
  _pgl_log "starting PostgreSQL on 127.0.0.1:$_pgl_port"
  if ! _pgl_as_owner timeout 45 "$_pgl_bin/pg_ctl" -D "$_pgl_data" -l "$_pgl_dir/server.log" -w -t 30 start >/dev/null; then
    _pgl_log "the server did not start (is port $_pgl_port taken? see the log below)"
    _pgl_log_tail
    return 1
  fi
  local tries=0
  until timeout 5 "$_pgl_bin/pg_isready" -q -h 127.0.0.1 -p "$_pgl_port" -t 2; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      _pgl_log "the server is not accepting connections on 127.0.0.1:$_pgl_port"
      _pgl_log_tail
      return 1
    fi
    sleep 0.5
  done
  return 0
}

_pgl_main() {
  _pgl_setup || return 1
  local stored=''
  if [ -r "$_pgl_dir/password" ]; then stored=$(cat "$_pgl_dir/password"); fi
  _pgl_password=${PGLITE_LAB_PG_PASSWORD:-${stored:-$(_pgl_fresh_password)}}

  local reuse=no
  if _pgl_running && [ "$_pgl_password" = "$stored" ] && _pgl_psql postgres 'select 1' >/dev/null 2>&1; then
    reuse=yes
    _pgl_log "reusing the server already running on 127.0.0.1:$_pgl_port ($_pgl_data)"
  fi
  if [ "$reuse" = no ]; then
    _pgl_create_cluster || return 1
    _pgl_start || return 1
  fi

  local exists
  if ! exists=$(_pgl_psql postgres "select 1 from pg_database where datname = '$_pgl_db'"); then
    _pgl_log "cannot log in as postgres on 127.0.0.1:$_pgl_port"
    _pgl_log_tail
    return 1
  fi
  if [ "$exists" != 1 ]; then
    _pgl_psql postgres "create database $_pgl_db" >/dev/null || { _pgl_log "create database $_pgl_db failed"; return 1; }
  fi
  export DATABASE_URL="postgres://postgres:$(_pgl_urlencode "$_pgl_password")@127.0.0.1:$_pgl_port/$_pgl_db"
  _pgl_log "ready: postgres://postgres:***@127.0.0.1:$_pgl_port/$_pgl_db"
  return 0
}

_pgl_cleanup() {
  unset -f _pgl_log _pgl_setup _pgl_as_owner _pgl_psql _pgl_running _pgl_stop _pgl_log_tail _pgl_fresh_password \
    _pgl_urlencode _pgl_create_cluster _pgl_start _pgl_main _pgl_cleanup
  unset _pgl_port _pgl_dir _pgl_data _pgl_db _pgl_bin _pgl_password
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: a function called in an `||` list runs with errexit off, so a
  # failing step is reported by the explicit checks above, never by the
  # caller's set -e firing half-way through.
  _pgl_rc=0
  _pgl_main || _pgl_rc=$?
  _pgl_cleanup
  if [ "$_pgl_rc" = 0 ]; then unset _pgl_rc; return 0; fi
  unset _pgl_rc
  return 1
else
  case ${1:-start} in
    stop) _pgl_setup && _pgl_stop ;;
    start) _pgl_main && printf 'export DATABASE_URL=%q\n' "$DATABASE_URL" ;;
    *) echo "usage: source .ci/postgres.sh | bash .ci/postgres.sh [start|stop]" >&2; exit 2 ;;
  esac
fi
