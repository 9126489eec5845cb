"""Step through a DVC pipeline from a notebook: status and why, run, debug, load, compare, diff.

DVC's Python API has no status, repro or diff, so this package drives DVC's command line
(``dvc status/repro/params diff/metrics diff/diff --json``) and reads ``dvc.yaml``, ``dvc.lock``
and ``params.yaml`` (stable, documented formats) into typed objects::

    from mlops_notebooks.pipeline import open_pipeline, make_sandbox
    pipeline = open_pipeline(make_sandbox())          # a throw-away copy, removed with it
    pipeline.status().plot()                          # stale stages, and why
    run = pipeline.run_stage("train")                 # dvc repro --single-item train
    pipeline.debug_stage("train")                     # the script in the kernel: %debug works
    inputs = pipeline.load_stage_inputs("train")      # Kedro's %load_node for DVC
    pipeline.compare_output("predict", "v1", "v2")    # schema, rows, drift, rows changed by key
    pipeline.explain_changes("v1", "v2")              # metric changes and their upstream causes

Plain Python pipelines (functions) get the same stepping with :class:`FunctionPipeline`.
"""

from __future__ import annotations

from mlops_notebooks.pipeline.api import (
    compare_output,
    debug_stage,
    explain_changes,
    load_output,
    load_stage_inputs,
    metrics_diff,
    params_diff,
    pipeline_status,
    run_stage,
)
from mlops_notebooks.pipeline.compare import OutputComparison
from mlops_notebooks.pipeline.debug import DebugRun
from mlops_notebooks.pipeline.diffs import Cause, ChangeExplanation, ValueDiff
from mlops_notebooks.pipeline.errors import (
    DvcCommandError,
    NotADvcProjectError,
    NotPythonStageError,
    UnknownRevisionError,
)
from mlops_notebooks.pipeline.failures import StageFailure
from mlops_notebooks.pipeline.functions import FunctionPipeline, FunctionRun, StepFailedError
from mlops_notebooks.pipeline.inputs import StageInputs
from mlops_notebooks.pipeline.project import LockedStage, ParamRef, Pipeline, Stage, open_pipeline
from mlops_notebooks.pipeline.run import StageFailedError, StageRun
from mlops_notebooks.pipeline.sandbox import Sandbox, inject_fault, make_sandbox
from mlops_notebooks.pipeline.status import PipelineStatus, Reason, StageStatus

__all__ = [
    "Cause",
    "ChangeExplanation",
    "DebugRun",
    "DvcCommandError",
    "FunctionPipeline",
    "FunctionRun",
    "LockedStage",
    "NotADvcProjectError",
    "NotPythonStageError",
    "OutputComparison",
    "ParamRef",
    "Pipeline",
    "PipelineStatus",
    "Reason",
    "Sandbox",
    "Stage",
    "StageFailedError",
    "StageFailure",
    "StageInputs",
    "StageRun",
    "StageStatus",
    "StepFailedError",
    "UnknownRevisionError",
    "ValueDiff",
    "compare_output",
    "debug_stage",
    "explain_changes",
    "inject_fault",
    "load_output",
    "load_stage_inputs",
    "make_sandbox",
    "metrics_diff",
    "open_pipeline",
    "params_diff",
    "pipeline_status",
    "run_stage",
]
