"""Fixtures shared by every test package."""

from __future__ import annotations

import os

import numpy as np
import pytest

# Headless plotting everywhere; no network telemetry from any library.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DVC_NO_ANALYTICS", "1")


# Kernels, notebooks and servers start slowly on a loaded machine; pyproject's `timeout` is the
# limit for every other test.
NOTEBOOK_TIMEOUT_SECONDS = 900
_LONG_MARKERS = ("notebook", "slow", "server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give tests marked notebook, slow or server the longer limit, unless they set their own."""
    for item in items:
        if item.get_closest_marker("timeout") is None and any(
            item.get_closest_marker(marker) for marker in _LONG_MARKERS
        ):
            item.add_marker(pytest.mark.timeout(NOTEBOOK_TIMEOUT_SECONDS))


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator: tests are reproducible."""
    return np.random.default_rng(20130101)
