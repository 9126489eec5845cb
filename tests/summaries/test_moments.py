"""One implementation of mergeable moments: any partitioning gives the one-pass statistics."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.drift.summaries import ColumnPlan, summarize
from mlops_notebooks.summaries.moments import Moments, merge_all, merge_moments, moments_of


def _split(values: np.ndarray, cuts: list[int]) -> list[np.ndarray]:
    return np.split(values, sorted({c % (values.size + 1) for c in cuts}))


def test_one_billion_plus_minus_one_in_100_partitions(rng: np.random.Generator) -> None:
    values = 1e9 + rng.choice([-1.0, 1.0], size=100_000)
    whole = moments_of(values)
    parts = [moments_of(p) for p in np.array_split(values, 100)]
    merged = merge_all(parts)
    sequential = parts[0]
    for part in parts[1:]:
        sequential = merge_moments(sequential, part)
    expected_variance = float(np.var(values - 1e9, ddof=1))  # exact: shifted values are ±1
    for result in (whole, merged, sequential):
        assert result.count == values.size
        assert result.mean == pytest.approx(1e9 + float(np.mean(values - 1e9)), abs=1e-6)
        assert result.variance == pytest.approx(expected_variance, rel=1e-9)


def test_drift_merge_is_stable_on_one_billion_plus_minus_one(rng: np.random.Generator) -> None:
    import polars as pl

    values = 1e9 + rng.choice([-1.0, 1.0], size=100_000)
    plan = ColumnPlan("x", ColumnKind.NUMERIC, exact=True)
    parts = [summarize(pl.Series("x", p), plan) for p in np.array_split(values, 100)]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    assert merged.std == pytest.approx(float(np.std(values - 1e9)), rel=1e-9)
    # The former E[x²] − mean² merge lost every digit here (1e18 squared terms).
    naive = np.sqrt(max(np.mean(values**2) - np.mean(values) ** 2, 0.0))
    assert abs(naive - merged.std) > 1e-3


def test_higher_moments_equal_scipy(rng: np.random.Generator) -> None:
    values = rng.lognormal(0, 1, 5_000)
    merged = merge_all(moments_of(p) for p in np.array_split(values, 7))
    assert merged.skewness == pytest.approx(scipy.stats.skew(values, bias=False), rel=1e-9)
    assert merged.kurtosis == pytest.approx(scipy.stats.kurtosis(values, bias=False), rel=1e-9)
    assert merged.std == pytest.approx(float(np.std(values, ddof=1)), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    offset=st.sampled_from([0.0, 1e6, 1e9, -1e9]),
    data=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=300),
    cuts=st.lists(st.integers(0, 300), max_size=20),
)
def test_any_partitioning_gives_the_one_pass_moments(
    offset: float, data: list[float], cuts: list[int]
) -> None:
    values = offset + np.asarray(data)
    whole = moments_of(values)
    merged = merge_all(moments_of(p) for p in _split(values, cuts))
    assert merged.count == whole.count
    assert merged.mean == pytest.approx(whole.mean, rel=1e-12, abs=1e-9)
    scale = max(whole.m2, 1e-6 * values.size)
    assert merged.m2 == pytest.approx(whole.m2, rel=1e-7, abs=1e-9 * scale)


def test_empty_partitions_are_the_identity() -> None:
    part = moments_of(np.array([1.0, 2.0, 4.0]))
    assert merge_moments(Moments.empty(), part) is part
    assert merge_moments(part, Moments.empty()) is part
    assert merge_all([]) == Moments.empty()
