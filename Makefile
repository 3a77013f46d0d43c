# Everything runs from the project's own virtualenv, built from the pinned lock file.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
STAMP   := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)
PYTEST_ARGS ?=

.PHONY: venv test lint fmt clean

venv: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

# Every test tier. pytest exits 5 when it collects nothing; that is not a failure of the suite.
test: venv
	$(PY) -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
