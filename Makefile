# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
DOMAINS := portal partners catalog deal_registration orders enablement

.PHONY: demo test install install-test translations catalog benchmark

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	$(MAKE) --no-print-directory catalog

install-test: $(BIN)/python .venv-localstripe/bin/localstripe
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	$(MAKE) --no-print-directory catalog

# The Stripe-protocol server the payment tests talk to, in a venv of its own (its pins are its own).
.venv-localstripe/bin/localstripe:
	$(PYTHON) -m venv .venv-localstripe
	.venv-localstripe/bin/pip install -q localstripe

# Compiled message catalogs are build output: made here, never committed.
catalog:
	$(BIN)/pybabel compile --statistics -d portal/translations

# Re-extract the strings after changing user-visible text, then translate the new ones.
translations:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o portal/translations/messages.pot $(DOMAINS)
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

# Installs, migrates, seeds the demo data and serves the portal and its scheduler.
demo: install
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) demo seed
	FLASK_DEBUG=1 SCHEDULER_INTERVAL_SECONDS=60 bash -c \
		'$(FLASK) scheduler & trap "kill $$!" EXIT; $(FLASK) run --host 127.0.0.1 --port 5000'

# The whole suite, once on SQLite and once on PostgreSQL (installed and started when missing).
test: install-test
	url=$$(bin/ensure-test-services) && \
	$(BIN)/python -m pytest && \
	TEST_DATABASE_URL=$$url $(BIN)/python -m pytest

benchmark: install-test
	$(BIN)/python benchmarks/http.py
