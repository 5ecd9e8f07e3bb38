# taizhang — the two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The demo and the tests run as a development machine (DEBUG on, dev secret allowed).
DEV    := DEBUG=1 TAIZHANG_DEV=1

.PHONY: demo setup install serve test test-prereqs test-fast lint messages clean bench

demo: setup serve

# Idempotent: a second run leaves the same database.
setup: install
	$(DEV) $(BIN)/taizhang load-scenario qianan-2022

# Virtualenv, this installation's secret key, a migrated database, no data: where a county of
# its own starts (README, "Start your own county").
install: $(VENV)/.installed
	@mkdir -p var
	@test -s var/secret_key || (umask 077 && $(BIN)/python -c \
	  "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key)
	$(DEV) $(BIN)/taizhang migrate --no-input -v 0

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# The demo runs like production (no tracebacks, DEBUG off) but over plain http on loopback;
# TAIZHANG_DEV=1 says it is not production (taizhang.wsgi refuses unsafe production settings).
# A background worker (imports, large exports: the database queue) runs beside the web
# server; Ctrl-C stops both.
SERVE_ENV := DEBUG=0 TAIZHANG_DEV=1 ALLOWED_HOSTS=$(HOST),localhost SESSION_COOKIE_SECURE=0 \
  CSRF_COOKIE_SECURE=0
serve:
	@echo "taizhang is serving on http://$(HOST):$(PORT)/ with a background worker  (Ctrl-C stops both)"
	@$(SERVE_ENV) $(BIN)/taizhang worker -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(SERVE_ENV) $(BIN)/taizhang runserver --insecure $(HOST):$(PORT)

# The full suite: unit, integration and browser tests. DATABASE_URL selects PostgreSQL.
# First, what it needs outside Python (Chromium, CJK fonts, gettext): installed when root
# with apt-get, else it stops at once with the command to run. TEST_WORKERS test processes
# (pytest-xdist), each with its own test database, browser and live server: three on 2 cores
# finish sooner than two, as they often wait on a subprocess, the browser or a server.
TEST_WORKERS ?= 3
test: test-prereqs $(VENV)/.installed
	$(DEV) $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup

test-prereqs:
	@sh scripts/check_test_prereqs.sh

test-fast: $(VENV)/.installed
	$(DEV) $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup -m "not browser"

# Run by .ci/run before the tests: style, types of every package, system checks, and no model
# change without its migration.
lint: $(VENV)/.installed
	@mkdir -p var  # makemigrations --check opens the default database: var/ on a fresh clone
	$(BIN)/ruff check .
	$(DEV) $(BIN)/mypy taizhang
	$(DEV) $(BIN)/python -m pytest -q -p no:cacheprovider tests/architecture
	$(DEV) $(BIN)/taizhang check
	$(DEV) $(BIN)/taizhang makemigrations --check --dry-run

# The benchmarks against their peers and floors, on SQLite and PostgreSQL (if one answers):
# var/bench/results.json and docs/benchmarks.md. About 30 minutes; DEBUG stays off inside.
bench: $(VENV)/.installed
	$(DEV) $(BIN)/python -m benchmarks.run

# Refresh the Chinese catalogue after adding strings (needs GNU gettext).
messages: $(VENV)/.installed
	cd taizhang && $(DEV) ../$(BIN)/taizhang makemessages -l zh_Hans --no-obsolete --no-location
	cd taizhang && $(DEV) ../$(BIN)/taizhang compilemessages -l zh_Hans

clean:
	rm -rf var/taizhang.sqlite3* var/media var/static
