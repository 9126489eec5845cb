"""Plots of a :class:`~mlops_notebooks.eda.timeseries.TimeSeriesReport` (matplotlib, lazy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mlops_notebooks._protocol import refuse_axes
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mlops_notebooks.eda.timeseries import TimeSeriesReport

__all__ = ["plot"]

NOTHING_TO_DRAW = "no {what} to draw: {reason}"


def _new(rows: int, height: float = 2.6) -> tuple[Figure, list[Axes]]:
    from mlops_notebooks._render import new_figure

    figure = new_figure((10, height * rows))
    return figure, list(figure.subplots(rows, 1, squeeze=False).ravel())


def _one(ax: Any) -> tuple[Figure, Axes]:
    from mlops_notebooks._render import figure_of, new_axes

    axis = new_axes(ax, (10, 3.5))
    return figure_of(axis), axis


def _series(report: TimeSeriesReport, ax: Any) -> Figure:
    figure, axis = _one(ax)
    frame = report.series
    period = frame.get_column("period").to_numpy()
    mean = frame.get_column("rolling_mean").to_numpy()
    std = frame.get_column("rolling_std").fill_null(0.0).to_numpy()
    axis.plot(period, frame.get_column("value").to_numpy(), linewidth=0.8, label="value")
    axis.plot(period, mean, linewidth=1.5, label="rolling mean")
    axis.fill_between(period, mean - std, mean + std, alpha=0.2, label="± rolling std")
    for missing in report.missing_periods.get_column("period").to_numpy():
        axis.axvline(missing, color="red", alpha=0.3, linewidth=0.8)
    axis.set_ylabel(report.value_column or "rows")
    axis.set_title(f"{report.value_column or 'rows'} per {report.frequency} (red: missing periods)")
    axis.legend(fontsize=8)
    return figure


def _decomposition(report: TimeSeriesReport, ax: Any) -> Figure:
    refuse_axes(ax, "decomposition")
    if report.decomposition is None:
        raise InvalidInputError(
            NOTHING_TO_DRAW.format(
                what="decomposition", reason=f"fewer than {2 * report.seasonal_period + 1} periods"
            )
        )
    figure, axes = _new(3)
    period = report.decomposition.get_column("period").to_numpy()
    for axis, part in zip(axes, ("trend", "seasonal", "residual"), strict=True):
        axis.plot(period, report.decomposition.get_column(part).to_numpy(), linewidth=0.9)
        axis.set_ylabel(part)
    axes[0].set_title(f"STL decomposition (season = {report.seasonal_period} periods)")
    return figure


def _autocorrelation(report: TimeSeriesReport, ax: Any) -> Figure:
    refuse_axes(ax, "autocorrelation")
    figure, axes = _new(2)
    for axis, values, name in ((axes[0], report.acf, "ACF"), (axes[1], report.pacf, "PACF")):
        lags = np.arange(values.size)
        axis.vlines(lags, 0, values)
        axis.axhspan(-report.confidence, report.confidence, alpha=0.2)
        axis.axhline(0, color="black", linewidth=0.5)
        axis.set_ylabel(name)
    axes[1].set_xlabel("lag (periods)")
    return figure


def _groups(report: TimeSeriesReport, ax: Any) -> Figure:
    if report.groups is None:
        raise InvalidInputError(NOTHING_TO_DRAW.format(what="groups", reason="no group_column"))
    figure, axis = _one(ax)
    for (group,), part in report.groups.group_by("group", maintain_order=True):
        axis.plot(
            part.get_column("period").to_numpy(),
            part.get_column("value").to_numpy(),
            label=str(group),
            linewidth=0.9,
        )
    axis.legend(fontsize=8)
    axis.set_ylabel(report.value_column or "rows")
    return figure


_KINDS = {
    "series": _series,
    "decomposition": _decomposition,
    "autocorrelation": _autocorrelation,
    "groups": _groups,
}


def plot(report: TimeSeriesReport, kind: str, *, ax: Any = None) -> Figure:
    """Draw ``kind`` (``series``, ``decomposition``, ``autocorrelation`` or ``groups``)."""
    from mlops_notebooks._protocol import lookup

    draw = lookup(_KINDS, kind, what="time series plot kind")
    figure: Figure = draw(report, ax)
    return figure
