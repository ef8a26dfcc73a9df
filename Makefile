# Two commands on a fresh machine: `make run` and `make test`. Everything else they need is here.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST := 127.0.0.1
PORT := 8000

.PHONY: help install run test lint test-production test-storage e2e cluster bench load messages

help:
	@echo "make run    install, migrate, load demo data, serve on http://$(HOST):$(PORT)/ with a worker"
	@echo "make test   install, lint and run every test"
	@echo "make test-production  the suite again with production settings"
	@echo "make test-storage     the storage tests against a local S3 server"
	@echo "make e2e    browser tests (Chromium from Debian: apt-get install -y chromium)"
	@echo "make cluster  two app servers (gunicorn) on one PostgreSQL, a worker, object storage"
	@echo "make bench  benchmark: page timings, PDF time and memory, every UN member State at once"
	@echo "make load   gunicorn under wrk's 50 connections, a page at a time (apt-get install -y wrk)"
	@echo "make messages  update the five catalogs from the code and compile them (apt-get install -y gettext)"

# Re-installs only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,prod]'
	@touch $@

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	DJANGO_SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py seed_demo
	@echo "Serving R2P Assess on http://$(HOST):$(PORT)/ with one worker (Ctrl+C stops both)"
	@# The worker beside the server, not inside runserver's reloaded child; if either stops,
	@# the other is stopped too.
	@export DJANGO_SITE_URL=http://$(HOST):$(PORT); \
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# After a change to the interface's words: each catalog gains the new messages (to translate in
# the same commit: a test fails on any untranslated or fuzzy one) and is compiled. The .mo files
# are committed, so that running the app never needs GNU gettext.
LOCALES := fr es ar ru zh_Hans
messages: install
	$(PY) manage.py makemessages $(foreach l,$(LOCALES),-l $(l)) -i .venv -i 'tests/*' -i 'docs/*' \
		--no-location
	$(PY) manage.py compilemessages $(foreach l,$(LOCALES),-l $(l)) -i .venv

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint templates
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest

# The suite once more as production runs: DEBUG off, hashed static files from collectstatic,
# HTTPS cookies, the deploy-time settings checks. For the test client: its host, no SSL
# redirect; an SMTP host (the suite's emails stay in memory) and SQLite on purpose.
PRODUCTION_ENV := DJANGO_ENV=production DJANGO_ALLOWED_HOSTS=testserver \
	DJANGO_SECRET_KEY=not-a-secret-only-for-the-production-settings-test-run-0123456789 \
	DJANGO_SECURE_SSL_REDIRECT=0 EMAIL_HOST=127.0.0.1 DJANGO_ALLOW_SQLITE=1

test-production: install
	$(PRODUCTION_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PRODUCTION_ENV) HYPOTHESIS_PROFILE=dev $(VENV)/bin/pytest

# The tests of stored files once more against object storage: a local S3 server (moto) on
# loopback, a bucket for each test.
STORAGE_TESTS := tests/test_report_download.py tests/test_rendering.py tests/test_queue.py \
	tests/test_healthz.py tests/test_evidence_view.py tests/test_exports.py tests/test_import.py

test-storage: install
	R2P_TEST_STORAGE=s3 $(VENV)/bin/pytest $(STORAGE_TESTS)

# Browser tests, left out of `make test`: naming tests/e2e collects it despite the
# `--ignore=tests/e2e` in pyproject's addopts (pytest never ignores a path it is given).
e2e: install
	$(VENV)/bin/pytest tests/e2e

# Past one machine, over HTTP: two app servers (gunicorn, production settings) on a throwaway
# PostgreSQL database, one worker and a local S3 server, each a process of its own. What one
# server saves, the worker renders and the other serves; a session is good on both; /healthz
# names what failed. Left out of `make test` as e2e is; needs PostgreSQL at 127.0.0.1:5432.
cluster: install
	$(VENV)/bin/pytest tests/cluster

# A benchmark, not a test: page timings against a trivial view, the PDF's time and peak memory,
# then the reviewer's pages with 193 States x 10 cycles (the scale run), in throwaway databases.
# The last line printed is JSON, every figure of both.
bench: install
	$(PY) manage.py bench

# A load run, not a test: gunicorn (2 sync workers, production settings) on a throwaway
# database with the demo data, under wrk (Debian: apt-get install -y wrk) with 50 connections
# for 20 s a page, then the section page again while the worker renders reports. Prints
# req/s, p50, p99 and errors a page; the last line printed is JSON, every figure.
load: install
	$(PY) manage.py load
