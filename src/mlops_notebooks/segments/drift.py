"""Explain drift: the segments of current data that a reference-vs-current classifier separates.

By default both data sets are stacked and each row scored 1 when it is current: segments
where current rows are over-represented are exactly where a reference-vs-current classifier
would be confident, and the exact hypergeometric test of :func:`find_segments` is valid
because, without drift, the labels are exchangeable. :func:`drift_scores` gives the
classifier's out-of-fold probabilities instead, for users who want that per-row score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks.errors import InvalidInputError

from .results import SegmentReport
from .search import find_segments, usable_features

__all__ = ["drift_scores", "explain_drift"]

MISSING_IN_REFERENCE = "features {names} are in current but not in reference; pass features="


@renamed(random_seed="seed")
def drift_scores(
    reference: FrameLike,
    current: FrameLike,
    *,
    features: Sequence[str] | None = None,
    seed: int | None = 0,
) -> np.ndarray:
    """Out-of-fold probability that each current row comes from the current data.

    The classifier is the drift package's domain classifier
    (:func:`mlops_notebooks.drift.domain.domain_classifier_scores`), fitted on all rows.

    Parameters
    ----------
    reference, current : DataFrame, LazyFrame or data ref
    features : sequence of str, optional
        Default: every numeric, boolean and categorical column of ``current``.
    seed : int or None, default 0

    Returns
    -------
    numpy.ndarray, shape (n_current_rows,)
    """
    from mlops_notebooks.drift.domain import domain_classifier_scores

    ref = to_polars(reference, name="reference")
    cur = to_polars(current, name="current")
    names = usable_features(cur, features, exclude=())
    missing = [n for n in names if n not in ref.columns]
    if missing:
        raise InvalidInputError(MISSING_IN_REFERENCE.format(names=missing))
    domain = domain_classifier_scores(
        ref, cur, features=names, sample_size=0, n_repeats=0, seed=seed or 0
    )
    return domain.scores[domain.is_current]


@renamed(random_seed="seed")
def explain_drift(
    reference: FrameLike,
    current: FrameLike,
    *,
    features: Sequence[str] | None = None,
    method: Literal["membership", "classifier"] = "membership",
    seed: int | None = 0,
    **options: Any,
) -> SegmentReport:
    """Segments where the current data differs most from the reference.

    Parameters
    ----------
    reference, current : DataFrame, LazyFrame or data ref
    features : sequence of str, optional
    method : {"membership", "classifier"}, default "membership"
        ``"membership"``: stack both data sets, score each row 1 if it is current, and find
        segments where current rows are over-represented — the regions a reference-vs-current
        classifier separates best, with an exact test (labels are exchangeable when nothing
        drifted). ``"classifier"``: score current rows by :func:`drift_scores`; smoother, but
        its p-values treat the fitted model as fixed and are optimistic.
    seed : int or None, default 0
    **options
        Passed to :func:`find_segments` (``top_k``, ``max_level``, ``alpha``, …).

    Returns
    -------
    SegmentReport
        ``membership``: score ``is_current``; a lift of 1.5 means the segment holds 50 % more
        current rows than the overall current share.
    """
    ref = to_polars(reference, name="reference")
    cur = to_polars(current, name="current")
    names = usable_features(cur, features, exclude=())
    missing = [n for n in names if n not in ref.columns]
    if missing:
        raise InvalidInputError(MISSING_IN_REFERENCE.format(names=missing))
    if method == "classifier":
        scores = drift_scores(ref, cur, features=names, seed=seed)
        data = cur.select(names).with_columns(drift_probability=pl.Series(scores))
        return find_segments(data, score="drift_probability", features=names, **options)
    if method != "membership":
        raise InvalidInputError(f"method must be 'membership' or 'classifier', not {method!r}")
    stacked = pl.concat(
        [
            ref.select(names).with_columns(is_current=pl.lit(0.0)),
            cur.select(names).with_columns(is_current=pl.lit(1.0)),
        ],
        how="vertical_relaxed",
    )
    return find_segments(stacked, score="is_current", features=names, **options)
