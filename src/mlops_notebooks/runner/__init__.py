"""Run notebooks with papermill into HTML reports; list, describe and duplicate them."""

from mlops_notebooks.runner.execute import DEFAULT_OUTPUT_DIR, RunResult, run_notebook
from mlops_notebooks.runner.notebooks import (
    NotebookInfo,
    check_clean,
    describe,
    list_notebooks,
    new_notebook,
    resolve_notebook,
)
from mlops_notebooks.runner.parameters import Parameter, parse_parameters

__all__ = [
    "DEFAULT_OUTPUT_DIR",
    "NotebookInfo",
    "Parameter",
    "RunResult",
    "check_clean",
    "describe",
    "list_notebooks",
    "new_notebook",
    "parse_parameters",
    "resolve_notebook",
    "run_notebook",
]
