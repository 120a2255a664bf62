#!/usr/bin/env bash
# Make sure RabbitMQ answers on $RABBITMQ_HOST:$RABBITMQ_PORT (default 127.0.0.1:5672).
# Starts a local rabbitmq-server when installed; installs it with apt-get when not
# (Debian/Ubuntu as root); else starts the compose broker where Docker runs; else
# says what to install. With --management, also enables the management plugin
# (nameko's test fixtures create a vhost per test through its HTTP API).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

HOST=${RABBITMQ_HOST:-127.0.0.1}
PORT=${RABBITMQ_PORT:-5672}
MGMT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}
management=false
[ "${1:-}" = "--management" ] && management=true

start_local() {
  say "Starting the local RabbitMQ server"
  if is_root; then
    rabbitmq-server -detached >/dev/null 2>&1 || true
  else
    sudo -n rabbitmq-server -detached >/dev/null 2>&1 || rabbitmq-server -detached >/dev/null 2>&1 || true
  fi
  wait_port "$HOST" "$PORT" 90 "RabbitMQ"
}

if ! port_open "$HOST" "$PORT"; then
  if command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ]; then
    PATH="$PATH:/usr/sbin"
    start_local
  elif apt_install rabbitmq-server; then
    PATH="$PATH:/usr/sbin"
    start_local
  elif docker_works; then
    say "Starting RabbitMQ from deploy/compose.yml"
    docker compose -f deploy/compose.yml up -d rabbitmq
    wait_port "$HOST" "$PORT" 120 "RabbitMQ"
  else
    die "RabbitMQ is not running on $HOST:$PORT and cannot be installed here.
   Install it (Debian/Ubuntu: sudo apt-get install rabbitmq-server; macOS: brew install rabbitmq)
   or run one with Docker: docker compose -f deploy/compose.yml up -d rabbitmq"
  fi
fi

if $management && ! port_open "$HOST" "$MGMT_PORT"; then
  PATH="$PATH:/usr/sbin"
  command -v rabbitmq-plugins >/dev/null 2>&1 ||
    die "RabbitMQ's management plugin is not reachable on $HOST:$MGMT_PORT; enable it: rabbitmq-plugins enable rabbitmq_management"
  say "Enabling RabbitMQ's management plugin"
  rabbitmq-plugins enable rabbitmq_management >/dev/null
  wait_port "$HOST" "$MGMT_PORT" 60 "RabbitMQ management"
fi
say "RabbitMQ is reachable on $HOST:$PORT"
