"""Running stages from the API: same outputs and dvc.lock as `dvc repro`; failures caught."""

from __future__ import annotations

import re

import pytest
import yaml

from mlops_notebooks.pipeline import StageFailedError, inject_fault, make_sandbox, open_pipeline
from tests.pipeline.conftest import run_dvc


def _change_threshold(folder):
    params = folder / "params.yaml"
    params.write_text(
        re.sub(r"delay_threshold_minutes: 15", "delay_threshold_minutes: 30", params.read_text())
    )


def test_run_equals_dvc_repro(sandbox, tmp_path):
    twin = make_sandbox(tmp_path / "twin").path
    for folder in (sandbox, twin):
        _change_threshold(folder)
    run = open_pipeline(sandbox).run_stage("prepare")
    assert run_dvc(twin, "repro", "--single-item", "prepare").returncode == 0

    assert run.ok and run.returncode == 0
    assert run.ran == ("prepare",)
    assert run.command == ("dvc", "repro", "--single-item", "prepare")
    assert "Running stage 'prepare'" in run.log and run.duration_seconds > 0
    ours = yaml.safe_load((sandbox / "dvc.lock").read_text())["stages"]["prepare"]
    theirs = yaml.safe_load((twin / "dvc.lock").read_text())["stages"]["prepare"]
    assert ours == theirs
    for out in ours["outs"]:
        assert (sandbox / out["path"]).read_bytes() == (twin / out["path"]).read_bytes()
    assert (
        run.pipeline.stage("prepare").locked.params["params.yaml"]["prepare"][
            "delay_threshold_minutes"
        ]
        == 30
    )
    assert open_pipeline(sandbox).status().states["prepare"] == "up to date"
    assert run.to_polars()["outcome"].to_list() == ["", "ran", "", ""]


def test_up_to_date_stage_is_skipped(shared):
    run = shared.run_stage("extract", upstream=True)
    assert run.ok and run.ran == () and run.skipped == ("extract",)


def test_stage_that_raises_is_caught_with_its_error(sandbox):
    inject_fault(sandbox, "raise")
    run = open_pipeline(sandbox).run_stage("train")
    assert not run.ok and run.returncode != 0
    failure = run.failure
    assert failure.stage == "train"
    assert failure.exception == "InvalidParameterError"
    assert "learning_rate" in failure.message
    assert failure.params["train.learning_rate"] == 0
    assert failure.inputs["input"].to_list() == list(open_pipeline(sandbox).stage("train").deps)
    assert "Traceback" in failure.traceback
    with pytest.raises(
        StageFailedError, match="stage 'train' failed: InvalidParameterError"
    ) as caught:
        run.raise_for_failure()
    assert "\n" not in str(caught.value)
    assert run.to_polars()["outcome"].to_list() == ["", "", "failed", ""]
    assert "Failure" in run._repr_html_()


def test_schema_change_breaks_the_next_stage_with_the_column_named(sandbox):
    inject_fault(sandbox, "schema")
    run = open_pipeline(sandbox).run_stage("train", upstream=True)
    assert run.ran == ("prepare", "train")
    failure = run.failure
    assert (failure.stage, failure.exception, failure.column) == (
        "train",
        "ColumnNotFoundError",
        "distance",
    )
    assert failure.culprits == ["data/processed/reference.parquet"]
    assert "data/processed/reference.parquet lost it" in failure.text()
    assert run.to_dict()["failure"]["column"] == "distance"


def test_unknown_stage(shared):
    from mlops_notebooks.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="did you mean 'predict'"):
        shared.run_stage("predcit")
