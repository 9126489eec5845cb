"""Run notebooks with papermill into HTML reports; record results; list past runs and notebooks."""

from mlops_notebooks.runner.execute import DEFAULT_OUTPUT_DIR, RunResult, run_notebook
from mlops_notebooks.runner.history import RunEntry, RunHistory, history, write_index
from mlops_notebooks.runner.notebooks import (
    NotebookInfo,
    check_clean,
    describe,
    list_notebooks,
    new_notebook,
    resolve_notebook,
)
from mlops_notebooks.runner.parameters import Parameter, parse_parameters
from mlops_notebooks.runner.recording import record, recorded

__all__ = [
    "DEFAULT_OUTPUT_DIR",
    "NotebookInfo",
    "Parameter",
    "RunEntry",
    "RunHistory",
    "RunResult",
    "check_clean",
    "describe",
    "history",
    "list_notebooks",
    "new_notebook",
    "parse_parameters",
    "record",
    "recorded",
    "resolve_notebook",
    "run_notebook",
    "write_index",
]
