"""Benchmark the RL tools: recording overhead per step, and analysis of 1M recorded steps.

1. **Recording overhead.** The example environment (gym-anytrading ``StocksEnv`` on GOOGL via
   ``make_trading_env``) steps through the same seeded action sequence with and without
   :class:`~mlops_notebooks.rl.TrajectoryRecorder`, alone and driven by the momentum policy;
   rounds (full episodes) alternate and the median CPU time per step of each is compared. The
   recorded run includes building the final table.
2. **Analysis of N recorded steps.** A synthetic trajectory (random-walk prices, persistent
   random positions, two reward components, two observation features, timestamps) is written to
   Parquet; one subprocess then reads it with ``load_trajectories`` and runs ``backtest`` (metrics
   and trades), ``regime_breakdown`` (regimes, actions and outcomes), ``reward_breakdown`` and
   ``compare_agents`` on the episode scores. Time covers reading and analysis, not imports;
   wall and CPU seconds (all threads) are both reported.

Usage (serialise heavy runs on the shared machine)::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_rl.py --steps 1000000
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"

ANALYSIS = """
import json, resource, sys, time
started = time.perf_counter()
from mlops_notebooks import rl
import mlops_notebooks.data
imported, cpu = time.perf_counter(), time.process_time()
trajectory = rl.load_trajectories(sys.argv[1])
read = time.perf_counter()
report = rl.backtest(trajectory, fee=0.001)
regimes = rl.regime_breakdown(trajectory, fee=0.001)
rewards = rl.reward_breakdown(trajectory, fee=0.001)
import polars as pl
scores = report.metrics.select("agent", "task", pl.col("seed").alias("run"),
                               pl.col("total_return").alias("score"))
comparison = rl.compare_agents(scores, n_bootstrap=2000)
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "read_s": read - imported,
    "analysis_s": done - read, "total_s": done - imported,
    "total_cpu_s": time.process_time() - cpu, "steps": trajectory.n_steps,
    "trades": report.trades.height, "regime_rows": regimes.table.height,
    "windows": rewards.windows.height,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def synthetic_trajectory(steps: int, *, seed: int = 0, episode_length: int = 1000) -> pl.DataFrame:
    """``steps`` rows: 4 agents × seeds × episodes of ``episode_length`` steps."""
    rng = np.random.default_rng(seed)
    episodes = steps // episode_length
    n = episodes * episode_length
    episode = np.repeat(np.arange(episodes), episode_length)
    step = np.tile(np.arange(episode_length), episodes)
    log_price = np.cumsum(rng.normal(0, 0.01, n).reshape(episodes, -1), axis=1).ravel()
    price = 100 * np.exp(log_price)
    flips = rng.random(n) < 0.05
    action = (np.cumsum(flips) % 2).astype(np.int64)
    position = action.astype(np.float64)
    before = np.concatenate([[0.0], position[:-1]])
    before[step == 0] = 0.0
    move = np.concatenate([[0.0], price[1:] / price[:-1] - 1])
    move[step == 0] = 0.0
    price_move, cost = before * move, -0.001 * np.abs(position - before)
    agents = np.array(["random", "momentum", "q_learning", "buy_and_hold"])
    start = np.datetime64("2000-01-01T00:00:00", "us")
    return pl.DataFrame(
        {
            "agent": agents[episode % 4],
            "task": (episode // 4 % 5).astype(str),
            "seed": episode // 20,
            "episode": episode,
            "step": step,
            "action": action,
            "reward": price_move + cost + rng.normal(0, 1e-4, n),
            "terminated": np.zeros(n, dtype=bool),
            "truncated": step == episode_length - 1,
            "obs_price": price,
            "obs_change": np.concatenate([[0.0], np.diff(price)]),
            "reward_price_move": price_move,
            "reward_trading_cost": cost,
            "price": price,
            "position": position,
            "time": start + step.astype("timedelta64[D]"),
        }
    )


def _episodes(env, actions: list[int], policy, record: bool, episodes: int) -> float:
    """CPU seconds per step of ``episodes`` full episodes (recording: table built at the end)."""
    from mlops_notebooks.rl import TrajectoryRecorder

    target = TrajectoryRecorder(env) if record else env
    started = time.process_time()
    for episode in range(episodes):
        observation, _ = target.reset(seed=episode)
        for action in actions:
            if policy is not None:
                action = policy.predict(observation)[0]
            observation, _, terminated, truncated, _ = target.step(action)
            if terminated or truncated:
                break
    if record:
        target.trajectory()
    return (time.process_time() - started) / (len(actions) * episodes)


def recording_overhead(rounds: int, episodes: int = 10) -> dict[str, float]:
    """Median CPU time per step over alternating rounds of ``episodes`` GOOGL episodes.

    CPU time of this process, not wall time: on a shared machine other processes inflate wall
    time unevenly between rounds.
    """
    from mlops_notebooks.rl import MomentumAgent, make_trading_env

    env = make_trading_env("googl")
    steps = int(env.unwrapped._end_tick - env.unwrapped._start_tick)
    actions = np.random.default_rng(0).integers(0, 2, steps).tolist()
    out: dict[str, float] = {"steps_per_episode": steps, "episodes": episodes, "rounds": rounds}
    for label, policy in (("env_only", None), ("with_momentum_policy", MomentumAgent())):
        plain, recorded = [], []
        for _ in range(rounds):
            plain.append(_episodes(env, actions, policy, record=False, episodes=episodes))
            recorded.append(_episodes(env, actions, policy, record=True, episodes=episodes))
        base, with_recorder = statistics.median(plain), statistics.median(recorded)
        out[f"{label}_us_per_step"] = base * 1e6
        out[f"{label}_recorded_us_per_step"] = with_recorder * 1e6
        out[f"{label}_overhead_pct"] = 100 * (with_recorder / base - 1)
    return out


def analysis(steps: int) -> dict[str, float]:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"rl_trajectory_{steps}.parquet"
    if not path.exists():
        synthetic_trajectory(steps).write_parquet(path)
    out = subprocess.run(
        [sys.executable, "-c", ANALYSIS, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results: dict = {"recording": recording_overhead(args.rounds)}
    print(json.dumps(results["recording"]))
    results["analysis"] = []
    for steps in args.steps:
        results["analysis"].append(analysis(steps))
        print(json.dumps(results["analysis"][-1]))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
