# admin_app tasks. `make` alone lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app admin_app
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
PYTEST_WORKERS ?= 2

.PHONY: help venv run test test-browser lint fmt db-upgrade db-revision seed lock bench

help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP) ## Create .venv and install the locked dependencies

db-upgrade: venv ## Apply all migrations to the configured database
	$(FLASK) db upgrade

run: db-upgrade ## Migrate, seed demo data on first run, create the first admin, serve on :8080
	$(FLASK) seed demo --if-empty
	$(FLASK) operator ensure-admin
	$(BIN)/python run.py

seed: venv ## Add the demo data (idempotent)
	$(FLASK) seed demo

db-revision: venv ## New schema revision from the models: make db-revision m="what changed"
	$(FLASK) db revision --autogenerate --version-path migrations/versions -m "$(m)"

lint: venv ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: venv ## Format and auto-fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint ## Lint, then the whole suite on SQLite and PostgreSQL, with the coverage floor
	$(BIN)/pytest -n $(PYTEST_WORKERS) --cov

test-browser: venv ## The browser tests alone (chromium at /usr/bin/chromium); screenshots in test-artifacts/
	$(BIN)/pytest tests/browser

lock: ## Re-resolve requirements.lock from pyproject.toml
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --allow-unsafe --strip-extras -o requirements.lock pyproject.toml

bench: venv ## Benchmarks: audit and pool overhead; with BENCH_DATABASE_URL=... (seeded) list pages vs stock Flask-Admin, and an export
	$(BIN)/python -m bench.pool_overhead
	$(BIN)/python -m bench.audit_overhead
	@if [ -n "$(BENCH_DATABASE_URL)" ]; then \
		$(BIN)/python -m bench.audit_overhead --database-url "$(BENCH_DATABASE_URL)" && \
		$(BIN)/python -m bench.lists --database-url "$(BENCH_DATABASE_URL)" && \
		$(BIN)/python -m bench.export --database-url "$(BENCH_DATABASE_URL)"; fi
