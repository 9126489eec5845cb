"""Text drift: lengths, vocabulary, out-of-vocabulary rate and a TF-IDF domain classifier.

Compare the texts a model was evaluated (or trained) on with another set — production traffic,
a new domain. The domain classifier learns to tell the two sets apart; its cross-validated ROC
AUC says how different they are (0.5: indistinguishable, 1.0: trivially separable) and its
largest coefficients name the terms that give each set away.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import renamed
from mlops_notebooks.errors import InvalidInputError

from ._text import document_terms, tokens
from .results import TextDrift

__all__ = ["compare_texts"]

TOO_FEW_TEXTS = "{name} needs at least {minimum} non-empty texts, got {count}"
MIN_TEXTS = 10


def _series(texts: Any, name: str) -> pl.Series:
    if isinstance(texts, pl.Series):
        series = texts
    elif hasattr(texts, "to_numpy"):
        series = pl.Series(name, texts.to_numpy())
    else:
        series = pl.Series(name, list(texts))
    series = series.cast(pl.String).drop_nulls()
    series = series.filter(series.str.strip_chars().str.len_chars() > 0)
    if series.len() < MIN_TEXTS:
        raise InvalidInputError(
            TOO_FEW_TEXTS.format(name=name, minimum=MIN_TEXTS, count=series.len())
        )
    return series.alias(name)


def _sample(series: pl.Series, size: int, seed: int) -> pl.Series:
    return series if series.len() <= size else series.sample(n=size, seed=seed)


@renamed(random_seed="seed")
def compare_texts(
    reference: Sequence[str] | pl.Series | Any,
    current: Sequence[str] | pl.Series | Any,
    *,
    max_texts: int = 5000,
    n_folds: int = 5,
    n_terms: int = 15,
    seed: int = 0,
) -> TextDrift:
    """Describe how ``current`` texts differ from ``reference`` texts.

    Parameters
    ----------
    reference, current : sequence of str, polars or pandas Series
    max_texts : int, default 5000
        Seeded sample size per set; both sets are sampled to the same size so vocabulary sizes
        and out-of-vocabulary rates are comparable.
    n_folds : int, default 5
        Cross-validation folds of the domain classifier.
    n_terms : int, default 15
        Terms listed per side.
    seed : int, default 0

    Returns
    -------
    TextDrift
    """
    from scipy.stats import ks_2samp

    size = min(_series(reference, "reference").len(), _series(current, "current").len(), max_texts)
    ref = _sample(_series(reference, "reference"), size, seed)
    cur = _sample(_series(current, "current"), size, seed + 1)
    counts = {name: _lengths(s) for name, s in (("reference", ref), ("current", cur))}
    rows = []
    for measure in ("characters", "words"):
        a, b = counts["reference"][measure], counts["current"][measure]
        test = ks_2samp(a, b)
        rows.append(
            {
                "measure": f"{measure} per text",
                "reference_mean": float(a.mean()),
                "current_mean": float(b.mean()),
                "reference_median": float(np.median(a)),
                "current_median": float(np.median(b)),
                "ks_statistic": float(test.statistic),
                "ks_p_value": float(test.pvalue),
            }
        )
    both = pl.concat([ref, cur])
    is_current = np.r_[np.zeros(ref.len(), dtype=int), np.ones(cur.len(), dtype=int)]
    auc, terms = _domain_classifier(both, is_current, n_folds, n_terms, seed)
    return TextDrift(
        lengths=pl.DataFrame(rows),
        vocabulary=_vocabulary(both, is_current),
        domain_auc=auc,
        terms=terms,
        n_reference=ref.len(),
        n_current=cur.len(),
        length_sample={
            "reference": counts["reference"]["words"],
            "current": counts["current"]["words"],
        },
    )


def _lengths(texts: pl.Series) -> dict[str, np.ndarray]:
    words = tokens(texts).group_by("document").len()
    per_text = np.zeros(texts.len(), dtype=np.int64)
    per_text[words["document"].to_numpy()] = words["len"].to_numpy()
    return {"characters": texts.str.len_chars().to_numpy(), "words": per_text}


def _vocabulary(texts: pl.Series, is_current: np.ndarray) -> pl.DataFrame:
    counts = document_terms(texts, min_documents=1).matrix
    reference_counts = np.asarray(counts[is_current == 0].sum(axis=0, dtype=np.float64)).ravel()
    current_counts = np.asarray(counts[is_current == 1].sum(axis=0, dtype=np.float64)).ravel()
    in_reference, in_current = reference_counts > 0, current_counts > 0
    shared = in_reference & in_current
    out_of_vocabulary = in_current & ~in_reference
    values = {
        "reference vocabulary (distinct words)": float(in_reference.sum()),
        "current vocabulary (distinct words)": float(in_current.sum()),
        "shared words / all words (Jaccard)": float(
            shared.sum() / max((in_reference | in_current).sum(), 1)
        ),
        "out-of-vocabulary rate (share of current word occurrences)": float(
            current_counts[out_of_vocabulary].sum() / max(current_counts.sum(), 1)
        ),
        "out-of-vocabulary rate (share of current distinct words)": float(
            out_of_vocabulary.sum() / max(in_current.sum(), 1)
        ),
    }
    return pl.DataFrame({"measure": list(values), "value": list(values.values())})


def _domain_classifier(
    texts: pl.Series, is_current: np.ndarray, n_folds: int, n_terms: int, seed: int
) -> tuple[float, pl.DataFrame]:
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    terms = document_terms(texts, min_documents=5)
    model = make_pipeline(
        TfidfTransformer(sublinear_tf=True),
        LogisticRegression(C=1.0, solver="liblinear"),
    )
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    scores = cross_val_predict(model, terms.matrix, is_current, cv=folds, method="predict_proba")
    auc = float(roc_auc_score(is_current, scores[:, 1]))
    coefficients = model.fit(terms.matrix, is_current)[-1].coef_[0]
    order = np.argsort(coefficients)
    picked = np.r_[order[::-1][:n_terms], order[:n_terms]]
    table = pl.DataFrame(
        {
            "term": terms.vocabulary[picked],
            "coefficient": coefficients[picked].astype(np.float64),
            "leans_to": np.where(coefficients[picked] > 0, "current", "reference"),
        }
    )
    return auc, table
