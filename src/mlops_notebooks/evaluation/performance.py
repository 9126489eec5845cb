"""``evaluate``: headline metrics with intervals, calibration, thresholds, residuals, time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike, to_polars

from ._inputs import ModelOutputs, ProbabilitySpec, column_values, prepare_outputs
from .bootstrap import DEFAULT_RESOLUTION, bootstrap_intervals
from .calibration import CalibrationStrategy, calibration_curve, threshold_sweep
from .metrics import METRICS, compute_metrics, confusion_matrix, metrics_for, per_class_table
from .over_time import metrics_over_time
from .results import EvaluationReport

__all__ = ["evaluate"]

RESIDUAL_QUANTILES = (0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0)


@renamed(every="frequency", random_seed="seed")
def evaluate(
    data: FrameLike | None = None,
    *,
    target: Any,
    prediction: Any = None,
    probabilities: ProbabilitySpec = None,
    task: Literal["auto", "binary", "multiclass", "regression"] = "auto",
    positive_label: Any = None,
    metrics: Sequence[str] | None = None,
    time_column: Any = None,
    frequency: str = "1mo",
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    calibration_bins: int = 10,
    calibration_strategy: CalibrationStrategy = "uniform",
    bootstrap_resolution: int = DEFAULT_RESOLUTION,
    seed: int | None = 0,
) -> EvaluationReport:
    """Evaluate model outputs: metrics equal to scikit-learn's, with bootstrap intervals.

    Parameters
    ----------
    data : pandas/polars DataFrame, LazyFrame, data ref, or None
        Holds the columns named below; ``None`` when ``target`` etc. are arrays.
    target : str or array-like
        True labels or values (column name or values).
    prediction : str or array-like, optional
        Predicted labels or values. For classification it may be omitted when probabilities
        are given (the arg-max class is used).
    probabilities : str, sequence of str, mapping class -> str, or 2-D array, optional
        Binary: the positive class's probability. Multi-class: one column per class, in
        sorted class order, or a mapping ``{class: column}``.
    task : {"auto", "binary", "multiclass", "regression"}, default "auto"
        "auto": fractional or many-valued numbers are regression, else classification.
    positive_label : optional
        Positive class of a binary task; default ``True``/``1``/the last sorted label.
    metrics : sequence of str, optional
        Names from :data:`mlops_notebooks.evaluation.METRICS`; default: all that apply.
    time_column : str or array-like, optional
        When given, ``over_time`` holds the metrics per ``frequency`` period.
    frequency : str, default "1mo"
        Period length: "1d", "1w", "1mo", … (``every`` is its deprecated old name).
    n_bootstrap : int, default 1000
        Bootstrap resamples for the intervals (0 disables them).
    confidence : float, default 0.95
    calibration_bins : int, default 10
    calibration_strategy : {"uniform", "quantile"}, default "uniform"
    bootstrap_resolution : int, default 4096
        Score bins used to compress the data before resampling (see
        :mod:`mlops_notebooks.evaluation.bootstrap`).
    seed : int or None, default 0
        Seed of the bootstrap (``random_seed`` is its deprecated old name).

    Returns
    -------
    EvaluationReport

    Raises
    ------
    InvalidInputError
        Mismatched lengths, missing values, predicted labels that never occur in the target,
        a single class, probabilities outside [0, 1] or not summing to one per row, an unknown
        metric or column.

    Examples
    --------
    >>> from mlops_notebooks.data import load
    >>> frame = load("predictions_current", sample=5000, seed=0)
    >>> report = evaluate(frame, target="is_delayed", prediction="predicted_delayed",
    ...                   probabilities="predicted_probability", n_bootstrap=200)
    >>> round(report["roc_auc"], 3)
    0.712
    """
    frame = None if data is None else to_polars(data, name="data")
    outputs = prepare_outputs(
        frame,
        target=target,
        prediction=prediction,
        probabilities=probabilities,
        task=task,
        positive_label=positive_label,
    )
    chosen = metrics_for(outputs, None if metrics is None else list(metrics))
    values = compute_metrics(outputs, chosen)
    intervals = bootstrap_intervals(
        outputs,
        values,
        n_resamples=n_bootstrap,
        confidence=confidence,
        seed=seed,
        resolution=bootstrap_resolution,
    )
    over_time = None
    if time_column is not None:
        time, _ = column_values(frame, time_column, "time")
        over_time = metrics_over_time(outputs, time, chosen, frequency=frequency)
    return EvaluationReport(
        task=outputs.task,
        n_rows=outputs.n_rows,
        target=outputs.target_name,
        prediction=outputs.prediction_name,
        classes=tuple(str(c) for c in outputs.classes),
        metrics=_metrics_table(values, intervals),
        confidence=confidence,
        n_bootstrap=n_bootstrap,
        over_time=over_time,
        **_task_views(outputs, calibration_bins, calibration_strategy),
    )


def _metrics_table(
    values: dict[str, float], intervals: dict[str, tuple[float, float]]
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "metric": list(values),
            "value": list(values.values()),
            "ci_low": [intervals.get(name, (None, None))[0] for name in values],
            "ci_high": [intervals.get(name, (None, None))[1] for name in values],
            "greater_is_better": [METRICS[name].greater_is_better for name in values],
        },
        schema={
            "metric": pl.String,
            "value": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "greater_is_better": pl.Boolean,
        },
    )


def _task_views(
    outputs: ModelOutputs, calibration_bins: int, calibration_strategy: CalibrationStrategy
) -> dict[str, Any]:
    if outputs.task == "regression":
        residual = outputs.y_pred - outputs.y_true
        return {
            "residuals": pl.DataFrame(
                {
                    "quantile": list(RESIDUAL_QUANTILES),
                    "residual": np.quantile(residual, RESIDUAL_QUANTILES),
                }
            )
        }
    views: dict[str, Any] = {
        "per_class": per_class_table(outputs),
        "confusion": confusion_matrix(outputs),
    }
    if outputs.probabilities is not None:
        views["calibration"] = calibration_curve(
            outputs, n_bins=calibration_bins, strategy=calibration_strategy
        )
        if outputs.task == "binary":
            views["thresholds"] = threshold_sweep(outputs)
    return views
