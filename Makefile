# The two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench browser gettext wrk clean-var

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(PY) -m portal.run

# Browser tests use Debian's chromium; install it when we can (root), never download a browser.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "安装 Debian chromium（浏览器测试用）…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium 安装失败：浏览器测试将被跳过（CI 下为失败）"; \
	  else echo "未找到 chromium 且非 root：浏览器测试将被跳过（CI 下为失败）"; fi; \
	fi

# The untranslated-string test (tests/core/test_translations.py) runs makemessages, which needs GNU gettext's
# xgettext; install Debian's when we can (root). The catalogues themselves compile without it (compile_catalogues).
gettext:
	@if ! command -v xgettext >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "安装 Debian gettext（翻译检查用）…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null) || echo "gettext 安装失败：未翻译检查将被跳过（CI 下为失败）"; \
	  else echo "未找到 xgettext 且非 root：未翻译检查将被跳过（CI 下为失败）"; fi; \
	fi

# bench/load.py drives the load with Debian's wrk; install it when we can (root), else it uses its own generator.
wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "安装 Debian wrk（负载测试用）…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) || echo "wrk 安装失败：负载测试改用 Python 负载生成器"; \
	  else echo "未找到 wrk 且非 root：负载测试改用 Python 负载生成器"; fi; \
	fi

# With DEBUG off the settings refuse the development SECRET_KEY (issue 11): the checks get their own.
test: export SECRET_KEY ?= make-test-development-key-not-for-production-0123456789
test: export AUDIT_KEY ?= make-test-development-audit-key-not-for-production-0123456789
# The suite runs on TEST_WORKERS processes (pytest-xdist), each with its own test database and Redis
# database (portal/settings.py), a test module's tests on one worker (its module fixtures are built once).
TEST_WORKERS ?= 2
PYTEST_ARGS ?= -n $(TEST_WORKERS) --dist loadfile
test: $(VENV)/.dev-installed browser gettext wrk
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py compile_catalogues
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Migrates first, then every script in bench/ (bench/run.py; ENTITIES, RECORDS, PENALTIES set the sizes).
# `make test` runs the same steps at a small size (tests/test_bench_smoke.py).
bench: $(VENV)/.dev-installed wrk
	$(PY) bench/run.py
