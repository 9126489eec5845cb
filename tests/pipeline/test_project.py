"""The pipeline read from dvc.yaml, dvc.lock and params.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.pipeline import NotADvcProjectError, ParamRef, open_pipeline
from tests.pipeline.conftest import ROOT


def test_stages_match_dvc_yaml_and_lock(shared):
    document = yaml.safe_load((shared.folder / "dvc.yaml").read_text())
    lock = yaml.safe_load((shared.folder / "dvc.lock").read_text())
    assert shared.names == tuple(document["stages"])
    train = shared.stage("train")
    assert train.cmd == ("python src/train.py",)
    assert train.deps == tuple(document["stages"]["train"]["deps"])
    assert train.outs == ("models/model.joblib",)
    assert train.metrics == ("metrics/train.json",)
    assert train.params == (ParamRef("params.yaml", "train"),)
    assert shared.stage("predict").params == (
        ParamRef("params.yaml", "train.holdout_fraction"),
        ParamRef("params.yaml", "train.seed"),
    )
    for name, stage in lock["stages"].items():
        locked = shared.stage(name).locked
        assert locked is not None
        assert locked.outs == {out["path"]: out["md5"] for out in stage["outs"]}
        assert locked.deps == {dep["path"]: dep["md5"] for dep in stage["deps"]}
    assert shared.stage("train").locked.params["params.yaml"]["train"]["max_iter"] == 50
    assert shared.params["params.yaml"]["train"]["max_iter"] == 50


def test_graph_edges_upstream_and_downstream(shared):
    pairs = {(a, b) for a, b, _ in shared.edges()}
    assert pairs == {
        ("extract", "prepare"),
        ("prepare", "train"),
        ("prepare", "predict"),
        ("train", "predict"),
    }
    assert shared.upstream("predict") == ["extract", "prepare", "train"]
    assert shared.downstream("prepare") == ["train", "predict"]
    assert shared.producer_of("models/model.joblib") == "train"
    assert shared.producer_of("src/train.py") is None


def test_table_has_one_row_per_stage(shared):
    table = shared.to_polars()
    assert table["stage"].to_list() == list(shared.names)
    assert table["locked"].all()
    assert "train" in shared._repr_html_()


def test_repository_root_finds_the_examples_pipeline():
    pipeline = open_pipeline(ROOT)
    assert pipeline.folder == (ROOT / "examples").resolve()
    assert {"extract", "prepare", "train", "predict"} <= set(pipeline.names)


def test_not_a_dvc_project(tmp_path):
    with pytest.raises(NotADvcProjectError, match="not inside a DVC project") as caught:
        open_pipeline(tmp_path)
    assert isinstance(caught.value, InvalidInputError)
    assert "\n" not in str(caught.value)


def test_dvc_project_without_dvc_yaml(tmp_path):
    (tmp_path / ".dvc").mkdir()
    with pytest.raises(NotADvcProjectError, match=r"no dvc.yaml"):
        open_pipeline(tmp_path)


def test_unknown_stage_lists_close_matches(shared):
    with pytest.raises(
        UnknownNameError, match="unknown stage 'trian': did you mean 'train'"
    ) as caught:
        shared.stage("trian")
    assert isinstance(caught.value, KeyError)


def test_templated_stages_are_refused_clearly(tmp_path: Path):
    (tmp_path / ".dvc").mkdir()
    (tmp_path / "dvc.yaml").write_text(
        "stages:\n  fit:\n    foreach: [1, 2]\n    do:\n      cmd: echo ${item}\n"
    )
    with pytest.raises(NotADvcProjectError, match="foreach/matrix"):
        open_pipeline(tmp_path)
