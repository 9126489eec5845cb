"""Plots of a :class:`~mlops_notebooks.eda.missing.MissingValuesReport` (matplotlib, lazy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mlops_notebooks.eda.missing import MissingValuesReport

__all__ = ["plot_bar", "plot_co_missing", "plot_matrix", "plot_over_time"]


def _axes(ax: Any, width: float, height: float) -> tuple[Figure, Axes]:
    from mlops_notebooks._render import figure_of, new_axes

    axis = new_axes(ax, (width, height))
    return figure_of(axis), axis


def plot_bar(report: MissingValuesReport, *, ax: Any = None) -> Figure:
    """Share missing per column (columns with any missing value)."""
    import polars as pl

    rows = report.per_column.filter(pl.col("missing") > 0)
    figure, axis = _axes(ax, 7, max(2.0, 0.3 * rows.height + 1))
    axis.barh(rows.get_column("column").to_list(), rows.get_column("share").to_list())
    axis.invert_yaxis()
    axis.set_xlabel("share of rows missing")
    axis.set_title("Missing values per column")
    return figure


def plot_matrix(report: MissingValuesReport, *, ax: Any = None) -> Figure:
    """Rows (a sample, in time order if known) × columns; dark cells are missing."""
    sample = report.matrix_sample
    figure, axis = _axes(ax, max(6.0, 0.3 * sample.width + 2), 5)
    axis.imshow(
        sample.to_numpy().astype(float),
        aspect="auto",
        cmap="Greys",
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
    axis.set_xticks(range(sample.width), [c[:20] for c in sample.columns], rotation=90, fontsize=8)
    axis.set_ylabel(f"rows (sample of {sample.height:,})")
    axis.set_title("Missingness matrix")
    return figure


def plot_co_missing(report: MissingValuesReport, *, ax: Any = None) -> Figure:
    """Nullity correlation between partly missing columns."""
    from mlops_notebooks.eda.plots import plot_heatmap

    return plot_heatmap(report.co_missing, title="co-missingness (φ of missing indicators)", ax=ax)


def plot_over_time(report: MissingValuesReport, *, ax: Any = None) -> Figure:
    """Share missing per period, one line per column that is ever missing."""
    figure, axis = _axes(ax, 8, 4)
    frame = report.over_time
    if frame is not None:
        periods = frame.get_column("period").to_numpy()
        for column in frame.columns[2:]:
            values = frame.get_column(column).to_numpy()
            if np.nanmax(values, initial=0.0) > 0:
                axis.plot(periods, values, label=column)
        if axis.lines:
            axis.legend(fontsize=8)
    axis.set_ylabel("share missing")
    axis.set_title("Missing values over time")
    return figure
