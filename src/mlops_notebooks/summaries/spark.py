"""Summaries computed by Spark itself: SQL aggregates plus Spark's KLL and HLL sketches.

One aggregation job per data set gives every column's counts, extremes and moments, Spark's
``kll_sketch_agg_double`` (KLL, k = 1000) and ``hll_sketch_agg`` (HLL, lgK = 14). Their binary
sketches are Apache DataSketches' format, read in Python with ``datasketches``, so quantiles,
KS statistics and distinct counts come with the same error bounds as on the other engines.
Value counts (categorical columns, and the drift histograms on shared edges) come from one
``groupBy`` job over all columns at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.errors import EngineError
from mlops_notebooks.summaries.moments import Moments
from mlops_notebooks.summaries.sketches import KLL_K, DistinctSketch, QuantileSketch
from mlops_notebooks.summaries.table import (
    COUNTED_KINDS,
    MAX_KEPT_VALUES,
    ColumnSketch,
    TableSummary,
)

if TYPE_CHECKING:
    from mlops_notebooks.drift.summaries import ColumnPlan, ColumnSummary

__all__ = ["spark_histograms", "summarize_spark"]

SPARK_HLL_LG_K = 14
SPARK_FAILED = "spark run failed, no partial result returned: {error}"


def _functions() -> Any:
    from pyspark.sql import functions

    return functions


def _is_numeric(dtype: Any) -> bool:
    from pyspark.sql.types import NumericType

    return isinstance(dtype, NumericType)


def _is_temporal(dtype: Any) -> bool:
    from pyspark.sql.types import DateType, TimestampNTZType, TimestampType

    return isinstance(dtype, TimestampType | TimestampNTZType | DateType)


def finite_value(name: str, dtype: Any) -> Any:
    """The column as a double with null, NaN and ±inf removed (temporal: epoch microseconds)."""
    from pyspark.sql.types import DateType

    f = _functions()
    column = f.col(name)
    if isinstance(dtype, DateType):
        return f.unix_date(column).cast("double") * 86_400_000_000.0
    if _is_temporal(dtype):
        return f.unix_micros(column.cast("timestamp")).cast("double")
    value = column.cast("double")
    return f.when(~f.isnan(value) & (f.abs(value) != float("inf")), value)


def _aggregates(name: str, dtype: Any, kind: ColumnKind) -> list[Any]:
    f = _functions()
    column = f.col(name)
    key = lambda stat: f"{name}\x00{stat}"  # noqa: E731
    missing = column.isNull()
    if _is_numeric(dtype):
        missing = missing | f.isnan(column.cast("double"))
    out = [
        f.sum(f.when(missing, 1).otherwise(0)).alias(key("missing")),
        f.hll_sketch_agg(f.xxhash64(column), SPARK_HLL_LG_K).alias(key("hll")),
    ]
    if not (_is_numeric(dtype) or _is_temporal(dtype)):
        if kind == ColumnKind.TEXT:
            trimmed = f.trim(column)
            words = f.when(trimmed == "", 0).otherwise(f.size(f.split(trimmed, r"\s+")))
            out += [
                *_moment_aggregates(f.length(column).cast("double"), name, "len"),
                *_moment_aggregates(words.cast("double"), name, "words"),
                f.min(f.length(column)).alias(key("len_min")),
                f.max(f.length(column)).alias(key("len_max")),
                f.min(words).alias(key("words_min")),
                f.max(words).alias(key("words_max")),
            ]
        return out
    value = finite_value(name, dtype)
    out += [
        f.sum(f.when(~missing & value.isNull(), 1).otherwise(0)).alias(key("inf")),
        f.sum(f.when(value == 0, 1).otherwise(0)).alias(key("zeros")),
        f.sum(f.when(value < 0, 1).otherwise(0)).alias(key("neg")),
        f.min(value).alias(key("min")),
        f.max(value).alias(key("max")),
        f.kll_sketch_agg_double(value, KLL_K).alias(key("kll")),
        *_moment_aggregates(value, name, "v"),
    ]
    if _is_temporal(dtype):
        out += [f.min(column).alias(key("first")), f.max(column).alias(key("last"))]
    return out


def _moment_aggregates(value: Any, name: str, stat: str) -> list[Any]:
    f = _functions()
    return [
        f.count(value).alias(f"{name}\x00{stat}_n"),
        f.avg(value).alias(f"{name}\x00{stat}_mean"),
        f.var_pop(value).alias(f"{name}\x00{stat}_var"),
        f.skewness(value).alias(f"{name}\x00{stat}_skew"),
        f.kurtosis(value).alias(f"{name}\x00{stat}_kurt"),
    ]


def _moments(facts: Mapping[str, Any], name: str, stat: str) -> Moments:
    """Central sums from Spark's population variance, skewness and (excess) kurtosis."""
    n = int(facts[f"{name}\x00{stat}_n"] or 0)
    if n == 0:
        return Moments.empty()
    mean = float(facts[f"{name}\x00{stat}_mean"])
    m2 = float(facts[f"{name}\x00{stat}_var"] or 0.0) * n
    skew, kurt = facts[f"{name}\x00{stat}_skew"], facts[f"{name}\x00{stat}_kurt"]
    if m2 == 0 or skew is None or kurt is None or math.isnan(skew):
        return Moments(n, mean, m2, 0.0, 0.0)
    return Moments(n, mean, m2, skew * m2**1.5 / math.sqrt(n), (kurt + 3.0) * m2**2 / n)


def summarize_spark(frame: Any, kinds: Mapping[str, ColumnKind]) -> TableSummary:
    """A :class:`TableSummary` of a Spark DataFrame, computed by Spark's own aggregates."""
    f = _functions()
    schema = {field.name: field.dataType for field in frame.schema.fields}
    aggregates = [f.count(f.lit(1)).alias("\x00rows")]
    for name, dtype in schema.items():
        aggregates += _aggregates(name, dtype, kinds[name])
    try:
        facts = frame.agg(*aggregates).collect()[0].asDict()
        distinct_rows = frame.select(f.xxhash64(*schema)).distinct().count()
        counts = _value_counts(frame, [n for n in schema if kinds[n] in COUNTED_KINDS])
    except Exception as err:  # a lost executor or a failed job: no partial result
        raise EngineError(SPARK_FAILED.format(error=f"{type(err).__name__}: {err}")) from err
    rows = int(facts["\x00rows"])
    columns = {
        name: _column(name, dtype, kinds[name], facts, rows, counts.get(name))
        for name, dtype in schema.items()
    }
    summary = TableSummary(rows=rows, columns=columns, row_hashes=None)
    summary.distinct_rows = int(distinct_rows)
    return summary


def _column(
    name: str,
    dtype: Any,
    kind: ColumnKind,
    facts: Mapping[str, Any],
    rows: int,
    counts: dict[str, int] | None,
) -> ColumnSketch:
    def fact(stat: str) -> Any:
        return facts.get(f"{name}\x00{stat}")

    sketch = ColumnSketch(name, kind, dtype.simpleString(), rows=rows)
    sketch.missing = int(fact("missing") or 0)
    sketch.distinct = DistinctSketch.from_hll_bytes(fact("hll"))
    if counts is not None:
        sketch.counts = counts if len(counts) <= MAX_KEPT_VALUES else None
    if f"{name}\x00kll" in facts:
        sketch.quantiles = QuantileSketch.from_bytes(fact("kll"))
        sketch.moments = _moments(facts, name, "v")
        sketch.infinite = int(fact("inf") or 0)
        sketch.zeros, sketch.negatives = int(fact("zeros") or 0), int(fact("neg") or 0)
        sketch.minimum, sketch.maximum = fact("min"), fact("max")
        sketch.first, sketch.last = fact("first"), fact("last")
    if f"{name}\x00len_n" in facts:
        sketch.lengths = _moments(facts, name, "len")
        sketch.words = _moments(facts, name, "words")
        sketch.length_range = (fact("len_min"), fact("len_max"))
        sketch.words_range = (fact("words_min"), fact("words_max"))
    return sketch


def _value_counts(frame: Any, names: list[str]) -> dict[str, dict[str, int]]:
    """Exact value counts of ``names`` in one ``groupBy`` job (booleans as "true"/"false")."""
    if not names:
        return {}
    f = _functions()
    pairs = f.explode(
        f.array(*[f.struct(f.lit(n).alias("c"), f.col(n).cast("string").alias("s")) for n in names])
    )
    rows = (
        frame.select(pairs.alias("p"))
        .select("p.c", "p.s")
        .where(f.col("s").isNotNull())
        .groupBy("c", "s")
        .count()
        .collect()
    )
    out: dict[str, dict[str, int]] = {n: {} for n in names}
    for row in rows:
        out[row["c"]][row["s"]] = int(row["count"])
    return out


def spark_histograms(
    frame: Any, plans: Mapping[str, ColumnPlan], table: TableSummary
) -> dict[str, ColumnSummary]:
    """Drift summaries on the shared plans, counted by one Spark ``groupBy`` over all columns."""
    f = _functions()
    schema = {field.name: field.dataType for field in frame.schema.fields}
    entries = []
    for name, plan in plans.items():
        if plan.kind not in (ColumnKind.NUMERIC, ColumnKind.DATETIME):
            label, value = f.col(name).cast("string"), f.lit(None).cast("double")
        else:
            value = finite_value(name, schema[name])
            label = f.lit(None).cast("string")
            if not plan.exact:
                width = (plan.high - plan.low) / plan.bins
                inside = (value >= plan.low) & (value <= plan.high)
                index = f.least(f.floor((value - plan.low) / width), f.lit(plan.bins - 1))
                label = f.when(inside, f.lit("bin"))
                value = f.when(inside, index.cast("double")).otherwise(value)
        entries.append(f.struct(f.lit(name).alias("c"), label.alias("s"), value.alias("v")))
    try:
        rows = (
            frame.select(f.explode(f.array(*entries)).alias("p"))
            .select("p.c", "p.s", "p.v")
            .where(f.col("s").isNotNull() | f.col("v").isNotNull())
            .groupBy("c", "s", "v")
            .count()
            .collect()
        )
    except Exception as err:
        raise EngineError(SPARK_FAILED.format(error=f"{type(err).__name__}: {err}")) from err
    grouped: dict[str, list[Any]] = {name: [] for name in plans}
    for row in rows:
        grouped[row["c"]].append(row)
    return {
        name: _drift_summary(plan, grouped[name], table.columns[name])
        for name, plan in plans.items()
    }


def _drift_summary(plan: ColumnPlan, rows: list[Any], sketch: ColumnSketch) -> ColumnSummary:
    from mlops_notebooks.drift.summaries import ColumnSummary

    if plan.kind not in (ColumnKind.NUMERIC, ColumnKind.DATETIME):
        ordered = sorted((r["s"], int(r["count"])) for r in rows)
        return ColumnSummary(
            column=plan.column,
            kind=plan.kind,
            rows=sketch.rows,
            missing=sketch.rows - sum(c for _, c in ordered),
            infinite=0,
            support=np.asarray([s for s, _ in ordered], dtype=object),
            counts=np.asarray([c for _, c in ordered], dtype=np.int64),
        )
    support, counts = _numeric_support(plan, rows)
    n = sketch.moments.count
    return ColumnSummary(
        column=plan.column,
        kind=plan.kind,
        rows=sketch.rows,
        missing=sketch.missing,
        infinite=sketch.infinite,
        support=support,
        counts=counts,
        exact=plan.exact,
        mean=sketch.moments.mean if n else float("nan"),
        std=math.sqrt(sketch.moments.m2 / n) if n else float("nan"),
        minimum=sketch.minimum if sketch.minimum is not None else float("nan"),
        maximum=sketch.maximum if sketch.maximum is not None else float("nan"),
    )


def _numeric_support(plan: ColumnPlan, rows: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    exact = sorted((float(r["v"]), int(r["count"])) for r in rows if r["s"] is None)
    values = np.asarray([v for v, _ in exact], dtype=np.float64)
    counts = np.asarray([c for _, c in exact], dtype=np.int64)
    if plan.exact:
        return values, counts
    width = (plan.high - plan.low) / plan.bins
    grid = np.zeros(plan.bins, dtype=np.int64)
    for row in rows:
        if row["s"] is not None:
            grid[int(row["v"])] += int(row["count"])
    midpoints = plan.low + (np.arange(plan.bins) + 0.5) * width
    below, above = values < plan.low, values > plan.high
    support = np.concatenate([values[below], midpoints, values[above]])
    merged = np.concatenate([counts[below], grid, counts[above]])
    keep = merged > 0
    return support[keep], merged[keep]
