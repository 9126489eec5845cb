"""The worked example: baselines and a Q-learning agent on bundled market data, side by side.

The Q-learning agent trains on the first part of a series (``start`` of it) and every agent is
evaluated on ``tasks`` consecutive later windows with several seeds — out-of-sample, as a
backtest should be.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import polars as pl

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl.agents import QLearningAgent, make_agent
from mlops_notebooks.rl.envs import load_prices, make_trading_env, segments, trading_components
from mlops_notebooks.rl.recorder import record_episodes
from mlops_notebooks.rl.schema import Trajectory

__all__ = ["EXAMPLE_AGENTS", "record_example", "train_q_agent"]

EXAMPLE_AGENTS = ("random", "buy_and_hold", "momentum", "q_learning")


def train_q_agent(
    dataset: str = "googl",
    *,
    start: float = 0.5,
    episodes: int = 15,
    seed: int = 0,
    fee: float = 0.0075,
    window_size: int = 30,
    n_bins: int = 5,
) -> QLearningAgent:
    """Train tabular Q-learning on the first ``start`` fraction of ``dataset``, rewarded by profit.

    Examples
    --------
    >>> agent = train_q_agent("googl", episodes=2)
    """
    rows = len(load_prices(dataset))
    env = make_trading_env(dataset, window_size=window_size, end=int(rows * start))
    components = trading_components(fee)

    def profit(view: Any) -> float:
        return sum(component(view) for component in components.values())

    return QLearningAgent(n_bins=n_bins, seed=seed).fit(env, episodes=episodes, reward=profit)


def _task_name(dataset: str, first: int, last: int) -> str:
    index = load_prices(dataset).index
    return f"{index[first]:%Y-%m-%d}..{index[last - 1]:%Y-%m-%d}"


def record_example(
    dataset: str = "googl",
    *,
    agents: Sequence[str] = EXAMPLE_AGENTS,
    seeds: int = 3,
    tasks: int = 4,
    start: float = 0.5,
    q_agent: QLearningAgent | str | os.PathLike[str] | None = None,
    q_episodes: int = 15,
    fee: float = 0.0075,
    window_size: int = 30,
    seed: int = 0,
) -> Trajectory:
    """Record the example agents on ``tasks`` windows of the later part of ``dataset``.

    Parameters
    ----------
    dataset : {"googl", "eurusd", "sp500"}
    agents : sequence of str
        ``random``, ``buy_and_hold``, ``momentum``, ``q_learning``.
    seeds : int, default 3
        Seeded runs per agent and window (seeds ``seed … seed + seeds − 1``).
    tasks : int, default 4
        Consecutive evaluation windows after the first ``start`` fraction of the series.
    q_agent : QLearningAgent or path, optional
        A trained agent or its JSON file; default: trained here with :func:`train_q_agent`.
    fee : float, default 0.0075
        Cost per unit of position change in the recorded reward components.

    Returns
    -------
    Trajectory
        With ``reward_price_move`` and ``reward_trading_cost`` components.

    Examples
    --------
    >>> trajectory = record_example("googl", seeds=2, tasks=2)
    """
    if seeds < 1 or tasks < 1:
        raise InvalidInputError(f"seeds and tasks must be at least 1, got {seeds} and {tasks}")
    trained = None
    if "q_learning" in agents:
        if isinstance(q_agent, QLearningAgent):
            trained = q_agent
        elif q_agent:
            trained = QLearningAgent.load(q_agent)
        else:
            trained = train_q_agent(dataset, start=start, episodes=q_episodes, seed=seed, fee=fee)
    components = trading_components(fee)
    frames = []
    for first, last in segments(dataset, tasks, start=start, window_size=window_size):
        task = _task_name(dataset, first, last)
        env = make_trading_env(dataset, window_size=window_size, start=first, end=last)
        for name in agents:
            for run in range(seed, seed + seeds):
                policy = trained if name == "q_learning" else make_agent(name, seed=run)
                recorded = record_episodes(
                    env,
                    policy,
                    seed=run,
                    agent=name,
                    task=task,
                    reward_components=components,
                    observation_names=("price", "price_change"),
                )
                frames.append(recorded.frame)
    return Trajectory.from_frame(pl.concat(frames, how="diagonal_relaxed"))
