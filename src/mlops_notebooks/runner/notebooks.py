"""Find, describe and duplicate the project's notebooks."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlops_notebooks._io import write_text_atomic
from mlops_notebooks.errors import InvalidInputError, NotebookError, NotebookNotFoundError
from mlops_notebooks.project import notebooks_dir
from mlops_notebooks.runner.parameters import Parameter, parse_parameters

__all__ = [
    "NotebookInfo",
    "check_clean",
    "describe",
    "list_notebooks",
    "new_notebook",
    "read_notebook",
    "resolve_notebook",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


@dataclass(frozen=True)
class NotebookInfo:
    """What a notebook is and what it accepts.

    Attributes
    ----------
    name : str
        File name without ``.ipynb``.
    path : pathlib.Path
        Location of the notebook.
    title : str
        First ``#`` heading of the first markdown cell (or the name).
    parameters : dict of str to Parameter
        The ``parameters`` cell's declarations, in order.
    """

    name: str
    path: Path
    title: str
    parameters: dict[str, Parameter] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable description."""
        return {
            "name": self.name,
            "path": str(self.path),
            "title": self.title,
            "parameters": [
                {"name": p.name, "type": p.type_name, "default": p.default, "help": p.help}
                for p in self.parameters.values()
            ],
        }


def read_notebook(path: str | os.PathLike[str]) -> Any:
    """Read a notebook file with nbformat (version 4).

    Raises
    ------
    NotebookNotFoundError
        When the file does not exist.
    NotebookError
        When the file is not a valid notebook.
    """
    import nbformat

    source = Path(path)
    if not source.is_file():
        raise NotebookNotFoundError(f"notebook not found: {source}")
    try:
        return nbformat.read(source, as_version=4)
    except Exception as err:  # nbformat raises several unrelated types for corrupt JSON
        raise NotebookError(f"{source} is not a readable Jupyter notebook: {err}") from err


def resolve_notebook(notebook: str | os.PathLike[str]) -> Path:
    """Resolve a notebook name (from ``notebooks/``) or a path to an existing file.

    Raises
    ------
    NotebookNotFoundError
        Naming the notebooks that do exist.
    """
    text = os.fspath(notebook)
    candidate = Path(text).expanduser()
    if candidate.suffix == ".ipynb" and candidate.is_file():
        return candidate.resolve()
    folder = notebooks_dir()
    name = text[:-6] if text.endswith(".ipynb") else text
    by_name = folder / f"{name}.ipynb"
    if by_name.is_file():
        return by_name.resolve()
    available = ", ".join(sorted(p.stem for p in folder.glob("*.ipynb"))) or "none"
    raise NotebookNotFoundError(
        f"no notebook {text!r} (neither a path nor a name in {folder}); available: {available}"
    )


def title_of(notebook: Any, default: str) -> str:
    """Return the first Markdown heading of ``notebook``, or ``default``."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return default


def describe(path: str | os.PathLike[str]) -> NotebookInfo:
    """Return the :class:`NotebookInfo` of the notebook at ``path``."""
    source = Path(path)
    notebook = read_notebook(source)
    return NotebookInfo(
        name=source.stem,
        path=source,
        title=title_of(notebook, source.stem),
        parameters=parse_parameters(notebook),
    )


def list_notebooks(folder: str | os.PathLike[str] | None = None) -> list[NotebookInfo]:
    """Describe every ``*.ipynb`` in ``folder`` (default: the project's ``notebooks/``)."""
    root = Path(folder) if folder else notebooks_dir()
    return [describe(path) for path in sorted(root.glob("*.ipynb"))]


def check_clean(path: str | os.PathLike[str]) -> list[str]:
    """Return the hygiene problems of a committed notebook (empty list when clean).

    A clean notebook has no outputs, no execution counts and a cell tagged ``parameters``.
    """
    notebook = read_notebook(path)
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {index + 1} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {index + 1} has an execution count")
    try:
        parse_parameters(notebook)
    except NotebookError as err:
        problems.append(str(err))
    return problems


def new_notebook(
    name: str,
    *,
    template: str | os.PathLike[str] = "data_exploration_mlops",
    title: str | None = None,
    folder: str | os.PathLike[str] | None = None,
) -> Path:
    """Copy ``template`` into ``<folder>/<name>.ipynb`` with outputs cleared and a new title.

    Parameters
    ----------
    name : str
        New notebook name: letters, digits, ``_`` and ``-``.
    template : str or path-like, default "data_exploration_mlops"
        A notebook name from ``notebooks/`` or a path.
    title : str, optional
        Heading for the copy; default derived from ``name``.
    folder : path-like, optional
        Destination folder; default the project's ``notebooks/``.

    Returns
    -------
    pathlib.Path
        The new notebook.

    Raises
    ------
    InvalidInputError
        For an invalid name.
    FileExistsError
        (as :class:`~mlops_notebooks.errors.InvalidInputError`) when the notebook exists.
    """
    import nbformat

    stem = name[:-6] if name.endswith(".ipynb") else name
    if not _NAME.match(stem):
        raise InvalidInputError(
            f"invalid notebook name {name!r}: use letters, digits, '_' and '-' only"
        )
    destination = Path(folder) if folder else notebooks_dir()
    target = destination / f"{stem}.ipynb"
    if target.exists():
        raise InvalidInputError(f"{target} already exists; choose another name or delete it first")
    source = resolve_notebook(template)
    notebook = read_notebook(source)
    _clear_outputs(notebook)
    new_title = title or stem.replace("_", " ").replace("-", " ").strip().capitalize()
    _retitle(notebook, new_title, source.stem)
    destination.mkdir(parents=True, exist_ok=True)
    # Exclusive create: refuse even if another process created the file meanwhile.
    try:
        with open(target, "x", encoding="utf-8"):
            pass
    except FileExistsError as err:
        raise InvalidInputError(f"{target} already exists; choose another name") from err
    write_text_atomic(target, nbformat.writes(notebook) + "\n")
    return target


def _clear_outputs(notebook: Any) -> None:
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("papermill", None)


def _retitle(notebook: Any, title: str, template_name: str) -> None:
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("# "):
                lines[index] = f"# {title}"
                lines.insert(index + 1, f"\n*Duplicated from `{template_name}`.*")
                cell.source = "\n".join(lines)
                return
    import nbformat

    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {title}"))
