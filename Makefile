# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean bench bench-load

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The whole system on SQLite with demo data, at http://127.0.0.1:8000 (a fresh demo database each time).
DEMO_DB := sqlite:///var/demo.db

demo: $(STAMP)
	rm -f var/demo.db
	HUIQI_DATABASE_URL=$(DEMO_DB) $(BIN)/huiqi demo seed
	HUIQI_DATABASE_URL=$(DEMO_DB) $(BIN)/huiqi demo logins
	HUIQI_DATABASE_URL=$(DEMO_DB) $(BIN)/huiqi serve

# Every test runs on SQLite and on PostgreSQL (127.0.0.1:5432, database `test`); .ci/run starts
# PostgreSQL when it is down and sets HUIQI_REQUIRE_POSTGRES=1 so that it cannot be skipped.
test: $(STAMP) lint
	$(BIN)/pytest -rs

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	bash bench/openfisca/setup.sh
	$(BIN)/python bench/simulate.py --openfisca

bench-load: $(STAMP)
	$(BIN)/python bench/load.py --connections 4,8,16,32

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
