"""The example pipeline's train_rl stage: its cached outputs load and agree with its parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mlops_notebooks.rl import EXAMPLE_AGENTS, QLearningAgent, load_trajectories, make_trading_env

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def params():
    if not (EXAMPLES / "data" / "rl" / "trajectories_googl.parquet").exists():
        pytest.fail("example trajectories missing: run `dvc repro examples/dvc.yaml`")
    return yaml.safe_load((EXAMPLES / "params.yaml").read_text())["train_rl"]


def test_trajectories_load_by_catalog_name(params, monkeypatch):
    monkeypatch.chdir(ROOT)
    trajectory = load_trajectories("rl_trajectories_googl")
    assert sorted(trajectory.agents) == sorted(EXAMPLE_AGENTS)
    episodes = trajectory.episodes()
    assert episodes.height == len(EXAMPLE_AGENTS) * params["tasks"] * params["seeds"]
    assert {"reward_price_move", "reward_trading_cost", "price", "position", "time"} <= set(
        trajectory.frame.columns
    )
    metrics = json.loads((EXAMPLES / "metrics" / "train_rl.json").read_text())
    assert metrics["steps"] == trajectory.n_steps


def test_saved_agent_acts(params):
    agent = QLearningAgent.load(EXAMPLES / "models" / "rl" / "q_agent.json")
    assert agent.q_table_.shape == (agent.n_bins, agent.n_bins, 2)
    observation, _ = make_trading_env(params["dataset"]).reset(seed=0)
    assert agent.predict(observation)[0] in (0, 1)
