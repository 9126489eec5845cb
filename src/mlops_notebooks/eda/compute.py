"""The polars passes behind :func:`~mlops_notebooks.eda.profile`.

Pass 1 is one ``select`` with every per-column aggregation (null counts, string lengths,
datetime intervals, value counts). Pass 2 sorts each numeric column once, a column per thread;
the counts of NaN, ±inf, zeros and negatives, the quantiles, distinct counts, the median
absolute deviation and the outlier counts are then read off the sorted array with O(1) or
O(log n) lookups, and the central moments summed from it. Duplicate rows come from one 64-bit
hash per row.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.eda._sorted import from_ordered, sorted_floats
from mlops_notebooks.eda.summaries import (
    CategoricalSummary,
    ColumnProfile,
    DatetimeSummary,
    Moments,
    NumericSummary,
    TextSummary,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["count_duplicate_rows", "summarize_columns"]

# Value counts kept per categorical column; more distinct values are truncated to the top ones.
MAX_KEPT_VALUES = 10_000
_SEP = "\x00"
_HEIGHT = "\x00height"


def summarize_columns(frame: pl.DataFrame, kinds: dict[str, ColumnKind]) -> list[ColumnProfile]:
    """Return one :class:`ColumnProfile` per column of ``frame``, in column order."""
    expressions = [
        e for name in frame.columns for e in _expressions(frame.schema[name], name, kinds[name])
    ]
    facts = frame.select(expressions).row(0, named=True) if expressions and frame.height else {}
    facts[_HEIGHT] = frame.height
    _count_categories(frame, facts)
    numeric = [
        name
        for name in frame.columns
        if _is_numeric_dtype(frame.schema[name]) and kinds[name] != ColumnKind.EMPTY
    ]
    sorted_stats = _sorted_statistics(frame, numeric, facts) if frame.height else {}
    for name, stats in sorted_stats.items():
        facts.update({_key(name, stat): count for stat, count in stats["counts"].items()})
    profiles = []
    for name in frame.columns:
        dtype = frame.schema[name]
        nulls = int(facts.get(_key(name, "nulls"), frame.height))
        if dtype.is_float():
            nulls += int(facts.get(_key(name, "nan"), 0))
        profiles.append(
            ColumnProfile(
                name=name,
                dtype=str(dtype),
                kind=str(kinds[name]),
                count=frame.height,
                missing=nulls,
                distinct=_distinct(name, facts, sorted_stats),
                numeric=_numeric(name, facts, sorted_stats.get(name)),
                categorical=_categorical(name, dtype, kinds[name], facts),
                datetime=_datetime(name, dtype, facts),
                text=_text(name, kinds[name], facts),
            )
        )
    return profiles


def _count_categories(frame: pl.DataFrame, facts: dict[str, Any]) -> None:
    """Distinct counts of categorical columns from their value counts, in place.

    Only columns with more than :data:`MAX_KEPT_VALUES` values need another pass.
    """
    import polars as pl

    truncated = []
    for name in frame.columns:
        counts = facts.get(_key(name, "counts"))
        if counts is None:
            continue
        if len(counts) > MAX_KEPT_VALUES:
            truncated.append(name)
            facts[_key(name, "counts")] = counts[:MAX_KEPT_VALUES]
        else:
            facts[_key(name, "distinct")] = len(counts)
    if truncated:
        facts.update(
            frame.select(
                pl.col(n).cast(pl.String).drop_nulls().n_unique().alias(_key(n, "distinct"))
                for n in truncated
            ).row(0, named=True)
        )


def count_duplicate_rows(frame: pl.DataFrame) -> int:
    """Rows that repeat an earlier row, from one 64-bit hash per row.

    Two different rows collide with probability about ``rows² / 2⁶⁵`` (3e-8 at a million rows).
    """
    if frame.height < 2 or frame.width == 0:
        return 0
    return frame.height - frame.hash_rows(seed=0).n_unique()


def _key(name: str, stat: str) -> str:
    return f"{name}{_SEP}{stat}"


def _is_numeric_dtype(dtype: Any) -> bool:
    return bool(dtype.is_numeric())


def _is_string_dtype(dtype: Any) -> bool:
    import polars as pl

    return dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)


def _expressions(dtype: Any, name: str, kind: ColumnKind) -> list[pl.Expr]:
    import polars as pl

    column = pl.col(name)
    out = [column.null_count().alias(_key(name, "nulls"))]
    if kind == ColumnKind.EMPTY or _is_numeric_dtype(dtype):
        # Numeric counts (NaN, ±inf, zeros, negatives) are read off the sorted values later.
        if kind == ColumnKind.EMPTY and dtype.is_float():
            out.append(column.is_nan().sum().alias(_key(name, "nan")))
        return out
    if dtype == pl.Boolean:
        out.append(column.sum().alias(_key(name, "true")))
    elif dtype.is_temporal():
        out += _datetime_expressions(name, dtype)
    elif _is_string_dtype(dtype):
        out += _string_expressions(name, kind)
    return out


def _epoch_microseconds(name: str, dtype: Any) -> pl.Expr:
    import polars as pl

    column = pl.col(name)
    if dtype == pl.Time:
        return column.cast(pl.Int64) // 1_000
    if dtype == pl.Date:
        return column.cast(pl.Datetime("us")).dt.epoch("us")
    return column.dt.epoch("us")


def _datetime_expressions(name: str, dtype: Any) -> list[pl.Expr]:
    import polars as pl

    # Intervals between distinct instants: repeated timestamps are not gaps of zero.
    ordered = _epoch_microseconds(name, dtype).drop_nulls().unique().sort()
    gaps = ordered.diff().drop_nulls()
    return [
        pl.col(name).drop_nulls().n_unique().alias(_key(name, "distinct")),
        pl.col(name).min().alias(_key(name, "min")),
        pl.col(name).max().alias(_key(name, "max")),
        ordered.first().alias(_key(name, "epoch_min")),
        ordered.last().alias(_key(name, "epoch_max")),
        gaps.median().alias(_key(name, "gap_median")),
        gaps.max().alias(_key(name, "gap_max")),
        ordered.gather(gaps.arg_max()).first().alias(_key(name, "gap_start")),
    ]


def _string_expressions(name: str, kind: ColumnKind) -> list[pl.Expr]:
    import polars as pl

    strings = pl.col(name).cast(pl.String).drop_nulls()
    if kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN):
        # One value more than kept: unless truncated, their number is the distinct count.
        out = [
            strings.value_counts(sort=True)
            .head(MAX_KEPT_VALUES + 1)
            .implode()
            .alias(_key(name, "counts"))
        ]
    else:
        out = [strings.n_unique().alias(_key(name, "distinct"))]
    if kind == ColumnKind.TEXT:
        for stat, values in (
            ("len", strings.str.len_chars()),
            ("words", strings.str.count_matches(r"\S+")),
        ):
            centred = values - values.mean()
            out += [
                values.count().alias(_key(name, f"{stat}_n")),
                values.mean().alias(_key(name, f"{stat}_mean")),
                centred.pow(2).sum().alias(_key(name, f"{stat}_m2")),
                centred.pow(3).sum().alias(_key(name, f"{stat}_m3")),
                centred.pow(4).sum().alias(_key(name, f"{stat}_m4")),
                values.min().alias(_key(name, f"{stat}_min")),
                values.max().alias(_key(name, f"{stat}_max")),
            ]
    return out


def _sorted_statistics(
    frame: pl.DataFrame, numeric: list[str], facts: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Sort each numeric column and read its statistics off the sorted values.

    One task per column on as many threads as polars uses: each sorts single-threaded
    (polars and numpy release the GIL) and finishes its column while the sorted copy is
    still in cache, so only one sorted copy per thread is alive at a time.
    """
    from concurrent.futures import ThreadPoolExecutor

    import polars as pl

    def statistics(name: str) -> dict[str, Any]:
        column = frame.get_column(name).cast(pl.Float64)
        present = column.drop_nulls().drop_nans()
        stats = from_ordered(sorted_floats(present.to_numpy()))
        stats["counts"]["nan"] = frame.height - int(facts[_key(name, "nulls")]) - present.len()
        return stats

    workers = max(1, min(len(numeric), pl.thread_pool_size()))
    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(numeric, pool.map(statistics, numeric), strict=True))


def _distinct(name: str, facts: dict[str, Any], sorted_stats: dict[str, dict[str, Any]]) -> int:
    if name in sorted_stats:
        return int(sorted_stats[name]["distinct"])
    if _key(name, "distinct") in facts:
        return int(facts[_key(name, "distinct")] or 0)
    if _key(name, "true") in facts:
        true = int(facts[_key(name, "true")] or 0)
        non_null = facts[_HEIGHT] - facts[_key(name, "nulls")]
        return int(true > 0) + int(non_null - true > 0)
    return 0


def _numeric(
    name: str, facts: dict[str, Any], stats: dict[str, Any] | None
) -> NumericSummary | None:
    if stats is None:
        return None
    count = int(facts[_key(name, "n")])
    moments = Moments(count, *stats["moments"])
    return NumericSummary(
        moments=moments,
        minimum=stats.get("min"),
        maximum=stats.get("max"),
        quantiles=stats.get("quantiles", {}),
        sketch=stats["sketch"],
        zeros=int(facts[_key(name, "zeros")]),
        negatives=int(facts[_key(name, "negatives")]),
        infinities=int(facts[_key(name, "inf")]),
        iqr_outliers=int(stats["iqr"]),
        robust_z_outliers=stats.get("robust"),
        mad=stats.get("mad"),
    )


def _categorical(
    name: str, dtype: Any, kind: ColumnKind, facts: dict[str, Any]
) -> CategoricalSummary | None:
    import polars as pl

    if dtype == pl.Boolean and _key(name, "true") in facts:
        true = int(facts[_key(name, "true")] or 0)
        false = facts[_HEIGHT] - facts[_key(name, "nulls")] - true
        return CategoricalSummary({k: v for k, v in (("true", true), ("false", false)) if v})
    counts = facts.get(_key(name, "counts"))
    if counts is None:
        return None
    kept = {str(row[name]): int(row["count"]) for row in counts}
    return CategoricalSummary(kept, truncated=facts[_key(name, "distinct")] > len(kept))


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _datetime(name: str, dtype: Any, facts: dict[str, Any]) -> DatetimeSummary | None:
    if not dtype.is_temporal() or _key(name, "min") not in facts:
        return None
    minimum, maximum = facts[_key(name, "min")], facts[_key(name, "max")]
    first, last = facts[_key(name, "epoch_min")], facts[_key(name, "epoch_max")]
    # Elapsed time from epoch microseconds: aware datetimes across a DST change subtract
    # wall-clock times in Python.
    span = None if first is None or dtype == _time_dtype() else (last - first) / 1e6
    gap, start = facts[_key(name, "gap_max")], facts[_key(name, "gap_start")]
    median = facts[_key(name, "gap_median")]
    return DatetimeSummary(
        minimum=_iso(minimum),
        maximum=_iso(maximum),
        range_seconds=span,
        median_interval_seconds=None if median is None else median / 1e6,
        largest_gap_seconds=None if gap is None else gap / 1e6,
        largest_gap_start=None if start is None or gap is None else _instant(start, minimum),
    )


def _time_dtype() -> Any:
    import polars as pl

    return pl.Time


def _instant(microseconds: int, like: Any) -> str | None:
    """ISO form of epoch ``microseconds`` in the time zone of ``like`` (UTC if naive)."""
    if not isinstance(like, dt.datetime):
        return _iso(dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(microseconds)))
    instant = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(microseconds))
    return _iso(instant.astimezone(like.tzinfo) if like.tzinfo else instant.replace(tzinfo=None))


def _text(name: str, kind: ColumnKind, facts: dict[str, Any]) -> TextSummary | None:
    if kind != ColumnKind.TEXT or _key(name, "len_n") not in facts:
        return None

    def moments(stat: str) -> Moments:
        return Moments(
            int(facts[_key(name, f"{stat}_n")]),
            *(float(facts[_key(name, f"{stat}_{m}")] or 0.0) for m in ("mean", "m2", "m3", "m4")),
        )

    return TextSummary(
        length=moments("len"),
        length_min=facts[_key(name, "len_min")],
        length_max=facts[_key(name, "len_max")],
        words=moments("words"),
        words_min=facts[_key(name, "words_min")],
        words_max=facts[_key(name, "words_max")],
    )


def normalize(frame: pl.DataFrame) -> pl.DataFrame:
    """Give every column a dtype the statistics understand, in one ``with_columns``.

    Durations become seconds (float), decimals floats, the Null dtype an empty string column;
    binary values become hex text and nested values (lists, arrays, structs) their JSON text,
    so they are profiled as categories. Other columns are returned unchanged.
    """
    import polars as pl

    conversions = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Duration):
            converted = column.dt.total_microseconds().cast(pl.Float64) / 1e6
        elif isinstance(dtype, pl.Decimal):
            converted = column.cast(pl.Float64)
        elif dtype == pl.Null:
            converted = column.cast(pl.String)
        elif dtype == pl.Binary:
            converted = column.bin.encode("hex")
        elif dtype.is_nested():
            # {"name":VALUE} → VALUE, as JSON text.
            text = pl.struct(column).struct.json_encode().str.slice(len(name) + 4).str.head(-1)
            converted = pl.when(column.is_null()).then(None).otherwise(text)
        elif dtype == pl.Object:
            converted = column.map_elements(repr, return_dtype=pl.String)
        else:
            continue
        conversions.append(converted.alias(name))
    return frame.with_columns(conversions) if conversions else frame
