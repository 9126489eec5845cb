"""Static drift charts (matplotlib, imported only when drawing; safe on the Agg backend)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mlops_notebooks.drift.summaries import ColumnSummary, align

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mlops_notebooks.drift.report import DriftReport
    from mlops_notebooks.drift.windows import WindowedDrift

__all__ = ["new_figure", "plot_distributions", "plot_heatmap", "plot_overlay", "plot_ranked"]

REFERENCE_COLOR = "#4c72b0"
CURRENT_COLOR = "#dd8452"


def new_figure(width: float = 8.0, height: float = 4.0) -> tuple[Figure, Axes]:
    """A figure with one axes, created without pyplot's global state."""
    from mlops_notebooks._render import new_figure

    figure = new_figure((width, height))
    return figure, figure.add_subplot()


def plot_ranked(report: DriftReport, *, ax: Axes | None = None, top_k: int = 20) -> Axes:
    """Horizontal bars: each column's statistic divided by its threshold, most drifted on top.

    For p-value tests the bar is ``log10(p) / log10(threshold)``; for distances it is
    ``statistic / threshold``. Bars past the dashed line at 1 are drifted.
    """
    if ax is None:
        _, ax = new_figure(8, max(2.5, 0.3 * top_k))
    ranked = [r for r in report.ranked() if r.statistic is not None][:top_k][::-1]
    strengths = [min(r.strength, 10.0) for r in ranked]
    colors = [CURRENT_COLOR if r.drift else REFERENCE_COLOR for r in ranked]
    labels = [f"{r.column} ({r.method})" for r in ranked]
    ax.barh(labels, strengths, color=colors)
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1)
    ax.set_xlabel("statistic relative to threshold (≥ 1: drift; capped at 10)")
    ax.set_title(report.summary_line())
    return ax


def _common_bins(
    reference: ColumnSummary, current: ColumnSummary, max_points: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    support, ref_counts, cur_counts = align(reference, current)
    ref_share = ref_counts / max(ref_counts.sum(), 1)
    cur_share = cur_counts / max(cur_counts.sum(), 1)
    if not reference.is_numeric:
        order = np.argsort(-(ref_share + cur_share), kind="stable")[:max_points]
        return support[order], ref_share[order], cur_share[order]
    if len(support) <= max_points:
        return support.astype(float), ref_share, cur_share
    edges = np.linspace(float(support[0]), float(support[-1]), max_points + 1)
    index = np.clip(np.searchsorted(edges, support, side="right") - 1, 0, max_points - 1)
    return (
        edges[:-1],
        np.bincount(index, weights=ref_share, minlength=max_points),
        np.bincount(index, weights=cur_share, minlength=max_points),
    )


def plot_overlay(
    reference: ColumnSummary,
    current: ColumnSummary,
    *,
    ax: Axes | None = None,
    max_points: int = 40,
    title: str | None = None,
) -> Axes:
    """Reference vs current shares of one column on shared bins (or top categories)."""
    if ax is None:
        _, ax = new_figure(6, 3.5)
    points, ref_share, cur_share = _common_bins(reference, current, max_points)
    if reference.is_numeric and len(points) > 1:
        width = float(np.min(np.diff(points))) if len(points) > 1 else 1.0
        ax.bar(
            points,
            ref_share,
            width=width,
            align="edge",
            alpha=0.5,
            color=REFERENCE_COLOR,
            label="reference",
        )
        ax.bar(
            points,
            cur_share,
            width=width,
            align="edge",
            alpha=0.5,
            color=CURRENT_COLOR,
            label="current",
        )
    else:
        x = np.arange(len(points))
        ax.bar(x - 0.2, ref_share, width=0.4, color=REFERENCE_COLOR, label="reference")
        ax.bar(x + 0.2, cur_share, width=0.4, color=CURRENT_COLOR, label="current")
        ax.set_xticks(x, [str(p) for p in points], rotation=60, fontsize=7)
    ax.set_ylabel("share of values")
    ax.set_title(title or reference.column, fontsize=9)
    ax.legend(fontsize=7)
    return ax


def plot_distributions(
    report: DriftReport, *, columns: list[str] | None = None, top_k: int = 6, max_points: int = 40
) -> Figure:
    """A grid of overlays for ``columns`` (default: the ``top_k`` most drifted compared columns)."""
    from mlops_notebooks._render import new_figure

    chosen = columns or [r.column for r in report.ranked() if r.reference is not None][:top_k]
    results = [report[c] for c in chosen if report[c].reference is not None]
    n_cols = 2 if len(results) > 1 else 1
    n_rows = max(1, int(np.ceil(len(results) / n_cols)))
    figure = new_figure((6 * n_cols, 3.4 * n_rows))
    axes = np.atleast_1d(figure.subplots(n_rows, n_cols)).ravel()
    for ax, result in zip(axes, results, strict=False):
        statistic = f"{result.statistic:.3g}" if result.statistic is not None else "—"
        title = f"{result.column}: {result.method} = {statistic}" + (
            " (drift)" if result.drift else ""
        )
        plot_overlay(result.reference, result.current, ax=ax, max_points=max_points, title=title)  # type: ignore[arg-type]
    for ax in axes[len(results) :]:
        ax.set_visible(False)
    return figure


def plot_heatmap(windowed: WindowedDrift, *, ax: Axes | None = None) -> Axes:
    """Columns × windows heatmap of the statistic relative to its threshold (≥ 1 = drift)."""
    if ax is None:
        _, ax = new_figure(10, max(3.0, 0.3 * len(windowed.columns)))
    matrix: Any = windowed.strength_matrix()
    from matplotlib.colors import TwoSlopeNorm

    # Centre the colours on the threshold: blue cells did not drift, red cells did.
    norm = TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=3.0)
    image = ax.imshow(np.minimum(matrix, 3.0), aspect="auto", cmap="RdBu_r", norm=norm)
    ax.set_yticks(range(len(windowed.columns)), windowed.columns, fontsize=7)
    step = max(1, len(windowed.windows) // 12)
    ticks = list(range(0, len(windowed.windows), step))
    ax.set_xticks(ticks, [windowed.windows[i] for i in ticks], rotation=45, fontsize=7, ha="right")
    ax.figure.colorbar(image, ax=ax, label="statistic / threshold (≥ 1: drift; capped at 3)")
    ax.set_title("Drift per time window against the reference")
    return ax
