# `make run` cleans raw/ into cleaned/; `make test` runs every check CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SEEDS ?= ../shared/eval/seeds
EVAL_OUT ?= build/eval

.PHONY: run test eval lint typecheck rules-test clean-build setup setup-dev

$(BIN)/cleaner: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: $(BIN)/cleaner
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/cleaner
setup-dev: $(VENV)/.dev

run: setup
	$(BIN)/cleaner run raw/ -o cleaned/ --force

test: setup-dev
	$(BIN)/cleaner rules check
	$(BIN)/cleaner rules test
	$(BIN)/ruff check .
	$(BIN)/mypy cleaner
	$(BIN)/pytest

eval: setup
	rm -rf $(EVAL_OUT) && mkdir -p $(EVAL_OUT)/in
	for f in $(SEEDS)/*.raw.txt; do n=$$(basename $$f .raw.txt); cp $$f $(EVAL_OUT)/in/$$n.txt; done
	$(BIN)/cleaner run $(EVAL_OUT)/in -o $(EVAL_OUT)/out -q || true
	$(BIN)/python $(SEEDS)/../score.py $(SEEDS) $(EVAL_OUT)/out

clean-build:
	rm -rf build

# -- chrome learned from the corpus: the cleaner vs jusText on real pages (bench-only virtualenv for the peer) --
BENCH ?= ../shared/bench
BENCH_VENV ?= build/bench-venv
.PHONY: bench-chrome

$(BENCH_VENV)/.justext:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q 'justext==3.0.2' lxml_html_clean
	touch $@

bench-chrome: setup $(BENCH_VENV)/.justext
	$(BIN)/python benchmarks/bench_chrome.py $(BENCH)/boilerplate $(BENCH)/boilerplate_htmltotext \
		--cleaner $(BIN)/cleaner --justext-python $(BENCH_VENV)/bin/python
