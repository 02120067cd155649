# akimsim: the two commands a newcomer needs are `make run` and `make test`.
# Each creates .venv from python3 if it is missing and installs the package into it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.akimsim-installed
RUN_DIR ?= results/main

.PHONY: install run test test-slow lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## the main job: Kazakhstan's reform timeline 2013-2030, every voter; table + figure
run: install
	$(BIN)/akimsim hydra.run.dir=$(RUN_DIR)

## lint, type-check and the whole test suite (slow tests excluded)
test: install lint
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -m "not slow"

lint: install
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/mypy

## tests marked slow (national scale)
test-slow: install
	$(BIN)/python -m pytest -m slow

clean:
	rm -rf $(VENV) results outputs multirun .pytest_cache .mypy_cache .ruff_cache .hypothesis
