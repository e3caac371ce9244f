# Pavilion: `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker test install lint messages bench demo clean

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

# The site and, in the background, the worker that sends its mail. The worker runs
# in a process group of its own (set -m), so Ctrl-C stops runserver only; the trap
# then stops the worker with SIGTERM, which lets it finish the message it is sending.
run: demo
	@echo "Pavilion is at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	@set -m; $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The worker alone, reloading on code changes when debugging (production: see README.md).
worker: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py db_worker

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
