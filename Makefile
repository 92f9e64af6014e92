# One obvious way to run everything. `make demo` and `make test` work on a fresh clone
# with only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
DEMO_DIR ?= var/demo
PORT ?= 8000

.PHONY: demo test test-sqlite test-postgres check lint bench clean install audit

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## demo: create .venv, migrate, load the bundled demo data into SQLite, serve on http://127.0.0.1:8000
demo: $(VENV)/.installed
	KASVU_DATA_DIR=$(DEMO_DIR) KASVU_DEMO=1 $(BIN)/kasvu migrate --no-input -v0
	KASVU_DATA_DIR=$(DEMO_DIR) KASVU_DEMO=1 $(BIN)/kasvu demo load
	KASVU_DATA_DIR=$(DEMO_DIR) KASVU_DEMO=1 $(BIN)/kasvu serve --port $(PORT)

## test: the whole suite on SQLite (database cache), then on PostgreSQL (started or installed if needed) with Redis
test: $(VENV)/.installed lint test-sqlite test-postgres

## lint: ruff over everything, strict mypy over the pure core (see [tool.mypy] in pyproject.toml)
lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

test-sqlite: $(VENV)/.installed
	@scripts/ensure_system_packages.sh
	@echo "== tests on SQLite"
	KASVU_DATABASE_URL= $(BIN)/pytest -q -m "not browser"
	@echo "== browser tests (headless Chromium)"
	KASVU_DATABASE_URL= $(BIN)/pytest -q -m browser

test-postgres: $(VENV)/.installed
	@if scripts/ensure_postgres.sh "$(PG_URL)"; then \
		if $(BIN)/python -c "import redis; redis.Redis.from_url('$(REDIS_URL)', socket_connect_timeout=2).ping()" 2>/dev/null; then \
			echo "== tests on PostgreSQL ($(PG_URL)) with the shared cache in Redis ($(REDIS_URL))"; \
			KASVU_DATABASE_URL=$(PG_URL) KASVU_REDIS_URL=$(REDIS_URL) $(BIN)/pytest -q -m "not browser"; \
		else \
			echo "!! Redis SKIPPED: nothing answers at $(REDIS_URL); PostgreSQL runs with the database cache"; \
			KASVU_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser"; \
		fi; \
	else \
		echo "!! PostgreSQL run SKIPPED: no server answers at $(PG_URL) and none could be installed"; \
	fi

## audit: known vulnerabilities in the installed dependencies (pip-audit); without network it says so and passes
audit: $(VENV)/.installed
	@mkdir -p var; if ! $(BIN)/python -m pip_audit --version >/dev/null 2>&1; then \
		echo "!! audit SKIPPED: pip-audit is not installed (pip install pip-audit)"; \
	elif ! $(BIN)/python -c "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/pip/', timeout=10)" >/dev/null 2>&1; then \
		echo "!! audit SKIPPED: the vulnerability database (pypi.org / osv.dev) cannot be reached"; \
	else \
		echo "== dependency audit (pip-audit)"; \
		$(BIN)/python -m pip_audit --skip-editable --progress-spinner off >var/audit.log 2>&1; rc=$$?; \
		grep -v "Dependency not found on PyPI" var/audit.log; \
		if [ $$rc -ne 0 ] && grep -qiE "connection|timed out|max retries|name resolution|temporarily unavailable" var/audit.log; then \
			echo "!! audit SKIPPED: the vulnerability database could not be reached during the audit"; \
		else exit $$rc; fi; \
	fi

check: lint
	$(BIN)/ruff format --check src tests

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/import_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache
