"""Model performance in the reference and current data, when both carry labels and predictions."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from mlops_notebooks._protocol import Result, check_kind

if TYPE_CHECKING:
    import polars as pl

__all__ = ["PerformanceChange", "performance_change"]

# A target with at most this many distinct values is treated as a class label.
MAX_CLASSES = 20


@dataclass(frozen=True)
class PerformanceChange(Result):
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

    plot_kinds: ClassVar[tuple[str, ...]] = ("change",)
    report_title: ClassVar[str] = "Performance change"

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

    def to_polars(self) -> pl.DataFrame:
        """One row per metric: reference, current, change."""
        import polars as pl

        change = self.change
        return pl.DataFrame(
            {
                "metric": list(self.reference),
                "reference": list(self.reference.values()),
                "current": [self.current.get(k) for k in self.reference],
                "change": [change.get(k) for k in self.reference],
            },
            schema={
                "metric": pl.String,
                "reference": pl.Float64,
                "current": pl.Float64,
                "change": pl.Float64,
            },
        )

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Paired bars of each metric in the reference and the current data."""
        from mlops_notebooks._render import figure_of, new_axes

        check_kind(kind, self.plot_kinds, what="performance plot kind")
        axis = new_axes(ax, (6, 0.5 * len(self.reference) + 1.5))
        positions = np.arange(len(self.reference))
        current = [self.current.get(k, np.nan) for k in self.reference]
        axis.barh(positions - 0.2, list(self.reference.values()), height=0.4, label="reference")
        axis.barh(positions + 0.2, current, height=0.4, label="current")
        axis.set_yticks(positions, list(self.reference))
        axis.invert_yaxis()
        axis.set_title(f"Model performance ({self.task})")
        axis.legend(loc="best")
        return figure_of(axis)

    def _html_body(self) -> str:
        return self._repr_html_()

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td>{html.escape(str(r.metric))}</td><td>{r.reference:.4f}</td>"
            f"<td>{r.current:.4f}</td><td>{r.change:+.4f}</td></tr>"
            for r in self.to_frame().itertuples()
        )
        head = "<tr><th>metric</th><th>reference</th><th>current</th><th>change</th></tr>"
        return f"<table class='mlops-performance'>{head}{cells}</table>"


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
