"""Baseline and learned agents with the stable-baselines3 calling convention.

Each agent has ``predict(observation) -> (action, None)`` and ``reset(seed=...)``, so it runs
through :func:`~mlops_notebooks.rl.record_episodes` exactly like an SB3 model. Observations are
gym-anytrading windows (rows of price and price change; ``price_column`` selects the price).
Actions: 0 = sell (go flat or short), 1 = buy (go long).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from mlops_notebooks.errors import InvalidInputError

__all__ = ["BuyAndHoldAgent", "MomentumAgent", "QLearningAgent", "RandomAgent", "make_agent"]

SELL, BUY = 0, 1


class RandomAgent:
    """Uniformly random actions from a seeded generator.

    Examples
    --------
    >>> RandomAgent(seed=0).predict(None)[0] in (0, 1)
    True
    """

    def __init__(self, *, n_actions: int = 2, seed: int = 0) -> None:
        self.n_actions, self.seed = n_actions, seed
        self._rng = np.random.default_rng(seed)

    def reset(self, *, seed: int | None = None) -> None:
        """Reseed (``seed`` mixed with the agent's own seed)."""
        self._rng = np.random.default_rng([self.seed, seed or 0])

    def predict(self, observation: Any) -> tuple[int, None]:
        """A uniformly random action (the observation is ignored)."""
        return int(self._rng.integers(self.n_actions)), None


class BuyAndHoldAgent:
    """Always buy: long from the first step to the last."""

    def predict(self, observation: Any) -> tuple[int, None]:
        """Buy, whatever the observation."""
        return BUY, None


class MomentumAgent:
    """Buy when the price rose over the last ``lookback`` rows of the window, else sell."""

    def __init__(self, *, lookback: int = 10, price_column: int = 0) -> None:
        self.lookback, self.price_column = lookback, price_column

    def predict(self, observation: Any) -> tuple[int, None]:
        """Buy when the last price is above the one ``lookback`` rows earlier, else sell."""
        prices = np.asarray(observation)[:, self.price_column]
        lookback = min(self.lookback, len(prices) - 1)
        return (BUY if prices[-1] > prices[-1 - lookback] else SELL), None


def window_features(observation: Any, *, price_column: int = 0, short: int = 5) -> np.ndarray:
    """Short- and long-horizon relative price changes of an observation window."""
    prices = np.asarray(observation, dtype=np.float64)[:, price_column]
    short = min(short, len(prices) - 1)
    return np.array([prices[-1] / prices[-1 - short] - 1.0, prices[-1] / prices[0] - 1.0])


class QLearningAgent:
    """Tabular Q-learning on discretised features of the observation; trains in seconds on a CPU.

    Parameters
    ----------
    n_bins : int, default 5
        Quantile bins per feature (edges learned from the training episodes).
    learning_rate, discount, epsilon : float
        Q-learning step size, discount and exploration rate while training.
    seed : int, default 0
        Seed of exploration and tie-breaking.
    features : callable, optional
        ``observation -> 1-D array``; default :func:`window_features`.

    Examples
    --------
    >>> from mlops_notebooks.rl import make_trading_env
    >>> agent = QLearningAgent(seed=0).fit(make_trading_env("googl", end=600), episodes=3)
    """

    def __init__(
        self,
        *,
        n_bins: int = 5,
        learning_rate: float = 0.1,
        discount: float = 0.9,
        epsilon: float = 0.1,
        seed: int = 0,
        features: Callable[[Any], np.ndarray] | None = None,
    ) -> None:
        self.n_bins, self.learning_rate, self.discount = n_bins, learning_rate, discount
        self.epsilon, self.seed = epsilon, seed
        self.features = features or window_features
        self.edges_: np.ndarray | None = None
        self.q_table_: np.ndarray | None = None

    def _state(self, observation: Any) -> tuple[int, ...]:
        assert self.edges_ is not None
        values = self.features(observation)
        return tuple(int(np.searchsorted(e, v)) for e, v in zip(self.edges_, values, strict=True))

    def fit(
        self, env: Any, *, episodes: int = 20, reward: Callable[[Any], float] | None = None
    ) -> QLearningAgent:
        """Learn bin edges from one pass, then run ``episodes`` epsilon-greedy episodes.

        ``reward(view)`` replaces the environment's reward while learning (``view`` is a
        :class:`~mlops_notebooks.rl.recorder.StepView`), for example the step's profit.
        """
        from mlops_notebooks.rl.recorder import StepView

        if episodes < 1:
            raise InvalidInputError(f"episodes must be at least 1, got {episodes}")
        rng = np.random.default_rng(self.seed)
        self.edges_ = self._learn_edges(env)
        n_actions = int(env.action_space.n)
        self.q_table_ = np.zeros((*(self.n_bins,) * len(self.edges_), n_actions))
        for episode in range(episodes):
            observation, _ = env.reset(seed=self.seed + episode)
            state = self._state(observation)
            done = False
            while not done:
                if rng.random() < self.epsilon:
                    action = int(rng.integers(n_actions))
                else:
                    action = self._greedy(state, rng)
                observation, env_reward, terminated, truncated, info = env.step(action)
                value = (
                    env_reward
                    if reward is None
                    else reward(StepView(env, observation, action, float(env_reward), info))
                )
                following = self._state(observation)
                done = bool(terminated or truncated)
                target = value + (0.0 if done else self.discount * self.q_table_[following].max())
                self.q_table_[(*state, action)] += self.learning_rate * (
                    target - self.q_table_[(*state, action)]
                )
                state = following
        return self

    def _learn_edges(self, env: Any) -> np.ndarray:
        observation, _ = env.reset(seed=self.seed)
        rows = [self.features(observation)]
        done = False
        while not done:
            observation, _, terminated, truncated, _ = env.step(env.action_space.sample())
            rows.append(self.features(observation))
            done = bool(terminated or truncated)
        quantiles = np.linspace(0, 1, self.n_bins + 1)[1:-1]
        return np.quantile(np.asarray(rows), quantiles, axis=0).T

    def _greedy(self, state: tuple[int, ...], rng: np.random.Generator) -> int:
        assert self.q_table_ is not None
        values = self.q_table_[state]
        best = np.flatnonzero(values == values.max())
        return int(best[0] if len(best) == 1 else rng.choice(best))

    def predict(self, observation: Any) -> tuple[int, None]:
        """The greedy action (ties broken towards the lower action)."""
        if self.q_table_ is None:
            raise InvalidInputError("the QLearningAgent is not trained: call fit() or load()")
        values = self.q_table_[self._state(observation)]
        return int(np.argmax(values)), None

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write parameters, bin edges and the Q-table as JSON (atomically)."""
        from mlops_notebooks._io import write_text_atomic

        if self.q_table_ is None or self.edges_ is None:
            raise InvalidInputError("the QLearningAgent is not trained: nothing to save")
        state = {
            "n_bins": self.n_bins,
            "learning_rate": self.learning_rate,
            "discount": self.discount,
            "epsilon": self.epsilon,
            "seed": self.seed,
            "edges": self.edges_.tolist(),
            "q_table": self.q_table_.tolist(),
        }
        return write_text_atomic(path, json.dumps(state))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> QLearningAgent:
        """An agent saved by :meth:`save` (default features)."""
        state = json.loads(Path(path).read_text())
        agent = cls(
            n_bins=state["n_bins"],
            learning_rate=state["learning_rate"],
            discount=state["discount"],
            epsilon=state["epsilon"],
            seed=state["seed"],
        )
        agent.edges_ = np.asarray(state["edges"])
        agent.q_table_ = np.asarray(state["q_table"])
        return agent


AGENTS: dict[str, Callable[[int], Any]] = {
    "random": lambda seed: RandomAgent(seed=seed),
    "buy_and_hold": lambda seed: BuyAndHoldAgent(),
    "momentum": lambda seed: MomentumAgent(),
}


def make_agent(name: str, *, seed: int = 0) -> Any:
    """A baseline agent by name: ``random``, ``buy_and_hold`` or ``momentum``."""
    from mlops_notebooks._protocol import lookup

    return lookup(AGENTS, name, what="baseline agent")(seed)
