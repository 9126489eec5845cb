"""What agents do where: actions and outcomes per regime, state → action maps, two agents diffed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.rl.regimes import REGIME_COLUMNS, label_regimes
from mlops_notebooks.rl.schema import Trajectory, TrajectoryError, as_trajectory
from mlops_notebooks.rl.trades import step_returns

__all__ = [
    "ActionDiff",
    "RegimeBreakdown",
    "StateActionMap",
    "compare_actions",
    "regime_breakdown",
    "state_action_map",
]


def _action_shares(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    actions = sorted(frame.get_column("action").unique().drop_nulls().to_list())
    return frame.group_by(by, maintain_order=True).agg(
        pl.len().alias("steps"),
        *[(pl.col("action") == a).mean().alias(f"action={a}") for a in actions],
    )


def _regimes(trajectory: Trajectory, options: Mapping[str, Any]) -> pl.DataFrame:
    if all(c in trajectory.frame.columns for c in REGIME_COLUMNS) and not options:
        return trajectory.frame
    return label_regimes(trajectory, **options).frame


def _long_regimes(frame: pl.DataFrame, extra: Sequence[str]) -> pl.DataFrame:
    parts = []
    for regime in REGIME_COLUMNS:
        labelled = frame.filter(pl.col(regime).is_not_null())
        parts.append(
            labelled.select(
                *extra,
                pl.lit(regime).alias("regime"),
                pl.col(regime).cast(pl.String).alias("label"),
            )
        )
    return pl.concat(parts)


@dataclass(frozen=True, eq=False)
class RegimeBreakdown(Result):
    """Per agent and regime label: steps, action shares and the outcome (step returns).

    Attributes
    ----------
    table : polars.DataFrame
        ``agent, regime, label, steps, action=<a>…, mean_return, total_return, hit_rate``;
        ``hit_rate`` is the share of steps in the market with a positive return.
    """

    table: pl.DataFrame
    report_title = "Actions and outcomes per market regime"
    plot_kinds = ("actions", "returns")

    def to_polars(self) -> pl.DataFrame:
        return self.table

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table}

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """``actions``: share of the last action per regime label and agent; ``returns``: mean
        step return (basis points) per regime label and agent."""
        from mlops_notebooks.rl import plots

        kind = check_kind(kind, self.plot_kinds, what="RegimeBreakdown plot kind")
        return plots.regime_bars(self.table, kind, ax=ax)


def regime_breakdown(
    trajectory: Trajectory | Any, *, fee: float = 0.0, **regime_options: Any
) -> RegimeBreakdown:
    """Actions and outcomes of each agent in each market regime.

    Parameters
    ----------
    trajectory : Trajectory or frame
        Needs ``price`` and ``position``; regimes are labelled with :func:`label_regimes`
        (``regime_options``: ``window``, ``trend_threshold``, ``drawdown_threshold``,
        ``scenarios``) unless the table already has them.
    fee : float, default 0
        Cost per unit of position change in the step returns.

    Examples
    --------
    >>> from mlops_notebooks.rl import load_trajectories
    >>> trajectory = load_trajectories("rl_trajectories_googl")
    >>> breakdown = regime_breakdown(trajectory, scenarios={"2017": ("2017-01-01", "2017-12-31")})
    >>> breakdown.to_polars().height > 0
    True
    """
    labelled = Trajectory(_regimes(as_trajectory(trajectory), regime_options))
    frame = step_returns(labelled, fee=fee)
    in_market = pl.col("position_before") != 0
    actions = sorted(frame.get_column("action").unique().drop_nulls().to_list())
    parts = []
    for regime in REGIME_COLUMNS:  # one small aggregate per regime column, no long copy
        label = pl.col(regime).cast(pl.String).alias("label")
        part = (
            frame.filter(pl.col(regime).is_not_null())
            .group_by("agent", label)
            .agg(
                pl.len().alias("steps"),
                *[(pl.col("action") == a).mean().alias(f"action={a}") for a in actions],
                pl.col("return").mean().alias("mean_return"),
                pl.col("return").sum().alias("total_return"),
                ((pl.col("return") > 0) & in_market)
                .sum()
                .truediv(in_market.sum())
                .alias("hit_rate"),
            )
        )
        parts.append(part.select("agent", pl.lit(regime).alias("regime"), pl.exclude("agent")))
    table = pl.concat(parts).sort(["regime", "label", "agent"])
    return RegimeBreakdown(table)


@dataclass(frozen=True, eq=False)
class StateActionMap(Result):
    """Action shares over quantile bins of each observation feature, per agent.

    Attributes
    ----------
    table : polars.DataFrame
        ``agent, feature, bin, low, high, steps, action=<a>…``.
    """

    table: pl.DataFrame
    report_title = "State → action map"
    plot_kinds = ("heatmap",)

    def to_polars(self) -> pl.DataFrame:
        return self.table

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table}

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """``heatmap``: share of the last action per feature bin (rows: agent × feature)."""
        from mlops_notebooks.rl import plots

        check_kind(kind, self.plot_kinds, what="StateActionMap plot kind")
        return plots.state_action_heatmap(self.table, ax=ax)


def state_action_map(
    trajectory: Trajectory | Any, *, features: Sequence[str] | None = None, bins: int = 5
) -> StateActionMap:
    """Which action each agent takes in which part of the observation space.

    Parameters
    ----------
    trajectory : Trajectory or frame
    features : sequence of str, optional
        ``obs_*`` columns (default: all).
    bins : int, default 5
        Quantile bins per feature, shared by all agents.

    Raises
    ------
    MissingColumnError
        No observation features recorded.
    """
    trajectory = as_trajectory(trajectory)
    names = list(features) if features is not None else trajectory.observation_features
    if not names:
        trajectory.require("obs_0", needed_for="the state → action map (no obs_* column)")
    for name in names:
        trajectory.require(name, needed_for="the state → action map")
    if bins < 2:
        raise InvalidInputError(f"bins must be at least 2, got {bins}")
    parts = []
    for name in names:
        values = pl.col(name).cast(pl.Float64)
        ranked = (values.rank("ordinal") - 1) * bins // pl.len()
        binned = trajectory.frame.with_columns(ranked.cast(pl.Int64).alias("bin"))
        ranges = binned.group_by("bin").agg(values.min().alias("low"), values.max().alias("high"))
        table = _action_shares(binned, ["agent", "bin"]).join(ranges, on="bin")
        parts.append(table.with_columns(pl.lit(name).alias("feature")))
    table = pl.concat(parts, how="diagonal_relaxed")
    first = ["agent", "feature", "bin", "low", "high", "steps"]
    table = table.select(*first, *[c for c in table.columns if c not in first])
    return StateActionMap(table.sort(["agent", "feature", "bin"]))


@dataclass(frozen=True, eq=False)
class ActionDiff(Result):
    """Where two agents (or checkpoints) act differently on the same steps.

    Attributes
    ----------
    agents : tuple of str
    agreement : float
        Share of aligned steps with the same action.
    by_regime : polars.DataFrame
        ``regime, label, steps, disagreement``.
    steps : polars.DataFrame
        Aligned steps: ``task, seed, episode, step, price, action_a, action_b, differs`` (+ time).
    """

    agents: tuple[str, str]
    agreement: float
    by_regime: pl.DataFrame
    steps: pl.DataFrame
    report_title = "Two agents compared step by step"
    plot_kinds = ("timeline", "regimes")

    def to_polars(self) -> pl.DataFrame:
        return self.by_regime

    def to_dict(self) -> dict[str, Any]:
        return {
            "agents": list(self.agents),
            "agreement": self.agreement,
            "by_regime": self.by_regime,
        }

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, paragraph

        a, b = self.agents
        return paragraph(f"{a} and {b} agree on {self.agreement:.1%} of steps") + frame_to_html(
            self.by_regime
        )

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """``timeline``: price of the first episode with the steps where actions differ;
        ``regimes``: disagreement rate per regime label."""
        from mlops_notebooks.rl import plots

        kind = check_kind(kind, self.plot_kinds, what="ActionDiff plot kind")
        if kind == "regimes":
            return plots.disagreement_bars(self.by_regime, self.agents, ax=ax)
        return plots.disagreement_timeline(self.steps, self.agents, ax=ax)


def compare_actions(
    trajectory: Trajectory | Any, agent_a: str, agent_b: str, **regime_options: Any
) -> ActionDiff:
    """Align two agents' steps (same task, seed, episode, step) and show where actions differ.

    Raises
    ------
    UnknownNameError
        An agent is not in the trajectory.
    TrajectoryError
        The agents share no steps (they ran on different tasks, seeds or episodes).
    """
    trajectory = as_trajectory(trajectory)
    for agent in (agent_a, agent_b):
        if agent not in trajectory.agents:
            raise UnknownNameError(agent, tuple(trajectory.agents), what="agent")
    labelled = _regimes(trajectory.select_agents(agent_a, agent_b), regime_options)
    on = ["task", "seed", "episode", "step"]
    a = labelled.filter(pl.col("agent") == agent_a)
    b = labelled.filter(pl.col("agent") == agent_b).select(*on, pl.col("action").alias("action_b"))
    aligned = a.rename({"action": "action_a"}).join(b, on=on, how="inner")
    if aligned.height == 0:
        raise TrajectoryError(
            f"agents {agent_a!r} and {agent_b!r} share no (task, seed, episode, step): "
            "record them on the same tasks and seeds"
        )
    aligned = aligned.with_columns((pl.col("action_a") != pl.col("action_b")).alias("differs"))
    long = _long_regimes(aligned, ["differs"])
    by_regime = (
        long.group_by(["regime", "label"], maintain_order=True)
        .agg(pl.len().alias("steps"), pl.col("differs").mean().alias("disagreement"))
        .sort(["regime", "label"])
    )
    keep = [*on, *(c for c in ("time", "price") if c in aligned.columns)]
    steps = aligned.select(*keep, "action_a", "action_b", "differs")
    return ActionDiff(
        (agent_a, agent_b), 1.0 - float(aligned["differs"].to_numpy().mean()), by_regime, steps
    )
