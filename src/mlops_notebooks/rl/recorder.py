"""Record every step of any gymnasium environment into a trajectory table (Parquet).

:class:`TrajectoryRecorder` is a ``gymnasium.Wrapper``. Per step it only appends scalars to
lists and copies the observation (or its latest row) into a preallocated buffer; columns are
built vectorised when it flushes, so recording stays cheap next to the environment's own step.
:func:`record_episodes` runs a policy — anything with ``predict(observation)`` (a
stable-baselines3 model works as-is) or a callable — for seeded episodes through the recorder.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from operator import itemgetter
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import polars as pl

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl.adapters import EnvAdapter, adapter_for
from mlops_notebooks.rl.schema import Trajectory

__all__ = ["Policy", "StepView", "TrajectoryRecorder", "as_policy", "record_episodes"]

Policy = Any  # an object with predict(observation) -> action or (action, state), or a callable
#: A reward component: an ``info`` key, or a function of the step.
RewardComponent = str | Callable[["StepView"], float]

MAX_FEATURES = 16
ROW_COLUMNS = ("episode", "seed", "step", "action", "reward", "terminated", "truncated")
BUFFER_ROWS = 65_536


class StepView:
    """What a user-defined reward component sees of one step."""

    __slots__ = ("action", "env", "info", "observation", "reward")

    def __init__(
        self, env: gym.Env, observation: Any, action: Any, reward: float, info: dict
    ) -> None:
        self.env, self.observation, self.action, self.reward, self.info = (
            env,
            observation,
            action,
            reward,
            info,
        )


class TrajectoryRecorder(gym.Wrapper):
    """A wrapper that records each step; :meth:`trajectory` returns them, ``path`` gets Parquet.

    Parameters
    ----------
    env : gymnasium.Env
        Any environment. gym-anytrading environments also get ``price``, ``position`` and
        ``time`` columns; others get them from ``info["price"]``/``info["position"]``.
    path : path-like, optional
        Parquet file written (atomically) by :meth:`close`.
    agent, task : str
        Values of the ``agent`` and ``task`` columns.
    reward_components : mapping of str to (info key or callable), optional
        Extra ``reward_<name>`` columns; an ``info["reward_components"]`` dict is always recorded.
    observation_names : sequence of str, optional
        Names of the recorded observation features (default ``0, 1, …``).
    max_observation_features : int, default 16
        Observations with more values are summarised: their latest row (windowed observations),
        else their mean, standard deviation, minimum and maximum.

    Examples
    --------
    >>> import gymnasium as gym
    >>> env = TrajectoryRecorder(gym.make("CartPole-v1"), agent="random")
    >>> observation, info = env.reset(seed=0)
    >>> env.step(0)[1]  # the reward, recorded with the step
    1.0
    """

    def __init__(
        self,
        env: gym.Env,
        path: str | os.PathLike[str] | None = None,
        *,
        agent: str = "agent",
        task: str = "default",
        reward_components: Mapping[str, RewardComponent] | None = None,
        observation_names: Sequence[str] | None = None,
        max_observation_features: int = MAX_FEATURES,
    ) -> None:
        super().__init__(env)
        self.path = Path(path) if path is not None else None
        self.agent, self.task = agent, task
        self._components = dict(reward_components or {})
        self._names = list(observation_names) if observation_names is not None else None
        self._max_features = max_observation_features
        self._adapter: EnvAdapter = adapter_for(env)
        self._frames: list[pl.DataFrame] = []
        self._episode, self._seed, self._step = -1, -1, 0
        self._key = (-1, -1)
        self._summary_kind: str | None = None
        self._dtype: Any = np.float64
        self._pending = b""
        self._reset_buffers()

    # -- gymnasium API ---------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> Any:
        observation, info = self.env.reset(seed=seed, options=options)
        self._episode += 1
        self._seed = -1 if seed is None else int(seed)
        self._key = (self._episode, self._seed)
        self._step = 0
        self._pending = self._encode(observation)
        return observation, info

    def step(self, action: Any) -> Any:
        if self._episode < 0:
            raise InvalidInputError("call reset() before step(): no episode has started")
        observation, reward, terminated, truncated, info = self.env.step(action)
        # The hot path: one tuple per step; columns are built when flushing. Observations are
        # kept as bytes copied when the environment returned them (immune to later mutation).
        step = self._step
        self._rows.append(
            (self._key, step, action, reward, terminated, truncated, info, self._pending)
        )
        if self._components:
            self._record_components(action, reward, info)
        self._step = step + 1
        kind = self._summary_kind
        if kind == "last" and type(observation) is np.ndarray:
            self._pending = observation[-1].tobytes()
        elif kind == "full" and type(observation) is np.ndarray:
            self._pending = observation.tobytes()
        else:
            self._pending = self._encode(observation)
        self._n += 1
        if self._n >= BUFFER_ROWS:
            self.flush()
        return observation, reward, terminated, truncated, info

    def _record_components(self, action: Any, reward: Any, info: dict) -> None:
        before = np.frombuffer(self._pending, dtype=self._dtype)
        view = StepView(self.env, before, action, float(reward), info)
        for name, component in self._components.items():
            value = info.get(component) if isinstance(component, str) else component(view)
            self._component_values[name].append(value)

    def mark_truncated(self) -> None:
        """Mark the last recorded step as truncated (an episode cut by the caller)."""
        if self._rows:
            row = self._rows[-1]
            self._rows[-1] = (*row[:5], True, *row[6:])

    def close(self) -> None:
        """Flush, write ``path`` (when given) and close the environment."""
        if self.path is not None and (self._n or self._frames):
            self.save(self.path)
        super().close()

    # -- output ----------------------------------------------------------------------------------
    def trajectory(self) -> Trajectory:
        """Everything recorded so far, as a validated :class:`Trajectory`."""
        self.flush()
        if not self._frames:
            from mlops_notebooks.rl.schema import EmptyTrajectoryError

            raise EmptyTrajectoryError("nothing recorded yet: run at least one step")
        return Trajectory.from_frame(pl.concat(self._frames, how="diagonal_relaxed"))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the recorded steps to a Parquet file atomically and return its path."""
        import io

        from mlops_notebooks._io import write_bytes_atomic

        buffer = io.BytesIO()
        self.trajectory().frame.write_parquet(buffer)
        return write_bytes_atomic(path, buffer.getvalue())

    def flush(self) -> None:
        """Turn the buffered steps into a columnar frame (called automatically)."""
        if self._n == 0:
            return
        n = self._n
        rows = self._rows
        keys, steps, actions, rewards, terminated, truncated, infos, observations = (
            list(map(itemgetter(i), rows)) for i in range(8)
        )
        pairs = np.fromiter(itertools.chain.from_iterable(keys), np.int64, count=2 * n)
        columns: dict[str, Any] = {
            "agent": pl.repeat(self.agent, n, eager=True),
            "task": pl.repeat(self.task, n, eager=True),
            "episode": pairs[0::2],
            "seed": pairs[1::2],
        }
        for name, values in zip(
            ROW_COLUMNS[2:], (steps, actions, rewards, terminated, truncated), strict=True
        ):
            columns[name] = _column(values)
        columns["reward"] = np.asarray(columns["reward"], dtype=np.float64)
        columns.update(self._observation_columns(self._decode(observations)))
        for name, values in self._component_values.items():
            columns[f"reward_{name}"] = np.asarray(values, dtype=np.float64)
        info_columns = _info_columns(infos)
        columns.update(self._adapter.columns(self.env, columns["step"], info_columns))
        for key, values in info_columns.items():
            columns.setdefault(f"info_{key}", values)
        for key, array in _component_dicts(infos).items():
            columns.setdefault(f"reward_{key}", array)
        self._frames.append(pl.DataFrame(columns))
        self._reset_buffers()

    # -- internals -------------------------------------------------------------------------------
    def _reset_buffers(self) -> None:
        self._n = 0
        self._rows: list[tuple[Any, ...]] = []
        self._component_values: dict[str, list[Any]] = {k: [] for k in self._components}

    def _encode(self, observation: Any) -> bytes:
        """The recorded part of an observation (all of it, its latest row, or statistics)."""
        if self._summary_kind is None:
            array = np.asarray(observation)
            self._summary_kind = _summary_kind(array, self._max_features)
            numeric = np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
            self._dtype = array.dtype if numeric and self._summary_kind != "stats" else np.float64
        array = np.asarray(observation, dtype=self._dtype)
        if self._summary_kind == "full":
            return array.tobytes()
        if self._summary_kind == "last":
            return array[-1].tobytes()
        flat = array.astype(np.float64).ravel()
        return np.array([flat.mean(), flat.std(), flat.min(), flat.max()]).tobytes()

    def _decode(self, observations: Sequence[bytes]) -> np.ndarray:
        joined = b"".join(observations)
        width = len(observations[0]) // np.dtype(self._dtype).itemsize
        if len(joined) != len(observations) * len(observations[0]):
            raise InvalidInputError(
                "the observations changed shape or dtype during recording; "
                "record such environments with a fixed observation space"
            )
        block = np.frombuffer(joined, dtype=self._dtype).reshape(len(observations), width)
        return block.astype(np.float64)

    def _observation_columns(self, block: np.ndarray) -> dict[str, np.ndarray]:
        kind = self._summary_kind
        if kind == "stats":
            return {f"obs_{s}": block[:, i] for i, s in enumerate(("mean", "std", "min", "max"))}
        names = self._names or [str(j) for j in range(block.shape[1])]
        if len(names) != block.shape[1]:
            raise InvalidInputError(
                f"observation_names has {len(names)} names "
                f"but {block.shape[1]} features are recorded"
            )
        prefix = "obs_" if kind == "full" else "obs_last_"
        return {prefix + name: block[:, j] for j, name in enumerate(names)}


def _summary_kind(array: np.ndarray, max_features: int) -> str:
    if array.size <= max_features:
        return "full"
    if array.ndim >= 2 and array.shape[-1] <= max_features:
        return "last"
    return "stats"


def _scalar(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, np.ndarray | np.generic):
        return value.item() if np.size(value) == 1 else value.tolist()
    return value


def _column(values: Sequence[Any]) -> Any:
    first = values[0]
    if isinstance(first, np.generic) and not isinstance(first, np.str_ | np.bytes_):
        try:  # numpy scalars: np.asarray would inspect each one as a sequence
            return np.fromiter(values, dtype=first.dtype, count=len(values))
        except (TypeError, ValueError):
            pass
    if isinstance(first, float):
        try:  # float64 holds ints and numpy floats exactly; None raises
            return np.fromiter(values, dtype=np.float64, count=len(values))
        except (TypeError, ValueError):
            pass
    if isinstance(first, bool | np.bool_ | int | float | np.integer | np.floating):
        # numpy promotes mixed ints and floats (gym-anytrading's reward is int 0 or a float)
        array = np.asarray(values)
        if array.dtype != object:
            return array
    return pl.Series([_scalar(v) for v in values], strict=False)


def _info_columns(infos: Sequence[dict]) -> dict[str, Any]:
    """Scalar ``info`` values as columns (the keys of the first step; enums become values)."""
    if not infos:
        return {}
    out: dict[str, Any] = {}
    for key, first in infos[0].items():
        if not isinstance(first, bool | int | float | str | Enum | np.generic | np.ndarray):
            continue
        if isinstance(first, np.ndarray) and first.size != 1:
            continue
        values = [info.get(key) for info in infos]
        if isinstance(first, Enum):
            # Enum.value is a slow descriptor: map members by identity.
            members = {id(member): member.value for member in type(first)}
            values = [members.get(id(v), v) for v in values]
        out[str(key)] = _column(values)
    return out


def _component_dicts(infos: Sequence[dict]) -> dict[str, np.ndarray]:
    first = infos[0].get("reward_components") if infos else None
    if not isinstance(first, dict):
        return {}
    return {
        str(k): np.asarray([info["reward_components"].get(k, np.nan) for info in infos], float)
        for k in first
    }


def as_policy(policy: Policy) -> Callable[[Any], Any]:
    """A function ``observation -> action`` from a policy.

    Accepts an object with ``predict(observation)`` returning an action or an
    ``(action, state)`` tuple (stable-baselines3 style), or a plain callable.

    Raises
    ------
    InvalidInputError
        ``policy`` has no ``predict`` and is not callable.
    """
    predict = getattr(policy, "predict", None)
    if callable(predict):

        def act(observation: Any) -> Any:
            out = predict(observation)
            return out[0] if isinstance(out, tuple) else out

        return act
    if callable(policy):
        return policy
    raise InvalidInputError(
        f"a policy needs predict(observation) or must be callable; got {type(policy).__name__}"
    )


def _plain_action(action: Any) -> Any:
    if isinstance(action, np.ndarray) and action.size == 1:
        return action.item()
    return action


def record_episodes(
    env: gym.Env | Callable[[], gym.Env],
    policy: Policy,
    *,
    episodes: int = 1,
    seed: int = 0,
    agent: str = "agent",
    task: str = "default",
    path: str | os.PathLike[str] | None = None,
    max_steps: int | None = None,
    reward_components: Mapping[str, RewardComponent] | None = None,
    observation_names: Sequence[str] | None = None,
) -> Trajectory:
    """Run ``policy`` for ``episodes`` seeded episodes and return the recorded trajectory.

    Episode ``i`` resets with ``seed + i``; a policy with ``reset(seed=...)`` is reset with
    the same seed, so runs are reproducible.

    Parameters
    ----------
    env : gymnasium.Env or callable returning one
        The environment (or a factory).
    policy : object with ``predict(observation)``, or callable
        A stable-baselines3 model works as-is.
    episodes, seed : int
        Number of episodes and the first reset seed.
    agent, task : str
        Labels written to the ``agent`` and ``task`` columns.
    path : path-like, optional
        Also write the trajectory to this Parquet file.
    max_steps : int, optional
        Stop an episode after this many steps (marked ``truncated``).
    reward_components, observation_names
        See :class:`TrajectoryRecorder`.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from mlops_notebooks.rl import make_trading_env, RandomAgent
    >>> trajectory = record_episodes(make_trading_env("googl"), RandomAgent(seed=0), episodes=2)
    """
    if episodes < 1:
        raise InvalidInputError(f"episodes must be at least 1, got {episodes}")
    base = env() if callable(env) and not isinstance(env, gym.Env) else env
    recorder = TrajectoryRecorder(
        base,
        agent=agent,
        task=task,
        reward_components=reward_components,
        observation_names=observation_names,
    )
    act = as_policy(policy)
    reset_policy = getattr(policy, "reset", None)
    for episode in range(episodes):
        observation, _ = recorder.reset(seed=seed + episode)
        if callable(reset_policy):
            reset_policy(seed=seed + episode)
        steps = 0
        while True:
            observation, _, terminated, truncated, _ = recorder.step(
                _plain_action(act(observation))
            )
            steps += 1
            if terminated or truncated or (max_steps is not None and steps >= max_steps):
                if max_steps is not None and steps >= max_steps:
                    recorder.mark_truncated()
                break
    trajectory = recorder.trajectory()
    if path is not None:
        recorder.save(path)
    return trajectory
