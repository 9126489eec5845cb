"""Time series analysis of a data set with a time column.

The rows are counted (and a value column aggregated) per period of a fixed ``frequency``;
periods with no rows are *missing periods*. The resulting regular series goes through
statsmodels: STL decomposition, ACF/PACF and the augmented Dickey–Fuller test. Missing periods
are filled by linear interpolation for those three (they need a gap-free series); the
``series`` table keeps them visible. Raw timestamps are checked for duplicates and for
irregular sampling.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._frequency import parse_frequency
from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import polars as pl
    from matplotlib.figure import Figure

__all__ = ["AdfResult", "SamplingCheck", "TimeSeriesReport", "time_series"]

MISSING_COLUMN = "column {column!r} is not in the data"
NOT_TEMPORAL = "time column {column!r} must hold dates or datetimes, not {dtype}"
NOT_NUMERIC = "value column {column!r} must be numeric or boolean, not {dtype}"
EMPTY_SERIES = "time column {column!r} has no non-null value: nothing to analyse"
Aggregation = Literal["mean", "sum", "median", "min", "max"]
# A sampling interval deviating from the median interval by more than this share is irregular.
IRREGULAR_TOLERANCE = 0.1
# Seasonal period used by STL when none is given, by the frequency's unit.
DEFAULT_PERIODS = {"h": 24, "d": 7, "w": 52, "mo": 12, "q": 4, "m": 60, "s": 60}


@dataclass(frozen=True)
class SamplingCheck:
    """Duplicated timestamps and the regularity of the intervals between distinct ones."""

    duplicate_timestamps: int
    median_interval_seconds: float | None
    interval_cv: float | None
    irregular_share: float | None


@dataclass(frozen=True)
class AdfResult:
    """Augmented Dickey–Fuller test: a small p-value rejects a unit root (stationary)."""

    statistic: float
    p_value: float
    lags: int
    critical_values: dict[str, float]

    @property
    def stationary(self) -> bool:
        """Whether the unit root is rejected at the 5 % level."""
        return self.p_value < 0.05


@dataclass(frozen=True, eq=False)
class TimeSeriesReport(Result):
    """Result of :func:`time_series`.

    Attributes
    ----------
    series : polars.DataFrame
        ``period, rows, value, rolling_mean, rolling_std``; ``value`` is the aggregated value
        column, or the row count when none was given.
    missing_periods : polars.DataFrame
        Periods between the first and last with no rows.
    sampling : SamplingCheck
        Duplicated timestamps and interval regularity of the raw timestamps.
    decomposition : polars.DataFrame or None
        ``period, trend, seasonal, residual`` from STL (``None`` if the series is too short).
    trend_strength, seasonal_strength : float or None
        ``max(0, 1 − var(residual) / var(component + residual))`` (Hyndman & Athanasopoulos).
    acf, pacf : numpy.ndarray
        Autocorrelations from lag 0; the 95 % band is ``±confidence``.
    adf : AdfResult or None
        Stationarity test (``None`` if the series is too short).
    groups : polars.DataFrame or None
        ``period, group, rows, value`` for the most frequent groups, when grouped.
    """

    time_column: str
    value_column: str | None
    frequency: str
    series: pl.DataFrame
    missing_periods: pl.DataFrame
    sampling: SamplingCheck
    decomposition: pl.DataFrame | None
    trend_strength: float | None
    seasonal_strength: float | None
    seasonal_period: int
    acf: np.ndarray
    pacf: np.ndarray
    confidence: float
    adf: AdfResult | None
    groups: pl.DataFrame | None = None

    plot_kinds: ClassVar[tuple[str, ...]] = ("series", "decomposition", "autocorrelation", "groups")
    report_title: ClassVar[str] = "Time series"

    def to_polars(self) -> pl.DataFrame:
        """The regular series with rolling statistics."""
        return self.series

    def summary(self) -> dict[str, Any]:
        """Headline facts: periods, missing periods, duplicates, regularity, strengths, ADF."""
        return {
            "time_column": self.time_column,
            "value_column": self.value_column,
            "frequency": self.frequency,
            "periods": self.series.height,
            "missing_periods": self.missing_periods.height,
            **vars(self.sampling),
            "seasonal_period": self.seasonal_period,
            "trend_strength": self.trend_strength,
            "seasonal_strength": self.seasonal_strength,
            "adf_statistic": None if self.adf is None else self.adf.statistic,
            "adf_p_value": None if self.adf is None else self.adf.p_value,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "summary": self.summary(),
            "series": json.loads(self.series.write_json()),
            "missing_periods": json.loads(self.missing_periods.write_json()),
            "acf": [float(v) for v in self.acf],
            "pacf": [float(v) for v in self.pacf],
            "confidence": self.confidence,
            "adf": None if self.adf is None else vars(self.adf),
        }

    def _html_body(self) -> str:
        import polars as pl

        from mlops_notebooks._render import format_number, frame_to_html

        items = self.summary().items()
        table = pl.DataFrame(
            {
                "": [str(key) for key, _ in items],
                "value": [
                    format_number(v) if isinstance(v, int | float) else str(v) for _, v in items
                ],
            }
        )
        return frame_to_html(table, max_rows=100, caption="Time series")

    def plot(
        self,
        kind: str | None = None,
        *,
        ax: Any = None,
    ) -> Figure:
        """Draw the series with its rolling band, the STL components, ACF/PACF, or the groups.

        ``kind`` defaults to ``"series"``; ``series`` and ``groups`` draw into ``ax`` when given,
        the others need their own figure.
        """
        from mlops_notebooks.eda import plots_time

        kind = check_kind(kind, self.plot_kinds, what="time series plot kind")
        return plots_time.plot(self, str(kind), ax=ax)


def time_series(
    data: FrameLike,
    time_column: str,
    *,
    value_column: str | None = None,
    frequency: str = "1d",
    aggregation: Aggregation = "mean",
    group_column: str | None = None,
    top_groups: int = 5,
    rolling_window: int = 7,
    seasonal_period: int | None = None,
    lags: int = 40,
) -> TimeSeriesReport:
    """Analyse ``data`` over ``time_column``: resampling, rolling statistics, STL, ACF, ADF.

    Parameters
    ----------
    data : frame or data ref
        The data set.
    time_column : str
        A date or datetime column (time zones are kept).
    value_column : str, optional
        Numeric or boolean column aggregated per period (default: count rows per period).
    frequency : str, default "1d"
        Period length in polars duration syntax: ``"1h"``, ``"1d"``, ``"1w"``, ``"1mo"``.
    aggregation : {"mean", "sum", "median", "min", "max"}, default "mean"
        How ``value_column`` is aggregated per period.
    group_column : str, optional
        Also build one series per group (the ``top_groups`` most frequent).
    rolling_window : int, default 7
        Periods in the rolling mean and standard deviation.
    seasonal_period : int, optional
        Periods per season for STL (default by unit: hours 24, days 7, weeks 52, months 12).
    lags : int, default 40
        Largest lag of the ACF and PACF (capped at half the series length).

    Returns
    -------
    TimeSeriesReport

    Raises
    ------
    InvalidInputError
        If a column is missing, the time column is not temporal or empty, or the value
        column is not numeric.
    FrequencyError
        If ``frequency`` is not a time step such as ``"1d"``.
    """
    import polars as pl

    step = parse_frequency(frequency)
    frequency = step.text
    frame = to_polars(data)
    _validate(frame, time_column, value_column, group_column)
    value = (
        pl.len()
        if value_column is None
        else getattr(pl.col(value_column).cast(pl.Float64), aggregation)()
    )
    series = _regular(frame, time_column, frequency, value)
    missing = series.filter(pl.col("rows") == 0).select("period")
    series = series.with_columns(
        rolling_mean=pl.col("value").rolling_mean(rolling_window, min_samples=1),
        rolling_std=pl.col("value").rolling_std(rolling_window, min_samples=2),
    )
    filled = (
        series.get_column("value")
        .cast(pl.Float64)
        .interpolate()
        .fill_null(strategy="backward")
        .fill_null(strategy="forward")
        .to_numpy()
    )
    period = seasonal_period or DEFAULT_PERIODS.get(step.unit, 7)
    decomposition, trend, seasonal = _stl(series.get_column("period"), filled, period)
    acf, pacf = _autocorrelation(filled, lags)
    return TimeSeriesReport(
        time_column=time_column,
        value_column=value_column,
        frequency=frequency,
        series=series,
        missing_periods=missing,
        sampling=_sampling(frame, time_column, group_column),
        decomposition=decomposition,
        trend_strength=trend,
        seasonal_strength=seasonal,
        seasonal_period=period,
        acf=acf,
        pacf=pacf,
        confidence=1.96 / np.sqrt(max(filled.size, 1)),
        adf=_adf(filled),
        groups=None
        if group_column is None
        else _groups(frame, time_column, group_column, frequency, value, top_groups),
    )


def _validate(
    frame: pl.DataFrame, time_column: str, value_column: str | None, group_column: str | None
) -> None:
    import polars as pl

    for column in (time_column, value_column, group_column):
        if column is not None and column not in frame.columns:
            raise InvalidInputError(MISSING_COLUMN.format(column=column))
    dtype = frame.schema[time_column]
    if dtype != pl.Date and not isinstance(dtype, pl.Datetime):
        raise InvalidInputError(NOT_TEMPORAL.format(column=time_column, dtype=dtype))
    if frame.get_column(time_column).null_count() == frame.height:
        raise InvalidInputError(EMPTY_SERIES.format(column=time_column))
    if value_column is not None:
        value_dtype = frame.schema[value_column]
        if not (value_dtype.is_numeric() or value_dtype == pl.Boolean):
            raise InvalidInputError(NOT_NUMERIC.format(column=value_column, dtype=value_dtype))


def _regular(frame: pl.DataFrame, time_column: str, frequency: str, value: pl.Expr) -> pl.DataFrame:
    """Aggregate per period and insert the periods that have no rows (rows 0, value null)."""
    import polars as pl

    per_period = (
        frame.lazy()
        .drop_nulls(time_column)
        .group_by(pl.col(time_column).dt.truncate(frequency).alias("period"))
        .agg(pl.len().alias("rows"), value.cast(pl.Float64).alias("value"))
        .sort("period")
        .collect()
    )
    periods = per_period.get_column("period")
    ranges = pl.datetime_range if isinstance(periods.dtype, pl.Datetime) else pl.date_range
    first, last = periods.min(), periods.max()
    grid = pl.select(ranges(first, last, interval=frequency, eager=True).alias("period"))  # type: ignore[arg-type]
    grid = grid.with_columns(pl.col("period").cast(periods.dtype))
    joined = grid.join(per_period, on="period", how="full", coalesce=True).sort("period")
    return joined.with_columns(pl.col("rows").fill_null(0))


def _stl(
    periods: pl.Series, values: np.ndarray, period: int
) -> tuple[pl.DataFrame | None, float | None, float | None]:
    import polars as pl
    from statsmodels.tsa.seasonal import STL

    if values.size < 2 * period + 1 or period < 2 or not np.isfinite(values).all():
        return None, None, None
    fit = STL(values, period=period, robust=True).fit()
    trend, seasonal, residual = (np.asarray(a) for a in (fit.trend, fit.seasonal, fit.resid))
    frame = pl.DataFrame(
        {"period": periods, "trend": trend, "seasonal": seasonal, "residual": residual}
    )
    return frame, _strength(trend, residual), _strength(seasonal, residual)


def _strength(component: np.ndarray, residual: np.ndarray) -> float | None:
    total = np.var(component + residual)
    return None if total == 0 else float(max(0.0, 1.0 - np.var(residual) / total))


def _autocorrelation(values: np.ndarray, lags: int) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.tsa.stattools import acf, pacf

    usable = min(lags, values.size // 2 - 1)
    if usable < 1 or np.ptp(values) == 0 or not np.isfinite(values).all():
        return np.array([1.0]), np.array([1.0])
    return np.asarray(acf(values, nlags=usable)), np.asarray(pacf(values, nlags=usable))


def _adf(values: np.ndarray) -> AdfResult | None:
    from statsmodels.tsa.stattools import adfuller

    if values.size < 10 or np.ptp(values) == 0 or not np.isfinite(values).all():
        return None
    from threadpoolctl import threadpool_limits

    # ~40 small least-squares fits: threaded BLAS only adds contention on a shared machine.
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("ignore", RuntimeWarning)  # near-perfect fits divide by ~0
        result = adfuller(values, autolag="AIC", result_object=True)
    critical = {key: float(value) for key, value in result.critical_values.items()}
    return AdfResult(float(result.statistic), float(result.pvalue), int(result.lags), critical)


def _sampling(frame: pl.DataFrame, time_column: str, group_column: str | None) -> SamplingCheck:
    import polars as pl

    keys = [time_column] if group_column is None else [group_column, time_column]
    times = frame.select(keys).drop_nulls(time_column)
    duplicates = times.height - times.unique().height
    stamps = times.get_column(time_column).unique().sort()
    seconds = (
        stamps.cast(pl.Datetime("us"))
        .dt.epoch("us")
        .diff()
        .drop_nulls()
        .cast(pl.Float64)
        .to_numpy()
        / 1e6
    )
    if seconds.size == 0:
        return SamplingCheck(duplicates, None, None, None)
    median = float(np.median(seconds))
    irregular = float(np.mean(np.abs(seconds - median) > IRREGULAR_TOLERANCE * median))
    mean = float(seconds.mean())
    return SamplingCheck(
        duplicates, median, float(seconds.std() / mean) if mean else None, irregular
    )


def _groups(
    frame: pl.DataFrame,
    time_column: str,
    group_column: str,
    frequency: str,
    value: pl.Expr,
    top: int,
) -> pl.DataFrame:
    import polars as pl

    group = pl.col(group_column).cast(pl.String).fill_null("(missing)")
    frequent = (
        frame.select(group.value_counts(sort=True).struct.field(group_column)).head(top).to_series()
    )
    return (
        frame.lazy()
        .drop_nulls(time_column)
        .with_columns(group.alias("group"))
        .filter(pl.col("group").is_in(frequent.to_list()))
        .group_by(pl.col(time_column).dt.truncate(frequency).alias("period"), "group")
        .agg(pl.len().alias("rows"), value.cast(pl.Float64).alias("value"))
        .sort("group", "period")
        .collect()
    )
