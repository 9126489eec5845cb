"""Honest agent comparison over many seeded runs, as rliable defines it (built on numpy/scipy).

Scores form a ``runs × tasks`` matrix per agent. The interquartile mean (IQM) is the 25 %
trimmed mean of all scores (:func:`scipy.stats.trim_mean`). Intervals come from the stratified
bootstrap: each resample draws runs with replacement independently within each task —
``rng.integers(0, runs, size=(n_bootstrap, runs, tasks))`` from ``numpy.random.default_rng(seed)``
— and takes percentile intervals. A performance profile is the share of all runs whose score
exceeds each threshold τ, with the same bootstrap band.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks._protocol import Result, check_kind, lookup
from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl.schema import Trajectory, TrajectoryError

__all__ = [
    "STATISTICS",
    "AgentComparison",
    "compare_agents",
    "iqm",
    "performance_profile",
    "stratified_bootstrap",
]


def iqm(scores: Any, axis: int | None = None) -> Any:
    """Interquartile mean: the mean of the middle 50 % of ``scores`` (flattened by default).

    Examples
    --------
    >>> float(iqm([1, 2, 3, 4, 5, 6, 7, 100]))
    4.5
    """
    from scipy.stats import trim_mean

    values = np.asarray(scores, dtype=np.float64)
    return trim_mean(values.ravel() if axis is None else values, 0.25, axis=axis or 0)


STATISTICS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "iqm": lambda flat: iqm(flat, axis=1),
    "mean": lambda flat: flat.mean(axis=1),
    "median": lambda flat: np.median(flat, axis=1),
}


def _resample(scores: np.ndarray, n_bootstrap: int, seed: int) -> np.ndarray:
    """``(n_bootstrap, runs * tasks)`` stratified resamples of a ``runs × tasks`` matrix."""
    runs, tasks = scores.shape
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, runs, size=(n_bootstrap, runs, tasks))
    return scores[rows, np.arange(tasks)].reshape(n_bootstrap, runs * tasks)


def stratified_bootstrap(
    scores: Any,
    statistic: str = "iqm",
    *,
    n_bootstrap: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """A statistic of a ``runs × tasks`` score matrix and its stratified-bootstrap interval.

    Returns
    -------
    (value, low, high)

    Examples
    --------
    >>> value, low, high = stratified_bootstrap(np.arange(20.0).reshape(5, 4), "mean")
    >>> low < value < high
    True
    """
    matrix = _matrix(scores)
    function = lookup(STATISTICS, statistic, what="statistic")
    value = float(function(matrix.reshape(1, -1))[0])
    draws = function(_resample(matrix, n_bootstrap, seed))
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(draws, [tail, 1.0 - tail])
    return value, float(low), float(high)


def _matrix(scores: Any) -> np.ndarray:
    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2 or matrix.size == 0:
        raise InvalidInputError(
            f"scores must be a non-empty runs × tasks matrix, got {matrix.shape}"
        )
    return matrix


def performance_profile(
    scores: Any,
    taus: Sequence[float] | np.ndarray,
    *,
    n_bootstrap: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Share of runs scoring above each τ, with a stratified-bootstrap band.

    Returns
    -------
    polars.DataFrame
        ``tau, fraction, low, high``.
    """
    matrix = _matrix(scores)
    grid = np.asarray(taus, dtype=np.float64)
    fraction = (matrix.reshape(-1, 1) > grid).mean(axis=0)
    resampled = _resample(matrix, n_bootstrap, seed)
    draws = (resampled[:, :, None] > grid).mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(draws, [tail, 1.0 - tail], axis=0)
    return pl.DataFrame({"tau": grid, "fraction": fraction, "low": low, "high": high})


@dataclass(frozen=True, eq=False)
class AgentComparison(Result):
    """Aggregate scores with intervals and performance profiles, per agent.

    Attributes
    ----------
    aggregates : polars.DataFrame
        ``agent, statistic, value, ci_low, ci_high``.
    profiles : polars.DataFrame
        ``agent, tau, fraction, low, high``.
    scores : polars.DataFrame
        ``agent, task, run, score`` — the input.
    metric : str
    n_bootstrap, seed : int
    confidence : float
    """

    aggregates: pl.DataFrame
    profiles: pl.DataFrame
    scores: pl.DataFrame
    metric: str
    n_bootstrap: int
    seed: int
    confidence: float
    report_title = "Agent comparison (IQM, stratified bootstrap)"
    plot_kinds = ("intervals", "profiles")

    def to_polars(self) -> pl.DataFrame:
        return self.aggregates

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "n_bootstrap": self.n_bootstrap,
            "seed": self.seed,
            "confidence": self.confidence,
            "aggregates": self.aggregates,
            "profiles": self.profiles,
        }

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, paragraph

        runs = int(self.scores.group_by("agent").len()["len"].to_numpy().max())
        tasks = self.scores["task"].n_unique()
        text = (
            f"{self.metric}: {runs} scores per agent over {tasks} task(s); "
            f"{self.confidence:.0%} stratified-bootstrap intervals, {self.n_bootstrap} resamples"
        )
        return paragraph(text) + frame_to_html(self.aggregates)

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """``intervals``: each statistic with its interval per agent; ``profiles``: share of
        runs above τ with bands."""
        from mlops_notebooks.rl import plots

        kind = check_kind(kind, self.plot_kinds, what="AgentComparison plot kind")
        if kind == "profiles":
            return plots.profiles(self.profiles, self.metric, ax=ax)
        return plots.intervals(self.aggregates, self.metric)


def _scores(data: Any, metric: str, fee: float, periods_per_year: int) -> pl.DataFrame:
    if isinstance(data, pl.DataFrame) and {"agent", "score"} <= set(data.columns):
        frame = data
    else:
        from mlops_notebooks.rl.metrics import backtest

        metrics = backtest(data, fee=fee, periods_per_year=periods_per_year).metrics
        if metric not in metrics.columns:
            from mlops_notebooks.errors import UnknownNameError

            raise UnknownNameError(metric, tuple(metrics.columns[4:]), what="metric")
        frame = metrics.group_by(["agent", "task", "seed"]).agg(
            pl.col(metric).mean().alias("score")
        )
        frame = frame.rename({"seed": "run"})
    for column in ("task", "run"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(0 if column == "run" else "default").alias(column))
    return frame.select("agent", pl.col("task").cast(pl.String), "run", "score").sort(
        ["agent", "task", "run"]
    )


def _agent_matrix(scores: pl.DataFrame, agent: str, tasks: list[str]) -> np.ndarray:
    own = scores.filter(pl.col("agent") == agent)
    columns = []
    for task in tasks:
        values = own.filter(pl.col("task") == task)["score"].to_numpy()
        if values.size == 0:
            raise TrajectoryError(
                f"agent {agent!r} has no score for task {task!r}: mismatched agents"
            )
        columns.append(values)
    if len({c.size for c in columns}) != 1:
        raise TrajectoryError(f"agent {agent!r} has a different number of runs per task")
    return np.column_stack(columns)


def compare_agents(
    data: Trajectory | pl.DataFrame | Any,
    *,
    metric: str = "total_return",
    fee: float = 0.0,
    periods_per_year: int = 252,
    n_bootstrap: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    taus: Sequence[float] | None = None,
) -> AgentComparison:
    """Compare agents over seeded runs and tasks with IQM, mean and median, and profiles.

    Parameters
    ----------
    data : Trajectory, frame or polars.DataFrame of scores
        A trajectory (scored per episode by :func:`~mlops_notebooks.rl.backtest`; a run is a
        seed, averaged over its episodes) or a score table ``agent, task, run, score``.
    metric : str, default "total_return"
        The backtest metric used as score.
    n_bootstrap, seed, confidence
        Stratified bootstrap settings.
    taus : sequence of float, optional
        Thresholds of the performance profiles (default: 50 points over the score range).

    Raises
    ------
    TrajectoryError
        Agents were scored on different tasks or numbers of runs (mismatched agents).
    """
    scores = _scores(data, metric, fee, periods_per_year)
    if scores.height == 0:
        raise TrajectoryError("no scores to compare")
    tasks = sorted(scores["task"].unique().to_list())
    agents = scores["agent"].unique(maintain_order=True).to_list()
    matrices = {agent: _agent_matrix(scores, agent, tasks) for agent in agents}
    values = scores["score"].to_numpy()
    low, high = float(values.min()), float(values.max())
    grid = np.linspace(low, high, 50) if taus is None else np.asarray(taus, dtype=np.float64)
    rows, profiles = [], []
    for agent, matrix in matrices.items():
        for statistic in STATISTICS:
            value, ci_low, ci_high = stratified_bootstrap(
                matrix, statistic, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence
            )
            rows.append((agent, statistic, value, ci_low, ci_high))
        profile = performance_profile(
            matrix, grid, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence
        )
        profiles.append(profile.select(pl.lit(agent).alias("agent"), pl.all()))
    aggregates = pl.DataFrame(
        rows, schema=["agent", "statistic", "value", "ci_low", "ci_high"], orient="row"
    )
    return AgentComparison(
        aggregates, pl.concat(profiles), scores, metric, n_bootstrap, seed, confidence
    )
