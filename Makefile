# Everything runs from the project's own virtualenv, built from the pinned lock file.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
STAMP   := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)
PYTEST_ARGS ?=

.PHONY: venv test lint fmt clean up preview destroy refresh emulator bench

venv: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

STACK ?= dev

# The main job: pinned venv, Pulumi CLI, the emulator (dev stack), local state, `pulumi up`.
up: venv
	$(PY) tools/stack.py up --stack $(STACK)

preview: venv
	$(PY) tools/stack.py preview --stack $(STACK)

destroy: venv
	$(PY) tools/stack.py destroy --stack $(STACK)

refresh: venv
	$(PY) tools/stack.py refresh --stack $(STACK)

# The emulator in the foreground, on the dev stack's fixed ports, state in .emulator/; the
# start-up line is kept in .emulator/startup.json so that `make up` can reuse this emulator.
emulator: venv
	@mkdir -p .emulator
	$(PY) -m emulator serve --host 127.0.0.1 --port 8790 --data-dir .emulator | tee .emulator/startup.json

# Every test tier. pytest exits 5 when it collects nothing; that is not a failure of the suite.
test: venv
	$(PY) -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Benchmarks: results in bench/results/<date>-<host>.json and bench/RESULTS.md (about 5 minutes);
# BENCH_QUICK=1 for a short smoke run whose numbers go to a temporary directory.
bench: venv
	$(PY) -m bench

# ruff also formats the Python examples in Markdown; the docs keep theirs compact on purpose.
RUFF_FORMAT := $(BIN)/ruff format --extend-exclude '*.md'

lint: venv
	$(BIN)/ruff check .
	$(RUFF_FORMAT) --check .
	$(BIN)/mypy

fmt: venv
	$(RUFF_FORMAT) .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
