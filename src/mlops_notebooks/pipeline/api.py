"""Module-level entry points: each takes a :class:`Pipeline` or a project path (default ``.``).

They do what the :class:`Pipeline` methods of the same name do; use whichever reads better.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from mlops_notebooks.pipeline.compare import OutputComparison
from mlops_notebooks.pipeline.debug import DebugRun
from mlops_notebooks.pipeline.diffs import ChangeExplanation, ValueDiff
from mlops_notebooks.pipeline.inputs import StageInputs
from mlops_notebooks.pipeline.project import Pipeline, open_pipeline
from mlops_notebooks.pipeline.run import StageRun
from mlops_notebooks.pipeline.status import PipelineStatus

__all__ = [
    "compare_output",
    "debug_stage",
    "explain_changes",
    "load_output",
    "load_stage_inputs",
    "metrics_diff",
    "params_diff",
    "pipeline_status",
    "run_stage",
]

ProjectLike = Pipeline | str | os.PathLike[str]


def _pipeline(project: ProjectLike) -> Pipeline:
    return project if isinstance(project, Pipeline) else open_pipeline(project)


def pipeline_status(project: ProjectLike = ".") -> PipelineStatus:
    """Which stages are stale and why; see :func:`mlops_notebooks.pipeline.status.status`.

    Examples
    --------
    >>> pipeline_status("examples").stale
    """
    return _pipeline(project).status()


def run_stage(
    name: str, *, project: ProjectLike = ".", upstream: bool = False, force: bool = False
) -> StageRun:
    """Run a stage with DVC; see :func:`mlops_notebooks.pipeline.run.run_stage`.

    Examples
    --------
    >>> run_stage("prepare", project="examples").ok
    """
    return _pipeline(project).run_stage(name, upstream=upstream, force=force)


def debug_stage(name: str, *, project: ProjectLike = ".", reraise: bool = True) -> DebugRun:
    """Run a Python stage's script in the kernel; see :mod:`mlops_notebooks.pipeline.debug`.

    Examples
    --------
    >>> debug_stage("train", project="examples")   # then %debug if it raised
    """
    return _pipeline(project).debug_stage(name, reraise=reraise)


def load_stage_inputs(
    name: str,
    *,
    project: ProjectLike = ".",
    rev: str | None = None,
    backend: Literal["pandas", "polars"] = "pandas",
) -> StageInputs:
    """Every data input of a stage, loaded; see :mod:`mlops_notebooks.pipeline.inputs`.

    Examples
    --------
    >>> load_stage_inputs("train", project="examples")["reference"].shape
    """
    return _pipeline(project).load_stage_inputs(name, rev=rev, backend=backend)


def load_output(
    target: str,
    *,
    project: ProjectLike = ".",
    rev: str | None = None,
    backend: Literal["pandas", "polars"] = "pandas",
) -> Any:
    """A stage output (or path) at the workspace or a revision.

    Examples
    --------
    >>> load_output("prepare", project="examples", rev="HEAD~1")
    """
    return _pipeline(project).load_output(target, rev=rev, backend=backend)


def compare_output(
    target: str,
    rev_a: str,
    rev_b: str | None = None,
    *,
    project: ProjectLike = ".",
    key: str | None = None,
) -> OutputComparison:
    """Compare an output between revisions; see :mod:`mlops_notebooks.pipeline.compare`.

    Examples
    --------
    >>> compare_output("predict", "v1", "v2", project=sandbox).summary_line()
    """
    return _pipeline(project).compare_output(target, rev_a, rev_b, key=key)


def params_diff(rev_a: str, rev_b: str | None = None, *, project: ProjectLike = ".") -> ValueDiff:
    """``dvc params diff`` as a table.

    Examples
    --------
    >>> params_diff("v1", "v2", project=sandbox).to_frame()
    """
    return _pipeline(project).params_diff(rev_a, rev_b)


def metrics_diff(rev_a: str, rev_b: str | None = None, *, project: ProjectLike = ".") -> ValueDiff:
    """``dvc metrics diff`` as a table.

    Examples
    --------
    >>> metrics_diff("v1", "v2", project=sandbox).plot()
    """
    return _pipeline(project).metrics_diff(rev_a, rev_b)


def explain_changes(
    rev_a: str, rev_b: str | None = None, *, project: ProjectLike = "."
) -> ChangeExplanation:
    """Each metric change with the parameter, code and data changes upstream of it.

    Examples
    --------
    >>> explain_changes("v1", "v2", project=sandbox).to_frame()
    """
    return _pipeline(project).explain_changes(rev_a, rev_b)
