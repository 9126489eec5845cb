"""The domain classifier: gradient boosting that tells current rows from reference rows.

One implementation serves :func:`mlops_notebooks.drift.domain_classifier_drift` (a drift
decision from the out-of-fold ROC AUC, with permutation importances) and
:func:`mlops_notebooks.segments.drift_scores` (per-row probabilities to explain drift).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mlops_notebooks._frames import FrameLike
from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.drift._columns import _kind
from mlops_notebooks.drift.comparison import read_input
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import polars as pl

__all__ = ["DomainScores", "domain_classifier_scores"]

# Categories beyond this many (by frequency) share one code: the classifier's category limit.
MAX_CATEGORY_CODES = 250
# Boosting iterations of the domain classifier (early stopping may use fewer).
MAX_TREES = 60
NO_FEATURES = "no usable feature column in both data sets (numeric, boolean or categorical)"


def _sample(frame: pl.DataFrame, size: int, seed: int) -> pl.DataFrame:
    return frame.sample(size, seed=seed) if 0 < size < frame.height else frame


def _feature_columns(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    columns: Sequence[str] | None,
    ignore: Sequence[str],
) -> tuple[list[tuple[str, ColumnKind]], list[str]]:
    names = columns or [c for c in reference.columns if c in current.columns]
    usable = {ColumnKind.NUMERIC, ColumnKind.BOOLEAN, ColumnKind.CATEGORICAL}
    kept, skipped = [], []
    for name in names:
        if name in ignore or name not in current.columns:
            continue
        kind = _kind(reference.get_column(name))
        if kind in usable and _kind(current.get_column(name)) in (kind, ColumnKind.EMPTY):
            kept.append((name, kind))
        else:
            skipped.append(name)
    return kept, skipped


def _encode(
    frame: pl.DataFrame, features: list[tuple[str, ColumnKind]], codes: dict[str, dict[str, int]]
) -> np.ndarray:
    import polars as pl

    exprs = []
    for name, kind in features:
        if kind == ColumnKind.CATEGORICAL:
            mapping = codes[name]
            exprs.append(
                pl.col(name)
                .cast(pl.String)
                .replace_strict(mapping, default=len(mapping), return_dtype=pl.Float64)
            )
        else:
            exprs.append(pl.col(name).cast(pl.Float64).fill_nan(None))
    encoded = frame.select(exprs).to_numpy().astype(np.float64)
    encoded[~np.isfinite(encoded)] = np.nan
    return encoded


def _category_codes(
    frame: pl.DataFrame, features: list[tuple[str, ColumnKind]]
) -> dict[str, dict[str, int]]:
    import polars as pl

    codes = {}
    for name, kind in features:
        if kind == ColumnKind.CATEGORICAL:
            top = frame.get_column(name).cast(pl.String).drop_nulls().value_counts(sort=True)
            labels = top.get_column(name).head(MAX_CATEGORY_CODES - 1).to_list()
            codes[name] = {label: i for i, label in enumerate(labels)}
    return codes


@dataclass(frozen=True, eq=False)
class DomainScores:
    """Out-of-fold scores of a classifier telling current rows from reference rows.

    The one domain classifier of the package: :func:`domain_classifier_drift` turns it into a
    drift decision, :func:`mlops_notebooks.segments.drift_scores` into per-row scores.

    Attributes
    ----------
    scores : numpy.ndarray, shape (n_reference + n_current,)
        Out-of-fold probability that a row is current; reference rows first.
    is_current : numpy.ndarray of bool, same shape
    fold_aucs : tuple of float
        ROC AUC of each fold.
    importances : tuple of (str, float, float)
        (feature, mean drop in ROC AUC when permuted, its std), largest first; empty when no
        permutation repeats were asked for.
    features, skipped : tuple of str
        The features used, and those left out (identifiers, text, datetimes, kind changes).
    """

    scores: np.ndarray
    is_current: np.ndarray
    fold_aucs: tuple[float, ...]
    importances: tuple[tuple[str, float, float], ...]
    features: tuple[str, ...]
    skipped: tuple[str, ...]


def domain_classifier_scores(
    reference: FrameLike,
    current: FrameLike,
    *,
    features: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    sample_size: int = 10_000,
    folds: int = 3,
    n_repeats: int = 3,
    seed: int = 0,
) -> DomainScores:
    """Cross-fit gradient boosting to tell current rows (1) from reference rows (0).

    Parameters
    ----------
    reference, current : frame or data ref
    features, ignore : sequence of str, optional
        Features to use / leave out (identifiers, text and datetimes are always left out).
    sample_size : int, default 10,000
        Rows sampled from each data set (0: all).
    folds : int, default 3
        Cross-validation folds for the out-of-fold scores.
    n_repeats : int, default 3
        Shuffles per feature for permutation importance on the first fold's held-out rows
        (0: no importances).
    seed : int, default 0
        Seed for sampling, folds and the model.

    Returns
    -------
    DomainScores

    Raises
    ------
    InvalidInputError
        No usable feature in both data sets.

    Example
    -------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"x": [float(i % 7) for i in range(60)]})
    >>> domain_classifier_scores(frame, frame, n_repeats=0).scores.shape
    (120,)
    """
    ref_frame, _ = read_input(reference, "reference")
    cur_frame, _ = read_input(current, "current")
    used, skipped = _feature_columns(ref_frame, cur_frame, features, ignore)
    if not used:
        raise InvalidInputError(NO_FEATURES)
    ref_frame = _sample(ref_frame, sample_size, seed)
    cur_frame = _sample(cur_frame, sample_size, seed + 1)
    codes = _category_codes(ref_frame, used)
    x = np.vstack([_encode(ref_frame, used, codes), _encode(cur_frame, used, codes)])
    y = np.r_[np.zeros(ref_frame.height), np.ones(cur_frame.height)].astype(int)
    categorical = [kind == ColumnKind.CATEGORICAL for _, kind in used]
    scores, fold_aucs, importances = _cross_validate(x, y, categorical, folds, n_repeats, seed)
    ranked: tuple[tuple[str, float, float], ...] = ()
    if importances is not None:
        order = np.argsort(-importances[0], kind="stable")
        ranked = tuple(
            (used[i][0], float(importances[0][i]), float(importances[1][i])) for i in order
        )
    return DomainScores(
        scores=scores,
        is_current=y.astype(bool),
        fold_aucs=fold_aucs,
        importances=ranked,
        features=tuple(name for name, _ in used),
        skipped=tuple(skipped),
    )


def _cross_validate(
    x: np.ndarray, y: np.ndarray, categorical: list[bool], folds: int, n_repeats: int, seed: int
) -> tuple[np.ndarray, tuple[float, ...], tuple[np.ndarray, np.ndarray] | None]:
    """Out-of-fold scores, per-fold AUCs, and permutation importances on the first fold."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    scores = np.zeros(len(y))
    fold_aucs = []
    importances: tuple[np.ndarray, np.ndarray] | None = None
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(x, y):
        model = HistGradientBoostingClassifier(
            categorical_features=categorical, max_iter=MAX_TREES, random_state=seed
        ).fit(x[train], y[train])
        scores[test] = model.predict_proba(x[test])[:, 1]
        fold_aucs.append(float(roc_auc_score(y[test], scores[test])))
        if importances is None and n_repeats > 0:  # the first fold's held-out rows explain it
            permuted = permutation_importance(
                model, x[test], y[test], scoring="roc_auc", n_repeats=n_repeats, random_state=seed
            )
            importances = (permuted.importances_mean, permuted.importances_std)
    return scores, tuple(fold_aucs), importances
