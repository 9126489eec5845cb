"""What a run remembers about its environment: package versions and the git state of the project.

Used by the runner to write ``run.json``; every function here is cheap (no heavy import) and
never fails a run — a missing git or package is recorded as ``None``.
"""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["GIT_TIMEOUT_SECONDS", "PACKAGES", "git_state", "versions"]

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
