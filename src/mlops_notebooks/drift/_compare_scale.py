"""``compare`` on data beyond memory: streamed Parquet, Dask and Spark, in two passes.

Pass 1 summarises each data set (:func:`mlops_notebooks.eda.scale.summarize_table`): missing
values, moments, KLL quantiles and HyperLogLog distinct counts. Those decide each column's
:class:`~mlops_notebooks.drift.summaries.ColumnPlan` exactly as the in-memory path would:
value counts for columns with few distinct values, else a fine grid of shared bin edges
(values outside it kept exactly). Pass 2 counts every partition on the shared plan; counts on
shared edges add up exactly, so every histogram-based method (Wasserstein, Jensen–Shannon, PSI,
chi-square, …) gets the same summary it would in memory. The KS test on a fine-grid column
uses the two KLL sketches (statistic within their rank errors).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.drift._columns import _evaluate, _unusable
from mlops_notebooks.drift.report import ColumnDrift
from mlops_notebooks.drift.summaries import (
    ColumnPlan,
    ColumnSummary,
    plan_from_sketches,
    summarize,
)
from mlops_notebooks.summaries.engines import reduce_partitions

if TYPE_CHECKING:
    import polars as pl

    from mlops_notebooks.summaries.table import ColumnSketch, TableSummary

__all__ = ["compare_at_scale", "first_pass", "histograms"]

Histograms = dict[str, ColumnSummary]


def histograms(
    data: Any,
    engine: str,
    plans: dict[str, ColumnPlan],
    table: TableSummary,
    *,
    progress: bool | None = None,
) -> Histograms:
    """Pass 2: the drift summary of every planned column, merged over all partitions."""
    if not plans:
        return {}
    if engine == "spark":
        from mlops_notebooks.summaries.spark import spark_histograms

        return spark_histograms(data, plans, table)
    return reduce_partitions(
        data,
        engine,
        partial(_summarize_partition, plans=plans),
        _merge,
        progress=progress,
        description="drift",
    )


def _summarize_partition(frame: pl.DataFrame, plans: dict[str, ColumnPlan]) -> Histograms:
    from mlops_notebooks.eda.compute import normalize

    frame = normalize(frame.select(list(plans)))
    return {name: summarize(frame.get_column(name), plan) for name, plan in plans.items()}


def _merge(a: Histograms, b: Histograms) -> Histograms:
    return {name: summary.merge(b[name]) for name, summary in a.items()}


def first_pass(data: Any, engine: str, progress: bool | None) -> TableSummary:
    """Pass 1: the merged table summary of one data set."""
    from mlops_notebooks.eda.scale import summarize_table

    return summarize_table(data, engine, progress=progress)


def compare_at_scale(
    reference: Any,
    current: Any,
    engine: str,
    columns: Sequence[str] | None,
    ignore: Sequence[str],
    options: Any,
    progress: bool | None,
    exclude_inferred: bool = False,
) -> tuple[
    list[ColumnDrift], tuple[int, int], tuple[tuple[str, ...], tuple[str, ...]], dict[str, str]
]:
    """Per-column drift of two data sets on ``engine``.

    Returns the results, both row counts, the columns only in one data set, and the columns
    left out by their inferred role (with ``exclude_inferred``, on the reference's first rows).
    """
    from mlops_notebooks.drift._columns import _inferred_exclusions, _select_columns
    from mlops_notebooks.summaries.engines import sample_frame

    samples = sample_frame(reference, engine), sample_frame(current, engine)
    names = _select_columns(samples[0], samples[1], columns, ignore)
    excluded: dict[str, str] = {}
    if exclude_inferred and columns is None:
        excluded = _inferred_exclusions(samples[0], names, options)
        names = [n for n in names if n not in excluded]
    tables = first_pass(reference, engine, progress), first_pass(current, engine, progress)
    results: dict[str, ColumnDrift] = {}
    plans: dict[str, ColumnPlan] = {}
    bases: dict[str, dict[str, Any]] = {}
    for name in names:
        sketches = tables[0].columns[name], tables[1].columns[name]
        kinds = [
            _kind(sample.get_column(name), s) for sample, s in zip(samples, sketches, strict=True)
        ]
        bases[name] = {
            "column": name,
            "role": options.roles.get(name, "feature"),
            "missing_share_reference": _share(sketches[0]),
            "missing_share_current": _share(sketches[1]),
        }
        unusable = _unusable(kinds[0], kinds[1], name in options.methods)
        if unusable is not None:
            results[name] = ColumnDrift(**bases[name], **unusable)
            continue
        kind = kinds[0] if kinds[0] != ColumnKind.EMPTY else kinds[1]
        plans[name] = plan_from_sketches(name, kind, *sketches)
    counted = histograms(reference, engine, plans, tables[0], progress=progress)
    counted_current = histograms(current, engine, plans, tables[1], progress=progress)
    for name, plan in plans.items():
        first, second = tables[0].columns[name].quantiles, tables[1].columns[name].quantiles
        pair = None if first is None or second is None else (first, second)
        results[name] = _evaluate(
            bases[name], plan, counted[name], counted_current[name], options, None, pair
        )
    only = (
        tuple(c for c in samples[0].columns if c not in samples[1].columns),
        tuple(c for c in samples[1].columns if c not in samples[0].columns),
    )
    return [results[n] for n in names], (tables[0].rows, tables[1].rows), only, excluded


def _share(sketch: ColumnSketch) -> float:
    return sketch.missing / sketch.rows if sketch.rows else 0.0


def _kind(sample: pl.Series, sketch: ColumnSketch) -> ColumnKind:
    """The in-memory rule on the sample; a column empty in the sample but not overall keeps
    the kind its partitions were summarised with."""
    from mlops_notebooks.drift._columns import _kind as sample_kind

    if sketch.rows == sketch.missing:
        return ColumnKind.EMPTY
    kind = sample_kind(sample)
    return sketch.kind if kind == ColumnKind.EMPTY else kind
