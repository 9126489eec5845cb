"""Small gymnasium environments (one sound, several deliberately broken) and trajectories."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import polars as pl
import pytest

from mlops_notebooks.rl import record_example


class RandomWalkEnv(gym.Env):
    """A sound trading toy: price follows a seeded random walk; observation = last 3 returns.

    ``info`` carries ``price``, ``position`` and a ``reward_components`` dict.
    """

    def __init__(self, length: int = 200, flaw: str | None = None) -> None:
        self.length, self.flaw = length, flaw
        self.observation_space = gym.spaces.Box(-1.0, 1.0, shape=(3,), dtype=np.float64)
        self.action_space = gym.spaces.Discrete(2)
        self._buffer = np.zeros(3)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        rng = np.random.default_rng() if self.flaw == "reset" else self.np_random
        steps = rng.normal(0.0, 0.01, self.length + 5)
        self.returns = steps
        self.prices = 100.0 * np.exp(np.cumsum(steps))
        self.t, self.position = 3, 0.0
        return self._observation(), {"price": float(self.prices[self.t]), "position": 0.0}

    def _observation(self):
        window = self.returns[self.t - 2 : self.t + 1].copy()
        if self.flaw == "nan" and self.t == 10:
            window[0] = np.nan
        if self.flaw == "lookahead":
            window[2] = self.returns[self.t + 1] * 10  # the next move, visible now
        if self.flaw == "alias":
            self._buffer[:] = window
            return self._buffer
        return window

    def step(self, action):
        previous = self.position
        self.t += 1
        self.position = float(action)
        move = previous * (self.prices[self.t] / self.prices[self.t - 1] - 1.0)
        cost = -0.001 * abs(self.position - previous)
        reward = move + cost
        if self.flaw == "outlier" and self.t == 50:
            reward = 1e6
        info = {
            "price": float(self.prices[self.t]),
            "position": self.position,
            "reward_components": {"move": move, "cost": cost},
            "note": "text",
        }
        return self._observation(), reward, False, self.t >= self.length, info


@pytest.fixture
def walk_env():
    return RandomWalkEnv()


@pytest.fixture(scope="session")
def example_trajectory():
    """The real example: four agents on two GOOGL windows, two seeds (a few seconds)."""
    return record_example("googl", seeds=2, tasks=2, q_episodes=3)


def small(price, position, *, episode=0, agent="a", reward=None):
    n = len(price)
    return pl.DataFrame(
        {
            "agent": [agent] * n,
            "episode": [episode] * n,
            "step": list(range(n)),
            "action": [int(p > 0) for p in position],
            "reward": reward if reward is not None else [0.0] * n,
            "price": [float(p) for p in price],
            "position": [float(p) for p in position],
        }
    )
