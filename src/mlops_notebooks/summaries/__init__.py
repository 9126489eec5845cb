"""Mergeable column summaries: exact statistics and sketches built per partition, then merged.

One implementation serves the EDA profile and the drift comparison on every engine: in memory,
streamed from Parquet larger than memory, on a Dask cluster and on Spark. See ``docs/scale.md``.
"""

from __future__ import annotations

from mlops_notebooks.summaries.moments import Moments, merge_all, merge_moments, moments_of

__all__ = ["Moments", "merge_all", "merge_moments", "moments_of"]
