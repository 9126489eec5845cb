"""The polars document-term matrix equals scikit-learn's CountVectorizer."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
from sklearn.feature_extraction.text import CountVectorizer

from mlops_notebooks.sentiment._text import document_terms

TEXTS = [
    "A great film.<br /><br />Really GREAT, didn't expect it!",
    "Not good. Not bad either; the plot isn't great",
    "boring boring boring",
    "",
    "Très bien, l'acteur est génial",
]


def _sklearn(min_df=1, binary=False):
    vectorizer = CountVectorizer(
        token_pattern=r"(?u)\b\w[\w']*\b",
        preprocessor=lambda text: re.sub(r"<br\s*/?>", " ", text).lower(),
        min_df=min_df,
        binary=binary,
    )
    return vectorizer.fit_transform(TEXTS), vectorizer.get_feature_names_out()


def test_counts_equal_count_vectorizer():
    expected, names = _sklearn()
    result = document_terms(pl.Series(TEXTS))
    assert result.vocabulary.tolist() == names.tolist()
    assert np.array_equal(result.matrix.toarray(), expected.toarray())


def test_min_documents_and_binary_equal_count_vectorizer():
    expected, names = _sklearn(min_df=2, binary=True)
    result = document_terms(pl.Series(TEXTS), min_documents=2, binary=True)
    assert result.vocabulary.tolist() == names.tolist()
    assert np.array_equal(result.matrix.toarray(), expected.toarray())


def test_bigrams_only_after_head_words():
    result = document_terms(pl.Series(TEXTS), bigrams=True, bigram_heads=frozenset({"not"}))
    bigrams = [term for term in result.vocabulary.tolist() if " " in term]
    assert bigrams == ["not bad", "not good"]


def test_fixed_vocabulary_keeps_column_order():
    vocabulary = np.array(["great", "zebra", "boring"])
    result = document_terms(pl.Series(TEXTS), vocabulary=vocabulary)
    assert result.matrix.toarray()[:3].tolist() == [[2, 0, 0], [1, 0, 0], [0, 0, 3]]
