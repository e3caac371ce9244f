# Pavilion: `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint messages bench demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || "$$(./scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null \
	  || $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# The HTML checker the tests use (needs npm; without it those tests skip locally).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	  else echo "npm not found: the HTML validity test will be skipped"; fi

install: $(VENV)/.installed node_modules/.installed

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py demo_staff

run: demo
	@echo "Pavilion is at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench

# Refresh the Japanese catalogue after changing UI strings (needs GNU gettext).
messages: install
	cd src/pavilion && ../../$(PY) ../../manage.py makemessages -l ja --no-obsolete --no-location
	cd src/pavilion && ../../$(PY) ../../manage.py compilemessages -l ja

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
