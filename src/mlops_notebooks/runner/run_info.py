"""A run's record, ``run.json``: what ran, with what, on which data and code, and how it ended.

The runner fills a :class:`RunStart` before the kernel starts, runs the kernel inside
:func:`run_environment` (so ``load_dataset`` and ``record`` in the kernel write into the run
folder), then calls :func:`write_run_record`. Package versions and the git state are cheap to
read and never fail a run: a missing git or package is recorded as ``None``.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from mlops_notebooks import _run_context
from mlops_notebooks._io import write_text_atomic

__all__ = [
    "GIT_TIMEOUT_SECONDS",
    "PACKAGES",
    "RUN_RECORD_FILE",
    "RUN_RECORD_VERSION",
    "RunStart",
    "git_state",
    "run_environment",
    "versions",
    "write_run_record",
]

RUN_RECORD_FILE = "run.json"
RUN_RECORD_VERSION = 1

#: Distributions whose versions decide what a notebook computes; recorded in every run.json.
PACKAGES = (
    "mlops-notebooks",
    "papermill",
    "numpy",
    "pandas",
    "polars",
    "pyarrow",
    "scipy",
    "scikit-learn",
    "matplotlib",
)
GIT_TIMEOUT_SECONDS = 20


def versions() -> dict[str, str | None]:
    """Python's version and the installed version of each of :data:`PACKAGES` (``None``: absent).

    Examples
    --------
    >>> found = versions()
    >>> found["python"] == platform.python_version()
    True
    """
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_state(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The commit checked out in the git repository holding ``folder``, and whether it is dirty.

    Parameters
    ----------
    folder : path-like
        Any folder inside the repository (the runner passes the notebook's folder).

    Returns
    -------
    dict
        ``commit`` (full SHA, or ``None`` outside a repository or without git) and ``dirty``
        (``True`` when tracked files differ from the commit; untracked files such as reports do
        not count; ``None`` when unknown).

    Examples
    --------
    >>> sorted(git_state("."))
    ['commit', 'dirty']
    """
    commit = _git(folder, "rev-parse", "--verify", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def _git(folder: str | os.PathLike[str], *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(Path(folder)), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@dataclass(frozen=True)
class RunStart:
    """What the runner knows about a run before its kernel starts.

    Attributes
    ----------
    source : pathlib.Path
        The notebook.
    work_dir, final_dir : pathlib.Path
        The hidden folder the run is written in, and its name once complete.
    parameters : dict
        Every parameter with the value used.
    kernel : str
        The Jupyter kernel.
    no_input : bool
        Whether the HTML report hides code.
    started_at : datetime
        UTC start time.
    git : dict
        :func:`git_state` of the notebook's folder.
    """

    source: Path
    work_dir: Path
    final_dir: Path
    parameters: dict[str, Any]
    kernel: str
    no_input: bool
    started_at: datetime
    git: dict[str, Any]


@contextlib.contextmanager
def run_environment(run_dir: Path) -> Iterator[None]:
    """Tell a kernel started inside this block (a child process) where the run folder is."""
    previous = os.environ.get(_run_context.RUN_DIR_ENV)
    os.environ[_run_context.RUN_DIR_ENV] = str(run_dir.resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(_run_context.RUN_DIR_ENV, None)
        else:
            os.environ[_run_context.RUN_DIR_ENV] = previous


def write_run_record(
    run: RunStart, duration: float, error: dict[str, Any] | None
) -> dict[str, Any]:
    """Write ``results.json`` and ``run.json`` into the work folder, then move it into place.

    Parameters
    ----------
    run : RunStart
        The run.
    duration : float
        Wall time of execution and export, in seconds.
    error : dict or None
        The failing cell (``cell_index``, ``execution_count``, ``ename``, ``evalue``).

    Returns
    -------
    dict
        The record written to ``run.json``.
    """
    from mlops_notebooks._render import dumps

    results_file = run.work_dir / _run_context.RESULTS_FILE
    results = _read_results(results_file)
    if not results_file.exists():
        write_text_atomic(results_file, "{}")
    datasets = _run_context.read_datasets(run.work_dir)
    (run.work_dir / _run_context.DATASETS_FILE).unlink(missing_ok=True)
    record: dict[str, Any] = {
        "run_record_version": RUN_RECORD_VERSION,
        "notebook": run.source.stem,
        "notebook_path": str(run.source),
        "status": "failed" if error else "ok",
        "started_at": run.started_at.isoformat(timespec="milliseconds"),
        "duration_seconds": round(duration, 3),
        "parameters": run.parameters,
        "error": error,
        "results": results,
        "datasets": datasets,
        "versions": versions(),
        "git": run.git,
        "kernel_name": run.kernel,
        "no_input": run.no_input,
        "files": {
            "notebook": run.source.name,
            "html_report": f"{run.source.stem}.html",
            "parameters": "parameters.yaml",
            "results": _run_context.RESULTS_FILE,
        },
    }
    write_text_atomic(run.work_dir / RUN_RECORD_FILE, dumps(record))
    os.replace(run.work_dir, run.final_dir)
    return record


def _read_results(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
