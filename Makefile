# Công đoàn Portal Platform — the commands. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTEST_ARGS ?=

.PHONY: help venv run test test-slow test-unit test-fast lint bench clean

help:
	@echo "make run    start the whole platform locally (SQLite, demo data) and print the URL"
	@echo "make test   install, start RabbitMQ + PostgreSQL, install Chromium when missing, run the whole suite"
	@echo "make test-slow  the long scenarios (make run as a process, API fuzzing); .ci/run runs them too"
	@echo "make test-unit  the unit layer alone: no broker, database or network needed"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks, each beside a baseline measured in the same run"

venv:
	@scripts/bootstrap.sh

run: venv
	@scripts/ensure-rabbitmq.sh
	@.venv/bin/python scripts/run.py

test: venv
	@scripts/ensure-rabbitmq.sh --management
	@scripts/ensure-postgres.sh
	@scripts/ensure-browser.sh
	@.venv/bin/python -m platform_shared.testing.createdbs --recreate
	.venv/bin/pytest -m "not slow" $(PYTEST_ARGS)

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

clean:
	rm -rf var .pytest_cache
