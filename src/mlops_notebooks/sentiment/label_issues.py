"""Likely mislabeled texts by confident learning (:func:`cleanlab.filter.find_label_issues`).

Confident learning needs *out-of-sample* class probabilities: from a model that never trained
on the texts it scores. Cross-fitted predictions (as :func:`.models.predict_examples` makes)
qualify; so does a model fine-tuned on other data. Without such a model,
:func:`cross_validated_probabilities` fits TF-IDF + logistic regression with k-fold
cross-validation.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import renamed
from mlops_notebooks.errors import InvalidInputError, require

from ._text import document_terms
from .inputs import TextPredictions
from .results import LabelIssues

__all__ = ["cross_validated_probabilities", "find_label_issues"]

NO_PROBABILITIES = (
    "model {model!r} has no probabilities; pass probabilities= for it, or model=None to use "
    "cross-validated TF-IDF probabilities"
)
PROBABILITY_SHAPE = "probabilities must have shape {expected}, got {shape}"
FilterBy = Literal["prune_by_noise_rate", "prune_by_class", "both", "confident_learning"]


@renamed(random_seed="seed")
def cross_validated_probabilities(
    texts: pl.Series, labels: np.ndarray, *, n_labels: int, n_folds: int = 5, seed: int = 0
) -> np.ndarray:
    """Out-of-sample class probabilities of TF-IDF + logistic regression by k-fold CV.

    Returns
    -------
    numpy.ndarray, shape (n_texts, n_labels)
    """
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    counts = document_terms(texts, min_documents=2).matrix
    model = make_pipeline(
        TfidfTransformer(sublinear_tf=True),
        LogisticRegression(C=4.0, solver="saga", max_iter=2000, tol=1e-3, random_state=seed),
    )
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(model, counts, labels, cv=folds, method="predict_proba")
    out = np.zeros((labels.size, n_labels))
    out[:, np.unique(labels)] = predicted
    return out


@renamed(random_seed="seed")
def find_label_issues(
    data: TextPredictions,
    *,
    model: str | None = None,
    probabilities: np.ndarray | None = None,
    filter_by: FilterBy = "prune_by_noise_rate",
    n_folds: int = 5,
    seed: int = 0,
) -> LabelIssues:
    """Rank the texts whose gold label is most likely wrong.

    Parameters
    ----------
    data : TextPredictions
    model : str, optional
        Use this model's probabilities — only valid when they are out-of-sample.
    probabilities : numpy.ndarray, shape (n_texts, n_labels), optional
        Out-of-sample probabilities to use instead.
    filter_by : str, default "prune_by_noise_rate"
        cleanlab's filtering method.
    n_folds, seed : int
        For :func:`cross_validated_probabilities` when neither ``model`` nor
        ``probabilities`` is given.

    Returns
    -------
    LabelIssues
        Worst first (lowest probability of the given label).
    """
    require("cleanlab", "sentiment")
    with warnings.catch_warnings():
        # cleanlab imports tqdm.auto, which warns inside Jupyter when ipywidgets is missing.
        warnings.filterwarnings("ignore", message="IProgress not found")
        from cleanlab.filter import find_label_issues as cleanlab_find

    matrix, origin = _probabilities(data, model, probabilities, n_folds, seed)
    ranked = cleanlab_find(
        labels=data.y_true,
        pred_probs=matrix,
        filter_by=filter_by,
        return_indices_ranked_by="self_confidence",
        n_jobs=1,
    )
    rows = np.asarray(ranked, dtype=np.int64)
    names = np.asarray(data.label_names, dtype=object)
    quality = matrix[np.arange(data.n_texts), data.y_true]
    issues = data.table[rows.tolist()].select(
        "id",
        "text",
        "source",
        pl.Series("given_label", names[data.y_true[rows]], dtype=pl.String),
        pl.Series("suggested_label", names[matrix[rows].argmax(axis=1)], dtype=pl.String),
        pl.Series("label_quality", quality[rows]),
    )
    flagged = np.zeros(data.n_texts, dtype=bool)
    flagged[rows] = True
    by_source = (
        data.table.select(pl.col("source").fill_null("(all)"))
        .with_columns(flagged=pl.Series(flagged))
        .group_by("source", maintain_order=True)
        .agg(n_texts=pl.len().cast(pl.Int64), n_issues=pl.col("flagged").sum().cast(pl.Int64))
        .with_columns(issue_rate=pl.col("n_issues") / pl.col("n_texts"))
        .sort("source")
    )
    return LabelIssues(
        issues=issues, n_texts=data.n_texts, by_source=by_source, probabilities_from=origin
    )


def _probabilities(
    data: TextPredictions,
    model: str | None,
    probabilities: np.ndarray | None,
    n_folds: int,
    seed: int,
) -> tuple[np.ndarray, str]:
    expected = (data.n_texts, len(data.label_names))
    if probabilities is not None:
        matrix = np.asarray(probabilities, dtype=np.float64)
        if matrix.shape != expected:
            raise InvalidInputError(PROBABILITY_SHAPE.format(expected=expected, shape=matrix.shape))
        return matrix, "the given probabilities"
    if model is not None:
        data.check_model(model)
        given = data.probabilities[model]
        if given is None:
            raise InvalidInputError(NO_PROBABILITIES.format(model=model))
        return given, model
    matrix = cross_validated_probabilities(
        data.table["text"],
        data.y_true,
        n_labels=len(data.label_names),
        n_folds=n_folds,
        seed=seed,
    )
    return matrix, f"TF-IDF + logistic regression, {n_folds}-fold cross-validation"
