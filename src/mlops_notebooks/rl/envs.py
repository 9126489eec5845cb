"""Example trading environments on real market data shipped in PyPI packages.

- ``googl``: daily Alphabet (GOOGL) prices 2009–2018, bundled with gym-anytrading;
- ``eurusd``: hourly EUR/USD ask prices 2017–2020, bundled with gym-anytrading;
- ``sp500``: daily S&P 500 1999–2018 from ``arch`` (includes the 2008 crash).

:func:`make_trading_env` builds gym-anytrading's ``StocksEnv``/``ForexEnv`` on one of them, as
``gymnasium.make`` does. :func:`trading_components` are reward components that split each
step's profit into the price move of the held position and the trading cost.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlops_notebooks._protocol import lookup

__all__ = [
    "DATASETS",
    "MarketData",
    "load_prices",
    "make_trading_env",
    "segments",
    "trading_components",
]


@dataclass(frozen=True)
class MarketData:
    """A bundled price series: where it comes from and how to build its environment."""

    name: str
    description: str
    env_id: str
    periods_per_year: int
    loader: Callable[[], Any]


def _googl() -> Any:
    from gym_anytrading import datasets

    return datasets.STOCKS_GOOGL.copy()


def _eurusd() -> Any:
    import pandas as pd
    from gym_anytrading import datasets

    frame = datasets.FOREX_EURUSD_1H_ASK.copy()
    # The CSV's day-first times stay strings when gym-anytrading reads them: parse them.
    frame.index = pd.to_datetime(frame.index, format="%d.%m.%Y %H:%M:%S.%f")
    return frame


def _sp500() -> Any:
    from arch.data import sp500

    return sp500.load()


DATASETS: dict[str, MarketData] = {
    "googl": MarketData(
        "googl", "GOOGL daily, 2009–2018 (gym-anytrading)", "stocks-v0", 252, _googl
    ),
    "eurusd": MarketData(
        "eurusd", "EUR/USD hourly ask (gym-anytrading)", "forex-v0", 252 * 24, _eurusd
    ),
    "sp500": MarketData("sp500", "S&P 500 daily, 1999–2018 (arch)", "stocks-v0", 252, _sp500),
}


def load_prices(dataset: str) -> Any:
    """The data set's OHLC frame (pandas, time index); see :data:`DATASETS` for the names.

    Examples
    --------
    >>> bool(load_prices("sp500")["Close"].loc["2008-10"].min() < 900)
    True
    """
    return lookup(DATASETS, dataset, what="market data set").loader()


def _row(frame: Any, at: int | str | None, default: int) -> int:
    if at is None:
        return default
    if isinstance(at, str):
        return int(frame.index.searchsorted(np.datetime64(at)))
    return int(at) if at >= 0 else len(frame) + int(at)


def make_trading_env(
    dataset: str = "googl",
    *,
    window_size: int = 30,
    start: int | str | None = None,
    end: int | str | None = None,
    copy_observations: bool = False,
) -> Any:
    """A gym-anytrading environment on a bundled price series.

    Parameters
    ----------
    dataset : {"googl", "eurusd", "sp500"}
        The series.
    window_size : int, default 30
        Rows of (price, price change) in each observation.
    start, end : int or str, optional
        First and last row of the episode: a row number or a date (``"2008-01-01"``).
    copy_observations : bool, default False
        Return a fresh observation array each step. gym-anytrading returns views of one array,
        which gymnasium's checker rejects; :func:`check_environment` shows it.

    Returns
    -------
    gymnasium.Env

    Examples
    --------
    >>> env = make_trading_env("sp500", start="2007-01-01", end="2010-01-01")
    """
    import gym_anytrading  # noqa: F401  (registers stocks-v0 and forex-v0)
    import gymnasium as gym

    data = lookup(DATASETS, dataset, what="market data set")
    frame = data.loader()
    first = max(_row(frame, start, window_size), window_size)
    last = min(_row(frame, end, len(frame)), len(frame))
    if last - first < 2:
        from mlops_notebooks.errors import InvalidInputError

        raise InvalidInputError(f"the window {start}..{end} of {dataset!r} has fewer than 2 steps")
    env = gym.make(
        data.env_id,
        df=frame,
        window_size=window_size,
        frame_bound=(first, last),
        disable_env_checker=True,
    )
    if copy_observations:
        env = gym.wrappers.TransformObservation(env, np.array, env.observation_space)
    return env


def segments(
    dataset: str, n: int, *, start: float = 0.0, end: float = 1.0, window_size: int = 30
) -> list[tuple[int, int]]:
    """``n`` consecutive (start, end) row ranges covering the fraction ``start..end`` of a series.

    Examples
    --------
    >>> segments("googl", 2, start=0.5)
    [(1167, 1751), (1751, 2335)]
    """
    rows = len(load_prices(dataset))
    first = max(int(rows * start), window_size)
    edges = np.linspace(first, int(rows * end), n + 1).astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges)]


def trading_components(fee: float = 0.0075) -> dict[str, Callable[[Any], float]]:
    """Reward components that split a gym-anytrading step's profit (a return) in two.

    - ``price_move``: position held into the step × the price's relative change;
    - ``trading_cost``: −``fee`` × the position change (a round trip costs twice ``fee``).

    Their sum is the step's return as :func:`mlops_notebooks.rl.backtest` computes it with the
    same ``fee``. gym-anytrading's stock environment charges 0.5 % to buy and 1 % to sell: the
    default ``fee`` is their mean.
    """

    def positions(view: Any) -> tuple[float, float]:
        inner = view.env.unwrapped
        short = -1.0 if type(inner).__name__ == "ForexEnv" else 0.0
        history = inner._position_history
        before, after = (1.0 if p.value == 1 else short for p in history[-2:])
        return before, after

    def price_move(view: Any) -> float:
        inner = view.env.unwrapped
        tick = inner._current_tick
        before, _ = positions(view)
        if _first_step(inner):
            return 0.0  # the first step: no price before it in the trajectory
        return before * float(inner.prices[tick] / inner.prices[tick - 1] - 1.0)

    def trading_cost(view: Any) -> float:
        before, after = positions(view)
        if _first_step(view.env.unwrapped):
            before = 0.0  # the trajectory starts flat
        return -fee * abs(after - before)

    return {"price_move": price_move, "trading_cost": trading_cost}


def _first_step(inner: Any) -> bool:
    # reset() leaves window_size + 1 entries in the history; each step appends one.
    return len(inner._position_history) == inner.window_size + 2
