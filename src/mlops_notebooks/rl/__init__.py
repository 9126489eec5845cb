"""Reinforcement-learning trading agents: record, backtest, explain, compare, debug environments.

- Record: :class:`TrajectoryRecorder` (a gymnasium wrapper) and :func:`record_episodes` write one
  row per step (the trajectory table, ``docs/rl.md``); :func:`load_trajectories` reads tables
  written by any tool through the data layer.
- Behaviour: :func:`backtest` (equity, drawdown, Sharpe, Sortino, CAGR — quantstats' formulas),
  :func:`trade_list`, :func:`label_regimes`, :func:`regime_breakdown`, :func:`state_action_map`,
  :func:`compare_actions`.
- Comparison: :func:`compare_agents` (IQM, stratified bootstrap, performance profiles).
- Rewards: :func:`reward_breakdown`. Environments: :func:`check_environment`.
- Example: :func:`make_trading_env` on bundled GOOGL, EUR/USD and S&P 500 prices; baseline agents
  and a tabular :class:`QLearningAgent`; :func:`record_example`.

Policies are anything with ``predict(observation)`` (stable-baselines3 models as-is) or callables.
"""

from .agents import BuyAndHoldAgent, MomentumAgent, QLearningAgent, RandomAgent, make_agent
from .behaviour import (
    ActionDiff,
    RegimeBreakdown,
    StateActionMap,
    compare_actions,
    regime_breakdown,
    state_action_map,
)
from .compare import (
    AgentComparison,
    compare_agents,
    iqm,
    performance_profile,
    stratified_bootstrap,
)
from .envcheck import EnvironmentReport, check_environment
from .envs import DATASETS, load_prices, make_trading_env, segments, trading_components
from .example import EXAMPLE_AGENTS, record_example, train_q_agent
from .metrics import BacktestReport, backtest
from .recorder import StepView, TrajectoryRecorder, as_policy, record_episodes
from .regimes import label_regimes
from .rewards import RewardBreakdown, reward_breakdown
from .schema import (
    EmptyTrajectoryError,
    MissingColumnError,
    Trajectory,
    TrajectoryError,
    load_trajectories,
)
from .trades import TradeList, step_returns, trade_list

__all__ = [
    "DATASETS",
    "EXAMPLE_AGENTS",
    "ActionDiff",
    "AgentComparison",
    "BacktestReport",
    "BuyAndHoldAgent",
    "EmptyTrajectoryError",
    "EnvironmentReport",
    "MissingColumnError",
    "MomentumAgent",
    "QLearningAgent",
    "RandomAgent",
    "RegimeBreakdown",
    "RewardBreakdown",
    "StateActionMap",
    "StepView",
    "TradeList",
    "Trajectory",
    "TrajectoryError",
    "TrajectoryRecorder",
    "as_policy",
    "backtest",
    "check_environment",
    "compare_actions",
    "compare_agents",
    "iqm",
    "label_regimes",
    "load_prices",
    "load_trajectories",
    "make_agent",
    "make_trading_env",
    "performance_profile",
    "record_episodes",
    "record_example",
    "regime_breakdown",
    "reward_breakdown",
    "segments",
    "state_action_map",
    "step_returns",
    "stratified_bootstrap",
    "trade_list",
    "trading_components",
    "train_q_agent",
]
