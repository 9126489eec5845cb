"""Sorting floats as integers gives numpy's order; counts read off it equal numpy's."""

from __future__ import annotations

import numpy as np

from mlops_notebooks.eda._sorted import from_ordered, sorted_floats


def test_sorted_floats_equal_numpy_sort(rng: np.random.Generator) -> None:
    values = np.concatenate(
        [
            rng.normal(0, 1e3, 5_000),
            rng.integers(-5, 5, 1_000).astype(float),
            [np.inf, -np.inf, 5e-324, -5e-324, np.finfo(float).max, -np.finfo(float).max],
        ]
    )
    ordered = sorted_floats(values)
    np.testing.assert_array_equal(ordered, np.sort(values))
    assert np.all(np.diff(ordered[np.isfinite(ordered)]) >= 0)


def test_signed_zeros_sort_together_and_count_as_one_value() -> None:
    ordered = sorted_floats(np.array([0.0, -0.0, -1.0, 2.0, -0.0]))
    stats = from_ordered(ordered)
    assert stats["counts"]["zeros"] == 3 and stats["counts"]["negatives"] == 1
    assert stats["distinct"] == 3
