"""Sketches stay within their documented error bounds, merge, and survive serialization."""

from __future__ import annotations

import pickle

import numpy as np
import polars as pl
import pytest
from scipy.stats import ks_2samp

from mlops_notebooks.summaries.sketches import (
    EXACT_DISTINCT,
    DistinctSketch,
    FrequentItems,
    QuantileSketch,
    ks_from_sketches,
    sorted_union,
)


def _sketch(values: np.ndarray, parts: int = 1) -> QuantileSketch:
    sketches = []
    for part in np.array_split(values, parts):
        sketch = QuantileSketch()
        sketch.update(part)
        sketches.append(sketch)
    merged = sketches[0]
    for other in sketches[1:]:
        merged = merged.merge(other)
    return merged


@pytest.mark.parametrize("parts", [1, 13])
def test_quantiles_lie_within_the_rank_error(rng: np.random.Generator, parts: int) -> None:
    values = rng.lognormal(0, 1.5, 400_000)
    sketch = _sketch(values, parts)
    assert sketch.count == values.size
    ordered = np.sort(values)
    for q in (0.01, 0.1, 0.25, 0.5, 0.9, 0.99):
        rank = np.searchsorted(ordered, sketch.quantile(q), "right") / values.size
        assert abs(rank - q) <= sketch.rank_error, q


def test_ks_from_sketches_is_within_its_bound_of_scipy(rng: np.random.Generator) -> None:
    for shift in (0.0, 0.02, 0.3):
        a, b = rng.normal(0, 1, 300_000), rng.normal(shift, 1.1, 200_000)
        result = ks_from_sketches(_sketch(a, 5), _sketch(b, 3))
        exact = ks_2samp(a, b).statistic
        assert abs(result.statistic - exact) <= result.error_bound
        assert result.error_bound < 0.01


def test_quantile_sketch_pickles_and_round_trips(rng: np.random.Generator) -> None:
    sketch = _sketch(rng.normal(size=10_000))
    again = pickle.loads(pickle.dumps(sketch))
    assert again.count == sketch.count
    assert again.quantile(0.3) == sketch.quantile(0.3)
    assert QuantileSketch.from_bytes(sketch.to_bytes()).quantile(0.7) == sketch.quantile(0.7)


def test_read_only_arrays_are_accepted() -> None:
    values = np.arange(10.0)
    values.flags.writeable = False
    sketch = QuantileSketch()
    sketch.update(values)
    assert sketch.count == 10


def test_distinct_counts_are_exact_when_small_and_merge() -> None:
    a, b = DistinctSketch(), DistinctSketch()
    a.update(pl.Series([1.0, 2.0, None, float("nan"), 2.0]))
    b.update(pl.Series([2.0, 3.0]))
    merged = a.merge(b)
    assert (merged.estimate(), merged.exact, merged.relative_error) == (3, True, 0.0)


@pytest.mark.parametrize("distinct", [EXACT_DISTINCT * 3, 60_000, 1_000_000])
def test_distinct_estimate_within_three_standard_errors(distinct: int) -> None:
    values = np.arange(distinct, dtype=np.float64) * 0.37
    parts = [DistinctSketch() for _ in range(4)]
    for sketch, chunk in zip(
        parts, np.array_split(np.concatenate([values, values[:1000]]), 4), strict=True
    ):
        sketch.update(pl.Series(chunk))
    merged = parts[0].merge(parts[1]).merge(parts[2]).merge(parts[3])
    assert not merged.exact
    assert abs(merged.estimate() - distinct) <= 3 * merged.relative_error * distinct


def test_frequent_items_rank_and_bound() -> None:
    first, second = FrequentItems(), FrequentItems()
    first.update({"a": 50, "b": 30, "c": 1})
    second.update({"b": 40, "d": 2})
    merged = first.merge(second)
    assert merged.top(2) == [("b", 70), ("a", 50)]
    assert merged.max_error == 0  # far fewer items than the sketch holds: exact


def test_sorted_union() -> None:
    left = np.array([1, 3, 5], dtype=np.uint64)
    right = np.array([5, 2, 2, 9], dtype=np.uint64)
    assert sorted_union(left, right).tolist() == [1, 2, 3, 5, 9]
