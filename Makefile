# THADS Case Tracker — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install run serve test bench lint clean-store translations

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Install, seed the demo when the store is empty, and serve on http://127.0.0.1:$${PORT:-8000}
run: install
	$(BIN)/thads demo --if-empty
	$(BIN)/thads run

## Install and run the whole test suite (SQLite and PostgreSQL), a worker per core (at most 4);
## each worker has its own PostgreSQL database and Redis database (tests/conftest.py)
TEST_WORKERS ?= $(shell n=$$(nproc); [ $$n -gt 4 ] && n=4; echo $$n)
test: install
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

## Benchmarks (not tests): figures go to BENCHMARKS.md
bench: install
	@command -v wrk >/dev/null || apt-get install -y -q wrk
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check domain service projections workers tests bench

clean-store:
	rm -rf var/

## Re-extract the UI's texts (Vietnamese msgids), merge into the English catalog, compile
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o service/translations/messages.pot .
	$(BIN)/pybabel update -i service/translations/messages.pot -d service/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d service/translations
