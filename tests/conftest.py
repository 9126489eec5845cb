"""Fixtures shared by every test package."""

from __future__ import annotations

import os

import numpy as np
import pytest

# Headless plotting everywhere; no network telemetry from any library.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DVC_NO_ANALYTICS", "1")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator: tests are reproducible."""
    return np.random.default_rng(20130101)
