"""IQM equals scipy's trimmed mean; intervals equal a reference stratified bootstrap."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy.stats import trim_mean

from mlops_notebooks.rl import (
    TrajectoryError,
    compare_agents,
    iqm,
    performance_profile,
    stratified_bootstrap,
)


def reference_bootstrap(scores, statistic, n_bootstrap, seed, confidence):
    """A plain loop, as rliable describes it: resample runs within each task, independently."""
    rng = np.random.default_rng(seed)
    runs, tasks = scores.shape
    rows = rng.integers(0, runs, size=(n_bootstrap, runs, tasks))
    values = []
    for b in range(n_bootstrap):
        sample = np.empty_like(scores)
        for task in range(tasks):
            sample[:, task] = scores[rows[b, :, task], task]
        values.append(statistic(sample.ravel()))
    tail = (1 - confidence) / 2
    return np.quantile(values, [tail, 1 - tail])


def test_iqm_is_scipy_trim_mean(rng):
    scores = rng.normal(size=(7, 5))
    assert iqm(scores) == pytest.approx(trim_mean(scores.ravel(), 0.25), rel=1e-12)


@pytest.mark.parametrize(
    ("name", "function"),
    [("iqm", lambda x: trim_mean(x, 0.25)), ("mean", np.mean), ("median", np.median)],
)
def test_intervals_equal_reference(rng, name, function):
    scores = rng.standard_t(3, size=(10, 4))
    value, low, high = stratified_bootstrap(scores, name, n_bootstrap=300, seed=7, confidence=0.9)
    assert value == pytest.approx(function(scores.ravel()))
    expected = reference_bootstrap(scores, function, 300, 7, 0.9)
    assert (low, high) == pytest.approx(tuple(expected), rel=1e-12)


def test_stratification_keeps_task_columns(rng):
    # tasks on very different scales: a stratified resample never mixes them, so each
    # resample holds exactly `runs` scores of each task
    scores = np.column_stack([rng.normal(0, 1, 6), rng.normal(1000, 1, 6)])
    _, low, high = stratified_bootstrap(scores, "mean", n_bootstrap=500, seed=0)
    assert 499 < low < high < 501


def test_performance_profile_fraction(rng):
    scores = np.arange(12.0).reshape(4, 3)
    profile = performance_profile(scores, [-1, 5.5, 11], n_bootstrap=200, seed=0)
    assert profile["fraction"].to_list() == pytest.approx([1.0, 0.5, 0.0])
    assert (profile["low"] <= profile["fraction"]).all() and (
        profile["fraction"] <= profile["high"]
    ).all()


def test_compare_agents_on_a_score_table(rng):
    rows = [
        (agent, task, run, rng.normal(shift, 0.1))
        for agent, shift in (("good", 1.0), ("bad", 0.0))
        for task in ("a", "b", "c")
        for run in range(8)
    ]
    scores = pl.DataFrame(rows, schema=["agent", "task", "run", "score"], orient="row")
    comparison = compare_agents(scores, n_bootstrap=300, seed=1)
    table = comparison.aggregates.filter(pl.col("statistic") == "iqm").sort("agent")
    bad, good = table.rows(named=True)
    assert good["ci_low"] > bad["ci_high"]  # planted: clearly separated
    assert comparison.profiles.height == 2 * 50
    assert "stratified-bootstrap" in comparison._repr_html_()


def test_compare_agents_from_a_trajectory(example_trajectory):
    comparison = compare_agents(example_trajectory, fee=0.0075, n_bootstrap=200)
    assert set(comparison.aggregates["agent"]) == {
        "random",
        "buy_and_hold",
        "momentum",
        "q_learning",
    }
    hold = comparison.aggregates.filter(
        (pl.col("agent") == "buy_and_hold") & (pl.col("statistic") == "mean")
    )
    # a deterministic agent: every seed scores the same, so the interval has no width
    assert hold["ci_low"][0] == pytest.approx(hold["ci_high"][0])


def test_mismatched_agents_are_refused():
    scores = pl.DataFrame(
        {
            "agent": ["a", "a", "b"],
            "task": ["x", "y", "x"],
            "run": [0, 0, 0],
            "score": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(TrajectoryError, match="'b' has no score for task 'y'"):
        compare_agents(scores)


def test_unknown_statistic():
    from mlops_notebooks.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="iqm"):
        stratified_bootstrap(np.ones((3, 2)), "iqmm")
