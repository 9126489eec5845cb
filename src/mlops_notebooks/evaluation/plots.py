"""Static matplotlib views of evaluation results; matplotlib is imported only when drawing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from mlops_notebooks._render import new_axes
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    from .calibration import CalibrationCurve
    from .results import BiasReport, EvaluationReport

__all__ = ["REPORT_PLOTS", "plot_calibration", "plot_metric_by_group"]

T = TypeVar("T")


def _require(value: T | None, what: str) -> T:
    if value is None:
        raise InvalidInputError(f"this report has no {what} to draw")
    return value


def _axes(ax: Any) -> Any:
    return new_axes(ax, (6, 4))


def _metrics(report: EvaluationReport, ax: Any) -> Any:
    ax = _axes(ax)
    frame = report.metrics
    values = frame["value"].to_numpy()
    low = frame["ci_low"].fill_null(float("nan")).to_numpy()
    high = frame["ci_high"].fill_null(float("nan")).to_numpy()
    positions = np.arange(frame.height)
    errors = np.nan_to_num(np.vstack([values - low, high - values]), nan=0.0)
    ax.barh(positions, values, xerr=errors, color="#4c72b0", capsize=3)
    ax.set_yticks(positions, frame["metric"].to_list())
    ax.invert_yaxis()
    ax.set_xlabel(f"value ({report.confidence:.0%} bootstrap interval)")
    ax.set_title("Headline metrics")
    return ax


def plot_calibration(curve: CalibrationCurve, ax: Any) -> Any:
    """Reliability diagram of ``curve`` with the diagonal of perfect calibration."""
    ax = _axes(ax)
    bins = curve.bins
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.plot(bins["mean_predicted"], bins["observed"], marker="o", label="model")
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title(f"Calibration (ECE {curve.expected_calibration_error:.3f})")
    ax.legend(loc="upper left")
    return ax


def _calibration(report: EvaluationReport, ax: Any) -> Any:
    return plot_calibration(_require(report.calibration, "calibration curve"), ax)


def _thresholds(report: EvaluationReport, ax: Any) -> Any:
    frame = _require(report.thresholds, "threshold sweep")
    ax = _axes(ax)
    for column in ("precision", "recall", "f1", "false_positive_rate"):
        ax.plot(frame["threshold"], frame[column], label=column.replace("_", " "))
    ax.set_xlabel("decision threshold")
    ax.set_ylabel("value")
    ax.set_title("Metrics across decision thresholds")
    ax.legend(loc="best")
    return ax


def _confusion(report: EvaluationReport, ax: Any) -> Any:
    confusion = _require(report.confusion, "confusion matrix")
    ax = _axes(ax)
    from sklearn.metrics import ConfusionMatrixDisplay

    display = ConfusionMatrixDisplay(confusion, display_labels=list(report.classes))
    display.plot(ax=ax, colorbar=False, values_format=",", cmap="Blues", xticks_rotation=45)
    ax.set_title("Confusion matrix")
    return ax


def _residuals(report: EvaluationReport, ax: Any) -> Any:
    frame = _require(report.residuals, "residuals")
    ax = _axes(ax)
    ax.plot(frame["quantile"], frame["residual"], marker="o")
    ax.axhline(0.0, color="grey", linestyle="--")
    ax.set_xlabel("quantile")
    ax.set_ylabel("prediction - target")
    ax.set_title("Residual distribution (quantiles)")
    return ax


def _over_time(report: EvaluationReport, ax: Any) -> Any:
    frame = _require(report.over_time, "metrics over time")
    ax = _axes(ax)
    for column in frame.columns[2:]:
        ax.plot(frame["period"], frame[column], marker="o", label=column)
    ax.set_xlabel("period")
    ax.set_title("Metrics over time")
    ax.legend(loc="best", fontsize=7)
    ax.figure.autofmt_xdate()
    return ax


REPORT_PLOTS: dict[str, Callable[[EvaluationReport, Any], Any]] = {
    "metrics": _metrics,
    "calibration": _calibration,
    "thresholds": _thresholds,
    "confusion": _confusion,
    "residuals": _residuals,
    "over_time": _over_time,
}


def plot_metric_by_group(report: BiasReport, metric: str, grouping: str | None, ax: Any) -> Any:
    """Bar chart of ``metric`` per group with bootstrap intervals; flagged groups in red."""
    import polars as pl

    ax = _axes(ax)
    rows = report.by_group.filter(pl.col("metric") == metric)
    grouping = grouping or rows["grouping"][0]
    rows = rows.filter(pl.col("grouping") == grouping)
    values = rows["value"].to_numpy()
    low = rows["ci_low"].fill_null(float("nan")).to_numpy()
    high = rows["ci_high"].fill_null(float("nan")).to_numpy()
    errors = np.nan_to_num(np.vstack([values - low, high - values]), nan=0.0).clip(min=0.0)
    colors = ["#c44e52" if f else "#4c72b0" for f in rows["flagged"].to_list()]
    positions = np.arange(rows.height)
    ax.barh(positions, values, xerr=errors, color=colors, capsize=3)
    ax.set_yticks(positions, rows["group"].to_list())
    ax.invert_yaxis()
    overall = report.overall.get(metric)
    if overall is not None:
        ax.axvline(overall, color="grey", linestyle="--", label="overall")
        ax.legend(loc="best")
    ax.set_xlabel(f"{metric} (red: gap to best group > {report.threshold:g})")
    ax.set_title(f"{metric} by {grouping}")
    return ax
