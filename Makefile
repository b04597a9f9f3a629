# CSHub: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
STATIC_STAMP := frontend/build/.built
COLLECT_STAMP := var/static/.collected

.PHONY: install demo region-demo test lint typecheck audit check browser browser-check clean

install: $(PY_STAMP) $(NODE_STAMP) $(STATIC_STAMP) $(COLLECT_STAMP)

$(PY_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STATIC_STAMP): $(NODE_STAMP) frontend/build.mjs
	node frontend/build.mjs

$(COLLECT_STAMP): $(PY_STAMP) $(STATIC_STAMP) $(shell find cshub -path '*/static/*' -type f 2>/dev/null)
	CSHUB_DEMO=1 $(BIN)/cshub collectstatic --noinput --verbosity 0
	touch $@

demo: install
	CSHUB_DEMO=1 $(BIN)/cshub demo

# Three synthetic hubs and the region, each its own server on 127.0.0.1:8000-8003 (docs/region.md).
region-demo: install
	CSHUB_DEMO=1 $(BIN)/cshub demo --region

test: install
	$(BIN)/pytest -n 2 -p xdist

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy cshub

# bandit over cshub/, then pip-audit and npm audit against their vulnerability databases:
# a finding fails; a database that cannot be reached is said to be "not checked" and does not
# (tools/audit.py --require-database makes it fail; see docs/operations.md).
audit: install
	$(BIN)/python tools/audit.py

check: lint typecheck audit test

browser: install
	node frontend/browser-check.mjs

# The intelligence network drawing, against a running demo (CSHUB_URL): see docs/intelligence.md.
browser-check: install
	node tools/network-check.mjs

clean:
	rm -rf $(VENV) node_modules frontend/build var/static
