# WorkMail Console: `make run` starts the console, `make test` runs every test.
.DEFAULT_GOAL := help
SHELL := /bin/sh

VENV := .venv
PY := $(VENV)/bin/python
WEB_BIND ?= 127.0.0.1:8000
# The test suite and the benchmark talk to a real PostgreSQL and Redis (scripts/ensure-services).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/workmail_console
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=
# make test runs in two pytest processes (pytest-xdist), each with its own test database, Celery
# queue, worker and DNS port: most of its time is spent waiting on workers, browsers and timeouts.
TEST_PROCESSES ?= 2
# The quick tier: every test that needs no process (no Celery worker, browser, DNS server or other
# process started); the markers come from tests/conftest.py.
CHECK_MARKERS := not worker and not browser and not dnsserver and not process and not slow
# Python keeps compiled modules (and pytest its assertion-rewritten tests) in __pycache__: with
# PYTHONDONTWRITEBYTECODE set in the environment, every run compiled ~300 test modules again, 4 s
# of the quick tier's minute.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help run check test lint format bench services clean

help:
	@echo "make run        start the console (web, worker, beat, DNS server) on http://$(WEB_BIND)"
	@echo "make check      the quick tier: the tests that start no process (PostgreSQL, Redis)"
	@echo "make test       run the whole test suite (PostgreSQL, Redis, Celery, Chromium)"
	@echo "make lint       ruff lint and format check, and the apps' import layers"
	@echo "make bench      the lifecycle against the Celery floor, the dashboard at 100k, DNS checks at 10k," \
		"the API against a trivial view and moto"

$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python) && echo "==> Creating $(VENV) with $$python" && \
		"$$python" -m venv $(VENV)
	@echo "==> Installing dependencies (about a minute the first time)"
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check ".[dev]"
	@touch $@

run: $(VENV)/.installed
	@$(PY) -m workmail_console.var
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py ensure_superuser
	@echo "==> Starting web, worker, beat and the DNS server: open http://$(WEB_BIND);" \
		"Route 53 zones answer DNS on 127.0.0.1 port $${WORKMAIL_DNS_PORT:-8053} (Ctrl-C stops all four)"
	@WEB_BIND=$(WEB_BIND) exec $(PY) scripts/run

services:
	@scripts/ensure-services

test: $(VENV)/.installed services
	@$(PY) -m workmail_console.var
	@scripts/ensure-chromium
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	$(PY) -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

check: $(VENV)/.installed services
	@$(PY) -m workmail_console.var
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	$(PY) -m pytest -n $(TEST_PROCESSES) --reuse-db -m "$(CHECK_MARKERS)" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# make bench also needs pyproject's `bench` extra: moto's server, the API benchmark's yardstick.
$(VENV)/.installed-bench: $(VENV)/.installed pyproject.toml
	@echo "==> Installing the benchmarks' dependencies (moto[server])"
	@$(PY) -m pip install --quiet --disable-pip-version-check ".[dev,bench]"
	@touch $@

bench: $(VENV)/.installed-bench services
	@$(PY) -m workmail_console.var
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	$(PY) bench/lifecycle.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	$(PY) bench/lifecycle.py --organizations 1 --rounds 21
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) bench/dashboard.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) bench/domains.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) bench/api.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
