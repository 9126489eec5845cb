"""Error analysis on texts: confident errors, readable samples, error rates by group, term slices.

Term slices answer "which words and phrases do the texts a model gets wrong share?". Each
term's texts are tested for more errors than expected — from the model's error rate in each
source of those texts (Cochran-Mantel-Haenszel), or overall (one-sided Fisher exact test, the
hypergeometric tail) — vectorized over all terms, and the p-values are corrected for testing
thousands of terms with Benjamini-Hochberg. Terms are tagged with a
category from :data:`TERM_CATEGORIES` (negations, intensifiers, contrast words — extend it with
:func:`register_term_category`) or as a domain word when most of its texts come from one source.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import polars as pl
from scipy import sparse

from mlops_notebooks._deprecation import renamed
from mlops_notebooks.errors import InvalidInputError, UnknownNameError

from ._text import document_terms
from .inputs import TextPredictions
from .results import ErrorBreakdown, SampleTable, TokenSlices

__all__ = [
    "TERM_CATEGORIES",
    "error_slices",
    "errors_by",
    "most_confident_errors",
    "register_term_category",
    "sample_table",
]

NO_SOURCE = "errors by source needs a source column: pass source_column= to join_predictions"
UNKNOWN_GROUPING = "by must be one of {valid}, not {by!r}"
BAD_ALPHA = "alpha must lie in (0, 1), got {alpha}"
DOMAIN_LIFT = 1.5  # relative frequency in one source / mean over sources (see _categories)

CMH_TEST = "Cochran-Mantel-Haenszel test stratified by source"
FISHER_TEST = "one-sided Fisher exact test"

TERM_CATEGORIES: dict[str, frozenset[str]] = {}


def register_term_category(name: str, words: Sequence[str]) -> None:
    """Tag ``words`` (and bigrams starting with them) with category ``name``."""
    TERM_CATEGORIES[name] = frozenset(word.lower() for word in words)


register_term_category(
    "negation",
    ["not", "no", "never", "nothing", "none", "nobody", "neither", "nor", "without", "cannot",
     "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "can't", "couldn't",
     "won't", "wouldn't", "shouldn't", "hardly", "barely"],
)  # fmt: skip
register_term_category(
    "intensifier",
    ["very", "really", "extremely", "so", "too", "quite", "totally", "absolutely", "completely",
     "utterly", "incredibly", "highly", "most", "pretty", "rather", "fairly", "somewhat",
     "slightly", "just", "only", "even"],
)  # fmt: skip
register_term_category(
    "contrast", ["but", "however", "although", "though", "yet", "despite", "while", "instead"]
)


@renamed(n="top_k")
def sample_table(
    data: TextPredictions,
    *,
    rows: np.ndarray | Sequence[int] | None = None,
    top_k: int = 20,
    title: str = "Texts with every model's label and confidence",
) -> SampleTable:
    """A readable per-text table: text, gold label, each model's label and confidence.

    Parameters
    ----------
    data : TextPredictions
    rows : array of int, optional
        Row positions to show, in this order; default the first ``top_k``.
    top_k : int, default 20
        Rows shown when ``rows`` is not given (``n`` is its deprecated old name).
    title : str
    """
    positions = np.arange(min(top_k, data.n_texts)) if rows is None else np.asarray(rows, dtype=int)
    wrong = np.sum([~data.correct(m) for m in data.models], axis=0)
    table = (
        data.to_polars()
        .with_columns(models_wrong=pl.Series(wrong, dtype=pl.Int64))
        .drop("n_words")[positions.tolist()]
        .rename({"label": "gold label"})
    )
    if table["source"].null_count() == table.height:
        table = table.drop("source")
    return SampleTable(title=title, table=table)


@renamed(n="top_k")
def most_confident_errors(data: TextPredictions, model: str, *, top_k: int = 10) -> SampleTable:
    """The ``top_k`` texts ``model`` got wrong with the highest confidence in its wrong label."""
    wrong = ~data.correct(model)
    confidence = np.nan_to_num(data.confidence(model), nan=0.0)
    order = np.argsort(-confidence, kind="stable")
    rows = order[wrong[order]][:top_k]
    return sample_table(data, rows=rows, title=f"Most confident errors of {model}")


def errors_by(
    data: TextPredictions,
    by: Literal["length", "source", "label"] = "length",
    *,
    n_bins: int = 5,
    confidence: float = 0.95,
) -> ErrorBreakdown:
    """Error rate of every model per text-length band, source or gold label.

    Parameters
    ----------
    data : TextPredictions
    by : {"length", "source", "label"}
        ``"length"`` bands the word count into ``n_bins`` quantile bins.
    n_bins : int, default 5
    confidence : float, default 0.95
        Of the Wilson score intervals (statsmodels ``proportion_confint``).
    """
    from statsmodels.stats.proportion import proportion_confint

    group = _groups(data, by, n_bins)
    errors = pl.DataFrame({m: ~data.correct(m) for m in data.models}).with_columns(group=group)
    table = (
        errors.group_by("group", maintain_order=True)
        .agg(pl.len().alias("n_texts"), *[pl.col(m).sum() for m in data.models])
        .unpivot(index=["group", "n_texts"], variable_name="model", value_name="errors")
        .with_columns(
            pl.col("errors").cast(pl.Int64), error_rate=pl.col("errors") / pl.col("n_texts")
        )
        .sort("group", "model", maintain_order=True)
    )
    low, high = proportion_confint(
        table["errors"].to_numpy(),
        table["n_texts"].to_numpy(),
        alpha=1 - confidence,
        method="wilson",
    )
    table = table.with_columns(ci_low=pl.Series(low), ci_high=pl.Series(high)).select(
        pl.col("group").cast(pl.String),
        "model",
        "n_texts",
        "errors",
        "error_rate",
        "ci_low",
        "ci_high",
    )
    return ErrorBreakdown(by=by, table=table, confidence=confidence)


def _groups(data: TextPredictions, by: str, n_bins: int) -> pl.Series:
    if by == "label":
        return data.table["label"]
    if by == "source":
        if data.table["source"].null_count() == data.n_texts:
            raise InvalidInputError(NO_SOURCE)
        return data.table["source"].fill_null("(missing)")
    if by == "length":
        words = data.table["n_words"].to_numpy()
        edges = np.unique(np.quantile(words, np.linspace(0, 1, n_bins + 1)))
        if edges.size < 2:  # every text has the same length
            edges = np.repeat(edges, 2)
        band = np.clip(np.searchsorted(edges, words, side="right") - 1, 0, edges.size - 2)
        labels = [f"{int(edges[i])}–{int(edges[i + 1])} words" for i in range(edges.size - 1)]
        # Zero-padded rank keeps bands in length order when sorted as text.
        return pl.Series([f"{b + 1:02d}. {labels[b]}" for b in range(len(labels))])[band.tolist()]
    raise UnknownNameError(
        str(by),
        ("length", "source", "label"),
        message=UNKNOWN_GROUPING.format(valid=["length", "source", "label"], by=by),
    )


def error_slices(
    data: TextPredictions,
    *,
    models: Sequence[str] | None = None,
    min_texts: int = 20,
    alpha: float = 0.05,
    phrases: bool = True,
    stratify_by_source: bool = True,
) -> TokenSlices:
    """Words and phrases whose texts each model gets wrong significantly more often.

    Parameters
    ----------
    data : TextPredictions
    models : sequence of str, optional
        Default: every model.
    min_texts : int, default 20
        Test only terms found in at least this many texts.
    alpha : float, default 0.05
        False discovery rate (Benjamini-Hochberg) for the ``significant`` flag.
    phrases : bool, default True
        Also test two-word phrases that start with a word of :data:`TERM_CATEGORIES`
        ("not good", "very bad", "but the").
    stratify_by_source : bool, default True
        When the texts have several sources, compare each term's errors with those expected
        from its texts' sources (a word frequent in a hard source is not blamed for the
        source) and test with the Cochran-Mantel-Haenszel test (two-sided, continuity
        corrected, as statsmodels' ``StratifiedTable.test_null_odds``). Otherwise: one-sided
        Fisher exact test.

    Returns
    -------
    TokenSlices
        Only terms with more errors than expected; most significant first. ``lift`` is
        errors / expected errors.
    """
    from statsmodels.stats.multitest import multipletests

    if not 0 < alpha < 1:
        raise InvalidInputError(BAD_ALPHA.format(alpha=alpha))
    chosen = list(models) if models is not None else list(data.models)
    for model in chosen:
        data.check_model(model)
    heads = frozenset().union(*TERM_CATEGORIES.values()) if phrases else None
    terms = document_terms(
        data.table["text"],
        min_documents=min_texts,
        binary=True,
        bigrams=phrases,
        bigram_heads=heads,
    )
    presence = terms.matrix.tocsc()
    n_texts_with = np.asarray(presence.sum(axis=0, dtype=np.float64)).ravel()
    wrong = np.column_stack([~data.correct(m) for m in chosen]).astype(np.float64)
    strata = _strata(data) if stratify_by_source else None
    tests = (
        _cmh_tests(presence, wrong, strata)
        if strata is not None
        else _fisher_tests(presence, wrong, n_texts_with)
    )
    categories = _categories(terms.vocabulary, presence, data)
    frames = []
    for index, model in enumerate(chosen):
        errors, expected, p_value = (values[:, index] for values in tests)
        q_value = multipletests(p_value, method="fdr_bh")[1] if p_value.size else p_value
        frames.append(
            pl.DataFrame(
                {
                    "model": model,
                    "term": terms.vocabulary,
                    "category": categories,
                    "n_texts": n_texts_with.astype(np.int64),
                    "errors": errors.astype(np.int64),
                    "expected_errors": expected,
                    "error_rate": errors / n_texts_with,
                    "baseline_error_rate": wrong[:, index].mean(),
                    "lift": errors / np.where(expected > 0, expected, np.nan),
                    "p_value": p_value,
                    "q_value": q_value,
                }
            )
        )
    order = {m: i for i, m in enumerate(chosen)}
    table = (
        pl.concat(frames)
        .filter(pl.col("errors") > pl.col("expected_errors"))
        .with_columns(significant=pl.col("q_value") <= alpha)
        .sort(
            [pl.col("model").replace_strict(order, return_dtype=pl.Int64), "p_value", "lift"],
            descending=[False, False, True],
            maintain_order=True,
        )
    )
    return TokenSlices(
        table=table,
        alpha=alpha,
        n_terms_tested=int(terms.vocabulary.size * len(chosen)),
        test=CMH_TEST if strata is not None else FISHER_TEST,
    )


def _strata(data: TextPredictions) -> np.ndarray | None:
    sources = data.table["source"]
    if sources.null_count() == data.n_texts or sources.n_unique() < 2:
        return None
    return np.unique(sources.fill_null("(missing)").to_numpy().astype(str), return_inverse=True)[1]


def _fisher_tests(
    presence: sparse.csc_matrix, wrong: np.ndarray, n_texts_with: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Errors, expected errors and one-sided Fisher p-values, ``(n_terms, n_models)`` each."""
    from scipy.stats import hypergeom

    n = wrong.shape[0]
    errors = np.asarray(presence.T @ wrong)
    totals = wrong.sum(axis=0)
    expected = n_texts_with[:, None] * totals[None, :] / n
    # One-sided Fisher exact test = upper tail of the hypergeometric distribution.
    p_value = hypergeom.sf(errors - 1, n, totals[None, :], n_texts_with[:, None])
    return errors, expected, p_value


def _cmh_tests(
    presence: sparse.csc_matrix, wrong: np.ndarray, strata: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cochran-Mantel-Haenszel test of term x error across strata, vectorized over terms.

    Per stratum ``k`` with ``n`` texts, ``r`` containing the term and ``c`` errors:
    ``E = r c / n`` and ``Var = r (n - r) c (n - c) / (n^2 (n - 1))``; the statistic is
    ``(|sum(a - E)| - 0.5)^2 / sum(Var)`` against chi-square(1).
    """
    from scipy.stats import chi2

    shape = (presence.shape[1], wrong.shape[1])
    errors, expected, variance = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for stratum in np.unique(strata):
        rows = strata == stratum
        n = float(rows.sum())
        if n < 2:
            continue
        inside = presence[rows]
        r = np.asarray(inside.sum(axis=0, dtype=np.float64)).ravel()[:, None]
        c = wrong[rows].sum(axis=0)[None, :]
        errors += np.asarray(inside.T @ wrong[rows])
        expected += r * c / n
        variance += r * (n - r) * c * (n - c) / (n**2 * (n - 1))
    deviation = np.maximum(np.abs(errors - expected) - 0.5, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(variance > 0, deviation**2 / variance, 0.0)
    return errors, expected, chi2.sf(statistic, 1)


def _categories(vocabulary: np.ndarray, presence: object, data: TextPredictions) -> np.ndarray:
    """Category per term: a registered word list (by first word), a domain word, or "other"."""
    first_words = np.array([term.split(" ", 1)[0] for term in vocabulary.tolist()], dtype=object)
    out = np.full(vocabulary.size, "other", dtype=object)
    for name, words in TERM_CATEGORIES.items():
        out[(out == "other") & np.isin(first_words, list(words))] = name
    out[(out == "other") & np.char.endswith(vocabulary.astype(str), "n't")] = "negation"
    sources = data.table["source"]
    if sources.null_count() == data.n_texts or sources.n_unique() < 2:
        return out
    names, codes = np.unique(
        sources.fill_null("(missing)").to_numpy().astype(str), return_inverse=True
    )
    onehot = np.eye(names.size)[codes]
    per_source = np.asarray(presence.T @ onehot)  # type: ignore[attr-defined]
    # Relative frequency within each source (long IMDB reviews contain more of every word),
    # compared with the mean over sources: 1.5 means three times as frequent with two sources.
    relative = per_source / np.maximum(per_source.sum(axis=0, keepdims=True), 1)
    lift = relative / np.maximum(relative.mean(axis=1, keepdims=True), 1e-12)
    domain = (out == "other") & (lift.max(axis=1) >= DOMAIN_LIFT)
    out[domain] = np.char.add("domain: ", names[lift.argmax(axis=1)].astype(str))[domain]
    return out
