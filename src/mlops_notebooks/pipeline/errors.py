"""Errors of the pipeline package; each also inherits the matching builtin (see ``errors``)."""

from __future__ import annotations

from mlops_notebooks.errors import InvalidInputError, MlopsNotebooksError

__all__ = [
    "DvcCommandError",
    "NotADvcProjectError",
    "NotPythonStageError",
    "UnknownRevisionError",
]


class NotADvcProjectError(InvalidInputError):
    """The path is not inside a DVC project, or the project has no ``dvc.yaml``."""


class UnknownRevisionError(InvalidInputError):
    """A git revision (tag, branch, commit) does not exist in the project's repository."""


class NotPythonStageError(InvalidInputError):
    """``debug_stage`` was asked for a stage whose command does not run a Python script."""


class DvcCommandError(MlopsNotebooksError, RuntimeError):
    """A ``dvc``/``git`` command the package relies on failed (not a stage's own failure).

    Attributes
    ----------
    command : tuple of str
        The command line that failed.
    returncode : int
        Its exit status.
    """

    def __init__(self, message: str, *, command: tuple[str, ...], returncode: int) -> None:
        super().__init__(message)
        self.command = command
        self.returncode = returncode
