"""Summaries of a whole table, built one partition (or streamed batch) at a time and merged.

:func:`summarize_batch` turns a polars frame — a Parquet row group, a Dask partition — into a
:class:`TableSummary`; :meth:`TableSummary.merge` combines two of them. What merges exactly:
row, null, NaN, infinity, zero and negative counts; moments (stable pairwise update); minimum
and maximum; value counts of categorical columns up to :data:`MAX_KEPT_VALUES` values; string
length and word-count moments. What is sketched, with its error bound: quantiles (KLL), distinct
counts (HyperLogLog, exact up to 4,096 values), frequent items beyond the kept value counts.
Kinds are decided once, from a sample, so every partition is summarised the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.summaries.moments import Moments, merge_moments, moments_of
from mlops_notebooks.summaries.sketches import (
    DistinctSketch,
    FrequentItems,
    QuantileSketch,
    sorted_union,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["MAX_KEPT_VALUES", "ColumnSketch", "TableSummary", "merge_summaries", "summarize_batch"]

# Value counts kept exactly per categorical column (as the in-memory profile does).
MAX_KEPT_VALUES = 10_000
# Row hashes are kept (exact duplicate count) up to this many rows, then only a distinct sketch.
EXACT_DUPLICATE_ROWS = 20_000_000
COUNTED_KINDS = frozenset({ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN})


@dataclass
class ColumnSketch:
    """Everything the profile and the drift comparison need about one column, mergeable.

    Numeric values are floats; datetimes are epoch microseconds. ``missing`` counts nulls
    and NaN; ``moments``, ``minimum``, ``maximum`` and ``quantiles`` cover finite values.
    ``first`` and ``last`` are the extremes of a temporal column in its own type.
    ``counts`` holds exact value counts of categorical and boolean columns, or ``None`` once
    more than :data:`MAX_KEPT_VALUES` distinct values were seen (``frequent`` then ranks them).
    """

    name: str
    kind: ColumnKind
    dtype: str
    rows: int = 0
    missing: int = 0
    infinite: int = 0
    zeros: int = 0
    negatives: int = 0
    moments: Moments = field(default_factory=Moments.empty)
    minimum: float | None = None
    maximum: float | None = None
    quantiles: QuantileSketch | None = None
    distinct: DistinctSketch = field(default_factory=DistinctSketch)
    counts: dict[str, int] | None = None
    frequent: FrequentItems | None = None
    lengths: Moments | None = None
    words: Moments | None = None
    length_range: tuple[int | None, int | None] = (None, None)
    words_range: tuple[int | None, int | None] = (None, None)
    first: Any = None
    last: Any = None

    @property
    def is_numeric(self) -> bool:
        """Whether the column has numeric values (numbers or datetimes)."""
        return self.quantiles is not None

    def merge(self, other: ColumnSketch) -> ColumnSketch:
        """The summary of both partitions (same column, same kind)."""
        return replace(
            self,
            rows=self.rows + other.rows,
            missing=self.missing + other.missing,
            infinite=self.infinite + other.infinite,
            zeros=self.zeros + other.zeros,
            negatives=self.negatives + other.negatives,
            moments=merge_moments(self.moments, other.moments),
            minimum=_pick(min, self.minimum, other.minimum),
            maximum=_pick(max, self.maximum, other.maximum),
            quantiles=None
            if self.quantiles is None or other.quantiles is None
            else self.quantiles.merge(other.quantiles),
            distinct=self.distinct.merge(other.distinct),
            counts=_merge_counts(self.counts, other.counts),
            frequent=None
            if self.frequent is None or other.frequent is None
            else self.frequent.merge(other.frequent),
            lengths=_merge_optional(self.lengths, other.lengths),
            words=_merge_optional(self.words, other.words),
            length_range=_merge_range(self.length_range, other.length_range),
            words_range=_merge_range(self.words_range, other.words_range),
            first=_pick(min, self.first, other.first),
            last=_pick(max, self.last, other.last),
        )


def _pick(how: Any, a: Any, b: Any) -> Any:
    values = [v for v in (a, b) if v is not None]
    return how(values) if values else None


def _merge_counts(a: dict[str, int] | None, b: dict[str, int] | None) -> dict[str, int] | None:
    if a is None or b is None:
        return None
    merged = dict(a)
    for value, count in b.items():
        merged[value] = merged.get(value, 0) + count
    return merged if len(merged) <= MAX_KEPT_VALUES else None


def _merge_optional(a: Moments | None, b: Moments | None) -> Moments | None:
    if a is None or b is None:
        return a if b is None else b
    return merge_moments(a, b)


def _merge_range(
    a: tuple[int | None, int | None], b: tuple[int | None, int | None]
) -> tuple[int | None, int | None]:
    return _pick(min, a[0], b[0]), _pick(max, a[1], b[1])


@dataclass
class TableSummary:
    """Mergeable summary of a table: rows, per-column sketches and row hashes for duplicates.

    ``row_hashes`` holds the distinct 64-bit row hashes while the table has at most
    :data:`EXACT_DUPLICATE_ROWS` rows (exact duplicate count, up to hash collisions), after
    which only ``row_distinct`` (HyperLogLog, 0.81 % relative standard error) is kept; the
    duplicate count is then an estimate, and 0 when below three standard errors (2.4 % of rows).
    """

    rows: int
    columns: dict[str, ColumnSketch]
    memory_bytes: int = 0
    row_hashes: np.ndarray | None = None
    row_distinct: DistinctSketch = field(default_factory=DistinctSketch)
    partitions: int = 1
    distinct_rows: int | None = None

    def merge(self, other: TableSummary) -> TableSummary:
        """The summary of both tables' rows (same columns)."""
        hashes = None
        small = self.rows + other.rows <= EXACT_DUPLICATE_ROWS
        if self.row_hashes is not None and other.row_hashes is not None and small:
            hashes = sorted_union(self.row_hashes, other.row_hashes)
        return TableSummary(
            rows=self.rows + other.rows,
            columns={n: c.merge(other.columns[n]) for n, c in self.columns.items()},
            memory_bytes=self.memory_bytes + other.memory_bytes,
            row_hashes=hashes,
            row_distinct=self.row_distinct.merge(other.row_distinct),
            partitions=self.partitions + other.partitions,
        )

    @property
    def duplicates_exact(self) -> bool:
        """Whether :attr:`duplicate_rows` is exact (else a HyperLogLog estimate)."""
        return self.row_hashes is not None or self.distinct_rows is not None

    @property
    def duplicate_rows(self) -> int:
        """Rows that repeat an earlier row."""
        if self.distinct_rows is not None:
            distinct = self.distinct_rows
        elif self.row_hashes is not None:
            distinct = len(self.row_hashes)
        else:
            distinct = self.row_distinct.estimate()
            # Below three standard errors the difference is the sketch's noise, not duplicates.
            if self.rows - distinct <= 3 * self.row_distinct.relative_error * self.rows:
                return 0
        return max(self.rows - distinct, 0)


def merge_summaries(parts: Iterable[TableSummary]) -> TableSummary:
    """Merge any number of partition summaries as a balanced tree."""
    level = list(parts)
    while len(level) > 1:
        merged = [a.merge(b) for a, b in zip(level[::2], level[1::2], strict=False)]
        level = merged + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def summarize_batch(frame: pl.DataFrame, kinds: Mapping[str, ColumnKind]) -> TableSummary:
    """Summarise one partition; ``kinds`` must be the same for every partition."""
    import polars as pl

    # polars and numpy release the GIL for most of a column's work: one column per thread.
    with ThreadPoolExecutor(max(1, min(frame.width, pl.thread_pool_size()))) as pool:
        built = pool.map(lambda name: _column(frame.get_column(name), kinds[name]), frame.columns)
        columns = dict(zip(frame.columns, built, strict=True))
    hashes = frame.hash_rows(seed=0) if frame.width else None
    distinct = DistinctSketch()
    if hashes is not None:
        distinct.update(hashes)
    return TableSummary(
        rows=frame.height,
        columns=columns,
        memory_bytes=int(frame.estimated_size()),
        row_hashes=None if hashes is None else sorted_union(hashes.to_numpy()),
        row_distinct=distinct,
    )


def _column(series: pl.Series, kind: ColumnKind) -> ColumnSketch:
    import polars as pl

    sketch = ColumnSketch(series.name, kind, str(series.dtype), rows=series.len())
    sketch.missing = series.null_count()
    if series.dtype.is_float():
        sketch.missing += int(series.is_nan().sum())
    sketch.distinct.update(series)
    if series.dtype.is_numeric() or series.dtype.is_temporal():
        _numeric(sketch, series)
    elif kind in COUNTED_KINDS or series.dtype == pl.Boolean:
        _counted(sketch, series)
    if kind == ColumnKind.TEXT:
        _text(sketch, series)
    return sketch


def _numeric(sketch: ColumnSketch, series: pl.Series) -> None:
    import polars as pl

    values = series.drop_nulls()
    if values.dtype.is_temporal():
        # The extremes as values of the column's own type (time zone kept) for the report.
        sketch.first, sketch.last = values.min(), values.max()
        values = _epoch_microseconds(values)
    values = values.cast(pl.Float64).drop_nans()
    finite = values.filter(values.is_finite()).to_numpy()
    sketch.infinite = values.len() - finite.size
    sketch.moments = moments_of(finite)
    sketch.quantiles = QuantileSketch()
    sketch.quantiles.update(finite)
    if finite.size:
        sketch.minimum, sketch.maximum = float(finite.min()), float(finite.max())
        sketch.zeros = int(np.count_nonzero(finite == 0))
        sketch.negatives = int(np.count_nonzero(finite < 0))


def _epoch_microseconds(values: pl.Series) -> pl.Series:
    import polars as pl

    if values.dtype == pl.Time:
        return values.cast(pl.Int64) // 1_000
    if values.dtype == pl.Date:
        return values.cast(pl.Datetime("us")).dt.epoch("us")
    if isinstance(values.dtype, pl.Duration):
        return values.dt.total_microseconds()
    return values.dt.epoch("us")


def _counted(sketch: ColumnSketch, series: pl.Series) -> None:
    import polars as pl

    labels = series.drop_nulls()
    labels = labels.cast(pl.String) if labels.dtype != pl.Boolean else labels
    counted = labels.value_counts(name="__count__")
    keys = [str(v).lower() if isinstance(v, bool) else str(v) for v in counted[series.name]]
    counts = dict(zip(keys, counted["__count__"].to_list(), strict=True))
    sketch.counts = counts if len(counts) <= MAX_KEPT_VALUES else None
    sketch.frequent = FrequentItems()
    sketch.frequent.update(counts)


def _text(sketch: ColumnSketch, series: pl.Series) -> None:
    import polars as pl

    strings = series.drop_nulls().cast(pl.String)
    lengths = strings.str.len_chars()
    words = strings.str.count_matches(r"\S+")
    sketch.lengths = moments_of(lengths.to_numpy())
    sketch.words = moments_of(words.to_numpy())
    if strings.len():
        sketch.length_range = (int(lengths.min()), int(lengths.max()))  # type: ignore[arg-type]
        sketch.words_range = (int(words.min()), int(words.max()))  # type: ignore[arg-type]
