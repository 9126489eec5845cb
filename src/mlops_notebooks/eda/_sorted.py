"""Statistics read off an ascending array: counts, quantiles, outliers, MAD, moments.

:func:`sorted_floats` sorts floats as integers (twice as fast); :func:`from_ordered` then
reads the counts of ±inf, zeros and negatives, the quantiles and outlier counts with
O(1) or O(log n) lookups, the distinct count with one comparison pass, the median absolute
deviation in O(log² n) and the central moments in one blocked pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlops_notebooks.eda.summaries import REPORTED_QUANTILES, SKETCH_POINTS
from mlops_notebooks.summaries.moments import moments_of

__all__ = ["from_ordered", "median_abs_deviation", "sorted_floats"]

IQR_FENCE = 1.5
ROBUST_Z_LIMIT = 3.5
MAD_TO_SIGMA = 1.4826
_LOW_63_BITS = np.int64(0x7FFF_FFFF_FFFF_FFFF)


def sorted_floats(values: np.ndarray) -> np.ndarray:
    """``values`` (no NaN) in ascending order, sorted as integers: twice as fast as floats.

    Flipping the 63 low bits of negative floats makes their bit patterns, read as signed
    integers, order like the floats (−0.0 just below +0.0); the flip is its own inverse.
    """
    import polars as pl

    def flip(bits: np.ndarray) -> np.ndarray:
        out = bits >> 63  # all ones for negative values, else zero
        out &= _LOW_63_BITS
        out ^= bits
        return out

    ordered = pl.Series(flip(values.view(np.int64))).sort(multithreaded=False).to_numpy()
    return flip(ordered).view(np.float64)


def from_ordered(values: np.ndarray) -> dict[str, Any]:
    """Counts and statistics of ascending ``values`` without NaN (-inf, finite, then +inf)."""
    negative_infinite = int(np.searchsorted(values, -np.inf, "right"))
    finite_end = int(np.searchsorted(values, np.inf, "left"))
    finite = values[negative_infinite:finite_end]
    stats = _from_sorted(finite)
    positive_infinite = values.size - finite_end
    # -inf and +inf each count as one distinct value when present.
    stats["distinct"] += int(negative_infinite > 0) + int(positive_infinite > 0)
    zero_start = int(np.searchsorted(finite, 0.0, "left"))
    stats["counts"] = {
        "inf": negative_infinite + positive_infinite,
        "neg_inf": negative_infinite,
        "n": finite.size,
        "zeros": int(np.searchsorted(finite, 0.0, "right")) - zero_start,
        "negatives": zero_start,
    }
    return stats


def _from_sorted(values: np.ndarray) -> dict[str, Any]:
    """Statistics read off ascending finite ``values`` without another pass where possible."""
    n = values.size
    if n == 0:
        return {"distinct": 0, "sketch": (), "iqr": 0, "moments": (0.0, 0.0, 0.0, 0.0)}
    sketch = _sorted_quantiles(values, SKETCH_POINTS)
    q1, median, q3 = _sorted_quantiles(values, np.array([0.25, 0.5, 0.75]))
    fence = IQR_FENCE * (q3 - q1)
    iqr_out = (
        int(np.searchsorted(values, q1 - fence, "left"))
        + n
        - int(np.searchsorted(values, q3 + fence, "right"))
    )
    mad = median_abs_deviation(values, median)
    robust: int | None = None
    if mad > 0:
        limit = ROBUST_Z_LIMIT * MAD_TO_SIGMA * mad
        robust = (
            int(np.searchsorted(values, median - limit, "left"))
            + n
            - int(np.searchsorted(values, median + limit, "right"))
        )
    distinct = int(np.count_nonzero(values[1:] != values[:-1])) + 1
    return {
        "distinct": distinct,
        "sketch": tuple(float(v) for v in sketch),
        "quantiles": dict(
            zip(
                REPORTED_QUANTILES,
                (float(v) for v in _sorted_quantiles(values, np.array(REPORTED_QUANTILES))),
                strict=True,
            )
        ),
        "iqr": iqr_out,
        "moments": _central(values),
        "min": float(values[0]),
        "max": float(values[-1]),
        "robust": robust,
        "mad": mad,
    }


def _sorted_quantiles(values: np.ndarray, q: np.ndarray) -> np.ndarray:
    """numpy's default ('linear') quantiles of ascending ``values`` by direct indexing."""
    position = (values.size - 1) * np.asarray(q, dtype=float)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, values.size - 1)
    fraction = position - low
    return values[low] + (values[high] - values[low]) * fraction


def median_abs_deviation(values: np.ndarray, median: float) -> float:
    """Median of ``|values − median|`` for ascending ``values`` in O(log² n).

    The distances form two ascending runs (left of the median, mirrored, and right of it);
    the k-th smallest distance is found by bisection on the count of distances ≤ d.
    """
    n = values.size
    middle = (n - 1) / 2
    lower = _kth_distance(values, median, int(np.floor(middle)))
    upper = _kth_distance(values, median, int(np.ceil(middle)))
    return float((lower + upper) / 2)


def _kth_distance(values: np.ndarray, median: float, k: int) -> float:
    split = int(np.searchsorted(values, median, "left"))
    left = median - values[:split][::-1]  # view, ascending distances
    right = values[split:] - median
    # k-th (0-based) smallest of the union of two ascending runs.
    low, high = max(0, k + 1 - right.size), min(k + 1, left.size)
    while low <= high:
        take = (low + high) // 2
        rest = k + 1 - take
        if take < left.size and rest > 0 and right[rest - 1] > left[take]:
            low = take + 1
        elif take > 0 and rest < right.size and left[take - 1] > right[rest]:
            high = take - 1
        else:
            candidates = ([left[take - 1]] if take > 0 else []) + (
                [right[rest - 1]] if rest > 0 else []
            )
            return float(max(candidates))
    raise AssertionError("unreachable: bisection always finds a split")  # pragma: no cover


def _central(values: np.ndarray) -> tuple[float, float, float, float]:
    moments = moments_of(values)
    return moments.mean, moments.m2, moments.m3, moments.m4
