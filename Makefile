# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest
DEV_ENV := WFLD_ENV=development
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
LOAD_BACKEND ?= sqlite
LOAD_USERS ?= 8
LOAD_DURATION ?= 60s
LOAD_WORKERS ?= 4
LOAD_ARGS ?=
# `make run PORT=5050` when 5000 is taken; HOST=0.0.0.0 to reach it from another machine.
PORT ?= 5000
HOST ?= 127.0.0.1

.PHONY: install run reset-demo test layers test-sqlite test-postgresql test-browser browser-deps lint clean load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

wfld/static/dist/.built: node_modules/.package-lock.json wfld/assets/app.scss wfld/assets/app.js
	npm run --silent build
	touch $@

## install: the Python virtualenv and the compiled GOV.UK Frontend assets
install: $(VENV)/.installed wfld/static/dist/.built

## run: migrate the embedded SQLite database, load the demo council once, serve on :$(PORT)
## with the background jobs consumer beside the server (`flask serve` runs it; Ctrl+C stops both)
## (the demo sign-ins are printed last, once the server is listening)
run: install
	$(DEV_ENV) $(BIN)/flask --app wsgi db upgrade
	$(DEV_ENV) $(BIN)/flask --app wsgi seed frameworks
	$(DEV_ENV) $(BIN)/flask --app wsgi seed catalogue
	$(DEV_ENV) $(BIN)/flask --app wsgi seed demo --if-empty
	$(DEV_ENV) $(BIN)/flask --app wsgi learning rebuild-statuses --if-empty
	$(DEV_ENV) $(BIN)/flask --app wsgi serve --host $(HOST) --port $(PORT)

## reset-demo: delete the development database and uploads; the next `make run` loads a fresh demo
reset-demo:
	rm -f instance/wfld.sqlite3 instance/wfld.sqlite3-wal instance/wfld.sqlite3-shm
	rm -rf instance/uploads
	@echo "Demo data removed: \`make run\` loads it again."

## test: the import contracts, then every test on SQLite, on PostgreSQL and in a real browser
test: install browser-deps layers test-sqlite test-postgresql test-browser

## layers: the import contracts of .importlinter (the layers of ARCHITECTURE.md, views without
## SQL, domains reaching each other only through public modules)
layers: install
	@echo "== Import contracts =="
	$(BIN)/lint-imports --no-cache

# pytest exits 5 when it collected no tests: that is a failure, not a pass.
define run_pytest
	$(PYTEST) $(1) || { rc=$$?; [ $$rc -eq 5 ] && echo "pytest collected no tests: failing"; exit $$rc; }
endef

test-sqlite: install
	@echo "== SQLite lane =="
	$(call run_pytest,-m "not browser" -q)

test-postgresql: install
	@echo "== PostgreSQL lane ($(PG_TEST_URL)) =="
	WFLD_TEST_BACKEND=postgresql WFLD_TEST_DATABASE_URL=$(PG_TEST_URL) $(call run_pytest,-m "not browser" -q)

test-browser: install
	@echo "== Browser lane (Chromium) =="
	$(call run_pytest,-m browser -q tests/browser)

## browser-deps: Debian's Chromium for the browser tests (never `playwright install`)
browser-deps:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then \
		true; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium with apt-get"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; \
	else \
		echo "Chromium is missing and cannot be installed here: browser tests will skip (they fail under CI=true)"; \
	fi

## load: gunicorn on loopback under LOAD_USERS locust users for LOAD_DURATION (LOAD_BACKEND=sqlite|postgresql)
load: install
	$(BIN)/python -m wfld.bench.load --backend $(LOAD_BACKEND) --users $(LOAD_USERS) \
		--duration $(LOAD_DURATION) --workers $(LOAD_WORKERS) $(LOAD_ARGS)

lint: install
	$(BIN)/ruff check wfld tests config.py wsgi.py import_contracts.py
	$(BIN)/ruff format --check wfld tests config.py wsgi.py import_contracts.py

clean:
	rm -rf $(VENV) node_modules wfld/static/dist
