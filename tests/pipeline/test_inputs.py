"""Stage inputs and outputs loaded through the data layer, at the workspace or a revision."""

from __future__ import annotations

import subprocess

import polars as pl
import pytest

from mlops_notebooks.errors import UnknownNameError
from mlops_notebooks.pipeline import UnknownRevisionError


def test_load_stage_inputs_like_kedro_load_node(shared):
    inputs = shared.load_stage_inputs("train", backend="polars")
    reference = pl.read_parquet(shared.folder / "data" / "processed" / "reference.parquet")
    assert list(inputs) == ["data/processed/reference.parquet"]
    assert inputs["reference"].equals(reference)
    assert inputs["data/processed/reference.parquet"].equals(reference)
    assert inputs.files == ("src/train.py", "src/features.py")
    assert inputs.params["train.max_iter"] == 50
    assert inputs.to_polars()["rows"].to_list()[0] == reference.height
    with pytest.raises(UnknownNameError, match="reference"):
        inputs["referenc"]


def test_inputs_at_an_older_revision(shared):
    inputs = shared.load_stage_inputs("train", rev="v1")
    assert inputs.params["train.max_iter"] == 200
    assert inputs.rev == "v1"


def test_output_at_revisions_matches_git_history(shared):
    model_v1 = subprocess.run(
        ["git", "show", "v1:dvc.lock"],
        cwd=shared.folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "predictions_current.parquet" in model_v1
    now = shared.load_output("data/model_outputs/predictions_current.parquet", backend="polars")
    before = shared.load_output(
        "data/model_outputs/predictions_current.parquet", rev="v1", backend="polars"
    )
    assert now.height == before.height
    assert not now["predicted_probability"].equals(before["predicted_probability"])
    same = shared.load_output("predict", rev="v3", backend="polars")
    holdout = pl.read_parquet(
        shared.folder / "data" / "model_outputs" / "predictions_holdout.parquet"
    )
    assert same.equals(holdout)  # a stage name loads its first data output


def test_unknown_revision(shared):
    with pytest.raises(UnknownRevisionError, match="unknown git revision 'v9'") as caught:
        shared.load_output("prepare", rev="v9")
    assert "\n" not in str(caught.value)


def test_unknown_output(shared):
    with pytest.raises(UnknownNameError, match="unknown stage or output"):
        shared.load_output("data/processed/flight.parquet")
