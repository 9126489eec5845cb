from __future__ import annotations

import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.rl import (
    EmptyTrajectoryError,
    MissingColumnError,
    Trajectory,
    backtest,
    load_trajectories,
)

from .conftest import small


def test_defaults_are_filled_and_rows_sorted():
    frame = small([10, 11, 12], [1, 1, 0]).reverse().drop("agent")
    trajectory = Trajectory.from_frame(frame)
    assert trajectory.frame["step"].to_list() == [0, 1, 2]
    assert trajectory.agents == ["agent"]
    assert set(trajectory.frame.columns) >= {"task", "seed"}


def test_missing_required_column_is_named():
    with pytest.raises(MissingColumnError, match="'reward'") as caught:
        Trajectory.from_frame(small([1, 2], [0, 1]).drop("reward"))
    assert caught.value.column == "reward"
    assert isinstance(caught.value, InvalidInputError)


def test_trajectory_without_price_names_the_column():
    with pytest.raises(MissingColumnError, match="'price'"):
        backtest(small([1, 2], [0, 1]).drop("price"))


def test_empty_trajectory_is_refused():
    with pytest.raises(EmptyTrajectoryError):
        Trajectory.from_frame(small([1], [0]).head(0))


def test_non_numeric_price_is_refused():
    frame = small([1, 2], [0, 1]).with_columns(pl.col("price").cast(pl.String))
    with pytest.raises(InvalidInputError, match="price"):
        Trajectory.from_frame(frame)


def test_rename_for_other_tools_and_unknown_agent():
    frame = small([1, 2], [0, 1]).rename({"episode": "ep", "reward": "r"})
    trajectory = Trajectory.from_frame(frame, rename={"ep": "episode", "r": "reward"})
    assert trajectory.n_steps == 2
    with pytest.raises(UnknownNameError, match=r"unknown agent 'b'"):
        trajectory.select_agents("b")


def test_load_through_the_data_layer(tmp_path):
    first, second = tmp_path / "a.parquet", tmp_path / "b.csv"
    small([1, 2, 3], [0, 1, 1], agent="x").write_parquet(first)
    small([1, 2], [1, 0], agent="y").write_csv(second)
    trajectory = load_trajectories([str(first), str(second)])
    assert trajectory.agents == ["x", "y"]
    assert trajectory.n_steps == 5
    assert "5 steps" in trajectory._repr_html_()
