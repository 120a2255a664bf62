#!/usr/bin/env bash
# What `make cluster` and `make cluster-test` need beside the virtual environment, all from
# Debian's packages: rabbitmq-server (three nodes of its own are started from it, the machine's
# broker is left alone), haproxy (the balancer in front of the gateways), and PostgreSQL's
# server binaries (one server per service, initdb'd under var/cluster/postgres). Installs what
# is missing with apt-get, as root; otherwise says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

missing=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)

if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}" ||
    die "make cluster needs: ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]})"
fi
id postgres >/dev/null 2>&1 || die "the postgres user is missing (it comes with Debian's postgresql package)"
is_root || die "make cluster runs PostgreSQL servers as the postgres user: run it as root (or in a container)"
say "RabbitMQ, HAProxy and PostgreSQL's binaries are here"
