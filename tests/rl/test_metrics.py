"""Backtest metrics equal quantstats 0.0.86 on the same return series; trades equal hand values."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

from mlops_notebooks.rl import backtest, step_returns, trade_list

from .conftest import small


@pytest.fixture(scope="module")
def qs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import quantstats

    return quantstats


def _quantstats(qs, returns: np.ndarray, periods: int) -> dict[str, float]:
    series = pd.Series(returns, index=pd.date_range("2020-01-01", periods=len(returns), freq="D"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "total_return": qs.stats.comp(series),
            "cagr": qs.stats.cagr(series, periods=periods),
            "sharpe": qs.stats.sharpe(series, periods=periods),
            "sortino": qs.stats.sortino(series, periods=periods),
            "max_drawdown": qs.stats.max_drawdown(series),
            "volatility": qs.stats.volatility(series, periods=periods),
        }


@pytest.mark.parametrize("fee", [0.0, 0.002])
def test_metrics_equal_quantstats_on_real_prices(qs, example_trajectory, fee):
    report = backtest(example_trajectory, fee=fee, periods_per_year=252)
    for row in report.metrics.iter_rows(named=True):
        returns = report.curves.filter(
            (pl.col("agent") == row["agent"])
            & (pl.col("task") == row["task"])
            & (pl.col("seed") == row["seed"])
        )["return"].to_numpy()
        expected = _quantstats(qs, returns, 252)
        for name, value in expected.items():
            assert row[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (row["agent"], name)


def test_drawdown_series_equals_quantstats(qs, example_trajectory):
    curves = backtest(example_trajectory, fee=0.001).curves.filter(
        (pl.col("agent") == "random") & (pl.col("seed") == 0)
    )
    first = curves.filter(pl.col("task") == curves["task"][0])
    series = pd.Series(
        first["return"].to_numpy(), index=pd.date_range("2020", periods=first.height)
    )
    expected = qs.stats.to_drawdown_series(series).to_numpy()
    np.testing.assert_allclose(first["drawdown"].to_numpy(), expected, atol=1e-12)


def test_step_returns_by_hand():
    frame = step_returns(small([10, 11, 12.1, 11], [1, 1, 0, -1]), fee=0.01)
    expected = [-0.01, 0.1, 0.1 - 0.01, -0.01]
    assert frame["return"].to_list() == pytest.approx(expected)
    assert frame["equity"][-1] == pytest.approx(np.prod(1 + np.array(expected)))


def test_trade_list_by_hand():
    # long at 10, exit at 12 (step 2); short at 12 … still open at 9 at the end
    trades = trade_list(small([10, 11, 12, 9], [1, 1, -1, -1]), fee=0.0).trades
    assert trades.select(
        "direction", "entry_step", "exit_step", "holding_steps", "open"
    ).rows() == [
        ("long", 0, 2, 2, False),
        ("short", 2, 3, 1, True),
    ]
    assert trades["profit"].to_list() == pytest.approx([0.2, 0.25])
    with_fee = trade_list(small([10, 11, 12, 9], [1, 1, 0, 0]), fee=0.01).trades
    assert with_fee["profit"].to_list() == pytest.approx([1.2 * 0.99 * 0.99 - 1])


def test_win_rate_turnover_and_trade_count():
    frame = pl.concat(
        [
            small([10, 11, 10, 9, 10], [1, 0, 1, 0, 0], episode=0),
            small([10, 9, 10], [1, 1, 0], episode=1),
        ]
    )
    report = backtest(frame)
    metrics = report.metrics.sort("episode")
    assert metrics["trades"].to_list() == [2, 1]
    assert metrics["win_rate"].to_list() == pytest.approx([0.5, 0.0])
    assert metrics["turnover"].to_list() == pytest.approx([4 / 5, 2 / 3])
    summary = report.summary()
    assert summary["episodes"].to_list() == [2]


def test_bad_fee_and_periods():
    from mlops_notebooks.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="fee"):
        backtest(small([1, 2], [1, 1]), fee=1.5)
    with pytest.raises(InvalidInputError, match="periods_per_year"):
        backtest(small([1, 2], [1, 1]), periods_per_year=0)
