"""Per-column summaries of the EDA profile that can be computed per partition and merged.

Moments come from :mod:`mlops_notebooks.summaries.moments` (the package's one implementation).

What merges exactly: counts, sums, central moments (Pébay's pairwise update), minimum and
maximum, value counts, interval extremes. What does not: quantiles and exact distinct counts of
numeric columns. A :class:`NumericSummary` therefore carries a *percentile sketch* (the 101
percentiles 0 %, 1 %, …, 100 % of its finite values). On a single frame the reported quantiles
are exact (linear interpolation, numpy's default); after :func:`merge_numeric` they are read
from the count-weighted mixture of the partitions' sketches, whose rank error is at most one
percentile step, and ``distinct`` becomes a lower bound (the larger of the two).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mlops_notebooks.summaries.moments import Moments, merge_moments

__all__ = [
    "REPORTED_QUANTILES",
    "CategoricalSummary",
    "ColumnProfile",
    "DatetimeSummary",
    "Moments",
    "NumericSummary",
    "TextSummary",
    "merge_categorical",
    "merge_datetime",
    "merge_moments",
    "merge_numeric",
    "merge_text",
]

REPORTED_QUANTILES: tuple[float, ...] = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
SKETCH_POINTS = np.linspace(0.0, 1.0, 101)


@dataclass(frozen=True)
class NumericSummary:
    """Statistics of a numeric column over its finite values.

    ``infinities`` counts ±inf separately; NaN counts as missing (as in pandas).
    ``iqr_outliers`` counts values beyond ``1.5 × IQR`` from the quartiles;
    ``robust_z_outliers`` counts values whose robust z-score ``|x − median| / (1.4826 · MAD)``
    exceeds 3.5 (Iglewicz & Hoaglin); it is ``None`` when the MAD is 0 (the score is then
    undefined, not zero).
    """

    moments: Moments
    minimum: float | None
    maximum: float | None
    quantiles: dict[float, float]
    sketch: tuple[float, ...]
    zeros: int
    negatives: int
    infinities: int
    iqr_outliers: int
    robust_z_outliers: int | None
    mad: float | None
    sketch_merged: bool = False

    @property
    def mean(self) -> float | None:
        """Mean of the finite values."""
        return self.moments.mean if self.moments.count else None

    def to_dict(self) -> dict[str, Any]:
        """Flat, JSON-ready statistics."""
        out: dict[str, Any] = {
            "mean": self.mean,
            "std": self.moments.std,
            "min": self.minimum,
            **{f"p{round(q * 100)}": value for q, value in self.quantiles.items()},
            "max": self.maximum,
            "skewness": self.moments.skewness,
            "kurtosis": self.moments.kurtosis,
            "mad": self.mad,
            "zeros": self.zeros,
            "negatives": self.negatives,
            "infinities": self.infinities,
            "iqr_outliers": self.iqr_outliers,
            "robust_z_outliers": self.robust_z_outliers,
        }
        return out


def merge_numeric(a: NumericSummary, b: NumericSummary) -> NumericSummary:
    """Merge two partitions: exact for moments, extremes and counts; sketched for quantiles.

    Outlier counts are summed (each partition used its own fences), so they are approximate.
    """
    moments = merge_moments(a.moments, b.moments)
    sketch = _merge_sketches(a, b)
    return NumericSummary(
        moments=moments,
        minimum=_extreme(min, a.minimum, b.minimum),
        maximum=_extreme(max, a.maximum, b.maximum),
        quantiles={q: float(np.interp(q, SKETCH_POINTS, sketch)) for q in REPORTED_QUANTILES}
        if sketch
        else {},
        sketch=sketch,
        zeros=a.zeros + b.zeros,
        negatives=a.negatives + b.negatives,
        infinities=a.infinities + b.infinities,
        iqr_outliers=a.iqr_outliers + b.iqr_outliers,
        robust_z_outliers=None
        if a.robust_z_outliers is None or b.robust_z_outliers is None
        else a.robust_z_outliers + b.robust_z_outliers,
        mad=None,
        sketch_merged=True,
    )


def _merge_sketches(a: NumericSummary, b: NumericSummary) -> tuple[float, ...]:
    if not a.sketch or not b.sketch:
        return a.sketch or b.sketch
    grid = np.union1d(a.sketch, b.sketch)
    weights = np.array([a.moments.count, b.moments.count], dtype=float)
    cdf = (
        sum(
            weight * np.interp(grid, np.asarray(sk), SKETCH_POINTS, left=0.0, right=1.0)
            for weight, sk in zip(weights, (a.sketch, b.sketch), strict=True)
        )
        / weights.sum()
    )
    cdf = np.maximum.accumulate(np.asarray(cdf))
    return tuple(float(v) for v in np.interp(SKETCH_POINTS, cdf, grid))


def _extreme(pick: Any, a: Any, b: Any) -> Any:
    values = [v for v in (a, b) if v is not None]
    return pick(values) if values else None


@dataclass(frozen=True)
class CategoricalSummary:
    """Value counts of a categorical or boolean column (exactly mergeable).

    ``counts`` holds every value when the column has at most ``MAX_KEPT_VALUES`` distinct
    values, else only the most frequent ones (``truncated`` is then true).
    """

    counts: dict[str, int]
    truncated: bool = False

    def top(self, n: int = 10) -> list[tuple[str, int]]:
        """The ``n`` most frequent values with their counts, most frequent first."""
        return sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))[:n]

    def rare_share(self, threshold: float) -> float:
        """Share of non-null rows whose value has a frequency below ``threshold``."""
        total = sum(self.counts.values())
        if total == 0:
            return 0.0
        rare = sum(c for c in self.counts.values() if c / total < threshold)
        return rare / total


def merge_categorical(a: CategoricalSummary, b: CategoricalSummary) -> CategoricalSummary:
    """Add the value counts of two partitions."""
    counts = dict(a.counts)
    for value, count in b.counts.items():
        counts[value] = counts.get(value, 0) + count
    return CategoricalSummary(counts, a.truncated or b.truncated)


@dataclass(frozen=True)
class DatetimeSummary:
    """Range and sampling intervals of a datetime column (values as ISO strings)."""

    minimum: str | None
    maximum: str | None
    range_seconds: float | None
    median_interval_seconds: float | None
    largest_gap_seconds: float | None
    largest_gap_start: str | None


def merge_datetime(a: DatetimeSummary, b: DatetimeSummary) -> DatetimeSummary:
    """Merge ranges exactly; interval statistics are kept from the partition with the wider gap."""
    import datetime as dt

    minimum = _extreme(min, a.minimum, b.minimum)
    maximum = _extreme(max, a.maximum, b.maximum)
    span = None
    if minimum is not None and maximum is not None:
        start, end = dt.datetime.fromisoformat(minimum), dt.datetime.fromisoformat(maximum)
        span = (end - start).total_seconds()
    wider = a if (a.largest_gap_seconds or 0) >= (b.largest_gap_seconds or 0) else b
    return replace(wider, minimum=minimum, maximum=maximum, range_seconds=span)


@dataclass(frozen=True)
class TextSummary:
    """Length (characters) and word-count statistics of a text column (mergeable moments)."""

    length: Moments
    length_min: int | None
    length_max: int | None
    words: Moments
    words_min: int | None
    words_max: int | None

    def to_dict(self) -> dict[str, Any]:
        """Flat, JSON-ready statistics."""
        return {
            "length_mean": self.length.mean if self.length.count else None,
            "length_min": self.length_min,
            "length_max": self.length_max,
            "words_mean": self.words.mean if self.words.count else None,
            "words_min": self.words_min,
            "words_max": self.words_max,
        }


def merge_text(a: TextSummary, b: TextSummary) -> TextSummary:
    """Merge two partitions exactly."""
    return TextSummary(
        length=merge_moments(a.length, b.length),
        length_min=_extreme(min, a.length_min, b.length_min),
        length_max=_extreme(max, a.length_max, b.length_max),
        words=merge_moments(a.words, b.words),
        words_min=_extreme(min, a.words_min, b.words_min),
        words_max=_extreme(max, a.words_max, b.words_max),
    )


@dataclass(frozen=True)
class ColumnProfile:
    """Everything :func:`~mlops_notebooks.eda.profile` knows about one column.

    Exactly one of ``numeric``, ``categorical``, ``datetime`` and ``text`` is set for the
    matching kinds (identifier columns get ``numeric`` or ``text`` by dtype; empty columns none).
    ``missing`` counts nulls and, for float columns, NaN. ``distinct`` counts distinct
    non-missing values.
    """

    name: str
    dtype: str
    kind: str
    count: int
    missing: int
    distinct: int
    numeric: NumericSummary | None = None
    categorical: CategoricalSummary | None = None
    datetime: DatetimeSummary | None = None
    text: TextSummary | None = None
    mixed_types: tuple[str, ...] = ()
    distinct_exact: bool = True

    @property
    def missing_share(self) -> float:
        """Missing values as a share of rows (0 for an empty frame)."""
        return self.missing / self.count if self.count else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready statistics of this column."""
        out: dict[str, Any] = {
            "name": self.name,
            "dtype": self.dtype,
            "kind": self.kind,
            "count": self.count,
            "missing": self.missing,
            "missing_share": self.missing_share,
            "distinct": self.distinct,
        }
        if self.mixed_types:
            out["mixed_types"] = list(self.mixed_types)
        if self.numeric is not None:
            out["numeric"] = self.numeric.to_dict()
        if self.categorical is not None:
            out["top_values"] = [
                {"value": value, "count": count} for value, count in self.categorical.top(10)
            ]
        if self.datetime is not None:
            out["datetime"] = dict(vars(self.datetime))
        if self.text is not None:
            out["text"] = self.text.to_dict()
        return out

    def merge(self, other: ColumnProfile) -> ColumnProfile:
        """Combine the profiles of the same column over two disjoint partitions."""
        if (self.name, self.kind) != (other.name, other.kind):
            from mlops_notebooks.errors import InvalidInputError

            raise InvalidInputError(MERGE_MISMATCH.format(a=self.name, b=other.name))
        categorical = _merge_optional(merge_categorical, self.categorical, other.categorical)
        exact = categorical is not None and not categorical.truncated
        return replace(
            self,
            count=self.count + other.count,
            missing=self.missing + other.missing,
            distinct=len(categorical.counts)
            if exact and categorical
            else max(self.distinct, other.distinct),
            distinct_exact=exact,
            numeric=_merge_optional(merge_numeric, self.numeric, other.numeric),
            categorical=categorical,
            datetime=_merge_optional(merge_datetime, self.datetime, other.datetime),
            text=_merge_optional(merge_text, self.text, other.text),
            mixed_types=tuple(sorted(set(self.mixed_types) | set(other.mixed_types))),
        )


MERGE_MISMATCH = "cannot merge profiles of different columns or kinds: {a!r} and {b!r}"


def _merge_optional(merge: Any, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return a if b is None else b
    return merge(a, b)
