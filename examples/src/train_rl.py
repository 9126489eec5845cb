"""Stage `train_rl`: a tabular Q-learning trading agent on GOOGL, and the example trajectories.

The agent trains on the first `start` fraction of the series (rewarded by profit after fees); then
the random, buy-and-hold, momentum and Q-learning agents are recorded on `tasks` later windows with
`seeds` seeded runs each — the table the RL notebook loads as `rl_trajectories_googl`.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from mlops_notebooks.rl import backtest, record_example, train_q_agent


def main() -> None:
    params = yaml.safe_load(Path("params.yaml").read_text())["train_rl"]
    agent = train_q_agent(
        params["dataset"],
        start=params["start"],
        episodes=params["episodes"],
        seed=params["seed"],
        fee=params["fee"],
    )
    Path("models/rl").mkdir(parents=True, exist_ok=True)
    agent.save("models/rl/q_agent.json")
    trajectory = record_example(
        params["dataset"],
        seeds=params["seeds"],
        tasks=params["tasks"],
        start=params["start"],
        q_agent=agent,
        fee=params["fee"],
        seed=params["seed"],
    )
    Path("data/rl").mkdir(parents=True, exist_ok=True)
    trajectory.frame.write_parquet(f"data/rl/trajectories_{params['dataset']}.parquet")
    summary = backtest(trajectory, fee=params["fee"]).summary()
    metrics = {
        "steps": trajectory.n_steps,
        "mean_total_return": {
            row["agent"]: round(row["total_return"], 4) for row in summary.iter_rows(named=True)
        },
    }
    Path("metrics").mkdir(exist_ok=True)
    Path("metrics/train_rl.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(metrics)


if __name__ == "__main__":
    main()
