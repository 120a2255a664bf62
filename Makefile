# Công đoàn Portal Platform — the commands. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTEST_ARGS ?=

.PHONY: help venv run test test-slow test-unit test-fast lint bench cluster cluster-test clean

help:
	@echo "make run    start the whole platform locally (SQLite, demo data) and print the URL"
	@echo "make test   install, start RabbitMQ + PostgreSQL, install Chromium when missing, run the whole suite"
	@echo "            (two pytest processes side by side; TEST_PROCESSES=1 for one, PYTEST_ARGS=path for a part)"
	@echo "make test-slow  the long scenarios (make run as a process, API fuzzing); .ci/run runs them too"
	@echo "make test-unit  the unit layer alone: no broker, database or network needed"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks, each beside a baseline measured in the same run"
	@echo "make cluster       the platform as replicas: 3 RabbitMQ nodes, 2 of every service, HAProxy (Ctrl-C stops)"
	@echo "make cluster-test  the cluster under load while replicas, broker nodes, a relay, a gateway and a database fail"

venv:
	@scripts/bootstrap.sh

run: venv
	@scripts/ensure-rabbitmq.sh
	@.venv/bin/python scripts/run.py

test: venv
	@scripts/ensure-rabbitmq.sh --management
	@scripts/ensure-postgres.sh
	@scripts/ensure-browser.sh
	@scripts/ensure-promtool.sh
	.venv/bin/python scripts/run-tests.py -m "not slow" $(PYTEST_ARGS)

# The long scenarios (marker `slow`): `make run` as a new user runs it, the generated-request
# fuzzing of every API operation. `.ci/run` runs them after `make test`.
test-slow: venv
	@scripts/ensure-rabbitmq.sh --management
	@scripts/ensure-postgres.sh
	@.venv/bin/python -m platform_shared.testing.createdbs --recreate
	.venv/bin/pytest -m slow $(PYTEST_ARGS)

# The first layer alone (see README, Tests): the platform's pytest plugin fails any of these
# tests that tries to reach the network, so nothing needs to be running.
test-unit: venv
	.venv/bin/pytest services/*/tests/unit gateway/tests/unit $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

bench: venv
	@scripts/ensure-rabbitmq.sh
	@scripts/ensure-postgres.sh
	@.venv/bin/python bench/run.py

# The platform as a cluster on this machine (deploy/README.md, "Cluster on one machine"): three
# RabbitMQ nodes of its own with quorum queues, PostgreSQL per service, two replicas of every
# service, two relays per service, two gateways behind HAProxy; everything under var/cluster.
cluster: venv
	@scripts/ensure-cluster-tools.sh
	@.venv/bin/python scripts/cluster/cluster.py

# Faults injected into that cluster under load; prints the table and writes var/cluster/faults-report.md.
# Exits 1 when something was lost or doubled or a recovery target was missed. `.ci/run` calls it.
cluster-test: venv
	@scripts/ensure-cluster-tools.sh
	@.venv/bin/python scripts/cluster/faults.py

clean:
	rm -rf var .pytest_cache
