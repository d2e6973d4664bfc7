# Guanxi — developer and CI entry points.
#
#   make install   venv + Python deps + front-end assets + translations + migrate
#   make demo      install, seed demo data if the DB is empty, run `guanxi serve` on $(PORT)
#   make serve     install, then `guanxi serve` (no seeding)
#   make test      pytest (SQLite; PostgreSQL when DATABASE_URL is set); PYTEST_ARGS="-k foo",
#                  TEST_WORKERS=0 for one process (default: one per core)
#   make bench     page budget of issue 13: SQLite, 100k customers (seed cached in var/), one table
#                  of p50 / p95 against each page's raw SQL; BENCH_ARGS="-n 50 --only list"
#   make lint      ruff, ruff format --check, import-linter, mypy, migration checks
#   make messages  refresh the .po catalogues from the sources (needs GNU gettext)
#
# Every step is guarded by a stamp, so a second `make install` does almost nothing.
# Set PYTHON=/path/to/python3.13 to choose the interpreter yourself.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PORT ?= 8000
PYTEST_ARGS ?=
TEST_WORKERS ?= auto
PYTHON ?=

VENV := .venv
PY := $(VENV)/bin/python
# --no-compile: pip would compile every installed module (17 s of a 43 s install); Python
# compiles what is imported, once, when it is first imported.
PIP_INSTALL := $(PY) -m pip --disable-pip-version-check --quiet install --no-compile
GUANXI := $(VENV)/bin/guanxi
VENDOR_STAMP := src/guanxi/static/vendor/.copied
PO_FILES := $(shell find src/guanxi -path '*/locale/*/LC_MESSAGES/*.po' 2>/dev/null)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help install setup demo serve test bench lint assets translations messages clean

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

# ---------------------------------------------------------------- Python interpreter
# The first interpreter that runs and is >= 3.12 wins (pyenv shims that are not
# activated fail to run and are skipped).
$(PY):
	@found=""; \
	for c in "$(PYTHON)" python3.13 python3.12 \
	         "$$(PYENV_VERSION=3.13.0 pyenv which python3 2>/dev/null || true)" \
	         $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 \
	         /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 \
	         python3.14 python3; do \
	  [ -n "$$c" ] || continue; \
	  exe="$$("$$c" -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null)" || continue; \
	  [ -n "$$exe" ] && found="$$exe" && break; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "ERROR: Guanxi needs Python >= 3.12 and none was found." >&2; \
	  echo "       Tried: python3.13, python3.12, pyenv 3.13.0, ~/.pyenv/versions/3.1[23]*, python3." >&2; \
	  echo "       Install one (e.g. 'pyenv install 3.13') or run: make install PYTHON=/path/to/python3.13" >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$found ($$("$$found" --version))"; \
	"$$found" -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP_INSTALL) -e .
	@touch $@

# One pip run for both: a second one resolves every package again (about 10 s).
$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP_INSTALL) -e '.[dev]'
	@touch $(VENV)/.installed $@

# ---------------------------------------------------------------- front-end assets
node_modules/.package-lock.json: package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null || { echo "ERROR: npm is needed (apt-get install npm)" >&2; exit 1; }
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; \
	 else npm install --no-audit --no-fund --loglevel=error; fi
	@touch $@

$(VENDOR_STAMP): node_modules/.package-lock.json scripts/copy_assets.py | $(PY)
	$(PY) scripts/copy_assets.py
	@touch $@

assets: $(VENDOR_STAMP)

# ---------------------------------------------------------------- translations (.po -> .mo)
$(MO_FILES): %.mo: %.po | $(VENV)/.installed
	$(GUANXI) compile_translations --force -v0 $<

translations: $(MO_FILES)

# New and changed strings land untranslated (or fuzzy) in the catalogues; translate them, then
# `make test` checks that none is left (tests/core/test_translations.py).
messages: $(VENV)/.installed
	cd src/guanxi && ../../$(GUANXI) makemessages -l zh_Hans -l en --no-obsolete -e html,txt,py,jinja

# ---------------------------------------------------------------- main targets
setup: $(VENV)/.installed assets translations

install: setup
	$(GUANXI) migrate --noinput -v1

demo: install
	$(GUANXI) seed --if-empty
	exec $(GUANXI) serve --port $(PORT)

serve: install
	exec $(GUANXI) serve --port $(PORT)

test: $(VENV)/.installed-dev setup
	@rc=0; $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests (exit 5)." >&2; fi; \
	exit $$rc

BENCH_ARGS ?=
bench: setup
	PYTHONPATH=src $(PY) bench/page_budget.py $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	@rc=0; \
	echo "== ruff check"; $(VENV)/bin/ruff check . || rc=1; \
	echo "== ruff format --check"; $(VENV)/bin/ruff format --check . || rc=1; \
	echo "== lint-imports"; $(VENV)/bin/lint-imports || rc=1; \
	echo "== mypy"; $(VENV)/bin/mypy || rc=1; \
	echo "== makemigrations --check"; \
	$(PY) manage.py makemigrations --check --dry-run || rc=1; \
	echo "== migration names"; \
	auto="$$(find src -path '*/migrations/*' -name '*_auto_*' -print)"; \
	if [ -n "$$auto" ]; then \
	  echo "ERROR: migrations must be named (makemigrations --name ...); found:" >&2; \
	  echo "$$auto" >&2; rc=1; \
	fi; \
	if [ $$rc -ne 0 ]; then echo "lint: FAILED" >&2; else echo "lint: OK"; fi; \
	exit $$rc

clean:
	rm -rf $(VENV) node_modules src/guanxi/static/vendor
	find src -name '*.mo' -path '*/locale/*' -delete
