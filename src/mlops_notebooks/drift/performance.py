"""Model performance in the reference and current data, when both carry labels and predictions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = ["PerformanceChange", "performance_change"]

# A target with at most this many distinct values is treated as a class label.
MAX_CLASSES = 20


@dataclass(frozen=True)
class PerformanceChange:
    """Metrics computed on each data set and their change.

    Attributes
    ----------
    task : str
        ``classification`` or ``regression``.
    reference, current : dict of str to float
        Metric name → value (rows with a missing label or prediction are left out).
    rows_reference, rows_current : int
        Rows the metrics were computed on.
    """

    task: str
    reference: dict[str, float]
    current: dict[str, float]
    rows_reference: int
    rows_current: int

    @property
    def change(self) -> dict[str, float]:
        """current − reference, per metric."""
        return {k: self.current[k] - self.reference[k] for k in self.reference if k in self.current}

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form."""
        return {
            "task": self.task,
            "reference": self.reference,
            "current": self.current,
            "change": self.change,
            "rows_reference": self.rows_reference,
            "rows_current": self.rows_current,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (NaN and infinities become ``null``)."""
        from mlops_notebooks._render import dumps

        return dumps(self.to_dict())

    def to_frame(self) -> pd.DataFrame:
        """One row per metric: reference, current, change."""
        import pandas as pd

        change = self.change
        rows = [
            {"metric": k, "reference": v, "current": self.current.get(k), "change": change.get(k)}
            for k, v in self.reference.items()
        ]
        return pd.DataFrame(rows, columns=["metric", "reference", "current", "change"])

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, paragraph

        note = (
            f"{self.task}: {self.rows_reference:,} reference rows, "
            f"{self.rows_current:,} current rows with a label and a prediction"
        )
        return paragraph(note, css="mlnb-note") + frame_to_html(self.to_frame())

    def _repr_html_(self) -> str:
        from mlops_notebooks._render import fragment

        return fragment(self._html_body())


def performance_change(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    target: str,
    prediction: str | None,
    probability: str | None = None,
) -> PerformanceChange:
    """Compute the same metrics on both data sets (see :class:`PerformanceChange`)."""
    columns = [c for c in (target, prediction, probability) if c]
    ref = reference.select(columns).drop_nulls()
    cur = current.select(columns).drop_nulls()
    task = "classification" if _is_label(reference.get_column(target)) else "regression"
    scorer = _classification if task == "classification" else _regression
    return PerformanceChange(
        task=task,
        reference=scorer(ref, target, prediction, probability),
        current=scorer(cur, target, prediction, probability),
        rows_reference=ref.height,
        rows_current=cur.height,
    )


def _is_label(series: pl.Series) -> bool:
    import polars as pl

    return series.dtype in (pl.Boolean, pl.String, pl.Categorical) or (
        series.n_unique() <= MAX_CLASSES and not series.dtype.is_float()
    )


def _classification(
    frame: pl.DataFrame, target: str, prediction: str | None, probability: str | None
) -> dict[str, float]:
    from sklearn import metrics

    if frame.height == 0:
        return {}
    y_true = frame.get_column(target).to_numpy()
    out: dict[str, float] = {}
    if prediction:
        y_pred = frame.get_column(prediction).to_numpy()
        out["accuracy"] = float(metrics.accuracy_score(y_true, y_pred))
        out["balanced_accuracy"] = float(metrics.balanced_accuracy_score(y_true, y_pred))
        if len(np.unique(y_true)) <= 2 and y_true.dtype == bool:
            out["precision"] = float(metrics.precision_score(y_true, y_pred, zero_division=0))
            out["recall"] = float(metrics.recall_score(y_true, y_pred, zero_division=0))
            out["f1"] = float(metrics.f1_score(y_true, y_pred, zero_division=0))
    if probability and len(np.unique(y_true)) == 2:
        scores = frame.get_column(probability).to_numpy()
        out["roc_auc"] = float(metrics.roc_auc_score(y_true, scores))
        out["brier"] = float(metrics.brier_score_loss(y_true.astype(float), scores))
    out["positive_rate"] = (
        float(np.mean(y_true == y_true.max())) if y_true.dtype == bool else (float("nan"))
    )
    return {k: v for k, v in out.items() if np.isfinite(v)}


def _regression(
    frame: pl.DataFrame, target: str, prediction: str | None, probability: str | None
) -> dict[str, float]:
    from sklearn import metrics

    if frame.height == 0 or not prediction:
        return {}
    y_true = frame.get_column(target).to_numpy().astype(float)
    y_pred = frame.get_column(prediction).to_numpy().astype(float)
    return {
        "mae": float(metrics.mean_absolute_error(y_true, y_pred)),
        "rmse": float(np.sqrt(metrics.mean_squared_error(y_true, y_pred))),
        "r2": float(metrics.r2_score(y_true, y_pred)) if len(y_true) > 1 else 0.0,
    }
