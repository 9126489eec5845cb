"""``find_segments``: readable data segments where a per-row score is significantly worse.

Method
------
1. Encode features (:mod:`.encoding`): quantile bins with tails for numbers, frequent levels
   for categories, ``is null`` for missing values.
2. Enumerate every conjunction of up to ``max_level`` predicates with at least
   ``min_support`` rows (:mod:`.lattice`, vectorized bincounts; exhaustive, so interactions
   without marginal signal are found too).
3. Test each segment's mean score against the overall mean under the permutation null (the
   segment's rows are a random subset): exact hypergeometric tail for 0/1 scores, a normal
   approximation with finite-population correction otherwise. Correct for the number of
   segments tested (Holm by default, via statsmodels).
4. Rank significant segments (by z statistic by default) and drop near-duplicates: a segment
   sharing more than ``max_overlap`` of the smaller one's rows with a better-ranked segment,
   or whose rows outside better-ranked segments are no longer significantly worse
   (Bonferroni over the tested family) — a diluted copy of a problem already reported.

This replaces the ``sliceline`` package: sliceline ranks by its own size/error trade-off
score without p-values, and on 1M rows x 10 features it did not fit the time budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import polars as pl

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks.errors import InvalidInputError, UnknownNameError

from .encoding import EncodedFeature, encode_feature, usable_features
from .lattice import Candidates, enumerate_segments
from .results import SegmentReport

__all__ = ["RANKINGS", "find_segments", "usable_features"]

NEEDS_SCORE = "pass score= (a column or per-row values) or target= and prediction="
SCORE_NULLS = "score {name!r} has {count} missing or infinite values; drop those rows first"
NO_FEATURES = "no usable feature columns: pass features= with numeric or categorical columns"
CONSTANT_SCORE = "score {name!r} is constant; no segment can be worse than the others"
BAD_LEVEL = "max_level must be between 1 and 4, got {level}"
UNKNOWN_RANKING = "rank_by must be one of {valid}, not {name!r}"
# Ranks z statistics beyond this many candidates are not worth an exact tail.
_EXACT_TAIL_MIN_Z = 1.5
_MAX_EXAMINED = 5000

RANKINGS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    # args: z statistic, size, mean score minus overall mean; larger sorts first
    "significance": lambda z, size, gap: z,
    "excess": lambda z, size, gap: size * gap,
    "gap": lambda z, size, gap: gap,
}
"""How to order significant segments; add your own ``f(z, size, gap) -> key``."""


def _score_values(
    frame: pl.DataFrame,
    score: Any,
    target: Any,
    prediction: Any,
    probabilities: Any,
    row_score_name: str | None,
) -> tuple[str, np.ndarray, list[str]]:
    if score is not None:
        if isinstance(score, str):
            if score not in frame.columns:
                raise InvalidInputError(f"score column {score!r} is not in the data")
            values, name, used = frame[score].cast(pl.Float64).to_numpy(), score, [score]
        else:
            values, name, used = np.asarray(score, dtype=np.float64), "score", []
            if values.shape[0] != frame.height:
                raise InvalidInputError(
                    f"score has {values.shape[0]} rows but the data has {frame.height}; "
                    "pass arrays of the same length"
                )
    elif target is not None and (prediction is not None or probabilities is not None):
        from mlops_notebooks.evaluation.row_scores import score_rows

        name, values, used = score_rows(
            frame,
            target=target,
            prediction=prediction,
            probabilities=probabilities,
            name=row_score_name,
        )
    else:
        raise InvalidInputError(NEEDS_SCORE)
    bad = int((~np.isfinite(values)).sum())
    if bad:
        raise InvalidInputError(SCORE_NULLS.format(name=name, count=bad))
    if values.size and values.min() == values.max():
        raise InvalidInputError(CONSTANT_SCORE.format(name=name))
    return name, values, used


def find_segments(
    data: FrameLike,
    *,
    score: str | np.ndarray | Sequence[float] | None = None,
    target: str | None = None,
    prediction: str | None = None,
    probabilities: str | Sequence[str] | None = None,
    row_score: str | None = None,
    features: Sequence[str] | None = None,
    top_k: int = 10,
    max_level: int = 3,
    n_bins: int = 10,
    max_categories: int = 30,
    min_support: int | None = None,
    alpha: float = 0.05,
    correction: Literal["holm", "bonferroni", "fdr_bh"] = "holm",
    rank_by: str = "significance",
    max_overlap: float = 0.5,
    confidence: float = 0.95,
) -> SegmentReport:
    """Find the top-k readable segments whose mean per-row score is significantly higher.

    Parameters
    ----------
    data : DataFrame, LazyFrame or data ref
    score : str or array-like, optional
        Per-row score where higher is worse: a loss, an error indicator, or a drift
        classifier's probability that a row is "current" (to explain drift).
    target, prediction, probabilities : str, optional
        Instead of ``score``: derive it with ``row_score`` (default ``misclassified`` for
        classification, ``absolute_error`` for regression).
    row_score : str, optional
        Name from :data:`mlops_notebooks.evaluation.ROW_SCORES`.
    features : sequence of str, optional
        Default: every numeric, boolean and categorical column not used for the score.
    top_k : int, default 10
    max_level : int, default 3
        Most predicates joined by ``and`` in one segment (1–4).
    n_bins : int, default 10
        Quantile bins per numeric feature.
    max_categories : int, default 30
        Most frequent levels kept per categorical feature.
    min_support : int, optional
        Smallest segment; default ``max(30, 0.1 % of rows)``.
    alpha : float, default 0.05
        Significance level after multiple-testing correction.
    correction : {"holm", "bonferroni", "fdr_bh"}, default "holm"
    rank_by : str, default "significance"
        A key of :data:`RANKINGS`.
    max_overlap : float, default 0.5
        Drop a segment when more than this share of the smaller of it and a better-ranked
        segment lies in both (overlap coefficient): refinements and near-copies go.
    confidence : float, default 0.95
        Level of each segment's interval for its mean score.

    Returns
    -------
    SegmentReport
        Possibly with no segments: nothing was significantly worse.
    """
    if not 1 <= max_level <= 4:
        raise InvalidInputError(BAD_LEVEL.format(level=max_level))
    if rank_by not in RANKINGS:
        raise UnknownNameError(
            rank_by,
            tuple(sorted(RANKINGS)),
            message=UNKNOWN_RANKING.format(valid=sorted(RANKINGS), name=rank_by),
        )
    frame = to_polars(data, name="data")
    name, values, used = _score_values(frame, score, target, prediction, probabilities, row_score)
    names = usable_features(frame, features, exclude=used)
    if not names:
        raise InvalidInputError(NO_FEATURES)
    encoded = [
        encode_feature(frame[n], n_bins=n_bins, max_categories=max_categories) for n in names
    ]
    support = min_support if min_support is not None else max(30, int(0.001 * frame.height))
    candidates = enumerate_segments(encoded, values, max_level=max_level, min_support=support)
    tested = _test(candidates, values, correction)
    settings = {
        "alpha": alpha,
        "rank_by": rank_by,
        "top_k": top_k,
        "max_overlap": max_overlap,
        "min_support": support,
    }
    chosen = _select(candidates, tested, encoded, values, settings)
    segments = _segment_table(candidates, tested, encoded, chosen, values, confidence)
    return SegmentReport(
        segments=segments,
        score=name,
        overall_mean=float(values.mean()),
        n_rows=int(values.shape[0]),
        n_tested=candidates.n_candidates,
        features=tuple(names),
        alpha=alpha,
        correction=correction,
        min_support=support,
        confidence=confidence,
    )


def _test(candidates: Candidates, values: np.ndarray, correction: str) -> dict[str, np.ndarray]:
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    n_rows = values.shape[0]
    total = values.sum()
    mean = total / n_rows
    variance = max(float(values.var()), 1e-300)
    size = candidates.size
    segment_mean = candidates.score_sum / size
    # Permutation null: the segment is a random subset drawn without replacement.
    standard_error = np.sqrt(variance / size * (n_rows - size) / max(n_rows - 1, 1))
    z = (segment_mean - mean) / standard_error
    p_value = stats.norm.sf(z)
    binary = bool(np.isin(values, (0.0, 1.0)).all())
    exact = z > _EXACT_TAIL_MIN_Z
    if binary and exact.any():  # 0/1 scores: exact hypergeometric tail
        successes = np.rint(candidates.score_sum[exact])
        p_value[exact] = stats.hypergeom.sf(successes - 1, n_rows, round(total), size[exact])
    p_value = np.clip(p_value, 0.0, 1.0)
    adjusted = multipletests(p_value, method=correction)[1] if p_value.size else p_value
    return {"z": z, "p_value": p_value, "p_adjusted": adjusted, "gap": segment_mean - mean}


def _mask_at(
    candidates: Candidates, index: int, encoded: list[EncodedFeature], rows: np.ndarray | None
) -> np.ndarray:
    """Boolean mask of segment ``index`` on ``rows`` (all rows when ``None``)."""
    mask: np.ndarray | None = None
    for feature, predicate in zip(
        candidates.features[index], candidates.predicates[index], strict=True
    ):
        if feature < 0:
            continue
        codes = encoded[feature].codes if rows is None else encoded[feature].codes[rows]
        selected = encoded[feature].predicates[predicate][codes]
        mask = selected if mask is None else mask & selected
    if mask is None:  # the lattice never yields a segment without a predicate
        raise RuntimeError(f"segment {index} has no predicate")
    return mask


class _Coverage:
    """Rows already explained by chosen segments, kept as index arrays so tests stay cheap."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.rows = np.zeros(0, dtype=np.int64)
        self.segments: list[np.ndarray] = []
        self._pool(values.shape[0], float(values.sum()), float((values**2).sum()))

    def _pool(self, size: int, total: float, squares: float) -> None:
        self.pool_size = size
        self.pool_mean = total / size if size else 0.0
        self.pool_variance = squares / size - self.pool_mean**2 if size else 0.0

    def add(self, rows: np.ndarray) -> None:
        self.segments.append(rows)
        self.rows = np.union1d(self.rows, rows)
        rest = np.ones(self.values.shape[0], dtype=bool)
        rest[self.rows] = False
        pool = self.values[rest]
        self._pool(pool.size, float(pool.sum()), float((pool**2).sum()))


def _is_new_problem(
    candidates: Candidates,
    index: int,
    encoded: list[EncodedFeature],
    coverage: _Coverage,
    settings: dict[str, Any],
) -> bool:
    """Not a near-copy of a chosen segment, and still significantly worse outside them."""
    from scipy import stats

    if not coverage.segments:
        return True
    size = candidates.size[index]
    for rows in coverage.segments:
        shared = int(_mask_at(candidates, index, encoded, rows).sum())
        # Overlap coefficient: a refinement or a broadening of a chosen segment is a duplicate.
        if shared / min(size, rows.size) > settings["max_overlap"]:
            return False
    inside = _mask_at(candidates, index, encoded, coverage.rows)
    rest_size = size - int(inside.sum())
    if rest_size < settings["min_support"] or coverage.pool_variance <= 0:
        return False
    outside_sum = candidates.score_sum[index] - coverage.values[coverage.rows][inside].sum()
    rest_mean = outside_sum / rest_size
    error = np.sqrt(
        coverage.pool_variance
        / rest_size
        * (coverage.pool_size - rest_size)
        / max(coverage.pool_size - 1, 1)
    )
    if error <= 0:
        return False
    p_value = stats.norm.sf((rest_mean - coverage.pool_mean) / error)
    return bool(p_value <= settings["alpha"] / max(candidates.n_candidates, 1))


def _select(
    candidates: Candidates,
    tested: dict[str, np.ndarray],
    encoded: list[EncodedFeature],
    values: np.ndarray,
    settings: dict[str, Any],
) -> list[int]:
    worse = (tested["p_adjusted"] <= settings["alpha"]) & (tested["gap"] > 0)
    significant = np.flatnonzero(worse)
    if significant.size == 0:
        return []
    key = RANKINGS[settings["rank_by"]](
        tested["z"][significant], candidates.size[significant], tested["gap"][significant]
    )
    n_predicates = (candidates.features[significant] >= 0).sum(axis=1)
    order = significant[np.lexsort((n_predicates, -key))][:_MAX_EXAMINED]
    chosen: list[int] = []
    coverage = _Coverage(values)
    for index in order:
        if not _is_new_problem(candidates, int(index), encoded, coverage, settings):
            continue
        chosen.append(int(index))
        coverage.add(np.flatnonzero(_mask_at(candidates, int(index), encoded, None)))
        if len(chosen) == settings["top_k"]:
            break
    return chosen


def _mean_interval(
    candidates: Candidates, index: np.ndarray, binary: bool, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson interval for 0/1 scores (a rate), Student t interval otherwise."""
    from scipy import stats

    size = candidates.size[index]
    total = candidates.score_sum[index]
    if binary:
        from statsmodels.stats.proportion import proportion_confint

        low, high = proportion_confint(np.rint(total), size, alpha=1 - confidence, method="wilson")
        return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    mean = total / size
    variance = np.maximum(candidates.score_squares[index] / size - mean**2, 0.0)
    variance = variance * size / np.maximum(size - 1, 1)
    half = stats.t.ppf(0.5 + confidence / 2, np.maximum(size - 1, 1)) * np.sqrt(variance / size)
    return mean - half, mean + half


def _segment_table(
    candidates: Candidates,
    tested: dict[str, np.ndarray],
    encoded: list[EncodedFeature],
    chosen: list[int],
    values: np.ndarray,
    confidence: float,
) -> pl.DataFrame:
    index = np.asarray(chosen, dtype=np.int64)
    size = candidates.size[index]
    mean = candidates.score_sum[index] / size
    binary = bool(np.isin(values, (0.0, 1.0)).all())
    low, high = _mean_interval(candidates, index, binary, confidence)
    overall = float(values.mean())
    texts = [
        " and ".join(
            encoded[f].texts[p]
            for f, p in zip(candidates.features[i], candidates.predicates[i], strict=True)
            if f >= 0
        )
        for i in index
    ]
    return pl.DataFrame(
        {
            "rank": np.arange(1, index.size + 1),
            "segment": texts,
            "n_predicates": (candidates.features[index] >= 0).sum(axis=1),
            "size": size.astype(np.int64),
            "share": size / values.shape[0],
            "mean_score": mean,
            "ci_low": low,
            "ci_high": high,
            "lift": mean / overall if overall > 0 else np.full(index.size, np.nan),
            "excess": size * (mean - overall),
            "z": tested["z"][index],
            "p_value": tested["p_value"][index],
            "p_adjusted": tested["p_adjusted"][index],
        },
        schema_overrides={"rank": pl.Int64, "segment": pl.String, "n_predicates": pl.Int64},
    ).with_columns(pl.col("lift").fill_nan(None))
