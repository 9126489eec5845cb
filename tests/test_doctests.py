"""Every docstring example in ``src/`` runs as a doctest, from the project root.

The examples use the example data (catalog names such as ``flights_raw``), so they run where
``make pipeline`` built it, as the notebook tests do; the pipeline examples build their own
sandbox of it (``make_sandbox()``) and must leave no folder behind. Lines marked
``# doctest: +SKIP`` are the only ones not run, and only where an example executes a whole
notebook (``SKIP_ALLOWED``).
"""

from __future__ import annotations

import doctest
import gc
import importlib
import os
import pkgutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import mlops_notebooks
from mlops_notebooks.pipeline.sandbox import CACHE_VARIABLE, sandbox_cache

ROOT = Path(__file__).parents[1]
SOURCE = Path(mlops_notebooks.__file__).parent
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Examples that execute a whole notebook in a kernel (a minute or more); tests/runner runs them.
SKIP_ALLOWED = ["mlops_notebooks.runner.execute.run_notebook"]


def _modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages([str(SOURCE)], "mlops_notebooks.")
        if not info.name.endswith("__main__")  # running it would run the CLI
    )


def _examples(module: ModuleType) -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [test for test in finder.find(module, globs=vars(module).copy()) if test.examples]


MODULES = [name for name in _modules() if _examples(importlib.import_module(name))]


def test_examples_were_found() -> None:
    assert "mlops_notebooks.data.load" in MODULES
    assert len(MODULES) >= 10


@pytest.fixture
def temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The examples' temporary folders (sandboxes among them) go here; none may be left.

    The built sandbox template stays where it is, so it is not rebuilt. Checked at teardown:
    pytest holds an unraisable warning of the call (and with it the call's frames and the
    objects they reference) until the call phase ends.
    """
    monkeypatch.setenv(CACHE_VARIABLE, os.environ.get(CACHE_VARIABLE) or str(sandbox_cache()))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path
    gc.collect()
    assert sorted(path.name for path in tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(
    name: str, monkeypatch: pytest.MonkeyPatch, temporary_folder: Path
) -> None:
    if not (ROOT / "examples" / "data" / "processed" / "flights.parquet").exists():
        pytest.fail("example data missing: run `make pipeline` (make test does it first)")
    monkeypatch.chdir(ROOT)
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report: list[str] = []
    module = importlib.import_module(name)
    results = [runner.run(test, out=report.append) for test in _examples(module)]
    assert sum(result.failed for result in results) == 0, "\n".join(report)


def test_only_whole_notebook_runs_are_skipped() -> None:
    skipped = sorted(
        test.name
        for name in MODULES
        for test in _examples(importlib.import_module(name))
        if any(example.options.get(doctest.SKIP) for example in test.examples)
    )
    assert skipped == SKIP_ALLOWED
