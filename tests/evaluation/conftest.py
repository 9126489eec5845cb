"""Synthetic model outputs with known structure for the evaluation tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest


def binary_frame(rng: np.random.Generator, n: int = 3000) -> pl.DataFrame:
    probability = rng.beta(2, 3, n)
    target = rng.random(n) < probability
    return pl.DataFrame(
        {
            "origin": rng.choice(["EWR", "JFK", "LGA"], n),
            "carrier": rng.choice(["AA", "B6", "UA", "DL"], n),
            "hour": rng.integers(5, 24, n),
            "target": target,
            "probability": probability,
            "prediction": probability >= 0.5,
        }
    )


def multiclass_frame(rng: np.random.Generator, n: int = 3000) -> pl.DataFrame:
    logits = rng.normal(size=(n, 3))
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    target = np.array([rng.choice(3, p=row) for row in proba])
    labels = np.array(["bus", "car", "train"])
    return pl.DataFrame(
        {
            "target": labels[target],
            "prediction": labels[proba.argmax(axis=1)],
            "p_bus": proba[:, 0],
            "p_car": proba[:, 1],
            "p_train": proba[:, 2],
        }
    )


def regression_frame(rng: np.random.Generator, n: int = 3000) -> pl.DataFrame:
    x = rng.normal(size=n)
    target = 10 + 3 * x + rng.normal(size=n)
    return pl.DataFrame({"x": x, "target": target, "prediction": 10 + 2.8 * x})


@pytest.fixture(params=["polars", "pandas"])
def to_frame(request: pytest.FixtureRequest):
    """Convert a polars frame to the parametrized input type."""
    if request.param == "pandas":
        return lambda frame: frame.to_pandas()
    return lambda frame: frame


__all__ = ["binary_frame", "multiclass_frame", "pd", "regression_frame"]
