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

# spam stage: language ID on short lines (add lingua in a separate venv to compare) and precision on the bench pages
BENCH ?= ../shared/bench
.PHONY: bench-spam
bench-spam: setup
	$(BIN)/python benchmarks/langid_short_lines.py $(BENCH)
	rm -rf build/bench-spam && mkdir -p build/bench-spam/in
	cp $(BENCH)/boilerplate/*.raw.txt $(BENCH)/boilerplate_htmltotext/*.raw.txt build/bench-spam/in/
	$(BIN)/cleaner run build/bench-spam/in -o build/bench-spam/out -q || true
	$(BIN)/python benchmarks/spam_precision.py build/bench-spam/out $(BENCH)/boilerplate $(BENCH)/boilerplate_htmltotext
