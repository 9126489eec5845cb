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
    >>> from mlops_notebooks.pipeline import make_sandbox, pipeline_status
    >>> sandbox = make_sandbox(fault="raise")  # train.learning_rate set to 0, not run yet
    >>> report = pipeline_status(project=sandbox)
    >>> report.stale
    ['train', 'predict']
    >>> [reason.text() for reason in report.stage("train").reasons]
    ['parameter train.learning_rate changed: 0.1 → 0']
    """
    return _pipeline(project).status()


def run_stage(
    name: str, *, project: ProjectLike = ".", upstream: bool = False, force: bool = False
) -> StageRun:
    """Run a stage with DVC; see :func:`mlops_notebooks.pipeline.run.run_stage`.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, run_stage
    >>> sandbox = make_sandbox()
    >>> run = run_stage("predict", project=sandbox, upstream=True)  # all up to date
    >>> run.ok, run.ran, run.skipped
    (True, (), ('extract', 'prepare', 'train', 'predict'))
    """
    return _pipeline(project).run_stage(name, upstream=upstream, force=force)


def debug_stage(name: str, *, project: ProjectLike = ".", reraise: bool = True) -> DebugRun:
    """Run a Python stage's script in the kernel; see :mod:`mlops_notebooks.pipeline.debug`.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, debug_stage
    >>> sandbox = make_sandbox()
    >>> run = debug_stage("prepare", project=sandbox)  # its print goes to the notebook
    processed: 327,346 flights (23.7% delayed); reference 160,678, current 166,668
    >>> run.ok, run.function_locals["main"]["reference"].shape
    (True, (160678, 29))
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
    >>> from mlops_notebooks.pipeline import make_sandbox, load_stage_inputs
    >>> sandbox = make_sandbox()
    >>> inputs = load_stage_inputs("train", project=sandbox, rev="v1")
    >>> inputs["reference"].shape, inputs.params["train.max_iter"]
    ((160678, 29), 200)
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
    >>> from mlops_notebooks.pipeline import make_sandbox, load_output
    >>> sandbox = make_sandbox()
    >>> predictions = load_output("predict", project=sandbox, rev="v1", backend="polars")
    >>> predictions.shape, predictions.columns[-3:]
    ((32081, 32), ['predicted_probability', 'predicted_delayed', 'split'])
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
    >>> from mlops_notebooks.pipeline import make_sandbox, compare_output
    >>> sandbox = make_sandbox()
    >>> comparison = compare_output("predict", "v1", "v2", project=sandbox)
    >>> comparison.path, comparison.key, comparison.rows_changed
    ('data/model_outputs/predictions_holdout.parquet', 'flight_id', 32081)
    """
    return _pipeline(project).compare_output(target, rev_a, rev_b, key=key)


def params_diff(rev_a: str, rev_b: str | None = None, *, project: ProjectLike = ".") -> ValueDiff:
    """``dvc params diff`` as a table.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, params_diff
    >>> sandbox = make_sandbox()
    >>> params_diff("v1", "v2", project=sandbox).rows()
    [{'file': 'params.yaml', 'name': 'train.max_iter', 'old': 200, 'new': 50, 'diff': -150}]
    """
    return _pipeline(project).params_diff(rev_a, rev_b)


def metrics_diff(rev_a: str, rev_b: str | None = None, *, project: ProjectLike = ".") -> ValueDiff:
    """``dvc metrics diff`` as a table.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, metrics_diff
    >>> sandbox = make_sandbox()
    >>> diff = metrics_diff("v1", "v2", project=sandbox)
    >>> sorted((row["name"], row["old"], row["new"]) for row in diff.rows())
    [('current.accuracy', 0.7816, 0.7842), ('current.roc_auc', 0.7125, 0.7131),
     ('holdout.accuracy', 0.8034, 0.7957), ('holdout.roc_auc', 0.7838, 0.7667),
     ('train_roc_auc', 0.8354, 0.7866)]
    """
    return _pipeline(project).metrics_diff(rev_a, rev_b)


def explain_changes(
    rev_a: str, rev_b: str | None = None, *, project: ProjectLike = "."
) -> ChangeExplanation:
    """Each metric change with the parameter, code and data changes upstream of it.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, explain_changes
    >>> sandbox = make_sandbox()
    >>> explanation = explain_changes("v2", "v3", project=sandbox)
    >>> [cause.text() for cause in explanation.causes_of("train_roc_auc")]
    ['code src/features.py changed (train)']
    """
    return _pipeline(project).explain_changes(rev_a, rev_b)
