# akimsim: the two commands a newcomer needs are `make run` and `make test`.
# Each creates .venv from python3 if it is missing and installs the package into it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.akimsim-installed
RUN_DIR ?= results/main

.PHONY: install run test test-fast test-slow lint bench bench-against bench-peers clean dashboard \
	chromium docs notebooks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,cluster,dashboard,docs,notebooks]"
	touch $(STAMP)

install: $(STAMP)

## the main job: Kazakhstan's reform timeline 2013-2030, every voter; table + figure.
## It replaces what an earlier `make run` wrote in $(RUN_DIR) (output.overwrite=true).
run: install
	$(BIN)/akimsim hydra.run.dir=$(RUN_DIR) output.overwrite=true

## lint, type-check and the whole test suite (slow tests excluded)
test: install lint chromium
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -m "not slow"

## the inner loop: the in-process tests only (no command line, launchers, notebooks or
## browser), under two minutes; `make test` runs everything
test-fast: install
	$(BIN)/python -m pytest -m "not slow and not process" -q

lint: install
	$(BIN)/ruff check src tests scripts benchmarks experiments
	$(BIN)/mypy

## the dashboard's browser test (tests/test_dashboard.py) drives Debian's Chromium: install
## it when missing and we may (root with apt-get), else say how
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	|| [ -n "$$AKIMSIM_CHROMIUM" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Chromium for the dashboard's browser test: apt-get install chromium"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	      >/dev/null; \
	  else \
	    echo "the dashboard's browser test needs Chromium: sudo apt-get install -y chromium" \
	      "(or set AKIMSIM_CHROMIUM to a Chromium executable)" >&2; exit 1; \
	  fi; }

## the documentation site in site/ (MkDocs, --strict: a broken link or reference fails);
## tests/test_docs.py runs the same build
docs: install
	$(BIN)/mkdocs build --strict --site-dir site

## the notebooks in JupyterLab (notebooks/README.md); Jupyter refuses root unless told
notebooks: install
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

## the interactive dashboard on http://127.0.0.1:8765/ (Ctrl-C to stop)
dashboard: install
	$(BIN)/akimsim dashboard $(DASHBOARD_ARGS)

## tests marked slow (national scale)
test-slow: install
	$(BIN)/python -m pytest -m slow

## benchmarks: kernels at national scale (12 M voters) and the whole model (timeline,
## scaling to 60 M voters, commands, start-up, replicas, a Mesa-idiomatic twin); writes
## benchmarks/results/{kernels,timeline}.json and docs/performance.md. Not part of
## `make test`.
bench: install
	$(BIN)/python benchmarks/bench_kernels.py --out benchmarks/results/kernels.json
	$(BIN)/python benchmarks/bench_timeline.py --out benchmarks/results/timeline.json
	$(BIN)/python benchmarks/render_performance.py

## this checkout against an earlier revision in one run (alternating), e.g.
## `make bench-against REV=3f9b3af` (the end of issue 11, the performance issue)
REV ?= 3f9b3af
bench-against: install
	$(BIN)/python benchmarks/bench_against.py $(REV)

## the same contest in pref_voting and VoteKit (their own .venv-peers) against akimsim
PEER_BALLOTS := benchmarks/results/peer_ballots.npz
bench-peers: install
	bash benchmarks/peers/setup_env.sh
	.venv-peers/bin/python benchmarks/peers/make_ballots.py --voters 100000 --candidates 5 \
		--seed 0 --out $(PEER_BALLOTS)
	.venv-peers/bin/python benchmarks/peers/bench_peers.py --ballots $(PEER_BALLOTS) \
		--out benchmarks/results/peers.json
	$(BIN)/python benchmarks/peers/bench_ours.py --ballots $(PEER_BALLOTS) \
		--peers benchmarks/results/peers.json --out benchmarks/results/ours_vs_peers.json
	$(BIN)/python benchmarks/render_performance.py

clean:
	rm -rf $(VENV) .venv-peers results outputs multirun .pytest_cache .mypy_cache .ruff_cache \
		.hypothesis
