# Two entry points for a fresh clone: `make run` and `make test`.  Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The web form's front-end assets: govuk-frontend, sass and axe-core from npm, compiled into the
# html plugin's (gitignored) static folder.  Nothing is fetched when the server runs.
ASSETS := plugins/surveykit_html/assets
ASSETS_STAMP := plugins/surveykit_html/static/.built-stamp
# SurveyJS's form model from npm, the baseline benchmarks/engine.py times spec loading against.
BENCH_JS := benchmarks/surveyjs
BENCH_JS_STAMP := $(BENCH_JS)/node_modules/.installed-stamp
# The port `make run` serves on: `make run PORT=8080` when 8000 is taken.
PORT ?= 8000
# `make run` reopens Taking Stock (closed 13 March 2015) for a demonstration: 30 days from today.
OPEN_UNTIL = $(shell $(PYTHON) -c "import datetime as d; print(d.date.today() + d.timedelta(days=30))")

.PHONY: run test lint docs bench bench-deps assets chromium screenshots clean catalogues

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,docs]"
	touch $(STAMP)

$(ASSETS_STAMP): $(ASSETS)/package.json $(ASSETS)/package-lock.json $(ASSETS)/build.mjs $(wildcard $(ASSETS)/src/*)
	cd $(ASSETS) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	touch $(ASSETS_STAMP)

assets: $(ASSETS_STAMP)

$(BENCH_JS_STAMP): $(BENCH_JS)/package.json $(BENCH_JS)/package-lock.json
	cd $(BENCH_JS) && npm ci --no-audit --no-fund --loglevel=error
	touch $(BENCH_JS_STAMP)

bench-deps: $(BENCH_JS_STAMP)

run: $(STAMP) $(ASSETS_STAMP)
	$(VENV)/bin/surveykit serve specs/taking_stock.toml --db sqlite:///taking-stock.db --open-until $(OPEN_UNTIL) --port $(PORT)

test: chromium $(STAMP) $(ASSETS_STAMP) $(BENCH_JS_STAMP)
	$(PY) -m pytest

# The browser tests drive Debian's chromium; install it when it is missing (needs root).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Refresh the screenshots of the web form in docs/images/web/ from a real browser run.
screenshots: $(STAMP) $(ASSETS_STAMP)
	SURVEYKIT_DOCS_SCREENSHOTS=1 $(PY) -m pytest -q tests/web/test_web_browser.py -k "not no-js"

# The software's own words (docs/languages.md, "For translators"): for each catalogue domain,
# the core's (src/surveykit) and each plugin's with a locale/ folder, extract the messages its
# code and templates mark (babel.cfg; the -k functions are surveykit.i18n.EXTRACT_KEYWORDS)
# and bring its English and Welsh .po files up to date: new messages added with no
# translation, gone ones dropped, every translation kept.  Then translate what is new.
BABEL_KEYWORDS := -k _ -k gettext -k ngettext:1,2 -k pgettext:1c,2 -k mark -k phrase -k phrase_n:1,2
CATALOGUE_DIRS := src/surveykit $(patsubst %/locale,%,$(wildcard plugins/*/locale))
CATALOGUE_LANGUAGES ?= en cy

catalogues: $(STAMP)
	@set -e; for dir in $(CATALOGUE_DIRS); do \
	  domain=$$(basename $$dir); pot=$$(mktemp --suffix=.pot); \
	  $(VENV)/bin/pybabel extract -F babel.cfg --no-default-keywords $(BABEL_KEYWORDS) \
	    --add-comments=TRANSLATORS: --sort-by-file --project=surveykit --width=99 -o $$pot $$dir; \
	  for lang in $(CATALOGUE_LANGUAGES); do \
	    $(VENV)/bin/pybabel update -D $$domain -i $$pot -d $$dir/locale -l $$lang \
	      --init-missing --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --width=99; \
	  done; \
	  rm -f $$pot; echo "$$dir/locale: $$domain updated"; \
	done

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

bench: $(STAMP) $(ASSETS_STAMP) $(BENCH_JS_STAMP)
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/check_command.py
	$(PY) benchmarks/interchange.py
	$(PY) benchmarks/retention.py
	$(PY) benchmarks/http.py
	$(PY) benchmarks/storage.py
	$(PY) benchmarks/email_replies.py
	$(PY) benchmarks/email_ingest.py
	$(PY) benchmarks/sqlite_growth.py
	$(PY) benchmarks/report.py
	$(PY) benchmarks/disclosure_audit.py
	$(PY) benchmarks/imports.py

clean:
	rm -rf $(VENV) site build plugins/surveykit_html/static $(ASSETS)/node_modules $(BENCH_JS)/node_modules
