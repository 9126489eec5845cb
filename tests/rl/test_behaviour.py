"""Regimes, regime breakdowns, state → action maps and two-agent diffs on planted cases."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.errors import UnknownNameError
from mlops_notebooks.rl import (
    TrajectoryError,
    compare_actions,
    label_regimes,
    regime_breakdown,
    state_action_map,
)

from .conftest import small


def trend_prices():
    up = 100 * np.exp(np.linspace(0, 0.5, 60) + np.tile([0.002, -0.002], 30))
    flat = up[-1] * np.exp(np.tile([0.01, -0.01], 30))
    down = flat[-1] * np.exp(-np.linspace(0, 0.6, 60) + np.tile([0.002, -0.002], 30))
    return np.concatenate([up, flat, down])


def test_regimes_follow_planted_trends_and_drawdown():
    prices = trend_prices()
    frame = label_regimes(small(prices, [1] * len(prices)), window=10).frame
    assert frame["trend"][20:60].to_list() == ["up"] * 40
    assert set(frame["trend"][75:115]) == {"sideways"}
    assert frame["trend"][140:180].to_list() == ["down"] * 40
    assert not frame["in_drawdown"][:60].any() and frame["in_drawdown"][-1]
    # the sideways part alternates ±1 %: the highest volatility
    assert set(frame["volatility"][75:115]) == {"high"}


def test_named_scenarios_on_time_and_step():
    base = small([1, 2, 3, 4, 5], [1] * 5)
    timed = base.with_columns(
        pl.date_range(pl.date(2008, 9, 12), pl.date(2008, 9, 16), eager=True)
        .cast(pl.Datetime("us"))
        .alias("time")
    )
    labelled = label_regimes(
        timed, window=2, scenarios={"crash": ("2008-09-15", "2008-09-16")}
    ).frame
    assert labelled["scenario"].to_list() == [None, None, None, "crash", "crash"]
    by_step = label_regimes(base, window=2, scenarios={"early": (0, 1), "late": (3, 9)}).frame
    assert by_step["scenario"].to_list() == ["early", "early", None, "late", "late"]


def test_regime_breakdown_shares_and_outcomes():
    prices = trend_prices()
    momentum = [1.0] * 60 + [0.0] * 60 + [0.0] * 60
    frame = pl.concat(
        [small(prices, momentum, agent="rule"), small(prices, [1.0] * 180, agent="hold")]
    )
    table = regime_breakdown(frame, window=10).table
    down = table.filter((pl.col("regime") == "trend") & (pl.col("label") == "down"))
    shares = dict(zip(down["agent"], down["action=1"], strict=True))
    assert shares == {"hold": 1.0, "rule": 0.0}
    returns = dict(zip(down["agent"], down["mean_return"], strict=True))
    assert returns["hold"] < 0 and returns["rule"] == 0.0


def test_state_action_map_recovers_a_threshold_policy(rng):
    feature = rng.normal(size=1000)
    frame = small(np.ones(1000), (feature > 0).astype(float)).with_columns(obs_signal=feature)
    table = state_action_map(frame, bins=4).table
    assert table["action=1"].to_list() == pytest.approx([0.0, 0.0, 1.0, 1.0], abs=0.01)
    assert table["steps"].sum() == 1000


def test_compare_actions_finds_where_agents_differ():
    prices = trend_prices()
    a = small(prices, [1.0] * 180, agent="a")
    b = small(prices, [1.0] * 120 + [0.0] * 60, agent="b")
    diff = compare_actions(pl.concat([a, b]), "a", "b", window=10)
    assert diff.agreement == pytest.approx(120 / 180)
    down = diff.by_regime.filter((pl.col("regime") == "trend") & (pl.col("label") == "down"))
    assert down["disagreement"][0] > 0.9
    with pytest.raises(UnknownNameError):
        compare_actions(pl.concat([a, b]), "a", "c")
    with pytest.raises(TrajectoryError, match="share no"):
        compare_actions(pl.concat([a, b.with_columns(pl.col("episode") + 9)]), "a", "b")
