"""Benchmark the RL tools: recording overhead per step, and analysis of 1M recorded steps.

1. **Recording overhead.** The example environment (gym-anytrading ``StocksEnv`` on GOOGL via
   ``make_trading_env``) steps through the same seeded action sequence with and without
   :class:`~mlops_notebooks.rl.TrajectoryRecorder`, alone and driven by the momentum policy.
   Episodes without and with the recorder alternate; each round's ratio of CPU times (the
   recorded side includes building the table) is reported as a median and quartiles over the
   rounds. ``--episodes`` sets the episodes (of 2,304 steps) per round: building the table
   costs about 1.4 ms whatever its length plus about 50 ns a row, so longer recordings show
   the per-step cost. ``--instructions`` also counts instructions per step under callgrind, a
   figure that does not move with the machine's load.
2. **Analysis of N recorded steps.** A synthetic trajectory (random-walk prices, persistent
   random positions, two reward components, two observation features, timestamps) is written to
   Parquet; one subprocess then reads it with ``load_trajectories`` and runs ``backtest`` (metrics
   and trades), ``regime_breakdown`` (regimes, actions and outcomes), ``reward_breakdown`` and
   ``compare_agents`` on the episode scores. Time covers reading and analysis, not imports;
   wall and CPU seconds (all threads) are both reported.

Usage (serialise heavy runs on the shared machine)::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_rl.py --steps 1000000 \
        --instructions
"""

from __future__ import annotations

import argparse
import json
import os
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


def _episode(target, actions: list[int], policy, seed: int) -> float:
    """CPU seconds of one full episode."""
    started = time.process_time()
    observation, _ = target.reset(seed=seed)
    for action in actions:
        if policy is not None:
            action = policy.predict(observation)[0]
        observation, _, terminated, truncated, _ = target.step(action)
        if terminated or truncated:
            break
    return time.process_time() - started


def recording_overhead(rounds: int, episodes: int = 10) -> dict[str, float]:
    """Recording overhead from paired episodes, as a median over ``rounds``.

    Each round makes a fresh recorder and alternates one episode without it and one with it,
    ``episodes`` times, then builds the table (its time counts as recording). CPU time of this
    process, not wall time; pairing episodes keeps both sides under the same machine load.
    """
    from mlops_notebooks.rl import MomentumAgent, TrajectoryRecorder, make_trading_env

    env = make_trading_env("googl")
    steps = int(env.unwrapped._end_tick - env.unwrapped._start_tick)
    actions = np.random.default_rng(0).integers(0, 2, steps).tolist()
    out: dict[str, float] = {"steps_per_episode": steps, "episodes": episodes, "rounds": rounds}
    for label, policy in (("env_only", None), ("with_momentum_policy", MomentumAgent())):
        plain_us, recorded_us, ratios = [], [], []
        for _ in range(rounds):
            recorder = TrajectoryRecorder(env)
            plain = recorded = 0.0
            for episode in range(episodes):
                plain += _episode(env, actions, policy, episode)
                recorded += _episode(recorder, actions, policy, episode)
            started = time.process_time()
            recorder.trajectory()
            recorded += time.process_time() - started
            plain_us.append(plain / (steps * episodes) * 1e6)
            recorded_us.append(recorded / (steps * episodes) * 1e6)
            ratios.append(recorded / plain)
        out[f"{label}_us_per_step"] = statistics.median(plain_us)
        out[f"{label}_recorded_us_per_step"] = statistics.median(recorded_us)
        out[f"{label}_overhead_pct"] = 100 * (statistics.median(ratios) - 1)
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
        out[f"{label}_overhead_pct_q1"] = 100 * (quartiles[0] - 1)
        out[f"{label}_overhead_pct_q3"] = 100 * (quartiles[-1] - 1)
    return out


INSTRUCTIONS = """
import os, subprocess, sys
import numpy as np
from mlops_notebooks.rl import TrajectoryRecorder, make_trading_env
record, episodes = sys.argv[1] == "recorded", int(sys.argv[2])
env = make_trading_env("googl")
steps = int(env.unwrapped._end_tick - env.unwrapped._start_tick)
actions = np.random.default_rng(0).integers(0, 2, steps).tolist()
def run(n):
    target = TrajectoryRecorder(env) if record else env
    for episode in range(n):
        target.reset(seed=episode)
        for action in actions:
            _, _, terminated, truncated, _ = target.step(action)
            if terminated or truncated:
                break
    if record:
        target.trajectory()
run(2)  # imports and first calls happen outside the measurement
def control(flag):
    subprocess.run(["callgrind_control", "-i", flag, str(os.getpid())], check=True,
                   capture_output=True)
control("on")
run(episodes)
control("off")
print(steps * episodes)
"""


def instruction_overhead(episodes: int = 10) -> dict[str, float]:
    """Instructions per step without and with the recorder (table built), under callgrind.

    Instruction counts do not depend on what else the machine runs, so they show small
    differences that CPU time on a shared machine hides; they do not count cache misses.
    """
    import shutil
    import tempfile

    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        return {"instructions": float("nan")}
    out: dict[str, float] = {}
    for mode in ("plain", "recorded"):
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={folder}/callgrind.out",
                    sys.executable,
                    "-c",
                    INSTRUCTIONS,
                    mode,
                    str(episodes),
                ],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            steps = int(done.stdout.split()[-1])
            collected = next(
                line for line in done.stderr.splitlines() if "Collected" in line
            ).split()[-1]
            out[f"{mode}_instructions_per_step"] = int(collected.replace(",", "")) / steps
    out["instructions_overhead_pct"] = 100 * (
        out["recorded_instructions_per_step"] / out["plain_instructions_per_step"] - 1
    )
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
    parser.add_argument(
        "--episodes",
        type=int,
        default=10,
        help="episodes recorded per round before the table is built (its cost is mostly fixed: "
        "longer recordings spread it over more steps)",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions per step under valgrind's callgrind (about 2 minutes)",
    )
    args = parser.parse_args()
    results: dict = {"recording": recording_overhead(args.rounds, args.episodes)}
    if args.instructions:
        results["recording"].update(instruction_overhead())
    print(json.dumps(results["recording"]))
    results["analysis"] = []
    for steps in args.steps:
        results["analysis"].append(analysis(steps))
        print(json.dumps(results["analysis"][-1]))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
