"""Every result follows the protocol: tables, JSON, HTML, and each plot kind draws a figure."""

from __future__ import annotations

import json

import pytest
from matplotlib.figure import Figure

from mlops_notebooks._protocol import Result
from mlops_notebooks.errors import UnknownNameError
from mlops_notebooks.rl import (
    backtest,
    check_environment,
    compare_actions,
    compare_agents,
    regime_breakdown,
    reward_breakdown,
    state_action_map,
    trade_list,
)

from .conftest import RandomWalkEnv


@pytest.fixture(scope="module")
def results(example_trajectory):
    return {
        "backtest": backtest(example_trajectory, fee=0.0075),
        "trades": trade_list(example_trajectory, fee=0.0075),
        "regimes": regime_breakdown(
            example_trajectory, scenarios={"2017": ("2017-01-01", "2017-12-31")}
        ),
        "states": state_action_map(example_trajectory),
        "diff": compare_actions(example_trajectory, "momentum", "q_learning"),
        "comparison": compare_agents(example_trajectory, n_bootstrap=100),
        "rewards": reward_breakdown(example_trajectory, fee=0.0075),
        "environment": check_environment(RandomWalkEnv()),
        "trajectory": example_trajectory,
    }


NAMES = [
    "backtest",
    "trades",
    "regimes",
    "states",
    "diff",
    "comparison",
    "rewards",
    "environment",
    "trajectory",
]


def test_every_rl_result_type_is_covered(results):
    """``tests/test_protocol.py`` leaves the rl types to this module: cover them all."""
    import inspect

    from mlops_notebooks import rl

    public = {
        name
        for name in rl.__all__
        if inspect.isclass(value := getattr(rl, name)) and issubclass(value, Result)
    }
    assert {type(results[name]).__name__ for name in NAMES} == public


@pytest.mark.parametrize("name", NAMES)
def test_protocol(results, name, tmp_path):
    result = results[name]
    assert isinstance(result, Result)
    assert result.to_frame().shape == result.to_polars().shape
    json.loads(result.to_json(tmp_path / "r.json"))
    path = result.save_html(tmp_path / "r.html")
    assert path.read_text().startswith("<!DOCTYPE html>")
    assert "<table" in result._repr_html_()


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("environment", "trajectory")])
def test_every_plot_kind_draws(results, name):
    result = results[name]
    for kind in result.plot_kinds:
        figure = result.plot(kind)
        assert isinstance(figure, Figure)
        assert figure.axes
    with pytest.raises(UnknownNameError):
        result.plot("nope")
