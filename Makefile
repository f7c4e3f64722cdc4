# Vanguard — `make run` serves the demo, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= $(or $(VANGUARD_HOST),127.0.0.1)
PORT ?= $(or $(VANGUARD_PORT),8000)
CATALOGS := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve test test-pg test-fast lint bench messages system-deps clean backup restore

run: $(VENV)/.runtime $(CATALOGS)
	@[ -n "$$VANGUARD_CJK_FONT" ] || bash scripts/system-deps.sh fonts-noto-cjk \
		|| echo "  Warning: report PDFs and images need a CJK font: install fonts-noto-cjk or set VANGUARD_CJK_FONT." >&2
	$(BIN)/python -m app.cli migrate
	$(BIN)/python -m app.cli demo
	@echo ""
	@echo "  Vanguard: http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password vanguard-demo): admin, lead1, lead2, member1, member2, cadre1, cadre2"
	@echo ""
	VANGUARD_HOST=$(HOST) VANGUARD_PORT=$(PORT) $(BIN)/python -m app.cli serve

# Production-style: PostgreSQL (VANGUARD_DATABASE_URL), migrations, then VANGUARD_WORKERS uvicorn
# processes (default: one per core) sharing nothing but the database. VANGUARD_ENV=production
# needs VANGUARD_SECRET_KEY and VANGUARD_ID_KEY. The first admin: python -m app.cli create-user.
serve: $(VENV)/.runtime $(CATALOGS)
	@case "$${VANGUARD_DATABASE_URL:-$$DATABASE_URL}" in postgresql*) ;; *) \
		echo "make serve runs against PostgreSQL: set VANGUARD_DATABASE_URL=postgresql+psycopg://user:password@host/db" >&2; \
		echo "(make run serves the demo on SQLite)" >&2; exit 2;; esac
	$(BIN)/python -m app.cli migrate
	VANGUARD_ENV=$${VANGUARD_ENV:-production} VANGUARD_WORKERS=$${VANGUARD_WORKERS:-$$(nproc)} \
		VANGUARD_HOST=$(HOST) VANGUARD_PORT=$(PORT) $(BIN)/python -m app.cli serve

test: $(VENV)/.dev $(CATALOGS) system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2
	$(MAKE) test-pg

# The whole suite again against PostgreSQL: a throwaway cluster on a free port (installed from
# Debian's packages if missing, no systemd), one database per test made from a migrated template.
test-pg: $(VENV)/.dev $(CATALOGS)
	bash scripts/with-postgres.sh $(BIN)/pytest -n 2

# The suite without the browser and PostgreSQL, for quick loops.
test-fast: $(VENV)/.dev $(CATALOGS)
	$(BIN)/pytest -n 2 -m "not browser" --ignore=tests/postgres

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Speed against the issues' goals: every benchmark under bench/, then one table (figure, goal,
# ok or MISS). Not part of `make test`. Builds a city-scale database once (minutes) under $TMPDIR;
# wrk (Debian) loads the server, a throwaway PostgreSQL cluster serves the PostgreSQL figures.
bench: $(VENV)/.dev $(CATALOGS) system-deps
	bash scripts/system-deps.sh wrk
	$(BIN)/python bench/run.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.lock | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.runtime

%.mo: %.po $(VENV)/.runtime
	$(BIN)/pybabel compile -i $< -o $@

# Re-extract the messages and merge them into the catalogs; then translate the new entries.
messages: $(VENV)/.runtime
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --width 100

# A consistent copy of the SQLite database, safe while the app runs (TO=path, default under
# data/backups/). PostgreSQL: pg_dump.
backup: $(VENV)/.runtime
	$(BIN)/python -m app.cli backup $(TO)

# A backup in place of the database, the app stopped: make restore FROM=data/backups/….db
restore: $(VENV)/.runtime
	@test -n "$(FROM)" || { echo "usage: make restore FROM=<backup file> (stop the app first)"; exit 2; }
	$(BIN)/python -c 'import sys; from app.core.backup import restore_in_place; restore_in_place(sys.argv[1])' "$(FROM)"
	$(BIN)/python -m app.cli migrate

# Debian's chromium (driven by Playwright), CJK fonts for screenshots, PostgreSQL for its smoke test.
system-deps:
	bash scripts/system-deps.sh

clean:
	rm -rf $(VENV) test-results artifacts
