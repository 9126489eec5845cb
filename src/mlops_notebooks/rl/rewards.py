"""Reward components: totals, share over time, correlations, and where reward and profit disagree.

Profit is the step return from :func:`~mlops_notebooks.rl.backtest` (prices, positions, fee).
gym-anytrading computes its reward differently (price difference of a closed long, no fees), so
reward and profit can point in opposite directions — the windows where they do are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl.schema import EPISODE_ID, EPISODE_KEYS, Trajectory, as_trajectory
from mlops_notebooks.rl.trades import step_returns

__all__ = ["RewardBreakdown", "reward_breakdown"]

KEYS = list(EPISODE_KEYS)


@dataclass(frozen=True, eq=False)
class RewardBreakdown(Result):
    """What the reward is made of, and how it relates to profit.

    Attributes
    ----------
    totals : polars.DataFrame
        Per agent, means over its episodes of: summed ``reward``, ``profit`` (compounded
        return) and each summed component.
    shares : polars.DataFrame
        ``agent, bin, component, value, share``: each component's sum per step bin and its
        share of the bin's absolute total.
    correlation : polars.DataFrame
        Pearson correlation of the components, ``reward`` and ``profit`` per step (a square
        table with a ``column`` column).
    windows : polars.DataFrame
        ``agent, task, seed, episode, start_step, end_step, reward, profit, disagree`` per
        window of ``window`` steps; ``disagree`` when reward and profit have opposite signs.
    components : tuple of str
    window : int
    """

    totals: pl.DataFrame
    shares: pl.DataFrame
    correlation: pl.DataFrame
    windows: pl.DataFrame
    components: tuple[str, ...]
    window: int
    report_title = "Reward components"
    plot_kinds = ("shares", "correlation", "disagreement")

    @property
    def disagreement_rate(self) -> float:
        """Share of windows where reward and profit have opposite signs."""
        return float(self.windows["disagree"].to_numpy().mean())

    def to_polars(self) -> pl.DataFrame:
        return self.totals

    def to_dict(self) -> dict[str, Any]:
        return {
            "components": list(self.components),
            "window": self.window,
            "disagreement_rate": self.disagreement_rate,
            "totals": self.totals,
            "correlation": self.correlation,
            "disagreements": self.windows.filter(pl.col("disagree")),
        }

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, paragraph, section

        text = (
            f"Reward and profit have opposite signs in {self.disagreement_rate:.1%} of "
            f"{self.windows.height:,} windows of {self.window} steps"
        )
        return (
            paragraph(text)
            + section("Totals per agent", frame_to_html(self.totals))
            + section("Correlation per step", frame_to_html(self.correlation))
            + section("Windows where they disagree", frame_to_html(self.windows.filter("disagree")))
        )

    def plot(self, kind: str | None = None, *, ax: Any = None, agent: str | None = None) -> Any:
        """``shares``: each component's share over time (for ``agent``, default the first);
        ``correlation``: heatmap; ``disagreement``: windowed reward against profit."""
        from mlops_notebooks.rl import plots

        kind = check_kind(kind, self.plot_kinds, what="RewardBreakdown plot kind")
        if kind == "correlation":
            return plots.correlation_heatmap(self.correlation, ax=ax)
        if kind == "disagreement":
            return plots.reward_vs_profit(self.windows, ax=ax)
        agent = agent if agent is not None else self.shares["agent"][0]
        return plots.component_shares(self.shares.filter(pl.col("agent") == agent), agent, ax=ax)


def reward_breakdown(
    trajectory: Trajectory | Any,
    *,
    fee: float = 0.0,
    window: int = 20,
    bins: int = 20,
) -> RewardBreakdown:
    """Decompose rewards into their recorded components and compare reward with profit.

    Parameters
    ----------
    trajectory : Trajectory or frame
        Needs ``price`` and ``position`` (for profit); components are the ``reward_*`` columns
        (none: the reward alone is analysed).
    fee : float, default 0
        Cost per unit of position change in the profit.
    window : int, default 20
        Steps per window when comparing reward with profit.
    bins : int, default 20
        Step bins of the share-over-time table.

    Examples
    --------
    >>> from mlops_notebooks.rl import load_trajectories
    >>> breakdown = reward_breakdown(load_trajectories("rl_trajectories_googl"), fee=0.0075)
    >>> 0 <= breakdown.disagreement_rate <= 1
    True
    """
    if window < 1 or bins < 1:
        raise InvalidInputError(f"window and bins must be positive, got {window} and {bins}")
    trajectory = as_trajectory(trajectory)
    frame = step_returns(trajectory, fee=fee).rename({"return": "profit"})
    components = tuple(trajectory.reward_components)
    per_episode = frame.group_by(KEYS, maintain_order=True).agg(
        pl.col("reward").sum(),
        ((1.0 + pl.col("profit")).product() - 1.0).alias("profit"),
        *[pl.col(c).sum() for c in components],
    )
    totals = per_episode.group_by("agent", maintain_order=True).agg(
        pl.len().alias("episodes"), pl.col("reward", "profit", *components).mean()
    )
    columns = [*components, "reward", "profit"]
    matrix = frame.select(pl.col(columns).cast(pl.Float64)).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(matrix, rowvar=False) if matrix.shape[0] > 1 else np.full((1, 1), np.nan)
    correlation = pl.DataFrame({"column": columns}).with_columns(
        [pl.Series(c, np.atleast_2d(corr)[:, i]) for i, c in enumerate(columns)]
    )
    return RewardBreakdown(
        totals,
        _shares(frame, components or ("reward",), bins),
        correlation.with_columns(pl.col(columns).fill_nan(None)),
        _windows(frame, window),
        components,
        window,
    )


def _shares(frame: pl.DataFrame, components: tuple[str, ...], bins: int) -> pl.DataFrame:
    position = pl.col("step") * bins // (pl.col("step").max().over(EPISODE_ID) + 1)
    long = frame.with_columns(position.alias("bin")).unpivot(
        index=["agent", "bin"], on=list(components), variable_name="component"
    )
    sums = long.group_by(["agent", "bin", "component"]).agg(pl.col("value").sum())
    absolute = pl.col("value").abs().sum().over(["agent", "bin"])
    return sums.with_columns((pl.col("value").abs() / absolute).fill_nan(0.0).alias("share")).sort(
        ["agent", "bin", "component"]
    )


def _windows(frame: pl.DataFrame, window: int) -> pl.DataFrame:
    grouped = frame.with_columns((pl.col("step") // window).alias("_w")).group_by(
        [*KEYS, "_w"], maintain_order=True
    )
    table = grouped.agg(
        pl.col("step").min().alias("start_step"),
        pl.col("step").max().alias("end_step"),
        pl.col("reward").sum(),
        ((1.0 + pl.col("profit")).product() - 1.0).alias("profit"),
    )
    disagree = (pl.col("reward") * pl.col("profit")) < 0
    return table.with_columns(disagree.alias("disagree")).drop("_w")
