"""Per-column summaries of the EDA profile that can be computed per partition and merged.

Moments come from :mod:`mlops_notebooks.summaries.moments` (the package's one implementation).

What merges exactly: counts, sums, central moments (Pébay's pairwise update), minimum and
maximum, value counts, interval extremes. What does not: quantiles and exact distinct counts of
numeric columns. A :class:`NumericSummary` therefore carries a *percentile sketch* (the 101
percentiles 0 %, 1 %, …, 100 % of its finite values). On a single frame the reported quantiles
are exact (linear interpolation, numpy's default); after :func:`merge_numeric` they are read
from the count-weighted mixture of the partitions' sketches, whose rank error is at most one
percentile step, and ``distinct`` becomes a lower bound (the larger of the two).

:meth:`ColumnProfile.approximations` lists every group of a column's values that is not exact,
with the sketch it came from and its error bound (reports mark those values with "≈").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mlops_notebooks.summaries.moments import Moments, merge_moments

__all__ = [
    "REPORTED_QUANTILES",
    "Approximation",
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
# Rank error added by reading quantiles off a 101-point percentile sketch (one step).
PERCENTILE_STEP = 0.01


@dataclass(frozen=True)
class Approximation:
    """How a group of values was approximated, and how far it can be from the exact values.

    Attributes
    ----------
    fields : tuple of str
        The keys of :meth:`ColumnProfile.to_dict` (or of its ``numeric`` part) it covers.
    method : str
        Where the values come from (``"KLL sketch"``, ``"HyperLogLog"``, …).
    error_kind : str
        What :attr:`error` measures: ``"rank"`` (a share of the values), ``"relative"`` (a
        relative standard error), ``"count"`` (rows), or ``"lower_bound"`` (no error given:
        the value is at most the exact one).
    error : float or None
        The bound, in the unit of ``error_kind``; None when there is no bound.
    bound : str
        The bound in words, as reports show it.
    """

    fields: tuple[str, ...]
    method: str
    error_kind: str
    error: float | None
    bound: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "fields": list(self.fields),
            "method": self.method,
            "error_kind": self.error_kind,
            "error": self.error,
            "bound": self.bound,
        }


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
    rank_error: float | None = None

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

    def approximations(self) -> dict[str, Approximation]:
        """The quantiles and the IQR outlier count when they come from a sketch (else empty)."""
        if not self.sketch_merged:
            return {}
        rank = self.rank_error
        quantile_fields = tuple(f"p{round(q * 100)}" for q in self.quantiles)
        if rank is None:
            return {
                "quantiles": Approximation(
                    quantile_fields, "merged sketch", "rank", None, "read from a merged sketch"
                )
            }
        method = "KLL sketch" if rank < PERCENTILE_STEP else "merged percentile sketches"
        out = {
            "quantiles": Approximation(
                quantile_fields,
                method,
                "rank",
                rank,
                f"{method}: each quantile's rank within ±{rank:.2%} of the values"
                + (" (99% confidence)" if method == "KLL sketch" else ""),
            )
        }
        if method == "KLL sketch":
            rows = round(2 * rank * self.moments.count)
            out["iqr_outliers"] = Approximation(
                ("iqr_outliers",),
                method,
                "count",
                float(rows),
                f"fences and ranks read off the KLL sketch: within ±{rows:,} rows",
            )
        else:
            out["iqr_outliers"] = Approximation(
                ("iqr_outliers",),
                method,
                "lower_bound",
                None,
                "summed over partitions, each with its own quartile fences (no bound)",
            )
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
        rank_error=max(a.rank_error or 0.0, b.rank_error or 0.0) + PERCENTILE_STEP,
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
    values, else only the most frequent ones (``truncated`` is then true). ``count_error`` is
    set when the counts come from a frequent-items sketch: each is short by at most that much.
    """

    counts: dict[str, int]
    truncated: bool = False
    count_error: int | None = None

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
    errors = [e for e in (a.count_error, b.count_error) if e is not None]
    return CategoricalSummary(counts, a.truncated or b.truncated, sum(errors) if errors else None)


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
    non-missing values; when ``distinct_exact`` is false it is a HyperLogLog estimate with
    relative standard error ``distinct_error``, or a lower bound when that is None.
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
    distinct_error: float | None = None

    @property
    def approximate(self) -> bool:
        """Whether any statistic of the column comes from a sketch."""
        return bool(self.approximations())

    def approximations(self) -> dict[str, Approximation]:
        """Each group of values that is not exact (``distinct``, ``quantiles``,
        ``iqr_outliers``, ``top_values``) with its method and error bound; empty when exact."""
        out: dict[str, Approximation] = {}
        if not self.distinct_exact:
            out["distinct"] = _distinct_approximation(self.distinct, self.distinct_error)
        if self.numeric is not None:
            out.update(self.numeric.approximations())
        if self.categorical is not None and self.categorical.count_error is not None:
            error = self.categorical.count_error
            out["top_values"] = Approximation(
                ("top_values",),
                "frequent-items sketch",
                "count",
                float(error),
                f"frequent-items sketch: each count short by at most {error:,}",
            )
        return out

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
        out["approximate"] = {
            name: approximation.to_dict() for name, approximation in self.approximations().items()
        }
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
            distinct_error=None,
            numeric=_merge_optional(merge_numeric, self.numeric, other.numeric),
            categorical=categorical,
            datetime=_merge_optional(merge_datetime, self.datetime, other.datetime),
            text=_merge_optional(merge_text, self.text, other.text),
            mixed_types=tuple(sorted(set(self.mixed_types) | set(other.mixed_types))),
        )


def _distinct_approximation(distinct: int, error: float | None) -> Approximation:
    if error is None:
        return Approximation(
            ("distinct",),
            "merged partitions",
            "lower_bound",
            None,
            "at least this many: the largest count of the merged partitions",
        )
    return Approximation(
        ("distinct",),
        "HyperLogLog",
        "relative",
        error,
        f"HyperLogLog estimate: relative standard error {error:.2%} "
        f"(about ±{max(round(distinct * error), 1):,})",
    )


MERGE_MISMATCH = "cannot merge profiles of different columns or kinds: {a!r} and {b!r}"


def _merge_optional(merge: Any, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return a if b is None else b
    return merge(a, b)
