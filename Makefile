# eqsash-api: every command a developer or CI needs. Each target builds its own
# virtual environment from the requirement files; nothing is installed by hand.

# The Python of the Lambda runtime (DESIGN section 12): 3.13 or newer, since chalice names the runtime
# after the Python it runs under and the package's compiled extensions and bytecode are built for it.
# Found in pyenv's versions, else on PATH; `make PYTHON=/path/to/python3.13 ...` overrides the search.
MIN_PYTHON := 3.13
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for candidate in $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.1[3-9]*/bin/python3))) \
  python3.14 python3.13 python3; do \
  "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null && { echo "$$candidate"; break; }; \
  done)
endif
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(MIN_PYTHON)
PORT   ?= 8000
NODE_DEPS := tests/integration/node_modules/.package-lock.json

.PHONY: run test check fmt fuzz load bench clean venv chromium

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" && $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null || { \
	  echo "error: Python $(MIN_PYTHON) or newer is needed (the Lambda runtime is python$(MIN_PYTHON));" \
	    "found $(or $(PYTHON),no python3.13 in ~/.pyenv/versions or on PATH)$(if $(PYTHON), ($$($(PYTHON) -V 2>&1)))." \
	    "Install it (pyenv install $(MIN_PYTHON), or your system's python$(MIN_PYTHON) package)" \
	    "or name it: make PYTHON=/path/to/python$(MIN_PYTHON)" >&2; exit 1; }
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 13))'; then \
	  echo "$(VENV) was made by $$($(PY) -V); making it anew with $(PYTHON)"; rm -rf $(VENV); fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

# dynalite: the DynamoDB-compatible server the integration suite runs against.
$(NODE_DEPS): tests/integration/package.json tests/integration/package-lock.json
	npm ci --prefix tests/integration --no-audit --no-fund --loglevel=error

## Serve the API on 127.0.0.1:$(PORT) over an embedded DynamoDB-compatible server.
run: $(STAMP)
	PORT=$(PORT) exec $(PY) -m tools.devserver

# Debian's chromium for the browser suite (tests/browser), installed when missing and root;
# elsewhere that suite is skipped with a message saying so.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and cannot be installed here (not root): the browser tests will be skipped"; fi; }

## Every test: unit, functional (moto), integration (dynalite) and browser (Chromium).
test: $(STAMP) $(NODE_DEPS) chromium
	$(PY) -m pytest -q

## The prod stage as a SAM template, offline (no AWS): build/package/sam.json and deployment.zip.
.PHONY: package
PACKAGE_DIR ?= build/package
package: $(STAMP)
	$(PY) -m tools.packaging $(PACKAGE_DIR)

## Lint, types, every service module's declarations, and no method open to everyone by mistake.
check: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy chalicelib app.py bench tools
	$(PY) -m chalicelib.registry --check
	$(PY) -m chalicelib.admin access-matrix --strict > /dev/null

## The long fuzzing profile of the Lambda handler (FUZZ_EXAMPLES, 10,000 by default).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-10000} $(PY) -m pytest -q tests/fuzz --hypothesis-show-statistics

## Keep-alive load on the `make run` server for 60 s (LOAD_SECONDS, LOAD_CONNECTIONS, LOAD_MAX_REQUESTS).
load: $(STAMP)
	$(PY) bench/load.py

## Benchmarks against a bare Chalice floor, warm and cold: one table (medians of several rounds).
bench: $(STAMP)
	$(PY) -m bench

fmt: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) build tests/integration/node_modules .pytest_cache .mypy_cache .ruff_cache
