"""Model performance in the reference and current data, when both carry labels and predictions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from mlops_notebooks._protocol import Result, check_kind

if TYPE_CHECKING:
    import polars as pl

__all__ = ["PerformanceChange", "performance_change"]


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
        from mlops_notebooks._render import frame_to_html, paragraph

        note = (
            f"{self.task}: {self.rows_reference:,} reference rows, "
            f"{self.rows_current:,} current rows with a label and a prediction"
        )
        return paragraph(note, css="mlnb-note") + frame_to_html(self.to_polars())


#: Metrics of the registry compared between the data sets (those that apply to the task).
DRIFT_METRICS = (
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "brier",
    "mae",
    "rmse",
    "r2",
)


def performance_change(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    target: str,
    prediction: str | None,
    probability: str | None = None,
    *,
    metrics: Sequence[str] = DRIFT_METRICS,
) -> PerformanceChange:
    """Compute the same registered metrics on both data sets (see :class:`PerformanceChange`).

    The metrics come from :data:`mlops_notebooks.evaluation.METRICS`, computed exactly as
    ``evaluate`` computes them; rows with a missing label or prediction are left out.
    """
    columns = [c for c in (target, prediction, probability) if c]
    ref = reference.select(columns).drop_nulls()
    cur = current.select(columns).drop_nulls()
    values: dict[str, dict[str, float]] = {"reference": {}, "current": {}}
    task = "regression"
    for name, frame in (("reference", ref), ("current", cur)):
        if frame.height == 0:
            continue
        kind, values[name] = _scores(frame, target, prediction, probability, metrics)
        task = "regression" if kind == "regression" else "classification"
    return PerformanceChange(
        task=task,
        reference=values["reference"],
        current=values["current"],
        rows_reference=ref.height,
        rows_current=cur.height,
    )


def _scores(
    frame: pl.DataFrame,
    target: str,
    prediction: str | None,
    probability: str | None,
    metrics: Sequence[str],
) -> tuple[str, dict[str, float]]:
    from mlops_notebooks.errors import InvalidInputError
    from mlops_notebooks.evaluation.metrics import score_metrics

    try:
        return score_metrics(
            frame, target=target, prediction=prediction, probabilities=probability, metrics=metrics
        )
    except InvalidInputError:
        if probability is None or prediction is None:
            raise
        # One probability column of a multi-class target: compare the label metrics only.
        return score_metrics(frame, target=target, prediction=prediction, metrics=metrics)
