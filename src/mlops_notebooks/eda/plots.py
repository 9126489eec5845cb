"""Distribution plots and heatmaps (render layer: matplotlib imported inside each function).

Every function returns a :class:`matplotlib.figure.Figure` and works with the Agg backend.
Plots of raw data draw from a seeded sample of at most ``sample_rows`` rows: a histogram of
200,000 points looks the same as one of ten million.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._kinds import ColumnKind, infer_kinds
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mlops_notebooks.eda.profiling import DataProfile

__all__ = [
    "plot_box",
    "plot_distributions",
    "plot_heatmap",
    "plot_profile",
    "plot_top_categories",
]

MISSING_COLUMN = "column {column!r} is not in the data"
NOT_NUMERIC = "column {column!r} is not numeric: box and violin plots need numbers"
# Log scale when the sample's skewness exceeds this and all values are positive.
LOG_SKEW = 2.0
KDE_POINTS = 20_000


def _figure(panels: int, columns: int = 3, size: float = 3.2) -> tuple[Figure, list[Axes]]:
    from mlops_notebooks._render import new_figure

    cols = max(1, min(columns, panels))
    rows = max(1, math.ceil(panels / cols))
    figure = new_figure((size * 1.4 * cols, size * rows))
    axes = figure.subplots(rows, cols, squeeze=False).ravel().tolist()
    for extra in axes[panels:]:
        extra.set_visible(False)
    return figure, axes[:panels]


def _sample(frame: pl.DataFrame, rows: int, seed: int) -> pl.DataFrame:
    return frame.sample(n=rows, seed=seed) if frame.height > rows else frame


def _finite_values(frame: pl.DataFrame, column: str) -> np.ndarray:
    import polars as pl

    values = frame.get_column(column).cast(pl.Float64).drop_nulls().to_numpy()
    return values[np.isfinite(values)]


def _check_columns(frame: pl.DataFrame, columns: list[str]) -> None:
    for column in columns:
        if column not in frame.columns:
            raise InvalidInputError(MISSING_COLUMN.format(column=column))


def plot_distributions(
    data: FrameLike,
    columns: list[str] | None = None,
    *,
    reference: FrameLike | None = None,
    labels: tuple[str, str] = ("current", "reference"),
    bins: int = 50,
    log_scale: bool | Literal["auto"] = "auto",
    max_columns: int = 12,
    sample_rows: int = 200_000,
    seed: int = 0,
) -> Figure:
    """Histograms with a density curve for numeric columns, top-value bars for categorical ones.

    Parameters
    ----------
    data : frame or data ref
        The data set (called ``labels[0]`` when a reference is overlaid).
    columns : list of str, optional
        Columns to draw (default: the first ``max_columns`` numeric, categorical and boolean).
    reference : frame or data ref, optional
        A second data set drawn over the first (for example reference vs current).
    labels : (str, str), default ("current", "reference")
        Legend names of ``data`` and ``reference``.
    bins : int, default 50
        Histogram bins (shared by both data sets).
    log_scale : bool or "auto", default "auto"
        Logarithmic x axis; "auto" uses it for positive data with skewness above 2.
    max_columns : int, default 12
        Panels drawn at most when ``columns`` is not given.
    sample_rows : int, default 200000
        Rows drawn at most from each data set (seeded sample).
    seed : int, default 0
        Sampling seed.

    Returns
    -------
    matplotlib.figure.Figure
    """
    frame = _sample(to_polars(data), sample_rows, seed)
    other = (
        None
        if reference is None
        else _sample(to_polars(reference, name="reference"), sample_rows, seed)
    )
    kinds = infer_kinds(frame)
    if columns is None:
        usable = (ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)
        columns = [c for c in frame.columns if kinds[c] in usable][:max_columns]
    _check_columns(frame, columns)
    if other is not None:
        _check_columns(other, columns)
    figure, axes = _figure(len(columns))
    for axis, column in zip(axes, columns, strict=True):
        sets = [(labels[0], frame)] + ([(labels[1], other)] if other is not None else [])
        if kinds[column] == ColumnKind.NUMERIC:
            _histogram(axis, column, sets, bins, log_scale)
        else:
            _category_bars(axis, column, sets, top=10)
        axis.set_title(column, fontsize=10)
    return figure


def _spread_subset(values: np.ndarray, size: int) -> np.ndarray:
    """At most ``size`` values drawn uniformly (seeded), never the first rows: data is often
    sorted by time, and the first rows of a year of flights are all January."""
    if values.size <= size:
        return values
    rng = np.random.default_rng(0)
    return values[rng.choice(values.size, size=size, replace=False)]


def _histogram(
    axis: Axes, column: str, sets: list[tuple[str, Any]], bins: int, log_scale: bool | str
) -> None:
    from scipy.stats import gaussian_kde, skew

    arrays = [(label, _finite_values(frame, column)) for label, frame in sets]
    pooled = np.concatenate([values for _, values in arrays])
    if pooled.size == 0:
        axis.text(0.5, 0.5, "no finite values", ha="center", transform=axis.transAxes)
        return
    use_log = log_scale is True or (
        log_scale == "auto"
        and pooled.min() > 0
        and pooled.size > 2
        and pooled.std() > 0
        and abs(float(skew(pooled))) > LOG_SKEW
    )
    edges = (
        np.geomspace(pooled.min(), pooled.max(), bins + 1)
        if use_log and pooled.max() > pooled.min()
        else np.histogram_bin_edges(pooled, bins=bins)
    )
    for label, values in arrays:
        axis.hist(values, bins=list(edges), density=True, alpha=0.45, label=label)
        if values.size > 2 and np.ptp(values) > 0:
            kde_input = np.log(values) if use_log else values
            kde = gaussian_kde(_spread_subset(kde_input, KDE_POINTS))
            grid = np.linspace(kde_input.min(), kde_input.max(), 200)
            density = kde(grid)
            x = np.exp(grid) if use_log else grid
            axis.plot(x, density / x if use_log else density, linewidth=1.2)
    if use_log:
        axis.set_xscale("log")
    if len(arrays) > 1:
        axis.legend(fontsize=8)


def _category_bars(axis: Axes, column: str, sets: list[tuple[str, Any]], top: int) -> None:
    import polars as pl

    shares = []
    for label, frame in sets:
        counts = frame.get_column(column).cast(pl.String).fill_null("(missing)").value_counts()
        total = counts.get_column("count").sum() or 1
        shares.append(
            (label, {row[column]: row["count"] / total for row in counts.iter_rows(named=True)})
        )
    first = shares[0][1]
    order = sorted(first, key=lambda value: -first[value])[:top]
    positions = np.arange(len(order))
    width = 0.8 / len(shares)
    for index, (label, share) in enumerate(shares):
        axis.barh(
            positions + index * width, [share.get(v, 0.0) for v in order], height=width, label=label
        )
    axis.set_yticks(
        positions + width * (len(shares) - 1) / 2, [str(v)[:24] for v in order], fontsize=8
    )
    axis.invert_yaxis()
    axis.set_xlabel("share of rows")
    if len(shares) > 1:
        axis.legend(fontsize=8)


@renamed(top="top_k")
def plot_top_categories(
    data: FrameLike,
    column: str,
    *,
    top_k: int = 20,
    reference: FrameLike | None = None,
    labels: tuple[str, str] = ("current", "reference"),
) -> Figure:
    """Bars of the ``top_k`` most frequent values (share of rows), optionally overlaid."""
    frame = to_polars(data)
    _check_columns(frame, [column])
    sets = [(labels[0], frame)]
    if reference is not None:
        other = to_polars(reference, name="reference")
        _check_columns(other, [column])
        sets.append((labels[1], other))
    figure, (axis,) = _figure(1, size=max(3.2, top_k * 0.22))
    _category_bars(axis, column, sets, top_k)
    axis.set_title(column)
    return figure


@renamed(top="top_k")
def plot_box(
    data: FrameLike,
    column: str,
    by: str,
    *,
    kind: Literal["box", "violin"] = "box",
    top_k: int = 10,
    sample_rows: int = 200_000,
    seed: int = 0,
) -> Figure:
    """Box or violin plots of numeric ``column`` for the ``top_k`` commonest groups of ``by``."""
    import polars as pl

    frame = _sample(to_polars(data), sample_rows, seed)
    _check_columns(frame, [column, by])
    if not frame.schema[column].is_numeric():
        raise InvalidInputError(NOT_NUMERIC.format(column=column))
    groups = frame.get_column(by).cast(pl.String).fill_null("(missing)")
    frame = frame.with_columns(groups.alias("\x00group"))
    order = (
        frame.get_column("\x00group")
        .value_counts(sort=True)
        .get_column("\x00group")
        .head(top_k)
        .to_list()
    )
    values = [_finite_values(frame.filter(pl.col("\x00group") == g), column) for g in order]
    kept = [(g, v) for g, v in zip(order, values, strict=True) if v.size]
    figure, (axis,) = _figure(1, size=4.0)
    if kept:
        if kind == "violin":
            axis.violinplot([v for _, v in kept], showmedians=True)
        else:
            axis.boxplot([v for _, v in kept], showfliers=False)
        axis.set_xticks(
            range(1, len(kept) + 1), [str(g)[:16] for g, _ in kept], rotation=45, ha="right"
        )
    axis.set_xlabel(by)
    axis.set_ylabel(column)
    axis.set_title(f"{column} by {by}")
    return figure


def plot_heatmap(
    matrix: pd.DataFrame, *, title: str = "", vmin: float = -1.0, ax: Axes | None = None
) -> Figure:
    """A labelled heatmap of a square or rectangular matrix (NaN cells left blank)."""
    size = max(4.0, 0.35 * max(matrix.shape))
    from mlops_notebooks._render import figure_of, new_axes

    axis = new_axes(ax, (size + 1.5, size))
    figure = figure_of(axis)
    image = axis.imshow(
        np.ma.masked_invalid(matrix.to_numpy(dtype=float)), cmap="RdBu_r", vmin=vmin, vmax=1.0
    )
    axis.set_xticks(
        range(matrix.shape[1]), [str(c)[:20] for c in matrix.columns], rotation=90, fontsize=8
    )
    axis.set_yticks(range(matrix.shape[0]), [str(c)[:20] for c in matrix.index], fontsize=8)
    figure.colorbar(image, ax=axis, shrink=0.8)
    axis.set_title(title)
    return figure


def plot_profile(report: DataProfile, columns: list[str] | None = None) -> Figure:
    """Small multiples from a profile alone: quantile boxes for numbers, bars for categories."""
    chosen = [c for c in report.columns if columns is None or c.name in columns]
    chosen = [c for c in chosen if c.numeric is not None or c.categorical is not None][:24]
    figure, axes = _figure(max(1, len(chosen)), columns=4, size=2.6)
    for axis, column in zip(axes, chosen, strict=False):
        if column.numeric is not None and column.numeric.quantiles:
            q = column.numeric.quantiles
            stats = {
                "med": q[0.5],
                "q1": q[0.25],
                "q3": q[0.75],
                "whislo": q[0.01],
                "whishi": q[0.99],
                "fliers": [],
            }
            axis.bxp([stats], orientation="horizontal", showfliers=False)
            axis.set_yticks([])
            axis.set_xlabel("1 % … 99 %", fontsize=8)
        elif column.categorical is not None:
            top = column.categorical.top(8)
            axis.barh([str(v)[:16] for v, _ in top], [c for _, c in top])
            axis.invert_yaxis()
            axis.tick_params(labelsize=7)
        axis.set_title(column.name, fontsize=9)
    return figure
