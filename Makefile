# Business Region Örebro portal. The README names these targets.
SHELL := /bin/bash
PY := .venv/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))

APT_RUN := python3.11 python3-venv libsqlite3-mod-spatialite gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext binutils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core
APT_TEST := $(APT_RUN) postgresql-15 postgresql-15-postgis-3 chromium fonts-dejavu-core

.PHONY: run test ci install apt-run apt-test messages demo migrations-check lint format lock bench screenshots clean

## make run: install what is missing, set up the SpatiaLite database with demo data, serve on :8000
run: apt-run .venv/.installed messages var/secret_key
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) collectstatic --noinput -v 0
	@# The e-mail worker (brorebro.mail) runs beside gunicorn and stops with it.
	$(MANAGE) db_worker --no-reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	.venv/bin/gunicorn brorebro.wsgi -b $(HOST):$(PORT) -w $(WORKERS) --access-logfile -

## make test: the whole suite on PostGIS (own cluster if none is reachable) and SpatiaLite
test: apt-test .venv/.installed messages
	scripts/test.sh

ci: test

apt-run:
	@scripts/apt-ensure.sh $(APT_RUN)

apt-test:
	@scripts/apt-ensure.sh $(APT_TEST)

.venv/.installed: requirements.lock pyproject.toml
	test -x $(PY) || /usr/bin/python3.11 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: apt-test .venv/.installed messages

var/secret_key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

messages: .venv/.installed
	DJANGO_SETTINGS_MODULE= .venv/bin/django-admin compilemessages --ignore=.venv -v 0

demo:
	$(MANAGE) load_demo

migrations-check: .venv/.installed
	@# No database and no secret are needed to compare models with migrations.
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-migrations-check-only} $(MANAGE) makemigrations --check --dry-run

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

lock:
	$(PY) -m pip freeze --exclude-editable | sed '1i # Exact versions of every Python package (direct and transitive).\n# Regenerate after changing pyproject.toml: make lock' > requirements.lock

## make bench: national-scale benchmark on PostGIS; writes bench/RESULTS.md (not part of CI).
## BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--scale 0.001 --setup-only"
bench: apt-test .venv/.installed messages
	bench/run.sh $(BENCH_ARGS)

## make screenshots: README pictures from the demo data
screenshots: apt-test .venv/.installed messages
	scripts/screenshots.sh

clean:
	rm -rf var/static .pytest_cache
