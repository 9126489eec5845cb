"""Exhaustive, vectorized enumeration of conjunction segments up to a few predicates.

For each combination of ``level`` features we count rows, score sums and squared-score sums
for every combination of codes with one ``numpy.bincount`` per statistic, then map the code
axes to predicate axes with a small 0/1 matrix per feature (single bins, tails, levels). A
combination of three 10-bin features is a 29 x 29 x 29 tensor: millions of candidate
segments cost a few hundred bincounts over the rows, with no Python loop over rows or
segments. Candidates under the minimum support are dropped at once (support pruning).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .encoding import EncodedFeature

__all__ = ["Candidates", "enumerate_segments"]


@dataclass(frozen=True, eq=False)
class Candidates:
    """Every segment with enough support, as parallel arrays.

    Attributes
    ----------
    features : numpy.ndarray of int64, shape (n, max_level)
        Feature index of each predicate, ``-1`` where the segment has fewer predicates.
    predicates : numpy.ndarray of int64, shape (n, max_level)
        Predicate index within that feature.
    size, score_sum, score_squares : numpy.ndarray of float64, shape (n,)
    """

    features: np.ndarray
    predicates: np.ndarray
    size: np.ndarray
    score_sum: np.ndarray
    score_squares: np.ndarray

    @property
    def n_candidates(self) -> int:
        return int(self.size.shape[0])


def _combination_statistics(
    encoded: list[EncodedFeature], score: np.ndarray, squares: np.ndarray
) -> tuple[np.ndarray, ...]:
    key = np.zeros(score.shape[0], dtype=np.int64)
    shape = []
    for feature in encoded:
        key = key * feature.n_codes + feature.codes
        shape.append(feature.n_codes)
    length = int(np.prod(shape))
    tensors = [
        np.bincount(key, minlength=length),
        np.bincount(key, weights=score, minlength=length),
        np.bincount(key, weights=squares, minlength=length),
    ]
    results = []
    for flat in tensors:
        tensor = flat.astype(np.float64).reshape(shape)
        for axis, feature in enumerate(encoded):  # codes -> predicates, one axis at a time
            tensor = np.moveaxis(
                np.tensordot(feature.predicates.astype(np.float64), tensor, axes=([1], [axis])),
                0,
                axis,
            )
        results.append(tensor.reshape(-1))
    predicate_index = np.indices([f.predicates.shape[0] for f in encoded]).reshape(len(encoded), -1)
    return (*results, predicate_index)


def enumerate_segments(
    encoded: list[EncodedFeature],
    score: np.ndarray,
    *,
    max_level: int,
    min_support: int,
) -> Candidates:
    """Statistics of every conjunction of 1..``max_level`` predicates on distinct features.

    Parameters
    ----------
    encoded : list of EncodedFeature
    score : numpy.ndarray of float64, shape (n_rows,)
    max_level : int
        Most predicates in one segment.
    min_support : int
        Segments with fewer rows (or with all rows) are not kept.
    """
    n_rows = score.shape[0]
    squares = score * score
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("f", "p", "n", "s", "q")}
    for level in range(1, max_level + 1):
        for combo in combinations(range(len(encoded)), level):
            size, total, square_total, predicate_index = _combination_statistics(
                [encoded[i] for i in combo], score, squares
            )
            keep = (size >= min_support) & (size < n_rows)
            if not keep.any():
                continue
            count = int(keep.sum())
            features = np.full((count, max_level), -1, dtype=np.int64)
            features[:, :level] = combo
            predicates = np.full((count, max_level), -1, dtype=np.int64)
            predicates[:, :level] = predicate_index[:, keep].T
            parts["f"].append(features)
            parts["p"].append(predicates)
            parts["n"].append(size[keep])
            parts["s"].append(total[keep])
            parts["q"].append(square_total[keep])
    if not parts["n"]:
        empty = np.zeros(0)
        return Candidates(
            np.zeros((0, max_level), np.int64),
            np.zeros((0, max_level), np.int64),
            empty,
            empty,
            empty,
        )
    return Candidates(
        features=np.concatenate(parts["f"]),
        predicates=np.concatenate(parts["p"]),
        size=np.concatenate(parts["n"]),
        score_sum=np.concatenate(parts["s"]),
        score_squares=np.concatenate(parts["q"]),
    )
