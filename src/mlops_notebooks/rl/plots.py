"""Figures of the RL results, drawn without pyplot (``_render.new_figure``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks._render import figure_of, new_axes, new_figure

__all__ = [
    "action_shares",
    "bands",
    "component_shares",
    "correlation_heatmap",
    "disagreement_bars",
    "disagreement_timeline",
    "intervals",
    "positions",
    "profiles",
    "regime_bars",
    "reward_vs_profit",
    "state_action_heatmap",
    "trade_profits",
]


def _x(frame: pl.DataFrame) -> tuple[str, Any]:
    column = "time" if "time" in frame.columns else "step"
    return column, frame[column].to_numpy()


def bands(curves: pl.DataFrame, column: str, *, ax: Any = None, title: str = "") -> Any:
    """Median of ``column`` over episodes per agent and step, with a 10–90 % band."""
    ax = new_axes(ax, (8, 4))
    table = (
        curves.group_by(["agent", "step"])
        .agg(
            pl.col(column).median().alias("mid"),
            pl.col(column).quantile(0.1).alias("low"),
            pl.col(column).quantile(0.9).alias("high"),
            pl.col("time").first()
            if "time" in curves.columns
            else pl.col("step").first().alias("_s"),
        )
        .sort(["agent", "step"])
    )
    for agent in table["agent"].unique(maintain_order=True).sort():
        one = table.filter(pl.col("agent") == agent)
        _, x = _x(one)
        line = ax.plot(x, one["mid"].to_numpy(), label=agent, linewidth=1.2)[0]
        ax.fill_between(
            x,
            one["low"].to_numpy(),
            one["high"].to_numpy(),
            alpha=0.15,
            color=line.get_color(),
            linewidth=0,
        )
    ax.set_ylabel(column + (" (1 = start)" if column == "equity" else " (fraction below peak)"))
    ax.set_title(title or column)
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    return figure_of(ax)


def action_shares(curves: pl.DataFrame, bins: int = 40) -> Any:
    """Share of each action per step bin, one panel per agent (stacked areas)."""
    agents = curves["agent"].unique().sort().to_list()
    actions = sorted(curves["action"].unique().drop_nulls().to_list())
    figure = new_figure((8, 1.6 * len(agents) + 0.6))
    axes = figure.subplots(len(agents), 1, sharex=True, squeeze=False)[:, 0]
    top = int(curves["step"].to_numpy().max()) + 1
    binned = curves.with_columns((pl.col("step") * bins // top).alias("bin"))
    for ax, agent in zip(axes, agents, strict=True):
        one = binned.filter(pl.col("agent") == agent)
        table = (
            one.group_by("bin")
            .agg(*[(pl.col("action") == a).mean().alias(str(a)) for a in actions])
            .sort("bin")
        )
        x = (table["bin"].to_numpy() + 0.5) * top / bins
        ax.stackplot(
            x,
            *[table[str(a)].to_numpy() for a in actions],
            labels=[f"action {a}" for a in actions],
            alpha=0.8,
        )
        ax.set_ylabel(agent, rotation=0, ha="right", fontsize="small")
        ax.set_ylim(0, 1)
    axes[0].legend(loc="upper right", fontsize="x-small", ncols=len(actions))
    axes[0].set_title("Share of each action over the episode")
    axes[-1].set_xlabel("step")
    return figure


def positions(steps: pl.DataFrame, trades: pl.DataFrame, *, title: str = "") -> Any:
    """Price with entries (▲ long, ▼ short) and exits (×), and the position below."""
    figure = new_figure((8, 4.8))
    price_ax, position_ax = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    column, x = _x(steps)
    price_ax.plot(x, steps["price"].to_numpy(), color="0.35", linewidth=1)
    by_step = dict(zip(steps["step"].to_list(), x, strict=True))
    for direction, marker, color in (("long", "^", "tab:green"), ("short", "v", "tab:red")):
        chosen = trades.filter(pl.col("direction") == direction)
        price_ax.scatter(
            [by_step[s] for s in chosen["entry_step"]],
            chosen["entry_price"].to_numpy(),
            marker=marker,
            color=color,
            s=28,
            label=f"{direction} entry",
            zorder=3,
        )
    closed = trades.filter(~pl.col("open"))
    price_ax.scatter(
        [by_step[s] for s in closed["exit_step"]],
        closed["exit_price"].to_numpy(),
        marker="x",
        color="black",
        s=22,
        label="exit",
        zorder=3,
    )
    price_ax.set_ylabel("price")
    price_ax.legend(loc="best", fontsize="x-small")
    price_ax.set_title(title or "Trades on the price chart")
    position_ax.step(x, steps["position"].to_numpy(), where="post", color="tab:blue")
    position_ax.set_ylabel("position")
    position_ax.set_xlabel(column)
    return figure


def regime_bars(table: pl.DataFrame, kind: str, *, ax: Any = None) -> Any:
    """Grouped bars per regime label and agent: last action's share, or mean return (bp)."""
    actions = [c for c in table.columns if c.startswith("action=")]
    column = actions[-1] if kind == "actions" else "mean_return"
    scale = 1.0 if kind == "actions" else 1e4
    labels = table.select("regime", "label").unique(maintain_order=True).sort(["regime", "label"])
    agents = table["agent"].unique().sort().to_list()
    ax = new_axes(ax, (max(6, 0.55 * labels.height * max(1, len(agents)) / 2), 4))
    width = 0.8 / max(1, len(agents))
    positions_ = np.arange(labels.height)
    for i, agent in enumerate(agents):
        one = labels.join(
            table.filter(pl.col("agent") == agent), on=["regime", "label"], how="left"
        )
        ax.bar(
            positions_ + i * width, one[column].fill_null(0).to_numpy() * scale, width, label=agent
        )
    ax.set_xticks(positions_ + width * (len(agents) - 1) / 2)
    ax.set_xticklabels(
        [f"{r}: {v}" for r, v in labels.iter_rows()], rotation=40, ha="right", fontsize="small"
    )
    ax.set_ylabel(f"share of {column}" if kind == "actions" else "mean step return (basis points)")
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.legend(fontsize="small")
    ax.set_title("Per market regime")
    return figure_of(ax)


def state_action_heatmap(table: pl.DataFrame, *, ax: Any = None) -> Any:
    """Rows: agent · feature; columns: quantile bins; colour: share of the last action."""
    actions = [c for c in table.columns if c.startswith("action=")]
    column = actions[-1]
    rows = table.select("agent", "feature").unique(maintain_order=True)
    bins = int(table["bin"].to_numpy().max()) + 1
    grid = np.full((rows.height, bins), np.nan)
    for i, (agent, feature) in enumerate(rows.iter_rows()):
        one = table.filter((pl.col("agent") == agent) & (pl.col("feature") == feature))
        grid[i, one["bin"].to_numpy()] = one[column].to_numpy()
    ax = new_axes(ax, (7, 0.35 * rows.height + 1.5))
    image = ax.imshow(grid, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
    ax.set_yticks(range(rows.height))
    ax.set_yticklabels([f"{a} · {f}" for a, f in rows.iter_rows()], fontsize="small")
    ax.set_xticks(range(bins))
    ax.set_xticklabels([f"q{b + 1}" for b in range(bins)])
    ax.set_xlabel("quantile bin of the feature (low → high)")
    figure = figure_of(ax)
    figure.colorbar(image, ax=ax, label=f"share of {column}")
    ax.set_title("State → action map")
    return figure


def disagreement_bars(by_regime: pl.DataFrame, agents: tuple[str, str], *, ax: Any = None) -> Any:
    """Share of steps where the two agents' actions differ, per regime label."""
    ax = new_axes(ax, (7, 3.5))
    labels = [f"{r}: {v}" for r, v in by_regime.select("regime", "label").iter_rows()]
    ax.bar(range(len(labels)), by_regime["disagreement"].to_numpy(), color="tab:purple")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=40, ha="right", fontsize="small")
    ax.set_ylabel("share of steps with different actions")
    ax.set_title(f"{agents[0]} vs {agents[1]}")
    return figure_of(ax)


def disagreement_timeline(steps: pl.DataFrame, agents: tuple[str, str], *, ax: Any = None) -> Any:
    """The first episode's price, with the steps where the agents act differently marked."""
    first = steps.row(0, named=True)
    one = steps.filter(
        (pl.col("task") == first["task"])
        & (pl.col("seed") == first["seed"])
        & (pl.col("episode") == first["episode"])
    )
    ax = new_axes(ax, (8, 3.5))
    column, x = _x(one)
    y = one["price"].to_numpy() if "price" in one.columns else one["action_a"].to_numpy()
    ax.plot(x, y, color="0.4", linewidth=1)
    differs = one["differs"].to_numpy()
    ax.scatter(x[differs], y[differs], color="tab:purple", s=10, label="actions differ", zorder=3)
    ax.set_xlabel(column)
    ax.set_ylabel("price")
    ax.legend(fontsize="small")
    ax.set_title(f"Where {agents[0]} and {agents[1]} act differently")
    return figure_of(ax)


def intervals(aggregates: pl.DataFrame, metric: str) -> Any:
    """One panel per statistic: point estimate and interval per agent."""
    statistics = aggregates["statistic"].unique(maintain_order=True).to_list()
    agents = aggregates["agent"].unique(maintain_order=True).to_list()
    figure = new_figure((3.2 * len(statistics), 0.5 * len(agents) + 1.6))
    axes = figure.subplots(1, len(statistics), sharey=True, squeeze=False)[0]
    for ax, statistic in zip(axes, statistics, strict=True):
        one = aggregates.filter(pl.col("statistic") == statistic)
        y = np.arange(one.height)
        value = one["value"].to_numpy()
        err = np.vstack([value - one["ci_low"].to_numpy(), one["ci_high"].to_numpy() - value])
        ax.errorbar(value, y, xerr=np.clip(err, 0, None), fmt="o", capsize=4)
        ax.set_yticks(y)
        ax.set_yticklabels(one["agent"].to_list())
        ax.set_title(statistic.upper() if statistic == "iqm" else statistic)
        ax.set_xlabel(metric)
        ax.grid(axis="x", alpha=0.3)
    return figure


def profiles(table: pl.DataFrame, metric: str, *, ax: Any = None) -> Any:
    """Performance profiles: share of runs with a score above τ, with bootstrap bands."""
    ax = new_axes(ax, (7, 4))
    for agent in table["agent"].unique(maintain_order=True):
        one = table.filter(pl.col("agent") == agent)
        tau = one["tau"].to_numpy()
        line = ax.plot(tau, one["fraction"].to_numpy(), label=agent)[0]
        ax.fill_between(
            tau,
            one["low"].to_numpy(),
            one["high"].to_numpy(),
            alpha=0.15,
            color=line.get_color(),
            linewidth=0,
        )
    ax.set_xlabel(f"{metric} threshold τ")
    ax.set_ylabel(f"share of runs with {metric} > τ")
    ax.set_title("Performance profiles")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return figure_of(ax)


def correlation_heatmap(correlation: pl.DataFrame, *, ax: Any = None) -> Any:
    """Correlation of components, reward and profit per step."""
    names = correlation["column"].to_list()
    matrix = correlation.select(names).to_numpy().astype(float)
    ax = new_axes(ax, (1.1 * len(names) + 2.5, 0.9 * len(names) + 1.5))
    image = ax.imshow(matrix, cmap="coolwarm", vmin=-1, vmax=1)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=40, ha="right")
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    for i in range(len(names)):
        for j in range(len(names)):
            if np.isfinite(matrix[i, j]):
                ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize="small")
    figure = figure_of(ax)
    figure.colorbar(image, ax=ax, label="Pearson correlation")
    ax.set_title("Components, reward and profit per step")
    return figure


def reward_vs_profit(windows: pl.DataFrame, *, ax: Any = None) -> Any:
    """Each window's summed reward against its profit; opposite signs highlighted."""
    ax = new_axes(ax, (6, 4.5))
    agree = windows.filter(~pl.col("disagree"))
    disagree = windows.filter(pl.col("disagree"))
    ax.scatter(
        agree["reward"].to_numpy(), agree["profit"].to_numpy(), s=8, color="0.6", label="same sign"
    )
    ax.scatter(
        disagree["reward"].to_numpy(),
        disagree["profit"].to_numpy(),
        s=10,
        color="tab:red",
        label=f"opposite signs ({disagree.height})",
    )
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel("reward summed over the window")
    ax.set_ylabel("profit over the window (return)")
    ax.set_title("Where reward and profit disagree")
    ax.legend(fontsize="small")
    return figure_of(ax)


def component_shares(shares: pl.DataFrame, agent: str, *, ax: Any = None) -> Any:
    """Stacked share of each component's absolute size per step bin."""
    table = shares.pivot(on="component", index="bin", values="share").sort("bin").fill_null(0)
    names = [c for c in table.columns if c != "bin"]
    ax = new_axes(ax, (8, 3.5))
    ax.stackplot(
        table["bin"].to_numpy(), *[table[n].to_numpy() for n in names], labels=names, alpha=0.85
    )
    ax.set_ylim(0, 1)
    ax.set_xlabel("part of the episode (step bin)")
    ax.set_ylabel("share of |component| total")
    ax.set_title(f"Reward components over time — {agent}")
    ax.legend(fontsize="small", loc="upper right")
    return figure_of(ax)


def trade_profits(trades: pl.DataFrame, *, ax: Any = None) -> Any:
    """Box plot of trade profits per agent."""
    ax = new_axes(ax, (7, 3.5))
    agents = trades["agent"].unique().sort().to_list()
    data = [trades.filter(pl.col("agent") == a)["profit"].to_numpy() for a in agents]
    ax.boxplot(data, tick_labels=agents, showfliers=False)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set_ylabel("profit per trade (return)")
    ax.set_title("Trade profits")
    return figure_of(ax)
