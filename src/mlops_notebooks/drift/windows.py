"""Drift over time: the current data split into windows, each compared with the reference."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike
from mlops_notebooks._frequency import parse_frequency
from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks._render import figure_of
from mlops_notebooks.drift.comparison import compare, read_input
from mlops_notebooks.drift.methods import MethodInput, get_method
from mlops_notebooks.drift.summaries import finite_values, plan_column, summarize
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import polars as pl
    from matplotlib.figure import Figure

    from mlops_notebooks.drift.report import ColumnDrift, DriftReport

__all__ = ["WindowedDrift", "drift_over_time"]

MISSING_TIME_COLUMN = "time column {name!r} is not in current data"
NOT_A_TIME_COLUMN = "time column {name!r} must hold dates or datetimes, not {dtype}"
BAD_ROWS = "frequency as a row count must be a positive number of rows, not {rows}"


@dataclass(frozen=True)
class WindowedDrift(Result):
    """Per-window drift statistics of each column against the reference.

    Attributes
    ----------
    windows : tuple of str
        Window labels (start time, or ``rows a–b``), in time order.
    rows : tuple of int
        Rows of current data in each window.
    columns : tuple of str
        Compared columns.
    methods, thresholds : tuple
        Method and threshold per column (the ones the overall comparison chose).
    statistics, p_values : numpy.ndarray, shape (n_columns, n_windows)
        Statistic and p-value (NaN when the method has none or the window has no value).
    drift : numpy.ndarray of bool, shape (n_columns, n_windows)
        Drift decision per column and window (False where nothing could be computed).
    drift_share : float
        Share of drifted columns at which a window counts as drifted.
    overall : DriftReport
        The comparison of the whole current data set.
    skipped_windows : tuple of str
        Windows left out because they had fewer than ``min_rows`` rows.
    """

    windows: tuple[str, ...]
    rows: tuple[int, ...]
    columns: tuple[str, ...]
    methods: tuple[str, ...]
    thresholds: tuple[float, ...]
    statistics: np.ndarray = field(repr=False)
    p_values: np.ndarray = field(repr=False)
    drift: np.ndarray = field(repr=False)
    drift_share: float = 0.5
    overall: DriftReport | None = field(default=None, repr=False)
    skipped_windows: tuple[str, ...] = ()

    plot_kinds: ClassVar[tuple[str, ...]] = ("heatmap",)
    report_title: ClassVar[str] = "Drift over time"

    @property
    def first_drift(self) -> dict[str, str | None]:
        """For each column, the first window in which it drifted (None: never)."""
        out: dict[str, str | None] = {}
        for i, column in enumerate(self.columns):
            hits = np.flatnonzero(self.drift[i])
            out[column] = self.windows[hits[0]] if len(hits) else None
        return out

    @property
    def dataset_drift(self) -> np.ndarray:
        """Per window: whether the share of drifted columns reached ``drift_share``."""
        if not self.columns:
            return np.zeros(len(self.windows), dtype=bool)
        return np.asarray(self.drift.mean(axis=0) >= self.drift_share)

    def strength_matrix(self) -> np.ndarray:
        """Statistic relative to threshold (≥ 1: drift), shape (n_columns, n_windows)."""
        out = np.full(self.statistics.shape, np.nan)
        for i, threshold in enumerate(self.thresholds):
            p_values = self.p_values[i]
            if np.isfinite(p_values).any():
                with np.errstate(divide="ignore"):
                    out[i] = np.log10(np.maximum(p_values, 1e-300)) / math.log10(threshold)
            else:
                out[i] = self.statistics[i] / threshold
        return out

    def to_polars(self) -> pl.DataFrame:
        """Long format: one row per column and window."""
        import polars as pl

        n_windows, n_columns = len(self.windows), len(self.columns)
        return pl.DataFrame(
            {
                "column": pl.Series(np.repeat(self.columns, n_windows), dtype=pl.String),
                "window": pl.Series(np.tile(self.windows, n_columns), dtype=pl.String),
                "rows": pl.Series(np.tile(self.rows, n_columns), dtype=pl.Int64),
                "method": pl.Series(np.repeat(self.methods, n_windows), dtype=pl.String),
                "statistic": pl.Series(self.statistics.ravel(), dtype=pl.Float64),
                "p_value": pl.Series(self.p_values.ravel(), dtype=pl.Float64),
                "threshold": pl.Series(np.repeat(self.thresholds, n_windows), dtype=pl.Float64),
                "drift": pl.Series(self.drift.ravel(), dtype=pl.Boolean),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form (NaN becomes None)."""
        clean = [[None if not np.isfinite(v) else float(v) for v in row] for row in self.statistics]
        return {
            "windows": list(self.windows),
            "rows": list(self.rows),
            "columns": list(self.columns),
            "methods": list(self.methods),
            "thresholds": list(self.thresholds),
            "statistics": clean,
            "drift": self.drift.tolist(),
            "first_drift": self.first_drift,
            "dataset_drift": self.dataset_drift.tolist(),
        }

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Figure:
        """Heatmap of columns × windows (see :func:`mlops_notebooks.drift.plots.plot_heatmap`)."""
        from mlops_notebooks.drift.plots import plot_heatmap

        check_kind(kind, self.plot_kinds, what="drift-over-time plot kind")
        return figure_of(plot_heatmap(self, ax=ax))

    def _html_body(self) -> str:
        drifted = int(self.dataset_drift.sum())
        import polars as pl

        from mlops_notebooks._render import frame_to_html, paragraph

        table = pl.DataFrame(
            {
                "column": list(self.columns),
                "method": list(self.methods),
                "first drifted window": [w or "never" for w in self.first_drift.values()],
                "drifted windows": [int(self.drift[i].sum()) for i in range(len(self.columns))],
            }
        )
        summary = paragraph(f"{len(self.windows)} windows; {drifted} with dataset drift.")
        return summary + frame_to_html(table, max_rows=100)


@renamed(every="frequency", columns="features")
def drift_over_time(
    reference: FrameLike,
    current: FrameLike,
    *,
    time_column: str | None = None,
    frequency: str | int = "1w",
    features: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    methods: Mapping[str, str] | None = None,
    kind_methods: Mapping[str, str] | None = None,
    thresholds: Mapping[str, float] | None = None,
    drift_share: float = 0.5,
    min_rows: int = 100,
) -> WindowedDrift:
    """Split ``current`` into windows and compare each with ``reference``, column by column.

    Each column keeps the method and threshold that the comparison of the whole current data
    chose, so windows are comparable with each other; summaries share bins with that comparison.

    Parameters
    ----------
    reference, current : frame or data ref
        As for :func:`~mlops_notebooks.drift.compare`.
    time_column : str, optional
        Datetime column of ``current`` that defines windows; required when ``frequency`` is
        a time step. Always left out of the comparison.
    frequency : str or int, default "1w"
        A time step (``"1d"``, ``"1w"``, ``"1mo"``) or a number of rows per window
        (``every`` is its deprecated old name).
    features, ignore, methods, kind_methods, thresholds, drift_share
        As for :func:`~mlops_notebooks.drift.compare`.
    min_rows : int, default 100
        Windows with fewer rows are left out (listed in ``skipped_windows``): a handful of
        rows, such as a partial last day, would flag drift on noise.

    Returns
    -------
    WindowedDrift

    Raises
    ------
    InvalidInputError
        Missing or non-datetime time column, a row count below 1, plus everything ``compare``
        raises.
    FrequencyError
        ``frequency`` is neither a time step nor a row count.
    """
    ref_frame, _ = read_input(reference, "reference")
    cur_frame, _ = read_input(current, "current")
    all_windows = _split(cur_frame, time_column, frequency)
    windows = [(label, part) for label, part in all_windows if part.height >= min_rows]
    skipped = tuple(label for label, part in all_windows if part.height < min_rows)
    skip = [*ignore, time_column] if time_column else list(ignore)
    overall = compare(
        ref_frame,
        cur_frame,
        features=features,
        ignore=skip,
        methods=methods,
        kind_methods=kind_methods,
        thresholds=thresholds,
        drift_share=drift_share,
    )
    compared = [r for r in overall.columns if r.status == "compared" and r.method]
    shape = (len(compared), len(windows))
    statistics, p_values = np.full(shape, np.nan), np.full(shape, np.nan)
    drift = np.zeros(shape, dtype=bool)
    for i, result in enumerate(compared):
        _fill_column(result, ref_frame, cur_frame, windows, (statistics[i], p_values[i], drift[i]))
    return WindowedDrift(
        windows=tuple(label for label, _ in windows),
        rows=tuple(frame.height for _, frame in windows),
        columns=tuple(r.column for r in compared),
        methods=tuple(str(r.method) for r in compared),
        thresholds=tuple(float(r.threshold or 0.0) for r in compared),
        statistics=statistics,
        p_values=p_values,
        drift=drift,
        drift_share=drift_share,
        overall=overall,
        skipped_windows=skipped,
    )


def _fill_column(
    result: ColumnDrift,
    reference: pl.DataFrame,
    current: pl.DataFrame,
    windows: list[tuple[str, pl.DataFrame]],
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    from mlops_notebooks._kinds import ColumnKind

    column = result.column
    method = get_method(str(result.method))
    ref_series = reference.get_column(column)
    plan = plan_column(column, ColumnKind(result.kind), ref_series, current.get_column(column))
    ref_summary = result.reference or summarize(ref_series, plan)
    ref_sample = finite_values(ref_series).to_numpy() if method.uses_samples else None
    for j, (_, window) in enumerate(windows):
        series = window.get_column(column)
        summary = summarize(series, plan)
        if summary.count == 0:
            continue
        sample = finite_values(series).to_numpy() if method.uses_samples else None
        score = method.compute(MethodInput(ref_summary, summary, ref_sample, sample))
        out[0][j] = score.statistic
        out[1][j] = np.nan if score.p_value is None else score.p_value
        out[2][j] = method.is_drift(score, float(result.threshold or 0.0)) and bool(
            np.isfinite(score.statistic)
        )


def _split(
    frame: pl.DataFrame, time_column: str | None, every: str | int
) -> list[tuple[str, pl.DataFrame]]:
    import polars as pl

    if isinstance(every, int) and not isinstance(every, bool):
        if every <= 0:
            raise InvalidInputError(BAD_ROWS.format(rows=every))
        ordered = frame.sort(time_column) if time_column in frame.columns else frame
        return [
            (
                f"rows {start:,}–{min(start + every, frame.height) - 1:,}",
                ordered.slice(start, every),
            )
            for start in range(0, frame.height, every)
        ]
    every = parse_frequency(every).text
    if time_column is None or time_column not in frame.columns:
        raise InvalidInputError(MISSING_TIME_COLUMN.format(name=time_column))
    dtype = frame.schema[time_column]
    if not dtype.is_temporal() or dtype in (pl.Duration, pl.Time):
        raise InvalidInputError(NOT_A_TIME_COLUMN.format(name=time_column, dtype=dtype))
    keyed = frame.with_columns(pl.col(time_column).dt.truncate(every).alias("__window__"))
    keyed = keyed.filter(pl.col("__window__").is_not_null()).sort("__window__")
    parts = keyed.partition_by("__window__", maintain_order=True, as_dict=True)
    return [(_label(key[0]), part.drop("__window__")) for key, part in parts.items()]


def _label(start: Any) -> str:
    """A short window label: the date alone when windows start at midnight."""
    if isinstance(start, datetime):
        if start.time() == time(0):
            return start.strftime("%Y-%m-%d")
        return start.strftime("%Y-%m-%d %H:%M")
    return str(start)
