"""Mergeable column summaries: exact statistics and sketches built per partition, then merged.

One implementation serves the EDA profile and the drift comparison on every engine: in memory,
streamed from Parquet larger than memory, on a Dask cluster and on Spark. See ``docs/scale.md``.
"""

from __future__ import annotations

from mlops_notebooks.summaries.moments import Moments, merge_all, merge_moments, moments_of
from mlops_notebooks.summaries.sketches import (
    DistinctSketch,
    FrequentItems,
    KsResult,
    QuantileSketch,
    ks_from_sketches,
)
from mlops_notebooks.summaries.table import (
    ColumnSketch,
    TableSummary,
    merge_summaries,
    summarize_batch,
)

__all__ = [
    "ColumnSketch",
    "DistinctSketch",
    "FrequentItems",
    "KsResult",
    "Moments",
    "QuantileSketch",
    "TableSummary",
    "ks_from_sketches",
    "merge_all",
    "merge_moments",
    "merge_summaries",
    "moments_of",
    "summarize_batch",
]
