"""What the model sees, shared by `train` and `predict` so both use the same columns and split."""

from __future__ import annotations

import polars as pl

TARGET = "is_delayed"
CATEGORICAL = ["carrier", "origin", "dest"]
NUMERIC = [
    "hour",
    "minute",
    "weekday",
    "distance",
    "temp",
    "dewp",
    "humid",
    "wind_dir",
    "wind_speed",
    "wind_gust",
    "precip",
    "pressure",
    "visib",
    "plane_year",
    "seats",
]
FEATURES = CATEGORICAL + NUMERIC


def holdout_mask(frame: pl.DataFrame, fraction: float, seed: int) -> pl.Series:
    """True for rows held out of training: a seeded hash of the stable flight id.

    Hashing the id (not sampling rows) gives the same split in every stage and on every machine.
    """
    buckets = frame["flight_id"].hash(seed=seed) % 10_000
    return buckets < int(fraction * 10_000)


def to_model_input(frame: pl.DataFrame):
    """Return the feature columns as a pandas frame for scikit-learn."""
    return frame.select(FEATURES).to_pandas()
