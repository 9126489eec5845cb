"""Static matplotlib views of the sentiment results; matplotlib is imported only when drawing.

Every function returns the matplotlib Figure it drew on (pass ``ax`` to draw into your own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from mlops_notebooks._render import new_axes, new_figure
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    from .results import (
        Agreement,
        ErrorBreakdown,
        ModelComparison,
        ModelEvaluations,
        TextDrift,
        TokenSlices,
    )

__all__ = [
    "plot_agreement",
    "plot_breakdown",
    "plot_comparison",
    "plot_drift",
    "plot_evaluations",
    "plot_slices",
]

UNKNOWN_KIND = "unknown plot kind {kind!r}; valid: {valid}"
SUMMARY_METRICS = ("accuracy", "balanced_accuracy", "f1", "macro_f1", "roc_auc", "pr_auc")


def _axes(ax: Any, size: tuple[float, float] = (7, 4)) -> Any:
    return new_axes(ax, size)


def _errorbars(values: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.nan_to_num(np.vstack([values - low, high - values]), nan=0.0).clip(min=0)


def plot_evaluations(evaluations: ModelEvaluations, kind: str, ax: Any = None) -> Any:
    """``"metrics"``, ``"calibration"`` or ``"confusion"`` for every model."""
    views = {"metrics": _metrics, "calibration": _calibration, "confusion": _confusion}
    if kind not in views:
        raise InvalidInputError(UNKNOWN_KIND.format(kind=kind, valid=sorted(views)))
    return views[kind](evaluations, ax)


def _metrics(evaluations: ModelEvaluations, ax: Any) -> Any:
    ax = _axes(ax)
    frame = evaluations.metrics().filter(pl.col("metric").is_in(SUMMARY_METRICS))
    metrics = [m for m in SUMMARY_METRICS if m in frame["metric"].to_list()]
    models = list(evaluations.reports)
    width = 0.8 / max(len(models), 1)
    for index, model in enumerate(models):
        rows = frame.filter(pl.col("model") == model)
        rows = rows.sort(pl.col("metric").replace_strict({m: i for i, m in enumerate(metrics)}))
        values = rows["value"].to_numpy()
        low = rows["ci_low"].fill_null(np.nan).to_numpy()
        high = rows["ci_high"].fill_null(np.nan).to_numpy()
        positions = np.arange(len(metrics)) + (index - (len(models) - 1) / 2) * width
        ax.bar(positions, values, width, yerr=_errorbars(values, low, high), capsize=2, label=model)
    ax.set_xticks(np.arange(len(metrics)), [m.replace("_", " ") for m in metrics])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("value (bar: bootstrap interval)")
    ax.set_title("Metrics per model")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(models), fontsize="small")
    return ax.figure


def _calibration(evaluations: ModelEvaluations, ax: Any) -> Any:
    ax = _axes(ax, (5.5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    for model, report in evaluations.reports.items():
        if report.calibration is None:
            continue
        bins = report.calibration.bins
        ece = report.calibration.expected_calibration_error
        ax.plot(
            bins["mean_predicted"], bins["observed"], marker="o", label=f"{model} (ECE {ece:.3f})"
        )
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title("Calibration")
    ax.legend(loc="upper left", fontsize="small")
    return ax.figure


def _confusion(evaluations: ModelEvaluations, ax: Any) -> Any:
    from sklearn.metrics import ConfusionMatrixDisplay

    reports = [
        (m, r.confusion, r) for m, r in evaluations.reports.items() if r.confusion is not None
    ]
    figure = new_figure((4 * len(reports), 3.8))  # shown as an image in any notebook kernel
    axes = figure.subplots(1, len(reports), squeeze=False)
    for axis, (model, confusion, report) in zip(axes[0], reports, strict=True):
        display = ConfusionMatrixDisplay(confusion, display_labels=list(report.classes))
        display.plot(ax=axis, colorbar=False, values_format="d")
        axis.set_title(model, fontsize="small")
    return figure


def plot_comparison(comparison: ModelComparison, ax: Any = None) -> Any:
    """Metric difference per pair with its paired-bootstrap interval."""
    ax = _axes(ax)
    frame = comparison.pairs
    labels = [f"{a} − {b}" for a, b in frame.select("model_a", "model_b").iter_rows()]
    values = frame["difference"].to_numpy()
    positions = np.arange(frame.height)
    errors = _errorbars(values, frame["ci_low"].to_numpy(), frame["ci_high"].to_numpy())
    ax.errorbar(values, positions, xerr=errors, fmt="o", capsize=4)
    ax.axvline(0, color="grey", linestyle="--")
    ax.set_yticks(positions, labels, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlabel(f"difference in {comparison.metric} ({comparison.confidence:.0%} interval)")
    ax.set_title("Pairwise differences (interval not crossing 0: a real difference)")
    return ax.figure


def plot_agreement(agreement: Agreement, ax: Any = None) -> Any:
    """Heat map of the share of texts with the same predicted label."""
    ax = _axes(ax, (5, 4.5))
    image = ax.imshow(agreement.share, vmin=0, vmax=1, cmap="viridis")
    ticks = np.arange(len(agreement.models))
    ax.set_xticks(ticks, agreement.models, rotation=30, ha="right", fontsize="small")
    ax.set_yticks(ticks, agreement.models, fontsize="small")
    for i in ticks:
        for j in ticks:
            ax.text(j, i, f"{agreement.share[i, j]:.2f}", ha="center", va="center", color="white")
    ax.figure.colorbar(image, ax=ax, label="share with the same label")
    ax.set_title("Agreement between models")
    return ax.figure


def plot_breakdown(breakdown: ErrorBreakdown, ax: Any = None) -> Any:
    """Error rate per group and model, with Wilson intervals."""
    ax = _axes(ax, (8, 4))
    frame = breakdown.table
    groups = frame["group"].unique(maintain_order=True).to_list()
    models = frame["model"].unique(maintain_order=True).to_list()
    width = 0.8 / max(len(models), 1)
    for index, model in enumerate(models):
        rows = frame.filter(pl.col("model") == model)
        values = rows["error_rate"].to_numpy()
        errors = _errorbars(values, rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy())
        positions = np.arange(len(groups)) + (index - (len(models) - 1) / 2) * width
        ax.bar(positions, values, width, yerr=errors, capsize=2, label=model)
    ax.set_xticks(np.arange(len(groups)), groups, rotation=20, ha="right", fontsize="small")
    ax.set_ylabel("error rate")
    ax.set_title(f"Error rate by {breakdown.by}")
    ax.legend(fontsize="small")
    return ax.figure


def plot_slices(slices: TokenSlices, model: str, top_k: int = 15, ax: Any = None) -> Any:
    """Errors / expected errors of the ``top_k`` most significant terms of ``model``."""
    ax = _axes(ax, (7, 0.3 * top_k + 1.5))
    rows = slices.top(model, top_k).table
    positions = np.arange(rows.height)
    colors = np.where(rows["significant"].to_numpy(), "#c44e52", "#8c8c8c")
    ax.barh(positions, rows["lift"].to_numpy(), color=colors)
    labels = [f"{t} ({c})" for t, c in rows.select("term", "category").iter_rows()]
    ax.set_yticks(positions, labels, fontsize="small")
    ax.invert_yaxis()
    ax.axvline(1.0, color="black", linestyle="--", label="as expected")
    ax.legend(loc="lower right", fontsize="small")
    ax.set_xlabel("errors / expected errors of texts with the term (red: significant after FDR)")
    ax.set_title(f"Where {model} fails")
    return ax.figure


def plot_drift(drift: TextDrift, kind: str = "lengths", ax: Any = None) -> Any:
    """``"lengths"``: word-count histograms; ``"terms"``: terms driving the domain classifier."""
    if kind == "lengths":
        ax = _axes(ax)
        samples = [np.maximum(drift.length_sample[n], 1) for n in ("reference", "current")]
        bins = np.logspace(0, np.log10(max(s.max() for s in samples) + 1), 40)
        for name, sample in zip(("reference", "current"), samples, strict=True):
            share = np.full(sample.size, 1.0 / sample.size)
            ax.hist(sample, bins=bins, alpha=0.5, label=name, weights=share)
        ax.set_xscale("log")
        ax.set_xlabel("words per text (log scale)")
        ax.set_ylabel("share of texts")
        ax.set_title("Text length")
        ax.legend()
        return ax.figure
    if kind == "terms":
        ax = _axes(ax, (7, 0.25 * drift.terms.height + 1.5))
        values = drift.terms["coefficient"].to_numpy()
        positions = np.arange(values.size)
        ax.barh(positions, values, color=np.where(values > 0, "#dd8452", "#4c72b0"))
        ax.set_yticks(positions, drift.terms["term"].to_list(), fontsize="small")
        ax.invert_yaxis()
        ax.set_xlabel("domain-classifier coefficient (> 0: current, < 0: reference)")
        ax.set_title(f"Terms that tell the sets apart (ROC AUC {drift.domain_auc:.3f})")
        return ax.figure
    raise InvalidInputError(UNKNOWN_KIND.format(kind=kind, valid=["lengths", "terms"]))
