# mlops-notebooks — everything a fresh machine with Python 3.11 and make needs.
#   make demo   set up .venv from the lock file, build the example pipeline, run the main notebook
#   make test   the whole test suite, executing every notebook
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
KERNEL := mlops-notebooks
# pip on these machines warns about missing local indexes; hide that noise, keep pip's exit status.
FILTER := 2>&1 | { grep -v '^WARNING: Location' || true; }; test $${PIPESTATUS[0]} -eq 0
export MPLBACKEND := Agg
export DO_NOT_TRACK := 1
export DVC_NO_ANALYTICS := 1
export EVIDENTLY_DISABLE_TELEMETRY := 1

.PHONY: help install demo pipeline test test-fast lint lock bench clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: requirements.lock pyproject.toml src/mlops_notebooks/rl/_steprec.c
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock $(FILTER)
	$(PIP) install --no-deps --no-build-isolation -e . $(FILTER)
	$(BIN)/python -c "import mlops_notebooks, papermill, polars, dvc" # fail loudly if the install did not take
	@$(BIN)/python -c "import mlops_notebooks.rl._steprec" 2>/dev/null || echo "note: the RL recorder's C part was not built (no C compiler?): it records in Python, slower, same table"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (mlops-notebooks)" >/dev/null
	@touch $@

install: $(BIN)/.installed  ## create .venv from requirements.lock and register its Jupyter kernel

pipeline: install  ## build the example data and model with DVC (dvc repro examples/dvc.yaml)
	PATH="$(abspath $(BIN)):$$PATH" dvc repro examples/dvc.yaml

demo: pipeline  ## run the main notebook on the example data and print the HTML report path
	@$(BIN)/mlops-nb run data_exploration_mlops --kernel $(KERNEL) --progress > .demo-report-path
	@echo "HTML report: $$(cat .demo-report-path)"; rm -f .demo-report-path

test: pipeline  ## run the whole test suite, notebooks included
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -n 2 --dist loadgroup

test-fast: install  ## tests that need neither servers nor notebooks
	$(BIN)/python -m pytest -n 2 -m "not notebook and not server"

lint: install  ## ruff, mypy and the notebook output check
	$(BIN)/ruff check src tests benchmarks scripts examples
	$(BIN)/ruff format --check src tests benchmarks scripts examples
	$(BIN)/mypy
	$(BIN)/nbstripout --verify notebooks/*.ipynb

lock: install  ## re-resolve requirements.lock from pyproject.toml (all extras)
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 -o requirements.lock

bench:  ## benchmark environment with the peer tools (evidently, ydata-profiling)
	@test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip -q install -r benchmarks/requirements-bench.lock
	@echo "run e.g.: .venv-bench/bin/python benchmarks/bench_profile.py --rows 1000000"

clean:  ## remove environments and generated reports (not the DVC cache)
	rm -rf $(VENV) .venv-bench reports .pytest_cache
