# The two commands a user needs: `make run` and `make test`. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup clean bench

$(STAMP): requirements-dev.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Cần Python 3.11 trở lên (Python 3.11+ is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/tracker seed-demo --users
	$(BIN)/tracker projections run --once
	$(BIN)/tracker serve --demo --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every quality bar of DESIGN.md §9 measured in one run (bench/README.md). BENCH_ARGS=--quick for
# the short form, e.g. `make bench BENCH_ARGS="--quick --backends sqlite"`.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info
