from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.rl import reward_breakdown

from .conftest import small


def test_components_sum_to_the_step_return(example_trajectory):
    frame = example_trajectory.frame
    from mlops_notebooks.rl import step_returns

    returns = step_returns(example_trajectory, fee=0.0075)["return"].to_numpy()
    components = (frame["reward_price_move"] + frame["reward_trading_cost"]).to_numpy()
    np.testing.assert_allclose(components, returns, atol=1e-6)


def test_breakdown_of_the_real_environment(example_trajectory):
    breakdown = reward_breakdown(example_trajectory, fee=0.0075, window=20)
    assert breakdown.components == ("reward_price_move", "reward_trading_cost")
    corr = breakdown.correlation.filter(pl.col("column") == "reward_price_move")
    assert corr["profit"][0] > 0.8
    # gym-anytrading rewards price differences without fees; somewhere they disagree
    assert 0 < breakdown.disagreement_rate < 1
    shares = breakdown.shares.group_by(["agent", "bin"]).agg(pl.col("share").sum())
    assert shares["share"].to_numpy() == pytest.approx(1.0)


def test_planted_disagreement_windows():
    # reward pays +1 every step while the price falls: every window disagrees
    prices = 100 * 0.99 ** np.arange(40)
    frame = small(prices, [1.0] * 40, reward=[1.0] * 40)
    breakdown = reward_breakdown(frame, window=10)
    assert breakdown.windows.height == 4
    assert breakdown.disagreement_rate == 1.0
    assert breakdown.windows["profit"][1] == pytest.approx(0.99**10 - 1)
