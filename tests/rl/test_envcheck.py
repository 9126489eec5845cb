"""Each check catches its planted flaw; a sound environment passes every check."""

from __future__ import annotations

import pytest

from mlops_notebooks.rl import check_environment, make_trading_env

from .conftest import RandomWalkEnv


def test_sound_environment_passes_every_check():
    report = check_environment(RandomWalkEnv())
    assert report.passed, report.checks.to_dicts()
    assert set(report.checks["status"]) == {"passed"}


@pytest.mark.parametrize(
    ("flaw", "check"),
    [
        ("nan", "finite_observations"),
        ("alias", "observation_memory"),
        ("lookahead", "look_ahead"),
        ("reset", "reset_determinism"),
        ("outlier", "reward_outliers"),
    ],
)
def test_planted_flaw_is_caught(flaw, check):
    report = check_environment(RandomWalkEnv(flaw=flaw))
    assert report.status(check) == "failed", report.checks.to_dicts()
    assert not report.passed


def test_gym_anytrading_shares_observation_memory():
    report = check_environment(make_trading_env("googl", end=400))
    assert report.status("check_env") == "failed"
    assert (
        "share an object"
        in report.checks.filter(report.checks["check"] == "check_env")["evidence"][0]
    )
    assert report.status("observation_memory") == "failed"
    assert report.status("look_ahead") == "passed"
    fixed = check_environment(make_trading_env("googl", end=400, copy_observations=True))
    assert fixed.status("observation_memory") == "passed"


def test_never_taken_actions_are_reported():
    report = check_environment(RandomWalkEnv(), policy=lambda observation: 0)
    assert report.status("actions_taken") == "warning"
    assert "[1]" in report.checks.filter(report.checks["check"] == "actions_taken")["evidence"][0]
