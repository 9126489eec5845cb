"""Where the project lives: its root, its ``notebooks/`` folder and its ``catalog.yaml``.

The root is found by walking up from the working directory to the first folder that holds a
``catalog.yaml`` or a ``notebooks/`` folder next to a ``pyproject.toml``; environment variables
override it for installs outside a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["NOTEBOOKS_DIR_ENV", "PROJECT_ROOT_ENV", "find_project_root", "notebooks_dir"]

PROJECT_ROOT_ENV = "MLOPS_NB_PROJECT_ROOT"
NOTEBOOKS_DIR_ENV = "MLOPS_NB_NOTEBOOKS_DIR"


def find_project_root(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the project root above ``start`` (default: the working directory), or ``None``.

    Parameters
    ----------
    start : path-like, optional
        Folder to start from.

    Returns
    -------
    pathlib.Path or None
        ``$MLOPS_NB_PROJECT_ROOT`` when set, else the first ancestor holding ``catalog.yaml``
        or both ``notebooks/`` and ``pyproject.toml``.
    """
    if env := os.environ.get(PROJECT_ROOT_ENV):
        return Path(env).expanduser().resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "catalog.yaml").is_file():
            return folder
        if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return None


def notebooks_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder that holds the project's notebooks.

    ``$MLOPS_NB_NOTEBOOKS_DIR`` when set, else ``<project root>/notebooks``, else
    ``./notebooks``.
    """
    if env := os.environ.get(NOTEBOOKS_DIR_ENV):
        return Path(env).expanduser().resolve()
    root = find_project_root(start)
    return (root / "notebooks") if root else Path.cwd() / "notebooks"
