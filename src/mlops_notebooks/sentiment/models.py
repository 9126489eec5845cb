"""Example "approaches" to compare, trained and applied at run time, seeded.

An :class:`Approach` turns one cross-fitting fold (training texts, held-out texts) into class
probabilities for the held-out texts. Built in:

* ``vader_lexicon`` — the VADER lexicon and rules, no training: each sentence is scored and the
  mean compound score ``c`` in [-1, 1] becomes ``P(positive) = (c + 1) / 2`` (binary only).
* ``tfidf_logreg_imdb_only`` — TF-IDF + logistic regression trained on IMDB reviews only.
* ``tfidf_logreg_both_domains`` — the same trained on IMDB and Rotten Tomatoes.

:func:`predict_examples` cross-fits them: every text gets a prediction from a model that never
saw it, so the predictions are out-of-sample (what confident learning needs, too). Register your
own with :func:`register_approach`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import sparse

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks.errors import InvalidInputError, UnknownNameError, require

from ._text import HTML_BREAK, document_terms

__all__ = [
    "APPROACHES",
    "Approach",
    "Fold",
    "approach_columns",
    "load_predictions",
    "predict_examples",
    "register_approach",
    "tfidf_logistic_regression",
    "vader_lexicon",
]

UNKNOWN_APPROACH = "unknown approach {name!r}; registered: {valid}"
VADER_NEEDS_BINARY = (
    "the VADER lexicon approach needs two labels (negative, positive), got {labels}"
)
NO_TRAINING_TEXTS = "approach {name!r} found no training texts from sources {sources}"
BAD_FOLDS = "n_folds must be >= 2, got {n_folds}"
MISSING_COLUMNS = "texts need columns {needed}; missing {missing}"
LABELS_OUTSIDE_SET = (
    "the texts hold labels {values} outside label_names {label_names}; the example approaches "
    "need label names, not codes"
)
TOO_FEW_PER_LABEL = "every label needs at least n_folds={n_folds} texts to cross-fit"
SENTENCE = r"[^.!?]+[.!?]*"


@dataclass(frozen=True, eq=False)
class Fold:
    """One cross-fitting fold.

    Attributes
    ----------
    train, test : polars.DataFrame
        ``text, label, source`` of the training and held-out texts.
    train_counts, test_counts : scipy.sparse.csr_matrix
        Word counts of the same rows (vocabulary from all texts; labels never used for it).
    label_names : tuple of str
    seed : int
        Seed for anything random in the approach (``random_seed`` is its deprecated old name).
    """

    train: pl.DataFrame
    test: pl.DataFrame
    train_counts: sparse.csr_matrix
    test_counts: sparse.csr_matrix
    label_names: tuple[str, ...]
    seed: int

    @property
    def random_seed(self) -> int:
        """Deprecated old name of :attr:`seed`."""
        from mlops_notebooks._deprecation import warn_renamed

        warn_renamed("Fold", "random_seed", "seed")
        return self.seed


@dataclass(frozen=True)
class Approach:
    """A way to build a sentiment model.

    Attributes
    ----------
    name : str
    description : str
    fit_predict : callable
        ``fit_predict(fold) -> numpy.ndarray`` of shape ``(len(fold.test), n_labels)``.
    trains : bool
        ``False`` for models applied as they are (a lexicon): scored once on every text.
    """

    name: str
    description: str
    fit_predict: Callable[[Fold], np.ndarray]
    trains: bool = True


APPROACHES: dict[str, Approach] = {}


def register_approach(approach: Approach) -> Approach:
    """Add ``approach`` to :data:`APPROACHES` (replacing one of the same name)."""
    APPROACHES[approach.name] = approach
    return approach


def vader_lexicon(fold: Fold) -> np.ndarray:
    """Probabilities from VADER's mean sentence compound score (binary label sets)."""
    if len(fold.label_names) != 2:
        raise InvalidInputError(VADER_NEEDS_BINARY.format(labels=list(fold.label_names)))
    require("vaderSentiment", "sentiment")
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    sentences = (
        fold.test.select(
            pl.col("text").str.replace_all(HTML_BREAK, ". ").str.extract_all(SENTENCE).alias("s")
        )
        .with_row_index("document")
        .explode("s")
        .drop_nulls("s")
    )
    # VADER is pure Python and quadratic in sentence length: scoring sentences (as its authors
    # recommend for paragraphs) keeps it linear — about 0.7 ms per IMDB review.
    compound = [analyzer.polarity_scores(text)["compound"] for text in sentences["s"].to_list()]
    mean = (
        sentences.with_columns(compound=pl.Series(compound, dtype=pl.Float64))
        .group_by("document")
        .agg(pl.col("compound").mean())
    )
    score = np.zeros(fold.test.height)
    score[mean["document"].to_numpy()] = mean["compound"].to_numpy()
    positive = (score + 1.0) / 2.0
    return np.column_stack([1.0 - positive, positive])


def tfidf_logistic_regression(
    sources: Sequence[str] | None = None, *, regularization: float = 4.0
) -> Callable[[Fold], np.ndarray]:
    """A TF-IDF + logistic regression trainer, restricted to training texts from ``sources``.

    Parameters
    ----------
    sources : sequence of str, optional
        Train only on texts whose ``source`` is one of these; ``None`` trains on all.
    regularization : float, default 4.0
        Inverse regularization strength ``C`` of :class:`sklearn.linear_model.LogisticRegression`.
    """

    def fit_predict(fold: Fold) -> np.ndarray:
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        keep = np.ones(fold.train.height, dtype=bool)
        if sources is not None:
            keep = fold.train["source"].is_in(list(sources)).to_numpy()
        if not keep.any():
            raise InvalidInputError(NO_TRAINING_TEXTS.format(name="tfidf", sources=sources))
        counts = fold.train_counts[keep]
        labels = _codes(fold.train["label"].filter(pl.Series(keep)), fold.label_names)
        tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        model = LogisticRegression(
            C=regularization, solver="saga", max_iter=2000, tol=1e-3, random_state=fold.seed
        ).fit(tfidf.transform(counts), labels)
        out = np.zeros((fold.test.height, len(fold.label_names)))
        out[:, model.classes_] = model.predict_proba(tfidf.transform(fold.test_counts))
        return out

    return fit_predict


register_approach(
    Approach(
        "vader_lexicon",
        "VADER lexicon and rules, no training; mean sentence compound score",
        vader_lexicon,
        trains=False,
    )
)
register_approach(
    Approach(
        "tfidf_logreg_imdb_only",
        "TF-IDF + logistic regression trained on IMDB reviews only",
        tfidf_logistic_regression(["imdb"]),
    )
)
register_approach(
    Approach(
        "tfidf_logreg_both_domains",
        "TF-IDF + logistic regression trained on IMDB and Rotten Tomatoes reviews",
        tfidf_logistic_regression(None),
    )
)


def _codes(labels: pl.Series, label_names: tuple[str, ...]) -> np.ndarray:
    mapping = {name: code for code, name in enumerate(label_names)}
    return labels.replace_strict(mapping, return_dtype=pl.Int64).to_numpy()


def approach_columns(
    approaches: Sequence[str], label_names: Sequence[str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The ``models`` and ``probabilities`` mappings for :func:`join_predictions`."""
    models = {name: f"{name}_label" for name in approaches}
    probabilities = {name: [f"{name}_prob_{label}" for label in label_names] for name in approaches}
    return models, probabilities


@renamed(random_seed="seed")
def predict_examples(
    texts: pl.DataFrame,
    approaches: Sequence[str] = tuple(APPROACHES),
    *,
    label_names: Sequence[str],
    n_folds: int = 2,
    seed: int = 42,
) -> pl.DataFrame:
    """Cross-fit the ``approaches`` on ``texts`` and return out-of-sample predictions.

    Parameters
    ----------
    texts : polars.DataFrame
        ``id, text, label`` (label names) and ``source``.
    approaches : sequence of str
        Names in :data:`APPROACHES`.
    label_names : sequence of str
    n_folds : int, default 2
        Each text is predicted by a model trained on the other folds (stratified by label and
        source, seeded).
    seed : int, default 42

    Returns
    -------
    polars.DataFrame
        ``id`` plus, per approach, ``<name>_label`` and ``<name>_prob_<label>`` per label — the
        columns :func:`approach_columns` names.
    """
    chosen = [_approach(name) for name in approaches]
    if n_folds < 2:
        raise InvalidInputError(BAD_FOLDS.format(n_folds=n_folds))
    missing = sorted({"id", "text", "label", "source"} - set(texts.columns))
    if missing:
        raise InvalidInputError(
            MISSING_COLUMNS.format(needed=["id", "text", "label", "source"], missing=missing)
        )
    names = tuple(str(name) for name in label_names)
    unknown = sorted(set(texts["label"].cast(pl.String).unique().to_list()) - set(names))
    if unknown:
        raise InvalidInputError(
            LABELS_OUTSIDE_SET.format(values=unknown[:5], label_names=list(names))
        )
    frame = texts.select(
        "id", "text", pl.col("label").cast(pl.String), pl.col("source").cast(pl.String)
    )
    counts = document_terms(frame["text"], min_documents=2).matrix
    trains = any(approach.trains for approach in chosen)
    folds = _fold_ids(frame, n_folds, seed) if trains else np.zeros(frame.height, dtype=int)
    columns: dict[str, pl.Series] = {"id": frame["id"]}
    for approach in chosen:
        probabilities = _cross_fit(approach, frame, counts, folds, names, seed)
        columns[f"{approach.name}_label"] = pl.Series(
            np.asarray(names, dtype=object)[probabilities.argmax(axis=1)], dtype=pl.String
        )
        for code, label in enumerate(names):
            columns[f"{approach.name}_prob_{label}"] = pl.Series(probabilities[:, code])
    return pl.DataFrame(columns)


@renamed(random_seed="seed")
def load_predictions(
    ref: FrameLike,
    *,
    texts: pl.DataFrame,
    approaches: Sequence[str] = tuple(APPROACHES),
    label_names: Sequence[str],
    n_folds: int = 2,
    seed: int = 42,
) -> pl.DataFrame:
    """Model predictions from a data ref, or — when ``ref`` is ``""`` — from the example approaches.

    Parameters
    ----------
    ref : str, pandas or polars DataFrame
        A data ref (or frame) with one row per text; ``""`` cross-fits ``approaches`` on
        ``texts`` with :func:`predict_examples`.
    texts, approaches, label_names, n_folds, seed
        See :func:`predict_examples`.

    Returns
    -------
    polars.DataFrame
    """
    if isinstance(ref, str) and ref == "":
        return predict_examples(
            texts, approaches, label_names=label_names, n_folds=n_folds, seed=seed
        )
    return to_polars(ref, name="predictions")


def _approach(name: str) -> Approach:
    if name not in APPROACHES:
        raise UnknownNameError(
            name,
            tuple(sorted(APPROACHES)),
            message=UNKNOWN_APPROACH.format(name=name, valid=sorted(APPROACHES)),
        )
    return APPROACHES[name]


def _fold_ids(frame: pl.DataFrame, n_folds: int, seed: int) -> np.ndarray:
    """Fold of each text, stratified by label and source (by label alone if strata are tiny)."""
    from sklearn.model_selection import StratifiedKFold

    strata = frame.select(pl.concat_str(["label", "source"], separator="|", ignore_nulls=True))
    strata_series = strata.to_series()
    if _smallest_group(strata_series) < n_folds:
        strata_series = frame["label"]
    if _smallest_group(strata_series) < n_folds:
        raise InvalidInputError(TOO_FEW_PER_LABEL.format(n_folds=n_folds))
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    fold = np.zeros(frame.height, dtype=np.int64)
    for index, (_, test) in enumerate(splitter.split(np.zeros(frame.height), strata_series)):
        fold[test] = index
    return fold


def _smallest_group(values: pl.Series) -> int:
    return int(values.value_counts()["count"].to_numpy().min())


def _cross_fit(
    approach: Approach,
    frame: pl.DataFrame,
    counts: sparse.csr_matrix,
    folds: np.ndarray,
    names: tuple[str, ...],
    seed: int,
) -> np.ndarray:
    if not approach.trains:
        everything = np.ones(frame.height, dtype=bool)
        return approach.fit_predict(_fold(frame, counts, ~everything, everything, names, seed))
    out = np.zeros((frame.height, len(names)))
    for index in np.unique(folds):
        held_out = folds == index
        fold = _fold(frame, counts, ~held_out, held_out, names, seed)
        out[held_out] = approach.fit_predict(fold)
    return out


def _fold(
    frame: pl.DataFrame,
    counts: sparse.csr_matrix,
    train: np.ndarray,
    test: np.ndarray,
    names: tuple[str, ...],
    seed: int,
) -> Fold:
    return Fold(
        train=frame.filter(pl.Series(train)),
        test=frame.filter(pl.Series(test)),
        train_counts=counts[train],
        test_counts=counts[test],
        label_names=names,
        seed=seed,
    )
