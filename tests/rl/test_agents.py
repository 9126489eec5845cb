from __future__ import annotations

import gym_anytrading  # noqa: F401
import gymnasium as gym
import numpy as np
import pandas as pd
import pytest

from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.rl import (
    MomentumAgent,
    QLearningAgent,
    RandomAgent,
    backtest,
    make_agent,
    record_episodes,
    trading_components,
)


def wave_env():
    """A smooth, predictable price: momentum pays, so a learner must find it."""
    t = np.arange(1200)
    close = 100 + 10 * np.sin(t / 15)
    frame = pd.DataFrame({"Close": close}, index=pd.date_range("2020-01-01", periods=len(t)))
    return gym.make("stocks-v0", df=frame, window_size=10, frame_bound=(10, len(t)),
                    disable_env_checker=True)  # fmt: skip


def test_q_learning_learns_the_planted_momentum(tmp_path):
    components = trading_components(fee=0.0)

    def profit(view):
        return sum(c(view) for c in components.values())

    agent = QLearningAgent(n_bins=4, seed=0).fit(wave_env(), episodes=5, reward=profit)
    learned = record_episodes(wave_env(), agent, agent="q")
    rand = record_episodes(wave_env(), RandomAgent(seed=0), agent="random")
    q_return = backtest(learned).metrics["total_return"][0]
    random_return = backtest(rand).metrics["total_return"][0]
    assert q_return > 1.0 > random_return
    restored = QLearningAgent.load(agent.save(tmp_path / "q.json"))
    again = record_episodes(wave_env(), restored, agent="q")
    assert again.frame["action"].to_list() == learned.frame["action"].to_list()


def test_baselines_and_errors():
    observation = np.column_stack([np.linspace(1, 2, 30), np.zeros(30)])
    assert MomentumAgent().predict(observation)[0] == 1
    assert MomentumAgent().predict(observation[::-1])[0] == 0
    assert make_agent("buy_and_hold").predict(observation) == (1, None)
    first = [RandomAgent(seed=4).predict(None)[0] for _ in range(5)]
    agent = RandomAgent(seed=4)
    assert [agent.predict(None)[0] for _ in range(5)] == first
    with pytest.raises(UnknownNameError, match="momentum"):
        make_agent("momentun")
    with pytest.raises(InvalidInputError, match="not trained"):
        QLearningAgent().predict(observation)
