"""Backtest metrics per episode: return, CAGR, Sharpe, Sortino, drawdown, turnover, win rate.

The formulas are quantstats' (0.0.86) on the step-return series, risk-free rate 0:
Sharpe = mean / std(ddof=1) · √periods; Sortino = mean / √(Σ min(r, 0)² / n) · √periods;
CAGR = (1 + total)^(periods / n) − 1; maximum drawdown against the running peak of equity,
which starts at 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl.schema import EPISODE_KEYS, Trajectory, as_trajectory
from mlops_notebooks.rl.trades import _trades, step_returns

__all__ = ["METRICS", "BacktestReport", "backtest"]

KEYS = list(EPISODE_KEYS)
METRICS = ("total_return", "cagr", "sharpe", "sortino", "max_drawdown", "volatility")


def _episode_metrics(frame: pl.DataFrame, periods_per_year: int) -> pl.DataFrame:
    r = pl.col("return")
    root = math.sqrt(periods_per_year)
    downside = ((pl.when(r < 0).then(r).otherwise(0.0) ** 2).sum() / r.count()).sqrt()
    total = (1.0 + r).product() - 1.0
    return (
        frame.group_by(KEYS, maintain_order=True)
        .agg(
            pl.len().alias("steps"),
            total.alias("total_return"),
            ((1.0 + total) ** (periods_per_year / r.count()) - 1.0).alias("cagr"),
            (r.mean() / r.std(ddof=1) * root).alias("sharpe"),
            (r.mean() / downside * root).alias("sortino"),
            pl.col("drawdown").min().alias("max_drawdown"),
            (r.std(ddof=1) * root).alias("volatility"),
            ((pl.col("position") - pl.col("position_before")).abs().sum() / pl.len()).alias(
                "turnover"
            ),
            (pl.col("position") != 0).mean().alias("exposure"),
            pl.col("reward").sum().alias("total_reward"),
        )
        .with_columns(pl.col("sharpe", "sortino").fill_nan(None))
    )


@dataclass(frozen=True, eq=False)
class BacktestReport(Result):
    """Per-episode performance and the step-level curves behind it.

    Attributes
    ----------
    metrics : polars.DataFrame
        One row per episode: keys, ``steps``, ``total_return``, ``cagr``, ``sharpe``,
        ``sortino``, ``max_drawdown``, ``volatility``, ``turnover``, ``exposure``,
        ``total_reward``, ``trades``, ``win_rate``.
    curves : polars.DataFrame
        Every step with ``return``, ``equity``, ``drawdown`` (and the trajectory's columns).
    trades : polars.DataFrame
        The trade list (see :func:`~mlops_notebooks.rl.trade_list`).
    fee : float
    periods_per_year : int
    """

    metrics: pl.DataFrame
    curves: pl.DataFrame
    trades: pl.DataFrame
    fee: float
    periods_per_year: int
    report_title = "Backtest"
    plot_kinds = ("equity", "drawdown", "positions", "actions")

    def summary(self) -> pl.DataFrame:
        """Per agent: the mean of every metric over its episodes."""
        columns = [*METRICS, "turnover", "exposure", "trades", "win_rate"]
        return (
            self.metrics.group_by("agent", maintain_order=True)
            .agg(pl.len().alias("episodes"), *[pl.col(c).mean() for c in columns])
            .sort("total_return", descending=True)
        )

    def to_polars(self) -> pl.DataFrame:
        return self.metrics

    def to_dict(self) -> dict[str, Any]:
        return {
            "fee": self.fee,
            "periods_per_year": self.periods_per_year,
            "summary": self.summary(),
            "metrics": self.metrics,
        }

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, paragraph, section

        return (
            paragraph(
                f"fee {self.fee:g} per unit traded; {self.periods_per_year} periods per year; "
                "means over episodes"
            )
            + section("Per agent", frame_to_html(self.summary()))
            + section("Per episode", frame_to_html(self.metrics))
        )

    def plot(
        self,
        kind: str | None = None,
        *,
        ax: Any = None,
        task: str | None = None,
        agent: str | None = None,
        seed: int | None = None,
        episode: int | None = None,
    ) -> Any:
        """Draw ``equity`` or ``drawdown`` (median over episodes with a 10–90 % band, per agent),
        ``positions`` (price with entries and exits, and the position, for one episode) or
        ``actions`` (share of each action over time, per agent).

        ``task`` picks the task (default: the first); ``agent``, ``seed`` and ``episode`` the
        episode shown by ``positions`` (default: the first agent's first run).
        """
        from mlops_notebooks.rl import plots

        kind = check_kind(kind, self.plot_kinds, what="BacktestReport plot kind")
        task = task if task is not None else self.curves["task"][0]
        curves = self.curves.filter(pl.col("task") == task)
        if kind in ("equity", "drawdown"):
            return plots.bands(curves, kind, ax=ax, title=f"{kind} — task {task}")
        if kind == "actions":
            return plots.action_shares(curves)
        agent = agent if agent is not None else curves["agent"][0]
        one = curves.filter(pl.col("agent") == agent)
        seed = seed if seed is not None else one["seed"][0]
        one = one.filter(pl.col("seed") == seed)
        episode = episode if episode is not None else one["episode"][0]
        chosen = (
            (pl.col("agent") == agent) & (pl.col("seed") == seed) & (pl.col("episode") == episode)
        )
        trades = self.trades.filter(chosen & (pl.col("task") == task))
        title = f"{agent}, task {task}, seed {seed}, episode {episode}"
        return plots.positions(one.filter(pl.col("episode") == episode), trades, title=title)


def backtest(
    trajectory: Trajectory | Any, *, fee: float = 0.0, periods_per_year: int = 252
) -> BacktestReport:
    """Backtest every recorded episode from its prices and positions.

    Parameters
    ----------
    trajectory : Trajectory, frame or data ref
        Needs ``price`` and ``position``.
    fee : float, default 0
        Cost per unit of position change (a fraction of the traded value).
    periods_per_year : int, default 252
        Steps per year, to annualise (252 for daily bars, about 6048 for hourly FX).

    Returns
    -------
    BacktestReport

    Raises
    ------
    MissingColumnError
        No ``price`` or ``position`` column.

    Examples
    --------
    >>> report = backtest("rl_trajectories_googl", fee=0.0075)
    >>> report.to_polars().columns[:2]
    ['agent', 'task']
    """
    if periods_per_year < 1:
        raise InvalidInputError(f"periods_per_year must be positive, got {periods_per_year}")
    trajectory = as_trajectory(trajectory)
    curves = step_returns(trajectory, fee=fee)
    trades = _trades(curves, fee)
    per_trade = trades.group_by(KEYS).agg(
        pl.len().alias("trades"), (pl.col("profit") > 0).mean().alias("win_rate")
    )
    metrics = (
        _episode_metrics(curves, periods_per_year)
        .join(per_trade, on=KEYS, how="left")
        .with_columns(pl.col("trades").fill_null(0).cast(pl.Int64))
    )
    return BacktestReport(metrics, curves, trades, fee, periods_per_year)
