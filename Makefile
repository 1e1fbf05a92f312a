# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/huiqi match examples/case.json --format table

# Every test runs on SQLite and on PostgreSQL (127.0.0.1:5432, database `test`); .ci/run starts
# PostgreSQL when it is down and sets HUIQI_REQUIRE_POSTGRES=1 so that it cannot be skipped.
test: $(STAMP) lint
	$(BIN)/pytest -rs

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	bash bench/openfisca/setup.sh
	$(BIN)/python bench/simulate.py --openfisca

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
