"""Step returns and the trade list, computed columnar over every episode at once.

Conventions (``docs/rl.md``): ``position`` is what the agent holds *after* the step, at the
step's ``price``; it is held until the next step. A step's return is the position held into it
times the price's relative change, minus ``fee`` × the position change. Each episode starts flat
(the first step's return is only its trading cost). A trade is a run of steps with the same
non-zero position; it exits at the step where the position changes (or, still open, at the
episode's last step). Its profit is the compounded return of the steps it was held, with ``fee``
× |position| paid at entry and at exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from mlops_notebooks._protocol import Result
from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl.schema import (
    EPISODE_ID,
    EPISODE_KEYS,
    Trajectory,
    as_trajectory,
    with_episode_id,
)

__all__ = ["TradeList", "step_returns", "trade_list"]

KEYS = list(EPISODE_KEYS)


def _check_fee(fee: float) -> None:
    if not 0 <= fee < 1:
        raise InvalidInputError(f"fee must be in [0, 1), got {fee}")


def step_returns(trajectory: Any, *, fee: float = 0.0) -> pl.DataFrame:
    """The trajectory with ``position_before``, ``return``, ``equity`` and ``drawdown`` added.

    Parameters
    ----------
    trajectory : Trajectory or frame
        Needs ``price`` and ``position`` columns.
    fee : float, default 0
        Cost per unit of position change, as a fraction of the traded value.

    Raises
    ------
    MissingColumnError
        No ``price`` or no ``position`` column.

    Examples
    --------
    >>> frame = step_returns({"episode": [0, 0], "step": [0, 1], "action": [1, 1],
    ...     "reward": [0.0, 0.0], "price": [10.0, 11.0], "position": [1.0, 1.0]})
    >>> round(frame["return"][1], 6)
    0.1
    """
    _check_fee(fee)
    trajectory = as_trajectory(trajectory)
    trajectory.require("price", "position", needed_for="returns, equity and trades")
    before = pl.col("position").shift(1).over(EPISODE_ID).fill_null(0.0)
    move = (pl.col("price") / pl.col("price").shift(1).over(EPISODE_ID) - 1.0).fill_null(0.0)
    frame = (
        with_episode_id(trajectory.frame)
        .with_columns(pl.col("position").cast(pl.Float64), position_before=before.cast(pl.Float64))
        .with_columns(
            (
                pl.col("position_before") * move
                - fee * (pl.col("position") - pl.col("position_before")).abs()
            ).alias("return")
        )
    )
    equity = (1.0 + pl.col("return")).cum_prod().over(EPISODE_ID)
    frame = frame.with_columns(equity.alias("equity"))
    peak = pl.max_horizontal(pl.col("equity").cum_max().over(EPISODE_ID), pl.lit(1.0))
    return frame.with_columns((pl.col("equity") / peak - 1.0).alias("drawdown"))


def _trades(frame: pl.DataFrame, fee: float) -> pl.DataFrame:
    """One row per trade from :func:`step_returns` output."""
    run = (pl.col("position") != pl.col("position_before")).cum_sum().over(EPISODE_ID)
    frame = frame.with_columns(run.alias("_run"))
    frame = frame.with_columns(
        pl.col("_run").shift(1).over(EPISODE_ID).alias("_held"),
        (
            1.0
            + pl.col("position_before")
            * (pl.col("price") / pl.col("price").shift(1).over(EPISODE_ID) - 1.0).fill_null(0.0)
        ).alias("_growth"),
        pl.col("step").shift(-1).over(EPISODE_ID).alias("_next_step"),
        pl.col("price").shift(-1).over(EPISODE_ID).alias("_next_price"),
    )
    first_last = [
        pl.col("position").first(),
        pl.col("step").first().alias("entry_step"),
        pl.col("price").first().alias("entry_price"),
        pl.col("step").last().alias("_last_step"),
        pl.col("price").last().alias("_last_price"),
        pl.col("_next_step").last(),
        pl.col("_next_price").last(),
    ]
    if "time" in frame.columns:
        first_last.append(pl.col("time").first().alias("entry_time"))
    runs = (
        frame.filter(pl.col("position") != 0)
        .group_by([*KEYS, "_run"], maintain_order=True)
        .agg(first_last)
    )
    growth = (
        frame.filter(pl.col("_held").is_not_null())
        .group_by([*KEYS, "_held"])
        .agg(pl.col("_growth").product().alias("_gross"))
        .rename({"_held": "_run"})
    )
    is_open = pl.col("_next_step").is_null()
    exit_fee = pl.when(is_open).then(0.0).otherwise(fee * pl.col("position").abs())
    trades = runs.join(growth, on=[*KEYS, "_run"], how="left").with_columns(
        is_open.alias("open"),
        pl.coalesce("_next_step", "_last_step").alias("exit_step"),
        pl.coalesce("_next_price", "_last_price").alias("exit_price"),
        pl.when(pl.col("position") > 0)
        .then(pl.lit("long"))
        .otherwise(pl.lit("short"))
        .alias("direction"),
    )
    trades = trades.with_columns(
        (pl.col("exit_step") - pl.col("entry_step")).alias("holding_steps"),
        (
            pl.col("_gross").fill_null(1.0)
            * (1.0 - fee * pl.col("position").abs())
            * (1.0 - exit_fee)
            - 1.0
        ).alias("profit"),
    )
    columns = [*KEYS, "direction", "position", "entry_step", "exit_step", "holding_steps"]
    columns += ["entry_price", "exit_price", "profit", "open"]
    if "time" in frame.columns:
        columns.insert(len(KEYS) + 2, "entry_time")
    return trades.select(columns).sort([*KEYS, "entry_step"])


@dataclass(frozen=True, eq=False)
class TradeList(Result):
    """Every trade of every episode, and per-agent statistics.

    Attributes
    ----------
    trades : polars.DataFrame
        ``agent, task, seed, episode, direction, position, entry_step, exit_step,
        holding_steps, entry_price, exit_price, profit, open``.
    fee : float
        The fee used.
    """

    trades: pl.DataFrame
    fee: float
    report_title = "Trades"
    plot_kinds = ("profit",)

    def summary(self) -> pl.DataFrame:
        """Per agent: trades, win rate, mean profit, mean holding time."""
        return (
            self.trades.group_by("agent", maintain_order=True)
            .agg(
                pl.len().alias("trades"),
                (pl.col("profit") > 0).mean().alias("win_rate"),
                pl.col("profit").mean().alias("mean_profit"),
                pl.col("holding_steps").mean().alias("mean_holding_steps"),
            )
            .sort("agent")
        )

    def to_polars(self) -> pl.DataFrame:
        return self.trades

    def to_dict(self) -> dict[str, Any]:
        return {"fee": self.fee, "summary": self.summary(), "trades": self.trades}

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, section

        return section("Per agent", frame_to_html(self.summary())) + section(
            "Trades", frame_to_html(self.trades)
        )

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """``profit``: distribution of trade profits per agent."""
        from mlops_notebooks._protocol import check_kind
        from mlops_notebooks.rl import plots

        check_kind(kind, self.plot_kinds, what="TradeList plot kind")
        return plots.trade_profits(self.trades, ax=ax)


def trade_list(trajectory: Trajectory | Any, *, fee: float = 0.0) -> TradeList:
    """The trades of every episode (entry, exit, holding time, profit).

    Parameters
    ----------
    trajectory : Trajectory or frame
        Needs ``price`` and ``position``.
    fee : float, default 0
        Cost per unit of position change.

    Examples
    --------
    >>> trades = trade_list({"episode": [0, 0, 0], "step": [0, 1, 2], "action": [1, 1, 0],
    ...     "reward": [0.0, 0.0, 0.0], "price": [10.0, 12.0, 11.0], "position": [1.0, 1.0, 0.0]})
    >>> trades.trades["profit"].round(6).to_list()
    [0.1]
    """
    return TradeList(_trades(step_returns(trajectory, fee=fee), fee), fee)
