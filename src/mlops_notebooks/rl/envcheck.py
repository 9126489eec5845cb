"""Environment checks, reported as a table of passed and failed checks with their evidence.

:func:`check_environment` runs gymnasium's ``check_env`` and then its own checks on seeded
roll-outs: finite observations inside the declared space, observations that share memory
between calls, reward scale and outliers, ``reset`` determinism, episode lengths, actions never
taken, and a look-ahead test (does an observation feature predict the *next* price move far
better than chance?).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks._protocol import Result
from mlops_notebooks.errors import InvalidInputError

__all__ = ["CHECKS", "EnvironmentReport", "check_environment"]

CHECKS = (
    "check_env",
    "finite_observations",
    "observations_in_space",
    "observation_memory",
    "reward_outliers",
    "reset_determinism",
    "episode_lengths",
    "actions_taken",
    "look_ahead",
)


@dataclass(frozen=True, eq=False)
class EnvironmentReport(Result):
    """One row per check: ``check``, ``status`` (passed/failed/warning/skipped), ``evidence``.

    Attributes
    ----------
    checks : polars.DataFrame
    environment : str
        The environment's name.
    """

    checks: pl.DataFrame
    environment: str
    report_title = "Environment checks"

    @property
    def passed(self) -> bool:
        """True when no check failed."""
        return bool((self.checks["status"] != "failed").all())

    def status(self, check: str) -> str:
        """The status of one check by name."""
        from mlops_notebooks._protocol import lookup

        return str(
            lookup(dict(self.checks.select("check", "status").iter_rows()), check, what="check")
        )

    def to_polars(self) -> pl.DataFrame:
        return self.checks

    def to_dict(self) -> dict[str, Any]:
        return {"environment": self.environment, "passed": self.passed, "checks": self.checks}

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, paragraph

        failed = self.checks.filter(pl.col("status") == "failed")["check"].to_list()
        verdict = f"failed: {', '.join(failed)}" if failed else "every check passed"
        return paragraph(f"{self.environment}: {verdict}") + frame_to_html(self.checks)


def _check_env(env: Any) -> tuple[str, str]:
    from gymnasium.utils.env_checker import check_env

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            check_env(env.unwrapped, skip_render_check=True)
        except Exception as err:  # the checker raises AssertionError and others
            return "failed", f"{type(err).__name__}: {_clean(str(err))}"
    messages = sorted({_clean(str(w.message)) for w in caught})
    if messages:
        return "warning", " | ".join(messages)
    return "passed", "gymnasium.utils.env_checker.check_env raised no error and no warning"


def _clean(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text).replace("WARN: ", "").strip()[:400]


def _snapshot(observation: Any) -> Any:
    return np.array(observation, dtype=np.float64, copy=True)


@dataclass
class _Rollout:
    observations: list[np.ndarray]
    in_space: list[bool]
    aliased: list[int]
    changed: list[int]
    rewards: list[float]
    lengths: list[int]
    actions: list[Any]
    unfinished: int
    frame: pl.DataFrame | None


def _rollout(
    env: Any, act: Callable[[Any], Any], episodes: int, seed: int, max_steps: int
) -> _Rollout:
    from mlops_notebooks.rl.recorder import TrajectoryRecorder

    recorder = TrajectoryRecorder(env)
    out = _Rollout([], [], [], [], [], [], [], 0, None)
    space = env.observation_space
    for episode in range(episodes):
        observation, _ = recorder.reset(seed=seed + episode)
        previous, kept = observation, _snapshot(observation)
        out.observations.append(kept)
        out.in_space.append(bool(space.contains(observation)))
        steps, done = 0, False
        while not done and steps < max_steps:
            action = act(observation)
            observation, reward, terminated, truncated, _ = recorder.step(action)
            steps += 1
            if observation is previous or np.shares_memory(observation, previous):
                out.aliased.append(steps)
            if not np.array_equal(_snapshot(previous), kept, equal_nan=True):
                out.changed.append(steps)
            previous, kept = observation, _snapshot(observation)
            out.observations.append(kept)
            out.in_space.append(bool(space.contains(observation)))
            out.rewards.append(float(reward))
            out.actions.append(action)
            done = bool(terminated or truncated)
        out.lengths.append(steps)
        out.unfinished += int(not done)
    out.frame = recorder.trajectory().frame
    return out


def _determinism(env: Any, seed: int, actions: list[Any]) -> tuple[str, str]:
    runs = []
    for _ in range(2):
        observation, _ = env.reset(seed=seed)
        trace = [_snapshot(observation)]
        rewards = []
        for action in actions:
            observation, reward, terminated, truncated, _ = env.step(action)
            trace.append(_snapshot(observation))
            rewards.append(float(reward))
            if terminated or truncated:
                break
        runs.append((trace, rewards))
    (obs_a, rew_a), (obs_b, rew_b) = runs
    if not np.array_equal(obs_a[0], obs_b[0], equal_nan=True):
        return "failed", f"reset(seed={seed}) twice gave different observations"
    for step, (a, b) in enumerate(zip(obs_a[1:], obs_b[1:], strict=False), start=1):
        if not np.array_equal(a, b, equal_nan=True):
            return "failed", f"same seed and actions: observations differ at step {step}"
    if rew_a != rew_b:
        return "failed", "same seed and actions: rewards differ"
    return "passed", f"reset(seed={seed}) and {len(rew_a)} identical actions replayed identically"


def _outliers(rewards: np.ndarray, z: float) -> tuple[str, str]:
    if rewards.size < 2 or rewards.std() == 0:
        return "passed", f"{rewards.size} rewards, all equal to {rewards[:1].tolist()}"
    scores = np.abs(rewards - rewards.mean()) / rewards.std()
    worst = int(np.argmax(scores))
    facts = (
        f"rewards: mean {rewards.mean():.4g}, std {rewards.std():.4g}, "
        f"min {rewards.min():.4g}, max {rewards.max():.4g}"
    )
    outliers = int((scores > z).sum())
    if outliers:
        return "failed", (
            f"{outliers} reward(s) more than {z:g} standard deviations from the mean "
            f"(worst {rewards[worst]:.4g} at step {worst}); {facts}"
        )
    return "passed", facts


def _look_ahead(frame: pl.DataFrame | None, threshold: float) -> tuple[str, str]:
    features = [c for c in frame.columns if c.startswith("obs_")] if frame is not None else []
    if frame is None or "price" not in frame.columns or not features:
        return "skipped", "needs a price (info['price'] or a gym-anytrading env) and observations"
    keys = ["agent", "task", "seed", "episode"]
    nxt = (pl.col("price") / pl.col("price").shift(1).over(keys) - 1.0).alias("_next")
    data = frame.with_columns(nxt).drop_nulls("_next").select("_next", *features).to_numpy()
    if data.shape[0] < 10:
        return "skipped", f"only {data.shape[0]} steps with a price move"
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(data, rowvar=False)[0, 1:]
    corr = np.nan_to_num(np.abs(corr))
    worst = int(np.argmax(corr))
    facts = (
        f"largest |correlation| of an observation feature with the next step's price change: "
        f"{corr[worst]:.3f} ({features[worst]}, {data.shape[0]:,} steps)"
    )
    return ("failed" if corr[worst] > threshold else "passed"), facts


def check_environment(
    env: Any,
    *,
    policy: Any = None,
    episodes: int = 2,
    seed: int = 0,
    max_steps: int = 10_000,
    outlier_z: float = 10.0,
    look_ahead_threshold: float = 0.5,
) -> EnvironmentReport:
    """Run every check on ``env`` and report the evidence.

    Parameters
    ----------
    env : gymnasium.Env or callable returning one
    policy : optional
        Acts in the roll-outs (``predict`` or callable); default: seeded random actions.
    episodes, seed, max_steps : int
        Roll-outs: episode ``i`` resets with ``seed + i``; each is cut at ``max_steps``.
    outlier_z : float, default 10
        A reward further than this many standard deviations from the mean is an outlier.
    look_ahead_threshold : float, default 0.5
        Absolute correlation between an observation feature and the next price move above
        which the observation is taken to see the future.

    Examples
    --------
    >>> from mlops_notebooks.rl import make_trading_env
    >>> check_environment(make_trading_env("googl")).status("observation_memory")
    'failed'
    """
    from mlops_notebooks.rl.recorder import as_policy

    if episodes < 1:
        raise InvalidInputError(f"episodes must be at least 1, got {episodes}")
    env = env() if callable(env) and not hasattr(env, "step") else env
    if policy is None:
        env.action_space.seed(seed)
        act = lambda observation: env.action_space.sample()  # noqa: E731
    else:
        act = as_policy(policy)
    rows = [("check_env", *_check_env(env))]
    run = _rollout(env, act, episodes, seed, max_steps)
    observations = np.stack(run.observations) if run.observations else np.empty(0)
    bad = int((~np.isfinite(observations)).reshape(len(run.observations), -1).any(axis=1).sum())
    rows.append(
        (
            "finite_observations",
            "failed" if bad else "passed",
            f"{bad} of {len(run.observations)} observations contain NaN or infinity",
        )
    )
    outside = int(np.sum(~np.asarray(run.in_space)))
    rows.append(
        (
            "observations_in_space",
            "failed" if outside else "passed",
            f"{outside} of {len(run.in_space)} observations outside {env.observation_space}",
        )
    )
    memory = ""
    if run.aliased:
        memory = (
            f"consecutive observations share memory at {len(run.aliased)} steps "
            f"(first {run.aliased[0]})"
        )
    if run.changed:
        memory += f"; a kept observation changed after the next step {len(run.changed)} times"
    rows.append(
        (
            "observation_memory",
            "failed" if memory else "passed",
            memory.strip("; ") or "every observation is a new array",
        )
    )
    rows.append(("reward_outliers", *_outliers(np.asarray(run.rewards), outlier_z)))
    rows.append(("reset_determinism", *_determinism(env, seed, run.actions[:200])))
    lengths = np.asarray(run.lengths)
    rows.append(
        (
            "episode_lengths",
            "warning" if run.unfinished else "passed",
            f"{len(lengths)} episodes: min {lengths.min()}, median {np.median(lengths):g}, "
            f"max {lengths.max()}; {run.unfinished} cut at max_steps={max_steps}",
        )
    )
    rows.append(("actions_taken", *_actions(env.action_space, run.actions)))
    rows.append(("look_ahead", *_look_ahead(run.frame, look_ahead_threshold)))
    checks = pl.DataFrame(rows, schema=["check", "status", "evidence"], orient="row")
    name = getattr(getattr(env, "spec", None), "id", None) or type(env.unwrapped).__name__
    return EnvironmentReport(checks, str(name))


def _actions(space: Any, actions: list[Any]) -> tuple[str, str]:
    n = getattr(space, "n", None)
    if n is None:
        return "skipped", f"only for discrete action spaces, not {space}"
    counts = np.bincount(np.asarray(actions, dtype=np.int64) - int(space.start), minlength=int(n))
    never = [int(space.start) + int(i) for i in np.flatnonzero(counts == 0)]
    shares = ", ".join(f"{int(space.start) + i}: {c}" for i, c in enumerate(counts))
    if never:
        return "warning", f"actions never taken: {never} (counts {shares})"
    return "passed", f"every action taken (counts {shares})"
