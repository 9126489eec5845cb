"""Plots of a :class:`~mlops_notebooks.eda.missing.MissingValuesReport` (matplotlib, lazy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from mlops_notebooks.eda.missing import MissingValuesReport

__all__ = ["plot_bar", "plot_co_missing", "plot_matrix", "plot_over_time"]


def _new(width: float, height: float) -> Figure:
    from mlops_notebooks._render import new_figure

    return new_figure((width, height))


def plot_bar(report: MissingValuesReport) -> Figure:
    """Share missing per column (columns with any missing value)."""
    import polars as pl

    rows = report.per_column.filter(pl.col("missing") > 0)
    figure = _new(7, max(2.0, 0.3 * rows.height + 1))
    axis = figure.subplots()
    axis.barh(rows.get_column("column").to_list(), rows.get_column("share").to_list())
    axis.invert_yaxis()
    axis.set_xlabel("share of rows missing")
    axis.set_title("Missing values per column")
    return figure


def plot_matrix(report: MissingValuesReport) -> Figure:
    """Rows (a sample, in time order if known) × columns; dark cells are missing."""
    sample = report.matrix_sample
    figure = _new(max(6.0, 0.3 * sample.width + 2), 5)
    axis = figure.subplots()
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


def plot_co_missing(report: MissingValuesReport) -> Figure:
    """Nullity correlation between partly missing columns."""
    from mlops_notebooks.eda.plots import plot_heatmap

    return plot_heatmap(report.co_missing, title="co-missingness (φ of missing indicators)")


def plot_over_time(report: MissingValuesReport) -> Figure:
    """Share missing per period, one line per column that is ever missing."""
    figure = _new(8, 4)
    axis = figure.subplots()
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
