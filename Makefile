# Two commands on a fresh machine: `make run` and `make test`. Everything else they need is here.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST := 127.0.0.1
PORT := 8000

.PHONY: help install run test lint e2e bench

help:
	@echo "make run    install, migrate, load demo data and serve on http://$(HOST):$(PORT)/"
	@echo "make test   install, lint and run every test"
	@echo "make e2e    browser tests (Chromium from Debian: apt-get install -y chromium)"
	@echo "make bench  benchmark: page timings, PDF time and memory, every UN member State at once"

# Re-installs only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	DJANGO_SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py seed_demo
	@echo "Serving R2P Assess on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint templates
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest

# Browser tests, left out of `make test`: naming tests/e2e collects it despite the
# `--ignore=tests/e2e` in pyproject's addopts (pytest never ignores a path it is given).
e2e: install
	$(VENV)/bin/pytest tests/e2e

# A benchmark, not a test: page timings against a trivial view, the PDF's time and peak memory,
# then the reviewer's pages with 193 States x 10 cycles (the scale run), in throwaway databases.
# The last line printed is JSON, every figure of both.
bench: install
	$(PY) manage.py bench
