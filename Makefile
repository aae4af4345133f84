# KIM Admin: `make run` to try it, `make test` for the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export KIMADMIN_ENV ?= development
FLASK  := $(BIN)/flask --app app

.PHONY: run demo test lint format bench load e2e translations extract-messages browser setup clean plugin-revision

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# The example external plugin is installed like any pip-installed plugin (non-editable): the
# tests find it through its entry point. Changing its files reinstalls it.
HELLO_PLUGIN := examples/kimadmin-hello-plugin
HELLO_FILES  := $(shell find $(HELLO_PLUGIN) -type f -not -path '*/__pycache__/*' 2>/dev/null)

$(VENV)/.dev: requirements.txt requirements-dev.txt $(HELLO_FILES) | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --force-reinstall --no-deps ./$(HELLO_PLUGIN)
	touch $@ $(VENV)/.runtime

## translations: compile the .po catalogues (the .mo files are build output)
translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d kimadmin/translations -D messages
	$(BIN)/pybabel compile -d kimadmin/translations -D admin
	$(BIN)/pybabel compile -d kimadmin/translations -D wtforms

## extract-messages: refresh messages.pot and merge it into each language
extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o kimadmin/translations/messages.pot .
	$(BIN)/pybabel update -i kimadmin/translations/messages.pot -d kimadmin/translations -D messages --no-fuzzy-matching --ignore-obsolete

setup: $(VENV)/.runtime translations
	$(FLASK) kim setup --province 33

## demo: setup, then the demo scenario (Karanganyar, Wonosobo) and demo users; idempotent, prints the logins
demo: setup
	$(FLASK) kim demo

## run: create .venv, install, migrate SQLite, load Jawa Tengah, first admin, demo data, serve :5000
run: demo
	$(FLASK) run --host 127.0.0.1 --port 5000

## browser: Debian's Chromium for the Playwright tests (installed when missing and we are root)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; fi; }

## test: the full suite (SQLite by default; TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)
test: $(VENV)/.dev translations browser
	KIMADMIN_ENV=testing $(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: $(VENV)/.dev translations browser
	KIMADMIN_ENV=testing $(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

## plugin-revision: next Alembic revision of a plugin's own branch, e.g. make plugin-revision PLUGIN=hello_world MSG="add place"
plugin-revision: $(VENV)/.runtime
	@test -n "$(PLUGIN)" -a -n "$(MSG)" || { echo 'usage: make plugin-revision PLUGIN=<id> MSG="what changed"' >&2; exit 2; }
	$(FLASK) kim plugins revision "$(PLUGIN)" -m "$(MSG)" --autogenerate

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: performance scripts; results are written to benchmarks/results/
bench: $(VENV)/.dev
	KIMADMIN_ENV=testing $(BIN)/python benchmarks/run.py

## load: 50 simulated officers for 2 minutes against gunicorn + PostgreSQL (report in benchmarks/results/load.md)
$(VENV)/.locust: | $(BIN)/python
	$(PYTHON) -m venv .venv-locust
	.venv-locust/bin/pip install --quiet locust==2.47.0
	touch $@

load: $(VENV)/.dev $(VENV)/.locust translations
	LOCUST=.venv-locust/bin/locust $(BIN)/python benchmarks/load_test.py

clean:
	rm -rf $(VENV) .venv-locust instance .pytest_cache
