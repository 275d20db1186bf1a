# eqsash-api: every command a developer or CI needs. Each target builds its own
# virtual environment from the requirement files; nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8000
NODE_DEPS := tests/integration/node_modules/.package-lock.json

.PHONY: run test check fmt bench clean venv

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

# dynalite: the DynamoDB-compatible server the integration suite runs against.
$(NODE_DEPS): tests/integration/package.json tests/integration/package-lock.json
	npm ci --prefix tests/integration --no-audit --no-fund --loglevel=error

## Serve the API on 127.0.0.1:$(PORT) over an embedded DynamoDB-compatible server.
run: $(STAMP)
	PORT=$(PORT) exec $(PY) -m chalicelib.devserver

## Every test: unit, functional (moto) and integration (dynalite).
test: $(STAMP) $(NODE_DEPS)
	$(PY) -m pytest -q

## Lint, types, and a validation of every service module's declarations.
check: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy chalicelib app.py bench
	$(PY) -m chalicelib.registry --check

## Benchmarks against a bare Chalice floor, warm and cold: one table (medians of several rounds).
bench: $(STAMP)
	$(PY) -m bench

fmt: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) tests/integration/node_modules .pytest_cache .mypy_cache .ruff_cache
