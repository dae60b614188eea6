# The two commands a user needs: `make run` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
NODE_STAMP := node_modules/.installed-$(shell cat package.json | cksum | cut -d' ' -f1)

.PHONY: run test lint bench install node clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Node tools: zbctl (the official CLI, a second client in the tests), bpmn-js for the console,
# @camunda/linting for the diagrams. Optional for `make run`: without npm the console shows all but
# the diagram.
$(NODE_STAMP): package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --no-audit --no-fund --loglevel=error && npm run --silent build:lint \
	    && rm -f node_modules/.installed-* && touch $@; \
	else echo "npm not found: skipping zbctl, bpmn-js and the diagram linter"; fi

node: $(NODE_STAMP)

run: $(STAMP)
	-@$(MAKE) --no-print-directory node
	$(VENV)/bin/shenhou up

test: $(STAMP) node
	@./tools/install-chromium.sh
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy engine domain workers api shenhou
	@if command -v npm >/dev/null 2>&1; then npm run --silent lint:bpmn; fi

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules data .pytest_cache .mypy_cache .ruff_cache
