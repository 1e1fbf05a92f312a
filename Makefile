# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test test-fast lint lock install clean bench bench-load

# Exactly the versions (and hashes) of requirements.lock, then the project itself; `pip check` catches a
# dependency added to pyproject.toml without `make lock`.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q -r requirements.lock
	$(PIP) install -q --no-deps -e .
	$(PIP) check
	touch $(STAMP)

install: $(STAMP)

# requirements.lock from pyproject.toml (with the dev extra), for Python 3.11 on Linux x86_64. It keeps the
# pins it can; `make lock LOCK_FLAGS=--upgrade` moves every one to the newest release pyproject.toml allows.
LOCK_FLAGS ?=

lock:
	test -x $(BIN)/uv || ($(PYTHON) -m venv $(VENV) && $(PIP) install -q uv)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" --quiet \
		-o requirements.lock $(LOCK_FLAGS)

# The whole system on SQLite with demo data, at http://127.0.0.1:8000 (a fresh demo database each time);
# `make demo DEMO_PORT=8100` serves on another port, and links in mails and shared answers follow it
# (HUIQI_PUBLIC_URL: give the same to `huiqi messages send`, which writes the mails).
DEMO_DB := sqlite:///var/demo.db
DEMO_PORT ?= 8000
DEMO_URL := http://127.0.0.1:$(DEMO_PORT)

demo: $(STAMP)
	rm -f var/demo.db var/demo.db-wal var/demo.db-shm
	HUIQI_DATABASE_URL=$(DEMO_DB) HUIQI_PUBLIC_URL=$(DEMO_URL) $(BIN)/huiqi demo seed
	HUIQI_DATABASE_URL=$(DEMO_DB) HUIQI_PUBLIC_URL=$(DEMO_URL) $(BIN)/huiqi demo logins
	HUIQI_DATABASE_URL=$(DEMO_DB) HUIQI_PUBLIC_URL=$(DEMO_URL) $(BIN)/huiqi serve --port $(DEMO_PORT)

# Every test runs on SQLite and on PostgreSQL (127.0.0.1:5432, database `test`); .ci/run starts
# PostgreSQL when it is down and sets HUIQI_REQUIRE_POSTGRES=1 so that it cannot be skipped.
test: $(STAMP) lint
	$(BIN)/pytest -rs

# The quick loop while working: lint, then the tests on SQLite only, without PostgreSQL or the browser.
test-fast: $(STAMP) lint
	HUIQI_TEST_DATABASES=sqlite $(BIN)/pytest -rs --ignore=tests/browser

# ruff on everything; mypy on the files pyproject.toml's [tool.mypy] lists, strict where it says so.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	bash bench/openfisca/setup.sh
	$(BIN)/python bench/simulate.py --openfisca

bench-load: $(STAMP)
	$(BIN)/python bench/load.py --connections 4,8,16,32

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
