# coopqualite — the two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The links of the demo's e-mails follow the address the portal is served on (`make demo PORT=8080`).
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: demo test install install-dev lint serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed requirements are stamped so that a second `make` does not reinstall.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: install, migrate, load the demo cooperative and serve the portal on http://$(HOST):$(PORT)
demo: install
	mkdir -p var
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Portail : http://$(HOST):$(PORT)/   (Ctrl+C pour arrêter)"
	@echo ""
	DEBUG=true SITE_URL=$(SITE_URL) TASKS_IN_THREADS=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install what the tests need, run the static gates and the suite
test: install-dev
	bash scripts/install_browser_deps.sh
	scripts/test.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
