# `make run` cleans raw/ into cleaned/; `make test` runs every check CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SEEDS ?= ../shared/eval/seeds
EVAL_OUT ?= build/eval

.PHONY: run test eval lint typecheck rules-test clean-build setup setup-dev rust-check wheel

# The compiled core (Cargo.toml, src/*.rs) is built by maturin into cleaner/_core (release profile, see
# pyproject.toml) on every editable install: a change to the Rust sources reinstalls, and cargo rebuilds only
# what changed (its target/ directory stays in the checkout).
CORE_SOURCES := Cargo.toml Cargo.lock $(wildcard src/*.rs)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(BIN)/cleaner: pyproject.toml $(CORE_SOURCES) | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: $(BIN)/cleaner
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/cleaner
setup-dev: $(VENV)/.dev

run: setup
	$(BIN)/cleaner run raw/ -o cleaned/ --force

test: setup-dev setup-browser rust-check
	$(BIN)/cleaner rules check
	$(BIN)/cleaner rules test
	$(BIN)/ruff check .
	$(BIN)/mypy cleaner
	$(BIN)/pytest

# the Rust core's checks: formatting, lints as errors, its unit tests (built without `extension-module`, so they
# link against libpython)
rust-check:
	cargo fmt --check
	cargo clippy --all-targets --locked -- -D warnings
	cargo test --locked -q

# a release wheel for this platform in dist/ (the same as `maturin build --release -o dist`)
wheel: | $(BIN)/python
	$(BIN)/pip wheel -q --no-deps -w dist .

eval: setup
	rm -rf $(EVAL_OUT) && mkdir -p $(EVAL_OUT)/in
	for f in $(SEEDS)/*.raw.txt; do n=$$(basename $$f .raw.txt); cp $$f $(EVAL_OUT)/in/$$n.txt; done
	$(BIN)/cleaner run $(EVAL_OUT)/in -o $(EVAL_OUT)/out -q || true
	$(BIN)/python $(SEEDS)/../score.py $(SEEDS) $(EVAL_OUT)/out

clean-build:
	rm -rf build

# -- benchmarks (figures go in build/bench/*.txt and the README) --------------------------------
.PHONY: bench bench-mojibake bench-false-positives bench-noise
bench: bench-mojibake bench-false-positives bench-noise bench-report bench-chrome bench-spam bench-spelling bench-dedup bench-scale bench-profile

bench-mojibake: setup
	mkdir -p build/bench
	PYTHONPATH=. $(BIN)/python benchmarks/mojibake_bench.py | tee build/bench/mojibake.txt

bench-false-positives: setup
	mkdir -p build/bench
	PYTHONPATH=. $(BIN)/python benchmarks/false_positive_bench.py | tee build/bench/false-positives.txt

# planted noise (typos, glue, mojibake, query/scam lines, repeats) in every bench set's gold texts: per kind and harm
NOISE_SEED ?= 21
bench-noise: setup
	mkdir -p build/bench
	PYTHONPATH=. $(BIN)/python benchmarks/noise_bench.py --seed $(NOISE_SEED) | tee build/bench/noise.txt

# -- review (diff, stats, report) ---------------------------------------------------
.PHONY: setup-browser bench-report report-screenshot

# Debian's chromium for the report's browser tests; installed only when missing (CI runs as root).
# Playwright drives this binary; it never downloads a browser of its own.
setup-browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will skip (and fail on CI)"; \
	  else echo "/usr/bin/chromium missing and not root: browser tests will skip"; fi; \
	fi

# Size and load time of the HTML report for a 10,000-page run (synthetic logs).
bench-report: setup-dev setup-browser
	$(BIN)/python benchmarks/report_bench.py --pages 10000

# docs/report.png: the sample run's report in headless Chromium.
report-screenshot: setup-dev setup-browser
	$(BIN)/python docs/report_screenshot.py

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

# the chrome model: rebuilt from the bench sets and the seeds (deterministic: the same file byte for byte);
# measured leave-one-set-out beside jusText, and for harm on clean text (the gold texts through the pipeline)
.PHONY: train-chrome bench-chrome-loso bench-chrome-harm
train-chrome: setup
	$(BIN)/cleaner chrome train $(BENCH)/boilerplate $(BENCH)/boilerplate_htmltotext $(BENCH)/readability $(SEEDS) \
		--keeps-comments boilerplate_htmltotext -o rules/chrome/model.json

bench-chrome-loso: setup $(BENCH_VENV)/.justext
	nice -n 10 $(BIN)/python -m benchmarks.bench_chrome_loso --bench $(BENCH) --seeds $(SEEDS) \
		--cleaner $(BIN)/cleaner --justext-python $(BENCH_VENV)/bin/python | tee build/chrome-loso.txt

bench-chrome-harm: setup
	nice -n 10 $(BIN)/python benchmarks/chrome_harm.py $(BENCH)/boilerplate $(BENCH)/boilerplate_htmltotext \
		$(BENCH)/readability --cleaner $(BIN)/cleaner

# spam stage: language ID on short lines (add lingua in a separate venv to compare) and precision on the bench pages
BENCH ?= ../shared/bench
.PHONY: bench-spam
bench-spam: setup
	$(BIN)/python benchmarks/langid_short_lines.py $(BENCH)
	rm -rf build/bench-spam && mkdir -p build/bench-spam/in
	cp $(BENCH)/boilerplate/*.raw.txt $(BENCH)/boilerplate_htmltotext/*.raw.txt build/bench-spam/in/
	$(BIN)/cleaner run build/bench-spam/in -o build/bench-spam/out -q || true
	$(BIN)/python benchmarks/spam_precision.py build/bench-spam/out $(BENCH)/boilerplate $(BENCH)/boilerplate_htmltotext

# -- spelling: the speller vs symspellpy and pyspellchecker (bench-only virtualenv), false fixes on clean text --
.PHONY: bench-spelling
$(BENCH_VENV)/.spelling:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q 'symspellpy==6.10.1' 'pyspellchecker==0.9.1'
	touch $@

bench-spelling: setup $(BENCH_VENV)/.spelling
	mkdir -p build/bench
	PYTHONPATH=. $(BIN)/python benchmarks/spelling_bench.py --bench $(BENCH) --peer-python $(BENCH_VENV)/bin/python \
		--out build/bench/spelling.txt

# dedup: cross-corpus MinHash/LSH on generated corpora of 50k/100k/200k paragraphs with planted near-duplicates
.PHONY: bench-dedup
bench-dedup: setup
	mkdir -p build/bench
	PYTHONPATH=. $(BIN)/python benchmarks/dedup_bench.py --sizes 50000,100000,200000 | tee build/bench/dedup.txt

# -- scale: record shards, the Ray engine, the throughput/memory benchmark -------------------------
.PHONY: test-ray bench-scale bench-profile
# Ray (and pyarrow, zstandard) are optional extras: `make test` never needs them.
test-ray: setup-dev
	$(BIN)/pip install -q -e '.[ray,parquet,zstd]'
	CLEANER_TEST_RAY=1 $(BIN)/pytest tests/test_ray.py tests/test_formats.py

# the datasets and datatrove integrations, with the libraries installed (CI runs this after `make test`)
.PHONY: test-integrations
test-integrations: setup-dev
	$(BIN)/pip install -q -e '.[datasets,datatrove]'
	$(BIN)/pytest tests/test_integrations.py

# SCALE_MB of generated JSONL shards under build/bench-scale; slices for the memory/linearity figures.
SCALE_MB ?= 200
SCALE_SLICES ?= 50,100,200
SCALE_REPEAT ?= 3
# the slice for the 1-process / 2-process / Ray medians and the peers
SCALE_THROUGHPUT_MB ?= 20
# datatrove's C4 line filter as a peer (with the regex/nltk/spacy it imports), in the bench-only virtualenv
$(BENCH_VENV)/.datatrove: $(BENCH_VENV)/.justext
	$(BENCH_VENV)/bin/pip install -q 'datatrove==0.10.1' regex nltk spacy
	touch $@

# py-spy (bench virtualenv only) over one process and a 4 MB slice of the scale corpus: stage shares, top functions
bench-profile: setup $(BENCH_VENV)/.justext
	$(BENCH_VENV)/bin/pip install -q py-spy
	test -d build/bench-scale/corpus-4 || $(BIN)/python benchmarks/scale_corpus.py $(BENCH) build/bench-scale/corpus-4 --mb 4 --shard-mb 2
	mkdir -p build/bench
	$(BIN)/python benchmarks/profile_run.py build/bench-scale/corpus-4 --py-spy $(BENCH_VENV)/bin/py-spy | tee build/bench/profile.txt

bench-scale: setup $(BENCH_VENV)/.justext $(BENCH_VENV)/.datatrove
	$(BIN)/pip install -q -e '.[ray,parquet]'
	mkdir -p build/bench
	$(BIN)/python benchmarks/scale_bench.py --bench $(BENCH) --mb $(SCALE_MB) --slices $(SCALE_SLICES) --repeat $(SCALE_REPEAT) \
		--throughput-mb $(SCALE_THROUGHPUT_MB) \
		--justext-python $(BENCH_VENV)/bin/python | tee build/bench/scale.txt

# docs/settings.md: every stage's settings, defaults, shipped values and docs (a test keeps it current)
.PHONY: docs-settings
docs-settings: setup
	$(BIN)/cleaner rules list --settings --markdown > docs/settings.md
