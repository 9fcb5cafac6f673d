# Two commands for a newcomer: `make run` and `make test`. Everything else is their plumbing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEV_ENV := DEBUG=1

.PHONY: run test lint install browser-deps bench bench-scale bench-memory backup restore clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "newsroom needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_demo --accounts
	@echo "Serving on http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/). Ctrl-C stops."
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Debian's Chromium and the npm checkers (axe-core, vnu-jar, sitemap schema) for the browser tests.
browser-deps:
	@bash scripts/browser-deps.sh

test: install lint browser-deps
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install
	@bash scripts/bench.sh

# 100,000 stories on PostgreSQL (a scratch database, kept for the next run; REBUILD=1, DROP=1)
# and every page's cost and queries at that size, written to docs/benchmarks.md.
bench-scale: install
	@bash scripts/bench_scale.sh

# A gunicorn worker's resident memory after 1,000 mixed reader requests (budget 64 MiB).
bench-memory: install
	@bash scripts/memory.sh

# The database and MEDIA_ROOT into backups/<UTC time>/, with the site's environment (see README).
backup: install
	$(PY) manage.py backup

# make restore FROM=backups/<time> [FORCE=1]: FORCE replaces a database that is not empty.
restore: install
	@test -n "$(FROM)" || { echo "Say which backup: make restore FROM=backups/<time> [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py restore $(if $(FORCE),--force) "$(FROM)"

clean:
	rm -rf $(VENV) node_modules staticfiles
