#!/usr/bin/env bash
# Make sure PostgreSQL answers on $PGHOST:$PGPORT (default 127.0.0.1:5432): start the
# local cluster when installed, install it with apt-get when not (Debian/Ubuntu as
# root), else start the compose database where Docker runs, else say what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}

start_clusters() {
  say "Starting the local PostgreSQL cluster"
  local version
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  done
  wait_port "$HOST" "$PORT" 60 "PostgreSQL"
}

if ! port_open "$HOST" "$PORT"; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    start_clusters
  elif apt_install postgresql; then
    start_clusters
  elif docker_works; then
    say "Starting PostgreSQL from deploy/compose.yml"
    docker compose -f deploy/compose.yml up -d postgres
    wait_port "$HOST" "$PORT" 120 "PostgreSQL"
  else
    die "PostgreSQL is not running on $HOST:$PORT and cannot be installed here.
   Install it (Debian/Ubuntu: sudo apt-get install postgresql) or run one with Docker:
   docker compose -f deploy/compose.yml up -d postgres"
  fi
fi
say "PostgreSQL is reachable on $HOST:$PORT"

# `make test` runs two pytest processes, each starting up to seven services (each with a pool
# for writes and one for reads), relays and its own session factories: peaks of ~90 connections
# were seen, against PostgreSQL's default of 100. A local cluster this script can restart is
# given room once (ALTER SYSTEM, then a restart); elsewhere a warning says what to set.
WANT_CONNECTIONS=${PG_MIN_CONNECTIONS:-300}
if command -v psql >/dev/null 2>&1; then
  have=$(psql -h "$HOST" -p "$PORT" -U "${PGUSER:-postgres}" -Atc "SHOW max_connections" postgres 2>/dev/null || echo "")
  if [ -n "$have" ] && [ "$have" -lt "$WANT_CONNECTIONS" ]; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && is_root; then
      say "Raising PostgreSQL's max_connections from $have to $WANT_CONNECTIONS (the test suite's two processes) and restarting it"
      psql -h "$HOST" -p "$PORT" -U "${PGUSER:-postgres}" -qc "ALTER SYSTEM SET max_connections = $WANT_CONNECTIONS" postgres
      for version in $(ls /etc/postgresql); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main restart >/dev/null 2>&1 || true
      done
      wait_port "$HOST" "$PORT" 60 "PostgreSQL"
    else
      warn "PostgreSQL allows $have connections; the test suite's two processes may need ~100: set max_connections = $WANT_CONNECTIONS, or run TEST_PROCESSES=1 make test"
    fi
  fi
fi
