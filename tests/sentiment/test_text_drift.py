from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ks_2samp

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.sentiment import compare_texts

WORDS = np.array(["film", "plot", "actor", "scene", "story", "music", "ending", "script"])


def _texts(rng, n, extra=None, length=(5, 15)):
    out = []
    for size in rng.integers(*length, n):
        words = list(rng.choice(WORDS, size))
        if extra is not None:
            words.append(extra)
        out.append(" ".join(words))
    return out


def test_same_distribution_shows_no_drift(rng):
    result = compare_texts(_texts(rng, 400), _texts(rng, 400), seed=1)
    assert 0.4 < result.domain_auc < 0.6
    vocabulary = dict(result.vocabulary.iter_rows())
    assert vocabulary["out-of-vocabulary rate (share of current word occurrences)"] == 0.0


def test_a_planted_domain_word_drives_the_classifier(rng):
    reference = _texts(rng, 300)
    current = _texts(rng, 300, extra="zeppelin", length=(20, 40))
    result = compare_texts(reference, current, n_terms=3)
    assert result.domain_auc > 0.99
    top = result.terms.filter(result.terms["leans_to"] == "current")["term"][0]
    assert top == "zeppelin"
    vocabulary = dict(result.vocabulary.iter_rows())
    # One word in every current text is new: OOV occurrences = 300 / all current words.
    current_words = sum(len(t.split()) for t in current)
    assert vocabulary[
        "out-of-vocabulary rate (share of current word occurrences)"
    ] == pytest.approx(300 / current_words, abs=1e-12)
    assert vocabulary["out-of-vocabulary rate (share of current distinct words)"] == pytest.approx(
        1 / 9
    )
    words = result.lengths.filter(result.lengths["measure"] == "words per text").row(0, named=True)
    expected = ks_2samp([len(t.split()) for t in reference], [len(t.split()) for t in current])
    assert words["ks_statistic"] == pytest.approx(expected.statistic, abs=1e-12)
    assert words["current_mean"] == pytest.approx(current_words / 300)


def test_sets_are_sampled_to_the_same_size(rng):
    result = compare_texts(_texts(rng, 500), _texts(rng, 80), max_texts=1000)
    assert result.n_reference == result.n_current == 80


def test_too_few_texts(rng):
    with pytest.raises(InvalidInputError, match="current needs at least 10 non-empty texts, got 2"):
        compare_texts(_texts(rng, 50), ["a b", "", None, "c"])
