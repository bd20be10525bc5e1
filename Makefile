# Two commands for a fresh machine: `make run` (install, seed, serve) and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint install install-dev schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

## Install, seed the real data and the demo network, and serve the API on http://127.0.0.1:8000
run: install
	$(BIN)/kb serve --demo

## Install the test tools and run the whole test suite (see README for running it on Neo4j too)
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

## ruff (lint, format), mypy, and the layering (import-linter: api -> schema -> graph, no cycles)
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## Write schema.graphql from the code (a test fails when they differ)
schema: install
	$(BIN)/python -m schema.export > schema/schema.graphql

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
