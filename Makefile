# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SNAPSHOT ?= ../shared/data
HOST ?= 127.0.0.1
PORT ?= 8050
WORKERS ?= 4

.PHONY: run test lint install install-test install-prod install-bench refresh serve serve-prod screenshots clean bench

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@

$(VENV)/.installed-prod: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[prod]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-prod: $(VENV)/.installed-prod
install-bench: $(VENV)/.installed-bench

# Refresh from the live sources; if none answers, import the snapshot in $(SNAPSHOT).
# Exit status 1 means some items failed (each is listed): the rest loaded, so serve anyway.
# --wait: a scheduled refresh already writing the warehouse is waited for, not an error.
refresh: install
	$(BIN)/bubblemeter refresh --fallback $(SNAPSHOT) --wait --trigger make-run || [ $$? -eq 1 ]

serve: install
	$(BIN)/bubblemeter serve --host $(HOST) --port $(PORT)

# The dashboard under gunicorn: WORKERS processes, each reading the warehouse read-only.
# More gunicorn options: GUNICORN_CMD_ARGS="--timeout 60 --access-logfile -" make serve-prod
serve-prod: install-prod
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) dashboard.wsgi:server

run: refresh serve

test: install-test
	$(BIN)/python -m pytest -q --headless

# ruff: the rules in pyproject.toml, and the code formatted as `ruff format` writes it.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Screenshots of every dashboard page at 1280x800 and 390x844 into docs/screenshots (needs Debian chromium).
screenshots: install-bench
	$(BIN)/python scripts/screenshots.py --snapshot $(SNAPSHOT) --out docs/screenshots

# Benchmarks (figures in docs/benchmarks.md), each printing its figures: bulk load of a
# SYNTHETIC universe, the incremental refresh against the loopback fakes, the dashboard on the
# real snapshot plus the synthetic universe. BENCHES picks some; *_ARGS pass options to one.
BENCHES ?= bulk_load incremental_refresh dashboard
bench: install-bench
	@set -e; for b in $(BENCHES); do \
	  case $$b in \
	    bulk_load) args="$(BULK_ARGS)";; \
	    incremental_refresh) args="$(INCREMENTAL_ARGS)";; \
	    dashboard) args="$(DASHBOARD_ARGS)";; \
	    *) echo "unknown benchmark $$b (bulk_load, incremental_refresh, dashboard)"; exit 2;; \
	  esac; \
	  echo "+ $(BIN)/python bench/$$b.py $$args"; \
	  $(BIN)/python bench/$$b.py $$args; \
	done

clean:
	rm -rf $(VENV) .pytest_cache
