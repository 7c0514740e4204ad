# The README's two commands: `make run` and `make test`. Both build .venv themselves.
# Mesa 3.5 needs Python >= 3.12: PY is the first interpreter found that is new enough
# (override with `make test PY=/path/to/python3.12`).
SHELL := /bin/bash
PY ?= $(shell for p in python3.12 python3.13 python3.14 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench explore clean help

help:
	@echo "make run    set up .venv, then compare the main scenarios (report in results/main/)"
	@echo "make test   set up .venv, then run the test suite"
	@echo "make lint   ruff check, ruff format --check and mypy (configured in pyproject.toml)"
	@echo "make bench  speed and memory benchmarks (benchmarks/)"
	@echo "make explore  the interactive explorer in the browser (clusterpolicy explore)"

$(STAMP): pyproject.toml
	@if [ -z "$(PY)" ]; then \
	  echo "error: no Python >= 3.12 found (Mesa 3.5 needs it). Install Python 3.12, or run: make $(MAKECMDGOALS) PY=/path/to/python3.12" >&2; \
	  exit 2; fi
	@echo "setting up $(VENV) with $$($(PY) --version) ..."
	@$(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[test,dev,explore,ema]'
	@touch $(STAMP)

MAIN_SCENARIOS := concept_note_2015 serv_advice_2015 no_cluster_policy

run: $(STAMP)
	$(BIN)/clusterpolicy compare $(MAIN_SCENARIOS) --replications 30 --out results/main --fresh

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

explore: $(STAMP)
	$(BIN)/clusterpolicy explore

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
