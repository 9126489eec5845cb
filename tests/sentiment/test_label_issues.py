from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.sentiment import (
    cross_validated_probabilities,
    find_label_issues,
    join_predictions,
)


def test_planted_label_errors_are_flagged_first(rng, data):
    # Out-of-sample probabilities that are right about every text, then 15 gold labels flipped.
    n = data.n_texts
    confidence = rng.uniform(0.7, 0.99, n)
    positive = np.where(data.y_true == 1, confidence, 1 - confidence)
    probabilities = np.column_stack([1 - positive, positive])
    flipped_rows = rng.choice(n, 15, replace=False)
    labels = data.y_true.copy()
    labels[flipped_rows] = 1 - labels[flipped_rows]
    noisy = data.__class__(data.table, data.label_names, labels, data.predicted, data.probabilities)
    result = find_label_issues(noisy, probabilities=probabilities)
    frame = result.to_polars()
    planted = set(data.table["id"].to_numpy()[flipped_rows].tolist())
    found = set(frame["id"].to_list())
    assert found <= planted  # nothing clean is flagged
    assert len(found) >= 13  # cleanlab's noise-rate estimate may leave the mildest one or two
    assert np.all(np.diff(frame["label_quality"].to_numpy()) >= 0)
    assert result.by_source["n_issues"].sum() == frame.height
    assert (frame["suggested_label"] != frame["given_label"]).all()
    assert result.probabilities_from == "the given probabilities"


def test_a_model_with_out_of_sample_probabilities_can_be_used(data):
    result = find_label_issues(data, model="good")
    assert result.probabilities_from == "good"
    quality = data.gold_probability("good")
    assert np.allclose(
        np.sort(result.to_polars()["label_quality"].to_numpy()),
        np.sort(quality[np.isin(data.table["id"].to_numpy(), result.to_polars()["id"].to_numpy())]),
    )


def test_cross_validated_probabilities_are_out_of_sample(data):
    probabilities = cross_validated_probabilities(
        data.table["text"], data.y_true, n_labels=2, n_folds=3, seed=0
    )
    assert probabilities.shape == (data.n_texts, 2)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    # Sentiment words decide the synthetic labels: even held-out, the model is nearly perfect.
    assert np.mean(probabilities.argmax(axis=1) == data.y_true) > 0.9
    result = find_label_issues(data)
    assert "cross-validation" in result.probabilities_from


def test_bad_probability_inputs(data):
    with pytest.raises(InvalidInputError, match=r"must have shape \(600, 2\)"):
        find_label_issues(data, probabilities=np.ones((3, 2)))
    no_probabilities = join_predictions(
        data.table.with_columns(m=pl.lit(0)),
        models={"m": "m"},
        label_names=["negative", "positive"],
    )
    with pytest.raises(InvalidInputError, match="model 'm' has no probabilities"):
        find_label_issues(no_probabilities, model="m")
