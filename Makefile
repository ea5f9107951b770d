# The README's two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_AANBIEDERS ?= 400
# the suite runs on this many processes (pytest-xdist); 0 runs it in one
PYTEST_WORKERS ?= 2

.PHONY: run test test-fast bench lint seed reindex system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## run: serve the site with demo data on http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/keuzehulp db upgrade
	$(BIN)/keuzehulp seed demo --aanbieders $(DEMO_AANBIEDERS) --seed 1 --if-empty
	HOST=$(HOST) PORT=$(PORT) $(BIN)/keuzehulp serve

## system-deps: Debian's chromium (browser tests) and postgresql (tests on PostgreSQL)
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium postgresql fonts-dejavu-core; \
	fi

## test: the whole suite (unit, web, PostgreSQL, browser)
test: $(STAMP) system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS)

## test-fast: everything except the browser tests (still on SQLite and PostgreSQL)
test-fast: $(STAMP) system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser"

## bench: figures at 1k/10k/50k aanbieders
bench: $(STAMP)
	$(BIN)/keuzehulp bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

seed: $(STAMP)
	$(BIN)/keuzehulp db upgrade
	$(BIN)/keuzehulp seed demo --aanbieders $(DEMO_AANBIEDERS) --seed 1 --if-empty

reindex: $(STAMP)
	$(BIN)/keuzehulp reindex

clean:
	rm -rf $(VENV) var search_index/gen-* search_index/current
