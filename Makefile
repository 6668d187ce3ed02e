# Two entry points for a fresh clone: `make run` and `make test`.  Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The web form's front-end assets: govuk-frontend, sass and axe-core from npm, compiled into the
# html plugin's (gitignored) static folder.  Nothing is fetched when the server runs.
ASSETS := plugins/surveykit_html/assets
ASSETS_STAMP := plugins/surveykit_html/static/.built-stamp
# The port `make run` serves on: `make run PORT=8080` when 8000 is taken.
PORT ?= 8000
# `make run` reopens Taking Stock (closed 13 March 2015) for a demonstration: 30 days from today.
OPEN_UNTIL = $(shell $(PYTHON) -c "import datetime as d; print(d.date.today() + d.timedelta(days=30))")

.PHONY: run test lint docs bench assets chromium screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,docs]"
	touch $(STAMP)

$(ASSETS_STAMP): $(ASSETS)/package.json $(ASSETS)/package-lock.json $(ASSETS)/build.mjs $(wildcard $(ASSETS)/src/*)
	cd $(ASSETS) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	touch $(ASSETS_STAMP)

assets: $(ASSETS_STAMP)

run: $(STAMP) $(ASSETS_STAMP)
	$(VENV)/bin/surveykit serve specs/taking_stock.toml --db sqlite:///taking-stock.db --open-until $(OPEN_UNTIL) --port $(PORT)

test: chromium $(STAMP) $(ASSETS_STAMP)
	$(PY) -m pytest

# The browser tests drive Debian's chromium; install it when it is missing (needs root).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Refresh the screenshots of the web form in docs/images/web/ from a real browser run.
screenshots: $(STAMP) $(ASSETS_STAMP)
	SURVEYKIT_DOCS_SCREENSHOTS=1 $(PY) -m pytest -q tests/web/test_web_browser.py -k "not no-js"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

bench: $(STAMP) $(ASSETS_STAMP)
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/http.py
	$(PY) benchmarks/storage.py
	$(PY) benchmarks/email_replies.py
	$(PY) benchmarks/email_ingest.py
	$(PY) benchmarks/sqlite_growth.py
	$(PY) benchmarks/report.py
	$(PY) benchmarks/disclosure_audit.py
	$(PY) benchmarks/imports.py

clean:
	rm -rf $(VENV) site build plugins/surveykit_html/static $(ASSETS)/node_modules
