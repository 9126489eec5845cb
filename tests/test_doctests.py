"""Every docstring example in ``src/`` runs as a doctest, from the project root.

The examples use the example data (catalog names such as ``flights_raw``), so they run where
``make pipeline`` built it, as the notebook tests do. Lines marked ``# doctest: +SKIP`` are the
only ones not run, and only where an example executes a whole notebook (``SKIP_ALLOWED``).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import mlops_notebooks

ROOT = Path(__file__).parents[1]
SOURCE = Path(mlops_notebooks.__file__).parent
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Examples that execute a whole notebook in a kernel (a minute or more); tests/runner runs them.
SKIP_ALLOWED = ["mlops_notebooks.runner.execute.run_notebook"]
# Known gap (merge of the pipeline branch): these examples name a git sandbox (``project``,
# ``sandbox``) they never build, or run DVC stages in ``examples/`` and print nothing expected.
# They must become self-contained; strict xfail fails as soon as a module's examples pass.
PENDING = frozenset(
    {
        "mlops_notebooks.pipeline.api",
        "mlops_notebooks.pipeline.compare",
        "mlops_notebooks.pipeline.debug",
        "mlops_notebooks.pipeline.diffs",
        "mlops_notebooks.pipeline.inputs",
        "mlops_notebooks.pipeline.project",
        "mlops_notebooks.pipeline.run",
        "mlops_notebooks.pipeline.status",
    }
)


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
CASES = [
    pytest.param(name, marks=pytest.mark.xfail(name in PENDING, reason="pending", strict=True))
    for name in MODULES
]


def test_examples_were_found() -> None:
    assert "mlops_notebooks.data.load" in MODULES
    assert len(MODULES) >= 10


@pytest.mark.parametrize("name", CASES)
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
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
