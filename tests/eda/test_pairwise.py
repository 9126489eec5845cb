"""Ranks for Spearman's correlation equal scipy's, including ties and non-finite values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mlops_notebooks.eda._pairwise import average_ranks


def _expected(values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    out = np.full(values.shape, np.nan)
    out[finite] = stats.rankdata(values[finite], method="average")
    return out


@pytest.mark.parametrize("size", [1, 2, 17, 5_000])
def test_average_ranks_equal_scipy_with_ties_and_gaps(rng: np.random.Generator, size: int) -> None:
    values = np.round(rng.normal(0, 3, size), 1)  # many ties
    values[rng.random(size) < 0.1] = np.nan
    values[rng.random(size) < 0.05] = np.inf
    values[rng.random(size) < 0.05] = -np.inf
    values[rng.random(size) < 0.05] = -0.0
    np.testing.assert_array_equal(average_ranks(values), _expected(values))


def test_average_ranks_order_values_closer_than_the_packed_key() -> None:
    # 1 and its successor share the high bits of their keys: the exact fallback must order them.
    values = np.array([1.0, np.nextafter(1.0, 2.0), 1.0, -0.0, 0.0, 3.0, -2.0])
    np.testing.assert_array_equal(average_ranks(values), _expected(values))


def test_average_ranks_of_no_finite_value_are_nan() -> None:
    assert np.isnan(average_ranks(np.array([np.nan, np.inf]))).all()
    assert average_ranks(np.array([])).size == 0
