"""Mergeable moments: count, mean and central sums of powers 2–4, merged exactly.

This is the one implementation of mergeable moments in the package; the EDA profile, the drift
summaries and the out-of-core and distributed engines all use it. Partitions are combined with
the pairwise update of Chan, Golub & LeVeque (1979) extended to the third and fourth powers by
Pébay (2008). It never forms ``E[x²] − mean²``, so values such as ``1e9 ± 1`` split into any
number of partitions give the variance of a single pass (to floating-point rounding) instead of
cancelling to noise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["Moments", "merge_all", "merge_moments", "moments_of"]

# Values per block when summing central powers: the buffers stay in L2 cache.
MOMENT_BLOCK = 65_536


@dataclass(frozen=True)
class Moments:
    """Count, mean and sums of central powers 2–4 of finite values (exactly mergeable).

    ``skewness`` and ``kurtosis`` follow pandas: the adjusted Fisher–Pearson skewness and
    the unbiased excess kurtosis, equal to ``scipy.stats.skew(bias=False)`` and
    ``scipy.stats.kurtosis(bias=False)``. ``m3`` and ``m4`` are NaN when only the first two
    moments were recorded (the mean and variance stay exact).

    Examples
    --------
    >>> import numpy as np
    >>> whole = moments_of(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> parts = merge_moments(moments_of(np.array([1.0, 2.0])), moments_of(np.array([3.0, 4.0])))
    >>> (parts.mean, parts.variance) == (whole.mean, whole.variance)
    True
    """

    count: int
    mean: float
    m2: float
    m3: float = 0.0
    m4: float = 0.0

    @classmethod
    def empty(cls) -> Moments:
        """The moments of no value (the identity of :func:`merge_moments`)."""
        return cls(0, 0.0, 0.0, 0.0, 0.0)

    @property
    def variance(self) -> float | None:
        """Sample variance (``ddof=1``); ``None`` below two values."""
        return self.m2 / (self.count - 1) if self.count > 1 else None

    @property
    def population_variance(self) -> float | None:
        """Population variance (``ddof=0``); ``None`` for no value."""
        return self.m2 / self.count if self.count else None

    @property
    def std(self) -> float | None:
        """Sample standard deviation (``ddof=1``); ``None`` below two values."""
        variance = self.variance
        return math.sqrt(variance) if variance is not None else None

    @property
    def skewness(self) -> float | None:
        """Adjusted Fisher–Pearson skewness; 0 for a constant, ``None`` below three values."""
        n = self.count
        if n < 3:
            return None
        if self.m2 <= 1e-14 * max(1.0, self.mean**2) * n:
            return 0.0
        g1 = math.sqrt(n) * self.m3 / self.m2**1.5
        return g1 * math.sqrt(n * (n - 1)) / (n - 2)

    @property
    def kurtosis(self) -> float | None:
        """Unbiased excess kurtosis; 0 for a constant, ``None`` below four values."""
        n = self.count
        if n < 4:
            return None
        if self.m2 <= 1e-14 * max(1.0, self.mean**2) * n:
            return 0.0
        g2 = n * self.m4 / self.m2**2 - 3.0
        return ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))

    def merge(self, other: Moments) -> Moments:
        """The moments of the union of two disjoint partitions (:func:`merge_moments`)."""
        return merge_moments(self, other)


def merge_moments(a: Moments, b: Moments) -> Moments:
    """Combine the moments of two disjoint partitions exactly (Chan et al. 1979; Pébay 2008).

    Examples
    --------
    >>> merge_moments(Moments(2, 1.0, 2.0), Moments(2, 3.0, 2.0)).m2
    8.0
    """
    if a.count == 0:
        return b
    if b.count == 0:
        return a
    na, nb = float(a.count), float(b.count)
    n = na + nb
    delta = b.mean - a.mean
    mean = a.mean + delta * nb / n
    m2 = a.m2 + b.m2 + delta**2 * na * nb / n
    m3 = (
        a.m3
        + b.m3
        + delta**3 * na * nb * (na - nb) / n**2
        + 3.0 * delta * (na * b.m2 - nb * a.m2) / n
    )
    m4 = (
        a.m4
        + b.m4
        + delta**4 * na * nb * (na**2 - na * nb + nb**2) / n**3
        + 6.0 * delta**2 * (na**2 * b.m2 + nb**2 * a.m2) / n**2
        + 4.0 * delta * (na * b.m3 - nb * a.m3) / n
    )
    return Moments(a.count + b.count, mean, m2, m3, m4)


def merge_all(parts: Iterable[Moments]) -> Moments:
    """Merge any number of partitions pairwise, as a balanced tree (rounding grows as log n).

    Examples
    --------
    >>> merge_all([Moments(1, 1.0, 0.0), Moments(1, 2.0, 0.0), Moments(1, 3.0, 0.0)]).mean
    2.0
    """
    level = [p for p in parts if p.count]
    if not level:
        return Moments.empty()
    while len(level) > 1:
        merged = [merge_moments(a, b) for a, b in zip(level[::2], level[1::2], strict=False)]
        level = merged + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def moments_of(values: np.ndarray) -> Moments:
    """Moments of finite ``values`` in two passes (the mean, then blocked central powers).

    Examples
    --------
    >>> moments_of(np.array([1e9 - 1, 1e9 + 1])).variance
    2.0
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return Moments.empty()
    mean = float(values.mean())
    sums = [0.0, 0.0, 0.0]
    size = min(MOMENT_BLOCK, values.size)
    centred, squared, product = np.empty(size), np.empty(size), np.empty(size)
    for start in range(0, values.size, MOMENT_BLOCK):
        block = values[start : start + MOMENT_BLOCK]
        c, s, p = centred[: block.size], squared[: block.size], product[: block.size]
        np.subtract(block, mean, out=c)
        np.multiply(c, c, out=s)
        sums[0] += float(s.sum())
        sums[1] += float(np.multiply(s, c, out=p).sum())
        sums[2] += float(np.multiply(s, s, out=p).sum())
    return Moments(int(values.size), mean, sums[0], sums[1], sums[2])
