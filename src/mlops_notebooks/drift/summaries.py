"""Per-column summaries that every drift method works from, computed once per column.

A :class:`ColumnSummary` holds a column's distribution as a sorted *support* (values or
categories) with a count per support point, plus moments and missing-value counts. Summaries of
two partitions of the same data set that share a :class:`ColumnPlan` can be merged with
:meth:`ColumnSummary.merge`, so the same code can later run per partition (Dask, chunks).

Numeric columns are summarised exactly (value → count) when they hold at most
:data:`EXACT_DISTINCT_LIMIT` distinct values; otherwise values inside a central range are counted
on a fine grid of :data:`FINE_BINS` shared bins (support = bin midpoints) and the few values
outside that range are kept exactly. A statistic computed from a binned summary moves each value
by at most half a bin, so the Wasserstein distance, for example, is off by at most one bin width.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.summaries.moments import Moments, merge_moments

if TYPE_CHECKING:
    import polars as pl

    from mlops_notebooks.summaries.table import ColumnSketch

__all__ = [
    "EXACT_DISTINCT_LIMIT",
    "FINE_BINS",
    "ColumnPlan",
    "ColumnSummary",
    "align",
    "binned_frequencies",
    "finite_values",
    "plan_column",
    "plan_from_sketches",
    "summarize",
]

# Numeric columns with at most this many distinct values are summarised exactly.
EXACT_DISTINCT_LIMIT = 20_000
# Planning (exact or fine grid, and the grid's range) looks at about this many values.
PLAN_SAMPLE_ROWS = 1_000_000
# Number of shared fine bins for numeric columns with more distinct values.
FINE_BINS = 16_384
# The fine grid spans these quantiles of the two data sets; values outside are kept exactly.
CORE_QUANTILES = (0.0005, 0.9995)
# Categories (or distinct numbers) up to which binned methods use one bin per value.
PER_VALUE_BINS_LIMIT = 20

NUMERIC_KINDS = frozenset({ColumnKind.NUMERIC, ColumnKind.DATETIME})


@dataclass(frozen=True)
class ColumnPlan:
    """How one column is summarised; shared by reference, current and every time window.

    Attributes
    ----------
    column : str
        Column name.
    kind : ColumnKind
        Kind used for the comparison.
    exact : bool
        Numeric only: count each distinct value (True) or use the fine grid (False).
    low, high : float
        Numeric, binned only: the range of the fine grid.
    bins : int
        Numeric, binned only: number of fine bins.
    """

    column: str
    kind: ColumnKind
    exact: bool = True
    low: float = 0.0
    high: float = 0.0
    bins: int = 0


@dataclass(frozen=True, eq=False)
class ColumnSummary:
    """Distribution of one column in one data set.

    Attributes
    ----------
    column : str
        Column name.
    kind : ColumnKind
        Kind of the column.
    rows : int
        Rows in the data set, missing values included.
    missing : int
        Null (and NaN) values.
    infinite : int
        Infinite values; excluded from the distribution.
    support : numpy.ndarray
        Sorted distinct values (numeric), bin midpoints and exact tail values (binned numeric),
        or category labels as strings (categorical, boolean).
    counts : numpy.ndarray of int64
        Count of each support point; ``counts.sum()`` is the number of usable values.
    exact : bool
        Whether ``support`` holds the actual values (False: fine-grid bin midpoints).
    mean, std : float
        Mean and population standard deviation of the usable values (numeric), NaN otherwise.
    minimum, maximum : float
        Smallest and largest usable value (numeric), NaN otherwise.
    """

    column: str
    kind: ColumnKind
    rows: int
    missing: int
    infinite: int
    support: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)
    exact: bool = True
    mean: float = float("nan")
    std: float = float("nan")
    minimum: float = float("nan")
    maximum: float = float("nan")

    @property
    def count(self) -> int:
        """Number of usable (non-missing, finite) values."""
        return int(self.counts.sum())

    @property
    def missing_share(self) -> float:
        """Share of rows that are missing (0.0 for an empty data set)."""
        return self.missing / self.rows if self.rows else 0.0

    @property
    def is_numeric(self) -> bool:
        """True when the support is numeric."""
        return self.kind in NUMERIC_KINDS

    def sample(self) -> np.ndarray:
        """Return the values the summary stands for, sorted (bin midpoints when binned)."""
        return np.repeat(self.support, self.counts)

    def merge(self, other: ColumnSummary) -> ColumnSummary:
        """Return the summary of the union of two partitions summarised with the same plan."""
        support, mine, theirs = align(self, other)
        n1, n2 = self.count, other.count
        total = n1 + n2
        mean, std = _merge_moments(self, other, n1, n2)
        return replace(
            self,
            rows=self.rows + other.rows,
            missing=self.missing + other.missing,
            infinite=self.infinite + other.infinite,
            support=support,
            counts=mine + theirs,
            exact=self.exact and other.exact,
            mean=mean if total else float("nan"),
            std=std if total else float("nan"),
            minimum=float(np.fmin(self.minimum, other.minimum)),
            maximum=float(np.fmax(self.maximum, other.maximum)),
        )

    def to_dict(self, max_points: int = 50) -> dict[str, Any]:
        """Plain-Python description: counts, shares, and a histogram of at most ``max_points``."""
        support, counts = display_histogram(self, max_points)
        return {
            "rows": self.rows,
            "missing": self.missing,
            "infinite": self.infinite,
            "missing_share": self.missing_share,
            "mean": _finite_or_none(self.mean),
            "std": _finite_or_none(self.std),
            "min": _finite_or_none(self.minimum),
            "max": _finite_or_none(self.maximum),
            "histogram": {
                "points": [p if isinstance(p, str) else float(p) for p in support.tolist()],
                "counts": [int(c) for c in counts],
            },
        }


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _merge_moments(a: ColumnSummary, b: ColumnSummary, n1: int, n2: int) -> tuple[float, float]:
    """Mean and population standard deviation of the union, by the stable pairwise update."""
    if not a.is_numeric or n1 + n2 == 0:
        return float("nan"), float("nan")
    if n1 == 0 or n2 == 0:
        return (a.mean, a.std) if n1 else (b.mean, b.std)
    merged = merge_moments(_second_order(a, n1), _second_order(b, n2))
    return merged.mean, float(np.sqrt(merged.m2 / merged.count))


def _second_order(summary: ColumnSummary, count: int) -> Moments:
    # Only the mean and variance are recorded; the higher sums are unknown (NaN).
    return Moments(count, summary.mean, summary.std**2 * count, float("nan"), float("nan"))


def align(
    reference: ColumnSummary, current: ColumnSummary
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the union of two supports and each summary's counts on it.

    Returns
    -------
    support : numpy.ndarray
        Sorted union of both supports.
    reference_counts, current_counts : numpy.ndarray of int64
        Counts aligned to ``support`` (0 where a value is absent).
    """
    if reference.support.dtype == current.support.dtype and np.array_equal(
        reference.support, current.support
    ):
        return reference.support, reference.counts, current.counts
    support = np.union1d(reference.support, current.support)
    return support, _spread(support, reference), _spread(support, current)


def _spread(support: np.ndarray, summary: ColumnSummary) -> np.ndarray:
    counts = np.zeros(len(support), dtype=np.int64)
    if len(summary.support):
        counts[np.searchsorted(support, summary.support)] = summary.counts
    return counts


def binned_frequencies(
    reference: ColumnSummary, current: ColumnSummary, *, fill_zeros: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Shares per bin for histogram-based distances (PSI, Jensen–Shannon, Hellinger, TVD).

    Categorical columns and numeric columns with at most 20 distinct reference values use one
    bin per value; other numeric columns use Sturges bins over the combined range, as
    ``numpy.histogram_bin_edges(..., bins="sturges")`` would. With ``fill_zeros`` an empty bin
    gets a tiny share (0.0001, or a millionth of the smallest share when that is smaller) so
    logarithms stay finite.
    """
    support, ref_counts, cur_counts = align(reference, current)
    numeric_bins = reference.is_numeric and (
        np.count_nonzero(reference.counts) > PER_VALUE_BINS_LIMIT or not reference.exact
    )
    if numeric_bins:
        total = ref_counts.sum() + cur_counts.sum()
        low, high = float(support[0]), float(support[-1])
        edges = np.histogram_bin_edges([low, high], bins=int(np.ceil(np.log2(total)) + 1))
        index = np.clip(np.searchsorted(edges, support, side="right") - 1, 0, len(edges) - 2)
        ref_counts = np.bincount(index, weights=ref_counts, minlength=len(edges) - 1)
        cur_counts = np.bincount(index, weights=cur_counts, minlength=len(edges) - 1)
    ref_share = ref_counts / max(reference.count, 1)
    cur_share = cur_counts / max(current.count, 1)
    if fill_zeros:
        ref_share, cur_share = _fill_zeros(ref_share), _fill_zeros(cur_share)
    return ref_share, cur_share


def _fill_zeros(shares: np.ndarray) -> np.ndarray:
    positive = shares[shares > 0]
    if not len(positive):
        return np.full_like(shares, 1.0 / len(shares))
    smallest = positive.min()
    filler = smallest / 10**6 if smallest <= 0.0001 else 0.0001
    return np.where(shares == 0, filler, shares)


def display_histogram(summary: ColumnSummary, max_points: int = 50) -> tuple[np.ndarray, Any]:
    """Return (points, counts) with at most ``max_points`` entries, for drawing.

    Numeric columns with more points are grouped into equal-width bins (points = bin left
    edges); categorical columns keep the most frequent categories.
    """
    if len(summary.support) <= max_points:
        return summary.support, summary.counts
    if not summary.is_numeric:
        top = np.sort(np.argsort(summary.counts, kind="stable")[::-1][:max_points])
        return summary.support[top], summary.counts[top]
    edges = np.linspace(summary.support[0], summary.support[-1], max_points + 1)
    index = np.clip(np.searchsorted(edges, summary.support, side="right") - 1, 0, max_points - 1)
    return edges[:-1], np.bincount(index, weights=summary.counts, minlength=max_points)


def plan_column(
    column: str, kind: ColumnKind, reference: pl.Series, current: pl.Series
) -> ColumnPlan:
    """Decide how ``column`` is summarised from both data sets (exact counts or a fine grid)."""
    if kind not in NUMERIC_KINDS:
        return ColumnPlan(column, kind)
    # The grid's range need not be exact (values outside it are kept exactly), so a regular
    # subsample is enough to place it; this keeps planning cheap at tens of millions of rows.
    ref, cur = _subsample(finite_values(reference)), _subsample(finite_values(current))
    distinct = max(_approx_distinct(ref), _approx_distinct(cur))
    if distinct <= EXACT_DISTINCT_LIMIT:
        return ColumnPlan(column, kind, exact=True)
    low_q, high_q = CORE_QUANTILES
    lows = [float(s.quantile(low_q) or 0.0) for s in (ref, cur) if len(s)]
    highs = [float(s.quantile(high_q) or 0.0) for s in (ref, cur) if len(s)]
    low, high = min(lows), max(highs)
    if not high > low:
        return ColumnPlan(column, kind, exact=True)
    return ColumnPlan(column, kind, exact=False, low=low, high=high, bins=FINE_BINS)


def plan_from_sketches(
    column: str, kind: ColumnKind, reference: ColumnSketch, current: ColumnSketch
) -> ColumnPlan:
    """The plan of :func:`plan_column`, decided from merged partition sketches.

    The distinct count comes from the HyperLogLog sketches (exact up to 4,096 values) and the
    fine grid's range from the KLL quantiles; values outside the range are kept exactly, so an
    approximate range costs nothing in accuracy.
    """
    if kind not in NUMERIC_KINDS:
        return ColumnPlan(column, kind)
    distinct = max(reference.distinct.estimate(), current.distinct.estimate())
    if distinct <= EXACT_DISTINCT_LIMIT:
        return ColumnPlan(column, kind, exact=True)
    sketches = [s.quantiles for s in (reference, current) if s.quantiles and s.quantiles.count]
    if not sketches:
        return ColumnPlan(column, kind, exact=True)
    low = min(s.quantile(CORE_QUANTILES[0]) for s in sketches)
    high = max(s.quantile(CORE_QUANTILES[1]) for s in sketches)
    if not high > low:
        return ColumnPlan(column, kind, exact=True)
    return ColumnPlan(column, kind, exact=False, low=low, high=high, bins=FINE_BINS)


def _subsample(values: pl.Series) -> pl.Series:
    step = len(values) // PLAN_SAMPLE_ROWS
    return values.gather_every(step) if step > 1 else values


def _approx_distinct(values: pl.Series) -> int:
    return int(values.approx_n_unique()) if len(values) else 0  # type: ignore[arg-type]


def finite_values(series: pl.Series) -> pl.Series:
    """Non-null, finite values as Float64 (datetimes as their integer representation)."""
    import polars as pl

    values = series.drop_nulls()
    if values.dtype.is_temporal():
        values = values.to_physical()
    values = values.cast(pl.Float64)
    return values.filter(values.is_finite())


def summarize(series: pl.Series, plan: ColumnPlan) -> ColumnSummary:
    """Summarise one column of one data set according to ``plan``."""
    rows = series.len()
    if plan.kind not in NUMERIC_KINDS:
        return _summarize_categories(series, plan, rows)
    values = finite_values(series)
    missing = series.null_count() + (series.is_nan().sum() if series.dtype.is_float() else 0)
    infinite = rows - missing - values.len()
    if plan.exact or not values.len():
        support, counts = _value_counts(values)
    else:
        support, counts = _fine_grid(values.to_numpy(), plan)
    std = values.std(ddof=0) if values.len() else None
    return ColumnSummary(
        column=plan.column,
        kind=plan.kind,
        rows=rows,
        missing=int(missing),
        infinite=int(infinite),
        support=support,
        counts=counts,
        exact=plan.exact,
        mean=float(values.mean()) if values.len() else float("nan"),  # type: ignore[arg-type]
        std=float(std) if std is not None else float("nan"),  # type: ignore[arg-type]
        minimum=float(values.min()) if values.len() else float("nan"),  # type: ignore[arg-type]
        maximum=float(values.max()) if values.len() else float("nan"),  # type: ignore[arg-type]
    )


def _value_counts(values: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    # Sorting then run-length encoding is several times faster than hashing floats.
    runs = values.sort().rle().struct.unnest()
    return (
        runs.get_column("value").to_numpy(),
        runs.get_column("len").to_numpy().astype(np.int64),
    )


def _fine_grid(values: np.ndarray, plan: ColumnPlan) -> tuple[np.ndarray, np.ndarray]:
    inside = (values >= plan.low) & (values <= plan.high)
    width = (plan.high - plan.low) / plan.bins
    index = np.minimum(((values[inside] - plan.low) / width).astype(np.int64), plan.bins - 1)
    grid_counts = np.bincount(index, minlength=plan.bins).astype(np.int64)
    midpoints = plan.low + (np.arange(plan.bins) + 0.5) * width
    below, below_counts = np.unique(values[values < plan.low], return_counts=True)
    above, above_counts = np.unique(values[values > plan.high], return_counts=True)
    support = np.concatenate([below, midpoints, above])
    counts = np.concatenate([below_counts, grid_counts, above_counts]).astype(np.int64)
    keep = counts > 0
    return support[keep], counts[keep]


def _summarize_categories(series: pl.Series, plan: ColumnPlan, rows: int) -> ColumnSummary:
    import polars as pl

    labels = series.cast(pl.String) if series.dtype != pl.String else series
    counted = labels.drop_nulls().value_counts(name="__count__").sort(labels.name)
    return ColumnSummary(
        column=plan.column,
        kind=plan.kind,
        rows=rows,
        missing=series.null_count(),
        infinite=0,
        support=np.asarray(counted.get_column(labels.name).to_list(), dtype=object),
        counts=counted.get_column("__count__").to_numpy().astype(np.int64),
    )
