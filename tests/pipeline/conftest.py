"""Fixtures for the pipeline tests: real git+DVC sandboxes of the example flights pipeline.

The first sandbox is built once (two model fits) and kept in the sandbox cache folder; every test
that changes a sandbox gets its own copy, removed when the test ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlops_notebooks.pipeline import Pipeline, make_sandbox, open_pipeline

ROOT = Path(__file__).parents[2]


def run_dvc(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """DVC itself, as a user would run it, for comparisons."""
    return subprocess.run(
        [sys.executable, "-m", "dvc", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        # as `make pipeline` runs it: the environment's `python` first on PATH
        env={
            **os.environ,
            "DVC_NO_ANALYTICS": "1",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        },
    )


def dvc_json(folder: Path, *args: str) -> dict:
    done = run_dvc(folder, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout or "{}")


@pytest.fixture(scope="session")
def sandbox_template() -> Iterator[Path]:
    """The first sandbox: builds the cached template once; removed after the session."""
    if not (ROOT / "examples" / "dvc.lock").is_file():
        pytest.fail("example pipeline missing: run `make pipeline`")
    with make_sandbox() as made:
        yield made.path


@pytest.fixture(scope="session")
def shared(sandbox_template: Path) -> Pipeline:
    """A sandbox no test may change (read-only checks)."""
    return open_pipeline(sandbox_template)


@pytest.fixture
def sandbox(sandbox_template: Path) -> Iterator[Path]:
    """A private copy of the sandbox, checked out at v3, removed after the test."""
    with make_sandbox() as made:
        yield made.path
