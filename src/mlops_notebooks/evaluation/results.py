"""Results of :func:`~mlops_notebooks.evaluation.evaluate` and :func:`~.assess_bias`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import moved_to_keyword
from mlops_notebooks._io import write_text_atomic
from mlops_notebooks._protocol import Result, check_kind, lookup
from mlops_notebooks._render import fragment, jsonable, page
from mlops_notebooks.errors import InvalidInputError

from .calibration import CalibrationCurve

__all__ = ["BiasReport", "EvaluationReport", "PlotKind"]

PlotKind = Literal["metrics", "calibration", "thresholds", "confusion", "residuals", "over_time"]
BIAS_DESCRIPTION = "Model metrics per group, gaps to the best group, and parity differences."
PLOT_KINDS = ("metrics", "calibration", "thresholds", "confusion", "residuals", "over_time")
PLOT_UNAVAILABLE = "plot {kind!r} is not available for this report; available: {available}"


@dataclass(frozen=True, eq=False)
class EvaluationReport(Result):
    """Metrics of one model on one data set.

    Attributes
    ----------
    task : {"binary", "multiclass", "regression"}
    n_rows : int
    target, prediction : str
        Column names (or roles) of the target and predictions.
    classes : tuple of str
        Class labels in the order used by ``confusion`` and ``per_class``; empty for regression.
    metrics : polars.DataFrame
        ``metric, value, ci_low, ci_high, greater_is_better``; the interval is a percentile
        bootstrap interval (null when the metric has no vectorized bootstrap).
    confidence, n_bootstrap : float, int
    per_class : polars.DataFrame or None
        Precision, recall, F1 and support per class plus macro/weighted averages.
    confusion : numpy.ndarray or None
        Rows true class, columns predicted class.
    calibration : CalibrationCurve or None
    thresholds : polars.DataFrame or None
        Binary tasks: metrics across decision thresholds.
    residuals : polars.DataFrame or None
        Regression: quantiles of ``prediction - target``.
    over_time : polars.DataFrame or None
        Metrics per period when a time column was given.
    """

    task: str
    n_rows: int
    target: str
    prediction: str
    classes: tuple[str, ...]
    metrics: pl.DataFrame
    confidence: float
    n_bootstrap: int
    per_class: pl.DataFrame | None = None
    confusion: np.ndarray | None = None
    calibration: CalibrationCurve | None = None
    thresholds: pl.DataFrame | None = None
    residuals: pl.DataFrame | None = None
    over_time: pl.DataFrame | None = None

    plot_kinds: ClassVar[tuple[str, ...]] = PLOT_KINDS
    report_title: ClassVar[str] = "Model evaluation"

    def __getitem__(self, metric: str) -> float:
        """The point estimate of ``metric``, e.g. ``report["roc_auc"]``."""
        values = dict(zip(self.metrics["metric"], self.metrics["value"], strict=True))
        return float(lookup(values, metric, what="metric"))

    def to_polars(self) -> pl.DataFrame:
        """The headline metrics with their intervals."""
        return self.metrics

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-compatible values."""
        out: dict[str, Any] = {
            "task": self.task,
            "n_rows": self.n_rows,
            "target": self.target,
            "prediction": self.prediction,
            "classes": list(self.classes),
            "confidence": self.confidence,
            "n_bootstrap": self.n_bootstrap,
            "metrics": self.metrics.to_dicts(),
        }
        if self.per_class is not None:
            out["per_class"] = self.per_class.to_dicts()
        if self.confusion is not None:
            out["confusion_matrix"] = self.confusion.tolist()
        if self.calibration is not None:
            out["calibration"] = self.calibration.to_dict()
        for name in ("thresholds", "residuals", "over_time"):
            frame = getattr(self, name)
            if frame is not None:
                out[name] = frame.to_dicts()
        return jsonable(out)

    def available_plots(self) -> list[str]:
        """The plot kinds this report has the data for (``metrics`` always)."""
        available = ["metrics"]
        if self.calibration is not None:
            available.append("calibration")
        if self.thresholds is not None:
            available.append("thresholds")
        if self.confusion is not None:
            available.append("confusion")
        if self.residuals is not None:
            available.append("residuals")
        if self.over_time is not None:
            available.append("over_time")
        return available

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Draw one view and return its matplotlib Figure (drawn into ``ax`` when given).

        Parameters
        ----------
        kind : {"metrics", "calibration", "thresholds", "confusion", "residuals", "over_time"}
            Default ``"metrics"``; :meth:`available_plots` lists the kinds this report can draw.
        ax : matplotlib Axes, optional
        """
        from . import plots

        kind = check_kind(kind, self.plot_kinds, what="evaluation plot kind")
        if kind not in self.available_plots():
            raise InvalidInputError(
                PLOT_UNAVAILABLE.format(kind=kind, available=self.available_plots())
            )
        return plots.REPORT_PLOTS[kind](self, ax).figure

    def _html_body(self) -> str:
        from .html import evaluation_body

        return evaluation_body(self)

    def _repr_html_(self) -> str:
        from .html import evaluation_body

        return fragment(evaluation_body(self, figures=False, level=3))

    def to_html(self, figures: bool = True) -> str:
        """A standalone HTML page: the tables, the metrics chart and every available plot."""
        from .html import evaluation_page

        return evaluation_page(self, figures=figures)

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_html` atomically to ``path`` and return the path."""
        return write_text_atomic(path, self.to_html())


@dataclass(frozen=True, eq=False)
class BiasReport(Result):
    """Group metrics, gaps to the best group, and parity differences.

    Attributes
    ----------
    by_group : polars.DataFrame
        One row per (grouping, group, metric): ``value``, ``ci_low``, ``ci_high``,
        ``n_rows``, ``best``, ``difference_to_best`` (signed, value - best),
        ``ratio_to_best`` (smaller / larger, 1 = parity) and ``flagged`` (gap > threshold).
        ``grouping`` is a column name, or names joined by " × " for intersections.
    summary : polars.DataFrame
        One row per grouping: fairlearn's ``demographic_parity_difference`` and
        ``equalized_odds_difference`` (binary tasks) and the largest gap of each metric.
    overall : dict of str to float
    threshold : float
    confidence : float
    min_group_size : int
        Smaller groups neither define the best group nor get flagged.
    """

    by_group: pl.DataFrame
    summary: pl.DataFrame
    overall: dict[str, float]
    threshold: float
    confidence: float
    min_group_size: int = 100

    plot_kinds: ClassVar[tuple[str, ...]] = ("by_group",)
    report_title: ClassVar[str] = "Bias"

    @property
    def flagged(self) -> pl.DataFrame:
        """Rows of ``by_group`` whose gap to the best group exceeds the threshold."""
        return self.by_group.filter(pl.col("flagged"))

    def to_polars(self) -> pl.DataFrame:
        """One row per grouping, group and metric (see ``by_group``)."""
        return self.by_group

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-compatible values."""
        return {
            "threshold": self.threshold,
            "min_group_size": self.min_group_size,
            "confidence": self.confidence,
            "overall": self.overall,
            "summary": self.summary.to_dicts(),
            "by_group": self.by_group.to_dicts(),
        }

    def plot(
        self,
        kind: str | None = None,
        *,
        ax: Any = None,
        metric: str | None = None,
        grouping: str | None = None,
    ) -> Any:
        """Bar chart of ``metric`` (default: first) per group of ``grouping``, with intervals.

        ``kind`` is ``"by_group"`` (the only kind).
        """
        from .plots import plot_metric_by_group

        metrics = tuple(self.by_group["metric"].unique(maintain_order=True))
        kind, metric = moved_to_keyword(
            kind, metric, metrics, where="BiasReport.plot", keyword="metric"
        )
        check_kind(kind, self.plot_kinds, what="bias plot kind")
        metric = metric or metrics[0]
        lookup(dict.fromkeys(metrics), metric, what="bias metric")
        if grouping is not None:
            groupings = tuple(self.by_group["grouping"].unique(maintain_order=True))
            lookup(dict.fromkeys(groupings), grouping, what="grouping")
        return plot_metric_by_group(self, metric, grouping, ax).figure

    def _html_body(self) -> str:
        from .html import bias_body

        return bias_body(self)

    def _repr_html_(self) -> str:
        from .html import bias_body

        return fragment(bias_body(self, level=3))

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write a standalone HTML report atomically and return its path."""
        return write_text_atomic(
            path, page("Bias by group", self._html_body(), description=BIAS_DESCRIPTION)
        )
