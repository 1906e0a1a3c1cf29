# `make run` and `make test` work from a fresh clone with only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# What `make run` needs: development mode, the Lever sandbox on, and Lever's URLs pointed at it.
RUN_ENV := DEBUG=true LEVER_SANDBOX=true \
	LEVER_AUTH_URL=http://127.0.0.1:8000/lever-sandbox \
	LEVER_API_URL=http://127.0.0.1:8000/lever-sandbox/v1 \
	LEVER_AUDIENCE=http://127.0.0.1:8000/lever-sandbox/v1/

.PHONY: install run test lint check clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py sandbox_demo
	@echo ""
	@echo "  cezanne-lever is starting on http://127.0.0.1:8000/admin/"
	@echo "  Log in as alice / cezanne-demo, then open Integrations > Lever integrations > Add."
	@echo "  The Lever sandbox (admin@sandbox.lever / sandbox-password) is at"
	@echo "  http://127.0.0.1:8000/lever-sandbox/ ; its Webhooks page shows the signature token."
	@echo "  bob / cezanne-demo is the HR Professional: http://127.0.0.1:8000/hr/my-tasks/"
	@echo "  Ctrl+C stops the web server and the worker."
	@echo ""
	$(RUN_ENV) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install lint
	$(BIN)/python -m pytest

check: install
	$(RUN_ENV) $(BIN)/python manage.py check
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* test_db.sqlite3*
