"""``profile`` on data beyond memory: streamed Parquet, Dask and Spark.

Every partition is summarised into a :class:`~mlops_notebooks.summaries.table.TableSummary`
(exact counts, moments and extremes; KLL quantiles, HyperLogLog distinct counts, frequent
items), the summaries are merged, and the merged summary becomes the same
:class:`~mlops_notebooks.eda.profiling.DataProfile` the in-memory path returns. Statistics that
come from a sketch are marked: ``NumericSummary.sketch_merged`` (quantiles within the KLL rank
error), ``ColumnProfile.distinct_exact`` (HyperLogLog estimate otherwise).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from mlops_notebooks._kinds import ColumnKind, infer_kinds
from mlops_notebooks.eda.compute import MAX_KEPT_VALUES, normalize
from mlops_notebooks.eda.summaries import (
    REPORTED_QUANTILES,
    SKETCH_POINTS,
    CategoricalSummary,
    ColumnProfile,
    DatetimeSummary,
    NumericSummary,
    TextSummary,
)
from mlops_notebooks.eda.warnings import DatasetOverview, WarningThresholds, collect_warnings
from mlops_notebooks.summaries.engines import reduce_partitions, sample_frame
from mlops_notebooks.summaries.table import ColumnSketch, TableSummary, summarize_batch

if TYPE_CHECKING:
    import polars as pl

    from mlops_notebooks.eda.warnings import ProfileWarning

__all__ = ["profile_at_scale", "summarize_table"]

IQR_FENCE = 1.5


def summarize_table(data: Any, engine: str, *, progress: bool | None = None) -> TableSummary:
    """Merged summary of every partition of ``data`` on ``engine`` (stream, dask or spark)."""
    sample = sample_frame(data, engine)
    kinds = infer_kinds(normalize(sample))
    if engine == "spark":
        from mlops_notebooks.summaries.spark import summarize_spark

        return summarize_spark(data, kinds)
    return reduce_partitions(
        data,
        engine,
        partial(_summarize_normalized, kinds=kinds),
        TableSummary.merge,
        progress=progress,
        description="profile",
    )


def _summarize_normalized(frame: pl.DataFrame, kinds: dict[str, ColumnKind]) -> TableSummary:
    return summarize_batch(normalize(frame), kinds)


def profile_at_scale(
    data: Any, engine: str, *, thresholds: WarningThresholds, progress: bool | None
) -> tuple[DatasetOverview, tuple[ColumnProfile, ...], tuple[ProfileWarning, ...]]:
    """Overview, column profiles and warnings of ``data`` from merged partition summaries.

    :func:`mlops_notebooks.eda.profile` builds the :class:`DataProfile` (no correlations).
    """
    summary = summarize_table(data, engine, progress=progress)
    columns = [column_profile(sketch) for sketch in summary.columns.values()]
    kinds: dict[str, int] = {}
    for column in columns:
        kinds[column.kind] = kinds.get(column.kind, 0) + 1
    overview = DatasetOverview(
        rows=summary.rows,
        columns=len(columns),
        memory_bytes=summary.memory_bytes,
        duplicate_rows=summary.duplicate_rows,
        kinds=kinds,
        duplicate_rows_error=None
        if summary.duplicates_exact
        else summary.row_distinct.relative_error * summary.rows,
    )
    return overview, tuple(columns), tuple(collect_warnings(overview, columns, thresholds))


def column_profile(sketch: ColumnSketch) -> ColumnProfile:
    """A :class:`ColumnProfile` read off a merged column summary."""
    categorical = _categorical(sketch)
    exact_counts = categorical is not None and not categorical.truncated
    if exact_counts and categorical is not None:
        distinct = len(categorical.counts)
    else:
        distinct = sketch.distinct.estimate()
    return ColumnProfile(
        name=sketch.name,
        dtype=sketch.dtype,
        kind=str(sketch.kind),
        count=sketch.rows,
        missing=sketch.missing,
        distinct=distinct,
        numeric=_numeric(sketch),
        categorical=categorical,
        datetime=_datetime(sketch),
        text=_text(sketch),
        distinct_exact=exact_counts or sketch.distinct.exact,
        distinct_error=None
        if exact_counts or sketch.distinct.exact
        else sketch.distinct.relative_error,
    )


def _numeric(sketch: ColumnSketch) -> NumericSummary | None:
    if sketch.quantiles is None or sketch.first is not None or sketch.kind == ColumnKind.EMPTY:
        return None
    quantiles = sketch.quantiles
    n = sketch.moments.count
    grid = quantiles.quantiles(SKETCH_POINTS) if n else np.array([])
    ranks = list(REPORTED_QUANTILES)
    reported = dict(zip(ranks, map(float, quantiles.quantiles(ranks)), strict=True))
    outliers = 0
    if n:
        q1, q3 = reported[0.25], reported[0.75]
        fence = IQR_FENCE * (q3 - q1)
        # Ranks read off the sketch: the count is within n · rank_error of the exact one.
        # Below the low fence: share < q1 - fence; above the high one: 1 - share <= q3 + fence.
        # (Two calls: with IQR 0 the fences coincide, and the sketch wants distinct points.)
        below = quantiles.cdf(np.array([q1 - fence]))[0]
        at_most = quantiles.cdf(np.array([q3 + fence]), inclusive=True)[0]
        outliers = round(n * (float(below) + 1.0 - float(at_most)))
    return NumericSummary(
        moments=sketch.moments,
        minimum=sketch.minimum,
        maximum=sketch.maximum,
        quantiles=reported if n else {},
        sketch=tuple(float(v) for v in grid),
        zeros=sketch.zeros,
        negatives=sketch.negatives,
        infinities=sketch.infinite,
        iqr_outliers=outliers,
        robust_z_outliers=None,
        mad=None,
        sketch_merged=True,
        rank_error=quantiles.rank_error,
    )


def _categorical(sketch: ColumnSketch) -> CategoricalSummary | None:
    if sketch.counts is not None:
        return CategoricalSummary(dict(sketch.counts))
    if sketch.frequent is not None:
        frequent = sketch.frequent
        return CategoricalSummary(
            dict(frequent.top(MAX_KEPT_VALUES)), truncated=True, count_error=frequent.max_error
        )
    return None


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _datetime(sketch: ColumnSketch) -> DatetimeSummary | None:
    if sketch.first is None or sketch.kind == ColumnKind.EMPTY:
        return None
    span = None
    if isinstance(sketch.first, dt.datetime | dt.date) and sketch.minimum is not None:
        span = ((sketch.maximum or 0.0) - sketch.minimum) / 1e6
    return DatetimeSummary(
        minimum=_iso(sketch.first),
        maximum=_iso(sketch.last),
        range_seconds=span,
        median_interval_seconds=None,
        largest_gap_seconds=None,
        largest_gap_start=None,
    )


def _text(sketch: ColumnSketch) -> TextSummary | None:
    if sketch.kind != ColumnKind.TEXT or sketch.lengths is None or sketch.words is None:
        return None
    return TextSummary(
        length=sketch.lengths,
        length_min=sketch.length_range[0],
        length_max=sketch.length_range[1],
        words=sketch.words,
        words_min=sketch.words_range[0],
        words_max=sketch.words_range[1],
    )
