"""Fixtures for the drift tests: planted-drift frames in pandas and polars form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest


def make_frame(rng: np.random.Generator, rows: int, *, shift: float = 0.0) -> pl.DataFrame:
    """Six feature columns; ``shift`` moves ``x_shifted``, ``c_shifted`` and ``b_shifted`` only."""
    categories = np.array(["a", "b", "c", "d"])
    shifted_p = np.array([0.4, 0.3, 0.2, 0.1]) if shift == 0 else np.array([0.1, 0.2, 0.3, 0.4])
    return pl.DataFrame(
        {
            "x_stable": rng.normal(0.0, 1.0, rows),
            "x_shifted": rng.normal(shift, 1.0, rows),
            "n_stable": rng.integers(0, 50, rows),
            "c_stable": categories[rng.choice(4, rows, p=[0.4, 0.3, 0.2, 0.1])],
            "c_shifted": categories[rng.choice(4, rows, p=shifted_p)],
            "b_shifted": rng.random(rows) < (0.3 if shift == 0 else 0.6),
        }
    )


PLANTED = ["x_shifted", "c_shifted", "b_shifted"]


@pytest.fixture(params=["polars", "pandas"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run a test with polars and with pandas inputs."""
    return str(request.param)


def as_backend(frame: pl.DataFrame, backend: str) -> pl.DataFrame | pd.DataFrame:
    """Return ``frame`` in the requested library."""
    return frame.to_pandas() if backend == "pandas" else frame
