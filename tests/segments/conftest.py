"""Run frame inputs as polars and as pandas."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["polars", "pandas"])
def to_frame(request: pytest.FixtureRequest):
    if request.param == "pandas":
        return lambda frame: frame.to_pandas()
    return lambda frame: frame
