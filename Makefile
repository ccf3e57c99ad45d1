# THADS Case Tracker — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install run run-scaled serve test bench soak lint clean-store translations

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

## The scaled topology on this machine (docs/deploy.md): 2 web processes (gunicorn workers), 2 report
## workers and the projection runner, on the local PostgreSQL (database created when missing, seeded
## with the demo when empty) and Redis; Ctrl-C stops them together
SCALED_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/thads
SCALED_REDIS_URL ?= redis://127.0.0.1:6379/0
SCALED_DEMO_SCALE ?= 1
run-scaled: install
	@mkdir -p var && test -s var/scaled_secret_key || (umask 077 && $(BIN)/python -c \
		'import secrets; print(secrets.token_urlsafe(48))' > var/scaled_secret_key)
	export THADS_DATABASE_URL=$(SCALED_DATABASE_URL) THADS_REDIS_URL=$(SCALED_REDIS_URL) \
		THADS_SECRET_KEY=$$(cat var/scaled_secret_key) && \
	$(BIN)/thads init --create-database && \
	$(BIN)/thads demo --if-empty --scale $(SCALED_DEMO_SCALE) && \
	exec $(BIN)/thads run --workers 2 --report-workers 2

## Install and run the whole test suite (SQLite and PostgreSQL), a worker per core (at most 4);
## each worker has its own PostgreSQL database and Redis database (tests/conftest.py)
TEST_WORKERS ?= $(shell n=$$(nproc); [ $$n -gt 4 ] && n=4; echo $$n)
test: install
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

## Benchmarks (not tests): figures go to BENCHMARKS.md
bench: install
	@command -v wrk >/dev/null || apt-get install -y -q wrk
	$(BIN)/python -m bench.run

## The load test with faults (a benchmark, not a test; loopback only; bounded): 70% reads, 30% commands
## for SOAK_SECONDS against `thads run` (SQLite) and the scaled topology (PostgreSQL, a private Redis),
## killing and stopping parts of the latter; figures to BENCHMARKS.md. It restarts the machine's PostgreSQL.
SOAK_SECONDS ?= 60
BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,dev,bench]"
	@rm -f $(VENV)/.bench-* && touch $(BENCH_STAMP)

soak: install $(BENCH_STAMP)
	$(BIN)/python -m bench.soak --seconds $(SOAK_SECONDS)

lint: install
	$(BIN)/ruff check domain service projections workers tests bench

clean-store:
	rm -rf var/

## Re-extract the UI's texts (Vietnamese msgids), merge into the English catalog, compile
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o service/translations/messages.pot .
	$(BIN)/pybabel update -i service/translations/messages.pot -d service/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d service/translations
