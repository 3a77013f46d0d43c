# Everything runs from the project's own virtualenv, built from the pinned lock file.
# `make help` lists the targets: the text after `## ` on a target's line is its help.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
# Rebuilt when the lock changes, or the project's metadata (its console script) does.
STAMP   := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
PYTEST_ARGS ?=
STACK ?= dev
ARGS  ?=

# The lock names every package with its hashes, so the install needs nothing from pip's
# configuration files but an index, and what they add is the machine's, not the project's: an
# extra index or find-links there (a file:// mirror that lacks a package prints a warning per
# package) or a constraints file. So pip reads none of them here (PIP_CONFIG_FILE=/dev/null);
# the environment still counts: PIP_INDEX_URL for a mirror, HTTPS_PROXY, PIP_CERT.
PIP := PIP_CONFIG_FILE=/dev/null $(PY) -m pip --disable-pip-version-check

.DEFAULT_GOAL := help
.PHONY: help venv up preview destroy refresh pulumi emulator stop test lint fmt bench schema \
	clean reset

help: ## list the targets
	@echo "Usage: make TARGET [STACK=dev] [ARGS=\"pulumi arguments\"]"
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z][a-z-]*:[^#]*## / {printf "  %-9s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)
	@echo "STACK: the stack (default dev, the one with the emulator); FORCE=1: see make reset."

venv: $(STAMP) ## build .venv from requirements.lock and install this project into it (editable)

# The project itself goes in editable, without build isolation: its build backend
# (setuptools) is pinned in the lock, so nothing unpinned is fetched.
$(STAMP): requirements.lock pyproject.toml
	@echo "Building $(VENV) from requirements.lock ..." >&2
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --require-hashes -r requirements.lock
	@$(PIP) install --quiet --no-deps --no-build-isolation --editable .
	@rm -f $(VENV)/.installed-*
	@touch $@

up: venv ## the main job: Pulumi CLI, the emulator (dev), local state, `pulumi up` of STACK
	@$(PY) tools/stack.py up --stack $(STACK)

preview: venv ## `pulumi preview` of STACK, prepared as for make up
	@$(PY) tools/stack.py preview --stack $(STACK)

destroy: venv ## `pulumi destroy` of STACK (apps stay: MSGSMS cannot delete them)
	@$(PY) tools/stack.py destroy --stack $(STACK)

refresh: venv ## `pulumi refresh` of STACK: review decisions and console edits into the state
	@$(PY) tools/stack.py refresh --stack $(STACK)

pulumi: venv ## any pulumi command on STACK, run as make up runs it: ARGS="stack output"
	@$(PY) tools/stack.py pulumi --stack $(STACK) -- $(ARGS)

emulator: venv ## the emulator in the foreground on the dev stack's ports (Ctrl-C stops it)
	@$(PY) tools/stack.py emulator

# No venv needed: `make clean` removes it, and the tool uses the standard library only.
stop: ## stop the emulator that make up or make emulator started (its data stays)
	@$(PYTHON) tools/stack.py stop

# Every test tier. pytest exits 5 when it collects nothing; that is not a failure of the suite.
# The tests run on every core (pytest-xdist): most of their time is spent waiting on the
# processes they start (emulators, engines, provider hosts), so one core at a time left half of
# a two-core machine idle. TEST_WORKERS=0 runs them in this process, one at a time.
TEST_WORKERS ?= auto
test: venv ## every test tier on every core (PYTEST_ARGS="tests/program -q" for one)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS) || [ $$? -eq 5 ]

# BENCH_QUICK=1 for a short smoke run whose numbers go to a temporary directory.
bench: venv ## the benchmarks, about 40 minutes: bench/results/ and bench/RESULTS.md
	$(PY) -m bench

# ruff also formats the Python examples in Markdown; the docs keep theirs compact on purpose.
RUFF_FORMAT := $(BIN)/ruff format --extend-exclude '*.md'

lint: venv ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(RUFF_FORMAT) --check .
	$(BIN)/mypy

fmt: venv ## ruff format and ruff check --fix
	$(RUFF_FORMAT) .
	$(BIN)/ruff check --fix .

schema: venv ## write stacks/catalog.schema.json, the catalog's JSON Schema, from its models
	$(PY) -m providers schema --output stacks/catalog.schema.json

clean: ## stop the emulator; remove the venv and caches (keeps .emulator/ and .pulumi/)
	@$(PYTHON) tools/stack.py stop
	rm -rf $(VENV) .mypy_cache .ruff_cache build *.egg-info

reset: ## say what goes, then stop the emulator and delete .emulator/ and .pulumi/
	@$(PYTHON) tools/stack.py reset $(if $(FORCE),--force)
