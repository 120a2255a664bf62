#!/usr/bin/env bash
# Make sure Prometheus's promtool is here: tests/deploy checks the alert rules
# (`promtool check rules`, `promtool test rules`), the dashboard's queries and the scrape
# configuration with it. Debian ships promtool in the `prometheus` package; installed with
# apt-get when missing (as root). Where it cannot be installed, those tests skip and say why.
# Note: on a machine run by systemd the package also starts a Prometheus server on :9090.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

command -v promtool >/dev/null 2>&1 && exit 0
apt_install prometheus || warn "promtool is missing (apt-get install prometheus): the promtool checks of tests/deploy will skip"
