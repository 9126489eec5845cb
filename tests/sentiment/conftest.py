"""Synthetic labelled texts with planted effects, shared by the sentiment tests."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.sentiment import join_predictions

POSITIVE = ["great", "wonderful", "superb", "enjoyable", "moving"]
NEGATIVE = ["awful", "boring", "dull", "terrible", "weak"]
FILLER = ["film", "plot", "actor", "scene", "story", "music", "ending", "camera", "script", "cast"]
PLANTED = "zeppelin"  # texts containing it are misclassified by model "planted"


def make_texts(rng: np.random.Generator, n: int = 600) -> pl.DataFrame:
    """``id, text, label, source``: texts of filler words plus one sentiment word per label."""
    labels = rng.integers(0, 2, n)
    words = rng.choice(FILLER, size=(n, 8))
    sentiment = np.where(labels == 1, rng.choice(POSITIVE, n), rng.choice(NEGATIVE, n))
    planted = rng.random(n) < 0.15
    extra = rng.integers(0, 30, n)
    texts = [
        " ".join([*row[:4], s, *row[4:], PLANTED if p else "the", *(["film"] * e)])
        for row, s, p, e in zip(words, sentiment, planted, extra, strict=True)
    ]
    return pl.DataFrame(
        {
            "id": np.arange(n) + 1000,
            "text": texts,
            "label": np.array(["negative", "positive"])[labels],
            "source": rng.choice(["alpha", "beta"], n),
        }
    )


def make_predictions(rng: np.random.Generator, texts: pl.DataFrame) -> pl.DataFrame:
    """Three models: "good" (90 % right), "noisy" (70 % right), "planted" (wrong on PLANTED)."""
    gold = (texts["label"] == "positive").to_numpy().astype(int)
    n = gold.size
    out = {"id": texts["id"].to_numpy()}
    planted = texts["text"].str.contains(PLANTED).to_numpy()
    for name, wrong in (
        ("good", rng.random(n) < 0.10),
        ("noisy", rng.random(n) < 0.30),
        ("planted", planted | (rng.random(n) < 0.05)),
    ):
        predicted = np.where(wrong, 1 - gold, gold)
        confidence = rng.uniform(0.55, 0.99, n)
        positive = np.where(predicted == 1, confidence, 1 - confidence)
        out[f"{name}_label"] = predicted
        out[f"{name}_p_negative"] = 1 - positive
        out[f"{name}_p_positive"] = positive
    return pl.DataFrame(out)


MODELS = {name: f"{name}_label" for name in ("good", "noisy", "planted")}
PROBABILITIES = {name: [f"{name}_p_negative", f"{name}_p_positive"] for name in MODELS}


@pytest.fixture
def texts(rng: np.random.Generator) -> pl.DataFrame:
    return make_texts(rng)


@pytest.fixture
def predictions(rng: np.random.Generator, texts: pl.DataFrame) -> pl.DataFrame:
    return make_predictions(rng, texts)


@pytest.fixture
def data(texts: pl.DataFrame, predictions: pl.DataFrame):
    return join_predictions(
        texts,
        predictions,
        models=MODELS,
        probabilities=PROBABILITIES,
        label_names=["negative", "positive"],
        source_column="source",
    )
