"""The package's exceptions: one root, typed subclasses that also inherit the matching builtin.

The CLI maps these classes to exit codes in one place (:mod:`mlops_notebooks.cli.main`):
:class:`ExecutionFailedError` exits 1, every other :class:`MlopsNotebooksError` exits 2.
Messages are one line, say what to fix, and never contain a secret value.
"""

from __future__ import annotations

__all__ = [
    "CatalogError",
    "DataSourceError",
    "DependencyMissingError",
    "EngineError",
    "ExecutionFailedError",
    "FrequencyError",
    "InvalidInputError",
    "MlopsNotebooksError",
    "NotebookError",
    "NotebookNotFoundError",
    "ParameterError",
    "SecretError",
    "UnknownNameError",
]


class MlopsNotebooksError(Exception):
    """Root of every error raised on purpose by mlops-notebooks."""


class InvalidInputError(MlopsNotebooksError, ValueError):
    """An argument or data set does not meet the documented requirements."""


class ParameterError(InvalidInputError):
    """A notebook parameter is unknown or its value cannot be parsed to the expected type.

    Parameters
    ----------
    message : str
        One-line explanation.
    name : str, optional
        The offending parameter name.
    valid : sequence of str, optional
        The parameter names the notebook accepts.
    """

    def __init__(
        self, message: str, *, name: str | None = None, valid: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.name = name
        self.valid = valid


class FrequencyError(InvalidInputError):
    """A ``frequency`` is not a time step such as ``"1d"``, ``"1w"`` or ``"1mo"``."""


class NotebookError(InvalidInputError):
    """A notebook file is malformed or breaks a project rule (no ``parameters`` cell, …)."""


class NotebookNotFoundError(MlopsNotebooksError, FileNotFoundError):
    """A notebook name or path does not resolve to a file."""


class ExecutionFailedError(MlopsNotebooksError, RuntimeError):
    """A notebook cell raised while executing.

    Attributes
    ----------
    cell_index : int
        Zero-based index of the failing cell in the notebook.
    execution_count : int or None
        The ``In [n]`` number shown next to the cell.
    ename, evalue : str
        Exception class name and message raised in the kernel.
    output_notebook, html_report : str or None
        Paths of the partly executed notebook and its HTML, kept for debugging.
    """

    def __init__(
        self,
        message: str,
        *,
        cell_index: int,
        execution_count: int | None,
        ename: str,
        evalue: str,
        output_notebook: str | None = None,
        html_report: str | None = None,
    ) -> None:
        super().__init__(message)
        self.cell_index = cell_index
        self.execution_count = execution_count
        self.ename = ename
        self.evalue = evalue
        self.output_notebook = output_notebook
        self.html_report = html_report


class DataSourceError(MlopsNotebooksError, OSError):
    """Data cannot be read: missing or corrupt file, unreachable server, unknown revision, …"""


class CatalogError(InvalidInputError):
    """The data catalog is malformed or does not contain the requested name."""


class SecretError(MlopsNotebooksError, KeyError):
    """A ``${VARIABLE}`` reference names an environment variable that is not set.

    The message names the variable, never a value.
    """

    def __str__(self) -> str:  # KeyError would otherwise quote the message.
        return str(self.args[0]) if self.args else ""


class UnknownNameError(InvalidInputError, KeyError):
    """A lookup by name (column, metric, method, plot kind, stage, …) found no such name.

    The message lists the closest valid names (or all of them when few).

    Attributes
    ----------
    name : str
        The name asked for.
    valid : tuple of str
        Every valid name.
    """

    def __init__(
        self,
        name: str,
        valid: tuple[str, ...] = (),
        *,
        what: str = "name",
        message: str | None = None,
    ) -> None:
        import difflib

        close = difflib.get_close_matches(name, list(valid), n=3, cutoff=0.5)
        if close:
            hint = f"did you mean {', '.join(map(repr, close))}?"
        elif len(valid) <= 12:
            hint = f"valid: {', '.join(map(repr, valid))}" if valid else "none are available"
        else:
            hint = f"valid: {', '.join(map(repr, valid[:12]))}, … ({len(valid)} in all)"
        super().__init__(message or f"unknown {what} {name!r}: {hint}")
        self.name = name
        self.valid = tuple(valid)

    def __str__(self) -> str:  # KeyError would otherwise quote the message.
        return str(self.args[0]) if self.args else ""


class EngineError(MlopsNotebooksError, RuntimeError):
    """A distributed or streaming run failed (a worker died, the cluster went away).

    Raised instead of returning a result computed from only some partitions.
    """


class DependencyMissingError(MlopsNotebooksError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def require(module: str, extra: str) -> None:
    """Raise :class:`DependencyMissingError` naming ``extra`` when ``module`` cannot be imported.

    Parameters
    ----------
    module : str
        Importable module name, for example ``"dvc.api"``.
    extra : str
        The ``mlops-notebooks[extra]`` that provides it.
    """
    import importlib.util

    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        raise DependencyMissingError(
            f"{module} is not installed: run  pip install 'mlops-notebooks[{extra}]'"
        )
